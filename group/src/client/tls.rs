//! TLS for `SSL` and `SASL_SSL`, on the system's OpenSSL (as librdkafka and the REST
//! listener use it): the certificates to trust, a client certificate for listeners that
//! require one, and host name verification unless turned off.
//!
//! The member gets certificates and keys already read: the core reads the stores
//! (`ssl.truststore.*`, `ssl.keystore.*`) for every client it makes, this one included.

use std::fmt;
use std::pin::Pin;

use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::X509;
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

use super::GroupError;

/// A client certificate with its key and the chain to send with it.
#[derive(Clone)]
pub struct TlsIdentity {
    pub key: PKey<Private>,
    pub certificate: X509,
    pub chain: Vec<X509>,
}

/// How the member sets up TLS.
#[derive(Clone)]
pub struct TlsConfig {
    /// The certificates the broker's must chain to; empty: the system's trust store.
    pub trusted: Vec<X509>,
    /// A client certificate, for listeners with `ssl.client.auth=required`.
    pub identity: Option<TlsIdentity>,
    /// `ssl.endpoint.identification.algorithm=https` (the default): the broker's
    /// certificate must name the host (or address) connected to.
    pub verify_hostname: bool,
    /// librdkafka's `enable.ssl.certificate.verification` (on unless set to `false`).
    pub verify_certificate: bool,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig {
            trusted: Vec::new(),
            identity: None,
            verify_hostname: true,
            verify_certificate: true,
        }
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("trusted", &self.trusted.len())
            .field(
                "identity",
                &self
                    .identity
                    .as_ref()
                    .map(|i| format!("{:?}", i.certificate.subject_name())),
            )
            .field("verify_hostname", &self.verify_hostname)
            .field("verify_certificate", &self.verify_certificate)
            .finish()
    }
}

impl TlsConfig {
    /// The OpenSSL context; fails on a key that does not match its certificate.
    pub fn connector(&self) -> Result<SslConnector, GroupError> {
        let bad = |what: &str, e: openssl::error::ErrorStack| {
            GroupError::Config(format!("TLS setup: {what}: {e}"))
        };
        let mut b =
            SslConnector::builder(SslMethod::tls_client()).map_err(|e| bad("context", e))?;
        if !self.trusted.is_empty() {
            let mut store = X509StoreBuilder::new().map_err(|e| bad("trust store", e))?;
            for c in &self.trusted {
                store
                    .add_cert(c.clone())
                    .map_err(|e| bad("a trusted certificate", e))?;
            }
            b.set_cert_store(store.build());
        }
        if let Some(id) = &self.identity {
            b.set_certificate(&id.certificate)
                .map_err(|e| bad("the client certificate", e))?;
            for c in &id.chain {
                b.add_extra_chain_cert(c.clone())
                    .map_err(|e| bad("the client certificate chain", e))?;
            }
            b.set_private_key(&id.key)
                .map_err(|e| bad("the client key", e))?;
            b.check_private_key()
                .map_err(|e| bad("the client key does not match its certificate", e))?;
        }
        if !self.verify_certificate {
            b.set_verify(SslVerifyMode::NONE);
        }
        Ok(b.build())
    }

    /// The TLS handshake over `tcp` to `host`. A handshake the peer or this side refuses
    /// (an untrusted certificate, a host name that does not match, a client certificate the
    /// broker refuses, a listener that does not speak TLS) is [`GroupError::Authentication`];
    /// a connection that breaks meanwhile is [`GroupError::Io`], retried like any other.
    pub(crate) async fn handshake(
        &self,
        tcp: TcpStream,
        host: &str,
        addr: &str,
    ) -> Result<SslStream<TcpStream>, GroupError> {
        let connector = self.connector()?;
        let mut cfg = connector
            .configure()
            .map_err(|e| GroupError::Config(format!("TLS setup: {e}")))?;
        let verify = self.verify_certificate;
        cfg.set_verify_hostname(verify && self.verify_hostname);
        if !verify {
            cfg.set_verify(SslVerifyMode::NONE);
        }
        let ssl = cfg
            .into_ssl(host)
            .map_err(|e| GroupError::Config(format!("TLS setup for {host}: {e}")))?;
        let mut stream = SslStream::new(ssl, tcp)
            .map_err(|e| GroupError::Config(format!("TLS setup for {host}: {e}")))?;
        if let Err(e) = Pin::new(&mut stream).connect().await {
            let stack = e.ssl_error().map(|s| s.to_string());
            let verify_result = stream.ssl().verify_result();
            return Err(match (stack, e.into_io_error()) {
                (None, Ok(io)) => GroupError::Io {
                    addr: addr.to_string(),
                    source: io,
                },
                // Closed by the peer mid-handshake: a broker going down looks the same.
                (None, Err(_)) => GroupError::Disconnected {
                    addr: addr.to_string(),
                    reason: "closed during the TLS handshake".into(),
                },
                (Some(mut why), _) => {
                    if verify_result.as_raw() != 0 {
                        why = format!("{} ({why})", verify_result.error_string());
                    }
                    GroupError::Authentication {
                        addr: addr.to_string(),
                        message: format!("TLS handshake refused: {why}"),
                    }
                }
            });
        }
        Ok(stream)
    }
}
