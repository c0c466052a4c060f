//! A plugin's static config definition (`Spec`) and its own validation (`Validate`), in the
//! core's types: what `GET /connector-plugins/{p}/config` and `.../config/validate` need.

use std::time::Duration;

use polyconnect_proto::v1 as pb;

use super::{PluginError, PluginInfo, PluginType, Session};
use crate::config::Props;

const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Kafka Connect's `ConfigDef.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigType {
    Boolean,
    String,
    Int,
    Short,
    Long,
    Double,
    List,
    Class,
    Password,
}

impl ConfigType {
    pub fn name(self) -> &'static str {
        match self {
            ConfigType::Boolean => "BOOLEAN",
            ConfigType::String => "STRING",
            ConfigType::Int => "INT",
            ConfigType::Short => "SHORT",
            ConfigType::Long => "LONG",
            ConfigType::Double => "DOUBLE",
            ConfigType::List => "LIST",
            ConfigType::Class => "CLASS",
            ConfigType::Password => "PASSWORD",
        }
    }

    pub fn from_name(s: &str) -> Option<ConfigType> {
        Some(match s {
            "BOOLEAN" => ConfigType::Boolean,
            "STRING" => ConfigType::String,
            "INT" => ConfigType::Int,
            "SHORT" => ConfigType::Short,
            "LONG" => ConfigType::Long,
            "DOUBLE" => ConfigType::Double,
            "LIST" => ConfigType::List,
            "CLASS" => ConfigType::Class,
            "PASSWORD" => ConfigType::Password,
            _ => return None,
        })
    }
}

/// A validator the core can apply itself (the protocol's `Validator`).
#[derive(Debug, Clone, PartialEq)]
pub enum Validator {
    Range {
        min: Option<f64>,
        max: Option<f64>,
    },
    ValidString {
        allowed: Vec<String>,
        case_insensitive: bool,
    },
    NonEmptyString,
    ValidList {
        allowed: Vec<String>,
    },
}

/// One key of a plugin's configuration (Kafka Connect's `ConfigDef.ConfigKey`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigKeyDef {
    pub name: String,
    pub config_type: ConfigType,
    /// The default in its string form; `None`: no default, the key is required.
    pub default_value: Option<String>,
    pub importance: &'static str,
    pub documentation: String,
    pub group: Option<String>,
    pub order_in_group: i32,
    pub width: &'static str,
    pub display_name: String,
    pub dependents: Vec<String>,
    pub validator: Option<Validator>,
    /// Never logged; `PASSWORD` keys are secrets.
    pub secret: bool,
}

/// A plugin's description and config definition.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    pub info: Option<PluginInfo>,
    pub keys: Vec<ConfigKeyDef>,
}

/// What a source connector declares about a config (`ValidateResponse`): Kafka Connect's
/// `SourceConnector.exactlyOnceSupport` and `canDefineTransactionBoundaries`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceDeclarations {
    /// `None`: not declared (Java's null).
    pub exactly_once: Option<bool>,
    /// `canDefineTransactionBoundaries` said SUPPORTED.
    pub transaction_boundaries: bool,
    /// The connector's method threw: its message.
    pub exactly_once_error: Option<String>,
    pub transaction_boundaries_error: Option<String>,
}

/// The connector's verdict on one key (Kafka Connect's `ConfigValue`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigValueReport {
    pub name: String,
    pub value: Option<String>,
    pub recommended_values: Vec<String>,
    pub errors: Vec<String>,
    pub visible: bool,
}

fn key_from_proto(k: pb::ConfigKey) -> ConfigKeyDef {
    let config_type = match pb::ConfigType::try_from(k.r#type) {
        Ok(pb::ConfigType::BooleanConfig) => ConfigType::Boolean,
        Ok(pb::ConfigType::IntConfig) => ConfigType::Int,
        Ok(pb::ConfigType::ShortConfig) => ConfigType::Short,
        Ok(pb::ConfigType::LongConfig) => ConfigType::Long,
        Ok(pb::ConfigType::DoubleConfig) => ConfigType::Double,
        Ok(pb::ConfigType::ListConfig) => ConfigType::List,
        Ok(pb::ConfigType::ClassConfig) => ConfigType::Class,
        Ok(pb::ConfigType::PasswordConfig) => ConfigType::Password,
        _ => ConfigType::String,
    };
    let importance = match pb::Importance::try_from(k.importance) {
        Ok(pb::Importance::High) => "HIGH",
        Ok(pb::Importance::Low) => "LOW",
        _ => "MEDIUM",
    };
    let width = match pb::Width::try_from(k.width) {
        Ok(pb::Width::Short) => "SHORT",
        Ok(pb::Width::MediumWidth) => "MEDIUM",
        Ok(pb::Width::Long) => "LONG",
        _ => "NONE",
    };
    let validator = k.validator.and_then(|v| match v.kind? {
        pb::validator::Kind::Range(r) => Some(Validator::Range {
            min: r.min,
            max: r.max,
        }),
        pb::validator::Kind::ValidString(s) => Some(Validator::ValidString {
            allowed: s.allowed,
            case_insensitive: s.case_insensitive,
        }),
        pb::validator::Kind::NonEmptyString(_) => Some(Validator::NonEmptyString),
        pb::validator::Kind::ValidList(l) => Some(Validator::ValidList { allowed: l.allowed }),
    });
    ConfigKeyDef {
        display_name: if k.display_name.is_empty() {
            k.name.clone()
        } else {
            k.display_name
        },
        secret: k.secret || config_type == ConfigType::Password,
        name: k.name,
        config_type,
        default_value: k.default_value,
        importance,
        documentation: k.documentation,
        group: (!k.group.is_empty()).then_some(k.group),
        order_in_group: k.order_in_group,
        width,
        dependents: k.dependents,
        validator,
    }
}

fn status_error(what: &str, s: tonic::Status) -> PluginError {
    match s.code() {
        tonic::Code::Unavailable | tonic::Code::Cancelled | tonic::Code::Unknown => {
            PluginError::Unavailable(format!("{what} failed: {}", s.message()))
        }
        code => PluginError::Incompatible(format!("{what} failed ({code:?}): {}", s.message())),
    }
}

impl Session {
    /// The plugin's static config definition (`Spec`).
    pub async fn spec(&self, class: &str) -> Result<PluginSpec, PluginError> {
        let mut client = self.conn.connector_client(self.max_message_bytes());
        let req = pb::SpecRequest {
            connector_class: class.to_string(),
        };
        let resp = tokio::time::timeout(CALL_TIMEOUT, client.spec(req))
            .await
            .map_err(|_| PluginError::Unavailable("Spec timed out".into()))?
            .map_err(|s| status_error("Spec", s))?
            .into_inner();
        let info = resp.plugin.map(|p| PluginInfo {
            plugin_type: match pb::PluginType::try_from(p.r#type) {
                Ok(pb::PluginType::Source) => Some(PluginType::Source),
                Ok(pb::PluginType::Sink) => Some(PluginType::Sink),
                _ => None,
            },
            class_name: p.class_name,
            aliases: p.aliases,
            version: p.version,
        });
        Ok(PluginSpec {
            info,
            keys: resp.config.into_iter().map(key_from_proto).collect(),
        })
    }

    /// The connector's own validation of `config` (`Validate`, Kafka Connect's
    /// `Connector.validate`): one entry per key it knows.
    pub async fn validate(
        &self,
        class: &str,
        config: &Props,
    ) -> Result<(Vec<ConfigValueReport>, SourceDeclarations), PluginError> {
        let mut client = self.conn.connector_client(self.max_message_bytes());
        let req = pb::ValidateRequest {
            connector_class: class.to_string(),
            config: super::tls::for_process(config),
        };
        let resp = tokio::time::timeout(CALL_TIMEOUT, client.validate(req))
            .await
            .map_err(|_| PluginError::Unavailable("Validate timed out".into()))?
            .map_err(|s| status_error("Validate", s))?
            .into_inner();
        let non_empty = |s: String| Some(s).filter(|s| !s.is_empty());
        let declarations = SourceDeclarations {
            exactly_once: match pb::ExactlyOnceSupport::try_from(resp.exactly_once_support) {
                Ok(pb::ExactlyOnceSupport::ExactlyOnceSupported) => Some(true),
                Ok(pb::ExactlyOnceSupport::ExactlyOnceUnsupported) => Some(false),
                _ => None,
            },
            transaction_boundaries: resp.transaction_boundaries
                == pb::TransactionBoundarySupport::TransactionBoundariesSupported as i32,
            exactly_once_error: non_empty(resp.exactly_once_support_error),
            transaction_boundaries_error: non_empty(resp.transaction_boundaries_error),
        };
        let values = resp
            .values
            .into_iter()
            .map(|v| ConfigValueReport {
                name: v.name,
                value: v.value,
                recommended_values: v.recommended_values,
                errors: v.errors,
                visible: v.visible,
            })
            .collect();
        Ok((values, declarations))
    }
}

/// What `AlterOffsets` is asked to change: a source's partitions and offsets, or a sink's
/// topic partitions and offsets (`None`: reset).
pub enum OffsetChange {
    Source(Vec<(crate::data::Value, Option<crate::data::Value>)>),
    Sink(Vec<crate::storage::group_offsets::SinkOffset>),
}

/// Why a connector refused to have its offsets changed (its `alterOffsets` threw).
#[derive(Debug)]
pub enum AlterOffsetsRefusal {
    /// The connector's message and the HTTP status its exception asks for (0: none).
    Failed {
        message: String,
        status: u16,
    },
    /// UnsupportedOperationException.
    Unsupported,
    Plugin(PluginError),
}

impl Session {
    /// KIP-875's `alterOffsets` on the connector (`AlterOffsets`): `Ok(true)` when the
    /// connector altered offsets it keeps itself too. A process without the call answers
    /// UNIMPLEMENTED: Kafka Connect's default, `false`.
    pub async fn alter_offsets(
        &self,
        class: &str,
        name: &str,
        config: &Props,
        change: OffsetChange,
        reset: bool,
    ) -> Result<bool, AlterOffsetsRefusal> {
        let mut client = self.conn.connector_client(self.max_message_bytes());
        let mut req = pb::AlterOffsetsRequest {
            protocol_version: self.negotiated.protocol_version,
            connector_class: class.to_string(),
            connector_name: name.to_string(),
            config: super::tls::for_process(config),
            reset,
            ..Default::default()
        };
        match change {
            OffsetChange::Source(entries) => {
                req.source_offsets = entries
                    .into_iter()
                    .map(|(p, o)| super::wire::source_offset_to_proto(p, o))
                    .collect()
            }
            OffsetChange::Sink(entries) => {
                req.sink_offsets = entries
                    .into_iter()
                    .map(|(topic, partition, offset)| pb::SinkOffsetChange {
                        topic,
                        partition,
                        offset,
                    })
                    .collect()
            }
        }
        let resp = match tokio::time::timeout(CALL_TIMEOUT, client.alter_offsets(req)).await {
            Err(_) => {
                return Err(AlterOffsetsRefusal::Plugin(PluginError::Unavailable(
                    "AlterOffsets timed out".into(),
                )))
            }
            Ok(Err(s)) if s.code() == tonic::Code::Unimplemented => return Ok(false),
            Ok(Err(s)) => return Err(AlterOffsetsRefusal::Plugin(status_error("AlterOffsets", s))),
            Ok(Ok(r)) => r.into_inner(),
        };
        if resp.unsupported {
            return Err(AlterOffsetsRefusal::Unsupported);
        }
        if let Some(e) = resp.error {
            return Err(AlterOffsetsRefusal::Failed {
                message: e.message,
                status: u16::try_from(resp.status_code).unwrap_or(0),
            });
        }
        Ok(resp.altered)
    }
}
