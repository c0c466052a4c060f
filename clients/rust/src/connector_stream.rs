//! The Connector.Run stream: start, task configs, reconfiguration requests, stop.

use std::sync::Arc;

use pb::connector_request::Msg as In;
use pb::connector_response::Msg as OutMsg;
use polyconnect_proto::v1 as pb;
use tokio::sync::oneshot;
use tonic::Streaming;

use crate::connector::ConnectorContext;
use crate::error::Error;
use crate::server::Plugins;
use crate::sink::AbortOnDrop;
use crate::stream::{guard, version_error, LastReceived, Out, Timing};

fn msg(m: OutMsg) -> pb::ConnectorResponse {
    pb::ConnectorResponse { msg: Some(m) }
}

pub(crate) fn heartbeat() -> pb::ConnectorResponse {
    msg(OutMsg::Heartbeat(pb::Heartbeat {}))
}

pub(crate) fn error(e: pb::Error) -> pb::ConnectorResponse {
    msg(OutMsg::Error(e))
}

pub(crate) async fn run(
    plugins: Arc<Plugins>,
    mut input: Streaming<pb::ConnectorRequest>,
    out: Out<pb::ConnectorResponse>,
    received: LastReceived,
    timing: oneshot::Sender<Timing>,
) {
    let start = match input.message().await {
        Ok(Some(pb::ConnectorRequest {
            msg: Some(In::Start(s)),
        })) => s,
        Ok(None) | Err(_) => return,
        Ok(Some(_)) => {
            let _ = out
                .send(error(
                    Error::fatal("the first message of a Connector stream must be ConnectorStart")
                        .to_proto(),
                ))
                .await;
            return;
        }
    };
    received.touch();
    if !crate::PROTOCOL_VERSIONS.contains(&start.protocol_version) {
        let _ = out
            .send(error(version_error(start.protocol_version).to_proto()))
            .await;
        return;
    }
    let Some(plugin) = plugins.find_connector(&start.connector_class) else {
        let e = Error::config(format!(
            "this connector process does not serve a connector named '{}'",
            start.connector_class
        ));
        let _ = out.send(error(e.to_proto())).await;
        return;
    };
    let _ = timing.send(Timing::new(
        start.heartbeat_interval_ms,
        start.idle_timeout_ms,
    ));
    let config = match plugin.config_def.parse(start.config.into_iter().collect()) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(connector = %start.connector_name, "invalid configuration: {e}");
            let _ = out.send(error(e.to_proto())).await;
            return;
        }
    };
    let Some(new_connector) = plugin.new_connector else {
        return;
    };
    let mut connector = new_connector();
    let ctx = ConnectorContext {
        name: start.connector_name.clone(),
        out: out.raw(),
        queries: Default::default(),
        next_query: Default::default(),
    };
    let queries = ctx.queries.clone();
    tracing::info!(connector = %start.connector_name, class = plugin.class, "starting connector");

    let (work_tx, mut work) = tokio::sync::mpsc::unbounded_channel();
    let _reader = AbortOnDrop(tokio::spawn(async move {
        while let Ok(Some(m)) = input.message().await {
            received.touch();
            if let Some(In::Offsets(a)) = m.msg {
                // Answered here: start() may be waiting for it.
                if let Some(tx) = queries.lock().unwrap().remove(&a.request_id) {
                    let _ = tx.send(a);
                }
                continue;
            }
            if let Some(m @ (In::TaskConfigs(_) | In::Stop(_))) = m.msg {
                if work_tx.send(m).is_err() {
                    return;
                }
            }
        }
    }));
    if let Err(e) = guard("start()", connector.start(ctx, &config)).await {
        tracing::error!("connector start failed: {e}");
        let _ = out.send(error(e.to_proto())).await;
        return;
    }
    if out
        .send(msg(OutMsg::Started(pb::Started {})))
        .await
        .is_err()
    {
        return;
    }
    while let Some(In::TaskConfigs(req)) = work.recv().await {
        let max = req.max_tasks as usize;
        match guard("task_configs()", connector.task_configs(&config, max)).await {
            Ok(mut configs) => {
                if max > 0 && configs.len() > max {
                    tracing::warn!("task_configs returned {} configs for max_tasks={max}; using the first {max}", configs.len());
                    configs.truncate(max);
                }
                let configs = configs
                    .into_iter()
                    .map(|c| pb::TaskConfig {
                        config: c.into_map().into_iter().collect(),
                    })
                    .collect();
                if out
                    .send(msg(OutMsg::TaskConfigs(pb::TaskConfigs { configs })))
                    .await
                    .is_err()
                {
                    break;
                }
            }
            Err(e) => {
                let _ = out.send(error(e.to_proto())).await;
                return;
            }
        }
    }
    // Stop, or the core closed its side.
    if let Err(e) = guard("stop()", connector.stop()).await {
        tracing::warn!("connector stop failed: {e}");
    }
    tracing::info!("connector stream ended");
}
