package io.polyconnect.sdk;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What a connector may ask of the SDK. Callable from any thread. */
public interface ConnectorContext {
  String connectorName();

  /** The source or sink system changed: the core asks for task configs again. */
  void requestTaskReconfiguration();

  /** Fails the connector with {@code error}. */
  void raiseError(Exception error);

  /**
   * Source connectors: the stored offset of {@code partition}, or null (Kafka Connect's
   * {@code SourceConnectorContext.offsetStorageReader().offset}). Read from the store the
   * connector's tasks resume from, from {@code start} on; each call asks the core.
   */
  default Map<String, Object> offset(Map<String, ?> partition) {
    return offsets(List.of(partition)).get(partition);
  }

  /** Source connectors: the stored offsets of {@code partitions}; partitions without one are
   * left out. */
  default Map<Map<String, ?>, Map<String, Object>> offsets(Collection<? extends Map<String, ?>> partitions) {
    throw new UnsupportedOperationException("this connector context reads no offsets");
  }
}
