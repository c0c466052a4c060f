package io.polyconnect.bridge;

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.SourceConnector;
import io.polyconnect.sdk.SourceTask;
import java.util.List;
import java.util.Map;

/** A Kafka Connect SourceConnector as an SDK source connector. */
final class BridgeSourceConnector extends SourceConnector {
  private final BridgedConnector bridged;

  BridgeSourceConnector(Class<? extends org.apache.kafka.connect.connector.Connector> cls) {
    this.bridged = new BridgedConnector(cls);
  }

  @Override public ConfigDef config() { return bridged.config(); }
  @Override public Map<String, List<String>> validate(Map<String, String> props) { return bridged.validate(props); }
  @Override public List<io.polyconnect.sdk.ConfigValue> validateValues(Map<String, String> props) { return bridged.validateValues(props); }

  /** KIP-875: the Kafka Connect connector's own alterOffsets. */
  @Override
  public boolean alterOffsets(Map<String, String> config, Map<Map<String, ?>, Map<String, ?>> offsets) {
    org.apache.kafka.connect.source.SourceConnector c = source();
    return bridged.alterOffsets("source", config, () -> c.alterOffsets(config, offsets));
  }
  @Override public void start(Map<String, String> props) { bridged.start(context(), props); }
  @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return bridged.taskConfigs(maxTasks); }
  @Override public void stop() { bridged.stop(); }
  @Override public String version() { return bridged.version(); }

  /** The Kafka Connect connector's own exactlyOnceSupport, in its class loader. */
  @Override
  public io.polyconnect.sdk.ExactlyOnceSupport exactlyOnceSupport(Map<String, String> config) {
    org.apache.kafka.connect.source.SourceConnector c = source();
    org.apache.kafka.connect.source.ExactlyOnceSupport eos = Bridge.withLoader(c, () -> c.exactlyOnceSupport(config));
    if (eos == null) return null;
    return eos == org.apache.kafka.connect.source.ExactlyOnceSupport.SUPPORTED
        ? io.polyconnect.sdk.ExactlyOnceSupport.SUPPORTED
        : io.polyconnect.sdk.ExactlyOnceSupport.UNSUPPORTED;
  }

  /** The Kafka Connect connector's own canDefineTransactionBoundaries, in its class loader. */
  @Override
  public io.polyconnect.sdk.ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> config) {
    org.apache.kafka.connect.source.SourceConnector c = source();
    org.apache.kafka.connect.source.ConnectorTransactionBoundaries tb =
        Bridge.withLoader(c, () -> c.canDefineTransactionBoundaries(config));
    return tb == org.apache.kafka.connect.source.ConnectorTransactionBoundaries.SUPPORTED
        ? io.polyconnect.sdk.ConnectorTransactionBoundaries.SUPPORTED
        : io.polyconnect.sdk.ConnectorTransactionBoundaries.UNSUPPORTED;
  }

  private org.apache.kafka.connect.source.SourceConnector source() {
    return (org.apache.kafka.connect.source.SourceConnector) bridged.connector();
  }

  /** Tasks are made by {@link Bridge.BridgePlugin}, which knows the Kafka Connect task class. */
  @Override
  public Class<? extends SourceTask> taskClass() { return BridgeSourceTask.class; }

  Class<? extends org.apache.kafka.connect.connector.Task> kcTaskClass() { return bridged.connector().taskClass(); }
}
