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
//! plugin directories, as in Kafka Connect.

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

    /// Every class name and alias this manifest's process serves.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.plugins.iter().flat_map(|p| {
            std::iter::once(p.class.as_str()).chain(p.aliases.iter().map(String::as_str))
        })
    }
}

/// Finds manifests in the `plugin.path` entries. Unreadable manifests are reported, not
/// fatal: one broken plugin must not stop the worker.
pub fn discover(plugin_path: &[PathBuf]) -> (Vec<Manifest>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for entry in plugin_path {
        let direct = entry.join(MANIFEST_FILE);
        if direct.is_file() {
            match Manifest::load(&direct) {
                Ok(m) => found.push(m),
                Err(e) => problems.push(e),
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
            }
        }
    }
    (found, problems)
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
}
