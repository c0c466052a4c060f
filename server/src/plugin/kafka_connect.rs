//! Kafka Connect plugins on `plugin.path`, served through the Kafka Connect bridge
//! (`connectors/kafka-connect-bridge`) without a hand-written manifest (ADR 0013).
//!
//! `manifest.rs` finds the plugin locations (directories of jars or classes, and jars, that
//! hold no `polyconnect-plugin.json`). Here the bridge scans them once (`Main scan`: each
//! location in a class loader of its own; ServiceLoader manifests, then every class) and
//! prints what it found: connectors, converters, header converters, transformations and
//! predicates, with their versions and Kafka Connect's aliases. The result is cached under
//! `~/.cache/polyconnect/kafka-connect-scan/`, keyed by the bridge's and the locations'
//! files (paths, sizes, modification times), so a worker with unchanged plugins starts
//! without a JVM. The core then serves every connector found through one bridge process,
//! launched on first use like any plugin, from a manifest made here; the bridge is told the
//! connector classes, so it starts without scanning again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::manifest::{is_archive, Manifest, ManifestPlugin};
use crate::config::WorkerConfig;

/// The worker key naming the bridge's directory (holding `target/classes` and `target/lib`).
pub const BRIDGE_KEY: &str = "polyconnect.plugin.kafka.connect.bridge";
/// The same, from the environment.
pub const BRIDGE_ENV: &str = "POLYCONNECT_KAFKA_CONNECT_BRIDGE";
/// JVM options for the bridge process (space separated), e.g. `-Xmx1g`.
pub const JVM_OPTIONS_KEY: &str = "polyconnect.plugin.kafka.connect.jvm.options";
/// The plugin name of the bridge process in the log and in traces.
pub const PLUGIN_NAME: &str = "kafka-connect";

const MAIN_CLASS: &str = "io.polyconnect.bridge.Main";
const MAIN_CLASS_FILE: &str = "target/classes/io/polyconnect/bridge/Main.class";
const SCAN_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Debug, Deserialize)]
struct ScanResult {
    plugins: Vec<Scanned>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
struct Scanned {
    class: String,
    #[serde(rename = "type")]
    plugin_type: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// The bridge's directory: the worker's `polyconnect.plugin.kafka.connect.bridge`, else
/// `POLYCONNECT_KAFKA_CONNECT_BRIDGE`, else `connectors/kafka-connect-bridge` of the checkout
/// the core was built from or runs in.
pub fn bridge_dir(worker: &WorkerConfig) -> Option<PathBuf> {
    let built = |d: &Path| {
        d.join("target/classes/io/polyconnect/bridge/Main.class")
            .is_file()
    };
    if let Some(d) = worker
        .get(BRIDGE_KEY)
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os(BRIDGE_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    if let Ok(cwd) = std::env::current_dir() {
        roots.extend(cwd.ancestors().map(Path::to_path_buf));
    }
    roots.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    roots
        .into_iter()
        .map(|r| r.join("connectors/kafka-connect-bridge"))
        .find(|d| built(d))
        .map(|d| std::fs::canonicalize(&d).unwrap_or(d))
}

fn java() -> PathBuf {
    std::env::var_os("JAVA_HOME")
        .map(|h| PathBuf::from(h).join("bin/java"))
        .filter(|j| j.is_file())
        .unwrap_or_else(|| PathBuf::from("java"))
}

fn class_path(bridge: &Path) -> String {
    format!(
        "{}:{}/*",
        bridge.join("target/classes").display(),
        bridge.join("target/lib").display()
    )
}

/// The manifest that serves the Kafka Connect plugins at `locations` through the bridge,
/// or `None` when they hold no plugin at all. Problems (no bridge, a scan that failed)
/// are errors for the log: the worker goes on with its other plugins.
pub fn manifest(worker: &WorkerConfig, locations: &[PathBuf]) -> Result<Option<Manifest>, String> {
    if locations.is_empty() {
        return Ok(None);
    }
    let bridge = bridge_dir(worker).ok_or_else(|| {
        format!(
            "Kafka Connect plugins on plugin.path ({}) need the Kafka Connect bridge, which is not built: \
             run scripts/setup/java.sh, or name its directory with {BRIDGE_KEY}",
            join(locations)
        )
    })?;
    // A bridge's own directory (this one, or another build of it) is on plugin.path when a
    // directory of plugins holds it, as `connectors/` does: it is the runtime, not a plugin.
    let bridge_real = std::fs::canonicalize(&bridge).unwrap_or_else(|_| bridge.clone());
    let locations: Vec<PathBuf> = locations
        .iter()
        .filter(|l| {
            std::fs::canonicalize(l).ok().as_ref() != Some(&bridge_real)
                && !l.join(MAIN_CLASS_FILE).is_file()
        })
        .cloned()
        .collect();
    if locations.is_empty() {
        return Ok(None);
    }
    let found = scan_cached(&bridge, &locations)?;
    if found.is_empty() {
        return Ok(None);
    }
    let connectors: Vec<&str> = found
        .iter()
        .filter(|p| p.plugin_type == "source" || p.plugin_type == "sink")
        .map(|p| p.class.as_str())
        .collect();
    if connectors.is_empty() {
        // Converters and transforms alone: the bridge runs them for the connectors of others.
        tracing::info!(
            locations = %join(&locations),
            "Kafka Connect plugins hold no connector; their transformations, predicates and converters run through the bridge"
        );
    }
    let mut command = vec![java().display().to_string()];
    command.extend(
        worker
            .get(JVM_OPTIONS_KEY)
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string),
    );
    command.extend([
        "-cp".to_string(),
        class_path(&bridge),
        MAIN_CLASS.to_string(),
    ]);
    let mut env = BTreeMap::new();
    env.insert("KAFKA_CONNECT_PLUGIN_PATH".to_string(), join(&locations));
    env.insert("KAFKA_CONNECT_CONNECTORS".to_string(), connectors.join(","));
    // Transformations and predicates run through the bridge's Transform service.
    let transforms: Vec<&str> = found
        .iter()
        .filter(|p| p.plugin_type == "transformation" || p.plugin_type == "predicate")
        .map(|p| p.class.as_str())
        .collect();
    env.insert("KAFKA_CONNECT_TRANSFORMS".to_string(), transforms.join(","));
    // Converters and header converters run through the bridge's Converter service.
    let converters: Vec<&str> = found
        .iter()
        .filter(|p| p.plugin_type == "converter" || p.plugin_type == "header_converter")
        .map(|p| p.class.as_str())
        .collect();
    env.insert("KAFKA_CONNECT_CONVERTERS".to_string(), converters.join(","));
    Ok(Some(Manifest {
        name: PLUGIN_NAME.to_string(),
        version: String::new(),
        command,
        env,
        plugins: found
            .into_iter()
            .map(|p| ManifestPlugin {
                class: p.class,
                plugin_type: p.plugin_type,
                aliases: p.aliases,
                version: Some(p.version),
            })
            .collect(),
        dir: bridge,
    }))
}

fn join(locations: &[PathBuf]) -> String {
    locations
        .iter()
        .map(|l| l.display().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("POLYCONNECT_CACHE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/polyconnect"))
        })?;
    Some(base.join("kafka-connect-scan"))
}

/// What the scan depends on: every jar, zip and class file of the bridge and of the
/// locations (path, size, modification time), in order.
fn fingerprint(bridge: &Path, locations: &[PathBuf]) -> String {
    let mut h = Sha256::new();
    h.update(b"polyconnect kafka-connect scan 1\n");
    let add_tree = |root: &Path, h: &mut Sha256| {
        h.update(format!("location {}\n", root.display()).as_bytes());
        let mut files = Vec::new();
        collect_files(root, &mut files, &mut std::collections::HashSet::new());
        files.sort();
        for f in files {
            if let Ok(md) = std::fs::metadata(&f) {
                let mtime = md
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                h.update(format!("{} {} {}\n", f.display(), md.len(), mtime).as_bytes());
            }
        }
    };
    add_tree(&bridge.join("target/classes"), &mut h);
    add_tree(&bridge.join("target/lib"), &mut h);
    for l in locations {
        add_tree(l, &mut h);
    }
    hex::encode(h.finalize())
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>, seen: &mut std::collections::HashSet<PathBuf>) {
    if p.is_file() {
        if is_archive(p)
            || p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("class"))
        {
            out.push(p.to_path_buf());
        }
        return;
    }
    let Ok(real) = std::fs::canonicalize(p) else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            collect_files(&e.path(), out, seen);
        }
    }
}

fn scan_cached(bridge: &Path, locations: &[PathBuf]) -> Result<Vec<Scanned>, String> {
    let key = fingerprint(bridge, locations);
    let cached = cache_dir().map(|d| d.join(format!("{key}.json")));
    if let Some(text) = cached
        .as_ref()
        .and_then(|c| std::fs::read_to_string(c).ok())
    {
        if let Ok(r) = serde_json::from_str::<ScanResult>(&text) {
            tracing::debug!(
                plugins = r.plugins.len(),
                "Kafka Connect plugins from the scan cache"
            );
            return Ok(r.plugins);
        }
    }
    let started = Instant::now();
    let found = scan(bridge, locations)?;
    tracing::info!(
        locations = %join(locations),
        plugins = found.len(),
        ms = started.elapsed().as_millis() as u64,
        "scanned Kafka Connect plugins"
    );
    if let Some(c) = cached {
        let text = serde_json::json!({ "plugins": found }).to_string();
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(c.parent().unwrap())?;
            let tmp = c.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &c)
        };
        if let Err(e) = write() {
            tracing::debug!(
                "cannot cache the Kafka Connect plugin scan in {}: {e}",
                c.display()
            );
        }
    }
    Ok(found)
}

/// Runs the bridge's scan (`Main scan`) over the locations.
fn scan(bridge: &Path, locations: &[PathBuf]) -> Result<Vec<Scanned>, String> {
    let mut child = std::process::Command::new(java())
        .arg("-cp")
        .arg(class_path(bridge))
        .arg(MAIN_CLASS)
        .arg("scan")
        .env("KAFKA_CONNECT_PLUGIN_PATH", join(locations))
        .env_remove("POLYCONNECT_LISTEN")
        .env_remove("POLYCONNECT_TOKEN")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run {} to scan the Kafka Connect plugins: {e}",
                java().display()
            )
        })?;
    // Read both pipes while waiting, with a deadline.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let deadline = Instant::now() + SCAN_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the scan of the Kafka Connect plugins did not finish in {} s",
                    SCAN_TIMEOUT.as_secs()
                ));
            }
        }
    };
    let out = out_t.join().unwrap_or_default();
    let err = err_t.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = err.lines().rev().take(20).collect();
        return Err(format!(
            "the scan of the Kafka Connect plugins failed ({status}): {}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let r: ScanResult = serde_json::from_str(out.trim()).map_err(|e| {
        format!(
            "the bridge's scan printed something unreadable ({e}): {}",
            out.chars().take(500).collect::<String>()
        )
    })?;
    Ok(r.plugins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_follows_the_jars() {
        let root = tempfile::tempdir().unwrap();
        let bridge = root.path().join("bridge");
        std::fs::create_dir_all(bridge.join("target/classes")).unwrap();
        let loc = root.path().join("plugin");
        std::fs::create_dir_all(&loc).unwrap();
        std::fs::write(loc.join("a.jar"), b"PK1").unwrap();
        std::fs::write(loc.join("notes.txt"), b"x").unwrap();
        let a = fingerprint(&bridge, &[loc.clone()]);
        assert_eq!(a, fingerprint(&bridge, &[loc.clone()]));
        std::fs::write(loc.join("notes.txt"), b"changed").unwrap();
        assert_eq!(a, fingerprint(&bridge, &[loc.clone()]), "only code counts");
        std::fs::write(loc.join("a.jar"), b"PK22").unwrap();
        assert_ne!(a, fingerprint(&bridge, &[loc.clone()]));
        let b = fingerprint(&bridge, &[loc.clone()]);
        std::fs::write(loc.join("b.jar"), b"PK").unwrap();
        assert_ne!(b, fingerprint(&bridge, &[loc]));
    }
}
