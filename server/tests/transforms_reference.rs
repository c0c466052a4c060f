//! Every built-in SMT and predicate compared with Apache Kafka Connect's own, run from its
//! Maven Central jars through `tests/reference`. Cases are generated: random configs
//! (valid and invalid) of every transform and variant, applied to random records (with and
//! without schemas, tombstones, nested structs, logical types, defaults, headers, source
//! and sink records). For each case both sides must fail, or give the same record; where
//! Kafka Connect's JsonConverter can write the result, the bytes must match ours too.

mod transforms_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use polyconnect::converter::{Converter, JsonConverter, JsonConverterConfig};
use polyconnect::data::SchemaAndValue;
use polyconnect::transforms::{
    create_predicate, create_transformation, ConnectRecord, TransformChain, PREDICATES,
    TRANSFORMATIONS,
};
use serde_json::{json, Value as Json};
use transforms_support::*;

type Config = BTreeMap<String, String>;

fn cfg(pairs: &[(&str, String)]) -> Config {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn maybe_rnwd(rng: &mut Rng, c: &mut Config) {
    if rng.chance(30) {
        c.insert(
            "replace.null.with.default".into(),
            rng.pick(&["false", "true", "FALSE", "nope"]).to_string(),
        );
    }
}

fn some_fields(rng: &mut Rng, max: usize) -> Vec<String> {
    let n = 1 + rng.below(max);
    (0..n).map(|_| rng.pick(FIELD_NAMES).to_string()).collect()
}

const DATE_PATTERNS: &[&str] = &[
    "yyyy-MM-dd",
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    "HH:mm:ss.SSS'Z'",
    "yyyyMMdd",
    "dd/MM/yyyy HH:mm",
    "EEE, d MMM yyyy HH:mm:ss Z",
    "yy-M-d",
    "yyyy-MM-dd HH:mm:ss.SSSXXX",
    "h:mm a",
    "D",
    "G yyyy",
    "yyyy-'W'ww-u",
    "MMMM d, yyyy k:mm:ss zzzz",
    "yyyyMMddHHmmssSSS",
    "K 'o''clock' a, z",
    "yyyy-MM-dd'T'HH:mm:ssX",
    "yyyy.MM.dd G 'at' HH:mm:ss z",
    "bad'",
    "yyyy-qq",
];

/// A random config of transformation `class` (short name without the package).
fn transform_config(rng: &mut Rng, base: &str) -> Config {
    let mut c = Config::new();
    match base {
        "Cast" => {
            let types = [
                "int8", "int16", "int32", "int64", "float32", "float64", "boolean", "string",
                "INT32", "bytes", "foo",
            ];
            let spec = if rng.chance(35) {
                rng.pick(&types).to_string()
            } else if rng.chance(5) {
                rng.pick(&["a:b:c", "", "id:int8,string", ":int8", "id:", "  "])
                    .to_string()
            } else {
                (0..1 + rng.below(3))
                    .map(|_| format!("{}:{}", rng.pick(FIELD_NAMES), rng.pick(&types[..8])))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            if !rng.chance(3) {
                c.insert("spec".into(), spec);
            }
            maybe_rnwd(rng, &mut c);
        }
        "DropHeaders" => {
            if !rng.chance(5) {
                c.insert(
                    "headers".into(),
                    (0..1 + rng.below(2))
                        .map(|_| rng.pick(&["h1", "h2", "trace", "nope"]).to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
        }
        "ExtractField" => {
            let fields = [
                "id",
                "name",
                "inner",
                "inner.id",
                "inner.name",
                "`a.b`",
                "a.b",
                "inner.inner.id",
                "nope",
                "tags",
                "inner.",
                "`a.b`.x",
            ];
            if !rng.chance(3) {
                c.insert("field".into(), rng.pick(&fields).to_string());
            }
            if rng.chance(50) {
                c.insert(
                    "field.syntax.version".into(),
                    rng.pick(&["V2", "v2", "V1", "V3"]).to_string(),
                );
            }
            maybe_rnwd(rng, &mut c);
        }
        "Filter" => {}
        "Flatten" => {
            if rng.chance(60) {
                c.insert(
                    "delimiter".into(),
                    rng.pick(&[".", "_", "", "::", " "]).to_string(),
                );
            }
        }
        "HeaderFrom" => {
            let fields = some_fields(rng, 3);
            let mut headers: Vec<String> = fields.iter().map(|f| format!("h_{f}")).collect();
            if rng.chance(5) {
                headers.pop();
            }
            c.insert("fields".into(), fields.join(","));
            c.insert("headers".into(), headers.join(","));
            c.insert(
                "operation".into(),
                rng.pick(&["move", "copy", "copy", "move", "MOVE"])
                    .to_string(),
            );
            maybe_rnwd(rng, &mut c);
        }
        "HoistField" => {
            if !rng.chance(3) {
                c.insert(
                    "field".into(),
                    rng.pick(&["wrapped", "id", "", "x.y"]).to_string(),
                );
            }
        }
        "InsertField" => {
            let suffix = |rng: &mut Rng| rng.pick(&["", "?", "!"]).to_string();
            for key in [
                "topic.field",
                "partition.field",
                "offset.field",
                "timestamp.field",
                "static.field",
            ] {
                if rng.chance(35) {
                    let name = if rng.chance(15) {
                        rng.pick(FIELD_NAMES).to_string()
                    } else {
                        key.replace(".field", "_f")
                    };
                    let s = suffix(rng);
                    c.insert(key.into(), format!("{name}{s}"));
                }
            }
            if c.contains_key("static.field") && !rng.chance(5) {
                c.insert(
                    "static.value".into(),
                    rng.pick(&["v", "42", ""]).to_string(),
                );
            }
            maybe_rnwd(rng, &mut c);
        }
        "InsertHeader" => {
            if !rng.chance(3) {
                c.insert("header".into(), rng.pick(&["h1", "new", ""]).to_string());
            }
            if !rng.chance(3) {
                c.insert("value.literal".into(), random_string(rng));
            }
        }
        "MaskField" => {
            c.insert("fields".into(), some_fields(rng, 3).join(","));
            if rng.chance(40) {
                c.insert(
                    "replacement".into(),
                    rng.pick(&["0", "12.5", "abc", "-1", "1e3", "xyz", "  ", "300", "1E+2"])
                        .to_string(),
                );
            }
            maybe_rnwd(rng, &mut c);
        }
        "RegexRouter" => {
            let regexes = [
                "(.*)",
                "orders",
                "(.*)-(\\d+)",
                "([a-z]+)\\.(.*)",
                "x_(.*)",
                "(?<t>[a-z]+)(.*)",
                "[",
                "(\\w+)",
                "(.*)s",
                "\\Qa.b\\E",
            ];
            let repl = [
                "$1-routed",
                "prefix-$1",
                "$2.$1",
                "${t}x",
                "$3",
                "\\$1",
                "fixed",
                "$",
                "$12",
                "a\\",
            ];
            if !rng.chance(3) {
                c.insert("regex".into(), rng.pick(&regexes).to_string());
            }
            if !rng.chance(3) {
                c.insert("replacement".into(), rng.pick(&repl).to_string());
            }
        }
        "ReplaceField" => {
            if rng.chance(50) {
                c.insert("exclude".into(), some_fields(rng, 2).join(","));
            }
            if rng.chance(50) {
                c.insert("include".into(), some_fields(rng, 3).join(","));
            }
            if rng.chance(50) {
                let r: Vec<String> = (0..1 + rng.below(2))
                    .map(|_| {
                        format!(
                            "{}:{}",
                            rng.pick(FIELD_NAMES),
                            rng.pick(&["renamed", "id", "x", "name"])
                        )
                    })
                    .collect();
                c.insert(
                    "renames".into(),
                    if rng.chance(5) {
                        "bad".into()
                    } else {
                        r.join(",")
                    },
                );
            }
            maybe_rnwd(rng, &mut c);
        }
        "SetSchemaMetadata" => {
            if rng.chance(70) {
                c.insert(
                    "schema.name".into(),
                    rng.pick(&["com.example.Renamed", "x"]).to_string(),
                );
            }
            if rng.chance(50) {
                c.insert(
                    "schema.version".into(),
                    rng.pick(&["3", "12", "x"]).to_string(),
                );
            }
            maybe_rnwd(rng, &mut c);
        }
        "TimestampConverter" => {
            if rng.chance(70) {
                c.insert(
                    "field".into(),
                    rng.pick(&["ts", "day", "at", "name", "note", "amount", "id", "count"])
                        .to_string(),
                );
            }
            c.insert(
                "target.type".into(),
                rng.pick(&["string", "unix", "Date", "Time", "Timestamp", "date"])
                    .to_string(),
            );
            if rng.chance(75) {
                c.insert("format".into(), rng.pick(DATE_PATTERNS).to_string());
            }
            if rng.chance(40) {
                c.insert(
                    "unix.precision".into(),
                    rng.pick(&["seconds", "milliseconds", "microseconds", "nanoseconds"])
                        .to_string(),
                );
            }
            maybe_rnwd(rng, &mut c);
        }
        "TimestampRouter" => {
            if rng.chance(50) {
                c.insert(
                    "topic.format".into(),
                    rng.pick(&[
                        "${topic}-${timestamp}",
                        "${timestamp}",
                        "x",
                        "${topic}_${topic}",
                    ])
                    .to_string(),
                );
            }
            if rng.chance(70) {
                c.insert(
                    "timestamp.format".into(),
                    rng.pick(&DATE_PATTERNS[..17]).to_string(),
                );
            }
        }
        "ValueToKey" => {
            c.insert("fields".into(), some_fields(rng, 3).join(","));
            maybe_rnwd(rng, &mut c);
        }
        other => panic!("no config generator for {other}"),
    }
    c
}

fn predicate_config(rng: &mut Rng, base: &str) -> Config {
    match base {
        "TopicNameMatches" => {
            if rng.chance(5) {
                return Config::new();
            }
            cfg(&[(
                "pattern",
                rng.pick(&[
                    "orders",
                    "o.*",
                    ".*-\\d+",
                    "(?i)ORDERS",
                    "a\\.b",
                    "",
                    "[",
                    "x_y-z|topic",
                    "\\w+",
                ])
                .to_string(),
            )])
        }
        "HasHeaderKey" => cfg(&[("name", rng.pick(&["h1", "trace", "nope", ""]).to_string())]),
        _ => Config::new(),
    }
}

#[derive(Default)]
struct Stats {
    cases: usize,
    skipped: usize,
    both_ok: usize,
    both_failed: usize,
    same_message: usize,
    bytes_compared: usize,
    deferred: usize,
    float_text: usize,
    failures: Vec<String>,
    message_differences: Vec<String>,
}

fn our_bytes(schemas_enable: bool, r: &ConnectRecord) -> (String, String) {
    let settings: BTreeMap<String, String> =
        [("schemas.enable".to_string(), schemas_enable.to_string())]
            .into_iter()
            .collect();
    let config = JsonConverterConfig::parse(&settings).unwrap();
    let k = JsonConverter::new(config.clone(), true);
    let v = JsonConverter::new(config, false);
    let kb = k.from_connect(
        &r.topic,
        SchemaAndValue::new(r.key_schema.clone(), r.key.clone()),
    );
    let vb = v.from_connect(
        &r.topic,
        SchemaAndValue::new(r.value_schema.clone(), r.value.clone()),
    );
    let show = |b: Result<Option<bytes::Bytes>, polyconnect::data::DataError>| match b {
        Ok(Some(b)) => String::from_utf8_lossy(&b).into_owned(),
        Ok(None) => "null".into(),
        Err(e) => format!("ERROR {e}"),
    };
    (show(kb), show(vb))
}

/// Compares one answer of Kafka Connect with ours.
fn compare(
    stats: &mut Stats,
    label: &str,
    answer: &Json,
    ours: Result<Option<ConnectRecord>, String>,
    schemas_enable: bool,
) {
    if is_input_error(answer) {
        stats.skipped += 1;
        return;
    }
    stats.cases += 1;
    match (answer.get("error").and_then(Json::as_str), ours) {
        (Some(theirs), Err(mine)) => {
            stats.both_failed += 1;
            if normalize(theirs) == normalize(&mine) {
                stats.same_message += 1;
            } else if stats.message_differences.len() < 400 {
                stats
                    .message_differences
                    .push(format!("{label}\n   theirs: {theirs}\n   ours:   {mine}"));
            }
        }
        (Some(theirs), Ok(mine)) => stats.failures.push(format!(
            "{label}\n Kafka Connect failed: {theirs}\n we gave: {mine:?}"
        )),
        (None, Err(mine)) if answer.get("serialize_error").is_some() => {
            // Kafka Connect's transform let the record through, but its own converter
            // refuses it: it fails there instead of in the transform.
            stats.both_failed += 1;
            stats.deferred += 1;
            let _ = mine;
        }
        (None, Err(mine)) => stats.failures.push(format!(
            "{label}\n we failed: {mine}\n Kafka Connect gave: {}",
            answer["record"]
        )),
        (None, Ok(mine)) => {
            let theirs = &answer["record"];
            match (theirs.is_null(), mine) {
                (true, None) => stats.both_ok += 1,
                (false, Some(mine)) => {
                    let theirs = decode_record(theirs);
                    match record_difference(&mine, &theirs) {
                        None => {
                            stats.both_ok += 1;
                            if let (Some(kh), Some(vh)) =
                                (answer.get("key_hex"), answer.get("value_hex"))
                            {
                                let (ok, ov) = our_bytes(schemas_enable, &mine);
                                let text = |j: &Json| {
                                    j.as_str()
                                        .map(|h| {
                                            String::from_utf8_lossy(&hex::decode(h).unwrap())
                                                .into_owned()
                                        })
                                        .unwrap_or_else(|| "null".into())
                                };
                                if ok != text(kh) && !same_but_float_text(&ok, &text(kh), stats) {
                                    stats.failures.push(format!(
                                        "{label}\n key bytes differ:\n ours   {ok}\n theirs {}",
                                        text(kh)
                                    ));
                                } else if ov != text(vh)
                                    && !same_but_float_text(&ov, &text(vh), stats)
                                {
                                    stats.failures.push(format!(
                                        "{label}\n value bytes differ:\n ours   {ov}\n theirs {}",
                                        text(vh)
                                    ));
                                } else {
                                    stats.bytes_compared += 1;
                                }
                            }
                        }
                        Some(d) => stats
                            .failures
                            .push(format!("{label}\n records differ in {d}")),
                    }
                }
                (t, m) => stats.failures.push(format!(
                    "{label}\n filtered: theirs {t}, ours {}",
                    m.is_none()
                )),
            }
        }
    }
}

/// JSON texts that differ only in how a float is written: JDK 17's `Float.toString`
/// sometimes gives more digits than needed (`1.70000004E12` for `1.7E12f`); the JSON
/// converter writes the shortest form, as JDK 19 and later do.
fn same_but_float_text(ours: &str, theirs: &str, stats: &mut Stats) -> bool {
    fn eq(a: &Json, b: &Json) -> bool {
        match (a, b) {
            (Json::Number(x), Json::Number(y)) => {
                x == y
                    || x.to_string()
                        .parse::<f32>()
                        .ok()
                        .zip(y.to_string().parse::<f32>().ok())
                        .map(|(p, q)| p == q)
                        .unwrap_or(false)
            }
            (Json::Array(x), Json::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq(p, q))
            }
            (Json::Object(x), Json::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k1, v1), (k2, v2))| k1 == k2 && eq(v1, v2))
            }
            _ => a == b,
        }
    }
    let same = match (
        serde_json::from_str::<Json>(ours),
        serde_json::from_str::<Json>(theirs),
    ) {
        (Ok(a), Ok(b)) => eq(&a, &b),
        _ => false,
    };
    if same {
        stats.float_text += 1;
    }
    same
}

/// Messages compared modulo what cannot be the same: the class of a map built by the
/// harness, Java's `toString()` of a whole record, and the regex engines' own wording.
fn normalize(m: &str) -> String {
    let m = m.replace("java.util.LinkedHashMap", "java.util.HashMap");
    for cut in [
        "Timestamp missing on record: ",
        "Invalid regex: ",
        "Java-compatible regular expression: ",
    ] {
        if let Some(i) = m.find(cut) {
            return m[..i + cut.len()].to_string();
        }
    }
    m
}

fn short_json(j: &Json) -> String {
    let s = j.to_string();
    if s.len() > 700 {
        format!(
            "{}...",
            &s[..s
                .char_indices()
                .take_while(|(i, _)| *i < 700)
                .last()
                .map(|(i, _)| i)
                .unwrap_or(0)]
        )
    } else {
        s
    }
}

fn report(name: &str, stats: &Stats) {
    eprintln!(
        "{name}: {} cases ({} skipped as unbuildable input): {} same result, {} both failed ({} with the same message, {} where Kafka Connect fails in its converter), {} byte comparisons ({} differing only in JDK 17's float digits), {} differences",
        stats.cases, stats.skipped, stats.both_ok, stats.both_failed, stats.same_message, stats.deferred, stats.bytes_compared, stats.float_text, stats.failures.len()
    );
    if std::env::var("SHOW_MESSAGES").is_ok() {
        for m in &stats.message_differences {
            eprintln!("message: {m}");
        }
    }
}

fn run_transforms(per_class: usize, seed: u64) -> Stats {
    let mut h = Harness::start();
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    for class in TRANSFORMATIONS {
        let short = class.rsplit('.').next().unwrap();
        let base = short.split('$').next().unwrap();
        let mut reqs = Vec::new();
        let mut cases = Vec::new();
        for i in 0..per_class {
            let config = transform_config(&mut rng, base);
            let record = random_record(&mut rng, i % 3 == 0);
            let schemas_enable = !rng.chance(30);
            reqs.push(json!({
                "op": "transform",
                "class": class,
                "config": config,
                "record": record_json(&record),
                "serialize": {"schemas.enable": schemas_enable.to_string()},
            }));
            cases.push((config, record, schemas_enable));
        }
        let answers = h.call_many(&reqs);
        for ((config, record, schemas_enable), answer) in cases.into_iter().zip(answers) {
            let label = format!(
                "{short} {config:?} on {}",
                short_json(&record_json(&record))
            );
            let ours = match create_transformation(class, &config, "") {
                Err(issues) => Err(format!(
                    "org.apache.kafka.common.config.ConfigException: {}",
                    issues[0].message
                )),
                Ok((_, t)) => t.apply(record).map_err(|e| e.to_string()),
            };
            compare(&mut stats, &label, &answer, ours, schemas_enable);
        }
    }
    stats
}

#[test]
fn transforms_match_kafka_connect() {
    let stats = run_transforms(260 * scale(), seed(1));
    report("transforms", &stats);
    for f in stats.failures.iter().take(25) {
        eprintln!("DIFFERENCE: {f}\n");
    }
    assert!(
        stats.failures.is_empty(),
        "{} cases differ from Kafka Connect",
        stats.failures.len()
    );
    assert!(
        stats.cases > 5000 && stats.both_ok > 2500,
        "too few cases compared"
    );
}

#[test]
fn predicates_match_kafka_connect() {
    let mut h = Harness::start();
    let mut rng = Rng::new(seed(2));
    let mut stats = Stats::default();
    for class in PREDICATES {
        let base = class.rsplit('.').next().unwrap();
        let mut reqs = Vec::new();
        let mut cases = Vec::new();
        for i in 0..200 * scale() {
            let config = predicate_config(&mut rng, base);
            let record = random_record(&mut rng, i % 2 == 0);
            reqs.push(json!({"op": "predicate", "class": class, "config": config, "record": record_json(&record)}));
            cases.push((config, record));
        }
        for ((config, record), answer) in cases.into_iter().zip(h.call_many(&reqs)) {
            if is_input_error(&answer) {
                stats.skipped += 1;
                continue;
            }
            stats.cases += 1;
            let label = format!(
                "{base} {config:?} on topic {} headers {:?}",
                record.topic, record.headers
            );
            let ours = create_predicate(class, &config, "");
            match (answer.get("error").and_then(Json::as_str), ours) {
                (Some(_), Err(_)) => stats.both_failed += 1,
                (None, Ok((_, p))) => {
                    if answer["result"].as_bool() == Some(p.test(&record)) {
                        stats.both_ok += 1;
                    } else {
                        stats
                            .failures
                            .push(format!("{label}: theirs {}", answer["result"]));
                    }
                }
                (theirs, ours) => stats.failures.push(format!(
                    "{label}: theirs {theirs:?}, ours ok {}",
                    ours.is_ok()
                )),
            }
        }
    }
    report("predicates", &stats);
    for f in &stats.failures {
        eprintln!("DIFFERENCE: {f}");
    }
    assert!(stats.failures.is_empty());
    assert!(stats.both_ok > 400);
}

/// Whole connector configs: chains of transforms with predicates and `negate`.
#[test]
fn chains_match_kafka_connect() {
    let mut h = Harness::start();
    let mut rng = Rng::new(seed(3));
    let mut stats = Stats::default();
    let mut reqs = Vec::new();
    let mut cases = Vec::new();
    let usable: Vec<&str> = TRANSFORMATIONS
        .iter()
        .copied()
        .filter(|c| !c.ends_with("$Key"))
        .collect();
    for i in 0..600 * scale() {
        let mut config = Config::new();
        let n = 1 + rng.below(5);
        let mut aliases = Vec::new();
        for k in 0..n {
            let class = *rng.pick(&usable);
            let base = class.rsplit('.').next().unwrap().split('$').next().unwrap();
            let alias = format!("t{k}");
            // Mostly valid configs here (invalid ones are compared one by one above).
            let mut tc = transform_config(&mut rng, base);
            for _ in 0..20 {
                if create_transformation(class, &tc, "").is_ok() {
                    break;
                }
                tc = transform_config(&mut rng, base);
            }
            for (key, v) in tc {
                config.insert(format!("transforms.{alias}.{key}"), v);
            }
            config.insert(format!("transforms.{alias}.type"), class.to_string());
            if rng.chance(35) {
                config.insert(
                    format!("transforms.{alias}.predicate"),
                    rng.pick(&["p0", "p1"]).to_string(),
                );
                if rng.chance(50) {
                    config.insert(format!("transforms.{alias}.negate"), "true".into());
                }
            }
            aliases.push(alias);
        }
        config.insert("transforms".into(), aliases.join(","));
        config.insert("predicates".into(), "p0,p1".into());
        let p0 = *rng.pick(PREDICATES);
        let p1 = *rng.pick(PREDICATES);
        for (alias, class) in [("p0", p0), ("p1", p1)] {
            config.insert(format!("predicates.{alias}.type"), class.to_string());
            let mut pc = predicate_config(&mut rng, class.rsplit('.').next().unwrap());
            for _ in 0..20 {
                if create_predicate(class, &pc, "").is_ok() {
                    break;
                }
                pc = predicate_config(&mut rng, class.rsplit('.').next().unwrap());
            }
            for (k, v) in pc {
                config.insert(format!("predicates.{alias}.{k}"), v);
            }
        }
        let record = random_record(&mut rng, i % 3 == 0);
        reqs.push(json!({"op": "chain", "config": config, "record": record_json(&record), "serialize": {"schemas.enable": "true"}}));
        cases.push((config, record));
    }
    for ((config, record), answer) in cases.into_iter().zip(h.call_many(&reqs)) {
        let label = format!("chain {config:?} on {}", short_json(&record_json(&record)));
        let ours = match TransformChain::from_connector_config(&config) {
            Err(e) => Err(format!("config: {}", e[0])),
            Ok(chain) => chain.apply(record).map_err(|e| e.to_string()),
        };
        compare(&mut stats, &label, &answer, ours, true);
    }
    report("chains", &stats);
    assert!(stats.both_ok > 250, "too few chains ran through");
    for f in stats.failures.iter().take(20) {
        eprintln!("DIFFERENCE: {f}\n");
    }
    assert!(
        stats.failures.is_empty(),
        "{} chains differ",
        stats.failures.len()
    );
}

/// A few fixed cases that must hold whatever the random generator does.
#[test]
fn well_known_cases() {
    let mut h = Harness::start();
    let order = Arc::new(
        polyconnect::data::Schema::new(polyconnect::data::SchemaType::Struct)
            .named("com.example.Order")
            .field(
                "id",
                polyconnect::data::Schema::new(polyconnect::data::SchemaType::Int64),
            )
            .field("ts", polyconnect::data::Schema::timestamp())
            .field("amount", polyconnect::data::Schema::decimal(2))
            .field(
                "inner",
                polyconnect::data::Schema::new(polyconnect::data::SchemaType::Struct)
                    .field(
                        "x",
                        polyconnect::data::Schema::new(polyconnect::data::SchemaType::String),
                    )
                    .optional(),
            ),
    );
    let inner_schema = order.fields[3].schema.clone();
    let value = polyconnect::data::Struct::new(order.clone())
        .put("id", polyconnect::data::Value::Int64(7))
        .put("ts", polyconnect::data::Value::Int64(1_700_000_000_123))
        .put(
            "amount",
            polyconnect::data::Value::Bytes(bytes::Bytes::from_static(&[0x30, 0x39])),
        )
        .put(
            "inner",
            polyconnect::data::Value::Struct(
                polyconnect::data::Struct::new(inner_schema)
                    .put("x", polyconnect::data::Value::String("y".into())),
            ),
        );
    let mut record = ConnectRecord::new("orders");
    record.kafka_partition = Some(0);
    record.timestamp = Some(1_700_000_000_123);
    record.value_schema = Some(order);
    record.value = polyconnect::data::Value::Struct(value);
    let cases: Vec<(&str, Config)> = vec![
        (
            "org.apache.kafka.connect.transforms.Flatten$Value",
            cfg(&[("delimiter", "_".into())]),
        ),
        (
            "org.apache.kafka.connect.transforms.TimestampConverter$Value",
            cfg(&[
                ("field", "ts".into()),
                ("target.type", "string".into()),
                ("format", "yyyy-MM-dd HH:mm:ss.SSS".into()),
            ]),
        ),
        (
            "org.apache.kafka.connect.transforms.Cast$Value",
            cfg(&[("spec", "amount:float64,id:string,ts:string".into())]),
        ),
        (
            "org.apache.kafka.connect.transforms.ExtractField$Value",
            cfg(&[
                ("field", "inner.x".into()),
                ("field.syntax.version", "V2".into()),
            ]),
        ),
        (
            "org.apache.kafka.connect.transforms.ValueToKey",
            cfg(&[("fields", "id".into())]),
        ),
        (
            "org.apache.kafka.connect.transforms.TimestampRouter",
            Config::new(),
        ),
        (
            "org.apache.kafka.connect.transforms.InsertField$Value",
            cfg(&[
                ("timestamp.field", "at".into()),
                ("topic.field", "t!".into()),
            ]),
        ),
        (
            "org.apache.kafka.connect.transforms.MaskField$Value",
            cfg(&[("fields", "id,ts".into())]),
        ),
    ];
    let mut stats = Stats::default();
    for (class, config) in cases {
        let answer = h.call(&json!({"op": "transform", "class": class, "config": config, "record": record_json(&record), "serialize": {"schemas.enable": "true"}}));
        let ours = create_transformation(class, &config, "")
            .unwrap()
            .1
            .apply(record.clone())
            .map_err(|e| e.to_string());
        compare(&mut stats, class, &answer, ours, true);
    }
    // Cast of extreme numbers.
    let extremes = Arc::new(
        polyconnect::data::Schema::new(polyconnect::data::SchemaType::Struct)
            .field(
                "big",
                polyconnect::data::Schema::new(polyconnect::data::SchemaType::Int64),
            )
            .field(
                "small",
                polyconnect::data::Schema::new(polyconnect::data::SchemaType::Int64),
            )
            .field(
                "huge",
                polyconnect::data::Schema::new(polyconnect::data::SchemaType::Float64),
            )
            .field(
                "tiny",
                polyconnect::data::Schema::new(polyconnect::data::SchemaType::Float32),
            ),
    );
    let mut r2 = ConnectRecord::new("t");
    r2.value_schema = Some(extremes.clone());
    r2.value = polyconnect::data::Value::Struct(
        polyconnect::data::Struct::new(extremes)
            .put("big", polyconnect::data::Value::Int64(i64::MAX))
            .put("small", polyconnect::data::Value::Int64(i64::MIN))
            .put("huge", polyconnect::data::Value::Float64(1e300))
            .put("tiny", polyconnect::data::Value::Float32(-1.5e-45)),
    );
    for t in [
        "int8", "int16", "int32", "int64", "float32", "float64", "boolean", "string",
    ] {
        let config = cfg(&[("spec", format!("big:{t},small:{t},huge:{t},tiny:{t}"))]);
        let class = "org.apache.kafka.connect.transforms.Cast$Value";
        let answer = h.call(&json!({"op": "transform", "class": class, "config": config, "record": record_json(&r2), "serialize": {"schemas.enable": "false"}}));
        let ours = create_transformation(class, &config, "")
            .unwrap()
            .1
            .apply(r2.clone())
            .map_err(|e| e.to_string());
        compare(&mut stats, class, &answer, ours, false);
    }
    for f in &stats.failures {
        eprintln!("DIFFERENCE: {f}");
    }
    assert!(stats.failures.is_empty());
    assert_eq!(stats.both_ok, 16);
    assert_eq!(stats.bytes_compared, 16);
}
