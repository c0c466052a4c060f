package polyconnect

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSConfigFromEnv is the TLS a connector process serves with, from PEM files named by
// POLYCONNECT_TLS_CERT (the certificate chain) and POLYCONNECT_TLS_KEY (its private key);
// with POLYCONNECT_TLS_CLIENT_CA (CA certificates), a client certificate signed by one of
// them is required (mutual TLS). Nil, nil when none is set; an error naming the variable
// and the file when they cannot be used.
func TLSConfigFromEnv() (*tls.Config, error) {
	cert, key, ca := os.Getenv("POLYCONNECT_TLS_CERT"), os.Getenv("POLYCONNECT_TLS_KEY"), os.Getenv("POLYCONNECT_TLS_CLIENT_CA")
	if cert == "" && key == "" && ca == "" {
		return nil, nil
	}
	if cert == "" || key == "" {
		return nil, errors.New("POLYCONNECT_TLS_CERT and POLYCONNECT_TLS_KEY must be set together (POLYCONNECT_TLS_CLIENT_CA needs both)")
	}
	for _, f := range [][2]string{{"POLYCONNECT_TLS_CERT", cert}, {"POLYCONNECT_TLS_KEY", key}} {
		if _, err := os.ReadFile(f[1]); err != nil {
			return nil, fmt.Errorf("%s=%s cannot be read: %w", f[0], f[1], err)
		}
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("POLYCONNECT_TLS_CERT=%s and POLYCONNECT_TLS_KEY=%s cannot be used: %w", cert, key, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("POLYCONNECT_TLS_CLIENT_CA=%s cannot be read: %w", ca, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("POLYCONNECT_TLS_CLIENT_CA=%s holds no PEM certificate", ca)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}
