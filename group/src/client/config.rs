//! The member's settings, with Kafka Connect's defaults (`DistributedConfig`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::{GroupError, SaslConfig, TlsConfig};

/// `security.protocol`, as Kafka clients spell it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SecurityProtocol {
    #[default]
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

impl SecurityProtocol {
    /// The setting's value as Kafka writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityProtocol::Plaintext => "PLAINTEXT",
            SecurityProtocol::Ssl => "SSL",
            SecurityProtocol::SaslPlaintext => "SASL_PLAINTEXT",
            SecurityProtocol::SaslSsl => "SASL_SSL",
        }
    }

    /// Whether the transport is wrapped in TLS after the TCP connect.
    pub fn uses_tls(self) -> bool {
        matches!(self, SecurityProtocol::Ssl | SecurityProtocol::SaslSsl)
    }

    /// Whether the connection authenticates with SASL after ApiVersions.
    pub fn uses_sasl(self) -> bool {
        matches!(
            self,
            SecurityProtocol::SaslPlaintext | SecurityProtocol::SaslSsl
        )
    }
}

impl fmt::Display for SecurityProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SecurityProtocol {
    type Err = GroupError;

    /// Case-insensitive, as Kafka's `SecurityProtocol.forName`.
    fn from_str(s: &str) -> Result<Self, GroupError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PLAINTEXT" => Ok(SecurityProtocol::Plaintext),
            "SSL" => Ok(SecurityProtocol::Ssl),
            "SASL_PLAINTEXT" => Ok(SecurityProtocol::SaslPlaintext),
            "SASL_SSL" => Ok(SecurityProtocol::SaslSsl),
            _ => Err(GroupError::Config(format!(
                "security.protocol={s} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"
            ))),
        }
    }
}

/// How one connection to a broker is set up.
#[derive(Clone, Debug)]
pub struct ConnectionConfig {
    /// `client.id`, sent in every request header (shows in broker logs and quotas).
    pub client_id: String,
    pub security_protocol: SecurityProtocol,
    /// Used with `SSL` and `SASL_SSL`.
    pub tls: TlsConfig,
    /// Needed with `SASL_PLAINTEXT` and `SASL_SSL`.
    pub sasl: Option<SaslConfig>,
    /// Bound on the TCP connect and on the TLS handshake.
    pub connect_timeout: Duration,
    /// Timeout of each request that opens a connection (ApiVersions, the SASL exchange).
    pub request_timeout: Duration,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            client_id: "polyconnect".to_string(),
            security_protocol: SecurityProtocol::Plaintext,
            tls: TlsConfig::default(),
            sasl: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(40),
        }
    }
}

impl ConnectionConfig {
    /// What `security.protocol` needs is there, and the TLS material fits together.
    pub fn validate(&self) -> Result<(), GroupError> {
        let p = self.security_protocol;
        if p.uses_sasl() && self.sasl.is_none() {
            return Err(GroupError::Config(format!(
                "security.protocol={p} needs sasl.mechanism and sasl.jaas.config"
            )));
        }
        if p.uses_tls() {
            self.tls.connector()?;
        }
        Ok(())
    }
}

/// Settings of a [`super::GroupMember`]. Defaults are Kafka Connect's worker defaults.
#[derive(Clone, Debug)]
pub struct MemberConfig {
    /// `bootstrap.servers`: `host:port` entries, tried in turn to find the coordinator.
    pub bootstrap_servers: Vec<String>,
    /// `group.id` of the Connect cluster.
    pub group_id: String,
    /// The group's protocol type; `connect` for Kafka Connect workers.
    pub protocol_type: String,
    /// `session.timeout.ms` (10 s): how long the broker keeps a silent member.
    pub session_timeout: Duration,
    /// `rebalance.timeout.ms` (60 s): how long the broker waits for members to rejoin.
    pub rebalance_timeout: Duration,
    /// `heartbeat.interval.ms` (3 s).
    pub heartbeat_interval: Duration,
    /// `retry.backoff.ms` (100 ms): first back-off after a failure; doubles per failure.
    pub retry_backoff: Duration,
    /// `retry.backoff.max.ms` (1 s): the back-off stops doubling here.
    pub retry_backoff_max: Duration,
    /// Per-connection settings (`client.id`, `security.protocol`, `request.timeout.ms` 40 s).
    pub connection: ConnectionConfig,
}

impl MemberConfig {
    /// Kafka Connect's defaults for a group at `bootstrap_servers` (comma-separated, as the
    /// worker setting).
    pub fn new(bootstrap_servers: &str, group_id: impl Into<String>) -> MemberConfig {
        MemberConfig {
            bootstrap_servers: bootstrap_servers
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            group_id: group_id.into(),
            protocol_type: crate::protocol::PROTOCOL_TYPE.to_string(),
            session_timeout: Duration::from_millis(10_000),
            rebalance_timeout: Duration::from_millis(60_000),
            heartbeat_interval: Duration::from_millis(3_000),
            retry_backoff: Duration::from_millis(100),
            retry_backoff_max: Duration::from_millis(1_000),
            connection: ConnectionConfig::default(),
        }
    }

    /// JoinGroup waits for every member to rejoin, up to the rebalance timeout; Kafka Connect
    /// gives the request that plus 5 s. SyncGroup waits for the leader, bounded the same way.
    pub fn join_timeout(&self) -> Duration {
        self.rebalance_timeout + Duration::from_secs(5)
    }

    /// A heartbeat unanswered for a whole session is worthless: the broker has expired us.
    pub fn heartbeat_timeout(&self) -> Duration {
        self.connection.request_timeout.min(self.session_timeout)
    }

    /// Checked when the member starts, so a bad setting fails the worker at boot.
    pub fn validate(&self) -> Result<(), GroupError> {
        self.connection.validate()?;
        if self.bootstrap_servers.is_empty() {
            return Err(GroupError::Config("bootstrap.servers is empty".into()));
        }
        if let Some(bad) = self
            .bootstrap_servers
            .iter()
            .find(|s| split_host_port(s).is_none())
        {
            return Err(GroupError::Config(format!(
                "bootstrap.servers entry {bad:?} is not host:port"
            )));
        }
        if self.group_id.is_empty() {
            return Err(GroupError::Config("group.id is empty".into()));
        }
        if self.heartbeat_interval >= self.session_timeout {
            return Err(GroupError::Config(format!(
                "heartbeat.interval.ms ({}) must be lower than session.timeout.ms ({})",
                self.heartbeat_interval.as_millis(),
                self.session_timeout.as_millis()
            )));
        }
        for (name, d) in [
            ("session.timeout.ms", self.session_timeout),
            ("rebalance.timeout.ms", self.rebalance_timeout),
        ] {
            if d.as_millis() > i32::MAX as u128 {
                return Err(GroupError::Config(format!("{name} is too large")));
            }
        }
        Ok(())
    }
}

/// `host:port` → (host, port); IPv6 hosts in brackets (`[::1]:9092`).
pub(crate) fn split_host_port(s: &str) -> Option<(&str, u16)> {
    let (host, port) = s.rsplit_once(':')?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    Some((host, port.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_protocol_parses() {
        let p: SecurityProtocol = "plaintext".parse().unwrap();
        assert_eq!(p, SecurityProtocol::Plaintext);
        for (s, tls, sasl) in [
            ("SSL", true, false),
            ("sasl_plaintext", false, true),
            ("SASL_SSL", true, true),
        ] {
            let p: SecurityProtocol = s.parse().unwrap();
            assert_eq!((p.uses_tls(), p.uses_sasl()), (tls, sasl), "{s}");
        }
        let err = "TLS".parse::<SecurityProtocol>().unwrap_err().to_string();
        assert!(err.contains("security.protocol=TLS"), "{err}");
    }

    #[test]
    fn validation_fails_fast() {
        let mut c = MemberConfig::new("127.0.0.1:9092, b:9093", "g");
        assert_eq!(c.bootstrap_servers, ["127.0.0.1:9092", "b:9093"]);
        c.validate().unwrap();
        c.connection.security_protocol = SecurityProtocol::SaslSsl;
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("security.protocol=SASL_SSL needs sasl.mechanism"),
            "{e}"
        );
        c.connection.sasl = Some(SaslConfig::Plain {
            username: "u".into(),
            password: "p".into(),
        });
        c.validate().unwrap();
        let mut c = MemberConfig::new("127.0.0.1:9092", "g");
        c.heartbeat_interval = c.session_timeout;
        assert!(c.validate().is_err());
        assert!(MemberConfig::new("nohost", "g").validate().is_err());
        assert!(MemberConfig::new("a:1", "").validate().is_err());
        assert_eq!(
            MemberConfig::new("a:1", "g").join_timeout(),
            Duration::from_secs(65)
        );
    }

    #[test]
    fn host_port() {
        assert_eq!(split_host_port("a:1"), Some(("a", 1)));
        assert_eq!(split_host_port("[::1]:9092"), Some(("::1", 9092)));
        assert_eq!(split_host_port("a"), None);
        assert_eq!(split_host_port(":1"), None);
        assert_eq!(split_host_port("a:x"), None);
    }
}
