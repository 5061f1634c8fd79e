//! The authorization response (RFC 6749 §4.2.2 and §4.2.2.1): reading it from the callback URL
//! and deciding whether to believe it.
//!
//! Providers disagree on where the parameters go: the RFC says the fragment, Harvest in
//! practice uses the query, App.net puts `state` in the query and the token in the fragment.
//! So [`parse`] reads both parts, and rejects any response parameter that appears twice
//! (RFC 6749 §3.1), whether in one part or across the two: a duplicate is either a broken
//! provider or an injection attempt, and guessing which copy is real is how injections win.
//!
//! [`complete`] then checks the response against the pending request in a fixed order: state
//! first (also for error responses: an unsolicited error is as forgeable as a token), then the
//! provider's error (which wins over any token), then the token itself.

use super::pending::PendingRequest;
use super::scope::Scope;
use super::secret::{AccessToken, AuthorizationCode, CodeVerifier, State};
use super::session::Session;
use crate::weburl::Url;
use thiserror::Error;

/// Parameters of the authorization response. Anything else in the URL is ignored.
const RESPONSE_PARAMS: [&str; 10] = [
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "state",
    "error",
    "error_description",
    "error_uri",
    "refresh_token",
    "code",
];

/// An authorization response read from the URL, not yet checked against anything.
#[derive(Debug, PartialEq)]
pub struct Response {
    state: Option<State>,
    outcome: Outcome,
    /// The path of the page the provider delivered the response to (see [`Response::at`]).
    arrived_at: String,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Token {
        access_token: Option<AccessToken>,
        token_type: Option<String>,
        expires_in: Option<String>,
        scope: Option<String>,
        code: Option<String>,
    },
    Error(ProviderError),
}

/// The provider's own error (RFC 6749 §4.2.2.1), to be shown to the person as plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderError {
    /// The error code, e.g. `access_denied`.
    pub error: String,
    /// `error_description`, if given (shown as text, never as markup).
    pub description: Option<String>,
    /// Only kept when it is an `https:` URL: anything else (`javascript:`, `http:`) is dropped
    /// so it can never become a link.
    pub uri: Option<Url>,
}

/// Why a callback was not accepted. `Display` is a sentence for the person; [`Self::code`] is a
/// stable identifier for programs. None of them carries the token or the `state`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CallbackError {
    #[error("The sign-in response repeats the parameter `{0}`, so it cannot be trusted.")]
    /// A response parameter appeared twice: ambiguous, so refused.
    DuplicateParameter(&'static str),
    #[error(
        "The sign-in response has no `state`, so it cannot be matched to a sign-in started here."
    )]
    /// No `state`: the response cannot be tied to a request.
    MissingState,
    #[error("This sign-in response does not belong to a sign-in started in this tab, or it was already used.")]
    /// No sign-in was started here (or it was already finished).
    NoPendingRequest,
    #[error("The sign-in response does not match the sign-in started in this tab.")]
    /// `state` is not the one this page sent: a forged or stale response.
    StateMismatch,
    #[error("The sign-in took longer than 10 minutes and has expired.")]
    /// The sign-in started more than ten minutes ago.
    PendingExpired,
    #[error("The sign-in response came back for a different provider than the one asked.")]
    /// The pending request belongs to another provider.
    WrongProvider,
    #[error("The sign-in response arrived at another provider's callback address, so it cannot complete this sign-in.")]
    /// The response did not arrive on the request's redirect URI path.
    WrongCallbackPath,
    #[error("The provider did not complete the sign-in ({}).", .0.error)]
    /// The provider reported an error (`access_denied`, …).
    Provider(Box<ProviderError>),
    #[error("The sign-in response lacks `{0}`.")]
    /// A required parameter (`access_token`, `token_type`) is missing.
    MissingParameter(&'static str),
    #[error("The provider issued a token of a type this app cannot use (only bearer tokens are supported).")]
    /// `token_type` is not `bearer`.
    UnsupportedTokenType,
    #[error("The sign-in response has an unreadable `expires_in`.")]
    /// `expires_in` is not a plain number of seconds.
    InvalidExpiresIn,
    #[error("The sign-in response carries an access token where only a code was asked for, so it cannot be trusted.")]
    /// A code-grant callback carried an `access_token`: injected, or a provider that ignored
    /// `response_type=code`.
    UnexpectedToken,
    #[error("The provider's token endpoint did not give a token ({0}).")]
    /// The token endpoint could not be reached, or answered with something that is not a
    /// token response (its OAuth errors are [`CallbackError::Provider`]).
    TokenEndpoint(String),
    #[error("The sign-in window was closed before the sign-in finished.")]
    /// The person closed the sign-in window.
    PopupClosed,
    #[error("The browser blocked the sign-in window. Allow pop-ups for this site, or sign in on this page.")]
    /// The browser blocked the sign-in window.
    PopupBlocked,
}

impl CallbackError {
    /// A stable machine-readable code (the provider's own code for provider errors).
    pub fn code(&self) -> &str {
        match self {
            Self::DuplicateParameter(_) => "duplicate_parameter",
            Self::MissingState => "missing_state",
            Self::NoPendingRequest => "no_pending_request",
            Self::StateMismatch => "state_mismatch",
            Self::PendingExpired => "pending_request_expired",
            Self::WrongProvider => "wrong_provider",
            Self::WrongCallbackPath => "wrong_callback_path",
            Self::Provider(e) => &e.error,
            Self::MissingParameter(_) => "missing_parameter",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::InvalidExpiresIn => "invalid_expires_in",
            Self::UnexpectedToken => "unexpected_token",
            Self::TokenEndpoint(_) => "token_endpoint_failed",
            Self::PopupClosed => "popup_closed",
            Self::PopupBlocked => "popup_blocked",
        }
    }
}

/// Reads the response from the URL's query and fragment (each without its leading `?`/`#`),
/// decoding `application/x-www-form-urlencoded` (RFC 6749 Appendix B).
///
/// `Ok(None)` means "this is not a callback": none of `access_token`, `error` or `state` is
/// present.
pub fn parse(query: &str, fragment: &str) -> Result<Option<Response>, CallbackError> {
    let mut found: [Option<String>; RESPONSE_PARAMS.len()] = Default::default();
    let mut duplicate = None;
    let pairs =
        form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(fragment.as_bytes()));
    for (key, value) in pairs {
        if let Some(i) = RESPONSE_PARAMS.iter().position(|p| *p == key) {
            if found[i].replace(value.into_owned()).is_some() {
                duplicate.get_or_insert(RESPONSE_PARAMS[i]);
            }
        }
    }
    let [access_token, token_type, expires_in, scope, state, error, description, uri, _refresh, code] =
        found;
    // An ordinary URL (a repeated `scope` in a page's own query, say) is not a callback, and
    // not an error either.
    if access_token.is_none() && error.is_none() && state.is_none() && code.is_none() {
        return Ok(None);
    }
    if let Some(name) = duplicate {
        return Err(CallbackError::DuplicateParameter(name));
    }
    let outcome = match error {
        // `error` wins: a response carrying both is an error response.
        Some(error) => Outcome::Error(ProviderError {
            error,
            description,
            uri: uri
                .and_then(|u| Url::parse(&u).ok())
                .filter(|u| u.scheme() == "https"),
        }),
        // A refresh token is part of neither grant's callback (RFC 6749 §4.2.2); it is
        // dropped unread.
        None => Outcome::Token {
            access_token: access_token.map(AccessToken::new),
            token_type,
            expires_in,
            scope,
            code,
        },
    };
    Ok(Some(Response {
        state: state.map(State::new),
        outcome,
        arrived_at: String::new(),
    }))
}

impl Response {
    /// Whether this response carries the `state` of `pending`. Lets one of several sign-ins on a
    /// page recognise its own response before consuming anything.
    /// Records where the response was delivered: the callback page's path.
    pub fn at(mut self, path: &str) -> Self {
        path.clone_into(&mut self.arrived_at);
        self
    }

    /// Whether this response carries `pending`'s `state` (compared in constant time).
    pub fn answers(&self, pending: &PendingRequest) -> bool {
        self.state
            .as_ref()
            .is_some_and(|s| pending.state.matches(s))
    }
}

/// What a callback that passed every check leads to.
#[derive(Debug, PartialEq)]
pub enum Answer {
    /// The implicit grant: the session itself.
    Session(Completed),
    /// The authorization code grant: a code to redeem, once, at the token endpoint.
    Code(Redemption),
}

/// A code-grant callback that passed every check: what the token request needs (RFC 6749
/// §4.1.3, RFC 7636 §4.5).
#[derive(Debug, PartialEq)]
pub struct Redemption {
    /// The authorization code.
    pub code: AuthorizationCode,
    /// The verifier of the challenge the authorize request carried.
    pub code_verifier: CodeVerifier,
    /// The redirect URI the authorize request carried (the token request repeats it).
    pub redirect_uri: String,
    /// The scopes asked for: the grant when the token response omits `scope`.
    pub scopes: Vec<String>,
    /// The in-app route saved before leaving for the provider.
    pub return_to: String,
}

/// A sign-in that passed every check.
#[derive(Debug, PartialEq)]
pub struct Completed {
    /// The new session.
    pub session: Session,
    /// The in-app route saved before leaving for the provider.
    pub return_to: String,
}

/// Checks a parsed response against the pending request taken (and already deleted) from
/// storage, for the provider this page is configured for. `now_ms` is wall-clock time. The
/// pending request decides the grant: a request that sent a PKCE challenge accepts only a code.
pub fn complete(
    response: Response,
    pending: Option<PendingRequest>,
    provider: &str,
    now_ms: u64,
) -> Result<Answer, CallbackError> {
    let state = response.state.ok_or(CallbackError::MissingState)?;
    let pending = pending.ok_or(CallbackError::NoPendingRequest)?;
    if !pending.state.matches(&state) {
        return Err(CallbackError::StateMismatch);
    }
    if pending.provider != provider {
        return Err(CallbackError::WrongProvider);
    }
    // Each provider has its own callback path: a response delivered to another one's (a
    // mix-up, RFC 9700 §4.4) completes nothing, even with the right state.
    let expected_path = Url::parse(&pending.redirect_uri).map(|u| u.path().to_owned());
    if expected_path.as_deref() != Ok(response.arrived_at.as_str()) {
        return Err(CallbackError::WrongCallbackPath);
    }
    if pending.is_expired(now_ms) {
        return Err(CallbackError::PendingExpired);
    }
    let (access_token, token_type, expires_in, scope, code) = match response.outcome {
        Outcome::Error(e) => return Err(CallbackError::Provider(Box::new(e))),
        Outcome::Token {
            access_token,
            token_type,
            expires_in,
            scope,
            code,
        } => (access_token, token_type, expires_in, scope, code),
    };
    if let Some(code_verifier) = pending.code_verifier {
        // RFC 9700 §2.1.1: a token in the front channel of a code flow is an injection (or a
        // provider that ignored the response type); either way it is not used.
        if access_token.is_some() {
            return Err(CallbackError::UnexpectedToken);
        }
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or(CallbackError::MissingParameter("code"))?;
        return Ok(Answer::Code(Redemption {
            code: AuthorizationCode::new(code),
            code_verifier,
            redirect_uri: pending.redirect_uri,
            scopes: pending.scopes,
            return_to: pending.return_to,
        }));
    }
    let session = token_session(
        provider,
        access_token,
        token_type,
        expires_in.as_deref(),
        scope.as_deref(),
        &pending.scopes,
        now_ms,
    )?;
    Ok(Answer::Session(Completed {
        session,
        return_to: pending.return_to,
    }))
}

/// The session a token response describes, by the rules both grants share (RFC 6749 §5.1):
/// a non-empty bearer token, an optional lifetime in plain seconds, and the scope granted (as
/// asked when omitted).
pub(crate) fn token_session(
    provider: &str,
    access_token: Option<AccessToken>,
    token_type: Option<String>,
    expires_in: Option<&str>,
    scope: Option<&str>,
    asked: &[String],
    now_ms: u64,
) -> Result<Session, CallbackError> {
    let access_token = access_token
        .filter(|t| !t.secret().is_empty())
        .ok_or(CallbackError::MissingParameter("access_token"))?;
    let token_type = token_type.ok_or(CallbackError::MissingParameter("token_type"))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(CallbackError::UnsupportedTokenType);
    }
    let expires_at_ms = match expires_in {
        None => None,
        Some(text) => Some(now_ms.saturating_add(expires_in_ms(text)?)),
    };
    // RFC 6749 §5.1: an omitted scope means the requested scope was granted.
    let scope = match scope {
        Some(s) => Scope::parse(s),
        None => Scope::from_tokens(asked),
    };
    Ok(Session {
        provider: provider.to_owned(),
        access_token,
        expires_at_ms,
        scope,
    })
}

/// `expires_in` is a count of seconds in plain digits: no sign, no fraction, no exponent, at
/// most ten digits (over 300 years).
fn expires_in_ms(text: &str) -> Result<u64, CallbackError> {
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CallbackError::InvalidExpiresIn);
    }
    let secs: u64 = text.parse().map_err(|_| CallbackError::InvalidExpiresIn)?;
    Ok(secs * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample;
    use crate::oauth::pending::MAX_AGE_MS;
    use crate::oauth::secret::STATE_BYTES;

    const NOW: u64 = 1_700_000_000_000;

    fn pending() -> PendingRequest {
        let config = sample();
        let redirect = config.redirect.clone().unwrap();
        PendingRequest::new(
            &config,
            &redirect,
            [9; STATE_BYTES],
            [3; 32],
            "/after",
            NOW - 1_000,
        )
    }

    /// A pending request of the authorization code grant (with a PKCE verifier).
    fn code_pending() -> PendingRequest {
        let mut config = sample();
        let mut redirect = config.redirect.clone().unwrap();
        redirect.token_url = Some(Url::parse("https://id.example/token").unwrap());
        config.redirect = Some(redirect.clone());
        PendingRequest::new(
            &config,
            &redirect,
            [9; STATE_BYTES],
            [3; 32],
            "/after",
            NOW - 1_000,
        )
    }

    fn session_of(answer: Answer) -> Completed {
        match answer {
            Answer::Session(done) => done,
            Answer::Code(_) => panic!("an implicit request was answered with a code"),
        }
    }

    fn run_code(query: &str) -> Result<Answer, CallbackError> {
        let response = parse(query, "")?.expect("a callback").at(CALLBACK_PATH);
        complete(response, Some(code_pending()), "harvest", NOW)
    }

    #[test]
    fn a_code_callback_gives_the_code_with_its_verifier_to_redeem() {
        let q = query_with(code_pending().state.secret(), "code=c%2B1");
        let Ok(Answer::Code(r)) = run_code(&q) else {
            panic!("expected a code")
        };
        assert_eq!(r.code.secret(), "c+1");
        assert_eq!(Some(r.code_verifier), code_pending().code_verifier);
        assert_eq!(r.redirect_uri, "https://app.example/callback");
        assert_eq!(r.return_to, "/after");
    }

    #[test]
    fn a_code_callback_carrying_an_access_token_is_refused() {
        let state = code_pending().state.secret().to_owned();
        for rest in [
            "code=c&access_token=injected&token_type=bearer",
            "access_token=injected&token_type=bearer",
        ] {
            assert_eq!(
                run_code(&query_with(&state, rest)),
                Err(CallbackError::UnexpectedToken),
                "{rest}"
            );
        }
        assert_eq!(
            run_code(&query_with(&state, "code=")),
            Err(CallbackError::MissingParameter("code"))
        );
        // A forged state is refused before anything else: its code is never redeemed.
        assert_eq!(
            run_code(&query_with("forged", "code=c")),
            Err(CallbackError::StateMismatch)
        );
        // The provider's error is shown as in the implicit grant.
        assert!(matches!(
            run_code(&query_with(&state, "error=access_denied")),
            Err(CallbackError::Provider(e)) if e.error == "access_denied"
        ));
        // And an implicit request is not completed by a code.
        assert_eq!(
            run(&query_with(&good_state(), "code=c"), ""),
            Err(CallbackError::MissingParameter("access_token"))
        );
    }

    /// The path of the sample configuration's redirect URI.
    const CALLBACK_PATH: &str = "/callback";

    fn query_with(state: &str, rest: &str) -> String {
        format!("state={state}&{rest}")
    }

    fn run(query: &str, fragment: &str) -> Result<Completed, CallbackError> {
        let response = parse(query, fragment)?
            .expect("a callback")
            .at(CALLBACK_PATH);
        complete(response, Some(pending()), "harvest", NOW).map(session_of)
    }

    fn good_state() -> String {
        pending().state.secret().to_owned()
    }

    #[test]
    fn token_in_fragment_completes_the_sign_in() {
        let f = query_with(
            &good_state(),
            "access_token=abc&token_type=bearer&expires_in=1209599&scope=harvest%3A42",
        );
        let done = run("", &f).unwrap();
        assert_eq!(done.session.access_token.secret(), "abc");
        assert_eq!(done.session.expires_at_ms, Some(NOW + 1_209_599_000));
        assert_eq!(done.session.scope.accounts().harvest, vec![42]);
        assert_eq!(done.return_to, "/after");
    }

    #[test]
    fn harvest_style_parameters_in_the_query_work() {
        let q = query_with(
            &good_state(),
            "access_token=abc&token_type=bearer&expires_in=10&scope=harvest:1+forecast:2",
        );
        let done = run(&q, "").unwrap();
        assert_eq!(done.session.scope.tokens(), ["harvest:1", "forecast:2"]);
    }

    #[test]
    fn app_net_state_in_query_and_token_in_fragment_work() {
        let q = format!("state={}", good_state());
        let done = run(&q, "access_token=abc&token_type=Bearer").unwrap();
        assert_eq!(done.session.expires_at_ms, None);
    }

    #[test]
    fn rfc6749_appendix_b_example_decodes() {
        let q = query_with(
            &good_state(),
            "access_token=+%25%26%2B%C2%A3%E2%82%AC&token_type=bearer",
        );
        assert_eq!(run(&q, "").unwrap().session.access_token.secret(), " %&+£€");
    }

    #[test]
    fn duplicated_parameter_is_rejected_within_and_across_parts() {
        let s = good_state();
        let within = query_with(&s, "access_token=a&access_token=b&token_type=bearer");
        assert_eq!(
            parse(&within, ""),
            Err(CallbackError::DuplicateParameter("access_token"))
        );
        let across = query_with(&s, "token_type=bearer");
        assert_eq!(
            parse(&across, &format!("state={s}&access_token=x")),
            Err(CallbackError::DuplicateParameter("state"))
        );
    }

    #[test]
    fn unknown_parameters_are_ignored_even_when_repeated() {
        let q = query_with(
            &good_state(),
            "utm=1&utm=2&access_token=a&token_type=bearer",
        );
        assert!(run(&q, "").is_ok());
    }

    #[test]
    fn url_without_response_parameters_is_not_a_callback() {
        assert_eq!(parse("page=2", "section"), Ok(None));
        assert_eq!(parse("", ""), Ok(None));
    }

    #[test]
    fn forged_state_is_rejected() {
        let q = query_with("forged", "access_token=a&token_type=bearer");
        assert_eq!(run(&q, ""), Err(CallbackError::StateMismatch));
    }

    #[test]
    fn missing_state_is_rejected() {
        assert_eq!(
            run("access_token=a&token_type=bearer", ""),
            Err(CallbackError::MissingState)
        );
    }

    #[test]
    fn callback_without_pending_request_is_rejected_as_replay() {
        let q = query_with(&good_state(), "access_token=a&token_type=bearer");
        let response = parse(&q, "").unwrap().unwrap().at(CALLBACK_PATH);
        assert_eq!(
            complete(response, None, "harvest", NOW),
            Err(CallbackError::NoPendingRequest)
        );
    }

    #[test]
    fn pending_request_older_than_ten_minutes_is_rejected() {
        let q = query_with(&good_state(), "access_token=a&token_type=bearer");
        let response = parse(&q, "").unwrap().unwrap().at(CALLBACK_PATH);
        let later = NOW + MAX_AGE_MS;
        assert_eq!(
            complete(response, Some(pending()), "harvest", later),
            Err(CallbackError::PendingExpired)
        );
    }

    #[test]
    fn callback_for_another_provider_is_rejected() {
        let q = query_with(&good_state(), "access_token=a&token_type=bearer");
        let response = parse(&q, "").unwrap().unwrap().at(CALLBACK_PATH);
        assert_eq!(
            complete(response, Some(pending()), "aha", NOW),
            Err(CallbackError::WrongProvider)
        );
    }

    #[test]
    fn a_repeated_parameter_in_a_url_that_is_no_callback_is_no_error() {
        assert_eq!(parse("scope=a&scope=b", ""), Ok(None));
        assert_eq!(
            parse("scope=a", "scope=b&expires_in=1&expires_in=2"),
            Ok(None)
        );
        assert_eq!(
            parse("scope=a&scope=b&state=s", ""),
            Err(CallbackError::DuplicateParameter("scope"))
        );
    }

    #[test]
    fn callback_arriving_on_another_providers_path_is_rejected() {
        let q = query_with(&good_state(), "access_token=a&token_type=bearer");
        for elsewhere in ["/callback/aha", "/", "/callback/", "/CALLBACK"] {
            let response = parse(&q, "").unwrap().unwrap().at(elsewhere);
            assert_eq!(
                complete(response, Some(pending()), "harvest", NOW),
                Err(CallbackError::WrongCallbackPath),
                "{elsewhere}"
            );
        }
    }

    #[test]
    fn error_wins_over_access_token() {
        let q = query_with(
            &good_state(),
            "access_token=a&token_type=bearer&error=access_denied&error_description=No+thanks",
        );
        match run(&q, "") {
            Err(CallbackError::Provider(e)) => {
                assert_eq!(e.error, "access_denied");
                assert_eq!(e.description.as_deref(), Some("No thanks"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_callback_with_forged_state_is_rejected_as_forged() {
        assert_eq!(
            run("error=access_denied&state=forged", ""),
            Err(CallbackError::StateMismatch)
        );
        assert_eq!(
            run("error=access_denied", ""),
            Err(CallbackError::MissingState)
        );
    }

    #[test]
    fn error_uri_is_kept_only_when_https() {
        let uri_of = |u: &str| match run(
            &query_with(&good_state(), &format!("error=x&error_uri={u}")),
            "",
        ) {
            Err(CallbackError::Provider(e)) => e.uri.map(|u| u.to_string()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            uri_of("https%3A%2F%2Fdocs.example%2Fe"),
            Some("https://docs.example/e".into())
        );
        assert_eq!(uri_of("javascript%3Aalert(1)"), None);
        assert_eq!(uri_of("http%3A%2F%2Fdocs.example%2Fe"), None);
    }

    #[test]
    fn token_type_must_be_bearer_in_any_case() {
        let s = good_state();
        assert!(run(&query_with(&s, "access_token=a&token_type=BEARER"), "").is_ok());
        assert_eq!(
            run(&query_with(&s, "access_token=a&token_type=mac"), ""),
            Err(CallbackError::UnsupportedTokenType)
        );
        assert_eq!(
            run(&query_with(&s, "access_token=a"), ""),
            Err(CallbackError::MissingParameter("token_type"))
        );
    }

    #[test]
    fn missing_or_empty_access_token_is_rejected() {
        let s = good_state();
        assert_eq!(
            run(&query_with(&s, "token_type=bearer"), ""),
            Err(CallbackError::MissingParameter("access_token"))
        );
        assert_eq!(
            run(&query_with(&s, "access_token=&token_type=bearer"), ""),
            Err(CallbackError::MissingParameter("access_token"))
        );
    }

    #[test]
    fn expires_in_must_be_plain_digits() {
        let s = good_state();
        for bad in ["-1", "1.5", "1e3", "", "+5", "99999999999", "%201"] {
            let q = query_with(
                &s,
                &format!("access_token=a&token_type=bearer&expires_in={bad}"),
            );
            assert_eq!(run(&q, ""), Err(CallbackError::InvalidExpiresIn), "{bad}");
        }
    }

    #[test]
    fn refresh_token_is_ignored() {
        let q = query_with(
            &good_state(),
            "access_token=a&token_type=bearer&refresh_token=r",
        );
        let done = run(&q, "").unwrap();
        let stored = done.session.to_stored();
        assert!(
            form_urlencoded::parse(stored.as_bytes())
                .all(|(k, v)| v != "r" && !k.contains("refresh")),
            "{stored}"
        );
    }

    #[test]
    fn omitted_scope_means_the_requested_scope() {
        let mut config = sample();
        config.scopes = vec!["harvest:all".into()];
        let redirect = config.redirect.clone().unwrap();
        let p = PendingRequest::new(&config, &redirect, [9; STATE_BYTES], [3; 32], "/", NOW);
        let q = query_with(p.state.secret(), "access_token=a&token_type=bearer");
        let done = complete(
            parse(&q, "").unwrap().unwrap().at(CALLBACK_PATH),
            Some(p),
            "harvest",
            NOW,
        )
        .map(session_of)
        .unwrap();
        assert_eq!(done.session.scope.tokens(), ["harvest:all"]);
    }

    #[test]
    fn errors_never_carry_the_token_or_state() {
        let s = good_state();
        let q = query_with(&s, "access_token=SECRETTOKEN&token_type=mac");
        let err = run(&q, "").unwrap_err();
        let shown = format!("{err} {err:?} {}", err.code());
        assert!(
            !shown.contains("SECRETTOKEN") && !shown.contains(&s),
            "{shown}"
        );
    }
}
