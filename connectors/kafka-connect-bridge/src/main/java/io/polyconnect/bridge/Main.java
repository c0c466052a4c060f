package io.polyconnect.bridge;

import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.Polyconnect;
import java.util.Arrays;
import java.util.List;

/**
 * The bridge process.
 * <pre>
 *   Main                         serve the connectors on KAFKA_CONNECT_PLUGIN_PATH
 *   Main manifest DIR [JAVA]     print a polyconnect-plugin.json for them (DIR: this bridge)
 *   Main scan                    print every plugin found there as JSON, for the core
 * </pre>
 * KAFKA_CONNECT_PLUGIN_PATH lists jars or directories of jars (',' or ':' separated);
 * KAFKA_CONNECT_CONNECTORS optionally names the connector classes to serve (no scan),
 * KAFKA_CONNECT_TRANSFORMS the transformation and predicate classes, and
 * KAFKA_CONNECT_CONVERTERS the converter classes (served by the protocol's Converter service).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String path = System.getenv().getOrDefault("KAFKA_CONNECT_PLUGIN_PATH", "");
    String named = System.getenv().getOrDefault("KAFKA_CONNECT_CONNECTORS", "");
    List<String> only = Arrays.stream(named.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (args.length > 0 && args[0].equals("scan")) {
      System.out.println(scanJson(Bridge.scan(path)));
      System.out.flush();
      System.exit(0);
    }
    String namedTransforms = System.getenv().getOrDefault("KAFKA_CONNECT_TRANSFORMS", "");
    List<String> transforms = Arrays.stream(namedTransforms.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    List<Plugin> plugins = Bridge.discover(path, only, transforms);
    String namedConverters = System.getenv().getOrDefault("KAFKA_CONNECT_CONVERTERS", "");
    List<String> converterNames = Arrays.stream(namedConverters.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (!converterNames.isEmpty()) {
      io.polyconnect.sdk.internal.Server.addService(new BridgedConverter(Bridge.converters(path, converterNames)));
    }
    if (args.length > 0 && args[0].equals("manifest")) {
      System.out.println(manifest(args.length > 1 ? args[1] : "${plugin.dir}", path, plugins));
      return;
    }
    if (plugins.isEmpty() && converterNames.isEmpty()) {
      System.err.println("no Kafka Connect connectors found on KAFKA_CONNECT_PLUGIN_PATH=" + path);
      System.exit(2);
    }
    Polyconnect.serve(plugins, args);
  }

  static String manifest(String bridgeDir, String pluginPath, List<Plugin> plugins) {
    StringBuilder b = new StringBuilder();
    b.append("{\n  \"name\": \"kafka-connect-bridge\",\n  \"version\": \"0.1.0\",\n");
    b.append("  \"command\": [\"java\", \"-Xmx512m\", \"-cp\", \"").append(json(bridgeDir)).append("/target/classes:")
        .append(json(bridgeDir)).append("/target/lib/*\", \"io.polyconnect.bridge.Main\"],\n");
    b.append("  \"env\": {\"KAFKA_CONNECT_PLUGIN_PATH\": \"").append(json(pluginPath)).append("\"},\n");
    b.append("  \"plugins\": [\n");
    for (int i = 0; i < plugins.size(); i++) {
      Plugin p = plugins.get(i);
      b.append("    {\"class\": \"").append(json(p.className())).append("\", \"type\": \"")
          .append(p.kind().name().toLowerCase()).append("\", \"aliases\": [");
      for (int j = 0; j < p.aliases().size(); j++) {
        b.append(j > 0 ? ", " : "").append('"').append(json(p.aliases().get(j))).append('"');
      }
      b.append("]}").append(i + 1 < plugins.size() ? "," : "").append('\n');
    }
    return b.append("  ]\n}").toString();
  }

  /** The plugins found, as the core reads them: class, type (Kafka Connect's REST names),
   * version, aliases and location. */
  static String scanJson(List<PluginScan.Found> found) {
    java.util.Map<String, List<String>> aliases = PluginScan.aliases(found);
    StringBuilder b = new StringBuilder("{\"plugins\": [");
    for (int i = 0; i < found.size(); i++) {
      PluginScan.Found f = found.get(i);
      b.append(i > 0 ? ",\n  " : "\n  ").append("{\"class\": \"").append(json(f.cls().getName()))
          .append("\", \"type\": \"").append(f.type().rest)
          .append("\", \"version\": \"").append(json(f.version()))
          .append("\", \"location\": \"").append(json(f.loader().location())).append("\", \"aliases\": [");
      List<String> a = aliases.get(f.cls().getName());
      for (int j = 0; j < a.size(); j++) b.append(j > 0 ? ", " : "").append('"').append(json(a.get(j))).append('"');
      b.append("]}");
    }
    return b.append("\n]}").toString();
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.toString();
  }
}
