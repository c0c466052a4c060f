//! Checks on the Connector service: handshake, health, auth, spec, validate and the
//! connector stream.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pb::connector_request::Msg as In;
use pb::connector_response::Msg as Out;
use polyconnect_proto::v1 as pb;

use super::drive::{describe_error, requests, Drive, Recv};
use super::{Ctx, Report, KIT_MAX_MESSAGE_BYTES};
use crate::plugin::channel::{connect_target, Conn, Target};

fn handshake_request(versions: Vec<u32>) -> pb::HandshakeRequest {
    pb::HandshakeRequest {
        protocol_versions: versions,
        core_version: format!("conformance-kit {}", crate::plugin::CORE_VERSION),
        max_message_bytes: KIT_MAX_MESSAGE_BYTES,
        capabilities: Some(pb::Capabilities {
            raw_bytes: true,
            schema_references: true,
            trace_context: true,
            columnar_puts: true,
            columnar_source_batches: true,
        }),
    }
}

/// handshake, handshake.unsupported-version, health, auth.
pub(crate) async fn handshake_checks(
    conn: &Conn,
    target: &Target,
    report: &mut Report,
) -> Option<pb::HandshakeResponse> {
    let mut client = conn.connector_client(KIT_MAX_MESSAGE_BYTES as usize);
    let offered = polyconnect_proto::PROTOCOL_VERSIONS.to_vec();
    let hs = match tokio::time::timeout(
        Duration::from_secs(30),
        client.handshake(handshake_request(offered.clone())),
    )
    .await
    {
        Err(_) => Err("no answer within 30s".to_string()),
        Ok(Err(s)) => Err(format!("refused: {:?}: {}", s.code(), s.message())),
        Ok(Ok(r)) => Ok(r.into_inner()),
    };
    let hs = match hs {
        Ok(hs) => hs,
        Err(e) => {
            report.fail("handshake", e);
            return None;
        }
    };
    let caps = hs.capabilities.unwrap_or_default();
    let verdict = if !offered.contains(&hs.protocol_version) {
        Err(format!(
            "chose protocol version {}, which the kit did not offer ({offered:?})",
            hs.protocol_version
        ))
    } else if hs.plugins.is_empty() {
        Err("announces no plugins".into())
    } else if hs.max_message_bytes > KIT_MAX_MESSAGE_BYTES {
        Err(format!(
            "max_message_bytes {} is larger than the {} offered",
            hs.max_message_bytes, KIT_MAX_MESSAGE_BYTES
        ))
    } else if hs
        .plugins
        .iter()
        .any(|p| p.class_name.is_empty() || !(1..=2).contains(&p.r#type))
    {
        Err("a plugin without a class name or a source/sink type".into())
    } else {
        Ok(format!(
            "protocol {}, {} SDK {}, plugins: {}; capabilities raw_bytes={} schema_references={} trace_context={} columnar_source_batches={}",
            hs.protocol_version,
            hs.sdk_language,
            hs.sdk_version,
            hs.plugins.iter().map(|p| p.class_name.as_str()).collect::<Vec<_>>().join(", "),
            caps.raw_bytes,
            caps.schema_references,
            caps.trace_context,
            caps.columnar_source_batches
        ))
    };
    if !report.check("handshake", verdict) {
        return None;
    }

    let r = client.handshake(handshake_request(vec![99, 98])).await;
    report.check(
        "handshake.unsupported",
        match r {
            Ok(r) => Err(format!(
                "accepted a handshake offering only [99, 98] and chose {}",
                r.into_inner().protocol_version
            )),
            Err(s) if s.code() == tonic::Code::FailedPrecondition => {
                Ok(format!("FAILED_PRECONDITION: {}", s.message()))
            }
            Err(s) => Err(format!(
                "expected FAILED_PRECONDITION, got {:?}: {}",
                s.code(),
                s.message()
            )),
        },
    );

    let r = client.health(pb::HealthRequest {}).await;
    report.check(
        "health",
        match r {
            Ok(r) if r.get_ref().serving => Ok("serving".into()),
            Ok(_) => Err("answers serving=false".into()),
            Err(s) => Err(format!("{:?}: {}", s.code(), s.message())),
        },
    );

    if let Target::Unix {
        path,
        token: Some(_),
        generation,
    } = target
    {
        let anonymous = Target::Unix {
            path: path.clone(),
            token: None,
            generation: *generation,
        };
        let r = match connect_target(&anonymous).await {
            Ok(c) => c
                .connector_client(4 << 20)
                .health(pb::HealthRequest {})
                .await
                .map(|_| ()),
            Err(e) => Err(tonic::Status::unavailable(e)),
        };
        report.check(
            "auth.token",
            match r {
                Err(s) if s.code() == tonic::Code::Unauthenticated => {
                    Ok("a call without the token is refused (UNAUTHENTICATED)".into())
                }
                Err(s) => Err(format!(
                    "a call without the token failed with {:?} instead of UNAUTHENTICATED: {}",
                    s.code(),
                    s.message()
                )),
                Ok(()) => Err("a call without the token was answered".into()),
            },
        );
    } else {
        report.skip(
            "auth.token",
            "no token (the launch contract's token is checked with --plugin-dir or --token)",
        );
    }
    Some(hs)
}

/// spec, validate, connector.* for one plugin; the first task config for the task checks.
pub(crate) async fn plugin_checks(
    ctx: &Ctx,
    plugin: &pb::PluginInfo,
    config: &BTreeMap<String, String>,
    report: &mut Report,
) -> Option<BTreeMap<String, String>> {
    let class = plugin.class_name.clone();
    let mut client = ctx.conn.connector_client(ctx.max_message_bytes as usize);

    // Spec.
    let spec = client
        .spec(pb::SpecRequest {
            connector_class: class.clone(),
        })
        .await;
    let required: Vec<String> = match spec {
        Err(s) => {
            report.fail("spec", format!("{:?}: {}", s.code(), s.message()));
            vec![]
        }
        Ok(r) => {
            let r = r.into_inner();
            let mut names = std::collections::HashSet::new();
            let verdict =
                if r.plugin.as_ref().map(|p| p.class_name.as_str()) != Some(class.as_str()) {
                    Err(format!(
                        "Spec names plugin {:?}, not {class}",
                        r.plugin.map(|p| p.class_name)
                    ))
                } else if let Some(k) = r
                    .config
                    .iter()
                    .find(|k| k.name.is_empty() || !names.insert(k.name.clone()))
                {
                    Err(format!("config key {:?} is empty or defined twice", k.name))
                } else {
                    Ok(format!("{} config keys", r.config.len()))
                };
            report.check("spec", verdict);
            r.config
                .iter()
                .filter(|k| k.default_value.is_none())
                .map(|k| k.name.clone())
                .collect()
        }
    };
    let unknown = client
        .spec(pb::SpecRequest {
            connector_class: "NoSuchConnectorClass".into(),
        })
        .await;
    report.check(
        "spec.unknown-class",
        match unknown {
            Err(s) if s.code() == tonic::Code::NotFound => Ok("NOT_FOUND".into()),
            Err(s) => Err(format!(
                "expected NOT_FOUND, got {:?}: {}",
                s.code(),
                s.message()
            )),
            Ok(_) => Err("answered Spec for a class it does not serve".into()),
        },
    );

    // Validate: the given config is valid; an empty one names the required keys.
    let v = client
        .validate(pb::ValidateRequest {
            connector_class: class.clone(),
            config: config.clone().into_iter().collect(),
        })
        .await;
    let verdict = match v {
        Err(s) => Err(format!("{:?}: {}", s.code(), s.message())),
        Ok(r) => {
            let errs: Vec<String> = r
                .into_inner()
                .values
                .into_iter()
                .filter(|v| !v.errors.is_empty())
                .map(|v| format!("{}: {}", v.name, v.errors.join("; ")))
                .collect();
            if errs.is_empty() {
                Ok("the given config is valid".to_string())
            } else {
                Err(format!(
                    "the given config is reported invalid: {}",
                    errs.join(" | ")
                ))
            }
        }
    };
    report.check("validate", verdict);
    if required.is_empty() {
        report.skip("validate.missing-required", "the spec has no required keys");
    } else {
        let v = client
            .validate(pb::ValidateRequest {
                connector_class: class.clone(),
                config: Default::default(),
            })
            .await;
        report.check(
            "validate.missing-required",
            match v {
                Err(s) => Err(format!("{:?}: {}", s.code(), s.message())),
                Ok(r) => {
                    let values = r.into_inner().values;
                    let missing: Vec<&String> = required
                        .iter()
                        .filter(|k| !values.iter().any(|v| &v.name == *k && !v.errors.is_empty()))
                        .collect();
                    if missing.is_empty() {
                        Ok(format!(
                            "errors for the required keys {}",
                            required.join(", ")
                        ))
                    } else {
                        Err(format!(
                            "no error for the missing required keys {missing:?}"
                        ))
                    }
                }
            },
        );
    }

    // Typed errors on the connector stream.
    let start = |version: u32, config: &BTreeMap<String, String>| pb::ConnectorRequest {
        msg: Some(In::Start(pb::ConnectorStart {
            protocol_version: version,
            connector_class: class.clone(),
            connector_name: "conformance".into(),
            config: config.clone().into_iter().collect(),
            heartbeat_interval_ms: 200,
            idle_timeout_ms: 0,
        })),
    };
    let outcome = expect_config_error(ctx, start(99, config)).await;
    report.check(
        "connector.version-mismatch",
        outcome.map(|m| format!("Start with version 99: {m}")),
    );
    if required.is_empty() {
        report.skip(
            "connector.config-error",
            "the spec has no required keys to leave out",
        );
    } else {
        let mut bad = config.clone();
        for k in &required {
            bad.remove(k);
        }
        let outcome = expect_config_error(ctx, start(1, &bad)).await;
        report.check(
            "connector.config-error",
            outcome.map(|m| format!("Start without {}: {m}", required.join(", "))),
        );
    }

    // The connector lifecycle.
    let mut task_config = None;
    let r = connector_lifecycle(ctx, start(1, config), &mut task_config).await;
    report.check("connector.lifecycle", r);
    if task_config.is_none() {
        report.skip(
            &format!(
                "{}.*",
                if plugin.r#type == pb::PluginType::Sink as i32 {
                    "sink"
                } else {
                    "source"
                }
            ),
            "no task config to run a task with",
        );
    }
    task_config
}

async fn open(
    ctx: &Ctx,
    first: pb::ConnectorRequest,
) -> Result<Drive<pb::ConnectorRequest, pb::ConnectorResponse>, String> {
    let (tx, rx) = requests();
    tx.send(first)
        .await
        .map_err(|_| "cannot send".to_string())?;
    let mut client = ctx.conn.connector_client(ctx.max_message_bytes as usize);
    let resp = tokio::time::timeout(ctx.timeout, client.run(rx))
        .await
        .map_err(|_| format!("Connector.Run did not answer within {:?}", ctx.timeout))?
        .map_err(|s| format!("Connector.Run failed: {:?}: {}", s.code(), s.message()))?;
    Ok(Drive::new(tx, resp.into_inner()))
}

/// The next message that is not a heartbeat.
async fn next(
    d: &mut Drive<pb::ConnectorRequest, pb::ConnectorResponse>,
    deadline: Instant,
    what: &str,
) -> Result<Out, String> {
    loop {
        match d.recv_until(deadline).await {
            Recv::Msg(pb::ConnectorResponse {
                msg: Some(Out::Heartbeat(_)),
            }) => continue,
            // A source connector reading stored offsets: this core has none for it.
            Recv::Msg(pb::ConnectorResponse {
                msg: Some(Out::OffsetsQuery(q)),
            }) => {
                let offsets = q
                    .partitions
                    .into_iter()
                    .map(|p| pb::SourceOffset {
                        partition: Some(p),
                        offset: None,
                    })
                    .collect();
                d.send(pb::ConnectorRequest {
                    msg: Some(pb::connector_request::Msg::Offsets(pb::OffsetsAnswer {
                        request_id: q.request_id,
                        offsets,
                    })),
                })
                .await
                .map_err(|e| format!("answering an OffsetsQuery while waiting for {what}: {e}"))?;
                continue;
            }
            Recv::Msg(pb::ConnectorResponse { msg: Some(m) }) => return Ok(m),
            Recv::Msg(_) => {
                return Err(format!(
                    "an empty ConnectorResponse while waiting for {what}"
                ))
            }
            Recv::End => return Err(format!("the stream ended while waiting for {what}")),
            Recv::Status(s) => {
                return Err(format!(
                    "the stream failed while waiting for {what}: {:?}: {}",
                    s.code(),
                    s.message()
                ))
            }
            Recv::Timeout => return Err(format!("no {what} in time")),
        }
    }
}

async fn expect_config_error(ctx: &Ctx, start: pb::ConnectorRequest) -> Result<String, String> {
    let mut d = open(ctx, start).await?;
    match next(&mut d, Instant::now() + ctx.timeout, "an Error").await? {
        Out::Error(e) if e.kind == pb::ErrorKind::Config as i32 => Ok(describe_error(&e)),
        Out::Error(e) => Err(format!(
            "expected a CONFIG error, got {}",
            describe_error(&e)
        )),
        other => Err(format!("expected a CONFIG error, got {}", name(&other))),
    }
}

fn name(m: &Out) -> &'static str {
    match m {
        Out::Started(_) => "Started",
        Out::TaskConfigs(_) => "TaskConfigs",
        Out::Reconfigure(_) => "ReconfigureRequest",
        Out::Heartbeat(_) => "Heartbeat",
        Out::Error(_) => "Error",
        Out::OffsetsQuery(_) => "OffsetsQuery",
    }
}

async fn connector_lifecycle(
    ctx: &Ctx,
    start: pb::ConnectorRequest,
    task_config: &mut Option<BTreeMap<String, String>>,
) -> Result<String, String> {
    let mut d = open(ctx, start).await?;
    let deadline = || Instant::now() + ctx.timeout;
    match next(&mut d, deadline(), "Started").await? {
        Out::Started(_) => {}
        Out::Error(e) => return Err(format!("Start failed: {}", describe_error(&e))),
        other => return Err(format!("expected Started, got {}", name(&other))),
    }
    d.send(pb::ConnectorRequest {
        msg: Some(In::TaskConfigs(pb::TaskConfigsRequest { max_tasks: 1 })),
    })
    .await?;
    let configs = loop {
        match next(&mut d, deadline(), "TaskConfigs").await? {
            Out::TaskConfigs(t) => break t.configs,
            Out::Reconfigure(_) => continue,
            Out::Error(e) => {
                return Err(format!("TaskConfigsRequest failed: {}", describe_error(&e)))
            }
            other => return Err(format!("expected TaskConfigs, got {}", name(&other))),
        }
    };
    if configs.len() != 1 {
        return Err(format!(
            "{} task configs for max_tasks=1 (expected exactly 1 here)",
            configs.len()
        ));
    }
    *task_config = Some(configs[0].config.clone().into_iter().collect());
    d.send(pb::ConnectorRequest {
        msg: Some(In::Stop(pb::Stop { timeout_ms: 5000 })),
    })
    .await?;
    let ended = Instant::now() + Duration::from_secs(6);
    loop {
        match d.recv_until(ended).await {
            Recv::End => break,
            Recv::Msg(pb::ConnectorResponse {
                msg: Some(Out::Heartbeat(_)),
            }) => continue,
            Recv::Msg(pb::ConnectorResponse {
                msg: Some(Out::Error(e)),
            }) => return Err(format!("Stop answered with {}", describe_error(&e))),
            Recv::Msg(_) => continue,
            Recv::Status(s) => {
                return Err(format!(
                    "the stream failed after Stop: {:?}: {}",
                    s.code(),
                    s.message()
                ))
            }
            Recv::Timeout => {
                return Err("the connector did not end its side within 5s of Stop".into())
            }
        }
    }
    Ok("Start → Started, TaskConfigsRequest{1} → 1 config, Stop → stream ended".into())
}
