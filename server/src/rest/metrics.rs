//! `GET /metrics`: Kafka Connect's metrics in Prometheus' text format
//! (`crate::telemetry::metrics`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use crate::herder::Herder;

pub async fn get(State(h): State<Arc<dyn Herder>>) -> impl IntoResponse {
    let w = h.worker();
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        crate::telemetry::metrics::render(&w.status),
    )
}
