package io.polyconnect.sdk.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.Capabilities;
import io.polyconnect.protocol.v1.ConfigKey;
import io.polyconnect.protocol.v1.ConfigType;
import io.polyconnect.protocol.v1.ConfigValue;
import io.polyconnect.protocol.v1.ConnectorGrpc;
import io.polyconnect.protocol.v1.ConnectorRequest;
import io.polyconnect.protocol.v1.ConnectorResponse;
import io.polyconnect.protocol.v1.HandshakeRequest;
import io.polyconnect.protocol.v1.HandshakeResponse;
import io.polyconnect.protocol.v1.HealthRequest;
import io.polyconnect.protocol.v1.HealthResponse;
import io.polyconnect.protocol.v1.Importance;
import io.polyconnect.protocol.v1.NonEmptyString;
import io.polyconnect.protocol.v1.PluginInfo;
import io.polyconnect.protocol.v1.PluginType;
import io.polyconnect.protocol.v1.SinkRequest;
import io.polyconnect.protocol.v1.SinkResponse;
import io.polyconnect.protocol.v1.SinkTaskGrpc;
import io.polyconnect.protocol.v1.SourceRequest;
import io.polyconnect.protocol.v1.SourceResponse;
import io.polyconnect.protocol.v1.SourceTaskGrpc;
import io.polyconnect.protocol.v1.SpecRequest;
import io.polyconnect.protocol.v1.SpecResponse;
import io.polyconnect.protocol.v1.ValidList;
import io.polyconnect.protocol.v1.ValidString;
import io.polyconnect.protocol.v1.ValidateRequest;
import io.polyconnect.protocol.v1.ValidateResponse;
import io.polyconnect.protocol.v1.Width;
import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.Connector;
import io.polyconnect.sdk.Plugin;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The three services of the protocol for a set of plugins. */
public final class Server {
  private static final Logger LOG = Logger.getLogger("polyconnect");
  public static final int PROTOCOL_VERSION = 1;
  public static final String SDK_VERSION = "1.0.0";

  private static final List<io.grpc.BindableService> EXTRA_SERVICES = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A further protocol service (the Converter service, say) for every server started
   * afterwards, behind the same token check. */
  public static void addService(io.grpc.BindableService service) {
    EXTRA_SERVICES.add(service);
  }

  private final List<Plugin> plugins;
  private final long maxMessageBytes;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("polyconnect-timer"));
  private final Tracing tracing;
  private volatile boolean serving = true;

  public Server(List<Plugin> plugins, long maxMessageBytes) {
    this(plugins, maxMessageBytes, null);
  }

  /** {@code tracing} null: no connector-side spans. */
  public Server(List<Plugin> plugins, long maxMessageBytes, Tracing tracing) {
    if (plugins.isEmpty() && EXTRA_SERVICES.isEmpty()) throw new IllegalArgumentException("a connector process needs at least one plugin");
    this.plugins = List.copyOf(plugins);
    this.maxMessageBytes = maxMessageBytes;
    this.tracing = tracing;
  }

  ScheduledExecutorService timer() { return timer; }
  long maxMessageBytes() { return maxMessageBytes; }
  Tracing tracing() { return tracing; }

  /** Stops the timers and exports the spans still buffered (a few seconds at most). */
  public void shutdown() {
    serving = false;
    timer.shutdownNow();
    if (tracing != null) tracing.close();
  }

  Plugin find(String name, Plugin.Kind kind) {
    for (Plugin p : plugins) {
      if ((kind == null || p.kind() == kind) && p.matches(name)) return p;
    }
    return null;
  }

  static String versionError(int v) {
    return "protocol version " + v + " is not spoken by this connector process (java SDK " + SDK_VERSION
        + " speaks [" + PROTOCOL_VERSION + "])";
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The services, behind the token check when {@code token} is set. */
  public List<io.grpc.ServerServiceDefinition> services(String token) {
    List<io.grpc.ServerServiceDefinition> out = new ArrayList<>();
    out.add(new ConnectorService().bindService());
    out.add(new SourceService().bindService());
    out.add(new SinkService().bindService());
    out.add(new TransformService().bindService());
    for (io.grpc.BindableService s : EXTRA_SERVICES) out.add(s.bindService());
    if (token == null || token.isEmpty()) return out;
    ServerInterceptor auth = new TokenAuth(token);
    return out.stream().map(s -> ServerInterceptors.intercept(s, auth)).toList();
  }

  static PluginInfo info(Plugin p) {
    String version;
    try {
      version = p.version();
    } catch (RuntimeException e) {
      version = "";
    }
    return PluginInfo.newBuilder().setClassName(p.className()).addAllAliases(p.aliases())
        .setType(switch (p.kind()) {
          case SOURCE -> PluginType.SOURCE;
          case SINK -> PluginType.SINK;
          case TRANSFORMATION -> PluginType.TRANSFORMATION;
          case PREDICATE -> PluginType.PREDICATE;
        })
        .setVersion(version == null ? "" : version).build();
  }

  static List<ConfigKey> configKeys(ConfigDef def) {
    List<ConfigKey> out = new ArrayList<>();
    for (ConfigDef.Key k : def.keys().values()) {
      ConfigKey.Builder b = ConfigKey.newBuilder().setName(k.name)
          .setType(ConfigType.forNumber(k.type.ordinal() + 1))
          .setImportance(Importance.forNumber(k.importance.ordinal() + 1))
          .setDocumentation(k.documentation).setGroup(k.group == null ? "" : k.group)
          .setOrderInGroup(k.orderInGroup).setWidth(Width.forNumber(k.width.ordinal() + 1))
          .setDisplayName(k.displayName == null ? k.name : k.displayName).addAllDependents(k.dependents)
          .setSecret(k.type == ConfigDef.Type.PASSWORD);
      if (k.hasDefault()) b.setDefaultValue(ConfigDef.format(k.defaultValue));
      if (k.validator != null) {
        io.polyconnect.protocol.v1.Validator.Builder v = b.getValidatorBuilder().setDescription(k.validator.toString());
        if (k.validator instanceof ConfigDef.Range r) {
          io.polyconnect.protocol.v1.Range.Builder rb = v.getRangeBuilder();
          if (r.min() != null) rb.setMin(r.min());
          if (r.max() != null) rb.setMax(r.max());
        } else if (k.validator instanceof ConfigDef.ValidString s) {
          v.setValidString(ValidString.newBuilder().addAllAllowed(s.allowed()).setCaseInsensitive(s.caseInsensitive()));
        } else if (k.validator instanceof ConfigDef.NonEmptyString) {
          v.setNonEmptyString(NonEmptyString.getDefaultInstance());
        } else if (k.validator instanceof ConfigDef.ValidList l) {
          v.setValidList(ValidList.newBuilder().addAllAllowed(l.allowed()));
        }
      }
      out.add(b.build());
    }
    return out;
  }

  private final class ConnectorService extends ConnectorGrpc.ConnectorImplBase {
    @Override
    public void handshake(HandshakeRequest req, StreamObserver<HandshakeResponse> out) {
      if (!req.getProtocolVersionsList().contains(PROTOCOL_VERSION)) {
        out.onError(Status.FAILED_PRECONDITION.withDescription("no common protocol version: the core offered "
            + req.getProtocolVersionsList() + ", this connector process (java SDK " + SDK_VERSION + ") speaks ["
            + PROTOCOL_VERSION + "]").asRuntimeException());
        return;
      }
      long theirs = req.getMaxMessageBytes();
      Capabilities caps = req.getCapabilities();
      LOG.info("handshake from core " + req.getCoreVersion() + ": protocol " + PROTOCOL_VERSION);
      HandshakeResponse.Builder b = HandshakeResponse.newBuilder().setProtocolVersion(PROTOCOL_VERSION)
          .setSdkLanguage("java").setSdkVersion(SDK_VERSION)
          .setMaxMessageBytes(theirs > 0 ? Math.min(theirs, maxMessageBytes) : maxMessageBytes)
          .setCapabilities(Capabilities.newBuilder().setRawBytes(caps.getRawBytes())
              .setSchemaReferences(caps.getSchemaReferences()).setTraceContext(caps.getTraceContext()));
      plugins.forEach(p -> b.addPlugins(info(p)));
      out.onNext(b.build());
      out.onCompleted();
    }

    @Override
    public void health(HealthRequest req, StreamObserver<HealthResponse> out) {
      out.onNext(HealthResponse.newBuilder().setServing(serving).build());
      out.onCompleted();
    }

    private Plugin plugin(String name, StreamObserver<?> out) {
      Plugin p = find(name, null);
      if (p == null) {
        out.onError(Status.NOT_FOUND.withDescription("this connector process does not serve '" + name + "' (it serves: "
            + String.join(", ", plugins.stream().map(Plugin::className).toList()) + ")").asRuntimeException());
      }
      return p;
    }

    @Override
    public void spec(SpecRequest req, StreamObserver<SpecResponse> out) {
      Plugin p = plugin(req.getConnectorClass(), out);
      if (p == null) return;
      try {
        out.onNext(SpecResponse.newBuilder().setPlugin(info(p)).addAllConfig(configKeys(p.configDef())).build());
        out.onCompleted();
      } catch (Throwable e) {
        LOG.log(Level.SEVERE, "spec of " + p.className() + " failed", e);
        out.onError(Status.INTERNAL.withDescription("config() failed: " + e).asRuntimeException());
      }
    }

    @Override
    public void validate(ValidateRequest req, StreamObserver<ValidateResponse> out) {
      Plugin p = plugin(req.getConnectorClass(), out);
      if (p == null) return;
      Map<String, String> config = new HashMap<>(req.getConfigMap());
      if (p.kind() == Plugin.Kind.TRANSFORMATION || p.kind() == Plugin.Kind.PREDICATE) {
        try {
          ConfigDef def = p.configDef();
          ValidateResponse.Builder b = ValidateResponse.newBuilder();
          def.validate(config).forEach((name, errs) -> {
            ConfigValue.Builder v = b.addValuesBuilder().setName(name).addAllErrors(errs).setVisible(true);
            if (config.containsKey(name)) v.setValue(config.get(name));
          });
          out.onNext(b.build());
          out.onCompleted();
        } catch (Throwable e) {
          out.onError(Status.INTERNAL.withDescription("validate() failed: " + e).asRuntimeException());
        }
        return;
      }
      try {
        Connector c = p.newConnector();
        ConfigDef def = c.config();
        ValidateResponse.Builder b = ValidateResponse.newBuilder();
        List<io.polyconnect.sdk.ConfigValue> full = c.validateValues(config);
        Map<String, List<String>> errors = full != null ? Map.of() : c.validate(config);
        if (full != null) {
          for (io.polyconnect.sdk.ConfigValue cv : full) {
            ConfigValue.Builder v = b.addValuesBuilder().setName(cv.name()).addAllErrors(cv.errors())
                .addAllRecommendedValues(cv.recommendedValues()).setVisible(cv.visible());
            if (cv.value() != null) v.setValue(cv.value());
          }
        }
        errors.forEach((name, errs) -> {
          ConfigValue.Builder v = b.addValuesBuilder().setName(name).addAllErrors(errs).setVisible(true);
          ConfigDef.Key key = def.keys().get(name);
          if (config.containsKey(name)) {
            v.setValue(config.get(name));
          } else if (key != null && key.hasDefault() && key.defaultValue != null) {
            v.setValue(ConfigDef.format(key.defaultValue));
          }
        });
        if (c instanceof io.polyconnect.sdk.SourceConnector sc) declarations(sc, config, b);
        out.onNext(b.build());
        out.onCompleted();
      } catch (Throwable e) {
        LOG.log(Level.SEVERE, "validate() of " + p.className() + " failed", e);
        out.onError(Status.INTERNAL.withDescription("validate() failed: " + e).asRuntimeException());
      }
    }

    /** Kafka Connect's exactlyOnceSupport and canDefineTransactionBoundaries; a method that
     * throws is reported with its message. */
    private void declarations(io.polyconnect.sdk.SourceConnector c, Map<String, String> config,
        ValidateResponse.Builder b) {
      try {
        io.polyconnect.sdk.ExactlyOnceSupport eos = c.exactlyOnceSupport(config);
        b.setExactlyOnceSupport(eos == null ? io.polyconnect.protocol.v1.ExactlyOnceSupport.EXACTLY_ONCE_SUPPORT_UNSPECIFIED
            : eos == io.polyconnect.sdk.ExactlyOnceSupport.SUPPORTED
                ? io.polyconnect.protocol.v1.ExactlyOnceSupport.EXACTLY_ONCE_SUPPORTED
                : io.polyconnect.protocol.v1.ExactlyOnceSupport.EXACTLY_ONCE_UNSUPPORTED);
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "exactlyOnceSupport() failed", e);
        b.setExactlyOnceSupportError(e.getMessage() == null || e.getMessage().isEmpty() ? " " : e.getMessage());
      }
      try {
        io.polyconnect.sdk.ConnectorTransactionBoundaries tb = c.canDefineTransactionBoundaries(config);
        b.setTransactionBoundaries(tb == io.polyconnect.sdk.ConnectorTransactionBoundaries.SUPPORTED
            ? io.polyconnect.protocol.v1.TransactionBoundarySupport.TRANSACTION_BOUNDARIES_SUPPORTED
            : io.polyconnect.protocol.v1.TransactionBoundarySupport.TRANSACTION_BOUNDARIES_UNSUPPORTED);
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "canDefineTransactionBoundaries() failed", e);
        b.setTransactionBoundariesError(e.getMessage() == null || e.getMessage().isEmpty() ? " " : e.getMessage());
      }
    }

    /** KIP-875: the connector's alterOffsets on an instance made for the call. */
    @Override
    public void alterOffsets(io.polyconnect.protocol.v1.AlterOffsetsRequest req,
        StreamObserver<io.polyconnect.protocol.v1.AlterOffsetsResponse> out) {
      Plugin p = plugin(req.getConnectorClass(), out);
      if (p == null) return;
      Map<String, String> config = new HashMap<>(req.getConfigMap());
      io.polyconnect.protocol.v1.AlterOffsetsResponse.Builder b = io.polyconnect.protocol.v1.AlterOffsetsResponse.newBuilder();
      try {
        Connector c = p.newConnector();
        boolean altered;
        if (c instanceof io.polyconnect.sdk.SourceConnector sc) {
          Map<Map<String, ?>, Map<String, ?>> offsets = new java.util.LinkedHashMap<>();
          for (io.polyconnect.protocol.v1.SourceOffset o : req.getSourceOffsetsList()) {
            @SuppressWarnings("unchecked")
            Map<String, ?> part = (Map<String, ?>) Wire.anyFromProto(o.getPartition());
            @SuppressWarnings("unchecked")
            Map<String, ?> off = o.hasOffset() ? (Map<String, ?>) Wire.anyFromProto(o.getOffset()) : null;
            offsets.put(part, off);
          }
          altered = sc.alterOffsets(config, offsets);
        } else if (c instanceof io.polyconnect.sdk.SinkConnector sk) {
          Map<io.polyconnect.sdk.TopicPartition, Long> offsets = new java.util.LinkedHashMap<>();
          for (io.polyconnect.protocol.v1.SinkOffsetChange o : req.getSinkOffsetsList()) {
            offsets.put(new io.polyconnect.sdk.TopicPartition(o.getTopic(), o.getPartition()),
                o.hasOffset() ? o.getOffset() : null);
          }
          altered = sk.alterOffsets(config, offsets);
        } else {
          altered = false;
        }
        b.setAltered(altered);
      } catch (UnsupportedOperationException e) {
        b.setUnsupported(true);
      } catch (Throwable e) {
        LOG.log(Level.WARNING, "alterOffsets of " + p.className() + " failed", e);
        b.setError(Errors.of(e)).setStatusCode(statusCode(e));
      }
      out.onNext(b.build());
      out.onCompleted();
    }

    /** The HTTP status an exception names (Kafka Connect's ConnectRestException has
     * statusCode()); 0: none. */
    private static int statusCode(Throwable e) {
      try {
        Object code = e.getClass().getMethod("statusCode").invoke(e);
        return code instanceof Integer i ? i : 0;
      } catch (ReflectiveOperationException | RuntimeException none) {
        return 0;
      }
    }

    @Override
    public StreamObserver<ConnectorRequest> run(StreamObserver<ConnectorResponse> out) {
      return new ConnectorSession(Server.this, out);
    }
  }

  private final class SourceService extends SourceTaskGrpc.SourceTaskImplBase {
    @Override
    public StreamObserver<SourceRequest> run(StreamObserver<SourceResponse> out) {
      return new SourceSession(Server.this, out);
    }
  }

  private final class SinkService extends SinkTaskGrpc.SinkTaskImplBase {
    @Override
    public StreamObserver<SinkRequest> run(StreamObserver<SinkResponse> out) {
      return new SinkSession(Server.this, out);
    }
  }

  private final class TransformService extends io.polyconnect.protocol.v1.TransformGrpc.TransformImplBase {
    @Override
    public StreamObserver<io.polyconnect.protocol.v1.TransformRequest> run(
        StreamObserver<io.polyconnect.protocol.v1.TransformResponse> out) {
      return new TransformSession(Server.this, out);
    }
  }

  /** Refuses calls without "authorization: Bearer <token>" (UNAUTHENTICATED). */
  private static final class TokenAuth implements ServerInterceptor {
    private static final Metadata.Key<String> AUTH = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final byte[] expected;

    TokenAuth(String token) {
      this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String got = headers.get(AUTH);
      if (got == null || !MessageDigest.isEqual(got.getBytes(StandardCharsets.UTF_8), expected)) {
        call.close(Status.UNAUTHENTICATED.withDescription("missing or invalid authorization token"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(Context.current(), call, headers, next);
    }
  }
}
