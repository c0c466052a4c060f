//! Protobuf end to end on the real broker and the real Schema Registry
//! (`scripts/registry.sh`; `make test` starts it): DataGen's users (structs with a Decimal
//! and a Timestamp) written by the ProtobufConverter, key (a google.protobuf.StringValue)
//! and value, into Kafka; Confluent's own Protobuf deserializer reads them there with the
//! message types of the registered schemas; a FileStreamSink reads them back through the
//! ProtobufConverter and a chain of SMTs and writes every record once: none missing,
//! duplicates counted.

use base64::Engine;
use polyconnect::converter::protobuf::ProtoSchema;
use polyconnect_e2e::*;

/// The registered schema of a record and its message's full name, as the operation fields
/// Confluent's deserializer is driven with.
fn message_type(record: &[u8]) -> (i32, serde_json::Value) {
    let id = i32::from_be_bytes([record[1], record[2], record[3], record[4]]);
    let schema = ProtoSchema::parse(&registry_schema_text(id)).unwrap();
    let (indexes, _) = polyconnect::converter::protobuf::read_indexes(&record[5..]).unwrap();
    let message = schema.message_at(&indexes).unwrap().full_name().to_string();
    (
        id,
        serde_json::json!({
            "descriptors": base64::engine::general_purpose::STANDARD.encode(schema.descriptor_set()),
            "message": message,
        }),
    )
}

#[test]
fn datagen_to_protobuf_to_a_sink_through_transforms() {
    let RegistryPipeline {
        topic,
        keys,
        values,
    } = registry_pipeline(
        "io.confluent.connect.protobuf.ProtobufConverter",
        "protobuf",
    );
    let (_, value_type) = message_type(&values[0]);
    assert_eq!(value_type["message"], "io.polyconnect.datagen.User");
    let decoded = confluent_decode_with("protobuf", &topic, &values, false, &value_type);
    for d in &decoded {
        assert!(d.get("error").is_none(), "{d}");
        assert_eq!(d["indexes"], serde_json::json!([0]));
        let v = &d["value"];
        // Decimal as confluent.type.Decimal, Timestamp as google.protobuf.Timestamp.
        assert!(v["balance"]["value"].is_string(), "{v}");
        assert!(v["balance"]["scale"].is_i64(), "{v}");
        assert!(
            v["registertime"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{v}"
        );
        assert!(v["userid"].is_string(), "{v}");
        let schema = d["schema"].as_str().unwrap();
        assert!(
            schema.contains("confluent.type.Decimal balance"),
            "{schema}"
        );
    }
    let (_, key_type) = message_type(&keys[0]);
    assert_eq!(key_type["message"], "google.protobuf.StringValue");
    let decoded_keys = confluent_decode_with("protobuf", &topic, &keys, true, &key_type);
    for (k, d) in decoded_keys.iter().zip(&decoded) {
        assert!(k.get("error").is_none(), "{k}");
        assert_eq!(k["indexes"], serde_json::json!([7]));
        assert_eq!(
            k["value"]["value"], d["value"]["userid"],
            "the key is the userid"
        );
    }
}
