//! Java's SimpleDateFormat as TimestampRouter (formatting) and TimestampConverter (parsing)
//! use it, compared with Kafka Connect's own transforms: generated patterns of every
//! supported letter, timestamps from before the Gregorian cutover to far in the future,
//! and text that only a lenient parser accepts (overflowing fields, missing zeros, blanks,
//! trailing text, two-digit years, zones).

mod transforms_support;

use std::collections::BTreeMap;

use polyconnect::data::Value;
use polyconnect::transforms::{create_transformation, ConnectRecord};
use serde_json::{json, Value as Json};
use transforms_support::*;

const LETTERS: &[(char, usize)] = &[
    ('G', 1),
    ('y', 4),
    ('Y', 4),
    ('M', 4),
    ('L', 4),
    ('w', 2),
    ('W', 1),
    ('D', 3),
    ('d', 2),
    ('F', 1),
    ('E', 4),
    ('u', 1),
    ('a', 1),
    ('H', 2),
    ('k', 2),
    ('K', 2),
    ('h', 2),
    ('m', 2),
    ('s', 2),
    ('S', 3),
    ('z', 4),
    ('Z', 1),
    ('X', 3),
];

const LITERALS: &[&str] = &[
    "-",
    ":",
    " ",
    "/",
    ".",
    "'T'",
    "'at'",
    "''",
    ",",
    "'o''clock'",
    "_",
];

fn random_pattern(rng: &mut Rng) -> String {
    let n = 1 + rng.below(6);
    let mut p = String::new();
    for i in 0..n {
        if i > 0 && rng.chance(70) {
            p.push_str(*rng.pick(LITERALS));
        }
        let (c, max) = *rng.pick(LETTERS);
        let count = 1 + rng.below(max);
        for _ in 0..count {
            p.push(c);
        }
    }
    p
}

fn random_timestamp(rng: &mut Rng) -> i64 {
    match rng.below(6) {
        0 => rng.range_i64(-62_135_596_800_000, 253_402_300_799_999),
        1 => rng.range_i64(-13_000_000_000_000, -12_000_000_000_000),
        2 => rng.range_i64(0, 2_000_000_000_000),
        3 => *rng.pick(&[
            0i64,
            -1,
            86_399_999,
            86_400_000,
            951_782_400_000,
            1_704_067_199_999,
            1_704_067_200_000,
            -12_219_292_800_001,
            -12_219_292_800_000,
        ]),
        4 => rng.range_i64(1_600_000_000_000, 1_800_000_000_000),
        _ => rng.range_i64(-100_000_000_000_000, 100_000_000_000_000),
    }
}

fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn record(ts: Option<i64>, value: Value) -> ConnectRecord {
    let mut r = ConnectRecord::new("t");
    r.timestamp = ts;
    r.value = value;
    r
}

#[test]
fn formatting_matches_simple_date_format() {
    let mut h = Harness::start();
    let mut rng = Rng::new(seed(21));
    let class = "org.apache.kafka.connect.transforms.TimestampRouter";
    let mut reqs = Vec::new();
    let mut cases = Vec::new();
    for _ in 0..4000 * scale() {
        let pattern = random_pattern(&mut rng);
        let ts = random_timestamp(&mut rng);
        let c = config(&[
            ("topic.format", "${timestamp}"),
            ("timestamp.format", &pattern),
        ]);
        let r = record(Some(ts), Value::Null);
        reqs.push(
            json!({"op": "transform", "class": class, "config": c, "record": record_json(&r)}),
        );
        cases.push((pattern, ts, c, r));
    }
    let mut failures = Vec::new();
    let mut same = 0;
    for ((pattern, ts, c, r), answer) in cases.into_iter().zip(h.call_many(&reqs)) {
        let ours = create_transformation(class, &c, "")
            .map_err(|e| e[0].message.clone())
            .and_then(|(_, t)| {
                t.apply(r)
                    .map(|r| r.map(|r| r.topic))
                    .map_err(|e| e.to_string())
            });
        let theirs = answer["record"]["topic"].as_str().map(str::to_string);
        match (theirs, ours) {
            (Some(t), Ok(Some(o))) if t == o => same += 1,
            (None, Err(_)) => same += 1,
            (t, o) => failures.push(format!(
                "{pattern:?} at {ts}: theirs {t:?} / {}, ours {o:?}",
                answer.get("error").unwrap_or(&Json::Null)
            )),
        }
    }
    for f in failures.iter().take(30) {
        eprintln!("DIFFERENCE: {f}");
    }
    eprintln!("formatting: {same} the same, {} different", failures.len());
    assert!(failures.is_empty());
}

/// Text to parse with `pattern`: a formatted timestamp, then often changed.
fn parse_input(rng: &mut Rng, pattern: &str) -> String {
    let ts = random_timestamp(rng);
    let mut s = polyconnect::converter::datefmt::DateFormat::new(pattern)
        .map(|f| f.format(ts))
        .unwrap_or_default();
    match rng.below(10) {
        0 => s = format!(" {s}"),
        1 => s.push_str("xyz"),
        2 => {
            // Bump a digit: fields overflow and roll over.
            if let Some(i) = s.find(|c: char| c.is_ascii_digit()) {
                s.replace_range(i..i + 1, *rng.pick(&["9", "0", "3"]));
            }
        }
        3 => s = s.to_lowercase(),
        4 => s = s.replacen('0', "", 1),
        5 => {
            s = s
                .replace("+0000", "+0530")
                .replace("UTC", "GMT+02:00")
                .replace('Z', "-07:00")
        }
        6 => s.truncate(s.len() / 2),
        _ => {}
    }
    s
}

#[test]
fn parsing_matches_simple_date_format() {
    let mut h = Harness::start();
    let mut rng = Rng::new(seed(22));
    let class = "org.apache.kafka.connect.transforms.TimestampConverter$Value";
    let fixed = [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
        "yyyyMMddHHmmss",
        "dd/MM/yy",
        "yy",
        "y-M-d",
        "EEE, d MMM yyyy HH:mm:ss Z",
        "MMMM d, yyyy h:mm a",
        "yyyy-MM-dd HH:mm:ssXXX",
        "yyyy-MM-dd HH:mm:ssX",
        "HH:mm",
        "D/yyyy",
        "G yyyy-MM-dd",
        "k:mm",
        "K:mm a",
        "yyyy-MM-dd z",
        "MMM yyyy",
    ];
    let mut reqs = Vec::new();
    let mut cases = Vec::new();
    for i in 0..4000 * scale() {
        let pattern = if i % 3 == 0 {
            random_pattern(&mut rng)
        } else {
            rng.pick(&fixed).to_string()
        };
        let text = parse_input(&mut rng, &pattern);
        let c = config(&[("target.type", "unix"), ("format", &pattern)]);
        let r = record(None, Value::String(text.clone()));
        reqs.push(
            json!({"op": "transform", "class": class, "config": c, "record": record_json(&r)}),
        );
        cases.push((pattern, text, c, r));
    }
    let mut failures = Vec::new();
    let mut same = 0;
    let mut parsed = 0;
    for ((pattern, text, c, r), answer) in cases.into_iter().zip(h.call_many(&reqs)) {
        let ours = create_transformation(class, &c, "")
            .map_err(|e| e[0].message.clone())
            .and_then(|(_, t)| t.apply(r).map_err(|e| e.to_string()))
            .map(|r| r.map(|r| r.value));
        let theirs = answer["record"]["value"]["int64"].as_i64();
        match (theirs, ours) {
            (Some(t), Ok(Some(Value::Int64(o)))) if t == o => {
                same += 1;
                parsed += 1;
            }
            (None, Err(_)) if answer.get("error").is_some() => same += 1,
            (t, o) => failures.push(format!(
                "{pattern:?} on {text:?}: theirs {t:?} / {}, ours {o:?}",
                answer.get("error").unwrap_or(&Json::Null)
            )),
        }
    }
    for f in failures.iter().take(40) {
        eprintln!("DIFFERENCE: {f}");
    }
    eprintln!(
        "parsing: {same} the same ({parsed} parsed), {} different",
        failures.len()
    );
    assert!(failures.is_empty());
    assert!(parsed > 1500);
}
