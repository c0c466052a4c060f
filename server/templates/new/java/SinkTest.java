package {{package}};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyconnect.sdk.Schema;
import io.polyconnect.sdk.SinkRecord;
import io.polyconnect.sdk.Struct;
import java.util.List;
import org.junit.jupiter.api.Test;

class {{class}}Test {
  static SinkRecord record(Schema schema, Object value, int partition, long offset) {
    return new SinkRecord("orders", partition, offset, null, null, schema, value, null,
        SinkRecord.TimestampType.NO_TIMESTAMP_TYPE, List.of(), "orders", partition, null, null);
  }

  @Test
  void aStructIsWrittenFieldByField() {
    Schema schema = Schema.struct().field("seq", Schema.INT64).field("customer", Schema.STRING);
    Struct value = new Struct(schema).put("seq", 3L).put("customer", "customer-3");
    assertEquals("orders-0@42 seq=3 customer=customer-3", {{class}}.describe(record(schema, value, 0, 42)));
  }

  @Test
  void otherValuesAreWrittenAsTheyAre() {
    assertEquals("orders-1@5 hello", {{class}}.describe(record(Schema.STRING, "hello", 1, 5)));
  }
}
