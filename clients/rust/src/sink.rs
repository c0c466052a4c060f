//! The SinkTask.Run stream (lifecycle in `connector.proto`). The reader queues the core's
//! messages; the session runs them against the task strictly in order (open, put, flush,
//! close, stop), like Kafka Connect's single task thread. Errant records go out before
//! the PutDone of their Put.
//!
//! Several Puts may be in flight (`max_inflight_puts`, 4 by default), so Puts after one that
//! `put` answered with a retriable error may be here before its redelivery. They are held
//! back: answered RETRIABLE at once (retry_after_ms 0) without reaching the task, and the
//! core delivers them again after it, so the task sees the records in order.
//!
//! Errant records and the context's requests (offset, pause, resume, request_commit) share
//! one [`Outbox`], sent in call order and always before the next PutDone/Flushed; a request
//! goes out at once (once SinkStarted is out), errant records at the end of their put.
//!
//! A failing flush/pre_commit is a failed flush, as Kafka Connect's "rewinding to last
//! committed offsets": the SDK answers Flushed with the error and no offsets, the core
//! commits nothing and delivers the records after the committed offsets again, and the task
//! keeps running. `Error::Config` or a panic still fails the task.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;

use pb::sink_request::Msg as In;
use pb::sink_response::Msg as OutMsg;
use polyconnect_proto::v1 as pb;
use tokio::sync::{mpsc, oneshot};
use tonic::Streaming;

use crate::columns::sink_records_from_columns;
use crate::connector::{Kind, SinkContext};
use crate::data::SchemaRefsIn;
use crate::error::Error;
use crate::record::{sink_record_from_proto, TopicPartition};
use crate::server::Plugins;
use crate::stream::{
    guard, version_error, LastReceived, Out, Timing, DEFAULT_STOP_TIMEOUT, SPAN_FLUSH_TIMEOUT,
};

fn msg(m: OutMsg) -> pb::SinkResponse {
    pb::SinkResponse { msg: Some(m) }
}

pub(crate) fn heartbeat() -> pb::SinkResponse {
    msg(OutMsg::Heartbeat(pb::Heartbeat {}))
}

pub(crate) fn error(e: pb::Error) -> pb::SinkResponse {
    msg(OutMsg::Error(pb::SinkError {
        error: Some(e),
        put_id: 0,
    }))
}

/// Errant records and context requests, in call order, on their way to the core.
pub(crate) struct Outbox {
    pending: Mutex<VecDeque<pb::SinkResponse>>,
    /// Set once SinkStarted went out (requests are sent at once from then on), cleared when
    /// the session ends so that a context kept by the task does not hold the stream open.
    live: Mutex<Option<Out<pb::SinkResponse>>>,
    /// Held while sending, so that concurrent senders keep the order.
    sending: tokio::sync::Mutex<()>,
    runtime: tokio::runtime::Handle,
    /// `SinkContext::timeout` in ms for the next retriable put; -1: none.
    pub(crate) retry_timeout_ms: std::sync::atomic::AtomicI64,
}

impl Outbox {
    fn new() -> Outbox {
        Outbox {
            pending: Mutex::new(VecDeque::new()),
            live: Mutex::new(None),
            sending: tokio::sync::Mutex::new(()),
            runtime: tokio::runtime::Handle::current(),
            retry_timeout_ms: std::sync::atomic::AtomicI64::new(-1),
        }
    }

    pub(crate) fn push(&self, m: OutMsg) {
        self.pending.lock().unwrap().push_back(msg(m));
    }

    /// Queues a SinkContext and sends it at once when the stream is live.
    pub(crate) fn request(self: &Arc<Self>, c: pb::SinkContext) {
        self.push(OutMsg::Context(c));
        if self.live.lock().unwrap().is_some() {
            let me = self.clone();
            self.runtime.spawn(async move {
                let _ = me.send_pending().await;
            });
        }
    }

    fn set_live(&self, out: Option<Out<pb::SinkResponse>>) {
        *self.live.lock().unwrap() = out;
    }

    /// Sends what is queued, in order.
    async fn send_pending(&self) -> Result<(), crate::stream::Closed> {
        let Some(out) = self.live.lock().unwrap().clone() else {
            return Ok(());
        };
        let _sending = self.sending.lock().await;
        loop {
            let next = self.pending.lock().unwrap().pop_front();
            match next {
                Some(m) => out.send(m).await?,
                None => return Ok(()),
            }
        }
    }
}

fn parts(p: Option<pb::Partitions>) -> Vec<TopicPartition> {
    p.map(|p| p.partitions)
        .unwrap_or_default()
        .into_iter()
        .map(|p| TopicPartition {
            topic: p.topic,
            partition: p.partition,
        })
        .collect()
}

pub(crate) async fn run(
    plugins: Arc<Plugins>,
    mut input: Streaming<pb::SinkRequest>,
    out: Out<pb::SinkResponse>,
    received: LastReceived,
    timing: oneshot::Sender<Timing>,
) {
    let start = match input.message().await {
        Ok(Some(pb::SinkRequest {
            msg: Some(In::Start(s)),
        })) => s,
        Ok(None) | Err(_) => return,
        Ok(Some(_)) => {
            let _ = out
                .send(error(
                    Error::fatal("the first message of a SinkTask stream must be SinkStart")
                        .to_proto(),
                ))
                .await;
            return;
        }
    };
    received.touch();
    if !crate::PROTOCOL_VERSIONS.contains(&start.protocol_version) {
        let _ = out
            .send(error(version_error(start.protocol_version).to_proto()))
            .await;
        return;
    }
    let Some(plugin) = plugins.find(&start.connector_class, Kind::Sink) else {
        let e = Error::config(format!(
            "this connector process does not serve a sink connector named '{}'",
            start.connector_class
        ));
        let _ = out.send(error(e.to_proto())).await;
        return;
    };
    let Some(mut task) = (plugin.new_sink)() else {
        return;
    };
    let _ = timing.send(Timing::new(
        start.heartbeat_interval_ms,
        start.idle_timeout_ms,
    ));
    let outbox = Arc::new(Outbox::new());
    let ctx = SinkContext {
        name: start.connector_name.clone(),
        task_id: start.task_id,
        outbox: outbox.clone(),
    };
    tracing::info!(connector = %start.connector_name, task = start.task_id, class = plugin.class, "starting sink task");
    let tracer = crate::otel::task(&start.connector_name, start.task_id);

    let (work_tx, mut work) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Ok(Some(m)) = input.message().await {
            received.touch();
            match m.msg {
                Some(In::Heartbeat(_)) | None => {}
                Some(In::Start(_)) => {
                    tracing::warn!("ignoring a second SinkStart on the same stream")
                }
                Some(other) => {
                    if work_tx.send(other).is_err() {
                        return;
                    }
                }
            }
        }
    });
    let _reader = AbortOnDrop(reader);

    if let Err(e) = guard(
        "start()",
        task.start(
            ctx,
            crate::Config::from_map(start.config.into_iter().collect()),
        ),
    )
    .await
    {
        tracing::error!("task start failed: {e}");
        let _ = out.send(error(e.to_proto())).await;
        return;
    }
    let inflight = task.max_inflight_puts().max(1);
    if out
        .send(msg(OutMsg::Started(pb::SinkStarted {
            max_inflight_puts: inflight,
        })))
        .await
        .is_err()
    {
        return;
    }
    outbox.set_live(Some(out.clone()));
    let _not_live = NotLive(outbox.clone());
    let _ = outbox.send_pending().await; // requests made in start()
    let mut assigned = BTreeSet::new();
    let mut refs = SchemaRefsIn::default();
    let mut stop_timeout = DEFAULT_STOP_TIMEOUT;
    // Put ids answered RETRIABLE and not yet delivered again: a later Put is held back.
    let mut awaiting = BTreeSet::new();
    while let Some(req) = work.recv().await {
        match req {
            In::Open(p) => {
                let p = parts(Some(p));
                assigned.extend(p.iter().cloned());
                if let Err(e) = guard("open()", task.open(&p)).await {
                    let _ = out.send(error(e.to_proto())).await;
                    return;
                }
            }
            In::Close(p) => {
                let p = parts(Some(p));
                for x in &p {
                    assigned.remove(x);
                }
                if let Err(e) = guard("close()", task.close(&p)).await {
                    let _ = out.send(error(e.to_proto())).await;
                    return;
                }
            }
            In::Put(put) => {
                // Decoded even when held back, for the schemas it defines (a redelivery may
                // refer to them).
                // A Put in columns (capability columnar_puts) is decoded whole or refused.
                let decoded = match put.columns {
                    Some(_) if !put.records.is_empty() => Err(Error::fatal(
                        "malformed columnar Put: it has both records and columns",
                    )),
                    Some(c) => sink_records_from_columns(c, &mut refs),
                    None => put
                        .records
                        .into_iter()
                        .map(|r| sink_record_from_proto(r, &mut refs))
                        .collect(),
                };
                let records: Vec<_> = match decoded {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = out.send(error(e.to_proto())).await;
                        return;
                    }
                };
                awaiting.remove(&put.put_id); // a redelivery
                if let Some(&first) = awaiting.first().filter(|&&first| put.put_id > first) {
                    awaiting.insert(put.put_id);
                    tracing::debug!(
                        "put {} held back: put {first} awaits redelivery",
                        put.put_id
                    );
                    let _ = outbox.send_pending().await;
                    let e = Error::retriable(format!(
                        "put {} held back: put {first} awaits redelivery (order kept)",
                        put.put_id
                    ));
                    let _ = out
                        .send(msg(OutMsg::Error(pb::SinkError {
                            error: Some(e.to_proto()),
                            put_id: put.put_id,
                        })))
                        .await;
                    continue;
                }
                let spans = tracer.as_ref().map(|t| t.put(put.trace.as_ref(), &records));
                let r = guard("put()", task.put(records)).await;
                if let Some(s) = spans {
                    s.end(r.as_ref().err());
                }
                let _ = outbox.send_pending().await;
                // SinkContext::timeout counts for this put only, as in Kafka Connect.
                let timeout = outbox
                    .retry_timeout_ms
                    .swap(-1, std::sync::atomic::Ordering::SeqCst);
                match r {
                    Ok(()) => {
                        if out
                            .send(msg(OutMsg::PutDone(pb::PutDone { put_id: put.put_id })))
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                    Err(e) if e.is_retriable() => {
                        tracing::warn!("put() raised a retriable error; the core delivers the records again: {e}");
                        awaiting.insert(put.put_id);
                        let mut err = e.to_proto();
                        if err.retry_after_ms == 0 && timeout > 0 {
                            err.retry_after_ms = timeout.min(i64::from(u32::MAX)) as u32;
                        }
                        let m = msg(OutMsg::Error(pb::SinkError {
                            error: Some(err),
                            put_id: put.put_id,
                        }));
                        let _ = out.send(m).await;
                    }
                    Err(e) => {
                        tracing::error!("put() failed: {e}");
                        let _ = out.send(error(e.to_proto())).await;
                        return;
                    }
                }
            }
            In::Flush(f) => {
                let offsets: HashMap<TopicPartition, i64> = f
                    .offsets
                    .into_iter()
                    .map(|o| {
                        (
                            TopicPartition {
                                topic: o.topic,
                                partition: o.partition,
                            },
                            o.offset,
                        )
                    })
                    .collect();
                let span = tracer
                    .as_ref()
                    .and_then(|t| t.flush(f.trace.as_ref(), offsets.len()));
                let (r, panicked) = match AssertUnwindSafe(task.pre_commit(offsets))
                    .catch_unwind()
                    .await
                {
                    Ok(r) => (r, false),
                    Err(p) => (Err(Error::from_panic("flush()", p)), true),
                };
                if let Some(s) = span {
                    s.end(r.as_ref().err());
                }
                let _ = outbox.send_pending().await;
                match r {
                    Ok(done) => {
                        let mut offsets: Vec<_> = done
                            .into_iter()
                            .map(|(tp, offset)| pb::TopicPartitionOffset {
                                topic: tp.topic,
                                partition: tp.partition,
                                offset,
                            })
                            .collect();
                        offsets
                            .sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
                        let m = msg(OutMsg::Flushed(pb::Flushed {
                            flush_id: f.flush_id,
                            offsets,
                            error: None,
                        }));
                        if out.send(m).await.is_err() {
                            break;
                        }
                    }
                    Err(e) if panicked || matches!(e, Error::Config(_)) => {
                        tracing::error!("flush failed: {e}");
                        let _ = out.send(error(e.to_proto())).await;
                        return;
                    }
                    Err(e) => {
                        // A failed flush: nothing is committed, the core rewinds, the task goes on.
                        tracing::error!("flush failed; the core commits nothing and rewinds to the last committed offsets: {e}");
                        let mut err = e.to_proto();
                        err.kind = pb::ErrorKind::Retriable as i32;
                        let m = msg(OutMsg::Flushed(pb::Flushed {
                            flush_id: f.flush_id,
                            offsets: vec![],
                            error: Some(err),
                        }));
                        if out.send(m).await.is_err() {
                            break;
                        }
                    }
                }
            }
            In::Stop(s) => {
                if s.timeout_ms != 0 {
                    stop_timeout = Duration::from_millis(s.timeout_ms.into());
                }
                break;
            }
            In::Heartbeat(_) | In::Start(_) => {}
        }
    }
    // Stop, or the core closed its side: close the open partitions, then stop.
    let stopping = async {
        if !assigned.is_empty() {
            let p: Vec<_> = assigned.iter().cloned().collect();
            if let Err(e) = guard("close()", task.close(&p)).await {
                tracing::warn!("task close failed: {e}");
            }
        }
        if let Err(e) = guard("stop()", task.stop()).await {
            tracing::warn!("task stop failed: {e}");
        }
    };
    if tokio::time::timeout(stop_timeout, stopping).await.is_err() {
        tracing::warn!("the task did not stop within {stop_timeout:?}");
    }
    let _ = outbox.send_pending().await;
    if tracer.is_some() {
        crate::otel::flush(SPAN_FLUSH_TIMEOUT).await;
    }
    tracing::info!("sink task stream ended");
}

/// Ends the outbox's use of the stream when the session ends, however it ends.
struct NotLive(Arc<Outbox>);

impl Drop for NotLive {
    fn drop(&mut self) {
        self.0.set_live(None);
    }
}

pub(crate) struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
