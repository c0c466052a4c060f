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
  public enum Kind { SOURCE, SINK, TRANSFORMATION, PREDICATE }

  private final String className;
  private final List<String> aliases;
  private final Kind kind;
  private final Supplier<? extends Connector> factory;
  private final Supplier<?> transformFactory;

  public Plugin(String className, List<String> aliases, Kind kind, Supplier<? extends Connector> factory) {
    this.className = Objects.requireNonNull(className);
    this.aliases = List.copyOf(aliases);
    this.kind = Objects.requireNonNull(kind);
    this.factory = factory;
    this.transformFactory = null;
  }

  private Plugin(String className, List<String> aliases, Kind kind, Supplier<?> transformFactory, boolean transform) {
    this.className = Objects.requireNonNull(className);
    this.aliases = List.copyOf(aliases);
    this.kind = kind;
    this.factory = null;
    this.transformFactory = Objects.requireNonNull(transformFactory);
  }

  /** A transformation served out of process, made by {@code factory} once per task's chain stage. */
  public static Plugin transformation(String className, List<String> aliases, Supplier<? extends Transformation> factory) {
    return new Plugin(className, aliases, Kind.TRANSFORMATION, factory, true);
  }

  /** A predicate served out of process. */
  public static Plugin predicate(String className, List<String> aliases, Supplier<? extends Predicate> factory) {
    return new Plugin(className, aliases, Kind.PREDICATE, factory, true);
  }

  /** A transformation class with a public no-argument constructor (simple name, full name as alias). */
  public static Plugin ofTransformation(Class<? extends Transformation> cls) {
    return transformation(cls.getSimpleName(), List.of(cls.getName()), () -> newInstance(cls));
  }

  /** A predicate class with a public no-argument constructor. */
  public static Plugin ofPredicate(Class<? extends Predicate> cls) {
    return predicate(cls.getSimpleName(), List.of(cls.getName()), () -> newInstance(cls));
  }

  public Transformation newTransformation() {
    return (Transformation) transformFactory.get();
  }

  public Predicate newPredicate() {
    return (Predicate) transformFactory.get();
  }

  /** The config definition: the connector's, or the transform's or predicate's. */
  public ConfigDef configDef() {
    return switch (kind) {
      case TRANSFORMATION -> newTransformation().config();
      case PREDICATE -> newPredicate().config();
      default -> newConnector().config();
    };
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
    if (factory == null) throw new ConnectException(className + " is a " + kind.name().toLowerCase() + ", not a connector");
    return factory.get();
  }

  public String version() {
    return switch (kind) {
      case TRANSFORMATION -> newTransformation().version();
      case PREDICATE -> newPredicate().version();
      default -> newConnector().version();
    };
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
