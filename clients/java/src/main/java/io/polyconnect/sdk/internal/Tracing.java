package io.polyconnect.sdk.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.polyconnect.protocol.v1.TraceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connector-side spans (protocol rule 10), exported with OTLP.
 *
 * <p>On when {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}
 * is set; off with {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none}. The
 * OpenTelemetry SDK's autoconfiguration reads the other standard variables (protocol, sampler,
 * batch processor, timeout, service name). Metrics and logs are never exported from here.
 *
 * <p>Spans: {@code poll} per poll that returned records (a root, so the sampler's ratio
 * decides), {@code create <topic>} per record of a sampled poll (child of the record's own
 * context when the connector set one, linked to the poll, else of the poll); on a sink
 * {@code put} (child of the core's put span), {@code process <topic>} per sampled record and
 * {@code flush} (child of the core's flush span). A batch processor with a bounded queue
 * exports them on its own thread: a slow or absent collector costs spans, never records.
 *
 * <p>When tracing is off there is no {@code Tracing} at all; the sessions check for null.
 */
public final class Tracing implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("polyconnect.tracing");
  private static final long SHUTDOWN_TIMEOUT_MS = 3000;
  static final String DEFAULT_SERVICE = "polyconnect-connector";

  static final AttributeKey<String> CONNECTOR = AttributeKey.stringKey("polyconnect.connector");
  static final AttributeKey<Long> TASK = AttributeKey.longKey("polyconnect.task");
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<Long> COUNT = AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<Long> PARTITION_COUNT = AttributeKey.longKey("polyconnect.partition.count");

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<String[]> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String[] carrier) {
      return List.of("traceparent", "tracestate");
    }

    @Override
    public String get(String[] carrier, String key) {
      if (carrier == null) return null;
      return switch (key) {
        case "traceparent" -> carrier[0];
        case "tracestate" -> carrier[1];
        default -> null;
      };
    }
  };
  private static final TextMapSetter<TraceContext.Builder> SETTER = (b, key, value) -> {
    if (b == null) return;
    if (key.equals("traceparent")) b.setTraceparent(value);
    else if (key.equals("tracestate")) b.setTracestate(value);
  };

  private final SdkTracerProvider provider;
  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final Clock clock = Clock.getDefault();

  /** Spans of {@code provider} (tests give one with an in-memory exporter). */
  Tracing(SdkTracerProvider provider, OpenTelemetrySdk sdk) {
    this.provider = provider;
    this.sdk = sdk;
    this.tracer = provider.get("polyconnect");
  }

  /**
   * Tracing as the {@code OTEL_*} variables in {@code env} say, or null when they leave it
   * off. A setting the SDK rejects logs a warning and leaves tracing off: spans are never
   * worth failing a connector for.
   */
  public static Tracing fromEnvironment(Map<String, String> env) {
    if ("true".equalsIgnoreCase(trim(env.get("OTEL_SDK_DISABLED")))) return null;
    if ("none".equals(trim(env.get("OTEL_TRACES_EXPORTER")))) return null;
    if (trim(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")).isEmpty()
        && trim(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")).isEmpty()) {
      return null;
    }
    String protocol = trim(env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"));
    if (protocol.isEmpty()) protocol = trim(env.get("OTEL_EXPORTER_OTLP_PROTOCOL"));
    if (protocol.isEmpty()) protocol = "http/protobuf";
    // The variables in env win over the SDK's own reading of the process environment, so
    // what decided "on" above is also what configures the exporter.
    Map<String, String> properties = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_") && v != null) properties.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
    });
    Map<String, String> defaults = Map.of(
        "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none",
        "otel.exporter.otlp.protocol", "http/protobuf",
        // Spans reach the collector within half a second, as the other SDKs' do.
        "otel.bsp.schedule.delay", "500");
    String[] service = {DEFAULT_SERVICE};
    try {
      OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .addPropertiesCustomizer(c -> properties)
          .addResourceCustomizer((resource, config) -> {
            String name = resource.getAttribute(AttributeKey.stringKey("service.name"));
            if (name == null || name.startsWith("unknown_service")) {
              resource = resource.merge(Resource.builder().put("service.name", DEFAULT_SERVICE).build());
            }
            service[0] = resource.getAttribute(AttributeKey.stringKey("service.name"));
            return resource;
          })
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
      LOG.info("OpenTelemetry tracing on (" + protocol + ", service " + service[0] + ")");
      return new Tracing(sdk.getSdkTracerProvider(), sdk);
    } catch (RuntimeException e) {
      LOG.warning("cannot start the span exporter, no connector spans: " + e.getMessage());
      return null;
    }
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }

  /** Starts exporting what is buffered without waiting (a stream ended). */
  public void flush() {
    provider.forceFlush();
  }

  /** Exports what is buffered and stops, within a few seconds whatever the collector does. */
  @Override
  public void close() {
    try {
      provider.forceFlush().join(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      (sdk != null ? sdk.shutdown() : provider.shutdown()).join(SHUTDOWN_TIMEOUT_MS / 3, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "span exporter shutdown failed", e);
    }
  }

  /** The spans of one connector task: its attributes are built once. */
  public Task task(String connector, int task) {
    return new Task(connector, task);
  }

  // ---------------------------------------------------------------- W3C trace context

  /** The remote context in a traceparent/tracestate pair; null when absent or malformed. */
  static SpanContext parse(String traceparent, String tracestate) {
    if (traceparent == null || traceparent.isEmpty()) return null;
    Context c = W3C.extract(Context.root(), new String[] {traceparent, tracestate}, GETTER);
    SpanContext sc = Span.fromContext(c).getSpanContext();
    return sc.isValid() ? sc : null;
  }

  static SpanContext parse(TraceContext t) {
    return t == null ? null : parse(t.getTraceparent(), t.getTracestate());
  }

  /**
   * {@code sc} as traceparent/tracestate. Only the sampled flag is kept: the SDK also sets
   * trace-context level 2's "random" flag, which level-1 parsers (the Kafka headers' readers
   * among them) reject in a version-00 traceparent.
   */
  static TraceContext format(SpanContext sc) {
    TraceContext.Builder b = TraceContext.newBuilder();
    SpanContext level1 = SpanContext.create(sc.getTraceId(), sc.getSpanId(),
        sc.isSampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), sc.getTraceState());
    W3C.inject(Context.root().with(Span.wrap(level1)), b, SETTER);
    return b.build();
  }

  private static Context remote(SpanContext sc) {
    return Context.root().with(Span.wrap(sc));
  }

  private static void fail(Span s, Throwable error) {
    s.recordException(error);
    s.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
  }

  public final class Task {
    private final Attributes poll;
    private final Attributes create;
    private final Attributes put;
    private final Attributes process;
    private final Attributes flush;

    private Task(String connector, int task) {
      Attributes base = Attributes.of(CONNECTOR, connector, TASK, (long) task);
      poll = base.toBuilder().put(OPERATION, "poll").build();
      create = base.toBuilder().put(SYSTEM, "kafka").put(OPERATION, "create").put(OPERATION_TYPE, "create").build();
      put = base.toBuilder().put(SYSTEM, "kafka").put(OPERATION, "put").build();
      process = base.toBuilder().put(SYSTEM, "kafka").put(OPERATION, "process").put(OPERATION_TYPE, "process").build();
      flush = base.toBuilder().put(OPERATION, "flush").put(OPERATION_TYPE, "settle").build();
    }

    /** Now, in the SDK's clock: taken before a poll, used only if it returns records. */
    public long now() {
      return clock.now();
    }

    /** The spans of a poll that began at {@code startNanos} and returned {@code count} records. */
    public Poll poll(long startNanos, int count) {
      Span span = tracer.spanBuilder("poll").setNoParent().setSpanKind(SpanKind.INTERNAL).setAllAttributes(poll)
          .setAttribute(COUNT, (long) count).setStartTimestamp(startNanos, TimeUnit.NANOSECONDS).startSpan();
      return new Poll(span, create);
    }

    /** The spans of a Put: {@code put} and one {@code process} per sampled record. */
    public PutSpans put(io.polyconnect.protocol.v1.Put p) {
      SpanBuilder b = tracer.spanBuilder("put").setSpanKind(SpanKind.INTERNAL).setAllAttributes(put)
          .setAttribute(COUNT, (long) p.getRecordsCount());
      SpanContext parent = p.hasTrace() ? parse(p.getTrace()) : null;
      if (parent != null) b.setParent(remote(parent));
      else b.setNoParent();
      List<Span> spans = new ArrayList<>(1);
      spans.add(b.startSpan());
      for (io.polyconnect.protocol.v1.SinkRecord r : p.getRecordsList()) {
        if (!r.hasTrace()) continue;
        SpanContext sc = parse(r.getTrace());
        if (sc == null || !sc.isSampled()) continue;
        spans.add(tracer.spanBuilder("process " + r.getTopic()).setParent(remote(sc)).setSpanKind(SpanKind.CONSUMER)
            .setAllAttributes(process).setAttribute(DESTINATION, r.getTopic())
            .setAttribute(PARTITION, Integer.toString(r.getKafkaPartition()))
            .setAttribute(OFFSET, r.getKafkaOffset()).startSpan());
      }
      return new PutSpans(spans);
    }

    /**
     * A {@code flush} span around a flush, child of the core's flush span; null (no span)
     * when the Flush carries no sampled context.
     */
    public Span flush(io.polyconnect.protocol.v1.Flush f) {
      if (!f.hasTrace()) return null;
      SpanContext parent = parse(f.getTrace());
      if (parent == null || !parent.isSampled()) return null;
      return tracer.spanBuilder("flush").setParent(remote(parent)).setSpanKind(SpanKind.INTERNAL)
          .setAllAttributes(flush).setAttribute(PARTITION_COUNT, (long) f.getOffsetsCount()).startSpan();
    }
  }

  /** Ends {@code span} (from {@link Task#flush}), with {@code error} if the flush failed. */
  public static void end(Span span, Throwable error) {
    if (span == null) return;
    if (error != null) fail(span, error);
    span.end();
  }

  /** One poll's spans; {@link #record} gives each record's context for the wire. */
  public final class Poll {
    private final Span span;
    private final Context context;
    private final boolean sampled;
    private final Attributes create;
    private final TraceContext batch;

    private Poll(Span span, Attributes create) {
      this.span = span;
      this.context = Context.root().with(span);
      this.sampled = span.getSpanContext().isSampled();
      this.create = create;
      // An unsampled poll still tells the core so: it then records nothing either.
      this.batch = format(span.getSpanContext());
    }

    /** The batch's trace: the poll span's context. */
    public TraceContext batchTrace() {
      return batch;
    }

    public boolean sampled() {
      return sampled;
    }

    /**
     * The context to send with a record instead of its own: its {@code create} span's when
     * sampled; null (send the record's own, if any) when not.
     */
    public TraceContext record(String topic, String traceparent, String tracestate) {
      SpanContext own = traceparent == null ? null : parse(traceparent, tracestate);
      SpanBuilder b = tracer.spanBuilder("create " + topic).setSpanKind(SpanKind.PRODUCER).setAllAttributes(create)
          .setAttribute(DESTINATION, topic);
      if (own != null) {
        if (!own.isSampled()) return null;
        b.setParent(remote(own)).addLink(span.getSpanContext());
      } else {
        if (!sampled) return null;
        b.setParent(context);
      }
      Span s = b.startSpan();
      s.end();
      SpanContext sc = s.getSpanContext();
      return sc.isSampled() ? format(sc) : null;
    }

    /** Ends the poll span (after the records' spans, which it encloses). */
    public void end() {
      span.end();
    }
  }

  /** A Put's spans, ended when the connector's put returns. */
  public static final class PutSpans {
    private final List<Span> spans;

    private PutSpans(List<Span> spans) {
      this.spans = spans;
    }

    public void end(Throwable error) {
      for (int i = spans.size() - 1; i >= 0; i--) Tracing.end(spans.get(i), error);
    }
  }
}
