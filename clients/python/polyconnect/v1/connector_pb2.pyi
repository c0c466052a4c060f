from polyconnect.v1 import data_pb2 as _data_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PluginType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLUGIN_TYPE_UNSPECIFIED: _ClassVar[PluginType]
    SOURCE: _ClassVar[PluginType]
    SINK: _ClassVar[PluginType]
    TRANSFORMATION: _ClassVar[PluginType]
    PREDICATE: _ClassVar[PluginType]

class ConfigType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONFIG_TYPE_UNSPECIFIED: _ClassVar[ConfigType]
    BOOLEAN_CONFIG: _ClassVar[ConfigType]
    STRING_CONFIG: _ClassVar[ConfigType]
    INT_CONFIG: _ClassVar[ConfigType]
    SHORT_CONFIG: _ClassVar[ConfigType]
    LONG_CONFIG: _ClassVar[ConfigType]
    DOUBLE_CONFIG: _ClassVar[ConfigType]
    LIST_CONFIG: _ClassVar[ConfigType]
    CLASS_CONFIG: _ClassVar[ConfigType]
    PASSWORD_CONFIG: _ClassVar[ConfigType]

class Importance(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORTANCE_UNSPECIFIED: _ClassVar[Importance]
    HIGH: _ClassVar[Importance]
    MEDIUM: _ClassVar[Importance]
    LOW: _ClassVar[Importance]

class Width(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WIDTH_UNSPECIFIED: _ClassVar[Width]
    NONE: _ClassVar[Width]
    SHORT: _ClassVar[Width]
    MEDIUM_WIDTH: _ClassVar[Width]
    LONG: _ClassVar[Width]

class ExactlyOnceSupport(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXACTLY_ONCE_SUPPORT_UNSPECIFIED: _ClassVar[ExactlyOnceSupport]
    EXACTLY_ONCE_SUPPORTED: _ClassVar[ExactlyOnceSupport]
    EXACTLY_ONCE_UNSUPPORTED: _ClassVar[ExactlyOnceSupport]

class TransactionBoundarySupport(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED: _ClassVar[TransactionBoundarySupport]
    TRANSACTION_BOUNDARIES_SUPPORTED: _ClassVar[TransactionBoundarySupport]
    TRANSACTION_BOUNDARIES_UNSUPPORTED: _ClassVar[TransactionBoundarySupport]

class ErrorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_KIND_UNSPECIFIED: _ClassVar[ErrorKind]
    RETRIABLE: _ClassVar[ErrorKind]
    CONFIG: _ClassVar[ErrorKind]
    FATAL: _ClassVar[ErrorKind]
    RECORD: _ClassVar[ErrorKind]

class DataColumnType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_COLUMN_TYPE_NULL: _ClassVar[DataColumnType]
    DATA_COLUMN_TYPE_STRING: _ClassVar[DataColumnType]
    DATA_COLUMN_TYPE_BYTES: _ClassVar[DataColumnType]
    DATA_COLUMN_TYPE_RAW: _ClassVar[DataColumnType]

class TransactionAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSACTION_ACTION_NONE: _ClassVar[TransactionAction]
    COMMIT_TRANSACTION: _ClassVar[TransactionAction]
    ABORT_TRANSACTION: _ClassVar[TransactionAction]

class TimestampType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NO_TIMESTAMP_TYPE: _ClassVar[TimestampType]
    CREATE_TIME: _ClassVar[TimestampType]
    LOG_APPEND_TIME: _ClassVar[TimestampType]

class ConversionDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONVERSION_DIRECTION_UNSPECIFIED: _ClassVar[ConversionDirection]
    FROM_CONNECT_DATA: _ClassVar[ConversionDirection]
    TO_CONNECT_DATA: _ClassVar[ConversionDirection]
PLUGIN_TYPE_UNSPECIFIED: PluginType
SOURCE: PluginType
SINK: PluginType
TRANSFORMATION: PluginType
PREDICATE: PluginType
CONFIG_TYPE_UNSPECIFIED: ConfigType
BOOLEAN_CONFIG: ConfigType
STRING_CONFIG: ConfigType
INT_CONFIG: ConfigType
SHORT_CONFIG: ConfigType
LONG_CONFIG: ConfigType
DOUBLE_CONFIG: ConfigType
LIST_CONFIG: ConfigType
CLASS_CONFIG: ConfigType
PASSWORD_CONFIG: ConfigType
IMPORTANCE_UNSPECIFIED: Importance
HIGH: Importance
MEDIUM: Importance
LOW: Importance
WIDTH_UNSPECIFIED: Width
NONE: Width
SHORT: Width
MEDIUM_WIDTH: Width
LONG: Width
EXACTLY_ONCE_SUPPORT_UNSPECIFIED: ExactlyOnceSupport
EXACTLY_ONCE_SUPPORTED: ExactlyOnceSupport
EXACTLY_ONCE_UNSUPPORTED: ExactlyOnceSupport
TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED: TransactionBoundarySupport
TRANSACTION_BOUNDARIES_SUPPORTED: TransactionBoundarySupport
TRANSACTION_BOUNDARIES_UNSUPPORTED: TransactionBoundarySupport
ERROR_KIND_UNSPECIFIED: ErrorKind
RETRIABLE: ErrorKind
CONFIG: ErrorKind
FATAL: ErrorKind
RECORD: ErrorKind
DATA_COLUMN_TYPE_NULL: DataColumnType
DATA_COLUMN_TYPE_STRING: DataColumnType
DATA_COLUMN_TYPE_BYTES: DataColumnType
DATA_COLUMN_TYPE_RAW: DataColumnType
TRANSACTION_ACTION_NONE: TransactionAction
COMMIT_TRANSACTION: TransactionAction
ABORT_TRANSACTION: TransactionAction
NO_TIMESTAMP_TYPE: TimestampType
CREATE_TIME: TimestampType
LOG_APPEND_TIME: TimestampType
CONVERSION_DIRECTION_UNSPECIFIED: ConversionDirection
FROM_CONNECT_DATA: ConversionDirection
TO_CONNECT_DATA: ConversionDirection

class HandshakeRequest(_message.Message):
    __slots__ = ("protocol_versions", "core_version", "max_message_bytes", "capabilities")
    PROTOCOL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    CORE_VERSION_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    protocol_versions: _containers.RepeatedScalarFieldContainer[int]
    core_version: str
    max_message_bytes: int
    capabilities: Capabilities
    def __init__(self, protocol_versions: _Optional[_Iterable[int]] = ..., core_version: _Optional[str] = ..., max_message_bytes: _Optional[int] = ..., capabilities: _Optional[_Union[Capabilities, _Mapping]] = ...) -> None: ...

class Capabilities(_message.Message):
    __slots__ = ("raw_bytes", "schema_references", "trace_context", "columnar_puts", "columnar_source_batches")
    RAW_BYTES_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    TRACE_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    COLUMNAR_PUTS_FIELD_NUMBER: _ClassVar[int]
    COLUMNAR_SOURCE_BATCHES_FIELD_NUMBER: _ClassVar[int]
    raw_bytes: bool
    schema_references: bool
    trace_context: bool
    columnar_puts: bool
    columnar_source_batches: bool
    def __init__(self, raw_bytes: _Optional[bool] = ..., schema_references: _Optional[bool] = ..., trace_context: _Optional[bool] = ..., columnar_puts: _Optional[bool] = ..., columnar_source_batches: _Optional[bool] = ...) -> None: ...

class HandshakeResponse(_message.Message):
    __slots__ = ("protocol_version", "sdk_language", "sdk_version", "max_message_bytes", "capabilities", "plugins")
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    SDK_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    SDK_VERSION_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    PLUGINS_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    sdk_language: str
    sdk_version: str
    max_message_bytes: int
    capabilities: Capabilities
    plugins: _containers.RepeatedCompositeFieldContainer[PluginInfo]
    def __init__(self, protocol_version: _Optional[int] = ..., sdk_language: _Optional[str] = ..., sdk_version: _Optional[str] = ..., max_message_bytes: _Optional[int] = ..., capabilities: _Optional[_Union[Capabilities, _Mapping]] = ..., plugins: _Optional[_Iterable[_Union[PluginInfo, _Mapping]]] = ...) -> None: ...

class PluginInfo(_message.Message):
    __slots__ = ("class_name", "aliases", "type", "version")
    CLASS_NAME_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    class_name: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    type: PluginType
    version: str
    def __init__(self, class_name: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., type: _Optional[_Union[PluginType, str]] = ..., version: _Optional[str] = ...) -> None: ...

class HealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ("serving",)
    SERVING_FIELD_NUMBER: _ClassVar[int]
    serving: bool
    def __init__(self, serving: _Optional[bool] = ...) -> None: ...

class SpecRequest(_message.Message):
    __slots__ = ("connector_class",)
    CONNECTOR_CLASS_FIELD_NUMBER: _ClassVar[int]
    connector_class: str
    def __init__(self, connector_class: _Optional[str] = ...) -> None: ...

class SpecResponse(_message.Message):
    __slots__ = ("plugin", "config")
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    plugin: PluginInfo
    config: _containers.RepeatedCompositeFieldContainer[ConfigKey]
    def __init__(self, plugin: _Optional[_Union[PluginInfo, _Mapping]] = ..., config: _Optional[_Iterable[_Union[ConfigKey, _Mapping]]] = ...) -> None: ...

class ConfigKey(_message.Message):
    __slots__ = ("name", "type", "default_value", "importance", "documentation", "group", "order_in_group", "width", "display_name", "dependents", "validator", "secret")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTATION_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    ORDER_IN_GROUP_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPENDENTS_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: ConfigType
    default_value: str
    importance: Importance
    documentation: str
    group: str
    order_in_group: int
    width: Width
    display_name: str
    dependents: _containers.RepeatedScalarFieldContainer[str]
    validator: Validator
    secret: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[ConfigType, str]] = ..., default_value: _Optional[str] = ..., importance: _Optional[_Union[Importance, str]] = ..., documentation: _Optional[str] = ..., group: _Optional[str] = ..., order_in_group: _Optional[int] = ..., width: _Optional[_Union[Width, str]] = ..., display_name: _Optional[str] = ..., dependents: _Optional[_Iterable[str]] = ..., validator: _Optional[_Union[Validator, _Mapping]] = ..., secret: _Optional[bool] = ...) -> None: ...

class Validator(_message.Message):
    __slots__ = ("range", "valid_string", "non_empty_string", "valid_list", "description")
    RANGE_FIELD_NUMBER: _ClassVar[int]
    VALID_STRING_FIELD_NUMBER: _ClassVar[int]
    NON_EMPTY_STRING_FIELD_NUMBER: _ClassVar[int]
    VALID_LIST_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    range: Range
    valid_string: ValidString
    non_empty_string: NonEmptyString
    valid_list: ValidList
    description: str
    def __init__(self, range: _Optional[_Union[Range, _Mapping]] = ..., valid_string: _Optional[_Union[ValidString, _Mapping]] = ..., non_empty_string: _Optional[_Union[NonEmptyString, _Mapping]] = ..., valid_list: _Optional[_Union[ValidList, _Mapping]] = ..., description: _Optional[str] = ...) -> None: ...

class Range(_message.Message):
    __slots__ = ("min", "max")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    min: float
    max: float
    def __init__(self, min: _Optional[float] = ..., max: _Optional[float] = ...) -> None: ...

class ValidString(_message.Message):
    __slots__ = ("allowed", "case_insensitive")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    CASE_INSENSITIVE_FIELD_NUMBER: _ClassVar[int]
    allowed: _containers.RepeatedScalarFieldContainer[str]
    case_insensitive: bool
    def __init__(self, allowed: _Optional[_Iterable[str]] = ..., case_insensitive: _Optional[bool] = ...) -> None: ...

class NonEmptyString(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ValidList(_message.Message):
    __slots__ = ("allowed",)
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    allowed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, allowed: _Optional[_Iterable[str]] = ...) -> None: ...

class ValidateRequest(_message.Message):
    __slots__ = ("connector_class", "config")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CONNECTOR_CLASS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    connector_class: str
    config: _containers.ScalarMap[str, str]
    def __init__(self, connector_class: _Optional[str] = ..., config: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ValidateResponse(_message.Message):
    __slots__ = ("values", "exactly_once_support", "transaction_boundaries", "exactly_once_support_error", "transaction_boundaries_error")
    VALUES_FIELD_NUMBER: _ClassVar[int]
    EXACTLY_ONCE_SUPPORT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_BOUNDARIES_FIELD_NUMBER: _ClassVar[int]
    EXACTLY_ONCE_SUPPORT_ERROR_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_BOUNDARIES_ERROR_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[ConfigValue]
    exactly_once_support: ExactlyOnceSupport
    transaction_boundaries: TransactionBoundarySupport
    exactly_once_support_error: str
    transaction_boundaries_error: str
    def __init__(self, values: _Optional[_Iterable[_Union[ConfigValue, _Mapping]]] = ..., exactly_once_support: _Optional[_Union[ExactlyOnceSupport, str]] = ..., transaction_boundaries: _Optional[_Union[TransactionBoundarySupport, str]] = ..., exactly_once_support_error: _Optional[str] = ..., transaction_boundaries_error: _Optional[str] = ...) -> None: ...

class ConfigValue(_message.Message):
    __slots__ = ("name", "value", "recommended_values", "errors", "visible")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_VALUES_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    VISIBLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    recommended_values: _containers.RepeatedScalarFieldContainer[str]
    errors: _containers.RepeatedScalarFieldContainer[str]
    visible: bool
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ..., recommended_values: _Optional[_Iterable[str]] = ..., errors: _Optional[_Iterable[str]] = ..., visible: _Optional[bool] = ...) -> None: ...

class ConnectorRequest(_message.Message):
    __slots__ = ("start", "task_configs", "heartbeat", "stop", "offsets")
    START_FIELD_NUMBER: _ClassVar[int]
    TASK_CONFIGS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    start: ConnectorStart
    task_configs: TaskConfigsRequest
    heartbeat: Heartbeat
    stop: Stop
    offsets: OffsetsAnswer
    def __init__(self, start: _Optional[_Union[ConnectorStart, _Mapping]] = ..., task_configs: _Optional[_Union[TaskConfigsRequest, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., stop: _Optional[_Union[Stop, _Mapping]] = ..., offsets: _Optional[_Union[OffsetsAnswer, _Mapping]] = ...) -> None: ...

class ConnectorResponse(_message.Message):
    __slots__ = ("started", "task_configs", "reconfigure", "heartbeat", "error", "offsets_query")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    TASK_CONFIGS_FIELD_NUMBER: _ClassVar[int]
    RECONFIGURE_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_QUERY_FIELD_NUMBER: _ClassVar[int]
    started: Started
    task_configs: TaskConfigs
    reconfigure: ReconfigureRequest
    heartbeat: Heartbeat
    error: Error
    offsets_query: OffsetsQuery
    def __init__(self, started: _Optional[_Union[Started, _Mapping]] = ..., task_configs: _Optional[_Union[TaskConfigs, _Mapping]] = ..., reconfigure: _Optional[_Union[ReconfigureRequest, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., offsets_query: _Optional[_Union[OffsetsQuery, _Mapping]] = ...) -> None: ...

class AlterOffsetsRequest(_message.Message):
    __slots__ = ("protocol_version", "connector_class", "connector_name", "config", "source_offsets", "sink_offsets", "reset")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_CLASS_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    SINK_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    connector_class: str
    connector_name: str
    config: _containers.ScalarMap[str, str]
    source_offsets: _containers.RepeatedCompositeFieldContainer[SourceOffset]
    sink_offsets: _containers.RepeatedCompositeFieldContainer[SinkOffsetChange]
    reset: bool
    def __init__(self, protocol_version: _Optional[int] = ..., connector_class: _Optional[str] = ..., connector_name: _Optional[str] = ..., config: _Optional[_Mapping[str, str]] = ..., source_offsets: _Optional[_Iterable[_Union[SourceOffset, _Mapping]]] = ..., sink_offsets: _Optional[_Iterable[_Union[SinkOffsetChange, _Mapping]]] = ..., reset: _Optional[bool] = ...) -> None: ...

class SinkOffsetChange(_message.Message):
    __slots__ = ("topic", "partition", "offset")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    topic: str
    partition: int
    offset: int
    def __init__(self, topic: _Optional[str] = ..., partition: _Optional[int] = ..., offset: _Optional[int] = ...) -> None: ...

class AlterOffsetsResponse(_message.Message):
    __slots__ = ("altered", "error", "status_code", "unsupported")
    ALTERED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    UNSUPPORTED_FIELD_NUMBER: _ClassVar[int]
    altered: bool
    error: Error
    status_code: int
    unsupported: bool
    def __init__(self, altered: _Optional[bool] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., status_code: _Optional[int] = ..., unsupported: _Optional[bool] = ...) -> None: ...

class ConnectorStart(_message.Message):
    __slots__ = ("protocol_version", "connector_class", "connector_name", "config", "heartbeat_interval_ms", "idle_timeout_ms")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_CLASS_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    connector_class: str
    connector_name: str
    config: _containers.ScalarMap[str, str]
    heartbeat_interval_ms: int
    idle_timeout_ms: int
    def __init__(self, protocol_version: _Optional[int] = ..., connector_class: _Optional[str] = ..., connector_name: _Optional[str] = ..., config: _Optional[_Mapping[str, str]] = ..., heartbeat_interval_ms: _Optional[int] = ..., idle_timeout_ms: _Optional[int] = ...) -> None: ...

class TaskConfigsRequest(_message.Message):
    __slots__ = ("max_tasks",)
    MAX_TASKS_FIELD_NUMBER: _ClassVar[int]
    max_tasks: int
    def __init__(self, max_tasks: _Optional[int] = ...) -> None: ...

class TaskConfigs(_message.Message):
    __slots__ = ("configs",)
    CONFIGS_FIELD_NUMBER: _ClassVar[int]
    configs: _containers.RepeatedCompositeFieldContainer[TaskConfig]
    def __init__(self, configs: _Optional[_Iterable[_Union[TaskConfig, _Mapping]]] = ...) -> None: ...

class TaskConfig(_message.Message):
    __slots__ = ("config",)
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: _containers.ScalarMap[str, str]
    def __init__(self, config: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ReconfigureRequest(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class Started(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Stop(_message.Message):
    __slots__ = ("timeout_ms",)
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    timeout_ms: int
    def __init__(self, timeout_ms: _Optional[int] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("kind", "message", "error_class", "detail", "retry_after_ms", "record_seq", "kafka_topic", "kafka_partition", "kafka_offset")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_CLASS_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    RECORD_SEQ_FIELD_NUMBER: _ClassVar[int]
    KAFKA_TOPIC_FIELD_NUMBER: _ClassVar[int]
    KAFKA_PARTITION_FIELD_NUMBER: _ClassVar[int]
    KAFKA_OFFSET_FIELD_NUMBER: _ClassVar[int]
    kind: ErrorKind
    message: str
    error_class: str
    detail: str
    retry_after_ms: int
    record_seq: int
    kafka_topic: str
    kafka_partition: int
    kafka_offset: int
    def __init__(self, kind: _Optional[_Union[ErrorKind, str]] = ..., message: _Optional[str] = ..., error_class: _Optional[str] = ..., detail: _Optional[str] = ..., retry_after_ms: _Optional[int] = ..., record_seq: _Optional[int] = ..., kafka_topic: _Optional[str] = ..., kafka_partition: _Optional[int] = ..., kafka_offset: _Optional[int] = ...) -> None: ...

class SourceRequest(_message.Message):
    __slots__ = ("start", "credit", "commit_records", "commit", "offsets", "heartbeat", "stop")
    START_FIELD_NUMBER: _ClassVar[int]
    CREDIT_FIELD_NUMBER: _ClassVar[int]
    COMMIT_RECORDS_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    start: SourceStart
    credit: Credit
    commit_records: CommitRecords
    commit: Commit
    offsets: OffsetsAnswer
    heartbeat: Heartbeat
    stop: Stop
    def __init__(self, start: _Optional[_Union[SourceStart, _Mapping]] = ..., credit: _Optional[_Union[Credit, _Mapping]] = ..., commit_records: _Optional[_Union[CommitRecords, _Mapping]] = ..., commit: _Optional[_Union[Commit, _Mapping]] = ..., offsets: _Optional[_Union[OffsetsAnswer, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., stop: _Optional[_Union[Stop, _Mapping]] = ...) -> None: ...

class SourceResponse(_message.Message):
    __slots__ = ("started", "batch", "offsets_query", "drained", "heartbeat", "error")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_QUERY_FIELD_NUMBER: _ClassVar[int]
    DRAINED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    started: Started
    batch: SourceBatch
    offsets_query: OffsetsQuery
    drained: Drained
    heartbeat: Heartbeat
    error: Error
    def __init__(self, started: _Optional[_Union[Started, _Mapping]] = ..., batch: _Optional[_Union[SourceBatch, _Mapping]] = ..., offsets_query: _Optional[_Union[OffsetsQuery, _Mapping]] = ..., drained: _Optional[_Union[Drained, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class SourceStart(_message.Message):
    __slots__ = ("protocol_version", "connector_class", "connector_name", "task_id", "config", "offsets", "heartbeat_interval_ms", "idle_timeout_ms", "max_message_bytes", "capabilities", "trace", "transaction_context")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_CLASS_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    connector_class: str
    connector_name: str
    task_id: int
    config: _containers.ScalarMap[str, str]
    offsets: _containers.RepeatedCompositeFieldContainer[SourceOffset]
    heartbeat_interval_ms: int
    idle_timeout_ms: int
    max_message_bytes: int
    capabilities: Capabilities
    trace: _data_pb2.TraceContext
    transaction_context: bool
    def __init__(self, protocol_version: _Optional[int] = ..., connector_class: _Optional[str] = ..., connector_name: _Optional[str] = ..., task_id: _Optional[int] = ..., config: _Optional[_Mapping[str, str]] = ..., offsets: _Optional[_Iterable[_Union[SourceOffset, _Mapping]]] = ..., heartbeat_interval_ms: _Optional[int] = ..., idle_timeout_ms: _Optional[int] = ..., max_message_bytes: _Optional[int] = ..., capabilities: _Optional[_Union[Capabilities, _Mapping]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ..., transaction_context: _Optional[bool] = ...) -> None: ...

class SourceOffset(_message.Message):
    __slots__ = ("partition", "offset")
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    partition: _data_pb2.Value
    offset: _data_pb2.Value
    def __init__(self, partition: _Optional[_Union[_data_pb2.Value, _Mapping]] = ..., offset: _Optional[_Union[_data_pb2.Value, _Mapping]] = ...) -> None: ...

class Credit(_message.Message):
    __slots__ = ("records", "bytes")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    records: int
    bytes: int
    def __init__(self, records: _Optional[int] = ..., bytes: _Optional[int] = ...) -> None: ...

class SourceBatch(_message.Message):
    __slots__ = ("records", "trace", "columns")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[SourceRecord]
    trace: _data_pb2.TraceContext
    columns: SourceColumns
    def __init__(self, records: _Optional[_Iterable[_Union[SourceRecord, _Mapping]]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ..., columns: _Optional[_Union[SourceColumns, _Mapping]] = ...) -> None: ...

class SourceColumns(_message.Message):
    __slots__ = ("first_seq", "count", "partitions", "partition_index", "int_offsets", "value_offsets", "topics", "topic_index", "kafka_partitions", "timestamps", "key", "value")
    FIRST_SEQ_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    PARTITION_INDEX_FIELD_NUMBER: _ClassVar[int]
    INT_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    VALUE_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    TOPIC_INDEX_FIELD_NUMBER: _ClassVar[int]
    KAFKA_PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMPS_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    first_seq: int
    count: int
    partitions: _containers.RepeatedCompositeFieldContainer[_data_pb2.Value]
    partition_index: _containers.RepeatedScalarFieldContainer[int]
    int_offsets: IntOffsets
    value_offsets: ValueOffsets
    topics: _containers.RepeatedScalarFieldContainer[str]
    topic_index: _containers.RepeatedScalarFieldContainer[int]
    kafka_partitions: _containers.RepeatedScalarFieldContainer[int]
    timestamps: _containers.RepeatedScalarFieldContainer[int]
    key: DataColumn
    value: DataColumn
    def __init__(self, first_seq: _Optional[int] = ..., count: _Optional[int] = ..., partitions: _Optional[_Iterable[_Union[_data_pb2.Value, _Mapping]]] = ..., partition_index: _Optional[_Iterable[int]] = ..., int_offsets: _Optional[_Union[IntOffsets, _Mapping]] = ..., value_offsets: _Optional[_Union[ValueOffsets, _Mapping]] = ..., topics: _Optional[_Iterable[str]] = ..., topic_index: _Optional[_Iterable[int]] = ..., kafka_partitions: _Optional[_Iterable[int]] = ..., timestamps: _Optional[_Iterable[int]] = ..., key: _Optional[_Union[DataColumn, _Mapping]] = ..., value: _Optional[_Union[DataColumn, _Mapping]] = ...) -> None: ...

class IntOffsets(_message.Message):
    __slots__ = ("keys", "values")
    KEYS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, keys: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[int]] = ...) -> None: ...

class ValueOffsets(_message.Message):
    __slots__ = ("offsets",)
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    offsets: _containers.RepeatedCompositeFieldContainer[_data_pb2.Value]
    def __init__(self, offsets: _Optional[_Iterable[_Union[_data_pb2.Value, _Mapping]]] = ...) -> None: ...

class DataColumn(_message.Message):
    __slots__ = ("type", "schema", "strings", "bytes", "nulls")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    STRINGS_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    NULLS_FIELD_NUMBER: _ClassVar[int]
    type: DataColumnType
    schema: _data_pb2.Schema
    strings: _containers.RepeatedScalarFieldContainer[str]
    bytes: _containers.RepeatedScalarFieldContainer[bytes]
    nulls: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, type: _Optional[_Union[DataColumnType, str]] = ..., schema: _Optional[_Union[_data_pb2.Schema, _Mapping]] = ..., strings: _Optional[_Iterable[str]] = ..., bytes: _Optional[_Iterable[bytes]] = ..., nulls: _Optional[_Iterable[int]] = ...) -> None: ...

class SourceRecord(_message.Message):
    __slots__ = ("seq", "source_partition", "source_offset", "topic", "kafka_partition", "key", "value", "timestamp", "headers", "trace", "transaction")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PARTITION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OFFSET_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    KAFKA_PARTITION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    seq: int
    source_partition: _data_pb2.Value
    source_offset: _data_pb2.Value
    topic: str
    kafka_partition: int
    key: _data_pb2.RecordData
    value: _data_pb2.RecordData
    timestamp: int
    headers: _containers.RepeatedCompositeFieldContainer[_data_pb2.Header]
    trace: _data_pb2.TraceContext
    transaction: TransactionAction
    def __init__(self, seq: _Optional[int] = ..., source_partition: _Optional[_Union[_data_pb2.Value, _Mapping]] = ..., source_offset: _Optional[_Union[_data_pb2.Value, _Mapping]] = ..., topic: _Optional[str] = ..., kafka_partition: _Optional[int] = ..., key: _Optional[_Union[_data_pb2.RecordData, _Mapping]] = ..., value: _Optional[_Union[_data_pb2.RecordData, _Mapping]] = ..., timestamp: _Optional[int] = ..., headers: _Optional[_Iterable[_Union[_data_pb2.Header, _Mapping]]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ..., transaction: _Optional[_Union[TransactionAction, str]] = ...) -> None: ...

class CommitRecords(_message.Message):
    __slots__ = ("acks",)
    ACKS_FIELD_NUMBER: _ClassVar[int]
    acks: _containers.RepeatedCompositeFieldContainer[RecordAck]
    def __init__(self, acks: _Optional[_Iterable[_Union[RecordAck, _Mapping]]] = ...) -> None: ...

class RecordAck(_message.Message):
    __slots__ = ("seq", "topic", "partition", "offset", "filtered")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    FILTERED_FIELD_NUMBER: _ClassVar[int]
    seq: int
    topic: str
    partition: int
    offset: int
    filtered: bool
    def __init__(self, seq: _Optional[int] = ..., topic: _Optional[str] = ..., partition: _Optional[int] = ..., offset: _Optional[int] = ..., filtered: _Optional[bool] = ...) -> None: ...

class Commit(_message.Message):
    __slots__ = ("up_to_seq",)
    UP_TO_SEQ_FIELD_NUMBER: _ClassVar[int]
    up_to_seq: int
    def __init__(self, up_to_seq: _Optional[int] = ...) -> None: ...

class OffsetsQuery(_message.Message):
    __slots__ = ("request_id", "partitions")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    partitions: _containers.RepeatedCompositeFieldContainer[_data_pb2.Value]
    def __init__(self, request_id: _Optional[int] = ..., partitions: _Optional[_Iterable[_Union[_data_pb2.Value, _Mapping]]] = ...) -> None: ...

class OffsetsAnswer(_message.Message):
    __slots__ = ("request_id", "offsets")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    offsets: _containers.RepeatedCompositeFieldContainer[SourceOffset]
    def __init__(self, request_id: _Optional[int] = ..., offsets: _Optional[_Iterable[_Union[SourceOffset, _Mapping]]] = ...) -> None: ...

class Drained(_message.Message):
    __slots__ = ("last_seq",)
    LAST_SEQ_FIELD_NUMBER: _ClassVar[int]
    last_seq: int
    def __init__(self, last_seq: _Optional[int] = ...) -> None: ...

class SinkRequest(_message.Message):
    __slots__ = ("start", "open", "close", "put", "flush", "heartbeat", "stop")
    START_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    PUT_FIELD_NUMBER: _ClassVar[int]
    FLUSH_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    start: SinkStart
    open: Partitions
    close: Partitions
    put: Put
    flush: Flush
    heartbeat: Heartbeat
    stop: Stop
    def __init__(self, start: _Optional[_Union[SinkStart, _Mapping]] = ..., open: _Optional[_Union[Partitions, _Mapping]] = ..., close: _Optional[_Union[Partitions, _Mapping]] = ..., put: _Optional[_Union[Put, _Mapping]] = ..., flush: _Optional[_Union[Flush, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., stop: _Optional[_Union[Stop, _Mapping]] = ...) -> None: ...

class SinkResponse(_message.Message):
    __slots__ = ("started", "put_done", "flushed", "errant", "heartbeat", "error", "context")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    PUT_DONE_FIELD_NUMBER: _ClassVar[int]
    FLUSHED_FIELD_NUMBER: _ClassVar[int]
    ERRANT_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    started: SinkStarted
    put_done: PutDone
    flushed: Flushed
    errant: ErrantRecord
    heartbeat: Heartbeat
    error: SinkError
    context: SinkContext
    def __init__(self, started: _Optional[_Union[SinkStarted, _Mapping]] = ..., put_done: _Optional[_Union[PutDone, _Mapping]] = ..., flushed: _Optional[_Union[Flushed, _Mapping]] = ..., errant: _Optional[_Union[ErrantRecord, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., error: _Optional[_Union[SinkError, _Mapping]] = ..., context: _Optional[_Union[SinkContext, _Mapping]] = ...) -> None: ...

class SinkStart(_message.Message):
    __slots__ = ("protocol_version", "connector_class", "connector_name", "task_id", "config", "heartbeat_interval_ms", "idle_timeout_ms", "max_message_bytes", "capabilities", "trace")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_CLASS_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    connector_class: str
    connector_name: str
    task_id: int
    config: _containers.ScalarMap[str, str]
    heartbeat_interval_ms: int
    idle_timeout_ms: int
    max_message_bytes: int
    capabilities: Capabilities
    trace: _data_pb2.TraceContext
    def __init__(self, protocol_version: _Optional[int] = ..., connector_class: _Optional[str] = ..., connector_name: _Optional[str] = ..., task_id: _Optional[int] = ..., config: _Optional[_Mapping[str, str]] = ..., heartbeat_interval_ms: _Optional[int] = ..., idle_timeout_ms: _Optional[int] = ..., max_message_bytes: _Optional[int] = ..., capabilities: _Optional[_Union[Capabilities, _Mapping]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ...) -> None: ...

class SinkStarted(_message.Message):
    __slots__ = ("max_inflight_puts",)
    MAX_INFLIGHT_PUTS_FIELD_NUMBER: _ClassVar[int]
    max_inflight_puts: int
    def __init__(self, max_inflight_puts: _Optional[int] = ...) -> None: ...

class TopicPartition(_message.Message):
    __slots__ = ("topic", "partition")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    topic: str
    partition: int
    def __init__(self, topic: _Optional[str] = ..., partition: _Optional[int] = ...) -> None: ...

class Partitions(_message.Message):
    __slots__ = ("partitions",)
    PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    partitions: _containers.RepeatedCompositeFieldContainer[TopicPartition]
    def __init__(self, partitions: _Optional[_Iterable[_Union[TopicPartition, _Mapping]]] = ...) -> None: ...

class Put(_message.Message):
    __slots__ = ("put_id", "records", "trace", "columns")
    PUT_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    put_id: int
    records: _containers.RepeatedCompositeFieldContainer[SinkRecord]
    trace: _data_pb2.TraceContext
    columns: SinkColumns
    def __init__(self, put_id: _Optional[int] = ..., records: _Optional[_Iterable[_Union[SinkRecord, _Mapping]]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ..., columns: _Optional[_Union[SinkColumns, _Mapping]] = ...) -> None: ...

class SinkColumns(_message.Message):
    __slots__ = ("count", "topics", "topic_indexes", "partitions", "offsets", "timestamps", "no_timestamp", "timestamp_types", "keys", "values")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    TOPIC_INDEXES_FIELD_NUMBER: _ClassVar[int]
    PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMPS_FIELD_NUMBER: _ClassVar[int]
    NO_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_TYPES_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    count: int
    topics: _containers.RepeatedScalarFieldContainer[str]
    topic_indexes: _containers.RepeatedScalarFieldContainer[int]
    partitions: _containers.RepeatedScalarFieldContainer[int]
    offsets: _containers.RepeatedScalarFieldContainer[int]
    timestamps: _containers.RepeatedScalarFieldContainer[int]
    no_timestamp: _containers.RepeatedScalarFieldContainer[int]
    timestamp_types: _containers.RepeatedScalarFieldContainer[TimestampType]
    keys: DataColumn
    values: DataColumn
    def __init__(self, count: _Optional[int] = ..., topics: _Optional[_Iterable[str]] = ..., topic_indexes: _Optional[_Iterable[int]] = ..., partitions: _Optional[_Iterable[int]] = ..., offsets: _Optional[_Iterable[int]] = ..., timestamps: _Optional[_Iterable[int]] = ..., no_timestamp: _Optional[_Iterable[int]] = ..., timestamp_types: _Optional[_Iterable[_Union[TimestampType, str]]] = ..., keys: _Optional[_Union[DataColumn, _Mapping]] = ..., values: _Optional[_Union[DataColumn, _Mapping]] = ...) -> None: ...

class SinkRecord(_message.Message):
    __slots__ = ("topic", "kafka_partition", "kafka_offset", "key", "value", "timestamp", "timestamp_type", "headers", "original_topic", "original_kafka_partition", "trace")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    KAFKA_PARTITION_FIELD_NUMBER: _ClassVar[int]
    KAFKA_OFFSET_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_TYPE_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_TOPIC_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_KAFKA_PARTITION_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    topic: str
    kafka_partition: int
    kafka_offset: int
    key: _data_pb2.RecordData
    value: _data_pb2.RecordData
    timestamp: int
    timestamp_type: TimestampType
    headers: _containers.RepeatedCompositeFieldContainer[_data_pb2.Header]
    original_topic: str
    original_kafka_partition: int
    trace: _data_pb2.TraceContext
    def __init__(self, topic: _Optional[str] = ..., kafka_partition: _Optional[int] = ..., kafka_offset: _Optional[int] = ..., key: _Optional[_Union[_data_pb2.RecordData, _Mapping]] = ..., value: _Optional[_Union[_data_pb2.RecordData, _Mapping]] = ..., timestamp: _Optional[int] = ..., timestamp_type: _Optional[_Union[TimestampType, str]] = ..., headers: _Optional[_Iterable[_Union[_data_pb2.Header, _Mapping]]] = ..., original_topic: _Optional[str] = ..., original_kafka_partition: _Optional[int] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ...) -> None: ...

class PutDone(_message.Message):
    __slots__ = ("put_id",)
    PUT_ID_FIELD_NUMBER: _ClassVar[int]
    put_id: int
    def __init__(self, put_id: _Optional[int] = ...) -> None: ...

class TopicPartitionOffset(_message.Message):
    __slots__ = ("topic", "partition", "offset")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    topic: str
    partition: int
    offset: int
    def __init__(self, topic: _Optional[str] = ..., partition: _Optional[int] = ..., offset: _Optional[int] = ...) -> None: ...

class Flush(_message.Message):
    __slots__ = ("flush_id", "offsets", "trace")
    FLUSH_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    flush_id: int
    offsets: _containers.RepeatedCompositeFieldContainer[TopicPartitionOffset]
    trace: _data_pb2.TraceContext
    def __init__(self, flush_id: _Optional[int] = ..., offsets: _Optional[_Iterable[_Union[TopicPartitionOffset, _Mapping]]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ...) -> None: ...

class Flushed(_message.Message):
    __slots__ = ("flush_id", "offsets", "error")
    FLUSH_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    flush_id: int
    offsets: _containers.RepeatedCompositeFieldContainer[TopicPartitionOffset]
    error: Error
    def __init__(self, flush_id: _Optional[int] = ..., offsets: _Optional[_Iterable[_Union[TopicPartitionOffset, _Mapping]]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class SinkContext(_message.Message):
    __slots__ = ("offsets", "pause", "resume", "request_commit")
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    PAUSE_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_COMMIT_FIELD_NUMBER: _ClassVar[int]
    offsets: _containers.RepeatedCompositeFieldContainer[TopicPartitionOffset]
    pause: _containers.RepeatedCompositeFieldContainer[TopicPartition]
    resume: _containers.RepeatedCompositeFieldContainer[TopicPartition]
    request_commit: bool
    def __init__(self, offsets: _Optional[_Iterable[_Union[TopicPartitionOffset, _Mapping]]] = ..., pause: _Optional[_Iterable[_Union[TopicPartition, _Mapping]]] = ..., resume: _Optional[_Iterable[_Union[TopicPartition, _Mapping]]] = ..., request_commit: _Optional[bool] = ...) -> None: ...

class ErrantRecord(_message.Message):
    __slots__ = ("topic", "kafka_partition", "kafka_offset", "error")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    KAFKA_PARTITION_FIELD_NUMBER: _ClassVar[int]
    KAFKA_OFFSET_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    topic: str
    kafka_partition: int
    kafka_offset: int
    error: Error
    def __init__(self, topic: _Optional[str] = ..., kafka_partition: _Optional[int] = ..., kafka_offset: _Optional[int] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class SinkError(_message.Message):
    __slots__ = ("error", "put_id")
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PUT_ID_FIELD_NUMBER: _ClassVar[int]
    error: Error
    put_id: int
    def __init__(self, error: _Optional[_Union[Error, _Mapping]] = ..., put_id: _Optional[int] = ...) -> None: ...

class TransformRequest(_message.Message):
    __slots__ = ("start", "batch", "heartbeat", "stop")
    START_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    start: TransformStart
    batch: TransformBatch
    heartbeat: Heartbeat
    stop: Stop
    def __init__(self, start: _Optional[_Union[TransformStart, _Mapping]] = ..., batch: _Optional[_Union[TransformBatch, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., stop: _Optional[_Union[Stop, _Mapping]] = ...) -> None: ...

class TransformResponse(_message.Message):
    __slots__ = ("started", "result", "heartbeat", "error")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    started: TransformStarted
    result: TransformResult
    heartbeat: Heartbeat
    error: Error
    def __init__(self, started: _Optional[_Union[TransformStarted, _Mapping]] = ..., result: _Optional[_Union[TransformResult, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class TransformStart(_message.Message):
    __slots__ = ("protocol_version", "class_name", "config", "alias", "connector_name", "task_id", "heartbeat_interval_ms", "idle_timeout_ms", "pipeline")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CLASS_NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    class_name: str
    config: _containers.ScalarMap[str, str]
    alias: str
    connector_name: str
    task_id: int
    heartbeat_interval_ms: int
    idle_timeout_ms: int
    pipeline: PluginType
    def __init__(self, protocol_version: _Optional[int] = ..., class_name: _Optional[str] = ..., config: _Optional[_Mapping[str, str]] = ..., alias: _Optional[str] = ..., connector_name: _Optional[str] = ..., task_id: _Optional[int] = ..., heartbeat_interval_ms: _Optional[int] = ..., idle_timeout_ms: _Optional[int] = ..., pipeline: _Optional[_Union[PluginType, str]] = ...) -> None: ...

class TransformStarted(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: PluginType
    def __init__(self, type: _Optional[_Union[PluginType, str]] = ...) -> None: ...

class TransformBatch(_message.Message):
    __slots__ = ("batch_id", "records", "trace")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    batch_id: int
    records: _containers.RepeatedCompositeFieldContainer[TransformRecord]
    trace: _data_pb2.TraceContext
    def __init__(self, batch_id: _Optional[int] = ..., records: _Optional[_Iterable[_Union[TransformRecord, _Mapping]]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ...) -> None: ...

class TransformRecord(_message.Message):
    __slots__ = ("index", "topic", "kafka_partition", "key", "value", "timestamp", "headers", "kafka_offset", "timestamp_type", "trace")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    KAFKA_PARTITION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    KAFKA_OFFSET_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    index: int
    topic: str
    kafka_partition: int
    key: _data_pb2.RecordData
    value: _data_pb2.RecordData
    timestamp: int
    headers: _containers.RepeatedCompositeFieldContainer[_data_pb2.Header]
    kafka_offset: int
    timestamp_type: TimestampType
    trace: _data_pb2.TraceContext
    def __init__(self, index: _Optional[int] = ..., topic: _Optional[str] = ..., kafka_partition: _Optional[int] = ..., key: _Optional[_Union[_data_pb2.RecordData, _Mapping]] = ..., value: _Optional[_Union[_data_pb2.RecordData, _Mapping]] = ..., timestamp: _Optional[int] = ..., headers: _Optional[_Iterable[_Union[_data_pb2.Header, _Mapping]]] = ..., kafka_offset: _Optional[int] = ..., timestamp_type: _Optional[_Union[TimestampType, str]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ...) -> None: ...

class TransformResult(_message.Message):
    __slots__ = ("batch_id", "outcomes")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    batch_id: int
    outcomes: _containers.RepeatedCompositeFieldContainer[TransformOutcome]
    def __init__(self, batch_id: _Optional[int] = ..., outcomes: _Optional[_Iterable[_Union[TransformOutcome, _Mapping]]] = ...) -> None: ...

class TransformOutcome(_message.Message):
    __slots__ = ("index", "record", "dropped", "matches", "error")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    index: int
    record: TransformRecord
    dropped: bool
    matches: bool
    error: Error
    def __init__(self, index: _Optional[int] = ..., record: _Optional[_Union[TransformRecord, _Mapping]] = ..., dropped: _Optional[bool] = ..., matches: _Optional[bool] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class ConverterRequest(_message.Message):
    __slots__ = ("start", "batch", "heartbeat", "stop")
    START_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    start: ConverterStart
    batch: ConverterBatch
    heartbeat: Heartbeat
    stop: Stop
    def __init__(self, start: _Optional[_Union[ConverterStart, _Mapping]] = ..., batch: _Optional[_Union[ConverterBatch, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., stop: _Optional[_Union[Stop, _Mapping]] = ...) -> None: ...

class ConverterResponse(_message.Message):
    __slots__ = ("started", "result", "heartbeat", "error")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    started: ConverterStarted
    result: ConverterResult
    heartbeat: Heartbeat
    error: Error
    def __init__(self, started: _Optional[_Union[ConverterStarted, _Mapping]] = ..., result: _Optional[_Union[ConverterResult, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class ConverterStart(_message.Message):
    __slots__ = ("protocol_version", "class_name", "config", "is_key", "connector_name", "task_id", "heartbeat_interval_ms", "idle_timeout_ms", "header_converter")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CLASS_NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IS_KEY_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    HEADER_CONVERTER_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    class_name: str
    config: _containers.ScalarMap[str, str]
    is_key: bool
    connector_name: str
    task_id: int
    heartbeat_interval_ms: int
    idle_timeout_ms: int
    header_converter: bool
    def __init__(self, protocol_version: _Optional[int] = ..., class_name: _Optional[str] = ..., config: _Optional[_Mapping[str, str]] = ..., is_key: _Optional[bool] = ..., connector_name: _Optional[str] = ..., task_id: _Optional[int] = ..., heartbeat_interval_ms: _Optional[int] = ..., idle_timeout_ms: _Optional[int] = ..., header_converter: _Optional[bool] = ...) -> None: ...

class ConverterStarted(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ConverterBatch(_message.Message):
    __slots__ = ("batch_id", "direction", "records", "trace")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    batch_id: int
    direction: ConversionDirection
    records: _containers.RepeatedCompositeFieldContainer[ConverterRecord]
    trace: _data_pb2.TraceContext
    def __init__(self, batch_id: _Optional[int] = ..., direction: _Optional[_Union[ConversionDirection, str]] = ..., records: _Optional[_Iterable[_Union[ConverterRecord, _Mapping]]] = ..., trace: _Optional[_Union[_data_pb2.TraceContext, _Mapping]] = ...) -> None: ...

class KafkaHeader(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: bytes
    def __init__(self, key: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class ConverterRecord(_message.Message):
    __slots__ = ("index", "topic", "headers", "data", "serialized", "header_key")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    SERIALIZED_FIELD_NUMBER: _ClassVar[int]
    HEADER_KEY_FIELD_NUMBER: _ClassVar[int]
    index: int
    topic: str
    headers: _containers.RepeatedCompositeFieldContainer[KafkaHeader]
    data: _data_pb2.Structured
    serialized: bytes
    header_key: str
    def __init__(self, index: _Optional[int] = ..., topic: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[KafkaHeader, _Mapping]]] = ..., data: _Optional[_Union[_data_pb2.Structured, _Mapping]] = ..., serialized: _Optional[bytes] = ..., header_key: _Optional[str] = ...) -> None: ...

class ConverterResult(_message.Message):
    __slots__ = ("batch_id", "outcomes")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    batch_id: int
    outcomes: _containers.RepeatedCompositeFieldContainer[ConverterOutcome]
    def __init__(self, batch_id: _Optional[int] = ..., outcomes: _Optional[_Iterable[_Union[ConverterOutcome, _Mapping]]] = ...) -> None: ...

class ConverterOutcome(_message.Message):
    __slots__ = ("index", "serialized", "data", "error")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    SERIALIZED_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    index: int
    serialized: bytes
    data: _data_pb2.Structured
    error: Error
    def __init__(self, index: _Optional[int] = ..., serialized: _Optional[bytes] = ..., data: _Optional[_Union[_data_pb2.Structured, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...
