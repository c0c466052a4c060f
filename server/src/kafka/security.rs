//! Kafka Connect's client security settings, written as users write them for Java's
//! clients, translated for librdkafka. Every client the core makes goes through
//! [`apply`], after its settings were merged (defaults, worker settings, prefixed worker
//! settings, connector overrides), so a truststore location and its password may come
//! from different layers.
//!
//! | Java setting | librdkafka |
//! |---|---|
//! | `security.protocol` | `security.protocol` |
//! | `sasl.mechanism` | `sasl.mechanisms` |
//! | `sasl.jaas.config` (`PlainLoginModule`, `ScramLoginModule`) | `sasl.username`, `sasl.password` |
//! | `sasl.jaas.config` (`OAuthBearerLoginModule`) | `sasl.oauthbearer.*` (`oidc` with a token endpoint, else an unsecured JWT) |
//! | `sasl.jaas.config` (`Krb5LoginModule`) | `sasl.kerberos.keytab`, `sasl.kerberos.principal` |
//! | `ssl.truststore.*` PKCS12 | read here, handed over as `ssl.ca.pem` |
//! | `ssl.truststore.*` PEM | `ssl.ca.location` |
//! | `ssl.keystore.*` PKCS12 | checked here, `ssl.keystore.location` / `ssl.keystore.password` |
//! | `ssl.keystore.*` PEM, `ssl.key.password` | `ssl.key.location`, `ssl.certificate.location`, `ssl.key.password` |
//! | `ssl.keystore.key`, `ssl.keystore.certificate.chain`, `ssl.truststore.certificates` | `ssl.key.pem`, `ssl.certificate.pem`, `ssl.ca.pem` |
//! | `ssl.endpoint.identification.algorithm` (`https` / empty) | the same (`https` / `none`) |
//!
//! librdkafka's own names for these settings pass through unchanged. Java-only settings
//! without an equivalent (`ssl.protocol`, `ssl.enabled.protocols`, key and trust manager
//! algorithms, providers, `sasl.login.*` and callback handler classes, Java cipher suite
//! names, ...) are dropped with a debug line. `ssl.*` settings count only with `SSL` or
//! `SASL_SSL`, `sasl.*` settings only with `SASL_PLAINTEXT` or `SASL_SSL`, as in Java.
//!
//! Errors name the setting and the file, never a password or a key.

use std::collections::BTreeMap;

use rdkafka::ClientConfig;

/// A security setting that cannot be used; the message names the setting, never its secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct SecurityError(pub String);

impl SecurityError {
    /// The setting the message is about: every message starts with its name.
    pub fn setting(&self) -> &str {
        let end = self
            .0
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .unwrap_or(self.0.len());
        &self.0[..end]
    }
}

fn err(msg: impl Into<String>) -> SecurityError {
    SecurityError(msg.into())
}

/// The SASL mechanisms librdkafka knows (`sasl.mechanisms`).
const MECHANISMS: &[&str] = &[
    "GSSAPI",
    "PLAIN",
    "SCRAM-SHA-256",
    "SCRAM-SHA-512",
    "OAUTHBEARER",
];

/// librdkafka settings under `ssl.` / `sasl.` whose name and meaning are Java's too, or
/// that only librdkafka has: passed through.
const NATIVE: &[&str] = &[
    "sasl.mechanisms",
    "sasl.username",
    "sasl.password",
    "sasl.kerberos.service.name",
    "sasl.kerberos.principal",
    "sasl.kerberos.kinit.cmd",
    "sasl.kerberos.keytab",
    "sasl.kerberos.min.time.before.relogin",
    "sasl.oauthbearer.config",
    "sasl.oauthbearer.method",
    "sasl.oauthbearer.client.id",
    "sasl.oauthbearer.client.secret",
    "sasl.oauthbearer.scope",
    "sasl.oauthbearer.extensions",
    "sasl.oauthbearer.token.endpoint.url",
    "sasl.oauthbearer.grant.type",
    "sasl.oauthbearer.metadata.authentication.type",
    "ssl.key.location",
    "ssl.key.pem",
    "ssl.certificate.location",
    "ssl.certificate.pem",
    "ssl.ca.location",
    "ssl.ca.pem",
    "ssl.ca.certificate.stores",
    "ssl.crl.location",
    "ssl.engine.location",
    "ssl.engine.id",
    "ssl.providers",
    "ssl.sigalgs.list",
    "ssl.curves.list",
];

/// Other librdkafka settings that belong with the security ones.
const NATIVE_OTHER: &[&str] = &[
    "enable.ssl.certificate.verification",
    "enable.sasl.oauthbearer.unsecure.jwt",
];

/// Whether a client setting is one [`apply`] handles.
pub fn is_security_setting(key: &str) -> bool {
    key == "security.protocol"
        || key == "security.providers"
        || key.starts_with("ssl.")
        || key.starts_with("sasl.")
        || NATIVE_OTHER.contains(&key)
}

/// Settings whose values are secrets: never shown in a message or a log line.
pub fn is_secret(key: &str) -> bool {
    matches!(
        key,
        "sasl.jaas.config"
            | "sasl.password"
            | "sasl.oauthbearer.client.secret"
            | "sasl.oauthbearer.client.credentials.client.secret"
            | "sasl.oauthbearer.config"
            | "ssl.key.password"
            | "ssl.key.pem"
            | "ssl.keystore.password"
            | "ssl.keystore.key"
            | "ssl.truststore.password"
    ) || key.ends_with(".password")
        || key.ends_with(".secret")
}

/// Takes the security settings out of `settings` (Java's form, merged) and sets their
/// librdkafka form on `cfg`. The other settings stay in `settings`.
pub fn apply(
    cfg: &mut ClientConfig,
    settings: &mut BTreeMap<String, String>,
) -> Result<(), SecurityError> {
    let mut sec: BTreeMap<String, String> = BTreeMap::new();
    settings.retain(|k, v| {
        if is_security_setting(k) {
            sec.insert(k.clone(), std::mem::take(v));
            false
        } else {
            true
        }
    });
    for (k, v) in translate(&sec)? {
        cfg.set(k, v);
    }
    Ok(())
}

/// The librdkafka settings for Java-form security settings (only those; others ignored).
pub fn translate(sec: &BTreeMap<String, String>) -> Result<Vec<(String, String)>, SecurityError> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let protocol = sec
        .get("security.protocol")
        .map(|p| p.trim().to_ascii_uppercase())
        .unwrap_or_else(|| "PLAINTEXT".into());
    let (uses_ssl, uses_sasl) = match protocol.as_str() {
        "PLAINTEXT" => (false, false),
        "SSL" => (true, false),
        "SASL_PLAINTEXT" => (false, true),
        "SASL_SSL" => (true, true),
        other => {
            return Err(err(format!(
                "security.protocol={other} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"
            )))
        }
    };
    if sec.contains_key("security.protocol") {
        out.insert("security.protocol".into(), protocol.to_ascii_lowercase());
    }
    let get = |k: &str| sec.get(k).map(String::as_str);
    let mut used: Vec<&str> = vec!["security.protocol"];

    if uses_sasl {
        used.extend(["sasl.mechanism", "sasl.jaas.config"]);
        if let Some(m) = get("sasl.mechanism") {
            let m = m.trim();
            if !MECHANISMS.contains(&m) {
                return Err(err(format!(
                    "sasl.mechanism={m} is not one of {}",
                    MECHANISMS.join(", ")
                )));
            }
            out.insert("sasl.mechanisms".into(), m.to_string());
        }
        if let Some(jaas) = get("sasl.jaas.config") {
            let module = parse_jaas(jaas)?;
            used.extend(jaas_settings(&module, sec, &mut out)?);
        }
        // Java's OAUTHBEARER client-credentials settings (Kafka 4.1+).
        for (java, native) in [
            (
                "sasl.oauthbearer.client.credentials.client.id",
                "sasl.oauthbearer.client.id",
            ),
            (
                "sasl.oauthbearer.client.credentials.client.secret",
                "sasl.oauthbearer.client.secret",
            ),
        ] {
            if let Some(v) = get(java) {
                out.entry(native.into()).or_insert_with(|| v.to_string());
                used.push(java);
            }
        }
    }
    if uses_ssl {
        used.extend(ssl_settings(sec, &mut out)?);
    }
    for (k, v) in sec {
        if used.contains(&k.as_str()) {
            continue;
        }
        let native = NATIVE.contains(&k.as_str()) || NATIVE_OTHER.contains(&k.as_str());
        let in_use = if k.starts_with("ssl.") || k == "enable.ssl.certificate.verification" {
            uses_ssl
        } else if k.starts_with("sasl.") || k == "enable.sasl.oauthbearer.unsecure.jwt" {
            uses_sasl
        } else {
            false
        };
        if native && in_use {
            // Set by the user under librdkafka's name: it wins over a translation.
            out.insert(k.clone(), v.clone());
        } else if k == "ssl.cipher.suites" && in_use && !v.contains("TLS_") {
            // OpenSSL's names (ECDHE-RSA-AES128-GCM-SHA256): librdkafka takes them.
            out.insert(k.clone(), v.clone());
        } else if in_use {
            tracing::debug!(setting = %k, "ignoring a Java-only client security setting");
        } else {
            tracing::debug!(setting = %k, protocol = %protocol, "ignoring a security setting the protocol does not use");
        }
    }
    Ok(out.into_iter().collect())
}

// ------------------------------------------------------------------------ SASL / JAAS

/// One login module of a `sasl.jaas.config` line.
#[derive(Debug, Clone, PartialEq)]
pub struct JaasModule {
    pub class: String,
    pub flag: String,
    pub options: Vec<(String, String)>,
}

/// Parses `sasl.jaas.config` as Java's `JaasConfig` does: one login module, its control
/// flag, `name=value` options (values quoted with `"` and `\` escapes, or bare words),
/// and a final `;`.
pub fn parse_jaas(text: &str) -> Result<JaasModule, SecurityError> {
    let bad = |why: &str| {
        err(format!(
            "sasl.jaas.config is malformed: {why} (expected: <LoginModule class> required name=\"value\" ... ;)"
        ))
    };
    let mut toks = JaasTokens::new(text);
    let class = match toks.next().map_err(|e| bad(&e))? {
        Some(Tok::Word(w)) => w,
        Some(_) => return Err(bad("it must start with a login module class")),
        None => return Err(bad("it is empty")),
    };
    let flag = match toks.next().map_err(|e| bad(&e))? {
        Some(Tok::Word(w)) => w.to_ascii_lowercase(),
        _ => return Err(bad(&format!("a control flag must follow {class}"))),
    };
    if !matches!(
        flag.as_str(),
        "required" | "requisite" | "sufficient" | "optional"
    ) {
        return Err(bad(&format!(
            "'{flag}' is not a control flag (required, requisite, sufficient, optional)"
        )));
    }
    let mut options = Vec::new();
    loop {
        match toks.next().map_err(|e| bad(&e))? {
            Some(Tok::Semicolon) => break,
            Some(Tok::Word(name)) => {
                if toks.next().map_err(|e| bad(&e))? != Some(Tok::Equals) {
                    return Err(bad(&format!("option '{name}' has no '='")));
                }
                match toks.next().map_err(|e| bad(&e))? {
                    Some(Tok::Word(v)) | Some(Tok::Quoted(v)) => options.push((name, v)),
                    _ => return Err(bad(&format!("option '{name}' has no value"))),
                }
            }
            Some(Tok::Quoted(_)) => return Err(bad("a quoted value without an option name")),
            Some(Tok::Equals) => return Err(bad("'=' without an option name")),
            None => return Err(bad("it does not end with ';'")),
        }
    }
    if toks.next().map_err(|e| bad(&e))?.is_some() {
        return Err(bad(
            "more than one login module (a Kafka client takes exactly one)",
        ));
    }
    Ok(JaasModule {
        class,
        flag,
        options,
    })
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Equals,
    Semicolon,
}

struct JaasTokens<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl<'a> JaasTokens<'a> {
    fn new(text: &'a str) -> Self {
        JaasTokens {
            chars: text.chars().peekable(),
        }
    }

    fn next(&mut self) -> Result<Option<Tok>, String> {
        while self.chars.peek().is_some_and(|c| c.is_whitespace()) {
            self.chars.next();
        }
        let Some(c) = self.chars.next() else {
            return Ok(None);
        };
        match c {
            '=' => Ok(Some(Tok::Equals)),
            ';' => Ok(Some(Tok::Semicolon)),
            '"' | '\'' => {
                let quote = c;
                let mut s = String::new();
                loop {
                    match self.chars.next() {
                        None => return Err("a quoted value is not closed".into()),
                        Some('\\') => match self.chars.next() {
                            None => return Err("a quoted value is not closed".into()),
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('r') => s.push('\r'),
                            Some(o) => s.push(o),
                        },
                        Some(ch) if ch == quote => return Ok(Some(Tok::Quoted(s))),
                        Some(ch) => s.push(ch),
                    }
                }
            }
            _ => {
                let mut s = String::from(c);
                while let Some(&n) = self.chars.peek() {
                    if n.is_whitespace() || n == '=' || n == ';' || n == '"' || n == '\'' {
                        break;
                    }
                    s.push(n);
                    self.chars.next();
                }
                Ok(Some(Tok::Word(s)))
            }
        }
    }
}

/// librdkafka settings for a login module; returns the Java settings it used.
fn jaas_settings(
    module: &JaasModule,
    sec: &BTreeMap<String, String>,
    out: &mut BTreeMap<String, String>,
) -> Result<Vec<&'static str>, SecurityError> {
    let opt = |name: &str| {
        module
            .options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let simple = module.class.rsplit('.').next().unwrap_or(&module.class);
    let mut used = Vec::new();
    let mut known: Vec<&str> = Vec::new();
    match simple {
        "PlainLoginModule" | "ScramLoginModule" => {
            known.extend(["username", "password", "tokenauth"]);
            let user = opt("username").ok_or_else(|| {
                err(format!(
                    "sasl.jaas.config: {} needs a username option",
                    module.class
                ))
            })?;
            let pass = opt("password").ok_or_else(|| {
                err(format!(
                    "sasl.jaas.config: {} needs a password option",
                    module.class
                ))
            })?;
            out.insert("sasl.username".into(), user);
            out.insert("sasl.password".into(), pass);
            if simple == "PlainLoginModule" && !sec.contains_key("sasl.mechanism") {
                tracing::debug!("sasl.mechanism not set: PLAIN, from the PlainLoginModule");
                out.insert("sasl.mechanisms".into(), "PLAIN".into());
            }
        }
        "OAuthBearerLoginModule" => {
            if !sec.contains_key("sasl.mechanism") {
                out.insert("sasl.mechanisms".into(), "OAUTHBEARER".into());
            }
            let endpoint = sec.get("sasl.oauthbearer.token.endpoint.url");
            known.extend([
                "clientId",
                "clientSecret",
                "scope",
                "unsecuredLoginStringClaim_sub",
                "unsecuredLoginLifetimeSeconds",
                "unsecuredLoginScopeClaimName",
                "unsecuredLoginListClaim_scope",
            ]);
            let extensions: Vec<String> = module
                .options
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("extension_").map(|n| format!("{n}={v}")))
                .collect();
            if let Some(url) = endpoint {
                // The client-credentials flow: librdkafka's OIDC method.
                used.push("sasl.oauthbearer.token.endpoint.url");
                out.insert("sasl.oauthbearer.method".into(), "oidc".into());
                out.insert("sasl.oauthbearer.token.endpoint.url".into(), url.clone());
                if let Some(v) = opt("clientId") {
                    out.insert("sasl.oauthbearer.client.id".into(), v);
                }
                if let Some(v) = opt("clientSecret") {
                    out.insert("sasl.oauthbearer.client.secret".into(), v);
                }
                if let Some(v) = opt("scope") {
                    out.insert("sasl.oauthbearer.scope".into(), v);
                }
                if !extensions.is_empty() {
                    out.insert("sasl.oauthbearer.extensions".into(), extensions.join(","));
                }
            } else if let Some(sub) = opt("unsecuredLoginStringClaim_sub") {
                // An unsecured JWT made by the client, for development clusters.
                let mut conf = vec![format!("principal={sub}")];
                if let Some(v) = opt("unsecuredLoginLifetimeSeconds") {
                    conf.push(format!("lifeSeconds={v}"));
                }
                if let Some(v) = opt("unsecuredLoginScopeClaimName") {
                    conf.push(format!("scopeClaimName={v}"));
                }
                if let Some(v) = opt("unsecuredLoginListClaim_scope") {
                    // Java's list claims start with their separator character.
                    let mut chars = v.chars();
                    let scopes: Vec<String> = match chars.next() {
                        Some(sep) if !sep.is_alphanumeric() => chars
                            .as_str()
                            .split(sep)
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect(),
                        _ => vec![v.clone()],
                    };
                    conf.push(format!("scope={}", scopes.join(",")));
                }
                conf.extend(extensions.iter().map(|e| format!("extension_{e}")));
                out.insert("enable.sasl.oauthbearer.unsecure.jwt".into(), "true".into());
                out.insert("sasl.oauthbearer.config".into(), conf.join(" "));
            } else {
                return Err(err(format!(
                    "sasl.jaas.config: {} needs sasl.oauthbearer.token.endpoint.url (with clientId and clientSecret options) or an unsecuredLoginStringClaim_sub option; a custom sasl.login.callback.handler.class cannot be loaded by this worker",
                    module.class
                )));
            }
        }
        "Krb5LoginModule" => {
            known.extend([
                "keyTab",
                "principal",
                "serviceName",
                "useKeyTab",
                "storeKey",
                "useTicketCache",
                "debug",
                "doNotPrompt",
            ]);
            if let Some(v) = opt("keyTab") {
                out.insert("sasl.kerberos.keytab".into(), v);
            }
            if let Some(v) = opt("principal") {
                out.insert("sasl.kerberos.principal".into(), v);
            }
            if let Some(v) = opt("serviceName") {
                out.entry("sasl.kerberos.service.name".into()).or_insert(v);
            }
        }
        _ => {
            return Err(err(format!(
                "sasl.jaas.config: the login module {} is not supported (supported: PlainLoginModule, ScramLoginModule, OAuthBearerLoginModule, Krb5LoginModule)",
                module.class
            )))
        }
    }
    for (k, _) in &module.options {
        if !known.contains(&k.as_str()) && !k.starts_with("extension_") {
            tracing::debug!(option = %k, module = %module.class, "ignoring a login module option librdkafka has no equivalent for");
        }
    }
    Ok(used)
}

// ------------------------------------------------------------------------ SSL

/// What a keystore or truststore file holds, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum StoreFormat {
    Jks,
    Pkcs12,
    Pem,
}

fn sniff(bytes: &[u8]) -> Option<StoreFormat> {
    if bytes.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) || bytes.starts_with(&[0xCE, 0xCE, 0xCE, 0xCE])
    {
        Some(StoreFormat::Jks)
    } else if bytes.first() == Some(&0x30) {
        Some(StoreFormat::Pkcs12)
    } else if String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).contains("-----BEGIN") {
        Some(StoreFormat::Pem)
    } else {
        None
    }
}

/// The store's format: its declared type, except that a file Java's `JKS` type would read
/// as PKCS12 (Java's keystores are dual-format) is read as PKCS12.
fn store_format(
    setting: &str,
    location: &str,
    declared: Option<&str>,
    bytes: &[u8],
) -> Result<StoreFormat, SecurityError> {
    let found = sniff(bytes);
    let declared = declared.map(|t| t.trim().to_ascii_uppercase());
    match (declared.as_deref(), found) {
        (Some("PEM"), _) => Ok(StoreFormat::Pem),
        (Some("PKCS12"), Some(StoreFormat::Jks)) => Err(err(format!(
            "{setting}={location} is declared PKCS12 but is a JKS keystore"
        ))),
        (Some("PKCS12"), _) => Ok(StoreFormat::Pkcs12),
        (Some("JKS") | None, Some(f)) => Ok(f),
        (Some("JKS") | None, None) => Err(err(format!(
            "{setting}={location} is neither a PKCS12, a JKS nor a PEM file"
        ))),
        (Some(other), _) => Err(err(format!(
            "{setting} type {other} is not supported (PKCS12, PEM; JKS after conversion to PKCS12)"
        ))),
    }
}

fn jks_error(setting: &str, location: &str) -> SecurityError {
    let kind = setting.split('.').nth(1).unwrap_or("keystore");
    err(format!(
        "{setting}={location} is a JKS keystore, which librdkafka cannot read. Convert it to PKCS12 with: \
         keytool -importkeystore -srckeystore {location} -srcstoretype JKS -destkeystore {location}.p12 -deststoretype PKCS12 \
         and set ssl.{kind}.location={location}.p12 and ssl.{kind}.type=PKCS12 (same password)"
    ))
}

pub(crate) fn read_store(setting: &str, location: &str) -> Result<Vec<u8>, SecurityError> {
    std::fs::read(location).map_err(|e| err(format!("{setting}={location} cannot be read: {e}")))
}

pub(crate) fn parse_pkcs12(
    setting: &str,
    location: &str,
    bytes: &[u8],
    password: Option<&str>,
) -> Result<openssl::pkcs12::ParsedPkcs12_2, SecurityError> {
    let p12 = openssl::pkcs12::Pkcs12::from_der(bytes)
        .map_err(|_| err(format!("{setting}={location} is not a valid PKCS12 file")))?;
    p12.parse2(password.unwrap_or("")).map_err(|_| {
        err(format!(
            "{setting}={location} cannot be opened: {} (or the file is damaged)",
            if password.is_some() {
                "wrong password"
            } else {
                "it needs a password"
            }
        ))
    })
}

fn pem_of(certs: &[openssl::x509::X509]) -> Result<String, SecurityError> {
    let mut pem = String::new();
    for c in certs {
        let p = c
            .to_pem()
            .map_err(|e| err(format!("cannot write a certificate as PEM: {e}")))?;
        pem.push_str(&String::from_utf8_lossy(&p));
    }
    Ok(pem)
}

/// librdkafka settings for the `ssl.*` Java settings; returns those it used.
fn ssl_settings(
    sec: &BTreeMap<String, String>,
    out: &mut BTreeMap<String, String>,
) -> Result<Vec<&'static str>, SecurityError> {
    let get = |k: &str| sec.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let mut used = vec![
        "ssl.truststore.location",
        "ssl.truststore.password",
        "ssl.truststore.type",
        "ssl.truststore.certificates",
        "ssl.keystore.location",
        "ssl.keystore.password",
        "ssl.keystore.type",
        "ssl.keystore.key",
        "ssl.keystore.certificate.chain",
        "ssl.key.password",
        "ssl.endpoint.identification.algorithm",
    ];

    // Trust.
    if let Some(pem) = get("ssl.truststore.certificates") {
        out.insert("ssl.ca.pem".into(), pem.to_string());
    } else if let Some(loc) = get("ssl.truststore.location") {
        let s = "ssl.truststore.location";
        let bytes = read_store(s, loc)?;
        match store_format(s, loc, get("ssl.truststore.type"), &bytes)? {
            StoreFormat::Jks => return Err(jks_error(s, loc)),
            StoreFormat::Pem => {
                out.insert("ssl.ca.location".into(), loc.to_string());
            }
            StoreFormat::Pkcs12 => {
                let parsed = parse_pkcs12(s, loc, &bytes, get("ssl.truststore.password"))?;
                let mut certs: Vec<openssl::x509::X509> = parsed.cert.into_iter().collect();
                if let Some(ca) = parsed.ca {
                    certs.extend(ca);
                }
                if certs.is_empty() {
                    return Err(err(format!("{s}={loc} holds no certificate")));
                }
                out.insert("ssl.ca.pem".into(), pem_of(&certs)?);
            }
        }
    }

    // Own key and certificate.
    let key_password = get("ssl.key.password");
    if let Some(key) = get("ssl.keystore.key") {
        out.insert("ssl.key.pem".into(), key.to_string());
        match get("ssl.keystore.certificate.chain") {
            Some(chain) => {
                out.insert("ssl.certificate.pem".into(), chain.to_string());
            }
            None => {
                return Err(err(
                    "ssl.keystore.key is set without ssl.keystore.certificate.chain",
                ))
            }
        }
        if let Some(p) = key_password {
            out.insert("ssl.key.password".into(), p.to_string());
        }
    } else if let Some(loc) = get("ssl.keystore.location") {
        let s = "ssl.keystore.location";
        let bytes = read_store(s, loc)?;
        match store_format(s, loc, get("ssl.keystore.type"), &bytes)? {
            StoreFormat::Jks => return Err(jks_error(s, loc)),
            StoreFormat::Pem => {
                out.insert("ssl.key.location".into(), loc.to_string());
                out.insert("ssl.certificate.location".into(), loc.to_string());
                if let Some(p) = key_password {
                    out.insert("ssl.key.password".into(), p.to_string());
                }
            }
            StoreFormat::Pkcs12 => {
                // Checked here for a clear error; librdkafka reads it itself, chain included.
                let password = get("ssl.keystore.password");
                let parsed = parse_pkcs12(s, loc, &bytes, password)?;
                if parsed.pkey.is_none() || parsed.cert.is_none() {
                    return Err(err(format!(
                        "{s}={loc} holds no private key with its certificate"
                    )));
                }
                out.insert("ssl.keystore.location".into(), loc.to_string());
                out.insert(
                    "ssl.keystore.password".into(),
                    password.unwrap_or("").to_string(),
                );
            }
        }
    } else if get("ssl.keystore.certificate.chain").is_some() {
        return Err(err(
            "ssl.keystore.certificate.chain is set without ssl.keystore.key",
        ));
    }

    // Host name verification: Java's default is https, and so is librdkafka's.
    if let Some(alg) = sec.get("ssl.endpoint.identification.algorithm") {
        let v = match alg.trim().to_ascii_lowercase().as_str() {
            "" | "none" => "none",
            "https" => "https",
            other => {
                return Err(err(format!(
                    "ssl.endpoint.identification.algorithm={other} is not supported (https, or empty to turn host name verification off)"
                )))
            }
        };
        out.insert("ssl.endpoint.identification.algorithm".into(), v.into());
    }
    used.retain(|k| sec.contains_key(*k));
    Ok(used)
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

    fn tr(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        translate(&map(pairs)).unwrap().into_iter().collect()
    }

    fn tr_err(pairs: &[(&str, &str)]) -> String {
        translate(&map(pairs)).unwrap_err().0
    }

    #[test]
    fn jaas_lines_parse_as_java_writes_them() {
        let m = parse_jaas(
            r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\"a;s=s\\w";"#,
        )
        .unwrap();
        assert_eq!(
            m.class,
            "org.apache.kafka.common.security.scram.ScramLoginModule"
        );
        assert_eq!(m.flag, "required");
        assert_eq!(
            m.options,
            vec![
                ("username".into(), "alice".into()),
                ("password".into(), r#"p"a;s=s\w"#.into())
            ]
        );
        // Bare words, single quotes, line breaks.
        let m = parse_jaas("com.sun.security.auth.module.Krb5LoginModule REQUIRED\n useKeyTab=true\n keyTab='/etc/k.keytab'\n principal=\"kafka/h@EXAMPLE.COM\";").unwrap();
        assert_eq!(m.flag, "required");
        assert_eq!(m.options[0], ("useKeyTab".into(), "true".into()));
        assert_eq!(m.options[1], ("keyTab".into(), "/etc/k.keytab".into()));
    }

    #[test]
    fn malformed_jaas_lines_are_clear_errors_without_the_secret() {
        for (line, why) in [
            ("", "it is empty"),
            ("x.PlainLoginModule", "a control flag must follow"),
            ("x.PlainLoginModule maybe;", "not a control flag"),
            (
                "x.PlainLoginModule required username=\"u\" password=\"sec",
                "not closed",
            ),
            (
                "x.PlainLoginModule required username=\"u\" password=\"secret\"",
                "does not end with ';'",
            ),
            ("x.PlainLoginModule required username \"u\";", "has no '='"),
            ("x.PlainLoginModule required username=;", "has no value"),
            ("a.A required; b.B required;", "more than one login module"),
        ] {
            let e = parse_jaas(line).unwrap_err().0;
            assert!(e.contains(why), "{line}: {e}");
            assert!(e.starts_with("sasl.jaas.config is malformed"), "{e}");
            assert!(!e.contains("secret") && !e.contains("sec\""), "{e}");
        }
    }

    #[test]
    fn scram_and_plain_become_username_and_password() {
        let out = tr(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";"#,
            ),
            ("ssl.endpoint.identification.algorithm", ""),
        ]);
        assert_eq!(out["security.protocol"], "sasl_ssl");
        assert_eq!(out["sasl.mechanisms"], "SCRAM-SHA-512");
        assert_eq!(out["sasl.username"], "alice");
        assert_eq!(out["sasl.password"], "alice-secret");
        assert_eq!(out["ssl.endpoint.identification.algorithm"], "none");
        assert!(!out.contains_key("sasl.jaas.config"));
        assert!(!out.contains_key("sasl.mechanism"));

        let out = tr(&[
            ("security.protocol", "sasl_plaintext"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="bob" password="b";"#,
            ),
        ]);
        assert_eq!(out["sasl.mechanisms"], "PLAIN");
        assert_eq!(out["sasl.username"], "bob");
    }

    #[test]
    fn oauthbearer_maps_to_oidc_or_an_unsecured_jwt() {
        let out = tr(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
            ("sasl.oauthbearer.token.endpoint.url", "https://idp/token"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="c" clientSecret="s" scope="kafka" extension_logicalCluster="lkc-1";"#,
            ),
            (
                "sasl.login.callback.handler.class",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            ),
            ("sasl.login.refresh.buffer.seconds", "300"),
        ]);
        assert_eq!(out["sasl.oauthbearer.method"], "oidc");
        assert_eq!(
            out["sasl.oauthbearer.token.endpoint.url"],
            "https://idp/token"
        );
        assert_eq!(out["sasl.oauthbearer.client.id"], "c");
        assert_eq!(out["sasl.oauthbearer.client.secret"], "s");
        assert_eq!(out["sasl.oauthbearer.scope"], "kafka");
        assert_eq!(out["sasl.oauthbearer.extensions"], "logicalCluster=lkc-1");
        assert!(out.keys().all(|k| !k.starts_with("sasl.login.")));

        let out = tr(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            (
                "sasl.jaas.config",
                r#"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin" unsecuredLoginListClaim_scope=",a,b";"#,
            ),
        ]);
        assert_eq!(out["sasl.mechanisms"], "OAUTHBEARER");
        assert_eq!(out["enable.sasl.oauthbearer.unsecure.jwt"], "true");
        assert_eq!(out["sasl.oauthbearer.config"], "principal=admin scope=a,b");
    }

    #[test]
    fn kerberos_takes_the_keytab_and_principal() {
        let out = tr(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "GSSAPI"),
            ("sasl.kerberos.service.name", "kafka"),
            (
                "sasl.jaas.config",
                r#"com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="/k/c.keytab" principal="connect@EXAMPLE.COM";"#,
            ),
        ]);
        assert_eq!(out["sasl.kerberos.keytab"], "/k/c.keytab");
        assert_eq!(out["sasl.kerberos.principal"], "connect@EXAMPLE.COM");
        assert_eq!(out["sasl.kerberos.service.name"], "kafka");
    }

    #[test]
    fn unknown_login_modules_and_protocols_are_errors() {
        let e = tr_err(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.jaas.config", "com.acme.Custom required;"),
        ]);
        assert!(e.contains("com.acme.Custom is not supported"), "{e}");
        let e = tr_err(&[("security.protocol", "TLS")]);
        assert!(e.contains("security.protocol=TLS"), "{e}");
        let e = tr_err(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-1"),
        ]);
        assert!(
            e.starts_with("sasl.mechanism=SCRAM-SHA-1 is not one of GSSAPI, PLAIN"),
            "{e}"
        );
        assert_eq!(SecurityError(e).setting(), "sasl.mechanism");
    }

    #[test]
    fn java_only_settings_are_dropped_and_unused_ones_ignored() {
        let out = tr(&[
            ("security.protocol", "SSL"),
            ("ssl.protocol", "TLSv1.3"),
            ("ssl.enabled.protocols", "TLSv1.2,TLSv1.3"),
            ("ssl.keymanager.algorithm", "SunX509"),
            ("ssl.trustmanager.algorithm", "PKIX"),
            ("ssl.provider", "SunJSSE"),
            ("ssl.secure.random.implementation", "SHA1PRNG"),
            ("ssl.cipher.suites", "TLS_AES_256_GCM_SHA384"),
            ("security.providers", "x.Y"),
            ("ssl.ca.location", "/etc/ssl/ca.pem"),
            // SASL settings with SSL: unused, as in Java (no file is read).
            ("sasl.jaas.config", "garbage"),
        ]);
        assert_eq!(
            out,
            map(&[
                ("security.protocol", "ssl"),
                ("ssl.ca.location", "/etc/ssl/ca.pem")
            ])
        );
        // OpenSSL cipher names pass.
        let out = tr(&[
            ("security.protocol", "SSL"),
            ("ssl.cipher.suites", "ECDHE-RSA-AES128-GCM-SHA256"),
        ]);
        assert_eq!(out["ssl.cipher.suites"], "ECDHE-RSA-AES128-GCM-SHA256");
        // Plaintext: no truststore is read, even a missing one.
        let out = tr(&[
            ("ssl.truststore.location", "/nonexistent"),
            ("sasl.mechanism", "PLAIN"),
        ]);
        assert!(out.is_empty(), "{out:?}");
    }

    /// A CA, a certificate it signed and PKCS12 / PEM stores of them, made with openssl.
    struct Pki {
        dir: tempfile::TempDir,
    }

    impl Pki {
        fn new() -> Pki {
            use openssl::asn1::Asn1Time;
            use openssl::hash::MessageDigest;
            use openssl::pkey::PKey;
            use openssl::rsa::Rsa;
            use openssl::x509::{X509Builder, X509NameBuilder};
            let dir = tempfile::tempdir().unwrap();
            let cert = |cn: &str, issuer: Option<(&openssl::x509::X509, &PKey<openssl::pkey::Private>)>| {
                let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
                let mut name = X509NameBuilder::new().unwrap();
                name.append_entry_by_text("CN", cn).unwrap();
                let name = name.build();
                let mut b = X509Builder::new().unwrap();
                b.set_version(2).unwrap();
                b.set_subject_name(&name).unwrap();
                b.set_pubkey(&key).unwrap();
                b.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
                b.set_not_after(&Asn1Time::days_from_now(1).unwrap()).unwrap();
                match issuer {
                    Some((ic, ik)) => {
                        b.set_issuer_name(ic.subject_name()).unwrap();
                        b.sign(ik, MessageDigest::sha256()).unwrap();
                    }
                    None => {
                        b.set_issuer_name(&name).unwrap();
                        b.sign(&key, MessageDigest::sha256()).unwrap();
                    }
                }
                (b.build(), key)
            };
            let (ca, ca_key) = cert("test-ca", None);
            let (client, client_key) = cert("client", Some((&ca, &ca_key)));
            let mut stack = openssl::stack::Stack::new().unwrap();
            stack.push(ca.clone()).unwrap();
            let trust = openssl::pkcs12::Pkcs12::builder()
                .ca(stack)
                .build2("trust-pass")
                .unwrap();
            std::fs::write(dir.path().join("trust.p12"), trust.to_der().unwrap()).unwrap();
            let keystore = openssl::pkcs12::Pkcs12::builder()
                .name("client")
                .pkey(&client_key)
                .cert(&client)
                .build2("key-pass")
                .unwrap();
            std::fs::write(dir.path().join("client.p12"), keystore.to_der().unwrap()).unwrap();
            std::fs::write(dir.path().join("ca.pem"), ca.to_pem().unwrap()).unwrap();
            // The first bytes of a JKS keystore.
            std::fs::write(
                dir.path().join("trust.jks"),
                [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2],
            )
            .unwrap();
            Pki { dir }
        }

        fn path(&self, f: &str) -> String {
            self.dir.path().join(f).display().to_string()
        }
    }

    #[test]
    fn stores_are_read_or_handed_over_with_clear_errors() {
        let pki = Pki::new();
        let trust = pki.path("trust.p12");
        let keystore = pki.path("client.p12");
        let out = tr(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &trust),
            ("ssl.truststore.password", "trust-pass"),
            ("ssl.truststore.type", "PKCS12"),
            ("ssl.keystore.location", &keystore),
            ("ssl.keystore.password", "key-pass"),
            ("ssl.keystore.type", "PKCS12"),
            ("ssl.key.password", "key-pass"),
        ]);
        assert!(out["ssl.ca.pem"].starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(out["ssl.ca.pem"].matches("BEGIN CERTIFICATE").count(), 1);
        assert_eq!(out["ssl.keystore.location"], keystore);
        assert_eq!(out["ssl.keystore.password"], "key-pass");
        assert!(!out.contains_key("ssl.truststore.location"));
        assert!(!out.contains_key("ssl.truststore.password"));

        // Java's default type, JKS, reads a PKCS12 file too.
        let out = tr(&[
            ("security.protocol", "SASL_SSL"),
            ("ssl.truststore.location", &trust),
            ("ssl.truststore.password", "trust-pass"),
        ]);
        assert!(out.contains_key("ssl.ca.pem"));

        // PEM files go to librdkafka by location.
        let ca = pki.path("ca.pem");
        let out = tr(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &ca),
            ("ssl.truststore.type", "PEM"),
        ]);
        assert_eq!(out["ssl.ca.location"], ca);

        // Inline PEM.
        let out = tr(&[
            ("security.protocol", "SSL"),
            (
                "ssl.truststore.certificates",
                "-----BEGIN CERTIFICATE-----...",
            ),
            (
                "ssl.keystore.key",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----...",
            ),
            (
                "ssl.keystore.certificate.chain",
                "-----BEGIN CERTIFICATE-----...",
            ),
            ("ssl.key.password", "k"),
            ("ssl.keystore.type", "PEM"),
        ]);
        assert!(out["ssl.ca.pem"].starts_with("-----BEGIN CERTIFICATE"));
        assert!(out["ssl.key.pem"].starts_with("-----BEGIN ENCRYPTED"));
        assert!(out["ssl.certificate.pem"].starts_with("-----BEGIN CERTIFICATE"));
        assert_eq!(out["ssl.key.password"], "k");

        // A wrong password.
        let e = tr_err(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &trust),
            ("ssl.truststore.password", "not-the-password"),
        ]);
        assert!(e.contains(&trust) && e.contains("wrong password"), "{e}");
        assert!(!e.contains("not-the-password"), "{e}");
        let e = tr_err(&[
            ("security.protocol", "SSL"),
            ("ssl.keystore.location", &keystore),
            ("ssl.keystore.password", "nope-secret"),
        ]);
        assert!(
            e.contains("wrong password") && !e.contains("nope-secret"),
            "{e}"
        );
        // A missing file.
        let e = tr_err(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", "/nonexistent/t.p12"),
        ]);
        assert!(
            e.contains("ssl.truststore.location=/nonexistent/t.p12 cannot be read"),
            "{e}"
        );
        // JKS: how to convert it.
        let jks = pki.path("trust.jks");
        let e = tr_err(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &jks),
            ("ssl.truststore.type", "JKS"),
        ]);
        assert!(e.contains("is a JKS keystore"), "{e}");
        assert!(e.contains("keytool -importkeystore"), "{e}");
        let e = tr_err(&[
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", &jks),
            ("ssl.truststore.type", "PKCS12"),
        ]);
        assert!(e.contains("declared PKCS12 but is a JKS"), "{e}");
    }

    #[test]
    fn librdkafka_names_win_over_translations() {
        let out = tr(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.mechanisms", "SCRAM-SHA-256"),
            ("enable.ssl.certificate.verification", "false"),
        ]);
        assert_eq!(out["sasl.mechanisms"], "SCRAM-SHA-256");
        assert_eq!(out["enable.ssl.certificate.verification"], "false");
    }

    #[test]
    fn apply_takes_only_the_security_settings() {
        let mut cfg = ClientConfig::new();
        let mut settings = map(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-256"),
            ("linger.ms", "10"),
        ]);
        apply(&mut cfg, &mut settings).unwrap();
        assert_eq!(settings, map(&[("linger.ms", "10")]));
        assert_eq!(cfg.get("sasl.mechanisms"), Some("SCRAM-SHA-256"));
        assert_eq!(cfg.get("security.protocol"), Some("sasl_ssl"));
    }

    #[test]
    fn secrets_are_recognised() {
        for k in [
            "sasl.jaas.config",
            "ssl.truststore.password",
            "ssl.keystore.password",
            "ssl.key.password",
            "ssl.keystore.key",
            "ssl.key.pem",
            "sasl.password",
            "sasl.oauthbearer.client.secret",
        ] {
            assert!(is_secret(k), "{k}");
        }
        assert!(!is_secret("ssl.truststore.location"));
    }
}
