package io.polyconnect.sdk;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCredentialsTest {
  @Test
  void pemFilesGiveTlsAndUnusableOnesAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
    String key = dir.resolve("key.pem").toString();
    String cert = dir.resolve("cert.pem").toString();
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-keyout", key, "-out", cert).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor() == 0, "openssl failed");

    assertNull(Polyconnect.tlsCredentials(Map.of()));
    assertNotNull(Polyconnect.tlsCredentials(Map.of(
        "POLYCONNECT_TLS_CERT", cert, "POLYCONNECT_TLS_KEY", key, "POLYCONNECT_TLS_CLIENT_CA", cert)));
    String m = assertThrows(IllegalArgumentException.class,
        () -> Polyconnect.tlsCredentials(Map.of("POLYCONNECT_TLS_CERT", cert))).getMessage();
    assertTrue(m.contains("must be set together"), m);
    m = assertThrows(IllegalArgumentException.class, () -> Polyconnect.tlsCredentials(Map.of(
        "POLYCONNECT_TLS_CERT", cert, "POLYCONNECT_TLS_KEY", key, "POLYCONNECT_TLS_CLIENT_CA", "/nonexistent/ca.pem")))
        .getMessage();
    assertTrue(m.contains("POLYCONNECT_TLS_CLIENT_CA=/nonexistent/ca.pem cannot be read"), m);
    Path junk = dir.resolve("junk");
    Files.writeString(junk, "junk");
    m = assertThrows(IllegalArgumentException.class, () -> Polyconnect.tlsCredentials(Map.of(
        "POLYCONNECT_TLS_CERT", junk.toString(), "POLYCONNECT_TLS_KEY", key))).getMessage();
    assertTrue(m.contains("cannot be used"), m);
  }
}
