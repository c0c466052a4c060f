// Package polyconnect is the Go SDK for Polyconnect connectors: Kafka Connect connectors
// that run as their own process and talk to the Polyconnect core over the gRPC protocol in
// proto/polyconnect/v1.
//
// An author describes a plugin (a Source or a Sink with its config definition and a task
// factory), writes Poll (a source) or Put and Flush (a sink), and calls Serve. The SDK does
// the rest: the handshake, the static spec and validation, credit-based flow control,
// batching within the negotiated message size, sequence numbers and acknowledgements,
// offsets, heartbeats and idle timeouts, typed errors (a panic becomes a FATAL error with
// its stack) and the staged shutdown.
//
//	type task struct{ n int64 }
//
//	func (t *task) Start(tc polyconnect.SourceTaskContext, cfg polyconnect.Config) error { return nil }
//	func (t *task) Poll(ctx context.Context) ([]*polyconnect.SourceRecord, error) { ... }
//	func (t *task) Stop() error { return nil }
//
//	func main() {
//		polyconnect.Serve(&polyconnect.Source{
//			Class:  "Counter",
//			Config: polyconnect.NewConfigDef(polyconnect.ConfigKey{Name: "topic", Type: polyconnect.TypeString, Required: true}),
//			Task:   func() polyconnect.SourceTask { return &task{} },
//		})
//	}
package polyconnect

import (
	"context"
	"strings"
	"time"
)

// Version is the SDK's version, announced in the handshake.
const Version = "1.0.0"

// protocolVersions are the protocol versions this SDK speaks, newest first.
var protocolVersions = []uint32{1}

// Plugin is a plugin the process serves: a *Source, a *Sink, a *Transform or a *Predicate.
type Plugin interface {
	plugin() *pluginCommon
}

type pluginCommon struct {
	class, version string
	aliases        []string
	config         *ConfigDef
	connector      func() Connector
	sink           bool
	kind           pluginKind
}

type pluginKind int

const (
	kindConnector pluginKind = iota
	kindTransform
	kindPredicate
)

// Source describes a source connector plugin.
type Source struct {
	// Class is the name a connector config uses in connector.class.
	Class string
	// Aliases are other accepted names (Kafka Connect's full class names, say).
	Aliases []string
	// Version of the plugin, shown by the core's plugin listing.
	Version string
	// Config is the plugin's config definition; nil means no keys.
	Config *ConfigDef
	// Connector makes the connector instance. Nil: a connector that runs one task with the
	// connector's own config.
	Connector func() Connector
	// Task makes one source task.
	Task func() SourceTask
}

// Sink describes a sink connector plugin.
type Sink struct {
	Class     string
	Aliases   []string
	Version   string
	Config    *ConfigDef
	Connector func() Connector
	Task      func() SinkTask
	// MaxInflightPuts is how many Puts the core may send before the first is answered;
	// 0 means DefaultMaxInflightPuts. Puts still run one at a time, in order, and the order
	// holds when Put returns a retriable error (the Puts after it are held back until the
	// core delivers it again). 1 gives Kafka Connect's exact behaviour for a rewind
	// (SinkTaskContext.Offsets) from Put; with more, records already put once may come
	// again before the re-read (at least once).
	MaxInflightPuts int
}

func (s *Source) plugin() *pluginCommon {
	return &pluginCommon{class: s.Class, version: s.Version, aliases: s.Aliases, config: s.Config, connector: s.Connector}
}

func (s *Sink) plugin() *pluginCommon {
	return &pluginCommon{class: s.Class, version: s.Version, aliases: s.Aliases, config: s.Config, connector: s.Connector, sink: true}
}

// Connector is a running connector instance (Kafka Connect's Connector): it turns its
// config into task configs.
type Connector interface {
	Start(cc ConnectorContext, cfg Config) error
	// TaskConfigs returns at most maxTasks task configs.
	TaskConfigs(maxTasks int) ([]map[string]string, error)
	Stop() error
}

// ConfigValidator is implemented by a Connector that checks more than its ConfigDef can
// (relations between keys). It returns error messages by key.
type ConfigValidator interface {
	ValidateConfig(cfg map[string]string) map[string][]string
}

// ConnectorContext lets a connector talk back to the core.
type ConnectorContext interface {
	ConnectorName() string
	// RequestTaskReconfiguration asks the core for task configs again (the source system
	// changed); tasks are restarted if the configs differ.
	RequestTaskReconfiguration(reason string)
	// Offset is a source connector's stored offset of a partition, nil if none (Kafka
	// Connect's SourceConnectorContext.offsetStorageReader()): the offsets its tasks resume
	// from. Each call asks the core; usable from Start on, from any goroutine.
	Offset(partition map[string]any) (map[string]any, error)
	// Offsets is Offset for several partitions, in the same order (nil where none).
	Offsets(partitions []map[string]any) ([]map[string]any, error)
}

// SourceOffsetAlterer is implemented by a source Connector that takes part in KIP-875's
// offset changes (Kafka Connect's SourceConnector.alterOffsets). It is called on an
// instance that was not started, before PATCH / DELETE /connectors/{c}/offsets writes the
// offsets of the stopped connector (a nil Offset resets its partition). An error fails the
// request with its message and nothing is written (errors.ErrUnsupported: "doesn't support
// external modification of offsets"). True: the connector altered offsets it keeps itself
// too. A connector without it: false, Kafka Connect's default.
type SourceOffsetAlterer interface {
	AlterOffsets(cfg map[string]string, offsets []SourceOffsetChange) (bool, error)
}

// SourceOffsetChange is one partition's new offset in SourceOffsetAlterer.AlterOffsets.
type SourceOffsetChange struct {
	Partition map[string]any
	// Offset is nil when the partition's offset is reset.
	Offset map[string]any
}

// SinkOffsetAlterer is SourceOffsetAlterer for sink connectors (Kafka Connect's
// SinkConnector.alterOffsets): topic partitions to their next offset, nil when removed.
type SinkOffsetAlterer interface {
	AlterSinkOffsets(cfg map[string]string, offsets map[TopicPartition]*int64) (bool, error)
}

// SourceTask reads from a source system. Poll runs on the task's own goroutine; ctx is
// cancelled when the task stops, and Poll should return soon after.
type SourceTask interface {
	Start(tc SourceTaskContext, cfg Config) error
	// Poll returns the next records; nil or empty when there are none yet (the SDK backs
	// off briefly before it polls again). A *RetriableError makes the SDK poll again after
	// its RetryAfter; any other error or a panic fails the task.
	Poll(ctx context.Context) ([]*SourceRecord, error)
	// Stop is called once, after the last Poll returned or was abandoned.
	Stop() error
}

// RecordCommitter is implemented by a SourceTask that wants Kafka Connect's commitRecord:
// called in poll order once Kafka has the record; md is nil when a transform dropped it.
type RecordCommitter interface {
	CommitRecord(r *SourceRecord, md *RecordMetadata) error
}

// Committer is implemented by a SourceTask that wants Kafka Connect's commit: called once
// the offsets of everything acknowledged so far are durably stored. Only then may a source
// delete upstream data.
type Committer interface {
	Commit() error
}

// SourceTaskContext is a source task's view of the core.
type SourceTaskContext interface {
	ConnectorName() string
	TaskID() int
	// Offset is the stored offset of a source partition, nil if none. The core sends every
	// stored offset of the connector when the task starts, so this needs no round trip.
	Offset(partition map[string]any) map[string]any
	// Trace is the trace context of the core's task span (empty when not traced).
	Trace() TraceContext
	// TransactionContext is nil unless the task runs exactly once with
	// transaction.boundary=connector: then the task commits and aborts its own
	// transactions through it (Kafka Connect's SourceTaskContext.transactionContext()).
	TransactionContext() TransactionContext
}

// SinkTask writes records to a destination system. All methods run in order on the
// task's own goroutine, like Kafka Connect's task thread.
type SinkTask interface {
	Start(tc SinkTaskContext, cfg Config) error
	// Put takes records; they are the task's now (not yet durable). A *RetriableError has
	// the same records delivered again.
	Put(ctx context.Context, records []*SinkRecord) error
	// Flush makes everything put so far durable and returns the offsets it made durable
	// (usually offsets itself: the next offset after the records put); the core commits
	// exactly those (Kafka Connect's preCommit; its default, flush and then return the
	// offsets given, is returning offsets). An error is a failed flush: nothing is
	// committed, the core rewinds every partition to its last committed offset (those
	// records are put again) and the task keeps running. A *ConfigError or a panic fails
	// the task.
	Flush(ctx context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error)
	Stop() error
}

// PartitionHandler is implemented by a SinkTask that wants to know its partitions
// (Kafka Connect's open and close).
type PartitionHandler interface {
	Open(partitions []TopicPartition) error
	Close(partitions []TopicPartition) error
}

// SinkTaskContext is a sink task's view of the core.
type SinkTaskContext interface {
	ConnectorName() string
	TaskID() int
	// ReportErrant reports one bad record (the errant record reporter); the rest of the
	// batch goes on, and the core applies errors.tolerance.
	ReportErrant(r *SinkRecord, err error)
	Trace() TraceContext

	// Kafka Connect's SinkTaskContext requests. Each goes to the core at once (from Start:
	// right after it), in call order, and always before the PutDone of a Put that makes
	// it, so the core applies it before the next Put. Safe for concurrent use.

	// Offset sets the next offset to consume for a partition (a rewind or a skip): the
	// core seeks there and counts it as consumed for the next Flush.
	Offset(tp TopicPartition, offset int64)
	// Offsets is Offset for several partitions in one request.
	Offsets(offsets map[TopicPartition]int64)
	// Pause stops fetching these partitions (they stay assigned) until Resume or until
	// they are revoked.
	Pause(partitions ...TopicPartition)
	// Resume fetches paused partitions again.
	Resume(partitions ...TopicPartition)
	// RequestCommit asks for a Flush and offset commit as soon as possible instead of at
	// the next offset.flush.interval.ms.
	RequestCommit()
	// Timeout is Kafka Connect's SinkTaskContext.timeout: when the next Put returns a
	// *RetriableError (without its own RetryAfter), the core delivers the same records
	// again after d instead of its own back-off (at most 60 s). Used once; 0: the core's.
	Timeout(d time.Duration)
}

// classMatches applies Kafka Connect's alias rules: the full class name, the simple name,
// or the simple name without a "Connector" suffix.
func classMatches(known, asked string) bool {
	if known == asked {
		return true
	}
	simple := func(s string) string { return s[strings.LastIndex(s, ".")+1:] }
	strip := func(s string) string { return strings.TrimSuffix(s, "Connector") }
	k, a := simple(known), simple(asked)
	return k == a || strip(k) == strip(a)
}

// defaultConnector runs one task with the connector's config.
type defaultConnector struct{ cfg map[string]string }

func (c *defaultConnector) Start(_ ConnectorContext, cfg Config) error {
	c.cfg = cfg.Raw()
	return nil
}
func (c *defaultConnector) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{c.cfg}, nil
}
func (c *defaultConnector) Stop() error { return nil }
