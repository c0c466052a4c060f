//! TLS to connector processes: each SDK's example sink serves mutual TLS on TCP
//! (`POLYCONNECT_TLS_CERT`, `_KEY`, `_CLIENT_CA`), and one core reaches all of them with
//! `connector.endpoint=https://localhost:<port>`, its truststore and client certificate
//! given once as the worker's `polyconnect.connector.endpoint.ssl.*` (PKCS12, with
//! passwords, the truststore's from a file through a config provider), each process
//! checking a token as well. Every record of a topic reaches every sink's file, and the
//! conformance kit passes over mutual TLS. Then the refusals: a core without a client
//! certificate, a process whose certificate another CA signed or that names another host,
//! a wrong truststore password: each connector FAILED with the cause in its status trace,
//! a 400 with the cause through REST, and no password or token in a trace or the log.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use polyconnect_e2e::faults::{count_lines, produce_seq};
use polyconnect_e2e::*;
use serde_json::{json, Value};

const RECORDS: u64 = 300;
const TRUST_PASSWORD: &str = "trust-pw-4711";
const KEY_PASSWORD: &str = "key-pw-0815";
/// Every process also checks a token: it travels inside TLS.
const TOKEN: &str = "endpoint-token-42";

/// A CA, a server certificate for localhost and 127.0.0.1 and a client certificate signed
/// by it, a second CA with a server certificate of its own, and the core's PKCS12 stores.
fn make_certificates(dir: &Path) {
    let script = format!(
        r#"set -e
cd {dir}
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
printf 'extendedKeyUsage=clientAuth\n' > client.ext
for ca in ca other-ca; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$ca" -keyout $ca.key -out $ca.pem
done
issue() {{ # name CN ca ext
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout $1.key -out $1.csr
  openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -CAcreateserial -days 2 -extfile $4 -out $1.pem
}}
issue server localhost ca server.ext
issue client polyconnect-core ca client.ext
issue impostor localhost other-ca server.ext
printf 'subjectAltName=DNS:elsewhere.example\nextendedKeyUsage=serverAuth\n' > elsewhere.ext
issue elsewhere elsewhere.example ca elsewhere.ext
openssl pkcs12 -export -nokeys -in ca.pem -out trust.p12 -passout pass:{TRUST_PASSWORD}
openssl pkcs12 -export -in client.pem -inkey client.key -out core.p12 -passout pass:{KEY_PASSWORD}
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

/// A connector process started from its plugin manifest's command, on a TCP port.
struct Served {
    child: Child,
    stderr: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        signal(self.child.id(), libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the manifest in `plugin_dir` as a standalone process listening on `port`, with
/// `tls` as its `POLYCONNECT_TLS_*` environment and `TOKEN` as its `POLYCONNECT_TOKEN`.
fn serve(plugin_dir: &Path, port: u16, tls: &[(&str, PathBuf)], log_dir: &Path) -> Served {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(plugin_dir.join("polyconnect-plugin.json")).unwrap(),
    )
    .unwrap();
    let dir = plugin_dir.display().to_string();
    let subst = |v: &Value| v.as_str().unwrap().replace("${plugin.dir}", &dir);
    let command: Vec<String> = manifest["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(subst)
        .collect();
    let name = manifest["name"].as_str().unwrap();
    let stderr = log_dir.join(format!("{name}-{port}.stderr"));
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..])
        .env("POLYCONNECT_LISTEN", format!("127.0.0.1:{port}"))
        .env("POLYCONNECT_TOKEN", TOKEN)
        .env_remove("POLYCONNECT_PARENT_PID")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap());
    if let Some(env) = manifest["env"].as_object() {
        for (k, v) in env {
            cmd.env(k, subst(v));
        }
    }
    for (k, v) in tls {
        cmd.env(k, v);
    }
    Served {
        child: cmd.spawn().expect("connector process"),
        stderr,
    }
}

/// Waits until the process accepts TCP connections on `port` (the core validates a config
/// against the process before it creates the connector).
fn wait_listening(served: &mut Served, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = served.child.try_wait() {
            panic!(
                "the connector process on {port} exited ({status}):\n{}",
                std::fs::read_to_string(&served.stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "the connector process on {port} does not listen:\n{}",
        std::fs::read_to_string(&served.stderr).unwrap_or_default()
    );
}

fn rest(core: &Core, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{}{path}", core.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut req = reqwest::Client::new().request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            &url,
        );
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("REST call");
        let code = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (code, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

/// The trace of the connector or its first task once either is FAILED.
fn wait_failed(core: &Core, name: &str, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        let (code, s) = core.get(&format!("/connectors/{name}/status"));
        if code == 200 {
            if s["connector"]["state"] == "FAILED" {
                return s["connector"]["trace"].as_str().unwrap_or("").to_string();
            }
            if let Some(t) = s["tasks"]
                .as_array()
                .and_then(|ts| ts.iter().find(|t| t["state"] == "FAILED"))
            {
                return t["trace"].as_str().unwrap_or("").to_string();
            }
        }
        last = s;
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "{name} never FAILED; last status {last}\n{}",
        core.log_text()
    );
}

/// The digits of each line: sinks write a string value as `5` or, debug-printed, `String("5")`.
fn numbers(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.chars().filter(char::is_ascii_digit).collect::<String>() + "\n")
        .collect()
}

struct Sdk {
    name: &'static str,
    plugin_dir: PathBuf,
    class: &'static str,
    /// A file that exists once the example is built, and how to build it.
    built: PathBuf,
    how_to_build: &'static str,
}

fn sdks() -> Vec<Sdk> {
    let root = repo_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    vec![
        Sdk {
            name: "python",
            plugin_dir: root.join("connectors/file"),
            class: "FileStreamSink",
            built: root.join("connectors/file/polyconnect-plugin.json"),
            how_to_build: "nothing to build",
        },
        Sdk {
            name: "go",
            plugin_dir: root.join("clients/go/examples/sink"),
            class: "GoFileSink",
            built: root.join("clients/go/examples/sink/polyconnect-plugin.json"),
            how_to_build: "built by clients/go/scripts/run-plugin.sh when started",
        },
        Sdk {
            name: "typescript",
            plugin_dir: root.join("clients/typescript/examples/sink"),
            class: "Lines",
            built: root.join("clients/typescript/build/examples/sink/sink.js"),
            how_to_build:
                "run scripts/setup/typescript.sh (or npm run build in clients/typescript)",
        },
        Sdk {
            name: "java",
            plugin_dir: root.join("clients/java/examples"),
            class: "LinesSink",
            built: root.join("clients/java/examples/target/classes"),
            how_to_build: "run scripts/setup/java.sh",
        },
        Sdk {
            name: "rust",
            plugin_dir: root.join("clients/rust/examples/plugins/print-sink"),
            class: "PrintSink",
            built: target.join("debug/examples/print_sink"),
            how_to_build: "cargo build -p polyconnect-sdk --examples",
        },
    ]
}

#[test]
fn every_sdk_serves_mutual_tls_and_the_core_refuses_what_it_must() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_certificates(d);
    let sdks = sdks();
    for s in &sdks {
        assert!(
            s.built.exists(),
            "{} is missing: {}",
            s.built.display(),
            s.how_to_build
        );
    }
    let topic = unique("connector-tls");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_topic(&bootstrap(), &topic, 1));
    produce_seq(&bootstrap(), &topic, 1, RECORDS);

    let mutual = |cert: &str| {
        vec![
            ("POLYCONNECT_TLS_CERT", d.join(format!("{cert}.pem"))),
            ("POLYCONNECT_TLS_KEY", d.join(format!("{cert}.key"))),
            ("POLYCONNECT_TLS_CLIENT_CA", d.join("ca.pem")),
        ]
    };
    // Each SDK's sink serving mutual TLS, and a Python one whose certificate another CA
    // signed.
    let mut served = Vec::new();
    for s in &sdks {
        let p = free_port();
        let proc = serve(&s.plugin_dir, p, &mutual("server"), d);
        served.push((s, proc, p, d.join(format!("{}.out", s.name))));
    }
    let impostor_port = free_port();
    let mut impostor = serve(&sdks[0].plugin_dir, impostor_port, &mutual("impostor"), d);
    for (_, proc, p, _) in &mut served {
        wait_listening(proc, *p);
    }
    wait_listening(&mut impostor, impostor_port);
    // Signed by the right CA, for another host name.
    let elsewhere_port = free_port();
    let mut elsewhere = serve(&sdks[0].plugin_dir, elsewhere_port, &mutual("elsewhere"), d);
    wait_listening(&mut elsewhere, elsewhere_port);
    let python_port = served[0].2;

    let config = |name: &str, endpoint_port: u16, class: &str, extra: Value| {
        let mut config = json!({
            "name": name,
            "connector.class": class,
            "connector.endpoint": format!("https://localhost:{endpoint_port}"),
            "topics": topic,
            "file": d.join(format!("{name}.out")).display().to_string(),
            "tasks.max": "1",
            "connector.endpoint.token": TOKEN,
        });
        for (k, v) in extra.as_object().unwrap() {
            config[k] = v.clone();
        }
        config
    };
    let wrong = "not-the-trust-pw";
    // The refusals, as connector files: the core starts them without a validation.
    let refusals = [
        // A core without a client certificate (the connector's empty keystore location
        // overrides the worker's) is refused by a process that requires one.
        config(
            "tls-no-client-cert",
            python_port,
            "FileStreamSink",
            json!({"connector.endpoint.ssl.keystore.location": ""}),
        ),
        // A process whose certificate another CA signed is refused by the core.
        config("tls-impostor", impostor_port, "FileStreamSink", json!({})),
        // A certificate for another host: refused, host names are verified by default.
        config("tls-elsewhere", elsewhere_port, "FileStreamSink", json!({})),
        // A wrong truststore password.
        config(
            "tls-wrong-password",
            python_port,
            "FileStreamSink",
            json!({"connector.endpoint.ssl.truststore.password": wrong}),
        ),
    ];
    let files: Vec<PathBuf> = refusals
        .iter()
        .map(|c| {
            let f = d.join(format!("{}.json", c["name"].as_str().unwrap()));
            write(&f, &c.to_string());
            f
        })
        .collect();

    // The worker's truststore password through a config provider.
    let secrets = d.join("secrets.properties");
    write(&secrets, &format!("truststore={TRUST_PASSWORD}\n"));
    let port = free_port();
    let worker = worker_properties(
        d,
        port,
        &format!(
            "polyconnect.connector.endpoint.ssl.truststore.location={trust}\n\
             config.providers=file\n\
             config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\n\
             polyconnect.connector.endpoint.ssl.truststore.password=${{file:{secrets}:truststore}}\n\
             polyconnect.connector.endpoint.ssl.truststore.type=PKCS12\n\
             polyconnect.connector.endpoint.ssl.keystore.location={core}\n\
             polyconnect.connector.endpoint.ssl.keystore.password={KEY_PASSWORD}\n\
             polyconnect.connector.endpoint.ssl.keystore.type=PKCS12\n",
            trust = d.join("trust.p12").display(),
            core = d.join("core.p12").display(),
            secrets = secrets.display(),
        ),
    );
    let core = Core::start(d, &worker, &files, port);

    // Every SDK, created through REST (validated over TLS first): records end to end.
    for (s, _, p, out) in &served {
        let mut c = config(&format!("tls-{}", s.name), *p, s.class, json!({}));
        c["file"] = json!(out.display().to_string());
        let (code, body) = rest(
            &core,
            "PUT",
            &format!("/connectors/tls-{}/config", s.name),
            Some(c),
        );
        assert!(
            code == 201 || code == 200,
            "creating tls-{}: {code} {body}",
            s.name
        );
    }
    let mut failures = Vec::new();
    for (s, proc, _, out) in &served {
        let deadline = Instant::now() + Duration::from_secs(40);
        let mut c = count_lines(RECORDS, &numbers(out));
        while c.missing > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
            c = count_lines(RECORDS, &numbers(out));
        }
        println!(
            "{}: {} records in, {} lines out, {} missing, {} duplicated, {} unexpected",
            s.name, c.input, c.out, c.missing, c.duplicated, c.unexpected
        );
        if c.missing > 0 || c.unexpected > 0 {
            failures.push(format!(
                "{}: {c:?}\nstatus: {}\nprocess stderr:\n{}",
                s.name,
                core.get(&format!("/connectors/tls-{}/status", s.name)).1,
                std::fs::read_to_string(&proc.stderr).unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\ncore log:\n{}",
        failures.join("\n"),
        core.log_text()
    );

    // The conformance kit reaches a TLS endpoint with the core's settings.
    let go_out = d.join("go-conformance.out");
    let kit = |port: u16, class: &str, keystore: bool| {
        let mut args = vec![
            "conformance".to_string(),
            "--endpoint".into(),
            format!("https://localhost:{port}"),
            "--class".into(),
            class.into(),
            "--token".into(),
            TOKEN.into(),
            "--config".into(),
            format!("file={}", go_out.display()),
            "--config".into(),
            format!(
                "connector.endpoint.ssl.truststore.location={}",
                d.join("ca.pem").display()
            ),
            "--config".into(),
            "connector.endpoint.ssl.truststore.type=PEM".into(),
        ];
        if keystore {
            args.extend([
                "--config".into(),
                format!(
                    "connector.endpoint.ssl.keystore.location={}",
                    d.join("core.p12").display()
                ),
                "--config".into(),
                format!("connector.endpoint.ssl.keystore.password={KEY_PASSWORD}"),
            ]);
        }
        let out = Command::new(binary("polyconnect"))
            .args(&args)
            .output()
            .expect("polyconnect conformance");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (ok, text) = kit(served[1].2, "GoFileSink", true);
    assert!(ok, "the conformance kit over mutual TLS:\n{text}");
    assert!(text.contains(" 0 failed"), "{text}");
    // Every SDK requires the client certificate.
    for (s, _, p, _) in &served {
        let (ok, text) = kit(*p, s.class, false);
        println!("{} without a client certificate: {}", s.name, text.trim());
        assert!(
            !ok && text.contains("TLS refused by the connector process"),
            "{}: the conformance kit without a client certificate:\n{text}",
            s.name
        );
    }

    // The refusals: FAILED, the cause in the trace.
    let trace = wait_failed(&core, "tls-no-client-cert", Duration::from_secs(30));
    println!("no client certificate: {trace}");
    assert!(
        trace.contains("TLS refused by the connector process"),
        "{trace}"
    );
    let trace = wait_failed(&core, "tls-impostor", Duration::from_secs(30));
    println!("another CA: {trace}");
    assert!(
        trace.contains("the connector process's certificate was refused"),
        "{trace}"
    );
    let trace = wait_failed(&core, "tls-elsewhere", Duration::from_secs(30));
    println!("another host name: {trace}");
    assert!(trace.contains("hostname mismatch"), "{trace}");
    // The same process with host name verification turned off: records go through.
    let unverified = config(
        "tls-unverified",
        elsewhere_port,
        "FileStreamSink",
        json!({"connector.endpoint.ssl.endpoint.identification.algorithm": ""}),
    );
    let (code, body) = rest(
        &core,
        "PUT",
        "/connectors/tls-unverified/config",
        Some(unverified),
    );
    assert!(
        code == 201 || code == 200,
        "creating tls-unverified: {code} {body}"
    );
    let out = d.join("tls-unverified.out");
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut c = count_lines(RECORDS, &numbers(&out));
    while c.missing > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        c = count_lines(RECORDS, &numbers(&out));
    }
    println!("host name not verified: {c:?}");
    assert_eq!((c.missing, c.unexpected), (0, 0), "{c:?}");

    let trace = wait_failed(&core, "tls-wrong-password", Duration::from_secs(30));
    println!("wrong truststore password: {trace}");
    assert!(
        trace.contains(&format!(
            "cannot open the connector.endpoint truststore {}",
            d.join("trust.p12").display()
        )) && trace.contains("wrong password"),
        "{trace}"
    );
    assert!(!trace.contains(wrong), "{trace}");
    // Nothing reached a refused process.
    assert_eq!(
        std::fs::read_to_string(d.join("tls-impostor.out")).unwrap_or_default(),
        ""
    );

    // Through REST the same refusal is a validation error with the cause.
    let (code, body) = rest(
        &core,
        "PUT",
        "/connectors/tls-refused-at-validation/config",
        Some(config(
            "tls-refused-at-validation",
            impostor_port,
            "FileStreamSink",
            json!({}),
        )),
    );
    println!("validation: {code} {body}");
    assert_eq!(code, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("certificate was refused"),
        "{body}"
    );

    // No password or token in the core's log.
    let log = core.log_text();
    for secret in [TRUST_PASSWORD, KEY_PASSWORD, wrong, TOKEN] {
        assert!(!log.contains(secret), "the core's log shows a secret");
    }
    drop(served);
}
