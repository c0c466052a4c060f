"""Connector configuration definitions, as Kafka's ``ConfigDef``.

A connector declares its keys once; the SDK serves them as the static spec (protocol rule
13), validates configurations with them, and parses them::

    config_def = (ConfigDef()
        .define("file", Type.STRING, default=None, importance=Importance.HIGH,
                doc="Source filename. If not specified, the standard input will be used")
        .define("topic", Type.STRING, validator=NonEmptyString(), importance=Importance.HIGH,
                doc="The topic to publish data to")
        .define("batch.size", Type.INT, default=2000, importance=Importance.LOW, doc="..."))

    values = config_def.parse(config)   # {"file": None, "topic": "t", "batch.size": 2000}

A key defined without ``default`` is required. Values are parsed like Kafka's
``ConfigDef.parseType``: strings are trimmed, BOOLEAN is true/false, LIST is
comma-separated.
"""

from __future__ import annotations

import enum
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import ConfigError

__all__ = [
    "ConfigDef",
    "ConfigKey",
    "Type",
    "Importance",
    "Width",
    "Validator",
    "Range",
    "ValidString",
    "NonEmptyString",
    "ValidList",
    "NO_DEFAULT",
]


class Type(enum.Enum):
    """Config value types (Kafka's ``ConfigDef.Type``); values are the protocol's numbers."""

    BOOLEAN = 1
    STRING = 2
    INT = 3
    SHORT = 4
    LONG = 5
    DOUBLE = 6
    LIST = 7
    CLASS = 8
    PASSWORD = 9


class Importance(enum.Enum):
    HIGH = 1
    MEDIUM = 2
    LOW = 3


class Width(enum.Enum):
    NONE = 1
    SHORT = 2
    MEDIUM = 3
    LONG = 4


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()
"""Marks a key without a default: the key is required."""

_COMMA = re.compile(r"\s*,\s*")
_INT_RANGES = {
    Type.INT: (-(1 << 31), (1 << 31) - 1),
    Type.SHORT: (-(1 << 15), (1 << 15) - 1),
    Type.LONG: (-(1 << 63), (1 << 63) - 1),
}


# ---------------------------------------------------------------------------------------
# Validators.
# ---------------------------------------------------------------------------------------

class Validator:
    """A check of a parsed value. ``ensure_valid`` raises :class:`ConfigError`.

    Plain functions ``f(name, value)`` that raise ConfigError (or return an error string)
    may be used as validators too; the core only learns about the built-in ones."""

    def ensure_valid(self, name: str, value: Any) -> None:
        raise NotImplementedError

    def to_proto(self, pb: Any) -> None:
        """Describes this validator in a ``Validator`` message."""

    def __str__(self) -> str:
        return ""


class Range(Validator):
    """A numeric range, inclusive (``Range.at_least(1)``, ``Range.between(1, 10)``)."""

    def __init__(self, min: float | None = None, max: float | None = None):
        self.min = min
        self.max = max

    @staticmethod
    def at_least(min: float) -> "Range":
        return Range(min=min)

    @staticmethod
    def at_most(max: float) -> "Range":
        return Range(max=max)

    @staticmethod
    def between(min: float, max: float) -> "Range":
        return Range(min, max)

    def ensure_valid(self, name: str, value: Any) -> None:
        if value is None:
            raise ConfigError("Value must be non-null")
        if self.min is not None and value < self.min:
            raise ConfigError(f"Value must be at least {self.min}")
        if self.max is not None and value > self.max:
            raise ConfigError(f"Value must be no more than {self.max}")

    def to_proto(self, pb: Any) -> None:
        r = pb.range
        r.SetInParent()
        if self.min is not None:
            r.min = float(self.min)
        if self.max is not None:
            r.max = float(self.max)

    def __str__(self) -> str:
        if self.min is None:
            return f"[...,{self.max}]"
        if self.max is None:
            return f"[{self.min},...]"
        return f"[{self.min},...,{self.max}]"


class ValidString(Validator):
    """One of the given strings (``ValidString.in_("a", "b")``)."""

    def __init__(self, allowed: Iterable[str], case_insensitive: bool = False):
        self.allowed = list(allowed)
        self.case_insensitive = case_insensitive

    @staticmethod
    def in_(*allowed: str) -> "ValidString":
        return ValidString(allowed)

    @staticmethod
    def in_ignore_case(*allowed: str) -> "ValidString":
        return ValidString(allowed, case_insensitive=True)

    def ensure_valid(self, name: str, value: Any) -> None:
        if self.case_insensitive:
            ok = value is not None and value.lower() in (a.lower() for a in self.allowed)
        else:
            ok = value in self.allowed
        if not ok:
            raise ConfigError(f"String must be one of{' (case insensitive)' if self.case_insensitive else ''}: "
                              + ", ".join(self.allowed))

    def to_proto(self, pb: Any) -> None:
        pb.valid_string.allowed.extend(self.allowed)
        pb.valid_string.case_insensitive = self.case_insensitive

    def __str__(self) -> str:
        return "[" + ", ".join(self.allowed) + "]"


class NonEmptyString(Validator):
    """A non-empty string."""

    def ensure_valid(self, name: str, value: Any) -> None:
        if value is not None and value == "":
            raise ConfigError("String must be non-empty")

    def to_proto(self, pb: Any) -> None:
        pb.non_empty_string.SetInParent()

    def __str__(self) -> str:
        return "non-empty string"


class ValidList(Validator):
    """A list whose items are all among the given strings."""

    def __init__(self, allowed: Iterable[str]):
        self.allowed = list(allowed)

    @staticmethod
    def in_(*allowed: str) -> "ValidList":
        return ValidList(allowed)

    def ensure_valid(self, name: str, value: Any) -> None:
        for item in value or ():
            if item not in self.allowed:
                raise ConfigError(f"Invalid value {item} for configuration {name}: "
                                  f"String must be one of: {', '.join(self.allowed)}")

    def to_proto(self, pb: Any) -> None:
        pb.valid_list.allowed.extend(self.allowed)

    def __str__(self) -> str:
        return "[" + ", ".join(self.allowed) + "]"


# ---------------------------------------------------------------------------------------
# Keys and definitions.
# ---------------------------------------------------------------------------------------

class ConfigKey:
    __slots__ = ("name", "type", "default", "validator", "importance", "documentation", "group",
                 "order_in_group", "width", "display_name", "dependents")

    def __init__(self, name: str, type: Type, default: Any, validator: Any, importance: Importance,
                 documentation: str, group: str | None, order_in_group: int, width: Width,
                 display_name: str | None, dependents: Sequence[str]):
        self.name = name
        self.type = type
        self.default = default
        self.validator = validator
        self.importance = importance
        self.documentation = documentation
        self.group = group
        self.order_in_group = order_in_group
        self.width = width
        self.display_name = display_name or name
        self.dependents = list(dependents)

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT


class ConfigDef:
    """The keys of a connector's configuration, in definition order."""

    def __init__(self) -> None:
        self.keys: dict[str, ConfigKey] = {}

    def define(
        self,
        name: str,
        type: Type,
        default: Any = NO_DEFAULT,
        validator: Validator | Callable[[str, Any], Any] | None = None,
        importance: Importance = Importance.MEDIUM,
        doc: str = "",
        group: str | None = None,
        order_in_group: int = -1,
        width: Width = Width.NONE,
        display_name: str | None = None,
        dependents: Sequence[str] = (),
    ) -> "ConfigDef":
        """Adds a key; returns self. Without ``default`` the key is required."""
        if name in self.keys:
            raise ConfigError(f"Configuration {name} is defined twice.")
        if not isinstance(type, Type):
            raise ConfigError(f"not a config type: {type!r}")
        if default is not NO_DEFAULT and default is not None:
            default = parse_value(name, type, default)
            if validator is not None:
                _run_validator(validator, name, default)
        self.keys[name] = ConfigKey(name, type, default, validator, importance, doc, group, order_in_group,
                                    width, display_name, dependents)
        return self

    def names(self) -> list[str]:
        return list(self.keys)

    def parse(self, props: Mapping[str, str]) -> dict[str, Any]:
        """Parses ``props`` into typed values with defaults applied (Kafka's
        ``AbstractConfig``). Raises :class:`ConfigError` on the first problem. Keys that are
        not defined are kept as they are."""
        out: dict[str, Any] = {k: v for k, v in props.items() if k not in self.keys}
        for key in self.keys.values():
            if key.name in props:
                value = parse_value(key.name, key.type, props[key.name])
            elif key.required:
                raise ConfigError(f'Missing required configuration "{key.name}" which has no default value.')
            else:
                value = key.default
            if key.validator is not None and (value is not None or key.name in props):
                try:
                    _run_validator(key.validator, key.name, value)
                except ConfigError as e:
                    raise ConfigError(_invalid(key.name, props.get(key.name, value), str(e))) from None
            out[key.name] = value
        return out

    def validate(self, props: Mapping[str, str]) -> dict[str, list[str]]:
        """Every defined key with its list of errors (empty when valid), in definition
        order (Kafka's ``ConfigDef.validateAll``)."""
        errors: dict[str, list[str]] = {}
        for key in self.keys.values():
            errs: list[str] = []
            if key.name in props:
                try:
                    value = parse_value(key.name, key.type, props[key.name])
                except ConfigError as e:
                    errs.append(str(e))
                    errors[key.name] = errs
                    continue
            elif key.required:
                errs.append(f'Missing required configuration "{key.name}" which has no default value.')
                errors[key.name] = errs
                continue
            else:
                value = key.default
            if key.validator is not None and (value is not None or key.name in props):
                try:
                    _run_validator(key.validator, key.name, value)
                except ConfigError as e:
                    errs.append(_invalid(key.name, props.get(key.name, value), str(e)))
            errors[key.name] = errs
        return errors


def _invalid(name: str, value: Any, message: str) -> str:
    if message.startswith("Invalid value "):
        return message
    shown = "[hidden]" if value is not None and _is_secret_value(value) else value
    return f"Invalid value {shown} for configuration {name}: {message}"


def _is_secret_value(value: Any) -> bool:
    return isinstance(value, Password)


def _run_validator(validator: Any, name: str, value: Any) -> None:
    if isinstance(validator, Validator):
        validator.ensure_valid(name, value)
        return
    result = validator(name, value)
    if isinstance(result, str) and result:
        raise ConfigError(result)


class Password(str):
    """A PASSWORD value: a str whose repr hides it."""

    def __repr__(self) -> str:
        return "[hidden]"


def parse_value(name: str, type: Type, value: Any) -> Any:
    """Parses a config value (a string from a config, or a Python default) into its type."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            trimmed = value.strip()
            if type is Type.BOOLEAN:
                if trimmed.lower() == "true":
                    return True
                if trimmed.lower() == "false":
                    return False
                raise ConfigError("Expected value to be either true or false")
            if type is Type.STRING or type is Type.CLASS:
                return trimmed
            if type is Type.PASSWORD:
                return Password(trimmed)
            if type in _INT_RANGES:
                try:
                    n = int(trimmed)
                except ValueError:
                    raise ConfigError(f"Not a number of type {type.name}") from None
                lo, hi = _INT_RANGES[type]
                if not lo <= n <= hi:
                    raise ConfigError(f"Not a number of type {type.name}")
                return n
            if type is Type.DOUBLE:
                try:
                    return float(trimmed)
                except ValueError:
                    raise ConfigError("Not a number of type DOUBLE") from None
            if type is Type.LIST:
                return [] if not trimmed else _COMMA.split(trimmed)
        # Python defaults.
        if type is Type.BOOLEAN and isinstance(value, bool):
            return value
        if type in _INT_RANGES and isinstance(value, int) and not isinstance(value, bool):
            return value
        if type is Type.DOUBLE and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if type is Type.LIST and isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        if type is Type.PASSWORD and isinstance(value, str):
            return Password(value)
        if type is Type.CLASS and hasattr(value, "__name__"):
            return value.__name__
        raise ConfigError(f"Expected value of type {type.name}, got {value.__class__.__name__}")
    except ConfigError as e:
        raise ConfigError(_invalid(name, value if type is not Type.PASSWORD else Password(""), str(e))) from None


def format_value(type: Type, value: Any) -> str:
    """A parsed value in its string form (as in a .properties file)."""
    if value is None:
        return ""
    if type is Type.BOOLEAN:
        return "true" if value else "false"
    if type is Type.LIST:
        return ",".join(str(v) for v in value)
    if type is Type.DOUBLE:
        return repr(float(value))
    return str(value)
