package io.polyconnect.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.Plugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka Connect's class loader isolation: each plugin location its own child-first loader,
 * the API shared, and the plugin's loader as the context loader in calls into its code. */
class PluginIsolationTest {
  @TempDir Path dir;

  @Test
  void delegationRulesAreKafkaConnects() {
    for (String shared : List.of("java.lang.String", "javax.sql.DataSource", "javax.xml.parsers.SAXParser",
        "org.w3c.dom.Node", "org.slf4j.Logger", "org.apache.kafka.connect.source.SourceConnector",
        "org.apache.kafka.connect.transforms.Transformation", "org.apache.kafka.connect.transforms.predicates.Predicate",
        "org.apache.kafka.common.config.ConfigDef", "org.apache.kafka.clients.producer.RecordMetadata",
        "org.apache.kafka.common.config.provider.ConfigProvider", "org.apache.kafka.connect.storage.Converter",
        "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy",
        "org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest$ClientType")) {
      assertFalse(PluginLoader.isolated(shared), shared);
    }
    for (String isolated : List.of("io.debezium.connector.postgresql.PostgresConnector", "com.fasterxml.jackson.core.JsonParser",
        "javax.ws.rsx.Other", "javaxyz.Thing", "org.apache.kafka.connect.transforms.InsertField$Value",
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches", "org.apache.kafka.connect.json.JsonConverter",
        "org.apache.kafka.connect.file.FileStreamSourceConnector", "org.apache.kafka.connect.storage.StringConverter",
        "org.apache.kafka.common.config.provider.FileConfigProvider",
        "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy", "org.postgresql.Driver")) {
      assertTrue(PluginLoader.isolated(isolated), isolated);
    }
  }

  /** Compiles sources (name -> text) into a new class directory, a plugin location. */
  private Path compile(String name, Map<String, String> sources) throws Exception {
    Path src = dir.resolve(name + "-src");
    Path out = dir.resolve(name);
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      args.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "javac");
    return out;
  }

  private static String lib(String version) {
    return "package com.example.shared; public class Lib { public static String version() { return \"" + version + "\"; } }";
  }

  private static String connector(String pkg, String simple) {
    return "package " + pkg + ";\n"
        + "import java.util.*; import org.apache.kafka.common.config.ConfigDef; import org.apache.kafka.connect.connector.Task;\n"
        + "public class " + simple + " extends org.apache.kafka.connect.source.SourceConnector {\n"
        + "  public String version() { return com.example.shared.Lib.version(); }\n"
        + "  public void start(Map<String, String> p) {}\n"
        + "  public Class<? extends Task> taskClass() { return null; }\n"
        + "  public List<Map<String, String>> taskConfigs(int n) { return List.of(Map.of(\"lib\", com.example.shared.Lib.version(),"
        + "      \"context\", String.valueOf(Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()))); }\n"
        + "  public void stop() {}\n"
        // A CLASS default naming a class only this plugin has: ConfigDef resolves it through
        // the context class loader.
        + "  public ConfigDef config() { return new ConfigDef().define(\"storage\", ConfigDef.Type.CLASS, \"" + pkg + ".Storage\","
        + "      ConfigDef.Importance.LOW, \"where\"); }\n"
        + "}\n";
  }

  @Test
  void twoPluginsWithDifferentVersionsOfOneLibraryBothWork() throws Exception {
    Path a = compile("plugin-a", Map.of("com.example.shared.Lib", lib("1.0"), "com.example.a.AlphaConnector",
        connector("com.example.a", "AlphaConnector"), "com.example.a.Storage", "package com.example.a; public class Storage {}"));
    Path b = compile("plugin-b", Map.of("com.example.shared.Lib", lib("2.0"), "com.example.b.BetaConnector",
        connector("com.example.b", "BetaConnector"), "com.example.b.Storage", "package com.example.b; public class Storage {}"));
    ClassLoader parent = getClass().getClassLoader();
    PluginLoader la = PluginScan.loader(a, parent);
    PluginLoader lb = PluginScan.loader(b, parent);
    Class<?> libA = la.loadClass("com.example.shared.Lib");
    Class<?> libB = lb.loadClass("com.example.shared.Lib");
    assertNotSame(libA, libB);
    assertEquals("1.0", libA.getMethod("version").invoke(null));
    assertEquals("2.0", libB.getMethod("version").invoke(null));
    // The API is the runtime's, in both.
    assertSame(SourceConnector.class, la.loadClass(SourceConnector.class.getName()));
    assertSame(SourceConnector.class, lb.loadClass(SourceConnector.class.getName()));

    List<PluginScan.Found> found = Bridge.scan(a + "," + b);
    assertEquals(List.of("com.example.a.AlphaConnector", "com.example.b.BetaConnector"),
        found.stream().map(f -> f.cls().getName()).toList());
    assertEquals(List.of("1.0", "2.0"), found.stream().map(PluginScan.Found::version).toList());
    assertEquals(List.of("AlphaConnector", "Alpha"), PluginScan.aliases(found).get("com.example.a.AlphaConnector"));

    List<Plugin> plugins = Bridge.discover(a + "," + b, List.of());
    assertEquals(2, plugins.size());
    for (Plugin p : plugins) {
      String expected = p.className().contains(".a.") ? "1.0" : "2.0";
      assertEquals(expected, p.version());
      io.polyconnect.sdk.SourceConnector c = (io.polyconnect.sdk.SourceConnector) p.newConnector();
      // config() runs with the plugin's loader as the context loader: the CLASS default resolves.
      ConfigDef def = c.config();
      String pkg = p.className().substring(0, p.className().lastIndexOf('.'));
      assertEquals(pkg + ".Storage", String.valueOf(def.keys().get("storage").defaultValue));
      c.start(Map.of());
      Map<String, String> task = c.taskConfigs(1).get(0);
      assertEquals(expected, task.get("lib"));
      assertEquals("true", task.get("context"));
    }

    // Served by name, as the core starts the bridge: each class from its own location.
    List<Plugin> named = Bridge.discover(a + "," + b, List.of("com.example.b.BetaConnector"));
    assertEquals("2.0", named.get(0).version());
  }

  @Test
  void pluginWithJarsInSubdirectoriesIsOneLocation() throws Exception {
    Path classes = compile("jarred", Map.of("com.example.shared.Lib", lib("3.0")));
    Path plugin = dir.resolve("plugin-jars");
    Files.createDirectories(plugin.resolve("lib"));
    Path jar = plugin.resolve("lib/shared.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new java.util.jar.JarEntry("com/example/shared/Lib.class"));
      out.write(Files.readAllBytes(classes.resolve("com/example/shared/Lib.class")));
      out.closeEntry();
    }
    Files.writeString(plugin.resolve("README.txt"), "not code");
    assertEquals(List.of(jar.toRealPath()), PluginScan.pluginUrls(plugin));
    PluginLoader l = PluginScan.loader(plugin, getClass().getClassLoader());
    assertEquals("3.0", l.loadClass("com.example.shared.Lib").getMethod("version").invoke(null));
  }
}
