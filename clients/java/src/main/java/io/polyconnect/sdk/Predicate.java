package io.polyconnect.sdk;

import java.util.Map;

/** A predicate (Kafka Connect's transforms.predicates.Predicate): whether a transform applies. */
public interface Predicate {
  boolean test(ConnectRecord record);

  default void configure(Map<String, String> config) {
  }

  default ConfigDef config() {
    return new ConfigDef();
  }

  default String version() {
    return "0.0.0";
  }

  default void close() {
  }
}
