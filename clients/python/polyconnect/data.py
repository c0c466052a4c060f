"""Kafka Connect's data model: schemas, structs and the logical types.

Mirrors ``org.apache.kafka.connect.data``: a :class:`Schema` has a type (INT8 ... STRUCT),
may be optional, carry a default, a name, a version, a doc string and parameters. Logical
types are named schemas over a physical type (:class:`Decimal`, :class:`Date`,
:class:`Time`, :class:`Timestamp`).

Python values for each type:

========== ==============================================================
INT8..64   ``int`` (Date: ``datetime.date``, Time: ``datetime.time``,
           Timestamp: ``datetime.datetime``; the raw ``int`` is accepted too)
FLOAT32/64 ``float`` (``int`` accepted)
BOOLEAN    ``bool``
STRING     ``str``
BYTES      ``bytes`` (Decimal: ``decimal.Decimal``)
ARRAY      ``list`` (``tuple`` accepted)
MAP        ``dict`` (insertion order is kept on the wire)
STRUCT     :class:`Struct`
========== ==============================================================

Schemas are immutable once built; build them once and reuse them (the SDK caches their
wire form per schema).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import enum
from typing import Any, Iterable, Mapping

from .errors import DataError

__all__ = [
    "SchemaType",
    "Schema",
    "Field",
    "SchemaBuilder",
    "Struct",
    "Decimal",
    "Date",
    "Time",
    "Timestamp",
]


class SchemaType(enum.Enum):
    """Schema types; the values are the protocol's ``SchemaType`` numbers."""

    INT8 = 1
    INT16 = 2
    INT32 = 3
    INT64 = 4
    FLOAT32 = 5
    FLOAT64 = 6
    BOOLEAN = 7
    STRING = 8
    BYTES = 9
    ARRAY = 10
    MAP = 11
    STRUCT = 12

    @property
    def is_primitive(self) -> bool:
        return self.value < SchemaType.ARRAY.value


_INT_RANGES = {
    SchemaType.INT8: (-(1 << 7), (1 << 7) - 1),
    SchemaType.INT16: (-(1 << 15), (1 << 15) - 1),
    SchemaType.INT32: (-(1 << 31), (1 << 31) - 1),
    SchemaType.INT64: (-(1 << 63), (1 << 63) - 1),
}

DECIMAL_NAME = "org.apache.kafka.connect.data.Decimal"
DATE_NAME = "org.apache.kafka.connect.data.Date"
TIME_NAME = "org.apache.kafka.connect.data.Time"
TIMESTAMP_NAME = "org.apache.kafka.connect.data.Timestamp"

EPOCH_DATE = _dt.date(1970, 1, 1)
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MS_PER_DAY = 86_400_000


class Field:
    """A struct field: its name, position and schema."""

    __slots__ = ("name", "index", "schema")

    def __init__(self, name: str, index: int, schema: "Schema"):
        self.name = name
        self.index = index
        self.schema = schema

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Field)
            and self.name == other.name
            and self.index == other.index
            and self.schema == other.schema
        )

    def __hash__(self) -> int:
        return hash((self.name, self.index, self.schema))

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, index={self.index}, schema={self.schema!r})"


class Schema:
    """An immutable Kafka Connect schema. Use :class:`SchemaBuilder` or the constants
    (``Schema.STRING_SCHEMA``, ``Schema.OPTIONAL_INT64_SCHEMA``, ...)."""

    __slots__ = (
        "type",
        "optional",
        "default_value",
        "name",
        "version",
        "doc",
        "parameters",
        "key_schema",
        "value_schema",
        "fields",
        "_field_map",
        "_hash",
        "_encoder",
        "_decoder",
        "_wire",
    )

    # Constants, assigned below the class.
    INT8_SCHEMA: "Schema"
    INT16_SCHEMA: "Schema"
    INT32_SCHEMA: "Schema"
    INT64_SCHEMA: "Schema"
    FLOAT32_SCHEMA: "Schema"
    FLOAT64_SCHEMA: "Schema"
    BOOLEAN_SCHEMA: "Schema"
    STRING_SCHEMA: "Schema"
    BYTES_SCHEMA: "Schema"
    OPTIONAL_INT8_SCHEMA: "Schema"
    OPTIONAL_INT16_SCHEMA: "Schema"
    OPTIONAL_INT32_SCHEMA: "Schema"
    OPTIONAL_INT64_SCHEMA: "Schema"
    OPTIONAL_FLOAT32_SCHEMA: "Schema"
    OPTIONAL_FLOAT64_SCHEMA: "Schema"
    OPTIONAL_BOOLEAN_SCHEMA: "Schema"
    OPTIONAL_STRING_SCHEMA: "Schema"
    OPTIONAL_BYTES_SCHEMA: "Schema"

    def __init__(
        self,
        type: SchemaType,
        optional: bool = False,
        default_value: Any = None,
        name: str | None = None,
        version: int | None = None,
        doc: str | None = None,
        parameters: Mapping[str, str] | None = None,
        key_schema: "Schema | None" = None,
        value_schema: "Schema | None" = None,
        fields: Iterable["Field | tuple[str, Schema]"] | None = None,
    ):
        if not isinstance(type, SchemaType):
            raise DataError(f"not a schema type: {type!r}")
        self.type = type
        self.optional = bool(optional)
        self.name = name or None
        self.version = version
        self.doc = doc or None
        self.parameters = dict(parameters) if parameters else None
        self.key_schema = _as_schema(key_schema) if key_schema is not None else None
        self.value_schema = _as_schema(value_schema) if value_schema is not None else None
        field_list: list[Field] = []
        if fields:
            if type is not SchemaType.STRUCT:
                raise DataError(f"fields given for a {type.name} schema")
            for f in fields:
                if isinstance(f, Field):
                    fname, fschema = f.name, f.schema
                else:
                    fname, fschema = f
                field_list.append(Field(fname, len(field_list), _as_schema(fschema)))
        self.fields = tuple(field_list)
        self._field_map = {f.name: f for f in field_list}
        if len(self._field_map) != len(field_list):
            raise DataError("duplicate field names in struct schema")
        if type is SchemaType.ARRAY and self.value_schema is None:
            raise DataError("an ARRAY schema needs a value (element) schema")
        if type is SchemaType.MAP and (self.key_schema is None or self.value_schema is None):
            raise DataError("a MAP schema needs a key schema and a value schema")
        self._hash = None
        self._encoder = None
        self._decoder = None
        self._wire = None
        self.default_value = None
        if default_value is not None:
            validate_value(self, default_value, "default value")
            self.default_value = default_value

    def field(self, name: str) -> Field | None:
        """The field named ``name`` of a STRUCT schema, or None."""
        return self._field_map.get(name)

    @property
    def is_logical(self) -> bool:
        return self.name in _LOGICAL_TYPES.get(self.type, ())

    def _key(self):
        params = tuple(self.parameters.items()) if self.parameters else ()
        return (
            self.type,
            self.optional,
            _hashable(self.default_value),
            self.name,
            self.version,
            self.doc,
            params,
            self.key_schema,
            self.value_schema,
            tuple((f.name, f.schema) for f in self.fields),
        )

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Schema):
            return NotImplemented
        if hash(self) != hash(other):
            return False
        return (
            self.type is other.type
            and self.optional == other.optional
            and self.name == other.name
            and self.version == other.version
            and self.doc == other.doc
            and (self.parameters or None) == (other.parameters or None)
            and self.key_schema == other.key_schema
            and self.value_schema == other.value_schema
            and self.fields == other.fields
            and _values_equal(self.default_value, other.default_value)
        )

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = self._hash = hash(self._key())
        return h

    def __repr__(self) -> str:
        parts = [self.type.name]
        if self.name:
            parts.append(f"name={self.name!r}")
        if self.optional:
            parts.append("optional")
        if self.fields:
            parts.append("fields=[" + ", ".join(f"{f.name}: {f.schema!r}" for f in self.fields) + "]")
        if self.key_schema is not None:
            parts.append(f"key={self.key_schema!r}")
        if self.value_schema is not None:
            parts.append(f"value={self.value_schema!r}")
        return "Schema(" + ", ".join(parts) + ")"


def _hashable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple((_hashable(k), _hashable(x)) for k, x in v.items())
    if isinstance(v, (bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, Struct):
        return (v.schema, tuple(_hashable(x) for x in v._values))
    return v


def _values_equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if type(a) is not type(b) and not (isinstance(a, (bytes, bytearray)) and isinstance(b, (bytes, bytearray))):
        return False
    return a == b


_LOGICAL_TYPES = {
    SchemaType.BYTES: (DECIMAL_NAME,),
    SchemaType.INT32: (DATE_NAME, TIME_NAME),
    SchemaType.INT64: (TIMESTAMP_NAME,),
}


def _as_schema(s: Any) -> Schema:
    if isinstance(s, Schema):
        return s
    if isinstance(s, SchemaBuilder):
        return s.build()
    raise DataError(f"not a schema: {s!r}")


class SchemaBuilder:
    """Builds a :class:`Schema`, like Kafka Connect's SchemaBuilder::

        schema = (SchemaBuilder.struct().name("com.example.User")
                  .field("id", Schema.INT64_SCHEMA)
                  .field("email", Schema.OPTIONAL_STRING_SCHEMA)
                  .build())
    """

    __slots__ = ("_type", "_optional", "_default", "_name", "_version", "_doc", "_params",
                 "_key", "_value", "_fields")

    def __init__(self, schema_type: SchemaType):
        self._type = schema_type
        self._optional = False
        self._default: Any = None
        self._name: str | None = None
        self._version: int | None = None
        self._doc: str | None = None
        self._params: dict[str, str] | None = None
        self._key: Schema | None = None
        self._value: Schema | None = None
        self._fields: list[tuple[str, Schema]] = []

    # Constructors, one per type.
    @staticmethod
    def int8() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.INT8)

    @staticmethod
    def int16() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.INT16)

    @staticmethod
    def int32() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.INT32)

    @staticmethod
    def int64() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.INT64)

    @staticmethod
    def float32() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.FLOAT32)

    @staticmethod
    def float64() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.FLOAT64)

    @staticmethod
    def boolean() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.BOOLEAN)

    @staticmethod
    def string() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.STRING)

    @staticmethod
    def bytes() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.BYTES)

    @staticmethod
    def struct() -> "SchemaBuilder":
        return SchemaBuilder(SchemaType.STRUCT)

    @staticmethod
    def array(value_schema: "Schema | SchemaBuilder") -> "SchemaBuilder":
        b = SchemaBuilder(SchemaType.ARRAY)
        b._value = _as_schema(value_schema)
        return b

    @staticmethod
    def map(key_schema: "Schema | SchemaBuilder", value_schema: "Schema | SchemaBuilder") -> "SchemaBuilder":
        b = SchemaBuilder(SchemaType.MAP)
        b._key = _as_schema(key_schema)
        b._value = _as_schema(value_schema)
        return b

    # Properties.
    def optional(self) -> "SchemaBuilder":
        self._optional = True
        return self

    def required(self) -> "SchemaBuilder":
        self._optional = False
        return self

    def default_value(self, value: Any) -> "SchemaBuilder":
        self._default = value
        return self

    def name(self, name: str) -> "SchemaBuilder":
        self._name = name
        return self

    def version(self, version: int) -> "SchemaBuilder":
        self._version = version
        return self

    def doc(self, doc: str) -> "SchemaBuilder":
        self._doc = doc
        return self

    def parameter(self, key: str, value: str) -> "SchemaBuilder":
        if self._params is None:
            self._params = {}
        self._params[key] = value
        return self

    def parameters(self, params: Mapping[str, str]) -> "SchemaBuilder":
        for k, v in params.items():
            self.parameter(k, v)
        return self

    def field(self, name: str, schema: "Schema | SchemaBuilder") -> "SchemaBuilder":
        if self._type is not SchemaType.STRUCT:
            raise DataError(f"cannot add a field to a {self._type.name} schema")
        if any(n == name for n, _ in self._fields):
            raise DataError(f"cannot create field because of field name duplication {name}")
        self._fields.append((name, _as_schema(schema)))
        return self

    def build(self) -> Schema:
        return Schema(
            self._type,
            optional=self._optional,
            default_value=self._default,
            name=self._name,
            version=self._version,
            doc=self._doc,
            parameters=self._params,
            key_schema=self._key,
            value_schema=self._value,
            fields=self._fields,
        )

    schema = build  # Kafka Connect's name for it


for _t in (SchemaType.INT8, SchemaType.INT16, SchemaType.INT32, SchemaType.INT64, SchemaType.FLOAT32,
           SchemaType.FLOAT64, SchemaType.BOOLEAN, SchemaType.STRING, SchemaType.BYTES):
    setattr(Schema, f"{_t.name}_SCHEMA", Schema(_t))
    setattr(Schema, f"OPTIONAL_{_t.name}_SCHEMA", Schema(_t, optional=True))
del _t


class Struct:
    """A STRUCT value: one value per field of its schema.

    ``Struct(schema, {"id": 1})``, ``Struct(schema).put("id", 1)``, ``s["id"]``,
    ``s.get("id")`` (returns the field's default when unset)."""

    __slots__ = ("schema", "_values")

    def __init__(self, schema: Schema, values: Mapping[str, Any] | None = None, **kwargs: Any):
        schema = _as_schema(schema)
        if schema.type is not SchemaType.STRUCT:
            raise DataError(f"a Struct needs a STRUCT schema, not {schema.type.name}")
        self.schema = schema
        self._values: list[Any] = [None] * len(schema.fields)
        if values:
            for k, v in values.items():
                self.put(k, v)
        for k, v in kwargs.items():
            self.put(k, v)

    def _lookup(self, name: str) -> Field:
        f = self.schema._field_map.get(name)
        if f is None:
            raise DataError(f"{name} is not a valid field name")
        return f

    def put(self, name: str, value: Any) -> "Struct":
        f = self._lookup(name)
        validate_value(f.schema, value, f'field: "{name}"')
        self._values[f.index] = value
        return self

    def get(self, name: str) -> Any:
        f = self._lookup(name)
        v = self._values[f.index]
        return f.schema.default_value if v is None else v

    def get_without_default(self, name: str) -> Any:
        return self._values[self._lookup(name).index]

    __getitem__ = get

    def __setitem__(self, name: str, value: Any) -> None:
        self.put(name, value)

    def validate(self) -> None:
        for f in self.schema.fields:
            v = self._values[f.index]
            if v is None and (f.schema.optional or f.schema.default_value is not None):
                continue
            validate_value(f.schema, v, f'field: "{f.name}"')

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Struct):
            return NotImplemented
        return self.schema == other.schema and all(
            _values_equal(a, b) for a, b in zip(self._values, other._values)
        )

    def __hash__(self) -> int:
        return hash(_hashable(self))

    def __repr__(self) -> str:
        return "Struct{" + ",".join(
            f"{f.name}={v}" for f, v in zip(self.schema.fields, self._values) if v is not None
        ) + "}"


def validate_value(schema: Schema, value: Any, where: str = "value") -> None:
    """Checks that ``value`` matches ``schema`` (Kafka Connect's
    ``ConnectSchema.validateValue``); raises :class:`DataError` otherwise."""
    if value is None:
        if schema.optional or schema.default_value is not None:
            return
        raise DataError(f"Invalid value: null used for required {where}, schema type: {schema.type.name}")
    t = schema.type
    name = schema.name
    if name is not None and name in _LOGICAL_TYPES.get(t, ()):
        _validate_logical(schema, value, where)
        return
    cls = value.__class__
    if t in _INT_RANGES:
        if not isinstance(value, int) or cls is bool:
            _mismatch(schema, value, where)
        lo, hi = _INT_RANGES[t]
        if not lo <= value <= hi:
            raise DataError(f"Invalid value {value} for {where}: out of range for {t.name}")
    elif t is SchemaType.FLOAT32 or t is SchemaType.FLOAT64:
        if not isinstance(value, (float, int)) or cls is bool:
            _mismatch(schema, value, where)
    elif t is SchemaType.BOOLEAN:
        if cls is not bool:
            _mismatch(schema, value, where)
    elif t is SchemaType.STRING:
        if not isinstance(value, str):
            _mismatch(schema, value, where)
    elif t is SchemaType.BYTES:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            _mismatch(schema, value, where)
    elif t is SchemaType.ARRAY:
        if not isinstance(value, (list, tuple)):
            _mismatch(schema, value, where)
        for item in value:
            validate_value(schema.value_schema, item, f"element of {where}")
    elif t is SchemaType.MAP:
        if not isinstance(value, Mapping):
            _mismatch(schema, value, where)
        for k, v in value.items():
            validate_value(schema.key_schema, k, f"key of {where}")
            validate_value(schema.value_schema, v, f"value of {where}")
    elif t is SchemaType.STRUCT:
        if not isinstance(value, Struct):
            _mismatch(schema, value, where)
        if value.schema is not schema and value.schema != schema:
            raise DataError(f"Struct schemas do not match for {where}")
        value.validate()


def _validate_logical(schema: Schema, value: Any, where: str) -> None:
    name = schema.name
    cls = value.__class__
    if name == DECIMAL_NAME:
        if not isinstance(value, _decimal.Decimal):
            _mismatch(schema, value, where)
        if not value.is_finite():
            raise DataError(f"Invalid value {value} for {where}: a Decimal must be finite")
    elif name == DATE_NAME:
        if not (isinstance(value, _dt.date) or (isinstance(value, int) and cls is not bool)):
            _mismatch(schema, value, where)
    elif name == TIME_NAME:
        if not (isinstance(value, _dt.time) or (isinstance(value, int) and cls is not bool)):
            _mismatch(schema, value, where)
    elif name == TIMESTAMP_NAME:
        if not (isinstance(value, _dt.datetime) or (isinstance(value, int) and cls is not bool)):
            _mismatch(schema, value, where)


def _mismatch(schema: Schema, value: Any, where: str) -> None:
    label = schema.name or schema.type.name
    raise DataError(
        f"Invalid Python type {type(value).__name__} for {where}: expected a value for schema type {label}"
    )


# ---------------------------------------------------------------------------------------
# Logical types.
# ---------------------------------------------------------------------------------------


class Decimal:
    """``org.apache.kafka.connect.data.Decimal``: a ``decimal.Decimal`` of a fixed scale,
    carried as BYTES (the unscaled two's-complement big-endian integer)."""

    LOGICAL_NAME = DECIMAL_NAME
    SCALE_FIELD = "scale"

    def __init__(self) -> None:  # pragma: no cover - a namespace, not instantiated
        raise TypeError("use Decimal.schema(scale) or Decimal.builder(scale)")

    @staticmethod
    def builder(scale: int) -> SchemaBuilder:
        return SchemaBuilder.bytes().name(DECIMAL_NAME).parameter("scale", str(int(scale))).version(1)

    @staticmethod
    def schema(scale: int) -> Schema:
        return Decimal.builder(scale).build()

    @staticmethod
    def from_logical(schema: Schema, value: _decimal.Decimal) -> bytes:
        return decimal_to_unscaled(value, schema_scale(schema))

    @staticmethod
    def to_logical(schema: Schema, value: bytes) -> _decimal.Decimal:
        return unscaled_to_decimal(value, schema_scale(schema))


class Date:
    """``org.apache.kafka.connect.data.Date``: a ``datetime.date``, carried as INT32 days
    since the epoch."""

    LOGICAL_NAME = DATE_NAME
    SCHEMA: Schema

    def __init__(self) -> None:  # pragma: no cover
        raise TypeError("use Date.SCHEMA or Date.builder()")

    @staticmethod
    def builder() -> SchemaBuilder:
        return SchemaBuilder.int32().name(DATE_NAME).version(1)

    @staticmethod
    def from_logical(schema: Schema, value: Any) -> int:
        return date_to_days(value)

    @staticmethod
    def to_logical(schema: Schema, value: int) -> _dt.date:
        return days_to_date(value)


class Time:
    """``org.apache.kafka.connect.data.Time``: a ``datetime.time``, carried as INT32
    milliseconds since midnight."""

    LOGICAL_NAME = TIME_NAME
    SCHEMA: Schema

    def __init__(self) -> None:  # pragma: no cover
        raise TypeError("use Time.SCHEMA or Time.builder()")

    @staticmethod
    def builder() -> SchemaBuilder:
        return SchemaBuilder.int32().name(TIME_NAME).version(1)

    @staticmethod
    def from_logical(schema: Schema, value: Any) -> int:
        return time_to_millis(value)

    @staticmethod
    def to_logical(schema: Schema, value: int) -> _dt.time:
        return millis_to_time(value)


class Timestamp:
    """``org.apache.kafka.connect.data.Timestamp``: a ``datetime.datetime``, carried as
    INT64 milliseconds since the epoch. Naive datetimes are taken as UTC; decoded
    timestamps are timezone-aware (UTC)."""

    LOGICAL_NAME = TIMESTAMP_NAME
    SCHEMA: Schema

    def __init__(self) -> None:  # pragma: no cover
        raise TypeError("use Timestamp.SCHEMA or Timestamp.builder()")

    @staticmethod
    def builder() -> SchemaBuilder:
        return SchemaBuilder.int64().name(TIMESTAMP_NAME).version(1)

    @staticmethod
    def from_logical(schema: Schema, value: Any) -> int:
        return datetime_to_millis(value)

    @staticmethod
    def to_logical(schema: Schema, value: int) -> _dt.datetime:
        return millis_to_datetime(value)


Date.SCHEMA = Date.builder().build()
Time.SCHEMA = Time.builder().build()
Timestamp.SCHEMA = Timestamp.builder().build()


def schema_scale(schema: Schema) -> int:
    try:
        return int((schema.parameters or {})["scale"])
    except (KeyError, ValueError):
        raise DataError("Invalid Decimal schema: scale parameter not found or not an integer") from None


def decimal_to_unscaled(value: _decimal.Decimal, scale: int) -> bytes:
    """The unscaled value of ``value`` at ``scale``, two's-complement big-endian (Java's
    ``BigInteger.toByteArray``). Raises when ``value`` has more fraction digits than
    ``scale`` allows."""
    n = unscaled_int(value, scale)
    return int_to_twos(n)


def unscaled_int(value: _decimal.Decimal, scale: int) -> int:
    if not isinstance(value, _decimal.Decimal):
        raise DataError(f"expected a decimal.Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise DataError(f"a Decimal must be finite, got {value}")
    sign, digits, exp = value.as_tuple()
    n = 0
    for d in digits:
        n = n * 10 + d
    shift = exp + scale
    if shift >= 0:
        n *= 10**shift
    else:
        q, r = divmod(n, 10 ** (-shift))
        if r:
            raise DataError(f"BigDecimal has mismatching scale value for given Decimal schema: {value} at scale {scale}")
        n = q
    return -n if sign else n


def int_to_twos(n: int) -> bytes:
    length = ((n if n >= 0 else ~n).bit_length() + 8) // 8
    return n.to_bytes(length, "big", signed=True)


def unscaled_to_decimal(data: bytes, scale: int) -> _decimal.Decimal:
    n = int.from_bytes(data, "big", signed=True) if data else 0
    return _decimal.Decimal((1 if n < 0 else 0, tuple(int(c) for c in str(abs(n))), -scale))


def decimal_parts(value: _decimal.Decimal) -> tuple[bytes, int]:
    """A schemaless decimal as (unscaled bytes, scale)."""
    if not value.is_finite():
        raise DataError(f"a Decimal must be finite, got {value}")
    sign, digits, exp = value.as_tuple()
    n = 0
    for d in digits:
        n = n * 10 + d
    return int_to_twos(-n if sign else n), -exp


def date_to_days(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, _dt.datetime):
        if value.time() != _dt.time(0):
            raise DataError("Kafka Connect Date type should not have any time fields set to non-zero values.")
        value = value.date()
    if not isinstance(value, _dt.date):
        raise DataError(f"expected a datetime.date for a Date, got {type(value).__name__}")
    return (value - EPOCH_DATE).days


def days_to_date(days: int) -> _dt.date:
    try:
        return EPOCH_DATE + _dt.timedelta(days=days)
    except OverflowError:
        raise DataError(f"Date out of Python's range: {days} days since the epoch") from None


def time_to_millis(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        ms = value
    elif isinstance(value, _dt.time):
        ms = ((value.hour * 60 + value.minute) * 60 + value.second) * 1000 + value.microsecond // 1000
    else:
        raise DataError(f"expected a datetime.time for a Time, got {type(value).__name__}")
    if not 0 <= ms < _MS_PER_DAY:
        raise DataError("Kafka Connect Time type should not have any date fields set to non-zero values.")
    return ms


def millis_to_time(ms: int) -> _dt.time:
    if not 0 <= ms < _MS_PER_DAY:
        raise DataError(f"Time out of range: {ms} ms since midnight")
    s, milli = divmod(ms, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return _dt.time(h, m, s, milli * 1000)


def datetime_to_millis(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, _dt.datetime):
        raise DataError(f"expected a datetime.datetime for a Timestamp, got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    d = value - EPOCH
    return (d.days * 86_400 + d.seconds) * 1000 + d.microseconds // 1000


def millis_to_datetime(ms: int) -> _dt.datetime:
    try:
        return EPOCH + _dt.timedelta(milliseconds=ms)
    except OverflowError:
        raise DataError(f"Timestamp out of Python's range: {ms} ms since the epoch") from None
