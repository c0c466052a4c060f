//! Transforms and predicates on the `Transform` service over a real gRPC connection (a unix
//! socket), driven from the core's side with the generated client: the handshake lists them
//! with their types, Spec gives a transform's config definition, and a stream configures
//! one instance, answers one outcome per record in order (the record, dropped, a
//! predicate's answer, a record error, a panic as a record error, a retriable error as
//! Kafka Connect's RetriableException), refuses a bad config or an unknown class, keeps
//! schema references per direction and closes the instance on Stop.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use polyconnect_proto::v1 as pb;
use polyconnect_sdk::*;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Endpoint, Uri};

static CLOSED: AtomicU32 = AtomicU32::new(0);

#[derive(Default)]
struct Suffix {
    suffix: String,
}

impl Transformation for Suffix {
    const CLASS: &'static str = "com.example.Suffix";
    const ALIASES: &'static [&'static str] = &["Suffixer"];
    const VERSION: &'static str = "1.2.3";
    fn config_def() -> ConfigDef {
        ConfigDef::new().required("suffix", Type::String, Importance::High, "Appended")
    }
    fn configure(&mut self, config: &Config) -> Result<()> {
        self.suffix = config.string("suffix")?;
        if self.suffix == "refuse" {
            return Err(Error::config("suffix 'refuse' is refused"));
        }
        Ok(())
    }
    fn apply(&mut self, r: ConnectRecord) -> Result<Option<ConnectRecord>> {
        match r.value().cloned() {
            Some(Value::String(s)) if s == "drop" => Ok(None),
            Some(Value::String(s)) if s == "panic" => panic!("boom on {s}"),
            Some(Value::String(s)) if s == "later" => Err(Error::retriable("not now")),
            Some(Value::String(s)) => {
                let topic = format!("{}-out", r.topic);
                Ok(Some(
                    r.with_new_value(format!("{s}{}", self.suffix))
                        .with_topic(topic)
                        .with_header("by", None, "rust"),
                ))
            }
            Some(Value::Struct(st)) => {
                // Keeps the schema (an Arc): sent once, then by reference.
                let schema = r.value_schema().cloned();
                Ok(Some(r.with_value(schema, Value::Struct(st))))
            }
            v => Err(Error::fatal(format!("not a string: {v:?}"))),
        }
    }
    fn close(&mut self) {
        CLOSED.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct LongerThan(usize);

impl Predicate for LongerThan {
    const CLASS: &'static str = "LongerThan";
    fn config_def() -> ConfigDef {
        ConfigDef::new().optional("n", Type::Int, "3", Importance::Low, "Length")
    }
    fn configure(&mut self, config: &Config) -> Result<()> {
        self.0 = config.i64("n")? as usize;
        Ok(())
    }
    fn test(&mut self, r: &ConnectRecord) -> Result<bool> {
        match r.value() {
            Some(Value::String(s)) => Ok(s.len() > self.0),
            _ => Err(Error::fatal("no string")),
        }
    }
}

async fn serve_and_connect() -> (
    tonic::transport::Channel,
    watch::Sender<bool>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("t.sock");
    let (stop, rx) = watch::channel(false);
    let listen = format!("unix:{}", sock.display());
    tokio::spawn(async move {
        serve_at(
            &listen,
            None,
            [
                Plugin::transform::<Suffix>(),
                Plugin::predicate::<LongerThan>(),
            ],
            rx,
        )
        .await
    });
    for _ in 0..200 {
        if sock.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let sock = sock.clone();
            async move {
                Ok::<_, std::io::Error>(TokioIo::new(tokio::net::UnixStream::connect(sock).await?))
            }
        }))
        .await
        .unwrap();
    (channel, stop, dir)
}

/// A stream opened with `class` and `config`: what it answered to the start, and its ends.
async fn open(
    channel: tonic::transport::Channel,
    class: &str,
    config: &[(&str, &str)],
) -> (
    mpsc::Sender<pb::TransformRequest>,
    tonic::Streaming<pb::TransformResponse>,
    pb::transform_response::Msg,
) {
    let (tx, rx) = mpsc::channel(16);
    tx.send(pb::TransformRequest {
        msg: Some(pb::transform_request::Msg::Start(pb::TransformStart {
            protocol_version: 1,
            class_name: class.into(),
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            alias: "x".into(),
            connector_name: "c".into(),
            task_id: 0,
            ..Default::default()
        })),
    })
    .await
    .unwrap();
    let mut client = pb::transform_client::TransformClient::new(channel);
    let mut out = client
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    let first = next(&mut out).await;
    (tx, out, first)
}

/// The next message that is not a heartbeat.
async fn next(out: &mut tonic::Streaming<pb::TransformResponse>) -> pb::transform_response::Msg {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), out.message())
            .await
            .expect("an answer within 10 s")
            .unwrap()
            .expect("the stream is open")
            .msg
            .unwrap();
        if !matches!(m, pb::transform_response::Msg::Heartbeat(_)) {
            return m;
        }
    }
}

fn string_record(i: u32, v: &str) -> pb::TransformRecord {
    pb::TransformRecord {
        index: i,
        topic: "in".into(),
        value: Some(pb::RecordData {
            kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                schema: Some(pb::Schema {
                    r#type: pb::SchemaType::String as i32,
                    optional: true,
                    ..Default::default()
                }),
                value: Some(pb::Value {
                    kind: Some(pb::value::Kind::String(v.into())),
                }),
            })),
        }),
        timestamp: Some(1_700_000_000_000),
        kafka_offset: Some(40 + i as i64),
        timestamp_type: pb::TimestampType::CreateTime as i32,
        trace: Some(pb::TraceContext {
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
            tracestate: String::new(),
        }),
        ..Default::default()
    }
}

async fn batch(
    tx: &mpsc::Sender<pb::TransformRequest>,
    out: &mut tonic::Streaming<pb::TransformResponse>,
    id: u64,
    records: Vec<pb::TransformRecord>,
) -> Vec<pb::transform_outcome::Outcome> {
    tx.send(pb::TransformRequest {
        msg: Some(pb::transform_request::Msg::Batch(pb::TransformBatch {
            batch_id: id,
            records,
            trace: None,
        })),
    })
    .await
    .unwrap();
    match next(out).await {
        pb::transform_response::Msg::Result(r) => {
            assert_eq!(r.batch_id, id);
            r.outcomes
                .into_iter()
                .enumerate()
                .map(|(i, o)| {
                    assert_eq!(o.index as usize, i, "outcomes in batch order");
                    o.outcome.unwrap()
                })
                .collect()
        }
        m => panic!("expected a TransformResult, got {m:?}"),
    }
}

fn value_string(r: &pb::TransformRecord) -> String {
    match r.value.as_ref().and_then(|d| d.kind.as_ref()) {
        Some(pb::record_data::Kind::Structured(s)) => {
            match s.value.as_ref().unwrap().kind.clone() {
                Some(pb::value::Kind::String(s)) => s,
                k => panic!("not a string: {k:?}"),
            }
        }
        d => panic!("no structured value: {d:?}"),
    }
}

#[tokio::test]
async fn handshake_and_spec_describe_transforms_and_predicates() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let mut client = pb::connector_client::ConnectorClient::new(channel);
    let hs = client
        .handshake(pb::HandshakeRequest {
            protocol_versions: vec![1],
            core_version: "test".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let types: Vec<(String, i32, String)> = hs
        .plugins
        .iter()
        .map(|p| (p.class_name.clone(), p.r#type, p.version.clone()))
        .collect();
    assert_eq!(
        types,
        vec![
            (
                "com.example.Suffix".to_string(),
                pb::PluginType::Transformation as i32,
                "1.2.3".to_string()
            ),
            (
                "LongerThan".to_string(),
                pb::PluginType::Predicate as i32,
                "0.0.0".to_string()
            ),
        ]
    );
    assert_eq!(hs.plugins[0].aliases, vec!["Suffixer".to_string()]);
    let spec = client
        .spec(pb::SpecRequest {
            connector_class: "Suffixer".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(spec.config.len(), 1);
    assert_eq!(spec.config[0].name, "suffix");
    // Validate checks the definition, without a connector behind it.
    let v = client
        .validate(pb::ValidateRequest {
            connector_class: "LongerThan".into(),
            config: [("n".to_string(), "x".to_string())].into(),
        })
        .await
        .unwrap()
        .into_inner();
    let n = v.values.iter().find(|c| c.name == "n").unwrap();
    assert!(!n.errors.is_empty(), "{v:?}");
    // A transform is not a connector: a Connector stream refuses it.
    let (tx, rx) = mpsc::channel(4);
    tx.send(pb::ConnectorRequest {
        msg: Some(pb::connector_request::Msg::Start(pb::ConnectorStart {
            protocol_version: 1,
            connector_class: "com.example.Suffix".into(),
            connector_name: "c".into(),
            ..Default::default()
        })),
    })
    .await
    .unwrap();
    let mut out = client
        .run(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    match out.message().await.unwrap().unwrap().msg {
        Some(pb::connector_response::Msg::Error(e)) => {
            assert_eq!(e.kind, pb::ErrorKind::Config as i32, "{e:?}")
        }
        m => panic!("expected an error, got {m:?}"),
    }
}

#[tokio::test]
async fn a_transform_answers_each_record_in_order() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let closed_before = CLOSED.load(Ordering::SeqCst);
    let (tx, mut out, started) = open(channel, "Suffixer", &[("suffix", "!")]).await;
    match started {
        pb::transform_response::Msg::Started(s) => {
            assert_eq!(s.r#type, pb::PluginType::Transformation as i32)
        }
        m => panic!("expected TransformStarted, got {m:?}"),
    }
    let mut number = string_record(5, "");
    number.index = 5;
    number.value = Some(pb::RecordData {
        kind: Some(pb::record_data::Kind::Structured(pb::Structured {
            schema: None,
            value: Some(pb::Value {
                kind: Some(pb::value::Kind::Int64(7)),
            }),
        })),
    });
    let outcomes = batch(
        &tx,
        &mut out,
        1,
        vec![
            string_record(0, "a"),
            string_record(1, "drop"),
            string_record(2, "b"),
            string_record(3, "panic"),
            string_record(4, "later"),
            number,
        ],
    )
    .await;
    use pb::transform_outcome::Outcome as O;
    let O::Record(a) = &outcomes[0] else {
        panic!("{:?}", outcomes[0])
    };
    assert_eq!(value_string(a), "a!");
    assert_eq!(a.topic, "in-out");
    assert_eq!(a.timestamp, Some(1_700_000_000_000));
    assert_eq!(a.kafka_offset, Some(40));
    assert_eq!(a.timestamp_type, pb::TimestampType::CreateTime as i32);
    assert_eq!(a.headers.len(), 1);
    assert_eq!(a.headers[0].key, "by");
    assert_eq!(
        a.trace.as_ref().unwrap().traceparent,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    );
    // The value's schema is kept.
    match a.value.as_ref().unwrap().kind.as_ref().unwrap() {
        pb::record_data::Kind::Structured(s) => {
            let schema = s.schema.as_ref().unwrap();
            assert_eq!(schema.r#type, pb::SchemaType::String as i32);
            assert!(schema.optional);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(outcomes[1], O::Dropped(true));
    let O::Record(b) = &outcomes[2] else {
        panic!("{:?}", outcomes[2])
    };
    assert_eq!(value_string(b), "b!");
    let O::Error(panicked) = &outcomes[3] else {
        panic!("{:?}", outcomes[3])
    };
    assert_eq!(panicked.kind, pb::ErrorKind::Record as i32);
    assert!(panicked.message.contains("boom on panic"), "{panicked:?}");
    let O::Error(later) = &outcomes[4] else {
        panic!("{:?}", outcomes[4])
    };
    assert_eq!(later.kind, pb::ErrorKind::Record as i32);
    assert_eq!(
        later.error_class,
        "org.apache.kafka.connect.errors.RetriableException"
    );
    let O::Error(number) = &outcomes[5] else {
        panic!("{:?}", outcomes[5])
    };
    assert_eq!(number.kind, pb::ErrorKind::Record as i32);
    assert!(number.message.starts_with("not a string"), "{number:?}");

    // The same stream goes on after record errors and a panic.
    let outcomes = batch(&tx, &mut out, 2, vec![string_record(0, "c")]).await;
    let O::Record(c) = &outcomes[0] else {
        panic!("{:?}", outcomes[0])
    };
    assert_eq!(value_string(c), "c!");

    tx.send(pb::TransformRequest {
        msg: Some(pb::transform_request::Msg::Stop(pb::Stop {
            timeout_ms: 1000,
        })),
    })
    .await
    .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = out.message().await {}
    })
    .await;
    assert!(end.is_ok(), "the stream ends after Stop");
    assert!(CLOSED.load(Ordering::SeqCst) > closed_before, "close() ran");
}

#[tokio::test]
async fn schemas_go_by_reference_once_defined() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let (tx, mut out, _) = open(channel, "com.example.Suffix", &[("suffix", "")]).await;
    let schema = pb::Schema {
        r#type: pb::SchemaType::Struct as i32,
        name: "Row".into(),
        id: 7,
        fields: vec![pb::Field {
            name: "id".into(),
            schema: Some(pb::Schema {
                r#type: pb::SchemaType::Int32 as i32,
                ..Default::default()
            }),
        }],
        ..Default::default()
    };
    let row = |i: u32, schema: pb::Schema| pb::TransformRecord {
        index: i,
        topic: "rows".into(),
        value: Some(pb::RecordData {
            kind: Some(pb::record_data::Kind::Structured(pb::Structured {
                schema: Some(schema),
                value: Some(pb::Value {
                    kind: Some(pb::value::Kind::Struct(pb::Struct {
                        fields: vec![pb::Value {
                            kind: Some(pb::value::Kind::Int32(i as i32)),
                        }],
                    })),
                }),
            })),
        }),
        ..Default::default()
    };
    let by_ref = pb::Schema {
        r#ref: 7,
        ..Default::default()
    };
    let outcomes = batch(
        &tx,
        &mut out,
        1,
        vec![row(0, schema.clone()), row(1, by_ref.clone())],
    )
    .await;
    let schema_of = |o: &pb::transform_outcome::Outcome| match o {
        pb::transform_outcome::Outcome::Record(r) => {
            match r.value.as_ref().unwrap().kind.as_ref().unwrap() {
                pb::record_data::Kind::Structured(s) => s.schema.clone().unwrap(),
                k => panic!("{k:?}"),
            }
        }
        o => panic!("{o:?}"),
    };
    // Defined in the first outcome, referenced in the second (the SDK's own ids).
    let first = schema_of(&outcomes[0]);
    assert_eq!(first.name, "Row");
    assert_ne!(first.id, 0);
    let second = schema_of(&outcomes[1]);
    assert_eq!(second.r#ref, first.id);
    assert!(second.fields.is_empty());
    // A reference from an earlier batch still resolves.
    let outcomes = batch(&tx, &mut out, 2, vec![row(0, by_ref)]).await;
    assert_eq!(schema_of(&outcomes[0]).r#ref, first.id);
}

#[tokio::test]
async fn a_predicate_answers_and_fails_per_record() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    let (tx, mut out, started) = open(channel, "LongerThan", &[("n", "2")]).await;
    match started {
        pb::transform_response::Msg::Started(s) => {
            assert_eq!(s.r#type, pb::PluginType::Predicate as i32)
        }
        m => panic!("expected TransformStarted, got {m:?}"),
    }
    let mut empty = string_record(2, "");
    empty.value = None;
    let outcomes = batch(
        &tx,
        &mut out,
        1,
        vec![string_record(0, "abc"), string_record(1, "ab"), empty],
    )
    .await;
    use pb::transform_outcome::Outcome as O;
    assert_eq!(outcomes[0], O::Matches(true));
    assert_eq!(outcomes[1], O::Matches(false));
    match &outcomes[2] {
        O::Error(e) => {
            assert_eq!(e.kind, pb::ErrorKind::Record as i32);
            assert_eq!(e.message, "no string");
        }
        o => panic!("{o:?}"),
    }
}

#[tokio::test]
async fn a_bad_config_or_an_unknown_class_is_a_config_error() {
    let (channel, _stop, _dir) = serve_and_connect().await;
    for (class, config, says) in [
        ("Suffixer", vec![], "suffix"),
        (
            "Suffixer",
            vec![("suffix", "refuse")],
            "suffix 'refuse' is refused",
        ),
        ("LongerThan", vec![("n", "many")], "n"),
        (
            "Nope",
            vec![],
            "does not serve the transform or predicate 'Nope'",
        ),
    ] {
        let (_tx, _out, first) = open(channel.clone(), class, &config).await;
        match first {
            pb::transform_response::Msg::Error(e) => {
                assert_eq!(e.kind, pb::ErrorKind::Config as i32, "{class}: {e:?}");
                assert!(e.message.contains(says), "{class}: {e:?}");
            }
            m => panic!("{class}: expected a CONFIG error, got {m:?}"),
        }
    }
}

#[test]
fn connect_record_helpers_keep_what_they_do_not_change() {
    let schema = Arc::new(Schema::string().optional());
    let r = ConnectRecord::new("t").with_value(Some(schema.clone()), "v");
    let r = r.with_new_value("w").with_key(None, "k");
    assert_eq!(r.value(), Some(&Value::String("w".into())));
    assert!(Arc::ptr_eq(r.value_schema().unwrap(), &schema));
    assert_eq!(r.key(), Some(&Value::String("k".into())));
    assert!(r.key_schema().is_none());
    assert_eq!(r.topic, "t");
}
