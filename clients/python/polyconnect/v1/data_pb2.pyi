from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SchemaType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCHEMA_TYPE_UNSPECIFIED: _ClassVar[SchemaType]
    INT8: _ClassVar[SchemaType]
    INT16: _ClassVar[SchemaType]
    INT32: _ClassVar[SchemaType]
    INT64: _ClassVar[SchemaType]
    FLOAT32: _ClassVar[SchemaType]
    FLOAT64: _ClassVar[SchemaType]
    BOOLEAN: _ClassVar[SchemaType]
    STRING: _ClassVar[SchemaType]
    BYTES: _ClassVar[SchemaType]
    ARRAY: _ClassVar[SchemaType]
    MAP: _ClassVar[SchemaType]
    STRUCT: _ClassVar[SchemaType]

class NullValue(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NULL_VALUE: _ClassVar[NullValue]
SCHEMA_TYPE_UNSPECIFIED: SchemaType
INT8: SchemaType
INT16: SchemaType
INT32: SchemaType
INT64: SchemaType
FLOAT32: SchemaType
FLOAT64: SchemaType
BOOLEAN: SchemaType
STRING: SchemaType
BYTES: SchemaType
ARRAY: SchemaType
MAP: SchemaType
STRUCT: SchemaType
NULL_VALUE: NullValue

class Schema(_message.Message):
    __slots__ = ("type", "optional", "default_value", "name", "version", "doc", "parameters", "key_schema", "value_schema", "fields", "id", "ref", "parameter_order")
    class ParametersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    KEY_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    VALUE_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_ORDER_FIELD_NUMBER: _ClassVar[int]
    type: SchemaType
    optional: bool
    default_value: Value
    name: str
    version: int
    doc: str
    parameters: _containers.ScalarMap[str, str]
    key_schema: Schema
    value_schema: Schema
    fields: _containers.RepeatedCompositeFieldContainer[Field]
    id: int
    ref: int
    parameter_order: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, type: _Optional[_Union[SchemaType, str]] = ..., optional: _Optional[bool] = ..., default_value: _Optional[_Union[Value, _Mapping]] = ..., name: _Optional[str] = ..., version: _Optional[int] = ..., doc: _Optional[str] = ..., parameters: _Optional[_Mapping[str, str]] = ..., key_schema: _Optional[_Union[Schema, _Mapping]] = ..., value_schema: _Optional[_Union[Schema, _Mapping]] = ..., fields: _Optional[_Iterable[_Union[Field, _Mapping]]] = ..., id: _Optional[int] = ..., ref: _Optional[int] = ..., parameter_order: _Optional[_Iterable[str]] = ...) -> None: ...

class Field(_message.Message):
    __slots__ = ("name", "schema")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    name: str
    schema: Schema
    def __init__(self, name: _Optional[str] = ..., schema: _Optional[_Union[Schema, _Mapping]] = ...) -> None: ...

class Value(_message.Message):
    __slots__ = ("null", "boolean", "int8", "int16", "int32", "int64", "float32", "float64", "string", "bytes", "array", "map", "struct", "decimal")
    NULL_FIELD_NUMBER: _ClassVar[int]
    BOOLEAN_FIELD_NUMBER: _ClassVar[int]
    INT8_FIELD_NUMBER: _ClassVar[int]
    INT16_FIELD_NUMBER: _ClassVar[int]
    INT32_FIELD_NUMBER: _ClassVar[int]
    INT64_FIELD_NUMBER: _ClassVar[int]
    FLOAT32_FIELD_NUMBER: _ClassVar[int]
    FLOAT64_FIELD_NUMBER: _ClassVar[int]
    STRING_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    ARRAY_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    STRUCT_FIELD_NUMBER: _ClassVar[int]
    DECIMAL_FIELD_NUMBER: _ClassVar[int]
    null: NullValue
    boolean: bool
    int8: int
    int16: int
    int32: int
    int64: int
    float32: float
    float64: float
    string: str
    bytes: bytes
    array: Array
    map: Map
    struct: Struct
    decimal: Decimal
    def __init__(self, null: _Optional[_Union[NullValue, str]] = ..., boolean: _Optional[bool] = ..., int8: _Optional[int] = ..., int16: _Optional[int] = ..., int32: _Optional[int] = ..., int64: _Optional[int] = ..., float32: _Optional[float] = ..., float64: _Optional[float] = ..., string: _Optional[str] = ..., bytes: _Optional[bytes] = ..., array: _Optional[_Union[Array, _Mapping]] = ..., map: _Optional[_Union[Map, _Mapping]] = ..., struct: _Optional[_Union[Struct, _Mapping]] = ..., decimal: _Optional[_Union[Decimal, _Mapping]] = ...) -> None: ...

class Array(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Value]
    def __init__(self, items: _Optional[_Iterable[_Union[Value, _Mapping]]] = ...) -> None: ...

class Map(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[MapEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[MapEntry, _Mapping]]] = ...) -> None: ...

class MapEntry(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: Value
    value: Value
    def __init__(self, key: _Optional[_Union[Value, _Mapping]] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class Struct(_message.Message):
    __slots__ = ("fields",)
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[Value]
    def __init__(self, fields: _Optional[_Iterable[_Union[Value, _Mapping]]] = ...) -> None: ...

class Decimal(_message.Message):
    __slots__ = ("unscaled", "scale")
    UNSCALED_FIELD_NUMBER: _ClassVar[int]
    SCALE_FIELD_NUMBER: _ClassVar[int]
    unscaled: bytes
    scale: int
    def __init__(self, unscaled: _Optional[bytes] = ..., scale: _Optional[int] = ...) -> None: ...

class RecordData(_message.Message):
    __slots__ = ("structured", "raw")
    STRUCTURED_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    structured: Structured
    raw: bytes
    def __init__(self, structured: _Optional[_Union[Structured, _Mapping]] = ..., raw: _Optional[bytes] = ...) -> None: ...

class Structured(_message.Message):
    __slots__ = ("schema", "value")
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    schema: Schema
    value: Value
    def __init__(self, schema: _Optional[_Union[Schema, _Mapping]] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class Header(_message.Message):
    __slots__ = ("key", "schema", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    schema: Schema
    value: Value
    def __init__(self, key: _Optional[str] = ..., schema: _Optional[_Union[Schema, _Mapping]] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class TraceContext(_message.Message):
    __slots__ = ("traceparent", "tracestate")
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    TRACESTATE_FIELD_NUMBER: _ClassVar[int]
    traceparent: str
    tracestate: str
    def __init__(self, traceparent: _Optional[str] = ..., tracestate: _Optional[str] = ...) -> None: ...
