package io.polyconnect.sdk;

/** A sink connector; the core handles {@code topics} and {@code topics.regex}. */
public abstract class SinkConnector extends Connector {
  public abstract Class<? extends SinkTask> taskClass();
}
