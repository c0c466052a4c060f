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
}
