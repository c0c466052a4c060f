//! No input crashes a converter: arbitrary bytes and arbitrary JSON documents are either
//! converted or refused with an error, and what the JsonConverter writes it reads back.

use std::collections::BTreeMap;

use polyconnect::converter::{Converter, ConverterFactory};
use polyconnect::data::{SchemaAndValue, Value};
use proptest::prelude::*;

fn converters() -> Vec<Box<dyn Converter>> {
    let mut out = Vec::new();
    for (class, settings) in [
        (
            "org.apache.kafka.connect.json.JsonConverter",
            vec![("schemas.enable", "true")],
        ),
        (
            "org.apache.kafka.connect.json.JsonConverter",
            vec![("schemas.enable", "false")],
        ),
        (
            "org.apache.kafka.connect.json.JsonConverter",
            vec![("decimal.format", "NUMERIC")],
        ),
        ("org.apache.kafka.connect.storage.StringConverter", vec![]),
        (
            "org.apache.kafka.connect.converters.ByteArrayConverter",
            vec![],
        ),
    ] {
        let s: BTreeMap<String, String> = settings
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        out.push(ConverterFactory::create(class, &s, false).unwrap());
    }
    out
}

fn json_doc() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[a-z]{0,6}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("int8"),
            Just("int32"),
            Just("int64"),
            Just("string"),
            Just("bytes"),
            Just("struct"),
            Just("map"),
            Just("array"),
            Just("double"),
            Just("boolean")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("optional".to_string()),
                    Just("fields".to_string()),
                    Just("field".to_string()),
                    Just("items".to_string()),
                    Just("keys".to_string()),
                    Just("values".to_string()),
                    Just("name".to_string()),
                    Just("default".to_string()),
                    Just("parameters".to_string()),
                    Just("schema".to_string()),
                    Just("payload".to_string()),
                    "[a-z]{1,4}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for c in converters() {
            let _ = c.to_connect("t", Some(&bytes));
        }
    }

    #[test]
    fn arbitrary_envelopes_never_panic_and_round_trip(schema in json_doc(), payload in json_doc(), logical in prop_oneof![Just(None), Just(Some("org.apache.kafka.connect.data.Decimal")), Just(Some("org.apache.kafka.connect.data.Timestamp")), Just(Some("org.apache.kafka.connect.data.Date"))]) {
        let mut schema = schema;
        if let (Some(name), Some(obj)) = (logical, schema.as_object_mut()) {
            obj.insert("name".into(), name.into());
            obj.insert("parameters".into(), serde_json::json!({"scale": "2"}));
        }
        let doc = serde_json::json!({"schema": schema, "payload": payload});
        let bytes = serde_json::to_vec(&doc).unwrap();
        for c in converters() {
            if let Ok(data) = c.to_connect("t", Some(&bytes)) {
                // What was read is written without error and reads back the same.
                if let Ok(Some(out)) = c.from_connect("t", data.clone()) {
                    let again = c.to_connect("t", Some(&out));
                    prop_assert!(again.is_ok(), "cannot read back {:?}", String::from_utf8_lossy(&out));
                }
            }
        }
    }
}

#[test]
fn values_of_the_wrong_type_are_refused_not_panicked() {
    for c in converters() {
        let _ = c.from_connect(
            "t",
            SchemaAndValue::new(None, Value::Map(vec![(Value::Null, Value::Null)])),
        );
    }
}
