//! The Go REST source (`connectors/rest-source`, launched by the core from its manifest and
//! built with the Go SDK) reads paged JSON from a real local HTTP server: several endpoints
//! split across two tasks, a bearer token checked on every request, a 5xx answer and a
//! dropped connection that are retried. Every item arrives in Kafka exactly as served, and
//! after a restart of the core the source resumes from the stored offsets.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use polyconnect_e2e::*;

const TOKEN: &str = "s3cret-token";
const PAGE: usize = 40;

#[derive(Default)]
struct Api {
    /// Items of each endpoint, as JSON text.
    items: BTreeMap<String, Vec<String>>,
    /// (path, offset) answered once with a failure: 503, or a dropped connection.
    fail_503: HashSet<(String, usize)>,
    drop_connection: HashSet<(String, usize)>,
    /// Every request: (path, offset, authorized, status).
    log: Vec<(String, usize, bool, u16)>,
}

fn user(i: usize) -> String {
    // Spacing, escapes and non-ASCII text must reach Kafka unchanged.
    format!(r#"{{"id": "u-{i}", "name":"Zoë \"{i}\"", "tags":["a","b"], "score": {i}.5}}"#)
}

fn order(i: usize) -> String {
    format!(
        r#"{{"id":"o-{i}","total":{},"lines":[{{"sku":"x{i}","qty":1}}]}}"#,
        i * 3
    )
}

fn serve(api: Arc<Mutex<Api>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let api = api.clone();
            std::thread::spawn(move || handle(conn, &api));
        }
    });
    port
}

fn handle(mut conn: TcpStream, api: &Mutex<Api>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut authorized = false;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") && v.trim() == format!("Bearer {TOKEN}") {
                authorized = true;
            }
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let param = |name: &str| -> Option<usize> {
        query.split('&').find_map(|kv| {
            kv.strip_prefix(&format!("{name}="))
                .and_then(|v| v.parse().ok())
        })
    };
    let (offset, limit) = (param("offset").unwrap_or(0), param("limit").unwrap_or(10));
    let mut api = api.lock().unwrap();
    let key = (path.to_string(), offset);
    let (status, body) = if !authorized {
        (401, "{\"error\":\"unauthorized\"}".to_string())
    } else if api.drop_connection.remove(&key) {
        api.log.push((path.to_string(), offset, authorized, 0));
        return; // closed without an answer
    } else if api.fail_503.remove(&key) {
        (503, "{\"error\":\"try later\"}".to_string())
    } else if let Some(items) = api.items.get(path) {
        let page: Vec<&str> = items
            .iter()
            .skip(offset)
            .take(limit)
            .map(String::as_str)
            .collect();
        (200, format!("[{}]", page.join(",")))
    } else {
        (404, "{}".to_string())
    };
    api.log.push((path.to_string(), offset, authorized, status));
    drop(api);
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Service Unavailable",
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// (key, value) of every record in the topic, sorted.
fn topic_records(topic: &str, expected: usize) -> Vec<(String, String)> {
    let mut got: Vec<(String, String)> =
        read_topic(&bootstrap(), topic, expected, Duration::from_secs(90))
            .into_iter()
            .map(|r| {
                (
                    String::from_utf8(r.2.expect("a key")).unwrap(),
                    String::from_utf8(r.3.expect("a value")).unwrap(),
                )
            })
            .collect();
    got.sort();
    got
}

fn expected(api: &Mutex<Api>) -> Vec<(String, String)> {
    let api = api.lock().unwrap();
    let mut out: Vec<(String, String)> = api
        .items
        .values()
        .flatten()
        .map(|item| {
            let v: serde_json::Value = serde_json::from_str(item).unwrap();
            (v["id"].as_str().unwrap().to_string(), item.clone())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn rest_source_reads_every_page_and_resumes_after_a_restart() {
    // Build the plugin first, so that the core's start-up wait does not include compiling.
    let plugin_dir = repo_root().join("connectors/rest-source");
    let status = Command::new("go")
        .args(["build", "-buildvcs=false", "-o", ".bin/rest-source", "."])
        .current_dir(&plugin_dir)
        .status()
        .expect("go is needed to build connectors/rest-source");
    assert!(status.success(), "building connectors/rest-source failed");

    let api = Arc::new(Mutex::new(Api::default()));
    {
        let mut a = api.lock().unwrap();
        a.items
            .insert("/users".into(), (0..150).map(user).collect());
        a.items
            .insert("/orders".into(), (0..90).map(order).collect());
        a.items.insert("/empty".into(), Vec::new());
        a.fail_503.insert(("/orders".into(), PAGE));
        a.drop_connection.insert(("/users".into(), 2 * PAGE));
    }
    let http = serve(api.clone());

    let dir = tempfile::tempdir().unwrap();
    let topic = unique("rest");
    let rest = free_port();
    let worker = worker_properties(dir.path(), rest, "");
    let conn = dir.path().join("rest.properties");
    write(
        &conn,
        &format!(
            "name=rest\nconnector.class=RestSource\ntasks.max=2\ntopic={topic}\n\
             rest.url=http://127.0.0.1:{http}/api/\nrest.endpoints=/users,/orders,/empty\n\
             rest.bearer.token={TOKEN}\nrest.page.size={PAGE}\nrest.id.field=id\n\
             rest.poll.interval.ms=300\nrest.retry.backoff.ms=50\nrest.retry.backoff.max.ms=400\n"
        ),
    );
    // The server serves under /api.
    {
        let mut a = api.lock().unwrap();
        let items = std::mem::take(&mut a.items);
        a.items = items
            .into_iter()
            .map(|(k, v)| (format!("/api{k}"), v))
            .collect();
        a.fail_503 = a
            .fail_503
            .drain()
            .map(|(k, o)| (format!("/api{k}"), o))
            .collect();
        a.drop_connection = a
            .drop_connection
            .drain()
            .map(|(k, o)| (format!("/api{k}"), o))
            .collect();
    }

    let mut core = Core::start(dir.path(), &worker, &[conn], rest);
    core.wait_task_state("rest", 0, "RUNNING", Duration::from_secs(90));
    core.wait_task_state("rest", 1, "RUNNING", Duration::from_secs(30));

    let want = expected(&api);
    assert_eq!(want.len(), 240);
    let got = topic_records(&topic, want.len());
    assert_eq!(
        got.len(),
        want.len(),
        "records in the topic\n{}",
        core.log_text()
    );
    assert_eq!(got, want, "the topic holds exactly the items served");
    {
        let a = api.lock().unwrap();
        assert!(
            a.log.iter().all(|r| r.2),
            "a request without the bearer token: {:?}",
            a.log.iter().find(|r| !r.2)
        );
        let orders_page2: Vec<u16> = a
            .log
            .iter()
            .filter(|r| r.0 == "/api/orders" && r.1 == PAGE)
            .map(|r| r.3)
            .collect();
        assert_eq!(orders_page2, vec![503, 200], "the 5xx page is asked again");
        let users_page3: Vec<u16> = a
            .log
            .iter()
            .filter(|r| r.0 == "/api/users" && r.1 == 2 * PAGE)
            .map(|r| r.3)
            .collect();
        assert_eq!(
            users_page3,
            vec![0, 200],
            "the dropped request is sent again"
        );
        assert!(a.fail_503.is_empty() && a.drop_connection.is_empty());
    }
    let log = core.log_text();
    assert!(
        log.contains("503"),
        "the retriable error is reported to the core\n{log}"
    );

    // A restart resumes from the stored offsets: new items only.
    core.stop();
    {
        let mut a = api.lock().unwrap();
        a.log.clear();
        a.items
            .get_mut("/api/users")
            .unwrap()
            .extend((150..180).map(user));
        a.items
            .get_mut("/api/orders")
            .unwrap()
            .extend((90..95).map(order));
    }
    core.restart();
    let want = expected(&api);
    assert_eq!(want.len(), 275);
    let got = topic_records(&topic, want.len());
    assert_eq!(
        got,
        want,
        "after the restart the topic holds every item once\n{}",
        core.log_text()
    );
    let a = api.lock().unwrap();
    let first = |path: &str| a.log.iter().find(|r| r.0 == path).map(|r| r.1);
    assert_eq!(
        first("/api/users"),
        Some(150),
        "users resume from the stored offset"
    );
    assert_eq!(
        first("/api/orders"),
        Some(90),
        "orders resume from the stored offset"
    );
    assert_eq!(first("/api/empty"), Some(0));
    assert!(
        a.log.iter().all(|r| r.0 == "/api/empty" || r.1 >= 90),
        "nothing is read again: {:?}",
        a.log
    );
    drop(a);
    core.stop();
}
