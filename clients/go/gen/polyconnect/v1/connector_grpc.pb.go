// The Polyconnect connector protocol, version 1.
//
// A connector process is a gRPC server. The core is the client. One process may serve
// several connector plugins (a source and a sink of the same system, say); every call names
// the plugin by its class (`connector_class`), matched against the class names and aliases
// the process announces in its handshake.
//
// ## Reaching a connector process
// - `connector.endpoint` in a connector config: a running service ("host:port",
//   "http://host:port" or "unix:/path/to.sock"), as in Docker Compose or Kubernetes.
// - A plugin directory on the worker's `plugin.path` holding a `polyconnect-plugin.json`
//   manifest: the core starts the process itself with these environment variables:
//     POLYCONNECT_LISTEN    where to listen: "unix:/path/to.sock"
//     POLYCONNECT_TOKEN     a random token the core sends as "authorization: Bearer <token>"
//                           metadata on every call; the process refuses calls without it
//                           (UNAUTHENTICATED). No token set: no check.
//     POLYCONNECT_PARENT_PID  the core's pid; the process exits when its parent dies
//   The core health-checks the process with `Health`, restarts it with back-off when it
//   dies or stops answering, and kills it (SIGTERM, then SIGKILL) when the core stops. On
//   Linux the process also gets PR_SET_PDEATHSIG, so it never outlives the core.
//
// ## Versioning
// The package is versioned (polyconnect.v1). Inside v1, fields are only ever added. Every
// call sequence starts with `Handshake`; the core offers the versions it speaks and the
// process answers with the one it chose. A process that cannot speak any offered version
// answers FAILED_PRECONDITION with a message naming the versions on both sides; a process
// that answers with a version the core did not offer is refused by the core, and the
// connector or task is marked FAILED with that cause. Every stream's Start also carries the
// negotiated version, and the connector refuses a Start with another version with a
// CONFIG error.
//
// ## Errors (protocol rule 6)
// Errors travel inside the streams as `Error` messages, so the cause is never lost with
// a closed stream. Kinds: RETRIABLE (the core retries after `retry_after_ms`, the
// connector's hint, capped by the worker's back-off), CONFIG (the task fails; the message
// says which setting), FATAL (the task fails), RECORD (one record is bad; `record_seq` or
// `kafka_*` name it; the core applies errors.tolerance and the dead letter queue).
// A gRPC status on a stream is treated as FATAL with the status message as its cause.
//
// ## The protocol rules (DESIGN.md) and where they stand in this core
//  1 batches, negotiated max message size ........ implemented (Handshake, max_message_bytes)
//  2 credit-based flow control ..................... implemented (Credit; overdraw fails the task)
//  3 commitRecord after Kafka ack, commit after
//    offsets are durable, cumulative idempotent acks implemented
//  4 sink put / flush returning durable offsets,
//    open/close, errant records ..................... implemented; errant records follow
//                                                     errors.tolerance and the dead letter queue
//  5 structured source partitions and offsets ..... implemented
//  6 typed errors in the stream .................... implemented
//  7 handshake: version and capabilities ........... implemented
//  8 heartbeats and idle timeouts .................. implemented
//  9 staged, bounded shutdown, no orphans ......... implemented
// 10 W3C trace context on batches and records ..... implemented (core and SDK spans)
// 11 Kafka Connect's data model, raw bytes ......... implemented
// 12 schemas sent once per stream, then referenced  implemented (both directions)
// 13 static spec (config definition) ............... implemented (REST config and validate)
//
// ## Transforms and predicates out of process
// A process may also serve transformations and predicates (PluginType TRANSFORMATION and
// PREDICATE in its handshake); the `Transform` service at the end of this file carries them.
// Handshake, Health, Spec and Validate are the Connector service's, with the transform's or
// predicate's class in `connector_class`.
//
// ## Converters out of process
// A process may also serve Kafka Connect converters through the `Converter` service (at the
// end of this file). It need not list them in its handshake: the core knows them from the
// plugin's scan, and a ConverterStart for a class the process does not serve gets a CONFIG
// error.
//
// ## Heartbeats (protocol rule 8)
// Both sides send `Heartbeat` when they have sent nothing else for `heartbeat_interval_ms`
// (given in Start; 0 means the side's own default, 5 s in the SDKs; an idle_timeout_ms of 0
// disables the idle check). A side that hears nothing for `idle_timeout_ms` treats the stream as
// dead: the core fails the stream, restarts the task with back-off and reports it in the
// task status. A slow source that has nothing to poll is alive as long as it heartbeats.

// Code generated by protoc-gen-go-grpc. DO NOT EDIT.
// versions:
// - protoc-gen-go-grpc v1.6.2
// - protoc             v7.35.1
// source: polyconnect/v1/connector.proto

package polyconnectv1

import (
	context "context"
	grpc "google.golang.org/grpc"
	codes "google.golang.org/grpc/codes"
	status "google.golang.org/grpc/status"
)

// This is a compile-time assertion to ensure that this generated file
// is compatible with the grpc package it is being compiled against.
// Requires gRPC-Go v1.64.0 or later.
const _ = grpc.SupportPackageIsVersion9

const (
	Connector_Handshake_FullMethodName    = "/polyconnect.v1.Connector/Handshake"
	Connector_Health_FullMethodName       = "/polyconnect.v1.Connector/Health"
	Connector_Spec_FullMethodName         = "/polyconnect.v1.Connector/Spec"
	Connector_Validate_FullMethodName     = "/polyconnect.v1.Connector/Validate"
	Connector_Run_FullMethodName          = "/polyconnect.v1.Connector/Run"
	Connector_AlterOffsets_FullMethodName = "/polyconnect.v1.Connector/AlterOffsets"
)

// ConnectorClient is the client API for Connector service.
//
// For semantics around ctx use and closing/ending streaming RPCs, please refer to https://pkg.go.dev/google.golang.org/grpc/?tab=doc#ClientConn.NewStream.
//
// ---------------------------------------------------------------------------------------
// Connector service: handshake, static spec, validation and the connector instance stream.
// ---------------------------------------------------------------------------------------
type ConnectorClient interface {
	// Protocol version and capabilities (protocol rule 7). Called first on every connection.
	Handshake(ctx context.Context, in *HandshakeRequest, opts ...grpc.CallOption) (*HandshakeResponse, error)
	// Liveness, used by the core's supervisor for processes it launched.
	Health(ctx context.Context, in *HealthRequest, opts ...grpc.CallOption) (*HealthResponse, error)
	// The plugin's static config definition (protocol rule 13), without starting anything.
	Spec(ctx context.Context, in *SpecRequest, opts ...grpc.CallOption) (*SpecResponse, error)
	// Validate a configuration: the connector's own per-field checks (Connector.validate).
	Validate(ctx context.Context, in *ValidateRequest, opts ...grpc.CallOption) (*ValidateResponse, error)
	// A running connector instance (Kafka Connect's Connector: start, taskConfigs, stop, and
	// ConnectorContext.requestTaskReconfiguration for dynamic connectors).
	//
	// Lifecycle:
	//
	//	core -> Start{config}                     connector.start(config)
	//	conn -> Started{}
	//	core -> TaskConfigsRequest{max_tasks}     connector.taskConfigs(maxTasks)
	//	conn -> TaskConfigs{configs}              at most max_tasks configs
	//	conn -> ReconfigureRequest{}              any time later: the connector's view of the
	//	                                          source system changed; the core asks for
	//	                                          task configs again and, if they differ,
	//	                                          restarts the tasks with the new ones
	//	core -> Stop{}                            connector.stop(); the connector then ends
	//	                                          its side of the stream
	//	either: Heartbeat{}, Error{}
	//
	//	conn -> OffsetsQuery{request_id, partitions}  source connectors, any time after Start
	//	                                          (from start() too, before Started):
	//	                                          SourceConnectorContext.offsetStorageReader()
	//	core -> OffsetsAnswer{request_id, offsets}    the offsets the connector's tasks resume
	//	                                          from (the same store), an absent offset
	//	                                          for a partition with none
	Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[ConnectorRequest, ConnectorResponse], error)
	// KIP-875: Kafka Connect's SourceConnector.alterOffsets / SinkConnector.alterOffsets, called
	// by `PATCH` and `DELETE /connectors/{c}/offsets` on a STOPPED connector before the offsets
	// are written, on a connector instance made for the call (no Start). An `error` fails the
	// request with its message and nothing is written; `unsupported` (Java's
	// UnsupportedOperationException) fails it with Kafka Connect's "doesn't support external
	// modification of offsets". `altered` is the method's boolean: true when the connector
	// changed offsets it keeps itself too, which only changes the answer's message. A process
	// that does not implement this call (UNIMPLEMENTED) is taken as `altered = false`, the
	// default of Kafka Connect's connectors.
	AlterOffsets(ctx context.Context, in *AlterOffsetsRequest, opts ...grpc.CallOption) (*AlterOffsetsResponse, error)
}

type connectorClient struct {
	cc grpc.ClientConnInterface
}

func NewConnectorClient(cc grpc.ClientConnInterface) ConnectorClient {
	return &connectorClient{cc}
}

func (c *connectorClient) Handshake(ctx context.Context, in *HandshakeRequest, opts ...grpc.CallOption) (*HandshakeResponse, error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(HandshakeResponse)
	err := c.cc.Invoke(ctx, Connector_Handshake_FullMethodName, in, out, cOpts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *connectorClient) Health(ctx context.Context, in *HealthRequest, opts ...grpc.CallOption) (*HealthResponse, error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(HealthResponse)
	err := c.cc.Invoke(ctx, Connector_Health_FullMethodName, in, out, cOpts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *connectorClient) Spec(ctx context.Context, in *SpecRequest, opts ...grpc.CallOption) (*SpecResponse, error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(SpecResponse)
	err := c.cc.Invoke(ctx, Connector_Spec_FullMethodName, in, out, cOpts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *connectorClient) Validate(ctx context.Context, in *ValidateRequest, opts ...grpc.CallOption) (*ValidateResponse, error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(ValidateResponse)
	err := c.cc.Invoke(ctx, Connector_Validate_FullMethodName, in, out, cOpts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *connectorClient) Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[ConnectorRequest, ConnectorResponse], error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	stream, err := c.cc.NewStream(ctx, &Connector_ServiceDesc.Streams[0], Connector_Run_FullMethodName, cOpts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[ConnectorRequest, ConnectorResponse]{ClientStream: stream}
	return x, nil
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type Connector_RunClient = grpc.BidiStreamingClient[ConnectorRequest, ConnectorResponse]

func (c *connectorClient) AlterOffsets(ctx context.Context, in *AlterOffsetsRequest, opts ...grpc.CallOption) (*AlterOffsetsResponse, error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(AlterOffsetsResponse)
	err := c.cc.Invoke(ctx, Connector_AlterOffsets_FullMethodName, in, out, cOpts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ConnectorServer is the server API for Connector service.
// All implementations must embed UnimplementedConnectorServer
// for forward compatibility.
//
// ---------------------------------------------------------------------------------------
// Connector service: handshake, static spec, validation and the connector instance stream.
// ---------------------------------------------------------------------------------------
type ConnectorServer interface {
	// Protocol version and capabilities (protocol rule 7). Called first on every connection.
	Handshake(context.Context, *HandshakeRequest) (*HandshakeResponse, error)
	// Liveness, used by the core's supervisor for processes it launched.
	Health(context.Context, *HealthRequest) (*HealthResponse, error)
	// The plugin's static config definition (protocol rule 13), without starting anything.
	Spec(context.Context, *SpecRequest) (*SpecResponse, error)
	// Validate a configuration: the connector's own per-field checks (Connector.validate).
	Validate(context.Context, *ValidateRequest) (*ValidateResponse, error)
	// A running connector instance (Kafka Connect's Connector: start, taskConfigs, stop, and
	// ConnectorContext.requestTaskReconfiguration for dynamic connectors).
	//
	// Lifecycle:
	//
	//	core -> Start{config}                     connector.start(config)
	//	conn -> Started{}
	//	core -> TaskConfigsRequest{max_tasks}     connector.taskConfigs(maxTasks)
	//	conn -> TaskConfigs{configs}              at most max_tasks configs
	//	conn -> ReconfigureRequest{}              any time later: the connector's view of the
	//	                                          source system changed; the core asks for
	//	                                          task configs again and, if they differ,
	//	                                          restarts the tasks with the new ones
	//	core -> Stop{}                            connector.stop(); the connector then ends
	//	                                          its side of the stream
	//	either: Heartbeat{}, Error{}
	//
	//	conn -> OffsetsQuery{request_id, partitions}  source connectors, any time after Start
	//	                                          (from start() too, before Started):
	//	                                          SourceConnectorContext.offsetStorageReader()
	//	core -> OffsetsAnswer{request_id, offsets}    the offsets the connector's tasks resume
	//	                                          from (the same store), an absent offset
	//	                                          for a partition with none
	Run(grpc.BidiStreamingServer[ConnectorRequest, ConnectorResponse]) error
	// KIP-875: Kafka Connect's SourceConnector.alterOffsets / SinkConnector.alterOffsets, called
	// by `PATCH` and `DELETE /connectors/{c}/offsets` on a STOPPED connector before the offsets
	// are written, on a connector instance made for the call (no Start). An `error` fails the
	// request with its message and nothing is written; `unsupported` (Java's
	// UnsupportedOperationException) fails it with Kafka Connect's "doesn't support external
	// modification of offsets". `altered` is the method's boolean: true when the connector
	// changed offsets it keeps itself too, which only changes the answer's message. A process
	// that does not implement this call (UNIMPLEMENTED) is taken as `altered = false`, the
	// default of Kafka Connect's connectors.
	AlterOffsets(context.Context, *AlterOffsetsRequest) (*AlterOffsetsResponse, error)
	mustEmbedUnimplementedConnectorServer()
}

// UnimplementedConnectorServer must be embedded to have
// forward compatible implementations.
//
// NOTE: this should be embedded by value instead of pointer to avoid a nil
// pointer dereference when methods are called.
type UnimplementedConnectorServer struct{}

func (UnimplementedConnectorServer) Handshake(context.Context, *HandshakeRequest) (*HandshakeResponse, error) {
	return nil, status.Error(codes.Unimplemented, "method Handshake not implemented")
}
func (UnimplementedConnectorServer) Health(context.Context, *HealthRequest) (*HealthResponse, error) {
	return nil, status.Error(codes.Unimplemented, "method Health not implemented")
}
func (UnimplementedConnectorServer) Spec(context.Context, *SpecRequest) (*SpecResponse, error) {
	return nil, status.Error(codes.Unimplemented, "method Spec not implemented")
}
func (UnimplementedConnectorServer) Validate(context.Context, *ValidateRequest) (*ValidateResponse, error) {
	return nil, status.Error(codes.Unimplemented, "method Validate not implemented")
}
func (UnimplementedConnectorServer) Run(grpc.BidiStreamingServer[ConnectorRequest, ConnectorResponse]) error {
	return status.Error(codes.Unimplemented, "method Run not implemented")
}
func (UnimplementedConnectorServer) AlterOffsets(context.Context, *AlterOffsetsRequest) (*AlterOffsetsResponse, error) {
	return nil, status.Error(codes.Unimplemented, "method AlterOffsets not implemented")
}
func (UnimplementedConnectorServer) mustEmbedUnimplementedConnectorServer() {}
func (UnimplementedConnectorServer) testEmbeddedByValue()                   {}

// UnsafeConnectorServer may be embedded to opt out of forward compatibility for this service.
// Use of this interface is not recommended, as added methods to ConnectorServer will
// result in compilation errors.
type UnsafeConnectorServer interface {
	mustEmbedUnimplementedConnectorServer()
}

func RegisterConnectorServer(s grpc.ServiceRegistrar, srv ConnectorServer) {
	// If the following call panics, it indicates UnimplementedConnectorServer was
	// embedded by pointer and is nil.  This will cause panics if an
	// unimplemented method is ever invoked, so we test this at initialization
	// time to prevent it from happening at runtime later due to I/O.
	if t, ok := srv.(interface{ testEmbeddedByValue() }); ok {
		t.testEmbeddedByValue()
	}
	s.RegisterService(&Connector_ServiceDesc, srv)
}

func _Connector_Handshake_Handler(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(HandshakeRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(ConnectorServer).Handshake(ctx, in)
	}
	info := &grpc.UnaryServerInfo{
		Server:     srv,
		FullMethod: Connector_Handshake_FullMethodName,
	}
	handler := func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(ConnectorServer).Handshake(ctx, req.(*HandshakeRequest))
	}
	return interceptor(ctx, in, info, handler)
}

func _Connector_Health_Handler(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(HealthRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(ConnectorServer).Health(ctx, in)
	}
	info := &grpc.UnaryServerInfo{
		Server:     srv,
		FullMethod: Connector_Health_FullMethodName,
	}
	handler := func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(ConnectorServer).Health(ctx, req.(*HealthRequest))
	}
	return interceptor(ctx, in, info, handler)
}

func _Connector_Spec_Handler(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(SpecRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(ConnectorServer).Spec(ctx, in)
	}
	info := &grpc.UnaryServerInfo{
		Server:     srv,
		FullMethod: Connector_Spec_FullMethodName,
	}
	handler := func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(ConnectorServer).Spec(ctx, req.(*SpecRequest))
	}
	return interceptor(ctx, in, info, handler)
}

func _Connector_Validate_Handler(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(ValidateRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(ConnectorServer).Validate(ctx, in)
	}
	info := &grpc.UnaryServerInfo{
		Server:     srv,
		FullMethod: Connector_Validate_FullMethodName,
	}
	handler := func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(ConnectorServer).Validate(ctx, req.(*ValidateRequest))
	}
	return interceptor(ctx, in, info, handler)
}

func _Connector_Run_Handler(srv interface{}, stream grpc.ServerStream) error {
	return srv.(ConnectorServer).Run(&grpc.GenericServerStream[ConnectorRequest, ConnectorResponse]{ServerStream: stream})
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type Connector_RunServer = grpc.BidiStreamingServer[ConnectorRequest, ConnectorResponse]

func _Connector_AlterOffsets_Handler(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(AlterOffsetsRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(ConnectorServer).AlterOffsets(ctx, in)
	}
	info := &grpc.UnaryServerInfo{
		Server:     srv,
		FullMethod: Connector_AlterOffsets_FullMethodName,
	}
	handler := func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(ConnectorServer).AlterOffsets(ctx, req.(*AlterOffsetsRequest))
	}
	return interceptor(ctx, in, info, handler)
}

// Connector_ServiceDesc is the grpc.ServiceDesc for Connector service.
// It's only intended for direct use with grpc.RegisterService,
// and not to be introspected or modified (even as a copy)
var Connector_ServiceDesc = grpc.ServiceDesc{
	ServiceName: "polyconnect.v1.Connector",
	HandlerType: (*ConnectorServer)(nil),
	Methods: []grpc.MethodDesc{
		{
			MethodName: "Handshake",
			Handler:    _Connector_Handshake_Handler,
		},
		{
			MethodName: "Health",
			Handler:    _Connector_Health_Handler,
		},
		{
			MethodName: "Spec",
			Handler:    _Connector_Spec_Handler,
		},
		{
			MethodName: "Validate",
			Handler:    _Connector_Validate_Handler,
		},
		{
			MethodName: "AlterOffsets",
			Handler:    _Connector_AlterOffsets_Handler,
		},
	},
	Streams: []grpc.StreamDesc{
		{
			StreamName:    "Run",
			Handler:       _Connector_Run_Handler,
			ServerStreams: true,
			ClientStreams: true,
		},
	},
	Metadata: "polyconnect/v1/connector.proto",
}

const (
	SourceTask_Run_FullMethodName = "/polyconnect.v1.SourceTask/Run"
)

// SourceTaskClient is the client API for SourceTask service.
//
// For semantics around ctx use and closing/ending streaming RPCs, please refer to https://pkg.go.dev/google.golang.org/grpc/?tab=doc#ClientConn.NewStream.
//
// ---------------------------------------------------------------------------------------
// Source tasks.
// ---------------------------------------------------------------------------------------
type SourceTaskClient interface {
	// One source task. Lifecycle:
	//
	//	core -> SourceStart{config, offsets}       task.start(config); the task's offsets for
	//	                                           the partitions the core knows of come with
	//	                                           it (OffsetStorageReader)
	//	conn -> Started{}
	//	core -> Credit{records, bytes}             grants (protocol rule 2); additive
	//	conn -> SourceBatch{records}               task.poll() results, one batch per poll,
	//	                                           split to fit the message size; only while
	//	                                           the grant lasts: a batch's records count
	//	                                           against `records`, their encoded size
	//	                                           against `bytes`. A batch that overdraws is
	//	                                           a protocol error and fails the task.
	//	core -> Credit{...}                        as earlier records leave the core (Kafka
	//	                                           acknowledged them), so several polls are
	//	                                           in flight and the round trip is hidden
	//	core -> CommitRecords{acks}                task.commitRecord(record, metadata) for each
	//	                                           record once Kafka acknowledged it, with its
	//	                                           topic/partition/offset, in seq order;
	//	                                           records dropped by a transform are acked
	//	                                           with `filtered` set (Kafka Connect calls
	//	                                           commitRecord with null metadata)
	//	core -> Commit{up_to_seq}                  task.commit(): the offsets of every record
	//	                                           up to seq are durably stored; a source may
	//	                                           now delete upstream data (protocol rule 3)
	//	conn -> OffsetsQuery{partitions}           an in-stream offset read (a task may ask
	//	core -> OffsetsAnswer{offsets}             again for partitions it discovers later)
	//	core -> Stop{timeout_ms}                   staged stop (protocol rule 9): the task
	//	                                           stops polling and sends Drained{last_seq};
	//	                                           the core waits for Kafka's acks up to
	//	                                           last_seq, sends the final CommitRecords and
	//	                                           Commit, then closes its side; the task calls
	//	                                           task.stop() and closes its side.
	//	either: Heartbeat{}, Error{}
	//
	// Offsets: SourceStart.offsets holds every offset stored for the connector, so a partition
	// missing there has none. A task may still send OffsetsQuery at any time, also before
	// Started (from its start method); the core answers from its store.
	//
	// Byte credit: a batch's bytes are the sum of the encoded sizes of its SourceRecord
	// messages, without the SourceBatch/SourceResponse framing; a columnar batch's, the
	// encoded size of its SourceColumns message. Both sides count the same.
	//
	// RETRIABLE errors on this stream are informational: the task polls again after
	// retry_after_ms; the core logs them and keeps the stream.
	//
	// Sequence numbers: the connector numbers its records 1, 2, 3, ... per stream (`seq`).
	// Acks are cumulative and idempotent: CommitRecords may repeat an ack already sent (after
	// a reconnect the core sends again every ack the connector may have missed), and
	// Commit{up_to_seq} covers every record up to and including up_to_seq.
	//
	// At-least-once: a record is durable in Kafka before it is acked, and its offset is
	// durable before Commit. After a crash, the task restarts from the last stored offsets
	// and may send some records again.
	Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[SourceRequest, SourceResponse], error)
}

type sourceTaskClient struct {
	cc grpc.ClientConnInterface
}

func NewSourceTaskClient(cc grpc.ClientConnInterface) SourceTaskClient {
	return &sourceTaskClient{cc}
}

func (c *sourceTaskClient) Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[SourceRequest, SourceResponse], error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	stream, err := c.cc.NewStream(ctx, &SourceTask_ServiceDesc.Streams[0], SourceTask_Run_FullMethodName, cOpts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[SourceRequest, SourceResponse]{ClientStream: stream}
	return x, nil
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type SourceTask_RunClient = grpc.BidiStreamingClient[SourceRequest, SourceResponse]

// SourceTaskServer is the server API for SourceTask service.
// All implementations must embed UnimplementedSourceTaskServer
// for forward compatibility.
//
// ---------------------------------------------------------------------------------------
// Source tasks.
// ---------------------------------------------------------------------------------------
type SourceTaskServer interface {
	// One source task. Lifecycle:
	//
	//	core -> SourceStart{config, offsets}       task.start(config); the task's offsets for
	//	                                           the partitions the core knows of come with
	//	                                           it (OffsetStorageReader)
	//	conn -> Started{}
	//	core -> Credit{records, bytes}             grants (protocol rule 2); additive
	//	conn -> SourceBatch{records}               task.poll() results, one batch per poll,
	//	                                           split to fit the message size; only while
	//	                                           the grant lasts: a batch's records count
	//	                                           against `records`, their encoded size
	//	                                           against `bytes`. A batch that overdraws is
	//	                                           a protocol error and fails the task.
	//	core -> Credit{...}                        as earlier records leave the core (Kafka
	//	                                           acknowledged them), so several polls are
	//	                                           in flight and the round trip is hidden
	//	core -> CommitRecords{acks}                task.commitRecord(record, metadata) for each
	//	                                           record once Kafka acknowledged it, with its
	//	                                           topic/partition/offset, in seq order;
	//	                                           records dropped by a transform are acked
	//	                                           with `filtered` set (Kafka Connect calls
	//	                                           commitRecord with null metadata)
	//	core -> Commit{up_to_seq}                  task.commit(): the offsets of every record
	//	                                           up to seq are durably stored; a source may
	//	                                           now delete upstream data (protocol rule 3)
	//	conn -> OffsetsQuery{partitions}           an in-stream offset read (a task may ask
	//	core -> OffsetsAnswer{offsets}             again for partitions it discovers later)
	//	core -> Stop{timeout_ms}                   staged stop (protocol rule 9): the task
	//	                                           stops polling and sends Drained{last_seq};
	//	                                           the core waits for Kafka's acks up to
	//	                                           last_seq, sends the final CommitRecords and
	//	                                           Commit, then closes its side; the task calls
	//	                                           task.stop() and closes its side.
	//	either: Heartbeat{}, Error{}
	//
	// Offsets: SourceStart.offsets holds every offset stored for the connector, so a partition
	// missing there has none. A task may still send OffsetsQuery at any time, also before
	// Started (from its start method); the core answers from its store.
	//
	// Byte credit: a batch's bytes are the sum of the encoded sizes of its SourceRecord
	// messages, without the SourceBatch/SourceResponse framing; a columnar batch's, the
	// encoded size of its SourceColumns message. Both sides count the same.
	//
	// RETRIABLE errors on this stream are informational: the task polls again after
	// retry_after_ms; the core logs them and keeps the stream.
	//
	// Sequence numbers: the connector numbers its records 1, 2, 3, ... per stream (`seq`).
	// Acks are cumulative and idempotent: CommitRecords may repeat an ack already sent (after
	// a reconnect the core sends again every ack the connector may have missed), and
	// Commit{up_to_seq} covers every record up to and including up_to_seq.
	//
	// At-least-once: a record is durable in Kafka before it is acked, and its offset is
	// durable before Commit. After a crash, the task restarts from the last stored offsets
	// and may send some records again.
	Run(grpc.BidiStreamingServer[SourceRequest, SourceResponse]) error
	mustEmbedUnimplementedSourceTaskServer()
}

// UnimplementedSourceTaskServer must be embedded to have
// forward compatible implementations.
//
// NOTE: this should be embedded by value instead of pointer to avoid a nil
// pointer dereference when methods are called.
type UnimplementedSourceTaskServer struct{}

func (UnimplementedSourceTaskServer) Run(grpc.BidiStreamingServer[SourceRequest, SourceResponse]) error {
	return status.Error(codes.Unimplemented, "method Run not implemented")
}
func (UnimplementedSourceTaskServer) mustEmbedUnimplementedSourceTaskServer() {}
func (UnimplementedSourceTaskServer) testEmbeddedByValue()                    {}

// UnsafeSourceTaskServer may be embedded to opt out of forward compatibility for this service.
// Use of this interface is not recommended, as added methods to SourceTaskServer will
// result in compilation errors.
type UnsafeSourceTaskServer interface {
	mustEmbedUnimplementedSourceTaskServer()
}

func RegisterSourceTaskServer(s grpc.ServiceRegistrar, srv SourceTaskServer) {
	// If the following call panics, it indicates UnimplementedSourceTaskServer was
	// embedded by pointer and is nil.  This will cause panics if an
	// unimplemented method is ever invoked, so we test this at initialization
	// time to prevent it from happening at runtime later due to I/O.
	if t, ok := srv.(interface{ testEmbeddedByValue() }); ok {
		t.testEmbeddedByValue()
	}
	s.RegisterService(&SourceTask_ServiceDesc, srv)
}

func _SourceTask_Run_Handler(srv interface{}, stream grpc.ServerStream) error {
	return srv.(SourceTaskServer).Run(&grpc.GenericServerStream[SourceRequest, SourceResponse]{ServerStream: stream})
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type SourceTask_RunServer = grpc.BidiStreamingServer[SourceRequest, SourceResponse]

// SourceTask_ServiceDesc is the grpc.ServiceDesc for SourceTask service.
// It's only intended for direct use with grpc.RegisterService,
// and not to be introspected or modified (even as a copy)
var SourceTask_ServiceDesc = grpc.ServiceDesc{
	ServiceName: "polyconnect.v1.SourceTask",
	HandlerType: (*SourceTaskServer)(nil),
	Methods:     []grpc.MethodDesc{},
	Streams: []grpc.StreamDesc{
		{
			StreamName:    "Run",
			Handler:       _SourceTask_Run_Handler,
			ServerStreams: true,
			ClientStreams: true,
		},
	},
	Metadata: "polyconnect/v1/connector.proto",
}

const (
	SinkTask_Run_FullMethodName = "/polyconnect.v1.SinkTask/Run"
)

// SinkTaskClient is the client API for SinkTask service.
//
// For semantics around ctx use and closing/ending streaming RPCs, please refer to https://pkg.go.dev/google.golang.org/grpc/?tab=doc#ClientConn.NewStream.
//
// ---------------------------------------------------------------------------------------
// Sink tasks.
// ---------------------------------------------------------------------------------------
type SinkTaskClient interface {
	// One sink task. Lifecycle:
	//
	//	core -> SinkStart{config}                 task.start(config)
	//	conn -> Started{max_inflight_puts}
	//	core -> Open{partitions}                  task.open(): partitions assigned
	//	core -> Put{put_id, records}              task.put(records); at most
	//	                                          `max_inflight_puts` unanswered Puts
	//	                                          (flow control, protocol rule 2)
	//	conn -> PutDone{put_id}                   put returned; its records are the
	//	                                          connector's now (not yet durable)
	//	conn -> ErrantRecord{...}                 the errant record reporter: one bad record,
	//	                                          the rest of the batch continues; the core
	//	                                          applies errors.tolerance and the DLQ
	//	core -> Flush{flush_id, offsets}          task.preCommit(offsets) / flush(offsets):
	//	                                          `offsets` are the next offsets after the
	//	                                          records put so far
	//	conn -> Flushed{flush_id, offsets}        the offsets the connector made durable; the
	//	                                          core commits exactly those for the consumer
	//	                                          group connect-<name> (protocol rule 4)
	//	core -> Close{partitions}                 task.close(): partitions revoked
	//	core -> Stop{timeout_ms}                  a final Flush comes first; then task.stop()
	//	                                          and the connector ends its side
	//	either: Heartbeat{}, Error{}
	//
	//	conn -> SinkContext{...}                  SinkTaskContext: offset(...) (rewind),
	//	                                          pause/resume(partitions), requestCommit()
	//
	// A RETRIABLE Error with `put_id` set asks the core to deliver the same Put again (same
	// put_id, same records) after the back-off (Kafka Connect's RetriableException from put);
	// the core sends no new Put meanwhile. Puts after it may already have been delivered; the
	// core delivers every Put that awaits redelivery again, in put_id order, before any new one,
	// and none is dropped by a later one. The SDKs keep per-partition order with several Puts in
	// flight (their default max_inflight_puts is 4): once a put is answered RETRIABLE, every
	// later Put that arrives before its redelivery is answered RETRIABLE too (retry_after_ms 0,
	// "held back") without reaching the task, so the task sees the records in order. A rewind
	// requested from put() (SinkContext offsets) with several Puts in flight may still see
	// records of the rewound partitions that were already sent once before the re-read (at
	// least once); a connector that needs Kafka Connect's exact behaviour sets
	// max_inflight_puts to 1.
	// ErrantRecord's topic/partition/offset are the record's original Kafka coordinates
	// (before transforms).
	//
	// Delivery guarantee (at least once): the core commits an offset only for records whose
	// Put was answered with PutDone and that the connector's Flushed names. The offsets of a
	// Flush never pass a Put that is unanswered or awaits redelivery. Offsets in Flushed
	// beyond those of the Flush it answers (or of partitions not assigned) are ignored with a
	// warning, as Kafka Connect does; a Flushed whose flush_id is not the pending Flush is
	// ignored. A Flushed with `error` set is a failed flush (preCommit/flush threw): the core
	// commits nothing and rewinds every partition to its last committed offset, so the
	// records after it are delivered again (Kafka Connect's "rewinding to last committed
	// offsets"). A Put or Flush unanswered for the worker's
	// `polyconnect.sink.put.timeout.ms` / `polyconnect.sink.flush.timeout.ms` fails the
	// stream; the task is restarted with back-off and reads again from its committed offsets.
	Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[SinkRequest, SinkResponse], error)
}

type sinkTaskClient struct {
	cc grpc.ClientConnInterface
}

func NewSinkTaskClient(cc grpc.ClientConnInterface) SinkTaskClient {
	return &sinkTaskClient{cc}
}

func (c *sinkTaskClient) Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[SinkRequest, SinkResponse], error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	stream, err := c.cc.NewStream(ctx, &SinkTask_ServiceDesc.Streams[0], SinkTask_Run_FullMethodName, cOpts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[SinkRequest, SinkResponse]{ClientStream: stream}
	return x, nil
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type SinkTask_RunClient = grpc.BidiStreamingClient[SinkRequest, SinkResponse]

// SinkTaskServer is the server API for SinkTask service.
// All implementations must embed UnimplementedSinkTaskServer
// for forward compatibility.
//
// ---------------------------------------------------------------------------------------
// Sink tasks.
// ---------------------------------------------------------------------------------------
type SinkTaskServer interface {
	// One sink task. Lifecycle:
	//
	//	core -> SinkStart{config}                 task.start(config)
	//	conn -> Started{max_inflight_puts}
	//	core -> Open{partitions}                  task.open(): partitions assigned
	//	core -> Put{put_id, records}              task.put(records); at most
	//	                                          `max_inflight_puts` unanswered Puts
	//	                                          (flow control, protocol rule 2)
	//	conn -> PutDone{put_id}                   put returned; its records are the
	//	                                          connector's now (not yet durable)
	//	conn -> ErrantRecord{...}                 the errant record reporter: one bad record,
	//	                                          the rest of the batch continues; the core
	//	                                          applies errors.tolerance and the DLQ
	//	core -> Flush{flush_id, offsets}          task.preCommit(offsets) / flush(offsets):
	//	                                          `offsets` are the next offsets after the
	//	                                          records put so far
	//	conn -> Flushed{flush_id, offsets}        the offsets the connector made durable; the
	//	                                          core commits exactly those for the consumer
	//	                                          group connect-<name> (protocol rule 4)
	//	core -> Close{partitions}                 task.close(): partitions revoked
	//	core -> Stop{timeout_ms}                  a final Flush comes first; then task.stop()
	//	                                          and the connector ends its side
	//	either: Heartbeat{}, Error{}
	//
	//	conn -> SinkContext{...}                  SinkTaskContext: offset(...) (rewind),
	//	                                          pause/resume(partitions), requestCommit()
	//
	// A RETRIABLE Error with `put_id` set asks the core to deliver the same Put again (same
	// put_id, same records) after the back-off (Kafka Connect's RetriableException from put);
	// the core sends no new Put meanwhile. Puts after it may already have been delivered; the
	// core delivers every Put that awaits redelivery again, in put_id order, before any new one,
	// and none is dropped by a later one. The SDKs keep per-partition order with several Puts in
	// flight (their default max_inflight_puts is 4): once a put is answered RETRIABLE, every
	// later Put that arrives before its redelivery is answered RETRIABLE too (retry_after_ms 0,
	// "held back") without reaching the task, so the task sees the records in order. A rewind
	// requested from put() (SinkContext offsets) with several Puts in flight may still see
	// records of the rewound partitions that were already sent once before the re-read (at
	// least once); a connector that needs Kafka Connect's exact behaviour sets
	// max_inflight_puts to 1.
	// ErrantRecord's topic/partition/offset are the record's original Kafka coordinates
	// (before transforms).
	//
	// Delivery guarantee (at least once): the core commits an offset only for records whose
	// Put was answered with PutDone and that the connector's Flushed names. The offsets of a
	// Flush never pass a Put that is unanswered or awaits redelivery. Offsets in Flushed
	// beyond those of the Flush it answers (or of partitions not assigned) are ignored with a
	// warning, as Kafka Connect does; a Flushed whose flush_id is not the pending Flush is
	// ignored. A Flushed with `error` set is a failed flush (preCommit/flush threw): the core
	// commits nothing and rewinds every partition to its last committed offset, so the
	// records after it are delivered again (Kafka Connect's "rewinding to last committed
	// offsets"). A Put or Flush unanswered for the worker's
	// `polyconnect.sink.put.timeout.ms` / `polyconnect.sink.flush.timeout.ms` fails the
	// stream; the task is restarted with back-off and reads again from its committed offsets.
	Run(grpc.BidiStreamingServer[SinkRequest, SinkResponse]) error
	mustEmbedUnimplementedSinkTaskServer()
}

// UnimplementedSinkTaskServer must be embedded to have
// forward compatible implementations.
//
// NOTE: this should be embedded by value instead of pointer to avoid a nil
// pointer dereference when methods are called.
type UnimplementedSinkTaskServer struct{}

func (UnimplementedSinkTaskServer) Run(grpc.BidiStreamingServer[SinkRequest, SinkResponse]) error {
	return status.Error(codes.Unimplemented, "method Run not implemented")
}
func (UnimplementedSinkTaskServer) mustEmbedUnimplementedSinkTaskServer() {}
func (UnimplementedSinkTaskServer) testEmbeddedByValue()                  {}

// UnsafeSinkTaskServer may be embedded to opt out of forward compatibility for this service.
// Use of this interface is not recommended, as added methods to SinkTaskServer will
// result in compilation errors.
type UnsafeSinkTaskServer interface {
	mustEmbedUnimplementedSinkTaskServer()
}

func RegisterSinkTaskServer(s grpc.ServiceRegistrar, srv SinkTaskServer) {
	// If the following call panics, it indicates UnimplementedSinkTaskServer was
	// embedded by pointer and is nil.  This will cause panics if an
	// unimplemented method is ever invoked, so we test this at initialization
	// time to prevent it from happening at runtime later due to I/O.
	if t, ok := srv.(interface{ testEmbeddedByValue() }); ok {
		t.testEmbeddedByValue()
	}
	s.RegisterService(&SinkTask_ServiceDesc, srv)
}

func _SinkTask_Run_Handler(srv interface{}, stream grpc.ServerStream) error {
	return srv.(SinkTaskServer).Run(&grpc.GenericServerStream[SinkRequest, SinkResponse]{ServerStream: stream})
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type SinkTask_RunServer = grpc.BidiStreamingServer[SinkRequest, SinkResponse]

// SinkTask_ServiceDesc is the grpc.ServiceDesc for SinkTask service.
// It's only intended for direct use with grpc.RegisterService,
// and not to be introspected or modified (even as a copy)
var SinkTask_ServiceDesc = grpc.ServiceDesc{
	ServiceName: "polyconnect.v1.SinkTask",
	HandlerType: (*SinkTaskServer)(nil),
	Methods:     []grpc.MethodDesc{},
	Streams: []grpc.StreamDesc{
		{
			StreamName:    "Run",
			Handler:       _SinkTask_Run_Handler,
			ServerStreams: true,
			ClientStreams: true,
		},
	},
	Metadata: "polyconnect/v1/connector.proto",
}

const (
	Transform_Run_FullMethodName = "/polyconnect.v1.Transform/Run"
)

// TransformClient is the client API for Transform service.
//
// For semantics around ctx use and closing/ending streaming RPCs, please refer to https://pkg.go.dev/google.golang.org/grpc/?tab=doc#ClientConn.NewStream.
//
// ---------------------------------------------------------------------------------------
// Transforms and predicates (single message transforms out of process).
// ---------------------------------------------------------------------------------------
// One stream per transform (or predicate) instance per task: the core opens it when the
// task starts (the connector's `transforms.<alias>.*` or `predicates.<alias>.*` settings,
// without the prefix, in `config`) and closes it when the task stops. Records go in
// batches (protocol rule 1): the core sends the batch of records a chain stage has to
// transform, the process answers with one outcome per record, in order. Several batches may
// be in flight; results come back in the order of the batches.
type TransformClient interface {
	// Lifecycle:
	//
	//	core -> TransformStart{class, config}      transformation.configure(config)
	//	proc -> TransformStarted{}                 (or Error CONFIG: the task fails with it)
	//	core -> TransformBatch{batch_id, records}  apply(record) / test(record) for each
	//	proc -> TransformResult{batch_id, outcomes}  one outcome per record, same order
	//	core -> Stop{}                             transformation.close(); the process then
	//	                                           ends its side of the stream
	//	either: Heartbeat{}; proc: Error{} on the stream (any kind): the stage failed as a
	//	whole and the task fails with the cause (it restarts like any failed task). A
	//	record that fails is an outcome with an Error of kind RECORD instead; one whose
	//	error_class is org.apache.kafka.connect.errors.RetriableException is retried (that
	//	record alone, through the chain) under errors.retry.*
	//
	// Schemas may be defined once per stream and referenced afterwards (protocol rule 12),
	// in each direction independently.
	Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[TransformRequest, TransformResponse], error)
}

type transformClient struct {
	cc grpc.ClientConnInterface
}

func NewTransformClient(cc grpc.ClientConnInterface) TransformClient {
	return &transformClient{cc}
}

func (c *transformClient) Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[TransformRequest, TransformResponse], error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	stream, err := c.cc.NewStream(ctx, &Transform_ServiceDesc.Streams[0], Transform_Run_FullMethodName, cOpts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[TransformRequest, TransformResponse]{ClientStream: stream}
	return x, nil
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type Transform_RunClient = grpc.BidiStreamingClient[TransformRequest, TransformResponse]

// TransformServer is the server API for Transform service.
// All implementations must embed UnimplementedTransformServer
// for forward compatibility.
//
// ---------------------------------------------------------------------------------------
// Transforms and predicates (single message transforms out of process).
// ---------------------------------------------------------------------------------------
// One stream per transform (or predicate) instance per task: the core opens it when the
// task starts (the connector's `transforms.<alias>.*` or `predicates.<alias>.*` settings,
// without the prefix, in `config`) and closes it when the task stops. Records go in
// batches (protocol rule 1): the core sends the batch of records a chain stage has to
// transform, the process answers with one outcome per record, in order. Several batches may
// be in flight; results come back in the order of the batches.
type TransformServer interface {
	// Lifecycle:
	//
	//	core -> TransformStart{class, config}      transformation.configure(config)
	//	proc -> TransformStarted{}                 (or Error CONFIG: the task fails with it)
	//	core -> TransformBatch{batch_id, records}  apply(record) / test(record) for each
	//	proc -> TransformResult{batch_id, outcomes}  one outcome per record, same order
	//	core -> Stop{}                             transformation.close(); the process then
	//	                                           ends its side of the stream
	//	either: Heartbeat{}; proc: Error{} on the stream (any kind): the stage failed as a
	//	whole and the task fails with the cause (it restarts like any failed task). A
	//	record that fails is an outcome with an Error of kind RECORD instead; one whose
	//	error_class is org.apache.kafka.connect.errors.RetriableException is retried (that
	//	record alone, through the chain) under errors.retry.*
	//
	// Schemas may be defined once per stream and referenced afterwards (protocol rule 12),
	// in each direction independently.
	Run(grpc.BidiStreamingServer[TransformRequest, TransformResponse]) error
	mustEmbedUnimplementedTransformServer()
}

// UnimplementedTransformServer must be embedded to have
// forward compatible implementations.
//
// NOTE: this should be embedded by value instead of pointer to avoid a nil
// pointer dereference when methods are called.
type UnimplementedTransformServer struct{}

func (UnimplementedTransformServer) Run(grpc.BidiStreamingServer[TransformRequest, TransformResponse]) error {
	return status.Error(codes.Unimplemented, "method Run not implemented")
}
func (UnimplementedTransformServer) mustEmbedUnimplementedTransformServer() {}
func (UnimplementedTransformServer) testEmbeddedByValue()                   {}

// UnsafeTransformServer may be embedded to opt out of forward compatibility for this service.
// Use of this interface is not recommended, as added methods to TransformServer will
// result in compilation errors.
type UnsafeTransformServer interface {
	mustEmbedUnimplementedTransformServer()
}

func RegisterTransformServer(s grpc.ServiceRegistrar, srv TransformServer) {
	// If the following call panics, it indicates UnimplementedTransformServer was
	// embedded by pointer and is nil.  This will cause panics if an
	// unimplemented method is ever invoked, so we test this at initialization
	// time to prevent it from happening at runtime later due to I/O.
	if t, ok := srv.(interface{ testEmbeddedByValue() }); ok {
		t.testEmbeddedByValue()
	}
	s.RegisterService(&Transform_ServiceDesc, srv)
}

func _Transform_Run_Handler(srv interface{}, stream grpc.ServerStream) error {
	return srv.(TransformServer).Run(&grpc.GenericServerStream[TransformRequest, TransformResponse]{ServerStream: stream})
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type Transform_RunServer = grpc.BidiStreamingServer[TransformRequest, TransformResponse]

// Transform_ServiceDesc is the grpc.ServiceDesc for Transform service.
// It's only intended for direct use with grpc.RegisterService,
// and not to be introspected or modified (even as a copy)
var Transform_ServiceDesc = grpc.ServiceDesc{
	ServiceName: "polyconnect.v1.Transform",
	HandlerType: (*TransformServer)(nil),
	Methods:     []grpc.MethodDesc{},
	Streams: []grpc.StreamDesc{
		{
			StreamName:    "Run",
			Handler:       _Transform_Run_Handler,
			ServerStreams: true,
			ClientStreams: true,
		},
	},
	Metadata: "polyconnect/v1/connector.proto",
}

const (
	Converter_Run_FullMethodName = "/polyconnect.v1.Converter/Run"
)

// ConverterClient is the client API for Converter service.
//
// For semantics around ctx use and closing/ending streaming RPCs, please refer to https://pkg.go.dev/google.golang.org/grpc/?tab=doc#ClientConn.NewStream.
//
// ---------------------------------------------------------------------------------------
// Converters (Kafka Connect's Converter out of process).
// ---------------------------------------------------------------------------------------
// One stream per converter instance per task: a task whose `key.converter`,
// `value.converter` or `header.converter` names a class a plugin process serves opens one
// when it starts (the converter's `key.converter.*` / `value.converter.*` /
// `header.converter.*` settings, without the prefix, in `config`, and `is_key`, as Kafka
// Connect passes them to configure(configs, isKey)) and closes it when it stops. Records go in batches (protocol rule 1), in one direction per
// batch: a source task's records to bytes (fromConnectData), a sink task's bytes to
// Kafka Connect data (toConnectData). One outcome per record, in order. Batches are
// answered in the order they were sent.
type ConverterClient interface {
	// Lifecycle:
	//
	//	core -> ConverterStart{class, config, is_key}  converter.configure(config, isKey)
	//	proc -> ConverterStarted{}                     (or Error CONFIG: the task fails with it)
	//	core -> ConverterBatch{batch_id, direction, records}
	//	proc -> ConverterResult{batch_id, outcomes}    one outcome per record, same order
	//	core -> Stop{}                                 close() when the converter is Closeable;
	//	                                               the process then ends its side
	//	either: Heartbeat{}; proc: Error{} on the stream (any kind): the converter failed as
	//	a whole and the task fails with the cause. A record the converter cannot convert is
	//	an outcome with an Error of kind RECORD (the core applies errors.tolerance and the
	//	dead letter queue, with `error_class` as the exception class).
	//
	// Schemas may be defined once per stream and referenced afterwards (protocol rule 12),
	// in each direction independently.
	Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[ConverterRequest, ConverterResponse], error)
}

type converterClient struct {
	cc grpc.ClientConnInterface
}

func NewConverterClient(cc grpc.ClientConnInterface) ConverterClient {
	return &converterClient{cc}
}

func (c *converterClient) Run(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[ConverterRequest, ConverterResponse], error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	stream, err := c.cc.NewStream(ctx, &Converter_ServiceDesc.Streams[0], Converter_Run_FullMethodName, cOpts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[ConverterRequest, ConverterResponse]{ClientStream: stream}
	return x, nil
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type Converter_RunClient = grpc.BidiStreamingClient[ConverterRequest, ConverterResponse]

// ConverterServer is the server API for Converter service.
// All implementations must embed UnimplementedConverterServer
// for forward compatibility.
//
// ---------------------------------------------------------------------------------------
// Converters (Kafka Connect's Converter out of process).
// ---------------------------------------------------------------------------------------
// One stream per converter instance per task: a task whose `key.converter`,
// `value.converter` or `header.converter` names a class a plugin process serves opens one
// when it starts (the converter's `key.converter.*` / `value.converter.*` /
// `header.converter.*` settings, without the prefix, in `config`, and `is_key`, as Kafka
// Connect passes them to configure(configs, isKey)) and closes it when it stops. Records go in batches (protocol rule 1), in one direction per
// batch: a source task's records to bytes (fromConnectData), a sink task's bytes to
// Kafka Connect data (toConnectData). One outcome per record, in order. Batches are
// answered in the order they were sent.
type ConverterServer interface {
	// Lifecycle:
	//
	//	core -> ConverterStart{class, config, is_key}  converter.configure(config, isKey)
	//	proc -> ConverterStarted{}                     (or Error CONFIG: the task fails with it)
	//	core -> ConverterBatch{batch_id, direction, records}
	//	proc -> ConverterResult{batch_id, outcomes}    one outcome per record, same order
	//	core -> Stop{}                                 close() when the converter is Closeable;
	//	                                               the process then ends its side
	//	either: Heartbeat{}; proc: Error{} on the stream (any kind): the converter failed as
	//	a whole and the task fails with the cause. A record the converter cannot convert is
	//	an outcome with an Error of kind RECORD (the core applies errors.tolerance and the
	//	dead letter queue, with `error_class` as the exception class).
	//
	// Schemas may be defined once per stream and referenced afterwards (protocol rule 12),
	// in each direction independently.
	Run(grpc.BidiStreamingServer[ConverterRequest, ConverterResponse]) error
	mustEmbedUnimplementedConverterServer()
}

// UnimplementedConverterServer must be embedded to have
// forward compatible implementations.
//
// NOTE: this should be embedded by value instead of pointer to avoid a nil
// pointer dereference when methods are called.
type UnimplementedConverterServer struct{}

func (UnimplementedConverterServer) Run(grpc.BidiStreamingServer[ConverterRequest, ConverterResponse]) error {
	return status.Error(codes.Unimplemented, "method Run not implemented")
}
func (UnimplementedConverterServer) mustEmbedUnimplementedConverterServer() {}
func (UnimplementedConverterServer) testEmbeddedByValue()                   {}

// UnsafeConverterServer may be embedded to opt out of forward compatibility for this service.
// Use of this interface is not recommended, as added methods to ConverterServer will
// result in compilation errors.
type UnsafeConverterServer interface {
	mustEmbedUnimplementedConverterServer()
}

func RegisterConverterServer(s grpc.ServiceRegistrar, srv ConverterServer) {
	// If the following call panics, it indicates UnimplementedConverterServer was
	// embedded by pointer and is nil.  This will cause panics if an
	// unimplemented method is ever invoked, so we test this at initialization
	// time to prevent it from happening at runtime later due to I/O.
	if t, ok := srv.(interface{ testEmbeddedByValue() }); ok {
		t.testEmbeddedByValue()
	}
	s.RegisterService(&Converter_ServiceDesc, srv)
}

func _Converter_Run_Handler(srv interface{}, stream grpc.ServerStream) error {
	return srv.(ConverterServer).Run(&grpc.GenericServerStream[ConverterRequest, ConverterResponse]{ServerStream: stream})
}

// This type alias is provided for backwards compatibility with existing code that references the prior non-generic stream type by name.
type Converter_RunServer = grpc.BidiStreamingServer[ConverterRequest, ConverterResponse]

// Converter_ServiceDesc is the grpc.ServiceDesc for Converter service.
// It's only intended for direct use with grpc.RegisterService,
// and not to be introspected or modified (even as a copy)
var Converter_ServiceDesc = grpc.ServiceDesc{
	ServiceName: "polyconnect.v1.Converter",
	HandlerType: (*ConverterServer)(nil),
	Methods:     []grpc.MethodDesc{},
	Streams: []grpc.StreamDesc{
		{
			StreamName:    "Run",
			Handler:       _Converter_Run_Handler,
			ServerStreams: true,
			ClientStreams: true,
		},
	},
	Metadata: "polyconnect/v1/connector.proto",
}
