package io.polyconnect.sdk;

/** A record header; a null schema means a schemaless value. */
public record Header(String key, Schema schema, Object value) {
  public static Header of(String key, String value) {
    return new Header(key, Schema.OPTIONAL_STRING, value);
  }
}
