//! gRPC channels to connector processes, over TCP or a unix socket, with the token.

use std::path::PathBuf;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use polyconnect_proto::v1::{
    connector_client::ConnectorClient, sink_task_client::SinkTaskClient,
    source_task_client::SourceTaskClient,
};
use tonic::metadata::MetadataValue;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint, Uri};

/// Where a connector process listens.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Tcp {
        uri: String,
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
        Ok(Target::Tcp { uri })
    }

    pub fn describe(&self) -> String {
        match self {
            Target::Tcp { uri } => uri.clone(),
            Target::Unix { path, .. } => format!("unix:{}", path.display()),
        }
    }

    fn token(&self) -> Option<&str> {
        match self {
            Target::Unix { token, .. } => token.as_deref(),
            Target::Tcp { .. } => None,
        }
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
}

impl Conn {
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

    pub fn sink_client(&self, max_bytes: usize) -> SinkTaskClient<AuthChannel> {
        SinkTaskClient::with_interceptor(self.channel.clone(), self.auth.clone())
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

pub async fn connect_target(target: &Target) -> Result<Conn, String> {
    let channel = match target {
        Target::Tcp { uri } => endpoint(uri)?
            .connect()
            .await
            .map_err(|e| format!("cannot connect to {uri}: {}", error_chain(&e)))?,
        Target::Unix { path, .. } => {
            let path = path.clone();
            endpoint("http://localhost")?
                .connect_with_connector(tower::service_fn(move |_: Uri| {
                    let path = path.clone();
                    async move {
                        let stream = tokio::net::UnixStream::connect(path).await?;
                        Ok::<_, std::io::Error>(TokioIo::new(stream))
                    }
                }))
                .await
                .map_err(|e| {
                    format!(
                        "cannot connect to {}: {}",
                        target.describe(),
                        error_chain(&e)
                    )
                })?
        }
    };
    let header = match target.token() {
        Some(t) => Some(
            format!("Bearer {t}")
                .parse()
                .map_err(|_| "invalid token".to_string())?,
        ),
        None => None,
    };
    Ok(Conn {
        channel,
        auth: Auth { header },
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
