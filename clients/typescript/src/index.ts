// The Polyconnect TypeScript SDK: write Kafka Connect connectors as separate processes.
export { ConfigDef, Range, ValidString, NonEmptyString, type Validator, type Type, type Importance, type KeyOptions, type ConfigValue } from "./config.js";
export {
  SourceConnector,
  SinkConnector,
  SourceTask,
  SinkTask,
  type Config,
  type ConnectorContext,
  type SourceTaskContext,
  type SinkTaskContext,
  type TransactionContext,
  type ExactlyOnceSupport,
  type ConnectorTransactionBoundaries,
  UnsupportedOperationError,
  type SourceOffsetChange,
  type SinkOffsetChange,
} from "./connector.js";
export {
  Schema,
  Struct,
  RawBytes,
  raw,
  tpKey,
  type SchemaType,
  type Field,
  type Header,
  type SourceRecord,
  type SinkRecord,
  type SourceMap,
  type RecordMetadata,
  type TopicPartition,
  type Offsets,
  type TraceContext,
} from "./data.js";
export { ConnectError, RetriableError, ConfigError, DataError } from "./errors.js";
export { Transformation, Predicate, type ConnectRecord, type TransformClass } from "./transform.js";
export { Logger } from "./log.js";
export { serve, startServer, listenAddress, tlsCredentials, TlsConfigError, ConnectorServer, SDK_VERSION, type RunningServer } from "./server.js";
