package io.polyconnect.sdk;

/** Base class of the SDK's exceptions (Kafka Connect's ConnectException). Any other
 * exception a connector throws becomes a FATAL error with its class and stack trace. */
public class ConnectException extends RuntimeException {
  public ConnectException(String message) { super(message); }
  public ConnectException(String message, Throwable cause) { super(message, cause); }
}
