package io.polyconnect.sdk.internal;

import com.google.protobuf.ByteString;
import io.polyconnect.protocol.v1.MapEntry;
import io.polyconnect.protocol.v1.NullValue;
import io.polyconnect.protocol.v1.RecordData;
import io.polyconnect.protocol.v1.SchemaType;
import io.polyconnect.protocol.v1.Structured;
import io.polyconnect.protocol.v1.TraceContext;
import io.polyconnect.protocol.v1.Value;
import io.polyconnect.sdk.DataException;
import io.polyconnect.sdk.Header;
import io.polyconnect.sdk.RawBytes;
import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.SourceRecord;
import io.polyconnect.sdk.Struct;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Conversion between the SDK's data model and the protocol messages. The only place that
 * knows both; one instance per stream, since schema references are per stream.
 */
public final class Wire {
  private static final long DAY_MS = 86_400_000L;

  private final boolean refs;
  private final boolean raw;
  private final boolean trace;
  private final Map<Schema, Integer> sent = new HashMap<>();
  private final Map<Integer, Schema> received = new HashMap<>();
  private int nextId = 1;

  public Wire(boolean schemaRefs, boolean rawBytes, boolean traceContext) {
    this.refs = schemaRefs;
    this.raw = rawBytes;
    this.trace = traceContext;
  }

  // ------------------------------------------------------------------ schemas out

  public io.polyconnect.protocol.v1.Schema schemaToProto(Schema s) {
    if (refs) {
      Integer id = sent.get(s);
      if (id != null) {
        return io.polyconnect.protocol.v1.Schema.newBuilder().setRef(id).build();
      }
    }
    io.polyconnect.protocol.v1.Schema.Builder b = io.polyconnect.protocol.v1.Schema.newBuilder()
        .setType(SchemaType.forNumber(s.type().ordinal() + 1)).setOptional(s.isOptional());
    if (s.name() != null) b.setName(s.name());
    if (s.version() != null) b.setVersion(s.version());
    if (s.doc() != null) b.setDoc(s.doc());
    if (!s.parameters().isEmpty()) {
      b.putAllParameters(s.parameters()).addAllParameterOrder(s.parameters().keySet());
    }
    if (s.keySchema() != null) b.setKeySchema(schemaToProto(s.keySchema()));
    if (s.valueSchema() != null) b.setValueSchema(schemaToProto(s.valueSchema()));
    for (Schema.Field f : s.fields()) {
      b.addFieldsBuilder().setName(f.name()).setSchema(schemaToProto(f.schema()));
    }
    if (s.defaultValue() != null) b.setDefaultValue(toProto(s, s.defaultValue()));
    if (refs) {
      int id = nextId++;
      sent.put(s, id);
      b.setId(id);
    }
    return b.build();
  }

  // ------------------------------------------------------------------ schemas in

  public Schema schemaFromProto(io.polyconnect.protocol.v1.Schema p) {
    if (p.getRef() != 0) {
      Schema s = received.get(p.getRef());
      if (s == null) {
        throw new DataException("schema reference " + p.getRef() + " was never defined on this stream");
      }
      return s;
    }
    int t = p.getTypeValue();
    if (t < 1 || t > Schema.Type.values().length) {
      throw new DataException("unknown schema type " + t);
    }
    Schema.Type type = Schema.Type.values()[t - 1];
    Map<String, String> params = null;
    if (p.getParametersCount() > 0) {
      params = new LinkedHashMap<>();
      Map<String, String> rest = new HashMap<>(p.getParametersMap());
      for (String k : p.getParameterOrderList()) {
        String v = rest.remove(k);
        if (v != null) params.put(k, v);
      }
      for (String k : new TreeSet<>(rest.keySet())) params.put(k, rest.get(k));
    }
    Schema key = p.hasKeySchema() ? schemaFromProto(p.getKeySchema()) : null;
    Schema value = p.hasValueSchema() ? schemaFromProto(p.getValueSchema()) : null;
    List<Schema.Field> fields = new ArrayList<>();
    for (io.polyconnect.protocol.v1.Field f : p.getFieldsList()) {
      fields.add(new Schema.Field(f.getName(), fields.size(), schemaFromProto(f.getSchema())));
    }
    if ((type == Schema.Type.MAP && (key == null || value == null)) || (type == Schema.Type.ARRAY && value == null)) {
      throw new DataException(type + " schema without its element schemas");
    }
    String name = p.getName().isEmpty() ? null : p.getName();
    Integer version = p.hasVersion() ? p.getVersion() : null;
    String doc = p.getDoc().isEmpty() ? null : p.getDoc();
    Schema s = Schema.rebuild(type, p.getOptional(), null, name, version, doc, params, key, value, fields);
    if (p.hasDefaultValue()) {
      Object d = fromProto(s, p.getDefaultValue());
      if (d != null) s = Schema.rebuild(type, p.getOptional(), d, name, version, doc, params, key, value, fields);
    }
    if (p.getId() != 0) received.put(p.getId(), s);
    return s;
  }

  // ------------------------------------------------------------------ values out

  private static final Value NULL = Value.newBuilder().setNull(NullValue.NULL_VALUE).build();

  /** A value with its schema; checks that it fits. */
  public Value toProto(Schema s, Object v) {
    if (v == null) {
      if (!s.isOptional() && s.defaultValue() == null) {
        throw new DataException("null value for a required " + s);
      }
      return NULL;
    }
    Value.Builder b = Value.newBuilder();
    try {
      switch (s.type()) {
        case INT8 -> b.setInt8(((Number) v).byteValue());
        case INT16 -> b.setInt16(((Number) v).shortValue());
        case INT32 -> {
          if (v instanceof java.util.Date d && Schema.DATE_NAME.equals(s.name())) {
            b.setInt32((int) Math.floorDiv(d.getTime(), DAY_MS));
          } else if (v instanceof java.util.Date d && Schema.TIME_NAME.equals(s.name())) {
            b.setInt32((int) Math.floorMod(d.getTime(), DAY_MS));
          } else {
            b.setInt32((Integer) v);
          }
        }
        case INT64 -> b.setInt64(v instanceof java.util.Date d ? d.getTime() : (Long) v);
        case FLOAT32 -> b.setFloat32((Float) v);
        case FLOAT64 -> b.setFloat64((Double) v);
        case BOOLEAN -> b.setBoolean((Boolean) v);
        case STRING -> b.setString((String) v);
        case BYTES -> {
          if (v instanceof BigDecimal d) {
            int scale = Integer.parseInt(s.parameters().getOrDefault(Schema.SCALE, "0"));
            b.setBytes(ByteString.copyFrom(d.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue().toByteArray()));
          } else if (v instanceof ByteBuffer bb) {
            b.setBytes(ByteString.copyFrom(bb.duplicate()));
          } else {
            b.setBytes(ByteString.copyFrom((byte[]) v));
          }
        }
        case ARRAY -> {
          io.polyconnect.protocol.v1.Array.Builder a = b.getArrayBuilder();
          for (Object o : (List<?>) v) a.addItems(toProto(s.valueSchema(), o));
        }
        case MAP -> {
          io.polyconnect.protocol.v1.Map.Builder m = b.getMapBuilder();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            m.addEntries(MapEntry.newBuilder().setKey(toProto(s.keySchema(), e.getKey()))
                .setValue(toProto(s.valueSchema(), e.getValue())));
          }
        }
        case STRUCT -> {
          Struct st = (Struct) v;
          if (!st.schema().equals(s)) {
            throw new DataException("a Struct of " + st.schema() + " where " + s + " is expected");
          }
          io.polyconnect.protocol.v1.Struct.Builder sb = b.getStructBuilder();
          for (Schema.Field f : s.fields()) sb.addFields(toProto(f.schema(), st.getWithoutDefault(f)));
        }
      }
    } catch (ClassCastException | ArithmeticException e) {
      throw new DataException("a " + v.getClass().getSimpleName() + " does not fit " + s + ": " + e.getMessage());
    }
    return b.build();
  }

  /** A schemaless value (no schema references involved). */
  public static Value staticAnyToProto(Object v) {
    return new Wire(false, false, false).anyToProto(v);
  }

  /** A schemaless value, typed by its Java class. */
  public Value anyToProto(Object v) {
    if (v == null) return NULL;
    Value.Builder b = Value.newBuilder();
    if (v instanceof Boolean x) b.setBoolean(x);
    else if (v instanceof Byte x) b.setInt8(x);
    else if (v instanceof Short x) b.setInt16(x);
    else if (v instanceof Integer x) b.setInt32(x);
    else if (v instanceof Long x) b.setInt64(x);
    else if (v instanceof Float x) b.setFloat32(x);
    else if (v instanceof Double x) b.setFloat64(x);
    else if (v instanceof String x) b.setString(x);
    else if (v instanceof byte[] x) b.setBytes(ByteString.copyFrom(x));
    else if (v instanceof ByteBuffer x) b.setBytes(ByteString.copyFrom(x.duplicate()));
    else if (v instanceof BigDecimal x) {
      b.getDecimalBuilder().setScale(x.scale()).setUnscaled(ByteString.copyFrom(x.unscaledValue().toByteArray()));
    } else if (v instanceof List<?> l) {
      io.polyconnect.protocol.v1.Array.Builder a = b.getArrayBuilder();
      for (Object o : l) a.addItems(anyToProto(o));
    } else if (v instanceof Map<?, ?> m) {
      io.polyconnect.protocol.v1.Map.Builder mb = b.getMapBuilder();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        mb.addEntries(MapEntry.newBuilder().setKey(anyToProto(e.getKey())).setValue(anyToProto(e.getValue())));
      }
    } else if (v instanceof Struct s) {
      return toProto(s.schema(), s);
    } else {
      throw new DataException("a " + v.getClass().getName() + " cannot be sent without a schema");
    }
    return b.build();
  }

  // ------------------------------------------------------------------ values in

  public Object fromProto(Schema s, Value v) {
    if (v.getKindCase() == Value.KindCase.NULL || v.getKindCase() == Value.KindCase.KIND_NOT_SET) {
      if (!s.isOptional() && s.defaultValue() == null) {
        throw new DataException("null for a required " + s);
      }
      return null;
    }
    try {
      return switch (s.type()) {
        case INT8 -> (byte) checked(v.getInt8(), Byte.MIN_VALUE, Byte.MAX_VALUE, v, Value.KindCase.INT8);
        case INT16 -> (short) checked(v.getInt16(), Short.MIN_VALUE, Short.MAX_VALUE, v, Value.KindCase.INT16);
        case INT32 -> {
          expect(v, Value.KindCase.INT32);
          int i = v.getInt32();
          if (Schema.DATE_NAME.equals(s.name())) yield new java.util.Date(i * DAY_MS);
          if (Schema.TIME_NAME.equals(s.name())) yield new java.util.Date(i);
          yield i;
        }
        case INT64 -> {
          expect(v, Value.KindCase.INT64);
          yield Schema.TIMESTAMP_NAME.equals(s.name()) ? new java.util.Date(v.getInt64()) : (Object) v.getInt64();
        }
        case FLOAT32 -> { expect(v, Value.KindCase.FLOAT32); yield v.getFloat32(); }
        case FLOAT64 -> { expect(v, Value.KindCase.FLOAT64); yield v.getFloat64(); }
        case BOOLEAN -> { expect(v, Value.KindCase.BOOLEAN); yield v.getBoolean(); }
        case STRING -> { expect(v, Value.KindCase.STRING); yield v.getString(); }
        case BYTES -> {
          expect(v, Value.KindCase.BYTES);
          if (Schema.DECIMAL.equals(s.name())) {
            int scale = Integer.parseInt(s.parameters().getOrDefault(Schema.SCALE, "0"));
            yield new BigDecimal(new BigInteger(v.getBytes().toByteArray()), scale);
          }
          yield v.getBytes().toByteArray();
        }
        case ARRAY -> {
          expect(v, Value.KindCase.ARRAY);
          List<Object> out = new ArrayList<>(v.getArray().getItemsCount());
          for (Value i : v.getArray().getItemsList()) out.add(fromProto(s.valueSchema(), i));
          yield out;
        }
        case MAP -> {
          expect(v, Value.KindCase.MAP);
          Map<Object, Object> out = new LinkedHashMap<>();
          for (MapEntry e : v.getMap().getEntriesList()) {
            out.put(fromProto(s.keySchema(), e.getKey()), fromProto(s.valueSchema(), e.getValue()));
          }
          yield out;
        }
        case STRUCT -> {
          expect(v, Value.KindCase.STRUCT);
          List<Value> vals = v.getStruct().getFieldsList();
          if (vals.size() != s.fields().size()) {
            throw new DataException("a struct of " + vals.size() + " values for " + s.fields().size() + " fields");
          }
          Struct st = new Struct(s);
          for (Schema.Field f : s.fields()) st.put(f, fromProto(f.schema(), vals.get(f.index())));
          yield st;
        }
      };
    } catch (NumberFormatException e) {
      throw new DataException("bad Decimal scale in " + s);
    }
  }

  private static int checked(int i, int min, int max, Value v, Value.KindCase kind) {
    expect(v, kind);
    if (i < min || i > max) throw new DataException(i + " is out of range for " + kind);
    return i;
  }

  private static void expect(Value v, Value.KindCase kind) {
    if (v.getKindCase() != kind) {
      throw new DataException("a " + v.getKindCase() + " value where " + kind + " is expected");
    }
  }

  /** A schemaless value (ints stay their width, maps keep their order). */
  public static Object anyFromProto(Value v) {
    return switch (v.getKindCase()) {
      case NULL, KIND_NOT_SET -> null;
      case BOOLEAN -> v.getBoolean();
      case INT8 -> (byte) v.getInt8();
      case INT16 -> (short) v.getInt16();
      case INT32 -> v.getInt32();
      case INT64 -> v.getInt64();
      case FLOAT32 -> v.getFloat32();
      case FLOAT64 -> v.getFloat64();
      case STRING -> v.getString();
      case BYTES -> v.getBytes().toByteArray();
      case DECIMAL -> new BigDecimal(new BigInteger(v.getDecimal().getUnscaled().toByteArray()), v.getDecimal().getScale());
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Value i : v.getArray().getItemsList()) out.add(anyFromProto(i));
        yield out;
      }
      case MAP -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (MapEntry e : v.getMap().getEntriesList()) out.put(anyFromProto(e.getKey()), anyFromProto(e.getValue()));
        yield out;
      }
      case STRUCT -> throw new DataException("a struct value without a schema");
    };
  }

  // ------------------------------------------------------------------ records

  /** A source record's key or value; null when there is nothing to send (a schemaless null). */
  public RecordData data(Schema schema, Object value) {
    if (value instanceof RawBytes r) {
      if (raw) return RecordData.newBuilder().setRaw(ByteString.copyFrom(r.data())).build();
      schema = Schema.OPTIONAL_BYTES;
      value = r.data();
    }
    if (schema == null) {
      if (value == null) return null;
      schema = impliedSchema(value);
    }
    Structured.Builder sb = Structured.newBuilder();
    if (schema == null) {
      sb.setValue(anyToProto(value));
    } else {
      sb.setSchema(schemaToProto(schema)).setValue(toProto(schema, value));
    }
    return RecordData.newBuilder().setStructured(sb).build();
  }

  /** The schema a value given without one brings along: a Struct its own, a Date a Timestamp. */
  private static Schema impliedSchema(Object v) {
    if (v instanceof Struct s) return s.schema();
    if (v instanceof java.util.Date) return Schema.TIMESTAMP;
    return null;
  }

  public io.polyconnect.protocol.v1.SourceRecord encode(SourceRecord r, long seq) {
    return encode(r, seq, null);
  }

  /** Whether trace contexts travel with records (negotiated at the handshake). */
  boolean traces() {
    return trace;
  }

  /** As {@link #encode(SourceRecord, long)}, with {@code span} (when not null) as the record's trace. */
  public io.polyconnect.protocol.v1.SourceRecord encode(SourceRecord r, long seq, TraceContext span) {
    if (r.topic() == null || r.topic().isEmpty()) {
      throw new DataException("a source record without a topic");
    }
    io.polyconnect.protocol.v1.SourceRecord.Builder b = io.polyconnect.protocol.v1.SourceRecord.newBuilder()
        .setSeq(seq).setTopic(r.topic());
    if (r.sourcePartition() != null) b.setSourcePartition(anyToProto(r.sourcePartition()));
    if (r.sourceOffset() != null) b.setSourceOffset(anyToProto(r.sourceOffset()));
    if (r.kafkaPartition() != null) b.setKafkaPartition(r.kafkaPartition());
    RecordData k = data(r.keySchema(), r.key());
    if (k != null) b.setKey(k);
    RecordData v = data(r.valueSchema(), r.value());
    if (v != null) b.setValue(v);
    if (r.timestamp() != null) b.setTimestamp(r.timestamp());
    for (Header h : r.headers()) {
      io.polyconnect.protocol.v1.Header.Builder hb = b.addHeadersBuilder().setKey(h.key());
      Schema hs = h.schema() != null ? h.schema() : impliedSchema(h.value());
      if (hs != null) {
        hb.setSchema(schemaToProto(hs)).setValue(toProto(hs, h.value()));
      } else {
        hb.setValue(anyToProto(h.value()));
      }
    }
    if (!trace) return b.build();
    if (span != null) {
      b.setTrace(span);
    } else if (r.traceparent() != null) {
      b.setTrace(TraceContext.newBuilder().setTraceparent(r.traceparent())
          .setTracestate(r.tracestate() == null ? "" : r.tracestate()));
    }
    return b.build();
  }

  public SinkRecord decode(io.polyconnect.protocol.v1.SinkRecord r) {
    Object[] key = data(r.hasKey() ? r.getKey() : null);
    Object[] value = data(r.hasValue() ? r.getValue() : null);
    List<Header> headers = new ArrayList<>(r.getHeadersCount());
    for (io.polyconnect.protocol.v1.Header h : r.getHeadersList()) {
      if (h.hasSchema()) {
        Schema s = schemaFromProto(h.getSchema());
        headers.add(new Header(h.getKey(), s, fromProto(s, h.getValue())));
      } else {
        headers.add(new Header(h.getKey(), null, anyFromProto(h.getValue())));
      }
    }
    String tp = r.hasTrace() && !r.getTrace().getTraceparent().isEmpty() ? r.getTrace().getTraceparent() : null;
    String ts = r.hasTrace() && !r.getTrace().getTracestate().isEmpty() ? r.getTrace().getTracestate() : null;
    return new SinkRecord(r.getTopic(), r.getKafkaPartition(), r.getKafkaOffset(), (Schema) key[0], key[1],
        (Schema) value[0], value[1], r.hasTimestamp() ? r.getTimestamp() : null,
        SinkRecord.TimestampType.values()[Math.max(0, Math.min(2, r.getTimestampTypeValue()))], headers,
        r.getOriginalTopic().isEmpty() ? r.getTopic() : r.getOriginalTopic(),
        r.getOriginalTopic().isEmpty() ? r.getKafkaPartition() : r.getOriginalKafkaPartition(), tp, ts);
  }

  /** A key or value with its schema (null: schemaless) as the protocol's Structured; a
   * schemaless null is an empty Structured. */
  public Structured structured(Schema schema, Object value) {
    Structured.Builder sb = Structured.newBuilder();
    if (schema == null) {
      if (value != null) sb.setValue(anyToProto(value));
    } else {
      sb.setSchema(schemaToProto(schema)).setValue(toProto(schema, value));
    }
    return sb.build();
  }

  /** The protocol's Structured as {schema (null: schemaless), value}. */
  public Object[] structured(Structured s) {
    if (!s.hasSchema()) return new Object[] {null, s.hasValue() ? anyFromProto(s.getValue()) : null};
    Schema schema = schemaFromProto(s.getSchema());
    return new Object[] {schema, fromProto(schema, s.getValue())};
  }

  private Object[] data(RecordData d) {
    if (d == null) return new Object[] {null, null};
    if (d.getKindCase() == RecordData.KindCase.RAW) return new Object[] {null, new RawBytes(d.getRaw().toByteArray())};
    Structured s = d.getStructured();
    if (!s.hasSchema()) return new Object[] {null, anyFromProto(s.getValue())};
    Schema schema = schemaFromProto(s.getSchema());
    return new Object[] {schema, fromProto(schema, s.getValue())};
  }

  /** A record from the core for a transform or predicate. */
  public io.polyconnect.sdk.ConnectRecord decodeTransformRecord(io.polyconnect.protocol.v1.TransformRecord r) {
    Object[] key = data(r.hasKey() ? r.getKey() : null);
    Object[] value = data(r.hasValue() ? r.getValue() : null);
    List<Header> headers = new ArrayList<>(r.getHeadersCount());
    for (io.polyconnect.protocol.v1.Header h : r.getHeadersList()) {
      if (h.hasSchema()) {
        Schema s = schemaFromProto(h.getSchema());
        headers.add(new Header(h.getKey(), s, fromProto(s, h.getValue())));
      } else {
        headers.add(new Header(h.getKey(), null, anyFromProto(h.getValue())));
      }
    }
    if (key[1] instanceof RawBytes rb) key = new Object[] {Schema.OPTIONAL_BYTES, rb.data()};
    if (value[1] instanceof RawBytes rb) value = new Object[] {Schema.OPTIONAL_BYTES, rb.data()};
    return new io.polyconnect.sdk.ConnectRecord(r.getTopic(), r.hasKafkaPartition() ? r.getKafkaPartition() : null,
        (Schema) key[0], key[1], (Schema) value[0], value[1], r.hasTimestamp() ? r.getTimestamp() : null, headers,
        r.hasKafkaOffset() ? r.getKafkaOffset() : null);
  }

  /** A transformed record for the core. */
  public io.polyconnect.protocol.v1.TransformRecord encodeTransformRecord(io.polyconnect.sdk.ConnectRecord r) {
    if (r.topic() == null || r.topic().isEmpty()) {
      throw new DataException("a transformed record without a topic");
    }
    io.polyconnect.protocol.v1.TransformRecord.Builder b = io.polyconnect.protocol.v1.TransformRecord.newBuilder()
        .setTopic(r.topic());
    if (r.kafkaPartition() != null) b.setKafkaPartition(r.kafkaPartition());
    RecordData k = data(r.keySchema(), r.key());
    if (k != null) b.setKey(k);
    RecordData v = data(r.valueSchema(), r.value());
    if (v != null) b.setValue(v);
    if (r.timestamp() != null) b.setTimestamp(r.timestamp());
    if (r.kafkaOffset() != null) b.setKafkaOffset(r.kafkaOffset());
    for (Header h : r.headers()) {
      io.polyconnect.protocol.v1.Header.Builder hb = b.addHeadersBuilder().setKey(h.key());
      Schema hs = h.schema() != null ? h.schema() : impliedSchema(h.value());
      if (hs != null) {
        hb.setSchema(schemaToProto(hs)).setValue(toProto(hs, h.value()));
      } else {
        hb.setValue(anyToProto(h.value()));
      }
    }
    return b.build();
  }
}
