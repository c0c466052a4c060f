// The sink task: records are buffered and POSTed in batches of batch.max.records, or after
// batch.linger.ms; one request at a time, in order. preCommit sends what is buffered and
// returns, per partition, the offset after the last record whose POST succeeded (or that
// was reported as errant after a 4xx), so the core commits nothing that did not arrive.
import { SinkTask, tpKey, type Config, type Offsets, type SinkRecord, type TopicPartition } from "@polyconnect/sdk";
import { HttpClient } from "./client.js";
import { parse, type HttpSinkConfig } from "./config.js";

export class HttpSinkTask extends SinkTask {
  private config!: HttpSinkConfig;
  private client!: HttpClient;
  private buffer: SinkRecord[] = [];
  private linger?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private failure?: unknown;
  private done: Offsets = new Map();

  start(config: Config): void {
    this.config = parse(config);
    this.client = new HttpClient(this.config);
  }

  async put(records: SinkRecord[]): Promise<void> {
    this.check();
    this.buffer.push(...records);
    while (this.buffer.length >= this.config.batchMaxRecords) await this.send(this.buffer.splice(0, this.config.batchMaxRecords));
    if (this.buffer.length && !this.linger) {
      this.linger = setTimeout(() => {
        this.linger = undefined;
        this.send(this.buffer.splice(0)).catch(() => {}); // kept in this.failure
      }, this.config.lingerMs);
    }
  }

  override async preCommit(offsets: Offsets): Promise<Offsets> {
    await this.drain();
    const out: Offsets = new Map();
    for (const k of offsets.keys()) {
      const d = this.done.get(k);
      if (d) out.set(k, d);
    }
    return out;
  }

  override async close(partitions: TopicPartition[]): Promise<void> {
    await this.drain();
    for (const p of partitions) this.done.delete(tpKey(p.topic, p.partition));
  }

  override async stop(): Promise<void> {
    clearTimeout(this.linger);
    await this.sending.catch(() => {});
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async drain(): Promise<void> {
    clearTimeout(this.linger);
    this.linger = undefined;
    while (this.buffer.length) await this.send(this.buffer.splice(0, this.config.batchMaxRecords));
    await this.sending;
    this.check();
  }

  /** Queues a batch behind the one in flight, so requests go out one at a time, in order. */
  private send(batch: SinkRecord[]): Promise<void> {
    if (!batch.length) return this.sending;
    this.sending = this.sending.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.deliver(batch);
      } catch (e) {
        this.failure = e;
      }
    });
    return this.sending.then(() => this.check());
  }

  private async deliver(batch: SinkRecord[]): Promise<void> {
    const outcome = await this.client.post(batch);
    if (outcome.ok) return this.mark(batch);
    if (batch.length > 1) {
      // The server refused the batch: find the records it refuses, one request each.
      for (const r of batch) await this.deliver([r]);
      return;
    }
    this.context.reportErrant(batch[0]!, new Error(`${this.config.url} refused the record: ${outcome.message}`));
    this.mark(batch);
  }

  private mark(batch: SinkRecord[]): void {
    for (const r of batch) {
      // Committed offsets are the consumer's: the coordinates before transforms.
      const [topic, partition] = [r.originalTopic, r.originalKafkaPartition];
      const k = tpKey(topic, partition);
      const next = r.kafkaOffset + 1;
      if ((this.done.get(k)?.offset ?? -1) < next) this.done.set(k, { topic, partition, offset: next });
    }
  }
}
