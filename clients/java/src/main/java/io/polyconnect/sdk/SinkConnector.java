package io.polyconnect.sdk;

/** A sink connector; the core handles {@code topics} and {@code topics.regex}. */
public abstract class SinkConnector extends Connector {
  public abstract Class<? extends SinkTask> taskClass();

  /**
   * KIP-875 (Kafka Connect's {@code alterOffsets}): called on an instance that was not
   * started, before {@code PATCH} / {@code DELETE /connectors/{c}/offsets} changes the
   * consumer group's offsets (topic partition to the next offset; null removes it). An
   * exception fails the request with its message and nothing is written. True: the connector
   * altered offsets it keeps itself too; false, the default: only the group's change.
   */
  public boolean alterOffsets(java.util.Map<String, String> config, java.util.Map<TopicPartition, Long> offsets) {
    return false;
  }
}
