package io.polyconnect.sdk;

/** What a connector may ask of the SDK. Callable from any thread. */
public interface ConnectorContext {
  String connectorName();

  /** The source or sink system changed: the core asks for task configs again. */
  void requestTaskReconfiguration();

  /** Fails the connector with {@code error}. */
  void raiseError(Exception error);
}
