package io.polyconnect.bridge;

import io.polyconnect.sdk.ConfigDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/** Kafka Connect's ConfigDef and validation results in the SDK's terms. */
final class Configs {
  private Configs() {}

  static ConfigDef definition(org.apache.kafka.common.config.ConfigDef def) {
    ConfigDef out = new ConfigDef();
    if (def == null) return out;
    for (org.apache.kafka.common.config.ConfigDef.ConfigKey k : def.configKeys().values()) {
      if (k.internalConfig) continue;
      Object dflt = k.defaultValue == org.apache.kafka.common.config.ConfigDef.NO_DEFAULT_VALUE
          ? ConfigDef.NO_DEFAULT
          : k.type == org.apache.kafka.common.config.ConfigDef.Type.CLASS ? PluginScan.defaultString(k) : k.defaultValue;
      ConfigDef.Key key = ConfigDef.key(k.name, ConfigDef.Type.valueOf(k.type.name()), dflt,
          ConfigDef.Importance.valueOf(k.importance.name()), k.documentation);
      key.group = k.group == null ? "" : k.group;
      key.orderInGroup = k.orderInGroup;
      key.width = ConfigDef.Width.valueOf(k.width.name());
      key.displayName = k.displayName;
      key.dependents = k.dependents == null ? List.of() : List.copyOf(k.dependents);
      out.define(key);
    }
    return out;
  }

  /**
   * Connector.validate's ConfigValues as Kafka Connect's REST shows them
   * (AbstractHerder's conversion): the value and recommended values in their string form for
   * the key's type, errors and visibility, as the ConfigDef's recommenders left them.
   */
  static List<io.polyconnect.sdk.ConfigValue> values(Config config, org.apache.kafka.common.config.ConfigDef def) {
    Map<String, org.apache.kafka.common.config.ConfigDef.ConfigKey> keys = def == null ? Map.of() : def.configKeys();
    List<io.polyconnect.sdk.ConfigValue> out = new ArrayList<>();
    for (ConfigValue v : config.configValues()) {
      org.apache.kafka.common.config.ConfigDef.ConfigKey key = keys.get(v.name());
      org.apache.kafka.common.config.ConfigDef.Type type = key == null ? null : key.type;
      List<String> recommended = new ArrayList<>();
      for (Object o : v.recommendedValues() == null ? List.of() : v.recommendedValues()) {
        recommended.add(type == org.apache.kafka.common.config.ConfigDef.Type.LIST
            ? org.apache.kafka.common.config.ConfigDef.convertToString(List.of(o), type)
            : org.apache.kafka.common.config.ConfigDef.convertToString(o, type));
      }
      out.add(new io.polyconnect.sdk.ConfigValue(v.name(),
          org.apache.kafka.common.config.ConfigDef.convertToString(v.value(), type), recommended,
          v.errorMessages(), v.visible()));
    }
    return out;
  }

  /** Errors per key from Connector.validate (Kafka Connect's ConfigValue list). */
  static Map<String, List<String>> errors(Config config) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ConfigValue v : config.configValues()) {
      out.put(v.name(), new ArrayList<>(v.errorMessages()));
    }
    return out;
  }
}
