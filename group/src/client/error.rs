//! What can go wrong talking to the group coordinator, and what the member does about each
//! Kafka error code (the brief's error table, Kafka Connect's `AbstractCoordinator`).

use std::time::Duration;

use kafka_protocol::ResponseError;

/// An error of the group member or of one connection to a broker.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// The broker refused this client, or this client the broker: SASL authentication
    /// failed (a wrong password, an unknown user, a mechanism the listener does not enable)
    /// or the TLS handshake was refused (an untrusted certificate, a host name that does not
    /// match, a client certificate the listener wants or refuses). No retry fixes it, so the
    /// member does not retry it (Kafka's `SaslAuthenticationException`,
    /// `SslAuthenticationException`). The message names the cause, never a secret.
    #[error("authentication with {addr} failed: {message}")]
    Authentication { addr: String, message: String },

    /// A setting the member cannot work with (empty bootstrap list, heartbeat not below the
    /// session timeout, ...).
    #[error("invalid group member configuration: {0}")]
    Config(String),

    /// TCP connect, read or write failed.
    #[error("connection to {addr} failed: {source}")]
    Io {
        addr: String,
        #[source]
        source: std::io::Error,
    },

    /// The connection closed (by the broker, or after an I/O error) before the response came.
    #[error("connection to {addr} closed: {reason}")]
    Disconnected { addr: String, reason: String },

    /// No response within the request's timeout.
    #[error("{api} request to {addr} timed out after {after:?}")]
    Timeout {
        api: &'static str,
        addr: String,
        after: Duration,
    },

    /// The broker and this client share no version of a request (KIP-896 removed old
    /// versions in Kafka 4.0; a very old broker may lack new ones).
    #[error(
        "no common version of {api} with broker {addr}: this client speaks {client_min}..={client_max}, \
         the broker {broker}"
    )]
    NoCommonVersion {
        api: &'static str,
        addr: String,
        client_min: i16,
        client_max: i16,
        broker: String,
    },

    /// A frame or message that does not decode, or a response that makes no sense.
    #[error("protocol error with {addr}: {message}")]
    Protocol { addr: String, message: String },

    /// A Kafka error code the member does not recover from by itself (authorization,
    /// inconsistent protocols, invalid session timeout, group full, ...).
    #[error("{api} failed: {} (error code {code}){}", error_name(*.code), .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Kafka {
        api: &'static str,
        code: i16,
        message: Option<String>,
    },

    /// The group moved on while the owner was between JoinGroup and SyncGroup (or the member
    /// lost its generation): the owner must call `rejoin` again.
    #[error("the group needs a rejoin: {0}")]
    RejoinNeeded(super::RebalanceReason),

    /// `sync` for a generation that is not the one the member joined last.
    #[error("sync for generation {requested}, but the member is {current}")]
    StaleGeneration { requested: i32, current: String },

    /// The owner dropped the call before it finished.
    #[error("the call was cancelled")]
    Cancelled,

    /// The member's task has stopped (after `leave`, or it panicked).
    #[error("the group member has stopped")]
    Closed,
}

impl GroupError {
    /// Whether the error is about reaching a broker rather than about what it said: the member
    /// answers these by finding the coordinator again, after a back-off.
    pub fn is_connection_error(&self) -> bool {
        matches!(
            self,
            GroupError::Io { .. }
                | GroupError::Disconnected { .. }
                | GroupError::Timeout { .. }
                | GroupError::Protocol { .. }
        )
    }
}

/// The name Kafka gives an error code, for messages and logs.
pub fn error_name(code: i16) -> String {
    match ResponseError::try_from_code(code) {
        None => "NONE".to_string(),
        Some(ResponseError::Unknown(c)) => format!("unknown error {c}"),
        Some(e) => format!("{e:?}"),
    }
}

/// Kafka error codes the member reacts to (Kafka's `Errors.java`).
pub mod codes {
    pub const NONE: i16 = 0;
    pub const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
    pub const COORDINATOR_NOT_AVAILABLE: i16 = 15;
    pub const NOT_COORDINATOR: i16 = 16;
    pub const ILLEGAL_GENERATION: i16 = 22;
    pub const UNKNOWN_MEMBER_ID: i16 = 25;
    pub const REBALANCE_IN_PROGRESS: i16 = 27;
    pub const UNSUPPORTED_SASL_MECHANISM: i16 = 33;
    pub const UNSUPPORTED_VERSION: i16 = 35;
    pub const MEMBER_ID_REQUIRED: i16 = 79;
}

/// What the member does about the error code of a group response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// No error.
    Proceed,
    /// First JoinGroup of a dynamic member (KIP-394): join again with the id the broker gave.
    RejoinWithGivenId,
    /// The group is rebalancing, or our generation is stale: join again with the same
    /// member id; work keeps running meanwhile.
    Rejoin,
    /// The coordinator forgot us: drop the member id, then join again as a new member.
    ResetMemberIdAndRejoin,
    /// The coordinator moved, is loading or is not ready: find it again after a back-off.
    Rediscover,
    /// Nothing the member can fix by itself; reported to the owner.
    Fatal,
}

/// The brief's error table, in one place so every request handles codes alike.
pub(crate) fn classify(code: i16) -> Action {
    use codes::*;
    match code {
        NONE => Action::Proceed,
        MEMBER_ID_REQUIRED => Action::RejoinWithGivenId,
        REBALANCE_IN_PROGRESS | ILLEGAL_GENERATION => Action::Rejoin,
        UNKNOWN_MEMBER_ID => Action::ResetMemberIdAndRejoin,
        NOT_COORDINATOR | COORDINATOR_NOT_AVAILABLE | COORDINATOR_LOAD_IN_PROGRESS => {
            Action::Rediscover
        }
        _ => Action::Fatal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_error_table() {
        assert_eq!(classify(0), Action::Proceed);
        assert_eq!(classify(79), Action::RejoinWithGivenId);
        assert_eq!(classify(27), Action::Rejoin);
        assert_eq!(classify(22), Action::Rejoin);
        assert_eq!(classify(25), Action::ResetMemberIdAndRejoin);
        for code in [14, 15, 16] {
            assert_eq!(classify(code), Action::Rediscover, "code {code}");
        }
        // Authorization, inconsistent protocols, bad session timeout, group full, fenced.
        for code in [30, 23, 26, 81, 82, -1, 9999] {
            assert_eq!(classify(code), Action::Fatal, "code {code}");
        }
    }

    #[test]
    fn kafka_errors_are_named() {
        let e = GroupError::Kafka {
            api: "JoinGroup",
            code: 23,
            message: None,
        };
        assert_eq!(
            e.to_string(),
            "JoinGroup failed: InconsistentGroupProtocol (error code 23)"
        );
        assert_eq!(error_name(0), "NONE");
        assert_eq!(error_name(27), "RebalanceInProgress");
    }

    #[test]
    fn connection_errors_are_told_apart() {
        let io = GroupError::Io {
            addr: "a:1".into(),
            source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        };
        assert!(io.is_connection_error());
        assert!(!GroupError::Kafka {
            api: "Heartbeat",
            code: 30,
            message: None
        }
        .is_connection_error());
    }
}
