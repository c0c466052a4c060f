package io.polyconnect.bridge;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * Kafka Connect's plugin discovery: each plugin location (a directory of jars or classes,
 * or a jar) gets a {@link PluginLoader}, and its connectors, converters, header converters,
 * transformations and predicates are found through their ServiceLoader manifests and, as
 * Kafka Connect still does, by a scan of every class of the location.
 */
final class PluginScan {
  private static final Logger LOG = Logger.getLogger("polyconnect.bridge");
  static final String UNDEFINED_VERSION = "undefined";

  /** Kafka Connect's plugin types, with the names its REST API gives them. */
  enum Type {
    SOURCE("source", SourceConnector.class, "Connector"),
    SINK("sink", SinkConnector.class, "Connector"),
    CONVERTER("converter", Converter.class, "Converter"),
    HEADER_CONVERTER("header_converter", HeaderConverter.class, "HeaderConverter"),
    TRANSFORMATION("transformation", Transformation.class, "Transformation"),
    PREDICATE("predicate", Predicate.class, "Predicate");

    final String rest;
    final Class<?> base;
    final String suffix;

    Type(String rest, Class<?> base, String suffix) {
      this.rest = rest;
      this.base = base;
      this.suffix = suffix;
    }
  }

  /** One plugin class found. */
  record Found(Class<?> cls, Type type, String version, PluginLoader loader) {}

  private PluginScan() {}

  /** The loader of a plugin location: its jars (also in subdirectories), or, when it holds
   * only class files, the directory itself, as Kafka Connect's PluginUtils.pluginUrls. */
  static PluginLoader loader(Path location, ClassLoader parent) throws IOException {
    return new PluginLoader(location.toString(), urls(pluginUrls(location)), parent);
  }

  static List<Path> pluginUrls(Path location) throws IOException {
    if (isArchive(location)) return List.of(location);
    TreeSet<Path> archives = new TreeSet<>();
    boolean classes = false;
    Set<Path> seen = new HashSet<>();
    try (Stream<Path> s = Files.walk(location, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path real;
        try {
          real = p.toRealPath();
        } catch (IOException e) {
          LOG.warning("cannot resolve " + p + ", ignored: " + e);
          continue;
        }
        if (!seen.add(real) || Files.isDirectory(real)) continue;
        if (isArchive(real)) archives.add(real);
        else if (real.toString().toLowerCase(Locale.ROOT).endsWith(".class")) classes = true;
      }
    }
    if (archives.isEmpty() && classes) return List.of(location);
    return new ArrayList<>(archives);
  }

  static boolean isArchive(Path p) {
    String s = p.toString().toLowerCase(Locale.ROOT);
    return (s.endsWith(".jar") || s.endsWith(".zip")) && Files.isRegularFile(p);
  }

  private static URL[] urls(List<Path> paths) throws MalformedURLException {
    URL[] out = new URL[paths.size()];
    for (int i = 0; i < out.length; i++) out[i] = paths.get(i).toUri().toURL();
    return out;
  }

  /** Every plugin class of one location, its ServiceLoader manifests first, then the scan;
   * only classes this location's loader defines, each once. */
  static List<Found> scan(PluginLoader loader) {
    Map<String, Found> out = new LinkedHashMap<>();
    for (Type t : Type.values()) {
      // One provider that cannot be loaded must not hide the others (Kafka Connect skips it).
      java.util.Iterator<? extends ServiceLoader.Provider<?>> it = ServiceLoader.load(t.base, loader).stream().iterator();
      while (true) {
        try {
          if (!it.hasNext()) break;
          consider(it.next().type(), loader, out);
        } catch (ServiceConfigurationError | LinkageError e) {
          LOG.log(Level.FINE, "plugin " + loader.location() + ": a " + t.base.getSimpleName() + " service is unusable: " + e);
        }
      }
    }
    for (String name : classNames(loader.getURLs())) {
      if (out.containsKey(name)) continue;
      Class<?> c;
      try {
        c = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      consider(c, loader, out);
    }
    return new ArrayList<>(out.values());
  }

  private static void consider(Class<?> c, PluginLoader loader, Map<String, Found> out) {
    if (c.getClassLoader() != loader || out.containsKey(c.getName()) || !concrete(c)) return;
    for (Type t : Type.values()) {
      if (t.base.isAssignableFrom(c)) {
        out.put(c.getName(), new Found(c, t, version(c, loader), loader));
        return;
      }
    }
  }

  /** A public, non-abstract class with a public no-argument constructor. */
  static boolean concrete(Class<?> c) {
    int m = c.getModifiers();
    if (!Modifier.isPublic(m) || Modifier.isAbstract(m) || c.isInterface()) return false;
    try {
      return Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException | LinkageError e) {
      return false;
    }
  }

  /** The version a plugin reports (Connector.version(), Versioned.version()), asked with its
   * loader as the context loader; "undefined" when it has none or cannot say. */
  static String version(Class<?> c, ClassLoader loader) {
    if (!Connector.class.isAssignableFrom(c) && !org.apache.kafka.connect.components.Versioned.class.isAssignableFrom(c)) {
      return UNDEFINED_VERSION;
    }
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      Object o = c.getConstructor().newInstance();
      String v = o instanceof Connector conn ? conn.version()
          : ((org.apache.kafka.connect.components.Versioned) o).version();
      return v == null || v.isEmpty() ? UNDEFINED_VERSION : v;
    } catch (Throwable e) {
      LOG.fine("no version for " + c.getName() + ": " + e);
      return UNDEFINED_VERSION;
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  /** Class names of top-level and nested classes in the jars or class directories. */
  static List<String> classNames(URL[] urls) {
    List<String> out = new ArrayList<>();
    for (URL u : urls) {
      Path p;
      try {
        p = Path.of(u.toURI());
      } catch (Exception e) {
        continue;
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> f.toString().endsWith(".class")).forEach(f -> addClass(p.relativize(f).toString().replace('\\', '/'), out));
        } catch (IOException e) {
          LOG.warning("cannot list " + p + ": " + e);
        }
        continue;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) addClass(e.nextElement().getName(), out);
      } catch (IOException e) {
        LOG.warning("cannot read " + p + ": " + e);
      }
    }
    return out;
  }

  private static void addClass(String entry, List<String> out) {
    if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")
        || entry.endsWith("package-info.class")) {
      return;
    }
    out.add(entry.substring(0, entry.length() - 6).replace('/', '.'));
  }

  /** Kafka Connect's aliases: a plugin's simple name, and its simple name without its
   * type's suffix ("Connector", "Converter", ...), each only when no other plugin has it. */
  static Map<String, List<String>> aliases(List<Found> all) {
    Map<String, Set<String>> claims = new HashMap<>();
    for (Found f : all) {
      claims.computeIfAbsent(f.cls().getSimpleName(), k -> new TreeSet<>()).add(f.cls().getName());
      claims.computeIfAbsent(pruned(f), k -> new TreeSet<>()).add(f.cls().getName());
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Found f : all) {
      List<String> a = new ArrayList<>();
      for (String alias : List.of(f.cls().getSimpleName(), pruned(f))) {
        if (claims.get(alias).size() == 1 && !a.contains(alias) && !alias.equals(f.cls().getName())) a.add(alias);
      }
      out.put(f.cls().getName(), a);
    }
    return out;
  }

  static String pruned(Found f) {
    String simple = f.cls().getSimpleName();
    int pos = simple.lastIndexOf(f.type().suffix);
    return pos > 0 ? simple.substring(0, pos) : simple;
  }

  /** Kafka Connect's string form of a config default (a CLASS default is its name). */
  static Object defaultString(ConfigDef.ConfigKey k) {
    if (k.defaultValue == null || k.defaultValue == ConfigDef.NO_DEFAULT_VALUE) return k.defaultValue;
    try {
      return ConfigDef.convertToString(k.defaultValue, k.type);
    } catch (RuntimeException e) {
      return String.valueOf(k.defaultValue);
    }
  }
}
