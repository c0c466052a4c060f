#!/usr/bin/env bash
# The Schema Registry the tests run (scripts/registry.sh: Apicurio Registry from Maven
# Central, built once into ~/.cache/polyconnect) and Confluent's own Python serializers the
# Avro, JSON Schema and Protobuf compatibility tests compare with (PyPI's confluent-kafka
# with its schema_registry extras: fastavro, protobuf, ...). Idempotent: returns at once when both are there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-python3}"
# Keep in step with docs/converters.md.
confluent_kafka_min="2.16.1"

if ! "$python" - "$confluent_kafka_min" >/dev/null 2>&1 <<'PY'
import sys
from importlib import metadata
v = lambda s: tuple(int("".join(c for c in p if c.isdigit()) or 0) for p in s.split(".")[:3])
assert v(metadata.version("confluent-kafka")) >= v(sys.argv[1])
from confluent_kafka.schema_registry.avro import AvroSerializer  # noqa: F401  (fastavro, ...)
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer  # noqa: F401  (protobuf)
from google.protobuf import json_format  # noqa: F401
PY
then
  echo "setup/schema-registry: installing confluent-kafka with its schema_registry extras" >&2
  PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --quiet --disable-pip-version-check --no-input \
    "confluent-kafka[avro,protobuf,schemaregistry]>=${confluent_kafka_min},<3"
fi
bash "$root/scripts/registry.sh" fetch
