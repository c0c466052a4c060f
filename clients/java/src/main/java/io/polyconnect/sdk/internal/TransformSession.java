package io.polyconnect.sdk.internal;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.PluginType;
import io.polyconnect.protocol.v1.TransformBatch;
import io.polyconnect.protocol.v1.TransformOutcome;
import io.polyconnect.protocol.v1.TransformRecord;
import io.polyconnect.protocol.v1.TransformRequest;
import io.polyconnect.protocol.v1.TransformResponse;
import io.polyconnect.protocol.v1.TransformResult;
import io.polyconnect.protocol.v1.TransformStart;
import io.polyconnect.protocol.v1.TransformStarted;
import io.polyconnect.sdk.ConnectRecord;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.Predicate;
import io.polyconnect.sdk.Transformation;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One Transform stream: one configured transformation or predicate for one task's chain
 * stage; batches in, one outcome per record out, in order. Requests are handled as they
 * come, on gRPC's thread for the stream (one at a time, in order). */
final class TransformSession implements StreamObserver<TransformRequest> {
  private static final Logger LOG = Logger.getLogger("polyconnect");
  private final Server server;
  private final StreamObserver<TransformResponse> out;
  private Transformation transformation;
  private Predicate predicate;
  private Wire wire;
  private boolean done;

  TransformSession(Server server, StreamObserver<TransformResponse> out) {
    this.server = server;
    this.out = out;
  }

  @Override
  public synchronized void onNext(TransformRequest req) {
    if (done) return;
    switch (req.getMsgCase()) {
      case START -> start(req.getStart());
      case BATCH -> batch(req.getBatch());
      case STOP -> finish();
      default -> { }
    }
  }

  private void fail(io.polyconnect.protocol.v1.Error e) {
    out.onNext(TransformResponse.newBuilder().setError(e).build());
    finish();
  }

  private void start(TransformStart s) {
    if (s.getProtocolVersion() != 0 && s.getProtocolVersion() != Server.PROTOCOL_VERSION) {
      fail(Errors.of(ErrorKind.CONFIG, Server.versionError(s.getProtocolVersion())));
      return;
    }
    Plugin p = server.find(s.getClassName(), Plugin.Kind.TRANSFORMATION);
    if (p == null) p = server.find(s.getClassName(), Plugin.Kind.PREDICATE);
    if (p == null) {
      fail(Errors.of(ErrorKind.CONFIG, "this process does not serve the transform or predicate '" + s.getClassName() + "'"));
      return;
    }
    Map<String, String> config = s.getConfigMap();
    try {
      StringBuilder problems = new StringBuilder();
      p.configDef().validate(config).forEach((k, errs) -> {
        if (!errs.isEmpty()) problems.append(problems.length() == 0 ? "" : "; ").append(k).append(": ").append(String.join(", ", errs));
      });
      if (problems.length() > 0) {
        fail(Errors.of(ErrorKind.CONFIG, problems.toString()));
        return;
      }
      if (p.kind() == Plugin.Kind.PREDICATE) {
        predicate = p.newPredicate();
        predicate.configure(config);
      } else {
        transformation = p.newTransformation();
        transformation.configure(config);
      }
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "configure() of " + p.className() + " failed", e);
      fail(Errors.of(e, ErrorKind.CONFIG));
      return;
    }
    wire = new Wire(true, false, true);
    out.onNext(TransformResponse.newBuilder().setStarted(TransformStarted.newBuilder()
        .setType(predicate != null ? PluginType.PREDICATE : PluginType.TRANSFORMATION)).build());
    LOG.info(p.className() + " '" + s.getAlias() + "' of " + s.getConnectorName() + " task " + s.getTaskId() + " started");
  }

  private void batch(TransformBatch b) {
    if (wire == null) {
      fail(Errors.of(ErrorKind.FATAL, "a batch before TransformStart"));
      return;
    }
    TransformResult.Builder res = TransformResult.newBuilder().setBatchId(b.getBatchId());
    for (TransformRecord in : b.getRecordsList()) {
      TransformOutcome.Builder o = res.addOutcomesBuilder().setIndex(in.getIndex());
      try {
        ConnectRecord r = wire.decodeTransformRecord(in);
        if (predicate != null) {
          o.setMatches(predicate.test(r));
          continue;
        }
        ConnectRecord t = transformation.apply(r);
        if (t == null) {
          o.setDropped(true);
        } else {
          o.setRecord(wire.encodeTransformRecord(t));
        }
      } catch (Throwable e) {
        o.setError(Errors.of(e, ErrorKind.RECORD));
      }
    }
    out.onNext(TransformResponse.newBuilder().setResult(res).build());
  }

  private void finish() {
    if (done) return;
    done = true;
    try {
      if (transformation != null) transformation.close();
      if (predicate != null) predicate.close();
    } catch (Throwable e) {
      LOG.log(Level.WARNING, "close() failed", e);
    }
    out.onCompleted();
  }

  @Override
  public synchronized void onError(Throwable t) {
    if (done) return;
    done = true;
    try {
      if (transformation != null) transformation.close();
      if (predicate != null) predicate.close();
    } catch (Throwable e) {
      LOG.log(Level.FINE, "close() failed", e);
    }
  }

  @Override
  public synchronized void onCompleted() {
    finish();
  }

}
