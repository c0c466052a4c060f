package polyconnect

import (
	"errors"
	"strings"
	"testing"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

type upper struct{ suffix string }

func (u *upper) Configure(cfg map[string]string) error { u.suffix = cfg["suffix"]; return nil }

func (u *upper) Apply(r *ConnectRecord) (*ConnectRecord, error) {
	s, _ := r.Value.(string)
	switch {
	case s == "drop":
		return nil, nil
	case s == "bad":
		return nil, errors.New("bad value")
	}
	out := *r
	out.Value = strings.ToUpper(s) + u.suffix
	out.Headers = append(out.Headers, Header{Key: "h", Schema: StringSchema, Value: "go"})
	return &out, nil
}

func testTransforms() []Plugin {
	return []Plugin{
		&Transform{Class: "Upper", Aliases: []string{"com.example.Upper"}, Config: NewConfigDef(ConfigKey{Name: "suffix", Type: TypeString}),
			New: func() Transformation { return &upper{} }},
		&Predicate{Class: "Long", New: func() RecordPredicate {
			return PredicateFunc(func(r *ConnectRecord) (bool, error) { return len(r.Value.(string)) > 3, nil })
		}},
	}
}

func transformBatch(t *testing.T, id uint64, values ...string) *pb.TransformRequest {
	t.Helper()
	enc := &transformCodec{}
	b := &pb.TransformBatch{BatchId: id}
	for i, v := range values {
		rec, err := enc.encode(&ConnectRecord{Topic: "t", ValueSchema: StringSchema, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		rec.Index = uint32(i)
		b.Records = append(b.Records, rec)
	}
	return &pb.TransformRequest{Msg: &pb.TransformRequest_Batch{Batch: b}}
}

func TestHandshakeListsTransformsAndPredicates(t *testing.T) {
	c := startCore(t, testTransforms()...)
	resp, err := c.connector().Handshake(c.ctx, &pb.HandshakeRequest{ProtocolVersions: []uint32{1}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]pb.PluginType{}
	for _, p := range resp.Plugins {
		got[p.ClassName] = p.Type
	}
	if got["Upper"] != pb.PluginType_TRANSFORMATION || got["Long"] != pb.PluginType_PREDICATE {
		t.Fatalf("plugins: %v", got)
	}
	spec, err := c.connector().Spec(c.ctx, &pb.SpecRequest{ConnectorClass: "com.example.Upper"})
	if err != nil || len(spec.Config) != 1 || spec.Config[0].Name != "suffix" {
		t.Fatalf("spec %v %v", spec, err)
	}
}

func TestTransformBatchOutcomesInOrder(t *testing.T) {
	c := startCore(t, testTransforms()...)
	s, err := pb.NewTransformClient(c.conn).Run(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := &pb.TransformStart{ProtocolVersion: 1, ClassName: "Upper", Config: map[string]string{"suffix": "!"}}
	if err := s.Send(&pb.TransformRequest{Msg: &pb.TransformRequest_Start{Start: start}}); err != nil {
		t.Fatal(err)
	}
	m, err := s.Recv()
	if err != nil || m.GetStarted().GetType() != pb.PluginType_TRANSFORMATION {
		t.Fatalf("started: %v %v", m, err)
	}
	if err := s.Send(transformBatch(t, 1, "a", "drop", "bad", "b")); err != nil {
		t.Fatal(err)
	}
	m, err = s.Recv()
	if err != nil {
		t.Fatal(err)
	}
	res := m.GetResult()
	if res.BatchId != 1 || len(res.Outcomes) != 4 {
		t.Fatalf("result %v", res)
	}
	dec := &transformCodec{}
	r, err := dec.decode(res.Outcomes[0].GetRecord())
	if err != nil || r.Value != "A!" || len(r.Headers) != 1 || r.Headers[0].Value != "go" {
		t.Fatalf("record %+v %v", r, err)
	}
	if !res.Outcomes[1].GetDropped() {
		t.Fatalf("dropped: %v", res.Outcomes[1])
	}
	if e := res.Outcomes[2].GetError(); e.GetKind() != pb.ErrorKind_RECORD || e.GetMessage() != "bad value" {
		t.Fatalf("error: %v", res.Outcomes[2])
	}
	if r, _ := dec.decode(res.Outcomes[3].GetRecord()); r.Value != "B!" || res.Outcomes[3].Index != 3 {
		t.Fatalf("last: %v", res.Outcomes[3])
	}
	if err := s.Send(&pb.TransformRequest{Msg: &pb.TransformRequest_Stop{Stop: &pb.Stop{}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); err == nil {
		t.Fatal("the stream should end after Stop")
	}
}

func TestPredicateAndUnknownClass(t *testing.T) {
	c := startCore(t, testTransforms()...)
	s, _ := pb.NewTransformClient(c.conn).Run(c.ctx)
	_ = s.Send(&pb.TransformRequest{Msg: &pb.TransformRequest_Start{Start: &pb.TransformStart{ClassName: "Long"}}})
	if m, err := s.Recv(); err != nil || m.GetStarted().GetType() != pb.PluginType_PREDICATE {
		t.Fatalf("started: %v %v", m, err)
	}
	_ = s.Send(transformBatch(t, 1, "ab", "abcdef"))
	m, err := s.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if o := m.GetResult().Outcomes; o[0].GetMatches() || !o[1].GetMatches() {
		t.Fatalf("matches: %v", o)
	}
	s2, _ := pb.NewTransformClient(c.conn).Run(c.ctx)
	_ = s2.Send(&pb.TransformRequest{Msg: &pb.TransformRequest_Start{Start: &pb.TransformStart{ClassName: "Nope"}}})
	if m, err := s2.Recv(); err != nil || m.GetError().GetKind() != pb.ErrorKind_CONFIG {
		t.Fatalf("unknown class: %v %v", m, err)
	}
}
