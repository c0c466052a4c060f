package io.polyconnect.sdk;

/** A value that does not match its schema, or a malformed schema. */
public class DataException extends ConnectException {
  public DataException(String message) { super(message); }
}
