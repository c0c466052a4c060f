package io.polyconnect.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.polyconnect.protocol.v1.ConversionDirection;
import io.polyconnect.protocol.v1.ConverterBatch;
import io.polyconnect.protocol.v1.ConverterOutcome;
import io.polyconnect.protocol.v1.ConverterRecord;
import io.polyconnect.protocol.v1.ConverterRequest;
import io.polyconnect.protocol.v1.ConverterResponse;
import io.polyconnect.protocol.v1.ConverterStart;
import io.polyconnect.protocol.v1.ErrorKind;
import io.polyconnect.protocol.v1.Stop;
import io.polyconnect.protocol.v1.Structured;
import io.polyconnect.protocol.v1.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

/** The bridge's Converter service, driven as the core drives it: start, batches, stop. */
class BridgedConverterTest {
  /** Refuses "bad", and says whether it was configured as a key converter. */
  public static final class Picky implements Converter {
    static volatile boolean closed;
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
      if ("true".equals(configs.get("fail"))) throw new IllegalStateException("Picky refuses to start");
      this.isKey = isKey;
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
      if ("bad".equals(value)) throw new DataException("Picky refuses bad");
      return ((isKey ? "key:" : "value:") + topic + ":" + value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
      return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, value == null ? null : new String(value, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static final class Collect implements StreamObserver<ConverterResponse> {
    final List<ConverterResponse> got = new ArrayList<>();
    boolean completed;

    @Override public void onNext(ConverterResponse r) { got.add(r); }
    @Override public void onError(Throwable t) { throw new AssertionError(t); }
    @Override public void onCompleted() { completed = true; }
  }

  static ConverterRequest start(String cls, Map<String, String> config, boolean isKey) {
    return ConverterRequest.newBuilder().setStart(ConverterStart.newBuilder().setProtocolVersion(1)
        .setClassName(cls).putAllConfig(config).setIsKey(isKey)).build();
  }

  static ConverterRecord.Builder rec(int i) {
    return ConverterRecord.newBuilder().setIndex(i).setTopic("t");
  }

  static Structured string(String s) {
    return Structured.newBuilder()
        .setSchema(io.polyconnect.protocol.v1.Schema.newBuilder().setType(io.polyconnect.protocol.v1.SchemaType.STRING))
        .setValue(Value.newBuilder().setString(s)).build();
  }

  @Test
  void converts_batches_both_ways_with_its_settings_and_an_error_per_record() {
    BridgedConverter service = new BridgedConverter(List.of(StringConverter.class, Picky.class));
    Collect out = new Collect();
    StreamObserver<ConverterRequest> in = service.run(out);
    // By simple name, configured as Kafka Connect does: the prefix already removed.
    in.onNext(start("StringConverter", Map.of("converter.encoding", "UTF-16"), false));
    assertTrue(out.got.get(0).hasStarted(), out.got.toString());
    in.onNext(ConverterRequest.newBuilder().setBatch(ConverterBatch.newBuilder().setBatchId(1)
        .setDirection(ConversionDirection.FROM_CONNECT_DATA)
        .addRecords(rec(0).setData(string("hé")))
        .addRecords(rec(1).setData(Structured.getDefaultInstance()))).build());
    ConverterResponse r = out.got.get(1);
    assertEquals(1, r.getResult().getBatchId());
    assertArrayEquals("hé".getBytes(StandardCharsets.UTF_16), r.getResult().getOutcomes(0).getSerialized().toByteArray());
    assertFalse(r.getResult().getOutcomes(1).hasSerialized(), "null in, null out");
    in.onNext(ConverterRequest.newBuilder().setBatch(ConverterBatch.newBuilder().setBatchId(2)
        .setDirection(ConversionDirection.TO_CONNECT_DATA)
        .addRecords(rec(0).setSerialized(ByteString.copyFrom("ok".getBytes(StandardCharsets.UTF_16))))).build());
    ConverterOutcome o = out.got.get(2).getResult().getOutcomes(0);
    assertEquals("ok", o.getData().getValue().getString());
    assertTrue(o.getData().getSchema().getOptional());
    in.onNext(ConverterRequest.newBuilder().setStop(Stop.getDefaultInstance()).build());
    assertTrue(out.completed);

    Collect picky = new Collect();
    in = service.run(picky);
    Picky.closed = false;
    in.onNext(start(Picky.class.getName(), Map.of(), true));
    in.onNext(ConverterRequest.newBuilder().setBatch(ConverterBatch.newBuilder().setBatchId(1)
        .setDirection(ConversionDirection.FROM_CONNECT_DATA)
        .addRecords(rec(0).setData(string("a")))
        .addRecords(rec(1).setData(string("bad")))
        .addRecords(rec(2).setData(string("c")))).build());
    List<ConverterOutcome> outcomes = picky.got.get(1).getResult().getOutcomesList();
    assertEquals("key:t:a", outcomes.get(0).getSerialized().toStringUtf8());
    assertEquals(ErrorKind.RECORD, outcomes.get(1).getError().getKind());
    assertEquals(DataException.class.getName(), outcomes.get(1).getError().getErrorClass());
    assertEquals("Picky refuses bad", outcomes.get(1).getError().getMessage());
    assertEquals("key:t:c", outcomes.get(2).getSerialized().toStringUtf8());
    in.onCompleted();
    assertTrue(Picky.closed, "close() when the stream ends");
  }

  @Test
  void a_header_converter_converts_each_header_by_its_key() {
    BridgedConverter service = new BridgedConverter(List.of(org.apache.kafka.connect.storage.SimpleHeaderConverter.class));
    Collect out = new Collect();
    StreamObserver<ConverterRequest> in = service.run(out);
    in.onNext(ConverterRequest.newBuilder().setStart(ConverterStart.newBuilder().setProtocolVersion(1)
        .setClassName("SimpleHeaderConverter").setHeaderConverter(true)).build());
    assertTrue(out.got.get(0).hasStarted(), out.got.toString());
    in.onNext(ConverterRequest.newBuilder().setBatch(ConverterBatch.newBuilder().setBatchId(1)
        .setDirection(ConversionDirection.FROM_CONNECT_DATA)
        .addRecords(rec(0).setHeaderKey("a").setData(string("x")))).build());
    assertEquals("x", out.got.get(1).getResult().getOutcomes(0).getSerialized().toStringUtf8());
    in.onNext(ConverterRequest.newBuilder().setBatch(ConverterBatch.newBuilder().setBatchId(2)
        .setDirection(ConversionDirection.TO_CONNECT_DATA)
        .addRecords(rec(0).setHeaderKey("b").setSerialized(ByteString.copyFromUtf8("true")))).build());
    ConverterOutcome o = out.got.get(2).getResult().getOutcomes(0);
    assertTrue(o.getData().getValue().getBoolean(), o.toString());
    // Not a record converter: refused as one.
    Collect notRecord = new Collect();
    service.run(notRecord).onNext(start("SimpleHeaderConverter", Map.of(), false));
    assertEquals(ErrorKind.CONFIG, notRecord.got.get(0).getError().getKind());
  }

  @Test
  void a_failed_configure_or_an_unknown_class_is_a_config_error_on_the_stream() {
    BridgedConverter service = new BridgedConverter(List.of(Picky.class));
    Collect out = new Collect();
    service.run(out).onNext(start("Picky", Map.of("fail", "true"), false));
    assertEquals(ErrorKind.CONFIG, out.got.get(0).getError().getKind());
    assertEquals("Picky refuses to start", out.got.get(0).getError().getMessage());
    assertTrue(out.completed);

    Collect unknown = new Collect();
    service.run(unknown).onNext(start("com.example.Nope", Map.of(), false));
    assertEquals(ErrorKind.CONFIG, unknown.got.get(0).getError().getKind());
    assertTrue(unknown.got.get(0).getError().getMessage().contains("com.example.Nope"));
  }
}
