package io.polyconnect.bridge;

import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.SourceTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;

/** Finding Kafka Connect connectors on a plugin path and serving them as SDK plugins. */
public final class Bridge {
  private static final Logger LOG = Logger.getLogger("polyconnect.bridge");

  private Bridge() {}

  /** An SDK plugin for one Kafka Connect connector class. */
  static final class BridgePlugin extends Plugin {
    private final Class<? extends Connector> cls;
    private volatile String version;

    BridgePlugin(Class<? extends Connector> cls, Kind kind, List<String> aliases) {
      super(cls.getName(), aliases, kind,
          () -> kind == Kind.SOURCE ? new BridgeSourceConnector(cls) : new BridgeSinkConnector(cls));
      this.cls = cls;
    }

    Class<? extends Connector> connectorClass() { return cls; }

    @Override
    public String version() {
      if (version == null) version = PluginScan.version(cls, cls.getClassLoader());
      return version;
    }

    @Override
    public SourceTask newSourceTask() {
      return new BridgeSourceTask(withLoader(cls, () -> instantiate(cls).taskClass()));
    }

    @Override
    public SinkTask newSinkTask() {
      return new BridgeSinkTask(withLoader(cls, () -> instantiate(cls).taskClass()));
    }
  }

  /** The plugin path's entries: each a plugin location (a jar, or a directory whose jars,
   * also in subdirectories, or else classes form one plugin), separated by ',' or ':'. */
  static List<Path> locations(String pluginPath) {
    List<Path> out = new ArrayList<>();
    for (String e : pluginPath.split("[,:\n]")) {
      if (e.isBlank()) continue;
      Path p = Path.of(e.trim()).toAbsolutePath();
      if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
        throw new ConnectException("plugin path entry " + e.trim() + " is neither a jar nor a directory");
      }
      out.add(p);
    }
    return out;
  }

  /** Every plugin (connectors, converters, transformations, predicates) of the locations on
   * {@code pluginPath}, each location with its own {@link PluginLoader}; a class found in
   * two locations is the first one's. */
  static List<PluginScan.Found> scan(String pluginPath) throws IOException {
    ClassLoader parent = Bridge.class.getClassLoader();
    List<Path> locations = locations(pluginPath);
    // Locations are independent (a loader each): scanned side by side, merged in order.
    List<List<PluginScan.Found>> perLocation = locations.parallelStream().map(location -> {
      try {
        return PluginScan.scan(PluginScan.loader(location, parent));
      } catch (IOException e) {
        LOG.warning("plugin " + location + " cannot be read, ignored: " + e);
        return List.<PluginScan.Found>of();
      }
    }).toList();
    Map<String, PluginScan.Found> found = new LinkedHashMap<>();
    for (List<PluginScan.Found> l : perLocation) {
      for (PluginScan.Found f : l) found.putIfAbsent(f.cls().getName(), f);
    }
    return new ArrayList<>(found.values());
  }

  /**
   * The connectors on {@code pluginPath} as SDK plugins. {@code only}, if not empty, names
   * the classes to serve: each is looked up in the locations in order (no scan), which is
   * how the core starts the bridge once it knows what a plugin path holds.
   */
  public static List<Plugin> discover(String pluginPath, List<String> only) throws IOException {
    return discover(pluginPath, only, List.of());
  }

  /**
   * As {@link #discover(String, List)}, with the Kafka Connect transformations and predicates
   * named in {@code transforms} served too (through the protocol's Transform service); with
   * both lists empty, every connector, transformation and predicate the scan finds.
   */
  public static List<Plugin> discover(String pluginPath, List<String> only, List<String> transforms) throws IOException {
    ClassLoader parent = Bridge.class.getClassLoader();
    List<Path> locations = locations(pluginPath);
    List<Class<?>> classes = new ArrayList<>();
    List<Class<?>> transformClasses = new ArrayList<>();
    if (only.isEmpty() && transforms.isEmpty()) {
      for (PluginScan.Found f : scan(pluginPath)) {
        if (f.type() == PluginScan.Type.TRANSFORMATION || f.type() == PluginScan.Type.PREDICATE) transformClasses.add(f.cls());
        else classes.add(f.cls());
      }
    } else {
      List<ClassLoader> loaders = new ArrayList<>();
      for (Path l : locations) loaders.add(PluginScan.loader(l, parent));
      if (locations.isEmpty()) loaders.add(parent); // connectors on the bridge's own class path
      for (String name : only) {
        Class<?> hit = null;
        for (ClassLoader loader : loaders) {
          try {
            Class<?> c = Class.forName(name, false, loader);
            if (loader == parent || c.getClassLoader() == loader) {
              hit = c;
              break;
            }
          } catch (ClassNotFoundException | LinkageError e) {
            // not in this location
          }
        }
        if (hit == null) throw new ConnectException("connector class " + name + " is not on the plugin path " + pluginPath);
        classes.add(hit);
      }
      for (String name : transforms) {
        Class<?> hit = null;
        for (ClassLoader loader : loaders) {
          try {
            Class<?> c = Class.forName(name, false, loader);
            if (loader == parent || c.getClassLoader() == loader) {
              hit = c;
              break;
            }
          } catch (ClassNotFoundException | LinkageError e) {
            // not in this location
          }
        }
        if (hit == null) throw new ConnectException("transformation or predicate class " + name + " is not on the plugin path " + pluginPath);
        transformClasses.add(hit);
      }
    }
    List<PluginScan.Found> connectors = new ArrayList<>();
    for (Class<?> c : classes) {
      if (!Connector.class.isAssignableFrom(c) || !PluginScan.concrete(c)) {
        if (!only.isEmpty()) throw new ConnectException(c.getName() + " is not a concrete Kafka Connect connector");
        continue;
      }
      PluginScan.Type t = SourceConnector.class.isAssignableFrom(c) ? PluginScan.Type.SOURCE
          : SinkConnector.class.isAssignableFrom(c) ? PluginScan.Type.SINK : null;
      if (t == null) continue;
      connectors.add(new PluginScan.Found(c, t, null, null));
    }
    List<PluginScan.Found> smts = new ArrayList<>();
    for (Class<?> c : transformClasses) {
      if (!PluginScan.concrete(c)) continue;
      if (org.apache.kafka.connect.transforms.Transformation.class.isAssignableFrom(c)) {
        smts.add(new PluginScan.Found(c, PluginScan.Type.TRANSFORMATION, null, null));
      } else if (org.apache.kafka.connect.transforms.predicates.Predicate.class.isAssignableFrom(c)) {
        smts.add(new PluginScan.Found(c, PluginScan.Type.PREDICATE, null, null));
      }
    }
    List<PluginScan.Found> all = new ArrayList<>(connectors);
    all.addAll(smts);
    Map<String, List<String>> aliases = PluginScan.aliases(all);
    TreeMap<String, Plugin> out = new TreeMap<>();
    for (PluginScan.Found f : smts) {
      Class<?> c = f.cls();
      out.putIfAbsent(c.getName(), f.type() == PluginScan.Type.TRANSFORMATION
          ? Plugin.transformation(c.getName(), aliases.get(c.getName()), () -> new BridgedTransform.Transform(c))
          : Plugin.predicate(c.getName(), aliases.get(c.getName()), () -> new BridgedTransform.Pred(c)));
    }
    for (PluginScan.Found f : connectors) {
      @SuppressWarnings("unchecked")
      Class<? extends Connector> cc = (Class<? extends Connector>) f.cls();
      out.putIfAbsent(cc.getName(), new BridgePlugin(cc,
          f.type() == PluginScan.Type.SOURCE ? Plugin.Kind.SOURCE : Plugin.Kind.SINK, aliases.get(cc.getName())));
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The Kafka Connect Converter and HeaderConverter classes named in {@code names}, each looked up in the plugin
   * path's locations in order (the first location holding it), for the Converter service.
   */
  public static List<Class<?>> converters(String pluginPath, List<String> names) {
    List<Class<?>> out = new ArrayList<>();
    if (names.isEmpty()) return out;
    ClassLoader parent = Bridge.class.getClassLoader();
    List<ClassLoader> loaders = new ArrayList<>();
    try {
      for (Path l : locations(pluginPath)) loaders.add(PluginScan.loader(l, parent));
    } catch (IOException e) {
      throw new ConnectException("plugin path " + pluginPath + " cannot be read: " + e, e);
    }
    for (String name : names) {
      Class<?> hit = null;
      for (ClassLoader loader : loaders) {
        try {
          Class<?> c = Class.forName(name, false, loader);
          if (c.getClassLoader() == loader) {
            hit = c;
            break;
          }
        } catch (ClassNotFoundException | LinkageError e) {
          // not in this location
        }
      }
      if (hit == null) throw new ConnectException("converter class " + name + " is not on the plugin path " + pluginPath);
      if ((org.apache.kafka.connect.storage.Converter.class.isAssignableFrom(hit)
          || org.apache.kafka.connect.storage.HeaderConverter.class.isAssignableFrom(hit)) && PluginScan.concrete(hit)) {
        out.add(hit);
      }
    }
    return out;
  }

  static <T> T instantiate(Class<? extends T> cls) {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loaderOf(cls));
    try {
      return cls.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ConnectException("cannot instantiate " + cls.getName() + ": " + e, e);
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  /** The class loader of a plugin instance or class. */
  static ClassLoader loaderOf(Object plugin) {
    ClassLoader l = plugin instanceof Class<?> c ? c.getClassLoader() : plugin.getClass().getClassLoader();
    return l != null ? l : ClassLoader.getSystemClassLoader();
  }

  /** Runs connector code with its plugin's class loader as the context loader, as Kafka
   * Connect does (connectors load their dependencies through it). */
  static void withLoader(Object plugin, Runnable r) {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loaderOf(plugin));
    try {
      r.run();
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  static <T> T withLoader(Object plugin, java.util.function.Supplier<T> s) {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loaderOf(plugin));
    try {
      return s.get();
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  static <T> T withLoaderInterruptibly(Object plugin, Callable<T> c) throws InterruptedException {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loaderOf(plugin));
    try {
      return c.call();
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ConnectException(e.toString(), e);
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }
}
