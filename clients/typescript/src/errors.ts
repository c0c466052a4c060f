// Errors a connector throws; the SDK turns them into the protocol's typed errors
// (protocol rule 6). Anything else thrown is FATAL, with its class name, message and stack.
import { ErrorKind, type Error as ErrorMessage } from "./gen/polyconnect/v1/connector.js";

/** Base class of the SDK's errors (Kafka Connect's ConnectException). */
export class ConnectError extends Error {
  override name = "ConnectError";
}

/**
 * A temporary failure: trying again may succeed. From a sink's `put` the core delivers the
 * same records again; from a source's `poll` the SDK waits and polls again.
 * `retryAfterMs` is a hint of how long to wait (0: the core's own back-off).
 */
export class RetriableError extends ConnectError {
  override name = "RetriableError";
  readonly retryAfterMs: number;
  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = Math.max(0, Math.round(options.retryAfterMs ?? 0));
  }
}

/** An invalid configuration (Kafka's ConfigException): the task or connector fails. */
export class ConfigError extends ConnectError {
  override name = "ConfigError";
}

/** A value that does not match its schema, or a malformed schema. */
export class DataError extends ConnectError {
  override name = "DataError";
}

function kindOf(e: unknown): ErrorKind {
  if (e instanceof RetriableError) return ErrorKind.RETRIABLE;
  if (e instanceof ConfigError) return ErrorKind.CONFIG;
  return ErrorKind.FATAL;
}

/** The protocol `Error` for anything thrown by connector code. */
export function errorMessage(e: unknown, kind?: ErrorKind): ErrorMessage {
  const err = e instanceof Error ? e : undefined;
  let detail = err?.stack ?? "";
  // Keep the cause chain, as a Java trace's "Caused by:".
  let cause = err?.cause;
  for (let i = 0; cause !== undefined && i < 5; i++) {
    detail += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return {
    kind: kind ?? kindOf(e),
    message: err ? err.message || err.name : String(e),
    errorClass: err ? (err.name !== "Error" ? err.name : err.constructor.name) : typeof e,
    detail,
    retryAfterMs: e instanceof RetriableError ? e.retryAfterMs : 0,
    recordSeq: 0n,
    kafkaTopic: "",
    kafkaPartition: 0,
    kafkaOffset: 0n,
  };
}

/** A protocol `Error` with just a message (protocol violations, refusals). */
export function plainError(kind: ErrorKind, message: string): ErrorMessage {
  return { ...errorMessage(new Error(message), kind), errorClass: "", detail: "" };
}
