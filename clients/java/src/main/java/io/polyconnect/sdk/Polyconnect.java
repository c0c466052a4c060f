package io.polyconnect.sdk;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.polyconnect.sdk.internal.Server;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Serving connectors: {@code Polyconnect.serve(MySource.class, MySink.class)} is the one
 * call a connector's {@code main} makes. Settings come from the environment the core sets
 * for launched plugins:
 * <ul>
 *   <li>{@code POLYCONNECT_LISTEN}: {@code unix:/path/to.sock} or {@code host:port} (else
 *       {@code --listen ADDR}, else {@code 0.0.0.0:$POLYCONNECT_PORT}, else {@code 0.0.0.0:50051});</li>
 *   <li>{@code POLYCONNECT_TOKEN}: every call must carry {@code authorization: Bearer <token>};</li>
 *   <li>{@code POLYCONNECT_PARENT_PID}: the process exits when that process dies;</li>
 *   <li>{@code POLYCONNECT_MAX_MESSAGE_BYTES}: the message size limit (default 64 MiB);</li>
 *   <li>{@code POLYCONNECT_TLS_CERT}, {@code POLYCONNECT_TLS_KEY}: PEM files (the certificate
 *       chain, the PKCS#8 private key): serve TLS on a TCP address;</li>
 *   <li>{@code POLYCONNECT_TLS_CLIENT_CA}: PEM CA certificates: require a client certificate
 *       signed by one of them (mutual TLS).</li>
 * </ul>
 */
public final class Polyconnect {
  private static final Logger LOG = Logger.getLogger("polyconnect");
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;

  private Polyconnect() {}

  /** A running server; {@link #port()} is the TCP port (0 for a unix socket). */
  public static final class Running implements AutoCloseable {
    private final io.grpc.Server grpc;
    private final Server server;
    private final EventLoopGroup[] groups;

    private Running(io.grpc.Server grpc, Server server, EventLoopGroup... groups) {
      this.grpc = grpc;
      this.server = server;
      this.groups = groups;
    }

    public int port() {
      return grpc.getListenSockets().stream().filter(a -> a instanceof InetSocketAddress)
          .mapToInt(a -> ((InetSocketAddress) a).getPort()).findFirst().orElse(0);
    }

    public void awaitTermination() throws InterruptedException {
      grpc.awaitTermination();
    }

    @Override
    public void close() {
      // Streams still open get a few seconds to finish their staged stop; the timers they
      // use stop last.
      grpc.shutdown();
      try {
        if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) grpc.shutdownNow();
      } catch (InterruptedException e) {
        grpc.shutdownNow();
        Thread.currentThread().interrupt();
      }
      server.shutdown();
      for (EventLoopGroup g : groups) g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @SafeVarargs
  public static void serve(Class<? extends Connector>... connectors) {
    serve(Arrays.stream(connectors).map(Plugin::of).toList(), new String[0]);
  }

  /** As {@link #serve(Class[])}, with the command line's {@code --listen ADDR}. */
  @SafeVarargs
  public static void serve(String[] args, Class<? extends Connector>... connectors) {
    serve(Arrays.stream(connectors).map(Plugin::of).toList(), args);
  }

  /** Serves {@code plugins} until SIGTERM or the parent's death; {@code args} may hold --listen. */
  public static void serve(List<Plugin> plugins, String[] args) {
    configureLogging();
    Map<String, String> env = System.getenv();
    String address = listenAddress(env, args);
    long max = env.containsKey("POLYCONNECT_MAX_MESSAGE_BYTES")
        ? Long.parseLong(env.get("POLYCONNECT_MAX_MESSAGE_BYTES")) : DEFAULT_MAX_MESSAGE_BYTES;
    ServerCredentials tls;
    try {
      tls = tlsCredentials(env);
      if (tls != null && address.startsWith("unix:")) {
        throw new IllegalArgumentException("POLYCONNECT_TLS_* is for TCP addresses, not " + address);
      }
    } catch (IllegalArgumentException e) {
      LOG.severe("cannot serve TLS: " + e.getMessage());
      System.exit(1);
      return;
    }
    Running running;
    try {
      running = start(plugins, address, env.get("POLYCONNECT_TOKEN"), max, tls);
    } catch (IOException e) {
      LOG.severe("cannot listen on " + address + ": " + e);
      System.exit(1);
      return;
    }
    LOG.info("serving " + plugins.stream().map(Plugin::className).toList() + " on " + address
        + (tls == null ? "" : isSet(env, "POLYCONNECT_TLS_CLIENT_CA") ? " (mutual TLS)" : " (TLS)"));
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "polyconnect-shutdown"));
    String parent = env.get("POLYCONNECT_PARENT_PID");
    if (parent != null && !parent.isEmpty()) {
      // The core kills us when it stops; this covers a core that died without doing so.
      ProcessHandle.of(Long.parseLong(parent.trim())).ifPresentOrElse(
          h -> h.onExit().thenRun(() -> {
            LOG.warning("the parent process " + parent + " exited; stopping");
            System.exit(0);
          }),
          () -> System.exit(0));
    }
    try {
      running.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isSet(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isEmpty();
  }

  /**
   * TLS from {@code POLYCONNECT_TLS_CERT} / {@code POLYCONNECT_TLS_KEY} (PEM files), requiring
   * a client certificate signed by {@code POLYCONNECT_TLS_CLIENT_CA} when that is set; null
   * when none is set.
   *
   * @throws IllegalArgumentException naming the variable and the file when they cannot be used
   */
  public static ServerCredentials tlsCredentials(Map<String, String> env) {
    boolean cert = isSet(env, "POLYCONNECT_TLS_CERT");
    boolean key = isSet(env, "POLYCONNECT_TLS_KEY");
    boolean ca = isSet(env, "POLYCONNECT_TLS_CLIENT_CA");
    if (!cert && !key && !ca) return null;
    if (!cert || !key) {
      throw new IllegalArgumentException(
          "POLYCONNECT_TLS_CERT and POLYCONNECT_TLS_KEY must be set together (POLYCONNECT_TLS_CLIENT_CA needs both)");
    }
    File certFile = readable(env, "POLYCONNECT_TLS_CERT");
    File keyFile = readable(env, "POLYCONNECT_TLS_KEY");
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
    try (java.io.InputStream in = Files.newInputStream(certFile.toPath())) {
      if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IOException("no certificate in it");
      }
      if (!Files.readString(keyFile.toPath(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("PRIVATE KEY-----")) {
        throw new IOException("no PEM private key in " + keyFile);
      }
      b.keyManager(certFile, keyFile);
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("POLYCONNECT_TLS_CERT=" + certFile + " and POLYCONNECT_TLS_KEY=" + keyFile
          + " cannot be used (a PEM chain and a PKCS#8 PEM key): " + e.getMessage());
    }
    if (ca) {
      File caFile = readable(env, "POLYCONNECT_TLS_CLIENT_CA");
      try {
        b.trustManager(caFile);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("POLYCONNECT_TLS_CLIENT_CA=" + caFile + " cannot be used: " + e.getMessage());
      }
      b.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  private static File readable(Map<String, String> env, String name) {
    File f = new File(env.get(name));
    if (!f.isFile() || !f.canRead()) {
      throw new IllegalArgumentException(name + "=" + f + " cannot be read (no such file, or not readable)");
    }
    return f;
  }

  /** Starts serving on {@code address} ("unix:/path", "host:port"; port 0 picks a free one). */
  public static Running start(List<Plugin> plugins, String address, String token, long maxMessageBytes)
      throws IOException {
    return start(plugins, address, token, maxMessageBytes, null);
  }

  /** As {@link #start(List, String, String, long)}, serving TLS on a TCP address when {@code tls} is set. */
  public static Running start(List<Plugin> plugins, String address, String token, long maxMessageBytes,
      ServerCredentials tls) throws IOException {
    NETTY_BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
    // Connector-side spans when the OTEL_* variables (which the core passes on) ask for them.
    Server server = new Server(plugins, maxMessageBytes, io.polyconnect.sdk.internal.Tracing.fromEnvironment(System.getenv()));
    NettyServerBuilder b;
    EventLoopGroup[] groups;
    if (address.startsWith("unix:")) {
      String path = address.substring("unix:".length());
      if (path.startsWith("//")) path = path.substring(2);
      Path p = Path.of(path);
      Files.deleteIfExists(p);
      if (p.getParent() != null) Files.createDirectories(p.getParent());
      EventLoopGroup boss = new EpollEventLoopGroup(1);
      EventLoopGroup workers = new EpollEventLoopGroup(2);
      groups = new EventLoopGroup[] {boss, workers};
      b = NettyServerBuilder.forAddress(new DomainSocketAddress(path))
          .channelType(EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(boss).workerEventLoopGroup(workers);
    } else {
      String a = address.replaceFirst("^(http|grpc)://", "");
      int colon = a.lastIndexOf(':');
      String host = colon > 0 ? a.substring(0, colon) : "0.0.0.0";
      int port = Integer.parseInt(a.substring(colon + 1));
      b = tls == null
          ? NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
          : NettyServerBuilder.forAddress(new InetSocketAddress(host, port), tls);
      groups = new EventLoopGroup[0];
    }
    b.maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes));
    for (io.grpc.ServerServiceDefinition s : server.services(token)) b.addService(s);
    io.grpc.Server grpc = b.build().start();
    return new Running(grpc, server, groups);
  }

  static String listenAddress(Map<String, String> env, String[] args) {
    String addr = env.get("POLYCONNECT_LISTEN");
    if (addr == null || addr.isEmpty()) {
      List<String> a = new ArrayList<>(Arrays.asList(args));
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).equals("--listen") && i + 1 < a.size()) addr = a.get(i + 1);
        else if (a.get(i).startsWith("--listen=")) addr = a.get(i).substring("--listen=".length());
      }
    }
    if (addr == null || addr.isEmpty()) {
      String port = env.get("POLYCONNECT_PORT");
      addr = "0.0.0.0:" + (port == null || port.isEmpty() ? "50051" : port);
    }
    return addr;
  }

  /** Netty warns once per connection that a unix socket has no SO_KEEPALIVE; harmless. */
  private static final Logger NETTY_BOOTSTRAP =
      Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap");

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
  }
}
