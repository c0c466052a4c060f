//! `polyconnect new` as a user meets it, for each language: in a directory outside the
//! repository, a source project and a sink project are generated, built with the
//! language's own tools from the packaged SDK (`scripts/sdk-packages.sh`, built once per
//! run into a temporary directory), unit-tested, checked by `polyconnect conformance`, and
//! run by `polyconnect standalone` with their generated configs. The source's records are
//! read back from Kafka (every sequence number once) and the sink writes each of them.
//! A transform project (`--transform`) is generated, built and unit-tested the same way,
//! then run in the source's chain as its README says (its directory on `plugin.path`, its
//! `transform.properties` added to the connector's configuration): every record reaches
//! the topic the transform renames it to. The time from an empty directory to the first
//! record in Kafka is printed per language.
//!
//! The only edits to the generated files are the worker's `listeners` (a free port, as
//! tests run side by side) and `bootstrap.servers` when the test broker is not the
//! default 127.0.0.1:9092. The generated Rust projects share one target directory under
//! the workspace's (`new-project-rust`), so a run does not build the SDK's dependencies
//! from cold; the binary is copied to where the manifest runs it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use polyconnect_e2e::*;

/// Records the generated source writes (its `count` default).
const RECORDS: usize = 1000;

/// The SDK packages, built once per run (or `POLYCONNECT_SDK_PACKAGES` when set).
fn sdk_packages() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("POLYCONNECT_SDK_PACKAGES") {
            return PathBuf::from(dir);
        }
        let out = std::env::temp_dir().join(unique("polyconnect-sdk-packages"));
        let started = Instant::now();
        run(
            Command::new("bash")
                .arg("scripts/sdk-packages.sh")
                .current_dir(repo_root())
                .env("SDK_PACKAGES_OUT", &out),
            "scripts/sdk-packages.sh",
        );
        println!(
            "SDK packages built in {:.0?}: {}",
            started.elapsed(),
            out.display()
        );
        out
    })
}

/// Runs a command; panics with its output when it fails.
fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    text
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    Python,
    Go,
    Typescript,
    Java,
    Rust,
}

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Go => "go",
            Lang::Typescript => "typescript",
            Lang::Java => "java",
            Lang::Rust => "rust",
        }
    }

    /// The README's build step, with the environment the packaged SDK needs.
    fn build(self, dir: &Path, name: &str) {
        let pkgs = sdk_packages();
        let sh = |script: &str| {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(script)
                .current_dir(dir)
                .env("POLYCONNECT_SDK_PACKAGES", pkgs);
            c
        };
        match self {
            Lang::Python => run(
                &mut sh("python3 -m venv .venv && .venv/bin/pip install -q --disable-pip-version-check \
                         --find-links \"$POLYCONNECT_SDK_PACKAGES/python\" -r requirements.txt"),
                "pip install",
            ),
            Lang::Go => run(
                sh("GOPROXY=\"file://$POLYCONNECT_SDK_PACKAGES/go,https://proxy.golang.org,direct\" \
                    go mod tidy && go build -o bin/$NAME .")
                .env("NAME", name)
                .env("GONOSUMDB", "github.com/polyconnect")
                .env("GOFLAGS", "-mod=mod -modcacherw")
                .env("GOMODCACHE", go_mod_cache()),
                "go build",
            ),
            Lang::Typescript => run(
                &mut sh("npm install --no-audit --no-fund --silent \
                         \"$POLYCONNECT_SDK_PACKAGES/typescript/polyconnect-sdk-1.0.0.tgz\" && npm run build --silent"),
                "npm install && npm run build",
            ),
            Lang::Java => run(
                &mut sh("mvn -B -ntp -q package -DskipTests"),
                "mvn package",
            ),
            Lang::Rust => {
                let target = target_dir().join("new-project-rust");
                run(
                    sh("cargo build --release -q").env("CARGO_TARGET_DIR", &target),
                    "cargo build",
                );
                let bin = dir.join("target/release");
                std::fs::create_dir_all(&bin).unwrap();
                std::fs::copy(target.join("release").join(name), bin.join(name)).unwrap();
                String::new()
            }
        };
    }

    /// The README's test step.
    fn unit_test(self, dir: &Path) -> String {
        let mut c = match self {
            Lang::Python => Command::new(dir.join(".venv/bin/python")),
            Lang::Go => Command::new("go"),
            Lang::Typescript => Command::new("npm"),
            Lang::Java => Command::new("mvn"),
            Lang::Rust => Command::new("cargo"),
        };
        match self {
            Lang::Python => c.args(["-m", "unittest", "-v"]),
            Lang::Go => c
                .args(["test", "./..."])
                .env("GOFLAGS", "-mod=mod -modcacherw")
                .env("GOPROXY", "off")
                .env("GOMODCACHE", go_mod_cache()),
            Lang::Typescript => c.args(["test"]),
            Lang::Java => c.args(["-B", "-ntp", "-q", "test"]),
            // --release: the dependencies the build above compiled.
            Lang::Rust => c
                .args(["test", "--release", "-q"])
                .env("CARGO_TARGET_DIR", target_dir().join("new-project-rust")),
        };
        run(c.current_dir(dir), &format!("{} unit tests", self.name()))
    }
}

/// A module cache of the test's own, so a rebuilt SDK package is never shadowed by an
/// earlier one of the same version (only the SDK's entries are dropped between runs).
fn go_mod_cache() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = target_dir().join("new-project-gomodcache");
        for sdk in [
            "cache/download/github.com/polyconnect",
            "github.com/polyconnect",
        ] {
            let _ = std::fs::remove_dir_all(dir.join(sdk));
        }
        dir
    })
    .clone()
}

/// `polyconnect new` into `dir`.
fn new(lang: Lang, name: &str, kind: &str, dir: &Path) {
    let out = run(
        Command::new(binary("polyconnect"))
            .args(["new", lang.name(), name, kind, "--dir"])
            .arg(dir)
            .arg("--sdk-packages")
            .arg(sdk_packages()),
        "polyconnect new",
    );
    let next = if kind == "--transform" {
        "Use:"
    } else {
        "Conformance:"
    };
    assert!(out.contains(next), "{out}");
}

/// The source project run again with the transform project in its chain, as the
/// transform's README says: its directory on `plugin.path`, `transform.properties` added to
/// the connector's configuration. The source starts over (its offsets removed) on a new
/// REST port.
fn chain_transform(source: &Path, transform: &Path) -> u16 {
    let port = free_port();
    let path = source.join("worker.properties");
    let text = std::fs::read_to_string(&path).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("listeners=") {
                format!("listeners=http://127.0.0.1:{port}\n")
            } else if l == "plugin.path=." {
                format!("plugin.path=.,{}\n", transform.display())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(text.contains(&format!("\nplugin.path=.,{}\n", transform.display())));
    write(&path, &text);
    let connector = source.join("connector.properties");
    let chain = std::fs::read_to_string(transform.join("transform.properties")).unwrap();
    let text = std::fs::read_to_string(&connector).unwrap() + &chain;
    write(&connector, &text);
    std::fs::remove_dir_all(source.join("offsets")).unwrap();
    port
}

/// The worker file as generated, with a free REST port (and the test broker).
fn adapt_worker(dir: &Path) -> u16 {
    let port = free_port();
    let path = dir.join("worker.properties");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\nlisteners=http://127.0.0.1:8083\n"),
        "{text}"
    );
    assert!(
        text.contains("\nbootstrap.servers=127.0.0.1:9092\n"),
        "{text}"
    );
    let text = text
        .replace(
            "\nlisteners=http://127.0.0.1:8083\n",
            &format!("\nlisteners=http://127.0.0.1:{port}\n"),
        )
        .replace(
            "\nbootstrap.servers=127.0.0.1:9092\n",
            &format!("\nbootstrap.servers={}\n", bootstrap()),
        );
    write(&path, &text);
    port
}

/// `polyconnect conformance` with the README's arguments: every check passes.
fn conformance(dir: &Path, topic: Option<&str>) {
    let mut c = Command::new(binary("polyconnect"));
    c.args(["conformance", "--plugin-dir", "."])
        .current_dir(dir);
    if let Some(t) = topic {
        c.args([
            "--config",
            &format!("topic={t}"),
            "--config",
            "count=100000",
        ]);
    }
    let out = run(&mut c, "polyconnect conformance");
    println!("{out}");
    assert!(out.contains(" 0 failed"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("FAIL")), "{out}");
}

/// No generated file names this repository.
fn assert_no_repository_path(dir: &Path) {
    let repo = repo_root().display().to_string();
    assert!(!dir.starts_with(&repo));
    let out = Command::new("grep")
        .args([
            "-rlF",
            "--exclude-dir=node_modules",
            "--exclude-dir=target",
            "--exclude-dir=.venv",
            "--exclude-dir=build",
            "--exclude-dir=bin",
            "--exclude=core.log",
            &repo,
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.stdout.is_empty(),
        "files naming {repo}:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The sequence numbers in the records' JSON values (`payload.seq`): missing and duplicated.
fn check_sequence(seqs: &[i64], what: &str) {
    let mut seen = vec![0usize; RECORDS];
    for &s in seqs {
        seen[usize::try_from(s).unwrap()] += 1;
    }
    let missing = seen.iter().filter(|&&n| n == 0).count();
    let duplicated: usize = seen.iter().map(|&n| n.saturating_sub(1)).sum();
    println!(
        "{what}: {} records, {missing} missing, {duplicated} duplicated",
        seqs.len()
    );
    assert_eq!((missing, duplicated), (0, 0), "{what}");
}

fn scenario(lang: Lang) {
    let root = std::env::temp_dir().join(unique(&format!("polyconnect-new-{}", lang.name())));
    let name = unique(&format!("np-{}", lang.name()));
    let topic = name.clone();

    // From an empty directory to the first record: new, build, standalone.
    let source = root.join(&name);
    sdk_packages(); // built before the clock starts (once per run)
    let started = Instant::now();
    new(lang, &name, "--source", &source);
    lang.build(&source, &name);
    let built = started.elapsed();
    let port = adapt_worker(&source);
    let core = Core::start(
        &source,
        &source.join("worker.properties"),
        &[source.join("connector.properties")],
        port,
    );
    let first = read_topic(&bootstrap(), &topic, 1, Duration::from_secs(120));
    assert!(!first.is_empty(), "no record:\n{}", core.log_text());
    let to_first = started.elapsed();
    println!(
        "FIRST RECORD {}: {:.1} s from an empty directory (new + build {:.1} s)",
        lang.name(),
        to_first.as_secs_f64(),
        built.as_secs_f64()
    );

    let records = read_topic(&bootstrap(), &topic, RECORDS, Duration::from_secs(120));
    let seqs: Vec<i64> = records
        .iter()
        .map(|(_, _, _, v)| {
            let v: serde_json::Value = serde_json::from_slice(v.as_deref().unwrap()).unwrap();
            assert_eq!(v["schema"]["type"], "struct", "{v}");
            assert_eq!(v["schema"]["fields"].as_array().unwrap().len(), 4, "{v}");
            v["payload"]["seq"].as_i64().unwrap()
        })
        .collect();
    check_sequence(&seqs, &format!("{} source", lang.name()));
    drop(core);
    assert!(source.join("offsets/connect.offsets").is_file());

    println!("{}", lang.unit_test(&source));
    conformance(&source, Some(&topic));
    assert_no_repository_path(&source);

    // The sink of the same name reads the same topic and writes each record to received.txt.
    let sink = root.join(format!("{name}-sink"));
    new(lang, &name, "--sink", &sink);
    lang.build(&sink, &name);
    println!("{}", lang.unit_test(&sink));
    conformance(&sink, None);
    let port = adapt_worker(&sink);
    let core = Core::start(
        &sink,
        &sink.join("worker.properties"),
        &[sink.join("connector.properties")],
        port,
    );
    let lines = wait_lines(
        &sink.join("received.txt"),
        RECORDS,
        Duration::from_secs(120),
    );
    let seqs: Vec<i64> = lines
        .iter()
        .map(|l| {
            assert!(l.starts_with(&format!("{topic}-0@")), "{l}");
            let seq = l.split(" seq=").nth(1).unwrap_or_else(|| panic!("{l}"));
            seq.split(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(" customer=customer-7 amount=1.75 express=false")),
        "{}",
        lines.get(7).map(String::as_str).unwrap_or("")
    );
    check_sequence(&seqs, &format!("{} sink", lang.name()));
    drop(core);
    assert_no_repository_path(&sink);

    // The transform, in the source's chain: each record goes to transformed-<topic>.
    let transform = root.join(format!("{name}-transform"));
    let transform_name = format!("{name}-transform");
    new(lang, &transform_name, "--transform", &transform);
    lang.build(&transform, &transform_name);
    println!("{}", lang.unit_test(&transform));
    assert_no_repository_path(&transform);
    let port = chain_transform(&source, &transform);
    let core = Core::start(
        &source,
        &source.join("worker.properties"),
        &[source.join("connector.properties")],
        port,
    );
    let renamed = format!("transformed-{topic}");
    let records = read_topic(&bootstrap(), &renamed, RECORDS, Duration::from_secs(120));
    let seqs: Vec<i64> = records
        .iter()
        .map(|(_, _, _, v)| {
            let v: serde_json::Value = serde_json::from_slice(v.as_deref().unwrap()).unwrap();
            assert_eq!(v["schema"]["fields"].as_array().unwrap().len(), 4, "{v}");
            v["payload"]["seq"].as_i64().unwrap()
        })
        .collect();
    check_sequence(
        &seqs,
        &format!("{} source through its transform", lang.name()),
    );
    drop(core);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn python() {
    scenario(Lang::Python);
}

#[test]
fn go() {
    scenario(Lang::Go);
}

#[test]
fn typescript() {
    scenario(Lang::Typescript);
}

#[test]
fn java() {
    scenario(Lang::Java);
}

#[test]
fn rust() {
    scenario(Lang::Rust);
}
