//! OAUTHBEARER's client-credentials flow (RFC 6749 section 4.4), as Kafka's
//! `OAuthBearerLoginCallbackHandler` and librdkafka's `oidc` method run it: the client asks
//! the identity provider's token endpoint for an access token with its id and secret, and
//! hands the token to the broker, which checks its signature against the provider's keys.
//!
//! Tokens are kept and reused until 80 % of their lifetime has passed (Kafka's
//! `sasl.login.refresh.window.factor`), so re-authentications and new connections do not
//! each cost a request to the provider.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// How a member gets its access tokens.
#[derive(Clone)]
pub struct ClientCredentials {
    /// `sasl.oauthbearer.token.endpoint.url`.
    pub token_endpoint_url: String,
    /// `clientId` (`sasl.oauthbearer.client.id`).
    pub client_id: String,
    /// `clientSecret` (`sasl.oauthbearer.client.secret`).
    pub client_secret: String,
    /// `scope`, sent as the request's `scope` parameter when set.
    pub scope: Option<String>,
    /// SASL extensions sent beside the token (`extension_<name>` options).
    pub extensions: Vec<(String, String)>,
    /// How long one request to the token endpoint may take.
    pub request_timeout: Duration,
    cache: Arc<Mutex<Option<Cached>>>,
}

struct Cached {
    token: String,
    refresh_at: Instant,
}

impl ClientCredentials {
    pub fn new(
        token_endpoint_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> ClientCredentials {
        ClientCredentials {
            token_endpoint_url: token_endpoint_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scope: None,
            extensions: Vec::new(),
            request_timeout: Duration::from_secs(10),
            cache: Arc::new(Mutex::new(None)),
        }
    }

    /// An access token: the kept one while it is fresh, else a new one from the endpoint.
    /// A refusal (4xx) is returned at once with the provider's answer; a provider that is
    /// down or answers 5xx is asked again three times with back-off.
    pub async fn token(&self) -> Result<String, String> {
        if let Some(c) = self.cache.lock().expect("token cache").as_ref() {
            if Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        let mut backoff = Duration::from_millis(100);
        let mut attempt = 0;
        let (token, lifetime) = loop {
            attempt += 1;
            match self.request().await {
                Ok(t) => break t,
                Err(Failure::Refused(why)) => return Err(why),
                Err(Failure::Unavailable(why)) if attempt >= 4 => return Err(why),
                Err(Failure::Unavailable(_)) => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 4).min(Duration::from_secs(10));
                }
            }
        };
        let refresh_at = Instant::now() + lifetime.mul_f64(0.8);
        *self.cache.lock().expect("token cache") = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    /// One POST to the token endpoint: `grant_type=client_credentials` (and `scope`), the
    /// client authenticated with HTTP Basic, as Kafka's `HttpAccessTokenRetriever` sends it.
    async fn request(&self) -> Result<(String, Duration), Failure> {
        let url = &self.token_endpoint_url;
        let mut body = String::from("grant_type=client_credentials");
        if let Some(scope) = self.scope.as_deref().filter(|s| !s.is_empty()) {
            body.push_str("&scope=");
            body.push_str(&form_encode(scope));
        }
        let basic = STANDARD.encode(format!("{}:{}", self.client_id, self.client_secret));
        let client = reqwest::Client::builder()
            .timeout(self.request_timeout)
            .build()
            .map_err(|e| Failure::Refused(format!("token endpoint {url}: {e}")))?;
        let resp = client
            .post(url)
            .header("Authorization", format!("Basic {basic}"))
            .header("Accept", "application/json")
            .header("Cache-Control", "no-cache")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| Failure::Unavailable(format!("token endpoint {url}: {e}")))?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let shown: String = text.chars().take(300).collect();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(Failure::Unavailable(format!(
                "token endpoint {url} answered {status}: {shown}"
            )));
        }
        if !status.is_success() {
            return Err(Failure::Refused(format!(
                "token endpoint {url} refused client {} with {status}: {shown}",
                self.client_id
            )));
        }
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Failure::Refused(format!(
                "token endpoint {url}: the answer is not JSON ({e}): {shown}"
            ))
        })?;
        let token = json
            .get("access_token")
            .and_then(|t| t.as_str())
            .ok_or_else(|| {
                Failure::Refused(format!(
                    "token endpoint {url}: no access_token in the answer"
                ))
            })?
            .to_string();
        let lifetime = json
            .get("expires_in")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .map(Duration::from_secs)
            .or_else(|| jwt_lifetime(&token))
            .unwrap_or(Duration::from_secs(300));
        Ok((token, lifetime))
    }
}

enum Failure {
    /// Not worth asking again (a wrong secret, an unknown client, a malformed answer).
    Refused(String),
    /// The provider is down or busy.
    Unavailable(String),
}

/// What is left of a JWT's lifetime, from its `exp` claim.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?)
            .ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(exp.saturating_sub(now)))
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The same settings, whatever the tokens kept.
impl PartialEq for ClientCredentials {
    fn eq(&self, o: &Self) -> bool {
        self.token_endpoint_url == o.token_endpoint_url
            && self.client_id == o.client_id
            && self.client_secret == o.client_secret
            && self.scope == o.scope
            && self.extensions == o.extensions
            && self.request_timeout == o.request_timeout
    }
}
impl Eq for ClientCredentials {}

/// Never shows the secret.
impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_endpoint_url", &self.token_endpoint_url)
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(form_encode("kafka connect:write"), "kafka+connect%3Awrite");
        assert_eq!(form_encode("a.b-c_d*"), "a.b-c_d*");
    }

    #[test]
    fn a_jwts_lifetime_comes_from_its_exp_claim() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"x","exp":{}}}"#, now + 600));
        let lifetime = jwt_lifetime(&format!("h.{payload}.s")).unwrap();
        assert!(lifetime > Duration::from_secs(590) && lifetime <= Duration::from_secs(600));
        assert_eq!(jwt_lifetime("not-a-jwt"), None);
    }

    /// A token endpoint on a socket: answers each request with the next canned answer and
    /// hands the requests it read back.
    fn http(status: &str, body: &str) -> String {
        format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
    }

    async fn endpoint(answers: Vec<String>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/token", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            let mut seen = Vec::new();
            for answer in answers {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                loop {
                    let n = s.read(&mut buf).await.unwrap();
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                    if n == 0 {
                        break;
                    }
                }
                seen.push(String::from_utf8_lossy(&got).to_string());
                s.write_all(answer.as_bytes()).await.unwrap();
                s.shutdown().await.ok();
            }
            seen
        });
        (url, handle)
    }

    #[tokio::test]
    async fn a_token_is_asked_for_once_and_kept() {
        let ok = http(
            "200 OK",
            r#"{"access_token":"T1","expires_in":3600,"token_type":"bearer"}"#,
        );
        let (url, seen) = endpoint(vec![ok]).await;
        let mut c = ClientCredentials::new(url, "connect", "s3cret");
        c.scope = Some("kafka write".into());
        assert_eq!(c.token().await.unwrap(), "T1");
        // Kept: the endpoint answers only once.
        assert_eq!(c.token().await.unwrap(), "T1");
        let seen = seen.await.unwrap();
        assert_eq!(seen.len(), 1);
        let req = &seen[0];
        assert!(req.starts_with("POST /token HTTP/1.1"), "{req}");
        let basic = STANDARD.encode("connect:s3cret");
        assert!(
            req.contains(&format!("authorization: Basic {basic}")),
            "{req}"
        );
        assert!(
            req.ends_with("grant_type=client_credentials&scope=kafka+write"),
            "{req}"
        );
    }

    #[tokio::test]
    async fn a_refusal_is_not_retried_and_names_the_client() {
        let refused = http("401 Unauthorized", r#"{"error":"invalid_client"}"#);
        let (url, seen) = endpoint(vec![refused]).await;
        let c = ClientCredentials::new(url, "connect", "wrong");
        let e = c.token().await.unwrap_err();
        assert!(e.contains("refused client connect with 401"), "{e}");
        assert!(e.contains("invalid_client"), "{e}");
        assert!(!e.contains("wrong"), "the secret must not show: {e}");
        assert_eq!(seen.await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn an_unavailable_provider_is_asked_again() {
        let busy = http("503 Service Unavailable", "busy");
        let ok = http("200 OK", r#"{"access_token":"T2"}"#);
        let (url, seen) = endpoint(vec![busy, ok]).await;
        let c = ClientCredentials::new(url, "connect", "s");
        assert_eq!(c.token().await.unwrap(), "T2");
        assert_eq!(seen.await.unwrap().len(), 2);
    }
}
