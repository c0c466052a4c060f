"""POLYCONNECT_TLS_*: TLS credentials from PEM files, refused with the reason when they
cannot be used."""

import os
import subprocess
import sys
import tempfile

import pytest

from polyconnect.server import TlsConfigError, tls_credentials

PLUGIN = os.path.join(os.path.dirname(__file__), "sample_plugin.py")


def _pem_pair(d):
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return key, cert


def test_no_tls_settings_means_no_tls():
    assert tls_credentials({}) is None


def test_tls_credentials_from_pem_files():
    with tempfile.TemporaryDirectory() as d:
        key, cert = _pem_pair(d)
        assert tls_credentials({"POLYCONNECT_TLS_CERT": cert, "POLYCONNECT_TLS_KEY": key}) is not None
        assert tls_credentials({"POLYCONNECT_TLS_CERT": cert, "POLYCONNECT_TLS_KEY": key,
                                "POLYCONNECT_TLS_CLIENT_CA": cert}) is not None


def test_unusable_tls_settings_are_refused_with_the_reason():
    with tempfile.TemporaryDirectory() as d:
        key, cert = _pem_pair(d)
        with pytest.raises(TlsConfigError, match="must be set together"):
            tls_credentials({"POLYCONNECT_TLS_CERT": cert})
        with pytest.raises(TlsConfigError, match="/nonexistent/ca.pem cannot be read"):
            tls_credentials({"POLYCONNECT_TLS_CERT": cert, "POLYCONNECT_TLS_KEY": key,
                             "POLYCONNECT_TLS_CLIENT_CA": "/nonexistent/ca.pem"})
        junk = os.path.join(d, "junk")
        with open(junk, "w") as f:
            f.write("junk")
        with pytest.raises(TlsConfigError, match="not a PEM file"):
            tls_credentials({"POLYCONNECT_TLS_CERT": junk, "POLYCONNECT_TLS_KEY": key})


def test_a_process_with_a_missing_certificate_does_not_start():
    env = dict(os.environ, POLYCONNECT_LISTEN="127.0.0.1:0",
               POLYCONNECT_TLS_CERT="/nonexistent/cert.pem", POLYCONNECT_TLS_KEY="/nonexistent/key.pem",
               PYTHONPATH=os.pathsep.join(sys.path))
    p = subprocess.run([sys.executable, PLUGIN], env=env, capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "/nonexistent/" in p.stderr and "cannot be read" in p.stderr, p.stderr
