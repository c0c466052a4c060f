//! Config providers, as Kafka Connect's `config.providers`: values such as
//! `${env:DB_PASSWORD}`, `${file:/etc/secrets.properties:password}` or
//! `${dir:/run/secrets:password}` are resolved when a configuration is used, so secrets
//! need not sit in connector configs.
//!
//! Provider classes are Kafka's: `org.apache.kafka.common.config.provider.EnvVarConfigProvider`,
//! `...FileConfigProvider`, `...DirectoryConfigProvider` (or their simple names).
//!
//! What a provider may read is limited as in Kafka:
//! - `config.providers.<name>.param.allowed.paths` (KIP-993, file and directory providers):
//!   absolute paths; a reference to a path outside them (after `.` and `..` are resolved)
//!   is left unresolved, with a warning;
//! - `config.providers.<name>.param.allowlist.pattern` (KIP-887, env provider): a regular
//!   expression the whole variable name must match;
//! - the directory provider reads only regular files directly in its directory: a key with
//!   a path separator or `..` never leaves it.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::{properties, ConfigError, Props};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Env,
    File,
    Dir,
}

#[derive(Debug, Clone)]
struct Provider {
    kind: Kind,
    /// File and directory providers: the paths they may read under (none: any).
    allowed_paths: Option<Vec<PathBuf>>,
    /// Env provider: the variable names it may read.
    allowlist: Option<regex::Regex>,
}

#[derive(Debug, Clone, Default)]
pub struct ConfigProviders {
    providers: BTreeMap<String, Provider>,
}

/// `.` and `..` resolved without touching the file system (as Java's `Path.normalize`).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

impl ConfigProviders {
    /// From the worker's `config.providers` and `config.providers.<name>.class`.
    pub fn from_worker(props: &Props) -> Result<ConfigProviders, ConfigError> {
        let mut providers = BTreeMap::new();
        let Some(names) = props.get("config.providers") else {
            return Ok(ConfigProviders { providers });
        };
        for name in names.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let key = format!("config.providers.{name}.class");
            let class = props.get(&key).ok_or_else(|| {
                ConfigError::Invalid(format!("Missing required configuration \"{key}\""))
            })?;
            let kind = match class.rsplit('.').next().unwrap_or(class) {
                "EnvVarConfigProvider" => Kind::Env,
                "FileConfigProvider" => Kind::File,
                "DirectoryConfigProvider" => Kind::Dir,
                other => {
                    return Err(ConfigError::Invalid(format!(
                        "Invalid value {class} for configuration {key}: unknown config provider {other}"
                    )))
                }
            };
            let param = |p: &str| {
                props
                    .get(&format!("config.providers.{name}.param.{p}"))
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            let allowed_paths = match param("allowed.paths") {
                None => None,
                Some(list) => {
                    let mut paths = Vec::new();
                    for p in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let path = Path::new(p);
                        if !path.is_absolute() {
                            return Err(ConfigError::Invalid(format!(
                                "config.providers.{name}.param.allowed.paths: {p} is not an absolute path"
                            )));
                        }
                        paths.push(normalize(path));
                    }
                    Some(paths)
                }
            };
            let allowlist = match param("allowlist.pattern") {
                None => None,
                Some(p) => Some(regex::Regex::new(&format!("^(?:{p})$")).map_err(|e| {
                    ConfigError::Invalid(format!(
                        "config.providers.{name}.param.allowlist.pattern is not a valid pattern: {e}"
                    ))
                })?),
            };
            providers.insert(
                name.to_string(),
                Provider {
                    kind,
                    allowed_paths,
                    allowlist,
                },
            );
        }
        Ok(ConfigProviders { providers })
    }

    /// Replaces every `${provider:[path:]key}` whose provider is configured. Unknown
    /// providers and missing keys leave the reference as it is, like Kafka's ConfigTransformer.
    pub fn resolve(&self, props: &Props) -> Result<Props, ConfigError> {
        if self.providers.is_empty() {
            return Ok(props.clone());
        }
        props
            .iter()
            .map(|(k, v)| Ok((k.clone(), self.resolve_value(v)?)))
            .collect()
    }

    fn resolve_value(&self, value: &str) -> Result<String, ConfigError> {
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return Ok(out);
            };
            let reference = &after[..end];
            match self.lookup(reference)? {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[start..start + 2 + end + 1]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn lookup(&self, reference: &str) -> Result<Option<String>, ConfigError> {
        let Some((provider, rest)) = reference.split_once(':') else {
            return Ok(None);
        };
        let Some(p) = self.providers.get(provider) else {
            return Ok(None);
        };
        let (path, key) = match rest.rsplit_once(':') {
            Some((p, k)) => (p, k),
            None => ("", rest),
        };
        let allowed = |path: &str| -> Option<PathBuf> {
            let normalized = normalize(Path::new(path));
            match &p.allowed_paths {
                Some(list) if !list.iter().any(|a| normalized.starts_with(a)) => {
                    tracing::warn!(
                        provider,
                        path,
                        "config provider: the path is outside its allowed.paths; the reference stays unresolved"
                    );
                    None
                }
                _ => Some(normalized),
            }
        };
        Ok(match p.kind {
            Kind::Env => match &p.allowlist {
                Some(re) if !re.is_match(key) => {
                    tracing::warn!(
                        provider,
                        variable = key,
                        "config provider: the variable is not on its allowlist.pattern; the reference stays unresolved"
                    );
                    None
                }
                _ => std::env::var(key).ok(),
            },
            Kind::File => {
                let Some(file) = allowed(path) else {
                    return Ok(None);
                };
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    ConfigError::Invalid(format!(
                        "config provider {provider}: cannot read {path}: {e}"
                    ))
                })?;
                properties::parse(&text).get(key).cloned()
            }
            Kind::Dir => {
                let Some(dir) = allowed(path) else {
                    return Ok(None);
                };
                // Only a file directly in the directory: a key never leads out of it.
                let plain = !key.is_empty()
                    && key != "."
                    && key != ".."
                    && !key.contains('/')
                    && !key.contains('\\');
                if !plain {
                    tracing::warn!(
                        provider,
                        key,
                        "config provider: a directory key must be a file name in the directory"
                    );
                    return Ok(None);
                }
                let file = dir.join(key);
                if !file.is_file() {
                    return Ok(None);
                }
                std::fs::read_to_string(&file).ok()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_env_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("s.properties");
        std::fs::write(&f, "password=s3cret\n").unwrap();
        std::fs::write(dir.path().join("token"), "t0k").unwrap();
        std::env::set_var("POLYCONNECT_TEST_PROVIDER", "from-env");
        // The Java class name is accepted with its package too.
        let p = providers(&[(
            "config.providers.env.class",
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        )]);
        let mut c = Props::new();
        c.insert("a".into(), "x-${env:POLYCONNECT_TEST_PROVIDER}-y".into());
        c.insert("b".into(), format!("${{file:{}:password}}", f.display()));
        c.insert(
            "c".into(),
            format!("${{dir:{}:token}}", dir.path().display()),
        );
        c.insert("d".into(), "${vault:secret}".into());
        let r = p.resolve(&c).unwrap();
        assert_eq!(r["a"], "x-from-env-y");
        assert_eq!(r["b"], "s3cret");
        assert_eq!(r["c"], "t0k");
        assert_eq!(r["d"], "${vault:secret}");
    }

    fn providers(extra: &[(&str, &str)]) -> ConfigProviders {
        let mut w = Props::new();
        w.insert("config.providers".into(), "env,file,dir".into());
        w.insert(
            "config.providers.env.class".into(),
            "EnvVarConfigProvider".into(),
        );
        w.insert(
            "config.providers.file.class".into(),
            "FileConfigProvider".into(),
        );
        w.insert(
            "config.providers.dir.class".into(),
            "DirectoryConfigProvider".into(),
        );
        for (k, v) in extra {
            w.insert(k.to_string(), v.to_string());
        }
        ConfigProviders::from_worker(&w).unwrap()
    }

    fn one(p: &ConfigProviders, value: &str) -> String {
        let mut c = Props::new();
        c.insert("v".into(), value.into());
        p.resolve(&c).unwrap()["v"].clone()
    }

    #[test]
    fn the_directory_provider_never_leaves_its_directory() {
        let root = tempfile::tempdir().unwrap();
        let secrets = root.path().join("secrets");
        std::fs::create_dir(&secrets).unwrap();
        std::fs::write(secrets.join("token"), "t0k").unwrap();
        std::fs::write(root.path().join("outside"), "leaked").unwrap();
        std::fs::create_dir(secrets.join("sub")).unwrap();
        let p = providers(&[]);
        let d = secrets.display();
        assert_eq!(one(&p, &format!("${{dir:{d}:token}}")), "t0k");
        for key in ["../outside", "..", ".", "sub", "sub/../token"] {
            let r = format!("${{dir:{d}:{key}}}");
            assert_eq!(one(&p, &r), r, "{key}");
        }
    }

    #[test]
    fn allowed_paths_bound_the_file_and_directory_providers() {
        let root = tempfile::tempdir().unwrap();
        let ok = root.path().join("ok");
        let other = root.path().join("other");
        std::fs::create_dir(&ok).unwrap();
        std::fs::create_dir(&other).unwrap();
        std::fs::write(ok.join("s.properties"), "password=fine\n").unwrap();
        std::fs::write(other.join("s.properties"), "password=leaked\n").unwrap();
        std::fs::write(ok.join("token"), "t0k").unwrap();
        std::fs::write(other.join("token"), "leaked").unwrap();
        let allowed = ok.display().to_string();
        let p = providers(&[
            ("config.providers.file.param.allowed.paths", &allowed),
            ("config.providers.dir.param.allowed.paths", &allowed),
        ]);
        let (o, x) = (ok.display(), other.display());
        assert_eq!(
            one(&p, &format!("${{file:{o}/s.properties:password}}")),
            "fine"
        );
        assert_eq!(one(&p, &format!("${{dir:{o}:token}}")), "t0k");
        for r in [
            format!("${{file:{x}/s.properties:password}}"),
            format!("${{file:{o}/../other/s.properties:password}}"),
            format!("${{dir:{x}:token}}"),
            format!("${{dir:{o}/..:token}}"),
        ] {
            assert_eq!(one(&p, &r), r);
        }
        let mut w = Props::new();
        w.insert("config.providers".into(), "file".into());
        w.insert(
            "config.providers.file.class".into(),
            "FileConfigProvider".into(),
        );
        w.insert(
            "config.providers.file.param.allowed.paths".into(),
            "relative/dir".into(),
        );
        assert!(ConfigProviders::from_worker(&w).is_err());
    }

    #[test]
    fn the_env_provider_reads_only_what_its_pattern_allows() {
        std::env::set_var("POLYCONNECT_TEST_ALLOWED_X", "yes");
        std::env::set_var("POLYCONNECT_TEST_SECRET_X", "no");
        let p = providers(&[(
            "config.providers.env.param.allowlist.pattern",
            "POLYCONNECT_TEST_ALLOWED_.*",
        )]);
        assert_eq!(one(&p, "${env:POLYCONNECT_TEST_ALLOWED_X}"), "yes");
        assert_eq!(
            one(&p, "${env:POLYCONNECT_TEST_SECRET_X}"),
            "${env:POLYCONNECT_TEST_SECRET_X}"
        );
    }
}
