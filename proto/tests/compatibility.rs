//! Inside `polyconnect.v1` fields are only ever added: every field, enum value and RPC of
//! the committed baseline (`proto/v1-baseline.txt`) must still exist with the same number,
//! type and label. After an additive change, refresh the baseline with
//! `POLYCONNECT_UPDATE_BASELINE=1 cargo test -p polyconnect-proto`.

use std::collections::BTreeSet;
use std::path::Path;

use prost_types::FileDescriptorSet;

fn surface() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fds: FileDescriptorSet = protox::compile(
        [
            "polyconnect/v1/data.proto",
            "polyconnect/v1/connector.proto",
        ],
        [root],
    )
    .expect("protos compile");
    let mut out = BTreeSet::new();
    for f in &fds.file {
        if !f.package().starts_with("polyconnect.") {
            continue;
        }
        fn messages(
            prefix: &str,
            msgs: &[prost_types::DescriptorProto],
            out: &mut BTreeSet<String>,
        ) {
            for m in msgs {
                let name = format!("{prefix}.{}", m.name());
                for fld in &m.field {
                    out.insert(format!(
                        "field {name}.{} = {} {:?} {:?} {}",
                        fld.name(),
                        fld.number(),
                        fld.r#type(),
                        fld.label(),
                        fld.type_name()
                    ));
                }
                for e in &m.enum_type {
                    for v in &e.value {
                        out.insert(format!(
                            "enum {name}.{}.{} = {}",
                            e.name(),
                            v.name(),
                            v.number()
                        ));
                    }
                }
                messages(&name, &m.nested_type, out);
            }
        }
        messages(f.package(), &f.message_type, &mut out);
        for e in &f.enum_type {
            for v in &e.value {
                out.insert(format!(
                    "enum {}.{}.{} = {}",
                    f.package(),
                    e.name(),
                    v.name(),
                    v.number()
                ));
            }
        }
        for s in &f.service {
            for m in &s.method {
                out.insert(format!(
                    "rpc {}.{}.{}({}{}) returns ({}{})",
                    f.package(),
                    s.name(),
                    m.name(),
                    if m.client_streaming() { "stream " } else { "" },
                    m.input_type(),
                    if m.server_streaming() { "stream " } else { "" },
                    m.output_type()
                ));
            }
        }
    }
    out
}

#[test]
fn v1_only_grows() {
    let baseline_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("v1-baseline.txt");
    let now = surface();
    if std::env::var("POLYCONNECT_UPDATE_BASELINE").is_ok() {
        let text: Vec<String> = now.iter().cloned().collect();
        std::fs::write(&baseline_path, text.join("\n") + "\n").unwrap();
    }
    let baseline: BTreeSet<String> = std::fs::read_to_string(&baseline_path)
        .expect("proto/v1-baseline.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let removed: Vec<&String> = baseline.difference(&now).collect();
    assert!(
        removed.is_empty(),
        "breaking changes to polyconnect.v1 (removed or changed):\n{removed:#?}"
    );
}
