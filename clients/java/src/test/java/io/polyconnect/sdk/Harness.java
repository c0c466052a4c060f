package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.polyconnect.sdk.internal.Server;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An in-process gRPC server with the SDK's services; the test plays the core. */
final class Harness implements AutoCloseable {
  final io.grpc.Server grpc;
  final ManagedChannel channel;
  final Server server;

  Harness(Plugin... plugins) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = new Server(List.of(plugins), 4 << 20);
    InProcessServerBuilder b = InProcessServerBuilder.forName(name);
    server.services(null).forEach(b::addService);
    grpc = b.build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    grpc.shutdownNow();
    server.shutdown();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** What the connector sent on one stream. */
  static final class Recorder<T> implements StreamObserver<T> {
    final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    static final Object DONE = new Object();

    @Override public void onNext(T v) { queue.add(v); }
    @Override public void onError(Throwable t) { queue.add(t); }
    @Override public void onCompleted() { queue.add(DONE); }

    /** The next message that is not a heartbeat matching {@code skip}. */
    @SuppressWarnings("unchecked")
    T next(Predicate<T> skip) throws InterruptedException {
      while (true) {
        Object o = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "nothing from the connector within 10 s");
        if (o == DONE) throw new AssertionError("the stream ended");
        if (o instanceof Throwable t) throw new AssertionError("the stream failed", t);
        if (!skip.test((T) o)) return (T) o;
      }
    }

    /** Nothing but heartbeats for {@code ms}. */
    void quiet(long ms, Predicate<T> heartbeat) throws InterruptedException {
      long end = System.nanoTime() + ms * 1_000_000;
      while (System.nanoTime() < end) {
        Object o = queue.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (o != null && (o == DONE || o instanceof Throwable || !heartbeat.test((T) o))) {
          throw new AssertionError("unexpected: " + o);
        }
      }
    }

    void awaitDone() throws InterruptedException {
      while (true) {
        Object o = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "the stream did not end within 10 s");
        if (o == DONE) return;
        if (o instanceof Throwable t) throw new AssertionError("the stream failed", t);
      }
    }
  }
}
