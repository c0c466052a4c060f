package io.polyconnect.sdk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connector's configuration keys (Kafka Connect's ConfigDef). The core shows them in the
 * plugin spec and checks types and validators before the connector's own
 * {@code validate}. Values arrive as strings; {@link #parse} gives typed values.
 */
public final class ConfigDef {
  public enum Type { BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD }
  public enum Importance { HIGH, MEDIUM, LOW }
  public enum Width { NONE, SHORT, MEDIUM, LONG }

  /** The default of a required key. */
  public static final Object NO_DEFAULT = new Object() {
    @Override
    public String toString() { return "<required>"; }
  };

  /** A built-in check the core may also run itself. */
  public sealed interface Validator permits Range, ValidString, NonEmptyString, ValidList {
    /** An error message, or null when {@code value} (already typed) is fine. */
    String check(String name, Object value);
  }

  public record Range(Double min, Double max) implements Validator {
    public static Range atLeast(double min) { return new Range(min, null); }
    public static Range between(double min, double max) { return new Range(min, max); }
    public String check(String name, Object value) {
      if (!(value instanceof Number n)) return null;
      if ((min != null && n.doubleValue() < min) || (max != null && n.doubleValue() > max)) {
        return "Invalid value " + value + " for configuration " + name + ": Value must be " + this;
      }
      return null;
    }
    @Override
    public String toString() {
      if (max == null) return "at least " + fmt(min);
      if (min == null) return "no more than " + fmt(max);
      return "[" + fmt(min) + ",...," + fmt(max) + "]";
    }
    private static String fmt(Double d) {
      return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }
  }

  public record ValidString(List<String> allowed, boolean caseInsensitive) implements Validator {
    public static ValidString in(String... allowed) { return new ValidString(List.of(allowed), false); }
    public String check(String name, Object value) {
      if (value == null) return null;
      String s = value.toString();
      boolean ok = caseInsensitive ? allowed.stream().anyMatch(a -> a.equalsIgnoreCase(s)) : allowed.contains(s);
      return ok ? null : "Invalid value " + s + " for configuration " + name + ": String must be one of: "
          + String.join(", ", allowed);
    }
    @Override
    public String toString() { return allowed.toString(); }
  }

  public record NonEmptyString() implements Validator {
    public String check(String name, Object value) {
      return value != null && value.toString().isEmpty()
          ? "Invalid value for configuration " + name + ": String must be non-empty" : null;
    }
    @Override
    public String toString() { return "non-empty string"; }
  }

  public record ValidList(List<String> allowed) implements Validator {
    public String check(String name, Object value) {
      if (!(value instanceof List<?> l)) return null;
      for (Object o : l) {
        if (!allowed.contains(o.toString())) {
          return "Invalid value " + o + " for configuration " + name + ": String must be one of: "
              + String.join(", ", allowed);
        }
      }
      return null;
    }
    @Override
    public String toString() { return allowed.toString(); }
  }

  /** One key. Build with {@link ConfigDef#define}; the remaining fields have setters. */
  public static final class Key {
    public final String name;
    public final Type type;
    public final Object defaultValue;
    public final Importance importance;
    public final String documentation;
    public Validator validator;
    public String group = "";
    public int orderInGroup = -1;
    public Width width = Width.NONE;
    public String displayName;
    public List<String> dependents = List.of();

    Key(String name, Type type, Object defaultValue, Importance importance, String documentation) {
      this.name = name;
      this.type = type;
      this.defaultValue = defaultValue;
      this.importance = importance;
      this.documentation = documentation == null ? "" : documentation;
      this.displayName = name;
    }

    public boolean hasDefault() { return defaultValue != NO_DEFAULT; }
  }

  private final Map<String, Key> keys = new LinkedHashMap<>();

  public ConfigDef define(String name, Type type, Object defaultValue, Importance importance, String doc) {
    return define(name, type, defaultValue, null, importance, doc);
  }

  public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, Importance importance,
                          String doc) {
    if (keys.containsKey(name)) {
      throw new ConfigException("configuration " + name + " is defined twice");
    }
    Key k = new Key(name, type, defaultValue, importance, doc);
    k.validator = validator;
    keys.put(name, k);
    return this;
  }

  /** A required key (no default). */
  public ConfigDef define(String name, Type type, Importance importance, String doc) {
    return define(name, type, NO_DEFAULT, null, importance, doc);
  }

  /** Adds a key built elsewhere (the Kafka Connect bridge copies keys this way). */
  public ConfigDef define(Key key) {
    keys.put(key.name, key);
    return this;
  }

  public static Key key(String name, Type type, Object defaultValue, Importance importance, String doc) {
    return new Key(name, type, defaultValue, importance, doc);
  }

  public Map<String, Key> keys() { return keys; }

  /** Typed values of every defined key (defaults filled in); throws ConfigException. */
  public Map<String, Object> parse(Map<String, String> props) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Key k : keys.values()) {
      Object v;
      if (props.containsKey(k.name)) {
        v = parseValue(k, props.get(k.name));
      } else if (k.hasDefault()) {
        v = k.defaultValue instanceof String s && k.type != Type.STRING && k.type != Type.PASSWORD
            ? parseValue(k, s) : k.defaultValue;
      } else {
        throw new ConfigException("Missing required configuration \"" + k.name + "\" which has no default value.");
      }
      if (k.validator != null) {
        String err = k.validator.check(k.name, v);
        if (err != null) throw new ConfigException(err);
      }
      out.put(k.name, v);
    }
    return out;
  }

  /** Errors per defined key (an empty list when the key is fine). */
  public Map<String, List<String>> validate(Map<String, String> props) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Key k : keys.values()) {
      List<String> errs = new ArrayList<>();
      try {
        Object v = props.containsKey(k.name) ? parseValue(k, props.get(k.name)) : k.defaultValue;
        if (v == NO_DEFAULT) {
          errs.add("Missing required configuration \"" + k.name + "\" which has no default value.");
        } else if (k.validator != null) {
          String err = k.validator.check(k.name, v);
          if (err != null) errs.add(err);
        }
      } catch (ConfigException e) {
        errs.add(e.getMessage());
      }
      out.put(k.name, errs);
    }
    return out;
  }

  /** A string from a .properties file as the key's type. */
  public static Object parseValue(Key k, String s) {
    if (s == null) return null;
    String t = s.trim();
    try {
      return switch (k.type) {
        case BOOLEAN -> {
          if (t.equalsIgnoreCase("true")) yield true;
          if (t.equalsIgnoreCase("false")) yield false;
          throw new ConfigException(k.name, s, "Expected value to be either true or false");
        }
        case STRING, PASSWORD -> s;
        case CLASS -> t;
        case INT -> Integer.parseInt(t);
        case SHORT -> Short.parseShort(t);
        case LONG -> Long.parseLong(t);
        case DOUBLE -> Double.parseDouble(t);
        case LIST -> t.isEmpty() ? List.of() : Arrays.stream(t.split("\\s*,\\s*", -1)).toList();
      };
    } catch (NumberFormatException e) {
      throw new ConfigException(k.name, s, "Not a number of type " + k.type);
    }
  }

  /** A typed value in its string form (defaults in the spec travel as strings). */
  public static String format(Object v) {
    if (v == null) return "";
    if (v instanceof Collection<?> c) {
      return String.join(",", c.stream().map(String::valueOf).toList());
    }
    if (v instanceof Class<?> c) return c.getName();
    return v.toString();
  }
}
