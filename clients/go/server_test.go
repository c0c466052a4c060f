package polyconnect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestHandshakeNegotiates(t *testing.T) {
	c := startCore(t, counterSource(newCounter(0, 1)), &Sink{Class: "Mem", Task: func() SinkTask { return nil }})
	r, err := c.connector().Handshake(c.ctx, &pb.HandshakeRequest{ProtocolVersions: []uint32{2, 1}, MaxMessageBytes: 1024,
		Capabilities: &pb.Capabilities{RawBytes: true}})
	if err != nil {
		t.Fatal(err)
	}
	if r.ProtocolVersion != 1 || r.MaxMessageBytes != 1024 || r.SdkLanguage != "go" || !r.Capabilities.RawBytes || r.Capabilities.SchemaReferences {
		t.Fatalf("handshake: %v", r)
	}
	if len(r.Plugins) != 2 || r.Plugins[0].ClassName != "Counter" || r.Plugins[1].Type != pb.PluginType_SINK {
		t.Fatalf("plugins: %v", r.Plugins)
	}
	_, err = c.connector().Handshake(c.ctx, &pb.HandshakeRequest{ProtocolVersions: []uint32{9}})
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "[9]") {
		t.Fatalf("want FAILED_PRECONDITION naming the versions, got %v", err)
	}
}

func TestCallsWithoutTheTokenAreRefused(t *testing.T) {
	c := startCore(t, counterSource(newCounter(0, 1)))
	_, err := c.connector().Health(context.Background(), &pb.HealthRequest{})
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("want UNAUTHENTICATED, got %v", err)
	}
	s, _ := pb.NewSourceTaskClient(c.conn).Run(context.Background())
	if _, err := s.Recv(); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("stream: want UNAUTHENTICATED, got %v", err)
	}
	if h, err := c.connector().Health(c.ctx, &pb.HealthRequest{}); err != nil || !h.Serving {
		t.Fatalf("with the token: %v %v", h, err)
	}
}

type checkedConnector struct{ defaultConnector }

func (checkedConnector) ValidateConfig(cfg map[string]string) map[string][]string {
	if cfg["a"] == cfg["b"] {
		return map[string][]string{"b": {"must differ from a"}}
	}
	return nil
}

func TestSpecAndValidate(t *testing.T) {
	src := counterSource(newCounter(0, 1))
	src.Config = NewConfigDef(
		ConfigKey{Name: "a", Type: TypeInt, Required: true, Validator: AtLeast(1), Doc: "A"},
		ConfigKey{Name: "b", Type: TypeInt, Default: "5"},
		ConfigKey{Name: "secret", Type: TypePassword, Default: ""})
	src.Connector = func() Connector { return &checkedConnector{} }
	c := startCore(t, src)
	spec, err := c.connector().Spec(c.ctx, &pb.SpecRequest{ConnectorClass: "CounterConnector"})
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Config) != 3 || spec.Config[0].DefaultValue != nil || spec.Config[0].Validator.GetRange().GetMin() != 1 ||
		spec.Config[1].GetDefaultValue() != "5" || !spec.Config[2].Secret {
		t.Fatalf("spec: %v", spec.Config)
	}
	v, err := c.connector().Validate(c.ctx, &pb.ValidateRequest{ConnectorClass: "Counter", Config: map[string]string{"a": "0", "b": "0"}})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]string{}
	for _, cv := range v.Values {
		errs[cv.Name] = strings.Join(cv.Errors, ";")
	}
	if errs["a"] != "Invalid value 0 for configuration a: Value must be at least 1" || errs["b"] != "must differ from a" || errs["secret"] != "" {
		t.Fatalf("validate: %v", errs)
	}
	if _, err := c.connector().Spec(c.ctx, &pb.SpecRequest{ConnectorClass: "Nope"}); status.Code(err) != codes.NotFound {
		t.Fatalf("want NOT_FOUND, got %v", err)
	}
}

type splitConnector struct{ n string }

func (s *splitConnector) Start(_ ConnectorContext, cfg Config) error {
	s.n = cfg.String("name")
	return nil
}
func (s *splitConnector) TaskConfigs(max int) ([]map[string]string, error) {
	var out []map[string]string
	for i := 0; i < 5; i++ {
		out = append(out, map[string]string{"i": string(rune('0' + i))})
	}
	return out, nil
}
func (s *splitConnector) Stop() error { panic("stop failed") }

func TestConnectorStream(t *testing.T) {
	src := counterSource(newCounter(0, 1))
	src.Connector = func() Connector { return &splitConnector{} }
	c := startCore(t, src)
	s, err := c.connector().Run(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Send(&pb.ConnectorRequest{Msg: &pb.ConnectorRequest_Start{Start: &pb.ConnectorStart{ProtocolVersion: 1, ConnectorClass: "Counter", ConnectorName: "c"}}})
	if recv(t, s.Recv).GetStarted() == nil {
		t.Fatal("not started")
	}
	s.Send(&pb.ConnectorRequest{Msg: &pb.ConnectorRequest_TaskConfigs{TaskConfigs: &pb.TaskConfigsRequest{MaxTasks: 3}}})
	tc := recv(t, s.Recv).GetTaskConfigs()
	if len(tc.GetConfigs()) != 3 || tc.Configs[2].Config["i"] != "2" {
		t.Fatalf("want the first 3 task configs, got %v", tc)
	}
	s.Send(&pb.ConnectorRequest{Msg: &pb.ConnectorRequest_Stop{Stop: &pb.Stop{}}})
	if _, err := s.Recv(); err == nil {
		t.Fatal("want the stream to end after Stop (a panicking Stop is logged, not a broken stream)")
	}
}

// The committed generated code is what scripts/generate.sh makes from proto/.
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	if os.Getenv("POLYCONNECT_SKIP_GENERATE_CHECK") != "" {
		t.Skip("POLYCONNECT_SKIP_GENERATE_CHECK is set")
	}
	out := t.TempDir()
	cmd := exec.Command("bash", "scripts/generate.sh", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/generate.sh failed (it needs Maven for protoc and the Go module proxy): %v\n%s", err, b)
	}
	for _, f := range []string{"data.pb.go", "connector.pb.go", "connector_grpc.pb.go"} {
		want, err := os.ReadFile(filepath.Join(out, "polyconnect/v1", f))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(filepath.Join("gen/polyconnect/v1", f))
		if string(got) != string(want) {
			t.Errorf("gen/polyconnect/v1/%s is stale: run clients/go/scripts/generate.sh", f)
		}
	}
}

// offsetsConnector reads its stored offset in Start and refuses negative offsets.
type offsetsConnector struct{ seen any }

func (o *offsetsConnector) Start(cc ConnectorContext, _ Config) error {
	got, err := cc.Offset(map[string]any{"table": "a"})
	if err != nil {
		return err
	}
	o.seen = got["pos"]
	return nil
}
func (o *offsetsConnector) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{{"seen": fmt.Sprint(o.seen)}}, nil
}
func (o *offsetsConnector) Stop() error { return nil }
func (o *offsetsConnector) AlterOffsets(cfg map[string]string, offsets []SourceOffsetChange) (bool, error) {
	for _, ch := range offsets {
		if ch.Partition["table"] == "x" {
			return false, errors.ErrUnsupported
		}
		if p, ok := ch.Offset["pos"].(int64); ok && p < 0 {
			return false, fmt.Errorf("negative position for %s", cfg["name"])
		}
	}
	return true, nil
}

func TestSourceConnectorReadsOffsetsAndAltersThem(t *testing.T) {
	src := counterSource(newCounter(0, 1))
	src.Connector = func() Connector { return &offsetsConnector{} }
	c := startCore(t, src)
	s, err := c.connector().Run(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Send(&pb.ConnectorRequest{Msg: &pb.ConnectorRequest_Start{Start: &pb.ConnectorStart{ProtocolVersion: 1, ConnectorClass: "Counter", ConnectorName: "c"}}})
	// Start asks before Started; the answer lets it go on.
	q := recv(t, s.Recv).GetOffsetsQuery()
	if q == nil || len(q.Partitions) != 1 {
		t.Fatalf("want an OffsetsQuery for one partition, got %v", q)
	}
	off, _ := encodeAny(map[string]any{"pos": int64(7)})
	s.Send(&pb.ConnectorRequest{Msg: &pb.ConnectorRequest_Offsets{Offsets: &pb.OffsetsAnswer{RequestId: q.RequestId,
		Offsets: []*pb.SourceOffset{{Partition: q.Partitions[0], Offset: off}}}}})
	if recv(t, s.Recv).GetStarted() == nil {
		t.Fatal("not started")
	}
	s.Send(&pb.ConnectorRequest{Msg: &pb.ConnectorRequest_TaskConfigs{TaskConfigs: &pb.TaskConfigsRequest{MaxTasks: 1}}})
	if tc := recv(t, s.Recv).GetTaskConfigs(); tc.GetConfigs()[0].Config["seen"] != "7" {
		t.Fatalf("want the stored offset read in Start, got %v", tc)
	}

	alter := func(table string, pos *int64) *pb.AlterOffsetsResponse {
		part, _ := encodeAny(map[string]any{"table": table})
		o := &pb.SourceOffset{Partition: part}
		if pos != nil {
			o.Offset, _ = encodeAny(map[string]any{"pos": *pos})
		}
		r, err := c.connector().AlterOffsets(c.ctx, &pb.AlterOffsetsRequest{ProtocolVersion: 1, ConnectorClass: "Counter",
			ConnectorName: "c", Config: map[string]string{"name": "c"}, SourceOffsets: []*pb.SourceOffset{o}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	five, minus := int64(5), int64(-1)
	if r := alter("a", &five); !r.Altered || r.Error != nil {
		t.Fatalf("want altered, got %v", r)
	}
	if r := alter("a", &minus); r.Altered || r.GetError().GetMessage() != "negative position for c" {
		t.Fatalf("want the connector's refusal, got %v", r)
	}
	if r := alter("x", &five); !r.Unsupported {
		t.Fatalf("want unsupported, got %v", r)
	}
}
