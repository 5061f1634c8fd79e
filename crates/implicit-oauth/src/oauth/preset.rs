//! The providers this app knows, as data: one table row per provider, no code path per provider.
//!
//! A row holds the provider's documented defaults. `config.json` names a row with `"preset"` and
//! may override any field of it; the `generic` row has no URLs, so a deployer supplies them for
//! any RFC 6749 server. Adding a provider means adding a row (and a page under `docs/providers/`).

use super::config::TransportKind;
use super::scope::Product;

/// How a person gets a token for this provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grant {
    /// The implicit grant: a redirect (or popup) to the authorize URL.
    Implicit,
    /// The authorization code grant with PKCE (RFC 7636), for providers that offer it to
    /// public clients: the same redirect (or popup), then the code is redeemed at `token_url`.
    Code,
    /// No browser grant exists (the provider's only grant needs a client secret): the person
    /// pastes a token they created at the provider.
    Paste,
}

/// What the signed-in screen shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// Harvest's dashboard: person, company, assignments, paginated time entries.
    Harvest,
    /// One "who am I" call (`profile_path`), shown as a list of fields, with the granted scopes.
    Profile,
}

/// One provider's defaults. `{subdomain}` in a URL is replaced by the `subdomain` field.
#[derive(Debug, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub grant: Grant,
    pub authorize_url: Option<&'static str>,
    pub api_base: Option<&'static str>,
    pub accounts_url: Option<&'static str>,
    pub token_transport: TransportKind,
    /// The scheme word of the `Authorization` header (`Bearer`; AppHarbor documents `BEARER`).
    pub auth_scheme: &'static str,
    /// The query parameter that carries the token with the query transport.
    pub token_param: &'static str,
    /// The query parameter / header that name the account an API call acts on.
    pub account_param: Option<&'static str>,
    pub account_header: Option<&'static str>,
    /// Which product's accounts the scope names (`harvest:123`, `forecast:456`).
    pub account_product: Option<Product>,
    /// A response header listing the scopes the token really has (App.net: `X-OAuth-Scopes`).
    pub granted_scopes_header: Option<&'static str>,
    /// The "who am I" endpoint, relative to `api_base`.
    pub profile_path: &'static str,
    pub view: View,
    /// Requests per window the provider allows, when it documents a limit.
    pub rate_limit: Option<(u32, u32)>,
}

const BASE: Preset = Preset {
    id: "generic",
    title: "your provider",
    grant: Grant::Implicit,
    authorize_url: None,
    api_base: None,
    accounts_url: None,
    token_transport: TransportKind::Header,
    auth_scheme: "Bearer",
    token_param: "access_token",
    account_param: None,
    account_header: None,
    account_product: None,
    granted_scopes_header: None,
    profile_path: "me",
    view: View::Profile,
    rate_limit: None,
};

/// Every preset. The first row is the default when `config.json` names none.
pub const PRESETS: &[Preset] = &[
    BASE,
    Preset {
        id: "harvest",
        title: "Harvest",
        authorize_url: Some("https://id.getharvest.com/oauth2/authorize"),
        api_base: Some("https://api.harvestapp.com/v2"),
        accounts_url: Some("https://id.getharvest.com/api/v2/accounts"),
        // Harvest's documented mode for browser tokens (CORS without a preflight).
        token_transport: TransportKind::Query,
        account_param: Some("account_id"),
        account_header: Some("Harvest-Account-Id"),
        account_product: Some(Product::Harvest),
        profile_path: "users/me",
        view: View::Harvest,
        rate_limit: Some((100, 15)),
        ..BASE
    },
    Preset {
        id: "forecast",
        title: "Forecast",
        // Same identity service as Harvest; Forecast accounts are `forecast:<id>` scopes.
        authorize_url: Some("https://id.getharvest.com/oauth2/authorize"),
        api_base: Some("https://api.forecastapp.com"),
        accounts_url: Some("https://id.getharvest.com/api/v2/accounts"),
        account_header: Some("Forecast-Account-ID"),
        account_product: Some(Product::Forecast),
        profile_path: "whoami",
        ..BASE
    },
    Preset {
        id: "aha",
        title: "Aha!",
        authorize_url: Some("https://{subdomain}.aha.io/oauth/authorize"),
        api_base: Some("https://{subdomain}.aha.io/api/v1"),
        ..BASE
    },
    Preset {
        id: "appnet",
        title: "App.net",
        authorize_url: Some("https://account.app.net/oauth/authenticate"),
        api_base: Some("https://alpha-api.app.net/stream/0"),
        granted_scopes_header: Some("X-OAuth-Scopes"),
        profile_path: "users/me",
        ..BASE
    },
    Preset {
        id: "appharbor",
        title: "AppHarbor",
        // AppHarbor's only grant is the code flow with a client secret, which a page cannot keep.
        grant: Grant::Paste,
        api_base: Some("https://appharbor.com"),
        auth_scheme: "BEARER",
        profile_path: "user",
        ..BASE
    },
];

/// The preset named `id`.
pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The preset ids, for error messages.
pub fn names() -> String {
    PRESETS.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_ids_are_unique_and_valid_provider_ids() {
        for (i, p) in PRESETS.iter().enumerate() {
            assert!(
                PRESETS[i + 1..].iter().all(|q| q.id != p.id),
                "{} twice",
                p.id
            );
            assert!(p
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        }
        assert_eq!(PRESETS[0].id, "generic");
    }

    #[test]
    fn only_the_generic_preset_lacks_an_api_base() {
        for p in PRESETS {
            assert_eq!(p.api_base.is_none(), p.id == "generic", "{}", p.id);
        }
    }

    #[test]
    fn redirect_presets_other_than_generic_know_their_authorize_url() {
        for p in PRESETS.iter().filter(|p| p.id != "generic") {
            assert_eq!(
                p.authorize_url.is_some(),
                p.grant == Grant::Implicit,
                "{}",
                p.id
            );
        }
    }
}
