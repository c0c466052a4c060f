package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.Capabilities;
import io.polyconnect.protocol.v1.ConnectorGrpc;
import io.polyconnect.protocol.v1.Credit;
import io.polyconnect.protocol.v1.SourceRequest;
import io.polyconnect.protocol.v1.SourceResponse;
import io.polyconnect.protocol.v1.SourceStart;
import io.polyconnect.protocol.v1.SourceTaskGrpc;
import io.polyconnect.protocol.v1.TransactionAction;
import io.polyconnect.protocol.v1.TransactionBoundarySupport;
import io.polyconnect.protocol.v1.ValidateRequest;
import io.polyconnect.protocol.v1.ValidateResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Exactly-once declarations (Validate) and the TransactionContext of source tasks. */
class TransactionsTest {
  /** Each poll: a record count and requests {action, index (-1: the batch)}. */
  record Step(int count, List<Object[]> requests) {}

  static final ConcurrentLinkedQueue<Step> PLAN = new ConcurrentLinkedQueue<>();
  static volatile Object seenContext = "unset";

  public static class Txn extends SourceConnector {
    @Override public Class<? extends SourceTask> taskClass() { return Task.class; }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> config) {
      if (config.containsKey("fail")) throw new IllegalStateException(config.get("fail"));
      return switch (config.getOrDefault("eos", "")) {
        case "yes" -> ExactlyOnceSupport.SUPPORTED;
        case "no" -> ExactlyOnceSupport.UNSUPPORTED;
        default -> null;
      };
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> config) {
      return ConnectorTransactionBoundaries.SUPPORTED;
    }

    public static class Task extends SourceTask {
      long n;

      @Override public void start(Map<String, String> props) { seenContext = context().transactionContext(); }

      @Override
      public List<SourceRecord> poll() throws InterruptedException {
        Step s = PLAN.poll();
        if (s == null) {
          Thread.sleep(20);
          return null;
        }
        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < s.count(); i++) out.add(new SourceRecord(Map.of("p", "a"), Map.of("n", n), "t", Schema.INT64, n++));
        TransactionContext txn = context().transactionContext();
        for (Object[] r : s.requests()) {
          int i = (Integer) r[1];
          boolean commit = r[0].equals("commit");
          if (i < 0 && commit) txn.commitTransaction();
          else if (i < 0) txn.abortTransaction();
          else if (commit) txn.commitTransaction(out.get(i));
          else txn.abortTransaction(out.get(i));
        }
        return out;
      }

      @Override public void stop() { }
    }
  }

  static SourceRequest start(boolean transactionContext) {
    return SourceRequest.newBuilder().setStart(SourceStart.newBuilder().setProtocolVersion(1)
        .setConnectorClass("Txn").setConnectorName("n").setTransactionContext(transactionContext)
        .setCapabilities(Capabilities.newBuilder().setSchemaReferences(true).setRawBytes(true))).build();
  }

  static List<io.polyconnect.protocol.v1.SourceRecord> records(Harness.Recorder<SourceResponse> rec, int n)
      throws InterruptedException {
    List<io.polyconnect.protocol.v1.SourceRecord> out = new ArrayList<>();
    while (out.size() < n) {
      SourceResponse r = rec.next(SourceResponse::hasHeartbeat);
      assertTrue(r.hasBatch(), r.toString());
      out.addAll(r.getBatch().getRecordsList());
    }
    return out;
  }

  @Test
  void noTransactionContextWithoutConnectorBoundaries() throws Exception {
    PLAN.clear();
    PLAN.add(new Step(2, List.of()));
    try (Harness h = new Harness(Plugin.of(Txn.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(start(false));
      assertTrue(rec.next(SourceResponse::hasHeartbeat).hasStarted());
      core.onNext(SourceRequest.newBuilder().setCredit(Credit.newBuilder().setRecords(10).setBytes(1 << 20)).build());
      for (var r : records(rec, 2)) assertEquals(TransactionAction.TRANSACTION_ACTION_NONE, r.getTransaction());
      assertNull(seenContext);
      core.onCompleted();
    }
  }

  @Test
  void requestsTravelOnTheirRecords() throws Exception {
    PLAN.clear();
    PLAN.add(new Step(5, List.of(new Object[] {"commit", 1}, new Object[] {"abort", 3})));
    PLAN.add(new Step(3, List.<Object[]>of(new Object[] {"commit", -1})));
    PLAN.add(new Step(3, List.of(new Object[] {"abort", -1}, new Object[] {"commit", 2})));
    try (Harness h = new Harness(Plugin.of(Txn.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(start(true));
      assertTrue(rec.next(SourceResponse::hasHeartbeat).hasStarted());
      assertNotNull(seenContext);
      core.onNext(SourceRequest.newBuilder().setCredit(Credit.newBuilder().setRecords(100).setBytes(1 << 20)).build());
      Map<Long, TransactionAction> got = new TreeMap<>();
      for (var r : records(rec, 11)) {
        if (r.getTransaction() != TransactionAction.TRANSACTION_ACTION_NONE) got.put(r.getSeq(), r.getTransaction());
      }
      assertEquals(Map.of(2L, TransactionAction.COMMIT_TRANSACTION, 4L, TransactionAction.ABORT_TRANSACTION,
          8L, TransactionAction.COMMIT_TRANSACTION, 11L, TransactionAction.COMMIT_TRANSACTION), got);
      core.onCompleted();
    }
  }

  @Test
  void commitAndAbortOfOneRecordFailTheTask() throws Exception {
    PLAN.clear();
    PLAN.add(new Step(2, List.of(new Object[] {"commit", 0}, new Object[] {"abort", 0})));
    try (Harness h = new Harness(Plugin.of(Txn.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(start(true));
      assertTrue(rec.next(SourceResponse::hasHeartbeat).hasStarted());
      core.onNext(SourceRequest.newBuilder().setCredit(Credit.newBuilder().setRecords(10).setBytes(1 << 20)).build());
      SourceResponse r = rec.next(SourceResponse::hasHeartbeat);
      assertTrue(r.hasError(), r.toString());
      assertTrue(r.getError().getMessage().contains("Connector requested both commit and abort of same record"), r.toString());
    }
  }

  @Test
  void validateAnswersTheDeclarations() throws Exception {
    try (Harness h = new Harness(Plugin.of(Txn.class))) {
      ConnectorGrpc.ConnectorBlockingStub stub = ConnectorGrpc.newBlockingStub(h.channel);
      ValidateResponse v = stub.validate(ValidateRequest.newBuilder().setConnectorClass("Txn").build());
      assertEquals(io.polyconnect.protocol.v1.ExactlyOnceSupport.EXACTLY_ONCE_SUPPORT_UNSPECIFIED, v.getExactlyOnceSupport());
      assertEquals(TransactionBoundarySupport.TRANSACTION_BOUNDARIES_SUPPORTED, v.getTransactionBoundaries());
      v = stub.validate(ValidateRequest.newBuilder().setConnectorClass("Txn").putConfig("eos", "yes").build());
      assertEquals(io.polyconnect.protocol.v1.ExactlyOnceSupport.EXACTLY_ONCE_SUPPORTED, v.getExactlyOnceSupport());
      v = stub.validate(ValidateRequest.newBuilder().setConnectorClass("Txn").putConfig("eos", "no").build());
      assertEquals(io.polyconnect.protocol.v1.ExactlyOnceSupport.EXACTLY_ONCE_UNSUPPORTED, v.getExactlyOnceSupport());
      v = stub.validate(ValidateRequest.newBuilder().setConnectorClass("Txn").putConfig("fail", "cannot tell").build());
      assertEquals("cannot tell", v.getExactlyOnceSupportError());
    }
  }
}
