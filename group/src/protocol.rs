//! The `connect` group protocol's bytes: what a worker puts in JoinGroup (its metadata) and
//! what the leader hands each member in SyncGroup (its assignment).
//!
//! Kafka Connect defines three protocols, one per version of these formats:
//!
//! | name | version | metadata | assignment |
//! |---|---|---|---|
//! | `default` (eager) | 0 | `url`, `config_offset` | everything the member runs |
//! | `compatible` | 1 | + the member's current allocation | only what is new, + revoked, + delay |
//! | `sessioned` | 2 | as `compatible` | as `compatible` (requests between workers are signed) |
//!
//! All integers are big-endian; a string is an int16 length and UTF-8; nullable bytes and
//! arrays are an int32 length or count, −1 for null (Kafka's non-flexible types). An
//! assignment of connectors and tasks is a list of `(connector, [task])` where task −1 is
//! the connector itself. Decoding follows Kafka Connect's reader: a field missing at the
//! end takes its default (so version-0 bytes read as a version-1 assignment with nothing
//! revoked and no delay), and bytes after the last known field are ignored (a newer
//! worker's additions).

use std::fmt;

use bytes::{Buf, BufMut, BytesMut};

/// The group's protocol type, as Kafka Connect's `WorkerCoordinator` declares it.
pub const PROTOCOL_TYPE: &str = "connect";

/// The task number that stands for the connector itself in an assignment list.
pub const CONNECTOR_TASK: i32 = -1;

/// Assignment error: none.
pub const NO_ERROR: i16 = 0;
/// Assignment error: the leader's config is behind a member's; read the config topic to the
/// end and join again.
pub const CONFIG_MISMATCH: i16 = 1;

/// One of Kafka Connect's group protocols (`connect.protocol`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConnectProtocol {
    /// `default`, version 0: stop everything at each rebalance (`connect.protocol=eager`).
    Eager,
    /// `compatible`, version 1: incremental cooperative rebalancing (KIP-415).
    Compatible,
    /// `sessioned`, version 2: as `compatible`, with signed requests between workers (KIP-507).
    Sessioned,
}

impl ConnectProtocol {
    /// The name a member announces in JoinGroup.
    pub fn protocol_name(self) -> &'static str {
        match self {
            ConnectProtocol::Eager => "default",
            ConnectProtocol::Compatible => "compatible",
            ConnectProtocol::Sessioned => "sessioned",
        }
    }

    /// The version written first in this protocol's metadata and assignments.
    pub fn version(self) -> i16 {
        match self {
            ConnectProtocol::Eager => 0,
            ConnectProtocol::Compatible => 1,
            ConnectProtocol::Sessioned => 2,
        }
    }

    /// The protocol a JoinGroup protocol name stands for.
    pub fn from_protocol_name(name: &str) -> Option<Self> {
        match name {
            "default" => Some(ConnectProtocol::Eager),
            "compatible" => Some(ConnectProtocol::Compatible),
            "sessioned" => Some(ConnectProtocol::Sessioned),
            _ => None,
        }
    }

    /// The worker setting `connect.protocol` (`eager`, `compatible`, `sessioned`; any case, as
    /// Kafka Connect's `ConnectProtocolCompatibility.compatibility` reads it).
    pub fn from_config(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "eager" => Some(ConnectProtocol::Eager),
            "compatible" => Some(ConnectProtocol::Compatible),
            "sessioned" => Some(ConnectProtocol::Sessioned),
            _ => None,
        }
    }

    /// The protocols a member configured with `self` offers in JoinGroup, most preferred
    /// first; the broker picks the one every member offers, by vote.
    pub fn offered(self) -> &'static [ConnectProtocol] {
        match self {
            ConnectProtocol::Eager => &[ConnectProtocol::Eager],
            ConnectProtocol::Compatible => &[ConnectProtocol::Compatible, ConnectProtocol::Eager],
            ConnectProtocol::Sessioned => &[
                ConnectProtocol::Sessioned,
                ConnectProtocol::Compatible,
                ConnectProtocol::Eager,
            ],
        }
    }

    /// The protocol whose formats a version number selects (versions beyond the newest read
    /// as the newest, as Kafka Connect does).
    pub fn from_version(version: i16) -> Option<Self> {
        match version {
            i16::MIN..=-1 => None,
            0 => Some(ConnectProtocol::Eager),
            1 => Some(ConnectProtocol::Compatible),
            _ => Some(ConnectProtocol::Sessioned),
        }
    }
}

/// A task of a connector (`<connector>-<task>` in Kafka Connect's logs and topics).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnectorTaskId {
    pub connector: String,
    pub task: i32,
}

impl ConnectorTaskId {
    pub fn new(connector: impl Into<String>, task: i32) -> Self {
        ConnectorTaskId {
            connector: connector.into(),
            task,
        }
    }
}

impl fmt::Display for ConnectorTaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.connector, self.task)
    }
}

/// What the leader tells one member in SyncGroup.
///
/// For version 0 `connectors` and `tasks` are everything the member runs. For versions 1
/// and 2 they are only what is newly assigned: the member's new allocation is its previous
/// one, minus `revoked_*`, plus these.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Assignment {
    pub version: i16,
    /// [`NO_ERROR`] or [`CONFIG_MISMATCH`].
    pub error: i16,
    /// The leader's member id.
    pub leader: String,
    /// The leader's advertised REST URL, where other workers forward requests.
    pub leader_url: String,
    /// The config topic offset the assignment was computed at (last record's offset + 1).
    pub config_offset: i64,
    pub connectors: Vec<String>,
    pub tasks: Vec<ConnectorTaskId>,
    pub revoked_connectors: Vec<String>,
    pub revoked_tasks: Vec<ConnectorTaskId>,
    /// Milliseconds until the member should join again (a scheduled rebalance); 0 for none.
    pub delay_ms: i32,
}

impl Assignment {
    /// True when the assignment carries [`CONFIG_MISMATCH`].
    pub fn failed(&self) -> bool {
        self.error != NO_ERROR
    }

    /// Kafka Connect's bytes for this assignment, in the format of `self.version`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = BytesMut::with_capacity(64);
        out.put_i16(self.version);
        out.put_i16(self.error);
        put_string(&mut out, &self.leader);
        put_string(&mut out, &self.leader_url);
        out.put_i64(self.config_offset);
        put_items(&mut out, &self.connectors, &self.tasks);
        if self.version >= 1 {
            put_items(&mut out, &self.revoked_connectors, &self.revoked_tasks);
            out.put_i32(self.delay_ms);
        }
        out.to_vec()
    }

    /// Reads an assignment of any version.
    pub fn decode(bytes: &[u8]) -> Result<Assignment, DecodeError> {
        let mut buf = bytes;
        let version = get_i16(&mut buf, "version")?;
        if version < 0 {
            return Err(DecodeError::Version(version));
        }
        let error = get_i16(&mut buf, "error")?;
        let leader = get_string(&mut buf, "leader")?;
        let leader_url = get_string(&mut buf, "leader_url")?;
        let config_offset = get_i64(&mut buf, "config_offset")?;
        let (connectors, tasks) = get_items(&mut buf, "assignment")?;
        let mut assignment = Assignment {
            version,
            error,
            leader,
            leader_url,
            config_offset,
            connectors,
            tasks,
            ..Assignment::default()
        };
        if version >= 1 && buf.has_remaining() {
            let (revoked_connectors, revoked_tasks) = get_items(&mut buf, "revoked")?;
            assignment.revoked_connectors = revoked_connectors;
            assignment.revoked_tasks = revoked_tasks;
            if buf.has_remaining() {
                assignment.delay_ms = get_i32(&mut buf, "delay")?;
            }
        }
        Ok(assignment)
    }
}

/// What a member tells the group in JoinGroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerMetadata {
    pub version: i16,
    /// The worker's advertised REST URL (`http://host:8083/`).
    pub url: String,
    /// The config topic offset the worker has read to (last record's offset + 1, or −1).
    pub config_offset: i64,
    /// Versions 1 and 2: everything the worker runs now (as an assignment whose
    /// `connectors` and `tasks` are the whole allocation), or `None` before its first.
    pub allocation: Option<Assignment>,
}

impl WorkerMetadata {
    /// Kafka Connect's bytes for this metadata, in the format of `self.version`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = BytesMut::with_capacity(64);
        out.put_i16(self.version);
        put_string(&mut out, &self.url);
        out.put_i64(self.config_offset);
        if self.version >= 1 {
            match &self.allocation {
                None => out.put_i32(-1),
                Some(allocation) => {
                    let bytes = allocation.encode();
                    out.put_i32(bytes.len() as i32);
                    out.put_slice(&bytes);
                }
            }
        }
        out.to_vec()
    }

    /// Reads metadata of any version.
    pub fn decode(bytes: &[u8]) -> Result<WorkerMetadata, DecodeError> {
        let mut buf = bytes;
        let version = get_i16(&mut buf, "version")?;
        if version < 0 {
            return Err(DecodeError::Version(version));
        }
        let url = get_string(&mut buf, "url")?;
        let config_offset = get_i64(&mut buf, "config_offset")?;
        let mut allocation = None;
        if version >= 1 && buf.has_remaining() {
            let len = get_i32(&mut buf, "allocation")?;
            if len >= 0 {
                let len = len as usize;
                if buf.remaining() < len {
                    return Err(DecodeError::Truncated("allocation"));
                }
                allocation = Some(Assignment::decode(&buf[..len])?);
            }
        }
        Ok(WorkerMetadata {
            version,
            url,
            config_offset,
            allocation,
        })
    }
}

/// Bytes that are not a valid metadata or assignment.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("connect protocol bytes end inside the field '{0}'")]
    Truncated(&'static str),
    #[error("connect protocol version {0} is not valid")]
    Version(i16),
    #[error("connect protocol field '{0}' is not valid UTF-8")]
    Utf8(&'static str),
    #[error("connect protocol field '{0}' has a negative length where null is not allowed")]
    Null(&'static str),
}

fn put_string(out: &mut BytesMut, s: &str) {
    out.put_i16(s.len() as i16);
    out.put_slice(s.as_bytes());
}

/// Writes connectors and tasks as Kafka Connect's `[(connector, [task])]`: each connector
/// once, its own entry (−1) first, then its tasks in the order given.
fn put_items(out: &mut BytesMut, connectors: &[String], tasks: &[ConnectorTaskId]) {
    let mut grouped: Vec<(&str, Vec<i32>)> = Vec::new();
    let items = connectors
        .iter()
        .map(|c| (c.as_str(), CONNECTOR_TASK))
        .chain(tasks.iter().map(|t| (t.connector.as_str(), t.task)));
    for (name, task) in items {
        // One worker's share is short: a linear search keeps the given order.
        match grouped.iter_mut().find(|(c, _)| *c == name) {
            Some((_, ts)) => ts.push(task),
            None => grouped.push((name, vec![task])),
        }
    }
    out.put_i32(grouped.len() as i32);
    for (connector, ts) in grouped {
        put_string(out, connector);
        out.put_i32(ts.len() as i32);
        for t in ts {
            out.put_i32(t);
        }
    }
}

fn get_i16(buf: &mut &[u8], field: &'static str) -> Result<i16, DecodeError> {
    if buf.remaining() < 2 {
        return Err(DecodeError::Truncated(field));
    }
    Ok(buf.get_i16())
}

fn get_i32(buf: &mut &[u8], field: &'static str) -> Result<i32, DecodeError> {
    if buf.remaining() < 4 {
        return Err(DecodeError::Truncated(field));
    }
    Ok(buf.get_i32())
}

fn get_i64(buf: &mut &[u8], field: &'static str) -> Result<i64, DecodeError> {
    if buf.remaining() < 8 {
        return Err(DecodeError::Truncated(field));
    }
    Ok(buf.get_i64())
}

fn get_string(buf: &mut &[u8], field: &'static str) -> Result<String, DecodeError> {
    let len = get_i16(buf, field)?;
    if len < 0 {
        return Err(DecodeError::Null(field));
    }
    let len = len as usize;
    if buf.remaining() < len {
        return Err(DecodeError::Truncated(field));
    }
    let s = std::str::from_utf8(&buf[..len])
        .map_err(|_| DecodeError::Utf8(field))?
        .to_string();
    buf.advance(len);
    Ok(s)
}

/// Reads `[(connector, [task])]` into connectors (task −1) and tasks; a null list is empty.
fn get_items(
    buf: &mut &[u8],
    field: &'static str,
) -> Result<(Vec<String>, Vec<ConnectorTaskId>), DecodeError> {
    let count = get_i32(buf, field)?;
    let mut connectors = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..count.max(0) {
        let connector = get_string(buf, field)?;
        let n = get_i32(buf, field)?;
        for _ in 0..n.max(0) {
            let task = get_i32(buf, field)?;
            if task == CONNECTOR_TASK {
                connectors.push(connector.clone());
            } else {
                tasks.push(ConnectorTaskId::new(connector.clone(), task));
            }
        }
    }
    Ok((connectors, tasks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Printed by Kafka 4.3.1's own ConnectProtocol / IncrementalCooperativeConnectProtocol
    // (the distributed-mode brief's golden vectors).
    const META_V0: &str = "0000000f687474703a2f2f77313a383038332f000000000000002a";
    const META_V1: &str = "0001000f687474703a2f2f77313a383038332f000000000000002affffffff";
    const META_V2: &str = "0002000f687474703a2f2f77313a383038332f000000000000002affffffff";
    const ASSIGN_V2: &str = "00020000000d636f6e6e6563742d312d616263000f687474703a2f2f77313a383038332f000000000000002a0000000100016300000003ffffffff000000000000000100000001000164000000010000000200000000";
    const META_V2_WITH_ALLOCATION: &str = "0002000f687474703a2f2f77323a383038332f000000000000002a0000005600020000000d636f6e6e6563742d312d616263000f687474703a2f2f77313a383038332f000000000000002a0000000100016300000003ffffffff000000000000000100000001000164000000010000000200000000";
    const ASSIGN_MISMATCH: &str = "00020001000d636f6e6e6563742d312d616263000f687474703a2f2f77313a383038332f000000000000002b000000000000000000000000";
    const ASSIGN_V1_DELAY: &str = "00010000000d636f6e6e6563742d312d616263000f687474703a2f2f77313a383038332f000000000000002a0000000000000000000493e0";
    const ASSIGN_V0: &str = "0000000000014c0009687474703a2f2f6c2f00000000000000070000000100016300000002ffffffff00000000";

    fn golden_assignment() -> Assignment {
        Assignment {
            version: 2,
            error: NO_ERROR,
            leader: "connect-1-abc".into(),
            leader_url: "http://w1:8083/".into(),
            config_offset: 42,
            connectors: vec!["c".into()],
            tasks: vec![ConnectorTaskId::new("c", 0), ConnectorTaskId::new("c", 1)],
            revoked_connectors: vec![],
            revoked_tasks: vec![ConnectorTaskId::new("d", 2)],
            delay_ms: 0,
        }
    }

    fn meta(version: i16) -> WorkerMetadata {
        WorkerMetadata {
            version,
            url: "http://w1:8083/".into(),
            config_offset: 42,
            allocation: None,
        }
    }

    #[test]
    fn metadata_matches_kafka_connect() {
        assert_eq!(hex::encode(meta(0).encode()), META_V0);
        assert_eq!(hex::encode(meta(1).encode()), META_V1);
        assert_eq!(hex::encode(meta(2).encode()), META_V2);
        for (v, h) in [(0, META_V0), (1, META_V1), (2, META_V2)] {
            assert_eq!(
                WorkerMetadata::decode(&hex::decode(h).unwrap()).unwrap(),
                meta(v)
            );
        }
    }

    #[test]
    fn sessioned_assignment_matches_kafka_connect() {
        assert_eq!(hex::encode(golden_assignment().encode()), ASSIGN_V2);
        assert_eq!(
            Assignment::decode(&hex::decode(ASSIGN_V2).unwrap()).unwrap(),
            golden_assignment()
        );
    }

    #[test]
    fn metadata_with_allocation_matches_kafka_connect() {
        let m = WorkerMetadata {
            version: 2,
            url: "http://w2:8083/".into(),
            config_offset: 42,
            allocation: Some(golden_assignment()),
        };
        assert_eq!(hex::encode(m.encode()), META_V2_WITH_ALLOCATION);
        assert_eq!(
            WorkerMetadata::decode(&hex::decode(META_V2_WITH_ALLOCATION).unwrap()).unwrap(),
            m
        );
    }

    #[test]
    fn config_mismatch_and_delay_match_kafka_connect() {
        let mismatch = Assignment {
            version: 2,
            error: CONFIG_MISMATCH,
            leader: "connect-1-abc".into(),
            leader_url: "http://w1:8083/".into(),
            config_offset: 43,
            ..Assignment::default()
        };
        assert_eq!(hex::encode(mismatch.encode()), ASSIGN_MISMATCH);
        let decoded = Assignment::decode(&hex::decode(ASSIGN_MISMATCH).unwrap()).unwrap();
        assert!(decoded.failed());
        assert_eq!(decoded, mismatch);

        let delayed = Assignment {
            version: 1,
            leader: "connect-1-abc".into(),
            leader_url: "http://w1:8083/".into(),
            config_offset: 42,
            delay_ms: 300_000,
            ..Assignment::default()
        };
        assert_eq!(hex::encode(delayed.encode()), ASSIGN_V1_DELAY);
        assert_eq!(
            Assignment::decode(&hex::decode(ASSIGN_V1_DELAY).unwrap()).unwrap(),
            delayed
        );
    }

    #[test]
    fn version_0_assignment_reads_as_kafka_connect_reads_it() {
        let v0 = Assignment {
            version: 0,
            leader: "L".into(),
            leader_url: "http://l/".into(),
            config_offset: 7,
            connectors: vec!["c".into()],
            tasks: vec![ConnectorTaskId::new("c", 0)],
            ..Assignment::default()
        };
        assert_eq!(hex::encode(v0.encode()), ASSIGN_V0);
        // Kafka Connect's incremental reader: nothing revoked, no delay.
        assert_eq!(
            Assignment::decode(&hex::decode(ASSIGN_V0).unwrap()).unwrap(),
            v0
        );
    }

    #[test]
    fn trailing_bytes_are_ignored_and_truncation_is_an_error() {
        let mut bytes = hex::decode(ASSIGN_V2).unwrap();
        bytes.extend_from_slice(&[1, 2, 3]);
        assert_eq!(Assignment::decode(&bytes).unwrap(), golden_assignment());
        let full = hex::decode(ASSIGN_V2).unwrap();
        // Cut inside the leader string: an error naming the field.
        assert_eq!(
            Assignment::decode(&full[..8]),
            Err(DecodeError::Truncated("leader"))
        );
        assert_eq!(
            WorkerMetadata::decode(&[0, 2, 0]),
            Err(DecodeError::Truncated("url"))
        );
        assert_eq!(
            Assignment::decode(&[0xff, 0xff]),
            Err(DecodeError::Version(-1))
        );
    }

    #[test]
    fn protocols_offered_in_kafka_connect_order() {
        let names = |p: ConnectProtocol| {
            p.offered()
                .iter()
                .map(|p| p.protocol_name())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(ConnectProtocol::Sessioned),
            ["sessioned", "compatible", "default"]
        );
        assert_eq!(
            names(ConnectProtocol::Compatible),
            ["compatible", "default"]
        );
        assert_eq!(names(ConnectProtocol::Eager), ["default"]);
        assert_eq!(
            ConnectProtocol::from_config("SESSIONED"),
            Some(ConnectProtocol::Sessioned)
        );
        assert_eq!(ConnectProtocol::from_config("default"), None);
        assert_eq!(
            ConnectProtocol::from_version(7),
            Some(ConnectProtocol::Sessioned)
        );
    }

    fn task_id() -> impl Strategy<Value = ConnectorTaskId> {
        ("[a-z]{1,3}", 0..8i32).prop_map(|(c, t)| ConnectorTaskId::new(c, t))
    }

    proptest! {
        // Any assignment reads back as written, with items grouped per connector.
        #[test]
        fn assignments_round_trip(
            version in 0i16..3,
            error in 0i16..2,
            leader in "[a-z0-9-]{0,20}",
            offset in -1i64..1_000_000,
            connectors in proptest::collection::btree_set("[a-z]{1,3}", 0..5),
            tasks in proptest::collection::btree_set(task_id(), 0..12),
            revoked in proptest::collection::btree_set(task_id(), 0..4),
            delay in 0i32..1_000_000,
        ) {
            let connectors: Vec<String> = connectors.into_iter().collect();
            let tasks: Vec<ConnectorTaskId> = tasks.into_iter().collect();
            let a = Assignment {
                version, error, leader, leader_url: "http://x:8083/".into(), config_offset: offset,
                connectors: connectors.clone(), tasks: tasks.clone(),
                revoked_connectors: if version >= 1 { connectors.clone() } else { vec![] },
                revoked_tasks: if version >= 1 { revoked.into_iter().collect() } else { vec![] },
                delay_ms: if version >= 1 { delay } else { 0 },
            };
            let back = Assignment::decode(&a.encode()).unwrap();
            let sorted = |mut v: Vec<ConnectorTaskId>| { v.sort(); v };
            let sorted_s = |mut v: Vec<String>| { v.sort(); v };
            prop_assert_eq!(sorted_s(back.connectors.clone()), sorted_s(a.connectors.clone()));
            prop_assert_eq!(sorted(back.tasks.clone()), sorted(a.tasks.clone()));
            prop_assert_eq!(sorted(back.revoked_tasks.clone()), sorted(a.revoked_tasks.clone()));
            prop_assert_eq!(back.delay_ms, a.delay_ms);
            prop_assert_eq!(back.config_offset, a.config_offset);
            prop_assert_eq!(back.leader, a.leader);
        }

        // Arbitrary bytes never panic the readers.
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = Assignment::decode(&bytes);
            let _ = WorkerMetadata::decode(&bytes);
        }
    }
}
