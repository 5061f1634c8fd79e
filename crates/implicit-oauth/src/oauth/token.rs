//! The token endpoint (RFC 6749 §3.2), for the authorization code grant: redeeming a code
//! with its PKCE verifier (§4.1.3, RFC 7636 §4.5) and refreshing (§6). This app is a public
//! client: it identifies itself with `client_id` and never holds a client secret.

use super::callback::{self, CallbackError, ProviderError, Redemption};
use super::config::Redirect;
use super::secret::{AccessToken, RefreshToken};
use super::session::Session;
use crate::weburl::Url;
use serde::Deserialize;

/// What a token response gives: the session, and (if the provider issued one) a refresh token,
/// to be kept in memory only.
#[derive(Debug, PartialEq)]
pub struct Tokens {
    /// The new session.
    pub session: Session,
    /// A refresh token, when the provider issued (or rotated) one.
    pub refresh_token: Option<RefreshToken>,
}

/// The token request that redeems `redemption`'s code: the endpoint and its form body.
pub fn code_request(
    token_url: &Url,
    redirect: &Redirect,
    redemption: &Redemption,
) -> (String, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", redemption.code.secret())
        .append_pair("redirect_uri", &redemption.redirect_uri)
        .append_pair("client_id", &redirect.client_id)
        .append_pair("code_verifier", redemption.code_verifier.secret())
        .finish();
    (token_url.as_str().to_owned(), body)
}

/// The token request that trades `refresh_token` for a new access token (RFC 6749 §6). The
/// scope is not sent: the new token has the same scope as the old.
pub fn refresh_request(
    token_url: &Url,
    redirect: &Redirect,
    refresh_token: &RefreshToken,
) -> (String, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", refresh_token.secret())
        .append_pair("client_id", &redirect.client_id)
        .finish();
    (token_url.as_str().to_owned(), body)
}

/// A successful token response (RFC 6749 §5.1); other members (`id_token`, …) are ignored.
#[derive(Deserialize)]
struct Success {
    access_token: Option<String>,
    token_type: Option<String>,
    /// A number of seconds; some servers send it as a string of digits.
    expires_in: Option<Seconds>,
    scope: Option<String>,
    refresh_token: Option<String>,
}

/// `expires_in` as the server wrote it, as text for [`callback::token_session`] to check: a
/// number, or a string (of digits, if it is valid); anything else is not a lifetime. Read by a
/// visitor of its own rather than as a `serde_json::Value`, whose tree costs the npm package's
/// wasm 3 KB of gzip.
enum Seconds {
    Text(String),
    Invalid,
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct Read;
        impl<'de> Visitor<'de> for Read {
            type Value = Seconds;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of seconds")
            }
            fn visit_u64<E>(self, n: u64) -> Result<Seconds, E> {
                Ok(Seconds::Text(n.to_string()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Seconds, E> {
                Ok(Seconds::Text(n.to_string()))
            }
            // JSON does not tell 3600.0 (or 3.6e3) from 3600; a fraction, or a sign (serde_json
            // reads `-0` as a float), is no number of seconds. (Not printed as a float: that
            // would cost the wasm core's float printing.)
            fn visit_f64<E>(self, n: f64) -> Result<Seconds, E> {
                Ok(
                    if n.fract() == 0.0 && n.is_sign_positive() && n < 9_007_199_254_740_992.0 {
                        Seconds::Text((n as i64).to_string())
                    } else {
                        Seconds::Invalid
                    },
                )
            }
            fn visit_str<E>(self, s: &str) -> Result<Seconds, E> {
                Ok(Seconds::Text(s.to_owned()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Seconds, E> {
                Ok(Seconds::Invalid)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seconds, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Seconds::Invalid)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Seconds, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Seconds::Invalid)
            }
        }
        d.deserialize_any(Read)
    }
}

/// An error response (RFC 6749 §5.2).
#[derive(Deserialize)]
struct Failure {
    error: String,
    error_description: Option<String>,
    error_uri: Option<String>,
}

/// Reads the token endpoint's answer. `asked` is the scope the new session has when the
/// response omits `scope`: the request's for a code, the old session's for a refresh. OAuth
/// errors (`invalid_grant`, …) are [`CallbackError::Provider`], shown as the authorize
/// endpoint's are; anything else unreadable is [`CallbackError::TokenEndpoint`].
pub fn read_response(
    status: u16,
    body: &str,
    provider: &str,
    asked: &[String],
    now_ms: u64,
) -> Result<Tokens, CallbackError> {
    if status != 200 {
        return Err(match serde_json::from_str::<Failure>(body) {
            Ok(f) if (400..500).contains(&status) => {
                CallbackError::Provider(Box::new(ProviderError {
                    error: f.error,
                    description: f.error_description,
                    uri: f
                        .error_uri
                        .and_then(|u| Url::parse(&u).ok())
                        .filter(|u| u.scheme() == "https"),
                }))
            }
            _ => CallbackError::TokenEndpoint(format!("HTTP {status}")),
        });
    }
    let answer: Success = serde_json::from_str(body).map_err(|_| {
        CallbackError::TokenEndpoint("an answer that is not a token response".into())
    })?;
    let expires_in = match answer.expires_in {
        None => None,
        Some(Seconds::Text(s)) => Some(s),
        Some(Seconds::Invalid) => return Err(CallbackError::InvalidExpiresIn),
    };
    let session = callback::token_session(
        provider,
        answer.access_token.map(AccessToken::new),
        answer.token_type,
        expires_in.as_deref(),
        answer.scope.as_deref(),
        asked,
        now_ms,
    )?;
    Ok(Tokens {
        session,
        refresh_token: answer
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(RefreshToken::new),
    })
}

/// The refresh token to keep after a refresh: a rotated one replaces the old (which the
/// provider has invalidated); a provider that does not rotate leaves the old one in use.
pub fn after_refresh(old: RefreshToken, issued: Option<RefreshToken>) -> RefreshToken {
    issued.unwrap_or(old)
}

/// When to refresh a token that expires at `expires_at_ms`, received at `now_ms`: a minute
/// before it expires, or with a quarter of its life left if it lives under four minutes, so
/// a slow answer still arrives before the old token dies.
pub fn refresh_at(now_ms: u64, expires_at_ms: u64) -> u64 {
    let life = expires_at_ms.saturating_sub(now_ms);
    expires_at_ms - (life / 4).min(60_000)
}

/// Whether the token endpoint refused the refresh token for good (revoked, expired, or an
/// old one replayed after rotation): the person must sign in again.
pub fn is_invalid_grant(error: &CallbackError) -> bool {
    matches!(error, CallbackError::Provider(e) if e.error == "invalid_grant")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample;
    use crate::oauth::secret::{AuthorizationCode, CodeVerifier};

    const NOW: u64 = 1_700_000_000_000;

    fn pairs(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    fn token_url() -> Url {
        Url::parse("https://id.example/oauth/token").unwrap()
    }

    #[test]
    fn the_code_is_redeemed_with_its_verifier_and_no_secret() {
        let redirect = sample().redirect.unwrap();
        let redemption = Redemption {
            code: AuthorizationCode::new("c&1"),
            code_verifier: CodeVerifier::new("v".repeat(43)),
            redirect_uri: "https://app.example/callback".into(),
            scopes: vec![],
            return_to: "/".into(),
        };
        let (url, body) = code_request(&token_url(), &redirect, &redemption);
        assert_eq!(url, "https://id.example/oauth/token");
        let p = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(
            pairs(&body),
            [
                p("grant_type", "authorization_code"),
                p("code", "c&1"),
                p("redirect_uri", "https://app.example/callback"),
                p("client_id", "local-demo"),
                p("code_verifier", &"v".repeat(43)),
            ]
        );
        let (_, body) = refresh_request(&token_url(), &redirect, &RefreshToken::new("r+1"));
        assert_eq!(
            pairs(&body),
            [
                p("grant_type", "refresh_token"),
                p("refresh_token", "r+1"),
                p("client_id", "local-demo"),
            ]
        );
        assert!(!body.contains("secret"));
    }

    #[test]
    fn a_token_response_gives_the_session_and_the_refresh_token() {
        let body = r#"{"access_token":"a","token_type":"Bearer","expires_in":3600,
            "scope":"read","refresh_token":"r","id_token":"ignored"}"#;
        let tokens =
            read_response(200, body, "generic", &["read".into(), "write".into()], NOW).unwrap();
        assert_eq!(tokens.session.access_token.secret(), "a");
        assert_eq!(tokens.session.expires_at_ms, Some(NOW + 3_600_000));
        assert_eq!(tokens.session.scope.tokens(), ["read"]);
        assert_eq!(tokens.refresh_token, Some(RefreshToken::new("r")));
        // Without `scope` the grant is as asked; `expires_in` as a string of digits is read too.
        let body = r#"{"access_token":"a","token_type":"bearer","expires_in":"60"}"#;
        let tokens = read_response(200, body, "generic", &["read".into()], NOW).unwrap();
        assert_eq!(tokens.session.scope.tokens(), ["read"]);
        assert_eq!(tokens.session.expires_at_ms, Some(NOW + 60_000));
        assert_eq!(tokens.refresh_token, None);
    }

    #[test]
    fn token_endpoint_errors_are_shown_like_authorization_errors() {
        let body = r#"{"error":"invalid_grant","error_description":"Code was already used.",
            "error_uri":"javascript:alert(1)"}"#;
        let err = read_response(400, body, "generic", &[], NOW).unwrap_err();
        let CallbackError::Provider(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(e.error, "invalid_grant");
        assert_eq!(e.description.as_deref(), Some("Code was already used."));
        assert_eq!(e.uri, None, "only https error pages become links");
        assert!(is_invalid_grant(&err));
        let err = read_response(401, r#"{"error":"invalid_client"}"#, "g", &[], NOW).unwrap_err();
        assert_eq!(err.code(), "invalid_client");
        assert!(!is_invalid_grant(&err));
        // Not an OAuth answer: a proxy's page, a server error, a success without a token.
        for (status, body) in [
            (502, "<html>Bad gateway</html>"),
            (500, r#"{"error":"x"}"#),
            (400, "nope"),
        ] {
            let err = read_response(status, body, "g", &[], NOW).unwrap_err();
            assert_eq!(err, CallbackError::TokenEndpoint(format!("HTTP {status}")));
        }
        assert_eq!(
            read_response(200, "<html>", "g", &[], NOW)
                .unwrap_err()
                .code(),
            "token_endpoint_failed"
        );
        assert_eq!(
            read_response(200, r#"{"token_type":"bearer"}"#, "g", &[], NOW),
            Err(CallbackError::MissingParameter("access_token"))
        );
        assert_eq!(
            read_response(
                200,
                r#"{"access_token":"a","token_type":"mac"}"#,
                "g",
                &[],
                NOW
            ),
            Err(CallbackError::UnsupportedTokenType)
        );
        assert_eq!(
            read_response(
                200,
                r#"{"access_token":"a","token_type":"bearer","expires_in":-1}"#,
                "g",
                &[],
                NOW
            ),
            Err(CallbackError::InvalidExpiresIn)
        );
        for bad in [
            "3600.5",
            "-0",
            "-0.0",
            "18446744073709551615",
            "true",
            "[60]",
            r#"{"s":60}"#,
            r#""soon""#,
        ] {
            assert_eq!(
                read_response(
                    200,
                    &format!(r#"{{"access_token":"a","token_type":"bearer","expires_in":{bad}}}"#),
                    "g",
                    &[],
                    NOW
                ),
                Err(CallbackError::InvalidExpiresIn),
                "{bad}"
            );
        }
        let whole = read_response(
            200,
            r#"{"access_token":"a","token_type":"bearer","expires_in":60.0}"#,
            "g",
            &[],
            NOW,
        );
        assert_eq!(whole.unwrap().session.expires_at_ms, Some(NOW + 60_000));
        for (written, secs) in [("6e1", Some(60)), ("null", None)] {
            let read = read_response(
                200,
                &format!(r#"{{"access_token":"a","token_type":"bearer","expires_in":{written}}}"#),
                "g",
                &[],
                NOW,
            );
            assert_eq!(
                read.unwrap().session.expires_at_ms,
                secs.map(|s: u64| NOW + s * 1000),
                "{written}"
            );
        }
        let shown = format!(
            "{err:?}",
            err = read_response(
                200,
                r#"{"access_token":"SECRET","token_type":"mac"}"#,
                "g",
                &[],
                NOW
            )
        );
        assert!(!shown.contains("SECRET"));
    }

    #[test]
    fn a_rotated_refresh_token_replaces_the_old_one() {
        let old = RefreshToken::new("old");
        assert_eq!(
            after_refresh(old.clone(), Some(RefreshToken::new("new"))),
            RefreshToken::new("new")
        );
        assert_eq!(after_refresh(old.clone(), None), old);
    }

    #[test]
    fn a_token_is_refreshed_a_minute_early_or_with_a_quarter_of_its_life_left() {
        assert_eq!(refresh_at(NOW, NOW + 3_600_000), NOW + 3_540_000);
        assert_eq!(refresh_at(NOW, NOW + 8_000), NOW + 6_000);
        assert_eq!(refresh_at(NOW, NOW), NOW);
        // A clock that moved past the expiry refreshes at once.
        assert_eq!(refresh_at(NOW + 5, NOW), NOW);
    }
}
