//! A producer whose delivery reports are served by a thread that sleeps until there is
//! something to serve.
//!
//! rdkafka's `ThreadedProducer` calls `BaseProducer::poll(100 ms)` in a loop; that poll
//! hands librdkafka its remaining time truncated to whole milliseconds, so the last
//! fraction of a millisecond of every 100 ms is a loop of `poll(0)` calls: about 1 % of a
//! core per idle producer. Here librdkafka calls back when the producer's event queue goes
//! from empty to non-empty, the callback unparks the polling thread, and the thread serves
//! the queue with `poll(0)` until it is empty again, then parks. Delivery reports are
//! served as soon as they are queued, as before; an idle producer's thread wakes once a
//! second (a safety net, not needed for correctness).
//!
//! See `docs/adr/0008-producer-polling-without-a-spin.md`.

use std::ffi::c_void;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{JoinHandle, Thread};
use std::time::Duration;

use rdkafka::bindings as rdsys;
use rdkafka::config::FromClientConfigAndContext;
use rdkafka::error::KafkaResult;
use rdkafka::producer::{BaseProducer, Producer, ProducerContext};
use rdkafka::ClientConfig;

/// How long an idle polling thread sleeps before it looks at the queue anyway.
const IDLE_WAKE: Duration = Duration::from_secs(1);

/// A `BaseProducer` with its own polling thread (see the module's documentation). It
/// dereferences to the `BaseProducer` for `send`, `flush`, `client`, ...
pub struct PolledProducer<C: ProducerContext + 'static> {
    producer: Arc<BaseProducer<C>>,
    poller: Option<Poller>,
}

struct Poller {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
    queue: MainQueue,
    /// The callback's argument: the polling thread, to unpark. Freed after the callback
    /// is unregistered.
    waker: *mut Thread,
}

/// A handle on the client's main queue (where a producer's delivery reports and errors
/// arrive); librdkafka counts the handles, so the client outlives none of them.
struct MainQueue(*mut rdsys::rd_kafka_queue_t);

// SAFETY: librdkafka's queue handles may be used from any thread.
#[allow(unsafe_code)]
unsafe impl Send for MainQueue {}
#[allow(unsafe_code)]
unsafe impl Sync for MainQueue {}
// SAFETY: `waker` is only dereferenced by the callback, and freed after it is unregistered.
#[allow(unsafe_code)]
unsafe impl Send for Poller {}
#[allow(unsafe_code)]
unsafe impl Sync for Poller {}

impl MainQueue {
    #[allow(unsafe_code)]
    fn len(&self) -> usize {
        // SAFETY: a live queue handle.
        unsafe { rdsys::rd_kafka_queue_length(self.0) }
    }
}

impl Drop for MainQueue {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: the handle from rd_kafka_queue_get_main, destroyed once.
        unsafe { rdsys::rd_kafka_queue_destroy(self.0) }
    }
}

/// Called by librdkafka, with the queue's lock held, when the queue goes from empty to
/// non-empty: it must not block.
#[allow(unsafe_code)]
unsafe extern "C" fn wake(_: *mut rdsys::rd_kafka_t, opaque: *mut c_void) {
    // SAFETY: `opaque` is the `Thread` registered with this callback, alive until the
    // callback is unregistered (which takes the same lock).
    let thread = unsafe { &*(opaque as *const Thread) };
    thread.unpark();
}

impl<C: ProducerContext + 'static> PolledProducer<C> {
    #[allow(unsafe_code)]
    fn new(producer: BaseProducer<C>) -> KafkaResult<Self> {
        let producer = Arc::new(producer);
        // SAFETY: a live client; the handle is destroyed by `MainQueue`'s drop.
        let queue =
            MainQueue(unsafe { rdsys::rd_kafka_queue_get_main(producer.client().native_ptr()) });
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let producer = producer.clone();
            let stop = stop.clone();
            let queue = MainQueue(
                // SAFETY: as above; this handle belongs to the polling thread.
                unsafe { rdsys::rd_kafka_queue_get_main(producer.client().native_ptr()) },
            );
            std::thread::Builder::new()
                .name("producer poll".into())
                .spawn(move || loop {
                    // Each poll(0) serves one event (a delivery report covers a batch of
                    // records); the queue's length says whether more are waiting.
                    while queue.len() > 0 {
                        producer.poll(Duration::ZERO);
                    }
                    if stop.load(Ordering::Acquire) {
                        break;
                    }
                    // An unpark between the length check and here is not lost: park
                    // returns at once.
                    std::thread::park_timeout(IDLE_WAKE);
                })
                .map_err(|e| {
                    rdkafka::error::KafkaError::ClientCreation(format!(
                        "cannot start the producer's polling thread: {e}"
                    ))
                })?
        };
        let waker = Box::into_raw(Box::new(thread.thread().clone()));
        // SAFETY: a live queue handle; `waker` stays valid until the callback is
        // unregistered in `drop`.
        unsafe { rdsys::rd_kafka_queue_cb_event_enable(queue.0, Some(wake), waker.cast()) };
        // Events queued before the callback was registered.
        thread.thread().unpark();
        Ok(PolledProducer {
            producer,
            poller: Some(Poller {
                stop,
                thread,
                queue,
                waker,
            }),
        })
    }
}

impl<C: ProducerContext + 'static> Deref for PolledProducer<C> {
    type Target = BaseProducer<C>;
    fn deref(&self) -> &BaseProducer<C> {
        &self.producer
    }
}

impl<C: ProducerContext + 'static> FromClientConfigAndContext<C> for PolledProducer<C> {
    fn from_config_and_context(config: &ClientConfig, context: C) -> KafkaResult<Self> {
        PolledProducer::new(BaseProducer::from_config_and_context(config, context)?)
    }
}

impl<C: ProducerContext + 'static> Drop for PolledProducer<C> {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        if let Some(p) = self.poller.take() {
            p.stop.store(true, Ordering::Release);
            p.thread.thread().unpark();
            if p.thread.join().is_err() {
                tracing::warn!("a producer's polling thread panicked");
            }
            // SAFETY: unregistering takes the queue's lock, so no callback runs with
            // `waker` after this; then it is freed once.
            unsafe {
                rdsys::rd_kafka_queue_cb_event_enable(p.queue.0, None, std::ptr::null_mut());
                drop(Box::from_raw(p.waker));
            }
        }
        // The BaseProducer, now only here, purges what is left and serves the reports of
        // the purged records itself when it is dropped, as with rdkafka's ThreadedProducer.
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::producer::{BaseRecord, DeliveryResult};
    use rdkafka::ClientContext;
    use std::sync::mpsc;

    struct Reports(std::sync::Mutex<mpsc::Sender<bool>>);
    impl ClientContext for Reports {}
    impl ProducerContext for Reports {
        type DeliveryOpaque = ();
        fn delivery(&self, r: &DeliveryResult<'_>, _: ()) {
            let _ = self.0.lock().unwrap().send(r.is_ok());
        }
    }

    /// With no broker, a record's delivery report (a timeout) is served by the polling
    /// thread without anyone calling poll, and dropping the producer stops the thread.
    #[test]
    fn delivery_reports_are_served_by_the_polling_thread() {
        let (tx, rx) = mpsc::channel();
        let producer: PolledProducer<Reports> = ClientConfig::new()
            .set("bootstrap.servers", "127.0.0.1:1")
            .set("message.timeout.ms", "200")
            .create_with_context(Reports(std::sync::Mutex::new(tx)))
            .unwrap();
        for _ in 0..3 {
            producer
                .send(BaseRecord::<[u8], [u8], ()>::to("t").payload(b"x"))
                .map_err(|(e, _)| e)
                .unwrap();
        }
        for _ in 0..3 {
            let ok = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("a delivery report");
            assert!(!ok, "no broker: the record times out");
        }
        drop(producer);
    }
}
