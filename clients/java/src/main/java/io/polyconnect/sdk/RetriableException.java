package io.polyconnect.sdk;

/**
 * A temporary failure (RETRIABLE). From a sink's {@code put} the core delivers the same
 * records again after a back-off; from a source's {@code poll} the SDK waits and polls again.
 * {@code retryAfterMs} is a hint; 0 leaves the back-off to the core (or 1 s in a source).
 */
public class RetriableException extends ConnectException {
  private final long retryAfterMs;

  public RetriableException(String message) { this(message, 0); }
  public RetriableException(String message, long retryAfterMs) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
  public RetriableException(String message, Throwable cause) {
    super(message, cause);
    this.retryAfterMs = 0;
  }

  public long retryAfterMs() { return retryAfterMs; }
}
