package io.polyconnect.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyconnect.sdk.internal.Wire;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

/** Kafka Connect data -> SDK -> protocol -> SDK -> Kafka Connect gives the same data back. */
class DataConversionTest {
  static final Schema INNER = SchemaBuilder.struct().name("Inner").optional()
      .field("a", Schema.OPTIONAL_STRING_SCHEMA).field("n", SchemaBuilder.int64().defaultValue(5L).build()).build();
  static final Schema ALL = SchemaBuilder.struct().name("com.example.All").version(2).doc("all types")
      .parameter("p2", "x").parameter("p1", "y")
      .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA).field("i32", Schema.INT32_SCHEMA)
      .field("i64", Schema.INT64_SCHEMA).field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
      .field("bool", Schema.BOOLEAN_SCHEMA).field("str", Schema.STRING_SCHEMA).field("bytes", Schema.BYTES_SCHEMA)
      .field("decimal", Decimal.schema(3)).field("date", Date.SCHEMA).field("time", Time.SCHEMA)
      .field("ts", Timestamp.SCHEMA).field("opt_ts", Timestamp.builder().optional().build())
      .field("array", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build())
      .field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, INNER).build())
      .field("inner", INNER)
      .field("dflt", SchemaBuilder.string().optional().defaultValue("none").build())
      .build();

  static Struct sample() {
    Map<String, Struct> m = new LinkedHashMap<>();
    m.put("k", new Struct(INNER).put("a", "x").put("n", 1L));
    return new Struct(ALL).put("i8", (byte) 1).put("i16", (short) -2).put("i32", 3).put("i64", -4L)
        .put("f32", 5.5f).put("f64", 6.25).put("bool", false).put("str", "ünïcode").put("bytes", new byte[] {1, 2})
        .put("decimal", new BigDecimal("-98765.432")).put("date", new java.util.Date(18_000L * 86_400_000L))
        .put("time", new java.util.Date(45_296_789L)).put("ts", new java.util.Date(1_600_000_000_000L))
        .put("array", Arrays.asList(1, null, 3)).put("map", m).put("inner", new Struct(INNER).put("a", null));
  }

  @Test
  void everyTypeRoundTripsThroughTheProtocol() {
    DataConversion out = new DataConversion();
    DataConversion in = new DataConversion();
    Wire send = new Wire(true, true, true);
    Wire receive = new Wire(true, true, true);
    Struct v = sample();
    for (int i = 0; i < 2; i++) {
      var sdkSchema = out.schema(ALL);
      var data = send.data(sdkSchema, out.value(ALL, v));
      var schemaBack = receive.schemaFromProto(data.getStructured().getSchema());
      Object valueBack = receive.fromProto(schemaBack, data.getStructured().getValue());
      Schema kcSchema = in.schema(schemaBack);
      assertEquals(ALL, kcSchema);
      assertEquals(List.of("p2", "p1"), List.copyOf(kcSchema.parameters().keySet()));
      Struct back = (Struct) in.kcValue(kcSchema, valueBack);
      back.validate();
      assertEquals(v, back);
      assertEquals("none", back.get("dflt"));
      assertEquals(5L, back.getStruct("inner").get("n"));
    }
  }

  @Test
  void schemalessDataAndByteBuffers() {
    DataConversion c = new DataConversion();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", 1);
    m.put("list", List.of("a", 2L));
    m.put("buf", ByteBuffer.wrap(new byte[] {7}));
    @SuppressWarnings("unchecked")
    Map<String, Object> sdk = (Map<String, Object>) c.value(null, m);
    assertEquals(1, sdk.get("n"));
    assertEquals(List.of("a", 2L), sdk.get("list"));
    assertEquals(7, ((byte[]) sdk.get("buf"))[0]);
    Object back = c.value(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertEquals(3, ((byte[]) back).length);
  }
}
