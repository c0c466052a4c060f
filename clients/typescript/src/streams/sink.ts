// The SinkTask.Run stream (lifecycle in connector.proto). The reader queues the core's
// messages; one worker runs them against the task strictly in order (open, put, flush,
// close, stop), like Kafka Connect's single task thread. Records reported with
// context.reportErrant go out before the PutDone of their Put.
//
// Several Puts may be in flight (maxInflightPuts, 4 by default), so Puts after one that put
// answered with RetriableError may be here before its redelivery. They are held back:
// answered RETRIABLE at once (retryAfterMs 0) without reaching the task, and the core
// delivers them again after it, so the task sees the records in order.
//
// Errant records and the context's requests (offset, pause, resume, requestCommit) share
// one outbox, written in call order and always before the next PutDone/Flushed; a context
// request is written at once (once SinkStarted is out), errant records at the end of their put.
//
// A failing flush/preCommit is a failed flush, as Kafka Connect's "rewinding to last
// committed offsets": the SDK answers Flushed with the error and no offsets, the core
// commits nothing and delivers the records after the committed offsets again, and the task
// keeps running. Only a ConfigError still fails the task.
import type { ServerDuplexStream } from "@grpc/grpc-js";
import { ErrorKind, SinkResponse, type SinkContext, type SinkRequest, type TopicPartitionOffset } from "../gen/polyconnect/v1/connector.js";
import { DEFAULT_MAX_INFLIGHT_PUTS, SinkConnector, type SinkTask, type SinkTaskContext } from "../connector.js";
import { tpKey, type Offsets, type SinkRecord, type TopicPartition } from "../data.js";
import { ConfigError, RetriableError, errorMessage, plainError } from "../errors.js";
import { Logger } from "../log.js";
import type { Plugins } from "../plugins.js";
import { flushTracing, putTrace, withFlushSpan } from "../tracing.js";
import { SinkRecordDecoder } from "../wire.js";
import { DEFAULT_STOP_TIMEOUT_MS, PROTOCOL_VERSIONS, Signal, Stream, StreamClosed, Wake, versionError, requests } from "./stream.js";
import { withTimeout } from "./source.js";

const HEARTBEAT = Buffer.from(SinkResponse.encode({ msg: { $case: "heartbeat", value: {} } }).finish());

type Response = NonNullable<SinkResponse["msg"]>;

export class SinkSession {
  private stream: Stream<SinkRequest>;
  private log = new Logger("sink");
  private task?: SinkTask;
  private started = false;
  private stopped = false;
  private done = new Signal();
  private work: (SinkRequest | null)[] = [];
  private wakeWorker = new Wake();
  private assigned = new Map<string, TopicPartition>();
  /** Errant records and context requests, in call order. */
  private outbox: Response[] = [];
  /** SinkStarted went out: context requests are written at once. */
  private live = false;
  private decoder = new SinkRecordDecoder();
  private stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS;
  private connectorName = "";
  private taskId = 0;
  /** Put ids answered RETRIABLE and not yet delivered again: a later Put is held back. */
  private awaiting = new Set<bigint>();
  /** SinkTaskContext.timeout: the back-off after the next retriable put; -1: none. */
  private retryTimeoutMs = -1;

  constructor(
    private plugins: Plugins,
    private call: ServerDuplexStream<SinkRequest, unknown>,
  ) {
    this.stream = new Stream(call, HEARTBEAT);
  }

  async run(): Promise<void> {
    try {
      await this.runInner();
    } catch (e) {
      if (!(e instanceof StreamClosed)) await this.fail(e, "the sink stream");
    } finally {
      this.stream.stopLiveness();
      if (this.started && !this.stopped) {
        try {
          await withTimeout(this.stopTask(), this.stopTimeoutMs, "task.stop()");
        } catch (e) {
          this.log.warn("stopping the task failed", e);
        }
      }
      this.stream.end();
      this.awaiting.clear();
      this.log.info("sink task stream ended");
      // The task's last spans go out now rather than with the next batch or at exit.
      void flushTracing();
    }
  }

  private send(msg: Response): Promise<void> {
    return this.stream.send(SinkResponse.encode({ msg }).finish());
  }

  private async runInner(): Promise<void> {
    const it = requests<SinkRequest>(this.call);
    const first = await it.next();
    if (first.done) return;
    const m = first.value.msg;
    if (m?.$case !== "start") return this.sendError(plainError(ErrorKind.FATAL, "the first message of a SinkTask stream must be SinkStart"));
    const s = m.value;
    this.log = new Logger(`${s.connectorName}|task-${s.taskId}`);
    [this.connectorName, this.taskId] = [s.connectorName, s.taskId];
    if (!PROTOCOL_VERSIONS.includes(s.protocolVersion)) return this.sendError(plainError(ErrorKind.CONFIG, versionError(s.protocolVersion)));
    const plugin = this.plugins.find(s.connectorClass, SinkConnector) as typeof SinkConnector | undefined;
    if (!plugin) return this.sendError(plainError(ErrorKind.CONFIG, `this connector process does not serve a sink connector named '${s.connectorClass}'`));
    this.stream.configure(s.heartbeatIntervalMs, s.idleTimeoutMs);
    const task = new plugin.taskClass();
    task.context = this.context(s.connectorName, s.taskId);
    this.task = task;
    this.log.info(`starting sink task (${s.connectorClass})`);
    void this.read(it);
    this.stream.startLiveness((silent) => {
      this.log.error(`no message from the core for ${silent} ms; ending the stream`);
      void this.sendError(plainError(ErrorKind.FATAL, `no message from the core for ${silent} ms`)).finally(() => this.done.fire());
    });
    try {
      await task.start({ ...s.config });
    } catch (e) {
      this.log.error("task.start() failed", e);
      return this.sendError(errorMessage(e));
    }
    this.started = true;
    if (this.done.fired) return;
    await this.send({ $case: "started", value: { maxInflightPuts: Math.max(1, Math.floor(task.maxInflightPuts ?? DEFAULT_MAX_INFLIGHT_PUTS)) } });
    this.live = true;
    await this.sendPending(); // requests made in start()
    void this.worker().catch(async (e) => {
      if (!(e instanceof StreamClosed)) await this.fail(e, "the sink stream");
      this.done.fire();
    });
    await this.done.promise;
  }

  /** The lowest put id that awaits redelivery. */
  private firstAwaiting(): bigint | undefined {
    let first: bigint | undefined;
    for (const id of this.awaiting) if (first === undefined || id < first) first = id;
    return first;
  }

  private async sendError(err: ReturnType<typeof errorMessage>, putId = 0n): Promise<void> {
    try {
      await this.send({ $case: "error", value: { error: err, putId } });
    } catch {
      // the core is gone; nobody to tell
    }
  }

  private async fail(e: unknown, what: string, kind?: ErrorKind): Promise<void> {
    this.log.error(`${what} failed`, e);
    await this.sendError(errorMessage(e, kind));
    this.done.fire();
  }

  private async stopTask(): Promise<void> {
    this.stopped = true;
    const task = this.task!;
    if (this.assigned.size && task.close) {
      const parts = [...this.assigned.values()];
      this.assigned.clear();
      try {
        await task.close(parts);
      } catch (e) {
        this.log.error("task.close() failed", e);
      }
    }
    await task.stop();
  }

  private async read(it: AsyncIterator<SinkRequest>): Promise<void> {
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        this.stream.received();
        const kind = r.value.msg?.$case;
        if (kind === "heartbeat" || kind === undefined) continue;
        if (kind === "start") {
          this.log.warn("ignoring a second SinkStart on the same stream");
          continue;
        }
        if (r.value.msg?.$case === "stop" && r.value.msg.value.timeoutMs) this.stopTimeoutMs = r.value.msg.value.timeoutMs;
        this.work.push(r.value);
        this.wakeWorker.set();
      }
    } catch (e) {
      this.log.debug(`reading the stream failed: ${String(e)}`);
    }
    this.work.push(null);
    this.wakeWorker.set();
    if (!this.started) this.done.fire();
  }

  private async worker(): Promise<void> {
    const task = this.task!;
    for (;;) {
      if (this.work.length === 0) {
        this.wakeWorker.clear();
        await this.wakeWorker.wait();
        continue;
      }
      const req = this.work.shift()!;
      const m = req?.msg;
      if (!m) break; // the core closed its side without Stop
      switch (m.$case) {
        case "put": {
          const putId = m.value.putId;
          this.awaiting.delete(putId); // a redelivery
          const first = this.firstAwaiting();
          if (first !== undefined && putId > first) {
            // Held back. Its records are still decoded for the schemas they define (a
            // redelivery may refer to them).
            try {
              for (const r of m.value.records) this.decoder.decode(r);
            } catch (e) {
              return this.fail(e, "decoding a put");
            }
            this.awaiting.add(putId);
            this.log.debug(`put ${putId} held back: put ${first} awaits redelivery`);
            await this.sendPending();
            await this.sendError(plainError(ErrorKind.RETRIABLE, `put ${putId} held back: put ${first} awaits redelivery (order kept)`), putId);
            continue;
          }
          const pt = putTrace(this.connectorName, this.taskId, m.value.trace, m.value.records);
          try {
            await task.put(m.value.records.map((r) => this.decoder.decode(r)));
          } catch (e) {
            pt?.end(e);
            await this.sendPending();
            if (e instanceof RetriableError) {
              this.log.warn("put() threw a retriable error; the core delivers the records again", e);
              this.awaiting.add(putId);
              const err = errorMessage(e);
              // SinkTaskContext.timeout(ms): the back-off before this put comes again, once.
              const timeout = this.retryTimeoutMs;
              this.retryTimeoutMs = -1;
              if (err.retryAfterMs === 0 && timeout > 0) err.retryAfterMs = Math.min(timeout, 2 ** 31 - 1);
              await this.sendError(err, putId);
              continue;
            }
            return this.fail(e, "put()");
          }
          this.retryTimeoutMs = -1;
          pt?.end();
          await this.sendPending();
          await this.send({ $case: "putDone", value: { putId } });
          break;
        }
        case "flush": {
          const offsets: Offsets = new Map();
          for (const o of m.value.offsets) offsets.set(tpKey(o.topic, o.partition), { topic: o.topic, partition: o.partition, offset: Number(o.offset) });
          let committed: Offsets;
          try {
            committed = await withFlushSpan(this.connectorName, this.taskId, offsets.size, m.value.trace, async () => {
              if (task.preCommit) return (await task.preCommit(offsets)) ?? new Map();
              await task.flush?.(offsets);
              return offsets;
            });
          } catch (e) {
            await this.sendPending();
            if (e instanceof ConfigError) return this.fail(e, "flush()");
            // A failed flush: nothing is committed, the core rewinds, the task goes on.
            this.log.error("flush() failed; the core commits nothing and rewinds to the last committed offsets", e);
            await this.send({ $case: "flushed", value: { flushId: m.value.flushId, offsets: [], error: errorMessage(e, ErrorKind.RETRIABLE) } });
            break;
          }
          await this.sendPending();
          const out: TopicPartitionOffset[] = [...committed.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset) }));
          await this.send({ $case: "flushed", value: { flushId: m.value.flushId, offsets: out, error: undefined } });
          break;
        }
        case "open":
        case "close": {
          const parts = m.value.partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
          for (const p of parts) {
            if (m.$case === "open") this.assigned.set(tpKey(p.topic, p.partition), p);
            else this.assigned.delete(tpKey(p.topic, p.partition));
          }
          try {
            await (m.$case === "open" ? task.open?.(parts) : task.close?.(parts));
          } catch (e) {
            await this.sendPending();
            return this.fail(e, `${m.$case}()`);
          }
          break;
        }
        case "stop":
          try {
            await this.stopTask();
          } catch (e) {
            this.log.error("task.stop() failed", e);
          }
          await this.sendPending();
          this.done.fire();
          return;
      }
    }
    this.done.fire();
  }

  private context(connectorName: string, taskId: number): SinkTaskContext {
    const request = (c: Partial<SinkContext>) => this.request(c);
    return {
      connectorName,
      taskId,
      reportErrant: (record: SinkRecord, error: unknown) => {
        const err = errorMessage(error, ErrorKind.RECORD);
        err.kafkaTopic = record.originalTopic;
        err.kafkaPartition = record.originalKafkaPartition;
        err.kafkaOffset = BigInt(record.kafkaOffset);
        this.outbox.push({
          $case: "errant",
          value: { topic: record.originalTopic, kafkaPartition: record.originalKafkaPartition, kafkaOffset: BigInt(record.kafkaOffset), error: err },
        });
      },
      offset(offsets: Offsets | Iterable<TopicPartition & { offset: number }> | TopicPartition, offset?: number): void {
        const list =
          offset !== undefined
            ? [{ ...(offsets as TopicPartition), offset }]
            : offsets instanceof Map
              ? [...offsets.values()]
              : [...(offsets as Iterable<TopicPartition & { offset: number }>)];
        if (list.length) request({ offsets: list.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset) })) });
      },
      pause: (...partitions: TopicPartition[]) => {
        if (partitions.length) request({ pause: partitions.map(({ topic, partition }) => ({ topic, partition })) });
      },
      resume: (...partitions: TopicPartition[]) => {
        if (partitions.length) request({ resume: partitions.map(({ topic, partition }) => ({ topic, partition })) });
      },
      requestCommit: () => request({ requestCommit: true }),
      assignment: () => [...this.assigned.values()].map((p) => ({ ...p })),
      timeout: (ms: number) => {
        this.retryTimeoutMs = ms;
      },
    };
  }

  /** Queues a SinkContext and writes it at once when the stream is live. */
  private request(c: Partial<SinkContext>): void {
    this.outbox.push({ $case: "context", value: { offsets: [], pause: [], resume: [], requestCommit: false, ...c } });
    if (this.live && !this.stream.closed) this.sendPending().catch(() => {});
  }

  /** Writes the outbox in order (each write happens now; the promise waits for room). */
  private sendPending(): Promise<void> {
    const sends: Promise<void>[] = [];
    while (this.outbox.length) sends.push(this.send(this.outbox.shift()!));
    return Promise.all(sends).then(() => undefined);
  }
}
