package dev.polyconnect.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Conversion between the harness' JSON encoding of Connect schemas and
 * "tagged" values and the Kafka Connect data API.
 *
 * <p>Schemas use the field names of Kafka Connect's JSON schema envelope:
 * {@code {"type":..,"optional":..,"name":..,"version":..,"doc":..,
 * "parameters":{..},"default":<tagged>,"fields":[{"field":..,"schema":{..}}],
 * "items":{..},"keys":{..},"values":{..}}}. Missing keys mean absent.
 *
 * <p>Values are tagged with their Connect type: {@code {"int32":1}},
 * {@code {"string":"x"}}, {@code {"struct":{"f":<tagged>}}}, and so on; JSON
 * {@code null} is a null value.
 */
final class Codec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long MILLIS_PER_DAY = 24L * 60 * 60 * 1000;

    private Codec() {
    }

    // ------------------------------------------------------------ schemas

    static Schema decodeSchema(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return decodeSchemaBuilder(node).build();
    }

    private static SchemaBuilder decodeSchemaBuilder(JsonNode node) {
        if (!node.isObject()) {
            throw new BadRequest("schema must be an object or null, got " + node);
        }
        String type = text(node, "type", true);
        SchemaBuilder builder;
        switch (type.toLowerCase(Locale.ROOT)) {
            case "struct":
                builder = SchemaBuilder.struct();
                JsonNode fields = node.get("fields");
                if (fields != null && !fields.isNull()) {
                    if (!fields.isArray()) {
                        throw new BadRequest("struct \"fields\" must be an array");
                    }
                    for (JsonNode f : fields) {
                        String name = text(f, "field", true);
                        // Nested {"field":..,"schema":{..}}, or Kafka's flattened
                        // envelope form {"field":..,"type":..,...}.
                        JsonNode fieldSchema = f.has("schema") ? f.get("schema") : f;
                        Schema schema = decodeSchema(fieldSchema);
                        if (schema == null) {
                            throw new BadRequest("field \"" + name + "\" has no schema");
                        }
                        builder.field(name, schema);
                    }
                }
                break;
            case "array":
                builder = SchemaBuilder.array(required(decodeSchema(node.get("items")), "array schema needs \"items\""));
                break;
            case "map":
                builder = SchemaBuilder.map(
                        required(decodeSchema(node.get("keys")), "map schema needs \"keys\""),
                        required(decodeSchema(node.get("values")), "map schema needs \"values\""));
                break;
            case "int8":
                builder = SchemaBuilder.int8();
                break;
            case "int16":
                builder = SchemaBuilder.int16();
                break;
            case "int32":
                builder = SchemaBuilder.int32();
                break;
            case "int64":
                builder = SchemaBuilder.int64();
                break;
            case "float":
            case "float32":
                builder = SchemaBuilder.float32();
                break;
            case "double":
            case "float64":
                builder = SchemaBuilder.float64();
                break;
            case "boolean":
                builder = SchemaBuilder.bool();
                break;
            case "string":
                builder = SchemaBuilder.string();
                break;
            case "bytes":
                builder = SchemaBuilder.bytes();
                break;
            default:
                throw new BadRequest("unknown schema type \"" + type + "\"");
        }

        JsonNode optional = node.get("optional");
        if (optional != null && !optional.isNull()) {
            if (!optional.isBoolean()) {
                throw new BadRequest("\"optional\" must be a boolean");
            }
            if (optional.booleanValue()) {
                builder.optional();
            }
        }
        // Logical types (Decimal, Date, Time, Timestamp) are identified by name
        // and, for Decimal, the "scale" parameter: exactly what
        // Decimal.builder(scale) / Date.builder() / ... set. Their builders also
        // set version 1; pass "version":1 to get Decimal.schema(scale) exactly.
        String name = text(node, "name", false);
        if (name != null) {
            builder.name(name);
        }
        JsonNode version = node.get("version");
        if (version != null && !version.isNull()) {
            if (!version.isIntegralNumber()) {
                throw new BadRequest("\"version\" must be an integer");
            }
            builder.version(version.intValue());
        }
        String doc = text(node, "doc", false);
        if (doc != null) {
            builder.doc(doc);
        }
        JsonNode params = node.get("parameters");
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw new BadRequest("\"parameters\" must be an object");
            }
            for (Map.Entry<String, JsonNode> e : params.properties()) {
                builder.parameter(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        JsonNode dflt = node.get("default");
        if (dflt != null && !dflt.isNull()) {
            builder.defaultValue(decodeValue(dflt, builder));
        }
        return builder;
    }

    static JsonNode encodeSchema(Schema schema) {
        if (schema == null) {
            return NODES.nullNode();
        }
        ObjectNode out = NODES.objectNode();
        out.put("type", typeName(schema.type()));
        out.put("optional", schema.isOptional());
        if (schema.name() != null) {
            out.put("name", schema.name());
        }
        if (schema.version() != null) {
            out.put("version", schema.version());
        }
        if (schema.doc() != null) {
            out.put("doc", schema.doc());
        }
        if (schema.parameters() != null) {
            ObjectNode params = out.putObject("parameters");
            for (Map.Entry<String, String> e : schema.parameters().entrySet()) {
                params.put(e.getKey(), e.getValue());
            }
        }
        if (schema.defaultValue() != null) {
            out.set("default", encodeValue(schema.defaultValue(), schema));
        }
        switch (schema.type()) {
            case STRUCT:
                ArrayNode fields = out.putArray("fields");
                for (Field f : schema.fields()) {
                    ObjectNode fo = fields.addObject();
                    fo.put("field", f.name());
                    fo.set("schema", encodeSchema(f.schema()));
                }
                break;
            case ARRAY:
                out.set("items", encodeSchema(schema.valueSchema()));
                break;
            case MAP:
                out.set("keys", encodeSchema(schema.keySchema()));
                out.set("values", encodeSchema(schema.valueSchema()));
                break;
            default:
                break;
        }
        return out;
    }

    private static String typeName(Schema.Type type) {
        switch (type) {
            case FLOAT32:
                return "float";
            case FLOAT64:
                return "double";
            default:
                return type.getName();
        }
    }

    // ------------------------------------------------------------ values

    /**
     * Decodes a tagged value. {@code schema} (may be null) gives the schema of
     * structs, the element schemas of arrays and maps, and the scale of
     * decimals.
     */
    static Object decodeValue(JsonNode node, Schema schema) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject() || node.size() != 1) {
            throw new BadRequest("tagged value must be null or an object with one key, got " + node);
        }
        Map.Entry<String, JsonNode> entry = node.properties().iterator().next();
        String tag = entry.getKey();
        JsonNode v = entry.getValue();
        switch (tag) {
            case "int8":
                return (byte) integral(v, Byte.MIN_VALUE, Byte.MAX_VALUE, tag);
            case "int16":
                return (short) integral(v, Short.MIN_VALUE, Short.MAX_VALUE, tag);
            case "int32":
                return (int) integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, tag);
            case "int64":
                return integral(v, Long.MIN_VALUE, Long.MAX_VALUE, tag);
            case "float32":
                return floating(v, tag).floatValue;
            case "float64":
                return floating(v, tag).doubleValue;
            case "boolean":
                if (!v.isBoolean()) {
                    throw new BadRequest("boolean needs true or false, got " + v);
                }
                return v.booleanValue();
            case "string":
                if (!v.isTextual()) {
                    throw new BadRequest("string needs a JSON string, got " + v);
                }
                return v.textValue();
            case "bytes":
                if (!v.isTextual()) {
                    throw new BadRequest("bytes needs a base64 string, got " + v);
                }
                return Base64.getDecoder().decode(v.textValue());
            case "array": {
                if (!v.isArray()) {
                    throw new BadRequest("array needs a JSON array, got " + v);
                }
                Schema items = schema == null ? null : schema.valueSchema();
                List<Object> list = new ArrayList<>(v.size());
                for (JsonNode item : v) {
                    list.add(decodeValue(item, items));
                }
                return list;
            }
            case "map": {
                if (!v.isArray()) {
                    throw new BadRequest("map needs an array of [key, value] pairs, got " + v);
                }
                Schema keys = schema == null ? null : schema.keySchema();
                Schema values = schema == null ? null : schema.valueSchema();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (JsonNode pair : v) {
                    if (!pair.isArray() || pair.size() != 2) {
                        throw new BadRequest("map entry must be [key, value], got " + pair);
                    }
                    map.put(decodeValue(pair.get(0), keys), decodeValue(pair.get(1), values));
                }
                return map;
            }
            case "struct": {
                if (!v.isObject()) {
                    throw new BadRequest("struct needs a JSON object, got " + v);
                }
                if (schema == null || schema.type() != Schema.Type.STRUCT) {
                    throw new BadRequest("a struct value needs a struct schema");
                }
                Struct struct = new Struct(schema);
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    Field field = schema.field(e.getKey());
                    if (field == null) {
                        // Let Struct raise Kafka's own error for an unknown field.
                        struct.put(e.getKey(), decodeValue(e.getValue(), null));
                    } else {
                        struct.put(field, decodeValue(e.getValue(), field.schema()));
                    }
                }
                return struct;
            }
            case "decimal": {
                if (!v.isTextual()) {
                    throw new BadRequest("decimal needs a string such as \"12.30\", got " + v);
                }
                BigDecimal d = new BigDecimal(v.textValue());
                if (schema != null && Decimal.LOGICAL_NAME.equals(schema.name()) && schema.parameters() != null
                        && schema.parameters().containsKey(Decimal.SCALE_FIELD)) {
                    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                    try {
                        d = d.setScale(scale, RoundingMode.UNNECESSARY);
                    } catch (ArithmeticException e) {
                        // Would need rounding: keep the value as given and let
                        // Kafka Connect report the scale mismatch.
                    }
                }
                return d;
            }
            case "date":
                return new java.util.Date(Math.multiplyExact(integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, tag), MILLIS_PER_DAY));
            case "time":
                return new java.util.Date(integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, tag));
            case "timestamp":
                return new java.util.Date(integral(v, Long.MIN_VALUE, Long.MAX_VALUE, tag));
            default:
                throw new BadRequest("unknown value tag \"" + tag + "\"");
        }
    }

    /**
     * Encodes a Connect value in tagged form. {@code schema} (may be null)
     * tells which logical type a java.util.Date is and gives the element
     * schemas of containers.
     */
    static JsonNode encodeValue(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        ObjectNode out = NODES.objectNode();
        if (value instanceof Byte) {
            out.put("int8", (Byte) value);
        } else if (value instanceof Short) {
            out.put("int16", (Short) value);
        } else if (value instanceof Integer) {
            out.put("int32", (Integer) value);
        } else if (value instanceof Long) {
            out.put("int64", (Long) value);
        } else if (value instanceof Float) {
            float f = (Float) value;
            if (Float.isFinite(f)) {
                out.put("float32", f);
            } else {
                out.put("float32", nonFinite(f));
            }
        } else if (value instanceof Double) {
            double d = (Double) value;
            if (Double.isFinite(d)) {
                out.put("float64", d);
            } else {
                out.put("float64", nonFinite(d));
            }
        } else if (value instanceof Boolean) {
            out.put("boolean", (Boolean) value);
        } else if (value instanceof String) {
            out.put("string", (String) value);
        } else if (value instanceof byte[]) {
            out.put("bytes", Base64.getEncoder().encodeToString((byte[]) value));
        } else if (value instanceof ByteBuffer) {
            ByteBuffer buf = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            out.put("bytes", Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) value;
            // Both forms parse back to the same unscaled value and scale.
            out.put("decimal", d.scale() >= 0 ? d.toPlainString() : d.toString());
        } else if (value instanceof java.util.Date) {
            long millis = ((java.util.Date) value).getTime();
            String name = schema == null ? null : schema.name();
            if (Date.LOGICAL_NAME.equals(name)) {
                out.put("date", Math.floorDiv(millis, MILLIS_PER_DAY));
            } else if (Time.LOGICAL_NAME.equals(name)) {
                out.put("time", millis);
            } else {
                out.put("timestamp", millis);
            }
        } else if (value instanceof Struct) {
            Struct struct = (Struct) value;
            ObjectNode fields = out.putObject("struct");
            for (Field f : struct.schema().fields()) {
                fields.set(f.name(), encodeValue(struct.getWithoutDefault(f.name()), f.schema()));
            }
        } else if (value instanceof List) {
            Schema items = schema == null ? null : schema.valueSchema();
            ArrayNode arr = out.putArray("array");
            for (Object item : (List<?>) value) {
                arr.add(encodeValue(item, items));
            }
        } else if (value instanceof Map) {
            Schema keys = schema == null ? null : schema.keySchema();
            Schema values = schema == null ? null : schema.valueSchema();
            ArrayNode arr = out.putArray("map");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                ArrayNode pair = arr.addArray();
                pair.add(encodeValue(e.getKey(), keys));
                pair.add(encodeValue(e.getValue(), values));
            }
        } else {
            throw new IllegalStateException("cannot encode value of class " + value.getClass().getName());
        }
        return out;
    }

    // ------------------------------------------------------------ helpers

    private static final class Floating {
        final float floatValue;
        final double doubleValue;

        Floating(float f, double d) {
            this.floatValue = f;
            this.doubleValue = d;
        }
    }

    private static Floating floating(JsonNode v, String tag) {
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN":
                    return new Floating(Float.NaN, Double.NaN);
                case "Infinity":
                    return new Floating(Float.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
                case "-Infinity":
                    return new Floating(Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
                default:
                    throw new BadRequest(tag + " needs a number, \"NaN\", \"Infinity\" or \"-Infinity\", got " + v);
            }
        }
        if (!v.isNumber()) {
            throw new BadRequest(tag + " needs a number, got " + v);
        }
        // Parse from the decimal text: correctly rounded to float and double.
        String digits = v.isBigDecimal() ? v.decimalValue().toString() : v.asText();
        return new Floating(Float.parseFloat(digits), Double.parseDouble(digits));
    }

    private static long integral(JsonNode v, long min, long max, String tag) {
        BigInteger n;
        if (v.isIntegralNumber()) {
            n = v.bigIntegerValue();
        } else if (v.isTextual()) {
            try {
                n = new BigInteger(v.textValue());
            } catch (NumberFormatException e) {
                throw new BadRequest(tag + " needs an integer, got " + v);
            }
        } else {
            throw new BadRequest(tag + " needs an integer, got " + v);
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new BadRequest(tag + " value out of range: " + n);
        }
        return n.longValue();
    }

    private static String nonFinite(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    private static String text(JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest("missing \"" + key + "\" in " + node);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRequest("\"" + key + "\" must be a string in " + node);
        }
        return v.textValue();
    }

    private static <T> T required(T value, String message) {
        if (value == null) {
            throw new BadRequest(message);
        }
        return value;
    }

    static byte[] fromHex(String hex) {
        if (hex.length() % 2 != 0) {
            throw new BadRequest("hex string has odd length");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new BadRequest("invalid hex string");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    static String toHex(byte[] bytes) {
        char[] digits = "0123456789abcdef".toCharArray();
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(digits[(b >> 4) & 0xf]).append(digits[b & 0xf]);
        }
        return sb.toString();
    }
}
