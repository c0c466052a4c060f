package io.polyconnect.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What source and sink connectors share (Kafka Connect's Connector): a config definition,
 * start, task configs, stop. Extend {@link SourceConnector} or {@link SinkConnector}.
 */
public abstract class Connector {
  private ConnectorContext context;
  private Map<String, String> config = Map.of();

  /** The configuration keys (protocol rule 13). */
  public ConfigDef config() {
    return new ConfigDef();
  }

  /** Starts the connector; {@link #config()} was checked against {@code props} before. */
  public void start(Map<String, String> props) {
  }

  /** At most {@code maxTasks} task configurations. Default: one task with the connector's config. */
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(config);
    return out;
  }

  /**
   * Errors per configuration key, one entry for each key the connector knows (an empty list
   * when fine). Default: the checks of {@link #config()}; override to add your own.
   */
  public Map<String, List<String>> validate(Map<String, String> props) {
    return config().validate(props);
  }

  /**
   * The full validation of {@code props}, one entry per key with recommended values and
   * visibility (Kafka Connect's {@code Connector.validate} with ConfigDef recommenders). Null,
   * the default: {@link #validate}'s errors, every key visible, nothing recommended.
   */
  public java.util.List<ConfigValue> validateValues(Map<String, String> props) {
    return null;
  }

  public void stop() {
  }

  /** The plugin's version, shown in the plugin listing. */
  public String version() {
    return "0.0.0";
  }

  public ConnectorContext context() { return context; }

  /** The configuration given to {@link #start}. */
  public Map<String, String> props() { return config; }

  /** Called by the SDK before start. */
  public void initialize(ConnectorContext context, Map<String, String> config) {
    this.context = context;
    this.config = config;
  }
}
