// The SourceTask.Run stream (lifecycle in connector.proto). Four loops share a session:
// - the reader takes the core's messages: credits wake the sender, acks and commits queue
//   for the acker, Stop starts the drain;
// - the poller calls task.poll() and encodes the records, numbering them 1, 2, 3, ...; it
//   polls again once everything polled so far has gone out, so at most one poll's worth
//   waits for credit;
// - the sender sends pending records in batches while the grant lasts (records and encoded
//   bytes) and each batch fits the negotiated message size;
// - the acker calls commitRecord in seq order and commit on Commit, one at a time.
// Staged stop: on Stop the poller stops (an in-flight poll gets half the stop timeout), the
// sender sends what the grant allows, drops the rest (never acknowledged, so read again
// after a restart) and sends Drained{last_seq}; the acker goes on until the core closes its
// side; then task.stop() and the stream ends.
import type { ServerDuplexStream } from "@grpc/grpc-js";
import {
  ErrorKind,
  SourceResponse,
  type CommitRecords,
  type OffsetsAnswer,
  type SourceOffset,
  type SourceRequest,
} from "../gen/polyconnect/v1/connector.js";
import { SourceConnector, type SourceTask, type SourceTaskContext } from "../connector.js";
import { WorkerTransactionContext, withAction } from "../transactions.js";
import type { SourceMap, SourceRecord } from "../data.js";
import { ConfigError, ConnectError, RetriableError, errorMessage, plainError } from "../errors.js";
import { Logger } from "../log.js";
import type { Plugins } from "../plugins.js";
import { TraceContext as TraceContextProto } from "../gen/polyconnect/v1/data.js";
import { flushTracing, pollTrace, spanClock, tracingEnabled } from "../tracing.js";
import { SourceRecordEncoder, mapFromProto, partitionKey, valueToProto } from "../wire.js";
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_STOP_TIMEOUT_MS, PROTOCOL_VERSIONS, Signal, Stream, StreamClosed, Wake, sleep, versionError, requests } from "./stream.js";

const HEARTBEAT = Buffer.from(SourceResponse.encode({ msg: { $case: "heartbeat", value: {} } }).finish());
const STARTED = Buffer.from(SourceResponse.encode({ msg: { $case: "started", value: {} } }).finish());
// SourceResponse{batch} and SourceBatch{records} framing: a tag and up to 5 length bytes each,
// and room for the batch's trace context (a poll span's traceparent: 59 bytes framed).
const FRAME_OVERHEAD = 12 + 64;
const DEFAULT_RETRY_MS = 500;
const QUICK_POLL_MS = 5;
const MAX_EMPTY_WAIT_MS = 100;
const OFFSETS_TIMEOUT_MS = 60_000;

type Pending = { seq: number; bytes: Uint8Array; record?: SourceRecord };
type AckItem = CommitRecords | bigint | null;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function putVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** SourceResponse{batch: SourceBatch{records, trace}} around already encoded records
 * (`size`: their framed length) and an encoded TraceContext. */
function batchFrame(records: Uint8Array[], size: number, trace?: Uint8Array): Buffer {
  if (trace) size += 1 + varintLength(trace.length) + trace.length;
  const out = Buffer.allocUnsafe(1 + varintLength(size) + size);
  let pos = putVarint(out, (out[0] = 0x12, 1), size);
  for (const r of records) {
    out[pos++] = 0x0a;
    pos = putVarint(out, pos, r.length);
    out.set(r, pos);
    pos += r.length;
  }
  if (trace) {
    out[pos++] = 0x12;
    pos = putVarint(out, pos, trace.length);
    out.set(trace, pos);
  }
  return out;
}

export class SourceSession {
  private stream: Stream<SourceRequest>;
  private log = new Logger("source");
  private task?: SourceTask;
  private encoder!: SourceRecordEncoder;
  private maxBytes: number;
  private started = false;
  private done = new Signal();
  // Flow control.
  private creditRecords = 0;
  private creditBytes = 0;
  private pending: Pending[] = [];
  private pendingHead = 0;
  private nextSeq = 0;
  private lastSentSeq = 0;
  // With tracing on: the last seq and encoded poll-span context of the polls whose records
  // are not all sent yet; a batch carries the context of the poll of its first record.
  private pollTraces: { lastSeq: number; trace: Uint8Array }[] = [];
  private connectorName = "";
  private taskId = 0;
  private wakeSender = new Wake();
  private wakePoller = new Wake();
  // Acks.
  private acks: AckItem[] = [];
  private wakeAcker = new Wake();
  private inflight = new Map<number, SourceRecord>();
  private ackedSeq = 0;
  private committedSeq = 0n;
  // Offsets.
  private offsets = new Map<string, Record<string, unknown> | null>();
  /** Connector-defined transaction boundaries; null otherwise. */
  private txn: WorkerTransactionContext | null = null;
  private queries = new Map<number, () => void>();
  private nextQuery = 0;
  // Stop.
  private stopping = false;
  private draining = false;
  private failed = false;
  private stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS;
  private poller?: Promise<void>;

  constructor(
    private plugins: Plugins,
    private call: ServerDuplexStream<SourceRequest, unknown>,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    this.stream = new Stream(call, HEARTBEAT);
    this.maxBytes = maxMessageBytes;
  }

  async run(): Promise<void> {
    try {
      await this.runInner();
    } catch (e) {
      if (!(e instanceof StreamClosed)) await this.fail(e, "the source stream");
    } finally {
      this.stream.stopLiveness();
      if (this.started && this.task) {
        try {
          await withTimeout(Promise.resolve(this.task.stop()), this.stopTimeoutMs, "task.stop()");
        } catch (e) {
          this.log.warn("task.stop() failed", e);
        }
      }
      this.stream.end();
      this.log.info("source task stream ended");
      // The task's last spans go out now rather than with the next batch or at exit.
      void flushTracing();
    }
  }

  private async runInner(): Promise<void> {
    const it = requests<SourceRequest>(this.call);
    const first = await it.next();
    if (first.done) return;
    const m = first.value.msg;
    if (m?.$case !== "start") return this.sendError(plainError(ErrorKind.FATAL, "the first message of a SourceTask stream must be SourceStart"));
    const s = m.value;
    this.log = new Logger(`${s.connectorName}|task-${s.taskId}`);
    [this.connectorName, this.taskId] = [s.connectorName, s.taskId];
    if (!PROTOCOL_VERSIONS.includes(s.protocolVersion)) return this.sendError(plainError(ErrorKind.CONFIG, versionError(s.protocolVersion)));
    const plugin = this.plugins.find(s.connectorClass, SourceConnector) as typeof SourceConnector | undefined;
    if (!plugin) return this.sendError(plainError(ErrorKind.CONFIG, `this connector process does not serve a source connector named '${s.connectorClass}'`));
    this.stream.configure(s.heartbeatIntervalMs, s.idleTimeoutMs);
    if (s.maxMessageBytes) this.maxBytes = Math.min(Number(s.maxMessageBytes), this.maxBytes);
    const caps = s.capabilities;
    this.encoder = new SourceRecordEncoder(!!caps?.schemaReferences, !!caps?.rawBytes, !!caps?.traceContext);
    for (const o of s.offsets) this.remember(o);

    const task = new plugin.taskClass();
    this.txn = s.transactionContext ? new WorkerTransactionContext() : null;
    task.context = this.context(s.connectorName, s.taskId);
    this.task = task;
    this.log.info(`starting source task (${s.connectorClass})`);
    void this.read(it);
    this.stream.startLiveness((silent) => this.onIdle(silent));
    try {
      await task.start({ ...s.config });
    } catch (e) {
      this.log.error("task.start() failed", e);
      return this.sendError(errorMessage(e));
    }
    this.started = true;
    if (this.done.fired) return;
    await this.stream.send(STARTED);
    this.poller = this.guard(this.pollLoop());
    void this.guard(this.sendLoop());
    void this.guard(this.ackLoop());
    if (this.stopping) void this.guard(this.drain());
    await this.done.promise;
  }

  private context(connectorName: string, taskId: number): SourceTaskContext {
    return {
      connectorName,
      taskId,
      transactionContext: () => this.txn,
      offset: (p: SourceMap) => this.offsets.get(partitionKey(p)) ?? null,
      queryOffsets: (ps: SourceMap[]) => this.queryOffsets(ps),
    };
  }

  private guard(p: Promise<void>): Promise<void> {
    return p.catch(async (e) => {
      if (!(e instanceof StreamClosed)) await this.fail(e, "the source stream");
      this.done.fire();
    });
  }

  private onIdle(silent: number): void {
    this.log.error(`no message from the core for ${silent} ms; ending the stream`);
    void this.sendError(plainError(ErrorKind.FATAL, `no message from the core for ${silent} ms`)).finally(() => this.done.fire());
  }

  private async sendError(err: ReturnType<typeof errorMessage>): Promise<void> {
    this.failed = true;
    try {
      await this.stream.send(SourceResponse.encode({ msg: { $case: "error", value: err } }).finish());
    } catch {
      // the core is gone; nobody to tell
    }
  }

  private async fail(e: unknown, what: string): Promise<void> {
    this.log.error(`${what} failed`, e);
    await this.sendError(errorMessage(e));
    this.done.fire();
  }

  // ------------------------------------------------------------------ reader

  private async read(it: AsyncIterator<SourceRequest>): Promise<void> {
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        this.stream.received();
        const m = r.value.msg;
        switch (m?.$case) {
          case "credit":
            this.creditRecords += m.value.records;
            this.creditBytes += Number(m.value.bytes);
            this.wakeSender.set();
            break;
          case "commitRecords":
            this.pushAck(m.value);
            break;
          case "commit":
            this.pushAck(m.value.upToSeq);
            break;
          case "offsets":
            this.onOffsets(m.value);
            break;
          case "stop":
            this.beginStop(m.value.timeoutMs);
            break;
          case "start":
            this.log.warn("ignoring a second SourceStart on the same stream");
            break;
        }
      }
    } catch (e) {
      this.log.debug(`reading the stream failed: ${String(e)}`);
    }
    // The core closed its side: no more acks will come.
    this.beginStop(0);
    this.pushAck(null);
    if (!this.started) this.done.fire();
  }

  // ------------------------------------------------------------------ polling

  private get pendingCount(): number {
    return this.pending.length - this.pendingHead;
  }

  private async pollLoop(): Promise<void> {
    const task = this.task!;
    let empty = 0;
    while (!this.stopping) {
      if (this.pendingCount > 0) {
        this.wakePoller.clear();
        if (this.pendingCount > 0 && !this.stopping) await this.wakePoller.wait();
        continue;
      }
      const started = Date.now();
      // The poll span starts before poll() but is made only when records came back.
      const spanStart = tracingEnabled() ? spanClock() : 0;
      let records: SourceRecord[] | null | undefined;
      try {
        records = await task.poll();
        if (records && records.length) this.encode(records, spanStart);
      } catch (e) {
        if (e instanceof RetriableError) {
          const delay = e.retryAfterMs || DEFAULT_RETRY_MS;
          this.log.warn(`poll() threw a retriable error; polling again in ${delay} ms`, e);
          await this.stream.send(SourceResponse.encode({ msg: { $case: "error", value: errorMessage(e) } }).finish());
          await sleep(delay);
          continue;
        }
        if (this.stopping) return this.log.warn("poll() failed while stopping", e);
        return this.fail(e, "poll()");
      }
      if (records && records.length) {
        empty = 0;
        this.wakeSender.set();
        await new Promise((r) => setImmediate(r));
      } else if (Date.now() - started < QUICK_POLL_MS) {
        // poll() returned nothing without waiting: back off (1 ms doubling up to 100 ms)
        // rather than spin; the next records reset it.
        empty++;
        await sleep(Math.min(2 ** Math.min(empty, 7), MAX_EMPTY_WAIT_MS));
      } else {
        empty = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  private encode(records: SourceRecord[], spanStart: number): void {
    const limit = this.maxBytes - FRAME_OVERHEAD;
    const keep = typeof this.task!.commitRecord === "function";
    let seq = this.nextSeq;
    const out: Pending[] = [];
    const pt = spanStart ? pollTrace(this.connectorName, this.taskId, records.length, spanStart) : undefined;
    try {
      for (const r of records) {
        seq++;
        // Unsampled polls cost one test per record: only records with a context of their own
        // (the source system's) may still need a span.
        const bytes = this.encoder.encode(r, BigInt(seq), pt && (pt.sampled || r.trace) ? pt.record(r) : undefined);
        if (bytes.length > limit) {
          throw new ConfigError(`a record of ${bytes.length} bytes (topic ${r.topic}) does not fit in the negotiated maximum message size of ${this.maxBytes} bytes`);
        }
        out.push(keep ? { seq, bytes, record: r } : { seq, bytes });
      }
      if (this.txn) {
        for (const [i, action] of this.txn.actions(records)) out[i]!.bytes = withAction(out[i]!.bytes, action);
      }
    } catch (e) {
      pt?.end(e);
      throw e;
    }
    if (pt) {
      pt.end();
      this.pollTraces.push({ lastSeq: seq, trace: TraceContextProto.encode(pt.trace as TraceContextProto).finish() });
    }
    this.nextSeq = seq;
    if (this.pendingHead > 0 && this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    }
    for (const p of out) this.pending.push(p);
  }

  // ------------------------------------------------------------------ sending

  private async sendLoop(): Promise<void> {
    for (;;) {
      await this.wakeSender.wait();
      this.wakeSender.clear();
      await this.sendAvailable();
      if (this.draining) break;
    }
    const dropped = this.pendingCount;
    if (dropped) this.log.info(`dropping ${dropped} polled records that had no credit left at stop; they are read again after a restart`);
    this.pending = [];
    this.pendingHead = 0;
    this.log.info(`drained: last seq ${this.lastSentSeq}`);
    await this.stream.send(SourceResponse.encode({ msg: { $case: "drained", value: { lastSeq: BigInt(this.lastSentSeq) } } }).finish());
    // The core sends the final acks and commit, then closes its side within its stop
    // timeout; past that (and a margin) it has given up on a clean stop.
    const t = setTimeout(() => {
      if (this.done.fired) return;
      this.log.warn(`the core did not close the stream within ${this.stopTimeoutMs} ms of Drained; stopping`);
      this.done.fire();
    }, this.stopTimeoutMs + 1000);
    t.unref();
  }

  private async sendAvailable(): Promise<void> {
    const limit = this.maxBytes - FRAME_OVERHEAD;
    while (this.pendingCount > 0 && this.creditRecords > 0 && !this.failed) {
      const batch: Uint8Array[] = [];
      let size = 0;
      let nbytes = 0;
      let last = 0;
      while (this.pendingCount > 0 && batch.length < this.creditRecords) {
        const p = this.pending[this.pendingHead]!;
        const n = p.bytes.length;
        if (nbytes + n > this.creditBytes) break;
        const framed = 1 + varintLength(n) + n;
        if (batch.length && size + framed > limit) break;
        this.pending[this.pendingHead++] = undefined as unknown as Pending;
        batch.push(p.bytes);
        size += framed;
        nbytes += n;
        last = p.seq;
        if (p.record) this.inflight.set(p.seq, p.record);
      }
      if (batch.length === 0) break; // waiting for byte credit
      this.creditRecords -= batch.length;
      this.creditBytes -= nbytes;
      const first = this.lastSentSeq + 1;
      this.lastSentSeq = last;
      await this.stream.send(batchFrame(batch, size, this.pollTraces.length ? this.batchTrace(first) : undefined));
    }
    if (this.pendingCount === 0) this.wakePoller.set();
  }

  /** The encoded context of the poll that made record `first`. */
  private batchTrace(first: number): Uint8Array | undefined {
    let i = 0;
    while (i < this.pollTraces.length && this.pollTraces[i]!.lastSeq < first) i++;
    if (i) this.pollTraces.splice(0, i);
    return this.pollTraces[0]?.trace;
  }

  private beginStop(timeoutMs: number): void {
    if (this.stopping) return;
    this.stopping = true;
    if (timeoutMs) this.stopTimeoutMs = timeoutMs;
    this.wakePoller.set();
    if (this.started) void this.guard(this.drain());
  }

  private async drain(): Promise<void> {
    if (this.poller) {
      const half = this.stopTimeoutMs / 2;
      const finished = await Promise.race([this.poller.then(() => true), sleep(half).then(() => false)]);
      if (!finished) this.log.warn(`poll() did not return within ${half} ms of Stop; its records are not sent`);
    }
    this.draining = true;
    this.wakeSender.set();
  }

  // ------------------------------------------------------------------ acks

  private pushAck(item: AckItem): void {
    this.acks.push(item);
    this.wakeAcker.set();
  }

  private async ackLoop(): Promise<void> {
    const task = this.task!;
    for (;;) {
      if (this.acks.length === 0) {
        this.wakeAcker.clear();
        await this.wakeAcker.wait();
        continue;
      }
      const item = this.acks.shift()!;
      if (item === null) break;
      if (typeof item === "bigint") {
        if (item > this.committedSeq) {
          this.committedSeq = item;
          if (task.commit) {
            try {
              await task.commit();
            } catch (e) {
              this.log.error("task.commit() failed", e);
            }
          }
        }
        continue;
      }
      for (const a of item.acks) {
        const seq = Number(a.seq);
        if (seq <= this.ackedSeq) continue; // already seen: acks are idempotent
        this.ackedSeq = seq;
        const rec = this.inflight.get(seq);
        if (rec === undefined || !task.commitRecord) continue;
        this.inflight.delete(seq);
        try {
          await task.commitRecord(rec, a.filtered ? null : { topic: a.topic, partition: a.partition, offset: Number(a.offset) });
        } catch (e) {
          this.log.error("task.commitRecord() failed", e);
        }
      }
    }
    this.done.fire();
  }

  // ------------------------------------------------------------------ offsets

  private remember(o: SourceOffset): void {
    this.offsets.set(partitionKey(mapFromProto(o.partition)), o.offset ? mapFromProto(o.offset) : null);
  }

  private onOffsets(answer: OffsetsAnswer): void {
    for (const o of answer.offsets) this.remember(o);
    this.queries.get(Number(answer.requestId))?.();
  }

  private async queryOffsets(partitions: SourceMap[]): Promise<(Record<string, unknown> | null)[]> {
    const missing = partitions.filter((p) => !this.offsets.has(partitionKey(p)));
    if (missing.length) {
      const id = ++this.nextQuery;
      const answered = new Promise<void>((resolve) => this.queries.set(id, resolve));
      try {
        const query = { requestId: BigInt(id), partitions: missing.map((p) => valueToProto(undefined, p)) };
        await this.stream.send(SourceResponse.encode({ msg: { $case: "offsetsQuery", value: query } }).finish());
        await withTimeout(answered, OFFSETS_TIMEOUT_MS, "the core's answer to an offsets query", ConnectError);
      } finally {
        this.queries.delete(id);
      }
      for (const p of missing) if (!this.offsets.has(partitionKey(p))) this.offsets.set(partitionKey(p), null);
    }
    return partitions.map((p) => this.offsets.get(partitionKey(p)) ?? null);
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string, E: new (m: string) => Error = Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new E(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
