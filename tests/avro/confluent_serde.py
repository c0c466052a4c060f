#!/usr/bin/env python3
"""Confluent's own serializers and deserializers (PyPI's confluent-kafka), driven by the
compatibility tests of the registry-backed converters (server/tests/avro_confluent.rs,
server/tests/json_schema_confluent.rs) against a real Schema Registry.

Reads a JSON list of operations on stdin and writes a JSON list of results:

  {"op": "encode", "topic": T, "schema": S, "value": V, "key": false, "format": F}
      -> {"hex": ..., "id": schema id}    (the format's serializer, auto.register.schemas)
  {"op": "decode", "topic": T, "hex": H, "key": false, "format": F}
      -> {"value": V, "id": schema id, "schema": the writer schema's text}
  {"op": "subjects"} -> {"subjects": [...]}

F is "avro" (AvroSerializer/AvroDeserializer, the default) or "json"
(JSONSerializer/JSONDeserializer: values are plain JSON, as the serializer writes them).

Values are JSON with tags for what JSON lacks: {"$bytes": hex}, {"$decimal": "1.20"},
{"$date": "2024-01-31"}, {"$time": "12:00:00.123000"}, {"$timestamp_ms": 1700000000123}.
An error is {"error": message}.
"""
import datetime
import decimal
import json
import os
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_py(v):
    if isinstance(v, list):
        return [to_py(x) for x in v]
    if isinstance(v, dict):
        if len(v) == 1:
            (k, x), = v.items()
            if k == "$bytes":
                return bytes.fromhex(x)
            if k == "$decimal":
                return decimal.Decimal(x)
            if k == "$date":
                return datetime.date.fromisoformat(x)
            if k == "$time":
                return datetime.time.fromisoformat(x)
            if k == "$timestamp_ms":
                return EPOCH + datetime.timedelta(milliseconds=x)
        return {k: to_py(x) for k, x in v.items()}
    return v


def to_json(v):
    if isinstance(v, (bytes, bytearray)):
        return {"$bytes": bytes(v).hex()}
    if isinstance(v, decimal.Decimal):
        return {"$decimal": str(v)}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return {"$timestamp_ms": (v - EPOCH) // datetime.timedelta(milliseconds=1)}
    if isinstance(v, datetime.date):
        return {"$date": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"$time": v.isoformat(timespec="microseconds")}
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    return v


def main():
    url = os.environ.get("POLYCONNECT_TEST_SCHEMA_REGISTRY", "http://127.0.0.1:8081/apis/ccompat/v7")
    client = SchemaRegistryClient({"url": url})
    out = []
    for op in json.load(sys.stdin):
        try:
            field = MessageField.KEY if op.get("key") else MessageField.VALUE
            fmt = op.get("format", "avro")
            if op["op"] == "encode":
                conf = {"auto.register.schemas": True}
                if fmt == "json":
                    ser = JSONSerializer(op["schema"], client, conf=conf)
                    value = op["value"]
                else:
                    ser = AvroSerializer(client, op["schema"], conf=conf)
                    value = to_py(op["value"])
                b = ser(value, SerializationContext(op["topic"], field))
                out.append({"hex": b.hex(), "id": int.from_bytes(b[1:5], "big")})
            elif op["op"] == "decode":
                if fmt == "json":
                    de = JSONDeserializer(None, schema_registry_client=client)
                else:
                    de = AvroDeserializer(client)
                b = bytes.fromhex(op["hex"])
                v = de(b, SerializationContext(op["topic"], field))
                sid = int.from_bytes(b[1:5], "big")
                out.append({"value": to_json(v), "id": sid, "schema": client.get_schema(sid).schema_str})
            elif op["op"] == "subjects":
                out.append({"subjects": client.get_subjects()})
            else:
                out.append({"error": "unknown op " + op["op"]})
        except Exception as e:  # reported to the test, which names the case
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
