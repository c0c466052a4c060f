package polyconnect

// The Connector.Run stream (lifecycle in connector.proto): start, task configs,
// reconfiguration requests from the connector, stop.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

var connectorHeartbeat = &pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Heartbeat{Heartbeat: &pb.Heartbeat{}}}

type connectorContext struct {
	name string
	out  *sender[*pb.ConnectorResponse]
	// queries: the connector's offset queries waiting for their answer, by request id.
	mu        sync.Mutex
	queries   map[uint64]chan *pb.OffsetsAnswer
	nextQuery uint64
	done      <-chan struct{}
}

const offsetsTimeout = 30 * time.Second

func (c *connectorContext) ConnectorName() string { return c.name }
func (c *connectorContext) RequestTaskReconfiguration(reason string) {
	_ = c.out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Reconfigure{Reconfigure: &pb.ReconfigureRequest{Reason: reason}}})
}

func (c *connectorContext) Offset(partition map[string]any) (map[string]any, error) {
	got, err := c.Offsets([]map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return got[0], nil
}

func (c *connectorContext) Offsets(partitions []map[string]any) ([]map[string]any, error) {
	q := &pb.OffsetsQuery{}
	for _, p := range partitions {
		v, err := encodeAny(p)
		if err != nil {
			return nil, fmt.Errorf("source partition %v: %w", p, err)
		}
		q.Partitions = append(q.Partitions, v)
	}
	answer := make(chan *pb.OffsetsAnswer, 1)
	c.mu.Lock()
	c.nextQuery++
	q.RequestId = c.nextQuery
	c.queries[q.RequestId] = answer
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.queries, q.RequestId)
		c.mu.Unlock()
	}()
	if err := c.out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_OffsetsQuery{OffsetsQuery: q}}); err != nil {
		return nil, err
	}
	var a *pb.OffsetsAnswer
	select {
	case a = <-answer:
	case <-c.done:
		return nil, errors.New("the connector stream ended while waiting for offsets")
	case <-time.After(offsetsTimeout):
		return nil, fmt.Errorf("the core did not answer an offsets query within %s", offsetsTimeout)
	}
	stored := map[string]map[string]any{}
	for _, o := range a.Offsets {
		if part := mapFromValue(o.Partition); part != nil && o.Offset != nil {
			stored[partitionKey(part)] = mapFromValue(o.Offset)
		}
	}
	out := make([]map[string]any, len(partitions))
	for i, p := range partitions {
		out[i] = stored[partitionKey(p)]
	}
	return out, nil
}

func (c *connectorContext) answer(a *pb.OffsetsAnswer) {
	c.mu.Lock()
	ch := c.queries[a.RequestId]
	c.mu.Unlock()
	if ch != nil {
		select {
		case ch <- a:
		default:
		}
	}
}

// Run is one connector instance.
func (s *Server) Run(stream pb.Connector_RunServer) error {
	out := newSender(stream.Send, connectorHeartbeat)
	fail := func(e *pb.Error) error {
		_ = out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Error{Error: e}})
		return nil
	}
	first, err := stream.Recv()
	if err != nil {
		return nil
	}
	start := first.GetStart()
	if start == nil {
		return fail(protocolError(pb.ErrorKind_FATAL, "the first message of a Connector stream must be ConnectorStart"))
	}
	log := s.log.With("connector", start.ConnectorName)
	if !slices.Contains(protocolVersions, start.ProtocolVersion) {
		return fail(protocolError(pb.ErrorKind_CONFIG, "protocol version %d is not supported by this connector process (go SDK speaks %v)", start.ProtocolVersion, protocolVersions))
	}
	p := s.find(start.ConnectorClass, nil)
	if p == nil {
		return fail(protocolError(pb.ErrorKind_CONFIG, "this connector process does not serve a connector named '%s' (it serves: %s)", start.ConnectorClass, s.names()))
	}
	c := p.plugin()
	out.configure(start.HeartbeatIntervalMs, start.IdleTimeoutMs)
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()

	cc := &connectorContext{name: start.ConnectorName, out: out, queries: map[uint64]chan *pb.OffsetsAnswer{}, done: ctx.Done()}
	work := newQueue[*pb.ConnectorRequest]()
	go func() {
		for {
			m, err := stream.Recv()
			if err != nil {
				if err != io.EOF {
					log.Debug("connector stream read ended", "error", err)
				}
				work.close()
				return
			}
			out.received()
			if a := m.GetOffsets(); a != nil {
				// Answered here: Start may be waiting for it.
				cc.answer(a)
			} else if m.GetHeartbeat() == nil {
				work.push(m)
			}
		}
	}()
	go out.liveness(ctx, func(silent time.Duration) {
		log.Error("no message from the core; ending the stream", "silent", silent)
		_ = out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Error{Error: protocolError(pb.ErrorKind_FATAL, "no message from the core for %s", silent.Round(time.Millisecond))}})
		cancel()
	})

	var conn Connector = &defaultConnector{}
	if c.connector != nil {
		conn = c.connector()
	}
	cfg, err := c.config.Parse(start.Config)
	if err == nil {
		err = call(func() error { return conn.Start(cc, cfg) })
	}
	if err != nil {
		log.Error("connector start failed", "error", err)
		return fail(errorProto(err, ""))
	}
	log.Info("connector started", "class", c.class)
	stopTimeout := defaultStopTimeout
	defer func() {
		withTimeout(stopTimeout, "connector Stop", log, conn.Stop)
		log.Info("connector stream ended")
	}()
	if err := out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Started{Started: &pb.Started{}}}); err != nil {
		return nil
	}
	for {
		req, ok := work.pop(ctx)
		if !ok {
			return nil
		}
		switch m := req.Msg.(type) {
		case *pb.ConnectorRequest_Stop:
			if m.Stop.TimeoutMs > 0 {
				stopTimeout = time.Duration(m.Stop.TimeoutMs) * time.Millisecond
			}
			return nil
		case *pb.ConnectorRequest_TaskConfigs:
			max := int(m.TaskConfigs.MaxTasks)
			var configs []map[string]string
			err := call(func() (err error) { configs, err = conn.TaskConfigs(max); return })
			if err != nil {
				log.Error("TaskConfigs failed", "error", err)
				return fail(errorProto(err, "TaskConfigs"))
			}
			if max > 0 && len(configs) > max {
				log.Warn("TaskConfigs returned more configs than max tasks; using the first", "configs", len(configs), "max", max)
				configs = configs[:max]
			}
			resp := &pb.TaskConfigs{}
			for _, tc := range configs {
				resp.Configs = append(resp.Configs, &pb.TaskConfig{Config: tc})
			}
			if err := out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_TaskConfigs{TaskConfigs: resp}}); err != nil {
				return nil
			}
		}
	}
}
