package io.polyconnect.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTaskContext;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTaskContext;
import io.polyconnect.sdk.TopicPartition;
import io.polyconnect.sdk.internal.Errors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.file.FileStreamSinkConnector;
import org.apache.kafka.connect.file.FileStreamSourceConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's tasks over Apache Kafka's FileStream connectors and a reporting sink. */
class BridgeTasksTest {
  @TempDir Path dir;

  static String jar() throws Exception {
    return Path.of(FileStreamSourceConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void discoversTheFileStreamConnectors() throws Exception {
    List<Plugin> found = Bridge.discover(jar(), List.of());
    assertEquals(List.of("org.apache.kafka.connect.file.FileStreamSinkConnector",
        "org.apache.kafka.connect.file.FileStreamSourceConnector"), found.stream().map(Plugin::className).toList());
    assertEquals(Plugin.Kind.SINK, found.get(0).kind());
    assertTrue(found.get(1).matches("FileStreamSource"));
    // Kafka Connect's ConfigDef becomes the spec, and its validate the per-key errors.
    var connector = found.get(1).newConnector();
    assertTrue(connector.config().keys().containsKey("topic"));
    Map<String, List<String>> errors = connector.validate(Map.of("file", "/x"));
    assertTrue(!errors.get("topic").isEmpty(), errors.toString());
  }

  @Test
  void sourceTaskResumesFromTheStoredOffset() throws Exception {
    Path input = dir.resolve("in.txt");
    Files.writeString(input, "one\ntwo\nthree\n");
    BridgeSourceTask task = (BridgeSourceTask) Bridge.discover(jar(), List.of(FileStreamSourceConnector.class.getName()))
        .get(0).newSourceTask();
    Map<String, Object> stored = new HashMap<>(Map.of("position", 4L)); // after "one\n"
    task.initialize(new SourceTaskContext() {
      public String connectorName() { return "c"; }
      public int taskId() { return 0; }
      public Map<String, Object> offset(Map<String, ?> p) {
        return p.equals(Map.of("filename", input.toString())) ? stored : null;
      }
      public Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> ps) {
        throw new UnsupportedOperationException();
      }
    });
    task.start(Map.of("file", input.toString(), "topic", "t", "batch.size", "100"));
    List<SourceRecord> got = new ArrayList<>();
    for (int i = 0; i < 20 && got.size() < 2; i++) {
      List<SourceRecord> r = task.poll();
      if (r != null) got.addAll(r);
    }
    task.stop();
    assertEquals(List.of("two", "three"), got.stream().map(SourceRecord::value).toList());
    assertEquals(io.polyconnect.sdk.Schema.STRING, got.get(0).valueSchema());
    assertEquals(Map.of("position", 14L), got.get(1).sourceOffset());
  }

  @Test
  void sinkTaskWritesAndCommitsWhatItFlushed() throws Exception {
    Path output = dir.resolve("out.txt");
    BridgeSinkTask task = (BridgeSinkTask) Bridge.discover(jar(), List.of(FileStreamSinkConnector.class.getName()))
        .get(0).newSinkTask();
    task.initialize(new Recording());
    task.start(Map.of("file", output.toString()));
    TopicPartition tp = new TopicPartition("t", 0);
    task.open(List.of(tp));
    task.put(List.of(record(0, "a"), record(1, "b")));
    Map<TopicPartition, Long> committed = task.preCommit(Map.of(tp, 2L));
    assertEquals(Map.of(tp, 2L), committed);
    task.close(List.of(tp));
    task.stop();
    assertEquals("a\nb\n", Files.readString(output));
  }

  /** A Kafka Connect sink that reports odd offsets through the ErrantRecordReporter. */
  public static class Reporting extends org.apache.kafka.connect.sink.SinkConnector {
    public void start(Map<String, String> p) {}
    public Class<? extends org.apache.kafka.connect.connector.Task> taskClass() { return Task.class; }
    public List<Map<String, String>> taskConfigs(int n) { return List.of(Map.of()); }
    public void stop() {}
    public org.apache.kafka.common.config.ConfigDef config() { return new org.apache.kafka.common.config.ConfigDef(); }
    public String version() { return "1"; }

    public static class Task extends org.apache.kafka.connect.sink.SinkTask {
      public String version() { return "1"; }
      public void start(Map<String, String> p) {}
      public void put(Collection<org.apache.kafka.connect.sink.SinkRecord> records) {
        for (var r : records) {
          if (r.kafkaOffset() % 2 == 1) context.errantRecordReporter().report(r, new IllegalArgumentException("odd " + r.value()));
        }
      }
      public void stop() {}
    }
  }

  @Test
  void errantRecordsReachTheSdkWithTheirCoordinates() {
    BridgeSinkTask task = new BridgeSinkTask(Reporting.Task.class);
    Recording context = new Recording();
    task.initialize(context);
    task.start(Map.of());
    task.put(List.of(record(0, "a"), record(1, "b"), record(2, "c"), record(3, "d")));
    assertEquals(List.of("errant 1 odd b", "errant 3 odd d"), context.calls);
  }

  /** The SDK's sink task context, recording what the bridged task asks of it. */
  static final class Recording implements SinkTaskContext {
    final List<String> calls = new ArrayList<>();

    public String connectorName() { return "c"; }
    public int taskId() { return 0; }
    public void reportErrant(SinkRecord r, Throwable e) { calls.add("errant " + r.kafkaOffset() + " " + e.getMessage()); }
    public void offset(Map<TopicPartition, Long> offsets) { calls.add("offset " + new TreeMap<>(offsets)); }
    public void offset(TopicPartition tp, long offset) { calls.add("offset " + tp.topic() + "-" + tp.partition() + "=" + offset); }
    public void pause(TopicPartition... tps) { calls.add("pause " + Arrays.toString(tps)); }
    public void resume(TopicPartition... tps) { calls.add("resume " + Arrays.toString(tps)); }
    public void requestCommit() { calls.add("requestCommit"); }
  }

  /** A Kafka Connect sink that uses SinkTaskContext in put, and whose preCommit fails as told. */
  public static class Contextual extends org.apache.kafka.connect.sink.SinkConnector {
    static volatile RuntimeException preCommitFailure;

    public void start(Map<String, String> p) {}
    public Class<? extends org.apache.kafka.connect.connector.Task> taskClass() { return Task.class; }
    public List<Map<String, String>> taskConfigs(int n) { return List.of(Map.of()); }
    public void stop() {}
    public org.apache.kafka.common.config.ConfigDef config() { return new org.apache.kafka.common.config.ConfigDef(); }
    public String version() { return "1"; }

    public static class Task extends org.apache.kafka.connect.sink.SinkTask {
      public String version() { return "1"; }
      public void start(Map<String, String> p) {}
      public void put(Collection<org.apache.kafka.connect.sink.SinkRecord> records) {
        var t0 = new org.apache.kafka.common.TopicPartition("t", 0);
        var t1 = new org.apache.kafka.common.TopicPartition("t", 1);
        context.offset(Map.of(t0, 5L, t1, 7L));
        context.offset(t1, 9L);
        context.pause(t0, t1);
        context.resume(t1);
        context.requestCommit();
      }
      public void flush(Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
        if (preCommitFailure != null) throw preCommitFailure;
      }
      public void stop() {}
    }
  }

  @Test
  void sinkTaskContextCallsBecomeTheSdksRequests() {
    BridgeSinkTask task = new BridgeSinkTask(Contextual.Task.class);
    Recording context = new Recording();
    task.initialize(context);
    task.start(Map.of());
    task.put(List.of(record(0, "a")));
    assertEquals(List.of(
        "offset {TopicPartition[topic=t, partition=0]=5, TopicPartition[topic=t, partition=1]=7}",
        "offset t-1=9",
        "pause [TopicPartition[topic=t, partition=0], TopicPartition[topic=t, partition=1]]",
        "resume [TopicPartition[topic=t, partition=1]]",
        "requestCommit"), context.calls);
  }

  @Test
  void aFailingPreCommitIsAFailedFlushWhateverItsType() {
    BridgeSinkTask task = new BridgeSinkTask(Contextual.Task.class);
    task.initialize(new Recording());
    task.start(Map.of());
    Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("t", 0), 1L);
    try {
      // Kafka Connect rewinds on any exception from preCommit/flush: none of them may reach
      // the SDK as a CONFIG error, which would fail the task instead.
      for (RuntimeException failure : List.<RuntimeException>of(
          new org.apache.kafka.connect.errors.ConnectException("disk full"),
          new org.apache.kafka.common.config.ConfigException("bad 'file'"),
          new IllegalStateException("closed"))) {
        Contextual.preCommitFailure = failure;
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> task.preCommit(offsets));
        assertNotEquals(ErrorKind.CONFIG, Errors.of(thrown).getKind(), failure.toString());
        assertEquals(failure.getMessage(), thrown.getMessage());
      }
      Contextual.preCommitFailure = null;
      assertEquals(offsets, task.preCommit(offsets));
    } finally {
      Contextual.preCommitFailure = null;
    }
  }

  static SinkRecord record(long offset, String value) {
    return new SinkRecord("t", 0, offset, null, null, io.polyconnect.sdk.Schema.STRING, value, 1000L,
        SinkRecord.TimestampType.CREATE_TIME, List.of(), "t", 0, null, null);
  }
}
