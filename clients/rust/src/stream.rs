//! Plumbing shared by the three streams: ordered writes, heartbeats, idle detection, and
//! calling connector code so that a panic becomes a typed error.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use polyconnect_proto::v1 as pb;
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;
use tonic::Status;

use crate::error::{Error, Result};

pub(crate) const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(5);
pub(crate) const DEFAULT_STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the end of a stream waits for its last spans to be exported.
pub(crate) const SPAN_FLUSH_TIMEOUT: Duration = Duration::from_secs(3);

/// The connector's side of a stream. Clones share the record of the last send, which the
/// heartbeat task reads.
pub(crate) struct Out<T> {
    tx: mpsc::Sender<Result<T, Status>>,
    last_sent: Arc<Mutex<Instant>>,
}

impl<T> Clone for Out<T> {
    fn clone(&self) -> Self {
        Out {
            tx: self.tx.clone(),
            last_sent: self.last_sent.clone(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Closed;

impl<T> Out<T> {
    pub fn new(tx: mpsc::Sender<Result<T, Status>>) -> Out<T> {
        Out {
            tx,
            last_sent: Arc::new(Mutex::new(Instant::now())),
        }
    }

    pub async fn send(&self, msg: T) -> Result<(), Closed> {
        self.tx.send(Ok(msg)).await.map_err(|_| Closed)?;
        *self.last_sent.lock().unwrap() = Instant::now();
        Ok(())
    }

    pub fn raw(&self) -> mpsc::Sender<Result<T, Status>> {
        self.tx.clone()
    }

    fn since_sent(&self) -> Duration {
        self.last_sent.lock().unwrap().elapsed()
    }
}

/// When the core last sent something.
#[derive(Clone)]
pub(crate) struct LastReceived(Arc<Mutex<Instant>>);

impl LastReceived {
    pub fn new() -> LastReceived {
        LastReceived(Arc::new(Mutex::new(Instant::now())))
    }
    pub fn touch(&self) {
        *self.0.lock().unwrap() = Instant::now();
    }
    fn elapsed(&self) -> Duration {
        self.0.lock().unwrap().elapsed()
    }
}

/// Heartbeat interval and idle timeout from a stream's Start (0: defaults / no check).
pub(crate) struct Timing {
    pub heartbeat: Duration,
    pub idle: Option<Duration>,
}

impl Timing {
    pub fn new(heartbeat_ms: u32, idle_ms: u32) -> Timing {
        Timing {
            heartbeat: if heartbeat_ms == 0 {
                DEFAULT_HEARTBEAT
            } else {
                Duration::from_millis(heartbeat_ms.into())
            },
            idle: (idle_ms != 0).then(|| Duration::from_millis(idle_ms.into())),
        }
    }
}

/// Sends heartbeats while the session runs and nothing else went out; when the core is
/// silent past the idle timeout, sends a FATAL error and ends the session.
pub(crate) fn spawn_liveness<T: Send + 'static>(
    out: Out<T>,
    received: LastReceived,
    timing: oneshot::Receiver<Timing>,
    session: AbortHandle,
    heartbeat: fn() -> T,
    error: fn(pb::Error) -> T,
) {
    tokio::spawn(async move {
        let Ok(t) = timing.await else { return };
        let tick = (t.heartbeat / 4)
            .min(Duration::from_millis(100))
            .max(Duration::from_millis(5));
        while !session.is_finished() {
            tokio::time::sleep(tick).await;
            if session.is_finished() {
                break;
            }
            if out.since_sent() >= t.heartbeat && out.send(heartbeat()).await.is_err() {
                break;
            }
            if let Some(idle) = t.idle {
                let silent = received.elapsed();
                if silent > idle {
                    tracing::error!("no message from the core for {silent:?} (idle timeout {idle:?}); ending the stream");
                    let e = Error::fatal(format!(
                        "no message from the core for {silent:?} (idle timeout {idle:?})"
                    ));
                    let _ = out.send(error(e.to_proto())).await;
                    session.abort();
                    break;
                }
            }
        }
    });
}

/// Runs connector code; a panic becomes a FATAL error naming `what`.
pub(crate) async fn guard<T>(what: &str, fut: impl Future<Output = Result<T>>) -> Result<T> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(p) => Err(Error::from_panic(what, p)),
    }
}

pub(crate) fn version_error(v: u32) -> Error {
    Error::config(format!(
        "protocol version {v} is not supported by this connector process (rust SDK {} speaks {:?})",
        crate::SDK_VERSION,
        crate::PROTOCOL_VERSIONS
    ))
}
