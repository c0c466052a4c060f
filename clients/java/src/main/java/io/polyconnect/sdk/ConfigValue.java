package io.polyconnect.sdk;

import java.util.List;

/**
 * One key's validation result, as Kafka Connect's {@code ConfigValue}: its value (null:
 * none), errors, recommended values (what a UI offers) and whether it is visible with the
 * rest of the config. What {@link Connector#validateValues} returns.
 */
public record ConfigValue(String name, String value, List<String> recommendedValues, List<String> errors,
    boolean visible) {
  public ConfigValue {
    recommendedValues = recommendedValues == null ? List.of() : List.copyOf(recommendedValues);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
