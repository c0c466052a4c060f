//! An identity provider's token endpoint for the OAUTHBEARER tests: the client-credentials
//! grant of RFC 6749 over real HTTP, with access tokens signed by the key whose JWKS the
//! development broker's `OAUTH` listener checks (`scripts/kafka.sh secure-info`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// An identity provider's token endpoint (RFC 6749's client-credentials grant): checks the
/// client's HTTP Basic credentials and hands out RS256-signed JWTs with the key of the
/// broker's OAUTH listener (`scripts/kafka.sh secure-info`). Counts the tokens it issued.
pub struct TokenEndpoint {
    pub url: String,
    pub issued: Arc<AtomicU64>,
    pub refused: Arc<AtomicU64>,
    _runtime: tokio::runtime::Runtime,
}

pub const CLIENT_ID: &str = "connect-worker";
pub const CLIENT_SECRET: &str = "client-secret-7f3a";

impl TokenEndpoint {
    pub fn start(s: &BTreeMap<String, String>) -> TokenEndpoint {
        use axum::http::{HeaderMap, StatusCode};
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        use base64::Engine;

        let pem = std::fs::read(&s["oauth.signing.key"]).expect("the OAUTH listener's signing key");
        let key = openssl::pkey::PKey::private_key_from_pem(&pem).unwrap();
        let kid = s["oauth.key.id"].clone();
        let issued = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}/oauth2/token", listener.local_addr().unwrap());
        let (i, r) = (issued.clone(), refused.clone());
        let handler = move |headers: HeaderMap, body: String| {
            let (i, r, key, kid) = (i.clone(), r.clone(), key.clone(), kid.clone());
            async move {
                let json = [(axum::http::header::CONTENT_TYPE, "application/json")];
                let expected = format!(
                    "Basic {}",
                    STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
                );
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                if auth != Some(expected.as_str()) {
                    r.fetch_add(1, Ordering::SeqCst);
                    return (StatusCode::UNAUTHORIZED, json, r#"{"error":"invalid_client","error_description":"client authentication failed"}"#.to_string());
                }
                if !body
                    .split('&')
                    .any(|kv| kv == "grant_type=client_credentials")
                {
                    return (
                        StatusCode::BAD_REQUEST,
                        json,
                        r#"{"error":"unsupported_grant_type"}"#.to_string(),
                    );
                }
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": kid});
                let claims = serde_json::json!({
                    "sub": CLIENT_ID, "iat": now, "exp": now + 600,
                    "iss": "polyconnect-dev-idp", "aud": "polyconnect-dev-cluster", "scope": "kafka",
                });
                let signing_input = format!(
                    "{}.{}",
                    URL_SAFE_NO_PAD.encode(header.to_string()),
                    URL_SAFE_NO_PAD.encode(claims.to_string())
                );
                let mut signer =
                    openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key)
                        .unwrap();
                signer.update(signing_input.as_bytes()).unwrap();
                let jwt = format!(
                    "{signing_input}.{}",
                    URL_SAFE_NO_PAD.encode(signer.sign_to_vec().unwrap())
                );
                i.fetch_add(1, Ordering::SeqCst);
                let answer = serde_json::json!({"access_token": jwt, "token_type": "Bearer", "expires_in": 600});
                (StatusCode::OK, json, answer.to_string())
            }
        };
        let app = axum::Router::new().route("/oauth2/token", axum::routing::post(handler));
        runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
        TokenEndpoint {
            url,
            issued,
            refused,
            _runtime: runtime,
        }
    }
}

/// A client's settings for OAUTHBEARER with this provider's tokens, as a Kafka Connect user
/// writes them: the JAAS line's `clientId`, `clientSecret` and `scope`, the token endpoint,
/// Kafka's login callback handler; `SASL_PLAINTEXT` for the `OAUTH` listener.
pub fn client_credentials(token_endpoint: &str, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SASL_PLAINTEXT".into()),
        ("sasl.mechanism", "OAUTHBEARER".into()),
        (
            "sasl.login.callback.handler.class",
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler".into(),
        ),
        ("sasl.oauthbearer.token.endpoint.url", token_endpoint.into()),
        (
            "sasl.jaas.config",
            format!(
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"{CLIENT_ID}\" clientSecret=\"{secret}\" scope=\"kafka\";"
            ),
        ),
    ]
}
