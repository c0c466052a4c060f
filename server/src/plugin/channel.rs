//! gRPC channels to connector processes, over TCP (with TLS for `https://` endpoints,
//! `tls.rs`) or a unix socket, with the token.

use std::path::PathBuf;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use polyconnect_proto::v1::{
    connector_client::ConnectorClient, converter_client::ConverterClient,
    sink_task_client::SinkTaskClient, source_task_client::SourceTaskClient,
    transform_client::TransformClient,
};
use tonic::metadata::MetadataValue;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint, Uri};

use super::tls::{self, FailureSlot, TlsSettings};

/// Where a connector process listens.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Tcp {
        uri: String,
        /// `connector.endpoint.token`: sent as the process's `POLYCONNECT_TOKEN` expects.
        token: Option<String>,
        /// Set for `https://` endpoints.
        tls: Option<TlsSettings>,
    },
    Unix {
        path: PathBuf,
        token: Option<String>,
        /// Changes every time the supervisor restarts the process.
        generation: u64,
    },
}

impl Target {
    /// From `connector.endpoint`: `host:port`, `http://host:port` or `unix:/path`.
    pub fn parse_endpoint(s: &str) -> Result<Target, String> {
        if let Some(path) = s.strip_prefix("unix:") {
            let path = path.trim_start_matches("//");
            if path.is_empty() {
                return Err(format!(
                    "invalid connector.endpoint '{s}': empty socket path"
                ));
            }
            return Ok(Target::Unix {
                path: PathBuf::from(path),
                token: None,
                generation: 0,
            });
        }
        let uri = if s.starts_with("http://") || s.starts_with("https://") {
            s.to_string()
        } else {
            format!("http://{s}")
        };
        uri.parse::<Uri>()
            .map_err(|e| format!("invalid connector.endpoint '{s}': {e}"))?;
        Ok(Target::Tcp {
            uri,
            token: None,
            tls: None,
        })
    }

    /// Whether the endpoint was written `https://...`.
    pub fn is_https(&self) -> bool {
        matches!(self, Target::Tcp { uri, .. } if uri.starts_with("https://"))
    }

    /// The TLS settings of an `https://` endpoint.
    pub fn with_tls(self, settings: TlsSettings) -> Target {
        match self {
            Target::Tcp { uri, token, .. } => Target::Tcp {
                uri,
                token,
                tls: Some(settings),
            },
            unix => unix,
        }
    }

    /// The token every call carries (`authorization: Bearer <token>`).
    pub fn with_token(self, new: Option<String>) -> Target {
        match self {
            Target::Tcp { uri, tls, .. } => Target::Tcp {
                uri,
                token: new,
                tls,
            },
            Target::Unix {
                path, generation, ..
            } => Target::Unix {
                path,
                token: new,
                generation,
            },
        }
    }

    /// Where it points, for the allow-list: a host (name or address), or a socket path.
    fn place(&self) -> Place {
        match self {
            Target::Unix { path, .. } => Place::Socket(path.clone()),
            Target::Tcp { uri, .. } => {
                let host = uri
                    .parse::<Uri>()
                    .ok()
                    .and_then(|u| u.host().map(|h| h.trim_matches(['[', ']']).to_string()))
                    .unwrap_or_default();
                match host.parse::<std::net::IpAddr>() {
                    Ok(ip) => Place::Ip(ip),
                    Err(_) => Place::Host(host.to_ascii_lowercase()),
                }
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Target::Tcp { uri, .. } => uri.clone(),
            Target::Unix { path, .. } => format!("unix:{}", path.display()),
        }
    }

    fn token(&self) -> Option<&str> {
        match self {
            Target::Unix { token, .. } | Target::Tcp { token, .. } => token.as_deref(),
        }
    }
}

enum Place {
    Ip(std::net::IpAddr),
    Host(String),
    Socket(PathBuf),
}

/// `polyconnect.connector.endpoint.allowlist`: where `connector.endpoint` may point.
/// Entries: a host name (`connectors.internal`, or `*.connectors.internal` for its
/// subdomains), an address or a CIDR block (`10.0.0.0/8`, `fd00::/8`), or `unix:` and a
/// directory for sockets under it. A host name endpoint must be listed by name (it is not
/// resolved to be checked against blocks, so DNS cannot move it).
#[derive(Debug, Clone, PartialEq)]
pub enum AllowEntry {
    Host(String),
    Suffix(String),
    Block(std::net::IpAddr, u8),
    Sockets(PathBuf),
}

impl AllowEntry {
    pub fn parse(s: &str) -> Result<AllowEntry, String> {
        let s = s.trim();
        if let Some(dir) = s.strip_prefix("unix:") {
            if !dir.starts_with('/') {
                return Err(format!("'{s}': a unix: entry needs an absolute directory"));
            }
            return Ok(AllowEntry::Sockets(PathBuf::from(dir)));
        }
        if let Some((ip, bits)) = s.split_once('/') {
            let ip: std::net::IpAddr = ip
                .parse()
                .map_err(|_| format!("'{s}': not an address/prefix block"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("'{s}': the prefix length must be 0 to {max}"))?;
            return Ok(AllowEntry::Block(ip, bits));
        }
        if let Ok(ip) = s.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
            return Ok(AllowEntry::Block(ip, if ip.is_ipv4() { 32 } else { 128 }));
        }
        if let Some(suffix) = s.strip_prefix("*.") {
            return Ok(AllowEntry::Suffix(format!(
                ".{}",
                suffix.to_ascii_lowercase()
            )));
        }
        if s.is_empty() || s.contains(['/', ':', '*']) {
            return Err(format!(
                "'{s}': not a host name, address, block or unix: directory"
            ));
        }
        Ok(AllowEntry::Host(s.to_ascii_lowercase()))
    }

    fn allows(&self, place: &Place) -> bool {
        match (self, place) {
            (AllowEntry::Host(h), Place::Host(p)) => h == p,
            (AllowEntry::Suffix(sfx), Place::Host(p)) => p.ends_with(sfx.as_str()),
            (AllowEntry::Block(net, bits), Place::Ip(ip)) => in_block(*net, *bits, *ip),
            (AllowEntry::Sockets(dir), Place::Socket(path)) => {
                // `..` cannot climb out: compared component by component after normalizing.
                let mut norm = PathBuf::new();
                for c in path.components() {
                    match c {
                        std::path::Component::ParentDir => {
                            norm.pop();
                        }
                        std::path::Component::CurDir => {}
                        other => norm.push(other.as_os_str()),
                    }
                }
                norm.starts_with(dir)
            }
            _ => false,
        }
    }
}

fn in_block(net: std::net::IpAddr, bits: u8, ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    let (net, ip, width) = match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => (u32::from(n) as u128, u32::from(i) as u128, 32u32),
        (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128u32),
        (IpAddr::V6(n), IpAddr::V4(i)) => (u128::from(n), u128::from(i.to_ipv6_mapped()), 128),
        (IpAddr::V4(n), IpAddr::V6(i)) => match i.to_ipv4_mapped() {
            Some(i) => (u32::from(n) as u128, u32::from(i) as u128, 32),
            None => return false,
        },
    };
    let bits = u32::from(bits).min(width);
    if bits == 0 {
        return true;
    }
    let shift = width - bits;
    (net >> shift) == (ip >> shift)
}

/// Whether `target` may be reached under `allowlist` (None: no list, anything goes).
pub fn check_allowed(allowlist: Option<&[AllowEntry]>, target: &Target) -> Result<(), String> {
    let Some(list) = allowlist else {
        return Ok(());
    };
    let place = target.place();
    if list.iter().any(|e| e.allows(&place)) {
        Ok(())
    } else {
        Err(format!(
            "connector.endpoint {} is not allowed: it matches no entry of polyconnect.connector.endpoint.allowlist",
            target.describe()
        ))
    }
}

/// Adds `authorization: Bearer <token>` to every call when the process was given a token.
#[derive(Clone)]
pub struct Auth {
    header: Option<MetadataValue<tonic::metadata::Ascii>>,
}

impl tonic::service::Interceptor for Auth {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(h) = &self.header {
            req.metadata_mut().insert("authorization", h.clone());
        }
        Ok(req)
    }
}

pub type AuthChannel = InterceptedService<Channel, Auth>;

/// A connected channel; clients built from it share one HTTP/2 connection.
#[derive(Clone)]
pub struct Conn {
    channel: Channel,
    auth: Auth,
    /// The first TLS failure of an `https://` endpoint's connections.
    tls_failure: Option<FailureSlot>,
}

impl Conn {
    /// Why TLS failed, when it did: a call that failed on it is not worth retrying.
    pub fn tls_failure(&self) -> Option<String> {
        self.tls_failure
            .as_ref()
            .and_then(|s| s.lock().unwrap().clone())
    }

    pub fn connector_client(&self, max_bytes: usize) -> ConnectorClient<AuthChannel> {
        ConnectorClient::with_interceptor(self.channel.clone(), self.auth.clone())
            .max_decoding_message_size(max_bytes)
            .max_encoding_message_size(max_bytes)
    }

    pub fn source_client(&self, max_bytes: usize) -> SourceTaskClient<AuthChannel> {
        SourceTaskClient::with_interceptor(self.channel.clone(), self.auth.clone())
            .max_decoding_message_size(max_bytes)
            .max_encoding_message_size(max_bytes)
    }

    pub fn converter_client(&self, max_bytes: usize) -> ConverterClient<AuthChannel> {
        ConverterClient::with_interceptor(self.channel.clone(), self.auth.clone())
            .max_decoding_message_size(max_bytes)
            .max_encoding_message_size(max_bytes)
    }

    pub fn transform_client(&self, max_bytes: usize) -> TransformClient<AuthChannel> {
        TransformClient::with_interceptor(self.channel.clone(), self.auth.clone())
            .max_decoding_message_size(max_bytes)
            .max_encoding_message_size(max_bytes)
    }

    pub fn sink_client(&self, max_bytes: usize) -> SinkTaskClient<AuthChannel> {
        SinkTaskClient::with_interceptor(self.channel.clone(), self.auth.clone())
            .max_decoding_message_size(max_bytes)
            .max_encoding_message_size(max_bytes)
    }

    /// The sink stream's client: a plain gRPC client, since the sink stream sends its
    /// requests with its own codec (`streams::SinkCodec`).
    pub fn sink_grpc(&self, max_bytes: usize) -> tonic::client::Grpc<AuthChannel> {
        tonic::client::Grpc::new(InterceptedService::new(
            self.channel.clone(),
            self.auth.clone(),
        ))
        .max_decoding_message_size(max_bytes)
        .max_encoding_message_size(max_bytes)
    }
}

fn endpoint(uri: &str) -> Result<Endpoint, String> {
    Ok(Endpoint::from_shared(uri.to_string())
        .map_err(|e| format!("invalid endpoint {uri}: {e}"))?
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(20))
        .keep_alive_timeout(Duration::from_secs(20))
        .keep_alive_while_idle(true)
        .initial_stream_window_size(Some(8 << 20))
        .initial_connection_window_size(Some(16 << 20)))
}

/// Why a connection could not be made.
#[derive(Debug, Clone)]
pub enum ConnectError {
    /// Nothing answered (yet): worth retrying.
    Unreachable(String),
    /// The settings cannot be used, or TLS was refused by either side: retrying does not help.
    Refused(String),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Unreachable(m) | ConnectError::Refused(m) => f.write_str(m),
        }
    }
}

pub async fn connect_target(target: &Target) -> Result<Conn, String> {
    connect(target).await.map_err(|e| e.to_string())
}

/// A channel to `target`, its TLS handshake done for `https://` endpoints.
pub async fn connect(target: &Target) -> Result<Conn, ConnectError> {
    let unreachable = |e: &dyn std::error::Error| {
        ConnectError::Unreachable(format!(
            "cannot connect to {}: {}",
            target.describe(),
            error_chain(e)
        ))
    };
    let mut tls_failure = None;
    let channel = match target {
        Target::Tcp {
            uri,
            tls: Some(settings),
            ..
        } => {
            let connector = settings
                .connector()
                .map_err(|e| ConnectError::Refused(format!("connector.endpoint {uri}: {e}")))?;
            let verify = settings.verify_hostname().map_err(ConnectError::Refused)?;
            let slot = FailureSlot::default();
            tls_failure = Some(slot.clone());
            let result = endpoint(uri)
                .map_err(ConnectError::Refused)?
                .connect_with_connector(tower::service_fn(move |uri: Uri| {
                    let (connector, slot) = (connector.clone(), slot.clone());
                    async move {
                        let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
                        let port = uri.port_u16().unwrap_or(443);
                        let stream = tls::connect(&connector, verify, host, port, slot).await?;
                        Ok::<_, std::io::Error>(TokioIo::new(stream))
                    }
                }))
                .await;
            match result {
                Ok(c) => c,
                Err(e) => {
                    let failure = tls_failure.as_ref().and_then(|s| s.lock().unwrap().clone());
                    return Err(match failure {
                        Some(f) => ConnectError::Refused(format!("connector.endpoint {uri}: {f}")),
                        None => unreachable(&e),
                    });
                }
            }
        }
        Target::Tcp { uri, .. } => endpoint(uri)
            .map_err(ConnectError::Refused)?
            .connect()
            .await
            .map_err(|e| unreachable(&e))?,
        Target::Unix { path, .. } => {
            let path = path.clone();
            endpoint("http://localhost")
                .map_err(ConnectError::Refused)?
                .connect_with_connector(tower::service_fn(move |_: Uri| {
                    let path = path.clone();
                    async move {
                        let stream = tokio::net::UnixStream::connect(path).await?;
                        Ok::<_, std::io::Error>(TokioIo::new(stream))
                    }
                }))
                .await
                .map_err(|e| unreachable(&e))?
        }
    };
    let header = match target.token() {
        Some(t) => Some(
            format!("Bearer {t}")
                .parse()
                .map_err(|_| ConnectError::Refused("invalid token".to_string()))?,
        ),
        None => None,
    };
    Ok(Conn {
        channel,
        auth: Auth { header },
        tls_failure,
    })
}

pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        cur = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{check_allowed as allowed_by, AllowEntry, Target};

    #[test]
    fn the_endpoint_allowlist_matches_hosts_blocks_and_socket_directories() {
        let list: Vec<AllowEntry> = [
            "connectors.internal",
            "*.svc.cluster.local",
            "10.1.0.0/16",
            "::1",
            "unix:/run/connectors",
        ]
        .iter()
        .map(|e| AllowEntry::parse(e).unwrap())
        .collect();
        let ok = |ep: &str| allowed_by(Some(&list), &Target::parse_endpoint(ep).unwrap()).is_ok();
        assert!(ok("connectors.internal:50051"));
        assert!(ok("http://CONNECTORS.internal:50051"));
        assert!(ok("file.team.svc.cluster.local:50051"));
        assert!(ok("10.1.200.3:50051"));
        assert!(ok("[::1]:50051"));
        assert!(ok("unix:/run/connectors/file.sock"));
        assert!(!ok("evil.example:50051"));
        assert!(!ok("connectors.internal.evil.example:50051"));
        assert!(!ok("10.2.0.1:50051"));
        assert!(!ok("127.0.0.1:50051"));
        assert!(!ok("unix:/run/connectors/../docker.sock"));
        assert!(!ok("unix:/var/run/docker.sock"));
        // No list: anything goes.
        assert!(allowed_by(None, &Target::parse_endpoint("evil.example:1").unwrap()).is_ok());
        for bad in ["10.0.0.0/40", "unix:relative", "a/b", "*"] {
            assert!(AllowEntry::parse(bad).is_err(), "{bad}");
        }
    }
}
