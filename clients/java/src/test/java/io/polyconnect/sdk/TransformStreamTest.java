package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ConnectorGrpc;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.HandshakeRequest;
import io.polyconnect.protocol.v1.HandshakeResponse;
import io.polyconnect.protocol.v1.PluginType;
import io.polyconnect.protocol.v1.Stop;
import io.polyconnect.protocol.v1.TransformBatch;
import io.polyconnect.protocol.v1.TransformGrpc;
import io.polyconnect.protocol.v1.TransformRequest;
import io.polyconnect.protocol.v1.TransformResponse;
import io.polyconnect.protocol.v1.TransformResult;
import io.polyconnect.protocol.v1.TransformStart;
import io.polyconnect.sdk.internal.Wire;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformStreamTest {
  public static class Upper implements Transformation {
    private String suffix = "";

    @Override
    public void configure(Map<String, String> config) {
      suffix = config.getOrDefault("suffix", "");
    }

    @Override
    public ConnectRecord apply(ConnectRecord r) {
      String v = (String) r.value();
      if (v.equals("drop")) return null;
      if (v.equals("bad")) throw new DataException("bad value");
      return r.withValue(Schema.STRING, v.toUpperCase() + suffix);
    }
  }

  public static class Long3 implements Predicate {
    @Override
    public boolean test(ConnectRecord r) {
      return ((String) r.value()).length() > 3;
    }
  }

  private static TransformRequest batch(long id, String... values) {
    Wire w = new Wire(true, false, true);
    TransformBatch.Builder b = TransformBatch.newBuilder().setBatchId(id);
    for (int i = 0; i < values.length; i++) {
      b.addRecords(w.encodeTransformRecord(new ConnectRecord("t", null, null, null, Schema.STRING, values[i], 5L, List.of(), null))
          .toBuilder().setIndex(i));
    }
    return TransformRequest.newBuilder().setBatch(b).build();
  }

  @Test
  void handshakeListsTransformsAndPredicates() throws Exception {
    try (Harness h = new Harness(Plugin.ofTransformation(Upper.class), Plugin.ofPredicate(Long3.class))) {
      HandshakeResponse hs = ConnectorGrpc.newBlockingStub(h.channel)
          .handshake(HandshakeRequest.newBuilder().addProtocolVersions(1).build());
      assertEquals(PluginType.TRANSFORMATION, hs.getPlugins(0).getType());
      assertEquals(PluginType.PREDICATE, hs.getPlugins(1).getType());
    }
  }

  @Test
  void batchOutcomesInOrder() throws Exception {
    try (Harness h = new Harness(Plugin.ofTransformation(Upper.class), Plugin.ofPredicate(Long3.class))) {
      Harness.Recorder<TransformResponse> rec = new Harness.Recorder<>();
      StreamObserver<TransformRequest> core = TransformGrpc.newStub(h.channel).run(rec);
      core.onNext(TransformRequest.newBuilder().setStart(TransformStart.newBuilder().setProtocolVersion(1)
          .setClassName("Upper").putConfig("suffix", "!")).build());
      assertEquals(PluginType.TRANSFORMATION, rec.next(TransformResponse::hasHeartbeat).getStarted().getType());
      core.onNext(batch(1, "a", "drop", "bad", "b"));
      TransformResult res = rec.next(TransformResponse::hasHeartbeat).getResult();
      assertEquals(1, res.getBatchId());
      Wire w = new Wire(true, false, true);
      assertEquals("A!", w.decodeTransformRecord(res.getOutcomes(0).getRecord()).value());
      assertEquals(5L, w.decodeTransformRecord(res.getOutcomes(0).getRecord()).timestamp());
      assertTrue(res.getOutcomes(1).getDropped());
      assertEquals(ErrorKind.RECORD, res.getOutcomes(2).getError().getKind());
      assertEquals("io.polyconnect.sdk.DataException", res.getOutcomes(2).getError().getErrorClass());
      assertEquals("B!", w.decodeTransformRecord(res.getOutcomes(3).getRecord()).value());
      assertEquals(3, res.getOutcomes(3).getIndex());
      core.onNext(TransformRequest.newBuilder().setStop(Stop.getDefaultInstance()).build());
      rec.awaitDone();

      Harness.Recorder<TransformResponse> rec2 = new Harness.Recorder<>();
      StreamObserver<TransformRequest> core2 = TransformGrpc.newStub(h.channel).run(rec2);
      core2.onNext(TransformRequest.newBuilder().setStart(TransformStart.newBuilder().setClassName("Long3")).build());
      assertEquals(PluginType.PREDICATE, rec2.next(TransformResponse::hasHeartbeat).getStarted().getType());
      core2.onNext(batch(1, "ab", "abcd"));
      TransformResult r2 = rec2.next(TransformResponse::hasHeartbeat).getResult();
      assertEquals(List.of(false, true), r2.getOutcomesList().stream().map(o -> o.getMatches()).toList());
      core2.onCompleted();
    }
  }
}
