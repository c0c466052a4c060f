package polyconnect

import "time"

// SourceRecord is one record from a source task.
type SourceRecord struct {
	// SourcePartition and SourceOffset: maps of primitives (strings, numbers, booleans);
	// nil for a source without offsets.
	SourcePartition map[string]any
	SourceOffset    map[string]any
	Topic           string
	// KafkaPartition: nil lets the producer choose from the key.
	KafkaPartition *int32
	// KeySchema/ValueSchema nil: schemaless (the Go type decides); RawBytes: sent as is.
	KeySchema   *Schema
	Key         any
	ValueSchema *Schema
	Value       any
	// Timestamp: the zero time means the producer's time.
	Timestamp time.Time
	Headers   []Header
	// Trace is the record's W3C trace context in the source system, passed to Kafka.
	Trace TraceContext
}

// SinkRecord is one record for a sink task.
type SinkRecord struct {
	Topic          string
	KafkaPartition int32
	KafkaOffset    int64
	KeySchema      *Schema
	Key            any
	ValueSchema    *Schema
	Value          any
	Timestamp      time.Time
	TimestampType  TimestampType
	Headers        []Header
	// OriginalTopic and OriginalKafkaPartition are the coordinates before transforms.
	OriginalTopic          string
	OriginalKafkaPartition int32
	Trace                  TraceContext
}

// TimestampType of a sink record.
type TimestampType int32

const (
	NoTimestampType TimestampType = iota
	CreateTime
	LogAppendTime
)

// Header is a record header.
type Header struct {
	Key    string
	Schema *Schema
	Value  any
}

// TopicPartition names a Kafka partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// RecordMetadata is where Kafka stored a source record.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
}

// TraceContext is a W3C trace context (https://www.w3.org/TR/trace-context/).
type TraceContext struct {
	Traceparent string
	Tracestate  string
}

// IsZero reports an empty context.
func (t TraceContext) IsZero() bool { return t.Traceparent == "" && t.Tracestate == "" }
