package io.polyconnect.bridge;

import io.polyconnect.sdk.ConfigDef;
import io.polyconnect.sdk.ConnectorContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * A Kafka Connect Connector instance driven through the SDK's connector lifecycle. Shared
 * by {@link BridgeSourceConnector} and {@link BridgeSinkConnector}.
 */
final class BridgedConnector {
  private final Connector connector;

  BridgedConnector(Class<? extends Connector> cls) {
    this.connector = Bridge.instantiate(cls);
  }

  Connector connector() { return connector; }

  ConfigDef config() {
    // ConfigDef resolves CLASS defaults through the context class loader.
    return Bridge.withLoader(connector, () -> Configs.definition(connector.config()));
  }

  Map<String, List<String>> validate(Map<String, String> props) {
    return Bridge.withLoader(connector, () -> Configs.errors(connector.validate(props)));
  }

  /** Connector.validate with the ConfigDef's recommenders: values, recommendations,
   * visibility and errors, in the plugin's class loader. */
  List<io.polyconnect.sdk.ConfigValue> validateValues(Map<String, String> props) {
    return Bridge.withLoader(connector, () -> Configs.values(connector.validate(props), connector.config()));
  }

  /**
   * KIP-875's alterOffsets on this (not started) instance, in the plugin's class loader. An
   * exception other than Kafka Connect's ConnectException (or UnsupportedOperationException,
   * passed on as such) is wrapped with Kafka Connect's message, as Worker.modifyConnectorOffsets
   * does; a ConnectRestException keeps its status.
   */
  boolean alterOffsets(String kind, Map<String, String> config, java.util.function.Supplier<Boolean> call) {
    try {
      return Bridge.withLoader(connector, call);
    } catch (UnsupportedOperationException | org.apache.kafka.connect.errors.ConnectException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new org.apache.kafka.connect.errors.ConnectException(
          "Failed to modify offsets for " + kind + " connector " + config.get("name"), e);
    }
  }

  void start(ConnectorContext sdk, Map<String, String> props) {
    Bridge.withLoader(connector, () -> {
      connector.initialize(new Context(sdk));
      connector.start(props);
    });
  }

  List<Map<String, String>> taskConfigs(int maxTasks) {
    return Bridge.withLoader(connector, () -> connector.taskConfigs(maxTasks));
  }

  void stop() {
    Bridge.withLoader(connector, connector::stop);
  }

  String version() {
    return Bridge.withLoader(connector, connector::version);
  }

  /** Kafka Connect's connector context on the SDK's. */
  private static final class Context implements SourceConnectorContext, SinkConnectorContext {
    private final ConnectorContext sdk;

    Context(ConnectorContext sdk) { this.sdk = sdk; }

    @Override
    public void requestTaskReconfiguration() { sdk.requestTaskReconfiguration(); }

    @Override
    public void raiseError(Exception e) { sdk.raiseError(e); }

    /** Connector metrics are not carried by the protocol. */
    @Override
    public PluginMetrics pluginMetrics() { return null; }

    /** Kafka Connect's SourceConnectorContext reader: the offsets the connector's tasks
     * resume from, asked of the core on each call. */
    @Override
    public OffsetStorageReader offsetStorageReader() {
      return new OffsetStorageReader() {
        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
          return sdk.offset(partition);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
          Map<Map<String, ?>, Map<String, Object>> got = sdk.offsets(partitions);
          Map<Map<String, T>, Map<String, Object>> out = new java.util.HashMap<>();
          for (Map<String, T> p : partitions) out.put(p, got.get(p));
          return out;
        }
      };
    }
  }
}
