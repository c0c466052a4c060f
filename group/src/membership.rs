//! What a worker's herder needs of its group, as a trait with two forms: [`GroupMember`],
//! the member over Kafka's wire protocol, and [`MemoryGroup`]'s members, a coordinator in
//! memory with the same contract (see [`GroupMember`]), so a distributed herder runs in a
//! test without a broker.
//!
//! The memory coordinator keeps the rules the herder depends on: a rebalance waits for
//! every known member to rejoin (members that do not within the rebalance timeout are
//! dropped), the members that had not asked are told with
//! [`MemberEvent::RebalanceNeeded`], the leader stays the leader while it is a member, the
//! protocol is the first of the leader's that every member offers, `sync` hands each member
//! the bytes the leader gave it, and a member that leaves or is abandoned (after the
//! session timeout) makes the others rebalance.

use std::collections::BTreeMap;
#[cfg(test)]
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::client::{
    GroupError, GroupMember, JoinOutcome, JoinedMember, MemberEvent, MemberEvents, Protocol,
    RebalanceReason,
};

/// A worker's membership of its group (see [`GroupMember`] for the contract).
#[async_trait::async_trait]
pub trait Membership: Send + Sync {
    async fn rejoin(&self, protocols: Vec<Protocol>) -> Result<JoinOutcome, GroupError>;
    async fn sync(
        &self,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
    ) -> Result<Bytes, GroupError>;
    /// Leaves at once, so the others rebalance now.
    async fn leave(self: Box<Self>) -> Result<(), GroupError>;
    /// Stops without leaving, as a dead worker: the group notices after the session timeout.
    fn abandon(self: Box<Self>);
}

#[async_trait::async_trait]
impl Membership for GroupMember {
    async fn rejoin(&self, protocols: Vec<Protocol>) -> Result<JoinOutcome, GroupError> {
        GroupMember::rejoin(self, protocols).await
    }

    async fn sync(
        &self,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
    ) -> Result<Bytes, GroupError> {
        GroupMember::sync(self, generation_id, assignments).await
    }

    async fn leave(self: Box<Self>) -> Result<(), GroupError> {
        GroupMember::leave(*self).await
    }

    fn abandon(self: Box<Self>) {
        GroupMember::abandon(*self)
    }
}

/// How often a waiting call looks at the group again.
const POLL: Duration = Duration::from_millis(5);

/// A group coordinator in memory. Clones share the group.
#[derive(Clone)]
pub struct MemoryGroup {
    state: Arc<Mutex<GroupState>>,
    rebalance_timeout: Duration,
    session_timeout: Duration,
}

#[derive(Default)]
struct GroupState {
    generation: i32,
    next_id: u32,
    /// Every member of the group, with where its events go.
    members: BTreeMap<String, mpsc::UnboundedSender<MemberEvent>>,
    /// A rebalance in progress: who has rejoined (with its protocols) and its deadline.
    joining: Option<(BTreeMap<String, Vec<Protocol>>, Instant)>,
    leader: String,
    protocol: String,
    /// The members of the current generation with their metadata for its protocol.
    joined: Vec<JoinedMember>,
    /// The leader's assignments for the current generation, once it synced.
    assignments: Option<BTreeMap<String, Bytes>>,
}

impl GroupState {
    /// Starts a rebalance unless one is running, telling every member but `except`.
    fn start_rebalance(&mut self, except: Option<&str>, timeout: Duration) {
        if self.joining.is_some() {
            return;
        }
        self.joining = Some((BTreeMap::new(), Instant::now() + timeout));
        self.assignments = None;
        for (id, events) in &self.members {
            if Some(id.as_str()) != except {
                let _ = events.send(MemberEvent::RebalanceNeeded {
                    generation_id: self.generation,
                    reason: RebalanceReason::RebalanceInProgress,
                });
            }
        }
    }

    /// Forms the next generation once every member rejoined, or at the deadline without
    /// the ones that did not.
    fn try_complete(&mut self) {
        let Some((rejoined, deadline)) = &self.joining else {
            return;
        };
        let all = self.members.keys().all(|m| rejoined.contains_key(m));
        if !all && Instant::now() < *deadline {
            return;
        }
        let (rejoined, _) = self.joining.take().expect("checked above");
        self.members.retain(|m, _| rejoined.contains_key(m));
        if rejoined.is_empty() {
            return;
        }
        self.generation += 1;
        if !rejoined.contains_key(&self.leader) {
            self.leader = rejoined.keys().next().cloned().unwrap_or_default();
        }
        let offered = |name: &str| {
            rejoined
                .values()
                .all(|ps| ps.iter().any(|p| p.name == name))
        };
        self.protocol = rejoined[&self.leader]
            .iter()
            .map(|p| p.name.clone())
            .find(|n| offered(n))
            .unwrap_or_default();
        self.joined = rejoined
            .iter()
            .map(|(id, ps)| JoinedMember {
                member_id: id.clone(),
                metadata: ps
                    .iter()
                    .find(|p| p.name == self.protocol)
                    .map(|p| p.metadata.clone())
                    .unwrap_or_default(),
            })
            .collect();
    }

    fn remove(&mut self, id: &str, timeout: Duration) {
        if self.members.remove(id).is_none() {
            return;
        }
        if let Some((rejoined, _)) = &mut self.joining {
            rejoined.remove(id);
        } else if !self.members.is_empty() {
            self.start_rebalance(None, timeout);
        }
    }
}

impl MemoryGroup {
    pub fn new(rebalance_timeout: Duration, session_timeout: Duration) -> MemoryGroup {
        MemoryGroup {
            state: Arc::new(Mutex::new(GroupState::default())),
            rebalance_timeout,
            session_timeout,
        }
    }

    /// A new member (it joins with its first `rejoin`) and its events.
    pub fn member(&self) -> (MemoryMember, MemberEvents) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = self.state.lock().unwrap();
        state.next_id += 1;
        let id = format!("member-{}", state.next_id);
        drop(state);
        (
            MemoryMember {
                group: self.clone(),
                id,
                events: tx,
            },
            rx,
        )
    }

    /// The current generation (0 before the first).
    pub fn generation(&self) -> i32 {
        self.state.lock().unwrap().generation
    }
}

/// A member of a [`MemoryGroup`].
pub struct MemoryMember {
    group: MemoryGroup,
    id: String,
    events: mpsc::UnboundedSender<MemberEvent>,
}

#[async_trait::async_trait]
impl Membership for MemoryMember {
    async fn rejoin(&self, protocols: Vec<Protocol>) -> Result<JoinOutcome, GroupError> {
        let timeout = self.group.rebalance_timeout;
        let before = {
            let mut s = self.group.state.lock().unwrap();
            s.members
                .entry(self.id.clone())
                .or_insert_with(|| self.events.clone());
            s.start_rebalance(Some(&self.id), timeout);
            let generation = s.generation;
            let (rejoined, _) = s.joining.as_mut().expect("a rebalance is running");
            rejoined.insert(self.id.clone(), protocols);
            generation
        };
        loop {
            {
                let mut s = self.group.state.lock().unwrap();
                s.try_complete();
                // `joined` is the last formed generation's, even if another rebalance
                // has begun since.
                if s.generation > before {
                    if !s.joined.iter().any(|m| m.member_id == self.id) {
                        // Dropped at the deadline: join again as a rejoin would.
                        return Err(GroupError::RejoinNeeded(RebalanceReason::UnknownMemberId));
                    }
                    let leader = s.leader == self.id;
                    return Ok(JoinOutcome {
                        generation_id: s.generation,
                        member_id: self.id.clone(),
                        leader_id: s.leader.clone(),
                        protocol_name: s.protocol.clone(),
                        members: if leader { s.joined.clone() } else { Vec::new() },
                    });
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn sync(
        &self,
        generation_id: i32,
        assignments: Vec<(String, Bytes)>,
    ) -> Result<Bytes, GroupError> {
        {
            let mut s = self.group.state.lock().unwrap();
            if s.generation != generation_id || !s.members.contains_key(&self.id) {
                return Err(GroupError::RejoinNeeded(RebalanceReason::IllegalGeneration));
            }
            if s.leader == self.id && s.joining.is_none() {
                s.assignments = Some(assignments.into_iter().collect());
            }
        }
        loop {
            {
                let s = self.group.state.lock().unwrap();
                if s.generation != generation_id || s.joining.is_some() {
                    return Err(GroupError::RejoinNeeded(
                        RebalanceReason::RebalanceInProgress,
                    ));
                }
                if let Some(a) = &s.assignments {
                    return Ok(a.get(&self.id).cloned().unwrap_or_default());
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn leave(self: Box<Self>) -> Result<(), GroupError> {
        let timeout = self.group.rebalance_timeout;
        self.group.state.lock().unwrap().remove(&self.id, timeout);
        Ok(())
    }

    fn abandon(self: Box<Self>) {
        let group = self.group.clone();
        let id = self.id.clone();
        tokio::spawn(async move {
            tokio::time::sleep(group.session_timeout).await;
            let timeout = group.rebalance_timeout;
            group.state.lock().unwrap().remove(&id, timeout);
        });
    }
}

/// The member ids of a generation's assignment, for the tests.
#[cfg(test)]
fn ids(outcome: &JoinOutcome) -> BTreeSet<String> {
    outcome
        .members
        .iter()
        .map(|m| m.member_id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protocols(names: &[&str], meta: &str) -> Vec<Protocol> {
        names
            .iter()
            .map(|n| Protocol::new(*n, Bytes::from(format!("{meta}-{n}"))))
            .collect()
    }

    #[tokio::test]
    async fn members_form_generations_rebalance_and_hand_over_leadership() {
        let group = MemoryGroup::new(Duration::from_secs(5), Duration::from_millis(200));
        let (a, mut a_events) = group.member();
        let (b, _b_events) = group.member();
        let a = Box::new(a);
        let b = Box::new(b);

        let first = a
            .rejoin(protocols(&["sessioned", "compatible"], "a"))
            .await
            .unwrap();
        assert!(first.is_leader());
        assert_eq!(first.generation_id, 1);
        assert_eq!(ids(&first), BTreeSet::from([first.member_id.clone()]));
        let mine = a
            .sync(
                1,
                vec![(first.member_id.clone(), Bytes::from_static(b"A1"))],
            )
            .await
            .unwrap();
        assert_eq!(&mine[..], b"A1");

        // B joins: A is told to rejoin, the generation waits for both; B offers only
        // `compatible`, so that is the protocol.
        let (b_join, a_join) = tokio::join!(b.rejoin(protocols(&["compatible"], "b")), async {
            let ev = a_events.recv().await.unwrap();
            assert!(matches!(
                ev,
                MemberEvent::RebalanceNeeded {
                    generation_id: 1,
                    reason: RebalanceReason::RebalanceInProgress
                }
            ));
            a.rejoin(protocols(&["sessioned", "compatible"], "a")).await
        });
        let (a_join, b_join) = (a_join.unwrap(), b_join.unwrap());
        assert_eq!(a_join.generation_id, 2);
        assert_eq!(b_join.generation_id, 2);
        assert!(a_join.is_leader(), "the leader stays the leader");
        assert!(b_join.members.is_empty(), "followers get no member list");
        assert_eq!(a_join.protocol_name, "compatible");
        let meta: Vec<&[u8]> = a_join.members.iter().map(|m| &m.metadata[..]).collect();
        assert_eq!(meta, vec![&b"a-compatible"[..], &b"b-compatible"[..]]);
        let (a_got, b_got) = tokio::join!(
            a.sync(
                2,
                vec![
                    (a_join.member_id.clone(), Bytes::from_static(b"A2")),
                    (b_join.member_id.clone(), Bytes::from_static(b"B2")),
                ]
            ),
            b.sync(2, vec![])
        );
        assert_eq!(&a_got.unwrap()[..], b"A2");
        assert_eq!(&b_got.unwrap()[..], b"B2");
        // A stale generation must rejoin.
        assert!(matches!(
            b.sync(1, vec![]).await,
            Err(GroupError::RejoinNeeded(_))
        ));

        // The leader dies: after the session timeout B is told, rejoins and leads.
        a.abandon();
        let mut b_events = _b_events;
        let ev = tokio::time::timeout(Duration::from_secs(5), b_events.recv())
            .await
            .expect("B told of the rebalance")
            .unwrap();
        assert!(matches!(ev, MemberEvent::RebalanceNeeded { .. }));
        let b3 = b.rejoin(protocols(&["compatible"], "b")).await.unwrap();
        assert!(b3.is_leader());
        assert_eq!(b3.generation_id, 3);
        assert_eq!(ids(&b3), BTreeSet::from([b3.member_id.clone()]));
    }

    #[tokio::test]
    async fn a_member_that_does_not_rejoin_is_dropped_at_the_rebalance_timeout() {
        let group = MemoryGroup::new(Duration::from_millis(300), Duration::from_secs(10));
        let (a, _a_events) = group.member();
        let (b, _b_events) = group.member();
        let (a, b) = (Box::new(a), Box::new(b));
        let first = a.rejoin(protocols(&["default"], "a")).await.unwrap();
        a.sync(first.generation_id, vec![]).await.unwrap();
        // A never answers B's rebalance.
        let started = Instant::now();
        let b_join = b.rejoin(protocols(&["default"], "b")).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert!(b_join.is_leader());
        assert_eq!(ids(&b_join), BTreeSet::from([b_join.member_id.clone()]));
        assert!(matches!(
            a.sync(first.generation_id, vec![]).await,
            Err(GroupError::RejoinNeeded(_))
        ));
    }
}
