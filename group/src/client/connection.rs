//! One connection to one broker: requests go out with fresh correlation ids, responses are
//! matched back to their callers by correlation id, so several requests (a heartbeat and a
//! JoinGroup, say) can be in flight on one connection.
//!
//! Opening a connection is a sequence of steps, the same for the bootstrap servers and the
//! coordinator: TCP connect → TLS (for `SSL` / `SASL_SSL`) → reader and writer tasks →
//! ApiVersions → SASL (for `SASL_*`: SaslHandshake, then SaslAuthenticate rounds). A broker
//! that gives the session a lifetime (KIP-368, `connections.max.reauth.ms`) gets the same
//! SASL exchange again on the same connection before it ends; no other request is written
//! while it runs.
//!
//! A refusal (TLS or SASL) is [`GroupError::Authentication`], which the member does not
//! retry; a broker that cannot be reached stays a connection error, which it does.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use kafka_protocol::messages::{
    ApiKey, ApiVersionsRequest, ApiVersionsResponse, SaslAuthenticateRequest,
    SaslAuthenticateResponse, SaslHandshakeRequest,
};
use kafka_protocol::protocol::{Message, Request, StrBytes, VersionRange};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, RwLock};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::config::split_host_port;
use super::error::codes;
use super::frame;
use super::sasl::{oauthbearer_initial, plain_message, ScramClient};
use super::{ConnectionConfig, GroupError, SaslConfig};

/// The byte stream under the Kafka protocol: TCP, or TLS over TCP.
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
    /// Held shared while a request is queued, exclusively while a re-authentication runs,
    /// so that no other request reaches the broker in the middle of a SASL exchange.
    gate: RwLock<()>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
    reauth: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
        if let Some(h) = self.reauth.lock().unwrap_or_else(|e| e.into_inner()).take() {
            h.abort();
        }
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
    /// Connects to `addr` (`host:port`), secures the connection as `security.protocol`
    /// says, negotiates versions with ApiVersions and authenticates.
    pub async fn open(addr: &str, config: &ConnectionConfig) -> Result<Connection, GroupError> {
        let io_err = |source| GroupError::Io {
            addr: addr.to_string(),
            source,
        };
        let timed_out = |what: &str| {
            io_err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("{what} timed out after {:?}", config.connect_timeout),
            ))
        };
        let tcp = tokio::time::timeout(config.connect_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| timed_out("connect"))?
            .map_err(io_err)?;
        // Group requests are small and latency-bound.
        tcp.set_nodelay(true).map_err(io_err)?;
        let protocol = config.security_protocol;
        let mut conn = if protocol.uses_tls() {
            let host = split_host_port(addr).map(|(h, _)| h).unwrap_or(addr);
            let tls = tokio::time::timeout(
                config.connect_timeout,
                config.tls.handshake(tcp, host, addr),
            )
            .await
            .map_err(|_| timed_out("TLS handshake"))??;
            Connection::start(addr, &config.client_id, tls)
        } else {
            Connection::start(addr, &config.client_id, tcp)
        };
        let versions = match conn.api_versions(config.request_timeout).await {
            Ok(v) => v,
            // With TLS 1.3 the broker's refusal of a client certificate arrives as an alert
            // on the first read, after the handshake looked complete.
            Err(GroupError::Disconnected { reason, .. })
                if protocol.uses_tls() && reason.contains(" alert ") =>
            {
                return Err(GroupError::Authentication {
                    addr: addr.to_string(),
                    message: format!("TLS refused by the broker: {reason}"),
                });
            }
            Err(e) => return Err(e),
        };
        debug!(broker = addr, apis = versions.0.len(), %protocol, "connected");
        // Only this clone exists yet, so the versions can be set in place.
        if let Some(inner) = Arc::get_mut(&mut conn.inner) {
            inner.versions = versions;
        }
        if protocol.uses_sasl() {
            let sasl = config.sasl.as_ref().ok_or_else(|| {
                GroupError::Config(format!(
                    "security.protocol={protocol} needs sasl.mechanism and sasl.jaas.config"
                ))
            })?;
            let lifetime = authenticate(&conn, sasl, config.request_timeout, false).await?;
            if let Some(lifetime) = lifetime {
                let task = tokio::spawn(reauthenticate(
                    Arc::downgrade(&conn.inner),
                    sasl.clone(),
                    config.request_timeout,
                    lifetime,
                ));
                *conn.inner.reauth.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
            }
        }
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
                gate: RwLock::new(()),
                reader,
                writer,
                reauth: Mutex::new(None),
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
        self.exchange(request, version, timeout, true).await
    }

    /// One request and its decoded response; `gated`: wait while a re-authentication runs
    /// (which itself sends ungated).
    async fn exchange<R: Request>(
        &self,
        request: &R,
        version: i16,
        timeout: Duration,
        gated: bool,
    ) -> Result<R::Response, GroupError> {
        let api = api_key_of::<R>()?;
        let frame = self
            .roundtrip(api, version, request, timeout, gated)
            .await?;
        frame::decode_response(api, version, frame).map_err(|message| self.protocol(message))
    }

    /// Writes one request and waits for the frame that answers it.
    async fn roundtrip<R: Request>(
        &self,
        api: ApiKey,
        version: i16,
        request: &R,
        timeout: Duration,
        gated: bool,
    ) -> Result<Bytes, GroupError> {
        let inner = &self.inner;
        // Wraps at i32::MAX; ids only need to be unique among requests in flight.
        let cid = inner.next_correlation_id.fetch_add(1, Ordering::Relaxed) & i32::MAX;
        let frame = frame::encode_request(api, version, cid, &inner.client_id, request)
            .map_err(|m| self.protocol(m))?;
        let (tx, rx) = oneshot::channel();
        let _gate = match gated {
            true => Some(inner.gate.read().await),
            false => None,
        };
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
        drop(_gate);
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
                .roundtrip(ApiKey::ApiVersions, version, &request, timeout, true)
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

/// Opens one connection to the first of `servers` that answers, to check before anything
/// else that this client may connect at all: an [`GroupError::Authentication`] or
/// [`GroupError::Config`] error comes back at once, a server that cannot be reached is
/// skipped (and the last such error returned if none can).
pub async fn probe(servers: &[String], config: &ConnectionConfig) -> Result<(), GroupError> {
    let mut last = GroupError::Config("bootstrap.servers is empty".into());
    for addr in servers {
        match Connection::open(addr, config).await {
            Ok(_) => return Ok(()),
            Err(e) if e.is_connection_error() => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// The SASL exchange after ApiVersions (and again for a re-authentication): SaslHandshake
/// names the mechanism, SaslAuthenticate carries its messages. Returns the session's
/// lifetime when the broker gives one (KIP-368).
async fn authenticate(
    conn: &Connection,
    sasl: &SaslConfig,
    timeout: Duration,
    reauth: bool,
) -> Result<Option<Duration>, GroupError> {
    let addr = conn.addr().to_string();
    let refused = |message: String| GroupError::Authentication {
        addr: addr.clone(),
        message,
    };
    let mechanism = sasl.mechanism();
    let version = conn.version_of::<SaslHandshakeRequest>()?;
    if version < 1 {
        return Err(conn.protocol(
            "the broker offers only SaslHandshake v0 (raw SASL frames), which this client does not speak".into(),
        ));
    }
    let handshake =
        SaslHandshakeRequest::default().with_mechanism(StrBytes::from_static_str(mechanism));
    let resp = conn.exchange(&handshake, version, timeout, !reauth).await?;
    match resp.error_code {
        codes::NONE => {}
        codes::UNSUPPORTED_SASL_MECHANISM => {
            let enabled: Vec<String> = resp.mechanisms.iter().map(|m| m.to_string()).collect();
            return Err(refused(format!(
                "the listener does not enable SASL mechanism {mechanism} (it enables {})",
                enabled.join(", ")
            )));
        }
        code => {
            return Err(refused(format!(
                "SaslHandshake for {mechanism} failed: {}",
                super::error_name(code)
            )))
        }
    }
    let version = conn.version_of::<SaslAuthenticateRequest>()?;
    let step = |bytes: Vec<u8>| {
        let request = SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from(bytes));
        async move {
            let resp: SaslAuthenticateResponse =
                conn.exchange(&request, version, timeout, !reauth).await?;
            Ok::<_, GroupError>(resp)
        }
    };
    let failed = |resp: &SaslAuthenticateResponse| {
        let why = resp
            .error_message
            .as_deref()
            .map(|m| m.to_string())
            .unwrap_or_else(|| super::error_name(resp.error_code));
        GroupError::Authentication {
            addr: addr.clone(),
            message: format!("SASL {mechanism} authentication failed: {why}"),
        }
    };
    let last = match sasl {
        SaslConfig::Plain { username, password } => {
            let resp = step(plain_message(username, password)).await?;
            if resp.error_code != codes::NONE {
                return Err(failed(&resp));
            }
            resp
        }
        SaslConfig::Scram {
            mechanism: m,
            username,
            password,
        } => {
            let mut scram = ScramClient::new(*m, username, password);
            let resp = step(scram.first()).await?;
            if resp.error_code != codes::NONE {
                return Err(failed(&resp));
            }
            let fin = scram
                .final_message(&resp.auth_bytes)
                .map_err(|e| refused(format!("SASL {mechanism}: {e}")))?;
            let resp = step(fin).await?;
            if resp.error_code != codes::NONE {
                return Err(failed(&resp));
            }
            scram
                .verify_server(&resp.auth_bytes)
                .map_err(|e| refused(format!("SASL {mechanism}: {e}")))?;
            resp
        }
        SaslConfig::OAuthBearerUnsecured(_) | SaslConfig::OAuthBearer(_) => {
            let (token, extensions) = match sasl {
                SaslConfig::OAuthBearerUnsecured(jwt) => {
                    (jwt.token(SystemTime::now()), &jwt.extensions)
                }
                SaslConfig::OAuthBearer(c) => (
                    c.token()
                        .await
                        .map_err(|e| refused(format!("SASL OAUTHBEARER: {e}")))?,
                    &c.extensions,
                ),
                _ => unreachable!(),
            };
            let resp = step(oauthbearer_initial(&token, extensions)).await?;
            if resp.error_code != codes::NONE {
                return Err(failed(&resp));
            }
            if !resp.auth_bytes.is_empty() {
                // RFC 7628 3.2.2: the server's error challenge (JSON), answered with a
                // lone 0x01 before it fails the exchange.
                let challenge = String::from_utf8_lossy(&resp.auth_bytes).to_string();
                let resp = step(vec![0x01]).await?;
                let why = resp
                    .error_message
                    .as_deref()
                    .map(|m| m.to_string())
                    .unwrap_or_default();
                return Err(refused(format!(
                    "SASL OAUTHBEARER authentication failed: {challenge} {why}"
                )));
            }
            resp
        }
    };
    let lifetime = (last.session_lifetime_ms > 0)
        .then(|| Duration::from_millis(last.session_lifetime_ms as u64));
    debug!(broker = %addr, mechanism, reauth, ?lifetime, "authenticated");
    Ok(lifetime)
}

/// Re-authenticates before each session lifetime ends (at 85 to 95% of it, as Kafka's Java
/// client), holding the gate so that no other request is written meanwhile. A failure marks
/// the connection failed: its users then open a new one, which authenticates from scratch.
async fn reauthenticate(
    inner: Weak<Inner>,
    sasl: SaslConfig,
    timeout: Duration,
    mut lifetime: Duration,
) {
    loop {
        let mut r = [0u8; 1];
        let _ = openssl::rand::rand_bytes(&mut r);
        let fraction = 0.85 + 0.10 * f64::from(r[0]) / 255.0;
        tokio::time::sleep(lifetime.mul_f64(fraction)).await;
        let Some(inner) = inner.upgrade() else { return };
        let conn = Connection { inner };
        let result = {
            let _exclusive = conn.inner.gate.write().await;
            authenticate(&conn, &sasl, timeout, true).await
        };
        match result {
            Ok(Some(next)) => {
                debug!(broker = %conn.addr(), lifetime = ?next, "re-authenticated");
                lifetime = next;
            }
            Ok(None) => {
                info!(broker = %conn.addr(), "re-authenticated; the broker sets no new session lifetime");
                return;
            }
            Err(e) => {
                warn!(broker = %conn.addr(), error = %e, "re-authentication failed; the connection is dropped");
                lock(&conn.inner.pending).fail(format!("re-authentication failed: {e}"));
                conn.inner.writer.abort();
                return;
            }
        }
    }
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

    /// Answers ApiVersions offering Heartbeat, SaslHandshake and SaslAuthenticate.
    async fn answer_api_versions_with_sasl(s: &mut TcpStream) {
        let r = read_request(s).await.unwrap();
        assert_eq!(r.api, ApiKey::ApiVersions);
        let api = |k: ApiKey, max: i16| {
            ApiVersion::default()
                .with_api_key(k as i16)
                .with_min_version(0)
                .with_max_version(max)
        };
        let resp = ApiVersionsResponse::default().with_api_keys(vec![
            api(ApiKey::ApiVersions, 4),
            api(ApiKey::Heartbeat, 4),
            api(ApiKey::SaslHandshake, 1),
            api(ApiKey::SaslAuthenticate, 2),
        ]);
        write_response(s, ApiKey::ApiVersions, r.version, r.correlation_id, &resp).await;
    }

    /// Reads a SaslHandshake, checks its mechanism and answers `code`.
    async fn answer_handshake(s: &mut TcpStream, mechanism: &str, code: i16) {
        let r = read_request(s).await.unwrap();
        assert_eq!((r.api, r.version), (ApiKey::SaslHandshake, 1));
        let req = SaslHandshakeRequest::decode(&mut r.body.clone(), r.version).unwrap();
        assert_eq!(req.mechanism.as_str(), mechanism);
        let resp = kafka_protocol::messages::SaslHandshakeResponse::default()
            .with_error_code(code)
            .with_mechanisms(vec![StrBytes::from_static_str("PLAIN")]);
        write_response(s, r.api, r.version, r.correlation_id, &resp).await;
    }

    /// Reads a SaslAuthenticate; returns its bytes and what is needed to answer it.
    async fn read_authenticate(s: &mut TcpStream) -> (Bytes, i16, i32) {
        let r = read_request(s).await.unwrap();
        assert_eq!((r.api, r.version), (ApiKey::SaslAuthenticate, 2));
        let req = SaslAuthenticateRequest::decode(&mut r.body.clone(), r.version).unwrap();
        (req.auth_bytes, r.version, r.correlation_id)
    }

    async fn answer_authenticate(
        s: &mut TcpStream,
        v: i16,
        cid: i32,
        resp: SaslAuthenticateResponse,
    ) {
        write_response(s, ApiKey::SaslAuthenticate, v, cid, &resp).await;
    }

    fn sasl_config(sasl: SaslConfig) -> ConnectionConfig {
        ConnectionConfig {
            security_protocol: super::super::SecurityProtocol::SaslPlaintext,
            sasl: Some(sasl),
            ..ConnectionConfig::default()
        }
    }

    /// The server's side of SCRAM-SHA-256 for `password`, written out from RFC 5802:
    /// checks the client's proof and returns the server's signature.
    fn scram_server(password: &str, salt: &[u8], auth_message: &str, proof: &[u8]) -> Vec<u8> {
        use openssl::hash::{hash, MessageDigest};
        use openssl::sign::Signer;
        let md = MessageDigest::sha256();
        let hmac = |key: &[u8], data: &[u8]| {
            let k = openssl::pkey::PKey::hmac(key).unwrap();
            let mut s = Signer::new(md, &k).unwrap();
            s.update(data).unwrap();
            s.sign_to_vec().unwrap()
        };
        let mut salted = [0u8; 32];
        openssl::pkcs5::pbkdf2_hmac(password.as_bytes(), salt, 4096, md, &mut salted).unwrap();
        let stored = hash(md, &hmac(&salted, b"Client Key")).unwrap();
        let signature = hmac(&stored, auth_message.as_bytes());
        let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(a, b)| a ^ b).collect();
        assert_eq!(
            &*hash(md, &client_key).unwrap(),
            &*stored,
            "the client's proof is right"
        );
        hmac(&hmac(&salted, b"Server Key"), auth_message.as_bytes())
    }

    #[tokio::test]
    async fn scram_exchange_is_framed_as_kafka_expects() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let (listener, addr) = fake_broker().await;
        let broker = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            answer_api_versions_with_sasl(&mut s).await;
            answer_handshake(&mut s, "SCRAM-SHA-256", codes::NONE).await;
            let (first, v, cid) = read_authenticate(&mut s).await;
            let first = String::from_utf8(first.to_vec()).unwrap();
            let bare = first.strip_prefix("n,,").expect("GS2 header").to_string();
            assert!(bare.starts_with("n=connect,r="), "{bare}");
            let nonce = format!("{}srv", &bare["n=connect,r=".len()..]);
            let server_first = format!("r={nonce},s={},i=4096", b64.encode(b"salt"));
            answer_authenticate(
                &mut s,
                v,
                cid,
                SaslAuthenticateResponse::default()
                    .with_auth_bytes(Bytes::from(server_first.clone())),
            )
            .await;
            let (fin, v, cid) = read_authenticate(&mut s).await;
            let fin = String::from_utf8(fin.to_vec()).unwrap();
            let (without_proof, proof) = fin.split_once(",p=").unwrap();
            assert_eq!(without_proof, format!("c=biws,r={nonce}"));
            let auth_message = format!("{bare},{server_first},{without_proof}");
            let sig = scram_server("pw", b"salt", &auth_message, &b64.decode(proof).unwrap());
            answer_authenticate(
                &mut s,
                v,
                cid,
                SaslAuthenticateResponse::default()
                    .with_auth_bytes(Bytes::from(format!("v={}", b64.encode(sig)))),
            )
            .await;
            // Then ordinary requests.
            let r = read_request(&mut s).await.unwrap();
            assert_eq!(r.api, ApiKey::Heartbeat);
            write_response(
                &mut s,
                r.api,
                r.version,
                r.correlation_id,
                &HeartbeatResponse::default(),
            )
            .await;
        });
        let config = sasl_config(SaslConfig::Scram {
            mechanism: super::super::ScramMechanism::Sha256,
            username: "connect".into(),
            password: "pw".into(),
        });
        let conn = Connection::open(&addr, &config).await.unwrap();
        let r = conn
            .send(&heartbeat(1), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(r.error_code, 0);
        broker.await.unwrap();
    }

    #[tokio::test]
    async fn a_refused_password_is_an_authentication_error_naming_the_cause() {
        let (listener, addr) = fake_broker().await;
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            answer_api_versions_with_sasl(&mut s).await;
            answer_handshake(&mut s, "PLAIN", codes::NONE).await;
            let (bytes, v, cid) = read_authenticate(&mut s).await;
            assert_eq!(&bytes[..], b"\0connect\0not-the-password");
            let resp = SaslAuthenticateResponse::default()
                .with_error_code(58)
                .with_error_message(Some(StrBytes::from_static_str(
                    "Authentication failed: Invalid username or password",
                )));
            answer_authenticate(&mut s, v, cid, resp).await;
            let _ = read_request(&mut s).await;
        });
        let config = sasl_config(SaslConfig::Plain {
            username: "connect".into(),
            password: "not-the-password".into(),
        });
        let err = Connection::open(&addr, &config).await.unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, GroupError::Authentication { .. }), "{msg}");
        assert!(!err.is_connection_error(), "not retried");
        assert!(
            msg.contains("SASL PLAIN authentication failed: Authentication failed: Invalid username or password"),
            "{msg}"
        );
        assert!(!msg.contains("not-the-password"), "{msg}");
    }

    #[tokio::test]
    async fn a_mechanism_the_listener_lacks_is_named_with_those_it_has() {
        let (listener, addr) = fake_broker().await;
        tokio::spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                answer_api_versions_with_sasl(&mut s).await;
                answer_handshake(&mut s, "SCRAM-SHA-512", codes::UNSUPPORTED_SASL_MECHANISM).await;
            }
        });
        let config = sasl_config(SaslConfig::Scram {
            mechanism: super::super::ScramMechanism::Sha512,
            username: "u".into(),
            password: "p".into(),
        });
        let err = Connection::open(&addr, &config).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("does not enable SASL mechanism SCRAM-SHA-512 (it enables PLAIN)"),
            "{err}"
        );
        // probe skips a server that cannot be reached and stops at a refusal.
        let dead = fake_broker().await.1;
        let err = probe(&[dead.clone(), addr.clone()], &config)
            .await
            .unwrap_err();
        assert!(matches!(err, GroupError::Authentication { .. }), "{err}");
        let err = probe(&[dead], &config).await.unwrap_err();
        assert!(err.is_connection_error(), "{err}");
    }

    #[tokio::test]
    async fn the_session_is_renewed_before_its_lifetime_ends() {
        let (listener, addr) = fake_broker().await;
        let (done_tx, mut done) = oneshot::channel();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            answer_api_versions_with_sasl(&mut s).await;
            let mut authentications = 0;
            let mut done_tx = Some(done_tx);
            loop {
                // Kept open after the third authentication, so a heartbeat in flight is
                // answered rather than cut off; the client closes it.
                let Some(r) = read_request(&mut s).await else {
                    return;
                };
                match r.api {
                    ApiKey::Heartbeat => {
                        let resp = HeartbeatResponse::default();
                        write_response(&mut s, r.api, r.version, r.correlation_id, &resp).await;
                    }
                    ApiKey::SaslHandshake => {
                        let resp = kafka_protocol::messages::SaslHandshakeResponse::default();
                        write_response(&mut s, r.api, r.version, r.correlation_id, &resp).await;
                        // Nothing else between the handshake and the authentication.
                        let (bytes, v, cid) = read_authenticate(&mut s).await;
                        assert_eq!(&bytes[..], b"\0u\0p");
                        authentications += 1;
                        // 300 ms sessions (connections.max.reauth.ms).
                        let resp =
                            SaslAuthenticateResponse::default().with_session_lifetime_ms(300);
                        answer_authenticate(&mut s, v, cid, resp).await;
                        if authentications == 3 {
                            if let Some(tx) = done_tx.take() {
                                let _ = tx.send(());
                            }
                        }
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
        });
        let config = sasl_config(SaslConfig::Plain {
            username: "u".into(),
            password: "p".into(),
        });
        let conn = Connection::open(&addr, &config).await.unwrap();
        // Heartbeats all along; two re-authentications come between them.
        let beat = heartbeat(1);
        loop {
            tokio::select! {
                _ = &mut done => break,
                r = conn.send(&beat, Duration::from_secs(10)) => {
                    r.unwrap();
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
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
