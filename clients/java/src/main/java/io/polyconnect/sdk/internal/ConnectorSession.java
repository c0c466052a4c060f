package io.polyconnect.sdk.internal;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ConnectorRequest;
import io.polyconnect.protocol.v1.ConnectorResponse;
import io.polyconnect.protocol.v1.ConnectorStart;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Heartbeat;
import io.polyconnect.protocol.v1.ReconfigureRequest;
import io.polyconnect.protocol.v1.Started;
import io.polyconnect.protocol.v1.TaskConfig;
import io.polyconnect.protocol.v1.TaskConfigs;
import io.polyconnect.sdk.Connector;
import io.polyconnect.sdk.ConnectorContext;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.protocol.v1.OffsetsAnswer;
import io.polyconnect.protocol.v1.OffsetsQuery;
import io.polyconnect.protocol.v1.SourceOffset;
import io.polyconnect.sdk.ConnectException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The Connector.Run stream: start, task configs, reconfiguration requests, stop. Every
 * call into the connector runs on one thread, in order. */
final class ConnectorSession implements StreamObserver<ConnectorRequest>, ConnectorContext {
  private static final Logger LOG = Logger.getLogger("polyconnect.connector");
  private static final ConnectorResponse HEARTBEAT =
      ConnectorResponse.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();

  private final Server server;
  private final Stream<ConnectorResponse> stream;
  private final ExecutorService thread;
  private Connector connector;
  private String name = "";
  private boolean started;
  private volatile boolean stopped;
  private final Map<Long, CompletableFuture<OffsetsAnswer>> queries = new ConcurrentHashMap<>();
  private final AtomicLong nextQuery = new AtomicLong();
  private static final long OFFSETS_TIMEOUT_MS = 30_000;

  ConnectorSession(Server server, StreamObserver<ConnectorResponse> out) {
    this.server = server;
    this.stream = new Stream<>(out, HEARTBEAT);
    this.thread = Executors.newSingleThreadExecutor(Server.daemon("connector"));
  }

  @Override
  public void onNext(ConnectorRequest req) {
    stream.received();
    switch (req.getMsgCase()) {
      case START -> submit(() -> start(req.getStart()));
      case TASK_CONFIGS -> submit(() -> taskConfigs(req.getTaskConfigs().getMaxTasks()));
      case STOP -> submit(this::stop);
      // Answered here, not on the connector's thread: start() may be waiting for it.
      case OFFSETS -> {
        CompletableFuture<OffsetsAnswer> f = queries.get(req.getOffsets().getRequestId());
        if (f != null) f.complete(req.getOffsets());
      }
      default -> { }
    }
  }

  private void start(ConnectorStart s) {
    if (started) {
      LOG.warning("ignoring a second ConnectorStart on the same stream");
      return;
    }
    started = true;
    name = s.getConnectorName();
    if (s.getProtocolVersion() != Server.PROTOCOL_VERSION) {
      fail(Errors.of(ErrorKind.CONFIG, Server.versionError(s.getProtocolVersion())));
      return;
    }
    Plugin plugin = server.find(s.getConnectorClass(), null);
    if (plugin == null) {
      fail(Errors.of(ErrorKind.CONFIG, "this connector process does not serve a connector named '"
          + s.getConnectorClass() + "'"));
      return;
    }
    stream.configure(server.timer(), s.getHeartbeatIntervalMs(), s.getIdleTimeoutMs(),
        () -> submit(() -> fail(Errors.of(ErrorKind.FATAL, "no message from the core within the idle timeout"))));
    Map<String, String> config = new HashMap<>(s.getConfigMap());
    LOG.info("starting connector " + name + " (" + plugin.className() + ")");
    try {
      connector = plugin.newConnector();
      connector.initialize(this, config);
      connector.config().parse(config);
      connector.start(config);
    } catch (Throwable e) {
      LOG.log(Level.SEVERE, "connector " + name + " failed to start", e);
      connector = null;
      fail(Errors.of(e));
      return;
    }
    stream.send(ConnectorResponse.newBuilder().setStarted(Started.getDefaultInstance()).build());
  }

  private void taskConfigs(int maxTasks) {
    if (connector == null || stopped) return;
    try {
      List<Map<String, String>> configs = connector.taskConfigs(maxTasks);
      TaskConfigs.Builder b = TaskConfigs.newBuilder();
      int n = 0;
      for (Map<String, String> c : configs == null ? List.<Map<String, String>>of() : configs) {
        if (maxTasks > 0 && n++ >= maxTasks) {
          LOG.warning("taskConfigs returned " + configs.size() + " configs for maxTasks=" + maxTasks + "; using the first " + maxTasks);
          break;
        }
        b.addConfigs(TaskConfig.newBuilder().putAllConfig(c));
      }
      stream.send(ConnectorResponse.newBuilder().setTaskConfigs(b).build());
    } catch (Throwable e) {
      LOG.log(Level.SEVERE, "taskConfigs failed", e);
      fail(Errors.of(e));
    }
  }

  private void stop() {
    stopConnector();
    stream.complete();
    thread.shutdown();
  }

  private void stopConnector() {
    if (stopped) return;
    stopped = true;
    if (connector != null) {
      try {
        connector.stop();
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "connector stop() failed", e);
      }
    }
  }

  private void fail(io.polyconnect.protocol.v1.Error e) {
    stream.send(ConnectorResponse.newBuilder().setError(e).build());
    stop();
  }

  @Override
  public void onError(Throwable t) {
    stream.markClosed();
    submit(this::stop);
  }

  @Override
  public void onCompleted() {
    submit(this::stop);
  }

  // ---------------------------------------------------------------- ConnectorContext

  @Override
  public String connectorName() { return name; }

  @Override
  public void requestTaskReconfiguration() {
    stream.send(ConnectorResponse.newBuilder().setReconfigure(ReconfigureRequest.newBuilder().setReason("requested by the connector")).build());
  }

  @Override
  public void raiseError(Exception error) {
    LOG.log(Level.SEVERE, "the connector raised an error", error);
    submit(() -> fail(Errors.of(error)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> partitions) {
    long id = nextQuery.incrementAndGet();
    CompletableFuture<OffsetsAnswer> f = new CompletableFuture<>();
    queries.put(id, f);
    OffsetsQuery.Builder q = OffsetsQuery.newBuilder().setRequestId(id);
    for (Map<String, ?> p : partitions) q.addPartitions(Wire.staticAnyToProto(p));
    OffsetsAnswer answer;
    try {
      stream.send(ConnectorResponse.newBuilder().setOffsetsQuery(q).build());
      answer = f.get(OFFSETS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
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
    Map<Object, Object> stored = new HashMap<>();
    for (SourceOffset o : answer.getOffsetsList()) {
      if (o.hasOffset()) {
        stored.put(SourceSession.key(Wire.anyFromProto(o.getPartition())), Wire.anyFromProto(o.getOffset()));
      }
    }
    Map<Map<String, ?>, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, ?> p : partitions) {
      if (stored.get(SourceSession.key(p)) instanceof Map<?, ?> m) out.put(p, (Map<String, Object>) m);
    }
    return out;
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
