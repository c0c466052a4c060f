package polyconnect

// The Connector.Run stream (lifecycle in connector.proto): start, task configs,
// reconfiguration requests from the connector, stop.

import (
	"context"
	"io"
	"slices"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

var connectorHeartbeat = &pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Heartbeat{Heartbeat: &pb.Heartbeat{}}}

type connectorContext struct {
	name string
	out  *sender[*pb.ConnectorResponse]
}

func (c *connectorContext) ConnectorName() string { return c.name }
func (c *connectorContext) RequestTaskReconfiguration(reason string) {
	_ = c.out.Send(&pb.ConnectorResponse{Msg: &pb.ConnectorResponse_Reconfigure{Reconfigure: &pb.ReconfigureRequest{Reason: reason}}})
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
			if m.GetHeartbeat() == nil {
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
		err = call(func() error { return conn.Start(&connectorContext{name: start.ConnectorName, out: out}, cfg) })
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
