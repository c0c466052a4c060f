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
  @Override public void start(Map<String, String> props) { bridged.start(context(), props); }
  @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return bridged.taskConfigs(maxTasks); }
  @Override public void stop() { bridged.stop(); }
  @Override public String version() { return bridged.version(); }

  @Override
  public Class<? extends SinkTask> taskClass() { return BridgeSinkTask.class; }

  Class<? extends org.apache.kafka.connect.connector.Task> kcTaskClass() { return bridged.connector().taskClass(); }
}
