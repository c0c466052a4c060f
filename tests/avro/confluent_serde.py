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

F is "avro" (AvroSerializer/AvroDeserializer, the default), "json"
(JSONSerializer/JSONDeserializer: values are plain JSON, as the serializer writes them) or
"protobuf" (ProtobufSerializer/ProtobufDeserializer). Protobuf operations carry the message
type: "descriptors" (a base64 FileDescriptorSet, imports first) and "message" (its full
name); values are protobuf's JSON mapping (json_format, proto field names, fields without
presence printed). A Protobuf decode also returns "indexes", the message indexes read.

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
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def message_class(op):
    """The message type named by a Protobuf operation, built from its descriptors in a pool
    of its own."""
    import base64

    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    fds = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(op["descriptors"]))
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(op["message"]))


def read_indexes(b):
    """Confluent's message indexes after the magic byte and id: zigzag varints."""
    pos = 5

    def varint():
        nonlocal pos
        shift = result = 0
        while True:
            byte = b[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
            shift += 7
        return (result >> 1) ^ -(result & 1)

    n = varint()
    return [0] if n == 0 else [varint() for _ in range(n)]


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
                elif fmt == "protobuf":
                    from google.protobuf import json_format

                    cls = message_class(op)
                    ser = ProtobufSerializer(cls, client, conf=conf)
                    value = json_format.ParseDict(op["value"], cls())
                else:
                    ser = AvroSerializer(client, op["schema"], conf=conf)
                    value = to_py(op["value"])
                b = ser(value, SerializationContext(op["topic"], field))
                out.append({"hex": b.hex(), "id": int.from_bytes(b[1:5], "big")})
            elif op["op"] == "decode":
                b = bytes.fromhex(op["hex"])
                sid = int.from_bytes(b[1:5], "big")
                if fmt == "protobuf":
                    from google.protobuf import json_format

                    # Without the registry: the deserializer asks it for the writer schema as
                    # a base64 descriptor (format=serialized), which registries other than
                    # Confluent's answer with the registered text. The message type is the one
                    # the test compiled from that text.
                    de = ProtobufDeserializer(message_class(op), {}, None)
                    m = de(b, SerializationContext(op["topic"], field))
                    v = json_format.MessageToDict(
                        m, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
                    )
                    out.append({"value": v, "id": sid, "indexes": read_indexes(b),
                                "schema": client.get_schema(sid).schema_str})
                    continue
                if fmt == "json":
                    de = JSONDeserializer(None, schema_registry_client=client)
                else:
                    de = AvroDeserializer(client)
                v = de(b, SerializationContext(op["topic"], field))
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
