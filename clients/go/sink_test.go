package polyconnect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

type memSink struct {
	got      []string
	failOnce bool
	opened   []TopicPartition
	closed   []TopicPartition
	tc       SinkTaskContext
	stopped  chan struct{}
}

func (m *memSink) Start(tc SinkTaskContext, _ Config) error { m.tc = tc; return nil }
func (m *memSink) Put(_ context.Context, records []*SinkRecord) error {
	if m.failOnce {
		m.failOnce = false
		return Retriable(errors.New("destination busy"), 0)
	}
	for _, r := range records {
		if r.Value == nil {
			m.tc.ReportErrant(r, errors.New("empty value"))
			continue
		}
		m.got = append(m.got, fmt.Sprintf("%s/%d/%d=%v", r.Topic, r.KafkaPartition, r.KafkaOffset, r.Value))
	}
	return nil
}
func (m *memSink) Flush(_ context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error) {
	// Only partition 0 is durable.
	out := map[TopicPartition]int64{}
	for tp, o := range offsets {
		if tp.Partition == 0 {
			out[tp] = o
		}
	}
	return out, nil
}
func (m *memSink) Open(p []TopicPartition) error  { m.opened = append(m.opened, p...); return nil }
func (m *memSink) Close(p []TopicPartition) error { m.closed = append(m.closed, p...); return nil }
func (m *memSink) Stop() error                    { close(m.stopped); return nil }

func sinkRecord(offset int64, value *pb.Value, schema *pb.Schema) *pb.SinkRecord {
	return &pb.SinkRecord{Topic: "t", KafkaPartition: 0, KafkaOffset: offset,
		Value: &pb.RecordData{Kind: &pb.RecordData_Structured{Structured: &pb.Structured{Schema: schema, Value: value}}}}
}

func TestSinkPutFlushErrantAndStop(t *testing.T) {
	task := &memSink{failOnce: true, stopped: make(chan struct{})}
	c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return task }, MaxInflightPuts: 2})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
	if st := recv(t, s.Recv).GetStarted(); st.GetMaxInflightPuts() != 2 {
		t.Fatalf("want SinkStarted{2}, got %v", st)
	}
	tps := &pb.Partitions{Partitions: []*pb.TopicPartition{{Topic: "t", Partition: 0}, {Topic: "t", Partition: 1}}}
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Open{Open: tps}})
	str := func(v string) *pb.Value { return &pb.Value{Kind: &pb.Value_String_{String_: v}} }
	put := &pb.Put{PutId: 1, Records: []*pb.SinkRecord{
		sinkRecord(5, str("a"), &pb.Schema{Type: pb.SchemaType_STRING, Optional: true, Id: 1}),
		sinkRecord(6, nullValue, &pb.Schema{Ref: 1}),
		sinkRecord(7, str("c"), &pb.Schema{Ref: 1}),
	}}
	// The first Put fails with a retriable error: the core delivers it again.
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Put{Put: put}})
	if e := recv(t, s.Recv).GetError(); e.GetPutId() != 1 || e.Error.Kind != pb.ErrorKind_RETRIABLE {
		t.Fatalf("want a RETRIABLE SinkError for put 1, got %v", e)
	}
	// The schema defined by the first delivery is known; the second delivery refers to it.
	put.Records[0].Value.GetStructured().Schema = &pb.Schema{Ref: 1}
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Put{Put: put}})
	errant := recv(t, s.Recv).GetErrant()
	if errant.GetKafkaOffset() != 6 || errant.Error.Kind != pb.ErrorKind_RECORD || !strings.Contains(errant.Error.Message, "empty value") {
		t.Fatalf("want the errant record at offset 6, got %v", errant)
	}
	if d := recv(t, s.Recv).GetPutDone(); d.GetPutId() != 1 {
		t.Fatalf("want PutDone{1}, got %v", d)
	}
	if strings.Join(task.got, ",") != "t/0/5=a,t/0/7=c" {
		t.Fatalf("records put: %v", task.got)
	}
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Flush{Flush: &pb.Flush{FlushId: 9, Offsets: []*pb.TopicPartitionOffset{{Topic: "t", Partition: 0, Offset: 8}, {Topic: "t", Partition: 1, Offset: 3}}}}})
	f := recv(t, s.Recv).GetFlushed()
	if f.GetFlushId() != 9 || len(f.Offsets) != 1 || f.Offsets[0].Partition != 0 || f.Offsets[0].Offset != 8 {
		t.Fatalf("want Flushed{9, t-0: 8} (only what the task made durable), got %v", f)
	}
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Stop{Stop: &pb.Stop{TimeoutMs: 1000}}})
	waitClosed(t, task.stopped, "task Stop")
	if len(task.opened) != 2 || len(task.closed) != 2 {
		t.Fatalf("open %v, close %v: Stop closes the open partitions", task.opened, task.closed)
	}
}

func TestSinkUnknownSchemaReferenceFailsTheTask(t *testing.T) {
	task := &memSink{stopped: make(chan struct{})}
	c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
	recv(t, s.Recv)
	s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Put{Put: &pb.Put{PutId: 1, Records: []*pb.SinkRecord{sinkRecord(1, nullValue, &pb.Schema{Ref: 4})}}}})
	if e := recv(t, s.Recv).GetError(); e.GetError().GetKind() != pb.ErrorKind_FATAL || !strings.Contains(e.Error.Message, "schema reference 4") {
		t.Fatalf("want a FATAL error naming the reference, got %v", e)
	}
}

// flakySink fails its first Flush with flushErr (or panics when flushPanic is set).
type flakySink struct {
	memSink
	flushErr   error
	flushPanic bool
	flushes    int
}

func (f *flakySink) Flush(ctx context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error) {
	f.flushes++
	if f.flushes == 1 {
		if f.flushPanic {
			panic("flush blew up")
		}
		if f.flushErr != nil {
			return nil, f.flushErr
		}
	}
	return f.memSink.Flush(ctx, offsets)
}

func flushReq(id uint64, offset int64) *pb.SinkRequest {
	return &pb.SinkRequest{Msg: &pb.SinkRequest_Flush{Flush: &pb.Flush{FlushId: id, Offsets: []*pb.TopicPartitionOffset{{Topic: "t", Partition: 0, Offset: offset}}}}}
}

func putReq(id uint64, offsets ...int64) *pb.SinkRequest {
	put := &pb.Put{PutId: id}
	for _, o := range offsets {
		put.Records = append(put.Records, sinkRecord(o, &pb.Value{Kind: &pb.Value_String_{String_: "v"}}, &pb.Schema{Type: pb.SchemaType_STRING}))
	}
	return &pb.SinkRequest{Msg: &pb.SinkRequest_Put{Put: put}}
}

func TestSinkFailedFlushAnswersFlushedWithTheErrorAndGoesOn(t *testing.T) {
	task := &flakySink{memSink: memSink{stopped: make(chan struct{})}, flushErr: errors.New("disk full")}
	c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
	recv(t, s.Recv)
	s.Send(putReq(1, 0))
	if d := recv(t, s.Recv).GetPutDone(); d.GetPutId() != 1 {
		t.Fatalf("want PutDone{1}, got %v", d)
	}
	s.Send(flushReq(1, 1))
	f := recv(t, s.Recv).GetFlushed()
	if f.GetFlushId() != 1 || len(f.Offsets) != 0 || f.GetError() == nil {
		t.Fatalf("want a failed Flushed{1} without offsets, got %v", f)
	}
	if e := f.Error; e.Kind != pb.ErrorKind_RETRIABLE || !strings.Contains(e.Message, "disk full") || e.ErrorClass != "*errors.errorString" || e.Detail == "" {
		t.Fatalf("the failed flush's error: %v", e)
	}
	// The stream goes on: the core rewinds and puts the records again.
	s.Send(putReq(2, 0))
	if d := recv(t, s.Recv).GetPutDone(); d.GetPutId() != 2 {
		t.Fatalf("want PutDone{2} after the failed flush, got %v", d)
	}
	s.Send(flushReq(2, 1))
	if f := recv(t, s.Recv).GetFlushed(); f.GetFlushId() != 2 || f.GetError() != nil || len(f.Offsets) != 1 || f.Offsets[0].Offset != 1 {
		t.Fatalf("want Flushed{2, t-0: 1}, got %v", f)
	}
	select {
	case <-task.stopped:
		t.Fatal("a failed flush does not stop the task")
	default:
	}
}

func TestSinkConfigErrorOrPanicFromFlushFailsTheTask(t *testing.T) {
	for _, tc := range []struct {
		name string
		task *flakySink
		kind pb.ErrorKind
	}{
		{"config", &flakySink{flushErr: ConfigErrorf("bad 'path'")}, pb.ErrorKind_CONFIG},
		{"panic", &flakySink{flushPanic: true}, pb.ErrorKind_FATAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.task.stopped = make(chan struct{})
			c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return tc.task }})
			s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
			recv(t, s.Recv)
			s.Send(flushReq(1, 1))
			if e := recv(t, s.Recv).GetError(); e.GetError().GetKind() != tc.kind {
				t.Fatalf("want a %v SinkError, got %v", tc.kind, e)
			}
			waitClosed(t, tc.task.stopped, "task Stop")
		})
	}
}

// contextSink makes context requests from Start and Put.
type contextSink struct {
	memSink
	put func(tc SinkTaskContext, records []*SinkRecord)
}

func (c *contextSink) Start(tc SinkTaskContext, _ Config) error {
	c.tc = tc
	tc.RequestCommit() // held until SinkStarted is out
	return nil
}

func (c *contextSink) Put(_ context.Context, records []*SinkRecord) error {
	c.put(c.tc, records)
	return nil
}

// describe names a SinkResponse for order checks.
func describe(m *pb.SinkResponse) string {
	switch x := m.Msg.(type) {
	case *pb.SinkResponse_Context:
		var b strings.Builder
		b.WriteString("context")
		for _, o := range x.Context.Offsets {
			fmt.Fprintf(&b, " offset %s-%d=%d", o.Topic, o.Partition, o.Offset)
		}
		for _, p := range x.Context.Pause {
			fmt.Fprintf(&b, " pause %s-%d", p.Topic, p.Partition)
		}
		for _, p := range x.Context.Resume {
			fmt.Fprintf(&b, " resume %s-%d", p.Topic, p.Partition)
		}
		if x.Context.RequestCommit {
			b.WriteString(" commit")
		}
		return b.String()
	case *pb.SinkResponse_PutDone:
		return fmt.Sprintf("putdone %d", x.PutDone.PutId)
	case *pb.SinkResponse_Errant:
		return fmt.Sprintf("errant %d", x.Errant.KafkaOffset)
	case *pb.SinkResponse_Started:
		return "started"
	}
	return fmt.Sprintf("%T", m.Msg)
}

func TestSinkContextRequestsGoOutInOrderBeforePutDone(t *testing.T) {
	task := &contextSink{memSink: memSink{stopped: make(chan struct{})}, put: func(tc SinkTaskContext, records []*SinkRecord) {
		tc.Offsets(map[TopicPartition]int64{{"t", 1}: 7, {"t", 0}: 5})
		tc.ReportErrant(records[0], errors.New("bad"))
		tc.Offset(TopicPartition{"t", 2}, 9)
		tc.Pause(TopicPartition{"t", 0}, TopicPartition{"u", 3})
		tc.Resume(TopicPartition{"u", 3})
		tc.RequestCommit()
		tc.Pause() // nothing to pause: nothing sent
		tc.Offsets(nil)
	}}
	c := startCore(t, &Sink{Class: "Ctx", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Ctx"})
	var got []string
	for len(got) < 2 {
		got = append(got, describe(recv(t, s.Recv)))
	}
	s.Send(putReq(1, 4))
	for got[len(got)-1] != "putdone 1" {
		got = append(got, describe(recv(t, s.Recv)))
	}
	want := []string{
		"started",
		"context commit", // from Start, after SinkStarted
		"context offset t-0=5 offset t-1=7",
		"errant 4",
		"context offset t-2=9",
		"context pause t-0 pause u-3",
		"context resume u-3",
		"context commit",
		"putdone 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSinkContextRequestsAreSentAtOnce(t *testing.T) {
	release := make(chan struct{})
	task := &contextSink{memSink: memSink{stopped: make(chan struct{})}, put: func(tc SinkTaskContext, _ []*SinkRecord) {
		tc.Offset(TopicPartition{"t", 0}, 0)
		<-release
	}}
	c := startCore(t, &Sink{Class: "Ctx", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Ctx"})
	recv(t, s.Recv) // started
	recv(t, s.Recv) // the commit request from Start
	s.Send(putReq(1, 0))
	// Sent while Put still runs, not held until it returns.
	if m := describe(recv(t, s.Recv)); m != "context offset t-0=0" {
		t.Fatalf("want the offset request during Put, got %s", m)
	}
	// From another goroutine, between Puts.
	go task.tc.Resume(TopicPartition{"t", 0})
	if m := describe(recv(t, s.Recv)); m != "context resume t-0" {
		t.Fatalf("want the resume request, got %s", m)
	}
	close(release)
	if m := describe(recv(t, s.Recv)); m != "putdone 1" {
		t.Fatalf("want PutDone{1}, got %s", m)
	}
}

// countingSink counts the calls of Put (a held-back Put never reaches it).
type countingSink struct {
	memSink
	puts int
}

func (c *countingSink) Put(ctx context.Context, records []*SinkRecord) error {
	c.puts++
	return c.memSink.Put(ctx, records)
}

func TestSinkPutsAfterARetriableOneAreHeldBackUntilRedelivered(t *testing.T) {
	task := &countingSink{memSink: memSink{failOnce: true, stopped: make(chan struct{})}}
	c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return task }})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
	if st := recv(t, s.Recv).GetStarted(); st.GetMaxInflightPuts() != DefaultMaxInflightPuts || DefaultMaxInflightPuts != 4 {
		t.Fatalf("want SinkStarted{4} by default, got %v", st)
	}
	// Three Puts in flight; the first fails with a retriable error. A schema is defined by a
	// held-back Put: its redelivery may refer to it.
	for id := uint64(1); id <= 3; id++ {
		p := putReq(id, int64(id-1))
		if id == 2 {
			p.GetPut().Records[0].Value.GetStructured().Schema.Id = 5
		}
		s.Send(p)
	}
	for id := uint64(1); id <= 3; id++ {
		e := recv(t, s.Recv).GetError()
		if e.GetPutId() != id || e.GetError().GetKind() != pb.ErrorKind_RETRIABLE {
			t.Fatalf("want a RETRIABLE SinkError for put %d, got %v", id, e)
		}
		if id > 1 && (e.Error.RetryAfterMs != 0 || !strings.Contains(e.Error.Message, fmt.Sprintf("put %d held back: put 1 awaits redelivery", id))) {
			t.Fatalf("want put %d held back, got %v", id, e)
		}
	}
	if task.puts != 1 {
		t.Fatalf("held-back Puts reached the task: %d calls of Put", task.puts)
	}
	// The core delivers the three again, in order.
	for id := uint64(1); id <= 3; id++ {
		p := putReq(id, int64(id-1))
		if id == 2 {
			p.GetPut().Records[0].Value.GetStructured().Schema = &pb.Schema{Ref: 5}
		}
		s.Send(p)
	}
	for id := uint64(1); id <= 3; id++ {
		if d := recv(t, s.Recv).GetPutDone(); d.GetPutId() != id {
			t.Fatalf("want PutDone{%d}, got %v", id, d)
		}
	}
	if got := strings.Join(task.got, ","); got != "t/0/0=v,t/0/1=v,t/0/2=v" {
		t.Fatalf("records put: %v", got)
	}
}

func TestSinkMaxInflightPutsOfTheSink(t *testing.T) {
	task := &memSink{stopped: make(chan struct{})}
	c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return task }, MaxInflightPuts: 1})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
	if st := recv(t, s.Recv).GetStarted(); st.GetMaxInflightPuts() != 1 {
		t.Fatalf("want SinkStarted{1}, got %v", st)
	}
}

// timeoutSink sets SinkTaskContext.Timeout before some retriable errors.
type timeoutSink struct {
	memSink
	puts int
}

func (s *timeoutSink) Put(ctx context.Context, records []*SinkRecord) error {
	s.puts++
	switch s.puts {
	case 1:
		s.tc.Timeout(1234 * time.Millisecond)
		return Retriable(errors.New("not now"), 0)
	case 2:
		return Retriable(errors.New("still not"), 0) // the timeout was used once
	case 3:
		s.tc.Timeout(99 * time.Millisecond)
		return Retriable(errors.New("an own hint wins"), 7*time.Millisecond)
	}
	return s.memSink.Put(ctx, records)
}

func TestSinkTimeoutIsTheRetryAfterOfTheNextRetriablePut(t *testing.T) {
	task := &timeoutSink{memSink: memSink{stopped: make(chan struct{})}}
	c := startCore(t, &Sink{Class: "Mem", Task: func() SinkTask { return task }, MaxInflightPuts: 1})
	s := c.sink(&pb.SinkStart{ConnectorClass: "Mem"})
	recv(t, s.Recv) // started
	for _, want := range []uint32{1234, 0, 7} {
		s.Send(putReq(1, 0))
		e := recv(t, s.Recv).GetError()
		if e.GetPutId() != 1 || e.GetError().GetKind() != pb.ErrorKind_RETRIABLE || e.GetError().GetRetryAfterMs() != want {
			t.Fatalf("want a RETRIABLE SinkError with retry_after_ms %d, got %v", want, e)
		}
	}
	s.Send(putReq(1, 0))
	if d := recv(t, s.Recv).GetPutDone(); d.GetPutId() != 1 {
		t.Fatalf("want PutDone{1}, got %v", d)
	}
}
