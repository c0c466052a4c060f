package polyconnect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

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
