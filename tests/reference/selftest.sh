#!/usr/bin/env bash
# Self-check of the reference harness: builds it if needed, pipes a few
# requests through one harness process and checks the responses (shape and,
# where Kafka's output is well known, the exact bytes). Needs python3.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v python3 >/dev/null 2>&1 || { echo "selftest: error: python3 not found" >&2; exit 1; }

# Build first so that compile time does not count against the harness run.
"$HERE/build.sh" >/dev/null

export HARNESS="$HERE/run.sh"
exec python3 - <<'PY'
import base64, json, os, subprocess, sys

DECIMAL = "org.apache.kafka.connect.data.Decimal"
TIMESTAMP = "org.apache.kafka.connect.data.Timestamp"
DATE = "org.apache.kafka.connect.data.Date"

struct_schema = {
    "type": "struct", "name": "rec", "fields": [
        {"field": "id", "schema": {"type": "int64"}},
        {"field": "name", "schema": {"type": "string", "optional": True}},
        {"field": "score", "schema": {"type": "double", "optional": True, "default": {"float64": 1.5}}},
        {"field": "tags", "schema": {"type": "array", "optional": True, "items": {"type": "string"}}},
    ],
}
decimal_schema = {"type": "bytes", "name": DECIMAL, "version": 1, "parameters": {"scale": "4"}}
timestamp_schema = {"type": "int64", "name": TIMESTAMP, "version": 1}
date_schema = {"type": "int32", "name": DATE, "version": 1}

def ser(schema, value, **config):
    config.setdefault("schemas.enable", "true")
    return {"op": "json.serialize", "config": config, "is_key": False, "topic": "t",
            "schema": schema, "value": value}

def de(data, **config):
    config.setdefault("schemas.enable", "true")
    return {"op": "json.deserialize", "config": config, "is_key": False, "topic": "t",
            "hex": None if data is None else data.encode().hex()}

def text(resp):
    assert set(resp) == {"hex"}, resp
    return None if resp["hex"] is None else bytes.fromhex(resp["hex"]).decode()

def payload(resp):
    return json.loads(text(resp))["payload"]

cases = []
def case(name, request, check):
    cases.append((name, request, check))

case("ping", {"op": "ping"}, lambda r: r == {"ok": True})
case("id is echoed", {"op": "ping", "id": 3}, lambda r: r == {"id": 3, "ok": True})
case("struct with optional fields",
     ser(struct_schema, {"struct": {"id": {"int64": 42}, "name": None, "tags": {"array": [{"string": "x"}]}}}),
     lambda r: payload(r) == {"id": 42, "name": None, "score": 1.5, "tags": ["x"]}
     and json.loads(text(r))["schema"]["fields"][2] == {"type": "double", "optional": True, "default": 1.5, "field": "score"})
case("decimal (base64 payload)",
     ser(decimal_schema, {"decimal": "123.45"}),
     lambda r: payload(r) == base64.b64encode((1234500).to_bytes(3, "big")).decode())
case("decimal (numeric payload)",
     ser(decimal_schema, {"decimal": "123.45"}, **{"decimal.format": "NUMERIC"}),
     lambda r: text(r).endswith('"payload":123.4500}'))
case("timestamp", ser(timestamp_schema, {"timestamp": 1700000000123}),
     lambda r: payload(r) == 1700000000123)
case("schemaless map",
     ser(None, {"map": [[{"string": "a"}, {"int32": 1}], [{"string": "b"}, {"array": [{"boolean": True}, None]}]]},
         **{"schemas.enable": "false"}),
     lambda r: text(r) == '{"a":1,"b":[true,null]}')
case("null value, no schema", ser(None, None), lambda r: r == {"hex": None})
case("null value, optional schema", ser({"type": "string", "optional": True}, None),
     lambda r: text(r) == '{"schema":{"type":"string","optional":true},"payload":null}')
case("deserialize decimal",
     de('{"schema":{"type":"bytes","optional":false,"name":"%s","version":1,"parameters":{"scale":"4"}},"payload":"EtZE"}' % DECIMAL),
     lambda r: r == {"schema": {"type": "bytes", "optional": False, "name": DECIMAL, "version": 1,
                                "parameters": {"scale": "4"}},
                     "value": {"decimal": "123.4500"}})
case("deserialize timestamp and date in a struct",
     de('{"schema":{"type":"struct","optional":false,"fields":['
        '{"type":"int64","optional":false,"name":"%s","field":"ts"},'
        '{"type":"int32","optional":true,"name":"%s","field":"day"}]},'
        '"payload":{"ts":1700000000123,"day":19000}}' % (TIMESTAMP, DATE)),
     lambda r: r["value"] == {"struct": {"ts": {"timestamp": 1700000000123}, "day": {"date": 19000}}}
     and [f["field"] for f in r["schema"]["fields"]] == ["ts", "day"])
case("deserialize schemaless",
     de('{"a":1,"b":2.5,"c":"x"}', **{"schemas.enable": "false"}),
     lambda r: r["schema"] is None and sorted(map(json.dumps, r["value"]["map"])) == sorted(map(json.dumps, [
         [{"string": "a"}, {"int64": 1}], [{"string": "b"}, {"float64": 2.5}], [{"string": "c"}, {"string": "x"}]])))
case("deserialize null bytes", de(None), lambda r: r == {"schema": None, "value": None})
case("converter error is reported",
     ser({"type": "int32"}, {"string": "x"}),
     lambda r: set(r) == {"error"} and r["error"].startswith("org.apache.kafka.connect.errors.DataException: "))
case("bad request is reported", {"op": "no.such.op"},
     lambda r: set(r) == {"error"} and r["error"].startswith("dev.polyconnect.reference.BadRequest: "))

proc = subprocess.Popen(["bash", os.environ["HARNESS"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        text=True, encoding="utf-8")
passed = failed = 0
for name, request, check in cases:
    proc.stdin.write(json.dumps(request) + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    try:
        resp = json.loads(line)
        ok = bool(check(resp))
    except Exception as e:  # noqa: BLE001 - report and go on
        ok, resp = False, f"{line!r} ({e})"
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {resp}", file=sys.stderr)
proc.stdin.close()
extra = proc.stdout.read()
rc = proc.wait()
if extra.strip():
    failed += 1
    print(f"FAIL unexpected output after the last response: {extra!r}", file=sys.stderr)
if rc != 0:
    failed += 1
    print(f"FAIL harness exited with {rc}", file=sys.stderr)
print(f"reference-selftest: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
