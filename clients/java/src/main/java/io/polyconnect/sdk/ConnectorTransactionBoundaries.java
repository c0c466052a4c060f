package io.polyconnect.sdk;

/** Kafka Connect's ConnectorTransactionBoundaries: what
 * {@link SourceConnector#canDefineTransactionBoundaries} declares. */
public enum ConnectorTransactionBoundaries {
  SUPPORTED,
  UNSUPPORTED
}
