package dev.polyconnect.reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Line-oriented reference harness around Kafka Connect's own classes.
 *
 * <p>Reads one JSON request per line on stdin and writes exactly one JSON
 * response per request on stdout, flushed after each. Logs go to stderr.
 * The request and value formats are documented in docs/kafka.md.
 */
public final class Harness {

    /** One operation of the protocol. */
    @FunctionalInterface
    interface Op {
        ObjectNode handle(JsonNode request) throws Exception;
    }

    static final ObjectMapper MAPPER = new ObjectMapper()
            // Keep the exact decimal text of numbers so float32/float64 and
            // big integers are parsed from the original digits.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    static {
        OPS.put("ping", request -> {
            ObjectNode out = MAPPER.createObjectNode();
            out.put("ok", true);
            return out;
        });
        OPS.put("version", request -> {
            ObjectNode out = MAPPER.createObjectNode();
            out.put("kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
            return out;
        });
        OPS.put("json.serialize", JsonConverterOps::serialize);
        OPS.put("json.deserialize", JsonConverterOps::deserialize);
        // Single message transforms, predicates, a connector's transform chain, and the
        // other converters (record and header converters): see TransformOps.
        OPS.put("transform", TransformOps::transform);
        OPS.put("predicate", TransformOps::predicate);
        OPS.put("chain", TransformOps::chain);
        OPS.put("convert", TransformOps::convert);
        // The worker group protocol's metadata and assignments: see GroupOps.
        OPS.put("group.assignment.encode", GroupOps::encodeAssignment);
        OPS.put("group.assignment.decode", GroupOps::decodeAssignment);
        OPS.put("group.metadata.encode", GroupOps::encodeMetadata);
        OPS.put("group.metadata.decode", GroupOps::decodeMetadata);
    }

    private Harness() {
    }

    public static void main(String[] args) throws Exception {
        // Kafka Connect's Values and Cast format and parse dates in the JVM's default zone;
        // Polyconnect works in UTC.
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        // Keep stdout for responses only: anything else printing to
        // System.out ends up on stderr.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        boolean debug = "1".equals(System.getenv("POLYCONNECT_REFERENCE_DEBUG"));

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode response = handleLine(line, debug);
            out.print(MAPPER.writeValueAsString(response));
            out.print('\n');
            out.flush();
        }
        out.flush();
    }

    static ObjectNode handleLine(String line, boolean debug) {
        JsonNode request = null;
        try {
            try {
                request = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new BadRequest("invalid JSON: " + e.getOriginalMessage());
            }
            if (request == null || !request.isObject()) {
                throw new BadRequest("request must be a JSON object");
            }
            JsonNode opNode = request.get("op");
            if (opNode == null || !opNode.isTextual()) {
                throw new BadRequest("missing \"op\"");
            }
            Op op = OPS.get(opNode.textValue());
            if (op == null) {
                throw new BadRequest("unknown op \"" + opNode.textValue() + "\"");
            }
            return withId(request, op.handle(request));
        } catch (Throwable t) {
            if (debug) {
                t.printStackTrace(System.err);
            }
            ObjectNode out = MAPPER.createObjectNode();
            out.put("error", t.toString());
            return withId(request, out);
        }
    }

    /** Echoes the request's "id", if it has one, so callers may pipeline. */
    private static ObjectNode withId(JsonNode request, ObjectNode response) {
        if (request != null && request.isObject() && request.has("id")) {
            ObjectNode out = MAPPER.createObjectNode();
            out.set("id", request.get("id"));
            out.setAll(response);
            return out;
        }
        return response;
    }
}
