package io.polyconnect.bridge;

import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.Header;
import io.polyconnect.sdk.RetriableException;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A Kafka Connect SinkTask behind the SDK: open/close/put/preCommit/stop in the core's
 * order, records converted to Kafka Connect's, the ErrantRecordReporter reporting
 * per-record errors to the core, and SinkTaskContext's offset/pause/resume/requestCommit
 * passed on as the SDK's context requests. An exception from the connector's
 * preCommit/flush is a failed flush (the core commits nothing and rewinds), as in Kafka
 * Connect, whatever its type.
 */
final class BridgeSinkTask extends SinkTask {
  private final org.apache.kafka.connect.sink.SinkTask task;
  private final DataConversion data = new DataConversion();
  private final Set<org.apache.kafka.common.TopicPartition> assignment = new TreeSet<>(
      (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
  /** The connector's records of the current put -> ours, for errant record reports. */
  private final Map<org.apache.kafka.connect.sink.SinkRecord, SinkRecord> current = new IdentityHashMap<>();

  BridgeSinkTask(Class<? extends org.apache.kafka.connect.connector.Task> cls) {
    this.task = (org.apache.kafka.connect.sink.SinkTask) Bridge.instantiate(cls);
  }

  @Override
  public void start(Map<String, String> props) {
    Bridge.withLoader(task, () -> {
      task.initialize(new Context(props));
      task.start(props);
    });
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    List<org.apache.kafka.common.TopicPartition> parts = kc(partitions);
    assignment.addAll(parts);
    Bridge.withLoader(task, () -> task.open(parts));
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    List<org.apache.kafka.common.TopicPartition> parts = kc(partitions);
    parts.forEach(assignment::remove);
    Bridge.withLoader(task, () -> task.close(parts));
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    List<org.apache.kafka.connect.sink.SinkRecord> out = new ArrayList<>(records.size());
    current.clear();
    for (SinkRecord r : records) {
      org.apache.kafka.connect.data.Schema ks = r.keySchema() != null ? data.schema(r.keySchema()) : DataConversion.rawSchema(r.key());
      org.apache.kafka.connect.data.Schema vs = r.valueSchema() != null ? data.schema(r.valueSchema()) : DataConversion.rawSchema(r.value());
      ConnectHeaders headers = new ConnectHeaders();
      for (Header h : r.headers()) {
        org.apache.kafka.connect.data.Schema hs = data.schema(h.schema());
        headers.add(h.key(), data.kcValue(hs, h.value()), hs);
      }
      org.apache.kafka.connect.sink.SinkRecord k = new org.apache.kafka.connect.sink.SinkRecord(r.topic(),
          r.kafkaPartition(), ks, data.kcValue(ks, r.key()), vs, data.kcValue(vs, r.value()), r.kafkaOffset(),
          r.timestamp(), TimestampType.values()[r.timestampType().ordinal()], headers, r.originalTopic(),
          r.originalKafkaPartition(), r.kafkaOffset());
      current.put(k, r);
      out.add(k);
    }
    try {
      Bridge.withLoader(task, () -> task.put(out));
    } catch (org.apache.kafka.connect.errors.RetriableException e) {
      throw new RetriableException(e.getMessage(), e);
    }
  }

  @Override
  public Map<TopicPartition, Long> preCommit(Map<TopicPartition, Long> offsets) {
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> in = new HashMap<>();
    offsets.forEach((tp, o) -> in.put(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()),
        new OffsetAndMetadata(o)));
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> done;
    try {
      done = Bridge.withLoader(task, () -> task.preCommit(in));
    } catch (RuntimeException e) {
      // Kafka Connect rewinds on any exception from preCommit, a ConfigException too; the SDK
      // would take that one for a config error and fail the task.
      if (isConfigException(e)) throw new ConnectException(e.getMessage(), e);
      throw e;
    }
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    if (done != null) done.forEach((tp, o) -> out.put(new TopicPartition(tp.topic(), tp.partition()), o.offset()));
    return out;
  }

  @Override
  public void stop() {
    Bridge.withLoader(task, task::stop);
  }

  private static boolean isConfigException(Throwable e) {
    for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals("org.apache.kafka.common.config.ConfigException")) return true;
    }
    return false;
  }

  private static TopicPartition ours(org.apache.kafka.common.TopicPartition tp) {
    return new TopicPartition(tp.topic(), tp.partition());
  }

  private static TopicPartition[] ours(org.apache.kafka.common.TopicPartition[] tps) {
    TopicPartition[] out = new TopicPartition[tps.length];
    for (int i = 0; i < tps.length; i++) out[i] = ours(tps[i]);
    return out;
  }

  private static List<org.apache.kafka.common.TopicPartition> kc(Collection<TopicPartition> parts) {
    List<org.apache.kafka.common.TopicPartition> out = new ArrayList<>();
    parts.forEach(p -> out.add(new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())));
    return out;
  }

  private final class Context implements SinkTaskContext {
    private final Map<String, String> configs;

    Context(Map<String, String> configs) { this.configs = configs; }

    @Override
    public Map<String, String> configs() { return configs; }

    @Override
    public void offset(Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
      Map<TopicPartition, Long> out = new LinkedHashMap<>();
      offsets.forEach((tp, o) -> out.put(ours(tp), o));
      context().offset(out);
    }

    @Override
    public void offset(org.apache.kafka.common.TopicPartition tp, long offset) {
      context().offset(ours(tp), offset);
    }

    /** The back-off before the next retriable put is delivered again (the core's own
     * otherwise), once, as in Kafka Connect. */
    @Override
    public void timeout(long ms) {
      context().timeout(ms);
    }

    @Override
    public Set<org.apache.kafka.common.TopicPartition> assignment() { return Set.copyOf(assignment); }

    @Override
    public void pause(org.apache.kafka.common.TopicPartition... partitions) {
      context().pause(ours(partitions));
    }

    @Override
    public void resume(org.apache.kafka.common.TopicPartition... partitions) {
      context().resume(ours(partitions));
    }

    @Override
    public void requestCommit() {
      context().requestCommit();
    }

    @Override
    public PluginMetrics pluginMetrics() { return null; }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return (record, error) -> {
        SinkRecord ours = current.get(record);
        if (ours == null) {
          // A record the connector made itself: name it by its coordinates.
          ours = new SinkRecord(record.topic(), record.kafkaPartition(), record.kafkaOffset(), null, null, null, null,
              record.timestamp(), SinkRecord.TimestampType.NO_TIMESTAMP_TYPE, List.of(), record.originalTopic(),
              record.originalKafkaPartition(), null, null);
        }
        context().reportErrant(ours, error);
        return CompletableFuture.completedFuture(null);
      };
    }
  }
}
