package io.polyconnect.sdk;

/** Kafka Connect's ExactlyOnceSupport: what {@link SourceConnector#exactlyOnceSupport} declares. */
public enum ExactlyOnceSupport {
  SUPPORTED,
  UNSUPPORTED
}
