//! Kafka Connect converters from plugin directories, on a real broker: a small Java
//! converter (`FramingConverter`, compiled here against Apache Kafka's connect-api jar and
//! placed in a plugin directory as a jar) named as a source's and a sink's
//! `value.converter` runs in the Kafka Connect bridge over the protocol's Converter service:
//! - the topic holds the plugin's framing (`[tag|v]` + the upper-cased line), so it is the
//!   plugin's code that wrote the bytes, with its own settings (`value.converter.tag`) and
//!   `isKey`; the sink's output is what the plugin's `toConnectData` made of them;
//! - every line is accounted for: in the sink's file, or refused by the converter on the
//!   source (tolerated, `errors.tolerance=all`); 0 missing, duplicates reported; without
//!   tolerance the first refused record fails the task with the converter's exception;
//! - a record the sink's converter refuses goes to the dead letter queue with the
//!   converter's exception class and message in its headers (the message names a Kafka
//!   header of the record: the converter got them);
//! - a converter whose `configure` fails fails the task with the cause in its trace;
//! - the converter runs with its plugin's class loader as the context class loader (it
//!   checks, and refuses otherwise);
//! - a `HeaderConverter` from the same jar (`FramingHeaderConverter`) as both tasks'
//!   `header.converter`: a header InsertHeader adds on the source is in Kafka in its framing,
//!   and a header it refuses on the sink sends that record to the dead letter queue.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use polyconnect_e2e::*;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

const CONVERTER: &str = "com.example.conv.FramingConverter";
const HEADER_CONVERTER: &str = "com.example.conv.FramingHeaderConverter";

const FRAMING_HEADER_JAVA: &str = r#"
package com.example.conv;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.HeaderConverter;

/** Frames a header value as "[tag]" and the value upper-cased; reads it back, refusing
 * unframed values and "REFUSE". */
public class FramingHeaderConverter implements HeaderConverter {
  private String head;

  @Override
  public void configure(Map<String, ?> configs) {
    head = "[" + configs.get("tag") + "]";
  }

  @Override
  public byte[] fromConnectHeader(String topic, String key, Schema schema, Object value) {
    if (Thread.currentThread().getContextClassLoader() != getClass().getClassLoader()) {
      throw new IllegalStateException("the context class loader is not the plugin's");
    }
    return value == null ? null : (head + value.toString().toUpperCase()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public SchemaAndValue toConnectHeader(String topic, String key, byte[] value) {
    if (value == null) return SchemaAndValue.NULL;
    String s = new String(value, StandardCharsets.UTF_8);
    if (!s.startsWith(head)) throw new DataException("header " + key + " not framed: " + s);
    if (s.substring(head.length()).equals("REFUSE")) {
      throw new DataException("FramingHeaderConverter refuses header " + key);
    }
    return new SchemaAndValue(Schema.STRING_SCHEMA, s.substring(head.length()));
  }

  @Override
  public org.apache.kafka.common.config.ConfigDef config() {
    return new org.apache.kafka.common.config.ConfigDef();
  }

  @Override
  public void close() {}
}
"#;

const FRAMING_JAVA: &str = r#"
package com.example.conv;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/** Frames a string as "[tag|k]" or "[tag|v]" and the string upper-cased; reads it back. */
public class FramingConverter implements Converter {
  private String head;

  private static void inPluginLoader() {
    if (Thread.currentThread().getContextClassLoader() != FramingConverter.class.getClassLoader()) {
      throw new IllegalStateException("the context class loader is not the plugin's");
    }
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    inPluginLoader();
    Object tag = configs.get("tag");
    if (tag == null || tag.toString().isEmpty()) {
      throw new ConfigException("tag", tag, "FramingConverter needs a tag");
    }
    head = "[" + tag + "|" + (isKey ? "k" : "v") + "]";
  }

  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    inPluginLoader();
    if (value == null) return null;
    String s = value.toString();
    if (s.startsWith("bad")) throw new DataException("FramingConverter refuses " + s);
    return (head + s.toUpperCase()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] value) {
    return toConnectData(topic, new RecordHeaders(), value);
  }

  @Override
  public SchemaAndValue toConnectData(String topic, Headers headers, byte[] value) {
    inPluginLoader();
    if (value == null) return SchemaAndValue.NULL;
    String s = new String(value, StandardCharsets.UTF_8);
    if (!s.startsWith(head)) {
      Header origin = headers.lastHeader("origin");
      throw new DataException("not framed by " + head + ": " + s + " (origin="
          + (origin == null ? "none" : new String(origin.value(), StandardCharsets.UTF_8)) + ")");
    }
    return new SchemaAndValue(Schema.STRING_SCHEMA, "read:" + s.substring(head.length()));
  }
}
"#;

/// Apache Kafka's Connect jars (fetched by scripts/kafka.sh).
fn connect_lib_dir() -> PathBuf {
    let out = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/kafka.sh"))
        .arg("connect-lib-dir")
        .output()
        .expect("scripts/kafka.sh connect-lib-dir");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim(),
    )
}

/// `plugins/framing-converter/framing-converter.jar`: the converter compiled against
/// connect-api and kafka-clients, which the plugin does not bundle (Kafka Connect's own).
fn framing_plugin(dir: &Path) -> PathBuf {
    let lib = connect_lib_dir();
    let src = dir.join("src/com/example/conv");
    std::fs::create_dir_all(&src).unwrap();
    write(&src.join("FramingConverter.java"), FRAMING_JAVA);
    write(
        &src.join("FramingHeaderConverter.java"),
        FRAMING_HEADER_JAVA,
    );
    let classes = dir.join("classes");
    std::fs::create_dir_all(&classes).unwrap();
    let status = std::process::Command::new("javac")
        .args(["--release", "17", "-d"])
        .arg(&classes)
        .arg("-cp")
        .arg(format!("{}/*", lib.display()))
        .arg(src.join("FramingConverter.java"))
        .arg(src.join("FramingHeaderConverter.java"))
        .status()
        .expect("javac");
    assert!(status.success(), "javac failed");
    let plugins = dir.join("plugins");
    let plugin = plugins.join("framing-converter");
    std::fs::create_dir_all(&plugin).unwrap();
    let status = std::process::Command::new("jar")
        .arg("cf")
        .arg(plugin.join("framing-converter.jar"))
        .arg("-C")
        .arg(&classes)
        .arg(".")
        .status()
        .expect("jar");
    assert!(status.success(), "jar failed");
    plugins
}

fn produce(topic: &str, value: &[u8], header: (&str, &str)) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topic(&bootstrap(), topic, 1).await;
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .unwrap();
        let r: FutureRecord<'_, str, [u8]> =
            FutureRecord::to(topic)
                .payload(value)
                .headers(OwnedHeaders::new().insert(Header {
                    key: header.0,
                    value: Some(header.1),
                }));
        producer
            .send(r, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| e)
            .unwrap();
    });
}

fn put_json(port: u16, path: &str, body: &serde_json::Value) -> serde_json::Value {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .put(format!("http://127.0.0.1:{port}{path}"))
            .json(body)
            .send()
            .await
            .expect("REST call")
            .json()
            .await
            .unwrap_or(serde_json::Value::Null)
    })
}

fn line(i: usize) -> String {
    if i % 100 == 7 {
        format!("bad-{i}")
    } else {
        format!("rec-{i}")
    }
}

#[test]
fn a_java_converter_from_a_plugin_directory_converts_for_a_source_and_a_sink() {
    let status = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/setup/java.sh"))
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/setup/java.sh failed");
    let total = 500;
    let refused = (0..total).filter(|i| i % 100 == 7).count();
    let dir = tempfile::tempdir().unwrap();
    let plugins = framing_plugin(dir.path());
    let port = free_port();
    let worker = dir.path().join("worker.properties");
    write(
        &worker,
        &format!(
            "bootstrap.servers={}\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             offset.storage.file.filename={}\n\
             offset.flush.interval.ms=500\n\
             listeners=http://127.0.0.1:{port}\n\
             plugin.path={},{}\n",
            bootstrap(),
            dir.path().join("offsets.json").display(),
            repo_root().join("connectors").display(),
            plugins.display(),
        ),
    );
    let topic = unique("oop-converter");
    let dlq = unique("oop-converter-dlq");
    // A record no FramingConverter wrote: the sink's converter refuses it.
    produce(&topic, b"not framed", ("origin", "test"));
    // Its value is framed, its header the sink's header converter refuses.
    produce(&topic, b"[t1|v]REC-HEADER", ("stage", "[h1]REFUSE"));
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let text: String = (0..total).map(|i| format!("{}\n", line(i))).collect();
    write(&input, &text);
    let source = dir.path().join("source.properties");
    write(
        &source,
        &format!(
            "name=src\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\ntopic={topic}\n\
             value.converter={CONVERTER}\nvalue.converter.tag=t1\n\
             header.converter={HEADER_CONVERTER}\nheader.converter.tag=h1\n\
             transforms=stage\ntransforms.stage.type=org.apache.kafka.connect.transforms.InsertHeader\n\
             transforms.stage.header=stage\ntransforms.stage.value.literal=builtin\n\
             errors.tolerance=all\n",
            input.display()
        ),
    );
    let sink = dir.path().join("sink.properties");
    write(
        &sink,
        &format!(
            "name=sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile={}\ntopics={topic}\n\
             value.converter={CONVERTER}\nvalue.converter.tag=t1\n\
             header.converter={HEADER_CONVERTER}\nheader.converter.tag=h1\n\
             errors.tolerance=all\nerrors.deadletterqueue.topic.name={dlq}\n\
             errors.deadletterqueue.topic.replication.factor=1\n\
             errors.deadletterqueue.context.headers.enable=true\n",
            output.display()
        ),
    );
    // Without its tag the converter's configure() throws: the task fails with the cause.
    let unconfigured = dir.path().join("unconfigured.properties");
    write(
        &unconfigured,
        &format!(
            "name=unconfigured\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\n\
             topic={topic}-x\nvalue.converter={CONVERTER}\n",
            input.display()
        ),
    );
    // Without errors.tolerance the first record the converter refuses fails the task.
    let strict = dir.path().join("strict.properties");
    write(
        &strict,
        &format!(
            "name=strict\nconnector.class=FileStreamSource\ntasks.max=1\nfile={}\n\
             topic={topic}-strict\nvalue.converter={CONVERTER}\nvalue.converter.tag=t2\n",
            input.display()
        ),
    );
    let core = Core::start(
        dir.path(),
        &worker,
        &[source, sink, unconfigured, strict],
        port,
    );
    core.wait_task_state("src", 0, "RUNNING", Duration::from_secs(120));
    let failed = core.wait_task_state("unconfigured", 0, "FAILED", Duration::from_secs(120));
    let trace = failed["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains("FramingConverter needs a tag") && trace.contains("value.converter"),
        "the configure() failure is the task's cause: {failed}"
    );

    let failed = core.wait_task_state("strict", 0, "FAILED", Duration::from_secs(120));
    let trace = failed["trace"].as_str().unwrap_or_default();
    assert!(
        trace.contains("Tolerance exceeded") && trace.contains("FramingConverter refuses bad-7"),
        "a refused record without tolerance fails the task: {failed}"
    );
    // Nothing from the refused record on reached Kafka; what did is in the plugin's framing.
    let strict_records = read_topic(
        &bootstrap(),
        &format!("{topic}-strict"),
        7,
        Duration::from_secs(30),
    );
    assert!(
        strict_records.len() <= 7,
        "only records before the refused one: {}",
        strict_records.len()
    );
    assert!(strict_records
        .iter()
        .all(|r| r.3.as_deref().is_some_and(|v| v.starts_with(b"[t2|v]REC-"))));

    // REST validation knows the plugin's converters, and refuses a class nobody has (a
    // header converter's class as a value converter too).
    for (class, errors) in [
        (CONVERTER, 0),
        ("com.example.conv.Nope", 1),
        (HEADER_CONVERTER, 1),
    ] {
        let body = put_json(
            port,
            "/connector-plugins/FileStreamSink/config/validate",
            &serde_json::json!({
                "connector.class": "FileStreamSink", "name": "v", "topics": "t",
                "file": output.display().to_string(),
                "value.converter": class, "value.converter.tag": "t1",
                "header.converter": HEADER_CONVERTER,
            }),
        );
        let header = body["configs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["value"]["name"] == "header.converter")
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(
            header["value"]["errors"].as_array().unwrap().len(),
            0,
            "header.converter={HEADER_CONVERTER}: {header}"
        );
        let entry = body["configs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["value"]["name"] == "value.converter")
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(
            entry["value"]["errors"].as_array().unwrap().len(),
            errors,
            "value.converter={class}: {entry}"
        );
    }

    // The topic holds the plugin's bytes, and its header converter's.
    let expected_in_topic = total - refused + 2;
    let records = read_with_headers(&topic, expected_in_topic, Duration::from_secs(90));
    let mut framed = 0;
    for r in &records {
        let v = String::from_utf8(r.value.clone().unwrap()).unwrap();
        if v == "not framed" || v == "[t1|v]REC-HEADER" {
            continue;
        }
        assert!(
            v.starts_with("[t1|v]REC-"),
            "the plugin's framing in Kafka: {v}"
        );
        assert_eq!(
            r.headers.get("stage").map(String::as_str),
            Some("[h1]BUILTIN"),
            "InsertHeader's header through the plugin's header converter: {:?}",
            r.headers
        );
        framed += 1;
    }
    assert_eq!(framed, total - refused, "records in the topic");

    // The sink's file: what the plugin's toConnectData made of every framed record.
    let lines = wait_lines(&output, total - refused, Duration::from_secs(90));
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for l in &lines {
        let n = l
            .strip_prefix("read:REC-")
            .unwrap_or_else(|| panic!("the plugin's toConnectData output: {l}"));
        *seen.entry(n.parse().unwrap()).or_default() += 1;
    }
    let missing: Vec<usize> = (0..total)
        .filter(|i| i % 100 != 7 && !seen.contains_key(i))
        .collect();
    let duplicates = seen.values().filter(|c| **c > 1).count();
    let wrongly_written = seen.keys().filter(|i| *i % 100 == 7).count();
    eprintln!(
        "converter out of process: {total} lines, {refused} refused by the source's converter, \
         {} in the topic, {} written by the sink, missing {}, duplicates {duplicates}",
        records.len(),
        lines.len(),
        missing.len()
    );
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert_eq!(wrongly_written, 0);

    // The records the sink's converters refused, in the dead letter queue with their causes:
    // the value converter's, and the header converter's.
    let mut dead = read_with_headers(&dlq, 2, Duration::from_secs(60));
    assert_eq!(dead.len(), 2, "two records in the dead letter queue");
    dead.sort_by_key(|d| d.value.clone());
    let by_header = dead.remove(0);
    assert_eq!(by_header.value.as_deref(), Some(&b"[t1|v]REC-HEADER"[..]));
    assert_eq!(
        by_header
            .headers
            .get("__connect.errors.class.name")
            .map(String::as_str),
        Some(HEADER_CONVERTER),
        "{:?}",
        by_header.headers
    );
    assert!(
        by_header
            .headers
            .get("__connect.errors.exception.message")
            .is_some_and(|m| m.contains("FramingHeaderConverter refuses header stage")),
        "{:?}",
        by_header.headers
    );
    assert_eq!(dead[0].value.as_deref(), Some(&b"not framed"[..]));
    assert_eq!(
        dead[0]
            .headers
            .get("__connect.errors.exception.class.name")
            .map(String::as_str),
        Some("org.apache.kafka.connect.errors.DataException"),
        "{:?}",
        dead[0].headers
    );
    // The converter got the record's Kafka headers (toConnectData(topic, headers, bytes)).
    assert!(
        dead[0]
            .headers
            .get("__connect.errors.exception.message")
            .is_some_and(|m| m.contains("not framed by [t1|v]") && m.contains("(origin=test)")),
        "{:?}",
        dead[0].headers
    );
    assert_eq!(
        dead[0]
            .headers
            .get("__connect.errors.class.name")
            .map(String::as_str),
        Some(CONVERTER),
        "{:?}",
        dead[0].headers
    );
    // The bridge configured an instance per task: the source's and the sink's.
    let log = core.log_text();
    assert!(
        log.contains(&format!("{CONVERTER} (value) of src task 0 started"))
            && log.contains(&format!("{CONVERTER} (value) of sink task 0 started"))
            && log.contains(&format!(
                "{HEADER_CONVERTER} (header) of src task 0 started"
            ))
            && log.contains(&format!(
                "{HEADER_CONVERTER} (header) of sink task 0 started"
            )),
        "the converter ran in the bridge:\n{log}"
    );
}
