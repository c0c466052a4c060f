//! HTTPS for the REST API: `listeners=https://host:port` with Kafka Connect's settings,
//! `listeners.https.ssl.*` first, then the worker's `ssl.*`:
//!
//! - `ssl.keystore.location`, `ssl.keystore.password`, `ssl.keystore.type` (PKCS12, the
//!   default, or PEM: the private key and the certificate chain in one file, the key
//!   decrypted with `ssl.key.password`); a JKS keystore is refused with how to convert it;
//! - `ssl.truststore.location`, `ssl.truststore.password`, `ssl.truststore.type` (PKCS12 or
//!   PEM): whom client certificates must be signed by;
//! - `ssl.client.auth`: `none` (default), `requested` or `required`.
//!
//! Handshakes run beside the accept loop (one slow client holds up no other), each bounded
//! by [`HANDSHAKE_TIMEOUT`].

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use openssl::pkey::{PKey, Private};
use openssl::ssl::{Ssl, SslAcceptor, SslMethod, SslVerifyMode};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::X509;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_openssl::SslStream;

use crate::config::WorkerConfig;
use crate::keystores;

/// How long a client has to finish its TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// `listeners.https.<key>`, else the worker's `<key>`.
fn setting<'a>(worker: &'a WorkerConfig, key: &str) -> Option<&'a str> {
    worker
        .get(&format!("listeners.https.{key}"))
        .or_else(|| worker.get(key))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn stores<T>(
    worker: &WorkerConfig,
    read: impl Fn(&keystores::Settings) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let get = |k: &str| setting(worker, k).map(str::to_string);
    read(&keystores::Settings {
        what: "REST",
        get: &get,
    })
}

/// The server's key and certificate chain.
fn keystore(worker: &WorkerConfig) -> anyhow::Result<(PKey<Private>, X509, Vec<X509>)> {
    let id = stores(worker, keystores::keystore)?.ok_or_else(|| {
        anyhow!("an https listener needs listeners.https.ssl.keystore.location (or ssl.keystore.location)")
    })?;
    Ok((id.key, id.cert, id.chain))
}

/// The certificates client certificates must chain to.
fn truststore(worker: &WorkerConfig) -> anyhow::Result<Option<Vec<X509>>> {
    stores(worker, keystores::truststore)
}

/// The TLS settings of an https listener.
pub fn acceptor(worker: &WorkerConfig) -> anyhow::Result<SslAcceptor> {
    let (key, cert, chain) = keystore(worker)?;
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())?;
    b.set_private_key(&key)?;
    b.set_certificate(&cert)?;
    for c in chain {
        b.add_extra_chain_cert(c)?;
    }
    b.check_private_key()
        .context("the REST keystore's private key does not match its certificate")?;
    let client_auth = setting(worker, "ssl.client.auth")
        .unwrap_or("none")
        .to_ascii_lowercase();
    let mode = match client_auth.as_str() {
        "none" => SslVerifyMode::NONE,
        "requested" => SslVerifyMode::PEER,
        "required" => SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT,
        other => bail!("ssl.client.auth must be none, requested or required, not '{other}'"),
    };
    if mode != SslVerifyMode::NONE {
        let trusted = truststore(worker)?.ok_or_else(|| {
            anyhow!("ssl.client.auth={client_auth} needs a truststore (listeners.https.ssl.truststore.location)")
        })?;
        let mut store = X509StoreBuilder::new()?;
        for c in trusted {
            store.add_cert(c)?;
        }
        b.set_verify_cert_store(store.build())?;
        b.set_verify(mode);
    }
    Ok(b.build())
}

/// The client a worker sends requests to other workers with: over https, it trusts the
/// REST truststore (else the system's roots) and presents the REST keystore as its client
/// certificate, as Kafka Connect's REST client uses the listener's SSL settings.
pub fn client(worker: &WorkerConfig) -> anyhow::Result<reqwest::Client> {
    let mut b = reqwest::Client::builder();
    let https = worker.get("listeners").is_some_and(super::is_https)
        || worker
            .get("rest.advertised.listener")
            .is_some_and(|l| l.trim().eq_ignore_ascii_case("https"));
    if https {
        if let Some(trusted) = truststore(worker)? {
            for c in trusted {
                b = b.add_root_certificate(reqwest::Certificate::from_der(&c.to_der()?)?);
            }
        }
        let (key, cert, chain) = keystore(worker)?;
        let mut certs = cert.to_pem()?;
        for c in chain {
            certs.extend(c.to_pem()?);
        }
        let identity = reqwest::Identity::from_pkcs8_pem(&certs, &key.private_key_to_pem_pkcs8()?)
            .context("the REST keystore as a client certificate")?;
        b = b.identity(identity);
    }
    Ok(b.build()?)
}

/// An https listener for `axum::serve`: TCP accepted here, handshakes done beside it.
pub struct TlsListener {
    ready: mpsc::Receiver<(SslStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, acceptor: SslAcceptor) -> std::io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let acceptor = Arc::new(acceptor);
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::debug!(error = %e, "REST accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if tx.is_closed() {
                    return;
                }
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let handshake = async {
                        let ssl = Ssl::new(acceptor.context())?;
                        let mut s = SslStream::new(ssl, stream)?;
                        Pin::new(&mut s)
                            .accept()
                            .await
                            .map_err(|e| anyhow!("{e}"))?;
                        anyhow::Ok(s)
                    };
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                        Ok(Ok(s)) => {
                            let _ = tx.send((s, peer)).await;
                        }
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "REST TLS handshake failed")
                        }
                        Err(_) => tracing::debug!(%peer, "REST TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = SslStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accept loop ends only with the listener; wait for the shutdown.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
