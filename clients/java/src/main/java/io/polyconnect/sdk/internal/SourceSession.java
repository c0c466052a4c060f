package io.polyconnect.sdk.internal;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.CommitRecords;
import io.polyconnect.protocol.v1.Drained;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Heartbeat;
import io.polyconnect.protocol.v1.OffsetsAnswer;
import io.polyconnect.protocol.v1.OffsetsQuery;
import io.polyconnect.protocol.v1.RecordAck;
import io.polyconnect.protocol.v1.SourceBatch;
import io.polyconnect.protocol.v1.SourceOffset;
import io.polyconnect.protocol.v1.SourceRequest;
import io.polyconnect.protocol.v1.SourceResponse;
import io.polyconnect.protocol.v1.SourceStart;
import io.polyconnect.protocol.v1.Started;
import io.polyconnect.sdk.ConfigException;
import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.RecordMetadata;
import io.polyconnect.sdk.RetriableException;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTask;
import io.polyconnect.sdk.SourceTaskContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SourceTask.Run stream. {@code start} and {@code poll} run on the task's own thread;
 * polled records are numbered and wait in {@code pending} until the core's credit (records
 * and bytes) lets them go; the next poll happens only when the pending records are sent,
 * so memory stays bounded by one poll. Acks and commits are handed to the task on a
 * second thread, in order. Stop: polling ends, Drained names the last record sent, the core
 * sends its final acks and closes its side, then {@code task.stop()}.
 */
final class SourceSession implements StreamObserver<SourceRequest>, SourceTaskContext {
  private static final Logger LOG = Logger.getLogger("polyconnect.source");
  private static final SourceResponse HEARTBEAT =
      SourceResponse.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();
  /** SourceResponse + SourceBatch framing around the records of a batch. */
  private static final int FRAME_OVERHEAD = 64;
  private static final long DEFAULT_RETRY_MS = 1000;
  private static final long OFFSETS_TIMEOUT_MS = 30_000;
  private static final Object NO_OFFSET = new Object();

  private record Pending(long seq, io.polyconnect.protocol.v1.SourceRecord proto, int size, SourceRecord record) {}

  private final Server server;
  private final Stream<SourceResponse> stream;
  private final ExecutorService acks;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Map<Long, SourceRecord> inflight = new ConcurrentHashMap<>();
  private final Map<Object, Object> offsets = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Void>> queries = new ConcurrentHashMap<>();
  private final CountDownLatch pollDone = new CountDownLatch(1);
  private Thread taskThread;
  private SourceTask task;
  private Wire wire;
  /** This task's spans; null when tracing is off. */
  private Tracing.Task tracing;
  private String name = "";
  private int taskId;
  private long maxBytes;
  private boolean keepRecords;
  /** Connector-defined transaction boundaries; null otherwise. */
  private WorkerTransactionContext txn;
  private boolean started;
  private volatile boolean stopping;
  private volatile boolean finished;
  private volatile boolean failed;
  private long stopTimeoutMs = 5000;
  // guarded by lock
  private long creditRecords;
  private long creditBytes;
  private long nextSeq;
  private long lastSentSeq;
  /** The trace of the poll whose records are pending (one poll's at a time). */
  private io.polyconnect.protocol.v1.TraceContext batchTrace;
  // the ack thread's
  private long ackedSeq;
  private long committedSeq;
  private long nextQuery;

  SourceSession(Server server, StreamObserver<SourceResponse> out) {
    this.server = server;
    this.stream = new Stream<>(out, HEARTBEAT);
    this.acks = Executors.newSingleThreadExecutor(Server.daemon("source-acks"));
    this.maxBytes = server.maxMessageBytes();
  }

  // ---------------------------------------------------------------- the core's messages

  @Override
  public void onNext(SourceRequest req) {
    stream.received();
    switch (req.getMsgCase()) {
      case START -> start(req.getStart());
      case CREDIT -> {
        synchronized (lock) {
          creditRecords += req.getCredit().getRecords();
          creditBytes += req.getCredit().getBytes();
        }
        sendAvailable();
      }
      case COMMIT_RECORDS -> {
        CommitRecords c = req.getCommitRecords();
        submit(() -> commitRecords(c));
      }
      case COMMIT -> {
        long upTo = req.getCommit().getUpToSeq();
        submit(() -> commit(upTo));
      }
      case OFFSETS -> onOffsets(req.getOffsets());
      case STOP -> {
        if (req.getStop().getTimeoutMs() > 0) stopTimeoutMs = req.getStop().getTimeoutMs();
        beginStop();
      }
      default -> { }
    }
  }

  @Override
  public void onError(Throwable t) {
    stream.markClosed();
    beginStop();
    submit(this::finish);
  }

  @Override
  public void onCompleted() {
    // The core sent its final acks and closed its side.
    beginStop();
    submit(this::finish);
  }

  private void start(SourceStart s) {
    if (started) {
      LOG.warning("ignoring a second SourceStart on the same stream");
      return;
    }
    started = true;
    name = s.getConnectorName();
    taskId = s.getTaskId();
    if (s.getProtocolVersion() != Server.PROTOCOL_VERSION) {
      fail(Errors.of(ErrorKind.CONFIG, Server.versionError(s.getProtocolVersion())));
      return;
    }
    Plugin plugin = server.find(s.getConnectorClass(), Plugin.Kind.SOURCE);
    if (plugin == null) {
      fail(Errors.of(ErrorKind.CONFIG, "this connector process does not serve a source connector named '"
          + s.getConnectorClass() + "'"));
      return;
    }
    if (s.getMaxMessageBytes() > 0) maxBytes = Math.min(maxBytes, s.getMaxMessageBytes());
    wire = new Wire(s.getCapabilities().getSchemaReferences(), s.getCapabilities().getRawBytes(),
        s.getCapabilities().getTraceContext());
    if (server.tracing() != null) tracing = server.tracing().task(name, taskId);
    for (SourceOffset o : s.getOffsetsList()) remember(o);
    if (s.getTransactionContext()) txn = new WorkerTransactionContext();
    stream.configure(server.timer(), s.getHeartbeatIntervalMs(), s.getIdleTimeoutMs(),
        () -> fail(Errors.of(ErrorKind.FATAL, "no message from the core within the idle timeout")));
    Map<String, String> config = new HashMap<>(s.getConfigMap());
    taskThread = Server.daemon("source-" + name + "-" + taskId).newThread(() -> run(plugin, config));
    taskThread.start();
  }

  private void run(Plugin plugin, Map<String, String> config) {
    try {
      LOG.info("starting source task " + name + "-" + taskId + " (" + plugin.className() + ")");
      try {
        task = plugin.newSourceTask();
        keepRecords = overrides(task.getClass(), "commitRecord", SourceRecord.class, RecordMetadata.class);
        task.initialize(this);
        task.start(config);
      } catch (Throwable e) {
        LOG.log(Level.SEVERE, "task start() failed", e);
        task = null;
        fail(Errors.of(e));
        return;
      }
      if (!stream.send(SourceResponse.newBuilder().setStarted(Started.getDefaultInstance()).build())) return;
      pollLoop();
      drain();
    } finally {
      pollDone.countDown();
    }
  }

  // ---------------------------------------------------------------- polling and sending

  private void pollLoop() {
    int empty = 0;
    while (!stopping && !failed) {
      synchronized (lock) {
        while (!pending.isEmpty() && !stopping && !failed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      if (stopping || failed) return;
      long t0 = System.nanoTime();
      // A poll span gets this start time, and only when the poll returns records.
      long pollStart = tracing != null ? tracing.now() : 0;
      List<SourceRecord> records;
      try {
        records = task.poll();
      } catch (RetriableException e) {
        long delay = e.retryAfterMs() > 0 ? e.retryAfterMs() : DEFAULT_RETRY_MS;
        LOG.warning("poll() raised a retriable error; polling again in " + delay + " ms: " + e.getMessage());
        stream.send(SourceResponse.newBuilder().setError(Errors.of(e)).build());
        if (!sleep(delay)) return;
        continue;
      } catch (InterruptedException e) {
        return;
      } catch (Throwable e) {
        if (stopping) {
          LOG.log(Level.WARNING, "poll() failed while stopping", e);
          return;
        }
        if (Errors.of(e).getKind() == ErrorKind.RETRIABLE) {
          // Kafka Connect's RetriableException, thrown by a bridged connector.
          stream.send(SourceResponse.newBuilder().setError(Errors.of(e)).build());
          if (!sleep(DEFAULT_RETRY_MS)) return;
          continue;
        }
        LOG.log(Level.SEVERE, "poll() failed", e);
        fail(Errors.of(e));
        return;
      }
      if (records != null && !records.isEmpty()) {
        empty = 0;
        try {
          enqueue(records, tracing != null ? tracing.poll(pollStart, records.size()) : null);
        } catch (Throwable e) {
          LOG.log(Level.SEVERE, "a polled record cannot be sent", e);
          fail(Errors.of(e));
          return;
        }
        sendAvailable();
      } else if (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1)) {
        // poll() returned nothing without waiting: back off (1 ms doubling to 100 ms)
        // rather than spin.
        empty++;
        if (!sleep(Math.min(100, 1L << Math.min(empty, 7)))) return;
      }
    }
  }

  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Encodes a poll's records; {@code poll} (null when tracing is off) gives their spans. */
  private void enqueue(List<SourceRecord> records, Tracing.Poll poll) {
    long limit = maxBytes - FRAME_OVERHEAD;
    List<Pending> encoded = new ArrayList<>(records.size());
    long seq;
    synchronized (lock) {
      seq = nextSeq;
    }
    // Records of an unsampled poll get a span only if they carry a (sampled) context of
    // their own; the others skip the span work altogether.
    boolean spans = poll != null && wire.traces();
    boolean sampled = spans && poll.sampled();
    try {
      for (SourceRecord r : records) {
        seq++;
        io.polyconnect.protocol.v1.TraceContext span =
            spans && (sampled || r.traceparent() != null) ? poll.record(r.topic(), r.traceparent(), r.tracestate()) : null;
        io.polyconnect.protocol.v1.SourceRecord p = wire.encode(r, seq, span);
        int size = p.getSerializedSize();
        if (size > limit) {
          throw new ConfigException("a record of " + size + " bytes (topic " + r.topic()
              + ") does not fit in the negotiated maximum message size of " + maxBytes + " bytes");
        }
        encoded.add(new Pending(seq, p, size, keepRecords ? r : null));
      }
      if (txn != null) {
        txn.actions(records).forEach((i, action) -> {
          Pending e = encoded.get(i);
          io.polyconnect.protocol.v1.SourceRecord p = e.proto().toBuilder().setTransaction(action).build();
          encoded.set(i, new Pending(e.seq(), p, p.getSerializedSize(), e.record()));
        });
      }
    } finally {
      if (poll != null) poll.end();
    }
    synchronized (lock) {
      nextSeq = seq;
      batchTrace = spans ? poll.batchTrace() : null;
      pending.addAll(encoded);
    }
  }

  /** Sends as many pending records as the credit allows, in batches that fit a message. */
  private void sendAvailable() {
    synchronized (lock) {
      long limit = maxBytes - FRAME_OVERHEAD;
      while (!pending.isEmpty() && creditRecords > 0 && !failed) {
        SourceBatch.Builder batch = SourceBatch.newBuilder();
        long size = 0;
        long bytes = 0;
        int n = 0;
        while (!pending.isEmpty() && n < creditRecords) {
          Pending p = pending.peek();
          if (bytes + p.size() > creditBytes) break;
          long framed = 1 + varintSize(p.size()) + p.size();
          if (n > 0 && size + framed > limit) break;
          pending.poll();
          batch.addRecords(p.proto());
          if (p.record() != null) inflight.put(p.seq(), p.record());
          size += framed;
          bytes += p.size();
          n++;
          lastSentSeq = p.seq();
        }
        if (n == 0) break;
        if (batchTrace != null) batch.setTrace(batchTrace);
        creditRecords -= n;
        creditBytes -= bytes;
        stream.send(SourceResponse.newBuilder().setBatch(batch).build());
      }
      if (pending.isEmpty()) lock.notifyAll();
    }
  }

  private static int varintSize(long n) {
    int i = 1;
    while (n > 0x7F) {
      n >>>= 7;
      i++;
    }
    return i;
  }

  private void beginStop() {
    if (stopping) return;
    stopping = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    Thread t = taskThread;
    if (t != null) {
      // A poll() that does not return within half the stop timeout is interrupted.
      try {
        server.timer().schedule(() -> {
          if (pollDone.getCount() > 0) {
            LOG.warning("poll() did not return within " + stopTimeoutMs / 2 + " ms of Stop; interrupting it");
            t.interrupt();
          }
        }, stopTimeoutMs / 2, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        t.interrupt();
      }
    }
  }

  private void drain() {
    if (failed) return;
    sendAvailable();
    long dropped;
    long last;
    synchronized (lock) {
      dropped = pending.size();
      pending.clear();
      last = lastSentSeq;
    }
    if (dropped > 0) {
      LOG.info("dropping " + dropped + " polled records that had no credit left at stop; they are read again after a restart");
    }
    LOG.info("drained: last seq " + last);
    stream.send(SourceResponse.newBuilder().setDrained(Drained.newBuilder().setLastSeq(last)).build());
    // The core sends the final acks and commit, then closes its side within its stop
    // timeout; past that (and a margin) it has given up on a clean stop.
    try {
      server.timer().schedule(() -> submit(this::finish), stopTimeoutMs + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      submit(this::finish);
    }
  }

  // ---------------------------------------------------------------- acks (ack thread)

  private void commitRecords(CommitRecords c) {
    for (RecordAck a : c.getAcksList()) {
      if (a.getSeq() <= ackedSeq) continue; // acks are cumulative and may repeat
      ackedSeq = a.getSeq();
      SourceRecord r = inflight.remove(a.getSeq());
      if (r != null && task != null) {
        try {
          task.commitRecord(r, a.getFiltered() ? null : new RecordMetadata(a.getTopic(), a.getPartition(), a.getOffset()));
        } catch (Throwable e) {
          LOG.log(Level.WARNING, "commitRecord() failed", e);
        }
      }
    }
  }

  private void commit(long upTo) {
    if (upTo <= committedSeq || task == null) return;
    committedSeq = upTo;
    try {
      task.commit();
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "commit() failed", e);
    }
  }

  /** Waits for the poll loop to end, stops the task and ends our side (ack thread). */
  private void finish() {
    if (finished) return;
    if (taskThread == null) pollDone.countDown(); // the task never started
    try {
      if (!pollDone.await(stopTimeoutMs + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warning("poll() is still running; stopping the task anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    finished = true;
    if (task != null) {
      try {
        task.stop();
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "stop() failed", e);
      }
    }
    stream.complete();
    acks.shutdown();
    if (server.tracing() != null) server.tracing().flush();
    LOG.info("source task " + name + "-" + taskId + " stream ended");
  }

  private void fail(io.polyconnect.protocol.v1.Error e) {
    failed = true;
    stream.send(SourceResponse.newBuilder().setError(e).build());
    stopping = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    submit(this::finish);
  }

  // ---------------------------------------------------------------- offsets

  private void remember(SourceOffset o) {
    Object partition = Wire.anyFromProto(o.getPartition());
    Object offset = o.hasOffset() ? Wire.anyFromProto(o.getOffset()) : null;
    offsets.put(key(partition), offset == null ? NO_OFFSET : offset);
  }

  private void onOffsets(OffsetsAnswer a) {
    for (SourceOffset o : a.getOffsetsList()) remember(o);
    CompletableFuture<Void> f = queries.get(a.getRequestId());
    if (f != null) f.complete(null);
  }

  /** Offsets compare by value whatever integer width the core gives them back with. */
  static Object key(Object v) {
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) return f.doubleValue();
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new HashMap<>();
      m.forEach((k, x) -> out.put(key(k), key(x)));
      return out;
    }
    if (v instanceof List<?> l) return l.stream().map(SourceSession::key).toList();
    return v;
  }

  @Override
  public String connectorName() { return name; }

  @Override
  public int taskId() { return taskId; }

  @Override
  public io.polyconnect.sdk.TransactionContext transactionContext() {
    return txn;
  }

  @Override
  public Map<String, Object> offset(Map<String, ?> partition) {
    return offsets(List.of(partition)).get(partition);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> partitions) {
    List<Map<String, ?>> missing = new ArrayList<>();
    for (Map<String, ?> p : partitions) {
      if (!offsets.containsKey(key(p))) missing.add(p);
    }
    if (!missing.isEmpty()) query(missing);
    Map<Map<String, ?>, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, ?> p : partitions) {
      Object o = offsets.get(key(p));
      if (o instanceof Map<?, ?> m) out.put(p, (Map<String, Object>) m);
    }
    return out;
  }

  private void query(List<Map<String, ?>> partitions) {
    long id;
    synchronized (queries) {
      id = ++nextQuery;
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    queries.put(id, f);
    OffsetsQuery.Builder q = OffsetsQuery.newBuilder().setRequestId(id);
    for (Map<String, ?> p : partitions) q.addPartitions(Wire.staticAnyToProto(p));
    try {
      stream.send(SourceResponse.newBuilder().setOffsetsQuery(q).build());
      f.get(OFFSETS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ConnectException("the core did not answer an offsets query within " + OFFSETS_TIMEOUT_MS / 1000 + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while waiting for offsets");
    } catch (Exception e) {
      throw new ConnectException("offsets query failed: " + e, e);
    } finally {
      queries.remove(id);
    }
    for (Map<String, ?> p : partitions) offsets.putIfAbsent(key(p), NO_OFFSET);
  }

  private static boolean overrides(Class<?> c, String method, Class<?>... args) {
    try {
      return c.getMethod(method, args).getDeclaringClass() != SourceTask.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Runs {@code r} on the session's thread unless the session already ended. */
  private void submit(Runnable r) {
    try {
      acks.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException ended) {
      // the stream is over; nothing left to do
    }
  }
}
