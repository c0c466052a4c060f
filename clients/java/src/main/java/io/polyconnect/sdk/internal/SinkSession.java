package io.polyconnect.sdk.internal;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ErrantRecord;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Flushed;
import io.polyconnect.protocol.v1.Heartbeat;
import io.polyconnect.protocol.v1.PutDone;
import io.polyconnect.protocol.v1.SinkContext;
import io.polyconnect.protocol.v1.SinkError;
import io.polyconnect.protocol.v1.SinkRequest;
import io.polyconnect.protocol.v1.SinkResponse;
import io.polyconnect.protocol.v1.SinkStart;
import io.polyconnect.protocol.v1.SinkStarted;
import io.polyconnect.protocol.v1.TopicPartitionOffset;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.RetriableException;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.SinkTaskContext;
import io.polyconnect.sdk.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SinkTask.Run stream. The core's messages run against the task strictly in order on
 * one thread (open, put, flush, close, stop), like Kafka Connect's task thread. Errant
 * records go out before the PutDone of their Put.
 *
 * <p>Several Puts may be in flight (maxInflightPuts, 4 by default), so Puts after one that
 * put answered with RetriableException may be here before its redelivery. They are held
 * back: answered RETRIABLE at once (retry_after_ms 0) without reaching the task, and the core
 * delivers them again after it, so the task sees the records in order.
 *
 * <p>Errant records and the context's requests (offset, pause, resume, requestCommit) share
 * one outbox, sent in call order and always before the next PutDone/Flushed; a request goes
 * out at once (once SinkStarted is out), errant records at the end of their put.
 *
 * <p>A failing flush/preCommit is a failed flush, as Kafka Connect's "rewinding to last
 * committed offsets": the SDK answers Flushed with the error and no offsets, the core
 * commits nothing and delivers the records after the committed offsets again, and the task
 * keeps running. Only a ConfigException still fails the task.
 */
final class SinkSession implements StreamObserver<SinkRequest>, SinkTaskContext {
  private static final Logger LOG = Logger.getLogger("polyconnect.sink");
  private static final SinkResponse HEARTBEAT = SinkResponse.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();

  private final Server server;
  private final Stream<SinkResponse> stream;
  private final ExecutorService thread;
  private final TreeSet<TopicPartition> assigned = new TreeSet<>();
  /** SinkTaskContext.timeout: the back-off after the next retriable put; -1: none. */
  private volatile long retryTimeoutMs = -1;
  /** Put ids answered RETRIABLE and not yet delivered again: a later Put is held back. */
  private final TreeSet<Long> awaiting = new TreeSet<>();
  /** Errant records and context requests in call order; guards {@link #live} too. */
  private final List<SinkResponse> outbox = new ArrayList<>();
  /** SinkStarted went out: context requests are sent at once. */
  private boolean live;
  private Wire wire = new Wire(true, true, true);
  private SinkTask task;
  /** This task's spans; null when tracing is off. */
  private Tracing.Task tracing;
  private String name = "";
  private int taskId;
  private boolean started;
  private boolean finished;

  SinkSession(Server server, StreamObserver<SinkResponse> out) {
    this.server = server;
    this.stream = new Stream<>(out, HEARTBEAT);
    this.thread = Executors.newSingleThreadExecutor(Server.daemon("sink"));
  }

  @Override
  public void onNext(SinkRequest req) {
    stream.received();
    if (req.getMsgCase() == SinkRequest.MsgCase.HEARTBEAT) return;
    submit(() -> handle(req));
  }

  private void handle(SinkRequest req) {
    if (finished) return;
    switch (req.getMsgCase()) {
      case START -> start(req.getStart());
      case PUT -> put(req.getPut());
      case FLUSH -> flush(req.getFlush());
      case OPEN -> {
        List<TopicPartition> parts = partitions(req.getOpen());
        assigned.addAll(parts);
        call("open()", () -> task.open(parts));
      }
      case CLOSE -> {
        List<TopicPartition> parts = partitions(req.getClose());
        parts.forEach(assigned::remove);
        call("close()", () -> task.close(parts));
      }
      case STOP -> finish();
      default -> { }
    }
  }

  private void start(SinkStart s) {
    if (started) {
      LOG.warning("ignoring a second SinkStart on the same stream");
      return;
    }
    name = s.getConnectorName();
    taskId = s.getTaskId();
    if (s.getProtocolVersion() != Server.PROTOCOL_VERSION) {
      fail(Errors.of(ErrorKind.CONFIG, Server.versionError(s.getProtocolVersion())), 0);
      return;
    }
    Plugin plugin = server.find(s.getConnectorClass(), Plugin.Kind.SINK);
    if (plugin == null) {
      fail(Errors.of(ErrorKind.CONFIG, "this connector process does not serve a sink connector named '"
          + s.getConnectorClass() + "'"), 0);
      return;
    }
    stream.configure(server.timer(), s.getHeartbeatIntervalMs(), s.getIdleTimeoutMs(),
        () -> submit(() -> fail(Errors.of(ErrorKind.FATAL, "no message from the core within the idle timeout"), 0)));
    wire = new Wire(s.getCapabilities().getSchemaReferences(), s.getCapabilities().getRawBytes(),
        s.getCapabilities().getTraceContext());
    if (server.tracing() != null) tracing = server.tracing().task(name, taskId);
    LOG.info("starting sink task " + name + "-" + taskId + " (" + plugin.className() + ")");
    try {
      task = plugin.newSinkTask();
      task.initialize(this);
      task.start(new HashMap<>(s.getConfigMap()));
    } catch (Throwable e) {
      LOG.log(Level.SEVERE, "task start() failed", e);
      task = null;
      fail(Errors.of(e), 0);
      return;
    }
    started = true;
    int inflight = Math.max(1, task.maxInflightPuts());
    stream.send(SinkResponse.newBuilder().setStarted(SinkStarted.newBuilder().setMaxInflightPuts(inflight)).build());
    synchronized (outbox) {
      live = true;
      sendPendingLocked(); // requests made in start()
    }
  }

  private void put(io.polyconnect.protocol.v1.Put put) {
    if (!started) return;
    long putId = put.getPutId();
    awaiting.remove(putId); // a redelivery
    if (!awaiting.isEmpty() && putId > awaiting.first()) {
      holdBack(put);
      return;
    }
    Tracing.PutSpans spans = tracing != null ? tracing.put(put) : null;
    try {
      List<SinkRecord> records = new ArrayList<>(put.getRecordsCount());
      for (io.polyconnect.protocol.v1.SinkRecord r : put.getRecordsList()) records.add(wire.decode(r));
      task.put(records);
      retryTimeoutMs = -1;
      if (spans != null) spans.end(null);
    } catch (RetriableException e) {
      if (spans != null) spans.end(e);
      sendPending();
      io.polyconnect.protocol.v1.Error err = Errors.of(e);
      // SinkTaskContext.timeout(ms): the back-off before this put's redelivery, once.
      long timeout = retryTimeoutMs;
      retryTimeoutMs = -1;
      if (err.getRetryAfterMs() == 0 && timeout > 0) {
        err = err.toBuilder().setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, timeout)).build();
      }
      LOG.warning("put() raised a retriable error; the core delivers the records again"
          + (err.getRetryAfterMs() > 0 ? " after " + err.getRetryAfterMs() + " ms" : "") + ": " + e.getMessage());
      awaiting.add(putId);
      stream.send(SinkResponse.newBuilder().setError(SinkError.newBuilder().setError(err).setPutId(putId)).build());
      return;
    } catch (Throwable e) {
      if (spans != null) spans.end(e);
      sendPending();
      LOG.log(Level.SEVERE, "put() failed", e);
      fail(Errors.of(e), 0);
      return;
    }
    sendPending();
    stream.send(SinkResponse.newBuilder().setPutDone(PutDone.newBuilder().setPutId(putId)).build());
  }

  /** Answers a Put that came after one awaiting redelivery RETRIABLE without calling put():
   * the core delivers both again, in order. Its records are still decoded, for the schemas
   * they define (a redelivery may refer to them). */
  private void holdBack(io.polyconnect.protocol.v1.Put put) {
    long putId = put.getPutId();
    long first = awaiting.first();
    try {
      for (io.polyconnect.protocol.v1.SinkRecord r : put.getRecordsList()) wire.decode(r);
    } catch (Throwable e) {
      sendPending();
      LOG.log(Level.SEVERE, "decoding a put failed", e);
      fail(Errors.of(e), 0);
      return;
    }
    awaiting.add(putId);
    LOG.fine("put " + putId + " held back: put " + first + " awaits redelivery");
    sendPending();
    stream.send(SinkResponse.newBuilder().setError(SinkError.newBuilder()
        .setError(Errors.of(ErrorKind.RETRIABLE, "put " + putId + " held back: put " + first + " awaits redelivery (order kept)"))
        .setPutId(putId)).build());
  }

  private void flush(io.polyconnect.protocol.v1.Flush f) {
    if (!started) return;
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    for (TopicPartitionOffset o : f.getOffsetsList()) offsets.put(new TopicPartition(o.getTopic(), o.getPartition()), o.getOffset());
    Map<TopicPartition, Long> committed;
    io.opentelemetry.api.trace.Span span = tracing != null ? tracing.flush(f) : null;
    try {
      committed = task.preCommit(offsets);
      Tracing.end(span, null);
    } catch (Throwable e) {
      Tracing.end(span, e);
      sendPending();
      io.polyconnect.protocol.v1.Error err = Errors.of(e);
      if (err.getKind() == ErrorKind.CONFIG) {
        LOG.log(Level.SEVERE, "flush() failed", e);
        fail(err, 0);
        return;
      }
      // A failed flush: nothing is committed, the core rewinds, the task goes on.
      LOG.log(Level.SEVERE, "flush() failed; the core commits nothing and rewinds to the last committed offsets", e);
      stream.send(SinkResponse.newBuilder().setFlushed(Flushed.newBuilder().setFlushId(f.getFlushId())
          .setError(err.toBuilder().setKind(ErrorKind.RETRIABLE))).build());
      return;
    }
    sendPending();
    Flushed.Builder out = Flushed.newBuilder().setFlushId(f.getFlushId());
    if (committed != null) {
      committed.forEach((tp, off) -> out.addOffsets(TopicPartitionOffset.newBuilder()
          .setTopic(tp.topic()).setPartition(tp.partition()).setOffset(off)));
    }
    stream.send(SinkResponse.newBuilder().setFlushed(out).build());
  }

  private void call(String what, ThrowingRunnable r) {
    if (!started) return;
    try {
      r.run();
    } catch (Throwable e) {
      sendPending();
      LOG.log(Level.SEVERE, what + " failed", e);
      fail(Errors.of(e), 0);
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static List<TopicPartition> partitions(io.polyconnect.protocol.v1.Partitions p) {
    List<TopicPartition> out = new ArrayList<>();
    p.getPartitionsList().forEach(tp -> out.add(new TopicPartition(tp.getTopic(), tp.getPartition())));
    return out;
  }

  private void fail(io.polyconnect.protocol.v1.Error e, long putId) {
    stream.send(SinkResponse.newBuilder().setError(SinkError.newBuilder().setError(e).setPutId(putId)).build());
    finish();
  }

  /** Closes open partitions, stops the task and ends our side of the stream. */
  private void finish() {
    if (finished) return;
    finished = true;
    awaiting.clear();
    if (task != null && started) {
      if (!assigned.isEmpty()) {
        List<TopicPartition> parts = new ArrayList<>(assigned);
        assigned.clear();
        try {
          task.close(parts);
        } catch (Throwable e) {
          LOG.log(Level.WARNING, "close() failed", e);
        }
      }
      try {
        task.stop();
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "stop() failed", e);
      }
      sendPending();
    }
    stream.complete();
    thread.shutdown();
    if (server.tracing() != null) server.tracing().flush();
    LOG.info("sink task " + name + "-" + taskId + " stream ended");
  }

  /** Sends the errant records and context requests made so far, in order. */
  private void sendPending() {
    synchronized (outbox) {
      sendPendingLocked();
    }
  }

  private void sendPendingLocked() {
    for (SinkResponse r : outbox) stream.send(r);
    outbox.clear();
  }

  private void request(SinkContext.Builder c) {
    synchronized (outbox) {
      outbox.add(SinkResponse.newBuilder().setContext(c).build());
      if (live) sendPendingLocked();
    }
  }

  private static io.polyconnect.protocol.v1.TopicPartition tp(TopicPartition p) {
    return io.polyconnect.protocol.v1.TopicPartition.newBuilder().setTopic(p.topic()).setPartition(p.partition()).build();
  }

  @Override
  public void onError(Throwable t) {
    stream.markClosed();
    submit(this::finish);
  }

  @Override
  public void onCompleted() {
    submit(this::finish);
  }

  // ---------------------------------------------------------------- SinkTaskContext

  @Override
  public String connectorName() { return name; }

  @Override
  public int taskId() { return taskId; }

  @Override
  public void reportErrant(SinkRecord record, Throwable error) {
    io.polyconnect.protocol.v1.Error err = Errors.of(error, ErrorKind.RECORD).toBuilder()
        .setKafkaTopic(record.originalTopic()).setKafkaPartition(record.originalKafkaPartition())
        .setKafkaOffset(record.kafkaOffset()).build();
    SinkResponse r = SinkResponse.newBuilder().setErrant(ErrantRecord.newBuilder().setTopic(record.originalTopic())
        .setKafkaPartition(record.originalKafkaPartition()).setKafkaOffset(record.kafkaOffset()).setError(err)).build();
    synchronized (outbox) {
      outbox.add(r);
    }
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    if (offsets.isEmpty()) return;
    SinkContext.Builder c = SinkContext.newBuilder();
    new TreeMap<>(offsets).forEach((p, o) -> c.addOffsets(TopicPartitionOffset.newBuilder()
        .setTopic(p.topic()).setPartition(p.partition()).setOffset(o)));
    request(c);
  }

  @Override
  public void offset(TopicPartition partition, long offset) {
    offset(Map.of(partition, offset));
  }

  @Override
  public void pause(TopicPartition... partitions) {
    if (partitions.length == 0) return;
    SinkContext.Builder c = SinkContext.newBuilder();
    for (TopicPartition p : partitions) c.addPause(tp(p));
    request(c);
  }

  @Override
  public void resume(TopicPartition... partitions) {
    if (partitions.length == 0) return;
    SinkContext.Builder c = SinkContext.newBuilder();
    for (TopicPartition p : partitions) c.addResume(tp(p));
    request(c);
  }

  @Override
  public void requestCommit() {
    request(SinkContext.newBuilder().setRequestCommit(true));
  }

  @Override
  public void timeout(long ms) {
    retryTimeoutMs = ms;
  }

  /** Runs {@code r} on the session's thread unless the session already ended. */
  private void submit(Runnable r) {
    try {
      thread.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException ended) {
      // the stream is over; nothing left to do
    }
  }
}
