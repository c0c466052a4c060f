package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Flush;
import io.polyconnect.protocol.v1.Partitions;
import io.polyconnect.protocol.v1.Put;
import io.polyconnect.protocol.v1.RecordData;
import io.polyconnect.protocol.v1.SinkRequest;
import io.polyconnect.protocol.v1.SinkResponse;
import io.polyconnect.protocol.v1.SinkStart;
import io.polyconnect.protocol.v1.SinkTaskGrpc;
import io.polyconnect.protocol.v1.Stop;
import io.polyconnect.protocol.v1.Structured;
import io.polyconnect.protocol.v1.TopicPartitionOffset;
import io.polyconnect.protocol.v1.Value;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
      assertEquals(1, rec.next(SinkStreamTest::heartbeat).getStarted().getMaxInflightPuts());
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
