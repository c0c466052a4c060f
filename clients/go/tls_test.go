package polyconnect

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTLSConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
		"-subj", "/CN=localhost", "-keyout", key, "-out", cert).CombinedOutput()
	if err != nil {
		t.Skipf("openssl: %v %s", err, out)
	}
	set := func(c, k, ca string) {
		t.Setenv("POLYCONNECT_TLS_CERT", c)
		t.Setenv("POLYCONNECT_TLS_KEY", k)
		t.Setenv("POLYCONNECT_TLS_CLIENT_CA", ca)
	}
	set("", "", "")
	if c, err := TLSConfigFromEnv(); c != nil || err != nil {
		t.Fatalf("no settings: %v %v", c, err)
	}
	set(cert, key, cert)
	c, err := TLSConfigFromEnv()
	if err != nil || c == nil || c.ClientCAs == nil || tlsMode(c) != "mutual" {
		t.Fatalf("mutual TLS: %v %v", c, err)
	}
	set(cert, "", "")
	if _, err := TLSConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "must be set together") {
		t.Fatalf("cert without key: %v", err)
	}
	set(cert, key, "/nonexistent/ca.pem")
	if _, err := TLSConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "POLYCONNECT_TLS_CLIENT_CA=/nonexistent/ca.pem cannot be read") {
		t.Fatalf("missing CA: %v", err)
	}
	junk := filepath.Join(dir, "junk")
	_ = os.WriteFile(junk, []byte("junk"), 0o600)
	set(junk, key, "")
	if _, err := TLSConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "cannot be used") {
		t.Fatalf("junk certificate: %v", err)
	}
}
