package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ConfigType;
import io.polyconnect.protocol.v1.ConnectorGrpc;
import io.polyconnect.protocol.v1.ConnectorRequest;
import io.polyconnect.protocol.v1.ConnectorResponse;
import io.polyconnect.protocol.v1.ConnectorStart;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.HandshakeRequest;
import io.polyconnect.protocol.v1.HandshakeResponse;
import io.polyconnect.protocol.v1.HealthRequest;
import io.polyconnect.protocol.v1.PluginType;
import io.polyconnect.protocol.v1.SpecRequest;
import io.polyconnect.protocol.v1.SpecResponse;
import io.polyconnect.protocol.v1.Stop;
import io.polyconnect.protocol.v1.TaskConfigsRequest;
import io.polyconnect.protocol.v1.ValidateRequest;
import io.polyconnect.protocol.v1.ValidateResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectorServiceTest {
  public static class Rows extends SourceConnector {
    @Override
    public ConfigDef config() {
      return new ConfigDef()
          .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Where to.")
          .define("rows", ConfigDef.Type.INT, 10, ConfigDef.Range.between(1, 100), ConfigDef.Importance.LOW, "How many.");
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
      List<Map<String, String>> out = new ArrayList<>();
      for (int i = 0; i < 5; i++) out.add(Map.of("task", Integer.toString(i)));
      return out;
    }

    @Override public String version() { return "1.2.3"; }
    @Override public Class<? extends SourceTask> taskClass() { return SourceStreamTest.Numbers.Task.class; }
  }

  @Test
  void handshakeSpecValidate() throws Exception {
    try (Harness h = new Harness(Plugin.of(Rows.class))) {
      ConnectorGrpc.ConnectorBlockingStub stub = ConnectorGrpc.newBlockingStub(h.channel);
      HandshakeResponse hs = stub.handshake(HandshakeRequest.newBuilder().addProtocolVersions(2).addProtocolVersions(1)
          .setMaxMessageBytes(1000).build());
      assertEquals(1, hs.getProtocolVersion());
      assertEquals("java", hs.getSdkLanguage());
      assertEquals(1000, hs.getMaxMessageBytes());
      assertEquals("Rows", hs.getPlugins(0).getClassName());
      assertEquals(List.of("io.polyconnect.sdk.ConnectorServiceTest$Rows"), hs.getPlugins(0).getAliasesList());
      assertEquals(PluginType.SOURCE, hs.getPlugins(0).getType());
      assertEquals("1.2.3", hs.getPlugins(0).getVersion());

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> stub.handshake(HandshakeRequest.newBuilder().addProtocolVersions(9).build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("[9]"));

      SpecResponse spec = stub.spec(SpecRequest.newBuilder().setConnectorClass("RowsConnector").build());
      assertEquals(2, spec.getConfigCount());
      assertFalse(spec.getConfig(0).hasDefaultValue());
      assertEquals(ConfigType.INT_CONFIG, spec.getConfig(1).getType());
      assertEquals("10", spec.getConfig(1).getDefaultValue());
      assertEquals(100.0, spec.getConfig(1).getValidator().getRange().getMax());

      ValidateResponse v = stub.validate(ValidateRequest.newBuilder().setConnectorClass("Rows").putConfig("rows", "500").build());
      assertEquals(1, v.getValues(0).getErrorsCount(), v.toString()); // topic is required
      assertTrue(v.getValues(1).getErrors(0).contains("500"), v.toString());

      assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
          () -> stub.spec(SpecRequest.newBuilder().setConnectorClass("Other").build())).getStatus().getCode());
    }
  }

  @Test
  void connectorStreamStartTaskConfigsStop() throws Exception {
    try (Harness h = new Harness(Plugin.of(Rows.class))) {
      Harness.Recorder<ConnectorResponse> rec = new Harness.Recorder<>();
      StreamObserver<ConnectorRequest> core = ConnectorGrpc.newStub(h.channel).run(rec);
      core.onNext(ConnectorRequest.newBuilder().setStart(ConnectorStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("Rows").setConnectorName("r").putConfig("topic", "t")).build());
      assertTrue(rec.next(ConnectorResponse::hasHeartbeat).hasStarted());
      core.onNext(ConnectorRequest.newBuilder().setTaskConfigs(TaskConfigsRequest.newBuilder().setMaxTasks(3)).build());
      ConnectorResponse tc = rec.next(ConnectorResponse::hasHeartbeat);
      assertEquals(3, tc.getTaskConfigs().getConfigsCount());
      assertEquals("2", tc.getTaskConfigs().getConfigs(2).getConfigMap().get("task"));
      core.onNext(ConnectorRequest.newBuilder().setStop(Stop.getDefaultInstance()).build());
      rec.awaitDone();

      // A config the definition refuses: CONFIG, naming the key.
      Harness.Recorder<ConnectorResponse> bad = new Harness.Recorder<>();
      ConnectorGrpc.newStub(h.channel).run(bad).onNext(ConnectorRequest.newBuilder().setStart(ConnectorStart.newBuilder()
          .setProtocolVersion(1).setConnectorClass("Rows").putConfig("topic", "t").putConfig("rows", "x")).build());
      ConnectorResponse err = bad.next(ConnectorResponse::hasHeartbeat);
      assertEquals(ErrorKind.CONFIG, err.getError().getKind());
      assertTrue(err.getError().getMessage().contains("rows"), err.getError().getMessage());
      bad.awaitDone();
    }
  }

  /** Reads its stored offset in start (SourceConnectorContext's reader), refuses negative
   * offsets in alterOffsets, and validates with recommendations and visibility. */
  public static class Offsets extends SourceConnector {
    private String seen;

    @Override public void start(Map<String, String> props) {
      Map<String, Object> o = context().offset(Map.of("p", 1));
      seen = o == null ? "none" : String.valueOf(o.get("n"));
    }
    @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return List.of(Map.of("seen", seen)); }
    @Override public Class<? extends SourceTask> taskClass() { return SourceStreamTest.Numbers.Task.class; }

    @Override
    public boolean alterOffsets(Map<String, String> config, Map<Map<String, ?>, Map<String, ?>> offsets) {
      Map.Entry<Map<String, ?>, Map<String, ?>> e = offsets.entrySet().iterator().next();
      if (((Number) e.getKey().get("p")).intValue() == 2) throw new UnsupportedOperationException();
      Map<String, ?> o = e.getValue();
      if (((Number) o.get("n")).longValue() < 0) throw new ConnectException("negative n for " + config.get("name"));
      return true;
    }

    @Override
    public List<io.polyconnect.sdk.ConfigValue> validateValues(Map<String, String> props) {
      return List.of(new io.polyconnect.sdk.ConfigValue("mode", props.get("mode"), List.of("a", "b"), List.of(), true),
          new io.polyconnect.sdk.ConfigValue("column", null, List.of(), List.of(), "b".equals(props.get("mode"))));
    }
  }

  @Test
  void aSourceConnectorReadsOffsetsAltersThemAndRecommends() throws Exception {
    try (Harness h = new Harness(Plugin.of(Offsets.class), Plugin.of(Rows.class))) {
      Harness.Recorder<ConnectorResponse> rec = new Harness.Recorder<>();
      StreamObserver<ConnectorRequest> core = ConnectorGrpc.newStub(h.channel).run(rec);
      core.onNext(ConnectorRequest.newBuilder().setStart(ConnectorStart.newBuilder().setProtocolVersion(1)
          .setConnectorClass("Offsets").setConnectorName("o")).build());
      // start() asks before Started; the answer lets it go on.
      io.polyconnect.protocol.v1.OffsetsQuery q = rec.next(ConnectorResponse::hasHeartbeat).getOffsetsQuery();
      assertEquals(1, q.getPartitionsCount());
      core.onNext(ConnectorRequest.newBuilder().setOffsets(io.polyconnect.protocol.v1.OffsetsAnswer.newBuilder()
          .setRequestId(q.getRequestId()).addOffsets(io.polyconnect.protocol.v1.SourceOffset.newBuilder()
              .setPartition(q.getPartitions(0))
              .setOffset(io.polyconnect.sdk.internal.Wire.staticAnyToProto(Map.of("n", 41L))))).build());
      assertTrue(rec.next(ConnectorResponse::hasHeartbeat).hasStarted());
      core.onNext(ConnectorRequest.newBuilder().setTaskConfigs(TaskConfigsRequest.newBuilder().setMaxTasks(1)).build());
      assertEquals("41", rec.next(ConnectorResponse::hasHeartbeat).getTaskConfigs().getConfigs(0).getConfigMap().get("seen"));
      core.onNext(ConnectorRequest.newBuilder().setStop(Stop.getDefaultInstance()).build());
      rec.awaitDone();

      ConnectorGrpc.ConnectorBlockingStub stub = ConnectorGrpc.newBlockingStub(h.channel);
      java.util.function.Function<Long, io.polyconnect.protocol.v1.AlterOffsetsResponse> alter = n -> {
        io.polyconnect.protocol.v1.SourceOffset.Builder o = io.polyconnect.protocol.v1.SourceOffset.newBuilder()
            .setPartition(io.polyconnect.sdk.internal.Wire.staticAnyToProto(Map.of("p", n == null ? 2 : 1)));
        if (n != null) o.setOffset(io.polyconnect.sdk.internal.Wire.staticAnyToProto(Map.of("n", n)));
        return stub.alterOffsets(io.polyconnect.protocol.v1.AlterOffsetsRequest.newBuilder().setProtocolVersion(1)
            .setConnectorClass("Offsets").setConnectorName("o").putConfig("name", "o").addSourceOffsets(o).build());
      };
      assertTrue(alter.apply(5L).getAltered());
      io.polyconnect.protocol.v1.AlterOffsetsResponse refused = alter.apply(-1L);
      assertFalse(refused.getAltered());
      assertEquals("negative n for o", refused.getError().getMessage());
      assertTrue(alter.apply(null).getUnsupported());
      // Kafka Connect's default: false, no error.
      io.polyconnect.protocol.v1.AlterOffsetsResponse plain = stub.alterOffsets(io.polyconnect.protocol.v1.AlterOffsetsRequest
          .newBuilder().setProtocolVersion(1).setConnectorClass("Rows").build());
      assertFalse(plain.getAltered());
      assertFalse(plain.hasError());

      ValidateResponse v = stub.validate(ValidateRequest.newBuilder().setConnectorClass("Offsets").putConfig("mode", "b").build());
      assertEquals(List.of("a", "b"), v.getValues(0).getRecommendedValuesList());
      assertEquals("b", v.getValues(0).getValue());
      assertTrue(v.getValues(1).getVisible());
      assertFalse(stub.validate(ValidateRequest.newBuilder().setConnectorClass("Offsets").putConfig("mode", "a").build())
          .getValues(1).getVisible());
    }
  }

  /** The launch contract: a unix socket and a bearer token, as the core gives them. */
  @Test
  void unixSocketWithToken() throws Exception {
    Path dir = Files.createTempDirectory("pc-sdk");
    Path sock = dir.resolve("sub/conn.sock");
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    try (Polyconnect.Running running = Polyconnect.start(List.of(Plugin.of(Rows.class)), "unix:" + sock, "s3cret", 1 << 20)) {
      ManagedChannel ch = NettyChannelBuilder.forAddress(new DomainSocketAddress(sock.toString()))
          .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
      try {
        ConnectorGrpc.ConnectorBlockingStub anonymous = ConnectorGrpc.newBlockingStub(ch);
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
            () -> anonymous.health(HealthRequest.getDefaultInstance())).getStatus().getCode());
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer s3cret");
        ConnectorGrpc.ConnectorBlockingStub authed = anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
        assertTrue(authed.health(HealthRequest.getDefaultInstance()).getServing());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
