//! Property tests: no bytes and no Connect data make a converter or header converter panic,
//! nor Kafka Connect's `Values` parsing (SimpleHeaderConverter, InsertHeader).

mod transforms_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use polyconnect::converter::values::{convert_to_string, parse_string};
use polyconnect::converter::ConverterFactory;
use polyconnect::data::SchemaAndValue;
use proptest::prelude::*;
use transforms_support::{random_record, Rng as Gen};

const RECORD_CONVERTERS: &[&str] = &[
    "org.apache.kafka.connect.converters.ShortConverter",
    "org.apache.kafka.connect.converters.IntegerConverter",
    "org.apache.kafka.connect.converters.LongConverter",
    "org.apache.kafka.connect.converters.FloatConverter",
    "org.apache.kafka.connect.converters.DoubleConverter",
    "org.apache.kafka.connect.converters.BooleanConverter",
    "org.apache.kafka.connect.storage.StringConverter",
    "org.apache.kafka.connect.converters.ByteArrayConverter",
    "org.apache.kafka.connect.json.JsonConverter",
];

const HEADER_CONVERTERS: &[&str] = &[
    "org.apache.kafka.connect.storage.SimpleHeaderConverter",
    "org.apache.kafka.connect.converters.IntegerConverter",
    "org.apache.kafka.connect.converters.BooleanConverter",
    "org.apache.kafka.connect.json.JsonConverter",
];

/// Text made of what Values.parseString reacts to.
fn values_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+0-9.eE:,\\[\\]{}\" \\\\TZtruefalsn]{0,40}",
        prop::collection::vec(
            prop::sample::select(vec![
                "[",
                "]",
                "{",
                "}",
                ",",
                ":",
                "\"",
                "\\",
                "1",
                "-7",
                "1.5",
                "1e400",
                "true",
                "null",
                "2024-03-01",
                "10:20:30.400Z",
                "2024-03-01T10:20:30.400Z",
                "x",
                " ",
            ]),
            0..30,
        )
        .prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn converters_read_any_bytes(bytes in prop::option::of(prop::collection::vec(any::<u8>(), 0..64)), idx in 0..RECORD_CONVERTERS.len(), key in any::<bool>()) {
        let c = ConverterFactory::create(RECORD_CONVERTERS[idx], &BTreeMap::new(), key).unwrap();
        let _ = c.to_connect("t", bytes.as_deref());
    }

    #[test]
    fn converters_write_any_data(seed in any::<u64>(), idx in 0..RECORD_CONVERTERS.len()) {
        let c = ConverterFactory::create(RECORD_CONVERTERS[idx], &BTreeMap::new(), false).unwrap();
        let mut rng = Gen::new(seed);
        let r = random_record(&mut rng, seed % 2 == 0);
        let _ = c.from_connect("t", SchemaAndValue::new(r.value_schema.clone(), r.value.clone()));
        let _ = c.from_connect("t", SchemaAndValue::new(r.key_schema.clone(), r.key.clone()));
    }

    #[test]
    fn header_converters_read_and_write(text in values_text(), raw in prop::collection::vec(any::<u8>(), 0..32), idx in 0..HEADER_CONVERTERS.len(), seed in any::<u64>()) {
        let c = ConverterFactory::create_header_converter(HEADER_CONVERTERS[idx], &BTreeMap::new()).unwrap();
        if let Ok(sv) = c.to_connect_header("t", "h", Some(text.as_bytes())) {
            let _ = c.from_connect_header("t", "h", sv.schema.as_deref(), &sv.value);
        }
        let _ = c.to_connect_header("t", "h", Some(&raw));
        let r = random_record(&mut Gen::new(seed), false);
        for h in &r.headers {
            let _ = c.from_connect_header("t", &h.key, h.schema.as_deref(), &h.value);
        }
        let _ = c.from_connect_header("t", "h", r.value_schema.as_deref(), &r.value);
    }

    #[test]
    fn values_parse_any_text(text in values_text()) {
        if let Ok(sv) = parse_string(&text) {
            let _ = convert_to_string(sv.schema.as_deref(), &sv.value);
        }
    }
}

#[test]
fn deeply_nested_header_text_does_not_overflow() {
    let c = ConverterFactory::create_header_converter(
        "org.apache.kafka.connect.storage.SimpleHeaderConverter",
        &BTreeMap::new(),
    )
    .unwrap();
    let text = "[".repeat(100_000);
    let sv = c
        .to_connect_header("t", "h", Some(text.as_bytes()))
        .unwrap();
    assert!(sv.schema.is_some());
    let map = "{\"a\":".repeat(50_000);
    let _ = c.to_connect_header("t", "h", Some(map.as_bytes())).unwrap();
    let _ = Arc::new(0);
}
