//! What a task does to each record between the connector and Kafka: the key, value and
//! header converters, the transform chain and the error handling settings, built from the
//! connector config (its `key.converter` / `value.converter` / `header.converter` with
//! their `.`-prefixed settings override the worker's).

use crate::config::{with_prefix, ConnectorConfig, Props, WorkerConfig};
use crate::converter::remote::RemoteConverter;
use crate::converter::{
    Converter, ConverterFactory, HeaderConverter, DEFAULT_CONVERTER_CLASS,
    DEFAULT_HEADER_CONVERTER_CLASS, KNOWN, KNOWN_HEADER,
};
use crate::error_handling::ErrorHandlingConfig;
use crate::transforms::{RemoteLookup, TransformChain};

pub struct Pipeline {
    pub key: Box<dyn Converter>,
    pub value: Box<dyn Converter>,
    pub header: Box<dyn HeaderConverter>,
    /// The converters' Kafka Connect class names (`__connect.errors.class.name`).
    pub key_class: String,
    pub value_class: String,
    pub header_class: String,
    pub chain: TransformChain,
    pub errors: ErrorHandlingConfig,
}

/// A problem with a connector config: the key and the message.
pub type Problem = (String, String);

/// The full class name of a converter given by its simple name, when this core knows it.
fn canonical(class: &str) -> String {
    let simple = class.rsplit('.').next().unwrap_or(class);
    KNOWN_HEADER
        .iter()
        .chain(KNOWN)
        .find(|k| k.rsplit('.').next() == Some(simple))
        .map(|k| k.to_string())
        .unwrap_or_else(|| class.to_string())
}

/// A converter's class and settings: the connector's, else the worker's.
fn converter_setting(
    worker: &WorkerConfig,
    connector: &Props,
    role: &str,
    default: &str,
) -> (String, Props) {
    let key = format!("{role}.converter");
    let prefix = format!("{key}.");
    match connector.get(&key) {
        Some(c) => (c.trim().to_string(), with_prefix(connector, &prefix)),
        None => (
            worker.get(&key).unwrap_or(default).trim().to_string(),
            with_prefix(&worker.props, &prefix),
        ),
    }
}

impl Pipeline {
    /// Builds the pipeline of a connector (built-in transforms only); the error lists
    /// every problem.
    pub fn new(
        worker: &WorkerConfig,
        connector: &ConnectorConfig,
    ) -> Result<Pipeline, Vec<Problem>> {
        Pipeline::new_with(worker, connector, &|_| None)
    }

    /// Builds the pipeline of a connector; `remote` finds the transforms and predicates
    /// plugin processes serve.
    pub fn new_with(
        worker: &WorkerConfig,
        connector: &ConnectorConfig,
        remote: RemoteLookup<'_>,
    ) -> Result<Pipeline, Vec<Problem>> {
        Pipeline::new_with_converters(worker, connector, remote, &|_, _| false)
    }

    /// Builds the pipeline of a connector; `remote` finds the transforms and predicates
    /// plugin processes serve, `remote_converter(class, header)` the converters and header
    /// converters (used for a class the core has no converter of its own for).
    pub fn new_with_converters(
        worker: &WorkerConfig,
        connector: &ConnectorConfig,
        remote: RemoteLookup<'_>,
        remote_converter: &dyn Fn(&str, bool) -> bool,
    ) -> Result<Pipeline, Vec<Problem>> {
        let props = &connector.props;
        let mut problems = Vec::new();
        let mut record_converter = |role: &str, is_key: bool| {
            let (class, settings) = converter_setting(worker, props, role, DEFAULT_CONVERTER_CLASS);
            match ConverterFactory::create(&class, &settings, is_key) {
                Ok(c) => Some((c, canonical(&class))),
                Err(_) if remote_converter(&class, false) => {
                    let c: Box<dyn Converter> =
                        Box::new(RemoteConverter::new(&class, settings, is_key));
                    Some((c, class))
                }
                Err(e) => {
                    problems.push((format!("{role}.converter"), e));
                    None
                }
            }
        };
        let key = record_converter("key", true);
        let value = record_converter("value", false);
        let (hclass, hsettings) =
            converter_setting(worker, props, "header", DEFAULT_HEADER_CONVERTER_CLASS);
        let header = match ConverterFactory::create_header_converter(&hclass, &hsettings) {
            Ok(c) => Some(c),
            Err(_) if remote_converter(&hclass, true) => {
                let c: Box<dyn HeaderConverter> =
                    Box::new(RemoteConverter::header(&hclass, hsettings.clone()));
                Some(c)
            }
            Err(e) => {
                problems.push(("header.converter".into(), e));
                None
            }
        };
        let chain = match TransformChain::build_with(props, remote) {
            Ok(c) => Some(c),
            Err(issues) => {
                problems.extend(issues.into_iter().map(|i| (i.key, i.message)));
                None
            }
        };
        let errors = match ErrorHandlingConfig::from_props(props) {
            Ok(e) => Some(e),
            Err(msgs) => {
                for m in msgs {
                    let key = m
                        .split_once("for configuration ")
                        .and_then(|(_, rest)| rest.split_once(':'))
                        .map(|(k, _)| k.to_string())
                        .unwrap_or_else(|| "errors.tolerance".into());
                    problems.push((key, m));
                }
                None
            }
        };
        match (key, value, header, chain, errors) {
            (
                Some((key, key_class)),
                Some((value, value_class)),
                Some(header),
                Some(chain),
                Some(errors),
            ) if problems.is_empty() => Ok(Pipeline {
                key,
                value,
                header,
                key_class,
                value_class,
                header_class: canonical(&hclass),
                chain,
                errors,
            }),
            _ => Err(problems),
        }
    }

    /// The problems of a connector config's converters, transforms and error handling.
    pub fn problems(
        worker: &WorkerConfig,
        connector: &ConnectorConfig,
        remote: RemoteLookup<'_>,
        remote_converter: &dyn Fn(&str, bool) -> bool,
    ) -> Vec<Problem> {
        Pipeline::new_with_converters(worker, connector, remote, remote_converter)
            .err()
            .unwrap_or_default()
    }

    /// The key, value and header converters a plugin process serves (converted batch by
    /// batch).
    pub fn remote_converters(
        &self,
    ) -> impl Iterator<Item = &crate::converter::remote::RemoteConverter> {
        [self.key.remote(), self.value.remote(), self.header.remote()]
            .into_iter()
            .flatten()
    }

    /// Stops the out-of-process converters' instances.
    pub async fn stop_remote_converters(&self) {
        for c in self.remote_converters() {
            c.stop().await;
        }
    }

    /// Nothing to do per record beyond the converters: no transforms.
    pub fn has_transforms(&self) -> bool {
        !self.chain.is_empty()
    }
}

/// Kafka Connect's message for an invalid connector config, listing every problem.
pub fn invalid_config_message(problems: &[Problem]) -> String {
    let mut msg = format!(
        "Connector configuration is invalid and contains the following {} error(s):",
        problems.len()
    );
    for (_, m) in problems {
        msg.push('\n');
        msg.push_str(m);
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker() -> WorkerConfig {
        WorkerConfig::from_props(
            [
                ("bootstrap.servers", "x:1"),
                (
                    "value.converter",
                    "org.apache.kafka.connect.storage.StringConverter",
                ),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        )
        .unwrap()
    }

    fn connector(pairs: &[(&str, &str)]) -> ConnectorConfig {
        let mut p: Props = [("name", "c"), ("connector.class", "X")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        p.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        ConnectorConfig::new(p).unwrap()
    }

    #[test]
    fn connector_overrides_the_worker() {
        let p = Pipeline::new(&worker(), &connector(&[])).unwrap();
        assert_eq!(
            p.value_class,
            "org.apache.kafka.connect.storage.StringConverter"
        );
        assert_eq!(p.key_class, "org.apache.kafka.connect.json.JsonConverter");
        assert_eq!(
            p.header_class,
            "org.apache.kafka.connect.storage.SimpleHeaderConverter"
        );
        let p = Pipeline::new(
            &worker(),
            &connector(&[
                ("value.converter", "IntegerConverter"),
                ("header.converter", "StringConverter"),
            ]),
        )
        .unwrap();
        assert_eq!(
            p.value_class,
            "org.apache.kafka.connect.converters.IntegerConverter"
        );
        assert_eq!(
            p.header_class,
            "org.apache.kafka.connect.storage.StringConverter"
        );
    }

    #[test]
    fn every_problem_is_listed() {
        let problems = Pipeline::problems(
            &worker(),
            &connector(&[
                ("key.converter", "NoSuchConverter"),
                ("header.converter", "Nope"),
                ("transforms", "a"),
                ("transforms.a.type", "NoSuchTransform"),
                ("errors.tolerance", "most"),
            ]),
            &|_| None,
            &|_, _| false,
        );
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "key.converter",
                "header.converter",
                "transforms.a.type",
                "errors.tolerance"
            ]
        );
        let msg = invalid_config_message(&problems);
        assert!(
            msg.starts_with(
                "Connector configuration is invalid and contains the following 4 error(s):\n"
            ),
            "{msg}"
        );
    }

    #[test]
    fn a_converter_only_a_plugin_has_runs_out_of_process_and_built_ins_stay_in_the_core() {
        let served = |c: &str, header: bool| {
            if header {
                c == "com.example.UpperHeaderConverter"
            } else {
                c == "com.example.UpperCaseConverter" || c.ends_with("JsonConverter")
            }
        };
        let p = Pipeline::new_with_converters(
            &worker(),
            &connector(&[
                ("value.converter", "com.example.UpperCaseConverter"),
                ("value.converter.suffix", "!"),
                (
                    "key.converter",
                    "org.apache.kafka.connect.json.JsonConverter",
                ),
                ("header.converter", "com.example.UpperHeaderConverter"),
                ("header.converter.x", "y"),
            ]),
            &|_| None,
            &served,
        )
        .unwrap();
        let remote = p.value.remote().expect("the plugin's converter is remote");
        assert_eq!(remote.class, "com.example.UpperCaseConverter");
        assert!(!remote.is_key);
        assert_eq!(remote.settings.get("suffix").map(String::as_str), Some("!"));
        assert_eq!(p.value_class, "com.example.UpperCaseConverter");
        // The core's own JsonConverter, although a plugin holds one too.
        assert!(p.key.remote().is_none());
        let header = p
            .header
            .remote()
            .expect("the plugin's header converter is remote");
        assert!(header.is_header);
        assert_eq!(header.role(), "header.converter");
        assert_eq!(header.settings.get("x").map(String::as_str), Some("y"));
        assert_eq!(p.header_class, "com.example.UpperHeaderConverter");
        assert_eq!(p.remote_converters().count(), 2);
        // A class nobody serves is still refused.
        let problems = Pipeline::problems(
            &worker(),
            &connector(&[("value.converter", "com.example.Nope")]),
            &|_| None,
            &served,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "value.converter");
    }
}
