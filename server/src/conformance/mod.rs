//! The protocol conformance kit: `polyconnect conformance`.
//!
//! It drives a connector process as the core would, over real gRPC, and checks what the
//! protocol's comments (`proto/polyconnect/v1/connector.proto`) require of a connector:
//! the handshake and version negotiation, spec and validation, the connector stream, and
//! a source or sink task stream: credit limits, batching, heartbeats (also while the core
//! is silent), acks and commits, put/flush semantics, typed errors, a new stream after a
//! dropped one, and the staged stop. Each check prints PASS, FAIL or SKIP (not applicable
//! or no data to check) with its reason; any FAIL makes the command exit non-zero.
//!
//! Unlike the rest of the core outside `plugin/`, this module works on the generated
//! protocol types on purpose: it tests the wire itself, so it must see exactly what the
//! connector sent. It reuses the plugin host for channels, manifests and launching.

mod connector;
mod drive;
mod sink;
mod source;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use polyconnect_proto::v1 as pb;

use crate::plugin::channel::{connect_target, Conn, Target};
use crate::plugin::manifest::{Manifest, MANIFEST_FILE};
use crate::plugin::process::ManagedProcess;
use crate::plugin::tls::TlsSettings;

/// What to test and how to reach it.
#[derive(Debug, Clone)]
pub struct Options {
    /// `host:port`, `http://host:port`, `https://host:port` (TLS with the
    /// `connector.endpoint.ssl.*` entries of `config`) or `unix:/path`.
    pub endpoint: Option<String>,
    /// A plugin directory with a `polyconnect-plugin.json`: the kit launches it as the core
    /// would (unix socket, token, parent pid).
    pub plugin_dir: Option<PathBuf>,
    /// Only plugins of this kind ("source" or "sink").
    pub kind: Option<String>,
    /// Only this connector class (default: every plugin the process serves).
    pub class: Option<String>,
    pub token: Option<String>,
    /// The connector configuration to test with (e.g. `topic`, `file`).
    pub config: BTreeMap<String, String>,
    /// How long to wait for each expected message.
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

/// The checks run so far, printed as they complete.
#[derive(Default)]
pub struct Report {
    pub checks: Vec<(String, Outcome, String)>,
    pub quiet: bool,
}

impl Report {
    fn record(&mut self, name: &str, outcome: Outcome, detail: impl Into<String>) {
        let detail = detail.into();
        if !self.quiet {
            let tag = match outcome {
                Outcome::Pass => "PASS",
                Outcome::Fail => "FAIL",
                Outcome::Skip => "SKIP",
            };
            println!("{tag}  {name:<28} {detail}");
        }
        self.checks.push((name.to_string(), outcome, detail));
    }
    fn pass(&mut self, name: &str, detail: impl Into<String>) {
        self.record(name, Outcome::Pass, detail)
    }
    fn fail(&mut self, name: &str, detail: impl Into<String>) {
        self.record(name, Outcome::Fail, detail)
    }
    fn skip(&mut self, name: &str, detail: impl Into<String>) {
        self.record(name, Outcome::Skip, detail)
    }
    /// Records PASS or FAIL from a result.
    fn check(&mut self, name: &str, r: Result<String, String>) -> bool {
        match r {
            Ok(d) => {
                self.pass(name, d);
                true
            }
            Err(e) => {
                self.fail(name, e);
                false
            }
        }
    }

    pub fn failed(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| c.1 == Outcome::Fail)
            .map(|c| c.0.as_str())
            .collect()
    }

    pub fn summary(&self) -> String {
        let count = |o: Outcome| self.checks.iter().filter(|c| c.1 == o).count();
        format!(
            "{} passed, {} failed, {} skipped",
            count(Outcome::Pass),
            count(Outcome::Fail),
            count(Outcome::Skip)
        )
    }
}

/// What the kit needs to know about the process under test.
pub(crate) struct Ctx {
    conn: Conn,
    timeout: Duration,
    max_message_bytes: u64,
    caps: pb::Capabilities,
}

/// The largest message the kit offers in the handshake.
const KIT_MAX_MESSAGE_BYTES: u64 = 64 << 20;

/// Runs every check against the process `opts` names.
pub async fn run(opts: &Options, report: &mut Report) -> Result<(), String> {
    let mut launched: Option<(Arc<ManagedProcess>, tempfile_dir::Dir)> = None;
    let target = match (&opts.endpoint, &opts.plugin_dir) {
        (Some(ep), None) => match Target::parse_endpoint(ep)? {
            Target::Unix {
                path, generation, ..
            } => Target::Unix {
                path,
                token: opts.token.clone(),
                generation,
            },
            t @ Target::Tcp { .. } => {
                // `https://`: TLS with the core's settings, `connector.endpoint.ssl.*`, given
                // as --config entries (not passed on to the connector).
                let settings =
                    TlsSettings::from_layers(&|k| opts.config.get(k).cloned(), &|_| None);
                let t = if t.is_https() {
                    settings.check()?;
                    t.with_tls(settings)
                } else {
                    t
                };
                t.with_token(opts.token.clone())
            }
        },
        (None, Some(dir)) => {
            let manifest = Manifest::load(&dir.join(MANIFEST_FILE))?;
            let sockets = tempfile_dir::Dir::new()?;
            // The process must answer Health within --timeout; the first failed start ends
            // the run (the kit does not wait for relaunches).
            let env = crate::plugin::process::ENV_PASSTHROUGH
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>();
            let proc = ManagedProcess::start(
                manifest,
                sockets.path.clone(),
                opts.timeout,
                std::sync::Arc::new(crate::plugin::process::base_env(&env)),
            );
            let t = proc.ready(opts.timeout + Duration::from_secs(2)).await;
            launched = Some((proc, sockets));
            match t {
                Ok(t) => t,
                Err(e) => {
                    report.fail("launch", e.to_string());
                    stop(launched).await;
                    return Err(format!(
                        "cannot run the checks: the plugin in {} did not start (see launch)",
                        dir.display()
                    ));
                }
            }
        }
        _ => return Err("give exactly one of --endpoint and --plugin-dir".into()),
    };
    if launched.is_some() {
        report.pass(
            "launch",
            format!(
                "started from the manifest, listening on {}",
                target.describe()
            ),
        );
    }
    let result = run_target(opts, target, report).await;
    stop(launched).await;
    result
}

async fn stop(launched: Option<(Arc<ManagedProcess>, tempfile_dir::Dir)>) {
    if let Some((p, _dir)) = launched {
        p.stop().await;
    }
}

async fn run_target(opts: &Options, target: Target, report: &mut Report) -> Result<(), String> {
    let conn = match connect_target(&target).await {
        Ok(c) => c,
        Err(e) => {
            report.fail("connect", e);
            return Ok(());
        }
    };
    let Some(hs) = connector::handshake_checks(&conn, &target, report).await else {
        return Ok(());
    };
    let ctx = Ctx {
        conn,

        timeout: opts.timeout,
        max_message_bytes: if hs.max_message_bytes == 0 {
            KIT_MAX_MESSAGE_BYTES
        } else {
            hs.max_message_bytes.min(KIT_MAX_MESSAGE_BYTES)
        },
        caps: hs.capabilities.unwrap_or_default(),
    };
    let mut plugins: Vec<pb::PluginInfo> = hs.plugins;
    if let Some(c) = &opts.class {
        plugins.retain(|p| {
            crate::plugin::class_matches(&p.class_name, c)
                || p.aliases.iter().any(|a| crate::plugin::class_matches(a, c))
        });
    }
    if let Some(k) = &opts.kind {
        let want = match k.as_str() {
            "source" => pb::PluginType::Source,
            "sink" => pb::PluginType::Sink,
            other => return Err(format!("--kind must be source or sink, not '{other}'")),
        };
        plugins.retain(|p| p.r#type == want as i32);
    }
    if plugins.is_empty() {
        report.fail(
            "plugins",
            "the process serves no plugin that matches --class/--kind",
        );
        return Ok(());
    }
    // The kit's own TLS settings are not the connector's.
    let connector_config: BTreeMap<String, String> = opts
        .config
        .iter()
        .filter(|(k, _)| !k.starts_with(crate::plugin::tls::PREFIX))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for p in plugins {
        if !report.quiet {
            println!(
                "---- {} ({})",
                p.class_name,
                if p.r#type == pb::PluginType::Sink as i32 {
                    "sink"
                } else {
                    "source"
                }
            );
        }
        let Some(task_config) = connector::plugin_checks(&ctx, &p, &connector_config, report).await
        else {
            continue;
        };
        if p.r#type == pb::PluginType::Sink as i32 {
            sink::checks(&ctx, &p.class_name, &task_config, report).await;
        } else {
            source::checks(&ctx, &p.class_name, &task_config, report).await;
        }
    }
    Ok(())
}

/// A temporary directory for launched plugins' sockets, removed on drop.
mod tempfile_dir {
    use std::path::PathBuf;

    pub struct Dir {
        pub path: PathBuf,
    }

    impl Dir {
        pub fn new() -> Result<Dir, String> {
            use rand::RngCore;
            let path = std::env::temp_dir().join(format!(
                "polyconnect-conformance-{}-{}",
                std::process::id(),
                rand::rng().next_u32()
            ));
            crate::plugin::process::private_dir(&path)?;
            Ok(Dir { path })
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
