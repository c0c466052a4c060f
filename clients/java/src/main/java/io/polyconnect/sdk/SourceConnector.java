package io.polyconnect.sdk;

/** A source connector; its tasks are {@link #taskClass()}. */
public abstract class SourceConnector extends Connector {
  public abstract Class<? extends SourceTask> taskClass();

  /** Whether the connector can run exactly once with {@code config} (Kafka Connect's
   * exactlyOnceSupport); null, the default: not declared. With
   * {@code exactly.once.support=required} a connector is refused unless SUPPORTED. */
  public ExactlyOnceSupport exactlyOnceSupport(java.util.Map<String, String> config) {
    return null;
  }

  /** Whether the connector's tasks define their own transactions with {@code config} (Kafka
   * Connect's canDefineTransactionBoundaries); {@code transaction.boundary=connector} is
   * refused unless SUPPORTED (the default is UNSUPPORTED). */
  public ConnectorTransactionBoundaries canDefineTransactionBoundaries(java.util.Map<String, String> config) {
    return ConnectorTransactionBoundaries.UNSUPPORTED;
  }

  /**
   * KIP-875 (Kafka Connect's {@code alterOffsets}): called on an instance that was not
   * started, before {@code PATCH} / {@code DELETE /connectors/{c}/offsets} writes
   * {@code offsets} (partition to offset; a null offset resets it) for the stopped connector.
   * An exception fails the request with its message and nothing is written
   * ({@link UnsupportedOperationException}: "doesn't support external modification of
   * offsets"). True: the connector altered offsets it keeps itself too; false, the default:
   * only the framework's offsets change.
   */
  public boolean alterOffsets(java.util.Map<String, String> config,
      java.util.Map<java.util.Map<String, ?>, java.util.Map<String, ?>> offsets) {
    return false;
  }
}
