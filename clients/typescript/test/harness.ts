// An in-process core: a gRPC client driving the SDK's server over a real local socket.
import * as grpc from "@grpc/grpc-js";
import { ConnectorClient, SinkTaskClient, SourceTaskClient } from "../src/gen/polyconnect/v1/connector.js";
import { startServer, type RunningServer } from "../src/server.js";
import type { ConnectorClass } from "../src/connector.js";

export class Core {
  constructor(
    readonly server: RunningServer,
    readonly address: string,
    private token?: string,
  ) {}

  static async start(connectors: ConnectorClass[], token?: string): Promise<Core> {
    const server = await startServer(connectors, { address: "127.0.0.1:0", token });
    return new Core(server, `127.0.0.1:${server.port}`, token);
  }

  metadata(token = this.token): grpc.Metadata {
    const md = new grpc.Metadata();
    if (token) md.set("authorization", `Bearer ${token}`);
    return md;
  }

  connector(): ConnectorClient {
    return new ConnectorClient(this.address, grpc.credentials.createInsecure());
  }

  source<Req, Res>(): Conversation<Req, Res> {
    const c = new SourceTaskClient(this.address, grpc.credentials.createInsecure());
    return new Conversation(c.run(this.metadata()) as unknown as grpc.ClientDuplexStream<Req, Res>, c);
  }

  sink<Req, Res>(): Conversation<Req, Res> {
    const c = new SinkTaskClient(this.address, grpc.credentials.createInsecure());
    return new Conversation(c.run(this.metadata()) as unknown as grpc.ClientDuplexStream<Req, Res>, c);
  }

  connectorRun<Req, Res>(): Conversation<Req, Res> {
    const c = this.connector();
    return new Conversation(c.run(this.metadata()) as unknown as grpc.ClientDuplexStream<Req, Res>, c);
  }

  stop(): Promise<void> {
    return this.server.stop(1000);
  }
}

/** One stream: send requests, take responses in order (heartbeats skipped unless asked). */
export class Conversation<Req, Res> {
  private queue: Res[] = [];
  private waiting: ((r: Res | undefined) => void)[] = [];
  ended = false;
  status?: grpc.StatusObject;

  constructor(
    readonly call: grpc.ClientDuplexStream<Req, Res>,
    private client: grpc.Client,
  ) {
    call.on("data", (r: Res) => {
      const w = this.waiting.shift();
      if (w) w(r);
      else this.queue.push(r);
    });
    const end = () => {
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    };
    call.on("end", end);
    call.on("error", end);
    call.on("status", (s: grpc.StatusObject) => (this.status = s));
  }

  send(req: Req): void {
    this.call.write(req);
  }

  /** The next response, or undefined when the stream ended. */
  async next(timeoutMs = 5000, heartbeats = false): Promise<Res | undefined> {
    for (;;) {
      const r =
        this.queue.shift() ??
        (this.ended
          ? undefined
          : await new Promise<Res | undefined>((resolve, reject) => {
              const waiter = (x: Res | undefined) => {
                clearTimeout(t);
                resolve(x);
              };
              const t = setTimeout(() => {
                this.waiting.splice(this.waiting.indexOf(waiter), 1);
                reject(new Error(`no response within ${timeoutMs} ms`));
              }, timeoutMs);
              this.waiting.push(waiter);
            }));
      if (r === undefined) return undefined;
      const m = (r as { msg?: { $case: string } }).msg;
      if (!heartbeats && m?.$case === "heartbeat") continue;
      return r;
    }
  }

  /** The next response's message, checking its kind. */
  async expect<K extends string>(kind: K, timeoutMs = 5000): Promise<any> {
    const r = (await this.next(timeoutMs)) as { msg?: { $case: string; value: unknown } } | undefined;
    if (r?.msg?.$case !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(r, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`);
    return r.msg.value;
  }

  close(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
    this.client.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
