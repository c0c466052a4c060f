package polyconnect

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"google.golang.org/protobuf/proto"
)

func TestSourceNeverSendsPastItsCreditAndAcksInOrder(t *testing.T) {
	task := newCounter(10, 10)
	c := startCore(t, counterSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Counter", ConnectorName: "c1"})
	if m := recv(t, s.Recv); m.GetStarted() == nil {
		t.Fatalf("want Started, got %v", m)
	}
	// The sizes the core counts: the encoded SourceRecord messages.
	enc := recordEncoder{caps: caps{rawBytes: true, schemaRefs: true, trace: true}, schemas: schemaWriter{refs: true}}
	probe := newCounter(3, 3)
	recs, _ := probe.Poll(context.Background())
	var sizes []int
	for i, r := range recs {
		m, _ := enc.encode(r, uint64(i+1))
		sizes = append(sizes, proto.Size(m))
	}
	// Byte credit for two records (plus one byte): a batch of two.
	s.Send(credit(3, 1))
	s.Send(credit(0, uint64(sizes[0]+sizes[1])))
	b := recv(t, s.Recv).GetBatch()
	if len(b.GetRecords()) != 2 || b.Records[0].Seq != 1 || b.Records[1].Seq != 2 {
		t.Fatalf("want seq 1 and 2 within the byte credit, got %v", b)
	}
	if b.Records[0].Value.GetStructured().Value.GetInt64() != 1 {
		t.Fatalf("value: %v", b.Records[0])
	}
	// The schema is defined once, then referenced.
	first, later := b.Records[0].Value.GetStructured().Schema, b.Records[1].Value.GetStructured().Schema
	if first.GetId() == 0 || first.GetType() != pb.SchemaType_INT64 || later.GetRef() != first.GetId() {
		t.Fatalf("schema references: %v then %v", first, later)
	}
	// One record of credit left: a batch of one, whatever the bytes.
	s.Send(credit(0, uint64(sizes[2])+1<<20))
	b = recv(t, s.Recv).GetBatch()
	if len(b.GetRecords()) != 1 || b.Records[0].Seq != 3 {
		t.Fatalf("want seq 3 alone within the record credit, got %v", b)
	}
	s.Send(credit(7, 0))
	b = recv(t, s.Recv).GetBatch()
	if len(b.GetRecords()) != 7 || b.Records[6].Seq != 10 {
		t.Fatalf("want the last seven, got %v", b)
	}
	// Acks: CommitRecord once per record, in order, even when an ack is repeated.
	acks := &pb.CommitRecords{}
	for seq := uint64(1); seq <= 10; seq++ {
		acks.Acks = append(acks.Acks, &pb.RecordAck{Seq: seq, Topic: "t", Partition: 0, Offset: int64(seq * 10)})
	}
	acks.Acks = append(acks.Acks, acks.Acks[2])
	s.Send(&pb.SourceRequest{Msg: &pb.SourceRequest_CommitRecords{CommitRecords: acks}})
	for seq := int64(1); seq <= 10; seq++ {
		select {
		case md := <-task.committed:
			if md.Offset != seq*10 {
				t.Fatalf("CommitRecord out of order: %v, want offset %d", md, seq*10)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("CommitRecord not called")
		}
	}
	s.Send(&pb.SourceRequest{Msg: &pb.SourceRequest_Commit{Commit: &pb.Commit{UpToSeq: 10}}})
	select {
	case <-task.commits:
	case <-time.After(5 * time.Second):
		t.Fatal("Commit not called")
	}
	// Staged stop: Drained with the last seq, then Stop once the core closes its side.
	s.Send(&pb.SourceRequest{Msg: &pb.SourceRequest_Stop{Stop: &pb.Stop{TimeoutMs: 2000}}})
	if d := recv(t, s.Recv).GetDrained(); d == nil || d.LastSeq != 10 {
		t.Fatalf("want Drained{10}, got %v", d)
	}
	s.CloseSend()
	waitClosed(t, task.stopped, "task Stop")
	if len(task.committed) != 0 {
		t.Fatal("a repeated ack called CommitRecord again")
	}
}

func TestSourceStartOffsetsReachTheTask(t *testing.T) {
	task := newCounter(0, 1)
	c := startCore(t, counterSource(task))
	part, _ := encodeAny(map[string]any{"counter": "c"})
	off, _ := encodeAny(map[string]any{"n": int64(42)})
	s := c.source(&pb.SourceStart{ConnectorClass: "com.example.CounterConnector", Offsets: []*pb.SourceOffset{{Partition: part, Offset: off}}})
	if recv(t, s.Recv).GetStarted() == nil {
		t.Fatal("not started")
	}
	if got := task.startOffset["n"]; got != int64(42) {
		t.Fatalf("offset seen by the task: %v", task.startOffset)
	}
}

func TestSourcePanicBecomesAFatalErrorWithItsStack(t *testing.T) {
	task := newCounter(10, 1)
	task.poll = func(int) error { panic("boom") }
	c := startCore(t, counterSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Counter"})
	recv(t, s.Recv)
	s.Send(credit(10, 1<<20))
	e := recv(t, s.Recv).GetError()
	if e.GetKind() != pb.ErrorKind_FATAL || e.ErrorClass != "panic" || !strings.Contains(e.Message, "boom") ||
		!strings.Contains(e.Detail, "counterTask).Poll") {
		t.Fatalf("want a FATAL panic error with the stack, got %v", e)
	}
	waitClosed(t, task.stopped, "task Stop")
}

func TestSourceRetriableErrorIsReportedAndPolledAgain(t *testing.T) {
	task := newCounter(1, 1)
	calls := 0
	task.poll = func(int) error {
		calls++
		if calls == 1 {
			return Retriable(errors.New("upstream busy"), 30*time.Millisecond)
		}
		return nil
	}
	c := startCore(t, counterSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Counter"})
	recv(t, s.Recv)
	s.Send(credit(10, 1<<20))
	e := recv(t, s.Recv).GetError()
	if e.GetKind() != pb.ErrorKind_RETRIABLE || e.RetryAfterMs != 30 || !strings.Contains(e.Message, "upstream busy") {
		t.Fatalf("want RETRIABLE with retry_after_ms 30, got %v", e)
	}
	if b := recv(t, s.Recv).GetBatch(); len(b.GetRecords()) != 1 {
		t.Fatalf("want the record after the retry, got %v", b)
	}
}

func TestSourceConfigErrorsAreTyped(t *testing.T) {
	src := counterSource(newCounter(1, 1))
	src.Config = NewConfigDef(ConfigKey{Name: "count", Type: TypeInt, Required: true})
	c := startCore(t, src)
	s := c.source(&pb.SourceStart{ConnectorClass: "Counter", Config: map[string]string{"count": "many"}})
	e := recv(t, s.Recv).GetError()
	if e.GetKind() != pb.ErrorKind_CONFIG || !strings.Contains(e.Message, "Invalid value many for configuration count") {
		t.Fatalf("want a CONFIG error naming the key, got %v", e)
	}
	s2 := c.source(&pb.SourceStart{ConnectorClass: "Counter", ProtocolVersion: 7})
	if e := recv(t, s2.Recv).GetError(); e.GetKind() != pb.ErrorKind_CONFIG || !strings.Contains(e.Message, "protocol version 7") {
		t.Fatalf("want a CONFIG error for the version, got %v", e)
	}
}

func TestSourceHeartbeatsAndIdleTimeout(t *testing.T) {
	task := newCounter(0, 1)
	c := startCore(t, counterSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Counter", HeartbeatIntervalMs: 40, IdleTimeoutMs: 400})
	recv(t, s.Recv) // Started
	heartbeats := 0
	for {
		m, err := s.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if m.GetHeartbeat() != nil {
			heartbeats++
			continue
		}
		if e := m.GetError(); e.GetKind() != pb.ErrorKind_FATAL || !strings.Contains(e.Message, "no message from the core") {
			t.Fatalf("want an idle-timeout error, got %v", m)
		}
		break
	}
	if heartbeats < 2 {
		t.Fatalf("only %d heartbeats while idle", heartbeats)
	}
	waitClosed(t, task.stopped, "task Stop")
}

func TestSourceTraceContextPassesThrough(t *testing.T) {
	src := &Source{Class: "Traced", Task: func() SourceTask { return &tracedTask{} }}
	c := startCore(t, src)
	s := c.source(&pb.SourceStart{ConnectorClass: "Traced", Trace: &pb.TraceContext{Traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}})
	recv(t, s.Recv)
	s.Send(credit(10, 1<<20))
	r := recv(t, s.Recv).GetBatch().GetRecords()[0]
	if r.Trace.GetTraceparent() != "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" || r.Value.GetRaw() == nil {
		t.Fatalf("trace context or raw value lost: %v", r)
	}
}

type tracedTask struct {
	tc   SourceTaskContext
	done bool
}

func (t *tracedTask) Start(tc SourceTaskContext, _ Config) error { t.tc = tc; return nil }
func (t *tracedTask) Stop() error                                { return nil }
func (t *tracedTask) Poll(ctx context.Context) ([]*SourceRecord, error) {
	if t.done {
		<-ctx.Done()
		return nil, nil
	}
	t.done = true
	return []*SourceRecord{{Topic: "t", Value: RawBytes("raw"), Trace: t.tc.Trace()}}, nil
}
