package io.polyconnect.sdk;

/** An invalid configuration (CONFIG): the connector or task fails; say which setting. */
public class ConfigException extends ConnectException {
  public ConfigException(String message) { super(message); }
  public ConfigException(String name, Object value, String why) {
    super("Invalid value " + value + " for configuration " + name + ": " + why);
  }
}
