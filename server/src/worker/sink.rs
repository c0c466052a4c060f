//! The sink runner: Kafka consumer -> converters -> Put -> Flush -> commit.
//!
//! Invariants:
//! - The consumer group is `connect-<connector>`; offsets are committed only as the
//!   connector's `Flushed` answer names them (Kafka Connect's preCommit), never before.
//! - At most `max_inflight_puts` Puts are unanswered; the consumer is not read meanwhile
//!   (librdkafka's own prefetch is bounded by `queued.max.messages.kbytes`).
//! - A Put that the connector answers with a RETRIABLE error is delivered again, unchanged,
//!   after the back-off.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use rdkafka::consumer::{CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Headers};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::{ClientContext, Message, Timestamp};
use tokio::sync::watch;

use super::{TaskContext, TaskExit};
use crate::config::SinkTopics;
use crate::converter::Converter;
use crate::data::{Header, Schema, SchemaType, Value};
use crate::plugin::streams::{ErrorKind, Liveness, SinkEvent, SinkStream, StreamError, TopicPartition};
use crate::record::{RecordData, SinkRecord, TimestampType, TraceContext};
use crate::storage::status::State;

#[derive(Debug)]
enum RebalanceEvent {
    Assigned(Vec<TopicPartition>),
    Revoked(Vec<TopicPartition>),
}

struct SinkContext {
    events: Arc<Mutex<Vec<RebalanceEvent>>>,
}

impl ClientContext for SinkContext {}

fn tpl_vec(tpl: &TopicPartitionList) -> Vec<TopicPartition> {
    tpl.elements()
        .iter()
        .map(|e| (e.topic().to_string(), e.partition()))
        .collect()
}

impl ConsumerContext for SinkContext {
    fn pre_rebalance(&self, _c: &rdkafka::consumer::BaseConsumer<Self>, r: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = r {
            self.events.lock().unwrap().push(RebalanceEvent::Revoked(tpl_vec(tpl)));
        }
    }
    fn post_rebalance(&self, _c: &rdkafka::consumer::BaseConsumer<Self>, r: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = r {
            self.events.lock().unwrap().push(RebalanceEvent::Assigned(tpl_vec(tpl)));
        }
    }
}

type SinkConsumer = StreamConsumer<SinkContext>;

pub async fn run(ctx: TaskContext, mut shutdown: watch::Receiver<bool>) -> TaskExit {
    let topics = match ctx.connector.sink_topics() {
        Ok(t) => t,
        Err(e) => return ctx.fail(e.to_string()),
    };
    let (key_conv, value_conv) = match ctx.converters() {
        Ok(c) => c,
        Err(e) => return ctx.fail(e),
    };
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut backoff = super::Backoff::new();
    loop {
        if *shutdown.borrow() {
            return TaskExit::Stopped;
        }
        let session = match ctx.plugin.connect(&ctx.worker, ctx.connector.class()).await {
            Ok(s) => s,
            Err(crate::plugin::PluginError::Incompatible(e)) => return ctx.fail(e),
            Err(e) => {
                ctx.status(State::Restarting, Some(e.to_string()));
                if backoff.wait(&mut shutdown).await {
                    return TaskExit::Stopped;
                }
                continue;
            }
        };
        let liveness = Liveness::new(ctx.worker.heartbeat_interval, ctx.worker.idle_timeout);
        let stream = match SinkStream::open(
            &session,
            ctx.connector.class(),
            ctx.connector.name(),
            ctx.task_id,
            &ctx.task_config,
            liveness,
        )
        .await
        {
            Ok(s) => s,
            Err(StreamError::Disconnected(e)) | Err(StreamError::Timeout(e)) => {
                ctx.status(State::Restarting, Some(e));
                if backoff.wait(&mut shutdown).await {
                    return TaskExit::Stopped;
                }
                continue;
            }
            Err(e) => return ctx.fail(e.to_string()),
        };
        // A fresh consumer per stream: it resumes from the committed offsets, so records put
        // to a connector that went away without flushing them are delivered again.
        events.lock().unwrap().clear();
        let consumer: SinkConsumer = match crate::kafka::consumer_config(&ctx.worker, &ctx.connector, ctx.task_id)
            .create_with_context(SinkContext { events: events.clone() })
        {
            Ok(c) => c,
            Err(e) => return ctx.fail(format!("cannot create the Kafka consumer: {e}")),
        };
        let subscribed = match &topics {
            SinkTopics::List(list) => {
                let refs: Vec<&str> = list.iter().map(String::as_str).collect();
                consumer.subscribe(&refs)
            }
            SinkTopics::Regex(r) => consumer.subscribe(&[&format!("^{}", r.trim_start_matches('^'))]),
        };
        if let Err(e) = subscribed {
            return ctx.fail(format!("cannot subscribe: {e}"));
        }
        ctx.status(State::Running, None);
        tracing::info!(connector = ctx.connector.name(), task = ctx.task_id, endpoint = %session.target.describe(), sdk = %session.negotiated.sdk, "sink task started");
        let mut runner = Runner {
            ctx: &ctx,
            consumer: &consumer,
            events: &events,
            key_conv: key_conv.as_ref(),
            value_conv: value_conv.as_ref(),
            positions: BTreeMap::new(),
            inflight: HashMap::new(),
            next_put: 1,
            next_flush: 1,
            flush_pending: None,
            assigned: Vec::new(),
            dirty: false,
        };
        let result = runner.run_stream(stream, &mut shutdown).await;
        match result {
            Ok(()) => return TaskExit::Stopped,
            Err(StreamError::Disconnected(e)) | Err(StreamError::Timeout(e)) => {
                tracing::warn!(connector = ctx.connector.name(), task = ctx.task_id, error = %e, "sink task lost its connector; restarting");
                ctx.status(State::Restarting, Some(e));
                if backoff.wait(&mut shutdown).await {
                    return TaskExit::Stopped;
                }
            }
            Err(e) => return ctx.fail(e.to_string()),
        }
    }
}

struct Runner<'a> {
    ctx: &'a TaskContext,
    consumer: &'a SinkConsumer,
    events: &'a Arc<Mutex<Vec<RebalanceEvent>>>,
    key_conv: &'a dyn Converter,
    value_conv: &'a dyn Converter,
    /// Next offset to consume, per partition, over the records put so far.
    positions: BTreeMap<TopicPartition, i64>,
    /// Unanswered Puts, kept for redelivery after a retriable error.
    inflight: HashMap<u64, Vec<SinkRecord>>,
    next_put: u64,
    next_flush: u64,
    flush_pending: Option<u64>,
    assigned: Vec<TopicPartition>,
    dirty: bool,
}

impl Runner<'_> {
    async fn run_stream(&mut self, mut stream: SinkStream, shutdown: &mut watch::Receiver<bool>) -> Result<(), StreamError> {
        let w = &self.ctx.worker;
        let mut flush_tick = tokio::time::interval(w.offset_flush_interval);
        flush_tick.tick().await;
        let mut hb_tick = tokio::time::interval(w.heartbeat_interval.min(Duration::from_secs(1)).max(Duration::from_millis(100)));
        let max_batch = w.sink_max_batch_records.max(1);
        let mut retry_at: Option<(tokio::time::Instant, u64)> = None;
        loop {
            let can_put = self.inflight.len() < stream.max_inflight_puts && retry_at.is_none();
            tokio::select! {
                msg = self.consumer.recv(), if can_put => {
                    self.apply_rebalance(&mut stream).await?;
                    let first = msg.map_err(|e| StreamError::Disconnected(format!("Kafka consumer: {e}")))?;
                    let mut batch = Vec::with_capacity(64);
                    batch.push(self.to_sink_record(&first)?);
                    drop(first);
                    while batch.len() < max_batch {
                        match self.consumer.recv().now_or_never() {
                            Some(Ok(m)) => batch.push(self.to_sink_record(&m)?),
                            Some(Err(e)) => return Err(StreamError::Disconnected(format!("Kafka consumer: {e}"))),
                            None => break,
                        }
                    }
                    self.apply_rebalance(&mut stream).await?;
                    self.put(&mut stream, batch).await?;
                }
                ev = stream.recv() => {
                    match ev? {
                        SinkEvent::PutDone { put_id } => { self.inflight.remove(&put_id); }
                        SinkEvent::Flushed { flush_id, offsets } => self.on_flushed(flush_id, offsets)?,
                        SinkEvent::Errant { topic, partition, offset, error } => {
                            tracing::error!(connector = self.ctx.connector.name(), task = self.ctx.task_id, %topic, partition, offset, error = %error.trace(), "the sink connector reported an errant record");
                        }
                        SinkEvent::Error { error, put_id } if error.kind == ErrorKind::Retriable && put_id != 0 => {
                            let delay = error.retry_after.unwrap_or(Duration::from_secs(1)).min(Duration::from_secs(60));
                            tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, put_id, ?delay, error = %error.trace(), "retriable put error; redelivering");
                            retry_at = Some((tokio::time::Instant::now() + delay, put_id));
                        }
                        SinkEvent::Error { error, .. } if error.kind == ErrorKind::Retriable => {
                            tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %error.trace(), "retriable error from the sink task");
                        }
                        SinkEvent::Error { error, .. } => return Err(StreamError::Connector(error)),
                        SinkEvent::Heartbeat => {}
                    }
                }
                _ = async { tokio::time::sleep_until(retry_at.map(|r| r.0).unwrap_or_else(tokio::time::Instant::now)).await }, if retry_at.is_some() => {
                    let (_, put_id) = retry_at.take().expect("checked");
                    if let Some(records) = self.inflight.get(&put_id).cloned() {
                        stream.put(put_id, records).await?;
                    }
                }
                _ = flush_tick.tick() => {
                    self.apply_rebalance(&mut stream).await?;
                    self.request_flush(&mut stream).await?;
                }
                _ = hb_tick.tick() => {
                    if stream.liveness.needs_heartbeat() {
                        stream.heartbeat().await?;
                    }
                    stream.liveness.check_idle()?;
                    self.apply_rebalance(&mut stream).await?;
                }
                _ = shutdown.changed() => {
                    return self.stop(stream).await;
                }
            }
        }
    }

    async fn apply_rebalance(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        let events = std::mem::take(&mut *self.events.lock().unwrap());
        for e in events {
            match e {
                RebalanceEvent::Assigned(parts) => {
                    tracing::info!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?parts, "partitions assigned");
                    self.assigned.extend(parts.iter().cloned());
                    stream.open_partitions(&parts).await?;
                }
                RebalanceEvent::Revoked(parts) => {
                    tracing::info!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?parts, "partitions revoked");
                    self.assigned.retain(|p| !parts.contains(p));
                    for p in &parts {
                        self.positions.remove(p);
                    }
                    stream.close_partitions(&parts).await?;
                }
            }
        }
        Ok(())
    }

    fn to_sink_record(&self, m: &BorrowedMessage<'_>) -> Result<SinkRecord, StreamError> {
        let topic = m.topic();
        let convert = |conv: &dyn Converter, bytes: Option<&[u8]>, what: &str| {
            conv.to_connect(topic, bytes).map_err(|e| {
                StreamError::Connector(crate::plugin::streams::ConnectorError {
                    kind: ErrorKind::Fatal,
                    message: format!(
                        "{what} conversion failed for {topic}-{} at offset {}: {}",
                        m.partition(),
                        m.offset(),
                        e.message
                    ),
                    error_class: "org.apache.kafka.connect.errors.DataException".into(),
                    detail: String::new(),
                    retry_after: None,
                    record_seq: 0,
                    kafka: Some((topic.to_string(), m.partition(), m.offset())),
                })
            })
        };
        let key = RecordData::Structured(convert(self.key_conv, m.key(), "Key")?);
        let value = RecordData::Structured(convert(self.value_conv, m.payload(), "Value")?);
        let (timestamp, timestamp_type) = match m.timestamp() {
            Timestamp::NotAvailable => (None, TimestampType::NoTimestampType),
            Timestamp::CreateTime(t) => (Some(t), TimestampType::CreateTime),
            Timestamp::LogAppendTime(t) => (Some(t), TimestampType::LogAppendTime),
        };
        let mut headers = Vec::new();
        let mut trace = TraceContext::default();
        if let Some(hs) = m.headers() {
            for h in hs.iter() {
                let value = match h.value {
                    Some(b) => Value::Bytes(bytes::Bytes::copy_from_slice(b)),
                    None => Value::Null,
                };
                if h.key == "traceparent" {
                    if let Some(b) = h.value {
                        trace.traceparent = String::from_utf8_lossy(b).into_owned();
                    }
                } else if h.key == "tracestate" {
                    if let Some(b) = h.value {
                        trace.tracestate = String::from_utf8_lossy(b).into_owned();
                    }
                }
                headers.push(Header {
                    key: h.key.to_string(),
                    schema: Some(Arc::new(Schema::new(SchemaType::Bytes).optional())),
                    value,
                });
            }
        }
        Ok(SinkRecord {
            topic: topic.to_string(),
            kafka_partition: m.partition(),
            kafka_offset: m.offset(),
            key,
            value,
            timestamp,
            timestamp_type,
            headers,
            original_topic: topic.to_string(),
            original_kafka_partition: m.partition(),
            trace,
        })
    }

    async fn put(&mut self, stream: &mut SinkStream, batch: Vec<SinkRecord>) -> Result<(), StreamError> {
        for r in &batch {
            self.positions
                .insert((r.original_topic.clone(), r.original_kafka_partition), r.kafka_offset + 1);
        }
        let id = self.next_put;
        self.next_put += 1;
        self.inflight.insert(id, batch.clone());
        self.dirty = true;
        stream.put(id, batch).await
    }

    async fn request_flush(&mut self, stream: &mut SinkStream) -> Result<(), StreamError> {
        if self.flush_pending.is_some() || !self.dirty || self.positions.is_empty() {
            return Ok(());
        }
        let id = self.next_flush;
        self.next_flush += 1;
        self.flush_pending = Some(id);
        self.dirty = false;
        stream.flush(id, &self.positions).await
    }

    fn on_flushed(&mut self, flush_id: u64, offsets: BTreeMap<TopicPartition, i64>) -> Result<(), StreamError> {
        if self.flush_pending == Some(flush_id) {
            self.flush_pending = None;
        }
        let mut tpl = TopicPartitionList::new();
        for ((t, p), o) in &offsets {
            if !self.assigned.contains(&(t.clone(), *p)) {
                continue;
            }
            tpl.add_partition_offset(t, *p, Offset::Offset(*o))
                .map_err(|e| StreamError::Protocol(e.to_string()))?;
        }
        if tpl.count() == 0 {
            return Ok(());
        }
        let committed = tokio::task::block_in_place(|| self.consumer.commit(&tpl, CommitMode::Sync));
        match committed {
            Ok(()) => tracing::debug!(connector = self.ctx.connector.name(), task = self.ctx.task_id, ?offsets, "committed offsets"),
            Err(e) => tracing::warn!(connector = self.ctx.connector.name(), task = self.ctx.task_id, error = %e, "offset commit failed; will retry at the next flush"),
        }
        Ok(())
    }

    /// Final puts answered, a final flush and commit, then Stop.
    async fn stop(&mut self, mut stream: SinkStream) -> Result<(), StreamError> {
        let name = self.ctx.connector.name().to_string();
        let task = self.ctx.task_id;
        let timeout = self.ctx.worker.task_shutdown_graceful_timeout;
        let puts_done = tokio::time::timeout(timeout, async {
            while !self.inflight.is_empty() {
                match stream.recv().await? {
                    SinkEvent::PutDone { put_id } => {
                        self.inflight.remove(&put_id);
                    }
                    SinkEvent::Flushed { flush_id, offsets } => self.on_flushed(flush_id, offsets)?,
                    SinkEvent::Error { error, .. } if error.kind != ErrorKind::Retriable => {
                        return Err(StreamError::Connector(error))
                    }
                    _ => {}
                }
            }
            Ok::<(), StreamError>(())
        })
        .await;
        match puts_done {
            Ok(r) => r?,
            Err(_) => tracing::warn!(connector = %name, task, "{} puts still unanswered after {:?}; records since the last commit will be delivered again", self.inflight.len(), timeout),
        }
        // The final flush and commit, bounded by offset.flush.timeout.ms.
        self.flush_pending = None;
        self.dirty = true;
        self.request_flush(&mut stream).await?;
        let flush_timeout = self.ctx.worker.offset_flush_timeout;
        let flushed = tokio::time::timeout(flush_timeout, async {
            while self.flush_pending.is_some() {
                if let SinkEvent::Flushed { flush_id, offsets } = stream.recv().await? {
                    self.on_flushed(flush_id, offsets)?;
                }
            }
            Ok::<(), StreamError>(())
        })
        .await;
        match flushed {
            Ok(r) => r?,
            Err(_) => tracing::warn!(connector = %name, task, "the final flush did not answer within {:?} (offset.flush.timeout.ms); records since the last commit will be delivered again", flush_timeout),
        }
        let parts = self.assigned.clone();
        if !parts.is_empty() {
            let _ = stream.close_partitions(&parts).await;
        }
        stream.stop(timeout).await;
        Ok(())
    }
}
