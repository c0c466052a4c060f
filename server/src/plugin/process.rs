//! Launching and supervising connector processes from plugin manifests.
//!
//! The supervisor starts the process with a unix socket path and a token in its
//! environment, waits until it answers `Health`, health-checks it while it runs, restarts it
//! with capped exponential back-off when it exits or stops answering, and stops it (SIGTERM,
//! then SIGKILL) when the core stops. The child also gets `PR_SET_PDEATHSIG` and the core's
//! pid, so it dies with the core even if the core is killed with SIGKILL. Processes are
//! forked by one launcher thread that never exits (see [`launch`]), because the kernel
//! sends the death signal when the forking thread exits, not the process.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

use super::channel::{connect_target, Target};
use super::manifest::Manifest;

const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
const HEALTH_INTERVAL: Duration = Duration::from_secs(5);
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);
const HEALTH_FAILURES_BEFORE_RESTART: u32 = 3;
const BACKOFF_START: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
const STOP_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub enum ProcState {
    Starting,
    Ready(Target),
    Down(String),
    Stopped,
}

pub struct ManagedProcess {
    pub manifest: Manifest,
    state: watch::Sender<ProcState>,
    shutdown: watch::Sender<bool>,
    restarts: AtomicU64,
    socket_dir: PathBuf,
}

impl ManagedProcess {
    pub fn start(manifest: Manifest, socket_dir: PathBuf) -> Arc<ManagedProcess> {
        let (state, _) = watch::channel(ProcState::Starting);
        let (shutdown, _) = watch::channel(false);
        let p = Arc::new(ManagedProcess {
            manifest,
            state,
            shutdown,
            restarts: AtomicU64::new(0),
            socket_dir,
        });
        crate::telemetry::metrics::process_started(&p.manifest.name);
        tokio::spawn(supervise(p.clone()));
        p
    }

    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    /// Waits until the process is ready, up to `timeout`.
    pub async fn ready(&self, timeout: Duration) -> Result<Target, String> {
        let mut rx = self.state.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last = String::from("starting");
        loop {
            match &*rx.borrow_and_update() {
                ProcState::Ready(t) => return Ok(t.clone()),
                ProcState::Stopped => {
                    return Err(format!("plugin '{}' is stopped", self.manifest.name))
                }
                ProcState::Down(reason) => last = reason.clone(),
                ProcState::Starting => {}
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) => {
                    return Err(format!("plugin '{}' supervisor ended", self.manifest.name))
                }
                Err(_) => {
                    return Err(format!(
                        "plugin '{}' did not become ready within {:?} (last state: {last})",
                        self.manifest.name, timeout
                    ))
                }
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
        let started = Instant::now();
        let reason = match run_once(&p, generation, &mut shutdown).await {
            Exit::Shutdown => break,
            Exit::Failed(reason) => reason,
        };
        tracing::warn!(plugin = %name, %reason, "connector process is down; restarting in {:?}", backoff);
        let _ = p.state.send_replace(ProcState::Down(reason));
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
    Failed(String),
}

async fn run_once(
    p: &Arc<ManagedProcess>,
    generation: u64,
    shutdown: &mut watch::Receiver<bool>,
) -> Exit {
    let m = &p.manifest;
    let _ = std::fs::create_dir_all(&p.socket_dir);
    let socket = p
        .socket_dir
        .join(format!("{}-{generation}.sock", sanitize(&m.name)));
    let _ = std::fs::remove_file(&socket);
    let token = random_token();
    let mut cmd = Command::new(&m.command[0]);
    cmd.args(&m.command[1..])
        .current_dir(&m.dir)
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
        Err(e) => return Exit::Failed(format!("cannot start {:?}: {e}", m.command)),
    };
    forward_output(&m.name, &mut child);
    tracing::info!(plugin = %m.name, pid = child.id(), "started connector process");
    let target = Target::Unix {
        path: socket.clone(),
        token: Some(token),
        generation,
    };

    // Wait until it answers Health.
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Exit::Failed(format!("connector process exited during startup: {status}"));
        }
        if socket.exists() && health(&target).await.is_ok() {
            break;
        }
        if Instant::now() > deadline {
            terminate(&mut child).await;
            return Exit::Failed(format!(
                "connector process not ready after {STARTUP_TIMEOUT:?}"
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

fn forward_output(name: &str, child: &mut Child) {
    if let Some(out) = child.stdout.take() {
        let name = name.to_string();
        tokio::spawn(async move {
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(target: "polyconnect::plugin::output", plugin = %name, "{line}");
            }
        });
    }
    if let Some(err) = child.stderr.take() {
        let name = name.to_string();
        tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(target: "polyconnect::plugin::output", plugin = %name, "{line}");
            }
        });
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
