// Plumbing shared by the three streams: ordered writes with back-pressure, heartbeats when
// idle and detection of a silent core (protocol rule 8).
import type { ServerDuplexStream } from "@grpc/grpc-js";

export const PROTOCOL_VERSIONS = [1];
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 5000;
export const DEFAULT_STOP_TIMEOUT_MS = 5000;

export class StreamClosed extends Error {
  override name = "StreamClosed";
}

export function versionError(version: number): string {
  return `protocol version ${version} is not supported by this connector process (typescript SDK speaks [${PROTOCOL_VERSIONS.join(", ")}])`;
}

export class Stream<Req> {
  closed = false;
  private lastSent = Date.now();
  private lastReceived = Date.now();
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private idleMs = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly call: ServerDuplexStream<Req, unknown>,
    private heartbeat: Buffer,
  ) {
    const closed = () => (this.closed = true);
    call.on("cancelled", closed);
    call.on("error", closed);
    call.on("close", closed);
  }

  configure(heartbeatMs: number, idleMs: number): void {
    if (heartbeatMs) this.heartbeatMs = heartbeatMs;
    this.idleMs = idleMs;
  }

  received(): void {
    this.lastReceived = Date.now();
  }

  /** Writes one message (or pre-encoded bytes), waiting while the transport is full. */
  async send(msg: unknown): Promise<void> {
    if (this.closed) throw new StreamClosed("the stream is closed");
    this.lastSent = Date.now();
    if (!this.call.write(msg)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.call.off("drain", done);
          this.call.off("close", done);
          resolve();
        };
        this.call.on("drain", done);
        this.call.on("close", done);
      });
    }
  }

  /** Heartbeats when nothing went out for the interval; `onIdle` when nothing came in. */
  startLiveness(onIdle: (silentMs: number) => void): void {
    let tick = Math.min(this.heartbeatMs / 4, 1000);
    if (this.idleMs) tick = Math.min(tick, this.idleMs / 4);
    this.timer = setInterval(() => {
      if (this.closed) return this.stopLiveness();
      const now = Date.now();
      if (now - this.lastSent >= this.heartbeatMs) this.send(this.heartbeat).catch(() => {});
      const silent = now - this.lastReceived;
      if (this.idleMs && silent > this.idleMs) {
        this.stopLiveness();
        onIdle(silent);
      }
    }, Math.max(tick, 10));
    this.timer.unref();
  }

  stopLiveness(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ends our side with an OK status. */
  end(): void {
    this.stopLiveness();
    if (!this.closed) {
      this.closed = true;
      this.call.end();
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A promise with its resolver, for one-shot events. */
export class Signal {
  private resolve!: () => void;
  promise: Promise<void>;
  fired = false;
  constructor() {
    this.promise = new Promise((r) => (this.resolve = r));
  }
  fire(): void {
    this.fired = true;
    this.resolve();
  }
}

/** A wake-up flag: `wait` returns once `set` was called since the last `clear`. */
export class Wake {
  private signal = new Signal();
  set(): void {
    this.signal.fire();
  }
  clear(): void {
    if (this.signal.fired) this.signal = new Signal();
  }
  wait(): Promise<void> {
    return this.signal.promise;
  }
}

/**
 * The core's messages. Not `for await` on the call: a readable's default iterator destroys
 * the stream when reading ends, which would cut our side off before it sent its last
 * messages and status.
 */
export function requests<Req>(call: ServerDuplexStream<Req, unknown>): AsyncIterator<Req> {
  return call.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]() as AsyncIterator<Req>;
}
