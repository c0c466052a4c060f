//! The TLS and SASL settings of distributed mode's group client (`polyconnect-group`), from
//! the worker's top-level settings, read once by [`security::translate`] as for every
//! librdkafka client: this module only turns the translated settings into the group
//! client's own (certificates and keys read, the JAAS line's credentials), so both kinds of
//! client connect with the same settings and refuse the same mistakes.
//!
//! What librdkafka can do and the group client cannot (GSSAPI, an OpenSSL engine) is refused here, naming the setting, so a worker fails at
//! start rather than when it first joins.

use std::collections::BTreeMap;

use openssl::pkey::PKey;
use openssl::x509::X509;
use polyconnect_group::client::{
    ClientCredentials, ConnectionConfig, SaslConfig, ScramMechanism, SecurityProtocol, TlsConfig,
    TlsIdentity, UnsecuredJwt,
};

use super::security::{self, SecurityError};

fn err(msg: impl Into<String>) -> SecurityError {
    SecurityError(msg.into())
}

/// The group client's connection settings for Java-form client settings (the worker's
/// top-level ones; other keys are ignored).
pub fn connection_config(
    settings: &BTreeMap<String, String>,
    client_id: &str,
) -> Result<ConnectionConfig, SecurityError> {
    let sec: BTreeMap<String, String> = settings
        .iter()
        .filter(|(k, _)| security::is_security_setting(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let native: BTreeMap<String, String> = security::translate(&sec)?.into_iter().collect();
    let get = |k: &str| native.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let protocol: SecurityProtocol = get("security.protocol")
        .unwrap_or("plaintext")
        .parse()
        .map_err(|e: polyconnect_group::GroupError| err(e.to_string()))?;
    let mut config = ConnectionConfig {
        client_id: client_id.to_string(),
        security_protocol: protocol,
        ..ConnectionConfig::default()
    };
    if protocol.uses_tls() {
        config.tls = tls(&get)?;
    }
    if protocol.uses_sasl() {
        config.sasl = Some(sasl(&get)?);
    }
    Ok(config)
}

fn certificates(setting: &str, pem: &[u8]) -> Result<Vec<X509>, SecurityError> {
    let certs = X509::stack_from_pem(pem)
        .map_err(|_| err(format!("{setting} holds no readable PEM certificate")))?;
    if certs.is_empty() {
        return Err(err(format!("{setting} holds no certificate")));
    }
    Ok(certs)
}

fn tls<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<TlsConfig, SecurityError> {
    for unsupported in ["ssl.engine.location", "ssl.engine.id", "ssl.providers"] {
        if get(unsupported).is_some() {
            return Err(err(format!(
                "{unsupported} is not supported by the distributed group client"
            )));
        }
    }
    let mut tls = TlsConfig::default();
    // Trust: inline PEM (a PKCS12 truststore arrives so), or a PEM file; else the system's.
    if let Some(pem) = get("ssl.ca.pem") {
        tls.trusted = certificates("ssl.truststore", pem.as_bytes())?;
    } else if let Some(loc) = get("ssl.ca.location") {
        let bytes = security::read_store("ssl.truststore.location", loc)?;
        tls.trusted = certificates(&format!("ssl.truststore.location={loc}"), &bytes)?;
    }
    // Identity: a PKCS12 keystore, or PEM key and certificate (inline or in files).
    let key_password = get("ssl.key.password");
    if let Some(loc) = get("ssl.keystore.location") {
        let s = "ssl.keystore.location";
        let bytes = security::read_store(s, loc)?;
        let parsed = security::parse_pkcs12(s, loc, &bytes, get("ssl.keystore.password"))?;
        let (Some(key), Some(certificate)) = (parsed.pkey, parsed.cert) else {
            return Err(err(format!(
                "{s}={loc} holds no private key with its certificate"
            )));
        };
        tls.identity = Some(TlsIdentity {
            key,
            certificate,
            chain: parsed
                .ca
                .map(|c| c.into_iter().collect())
                .unwrap_or_default(),
        });
    } else {
        let key_pem = match (get("ssl.key.pem"), get("ssl.key.location")) {
            (Some(pem), _) => Some(("ssl.keystore.key", pem.as_bytes().to_vec())),
            (None, Some(loc)) => Some((
                "ssl.keystore.location",
                security::read_store("ssl.keystore.location", loc)?,
            )),
            (None, None) => None,
        };
        let cert_pem = match (get("ssl.certificate.pem"), get("ssl.certificate.location")) {
            (Some(pem), _) => Some(pem.as_bytes().to_vec()),
            (None, Some(loc)) => Some(security::read_store("ssl.keystore.location", loc)?),
            (None, None) => None,
        };
        if let (Some((setting, key_pem)), Some(cert_pem)) = (key_pem, cert_pem) {
            let key = match key_password {
                Some(p) => PKey::private_key_from_pem_passphrase(&key_pem, p.as_bytes()),
                None => PKey::private_key_from_pem(&key_pem),
            }
            .map_err(|_| {
                err(format!(
                    "{setting}: the private key cannot be read ({})",
                    if key_password.is_some() {
                        "wrong ssl.key.password, or not a PEM key"
                    } else {
                        "not a PEM key, or it needs ssl.key.password"
                    }
                ))
            })?;
            let mut chain = certificates(setting, &cert_pem)?;
            let certificate = chain.remove(0);
            tls.identity = Some(TlsIdentity {
                key,
                certificate,
                chain,
            });
        }
    }
    tls.verify_hostname = get("ssl.endpoint.identification.algorithm") != Some("none");
    tls.verify_certificate = get("enable.ssl.certificate.verification")
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    // A key that does not match its certificate is found now, not at the first join.
    tls.connector()
        .map_err(|e| err(format!("the group client's TLS settings: {e}")))?;
    Ok(tls)
}

fn sasl<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<SaslConfig, SecurityError> {
    // librdkafka's default mechanism, as Java's, is GSSAPI.
    let mechanism = get("sasl.mechanisms")
        .unwrap_or("GSSAPI")
        .trim()
        .to_ascii_uppercase();
    let credentials = || {
        let user = get("sasl.username");
        let pass = get("sasl.password");
        match (user, pass) {
            (Some(u), Some(p)) => Ok((u.to_string(), p.to_string())),
            _ => Err(err(format!(
                "sasl.mechanism={mechanism} needs sasl.jaas.config with username and password options"
            ))),
        }
    };
    match mechanism.as_str() {
        "PLAIN" => {
            let (username, password) = credentials()?;
            Ok(SaslConfig::Plain { username, password })
        }
        "SCRAM-SHA-256" | "SCRAM-SHA-512" => {
            let (username, password) = credentials()?;
            Ok(SaslConfig::Scram {
                mechanism: if mechanism == "SCRAM-SHA-256" {
                    ScramMechanism::Sha256
                } else {
                    ScramMechanism::Sha512
                },
                username,
                password,
            })
        }
        "OAUTHBEARER" => {
            if get("sasl.oauthbearer.method") == Some("oidc") {
                return client_credentials(get).map(SaslConfig::OAuthBearer);
            }
            if get("enable.sasl.oauthbearer.unsecure.jwt") != Some("true") {
                return Err(err(
                    "sasl.mechanism=OAUTHBEARER needs sasl.jaas.config with an OAuthBearerLoginModule and either sasl.oauthbearer.token.endpoint.url (the client-credentials flow) or unsecuredLoginStringClaim_sub",
                ));
            }
            unsecured_jwt(get("sasl.oauthbearer.config").unwrap_or("")).map(SaslConfig::OAuthBearerUnsecured)
        }
        other => Err(err(format!(
            "sasl.mechanism={other} is not supported by the distributed group client (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)"
        ))),
    }
}

/// The client-credentials flow from librdkafka's `oidc` settings (translated from the JAAS
/// line's `clientId`, `clientSecret`, `scope` and `extension_*` options).
fn client_credentials<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
) -> Result<ClientCredentials, SecurityError> {
    let need = |k: &str, what: &str| {
        get(k).map(str::to_string).ok_or_else(|| {
            err(format!(
                "sasl.mechanism=OAUTHBEARER with a token endpoint needs {what} (sasl.jaas.config's OAuthBearerLoginModule option)"
            ))
        })
    };
    let url = need(
        "sasl.oauthbearer.token.endpoint.url",
        "sasl.oauthbearer.token.endpoint.url",
    )?;
    let mut c = ClientCredentials::new(
        url,
        need("sasl.oauthbearer.client.id", "clientId")?,
        need("sasl.oauthbearer.client.secret", "clientSecret")?,
    );
    c.scope = get("sasl.oauthbearer.scope").map(str::to_string);
    c.extensions = get("sasl.oauthbearer.extensions")
        .unwrap_or("")
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(c)
}

/// librdkafka's `sasl.oauthbearer.config` for unsecured JWTs (`principal=`, `lifeSeconds=`,
/// `scopeClaimName=`, `scope=a,b`, `extension_<name>=`), as `security.rs` writes it from
/// the JAAS options or a user wrote it.
fn unsecured_jwt(config: &str) -> Result<UnsecuredJwt, SecurityError> {
    let mut jwt = UnsecuredJwt::new("");
    for part in config.split_whitespace() {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            err("sasl.oauthbearer.config: every entry must be name=value".to_string())
        })?;
        match k {
            "principal" => jwt.principal = v.to_string(),
            "scopeClaimName" => jwt.scope_claim_name = v.to_string(),
            "scope" => jwt.scopes = v.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            "lifeSeconds" => {
                let secs: u64 = v.parse().map_err(|_| {
                    err("sasl.oauthbearer.config: lifeSeconds is not a number".to_string())
                })?;
                jwt.lifetime = std::time::Duration::from_secs(secs);
            }
            _ => match k.strip_prefix("extension_") {
                Some(name) => jwt.extensions.push((name.to_string(), v.to_string())),
                None => {
                    return Err(err(format!(
                        "sasl.oauthbearer.config: {k} is not one of principal, scopeClaimName, scope, lifeSeconds, extension_<name>"
                    )))
                }
            },
        }
    }
    if jwt.principal.is_empty() {
        return Err(err(
            "an unsecured OAUTHBEARER token needs a principal (unsecuredLoginStringClaim_sub)",
        ));
    }
    Ok(jwt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn cfg(pairs: &[(&str, &str)]) -> Result<ConnectionConfig, String> {
        connection_config(&map(pairs), "c").map_err(|e| e.0)
    }

    #[test]
    fn plaintext_by_default() {
        let c = cfg(&[("linger.ms", "5")]).unwrap();
        assert_eq!(c.security_protocol, SecurityProtocol::Plaintext);
        assert!(c.sasl.is_none());
        assert_eq!(c.client_id, "c");
    }

    #[test]
    fn jaas_lines_become_the_group_clients_credentials() {
        let c = cfg(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="a-secret";"#,
            ),
        ])
        .unwrap();
        assert_eq!(c.security_protocol, SecurityProtocol::SaslPlaintext);
        assert_eq!(
            c.sasl,
            Some(SaslConfig::Scram {
                mechanism: ScramMechanism::Sha512,
                username: "alice".into(),
                password: "a-secret".into()
            })
        );
        let c = cfg(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="bob" password="b";"#,
            ),
        ])
        .unwrap();
        assert_eq!(c.sasl.unwrap().mechanism(), "PLAIN");
        let c = cfg(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="connect" unsecuredLoginLifetimeSeconds="600" unsecuredLoginListClaim_scope=",a,b" extension_tenant="t1";"#,
            ),
        ])
        .unwrap();
        let Some(SaslConfig::OAuthBearerUnsecured(jwt)) = c.sasl else {
            panic!("{:?}", c.sasl)
        };
        assert_eq!(jwt.principal, "connect");
        assert_eq!(jwt.lifetime.as_secs(), 600);
        assert_eq!(jwt.scopes, ["a", "b"]);
        assert_eq!(jwt.extensions, [("tenant".to_string(), "t1".to_string())]);
    }

    #[test]
    fn the_client_credentials_flow_takes_the_jaas_lines_options() {
        let c = cfg(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
            ("sasl.oauthbearer.token.endpoint.url", "https://idp/token"),
            (
                "sasl.login.callback.handler.class",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            ),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="c" clientSecret="s" scope="kafka" extension_tenant="t1";"#,
            ),
        ])
        .unwrap();
        let Some(SaslConfig::OAuthBearer(cc)) = c.sasl else {
            panic!("{:?}", c.sasl)
        };
        assert_eq!(cc.token_endpoint_url, "https://idp/token");
        assert_eq!(
            (cc.client_id.as_str(), cc.client_secret.as_str()),
            ("c", "s")
        );
        assert_eq!(cc.scope.as_deref(), Some("kafka"));
        assert_eq!(
            cc.extensions,
            vec![("tenant".to_string(), "t1".to_string())]
        );
        assert!(!format!("{cc:?}").contains("\"s\""));
    }

    #[test]
    fn what_the_group_client_cannot_do_is_refused_by_name() {
        let e = cfg(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "GSSAPI"),
        ])
        .unwrap_err();
        assert!(e.contains("sasl.mechanism=GSSAPI is not supported"), "{e}");
        let e = cfg(&[("security.protocol", "SASL_PLAINTEXT")]).unwrap_err();
        assert!(e.contains("sasl.mechanism=GSSAPI"), "{e}");
        let e = cfg(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "SCRAM-SHA-256"),
        ])
        .unwrap_err();
        assert!(e.contains("needs sasl.jaas.config"), "{e}");
        let e = cfg(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
            ("sasl.oauthbearer.token.endpoint.url", "https://idp/token"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="s";"#,
            ),
        ])
        .unwrap_err();
        assert!(e.contains("needs clientId"), "{e}");
        assert!(!e.contains("\"s\""), "{e}");
        // The translation's own errors come through unchanged (one parser).
        let e = cfg(&[
            ("security.protocol", "SASL_SSL"),
            (
                "sasl.jaas.config",
                "x.PlainLoginModule required username=\"u\" password=\"secret-value\"",
            ),
        ])
        .unwrap_err();
        assert!(e.starts_with("sasl.jaas.config is malformed"), "{e}");
        assert!(!e.contains("secret-value"), "{e}");
    }

    /// A CA and a client certificate it signed, as PEM files and a PKCS12 keystore.
    fn pki(dir: &std::path::Path) {
        use openssl::asn1::Asn1Time;
        use openssl::hash::MessageDigest;
        use openssl::rsa::Rsa;
        use openssl::x509::{X509Builder, X509NameBuilder};
        let make = |cn: &str, issuer: Option<(&X509, &PKey<openssl::pkey::Private>)>| {
            let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
            let mut name = X509NameBuilder::new().unwrap();
            name.append_entry_by_text("CN", cn).unwrap();
            let name = name.build();
            let mut b = X509Builder::new().unwrap();
            b.set_version(2).unwrap();
            b.set_subject_name(&name).unwrap();
            b.set_pubkey(&key).unwrap();
            b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
                .unwrap();
            b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
                .unwrap();
            let (issuer_name, signer) = match issuer {
                Some((c, k)) => (c.subject_name().to_owned().unwrap(), k.clone()),
                None => (name.as_ref().to_owned().unwrap(), key.clone()),
            };
            b.set_issuer_name(&issuer_name).unwrap();
            b.sign(&signer, MessageDigest::sha256()).unwrap();
            (b.build(), key)
        };
        let (ca, ca_key) = make("ca", None);
        let (client, client_key) = make("client", Some((&ca, &ca_key)));
        std::fs::write(dir.join("ca.pem"), ca.to_pem().unwrap()).unwrap();
        let mut stack = openssl::stack::Stack::new().unwrap();
        stack.push(ca.clone()).unwrap();
        let trust = openssl::pkcs12::Pkcs12::builder()
            .ca(stack)
            .build2("tp")
            .unwrap();
        std::fs::write(dir.join("trust.p12"), trust.to_der().unwrap()).unwrap();
        let ks = openssl::pkcs12::Pkcs12::builder()
            .name("client")
            .pkey(&client_key)
            .cert(&client)
            .build2("kp")
            .unwrap();
        std::fs::write(dir.join("client.p12"), ks.to_der().unwrap()).unwrap();
        let mut pem = client_key.private_key_to_pem_pkcs8().unwrap();
        pem.extend(client.to_pem().unwrap());
        std::fs::write(dir.join("client.pem"), pem).unwrap();
        std::fs::write(dir.join("t.jks"), [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]).unwrap();
    }

    #[test]
    fn stores_are_read_as_for_librdkafka() {
        let dir = tempfile::tempdir().unwrap();
        pki(dir.path());
        let p = |f: &str| dir.path().join(f).display().to_string();
        let c = cfg(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &p("trust.p12")),
            ("ssl.truststore.password", "tp"),
            ("ssl.truststore.type", "PKCS12"),
            ("ssl.keystore.location", &p("client.p12")),
            ("ssl.keystore.password", "kp"),
            ("ssl.keystore.type", "PKCS12"),
        ])
        .unwrap();
        assert_eq!(c.tls.trusted.len(), 1);
        let id = c.tls.identity.as_ref().expect("client certificate");
        assert!(format!("{:?}", id.certificate.subject_name()).contains("client"));
        assert!(c.tls.verify_hostname && c.tls.verify_certificate);

        // PEM truststore and keystore files; host name verification off.
        let c = cfg(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "PLAIN"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";"#,
            ),
            ("ssl.truststore.location", &p("ca.pem")),
            ("ssl.truststore.type", "PEM"),
            ("ssl.keystore.location", &p("client.pem")),
            ("ssl.keystore.type", "PEM"),
            ("ssl.endpoint.identification.algorithm", ""),
        ])
        .unwrap();
        assert_eq!(c.tls.trusted.len(), 1);
        assert!(c.tls.identity.is_some());
        assert!(!c.tls.verify_hostname);

        // The same refusals as for every other client.
        let e = cfg(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &p("t.jks")),
            ("ssl.truststore.type", "JKS"),
        ])
        .unwrap_err();
        assert!(
            e.contains("is a JKS keystore") && e.contains("keytool -importkeystore"),
            "{e}"
        );
        let e = cfg(&[
            ("security.protocol", "SSL"),
            ("ssl.keystore.location", &p("client.p12")),
            ("ssl.keystore.password", "wrong-secret"),
        ])
        .unwrap_err();
        assert!(
            e.contains("wrong password") && !e.contains("wrong-secret"),
            "{e}"
        );
        let e = cfg(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", "/nonexistent/t.p12"),
        ])
        .unwrap_err();
        assert!(e.contains("cannot be read"), "{e}");
    }
}
