package polyconnect

// A core played by the tests: an in-process gRPC client on an in-memory connection.

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
)

const testToken = "t0ken"

type core struct {
	t    *testing.T
	conn *grpc.ClientConn
	ctx  context.Context
}

func startCore(t *testing.T, plugins ...Plugin) *core {
	t.Helper()
	return startCoreWith(t, Options{}, plugins...)
}

// startCoreWith serves the plugins with opts (its token and logger are the tests').
func startCoreWith(t *testing.T, opts Options, plugins ...Plugin) *core {
	t.Helper()
	opts.Token, opts.Logger = testToken, slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := NewServer(opts, plugins...)
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	go srv.Serve(lis)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(func() {
		cancel()
		conn.Close()
		srv.Stop(time.Second)
	})
	return &core{t: t, conn: conn, ctx: metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+testToken)}
}

func (c *core) connector() pb.ConnectorClient { return pb.NewConnectorClient(c.conn) }

// recv reads the next message that is not a heartbeat.
func recv[M interface{ GetHeartbeat() *pb.Heartbeat }](t *testing.T, next func() (M, error)) M {
	t.Helper()
	for {
		m, err := next()
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		if m.GetHeartbeat() == nil {
			return m
		}
	}
}

func (c *core) source(start *pb.SourceStart) pb.SourceTask_RunClient {
	c.t.Helper()
	s, err := pb.NewSourceTaskClient(c.conn).Run(c.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	if start.ProtocolVersion == 0 {
		start.ProtocolVersion = 1
	}
	if start.Capabilities == nil {
		start.Capabilities = &pb.Capabilities{RawBytes: true, SchemaReferences: true, TraceContext: true}
	}
	if err := s.Send(&pb.SourceRequest{Msg: &pb.SourceRequest_Start{Start: start}}); err != nil {
		c.t.Fatal(err)
	}
	return s
}

func (c *core) sink(start *pb.SinkStart) pb.SinkTask_RunClient {
	c.t.Helper()
	s, err := pb.NewSinkTaskClient(c.conn).Run(c.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	if start.ProtocolVersion == 0 {
		start.ProtocolVersion = 1
	}
	if err := s.Send(&pb.SinkRequest{Msg: &pb.SinkRequest_Start{Start: start}}); err != nil {
		c.t.Fatal(err)
	}
	return s
}

func credit(records uint32, bytes uint64) *pb.SourceRequest {
	return &pb.SourceRequest{Msg: &pb.SourceRequest_Credit{Credit: &pb.Credit{Records: records, Bytes: bytes}}}
}

// counterTask sends value n for n = 1..total, `batch` per poll.
type counterTask struct {
	total, batch, next int
	poll               func(n int) error
	committed          chan RecordMetadata
	commits            chan struct{}
	stopped            chan struct{}
	startOffset        map[string]any
}

func newCounter(total, batch int) *counterTask {
	return &counterTask{total: total, batch: batch, committed: make(chan RecordMetadata, 1000), commits: make(chan struct{}, 10), stopped: make(chan struct{})}
}

var counterPartition = map[string]any{"counter": "c"}

func (c *counterTask) Start(tc SourceTaskContext, _ Config) error {
	c.startOffset = tc.Offset(counterPartition)
	return nil
}

func (c *counterTask) Poll(ctx context.Context) ([]*SourceRecord, error) {
	if c.next >= c.total {
		<-ctx.Done()
		return nil, nil
	}
	if c.poll != nil {
		if err := c.poll(c.next); err != nil {
			return nil, err
		}
	}
	var out []*SourceRecord
	for ; c.next < c.total && len(out) < c.batch; c.next++ {
		out = append(out, &SourceRecord{SourcePartition: counterPartition, SourceOffset: map[string]any{"n": int64(c.next + 1)},
			Topic: "t", ValueSchema: Int64Schema, Value: int64(c.next + 1)})
	}
	return out, nil
}

func (c *counterTask) CommitRecord(_ *SourceRecord, md *RecordMetadata) error {
	c.committed <- *md
	return nil
}

func (c *counterTask) Commit() error {
	c.commits <- struct{}{}
	return nil
}

func (c *counterTask) Stop() error {
	close(c.stopped)
	return nil
}

func counterSource(task *counterTask) *Source {
	return &Source{Class: "Counter", Aliases: []string{"com.example.CounterConnector"}, Version: "1.2.3",
		Config: NewConfigDef(ConfigKey{Name: "topic", Type: TypeString, Default: "t"}),
		Task:   func() SourceTask { return task }}
}

func waitClosed(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not happen", what)
	}
}
