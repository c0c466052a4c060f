package io.polyconnect.sdk.internal;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ErrantRecord;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Flushed;
import io.polyconnect.protocol.v1.Heartbeat;
import io.polyconnect.protocol.v1.PutDone;
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
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SinkTask.Run stream. The core's messages run against the task strictly in order on
 * one thread (open, put, flush, close, stop), like Kafka Connect's task thread. Errant
 * records go out before the PutDone of their Put. A failing flush fails the task: the
 * protocol has no rewind, so a restart from the committed offsets is the safe way on.
 */
final class SinkSession implements StreamObserver<SinkRequest>, SinkTaskContext {
  private static final Logger LOG = Logger.getLogger("polyconnect.sink");
  private static final SinkResponse HEARTBEAT = SinkResponse.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();

  private final Server server;
  private final Stream<SinkResponse> stream;
  private final ExecutorService thread;
  private final TreeSet<TopicPartition> assigned = new TreeSet<>();
  private final List<Object[]> errants = new ArrayList<>();
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
  }

  private void put(io.polyconnect.protocol.v1.Put put) {
    if (!started) return;
    Tracing.PutSpans spans = tracing != null ? tracing.put(put) : null;
    try {
      List<SinkRecord> records = new ArrayList<>(put.getRecordsCount());
      for (io.polyconnect.protocol.v1.SinkRecord r : put.getRecordsList()) records.add(wire.decode(r));
      task.put(records);
      if (spans != null) spans.end(null);
    } catch (RetriableException e) {
      if (spans != null) spans.end(e);
      sendErrants();
      LOG.warning("put() raised a retriable error; the core delivers the records again: " + e.getMessage());
      stream.send(SinkResponse.newBuilder().setError(SinkError.newBuilder().setError(Errors.of(e)).setPutId(put.getPutId())).build());
      return;
    } catch (Throwable e) {
      if (spans != null) spans.end(e);
      sendErrants();
      LOG.log(Level.SEVERE, "put() failed", e);
      fail(Errors.of(e), 0);
      return;
    }
    sendErrants();
    stream.send(SinkResponse.newBuilder().setPutDone(PutDone.newBuilder().setPutId(put.getPutId())).build());
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
      sendErrants();
      LOG.log(Level.SEVERE, "flush() failed", e);
      fail(Errors.of(e, ErrorKind.FATAL), 0);
      return;
    }
    sendErrants();
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
      sendErrants();
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
      sendErrants();
    }
    stream.complete();
    thread.shutdown();
    if (server.tracing() != null) server.tracing().flush();
    LOG.info("sink task " + name + "-" + taskId + " stream ended");
  }

  private void sendErrants() {
    List<Object[]> pending;
    synchronized (errants) {
      pending = new ArrayList<>(errants);
      errants.clear();
    }
    for (Object[] e : pending) {
      SinkRecord r = (SinkRecord) e[0];
      io.polyconnect.protocol.v1.Error err = Errors.of((Throwable) e[1], ErrorKind.RECORD).toBuilder()
          .setKafkaTopic(r.originalTopic()).setKafkaPartition(r.originalKafkaPartition()).setKafkaOffset(r.kafkaOffset())
          .build();
      stream.send(SinkResponse.newBuilder().setErrant(ErrantRecord.newBuilder().setTopic(r.originalTopic())
          .setKafkaPartition(r.originalKafkaPartition()).setKafkaOffset(r.kafkaOffset()).setError(err)).build());
    }
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
    synchronized (errants) {
      errants.add(new Object[] {record, error});
    }
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
