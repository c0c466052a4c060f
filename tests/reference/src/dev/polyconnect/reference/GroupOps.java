package dev.polyconnect.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.connect.runtime.distributed.ConnectProtocol;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;
import org.apache.kafka.connect.util.ConnectorTaskId;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Kafka Connect's worker group protocol (ConnectProtocol, IncrementalCooperativeConnectProtocol):
 * member metadata and assignments to and from their bytes, with Kafka Connect's own classes.
 *
 * <p>An assignment in JSON: {"version", "error", "leader", "leader_url", "config_offset",
 * "connectors": [name], "tasks": [[connector, task]], "revoked_connectors", "revoked_tasks",
 * "delay"}. Metadata: {"version", "url", "config_offset", "allocation": assignment or null}.
 * Bytes are lower-case hex in "hex".
 */
final class GroupOps {
    private static final HexFormat HEX = HexFormat.of();

    private GroupOps() {
    }

    static ObjectNode encodeAssignment(JsonNode request) {
        ByteBuffer bytes = serializeAssignment(request.get("assignment"));
        return hex(bytes);
    }

    static ObjectNode decodeAssignment(JsonNode request) {
        ByteBuffer bytes = ByteBuffer.wrap(HEX.parseHex(request.get("hex").textValue()));
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.set("assignment", assignmentJson(IncrementalCooperativeConnectProtocol.deserializeAssignment(bytes)));
        return out;
    }

    static ObjectNode encodeMetadata(JsonNode request) {
        JsonNode m = request.get("metadata");
        short version = (short) m.get("version").intValue();
        String url = m.get("url").textValue();
        long offset = m.get("config_offset").longValue();
        if (version == 0) {
            return hex(ConnectProtocol.serializeMetadata(new ConnectProtocol.WorkerState(url, offset)));
        }
        JsonNode allocation = m.get("allocation");
        ExtendedAssignment a = allocation == null || allocation.isNull() ? null : extended(allocation);
        return hex(IncrementalCooperativeConnectProtocol.serializeMetadata(new ExtendedWorkerState(url, offset, a), version >= 2));
    }

    static ObjectNode decodeMetadata(JsonNode request) {
        ByteBuffer bytes = ByteBuffer.wrap(HEX.parseHex(request.get("hex").textValue()));
        ExtendedWorkerState state = IncrementalCooperativeConnectProtocol.deserializeMetadata(bytes);
        ObjectNode m = Harness.MAPPER.createObjectNode();
        m.put("url", state.url());
        m.put("config_offset", state.offset());
        ExtendedAssignment a = state.assignment();
        if (a == null) {
            m.putNull("allocation");
        } else {
            m.set("allocation", assignmentJson(a));
        }
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.set("metadata", m);
        return out;
    }

    private static ByteBuffer serializeAssignment(JsonNode a) {
        short version = (short) a.get("version").intValue();
        if (version == 0) {
            return ConnectProtocol.serializeAssignment(new ConnectProtocol.Assignment(
                    (short) a.get("error").intValue(), a.get("leader").textValue(), a.get("leader_url").textValue(),
                    a.get("config_offset").longValue(), names(a.get("connectors")), tasks(a.get("tasks"))));
        }
        return IncrementalCooperativeConnectProtocol.serializeAssignment(extended(a), version >= 2);
    }

    private static ExtendedAssignment extended(JsonNode a) {
        return new ExtendedAssignment((short) a.get("version").intValue(), (short) a.get("error").intValue(),
                a.get("leader").textValue(), a.get("leader_url").textValue(), a.get("config_offset").longValue(),
                names(a.get("connectors")), tasks(a.get("tasks")), names(a.get("revoked_connectors")),
                tasks(a.get("revoked_tasks")), a.get("delay").intValue());
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.textValue()));
        }
        return out;
    }

    private static List<ConnectorTaskId> tasks(JsonNode array) {
        List<ConnectorTaskId> out = new ArrayList<>();
        if (array != null) {
            array.forEach(t -> out.add(new ConnectorTaskId(t.get(0).textValue(), t.get(1).intValue())));
        }
        return out;
    }

    private static ObjectNode assignmentJson(ExtendedAssignment a) {
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.put("version", a.version());
        out.put("error", a.error());
        out.put("leader", a.leader());
        out.put("leader_url", a.leaderUrl());
        out.put("config_offset", a.offset());
        out.set("connectors", namesJson(a.connectors()));
        out.set("tasks", tasksJson(a.tasks()));
        out.set("revoked_connectors", namesJson(a.revokedConnectors()));
        out.set("revoked_tasks", tasksJson(a.revokedTasks()));
        out.put("delay", a.delay());
        return out;
    }

    private static ArrayNode namesJson(Collection<String> names) {
        ArrayNode out = Harness.MAPPER.createArrayNode();
        if (names != null) {
            names.forEach(out::add);
        }
        return out;
    }

    private static ArrayNode tasksJson(Collection<ConnectorTaskId> tasks) {
        ArrayNode out = Harness.MAPPER.createArrayNode();
        if (tasks != null) {
            for (ConnectorTaskId t : tasks) {
                ArrayNode pair = out.addArray();
                pair.add(t.connector());
                pair.add(t.task());
            }
        }
        return out;
    }

    private static ObjectNode hex(ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.duplicate().get(b);
        ObjectNode out = Harness.MAPPER.createObjectNode();
        out.put("hex", HEX.formatHex(b));
        return out;
    }
}
