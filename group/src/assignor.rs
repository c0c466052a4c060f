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
//! `scheduled.rebalance.max.delay.ms` in case it comes back, then balance. Some things are
//! done better:
//!
//! - Balance is per connector as well as per worker: a connector's tasks are spread evenly
//!   over the workers (KAFKA-17049), while each worker's total stays within one of the others.
//! - Any item a member runs that is not configured is revoked, not only the ones the leader
//!   remembers assigning, so a new leader also stops deleted connectors.
//! - A worker leaving when none of its items is lost (say, right after a revoking round)
//!   starts no delay: there is nothing to wait for.
//! - When the delay expires, the workers that were empty meanwhile take the lost items only
//!   up to their fair share; Kafka Connect gives them all, and rebalances again later.
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
        // Nothing to wait for unless a revoking back-off is pending. Kafka Connect also starts
        // the full delay when nothing is lost but a worker left right after a revoking round,
        // which only stalls balancing; the back-off below handles that round instead.
        if lost.is_empty() && (!st.revoked_in_previous || st.scheduled_rebalance <= 0) {
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
        let loads: Vec<Load> = next.iter().map(Load::of).collect();

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
        let mut loads: Vec<Load> = next.iter().map(Load::of).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX_DELAY: i32 = 300_000;
    const OFFSET: i64 = 10;

    fn item(connector: &str, task: i32) -> Item {
        ConnectorTaskId::new(connector, task)
    }

    /// A group of workers that apply their assignments as Kafka Connect's workers do
    /// (previous − revoked + assigned), with the leader's assignor.
    struct Group {
        assignor: IncrementalCooperativeAssignor,
        max_delay: i32,
        workers: BTreeMap<String, BTreeSet<Item>>,
        connectors: BTreeMap<String, u32>,
        leader: String,
        now: i64,
        generation: i32,
        joined: usize,
        /// A member that does not get the next assignment (its SyncGroup fails) and rejoins
        /// with what it ran before.
        misses: Option<String>,
    }

    impl Group {
        fn new(max_delay: i32, workers: &[&str], connectors: &[(&str, u32)]) -> Group {
            Group {
                assignor: IncrementalCooperativeAssignor::new(max_delay),
                max_delay,
                workers: workers
                    .iter()
                    .map(|w| (w.to_string(), BTreeSet::new()))
                    .collect(),
                connectors: connectors
                    .iter()
                    .map(|(c, n)| (c.to_string(), *n))
                    .collect(),
                leader: workers.first().map(|w| w.to_string()).unwrap_or_default(),
                now: 1_000,
                generation: 0,
                joined: workers.len(),
                misses: None,
            }
        }

        fn join(&mut self, id: &str) {
            self.workers.insert(id.to_string(), BTreeSet::new());
        }

        /// The worker dies or leaves: what it ran stops with it. A leader's state dies too,
        /// and the broker picks another member.
        fn leave(&mut self, id: &str) {
            self.workers.remove(id);
            if id == self.leader {
                self.assignor = IncrementalCooperativeAssignor::new(self.max_delay);
                self.leader = self.workers.keys().next().cloned().unwrap_or_default();
            }
        }

        fn members(&self) -> Vec<Member> {
            self.workers
                .iter()
                .map(|(id, items)| {
                    let mut allocation = Assignment {
                        version: 2,
                        ..Assignment::default()
                    };
                    for i in items {
                        push_item(i, &mut allocation.connectors, &mut allocation.tasks);
                    }
                    Member {
                        id: id.clone(),
                        metadata: WorkerMetadata {
                            version: 2,
                            url: format!("http://{id}:8083/"),
                            config_offset: OFFSET,
                            allocation: Some(allocation),
                        },
                    }
                })
                .collect()
        }

        fn configured(&self) -> BTreeSet<Item> {
            configured_items(&self.connectors)
        }

        /// One rebalance: every member rejoins, the leader assigns, members apply. Checks
        /// the rules that must hold after every round.
        fn round(&mut self) -> BTreeMap<String, Assignment> {
            self.generation += 1;
            let members = self.members();
            let leader_url = format!("http://{}:8083/", self.leader);
            let round = Round {
                leader_id: &self.leader,
                leader_url: &leader_url,
                config_offset: OFFSET,
                protocol: ConnectProtocol::Sessioned,
                connectors: &self.connectors,
                members: &members,
                now_ms: self.now,
                generation: self.generation,
                last_completed_generation: self.generation - 1,
            };
            let out = self.assignor.assign(&round);
            assert_eq!(
                out.keys().collect::<Vec<_>>(),
                self.workers.keys().collect::<Vec<_>>()
            );
            let delay = out.values().next().map(|a| a.delay_ms).unwrap_or(0);
            let before: BTreeMap<Item, Vec<String>> = self.holders();
            let mut revoked_now = BTreeSet::new();
            let missed = self.misses.take();
            for (id, a) in &out {
                assert_eq!(a.error, NO_ERROR);
                assert_eq!(a.delay_ms, delay, "every member gets the same delay");
                assert_eq!(a.version, 2);
                assert_eq!(a.leader, self.leader);
                if missed.as_ref() == Some(id) {
                    continue;
                }
                let held = self.workers.get_mut(id).unwrap();
                for i in revoked_items(a) {
                    assert!(held.remove(&i), "{id} told to revoke {i} it does not run");
                    revoked_now.insert(i);
                }
                for i in assigned_items(a) {
                    assert!(
                        !before.contains_key(&i),
                        "{i} assigned to {id} while {:?} still run it",
                        before.get(&i)
                    );
                    held.insert(i);
                }
            }
            for (i, hs) in self.holders() {
                assert!(hs.len() == 1, "{i} held by {hs:?}");
            }
            for i in self.configured() {
                if missed.is_none() && !self.holders().contains_key(&i) {
                    assert!(
                        delay > 0 || revoked_now.contains(&i),
                        "{i} unassigned with no delay and not revoked this round"
                    );
                }
            }
            out
        }

        fn holders(&self) -> BTreeMap<Item, Vec<String>> {
            let mut out: BTreeMap<Item, Vec<String>> = BTreeMap::new();
            for (id, items) in &self.workers {
                for i in items {
                    out.entry(i.clone()).or_default().push(id.clone());
                }
            }
            out
        }

        /// Every configured item runs exactly once, nothing else runs, and connectors, tasks
        /// and each connector's tasks are spread within one over the workers.
        fn balanced(&self) -> Result<(), String> {
            let holders = self.holders();
            let configured = self.configured();
            if holders.keys().cloned().collect::<BTreeSet<_>>() != configured {
                return Err(format!("held {:?} != configured", holders.keys()));
            }
            let spread = |f: &dyn Fn(&BTreeSet<Item>) -> usize| {
                let counts: Vec<usize> = self.workers.values().map(f).collect();
                counts.iter().max().unwrap_or(&0) - counts.iter().min().unwrap_or(&0)
            };
            if spread(&|s| s.iter().filter(|i| is_connector(i)).count()) > 1 {
                return Err(format!("connectors unbalanced: {:?}", self.workers));
            }
            if spread(&|s| s.iter().filter(|i| !is_connector(i)).count()) > 1 {
                return Err(format!("tasks unbalanced: {:?}", self.workers));
            }
            for c in self.connectors.keys() {
                if spread(&|s| {
                    s.iter()
                        .filter(|i| !is_connector(i) && &i.connector == c)
                        .count()
                }) > 1
                {
                    return Err(format!("{c}'s tasks unbalanced: {:?}", self.workers));
                }
            }
            Ok(())
        }

        fn held_by(&self, id: &str) -> BTreeSet<Item> {
            self.workers[id].clone()
        }
    }

    fn assigned_items(a: &Assignment) -> BTreeSet<Item> {
        a.connectors
            .iter()
            .map(|c| item(c, CONNECTOR_TASK))
            .chain(a.tasks.iter().cloned())
            .collect()
    }

    fn revoked_items(a: &Assignment) -> BTreeSet<Item> {
        a.revoked_connectors
            .iter()
            .map(|c| item(c, CONNECTOR_TASK))
            .chain(a.revoked_tasks.iter().cloned())
            .collect()
    }

    fn nothing_revoked(out: &BTreeMap<String, Assignment>) -> bool {
        out.values().all(|a| revoked_items(a).is_empty())
    }

    #[test]
    fn first_round_assigns_everything_balanced() {
        let mut g = Group::new(
            MAX_DELAY,
            &["w1", "w2", "w3"],
            &[("a", 4), ("b", 2), ("c", 0)],
        );
        let out = g.round();
        assert!(nothing_revoked(&out));
        let a = &out["w2"];
        assert_eq!(
            (
                a.version,
                a.leader.as_str(),
                a.leader_url.as_str(),
                a.config_offset,
                a.delay_ms
            ),
            (2, "w1", "http://w1:8083/", OFFSET, 0)
        );
        g.balanced().unwrap();
        // The connector with no tasks still runs somewhere.
        assert!(g.holders().contains_key(&item("c", CONNECTOR_TASK)));
    }

    #[test]
    fn joining_worker_gets_revoked_items_in_the_next_round() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2"], &[("a", 6)]);
        g.round();
        g.join("w3");
        let out = g.round();
        let revoked: BTreeSet<Item> = out.values().flat_map(revoked_items).collect();
        assert_eq!(revoked.iter().filter(|i| !is_connector(i)).count(), 2);
        assert!(assigned_items(&out["w3"]).is_empty());
        assert_eq!(out["w3"].delay_ms, 0);
        let out = g.round();
        assert!(nothing_revoked(&out));
        assert_eq!(assigned_items(&out["w3"]), revoked);
        g.balanced().unwrap();
    }

    #[test]
    fn departed_worker_items_wait_for_the_delay_then_go_to_the_others() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2", "w3"], &[("a", 6), ("b", 0)]);
        g.round();
        let gone = g.held_by("w3");
        assert!(!gone.is_empty());
        g.leave("w3");
        let out = g.round();
        assert_eq!(out["w1"].delay_ms, MAX_DELAY);
        assert!(out.values().all(|a| assigned_items(a).is_empty()));
        assert_eq!(
            g.assignor.scheduled_rebalance_ms(),
            Some(g.now + i64::from(MAX_DELAY))
        );
        let deadline = g.now + i64::from(MAX_DELAY);

        g.now += 100_000;
        let out = g.round();
        assert_eq!(
            out["w1"].delay_ms,
            MAX_DELAY - 100_000,
            "the delay keeps its deadline"
        );
        assert!(gone.iter().all(|i| !g.holders().contains_key(i)));

        g.now = deadline;
        let out = g.round();
        assert_eq!(out["w1"].delay_ms, 0);
        let reassigned: BTreeSet<Item> = out.values().flat_map(assigned_items).collect();
        assert_eq!(reassigned, gone);
        g.balanced().unwrap();
        assert_eq!(g.assignor.scheduled_rebalance_ms(), None);
    }

    #[test]
    fn worker_back_before_expiry_gets_its_share_back() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2", "w3"], &[("a", 6), ("b", 3)]);
        g.round();
        let gone = g.held_by("w3");
        let (w1, w2) = (g.held_by("w1"), g.held_by("w2"));
        g.leave("w3");
        g.round();
        g.now += 20_000;
        g.join("w4"); // w3 restarted, under a new member id
        let out = g.round();
        assert_eq!(out["w4"].delay_ms, MAX_DELAY - 20_000);
        assert!(assigned_items(&out["w4"]).is_empty());
        assert!(nothing_revoked(&out));
        g.now += i64::from(MAX_DELAY);
        let out = g.round();
        assert!(nothing_revoked(&out));
        assert_eq!(assigned_items(&out["w4"]), gone);
        assert_eq!((g.held_by("w1"), g.held_by("w2")), (w1, w2));
        g.balanced().unwrap();
    }

    #[test]
    fn new_leader_reassigns_at_once() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2", "w3"], &[("a", 6), ("b", 2)]);
        g.round();
        let gone = g.held_by("w1");
        g.leave("w1"); // the leader, and its memory of the group
        assert_eq!(g.leader, "w2");
        let out = g.round();
        assert_eq!(out["w2"].delay_ms, 0);
        assert_eq!(out["w2"].leader, "w2");
        let reassigned: BTreeSet<Item> = out.values().flat_map(assigned_items).collect();
        assert_eq!(reassigned, gone);
        g.balanced().unwrap();
    }

    #[test]
    fn deleted_connector_is_revoked() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2"], &[("a", 2), ("b", 2)]);
        g.round();
        g.connectors.remove("b");
        let out = g.round();
        let revoked: BTreeSet<Item> = out.values().flat_map(revoked_items).collect();
        assert!(revoked.contains(&item("b", CONNECTOR_TASK)));
        assert!(revoked.contains(&item("b", 0)) && revoked.contains(&item("b", 1)));
        assert!(g.holders().keys().all(|i| i.connector == "a"));
        g.round();
        g.balanced().unwrap();
    }

    #[test]
    fn tasks_added_then_removed() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2", "w3"], &[("a", 2)]);
        g.round();
        g.connectors.insert("a".into(), 7);
        let out = g.round();
        assert!(nothing_revoked(&out), "new tasks need no revocation");
        g.balanced().unwrap();

        g.connectors.insert("a".into(), 2);
        let out = g.round();
        let revoked: BTreeSet<Item> = out.values().flat_map(revoked_items).collect();
        assert!((2..7).all(|t| revoked.contains(&item("a", t))));
        g.round();
        g.round();
        g.balanced().unwrap();
    }

    #[test]
    fn duplicated_items_are_revoked_from_every_holder_and_reassigned_next_round() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2"], &[("a", 2)]);
        g.workers
            .get_mut("w1")
            .unwrap()
            .extend([item("a", -1), item("a", 0), item("a", 1)]);
        g.workers.get_mut("w2").unwrap().insert(item("a", 1));
        let out = g.round();
        assert!(revoked_items(&out["w1"]).contains(&item("a", 1)));
        assert!(revoked_items(&out["w2"]).contains(&item("a", 1)));
        assert!(!g.holders().contains_key(&item("a", 1)));
        g.round();
        g.balanced().unwrap();
    }

    #[test]
    fn each_connector_tasks_are_spread_evenly() {
        // Balanced per worker (3 and 3), as Kafka Connect leaves it, but each connector
        // runs on one worker only.
        let mut g = Group::new(MAX_DELAY, &["w1", "w2"], &[("a", 4), ("b", 4)]);
        g.workers.get_mut("w1").unwrap().extend([
            item("a", -1),
            item("a", 0),
            item("a", 1),
            item("a", 2),
            item("a", 3),
        ]);
        g.workers.get_mut("w2").unwrap().extend([
            item("b", -1),
            item("b", 0),
            item("b", 1),
            item("b", 2),
            item("b", 3),
        ]);
        let out = g.round();
        assert!(!nothing_revoked(&out));
        g.round();
        g.balanced().unwrap();
        let out = g.round();
        assert!(nothing_revoked(&out) && out.values().all(|a| assigned_items(a).is_empty()));
    }

    #[test]
    fn successive_revoking_rounds_back_off() {
        assert_eq!(
            (1..=5)
                .map(|n| revoking_backoff(n, MAX_DELAY))
                .collect::<Vec<_>>(),
            [40, 1_600, 64_000, MAX_DELAY, MAX_DELAY]
        );
        assert_eq!(revoking_backoff(3, 0), 0);

        let mut g = Group::new(MAX_DELAY, &["w1", "w2"], &[("a", 12)]);
        g.round();
        g.join("w3");
        let out = g.round();
        assert!(!nothing_revoked(&out));
        g.join("w4");
        let out = g.round();
        assert_eq!(
            out["w1"].delay_ms, 40,
            "a second revoking round in a row waits"
        );
        assert!(nothing_revoked(&out));
        g.now += 40;
        let out = g.round();
        assert_eq!(out["w1"].delay_ms, 0);
        assert!(!nothing_revoked(&out));
        g.round();
        g.balanced().unwrap();
    }

    #[test]
    fn assignment_that_never_arrived_is_not_trusted() {
        let mut g = Group::new(MAX_DELAY, &["w1", "w2", "w3"], &[("a", 6)]);
        g.round();
        // Generation 2 is assigned but its SyncGroup fails: nobody applies it.
        g.join("w4");
        let connectors = g.connectors.clone();
        let members = g.members();
        let round = Round {
            leader_id: "w1",
            leader_url: "http://w1:8083/",
            config_offset: OFFSET,
            protocol: ConnectProtocol::Sessioned,
            connectors: &connectors,
            members: &members,
            now_ms: g.now,
            generation: 2,
            last_completed_generation: 1,
        };
        g.assignor.assign(&round);
        // Generation 3 follows generation 1 as far as the members know; w3 has left meanwhile.
        let gone = g.held_by("w3");
        g.leave("w3");
        let members = g.members();
        let round = Round {
            generation: 3,
            last_completed_generation: 1,
            members: &members,
            ..round
        };
        let out = g.assignor.assign(&round);
        // The leader rebuilt its view from the members: w3's items are new, placed at once.
        assert_eq!(out["w1"].delay_ms, 0);
        let assigned: BTreeSet<Item> = out.values().flat_map(assigned_items).collect();
        assert_eq!(assigned, gone);
    }

    #[test]
    fn zero_max_delay_reassigns_at_once() {
        let mut g = Group::new(0, &["w1", "w2", "w3"], &[("a", 6)]);
        g.round();
        g.leave("w3");
        let out = g.round();
        assert_eq!(out["w1"].delay_ms, 0);
        g.balanced().unwrap();
    }

    #[test]
    fn config_mismatch_fails_every_member() {
        let g = Group::new(MAX_DELAY, &["w1", "w2"], &[("a", 2)]);
        let mut members = g.members();
        members[1].metadata.config_offset = OFFSET + 5;
        let round = Round {
            leader_id: "w1",
            leader_url: "http://w1:8083/",
            config_offset: OFFSET,
            protocol: ConnectProtocol::Compatible,
            connectors: &g.connectors,
            members: &members,
            now_ms: 0,
            generation: 1,
            last_completed_generation: 0,
        };
        assert_eq!(round.config_behind(), Some(OFFSET + 5));
        let mut assignor = IncrementalCooperativeAssignor::new(MAX_DELAY);
        let out = assignor.assign(&round);
        assert!(is_config_mismatch(&out));
        for a in out.values() {
            assert_eq!(
                a,
                &Assignment {
                    version: 1,
                    error: CONFIG_MISMATCH,
                    leader: "w1".into(),
                    leader_url: "http://w1:8083/".into(),
                    config_offset: OFFSET + 5,
                    ..Assignment::default()
                }
            );
        }
    }

    #[test]
    fn eager_deals_connectors_then_tasks_round_robin() {
        let connectors: BTreeMap<String, u32> =
            [("c1".to_string(), 2), ("c2".to_string(), 3)].into();
        let members: Vec<Member> = ["b", "a", "c"]
            .iter()
            .map(|id| Member {
                id: id.to_string(),
                metadata: WorkerMetadata {
                    version: 0,
                    url: format!("http://{id}/"),
                    config_offset: 3,
                    allocation: None,
                },
            })
            .collect();
        let round = Round {
            leader_id: "a",
            leader_url: "http://a/",
            config_offset: 3,
            protocol: ConnectProtocol::Eager,
            connectors: &connectors,
            members: &members,
            now_ms: 0,
            generation: 1,
            last_completed_generation: 0,
        };
        let out = IncrementalCooperativeAssignor::new(MAX_DELAY).assign(&round);
        let got = |id: &str| (out[id].connectors.clone(), out[id].tasks.clone());
        let t = |c: &str, n| item(c, n);
        assert_eq!(
            got("a"),
            (vec!["c1".to_string()], vec![t("c1", 1), t("c2", 2)])
        );
        assert_eq!(got("b"), (vec!["c2".to_string()], vec![t("c2", 0)]));
        assert_eq!(got("c"), (vec![], vec![t("c1", 0), t("c2", 1)]));
        assert!(out.values().all(|a| a.version == 0 && a.delay_ms == 0));
        assert_eq!(out["c"].encode()[..2], [0, 0]);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Join,
        Leave(usize),
        SetTasks(usize, u32),
        Delete(usize),
        Tick(i64),
        MissAssignment(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Join),
            3 => any::<usize>().prop_map(Op::Leave),
            3 => (0..4usize, 0..7u32).prop_map(|(c, n)| Op::SetTasks(c, n)),
            1 => (0..4usize).prop_map(Op::Delete),
            2 => (0..400_000i64).prop_map(Op::Tick),
            1 => any::<usize>().prop_map(Op::MissAssignment),
        ]
    }

    fn apply(g: &mut Group, op: &Op) {
        match *op {
            Op::Join => {
                g.joined += 1;
                let id = format!("w{:02}", g.joined);
                g.join(&id);
            }
            Op::Leave(i) => {
                if g.workers.len() > 1 {
                    let id = g.workers.keys().nth(i % g.workers.len()).cloned().unwrap();
                    g.leave(&id);
                }
            }
            Op::SetTasks(c, n) => {
                g.connectors.insert(format!("c{c}"), n);
            }
            Op::Delete(c) => {
                g.connectors.remove(&format!("c{c}"));
            }
            Op::Tick(ms) => g.now += ms,
            Op::MissAssignment(i) => {
                g.misses = g.workers.keys().nth(i % g.workers.len()).cloned();
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Many rounds of workers joining and leaving (the leader too), connectors changing
        /// and members missing an assignment. Every round (checked in `Group::round`): an item is assigned only when
        /// no member runs it, no item runs twice, and (unless a member missed the round) an
        /// item runs nowhere only while a delay runs or in the round after its revocation. Then, with the group and config
        /// unchanged, members rejoin when told to: within two rounds of the last delay
        /// expiring everything runs once, balanced per worker and per connector, and stays so.
        #[test]
        fn rounds_never_double_assign_and_converge(
            max_delay in prop_oneof![Just(0), Just(5_000), Just(MAX_DELAY)],
            workers in 1..5usize,
            ops in proptest::collection::vec(op(), 0..40),
        ) {
            let ids: Vec<String> = (1..=workers).map(|i| format!("w{i:02}")).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let mut g = Group::new(max_delay, &ids, &[("c0", 3), ("c1", 1)]);
            g.round();
            let mut last = None;
            for op in &ops {
                apply(&mut g, op);
                last = Some(g.round());
            }
            let last = match last {
                Some(out) => out,
                None => g.round(),
            };

            // Index 0 is the round of the last change; members then rejoin when told to:
            // at once after a revocation, else when the delay is due.
            let mut delays = vec![last.values().next().map(|a| a.delay_ms).unwrap_or(0)];
            let mut balanced = vec![g.balanced()];
            let mut quiet = vec![false];
            for _ in 0..12 {
                let previous = delays.last().copied().unwrap_or(0);
                g.now += if previous > 0 { i64::from(previous) } else { 1 };
                let out = g.round();
                delays.push(out.values().next().map(|a| a.delay_ms).unwrap_or(0));
                balanced.push(g.balanced());
                quiet.push(
                    nothing_revoked(&out) && out.values().all(|a| assigned_items(a).is_empty()),
                );
            }
            let last_delay = delays.iter().rposition(|&d| d > 0);
            prop_assert!(last_delay.is_none_or(|d| d < 7), "delays keep coming: {delays:?}");
            let from = last_delay.map_or(1, |d| d + 2);
            for r in from..delays.len() {
                prop_assert!(balanced[r].is_ok(), "round {r} of {delays:?}: {:?}", balanced[r]);
                if r > from {
                    prop_assert!(quiet[r], "round {r} still moves items");
                }
            }
        }
    }
}
