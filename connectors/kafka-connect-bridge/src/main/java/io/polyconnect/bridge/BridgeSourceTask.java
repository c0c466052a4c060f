package io.polyconnect.bridge;

import io.polyconnect.sdk.Header;
import io.polyconnect.sdk.RecordMetadata;
import io.polyconnect.sdk.RetriableException;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * A Kafka Connect SourceTask behind the SDK: poll results are converted to the SDK's
 * records, acks go back to commitRecord with Kafka's RecordMetadata, and the task's
 * OffsetStorageReader reads the offsets the core stored.
 */
final class BridgeSourceTask extends SourceTask {
  private final org.apache.kafka.connect.source.SourceTask task;
  private final DataConversion data = new DataConversion();
  /** SDK record -> the connector's own record, for commitRecord (identity keys). */
  private final Map<SourceRecord, org.apache.kafka.connect.source.SourceRecord> polled = new ConcurrentHashMap<>();
  /** Transaction requests the task made on its own records (connector-defined boundaries),
   * applied to their SDK records once poll converted them: bit 1 commit, bit 2 abort (both:
   * the SDK fails the task, as Kafka Connect does). */
  private final Map<org.apache.kafka.connect.source.SourceRecord, Integer> requests =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  BridgeSourceTask(Class<? extends org.apache.kafka.connect.connector.Task> cls) {
    this.task = (org.apache.kafka.connect.source.SourceTask) Bridge.instantiate(cls);
  }

  @Override
  public void start(Map<String, String> props) {
    Bridge.withLoader(task, () -> {
      task.initialize(new Context(props));
      task.start(props);
    });
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    List<org.apache.kafka.connect.source.SourceRecord> records;
    try {
      records = Bridge.withLoaderInterruptibly(task, task::poll);
    } catch (org.apache.kafka.connect.errors.RetriableException e) {
      throw new RetriableException(e.getMessage(), e);
    }
    if (records == null || records.isEmpty()) return null;
    List<SourceRecord> out = new ArrayList<>(records.size());
    io.polyconnect.sdk.TransactionContext txn = context().transactionContext();
    for (org.apache.kafka.connect.source.SourceRecord r : records) {
      SourceRecord s = new SourceRecord(r.sourcePartition(), r.sourceOffset(), r.topic(), r.kafkaPartition(),
          data.schema(r.keySchema()), data.value(r.keySchema(), r.key()), data.schema(r.valueSchema()),
          data.value(r.valueSchema(), r.value()), r.timestamp());
      for (org.apache.kafka.connect.header.Header h : r.headers()) {
        s.withHeader(new Header(h.key(), data.schema(h.schema()), data.value(h.schema(), h.value())));
      }
      polled.put(s, r);
      out.add(s);
      // Only with connector-defined boundaries, and only when the task asked for something.
      if (txn != null && !requests.isEmpty()) {
        Integer request = requests.remove(r);
        if (request != null) {
          if ((request & 1) != 0) txn.commitTransaction(s);
          if ((request & 2) != 0) txn.abortTransaction(s);
        }
      }
    }
    return out;
  }

  @Override
  public void commitRecord(SourceRecord record, RecordMetadata md) throws InterruptedException {
    org.apache.kafka.connect.source.SourceRecord r = polled.remove(record);
    if (r == null) return;
    org.apache.kafka.clients.producer.RecordMetadata meta = md == null ? null
        : new org.apache.kafka.clients.producer.RecordMetadata(new TopicPartition(md.topic(), md.partition()),
            md.offset(), 0, r.timestamp() == null ? -1 : r.timestamp(), -1, -1);
    Bridge.withLoaderInterruptibly(task, () -> {
      task.commitRecord(r, meta);
      return null;
    });
  }

  @Override
  public void commit() throws InterruptedException {
    Bridge.withLoaderInterruptibly(task, () -> {
      task.commit();
      return null;
    });
  }

  @Override
  public void stop() {
    Bridge.withLoader(task, task::stop);
  }

  private final class Context implements SourceTaskContext {
    private final Map<String, String> configs;

    Context(Map<String, String> configs) { this.configs = configs; }

    @Override
    public Map<String, String> configs() { return configs; }

    @Override
    public PluginMetrics pluginMetrics() { return null; }

    /** With connector-defined transaction boundaries, Kafka Connect's TransactionContext
     * over the SDK's: requests on a whole batch go through as they are; requests on a
     * record wait until poll hands that record over (the task names its own record). */
    @Override
    public org.apache.kafka.connect.source.TransactionContext transactionContext() {
      io.polyconnect.sdk.TransactionContext txn = context().transactionContext();
      if (txn == null) return null;
      return new org.apache.kafka.connect.source.TransactionContext() {
        @Override public void commitTransaction() { txn.commitTransaction(); }
        @Override public void commitTransaction(org.apache.kafka.connect.source.SourceRecord record) {
          requests.merge(nonNull(record), 1, (a, b) -> a | b);
        }
        @Override public void abortTransaction() { txn.abortTransaction(); }
        @Override public void abortTransaction(org.apache.kafka.connect.source.SourceRecord record) {
          requests.merge(nonNull(record), 2, (a, b) -> a | b);
        }
      };
    }

    private org.apache.kafka.connect.source.SourceRecord nonNull(org.apache.kafka.connect.source.SourceRecord r) {
      return java.util.Objects.requireNonNull(r, "Source record used to define transaction boundaries may not be null");
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
      return new OffsetStorageReader() {
        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
          return context().offset(partition);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
          return (Map) context().offsets(partitions);
        }
      };
    }
  }
}
