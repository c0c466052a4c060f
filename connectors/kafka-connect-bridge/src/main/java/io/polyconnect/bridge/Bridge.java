package io.polyconnect.bridge;

import io.polyconnect.sdk.ConnectException;
import io.polyconnect.sdk.Plugin;
import io.polyconnect.sdk.SinkTask;
import io.polyconnect.sdk.SourceTask;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Logger;
import java.util.stream.Stream;
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

    BridgePlugin(Class<? extends Connector> cls, Kind kind) {
      super(cls.getName(), List.of(cls.getSimpleName()), kind,
          () -> kind == Kind.SOURCE ? new BridgeSourceConnector(cls) : new BridgeSinkConnector(cls));
      this.cls = cls;
    }

    @Override
    public SourceTask newSourceTask() {
      return new BridgeSourceTask(instantiate(cls).taskClass());
    }

    @Override
    public SinkTask newSinkTask() {
      return new BridgeSinkTask(instantiate(cls).taskClass());
    }
  }

  /**
   * The connectors on {@code pluginPath} (entries separated by ',' or ':'): a jar, or a
   * directory whose jars (also in subdirectories) form one plugin with its own class
   * loader, as in Kafka Connect. {@code only}, if not empty, names the classes to serve
   * and skips scanning.
   */
  public static List<Plugin> discover(String pluginPath, List<String> only) throws IOException {
    ClassLoader parent = Bridge.class.getClassLoader();
    TreeMap<String, Plugin> found = new TreeMap<>();
    List<String> entries = new ArrayList<>();
    for (String e : pluginPath.split("[,:]")) {
      if (!e.isBlank()) entries.add(e.trim());
    }
    if (entries.isEmpty()) entries.add(""); // connectors on the bridge's own class path
    for (String entry : entries) {
      List<Path> jars = new ArrayList<>();
      if (!entry.isEmpty()) {
        Path p = Path.of(entry);
        if (Files.isDirectory(p)) {
          try (Stream<Path> s = Files.walk(p)) {
            s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
          }
        } else if (Files.isRegularFile(p)) {
          jars.add(p);
        } else {
          throw new ConnectException("plugin path entry " + entry + " is neither a jar nor a directory");
        }
      }
      URLClassLoader loader = new URLClassLoader("kafka-connect-plugin:" + entry, urls(jars), parent);
      List<String> names = only.isEmpty() ? classNames(jars) : only;
      for (String name : names) {
        Class<?> c;
        try {
          c = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          if (!only.isEmpty() && !found.containsKey(name)) LOG.fine("no " + name + " in " + entry);
          continue;
        }
        if (!Connector.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())
            || !Modifier.isPublic(c.getModifiers())) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Class<? extends Connector> cc = (Class<? extends Connector>) c;
        Plugin.Kind kind;
        if (SourceConnector.class.isAssignableFrom(c)) {
          kind = Plugin.Kind.SOURCE;
        } else if (SinkConnector.class.isAssignableFrom(c)) {
          kind = Plugin.Kind.SINK;
        } else {
          continue;
        }
        found.putIfAbsent(c.getName(), new BridgePlugin(cc, kind));
      }
    }
    for (String name : only) {
      if (!found.containsKey(name)) throw new ConnectException("connector class " + name + " is not on the plugin path " + pluginPath);
    }
    return new ArrayList<>(found.values());
  }

  private static URL[] urls(List<Path> jars) {
    URL[] out = new URL[jars.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new ConnectException("bad jar path " + jars.get(i));
      }
    }
    return out;
  }

  private static List<String> classNames(List<Path> jars) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path j : jars) {
      try (JarFile jar = new JarFile(j.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          String n = e.nextElement().getName();
          if (n.endsWith(".class") && !n.contains("$") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
            out.add(n.substring(0, n.length() - 6).replace('/', '.'));
          }
        }
      }
    }
    return out;
  }

  static <T> T instantiate(Class<? extends T> cls) {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(cls.getClassLoader());
    try {
      return cls.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ConnectException("cannot instantiate " + cls.getName() + ": " + e, e);
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  /** Runs connector code with its plugin's class loader as the context loader, as Kafka
   * Connect does (connectors load their dependencies through it). */
  static void withLoader(Object plugin, Runnable r) {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(plugin.getClass().getClassLoader());
    try {
      r.run();
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  static <T> T withLoader(Object plugin, java.util.function.Supplier<T> s) {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(plugin.getClass().getClassLoader());
    try {
      return s.get();
    } finally {
      Thread.currentThread().setContextClassLoader(saved);
    }
  }

  static <T> T withLoaderInterruptibly(Object plugin, Callable<T> c) throws InterruptedException {
    ClassLoader saved = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(plugin.getClass().getClassLoader());
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
