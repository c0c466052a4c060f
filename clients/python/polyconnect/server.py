"""The connector process: a gRPC server for the core (the client).

``serve(MySource, MySink)`` is the one call a connector's ``main`` makes. It reads its
settings from the environment the core sets for launched plugins:

- ``POLYCONNECT_LISTEN``: ``unix:/path/to.sock`` or ``host:port`` (else ``--listen``,
  else ``0.0.0.0:$POLYCONNECT_PORT``, else ``0.0.0.0:50051``);
- ``POLYCONNECT_TOKEN``: every call must carry ``authorization: Bearer <token>``;
- ``POLYCONNECT_PARENT_PID``: exit when that process dies;
- ``POLYCONNECT_MAX_MESSAGE_BYTES``: our message size limit (default 64 MiB);
- ``POLYCONNECT_LOG_LEVEL``: DEBUG, INFO (default), WARNING, ...
- ``POLYCONNECT_GC_THRESHOLD``: the cyclic garbage collector's thresholds
  (``gc.set_threshold``), default ``50000,20,20``; ``700,10,10`` is Python's own;
- ``POLYCONNECT_TLS_CERT``, ``POLYCONNECT_TLS_KEY``: PEM files (the certificate chain, the
  private key): serve TLS on a TCP address;
- ``POLYCONNECT_TLS_CLIENT_CA``: a PEM file of CA certificates: require a client
  certificate signed by one of them (mutual TLS).
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import logging
import os
import signal
import sys
from typing import Any, Iterable, Sequence

import grpc

from . import __version__, tracing
from .config import NO_DEFAULT, Validator, format_value
from .connector import (
    ConnectorTransactionBoundaries,
    ExactlyOnceSupport,
    SinkConnector,
    SinkTask,
    SourceConnector,
    SourceTask,
    _Connector,
)
from . import wire
from .logs import setup_logging
from .records import TopicPartition
from .streams import base
from .streams.base import error_for
from .streams.connector import ConnectorSession
from .streams.sink import SinkSession
from .streams.source import SourceSession
from .transform import Predicate, Transformation, TransformSession
from .v1 import connector_pb2 as cpb

__all__ = ["serve", "Plugins", "ConnectorServer", "start_server", "tls_credentials", "TlsConfigError"]

log = logging.getLogger("polyconnect")

DEFAULT_LISTEN_PORT = 50051


def class_matches(known: str, asked: str) -> bool:
    """Kafka Connect's alias rules: the full class name, the simple name, or the simple
    name without a ``Connector`` suffix."""
    if known == asked:
        return True

    def simple(s: str) -> str:
        return s.rsplit(".", 1)[-1]

    def strip(s: str) -> str:
        return s[: -len("Connector")] if s.endswith("Connector") else s

    k, a = simple(known), simple(asked)
    return k == a or strip(k) == strip(a)


class Plugins:
    """The connector classes one process serves."""

    def __init__(self, classes: Iterable[type]):
        self.classes: list[type[_Connector]] = []
        for cls in classes:
            if isinstance(cls, type) and issubclass(cls, (Transformation, Predicate)):
                self.classes.append(cls)
                continue
            if not isinstance(cls, type) or not issubclass(cls, (SourceConnector, SinkConnector)):
                raise TypeError(f"{cls!r} is not a SourceConnector, SinkConnector, Transformation or Predicate subclass")
            task = getattr(cls, "task_class", None)
            want = SourceTask if issubclass(cls, SourceConnector) else SinkTask
            if not isinstance(task, type) or not issubclass(task, want):
                raise TypeError(f"{cls.__name__}.task_class must be a {want.__name__} subclass")
            self.classes.append(cls)
        if not self.classes:
            raise TypeError("serve() needs at least one connector, transformation or predicate class")

    def find(self, name: str, kind: type | None = None) -> type[_Connector] | None:
        for cls in self.classes:
            if kind is not None and not issubclass(cls, kind):
                continue
            if any(class_matches(n, name) for n in (cls.plugin_name(), *cls.aliases)):
                return cls
        return None

    @staticmethod
    def info(cls: type[_Connector]) -> cpb.PluginInfo:
        return cpb.PluginInfo(
            class_name=cls.plugin_name(),
            aliases=list(cls.aliases),
            type=(cpb.SOURCE if issubclass(cls, SourceConnector) else cpb.SINK
                  if issubclass(cls, SinkConnector) else cpb.TRANSFORMATION
                  if issubclass(cls, Transformation) else cpb.PREDICATE),
            version=str(cls.version),
        )


def config_keys(cls: type[_Connector]) -> list[cpb.ConfigKey]:
    """A connector's ConfigDef as the protocol's ConfigKey list."""
    out = []
    for key in cls.definition().keys.values():
        ck = cpb.ConfigKey(
            name=key.name,
            type=key.type.value,
            importance=key.importance.value,
            documentation=key.documentation or "",
            group=key.group or "",
            order_in_group=key.order_in_group,
            width=key.width.value,
            display_name=key.display_name,
            dependents=key.dependents,
            secret=key.type.name == "PASSWORD",
        )
        if key.default is not NO_DEFAULT:
            # A null default has no string form; "" keeps the key optional (see README).
            ck.default_value = format_value(key.type, key.default)
        if isinstance(key.validator, Validator):
            key.validator.to_proto(ck.validator)
            ck.validator.description = str(key.validator)
        out.append(ck)
    return out


class ConnectorServer:
    """The three services of the protocol for a set of connector classes."""

    def __init__(self, plugins: Plugins, max_message_bytes: int = base.DEFAULT_MAX_MESSAGE_BYTES):
        self.plugins = plugins
        self.max_message_bytes = max_message_bytes
        self.serving = True

    # -------------------------------------------------------------- Connector service

    async def handshake(self, request: cpb.HandshakeRequest, context: grpc.aio.ServicerContext) -> Any:
        offered = list(request.protocol_versions)
        chosen = next((v for v in offered if v in base.PROTOCOL_VERSIONS), None)
        if chosen is None:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"no common protocol version: the core offered {offered}, this connector process "
                f"(python SDK {__version__}) speaks {list(base.PROTOCOL_VERSIONS)}",
            )
        ours = self.max_message_bytes
        theirs = request.max_message_bytes
        caps = request.capabilities
        log.info("handshake from core %s: protocol %d", request.core_version or "?", chosen)
        return cpb.HandshakeResponse(
            protocol_version=chosen,
            sdk_language="python",
            sdk_version=__version__,
            max_message_bytes=min(ours, theirs) if theirs else ours,
            capabilities=cpb.Capabilities(
                raw_bytes=caps.raw_bytes,
                schema_references=caps.schema_references,
                trace_context=caps.trace_context,
                # SinkRecordDecoder.decode_put reads Puts in columns.
                columnar_puts=caps.columnar_puts,
                # Source batches go as columns when they fit (SourceColumns).
                columnar_source_batches=caps.columnar_source_batches,
            ),
            plugins=[Plugins.info(c) for c in self.plugins.classes],
        )

    async def health(self, request: cpb.HealthRequest, context: grpc.aio.ServicerContext) -> Any:
        return cpb.HealthResponse(serving=self.serving)

    async def _plugin(self, name: str, context: grpc.aio.ServicerContext) -> type[_Connector]:
        cls = self.plugins.find(name)
        if cls is None:
            await context.abort(
                grpc.StatusCode.NOT_FOUND,
                f"this connector process does not serve '{name}' (it serves: "
                f"{', '.join(c.plugin_name() for c in self.plugins.classes)})",
            )
        return cls

    async def spec(self, request: cpb.SpecRequest, context: grpc.aio.ServicerContext) -> Any:
        cls = await self._plugin(request.connector_class, context)
        return cpb.SpecResponse(plugin=Plugins.info(cls), config=config_keys(cls))

    async def validate(self, request: cpb.ValidateRequest, context: grpc.aio.ServicerContext) -> Any:
        cls = await self._plugin(request.connector_class, context)
        config = dict(request.config)
        definition = cls.definition()
        errors = definition.validate(config)
        if issubclass(cls, (Transformation, Predicate)):
            resp = cpb.ValidateResponse()
            for name, errs in errors.items():
                v = resp.values.add(name=name, errors=errs, visible=True)
                if name in config:
                    v.value = config[name]
            return resp
        try:
            connector = cls()
            connector.config = config
            if base.is_async(connector.validate):
                extra = await connector.validate(config)
            else:
                extra = await asyncio.to_thread(connector.validate, config)
        except Exception as e:
            log.exception("validate() of %s failed", cls.plugin_name())
            await context.abort(grpc.StatusCode.INTERNAL, f"validate() failed: {type(e).__name__}: {e}")
        for name, errs in (extra or {}).items():
            errors.setdefault(name, []).extend(str(e) for e in errs)
        resp = cpb.ValidateResponse()
        if isinstance(connector, SourceConnector):
            await self._declarations(connector, config, resp)
        for name, errs in errors.items():
            v = resp.values.add(name=name, errors=errs, visible=True)
            key = definition.keys.get(name)
            if name in config:
                v.value = config[name]
            elif key is not None and key.default is not NO_DEFAULT and key.default is not None:
                v.value = format_value(key.type, key.default)
        return resp

    @staticmethod
    async def _declarations(connector: SourceConnector, config: dict, resp: Any) -> None:
        """Kafka Connect's exactlyOnceSupport and canDefineTransactionBoundaries; a method
        that raises is reported with its message."""
        async def call(method: Any) -> Any:
            if base.is_async(method):
                return await method(config)
            return await asyncio.to_thread(method, config)

        try:
            eos = await call(connector.exactly_once_support)
            resp.exactly_once_support = {
                ExactlyOnceSupport.SUPPORTED: cpb.EXACTLY_ONCE_SUPPORTED,
                ExactlyOnceSupport.UNSUPPORTED: cpb.EXACTLY_ONCE_UNSUPPORTED,
            }.get(eos, cpb.EXACTLY_ONCE_SUPPORT_UNSPECIFIED)
        except Exception as e:
            log.warning("exactly_once_support() failed", exc_info=True)
            resp.exactly_once_support_error = str(e) or " "
        try:
            tb = await call(connector.can_define_transaction_boundaries)
            resp.transaction_boundaries = {
                ConnectorTransactionBoundaries.SUPPORTED: cpb.TRANSACTION_BOUNDARIES_SUPPORTED,
                ConnectorTransactionBoundaries.UNSUPPORTED: cpb.TRANSACTION_BOUNDARIES_UNSUPPORTED,
            }.get(tb, cpb.TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED)
        except Exception as e:
            log.warning("can_define_transaction_boundaries() failed", exc_info=True)
            resp.transaction_boundaries_error = str(e) or " "

    async def alter_offsets(self, request: cpb.AlterOffsetsRequest, context: grpc.aio.ServicerContext) -> Any:
        """KIP-875: the connector's ``alter_offsets`` on an instance made for the call."""
        cls = await self._plugin(request.connector_class, context)
        config = dict(request.config)
        if issubclass(cls, SourceConnector):
            offsets: Any = [
                (wire.decode_any(o.partition), wire.decode_any(o.offset) if o.HasField("offset") else None)
                for o in request.source_offsets
            ]
        else:
            offsets = {
                TopicPartition(o.topic, o.partition): (o.offset if o.HasField("offset") else None)
                for o in request.sink_offsets
            }
        resp = cpb.AlterOffsetsResponse()
        try:
            connector = cls()
            connector.config = config
            if base.is_async(connector.alter_offsets):
                altered = await connector.alter_offsets(config, offsets)
            else:
                altered = await asyncio.to_thread(connector.alter_offsets, config, offsets)
            resp.altered = bool(altered)
        except NotImplementedError:
            resp.unsupported = True
        except Exception as e:
            log.warning("alter_offsets() of %s failed: %s", cls.plugin_name(), e)
            resp.error.CopyFrom(error_for(e))
        return resp

    async def run_connector(self, request_iterator: Any, context: grpc.aio.ServicerContext) -> None:
        await ConnectorSession(self.plugins, request_iterator, context).run()

    # -------------------------------------------------------------- task services

    async def run_source(self, request_iterator: Any, context: grpc.aio.ServicerContext) -> None:
        await SourceSession(self.plugins, request_iterator, context, self.max_message_bytes).run()

    async def run_sink(self, request_iterator: Any, context: grpc.aio.ServicerContext) -> None:
        await SinkSession(self.plugins, request_iterator, context).run()

    async def run_transform(self, request_iterator: Any, context: grpc.aio.ServicerContext) -> Any:
        async for response in TransformSession(self.plugins, request_iterator, context).run():
            yield response

    def handlers(self) -> list[grpc.GenericRpcHandler]:
        ser = base.serialize
        uu = grpc.unary_unary_rpc_method_handler
        ss = grpc.stream_stream_rpc_method_handler
        return [
            grpc.method_handlers_generic_handler("polyconnect.v1.Connector", {
                "Handshake": uu(self.handshake, cpb.HandshakeRequest.FromString, ser),
                "Health": uu(self.health, cpb.HealthRequest.FromString, ser),
                "Spec": uu(self.spec, cpb.SpecRequest.FromString, ser),
                "Validate": uu(self.validate, cpb.ValidateRequest.FromString, ser),
                "AlterOffsets": uu(self.alter_offsets, cpb.AlterOffsetsRequest.FromString, ser),
                "Run": ss(self.run_connector, cpb.ConnectorRequest.FromString, ser),
            }),
            grpc.method_handlers_generic_handler("polyconnect.v1.SourceTask", {
                "Run": ss(self.run_source, cpb.SourceRequest.FromString, ser),
            }),
            grpc.method_handlers_generic_handler("polyconnect.v1.SinkTask", {
                "Run": ss(self.run_sink, cpb.SinkRequest.FromString, ser),
            }),
            grpc.method_handlers_generic_handler("polyconnect.v1.Transform", {
                "Run": ss(self.run_transform, cpb.TransformRequest.FromString, ser),
            }),
        ]


class TokenAuth(grpc.aio.ServerInterceptor):
    """Refuses calls without ``authorization: Bearer <token>`` (UNAUTHENTICATED)."""

    def __init__(self, token: str):
        self._expected = f"Bearer {token}".encode()

    async def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = await continuation(details)
        if handler is None:
            return None
        for key, value in details.invocation_metadata or ():
            if key == "authorization":
                got = value.encode() if isinstance(value, str) else bytes(value)
                if hmac.compare_digest(got, self._expected):
                    return handler
        return _refuse(handler)


def _refuse(handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
    async def deny(request: Any, context: grpc.aio.ServicerContext) -> None:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or invalid authorization token")

    kw = dict(request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer)
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(deny, **kw)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(deny, **kw)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(deny, **kw)
    return grpc.unary_unary_rpc_method_handler(deny, **kw)


def _options(max_message_bytes: int) -> list[tuple[str, Any]]:
    return [
        ("grpc.max_send_message_length", max_message_bytes),
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.so_reuseport", 0),
    ]


class RunningServer:
    """A started server (see :func:`start_server`)."""

    def __init__(self, server: grpc.aio.Server, servicer: ConnectorServer, address: str, port: int):
        self.server = server
        self.servicer = servicer
        self.address = address
        self.port = port

    async def stop(self, grace: float | None = 5.0) -> None:
        self.servicer.serving = False
        await self.server.stop(grace)


class TlsConfigError(Exception):
    """The POLYCONNECT_TLS_* settings cannot be used."""


def tls_credentials(environ: Any = None) -> grpc.ServerCredentials | None:
    """TLS from ``POLYCONNECT_TLS_CERT`` / ``_KEY`` (PEM), with ``POLYCONNECT_TLS_CLIENT_CA``
    requiring a client certificate; None when none is set."""
    env = os.environ if environ is None else environ
    names = ("POLYCONNECT_TLS_CERT", "POLYCONNECT_TLS_KEY", "POLYCONNECT_TLS_CLIENT_CA")
    cert, key, ca = (env.get(n) or None for n in names)
    if not (cert or key or ca):
        return None
    if not (cert and key):
        raise TlsConfigError("POLYCONNECT_TLS_CERT and POLYCONNECT_TLS_KEY must be set together"
                             " (POLYCONNECT_TLS_CLIENT_CA needs both)")

    def read(name: str, path: str) -> bytes:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise TlsConfigError(f"{name}={path} cannot be read: {e.strerror}") from None
        if b"-----BEGIN" not in data:
            raise TlsConfigError(f"{name}={path} is not a PEM file")
        return data

    creds = grpc.ssl_server_credentials(
        [(read("POLYCONNECT_TLS_KEY", key), read("POLYCONNECT_TLS_CERT", cert))],
        root_certificates=read("POLYCONNECT_TLS_CLIENT_CA", ca) if ca else None,
        require_client_auth=bool(ca),
    )
    return creds


async def start_server(
    *connectors: type,
    address: str = "127.0.0.1:0",
    token: str | None = None,
    max_message_bytes: int = base.DEFAULT_MAX_MESSAGE_BYTES,
    tls: grpc.ServerCredentials | None = None,
) -> RunningServer:
    """Starts serving ``connectors`` on ``address`` in the running event loop (``serve``
    does this and waits for a signal; tests and embedding applications call it directly).
    A ``:0`` port picks a free one (see ``.port``)."""
    plugins = Plugins(connectors)
    servicer = ConnectorServer(plugins, max_message_bytes)
    server = grpc.aio.server(
        options=_options(max_message_bytes),
        interceptors=[TokenAuth(token)] if token else None,
    )
    server.add_generic_rpc_handlers(servicer.handlers())
    if address.startswith("unix:"):
        path = address[len("unix:"):]
        if path.startswith("//"):
            path = path[2:]
        if os.path.exists(path):
            os.unlink(path)
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
    if tls is not None:
        if address.startswith("unix:"):
            raise TlsConfigError("POLYCONNECT_TLS_* is for TCP addresses, not " + address)
        port = server.add_secure_port(address, tls)
    else:
        port = server.add_insecure_port(address)
    if not address.startswith("unix:") and port == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    return RunningServer(server, servicer, address, port)


def listen_address(argv: Sequence[str] | None = None, environ: Any = None) -> str:
    """Where to listen: POLYCONNECT_LISTEN, else --listen, else POLYCONNECT_PORT, else
    0.0.0.0:50051."""
    env = os.environ if environ is None else environ
    addr = env.get("POLYCONNECT_LISTEN")
    if not addr:
        args = list(sys.argv[1:] if argv is None else argv)
        for i, a in enumerate(args):
            if a == "--listen" and i + 1 < len(args):
                addr = args[i + 1]
            elif a.startswith("--listen="):
                addr = a.split("=", 1)[1]
    if not addr:
        port = env.get("POLYCONNECT_PORT")
        addr = f"0.0.0.0:{port or DEFAULT_LISTEN_PORT}"
    for scheme in ("http://", "grpc://"):
        if addr.startswith(scheme):
            addr = addr[len(scheme):]
    return addr


def _set_parent_death_signal(parent_pid: int) -> None:
    """Linux: get SIGTERM when the parent dies (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except Exception as e:  # best effort; the watchdog below covers the rest
        log.debug("prctl(PR_SET_PDEATHSIG) failed: %s", e)


def _parent_alive(parent_pid: int, direct: bool) -> bool:
    """Whether the parent still runs. ``direct``: it is our actual parent, so being
    re-parented also means it died (and guards against its pid being reused)."""
    if direct and os.getppid() != parent_pid:
        return False
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _serve(connectors: Sequence[type], address: str, token: str | None, parent_pid: int | None,
                 max_message_bytes: int, tls: grpc.ServerCredentials | None = None) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix
            pass
    try:
        running = await start_server(*connectors, address=address, token=token,
                                     max_message_bytes=max_message_bytes, tls=tls)
    except TlsConfigError as e:
        log.error("cannot serve TLS: %s", e)
        return 1
    except (OSError, RuntimeError) as e:
        log.error("cannot listen on %s: %s", address, e)
        return 1
    names = ", ".join(c.plugin_name() for c in running.servicer.plugins.classes)
    how = ("mutual TLS" if os.environ.get("POLYCONNECT_TLS_CLIENT_CA") else "TLS") if tls else ""
    log.info("serving %s on %s (python SDK %s%s%s)", names, address, __version__,
             ", token required" if token else "", ", " + how if how else "")
    watchdog = None
    if parent_pid:
        direct = os.getppid() == parent_pid

        async def watch() -> None:
            while True:
                if not _parent_alive(parent_pid, direct):
                    log.warning("parent process %d is gone; shutting down", parent_pid)
                    stop.set()
                    return
                await asyncio.sleep(1.0)

        watchdog = loop.create_task(watch())
    await stop.wait()
    log.info("shutting down")
    if watchdog is not None:
        watchdog.cancel()
    await running.stop(grace=5.0)
    if address.startswith("unix:"):
        try:
            os.unlink(address[len("unix:"):])
        except OSError:
            pass
    return 0


#: The cyclic collector's thresholds in a connector process (``POLYCONNECT_GC_THRESHOLD``).
DEFAULT_GC_THRESHOLD = (50_000, 20, 20)


def tune_gc() -> None:
    """Makes the cyclic garbage collector run less often. Records, their lists and the
    protocol's messages are made and dropped by the thousand per batch and form no cycles,
    but with Python's default threshold (700 container objects) a young collection runs
    every few records and an older one every few batches, walking the records still in
    flight: about a fifth of a sink's or a source's CPU per 100-byte record. The objects
    made at start-up (modules, classes, the connector) are frozen out of the collections.
    Cycles are still collected, less often."""
    raw = os.environ.get("POLYCONNECT_GC_THRESHOLD", "").strip()
    threshold = DEFAULT_GC_THRESHOLD
    if raw:
        try:
            parts = tuple(int(p) for p in raw.split(","))
            if not 1 <= len(parts) <= 3 or any(p < 0 for p in parts):
                raise ValueError(raw)
            threshold = parts
        except ValueError:
            log.warning("POLYCONNECT_GC_THRESHOLD=%r is not 1 to 3 non-negative integers "
                        "(like 50000,20,20); using %s", raw,
                        ",".join(map(str, DEFAULT_GC_THRESHOLD)))
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)


def serve(*connectors: type, listen: str | None = None, argv: Sequence[str] | None = None) -> None:
    """Serves ``connectors`` until SIGTERM/SIGINT (or the parent's death). Settings come
    from the environment (see this module's docstring)."""
    setup_logging()
    Plugins(connectors)  # fail early on a bad class
    tracing.setup()
    tune_gc()
    address = listen or listen_address(argv)
    token = os.environ.get("POLYCONNECT_TOKEN") or None
    try:
        tls = tls_credentials()
    except TlsConfigError as e:
        log.error("cannot serve TLS: %s", e)
        raise SystemExit(1) from None
    max_message_bytes = int(os.environ.get("POLYCONNECT_MAX_MESSAGE_BYTES") or base.DEFAULT_MAX_MESSAGE_BYTES)
    parent_pid = None
    if os.environ.get("POLYCONNECT_PARENT_PID"):
        parent_pid = int(os.environ["POLYCONNECT_PARENT_PID"])
        if os.getppid() == parent_pid:
            _set_parent_death_signal(parent_pid)
        if not _parent_alive(parent_pid, direct=False):
            log.error("parent process %d is not running; exiting", parent_pid)
            raise SystemExit(1)
    code = asyncio.run(_serve(connectors, address, token, parent_pid, max_message_bytes, tls))
    tracing.shutdown()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Task threads still stuck in connector code must not keep the process alive.
    os._exit(code)
