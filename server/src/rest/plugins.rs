//! `/connector-plugins/...`: connector plugins from the manifests on `plugin.path`, and the
//! converters (and, once the core has them, transformations and predicates) it runs itself.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::{parse_body, query_bool, string_map, ApiError, ApiResult};
use crate::herder::validate::{
    self, known_converters, known_header_converters, known_predicates, known_transformations,
};
use crate::herder::Herder;
use crate::plugin::class_matches;

pub async fn list(
    State(h): State<Arc<dyn Herder>>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult {
    let w = h.worker();
    let connectors_only = query_bool(
        q.iter()
            .find(|(k, _)| k == "connectorsOnly")
            .map(|(_, v)| v.as_str()),
        true,
    );
    let mut sinks = Vec::new();
    let mut sources = Vec::new();
    // Transformations, predicates and converters of Kafka Connect plugin directories.
    let mut others: Vec<(String, String, String)> = Vec::new();
    for m in w.plugins.manifests() {
        for p in &m.plugins {
            let entry = (
                p.class.clone(),
                p.version.clone().unwrap_or_else(|| m.version.clone()),
            );
            match p.plugin_type.as_str() {
                "sink" => sinks.push(entry),
                "source" => sources.push(entry),
                t @ ("transformation" | "predicate" | "converter" | "header_converter") => {
                    others.push((t.to_string(), entry.0, entry.1))
                }
                _ => {}
            }
        }
    }
    sinks.sort();
    sinks.dedup_by(|a, b| a.0 == b.0);
    sources.sort();
    sources.dedup_by(|a, b| a.0 == b.0);
    let mut out: Vec<Value> = Vec::new();
    for (class, version) in &sinks {
        out.push(json!({"class": class, "type": "sink", "version": version}));
    }
    for (class, version) in &sources {
        out.push(json!({"class": class, "type": "source", "version": version}));
    }
    if !connectors_only {
        let core = crate::plugin::CORE_VERSION;
        for c in known_transformations() {
            out.push(json!({"class": c, "type": "transformation", "version": core}));
        }
        for c in known_predicates() {
            out.push(json!({"class": c, "type": "predicate", "version": core}));
        }
        for c in known_converters() {
            out.push(json!({"class": c, "type": "converter", "version": core}));
        }
        for c in known_header_converters() {
            out.push(json!({"class": c, "type": "header_converter", "version": core}));
        }
        // Kafka Connect's order: transformations, predicates, converters, header converters,
        // each sorted by class; a class the core runs itself is listed once.
        let rank = |t: &str| {
            [
                "transformation",
                "predicate",
                "converter",
                "header_converter",
            ]
            .iter()
            .position(|x| *x == t)
            .unwrap_or(4)
        };
        others.sort_by(|a, b| (rank(&a.0), &a.1).cmp(&(rank(&b.0), &b.1)));
        for (t, class, version) in others {
            if out.iter().any(|v| v["class"] == class.as_str()) {
                continue;
            }
            out.push(json!({"class": class, "type": t, "version": version}));
        }
    }
    Ok(Json(out).into_response())
}

/// Kafka Connect's alias rule for the validate path: a trailing `Connector` is dropped.
fn normalized(name: &str) -> &str {
    match name.strip_suffix("Connector") {
        Some(s) if !s.is_empty() => s,
        _ => name,
    }
}

pub async fn config(State(h): State<Arc<dyn Herder>>, Path(plugin): Path<String>) -> ApiResult {
    let w = h.worker();
    let unknown = || ApiError::not_found(format!("Unknown plugin {plugin}."));
    if let Some((_, defs)) = validate::converter_definition(&plugin) {
        return Ok(Json(defs).into_response());
    }
    if let Some(defs) = validate::transform_definitions(w, &plugin).await? {
        return Ok(Json(defs).into_response());
    }
    let served = w
        .plugins
        .manifests()
        .iter()
        .any(|m| m.names().any(|n| class_matches(n, &plugin)));
    if !served {
        return Err(unknown());
    }
    let (plugin_type, spec, _, version, _) =
        validate::ask_plugin(&w, &plugin, &Default::default(), false).await?;
    let version = (!version.is_empty()).then_some(version);
    Ok(Json(validate::connector_definitions(
        &spec,
        plugin_type,
        version.as_deref(),
    ))
    .into_response())
}

pub async fn validate(
    State(h): State<Arc<dyn Herder>>,
    Path(plugin): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = parse_body(&body)?;
    let config = string_map(&body, "The connector config")?;
    if let Some((_, Some(class))) = config.iter().find(|(k, _)| k == "connector.class") {
        if !normalized(class).ends_with(normalized(&plugin)) {
            return Err(ApiError::bad_request(format!(
                "Included connector type {class} does not match request type {plugin}"
            )));
        }
    }
    let (infos, _) = h.validate_connector_config(&config).await?;
    Ok(Json(infos).into_response())
}
