package polyconnect

// The SinkTask.Run stream (lifecycle in connector.proto). The reader queues the core's
// messages; one goroutine runs them against the task strictly in order (open, put, flush,
// close, stop), like Kafka Connect's task thread. Records reported with ReportErrant go out
// before the PutDone of their Put.
//
// Several Puts may be in flight (MaxInflightPuts, DefaultMaxInflightPuts by default), so
// Puts after one that Put answered with a retriable error may be here before its
// redelivery. They are held back: answered RETRIABLE at once (retry_after_ms 0) without
// reaching the task, and the core delivers them again after it, so the order is kept.
//
// Errant records and the context's requests (Offset, Pause, Resume, RequestCommit) share
// one outbox, sent in call order and always before the next PutDone/Flushed; a context
// request goes out at once (once SinkStarted is out), errant records at the end of their Put.
//
// A failing Flush is a failed flush, as Kafka Connect's "rewinding to last committed
// offsets": the SDK answers Flushed with the error and no offsets, the core commits nothing
// and delivers the records after the committed offsets again, and the task keeps running.
// A *ConfigError or a panic still fails the task.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"go.opentelemetry.io/otel/trace"
)

var sinkHeartbeat = &pb.SinkResponse{Msg: &pb.SinkResponse_Heartbeat{Heartbeat: &pb.Heartbeat{}}}

// DefaultMaxInflightPuts is a sink's MaxInflightPuts when it sets none.
const DefaultMaxInflightPuts = 4

type sinkService struct {
	pb.UnimplementedSinkTaskServer
	s *Server
}

func (x sinkService) Run(stream pb.SinkTask_RunServer) error { return x.s.runSink(stream) }

type sinkTaskContext struct {
	name  string
	id    int
	trace TraceContext
	mu    sync.Mutex
	// pending holds errant records and context requests in call order; out is set once
	// SinkStarted went out (context requests are sent at once from then on).
	pending []*pb.SinkResponse
	out     *sender[*pb.SinkResponse]
	// retryTimeout is Timeout's duration in ms for the next retriable Put; 0: none.
	retryTimeout atomic.Int64
}

func (c *sinkTaskContext) Timeout(d time.Duration) { c.retryTimeout.Store(d.Milliseconds()) }

func (c *sinkTaskContext) ConnectorName() string { return c.name }
func (c *sinkTaskContext) TaskID() int           { return c.id }
func (c *sinkTaskContext) Trace() TraceContext   { return c.trace }
func (c *sinkTaskContext) ReportErrant(r *SinkRecord, err error) {
	e := errorProto(err, "")
	e.Kind = pb.ErrorKind_RECORD
	e.KafkaTopic, e.KafkaPartition, e.KafkaOffset = r.OriginalTopic, r.OriginalKafkaPartition, r.KafkaOffset
	c.mu.Lock()
	c.pending = append(c.pending, &pb.SinkResponse{Msg: &pb.SinkResponse_Errant{Errant: &pb.ErrantRecord{Topic: r.OriginalTopic, KafkaPartition: r.OriginalKafkaPartition, KafkaOffset: r.KafkaOffset, Error: e}}})
	c.mu.Unlock()
}

func (c *sinkTaskContext) Offset(tp TopicPartition, offset int64) {
	c.Offsets(map[TopicPartition]int64{tp: offset})
}

func (c *sinkTaskContext) Offsets(offsets map[TopicPartition]int64) {
	if len(offsets) == 0 {
		return
	}
	m := &pb.SinkContext{}
	for _, tp := range sortedPartitions(offsets) {
		m.Offsets = append(m.Offsets, &pb.TopicPartitionOffset{Topic: tp.Topic, Partition: tp.Partition, Offset: offsets[tp]})
	}
	c.request(m)
}

func (c *sinkTaskContext) Pause(partitions ...TopicPartition) {
	if len(partitions) > 0 {
		c.request(&pb.SinkContext{Pause: topicPartitions(partitions)})
	}
}

func (c *sinkTaskContext) Resume(partitions ...TopicPartition) {
	if len(partitions) > 0 {
		c.request(&pb.SinkContext{Resume: topicPartitions(partitions)})
	}
}

func (c *sinkTaskContext) RequestCommit() { c.request(&pb.SinkContext{RequestCommit: true}) }

func (c *sinkTaskContext) request(m *pb.SinkContext) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = append(c.pending, &pb.SinkResponse{Msg: &pb.SinkResponse_Context{Context: m}})
	if c.out != nil {
		c.sendLocked()
	}
}

// live is called once SinkStarted went out: what start queued goes out, and later
// requests are sent at once.
func (c *sinkTaskContext) live(out *sender[*pb.SinkResponse]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = out
	c.sendLocked()
}

// sendPending sends the errant records and requests made so far, in order.
func (c *sinkTaskContext) sendPending() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out != nil {
		c.sendLocked()
	}
}

func (c *sinkTaskContext) sendLocked() {
	for _, m := range c.pending {
		_ = c.out.Send(m)
	}
	c.pending = nil
}

func topicPartitions(tps []TopicPartition) []*pb.TopicPartition {
	out := make([]*pb.TopicPartition, 0, len(tps))
	for _, tp := range tps {
		out = append(out, &pb.TopicPartition{Topic: tp.Topic, Partition: tp.Partition})
	}
	return out
}

func (s *Server) runSink(stream pb.SinkTask_RunServer) error {
	out := newSender(stream.Send, sinkHeartbeat)
	fail := func(e *pb.Error, putID uint64) error {
		_ = out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_Error{Error: &pb.SinkError{Error: e, PutId: putID}}})
		return nil
	}
	first, err := stream.Recv()
	if err != nil {
		return nil
	}
	start := first.GetStart()
	if start == nil {
		return fail(protocolError(pb.ErrorKind_FATAL, "the first message of a SinkTask stream must be SinkStart"), 0)
	}
	if !slices.Contains(protocolVersions, start.ProtocolVersion) {
		return fail(protocolError(pb.ErrorKind_CONFIG, "protocol version %d is not supported by this connector process (go SDK speaks %v)", start.ProtocolVersion, protocolVersions), 0)
	}
	isSink := true
	p, _ := s.find(start.ConnectorClass, &isSink).(*Sink)
	if p == nil {
		return fail(protocolError(pb.ErrorKind_CONFIG, "this connector process does not serve a sink connector named '%s' (it serves: %s)", start.ConnectorClass, s.names()), 0)
	}
	log := s.log.With("connector", start.ConnectorName, "task", start.TaskId)
	out.configure(start.HeartbeatIntervalMs, start.IdleTimeoutMs)
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()

	work := newQueue[*pb.SinkRequest]()
	go func() {
		for {
			m, err := stream.Recv()
			if err != nil {
				if err != io.EOF {
					log.Debug("sink stream read ended", "error", err)
				}
				work.close()
				return
			}
			out.received()
			if m.GetHeartbeat() == nil {
				work.push(m)
			}
		}
	}()
	go out.liveness(ctx, func(silent time.Duration) {
		log.Error("no message from the core; ending the stream", "silent", silent)
		_ = fail(protocolError(pb.ErrorKind_FATAL, "no message from the core for %s", silent.Round(time.Millisecond)), 0)
		cancel()
	})

	cfg, err := p.Config.Parse(start.Config)
	if err != nil {
		log.Error("bad task config", "error", err)
		return fail(errorProto(err, ""), 0)
	}
	tc := &sinkTaskContext{name: start.ConnectorName, id: int(start.TaskId)}
	if t := start.GetTrace(); t != nil {
		tc.trace = TraceContext{Traceparent: t.Traceparent, Tracestate: t.Tracestate}
	}
	task := p.Task()
	if err := call(func() error { return task.Start(tc, cfg) }); err != nil {
		log.Error("task Start failed", "error", err)
		return fail(errorProto(err, ""), 0)
	}
	inflight := p.MaxInflightPuts
	if inflight <= 0 {
		inflight = DefaultMaxInflightPuts
	}
	if err := out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_Started{Started: &pb.SinkStarted{MaxInflightPuts: uint32(inflight)}}}); err != nil {
		return nil
	}
	tc.live(out)
	log.Info("sink task started", "class", p.Class)
	w := &sinkWorker{log: log, out: out, task: task, tc: tc, tracer: s.tracer, assigned: map[TopicPartition]bool{}, awaiting: map[uint64]bool{}}
	w.parts, _ = task.(PartitionHandler)
	stopTimeout := defaultStopTimeout
	defer func() {
		withTimeout(stopTimeout, "task Stop", log, w.stop)
		log.Info("sink task stream ended")
		if w.tracer != nil {
			go w.tracer.forceFlush()
		}
	}()
	for {
		req, ok := work.pop(ctx)
		if !ok {
			return nil
		}
		if st := req.GetStop(); st != nil {
			if st.TimeoutMs > 0 {
				stopTimeout = time.Duration(st.TimeoutMs) * time.Millisecond
			}
			return nil
		}
		if e := w.handle(ctx, req); e != nil {
			w.sendPending()
			return fail(e.err, e.putID)
		}
	}
}

type sinkWorker struct {
	log      *slog.Logger
	out      *sender[*pb.SinkResponse]
	task     SinkTask
	parts    PartitionHandler
	tc       *sinkTaskContext
	tracer   *tracer // nil: tracing off
	decoder  recordDecoder
	assigned map[TopicPartition]bool
	// awaiting holds the put ids answered RETRIABLE and not yet delivered again; a later
	// Put is held back while one of them waits.
	awaiting map[uint64]bool
}

type sinkFailure struct {
	err   *pb.Error
	putID uint64
}

// sendPending sends the errant records and context requests made so far.
func (w *sinkWorker) sendPending() { w.tc.sendPending() }

// firstAwaiting is the lowest put id that awaits redelivery.
func (w *sinkWorker) firstAwaiting() (uint64, bool) {
	var first uint64
	found := false
	for id := range w.awaiting {
		if !found || id < first {
			first, found = id, true
		}
	}
	return first, found
}

func (w *sinkWorker) handle(ctx context.Context, req *pb.SinkRequest) *sinkFailure {
	switch m := req.Msg.(type) {
	case *pb.SinkRequest_Put:
		id := m.Put.PutId
		delete(w.awaiting, id) // a redelivery
		if first, ok := w.firstAwaiting(); ok && id > first {
			// Held back. Its records are still decoded for the schemas they define (a
			// redelivery may refer to them).
			for _, r := range m.Put.Records {
				if _, err := w.decoder.decode(r); err != nil {
					return &sinkFailure{err: protocolError(pb.ErrorKind_FATAL, "bad record from the core: %v", err)}
				}
			}
			w.awaiting[id] = true
			w.log.Debug("Put held back: an earlier Put awaits redelivery", "put", id, "awaits", first)
			w.sendPending()
			_ = w.out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_Error{Error: &pb.SinkError{
				Error: &pb.Error{Kind: pb.ErrorKind_RETRIABLE, Message: fmt.Sprintf("put %d held back: put %d awaits redelivery (order kept)", id, first)},
				PutId: id,
			}}})
			return nil
		}
		records := make([]*SinkRecord, 0, len(m.Put.Records))
		for _, r := range m.Put.Records {
			rec, err := w.decoder.decode(r)
			if err != nil {
				return &sinkFailure{err: protocolError(pb.ErrorKind_FATAL, "bad record from the core: %v", err)}
			}
			records = append(records, rec)
		}
		putCtx := ctx
		var pt *putTrace
		if w.tracer != nil {
			pt = w.tracer.put(ctx, w.tc.name, w.tc.id, m.Put.Trace, records)
			putCtx = pt.ctx
		}
		err := call(func() error { return w.task.Put(putCtx, records) })
		if pt != nil {
			pt.end(err)
		}
		w.sendPending()
		// Timeout(d) counts for this Put only, as in Kafka Connect.
		timeout := w.tc.retryTimeout.Swap(0)
		var re *RetriableError
		if errors.As(err, &re) {
			w.log.Warn("Put returned a retriable error; the core delivers the records again", "error", err)
			w.awaiting[id] = true
			e := errorProto(err, "Put")
			if e.RetryAfterMs == 0 && timeout > 0 {
				e.RetryAfterMs = uint32(min(timeout, int64(^uint32(0)>>1)))
			}
			_ = w.out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_Error{Error: &pb.SinkError{Error: e, PutId: id}}})
			return nil
		}
		if err != nil {
			w.log.Error("Put failed", "error", err)
			return &sinkFailure{err: errorProto(err, "Put")}
		}
		_ = w.out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_PutDone{PutDone: &pb.PutDone{PutId: id}}})
	case *pb.SinkRequest_Flush:
		offsets := make(map[TopicPartition]int64, len(m.Flush.Offsets))
		for _, o := range m.Flush.Offsets {
			offsets[TopicPartition{o.Topic, o.Partition}] = o.Offset
		}
		var durable map[TopicPartition]int64
		flushCtx := ctx
		var span trace.Span
		if w.tracer != nil {
			if span = w.tracer.flushSpan(w.tc.name, w.tc.id, m.Flush.Trace, len(offsets)); span != nil {
				flushCtx = trace.ContextWithSpan(ctx, span)
			}
		}
		err := call(func() (err error) { durable, err = w.task.Flush(flushCtx, offsets); return })
		if span != nil {
			endSpan(span, err)
		}
		w.sendPending()
		if err != nil {
			var ce *ConfigError
			var pe *panicError
			if errors.As(err, &ce) || errors.As(err, &pe) {
				w.log.Error("Flush failed", "error", err)
				return &sinkFailure{err: errorProto(err, "Flush")}
			}
			// A failed flush: nothing is committed, the core rewinds, the task goes on.
			w.log.Error("Flush failed; the core commits nothing and rewinds to the committed offsets", "error", err)
			e := errorProto(err, "Flush")
			e.Kind = pb.ErrorKind_RETRIABLE
			_ = w.out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_Flushed{Flushed: &pb.Flushed{FlushId: m.Flush.FlushId, Error: e}}})
			return nil
		}
		resp := &pb.Flushed{FlushId: m.Flush.FlushId}
		for _, tp := range sortedPartitions(durable) {
			resp.Offsets = append(resp.Offsets, &pb.TopicPartitionOffset{Topic: tp.Topic, Partition: tp.Partition, Offset: durable[tp]})
		}
		_ = w.out.Send(&pb.SinkResponse{Msg: &pb.SinkResponse_Flushed{Flushed: resp}})
	case *pb.SinkRequest_Open:
		parts := partitions(m.Open)
		for _, tp := range parts {
			w.assigned[tp] = true
		}
		if w.parts != nil {
			if err := call(func() error { return w.parts.Open(parts) }); err != nil {
				return &sinkFailure{err: errorProto(err, "Open")}
			}
		}
	case *pb.SinkRequest_Close:
		parts := partitions(m.Close)
		for _, tp := range parts {
			delete(w.assigned, tp)
		}
		if w.parts != nil {
			if err := call(func() error { return w.parts.Close(parts) }); err != nil {
				return &sinkFailure{err: errorProto(err, "Close")}
			}
		}
	case *pb.SinkRequest_Start:
		w.log.Warn("ignoring a second SinkStart on the same stream")
	}
	return nil
}

// stop closes the partitions still open, then stops the task.
func (w *sinkWorker) stop() error {
	if w.parts != nil && len(w.assigned) > 0 {
		var open []TopicPartition
		for tp := range w.assigned {
			open = append(open, tp)
		}
		sortTPs(open)
		if err := call(func() error { return w.parts.Close(open) }); err != nil {
			w.log.Error("task Close failed", "error", err)
		}
	}
	err := call(w.task.Stop)
	w.sendPending()
	return err
}

func partitions(p *pb.Partitions) []TopicPartition {
	out := make([]TopicPartition, 0, len(p.Partitions))
	for _, x := range p.Partitions {
		out = append(out, TopicPartition{x.Topic, x.Partition})
	}
	return out
}

func sortedPartitions(m map[TopicPartition]int64) []TopicPartition {
	out := make([]TopicPartition, 0, len(m))
	for tp := range m {
		out = append(out, tp)
	}
	sortTPs(out)
	return out
}

func sortTPs(tps []TopicPartition) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}
