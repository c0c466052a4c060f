//! The REST API over a real socket, locked down: HTTPS with Kafka Connect's
//! `listeners.https.ssl.*` settings and client certificates, HTTP Basic as Kafka Connect's
//! BasicAuthSecurityRestExtension does it (a JAAS file naming a credentials file), bearer
//! tokens, a read-only role, open paths. Certificates are made here with OpenSSL; the client
//! speaks HTTP/1.1 over OpenSSL's TLS.

mod kafka_stores_support;
mod rest_support;

use kafka_stores_support::free_port;

use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{Ssl, SslConnector, SslMethod, SslVerifyMode};
use openssl::stack::Stack;
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509NameBuilder, X509};
use polyconnect::herder::Herder;
use polyconnect::rest::Server;
use rest_support::worker;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Cert {
    key: PKey<Private>,
    cert: X509,
}

fn make_cert(cn: &str, issuer: Option<&Cert>, ca: bool) -> Cert {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(issuer.map_or(&name, |i| i.cert.subject_name()))
        .unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
    } else {
        let san = SubjectAlternativeName::new()
            .ip("127.0.0.1")
            .dns("localhost")
            .build(&b.x509v3_context(issuer.map(|i| i.cert.as_ref()), None))
            .unwrap();
        b.append_extension(san).unwrap();
    }
    b.sign(issuer.map_or(&key, |i| &i.key), MessageDigest::sha256())
        .unwrap();
    Cert {
        key,
        cert: b.build(),
    }
}

fn pkcs12_keystore(path: &Path, c: &Cert, ca: &Cert, password: &str) {
    let mut chain = Stack::new().unwrap();
    chain.push(ca.cert.clone()).unwrap();
    let p12 = Pkcs12::builder()
        .name("rest")
        .pkey(&c.key)
        .cert(&c.cert)
        .ca(chain)
        .build2(password)
        .unwrap();
    std::fs::write(path, p12.to_der().unwrap()).unwrap();
}

fn pkcs12_truststore(path: &Path, ca: &Cert, password: &str) {
    let mut certs = Stack::new().unwrap();
    certs.push(ca.cert.clone()).unwrap();
    let p12 = Pkcs12::builder().ca(certs).build2(password).unwrap();
    std::fs::write(path, p12.to_der().unwrap()).unwrap();
}

/// An HTTP/1.1 exchange; `Err` when the connection or the TLS handshake fails.
async fn request(
    addr: SocketAddr,
    tls: Option<(&Cert, Option<&Cert>)>,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(a) = authorization {
        head.push_str(&format!("Authorization: {a}\r\n"));
    }
    let body = body.unwrap_or("");
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let mut raw = Vec::new();
    match tls {
        None => {
            let mut s = tcp;
            s.write_all(head.as_bytes())
                .await
                .map_err(|e| e.to_string())?;
            s.read_to_end(&mut raw).await.map_err(|e| e.to_string())?;
        }
        Some((ca, client)) => {
            let mut b = SslConnector::builder(SslMethod::tls_client()).unwrap();
            b.cert_store_mut().add_cert(ca.cert.clone()).unwrap();
            b.set_verify(SslVerifyMode::PEER);
            if let Some(c) = client {
                b.set_certificate(&c.cert).unwrap();
                b.set_private_key(&c.key).unwrap();
            }
            let config = b.build().configure().unwrap();
            let ssl: Ssl = config.into_ssl("127.0.0.1").unwrap();
            let mut s = tokio_openssl::SslStream::new(ssl, tcp).unwrap();
            Pin::new(&mut s)
                .connect()
                .await
                .map_err(|e| e.to_string())?;
            s.write_all(head.as_bytes())
                .await
                .map_err(|e| e.to_string())?;
            // TLS 1.3 reports a refused client certificate on the first read.
            s.read_to_end(&mut raw).await.map_err(|e| e.to_string())?;
        }
    }
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no HTTP answer: {text:?}"))?;
    let body = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    // Chunked answers: the JSON sits between the chunk sizes.
    let body = if text
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body.lines()
            .filter(|l| !l.chars().all(|c| c.is_ascii_hexdigit()) || l.is_empty())
            .collect::<Vec<_>>()
            .join("")
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

async fn start(dir: &Path, settings: &[(&str, String)]) -> anyhow::Result<(Server, SocketAddr)> {
    let port = free_port();
    let https = settings
        .iter()
        .any(|(k, _)| k.starts_with("listeners.https"));
    let listeners = format!(
        "{}://127.0.0.1:{port}",
        if https { "https" } else { "http" }
    );
    let mut extra: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    extra.push(("listeners", &listeners));
    let h = worker(dir, &extra);
    let h: Arc<dyn Herder> = h;
    let server = Server::start(&listeners, h).await?;
    Ok((server, format!("127.0.0.1:{port}").parse().unwrap()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let ca = make_cert("test-ca", None, true);
    let server_cert = make_cert("127.0.0.1", Some(&ca), false);
    let client = make_cert("client", Some(&ca), false);
    let rogue_ca = make_cert("rogue-ca", None, true);
    let rogue = make_cert("rogue", Some(&rogue_ca), false);
    let ks = dir.path().join("rest.p12");
    let ts = dir.path().join("trust.p12");
    pkcs12_keystore(&ks, &server_cert, &ca, "ks-secret");
    pkcs12_truststore(&ts, &ca, "ts-secret");
    let (server, addr) = start(
        dir.path(),
        &[
            (
                "listeners.https.ssl.keystore.location",
                ks.display().to_string(),
            ),
            ("listeners.https.ssl.keystore.password", "ks-secret".into()),
            ("listeners.https.ssl.keystore.type", "PKCS12".into()),
            (
                "listeners.https.ssl.truststore.location",
                ts.display().to_string(),
            ),
            (
                "listeners.https.ssl.truststore.password",
                "ts-secret".into(),
            ),
            ("listeners.https.ssl.client.auth", "required".into()),
        ],
    )
    .await
    .unwrap();
    let ok = request(
        addr,
        Some((&ca, Some(&client))),
        "GET",
        "/connectors",
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(ok, (200, "[]".to_string()));
    let none = request(addr, Some((&ca, None)), "GET", "/connectors", None, None).await;
    assert!(none.is_err(), "no client certificate was let in: {none:?}");
    let wrong = request(
        addr,
        Some((&ca, Some(&rogue))),
        "GET",
        "/connectors",
        None,
        None,
    )
    .await;
    assert!(
        wrong.is_err(),
        "a certificate of another CA was let in: {wrong:?}"
    );
    // Plain HTTP on the TLS port gets no answer.
    let plain = request(addr, None, "GET", "/connectors", None, None).await;
    assert!(
        plain.is_err() || plain.as_ref().unwrap().0 != 200,
        "{plain:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_settings_that_cannot_work_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let ca = make_cert("test-ca", None, true);
    let server_cert = make_cert("127.0.0.1", Some(&ca), false);
    let ks = dir.path().join("rest.p12");
    pkcs12_keystore(&ks, &server_cert, &ca, "ks-secret");
    let err = |r: anyhow::Result<(Server, SocketAddr)>| match r {
        Ok(_) => panic!("started"),
        Err(e) => format!("{e:#}"),
    };
    let e = err(start(
        dir.path(),
        &[
            (
                "listeners.https.ssl.keystore.location",
                ks.display().to_string(),
            ),
            ("listeners.https.ssl.keystore.password", "wrong".into()),
        ],
    )
    .await);
    assert!(e.contains("wrong password"), "{e}");
    let e = err(start(
        dir.path(),
        &[
            (
                "listeners.https.ssl.keystore.location",
                ks.display().to_string(),
            ),
            ("listeners.https.ssl.keystore.type", "JKS".into()),
        ],
    )
    .await);
    assert!(e.contains("keytool -importkeystore"), "{e}");
    let e = err(start(
        dir.path(),
        &[
            (
                "listeners.https.ssl.keystore.location",
                ks.display().to_string(),
            ),
            ("listeners.https.ssl.keystore.password", "ks-secret".into()),
            ("listeners.https.ssl.client.auth", "required".into()),
        ],
    )
    .await);
    assert!(e.contains("needs a truststore"), "{e}");
    // The PEM form of the keystore works too.
    let pem = dir.path().join("rest.pem");
    let mut bytes = server_cert.key.private_key_to_pem_pkcs8().unwrap();
    bytes.extend(server_cert.cert.to_pem().unwrap());
    std::fs::write(&pem, bytes).unwrap();
    let (server, addr) = start(
        dir.path(),
        &[
            (
                "listeners.https.ssl.keystore.location",
                pem.display().to_string(),
            ),
            ("listeners.https.ssl.keystore.type", "PEM".into()),
        ],
    )
    .await
    .unwrap();
    let ok = request(addr, Some((&ca, None)), "GET", "/", None, None)
        .await
        .unwrap();
    assert_eq!(ok.0, 200, "{ok:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_as_kafka_connect_with_a_read_only_role_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("credentials.properties");
    std::fs::write(&creds, "admin=admin-secret\nviewer: viewer-secret\n").unwrap();
    let jaas = dir.path().join("connect.jaas");
    std::fs::write(
        &jaas,
        format!(
            "KafkaConnect {{\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file=\"{}\";\n}};\n",
            creds.display()
        ),
    )
    .unwrap();
    let tokens = dir.path().join("tokens.properties");
    std::fs::write(&tokens, "robot=tok-robot-1\n").unwrap();
    let (server, addr) = start(
        dir.path(),
        &[
            (
                "rest.extension.classes",
                "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
                    .into(),
            ),
            (
                "java.security.auth.login.config",
                jaas.display().to_string(),
            ),
            (
                "polyconnect.rest.auth.bearer.file",
                tokens.display().to_string(),
            ),
            ("polyconnect.rest.auth.read.only.users", "viewer".into()),
            ("polyconnect.rest.auth.open.paths", "/health".into()),
        ],
    )
    .await
    .unwrap();
    let get = |auth: Option<String>, path: &'static str| async move {
        request(addr, None, "GET", path, auth.as_deref(), None)
            .await
            .unwrap()
    };
    // Kafka Connect's refusal, for no, malformed and wrong credentials and unknown paths.
    let refused = (401, "User cannot access the resource.".to_string());
    assert_eq!(get(None, "/connectors").await, refused);
    assert_eq!(
        get(Some(basic("admin", "nope")), "/connectors").await,
        refused
    );
    assert_eq!(
        get(Some(basic("nobody", "admin-secret")), "/connectors").await,
        refused
    );
    assert_eq!(get(Some("Basic %%%".into()), "/connectors").await, refused);
    assert_eq!(get(None, "/nope").await, refused);
    assert_eq!(
        get(Some("Bearer tok-wrong".into()), "/connectors").await,
        refused
    );
    // Accepted.
    assert_eq!(
        get(Some(basic("admin", "admin-secret")), "/connectors")
            .await
            .0,
        200
    );
    assert_eq!(
        get(Some(basic("viewer", "viewer-secret")), "/connectors")
            .await
            .0,
        200
    );
    assert_eq!(
        get(Some("Bearer tok-robot-1".into()), "/connectors")
            .await
            .0,
        200
    );
    assert_eq!(get(None, "/health").await.0, 200);
    // The read-only role may not change anything; the admin may.
    let body = r#"{"name":"x","config":{"connector.class":"Nope"}}"#;
    let (s, b) = request(
        addr,
        None,
        "POST",
        "/connectors",
        Some(&basic("viewer", "viewer-secret")),
        Some(body),
    )
    .await
    .unwrap();
    assert_eq!(s, 403, "{b}");
    let v: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert_eq!(v["error_code"], 403);
    assert!(
        v["message"].as_str().unwrap().contains("may only read"),
        "{v}"
    );
    let (s, b) = request(
        addr,
        None,
        "POST",
        "/connectors",
        Some(&basic("admin", "admin-secret")),
        Some(body),
    )
    .await
    .unwrap();
    // Through to validation (no such class), not stopped at the door.
    assert_eq!(s, 400, "{b}");
    // The signed internal endpoint is not behind the credentials (its signature is checked).
    let (s, _) = request(addr, None, "POST", "/connectors/x/tasks", None, Some("[]"))
        .await
        .unwrap();
    assert_ne!(s, 401);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_settings_that_cannot_work_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.properties");
    std::fs::write(&empty, "# nobody\n").unwrap();
    let e = start(
        dir.path(),
        &[(
            "polyconnect.rest.auth.basic.file",
            empty.display().to_string(),
        )],
    )
    .await
    .err()
    .map(|e| format!("{e:#}"))
    .unwrap();
    assert!(e.contains("is empty"), "{e}");
    let e = start(
        dir.path(),
        &[(
            "rest.extension.classes",
            "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
                .into(),
        )],
    )
    .await
    .err()
    .map(|e| format!("{e:#}"))
    .unwrap();
    assert!(e.contains("java.security.auth.login.config"), "{e}");
}

/// The entry named `key` of a validate answer: its errors and shown value.
fn entry(infos: &serde_json::Value, key: &str) -> (Vec<String>, serde_json::Value) {
    let c = infos["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"]["name"] == key)
        .unwrap_or_else(|| panic!("no entry {key} in {infos}"));
    let errors = c["value"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    (errors, c["value"]["value"].clone())
}

/// `connector.endpoint` outside `polyconnect.connector.endpoint.allowlist` is refused before
/// any connection: validation answers Kafka Connect's ConfigInfos with the error on the
/// endpoint's own entry (beside the config's other problems), creation a 400 listing every
/// problem; inside it, the connector runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_outside_the_allowlist_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ep = rest_support::start_fake().await;
    let (server, addr) = start(
        dir.path(),
        &[(
            "polyconnect.connector.endpoint.allowlist",
            "connectors.internal, 10.0.0.0/8".into(),
        )],
    )
    .await
    .unwrap();
    let body = rest_support::source_request("x", &ep, r#","errors.tolerance":"most""#);
    let (s, b) = request(addr, None, "POST", "/connectors", None, Some(&body))
        .await
        .unwrap();
    assert_eq!(s, 400, "{b}");
    assert!(
        b.contains("contains the following 2 error(s)") && b.contains("is not allowed"),
        "{b}"
    );
    assert!(b.contains("errors.tolerance"), "every problem listed: {b}");
    let config = format!(
        r#"{{"name":"x","connector.class":"FakeSource","connector.endpoint":"{ep}","topic":"t","errors.tolerance":"most"}}"#
    );
    let (s, b) = request(
        addr,
        None,
        "PUT",
        "/connector-plugins/FakeSource/config/validate",
        None,
        Some(&config),
    )
    .await
    .unwrap();
    assert_eq!(s, 200, "{b}");
    let infos: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert_eq!(infos["error_count"], 2, "{infos}");
    let (errors, value) = entry(&infos, "connector.endpoint");
    assert_eq!(value, serde_json::json!(ep));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("is not allowed")
            && errors[0].contains("polyconnect.connector.endpoint.allowlist"),
        "{errors:?}"
    );
    let (errors, _) = entry(&infos, "errors.tolerance");
    assert_eq!(errors.len(), 1, "{errors:?}");
    // The framework's keys are answered although the connector was not asked.
    entry(&infos, "tasks.max");
    server.stop().await;

    // Allowed by its block: created and running.
    let dir = tempfile::tempdir().unwrap();
    let (server, addr) = start(
        dir.path(),
        &[(
            "polyconnect.connector.endpoint.allowlist",
            "127.0.0.0/8".into(),
        )],
    )
    .await
    .unwrap();
    let body = rest_support::source_request("x", &ep, "");
    let (s, b) = request(addr, None, "POST", "/connectors", None, Some(&body))
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    server.stop().await;
}

/// A cluster on https with client certificates: a change sent to a follower is forwarded to
/// the leader over TLS, with the follower's own certificate, and answered as if made there.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_forwards_between_workers_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let ca = make_cert("test-ca", None, true);
    let server_cert = make_cert("127.0.0.1", Some(&ca), false);
    let client = make_cert("client", Some(&ca), false);
    let ks = dir.path().join("rest.p12");
    let ts = dir.path().join("trust.p12");
    pkcs12_keystore(&ks, &server_cert, &ca, "ks-secret");
    pkcs12_truststore(&ts, &ca, "ts-secret");
    let ep = rest_support::start_fake().await;
    let group = format!("https-{}", free_port());
    let mut members = Vec::new();
    let mut addrs = Vec::new();
    for _ in 0..2 {
        let port = free_port();
        let props = kafka_stores_support::member_props(
            &group,
            &[
                ("listeners", format!("https://127.0.0.1:{port}")),
                (
                    "listeners.https.ssl.keystore.location",
                    ks.display().to_string(),
                ),
                ("listeners.https.ssl.keystore.password", "ks-secret".into()),
                (
                    "listeners.https.ssl.truststore.location",
                    ts.display().to_string(),
                ),
                (
                    "listeners.https.ssl.truststore.password",
                    "ts-secret".into(),
                ),
                ("listeners.https.ssl.client.auth", "required".into()),
            ],
        );
        members.push(
            polyconnect::distributed::Member::start(props, |_| {}, true)
                .await
                .unwrap(),
        );
        addrs.push(format!("127.0.0.1:{port}").parse::<SocketAddr>().unwrap());
    }
    // Both in one generation, one of them leading.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let follower = loop {
        let s: Vec<_> = members.iter().map(|m| m.status()).collect();
        let settled = s
            .iter()
            .all(|x| !x.rebalancing && x.generation == s[0].generation)
            && s.iter().filter(|x| x.is_leader).count() == 1;
        if settled {
            break s.iter().position(|x| !x.is_leader).unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "never settled: {s:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let tls = Some((&ca, Some(&client)));
    let body = rest_support::source_request("over-https", &ep, "");
    let (s, b) = request(
        addrs[follower],
        tls,
        "POST",
        "/connectors",
        None,
        Some(&body),
    )
    .await
    .unwrap();
    assert_eq!(s, 201, "{b}");
    let leader = 1 - follower;
    let (s, b) = request(addrs[leader], tls, "GET", "/connectors", None, None)
        .await
        .unwrap();
    assert_eq!((s, b.as_str()), (200, r#"["over-https"]"#));
    for m in members {
        m.stop().await;
    }
}

/// The connector's client overrides are checked at validation as its tasks would use them:
/// security settings no client can use (a JKS truststore, a file that does not exist, an
/// unknown mechanism, a malformed JAAS line) and keys the worker's
/// `connector.client.config.override.policy` refuses, each on its own entry with the
/// message, and every one listed in the 400 of a create or a config update.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_overrides_are_checked_per_field_at_validation() {
    let dir = tempfile::tempdir().unwrap();
    let jks = dir.path().join("trust.jks");
    std::fs::write(&jks, [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]).unwrap();
    let ep = rest_support::start_fake().await;
    let (server, addr) = start(dir.path(), &[]).await.unwrap();
    let jaas_secret = "jaas-secret-value";
    let config = serde_json::json!({
        "name": "o",
        "connector.class": "FakeSource",
        "connector.endpoint": ep,
        "topic": "t",
        "producer.override.security.protocol": "SASL_SSL",
        "producer.override.ssl.truststore.location": jks.display().to_string(),
        "producer.override.ssl.truststore.type": "JKS",
        "producer.override.sasl.mechanism": "SCRAM-SHA-1024",
        // A sink's settings on a source: not used, not checked (as in Kafka Connect).
        "consumer.override.sasl.mechanism": "NOPE",
    });
    let validate = |config: serde_json::Value| async move {
        let (s, b) = request(
            addr,
            None,
            "PUT",
            "/connector-plugins/FakeSource/config/validate",
            None,
            Some(&config.to_string()),
        )
        .await
        .unwrap();
        assert_eq!(s, 200, "{b}");
        serde_json::from_str::<serde_json::Value>(&b).unwrap()
    };
    let infos = validate(config.clone()).await;
    assert_eq!(infos["error_count"], 1, "{infos}");
    // The mechanism is checked before any file is read.
    let (errors, _) = entry(&infos, "producer.override.sasl.mechanism");
    assert_eq!(
        errors,
        ["producer.override.sasl.mechanism=SCRAM-SHA-1024 is not one of GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER"]
    );

    let mut c = config.clone();
    c["producer.override.sasl.mechanism"] = "SCRAM-SHA-512".into();
    let infos = validate(c.clone()).await;
    assert_eq!(infos["error_count"], 1, "{infos}");
    let (errors, _) = entry(&infos, "producer.override.ssl.truststore.location");
    assert!(
        errors[0].starts_with(&format!(
            "producer.override.ssl.truststore.location={} is a JKS keystore",
            jks.display()
        )) && errors[0].contains("keytool -importkeystore"),
        "{errors:?}"
    );

    c["producer.override.ssl.truststore.location"] = "/nonexistent/trust.p12".into();
    c["producer.override.ssl.truststore.type"] = "PKCS12".into();
    let infos = validate(c.clone()).await;
    let (errors, _) = entry(&infos, "producer.override.ssl.truststore.location");
    assert!(errors[0].contains("cannot be read"), "{errors:?}");

    // A malformed JAAS line: the error names what is wrong; neither the message nor the
    // entry shows the line.
    c["producer.override.ssl.truststore.location"] = serde_json::Value::Null;
    let c = {
        let mut m = c.as_object().unwrap().clone();
        m.remove("producer.override.ssl.truststore.location");
        m.remove("producer.override.ssl.truststore.type");
        m.insert(
            "producer.override.sasl.jaas.config".into(),
            format!("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"{jaas_secret}\"").into(),
        );
        serde_json::Value::Object(m)
    };
    let infos = validate(c.clone()).await;
    assert_eq!(infos["error_count"], 1, "{infos}");
    let (errors, value) = entry(&infos, "producer.override.sasl.jaas.config");
    assert!(
        errors[0].starts_with(
            "producer.override.sasl.jaas.config is malformed: it does not end with ';'"
        ),
        "{errors:?}"
    );
    assert!(!infos.to_string().contains(jaas_secret), "{infos}");
    assert_eq!(value, "[hidden]");

    // Creation lists them; nothing is created.
    let body = serde_json::json!({"name": "o", "config": c}).to_string();
    let (s, b) = request(addr, None, "POST", "/connectors", None, Some(&body))
        .await
        .unwrap();
    assert_eq!(s, 400, "{b}");
    assert!(
        b.contains("contains the following 1 error(s)")
            && b.contains("producer.override.sasl.jaas.config is malformed"),
        "{b}"
    );
    assert!(!b.contains(jaas_secret), "{b}");
    let (s, _) = request(addr, None, "GET", "/connectors/o", None, None)
        .await
        .unwrap();
    assert_eq!(s, 404);
    server.stop().await;

    // connector.client.config.override.policy: None refuses every override, Principal all
    // but the three SASL keys, with Kafka Connect's message; a config update too.
    for (policy, refused) in [
        ("None", vec!["linger.ms", "security.protocol"]),
        (
            "org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy",
            vec!["linger.ms"],
        ),
        ("All", vec![]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (server, addr) = start(
            dir.path(),
            &[("connector.client.config.override.policy", policy.into())],
        )
        .await
        .unwrap();
        let name = policy.rsplit('.').next().unwrap().replace("ConnectorClientConfigOverridePolicy", "");
        let config = serde_json::json!({
            "name": "p",
            "connector.class": "FakeSource",
            "connector.endpoint": ep,
            "topic": "t",
            "producer.override.linger.ms": "5",
            "producer.override.security.protocol": "PLAINTEXT",
        });
        let (s, b) = request(
            addr,
            None,
            "PUT",
            "/connectors/p/config",
            None,
            Some(&config.to_string()),
        )
        .await
        .unwrap();
        if refused.is_empty() {
            assert!(s == 201 || s == 200, "{policy}: {s} {b}");
        } else {
            assert_eq!(s, 400, "{policy}: {b}");
            for k in &refused {
                let msg = format!("The '{name}' policy does not allow '{k}' to be overridden in the connector configuration.");
                assert!(b.contains(&msg), "{policy}: {msg} in {b}");
            }
            assert!(
                b.contains(&format!("contains the following {} error(s)", refused.len())),
                "{policy}: {b}"
            );
        }
        let (s, b) = request(
            addr,
            None,
            "PUT",
            "/connector-plugins/FakeSource/config/validate",
            None,
            Some(&config.to_string()),
        )
        .await
        .unwrap();
        assert_eq!(s, 200, "{b}");
        let infos: serde_json::Value = serde_json::from_str(&b).unwrap();
        assert_eq!(infos["error_count"], refused.len(), "{policy}: {infos}");
        for k in &refused {
            let (errors, _) = entry(&infos, &format!("producer.override.{k}"));
            assert_eq!(errors.len(), 1, "{policy}: {errors:?}");
        }
        server.stop().await;
    }
}
