package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
  @Test
  void environmentThenFlagThenPort() {
    assertEquals("unix:/tmp/a.sock",
        Polyconnect.listenAddress(Map.of("POLYCONNECT_LISTEN", "unix:/tmp/a.sock"), new String[] {"--listen", "x:1"}));
    assertEquals("127.0.0.1:7000", Polyconnect.listenAddress(Map.of(), new String[] {"--listen", "127.0.0.1:7000"}));
    assertEquals("h:1", Polyconnect.listenAddress(Map.of(), new String[] {"--listen=h:1"}));
    assertEquals("0.0.0.0:6000", Polyconnect.listenAddress(Map.of("POLYCONNECT_PORT", "6000"), new String[0]));
    assertEquals("0.0.0.0:50051", Polyconnect.listenAddress(Map.of(), new String[0]));
  }

  @Test
  void configDefParsesAndChecks() {
    ConfigDef def = new ConfigDef()
        .define("n", ConfigDef.Type.INT, 3, ConfigDef.Range.between(1, 5), ConfigDef.Importance.LOW, "")
        .define("l", ConfigDef.Type.LIST, "a, b", ConfigDef.Importance.LOW, "")
        .define("flag", ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW, "")
        .define("mode", ConfigDef.Type.STRING, "x", ConfigDef.ValidString.in("x", "y"), ConfigDef.Importance.LOW, "");
    Map<String, Object> v = def.parse(Map.of("flag", "TRUE"));
    assertEquals(3, v.get("n"));
    assertEquals(java.util.List.of("a", "b"), v.get("l"));
    assertEquals(true, v.get("flag"));
    Map<String, java.util.List<String>> errors = def.validate(Map.of("n", "9", "mode", "z", "flag", "maybe"));
    assertEquals(1, errors.get("n").size());
    assertEquals(1, errors.get("mode").size());
    assertEquals(1, errors.get("flag").size());
    assertEquals(0, errors.get("l").size());
    assertEquals("false", ConfigDef.format(false));
  }
}
