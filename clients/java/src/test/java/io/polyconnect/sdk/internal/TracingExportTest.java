package io.polyconnect.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OTEL_* variables, and real OTLP exports over both protocols to in-process receivers. */
class TracingExportTest {
  /** What a receiver got: the request path (or gRPC method) and body. */
  record Request(String path, String contentType, String body) {}

  static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  /** One sampled poll with one record, one put and one flush; then the exporter is closed. */
  static void spans(Tracing t) {
    Tracing.Task task = t.task("traced", 0);
    Tracing.Poll poll = task.poll(task.now(), 1);
    poll.record("topic-a", null, null);
    poll.end();
    t.close();
  }

  @Test
  void offUnlessAnEndpointIsSetAndNotDisabled() {
    String endpoint = "http://127.0.0.1:1";
    assertNull(Tracing.fromEnvironment(env()));
    assertNull(Tracing.fromEnvironment(env("OTEL_SERVICE_NAME", "x", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
    assertNull(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_SDK_DISABLED", "true")));
    assertNull(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_TRACES_EXPORTER", "none")));
    Tracing on = Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint + "/v1/traces",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "200"));
    assertNotNull(on);
    on.close();
  }

  @Test
  void badSettingsTurnTracingOffInsteadOfFailing() {
    String endpoint = "http://127.0.0.1:1";
    assertNull(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL", "pigeon")));
    assertNull(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_TRACES_SAMPLER", "sometimes")));
    assertNull(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_BSP_MAX_QUEUE_SIZE", "many")));
  }

  static HttpServer http(LinkedBlockingQueue<Request> got) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      got.add(new Request(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"),
          new String(body, StandardCharsets.ISO_8859_1)));
      // An empty ExportTraceServiceResponse.
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
    return server;
  }

  @Test
  void httpProtobufAppendsTheTracesPathToTheEndpoint() throws Exception {
    LinkedBlockingQueue<Request> got = new LinkedBlockingQueue<>();
    HttpServer server = http(got);
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      // http/protobuf is the default protocol, polyconnect-connector the default service.
      spans(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)));
      Request r = got.poll(10, TimeUnit.SECONDS);
      assertNotNull(r, "no export within 10 s");
      assertEquals("/v1/traces", r.path());
      assertEquals("application/x-protobuf", r.contentType());
      assertTrue(r.body().contains("polyconnect-connector"), "the default service name");
      assertTrue(r.body().contains("create topic-a"), "the create span");
      assertTrue(r.body().contains("poll"), "the poll span");

      // ..._TRACES_ENDPOINT is the whole URL.
      spans(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint + "/elsewhere",
          "OTEL_SERVICE_NAME", "svc-http")));
      r = got.poll(10, TimeUnit.SECONDS);
      assertNotNull(r, "no export within 10 s");
      assertEquals("/elsewhere", r.path());
      assertTrue(r.body().contains("svc-http"));
    } finally {
      server.stop(0);
    }
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  @Test
  void grpcExportsToATraceService() throws Exception {
    LinkedBlockingQueue<Request> got = new LinkedBlockingQueue<>();
    String method = "opentelemetry.proto.collector.trace.v1.TraceService/Export";
    MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
        .addMethod(export, ServerCalls.asyncUnaryCall((req, out) -> {
          got.add(new Request(method, "application/grpc", new String(req, StandardCharsets.ISO_8859_1)));
          out.onNext(new byte[0]);
          out.onCompleted();
        })).build();
    io.grpc.Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service).build().start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getPort();
      spans(Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
          "OTEL_SERVICE_NAME", "svc-grpc")));
      Request r = got.poll(10, TimeUnit.SECONDS);
      assertNotNull(r, "no export within 10 s");
      assertTrue(r.body().contains("svc-grpc"), "the service name");
      assertTrue(r.body().contains("create topic-a"), "the create span");
    } finally {
      server.shutdownNow();
    }
  }

  /** A collector that accepts connections and never answers costs spans, not records. */
  @Test
  @Timeout(60)
  void aHungCollectorDropsSpansAndShutdownStillEnds() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread accept = new Thread(() -> {
        try {
          while (true) held.add(silent.accept());
        } catch (IOException closed) {
          // the test is over
        }
      });
      accept.setDaemon(true);
      accept.start();
      Tracing t = Tracing.fromEnvironment(env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort(),
          "OTEL_BSP_MAX_QUEUE_SIZE", "16", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8", "OTEL_EXPORTER_OTLP_TIMEOUT", "1000"));
      assertNotNull(t);
      Tracing.Task task = t.task("traced", 0);
      // Far more spans than the queue holds: the record path never waits for the exporter.
      for (int i = 0; i < 2000; i++) {
        Tracing.Poll poll = task.poll(task.now(), 1);
        assertNotNull(poll.record("t", null, null));
        poll.end();
      }
      t.close();
    }
  }
}
