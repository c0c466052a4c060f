//! Plugin manifests (`polyconnect-plugin.json`) found on the worker's `plugin.path`.
//!
//! ```json
//! {
//!   "name": "file",
//!   "version": "0.1.0",
//!   "command": ["python3", "-m", "polyconnect_file"],
//!   "env": {"PYTHONPATH": "${plugin.dir}"},
//!   "plugins": [{"class": "FileStreamSource", "type": "source", "aliases": ["..."]}]
//! }
//! ```
//! Each `plugin.path` entry is a plugin directory (holding a manifest) or a directory of
//! plugin directories, as in Kafka Connect. What holds no manifest but jars or classes is a
//! Kafka Connect plugin location, served through the Kafka Connect bridge
//! (`kafka_connect.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const MANIFEST_FILE: &str = "polyconnect-plugin.json";

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub version: String,
    pub command: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub plugins: Vec<ManifestPlugin>,
    #[serde(skip)]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ManifestPlugin {
    pub class: String,
    #[serde(rename = "type")]
    pub plugin_type: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// This class's own version, when it differs from the manifest's (Kafka Connect
    /// plugins served through the bridge each have theirs).
    #[serde(default)]
    pub version: Option<String>,
}

impl ManifestPlugin {
    /// A connector (source or sink), as opposed to a transformation, predicate or
    /// converter a Kafka Connect plugin directory also holds.
    pub fn is_connector(&self) -> bool {
        matches!(
            self.plugin_type.to_ascii_lowercase().as_str(),
            "source" | "sink"
        )
    }
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut m: Manifest =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if m.command.is_empty() {
            return Err(format!("{}: \"command\" is empty", path.display()));
        }
        m.dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        m.dir = std::fs::canonicalize(&m.dir).unwrap_or(m.dir);
        let dir = m.dir.display().to_string();
        for v in m.env.values_mut() {
            *v = v.replace("${plugin.dir}", &dir);
        }
        for c in m.command.iter_mut() {
            *c = c.replace("${plugin.dir}", &dir);
        }
        Ok(m)
    }

    /// Every connector class name and alias this manifest's process serves.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.plugins
            .iter()
            .filter(|p| p.is_connector())
            .flat_map(|p| {
                std::iter::once(p.class.as_str()).chain(p.aliases.iter().map(String::as_str))
            })
    }
}

/// What `plugin.path` holds: Polyconnect plugins (their manifests) and Kafka Connect plugin
/// locations (directories of jars or classes, and jars, without a manifest).
#[derive(Debug, Default)]
pub struct Discovered {
    pub manifests: Vec<Manifest>,
    /// Kafka Connect plugin locations, in `plugin.path` order, absolute.
    pub kafka_connect: Vec<PathBuf>,
    pub problems: Vec<String>,
}

/// Finds manifests in the `plugin.path` entries. Unreadable manifests are reported, not
/// fatal: one broken plugin must not stop the worker.
pub fn discover(plugin_path: &[PathBuf]) -> (Vec<Manifest>, Vec<String>) {
    let d = discover_all(plugin_path);
    (d.manifests, d.problems)
}

/// Finds both kinds of plugin, as Kafka Connect reads `plugin.path`: an entry is a plugin
/// directory with a manifest, a jar (a Kafka Connect plugin of its own), or a directory whose
/// children are plugins: a subdirectory with a manifest, a jar or zip, or a subdirectory
/// holding jars or classes (somewhere below it), which is one Kafka Connect plugin.
pub fn discover_all(plugin_path: &[PathBuf]) -> Discovered {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut kafka_connect = Vec::new();
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    for entry in plugin_path {
        let direct = entry.join(MANIFEST_FILE);
        if direct.is_file() {
            match Manifest::load(&direct) {
                Ok(m) => found.push(m),
                Err(e) => problems.push(e),
            }
            continue;
        }
        if entry.is_file() {
            if is_archive(entry) {
                kafka_connect.push(absolute(entry));
            } else {
                problems.push(format!(
                    "plugin.path entry {} is neither a directory nor a jar",
                    entry.display()
                ));
            }
            continue;
        }
        let Ok(dir) = std::fs::read_dir(entry) else {
            problems.push(format!(
                "plugin.path entry {} is not a readable directory",
                entry.display()
            ));
            continue;
        };
        let mut subdirs: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
        subdirs.sort();
        for sub in subdirs {
            let m = sub.join(MANIFEST_FILE);
            if m.is_file() {
                match Manifest::load(&m) {
                    Ok(m) => found.push(m),
                    Err(e) => problems.push(e),
                }
            } else if (sub.is_file() && is_archive(&sub)) || (sub.is_dir() && holds_code(&sub)) {
                kafka_connect.push(absolute(&sub));
            }
        }
    }
    Discovered {
        manifests: found,
        kafka_connect,
        problems,
    }
}

/// A jar or zip, as Kafka Connect's `PluginUtils.isArchive`.
pub fn is_archive(p: &Path) -> bool {
    let n = p.to_string_lossy().to_ascii_lowercase();
    n.ends_with(".jar") || n.ends_with(".zip")
}

/// Whether a directory holds a jar, zip or class file somewhere below it (symbolic links
/// followed, each directory visited once).
fn holds_code(dir: &Path) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(real) = std::fs::canonicalize(&d) else {
            continue;
        };
        if !seen.insert(real) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if is_archive(&p)
                || p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("class"))
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_direct_and_nested() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a");
        std::fs::create_dir(&a).unwrap();
        std::fs::write(
            a.join(MANIFEST_FILE),
            r#"{"name":"a","command":["x","${plugin.dir}/run"],"env":{"P":"${plugin.dir}/lib"},
                "plugins":[{"class":"A","type":"source","aliases":["org.A"]}]}"#,
        )
        .unwrap();
        let b = root.path().join("b");
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join(MANIFEST_FILE), "{broken").unwrap();
        let (found, problems) = discover(&[root.path().to_path_buf()]);
        assert_eq!(found.len(), 1);
        assert_eq!(problems.len(), 1);
        let m = &found[0];
        assert!(m.command[1].ends_with("/a/run"));
        assert!(m.env["P"].ends_with("/a/lib"));
        assert_eq!(m.names().collect::<Vec<_>>(), vec!["A", "org.A"]);
        let (direct, _) = discover(&[a]);
        assert_eq!(direct.len(), 1);
    }

    #[test]
    fn kafka_connect_plugins_beside_manifests() {
        let root = tempfile::tempdir().unwrap();
        let native = root.path().join("native");
        std::fs::create_dir(&native).unwrap();
        std::fs::write(
            native.join(MANIFEST_FILE),
            r#"{"name":"n","command":["x"],"plugins":[{"class":"A","type":"source"},
                {"class":"T","type":"transformation"}]}"#,
        )
        .unwrap();
        let kc = root.path().join("kc-plugin");
        std::fs::create_dir_all(kc.join("lib")).unwrap();
        std::fs::write(kc.join("lib/a.jar"), b"PK").unwrap();
        let classes = root.path().join("classes-plugin");
        std::fs::create_dir_all(classes.join("com/example")).unwrap();
        std::fs::write(classes.join("com/example/C.class"), b"").unwrap();
        std::fs::write(root.path().join("uber.jar"), b"PK").unwrap();
        let empty = root.path().join("docs");
        std::fs::create_dir(&empty).unwrap();
        std::fs::write(empty.join("README"), b"").unwrap();
        let d = discover_all(&[root.path().to_path_buf(), kc.join("lib/a.jar")]);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.manifests.len(), 1);
        assert_eq!(d.manifests[0].names().collect::<Vec<_>>(), vec!["A"]);
        let names: Vec<String> = d
            .kafka_connect
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert_eq!(
            names,
            vec!["classes-plugin", "kc-plugin", "uber.jar", "a.jar"]
        );
        assert!(d.kafka_connect.iter().all(|p| p.is_absolute()));
    }
}
