package io.polyconnect.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.polyconnect.protocol.v1.Capabilities;
import io.polyconnect.protocol.v1.Credit;
import io.polyconnect.protocol.v1.Flush;
import io.polyconnect.protocol.v1.Put;
import io.polyconnect.protocol.v1.SinkRequest;
import io.polyconnect.protocol.v1.SinkResponse;
import io.polyconnect.protocol.v1.SinkStart;
import io.polyconnect.protocol.v1.SinkTaskGrpc;
import io.polyconnect.protocol.v1.SourceBatch;
import io.polyconnect.protocol.v1.SourceRequest;
import io.polyconnect.protocol.v1.SourceResponse;
import io.polyconnect.protocol.v1.SourceStart;
import io.polyconnect.protocol.v1.SourceTaskGrpc;
import io.polyconnect.protocol.v1.TopicPartitionOffset;
import io.polyconnect.protocol.v1.TraceContext;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SinkConnector;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.SourceConnector;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTask;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The spans a running source and sink stream make, and what they put on the wire. */
class TracedSessionsTest {
  /** Two records per poll, the second with the source system's own trace context. */
  public static class Two extends SourceConnector {
    @Override public Class<? extends SourceTask> taskClass() { return Task.class; }

    public static class Task extends SourceTask {
      @Override public void start(Map<String, String> props) { }

      @Override
      public List<SourceRecord> poll() throws InterruptedException {
        Thread.sleep(20);
        return List.of(new SourceRecord(null, null, "t", Schema.STRING, "a"),
            new SourceRecord(null, null, "t", Schema.STRING, "b").withTrace(TracingTest.OWN, null));
      }

      @Override public void stop() { }
    }
  }

  public static class Sink extends SinkConnector {
    @Override public Class<? extends SinkTask> taskClass() { return Task.class; }

    public static class Task extends SinkTask {
      @Override public void start(Map<String, String> props) { }
      @Override public void put(Collection<SinkRecord> records) { }
      @Override public void stop() { }
    }
  }

  /** A sink whose flush always fails. */
  public static class FailingFlush extends SinkConnector {
    @Override public Class<? extends SinkTask> taskClass() { return Task.class; }

    public static class Task extends SinkTask {
      @Override public void start(Map<String, String> props) { }
      @Override public void put(Collection<SinkRecord> records) { }
      @Override public void flush(Map<io.polyconnect.sdk.TopicPartition, Long> offsets) { throw new IllegalStateException("disk full"); }
      @Override public void stop() { }
    }
  }

  static <T> T next(LinkedBlockingQueue<Object> q, Class<T> type, java.util.function.Predicate<T> wanted)
      throws InterruptedException {
    while (true) {
      Object o = q.poll(10, TimeUnit.SECONDS);
      assertNotNull(o, "nothing from the connector within 10 s");
      if (o instanceof Throwable t) throw new AssertionError("the stream failed", t);
      if (type.isInstance(o) && wanted.test(type.cast(o))) return type.cast(o);
    }
  }

  static <T> StreamObserver<T> into(LinkedBlockingQueue<Object> q) {
    return new StreamObserver<>() {
      @Override public void onNext(T v) { q.add(v); }
      @Override public void onError(Throwable t) { q.add(t); }
      @Override public void onCompleted() { }
    };
  }

  @Test
  void sourceBatchesAndRecordsCarryTheirSpansContexts() throws Exception {
    TracingTest.Memory m = new TracingTest.Memory();
    Server server = new Server(List.of(Plugin.of(Two.class)), 4 << 20, TracingTest.tracing(m, Sampler.parentBased(Sampler.alwaysOn())));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name);
    server.services(null).forEach(b::addService);
    io.grpc.Server grpc = b.build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
      StreamObserver<SourceRequest> core = SourceTaskGrpc.newStub(channel).run(into(q));
      core.onNext(SourceRequest.newBuilder().setStart(SourceStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("Two").setConnectorName("src").setTaskId(2)
          .setCapabilities(Capabilities.newBuilder().setTraceContext(true))).build());
      next(q, SourceResponse.class, SourceResponse::hasStarted);
      core.onNext(SourceRequest.newBuilder().setCredit(Credit.newBuilder().setRecords(2).setBytes(1 << 20)).build());
      SourceBatch batch = next(q, SourceResponse.class, SourceResponse::hasBatch).getBatch();
      assertEquals(2, batch.getRecordsCount());

      SpanData poll = m.spans().stream().filter(s -> s.getName().equals("poll")).findFirst().orElseThrow();
      assertEquals("src", TracingTest.attr(poll, "polyconnect.connector"));
      assertEquals("2", TracingTest.attr(poll, "polyconnect.task"));
      assertEquals("00-" + poll.getTraceId() + "-" + poll.getSpanId() + "-01", batch.getTrace().getTraceparent(),
          "the batch carries its poll span");
      List<SpanData> creates = m.spans().stream().filter(s -> s.getName().equals("create t")).limit(2).toList();
      assertEquals(2, creates.size());
      assertEquals(poll.getSpanId(), creates.get(0).getParentSpanId());
      TracingTest.assertTraceOf(creates.get(0), batch.getRecords(0).getTrace());
      assertEquals("0af7651916cd43dd8448eb211c80319c", creates.get(1).getTraceId(), "the record's own trace");
      TracingTest.assertTraceOf(creates.get(1), batch.getRecords(1).getTrace());
      core.onCompleted();
    } finally {
      channel.shutdownNow();
      grpc.shutdownNow();
      server.shutdown();
    }
  }

  @Test
  void sinkPutAndFlushMakeTheirSpans() throws Exception {
    TracingTest.Memory m = new TracingTest.Memory();
    Server server = new Server(List.of(Plugin.of(Sink.class)), 4 << 20, TracingTest.tracing(m, Sampler.parentBased(Sampler.alwaysOn())));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name);
    server.services(null).forEach(b::addService);
    io.grpc.Server grpc = b.build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
      StreamObserver<SinkRequest> core = SinkTaskGrpc.newStub(channel).run(into(q));
      core.onNext(SinkRequest.newBuilder().setStart(SinkStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("Sink").setConnectorName("snk")
          .setCapabilities(Capabilities.newBuilder().setTraceContext(true))).build());
      next(q, SinkResponse.class, SinkResponse::hasStarted);
      String corePut = "00-11111111111111111111111111111111-2222222222222222-01";
      core.onNext(SinkRequest.newBuilder().setPut(Put.newBuilder().setPutId(1)
          .setTrace(TraceContext.newBuilder().setTraceparent(corePut))
          .addRecords(TracingTest.sinkRecord(42, TracingTest.OWN))).build());
      next(q, SinkResponse.class, SinkResponse::hasPutDone);
      String coreFlush = "00-33333333333333333333333333333333-4444444444444444-01";
      core.onNext(SinkRequest.newBuilder().setFlush(Flush.newBuilder().setFlushId(1)
          .setTrace(TraceContext.newBuilder().setTraceparent(coreFlush))
          .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(2).setOffset(43))).build());
      next(q, SinkResponse.class, SinkResponse::hasFlushed);

      assertEquals(3, m.spans().size(), m.spans().toString());
      assertEquals("2222222222222222", m.named("put").getParentSpanId());
      SpanData process = m.named("process t");
      assertEquals("b7ad6b7169203331", process.getParentSpanId());
      assertEquals("snk", TracingTest.attr(process, "polyconnect.connector"));
      assertEquals(42L, process.getAttributes().get(Tracing.OFFSET));
      SpanData flush = m.named("flush");
      assertEquals("4444444444444444", flush.getParentSpanId());
      assertEquals("1", TracingTest.attr(flush, "polyconnect.partition.count"));
      core.onCompleted();
    } finally {
      channel.shutdownNow();
      grpc.shutdownNow();
      server.shutdown();
    }
  }

  @Test
  void aFailedFlushEndsItsSpanWithAnErrorAndAnswersFlushed() throws Exception {
    TracingTest.Memory m = new TracingTest.Memory();
    Server server = new Server(List.of(Plugin.of(FailingFlush.class)), 4 << 20, TracingTest.tracing(m, Sampler.parentBased(Sampler.alwaysOn())));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name);
    server.services(null).forEach(b::addService);
    io.grpc.Server grpc = b.build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
      StreamObserver<SinkRequest> core = SinkTaskGrpc.newStub(channel).run(into(q));
      core.onNext(SinkRequest.newBuilder().setStart(SinkStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("FailingFlush").setConnectorName("snk")
          .setCapabilities(Capabilities.newBuilder().setTraceContext(true))).build());
      next(q, SinkResponse.class, SinkResponse::hasStarted);
      core.onNext(SinkRequest.newBuilder().setFlush(Flush.newBuilder().setFlushId(4)
          .setTrace(TraceContext.newBuilder().setTraceparent("00-33333333333333333333333333333333-4444444444444444-01"))
          .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(2).setOffset(43))).build());
      SinkResponse r = next(q, SinkResponse.class, SinkResponse::hasFlushed);
      assertEquals(4, r.getFlushed().getFlushId());
      assertEquals("disk full", r.getFlushed().getError().getMessage());
      assertEquals(0, r.getFlushed().getOffsetsCount());
      SpanData flush = m.named("flush");
      assertEquals(StatusCode.ERROR, flush.getStatus().getStatusCode());
      assertEquals("exception", flush.getEvents().get(0).getName());
      core.onCompleted();
    } finally {
      channel.shutdownNow();
      grpc.shutdownNow();
      server.shutdown();
    }
  }
}
