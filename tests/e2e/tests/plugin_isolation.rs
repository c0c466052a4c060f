//! Two Kafka Connect plugin directories that bundle conflicting versions of one library
//! (`com.example.shared.Shared`, 1.0 in one and 2.0 in the other, the same class name in
//! jars of the same name) run side by side in one core, through one bridge process: each
//! connector's records say it used its own plugin's copy, and `GET /connector-plugins`
//! lists each connector with the version its own copy reports. Both plugins are compiled
//! here against Kafka Connect's API and laid out as Kafka Connect takes them on
//! `plugin.path` (a directory of jars per plugin, no manifest).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use polyconnect_e2e::faults::rest;
use polyconnect_e2e::*;
use serde_json::json;

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("a JDK tool");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn build_java() {
    let status = Command::new("bash")
        .arg(repo_root().join("scripts/setup/java.sh"))
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/setup/java.sh failed");
}

/// Compiles `files` (path, source) under `work` against `classpath` into `jar`.
fn jar_of(work: &Path, files: &[(&str, String)], classpath: &str, jar: &Path) {
    let (src, classes) = (work.join("src"), work.join("classes"));
    let mut paths = Vec::new();
    for (path, text) in files {
        let p = src.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    std::fs::create_dir_all(&classes).unwrap();
    run(Command::new("javac")
        .arg("-d")
        .arg(&classes)
        .arg("-cp")
        .arg(classpath)
        .args(&paths));
    std::fs::create_dir_all(jar.parent().unwrap()).unwrap();
    run(Command::new("jar")
        .arg("cf")
        .arg(jar)
        .arg("-C")
        .arg(&classes)
        .arg("."));
}

/// A plugin directory `plugins/<name>-plugin` holding `shared.jar` (the library at
/// `version`) and `<name>-connector.jar`, whose source connector `com.example.<name>.
/// <Name>SourceConnector` writes `count` records "plugin=<name> shared=<version the
/// library reports> loader=<whose class loader loaded it> n=<n>".
fn plugin(dir: &Path, plugins: &Path, name: &str, version: &str) {
    let api = repo_root().join("connectors/kafka-connect-bridge/target/lib");
    let home = plugins.join(format!("{name}-plugin"));
    let shared = home.join("shared.jar");
    jar_of(
        &dir.join(format!("{name}-shared")),
        &[(
            "com/example/shared/Shared.java",
            format!(
                "package com.example.shared;\n\
                 public final class Shared {{\n\
                 public static String version() {{ return \"{version}\"; }}\n\
                 }}\n"
            ),
        )],
        &format!("{}/*", api.display()),
        &shared,
    );
    let class = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
    let connector = format!(
        r#"package com.example.{name};
import java.util.*;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import com.example.shared.Shared;
public class {class}SourceConnector extends SourceConnector {{
  private Map<String, String> props;
  @Override public String version() {{ return Shared.version(); }}
  @Override public void start(Map<String, String> props) {{ this.props = props; }}
  @Override public Class<? extends Task> taskClass() {{ return {class}SourceTask.class; }}
  @Override public List<Map<String, String>> taskConfigs(int max) {{ return List.of(props); }}
  @Override public void stop() {{}}
  @Override public ConfigDef config() {{
    return new ConfigDef()
      .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "where records go")
      .define("count", ConfigDef.Type.INT, 100, ConfigDef.Importance.LOW, "how many");
  }}
}}
"#
    );
    let task = format!(
        r#"package com.example.{name};
import java.util.*;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import com.example.shared.Shared;
public class {class}SourceTask extends SourceTask {{
  private static final Map<String, String> PARTITION = Map.of("plugin", "{name}");
  private String topic;
  private long next = 1, last;
  @Override public String version() {{ return Shared.version(); }}
  @Override public void start(Map<String, String> props) {{
    topic = props.get("topic");
    Map<String, Object> stored = context.offsetStorageReader().offset(PARTITION);
    next = stored == null ? 1 : ((Number) stored.get("n")).longValue() + 1;
    last = Long.parseLong(props.getOrDefault("count", "100"));
  }}
  @Override public List<SourceRecord> poll() throws InterruptedException {{
    if (next > last) {{ Thread.sleep(100); return null; }}
    String loader = Shared.class.getClassLoader() == getClass().getClassLoader() ? "own" : "other";
    List<SourceRecord> out = new ArrayList<>();
    for (int i = 0; i < 50 && next <= last; i++, next++) {{
      out.add(new SourceRecord(PARTITION, Map.of("n", next), topic, null, Schema.STRING_SCHEMA,
          "plugin={name} shared=" + Shared.version() + " loader=" + loader + " n=" + next));
    }}
    return out;
  }}
  @Override public void stop() {{}}
}}
"#
    );
    jar_of(
        &dir.join(format!("{name}-connector")),
        &[
            (
                &format!("com/example/{name}/{class}SourceConnector.java"),
                connector,
            ),
            (&format!("com/example/{name}/{class}SourceTask.java"), task),
        ],
        &format!("{}/*:{}", api.display(), shared.display()),
        &home.join(format!("{name}-connector.jar")),
    );
}

#[test]
fn two_plugins_bundling_conflicting_versions_of_a_library_run_side_by_side() {
    build_java();
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    plugin(dir.path(), &plugins, "alpha", "1.0");
    plugin(dir.path(), &plugins, "beta", "2.0");
    let topic = unique("isolation");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let port = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            plugins.display(),
        ),
    );
    let core = Core::start(dir.path(), &worker, &[], port);
    let deadline = Instant::now() + Duration::from_secs(120);
    while core.get("/connector-plugins").0 != 200 {
        assert!(
            Instant::now() < deadline,
            "no REST API\n{}",
            core.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Each connector with the version its own copy of the library reports.
    let (_, listed) = core.get("/connector-plugins");
    for (class, version) in [
        ("com.example.alpha.AlphaSourceConnector", "1.0"),
        ("com.example.beta.BetaSourceConnector", "2.0"),
    ] {
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["class"] == class && p["version"] == version),
            "{class} {version} not in {listed}"
        );
    }
    let count = 400u64;
    for name in ["alpha", "beta"] {
        let class = format!(
            "com.example.{name}.{}{}SourceConnector",
            name[..1].to_uppercase(),
            &name[1..]
        );
        let (code, body) = rest(
            &core,
            "POST",
            "/connectors",
            Some(json!({"name": name, "config": {
                "connector.class": class, "tasks.max": "1",
                "topic": topic, "count": count.to_string()
            }})),
        );
        assert_eq!(code, 201, "{body}");
    }
    let records = read_topic(
        &bootstrap(),
        &topic,
        2 * count as usize,
        Duration::from_secs(120),
    );
    let mut seen: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
    for r in &records {
        let v = String::from_utf8(r.3.clone().expect("a value")).unwrap();
        let field = |k: &str| {
            v.split(' ')
                .find_map(|f| f.strip_prefix(&format!("{k}=")))
                .unwrap_or_else(|| panic!("no {k} in {v:?}"))
                .to_string()
        };
        let (plugin, shared) = (field("plugin"), field("shared"));
        let want = if plugin == "alpha" { "1.0" } else { "2.0" };
        assert_eq!(shared, want, "{plugin} used another plugin's library: {v}");
        assert_eq!(field("loader"), "own", "{v}");
        seen.entry(plugin)
            .or_default()
            .push(field("n").parse().unwrap());
    }
    for name in ["alpha", "beta"] {
        let mut ns = seen.remove(name).unwrap_or_default();
        let total = ns.len() as u64;
        ns.sort_unstable();
        ns.dedup();
        let missing = count - ns.len() as u64;
        let duplicates = total - ns.len() as u64;
        println!("{name}: {count} records, {missing} missing, {duplicates} duplicates");
        assert_eq!(missing, 0, "{name}\n{}", core.log_text());
    }
    // One bridge process serves both.
    let bridges = children_with(core.pid(), "io.polyconnect.bridge.Main");
    assert_eq!(
        bridges.len(),
        1,
        "bridge processes of this core: {bridges:?}"
    );
}
