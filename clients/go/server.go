package polyconnect

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Options of a Server.
type Options struct {
	// Token, when set, must come with every call as "authorization: Bearer <token>".
	Token string
	// MaxMessageBytes is this side's largest gRPC message (default 64 MiB); the smaller of
	// both sides' limits is used.
	MaxMessageBytes int
	// Logger for the SDK's own messages (default slog.Default()).
	Logger *slog.Logger
	// TracerProvider makes the connector-side spans (see the README's Tracing section);
	// nil: no spans. Serve sets it from the OTEL_* environment (TracerProviderFromEnv).
	TracerProvider trace.TracerProvider
	// TLS, when set, is served on TCP listeners (Serve sets it from TLSConfigFromEnv); with
	// ClientAuth set to tls.RequireAndVerifyClientCert the core must present a certificate.
	TLS *tls.Config
}

// Server serves connector plugins over the protocol. Serve is what a connector's main
// calls; Server is for tests and programs that embed a connector.
type Server struct {
	plugins []Plugin
	opts    Options
	log     *slog.Logger
	grpc    *grpc.Server
	tracer  *tracer // nil: tracing off
	serving atomic.Bool
	pb.UnimplementedConnectorServer
}

// NewServer checks the plugins and makes a server.
func NewServer(opts Options, plugins ...Plugin) (*Server, error) {
	if len(plugins) == 0 {
		return nil, errors.New("polyconnect: no plugins to serve")
	}
	for _, p := range plugins {
		switch x := p.(type) {
		case *Source:
			if x.Class == "" || x.Task == nil {
				return nil, fmt.Errorf("polyconnect: a Source needs a Class and a Task factory")
			}
		case *Sink:
			if x.Class == "" || x.Task == nil {
				return nil, fmt.Errorf("polyconnect: a Sink needs a Class and a Task factory")
			}
		case *Transform:
			if x.Class == "" || x.New == nil {
				return nil, fmt.Errorf("polyconnect: a Transform needs a Class and a New factory")
			}
		case *Predicate:
			if x.Class == "" || x.New == nil {
				return nil, fmt.Errorf("polyconnect: a Predicate needs a Class and a New factory")
			}
		default:
			return nil, fmt.Errorf("polyconnect: %T is not a *Source, *Sink, *Transform or *Predicate", p)
		}
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = defaultMaxMessageBytes
	}
	s := &Server{plugins: plugins, opts: opts, log: opts.Logger, tracer: newTracer(opts.TracerProvider)}
	if s.log == nil {
		s.log = slog.Default()
	}
	grpcOpts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(opts.MaxMessageBytes),
		grpc.MaxSendMsgSize(opts.MaxMessageBytes),
	}
	if opts.TLS != nil {
		grpcOpts = append(grpcOpts, grpc.Creds(credentials.NewTLS(opts.TLS)))
	}
	if opts.Token != "" {
		want := []byte("Bearer " + opts.Token)
		check := func(ctx context.Context) error {
			md, _ := metadata.FromIncomingContext(ctx)
			for _, got := range md.Get("authorization") {
				if subtle.ConstantTimeCompare([]byte(got), want) == 1 {
					return nil
				}
			}
			return status.Error(codes.Unauthenticated, "missing or invalid authorization token")
		}
		grpcOpts = append(grpcOpts,
			grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				if err := check(ctx); err != nil {
					return nil, err
				}
				return h(ctx, req)
			}),
			grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
				if err := check(ss.Context()); err != nil {
					return err
				}
				return h(srv, ss)
			}))
	}
	s.grpc = grpc.NewServer(grpcOpts...)
	pb.RegisterConnectorServer(s.grpc, s)
	pb.RegisterSourceTaskServer(s.grpc, sourceService{s: s})
	pb.RegisterSinkTaskServer(s.grpc, sinkService{s: s})
	pb.RegisterTransformServer(s.grpc, transformService{s: s})
	s.serving.Store(true)
	return s, nil
}

// Serve accepts connections on lis until Stop.
func (s *Server) Serve(lis net.Listener) error { return s.grpc.Serve(lis) }

// Stop ends the server: running streams get up to grace to finish.
func (s *Server) Stop(grace time.Duration) {
	s.serving.Store(false)
	done := make(chan struct{})
	go func() { s.grpc.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		s.grpc.Stop()
	}
}

func (s *Server) find(name string, sink *bool) Plugin {
	for _, p := range s.plugins {
		c := p.plugin()
		if sink != nil && (c.sink != *sink || c.kind != kindConnector) {
			continue
		}
		if classMatches(c.class, name) || slices.ContainsFunc(c.aliases, func(a string) bool { return classMatches(a, name) }) {
			return p
		}
	}
	return nil
}

func (s *Server) names() string {
	var n []string
	for _, p := range s.plugins {
		n = append(n, p.plugin().class)
	}
	return strings.Join(n, ", ")
}

func info(p Plugin) *pb.PluginInfo {
	c := p.plugin()
	t := pb.PluginType_SOURCE
	switch {
	case c.kind == kindTransform:
		t = pb.PluginType_TRANSFORMATION
	case c.kind == kindPredicate:
		t = pb.PluginType_PREDICATE
	case c.sink:
		t = pb.PluginType_SINK
	}
	return &pb.PluginInfo{ClassName: c.class, Aliases: c.aliases, Type: t, Version: c.version}
}

// Handshake picks the newest protocol version both sides speak.
func (s *Server) Handshake(_ context.Context, req *pb.HandshakeRequest) (*pb.HandshakeResponse, error) {
	var chosen uint32
	for _, v := range req.ProtocolVersions {
		if slices.Contains(protocolVersions, v) {
			chosen = v
			break
		}
	}
	if chosen == 0 {
		return nil, status.Errorf(codes.FailedPrecondition,
			"no common protocol version: the core offered %v, this connector process (go SDK %s) speaks %v",
			req.ProtocolVersions, Version, protocolVersions)
	}
	limit := uint64(s.opts.MaxMessageBytes)
	if req.MaxMessageBytes > 0 && req.MaxMessageBytes < limit {
		limit = req.MaxMessageBytes
	}
	c := req.GetCapabilities()
	resp := &pb.HandshakeResponse{
		ProtocolVersion: chosen, SdkLanguage: "go", SdkVersion: Version, MaxMessageBytes: limit,
		Capabilities: &pb.Capabilities{RawBytes: c.GetRawBytes(), SchemaReferences: c.GetSchemaReferences(), TraceContext: c.GetTraceContext()},
	}
	for _, p := range s.plugins {
		resp.Plugins = append(resp.Plugins, info(p))
	}
	s.log.Info("handshake", "core", req.CoreVersion, "protocol", chosen)
	return resp, nil
}

// Health answers the core's supervisor.
func (s *Server) Health(context.Context, *pb.HealthRequest) (*pb.HealthResponse, error) {
	return &pb.HealthResponse{Serving: s.serving.Load()}, nil
}

func (s *Server) plugin(name string) (Plugin, error) {
	p := s.find(name, nil)
	if p == nil {
		return nil, status.Errorf(codes.NotFound, "this connector process does not serve '%s' (it serves: %s)", name, s.names())
	}
	return p, nil
}

// Spec is a plugin's config definition.
func (s *Server) Spec(_ context.Context, req *pb.SpecRequest) (*pb.SpecResponse, error) {
	p, err := s.plugin(req.ConnectorClass)
	if err != nil {
		return nil, err
	}
	return &pb.SpecResponse{Plugin: info(p), Config: configKeysProto(p.plugin().config)}, nil
}

// Validate checks a config with the ConfigDef and the connector's own ValidateConfig.
func (s *Server) Validate(_ context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	p, err := s.plugin(req.ConnectorClass)
	if err != nil {
		return nil, err
	}
	c := p.plugin()
	errs := c.config.Validate(req.Config)
	if c.connector != nil {
		var extra map[string][]string
		err := call(func() error {
			if v, ok := c.connector().(ConfigValidator); ok {
				extra = v.ValidateConfig(req.Config)
			}
			return nil
		})
		if err != nil {
			return nil, status.Errorf(codes.Internal, "ValidateConfig failed: %v", err)
		}
		for k, e := range extra {
			errs[k] = append(errs[k], e...)
		}
	}
	resp := &pb.ValidateResponse{}
	if _, ok := p.(*Source); ok {
		var conn Connector
		if c.connector != nil {
			conn = c.connector()
		}
		declarations(conn, req.Config, resp)
	}
	keys := map[string]ConfigKey{}
	for _, k := range c.config.Keys() {
		keys[k.Name] = k
	}
	for _, name := range sortedKeys(errs) {
		v := &pb.ConfigValue{Name: name, Errors: append([]string{}, errs[name]...), Visible: true}
		if raw, ok := req.Config[name]; ok {
			v.Value = &raw
		} else if k, ok := keys[name]; ok && !k.Required {
			def := k.Default
			v.Value = &def
		}
		resp.Values = append(resp.Values, v)
	}
	return resp, nil
}

// AlterOffsets is KIP-875's alterOffsets on a connector instance made for the call: its
// SourceOffsetAlterer or SinkOffsetAlterer, else Kafka Connect's default (false).
func (s *Server) AlterOffsets(_ context.Context, req *pb.AlterOffsetsRequest) (*pb.AlterOffsetsResponse, error) {
	p, err := s.plugin(req.ConnectorClass)
	if err != nil {
		return nil, err
	}
	c := p.plugin()
	resp := &pb.AlterOffsetsResponse{}
	if c.connector == nil {
		return resp, nil
	}
	conn := c.connector()
	var altered bool
	err = call(func() (err error) {
		if _, ok := p.(*Source); ok {
			a, ok := conn.(SourceOffsetAlterer)
			if !ok {
				return nil
			}
			changes := make([]SourceOffsetChange, 0, len(req.SourceOffsets))
			for _, o := range req.SourceOffsets {
				ch := SourceOffsetChange{Partition: mapFromValue(o.Partition)}
				if o.Offset != nil {
					ch.Offset = mapFromValue(o.Offset)
				}
				changes = append(changes, ch)
			}
			altered, err = a.AlterOffsets(req.Config, changes)
			return err
		}
		a, ok := conn.(SinkOffsetAlterer)
		if !ok {
			return nil
		}
		changes := make(map[TopicPartition]*int64, len(req.SinkOffsets))
		for _, o := range req.SinkOffsets {
			changes[TopicPartition{o.Topic, o.Partition}] = o.Offset
		}
		altered, err = a.AlterSinkOffsets(req.Config, changes)
		return err
	})
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		resp.Unsupported = true
	case err != nil:
		resp.Error = errorProto(err, "")
	default:
		resp.Altered = altered
	}
	return resp, nil
}

// ListenAddress is where Serve listens: POLYCONNECT_LISTEN ("unix:/path" or "host:port"),
// else --listen ADDR, else 0.0.0.0:$POLYCONNECT_PORT, else 0.0.0.0:50051.
func ListenAddress(args []string) string {
	addr := os.Getenv("POLYCONNECT_LISTEN")
	for i := 0; addr == "" && i < len(args); i++ {
		if args[i] == "--listen" && i+1 < len(args) {
			addr = args[i+1]
		} else if v, ok := strings.CutPrefix(args[i], "--listen="); ok {
			addr = v
		}
	}
	if addr == "" {
		port := os.Getenv("POLYCONNECT_PORT")
		if port == "" {
			port = "50051"
		}
		addr = "0.0.0.0:" + port
	}
	for _, scheme := range []string{"http://", "grpc://"} {
		addr = strings.TrimPrefix(addr, scheme)
	}
	return addr
}

// Listen opens a listener for "unix:/path" or "host:port".
func Listen(addr string) (net.Listener, error) {
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		path = strings.TrimPrefix(path, "//")
		_ = os.Remove(path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		return net.Listen("unix", path)
	}
	return net.Listen("tcp", addr)
}

// Serve serves the plugins until SIGTERM or SIGINT, or until the core that launched the
// process dies, then exits the process. Settings come from the environment the core sets
// for launched plugins: POLYCONNECT_LISTEN, POLYCONNECT_TOKEN, POLYCONNECT_PARENT_PID, and
// POLYCONNECT_MAX_MESSAGE_BYTES, POLYCONNECT_LOG_LEVEL (debug, info, warn, error), and
// POLYCONNECT_TLS_CERT, POLYCONNECT_TLS_KEY, POLYCONNECT_TLS_CLIENT_CA (TLSConfigFromEnv).
func Serve(plugins ...Plugin) {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(os.Getenv("POLYCONNECT_LOG_LEVEL")))
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)
	maxBytes, _ := strconv.Atoi(os.Getenv("POLYCONNECT_MAX_MESSAGE_BYTES"))
	opts := Options{Token: os.Getenv("POLYCONNECT_TOKEN"), MaxMessageBytes: maxBytes, Logger: log}
	addr := ListenAddress(os.Args[1:])
	tlsCfg, err := TLSConfigFromEnv()
	if err == nil && tlsCfg != nil && strings.HasPrefix(addr, "unix:") {
		err = fmt.Errorf("POLYCONNECT_TLS_* is for TCP addresses, not %s", addr)
	}
	if err != nil {
		log.Error("cannot serve TLS", "error", err)
		os.Exit(1)
	}
	opts.TLS = tlsCfg
	tp := TracerProviderFromEnv(log)
	if tp != nil {
		opts.TracerProvider = tp
	}
	srv, err := NewServer(opts, plugins...)
	if err != nil {
		log.Error("cannot serve", "error", err)
		os.Exit(2)
	}
	lis, err := Listen(addr)
	if err != nil {
		log.Error("cannot listen", "address", addr, "error", err)
		os.Exit(1)
	}
	stop := make(chan string, 1)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() { stop <- (<-sigs).String() }()
	if v := os.Getenv("POLYCONNECT_PARENT_PID"); v != "" {
		parent, _ := strconv.Atoi(v)
		direct := os.Getppid() == parent
		if parent <= 0 || !alive(parent, false) {
			log.Error("parent process is not running; exiting", "pid", v)
			os.Exit(1)
		}
		go func() {
			for alive(parent, direct) {
				time.Sleep(time.Second)
			}
			stop <- fmt.Sprintf("parent process %d is gone", parent)
		}()
	}
	go func() {
		if err := srv.Serve(lis); err != nil {
			stop <- "serve failed: " + err.Error()
		}
	}()
	log.Info("serving", "plugins", srv.names(), "address", addr, "sdk", "go "+Version, "token", srv.opts.Token != "", "tls", tlsMode(tlsCfg))
	reason := <-stop
	log.Info("shutting down", "reason", reason)
	srv.Stop(defaultStopTimeout)
	if tp != nil {
		// The last spans, for a bounded time: a collector that is down must not hold up the exit.
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		_ = tp.Shutdown(ctx)
		cancel()
	}
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		_ = os.Remove(path)
	}
	// Task goroutines still stuck in connector code must not keep the process alive.
	os.Exit(0)
}

// alive reports whether the parent still runs. direct: it is our actual parent, so being
// re-parented also means it died (and guards against its pid being reused).
func alive(pid int, direct bool) bool {
	if direct && os.Getppid() != pid {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func tlsMode(c *tls.Config) string {
	switch {
	case c == nil:
		return "off"
	case c.ClientAuth == tls.RequireAndVerifyClientCert:
		return "mutual"
	default:
		return "on"
	}
}

// declarations asks a source connector Kafka Connect's exactlyOnceSupport and
// canDefineTransactionBoundaries; an error (or panic) is reported with its message.
func declarations(conn Connector, cfg map[string]string, resp *pb.ValidateResponse) {
	errText := func(err error) string {
		if m := err.Error(); m != "" {
			return m
		}
		return " "
	}
	if d, ok := conn.(ExactlyOnceSupporter); ok {
		var v ExactlyOnceSupport
		if err := call(func() (err error) { v, err = d.ExactlyOnceSupport(cfg); return }); err != nil {
			resp.ExactlyOnceSupportError = errText(err)
		} else {
			switch v {
			case ExactlyOnceSupported:
				resp.ExactlyOnceSupport = pb.ExactlyOnceSupport_EXACTLY_ONCE_SUPPORTED
			case ExactlyOnceUnsupported:
				resp.ExactlyOnceSupport = pb.ExactlyOnceSupport_EXACTLY_ONCE_UNSUPPORTED
			}
		}
	}
	resp.TransactionBoundaries = pb.TransactionBoundarySupport_TRANSACTION_BOUNDARIES_UNSUPPORTED
	if d, ok := conn.(TransactionBoundaryDefiner); ok {
		var v ConnectorTransactionBoundaries
		if err := call(func() (err error) { v, err = d.CanDefineTransactionBoundaries(cfg); return }); err != nil {
			resp.TransactionBoundariesError = errText(err)
		} else if v == TransactionBoundariesSupported {
			resp.TransactionBoundaries = pb.TransactionBoundarySupport_TRANSACTION_BOUNDARIES_SUPPORTED
		}
	}
}
