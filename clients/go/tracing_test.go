package polyconnect

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	collectorpb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// recorded is a tracer provider whose ended spans the test reads at once.
func recorded(sampler sdktrace.Sampler) (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	sr := tracetest.NewSpanRecorder()
	return sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithSpanProcessor(sr)), sr
}

func spanAttrs(s sdktrace.ReadOnlySpan) map[string]attribute.Value {
	out := map[string]attribute.Value{}
	for _, kv := range s.Attributes() {
		out[string(kv.Key)] = kv.Value
	}
	return out
}

// checkAttrs checks the attributes named in want (strings, ints, int64s), types included.
func checkAttrs(t *testing.T, s sdktrace.ReadOnlySpan, want map[string]any) {
	t.Helper()
	got := spanAttrs(s)
	for k, w := range want {
		v, ok := got[k]
		if !ok {
			t.Errorf("span %s: no attribute %s (has %v)", s.Name(), k, got)
			continue
		}
		var same bool
		switch w := w.(type) {
		case string:
			same = v.Type() == attribute.STRING && v.AsString() == w
		case int:
			same = v.Type() == attribute.INT64 && v.AsInt64() == int64(w)
		}
		if !same {
			t.Errorf("span %s: %s = %v (%s), want %#v", s.Name(), k, v.Emit(), v.Type(), w)
		}
	}
}

func spansNamed(spans []sdktrace.ReadOnlySpan, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// listTask returns its records in one poll, then nothing until stopped.
type listTask struct {
	records []*SourceRecord
	polled  chan time.Time
	stopped chan struct{}
}

func newListTask(records ...*SourceRecord) *listTask {
	return &listTask{records: records, polled: make(chan time.Time, 1), stopped: make(chan struct{})}
}

func (l *listTask) Start(SourceTaskContext, Config) error { return nil }
func (l *listTask) Poll(ctx context.Context) ([]*SourceRecord, error) {
	if l.records == nil {
		<-ctx.Done()
		return nil, nil
	}
	l.polled <- time.Now()
	r := l.records
	l.records = nil
	return r, nil
}
func (l *listTask) Stop() error { close(l.stopped); return nil }

const (
	sourceSystemTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	unsampledTrace    = "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00"
)

// pollOnce runs a source task stream until its first batch, then stops it.
func pollOnce(t *testing.T, opts Options, task *listTask) *pb.SourceBatch {
	t.Helper()
	c := startCoreWith(t, opts, &Source{Class: "List", Task: func() SourceTask { return task }})
	s := c.source(&pb.SourceStart{ConnectorClass: "List", ConnectorName: "lister", TaskId: 3})
	if m := recv(t, s.Recv); m.GetStarted() == nil {
		t.Fatalf("want Started, got %v", m)
	}
	s.Send(credit(1<<20, 1<<30))
	b := recv(t, s.Recv).GetBatch()
	if b == nil {
		t.Fatal("want a batch")
	}
	s.Send(&pb.SourceRequest{Msg: &pb.SourceRequest_Stop{Stop: &pb.Stop{TimeoutMs: 2000}}})
	if d := recv(t, s.Recv).GetDrained(); d == nil {
		t.Fatal("want Drained")
	}
	s.CloseSend()
	waitClosed(t, task.stopped, "task Stop")
	return b
}

func TestSampledPollMakesAPollSpanAndACreateSpanPerRecord(t *testing.T) {
	tp, sr := recorded(sdktrace.ParentBased(sdktrace.AlwaysSample()))
	task := newListTask(
		&SourceRecord{Topic: "orders", Value: "a"},
		&SourceRecord{Topic: "orders", Value: "b", Trace: TraceContext{Traceparent: sourceSystemTrace, Tracestate: "vendor=x"}},
	)
	b := pollOnce(t, Options{TracerProvider: tp}, task)
	polledAt := <-task.polled

	spans := sr.Ended()
	polls, creates := spansNamed(spans, "poll"), spansNamed(spans, "create orders")
	if len(polls) != 1 || len(creates) != 2 || len(spans) != 3 {
		t.Fatalf("want one poll and two create spans (an empty poll makes none), got %d spans: %v", len(spans), spans)
	}
	poll := polls[0]
	if poll.Parent().IsValid() || poll.SpanKind() != trace.SpanKindInternal {
		t.Fatalf("the poll span is an INTERNAL root: parent %v, kind %v", poll.Parent(), poll.SpanKind())
	}
	if poll.StartTime().After(polledAt) {
		t.Errorf("the poll span starts before the connector's Poll: %v after %v", poll.StartTime(), polledAt)
	}
	checkAttrs(t, poll, map[string]any{"polyconnect.connector": "lister", "polyconnect.task": 3,
		"messaging.operation.name": "poll", "messaging.batch.message_count": 2})
	// The batch carries the poll span's context.
	if got := parseProtoTrace(b.Trace); got.SpanID() != poll.SpanContext().SpanID() || !got.IsSampled() {
		t.Fatalf("SourceBatch.trace = %v, want the poll span %v", b.Trace, poll.SpanContext())
	}

	createAttrs := map[string]any{"polyconnect.connector": "lister", "polyconnect.task": 3, "messaging.system": "kafka",
		"messaging.operation.name": "create", "messaging.operation.type": "create", "messaging.destination.name": "orders"}
	// Without a context of its own: child of the poll span, whose trace goes on the wire.
	plain := creates[0]
	if plain.Parent().SpanID() != poll.SpanContext().SpanID() || plain.SpanKind() != trace.SpanKindProducer || len(plain.Links()) != 0 {
		t.Fatalf("create span of a record without context: parent %v kind %v links %v", plain.Parent(), plain.SpanKind(), plain.Links())
	}
	checkAttrs(t, plain, createAttrs)
	if got := b.Records[0].GetTrace().GetTraceparent(); got != formatTrace(plain.SpanContext()).Traceparent {
		t.Fatalf("record 1 goes with its create span's context, got %q", got)
	}
	// With the source system's context: its child, linked to the poll span.
	own := creates[1]
	if own.Parent().TraceID().String() != "0af7651916cd43dd8448eb211c80319c" || own.Parent().SpanID().String() != "b7ad6b7169203331" || !own.Parent().IsRemote() {
		t.Fatalf("create span of a record with its own context: parent %v", own.Parent())
	}
	if len(own.Links()) != 1 || own.Links()[0].SpanContext.SpanID() != poll.SpanContext().SpanID() {
		t.Fatalf("create span of a record with its own context links to the poll span: %v", own.Links())
	}
	checkAttrs(t, own, createAttrs)
	wire := b.Records[1].GetTrace()
	if wire.GetTraceparent() != formatTrace(own.SpanContext()).Traceparent || wire.GetTracestate() != "vendor=x" {
		t.Fatalf("record 2 goes with its create span's context (and the source's tracestate), got %v", wire)
	}
}

func TestUnsampledPollMakesSpansOnlyForSampledRecordContexts(t *testing.T) {
	tp, sr := recorded(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0)))
	task := newListTask(
		&SourceRecord{Topic: "t", Value: "a"},
		&SourceRecord{Topic: "t", Value: "b", Trace: TraceContext{Traceparent: unsampledTrace}},
		&SourceRecord{Topic: "t", Value: "c", Trace: TraceContext{Traceparent: sourceSystemTrace}},
	)
	b := pollOnce(t, Options{TracerProvider: tp}, task)
	spans := sr.Ended()
	if len(spans) != 1 || spans[0].Name() != "create t" || spans[0].Parent().SpanID().String() != "b7ad6b7169203331" {
		t.Fatalf("want only the create span of the record with a sampled context, got %v", spans)
	}
	// The core learns that the poll is not sampled, and records nothing for it either.
	bt := parseProtoTrace(b.Trace)
	if !bt.IsValid() || bt.IsSampled() {
		t.Fatalf("SourceBatch.trace = %v, want an unsampled context", b.Trace)
	}
	if b.Records[0].Trace != nil {
		t.Fatalf("a record without context gets none: %v", b.Records[0].Trace)
	}
	if b.Records[1].GetTrace().GetTraceparent() != unsampledTrace {
		t.Fatalf("an unsampled record context goes on unchanged: %v", b.Records[1].Trace)
	}
	if b.Records[2].GetTrace().GetTraceparent() != formatTrace(spans[0].SpanContext()).Traceparent {
		t.Fatalf("a sampled record context is replaced by its create span's: %v", b.Records[2].Trace)
	}
}

func TestTracingOffLeavesTheWireAsItWas(t *testing.T) {
	task := newListTask(
		&SourceRecord{Topic: "t", Value: "a"},
		&SourceRecord{Topic: "t", Value: "b", Trace: TraceContext{Traceparent: sourceSystemTrace, Tracestate: "vendor=x"}},
	)
	b := pollOnce(t, Options{}, task)
	if b.Trace != nil || b.Records[0].Trace != nil {
		t.Fatalf("no batch or record context without tracing: %v, %v", b.Trace, b.Records[0].Trace)
	}
	if tc := b.Records[1].GetTrace(); tc.GetTraceparent() != sourceSystemTrace || tc.GetTracestate() != "vendor=x" {
		t.Fatalf("the record's own context goes on unchanged: %v", tc)
	}
}

// tracedSink records the span in the context of each call.
type tracedSink struct {
	memSink
	putErr   error
	putSpan  trace.SpanContext
	flushErr error
}

func (s *tracedSink) Put(ctx context.Context, records []*SinkRecord) error {
	s.putSpan = trace.SpanContextFromContext(ctx)
	if s.putErr != nil {
		return s.putErr
	}
	return s.memSink.Put(ctx, records)
}

func (s *tracedSink) Flush(ctx context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error) {
	if s.flushErr != nil {
		return nil, s.flushErr
	}
	return s.memSink.Flush(ctx, offsets)
}

const (
	corePutTrace   = "00-3af7651916cd43dd8448eb211c80319c-d7ad6b7169203331-01"
	coreFlushTrace = "00-4af7651916cd43dd8448eb211c80319c-e7ad6b7169203331-01"
)

func tracedRecord(offset int64, traceparent string) *pb.SinkRecord {
	r := sinkRecord(offset, &pb.Value{Kind: &pb.Value_String_{String_: "v"}}, &pb.Schema{Type: pb.SchemaType_STRING})
	if traceparent != "" {
		r.Trace = &pb.TraceContext{Traceparent: traceparent}
	}
	return r
}

func TestSinkPutProcessAndFlushSpans(t *testing.T) {
	tp, sr := recorded(sdktrace.ParentBased(sdktrace.AlwaysSample()))
	task := &tracedSink{memSink: memSink{stopped: make(chan struct{})}}
	c := startCoreWith(t, Options{TracerProvider: tp}, &Sink{Class: "Mem", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem", ConnectorName: "mem", TaskId: 1})
	recv(t, s.Recv)
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Put{Put: &pb.Put{PutId: 1, Trace: &pb.TraceContext{Traceparent: corePutTrace},
		Records: []*pb.SinkRecord{tracedRecord(7, sourceSystemTrace), tracedRecord(8, unsampledTrace), tracedRecord(9, "")}}}})
	if d := recv(t, s.Recv).GetPutDone(); d.GetPutId() != 1 {
		t.Fatalf("want PutDone, got %v", d)
	}
	spans := sr.Ended()
	puts, processes := spansNamed(spans, "put"), spansNamed(spans, "process t")
	if len(puts) != 1 || len(processes) != 1 || len(spans) != 2 {
		t.Fatalf("want a put span and one process span (for the sampled record), got %v", spans)
	}
	put := puts[0]
	if put.Parent().SpanID().String() != "d7ad6b7169203331" || put.SpanKind() != trace.SpanKindInternal {
		t.Fatalf("the put span is an INTERNAL child of Put.trace: parent %v kind %v", put.Parent(), put.SpanKind())
	}
	checkAttrs(t, put, map[string]any{"polyconnect.connector": "mem", "polyconnect.task": 1, "messaging.system": "kafka",
		"messaging.operation.name": "put", "messaging.batch.message_count": 3})
	if task.putSpan.SpanID() != put.SpanContext().SpanID() {
		t.Errorf("the task's Put runs in the put span's context")
	}
	process := processes[0]
	if process.Parent().SpanID().String() != "b7ad6b7169203331" || process.SpanKind() != trace.SpanKindConsumer {
		t.Fatalf("the process span is a CONSUMER child of the record's context: parent %v kind %v", process.Parent(), process.SpanKind())
	}
	checkAttrs(t, process, map[string]any{"polyconnect.connector": "mem", "polyconnect.task": 1, "messaging.system": "kafka",
		"messaging.operation.name": "process", "messaging.operation.type": "process", "messaging.destination.name": "t",
		"messaging.destination.partition.id": "0", "messaging.kafka.offset": 7})
	if put.Status().Code == codes.Error || process.Status().Code == codes.Error {
		t.Fatal("a Put that worked has no error status")
	}

	offsets := []*pb.TopicPartitionOffset{{Topic: "t", Partition: 0, Offset: 10}, {Topic: "t", Partition: 1, Offset: 3}}
	// No span for a Flush without a sampled context.
	for i, ft := range []*pb.TraceContext{nil, {Traceparent: unsampledTrace}} {
		s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Flush{Flush: &pb.Flush{FlushId: uint64(i + 1), Offsets: offsets, Trace: ft}}})
		recv(t, s.Recv).GetFlushed()
	}
	if n := len(sr.Ended()); n != 2 {
		t.Fatalf("a Flush without a sampled context makes no span: %d spans", n)
	}
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Flush{Flush: &pb.Flush{FlushId: 3, Offsets: offsets, Trace: &pb.TraceContext{Traceparent: coreFlushTrace}}}})
	if f := recv(t, s.Recv).GetFlushed(); f.GetFlushId() != 3 {
		t.Fatalf("want Flushed, got %v", f)
	}
	flushes := spansNamed(sr.Ended(), "flush")
	if len(flushes) != 1 || flushes[0].Parent().SpanID().String() != "e7ad6b7169203331" || flushes[0].SpanKind() != trace.SpanKindInternal {
		t.Fatalf("want an INTERNAL flush span, child of Flush.trace: %v", flushes)
	}
	checkAttrs(t, flushes[0], map[string]any{"polyconnect.connector": "mem", "polyconnect.task": 1,
		"messaging.operation.name": "flush", "messaging.operation.type": "settle", "polyconnect.partition.count": 2})
}

func TestSinkErrorsMarkEverySpanOfThePut(t *testing.T) {
	tp, sr := recorded(sdktrace.ParentBased(sdktrace.AlwaysSample()))
	task := &tracedSink{memSink: memSink{stopped: make(chan struct{})}, putErr: Retriable(errors.New("destination busy"), 0),
		flushErr: errors.New("disk full")}
	c := startCoreWith(t, Options{TracerProvider: tp}, &Sink{Class: "Mem", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem", ConnectorName: "mem"})
	recv(t, s.Recv)
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Put{Put: &pb.Put{PutId: 1, Trace: &pb.TraceContext{Traceparent: corePutTrace},
		Records: []*pb.SinkRecord{tracedRecord(1, sourceSystemTrace), tracedRecord(2, sourceSystemTrace)}}}})
	if e := recv(t, s.Recv).GetError(); e.GetPutId() != 1 {
		t.Fatalf("want the retriable error of put 1, got %v", e)
	}
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Flush{Flush: &pb.Flush{FlushId: 1, Trace: &pb.TraceContext{Traceparent: coreFlushTrace}}}})
	if f := recv(t, s.Recv).GetFlushed(); f.GetFlushId() != 1 || f.GetError() == nil || len(f.Offsets) != 0 {
		t.Fatalf("want a failed Flushed{1} carrying the flush's error, got %v", f)
	}
	spans := sr.Ended()
	if len(spans) != 4 {
		t.Fatalf("want put, two process and flush spans, got %v", spans)
	}
	for _, sp := range spans {
		if sp.Status().Code != codes.Error {
			t.Errorf("span %s: status %v, want an error", sp.Name(), sp.Status())
		}
		if len(sp.Events()) != 1 || sp.Events()[0].Name != "exception" {
			t.Errorf("span %s: the exception is recorded: %v", sp.Name(), sp.Events())
		}
	}
}

func TestTracingSettingsFromTheEnvironment(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	base := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}
	for _, c := range []struct {
		env  map[string]string
		on   bool
		fail string
	}{
		{env: map[string]string{}},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:1/v1/traces"}, on: true},
		{env: map[string]string{"OTEL_SDK_DISABLED": "TRUE"}},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "none"}},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, on: true},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, fail: "unsupported OTLP protocol"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "carrier-pigeon"}, fail: "carrier-pigeon"},
		{env: map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"}, on: true},
		{env: map[string]string{"OTEL_TRACES_SAMPLER": "sometimes"}, fail: "OTEL_TRACES_SAMPLER"},
		{env: map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"}, fail: "OTEL_TRACES_SAMPLER_ARG"},
		{env: map[string]string{"OTEL_BSP_MAX_QUEUE_SIZE": "lots"}, fail: "OTEL_BSP_MAX_QUEUE_SIZE"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "-5"}, fail: "OTEL_EXPORTER_OTLP_TIMEOUT"},
	} {
		// Each case but the empty one has the base endpoint unless it sets the traces one.
		env := func(k string) string {
			if v, ok := c.env[k]; ok {
				return v
			}
			if len(c.env) > 0 && c.env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == "" {
				return base[k]
			}
			return ""
		}
		tp, err := tracerProviderFromEnv(env, quiet)
		if c.fail != "" {
			if err == nil || !strings.Contains(err.Error(), c.fail) {
				t.Errorf("%v: want an error naming %q, got %v", c.env, c.fail, err)
			}
			continue
		}
		if err != nil || (tp != nil) != c.on {
			t.Errorf("%v: tracing on = %v (error %v), want %v", c.env, tp != nil, err, c.on)
		}
		if tp != nil {
			tp.Shutdown(context.Background())
		}
	}
}

func TestSamplerFromTheEnvironment(t *testing.T) {
	for name, want := range map[string]string{
		"": "ParentBased{root:AlwaysOnSampler", "always_off": "AlwaysOffSampler", "always_on": "AlwaysOnSampler",
		"parentbased_always_off": "ParentBased{root:AlwaysOffSampler", "traceidratio": "TraceIDRatioBased{0.25}",
		"parentbased_traceidratio": "ParentBased{root:TraceIDRatioBased{0.25}",
	} {
		s, err := samplerFromEnv(func(k string) string {
			return map[string]string{"OTEL_TRACES_SAMPLER": name, "OTEL_TRACES_SAMPLER_ARG": "0.25"}[k]
		})
		if err != nil || !strings.HasPrefix(s.Description(), want) {
			t.Errorf("OTEL_TRACES_SAMPLER=%q: %v (%v), want %s", name, s, err, want)
		}
	}
}

// otlpSpans collects what an OTLP receiver got: span names by service.name.
type otlpSpans struct {
	mu    sync.Mutex
	paths []string
	names map[string][]string
}

func (o *otlpSpans) add(path string, req *collectorpb.ExportTraceServiceRequest) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.paths = append(o.paths, path)
	for _, rs := range req.ResourceSpans {
		service := ""
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.Key == "service.name" {
				service = kv.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				o.names[service] = append(o.names[service], s.Name)
			}
		}
	}
}

type grpcReceiver struct {
	collectorpb.UnimplementedTraceServiceServer
	got *otlpSpans
}

func (g grpcReceiver) Export(_ context.Context, req *collectorpb.ExportTraceServiceRequest) (*collectorpb.ExportTraceServiceResponse, error) {
	g.got.add("grpc", req)
	return &collectorpb.ExportTraceServiceResponse{}, nil
}

// TestExportOverBothProtocols sends spans to in-process OTLP receivers over gRPC and over
// HTTP (where /v1/traces is appended to OTEL_EXPORTER_OTLP_ENDPOINT, not to the traces
// endpoint), and checks that shutting the provider down exports what is buffered.
func TestExportOverBothProtocols(t *testing.T) {
	got := &otlpSpans{names: map[string][]string{}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	collectorpb.RegisterTraceServiceServer(gs, grpcReceiver{got: got})
	go gs.Serve(lis)
	defer gs.Stop()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &collectorpb.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got.add(r.URL.Path, req)
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ := proto.Marshal(&collectorpb.ExportTraceServiceResponse{})
		w.Write(b)
	}))
	defer hs.Close()

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct{ service, protocol, endpointVar, endpoint string }{
		{"over-grpc", "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://" + lis.Addr().String()},
		{"over-http", "", "OTEL_EXPORTER_OTLP_ENDPOINT", hs.URL},
		{"over-http-traces-endpoint", "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", hs.URL + "/custom"},
	} {
		for _, k := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
			t.Setenv(k, "")
		}
		t.Setenv(c.endpointVar, c.endpoint)
		t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", c.protocol)
		t.Setenv("OTEL_SERVICE_NAME", c.service)
		tp := TracerProviderFromEnv(quiet)
		if tp == nil {
			t.Fatalf("%s: tracing is off", c.service)
		}
		_, span := tp.Tracer("test").Start(context.Background(), "span-"+c.service)
		span.End()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := tp.Shutdown(ctx); err != nil {
			t.Fatalf("%s: shutdown: %v", c.service, err)
		}
		cancel()
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	for _, service := range []string{"over-grpc", "over-http", "over-http-traces-endpoint"} {
		if names := got.names[service]; len(names) != 1 || names[0] != "span-"+service {
			t.Errorf("service %s: spans %v", service, names)
		}
	}
	if strings.Join(got.paths, " ") != "grpc /v1/traces /custom" {
		t.Errorf("export paths: %v", got.paths)
	}
}

func TestDefaultServiceName(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "")
	tp, err := tracerProviderFromEnv(func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}[k]
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || tp == nil {
		t.Fatalf("tracing on: %v", err)
	}
	defer func() {
		// The span also goes to an endpoint nobody listens on: do not wait for retries.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		tp.Shutdown(ctx)
	}()
	rec := tracetest.NewSpanRecorder()
	tp.RegisterSpanProcessor(rec)
	_, span := tp.Tracer("test").Start(context.Background(), "s")
	span.End()
	for _, kv := range rec.Ended()[0].Resource().Attributes() {
		if kv.Key == "service.name" && kv.Value.AsString() == "polyconnect-connector" {
			return
		}
	}
	t.Fatalf("service.name: %v", rec.Ended()[0].Resource())
}

// TestACollectorThatHangsCostsSpansNotRecords: with a collector that accepts connections
// and never answers, making spans neither blocks nor fails (the queue drops what does not
// fit) and shutting down ends at its deadline.
func TestACollectorThatHangsCostsSpansNotRecords(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read or answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	for _, protocol := range []string{"grpc", "http/protobuf"} {
		t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+lis.Addr().String())
		t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
		t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "16")
		tp := TracerProviderFromEnv(slog.New(slog.NewTextHandler(io.Discard, nil)))
		if tp == nil {
			t.Fatalf("%s: tracing is off", protocol)
		}
		task := newListTask()
		for i := range 5000 {
			task.records = append(task.records, &SourceRecord{Topic: "t", Value: int64(i)})
		}
		b := pollOnce(t, Options{TracerProvider: tp}, task)
		if len(b.Records) != 5000 || !parseProtoTrace(b.Records[4999].Trace).IsSampled() {
			t.Fatalf("%s: want 5000 records with their create spans' contexts, got %d", protocol, len(b.Records))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		tp.Shutdown(ctx)
		cancel()
	}
}
