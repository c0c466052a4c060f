//! Keystores and truststores written with Kafka Connect's settings, read with the system's
//! OpenSSL (ADR 0010), for every TLS endpoint the core serves or reaches itself: the REST
//! listener (`rest/tls.rs`) and connector processes over TCP (`plugin/tls.rs`). Kafka's
//! clients take the same settings through librdkafka (`kafka/security.rs`).
//!
//! - `ssl.keystore.location`, `ssl.keystore.password`, `ssl.keystore.type`: PKCS12 (the
//!   default) or PEM (the private key and the certificate chain in one file, the key
//!   decrypted with `ssl.key.password`);
//! - `ssl.truststore.location`, `ssl.truststore.password`, `ssl.truststore.type` (PKCS12 or
//!   PEM).
//!
//! A JKS store is refused with the `keytool` line that converts it. Messages name the
//! store and its file, never a password.

use anyhow::{anyhow, bail, Context};
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

/// Where a store's settings come from: `get("ssl.keystore.location")` and so on, with
/// whatever prefixes and fallbacks the caller applies; `what` names the stores in messages
/// (`REST`, `connector.endpoint`).
pub struct Settings<'a> {
    pub what: &'a str,
    pub get: &'a dyn Fn(&str) -> Option<String>,
}

impl Settings<'_> {
    fn value(&self, key: &str) -> Option<String> {
        (self.get)(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn store_type(&self, key: &str) -> String {
        self.value(key)
            .unwrap_or_else(|| "PKCS12".into())
            .to_ascii_uppercase()
    }
}

/// A private key with its certificate and the rest of its chain.
pub struct Identity {
    pub key: PKey<Private>,
    pub cert: X509,
    pub chain: Vec<X509>,
}

fn refuse_jks(s: &Settings, path: &str, store: &str) -> anyhow::Error {
    anyhow!(
        "the {} {store} {path} is a JKS store, which cannot be read here: convert it to PKCS12 with \
         `keytool -importkeystore -srckeystore {path} -srcstoretype JKS -destkeystore {path}.p12 -deststoretype PKCS12` \
         and set its type to PKCS12 (same password)",
        s.what
    )
}

/// The key and certificate chain of `ssl.keystore.*`; None when no location is set.
pub fn keystore(s: &Settings) -> anyhow::Result<Option<Identity>> {
    let Some(path) = s.value("ssl.keystore.location") else {
        return Ok(None);
    };
    let what = s.what;
    let bytes =
        std::fs::read(&path).with_context(|| format!("cannot read the {what} keystore {path}"))?;
    match s.store_type("ssl.keystore.type").as_str() {
        "PKCS12" => {
            let password = s.value("ssl.keystore.password").unwrap_or_default();
            let parsed = Pkcs12::from_der(&bytes)
                .and_then(|p| p.parse2(&password))
                .map_err(|e| {
                    anyhow!("cannot open the {what} keystore {path} (PKCS12): wrong password or not a PKCS12 file ({e})")
                })?;
            let key = parsed
                .pkey
                .ok_or_else(|| anyhow!("the {what} keystore {path} holds no private key"))?;
            let cert = parsed
                .cert
                .ok_or_else(|| anyhow!("the {what} keystore {path} holds no certificate"))?;
            let chain = parsed
                .ca
                .map(|s| s.into_iter().collect())
                .unwrap_or_default();
            Ok(Some(Identity { key, cert, chain }))
        }
        "PEM" => {
            let key = match s.value("ssl.key.password") {
                Some(pw) => PKey::private_key_from_pem_passphrase(&bytes, pw.as_bytes()),
                None => PKey::private_key_from_pem(&bytes),
            }
            .map_err(|e| {
                anyhow!("cannot read the private key of the {what} keystore {path} (PEM): {e}")
            })?;
            let mut certs = X509::stack_from_pem(&bytes)
                .map_err(|e| {
                    anyhow!("cannot read the certificates of the {what} keystore {path}: {e}")
                })?
                .into_iter();
            let cert = certs
                .next()
                .ok_or_else(|| anyhow!("the {what} keystore {path} holds no certificate"))?;
            Ok(Some(Identity {
                key,
                cert,
                chain: certs.collect(),
            }))
        }
        "JKS" => Err(refuse_jks(s, &path, "keystore")),
        other => {
            bail!("ssl.keystore.type {other} is not supported for the {what}: use PKCS12 or PEM")
        }
    }
}

/// The certificates of `ssl.truststore.*`; None when no location is set.
pub fn truststore(s: &Settings) -> anyhow::Result<Option<Vec<X509>>> {
    let Some(path) = s.value("ssl.truststore.location") else {
        return Ok(None);
    };
    let what = s.what;
    let bytes = std::fs::read(&path)
        .with_context(|| format!("cannot read the {what} truststore {path}"))?;
    let certs = match s.store_type("ssl.truststore.type").as_str() {
        "PKCS12" => {
            let password = s.value("ssl.truststore.password").unwrap_or_default();
            let parsed = Pkcs12::from_der(&bytes)
                .and_then(|p| p.parse2(&password))
                .map_err(|e| {
                    anyhow!("cannot open the {what} truststore {path} (PKCS12): wrong password or not a PKCS12 file ({e})")
                })?;
            parsed
                .ca
                .map(|s| s.into_iter().collect::<Vec<_>>())
                .into_iter()
                .flatten()
                .chain(parsed.cert)
                .collect()
        }
        "PEM" => X509::stack_from_pem(&bytes)
            .map_err(|e| anyhow!("cannot read the {what} truststore {path} (PEM): {e}"))?,
        "JKS" => return Err(refuse_jks(s, &path, "truststore")),
        other => {
            bail!("ssl.truststore.type {other} is not supported for the {what}: use PKCS12 or PEM")
        }
    };
    if certs.is_empty() {
        bail!("the {what} truststore {path} holds no certificate");
    }
    Ok(Some(certs))
}
