//! `polyconnect standalone worker.properties [connector.properties|connector.json ...]`,
//! `polyconnect distributed`, `polyconnect conformance`, `polyconnect new`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use polyconnect::config::{load_file, WorkerConfig};
use polyconnect::herder::standalone::StandaloneHerder;
use polyconnect::worker::Worker;
use tracing_subscriber::EnvFilter;

/// Records are many small allocations (protocol messages, values, acks): mimalloc makes
/// them markedly cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "polyconnect",
    version,
    about = "Kafka Connect with a Rust core and connectors in any language"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a standalone worker, like Kafka Connect's connect-standalone.
    Standalone {
        /// The worker's properties file.
        worker: PathBuf,
        /// Connector configs: .properties, or .json (a plain map or {"name","config"}).
        connectors: Vec<PathBuf>,
    },
    /// Run a worker of a distributed cluster, like Kafka Connect's connect-distributed:
    /// workers with the same `group.id` share connectors and tasks, coordinated by Kafka.
    Distributed {
        /// The worker's properties file (Kafka Connect's distributed worker keys).
        worker: PathBuf,
    },
    /// Check a connector process against the protocol (docs/conformance.md).
    Conformance(ConformanceArgs),
    /// Create a connector project (python, go, typescript, java, rust) that builds, passes
    /// the conformance kit and runs with `polyconnect standalone` as it is.
    New(NewArgs),
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("kind").args(["source", "sink", "transform"])))]
struct NewArgs {
    /// python, go, typescript, java or rust.
    #[arg(value_parser = ["python", "go", "typescript", "java", "rust"])]
    language: String,
    /// The project name: lowercase letters, digits, '-' and '_' (the connector class,
    /// module and package names are derived from it).
    name: String,
    /// A source connector (the default).
    #[arg(long)]
    source: bool,
    /// A sink connector.
    #[arg(long)]
    sink: bool,
    /// A single message transform, run in a connector's chain from plugin.path.
    #[arg(long)]
    transform: bool,
    /// Where to create it (default ./<name>); it must be empty or not exist.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The SDK packages made by scripts/sdk-packages.sh (default: $POLYCONNECT_SDK_PACKAGES);
    /// a Rust project's .cargo/config.toml points polyconnect-sdk at the crate in it.
    #[arg(long)]
    sdk_packages: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ConformanceArgs {
    /// A running connector process: host:port, http://host:port, unix:/path, or
    /// https://host:port (TLS; give the core's settings as --config
    /// connector.endpoint.ssl.truststore.location=... and so on).
    #[arg(
        long,
        conflicts_with = "plugin_dir",
        required_unless_present = "plugin_dir"
    )]
    endpoint: Option<String>,
    /// A plugin directory with a polyconnect-plugin.json: launched as the core would.
    #[arg(long)]
    plugin_dir: Option<PathBuf>,
    /// Only plugins of this kind.
    #[arg(long, value_parser = ["source", "sink"])]
    kind: Option<String>,
    /// Only this connector class (default: every plugin the process serves).
    #[arg(long = "class")]
    class: Option<String>,
    /// The token for `authorization: Bearer` (the process's POLYCONNECT_TOKEN).
    #[arg(long)]
    token: Option<String>,
    /// A connector config entry key=value (repeatable).
    #[arg(long = "config", value_name = "KEY=VALUE")]
    config: Vec<String>,
    /// Seconds to wait for each expected message.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let cli = match cli.command {
        Command::Conformance(args) => return conformance(args),
        Command::New(args) => return new_project(args),
        _ => cli,
    };
    // The filter sits behind a reload handle: `PUT /admin/loggers/{name}` changes levels
    // at run time.
    let spec = std::env::var("POLYCONNECT_LOG")
        .ok()
        .filter(|s| EnvFilter::try_new(s).is_ok())
        .unwrap_or_else(|| "info".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // Tracing settings come from OTEL_* and the worker's polyconnect.tracing.* keys, so the
    // worker file is read before logging starts (and again, fully checked, below).
    let props = match &cli.command {
        Command::Standalone { worker, .. } | Command::Distributed { worker } => load_file(worker)
            .map(|p| p.into_iter().collect())
            .unwrap_or_default(),
        Command::Conformance(_) | Command::New(_) => unreachable!("handled above"),
    };
    let env: std::collections::HashMap<String, String> = std::env::vars().collect();
    let settings = polyconnect::telemetry::TracingSettings::resolve(&env, &props)
        .map_err(anyhow::Error::msg)?;
    // The span exporter runs on the runtime: the subscriber is built inside it.
    let (telemetry, apply) = {
        let _in_runtime = rt.enter();
        polyconnect::telemetry::init(&spec, settings)?
    };
    rt.block_on(async move {
        let result = match cli.command {
            Command::Standalone { worker, connectors } => {
                standalone(worker, connectors, &spec, apply).await
            }
            Command::Distributed { worker } => match load_file(&worker) {
                Ok(props) => {
                    polyconnect::distributed::run(props, &spec, apply, wait_for_signal()).await
                }
                Err(e) => Err(e.into()),
            },
            Command::Conformance(_) | Command::New(_) => unreachable!("handled above"),
        };
        telemetry.shutdown(std::time::Duration::from_secs(5)).await;
        result
    })
}

async fn standalone(
    worker_file: PathBuf,
    connector_files: Vec<PathBuf>,
    log_spec: &str,
    apply_log_levels: polyconnect::rest::loggers::Apply,
) -> anyhow::Result<()> {
    let props = load_file(&worker_file)?;
    let config = WorkerConfig::from_props(props)?;
    // A listener that cannot be parsed stops the start before anything is created.
    polyconnect::rest::parse_listener(&config.listeners)?;
    // Read every connector file before starting anything: a bad file stops the start.
    let mut connector_props = Vec::new();
    for f in &connector_files {
        connector_props
            .push(load_file(f).with_context(|| format!("connector config {}", f.display()))?);
    }
    let worker = Arc::new(Worker::new(config)?);
    worker.loggers.install(log_spec, apply_log_levels);
    let herder = Arc::new(StandaloneHerder::new(worker.clone())?);
    let rest = polyconnect::rest::Server::start(&worker.config.listeners, herder.clone()).await?;
    worker.fetch_kafka_cluster_id().await;
    // Connectors kept from earlier runs, then those on the command line.
    if let Err(e) = herder.start_up(connector_props).await {
        tracing::error!(error = %e, "stopping after a connector error");
        herder.shutdown().await;
        rest.stop().await;
        return Err(e);
    }
    worker.mark_ready();
    wait_for_signal().await;
    tracing::info!("shutting down");
    herder.shutdown().await;
    rest.stop().await;
    tracing::info!("stopped");
    Ok(())
}

/// `polyconnect conformance`: the report goes to stdout; the exit code is 1 on any FAIL.
fn conformance(a: ConformanceArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::new(
            std::env::var("POLYCONNECT_LOG").unwrap_or_else(|_| "warn".into()),
        ))
        .init();
    let mut config = std::collections::BTreeMap::new();
    for kv in &a.config {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--config {kv}: expected KEY=VALUE"))?;
        config.insert(k.to_string(), v.to_string());
    }
    let opts = polyconnect::conformance::Options {
        endpoint: a.endpoint,
        plugin_dir: a.plugin_dir,
        kind: a.kind,
        class: a.class,
        token: a.token,
        config,
        timeout: std::time::Duration::from_secs(a.timeout),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut report = polyconnect::conformance::Report::default();
    if let Err(e) = rt.block_on(polyconnect::conformance::run(&opts, &mut report)) {
        eprintln!("polyconnect conformance: {e}");
        std::process::exit(2);
    }
    println!("{}", report.summary());
    let failed = report.failed();
    if failed.is_empty() {
        Ok(())
    } else {
        println!("FAILED: {}", failed.join(", "));
        std::process::exit(1);
    }
}

/// `polyconnect new`: creates the project and prints its README (the next steps).
fn new_project(a: NewArgs) -> anyhow::Result<()> {
    use polyconnect::new_project::{create, Kind, Language, Options};
    let kind = if a.sink {
        Kind::Sink
    } else if a.transform {
        Kind::Transform
    } else {
        Kind::Source
    };
    let language = Language::parse(&a.language).expect("clap checked the language");
    let sdk_packages = a
        .sdk_packages
        .or_else(|| std::env::var_os("POLYCONNECT_SDK_PACKAGES").map(PathBuf::from));
    let sdk_packages = match sdk_packages.map(|p| std::fs::canonicalize(&p).map_err(|e| (p, e))) {
        Some(Ok(p)) => Some(p),
        Some(Err((p, e))) => {
            eprintln!("polyconnect new: the SDK packages {}: {e}", p.display());
            std::process::exit(2);
        }
        None => None,
    };
    let dir = match create(&Options {
        language,
        kind,
        name: a.name,
        dir: a.dir,
        sdk_packages,
    }) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("polyconnect new: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "Created {} ({} {}):\n",
        dir.display(),
        language.name(),
        kind.name()
    );
    print!(
        "{}",
        std::fs::read_to_string(dir.join("README.md")).unwrap_or_default()
    );
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
