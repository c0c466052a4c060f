package io.polyconnect.sdk;

import java.util.Map;

/**
 * A single message transform (Kafka Connect's Transformation), served out of process:
 * {@link #apply} returns the transformed record, or null to drop it. An exception fails the
 * record: the core applies errors.tolerance and the dead letter queue to it.
 */
public interface Transformation {
  ConnectRecord apply(ConnectRecord record);

  /** The settings ({@code transforms.<alias>.*} without the prefix), before the first record. */
  default void configure(Map<String, String> config) {
  }

  /** The configuration keys, served by {@code GET /connector-plugins/{class}/config}. */
  default ConfigDef config() {
    return new ConfigDef();
  }

  default String version() {
    return "0.0.0";
  }

  /** Called when the task stops. */
  default void close() {
  }
}
