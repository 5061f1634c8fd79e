//! The runtime configuration (`config.json`) and the rules a deployment must satisfy.
//!
//! A static deploy changes provider, client id, redirect URI, scopes and token storage by editing
//! `config.json`; nothing here needs a rebuild. Every rule names the field it guards so the error
//! page can tell a deployer exactly what to fix.

use serde::Deserialize;
use thiserror::Error;
use url::{Host, Url};

/// How the access token travels with an API request. One per request, never both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenTransport {
    /// `?access_token=…&account_id=…`: Harvest's documented mode for browser tokens. A simple GET,
    /// so no CORS preflight; requests always use `cache: no-store`.
    Query,
    /// `Authorization: Bearer …` (RFC 6750 §2.1), plus the provider's account header.
    Header,
}

/// Where the session (token, expiry, scope) is kept between page loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStorage {
    /// Memory only: a reload signs the person out. The default.
    Memory,
    /// `sessionStorage`: survives a reload of this tab, gone when the tab closes.
    Session,
}

/// `config.json` as written by a deployer. Unknown fields are rejected, so a typo is an error
/// instead of a silently ignored setting.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    provider: String,
    client_id: String,
    authorize_url: String,
    redirect_uri: String,
    #[serde(default)]
    scopes: Vec<String>,
    api_base: String,
    #[serde(default)]
    accounts_url: Option<String>,
    #[serde(default = "default_transport")]
    token_transport: TokenTransport,
    #[serde(default = "default_storage")]
    token_storage: TokenStorage,
    #[serde(default)]
    rate_limit: Option<RateLimitConfig>,
    #[serde(default)]
    personal_access_token: bool,
    #[serde(default = "default_timeout")]
    request_timeout_seconds: u32,
}

fn default_timeout() -> u32 {
    30
}

/// Requests the client allows itself per rolling window (Harvest: 100 per 15 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    pub requests: u32,
    pub per_seconds: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            requests: 100,
            per_seconds: 15,
        }
    }
}

fn default_transport() -> TokenTransport {
    TokenTransport::Query
}

fn default_storage() -> TokenStorage {
    TokenStorage::Memory
}

/// A validated configuration. Holding one means every rule below has passed.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Short id (`[a-z0-9-]`) that namespaces storage keys and binds callbacks to a provider.
    pub provider: String,
    pub client_id: String,
    pub authorize_url: Url,
    pub redirect_uri: Url,
    pub scopes: Vec<String>,
    /// Base of the provider's API, e.g. `https://api.harvestapp.com/v2`. Tokens go to this
    /// origin (and the accounts URL's) only.
    pub api_base: Url,
    pub accounts_url: Option<Url>,
    pub token_transport: TokenTransport,
    pub token_storage: TokenStorage,
    pub rate_limit: RateLimitConfig,
    /// Offer "paste a personal access token" on the signed-out screen (Harvest's other way in).
    pub personal_access_token: bool,
    /// An API request still unanswered after this long is abandoned with a clear message.
    pub request_timeout_seconds: u32,
}

/// What is wrong with `config.json`, and where.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("config.json is not valid JSON for this app: {0}")]
    Syntax(String),
    #[error("config.json, field `{field}`: {problem}")]
    Field {
        field: &'static str,
        problem: String,
    },
}

/// Parameters the app sets on the authorize request itself; a configured authorize URL that
/// already carried one would make the request ambiguous.
const RESERVED_AUTHORIZE_PARAMS: [&str; 5] = [
    "client_id",
    "response_type",
    "redirect_uri",
    "state",
    "scope",
];

impl Config {
    /// Parses and validates `config.json`.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        Self::validate(raw)
    }

    fn validate(raw: RawConfig) -> Result<Self, ConfigError> {
        let provider = raw.provider;
        if provider.is_empty()
            || provider.len() > 40
            || !provider
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(field(
                "provider",
                "use 1 to 40 characters of a-z, 0-9 and '-', e.g. \"harvest\"",
            ));
        }
        if raw.client_id.trim().is_empty() {
            return Err(field(
                "client_id",
                "must be the client id the provider issued for this app",
            ));
        }
        let authorize_url = endpoint("authorize_url", &raw.authorize_url)?;
        if let Some((name, _)) = authorize_url
            .query_pairs()
            .find(|(k, _)| RESERVED_AUTHORIZE_PARAMS.contains(&k.as_ref()))
        {
            return Err(field(
                "authorize_url",
                &format!("must not carry `{name}`: the app adds it to each request"),
            ));
        }
        let redirect_uri = endpoint("redirect_uri", &raw.redirect_uri)?;
        if redirect_uri.query().is_some() {
            return Err(field(
                "redirect_uri",
                "must not have a query: the provider may put the token there",
            ));
        }
        if let Some(bad) = raw.scopes.iter().find(|s| {
            s.is_empty()
                || s.chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '\\')
        }) {
            return Err(field(
                "scopes",
                &format!("{bad:?} is not a scope token (no spaces, quotes or backslashes)"),
            ));
        }
        let api_base = endpoint("api_base", &raw.api_base)?;
        let accounts_url = raw
            .accounts_url
            .as_deref()
            .map(|u| endpoint("accounts_url", u))
            .transpose()?;
        let rate_limit = raw.rate_limit.unwrap_or_default();
        if rate_limit.requests == 0 || rate_limit.per_seconds == 0 || rate_limit.per_seconds > 3600
        {
            return Err(field(
                "rate_limit",
                "use {\"requests\": N, \"per_seconds\": S} with N ≥ 1 and 1 ≤ S ≤ 3600",
            ));
        }
        if !(1..=600).contains(&raw.request_timeout_seconds) {
            return Err(field("request_timeout_seconds", "use 1 to 600 seconds"));
        }
        Ok(Config {
            provider,
            client_id: raw.client_id,
            authorize_url,
            redirect_uri,
            scopes: raw.scopes,
            api_base,
            accounts_url,
            token_transport: raw.token_transport,
            token_storage: raw.token_storage,
            rate_limit,
            personal_access_token: raw.personal_access_token,
            request_timeout_seconds: raw.request_timeout_seconds,
        })
    }

    /// Namespace for this configuration's storage keys, so two instances on one page (other
    /// provider or client id) never read each other's pending requests or sessions.
    pub fn storage_namespace(&self) -> String {
        let client: String = form_urlencoded::byte_serialize(self.client_id.as_bytes()).collect();
        format!("implicit-oauth:{}:{}", self.provider, client)
    }

    /// Whether a URL is on one of the origins this configuration may send the token to.
    pub fn is_api_origin(&self, url: &Url) -> bool {
        let origin = url.origin();
        origin == self.api_base.origin()
            || self
                .accounts_url
                .as_ref()
                .is_some_and(|a| a.origin() == origin)
    }
}

fn field(field: &'static str, problem: &str) -> ConfigError {
    ConfigError::Field {
        field,
        problem: problem.to_owned(),
    }
}

/// An absolute `https:` URL (plain `http:` only on loopback, for local development) without a
/// fragment: the fragment is where the token comes back, so it must be ours.
fn endpoint(name: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value)
        .map_err(|e| field(name, &format!("{value:?} is not an absolute URL ({e})")))?;
    let loopback = match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if loopback => {}
        _ => {
            return Err(field(
                name,
                &format!("{value:?} must use https (http is allowed only on localhost/127.0.0.1)"),
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(field(name, "must not contain a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(field(name, "must not contain a fragment ('#…')"));
    }
    Ok(url)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_json() -> serde_json::Value {
        serde_json::json!({
            "provider": "harvest",
            "client_id": "local-demo",
            "authorize_url": "https://id.getharvest.com/oauth2/authorize",
            "redirect_uri": "https://app.example/callback",
            "scopes": [],
            "api_base": "https://api.harvestapp.com/v2",
            "accounts_url": "https://id.getharvest.com/api/v2/accounts"
        })
    }

    pub(crate) fn sample() -> Config {
        Config::from_json(&sample_json().to_string()).unwrap()
    }

    fn with(key: &str, value: serde_json::Value) -> Result<Config, ConfigError> {
        let mut json = sample_json();
        json[key] = value;
        Config::from_json(&json.to_string())
    }

    fn bad_field(result: Result<Config, ConfigError>) -> &'static str {
        match result {
            Err(ConfigError::Field { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn valid_config_gets_memory_storage_and_query_transport_by_default() {
        let c = sample();
        assert_eq!(c.token_storage, TokenStorage::Memory);
        assert_eq!(c.token_transport, TokenTransport::Query);
        assert_eq!(c.provider, "harvest");
    }

    #[test]
    fn http_redirect_uri_is_rejected_unless_loopback() {
        assert_eq!(
            bad_field(with("redirect_uri", "http://app.example/".into())),
            "redirect_uri"
        );
        for ok in [
            "http://127.0.0.1:8080/",
            "http://localhost:8080/",
            "http://[::1]:8080/",
        ] {
            assert!(with("redirect_uri", ok.into()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn redirect_uri_with_fragment_or_query_is_rejected() {
        assert_eq!(
            bad_field(with("redirect_uri", "https://a.example/#x".into())),
            "redirect_uri"
        );
        assert_eq!(
            bad_field(with("redirect_uri", "https://a.example/?a=1".into())),
            "redirect_uri"
        );
    }

    #[test]
    fn relative_or_non_http_urls_are_rejected_with_their_field_named() {
        assert_eq!(
            bad_field(with("authorize_url", "/oauth2/authorize".into())),
            "authorize_url"
        );
        assert_eq!(
            bad_field(with("api_base", "javascript:alert(1)".into())),
            "api_base"
        );
        assert_eq!(
            bad_field(with("accounts_url", "ftp://x.example/".into())),
            "accounts_url"
        );
    }

    #[test]
    fn authorize_url_may_keep_its_own_query_but_not_reserved_parameters() {
        assert!(with(
            "authorize_url",
            "https://a.example/auth?prompt=login".into()
        )
        .is_ok());
        assert_eq!(
            bad_field(with(
                "authorize_url",
                "https://a.example/auth?state=x".into()
            )),
            "authorize_url"
        );
    }

    #[test]
    fn bad_provider_id_client_id_and_scopes_are_named() {
        assert_eq!(bad_field(with("provider", "Harvest!".into())), "provider");
        assert_eq!(bad_field(with("client_id", " ".into())), "client_id");
        assert_eq!(
            bad_field(with("scopes", serde_json::json!(["a b"]))),
            "scopes"
        );
    }

    #[test]
    fn unknown_field_or_bad_enum_is_a_syntax_error_that_names_it() {
        let err = with("client_secret", "x".into()).unwrap_err();
        assert!(err.to_string().contains("client_secret"), "{err}");
        let err = with("token_storage", "local".into()).unwrap_err();
        assert!(err.to_string().contains("local"), "{err}");
    }

    #[test]
    fn rate_limit_defaults_to_harvests_and_rejects_zero() {
        assert_eq!(
            sample().rate_limit,
            RateLimitConfig {
                requests: 100,
                per_seconds: 15
            }
        );
        let ok = with(
            "rate_limit",
            serde_json::json!({"requests": 5, "per_seconds": 2}),
        )
        .unwrap();
        assert_eq!(ok.rate_limit.requests, 5);
        assert_eq!(
            bad_field(with(
                "rate_limit",
                serde_json::json!({"requests": 0, "per_seconds": 2})
            )),
            "rate_limit"
        );
    }

    #[test]
    fn request_timeout_defaults_to_30_s_and_must_be_sane() {
        assert_eq!(sample().request_timeout_seconds, 30);
        assert_eq!(
            bad_field(with("request_timeout_seconds", 0.into())),
            "request_timeout_seconds"
        );
    }

    #[test]
    fn storage_namespace_separates_providers_and_clients() {
        let a = sample();
        let b = with("client_id", "other".into()).unwrap();
        assert_ne!(a.storage_namespace(), b.storage_namespace());
        assert_eq!(a.storage_namespace(), "implicit-oauth:harvest:local-demo");
    }

    #[test]
    fn api_origin_check_accepts_only_configured_origins() {
        let c = sample();
        assert!(c.is_api_origin(&Url::parse("https://api.harvestapp.com/v2/users/me").unwrap()));
        assert!(c.is_api_origin(&Url::parse("https://id.getharvest.com/api/v2/accounts").unwrap()));
        assert!(!c.is_api_origin(&Url::parse("https://evil.example/v2/users/me").unwrap()));
        assert!(!c.is_api_origin(&Url::parse("http://api.harvestapp.com/v2").unwrap()));
    }
}
