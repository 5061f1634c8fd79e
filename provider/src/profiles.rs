//! The local provider's impersonations: one per preset of the app, each with the quirks the real
//! service has (where the callback puts its parameters, what scopes look like, whether tokens
//! expire, which "who am I" call it answers). Selected with `--profile`. Pure data: the
//! handlers that answer as each service are in `whoami.rs`.

use serde_json::json;

/// Where the authorization response puts its parameters. Real providers differ: the RFC says
/// the fragment, Harvest in practice uses the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackPlacement {
    Query,
    Fragment,
    /// App.net: `state` in the query, everything else (token or error) in the fragment.
    Split,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Harvest ID + Harvest v2: callback in the query, account scopes, 14-day tokens.
    Harvest,
    /// Harvest ID + Forecast: the same sign-in, `GET /whoami` with `Forecast-Account-ID`.
    Forecast,
    /// Aha!: `/oauth/authorize`, callback in the fragment, `GET /api/v1/me` with a bearer header.
    Aha,
    /// App.net: `/oauth/authenticate`, `state` in the query and the token in the fragment,
    /// tokens that do not expire, granted scopes in `X-OAuth-Scopes`.
    AppNet,
    /// AppHarbor: no browser grant at all; pasted tokens that never expire, `GET /user`.
    AppHarbor,
    /// A plain RFC 6749 server: `/oauth2/authorize`, fragment, requested scopes, `GET /api/me`.
    Generic,
}

pub const ALL: [Profile; 6] = [
    Profile::Harvest,
    Profile::Forecast,
    Profile::Aha,
    Profile::AppNet,
    Profile::AppHarbor,
    Profile::Generic,
];

impl Profile {
    pub fn id(self) -> &'static str {
        match self {
            Profile::Harvest => "harvest",
            Profile::Forecast => "forecast",
            Profile::Aha => "aha",
            Profile::AppNet => "appnet",
            Profile::AppHarbor => "appharbor",
            Profile::Generic => "generic",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        ALL.into_iter().find(|p| p.id() == id)
    }

    /// The authorize page's path (`None`: the service has no browser grant).
    pub fn authorize_path(self) -> Option<&'static str> {
        match self {
            Profile::Harvest | Profile::Forecast | Profile::Generic => Some("/oauth2/authorize"),
            Profile::Aha => Some("/oauth/authorize"),
            Profile::AppNet => Some("/oauth/authenticate"),
            Profile::AppHarbor => None,
        }
    }

    /// The token revocation endpoint's path (RFC 7009): the generic profile's only, as
    /// Harvest and the other presets have none.
    pub fn revocation_path(self) -> Option<&'static str> {
        match self {
            Profile::Generic => Some("/oauth2/revoke"),
            _ => None,
        }
    }

    /// Whether the authorization code grant with PKCE is offered (the generic profile's, as
    /// the presets' real services offer browsers the implicit grant only).
    pub fn offers_code(self) -> bool {
        self == Profile::Generic
    }

    /// The token endpoint's path (the code grant's).
    pub fn token_path(self) -> Option<&'static str> {
        self.offers_code().then_some("/oauth2/token")
    }

    /// The API base path, below the provider's origin.
    pub fn api_base_path(self) -> &'static str {
        match self {
            Profile::Harvest => "/v2",
            Profile::Forecast | Profile::AppHarbor => "",
            Profile::Aha => "/api/v1",
            Profile::AppNet => "/stream/0",
            Profile::Generic => "/api",
        }
    }

    pub fn placement(self) -> CallbackPlacement {
        match self {
            Profile::Harvest | Profile::Forecast => CallbackPlacement::Query,
            Profile::AppNet => CallbackPlacement::Split,
            _ => CallbackPlacement::Fragment,
        }
    }

    /// Scopes name accounts (`harvest:1`) chosen on the consent page, rather than permissions.
    pub fn scopes_are_accounts(self) -> bool {
        matches!(self, Profile::Harvest | Profile::Forecast)
    }

    /// Whether issued tokens expire (and the callback says when).
    pub fn tokens_expire(self) -> bool {
        !matches!(self, Profile::AppNet | Profile::AppHarbor)
    }

    /// The app's `config.json` for the matching preset, pointed at this provider: the
    /// preset's defaults with only the URLs (and the demo client id) replaced. Harvest's demo
    /// comes back to the app's folder itself; the others to `callback.html` beside it, which
    /// hands the response back to the page that left (both are real files, so any static host
    /// serves them).
    /// `app_url` ends with `/`.
    pub fn app_config(self, provider_url: &str, app_url: &str) -> serde_json::Value {
        let id = self.id();
        let mut config = json!({
            "preset": id,
            "api_base": format!("{provider_url}{}", self.api_base_path()),
        });
        if let Some(path) = self.authorize_path() {
            config["client_id"] = "local-demo".into();
            config["authorize_url"] = format!("{provider_url}{path}").into();
            config["redirect_uri"] = format!("{app_url}callback.html").into();
        }
        match self {
            Profile::Harvest => {
                config["redirect_uri"] = app_url.into();
                config["accounts_url"] = format!("{provider_url}/api/v2/accounts").into();
            }
            Profile::Forecast => {
                config["accounts_url"] = format!("{provider_url}/api/v2/accounts").into();
            }
            Profile::AppNet => config["scopes"] = json!(["basic", "stream"]),
            Profile::Generic => {
                config["scopes"] = json!(["read", "write"]);
                config["revocation_url"] = format!("{provider_url}/oauth2/revoke").into();
            }
            Profile::Aha | Profile::AppHarbor => {}
        }
        config
    }
}
