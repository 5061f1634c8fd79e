//! The runtime configuration (`config.json`) and the rules a deployment must satisfy.
//!
//! A static deploy changes provider, client id, redirect URI, scopes and token storage by editing
//! `config.json`; nothing here needs a rebuild. Every rule names the field it guards so the error
//! page can tell a deployer exactly what to fix.

use super::preset::{self, Grant, View, PRESETS};
use super::scope::Product;
use crate::weburl::Url;
use serde::Deserialize;
use thiserror::Error;

/// How the access token travels with an API request: one way per configuration, never both.
/// Each way carries only the names it uses, so a header scheme on a query transport (or the
/// reverse) cannot be written down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenTransport {
    /// `?access_token=…&account_id=…` under the given names: Harvest's documented mode for
    /// browser tokens. A simple GET, so no CORS preflight; requests always use `no-store`.
    Query {
        /// The query parameter that carries the token (`access_token`).
        token_param: String,
        /// The query parameter that names the account a call acts on (`account_id`), if any.
        account_param: Option<String>,
    },
    /// `Authorization: {scheme} …` (RFC 6750 §2.1), plus the provider's account header.
    Header {
        /// The scheme word (`Bearer`; AppHarbor documents `BEARER`).
        scheme: String,
        /// The header that names the account a call acts on (`Harvest-Account-Id`), if any.
        account_header: Option<String>,
    },
}

/// `token_transport` in `config.json` and in a preset: which of [`TokenTransport`]'s ways, its
/// names coming from their own fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TransportKind {
    Query,
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

/// `config.json` as written by a deployer: a preset's name and any of its fields overridden.
/// Unknown fields are rejected, so a typo is an error instead of a silently ignored setting.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    subdomain: Option<String>,
    #[serde(default)]
    grant: Option<Grant>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    authorize_url: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    api_base: Option<String>,
    #[serde(default)]
    accounts_url: Option<String>,
    #[serde(default)]
    token_url: Option<String>,
    #[serde(default)]
    revocation_url: Option<String>,
    #[serde(default)]
    token_transport: Option<TransportKind>,
    #[serde(default)]
    auth_scheme: Option<String>,
    #[serde(default)]
    token_param: Option<String>,
    #[serde(default)]
    account_param: Option<String>,
    #[serde(default)]
    account_header: Option<String>,
    #[serde(default)]
    granted_scopes_header: Option<String>,
    #[serde(default)]
    profile_path: Option<String>,
    #[serde(default)]
    view: Option<View>,
    #[serde(default)]
    token_storage: Option<TokenStorage>,
    #[serde(default)]
    rate_limit: Option<RateLimitConfig>,
    #[serde(default)]
    personal_access_token: bool,
    #[serde(default)]
    share_session: bool,
    #[serde(default)]
    silent_renew: bool,
    #[serde(default)]
    expiring_seconds: Option<u32>,
    #[serde(default)]
    request_timeout_seconds: Option<u32>,
    /// Set by [`ConfigBuilder::token_transport`] only: the whole transport, names and all.
    #[serde(skip)]
    transport: Option<TokenTransport>,
}

/// An API request still unanswered after this long is abandoned, unless configured otherwise.
const DEFAULT_TIMEOUT_SECONDS: u32 = 30;

/// The `expiring` event fires this long before the token expires, unless configured otherwise.
const DEFAULT_EXPIRING_SECONDS: u32 = 300;

/// Requests the client allows itself per rolling window (Harvest: 100 per 15 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window, in seconds (1 to 3600).
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

/// Where a browser sign-in sends the person, and where it comes back.
#[derive(Clone, Debug, PartialEq)]
pub struct Redirect {
    /// The client id the provider issued for this app.
    pub client_id: String,
    /// The provider's authorize endpoint.
    pub authorize_url: Url,
    /// Each provider has its own: a callback is accepted only on the path of the request's
    /// redirect URI, so a response delivered to another provider's callback completes nothing.
    pub redirect_uri: Url,
    /// The token endpoint, with the authorization code grant (`"grant": "code"`): the
    /// callback's code is redeemed there with its PKCE verifier. `None`: the implicit grant.
    pub token_url: Option<Url>,
}

impl Redirect {
    /// Whether sign-in uses the authorization code grant with PKCE.
    pub fn uses_code(&self) -> bool {
        self.token_url.is_some()
    }
}

/// A validated configuration. Holding one means every rule below has passed: build one with
/// [`Config::from_json`] (`config.json`) or [`Config::builder`], and read it through its
/// accessors.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The preset this configuration started from (`generic` when none was named).
    pub(crate) preset: &'static str,
    /// Short id (`[a-z0-9-]`) that namespaces storage keys and binds callbacks to a provider.
    pub(crate) provider: String,
    /// The provider's name as the person knows it ("Harvest", "Aha!").
    pub(crate) title: String,
    /// `None` for providers without a browser grant: the person pastes a token instead.
    pub(crate) redirect: Option<Redirect>,
    pub(crate) scopes: Vec<String>,
    /// Base of the provider's API, e.g. `https://api.harvestapp.com/v2`. Tokens go to this
    /// origin (and the accounts URL's) only.
    pub(crate) api_base: Url,
    pub(crate) accounts_url: Option<Url>,
    /// The provider's token revocation endpoint (RFC 7009): sign-out posts the token there.
    pub(crate) revocation_url: Option<Url>,
    pub(crate) transport: TokenTransport,
    /// Which product's accounts the scope names (`harvest:1`, `forecast:2`), if any.
    pub(crate) account_product: Option<Product>,
    pub(crate) granted_scopes_header: Option<String>,
    pub(crate) profile_path: String,
    pub(crate) view: View,
    pub(crate) token_storage: TokenStorage,
    pub(crate) rate_limit: RateLimitConfig,
    /// Offer "paste a personal access token" on the signed-out screen (Harvest's other way in).
    /// Always on for providers whose only way in is a pasted token.
    pub(crate) personal_access_token: bool,
    /// A new tab asks this app's open tabs (same origin) for their live session instead of
    /// signing in again, and this tab answers theirs.
    pub(crate) share_session: bool,
    /// Before the `expiring` event, try to renew in a hidden frame with `prompt=none`.
    pub(crate) silent_renew: bool,
    /// How long before the token expires the `expiring` event fires (seconds; 0: never).
    pub(crate) expiring_seconds: u32,
    /// An API request still unanswered after this long is abandoned with a clear message.
    pub(crate) request_timeout_seconds: u32,
}

/// What is wrong with `config.json`, and where.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// Not JSON, or JSON with an unknown field.
    #[error("config.json is not valid JSON for this app: {0}")]
    Syntax(String),
    /// A field's value is of the wrong type, or not one of the words it allows.
    #[error("config.json, field `{field}`: {problem}")]
    Value {
        /// The field's name in `config.json` (`grant`; `rate_limit` for a bad value inside it).
        field: String,
        /// What serde found wrong with the value.
        problem: String,
    },
    /// A field broke a rule.
    #[error("config.json, field `{field}`: {problem}")]
    Field {
        /// The field's name in `config.json`.
        field: &'static str,
        /// What is wrong, and how to fix it.
        problem: String,
    },
}

/// Parameters the app sets on the authorize request itself; a configured authorize URL that
/// already carried one would make the request ambiguous.
const RESERVED_AUTHORIZE_PARAMS: [&str; 7] = [
    "client_id",
    "response_type",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
];

impl Config {
    /// Parses and validates `config.json`.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| {
            let problem = e.to_string();
            // Broken JSON, or an unknown field, is about the whole file: no field to name.
            let about_a_value = e.classify() == serde_json::error::Category::Data
                && !problem.starts_with("unknown field");
            match about_a_value.then(|| field_at_fault(text)).flatten() {
                Some(field) => ConfigError::Value { field, problem },
                None => ConfigError::Syntax(problem),
            }
        })?;
        Self::validate(raw)
    }

    /// Starts a typed configuration from a preset (`"harvest"`, `"generic"`, …; see
    /// `docs/providers/`); [`ConfigBuilder::build`] checks it by the same rules as
    /// [`Config::from_json`], naming `config.json`'s field for whatever is wrong.
    ///
    /// ```
    /// use implicit_oauth::oauth::{Config, TokenStorage};
    /// let config = Config::builder("harvest")
    ///     .client_id("my-client-id")
    ///     .redirect_uri("https://example.com/callback.html")
    ///     .token_storage(TokenStorage::Session)
    ///     .build()?;
    /// assert_eq!(config.title(), "Harvest");
    /// # Ok::<(), implicit_oauth::oauth::ConfigError>(())
    /// ```
    pub fn builder(preset: &str) -> ConfigBuilder {
        ConfigBuilder(RawConfig {
            preset: Some(preset.to_owned()),
            ..RawConfig::default()
        })
    }

    /// The preset this configuration started from (`"generic"` when none was named).
    pub fn preset(&self) -> &'static str {
        self.preset
    }

    /// Short id (`[a-z0-9-]`) that namespaces storage keys and binds callbacks to a provider.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The provider's name as the person knows it ("Harvest", "Aha!").
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Where the implicit grant sends the person and where they come back; `None` for
    /// providers without a browser grant, where the person pastes a token instead.
    pub fn redirect(&self) -> Option<&Redirect> {
        self.redirect.as_ref()
    }

    /// The scopes asked for.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Base of the provider's API; the token goes to this origin (and the accounts URL's) only.
    pub fn api_base(&self) -> &Url {
        &self.api_base
    }

    /// The endpoint listing the accounts a token grants (Harvest ID's), if any.
    pub fn accounts_url(&self) -> Option<&Url> {
        self.accounts_url.as_ref()
    }

    /// The token revocation endpoint (RFC 7009) sign-out posts the token to, if any.
    pub fn revocation_url(&self) -> Option<&Url> {
        self.revocation_url.as_ref()
    }

    /// How the token travels with API requests.
    pub fn token_transport(&self) -> &TokenTransport {
        &self.transport
    }

    /// Which product's accounts the scope names (`harvest:1`, `forecast:2`), if any: API calls
    /// then need an account.
    pub fn account_product(&self) -> Option<Product> {
        self.account_product
    }

    /// A response header listing the scopes the token really has (App.net: `X-OAuth-Scopes`).
    pub fn granted_scopes_header(&self) -> Option<&str> {
        self.granted_scopes_header.as_deref()
    }

    /// The "who am I" endpoint, relative to the API base.
    pub fn profile_path(&self) -> &str {
        &self.profile_path
    }

    /// What a signed-in screen shows for this provider.
    pub fn view(&self) -> View {
        self.view
    }

    /// Where the session is kept between page loads.
    pub fn token_storage(&self) -> TokenStorage {
        self.token_storage
    }

    /// Requests the client allows itself per rolling window.
    pub fn rate_limit(&self) -> RateLimitConfig {
        self.rate_limit
    }

    /// Whether pasting a personal access token is offered (always, for providers whose only
    /// way in it is).
    pub fn personal_access_token(&self) -> bool {
        self.personal_access_token
    }

    /// An API request still unanswered after this many seconds is abandoned.
    pub fn request_timeout_seconds(&self) -> u32 {
        self.request_timeout_seconds
    }

    /// Whether the session is renewed in a hidden frame (`prompt=none`) before `expiring`
    /// fires (`"silent_renew": true`).
    pub fn silent_renew(&self) -> bool {
        self.silent_renew
    }

    /// Whether tabs of this app share a live session (`"share_session": true`).
    pub fn share_session(&self) -> bool {
        self.share_session
    }

    /// How long before the token expires the `expiring` event fires, in seconds (0: never).
    pub fn expiring_seconds(&self) -> u32 {
        self.expiring_seconds
    }

    fn validate(raw: RawConfig) -> Result<Self, ConfigError> {
        let preset_id = raw.preset.as_deref().unwrap_or(PRESETS[0].id);
        let preset = preset::find(preset_id).ok_or_else(|| {
            field(
                "preset",
                &format!(
                    "\"{preset_id}\" is not a preset; use one of {}",
                    preset::names()
                ),
            )
        })?;
        let provider = raw.provider.unwrap_or_else(|| preset.id.to_owned());
        if !is_short_id(&provider, 40) {
            return Err(field(
                "provider",
                "use 1 to 40 characters of a-z, 0-9 and '-', e.g. \"harvest\"",
            ));
        }
        let subdomain = raw.subdomain;
        if let Some(s) = &subdomain {
            if !is_short_id(s, 63) || s.starts_with('-') || s.ends_with('-') {
                return Err(field(
                    "subdomain",
                    "use the part before the provider's domain: a-z, 0-9 and '-', e.g. \"acme\"",
                ));
            }
        }
        // A preset URL template needs the subdomain unless the deployer overrode the URL.
        let url_of = |name: &'static str,
                      given: Option<String>,
                      default: Option<&'static str>|
         -> Result<Option<String>, ConfigError> {
            match (given, default) {
                (Some(url), _) => Ok(Some(url)),
                (None, Some(t)) if t.contains("{subdomain}") => match &subdomain {
                    Some(s) => Ok(Some(t.replace("{subdomain}", s))),
                    None => Err(field(
                        "subdomain",
                        &format!("the {} preset needs it to build `{name}`", preset.id),
                    )),
                },
                (None, default) => Ok(default.map(str::to_owned)),
            }
        };
        let grant = raw.grant.unwrap_or(preset.grant);
        let token_url = match (grant, raw.token_url) {
            (Grant::Code, Some(url)) => Some(endpoint("token_url", &url)?),
            (Grant::Code, None) => {
                return Err(field(
                    "token_url",
                    "is required with \"grant\": \"code\": the provider's token endpoint",
                ))
            }
            (_, Some(_)) => return Err(field(
                "token_url",
                "is used only with \"grant\": \"code\" (the authorization code grant with PKCE)",
            )),
            (_, None) => None,
        };
        let redirect = match grant {
            Grant::Paste => None,
            Grant::Implicit | Grant::Code => Some(redirect(
                raw.client_id,
                url_of("authorize_url", raw.authorize_url, preset.authorize_url)?,
                raw.redirect_uri,
                token_url,
            )?),
        };
        if let Some(bad) = raw.scopes.iter().find(|s| {
            s.is_empty()
                || s.chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '\\')
        }) {
            return Err(field(
                "scopes",
                &format!("\"{bad}\" is not a scope token (no spaces, quotes or backslashes)"),
            ));
        }
        let api_base = url_of("api_base", raw.api_base, preset.api_base)?.ok_or_else(|| {
            field(
                "api_base",
                "is required: the base URL of the provider's API",
            )
        })?;
        let api_base = endpoint("api_base", &api_base)?;
        let accounts_url = url_of("accounts_url", raw.accounts_url, preset.accounts_url)?
            .map(|u| endpoint("accounts_url", &u))
            .transpose()?;
        let revocation_url = url_of("revocation_url", raw.revocation_url, None)?
            .map(|u| endpoint("revocation_url", &u))
            .transpose()?;
        let rate_limit = raw
            .rate_limit
            .or(preset
                .rate_limit
                .map(|(requests, per_seconds)| RateLimitConfig {
                    requests,
                    per_seconds,
                }))
            .unwrap_or_default();
        if rate_limit.requests == 0 || rate_limit.per_seconds == 0 || rate_limit.per_seconds > 3600
        {
            return Err(field(
                "rate_limit",
                "use {\"requests\": N, \"per_seconds\": S} with N ≥ 1 and 1 ≤ S ≤ 3600",
            ));
        }
        let request_timeout_seconds = raw
            .request_timeout_seconds
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        if !(1..=600).contains(&request_timeout_seconds) {
            return Err(field("request_timeout_seconds", "use 1 to 600 seconds"));
        }
        if raw.silent_renew {
            let Some(r) = &redirect else {
                return Err(field(
                    "silent_renew",
                    "needs a browser sign-in (\"grant\": \"implicit\" or \"code\")",
                ));
            };
            if r.authorize_url
                .query_pairs()
                .iter()
                .any(|(k, _)| k == "prompt")
            {
                return Err(field(
                    "authorize_url",
                    "must not carry `prompt` with silent_renew, which asks for prompt=none",
                ));
            }
        }
        let expiring_seconds = raw.expiring_seconds.unwrap_or(DEFAULT_EXPIRING_SECONDS);
        if expiring_seconds > 86_400 {
            return Err(field(
                "expiring_seconds",
                "use 0 (no warning) to 86400 seconds (a day)",
            ));
        }
        // Every name config.json gives is checked, the unused way's too: a malformed name is a
        // mistake to report, not a setting to drop silently.
        for (name, given) in [
            ("token_param", &raw.token_param),
            ("account_param", &raw.account_param),
            ("account_header", &raw.account_header),
        ] {
            name_field(name, given.clone(), None)?;
        }
        if let Some(scheme) = raw.auth_scheme.clone() {
            header_transport(Some(scheme), None, None, None)?;
        }
        let transport = match raw.transport {
            Some(TokenTransport::Query {
                token_param,
                account_param,
            }) => query_transport(Some(token_param), account_param, None, None)?,
            Some(TokenTransport::Header {
                scheme,
                account_header,
            }) => header_transport(Some(scheme), account_header, None, None)?,
            None => match raw.token_transport.unwrap_or(preset.token_transport) {
                TransportKind::Query => query_transport(
                    raw.token_param,
                    raw.account_param,
                    Some(preset.token_param),
                    preset.account_param,
                )?,
                TransportKind::Header => header_transport(
                    raw.auth_scheme,
                    raw.account_header,
                    Some(preset.auth_scheme),
                    preset.account_header,
                )?,
            },
        };
        let granted_scopes_header = name_field(
            "granted_scopes_header",
            raw.granted_scopes_header,
            preset.granted_scopes_header,
        )?;
        let profile_path = raw
            .profile_path
            .unwrap_or_else(|| preset.profile_path.to_owned());
        if profile_path.contains("//")
            || profile_path.contains("..")
            || profile_path.contains('#')
            || profile_path.contains(':')
        {
            return Err(field(
                "profile_path",
                "must be a path under api_base, e.g. \"users/me\"",
            ));
        }
        Ok(Config {
            preset: preset.id,
            provider,
            title: raw.title.unwrap_or_else(|| preset.title.to_owned()),
            redirect,
            scopes: raw.scopes,
            api_base,
            accounts_url,
            revocation_url,
            transport,
            account_product: preset.account_product,
            granted_scopes_header,
            profile_path,
            view: raw.view.unwrap_or(preset.view),
            token_storage: raw.token_storage.unwrap_or(TokenStorage::Memory),
            rate_limit,
            personal_access_token: raw.personal_access_token || grant == Grant::Paste,
            share_session: raw.share_session,
            silent_renew: raw.silent_renew,
            expiring_seconds,
            request_timeout_seconds,
        })
    }

    /// Namespace for this configuration's storage keys, so two instances on one page (other
    /// provider or client id) never read each other's pending requests or sessions.
    pub fn storage_namespace(&self) -> String {
        let client_id = self
            .redirect
            .as_ref()
            .map_or("paste", |r| r.client_id.as_str());
        let client: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
        format!("implicit-oauth:{}:{}", self.provider, client)
    }

    /// Whether a URL is on one of the origins this configuration may send the token to.
    pub fn is_api_origin(&self, url: &Url) -> bool {
        url.same_origin(&self.api_base)
            || self
                .accounts_url
                .as_ref()
                .is_some_and(|a| a.same_origin(url))
    }

    /// The provider URLs this configuration sends the person or the token to, by field.
    fn provider_urls(&self) -> impl Iterator<Item = (&'static str, &Url)> {
        let authorize = self
            .redirect
            .as_ref()
            .map(|r| ("authorize_url", &r.authorize_url));
        let token = self
            .redirect
            .as_ref()
            .and_then(|r| r.token_url.as_ref())
            .map(|u| ("token_url", u));
        let accounts = self.accounts_url.as_ref().map(|u| ("accounts_url", u));
        let revocation = self.revocation_url.as_ref().map(|u| ("revocation_url", u));
        authorize
            .into_iter()
            .chain(token)
            .chain([("api_base", &self.api_base)])
            .chain(accounts)
            .chain(revocation)
    }

    /// Checks that this configuration signs in as `allowed` (the deployer's own configuration)
    /// does: the same client id, a redirect URI on the same origin, and every provider URL on
    /// an origin `allowed` also uses. Options that page markup can set (a custom element's
    /// attributes) pass through this, so injected markup can neither point a component at
    /// another API or authorization server nor have a genuine provider sign the person into
    /// another application whose redirect URI is elsewhere.
    pub fn check_within(&self, allowed: &Config) -> Result<(), ConfigError> {
        let origins: Vec<&str> = allowed.provider_urls().map(|(_, u)| u.origin()).collect();
        if let Some((name, url)) = self
            .provider_urls()
            .find(|(_, u)| !origins.contains(&u.origin()))
        {
            return Err(ConfigError::Field {
                field: name,
                problem: format!(
                    "{} is not one of the provider origins this site allows ({}); the deployer's config.json decides them",
                    url.origin(),
                    origins.join(", ")
                ),
            });
        }
        match (&self.redirect, &allowed.redirect) {
            (Some(ours), Some(theirs)) => {
                if ours.client_id != theirs.client_id {
                    return Err(field(
                        "client_id",
                        "is not the client id of this site's config.json",
                    ));
                }
                if !ours.redirect_uri.same_origin(&theirs.redirect_uri) {
                    return Err(field(
                        "redirect_uri",
                        "is not on the origin of this site's config.json's redirect_uri",
                    ));
                }
            }
            // The site signs in by pasted token only: a browser sign-in here would be as an
            // application the deployer never named.
            (Some(_), None) => {
                return Err(field(
                    "grant",
                    "this site's config.json has no browser sign-in for this provider",
                ))
            }
            (None, _) => {}
        }
        Ok(())
    }
}

/// A typed [`Config`] under construction: start with [`Config::builder`], set what differs from
/// the preset, then [`build`](ConfigBuilder::build). Each setter is `config.json`'s field of the
/// same name.
#[derive(Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ConfigBuilder(RawConfig);

impl ConfigBuilder {
    /// The short id (`[a-z0-9-]`, ≤ 40) that namespaces storage and binds callbacks.
    pub fn provider(mut self, id: impl Into<String>) -> Self {
        self.0.provider = Some(id.into());
        self
    }

    /// The provider's name as the person knows it.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.0.title = Some(title.into());
        self
    }

    /// The account subdomain a preset's URLs need (Aha!: `acme` for `acme.aha.io`).
    pub fn subdomain(mut self, subdomain: impl Into<String>) -> Self {
        self.0.subdomain = Some(subdomain.into());
        self
    }

    /// How the person gets a token.
    pub fn grant(mut self, grant: Grant) -> Self {
        self.0.grant = Some(grant);
        self
    }

    /// The client id the provider issued for this app.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.0.client_id = Some(client_id.into());
        self
    }

    /// The provider's authorize endpoint (https; http on loopback only).
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.0.authorize_url = Some(url.into());
        self
    }

    /// This app's callback address, as registered at the provider.
    pub fn redirect_uri(mut self, url: impl Into<String>) -> Self {
        self.0.redirect_uri = Some(url.into());
        self
    }

    /// The scopes to ask for.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.0.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The base URL of the provider's API.
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.0.api_base = Some(url.into());
        self
    }

    /// The endpoint that lists the accounts a token grants.
    pub fn accounts_url(mut self, url: impl Into<String>) -> Self {
        self.0.accounts_url = Some(url.into());
        self
    }

    /// The token endpoint, with [`Grant::Code`]: where the callback's code is redeemed.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.0.token_url = Some(url.into());
        self
    }

    /// The token revocation endpoint (RFC 7009): sign-out posts the token there.
    pub fn revocation_url(mut self, url: impl Into<String>) -> Self {
        self.0.revocation_url = Some(url.into());
        self
    }

    /// How the token travels, with every name it uses (nothing taken from the preset).
    pub fn token_transport(mut self, transport: TokenTransport) -> Self {
        self.0.transport = Some(transport);
        self
    }

    /// A response header listing the scopes the token really has.
    pub fn granted_scopes_header(mut self, header: impl Into<String>) -> Self {
        self.0.granted_scopes_header = Some(header.into());
        self
    }

    /// The "who am I" endpoint, relative to the API base.
    pub fn profile_path(mut self, path: impl Into<String>) -> Self {
        self.0.profile_path = Some(path.into());
        self
    }

    /// What a signed-in screen shows.
    pub fn view(mut self, view: View) -> Self {
        self.0.view = Some(view);
        self
    }

    /// Where the session is kept between page loads (default: memory only).
    pub fn token_storage(mut self, storage: TokenStorage) -> Self {
        self.0.token_storage = Some(storage);
        self
    }

    /// Requests the client allows itself per rolling window.
    pub fn rate_limit(mut self, limit: RateLimitConfig) -> Self {
        self.0.rate_limit = Some(limit);
        self
    }

    /// Offer pasting a personal access token.
    pub fn personal_access_token(mut self, offer: bool) -> Self {
        self.0.personal_access_token = offer;
        self
    }

    /// Abandon an API request unanswered after this many seconds (1 to 600; default 30).
    pub fn request_timeout_seconds(mut self, seconds: u32) -> Self {
        self.0.request_timeout_seconds = Some(seconds);
        self
    }

    /// Whether to renew in a hidden frame (`prompt=none`) before `expiring` fires.
    pub fn silent_renew(mut self, silent: bool) -> Self {
        self.0.silent_renew = silent;
        self
    }

    /// Whether a new tab asks this app's open tabs for their live session.
    pub fn share_session(mut self, share: bool) -> Self {
        self.0.share_session = share;
        self
    }

    /// How long before the token expires the `expiring` event fires (seconds; 0: never).
    pub fn expiring_seconds(mut self, seconds: u32) -> Self {
        self.0.expiring_seconds = Some(seconds);
        self
    }

    /// Checks every rule and returns the configuration, or the first field that breaks one.
    pub fn build(self) -> Result<Config, ConfigError> {
        Config::validate(self.0)
    }
}

fn field(field: &'static str, problem: &str) -> ConfigError {
    ConfigError::Field {
        field,
        problem: problem.to_owned(),
    }
}

fn is_short_id(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The query transport's names, given or the preset's, checked.
fn query_transport(
    token_param: Option<String>,
    account_param: Option<String>,
    preset_token_param: Option<&'static str>,
    preset_account_param: Option<&'static str>,
) -> Result<TokenTransport, ConfigError> {
    Ok(TokenTransport::Query {
        token_param: name_field("token_param", token_param, preset_token_param)?
            .unwrap_or_default(),
        account_param: name_field("account_param", account_param, preset_account_param)?,
    })
}

/// The header transport's scheme and account header, given or the preset's, checked.
fn header_transport(
    scheme: Option<String>,
    account_header: Option<String>,
    preset_scheme: Option<&'static str>,
    preset_account_header: Option<&'static str>,
) -> Result<TokenTransport, ConfigError> {
    let scheme = scheme
        .or(preset_scheme.map(str::to_owned))
        .unwrap_or_default();
    if !is_scheme_word(&scheme) {
        return Err(field(
            "auth_scheme",
            "use one word of letters, e.g. \"Bearer\"",
        ));
    }
    Ok(TokenTransport::Header {
        scheme,
        account_header: name_field("account_header", account_header, preset_account_header)?,
    })
}

fn is_scheme_word(value: &str) -> bool {
    !value.is_empty() && value.len() <= 20 && value.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A header or query parameter name: an HTTP token (RFC 9110 §5.6.2), so it cannot smuggle a
/// second header or parameter in.
fn name_field(
    name: &'static str,
    given: Option<String>,
    default: Option<&'static str>,
) -> Result<Option<String>, ConfigError> {
    let value = given.or(default.map(str::to_owned));
    if let Some(v) = &value {
        let ok = !v.is_empty()
            && v.len() <= 60
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !ok {
            return Err(field(
                name,
                &format!("\"{v}\" is not a header or parameter name"),
            ));
        }
    }
    Ok(value)
}

/// A browser grant's three fields, each required and checked, and the code grant's token
/// endpoint (already checked).
fn redirect(
    client_id: Option<String>,
    authorize_url: Option<String>,
    redirect_uri: Option<String>,
    token_url: Option<Url>,
) -> Result<Redirect, ConfigError> {
    let client_id = client_id.unwrap_or_default();
    if client_id.trim().is_empty() {
        return Err(field(
            "client_id",
            "must be the client id the provider issued for this app",
        ));
    }
    let authorize_url = authorize_url.ok_or_else(|| {
        field(
            "authorize_url",
            "is required: the provider's authorize endpoint",
        )
    })?;
    let authorize_url = endpoint("authorize_url", &authorize_url)?;
    if let Some((name, _)) = authorize_url
        .query_pairs()
        .into_iter()
        .find(|(k, _)| RESERVED_AUTHORIZE_PARAMS.contains(&k.as_str()))
    {
        return Err(field(
            "authorize_url",
            &format!("must not carry `{name}`: the app adds it to each request"),
        ));
    }
    let redirect_uri = redirect_uri.ok_or_else(|| {
        field(
            "redirect_uri",
            "is required: this app's callback address, as registered at the provider",
        )
    })?;
    let redirect_uri = endpoint("redirect_uri", &redirect_uri)?;
    if redirect_uri.query().is_some() {
        return Err(field(
            "redirect_uri",
            "must not have a query: the provider may put the token there",
        ));
    }
    Ok(Redirect {
        client_id,
        authorize_url,
        redirect_uri,
        token_url,
    })
}

/// The top-level field of `text` (a JSON object that failed to read as [`RawConfig`]) whose
/// value is at fault: the first one that fails to read on its own. serde's own error names
/// the value, not where it was.
fn field_at_fault(text: &str) -> Option<String> {
    // Each value stays the text it was: no JSON tree is built (that costs the wasm 11 KB).
    let fields: Vec<(String, &serde_json::value::RawValue)> =
        serde_json::from_str::<std::collections::BTreeMap<_, _>>(text)
            .ok()?
            .into_iter()
            .collect();
    fields.into_iter().find_map(|(name, value)| {
        let alone = format!("{{{}:{}}}", serde_json::to_string(&name).ok()?, value.get());
        serde_json::from_str::<RawConfig>(&alone)
            .is_err()
            .then_some(name)
    })
}

/// An absolute `https:` URL (plain `http:` only on loopback, for local development) without a
/// fragment: the fragment is where the token comes back, so it must be ours.
fn endpoint(name: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value)
        .map_err(|e| field(name, &format!("\"{value}\" is not an absolute URL ({e})")))?;
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if url.is_loopback() => {}
        _ => {
            return Err(field(
                name,
                &format!(
                    "\"{value}\" must use https (http is allowed only on localhost/127.0.0.1)"
                ),
            ))
        }
    }
    if url.has_credentials() {
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
            "preset": "harvest",
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
    fn options_from_markup_must_stay_on_the_deployers_provider_origins() {
        let deployer = sample();
        // The same providers and client, whatever else differs (another page of the site).
        let same = with(
            "redirect_uri",
            "https://app.example/other/callback.html".into(),
        );
        assert_eq!(same.unwrap().check_within(&deployer), Ok(()));
        // A genuine provider, but another application, or the response sent elsewhere.
        let other_client = with("client_id", "attackers-app".into()).unwrap();
        assert_eq!(
            bad_field(other_client.check_within(&deployer).map(|()| sample())),
            "client_id"
        );
        let elsewhere = with("redirect_uri", "https://evil.example/callback".into()).unwrap();
        assert_eq!(
            bad_field(elsewhere.check_within(&deployer).map(|()| sample())),
            "redirect_uri"
        );
        // A preset's own defaults count as the deployer's when its config.json relies on them.
        let mut bare = sample_json();
        for key in ["authorize_url", "api_base", "accounts_url"] {
            bare.as_object_mut().unwrap().remove(key);
        }
        let bare = Config::from_json(&bare.to_string()).unwrap();
        assert_eq!(sample().check_within(&bare), Ok(()));
        let evil = with("api_base", "https://evil.example/v2".into()).unwrap();
        let err = evil.check_within(&deployer).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Field { field: "api_base", problem } if problem.contains("https://evil.example")),
            "{err}"
        );
        let evil = with(
            "authorize_url",
            "https://id.evil.example/oauth2/authorize".into(),
        );
        assert_eq!(
            bad_field(evil.unwrap().check_within(&deployer).map(|()| sample())),
            "authorize_url"
        );
        // A site whose provider is paste-only allows no browser sign-in at all, whatever the
        // client id or redirect URI markup names (the authorize URL on an allowed origin).
        let paste_only = Config::builder("generic")
            .grant(Grant::Paste)
            .api_base("https://api.harvestapp.com/v2")
            .accounts_url("https://id.getharvest.com/api/v2/accounts")
            .build()
            .unwrap();
        let mut as_paste_site = sample_json();
        as_paste_site["authorize_url"] = "https://api.harvestapp.com/oauth2/authorize".into();
        let sneaked = Config::from_json(&as_paste_site.to_string()).unwrap();
        assert_eq!(
            bad_field(sneaked.check_within(&paste_only).map(|()| sample())),
            "grant"
        );
    }

    #[test]
    fn the_builder_makes_what_the_same_json_makes() {
        let built = Config::builder("harvest")
            .client_id("abc")
            .redirect_uri("https://app.example/callback")
            .scopes(["harvest:all"])
            .token_storage(TokenStorage::Session)
            .request_timeout_seconds(10)
            .build()
            .unwrap();
        let parsed = preset(serde_json::json!({
            "preset": "harvest", "client_id": "abc", "redirect_uri": "https://app.example/callback",
            "scopes": ["harvest:all"], "token_storage": "session", "request_timeout_seconds": 10
        }))
        .unwrap();
        assert_eq!(built, parsed);
        assert_eq!(built.token_storage(), TokenStorage::Session);
    }

    #[test]
    fn the_builder_checks_by_the_same_rules_and_names_the_field() {
        let base = || {
            Config::builder("harvest")
                .client_id("abc")
                .redirect_uri("https://app.example/callback")
        };
        let bad = |b: ConfigBuilder| match b.build() {
            Err(ConfigError::Field { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        };
        assert_eq!(
            bad(base().redirect_uri("http://app.example/cb")),
            "redirect_uri"
        );
        assert_eq!(bad(Config::builder("nope")), "preset");
        assert_eq!(
            bad(base().token_transport(TokenTransport::Header {
                scheme: "Bearer x".into(),
                account_header: None,
            })),
            "auth_scheme"
        );
        assert_eq!(
            bad(base().token_transport(TokenTransport::Query {
                token_param: "a=b".into(),
                account_param: None,
            })),
            "token_param"
        );
    }

    #[test]
    fn a_typed_transport_is_taken_whole_not_mixed_with_the_presets_names() {
        let c = Config::builder("harvest")
            .client_id("abc")
            .redirect_uri("https://app.example/callback")
            .token_transport(TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: None,
            })
            .build()
            .unwrap();
        assert_eq!(
            c.token_transport(),
            &TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: None,
            }
        );
        // From config.json, a switched transport takes the preset's names for that way.
        let c = preset(serde_json::json!({
            "preset": "harvest", "client_id": "abc", "redirect_uri": "https://app.example/cb",
            "token_transport": "header"
        }))
        .unwrap();
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: Some("Harvest-Account-Id".into()),
            }
        );
        let c = preset(serde_json::json!({
            "preset": "appharbor", "token_transport": "query", "token_param": "t", "account_param": "a"
        }))
        .unwrap();
        assert_eq!(
            c.transport,
            TokenTransport::Query {
                token_param: "t".into(),
                account_param: Some("a".into()),
            }
        );
    }

    #[test]
    fn valid_config_gets_memory_storage_and_query_transport_by_default() {
        let c = sample();
        assert_eq!(c.token_storage, TokenStorage::Memory);
        assert_eq!(
            c.transport,
            TokenTransport::Query {
                token_param: "access_token".into(),
                account_param: Some("account_id".into()),
            }
        );
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
    fn a_revocation_endpoint_is_an_endpoint_and_stays_on_the_deployers_origins() {
        let c = with(
            "revocation_url",
            "https://id.getharvest.com/oauth2/revoke".into(),
        )
        .unwrap();
        assert_eq!(
            c.revocation_url().map(Url::as_str),
            Some("https://id.getharvest.com/oauth2/revoke")
        );
        assert_eq!(sample().revocation_url(), None);
        assert_eq!(
            bad_field(with("revocation_url", "http://id.example/revoke".into())),
            "revocation_url"
        );
        // Markup cannot send the token to be "revoked" somewhere else.
        let evil = with("revocation_url", "https://evil.example/revoke".into()).unwrap();
        assert_eq!(
            bad_field(evil.check_within(&sample()).map(|()| sample())),
            "revocation_url"
        );
    }

    fn code_grant(json: serde_json::Value) -> Result<Config, ConfigError> {
        let mut base = sample_json();
        base["preset"] = "generic".into();
        base["api_base"] = "https://id.getharvest.com/api".into();
        base.as_object_mut().unwrap().remove("accounts_url");
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        Config::from_json(&base.to_string())
    }

    #[test]
    fn the_code_grant_needs_its_token_endpoint_and_the_implicit_grant_refuses_one() {
        let c = code_grant(serde_json::json!({
            "grant": "code",
            "token_url": "https://id.getharvest.com/oauth2/token"
        }))
        .unwrap();
        let redirect = c.redirect().unwrap();
        assert!(redirect.uses_code());
        assert_eq!(
            redirect.token_url.as_ref().map(Url::as_str),
            Some("https://id.getharvest.com/oauth2/token")
        );
        assert!(!sample().redirect().unwrap().uses_code());
        assert_eq!(
            bad_field(code_grant(serde_json::json!({ "grant": "code" }))),
            "token_url"
        );
        assert_eq!(
            bad_field(code_grant(serde_json::json!({
                "grant": "code",
                "token_url": "http://id.example/token"
            }))),
            "token_url"
        );
        // A token endpoint beside the implicit grant would be silently unused: a mistake.
        assert_eq!(
            bad_field(code_grant(serde_json::json!({
                "token_url": "https://id.getharvest.com/oauth2/token"
            }))),
            "token_url"
        );
        // Markup cannot send the code (and its verifier) to another token endpoint.
        let evil = code_grant(serde_json::json!({
            "grant": "code",
            "token_url": "https://evil.example/token"
        }))
        .unwrap();
        assert_eq!(
            bad_field(evil.check_within(&c).map(|()| sample())),
            "token_url"
        );
        let built = Config::builder("generic")
            .grant(Grant::Code)
            .client_id("c")
            .authorize_url("https://id.example/authorize")
            .redirect_uri("https://app.example/callback")
            .token_url("https://id.example/token")
            .api_base("https://id.example/api")
            .build()
            .unwrap();
        assert!(built.redirect().unwrap().uses_code());
    }

    #[test]
    fn the_expiring_warning_defaults_to_five_minutes_and_stays_within_a_day() {
        assert_eq!(sample().expiring_seconds(), 300);
        assert_eq!(
            with("expiring_seconds", 0.into())
                .unwrap()
                .expiring_seconds(),
            0
        );
        assert_eq!(
            bad_field(with("expiring_seconds", 86_401.into())),
            "expiring_seconds"
        );
        assert!(!sample().share_session());
        assert!(with("share_session", true.into()).unwrap().share_session());
        assert!(with("silent_renew", true.into()).unwrap().silent_renew());
        let mut json = sample_json();
        json["silent_renew"] = true.into();
        json["authorize_url"] = "https://id.getharvest.com/oauth2/authorize?prompt=login".into();
        assert_eq!(
            bad_field(Config::from_json(&json.to_string())),
            "authorize_url"
        );
        json["grant"] = "paste".into();
        assert_eq!(
            bad_field(Config::from_json(&json.to_string())),
            "silent_renew"
        );
    }

    #[test]
    fn a_bad_value_names_its_field() {
        let err = with("grant", "cod".into()).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Value { field, problem } if field == "grant" && problem.contains("`cod`")),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("config.json, field `grant`: "));
        let err = with(
            "rate_limit",
            serde_json::json!({"requests": "lots", "per_seconds": 1}),
        )
        .unwrap_err();
        assert!(
            matches!(&err, ConfigError::Value { field, .. } if field == "rate_limit"),
            "{err:?}"
        );
        // An unknown field, or broken JSON, is about the file.
        assert!(matches!(
            with("grnat", "code".into()),
            Err(ConfigError::Syntax(_))
        ));
        assert!(matches!(
            Config::from_json("{\"preset\": "),
            Err(ConfigError::Syntax(_))
        ));
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
    fn an_unknown_field_or_a_bad_value_is_refused_and_named() {
        let err = with("client_secret", "x".into()).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax(_)), "{err:?}");
        assert!(err.to_string().contains("client_secret"), "{err}");
        let err = with("token_storage", "local".into()).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Value { field, .. } if field == "token_storage"),
            "{err:?}"
        );
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

    fn preset(json: serde_json::Value) -> Result<Config, ConfigError> {
        Config::from_json(&json.to_string())
    }

    #[test]
    fn harvest_preset_needs_only_client_id_and_redirect_uri() {
        let c = preset(serde_json::json!({
            "preset": "harvest", "client_id": "abc", "redirect_uri": "https://app.example/callback/harvest"
        }))
        .unwrap();
        assert_eq!(c.provider, "harvest");
        assert_eq!(c.title, "Harvest");
        let r = c.redirect.as_ref().unwrap();
        assert_eq!(
            r.authorize_url.as_str(),
            "https://id.getharvest.com/oauth2/authorize"
        );
        assert_eq!(c.api_base.as_str(), "https://api.harvestapp.com/v2");
        assert_eq!(
            c.accounts_url.as_ref().unwrap().as_str(),
            "https://id.getharvest.com/api/v2/accounts"
        );
        assert_eq!(
            c.transport,
            TokenTransport::Query {
                token_param: "access_token".into(),
                account_param: Some("account_id".into()),
            }
        );
        assert_eq!(c.account_product, Some(Product::Harvest));
        assert_eq!(c.view, View::Harvest);
        assert_eq!(
            c.rate_limit,
            RateLimitConfig {
                requests: 100,
                per_seconds: 15
            }
        );
    }

    #[test]
    fn forecast_preset_shares_harvest_id_and_uses_its_own_api_and_header() {
        let c = preset(serde_json::json!({
            "preset": "forecast", "client_id": "abc", "redirect_uri": "https://app.example/callback/forecast"
        }))
        .unwrap();
        assert_eq!(
            c.redirect.unwrap().authorize_url.as_str(),
            "https://id.getharvest.com/oauth2/authorize"
        );
        assert_eq!(c.api_base.as_str(), "https://api.forecastapp.com/");
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: Some("Forecast-Account-ID".into()),
            }
        );
        assert_eq!(c.account_product, Some(Product::Forecast));
        assert_eq!(c.profile_path, "whoami");
        assert_eq!(c.view, View::Profile);
    }

    #[test]
    fn aha_preset_builds_its_urls_from_the_subdomain_and_requires_it() {
        let base = serde_json::json!({
            "preset": "aha", "client_id": "abc", "redirect_uri": "https://app.example/callback/aha"
        });
        assert_eq!(bad_field(preset(base.clone())), "subdomain");
        let mut json = base.clone();
        json["subdomain"] = "acme".into();
        let c = preset(json).unwrap();
        assert_eq!(
            c.redirect.unwrap().authorize_url.as_str(),
            "https://acme.aha.io/oauth/authorize"
        );
        assert_eq!(c.api_base.as_str(), "https://acme.aha.io/api/v1");
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: None,
            }
        );
        let mut json = base.clone();
        json["subdomain"] = "acme.evil.example/x".into();
        assert_eq!(bad_field(preset(json)), "subdomain");
        // Overriding both URLs (a local stand-in) makes the subdomain unnecessary.
        let mut json = base;
        json["authorize_url"] = "http://127.0.0.1:9/oauth/authorize".into();
        json["api_base"] = "http://127.0.0.1:9/api/v1".into();
        assert!(preset(json).is_ok());
    }

    #[test]
    fn appnet_preset_reads_granted_scopes_from_a_header() {
        let c = preset(serde_json::json!({
            "preset": "appnet", "client_id": "abc", "redirect_uri": "https://app.example/callback/appnet",
            "scopes": ["basic", "stream"]
        }))
        .unwrap();
        assert_eq!(
            c.redirect.unwrap().authorize_url.as_str(),
            "https://account.app.net/oauth/authenticate"
        );
        assert_eq!(c.granted_scopes_header.as_deref(), Some("X-OAuth-Scopes"));
        assert_eq!(c.scopes, ["basic", "stream"]);
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: None,
            }
        );
    }

    #[test]
    fn appharbor_preset_has_no_sign_in_and_needs_no_client_id() {
        let c = preset(serde_json::json!({ "preset": "appharbor" })).unwrap();
        assert!(c.redirect.is_none());
        assert!(c.personal_access_token);
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "BEARER".into(),
                account_header: None,
            }
        );
        assert_eq!(c.api_base.as_str(), "https://appharbor.com/");
        assert_eq!(c.storage_namespace(), "implicit-oauth:appharbor:paste");
    }

    #[test]
    fn generic_preset_is_the_default_and_needs_every_url() {
        let full = serde_json::json!({
            "client_id": "abc", "authorize_url": "https://as.example/authorize",
            "redirect_uri": "https://app.example/callback/generic", "api_base": "https://rs.example/api"
        });
        let c = preset(full.clone()).unwrap();
        assert_eq!(c.preset, "generic");
        assert_eq!(c.provider, "generic");
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "Bearer".into(),
                account_header: None,
            }
        );
        for missing in ["client_id", "authorize_url", "redirect_uri", "api_base"] {
            let mut json = full.clone();
            json.as_object_mut().unwrap().remove(missing);
            assert_eq!(bad_field(preset(json)), missing);
        }
    }

    #[test]
    fn every_preset_field_can_be_overridden() {
        let c = preset(serde_json::json!({
            "preset": "harvest", "provider": "harvest-eu", "title": "Harvest (EU)",
            "client_id": "abc", "redirect_uri": "https://app.example/cb",
            "authorize_url": "https://id.example/authorize", "api_base": "https://api.example/v2",
            "accounts_url": "https://id.example/accounts", "token_transport": "header",
            "auth_scheme": "Token", "token_param": "token", "account_param": "acct",
            "account_header": "X-Account", "granted_scopes_header": "X-Scopes",
            "profile_path": "people/me", "view": "profile",
            "rate_limit": {"requests": 5, "per_seconds": 1}
        }))
        .unwrap();
        assert_eq!(
            (c.provider.as_str(), c.title.as_str()),
            ("harvest-eu", "Harvest (EU)")
        );
        assert_eq!(
            c.redirect.unwrap().authorize_url.as_str(),
            "https://id.example/authorize"
        );
        assert_eq!(c.api_base.as_str(), "https://api.example/v2");
        // The header transport takes its own names; the query's are not carried along.
        assert_eq!(
            c.transport,
            TokenTransport::Header {
                scheme: "Token".into(),
                account_header: Some("X-Account".into()),
            }
        );
        assert_eq!(c.granted_scopes_header.as_deref(), Some("X-Scopes"));
        assert_eq!(
            (c.profile_path.as_str(), c.view),
            ("people/me", View::Profile)
        );
        assert_eq!(c.rate_limit.requests, 5);
    }

    #[test]
    fn unknown_preset_and_unsafe_names_are_named() {
        let err = with("preset", "myspace".into()).unwrap_err();
        assert_eq!(bad_field(Err(err.clone())), "preset");
        assert!(err.to_string().contains("harvest, forecast"), "{err}");
        assert_eq!(
            bad_field(with("account_header", "X-A\r\nX-B".into())),
            "account_header"
        );
        assert_eq!(
            bad_field(with("account_header", "X-A: 1".into())),
            "account_header"
        );
        assert_eq!(
            bad_field(with("token_param", "a=b&c".into())),
            "token_param"
        );
        assert_eq!(
            bad_field(with("auth_scheme", "Bearer x".into())),
            "auth_scheme"
        );
        assert_eq!(
            bad_field(with("profile_path", "//evil.example/x".into())),
            "profile_path"
        );
        assert_eq!(
            bad_field(with("profile_path", "https://evil.example/".into())),
            "profile_path"
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
