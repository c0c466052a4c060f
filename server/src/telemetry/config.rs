//! Tracing settings: the standard `OTEL_*` environment variables, overridden by the
//! worker's `polyconnect.tracing.*` keys.

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry_sdk::trace::Sampler;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Grpc,
    HttpProtobuf,
}

impl Protocol {
    fn parse(s: &str) -> Result<Protocol, String> {
        match s.trim() {
            "grpc" => Ok(Protocol::Grpc),
            "http/protobuf" | "http" => Ok(Protocol::HttpProtobuf),
            other => Err(format!(
                "unsupported OTLP protocol '{other}' (use grpc or http/protobuf)"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
        }
    }
}

/// How the core exports spans. `None` from `resolve`: tracing is off.
#[derive(Debug, Clone)]
pub struct TracingSettings {
    /// The base endpoint as configured (`OTEL_EXPORTER_OTLP_ENDPOINT` form).
    pub endpoint: String,
    /// The endpoint for traces (`/v1/traces` added for HTTP when taken from the base).
    pub traces_endpoint: String,
    pub protocol: Protocol,
    pub service_name: String,
    /// `OTEL_TRACES_SAMPLER` name and argument.
    pub sampler: String,
    pub sampler_arg: Option<f64>,
    /// Spans buffered for export; beyond it spans are dropped, never waited for.
    pub max_queue_size: usize,
    pub export_timeout: Duration,
}

pub const ENABLE: &str = "polyconnect.tracing.enable";
pub const ENDPOINT: &str = "polyconnect.tracing.otlp.endpoint";
pub const PROTOCOL: &str = "polyconnect.tracing.otlp.protocol";
pub const SERVICE_NAME: &str = "polyconnect.tracing.service.name";
pub const SAMPLER: &str = "polyconnect.tracing.sampler";
pub const SAMPLER_ARG: &str = "polyconnect.tracing.sampler.arg";
pub const QUEUE_SIZE: &str = "polyconnect.tracing.max.queue.size";
pub const EXPORT_TIMEOUT: &str = "polyconnect.tracing.export.timeout.ms";

const SAMPLERS: [&str; 6] = [
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
];

impl TracingSettings {
    /// From the environment and the worker's properties (which win). Off unless an
    /// endpoint is given (or `polyconnect.tracing.enable=true`, which uses OTLP's default
    /// endpoint), and off when `polyconnect.tracing.enable=false`, `OTEL_SDK_DISABLED=true`
    /// or `OTEL_TRACES_EXPORTER=none`.
    pub fn resolve(
        env: &HashMap<String, String>,
        props: &HashMap<String, String>,
    ) -> Result<Option<TracingSettings>, String> {
        let prop = |k: &str| {
            props
                .get(k)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let var = |k: &str| {
            env.get(k)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let enable = match prop(ENABLE).as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => return Err(format!("{ENABLE} must be true or false, not '{other}'")),
        };
        let disabled_by_env = var("OTEL_SDK_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || var("OTEL_TRACES_EXPORTER").is_some_and(|v| v == "none");
        let protocol = match prop(PROTOCOL)
            .or_else(|| var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
            .or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL"))
        {
            Some(p) => Protocol::parse(&p)?,
            None => Protocol::HttpProtobuf,
        };
        let specific = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        let base = prop(ENDPOINT).or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"));
        let on = match enable {
            Some(e) => e,
            None => !disabled_by_env && (base.is_some() || specific.is_some()),
        };
        if !on {
            return Ok(None);
        }
        let default_base = match protocol {
            Protocol::Grpc => "http://localhost:4317",
            Protocol::HttpProtobuf => "http://localhost:4318",
        };
        let endpoint = base.clone().unwrap_or_else(|| default_base.to_string());
        let traces_endpoint = match (prop(ENDPOINT), specific) {
            (None, Some(s)) => s,
            _ if protocol == Protocol::HttpProtobuf => {
                format!("{}/v1/traces", endpoint.trim_end_matches('/'))
            }
            _ => endpoint.clone(),
        };
        let sampler = prop(SAMPLER)
            .or_else(|| var("OTEL_TRACES_SAMPLER"))
            .unwrap_or_else(|| "parentbased_always_on".into());
        if !SAMPLERS.contains(&sampler.as_str()) {
            return Err(format!(
                "unsupported trace sampler '{sampler}' (one of {})",
                SAMPLERS.join(", ")
            ));
        }
        let sampler_arg = match prop(SAMPLER_ARG).or_else(|| var("OTEL_TRACES_SAMPLER_ARG")) {
            None => None,
            Some(a) => match a.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Some(r),
                _ => {
                    return Err(format!(
                        "the sampler argument must be a ratio between 0 and 1, not '{a}'"
                    ))
                }
            },
        };
        let num = |k: &str, env_key: &str, default: u64| -> Result<u64, String> {
            match prop(k).or_else(|| var(env_key)) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .map_err(|_| format!("{k} must be a number, not '{v}'")),
            }
        };
        Ok(Some(TracingSettings {
            endpoint,
            traces_endpoint,
            protocol,
            service_name: prop(SERVICE_NAME)
                .or_else(|| var("OTEL_SERVICE_NAME"))
                .unwrap_or_else(|| "polyconnect".into()),
            sampler,
            sampler_arg,
            max_queue_size: num(QUEUE_SIZE, "OTEL_BSP_MAX_QUEUE_SIZE", 8192)?.max(1) as usize,
            export_timeout: Duration::from_millis(
                num(EXPORT_TIMEOUT, "OTEL_EXPORTER_OTLP_TIMEOUT", 10_000)?.max(1),
            ),
        }))
    }

    pub fn sampler(&self) -> Sampler {
        let ratio = self.sampler_arg.unwrap_or(1.0);
        match self.sampler.as_str() {
            "always_on" => Sampler::AlwaysOn,
            "always_off" => Sampler::AlwaysOff,
            "traceidratio" => Sampler::TraceIdRatioBased(ratio),
            "parentbased_always_off" => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
            "parentbased_traceidratio" => {
                Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio)))
            }
            _ => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        }
    }

    /// The environment of a connector process the core launches: the same exporter and
    /// sampler, its own `service.name`.
    pub fn connector_env(&self, plugin: &str) -> Vec<(String, String)> {
        let mut env = vec![
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT".to_string(),
                self.endpoint.clone(),
            ),
            (
                "OTEL_EXPORTER_OTLP_PROTOCOL".to_string(),
                self.protocol.as_str().to_string(),
            ),
            (
                "OTEL_SERVICE_NAME".to_string(),
                format!("polyconnect-connector-{plugin}"),
            ),
            ("OTEL_TRACES_SAMPLER".to_string(), self.sampler.clone()),
            (
                "OTEL_BSP_MAX_QUEUE_SIZE".to_string(),
                self.max_queue_size.to_string(),
            ),
            (
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE".to_string(),
                self.max_queue_size.min(512).to_string(),
            ),
            (
                "OTEL_EXPORTER_OTLP_TIMEOUT".to_string(),
                self.export_timeout.as_millis().to_string(),
            ),
        ];
        if let Some(a) = self.sampler_arg {
            env.push(("OTEL_TRACES_SAMPLER_ARG".to_string(), a.to_string()));
        }
        env
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(kv: &[(&str, &str)]) -> HashMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn off_without_an_endpoint() {
        assert!(TracingSettings::resolve(&map(&[]), &map(&[]))
            .unwrap()
            .is_none());
        let env = map(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_SDK_DISABLED", "true"),
        ]);
        assert!(TracingSettings::resolve(&env, &map(&[])).unwrap().is_none());
        let env = map(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")]);
        assert!(TracingSettings::resolve(&env, &map(&[(ENABLE, "false")]))
            .unwrap()
            .is_none());
    }

    #[test]
    fn env_then_worker_keys() {
        let env = map(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.01"),
        ]);
        let s = TracingSettings::resolve(&env, &map(&[])).unwrap().unwrap();
        assert_eq!(s.traces_endpoint, "http://c:4318/v1/traces");
        assert_eq!(s.protocol, Protocol::HttpProtobuf);
        assert_eq!(s.sampler_arg, Some(0.01));
        assert_eq!(s.service_name, "polyconnect");
        let props = map(&[
            (ENDPOINT, "http://d:4317"),
            (PROTOCOL, "grpc"),
            (SERVICE_NAME, "core-a"),
        ]);
        let s = TracingSettings::resolve(&env, &props).unwrap().unwrap();
        assert_eq!(s.traces_endpoint, "http://d:4317");
        assert_eq!(s.service_name, "core-a");
        let child = s.connector_env("file");
        assert!(child.contains(&(
            "OTEL_SERVICE_NAME".into(),
            "polyconnect-connector-file".into()
        )));
        assert!(child.contains(&("OTEL_EXPORTER_OTLP_PROTOCOL".into(), "grpc".into())));
    }

    #[test]
    fn bad_values_are_errors() {
        let env = map(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")]);
        assert!(TracingSettings::resolve(&env, &map(&[(SAMPLER, "sometimes")])).is_err());
        assert!(TracingSettings::resolve(&env, &map(&[(SAMPLER_ARG, "2")])).is_err());
        assert!(TracingSettings::resolve(&env, &map(&[(PROTOCOL, "udp")])).is_err());
    }
}
