package io.polyconnect.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyconnect.sdk.ConfigValue;
import io.polyconnect.sdk.ConnectorContext;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.RetriableException;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTaskContext;
import io.polyconnect.sdk.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect's connector and task contexts through the bridge, on the test plugin the
 * end-to-end test runs too (tests/e2e/java/contexts-plugin): the connector's offset reader,
 * KIP-875's alterOffsets, ConfigDef recommenders and visibility in validation, and
 * SinkTaskContext.timeout.
 */
class BridgeContextsTest {
  @TempDir static Path dir;
  static List<Plugin> plugins;

  @BeforeAll
  static void compilePlugin() throws Exception {
    Path src = Path.of("../../tests/e2e/java/contexts-plugin");
    Path out = dir.resolve("contexts-plugin");
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")));
    try (Stream<Path> files = Files.walk(src)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])), "javac");
    plugins = Bridge.discover(out.toString(), List.of());
  }

  static Plugin plugin(String simple) {
    return plugins.stream().filter(p -> p.className().equals("com.example.contexts." + simple)).findFirst().orElseThrow();
  }

  static Map<String, ConfigValue> validate(Map<String, String> config) {
    Map<String, ConfigValue> out = new HashMap<>();
    for (ConfigValue v : plugin("ContextsSourceConnector").newConnector().validateValues(config)) out.put(v.name(), v);
    return out;
  }

  @Test
  void validationCarriesRecommendersAndVisibility() {
    Map<String, ConfigValue> bulk = validate(Map.of("topic", "t"));
    assertEquals(List.of("bulk", "incrementing"), bulk.get("mode").recommendedValues());
    assertEquals("bulk", bulk.get("mode").value());
    assertFalse(bulk.get("column").visible());
    assertEquals(List.of(), bulk.get("column").recommendedValues());
    assertTrue(bulk.get("topic").visible());
    assertEquals("3", bulk.get("count").value());

    Map<String, ConfigValue> incrementing = validate(Map.of("topic", "t", "mode", "incrementing"));
    assertTrue(incrementing.get("column").visible());
    assertEquals(List.of("id", "updated_at"), incrementing.get("column").recommendedValues());

    Map<String, ConfigValue> bad = validate(Map.of("mode", "sometimes"));
    assertFalse(bad.get("mode").errors().isEmpty(), bad.toString());
    assertFalse(bad.get("topic").errors().isEmpty(), bad.toString());
  }

  @Test
  void theConnectorReadsStoredOffsetsThroughItsContext() {
    io.polyconnect.sdk.Connector c = plugin("ContextsSourceConnector").newConnector();
    List<Map<String, ?>> asked = new ArrayList<>();
    c.initialize(new ConnectorContext() {
      public String connectorName() { return "c"; }
      public void requestTaskReconfiguration() {}
      public void raiseError(Exception e) {}
      public Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> partitions) {
        asked.addAll(partitions);
        return Map.of(Map.of("source", "contexts"), Map.of("n", 41L));
      }
    }, Map.of("topic", "t"));
    c.start(Map.of("topic", "t"));
    assertEquals(List.of(Map.of("source", "contexts")), asked);
    assertEquals("41", c.taskConfigs(1).get(0).get("connector.saw"));
  }

  @Test
  void raiseErrorReachesTheSdksContext() {
    io.polyconnect.sdk.Connector c = plugin("ContextsSourceConnector").newConnector();
    List<Exception> raised = new ArrayList<>();
    c.initialize(new ConnectorContext() {
      public String connectorName() { return "c"; }
      public void requestTaskReconfiguration() {}
      public void raiseError(Exception e) { raised.add(e); }
      public Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> partitions) {
        return Map.of();
      }
    }, Map.of());
    c.start(Map.of("topic", "t", "raise.error", "true"));
    assertEquals(1, raised.size());
    assertEquals("the source system went away", raised.get(0).getMessage());
    assertEquals("none", c.taskConfigs(1).get(0).get("connector.saw"));
  }

  @Test
  void alterOffsetsIsTheConnectorsOwn() {
    io.polyconnect.sdk.SourceConnector c = (io.polyconnect.sdk.SourceConnector) plugin("ContextsSourceConnector").newConnector();
    Map<Map<String, ?>, Map<String, ?>> fine = new HashMap<>();
    fine.put(Map.of("source", "contexts"), Map.of("n", 100L));
    fine.put(Map.of("source", "other"), null);
    assertTrue(c.alterOffsets(Map.of("name", "c"), fine));
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> c.alterOffsets(Map.of("name", "c"), Map.of(Map.of("source", "contexts"), Map.of("n", -1L))));
    assertEquals("offset n must not be negative, got -1", e.getMessage());
    // False: only the framework's offsets change.
    io.polyconnect.sdk.SinkConnector sink = (io.polyconnect.sdk.SinkConnector) plugin("ContextsSinkConnector").newConnector();
    assertFalse(sink.alterOffsets(Map.of("name", "s"), Map.of(new TopicPartition("t", 0), 5L)));
    Map<TopicPartition, Long> removed = new HashMap<>();
    removed.put(new TopicPartition("t", 1), null);
    assertFalse(sink.alterOffsets(Map.of("name", "s"), removed));
    assertEquals("offset 5000 is past the end of t-0", assertThrows(RuntimeException.class,
        () -> sink.alterOffsets(Map.of("name", "s"), Map.of(new TopicPartition("t", 0), 5000L))).getMessage());
  }

  @Test
  void sinkTimeoutIsPassedOnBeforeTheRetriableError() throws Exception {
    BridgeSinkTask task = (BridgeSinkTask) plugin("ContextsSinkConnector").newSinkTask();
    List<String> calls = new ArrayList<>();
    task.initialize(new SinkTaskContext() {
      public String connectorName() { return "s"; }
      public int taskId() { return 0; }
      public void reportErrant(SinkRecord r, Throwable e) {}
      public void offset(Map<TopicPartition, Long> offsets) {}
      public void offset(TopicPartition tp, long offset) {}
      public void pause(TopicPartition... tps) {}
      public void resume(TopicPartition... tps) {}
      public void requestCommit() {}
      public void timeout(long ms) { calls.add("timeout " + ms); }
    });
    Path out = dir.resolve("sink.txt");
    task.start(Map.of("file", out.toString(), "retry.timeout.ms", "2500"));
    task.open(List.of(new TopicPartition("t", 0)));
    List<SinkRecord> batch = List.of(BridgeTasksTest.record(7, "a"), BridgeTasksTest.record(8, "b"));
    RetriableException e = assertThrows(RetriableException.class, () -> task.put(batch));
    assertEquals("not now", e.getMessage());
    assertEquals(List.of("timeout 2500"), calls);
    task.put(batch);
    String written = Files.readString(out);
    assertTrue(written.matches("(?s)redelivered after \\d+ ms same=true assigned=1\na\nb\n"), written);
  }
}
