package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.Capabilities;
import io.polyconnect.protocol.v1.Commit;
import io.polyconnect.protocol.v1.CommitRecords;
import io.polyconnect.protocol.v1.Credit;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.MapEntry;
import io.polyconnect.protocol.v1.OffsetsAnswer;
import io.polyconnect.protocol.v1.RecordAck;
import io.polyconnect.protocol.v1.SourceOffset;
import io.polyconnect.protocol.v1.SourceRequest;
import io.polyconnect.protocol.v1.SourceResponse;
import io.polyconnect.protocol.v1.SourceStart;
import io.polyconnect.protocol.v1.SourceTaskGrpc;
import io.polyconnect.protocol.v1.Stop;
import io.polyconnect.protocol.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceStreamTest {
  /** Ten records per poll, numbered from the stored offset; records what the SDK calls. */
  public static class Numbers extends SourceConnector {
    static final LinkedBlockingQueue<String> CALLS = new LinkedBlockingQueue<>();
    static volatile String failWith = "";
    static final AtomicInteger POLLS = new AtomicInteger();

    @Override public Class<? extends SourceTask> taskClass() { return Task.class; }

    public static class Task extends SourceTask {
      long next;

      @Override
      public void start(Map<String, String> props) {
        Map<String, Object> o = context().offset(Map.of("p", "a"));
        next = o == null ? 1 : ((Number) o.get("n")).longValue() + 1;
        Map<String, Object> other = context().offset(Map.of("p", "other"));
        CALLS.add("start " + next + " other=" + other);
      }

      @Override
      public List<SourceRecord> poll() {
        int n = POLLS.incrementAndGet();
        if (failWith.equals("retriable") && n == 1) throw new RetriableException("later", 1234);
        if (failWith.equals("fatal")) throw new IllegalStateException("broken source");
        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < 10; i++, next++) {
          out.add(new SourceRecord(Map.of("p", "a"), Map.of("n", next), "t", Schema.STRING, "v" + next));
        }
        return out;
      }

      @Override
      public void commitRecord(SourceRecord r, RecordMetadata md) {
        CALLS.add("commitRecord " + r.value() + " " + (md == null ? "filtered" : md.offset()));
      }

      @Override public void commit() { CALLS.add("commit"); }
      @Override public void stop() { CALLS.add("stop"); }
    }
  }

  static boolean heartbeat(SourceResponse r) {
    return r.hasHeartbeat();
  }

  /** Answers offset queries (none stored) until the task has started. */
  static void answerQueriesUntilStarted(Harness.Recorder<SourceResponse> rec, StreamObserver<SourceRequest> core)
      throws InterruptedException {
    while (true) {
      SourceResponse r = rec.next(SourceStreamTest::heartbeat);
      if (r.hasStarted()) return;
      assertTrue(r.hasOffsetsQuery(), r.toString());
      core.onNext(SourceRequest.newBuilder().setOffsets(OffsetsAnswer.newBuilder()
          .setRequestId(r.getOffsetsQuery().getRequestId())).build());
    }
  }

  static SourceRequest start(List<SourceOffset> offsets) {
    return SourceRequest.newBuilder().setStart(SourceStart.newBuilder().setProtocolVersion(1)
        .setConnectorClass("Numbers").setConnectorName("n").addAllOffsets(offsets)
        .setCapabilities(Capabilities.newBuilder().setSchemaReferences(true).setRawBytes(true))).build();
  }

  static SourceRequest credit(int records, long bytes) {
    return SourceRequest.newBuilder().setCredit(Credit.newBuilder().setRecords(records).setBytes(bytes)).build();
  }

  static Value map(String k, Value v) {
    return Value.newBuilder().setMap(io.polyconnect.protocol.v1.Map.newBuilder()
        .addEntries(MapEntry.newBuilder().setKey(Value.newBuilder().setString(k)).setValue(v))).build();
  }

  @Test
  void creditsAcksCommitAndStagedStop() throws Exception {
    Numbers.CALLS.clear();
    Numbers.failWith = "";
    Numbers.POLLS.set(0);
    try (Harness h = new Harness(Plugin.of(Numbers.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      SourceOffset stored = SourceOffset.newBuilder().setPartition(map("p", Value.newBuilder().setString("a").build()))
          .setOffset(map("n", Value.newBuilder().setInt64(41).build())).build();
      core.onNext(start(List.of(stored)));

      // The partition that has no stored offset is asked of the core.
      SourceResponse q = rec.next(SourceStreamTest::heartbeat);
      assertTrue(q.hasOffsetsQuery(), q.toString());
      core.onNext(SourceRequest.newBuilder().setOffsets(OffsetsAnswer.newBuilder()
          .setRequestId(q.getOffsetsQuery().getRequestId())).build());
      assertTrue(rec.next(SourceStreamTest::heartbeat).hasStarted());
      assertEquals("start 42 other=null", Numbers.CALLS.poll(5, TimeUnit.SECONDS));

      // No credit, nothing sent; records without bytes, nothing sent; then bytes: exactly
      // the 3 records granted, numbered 1..3, although the poll made 10.
      rec.quiet(200, SourceStreamTest::heartbeat);
      core.onNext(credit(3, 0));
      rec.quiet(200, SourceStreamTest::heartbeat);
      core.onNext(credit(0, 1 << 20));
      SourceResponse b = rec.next(SourceStreamTest::heartbeat);
      assertEquals(3, b.getBatch().getRecordsCount());
      assertEquals(List.of(1L, 2L, 3L), b.getBatch().getRecordsList().stream().map(r -> r.getSeq()).toList());
      // The schema is defined once, then referenced.
      assertTrue(b.getBatch().getRecords(0).getValue().getStructured().getSchema().getId() != 0);
      assertTrue(b.getBatch().getRecords(1).getValue().getStructured().getSchema().getRef() != 0);
      rec.quiet(200, SourceStreamTest::heartbeat);

      // Acks (repeated ones ignored; a filtered record has no metadata), then commit.
      CommitRecords.Builder acks = CommitRecords.newBuilder();
      for (long s = 1; s <= 2; s++) acks.addAcks(RecordAck.newBuilder().setSeq(s).setTopic("t").setOffset(100 + s));
      acks.addAcks(RecordAck.newBuilder().setSeq(3).setFiltered(true));
      core.onNext(SourceRequest.newBuilder().setCommitRecords(acks).build());
      core.onNext(SourceRequest.newBuilder().setCommitRecords(acks).build());
      core.onNext(SourceRequest.newBuilder().setCommit(Commit.newBuilder().setUpToSeq(3)).build());
      assertEquals("commitRecord v42 101", Numbers.CALLS.poll(5, TimeUnit.SECONDS));
      assertEquals("commitRecord v43 102", Numbers.CALLS.poll(5, TimeUnit.SECONDS));
      assertEquals("commitRecord v44 filtered", Numbers.CALLS.poll(5, TimeUnit.SECONDS));
      assertEquals("commit", Numbers.CALLS.poll(5, TimeUnit.SECONDS));

      // Staged stop: Drained names the last record sent; stop() only after the core closes.
      core.onNext(SourceRequest.newBuilder().setStop(Stop.newBuilder().setTimeoutMs(5000)).build());
      SourceResponse d = rec.next(SourceStreamTest::heartbeat);
      assertEquals(3, d.getDrained().getLastSeq(), d.toString());
      assertEquals(null, Numbers.CALLS.poll(200, TimeUnit.MILLISECONDS));
      core.onNext(SourceRequest.newBuilder().setCommit(Commit.newBuilder().setUpToSeq(3)).build());
      core.onCompleted();
      assertEquals("stop", Numbers.CALLS.poll(5, TimeUnit.SECONDS));
      rec.awaitDone();
    }
  }

  @Test
  void pollErrorsAreTyped() throws Exception {
    Numbers.CALLS.clear();
    Numbers.failWith = "retriable";
    Numbers.POLLS.set(0);
    try (Harness h = new Harness(Plugin.of(Numbers.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(start(List.of()));
      answerQueriesUntilStarted(rec, core);
      SourceResponse e = rec.next(SourceStreamTest::heartbeat);
      assertEquals(ErrorKind.RETRIABLE, e.getError().getKind());
      assertEquals(1234, e.getError().getRetryAfterMs());
      assertEquals("later", e.getError().getMessage());

      Numbers.failWith = "fatal";
      core.onNext(credit(1000, 1 << 20));
      SourceResponse f = rec.next(r -> heartbeat(r) || r.hasBatch());
      assertEquals(ErrorKind.FATAL, f.getError().getKind());
      assertEquals("java.lang.IllegalStateException", f.getError().getErrorClass());
      assertEquals("broken source", f.getError().getMessage());
      assertTrue(f.getError().getDetail().contains("SourceStreamTest$Numbers$Task.poll"), f.getError().getDetail());
      rec.awaitDone();
    }
  }

  @Test
  void wrongVersionIsAConfigError() throws Exception {
    try (Harness h = new Harness(Plugin.of(Numbers.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(SourceRequest.newBuilder().setStart(start(List.of()).getStart().toBuilder().setProtocolVersion(7)).build());
      SourceResponse e = rec.next(SourceStreamTest::heartbeat);
      assertEquals(ErrorKind.CONFIG, e.getError().getKind());
      assertTrue(e.getError().getMessage().contains("protocol version 7"), e.getError().getMessage());
    }
  }

  @Test
  void heartbeatsAndIdleTimeout() throws Exception {
    Numbers.failWith = "";
    try (Harness h = new Harness(Plugin.of(Numbers.class))) {
      Harness.Recorder<SourceResponse> rec = new Harness.Recorder<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(SourceRequest.newBuilder().setStart(start(List.of()).getStart().toBuilder()
          .setHeartbeatIntervalMs(40).setIdleTimeoutMs(600)).build());
      answerQueriesUntilStarted(rec, core);
      // Heartbeats while idle, then the idle timeout ends the stream with a FATAL error.
      assertTrue(rec.next(r -> false).hasHeartbeat());
      SourceResponse e = rec.next(SourceStreamTest::heartbeat);
      assertEquals(ErrorKind.FATAL, e.getError().getKind());
      assertTrue(e.getError().getMessage().contains("idle"), e.getError().getMessage());
      rec.awaitDone();
    }
  }
}
