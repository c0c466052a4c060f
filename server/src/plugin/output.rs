//! A connector process's output: every line goes to the core's log (target
//! `polyconnect::plugin::output`), and the end of its stderr is kept, so that a process that
//! dies or hangs at start-up can be reported with what it said (a Python traceback, a
//! missing jar, a bad flag), not just its exit status.
//!
//! The tail is bounded by construction: at most [`TAIL_LINES`] lines and [`TAIL_BYTES`]
//! bytes; a longer line keeps its beginning. Output that is not UTF-8 is logged lossily
//! rather than ending the reader (an unread pipe would block the child).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;
use tokio::task::JoinHandle;

/// Lines of stderr kept for a start-up failure's report.
pub const TAIL_LINES: usize = 20;
/// Bytes of stderr kept for a start-up failure's report.
pub const TAIL_BYTES: usize = 4096;

/// The last lines written by a process, at most `max_lines` lines and `max_bytes` bytes.
#[derive(Debug)]
pub struct Tail {
    lines: VecDeque<String>,
    bytes: usize,
    max_lines: usize,
    max_bytes: usize,
}

impl Default for Tail {
    fn default() -> Self {
        Tail::new(TAIL_LINES, TAIL_BYTES)
    }
}

impl Tail {
    pub fn new(max_lines: usize, max_bytes: usize) -> Tail {
        Tail {
            lines: VecDeque::new(),
            bytes: 0,
            max_lines: max_lines.max(1),
            max_bytes: max_bytes.max(1),
        }
    }

    /// Adds a line (without its line ending), dropping the oldest ones beyond the limits.
    pub fn push(&mut self, line: &str) {
        let line = truncate(line, self.max_bytes);
        self.bytes += line.len();
        self.lines.push_back(line);
        while self.lines.len() > self.max_lines || self.bytes > self.max_bytes {
            match self.lines.pop_front() {
                Some(old) => self.bytes -= old.len(),
                None => break,
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    /// The kept lines joined by newlines.
    pub fn text(&self) -> String {
        self.lines().collect::<Vec<_>>().join("\n")
    }
}

/// The longest prefix of `line` of at most `max` bytes (on a character boundary), marked
/// with `...` when cut.
fn truncate(line: &str, max: usize) -> String {
    if line.len() <= max {
        return line.to_string();
    }
    let mut end = max.saturating_sub(3);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &line[..end])
}

/// The end of one process's stderr, filled while the process runs.
#[derive(Clone, Default)]
pub struct StderrTail {
    tail: Arc<Mutex<Tail>>,
}

impl StderrTail {
    pub fn snapshot(&self) -> String {
        self.tail.lock().unwrap().text()
    }

    fn push(&self, line: &str) {
        self.tail.lock().unwrap().push(line);
    }
}

/// Reads the child's output until it closes: each line is logged at info level under the
/// plugin's name. Returns stderr's tail and the task reading stderr (which ends when the
/// pipe closes, so the tail is complete once it has ended).
pub fn forward(name: &str, child: &mut Child) -> (StderrTail, Option<JoinHandle<()>>) {
    if let Some(out) = child.stdout.take() {
        tokio::spawn(read_lines(out, name.to_string(), None));
    }
    let tail = StderrTail::default();
    let reader = child
        .stderr
        .take()
        .map(|err| tokio::spawn(read_lines(err, name.to_string(), Some(tail.clone()))));
    (tail, reader)
}

/// Waits (at most `limit`: a grandchild may hold the pipe open) until the stderr reader has
/// read everything the process wrote, then returns the tail.
pub async fn settle(
    tail: &StderrTail,
    reader: &mut Option<JoinHandle<()>>,
    limit: Duration,
) -> String {
    if let Some(r) = reader.as_mut() {
        if tokio::time::timeout(limit, r).await.is_ok() {
            *reader = None;
        }
    }
    tail.snapshot()
}

async fn read_lines(pipe: impl AsyncRead + Unpin, name: String, tail: Option<StderrTail>) {
    let mut reader = BufReader::new(pipe);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim_end_matches(['\n', '\r']);
        tracing::info!(target: "polyconnect::plugin::output", plugin = %name, "{line}");
        if let Some(t) = &tail {
            t.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines() {
        let mut t = Tail::new(3, 1000);
        assert!(t.is_empty());
        for i in 1..=5 {
            t.push(&format!("line {i}"));
        }
        assert_eq!(t.text(), "line 3\nline 4\nline 5");
    }

    #[test]
    fn keeps_at_most_max_bytes() {
        let mut t = Tail::new(100, 10);
        t.push("aaaa");
        t.push("bbbb");
        t.push("cccc");
        assert_eq!(t.lines().collect::<Vec<_>>(), ["bbbb", "cccc"]);
        assert!(t.lines().map(str::len).sum::<usize>() <= 10);
    }

    #[test]
    fn a_long_line_keeps_its_beginning_within_the_limit() {
        let mut t = Tail::new(20, 16);
        t.push("first");
        t.push(&"x".repeat(100));
        assert_eq!(t.text(), format!("{}...", "x".repeat(13)));
    }

    #[test]
    fn cuts_long_lines_on_a_character_boundary() {
        let mut t = Tail::new(20, 8);
        t.push("ééééé");
        let text = t.text();
        assert!(text.len() <= 8, "{text}");
        assert_eq!(text, "éé...");
    }

    #[test]
    fn the_default_limits_are_20_lines_and_4_kib() {
        let mut t = Tail::default();
        for i in 0..100 {
            t.push(&format!("{i:>3} {}", "y".repeat(300)));
        }
        let lines: Vec<_> = t.lines().collect();
        assert!(lines.len() <= TAIL_LINES);
        assert!(lines.iter().map(|l| l.len()).sum::<usize>() <= TAIL_BYTES);
        assert!(lines.last().unwrap().starts_with(" 99 "));
    }

    #[tokio::test]
    async fn forward_keeps_stderr_including_lines_that_are_not_utf8() {
        let mut cmd = tokio::process::Command::new("sh");
        cmd.arg("-c")
            .arg("echo to stdout; printf 'one\\nbad \\377 byte\\n' >&2; echo 'last words' >&2; exit 3")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let (tail, mut reader) = forward("test", &mut child);
        let status = child.wait().await.unwrap();
        assert_eq!(status.code(), Some(3));
        let text = settle(&tail, &mut reader, Duration::from_secs(5)).await;
        assert_eq!(text, "one\nbad \u{fffd} byte\nlast words");
    }
}
