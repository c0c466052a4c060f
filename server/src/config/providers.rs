//! Config providers, as Kafka Connect's `config.providers`: values such as
//! `${env:DB_PASSWORD}`, `${file:/etc/secrets.properties:password}` or
//! `${dir:/run/secrets:password}` are resolved when a configuration is used, so secrets
//! need not sit in connector configs.
//!
//! Provider classes are Kafka's: `org.apache.kafka.common.config.provider.EnvVarConfigProvider`,
//! `...FileConfigProvider`, `...DirectoryConfigProvider` (or their simple names).

use std::collections::BTreeMap;
use std::path::Path;

use super::{properties, ConfigError, Props};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Env,
    File,
    Dir,
}

#[derive(Debug, Clone, Default)]
pub struct ConfigProviders {
    providers: BTreeMap<String, Kind>,
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
            providers.insert(name.to_string(), kind);
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
        let Some(kind) = self.providers.get(provider) else {
            return Ok(None);
        };
        let (path, key) = match rest.rsplit_once(':') {
            Some((p, k)) => (p, k),
            None => ("", rest),
        };
        Ok(match kind {
            Kind::Env => std::env::var(key).ok(),
            Kind::File => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ConfigError::Invalid(format!(
                        "config provider {provider}: cannot read {path}: {e}"
                    ))
                })?;
                properties::parse(&text).get(key).cloned()
            }
            Kind::Dir => {
                let file = Path::new(path).join(key);
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
        let mut w = Props::new();
        w.insert("config.providers".into(), "env,file,dir".into());
        w.insert(
            "config.providers.env.class".into(),
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider".into(),
        );
        w.insert(
            "config.providers.file.class".into(),
            "FileConfigProvider".into(),
        );
        w.insert(
            "config.providers.dir.class".into(),
            "DirectoryConfigProvider".into(),
        );
        let p = ConfigProviders::from_worker(&w).unwrap();
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
}
