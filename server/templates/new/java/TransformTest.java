package {{package}};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polyconnect.sdk.ConnectRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

class {{class}}Test {
  @Test
  void recordsGoToThePrefixedTopicAndTombstonesAreDropped() {
    {{class}} t = new {{class}}();
    t.configure(Map.of("topic.prefix", "x-"));
    ConnectRecord r = new ConnectRecord("orders", null, null, null, null, "v", null, null, null);
    ConnectRecord out = t.apply(r);
    assertEquals("x-orders", out.topic());
    assertEquals("v", out.value());
    assertNull(t.apply(r.withValue(null, null)));
  }
}
