//! The pending authorization request: what this tab asked for, kept until the callback.
//!
//! It is the only thing that makes a callback trustworthy. A callback is accepted only if a
//! pending request exists, is younger than [`MAX_AGE_MS`], was made for the same provider, and
//! its `state` matches exactly; the caller deletes it on first use, success or not, so a
//! callback URL cannot be replayed.

use super::config::{Config, Redirect};
use super::secret::{CodeVerifier, State, STATE_BYTES, VERIFIER_BYTES};
use super::stored;
use crate::weburl::Url;

/// A pending request older than this is refused: a sign-in takes seconds, and a short life
/// bounds the window in which a leaked `state` is worth anything.
pub const MAX_AGE_MS: u64 = 10 * 60 * 1000;

#[derive(Clone, Debug, PartialEq)]
/// A sign-in that was started and not yet answered, kept in `sessionStorage` until its
/// response arrives (at most ten minutes).
pub struct PendingRequest {
    /// The random `state` sent with it.
    pub state: State,
    /// The configuration's provider id.
    pub provider: String,
    /// The redirect URI it was sent with; the response must arrive on its path.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The in-app route to show after sign-in. Chosen by the app before leaving, never by the
    /// callback URL, so the callback cannot redirect anywhere (no open redirect).
    pub return_to: String,
    /// When it was made (ms since the epoch).
    pub created_at_ms: u64,
    /// With the authorization code grant, the PKCE verifier whose challenge went out with the
    /// request; it is sent only with this request's code, and goes with this record.
    pub code_verifier: Option<CodeVerifier>,
}

impl PendingRequest {
    /// A fresh request. `random` (for `state`) and `verifier_random` (for the PKCE verifier,
    /// used only with the code grant) must come from the platform CSPRNG; `now_ms` is
    /// wall-clock milliseconds since the Unix epoch.
    pub fn new(
        config: &Config,
        redirect: &Redirect,
        random: [u8; STATE_BYTES],
        verifier_random: [u8; VERIFIER_BYTES],
        return_to: &str,
        now_ms: u64,
    ) -> Self {
        PendingRequest {
            state: State::from_random(random),
            provider: config.provider.clone(),
            redirect_uri: redirect.redirect_uri.to_string(),
            scopes: config.scopes.clone(),
            return_to: in_app_route(return_to),
            created_at_ms: now_ms,
            code_verifier: redirect
                .uses_code()
                .then(|| CodeVerifier::from_random(verifier_random)),
        }
    }

    /// The URL to send the browser to: the configured authorize URL, its own query kept, plus
    /// `client_id`, `response_type` (`token`, or `code` with the code grant), `redirect_uri`,
    /// `state`, (if any) `scope`, and with the code grant the PKCE `code_challenge` (S256).
    pub fn authorize_url(&self, redirect: &Redirect) -> Url {
        let mut url = redirect.authorize_url.clone();
        let response_type = match self.code_verifier {
            Some(_) => "code",
            None => "token",
        };
        url.append_pair("client_id", &redirect.client_id)
            .append_pair("response_type", response_type)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", self.state.secret());
        if !self.scopes.is_empty() {
            url.append_pair("scope", &self.scopes.join(" "));
        }
        if let Some(verifier) = &self.code_verifier {
            url.append_pair("code_challenge", &verifier.challenge())
                .append_pair("code_challenge_method", "S256");
        }
        url
    }

    /// Whether the request has outlived [`MAX_AGE_MS`]. A clock that went backwards by more
    /// than a minute also counts as too old: the record cannot be trusted to be fresh.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.created_at_ms) > MAX_AGE_MS
            || self.created_at_ms > now_ms + 60_000
    }

    /// The stored form (form-encoded pairs; scopes space-separated, as they are sent).
    pub fn to_stored(&self) -> String {
        let created = self.created_at_ms.to_string();
        let scope = self.scopes.join(" ");
        let verifier = self.code_verifier.as_ref().map_or("", |v| v.secret());
        stored::write([
            ("state", self.state.secret()),
            ("provider", self.provider.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("scope", scope.as_str()),
            ("return_to", self.return_to.as_str()),
            ("created_at_ms", created.as_str()),
            ("code_verifier", verifier),
        ])
    }

    /// `None` for anything that is not a record we wrote: storage is not trusted to be intact.
    pub fn from_stored(text: &str) -> Option<Self> {
        let [state, provider, redirect_uri, scope, return_to, created, verifier] = stored::read(
            text,
            [
                "state",
                "provider",
                "redirect_uri",
                "scope",
                "return_to",
                "created_at_ms",
                "code_verifier",
            ],
        )?;
        Some(PendingRequest {
            state: State::new(state.filter(|s| !s.is_empty())?),
            provider: provider?,
            redirect_uri: redirect_uri?,
            scopes: scope?
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            return_to: in_app_route(&return_to?),
            created_at_ms: stored::number(&created?)?,
            code_verifier: Some(verifier?)
                .filter(|v| !v.is_empty())
                .map(CodeVerifier::new),
        })
    }
}

/// Keeps a return route inside the app: an absolute path, not a scheme-relative `//host` or a
/// `/\host` that some browsers read as one. Anything else returns to `/`.
pub fn in_app_route(route: &str) -> String {
    let safe = route.starts_with('/')
        && !route.starts_with("//")
        && !route.starts_with("/\\")
        && !route.chars().any(|c| c.is_control());
    if safe {
        route.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample;

    fn pending(now: u64) -> PendingRequest {
        let config = sample();
        let redirect = config.redirect.clone().unwrap();
        PendingRequest::new(
            &config,
            &redirect,
            [7; STATE_BYTES],
            [8; VERIFIER_BYTES],
            "/dashboard?x=1",
            now,
        )
    }

    #[test]
    fn authorize_url_carries_every_parameter_form_encoded() {
        let mut config = sample();
        config.scopes = vec!["harvest:all".into(), "read write".replace(' ', "_")];
        let redirect = config.redirect.clone().unwrap();
        let p = PendingRequest::new(&config, &redirect, [7; STATE_BYTES], [8; 32], "/", 0);
        let url = p.authorize_url(&redirect);
        let pairs: Vec<(String, String)> = url.query_pairs();
        assert_eq!(
            pairs,
            vec![
                ("client_id".into(), "local-demo".into()),
                ("response_type".into(), "token".into()),
                ("redirect_uri".into(), "https://app.example/callback".into()),
                ("state".into(), p.state.secret().into()),
                ("scope".into(), "harvest:all read_write".into()),
            ]
        );
        assert!(url
            .as_str()
            .contains("redirect_uri=https%3A%2F%2Fapp.example%2Fcallback"));
    }

    #[test]
    fn with_the_code_grant_the_request_asks_for_a_code_with_an_s256_challenge() {
        let mut config = sample();
        let mut redirect = config.redirect.clone().unwrap();
        redirect.token_url = Some(Url::parse("https://id.example/token").unwrap());
        config.redirect = Some(redirect.clone());
        let p = PendingRequest::new(&config, &redirect, [7; STATE_BYTES], [8; 32], "/", 0);
        let verifier = p.code_verifier.clone().expect("a verifier");
        assert_eq!(verifier, CodeVerifier::from_random([8; 32]));
        let pairs = p.authorize_url(&redirect).query_pairs();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("code_challenge"), Some(verifier.challenge().as_str()));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        // The verifier itself never goes to the authorize endpoint.
        assert!(!p
            .authorize_url(&redirect)
            .as_str()
            .contains(verifier.secret()));
        // It is kept with the request, and only there.
        let back = PendingRequest::from_stored(&p.to_stored()).unwrap();
        assert_eq!(back.code_verifier, Some(verifier));
        assert_eq!(pending(0).code_verifier, None);
        assert!(pending(0).to_stored().ends_with("&code_verifier="));
    }

    #[test]
    fn authorize_url_keeps_the_configured_query_and_omits_empty_scope() {
        let mut redirect = sample().redirect.unwrap();
        redirect.authorize_url = Url::parse("https://a.example/auth?prompt=login").unwrap();
        let url = pending(0).authorize_url(&redirect);
        assert!(url
            .as_str()
            .starts_with("https://a.example/auth?prompt=login&client_id="));
        assert!(!url.query_pairs().iter().any(|(k, _)| k == "scope"));
    }

    #[test]
    fn pending_request_older_than_ten_minutes_is_expired() {
        let p = pending(1_000_000);
        assert!(!p.is_expired(1_000_000 + MAX_AGE_MS));
        assert!(p.is_expired(1_000_000 + MAX_AGE_MS + 1));
    }

    #[test]
    fn pending_request_from_the_future_is_expired() {
        assert!(pending(10_000_000).is_expired(10_000_000 - 120_000));
    }

    #[test]
    fn return_route_cannot_leave_the_app() {
        for evil in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:x",
            "",
        ] {
            assert_eq!(in_app_route(evil), "/", "{evil}");
        }
        assert_eq!(in_app_route("/dashboard?x=1"), "/dashboard?x=1");
    }

    #[test]
    fn pending_request_round_trips_through_storage_text() {
        let p = pending(5);
        assert_eq!(PendingRequest::from_stored(&p.to_stored()), Some(p.clone()));
        assert_eq!(PendingRequest::from_stored("{\"state\":1}"), None);
        // A record with a field missing, repeated or malformed is no record.
        let text = p.to_stored();
        assert_eq!(
            PendingRequest::from_stored(&text.replace("state=", "x=")),
            None
        );
        assert_eq!(
            PendingRequest::from_stored(&format!("{text}&state=other")),
            None
        );
        assert_eq!(
            PendingRequest::from_stored(&text.replace("created_at_ms=", "created_at_ms=-")),
            None
        );
    }
}
