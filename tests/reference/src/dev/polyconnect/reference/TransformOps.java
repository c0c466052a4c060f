package dev.polyconnect.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.common.record.TimestampType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transform, predicate, chain and convert ops: Kafka Connect's own single message
 * transforms, predicates and converters. Records use the shape documented in docs/kafka.md.
 */
final class TransformOps {

    private TransformOps() {
    }

    /**
     * {"op":"transform","class":..,"config":{..},"record":{..},"serialize":{json config}?}
     * returns {"record":{..}} or {"record":null} when the transform dropped it; with
     * "serialize", also "key_hex"/"value_hex" (JsonConverter of the result) or
     * "serialize_error".
     */
    static ObjectNode transform(JsonNode request) throws Exception {
        Transformation<?> t = newTransformation(className(request));
        t.configure(JsonConverterOps.config(request));
        ConnectRecord<?> out;
        try {
            out = applyRaw(t, decodeRecord(request.get("record")));
        } finally {
            t.close();
        }
        return result(request, out);
    }

    /** {"op":"predicate","class":..,"config":{..},"record":{..}} returns {"result":bool}. */
    static ObjectNode predicate(JsonNode request) throws Exception {
        Predicate<?> p = newPredicate(className(request));
        p.configure(JsonConverterOps.config(request));
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.put("result", testRaw(p, decodeRecord(request.get("record"))));
        p.close();
        return out;
    }

    /**
     * {"op":"chain","config":{connector config},"record":{..}}: the transforms and
     * predicates of a connector config applied as Kafka Connect's TransformationStage does.
     */
    static ObjectNode chain(JsonNode request) throws Exception {
        Map<String, Object> config = JsonConverterOps.config(request);
        ConnectRecord<?> record = decodeRecord(request.get("record"));
        // Every listed predicate is configured, used or not, as connector validation does.
        Map<String, Predicate<?>> predicates = new LinkedHashMap<>();
        for (String alias : list(config.get("predicates"))) {
            Map<String, Object> pconf = withPrefix(config, "predicates." + alias + ".");
            Predicate<?> p = newPredicate(String.valueOf(pconf.get("type")));
            p.configure(pconf);
            predicates.put(alias, p);
        }
        List<Transformation<?>> transforms = new ArrayList<>();
        List<Predicate<?>> stagePredicates = new ArrayList<>();
        List<Boolean> negates = new ArrayList<>();
        for (String alias : list(config.get("transforms"))) {
            Map<String, Object> tconf = withPrefix(config, "transforms." + alias + ".");
            Object predicateAlias = tconf.remove("predicate");
            Object negate = tconf.remove("negate");
            Transformation<?> t = newTransformation(String.valueOf(tconf.get("type")));
            t.configure(tconf);
            transforms.add(t);
            if (predicateAlias != null && !predicates.containsKey(String.valueOf(predicateAlias))) {
                throw new BadRequest("unknown predicate " + predicateAlias);
            }
            stagePredicates.add(predicateAlias == null ? null : predicates.get(String.valueOf(predicateAlias)));
            negates.add(negate != null && Boolean.parseBoolean(negate.toString()));
        }
        for (int i = 0; i < transforms.size() && record != null; i++) {
            Predicate<?> p = stagePredicates.get(i);
            if (p == null || negates.get(i) ^ testRaw(p, record)) {
                record = applyRaw(transforms.get(i), record);
            }
        }
        return result(request, record);
    }

    /**
     * {"op":"convert","class":..,"config":{..},"is_key":false,"topic":"t","header":false,
     * "header_key":"h","direction":"from_connect"|"to_connect", "schema":..,"value":.. | "hex":..}.
     * from_connect returns {"hex":..}; to_connect returns {"schema":..,"value":..}. With
     * "header":true the class is used as a HeaderConverter.
     */
    static ObjectNode convert(JsonNode request) throws Exception {
        String cls = className(request);
        boolean header = request.has("header") && request.get("header").asBoolean();
        String topic = JsonConverterOps.topic(request);
        String headerKey = request.has("header_key") ? request.get("header_key").asText() : "header";
        String direction = request.get("direction").asText();
        Object instance = Class.forName(cls).getDeclaredConstructor().newInstance();
        ObjectNode out = Harness.MAPPER.createObjectNode();
        if (direction.equals("from_connect")) {
            Schema schema;
            Object value;
            try {
                schema = Codec.decodeSchema(request.get("schema"));
                value = Codec.decodeValue(request.get("value"), schema);
            } catch (BadRequest e) {
                throw e;
            } catch (RuntimeException e) {
                throw new BadRequest("input value: " + e);
            }
            byte[] bytes;
            if (header) {
                HeaderConverter c = (HeaderConverter) instance;
                c.configure(headerConfig(request));
                bytes = c.fromConnectHeader(topic, headerKey, schema, value);
            } else {
                Converter c = (Converter) instance;
                c.configure(JsonConverterOps.config(request), JsonConverterOps.isKey(request));
                bytes = c.fromConnectData(topic, schema, value);
            }
            if (bytes == null) {
                out.putNull("hex");
            } else {
                out.put("hex", Codec.toHex(bytes));
            }
            return out;
        }
        JsonNode hex = request.get("hex");
        byte[] bytes = hex == null || hex.isNull() ? null : Codec.fromHex(hex.asText());
        SchemaAndValue sv;
        if (header) {
            HeaderConverter c = (HeaderConverter) instance;
            c.configure(headerConfig(request));
            sv = c.toConnectHeader(topic, headerKey, bytes);
        } else {
            Converter c = (Converter) instance;
            c.configure(JsonConverterOps.config(request), JsonConverterOps.isKey(request));
            sv = c.toConnectData(topic, bytes);
        }
        if (sv == null) {
            sv = SchemaAndValue.NULL;
        }
        out.set("schema", Codec.encodeSchema(sv.schema()));
        out.set("value", Codec.encodeValue(sv.value(), sv.schema()));
        return out;
    }

    // ------------------------------------------------------------ helpers

    /** A header converter's config: Kafka Connect's worker adds converter.type=header. */
    private static Map<String, Object> headerConfig(JsonNode request) {
        Map<String, Object> config = JsonConverterOps.config(request);
        config.putIfAbsent("converter.type", "header");
        return config;
    }

    private static String className(JsonNode request) {
        JsonNode c = request.get("class");
        if (c == null || !c.isTextual()) {
            throw new BadRequest("missing \"class\"");
        }
        return c.textValue();
    }

    @SuppressWarnings("unchecked")
    private static Transformation<?> newTransformation(String cls) throws Exception {
        return (Transformation<?>) Class.forName(cls).getDeclaredConstructor().newInstance();
    }

    @SuppressWarnings("unchecked")
    private static Predicate<?> newPredicate(String cls) throws Exception {
        return (Predicate<?>) Class.forName(cls).getDeclaredConstructor().newInstance();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ConnectRecord<?> applyRaw(Transformation t, ConnectRecord<?> r) {
        return (ConnectRecord<?>) t.apply(r);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean testRaw(Predicate p, ConnectRecord<?> r) {
        return p.test(r);
    }

    private static List<String> list(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        Object parsed = ConfigDef.parseType("list", v, ConfigDef.Type.LIST);
        for (Object o : (List<?>) parsed) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static Map<String, Object> withPrefix(Map<String, Object> config, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    private static ObjectNode result(JsonNode request, ConnectRecord<?> out) {
        ObjectNode response = Harness.MAPPER.createObjectNode();
        response.set("record", encodeRecord(out));
        JsonNode ser = request.get("serialize");
        if (out != null && ser != null && ser.isObject()) {
            ObjectNode req = Harness.MAPPER.createObjectNode();
            req.set("config", ser);
            Map<String, Object> conf = JsonConverterOps.config(req);
            try {
                JsonConverter k = new JsonConverter();
                k.configure(conf, true);
                JsonConverter v = new JsonConverter();
                v.configure(conf, false);
                byte[] kb = k.fromConnectData(out.topic(), out.keySchema(), out.key());
                byte[] vb = v.fromConnectData(out.topic(), out.valueSchema(), out.value());
                if (kb == null) {
                    response.putNull("key_hex");
                } else {
                    response.put("key_hex", Codec.toHex(kb));
                }
                if (vb == null) {
                    response.putNull("value_hex");
                } else {
                    response.put("value_hex", Codec.toHex(vb));
                }
            } catch (RuntimeException e) {
                response.put("serialize_error", e.toString());
            }
        }
        return response;
    }

    /** The record of a request; a record Kafka Connect cannot even build is a BadRequest. */
    static ConnectRecord<?> decodeRecord(JsonNode node) {
        try {
            return decodeRecordUnchecked(node);
        } catch (BadRequest e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadRequest("input record: " + e);
        }
    }

    private static ConnectRecord<?> decodeRecordUnchecked(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new BadRequest("\"record\" must be an object");
        }
        String topic = node.has("topic") ? node.get("topic").asText() : "topic";
        JsonNode p = node.get("partition");
        Integer partition = p == null || p.isNull() ? null : p.intValue();
        Schema keySchema = Codec.decodeSchema(node.get("key_schema"));
        Object key = Codec.decodeValue(node.get("key"), keySchema);
        Schema valueSchema = Codec.decodeSchema(node.get("value_schema"));
        Object value = Codec.decodeValue(node.get("value"), valueSchema);
        JsonNode ts = node.get("timestamp");
        Long timestamp = ts == null || ts.isNull() ? null : ts.longValue();
        ConnectHeaders headers = new ConnectHeaders();
        JsonNode hs = node.get("headers");
        if (hs != null && hs.isArray()) {
            for (JsonNode h : hs) {
                Schema hschema = Codec.decodeSchema(h.get("schema"));
                Object hvalue = Codec.decodeValue(h.get("value"), hschema);
                headers.add(h.get("key").asText(), new SchemaAndValue(hschema, hvalue));
            }
        }
        JsonNode offset = node.get("offset");
        if (offset != null && !offset.isNull()) {
            return new SinkRecord(topic, partition == null ? 0 : partition, keySchema, key, valueSchema, value,
                    offset.longValue(), timestamp, TimestampType.CREATE_TIME, headers);
        }
        return new SourceRecord(null, null, topic, partition, keySchema, key, valueSchema, value, timestamp, headers);
    }

    static JsonNode encodeRecord(ConnectRecord<?> r) {
        if (r == null) {
            return Harness.MAPPER.nullNode();
        }
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.put("topic", r.topic());
        if (r.kafkaPartition() == null) {
            out.putNull("partition");
        } else {
            out.put("partition", r.kafkaPartition());
        }
        out.set("key_schema", Codec.encodeSchema(r.keySchema()));
        out.set("key", Codec.encodeValue(r.key(), r.keySchema()));
        out.set("value_schema", Codec.encodeSchema(r.valueSchema()));
        out.set("value", Codec.encodeValue(r.value(), r.valueSchema()));
        if (r.timestamp() == null) {
            out.putNull("timestamp");
        } else {
            out.put("timestamp", r.timestamp());
        }
        ArrayNode hs = out.putArray("headers");
        for (Header h : r.headers()) {
            ObjectNode ho = hs.addObject();
            ho.put("key", h.key());
            ho.set("schema", Codec.encodeSchema(h.schema()));
            ho.set("value", Codec.encodeValue(h.value(), h.schema()));
        }
        if (r instanceof SinkRecord) {
            out.put("offset", ((SinkRecord) r).kafkaOffset());
        }
        return out;
    }
}
