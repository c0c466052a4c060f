package {{package}};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polyconnect.sdk.Struct;
import java.util.List;
import org.junit.jupiter.api.Test;

class {{class}}Test {
  @Test
  void anOrderIsAStructWithEveryField() {
    Struct o = {{class}}.order(7);
    assertEquals({{class}}.ORDER, o.schema());
    assertEquals(List.of("seq", "customer", "amount", "express"),
        o.schema().fields().stream().map(f -> f.name()).toList());
    assertEquals(7L, o.get("seq"));
    assertEquals("customer-7", o.get("customer"));
    assertEquals(1.75, o.get("amount"));
    assertEquals(false, o.get("express"));
  }
}
