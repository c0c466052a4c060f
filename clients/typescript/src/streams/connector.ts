// The Connector.Run stream (lifecycle in connector.proto): start, task configs,
// reconfiguration requests from the connector, stop.
import type { ServerDuplexStream } from "@grpc/grpc-js";
import { ConnectorResponse, ErrorKind, type ConnectorRequest, type OffsetsAnswer } from "../gen/polyconnect/v1/connector.js";
import { formatValue, type ConfigValue } from "../config.js";
import type { Config, SinkConnector, SourceConnector } from "../connector.js";
import type { SourceMap } from "../data.js";
import { ConnectError, errorMessage, plainError } from "../errors.js";
import { Logger } from "../log.js";
import type { Plugins } from "../plugins.js";
import { DEFAULT_STOP_TIMEOUT_MS, PROTOCOL_VERSIONS, Signal, Stream, StreamClosed, versionError, requests } from "./stream.js";
import { withTimeout } from "./source.js";
import { mapFromProto, partitionKey, valueToProto } from "../wire.js";

const OFFSETS_TIMEOUT_MS = 30_000;

const HEARTBEAT = Buffer.from(ConnectorResponse.encode({ msg: { $case: "heartbeat", value: {} } }).finish());

export class ConnectorSession {
  private stream: Stream<ConnectorRequest>;
  private log = new Logger("connector");
  private connector?: SourceConnector | SinkConnector;
  private started = false;
  private stopped = false;
  private done = new Signal();
  private stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS;
  private queue: Promise<void> = Promise.resolve();
  private queries = new Map<number, (a: OffsetsAnswer) => void>();
  private nextQuery = 0;

  constructor(
    private plugins: Plugins,
    private call: ServerDuplexStream<ConnectorRequest, unknown>,
  ) {
    this.stream = new Stream(call, HEARTBEAT);
  }

  private send(msg: NonNullable<ConnectorResponse["msg"]>): Promise<void> {
    return this.stream.send(ConnectorResponse.encode({ msg }).finish());
  }

  private async sendError(e: unknown, kind?: ErrorKind): Promise<void> {
    try {
      await this.send({ $case: "error", value: typeof e === "string" ? plainError(kind!, e) : errorMessage(e, kind) });
    } catch {
      // the core is gone
    }
  }

  async run(): Promise<void> {
    try {
      await this.runInner();
    } catch (e) {
      if (!(e instanceof StreamClosed)) {
        this.log.error("the connector stream failed", e);
        await this.sendError(e);
      }
    } finally {
      this.stream.stopLiveness();
      await this.stopConnector();
      this.stream.end();
      this.log.info("connector stream ended");
    }
  }

  private async runInner(): Promise<void> {
    const it = requests<ConnectorRequest>(this.call);
    const first = await it.next();
    if (first.done) return;
    const m = first.value.msg;
    if (m?.$case !== "start") return this.sendError("the first message of a Connector stream must be ConnectorStart", ErrorKind.FATAL);
    const s = m.value;
    this.log = new Logger(s.connectorName);
    if (!PROTOCOL_VERSIONS.includes(s.protocolVersion)) return this.sendError(versionError(s.protocolVersion), ErrorKind.CONFIG);
    const plugin = this.plugins.find(s.connectorClass);
    if (!plugin) return this.sendError(`this connector process does not serve a connector named '${s.connectorClass}'`, ErrorKind.CONFIG);
    this.stream.configure(s.heartbeatIntervalMs, s.idleTimeoutMs);
    const config = { ...s.config };
    const connector = new plugin();
    connector.config = config;
    connector.context = {
      connectorName: s.connectorName,
      requestTaskReconfiguration: (reason = "") => void this.send({ $case: "reconfigure", value: { reason } }).catch(() => {}),
      raiseError: (error: unknown) => {
        this.log.error("the connector raised an error", error);
        void this.sendError(error).finally(() => this.done.fire());
      },
      offsets: (partitions: SourceMap[]) => this.queryOffsets(partitions),
    };
    this.connector = connector;
    this.log.info(`starting connector (${s.connectorClass})`);
    void this.read(it);
    this.stream.startLiveness((silent) => {
      this.log.error(`no message from the core for ${silent} ms; ending the stream`);
      void this.sendError(`no message from the core for ${silent} ms`, ErrorKind.FATAL).finally(() => this.done.fire());
    });
    try {
      plugin.config.parse(config);
      await connector.start(config);
    } catch (e) {
      this.log.error("connector start failed", e);
      return this.sendError(e);
    }
    this.started = true;
    if (this.done.fired) return;
    await this.send({ $case: "started", value: {} });
    await this.done.promise;
  }

  private async read(it: AsyncIterator<ConnectorRequest>): Promise<void> {
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        this.stream.received();
        const m = r.value.msg;
        if (m?.$case === "offsets") {
          // Answered here: start() may be waiting for it.
          this.queries.get(Number(m.value.requestId))?.(m.value);
        } else if (m?.$case === "taskConfigs") {
          const max = m.value.maxTasks;
          this.queue = this.queue.then(() => this.taskConfigs(max));
        } else if (m?.$case === "stop") {
          if (m.value.timeoutMs) this.stopTimeoutMs = m.value.timeoutMs;
          break;
        }
      }
    } catch (e) {
      this.log.debug(`reading the stream failed: ${String(e)}`);
    }
    await this.queue;
    this.done.fire();
  }

  private async taskConfigs(maxTasks: number): Promise<void> {
    if (!this.started || this.done.fired) return;
    try {
      let configs = (await this.connector!.taskConfigs(maxTasks)) ?? [];
      if (maxTasks && configs.length > maxTasks) {
        this.log.warn(`taskConfigs returned ${configs.length} configs for maxTasks=${maxTasks}; using the first ${maxTasks}`);
        configs = configs.slice(0, maxTasks);
      }
      const out = configs.map((c: Config) => ({
        config: Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === "string" ? v : formatValue(v as ConfigValue)])),
      }));
      await this.send({ $case: "taskConfigs", value: { configs: out } });
    } catch (e) {
      this.log.error("taskConfigs failed", e);
      await this.sendError(e);
      this.done.fire();
    }
  }

  private async queryOffsets(partitions: SourceMap[]): Promise<(Record<string, unknown> | null)[]> {
    const id = ++this.nextQuery;
    const answered = new Promise<OffsetsAnswer>((resolve) => this.queries.set(id, resolve));
    let answer: OffsetsAnswer;
    try {
      const query = { requestId: BigInt(id), partitions: partitions.map((p) => valueToProto(undefined, p)) };
      await this.send({ $case: "offsetsQuery", value: query });
      answer = await withTimeout(answered, OFFSETS_TIMEOUT_MS, "the core's answer to an offsets query", ConnectError);
    } finally {
      this.queries.delete(id);
    }
    const stored = new Map<string, Record<string, unknown>>();
    for (const o of answer.offsets) if (o.offset) stored.set(partitionKey(mapFromProto(o.partition) ?? {}), mapFromProto(o.offset) ?? {});
    return partitions.map((p) => stored.get(partitionKey(p)) ?? null);
  }

  private async stopConnector(): Promise<void> {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    try {
      await withTimeout(Promise.resolve(this.connector!.stop()), this.stopTimeoutMs, "connector stop()");
    } catch (e) {
      this.log.warn("connector stop() failed", e);
    }
  }
}
