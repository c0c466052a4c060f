//! JSON Schema end to end on the real broker and the real Schema Registry
//! (`scripts/registry.sh`; `make test` starts it): DataGen's users written by the
//! JsonSchemaConverter, key and value, into Kafka; Confluent's own JSON Schema deserializer
//! reads them there; a FileStreamSink reads them back through the JsonSchemaConverter and a
//! chain of SMTs and writes every record once: none missing, duplicates counted.

use polyconnect_e2e::*;

#[test]
fn datagen_to_json_schema_to_a_sink_through_transforms() {
    let RegistryPipeline {
        topic,
        keys,
        values,
    } = registry_pipeline(
        "io.confluent.connect.json.JsonSchemaConverter",
        "jsonschema",
    );
    let decoded = confluent_decode("json", &topic, &values, false);
    for d in &decoded {
        assert!(d.get("error").is_none(), "{d}");
        let v = &d["value"];
        // Decimal as base64 of the unscaled value (decimal.format=BASE64), Timestamp as
        // milliseconds.
        assert!(v["balance"].is_string(), "{v}");
        assert!(v["registertime"].is_i64(), "{v}");
        assert!(v["userid"].is_string(), "{v}");
        let schema: serde_json::Value =
            serde_json::from_str(d["schema"].as_str().unwrap()).unwrap();
        assert_eq!(
            schema["properties"]["balance"]["title"], "org.apache.kafka.connect.data.Decimal",
            "{schema}"
        );
    }
    let decoded_keys = confluent_decode("json", &topic, &keys, true);
    for (k, d) in decoded_keys.iter().zip(&decoded) {
        assert!(k.get("error").is_none(), "{k}");
        assert_eq!(k["value"], d["value"]["userid"], "the key is the userid");
    }
}
