package io.polyconnect.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polyconnect.sdk.ConnectorTransactionBoundaries;
import io.polyconnect.sdk.ExactlyOnceSupport;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.SourceTaskContext;
import io.polyconnect.sdk.TransactionContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.file.FileStreamSourceConnector;
import org.junit.jupiter.api.Test;

/** A Kafka Connect source's exactly-once declarations and its TransactionContext requests
 * reach the SDK's. */
class BridgeTransactionsTest {
  /** Commits after every third record it returns, aborts at its tenth, and asks for a
   * commit of the whole batch on its second poll. */
  public static final class TxnTask extends org.apache.kafka.connect.source.SourceTask {
    private int next;
    private int polls;

    @Override public String version() { return "1"; }
    @Override public void start(Map<String, String> props) {}
    @Override public void stop() {}

    @Override
    public List<org.apache.kafka.connect.source.SourceRecord> poll() {
      polls++;
      List<org.apache.kafka.connect.source.SourceRecord> out = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int n = next++;
        var r = new org.apache.kafka.connect.source.SourceRecord(Map.of("p", 0), Map.of("n", n), "t",
            Schema.STRING_SCHEMA, "v" + n);
        if (n % 3 == 2) context.transactionContext().commitTransaction(r);
        if (n == 9) context.transactionContext().abortTransaction(r);
        out.add(r);
      }
      if (polls == 2) context.transactionContext().commitTransaction();
      return out;
    }
  }

  /** The SDK's transaction context, recording what it is asked. */
  static final class Recorder implements TransactionContext {
    final List<String> calls = new ArrayList<>();
    public void commitTransaction() { calls.add("commit batch"); }
    public void commitTransaction(SourceRecord r) { calls.add("commit " + r.value()); }
    public void abortTransaction() { calls.add("abort batch"); }
    public void abortTransaction(SourceRecord r) { calls.add("abort " + r.value()); }
  }

  static SourceTaskContext context(TransactionContext txn) {
    return new SourceTaskContext() {
      public String connectorName() { return "c"; }
      public int taskId() { return 0; }
      public Map<String, Object> offset(Map<String, ?> p) { return null; }
      public Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> ps) { return Map.of(); }
      public TransactionContext transactionContext() { return txn; }
    };
  }

  @Test
  void recordRequestsReachTheSdkOnTheConvertedRecords() throws Exception {
    Recorder txn = new Recorder();
    BridgeSourceTask task = new BridgeSourceTask(TxnTask.class);
    task.initialize(context(txn));
    task.start(Map.of());
    List<SourceRecord> first = task.poll();
    assertEquals(List.of("commit v2", "commit v5"), txn.calls);
    List<SourceRecord> second = task.poll();
    // The batch request goes through at once; the record requests once poll converted the records.
    assertEquals(List.of("commit v2", "commit v5", "commit batch", "commit v8", "abort v9", "commit v11"), txn.calls);
    assertEquals(12, first.size() + second.size());
    task.stop();
  }

  /** Keeps the transaction context Kafka Connect's task sees at start. */
  public static final class ProbeTask extends org.apache.kafka.connect.source.SourceTask {
    static volatile org.apache.kafka.connect.source.TransactionContext seen;

    @Override public String version() { return "1"; }
    @Override public void start(Map<String, String> props) { seen = context.transactionContext(); }
    @Override public List<org.apache.kafka.connect.source.SourceRecord> poll() { return null; }
    @Override public void stop() {}
  }

  @Test
  void theTaskHasATransactionContextOnlyWithConnectorBoundaries() throws Exception {
    BridgeSourceTask task = new BridgeSourceTask(ProbeTask.class);
    task.initialize(context(null));
    task.start(Map.of());
    assertNull(ProbeTask.seen);
    task.stop();
    task = new BridgeSourceTask(ProbeTask.class);
    task.initialize(context(new Recorder()));
    task.start(Map.of());
    org.junit.jupiter.api.Assertions.assertNotNull(ProbeTask.seen);
    task.stop();
  }

  @Test
  void declarationsAreTheKafkaConnectConnectors() throws Exception {
    BridgeSourceConnector c = new BridgeSourceConnector(FileStreamSourceConnector.class);
    // Kafka Connect's FileStreamSourceConnector: exactly once for a file, not for stdin.
    assertEquals(ExactlyOnceSupport.SUPPORTED, c.exactlyOnceSupport(Map.of("file", "/tmp/x", "topic", "t")));
    assertEquals(ExactlyOnceSupport.UNSUPPORTED, c.exactlyOnceSupport(Map.of("topic", "t")));
    assertEquals(ConnectorTransactionBoundaries.UNSUPPORTED, c.canDefineTransactionBoundaries(Map.of("topic", "t")));
    BridgeSourceConnector plain = new BridgeSourceConnector(Plain.class);
    assertNull(plain.exactlyOnceSupport(Map.of()));
  }

  /** A source connector that declares nothing (Kafka Connect's defaults). */
  public static final class Plain extends org.apache.kafka.connect.source.SourceConnector {
    public void start(Map<String, String> props) {}
    public Class<? extends org.apache.kafka.connect.connector.Task> taskClass() { return TxnTask.class; }
    public List<Map<String, String>> taskConfigs(int maxTasks) { return List.of(); }
    public void stop() {}
    public org.apache.kafka.common.config.ConfigDef config() { return new org.apache.kafka.common.config.ConfigDef(); }
    public String version() { return "1"; }
  }
}
