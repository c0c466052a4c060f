//! The leader's assignor: which worker runs which connector and task.
//!
//! Only the leader assigns, and followers obey whatever they receive, so the rules below are
//! the leader's own business as long as they keep the protocol's one promise: an item is
//! handed to a worker only once no other worker runs it. For the cooperative protocols
//! (`compatible`, `sessioned`) that means an item taken from one worker is given to another
//! only in a later round, after the first has stopped it and rejoined.
//!
//! The cooperative rules are Kafka Connect's `IncrementalCooperativeAssignor` (KIP-415):
//! revoke deleted and duplicated items, hold back the items of a departed worker for up to
//! `scheduled.rebalance.max.delay.ms` in case it comes back, then balance. Two things are
//! done better:
//!
//! - Balance is per connector as well as per worker: a connector's tasks are spread evenly
//!   over the workers (KAFKA-17049), while each worker's total stays within one of the others.
//! - Any item a member runs that is not configured is revoked, not only the ones the leader
//!   remembers assigning, so a new leader also stops deleted connectors.
//!
//! The module does no I/O and reads no clock: the round's inputs, `now_ms` included, are
//! arguments, so every decision can be replayed in a test.

use std::collections::{BTreeMap, BTreeSet};

use crate::protocol::{
    Assignment, ConnectProtocol, ConnectorTaskId, WorkerMetadata, CONFIG_MISMATCH, CONNECTOR_TASK,
    NO_ERROR,
};

/// A connector (task [`CONNECTOR_TASK`]) or one of its tasks: both are placed the same way,
/// so one type keeps the set arithmetic in one place.
type Item = ConnectorTaskId;

/// Consecutive revoking rounds wait 40 ms, 1.6 s, 64 s, … (Kafka Connect's
/// `ExponentialBackoff(1, 40, maxDelay, 0)`), so workers that keep joining and leaving do not
/// make the group revoke in a tight loop.
const REVOKING_BACKOFF_MULTIPLIER: i64 = 40;

/// A member of the group as the leader sees it in JoinGroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub metadata: WorkerMetadata,
}

/// Everything one rebalance round is computed from.
#[derive(Clone, Copy, Debug)]
pub struct Round<'a> {
    /// The leader's member id (written into every assignment).
    pub leader_id: &'a str,
    /// The leader's advertised REST URL.
    pub leader_url: &'a str,
    /// The config topic offset of the leader's snapshot that `connectors` was read from.
    pub config_offset: i64,
    /// The protocol the broker chose for this generation.
    pub protocol: ConnectProtocol,
    /// Configured connectors and their committed task counts.
    pub connectors: &'a BTreeMap<String, u32>,
    /// The members of this generation, leader included.
    pub members: &'a [Member],
    /// The leader's clock, for the scheduled-rebalance delay.
    pub now_ms: i64,
    /// This generation's id.
    pub generation: i32,
    /// The generation of the leader's last completed SyncGroup. When it is not the generation
    /// the assignor last assigned, its members never received that assignment, so the
    /// assignor's memory of it is not trusted (as Kafka Connect does).
    pub last_completed_generation: i32,
}

impl Round<'_> {
    /// The highest config offset a member has read, when it is beyond the leader's snapshot.
    ///
    /// The leader should then refresh its snapshot and build the round again; if it is still
    /// behind, [`IncrementalCooperativeAssignor::assign`] answers `CONFIG_MISMATCH` to everyone,
    /// which makes every member read the config topic and join again.
    pub fn config_behind(&self) -> Option<i64> {
        self.members
            .iter()
            .map(|m| m.metadata.config_offset)
            .max()
            .filter(|&max| max > self.config_offset)
    }
}

/// True when the round failed with `CONFIG_MISMATCH` (every member gets the same error).
pub fn is_config_mismatch(assignments: &BTreeMap<String, Assignment>) -> bool {
    assignments.values().any(|a| a.error == CONFIG_MISMATCH)
}

/// The leader's memory between rounds. A new leader starts from the default, and rebuilds
/// what it needs from the members' allocations.
#[derive(Clone, Debug, Default)]
struct State {
    /// The generation the remembered assignment was made for.
    generation: Option<i32>,
    /// Everything the group holds after the last assignment, plus the items held back.
    previous: BTreeSet<Item>,
    /// Items revoked in the last round; if a member still runs one, the revocation was lost
    /// and the remembered assignment is replaced by what members report.
    previous_revoked: BTreeSet<Item>,
    previous_members: BTreeSet<String>,
    /// When the held-back items (or the revoking back-off) are due; 0 when nothing is.
    scheduled_rebalance: i64,
    /// The delay told to every member in the last round.
    delay: i32,
    /// Workers that were empty while the delay ran: probably the departed workers back
    /// under new member ids, so their old items go to them.
    candidates: BTreeSet<String>,
    revoked_in_previous: bool,
    successive_revoking: u32,
}

/// Kafka Connect's incremental cooperative assignor (KIP-415), balancing per connector too.
#[derive(Clone, Debug)]
pub struct IncrementalCooperativeAssignor {
    max_delay: i32,
    state: State,
}

impl IncrementalCooperativeAssignor {
    /// `scheduled_rebalance_max_delay_ms` is how long a departed worker's items wait for it to
    /// come back; 0 reassigns them at once. Negative values count as 0.
    pub fn new(scheduled_rebalance_max_delay_ms: i32) -> Self {
        IncrementalCooperativeAssignor {
            max_delay: scheduled_rebalance_max_delay_ms.max(0),
            state: State::default(),
        }
    }

    /// When the held-back items or the revoking back-off are due (the leader's clock), if any.
    pub fn scheduled_rebalance_ms(&self) -> Option<i64> {
        (self.state.scheduled_rebalance > 0).then_some(self.state.scheduled_rebalance)
    }

    /// Computes every member's assignment for this round.
    ///
    /// Members with the same id count once (the first). With no members the result is empty.
    pub fn assign(&mut self, round: &Round<'_>) -> BTreeMap<String, Assignment> {
        let mut members: BTreeMap<&str, &WorkerMetadata> = BTreeMap::new();
        for m in round.members {
            members.entry(m.id.as_str()).or_insert(&m.metadata);
        }
        if members.is_empty() {
            return BTreeMap::new();
        }
        if let Some(max) = round.config_behind() {
            // Kafka Connect labels the failure with the members' highest offset: the one the
            // leader has to reach.
            return members
                .keys()
                .map(|id| {
                    let mut a = header(round, max);
                    a.error = CONFIG_MISMATCH;
                    (id.to_string(), a)
                })
                .collect();
        }
        match round.protocol {
            ConnectProtocol::Eager => {
                // Eager members stop everything at each rebalance, so nothing remembered
                // about cooperative rounds stays true.
                self.state = State::default();
                eager(round, &members)
            }
            ConnectProtocol::Compatible | ConnectProtocol::Sessioned => {
                self.incremental(round, &members)
            }
        }
    }

    fn incremental(
        &mut self,
        round: &Round<'_>,
        members: &BTreeMap<&str, &WorkerMetadata>,
    ) -> BTreeMap<String, Assignment> {
        let now = round.now_ms;
        let workers: Vec<&str> = members.keys().copied().collect();
        let held: Vec<BTreeSet<Item>> = members.values().map(|m| allocation(m)).collect();
        let configured = configured_items(round.connectors);

        let mut holders: BTreeMap<&Item, usize> = BTreeMap::new();
        for item in held.iter().flatten() {
            *holders.entry(item).or_default() += 1;
        }
        let active: BTreeSet<Item> = holders.keys().map(|i| (*i).clone()).collect();

        let st = &mut self.state;
        let mut previous = if st.generation == Some(round.last_completed_generation) {
            std::mem::take(&mut st.previous)
        } else {
            // A new leader, or an assignment that never reached the group: what the members
            // run is the best account of the previous assignment.
            active.clone()
        };
        if st.previous_revoked.iter().any(|i| active.contains(i)) {
            previous = active.clone();
        }
        st.previous_revoked.clear();

        // Revoke what is no longer configured, and what runs twice (from every holder: which
        // copy is sound is unknown, and the item is reassigned next round).
        let mut revoked: Vec<BTreeSet<Item>> = vec![BTreeSet::new(); workers.len()];
        let mut next = held.clone();
        for (w, items) in held.iter().enumerate() {
            for item in items {
                let twice = holders.get(item).is_some_and(|&n| n > 1);
                if twice || !configured.contains(item) {
                    revoked[w].insert(item.clone());
                    next[w].remove(item);
                }
            }
        }

        let lost: BTreeSet<Item> = previous
            .iter()
            .filter(|i| configured.contains(*i) && !active.contains(*i))
            .cloned()
            .collect();
        let created: BTreeSet<Item> = configured
            .iter()
            .filter(|i| !previous.contains(*i) && !active.contains(*i))
            .cloned()
            .collect();

        let lost_fate = self.handle_lost(&lost, &workers, &next, now);

        let plan = Plan::new(&workers, round.connectors, &next);
        let st = &mut self.state;
        if st.delay == 0 {
            let excess = plan.excess(&next);
            if excess.iter().any(|e| !e.is_empty()) {
                let apply = if st.revoked_in_previous {
                    st.successive_revoking = st.successive_revoking.saturating_add(1);
                    st.delay = revoking_backoff(st.successive_revoking, self.max_delay);
                    if st.delay != 0 {
                        st.scheduled_rebalance = now.saturating_add(i64::from(st.delay));
                    }
                    st.delay == 0
                } else {
                    st.revoked_in_previous = true;
                    true
                };
                if apply {
                    for (w, items) in excess.into_iter().enumerate() {
                        for item in items {
                            next[w].remove(&item);
                            revoked[w].insert(item);
                        }
                    }
                }
            } else if st.revoked_in_previous {
                // Balanced again: the next revoking round starts the back-off afresh.
                st.revoked_in_previous = false;
                st.successive_revoking = 0;
            }
        } else {
            st.revoked_in_previous = false;
        }

        let no_preference = BTreeSet::new();
        match lost_fate {
            LostFate::Hold => {}
            LostFate::AssignNow => plan.fill(&workers, &mut next, &lost, &no_preference),
            LostFate::ToCandidates(candidates) => {
                plan.fill(&workers, &mut next, &lost, &candidates)
            }
        }
        plan.fill(&workers, &mut next, &created, &no_preference);

        let st = &mut self.state;
        let mut assignments = BTreeMap::new();
        for (w, id) in workers.iter().enumerate() {
            let mut a = header(round, round.config_offset);
            a.delay_ms = st.delay;
            for item in next[w].difference(&held[w]) {
                push_item(item, &mut a.connectors, &mut a.tasks);
            }
            for item in &revoked[w] {
                push_item(item, &mut a.revoked_connectors, &mut a.revoked_tasks);
            }
            assignments.insert(id.to_string(), a);
        }

        st.previous = next.into_iter().flatten().chain(lost).collect();
        st.previous_revoked = revoked.into_iter().flatten().collect();
        st.previous_members = workers.iter().map(|w| w.to_string()).collect();
        st.generation = Some(round.generation);
        assignments
    }

    /// Decides whether a departed worker's items wait for it, and starts, continues or ends
    /// the delay. Kafka Connect's rules, in its order.
    fn handle_lost(
        &mut self,
        lost: &BTreeSet<Item>,
        workers: &[&str],
        next: &[BTreeSet<Item>],
        now: i64,
    ) -> LostFate {
        let max_delay = self.max_delay;
        let st = &mut self.state;
        if lost.is_empty() && !st.revoked_in_previous {
            st.reset_delay();
            return LostFate::Hold;
        }
        let nobody_left = st
            .previous_members
            .iter()
            .all(|m| workers.contains(&m.as_str()));
        if st.scheduled_rebalance <= 0 && nobody_left {
            // Nobody left: the items went missing some other way (a member missed its
            // assignment), and no one is coming back for them.
            return LostFate::AssignNow;
        }
        if max_delay == 0 {
            return LostFate::AssignNow;
        }
        if st.scheduled_rebalance > 0 && now >= st.scheduled_rebalance {
            let present: BTreeSet<String> = st
                .candidates
                .iter()
                .filter(|c| workers.contains(&c.as_str()))
                .cloned()
                .collect();
            st.reset_delay();
            // The full delay has passed, so a revoking round is allowed at once.
            st.revoked_in_previous = false;
            return if present.is_empty() {
                LostFate::AssignNow
            } else {
                LostFate::ToCandidates(present)
            };
        }
        for (w, items) in next.iter().enumerate() {
            if items.is_empty() {
                st.candidates.insert(workers[w].to_string());
            }
        }
        st.delay = if now < st.scheduled_rebalance {
            let remaining = (st.scheduled_rebalance - now).min(i64::from(max_delay));
            i32::try_from(remaining).unwrap_or(max_delay)
        } else {
            max_delay
        };
        st.scheduled_rebalance = now.saturating_add(i64::from(st.delay));
        LostFate::Hold
    }
}

impl State {
    fn reset_delay(&mut self) {
        self.candidates.clear();
        self.scheduled_rebalance = 0;
        self.delay = 0;
    }
}

/// What happens to the items whose worker is gone.
enum LostFate {
    /// Wait: the worker may come back within the delay.
    Hold,
    /// Place them like new items.
    AssignNow,
    /// The delay expired: the workers that were empty meanwhile get them first (probably the
    /// departed workers, back under new ids), up to their fair share.
    ToCandidates(BTreeSet<String>),
}

fn revoking_backoff(attempt: u32, max_delay: i32) -> i32 {
    if max_delay == 0 {
        return 0;
    }
    let mut delay: i64 = 1;
    for _ in 0..attempt {
        delay = delay.saturating_mul(REVOKING_BACKOFF_MULTIPLIER);
        if delay >= i64::from(max_delay) {
            return max_delay;
        }
    }
    i32::try_from(delay).unwrap_or(max_delay)
}

/// How many items of each kind a worker would run in a balanced group.
///
/// Each worker's number of connectors is ⌊n/W⌋ or ⌈n/W⌉; each connector's tasks are
/// ⌊tasks/W⌋ or ⌈tasks/W⌉ per worker, and the workers that take the extra task of each
/// connector are chosen so that every worker's total also stays within one of the others.
///
/// The plan is a function of what the workers hold now, preferring to give the extra items
/// to the workers that already run them. That makes it stable: once the items above a
/// worker's target are revoked, the next round computes the same targets and only fills the
/// gaps, so balance takes two rounds and never a third.
struct Plan {
    connectors: Vec<usize>,
    tasks: BTreeMap<String, Vec<usize>>,
}

impl Plan {
    fn new(workers: &[&str], connectors: &BTreeMap<String, u32>, next: &[BTreeSet<Item>]) -> Plan {
        let n = workers.len().max(1);
        let loads: Vec<Load> = next.iter().map(|items| Load::of(items)).collect();

        let q = connectors.len() / n;
        let r = connectors.len() % n;
        let mut order: Vec<usize> = (0..workers.len()).collect();
        order.sort_by_key(|&w| (loads[w].connectors <= q, w));
        let mut connector_targets = vec![q; workers.len()];
        for &w in order.iter().take(r) {
            connector_targets[w] += 1;
        }

        // Handing each connector's extra tasks to the workers with the fewest extras so far
        // keeps the extras per worker within one of each other, whatever the order; among
        // those, the ones already running an extra task of the connector keep it.
        let mut extras = vec![0usize; workers.len()];
        let mut tasks = BTreeMap::new();
        for (connector, &count) in connectors {
            let count = count as usize;
            let q = count / n;
            let r = count % n;
            let mut order: Vec<usize> = (0..workers.len()).collect();
            order.sort_by_key(|&w| (extras[w], loads[w].of_connector(connector) <= q, w));
            let mut targets = vec![q; workers.len()];
            for &w in order.iter().take(r) {
                targets[w] += 1;
                extras[w] += 1;
            }
            tasks.insert(connector.clone(), targets);
        }
        Plan {
            connectors: connector_targets,
            tasks,
        }
    }

    fn task_target(&self, connector: &str, w: usize) -> usize {
        self.tasks
            .get(connector)
            .and_then(|t| t.get(w))
            .copied()
            .unwrap_or(0)
    }

    fn connector_target(&self, w: usize) -> usize {
        self.connectors.get(w).copied().unwrap_or(0)
    }

    /// The items each worker runs beyond its target: the last connectors by name and the
    /// highest-numbered tasks, so the choice is reproducible.
    fn excess(&self, next: &[BTreeSet<Item>]) -> Vec<BTreeSet<Item>> {
        next.iter()
            .enumerate()
            .map(|(w, items)| {
                let mut out = BTreeSet::new();
                let connectors: Vec<&Item> = items.iter().filter(|i| is_connector(i)).collect();
                let over = connectors.len().saturating_sub(self.connector_target(w));
                out.extend(connectors.iter().rev().take(over).map(|i| (*i).clone()));

                let mut by_connector: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
                for item in items.iter().filter(|i| !is_connector(i)) {
                    by_connector.entry(&item.connector).or_default().push(item);
                }
                for (connector, tasks) in by_connector {
                    let over = tasks.len().saturating_sub(self.task_target(connector, w));
                    out.extend(tasks.iter().rev().take(over).map(|i| (*i).clone()));
                }
                out
            })
            .collect()
    }

    /// Places unheld items: on workers below their target first (`preferred` ones before
    /// the others), then on the least loaded, by the connector's tasks and then by total.
    fn fill(
        &self,
        workers: &[&str],
        next: &mut [BTreeSet<Item>],
        items: &BTreeSet<Item>,
        preferred: &BTreeSet<String>,
    ) {
        if workers.is_empty() {
            return;
        }
        let mut loads: Vec<Load> = next.iter().map(|items| Load::of(items)).collect();
        for item in items {
            let chosen = if is_connector(item) {
                (0..workers.len()).min_by_key(|&w| {
                    let load = &loads[w];
                    (
                        load.connectors >= self.connector_target(w),
                        !preferred.contains(workers[w]),
                        load.connectors,
                        w,
                    )
                })
            } else {
                (0..workers.len()).min_by_key(|&w| {
                    let load = &loads[w];
                    let mine = load.of_connector(&item.connector);
                    (
                        mine >= self.task_target(&item.connector, w),
                        !preferred.contains(workers[w]),
                        mine,
                        load.tasks,
                        w,
                    )
                })
            };
            if let Some(w) = chosen {
                loads[w].add(item);
                next[w].insert(item.clone());
            }
        }
    }
}

/// A worker's counts, as the plan and the placement compare them.
#[derive(Default)]
struct Load {
    connectors: usize,
    tasks: usize,
    per_connector: BTreeMap<String, usize>,
}

impl Load {
    fn of(items: &BTreeSet<Item>) -> Load {
        let mut load = Load::default();
        for item in items {
            load.add(item);
        }
        load
    }

    fn add(&mut self, item: &Item) {
        if is_connector(item) {
            self.connectors += 1;
        } else {
            self.tasks += 1;
            *self
                .per_connector
                .entry(item.connector.clone())
                .or_default() += 1;
        }
    }

    fn of_connector(&self, connector: &str) -> usize {
        self.per_connector.get(connector).copied().unwrap_or(0)
    }
}

/// Kafka Connect's `EagerAssignor`: connectors, then tasks, dealt round-robin over the
/// members in id order, one iterator throughout, so a group of one-task connectors does not
/// put every connector on one half of the workers and every task on the other.
fn eager(
    round: &Round<'_>,
    members: &BTreeMap<&str, &WorkerMetadata>,
) -> BTreeMap<String, Assignment> {
    let ids: Vec<&str> = members.keys().copied().collect();
    let mut assignments: Vec<Assignment> = ids
        .iter()
        .map(|_| header(round, round.config_offset))
        .collect();
    let n = assignments.len();
    let mut next = 0usize;
    for connector in round.connectors.keys() {
        assignments[next % n].connectors.push(connector.clone());
        next += 1;
    }
    for (connector, &count) in round.connectors {
        for task in 0..task_number(count) {
            assignments[next % n]
                .tasks
                .push(ConnectorTaskId::new(connector.clone(), task));
            next += 1;
        }
    }
    ids.into_iter()
        .map(str::to_string)
        .zip(assignments)
        .collect()
}

/// The assignment fields every member of a round shares.
fn header(round: &Round<'_>, config_offset: i64) -> Assignment {
    Assignment {
        version: round.protocol.version(),
        error: NO_ERROR,
        leader: round.leader_id.to_string(),
        leader_url: round.leader_url.to_string(),
        config_offset,
        ..Assignment::default()
    }
}

/// Task numbers are int32 on the wire; a count beyond that cannot be committed.
fn task_number(count: u32) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

fn configured_items(connectors: &BTreeMap<String, u32>) -> BTreeSet<Item> {
    let mut items = BTreeSet::new();
    for (connector, &count) in connectors {
        items.insert(ConnectorTaskId::new(connector.clone(), CONNECTOR_TASK));
        for task in 0..task_number(count) {
            items.insert(ConnectorTaskId::new(connector.clone(), task));
        }
    }
    items
}

/// What a member runs now: its whole allocation (none before its first assignment, or
/// under the eager protocol).
fn allocation(metadata: &WorkerMetadata) -> BTreeSet<Item> {
    let Some(a) = &metadata.allocation else {
        return BTreeSet::new();
    };
    a.connectors
        .iter()
        .map(|c| ConnectorTaskId::new(c.clone(), CONNECTOR_TASK))
        .chain(a.tasks.iter().cloned())
        .collect()
}

fn is_connector(item: &Item) -> bool {
    item.task == CONNECTOR_TASK
}

fn push_item(item: &Item, connectors: &mut Vec<String>, tasks: &mut Vec<ConnectorTaskId>) {
    if is_connector(item) {
        connectors.push(item.connector.clone());
    } else {
        tasks.push(item.clone());
    }
}
