package io.polyconnect.sdk;

/** A source connector; its tasks are {@link #taskClass()}. */
public abstract class SourceConnector extends Connector {
  public abstract Class<? extends SourceTask> taskClass();
}
