package polyconnect

// Connector-side spans (protocol rule 10), so that one record's trace runs from the
// source's poll to the sink connector's put and flush, through the core's spans:
//
//   - source: "poll" per poll that returned records (a root, so the sampler decides), and
//     per record of a sampled poll "create <topic>", child of the record's own context
//     when the connector set one (the source system's; linked to the poll span) else of
//     the poll span. The create span's context replaces the record's on the wire; the poll
//     span's goes with the batch (SourceBatch.trace), sampled or not, so an unsampled poll
//     costs the core nothing either.
//   - sink: "put", child of Put.trace; "process <topic>" per record whose context (from its
//     Kafka headers, through the core) is sampled; "flush", child of Flush.trace, only
//     when that is present and sampled.
//
// A nil *tracer is tracing off: every call site checks for nil first, so records cost
// nothing more than that check.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// shutdownTimeout bounds the export of the last spans when the process ends.
const shutdownTimeout = 3 * time.Second

type tracer struct {
	t        trace.Tracer
	provider trace.TracerProvider
}

func newTracer(p trace.TracerProvider) *tracer {
	if p == nil {
		return nil
	}
	return &tracer{t: p.Tracer("polyconnect", trace.WithInstrumentationVersion(Version)), provider: p}
}

// forceFlush exports what is buffered (for at most a few seconds) when the provider can, so
// that a stream's last spans are not lost if the process is killed soon after. Streams call
// it in a goroutine: a collector that is down must not hold up the end of a stream.
func (t *tracer) forceFlush() {
	if f, ok := t.provider.(interface{ ForceFlush(context.Context) error }); ok {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		_ = f.ForceFlush(ctx)
	}
}

// taskAttrs are the attributes every span of a task has.
func taskAttrs(connector string, task int, more ...attribute.KeyValue) []attribute.KeyValue {
	return append([]attribute.KeyValue{attribute.String("polyconnect.connector", connector), attribute.Int("polyconnect.task", task)}, more...)
}

// ---------------------------------------------------------------------------------------
// W3C trace context
// ---------------------------------------------------------------------------------------

var w3c = propagation.TraceContext{}

// carrier lets the W3C propagator read and write a TraceContext without a map.
type carrier struct{ tc *TraceContext }

func (c carrier) Get(key string) string {
	switch key {
	case "traceparent":
		return c.tc.Traceparent
	case "tracestate":
		return c.tc.Tracestate
	}
	return ""
}

func (c carrier) Set(key, value string) {
	switch key {
	case "traceparent":
		c.tc.Traceparent = value
	case "tracestate":
		c.tc.Tracestate = value
	}
}

func (c carrier) Keys() []string { return []string{"traceparent", "tracestate"} }

// parseTrace is the remote span context of tc; invalid when tc is empty or malformed.
func parseTrace(tc TraceContext) trace.SpanContext {
	if tc.Traceparent == "" {
		return trace.SpanContext{}
	}
	return trace.SpanContextFromContext(w3c.Extract(context.Background(), carrier{&tc}))
}

func parseProtoTrace(t *pb.TraceContext) trace.SpanContext {
	if t == nil {
		return trace.SpanContext{}
	}
	return parseTrace(TraceContext{Traceparent: t.Traceparent, Tracestate: t.Tracestate})
}

func formatTrace(sc trace.SpanContext) TraceContext {
	var tc TraceContext
	w3c.Inject(trace.ContextWithSpanContext(context.Background(), sc), carrier{&tc})
	return tc
}

func protoTrace(tc TraceContext) *pb.TraceContext {
	return &pb.TraceContext{Traceparent: tc.Traceparent, Tracestate: tc.Tracestate}
}

// ---------------------------------------------------------------------------------------
// Source side
// ---------------------------------------------------------------------------------------

// pollTrace holds the spans of one poll.
type pollTrace struct {
	t       *tracer
	span    trace.Span
	ctx     context.Context
	sc      trace.SpanContext
	sampled bool
	attrs   []attribute.KeyValue // of the create spans, without the topic
}

// poll starts the span of a poll that began at began and returned records.
func (t *tracer) poll(connector string, task int, began time.Time) *pollTrace {
	ctx, span := t.t.Start(context.Background(), "poll",
		trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindInternal), trace.WithTimestamp(began),
		trace.WithAttributes(taskAttrs(connector, task, attribute.String("messaging.operation.name", "poll"))...))
	sc := span.SpanContext()
	return &pollTrace{
		t: t, span: span, ctx: ctx, sc: sc, sampled: sc.IsSampled(),
		attrs: taskAttrs(connector, task,
			attribute.String("messaging.system", "kafka"),
			attribute.String("messaging.operation.name", "create"),
			attribute.String("messaging.operation.type", "create")),
	}
}

// batchTrace is what SourceBatch.trace carries: the poll span's context, sampled or not.
func (p *pollTrace) batchTrace() *pb.TraceContext {
	if !p.sc.IsValid() {
		return nil
	}
	return protoTrace(formatTrace(p.sc))
}

// record makes record r's create span when it is sampled and returns the context to send
// with r; ok is false when r keeps its own context (if any).
func (p *pollTrace) record(r *SourceRecord) (tc TraceContext, ok bool) {
	parent := p.ctx
	var opts []trace.SpanStartOption
	if !r.Trace.IsZero() {
		own := parseTrace(r.Trace)
		if !own.IsValid() || !own.IsSampled() {
			return TraceContext{}, false
		}
		parent = trace.ContextWithRemoteSpanContext(context.Background(), own)
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: p.sc}))
	} else if !p.sampled {
		return TraceContext{}, false
	}
	opts = append(opts, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(append(p.attrs[:len(p.attrs):len(p.attrs)], attribute.String("messaging.destination.name", r.Topic))...))
	_, span := p.t.t.Start(parent, "create "+r.Topic, opts...)
	sc := span.SpanContext()
	span.End()
	if !sc.IsSampled() {
		return TraceContext{}, false
	}
	return formatTrace(sc), true
}

// end ends the poll span with the number of records polled; a poll that returned only
// nil records is not exported.
func (p *pollTrace) end(count int) {
	if count == 0 {
		return
	}
	p.span.SetAttributes(attribute.Int("messaging.batch.message_count", count))
	p.span.End()
}

// ---------------------------------------------------------------------------------------
// Sink side
// ---------------------------------------------------------------------------------------

// putTrace holds the spans of one Put: the put span first, then the process spans.
type putTrace struct {
	ctx   context.Context
	spans []trace.Span
}

func (t *tracer) put(ctx context.Context, connector string, task int, parentTrace *pb.TraceContext, records []*SinkRecord) *putTrace {
	parent := context.Background()
	if sc := parseProtoTrace(parentTrace); sc.IsValid() {
		parent = trace.ContextWithRemoteSpanContext(parent, sc)
	}
	_, put := t.t.Start(parent, "put", trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(taskAttrs(connector, task,
			attribute.String("messaging.system", "kafka"),
			attribute.String("messaging.operation.name", "put"),
			attribute.Int("messaging.batch.message_count", len(records)))...))
	pt := &putTrace{ctx: trace.ContextWithSpan(ctx, put), spans: []trace.Span{put}}
	for _, r := range records {
		if r.Trace.IsZero() {
			continue
		}
		sc := parseTrace(r.Trace)
		if !sc.IsValid() || !sc.IsSampled() {
			continue
		}
		_, span := t.t.Start(trace.ContextWithRemoteSpanContext(context.Background(), sc), "process "+r.Topic,
			trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(taskAttrs(connector, task,
				attribute.String("messaging.system", "kafka"),
				attribute.String("messaging.operation.name", "process"),
				attribute.String("messaging.operation.type", "process"),
				attribute.String("messaging.destination.name", r.Topic),
				attribute.String("messaging.destination.partition.id", strconv.FormatInt(int64(r.KafkaPartition), 10)),
				attribute.Int64("messaging.kafka.offset", r.KafkaOffset))...))
		pt.spans = append(pt.spans, span)
	}
	return pt
}

// end ends the Put's spans; an error marks every one of them.
func (p *putTrace) end(err error) {
	for i := len(p.spans) - 1; i >= 0; i-- {
		endSpan(p.spans[i], err)
	}
}

func endSpan(s trace.Span, err error) {
	if err != nil {
		s.RecordError(err)
		s.SetStatus(codes.Error, err.Error())
	}
	s.End()
}

// flushSpan starts the span of a Flush: nil unless Flush.trace is present and sampled.
func (t *tracer) flushSpan(connector string, task int, flushTrace *pb.TraceContext, partitions int) trace.Span {
	sc := parseProtoTrace(flushTrace)
	if !sc.IsValid() || !sc.IsSampled() {
		return nil
	}
	_, span := t.t.Start(trace.ContextWithRemoteSpanContext(context.Background(), sc), "flush",
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(taskAttrs(connector, task,
			attribute.String("messaging.operation.name", "flush"),
			attribute.String("messaging.operation.type", "settle"),
			attribute.Int("polyconnect.partition.count", partitions))...))
	return span
}

// ---------------------------------------------------------------------------------------
// Configuration from the standard OTEL_* variables
// ---------------------------------------------------------------------------------------

// TracerProviderFromEnv is the OTLP exporting provider that the standard OTEL_* variables
// configure, as Serve uses it: nil when tracing is off (no OTLP endpoint,
// OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none) or a setting is bad, which logs a
// warning: tracing never fails the connector. Shut it down to export the last spans.
func TracerProviderFromEnv(log *slog.Logger) *sdktrace.TracerProvider {
	if log == nil {
		log = slog.Default()
	}
	tp, err := tracerProviderFromEnv(os.Getenv, log)
	if err != nil {
		log.Warn("no connector spans: " + err.Error())
		return nil
	}
	return tp
}

func tracerProviderFromEnv(env func(string) string, log *slog.Logger) (*sdktrace.TracerProvider, error) {
	if strings.EqualFold(strings.TrimSpace(env("OTEL_SDK_DISABLED")), "true") ||
		strings.TrimSpace(env("OTEL_TRACES_EXPORTER")) == "none" {
		return nil, nil
	}
	if env("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	protocol := strings.TrimSpace(env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
	if protocol == "" {
		protocol = strings.TrimSpace(env("OTEL_EXPORTER_OTLP_PROTOCOL"))
	}
	if protocol == "" {
		protocol = "http/protobuf"
	}
	if protocol != "grpc" && protocol != "http/protobuf" {
		return nil, fmt.Errorf("unsupported OTLP protocol %q (use grpc or http/protobuf)", protocol)
	}
	sampler, err := samplerFromEnv(env)
	if err != nil {
		return nil, err
	}
	// The SDK and the exporters read these themselves, but fall back to their defaults on
	// a bad value; a bad value turns tracing off here instead, with a warning.
	ints := map[string]int{}
	for _, name := range []string{"OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_SCHEDULE_DELAY",
		"OTEL_BSP_EXPORT_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"} {
		v := strings.TrimSpace(env(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || (n == 0 && strings.HasPrefix(name, "OTEL_BSP_MAX_")) {
			return nil, fmt.Errorf("%s=%q is not a valid number", name, v)
		}
		ints[name] = n
	}
	service := strings.TrimSpace(env("OTEL_SERVICE_NAME"))
	if service == "" {
		service = "polyconnect-connector"
	}
	// Exporter errors (a collector that is down) are logged by the OpenTelemetry SDK's
	// handler; send them to the SDK's log instead of the standard logger.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("OpenTelemetry", "error", err) }))
	// The exporters read the endpoint, headers, timeout and TLS settings themselves
	// (with the /v1/traces path appended to OTEL_EXPORTER_OTLP_ENDPOINT over HTTP).
	var exp sdktrace.SpanExporter
	ctx := context.Background()
	if protocol == "grpc" {
		exp, err = otlptracegrpc.New(ctx)
	} else {
		exp, err = otlptracehttp.New(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot start the OTLP exporter: %w", err)
	}
	queue := 2048
	if n, ok := ints["OTEL_BSP_MAX_QUEUE_SIZE"]; ok {
		queue = n
	}
	batch := 512
	if n, ok := ints["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"]; ok {
		batch = n
	}
	// A bounded queue that drops when full (the SDK's default): a slow or absent collector
	// costs spans, never holds up records.
	bsp := []sdktrace.BatchSpanProcessorOption{sdktrace.WithMaxQueueSize(queue), sdktrace.WithMaxExportBatchSize(min(batch, queue))}
	if _, ok := ints["OTEL_BSP_SCHEDULE_DELAY"]; !ok {
		bsp = append(bsp, sdktrace.WithBatchTimeout(500*time.Millisecond))
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", service)))
	if err != nil {
		res = resource.NewSchemaless(attribute.String("service.name", service))
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sampler),
		sdktrace.WithBatcher(exp, bsp...))
	log.Info("OpenTelemetry tracing on", "protocol", protocol, "service", service)
	return tp, nil
}

// samplerFromEnv reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (default
// parentbased_always_on).
func samplerFromEnv(env func(string) string) (sdktrace.Sampler, error) {
	name := strings.ToLower(strings.TrimSpace(env("OTEL_TRACES_SAMPLER")))
	ratio := func() (float64, error) {
		arg := strings.TrimSpace(env("OTEL_TRACES_SAMPLER_ARG"))
		if arg == "" {
			return 1, nil
		}
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || r < 0 || r > 1 {
			return 0, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG=%q is not a ratio between 0 and 1", arg)
		}
		return r, nil
	}
	switch name {
	case "", "parentbased_always_on":
		return sdktrace.ParentBased(sdktrace.AlwaysSample()), nil
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample()), nil
	case "always_on":
		return sdktrace.AlwaysSample(), nil
	case "always_off":
		return sdktrace.NeverSample(), nil
	case "traceidratio", "parentbased_traceidratio":
		r, err := ratio()
		if err != nil {
			return nil, err
		}
		if name == "traceidratio" {
			return sdktrace.TraceIDRatioBased(r), nil
		}
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(r)), nil
	}
	return nil, errors.New("unsupported OTEL_TRACES_SAMPLER " + strconv.Quote(name))
}
