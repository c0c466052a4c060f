//! The transform chain of a connector (Kafka Connect's `TransformationChain` and
//! `TransformationStage`), built from the connector config, and class-name resolution.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::cast::Cast;
use super::config::{java_trim, parse_list, ConfigIssue, Default, Settings};
use super::drop_headers::DropHeaders;
use super::extract_field::ExtractField;
use super::filter::Filter;
use super::flatten::Flatten;
use super::header_from::HeaderFrom;
use super::hoist_field::HoistField;
use super::insert_field::InsertField;
use super::insert_header::InsertHeader;
use super::mask_field::MaskField;
use super::predicates::{HasHeaderKey, RecordIsTombstone, TopicNameMatches};
use super::record::ConnectRecord;
use super::regex_router::RegexRouter;
use super::replace_field::ReplaceField;
use super::set_schema_metadata::SetSchemaMetadata;
use super::timestamp_converter::TimestampConverter;
use super::timestamp_router::TimestampRouter;
use super::util::{list_display, Side};
use super::value_to_key::ValueToKey;
use super::{Predicate, TransformError, Transformation};
use crate::plugin::streams::{TransformInput, TransformKind, TransformOutcome, TransformStream};
use crate::record::{SinkRecord, SourceRecord, TimestampType, TraceContext};

const TRANSFORMS_PACKAGE: &str = "org.apache.kafka.connect.transforms.";
const PREDICATES_PACKAGE: &str = "org.apache.kafka.connect.transforms.predicates.";

/// The transformations this core has, by their Kafka Connect class names.
pub const TRANSFORMATIONS: &[&str] = &[
    "org.apache.kafka.connect.transforms.Cast$Key",
    "org.apache.kafka.connect.transforms.Cast$Value",
    "org.apache.kafka.connect.transforms.DropHeaders",
    "org.apache.kafka.connect.transforms.ExtractField$Key",
    "org.apache.kafka.connect.transforms.ExtractField$Value",
    "org.apache.kafka.connect.transforms.Filter",
    "org.apache.kafka.connect.transforms.Flatten$Key",
    "org.apache.kafka.connect.transforms.Flatten$Value",
    "org.apache.kafka.connect.transforms.HeaderFrom$Key",
    "org.apache.kafka.connect.transforms.HeaderFrom$Value",
    "org.apache.kafka.connect.transforms.HoistField$Key",
    "org.apache.kafka.connect.transforms.HoistField$Value",
    "org.apache.kafka.connect.transforms.InsertField$Key",
    "org.apache.kafka.connect.transforms.InsertField$Value",
    "org.apache.kafka.connect.transforms.InsertHeader",
    "org.apache.kafka.connect.transforms.MaskField$Key",
    "org.apache.kafka.connect.transforms.MaskField$Value",
    "org.apache.kafka.connect.transforms.RegexRouter",
    "org.apache.kafka.connect.transforms.ReplaceField$Key",
    "org.apache.kafka.connect.transforms.ReplaceField$Value",
    "org.apache.kafka.connect.transforms.SetSchemaMetadata$Key",
    "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
    "org.apache.kafka.connect.transforms.TimestampConverter$Key",
    "org.apache.kafka.connect.transforms.TimestampConverter$Value",
    "org.apache.kafka.connect.transforms.TimestampRouter",
    "org.apache.kafka.connect.transforms.ValueToKey",
];

/// The predicates this core has.
pub const PREDICATES: &[&str] = &[
    "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
    "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
    "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
];

const WITH_SIDES: &[&str] = &[
    "Cast",
    "ExtractField",
    "Flatten",
    "HeaderFrom",
    "HoistField",
    "InsertField",
    "MaskField",
    "ReplaceField",
    "SetSchemaMetadata",
    "TimestampConverter",
];

enum Resolved {
    Transform(&'static str),
    Abstract(&'static str),
    Unknown,
}

/// Finds a transformation by Kafka Connect class name (`...InsertField$Value`), or short
/// forms of it (`InsertField$Value`, `InsertField.Value`, `RegexRouter`).
fn resolve_transform(name: &str) -> Resolved {
    let short = name.strip_prefix(TRANSFORMS_PACKAGE).unwrap_or(name);
    let (base, variant) = match short.split_once(['$', '.']) {
        Some((b, v)) => (b, Some(v)),
        None => (short, None),
    };
    for full in TRANSFORMATIONS {
        let s = &full[TRANSFORMS_PACKAGE.len()..];
        let (b, v) = match s.split_once('$') {
            Some((b, v)) => (b, Some(v)),
            None => (s, None),
        };
        if b == base && v == variant {
            return Resolved::Transform(full);
        }
    }
    if variant.is_none() {
        if let Some(b) = WITH_SIDES.iter().find(|b| **b == base) {
            return Resolved::Abstract(b);
        }
    }
    Resolved::Unknown
}

fn resolve_predicate(name: &str) -> Option<&'static str> {
    let short = name.strip_prefix(PREDICATES_PACKAGE).unwrap_or(name);
    PREDICATES
        .iter()
        .copied()
        .find(|full| full[PREDICATES_PACKAGE.len()..] == *short)
}

/// Creates and configures a transformation. `class` is a Kafka Connect class name (or a
/// short form); `settings` are its own settings without the `transforms.<alias>.` prefix,
/// which `prefix` gives for the messages. Returns the canonical class name.
pub fn create_transformation(
    class: &str,
    settings: &BTreeMap<String, String>,
    prefix: &str,
) -> Result<(&'static str, Box<dyn Transformation>), Vec<ConfigIssue>> {
    let type_key = format!("{prefix}type");
    let full = match resolve_transform(class) {
        Resolved::Transform(f) => f,
        Resolved::Abstract(base) => {
            return Err(vec![ConfigIssue {
                key: type_key,
                message: format!(
                    "This class is abstract and cannot be created. Did you mean {TRANSFORMS_PACKAGE}{base}$Key, {TRANSFORMS_PACKAGE}{base}$Value?"
                ),
            }])
        }
        Resolved::Unknown => {
            return Err(vec![ConfigIssue {
                key: type_key.clone(),
                message: format!("Invalid value {class} for configuration {type_key}: Class {class} could not be found."),
            }])
        }
    };
    let short = &full[TRANSFORMS_PACKAGE.len()..];
    let (base, variant) = short.split_once('$').unwrap_or((short, ""));
    let side = if variant == "Key" {
        Side::Key
    } else {
        Side::Value
    };
    let mut s = Settings::new(settings, prefix);
    fn boxed<T: Transformation + 'static>(t: Option<T>) -> Option<Box<dyn Transformation>> {
        t.map(|t| Box::new(t) as Box<dyn Transformation>)
    }
    let t = match base {
        "Cast" => boxed(Cast::configure(side, &mut s)),
        "DropHeaders" => boxed(DropHeaders::configure(&mut s)),
        "ExtractField" => boxed(ExtractField::configure(side, &mut s)),
        "Filter" => boxed(Some(Filter)),
        "Flatten" => boxed(Flatten::configure(side, &mut s)),
        "HeaderFrom" => boxed(HeaderFrom::configure(side, &mut s)),
        "HoistField" => boxed(HoistField::configure(side, &mut s)),
        "InsertField" => boxed(InsertField::configure(side, &mut s)),
        "InsertHeader" => boxed(InsertHeader::configure(&mut s)),
        "MaskField" => boxed(MaskField::configure(side, &mut s)),
        "RegexRouter" => boxed(RegexRouter::configure(&mut s)),
        "ReplaceField" => boxed(ReplaceField::configure(side, &mut s)),
        "SetSchemaMetadata" => boxed(SetSchemaMetadata::configure(side, &mut s)),
        "TimestampConverter" => boxed(TimestampConverter::configure(side, &mut s)),
        "TimestampRouter" => boxed(TimestampRouter::configure(&mut s)),
        "ValueToKey" => boxed(ValueToKey::configure(&mut s)),
        _ => None,
    };
    match t {
        Some(t) if s.issues.is_empty() => Ok((full, t)),
        _ => Err(s.issues),
    }
}

/// Creates and configures a predicate (see [`create_transformation`]).
pub fn create_predicate(
    class: &str,
    settings: &BTreeMap<String, String>,
    prefix: &str,
) -> Result<(&'static str, Box<dyn Predicate>), Vec<ConfigIssue>> {
    let type_key = format!("{prefix}type");
    let Some(full) = resolve_predicate(class) else {
        return Err(vec![ConfigIssue {
            key: type_key.clone(),
            message: format!("Invalid value {class} for configuration {type_key}: Class {class} could not be found."),
        }]);
    };
    let mut s = Settings::new(settings, prefix);
    let p: Option<Box<dyn Predicate>> = match &full[PREDICATES_PACKAGE.len()..] {
        "TopicNameMatches" => {
            TopicNameMatches::configure(&mut s).map(|p| Box::new(p) as Box<dyn Predicate>)
        }
        "HasHeaderKey" => {
            HasHeaderKey::configure(&mut s).map(|p| Box::new(p) as Box<dyn Predicate>)
        }
        _ => Some(Box::new(RecordIsTombstone)),
    };
    match p {
        Some(p) if s.issues.is_empty() => Ok((full, p)),
        _ => Err(s.issues),
    }
}

/// A transform or predicate served by a plugin process (the protocol's `Transform`
/// service): its settings, and its stream once the task opened it.
pub struct Remote {
    /// The alias in the connector config (`transforms.<alias>` or `predicates.<alias>`).
    pub alias: String,
    /// The class as the connector config names it.
    pub class: String,
    /// Its settings, without the prefix (and without `type`, `predicate`, `negate`).
    pub settings: BTreeMap<String, String>,
    pub kind: TransformKind,
    stream: tokio::sync::Mutex<Option<TransformStream>>,
}

impl Remote {
    /// The stream the task opened for this stage.
    pub async fn set_stream(&self, s: TransformStream) {
        *self.stream.lock().await = Some(s);
    }

    /// Stops the instance, if its stream is open.
    pub async fn stop(&self) {
        if let Some(mut s) = self.stream.lock().await.take() {
            s.stop().await;
        }
    }

    async fn call(&self, inputs: &[TransformInput<'_>]) -> Result<Vec<TransformOutcome>, String> {
        // A span per call (this stage on this batch), sent along as the batch's context.
        let span = crate::telemetry::task::transform_stage_span(
            self.kind_name(),
            &self.alias,
            &self.class,
            inputs.len(),
            inputs.iter().map(|i| i.trace),
        );
        let trace = span.as_ref().map(|(_, t)| t);
        let mut guard = self.stream.lock().await;
        let Some(s) = guard.as_mut() else {
            return Err(format!(
                "the {} '{}' ({}) is not connected to its plugin process",
                self.kind_name(),
                self.alias,
                self.class
            ));
        };
        s.call(inputs, trace).await.map_err(|e| {
            format!(
                "{} '{}' ({}) failed: {e}",
                self.kind_name(),
                self.alias,
                self.class
            )
        })
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            TransformKind::Transformation => "transform",
            TransformKind::Predicate => "predicate",
        }
    }

    fn record_error(&self, e: crate::plugin::streams::ConnectorError) -> TransformError {
        let class = if e.error_class.is_empty() {
            "org.apache.kafka.connect.errors.DataException".to_string()
        } else {
            e.error_class
        };
        let mut t = TransformError::new(&class, e.message);
        t.detail = (!e.detail.is_empty()).then_some(e.detail);
        t
    }
}

enum StageTransform {
    Local(Box<dyn Transformation>),
    Remote(Arc<Remote>),
}

#[derive(Clone)]
enum StagePredicate {
    Local(Arc<dyn Predicate>),
    Remote(Arc<Remote>),
}

struct Stage {
    alias: String,
    class: String,
    transform: StageTransform,
    predicate: Option<StagePredicate>,
    negate: bool,
}

/// Finds the out-of-process transforms and predicates: the kind of the plugin serving a
/// class, if a plugin process serves it.
pub type RemoteLookup<'a> = &'a dyn Fn(&str) -> Option<TransformKind>;

/// A record of a batch going through the chain, with what the core keeps of it.
pub struct BatchRecord {
    pub record: ConnectRecord,
    pub timestamp_type: TimestampType,
    pub trace: TraceContext,
}

/// What the chain did with one record of a batch.
pub type BatchOutcome = Result<Option<ConnectRecord>, TransformError>;

/// The transforms of a connector, applied in order.
#[derive(Default)]
pub struct TransformChain {
    stages: Vec<Stage>,
}

impl std::fmt::Debug for TransformChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(
                self.stages
                    .iter()
                    .map(|s| (&s.alias, &s.class, s.predicate.is_some(), s.negate)),
            )
            .finish()
    }
}

/// The settings under `prefix`, with the prefix removed.
fn with_prefix(props: &BTreeMap<String, String>, prefix: &str) -> BTreeMap<String, String> {
    props
        .range(prefix.to_string()..)
        .take_while(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k[prefix.len()..].to_string(), v.clone()))
        .collect()
}

/// An alias list (`transforms`, `predicates`) and its duplicate check.
fn aliases(
    props: &BTreeMap<String, String>,
    key: &str,
    issues: &mut Vec<ConfigIssue>,
) -> Vec<String> {
    let list = parse_list(props.get(key).map(String::as_str).unwrap_or(""));
    let mut seen = HashSet::new();
    let mut unique = Vec::new();
    for a in &list {
        if seen.insert(a.clone()) {
            unique.push(a.clone());
        }
    }
    if unique.len() != list.len() {
        issues.push(ConfigIssue {
            key: key.to_string(),
            message: format!(
                "Invalid value {} for configuration {key}: Duplicate alias provided.",
                list_display(&list)
            ),
        });
    }
    unique
}

impl TransformChain {
    /// A chain without transforms.
    pub fn empty() -> TransformChain {
        TransformChain::default()
    }

    /// Builds the chain of a connector config; the error lists every problem with Kafka
    /// Connect's message.
    pub fn from_connector_config(
        props: &BTreeMap<String, String>,
    ) -> Result<TransformChain, Vec<String>> {
        TransformChain::build(props)
            .map_err(|issues| issues.into_iter().map(|i| i.message).collect())
    }

    /// Every problem of the transform and predicate settings, with the key it belongs to
    /// (for `PUT /connector-plugins/{plugin}/config/validate`).
    pub fn validate(props: &BTreeMap<String, String>) -> Vec<ConfigIssue> {
        match TransformChain::build(props) {
            Ok(_) => Vec::new(),
            Err(issues) => issues,
        }
    }

    /// Builds the chain, or every problem found (built-in transforms and predicates only).
    pub fn build(props: &BTreeMap<String, String>) -> Result<TransformChain, Vec<ConfigIssue>> {
        TransformChain::build_with(props, &|_| None)
    }

    /// Builds the chain; a class that is not built in is looked up with `remote` among the
    /// transforms and predicates plugin processes serve.
    pub fn build_with(
        props: &BTreeMap<String, String>,
        remote: RemoteLookup<'_>,
    ) -> Result<TransformChain, Vec<ConfigIssue>> {
        let mut issues = Vec::new();
        let transforms = aliases(props, "transforms", &mut issues);
        let predicate_aliases = aliases(props, "predicates", &mut issues);

        let mut predicates: BTreeMap<String, StagePredicate> = BTreeMap::new();
        for alias in &predicate_aliases {
            let prefix = format!("predicates.{alias}.");
            let type_key = format!("{prefix}type");
            let Some(class) = props.get(&type_key) else {
                issues.push(ConfigIssue {
                    key: type_key.clone(),
                    message: format!(
                        "Missing required configuration \"{type_key}\" which has no default value."
                    ),
                });
                continue;
            };
            let class = java_trim(class);
            let mut settings = with_prefix(props, &prefix);
            // A class a plugin on plugin.path serves runs there, even when the core has a
            // built-in of that name (Kafka Connect too loads the plugin's own copy).
            if remote(class) == Some(TransformKind::Predicate) {
                settings.remove("type");
                predicates.insert(
                    alias.clone(),
                    StagePredicate::Remote(Arc::new(Remote {
                        alias: alias.clone(),
                        class: class.to_string(),
                        settings,
                        kind: TransformKind::Predicate,
                        stream: tokio::sync::Mutex::new(None),
                    })),
                );
                continue;
            }
            match create_predicate(class, &settings, &prefix) {
                Ok((_, p)) => {
                    predicates.insert(alias.clone(), StagePredicate::Local(Arc::from(p)));
                }
                Err(e) => issues.extend(e),
            }
        }

        let mut stages = Vec::new();
        for alias in &transforms {
            let prefix = format!("transforms.{alias}.");
            let type_key = format!("{prefix}type");
            let negate_key = format!("{prefix}negate");
            let predicate_key = format!("{prefix}predicate");
            if props.contains_key(&negate_key) && !props.contains_key(&predicate_key) {
                issues.push(ConfigIssue {
                    key: type_key.clone(),
                    message: format!(
                        "Config '{negate_key}' was provided but there is no config '{predicate_key}' defining a predicate to be negated."
                    ),
                });
            }
            let mut settings = with_prefix(props, &prefix);
            settings.remove("predicate");
            settings.remove("negate");
            let mut own = Settings::new(props, "");
            let negate = own.boolean(&negate_key, false);
            let predicate_alias = own.string(&predicate_key, Default::Null);
            issues.extend(own.issues);
            let predicate = match predicate_alias {
                None => None,
                Some(p) => match predicates.get(&p) {
                    Some(pred) => Some(pred.clone()),
                    None => {
                        if !predicate_aliases.contains(&p) {
                            issues.push(ConfigIssue {
                                key: predicate_key.clone(),
                                message: format!(
                                    "Invalid value {p} for configuration {predicate_key}: no predicate with alias '{p}' is listed in 'predicates'"
                                ),
                            });
                        }
                        None
                    }
                },
            };
            let Some(class) = props.get(&type_key) else {
                issues.push(ConfigIssue {
                    key: type_key.clone(),
                    message: format!(
                        "Missing required configuration \"{type_key}\" which has no default value."
                    ),
                });
                continue;
            };
            let class = java_trim(class);
            if remote(class) == Some(TransformKind::Transformation) {
                settings.remove("type");
                stages.push(Stage {
                    alias: alias.clone(),
                    class: class.to_string(),
                    transform: StageTransform::Remote(Arc::new(Remote {
                        alias: alias.clone(),
                        class: class.to_string(),
                        settings,
                        kind: TransformKind::Transformation,
                        stream: tokio::sync::Mutex::new(None),
                    })),
                    negate: negate && predicate.is_some(),
                    predicate,
                });
                continue;
            }
            match create_transformation(class, &settings, &prefix) {
                Ok((class, transform)) => stages.push(Stage {
                    alias: alias.clone(),
                    class: class.to_string(),
                    transform: StageTransform::Local(transform),
                    negate: negate && predicate.is_some(),
                    predicate,
                }),
                Err(e) => issues.extend(e),
            }
        }
        if issues.is_empty() {
            Ok(TransformChain { stages })
        } else {
            Err(issues)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// The aliases and classes of the transforms, in order.
    pub fn transforms(&self) -> Vec<(&str, &str)> {
        self.stages
            .iter()
            .map(|s| (s.alias.as_str(), s.class.as_str()))
            .collect()
    }

    /// Whether a stage or a predicate runs out of process: records then go through
    /// [`TransformChain::apply_batch`].
    pub fn has_remote(&self) -> bool {
        !self.remotes().is_empty()
    }

    /// The out-of-process transforms and predicates, each once, in chain order.
    pub fn remotes(&self) -> Vec<Arc<Remote>> {
        let mut out: Vec<Arc<Remote>> = Vec::new();
        let mut add = |r: &Arc<Remote>| {
            if !out.iter().any(|o| Arc::ptr_eq(o, r)) {
                out.push(r.clone());
            }
        };
        for s in &self.stages {
            if let Some(StagePredicate::Remote(r)) = &s.predicate {
                add(r);
            }
            if let StageTransform::Remote(r) = &s.transform {
                add(r);
            }
        }
        out
    }

    /// Stops the out-of-process instances (at the task's stop).
    pub async fn stop_remotes(&self) {
        for r in self.remotes() {
            r.stop().await;
        }
    }

    /// Applies the chain to a batch, stage by stage: each out-of-process stage gets the
    /// records it applies to in one call. One outcome per record, in order. `Err` is a
    /// failure of a stage as a whole (its process went away or broke the protocol): the
    /// task fails with it.
    pub async fn apply_batch(&self, batch: Vec<BatchRecord>) -> Result<Vec<BatchOutcome>, String> {
        enum State {
            Live(ConnectRecord),
            Done(BatchOutcome),
        }
        let mut meta = Vec::with_capacity(batch.len());
        let mut states = Vec::with_capacity(batch.len());
        for b in batch {
            meta.push((b.timestamp_type, b.trace));
            states.push(State::Live(b.record));
        }
        let stamp = |mut e: TransformError, stage: &Stage| {
            e.alias = Some(stage.alias.clone());
            e.transform_class = Some(stage.class.clone());
            e
        };
        for stage in &self.stages {
            let live: Vec<usize> = (0..states.len())
                .filter(|i| matches!(states[*i], State::Live(_)))
                .collect();
            if live.is_empty() {
                break;
            }
            // The records this stage applies to (its predicate, negated or not).
            let selected: Vec<usize> = match &stage.predicate {
                None => live,
                Some(StagePredicate::Local(p)) => live
                    .into_iter()
                    .filter(|i| match &states[*i] {
                        State::Live(r) => stage.negate ^ p.test(r),
                        State::Done(_) => false,
                    })
                    .collect(),
                Some(StagePredicate::Remote(p)) => {
                    let inputs: Vec<TransformInput> = live
                        .iter()
                        .map(|i| match &states[*i] {
                            State::Live(r) => TransformInput {
                                record: r,
                                timestamp_type: meta[*i].0,
                                trace: &meta[*i].1,
                            },
                            State::Done(_) => unreachable!(),
                        })
                        .collect();
                    let outcomes = p.call(&inputs).await?;
                    drop(inputs);
                    let mut sel = Vec::new();
                    for (i, o) in live.into_iter().zip(outcomes) {
                        match o {
                            TransformOutcome::Matches(m) => {
                                if stage.negate ^ m {
                                    sel.push(i)
                                }
                            }
                            TransformOutcome::Failed(e) => {
                                states[i] = State::Done(Err(stamp(p.record_error(e), stage)))
                            }
                            _ => {
                                return Err(format!(
                                    "predicate '{}' ({}) answered a record instead of a boolean",
                                    p.alias, p.class
                                ))
                            }
                        }
                    }
                    sel
                }
            };
            match &stage.transform {
                StageTransform::Local(t) => {
                    for i in selected {
                        let State::Live(r) =
                            std::mem::replace(&mut states[i], State::Done(Ok(None)))
                        else {
                            continue;
                        };
                        states[i] = match t.apply(r) {
                            Ok(Some(r)) => State::Live(r),
                            Ok(None) => State::Done(Ok(None)),
                            Err(e) => State::Done(Err(stamp(e, stage))),
                        };
                    }
                }
                StageTransform::Remote(t) => {
                    if selected.is_empty() {
                        continue;
                    }
                    let inputs: Vec<TransformInput> = selected
                        .iter()
                        .map(|i| match &states[*i] {
                            State::Live(r) => TransformInput {
                                record: r,
                                timestamp_type: meta[*i].0,
                                trace: &meta[*i].1,
                            },
                            State::Done(_) => unreachable!(),
                        })
                        .collect();
                    let outcomes = t.call(&inputs).await?;
                    drop(inputs);
                    for (i, o) in selected.into_iter().zip(outcomes) {
                        states[i] = match o {
                            TransformOutcome::Record(r) => State::Live(r),
                            TransformOutcome::Dropped => State::Done(Ok(None)),
                            TransformOutcome::Failed(e) => {
                                State::Done(Err(stamp(t.record_error(e), stage)))
                            }
                            TransformOutcome::Matches(_) => {
                                return Err(format!(
                                    "transform '{}' ({}) answered a boolean instead of a record",
                                    t.alias, t.class
                                ))
                            }
                        };
                    }
                }
            }
        }
        Ok(states
            .into_iter()
            .map(|s| match s {
                State::Live(r) => Ok(Some(r)),
                State::Done(o) => o,
            })
            .collect())
    }

    /// [`TransformChain::apply_batch`] on source records (what transforms cannot change
    /// is kept).
    pub async fn apply_source_batch(
        &self,
        records: Vec<SourceRecord>,
    ) -> Result<Vec<Result<Option<SourceRecord>, TransformError>>, String> {
        let mut ctxs = Vec::with_capacity(records.len());
        let mut batch = Vec::with_capacity(records.len());
        for r in records {
            let (record, ctx) = ConnectRecord::from_source(r);
            batch.push(BatchRecord {
                record,
                timestamp_type: TimestampType::NoTimestampType,
                trace: ctx.trace.clone(),
            });
            ctxs.push(ctx);
        }
        let out = self.apply_batch(batch).await?;
        Ok(out
            .into_iter()
            .zip(ctxs)
            .map(|(o, ctx)| o.map(|r| r.map(|r| r.into_source(ctx))))
            .collect())
    }

    /// [`TransformChain::apply_batch`] on sink records.
    pub async fn apply_sink_batch(
        &self,
        records: Vec<SinkRecord>,
    ) -> Result<Vec<Result<Option<SinkRecord>, TransformError>>, String> {
        let mut ctxs = Vec::with_capacity(records.len());
        let mut batch = Vec::with_capacity(records.len());
        for r in records {
            let (record, ctx) = ConnectRecord::from_sink(r);
            batch.push(BatchRecord {
                record,
                timestamp_type: ctx.timestamp_type,
                trace: ctx.trace.clone(),
            });
            ctxs.push(ctx);
        }
        let out = self.apply_batch(batch).await?;
        Ok(out
            .into_iter()
            .zip(ctxs)
            .map(|(o, ctx)| o.map(|r| r.map(|r| r.into_sink(ctx))))
            .collect())
    }

    fn needs_batch(stage: &Stage) -> TransformError {
        let mut e = TransformError::new(
            "org.apache.kafka.connect.errors.ConnectException",
            "an out-of-process transform or predicate runs only on batches (apply_batch)",
        );
        e.alias = Some(stage.alias.clone());
        e.transform_class = Some(stage.class.clone());
        e
    }

    /// Applies the transforms in order; `Ok(None)` when one of them dropped the record.
    /// Built-in stages only: a chain with out-of-process stages goes through
    /// [`TransformChain::apply_batch`].
    pub fn apply(
        &self,
        mut record: ConnectRecord,
    ) -> Result<Option<ConnectRecord>, TransformError> {
        for stage in &self.stages {
            match &stage.predicate {
                Some(StagePredicate::Local(p)) if !(stage.negate ^ p.test(&record)) => continue,
                Some(StagePredicate::Local(_)) | None => {}
                Some(StagePredicate::Remote(_)) => return Err(Self::needs_batch(stage)),
            }
            let StageTransform::Local(t) = &stage.transform else {
                return Err(Self::needs_batch(stage));
            };
            match t.apply(record) {
                Ok(Some(r)) => record = r,
                Ok(None) => return Ok(None),
                Err(mut e) => {
                    e.alias = Some(stage.alias.clone());
                    e.transform_class = Some(stage.class.to_string());
                    return Err(e);
                }
            }
        }
        Ok(Some(record))
    }

    /// Applies the chain to a source record (what transforms cannot change is kept).
    pub fn apply_source(
        &self,
        record: SourceRecord,
    ) -> Result<Option<SourceRecord>, TransformError> {
        if self.is_empty() {
            return Ok(Some(record));
        }
        let (r, ctx) = ConnectRecord::from_source(record);
        Ok(self.apply(r)?.map(|r| r.into_source(ctx)))
    }

    /// Applies the chain to a sink record (its original topic, partition and offset stay).
    pub fn apply_sink(&self, record: SinkRecord) -> Result<Option<SinkRecord>, TransformError> {
        if self.is_empty() {
            return Ok(Some(record));
        }
        let (r, ctx) = ConnectRecord::from_sink(record);
        Ok(self.apply(r)?.map(|r| r.into_sink(ctx)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Value;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn builds_with_predicates() {
        let chain = TransformChain::from_connector_config(&props(&[
            ("transforms", "drop,route"),
            (
                "transforms.drop.type",
                "org.apache.kafka.connect.transforms.Filter",
            ),
            ("transforms.drop.predicate", "tomb"),
            ("transforms.route.type", "RegexRouter"),
            ("transforms.route.regex", "(.*)"),
            ("transforms.route.replacement", "x-$1"),
            ("predicates", "tomb"),
            (
                "predicates.tomb.type",
                "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
            ),
        ]))
        .unwrap();
        assert_eq!(chain.len(), 2);
        assert_eq!(chain.apply(ConnectRecord::new("t")).unwrap(), None);
        let mut r = ConnectRecord::new("t");
        r.value = Value::Int32(1);
        assert_eq!(chain.apply(r).unwrap().unwrap().topic, "x-t");
    }

    #[test]
    fn lists_every_problem() {
        let errors = TransformChain::from_connector_config(&props(&[
            ("transforms", "a,b,c"),
            (
                "transforms.a.type",
                "org.apache.kafka.connect.transforms.Cast",
            ),
            ("transforms.b.type", "Nope"),
            ("transforms.c.type", "InsertField$Value"),
            ("transforms.c.negate", "true"),
        ]))
        .unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("This class is abstract"));
        assert_eq!(errors[1], "Invalid value Nope for configuration transforms.b.type: Class Nope could not be found.");
    }
}
