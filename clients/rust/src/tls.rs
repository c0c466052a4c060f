//! TLS for a connector process served on TCP: `POLYCONNECT_TLS_CERT` (the certificate
//! chain) and `POLYCONNECT_TLS_KEY` (its private key), PEM files; with
//! `POLYCONNECT_TLS_CLIENT_CA` (PEM CA certificates) the core must present a client
//! certificate one of them signed (mutual TLS). On the system's OpenSSL, as the core's TLS.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use openssl::ssl::{AlpnError, Ssl, SslAcceptor, SslFiletype, SslMethod, SslVerifyMode};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_openssl::SslStream;

/// How long a client has to finish its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The TLS a process serves with.
#[derive(Clone)]
pub struct TlsConfig {
    acceptor: Arc<SslAcceptor>,
    /// Whether a client certificate is required.
    pub mutual: bool,
}

fn readable(name: &str, path: &str) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{name}={path} cannot be read: {e}"))?;
    if !String::from_utf8_lossy(&bytes).contains("-----BEGIN") {
        return Err(format!("{name}={path} is not a PEM file"));
    }
    Ok(())
}

impl TlsConfig {
    /// From `POLYCONNECT_TLS_*`; None when none is set, an error naming the variable and
    /// the file when they cannot be used.
    pub fn from_env() -> Result<Option<TlsConfig>, String> {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        let (cert, key, ca) = (
            var("POLYCONNECT_TLS_CERT"),
            var("POLYCONNECT_TLS_KEY"),
            var("POLYCONNECT_TLS_CLIENT_CA"),
        );
        if cert.is_none() && key.is_none() && ca.is_none() {
            return Ok(None);
        }
        let (Some(cert), Some(key)) = (cert, key) else {
            return Err(
                "POLYCONNECT_TLS_CERT and POLYCONNECT_TLS_KEY must be set together \
                        (POLYCONNECT_TLS_CLIENT_CA needs both)"
                    .into(),
            );
        };
        TlsConfig::from_files(&cert, &key, ca.as_deref()).map(Some)
    }

    /// From PEM files.
    pub fn from_files(cert: &str, key: &str, client_ca: Option<&str>) -> Result<TlsConfig, String> {
        readable("POLYCONNECT_TLS_CERT", cert)?;
        readable("POLYCONNECT_TLS_KEY", key)?;
        let ssl = |e: openssl::error::ErrorStack| format!("cannot set up TLS: {e}");
        let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(ssl)?;
        b.set_certificate_chain_file(cert)
            .map_err(|e| format!("POLYCONNECT_TLS_CERT={cert} cannot be used: {e}"))?;
        b.set_private_key_file(key, SslFiletype::PEM)
            .map_err(|e| format!("POLYCONNECT_TLS_KEY={key} cannot be used: {e}"))?;
        b.check_private_key().map_err(|_| {
            format!("POLYCONNECT_TLS_KEY={key} does not match POLYCONNECT_TLS_CERT={cert}")
        })?;
        // gRPC over TLS speaks HTTP/2, negotiated with ALPN.
        b.set_alpn_select_callback(|_, offered| {
            openssl::ssl::select_next_proto(b"\x02h2", offered).ok_or(AlpnError::NOACK)
        });
        if let Some(ca) = client_ca {
            readable("POLYCONNECT_TLS_CLIENT_CA", ca)?;
            b.set_ca_file(ca)
                .map_err(|e| format!("POLYCONNECT_TLS_CLIENT_CA={ca} cannot be used: {e}"))?;
            b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
        }
        Ok(TlsConfig {
            acceptor: Arc::new(b.build()),
            mutual: client_ca.is_some(),
        })
    }

    /// Accepts on `tcp` and yields finished handshakes; each handshake runs beside the
    /// accept loop, bounded, so a client that never finishes holds up no other.
    pub(crate) fn incoming(
        &self,
        tcp: TcpListener,
    ) -> tokio_stream::wrappers::ReceiverStream<std::io::Result<TlsStream>> {
        let (tx, rx) = mpsc::channel(16);
        let acceptor = self.acceptor.clone();
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if tx.is_closed() {
                    return;
                }
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _ = stream.set_nodelay(true);
                    let handshake = async {
                        let ssl = Ssl::new(acceptor.context()).map_err(std::io::Error::other)?;
                        let mut s = SslStream::new(ssl, stream).map_err(std::io::Error::other)?;
                        Pin::new(&mut s)
                            .accept()
                            .await
                            .map_err(std::io::Error::other)?;
                        std::io::Result::Ok(s)
                    };
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                        Ok(Ok(s)) => {
                            let _ = tx.send(Ok(TlsStream(s))).await;
                        }
                        Ok(Err(e)) => tracing::warn!(%peer, "TLS handshake refused: {e}"),
                        Err(_) => tracing::warn!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        tokio_stream::wrappers::ReceiverStream::new(rx)
    }
}

/// A served TLS connection.
pub(crate) struct TlsStream(SslStream<TcpStream>);

impl tonic::transport::server::Connected for TlsStream {
    type ConnectInfo = Option<std::net::SocketAddr>;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.0.get_ref().peer_addr().ok()
    }
}

impl tokio::io::AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_tls_files_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
        let ok = std::process::Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=localhost", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok);
        let (key, cert) = (key.to_str().unwrap(), cert.to_str().unwrap());
        let t = TlsConfig::from_files(cert, key, Some(cert)).unwrap();
        assert!(t.mutual);
        let e = TlsConfig::from_files(cert, key, Some("/nonexistent/ca.pem"))
            .err()
            .unwrap();
        assert!(
            e.contains("POLYCONNECT_TLS_CLIENT_CA=/nonexistent/ca.pem cannot be read"),
            "{e}"
        );
        let e = TlsConfig::from_files(key, cert, None).err().unwrap();
        assert!(e.contains("cannot be used"), "{e}");
        let e = TlsConfig::from_files("/nonexistent/c.pem", key, None)
            .err()
            .unwrap();
        assert!(
            e.contains("POLYCONNECT_TLS_CERT=/nonexistent/c.pem cannot be read"),
            "{e}"
        );
    }
}
