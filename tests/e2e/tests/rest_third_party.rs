//! A third-party Kafka Connect client against a locked-down core: `kc` of kafka-connect-py
//! (from PyPI, in a virtualenv of its own: `scripts/setup/third-party.sh`) manages a
//! FileStream pipeline over HTTPS with HTTP Basic set up as Kafka Connect users set it up
//! (`rest.extension.classes=...BasicAuthSecurityRestExtension`, a JAAS file named in
//! `KAFKA_OPTS`, a credentials file in Java properties syntax). Every line written to the
//! source file is counted in the sink file; without credentials, with a wrong password and
//! as a read-only user the same client is refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use polyconnect_e2e::*;
use serde_json::{json, Value};

const LINES: usize = 500;
const ADMIN_PASSWORD: &str = "adm1n-Pa55";
const KEYSTORE_PASSWORD: &str = "ks-pw-2718";

/// The `kc` command, installed by the project's setup script if it is not there yet.
fn kc_command() -> PathBuf {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/setup/third-party.sh"))
        .output()
        .expect("scripts/setup/third-party.sh");
    assert!(
        out.status.success(),
        "installing kafka-connect-py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim(),
    )
}

/// A CA and a certificate for 127.0.0.1 and localhost, the core's PKCS12 keystore.
fn make_certificates(dir: &Path) {
    let script = format!(
        r#"set -e
cd {dir}
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test-ca" -keyout ca.key -out ca.pem
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem
openssl pkcs12 -export -in server.pem -inkey server.key -out server.p12 -passout pass:{KEYSTORE_PASSWORD}
"#,
        dir = dir.display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "making certificates: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Kc {
    command: PathBuf,
    url: String,
    ca: PathBuf,
}

impl Kc {
    /// Runs `kc` with `auth` (`user:password`, or none) and `args`.
    fn run(&self, auth: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = Command::new(&self.command);
        cmd.arg("--url").arg(&self.url);
        if let Some(a) = auth {
            cmd.arg("--auth").arg(a);
        }
        cmd.args(args)
            // requests verifies the core's certificate against this CA.
            .env("REQUESTS_CA_BUNDLE", &self.ca)
            .env_remove("KAFKA_CONNECT_URL")
            .env_remove("KAFKA_CONNECT_BASIC_AUTH")
            .output()
            .expect("run kc")
    }

    /// As `run` with the admin's credentials; the command must succeed; its JSON output.
    fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(Some(&format!("admin:{ADMIN_PASSWORD}")), args);
        let text = String::from_utf8_lossy(&out.stdout);
        // kc prints an HTTP error and still exits 0.
        assert!(
            out.status.success()
                && !text.contains("Client Error")
                && !text.contains("Server Error"),
            "kc {args:?} failed: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(text.trim()).unwrap_or(Value::String(text.trim().to_string()))
    }

    fn wait_state(&self, connector: &str, state: &str, core: &Core) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s = self.ok(&["status", connector]);
            let tasks = s["tasks"].as_array().cloned().unwrap_or_default();
            if s["connector"]["state"] == state
                && !tasks.is_empty()
                && tasks.iter().all(|t| t["state"] == state)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{connector} not {state} as kc sees it: {s}\n{}",
                core.log_text()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

#[test]
fn kafka_connect_py_manages_a_pipeline_over_https_with_basic_auth() {
    let command = kc_command();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_certificates(d);
    // Kafka Connect's BasicAuthSecurityRestExtension: the JAAS file's KafkaConnect section
    // names the credentials file; Java properties syntax (`user: password`).
    write(
        &d.join("credentials.properties"),
        &format!("admin: {ADMIN_PASSWORD}\nviewer=v1ewer-pw\n"),
    );
    write(
        &d.join("rest-jaas.conf"),
        &format!(
            "KafkaConnect {{\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file=\"{}\";\n}};\n",
            d.join("credentials.properties").display()
        ),
    );
    let port = free_port();
    let worker = d.join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={bootstrap}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={offsets}\n\
             offset.flush.interval.ms=500\n\
             listeners=https://127.0.0.1:{port}\n\
             listeners.https.ssl.keystore.location={ks}\n\
             listeners.https.ssl.keystore.password={KEYSTORE_PASSWORD}\n\
             rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension\n\
             polyconnect.rest.auth.read.only.users=viewer\n\
             plugin.path={plugins}\n",
            bootstrap = bootstrap(),
            offsets = d.join("offsets.json").display(),
            ks = d.join("server.p12").display(),
            plugins = repo_root().join("connectors").display(),
        ),
    );
    let kafka_opts = format!(
        "-Djava.security.auth.login.config={}",
        d.join("rest-jaas.conf").display()
    );
    let core = Core::start_with_env(d, &worker, &[], port, &[("KAFKA_OPTS", &kafka_opts)]);
    let kc = Kc {
        command,
        url: format!("https://localhost:{port}"),
        ca: d.join("ca.pem"),
    };

    let info = kc.ok(&["info"]);
    assert!(info["version"].is_string(), "kc info: {info}");
    let plugins = kc.ok(&["list-plugins"]);
    assert!(
        plugins.to_string().contains("FileStreamSource"),
        "kc list-plugins: {plugins}"
    );

    // The pipeline, created and driven by kc.
    let topic = unique("kcpy");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    let input = d.join("in.txt");
    let output = d.join("out.txt");
    std::fs::File::create(&input).unwrap();
    let source = json!({"name": "kcpy-source", "config": {
        "connector.class": "FileStreamSource", "tasks.max": "1",
        "file": input.display().to_string(), "topic": topic}});
    let sink = json!({"name": "kcpy-sink", "config": {
        "connector.class": "FileStreamSink", "tasks.max": "1",
        "file": output.display().to_string(), "topics": topic}});
    for c in [&source, &sink] {
        let created = kc.ok(&["create", "--config-data", &c.to_string()]);
        assert_eq!(created["name"], c["name"], "kc create: {created}");
    }
    kc.wait_state("kcpy-source", "RUNNING", &core);
    kc.wait_state("kcpy-sink", "RUNNING", &core);
    let listed = kc.ok(&["list"]);
    assert_eq!(
        listed,
        json!(["kcpy-sink", "kcpy-source"]),
        "kc list (sorted by the core)"
    );
    let config = kc.ok(&["config", "kcpy-sink"]);
    assert_eq!(config["topics"], json!(topic), "kc config: {config}");

    append_lines(&input, "line", 0, LINES / 2, 2, Duration::from_millis(20));
    kc.ok(&["pause", "kcpy-sink"]);
    kc.wait_state("kcpy-sink", "PAUSED", &core);
    append_lines(
        &input,
        "line",
        LINES / 2,
        LINES / 2,
        2,
        Duration::from_millis(20),
    );
    kc.ok(&["resume", "kcpy-sink"]);
    kc.wait_state("kcpy-sink", "RUNNING", &core);
    let out = wait_lines(&output, LINES, Duration::from_secs(60));
    let seen: std::collections::BTreeSet<&str> = out.iter().map(String::as_str).collect();
    let missing = (0..LINES)
        .filter(|i| !seen.contains(format!("line-{i}").as_str()))
        .count();
    println!(
        "kafka-connect-py pipeline: {LINES} lines, {missing} missing, {} duplicated",
        out.len() - seen.len()
    );
    assert_eq!(missing, 0, "lines lost:\n{}", core.log_text());

    // Refusals, through the same client.
    let refused = |auth: Option<&str>, args: &[&str], code: &str| {
        let out = kc.run(auth, args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // kc prints the HTTP error (and exits 0).
        assert!(
            text.contains(&format!("{code} Client Error")),
            "kc {args:?} with {auth:?} was not refused with {code}: {text}"
        );
    };
    refused(None, &["list"], "401");
    refused(Some("admin:wrong-password"), &["list"], "401");
    refused(Some("nobody:v1ewer-pw"), &["list"], "401");
    refused(Some("viewer:v1ewer-pw"), &["pause", "kcpy-source"], "403");
    let out = kc.run(Some("viewer:v1ewer-pw"), &["status", "kcpy-source"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("RUNNING") && !text.contains("Error"),
        "a read-only user reads statuses: {text}"
    );

    kc.ok(&["delete", "kcpy-source"]);
    kc.ok(&["delete", "kcpy-sink"]);
    assert_eq!(kc.ok(&["list"]), json!([]));
    let log = core.log_text();
    assert!(
        !log.contains(ADMIN_PASSWORD) && !log.contains(KEYSTORE_PASSWORD),
        "a password reached the log"
    );
}
