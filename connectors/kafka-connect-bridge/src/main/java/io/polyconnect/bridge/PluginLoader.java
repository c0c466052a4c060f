package io.polyconnect.bridge;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One Kafka Connect plugin's class loader, with Kafka Connect's delegation rules: a class
 * is looked up in the plugin's own jars first, except the classes every plugin must share
 * with the runtime (the JDK's, the Kafka Connect API and the Kafka clients, the logging
 * facade), which always come from the parent. Kafka's own plugins (its converters,
 * transforms, the FileStream and MirrorMaker connectors, config providers) are isolated
 * like any other, so a plugin may bundle its own copy. Resources are looked up the same
 * way round: the plugin's first.
 */
final class PluginLoader extends URLClassLoader {
  static {
    ClassLoader.registerAsParallelCapable();
  }

  /** Packages whose classes come from the parent: the JDK (java.*, and the javax / org.*
   * packages of Java SE and EE) and the API every plugin shares with the runtime. */
  private static final Pattern SHARED = Pattern.compile("^(?:java"
      + "|javax\\.(?:accessibility|activation|activity|annotation|batch\\.(?:api|operations|runtime)|crypto"
      + "|decorator|ejb|el|enterprise\\.(?:concurrent|context|context\\.spi|deploy\\.(?:model|shared|spi)"
      + "|event|inject|inject\\.spi|util)|faces|imageio|inject|interceptor|jms|json|jws|lang\\.model|mail"
      + "|management|management\\.j2ee|naming|net|persistence|print|resource|rmi|script"
      + "|security\\.(?:auth|auth\\.message|cert|jacc|sasl)|servlet|sound\\.(?:midi|sampled)|sql|swing"
      + "|tools|transaction|validation|websocket|ws\\.rs|xml|xml\\.(?:bind|registry|rpc|soap|ws))"
      + "|org\\.ietf\\.jgss"
      + "|org\\.omg\\.(?:CORBA|CosNaming|Dynamic|DynamicAny|IOP|Messaging|PortableInterceptor|PortableServer"
      + "|SendingContext|stub\\.java\\.rmi)"
      + "|org\\.w3c\\.dom|org\\.xml\\.sax"
      + "|org\\.apache\\.kafka|org\\.slf4j)\\..*$");

  /** Classes under org.apache.kafka that are plugins themselves, so loaded in isolation;
   * the plugin interfaces of those packages (Transformation, Predicate, the client config
   * override policy, ConfigProvider) stay shared. */
  private static final Pattern KAFKA_PLUGINS = Pattern.compile("^org\\.apache\\.kafka\\.(?:connect\\.(?:"
      + "transforms\\.(?!Transformation$|predicates\\.Predicate$).*"
      + "|json\\..*|file\\..*|mirror\\..*|mirror-client\\..*|converters\\..*"
      + "|storage\\.StringConverter|storage\\.SimpleHeaderConverter"
      + "|rest\\.basic\\.auth\\.extension\\.BasicAuthSecurityRestExtension"
      + "|connector\\.policy\\.(?!ConnectorClientConfigOverridePolicy$|ConnectorClientConfigRequest(?:\\$ClientType)?$).*)"
      + "|common\\.config\\.provider\\.(?!ConfigProvider$).*)$");

  /** Whether a class is looked up in a plugin's own jars before its parent's. */
  static boolean isolated(String className) {
    return !SHARED.matcher(className).matches() || KAFKA_PLUGINS.matcher(className).matches();
  }

  private final String location;

  PluginLoader(String location, URL[] urls, ClassLoader parent) {
    super("kafka-connect-plugin:" + location, urls, parent);
    this.location = location;
  }

  String location() { return location; }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null && isolated(name)) {
        try {
          c = findClass(name);
        } catch (ClassNotFoundException e) {
          // not in the plugin: the parent's, if anyone's
        }
      }
      if (c == null) c = super.loadClass(name, false);
      if (resolve) resolveClass(c);
      return c;
    }
  }

  @Override
  public URL getResource(String name) {
    URL u = findResource(name);
    return u != null ? u : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
    ClassLoader parent = getParent();
    if (parent != null) {
      for (URL u : Collections.list(parent.getResources(name))) {
        if (!all.contains(u)) all.add(u);
      }
    }
    return Collections.enumeration(all);
  }

  @Override
  public String toString() {
    return "PluginLoader(" + location + ")";
  }
}
