package dev.polyconnect.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

import java.util.LinkedHashMap;
import java.util.Map;

/** The json.serialize and json.deserialize ops: Kafka Connect's JsonConverter. */
final class JsonConverterOps {

    private JsonConverterOps() {
    }

    /**
     * {"op":"json.serialize","config":{..},"is_key":false,"topic":"t","schema":..,"value":..}
     * returns {"hex":"..."} or {"hex":null}.
     */
    static ObjectNode serialize(JsonNode request) {
        JsonConverter converter = converter(request);
        Schema schema = Codec.decodeSchema(request.get("schema"));
        Object value = Codec.decodeValue(request.get("value"), schema);
        byte[] bytes = converter.fromConnectData(topic(request), schema, value);
        ObjectNode out = Harness.MAPPER.createObjectNode();
        if (bytes == null) {
            out.putNull("hex");
        } else {
            out.put("hex", Codec.toHex(bytes));
        }
        return out;
    }

    /**
     * {"op":"json.deserialize","config":{..},"is_key":false,"topic":"t","hex":"..."}
     * returns {"schema":..,"value":..}. A null "hex" passes null bytes.
     */
    static ObjectNode deserialize(JsonNode request) {
        JsonConverter converter = converter(request);
        JsonNode hex = request.get("hex");
        byte[] bytes;
        if (hex == null || hex.isNull()) {
            bytes = null;
        } else if (hex.isTextual()) {
            bytes = Codec.fromHex(hex.textValue());
        } else {
            throw new BadRequest("\"hex\" must be a string or null");
        }
        SchemaAndValue result = converter.toConnectData(topic(request), bytes);
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.set("schema", Codec.encodeSchema(result.schema()));
        out.set("value", Codec.encodeValue(result.value(), result.schema()));
        return out;
    }

    private static JsonConverter converter(JsonNode request) {
        JsonConverter converter = new JsonConverter();
        converter.configure(config(request), isKey(request));
        return converter;
    }

    /**
     * "config" as a map of strings (ConfigDef parses strings for every type);
     * JSON arrays become comma-separated lists.
     */
    static Map<String, Object> config(JsonNode request) {
        Map<String, Object> config = new LinkedHashMap<>();
        JsonNode node = request.get("config");
        if (node == null || node.isNull()) {
            return config;
        }
        if (!node.isObject()) {
            throw new BadRequest("\"config\" must be an object");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                config.put(e.getKey(), null);
            } else if (v.isValueNode()) {
                config.put(e.getKey(), v.asText());
            } else if (v.isArray()) {
                // ConfigDef's LIST type: comma-separated text.
                StringBuilder sb = new StringBuilder();
                for (JsonNode item : v) {
                    if (sb.length() > 0) {
                        sb.append(',');
                    }
                    sb.append(item.asText());
                }
                config.put(e.getKey(), sb.toString());
            } else {
                config.put(e.getKey(), v.toString());
            }
        }
        return config;
    }

    static boolean isKey(JsonNode request) {
        JsonNode node = request.get("is_key");
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new BadRequest("\"is_key\" must be a boolean");
        }
        return node.booleanValue();
    }

    static String topic(JsonNode request) {
        JsonNode node = request.get("topic");
        if (node == null || node.isNull()) {
            return "topic";
        }
        if (!node.isTextual()) {
            throw new BadRequest("\"topic\" must be a string");
        }
        return node.textValue();
    }
}
