package com.example.contexts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A Kafka Connect source connector for the bridge's context tests: it reads its stored
 * offset in start() through SourceConnectorContext.offsetStorageReader() and hands it to its
 * task, refuses negative offsets in alterOffsets (KIP-875), has a ConfigDef with
 * recommenders ("column" is visible only in "incrementing" mode), and with raise.error=true
 * fails itself through ConnectorContext.raiseError.
 */
public class ContextsSourceConnector extends SourceConnector {
  public static final Map<String, Object> PARTITION = Map.of("source", "contexts");

  static final ConfigDef.Recommender MODES = new ConfigDef.Recommender() {
    public List<Object> validValues(String name, Map<String, Object> parsed) { return List.of("bulk", "incrementing"); }
    public boolean visible(String name, Map<String, Object> parsed) { return true; }
  };

  static final ConfigDef.Recommender COLUMNS = new ConfigDef.Recommender() {
    public List<Object> validValues(String name, Map<String, Object> parsed) {
      return "incrementing".equals(parsed.get("mode")) ? List.of("id", "updated_at") : List.of();
    }
    public boolean visible(String name, Map<String, Object> parsed) { return "incrementing".equals(parsed.get("mode")); }
  };

  static final ConfigDef CONFIG = new ConfigDef()
      .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "The topic")
      .define("count", ConfigDef.Type.INT, 3, ConfigDef.Importance.LOW, "Records per start")
      .define("mode", ConfigDef.Type.STRING, "bulk", ConfigDef.ValidString.in("bulk", "incrementing"),
          ConfigDef.Importance.MEDIUM, "The mode", "Mode", 1, ConfigDef.Width.SHORT, "Mode", List.of("column"), MODES)
      .define("column", ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM, "The column", "Mode", 2,
          ConfigDef.Width.SHORT, "Column", COLUMNS)
      .define("raise.error", ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW,
          "Fail through ConnectorContext.raiseError once started");

  private Map<String, String> props;
  private String seen;

  @Override public String version() { return "1.0"; }
  @Override public ConfigDef config() { return CONFIG; }
  @Override public Class<? extends Task> taskClass() { return ContextsSourceTask.class; }

  @Override
  public void start(Map<String, String> props) {
    this.props = props;
    Map<String, Object> stored = context().offsetStorageReader().offset(PARTITION);
    seen = stored == null ? "none" : String.valueOf(stored.get("n"));
    if (Boolean.parseBoolean(props.get("raise.error"))) {
      context().raiseError(new ConnectException("the source system went away"));
    }
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    Map<String, String> c = new HashMap<>(props);
    c.put("connector.saw", seen);
    return List.of(c);
  }

  @Override public void stop() {}

  @Override
  public boolean alterOffsets(Map<String, String> config, Map<Map<String, ?>, Map<String, ?>> offsets) {
    for (Map<String, ?> o : offsets.values()) {
      if (o != null && o.get("n") instanceof Number n && n.longValue() < 0) {
        throw new ConnectException("offset n must not be negative, got " + n);
      }
    }
    return true;
  }
}
