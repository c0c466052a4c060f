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

// Code generated by protoc-gen-go. DO NOT EDIT.
// versions:
// 	protoc-gen-go v1.36.12
// 	protoc        v7.35.1
// source: polyconnect/v1/connector.proto

package polyconnectv1

import (
	protoreflect "google.golang.org/protobuf/reflect/protoreflect"
	protoimpl "google.golang.org/protobuf/runtime/protoimpl"
	reflect "reflect"
	sync "sync"
	unsafe "unsafe"
)

const (
	// Verify that this generated code is sufficiently up-to-date.
	_ = protoimpl.EnforceVersion(20 - protoimpl.MinVersion)
	// Verify that runtime/protoimpl is sufficiently up-to-date.
	_ = protoimpl.EnforceVersion(protoimpl.MaxVersion - 20)
)

type PluginType int32

const (
	PluginType_PLUGIN_TYPE_UNSPECIFIED PluginType = 0
	PluginType_SOURCE                  PluginType = 1
	PluginType_SINK                    PluginType = 2
	// A single message transform (Kafka Connect's Transformation), served by the Transform
	// service. Spec and Validate take its class in `connector_class`.
	PluginType_TRANSFORMATION PluginType = 3
	// A predicate (Kafka Connect's transforms.predicates.Predicate), served by the Transform
	// service too: it answers a boolean per record.
	PluginType_PREDICATE PluginType = 4
)

// Enum value maps for PluginType.
var (
	PluginType_name = map[int32]string{
		0: "PLUGIN_TYPE_UNSPECIFIED",
		1: "SOURCE",
		2: "SINK",
		3: "TRANSFORMATION",
		4: "PREDICATE",
	}
	PluginType_value = map[string]int32{
		"PLUGIN_TYPE_UNSPECIFIED": 0,
		"SOURCE":                  1,
		"SINK":                    2,
		"TRANSFORMATION":          3,
		"PREDICATE":               4,
	}
)

func (x PluginType) Enum() *PluginType {
	p := new(PluginType)
	*p = x
	return p
}

func (x PluginType) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (PluginType) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[0].Descriptor()
}

func (PluginType) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[0]
}

func (x PluginType) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use PluginType.Descriptor instead.
func (PluginType) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{0}
}

type ConfigType int32

const (
	ConfigType_CONFIG_TYPE_UNSPECIFIED ConfigType = 0
	ConfigType_BOOLEAN_CONFIG          ConfigType = 1
	ConfigType_STRING_CONFIG           ConfigType = 2
	ConfigType_INT_CONFIG              ConfigType = 3
	ConfigType_SHORT_CONFIG            ConfigType = 4
	ConfigType_LONG_CONFIG             ConfigType = 5
	ConfigType_DOUBLE_CONFIG           ConfigType = 6
	ConfigType_LIST_CONFIG             ConfigType = 7
	ConfigType_CLASS_CONFIG            ConfigType = 8
	ConfigType_PASSWORD_CONFIG         ConfigType = 9
)

// Enum value maps for ConfigType.
var (
	ConfigType_name = map[int32]string{
		0: "CONFIG_TYPE_UNSPECIFIED",
		1: "BOOLEAN_CONFIG",
		2: "STRING_CONFIG",
		3: "INT_CONFIG",
		4: "SHORT_CONFIG",
		5: "LONG_CONFIG",
		6: "DOUBLE_CONFIG",
		7: "LIST_CONFIG",
		8: "CLASS_CONFIG",
		9: "PASSWORD_CONFIG",
	}
	ConfigType_value = map[string]int32{
		"CONFIG_TYPE_UNSPECIFIED": 0,
		"BOOLEAN_CONFIG":          1,
		"STRING_CONFIG":           2,
		"INT_CONFIG":              3,
		"SHORT_CONFIG":            4,
		"LONG_CONFIG":             5,
		"DOUBLE_CONFIG":           6,
		"LIST_CONFIG":             7,
		"CLASS_CONFIG":            8,
		"PASSWORD_CONFIG":         9,
	}
)

func (x ConfigType) Enum() *ConfigType {
	p := new(ConfigType)
	*p = x
	return p
}

func (x ConfigType) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (ConfigType) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[1].Descriptor()
}

func (ConfigType) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[1]
}

func (x ConfigType) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use ConfigType.Descriptor instead.
func (ConfigType) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{1}
}

type Importance int32

const (
	Importance_IMPORTANCE_UNSPECIFIED Importance = 0
	Importance_HIGH                   Importance = 1
	Importance_MEDIUM                 Importance = 2
	Importance_LOW                    Importance = 3
)

// Enum value maps for Importance.
var (
	Importance_name = map[int32]string{
		0: "IMPORTANCE_UNSPECIFIED",
		1: "HIGH",
		2: "MEDIUM",
		3: "LOW",
	}
	Importance_value = map[string]int32{
		"IMPORTANCE_UNSPECIFIED": 0,
		"HIGH":                   1,
		"MEDIUM":                 2,
		"LOW":                    3,
	}
)

func (x Importance) Enum() *Importance {
	p := new(Importance)
	*p = x
	return p
}

func (x Importance) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (Importance) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[2].Descriptor()
}

func (Importance) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[2]
}

func (x Importance) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use Importance.Descriptor instead.
func (Importance) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{2}
}

type Width int32

const (
	Width_WIDTH_UNSPECIFIED Width = 0
	Width_NONE              Width = 1
	Width_SHORT             Width = 2
	Width_MEDIUM_WIDTH      Width = 3
	Width_LONG              Width = 4
)

// Enum value maps for Width.
var (
	Width_name = map[int32]string{
		0: "WIDTH_UNSPECIFIED",
		1: "NONE",
		2: "SHORT",
		3: "MEDIUM_WIDTH",
		4: "LONG",
	}
	Width_value = map[string]int32{
		"WIDTH_UNSPECIFIED": 0,
		"NONE":              1,
		"SHORT":             2,
		"MEDIUM_WIDTH":      3,
		"LONG":              4,
	}
)

func (x Width) Enum() *Width {
	p := new(Width)
	*p = x
	return p
}

func (x Width) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (Width) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[3].Descriptor()
}

func (Width) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[3]
}

func (x Width) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use Width.Descriptor instead.
func (Width) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{3}
}

// Kafka Connect's ExactlyOnceSupport. Values are prefixed: proto enum values share the
// package's scope.
type ExactlyOnceSupport int32

const (
	// Not declared (SourceConnector.exactlyOnceSupport returned null, its default).
	ExactlyOnceSupport_EXACTLY_ONCE_SUPPORT_UNSPECIFIED ExactlyOnceSupport = 0
	ExactlyOnceSupport_EXACTLY_ONCE_SUPPORTED           ExactlyOnceSupport = 1
	ExactlyOnceSupport_EXACTLY_ONCE_UNSUPPORTED         ExactlyOnceSupport = 2
)

// Enum value maps for ExactlyOnceSupport.
var (
	ExactlyOnceSupport_name = map[int32]string{
		0: "EXACTLY_ONCE_SUPPORT_UNSPECIFIED",
		1: "EXACTLY_ONCE_SUPPORTED",
		2: "EXACTLY_ONCE_UNSUPPORTED",
	}
	ExactlyOnceSupport_value = map[string]int32{
		"EXACTLY_ONCE_SUPPORT_UNSPECIFIED": 0,
		"EXACTLY_ONCE_SUPPORTED":           1,
		"EXACTLY_ONCE_UNSUPPORTED":         2,
	}
)

func (x ExactlyOnceSupport) Enum() *ExactlyOnceSupport {
	p := new(ExactlyOnceSupport)
	*p = x
	return p
}

func (x ExactlyOnceSupport) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (ExactlyOnceSupport) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[4].Descriptor()
}

func (ExactlyOnceSupport) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[4]
}

func (x ExactlyOnceSupport) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use ExactlyOnceSupport.Descriptor instead.
func (ExactlyOnceSupport) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{4}
}

// Kafka Connect's ConnectorTransactionBoundaries.
type TransactionBoundarySupport int32

const (
	// Not declared: treated as UNSUPPORTED (Kafka Connect's default).
	TransactionBoundarySupport_TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED TransactionBoundarySupport = 0
	TransactionBoundarySupport_TRANSACTION_BOUNDARIES_SUPPORTED         TransactionBoundarySupport = 1
	TransactionBoundarySupport_TRANSACTION_BOUNDARIES_UNSUPPORTED       TransactionBoundarySupport = 2
)

// Enum value maps for TransactionBoundarySupport.
var (
	TransactionBoundarySupport_name = map[int32]string{
		0: "TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED",
		1: "TRANSACTION_BOUNDARIES_SUPPORTED",
		2: "TRANSACTION_BOUNDARIES_UNSUPPORTED",
	}
	TransactionBoundarySupport_value = map[string]int32{
		"TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED": 0,
		"TRANSACTION_BOUNDARIES_SUPPORTED":         1,
		"TRANSACTION_BOUNDARIES_UNSUPPORTED":       2,
	}
)

func (x TransactionBoundarySupport) Enum() *TransactionBoundarySupport {
	p := new(TransactionBoundarySupport)
	*p = x
	return p
}

func (x TransactionBoundarySupport) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (TransactionBoundarySupport) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[5].Descriptor()
}

func (TransactionBoundarySupport) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[5]
}

func (x TransactionBoundarySupport) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use TransactionBoundarySupport.Descriptor instead.
func (TransactionBoundarySupport) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{5}
}

type ErrorKind int32

const (
	ErrorKind_ERROR_KIND_UNSPECIFIED ErrorKind = 0
	ErrorKind_RETRIABLE              ErrorKind = 1
	ErrorKind_CONFIG                 ErrorKind = 2
	ErrorKind_FATAL                  ErrorKind = 3
	ErrorKind_RECORD                 ErrorKind = 4
)

// Enum value maps for ErrorKind.
var (
	ErrorKind_name = map[int32]string{
		0: "ERROR_KIND_UNSPECIFIED",
		1: "RETRIABLE",
		2: "CONFIG",
		3: "FATAL",
		4: "RECORD",
	}
	ErrorKind_value = map[string]int32{
		"ERROR_KIND_UNSPECIFIED": 0,
		"RETRIABLE":              1,
		"CONFIG":                 2,
		"FATAL":                  3,
		"RECORD":                 4,
	}
)

func (x ErrorKind) Enum() *ErrorKind {
	p := new(ErrorKind)
	*p = x
	return p
}

func (x ErrorKind) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (ErrorKind) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[6].Descriptor()
}

func (ErrorKind) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[6]
}

func (x ErrorKind) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use ErrorKind.Descriptor instead.
func (ErrorKind) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{6}
}

type DataColumnType int32

const (
	// Every row's key (value) null and schemaless, the same as an absent column.
	DataColumnType_DATA_COLUMN_TYPE_NULL DataColumnType = 0
	// Structured STRING values (or schemaless strings), in `strings`.
	DataColumnType_DATA_COLUMN_TYPE_STRING DataColumnType = 1
	// Structured BYTES values (or schemaless bytes), in `bytes`.
	DataColumnType_DATA_COLUMN_TYPE_BYTES DataColumnType = 2
	// Raw bytes (RecordData.raw, capability "raw_bytes"), in `bytes`.
	DataColumnType_DATA_COLUMN_TYPE_RAW DataColumnType = 3
)

// Enum value maps for DataColumnType.
var (
	DataColumnType_name = map[int32]string{
		0: "DATA_COLUMN_TYPE_NULL",
		1: "DATA_COLUMN_TYPE_STRING",
		2: "DATA_COLUMN_TYPE_BYTES",
		3: "DATA_COLUMN_TYPE_RAW",
	}
	DataColumnType_value = map[string]int32{
		"DATA_COLUMN_TYPE_NULL":   0,
		"DATA_COLUMN_TYPE_STRING": 1,
		"DATA_COLUMN_TYPE_BYTES":  2,
		"DATA_COLUMN_TYPE_RAW":    3,
	}
)

func (x DataColumnType) Enum() *DataColumnType {
	p := new(DataColumnType)
	*p = x
	return p
}

func (x DataColumnType) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (DataColumnType) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[7].Descriptor()
}

func (DataColumnType) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[7]
}

func (x DataColumnType) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use DataColumnType.Descriptor instead.
func (DataColumnType) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{7}
}

// What happens to the open transaction after a record (connector-defined boundaries).
//
//	COMMIT: the records up to this one and their offsets are committed; then the core sends
//	        their CommitRecords and Commit.
//	ABORT:  the records of the transaction up to this one are discarded (a read_committed
//	        consumer never sees them); as in Kafka Connect, their offsets are still
//	        committed (in a transaction of their own, right after the abort) so they are
//	        not produced again, and they are acked with `filtered` set (they are in no
//	        committed transaction). A connector that wants them produced again fails
//	        instead, or gives the aborted records the offsets to resume from.
//
// The core commits a connector-defined transaction nowhere else: not on
// offset.flush.interval.ms, not at a stop (an open transaction is aborted and its records
// are produced again from the committed offsets), not when the task is paused.
type TransactionAction int32

const (
	TransactionAction_TRANSACTION_ACTION_NONE TransactionAction = 0
	TransactionAction_COMMIT_TRANSACTION      TransactionAction = 1
	TransactionAction_ABORT_TRANSACTION       TransactionAction = 2
)

// Enum value maps for TransactionAction.
var (
	TransactionAction_name = map[int32]string{
		0: "TRANSACTION_ACTION_NONE",
		1: "COMMIT_TRANSACTION",
		2: "ABORT_TRANSACTION",
	}
	TransactionAction_value = map[string]int32{
		"TRANSACTION_ACTION_NONE": 0,
		"COMMIT_TRANSACTION":      1,
		"ABORT_TRANSACTION":       2,
	}
)

func (x TransactionAction) Enum() *TransactionAction {
	p := new(TransactionAction)
	*p = x
	return p
}

func (x TransactionAction) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (TransactionAction) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[8].Descriptor()
}

func (TransactionAction) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[8]
}

func (x TransactionAction) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use TransactionAction.Descriptor instead.
func (TransactionAction) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{8}
}

type TimestampType int32

const (
	TimestampType_NO_TIMESTAMP_TYPE TimestampType = 0
	TimestampType_CREATE_TIME       TimestampType = 1
	TimestampType_LOG_APPEND_TIME   TimestampType = 2
)

// Enum value maps for TimestampType.
var (
	TimestampType_name = map[int32]string{
		0: "NO_TIMESTAMP_TYPE",
		1: "CREATE_TIME",
		2: "LOG_APPEND_TIME",
	}
	TimestampType_value = map[string]int32{
		"NO_TIMESTAMP_TYPE": 0,
		"CREATE_TIME":       1,
		"LOG_APPEND_TIME":   2,
	}
)

func (x TimestampType) Enum() *TimestampType {
	p := new(TimestampType)
	*p = x
	return p
}

func (x TimestampType) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (TimestampType) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[9].Descriptor()
}

func (TimestampType) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[9]
}

func (x TimestampType) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use TimestampType.Descriptor instead.
func (TimestampType) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{9}
}

type ConversionDirection int32

const (
	ConversionDirection_CONVERSION_DIRECTION_UNSPECIFIED ConversionDirection = 0
	// Kafka Connect data to bytes: fromConnectData(topic, headers, schema, value).
	ConversionDirection_FROM_CONNECT_DATA ConversionDirection = 1
	// Bytes to Kafka Connect data: toConnectData(topic, headers, bytes).
	ConversionDirection_TO_CONNECT_DATA ConversionDirection = 2
)

// Enum value maps for ConversionDirection.
var (
	ConversionDirection_name = map[int32]string{
		0: "CONVERSION_DIRECTION_UNSPECIFIED",
		1: "FROM_CONNECT_DATA",
		2: "TO_CONNECT_DATA",
	}
	ConversionDirection_value = map[string]int32{
		"CONVERSION_DIRECTION_UNSPECIFIED": 0,
		"FROM_CONNECT_DATA":                1,
		"TO_CONNECT_DATA":                  2,
	}
)

func (x ConversionDirection) Enum() *ConversionDirection {
	p := new(ConversionDirection)
	*p = x
	return p
}

func (x ConversionDirection) String() string {
	return protoimpl.X.EnumStringOf(x.Descriptor(), protoreflect.EnumNumber(x))
}

func (ConversionDirection) Descriptor() protoreflect.EnumDescriptor {
	return file_polyconnect_v1_connector_proto_enumTypes[10].Descriptor()
}

func (ConversionDirection) Type() protoreflect.EnumType {
	return &file_polyconnect_v1_connector_proto_enumTypes[10]
}

func (x ConversionDirection) Number() protoreflect.EnumNumber {
	return protoreflect.EnumNumber(x)
}

// Deprecated: Use ConversionDirection.Descriptor instead.
func (ConversionDirection) EnumDescriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{10}
}

type HandshakeRequest struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The protocol versions the core speaks, newest first. This core speaks [1].
	ProtocolVersions []uint32 `protobuf:"varint,1,rep,packed,name=protocol_versions,json=protocolVersions,proto3" json:"protocol_versions,omitempty"`
	// The core's version, for logs.
	CoreVersion string `protobuf:"bytes,2,opt,name=core_version,json=coreVersion,proto3" json:"core_version,omitempty"`
	// The largest gRPC message the core accepts and will send (protocol rule 1). The
	// connector answers with its own limit; both sides then use the smaller of the two.
	MaxMessageBytes uint64 `protobuf:"varint,3,opt,name=max_message_bytes,json=maxMessageBytes,proto3" json:"max_message_bytes,omitempty"`
	// Capabilities the core supports (see Capabilities).
	Capabilities  *Capabilities `protobuf:"bytes,4,opt,name=capabilities,proto3" json:"capabilities,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *HandshakeRequest) Reset() {
	*x = HandshakeRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[0]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *HandshakeRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*HandshakeRequest) ProtoMessage() {}

func (x *HandshakeRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[0]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use HandshakeRequest.ProtoReflect.Descriptor instead.
func (*HandshakeRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{0}
}

func (x *HandshakeRequest) GetProtocolVersions() []uint32 {
	if x != nil {
		return x.ProtocolVersions
	}
	return nil
}

func (x *HandshakeRequest) GetCoreVersion() string {
	if x != nil {
		return x.CoreVersion
	}
	return ""
}

func (x *HandshakeRequest) GetMaxMessageBytes() uint64 {
	if x != nil {
		return x.MaxMessageBytes
	}
	return 0
}

func (x *HandshakeRequest) GetCapabilities() *Capabilities {
	if x != nil {
		return x.Capabilities
	}
	return nil
}

type Capabilities struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Records may carry raw (already serialized) keys and values.
	RawBytes bool `protobuf:"varint,1,opt,name=raw_bytes,json=rawBytes,proto3" json:"raw_bytes,omitempty"`
	// Schemas may be defined once per stream and referenced by id afterwards.
	SchemaReferences bool `protobuf:"varint,2,opt,name=schema_references,json=schemaReferences,proto3" json:"schema_references,omitempty"`
	// Trace context on batches and records (protocol rule 10).
	TraceContext bool `protobuf:"varint,3,opt,name=trace_context,json=traceContext,proto3" json:"trace_context,omitempty"`
	// Puts may carry their records in columns (`Put.columns`, SinkColumns) instead of rows.
	// The core sends a Put in columns only when every field of its records fits them and it
	// has enough records for columns to be the smaller form; any other Put still comes as
	// rows, so an SDK that announces this reads both forms.
	ColumnarPuts bool `protobuf:"varint,4,opt,name=columnar_puts,json=columnarPuts,proto3" json:"columnar_puts,omitempty"`
	// Source batches may carry their records column by column (SourceBatch.columns,
	// SourceColumns). The core offers it; an SDK that sends columns answers true, and sends
	// them only when both sides agree (a core without it would ignore the field and lose the
	// records). Rows stay valid: a poll whose records do not fit the columns goes as rows.
	ColumnarSourceBatches bool `protobuf:"varint,5,opt,name=columnar_source_batches,json=columnarSourceBatches,proto3" json:"columnar_source_batches,omitempty"`
	unknownFields         protoimpl.UnknownFields
	sizeCache             protoimpl.SizeCache
}

func (x *Capabilities) Reset() {
	*x = Capabilities{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[1]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Capabilities) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Capabilities) ProtoMessage() {}

func (x *Capabilities) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[1]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Capabilities.ProtoReflect.Descriptor instead.
func (*Capabilities) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{1}
}

func (x *Capabilities) GetRawBytes() bool {
	if x != nil {
		return x.RawBytes
	}
	return false
}

func (x *Capabilities) GetSchemaReferences() bool {
	if x != nil {
		return x.SchemaReferences
	}
	return false
}

func (x *Capabilities) GetTraceContext() bool {
	if x != nil {
		return x.TraceContext
	}
	return false
}

func (x *Capabilities) GetColumnarPuts() bool {
	if x != nil {
		return x.ColumnarPuts
	}
	return false
}

func (x *Capabilities) GetColumnarSourceBatches() bool {
	if x != nil {
		return x.ColumnarSourceBatches
	}
	return false
}

type HandshakeResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The version chosen, one of the offered versions.
	ProtocolVersion uint32 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	// The SDK's language and version ("python", "0.1.0"), for logs and the plugin listing.
	SdkLanguage     string        `protobuf:"bytes,2,opt,name=sdk_language,json=sdkLanguage,proto3" json:"sdk_language,omitempty"`
	SdkVersion      string        `protobuf:"bytes,3,opt,name=sdk_version,json=sdkVersion,proto3" json:"sdk_version,omitempty"`
	MaxMessageBytes uint64        `protobuf:"varint,4,opt,name=max_message_bytes,json=maxMessageBytes,proto3" json:"max_message_bytes,omitempty"`
	Capabilities    *Capabilities `protobuf:"bytes,5,opt,name=capabilities,proto3" json:"capabilities,omitempty"`
	// The plugins this process serves.
	Plugins       []*PluginInfo `protobuf:"bytes,6,rep,name=plugins,proto3" json:"plugins,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *HandshakeResponse) Reset() {
	*x = HandshakeResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[2]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *HandshakeResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*HandshakeResponse) ProtoMessage() {}

func (x *HandshakeResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[2]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use HandshakeResponse.ProtoReflect.Descriptor instead.
func (*HandshakeResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{2}
}

func (x *HandshakeResponse) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *HandshakeResponse) GetSdkLanguage() string {
	if x != nil {
		return x.SdkLanguage
	}
	return ""
}

func (x *HandshakeResponse) GetSdkVersion() string {
	if x != nil {
		return x.SdkVersion
	}
	return ""
}

func (x *HandshakeResponse) GetMaxMessageBytes() uint64 {
	if x != nil {
		return x.MaxMessageBytes
	}
	return 0
}

func (x *HandshakeResponse) GetCapabilities() *Capabilities {
	if x != nil {
		return x.Capabilities
	}
	return nil
}

func (x *HandshakeResponse) GetPlugins() []*PluginInfo {
	if x != nil {
		return x.Plugins
	}
	return nil
}

type PluginInfo struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The canonical class name, e.g. "FileStreamSource".
	ClassName string `protobuf:"bytes,1,opt,name=class_name,json=className,proto3" json:"class_name,omitempty"`
	// Other names a connector config may use in `connector.class`, e.g. Kafka Connect's
	// "org.apache.kafka.connect.file.FileStreamSourceConnector".
	Aliases       []string   `protobuf:"bytes,2,rep,name=aliases,proto3" json:"aliases,omitempty"`
	Type          PluginType `protobuf:"varint,3,opt,name=type,proto3,enum=polyconnect.v1.PluginType" json:"type,omitempty"`
	Version       string     `protobuf:"bytes,4,opt,name=version,proto3" json:"version,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *PluginInfo) Reset() {
	*x = PluginInfo{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[3]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *PluginInfo) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*PluginInfo) ProtoMessage() {}

func (x *PluginInfo) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[3]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use PluginInfo.ProtoReflect.Descriptor instead.
func (*PluginInfo) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{3}
}

func (x *PluginInfo) GetClassName() string {
	if x != nil {
		return x.ClassName
	}
	return ""
}

func (x *PluginInfo) GetAliases() []string {
	if x != nil {
		return x.Aliases
	}
	return nil
}

func (x *PluginInfo) GetType() PluginType {
	if x != nil {
		return x.Type
	}
	return PluginType_PLUGIN_TYPE_UNSPECIFIED
}

func (x *PluginInfo) GetVersion() string {
	if x != nil {
		return x.Version
	}
	return ""
}

type HealthRequest struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *HealthRequest) Reset() {
	*x = HealthRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[4]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *HealthRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*HealthRequest) ProtoMessage() {}

func (x *HealthRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[4]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use HealthRequest.ProtoReflect.Descriptor instead.
func (*HealthRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{4}
}

type HealthResponse struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Serving       bool                   `protobuf:"varint,1,opt,name=serving,proto3" json:"serving,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *HealthResponse) Reset() {
	*x = HealthResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[5]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *HealthResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*HealthResponse) ProtoMessage() {}

func (x *HealthResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[5]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use HealthResponse.ProtoReflect.Descriptor instead.
func (*HealthResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{5}
}

func (x *HealthResponse) GetServing() bool {
	if x != nil {
		return x.Serving
	}
	return false
}

type SpecRequest struct {
	state          protoimpl.MessageState `protogen:"open.v1"`
	ConnectorClass string                 `protobuf:"bytes,1,opt,name=connector_class,json=connectorClass,proto3" json:"connector_class,omitempty"`
	unknownFields  protoimpl.UnknownFields
	sizeCache      protoimpl.SizeCache
}

func (x *SpecRequest) Reset() {
	*x = SpecRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[6]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SpecRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SpecRequest) ProtoMessage() {}

func (x *SpecRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[6]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SpecRequest.ProtoReflect.Descriptor instead.
func (*SpecRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{6}
}

func (x *SpecRequest) GetConnectorClass() string {
	if x != nil {
		return x.ConnectorClass
	}
	return ""
}

type SpecResponse struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Plugin        *PluginInfo            `protobuf:"bytes,1,opt,name=plugin,proto3" json:"plugin,omitempty"`
	Config        []*ConfigKey           `protobuf:"bytes,2,rep,name=config,proto3" json:"config,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SpecResponse) Reset() {
	*x = SpecResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[7]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SpecResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SpecResponse) ProtoMessage() {}

func (x *SpecResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[7]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SpecResponse.ProtoReflect.Descriptor instead.
func (*SpecResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{7}
}

func (x *SpecResponse) GetPlugin() *PluginInfo {
	if x != nil {
		return x.Plugin
	}
	return nil
}

func (x *SpecResponse) GetConfig() []*ConfigKey {
	if x != nil {
		return x.Config
	}
	return nil
}

// A configuration key, as in Kafka Connect's ConfigDef.ConfigKey.
type ConfigKey struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	Name  string                 `protobuf:"bytes,1,opt,name=name,proto3" json:"name,omitempty"`
	Type  ConfigType             `protobuf:"varint,2,opt,name=type,proto3,enum=polyconnect.v1.ConfigType" json:"type,omitempty"`
	// The default, in its string form (as in a .properties file). Absent: no default, and
	// the key is required.
	DefaultValue  *string    `protobuf:"bytes,3,opt,name=default_value,json=defaultValue,proto3,oneof" json:"default_value,omitempty"`
	Importance    Importance `protobuf:"varint,4,opt,name=importance,proto3,enum=polyconnect.v1.Importance" json:"importance,omitempty"`
	Documentation string     `protobuf:"bytes,5,opt,name=documentation,proto3" json:"documentation,omitempty"`
	Group         string     `protobuf:"bytes,6,opt,name=group,proto3" json:"group,omitempty"`
	OrderInGroup  int32      `protobuf:"varint,7,opt,name=order_in_group,json=orderInGroup,proto3" json:"order_in_group,omitempty"`
	Width         Width      `protobuf:"varint,8,opt,name=width,proto3,enum=polyconnect.v1.Width" json:"width,omitempty"`
	DisplayName   string     `protobuf:"bytes,9,opt,name=display_name,json=displayName,proto3" json:"display_name,omitempty"`
	Dependents    []string   `protobuf:"bytes,10,rep,name=dependents,proto3" json:"dependents,omitempty"`
	Validator     *Validator `protobuf:"bytes,11,opt,name=validator,proto3" json:"validator,omitempty"`
	// A secret: never logged, masked in the REST API. True for PASSWORD keys.
	Secret        bool `protobuf:"varint,12,opt,name=secret,proto3" json:"secret,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConfigKey) Reset() {
	*x = ConfigKey{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[8]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConfigKey) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConfigKey) ProtoMessage() {}

func (x *ConfigKey) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[8]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConfigKey.ProtoReflect.Descriptor instead.
func (*ConfigKey) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{8}
}

func (x *ConfigKey) GetName() string {
	if x != nil {
		return x.Name
	}
	return ""
}

func (x *ConfigKey) GetType() ConfigType {
	if x != nil {
		return x.Type
	}
	return ConfigType_CONFIG_TYPE_UNSPECIFIED
}

func (x *ConfigKey) GetDefaultValue() string {
	if x != nil && x.DefaultValue != nil {
		return *x.DefaultValue
	}
	return ""
}

func (x *ConfigKey) GetImportance() Importance {
	if x != nil {
		return x.Importance
	}
	return Importance_IMPORTANCE_UNSPECIFIED
}

func (x *ConfigKey) GetDocumentation() string {
	if x != nil {
		return x.Documentation
	}
	return ""
}

func (x *ConfigKey) GetGroup() string {
	if x != nil {
		return x.Group
	}
	return ""
}

func (x *ConfigKey) GetOrderInGroup() int32 {
	if x != nil {
		return x.OrderInGroup
	}
	return 0
}

func (x *ConfigKey) GetWidth() Width {
	if x != nil {
		return x.Width
	}
	return Width_WIDTH_UNSPECIFIED
}

func (x *ConfigKey) GetDisplayName() string {
	if x != nil {
		return x.DisplayName
	}
	return ""
}

func (x *ConfigKey) GetDependents() []string {
	if x != nil {
		return x.Dependents
	}
	return nil
}

func (x *ConfigKey) GetValidator() *Validator {
	if x != nil {
		return x.Validator
	}
	return nil
}

func (x *ConfigKey) GetSecret() bool {
	if x != nil {
		return x.Secret
	}
	return false
}

// Validators the core can apply itself, without a call, like Kafka Connect's built-in ones.
type Validator struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Kind:
	//
	//	*Validator_Range
	//	*Validator_ValidString
	//	*Validator_NonEmptyString
	//	*Validator_ValidList
	Kind isValidator_Kind `protobuf_oneof:"kind"`
	// Human-readable form, shown in documentation ("[1,...]").
	Description   string `protobuf:"bytes,10,opt,name=description,proto3" json:"description,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Validator) Reset() {
	*x = Validator{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[9]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Validator) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Validator) ProtoMessage() {}

func (x *Validator) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[9]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Validator.ProtoReflect.Descriptor instead.
func (*Validator) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{9}
}

func (x *Validator) GetKind() isValidator_Kind {
	if x != nil {
		return x.Kind
	}
	return nil
}

func (x *Validator) GetRange() *Range {
	if x != nil {
		if x, ok := x.Kind.(*Validator_Range); ok {
			return x.Range
		}
	}
	return nil
}

func (x *Validator) GetValidString() *ValidString {
	if x != nil {
		if x, ok := x.Kind.(*Validator_ValidString); ok {
			return x.ValidString
		}
	}
	return nil
}

func (x *Validator) GetNonEmptyString() *NonEmptyString {
	if x != nil {
		if x, ok := x.Kind.(*Validator_NonEmptyString); ok {
			return x.NonEmptyString
		}
	}
	return nil
}

func (x *Validator) GetValidList() *ValidList {
	if x != nil {
		if x, ok := x.Kind.(*Validator_ValidList); ok {
			return x.ValidList
		}
	}
	return nil
}

func (x *Validator) GetDescription() string {
	if x != nil {
		return x.Description
	}
	return ""
}

type isValidator_Kind interface {
	isValidator_Kind()
}

type Validator_Range struct {
	Range *Range `protobuf:"bytes,1,opt,name=range,proto3,oneof"`
}

type Validator_ValidString struct {
	ValidString *ValidString `protobuf:"bytes,2,opt,name=valid_string,json=validString,proto3,oneof"`
}

type Validator_NonEmptyString struct {
	NonEmptyString *NonEmptyString `protobuf:"bytes,3,opt,name=non_empty_string,json=nonEmptyString,proto3,oneof"`
}

type Validator_ValidList struct {
	ValidList *ValidList `protobuf:"bytes,4,opt,name=valid_list,json=validList,proto3,oneof"`
}

func (*Validator_Range) isValidator_Kind() {}

func (*Validator_ValidString) isValidator_Kind() {}

func (*Validator_NonEmptyString) isValidator_Kind() {}

func (*Validator_ValidList) isValidator_Kind() {}

type Range struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Min           *float64               `protobuf:"fixed64,1,opt,name=min,proto3,oneof" json:"min,omitempty"`
	Max           *float64               `protobuf:"fixed64,2,opt,name=max,proto3,oneof" json:"max,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Range) Reset() {
	*x = Range{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[10]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Range) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Range) ProtoMessage() {}

func (x *Range) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[10]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Range.ProtoReflect.Descriptor instead.
func (*Range) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{10}
}

func (x *Range) GetMin() float64 {
	if x != nil && x.Min != nil {
		return *x.Min
	}
	return 0
}

func (x *Range) GetMax() float64 {
	if x != nil && x.Max != nil {
		return *x.Max
	}
	return 0
}

type ValidString struct {
	state           protoimpl.MessageState `protogen:"open.v1"`
	Allowed         []string               `protobuf:"bytes,1,rep,name=allowed,proto3" json:"allowed,omitempty"`
	CaseInsensitive bool                   `protobuf:"varint,2,opt,name=case_insensitive,json=caseInsensitive,proto3" json:"case_insensitive,omitempty"`
	unknownFields   protoimpl.UnknownFields
	sizeCache       protoimpl.SizeCache
}

func (x *ValidString) Reset() {
	*x = ValidString{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[11]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ValidString) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ValidString) ProtoMessage() {}

func (x *ValidString) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[11]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ValidString.ProtoReflect.Descriptor instead.
func (*ValidString) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{11}
}

func (x *ValidString) GetAllowed() []string {
	if x != nil {
		return x.Allowed
	}
	return nil
}

func (x *ValidString) GetCaseInsensitive() bool {
	if x != nil {
		return x.CaseInsensitive
	}
	return false
}

type NonEmptyString struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *NonEmptyString) Reset() {
	*x = NonEmptyString{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[12]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *NonEmptyString) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*NonEmptyString) ProtoMessage() {}

func (x *NonEmptyString) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[12]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use NonEmptyString.ProtoReflect.Descriptor instead.
func (*NonEmptyString) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{12}
}

type ValidList struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Allowed       []string               `protobuf:"bytes,1,rep,name=allowed,proto3" json:"allowed,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ValidList) Reset() {
	*x = ValidList{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[13]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ValidList) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ValidList) ProtoMessage() {}

func (x *ValidList) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[13]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ValidList.ProtoReflect.Descriptor instead.
func (*ValidList) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{13}
}

func (x *ValidList) GetAllowed() []string {
	if x != nil {
		return x.Allowed
	}
	return nil
}

type ValidateRequest struct {
	state          protoimpl.MessageState `protogen:"open.v1"`
	ConnectorClass string                 `protobuf:"bytes,1,opt,name=connector_class,json=connectorClass,proto3" json:"connector_class,omitempty"`
	Config         map[string]string      `protobuf:"bytes,2,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	unknownFields  protoimpl.UnknownFields
	sizeCache      protoimpl.SizeCache
}

func (x *ValidateRequest) Reset() {
	*x = ValidateRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[14]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ValidateRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ValidateRequest) ProtoMessage() {}

func (x *ValidateRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[14]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ValidateRequest.ProtoReflect.Descriptor instead.
func (*ValidateRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{14}
}

func (x *ValidateRequest) GetConnectorClass() string {
	if x != nil {
		return x.ConnectorClass
	}
	return ""
}

func (x *ValidateRequest) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

type ValidateResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// One entry per key the connector knows, with its errors (empty when valid).
	Values []*ConfigValue `protobuf:"bytes,1,rep,name=values,proto3" json:"values,omitempty"`
	// Source connectors: Kafka Connect's SourceConnector.exactlyOnceSupport(config) for the
	// validated config. UNSPECIFIED is "not declared" (Java's null). The core asks for it
	// when `exactly.once.support=required`: anything but SUPPORTED is refused.
	ExactlyOnceSupport ExactlyOnceSupport `protobuf:"varint,2,opt,name=exactly_once_support,json=exactlyOnceSupport,proto3,enum=polyconnect.v1.ExactlyOnceSupport" json:"exactly_once_support,omitempty"`
	// Source connectors: SourceConnector.canDefineTransactionBoundaries(config). UNSPECIFIED
	// means UNSUPPORTED (the default). `transaction.boundary=connector` needs SUPPORTED.
	TransactionBoundaries TransactionBoundarySupport `protobuf:"varint,3,opt,name=transaction_boundaries,json=transactionBoundaries,proto3,enum=polyconnect.v1.TransactionBoundarySupport" json:"transaction_boundaries,omitempty"`
	// Set when the connector's exactlyOnceSupport or canDefineTransactionBoundaries threw:
	// the message, reported on `exactly.once.support` / `transaction.boundary` ("An
	// unexpected error occurred during validation: ...") when the core needs that answer.
	ExactlyOnceSupportError    string `protobuf:"bytes,4,opt,name=exactly_once_support_error,json=exactlyOnceSupportError,proto3" json:"exactly_once_support_error,omitempty"`
	TransactionBoundariesError string `protobuf:"bytes,5,opt,name=transaction_boundaries_error,json=transactionBoundariesError,proto3" json:"transaction_boundaries_error,omitempty"`
	unknownFields              protoimpl.UnknownFields
	sizeCache                  protoimpl.SizeCache
}

func (x *ValidateResponse) Reset() {
	*x = ValidateResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[15]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ValidateResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ValidateResponse) ProtoMessage() {}

func (x *ValidateResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[15]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ValidateResponse.ProtoReflect.Descriptor instead.
func (*ValidateResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{15}
}

func (x *ValidateResponse) GetValues() []*ConfigValue {
	if x != nil {
		return x.Values
	}
	return nil
}

func (x *ValidateResponse) GetExactlyOnceSupport() ExactlyOnceSupport {
	if x != nil {
		return x.ExactlyOnceSupport
	}
	return ExactlyOnceSupport_EXACTLY_ONCE_SUPPORT_UNSPECIFIED
}

func (x *ValidateResponse) GetTransactionBoundaries() TransactionBoundarySupport {
	if x != nil {
		return x.TransactionBoundaries
	}
	return TransactionBoundarySupport_TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED
}

func (x *ValidateResponse) GetExactlyOnceSupportError() string {
	if x != nil {
		return x.ExactlyOnceSupportError
	}
	return ""
}

func (x *ValidateResponse) GetTransactionBoundariesError() string {
	if x != nil {
		return x.TransactionBoundariesError
	}
	return ""
}

type ConfigValue struct {
	state             protoimpl.MessageState `protogen:"open.v1"`
	Name              string                 `protobuf:"bytes,1,opt,name=name,proto3" json:"name,omitempty"`
	Value             *string                `protobuf:"bytes,2,opt,name=value,proto3,oneof" json:"value,omitempty"`
	RecommendedValues []string               `protobuf:"bytes,3,rep,name=recommended_values,json=recommendedValues,proto3" json:"recommended_values,omitempty"`
	Errors            []string               `protobuf:"bytes,4,rep,name=errors,proto3" json:"errors,omitempty"`
	Visible           bool                   `protobuf:"varint,5,opt,name=visible,proto3" json:"visible,omitempty"`
	unknownFields     protoimpl.UnknownFields
	sizeCache         protoimpl.SizeCache
}

func (x *ConfigValue) Reset() {
	*x = ConfigValue{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[16]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConfigValue) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConfigValue) ProtoMessage() {}

func (x *ConfigValue) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[16]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConfigValue.ProtoReflect.Descriptor instead.
func (*ConfigValue) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{16}
}

func (x *ConfigValue) GetName() string {
	if x != nil {
		return x.Name
	}
	return ""
}

func (x *ConfigValue) GetValue() string {
	if x != nil && x.Value != nil {
		return *x.Value
	}
	return ""
}

func (x *ConfigValue) GetRecommendedValues() []string {
	if x != nil {
		return x.RecommendedValues
	}
	return nil
}

func (x *ConfigValue) GetErrors() []string {
	if x != nil {
		return x.Errors
	}
	return nil
}

func (x *ConfigValue) GetVisible() bool {
	if x != nil {
		return x.Visible
	}
	return false
}

type ConnectorRequest struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*ConnectorRequest_Start
	//	*ConnectorRequest_TaskConfigs
	//	*ConnectorRequest_Heartbeat
	//	*ConnectorRequest_Stop
	//	*ConnectorRequest_Offsets
	Msg           isConnectorRequest_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConnectorRequest) Reset() {
	*x = ConnectorRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[17]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConnectorRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConnectorRequest) ProtoMessage() {}

func (x *ConnectorRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[17]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConnectorRequest.ProtoReflect.Descriptor instead.
func (*ConnectorRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{17}
}

func (x *ConnectorRequest) GetMsg() isConnectorRequest_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *ConnectorRequest) GetStart() *ConnectorStart {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorRequest_Start); ok {
			return x.Start
		}
	}
	return nil
}

func (x *ConnectorRequest) GetTaskConfigs() *TaskConfigsRequest {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorRequest_TaskConfigs); ok {
			return x.TaskConfigs
		}
	}
	return nil
}

func (x *ConnectorRequest) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorRequest_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *ConnectorRequest) GetStop() *Stop {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorRequest_Stop); ok {
			return x.Stop
		}
	}
	return nil
}

func (x *ConnectorRequest) GetOffsets() *OffsetsAnswer {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorRequest_Offsets); ok {
			return x.Offsets
		}
	}
	return nil
}

type isConnectorRequest_Msg interface {
	isConnectorRequest_Msg()
}

type ConnectorRequest_Start struct {
	Start *ConnectorStart `protobuf:"bytes,1,opt,name=start,proto3,oneof"`
}

type ConnectorRequest_TaskConfigs struct {
	TaskConfigs *TaskConfigsRequest `protobuf:"bytes,2,opt,name=task_configs,json=taskConfigs,proto3,oneof"`
}

type ConnectorRequest_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,3,opt,name=heartbeat,proto3,oneof"`
}

type ConnectorRequest_Stop struct {
	Stop *Stop `protobuf:"bytes,4,opt,name=stop,proto3,oneof"`
}

type ConnectorRequest_Offsets struct {
	// The answer to the connector's OffsetsQuery (source connectors).
	Offsets *OffsetsAnswer `protobuf:"bytes,5,opt,name=offsets,proto3,oneof"`
}

func (*ConnectorRequest_Start) isConnectorRequest_Msg() {}

func (*ConnectorRequest_TaskConfigs) isConnectorRequest_Msg() {}

func (*ConnectorRequest_Heartbeat) isConnectorRequest_Msg() {}

func (*ConnectorRequest_Stop) isConnectorRequest_Msg() {}

func (*ConnectorRequest_Offsets) isConnectorRequest_Msg() {}

type ConnectorResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*ConnectorResponse_Started
	//	*ConnectorResponse_TaskConfigs
	//	*ConnectorResponse_Reconfigure
	//	*ConnectorResponse_Heartbeat
	//	*ConnectorResponse_Error
	//	*ConnectorResponse_OffsetsQuery
	Msg           isConnectorResponse_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConnectorResponse) Reset() {
	*x = ConnectorResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[18]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConnectorResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConnectorResponse) ProtoMessage() {}

func (x *ConnectorResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[18]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConnectorResponse.ProtoReflect.Descriptor instead.
func (*ConnectorResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{18}
}

func (x *ConnectorResponse) GetMsg() isConnectorResponse_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *ConnectorResponse) GetStarted() *Started {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorResponse_Started); ok {
			return x.Started
		}
	}
	return nil
}

func (x *ConnectorResponse) GetTaskConfigs() *TaskConfigs {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorResponse_TaskConfigs); ok {
			return x.TaskConfigs
		}
	}
	return nil
}

func (x *ConnectorResponse) GetReconfigure() *ReconfigureRequest {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorResponse_Reconfigure); ok {
			return x.Reconfigure
		}
	}
	return nil
}

func (x *ConnectorResponse) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorResponse_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *ConnectorResponse) GetError() *Error {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorResponse_Error); ok {
			return x.Error
		}
	}
	return nil
}

func (x *ConnectorResponse) GetOffsetsQuery() *OffsetsQuery {
	if x != nil {
		if x, ok := x.Msg.(*ConnectorResponse_OffsetsQuery); ok {
			return x.OffsetsQuery
		}
	}
	return nil
}

type isConnectorResponse_Msg interface {
	isConnectorResponse_Msg()
}

type ConnectorResponse_Started struct {
	Started *Started `protobuf:"bytes,1,opt,name=started,proto3,oneof"`
}

type ConnectorResponse_TaskConfigs struct {
	TaskConfigs *TaskConfigs `protobuf:"bytes,2,opt,name=task_configs,json=taskConfigs,proto3,oneof"`
}

type ConnectorResponse_Reconfigure struct {
	Reconfigure *ReconfigureRequest `protobuf:"bytes,3,opt,name=reconfigure,proto3,oneof"`
}

type ConnectorResponse_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,4,opt,name=heartbeat,proto3,oneof"`
}

type ConnectorResponse_Error struct {
	Error *Error `protobuf:"bytes,5,opt,name=error,proto3,oneof"`
}

type ConnectorResponse_OffsetsQuery struct {
	// SourceConnectorContext.offsetStorageReader(): stored offsets of these partitions.
	OffsetsQuery *OffsetsQuery `protobuf:"bytes,6,opt,name=offsets_query,json=offsetsQuery,proto3,oneof"`
}

func (*ConnectorResponse_Started) isConnectorResponse_Msg() {}

func (*ConnectorResponse_TaskConfigs) isConnectorResponse_Msg() {}

func (*ConnectorResponse_Reconfigure) isConnectorResponse_Msg() {}

func (*ConnectorResponse_Heartbeat) isConnectorResponse_Msg() {}

func (*ConnectorResponse_Error) isConnectorResponse_Msg() {}

func (*ConnectorResponse_OffsetsQuery) isConnectorResponse_Msg() {}

type AlterOffsetsRequest struct {
	state           protoimpl.MessageState `protogen:"open.v1"`
	ProtocolVersion uint32                 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	ConnectorClass  string                 `protobuf:"bytes,2,opt,name=connector_class,json=connectorClass,proto3" json:"connector_class,omitempty"`
	ConnectorName   string                 `protobuf:"bytes,3,opt,name=connector_name,json=connectorName,proto3" json:"connector_name,omitempty"`
	// The connector's configuration.
	Config map[string]string `protobuf:"bytes,4,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// A source connector's partitions and their new offsets; an absent offset resets the
	// partition (a DELETE lists every stored partition that way).
	SourceOffsets []*SourceOffset `protobuf:"bytes,5,rep,name=source_offsets,json=sourceOffsets,proto3" json:"source_offsets,omitempty"`
	// A sink connector's topic partitions and their new offsets.
	SinkOffsets []*SinkOffsetChange `protobuf:"bytes,6,rep,name=sink_offsets,json=sinkOffsets,proto3" json:"sink_offsets,omitempty"`
	// DELETE /connectors/{c}/offsets (every offset reset) rather than PATCH.
	Reset_        bool `protobuf:"varint,7,opt,name=reset,proto3" json:"reset,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *AlterOffsetsRequest) Reset() {
	*x = AlterOffsetsRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[19]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *AlterOffsetsRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*AlterOffsetsRequest) ProtoMessage() {}

func (x *AlterOffsetsRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[19]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use AlterOffsetsRequest.ProtoReflect.Descriptor instead.
func (*AlterOffsetsRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{19}
}

func (x *AlterOffsetsRequest) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *AlterOffsetsRequest) GetConnectorClass() string {
	if x != nil {
		return x.ConnectorClass
	}
	return ""
}

func (x *AlterOffsetsRequest) GetConnectorName() string {
	if x != nil {
		return x.ConnectorName
	}
	return ""
}

func (x *AlterOffsetsRequest) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

func (x *AlterOffsetsRequest) GetSourceOffsets() []*SourceOffset {
	if x != nil {
		return x.SourceOffsets
	}
	return nil
}

func (x *AlterOffsetsRequest) GetSinkOffsets() []*SinkOffsetChange {
	if x != nil {
		return x.SinkOffsets
	}
	return nil
}

func (x *AlterOffsetsRequest) GetReset_() bool {
	if x != nil {
		return x.Reset_
	}
	return false
}

type SinkOffsetChange struct {
	state     protoimpl.MessageState `protogen:"open.v1"`
	Topic     string                 `protobuf:"bytes,1,opt,name=topic,proto3" json:"topic,omitempty"`
	Partition int32                  `protobuf:"varint,2,opt,name=partition,proto3" json:"partition,omitempty"`
	// The next offset to consume; absent: the partition's committed offset is removed.
	Offset        *int64 `protobuf:"varint,3,opt,name=offset,proto3,oneof" json:"offset,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkOffsetChange) Reset() {
	*x = SinkOffsetChange{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[20]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkOffsetChange) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkOffsetChange) ProtoMessage() {}

func (x *SinkOffsetChange) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[20]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkOffsetChange.ProtoReflect.Descriptor instead.
func (*SinkOffsetChange) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{20}
}

func (x *SinkOffsetChange) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *SinkOffsetChange) GetPartition() int32 {
	if x != nil {
		return x.Partition
	}
	return 0
}

func (x *SinkOffsetChange) GetOffset() int64 {
	if x != nil && x.Offset != nil {
		return *x.Offset
	}
	return 0
}

type AlterOffsetsResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The connector's alterOffsets returned true.
	Altered bool `protobuf:"varint,1,opt,name=altered,proto3" json:"altered,omitempty"`
	// alterOffsets threw: the request fails with this message.
	Error *Error `protobuf:"bytes,2,opt,name=error,proto3" json:"error,omitempty"`
	// The HTTP status the connector's exception asks for (Kafka Connect's
	// ConnectRestException, e.g. 400 for a BadRequestException); 0: 500.
	StatusCode uint32 `protobuf:"varint,3,opt,name=status_code,json=statusCode,proto3" json:"status_code,omitempty"`
	// alterOffsets threw UnsupportedOperationException.
	Unsupported   bool `protobuf:"varint,4,opt,name=unsupported,proto3" json:"unsupported,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *AlterOffsetsResponse) Reset() {
	*x = AlterOffsetsResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[21]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *AlterOffsetsResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*AlterOffsetsResponse) ProtoMessage() {}

func (x *AlterOffsetsResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[21]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use AlterOffsetsResponse.ProtoReflect.Descriptor instead.
func (*AlterOffsetsResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{21}
}

func (x *AlterOffsetsResponse) GetAltered() bool {
	if x != nil {
		return x.Altered
	}
	return false
}

func (x *AlterOffsetsResponse) GetError() *Error {
	if x != nil {
		return x.Error
	}
	return nil
}

func (x *AlterOffsetsResponse) GetStatusCode() uint32 {
	if x != nil {
		return x.StatusCode
	}
	return 0
}

func (x *AlterOffsetsResponse) GetUnsupported() bool {
	if x != nil {
		return x.Unsupported
	}
	return false
}

type ConnectorStart struct {
	state               protoimpl.MessageState `protogen:"open.v1"`
	ProtocolVersion     uint32                 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	ConnectorClass      string                 `protobuf:"bytes,2,opt,name=connector_class,json=connectorClass,proto3" json:"connector_class,omitempty"`
	ConnectorName       string                 `protobuf:"bytes,3,opt,name=connector_name,json=connectorName,proto3" json:"connector_name,omitempty"`
	Config              map[string]string      `protobuf:"bytes,4,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	HeartbeatIntervalMs uint32                 `protobuf:"varint,5,opt,name=heartbeat_interval_ms,json=heartbeatIntervalMs,proto3" json:"heartbeat_interval_ms,omitempty"`
	IdleTimeoutMs       uint32                 `protobuf:"varint,6,opt,name=idle_timeout_ms,json=idleTimeoutMs,proto3" json:"idle_timeout_ms,omitempty"`
	unknownFields       protoimpl.UnknownFields
	sizeCache           protoimpl.SizeCache
}

func (x *ConnectorStart) Reset() {
	*x = ConnectorStart{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[22]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConnectorStart) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConnectorStart) ProtoMessage() {}

func (x *ConnectorStart) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[22]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConnectorStart.ProtoReflect.Descriptor instead.
func (*ConnectorStart) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{22}
}

func (x *ConnectorStart) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *ConnectorStart) GetConnectorClass() string {
	if x != nil {
		return x.ConnectorClass
	}
	return ""
}

func (x *ConnectorStart) GetConnectorName() string {
	if x != nil {
		return x.ConnectorName
	}
	return ""
}

func (x *ConnectorStart) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

func (x *ConnectorStart) GetHeartbeatIntervalMs() uint32 {
	if x != nil {
		return x.HeartbeatIntervalMs
	}
	return 0
}

func (x *ConnectorStart) GetIdleTimeoutMs() uint32 {
	if x != nil {
		return x.IdleTimeoutMs
	}
	return 0
}

type TaskConfigsRequest struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	MaxTasks      uint32                 `protobuf:"varint,1,opt,name=max_tasks,json=maxTasks,proto3" json:"max_tasks,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TaskConfigsRequest) Reset() {
	*x = TaskConfigsRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[23]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TaskConfigsRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TaskConfigsRequest) ProtoMessage() {}

func (x *TaskConfigsRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[23]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TaskConfigsRequest.ProtoReflect.Descriptor instead.
func (*TaskConfigsRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{23}
}

func (x *TaskConfigsRequest) GetMaxTasks() uint32 {
	if x != nil {
		return x.MaxTasks
	}
	return 0
}

type TaskConfigs struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Configs       []*TaskConfig          `protobuf:"bytes,1,rep,name=configs,proto3" json:"configs,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TaskConfigs) Reset() {
	*x = TaskConfigs{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[24]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TaskConfigs) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TaskConfigs) ProtoMessage() {}

func (x *TaskConfigs) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[24]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TaskConfigs.ProtoReflect.Descriptor instead.
func (*TaskConfigs) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{24}
}

func (x *TaskConfigs) GetConfigs() []*TaskConfig {
	if x != nil {
		return x.Configs
	}
	return nil
}

type TaskConfig struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Config        map[string]string      `protobuf:"bytes,1,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TaskConfig) Reset() {
	*x = TaskConfig{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[25]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TaskConfig) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TaskConfig) ProtoMessage() {}

func (x *TaskConfig) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[25]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TaskConfig.ProtoReflect.Descriptor instead.
func (*TaskConfig) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{25}
}

func (x *TaskConfig) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

type ReconfigureRequest struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Reason        string                 `protobuf:"bytes,1,opt,name=reason,proto3" json:"reason,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ReconfigureRequest) Reset() {
	*x = ReconfigureRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[26]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ReconfigureRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ReconfigureRequest) ProtoMessage() {}

func (x *ReconfigureRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[26]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ReconfigureRequest.ProtoReflect.Descriptor instead.
func (*ReconfigureRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{26}
}

func (x *ReconfigureRequest) GetReason() string {
	if x != nil {
		return x.Reason
	}
	return ""
}

type Started struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Started) Reset() {
	*x = Started{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[27]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Started) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Started) ProtoMessage() {}

func (x *Started) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[27]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Started.ProtoReflect.Descriptor instead.
func (*Started) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{27}
}

type Heartbeat struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Heartbeat) Reset() {
	*x = Heartbeat{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[28]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Heartbeat) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Heartbeat) ProtoMessage() {}

func (x *Heartbeat) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[28]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Heartbeat.ProtoReflect.Descriptor instead.
func (*Heartbeat) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{28}
}

type Stop struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// How long the core will wait for a clean stop before it ends the stream.
	TimeoutMs     uint32 `protobuf:"varint,1,opt,name=timeout_ms,json=timeoutMs,proto3" json:"timeout_ms,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Stop) Reset() {
	*x = Stop{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[29]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Stop) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Stop) ProtoMessage() {}

func (x *Stop) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[29]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Stop.ProtoReflect.Descriptor instead.
func (*Stop) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{29}
}

func (x *Stop) GetTimeoutMs() uint32 {
	if x != nil {
		return x.TimeoutMs
	}
	return 0
}

type Error struct {
	state   protoimpl.MessageState `protogen:"open.v1"`
	Kind    ErrorKind              `protobuf:"varint,1,opt,name=kind,proto3,enum=polyconnect.v1.ErrorKind" json:"kind,omitempty"`
	Message string                 `protobuf:"bytes,2,opt,name=message,proto3" json:"message,omitempty"`
	// The connector-side exception type, e.g. "FileNotFoundError".
	ErrorClass string `protobuf:"bytes,3,opt,name=error_class,json=errorClass,proto3" json:"error_class,omitempty"`
	// A stack trace or other detail, shown in the task status `trace`.
	Detail string `protobuf:"bytes,4,opt,name=detail,proto3" json:"detail,omitempty"`
	// RETRIABLE: how long the connector suggests waiting. 0: the core's own back-off.
	RetryAfterMs uint32 `protobuf:"varint,5,opt,name=retry_after_ms,json=retryAfterMs,proto3" json:"retry_after_ms,omitempty"`
	// RECORD on a source stream: the `seq` of the bad record.
	RecordSeq uint64 `protobuf:"varint,6,opt,name=record_seq,json=recordSeq,proto3" json:"record_seq,omitempty"`
	// RECORD on a sink stream: the Kafka coordinates of the bad record.
	KafkaTopic     string `protobuf:"bytes,7,opt,name=kafka_topic,json=kafkaTopic,proto3" json:"kafka_topic,omitempty"`
	KafkaPartition int32  `protobuf:"varint,8,opt,name=kafka_partition,json=kafkaPartition,proto3" json:"kafka_partition,omitempty"`
	KafkaOffset    int64  `protobuf:"varint,9,opt,name=kafka_offset,json=kafkaOffset,proto3" json:"kafka_offset,omitempty"`
	unknownFields  protoimpl.UnknownFields
	sizeCache      protoimpl.SizeCache
}

func (x *Error) Reset() {
	*x = Error{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[30]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Error) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Error) ProtoMessage() {}

func (x *Error) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[30]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Error.ProtoReflect.Descriptor instead.
func (*Error) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{30}
}

func (x *Error) GetKind() ErrorKind {
	if x != nil {
		return x.Kind
	}
	return ErrorKind_ERROR_KIND_UNSPECIFIED
}

func (x *Error) GetMessage() string {
	if x != nil {
		return x.Message
	}
	return ""
}

func (x *Error) GetErrorClass() string {
	if x != nil {
		return x.ErrorClass
	}
	return ""
}

func (x *Error) GetDetail() string {
	if x != nil {
		return x.Detail
	}
	return ""
}

func (x *Error) GetRetryAfterMs() uint32 {
	if x != nil {
		return x.RetryAfterMs
	}
	return 0
}

func (x *Error) GetRecordSeq() uint64 {
	if x != nil {
		return x.RecordSeq
	}
	return 0
}

func (x *Error) GetKafkaTopic() string {
	if x != nil {
		return x.KafkaTopic
	}
	return ""
}

func (x *Error) GetKafkaPartition() int32 {
	if x != nil {
		return x.KafkaPartition
	}
	return 0
}

func (x *Error) GetKafkaOffset() int64 {
	if x != nil {
		return x.KafkaOffset
	}
	return 0
}

type SourceRequest struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*SourceRequest_Start
	//	*SourceRequest_Credit
	//	*SourceRequest_CommitRecords
	//	*SourceRequest_Commit
	//	*SourceRequest_Offsets
	//	*SourceRequest_Heartbeat
	//	*SourceRequest_Stop
	Msg           isSourceRequest_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SourceRequest) Reset() {
	*x = SourceRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[31]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceRequest) ProtoMessage() {}

func (x *SourceRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[31]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceRequest.ProtoReflect.Descriptor instead.
func (*SourceRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{31}
}

func (x *SourceRequest) GetMsg() isSourceRequest_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *SourceRequest) GetStart() *SourceStart {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_Start); ok {
			return x.Start
		}
	}
	return nil
}

func (x *SourceRequest) GetCredit() *Credit {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_Credit); ok {
			return x.Credit
		}
	}
	return nil
}

func (x *SourceRequest) GetCommitRecords() *CommitRecords {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_CommitRecords); ok {
			return x.CommitRecords
		}
	}
	return nil
}

func (x *SourceRequest) GetCommit() *Commit {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_Commit); ok {
			return x.Commit
		}
	}
	return nil
}

func (x *SourceRequest) GetOffsets() *OffsetsAnswer {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_Offsets); ok {
			return x.Offsets
		}
	}
	return nil
}

func (x *SourceRequest) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *SourceRequest) GetStop() *Stop {
	if x != nil {
		if x, ok := x.Msg.(*SourceRequest_Stop); ok {
			return x.Stop
		}
	}
	return nil
}

type isSourceRequest_Msg interface {
	isSourceRequest_Msg()
}

type SourceRequest_Start struct {
	Start *SourceStart `protobuf:"bytes,1,opt,name=start,proto3,oneof"`
}

type SourceRequest_Credit struct {
	Credit *Credit `protobuf:"bytes,2,opt,name=credit,proto3,oneof"`
}

type SourceRequest_CommitRecords struct {
	CommitRecords *CommitRecords `protobuf:"bytes,3,opt,name=commit_records,json=commitRecords,proto3,oneof"`
}

type SourceRequest_Commit struct {
	Commit *Commit `protobuf:"bytes,4,opt,name=commit,proto3,oneof"`
}

type SourceRequest_Offsets struct {
	Offsets *OffsetsAnswer `protobuf:"bytes,5,opt,name=offsets,proto3,oneof"`
}

type SourceRequest_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,6,opt,name=heartbeat,proto3,oneof"`
}

type SourceRequest_Stop struct {
	Stop *Stop `protobuf:"bytes,7,opt,name=stop,proto3,oneof"`
}

func (*SourceRequest_Start) isSourceRequest_Msg() {}

func (*SourceRequest_Credit) isSourceRequest_Msg() {}

func (*SourceRequest_CommitRecords) isSourceRequest_Msg() {}

func (*SourceRequest_Commit) isSourceRequest_Msg() {}

func (*SourceRequest_Offsets) isSourceRequest_Msg() {}

func (*SourceRequest_Heartbeat) isSourceRequest_Msg() {}

func (*SourceRequest_Stop) isSourceRequest_Msg() {}

type SourceResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*SourceResponse_Started
	//	*SourceResponse_Batch
	//	*SourceResponse_OffsetsQuery
	//	*SourceResponse_Drained
	//	*SourceResponse_Heartbeat
	//	*SourceResponse_Error
	Msg           isSourceResponse_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SourceResponse) Reset() {
	*x = SourceResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[32]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceResponse) ProtoMessage() {}

func (x *SourceResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[32]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceResponse.ProtoReflect.Descriptor instead.
func (*SourceResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{32}
}

func (x *SourceResponse) GetMsg() isSourceResponse_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *SourceResponse) GetStarted() *Started {
	if x != nil {
		if x, ok := x.Msg.(*SourceResponse_Started); ok {
			return x.Started
		}
	}
	return nil
}

func (x *SourceResponse) GetBatch() *SourceBatch {
	if x != nil {
		if x, ok := x.Msg.(*SourceResponse_Batch); ok {
			return x.Batch
		}
	}
	return nil
}

func (x *SourceResponse) GetOffsetsQuery() *OffsetsQuery {
	if x != nil {
		if x, ok := x.Msg.(*SourceResponse_OffsetsQuery); ok {
			return x.OffsetsQuery
		}
	}
	return nil
}

func (x *SourceResponse) GetDrained() *Drained {
	if x != nil {
		if x, ok := x.Msg.(*SourceResponse_Drained); ok {
			return x.Drained
		}
	}
	return nil
}

func (x *SourceResponse) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*SourceResponse_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *SourceResponse) GetError() *Error {
	if x != nil {
		if x, ok := x.Msg.(*SourceResponse_Error); ok {
			return x.Error
		}
	}
	return nil
}

type isSourceResponse_Msg interface {
	isSourceResponse_Msg()
}

type SourceResponse_Started struct {
	Started *Started `protobuf:"bytes,1,opt,name=started,proto3,oneof"`
}

type SourceResponse_Batch struct {
	Batch *SourceBatch `protobuf:"bytes,2,opt,name=batch,proto3,oneof"`
}

type SourceResponse_OffsetsQuery struct {
	OffsetsQuery *OffsetsQuery `protobuf:"bytes,3,opt,name=offsets_query,json=offsetsQuery,proto3,oneof"`
}

type SourceResponse_Drained struct {
	Drained *Drained `protobuf:"bytes,4,opt,name=drained,proto3,oneof"`
}

type SourceResponse_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,5,opt,name=heartbeat,proto3,oneof"`
}

type SourceResponse_Error struct {
	Error *Error `protobuf:"bytes,6,opt,name=error,proto3,oneof"`
}

func (*SourceResponse_Started) isSourceResponse_Msg() {}

func (*SourceResponse_Batch) isSourceResponse_Msg() {}

func (*SourceResponse_OffsetsQuery) isSourceResponse_Msg() {}

func (*SourceResponse_Drained) isSourceResponse_Msg() {}

func (*SourceResponse_Heartbeat) isSourceResponse_Msg() {}

func (*SourceResponse_Error) isSourceResponse_Msg() {}

type SourceStart struct {
	state           protoimpl.MessageState `protogen:"open.v1"`
	ProtocolVersion uint32                 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	ConnectorClass  string                 `protobuf:"bytes,2,opt,name=connector_class,json=connectorClass,proto3" json:"connector_class,omitempty"`
	ConnectorName   string                 `protobuf:"bytes,3,opt,name=connector_name,json=connectorName,proto3" json:"connector_name,omitempty"`
	TaskId          uint32                 `protobuf:"varint,4,opt,name=task_id,json=taskId,proto3" json:"task_id,omitempty"`
	Config          map[string]string      `protobuf:"bytes,5,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// The stored offsets of the connector's source partitions.
	Offsets             []*SourceOffset `protobuf:"bytes,6,rep,name=offsets,proto3" json:"offsets,omitempty"`
	HeartbeatIntervalMs uint32          `protobuf:"varint,7,opt,name=heartbeat_interval_ms,json=heartbeatIntervalMs,proto3" json:"heartbeat_interval_ms,omitempty"`
	IdleTimeoutMs       uint32          `protobuf:"varint,8,opt,name=idle_timeout_ms,json=idleTimeoutMs,proto3" json:"idle_timeout_ms,omitempty"`
	MaxMessageBytes     uint64          `protobuf:"varint,9,opt,name=max_message_bytes,json=maxMessageBytes,proto3" json:"max_message_bytes,omitempty"`
	Capabilities        *Capabilities   `protobuf:"bytes,10,opt,name=capabilities,proto3" json:"capabilities,omitempty"`
	// The trace context of the core's task span.
	Trace *TraceContext `protobuf:"bytes,11,opt,name=trace,proto3" json:"trace,omitempty"`
	// The task runs exactly once with `transaction.boundary=connector`: it defines its own
	// transactions (Kafka Connect's SourceTaskContext.transactionContext() is not null) by
	// setting SourceRecord.transaction. False: the SDK gives the task no transaction context.
	TransactionContext bool `protobuf:"varint,12,opt,name=transaction_context,json=transactionContext,proto3" json:"transaction_context,omitempty"`
	unknownFields      protoimpl.UnknownFields
	sizeCache          protoimpl.SizeCache
}

func (x *SourceStart) Reset() {
	*x = SourceStart{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[33]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceStart) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceStart) ProtoMessage() {}

func (x *SourceStart) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[33]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceStart.ProtoReflect.Descriptor instead.
func (*SourceStart) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{33}
}

func (x *SourceStart) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *SourceStart) GetConnectorClass() string {
	if x != nil {
		return x.ConnectorClass
	}
	return ""
}

func (x *SourceStart) GetConnectorName() string {
	if x != nil {
		return x.ConnectorName
	}
	return ""
}

func (x *SourceStart) GetTaskId() uint32 {
	if x != nil {
		return x.TaskId
	}
	return 0
}

func (x *SourceStart) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

func (x *SourceStart) GetOffsets() []*SourceOffset {
	if x != nil {
		return x.Offsets
	}
	return nil
}

func (x *SourceStart) GetHeartbeatIntervalMs() uint32 {
	if x != nil {
		return x.HeartbeatIntervalMs
	}
	return 0
}

func (x *SourceStart) GetIdleTimeoutMs() uint32 {
	if x != nil {
		return x.IdleTimeoutMs
	}
	return 0
}

func (x *SourceStart) GetMaxMessageBytes() uint64 {
	if x != nil {
		return x.MaxMessageBytes
	}
	return 0
}

func (x *SourceStart) GetCapabilities() *Capabilities {
	if x != nil {
		return x.Capabilities
	}
	return nil
}

func (x *SourceStart) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

func (x *SourceStart) GetTransactionContext() bool {
	if x != nil {
		return x.TransactionContext
	}
	return false
}

// A source partition and its offset, both maps of primitives (Kafka Connect's
// Map<String, ?>), carried as schemaless Map values. An absent offset means none stored.
type SourceOffset struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Partition     *Value                 `protobuf:"bytes,1,opt,name=partition,proto3" json:"partition,omitempty"`
	Offset        *Value                 `protobuf:"bytes,2,opt,name=offset,proto3" json:"offset,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SourceOffset) Reset() {
	*x = SourceOffset{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[34]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceOffset) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceOffset) ProtoMessage() {}

func (x *SourceOffset) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[34]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceOffset.ProtoReflect.Descriptor instead.
func (*SourceOffset) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{34}
}

func (x *SourceOffset) GetPartition() *Value {
	if x != nil {
		return x.Partition
	}
	return nil
}

func (x *SourceOffset) GetOffset() *Value {
	if x != nil {
		return x.Offset
	}
	return nil
}

type Credit struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Records       uint32                 `protobuf:"varint,1,opt,name=records,proto3" json:"records,omitempty"`
	Bytes         uint64                 `protobuf:"varint,2,opt,name=bytes,proto3" json:"bytes,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Credit) Reset() {
	*x = Credit{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[35]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Credit) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Credit) ProtoMessage() {}

func (x *Credit) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[35]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Credit.ProtoReflect.Descriptor instead.
func (*Credit) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{35}
}

func (x *Credit) GetRecords() uint32 {
	if x != nil {
		return x.Records
	}
	return 0
}

func (x *Credit) GetBytes() uint64 {
	if x != nil {
		return x.Bytes
	}
	return 0
}

type SourceBatch struct {
	state   protoimpl.MessageState `protogen:"open.v1"`
	Records []*SourceRecord        `protobuf:"bytes,1,rep,name=records,proto3" json:"records,omitempty"`
	// The context of the connector's poll span; records without their own context are
	// children of it.
	Trace *TraceContext `protobuf:"bytes,2,opt,name=trace,proto3" json:"trace,omitempty"`
	// The same records column by column (capability "columnar_source_batches"), instead of
	// `records`: a batch has one or the other, never both. Its byte credit is the encoded
	// size of the SourceColumns message (without the SourceBatch framing); its record credit
	// is `count`.
	Columns       *SourceColumns `protobuf:"bytes,3,opt,name=columns,proto3" json:"columns,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SourceBatch) Reset() {
	*x = SourceBatch{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[36]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceBatch) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceBatch) ProtoMessage() {}

func (x *SourceBatch) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[36]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceBatch.ProtoReflect.Descriptor instead.
func (*SourceBatch) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{36}
}

func (x *SourceBatch) GetRecords() []*SourceRecord {
	if x != nil {
		return x.Records
	}
	return nil
}

func (x *SourceBatch) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

func (x *SourceBatch) GetColumns() *SourceColumns {
	if x != nil {
		return x.Columns
	}
	return nil
}

// The records of one source batch, column by column. Record i (0 <= i < count) is the
// SourceRecord with:
//
//	seq              first_seq + i (consecutive: the batch's seqs follow each other)
//	source_partition partitions[partition_index[i]] (partition_index empty: partitions[0]
//	                 for every record, or none if `partitions` is empty)
//	source_offset    int_offsets: a map of int_offsets.keys (in that order) to INT64 values
//	                 int_offsets.values[i * len(keys) + j]; value_offsets: offsets[i] (a
//	                 null Value: none); neither set: no offset for any record
//	topic            topics[topic_index[i]] (topic_index empty: topics[0]; `topics` must
//	                 not be empty and no topic may be empty)
//	kafka_partition  kafka_partitions[i] (empty: absent for every record)
//	timestamp        timestamps[i] (empty: absent for every record)
//	key, value       from the `key` and `value` columns (DataColumn; absent: null and
//	                 schemaless for every record)
//
// and no headers, no trace context of its own (SourceBatch.trace applies to every record),
// no transaction action. A batch whose records do not all fit this form goes as rows.
// Every per-record list holds exactly `count` entries (or none where allowed above or in
// DataColumn) and every index is in range; anything else is a protocol error that fails the task.
type SourceColumns struct {
	state    protoimpl.MessageState `protogen:"open.v1"`
	FirstSeq uint64                 `protobuf:"varint,1,opt,name=first_seq,json=firstSeq,proto3" json:"first_seq,omitempty"`
	Count    uint32                 `protobuf:"varint,2,opt,name=count,proto3" json:"count,omitempty"`
	// Distinct source partitions (schemaless maps, or a null Value for "no partition").
	Partitions     []*Value `protobuf:"bytes,3,rep,name=partitions,proto3" json:"partitions,omitempty"`
	PartitionIndex []uint32 `protobuf:"varint,4,rep,packed,name=partition_index,json=partitionIndex,proto3" json:"partition_index,omitempty"`
	// Types that are valid to be assigned to Offsets:
	//
	//	*SourceColumns_IntOffsets
	//	*SourceColumns_ValueOffsets
	Offsets         isSourceColumns_Offsets `protobuf_oneof:"offsets"`
	Topics          []string                `protobuf:"bytes,7,rep,name=topics,proto3" json:"topics,omitempty"`
	TopicIndex      []uint32                `protobuf:"varint,8,rep,packed,name=topic_index,json=topicIndex,proto3" json:"topic_index,omitempty"`
	KafkaPartitions []int32                 `protobuf:"varint,9,rep,packed,name=kafka_partitions,json=kafkaPartitions,proto3" json:"kafka_partitions,omitempty"`
	Timestamps      []int64                 `protobuf:"varint,10,rep,packed,name=timestamps,proto3" json:"timestamps,omitempty"`
	Key             *DataColumn             `protobuf:"bytes,11,opt,name=key,proto3" json:"key,omitempty"`
	Value           *DataColumn             `protobuf:"bytes,12,opt,name=value,proto3" json:"value,omitempty"`
	unknownFields   protoimpl.UnknownFields
	sizeCache       protoimpl.SizeCache
}

func (x *SourceColumns) Reset() {
	*x = SourceColumns{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[37]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceColumns) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceColumns) ProtoMessage() {}

func (x *SourceColumns) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[37]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceColumns.ProtoReflect.Descriptor instead.
func (*SourceColumns) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{37}
}

func (x *SourceColumns) GetFirstSeq() uint64 {
	if x != nil {
		return x.FirstSeq
	}
	return 0
}

func (x *SourceColumns) GetCount() uint32 {
	if x != nil {
		return x.Count
	}
	return 0
}

func (x *SourceColumns) GetPartitions() []*Value {
	if x != nil {
		return x.Partitions
	}
	return nil
}

func (x *SourceColumns) GetPartitionIndex() []uint32 {
	if x != nil {
		return x.PartitionIndex
	}
	return nil
}

func (x *SourceColumns) GetOffsets() isSourceColumns_Offsets {
	if x != nil {
		return x.Offsets
	}
	return nil
}

func (x *SourceColumns) GetIntOffsets() *IntOffsets {
	if x != nil {
		if x, ok := x.Offsets.(*SourceColumns_IntOffsets); ok {
			return x.IntOffsets
		}
	}
	return nil
}

func (x *SourceColumns) GetValueOffsets() *ValueOffsets {
	if x != nil {
		if x, ok := x.Offsets.(*SourceColumns_ValueOffsets); ok {
			return x.ValueOffsets
		}
	}
	return nil
}

func (x *SourceColumns) GetTopics() []string {
	if x != nil {
		return x.Topics
	}
	return nil
}

func (x *SourceColumns) GetTopicIndex() []uint32 {
	if x != nil {
		return x.TopicIndex
	}
	return nil
}

func (x *SourceColumns) GetKafkaPartitions() []int32 {
	if x != nil {
		return x.KafkaPartitions
	}
	return nil
}

func (x *SourceColumns) GetTimestamps() []int64 {
	if x != nil {
		return x.Timestamps
	}
	return nil
}

func (x *SourceColumns) GetKey() *DataColumn {
	if x != nil {
		return x.Key
	}
	return nil
}

func (x *SourceColumns) GetValue() *DataColumn {
	if x != nil {
		return x.Value
	}
	return nil
}

type isSourceColumns_Offsets interface {
	isSourceColumns_Offsets()
}

type SourceColumns_IntOffsets struct {
	IntOffsets *IntOffsets `protobuf:"bytes,5,opt,name=int_offsets,json=intOffsets,proto3,oneof"`
}

type SourceColumns_ValueOffsets struct {
	ValueOffsets *ValueOffsets `protobuf:"bytes,6,opt,name=value_offsets,json=valueOffsets,proto3,oneof"`
}

func (*SourceColumns_IntOffsets) isSourceColumns_Offsets() {}

func (*SourceColumns_ValueOffsets) isSourceColumns_Offsets() {}

// Offsets that are all maps of the same string keys to integers (a file position, a
// sequence number): the keys once, the integers as a matrix, record by record.
type IntOffsets struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Keys          []string               `protobuf:"bytes,1,rep,name=keys,proto3" json:"keys,omitempty"`
	Values        []int64                `protobuf:"zigzag64,2,rep,packed,name=values,proto3" json:"values,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *IntOffsets) Reset() {
	*x = IntOffsets{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[38]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *IntOffsets) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*IntOffsets) ProtoMessage() {}

func (x *IntOffsets) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[38]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use IntOffsets.ProtoReflect.Descriptor instead.
func (*IntOffsets) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{38}
}

func (x *IntOffsets) GetKeys() []string {
	if x != nil {
		return x.Keys
	}
	return nil
}

func (x *IntOffsets) GetValues() []int64 {
	if x != nil {
		return x.Values
	}
	return nil
}

// One offset per record: a schemaless map, or a null Value for none.
type ValueOffsets struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Offsets       []*Value               `protobuf:"bytes,1,rep,name=offsets,proto3" json:"offsets,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ValueOffsets) Reset() {
	*x = ValueOffsets{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[39]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ValueOffsets) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ValueOffsets) ProtoMessage() {}

func (x *ValueOffsets) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[39]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ValueOffsets.ProtoReflect.Descriptor instead.
func (*ValueOffsets) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{39}
}

func (x *ValueOffsets) GetOffsets() []*Value {
	if x != nil {
		return x.Offsets
	}
	return nil
}

// A key or value column of a columnar batch (SinkColumns in a Put, SourceColumns in a
// SourceBatch): row i is record i's key (value). The same rules serve both directions; a
// receiver fails the task on a column that breaks them.
type DataColumn struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// What the rows hold; `strings`, `bytes` and `nulls` are empty unless it says otherwise.
	Type DataColumnType `protobuf:"varint,1,opt,name=type,proto3,enum=polyconnect.v1.DataColumnType" json:"type,omitempty"`
	// STRING, BYTES: the column's one schema (a full definition or a reference, as in
	// Structured), of the column's type (a STRING schema for STRING, a BYTES schema for
	// BYTES), optional or not, without a logical type: its values are plain strings (bytes).
	// The core sends only schemas without a name. Absent: schemaless, every row a string
	// (bytes) or null. NULL and RAW: never set.
	Schema *Schema `protobuf:"bytes,2,opt,name=schema,proto3" json:"schema,omitempty"`
	// STRING: one entry per row ("" for a null), or none at all when every row is null (then
	// `nulls` is empty too).
	Strings []string `protobuf:"bytes,3,rep,name=strings,proto3" json:"strings,omitempty"`
	// BYTES: one entry per row (empty for a null), or none at all when every row is null
	// (then `nulls` is empty too). RAW: one entry per row (empty for an absent key (value)).
	Bytes [][]byte `protobuf:"bytes,4,rep,name=bytes,proto3" json:"bytes,omitempty"`
	// The rows (indexes, ascending, each at most once) whose entry is not a value: with
	// STRING and BYTES a null (of the column's schema, or schemaless); with RAW an absent
	// key (value), as a row without one. The core sends RAW columns without nulls (a Put
	// whose raw keys or values are absent in some rows goes as rows), and SDKs refuse a
	// Put's RAW column with nulls.
	Nulls         []uint32 `protobuf:"varint,5,rep,packed,name=nulls,proto3" json:"nulls,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *DataColumn) Reset() {
	*x = DataColumn{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[40]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *DataColumn) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*DataColumn) ProtoMessage() {}

func (x *DataColumn) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[40]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use DataColumn.ProtoReflect.Descriptor instead.
func (*DataColumn) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{40}
}

func (x *DataColumn) GetType() DataColumnType {
	if x != nil {
		return x.Type
	}
	return DataColumnType_DATA_COLUMN_TYPE_NULL
}

func (x *DataColumn) GetSchema() *Schema {
	if x != nil {
		return x.Schema
	}
	return nil
}

func (x *DataColumn) GetStrings() []string {
	if x != nil {
		return x.Strings
	}
	return nil
}

func (x *DataColumn) GetBytes() [][]byte {
	if x != nil {
		return x.Bytes
	}
	return nil
}

func (x *DataColumn) GetNulls() []uint32 {
	if x != nil {
		return x.Nulls
	}
	return nil
}

type SourceRecord struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Per-stream sequence number, 1, 2, 3, ... (see SourceTask.Run).
	Seq uint64 `protobuf:"varint,1,opt,name=seq,proto3" json:"seq,omitempty"`
	// Source partition and offset (schemaless maps). May be absent for sources without
	// offsets.
	SourcePartition *Value `protobuf:"bytes,2,opt,name=source_partition,json=sourcePartition,proto3" json:"source_partition,omitempty"`
	SourceOffset    *Value `protobuf:"bytes,3,opt,name=source_offset,json=sourceOffset,proto3" json:"source_offset,omitempty"`
	Topic           string `protobuf:"bytes,4,opt,name=topic,proto3" json:"topic,omitempty"`
	// The Kafka partition; absent: chosen by the producer's partitioner from the key.
	KafkaPartition *int32      `protobuf:"varint,5,opt,name=kafka_partition,json=kafkaPartition,proto3,oneof" json:"kafka_partition,omitempty"`
	Key            *RecordData `protobuf:"bytes,6,opt,name=key,proto3" json:"key,omitempty"`
	Value          *RecordData `protobuf:"bytes,7,opt,name=value,proto3" json:"value,omitempty"`
	// Milliseconds since the epoch; absent: the producer's time.
	Timestamp *int64    `protobuf:"varint,8,opt,name=timestamp,proto3,oneof" json:"timestamp,omitempty"`
	Headers   []*Header `protobuf:"bytes,9,rep,name=headers,proto3" json:"headers,omitempty"`
	// The trace context of this record in the source system or connector.
	Trace *TraceContext `protobuf:"bytes,10,opt,name=trace,proto3" json:"trace,omitempty"`
	// Connector-defined transaction boundaries (SourceStart.transaction_context): commit or
	// abort the open transaction right after this record (TransactionContext's
	// commitTransaction(record) / abortTransaction(record)). The SDKs carry a request for the
	// whole batch (commitTransaction() / abortTransaction()) on the poll's last record, unless
	// that record has its own request, which takes precedence (as in Kafka Connect).
	Transaction   TransactionAction `protobuf:"varint,11,opt,name=transaction,proto3,enum=polyconnect.v1.TransactionAction" json:"transaction,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SourceRecord) Reset() {
	*x = SourceRecord{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[41]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SourceRecord) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SourceRecord) ProtoMessage() {}

func (x *SourceRecord) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[41]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SourceRecord.ProtoReflect.Descriptor instead.
func (*SourceRecord) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{41}
}

func (x *SourceRecord) GetSeq() uint64 {
	if x != nil {
		return x.Seq
	}
	return 0
}

func (x *SourceRecord) GetSourcePartition() *Value {
	if x != nil {
		return x.SourcePartition
	}
	return nil
}

func (x *SourceRecord) GetSourceOffset() *Value {
	if x != nil {
		return x.SourceOffset
	}
	return nil
}

func (x *SourceRecord) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *SourceRecord) GetKafkaPartition() int32 {
	if x != nil && x.KafkaPartition != nil {
		return *x.KafkaPartition
	}
	return 0
}

func (x *SourceRecord) GetKey() *RecordData {
	if x != nil {
		return x.Key
	}
	return nil
}

func (x *SourceRecord) GetValue() *RecordData {
	if x != nil {
		return x.Value
	}
	return nil
}

func (x *SourceRecord) GetTimestamp() int64 {
	if x != nil && x.Timestamp != nil {
		return *x.Timestamp
	}
	return 0
}

func (x *SourceRecord) GetHeaders() []*Header {
	if x != nil {
		return x.Headers
	}
	return nil
}

func (x *SourceRecord) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

func (x *SourceRecord) GetTransaction() TransactionAction {
	if x != nil {
		return x.Transaction
	}
	return TransactionAction_TRANSACTION_ACTION_NONE
}

type CommitRecords struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Acks          []*RecordAck           `protobuf:"bytes,1,rep,name=acks,proto3" json:"acks,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *CommitRecords) Reset() {
	*x = CommitRecords{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[42]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *CommitRecords) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*CommitRecords) ProtoMessage() {}

func (x *CommitRecords) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[42]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use CommitRecords.ProtoReflect.Descriptor instead.
func (*CommitRecords) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{42}
}

func (x *CommitRecords) GetAcks() []*RecordAck {
	if x != nil {
		return x.Acks
	}
	return nil
}

type RecordAck struct {
	state     protoimpl.MessageState `protogen:"open.v1"`
	Seq       uint64                 `protobuf:"varint,1,opt,name=seq,proto3" json:"seq,omitempty"`
	Topic     string                 `protobuf:"bytes,2,opt,name=topic,proto3" json:"topic,omitempty"`
	Partition int32                  `protobuf:"varint,3,opt,name=partition,proto3" json:"partition,omitempty"`
	Offset    int64                  `protobuf:"varint,4,opt,name=offset,proto3" json:"offset,omitempty"`
	// The record was dropped by a transform and never written.
	Filtered      bool `protobuf:"varint,5,opt,name=filtered,proto3" json:"filtered,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *RecordAck) Reset() {
	*x = RecordAck{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[43]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *RecordAck) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*RecordAck) ProtoMessage() {}

func (x *RecordAck) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[43]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use RecordAck.ProtoReflect.Descriptor instead.
func (*RecordAck) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{43}
}

func (x *RecordAck) GetSeq() uint64 {
	if x != nil {
		return x.Seq
	}
	return 0
}

func (x *RecordAck) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *RecordAck) GetPartition() int32 {
	if x != nil {
		return x.Partition
	}
	return 0
}

func (x *RecordAck) GetOffset() int64 {
	if x != nil {
		return x.Offset
	}
	return 0
}

func (x *RecordAck) GetFiltered() bool {
	if x != nil {
		return x.Filtered
	}
	return false
}

type Commit struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	UpToSeq       uint64                 `protobuf:"varint,1,opt,name=up_to_seq,json=upToSeq,proto3" json:"up_to_seq,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Commit) Reset() {
	*x = Commit{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[44]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Commit) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Commit) ProtoMessage() {}

func (x *Commit) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[44]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Commit.ProtoReflect.Descriptor instead.
func (*Commit) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{44}
}

func (x *Commit) GetUpToSeq() uint64 {
	if x != nil {
		return x.UpToSeq
	}
	return 0
}

type OffsetsQuery struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	RequestId     uint64                 `protobuf:"varint,1,opt,name=request_id,json=requestId,proto3" json:"request_id,omitempty"`
	Partitions    []*Value               `protobuf:"bytes,2,rep,name=partitions,proto3" json:"partitions,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *OffsetsQuery) Reset() {
	*x = OffsetsQuery{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[45]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *OffsetsQuery) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*OffsetsQuery) ProtoMessage() {}

func (x *OffsetsQuery) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[45]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use OffsetsQuery.ProtoReflect.Descriptor instead.
func (*OffsetsQuery) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{45}
}

func (x *OffsetsQuery) GetRequestId() uint64 {
	if x != nil {
		return x.RequestId
	}
	return 0
}

func (x *OffsetsQuery) GetPartitions() []*Value {
	if x != nil {
		return x.Partitions
	}
	return nil
}

type OffsetsAnswer struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	RequestId     uint64                 `protobuf:"varint,1,opt,name=request_id,json=requestId,proto3" json:"request_id,omitempty"`
	Offsets       []*SourceOffset        `protobuf:"bytes,2,rep,name=offsets,proto3" json:"offsets,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *OffsetsAnswer) Reset() {
	*x = OffsetsAnswer{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[46]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *OffsetsAnswer) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*OffsetsAnswer) ProtoMessage() {}

func (x *OffsetsAnswer) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[46]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use OffsetsAnswer.ProtoReflect.Descriptor instead.
func (*OffsetsAnswer) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{46}
}

func (x *OffsetsAnswer) GetRequestId() uint64 {
	if x != nil {
		return x.RequestId
	}
	return 0
}

func (x *OffsetsAnswer) GetOffsets() []*SourceOffset {
	if x != nil {
		return x.Offsets
	}
	return nil
}

type Drained struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The seq of the last record the task sent; 0 if none.
	LastSeq       uint64 `protobuf:"varint,1,opt,name=last_seq,json=lastSeq,proto3" json:"last_seq,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Drained) Reset() {
	*x = Drained{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[47]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Drained) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Drained) ProtoMessage() {}

func (x *Drained) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[47]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Drained.ProtoReflect.Descriptor instead.
func (*Drained) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{47}
}

func (x *Drained) GetLastSeq() uint64 {
	if x != nil {
		return x.LastSeq
	}
	return 0
}

type SinkRequest struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*SinkRequest_Start
	//	*SinkRequest_Open
	//	*SinkRequest_Close
	//	*SinkRequest_Put
	//	*SinkRequest_Flush
	//	*SinkRequest_Heartbeat
	//	*SinkRequest_Stop
	Msg           isSinkRequest_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkRequest) Reset() {
	*x = SinkRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[48]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkRequest) ProtoMessage() {}

func (x *SinkRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[48]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkRequest.ProtoReflect.Descriptor instead.
func (*SinkRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{48}
}

func (x *SinkRequest) GetMsg() isSinkRequest_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *SinkRequest) GetStart() *SinkStart {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Start); ok {
			return x.Start
		}
	}
	return nil
}

func (x *SinkRequest) GetOpen() *Partitions {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Open); ok {
			return x.Open
		}
	}
	return nil
}

func (x *SinkRequest) GetClose() *Partitions {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Close); ok {
			return x.Close
		}
	}
	return nil
}

func (x *SinkRequest) GetPut() *Put {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Put); ok {
			return x.Put
		}
	}
	return nil
}

func (x *SinkRequest) GetFlush() *Flush {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Flush); ok {
			return x.Flush
		}
	}
	return nil
}

func (x *SinkRequest) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *SinkRequest) GetStop() *Stop {
	if x != nil {
		if x, ok := x.Msg.(*SinkRequest_Stop); ok {
			return x.Stop
		}
	}
	return nil
}

type isSinkRequest_Msg interface {
	isSinkRequest_Msg()
}

type SinkRequest_Start struct {
	Start *SinkStart `protobuf:"bytes,1,opt,name=start,proto3,oneof"`
}

type SinkRequest_Open struct {
	Open *Partitions `protobuf:"bytes,2,opt,name=open,proto3,oneof"`
}

type SinkRequest_Close struct {
	Close *Partitions `protobuf:"bytes,3,opt,name=close,proto3,oneof"`
}

type SinkRequest_Put struct {
	Put *Put `protobuf:"bytes,4,opt,name=put,proto3,oneof"`
}

type SinkRequest_Flush struct {
	Flush *Flush `protobuf:"bytes,5,opt,name=flush,proto3,oneof"`
}

type SinkRequest_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,6,opt,name=heartbeat,proto3,oneof"`
}

type SinkRequest_Stop struct {
	Stop *Stop `protobuf:"bytes,7,opt,name=stop,proto3,oneof"`
}

func (*SinkRequest_Start) isSinkRequest_Msg() {}

func (*SinkRequest_Open) isSinkRequest_Msg() {}

func (*SinkRequest_Close) isSinkRequest_Msg() {}

func (*SinkRequest_Put) isSinkRequest_Msg() {}

func (*SinkRequest_Flush) isSinkRequest_Msg() {}

func (*SinkRequest_Heartbeat) isSinkRequest_Msg() {}

func (*SinkRequest_Stop) isSinkRequest_Msg() {}

type SinkResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*SinkResponse_Started
	//	*SinkResponse_PutDone
	//	*SinkResponse_Flushed
	//	*SinkResponse_Errant
	//	*SinkResponse_Heartbeat
	//	*SinkResponse_Error
	//	*SinkResponse_Context
	Msg           isSinkResponse_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkResponse) Reset() {
	*x = SinkResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[49]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkResponse) ProtoMessage() {}

func (x *SinkResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[49]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkResponse.ProtoReflect.Descriptor instead.
func (*SinkResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{49}
}

func (x *SinkResponse) GetMsg() isSinkResponse_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *SinkResponse) GetStarted() *SinkStarted {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_Started); ok {
			return x.Started
		}
	}
	return nil
}

func (x *SinkResponse) GetPutDone() *PutDone {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_PutDone); ok {
			return x.PutDone
		}
	}
	return nil
}

func (x *SinkResponse) GetFlushed() *Flushed {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_Flushed); ok {
			return x.Flushed
		}
	}
	return nil
}

func (x *SinkResponse) GetErrant() *ErrantRecord {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_Errant); ok {
			return x.Errant
		}
	}
	return nil
}

func (x *SinkResponse) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *SinkResponse) GetError() *SinkError {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_Error); ok {
			return x.Error
		}
	}
	return nil
}

func (x *SinkResponse) GetContext() *SinkContext {
	if x != nil {
		if x, ok := x.Msg.(*SinkResponse_Context); ok {
			return x.Context
		}
	}
	return nil
}

type isSinkResponse_Msg interface {
	isSinkResponse_Msg()
}

type SinkResponse_Started struct {
	Started *SinkStarted `protobuf:"bytes,1,opt,name=started,proto3,oneof"`
}

type SinkResponse_PutDone struct {
	PutDone *PutDone `protobuf:"bytes,2,opt,name=put_done,json=putDone,proto3,oneof"`
}

type SinkResponse_Flushed struct {
	Flushed *Flushed `protobuf:"bytes,3,opt,name=flushed,proto3,oneof"`
}

type SinkResponse_Errant struct {
	Errant *ErrantRecord `protobuf:"bytes,4,opt,name=errant,proto3,oneof"`
}

type SinkResponse_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,5,opt,name=heartbeat,proto3,oneof"`
}

type SinkResponse_Error struct {
	Error *SinkError `protobuf:"bytes,6,opt,name=error,proto3,oneof"`
}

type SinkResponse_Context struct {
	Context *SinkContext `protobuf:"bytes,7,opt,name=context,proto3,oneof"`
}

func (*SinkResponse_Started) isSinkResponse_Msg() {}

func (*SinkResponse_PutDone) isSinkResponse_Msg() {}

func (*SinkResponse_Flushed) isSinkResponse_Msg() {}

func (*SinkResponse_Errant) isSinkResponse_Msg() {}

func (*SinkResponse_Heartbeat) isSinkResponse_Msg() {}

func (*SinkResponse_Error) isSinkResponse_Msg() {}

func (*SinkResponse_Context) isSinkResponse_Msg() {}

type SinkStart struct {
	state               protoimpl.MessageState `protogen:"open.v1"`
	ProtocolVersion     uint32                 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	ConnectorClass      string                 `protobuf:"bytes,2,opt,name=connector_class,json=connectorClass,proto3" json:"connector_class,omitempty"`
	ConnectorName       string                 `protobuf:"bytes,3,opt,name=connector_name,json=connectorName,proto3" json:"connector_name,omitempty"`
	TaskId              uint32                 `protobuf:"varint,4,opt,name=task_id,json=taskId,proto3" json:"task_id,omitempty"`
	Config              map[string]string      `protobuf:"bytes,5,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	HeartbeatIntervalMs uint32                 `protobuf:"varint,6,opt,name=heartbeat_interval_ms,json=heartbeatIntervalMs,proto3" json:"heartbeat_interval_ms,omitempty"`
	IdleTimeoutMs       uint32                 `protobuf:"varint,7,opt,name=idle_timeout_ms,json=idleTimeoutMs,proto3" json:"idle_timeout_ms,omitempty"`
	MaxMessageBytes     uint64                 `protobuf:"varint,8,opt,name=max_message_bytes,json=maxMessageBytes,proto3" json:"max_message_bytes,omitempty"`
	Capabilities        *Capabilities          `protobuf:"bytes,9,opt,name=capabilities,proto3" json:"capabilities,omitempty"`
	Trace               *TraceContext          `protobuf:"bytes,10,opt,name=trace,proto3" json:"trace,omitempty"`
	unknownFields       protoimpl.UnknownFields
	sizeCache           protoimpl.SizeCache
}

func (x *SinkStart) Reset() {
	*x = SinkStart{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[50]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkStart) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkStart) ProtoMessage() {}

func (x *SinkStart) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[50]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkStart.ProtoReflect.Descriptor instead.
func (*SinkStart) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{50}
}

func (x *SinkStart) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *SinkStart) GetConnectorClass() string {
	if x != nil {
		return x.ConnectorClass
	}
	return ""
}

func (x *SinkStart) GetConnectorName() string {
	if x != nil {
		return x.ConnectorName
	}
	return ""
}

func (x *SinkStart) GetTaskId() uint32 {
	if x != nil {
		return x.TaskId
	}
	return 0
}

func (x *SinkStart) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

func (x *SinkStart) GetHeartbeatIntervalMs() uint32 {
	if x != nil {
		return x.HeartbeatIntervalMs
	}
	return 0
}

func (x *SinkStart) GetIdleTimeoutMs() uint32 {
	if x != nil {
		return x.IdleTimeoutMs
	}
	return 0
}

func (x *SinkStart) GetMaxMessageBytes() uint64 {
	if x != nil {
		return x.MaxMessageBytes
	}
	return 0
}

func (x *SinkStart) GetCapabilities() *Capabilities {
	if x != nil {
		return x.Capabilities
	}
	return nil
}

func (x *SinkStart) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

type SinkStarted struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// How many Puts may be unanswered at once; 0 means 1.
	MaxInflightPuts uint32 `protobuf:"varint,1,opt,name=max_inflight_puts,json=maxInflightPuts,proto3" json:"max_inflight_puts,omitempty"`
	unknownFields   protoimpl.UnknownFields
	sizeCache       protoimpl.SizeCache
}

func (x *SinkStarted) Reset() {
	*x = SinkStarted{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[51]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkStarted) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkStarted) ProtoMessage() {}

func (x *SinkStarted) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[51]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkStarted.ProtoReflect.Descriptor instead.
func (*SinkStarted) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{51}
}

func (x *SinkStarted) GetMaxInflightPuts() uint32 {
	if x != nil {
		return x.MaxInflightPuts
	}
	return 0
}

type TopicPartition struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Topic         string                 `protobuf:"bytes,1,opt,name=topic,proto3" json:"topic,omitempty"`
	Partition     int32                  `protobuf:"varint,2,opt,name=partition,proto3" json:"partition,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TopicPartition) Reset() {
	*x = TopicPartition{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[52]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TopicPartition) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TopicPartition) ProtoMessage() {}

func (x *TopicPartition) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[52]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TopicPartition.ProtoReflect.Descriptor instead.
func (*TopicPartition) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{52}
}

func (x *TopicPartition) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *TopicPartition) GetPartition() int32 {
	if x != nil {
		return x.Partition
	}
	return 0
}

type Partitions struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	Partitions    []*TopicPartition      `protobuf:"bytes,1,rep,name=partitions,proto3" json:"partitions,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Partitions) Reset() {
	*x = Partitions{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[53]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Partitions) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Partitions) ProtoMessage() {}

func (x *Partitions) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[53]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Partitions.ProtoReflect.Descriptor instead.
func (*Partitions) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{53}
}

func (x *Partitions) GetPartitions() []*TopicPartition {
	if x != nil {
		return x.Partitions
	}
	return nil
}

type Put struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	PutId uint64                 `protobuf:"varint,1,opt,name=put_id,json=putId,proto3" json:"put_id,omitempty"`
	// The records as rows. Empty when `columns` is set.
	Records []*SinkRecord `protobuf:"bytes,2,rep,name=records,proto3" json:"records,omitempty"`
	// The context of the core's put span.
	Trace *TraceContext `protobuf:"bytes,3,opt,name=trace,proto3" json:"trace,omitempty"`
	// The same records column by column (capability "columnar_puts"); `records` is then
	// empty. A receiver decodes them into exactly the SinkRecords the rows would give.
	Columns       *SinkColumns `protobuf:"bytes,4,opt,name=columns,proto3" json:"columns,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Put) Reset() {
	*x = Put{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[54]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Put) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Put) ProtoMessage() {}

func (x *Put) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[54]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Put.ProtoReflect.Descriptor instead.
func (*Put) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{54}
}

func (x *Put) GetPutId() uint64 {
	if x != nil {
		return x.PutId
	}
	return 0
}

func (x *Put) GetRecords() []*SinkRecord {
	if x != nil {
		return x.Records
	}
	return nil
}

func (x *Put) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

func (x *Put) GetColumns() *SinkColumns {
	if x != nil {
		return x.Columns
	}
	return nil
}

// A Put's records column by column: row i of every column is record i, in the order the
// rows would have had. Only records with no headers, no trace context, the original topic
// and partition equal to the topic and partition, and keys (and values) that fit one
// DataColumn each travel this way; on the receiving side their `headers` are empty, their
// trace context absent and their original topic and partition their topic and partition.
// Every per-record list has `count` entries (`timestamp_types`: 1 or `count`; a column's
// lists: as DataColumn says); a receiver fails the task (FATAL) on a Put whose columns
// disagree.
type SinkColumns struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The number of records.
	Count uint32 `protobuf:"varint,1,opt,name=count,proto3" json:"count,omitempty"`
	// The topics of the records. One topic: every record's. Several: `topic_indexes` has each
	// record's index into this list.
	Topics       []string `protobuf:"bytes,2,rep,name=topics,proto3" json:"topics,omitempty"`
	TopicIndexes []uint32 `protobuf:"varint,3,rep,packed,name=topic_indexes,json=topicIndexes,proto3" json:"topic_indexes,omitempty"`
	Partitions   []int32  `protobuf:"varint,4,rep,packed,name=partitions,proto3" json:"partitions,omitempty"`
	Offsets      []int64  `protobuf:"varint,5,rep,packed,name=offsets,proto3" json:"offsets,omitempty"`
	// One per record; 0 where the record has no timestamp, and those rows are listed in
	// `no_timestamp` (ascending row indexes).
	Timestamps  []int64  `protobuf:"varint,6,rep,packed,name=timestamps,proto3" json:"timestamps,omitempty"`
	NoTimestamp []uint32 `protobuf:"varint,7,rep,packed,name=no_timestamp,json=noTimestamp,proto3" json:"no_timestamp,omitempty"`
	// One entry: every record's timestamp type. Otherwise one per record.
	TimestampTypes []TimestampType `protobuf:"varint,8,rep,packed,name=timestamp_types,json=timestampTypes,proto3,enum=polyconnect.v1.TimestampType" json:"timestamp_types,omitempty"`
	// The keys and the values. Absent: every record's key (value) is null and schemaless.
	Keys          *DataColumn `protobuf:"bytes,9,opt,name=keys,proto3" json:"keys,omitempty"`
	Values        *DataColumn `protobuf:"bytes,10,opt,name=values,proto3" json:"values,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkColumns) Reset() {
	*x = SinkColumns{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[55]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkColumns) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkColumns) ProtoMessage() {}

func (x *SinkColumns) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[55]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkColumns.ProtoReflect.Descriptor instead.
func (*SinkColumns) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{55}
}

func (x *SinkColumns) GetCount() uint32 {
	if x != nil {
		return x.Count
	}
	return 0
}

func (x *SinkColumns) GetTopics() []string {
	if x != nil {
		return x.Topics
	}
	return nil
}

func (x *SinkColumns) GetTopicIndexes() []uint32 {
	if x != nil {
		return x.TopicIndexes
	}
	return nil
}

func (x *SinkColumns) GetPartitions() []int32 {
	if x != nil {
		return x.Partitions
	}
	return nil
}

func (x *SinkColumns) GetOffsets() []int64 {
	if x != nil {
		return x.Offsets
	}
	return nil
}

func (x *SinkColumns) GetTimestamps() []int64 {
	if x != nil {
		return x.Timestamps
	}
	return nil
}

func (x *SinkColumns) GetNoTimestamp() []uint32 {
	if x != nil {
		return x.NoTimestamp
	}
	return nil
}

func (x *SinkColumns) GetTimestampTypes() []TimestampType {
	if x != nil {
		return x.TimestampTypes
	}
	return nil
}

func (x *SinkColumns) GetKeys() *DataColumn {
	if x != nil {
		return x.Keys
	}
	return nil
}

func (x *SinkColumns) GetValues() *DataColumn {
	if x != nil {
		return x.Values
	}
	return nil
}

type SinkRecord struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Topic, partition and offset after transforms (a transform may rename the topic).
	Topic          string        `protobuf:"bytes,1,opt,name=topic,proto3" json:"topic,omitempty"`
	KafkaPartition int32         `protobuf:"varint,2,opt,name=kafka_partition,json=kafkaPartition,proto3" json:"kafka_partition,omitempty"`
	KafkaOffset    int64         `protobuf:"varint,3,opt,name=kafka_offset,json=kafkaOffset,proto3" json:"kafka_offset,omitempty"`
	Key            *RecordData   `protobuf:"bytes,4,opt,name=key,proto3" json:"key,omitempty"`
	Value          *RecordData   `protobuf:"bytes,5,opt,name=value,proto3" json:"value,omitempty"`
	Timestamp      *int64        `protobuf:"varint,6,opt,name=timestamp,proto3,oneof" json:"timestamp,omitempty"`
	TimestampType  TimestampType `protobuf:"varint,7,opt,name=timestamp_type,json=timestampType,proto3,enum=polyconnect.v1.TimestampType" json:"timestamp_type,omitempty"`
	Headers        []*Header     `protobuf:"bytes,8,rep,name=headers,proto3" json:"headers,omitempty"`
	// The record's coordinates in Kafka before transforms (SinkRecord.originalTopic() ...).
	OriginalTopic          string `protobuf:"bytes,9,opt,name=original_topic,json=originalTopic,proto3" json:"original_topic,omitempty"`
	OriginalKafkaPartition int32  `protobuf:"varint,10,opt,name=original_kafka_partition,json=originalKafkaPartition,proto3" json:"original_kafka_partition,omitempty"`
	// The record's trace context, from its Kafka headers or the core's consume span.
	Trace         *TraceContext `protobuf:"bytes,11,opt,name=trace,proto3" json:"trace,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkRecord) Reset() {
	*x = SinkRecord{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[56]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkRecord) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkRecord) ProtoMessage() {}

func (x *SinkRecord) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[56]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkRecord.ProtoReflect.Descriptor instead.
func (*SinkRecord) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{56}
}

func (x *SinkRecord) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *SinkRecord) GetKafkaPartition() int32 {
	if x != nil {
		return x.KafkaPartition
	}
	return 0
}

func (x *SinkRecord) GetKafkaOffset() int64 {
	if x != nil {
		return x.KafkaOffset
	}
	return 0
}

func (x *SinkRecord) GetKey() *RecordData {
	if x != nil {
		return x.Key
	}
	return nil
}

func (x *SinkRecord) GetValue() *RecordData {
	if x != nil {
		return x.Value
	}
	return nil
}

func (x *SinkRecord) GetTimestamp() int64 {
	if x != nil && x.Timestamp != nil {
		return *x.Timestamp
	}
	return 0
}

func (x *SinkRecord) GetTimestampType() TimestampType {
	if x != nil {
		return x.TimestampType
	}
	return TimestampType_NO_TIMESTAMP_TYPE
}

func (x *SinkRecord) GetHeaders() []*Header {
	if x != nil {
		return x.Headers
	}
	return nil
}

func (x *SinkRecord) GetOriginalTopic() string {
	if x != nil {
		return x.OriginalTopic
	}
	return ""
}

func (x *SinkRecord) GetOriginalKafkaPartition() int32 {
	if x != nil {
		return x.OriginalKafkaPartition
	}
	return 0
}

func (x *SinkRecord) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

type PutDone struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	PutId         uint64                 `protobuf:"varint,1,opt,name=put_id,json=putId,proto3" json:"put_id,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *PutDone) Reset() {
	*x = PutDone{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[57]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *PutDone) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*PutDone) ProtoMessage() {}

func (x *PutDone) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[57]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use PutDone.ProtoReflect.Descriptor instead.
func (*PutDone) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{57}
}

func (x *PutDone) GetPutId() uint64 {
	if x != nil {
		return x.PutId
	}
	return 0
}

type TopicPartitionOffset struct {
	state     protoimpl.MessageState `protogen:"open.v1"`
	Topic     string                 `protobuf:"bytes,1,opt,name=topic,proto3" json:"topic,omitempty"`
	Partition int32                  `protobuf:"varint,2,opt,name=partition,proto3" json:"partition,omitempty"`
	// The next offset to consume (Kafka's committed-offset convention).
	Offset        int64 `protobuf:"varint,3,opt,name=offset,proto3" json:"offset,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TopicPartitionOffset) Reset() {
	*x = TopicPartitionOffset{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[58]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TopicPartitionOffset) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TopicPartitionOffset) ProtoMessage() {}

func (x *TopicPartitionOffset) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[58]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TopicPartitionOffset.ProtoReflect.Descriptor instead.
func (*TopicPartitionOffset) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{58}
}

func (x *TopicPartitionOffset) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *TopicPartitionOffset) GetPartition() int32 {
	if x != nil {
		return x.Partition
	}
	return 0
}

func (x *TopicPartitionOffset) GetOffset() int64 {
	if x != nil {
		return x.Offset
	}
	return 0
}

type Flush struct {
	state   protoimpl.MessageState  `protogen:"open.v1"`
	FlushId uint64                  `protobuf:"varint,1,opt,name=flush_id,json=flushId,proto3" json:"flush_id,omitempty"`
	Offsets []*TopicPartitionOffset `protobuf:"bytes,2,rep,name=offsets,proto3" json:"offsets,omitempty"`
	// The context of the core's flush span, which links to the Puts it covers; the
	// connector's flush span is its child, and the offset commit that follows is too.
	Trace         *TraceContext `protobuf:"bytes,3,opt,name=trace,proto3" json:"trace,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Flush) Reset() {
	*x = Flush{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[59]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Flush) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Flush) ProtoMessage() {}

func (x *Flush) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[59]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Flush.ProtoReflect.Descriptor instead.
func (*Flush) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{59}
}

func (x *Flush) GetFlushId() uint64 {
	if x != nil {
		return x.FlushId
	}
	return 0
}

func (x *Flush) GetOffsets() []*TopicPartitionOffset {
	if x != nil {
		return x.Offsets
	}
	return nil
}

func (x *Flush) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

type Flushed struct {
	state   protoimpl.MessageState `protogen:"open.v1"`
	FlushId uint64                 `protobuf:"varint,1,opt,name=flush_id,json=flushId,proto3" json:"flush_id,omitempty"`
	// The offsets made durable. Partitions left out are not committed this time.
	Offsets []*TopicPartitionOffset `protobuf:"bytes,2,rep,name=offsets,proto3" json:"offsets,omitempty"`
	// Set when the flush failed (an exception from preCommit/flush): the core commits
	// nothing for it and rewinds every partition to its last committed offset. `offsets`
	// should then be empty. A FATAL or CONFIG error still goes as SinkError and fails the task.
	Error         *Error `protobuf:"bytes,3,opt,name=error,proto3" json:"error,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *Flushed) Reset() {
	*x = Flushed{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[60]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *Flushed) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*Flushed) ProtoMessage() {}

func (x *Flushed) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[60]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use Flushed.ProtoReflect.Descriptor instead.
func (*Flushed) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{60}
}

func (x *Flushed) GetFlushId() uint64 {
	if x != nil {
		return x.FlushId
	}
	return 0
}

func (x *Flushed) GetOffsets() []*TopicPartitionOffset {
	if x != nil {
		return x.Offsets
	}
	return nil
}

func (x *Flushed) GetError() *Error {
	if x != nil {
		return x.Error
	}
	return nil
}

// Kafka Connect's SinkTaskContext, from the connector. Any combination of fields; the
// core applies them in this order, before the next Put.
type SinkContext struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// SinkTaskContext.offset(...): the next offsets to consume for these partitions. The
	// core seeks there (records already polled for them are dropped and read again), and
	// the offset counts as consumed for the next Flush.
	Offsets []*TopicPartitionOffset `protobuf:"bytes,1,rep,name=offsets,proto3" json:"offsets,omitempty"`
	// SinkTaskContext.pause(...) / resume(...): the core stops / starts fetching these
	// partitions (they stay assigned). A pause lasts until resumed or the partition is
	// revoked, as in Kafka Connect.
	Pause  []*TopicPartition `protobuf:"bytes,2,rep,name=pause,proto3" json:"pause,omitempty"`
	Resume []*TopicPartition `protobuf:"bytes,3,rep,name=resume,proto3" json:"resume,omitempty"`
	// SinkTaskContext.requestCommit(): a Flush as soon as possible instead of at the next
	// `offset.flush.interval.ms`.
	RequestCommit bool `protobuf:"varint,4,opt,name=request_commit,json=requestCommit,proto3" json:"request_commit,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkContext) Reset() {
	*x = SinkContext{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[61]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkContext) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkContext) ProtoMessage() {}

func (x *SinkContext) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[61]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkContext.ProtoReflect.Descriptor instead.
func (*SinkContext) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{61}
}

func (x *SinkContext) GetOffsets() []*TopicPartitionOffset {
	if x != nil {
		return x.Offsets
	}
	return nil
}

func (x *SinkContext) GetPause() []*TopicPartition {
	if x != nil {
		return x.Pause
	}
	return nil
}

func (x *SinkContext) GetResume() []*TopicPartition {
	if x != nil {
		return x.Resume
	}
	return nil
}

func (x *SinkContext) GetRequestCommit() bool {
	if x != nil {
		return x.RequestCommit
	}
	return false
}

type ErrantRecord struct {
	state          protoimpl.MessageState `protogen:"open.v1"`
	Topic          string                 `protobuf:"bytes,1,opt,name=topic,proto3" json:"topic,omitempty"`
	KafkaPartition int32                  `protobuf:"varint,2,opt,name=kafka_partition,json=kafkaPartition,proto3" json:"kafka_partition,omitempty"`
	KafkaOffset    int64                  `protobuf:"varint,3,opt,name=kafka_offset,json=kafkaOffset,proto3" json:"kafka_offset,omitempty"`
	Error          *Error                 `protobuf:"bytes,4,opt,name=error,proto3" json:"error,omitempty"`
	unknownFields  protoimpl.UnknownFields
	sizeCache      protoimpl.SizeCache
}

func (x *ErrantRecord) Reset() {
	*x = ErrantRecord{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[62]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ErrantRecord) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ErrantRecord) ProtoMessage() {}

func (x *ErrantRecord) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[62]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ErrantRecord.ProtoReflect.Descriptor instead.
func (*ErrantRecord) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{62}
}

func (x *ErrantRecord) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *ErrantRecord) GetKafkaPartition() int32 {
	if x != nil {
		return x.KafkaPartition
	}
	return 0
}

func (x *ErrantRecord) GetKafkaOffset() int64 {
	if x != nil {
		return x.KafkaOffset
	}
	return 0
}

func (x *ErrantRecord) GetError() *Error {
	if x != nil {
		return x.Error
	}
	return nil
}

type SinkError struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	Error *Error                 `protobuf:"bytes,1,opt,name=error,proto3" json:"error,omitempty"`
	// RETRIABLE from put: the Put to deliver again.
	PutId         uint64 `protobuf:"varint,2,opt,name=put_id,json=putId,proto3" json:"put_id,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *SinkError) Reset() {
	*x = SinkError{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[63]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *SinkError) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*SinkError) ProtoMessage() {}

func (x *SinkError) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[63]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use SinkError.ProtoReflect.Descriptor instead.
func (*SinkError) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{63}
}

func (x *SinkError) GetError() *Error {
	if x != nil {
		return x.Error
	}
	return nil
}

func (x *SinkError) GetPutId() uint64 {
	if x != nil {
		return x.PutId
	}
	return 0
}

type TransformRequest struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*TransformRequest_Start
	//	*TransformRequest_Batch
	//	*TransformRequest_Heartbeat
	//	*TransformRequest_Stop
	Msg           isTransformRequest_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformRequest) Reset() {
	*x = TransformRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[64]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformRequest) ProtoMessage() {}

func (x *TransformRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[64]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformRequest.ProtoReflect.Descriptor instead.
func (*TransformRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{64}
}

func (x *TransformRequest) GetMsg() isTransformRequest_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *TransformRequest) GetStart() *TransformStart {
	if x != nil {
		if x, ok := x.Msg.(*TransformRequest_Start); ok {
			return x.Start
		}
	}
	return nil
}

func (x *TransformRequest) GetBatch() *TransformBatch {
	if x != nil {
		if x, ok := x.Msg.(*TransformRequest_Batch); ok {
			return x.Batch
		}
	}
	return nil
}

func (x *TransformRequest) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*TransformRequest_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *TransformRequest) GetStop() *Stop {
	if x != nil {
		if x, ok := x.Msg.(*TransformRequest_Stop); ok {
			return x.Stop
		}
	}
	return nil
}

type isTransformRequest_Msg interface {
	isTransformRequest_Msg()
}

type TransformRequest_Start struct {
	Start *TransformStart `protobuf:"bytes,1,opt,name=start,proto3,oneof"`
}

type TransformRequest_Batch struct {
	Batch *TransformBatch `protobuf:"bytes,2,opt,name=batch,proto3,oneof"`
}

type TransformRequest_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,3,opt,name=heartbeat,proto3,oneof"`
}

type TransformRequest_Stop struct {
	Stop *Stop `protobuf:"bytes,4,opt,name=stop,proto3,oneof"`
}

func (*TransformRequest_Start) isTransformRequest_Msg() {}

func (*TransformRequest_Batch) isTransformRequest_Msg() {}

func (*TransformRequest_Heartbeat) isTransformRequest_Msg() {}

func (*TransformRequest_Stop) isTransformRequest_Msg() {}

type TransformResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*TransformResponse_Started
	//	*TransformResponse_Result
	//	*TransformResponse_Heartbeat
	//	*TransformResponse_Error
	Msg           isTransformResponse_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformResponse) Reset() {
	*x = TransformResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[65]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformResponse) ProtoMessage() {}

func (x *TransformResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[65]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformResponse.ProtoReflect.Descriptor instead.
func (*TransformResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{65}
}

func (x *TransformResponse) GetMsg() isTransformResponse_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *TransformResponse) GetStarted() *TransformStarted {
	if x != nil {
		if x, ok := x.Msg.(*TransformResponse_Started); ok {
			return x.Started
		}
	}
	return nil
}

func (x *TransformResponse) GetResult() *TransformResult {
	if x != nil {
		if x, ok := x.Msg.(*TransformResponse_Result); ok {
			return x.Result
		}
	}
	return nil
}

func (x *TransformResponse) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*TransformResponse_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *TransformResponse) GetError() *Error {
	if x != nil {
		if x, ok := x.Msg.(*TransformResponse_Error); ok {
			return x.Error
		}
	}
	return nil
}

type isTransformResponse_Msg interface {
	isTransformResponse_Msg()
}

type TransformResponse_Started struct {
	Started *TransformStarted `protobuf:"bytes,1,opt,name=started,proto3,oneof"`
}

type TransformResponse_Result struct {
	Result *TransformResult `protobuf:"bytes,2,opt,name=result,proto3,oneof"`
}

type TransformResponse_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,3,opt,name=heartbeat,proto3,oneof"`
}

type TransformResponse_Error struct {
	Error *Error `protobuf:"bytes,4,opt,name=error,proto3,oneof"`
}

func (*TransformResponse_Started) isTransformResponse_Msg() {}

func (*TransformResponse_Result) isTransformResponse_Msg() {}

func (*TransformResponse_Heartbeat) isTransformResponse_Msg() {}

func (*TransformResponse_Error) isTransformResponse_Msg() {}

type TransformStart struct {
	state           protoimpl.MessageState `protogen:"open.v1"`
	ProtocolVersion uint32                 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	// The transformation or predicate class, by class name or alias (as in PluginInfo).
	ClassName string `protobuf:"bytes,2,opt,name=class_name,json=className,proto3" json:"class_name,omitempty"`
	// Its settings, without the `transforms.<alias>.` / `predicates.<alias>.` prefix (and
	// without `type`, `predicate` and `negate`), as Kafka Connect passes them to configure().
	Config map[string]string `protobuf:"bytes,3,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// For logs and spans: the alias in the connector config, the connector and the task.
	Alias               string `protobuf:"bytes,4,opt,name=alias,proto3" json:"alias,omitempty"`
	ConnectorName       string `protobuf:"bytes,5,opt,name=connector_name,json=connectorName,proto3" json:"connector_name,omitempty"`
	TaskId              int32  `protobuf:"varint,6,opt,name=task_id,json=taskId,proto3" json:"task_id,omitempty"`
	HeartbeatIntervalMs uint32 `protobuf:"varint,7,opt,name=heartbeat_interval_ms,json=heartbeatIntervalMs,proto3" json:"heartbeat_interval_ms,omitempty"`
	IdleTimeoutMs       uint32 `protobuf:"varint,8,opt,name=idle_timeout_ms,json=idleTimeoutMs,proto3" json:"idle_timeout_ms,omitempty"`
	// What the records are: SOURCE (records a source task produced, before conversion) or
	// SINK (records consumed from Kafka, after conversion).
	Pipeline      PluginType `protobuf:"varint,9,opt,name=pipeline,proto3,enum=polyconnect.v1.PluginType" json:"pipeline,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformStart) Reset() {
	*x = TransformStart{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[66]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformStart) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformStart) ProtoMessage() {}

func (x *TransformStart) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[66]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformStart.ProtoReflect.Descriptor instead.
func (*TransformStart) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{66}
}

func (x *TransformStart) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *TransformStart) GetClassName() string {
	if x != nil {
		return x.ClassName
	}
	return ""
}

func (x *TransformStart) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

func (x *TransformStart) GetAlias() string {
	if x != nil {
		return x.Alias
	}
	return ""
}

func (x *TransformStart) GetConnectorName() string {
	if x != nil {
		return x.ConnectorName
	}
	return ""
}

func (x *TransformStart) GetTaskId() int32 {
	if x != nil {
		return x.TaskId
	}
	return 0
}

func (x *TransformStart) GetHeartbeatIntervalMs() uint32 {
	if x != nil {
		return x.HeartbeatIntervalMs
	}
	return 0
}

func (x *TransformStart) GetIdleTimeoutMs() uint32 {
	if x != nil {
		return x.IdleTimeoutMs
	}
	return 0
}

func (x *TransformStart) GetPipeline() PluginType {
	if x != nil {
		return x.Pipeline
	}
	return PluginType_PLUGIN_TYPE_UNSPECIFIED
}

type TransformStarted struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// What the instance is: TRANSFORMATION or PREDICATE.
	Type          PluginType `protobuf:"varint,1,opt,name=type,proto3,enum=polyconnect.v1.PluginType" json:"type,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformStarted) Reset() {
	*x = TransformStarted{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[67]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformStarted) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformStarted) ProtoMessage() {}

func (x *TransformStarted) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[67]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformStarted.ProtoReflect.Descriptor instead.
func (*TransformStarted) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{67}
}

func (x *TransformStarted) GetType() PluginType {
	if x != nil {
		return x.Type
	}
	return PluginType_PLUGIN_TYPE_UNSPECIFIED
}

type TransformBatch struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Per-stream batch number, 1, 2, 3, ...
	BatchId uint64             `protobuf:"varint,1,opt,name=batch_id,json=batchId,proto3" json:"batch_id,omitempty"`
	Records []*TransformRecord `protobuf:"bytes,2,rep,name=records,proto3" json:"records,omitempty"`
	// The context of the core's span for this chain stage; the process's span is its child.
	Trace         *TraceContext `protobuf:"bytes,3,opt,name=trace,proto3" json:"trace,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformBatch) Reset() {
	*x = TransformBatch{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[68]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformBatch) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformBatch) ProtoMessage() {}

func (x *TransformBatch) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[68]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformBatch.ProtoReflect.Descriptor instead.
func (*TransformBatch) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{68}
}

func (x *TransformBatch) GetBatchId() uint64 {
	if x != nil {
		return x.BatchId
	}
	return 0
}

func (x *TransformBatch) GetRecords() []*TransformRecord {
	if x != nil {
		return x.Records
	}
	return nil
}

func (x *TransformBatch) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

// Kafka Connect's ConnectRecord as a transform sees it. What a transform cannot change
// (source partition and offset, Kafka offset, original coordinates) stays in the core.
type TransformRecord struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Per-batch position, 0, 1, 2, ... (outcomes name the record they belong to).
	Index uint32 `protobuf:"varint,1,opt,name=index,proto3" json:"index,omitempty"`
	Topic string `protobuf:"bytes,2,opt,name=topic,proto3" json:"topic,omitempty"`
	// The Kafka partition; absent: none chosen (source records before the producer).
	KafkaPartition *int32      `protobuf:"varint,3,opt,name=kafka_partition,json=kafkaPartition,proto3,oneof" json:"kafka_partition,omitempty"`
	Key            *RecordData `protobuf:"bytes,4,opt,name=key,proto3" json:"key,omitempty"`
	Value          *RecordData `protobuf:"bytes,5,opt,name=value,proto3" json:"value,omitempty"`
	Timestamp      *int64      `protobuf:"varint,6,opt,name=timestamp,proto3,oneof" json:"timestamp,omitempty"`
	Headers        []*Header   `protobuf:"bytes,7,rep,name=headers,proto3" json:"headers,omitempty"`
	// Sink pipeline only: the record's Kafka offset and timestamp type (read-only).
	KafkaOffset   *int64        `protobuf:"varint,8,opt,name=kafka_offset,json=kafkaOffset,proto3,oneof" json:"kafka_offset,omitempty"`
	TimestampType TimestampType `protobuf:"varint,9,opt,name=timestamp_type,json=timestampType,proto3,enum=polyconnect.v1.TimestampType" json:"timestamp_type,omitempty"`
	Trace         *TraceContext `protobuf:"bytes,10,opt,name=trace,proto3" json:"trace,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformRecord) Reset() {
	*x = TransformRecord{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[69]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformRecord) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformRecord) ProtoMessage() {}

func (x *TransformRecord) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[69]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformRecord.ProtoReflect.Descriptor instead.
func (*TransformRecord) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{69}
}

func (x *TransformRecord) GetIndex() uint32 {
	if x != nil {
		return x.Index
	}
	return 0
}

func (x *TransformRecord) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *TransformRecord) GetKafkaPartition() int32 {
	if x != nil && x.KafkaPartition != nil {
		return *x.KafkaPartition
	}
	return 0
}

func (x *TransformRecord) GetKey() *RecordData {
	if x != nil {
		return x.Key
	}
	return nil
}

func (x *TransformRecord) GetValue() *RecordData {
	if x != nil {
		return x.Value
	}
	return nil
}

func (x *TransformRecord) GetTimestamp() int64 {
	if x != nil && x.Timestamp != nil {
		return *x.Timestamp
	}
	return 0
}

func (x *TransformRecord) GetHeaders() []*Header {
	if x != nil {
		return x.Headers
	}
	return nil
}

func (x *TransformRecord) GetKafkaOffset() int64 {
	if x != nil && x.KafkaOffset != nil {
		return *x.KafkaOffset
	}
	return 0
}

func (x *TransformRecord) GetTimestampType() TimestampType {
	if x != nil {
		return x.TimestampType
	}
	return TimestampType_NO_TIMESTAMP_TYPE
}

func (x *TransformRecord) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

type TransformResult struct {
	state   protoimpl.MessageState `protogen:"open.v1"`
	BatchId uint64                 `protobuf:"varint,1,opt,name=batch_id,json=batchId,proto3" json:"batch_id,omitempty"`
	// One per record of the batch, in the batch's order.
	Outcomes      []*TransformOutcome `protobuf:"bytes,2,rep,name=outcomes,proto3" json:"outcomes,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformResult) Reset() {
	*x = TransformResult{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[70]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformResult) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformResult) ProtoMessage() {}

func (x *TransformResult) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[70]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformResult.ProtoReflect.Descriptor instead.
func (*TransformResult) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{70}
}

func (x *TransformResult) GetBatchId() uint64 {
	if x != nil {
		return x.BatchId
	}
	return 0
}

func (x *TransformResult) GetOutcomes() []*TransformOutcome {
	if x != nil {
		return x.Outcomes
	}
	return nil
}

type TransformOutcome struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The record's `index` in the batch.
	Index uint32 `protobuf:"varint,1,opt,name=index,proto3" json:"index,omitempty"`
	// Types that are valid to be assigned to Outcome:
	//
	//	*TransformOutcome_Record
	//	*TransformOutcome_Dropped
	//	*TransformOutcome_Matches
	//	*TransformOutcome_Error
	Outcome       isTransformOutcome_Outcome `protobuf_oneof:"outcome"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *TransformOutcome) Reset() {
	*x = TransformOutcome{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[71]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *TransformOutcome) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*TransformOutcome) ProtoMessage() {}

func (x *TransformOutcome) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[71]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use TransformOutcome.ProtoReflect.Descriptor instead.
func (*TransformOutcome) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{71}
}

func (x *TransformOutcome) GetIndex() uint32 {
	if x != nil {
		return x.Index
	}
	return 0
}

func (x *TransformOutcome) GetOutcome() isTransformOutcome_Outcome {
	if x != nil {
		return x.Outcome
	}
	return nil
}

func (x *TransformOutcome) GetRecord() *TransformRecord {
	if x != nil {
		if x, ok := x.Outcome.(*TransformOutcome_Record); ok {
			return x.Record
		}
	}
	return nil
}

func (x *TransformOutcome) GetDropped() bool {
	if x != nil {
		if x, ok := x.Outcome.(*TransformOutcome_Dropped); ok {
			return x.Dropped
		}
	}
	return false
}

func (x *TransformOutcome) GetMatches() bool {
	if x != nil {
		if x, ok := x.Outcome.(*TransformOutcome_Matches); ok {
			return x.Matches
		}
	}
	return false
}

func (x *TransformOutcome) GetError() *Error {
	if x != nil {
		if x, ok := x.Outcome.(*TransformOutcome_Error); ok {
			return x.Error
		}
	}
	return nil
}

type isTransformOutcome_Outcome interface {
	isTransformOutcome_Outcome()
}

type TransformOutcome_Record struct {
	// The transformed record (its `index` is ignored).
	Record *TransformRecord `protobuf:"bytes,2,opt,name=record,proto3,oneof"`
}

type TransformOutcome_Dropped struct {
	// The transform dropped the record (apply returned null).
	Dropped bool `protobuf:"varint,3,opt,name=dropped,proto3,oneof"`
}

type TransformOutcome_Matches struct {
	// A predicate's answer: test(record).
	Matches bool `protobuf:"varint,4,opt,name=matches,proto3,oneof"`
}

type TransformOutcome_Error struct {
	// The transform failed on this record (Error kind RECORD): the core applies
	// errors.tolerance, errors.retry.* and the dead letter queue, with `error_class` as
	// the exception class.
	Error *Error `protobuf:"bytes,5,opt,name=error,proto3,oneof"`
}

func (*TransformOutcome_Record) isTransformOutcome_Outcome() {}

func (*TransformOutcome_Dropped) isTransformOutcome_Outcome() {}

func (*TransformOutcome_Matches) isTransformOutcome_Outcome() {}

func (*TransformOutcome_Error) isTransformOutcome_Outcome() {}

type ConverterRequest struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*ConverterRequest_Start
	//	*ConverterRequest_Batch
	//	*ConverterRequest_Heartbeat
	//	*ConverterRequest_Stop
	Msg           isConverterRequest_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterRequest) Reset() {
	*x = ConverterRequest{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[72]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterRequest) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterRequest) ProtoMessage() {}

func (x *ConverterRequest) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[72]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterRequest.ProtoReflect.Descriptor instead.
func (*ConverterRequest) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{72}
}

func (x *ConverterRequest) GetMsg() isConverterRequest_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *ConverterRequest) GetStart() *ConverterStart {
	if x != nil {
		if x, ok := x.Msg.(*ConverterRequest_Start); ok {
			return x.Start
		}
	}
	return nil
}

func (x *ConverterRequest) GetBatch() *ConverterBatch {
	if x != nil {
		if x, ok := x.Msg.(*ConverterRequest_Batch); ok {
			return x.Batch
		}
	}
	return nil
}

func (x *ConverterRequest) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*ConverterRequest_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *ConverterRequest) GetStop() *Stop {
	if x != nil {
		if x, ok := x.Msg.(*ConverterRequest_Stop); ok {
			return x.Stop
		}
	}
	return nil
}

type isConverterRequest_Msg interface {
	isConverterRequest_Msg()
}

type ConverterRequest_Start struct {
	Start *ConverterStart `protobuf:"bytes,1,opt,name=start,proto3,oneof"`
}

type ConverterRequest_Batch struct {
	Batch *ConverterBatch `protobuf:"bytes,2,opt,name=batch,proto3,oneof"`
}

type ConverterRequest_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,3,opt,name=heartbeat,proto3,oneof"`
}

type ConverterRequest_Stop struct {
	Stop *Stop `protobuf:"bytes,4,opt,name=stop,proto3,oneof"`
}

func (*ConverterRequest_Start) isConverterRequest_Msg() {}

func (*ConverterRequest_Batch) isConverterRequest_Msg() {}

func (*ConverterRequest_Heartbeat) isConverterRequest_Msg() {}

func (*ConverterRequest_Stop) isConverterRequest_Msg() {}

type ConverterResponse struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Types that are valid to be assigned to Msg:
	//
	//	*ConverterResponse_Started
	//	*ConverterResponse_Result
	//	*ConverterResponse_Heartbeat
	//	*ConverterResponse_Error
	Msg           isConverterResponse_Msg `protobuf_oneof:"msg"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterResponse) Reset() {
	*x = ConverterResponse{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[73]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterResponse) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterResponse) ProtoMessage() {}

func (x *ConverterResponse) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[73]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterResponse.ProtoReflect.Descriptor instead.
func (*ConverterResponse) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{73}
}

func (x *ConverterResponse) GetMsg() isConverterResponse_Msg {
	if x != nil {
		return x.Msg
	}
	return nil
}

func (x *ConverterResponse) GetStarted() *ConverterStarted {
	if x != nil {
		if x, ok := x.Msg.(*ConverterResponse_Started); ok {
			return x.Started
		}
	}
	return nil
}

func (x *ConverterResponse) GetResult() *ConverterResult {
	if x != nil {
		if x, ok := x.Msg.(*ConverterResponse_Result); ok {
			return x.Result
		}
	}
	return nil
}

func (x *ConverterResponse) GetHeartbeat() *Heartbeat {
	if x != nil {
		if x, ok := x.Msg.(*ConverterResponse_Heartbeat); ok {
			return x.Heartbeat
		}
	}
	return nil
}

func (x *ConverterResponse) GetError() *Error {
	if x != nil {
		if x, ok := x.Msg.(*ConverterResponse_Error); ok {
			return x.Error
		}
	}
	return nil
}

type isConverterResponse_Msg interface {
	isConverterResponse_Msg()
}

type ConverterResponse_Started struct {
	Started *ConverterStarted `protobuf:"bytes,1,opt,name=started,proto3,oneof"`
}

type ConverterResponse_Result struct {
	Result *ConverterResult `protobuf:"bytes,2,opt,name=result,proto3,oneof"`
}

type ConverterResponse_Heartbeat struct {
	Heartbeat *Heartbeat `protobuf:"bytes,3,opt,name=heartbeat,proto3,oneof"`
}

type ConverterResponse_Error struct {
	Error *Error `protobuf:"bytes,4,opt,name=error,proto3,oneof"`
}

func (*ConverterResponse_Started) isConverterResponse_Msg() {}

func (*ConverterResponse_Result) isConverterResponse_Msg() {}

func (*ConverterResponse_Heartbeat) isConverterResponse_Msg() {}

func (*ConverterResponse_Error) isConverterResponse_Msg() {}

type ConverterStart struct {
	state           protoimpl.MessageState `protogen:"open.v1"`
	ProtocolVersion uint32                 `protobuf:"varint,1,opt,name=protocol_version,json=protocolVersion,proto3" json:"protocol_version,omitempty"`
	// The converter class, by class name or alias.
	ClassName string `protobuf:"bytes,2,opt,name=class_name,json=className,proto3" json:"class_name,omitempty"`
	// Its settings without the `key.converter.` / `value.converter.` prefix.
	Config map[string]string `protobuf:"bytes,3,rep,name=config,proto3" json:"config,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// configure(config, isKey): true for `key.converter`.
	IsKey bool `protobuf:"varint,4,opt,name=is_key,json=isKey,proto3" json:"is_key,omitempty"`
	// For logs: the connector and the task.
	ConnectorName       string `protobuf:"bytes,5,opt,name=connector_name,json=connectorName,proto3" json:"connector_name,omitempty"`
	TaskId              int32  `protobuf:"varint,6,opt,name=task_id,json=taskId,proto3" json:"task_id,omitempty"`
	HeartbeatIntervalMs uint32 `protobuf:"varint,7,opt,name=heartbeat_interval_ms,json=heartbeatIntervalMs,proto3" json:"heartbeat_interval_ms,omitempty"`
	IdleTimeoutMs       uint32 `protobuf:"varint,8,opt,name=idle_timeout_ms,json=idleTimeoutMs,proto3" json:"idle_timeout_ms,omitempty"`
	// A HeaderConverter (`header.converter`): configure(config) without is_key; records carry
	// `header_key`, one per header, and are converted with fromConnectHeader /
	// toConnectHeader.
	HeaderConverter bool `protobuf:"varint,9,opt,name=header_converter,json=headerConverter,proto3" json:"header_converter,omitempty"`
	unknownFields   protoimpl.UnknownFields
	sizeCache       protoimpl.SizeCache
}

func (x *ConverterStart) Reset() {
	*x = ConverterStart{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[74]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterStart) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterStart) ProtoMessage() {}

func (x *ConverterStart) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[74]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterStart.ProtoReflect.Descriptor instead.
func (*ConverterStart) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{74}
}

func (x *ConverterStart) GetProtocolVersion() uint32 {
	if x != nil {
		return x.ProtocolVersion
	}
	return 0
}

func (x *ConverterStart) GetClassName() string {
	if x != nil {
		return x.ClassName
	}
	return ""
}

func (x *ConverterStart) GetConfig() map[string]string {
	if x != nil {
		return x.Config
	}
	return nil
}

func (x *ConverterStart) GetIsKey() bool {
	if x != nil {
		return x.IsKey
	}
	return false
}

func (x *ConverterStart) GetConnectorName() string {
	if x != nil {
		return x.ConnectorName
	}
	return ""
}

func (x *ConverterStart) GetTaskId() int32 {
	if x != nil {
		return x.TaskId
	}
	return 0
}

func (x *ConverterStart) GetHeartbeatIntervalMs() uint32 {
	if x != nil {
		return x.HeartbeatIntervalMs
	}
	return 0
}

func (x *ConverterStart) GetIdleTimeoutMs() uint32 {
	if x != nil {
		return x.IdleTimeoutMs
	}
	return 0
}

func (x *ConverterStart) GetHeaderConverter() bool {
	if x != nil {
		return x.HeaderConverter
	}
	return false
}

type ConverterStarted struct {
	state         protoimpl.MessageState `protogen:"open.v1"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterStarted) Reset() {
	*x = ConverterStarted{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[75]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterStarted) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterStarted) ProtoMessage() {}

func (x *ConverterStarted) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[75]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterStarted.ProtoReflect.Descriptor instead.
func (*ConverterStarted) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{75}
}

type ConverterBatch struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Per-stream batch number, 1, 2, 3, ...
	BatchId       uint64              `protobuf:"varint,1,opt,name=batch_id,json=batchId,proto3" json:"batch_id,omitempty"`
	Direction     ConversionDirection `protobuf:"varint,2,opt,name=direction,proto3,enum=polyconnect.v1.ConversionDirection" json:"direction,omitempty"`
	Records       []*ConverterRecord  `protobuf:"bytes,3,rep,name=records,proto3" json:"records,omitempty"`
	Trace         *TraceContext       `protobuf:"bytes,4,opt,name=trace,proto3" json:"trace,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterBatch) Reset() {
	*x = ConverterBatch{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[76]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterBatch) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterBatch) ProtoMessage() {}

func (x *ConverterBatch) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[76]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterBatch.ProtoReflect.Descriptor instead.
func (*ConverterBatch) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{76}
}

func (x *ConverterBatch) GetBatchId() uint64 {
	if x != nil {
		return x.BatchId
	}
	return 0
}

func (x *ConverterBatch) GetDirection() ConversionDirection {
	if x != nil {
		return x.Direction
	}
	return ConversionDirection_CONVERSION_DIRECTION_UNSPECIFIED
}

func (x *ConverterBatch) GetRecords() []*ConverterRecord {
	if x != nil {
		return x.Records
	}
	return nil
}

func (x *ConverterBatch) GetTrace() *TraceContext {
	if x != nil {
		return x.Trace
	}
	return nil
}

// A Kafka record header as the converter sees it (Kafka's Headers: bytes or null).
type KafkaHeader struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	Key   string                 `protobuf:"bytes,1,opt,name=key,proto3" json:"key,omitempty"`
	// Absent: a null header value.
	Value         []byte `protobuf:"bytes,2,opt,name=value,proto3,oneof" json:"value,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *KafkaHeader) Reset() {
	*x = KafkaHeader{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[77]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *KafkaHeader) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*KafkaHeader) ProtoMessage() {}

func (x *KafkaHeader) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[77]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use KafkaHeader.ProtoReflect.Descriptor instead.
func (*KafkaHeader) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{77}
}

func (x *KafkaHeader) GetKey() string {
	if x != nil {
		return x.Key
	}
	return ""
}

func (x *KafkaHeader) GetValue() []byte {
	if x != nil {
		return x.Value
	}
	return nil
}

type ConverterRecord struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// Per-batch position, 0, 1, 2, ...
	Index uint32 `protobuf:"varint,1,opt,name=index,proto3" json:"index,omitempty"`
	Topic string `protobuf:"bytes,2,opt,name=topic,proto3" json:"topic,omitempty"`
	// The record's Kafka headers, as the converter gets them.
	Headers []*KafkaHeader `protobuf:"bytes,3,rep,name=headers,proto3" json:"headers,omitempty"`
	// FROM_CONNECT_DATA: the schema (absent: schemaless) and the value.
	Data *Structured `protobuf:"bytes,4,opt,name=data,proto3" json:"data,omitempty"`
	// TO_CONNECT_DATA: the bytes (absent: null, a tombstone).
	Serialized []byte `protobuf:"bytes,5,opt,name=serialized,proto3,oneof" json:"serialized,omitempty"`
	// A header converter's record: the header's key (its value in `data` or `serialized`).
	HeaderKey     string `protobuf:"bytes,6,opt,name=header_key,json=headerKey,proto3" json:"header_key,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterRecord) Reset() {
	*x = ConverterRecord{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[78]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterRecord) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterRecord) ProtoMessage() {}

func (x *ConverterRecord) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[78]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterRecord.ProtoReflect.Descriptor instead.
func (*ConverterRecord) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{78}
}

func (x *ConverterRecord) GetIndex() uint32 {
	if x != nil {
		return x.Index
	}
	return 0
}

func (x *ConverterRecord) GetTopic() string {
	if x != nil {
		return x.Topic
	}
	return ""
}

func (x *ConverterRecord) GetHeaders() []*KafkaHeader {
	if x != nil {
		return x.Headers
	}
	return nil
}

func (x *ConverterRecord) GetData() *Structured {
	if x != nil {
		return x.Data
	}
	return nil
}

func (x *ConverterRecord) GetSerialized() []byte {
	if x != nil {
		return x.Serialized
	}
	return nil
}

func (x *ConverterRecord) GetHeaderKey() string {
	if x != nil {
		return x.HeaderKey
	}
	return ""
}

type ConverterResult struct {
	state   protoimpl.MessageState `protogen:"open.v1"`
	BatchId uint64                 `protobuf:"varint,1,opt,name=batch_id,json=batchId,proto3" json:"batch_id,omitempty"`
	// One per record of the batch, in the batch's order.
	Outcomes      []*ConverterOutcome `protobuf:"bytes,2,rep,name=outcomes,proto3" json:"outcomes,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterResult) Reset() {
	*x = ConverterResult{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[79]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterResult) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterResult) ProtoMessage() {}

func (x *ConverterResult) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[79]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterResult.ProtoReflect.Descriptor instead.
func (*ConverterResult) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{79}
}

func (x *ConverterResult) GetBatchId() uint64 {
	if x != nil {
		return x.BatchId
	}
	return 0
}

func (x *ConverterResult) GetOutcomes() []*ConverterOutcome {
	if x != nil {
		return x.Outcomes
	}
	return nil
}

type ConverterOutcome struct {
	state protoimpl.MessageState `protogen:"open.v1"`
	// The record's `index` in the batch.
	Index uint32 `protobuf:"varint,1,opt,name=index,proto3" json:"index,omitempty"`
	// FROM_CONNECT_DATA: the bytes (absent: null).
	Serialized []byte `protobuf:"bytes,2,opt,name=serialized,proto3,oneof" json:"serialized,omitempty"`
	// TO_CONNECT_DATA: the schema and value (SchemaAndValue; an absent schema: schemaless).
	Data *Structured `protobuf:"bytes,3,opt,name=data,proto3" json:"data,omitempty"`
	// The converter failed on this record (kind RECORD); `serialized` and `data` are unset.
	Error         *Error `protobuf:"bytes,4,opt,name=error,proto3" json:"error,omitempty"`
	unknownFields protoimpl.UnknownFields
	sizeCache     protoimpl.SizeCache
}

func (x *ConverterOutcome) Reset() {
	*x = ConverterOutcome{}
	mi := &file_polyconnect_v1_connector_proto_msgTypes[80]
	ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
	ms.StoreMessageInfo(mi)
}

func (x *ConverterOutcome) String() string {
	return protoimpl.X.MessageStringOf(x)
}

func (*ConverterOutcome) ProtoMessage() {}

func (x *ConverterOutcome) ProtoReflect() protoreflect.Message {
	mi := &file_polyconnect_v1_connector_proto_msgTypes[80]
	if x != nil {
		ms := protoimpl.X.MessageStateOf(protoimpl.Pointer(x))
		if ms.LoadMessageInfo() == nil {
			ms.StoreMessageInfo(mi)
		}
		return ms
	}
	return mi.MessageOf(x)
}

// Deprecated: Use ConverterOutcome.ProtoReflect.Descriptor instead.
func (*ConverterOutcome) Descriptor() ([]byte, []int) {
	return file_polyconnect_v1_connector_proto_rawDescGZIP(), []int{80}
}

func (x *ConverterOutcome) GetIndex() uint32 {
	if x != nil {
		return x.Index
	}
	return 0
}

func (x *ConverterOutcome) GetSerialized() []byte {
	if x != nil {
		return x.Serialized
	}
	return nil
}

func (x *ConverterOutcome) GetData() *Structured {
	if x != nil {
		return x.Data
	}
	return nil
}

func (x *ConverterOutcome) GetError() *Error {
	if x != nil {
		return x.Error
	}
	return nil
}

var File_polyconnect_v1_connector_proto protoreflect.FileDescriptor

const file_polyconnect_v1_connector_proto_rawDesc = "" +
	"\n" +
	"\x1epolyconnect/v1/connector.proto\x12\x0epolyconnect.v1\x1a\x19polyconnect/v1/data.proto\"\xd0\x01\n" +
	"\x10HandshakeRequest\x12+\n" +
	"\x11protocol_versions\x18\x01 \x03(\rR\x10protocolVersions\x12!\n" +
	"\fcore_version\x18\x02 \x01(\tR\vcoreVersion\x12*\n" +
	"\x11max_message_bytes\x18\x03 \x01(\x04R\x0fmaxMessageBytes\x12@\n" +
	"\fcapabilities\x18\x04 \x01(\v2\x1c.polyconnect.v1.CapabilitiesR\fcapabilities\"\xda\x01\n" +
	"\fCapabilities\x12\x1b\n" +
	"\traw_bytes\x18\x01 \x01(\bR\brawBytes\x12+\n" +
	"\x11schema_references\x18\x02 \x01(\bR\x10schemaReferences\x12#\n" +
	"\rtrace_context\x18\x03 \x01(\bR\ftraceContext\x12#\n" +
	"\rcolumnar_puts\x18\x04 \x01(\bR\fcolumnarPuts\x126\n" +
	"\x17columnar_source_batches\x18\x05 \x01(\bR\x15columnarSourceBatches\"\xa6\x02\n" +
	"\x11HandshakeResponse\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12!\n" +
	"\fsdk_language\x18\x02 \x01(\tR\vsdkLanguage\x12\x1f\n" +
	"\vsdk_version\x18\x03 \x01(\tR\n" +
	"sdkVersion\x12*\n" +
	"\x11max_message_bytes\x18\x04 \x01(\x04R\x0fmaxMessageBytes\x12@\n" +
	"\fcapabilities\x18\x05 \x01(\v2\x1c.polyconnect.v1.CapabilitiesR\fcapabilities\x124\n" +
	"\aplugins\x18\x06 \x03(\v2\x1a.polyconnect.v1.PluginInfoR\aplugins\"\x8f\x01\n" +
	"\n" +
	"PluginInfo\x12\x1d\n" +
	"\n" +
	"class_name\x18\x01 \x01(\tR\tclassName\x12\x18\n" +
	"\aaliases\x18\x02 \x03(\tR\aaliases\x12.\n" +
	"\x04type\x18\x03 \x01(\x0e2\x1a.polyconnect.v1.PluginTypeR\x04type\x12\x18\n" +
	"\aversion\x18\x04 \x01(\tR\aversion\"\x0f\n" +
	"\rHealthRequest\"*\n" +
	"\x0eHealthResponse\x12\x18\n" +
	"\aserving\x18\x01 \x01(\bR\aserving\"6\n" +
	"\vSpecRequest\x12'\n" +
	"\x0fconnector_class\x18\x01 \x01(\tR\x0econnectorClass\"u\n" +
	"\fSpecResponse\x122\n" +
	"\x06plugin\x18\x01 \x01(\v2\x1a.polyconnect.v1.PluginInfoR\x06plugin\x121\n" +
	"\x06config\x18\x02 \x03(\v2\x19.polyconnect.v1.ConfigKeyR\x06config\"\xea\x03\n" +
	"\tConfigKey\x12\x12\n" +
	"\x04name\x18\x01 \x01(\tR\x04name\x12.\n" +
	"\x04type\x18\x02 \x01(\x0e2\x1a.polyconnect.v1.ConfigTypeR\x04type\x12(\n" +
	"\rdefault_value\x18\x03 \x01(\tH\x00R\fdefaultValue\x88\x01\x01\x12:\n" +
	"\n" +
	"importance\x18\x04 \x01(\x0e2\x1a.polyconnect.v1.ImportanceR\n" +
	"importance\x12$\n" +
	"\rdocumentation\x18\x05 \x01(\tR\rdocumentation\x12\x14\n" +
	"\x05group\x18\x06 \x01(\tR\x05group\x12$\n" +
	"\x0eorder_in_group\x18\a \x01(\x05R\forderInGroup\x12+\n" +
	"\x05width\x18\b \x01(\x0e2\x15.polyconnect.v1.WidthR\x05width\x12!\n" +
	"\fdisplay_name\x18\t \x01(\tR\vdisplayName\x12\x1e\n" +
	"\n" +
	"dependents\x18\n" +
	" \x03(\tR\n" +
	"dependents\x127\n" +
	"\tvalidator\x18\v \x01(\v2\x19.polyconnect.v1.ValidatorR\tvalidator\x12\x16\n" +
	"\x06secret\x18\f \x01(\bR\x06secretB\x10\n" +
	"\x0e_default_value\"\xae\x02\n" +
	"\tValidator\x12-\n" +
	"\x05range\x18\x01 \x01(\v2\x15.polyconnect.v1.RangeH\x00R\x05range\x12@\n" +
	"\fvalid_string\x18\x02 \x01(\v2\x1b.polyconnect.v1.ValidStringH\x00R\vvalidString\x12J\n" +
	"\x10non_empty_string\x18\x03 \x01(\v2\x1e.polyconnect.v1.NonEmptyStringH\x00R\x0enonEmptyString\x12:\n" +
	"\n" +
	"valid_list\x18\x04 \x01(\v2\x19.polyconnect.v1.ValidListH\x00R\tvalidList\x12 \n" +
	"\vdescription\x18\n" +
	" \x01(\tR\vdescriptionB\x06\n" +
	"\x04kind\"E\n" +
	"\x05Range\x12\x15\n" +
	"\x03min\x18\x01 \x01(\x01H\x00R\x03min\x88\x01\x01\x12\x15\n" +
	"\x03max\x18\x02 \x01(\x01H\x01R\x03max\x88\x01\x01B\x06\n" +
	"\x04_minB\x06\n" +
	"\x04_max\"R\n" +
	"\vValidString\x12\x18\n" +
	"\aallowed\x18\x01 \x03(\tR\aallowed\x12)\n" +
	"\x10case_insensitive\x18\x02 \x01(\bR\x0fcaseInsensitive\"\x10\n" +
	"\x0eNonEmptyString\"%\n" +
	"\tValidList\x12\x18\n" +
	"\aallowed\x18\x01 \x03(\tR\aallowed\"\xba\x01\n" +
	"\x0fValidateRequest\x12'\n" +
	"\x0fconnector_class\x18\x01 \x01(\tR\x0econnectorClass\x12C\n" +
	"\x06config\x18\x02 \x03(\v2+.polyconnect.v1.ValidateRequest.ConfigEntryR\x06config\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"\xff\x02\n" +
	"\x10ValidateResponse\x123\n" +
	"\x06values\x18\x01 \x03(\v2\x1b.polyconnect.v1.ConfigValueR\x06values\x12T\n" +
	"\x14exactly_once_support\x18\x02 \x01(\x0e2\".polyconnect.v1.ExactlyOnceSupportR\x12exactlyOnceSupport\x12a\n" +
	"\x16transaction_boundaries\x18\x03 \x01(\x0e2*.polyconnect.v1.TransactionBoundarySupportR\x15transactionBoundaries\x12;\n" +
	"\x1aexactly_once_support_error\x18\x04 \x01(\tR\x17exactlyOnceSupportError\x12@\n" +
	"\x1ctransaction_boundaries_error\x18\x05 \x01(\tR\x1atransactionBoundariesError\"\xa7\x01\n" +
	"\vConfigValue\x12\x12\n" +
	"\x04name\x18\x01 \x01(\tR\x04name\x12\x19\n" +
	"\x05value\x18\x02 \x01(\tH\x00R\x05value\x88\x01\x01\x12-\n" +
	"\x12recommended_values\x18\x03 \x03(\tR\x11recommendedValues\x12\x16\n" +
	"\x06errors\x18\x04 \x03(\tR\x06errors\x12\x18\n" +
	"\avisible\x18\x05 \x01(\bR\avisibleB\b\n" +
	"\x06_value\"\xbc\x02\n" +
	"\x10ConnectorRequest\x126\n" +
	"\x05start\x18\x01 \x01(\v2\x1e.polyconnect.v1.ConnectorStartH\x00R\x05start\x12G\n" +
	"\ftask_configs\x18\x02 \x01(\v2\".polyconnect.v1.TaskConfigsRequestH\x00R\vtaskConfigs\x129\n" +
	"\theartbeat\x18\x03 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12*\n" +
	"\x04stop\x18\x04 \x01(\v2\x14.polyconnect.v1.StopH\x00R\x04stop\x129\n" +
	"\aoffsets\x18\x05 \x01(\v2\x1d.polyconnect.v1.OffsetsAnswerH\x00R\aoffsetsB\x05\n" +
	"\x03msg\"\x88\x03\n" +
	"\x11ConnectorResponse\x123\n" +
	"\astarted\x18\x01 \x01(\v2\x17.polyconnect.v1.StartedH\x00R\astarted\x12@\n" +
	"\ftask_configs\x18\x02 \x01(\v2\x1b.polyconnect.v1.TaskConfigsH\x00R\vtaskConfigs\x12F\n" +
	"\vreconfigure\x18\x03 \x01(\v2\".polyconnect.v1.ReconfigureRequestH\x00R\vreconfigure\x129\n" +
	"\theartbeat\x18\x04 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12-\n" +
	"\x05error\x18\x05 \x01(\v2\x15.polyconnect.v1.ErrorH\x00R\x05error\x12C\n" +
	"\roffsets_query\x18\x06 \x01(\v2\x1c.polyconnect.v1.OffsetsQueryH\x00R\foffsetsQueryB\x05\n" +
	"\x03msg\"\xb4\x03\n" +
	"\x13AlterOffsetsRequest\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12'\n" +
	"\x0fconnector_class\x18\x02 \x01(\tR\x0econnectorClass\x12%\n" +
	"\x0econnector_name\x18\x03 \x01(\tR\rconnectorName\x12G\n" +
	"\x06config\x18\x04 \x03(\v2/.polyconnect.v1.AlterOffsetsRequest.ConfigEntryR\x06config\x12C\n" +
	"\x0esource_offsets\x18\x05 \x03(\v2\x1c.polyconnect.v1.SourceOffsetR\rsourceOffsets\x12C\n" +
	"\fsink_offsets\x18\x06 \x03(\v2 .polyconnect.v1.SinkOffsetChangeR\vsinkOffsets\x12\x14\n" +
	"\x05reset\x18\a \x01(\bR\x05reset\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"n\n" +
	"\x10SinkOffsetChange\x12\x14\n" +
	"\x05topic\x18\x01 \x01(\tR\x05topic\x12\x1c\n" +
	"\tpartition\x18\x02 \x01(\x05R\tpartition\x12\x1b\n" +
	"\x06offset\x18\x03 \x01(\x03H\x00R\x06offset\x88\x01\x01B\t\n" +
	"\a_offset\"\xa0\x01\n" +
	"\x14AlterOffsetsResponse\x12\x18\n" +
	"\aaltered\x18\x01 \x01(\bR\aaltered\x12+\n" +
	"\x05error\x18\x02 \x01(\v2\x15.polyconnect.v1.ErrorR\x05error\x12\x1f\n" +
	"\vstatus_code\x18\x03 \x01(\rR\n" +
	"statusCode\x12 \n" +
	"\vunsupported\x18\x04 \x01(\bR\vunsupported\"\xe6\x02\n" +
	"\x0eConnectorStart\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12'\n" +
	"\x0fconnector_class\x18\x02 \x01(\tR\x0econnectorClass\x12%\n" +
	"\x0econnector_name\x18\x03 \x01(\tR\rconnectorName\x12B\n" +
	"\x06config\x18\x04 \x03(\v2*.polyconnect.v1.ConnectorStart.ConfigEntryR\x06config\x122\n" +
	"\x15heartbeat_interval_ms\x18\x05 \x01(\rR\x13heartbeatIntervalMs\x12&\n" +
	"\x0fidle_timeout_ms\x18\x06 \x01(\rR\ridleTimeoutMs\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"1\n" +
	"\x12TaskConfigsRequest\x12\x1b\n" +
	"\tmax_tasks\x18\x01 \x01(\rR\bmaxTasks\"C\n" +
	"\vTaskConfigs\x124\n" +
	"\aconfigs\x18\x01 \x03(\v2\x1a.polyconnect.v1.TaskConfigR\aconfigs\"\x87\x01\n" +
	"\n" +
	"TaskConfig\x12>\n" +
	"\x06config\x18\x01 \x03(\v2&.polyconnect.v1.TaskConfig.ConfigEntryR\x06config\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\",\n" +
	"\x12ReconfigureRequest\x12\x16\n" +
	"\x06reason\x18\x01 \x01(\tR\x06reason\"\t\n" +
	"\aStarted\"\v\n" +
	"\tHeartbeat\"%\n" +
	"\x04Stop\x12\x1d\n" +
	"\n" +
	"timeout_ms\x18\x01 \x01(\rR\ttimeoutMs\"\xbb\x02\n" +
	"\x05Error\x12-\n" +
	"\x04kind\x18\x01 \x01(\x0e2\x19.polyconnect.v1.ErrorKindR\x04kind\x12\x18\n" +
	"\amessage\x18\x02 \x01(\tR\amessage\x12\x1f\n" +
	"\verror_class\x18\x03 \x01(\tR\n" +
	"errorClass\x12\x16\n" +
	"\x06detail\x18\x04 \x01(\tR\x06detail\x12$\n" +
	"\x0eretry_after_ms\x18\x05 \x01(\rR\fretryAfterMs\x12\x1d\n" +
	"\n" +
	"record_seq\x18\x06 \x01(\x04R\trecordSeq\x12\x1f\n" +
	"\vkafka_topic\x18\a \x01(\tR\n" +
	"kafkaTopic\x12'\n" +
	"\x0fkafka_partition\x18\b \x01(\x05R\x0ekafkaPartition\x12!\n" +
	"\fkafka_offset\x18\t \x01(\x03R\vkafkaOffset\"\x99\x03\n" +
	"\rSourceRequest\x123\n" +
	"\x05start\x18\x01 \x01(\v2\x1b.polyconnect.v1.SourceStartH\x00R\x05start\x120\n" +
	"\x06credit\x18\x02 \x01(\v2\x16.polyconnect.v1.CreditH\x00R\x06credit\x12F\n" +
	"\x0ecommit_records\x18\x03 \x01(\v2\x1d.polyconnect.v1.CommitRecordsH\x00R\rcommitRecords\x120\n" +
	"\x06commit\x18\x04 \x01(\v2\x16.polyconnect.v1.CommitH\x00R\x06commit\x129\n" +
	"\aoffsets\x18\x05 \x01(\v2\x1d.polyconnect.v1.OffsetsAnswerH\x00R\aoffsets\x129\n" +
	"\theartbeat\x18\x06 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12*\n" +
	"\x04stop\x18\a \x01(\v2\x14.polyconnect.v1.StopH\x00R\x04stopB\x05\n" +
	"\x03msg\"\xe5\x02\n" +
	"\x0eSourceResponse\x123\n" +
	"\astarted\x18\x01 \x01(\v2\x17.polyconnect.v1.StartedH\x00R\astarted\x123\n" +
	"\x05batch\x18\x02 \x01(\v2\x1b.polyconnect.v1.SourceBatchH\x00R\x05batch\x12C\n" +
	"\roffsets_query\x18\x03 \x01(\v2\x1c.polyconnect.v1.OffsetsQueryH\x00R\foffsetsQuery\x123\n" +
	"\adrained\x18\x04 \x01(\v2\x17.polyconnect.v1.DrainedH\x00R\adrained\x129\n" +
	"\theartbeat\x18\x05 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12-\n" +
	"\x05error\x18\x06 \x01(\v2\x15.polyconnect.v1.ErrorH\x00R\x05errorB\x05\n" +
	"\x03msg\"\x84\x05\n" +
	"\vSourceStart\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12'\n" +
	"\x0fconnector_class\x18\x02 \x01(\tR\x0econnectorClass\x12%\n" +
	"\x0econnector_name\x18\x03 \x01(\tR\rconnectorName\x12\x17\n" +
	"\atask_id\x18\x04 \x01(\rR\x06taskId\x12?\n" +
	"\x06config\x18\x05 \x03(\v2'.polyconnect.v1.SourceStart.ConfigEntryR\x06config\x126\n" +
	"\aoffsets\x18\x06 \x03(\v2\x1c.polyconnect.v1.SourceOffsetR\aoffsets\x122\n" +
	"\x15heartbeat_interval_ms\x18\a \x01(\rR\x13heartbeatIntervalMs\x12&\n" +
	"\x0fidle_timeout_ms\x18\b \x01(\rR\ridleTimeoutMs\x12*\n" +
	"\x11max_message_bytes\x18\t \x01(\x04R\x0fmaxMessageBytes\x12@\n" +
	"\fcapabilities\x18\n" +
	" \x01(\v2\x1c.polyconnect.v1.CapabilitiesR\fcapabilities\x122\n" +
	"\x05trace\x18\v \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\x12/\n" +
	"\x13transaction_context\x18\f \x01(\bR\x12transactionContext\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"r\n" +
	"\fSourceOffset\x123\n" +
	"\tpartition\x18\x01 \x01(\v2\x15.polyconnect.v1.ValueR\tpartition\x12-\n" +
	"\x06offset\x18\x02 \x01(\v2\x15.polyconnect.v1.ValueR\x06offset\"8\n" +
	"\x06Credit\x12\x18\n" +
	"\arecords\x18\x01 \x01(\rR\arecords\x12\x14\n" +
	"\x05bytes\x18\x02 \x01(\x04R\x05bytes\"\xb2\x01\n" +
	"\vSourceBatch\x126\n" +
	"\arecords\x18\x01 \x03(\v2\x1c.polyconnect.v1.SourceRecordR\arecords\x122\n" +
	"\x05trace\x18\x02 \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\x127\n" +
	"\acolumns\x18\x03 \x01(\v2\x1d.polyconnect.v1.SourceColumnsR\acolumns\"\x95\x04\n" +
	"\rSourceColumns\x12\x1b\n" +
	"\tfirst_seq\x18\x01 \x01(\x04R\bfirstSeq\x12\x14\n" +
	"\x05count\x18\x02 \x01(\rR\x05count\x125\n" +
	"\n" +
	"partitions\x18\x03 \x03(\v2\x15.polyconnect.v1.ValueR\n" +
	"partitions\x12'\n" +
	"\x0fpartition_index\x18\x04 \x03(\rR\x0epartitionIndex\x12=\n" +
	"\vint_offsets\x18\x05 \x01(\v2\x1a.polyconnect.v1.IntOffsetsH\x00R\n" +
	"intOffsets\x12C\n" +
	"\rvalue_offsets\x18\x06 \x01(\v2\x1c.polyconnect.v1.ValueOffsetsH\x00R\fvalueOffsets\x12\x16\n" +
	"\x06topics\x18\a \x03(\tR\x06topics\x12\x1f\n" +
	"\vtopic_index\x18\b \x03(\rR\n" +
	"topicIndex\x12)\n" +
	"\x10kafka_partitions\x18\t \x03(\x05R\x0fkafkaPartitions\x12\x1e\n" +
	"\n" +
	"timestamps\x18\n" +
	" \x03(\x03R\n" +
	"timestamps\x12,\n" +
	"\x03key\x18\v \x01(\v2\x1a.polyconnect.v1.DataColumnR\x03key\x120\n" +
	"\x05value\x18\f \x01(\v2\x1a.polyconnect.v1.DataColumnR\x05valueB\t\n" +
	"\aoffsets\"8\n" +
	"\n" +
	"IntOffsets\x12\x12\n" +
	"\x04keys\x18\x01 \x03(\tR\x04keys\x12\x16\n" +
	"\x06values\x18\x02 \x03(\x12R\x06values\"?\n" +
	"\fValueOffsets\x12/\n" +
	"\aoffsets\x18\x01 \x03(\v2\x15.polyconnect.v1.ValueR\aoffsets\"\xb6\x01\n" +
	"\n" +
	"DataColumn\x122\n" +
	"\x04type\x18\x01 \x01(\x0e2\x1e.polyconnect.v1.DataColumnTypeR\x04type\x12.\n" +
	"\x06schema\x18\x02 \x01(\v2\x16.polyconnect.v1.SchemaR\x06schema\x12\x18\n" +
	"\astrings\x18\x03 \x03(\tR\astrings\x12\x14\n" +
	"\x05bytes\x18\x04 \x03(\fR\x05bytes\x12\x14\n" +
	"\x05nulls\x18\x05 \x03(\rR\x05nulls\"\xb2\x04\n" +
	"\fSourceRecord\x12\x10\n" +
	"\x03seq\x18\x01 \x01(\x04R\x03seq\x12@\n" +
	"\x10source_partition\x18\x02 \x01(\v2\x15.polyconnect.v1.ValueR\x0fsourcePartition\x12:\n" +
	"\rsource_offset\x18\x03 \x01(\v2\x15.polyconnect.v1.ValueR\fsourceOffset\x12\x14\n" +
	"\x05topic\x18\x04 \x01(\tR\x05topic\x12,\n" +
	"\x0fkafka_partition\x18\x05 \x01(\x05H\x00R\x0ekafkaPartition\x88\x01\x01\x12,\n" +
	"\x03key\x18\x06 \x01(\v2\x1a.polyconnect.v1.RecordDataR\x03key\x120\n" +
	"\x05value\x18\a \x01(\v2\x1a.polyconnect.v1.RecordDataR\x05value\x12!\n" +
	"\ttimestamp\x18\b \x01(\x03H\x01R\ttimestamp\x88\x01\x01\x120\n" +
	"\aheaders\x18\t \x03(\v2\x16.polyconnect.v1.HeaderR\aheaders\x122\n" +
	"\x05trace\x18\n" +
	" \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\x12C\n" +
	"\vtransaction\x18\v \x01(\x0e2!.polyconnect.v1.TransactionActionR\vtransactionB\x12\n" +
	"\x10_kafka_partitionB\f\n" +
	"\n" +
	"_timestamp\">\n" +
	"\rCommitRecords\x12-\n" +
	"\x04acks\x18\x01 \x03(\v2\x19.polyconnect.v1.RecordAckR\x04acks\"\x85\x01\n" +
	"\tRecordAck\x12\x10\n" +
	"\x03seq\x18\x01 \x01(\x04R\x03seq\x12\x14\n" +
	"\x05topic\x18\x02 \x01(\tR\x05topic\x12\x1c\n" +
	"\tpartition\x18\x03 \x01(\x05R\tpartition\x12\x16\n" +
	"\x06offset\x18\x04 \x01(\x03R\x06offset\x12\x1a\n" +
	"\bfiltered\x18\x05 \x01(\bR\bfiltered\"$\n" +
	"\x06Commit\x12\x1a\n" +
	"\tup_to_seq\x18\x01 \x01(\x04R\aupToSeq\"d\n" +
	"\fOffsetsQuery\x12\x1d\n" +
	"\n" +
	"request_id\x18\x01 \x01(\x04R\trequestId\x125\n" +
	"\n" +
	"partitions\x18\x02 \x03(\v2\x15.polyconnect.v1.ValueR\n" +
	"partitions\"f\n" +
	"\rOffsetsAnswer\x12\x1d\n" +
	"\n" +
	"request_id\x18\x01 \x01(\x04R\trequestId\x126\n" +
	"\aoffsets\x18\x02 \x03(\v2\x1c.polyconnect.v1.SourceOffsetR\aoffsets\"$\n" +
	"\aDrained\x12\x19\n" +
	"\blast_seq\x18\x01 \x01(\x04R\alastSeq\"\xec\x02\n" +
	"\vSinkRequest\x121\n" +
	"\x05start\x18\x01 \x01(\v2\x19.polyconnect.v1.SinkStartH\x00R\x05start\x120\n" +
	"\x04open\x18\x02 \x01(\v2\x1a.polyconnect.v1.PartitionsH\x00R\x04open\x122\n" +
	"\x05close\x18\x03 \x01(\v2\x1a.polyconnect.v1.PartitionsH\x00R\x05close\x12'\n" +
	"\x03put\x18\x04 \x01(\v2\x13.polyconnect.v1.PutH\x00R\x03put\x12-\n" +
	"\x05flush\x18\x05 \x01(\v2\x15.polyconnect.v1.FlushH\x00R\x05flush\x129\n" +
	"\theartbeat\x18\x06 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12*\n" +
	"\x04stop\x18\a \x01(\v2\x14.polyconnect.v1.StopH\x00R\x04stopB\x05\n" +
	"\x03msg\"\x98\x03\n" +
	"\fSinkResponse\x127\n" +
	"\astarted\x18\x01 \x01(\v2\x1b.polyconnect.v1.SinkStartedH\x00R\astarted\x124\n" +
	"\bput_done\x18\x02 \x01(\v2\x17.polyconnect.v1.PutDoneH\x00R\aputDone\x123\n" +
	"\aflushed\x18\x03 \x01(\v2\x17.polyconnect.v1.FlushedH\x00R\aflushed\x126\n" +
	"\x06errant\x18\x04 \x01(\v2\x1c.polyconnect.v1.ErrantRecordH\x00R\x06errant\x129\n" +
	"\theartbeat\x18\x05 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x121\n" +
	"\x05error\x18\x06 \x01(\v2\x19.polyconnect.v1.SinkErrorH\x00R\x05error\x127\n" +
	"\acontext\x18\a \x01(\v2\x1b.polyconnect.v1.SinkContextH\x00R\acontextB\x05\n" +
	"\x03msg\"\x97\x04\n" +
	"\tSinkStart\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12'\n" +
	"\x0fconnector_class\x18\x02 \x01(\tR\x0econnectorClass\x12%\n" +
	"\x0econnector_name\x18\x03 \x01(\tR\rconnectorName\x12\x17\n" +
	"\atask_id\x18\x04 \x01(\rR\x06taskId\x12=\n" +
	"\x06config\x18\x05 \x03(\v2%.polyconnect.v1.SinkStart.ConfigEntryR\x06config\x122\n" +
	"\x15heartbeat_interval_ms\x18\x06 \x01(\rR\x13heartbeatIntervalMs\x12&\n" +
	"\x0fidle_timeout_ms\x18\a \x01(\rR\ridleTimeoutMs\x12*\n" +
	"\x11max_message_bytes\x18\b \x01(\x04R\x0fmaxMessageBytes\x12@\n" +
	"\fcapabilities\x18\t \x01(\v2\x1c.polyconnect.v1.CapabilitiesR\fcapabilities\x122\n" +
	"\x05trace\x18\n" +
	" \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"9\n" +
	"\vSinkStarted\x12*\n" +
	"\x11max_inflight_puts\x18\x01 \x01(\rR\x0fmaxInflightPuts\"D\n" +
	"\x0eTopicPartition\x12\x14\n" +
	"\x05topic\x18\x01 \x01(\tR\x05topic\x12\x1c\n" +
	"\tpartition\x18\x02 \x01(\x05R\tpartition\"L\n" +
	"\n" +
	"Partitions\x12>\n" +
	"\n" +
	"partitions\x18\x01 \x03(\v2\x1e.polyconnect.v1.TopicPartitionR\n" +
	"partitions\"\xbd\x01\n" +
	"\x03Put\x12\x15\n" +
	"\x06put_id\x18\x01 \x01(\x04R\x05putId\x124\n" +
	"\arecords\x18\x02 \x03(\v2\x1a.polyconnect.v1.SinkRecordR\arecords\x122\n" +
	"\x05trace\x18\x03 \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\x125\n" +
	"\acolumns\x18\x04 \x01(\v2\x1b.polyconnect.v1.SinkColumnsR\acolumns\"\x89\x03\n" +
	"\vSinkColumns\x12\x14\n" +
	"\x05count\x18\x01 \x01(\rR\x05count\x12\x16\n" +
	"\x06topics\x18\x02 \x03(\tR\x06topics\x12#\n" +
	"\rtopic_indexes\x18\x03 \x03(\rR\ftopicIndexes\x12\x1e\n" +
	"\n" +
	"partitions\x18\x04 \x03(\x05R\n" +
	"partitions\x12\x18\n" +
	"\aoffsets\x18\x05 \x03(\x03R\aoffsets\x12\x1e\n" +
	"\n" +
	"timestamps\x18\x06 \x03(\x03R\n" +
	"timestamps\x12!\n" +
	"\fno_timestamp\x18\a \x03(\rR\vnoTimestamp\x12F\n" +
	"\x0ftimestamp_types\x18\b \x03(\x0e2\x1d.polyconnect.v1.TimestampTypeR\x0etimestampTypes\x12.\n" +
	"\x04keys\x18\t \x01(\v2\x1a.polyconnect.v1.DataColumnR\x04keys\x122\n" +
	"\x06values\x18\n" +
	" \x01(\v2\x1a.polyconnect.v1.DataColumnR\x06values\"\x8c\x04\n" +
	"\n" +
	"SinkRecord\x12\x14\n" +
	"\x05topic\x18\x01 \x01(\tR\x05topic\x12'\n" +
	"\x0fkafka_partition\x18\x02 \x01(\x05R\x0ekafkaPartition\x12!\n" +
	"\fkafka_offset\x18\x03 \x01(\x03R\vkafkaOffset\x12,\n" +
	"\x03key\x18\x04 \x01(\v2\x1a.polyconnect.v1.RecordDataR\x03key\x120\n" +
	"\x05value\x18\x05 \x01(\v2\x1a.polyconnect.v1.RecordDataR\x05value\x12!\n" +
	"\ttimestamp\x18\x06 \x01(\x03H\x00R\ttimestamp\x88\x01\x01\x12D\n" +
	"\x0etimestamp_type\x18\a \x01(\x0e2\x1d.polyconnect.v1.TimestampTypeR\rtimestampType\x120\n" +
	"\aheaders\x18\b \x03(\v2\x16.polyconnect.v1.HeaderR\aheaders\x12%\n" +
	"\x0eoriginal_topic\x18\t \x01(\tR\roriginalTopic\x128\n" +
	"\x18original_kafka_partition\x18\n" +
	" \x01(\x05R\x16originalKafkaPartition\x122\n" +
	"\x05trace\x18\v \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05traceB\f\n" +
	"\n" +
	"_timestamp\" \n" +
	"\aPutDone\x12\x15\n" +
	"\x06put_id\x18\x01 \x01(\x04R\x05putId\"b\n" +
	"\x14TopicPartitionOffset\x12\x14\n" +
	"\x05topic\x18\x01 \x01(\tR\x05topic\x12\x1c\n" +
	"\tpartition\x18\x02 \x01(\x05R\tpartition\x12\x16\n" +
	"\x06offset\x18\x03 \x01(\x03R\x06offset\"\x96\x01\n" +
	"\x05Flush\x12\x19\n" +
	"\bflush_id\x18\x01 \x01(\x04R\aflushId\x12>\n" +
	"\aoffsets\x18\x02 \x03(\v2$.polyconnect.v1.TopicPartitionOffsetR\aoffsets\x122\n" +
	"\x05trace\x18\x03 \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\"\x91\x01\n" +
	"\aFlushed\x12\x19\n" +
	"\bflush_id\x18\x01 \x01(\x04R\aflushId\x12>\n" +
	"\aoffsets\x18\x02 \x03(\v2$.polyconnect.v1.TopicPartitionOffsetR\aoffsets\x12+\n" +
	"\x05error\x18\x03 \x01(\v2\x15.polyconnect.v1.ErrorR\x05error\"\xe2\x01\n" +
	"\vSinkContext\x12>\n" +
	"\aoffsets\x18\x01 \x03(\v2$.polyconnect.v1.TopicPartitionOffsetR\aoffsets\x124\n" +
	"\x05pause\x18\x02 \x03(\v2\x1e.polyconnect.v1.TopicPartitionR\x05pause\x126\n" +
	"\x06resume\x18\x03 \x03(\v2\x1e.polyconnect.v1.TopicPartitionR\x06resume\x12%\n" +
	"\x0erequest_commit\x18\x04 \x01(\bR\rrequestCommit\"\x9d\x01\n" +
	"\fErrantRecord\x12\x14\n" +
	"\x05topic\x18\x01 \x01(\tR\x05topic\x12'\n" +
	"\x0fkafka_partition\x18\x02 \x01(\x05R\x0ekafkaPartition\x12!\n" +
	"\fkafka_offset\x18\x03 \x01(\x03R\vkafkaOffset\x12+\n" +
	"\x05error\x18\x04 \x01(\v2\x15.polyconnect.v1.ErrorR\x05error\"O\n" +
	"\tSinkError\x12+\n" +
	"\x05error\x18\x01 \x01(\v2\x15.polyconnect.v1.ErrorR\x05error\x12\x15\n" +
	"\x06put_id\x18\x02 \x01(\x04R\x05putId\"\xf0\x01\n" +
	"\x10TransformRequest\x126\n" +
	"\x05start\x18\x01 \x01(\v2\x1e.polyconnect.v1.TransformStartH\x00R\x05start\x126\n" +
	"\x05batch\x18\x02 \x01(\v2\x1e.polyconnect.v1.TransformBatchH\x00R\x05batch\x129\n" +
	"\theartbeat\x18\x03 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12*\n" +
	"\x04stop\x18\x04 \x01(\v2\x14.polyconnect.v1.StopH\x00R\x04stopB\x05\n" +
	"\x03msg\"\xfd\x01\n" +
	"\x11TransformResponse\x12<\n" +
	"\astarted\x18\x01 \x01(\v2 .polyconnect.v1.TransformStartedH\x00R\astarted\x129\n" +
	"\x06result\x18\x02 \x01(\v2\x1f.polyconnect.v1.TransformResultH\x00R\x06result\x129\n" +
	"\theartbeat\x18\x03 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12-\n" +
	"\x05error\x18\x04 \x01(\v2\x15.polyconnect.v1.ErrorH\x00R\x05errorB\x05\n" +
	"\x03msg\"\xc3\x03\n" +
	"\x0eTransformStart\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12\x1d\n" +
	"\n" +
	"class_name\x18\x02 \x01(\tR\tclassName\x12B\n" +
	"\x06config\x18\x03 \x03(\v2*.polyconnect.v1.TransformStart.ConfigEntryR\x06config\x12\x14\n" +
	"\x05alias\x18\x04 \x01(\tR\x05alias\x12%\n" +
	"\x0econnector_name\x18\x05 \x01(\tR\rconnectorName\x12\x17\n" +
	"\atask_id\x18\x06 \x01(\x05R\x06taskId\x122\n" +
	"\x15heartbeat_interval_ms\x18\a \x01(\rR\x13heartbeatIntervalMs\x12&\n" +
	"\x0fidle_timeout_ms\x18\b \x01(\rR\ridleTimeoutMs\x126\n" +
	"\bpipeline\x18\t \x01(\x0e2\x1a.polyconnect.v1.PluginTypeR\bpipeline\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"B\n" +
	"\x10TransformStarted\x12.\n" +
	"\x04type\x18\x01 \x01(\x0e2\x1a.polyconnect.v1.PluginTypeR\x04type\"\x9a\x01\n" +
	"\x0eTransformBatch\x12\x19\n" +
	"\bbatch_id\x18\x01 \x01(\x04R\abatchId\x129\n" +
	"\arecords\x18\x02 \x03(\v2\x1f.polyconnect.v1.TransformRecordR\arecords\x122\n" +
	"\x05trace\x18\x03 \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\"\xf5\x03\n" +
	"\x0fTransformRecord\x12\x14\n" +
	"\x05index\x18\x01 \x01(\rR\x05index\x12\x14\n" +
	"\x05topic\x18\x02 \x01(\tR\x05topic\x12,\n" +
	"\x0fkafka_partition\x18\x03 \x01(\x05H\x00R\x0ekafkaPartition\x88\x01\x01\x12,\n" +
	"\x03key\x18\x04 \x01(\v2\x1a.polyconnect.v1.RecordDataR\x03key\x120\n" +
	"\x05value\x18\x05 \x01(\v2\x1a.polyconnect.v1.RecordDataR\x05value\x12!\n" +
	"\ttimestamp\x18\x06 \x01(\x03H\x01R\ttimestamp\x88\x01\x01\x120\n" +
	"\aheaders\x18\a \x03(\v2\x16.polyconnect.v1.HeaderR\aheaders\x12&\n" +
	"\fkafka_offset\x18\b \x01(\x03H\x02R\vkafkaOffset\x88\x01\x01\x12D\n" +
	"\x0etimestamp_type\x18\t \x01(\x0e2\x1d.polyconnect.v1.TimestampTypeR\rtimestampType\x122\n" +
	"\x05trace\x18\n" +
	" \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05traceB\x12\n" +
	"\x10_kafka_partitionB\f\n" +
	"\n" +
	"_timestampB\x0f\n" +
	"\r_kafka_offset\"j\n" +
	"\x0fTransformResult\x12\x19\n" +
	"\bbatch_id\x18\x01 \x01(\x04R\abatchId\x12<\n" +
	"\boutcomes\x18\x02 \x03(\v2 .polyconnect.v1.TransformOutcomeR\boutcomes\"\xd5\x01\n" +
	"\x10TransformOutcome\x12\x14\n" +
	"\x05index\x18\x01 \x01(\rR\x05index\x129\n" +
	"\x06record\x18\x02 \x01(\v2\x1f.polyconnect.v1.TransformRecordH\x00R\x06record\x12\x1a\n" +
	"\adropped\x18\x03 \x01(\bH\x00R\adropped\x12\x1a\n" +
	"\amatches\x18\x04 \x01(\bH\x00R\amatches\x12-\n" +
	"\x05error\x18\x05 \x01(\v2\x15.polyconnect.v1.ErrorH\x00R\x05errorB\t\n" +
	"\aoutcome\"\xf0\x01\n" +
	"\x10ConverterRequest\x126\n" +
	"\x05start\x18\x01 \x01(\v2\x1e.polyconnect.v1.ConverterStartH\x00R\x05start\x126\n" +
	"\x05batch\x18\x02 \x01(\v2\x1e.polyconnect.v1.ConverterBatchH\x00R\x05batch\x129\n" +
	"\theartbeat\x18\x03 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12*\n" +
	"\x04stop\x18\x04 \x01(\v2\x14.polyconnect.v1.StopH\x00R\x04stopB\x05\n" +
	"\x03msg\"\xfd\x01\n" +
	"\x11ConverterResponse\x12<\n" +
	"\astarted\x18\x01 \x01(\v2 .polyconnect.v1.ConverterStartedH\x00R\astarted\x129\n" +
	"\x06result\x18\x02 \x01(\v2\x1f.polyconnect.v1.ConverterResultH\x00R\x06result\x129\n" +
	"\theartbeat\x18\x03 \x01(\v2\x19.polyconnect.v1.HeartbeatH\x00R\theartbeat\x12-\n" +
	"\x05error\x18\x04 \x01(\v2\x15.polyconnect.v1.ErrorH\x00R\x05errorB\x05\n" +
	"\x03msg\"\xb7\x03\n" +
	"\x0eConverterStart\x12)\n" +
	"\x10protocol_version\x18\x01 \x01(\rR\x0fprotocolVersion\x12\x1d\n" +
	"\n" +
	"class_name\x18\x02 \x01(\tR\tclassName\x12B\n" +
	"\x06config\x18\x03 \x03(\v2*.polyconnect.v1.ConverterStart.ConfigEntryR\x06config\x12\x15\n" +
	"\x06is_key\x18\x04 \x01(\bR\x05isKey\x12%\n" +
	"\x0econnector_name\x18\x05 \x01(\tR\rconnectorName\x12\x17\n" +
	"\atask_id\x18\x06 \x01(\x05R\x06taskId\x122\n" +
	"\x15heartbeat_interval_ms\x18\a \x01(\rR\x13heartbeatIntervalMs\x12&\n" +
	"\x0fidle_timeout_ms\x18\b \x01(\rR\ridleTimeoutMs\x12)\n" +
	"\x10header_converter\x18\t \x01(\bR\x0fheaderConverter\x1a9\n" +
	"\vConfigEntry\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x14\n" +
	"\x05value\x18\x02 \x01(\tR\x05value:\x028\x01\"\x12\n" +
	"\x10ConverterStarted\"\xdd\x01\n" +
	"\x0eConverterBatch\x12\x19\n" +
	"\bbatch_id\x18\x01 \x01(\x04R\abatchId\x12A\n" +
	"\tdirection\x18\x02 \x01(\x0e2#.polyconnect.v1.ConversionDirectionR\tdirection\x129\n" +
	"\arecords\x18\x03 \x03(\v2\x1f.polyconnect.v1.ConverterRecordR\arecords\x122\n" +
	"\x05trace\x18\x04 \x01(\v2\x1c.polyconnect.v1.TraceContextR\x05trace\"D\n" +
	"\vKafkaHeader\x12\x10\n" +
	"\x03key\x18\x01 \x01(\tR\x03key\x12\x19\n" +
	"\x05value\x18\x02 \x01(\fH\x00R\x05value\x88\x01\x01B\b\n" +
	"\x06_value\"\xf7\x01\n" +
	"\x0fConverterRecord\x12\x14\n" +
	"\x05index\x18\x01 \x01(\rR\x05index\x12\x14\n" +
	"\x05topic\x18\x02 \x01(\tR\x05topic\x125\n" +
	"\aheaders\x18\x03 \x03(\v2\x1b.polyconnect.v1.KafkaHeaderR\aheaders\x12.\n" +
	"\x04data\x18\x04 \x01(\v2\x1a.polyconnect.v1.StructuredR\x04data\x12#\n" +
	"\n" +
	"serialized\x18\x05 \x01(\fH\x00R\n" +
	"serialized\x88\x01\x01\x12\x1d\n" +
	"\n" +
	"header_key\x18\x06 \x01(\tR\theaderKeyB\r\n" +
	"\v_serialized\"j\n" +
	"\x0fConverterResult\x12\x19\n" +
	"\bbatch_id\x18\x01 \x01(\x04R\abatchId\x12<\n" +
	"\boutcomes\x18\x02 \x03(\v2 .polyconnect.v1.ConverterOutcomeR\boutcomes\"\xb9\x01\n" +
	"\x10ConverterOutcome\x12\x14\n" +
	"\x05index\x18\x01 \x01(\rR\x05index\x12#\n" +
	"\n" +
	"serialized\x18\x02 \x01(\fH\x00R\n" +
	"serialized\x88\x01\x01\x12.\n" +
	"\x04data\x18\x03 \x01(\v2\x1a.polyconnect.v1.StructuredR\x04data\x12+\n" +
	"\x05error\x18\x04 \x01(\v2\x15.polyconnect.v1.ErrorR\x05errorB\r\n" +
	"\v_serialized*b\n" +
	"\n" +
	"PluginType\x12\x1b\n" +
	"\x17PLUGIN_TYPE_UNSPECIFIED\x10\x00\x12\n" +
	"\n" +
	"\x06SOURCE\x10\x01\x12\b\n" +
	"\x04SINK\x10\x02\x12\x12\n" +
	"\x0eTRANSFORMATION\x10\x03\x12\r\n" +
	"\tPREDICATE\x10\x04*\xce\x01\n" +
	"\n" +
	"ConfigType\x12\x1b\n" +
	"\x17CONFIG_TYPE_UNSPECIFIED\x10\x00\x12\x12\n" +
	"\x0eBOOLEAN_CONFIG\x10\x01\x12\x11\n" +
	"\rSTRING_CONFIG\x10\x02\x12\x0e\n" +
	"\n" +
	"INT_CONFIG\x10\x03\x12\x10\n" +
	"\fSHORT_CONFIG\x10\x04\x12\x0f\n" +
	"\vLONG_CONFIG\x10\x05\x12\x11\n" +
	"\rDOUBLE_CONFIG\x10\x06\x12\x0f\n" +
	"\vLIST_CONFIG\x10\a\x12\x10\n" +
	"\fCLASS_CONFIG\x10\b\x12\x13\n" +
	"\x0fPASSWORD_CONFIG\x10\t*G\n" +
	"\n" +
	"Importance\x12\x1a\n" +
	"\x16IMPORTANCE_UNSPECIFIED\x10\x00\x12\b\n" +
	"\x04HIGH\x10\x01\x12\n" +
	"\n" +
	"\x06MEDIUM\x10\x02\x12\a\n" +
	"\x03LOW\x10\x03*O\n" +
	"\x05Width\x12\x15\n" +
	"\x11WIDTH_UNSPECIFIED\x10\x00\x12\b\n" +
	"\x04NONE\x10\x01\x12\t\n" +
	"\x05SHORT\x10\x02\x12\x10\n" +
	"\fMEDIUM_WIDTH\x10\x03\x12\b\n" +
	"\x04LONG\x10\x04*t\n" +
	"\x12ExactlyOnceSupport\x12$\n" +
	" EXACTLY_ONCE_SUPPORT_UNSPECIFIED\x10\x00\x12\x1a\n" +
	"\x16EXACTLY_ONCE_SUPPORTED\x10\x01\x12\x1c\n" +
	"\x18EXACTLY_ONCE_UNSUPPORTED\x10\x02*\x98\x01\n" +
	"\x1aTransactionBoundarySupport\x12,\n" +
	"(TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED\x10\x00\x12$\n" +
	" TRANSACTION_BOUNDARIES_SUPPORTED\x10\x01\x12&\n" +
	"\"TRANSACTION_BOUNDARIES_UNSUPPORTED\x10\x02*Y\n" +
	"\tErrorKind\x12\x1a\n" +
	"\x16ERROR_KIND_UNSPECIFIED\x10\x00\x12\r\n" +
	"\tRETRIABLE\x10\x01\x12\n" +
	"\n" +
	"\x06CONFIG\x10\x02\x12\t\n" +
	"\x05FATAL\x10\x03\x12\n" +
	"\n" +
	"\x06RECORD\x10\x04*~\n" +
	"\x0eDataColumnType\x12\x19\n" +
	"\x15DATA_COLUMN_TYPE_NULL\x10\x00\x12\x1b\n" +
	"\x17DATA_COLUMN_TYPE_STRING\x10\x01\x12\x1a\n" +
	"\x16DATA_COLUMN_TYPE_BYTES\x10\x02\x12\x18\n" +
	"\x14DATA_COLUMN_TYPE_RAW\x10\x03*_\n" +
	"\x11TransactionAction\x12\x1b\n" +
	"\x17TRANSACTION_ACTION_NONE\x10\x00\x12\x16\n" +
	"\x12COMMIT_TRANSACTION\x10\x01\x12\x15\n" +
	"\x11ABORT_TRANSACTION\x10\x02*L\n" +
	"\rTimestampType\x12\x15\n" +
	"\x11NO_TIMESTAMP_TYPE\x10\x00\x12\x0f\n" +
	"\vCREATE_TIME\x10\x01\x12\x13\n" +
	"\x0fLOG_APPEND_TIME\x10\x02*g\n" +
	"\x13ConversionDirection\x12$\n" +
	" CONVERSION_DIRECTION_UNSPECIFIED\x10\x00\x12\x15\n" +
	"\x11FROM_CONNECT_DATA\x10\x01\x12\x13\n" +
	"\x0fTO_CONNECT_DATA\x10\x022\xe3\x03\n" +
	"\tConnector\x12P\n" +
	"\tHandshake\x12 .polyconnect.v1.HandshakeRequest\x1a!.polyconnect.v1.HandshakeResponse\x12G\n" +
	"\x06Health\x12\x1d.polyconnect.v1.HealthRequest\x1a\x1e.polyconnect.v1.HealthResponse\x12A\n" +
	"\x04Spec\x12\x1b.polyconnect.v1.SpecRequest\x1a\x1c.polyconnect.v1.SpecResponse\x12M\n" +
	"\bValidate\x12\x1f.polyconnect.v1.ValidateRequest\x1a .polyconnect.v1.ValidateResponse\x12N\n" +
	"\x03Run\x12 .polyconnect.v1.ConnectorRequest\x1a!.polyconnect.v1.ConnectorResponse(\x010\x01\x12Y\n" +
	"\fAlterOffsets\x12#.polyconnect.v1.AlterOffsetsRequest\x1a$.polyconnect.v1.AlterOffsetsResponse2V\n" +
	"\n" +
	"SourceTask\x12H\n" +
	"\x03Run\x12\x1d.polyconnect.v1.SourceRequest\x1a\x1e.polyconnect.v1.SourceResponse(\x010\x012P\n" +
	"\bSinkTask\x12D\n" +
	"\x03Run\x12\x1b.polyconnect.v1.SinkRequest\x1a\x1c.polyconnect.v1.SinkResponse(\x010\x012[\n" +
	"\tTransform\x12N\n" +
	"\x03Run\x12 .polyconnect.v1.TransformRequest\x1a!.polyconnect.v1.TransformResponse(\x010\x012[\n" +
	"\tConverter\x12N\n" +
	"\x03Run\x12 .polyconnect.v1.ConverterRequest\x1a!.polyconnect.v1.ConverterResponse(\x010\x01Bn\n" +
	"\x1aio.polyconnect.protocol.v1P\x01ZNgithub.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1;polyconnectv1b\x06proto3"

var (
	file_polyconnect_v1_connector_proto_rawDescOnce sync.Once
	file_polyconnect_v1_connector_proto_rawDescData []byte
)

func file_polyconnect_v1_connector_proto_rawDescGZIP() []byte {
	file_polyconnect_v1_connector_proto_rawDescOnce.Do(func() {
		file_polyconnect_v1_connector_proto_rawDescData = protoimpl.X.CompressGZIP(unsafe.Slice(unsafe.StringData(file_polyconnect_v1_connector_proto_rawDesc), len(file_polyconnect_v1_connector_proto_rawDesc)))
	})
	return file_polyconnect_v1_connector_proto_rawDescData
}

var file_polyconnect_v1_connector_proto_enumTypes = make([]protoimpl.EnumInfo, 11)
var file_polyconnect_v1_connector_proto_msgTypes = make([]protoimpl.MessageInfo, 89)
var file_polyconnect_v1_connector_proto_goTypes = []any{
	(PluginType)(0),                 // 0: polyconnect.v1.PluginType
	(ConfigType)(0),                 // 1: polyconnect.v1.ConfigType
	(Importance)(0),                 // 2: polyconnect.v1.Importance
	(Width)(0),                      // 3: polyconnect.v1.Width
	(ExactlyOnceSupport)(0),         // 4: polyconnect.v1.ExactlyOnceSupport
	(TransactionBoundarySupport)(0), // 5: polyconnect.v1.TransactionBoundarySupport
	(ErrorKind)(0),                  // 6: polyconnect.v1.ErrorKind
	(DataColumnType)(0),             // 7: polyconnect.v1.DataColumnType
	(TransactionAction)(0),          // 8: polyconnect.v1.TransactionAction
	(TimestampType)(0),              // 9: polyconnect.v1.TimestampType
	(ConversionDirection)(0),        // 10: polyconnect.v1.ConversionDirection
	(*HandshakeRequest)(nil),        // 11: polyconnect.v1.HandshakeRequest
	(*Capabilities)(nil),            // 12: polyconnect.v1.Capabilities
	(*HandshakeResponse)(nil),       // 13: polyconnect.v1.HandshakeResponse
	(*PluginInfo)(nil),              // 14: polyconnect.v1.PluginInfo
	(*HealthRequest)(nil),           // 15: polyconnect.v1.HealthRequest
	(*HealthResponse)(nil),          // 16: polyconnect.v1.HealthResponse
	(*SpecRequest)(nil),             // 17: polyconnect.v1.SpecRequest
	(*SpecResponse)(nil),            // 18: polyconnect.v1.SpecResponse
	(*ConfigKey)(nil),               // 19: polyconnect.v1.ConfigKey
	(*Validator)(nil),               // 20: polyconnect.v1.Validator
	(*Range)(nil),                   // 21: polyconnect.v1.Range
	(*ValidString)(nil),             // 22: polyconnect.v1.ValidString
	(*NonEmptyString)(nil),          // 23: polyconnect.v1.NonEmptyString
	(*ValidList)(nil),               // 24: polyconnect.v1.ValidList
	(*ValidateRequest)(nil),         // 25: polyconnect.v1.ValidateRequest
	(*ValidateResponse)(nil),        // 26: polyconnect.v1.ValidateResponse
	(*ConfigValue)(nil),             // 27: polyconnect.v1.ConfigValue
	(*ConnectorRequest)(nil),        // 28: polyconnect.v1.ConnectorRequest
	(*ConnectorResponse)(nil),       // 29: polyconnect.v1.ConnectorResponse
	(*AlterOffsetsRequest)(nil),     // 30: polyconnect.v1.AlterOffsetsRequest
	(*SinkOffsetChange)(nil),        // 31: polyconnect.v1.SinkOffsetChange
	(*AlterOffsetsResponse)(nil),    // 32: polyconnect.v1.AlterOffsetsResponse
	(*ConnectorStart)(nil),          // 33: polyconnect.v1.ConnectorStart
	(*TaskConfigsRequest)(nil),      // 34: polyconnect.v1.TaskConfigsRequest
	(*TaskConfigs)(nil),             // 35: polyconnect.v1.TaskConfigs
	(*TaskConfig)(nil),              // 36: polyconnect.v1.TaskConfig
	(*ReconfigureRequest)(nil),      // 37: polyconnect.v1.ReconfigureRequest
	(*Started)(nil),                 // 38: polyconnect.v1.Started
	(*Heartbeat)(nil),               // 39: polyconnect.v1.Heartbeat
	(*Stop)(nil),                    // 40: polyconnect.v1.Stop
	(*Error)(nil),                   // 41: polyconnect.v1.Error
	(*SourceRequest)(nil),           // 42: polyconnect.v1.SourceRequest
	(*SourceResponse)(nil),          // 43: polyconnect.v1.SourceResponse
	(*SourceStart)(nil),             // 44: polyconnect.v1.SourceStart
	(*SourceOffset)(nil),            // 45: polyconnect.v1.SourceOffset
	(*Credit)(nil),                  // 46: polyconnect.v1.Credit
	(*SourceBatch)(nil),             // 47: polyconnect.v1.SourceBatch
	(*SourceColumns)(nil),           // 48: polyconnect.v1.SourceColumns
	(*IntOffsets)(nil),              // 49: polyconnect.v1.IntOffsets
	(*ValueOffsets)(nil),            // 50: polyconnect.v1.ValueOffsets
	(*DataColumn)(nil),              // 51: polyconnect.v1.DataColumn
	(*SourceRecord)(nil),            // 52: polyconnect.v1.SourceRecord
	(*CommitRecords)(nil),           // 53: polyconnect.v1.CommitRecords
	(*RecordAck)(nil),               // 54: polyconnect.v1.RecordAck
	(*Commit)(nil),                  // 55: polyconnect.v1.Commit
	(*OffsetsQuery)(nil),            // 56: polyconnect.v1.OffsetsQuery
	(*OffsetsAnswer)(nil),           // 57: polyconnect.v1.OffsetsAnswer
	(*Drained)(nil),                 // 58: polyconnect.v1.Drained
	(*SinkRequest)(nil),             // 59: polyconnect.v1.SinkRequest
	(*SinkResponse)(nil),            // 60: polyconnect.v1.SinkResponse
	(*SinkStart)(nil),               // 61: polyconnect.v1.SinkStart
	(*SinkStarted)(nil),             // 62: polyconnect.v1.SinkStarted
	(*TopicPartition)(nil),          // 63: polyconnect.v1.TopicPartition
	(*Partitions)(nil),              // 64: polyconnect.v1.Partitions
	(*Put)(nil),                     // 65: polyconnect.v1.Put
	(*SinkColumns)(nil),             // 66: polyconnect.v1.SinkColumns
	(*SinkRecord)(nil),              // 67: polyconnect.v1.SinkRecord
	(*PutDone)(nil),                 // 68: polyconnect.v1.PutDone
	(*TopicPartitionOffset)(nil),    // 69: polyconnect.v1.TopicPartitionOffset
	(*Flush)(nil),                   // 70: polyconnect.v1.Flush
	(*Flushed)(nil),                 // 71: polyconnect.v1.Flushed
	(*SinkContext)(nil),             // 72: polyconnect.v1.SinkContext
	(*ErrantRecord)(nil),            // 73: polyconnect.v1.ErrantRecord
	(*SinkError)(nil),               // 74: polyconnect.v1.SinkError
	(*TransformRequest)(nil),        // 75: polyconnect.v1.TransformRequest
	(*TransformResponse)(nil),       // 76: polyconnect.v1.TransformResponse
	(*TransformStart)(nil),          // 77: polyconnect.v1.TransformStart
	(*TransformStarted)(nil),        // 78: polyconnect.v1.TransformStarted
	(*TransformBatch)(nil),          // 79: polyconnect.v1.TransformBatch
	(*TransformRecord)(nil),         // 80: polyconnect.v1.TransformRecord
	(*TransformResult)(nil),         // 81: polyconnect.v1.TransformResult
	(*TransformOutcome)(nil),        // 82: polyconnect.v1.TransformOutcome
	(*ConverterRequest)(nil),        // 83: polyconnect.v1.ConverterRequest
	(*ConverterResponse)(nil),       // 84: polyconnect.v1.ConverterResponse
	(*ConverterStart)(nil),          // 85: polyconnect.v1.ConverterStart
	(*ConverterStarted)(nil),        // 86: polyconnect.v1.ConverterStarted
	(*ConverterBatch)(nil),          // 87: polyconnect.v1.ConverterBatch
	(*KafkaHeader)(nil),             // 88: polyconnect.v1.KafkaHeader
	(*ConverterRecord)(nil),         // 89: polyconnect.v1.ConverterRecord
	(*ConverterResult)(nil),         // 90: polyconnect.v1.ConverterResult
	(*ConverterOutcome)(nil),        // 91: polyconnect.v1.ConverterOutcome
	nil,                             // 92: polyconnect.v1.ValidateRequest.ConfigEntry
	nil,                             // 93: polyconnect.v1.AlterOffsetsRequest.ConfigEntry
	nil,                             // 94: polyconnect.v1.ConnectorStart.ConfigEntry
	nil,                             // 95: polyconnect.v1.TaskConfig.ConfigEntry
	nil,                             // 96: polyconnect.v1.SourceStart.ConfigEntry
	nil,                             // 97: polyconnect.v1.SinkStart.ConfigEntry
	nil,                             // 98: polyconnect.v1.TransformStart.ConfigEntry
	nil,                             // 99: polyconnect.v1.ConverterStart.ConfigEntry
	(*TraceContext)(nil),            // 100: polyconnect.v1.TraceContext
	(*Value)(nil),                   // 101: polyconnect.v1.Value
	(*Schema)(nil),                  // 102: polyconnect.v1.Schema
	(*RecordData)(nil),              // 103: polyconnect.v1.RecordData
	(*Header)(nil),                  // 104: polyconnect.v1.Header
	(*Structured)(nil),              // 105: polyconnect.v1.Structured
}
var file_polyconnect_v1_connector_proto_depIdxs = []int32{
	12,  // 0: polyconnect.v1.HandshakeRequest.capabilities:type_name -> polyconnect.v1.Capabilities
	12,  // 1: polyconnect.v1.HandshakeResponse.capabilities:type_name -> polyconnect.v1.Capabilities
	14,  // 2: polyconnect.v1.HandshakeResponse.plugins:type_name -> polyconnect.v1.PluginInfo
	0,   // 3: polyconnect.v1.PluginInfo.type:type_name -> polyconnect.v1.PluginType
	14,  // 4: polyconnect.v1.SpecResponse.plugin:type_name -> polyconnect.v1.PluginInfo
	19,  // 5: polyconnect.v1.SpecResponse.config:type_name -> polyconnect.v1.ConfigKey
	1,   // 6: polyconnect.v1.ConfigKey.type:type_name -> polyconnect.v1.ConfigType
	2,   // 7: polyconnect.v1.ConfigKey.importance:type_name -> polyconnect.v1.Importance
	3,   // 8: polyconnect.v1.ConfigKey.width:type_name -> polyconnect.v1.Width
	20,  // 9: polyconnect.v1.ConfigKey.validator:type_name -> polyconnect.v1.Validator
	21,  // 10: polyconnect.v1.Validator.range:type_name -> polyconnect.v1.Range
	22,  // 11: polyconnect.v1.Validator.valid_string:type_name -> polyconnect.v1.ValidString
	23,  // 12: polyconnect.v1.Validator.non_empty_string:type_name -> polyconnect.v1.NonEmptyString
	24,  // 13: polyconnect.v1.Validator.valid_list:type_name -> polyconnect.v1.ValidList
	92,  // 14: polyconnect.v1.ValidateRequest.config:type_name -> polyconnect.v1.ValidateRequest.ConfigEntry
	27,  // 15: polyconnect.v1.ValidateResponse.values:type_name -> polyconnect.v1.ConfigValue
	4,   // 16: polyconnect.v1.ValidateResponse.exactly_once_support:type_name -> polyconnect.v1.ExactlyOnceSupport
	5,   // 17: polyconnect.v1.ValidateResponse.transaction_boundaries:type_name -> polyconnect.v1.TransactionBoundarySupport
	33,  // 18: polyconnect.v1.ConnectorRequest.start:type_name -> polyconnect.v1.ConnectorStart
	34,  // 19: polyconnect.v1.ConnectorRequest.task_configs:type_name -> polyconnect.v1.TaskConfigsRequest
	39,  // 20: polyconnect.v1.ConnectorRequest.heartbeat:type_name -> polyconnect.v1.Heartbeat
	40,  // 21: polyconnect.v1.ConnectorRequest.stop:type_name -> polyconnect.v1.Stop
	57,  // 22: polyconnect.v1.ConnectorRequest.offsets:type_name -> polyconnect.v1.OffsetsAnswer
	38,  // 23: polyconnect.v1.ConnectorResponse.started:type_name -> polyconnect.v1.Started
	35,  // 24: polyconnect.v1.ConnectorResponse.task_configs:type_name -> polyconnect.v1.TaskConfigs
	37,  // 25: polyconnect.v1.ConnectorResponse.reconfigure:type_name -> polyconnect.v1.ReconfigureRequest
	39,  // 26: polyconnect.v1.ConnectorResponse.heartbeat:type_name -> polyconnect.v1.Heartbeat
	41,  // 27: polyconnect.v1.ConnectorResponse.error:type_name -> polyconnect.v1.Error
	56,  // 28: polyconnect.v1.ConnectorResponse.offsets_query:type_name -> polyconnect.v1.OffsetsQuery
	93,  // 29: polyconnect.v1.AlterOffsetsRequest.config:type_name -> polyconnect.v1.AlterOffsetsRequest.ConfigEntry
	45,  // 30: polyconnect.v1.AlterOffsetsRequest.source_offsets:type_name -> polyconnect.v1.SourceOffset
	31,  // 31: polyconnect.v1.AlterOffsetsRequest.sink_offsets:type_name -> polyconnect.v1.SinkOffsetChange
	41,  // 32: polyconnect.v1.AlterOffsetsResponse.error:type_name -> polyconnect.v1.Error
	94,  // 33: polyconnect.v1.ConnectorStart.config:type_name -> polyconnect.v1.ConnectorStart.ConfigEntry
	36,  // 34: polyconnect.v1.TaskConfigs.configs:type_name -> polyconnect.v1.TaskConfig
	95,  // 35: polyconnect.v1.TaskConfig.config:type_name -> polyconnect.v1.TaskConfig.ConfigEntry
	6,   // 36: polyconnect.v1.Error.kind:type_name -> polyconnect.v1.ErrorKind
	44,  // 37: polyconnect.v1.SourceRequest.start:type_name -> polyconnect.v1.SourceStart
	46,  // 38: polyconnect.v1.SourceRequest.credit:type_name -> polyconnect.v1.Credit
	53,  // 39: polyconnect.v1.SourceRequest.commit_records:type_name -> polyconnect.v1.CommitRecords
	55,  // 40: polyconnect.v1.SourceRequest.commit:type_name -> polyconnect.v1.Commit
	57,  // 41: polyconnect.v1.SourceRequest.offsets:type_name -> polyconnect.v1.OffsetsAnswer
	39,  // 42: polyconnect.v1.SourceRequest.heartbeat:type_name -> polyconnect.v1.Heartbeat
	40,  // 43: polyconnect.v1.SourceRequest.stop:type_name -> polyconnect.v1.Stop
	38,  // 44: polyconnect.v1.SourceResponse.started:type_name -> polyconnect.v1.Started
	47,  // 45: polyconnect.v1.SourceResponse.batch:type_name -> polyconnect.v1.SourceBatch
	56,  // 46: polyconnect.v1.SourceResponse.offsets_query:type_name -> polyconnect.v1.OffsetsQuery
	58,  // 47: polyconnect.v1.SourceResponse.drained:type_name -> polyconnect.v1.Drained
	39,  // 48: polyconnect.v1.SourceResponse.heartbeat:type_name -> polyconnect.v1.Heartbeat
	41,  // 49: polyconnect.v1.SourceResponse.error:type_name -> polyconnect.v1.Error
	96,  // 50: polyconnect.v1.SourceStart.config:type_name -> polyconnect.v1.SourceStart.ConfigEntry
	45,  // 51: polyconnect.v1.SourceStart.offsets:type_name -> polyconnect.v1.SourceOffset
	12,  // 52: polyconnect.v1.SourceStart.capabilities:type_name -> polyconnect.v1.Capabilities
	100, // 53: polyconnect.v1.SourceStart.trace:type_name -> polyconnect.v1.TraceContext
	101, // 54: polyconnect.v1.SourceOffset.partition:type_name -> polyconnect.v1.Value
	101, // 55: polyconnect.v1.SourceOffset.offset:type_name -> polyconnect.v1.Value
	52,  // 56: polyconnect.v1.SourceBatch.records:type_name -> polyconnect.v1.SourceRecord
	100, // 57: polyconnect.v1.SourceBatch.trace:type_name -> polyconnect.v1.TraceContext
	48,  // 58: polyconnect.v1.SourceBatch.columns:type_name -> polyconnect.v1.SourceColumns
	101, // 59: polyconnect.v1.SourceColumns.partitions:type_name -> polyconnect.v1.Value
	49,  // 60: polyconnect.v1.SourceColumns.int_offsets:type_name -> polyconnect.v1.IntOffsets
	50,  // 61: polyconnect.v1.SourceColumns.value_offsets:type_name -> polyconnect.v1.ValueOffsets
	51,  // 62: polyconnect.v1.SourceColumns.key:type_name -> polyconnect.v1.DataColumn
	51,  // 63: polyconnect.v1.SourceColumns.value:type_name -> polyconnect.v1.DataColumn
	101, // 64: polyconnect.v1.ValueOffsets.offsets:type_name -> polyconnect.v1.Value
	7,   // 65: polyconnect.v1.DataColumn.type:type_name -> polyconnect.v1.DataColumnType
	102, // 66: polyconnect.v1.DataColumn.schema:type_name -> polyconnect.v1.Schema
	101, // 67: polyconnect.v1.SourceRecord.source_partition:type_name -> polyconnect.v1.Value
	101, // 68: polyconnect.v1.SourceRecord.source_offset:type_name -> polyconnect.v1.Value
	103, // 69: polyconnect.v1.SourceRecord.key:type_name -> polyconnect.v1.RecordData
	103, // 70: polyconnect.v1.SourceRecord.value:type_name -> polyconnect.v1.RecordData
	104, // 71: polyconnect.v1.SourceRecord.headers:type_name -> polyconnect.v1.Header
	100, // 72: polyconnect.v1.SourceRecord.trace:type_name -> polyconnect.v1.TraceContext
	8,   // 73: polyconnect.v1.SourceRecord.transaction:type_name -> polyconnect.v1.TransactionAction
	54,  // 74: polyconnect.v1.CommitRecords.acks:type_name -> polyconnect.v1.RecordAck
	101, // 75: polyconnect.v1.OffsetsQuery.partitions:type_name -> polyconnect.v1.Value
	45,  // 76: polyconnect.v1.OffsetsAnswer.offsets:type_name -> polyconnect.v1.SourceOffset
	61,  // 77: polyconnect.v1.SinkRequest.start:type_name -> polyconnect.v1.SinkStart
	64,  // 78: polyconnect.v1.SinkRequest.open:type_name -> polyconnect.v1.Partitions
	64,  // 79: polyconnect.v1.SinkRequest.close:type_name -> polyconnect.v1.Partitions
	65,  // 80: polyconnect.v1.SinkRequest.put:type_name -> polyconnect.v1.Put
	70,  // 81: polyconnect.v1.SinkRequest.flush:type_name -> polyconnect.v1.Flush
	39,  // 82: polyconnect.v1.SinkRequest.heartbeat:type_name -> polyconnect.v1.Heartbeat
	40,  // 83: polyconnect.v1.SinkRequest.stop:type_name -> polyconnect.v1.Stop
	62,  // 84: polyconnect.v1.SinkResponse.started:type_name -> polyconnect.v1.SinkStarted
	68,  // 85: polyconnect.v1.SinkResponse.put_done:type_name -> polyconnect.v1.PutDone
	71,  // 86: polyconnect.v1.SinkResponse.flushed:type_name -> polyconnect.v1.Flushed
	73,  // 87: polyconnect.v1.SinkResponse.errant:type_name -> polyconnect.v1.ErrantRecord
	39,  // 88: polyconnect.v1.SinkResponse.heartbeat:type_name -> polyconnect.v1.Heartbeat
	74,  // 89: polyconnect.v1.SinkResponse.error:type_name -> polyconnect.v1.SinkError
	72,  // 90: polyconnect.v1.SinkResponse.context:type_name -> polyconnect.v1.SinkContext
	97,  // 91: polyconnect.v1.SinkStart.config:type_name -> polyconnect.v1.SinkStart.ConfigEntry
	12,  // 92: polyconnect.v1.SinkStart.capabilities:type_name -> polyconnect.v1.Capabilities
	100, // 93: polyconnect.v1.SinkStart.trace:type_name -> polyconnect.v1.TraceContext
	63,  // 94: polyconnect.v1.Partitions.partitions:type_name -> polyconnect.v1.TopicPartition
	67,  // 95: polyconnect.v1.Put.records:type_name -> polyconnect.v1.SinkRecord
	100, // 96: polyconnect.v1.Put.trace:type_name -> polyconnect.v1.TraceContext
	66,  // 97: polyconnect.v1.Put.columns:type_name -> polyconnect.v1.SinkColumns
	9,   // 98: polyconnect.v1.SinkColumns.timestamp_types:type_name -> polyconnect.v1.TimestampType
	51,  // 99: polyconnect.v1.SinkColumns.keys:type_name -> polyconnect.v1.DataColumn
	51,  // 100: polyconnect.v1.SinkColumns.values:type_name -> polyconnect.v1.DataColumn
	103, // 101: polyconnect.v1.SinkRecord.key:type_name -> polyconnect.v1.RecordData
	103, // 102: polyconnect.v1.SinkRecord.value:type_name -> polyconnect.v1.RecordData
	9,   // 103: polyconnect.v1.SinkRecord.timestamp_type:type_name -> polyconnect.v1.TimestampType
	104, // 104: polyconnect.v1.SinkRecord.headers:type_name -> polyconnect.v1.Header
	100, // 105: polyconnect.v1.SinkRecord.trace:type_name -> polyconnect.v1.TraceContext
	69,  // 106: polyconnect.v1.Flush.offsets:type_name -> polyconnect.v1.TopicPartitionOffset
	100, // 107: polyconnect.v1.Flush.trace:type_name -> polyconnect.v1.TraceContext
	69,  // 108: polyconnect.v1.Flushed.offsets:type_name -> polyconnect.v1.TopicPartitionOffset
	41,  // 109: polyconnect.v1.Flushed.error:type_name -> polyconnect.v1.Error
	69,  // 110: polyconnect.v1.SinkContext.offsets:type_name -> polyconnect.v1.TopicPartitionOffset
	63,  // 111: polyconnect.v1.SinkContext.pause:type_name -> polyconnect.v1.TopicPartition
	63,  // 112: polyconnect.v1.SinkContext.resume:type_name -> polyconnect.v1.TopicPartition
	41,  // 113: polyconnect.v1.ErrantRecord.error:type_name -> polyconnect.v1.Error
	41,  // 114: polyconnect.v1.SinkError.error:type_name -> polyconnect.v1.Error
	77,  // 115: polyconnect.v1.TransformRequest.start:type_name -> polyconnect.v1.TransformStart
	79,  // 116: polyconnect.v1.TransformRequest.batch:type_name -> polyconnect.v1.TransformBatch
	39,  // 117: polyconnect.v1.TransformRequest.heartbeat:type_name -> polyconnect.v1.Heartbeat
	40,  // 118: polyconnect.v1.TransformRequest.stop:type_name -> polyconnect.v1.Stop
	78,  // 119: polyconnect.v1.TransformResponse.started:type_name -> polyconnect.v1.TransformStarted
	81,  // 120: polyconnect.v1.TransformResponse.result:type_name -> polyconnect.v1.TransformResult
	39,  // 121: polyconnect.v1.TransformResponse.heartbeat:type_name -> polyconnect.v1.Heartbeat
	41,  // 122: polyconnect.v1.TransformResponse.error:type_name -> polyconnect.v1.Error
	98,  // 123: polyconnect.v1.TransformStart.config:type_name -> polyconnect.v1.TransformStart.ConfigEntry
	0,   // 124: polyconnect.v1.TransformStart.pipeline:type_name -> polyconnect.v1.PluginType
	0,   // 125: polyconnect.v1.TransformStarted.type:type_name -> polyconnect.v1.PluginType
	80,  // 126: polyconnect.v1.TransformBatch.records:type_name -> polyconnect.v1.TransformRecord
	100, // 127: polyconnect.v1.TransformBatch.trace:type_name -> polyconnect.v1.TraceContext
	103, // 128: polyconnect.v1.TransformRecord.key:type_name -> polyconnect.v1.RecordData
	103, // 129: polyconnect.v1.TransformRecord.value:type_name -> polyconnect.v1.RecordData
	104, // 130: polyconnect.v1.TransformRecord.headers:type_name -> polyconnect.v1.Header
	9,   // 131: polyconnect.v1.TransformRecord.timestamp_type:type_name -> polyconnect.v1.TimestampType
	100, // 132: polyconnect.v1.TransformRecord.trace:type_name -> polyconnect.v1.TraceContext
	82,  // 133: polyconnect.v1.TransformResult.outcomes:type_name -> polyconnect.v1.TransformOutcome
	80,  // 134: polyconnect.v1.TransformOutcome.record:type_name -> polyconnect.v1.TransformRecord
	41,  // 135: polyconnect.v1.TransformOutcome.error:type_name -> polyconnect.v1.Error
	85,  // 136: polyconnect.v1.ConverterRequest.start:type_name -> polyconnect.v1.ConverterStart
	87,  // 137: polyconnect.v1.ConverterRequest.batch:type_name -> polyconnect.v1.ConverterBatch
	39,  // 138: polyconnect.v1.ConverterRequest.heartbeat:type_name -> polyconnect.v1.Heartbeat
	40,  // 139: polyconnect.v1.ConverterRequest.stop:type_name -> polyconnect.v1.Stop
	86,  // 140: polyconnect.v1.ConverterResponse.started:type_name -> polyconnect.v1.ConverterStarted
	90,  // 141: polyconnect.v1.ConverterResponse.result:type_name -> polyconnect.v1.ConverterResult
	39,  // 142: polyconnect.v1.ConverterResponse.heartbeat:type_name -> polyconnect.v1.Heartbeat
	41,  // 143: polyconnect.v1.ConverterResponse.error:type_name -> polyconnect.v1.Error
	99,  // 144: polyconnect.v1.ConverterStart.config:type_name -> polyconnect.v1.ConverterStart.ConfigEntry
	10,  // 145: polyconnect.v1.ConverterBatch.direction:type_name -> polyconnect.v1.ConversionDirection
	89,  // 146: polyconnect.v1.ConverterBatch.records:type_name -> polyconnect.v1.ConverterRecord
	100, // 147: polyconnect.v1.ConverterBatch.trace:type_name -> polyconnect.v1.TraceContext
	88,  // 148: polyconnect.v1.ConverterRecord.headers:type_name -> polyconnect.v1.KafkaHeader
	105, // 149: polyconnect.v1.ConverterRecord.data:type_name -> polyconnect.v1.Structured
	91,  // 150: polyconnect.v1.ConverterResult.outcomes:type_name -> polyconnect.v1.ConverterOutcome
	105, // 151: polyconnect.v1.ConverterOutcome.data:type_name -> polyconnect.v1.Structured
	41,  // 152: polyconnect.v1.ConverterOutcome.error:type_name -> polyconnect.v1.Error
	11,  // 153: polyconnect.v1.Connector.Handshake:input_type -> polyconnect.v1.HandshakeRequest
	15,  // 154: polyconnect.v1.Connector.Health:input_type -> polyconnect.v1.HealthRequest
	17,  // 155: polyconnect.v1.Connector.Spec:input_type -> polyconnect.v1.SpecRequest
	25,  // 156: polyconnect.v1.Connector.Validate:input_type -> polyconnect.v1.ValidateRequest
	28,  // 157: polyconnect.v1.Connector.Run:input_type -> polyconnect.v1.ConnectorRequest
	30,  // 158: polyconnect.v1.Connector.AlterOffsets:input_type -> polyconnect.v1.AlterOffsetsRequest
	42,  // 159: polyconnect.v1.SourceTask.Run:input_type -> polyconnect.v1.SourceRequest
	59,  // 160: polyconnect.v1.SinkTask.Run:input_type -> polyconnect.v1.SinkRequest
	75,  // 161: polyconnect.v1.Transform.Run:input_type -> polyconnect.v1.TransformRequest
	83,  // 162: polyconnect.v1.Converter.Run:input_type -> polyconnect.v1.ConverterRequest
	13,  // 163: polyconnect.v1.Connector.Handshake:output_type -> polyconnect.v1.HandshakeResponse
	16,  // 164: polyconnect.v1.Connector.Health:output_type -> polyconnect.v1.HealthResponse
	18,  // 165: polyconnect.v1.Connector.Spec:output_type -> polyconnect.v1.SpecResponse
	26,  // 166: polyconnect.v1.Connector.Validate:output_type -> polyconnect.v1.ValidateResponse
	29,  // 167: polyconnect.v1.Connector.Run:output_type -> polyconnect.v1.ConnectorResponse
	32,  // 168: polyconnect.v1.Connector.AlterOffsets:output_type -> polyconnect.v1.AlterOffsetsResponse
	43,  // 169: polyconnect.v1.SourceTask.Run:output_type -> polyconnect.v1.SourceResponse
	60,  // 170: polyconnect.v1.SinkTask.Run:output_type -> polyconnect.v1.SinkResponse
	76,  // 171: polyconnect.v1.Transform.Run:output_type -> polyconnect.v1.TransformResponse
	84,  // 172: polyconnect.v1.Converter.Run:output_type -> polyconnect.v1.ConverterResponse
	163, // [163:173] is the sub-list for method output_type
	153, // [153:163] is the sub-list for method input_type
	153, // [153:153] is the sub-list for extension type_name
	153, // [153:153] is the sub-list for extension extendee
	0,   // [0:153] is the sub-list for field type_name
}

func init() { file_polyconnect_v1_connector_proto_init() }
func file_polyconnect_v1_connector_proto_init() {
	if File_polyconnect_v1_connector_proto != nil {
		return
	}
	file_polyconnect_v1_data_proto_init()
	file_polyconnect_v1_connector_proto_msgTypes[8].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[9].OneofWrappers = []any{
		(*Validator_Range)(nil),
		(*Validator_ValidString)(nil),
		(*Validator_NonEmptyString)(nil),
		(*Validator_ValidList)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[10].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[16].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[17].OneofWrappers = []any{
		(*ConnectorRequest_Start)(nil),
		(*ConnectorRequest_TaskConfigs)(nil),
		(*ConnectorRequest_Heartbeat)(nil),
		(*ConnectorRequest_Stop)(nil),
		(*ConnectorRequest_Offsets)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[18].OneofWrappers = []any{
		(*ConnectorResponse_Started)(nil),
		(*ConnectorResponse_TaskConfigs)(nil),
		(*ConnectorResponse_Reconfigure)(nil),
		(*ConnectorResponse_Heartbeat)(nil),
		(*ConnectorResponse_Error)(nil),
		(*ConnectorResponse_OffsetsQuery)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[20].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[31].OneofWrappers = []any{
		(*SourceRequest_Start)(nil),
		(*SourceRequest_Credit)(nil),
		(*SourceRequest_CommitRecords)(nil),
		(*SourceRequest_Commit)(nil),
		(*SourceRequest_Offsets)(nil),
		(*SourceRequest_Heartbeat)(nil),
		(*SourceRequest_Stop)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[32].OneofWrappers = []any{
		(*SourceResponse_Started)(nil),
		(*SourceResponse_Batch)(nil),
		(*SourceResponse_OffsetsQuery)(nil),
		(*SourceResponse_Drained)(nil),
		(*SourceResponse_Heartbeat)(nil),
		(*SourceResponse_Error)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[37].OneofWrappers = []any{
		(*SourceColumns_IntOffsets)(nil),
		(*SourceColumns_ValueOffsets)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[41].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[48].OneofWrappers = []any{
		(*SinkRequest_Start)(nil),
		(*SinkRequest_Open)(nil),
		(*SinkRequest_Close)(nil),
		(*SinkRequest_Put)(nil),
		(*SinkRequest_Flush)(nil),
		(*SinkRequest_Heartbeat)(nil),
		(*SinkRequest_Stop)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[49].OneofWrappers = []any{
		(*SinkResponse_Started)(nil),
		(*SinkResponse_PutDone)(nil),
		(*SinkResponse_Flushed)(nil),
		(*SinkResponse_Errant)(nil),
		(*SinkResponse_Heartbeat)(nil),
		(*SinkResponse_Error)(nil),
		(*SinkResponse_Context)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[56].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[64].OneofWrappers = []any{
		(*TransformRequest_Start)(nil),
		(*TransformRequest_Batch)(nil),
		(*TransformRequest_Heartbeat)(nil),
		(*TransformRequest_Stop)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[65].OneofWrappers = []any{
		(*TransformResponse_Started)(nil),
		(*TransformResponse_Result)(nil),
		(*TransformResponse_Heartbeat)(nil),
		(*TransformResponse_Error)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[69].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[71].OneofWrappers = []any{
		(*TransformOutcome_Record)(nil),
		(*TransformOutcome_Dropped)(nil),
		(*TransformOutcome_Matches)(nil),
		(*TransformOutcome_Error)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[72].OneofWrappers = []any{
		(*ConverterRequest_Start)(nil),
		(*ConverterRequest_Batch)(nil),
		(*ConverterRequest_Heartbeat)(nil),
		(*ConverterRequest_Stop)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[73].OneofWrappers = []any{
		(*ConverterResponse_Started)(nil),
		(*ConverterResponse_Result)(nil),
		(*ConverterResponse_Heartbeat)(nil),
		(*ConverterResponse_Error)(nil),
	}
	file_polyconnect_v1_connector_proto_msgTypes[77].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[78].OneofWrappers = []any{}
	file_polyconnect_v1_connector_proto_msgTypes[80].OneofWrappers = []any{}
	type x struct{}
	out := protoimpl.TypeBuilder{
		File: protoimpl.DescBuilder{
			GoPackagePath: reflect.TypeOf(x{}).PkgPath(),
			RawDescriptor: unsafe.Slice(unsafe.StringData(file_polyconnect_v1_connector_proto_rawDesc), len(file_polyconnect_v1_connector_proto_rawDesc)),
			NumEnums:      11,
			NumMessages:   89,
			NumExtensions: 0,
			NumServices:   5,
		},
		GoTypes:           file_polyconnect_v1_connector_proto_goTypes,
		DependencyIndexes: file_polyconnect_v1_connector_proto_depIdxs,
		EnumInfos:         file_polyconnect_v1_connector_proto_enumTypes,
		MessageInfos:      file_polyconnect_v1_connector_proto_msgTypes,
	}.Build()
	File_polyconnect_v1_connector_proto = out.File
	file_polyconnect_v1_connector_proto_goTypes = nil
	file_polyconnect_v1_connector_proto_depIdxs = nil
}
