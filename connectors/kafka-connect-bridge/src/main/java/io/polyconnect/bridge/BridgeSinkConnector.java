package io.polyconnect.bridge;

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.SinkConnector;
import io.polyconnect.sdk.SinkTask;
import java.util.List;
import java.util.Map;

/** A Kafka Connect SinkConnector as an SDK sink connector. */
final class BridgeSinkConnector extends SinkConnector {
  private final BridgedConnector bridged;

  BridgeSinkConnector(Class<? extends org.apache.kafka.connect.connector.Connector> cls) {
    this.bridged = new BridgedConnector(cls);
  }

  @Override public ConfigDef config() { return bridged.config(); }
  @Override public Map<String, List<String>> validate(Map<String, String> props) { return bridged.validate(props); }
  @Override public List<io.polyconnect.sdk.ConfigValue> validateValues(Map<String, String> props) { return bridged.validateValues(props); }

  /** KIP-875: the Kafka Connect connector's own alterOffsets (topic partition to the next
   * offset, null: removed). */
  @Override
  public boolean alterOffsets(Map<String, String> config, Map<io.polyconnect.sdk.TopicPartition, Long> offsets) {
    Map<org.apache.kafka.common.TopicPartition, Long> kc = new java.util.LinkedHashMap<>();
    offsets.forEach((tp, o) -> kc.put(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()), o));
    org.apache.kafka.connect.sink.SinkConnector c = (org.apache.kafka.connect.sink.SinkConnector) bridged.connector();
    return bridged.alterOffsets("sink", config, () -> c.alterOffsets(config, kc));
  }
  @Override public void start(Map<String, String> props) { bridged.start(context(), props); }
  @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return bridged.taskConfigs(maxTasks); }
  @Override public void stop() { bridged.stop(); }
  @Override public String version() { return bridged.version(); }

  @Override
  public Class<? extends SinkTask> taskClass() { return BridgeSinkTask.class; }

  Class<? extends org.apache.kafka.connect.connector.Task> kcTaskClass() { return bridged.connector().taskClass(); }
}
