package polyconnect

// The SourceTask.Run stream (lifecycle in connector.proto).
//
// Goroutines of one stream:
//   - the reader takes the core's messages: credits wake the pump, acks and commits queue
//     for the acker, Stop starts the drain;
//   - the pump calls Poll, numbers and encodes the records, and sends them in batches while
//     the grant lasts (records and encoded bytes) and each batch fits the negotiated message
//     size. It polls again once everything polled has gone out, so at most one poll's worth
//     waits for credit while several batches are in flight;
//   - the acker calls CommitRecord in seq order and Commit, one at a time.
//
// Staged stop: on Stop the poll's context is cancelled, the pump sends what the grant
// allows of the last poll and drops the rest (never acknowledged, so read again after a
// restart), and Drained{last_seq} goes out once the pump returned (or after half the stop
// timeout). The acker goes on until the core closes its side; then Stop and the end.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

var sourceHeartbeat = &pb.SourceResponse{Msg: &pb.SourceResponse_Heartbeat{Heartbeat: &pb.Heartbeat{}}}

const (
	frameOverhead     = 12 // SourceResponse{batch} and SourceBatch framing
	defaultRetryDelay = 500 * time.Millisecond
	quickPoll         = 5 * time.Millisecond
	maxEmptyWait      = 100 * time.Millisecond
)

type sourceService struct {
	pb.UnimplementedSourceTaskServer
	s *Server
}

func (x sourceService) Run(stream pb.SourceTask_RunServer) error { return x.s.runSource(stream) }

type encodedRecord struct {
	seq  uint64
	msg  *pb.SourceRecord
	size int
	rec  *SourceRecord
	src  *SourceRecord // connector-defined transactions: the record its requests name
}

type sourceSession struct {
	log         *slog.Logger
	out         *sender[*pb.SourceResponse]
	task        SourceTask
	recordAcks  RecordCommitter
	commits     Committer
	enc         recordEncoder
	tracer      *tracer // nil: tracing off
	connector   string
	taskID      int
	maxBytes    int
	nextSeq     uint64
	acks        *queue[any]
	ctx         context.Context
	pollCtx     context.Context
	pollCancel  context.CancelFunc
	done        chan struct{}
	finishOnce  sync.Once
	cancel      context.CancelFunc
	pumpDone    chan struct{}
	wake        chan struct{}
	mu          sync.Mutex // credit, stop state, inflight records
	credRecords int64
	credBytes   int64
	started     bool
	stopping    bool
	stopTimeout time.Duration
	inflight    map[uint64]*SourceRecord
	sendMu      sync.Mutex // batches and Drained, in order
	lastSentSeq uint64
	drained     bool
	txn         *txnContext // connector-defined transaction boundaries; nil otherwise
}

type sourceTaskContext struct {
	name    string
	id      int
	offsets map[string]map[string]any
	trace   TraceContext
	txn     *txnContext
}

// TransactionContext is nil unless the task runs exactly once with
// transaction.boundary=connector (Kafka Connect's SourceTaskContext.transactionContext()).
func (c *sourceTaskContext) TransactionContext() TransactionContext {
	if c.txn == nil {
		return nil
	}
	return c.txn
}

func (c *sourceTaskContext) ConnectorName() string { return c.name }
func (c *sourceTaskContext) TaskID() int           { return c.id }
func (c *sourceTaskContext) Trace() TraceContext   { return c.trace }
func (c *sourceTaskContext) Offset(partition map[string]any) map[string]any {
	return c.offsets[partitionKey(partition)]
}

func (s *Server) runSource(stream pb.SourceTask_RunServer) error {
	out := newSender(stream.Send, sourceHeartbeat)
	fail := func(e *pb.Error) error {
		_ = out.Send(&pb.SourceResponse{Msg: &pb.SourceResponse_Error{Error: e}})
		return nil
	}
	first, err := stream.Recv()
	if err != nil {
		return nil
	}
	start := first.GetStart()
	if start == nil {
		return fail(protocolError(pb.ErrorKind_FATAL, "the first message of a SourceTask stream must be SourceStart"))
	}
	if !slices.Contains(protocolVersions, start.ProtocolVersion) {
		return fail(protocolError(pb.ErrorKind_CONFIG, "protocol version %d is not supported by this connector process (go SDK speaks %v)", start.ProtocolVersion, protocolVersions))
	}
	isSink := false
	p, _ := s.find(start.ConnectorClass, &isSink).(*Source)
	if p == nil {
		return fail(protocolError(pb.ErrorKind_CONFIG, "this connector process does not serve a source connector named '%s' (it serves: %s)", start.ConnectorClass, s.names()))
	}
	out.configure(start.HeartbeatIntervalMs, start.IdleTimeoutMs)
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	ss := &sourceSession{
		log:         s.log.With("connector", start.ConnectorName, "task", start.TaskId),
		out:         out,
		maxBytes:    s.opts.MaxMessageBytes,
		acks:        newQueue[any](),
		ctx:         ctx,
		cancel:      cancel,
		done:        make(chan struct{}),
		pumpDone:    make(chan struct{}),
		wake:        make(chan struct{}, 1),
		stopTimeout: defaultStopTimeout,
		inflight:    map[uint64]*SourceRecord{},
		tracer:      s.tracer,
		connector:   start.ConnectorName,
		taskID:      int(start.TaskId),
	}
	ss.pollCtx, ss.pollCancel = context.WithCancel(ctx)
	if m := int(start.MaxMessageBytes); m > 0 && m < ss.maxBytes {
		ss.maxBytes = m
	}
	c := start.GetCapabilities()
	ss.enc.caps = caps{rawBytes: c.GetRawBytes(), schemaRefs: c.GetSchemaReferences(), trace: c.GetTraceContext()}
	ss.enc.schemas.refs = ss.enc.caps.schemaRefs
	tc := &sourceTaskContext{name: start.ConnectorName, id: int(start.TaskId), offsets: map[string]map[string]any{}}
	if start.TransactionContext {
		ss.txn = newTxnContext()
		tc.txn = ss.txn
	}
	for _, o := range start.Offsets {
		if part := mapFromValue(o.Partition); part != nil && o.Offset != nil {
			tc.offsets[partitionKey(part)] = mapFromValue(o.Offset)
		}
	}
	if t := start.GetTrace(); t != nil {
		tc.trace = TraceContext{Traceparent: t.Traceparent, Tracestate: t.Tracestate}
	}

	go ss.read(stream)
	go out.liveness(ctx, func(silent time.Duration) {
		ss.log.Error("no message from the core; ending the stream", "silent", silent)
		ss.fail(protocolError(pb.ErrorKind_FATAL, "no message from the core for %s", silent.Round(time.Millisecond)))
	})

	cfg, err := p.Config.Parse(start.Config)
	if err != nil {
		ss.log.Error("bad task config", "error", err)
		return fail(errorProto(err, ""))
	}
	ss.task = p.Task()
	ss.recordAcks, _ = ss.task.(RecordCommitter)
	ss.commits, _ = ss.task.(Committer)
	if err := call(func() error { return ss.task.Start(tc, cfg) }); err != nil {
		ss.log.Error("task Start failed", "error", err)
		return fail(errorProto(err, ""))
	}
	defer func() {
		ss.mu.Lock()
		timeout := ss.stopTimeout
		ss.mu.Unlock()
		withTimeout(timeout, "task Stop", ss.log, ss.task.Stop)
		ss.log.Info("source task stream ended")
		if ss.tracer != nil {
			go ss.tracer.forceFlush()
		}
	}()
	select {
	case <-ss.done: // failed or went idle during Start
		return nil
	default:
	}
	if err := out.Send(&pb.SourceResponse{Msg: &pb.SourceResponse_Started{Started: &pb.Started{}}}); err != nil {
		return nil
	}
	ss.log.Info("source task started", "class", p.Class)
	go ss.ackLoop()
	ss.mu.Lock()
	ss.started = true
	stopping := ss.stopping
	ss.mu.Unlock()
	if stopping {
		close(ss.pumpDone)
		go ss.drain()
	} else {
		go ss.pump()
	}
	<-ss.done
	return nil
}

func (ss *sourceSession) finish() {
	ss.finishOnce.Do(func() {
		close(ss.done)
		ss.cancel()
	})
}

func (ss *sourceSession) fail(e *pb.Error) {
	_ = ss.out.Send(&pb.SourceResponse{Msg: &pb.SourceResponse_Error{Error: e}})
	ss.finish()
}

func (ss *sourceSession) signal() {
	select {
	case ss.wake <- struct{}{}:
	default:
	}
}

func (ss *sourceSession) read(stream pb.SourceTask_RunServer) {
	for {
		m, err := stream.Recv()
		if err != nil {
			if err != io.EOF {
				ss.log.Debug("source stream read ended", "error", err)
			}
			// The core closed its side: no more acks will come.
			ss.beginStop(0)
			ss.acks.close()
			return
		}
		ss.out.received()
		switch x := m.Msg.(type) {
		case *pb.SourceRequest_Credit:
			ss.mu.Lock()
			ss.credRecords += int64(x.Credit.Records)
			ss.credBytes += int64(x.Credit.Bytes)
			ss.mu.Unlock()
			ss.signal()
		case *pb.SourceRequest_CommitRecords:
			ss.acks.push(x.CommitRecords)
		case *pb.SourceRequest_Commit:
			ss.acks.push(x.Commit.UpToSeq)
		case *pb.SourceRequest_Stop:
			ss.beginStop(x.Stop.TimeoutMs)
		case *pb.SourceRequest_Start:
			ss.log.Warn("ignoring a second SourceStart on the same stream")
		}
	}
}

func (ss *sourceSession) isStopping() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.stopping
}

func (ss *sourceSession) beginStop(timeoutMs uint32) {
	ss.mu.Lock()
	if ss.stopping {
		ss.mu.Unlock()
		return
	}
	ss.stopping = true
	if timeoutMs > 0 {
		ss.stopTimeout = time.Duration(timeoutMs) * time.Millisecond
	}
	started := ss.started
	ss.mu.Unlock()
	ss.pollCancel()
	ss.signal()
	if started {
		go ss.drain()
	}
}

// drain waits for the pump (at most half the stop timeout), then sends Drained.
func (ss *sourceSession) drain() {
	ss.mu.Lock()
	timeout := ss.stopTimeout
	ss.mu.Unlock()
	select {
	case <-ss.pumpDone:
	case <-time.After(timeout / 2):
		ss.log.Warn("Poll did not return in time after Stop; its records are not sent", "waited", timeout/2)
	case <-ss.done:
		return
	}
	ss.sendMu.Lock()
	ss.drained = true
	last := ss.lastSentSeq
	err := ss.out.Send(&pb.SourceResponse{Msg: &pb.SourceResponse_Drained{Drained: &pb.Drained{LastSeq: last}}})
	ss.sendMu.Unlock()
	if err != nil {
		ss.finish()
		return
	}
	ss.log.Info("drained", "last_seq", last)
	// The core sends the final acks and commit, then closes its side within its stop
	// timeout; past that (and a margin) it has given up on a clean stop.
	select {
	case <-ss.done:
	case <-time.After(timeout + time.Second):
		ss.log.Warn("the core did not close the stream after Drained; stopping")
		ss.finish()
	}
}

func (ss *sourceSession) pump() {
	defer close(ss.pumpDone)
	empty := 0
	for !ss.isStopping() {
		began := time.Now()
		var recs []*SourceRecord
		err := call(func() (err error) { recs, err = ss.task.Poll(ss.pollCtx); return })
		if err != nil {
			if ss.isStopping() {
				ss.log.Warn("Poll failed while stopping", "error", err)
				return
			}
			var re *RetriableError
			if errors.As(err, &re) {
				delay := re.RetryAfter
				if delay <= 0 {
					delay = defaultRetryDelay
				}
				ss.log.Warn("Poll returned a retriable error; polling again", "after", delay, "error", err)
				if ss.out.Send(&pb.SourceResponse{Msg: &pb.SourceResponse_Error{Error: errorProto(err, "Poll")}}) != nil {
					ss.finish()
					return
				}
				sleep(ss.pollCtx, delay)
				continue
			}
			ss.log.Error("Poll failed", "error", err)
			ss.fail(errorProto(err, "Poll"))
			return
		}
		if len(recs) == 0 {
			if time.Since(began) < quickPoll {
				// Nothing, at once: back off (1 ms doubling up to 100 ms) instead of spinning.
				empty++
				sleep(ss.pollCtx, min(time.Millisecond<<min(empty, 7), maxEmptyWait))
			} else {
				empty = 0
			}
			continue
		}
		empty = 0
		pending, batchTrace, err := ss.encode(recs, began)
		if err != nil {
			ss.log.Error("cannot encode a polled record", "error", err)
			ss.fail(errorProto(err, "Poll"))
			return
		}
		for len(pending) > 0 {
			n, ok := ss.sendAvailable(pending, batchTrace)
			if !ok {
				return
			}
			pending = pending[n:]
			if len(pending) == 0 {
				break
			}
			if n == 0 {
				if ss.isStopping() {
					ss.log.Info("dropping polled records that had no credit left at stop; they are read again after a restart", "records", len(pending))
					return
				}
				select {
				case <-ss.wake:
				case <-ss.done:
					return
				}
			}
		}
	}
}

// encode numbers and encodes the records of a poll that began at began; with tracing on,
// it also makes the poll's spans and returns the batch's trace context (SourceBatch.trace).
func (ss *sourceSession) encode(recs []*SourceRecord, began time.Time) ([]encodedRecord, *pb.TraceContext, error) {
	out := make([]encodedRecord, 0, len(recs))
	var pt *pollTrace
	if ss.tracer != nil {
		pt = ss.tracer.poll(ss.connector, ss.taskID, began)
		defer func() { pt.end(len(out)) }()
	}
	seq := ss.nextSeq
	for _, r := range recs {
		if r == nil {
			continue
		}
		seq++
		m, err := ss.enc.encode(r, seq)
		if err != nil {
			return nil, nil, err
		}
		// Unsampled polls cost one test per record: only a record with a context of its
		// own (the source system's) may still need a span.
		if pt != nil && (pt.sampled || !r.Trace.IsZero()) {
			if tc, ok := pt.record(r); ok && ss.enc.caps.trace {
				m.Trace = protoTrace(tc)
			}
		}
		size := proto.Size(m)
		if size+frameOverhead > ss.maxBytes {
			return nil, nil, ConfigErrorf("a record of %d bytes (topic %s) does not fit in the negotiated maximum message size of %d bytes", size, r.Topic, ss.maxBytes)
		}
		e := encodedRecord{seq: seq, msg: m, size: size}
		if ss.recordAcks != nil {
			e.rec = r
		}
		if ss.txn != nil {
			e.src = r
		}
		out = append(out, e)
	}
	if ss.txn != nil {
		if err := ss.txn.actions(out); err != nil {
			return nil, nil, err
		}
	}
	ss.nextSeq = seq
	if pt != nil {
		return out, pt.batchTrace(), nil
	}
	return out, nil, nil
}

// sendAvailable sends batches of pending while the grant lasts; it returns how many
// records went out, and false when the stream is over (drained or broken). trace: the
// poll's context, for each batch (nil when tracing is off).
func (ss *sourceSession) sendAvailable(pending []encodedRecord, trace *pb.TraceContext) (int, bool) {
	ss.sendMu.Lock()
	defer ss.sendMu.Unlock()
	if ss.drained {
		return 0, false
	}
	sent := 0
	for sent < len(pending) {
		ss.mu.Lock()
		credRecords, credBytes := ss.credRecords, ss.credBytes
		ss.mu.Unlock()
		var count, bytes, frame int
		for _, e := range pending[sent:] {
			if int64(count) >= credRecords || int64(bytes+e.size) > credBytes {
				break
			}
			framed := 1 + protowire.SizeVarint(uint64(e.size)) + e.size
			if count > 0 && frame+framed > ss.maxBytes-frameOverhead {
				break
			}
			count++
			bytes += e.size
			frame += framed
		}
		if count == 0 {
			break
		}
		batch := pending[sent : sent+count]
		msgs := make([]*pb.SourceRecord, count)
		ss.mu.Lock()
		ss.credRecords -= int64(count)
		ss.credBytes -= int64(bytes)
		for i, e := range batch {
			msgs[i] = e.msg
			if e.rec != nil {
				ss.inflight[e.seq] = e.rec
			}
		}
		ss.mu.Unlock()
		resp := &pb.SourceResponse{Msg: &pb.SourceResponse_Batch{Batch: &pb.SourceBatch{Records: msgs, Trace: trace}}}
		if err := ss.out.Send(resp); err != nil {
			ss.finish()
			return sent, false
		}
		ss.lastSentSeq = batch[count-1].seq
		sent += count
	}
	return sent, true
}

func (ss *sourceSession) ackLoop() {
	var acked, committed uint64
	for {
		item, ok := ss.acks.pop(ss.ctx)
		if !ok {
			break
		}
		switch x := item.(type) {
		case uint64:
			if x > committed {
				committed = x
				if ss.commits != nil {
					if err := call(ss.commits.Commit); err != nil {
						ss.log.Error("task Commit failed", "error", err)
					}
				}
			}
		case *pb.CommitRecords:
			for _, a := range x.Acks {
				if a.Seq <= acked {
					continue // already seen: acks are idempotent
				}
				acked = a.Seq
				if ss.recordAcks == nil {
					continue
				}
				ss.mu.Lock()
				rec := ss.inflight[a.Seq]
				delete(ss.inflight, a.Seq)
				ss.mu.Unlock()
				if rec == nil {
					continue
				}
				var md *RecordMetadata
				if !a.Filtered {
					md = &RecordMetadata{Topic: a.Topic, Partition: a.Partition, Offset: a.Offset}
				}
				if err := call(func() error { return ss.recordAcks.CommitRecord(rec, md) }); err != nil {
					ss.log.Error("task CommitRecord failed", "error", err)
				}
			}
		}
	}
	ss.finish()
}
