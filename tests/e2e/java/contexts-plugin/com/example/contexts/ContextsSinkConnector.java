package com.example.contexts;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

/** A Kafka Connect sink connector whose task asks for a retry back-off with
 * SinkTaskContext.timeout and reports when its batch came back; its alterOffsets refuses
 * offsets past 1000. */
public class ContextsSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override public String version() { return "1.0"; }
  @Override public ConfigDef config() {
    return new ConfigDef()
        .define("file", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "The output file")
        .define("retry.timeout.ms", ConfigDef.Type.LONG, 3000L, ConfigDef.Importance.LOW, "SinkTaskContext.timeout");
  }
  @Override public Class<? extends Task> taskClass() { return ContextsSinkTask.class; }
  @Override public void start(Map<String, String> props) { this.props = props; }
  @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return List.of(props); }
  @Override public void stop() {}

  /** KIP-875: refuses offsets past what its test topic holds; otherwise only the framework's
   * offsets change (false, Kafka Connect's default). */
  @Override
  public boolean alterOffsets(Map<String, String> config, Map<TopicPartition, Long> offsets) {
    offsets.forEach((tp, o) -> {
      if (o != null && o > 1000) throw new ConnectException("offset " + o + " is past the end of " + tp);
    });
    return false;
  }
}
