package io.polyconnect.sdk.internal;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The sending side of one protocol stream: serialized sends, heartbeats when nothing else
 * was sent for the heartbeat interval, and the idle check on what the core sends.
 */
final class Stream<R> {
  private static final Logger LOG = Logger.getLogger("polyconnect");
  static final int DEFAULT_HEARTBEAT_MS = 5000;

  private final StreamObserver<R> out;
  private final R heartbeat;
  private volatile long lastSent = System.nanoTime();
  private volatile long lastReceived = System.nanoTime();
  private boolean closed;
  private ScheduledFuture<?> ticker;

  Stream(StreamObserver<R> out, R heartbeat) {
    this.out = out;
    this.heartbeat = heartbeat;
  }

  void received() {
    lastReceived = System.nanoTime();
  }

  /** Starts heartbeats and the idle check; {@code onIdle} runs once when the core went quiet. */
  void configure(ScheduledExecutorService timer, int heartbeatMs, int idleMs, Runnable onIdle) {
    long hb = TimeUnit.MILLISECONDS.toNanos(heartbeatMs > 0 ? heartbeatMs : DEFAULT_HEARTBEAT_MS);
    long idle = TimeUnit.MILLISECONDS.toNanos(idleMs);
    long tick = Math.max(10, Math.min(250, TimeUnit.NANOSECONDS.toMillis(hb) / 4));
    ticker = timer.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      if (now - lastSent >= hb) {
        send(heartbeat);
      }
      if (idle > 0 && now - lastReceived > idle) {
        LOG.severe(String.format("no message from the core for %.1fs; ending the stream", (now - lastReceived) / 1e9));
        stopTicker();
        onIdle.run();
      }
    }, tick, tick, TimeUnit.MILLISECONDS);
  }

  private synchronized void stopTicker() {
    if (ticker != null) ticker.cancel(false);
  }

  /** Sends unless the stream is closed; returns false when it is. */
  synchronized boolean send(R msg) {
    if (closed) return false;
    try {
      out.onNext(msg);
      lastSent = System.nanoTime();
      return true;
    } catch (RuntimeException e) {
      // The call was cancelled (the core went away).
      closed = true;
      stopTicker();
      return false;
    }
  }

  synchronized void complete() {
    if (closed) return;
    closed = true;
    stopTicker();
    try {
      out.onCompleted();
    } catch (RuntimeException ignored) {
      // already cancelled
    }
  }

  /** The core ended or broke the call: nothing more can be sent. */
  synchronized void markClosed() {
    closed = true;
    stopTicker();
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
