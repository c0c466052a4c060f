//! Launching and supervising connector processes from plugin manifests.
//!
//! The supervisor starts the process with a unix socket path and a token in its
//! environment, waits until it answers `Health`, health-checks it while it runs, restarts it
//! with capped exponential back-off when it exits or stops answering, and stops it (SIGTERM,
//! then SIGKILL) when the core stops. The child also gets `PR_SET_PDEATHSIG` and the core's
//! pid, so it dies with the core even if the core is killed with SIGKILL. Processes are
//! forked by one launcher thread that never exits (see [`launch`]), because the kernel
//! sends the death signal when the forking thread exits, not the process.
//!
//! A launch that fails before the process answers `Health` (it cannot be spawned, exits,
//! or does not answer within the start-up timeout) is a start failure
//! ([`ProcState::StartFailed`]): its message names the command, the exit status and the
//! last lines of the process's stderr, is logged at warn level, and is what waiting
//! connectors, tasks and `polyconnect conformance` report. The supervisor keeps relaunching
//! with back-off; a later successful start makes the process ready again.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};
use tokio::sync::watch;

use super::channel::{connect_target, Target};
use super::manifest::Manifest;
use super::output;
use super::PluginError;

/// How long to wait for the rest of a dead process's stderr (a grandchild may keep the pipe).
const STDERR_SETTLE: Duration = Duration::from_secs(1);
const HEALTH_INTERVAL: Duration = Duration::from_secs(5);
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);
const HEALTH_FAILURES_BEFORE_RESTART: u32 = 3;
const BACKOFF_START: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
const STOP_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub enum ProcState {
    /// A launch is under way.
    Starting,
    Ready(Target),
    /// The process exited or stopped answering after it was ready; a relaunch follows.
    Down(String),
    /// The last launch failed before the process answered `Health`; a relaunch follows
    /// after the back-off. The message says why, with the end of its stderr.
    StartFailed(String),
    Stopped,
}

pub struct ManagedProcess {
    pub manifest: Manifest,
    state: watch::Sender<ProcState>,
    shutdown: watch::Sender<bool>,
    restarts: AtomicU64,
    socket_dir: PathBuf,
    startup_timeout: Duration,
    /// The part of the core's environment the process gets ([`base_env`]).
    base_env: Arc<Vec<(String, String)>>,
}

/// What a launched process inherits of the core's environment, by default: what programs
/// and their toolchains need to run, none of the core's own settings or secrets.
pub const ENV_PASSTHROUGH: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "LC_*",
    "TZ",
    "TMPDIR",
    "TERM",
    "LD_LIBRARY_PATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "JAVA_HOME",
    "JAVA_TOOL_OPTIONS",
    "PYTHON*",
    "VIRTUAL_ENV",
    "GO*",
    "CGO_*",
    "NODE_*",
    "NPM_*",
    "npm_config_*",
    "RUST_LOG",
    "RUST_BACKTRACE",
    "CARGO_*",
    "RUSTUP_*",
    "XDG_*",
];

/// The core's environment variables whose names match `patterns` (a name, or a prefix
/// ending in `*`).
pub fn base_env(patterns: &[String]) -> Vec<(String, String)> {
    let matches = |name: &str| {
        patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == p,
        })
    };
    std::env::vars().filter(|(k, _)| matches(k)).collect()
}

/// Makes `dir` the private runtime directory of the launched processes' sockets: created
/// mode 0700 if missing, and refused unless it is a real directory owned by this user that
/// nobody else may enter (another user could otherwise reach or replace the sockets).
pub fn private_dir(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    if let Some(parent) = dir.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(format!(
                "cannot create the plugin runtime directory {}: {e}",
                dir.display()
            ))
        }
    }
    let meta = std::fs::symlink_metadata(dir).map_err(|e| {
        format!(
            "cannot inspect the plugin runtime directory {}: {e}",
            dir.display()
        )
    })?;
    // This process's effective user: the owner of /proc/self.
    let me = std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .map_err(|e| format!("cannot tell this process's user: {e}"))?;
    let problem = if meta.file_type().is_symlink() {
        Some("it is a symbolic link".to_string())
    } else if !meta.is_dir() {
        Some("it is not a directory".to_string())
    } else if meta.uid() != me {
        Some(format!(
            "it is owned by uid {}, not this process's {me}",
            meta.uid()
        ))
    } else if meta.permissions().mode() & 0o077 != 0 {
        Some(format!(
            "its mode is {:o}; others may enter it",
            meta.permissions().mode() & 0o777
        ))
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!(
            "refusing the plugin runtime directory {}: {p}",
            dir.display()
        )),
        None => Ok(()),
    }
}

impl ManagedProcess {
    /// Starts supervising the manifest's process; it must answer `Health` within
    /// `startup_timeout` of each launch. It gets `base_env` of the core's environment,
    /// then its manifest's `env`.
    pub fn start(
        manifest: Manifest,
        socket_dir: PathBuf,
        startup_timeout: Duration,
        base_env: Arc<Vec<(String, String)>>,
    ) -> Arc<ManagedProcess> {
        let (state, _) = watch::channel(ProcState::Starting);
        let (shutdown, _) = watch::channel(false);
        let p = Arc::new(ManagedProcess {
            manifest,
            state,
            shutdown,
            restarts: AtomicU64::new(0),
            socket_dir,
            startup_timeout,
            base_env,
        });
        crate::telemetry::metrics::process_started(&p.manifest.name);
        tokio::spawn(supervise(p.clone()));
        p
    }

    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    pub fn startup_timeout(&self) -> Duration {
        self.startup_timeout
    }

    /// Waits until the process is ready, up to `timeout`. A failed start ends the wait at
    /// once with [`PluginError::StartFailed`] (the supervisor keeps relaunching; see
    /// [`ManagedProcess::relaunched`]); anything else that keeps it from being ready is
    /// [`PluginError::Unavailable`].
    pub async fn ready(&self, timeout: Duration) -> Result<Target, PluginError> {
        let mut rx = self.state.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last = String::from("starting");
        loop {
            match &*rx.borrow_and_update() {
                ProcState::Ready(t) => return Ok(t.clone()),
                ProcState::Stopped => {
                    return Err(PluginError::Unavailable(format!(
                        "plugin '{}' is stopped",
                        self.manifest.name
                    )))
                }
                ProcState::StartFailed(reason) => {
                    return Err(PluginError::StartFailed(reason.clone()))
                }
                ProcState::Down(reason) => last = reason.clone(),
                ProcState::Starting => {}
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) => {
                    return Err(PluginError::Unavailable(format!(
                        "plugin '{}' supervisor ended",
                        self.manifest.name
                    )))
                }
                Err(_) => {
                    return Err(PluginError::Unavailable(format!(
                        "plugin '{}' did not become ready within {:?} (last state: {last})",
                        self.manifest.name, timeout
                    )))
                }
            }
        }
    }

    /// Returns once the process is no longer in a failed start: relaunching, ready or
    /// stopped. What waits on a [`PluginError::StartFailed`] waits here before trying again.
    pub async fn relaunched(&self) {
        let mut rx = self.state.subscribe();
        loop {
            if !matches!(&*rx.borrow_and_update(), ProcState::StartFailed(_)) {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// Stops the process and its supervisor; waits until the process is gone.
    pub async fn stop(&self) {
        let _ = self.shutdown.send_replace(true);
        let mut rx = self.state.subscribe();
        let _ = tokio::time::timeout(STOP_GRACE * 2, async {
            loop {
                if matches!(&*rx.borrow_and_update(), ProcState::Stopped) {
                    return;
                }
                if rx.changed().await.is_err() {
                    return;
                }
            }
        })
        .await;
    }
}

async fn supervise(p: Arc<ManagedProcess>) {
    let name = p.manifest.name.clone();
    let mut shutdown = p.shutdown.subscribe();
    let mut backoff = BACKOFF_START;
    let mut generation = 0u64;
    loop {
        if *shutdown.borrow() {
            break;
        }
        generation += 1;
        if generation > 1 {
            let _ = p.state.send_replace(ProcState::Starting);
        }
        let started = Instant::now();
        let state = match run_once(&p, generation, &mut shutdown).await {
            Exit::Shutdown => break,
            Exit::StartFailed(reason) => {
                tracing::warn!(plugin = %name, "{reason}\n(relaunching in {backoff:?})");
                ProcState::StartFailed(reason)
            }
            Exit::Failed(reason) => {
                tracing::warn!(plugin = %name, %reason, "connector process is down; restarting in {:?}", backoff);
                ProcState::Down(reason)
            }
        };
        let _ = p.state.send_replace(state);
        p.restarts.fetch_add(1, Ordering::Relaxed);
        crate::telemetry::metrics::process_restarted(&name);
        if started.elapsed() > Duration::from_secs(60) {
            backoff = BACKOFF_START;
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = shutdown.changed() => {}
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
    let _ = p.state.send_replace(ProcState::Stopped);
}

enum Exit {
    Shutdown,
    /// The launch failed before the process answered `Health`.
    StartFailed(String),
    /// The process exited or stopped answering after it was ready.
    Failed(String),
}

/// A failed start's message: what happened, the command, and the end of the process's
/// stderr.
fn start_failure(m: &Manifest, what: &str, stderr: &str) -> String {
    let mut msg = format!(
        "the connector process of plugin '{}' failed to start: {what} (command {:?} in {})",
        m.name,
        m.command,
        m.dir.display()
    );
    if stderr.is_empty() {
        msg.push_str("; it wrote nothing to stderr");
    } else {
        msg.push_str("; the last lines of its stderr:\n");
        msg.push_str(stderr);
    }
    msg
}

async fn run_once(
    p: &Arc<ManagedProcess>,
    generation: u64,
    shutdown: &mut watch::Receiver<bool>,
) -> Exit {
    let m = &p.manifest;
    if let Err(e) = private_dir(&p.socket_dir) {
        return Exit::StartFailed(e);
    }
    let socket = p
        .socket_dir
        .join(format!("{}-{generation}.sock", sanitize(&m.name)));
    let _ = std::fs::remove_file(&socket);
    let token = random_token();
    let mut cmd = Command::new(&m.command[0]);
    cmd.args(&m.command[1..])
        .current_dir(&m.dir)
        // Not the core's whole environment: its secrets stay with it.
        .env_clear()
        .envs(p.base_env.iter().cloned())
        // The core's tracing settings, with the connector's own service.name; the
        // manifest's env may override them.
        .envs(crate::telemetry::connector_env(&m.name))
        .envs(&m.env)
        .env("POLYCONNECT_LISTEN", format!("unix:{}", socket.display()))
        .env("POLYCONNECT_TOKEN", &token)
        .env("POLYCONNECT_PARENT_PID", std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    die_with_parent(&mut cmd);
    let mut child = match launch(cmd).await {
        Ok(c) => c,
        Err(e) => return Exit::StartFailed(start_failure(m, &format!("cannot run it: {e}"), "")),
    };
    let (stderr, mut stderr_reader) = output::forward(&m.name, &mut child);
    tracing::info!(plugin = %m.name, pid = child.id(), "started connector process");
    let target = Target::Unix {
        path: socket.clone(),
        token: Some(token),
        generation,
    };

    // Wait until it answers Health.
    let deadline = Instant::now() + p.startup_timeout;
    let mut last_error = String::from("its socket was never created");
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let _ = std::fs::remove_file(&socket);
            let tail = output::settle(&stderr, &mut stderr_reader, STDERR_SETTLE).await;
            return Exit::StartFailed(start_failure(
                m,
                &format!("it exited during start-up with {status}"),
                &tail,
            ));
        }
        if socket.exists() {
            match health(&target).await {
                Ok(()) => break,
                Err(e) => last_error = e,
            }
        }
        if Instant::now() > deadline {
            terminate(&mut child).await;
            let _ = std::fs::remove_file(&socket);
            let tail = output::settle(&stderr, &mut stderr_reader, STDERR_SETTLE).await;
            return Exit::StartFailed(start_failure(
                m,
                &format!(
                    "it did not answer Health within {:?} ({last_error}) and was stopped",
                    p.startup_timeout
                ),
                &tail,
            ));
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            _ = shutdown.changed() => { terminate(&mut child).await; return Exit::Shutdown; }
        }
    }
    let _ = p.state.send_replace(ProcState::Ready(target.clone()));

    let mut failures = 0;
    loop {
        tokio::select! {
            status = child.wait() => {
                let _ = std::fs::remove_file(&socket);
                // Its output is in the log already (plugin::output), line by line.
                return Exit::Failed(match status {
                    Ok(s) => format!("connector process exited: {s}"),
                    Err(e) => format!("connector process wait failed: {e}"),
                });
            }
            _ = shutdown.changed() => {
                terminate(&mut child).await;
                let _ = std::fs::remove_file(&socket);
                return Exit::Shutdown;
            }
            _ = tokio::time::sleep(HEALTH_INTERVAL) => {
                match health(&target).await {
                    Ok(()) => failures = 0,
                    Err(e) => {
                        failures += 1;
                        tracing::warn!(plugin = %m.name, error = %e, failures, "connector process health check failed");
                        if failures >= HEALTH_FAILURES_BEFORE_RESTART {
                            terminate(&mut child).await;
                            let _ = std::fs::remove_file(&socket);
                            return Exit::Failed(format!("connector process failed {failures} health checks: {e}"));
                        }
                    }
                }
            }
        }
    }
}

async fn health(target: &Target) -> Result<(), String> {
    let fut = async {
        let mut client = connect_target(target).await?.connector_client(4 << 20);
        let resp = client
            .health(polyconnect_proto::v1::HealthRequest {})
            .await
            .map_err(|s| s.message().to_string())?;
        if resp.into_inner().serving {
            Ok(())
        } else {
            Err("not serving".to_string())
        }
    };
    tokio::time::timeout(HEALTH_TIMEOUT, fut)
        .await
        .unwrap_or_else(|_| Err("health check timed out".into()))
}

/// SIGTERM, then SIGKILL after a grace period.
async fn terminate(child: &mut Child) {
    if let Some(pid) = child.id() {
        send_signal(pid, libc::SIGTERM);
        if tokio::time::timeout(STOP_GRACE, child.wait()).await.is_ok() {
            return;
        }
    }
    let _ = child.kill().await;
}

#[allow(unsafe_code)]
fn send_signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is our own child.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// A request to the launcher thread: the command, the runtime whose process driver reaps
/// the child, where the child goes.
struct LaunchRequest {
    cmd: Command,
    runtime: tokio::runtime::Handle,
    reply: tokio::sync::oneshot::Sender<std::io::Result<Child>>,
}

/// The launcher thread's queue; the thread is started on first use and never exits (the
/// sender lives in this static, so its `recv` never ends).
fn launcher() -> Option<&'static std::sync::mpsc::Sender<LaunchRequest>> {
    static LAUNCHER: OnceLock<Option<std::sync::mpsc::Sender<LaunchRequest>>> = OnceLock::new();
    LAUNCHER
        .get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel::<LaunchRequest>();
            let started = std::thread::Builder::new().name("polyconnect-launcher".into()).spawn(move || {
                while let Ok(LaunchRequest { mut cmd, runtime, reply }) = rx.recv() {
                    let _runtime = runtime.enter();
                    // A requester that went away drops the child, which kills it.
                    let _ = reply.send(cmd.spawn());
                }
            });
            match started {
                Ok(_) => Some(tx),
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the connector process launcher thread");
                    None
                }
            }
        })
        .as_ref()
}

/// Starts a connector process from the launcher thread.
///
/// `PR_SET_PDEATHSIG` is tied to the THREAD that forked the child, not to the process:
/// the child gets its signal when that thread exits. Tokio retires idle blocking threads
/// (and a worker thread can end up as one), so forking from a task would let a live core
/// SIGTERM its own connectors. Every connector process is therefore forked by one
/// dedicated thread that lives as long as the core.
pub(crate) async fn launch(cmd: Command) -> std::io::Result<Child> {
    let Some(launcher) = launcher() else {
        return Err(std::io::Error::other(
            "the connector process launcher thread is not running",
        ));
    };
    let (reply, child) = tokio::sync::oneshot::channel();
    let request = LaunchRequest {
        cmd,
        runtime: tokio::runtime::Handle::current(),
        reply,
    };
    launcher
        .send(request)
        .map_err(|_| std::io::Error::other("the connector process launcher thread is gone"))?;
    child.await.map_err(|_| {
        std::io::Error::other("the connector process launcher thread did not answer")
    })?
}

/// The child gets SIGTERM when the thread that forked it exits (see [`launch`]: that is
/// the launcher thread, which lives as long as the core). A core that died between the
/// fork and the `prctl` is noticed by the parent pid check, and the child is not started.
#[allow(unsafe_code)]
fn die_with_parent(cmd: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs between fork and exec and only calls prctl(2) and
        // getppid(2), which are async-signal-safe, and makes an io::Error without allocating.
        unsafe {
            cmd.pre_exec(move || {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                if libc::getppid() != parent {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(dir: &std::path::Path, command: &[&str]) -> Manifest {
        let path = dir.join(super::super::manifest::MANIFEST_FILE);
        std::fs::write(
            &path,
            serde_json::json!({"name": "broken", "command": command}).to_string(),
        )
        .unwrap();
        Manifest::load(&path).unwrap()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "polyconnect-process-test-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A process that exits at start-up is a start failure naming its exit status and
    /// the end of its stderr; it is relaunched after the back-off.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_process_that_exits_at_start_up_fails_with_its_status_and_stderr() {
        let dir = temp_dir("exits");
        let m = manifest(
            &dir,
            &[
                "sh",
                "-c",
                "echo first >&2; echo 'No module named x' >&2; exit 3",
            ],
        );
        let p = ManagedProcess::start(
            m,
            dir.join("sockets"),
            Duration::from_secs(10),
            Arc::new(base_env(&[])),
        );
        let started = Instant::now();
        let e = p.ready(Duration::from_secs(10)).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{e}");
        let PluginError::StartFailed(msg) = e else {
            panic!("not a start failure: {e}")
        };
        assert!(msg.contains("exit status: 3"), "{msg}");
        assert!(
            msg.ends_with("the last lines of its stderr:\nfirst\nNo module named x"),
            "{msg}"
        );
        // The supervisor tries again: the failed state gives way to a new launch.
        tokio::time::timeout(Duration::from_secs(5), p.relaunched())
            .await
            .expect("relaunched after the back-off");
        p.stop().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The runtime directory is made private, and one that others could enter, or that is
    /// a link, is refused.
    #[test]
    fn the_runtime_directory_is_private_or_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = temp_dir("private");
        let dir = root.join("run");
        private_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let open = root.join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = private_dir(&open).unwrap_err();
        assert!(e.contains("others may enter it"), "{e}");
        let link = root.join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let e = private_dir(&link).unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A launched process sees only the passed-through part of the core's environment.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_process_gets_a_minimal_environment() {
        let dir = temp_dir("env");
        std::env::set_var("POLYCONNECT_TEST_CORE_SECRET", "do-not-leak");
        let out = dir.join("env.txt");
        let m = manifest(
            &dir,
            &["sh", "-c", &format!("env > {}; exit 3", out.display())],
        );
        let p = ManagedProcess::start(
            m,
            dir.join("sockets"),
            Duration::from_secs(10),
            Arc::new(base_env(&["PATH".to_string(), "HOME".to_string()])),
        );
        let _ = p.ready(Duration::from_secs(10)).await;
        p.stop().await;
        let env = std::fs::read_to_string(&out).unwrap();
        assert!(!env.contains("do-not-leak"), "{env}");
        assert!(env.lines().any(|l| l.starts_with("PATH=")), "{env}");
        assert!(
            env.lines().any(|l| l.starts_with("POLYCONNECT_TOKEN=")),
            "{env}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A process that never answers Health is stopped at the start-up timeout and
    /// reported with what it wrote.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_process_that_never_answers_fails_at_the_start_up_timeout() {
        let dir = temp_dir("silent");
        let m = manifest(&dir, &["sh", "-c", "echo loading >&2; exec sleep 60"]);
        let p = ManagedProcess::start(
            m,
            dir.join("sockets"),
            Duration::from_millis(500),
            Arc::new(base_env(&[])),
        );
        let e = p.ready(Duration::from_secs(10)).await.unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, PluginError::StartFailed(_)), "{msg}");
        assert!(msg.contains("did not answer Health within 500ms"), "{msg}");
        assert!(msg.ends_with("stderr:\nloading"), "{msg}");
        p.stop().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `PR_SET_PDEATHSIG` fires when the thread that forked the child exits: a child
    /// requested from a thread that ends right after must keep running.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_child_outlives_the_thread_that_asked_for_it() {
        let handle = tokio::runtime::Handle::current();
        let mut child = std::thread::spawn(move || {
            handle.block_on(async {
                let mut cmd = Command::new("sleep");
                cmd.arg("30").kill_on_drop(true);
                die_with_parent(&mut cmd);
                launch(cmd).await.expect("sleep starts")
            })
        })
        .join()
        .unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            child.try_wait().unwrap(),
            None,
            "the child died with the thread that requested it"
        );
        child.kill().await.unwrap();
    }
}
