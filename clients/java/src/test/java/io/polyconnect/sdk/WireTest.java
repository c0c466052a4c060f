package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyconnect.protocol.v1.RecordData;
import io.polyconnect.sdk.internal.Wire;
import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {
  static final Schema ADDRESS = Schema.struct().name("Address").field("city", Schema.STRING)
      .field("zip", Schema.OPTIONAL_INT32);
  static final Schema ALL = Schema.struct().name("All").version(3).doc("every type")
      .field("i8", Schema.INT8).field("i16", Schema.INT16).field("i32", Schema.INT32).field("i64", Schema.INT64)
      .field("f32", Schema.FLOAT32).field("f64", Schema.FLOAT64).field("b", Schema.BOOLEAN)
      .field("s", Schema.STRING).field("bytes", Schema.BYTES)
      .field("dec", Schema.decimal(2)).field("date", Schema.DATE).field("time", Schema.TIME)
      .field("ts", Schema.TIMESTAMP).field("list", Schema.array(Schema.OPTIONAL_STRING))
      .field("map", Schema.map(Schema.STRING, Schema.INT64)).field("addr", ADDRESS)
      .field("opt", Schema.OPTIONAL_STRING)
      .field("dflt", Schema.of(Schema.Type.INT32).optional().defaultValue(7).parameter("b", "2").parameter("a", "1"));

  static Struct sample() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("z", 1L);
    m.put("a", 2L);
    return new Struct(ALL).put("i8", (byte) -8).put("i16", (short) 1600).put("i32", 32).put("i64", 1L << 40)
        .put("f32", 1.5f).put("f64", -2.25).put("b", true).put("s", "héllo").put("bytes", new byte[] {0, 1, -1})
        .put("dec", new BigDecimal("-12345.67")).put("date", new Date(19_000L * 86_400_000L))
        .put("time", new Date(3_600_000L)).put("ts", new Date(1_700_000_000_123L))
        .put("list", java.util.Arrays.asList("x", null)).put("map", m)
        .put("addr", new Struct(ADDRESS).put("city", "Oslo").put("zip", 150));
  }

  @Test
  void everyTypeRoundTripsWithSchemaReferences() {
    Wire out = new Wire(true, true, true);
    Wire in = new Wire(true, true, true);
    Struct v = sample();
    for (int i = 0; i < 2; i++) {
      RecordData d = out.data(ALL, v);
      if (i == 0) {
        assertTrue(d.getStructured().getSchema().getId() != 0);
        assertEquals(List.of("b", "a"), d.getStructured().getSchema().getFields(17).getSchema().getParameterOrderList());
      } else {
        assertTrue(d.getStructured().getSchema().getRef() != 0, "a reference the second time");
      }
      Schema s = in.schemaFromProto(d.getStructured().getSchema());
      assertEquals(ALL, s);
      Struct back = (Struct) in.fromProto(s, d.getStructured().getValue());
      assertEquals(v, back);
      assertEquals(7, back.get("dflt"));
      assertEquals(List.of("b", "a"), List.copyOf(s.field("dflt").schema().parameters().keySet()));
      assertArrayEquals(new byte[] {0, 1, -1}, (byte[]) back.get("bytes"));
    }
  }

  @Test
  void schemalessValuesKeepTheirJavaTypes() {
    Wire w = new Wire(false, false, false);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", 5L);
    m.put("d", new BigDecimal("1.50"));
    m.put("l", List.of(1, (short) 2, (byte) 3, 4.0f));
    RecordData d = w.data(null, m);
    assertEquals(m, Wire.anyFromProto(d.getStructured().getValue()));
    // Raw bytes without the capability travel as optional BYTES.
    RecordData raw = w.data(null, new RawBytes(new byte[] {9}));
    assertEquals(io.polyconnect.protocol.v1.SchemaType.BYTES, raw.getStructured().getSchema().getType());
    assertEquals(RecordData.KindCase.RAW, new Wire(false, true, false).data(null, new RawBytes(new byte[] {9})).getKindCase());
    // A schemaless null is no data at all.
    assertEquals(null, w.data(null, null));
  }

  @Test
  void badValuesAreDataErrors() {
    Wire w = new Wire(false, false, false);
    assertThrows(DataException.class, () -> w.toProto(Schema.STRING, 5));
    assertThrows(DataException.class, () -> w.toProto(Schema.INT32, null));
    assertThrows(DataException.class, () -> w.toProto(Schema.decimal(1), new BigDecimal("1.25")));
    assertThrows(DataException.class, () -> w.schemaFromProto(io.polyconnect.protocol.v1.Schema.newBuilder().setRef(3).build()));
  }

  @Test
  void sourceRecordsCarryTraceAndHeaders() {
    Wire w = new Wire(true, true, true);
    SourceRecord r = new SourceRecord(Map.of("p", 1), Map.of("o", 2L), "t", Schema.STRING, "v")
        .withKey(null, "k").withHeader(Header.of("h", "x")).withTrace("00-abc-def-01", "k=v").withTimestamp(5L);
    io.polyconnect.protocol.v1.SourceRecord p = w.encode(r, 9);
    assertEquals(9, p.getSeq());
    assertEquals("00-abc-def-01", p.getTrace().getTraceparent());
    assertEquals("x", p.getHeaders(0).getValue().getString());
    assertEquals("k", p.getKey().getStructured().getValue().getString());
    assertEquals(5, p.getTimestamp());
    assertTrue(!p.hasKafkaPartition());
  }
}
