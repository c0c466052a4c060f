//! JsonConverter output compared byte for byte with Apache Kafka Connect's own
//! JsonConverter, run from its Maven Central jars through `tests/reference` (a small Java
//! harness). Nothing here is an expected value typed by hand: every expectation comes from
//! Kafka Connect.

mod transforms_support;

use std::sync::Arc;

use bytes::Bytes;
use polyconnect::converter::ConverterFactory;
use polyconnect::converter::{Converter, JsonConverter, JsonConverterConfig};
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Struct, Value};
use serde_json::{json, Value as Json};
use transforms_support::{schema_json, tagged, Harness};

fn s(t: SchemaType) -> Schema {
    Schema::new(t)
}

fn cases() -> Vec<(&'static str, Option<Schema>, Value)> {
    let order = Arc::new(
        s(SchemaType::Struct)
            .named("com.example.Order")
            .field("id", s(SchemaType::Int64))
            .field("customer", s(SchemaType::String).optional())
            .field("note", s(SchemaType::String).optional())
            .field("amount", Schema::decimal(2))
            .field("discount", Schema::decimal(4).optional())
            .field("created", Schema::timestamp())
            .field("updated", Schema::timestamp().optional())
            .field("day", Schema::date())
            .field("at", Schema::time())
            .field("ok", s(SchemaType::Boolean))
            .field("ratio", s(SchemaType::Float64).optional())
            .field("small", s(SchemaType::Int8))
            .field("tags", Schema::array(s(SchemaType::String)))
            .field(
                "attrs",
                Schema::map(s(SchemaType::String), s(SchemaType::Int32).optional()),
            )
            .field(
                "by_id",
                Schema::map(s(SchemaType::Int32), s(SchemaType::String)),
            )
            .field("blob", s(SchemaType::Bytes).optional()),
    );
    let order_value = Struct::new(order.clone())
        .put("id", Value::Int64(1234567890123))
        .put(
            "customer",
            Value::String("Zoë \"Z\" \\ O'Brien\n\t\u{1}€".into()),
        )
        .put("amount", Value::Bytes(Bytes::from_static(&[0x30, 0x39])))
        .put("discount", Value::Bytes(Bytes::from_static(&[0xff, 0x85])))
        .put("created", Value::Int64(1_700_000_000_123))
        .put("day", Value::Int32(19_675))
        .put("at", Value::Int32(45_296_789))
        .put("ok", Value::Boolean(true))
        .put("ratio", Value::Float64(0.1))
        .put("small", Value::Int8(-5))
        .put(
            "tags",
            Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
        )
        .put(
            "attrs",
            Value::Map(vec![
                (Value::String("x".into()), Value::Int32(1)),
                (Value::String("y".into()), Value::Null),
            ]),
        )
        .put(
            "by_id",
            Value::Map(vec![(Value::Int32(7), Value::String("seven".into()))]),
        )
        .put("blob", Value::Bytes(Bytes::from_static(b"\x00\x01\xfe")));

    let mut with_default = s(SchemaType::Int32).optional();
    with_default.default_value = Some(Value::Int32(42));
    with_default.doc = Some("a doc".into());
    with_default.version = Some(3);
    let defaults = Arc::new(
        s(SchemaType::Struct).field("d", with_default).field(
            "p",
            s(SchemaType::String)
                .parameter("z", "1")
                .parameter("a", "2"),
        ),
    );
    let defaults_value = Struct::new(defaults.clone()).put("p", Value::String("v".into()));

    let inner = Arc::new(
        s(SchemaType::Struct)
            .named("inner")
            .field("n", s(SchemaType::Int16)),
    );
    let outer = Arc::new(
        s(SchemaType::Struct)
            .field("inner", (*inner).clone())
            .field("list", Schema::array((*inner).clone()).optional()),
    );
    let outer_value = Struct::new(outer.clone())
        .put(
            "inner",
            Value::Struct(Struct::new(inner.clone()).put("n", Value::Int16(300))),
        )
        .put(
            "list",
            Value::Array(vec![Value::Struct(
                Struct::new(inner.clone()).put("n", Value::Int16(-1)),
            )]),
        );

    let floats: Vec<(&'static str, Option<Schema>, Value)> = [
        0.0,
        1.0,
        0.1,
        123.456,
        1e7,
        9_999_999.0,
        1e-3,
        1e-4,
        1.5e300,
        -2.5e-10,
        3.0e22,
        1.0 / 3.0,
    ]
    .iter()
    .map(|f| ("double", Some(s(SchemaType::Float64)), Value::Float64(*f)))
    .collect();
    let float32s: Vec<(&'static str, Option<Schema>, Value)> =
        [0.1f32, 1.0, 3.4028235e38, 1e-5, 16_777_216.0, 0.3]
            .iter()
            .map(|f| ("float", Some(s(SchemaType::Float32)), Value::Float32(*f)))
            .collect();

    let mut out = vec![
        (
            "order struct",
            Some((*order).clone()),
            Value::Struct(order_value),
        ),
        (
            "defaults and parameters",
            Some((*defaults).clone()),
            Value::Struct(defaults_value),
        ),
        (
            "nested structs",
            Some((*outer).clone()),
            Value::Struct(outer_value),
        ),
        (
            "string",
            Some(s(SchemaType::String)),
            Value::String("hello".into()),
        ),
        (
            "optional null",
            Some(s(SchemaType::String).optional()),
            Value::Null,
        ),
        (
            "int64 max",
            Some(s(SchemaType::Int64)),
            Value::Int64(i64::MAX),
        ),
        (
            "decimal zero",
            Some(Schema::decimal(3)),
            Value::Bytes(Bytes::from_static(&[0])),
        ),
        (
            "decimal big",
            Some(Schema::decimal(10)),
            Value::Bytes(Bytes::from_static(&[
                0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ])),
        ),
        (
            "schemaless map",
            None,
            Value::Map(vec![
                (Value::String("a".into()), Value::Int64(1)),
                (
                    Value::String("b".into()),
                    Value::Array(vec![
                        Value::Boolean(false),
                        Value::Null,
                        Value::Float64(2.5),
                    ]),
                ),
                (
                    Value::String("c".into()),
                    Value::Map(vec![(Value::String("d".into()), Value::String("e".into()))]),
                ),
            ]),
        ),
        (
            "schemaless int-keyed map",
            None,
            Value::Map(vec![(Value::Int32(1), Value::String("one".into()))]),
        ),
        ("schemaless string", None, Value::String("plain".into())),
        ("schemaless int8", None, Value::Int8(7)),
        (
            "schemaless decimal",
            None,
            Value::Decimal {
                unscaled: Bytes::from_static(&[0x04, 0xd2]),
                scale: 2,
            },
        ),
        ("tombstone", None, Value::Null),
    ];
    out.extend(floats);
    out.extend(float32s);
    out
}

fn ours(config: &JsonConverterConfig, schema: Option<&Schema>, v: &Value) -> Option<String> {
    let c = JsonConverter::new(config.clone(), false);
    c.from_connect(
        "t",
        SchemaAndValue::new(schema.map(|s| Arc::new(s.clone())), v.clone()),
    )
    .unwrap()
    .map(|b| hex::encode(&b[..]))
}

#[test]
fn json_converter_bytes_equal_kafka_connect() {
    let mut h = Harness::start();
    let mut checked = 0;
    for (schemas_enable, decimal_format) in [
        (true, "BASE64"),
        (false, "BASE64"),
        (true, "NUMERIC"),
        (false, "NUMERIC"),
    ] {
        let settings: std::collections::BTreeMap<String, String> = [
            ("schemas.enable".to_string(), schemas_enable.to_string()),
            ("decimal.format".to_string(), decimal_format.to_string()),
        ]
        .into_iter()
        .collect();
        let config = JsonConverterConfig::parse(&settings).unwrap();
        for (name, schema, value) in cases() {
            let req = json!({
                "op": "json.serialize",
                "config": {"schemas.enable": schemas_enable.to_string(), "decimal.format": decimal_format},
                "is_key": false,
                "topic": "t",
                "schema": schema.as_ref().map(schema_json).unwrap_or(Json::Null),
                "value": tagged(schema.as_ref(), &value),
            });
            let answer = h.call(&req);
            if let Some(e) = answer.get("error") {
                // Kafka Connect refuses this data: so must we.
                let c = JsonConverter::new(config.clone(), false);
                let mine = c.from_connect(
                    "t",
                    SchemaAndValue::new(
                        schema.as_ref().map(|s| Arc::new(s.clone())),
                        value.clone(),
                    ),
                );
                assert!(
                    mine.is_err(),
                    "case {name}: Kafka Connect refuses it ({e}) but we wrote {mine:?}"
                );
                checked += 1;
                continue;
            }
            let theirs = answer["hex"].as_str().map(str::to_string);
            let mine = ours(&config, schema.as_ref(), &value);
            let show = |h: &Option<String>| {
                h.as_ref()
                    .map(|x| String::from_utf8_lossy(&hex::decode(x).unwrap()).into_owned())
            };
            assert_eq!(
                mine,
                theirs,
                "case {name} (schemas.enable={schemas_enable}, decimal.format={decimal_format}):\n ours:   {:?}\n theirs: {:?}",
                show(&mine),
                show(&theirs)
            );
            checked += 1;

            // And what Kafka Connect wrote with its schema, we read back to the same data.
            // (Without a schema, types are lost in JSON, as they are for Kafka Connect.)
            if let (Some(hex_bytes), true) = (&theirs, schemas_enable) {
                let bytes = hex::decode(hex_bytes).unwrap();
                let c = ConverterFactory::create(
                    "org.apache.kafka.connect.json.JsonConverter",
                    &settings,
                    false,
                )
                .unwrap();
                let back = c.to_connect("t", Some(&bytes)).unwrap_or_else(|e| {
                    panic!("case {name}: cannot read Kafka Connect's bytes back: {e}")
                });
                if back.schema.is_none() && back.value.is_null() {
                    // Plain `null` reads back as a schemaless null, which Kafka Connect
                    // too writes as a null record.
                    continue;
                }
                let again = c
                    .from_connect("t", back)
                    .unwrap()
                    .map(|b| hex::encode(&b[..]));
                assert_eq!(
                    again.as_ref(),
                    Some(hex_bytes),
                    "case {name}: read-back round trip differs"
                );
            }
        }
    }
    assert!(checked >= 100, "only {checked} cases compared");
}
