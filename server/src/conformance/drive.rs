//! One protocol stream driven from the core's side, with what the kit needs to judge it.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Streaming;

pub(crate) enum Recv<T> {
    Msg(T),
    /// The connector ended its side.
    End,
    /// The stream failed with a gRPC status.
    Status(tonic::Status),
    Timeout,
}

pub(crate) struct Drive<Req, Resp> {
    tx: Option<mpsc::Sender<Req>>,
    rx: Streaming<Resp>,
}

/// A request sender and the stream to hand to the client's `run`.
pub(crate) fn requests<Req>() -> (mpsc::Sender<Req>, ReceiverStream<Req>) {
    let (tx, rx) = mpsc::channel(1024);
    (tx, ReceiverStream::new(rx))
}

impl<Req, Resp> Drive<Req, Resp> {
    pub fn new(tx: mpsc::Sender<Req>, rx: Streaming<Resp>) -> Self {
        Drive { tx: Some(tx), rx }
    }

    pub async fn send(&self, r: Req) -> Result<(), String> {
        match &self.tx {
            Some(tx) => tx
                .send(r)
                .await
                .map_err(|_| "the stream is closed".to_string()),
            None => Err("the kit already closed its side".into()),
        }
    }

    /// Closes the kit's side of the stream (as the core does at the end of a stop).
    pub fn close(&mut self) {
        self.tx = None;
    }

    pub async fn recv(&mut self, within: Duration) -> Recv<Resp> {
        match tokio::time::timeout(within, self.rx.message()).await {
            Err(_) => Recv::Timeout,
            Ok(Ok(Some(m))) => Recv::Msg(m),
            Ok(Ok(None)) => Recv::End,
            Ok(Err(s)) => Recv::Status(s),
        }
    }

    pub async fn recv_until(&mut self, deadline: Instant) -> Recv<Resp> {
        self.recv(deadline.saturating_duration_since(Instant::now()))
            .await
    }
}

pub(crate) fn describe_error(e: &polyconnect_proto::v1::Error) -> String {
    let kind = polyconnect_proto::v1::ErrorKind::try_from(e.kind)
        .map(|k| k.as_str_name().to_string())
        .unwrap_or_else(|_| e.kind.to_string());
    if e.error_class.is_empty() {
        format!("{kind} error: {}", e.message)
    } else {
        format!("{kind} error ({}): {}", e.error_class, e.message)
    }
}
