// The connector process: a gRPC server for the core (the client). `serve(MySource, MySink)`
// is the one call a connector's main makes. Settings come from the environment the core
// sets for launched plugins:
//   POLYCONNECT_LISTEN             unix:/path/to.sock or host:port (else --listen, else
//                                  0.0.0.0:$POLYCONNECT_PORT, else 0.0.0.0:50051)
//   POLYCONNECT_TOKEN              every call must carry "authorization: Bearer <token>"
//   POLYCONNECT_PARENT_PID         exit when that process dies
//   POLYCONNECT_MAX_MESSAGE_BYTES  our message size limit (default 64 MiB)
//   POLYCONNECT_LOG_LEVEL          DEBUG, INFO (default), WARN, ERROR
//   POLYCONNECT_TLS_CERT, _KEY     PEM files (certificate chain, private key): serve TLS on TCP
//   POLYCONNECT_TLS_CLIENT_CA      PEM CA certificates: require a client certificate they
//                                  signed (mutual TLS)
//   OTEL_*                         connector spans with OTLP export (see tracing.ts)
import * as grpc from "@grpc/grpc-js";
import { existsSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { timingSafeEqual } from "node:crypto";
import {
  ConnectorService,
  ExactlyOnceSupport as ExactlyOnceSupportProto,
  TransactionBoundarySupport,
  SinkTaskService,
  SourceTaskService,
  TransformService,
  type HandshakeRequest,
  type HandshakeResponse,
  type HealthResponse,
  type SpecRequest,
  type SpecResponse,
  type ValidateRequest,
  type ValidateResponse,
  type AlterOffsetsRequest,
  type AlterOffsetsResponse,
} from "./gen/polyconnect/v1/connector.js";
import { errorMessage } from "./errors.js";
import { mapFromProto } from "./wire.js";
import { formatValue } from "./config.js";
import { SourceConnector, UnsupportedOperationError, pluginName, type ConnectorClass } from "./connector.js";
import { log } from "./log.js";
import { Plugins } from "./plugins.js";
import { ConnectorSession } from "./streams/connector.js";
import { SinkSession } from "./streams/sink.js";
import { SourceSession } from "./streams/source.js";
import { TransformSession, type TransformClass } from "./transform.js";
import { DEFAULT_MAX_MESSAGE_BYTES, PROTOCOL_VERSIONS } from "./streams/stream.js";
import { setupTracing, shutdownTracing } from "./tracing.js";

export const SDK_VERSION = "1.0.0";
const DEFAULT_LISTEN_PORT = 50051;

/** A response serializer that passes pre-encoded bytes through. */
function passBytes<T>(def: { responseSerialize: (v: T) => Buffer }): (v: T | Uint8Array) => Buffer {
  return (v) => (v instanceof Uint8Array ? (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)) : def.responseSerialize(v));
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

function authorized(metadata: grpc.Metadata, expected: Buffer | undefined): boolean {
  if (!expected) return true;
  const got = metadata.get("authorization")[0];
  const b = Buffer.from(typeof got === "string" ? got : (got ?? ""));
  return b.length === expected.length && timingSafeEqual(b, expected);
}

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED, details: "missing or invalid authorization token" };

/** The three services of the protocol for a set of connector classes. */
export class ConnectorServer {
  serving = true;
  readonly plugins: Plugins;
  private expected?: Buffer;

  constructor(connectors: (ConnectorClass | TransformClass)[], readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES, token?: string) {
    this.plugins = new Plugins(connectors);
    this.expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  }

  private unary<Req, Res>(fn: (req: Req) => Promise<Res>): Unary<Req, Res> {
    return (call, callback) => {
      if (!authorized(call.metadata, this.expected)) return callback(UNAUTHENTICATED);
      fn(call.request).then(
        (res) => callback(null, res),
        (e: unknown) => callback(e && typeof e === "object" && "code" in e ? (e as grpc.ServiceError) : { code: grpc.status.INTERNAL, details: String(e) }),
      );
    };
  }

  private stream<Req>(run: (call: grpc.ServerDuplexStream<Req, unknown>) => Promise<void>): grpc.handleBidiStreamingCall<Req, unknown> {
    return (call) => {
      if (!authorized(call.metadata, this.expected)) {
        call.emit("error", UNAUTHENTICATED);
        return;
      }
      run(call).catch((e) => log.error("stream failed", e));
    };
  }

  private plugin(name: string): ConnectorClass {
    const cls = this.plugins.find(name);
    if (!cls) throw { code: grpc.status.NOT_FOUND, details: `this connector process does not serve '${name}' (it serves: ${this.plugins.names()})` };
    return cls;
  }

  async handshake(req: HandshakeRequest): Promise<HandshakeResponse> {
    const chosen = req.protocolVersions.find((v) => PROTOCOL_VERSIONS.includes(v));
    if (chosen === undefined) {
      throw {
        code: grpc.status.FAILED_PRECONDITION,
        details: `no common protocol version: the core offered [${req.protocolVersions.join(", ")}], this connector process (typescript SDK ${SDK_VERSION}) speaks [${PROTOCOL_VERSIONS.join(", ")}]`,
      };
    }
    const theirs = Number(req.maxMessageBytes);
    log.info(`handshake from core ${req.coreVersion || "?"}: protocol ${chosen}`);
    const caps = req.capabilities;
    return {
      protocolVersion: chosen,
      sdkLanguage: "typescript",
      sdkVersion: SDK_VERSION,
      maxMessageBytes: BigInt(theirs ? Math.min(theirs, this.maxMessageBytes) : this.maxMessageBytes),
      // Puts come to this SDK as rows and it sends its source batches as rows.
      capabilities: { rawBytes: !!caps?.rawBytes, schemaReferences: !!caps?.schemaReferences, traceContext: !!caps?.traceContext, columnarPuts: false, columnarSourceBatches: false },
      plugins: this.plugins.classes.map(Plugins.info),
    };
  }

  async spec(req: SpecRequest): Promise<SpecResponse> {
    const cls = this.plugin(req.connectorClass);
    return { plugin: Plugins.info(cls), config: cls.config.toProto() };
  }

  async validate(req: ValidateRequest): Promise<ValidateResponse> {
    const cls = this.plugin(req.connectorClass);
    const config = { ...req.config };
    const errors = cls.config.validate(config);
    const connector = new cls();
    connector.config = config;
    let extra: Record<string, string[]> = {};
    try {
      extra = (await connector.validate?.(config)) ?? {};
    } catch (e) {
      throw { code: grpc.status.INTERNAL, details: `validate() failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
    }
    for (const [k, errs] of Object.entries(extra)) errors.set(k, [...(errors.get(k) ?? []), ...errs.map(String)]);
    return {
      values: [...errors].map(([name, errs]) => {
        const key = cls.config.keys.get(name);
        const value = name in config ? config[name] : key?.default !== undefined && key.default !== null ? formatValue(key.default) : undefined;
        return { name, value, recommendedValues: [], errors: errs, visible: true };
      }),
      ...(connector instanceof SourceConnector ? await declarations(connector, config) : declarationsNone),
    };
  }

  /** KIP-875: the connector's alterOffsets on an instance made for the call. */
  async alterOffsets(req: AlterOffsetsRequest): Promise<AlterOffsetsResponse> {
    const cls = this.plugin(req.connectorClass);
    const config = { ...req.config };
    const connector = new cls();
    connector.config = config;
    const out: AlterOffsetsResponse = { altered: false, error: undefined, statusCode: 0, unsupported: false };
    try {
      out.altered = !!(await connector.alterOffsets(
        config,
        connector instanceof SourceConnector
          ? req.sourceOffsets.map((o) => ({ partition: mapFromProto(o.partition) ?? {}, offset: o.offset ? mapFromProto(o.offset) : null }))
          : req.sinkOffsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset === undefined ? null : Number(o.offset) })),
      ));
    } catch (e) {
      if (e instanceof UnsupportedOperationError) out.unsupported = true;
      else out.error = errorMessage(e);
    }
    return out;
  }

  /** Registers the services on `server`. */
  addTo(server: grpc.Server): void {
    const C = ConnectorService;
    server.addService({ ...C, run: { ...C.run, responseSerialize: passBytes(C.run) } } as unknown as grpc.ServiceDefinition, {
      handshake: this.unary((r: HandshakeRequest) => this.handshake(r)),
      health: this.unary(async (): Promise<HealthResponse> => ({ serving: this.serving })),
      spec: this.unary((r: SpecRequest) => this.spec(r)),
      validate: this.unary((r: ValidateRequest) => this.validate(r)),
      alterOffsets: this.unary((r: AlterOffsetsRequest) => this.alterOffsets(r)),
      run: this.stream((call) => new ConnectorSession(this.plugins, call).run()),
    });
    const S = SourceTaskService.run;
    server.addService({ run: { ...S, responseSerialize: passBytes(S) } } as unknown as grpc.ServiceDefinition, {
      run: this.stream((call) => new SourceSession(this.plugins, call as never, this.maxMessageBytes).run()),
    });
    const K = SinkTaskService.run;
    server.addService({ run: { ...K, responseSerialize: passBytes(K) } } as unknown as grpc.ServiceDefinition, {
      run: this.stream((call) => new SinkSession(this.plugins, call as never).run()),
    });
    const T = TransformService.run;
    server.addService({ run: { ...T, responseSerialize: passBytes(T) } } as unknown as grpc.ServiceDefinition, {
      run: this.stream((call) => new TransformSession((n) => this.plugins.findTransform(n), call as never).run()),
    });
  }
}

export interface RunningServer {
  server: grpc.Server;
  servicer: ConnectorServer;
  address: string;
  /** The bound TCP port (0 for a unix socket). */
  port: number;
  stop(graceMs?: number): Promise<void>;
}

/** Starts serving `connectors` on `address` ("127.0.0.1:0" picks a free port); `serve` does this and waits for a signal. */
export async function startServer(
  connectors: (ConnectorClass | TransformClass)[],
  options: { address?: string; token?: string; maxMessageBytes?: number; tls?: grpc.ServerCredentials } = {},
): Promise<RunningServer> {
  const address = options.address ?? "127.0.0.1:0";
  if (options.tls && address.startsWith("unix:")) {
    throw new TlsConfigError(`POLYCONNECT_TLS_* is for TCP addresses, not ${address}`);
  }
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const servicer = new ConnectorServer(connectors, maxMessageBytes, options.token);
  const server = new grpc.Server({
    "grpc.max_send_message_length": maxMessageBytes,
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.so_reuseport": 0,
  });
  servicer.addTo(server);
  if (address.startsWith("unix:")) {
    const path = address.slice("unix:".length).replace(/^\/\//, "");
    if (existsSync(path)) unlinkSync(path);
    mkdirSync(dirname(path), { recursive: true });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, options.tls ?? grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    server,
    servicer,
    address,
    port: address.startsWith("unix:") ? 0 : port,
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        servicer.serving = false;
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/** The POLYCONNECT_TLS_* settings cannot be used. */
export class TlsConfigError extends Error {}

/**
 * TLS from POLYCONNECT_TLS_CERT / POLYCONNECT_TLS_KEY (PEM files), requiring a client
 * certificate signed by POLYCONNECT_TLS_CLIENT_CA when that is set; undefined when none is set.
 */
export function tlsCredentials(env: NodeJS.ProcessEnv = process.env): grpc.ServerCredentials | undefined {
  const cert = env.POLYCONNECT_TLS_CERT || "";
  const key = env.POLYCONNECT_TLS_KEY || "";
  const ca = env.POLYCONNECT_TLS_CLIENT_CA || "";
  if (!cert && !key && !ca) return undefined;
  if (!cert || !key) {
    throw new TlsConfigError("POLYCONNECT_TLS_CERT and POLYCONNECT_TLS_KEY must be set together (POLYCONNECT_TLS_CLIENT_CA needs both)");
  }
  const read = (name: string, path: string): Buffer => {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      throw new TlsConfigError(`${name}=${path} cannot be read: ${(e as Error).message}`);
    }
    if (!data.includes("-----BEGIN")) throw new TlsConfigError(`${name}=${path} is not a PEM file`);
    return data;
  };
  const pair = { private_key: read("POLYCONNECT_TLS_KEY", key), cert_chain: read("POLYCONNECT_TLS_CERT", cert) };
  const roots = ca ? read("POLYCONNECT_TLS_CLIENT_CA", ca) : null;
  try {
    return grpc.ServerCredentials.createSsl(roots, [pair], Boolean(ca));
  } catch (e) {
    throw new TlsConfigError(`POLYCONNECT_TLS_CERT=${cert} and POLYCONNECT_TLS_KEY=${key} cannot be used: ${(e as Error).message}`);
  }
}

/** Where to listen: POLYCONNECT_LISTEN, else --listen, else POLYCONNECT_PORT, else 0.0.0.0:50051. */
export function listenAddress(argv = process.argv.slice(2), env = process.env): string {
  let addr = env.POLYCONNECT_LISTEN;
  if (!addr) {
    argv.forEach((a, i) => {
      if (a === "--listen" && argv[i + 1]) addr = argv[i + 1];
      else if (a.startsWith("--listen=")) addr = a.slice("--listen=".length);
    });
  }
  addr ||= `0.0.0.0:${env.POLYCONNECT_PORT || DEFAULT_LISTEN_PORT}`;
  return addr.replace(/^(http|grpc):\/\//, "");
}

function parentAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Serves `connectors` until SIGTERM/SIGINT or the parent's death. */
export async function serve(...connectors: (ConnectorClass | TransformClass)[]): Promise<void> {
  const address = listenAddress();
  const token = process.env.POLYCONNECT_TOKEN || undefined;
  const maxMessageBytes = Number(process.env.POLYCONNECT_MAX_MESSAGE_BYTES) || DEFAULT_MAX_MESSAGE_BYTES;
  const parentPid = Number(process.env.POLYCONNECT_PARENT_PID) || 0;
  if (parentPid && !parentAlive(parentPid)) {
    log.error(`parent process ${parentPid} is not running; exiting`);
    process.exit(1);
  }
  let tls: grpc.ServerCredentials | undefined;
  try {
    tls = tlsCredentials();
    if (tls && address.startsWith("unix:")) throw new TlsConfigError(`POLYCONNECT_TLS_* is for TCP addresses, not ${address}`);
  } catch (e) {
    log.error(`cannot serve TLS: ${(e as Error).message}`);
    process.exit(1);
  }
  await setupTracing();
  let running: RunningServer;
  try {
    running = await startServer(connectors, { address, token, maxMessageBytes, tls });
  } catch (e) {
    log.error(`cannot listen on ${address}`, e);
    process.exit(1);
  }
  const how = tls ? (process.env.POLYCONNECT_TLS_CLIENT_CA ? ", mutual TLS" : ", TLS") : "";
  log.info(`serving ${running.servicer.plugins.names()} on ${address} (typescript SDK ${SDK_VERSION}${token ? ", token required" : ""}${how})`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
    if (parentPid) {
      // The core also sets PR_SET_PDEATHSIG on the processes it launches; this covers the rest.
      const direct = process.ppid === parentPid;
      setInterval(() => {
        if ((direct && process.ppid !== parentPid) || !parentAlive(parentPid)) {
          log.warn(`parent process ${parentPid} is gone; shutting down`);
          resolve();
        }
      }, 1000).unref();
    }
  });
  log.info("shutting down");
  await running.stop(5000);
  // The last spans, within a few seconds.
  await shutdownTracing();
  if (address.startsWith("unix:")) {
    try {
      unlinkSync(address.slice("unix:".length));
    } catch {
      // already gone
    }
  }
  // Connector code still holding timers or sockets must not keep the process alive.
  process.exit(0);
}

export { pluginName };

const declarationsNone = {
  exactlyOnceSupport: ExactlyOnceSupportProto.EXACTLY_ONCE_SUPPORT_UNSPECIFIED,
  transactionBoundaries: TransactionBoundarySupport.TRANSACTION_BOUNDARY_SUPPORT_UNSPECIFIED,
  exactlyOnceSupportError: "",
  transactionBoundariesError: "",
};

/** Kafka Connect's exactlyOnceSupport and canDefineTransactionBoundaries of a source
 * connector; a method that throws is reported with its message. */
async function declarations(connector: SourceConnector, config: Record<string, string>): Promise<typeof declarationsNone> {
  const out = { ...declarationsNone };
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e)) || " ";
  try {
    const eos = await connector.exactlyOnceSupport(config);
    out.exactlyOnceSupport =
      eos === "SUPPORTED"
        ? ExactlyOnceSupportProto.EXACTLY_ONCE_SUPPORTED
        : eos === "UNSUPPORTED"
          ? ExactlyOnceSupportProto.EXACTLY_ONCE_UNSUPPORTED
          : ExactlyOnceSupportProto.EXACTLY_ONCE_SUPPORT_UNSPECIFIED;
  } catch (e) {
    out.exactlyOnceSupportError = message(e);
  }
  try {
    const tb = await connector.canDefineTransactionBoundaries(config);
    out.transactionBoundaries =
      tb === "SUPPORTED"
        ? TransactionBoundarySupport.TRANSACTION_BOUNDARIES_SUPPORTED
        : TransactionBoundarySupport.TRANSACTION_BOUNDARIES_UNSUPPORTED;
  } catch (e) {
    out.transactionBoundariesError = message(e);
  }
  return out;
}
