//! One connection to one broker: requests go out with fresh correlation ids, responses are
//! matched back to their callers by correlation id, so several requests (a heartbeat and a
//! JoinGroup, say) can be in flight on one connection.
//!
//! Opening a connection is a sequence of steps, so that TLS and SASL slot in later without
//! touching the rest: TCP connect → transport security (TLS, for `SSL`/`SASL_SSL`) → reader
//! and writer tasks → ApiVersions → authentication (SASL, for `SASL_*`). Only PLAINTEXT is
//! implemented; the other values fail at the security step with an error naming
//! `security.protocol`.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::messages::{ApiKey, ApiVersionsRequest, ApiVersionsResponse};
use kafka_protocol::protocol::{Message, Request, StrBytes, VersionRange};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::debug;

use super::error::codes;
use super::frame;
use super::{ConnectionConfig, GroupError, SecurityProtocol};

/// The byte stream under the Kafka protocol: TCP now, TLS over TCP later.
trait Transport: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Transport for T {}

type Pending = Arc<Mutex<PendingState>>;

/// Callers waiting for a response, by correlation id; once the connection has failed, why.
#[derive(Default)]
struct PendingState {
    waiting: HashMap<i32, oneshot::Sender<Bytes>>,
    failed: Option<String>,
}

impl PendingState {
    /// Marks the connection failed; dropping the senders wakes every waiting caller.
    fn fail(&mut self, reason: String) {
        if self.failed.is_none() {
            self.failed = Some(reason);
        }
        self.waiting.clear();
    }
}

/// The version ranges a broker announced in ApiVersions, by api key.
#[derive(Clone, Debug, Default)]
pub(crate) struct BrokerVersions(HashMap<i16, (i16, i16)>);

impl BrokerVersions {
    pub(crate) fn from_response(resp: &ApiVersionsResponse) -> BrokerVersions {
        BrokerVersions(
            resp.api_keys
                .iter()
                .map(|k| (k.api_key, (k.min_version, k.max_version)))
                .collect(),
        )
    }

    /// The highest version both sides speak.
    pub(crate) fn pick(
        &self,
        api: ApiKey,
        ours: VersionRange,
        addr: &str,
    ) -> Result<i16, GroupError> {
        let no_common = |broker: String| GroupError::NoCommonVersion {
            api: api_name(api),
            addr: addr.to_string(),
            client_min: ours.min,
            client_max: ours.max,
            broker,
        };
        let Some(&(min, max)) = self.0.get(&(api as i16)) else {
            return Err(no_common("does not offer it".into()));
        };
        let common = ours.intersect(&VersionRange { min, max });
        if common.is_empty() {
            return Err(no_common(format!("speaks {min}..={max}")));
        }
        Ok(common.max)
    }
}

/// A request's name for logs and errors.
pub(crate) fn api_name(api: ApiKey) -> &'static str {
    match api {
        ApiKey::ApiVersions => "ApiVersions",
        ApiKey::FindCoordinator => "FindCoordinator",
        ApiKey::JoinGroup => "JoinGroup",
        ApiKey::SyncGroup => "SyncGroup",
        ApiKey::Heartbeat => "Heartbeat",
        ApiKey::LeaveGroup => "LeaveGroup",
        ApiKey::SaslHandshake => "SaslHandshake",
        ApiKey::SaslAuthenticate => "SaslAuthenticate",
        _ => "request",
    }
}

fn api_key_of<R: Request>() -> Result<ApiKey, GroupError> {
    ApiKey::try_from(R::KEY).map_err(|_| GroupError::Protocol {
        addr: String::new(),
        message: format!("unknown api key {}", R::KEY),
    })
}

/// A connection to one broker, cheap to clone (clones share the socket). The socket closes
/// when the last clone is dropped.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

struct Inner {
    addr: String,
    client_id: String,
    next_correlation_id: AtomicI32,
    pending: Pending,
    outgoing: mpsc::UnboundedSender<Bytes>,
    versions: BrokerVersions,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("addr", &self.inner.addr)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Connects to `addr` (`host:port`), negotiates versions with ApiVersions and, once
    /// implemented, secures and authenticates the connection as `security.protocol` says.
    pub async fn open(addr: &str, config: &ConnectionConfig) -> Result<Connection, GroupError> {
        // Before any byte goes out: a TLS listener must not see a plaintext request.
        config.security_protocol.ensure_supported()?;
        let io_err = |source| GroupError::Io {
            addr: addr.to_string(),
            source,
        };
        let tcp = tokio::time::timeout(config.connect_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| {
                io_err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("connect timed out after {:?}", config.connect_timeout),
                ))
            })?
            .map_err(io_err)?;
        // Group requests are small and latency-bound.
        tcp.set_nodelay(true).map_err(io_err)?;
        let transport = secure_transport(tcp, config.security_protocol)?;
        let mut conn = Connection::start(addr, &config.client_id, transport);
        let versions = conn.api_versions(config.request_timeout).await?;
        debug!(broker = addr, apis = versions.0.len(), "connected");
        // Only this clone exists yet, so the versions can be set in place.
        if let Some(inner) = Arc::get_mut(&mut conn.inner) {
            inner.versions = versions;
        }
        authenticate(&conn, config.security_protocol).await?;
        Ok(conn)
    }

    /// Wraps a connected transport: spawns the writer (frames from one queue, so a caller
    /// dropped mid-request never leaves half a frame on the wire) and the reader (hands each
    /// response to the caller waiting on its correlation id).
    fn start<T: Transport>(addr: &str, client_id: &str, transport: T) -> Connection {
        let (mut read_half, mut write_half) = tokio::io::split(transport);
        let pending: Pending = Arc::default();
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Bytes>();

        let writer_pending = pending.clone();
        let writer_addr = addr.to_string();
        let writer = tokio::spawn(async move {
            while let Some(frame) = queue.recv().await {
                if let Err(e) = write_half.write_all(&frame).await {
                    debug!(broker = %writer_addr, error = %e, "write failed");
                    lock(&writer_pending).fail(format!("write failed: {e}"));
                    return;
                }
            }
            let _ = write_half.shutdown().await;
        });

        let reader_pending = pending.clone();
        let reader_addr = addr.to_string();
        let reader = tokio::spawn(async move {
            let reason = loop {
                match frame::read_frame(&mut read_half).await {
                    Ok(Some(frame)) => {
                        let Some(cid) = frame::correlation_id(&frame) else {
                            break "response shorter than its header".to_string();
                        };
                        let waiter = lock(&reader_pending).waiting.remove(&cid);
                        match waiter {
                            // The caller may have given up (timeout); that is fine.
                            Some(tx) => drop(tx.send(frame)),
                            None => {
                                debug!(broker = %reader_addr, correlation_id = cid, "response nobody waits for (timed out?)")
                            }
                        }
                    }
                    Ok(None) => break "closed by the broker".to_string(),
                    Err(e) => break format!("read failed: {e}"),
                }
            };
            debug!(broker = %reader_addr, %reason, "connection ended");
            lock(&reader_pending).fail(reason);
        });

        Connection {
            inner: Arc::new(Inner {
                addr: addr.to_string(),
                client_id: client_id.to_string(),
                next_correlation_id: AtomicI32::new(0),
                pending,
                outgoing,
                versions: BrokerVersions::default(),
                reader,
                writer,
            }),
        }
    }

    /// The broker address this connection goes to.
    pub fn addr(&self) -> &str {
        &self.inner.addr
    }

    /// Whether the connection has failed (closed, read or write error).
    pub fn is_failed(&self) -> bool {
        lock(&self.inner.pending).failed.is_some()
    }

    /// The version of `R` this connection uses: the highest both sides speak.
    pub fn version_of<R: Request>(&self) -> Result<i16, GroupError> {
        self.inner
            .versions
            .pick(api_key_of::<R>()?, R::VERSIONS, &self.inner.addr)
    }

    /// Sends `request` at the negotiated version and waits up to `timeout` for its response.
    pub async fn send<R: Request>(
        &self,
        request: &R,
        timeout: Duration,
    ) -> Result<R::Response, GroupError> {
        let version = self.version_of::<R>()?;
        self.send_version(request, version, timeout).await
    }

    /// Sends `request` at `version` (callers that fill version-dependent fields pick it first
    /// with [`Connection::version_of`]).
    pub async fn send_version<R: Request>(
        &self,
        request: &R,
        version: i16,
        timeout: Duration,
    ) -> Result<R::Response, GroupError> {
        let api = api_key_of::<R>()?;
        let frame = self.roundtrip(api, version, request, timeout).await?;
        frame::decode_response(api, version, frame).map_err(|message| self.protocol(message))
    }

    /// Writes one request and waits for the frame that answers it.
    async fn roundtrip<R: Request>(
        &self,
        api: ApiKey,
        version: i16,
        request: &R,
        timeout: Duration,
    ) -> Result<Bytes, GroupError> {
        let inner = &self.inner;
        // Wraps at i32::MAX; ids only need to be unique among requests in flight.
        let cid = inner.next_correlation_id.fetch_add(1, Ordering::Relaxed) & i32::MAX;
        let frame = frame::encode_request(api, version, cid, &inner.client_id, request)
            .map_err(|m| self.protocol(m))?;
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = lock(&inner.pending);
            if let Some(reason) = &pending.failed {
                return Err(self.disconnected(reason.clone()));
            }
            pending.waiting.insert(cid, tx);
        }
        debug!(broker = %inner.addr, api = api_name(api), version, correlation_id = cid, "request");
        if inner.outgoing.send(frame).is_err() {
            lock(&inner.pending).waiting.remove(&cid);
            return Err(self.disconnected("writer stopped".into()));
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(frame)) => Ok(frame),
            Ok(Err(_)) => {
                let reason = lock(&inner.pending)
                    .failed
                    .clone()
                    .unwrap_or_else(|| "connection dropped".into());
                Err(self.disconnected(reason))
            }
            Err(_) => {
                lock(&inner.pending).waiting.remove(&cid);
                Err(GroupError::Timeout {
                    api: api_name(api),
                    addr: inner.addr.clone(),
                    after: timeout,
                })
            }
        }
    }

    /// The first exchange on every connection. We ask at the highest version we know; a
    /// broker that does not know it answers UNSUPPORTED_VERSION in the v0 layout with its own
    /// ApiVersions range, and we ask again at the highest version of that.
    async fn api_versions(&self, timeout: Duration) -> Result<BrokerVersions, GroupError> {
        let request = ApiVersionsRequest::default()
            .with_client_software_name(StrBytes::from_static_str("polyconnect"))
            .with_client_software_version(StrBytes::from_static_str(env!("CARGO_PKG_VERSION")));
        let mut version = ApiVersionsRequest::VERSIONS.max;
        for _ in 0..2 {
            let frame = self
                .roundtrip(ApiKey::ApiVersions, version, &request, timeout)
                .await?;
            let layout =
                if frame::api_versions_error_code(&frame) == Some(codes::UNSUPPORTED_VERSION) {
                    0
                } else {
                    version
                };
            let resp: ApiVersionsResponse =
                frame::decode_response(ApiKey::ApiVersions, layout, frame)
                    .map_err(|m| self.protocol(m))?;
            match resp.error_code {
                codes::NONE => return Ok(BrokerVersions::from_response(&resp)),
                codes::UNSUPPORTED_VERSION => {
                    let theirs = BrokerVersions::from_response(&resp);
                    let retry = theirs.pick(
                        ApiKey::ApiVersions,
                        ApiVersionsRequest::VERSIONS,
                        self.addr(),
                    )?;
                    if retry == version {
                        break;
                    }
                    version = retry;
                }
                code => {
                    return Err(GroupError::Kafka {
                        api: "ApiVersions",
                        code,
                        message: None,
                    })
                }
            }
        }
        Err(self.protocol("ApiVersions version negotiation did not converge".into()))
    }

    fn protocol(&self, message: String) -> GroupError {
        GroupError::Protocol {
            addr: self.inner.addr.clone(),
            message,
        }
    }

    fn disconnected(&self, reason: String) -> GroupError {
        GroupError::Disconnected {
            addr: self.inner.addr.clone(),
            reason,
        }
    }
}

/// The transport-security step. TLS (tokio-rustls) goes here for `SSL` and `SASL_SSL`.
fn secure_transport(
    tcp: TcpStream,
    protocol: SecurityProtocol,
) -> Result<impl Transport, GroupError> {
    if protocol.uses_tls() {
        return Err(GroupError::UnsupportedSecurityProtocol(
            protocol.as_str().into(),
        ));
    }
    Ok(tcp)
}

/// The authentication step, after ApiVersions as Kafka requires: SaslHandshake and
/// SaslAuthenticate go here for `SASL_PLAINTEXT` and `SASL_SSL`.
async fn authenticate(_conn: &Connection, protocol: SecurityProtocol) -> Result<(), GroupError> {
    if protocol.uses_sasl() {
        return Err(GroupError::UnsupportedSecurityProtocol(
            protocol.as_str().into(),
        ));
    }
    Ok(())
}

/// The pending map's lock; a panic while holding it cannot leave the map inconsistent, so a
/// poisoned lock is used as is.
fn lock(p: &Pending) -> std::sync::MutexGuard<'_, PendingState> {
    p.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use bytes::BytesMut;
    use kafka_protocol::messages::api_versions_response::ApiVersion;
    use kafka_protocol::messages::{
        HeartbeatRequest, HeartbeatResponse, RequestHeader, ResponseHeader,
    };
    use kafka_protocol::protocol::{Decodable, Encodable};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// What the fake broker got: api key, version, correlation id, body.
    pub(crate) struct Received {
        pub api: ApiKey,
        pub version: i16,
        pub correlation_id: i32,
        pub body: Bytes,
    }

    pub(crate) async fn read_request(s: &mut TcpStream) -> Option<Received> {
        let mut size = [0u8; 4];
        s.read_exact(&mut size).await.ok()?;
        let mut buf = BytesMut::zeroed(i32::from_be_bytes(size) as usize);
        s.read_exact(&mut buf).await.ok()?;
        let mut buf = buf.freeze();
        let api = ApiKey::try_from(i16::from_be_bytes([buf[0], buf[1]])).ok()?;
        let version = i16::from_be_bytes([buf[2], buf[3]]);
        let header = RequestHeader::decode(&mut buf, api.request_header_version(version)).ok()?;
        Some(Received {
            api,
            version,
            correlation_id: header.correlation_id,
            body: buf,
        })
    }

    pub(crate) async fn write_response<R: Encodable>(
        s: &mut TcpStream,
        api: ApiKey,
        version: i16,
        cid: i32,
        body: &R,
    ) {
        let mut buf = BytesMut::new();
        buf.extend_from_slice(&[0; 4]);
        ResponseHeader::default()
            .with_correlation_id(cid)
            .encode(&mut buf, frame::response_header_version(api, version))
            .unwrap();
        body.encode(&mut buf, version).unwrap();
        let size = (buf.len() - 4) as i32;
        buf[..4].copy_from_slice(&size.to_be_bytes());
        s.write_all(&buf).await.unwrap();
    }

    /// Answers ApiVersions offering `heartbeat` versions of Heartbeat.
    pub(crate) async fn answer_api_versions(s: &mut TcpStream, heartbeat: (i16, i16)) {
        let r = read_request(s).await.unwrap();
        assert_eq!(r.api, ApiKey::ApiVersions);
        let resp = ApiVersionsResponse::default().with_api_keys(vec![
            ApiVersion::default()
                .with_api_key(ApiKey::ApiVersions as i16)
                .with_min_version(0)
                .with_max_version(4),
            ApiVersion::default()
                .with_api_key(ApiKey::Heartbeat as i16)
                .with_min_version(heartbeat.0)
                .with_max_version(heartbeat.1),
        ]);
        write_response(s, ApiKey::ApiVersions, r.version, r.correlation_id, &resp).await;
    }

    async fn fake_broker() -> (TcpListener, String) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap().to_string();
        (l, addr)
    }

    fn heartbeat(generation: i32) -> HeartbeatRequest {
        HeartbeatRequest::default()
            .with_group_id(StrBytes::from_static_str("g").into())
            .with_generation_id(generation)
            .with_member_id(StrBytes::from_static_str("m"))
    }

    #[tokio::test]
    async fn responses_out_of_order_reach_their_callers() {
        let (listener, addr) = fake_broker().await;
        let broker = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            answer_api_versions(&mut s, (0, 4)).await;
            let a = read_request(&mut s).await.unwrap();
            let b = read_request(&mut s).await.unwrap();
            assert_eq!(a.version, 4, "highest common version");
            assert_ne!(a.correlation_id, b.correlation_id);
            // Answer in reverse order; the error code echoes the generation asked about.
            for r in [b, a] {
                let mut body = r.body.clone();
                let req = HeartbeatRequest::decode(&mut body, r.version).unwrap();
                let resp = HeartbeatResponse::default().with_error_code(req.generation_id as i16);
                write_response(&mut s, r.api, r.version, r.correlation_id, &resp).await;
            }
        });
        let conn = Connection::open(&addr, &ConnectionConfig::default())
            .await
            .unwrap();
        assert_eq!(conn.version_of::<HeartbeatRequest>().unwrap(), 4);
        let t = Duration::from_secs(5);
        let first = heartbeat(11);
        let (a, b) = tokio::join!(conn.send(&first, t), async {
            // Make sure the first one is written first.
            tokio::time::sleep(Duration::from_millis(50)).await;
            conn.send(&heartbeat(22), t).await
        });
        assert_eq!(a.unwrap().error_code, 11);
        assert_eq!(b.unwrap().error_code, 22);
        broker.await.unwrap();
    }

    #[tokio::test]
    async fn no_common_version_is_a_clear_error() {
        let (listener, addr) = fake_broker().await;
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            answer_api_versions(&mut s, (5, 9)).await;
            let _ = read_request(&mut s).await;
        });
        let conn = Connection::open(&addr, &ConnectionConfig::default())
            .await
            .unwrap();
        let err = conn
            .send(&heartbeat(1), Duration::from_secs(1))
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, GroupError::NoCommonVersion { .. }), "{msg}");
        assert!(
            msg.contains("Heartbeat") && msg.contains("0..=4") && msg.contains("5..=9"),
            "{msg}"
        );
    }

    #[tokio::test]
    async fn unanswered_request_times_out_and_closed_connection_fails_waiters() {
        let (listener, addr) = fake_broker().await;
        let (close_tx, close_rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            answer_api_versions(&mut s, (0, 4)).await;
            let _ = read_request(&mut s).await; // never answered
            let _ = read_request(&mut s).await;
            let _ = close_rx.await;
            drop(s);
        });
        let conn = Connection::open(&addr, &ConnectionConfig::default())
            .await
            .unwrap();
        let err = conn
            .send(&heartbeat(1), Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Timeout {
                    api: "Heartbeat",
                    ..
                }
            ),
            "{err}"
        );
        let waiting = tokio::spawn({
            let conn = conn.clone();
            async move { conn.send(&heartbeat(2), Duration::from_secs(10)).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        close_tx.send(()).unwrap();
        let err = waiting.await.unwrap().unwrap_err();
        assert!(matches!(err, GroupError::Disconnected { .. }), "{err}");
        assert!(conn.is_failed());
        let err = conn
            .send(&heartbeat(3), Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(err.is_connection_error(), "{err}");
    }

    #[tokio::test]
    async fn api_versions_falls_back_when_the_broker_is_older() {
        let (listener, addr) = fake_broker().await;
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let r = read_request(&mut s).await.unwrap();
            assert_eq!(r.version, ApiVersionsRequest::VERSIONS.max);
            // An old broker: UNSUPPORTED_VERSION in the v0 layout, offering ApiVersions 0..=2.
            let resp = ApiVersionsResponse::default()
                .with_error_code(codes::UNSUPPORTED_VERSION)
                .with_api_keys(vec![ApiVersion::default()
                    .with_api_key(ApiKey::ApiVersions as i16)
                    .with_min_version(0)
                    .with_max_version(2)]);
            write_response(&mut s, ApiKey::ApiVersions, 0, r.correlation_id, &resp).await;
            let r = read_request(&mut s).await.unwrap();
            assert_eq!(r.version, 2);
            let resp = ApiVersionsResponse::default().with_api_keys(vec![ApiVersion::default()
                .with_api_key(ApiKey::Heartbeat as i16)
                .with_min_version(0)
                .with_max_version(3)]);
            write_response(&mut s, ApiKey::ApiVersions, 2, r.correlation_id, &resp).await;
            let _ = read_request(&mut s).await;
        });
        let conn = Connection::open(&addr, &ConnectionConfig::default())
            .await
            .unwrap();
        assert_eq!(conn.version_of::<HeartbeatRequest>().unwrap(), 3);
    }

    #[tokio::test]
    async fn tls_and_sasl_fail_before_connecting() {
        for p in [
            SecurityProtocol::Ssl,
            SecurityProtocol::SaslPlaintext,
            SecurityProtocol::SaslSsl,
        ] {
            let config = ConnectionConfig {
                security_protocol: p,
                ..ConnectionConfig::default()
            };
            // Nothing listens there: the error must come before the connect.
            let err = Connection::open("127.0.0.1:1", &config).await.unwrap_err();
            assert!(err.to_string().contains("security.protocol"), "{err}");
        }
    }

    #[test]
    fn version_pick_is_the_highest_common() {
        let mut v = BrokerVersions::default();
        v.0.insert(ApiKey::JoinGroup as i16, (2, 9));
        let ours = VersionRange { min: 0, max: 9 };
        assert_eq!(v.pick(ApiKey::JoinGroup, ours, "b").unwrap(), 9);
        assert_eq!(
            v.pick(ApiKey::JoinGroup, VersionRange { min: 0, max: 7 }, "b")
                .unwrap(),
            7
        );
        assert!(v
            .pick(ApiKey::JoinGroup, VersionRange { min: 0, max: 1 }, "b")
            .is_err());
        assert!(v.pick(ApiKey::SyncGroup, ours, "b").is_err());
    }
}
