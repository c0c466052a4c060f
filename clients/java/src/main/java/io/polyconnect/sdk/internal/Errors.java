package io.polyconnect.sdk.internal;

import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.sdk.ConfigException;
import io.polyconnect.sdk.RetriableException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Exceptions as the protocol's typed errors, with the class name and the stack trace. */
public final class Errors {
  private Errors() {}

  public static io.polyconnect.protocol.v1.Error of(Throwable e) {
    return of(e, null);
  }

  public static io.polyconnect.protocol.v1.Error of(Throwable e, ErrorKind forced) {
    ErrorKind kind = forced;
    long retry = 0;
    if (kind == null) {
      if (e instanceof RetriableException r) {
        kind = ErrorKind.RETRIABLE;
        retry = r.retryAfterMs();
      } else if (e instanceof ConfigException || hasClassNamed(e, "org.apache.kafka.common.config.ConfigException")) {
        kind = ErrorKind.CONFIG;
      } else if (hasClassNamed(e, "org.apache.kafka.connect.errors.RetriableException")) {
        kind = ErrorKind.RETRIABLE;
      } else {
        kind = ErrorKind.FATAL;
      }
    }
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return io.polyconnect.protocol.v1.Error.newBuilder()
        .setKind(kind)
        .setMessage(message)
        .setErrorClass(e.getClass().getName())
        .setDetail(trace.toString())
        .setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, Math.max(0, retry)))
        .build();
  }

  public static io.polyconnect.protocol.v1.Error of(ErrorKind kind, String message) {
    return io.polyconnect.protocol.v1.Error.newBuilder().setKind(kind).setMessage(message).build();
  }

  /** Kafka Connect's own exception types, recognised by name (they are not on the SDK's
   * class path, but the bridge's connectors throw them). */
  private static boolean hasClassNamed(Throwable e, String name) {
    for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) return true;
    }
    return false;
  }
}
