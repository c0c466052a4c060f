#!/usr/bin/env bash
# Installs what the Python SDK and the Python connectors need to run and to be tested
# (grpcio, protobuf, grpcio-tools for the stub check, pytest, and the OpenTelemetry SDK and
# OTLP exporters for connector-side spans) into the machine's python3.
# Idempotent: returns at once when the right versions are already there.
#
#   clients/python/scripts/install-deps.sh        (PYTHON=... to use another interpreter)
set -euo pipefail

python="${PYTHON:-python3}"
# Keep in step with pyproject.toml and the stubs in polyconnect/v1 (scripts/generate.sh).
grpc_version="1.85.1"
protobuf_min="7.35.1"
protobuf_below="8"
pytest_min="7"
otel_min="1.45.2"

if "$python" - "$grpc_version" "$protobuf_min" "$protobuf_below" "$pytest_min" "$otel_min" >/dev/null 2>&1 <<'PY'
import sys
from importlib import metadata

def version(s):
    out = []
    for part in s.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit())
        out.append(int(digits or 0))
    return tuple(out)

grpc_v, pb_min, pb_below, pytest_min, otel_min = (version(a) for a in sys.argv[1:])
assert version(metadata.version("grpcio")) >= grpc_v
assert version(metadata.version("grpcio-tools")) == grpc_v
assert pb_min <= version(metadata.version("protobuf")) < pb_below
assert version(metadata.version("pytest")) >= pytest_min
for p in ("opentelemetry-sdk", "opentelemetry-exporter-otlp-proto-grpc", "opentelemetry-exporter-otlp-proto-http"):
    assert version(metadata.version(p)) >= otel_min
import grpc, google.protobuf  # noqa: E401,F401
PY
then
    exit 0
fi

echo "installing Python dependencies for $("$python" --version 2>&1)" >&2
PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --quiet --disable-pip-version-check --no-input \
    "grpcio>=${grpc_version}" \
    "grpcio-tools==${grpc_version}" \
    "protobuf>=${protobuf_min},<${protobuf_below}" \
    "pytest>=${pytest_min}" \
    "opentelemetry-sdk>=${otel_min}" \
    "opentelemetry-exporter-otlp-proto-grpc>=${otel_min}" \
    "opentelemetry-exporter-otlp-proto-http>=${otel_min}"
