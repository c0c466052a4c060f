package io.polyconnect.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One connector plugin a process serves: its names and how to make its connector and
 * tasks. {@link #of(Class)} covers ordinary connector classes; embedding code (such as the
 * Kafka Connect bridge) subclasses it.
 */
public class Plugin {
  public enum Kind { SOURCE, SINK }

  private final String className;
  private final List<String> aliases;
  private final Kind kind;
  private final Supplier<? extends Connector> factory;

  public Plugin(String className, List<String> aliases, Kind kind, Supplier<? extends Connector> factory) {
    this.className = Objects.requireNonNull(className);
    this.aliases = List.copyOf(aliases);
    this.kind = Objects.requireNonNull(kind);
    this.factory = factory;
  }

  /** A connector class with a public no-argument constructor. Its canonical name is the
   * simple class name; the fully qualified name is an alias. */
  public static Plugin of(Class<? extends Connector> cls) {
    Kind kind;
    if (SourceConnector.class.isAssignableFrom(cls)) {
      kind = Kind.SOURCE;
    } else if (SinkConnector.class.isAssignableFrom(cls)) {
      kind = Kind.SINK;
    } else {
      throw new IllegalArgumentException(cls + " is neither a SourceConnector nor a SinkConnector");
    }
    List<String> aliases = new ArrayList<>();
    aliases.add(cls.getName());
    return new Plugin(cls.getSimpleName(), aliases, kind, () -> newInstance(cls));
  }

  public String className() { return className; }
  public List<String> aliases() { return aliases; }
  public Kind kind() { return kind; }

  public Connector newConnector() {
    return factory.get();
  }

  public String version() {
    return newConnector().version();
  }

  public SourceTask newSourceTask() {
    return newInstance(((SourceConnector) newConnector()).taskClass());
  }

  public SinkTask newSinkTask() {
    return newInstance(((SinkConnector) newConnector()).taskClass());
  }

  /**
   * Kafka Connect's alias rules: the full class name, the simple name, or the simple name
   * without a "Connector" suffix.
   */
  public boolean matches(String asked) {
    if (names().contains(asked)) return true;
    String a = simple(asked);
    for (String n : names()) {
      String k = simple(n);
      if (k.equals(a) || strip(k).equals(strip(a))) return true;
    }
    return false;
  }

  private List<String> names() {
    List<String> all = new ArrayList<>(aliases);
    all.add(0, className);
    return all;
  }

  private static String simple(String s) {
    return s.substring(s.lastIndexOf('.') + 1);
  }

  private static String strip(String s) {
    return s.endsWith("Connector") ? s.substring(0, s.length() - "Connector".length()) : s;
  }

  protected static <T> T newInstance(Class<T> cls) {
    try {
      return cls.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ConnectException("cannot instantiate " + cls.getName() + ": " + e, e);
    }
  }
}
