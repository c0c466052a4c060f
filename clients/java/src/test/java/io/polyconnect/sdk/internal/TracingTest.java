package io.polyconnect.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.polyconnect.protocol.v1.Flush;
import io.polyconnect.protocol.v1.Put;
import io.polyconnect.protocol.v1.SinkRecord;
import io.polyconnect.protocol.v1.TopicPartitionOffset;
import io.polyconnect.protocol.v1.TraceContext;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SourceRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spans themselves, with an in-memory exporter: names, kinds, parents, links, attributes. */
class TracingTest {
  static final String OWN = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final String OWN_UNSAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

  /** Keeps every exported span. */
  static final class Memory implements SpanExporter {
    final List<SpanData> spans = new ArrayList<>();

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    synchronized List<SpanData> spans() {
      return new ArrayList<>(spans);
    }

    synchronized SpanData named(String name) {
      List<SpanData> found = spans.stream().filter(s -> s.getName().equals(name)).toList();
      assertEquals(1, found.size(), "one span named " + name + " in " + spans);
      return found.get(0);
    }

    @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }
    @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
  }

  static Tracing tracing(Memory m, Sampler sampler) {
    return new Tracing(SdkTracerProvider.builder().setSampler(sampler)
        .addSpanProcessor(SimpleSpanProcessor.create(m)).build(), null);
  }

  static String attr(SpanData s, String key) {
    Object v = s.getAttributes().asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals(key))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    return v == null ? null : v.toString();
  }

  static void assertTraceOf(SpanData s, TraceContext tc) {
    assertEquals("00-" + s.getTraceId() + "-" + s.getSpanId() + "-01", tc.getTraceparent());
  }

  @Test
  void sampledPollMakesARootAndOneCreateSpanPerRecord() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOn())).task("src", 3);
    long start = task.now();
    Tracing.Poll poll = task.poll(start, 2);
    assertTrue(poll.sampled());
    TraceContext a = poll.record("t", null, null);
    TraceContext b = poll.record("t", null, null);
    poll.end();

    List<SpanData> spans = m.spans();
    assertEquals(3, spans.size(), spans.toString());
    SpanData root = m.named("poll");
    assertEquals(SpanKind.INTERNAL, root.getKind());
    assertFalse(root.getParentSpanContext().isValid(), "the poll span is a root");
    assertEquals(start, root.getStartEpochNanos());
    assertEquals("src", attr(root, "polyconnect.connector"));
    assertEquals("3", attr(root, "polyconnect.task"));
    assertEquals("poll", attr(root, "messaging.operation.name"));
    assertEquals("2", attr(root, "messaging.batch.message_count"));
    assertEquals("00-" + root.getTraceId() + "-" + root.getSpanId() + "-01", poll.batchTrace().getTraceparent());

    List<SpanData> creates = spans.stream().filter(s -> s.getName().equals("create t")).toList();
    assertEquals(2, creates.size());
    for (SpanData c : creates) {
      assertEquals(SpanKind.PRODUCER, c.getKind());
      assertEquals(root.getSpanId(), c.getParentSpanId());
      assertEquals(root.getTraceId(), c.getTraceId());
      assertTrue(c.getLinks().isEmpty());
      assertEquals("kafka", attr(c, "messaging.system"));
      assertEquals("create", attr(c, "messaging.operation.name"));
      assertEquals("create", attr(c, "messaging.operation.type"));
      assertEquals("t", attr(c, "messaging.destination.name"));
      assertEquals("src", attr(c, "polyconnect.connector"));
      assertEquals("3", attr(c, "polyconnect.task"));
    }
    assertTraceOf(creates.get(0), a);
    assertTraceOf(creates.get(1), b);
  }

  @Test
  void aRecordsOwnContextIsTheParentAndThePollALink() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOn())).task("src", 0);
    Tracing.Poll poll = task.poll(task.now(), 1);
    TraceContext wire = poll.record("t", OWN, "vendor=x");
    poll.end();

    SpanData root = m.named("poll");
    SpanData create = m.named("create t");
    assertEquals("0af7651916cd43dd8448eb211c80319c", create.getTraceId(), "the source system's trace");
    assertEquals("b7ad6b7169203331", create.getParentSpanId());
    assertEquals(1, create.getLinks().size());
    assertEquals(root.getSpanContext(), create.getLinks().get(0).getSpanContext());
    assertTraceOf(create, wire);
    assertEquals("vendor=x", wire.getTracestate(), "the source system's trace state travels on");
  }

  @Test
  void unsampledPollMakesNoSpansButTellsTheCore() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOff())).task("src", 0);
    Tracing.Poll poll = task.poll(task.now(), 2);
    assertFalse(poll.sampled());
    assertNull(poll.record("t", null, null), "no context of our own for an unsampled record");
    // A record's own context decides for itself: unsampled there, none here.
    assertNull(poll.record("t", OWN_UNSAMPLED, null), "an unsampled own context goes on unchanged");
    poll.end();
    assertTrue(m.spans().isEmpty(), m.spans().toString());
    assertTrue(poll.batchTrace().getTraceparent().endsWith("-00"), poll.batchTrace().toString());

    TraceContext own = task.poll(task.now(), 1).record("t", OWN, null);
    assertNotNull(own, "a sampled own context gets its create span even in an unsampled poll");
    assertEquals("0af7651916cd43dd8448eb211c80319c", m.named("create t").getTraceId());
  }

  @Test
  void sampledPollWithAnUnsampledOwnContextLeavesThatRecordAlone() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOn())).task("src", 0);
    Tracing.Poll poll = task.poll(task.now(), 1);
    assertNull(poll.record("t", OWN_UNSAMPLED, null));
    // A malformed context of its own counts as none: the poll is its parent.
    TraceContext bad = poll.record("t", "not-a-traceparent", null);
    poll.end();
    SpanData create = m.named("create t");
    assertEquals(m.named("poll").getSpanId(), create.getParentSpanId());
    assertTraceOf(create, bad);
  }

  static SinkRecord sinkRecord(long offset, String traceparent) {
    SinkRecord.Builder b = SinkRecord.newBuilder().setTopic("t").setKafkaPartition(2).setKafkaOffset(offset);
    if (traceparent != null) b.setTrace(TraceContext.newBuilder().setTraceparent(traceparent));
    return b.build();
  }

  @Test
  void putSpansFollowTheCoreAndTheRecords() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOn())).task("sink", 1);
    String core = "00-11111111111111111111111111111111-2222222222222222-01";
    Put put = Put.newBuilder().setPutId(1).setTrace(TraceContext.newBuilder().setTraceparent(core))
        .addRecords(sinkRecord(41, OWN)).addRecords(sinkRecord(42, OWN_UNSAMPLED)).addRecords(sinkRecord(43, null))
        .build();
    task.put(put).end(null);

    assertEquals(2, m.spans().size(), m.spans().toString());
    SpanData p = m.named("put");
    assertEquals(SpanKind.INTERNAL, p.getKind());
    assertEquals("11111111111111111111111111111111", p.getTraceId());
    assertEquals("2222222222222222", p.getParentSpanId());
    assertEquals("kafka", attr(p, "messaging.system"));
    assertEquals("put", attr(p, "messaging.operation.name"));
    assertEquals("3", attr(p, "messaging.batch.message_count"));
    assertEquals("sink", attr(p, "polyconnect.connector"));
    assertEquals("1", attr(p, "polyconnect.task"));
    assertEquals(StatusCode.UNSET, p.getStatus().getStatusCode());

    SpanData r = m.named("process t");
    assertEquals(SpanKind.CONSUMER, r.getKind());
    assertEquals("0af7651916cd43dd8448eb211c80319c", r.getTraceId());
    assertEquals("b7ad6b7169203331", r.getParentSpanId());
    assertEquals("kafka", attr(r, "messaging.system"));
    assertEquals("process", attr(r, "messaging.operation.name"));
    assertEquals("process", attr(r, "messaging.operation.type"));
    assertEquals("t", attr(r, "messaging.destination.name"));
    assertEquals("2", r.getAttributes().get(Tracing.PARTITION), "the partition id is a string");
    assertEquals(41L, r.getAttributes().get(Tracing.OFFSET), "the offset is an int");
  }

  @Test
  void aFailedPutMarksAllItsSpans() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOn())).task("sink", 0);
    task.put(Put.newBuilder().addRecords(sinkRecord(1, OWN)).build()).end(new IllegalStateException("disk full"));
    assertEquals(2, m.spans().size());
    SpanData put = m.named("put");
    assertFalse(put.getParentSpanContext().isValid(), "no Put.trace: a root");
    for (SpanData s : m.spans()) {
      assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode(), s.toString());
      assertEquals("disk full", s.getStatus().getDescription());
      assertEquals("exception", s.getEvents().get(0).getName());
    }
  }

  @Test
  void flushSpanOnlyUnderASampledCoreFlush() {
    Memory m = new Memory();
    Tracing.Task task = tracing(m, Sampler.parentBased(Sampler.alwaysOn())).task("sink", 0);
    Flush.Builder f = Flush.newBuilder().setFlushId(3)
        .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(9))
        .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(1).setOffset(4));
    assertNull(task.flush(f.build()), "no Flush.trace, no span");
    assertNull(task.flush(f.setTrace(TraceContext.newBuilder().setTraceparent(OWN_UNSAMPLED)).build()));
    Tracing.end(task.flush(f.setTrace(TraceContext.newBuilder().setTraceparent(OWN)).build()), null);
    SpanData s = m.named("flush");
    assertEquals(1, m.spans().size());
    assertEquals(SpanKind.INTERNAL, s.getKind());
    assertEquals("b7ad6b7169203331", s.getParentSpanId());
    assertEquals("flush", attr(s, "messaging.operation.name"));
    assertEquals("settle", attr(s, "messaging.operation.type"));
    assertEquals("2", attr(s, "polyconnect.partition.count"));
  }

  @Test
  void wireCarriesTheSpanContextOnlyWhenGivenOne() {
    Wire wire = new Wire(true, true, true);
    SourceRecord r = new SourceRecord(null, null, "t", Schema.STRING, "v").withTrace(OWN, "a=b");
    assertEquals(OWN, wire.encode(r, 1).getTrace().getTraceparent(), "tracing off: the record's own, as before");
    TraceContext span = TraceContext.newBuilder().setTraceparent("00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01").build();
    assertEquals(span, wire.encode(r, 1, span).getTrace());
    assertFalse(new Wire(true, true, false).encode(r, 1, span).hasTrace(), "no trace-context capability");
    assertFalse(wire.encode(new SourceRecord(null, null, "t", Schema.STRING, "v"), 1).hasTrace());
  }

  @Test
  void parsingAndFormattingRoundTrip() {
    SpanContext sc = Tracing.parse(OWN, "k=v");
    assertNotNull(sc);
    assertTrue(sc.isRemote());
    assertTrue(sc.isSampled());
    TraceContext tc = Tracing.format(sc);
    assertEquals(OWN, tc.getTraceparent());
    assertEquals("k=v", tc.getTracestate());
    assertNull(Tracing.parse("00-" + "0".repeat(32) + "-" + SpanId.getInvalid() + "-01", null));
    assertNull(Tracing.parse("", null));
    assertNull(Tracing.parse("garbage", null));
  }
}
