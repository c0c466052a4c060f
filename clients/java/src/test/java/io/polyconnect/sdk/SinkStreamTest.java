package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Flush;
import io.polyconnect.protocol.v1.Flushed;
import io.polyconnect.protocol.v1.Partitions;
import io.polyconnect.protocol.v1.Put;
import io.polyconnect.protocol.v1.RecordData;
import io.polyconnect.protocol.v1.SinkContext;
import io.polyconnect.protocol.v1.SinkRequest;
import io.polyconnect.protocol.v1.SinkResponse;
import io.polyconnect.protocol.v1.SinkStart;
import io.polyconnect.protocol.v1.SinkTaskGrpc;
import io.polyconnect.protocol.v1.Stop;
import io.polyconnect.protocol.v1.Structured;
import io.polyconnect.protocol.v1.TopicPartitionOffset;
import io.polyconnect.protocol.v1.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SinkStreamTest {
  /** Values "bad" are errant, "later" retriable; flush makes only partition 0 durable. */
  public static class Collect extends SinkConnector {
    static final LinkedBlockingQueue<String> CALLS = new LinkedBlockingQueue<>();

    @Override public Class<? extends SinkTask> taskClass() { return Task.class; }

    public static class Task extends SinkTask {
      @Override public void start(Map<String, String> props) { CALLS.add("start " + props.get("x")); }
      @Override public void open(Collection<TopicPartition> p) { CALLS.add("open " + p); }
      @Override public void close(Collection<TopicPartition> p) { CALLS.add("close " + p); }

      @Override
      public void put(Collection<SinkRecord> records) {
        for (SinkRecord r : records) {
          if ("later".equals(r.value())) throw new RetriableException("not now", 50);
          if ("bad".equals(r.value())) context().reportErrant(r, new DataException("bad value"));
          else CALLS.add("put " + r.value() + "@" + r.kafkaOffset());
        }
      }

      @Override
      public Map<TopicPartition, Long> preCommit(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> { if (tp.partition() == 0) out.put(tp, o); });
        return out;
      }

      @Override public void stop() { CALLS.add("stop"); }
    }
  }

  static io.polyconnect.protocol.v1.SinkRecord record(long offset, String value) {
    return io.polyconnect.protocol.v1.SinkRecord.newBuilder().setTopic("t").setKafkaOffset(offset)
        .setOriginalTopic("t").setValue(RecordData.newBuilder().setStructured(Structured.newBuilder()
            .setValue(Value.newBuilder().setString(value)))).build();
  }

  static boolean heartbeat(SinkResponse r) {
    return r.hasHeartbeat();
  }

  @Test
  void putFlushErrantsRetriesAndStop() throws Exception {
    Collect.CALLS.clear();
    try (Harness h = new Harness(Plugin.of(Collect.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = SinkTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(SinkRequest.newBuilder().setStart(SinkStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("io.polyconnect.sdk.SinkStreamTest$Collect").putConfig("x", "1")).build());
      assertEquals(4, rec.next(SinkStreamTest::heartbeat).getStarted().getMaxInflightPuts()); // the SDK's default
      assertEquals("start 1", Collect.CALLS.poll(5, TimeUnit.SECONDS));

      Partitions parts = Partitions.newBuilder().addPartitions(io.polyconnect.protocol.v1.TopicPartition.newBuilder()
          .setTopic("t").setPartition(0)).build();
      core.onNext(SinkRequest.newBuilder().setOpen(parts).build());
      assertEquals("open [TopicPartition[topic=t, partition=0]]", Collect.CALLS.poll(5, TimeUnit.SECONDS));

      core.onNext(SinkRequest.newBuilder().setPut(Put.newBuilder().setPutId(1)
          .addRecords(record(10, "a")).addRecords(record(11, "bad")).addRecords(record(12, "b"))).build());
      SinkResponse errant = rec.next(SinkStreamTest::heartbeat);
      assertEquals(11, errant.getErrant().getKafkaOffset());
      assertEquals(ErrorKind.RECORD, errant.getErrant().getError().getKind());
      assertEquals("bad value", errant.getErrant().getError().getMessage());
      assertEquals(1, rec.next(SinkStreamTest::heartbeat).getPutDone().getPutId());
      assertEquals("put a@10", Collect.CALLS.poll(5, TimeUnit.SECONDS));
      assertEquals("put b@12", Collect.CALLS.poll(5, TimeUnit.SECONDS));

      core.onNext(SinkRequest.newBuilder().setPut(Put.newBuilder().setPutId(2).addRecords(record(13, "later"))).build());
      SinkResponse retry = rec.next(SinkStreamTest::heartbeat);
      assertEquals(2, retry.getError().getPutId());
      assertEquals(ErrorKind.RETRIABLE, retry.getError().getError().getKind());
      assertEquals(50, retry.getError().getError().getRetryAfterMs());

      core.onNext(SinkRequest.newBuilder().setFlush(Flush.newBuilder().setFlushId(7)
          .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(13))
          .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(1).setOffset(5))).build());
      SinkResponse flushed = rec.next(SinkStreamTest::heartbeat);
      assertEquals(7, flushed.getFlushed().getFlushId());
      assertEquals(1, flushed.getFlushed().getOffsetsCount());
      assertEquals(13, flushed.getFlushed().getOffsets(0).getOffset());

      core.onNext(SinkRequest.newBuilder().setStop(Stop.newBuilder().setTimeoutMs(1000)).build());
      assertEquals("close [TopicPartition[topic=t, partition=0]]", Collect.CALLS.poll(5, TimeUnit.SECONDS));
      assertEquals("stop", Collect.CALLS.poll(5, TimeUnit.SECONDS));
      rec.awaitDone();
    }
  }

  /** A sink whose start, put and flush are set per test. */
  public static class Scripted extends SinkConnector {
    interface Hook<T> { void run(Task task, T arg) throws Exception; }

    static volatile Hook<Map<String, String>> start = (t, a) -> { };
    static volatile Hook<Collection<SinkRecord>> put = (t, a) -> { };
    static volatile Hook<Map<TopicPartition, Long>> flush = (t, a) -> { };
    static volatile int inflight = SinkTask.DEFAULT_MAX_INFLIGHT_PUTS;

    static void reset() {
      start = (t, a) -> { };
      put = (t, a) -> { };
      flush = (t, a) -> { };
      inflight = SinkTask.DEFAULT_MAX_INFLIGHT_PUTS;
    }

    @Override public Class<? extends SinkTask> taskClass() { return Task.class; }

    public static class Task extends SinkTask {
      @Override public void start(Map<String, String> props) { run(start, props); }
      @Override public void put(Collection<SinkRecord> records) { run(put, records); }
      @Override public void flush(Map<TopicPartition, Long> offsets) { run(flush, offsets); }
      @Override public void stop() { }
      @Override public int maxInflightPuts() { return inflight; }

      private <T> void run(Hook<T> hook, T arg) {
        try {
          hook.run(this, arg);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new ConnectException(e.getMessage(), e);
        }
      }
    }
  }

  static StreamObserver<SinkRequest> startScripted(Harness h, Harness.Recorder<SinkResponse> rec) {
    StreamObserver<SinkRequest> core = SinkTaskGrpc.newStub(h.channel).run(rec);
    core.onNext(SinkRequest.newBuilder().setStart(SinkStart.newBuilder().setProtocolVersion(1)
        .setConnectorClass("io.polyconnect.sdk.SinkStreamTest$Scripted")).build());
    return core;
  }

  static SinkRequest flush(long id, long offset) {
    return SinkRequest.newBuilder().setFlush(Flush.newBuilder().setFlushId(id)
        .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(offset))).build();
  }

  static SinkRequest put(long id, long offset, String value) {
    return SinkRequest.newBuilder().setPut(Put.newBuilder().setPutId(id).addRecords(record(offset, value))).build();
  }

  @Test
  void putsAfterARetriableOneAreHeldBackUntilRedelivered() throws Exception {
    Scripted.reset();
    List<String> seen = new ArrayList<>();
    AtomicInteger puts = new AtomicInteger();
    Scripted.put = (t, records) -> {
      if (puts.incrementAndGet() == 1) throw new RetriableException("not now", 50);
      for (SinkRecord r : records) seen.add(r.value() + "@" + r.kafkaOffset());
    };
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      assertTrue(rec.next(SinkStreamTest::heartbeat).hasStarted());
      // Three Puts in flight; put 1 fails. Put 2 defines a schema its redelivery refers to.
      core.onNext(put(1, 0, "a"));
      core.onNext(withSchema(put(2, 1, "b"), io.polyconnect.protocol.v1.Schema.newBuilder()
          .setType(io.polyconnect.protocol.v1.SchemaType.STRING).setId(5).build()));
      core.onNext(put(3, 2, "c"));
      for (long id = 1; id <= 3; id++) {
        io.polyconnect.protocol.v1.SinkError e = rec.next(SinkStreamTest::heartbeat).getError();
        assertEquals(id, e.getPutId());
        assertEquals(ErrorKind.RETRIABLE, e.getError().getKind());
        assertEquals(id == 1 ? 50 : 0, e.getError().getRetryAfterMs());
        if (id > 1) assertTrue(e.getError().getMessage().contains("put " + id + " held back: put 1 awaits redelivery"), e.getError().getMessage());
      }
      assertEquals(1, puts.get()); // 2 and 3 never reached put()
      // The core delivers them again, in order.
      core.onNext(put(1, 0, "a"));
      core.onNext(withSchema(put(2, 1, "b"), io.polyconnect.protocol.v1.Schema.newBuilder().setRef(5).build()));
      core.onNext(put(3, 2, "c"));
      for (long id = 1; id <= 3; id++) assertEquals(id, rec.next(SinkStreamTest::heartbeat).getPutDone().getPutId());
      assertEquals(List.of("a@0", "b@1", "c@2"), seen);
      core.onNext(SinkRequest.newBuilder().setStop(Stop.newBuilder().setTimeoutMs(1000)).build());
      rec.awaitDone();
    }
  }

  /** SinkTaskContext.timeout: the back-off of the next retriable put, once (Kafka Connect's). */
  @Test
  void contextTimeoutIsTheRetryAfterOfTheNextRetriablePut() throws Exception {
    Scripted.reset();
    Scripted.inflight = 1;
    AtomicInteger puts = new AtomicInteger();
    Scripted.put = (t, records) -> {
      int n = puts.incrementAndGet();
      if (n == 1) {
        t.context().timeout(1234);
        throw new RetriableException("not now");
      }
      if (n == 2) throw new RetriableException("still not"); // no timeout set again
      if (n == 3) {
        t.context().timeout(99);
        throw new RetriableException("and an own hint wins", 7);
      }
    };
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      assertTrue(rec.next(SinkStreamTest::heartbeat).hasStarted());
      for (int expected : new int[] {1234, 0, 7}) {
        core.onNext(put(1, 0, "a"));
        io.polyconnect.protocol.v1.SinkError e = rec.next(SinkStreamTest::heartbeat).getError();
        assertEquals(ErrorKind.RETRIABLE, e.getError().getKind());
        assertEquals(expected, e.getError().getRetryAfterMs(), e.toString());
      }
      core.onNext(put(1, 0, "a"));
      assertEquals(1, rec.next(SinkStreamTest::heartbeat).getPutDone().getPutId());
      core.onNext(SinkRequest.newBuilder().setStop(Stop.newBuilder().setTimeoutMs(1000)).build());
      rec.awaitDone();
    } finally {
      Scripted.reset();
    }
  }

  static SinkRequest withSchema(SinkRequest put, io.polyconnect.protocol.v1.Schema schema) {
    Put.Builder p = put.getPut().toBuilder();
    p.getRecordsBuilder(0).getValueBuilder().getStructuredBuilder().setSchema(schema);
    return SinkRequest.newBuilder().setPut(p).build();
  }

  @Test
  void aTaskSetsItsOwnMaxInflightPuts() throws Exception {
    Scripted.reset();
    Scripted.inflight = 1;
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      assertEquals(1, rec.next(SinkStreamTest::heartbeat).getStarted().getMaxInflightPuts());
      core.onNext(SinkRequest.newBuilder().setStop(Stop.newBuilder().setTimeoutMs(1000)).build());
      rec.awaitDone();
    } finally {
      Scripted.reset();
    }
  }

  @Test
  void aFailedFlushIsAFlushedWithTheErrorAndTheTaskGoesOn() throws Exception {
    Scripted.reset();
    AtomicInteger flushes = new AtomicInteger();
    Scripted.flush = (t, offsets) -> {
      if (flushes.incrementAndGet() == 1) throw new IllegalStateException("disk full");
    };
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      assertTrue(rec.next(SinkStreamTest::heartbeat).hasStarted());
      core.onNext(put(1, 0, "a"));
      assertEquals(1, rec.next(SinkStreamTest::heartbeat).getPutDone().getPutId());
      core.onNext(flush(1, 1));
      Flushed failed = rec.next(SinkStreamTest::heartbeat).getFlushed();
      assertEquals(1, failed.getFlushId());
      assertEquals(0, failed.getOffsetsCount());
      assertTrue(failed.hasError());
      assertEquals(ErrorKind.RETRIABLE, failed.getError().getKind());
      assertEquals("disk full", failed.getError().getMessage());
      assertEquals("java.lang.IllegalStateException", failed.getError().getErrorClass());
      assertTrue(failed.getError().getDetail().contains("IllegalStateException: disk full"));
      // The core rewinds and puts the records again; the stream goes on.
      core.onNext(put(2, 0, "a"));
      assertEquals(2, rec.next(SinkStreamTest::heartbeat).getPutDone().getPutId());
      core.onNext(flush(2, 1));
      Flushed ok = rec.next(SinkStreamTest::heartbeat).getFlushed();
      assertEquals(2, ok.getFlushId());
      assertFalse(ok.hasError());
      assertEquals(1, ok.getOffsets(0).getOffset());
      core.onNext(SinkRequest.newBuilder().setStop(Stop.newBuilder().setTimeoutMs(1000)).build());
      rec.awaitDone();
    }
  }

  @Test
  void aConfigExceptionFromFlushStillFailsTheTask() throws Exception {
    Scripted.reset();
    Scripted.flush = (t, offsets) -> {
      throw new ConfigException("bad 'path'");
    };
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      assertTrue(rec.next(SinkStreamTest::heartbeat).hasStarted());
      core.onNext(flush(1, 1));
      SinkResponse e = rec.next(SinkStreamTest::heartbeat);
      assertEquals(ErrorKind.CONFIG, e.getError().getError().getKind());
      assertEquals("bad 'path'", e.getError().getError().getMessage());
      rec.awaitDone();
    }
  }

  static String describe(SinkResponse r) {
    return switch (r.getMsgCase()) {
      case CONTEXT -> {
        SinkContext c = r.getContext();
        StringBuilder b = new StringBuilder("context");
        c.getOffsetsList().forEach(o -> b.append(" offset ").append(o.getTopic()).append('-').append(o.getPartition()).append('=').append(o.getOffset()));
        c.getPauseList().forEach(p -> b.append(" pause ").append(p.getTopic()).append('-').append(p.getPartition()));
        c.getResumeList().forEach(p -> b.append(" resume ").append(p.getTopic()).append('-').append(p.getPartition()));
        if (c.getRequestCommit()) b.append(" commit");
        yield b.toString();
      }
      case PUT_DONE -> "putDone " + r.getPutDone().getPutId();
      case ERRANT -> "errant " + r.getErrant().getKafkaOffset();
      case STARTED -> "started";
      default -> r.getMsgCase().toString();
    };
  }

  @Test
  void contextRequestsGoOutInCallOrderBeforePutDone() throws Exception {
    Scripted.reset();
    Scripted.start = (t, props) -> t.context().requestCommit(); // held until SinkStarted is out
    Scripted.put = (t, records) -> {
      SinkTaskContext c = t.context();
      Map<TopicPartition, Long> two = new LinkedHashMap<>();
      two.put(new TopicPartition("t", 1), 7L);
      two.put(new TopicPartition("t", 0), 5L);
      c.offset(two);
      c.reportErrant(records.iterator().next(), new DataException("bad"));
      c.offset(new TopicPartition("t", 2), 9);
      c.pause(new TopicPartition("t", 0), new TopicPartition("u", 3));
      c.resume(new TopicPartition("u", 3));
      c.requestCommit();
      c.pause(); // nothing to pause: nothing sent
      c.offset(Map.of());
    };
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      List<String> got = new ArrayList<>();
      got.add(describe(rec.next(SinkStreamTest::heartbeat)));
      got.add(describe(rec.next(SinkStreamTest::heartbeat)));
      core.onNext(put(1, 4, "a"));
      while (!got.get(got.size() - 1).equals("putDone 1")) got.add(describe(rec.next(SinkStreamTest::heartbeat)));
      assertEquals(List.of(
          "started",
          "context commit",
          "context offset t-0=5 offset t-1=7",
          "errant 4",
          "context offset t-2=9",
          "context pause t-0 pause u-3",
          "context resume u-3",
          "context commit",
          "putDone 1"), got);
    }
  }

  @Test
  void aContextRequestIsSentAtOnceNotWhenPutReturns() throws Exception {
    Scripted.reset();
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<SinkTaskContext> ctx = new AtomicReference<>();
    Scripted.start = (t, props) -> ctx.set(t.context());
    Scripted.put = (t, records) -> {
      t.context().offset(new TopicPartition("t", 0), 0);
      assertTrue(release.await(10, TimeUnit.SECONDS));
    };
    try (Harness h = new Harness(Plugin.of(Scripted.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = startScripted(h, rec);
      assertTrue(rec.next(SinkStreamTest::heartbeat).hasStarted());
      core.onNext(put(1, 0, "a"));
      assertEquals("context offset t-0=0", describe(rec.next(SinkStreamTest::heartbeat)));
      Thread other = new Thread(() -> ctx.get().resume(new TopicPartition("t", 0)));
      other.start();
      other.join();
      assertEquals("context resume t-0", describe(rec.next(SinkStreamTest::heartbeat)));
      release.countDown();
      assertEquals("putDone 1", describe(rec.next(SinkStreamTest::heartbeat)));
    }
  }

  @Test
  void unknownClassIsAConfigError() throws Exception {
    try (Harness h = new Harness(Plugin.of(Collect.class))) {
      Harness.Recorder<SinkResponse> rec = new Harness.Recorder<>();
      StreamObserver<SinkRequest> core = SinkTaskGrpc.newStub(h.channel).run(rec);
      core.onNext(SinkRequest.newBuilder().setStart(SinkStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("Nope")).build());
      SinkResponse e = rec.next(SinkStreamTest::heartbeat);
      assertEquals(ErrorKind.CONFIG, e.getError().getError().getKind());
      assertTrue(e.getError().getError().getMessage().contains("Nope"));
      rec.awaitDone();
    }
  }
}
