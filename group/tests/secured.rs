//! The group member over the test broker's secured listeners (`scripts/kafka.sh up` starts
//! them beside the plaintext one; `scripts/kafka.sh secure-info` names them): SASL_SSL with
//! each SASL mechanism, mTLS with a client certificate, host name verification, and the
//! refusals (a wrong password, no client certificate, an untrusted broker, a host name the
//! certificate does not name) as non-retriable authentication errors.
//!
//! The TLS material is given to the member already read, as the core gives it.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use openssl::pkey::PKey;
use openssl::x509::X509;
use polyconnect_group::client::{
    ConnectionConfig, SaslConfig, ScramMechanism, SecurityProtocol, TlsConfig, TlsIdentity,
    UnsecuredJwt,
};
use polyconnect_group::{GroupError, GroupMember, MemberConfig, Protocol};

/// What `scripts/kafka.sh secure-info` prints for the broker at `POLYCONNECT_TEST_BOOTSTRAP`.
fn secure_info() -> BTreeMap<String, String> {
    let b = std::env::var("POLYCONNECT_TEST_BOOTSTRAP").unwrap_or_else(|_| "127.0.0.1:9092".into());
    let port = b
        .split(',')
        .next()
        .and_then(|a| a.rsplit(':').next())
        .expect("bootstrap port")
        .to_string();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("bash")
        .arg(root.join("scripts/kafka.sh"))
        .arg("secure-info")
        .env("KAFKA_PORT", &port)
        .output()
        .expect("run scripts/kafka.sh secure-info");
    assert!(
        out.status.success(),
        "scripts/kafka.sh secure-info failed (the broker at {b} must be the one scripts/kafka.sh started): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn trust(info: &BTreeMap<String, String>) -> TlsConfig {
    TlsConfig {
        trusted: X509::stack_from_pem(&read(&info["ca.pem"])).unwrap(),
        ..TlsConfig::default()
    }
}

fn group(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("gsecure-{test}-{}-{nanos}", std::process::id())
}

fn member_config(bootstrap: &str, group: &str, connection: ConnectionConfig) -> MemberConfig {
    let mut c = MemberConfig::new(bootstrap, group);
    c.session_timeout = Duration::from_millis(6_000);
    c.heartbeat_interval = Duration::from_millis(1_000);
    c.rebalance_timeout = Duration::from_secs(20);
    c.connection = connection;
    c
}

/// Joins `group` alone, leads it and gets its own assignment back.
async fn join_alone(config: MemberConfig) -> Result<(), GroupError> {
    let (member, _events) = GroupMember::start(config)?;
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        member.rejoin(vec![Protocol::new("sessioned", Bytes::from_static(b"m"))]),
    )
    .await
    .expect("join within a minute")?;
    assert!(outcome.is_leader());
    let assignment = member
        .sync(
            outcome.generation_id,
            vec![(outcome.member_id.clone(), Bytes::from_static(b"work"))],
        )
        .await?;
    assert_eq!(assignment, Bytes::from_static(b"work"));
    member.leave().await
}

fn sasl_ssl(info: &BTreeMap<String, String>, sasl: SaslConfig) -> ConnectionConfig {
    ConnectionConfig {
        security_protocol: SecurityProtocol::SaslSsl,
        tls: trust(info),
        sasl: Some(sasl),
        ..ConnectionConfig::default()
    }
}

#[tokio::test]
async fn every_sasl_mechanism_joins_over_sasl_ssl() {
    let info = secure_info();
    let (user, pass) = (&info["sasl.username"], &info["sasl.password"]);
    let mechanisms = [
        SaslConfig::Scram {
            mechanism: ScramMechanism::Sha512,
            username: user.clone(),
            password: pass.clone(),
        },
        SaslConfig::Scram {
            mechanism: ScramMechanism::Sha256,
            username: user.clone(),
            password: pass.clone(),
        },
        SaslConfig::Plain {
            username: user.clone(),
            password: pass.clone(),
        },
        SaslConfig::OAuthBearerUnsecured(UnsecuredJwt::new(user.clone())),
    ];
    for sasl in mechanisms {
        let name = sasl.mechanism();
        let config = member_config(
            &info["sasl_ssl.bootstrap"],
            &group(&name.to_ascii_lowercase()),
            sasl_ssl(&info, sasl),
        );
        join_alone(config)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[tokio::test]
async fn a_wrong_password_fails_the_join_at_once_naming_the_cause() {
    let info = secure_info();
    for mechanism in [ScramMechanism::Sha512, ScramMechanism::Sha256] {
        let config = member_config(
            &info["sasl_ssl.bootstrap"],
            &group("wrong"),
            sasl_ssl(
                &info,
                SaslConfig::Scram {
                    mechanism,
                    username: info["sasl.username"].clone(),
                    password: "not-the-password".into(),
                },
            ),
        );
        // Not retried: rejoin returns the refusal rather than trying for ever.
        let err = join_alone(config).await.unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, GroupError::Authentication { .. }), "{msg}");
        assert!(
            msg.contains(&format!("SASL {} authentication failed", mechanism.name()))
                && msg.contains("invalid credentials"),
            "{msg}"
        );
        assert!(!msg.contains("not-the-password"), "{msg}");
    }
}

#[tokio::test]
async fn mutual_tls_joins_with_a_client_certificate_and_is_refused_without() {
    let info = secure_info();
    let key = PKey::private_key_from_pem(&read(&info["client.key"])).unwrap();
    let certificate = X509::from_pem(&read(&info["client.pem"])).unwrap();
    let mut tls = trust(&info);
    tls.identity = Some(TlsIdentity {
        key,
        certificate,
        chain: Vec::new(),
    });
    let ssl = |tls: TlsConfig| ConnectionConfig {
        security_protocol: SecurityProtocol::Ssl,
        tls,
        ..ConnectionConfig::default()
    };
    join_alone(member_config(
        &info["ssl.bootstrap"],
        &group("mtls"),
        ssl(tls),
    ))
    .await
    .unwrap();

    let err = join_alone(member_config(
        &info["ssl.bootstrap"],
        &group("mtls-none"),
        ssl(trust(&info)),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, GroupError::Authentication { .. }), "{err}");
    assert!(err.to_string().contains("TLS"), "{err}");
}

#[tokio::test]
async fn an_untrusted_broker_is_refused() {
    let info = secure_info();
    // The system's trust store does not hold the development CA.
    let config = member_config(
        &info["sasl_ssl.bootstrap"],
        &group("untrusted"),
        ConnectionConfig {
            security_protocol: SecurityProtocol::SaslSsl,
            sasl: Some(SaslConfig::Plain {
                username: info["sasl.username"].clone(),
                password: info["sasl.password"].clone(),
            }),
            ..ConnectionConfig::default()
        },
    );
    let err = join_alone(config).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, GroupError::Authentication { .. }), "{msg}");
    assert!(msg.contains("certificate"), "{msg}");
}

#[tokio::test]
async fn the_brokers_host_name_is_verified_unless_turned_off() {
    use polyconnect_group::client::Connection;
    let info = secure_info();
    let port = info["sasl_ssl.bootstrap"]
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    // The broker's certificate names 127.0.0.1 and localhost; this IPv6 form of 127.0.0.1
    // reaches the same listener under an address the certificate does not name.
    let addr = format!("[::ffff:127.0.0.1]:{port}");
    let plain = SaslConfig::Plain {
        username: info["sasl.username"].clone(),
        password: info["sasl.password"].clone(),
    };
    let err = Connection::open(&addr, &sasl_ssl(&info, plain.clone()))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, GroupError::Authentication { .. }), "{msg}");
    assert!(msg.contains("mismatch"), "{msg}");
    // By name it matches.
    Connection::open(
        &format!("localhost:{port}"),
        &sasl_ssl(&info, plain.clone()),
    )
    .await
    .unwrap();
    // ssl.endpoint.identification.algorithm= (empty): the certificate is still checked,
    // the name is not.
    let mut config = sasl_ssl(&info, plain);
    config.tls.verify_hostname = false;
    Connection::open(&addr, &config).await.unwrap();
}
