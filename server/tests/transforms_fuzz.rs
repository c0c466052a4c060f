//! Property tests: no config and no record makes a transform, a predicate, the chain, the
//! Java regex translation or the SimpleDateFormat translation panic. (Whether results are
//! right is the differential tests' job.)

mod transforms_support;

use std::collections::BTreeMap;

use polyconnect::converter::datefmt::DateFormat;
use polyconnect::data::{Header, Value};
use polyconnect::transforms::jregex::JavaRegex;
use polyconnect::transforms::{
    create_predicate, create_transformation, TransformChain, PREDICATES, TRANSFORMATIONS,
};
use proptest::prelude::*;
use transforms_support::{random_record, Rng as Gen};

fn keys(base: &str) -> &'static [&'static str] {
    match base {
        "Cast" => &["spec", "replace.null.with.default"],
        "DropHeaders" => &["headers"],
        "ExtractField" => &["field", "field.syntax.version", "replace.null.with.default"],
        "Flatten" => &["delimiter"],
        "HeaderFrom" => &[
            "fields",
            "headers",
            "operation",
            "replace.null.with.default",
        ],
        "HoistField" => &["field"],
        "InsertField" => &[
            "topic.field",
            "partition.field",
            "offset.field",
            "timestamp.field",
            "static.field",
            "static.value",
        ],
        "InsertHeader" => &["header", "value.literal"],
        "MaskField" => &["fields", "replacement", "replace.null.with.default"],
        "RegexRouter" => &["regex", "replacement"],
        "ReplaceField" => &["exclude", "include", "renames", "replace.null.with.default"],
        "SetSchemaMetadata" => &["schema.name", "schema.version"],
        "TimestampConverter" => &[
            "field",
            "target.type",
            "format",
            "unix.precision",
            "replace.null.with.default",
        ],
        "TimestampRouter" => &["topic.format", "timestamp.format"],
        "ValueToKey" => &["fields", "replace.null.with.default"],
        "TopicNameMatches" => &["pattern"],
        "HasHeaderKey" => &["name"],
        _ => &[],
    }
}

/// Setting values: anything, things shaped like real settings, and real field names.
fn setting() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9.:,$!?{}()\\[\\]\\\\'` -]{0,16}",
        prop::sample::select(vec![
            "id",
            "name",
            "inner.id",
            "ts",
            "V2",
            "move",
            "copy",
            "string",
            "unix",
            "Date",
            "Time",
            "Timestamp",
            "int8",
            "float64",
            "boolean",
            "id:int32",
            "yyyy-MM-dd",
            "seconds",
            "nanoseconds",
            "true",
            "false",
            "(.*)",
            "$1",
            "a:b",
            "",
            " ",
            "0",
            "1e3",
        ])
        .prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn transforms_never_panic(
        class in prop::sample::select(TRANSFORMATIONS.to_vec()),
        values in prop::collection::vec(setting(), 6),
        present in prop::collection::vec(any::<bool>(), 6),
        seed in any::<u64>(),
        topic in any::<String>(),
        header in any::<String>(),
        timestamp in prop::option::of(any::<i64>()),
    ) {
        let base = class.rsplit('.').next().unwrap().split('$').next().unwrap();
        let mut config = BTreeMap::new();
        for (i, k) in keys(base).iter().enumerate() {
            if present[i % present.len()] {
                config.insert(k.to_string(), values[i % values.len()].clone());
            }
        }
        if let Ok((_, t)) = create_transformation(class, &config, "") {
            let mut rng = Gen::new(seed);
            let mut r = random_record(&mut rng, seed % 3 == 0);
            r.topic = topic;
            r.timestamp = timestamp;
            r.headers.push(Header { key: "h1".into(), schema: None, value: Value::String(header) });
            let _ = t.apply(r);
        }
    }

    #[test]
    fn predicates_never_panic(
        class in prop::sample::select(PREDICATES.to_vec()),
        value in setting(),
        topic in any::<String>(),
        seed in any::<u64>(),
    ) {
        let base = class.rsplit('.').next().unwrap();
        let mut config = BTreeMap::new();
        if let Some(k) = keys(base).first() {
            config.insert(k.to_string(), value);
        }
        if let Ok((_, p)) = create_predicate(class, &config, "") {
            let mut r = random_record(&mut Gen::new(seed), false);
            r.topic = topic;
            let _ = p.test(&r);
        }
    }

    #[test]
    fn chain_configs_never_panic(
        entries in prop::collection::vec((
            prop::sample::select(vec![
                "transforms", "predicates", "transforms.a.type", "transforms.b.type", "transforms.a.predicate",
                "transforms.a.negate", "predicates.p.type", "predicates.p.pattern", "transforms.a.field",
                "transforms.b.regex", "transforms.b.replacement", "transforms.a.spec",
            ]),
            prop_oneof![
                setting(),
                prop::sample::select(TRANSFORMATIONS.to_vec()).prop_map(str::to_string),
                prop::sample::select(PREDICATES.to_vec()).prop_map(str::to_string),
                prop::sample::select(vec!["a", "a,b", "b,a,a", "p", "p,q"]).prop_map(str::to_string),
            ],
        ), 0..12),
        seed in any::<u64>(),
    ) {
        let props: BTreeMap<String, String> = entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let _ = TransformChain::validate(&props);
        if let Ok(chain) = TransformChain::from_connector_config(&props) {
            let r = random_record(&mut Gen::new(seed), seed % 2 == 0);
            let _ = chain.apply(r);
        }
    }

    #[test]
    fn date_formats_never_panic(pattern in any::<String>(), shaped in "[GyYMLwWDdFEuaHkKhmsSzZX' :/.-]{0,20}", ms in any::<i64>(), text in any::<String>()) {
        for p in [pattern, shaped] {
            if let Ok(f) = DateFormat::new(&p) {
                let _ = f.format(ms);
                let formatted = f.format(ms / 1000);
                let _ = f.parse(&formatted);
                let _ = f.parse(&text);
            }
        }
    }

    #[test]
    fn java_regexes_never_panic(pattern in any::<String>(), shaped in "[a-z().*+?\\[\\]{}|^$\\\\dws0-9<>=!:QEkbB,-]{0,16}", topic in any::<String>(), replacement in any::<String>()) {
        for p in [pattern, shaped] {
            if let Ok(r) = JavaRegex::new(&p) {
                let _ = r.matches(&topic);
                let _ = r.replace_first(&topic, &replacement);
                let _ = r.replace_first(&topic, "$1${a}\\$");
            }
        }
    }
}
