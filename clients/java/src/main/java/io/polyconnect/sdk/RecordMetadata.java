package io.polyconnect.sdk;

/** Where Kafka wrote a source record. */
public record RecordMetadata(String topic, int partition, long offset) {}
