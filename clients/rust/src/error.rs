//! Errors a connector returns; the SDK turns them into the protocol's typed `Error`s.

use std::fmt;
use std::time::Duration;

use polyconnect_proto::v1 as pb;

/// The result of connector code.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A connector error, with the protocol's kinds (protocol rule 6).
///
/// Any `std::error::Error` converts into [`Error::Fatal`] with `?`, keeping its type name,
/// message and causes, so plain I/O or parse errors need no wrapping.
#[derive(Clone, PartialEq)]
pub enum Error {
    /// A temporary failure. From `poll` the SDK polls again after `retry_after` (or its
    /// own back-off); from `put` the core delivers the same records again.
    Retriable {
        message: String,
        retry_after: Option<Duration>,
    },
    /// A bad configuration: the connector or task fails; the message names the setting.
    Config(String),
    /// Anything else: the connector or task fails.
    Fatal {
        message: String,
        class: String,
        detail: String,
    },
}

impl Error {
    pub fn retriable(message: impl Into<String>) -> Error {
        Error::Retriable {
            message: message.into(),
            retry_after: None,
        }
    }
    pub fn retriable_after(message: impl Into<String>, after: Duration) -> Error {
        Error::Retriable {
            message: message.into(),
            retry_after: Some(after),
        }
    }
    pub fn config(message: impl Into<String>) -> Error {
        Error::Config(message.into())
    }
    pub fn fatal(message: impl Into<String>) -> Error {
        Error::Fatal {
            message: message.into(),
            class: "ConnectError".into(),
            detail: String::new(),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Retriable { message, .. }
            | Error::Config(message)
            | Error::Fatal { message, .. } => message,
        }
    }

    pub fn is_retriable(&self) -> bool {
        matches!(self, Error::Retriable { .. })
    }

    /// A panic in connector code, caught by the SDK.
    pub(crate) fn from_panic(what: &str, payload: Box<dyn std::any::Any + Send>) -> Error {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".into());
        Error::Fatal {
            message: format!("{what} panicked: {msg}"),
            class: "panic".into(),
            detail: String::new(),
        }
    }

    pub(crate) fn to_proto(&self) -> pb::Error {
        let (kind, class, detail, retry) = match self {
            Error::Retriable { retry_after, .. } => (
                pb::ErrorKind::Retriable,
                "RetriableError",
                "",
                retry_after
                    .map(|d| d.as_millis().min(u32::MAX as u128) as u32)
                    .unwrap_or(0),
            ),
            Error::Config(_) => (pb::ErrorKind::Config, "ConfigError", "", 0),
            Error::Fatal { class, detail, .. } => {
                (pb::ErrorKind::Fatal, class.as_str(), detail.as_str(), 0)
            }
        };
        pb::Error {
            kind: kind as i32,
            message: self.message().to_string(),
            error_class: class.to_string(),
            detail: detail.to_string(),
            retry_after_ms: retry,
            ..Default::default()
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Retriable { message, .. } => write!(f, "retriable: {message}"),
            Error::Config(m) => write!(f, "config: {m}"),
            Error::Fatal { message, class, .. } => write!(f, "{class}: {message}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// Like anyhow: `Error` itself is not a `std::error::Error`, so every one converts with `?`.
impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(e: E) -> Error {
        let mut detail = String::new();
        let mut cur = e.source();
        while let Some(c) = cur {
            detail.push_str(&format!("caused by: {c}\n"));
            cur = c.source();
        }
        let class = std::any::type_name::<E>()
            .rsplit("::")
            .next()
            .unwrap_or("Error")
            .to_string();
        Error::Fatal {
            message: e.to_string(),
            class,
            detail,
        }
    }
}
