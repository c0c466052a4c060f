//! What the benchmarks measure and how they quote it: a process tree's CPU time and
//! resident memory, from /proc (each runtime's worker and every process it started), medians,
//! ratios and the machine.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Every process of the tree rooted at `root` (itself included), from /proc.
pub fn tree(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            let Some((_, after)) = stat.rsplit_once(')') else {
                continue;
            };
            if let Some(ppid) = after
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
            {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(c) = children.get(&out[i]) {
            out.extend(c.iter().copied());
        }
        i += 1;
    }
    out
}

/// utime + stime + cutime + cstime of a process, in seconds (0 if it is gone).
pub fn cpu_of(pid: u32) -> f64 {
    stat_cpu(pid, 11..=14)
}

/// utime + stime of a process alone, without its reaped children, in seconds (0 if it is
/// gone).
pub fn own_cpu(pid: u32) -> f64 {
    stat_cpu(pid, 11..=12)
}

fn stat_cpu(pid: u32, fields: std::ops::RangeInclusive<usize>) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some((_, after)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    // After the command: state is field 3; utime, stime, cutime, cstime are 14..=17.
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields
        .filter_map(|i| f.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    // USER_HZ is 100 for user space on every Linux architecture this runs on.
    ticks / 100.0
}

/// CPU seconds of the whole tree so far.
pub fn tree_cpu(root: u32) -> f64 {
    tree(root).into_iter().map(cpu_of).sum()
}

/// The sum of VmRSS over the tree, in bytes.
pub fn tree_rss(root: u32) -> u64 {
    tree(root)
        .into_iter()
        .filter_map(|pid| {
            let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
                .map(|kb| kb * 1024)
        })
        .sum()
}

/// Samples the tree's RSS every 100 ms; `take()` returns the peak since the last take.
pub struct RssSampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    pub fn start(root: u32) -> RssSampler {
        let peak = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(tree_rss(root), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        RssSampler {
            peak,
            stop,
            handle: Some(handle),
        }
    }

    pub fn take(&self, root: u32) -> u64 {
        self.peak.fetch_max(tree_rss(root), Ordering::Relaxed);
        self.peak.swap(0, Ordering::Relaxed)
    }
}

impl Drop for RssSampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The median of the finite values (NaN when there are none).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// `pc / kc` with two decimals, `-` when either is missing.
pub fn ratio(pc: f64, kc: f64) -> String {
    if pc.is_finite() && kc.is_finite() && kc > 0.0 {
        format!("{:.2}", pc / kc)
    } else {
        "-".into()
    }
}

/// The CPU model, cores, memory and load average, for the tables' heading.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem:.0} GiB; load average at the end {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}
