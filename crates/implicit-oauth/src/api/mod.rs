//! Typed provider API calls, without I/O: which URL and headers a request uses, and what a
//! response means. The browser layer only moves the bytes.

pub mod pagination;
pub mod rate_limit;

use crate::oauth::{Config, Session, TokenTransport};
use crate::weburl::Url;
use serde::de::{self, Visitor};
use serde::Deserialize;
use std::fmt;
use thiserror::Error;

/// A ready-to-send GET. Its `Debug` shows only the path: the URL may carry the token.
pub struct ApiRequest {
    /// The URL, with the token in its query under the query transport.
    pub url: Url,
    /// Headers to send: `Authorization` and the account header under the header transport.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiRequest({})", self.url.path())
    }
}

/// Why an API call failed, in terms the person can act on.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ApiError {
    #[error("The provider no longer accepts this sign-in. Please sign in again.")]
    /// 401: the token is dead (expired or revoked); the session ends.
    Unauthorized,
    #[error("You do not have permission for this: {0}")]
    /// 403: signed in, but not allowed; the provider's message.
    Forbidden(String),
    #[error("The provider answered with an error (HTTP {status}): {message}")]
    /// Another error status, with the provider's message (a sentence, never markup).
    Http {
        /// The HTTP status.
        status: u16,
        /// The provider's message, shortened.
        message: String,
    },
    #[error("The provider could not be reached. Check your connection and try again.")]
    /// The request never got an answer (offline, DNS, CORS refused).
    Network,
    #[error("The provider took longer than {0} s to answer. Try again.")]
    /// No answer within the configured seconds.
    Timeout(u32),
    #[error("The provider's answer could not be read.")]
    /// An answer that is not the JSON expected.
    Malformed,
    #[error("Refused to send the token to {0}: it is not the configured API origin.")]
    /// A URL off the API origins; nothing was sent.
    ForeignOrigin(String),
    #[error("The provider is limiting requests and did not recover after several waits. Try again in a minute.")]
    /// 429 after every bounded wait.
    RateLimited,
    #[error("The provider asks for a pause of {} minutes before the next request. Try again then.", .0.div_ceil(60))]
    /// 429 with a `Retry-After` too long to wait out (seconds).
    RateLimitedFor(u64),
    #[error("The provider answered with a redirect to elsewhere, which is not followed: the token goes to the configured API origin only.")]
    /// A 3xx, which is never followed with the token.
    Redirected,
    #[error(
        "No account was chosen, so the provider cannot answer. Choose an account and try again."
    )]
    /// The provider needs an account id and none was chosen.
    NoAccount,
}

/// Builds a GET to `path` under the API base with the configured transport: the token and
/// account in the query, or in headers, never both.
pub fn request(
    config: &Config,
    session: &Session,
    path: &str,
    account_id: Option<u64>,
) -> Result<ApiRequest, ApiError> {
    let base = config.api_base.as_str().trim_end_matches('/');
    let url = Url::parse(&format!("{base}/{}", path.trim_start_matches('/')))
        .map_err(|_| ApiError::Malformed)?;
    authorize(config, session, url, account_id)
}

/// Attaches credentials to a URL that must be on a configured API origin.
pub fn authorize(
    config: &Config,
    session: &Session,
    mut url: Url,
    account_id: Option<u64>,
) -> Result<ApiRequest, ApiError> {
    if !config.is_api_origin(&url) {
        return Err(ApiError::ForeignOrigin(url.origin().to_owned()));
    }
    let token = session.access_token.secret();
    let mut headers = Vec::new();
    match &config.transport {
        TokenTransport::Query {
            token_param,
            account_param,
        } => {
            url.append_pair(token_param, token);
            if let (Some(id), Some(param)) = (account_id, account_param) {
                url.append_pair(param, &id.to_string());
            }
        }
        TokenTransport::Header {
            scheme,
            account_header,
        } => {
            headers.push(("Authorization".to_owned(), format!("{scheme} {token}")));
            if let (Some(id), Some(header)) = (account_id, account_header) {
                headers.push((header.clone(), id.to_string()));
            }
        }
    }
    Ok(ApiRequest { url, headers })
}

/// The fields of an error body read for a message, whichever a provider uses. Read into these
/// three lenient fields rather than a whole `serde_json::Value` tree, whose parser and map
/// would weigh on the wasm.
#[derive(Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error_description: Text,
    #[serde(default)]
    message: Text,
    #[serde(default)]
    error: Text,
}

/// A JSON value read leniently for its text: a string is kept, an object's `message` is looked
/// into, anything else is skipped.
#[derive(Default)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(Some(v.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(None))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "message" {
                found = map.next_value::<Text>()?.0;
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(Text(found))
    }
}

/// Longest server-provided message shown to the person.
const MAX_MESSAGE_CHARS: usize = 200;

/// Reads an error response leniently: an OAuth JSON error, a JSON `message`, or plain text
/// (HTML bodies are summarised, never rendered).
pub fn error_from(status: u16, body: &str) -> ApiError {
    let json: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    // AppHarbor nests it: `{"error": {"message": "…"}}`; `Text` reads either shape of `error`.
    let message = json
        .error_description
        .0
        .or(json.message.0)
        .or(json.error.0)
        .unwrap_or_else(|| {
            let text = body.trim();
            if text.is_empty() || text.starts_with('<') {
                "no details were given".to_owned()
            } else {
                text.to_owned()
            }
        });
    // Whatever the server sends, the person sees a sentence, not a page.
    let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    match status {
        401 => ApiError::Unauthorized,
        403 => ApiError::Forbidden(message),
        _ => ApiError::Http { status, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample;
    use crate::oauth::{AccessToken, Scope};

    fn session() -> Session {
        Session {
            provider: "harvest".into(),
            access_token: AccessToken::new("T0K"),
            expires_at_ms: None,
            scope: Scope::parse("harvest:1"),
        }
    }

    #[test]
    fn query_transport_puts_token_and_account_in_the_query_and_no_header() {
        let r = request(&sample(), &session(), "/users/me", Some(5_000_000_001)).unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://api.harvestapp.com/v2/users/me?access_token=T0K&account_id=5000000001"
        );
        assert!(r.headers.is_empty());
    }

    #[test]
    fn header_transport_puts_no_token_in_the_url() {
        let mut config = sample();
        config.transport = TokenTransport::Header {
            scheme: "Bearer".into(),
            account_header: Some("Harvest-Account-Id".into()),
        };
        let r = request(&config, &session(), "users/me", Some(7)).unwrap();
        assert_eq!(r.url.as_str(), "https://api.harvestapp.com/v2/users/me");
        assert_eq!(
            r.headers,
            vec![
                ("Authorization".to_owned(), "Bearer T0K".to_owned()),
                ("Harvest-Account-Id".to_owned(), "7".to_owned())
            ]
        );
    }

    fn preset(json: serde_json::Value) -> Config {
        Config::from_json(&json.to_string()).unwrap()
    }

    #[test]
    fn each_preset_sends_the_token_its_own_way() {
        let redirect = "https://app.example/cb";
        let forecast = preset(
            serde_json::json!({"preset": "forecast", "client_id": "c", "redirect_uri": redirect}),
        );
        let r = request(&forecast, &session(), "whoami", Some(9)).unwrap();
        assert_eq!(r.url.as_str(), "https://api.forecastapp.com/whoami");
        assert_eq!(
            r.headers,
            vec![
                ("Authorization".to_owned(), "Bearer T0K".to_owned()),
                ("Forecast-Account-ID".to_owned(), "9".to_owned())
            ]
        );
        let aha = preset(
            serde_json::json!({"preset": "aha", "subdomain": "acme", "client_id": "c", "redirect_uri": redirect}),
        );
        let r = request(&aha, &session(), "me", None).unwrap();
        assert_eq!(r.url.as_str(), "https://acme.aha.io/api/v1/me");
        assert_eq!(
            r.headers,
            vec![("Authorization".to_owned(), "Bearer T0K".to_owned())]
        );
        let appharbor = preset(serde_json::json!({"preset": "appharbor"}));
        let r = request(&appharbor, &session(), "user", None).unwrap();
        assert_eq!(r.url.as_str(), "https://appharbor.com/user");
        assert_eq!(
            r.headers,
            vec![("Authorization".to_owned(), "BEARER T0K".to_owned())]
        );
        let query = preset(serde_json::json!({"preset": "appharbor", "token_transport": "query"}));
        let r = request(&query, &session(), "user", Some(3)).unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://appharbor.com/user?access_token=T0K"
        );
        assert!(r.headers.is_empty());
    }

    #[test]
    fn token_is_never_attached_to_a_foreign_origin() {
        let url = Url::parse("https://evil.example/v2/users/me").unwrap();
        assert_eq!(
            authorize(&sample(), &session(), url, None).unwrap_err(),
            ApiError::ForeignOrigin("https://evil.example".into())
        );
    }

    #[test]
    fn request_debug_hides_the_token() {
        let r = request(&sample(), &session(), "users/me", None).unwrap();
        assert_eq!(format!("{r:?}"), "ApiRequest(/v2/users/me)");
    }

    #[test]
    fn a_huge_server_message_is_cut_to_a_sentence() {
        let body = serde_json::json!({ "message": "x".repeat(10_000) }).to_string();
        match error_from(500, &body) {
            ApiError::Http { message, .. } => assert_eq!(message.len(), MAX_MESSAGE_CHARS),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_bodies_are_read_leniently() {
        assert_eq!(
            error_from(401, "{\"error\":\"invalid_token\"}"),
            ApiError::Unauthorized
        );
        assert_eq!(
            error_from(403, "{\"message\":\"No access\"}"),
            ApiError::Forbidden("No access".into())
        );
        assert_eq!(
            error_from(403, "{\"error\":{\"message\":\"Forbidden\"}}"),
            ApiError::Forbidden("Forbidden".into())
        );
        assert_eq!(
            error_from(500, "<html><b>boom</b></html>"),
            ApiError::Http {
                status: 500,
                message: "no details were given".into()
            }
        );
        // The description wins; a field of another type is skipped, not a reason to give up.
        assert_eq!(
            error_from(
                403,
                r#"{"error":"access_denied","error_description":"Not yours","x":[1,{"a":null}]}"#
            ),
            ApiError::Forbidden("Not yours".into())
        );
        assert_eq!(
            error_from(403, r#"{"message":5,"error":"insufficient_scope"}"#),
            ApiError::Forbidden("insufficient_scope".into())
        );
        assert_eq!(
            error_from(502, "Bad gateway"),
            ApiError::Http {
                status: 502,
                message: "Bad gateway".into()
            }
        );
    }
}
