package io.polyconnect.sdk;

/**
 * An already serialized key or value: written to Kafka unchanged, without the core's
 * converter (when the core supports raw bytes; otherwise it travels as optional BYTES).
 */
public record RawBytes(byte[] data) {}
