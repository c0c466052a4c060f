//! TLS to connector processes over TCP (ADR 0011): `connector.endpoint=https://host:port`,
//! with Kafka Connect's names for the stores under `connector.endpoint.` in the connector's
//! config, each falling back to the worker's `polyconnect.connector.endpoint.` setting:
//!
//! - `ssl.truststore.location`, `.password`, `.type` (PKCS12, the default, or PEM): whom the
//!   process's certificate must chain to; not set: the system's roots;
//! - `ssl.keystore.location`, `.password`, `.type`, `ssl.key.password`: the core's client
//!   certificate, for processes that require one (mutual TLS);
//! - `ssl.endpoint.identification.algorithm`: `https` (the default) checks the process's
//!   certificate against the endpoint's host name or address; empty turns that off.
//!
//! The stores are read by `keystores.rs` (the REST listener's loader) each time a
//! connection is made, so renewed files are picked up by the next connection. A handshake
//! refused by either side is recorded on the connection, so the core tells a TLS refusal
//! (not retried: the task fails with the cause) from a process that is not up yet.
//! Passwords never reach a message: `Debug` hides them and errors name files only; the
//! `connector.endpoint.ssl.*` settings are not passed on to the connector process.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use openssl::ssl::{SslConnector, SslMethod, SslVersion};
use openssl::x509::store::X509StoreBuilder;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

use crate::keystores;

/// The connector settings' prefix.
pub const PREFIX: &str = "connector.endpoint.";
/// The worker settings' prefix: defaults for every connector.
pub const WORKER_PREFIX: &str = "polyconnect.connector.endpoint.";

/// The settings, without their prefix.
pub const KEYS: &[&str] = &[
    "ssl.truststore.location",
    "ssl.truststore.password",
    "ssl.truststore.type",
    "ssl.keystore.location",
    "ssl.keystore.password",
    "ssl.keystore.type",
    "ssl.key.password",
    "ssl.endpoint.identification.algorithm",
];

/// A config as the connector process gets it: without the core's own TLS settings (its
/// stores' passwords are no business of the process).
pub fn for_process(config: &crate::config::Props) -> std::collections::HashMap<String, String> {
    config
        .iter()
        .filter(|(k, _)| !k.starts_with("connector.endpoint.ssl."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A connector's TLS settings for its endpoint, its own over the worker's.
#[derive(Clone, PartialEq, Default)]
pub struct TlsSettings {
    values: BTreeMap<&'static str, String>,
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.values {
            if k.contains("password") {
                m.entry(k, &"[hidden]");
            } else {
                m.entry(k, v);
            }
        }
        m.finish()
    }
}

impl TlsSettings {
    /// `connector` and `worker` look a full setting name up (`connector.endpoint.ssl...`,
    /// `polyconnect.connector.endpoint.ssl...`).
    pub fn from_layers(
        connector: &dyn Fn(&str) -> Option<String>,
        worker: &dyn Fn(&str) -> Option<String>,
    ) -> TlsSettings {
        let mut values = BTreeMap::new();
        for key in KEYS {
            let v = connector(&format!("{PREFIX}{key}"))
                .or_else(|| worker(&format!("{WORKER_PREFIX}{key}")));
            if let Some(v) = v {
                values.insert(*key, v.trim().to_string());
            }
        }
        TlsSettings { values }
    }

    fn get(&self, key: &str) -> Option<String> {
        self.values.get(key).filter(|v| !v.is_empty()).cloned()
    }

    /// Whether the process's certificate is checked against the endpoint's host.
    pub fn verify_hostname(&self) -> Result<bool, String> {
        match self.values.get("ssl.endpoint.identification.algorithm") {
            None => Ok(true),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "https" => Ok(true),
                "" | "none" => Ok(false),
                other => Err(format!(
                    "{PREFIX}ssl.endpoint.identification.algorithm={other} is not supported \
                     (https, or empty to turn host name verification off)"
                )),
            },
        }
    }

    /// Checks what can be checked without reading a file.
    pub fn check(&self) -> Result<(), String> {
        self.verify_hostname()?;
        for key in ["ssl.truststore.type", "ssl.keystore.type"] {
            if let Some(t) = self.get(key) {
                if !["PKCS12", "PEM", "JKS"].contains(&t.to_ascii_uppercase().as_str()) {
                    return Err(format!(
                        "{PREFIX}{key}={t} is not supported: use PKCS12 or PEM"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The TLS client for one connection: the stores read now, ALPN `h2` (gRPC over TLS
    /// needs it), TLS 1.2 at least.
    pub fn connector(&self) -> Result<SslConnector, String> {
        self.check()?;
        let get = |k: &str| self.get(k);
        let stores = keystores::Settings {
            what: "connector.endpoint",
            get: &get,
        };
        let err = |e: anyhow::Error| format!("{e:#}");
        let ssl = |e: openssl::error::ErrorStack| format!("cannot set up TLS: {e}");
        let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(ssl)?;
        b.set_min_proto_version(Some(SslVersion::TLS1_2))
            .map_err(ssl)?;
        b.set_alpn_protos(b"\x02h2").map_err(ssl)?;
        if let Some(trusted) = keystores::truststore(&stores).map_err(err)? {
            let mut store = X509StoreBuilder::new().map_err(ssl)?;
            for c in trusted {
                store.add_cert(c).map_err(ssl)?;
            }
            b.set_cert_store(store.build());
        }
        if let Some(id) = keystores::keystore(&stores).map_err(err)? {
            b.set_private_key(&id.key).map_err(ssl)?;
            b.set_certificate(&id.cert).map_err(ssl)?;
            for c in id.chain {
                b.add_extra_chain_cert(c).map_err(ssl)?;
            }
            b.check_private_key().map_err(|_| {
                "the connector.endpoint keystore's private key does not match its certificate"
                    .to_string()
            })?;
        }
        Ok(b.build())
    }
}

/// The first TLS failure of a connection, shared between the connector and the core.
pub type FailureSlot = Arc<Mutex<Option<String>>>;

fn record(slot: &FailureSlot, msg: String) {
    let mut s = slot.lock().unwrap();
    if s.is_none() {
        *s = Some(msg);
    }
}

/// TCP, then the TLS handshake with `host` (a name or an address) verified as configured.
pub async fn connect(
    connector: &SslConnector,
    verify_hostname: bool,
    host: &str,
    port: u16,
    slot: FailureSlot,
) -> io::Result<Tracked> {
    let tcp = TcpStream::connect((host, port)).await?;
    tcp.set_nodelay(true)?;
    let mut cfg = connector.configure().map_err(io::Error::other)?;
    cfg.set_verify_hostname(verify_hostname);
    let ssl = cfg.into_ssl(host).map_err(io::Error::other)?;
    let mut stream = SslStream::new(ssl, tcp).map_err(io::Error::other)?;
    if let Err(e) = Pin::new(&mut stream).connect().await {
        let verify = stream.ssl().verify_result();
        let msg = if verify.as_raw() != 0 {
            format!(
                "the connector process's certificate was refused: {} ({e})",
                verify.error_string()
            )
        } else {
            format!("TLS handshake with the connector process failed: {e}")
        };
        record(&slot, msg.clone());
        return Err(io::Error::other(msg));
    }
    // TLS 1.3 servers refuse a client certificate (or its absence) after the client's side
    // of the handshake ended, with an alert or by closing the connection. gRPC servers send
    // their HTTP/2 settings at once, so waiting for the first byte tells a refusal from a
    // working connection here.
    let mut first = [0u8; 1];
    let refused =
        match tokio::time::timeout(FIRST_BYTE_WAIT, Pin::new(&mut stream).peek(&mut first)).await {
            Ok(Ok(n)) if n > 0 => None,
            // Nothing yet: the connection goes on, and its first failure is recorded below.
            Err(_) => None,
            Ok(Err(e)) if e.ssl_error().is_some() => {
                Some(format!("TLS refused by the connector process: {e}"))
            }
            Ok(other) => Some(format!(
                "TLS refused by the connector process: it closed the connection right after the \
             handshake ({}), as a process that requires a client certificate does when it \
             gets none or one it does not trust (connector.endpoint.ssl.keystore.*)",
                match other {
                    Ok(_) => "end of stream".to_string(),
                    Err(e) => match e.io_error() {
                        Some(io) => io.to_string(),
                        None => "end of stream".to_string(),
                    },
                }
            )),
        };
    if let Some(msg) = refused {
        record(&slot, msg.clone());
        return Err(io::Error::other(msg));
    }
    Ok(Tracked {
        inner: stream,
        slot,
    })
}

/// How long a new connection waits for the process's first bytes before going on.
const FIRST_BYTE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A TLS stream that records the first TLS error it meets: with TLS 1.3 a server that
/// refuses the client's certificate says so only after the client's handshake ended.
pub struct Tracked {
    inner: SslStream<TcpStream>,
    slot: FailureSlot,
}

impl Tracked {
    fn seen<T>(&self, r: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if let Poll::Ready(Err(e)) = &r {
            if let Some(ssl) = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<openssl::ssl::Error>())
            {
                if ssl.ssl_error().is_some() {
                    record(
                        &self.slot,
                        format!("TLS refused by the connector process: {ssl}"),
                    );
                }
            }
        }
        r
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        self.seen(r)
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.seen(r)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_flush(cx);
        self.seen(r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(connector: &[(&str, &str)], worker: &[(&str, &str)]) -> TlsSettings {
        let c: BTreeMap<String, String> = connector
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let w: BTreeMap<String, String> = worker
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TlsSettings::from_layers(&|k| c.get(k).cloned(), &|k| w.get(k).cloned())
    }

    #[test]
    fn connector_settings_win_over_the_workers_per_key() {
        let t = layers(
            &[
                ("connector.endpoint.ssl.truststore.location", "/c/trust.p12"),
                ("connector.endpoint.ssl.truststore.password", "c-secret"),
                // Not an endpoint setting: ignored.
                ("ssl.truststore.location", "/kafka/trust.p12"),
            ],
            &[
                (
                    "polyconnect.connector.endpoint.ssl.truststore.location",
                    "/w/trust.p12",
                ),
                (
                    "polyconnect.connector.endpoint.ssl.keystore.location",
                    "/w/core.p12",
                ),
                (
                    "polyconnect.connector.endpoint.ssl.keystore.password",
                    "w-secret",
                ),
                // The connector's own, not the worker's, without the prefix.
                ("connector.endpoint.ssl.key.password", "no"),
            ],
        );
        assert_eq!(
            t.get("ssl.truststore.location").as_deref(),
            Some("/c/trust.p12")
        );
        assert_eq!(
            t.get("ssl.truststore.password").as_deref(),
            Some("c-secret")
        );
        assert_eq!(
            t.get("ssl.keystore.location").as_deref(),
            Some("/w/core.p12")
        );
        assert_eq!(t.get("ssl.keystore.password").as_deref(), Some("w-secret"));
        assert_eq!(t.get("ssl.key.password"), None);
        // Passwords never in Debug.
        let shown = format!("{t:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("/w/core.p12"), "{shown}");
    }

    #[test]
    fn the_process_never_gets_the_cores_tls_settings() {
        let config: crate::config::Props = [
            ("connector.endpoint", "https://c:1"),
            ("connector.endpoint.token", "t"),
            ("connector.endpoint.ssl.keystore.password", "secret"),
            ("connector.endpoint.ssl.truststore.location", "/t.p12"),
            ("file", "/out"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut keys: Vec<String> = for_process(&config).into_keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["connector.endpoint", "connector.endpoint.token", "file"]
        );
    }

    #[test]
    fn host_name_verification_is_on_unless_turned_off() {
        assert_eq!(layers(&[], &[]).verify_hostname(), Ok(true));
        let alg = "connector.endpoint.ssl.endpoint.identification.algorithm";
        assert_eq!(layers(&[(alg, "HTTPS")], &[]).verify_hostname(), Ok(true));
        assert_eq!(layers(&[(alg, "")], &[]).verify_hostname(), Ok(false));
        // The connector's empty value turns off the worker's default.
        assert_eq!(
            layers(
                &[(alg, "")],
                &[(
                    "polyconnect.connector.endpoint.ssl.endpoint.identification.algorithm",
                    "https"
                )]
            )
            .verify_hostname(),
            Ok(false)
        );
        assert!(layers(&[(alg, "ldaps")], &[]).check().is_err());
        let ty = "connector.endpoint.ssl.truststore.type";
        assert!(layers(&[(ty, "pem")], &[]).check().is_ok());
        assert!(layers(&[(ty, "BCFKS")], &[]).check().is_err());
    }

    #[test]
    fn stores_that_cannot_be_read_name_the_file_and_never_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let jks = dir.path().join("trust.jks");
        std::fs::write(&jks, [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]).unwrap();
        let loc = jks.display().to_string();
        let e = layers(
            &[
                ("connector.endpoint.ssl.truststore.location", &loc),
                ("connector.endpoint.ssl.truststore.type", "JKS"),
                ("connector.endpoint.ssl.truststore.password", "hunter2"),
            ],
            &[],
        )
        .connector()
        .unwrap_err();
        assert!(e.contains("keytool -importkeystore"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        let e = layers(
            &[
                ("connector.endpoint.ssl.truststore.location", &loc),
                ("connector.endpoint.ssl.truststore.password", "hunter2"),
            ],
            &[],
        )
        .connector()
        .unwrap_err();
        assert!(e.contains(&loc) && e.contains("wrong password"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        let e = layers(
            &[(
                "connector.endpoint.ssl.keystore.location",
                "/nonexistent/core.p12",
            )],
            &[],
        )
        .connector()
        .unwrap_err();
        assert!(
            e.contains("cannot read the connector.endpoint keystore /nonexistent/core.p12"),
            "{e}"
        );
    }
}
