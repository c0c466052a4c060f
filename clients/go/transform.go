package polyconnect

import (
	"fmt"
	"io"
	"strings"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"google.golang.org/grpc"
)

// ConnectRecord is Kafka Connect's ConnectRecord as a transform or predicate sees it.
// A transform returns a new record (copy it: out := *r) or nil to drop it.
type ConnectRecord struct {
	Topic string
	// KafkaPartition is nil when none is chosen yet (source records).
	KafkaPartition *int32
	KeySchema      *Schema
	Key            any
	ValueSchema    *Schema
	Value          any
	// Timestamp is the zero time when the record has none.
	Timestamp time.Time
	Headers   []Header
	// KafkaOffset and TimestampType: sink records only (read-only).
	KafkaOffset   *int64
	TimestampType TimestampType
	Trace         TraceContext
}

// Transformation is Kafka Connect's Transformation: Apply returns the transformed record,
// or nil to drop it. An error fails the record: the core applies errors.tolerance and the
// dead letter queue to it.
type Transformation interface {
	Apply(r *ConnectRecord) (*ConnectRecord, error)
}

// RecordPredicate is Kafka Connect's Predicate: whether a transform applies to a record.
type RecordPredicate interface {
	Test(r *ConnectRecord) (bool, error)
}

// Configurable transforms and predicates get their settings (transforms.<alias>.*
// without the prefix) before the first record; an error fails the task.
type Configurable interface {
	Configure(config map[string]string) error
}

// Closer transforms and predicates are closed when the task stops.
type Closer interface {
	Close() error
}

// TransformFunc makes a Transformation of a function.
type TransformFunc func(r *ConnectRecord) (*ConnectRecord, error)

// Apply calls f.
func (f TransformFunc) Apply(r *ConnectRecord) (*ConnectRecord, error) { return f(r) }

// PredicateFunc makes a RecordPredicate of a function.
type PredicateFunc func(r *ConnectRecord) (bool, error)

// Test calls f.
func (f PredicateFunc) Test(r *ConnectRecord) (bool, error) { return f(r) }

// Transform describes a transformation plugin (transforms.<alias>.type names its Class or
// an alias).
type Transform struct {
	Class   string
	Aliases []string
	Version string
	Config  *ConfigDef
	// New makes one instance per task's chain stage.
	New func() Transformation
}

// Predicate describes a predicate plugin (predicates.<alias>.type).
type Predicate struct {
	Class   string
	Aliases []string
	Version string
	Config  *ConfigDef
	New     func() RecordPredicate
}

func (t *Transform) plugin() *pluginCommon {
	return &pluginCommon{class: t.Class, version: t.Version, aliases: t.Aliases, config: t.Config, kind: kindTransform}
}

func (p *Predicate) plugin() *pluginCommon {
	return &pluginCommon{class: p.Class, version: p.Version, aliases: p.Aliases, config: p.Config, kind: kindPredicate}
}

type transformService struct {
	pb.UnimplementedTransformServer
	s *Server
}

// Run serves one Transform stream: one configured instance, batches in, outcomes out.
func (t transformService) Run(stream grpc.BidiStreamingServer[pb.TransformRequest, pb.TransformResponse]) error {
	first, err := stream.Recv()
	if err != nil {
		return nil
	}
	fail := func(kind pb.ErrorKind, msg string) error {
		return stream.Send(&pb.TransformResponse{Msg: &pb.TransformResponse_Error{Error: &pb.Error{Kind: kind, Message: msg}}})
	}
	start := first.GetStart()
	if start == nil {
		return fail(pb.ErrorKind_FATAL, "the first message must be TransformStart")
	}
	if start.ProtocolVersion != 0 && start.ProtocolVersion != protocolVersions[0] {
		return fail(pb.ErrorKind_CONFIG, fmt.Sprintf("protocol version %d not spoken (this SDK: %v)", start.ProtocolVersion, protocolVersions))
	}
	var tr Transformation
	var pr RecordPredicate
	var instance any
	var kind pb.PluginType
	switch p := t.s.find(start.ClassName, nil).(type) {
	case *Transform:
		tr, kind = p.New(), pb.PluginType_TRANSFORMATION
		instance = tr
	case *Predicate:
		pr, kind = p.New(), pb.PluginType_PREDICATE
		instance = pr
	default:
		return fail(pb.ErrorKind_CONFIG, fmt.Sprintf("this process does not serve the transform or predicate '%s' (it serves: %s)", start.ClassName, t.s.names()))
	}
	def := t.s.find(start.ClassName, nil).plugin().config
	msg := ""
	errs := def.Validate(start.Config)
	for _, k := range sortedKeys(errs) {
		if len(errs[k]) > 0 {
			msg += fmt.Sprintf("%s: %s; ", k, strings.Join(errs[k], ", "))
		}
	}
	if msg != "" {
		return fail(pb.ErrorKind_CONFIG, strings.TrimSuffix(msg, "; "))
	}
	if c, ok := instance.(Configurable); ok {
		if err := call(func() error { return c.Configure(start.Config) }); err != nil {
			e := errorProto(err, "configure")
			e.Kind = pb.ErrorKind_CONFIG
			return stream.Send(&pb.TransformResponse{Msg: &pb.TransformResponse_Error{Error: e}})
		}
	}
	if c, ok := instance.(Closer); ok {
		defer func() { _ = call(c.Close) }()
	}
	if err := stream.Send(&pb.TransformResponse{Msg: &pb.TransformResponse_Started{Started: &pb.TransformStarted{Type: kind}}}); err != nil {
		return err
	}
	t.s.log.Info("transform started", "class", start.ClassName, "alias", start.Alias, "connector", start.ConnectorName, "task", start.TaskId)
	codec := &transformCodec{}
	for {
		req, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch m := req.Msg.(type) {
		case *pb.TransformRequest_Batch:
			res := &pb.TransformResult{BatchId: m.Batch.BatchId}
			for _, in := range m.Batch.Records {
				res.Outcomes = append(res.Outcomes, codec.outcome(in, tr, pr))
			}
			if err := stream.Send(&pb.TransformResponse{Msg: &pb.TransformResponse_Result{Result: res}}); err != nil {
				return err
			}
		case *pb.TransformRequest_Stop:
			return nil
		}
	}
}

// transformCodec keeps one stream's schema definitions, each direction.
type transformCodec struct {
	in  recordDecoder
	out recordEncoder
}

func (c *transformCodec) outcome(in *pb.TransformRecord, tr Transformation, pr RecordPredicate) *pb.TransformOutcome {
	o := &pb.TransformOutcome{Index: in.Index}
	failed := func(err error) *pb.TransformOutcome {
		e := errorProto(err, "")
		e.Kind = pb.ErrorKind_RECORD
		o.Outcome = &pb.TransformOutcome_Error{Error: e}
		return o
	}
	r, err := c.decode(in)
	if err != nil {
		return failed(err)
	}
	if pr != nil {
		var ok bool
		if err := call(func() (e error) { ok, e = pr.Test(r); return }); err != nil {
			return failed(err)
		}
		o.Outcome = &pb.TransformOutcome_Matches{Matches: ok}
		return o
	}
	var out *ConnectRecord
	if err := call(func() (e error) { out, e = tr.Apply(r); return }); err != nil {
		return failed(err)
	}
	if out == nil {
		o.Outcome = &pb.TransformOutcome_Dropped{Dropped: true}
		return o
	}
	rec, err := c.encode(out)
	if err != nil {
		return failed(err)
	}
	o.Outcome = &pb.TransformOutcome_Record{Record: rec}
	return o
}

func (c *transformCodec) decode(p *pb.TransformRecord) (*ConnectRecord, error) {
	r := &ConnectRecord{Topic: p.Topic, KafkaPartition: p.KafkaPartition, KafkaOffset: p.KafkaOffset, TimestampType: TimestampType(p.TimestampType)}
	var err error
	if r.KeySchema, r.Key, err = c.in.data(p.Key); err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if r.ValueSchema, r.Value, err = c.in.data(p.Value); err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	if p.Timestamp != nil {
		r.Timestamp = time.UnixMilli(*p.Timestamp).UTC()
	}
	for _, h := range p.Headers {
		s, err := c.in.schemas.read(h.Schema)
		if err != nil {
			return nil, err
		}
		v, err := decodeValue(s, h.Value)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		r.Headers = append(r.Headers, Header{Key: h.Key, Schema: s, Value: v})
	}
	if p.Trace != nil {
		r.Trace = TraceContext{Traceparent: p.Trace.Traceparent, Tracestate: p.Trace.Tracestate}
	}
	return r, nil
}

func (c *transformCodec) encode(r *ConnectRecord) (*pb.TransformRecord, error) {
	if r.Topic == "" {
		return nil, fmt.Errorf("the transformed record has no topic")
	}
	out := &pb.TransformRecord{Topic: r.Topic, KafkaPartition: r.KafkaPartition, KafkaOffset: r.KafkaOffset, TimestampType: pb.TimestampType(r.TimestampType)}
	var err error
	if r.Key != nil || r.KeySchema != nil {
		if out.Key, err = c.out.data(r.KeySchema, r.Key); err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
	}
	if r.Value != nil || r.ValueSchema != nil {
		if out.Value, err = c.out.data(r.ValueSchema, r.Value); err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
	}
	if !r.Timestamp.IsZero() {
		ts := r.Timestamp.UnixMilli()
		out.Timestamp = &ts
	}
	for _, h := range r.Headers {
		ph := &pb.Header{Key: h.Key}
		if h.Schema != nil {
			ph.Schema = c.out.schemas.write(h.Schema)
		}
		if ph.Value, err = encodeValue(h.Schema, h.Value); err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		out.Headers = append(out.Headers, ph)
	}
	if !r.Trace.IsZero() {
		out.Trace = &pb.TraceContext{Traceparent: r.Trace.Traceparent, Tracestate: r.Trace.Tracestate}
	}
	return out, nil
}
