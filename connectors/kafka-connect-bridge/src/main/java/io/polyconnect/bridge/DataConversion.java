package io.polyconnect.bridge;

import io.polyconnect.sdk.DataException;
import io.polyconnect.sdk.RawBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * Kafka Connect's data model (org.apache.kafka.connect.data) to the SDK's and back. Both
 * follow the same rules, so this is structural: schemas field by field, Structs value by
 * value; logical values (BigDecimal, java.util.Date) are the same Java objects on both
 * sides. Converted schemas are cached, since a connector usually reuses a few.
 */
final class DataConversion {
  private final Map<Schema, io.polyconnect.sdk.Schema> toSdk = new ConcurrentHashMap<>();
  private final Map<io.polyconnect.sdk.Schema, Schema> toKc = new ConcurrentHashMap<>();

  // ------------------------------------------------------------------ Kafka Connect -> SDK

  io.polyconnect.sdk.Schema schema(Schema s) {
    if (s == null) return null;
    io.polyconnect.sdk.Schema hit = toSdk.get(s);
    if (hit != null) return hit;
    io.polyconnect.sdk.Schema out = switch (s.type()) {
      case ARRAY -> io.polyconnect.sdk.Schema.array(schema(s.valueSchema()));
      case MAP -> io.polyconnect.sdk.Schema.map(schema(s.keySchema()), schema(s.valueSchema()));
      case STRUCT -> {
        io.polyconnect.sdk.Schema st = io.polyconnect.sdk.Schema.struct();
        for (org.apache.kafka.connect.data.Field f : s.fields()) st = st.field(f.name(), schema(f.schema()));
        yield st;
      }
      default -> io.polyconnect.sdk.Schema.of(io.polyconnect.sdk.Schema.Type.valueOf(s.type().name()));
    };
    if (s.isOptional()) out = out.optional();
    if (s.name() != null) out = out.name(s.name());
    if (s.version() != null) out = out.version(s.version());
    if (s.doc() != null) out = out.doc(s.doc());
    if (s.parameters() != null && !s.parameters().isEmpty()) out = out.parameters(s.parameters());
    if (s.defaultValue() != null) out = out.defaultValue(value(s, s.defaultValue()));
    if (toSdk.size() < 10_000) toSdk.put(s, out);
    return out;
  }

  /** A value with its Kafka Connect schema (null: schemaless) as the SDK's value. */
  Object value(Schema s, Object v) {
    if (v == null) return null;
    if (s == null) return schemaless(v);
    return switch (s.type()) {
      case STRUCT -> {
        Struct st = (Struct) v;
        io.polyconnect.sdk.Schema ss = schema(st.schema());
        io.polyconnect.sdk.Struct out = new io.polyconnect.sdk.Struct(ss);
        for (org.apache.kafka.connect.data.Field f : st.schema().fields()) {
          out.put(f.name(), value(f.schema(), st.getWithoutDefault(f.name())));
        }
        yield out;
      }
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Object o : (List<?>) v) out.add(value(s.valueSchema(), o));
        yield out;
      }
      case MAP -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) v).forEach((k, x) -> out.put(value(s.keySchema(), k), value(s.valueSchema(), x)));
        yield out;
      }
      case BYTES -> v instanceof ByteBuffer b ? bytes(b) : v;
      default -> v;
    };
  }

  private Object schemaless(Object v) {
    if (v instanceof Struct st) return value(st.schema(), st);
    if (v instanceof ByteBuffer b) return bytes(b);
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) out.add(schemaless(o));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(schemaless(k), schemaless(x)));
      return out;
    }
    return v;
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  // ------------------------------------------------------------------ SDK -> Kafka Connect

  Schema schema(io.polyconnect.sdk.Schema s) {
    if (s == null) return null;
    Schema hit = toKc.get(s);
    if (hit != null) return hit;
    SchemaBuilder b = switch (s.type()) {
      case ARRAY -> SchemaBuilder.array(schema(s.valueSchema()));
      case MAP -> SchemaBuilder.map(schema(s.keySchema()), schema(s.valueSchema()));
      case STRUCT -> {
        SchemaBuilder st = SchemaBuilder.struct();
        for (io.polyconnect.sdk.Schema.Field f : s.fields()) st.field(f.name(), schema(f.schema()));
        yield st;
      }
      default -> SchemaBuilder.type(Schema.Type.valueOf(s.type().name()));
    };
    if (s.isOptional()) b.optional();
    if (s.name() != null) b.name(s.name());
    if (s.version() != null) b.version(s.version());
    if (s.doc() != null) b.doc(s.doc());
    if (!s.parameters().isEmpty()) b.parameters(s.parameters());
    if (s.defaultValue() != null) {
      // The default is checked against the schema, so it is converted with a copy without one.
      b.defaultValue(kcValue(withoutDefault(s), s.defaultValue()));
    }
    Schema out = b.build();
    if (toKc.size() < 10_000) toKc.put(s, out);
    return out;
  }

  private Schema withoutDefault(io.polyconnect.sdk.Schema s) {
    return schema(io.polyconnect.sdk.Schema.rebuild(s.type(), s.isOptional(), null, s.name(), s.version(), s.doc(),
        s.parameters(), s.keySchema(), s.valueSchema(), s.fields()));
  }

  /** An SDK value with its Kafka Connect schema (null: schemaless). */
  Object kcValue(Schema s, Object v) {
    if (v == null) return null;
    if (v instanceof RawBytes r) return r.data();
    if (s == null) return kcSchemaless(v);
    return switch (s.type()) {
      case STRUCT -> {
        io.polyconnect.sdk.Struct st = (io.polyconnect.sdk.Struct) v;
        Struct out = new Struct(s);
        for (org.apache.kafka.connect.data.Field f : s.fields()) {
          // An unset field stays unset (Kafka Connect refuses an explicit null for a
          // required field, even one with a default).
          Object x = kcValue(f.schema(), st.getWithoutDefault(f.name()));
          if (x != null) out.put(f, x);
        }
        yield out;
      }
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Object o : (List<?>) v) out.add(kcValue(s.valueSchema(), o));
        yield out;
      }
      case MAP -> {
        Map<Object, Object> out = new HashMap<>();
        ((Map<?, ?>) v).forEach((k, x) -> out.put(kcValue(s.keySchema(), k), kcValue(s.valueSchema(), x)));
        yield out;
      }
      default -> v;
    };
  }

  private Object kcSchemaless(Object v) {
    if (v instanceof io.polyconnect.sdk.Struct st) return kcValue(schema(st.schema()), st);
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) out.add(kcSchemaless(o));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new HashMap<>();
      m.forEach((k, x) -> out.put(kcSchemaless(k), kcSchemaless(x)));
      return out;
    }
    return v;
  }

  /** The schema of a value that arrived as raw bytes. */
  static Schema rawSchema(Object v) {
    return v instanceof RawBytes ? Schema.OPTIONAL_BYTES_SCHEMA : null;
  }

  static DataException error(String what, RuntimeException e) {
    return new DataException(what + ": " + e.getMessage());
  }
}
