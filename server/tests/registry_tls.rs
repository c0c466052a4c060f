//! The registry-backed converters over HTTPS to the real Schema Registry, whose HTTPS
//! listener (`scripts/registry.sh https-url`) presents a certificate of the development CA
//! and requires a client certificate (`scripts/kafka.sh tls` makes both): the converter
//! registers and reads schemas with `schema.registry.ssl.*` trust and key stores in each
//! format; without a client certificate, or without trusting the CA, it cannot, and says why.

mod registry_support;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;

use polyconnect::converter::{Converter, ConverterFactory};
use polyconnect::data::{Schema, SchemaAndValue, SchemaType, Value};
use registry_support::{registry, registry_converter, st, topic};

fn script(args: &[&str]) -> String {
    let out = Command::new("bash")
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The HTTPS URL of the registry the tests use, and the development CA's directory and
/// stores' password.
fn https() -> (String, String, String) {
    registry();
    let url = std::env::var("POLYCONNECT_TEST_SCHEMA_REGISTRY_HTTPS").unwrap_or_else(|_| {
        script(&["scripts/registry.sh", "https-url"])
            .trim()
            .to_string()
    });
    let tls = script(&["scripts/kafka.sh", "tls"]);
    let get = |k: &str| {
        tls.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("no {k} in scripts/kafka.sh tls: {tls}"))
            .to_string()
    };
    (url, get("tls.dir"), get("store.password"))
}

fn converter(url: &str, settings: &[(&str, String)]) -> Result<Box<dyn Converter>, String> {
    let mut s = BTreeMap::new();
    s.insert("schema.registry.url".to_string(), url.to_string());
    for (k, v) in settings {
        s.insert(k.to_string(), v.clone());
    }
    ConverterFactory::create("io.confluent.connect.avro.AvroConverter", &s, false)
        .map_err(|e| e.to_string())
}

fn record(n: i64) -> SchemaAndValue {
    let schema = Arc::new(
        Schema::new(SchemaType::Struct)
            .named("tls.Reading")
            .field("n", Schema::new(SchemaType::Int64))
            .field("where", Schema::new(SchemaType::String)),
    );
    SchemaAndValue::new(
        Some(schema.clone()),
        st(
            &schema,
            vec![Value::Int64(n), Value::String("over https".into())],
        ),
    )
}

/// A struct's field values (a schema read back carries the registry's version).
fn fields(v: &Value) -> Vec<Value> {
    match v {
        Value::Struct(s) => s.values.clone(),
        other => panic!("not a struct: {other:?}"),
    }
}

/// Written over HTTPS, read back over plain HTTP from the same registry (and the other way
/// round): same schema ids, same values.
fn round_trip(settings: &[(&str, String)], case: &str) {
    let (url, _, _) = https();
    let topic = topic("registry-tls", case);
    let tls = converter(&url, settings).unwrap();
    let plain = registry_converter("io.confluent.connect.avro.AvroConverter", false, &[]);
    let bytes = tls
        .from_connect(&topic, record(7))
        .unwrap_or_else(|e| panic!("{case}: writing over HTTPS: {e:?}"))
        .unwrap();
    let read = plain.to_connect(&topic, Some(&bytes)).unwrap();
    assert_eq!(fields(&read.value), fields(&record(7).value), "{case}");
    let again = plain.from_connect(&topic, record(8)).unwrap().unwrap();
    assert_eq!(
        again[1..5],
        bytes[1..5],
        "{case}: one schema id on both listeners"
    );
    let read = tls
        .to_connect(&topic, Some(&again))
        .unwrap_or_else(|e| panic!("{case}: reading over HTTPS: {e:?}"));
    assert_eq!(fields(&read.value), fields(&record(8).value), "{case}");
}

#[test]
fn converters_reach_a_registry_over_https_with_a_client_certificate() {
    let (_, dir, password) = https();
    let p = |f: &str| format!("{dir}/{f}");
    round_trip(
        &[
            (
                "schema.registry.ssl.truststore.location",
                p("truststore.p12"),
            ),
            ("schema.registry.ssl.truststore.type", "PKCS12".into()),
            ("schema.registry.ssl.truststore.password", password.clone()),
            (
                "schema.registry.ssl.keystore.location",
                p("client.keystore.p12"),
            ),
            ("schema.registry.ssl.keystore.type", "PKCS12".into()),
            ("schema.registry.ssl.keystore.password", password.clone()),
            ("schema.registry.ssl.key.password", password.clone()),
        ],
        "pkcs12",
    );
    round_trip(
        &[
            ("schema.registry.ssl.truststore.location", p("ca.pem")),
            ("schema.registry.ssl.truststore.type", "PEM".into()),
            (
                "schema.registry.ssl.keystore.location",
                p("client-keystore.pem"),
            ),
            ("schema.registry.ssl.keystore.type", "PEM".into()),
        ],
        "pem",
    );
}

#[test]
fn without_a_client_certificate_or_the_ca_the_registry_cannot_be_reached() {
    let (url, dir, password) = https();
    let p = |f: &str| format!("{dir}/{f}");
    let topic = topic("registry-tls", "refused");
    let quick = [
        ("max.retries", "0".to_string()),
        ("schema.registry.request.timeout.ms", "5000".to_string()),
    ];
    // Trusting the CA but presenting no certificate: the registry refuses the handshake.
    let mut settings = vec![
        ("schema.registry.ssl.truststore.location", p("ca.pem")),
        ("schema.registry.ssl.truststore.type", "PEM".into()),
    ];
    settings.extend(quick.iter().cloned());
    let e = converter(&url, &settings)
        .unwrap()
        .from_connect(&topic, record(1))
        .unwrap_err();
    println!("no client certificate: {}", e.message);
    assert!(
        e.message.contains(&url),
        "the error names the registry: {e:?}"
    );
    assert!(
        e.message.contains("bad certificate"),
        "the error says the registry refused the handshake: {e:?}"
    );
    // A client certificate but no trust in the registry's CA: the converter refuses it.
    let mut settings = vec![
        (
            "schema.registry.ssl.keystore.location",
            p("client.keystore.p12"),
        ),
        ("schema.registry.ssl.keystore.type", "PKCS12".into()),
        ("schema.registry.ssl.keystore.password", password.clone()),
    ];
    settings.extend(quick.iter().cloned());
    let e = converter(&url, &settings)
        .unwrap()
        .from_connect(&topic, record(1))
        .unwrap_err();
    println!("the CA not trusted: {}", e.message);
    assert!(
        e.message.contains("certificate verify failed"),
        "the error says the registry's certificate is not trusted: {e:?}"
    );
}
