//! The local provider: a faithful loopback stand-in for Harvest ID (authorize + consent,
//! accounts) and a slice of the Harvest v2 API, plus the static server for the built app.
//! It listens on loopback only.

pub mod api;
pub mod authorize;
pub mod bearer;
pub mod data;
pub mod faults;
pub mod harvest_data;
pub mod html;
pub mod profiles;
pub mod settings;
pub mod site;
pub mod tokens;
pub mod whoami;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use settings::Settings;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// Shared state: the settings, the person and their accounts, issued tokens, the generated
/// Harvest data, fault switches and the request log.
pub struct Provider {
    pub settings: Settings,
    pub user: data::User,
    pub accounts: Vec<data::Account>,
    pub store: tokens::Store,
    pub data: HashMap<u64, harvest_data::AccountData>,
    pub faults: Mutex<faults::Faults>,
    pub requests: Mutex<Vec<faults::Recorded>>,
    pub windows: Mutex<faults::Windows>,
}

impl Provider {
    pub fn new(settings: Settings) -> Arc<Self> {
        let user = data::demo_user();
        let accounts = settings.accounts.clone();
        let person = harvest_data::Named {
            id: user.id,
            name: user.full_name(),
        };
        let data = accounts
            .iter()
            .filter(|a| a.product == "harvest")
            .map(|a| {
                (
                    a.id,
                    harvest_data::generate(a.id, &a.name, &person, settings.entries_per_weekday),
                )
            })
            .collect();
        Arc::new(Provider {
            settings,
            user,
            accounts,
            store: tokens::Store::default(),
            data,
            faults: Mutex::default(),
            requests: Mutex::default(),
            windows: Mutex::default(),
        })
    }

    /// API requests received so far (preflights included).
    pub fn recorded(&self) -> Vec<faults::Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests received so far for `path` (preflights included).
    pub fn requests_to(&self, path: &str) -> Vec<faults::Recorded> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Changes the fault switches.
    pub fn set_faults(&self, change: impl FnOnce(&mut faults::Faults)) {
        change(&mut self.faults.lock().unwrap());
    }
}

/// All of the provider's routes.
pub fn router(provider: Arc<Provider>) -> Router {
    let mut api = Router::new();
    if let Some(path) = provider.settings.profile.revocation_path() {
        api = api.route(path, axum::routing::post(api::revoke));
    }
    if let Some(path) = provider.settings.profile.token_path() {
        api = api.route(path, axum::routing::post(api::token));
    }
    let api = api
        .route("/api/v2/accounts", get(api::accounts))
        .route("/v2/users/me", get(api::users_me))
        .route("/v2/company", get(api::company))
        .route("/v2/users/me/project_assignments", get(api::assignments))
        .route("/v2/time_entries", get(api::time_entries))
        .route("/whoami", get(whoami::forecast_whoami))
        .route("/api/v1/me", get(whoami::aha_me))
        .route("/stream/0/users/me", get(whoami::appnet_me))
        .route("/user", get(whoami::appharbor_user))
        .route("/api/me", get(whoami::generic_me))
        .layer(axum::middleware::from_fn_with_state(
            provider.clone(),
            faults::apply,
        ))
        .layer(axum::middleware::from_fn_with_state(
            provider.clone(),
            api::cors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            provider.clone(),
            faults::record,
        ));
    let pages_csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'",
        provider.settings.allowed_origin
    );
    let mut pages = Router::new();
    if let Some(path) = provider.settings.profile.authorize_path() {
        pages = pages.route(path, get(authorize::show).post(authorize::decide));
    }
    let pages = pages
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&pages_csp).expect("origin is ASCII"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(api)
        .merge(pages)
        .with_state(provider)
}

/// Binds `addr` (loopback only) and serves `app` in the background; returns the bound address.
pub async fn spawn(addr: SocketAddr, app: Router) -> std::io::Result<SocketAddr> {
    serve(bind(addr).await?, app)
}

/// Binds a loopback address; port 0 picks a free port.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    assert!(
        addr.ip().is_loopback(),
        "the local provider never listens beyond loopback"
    );
    TcpListener::bind(addr).await
}

/// Serves `app` on an already bound listener in the background; returns its address.
pub fn serve(listener: TcpListener, app: Router) -> std::io::Result<SocketAddr> {
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server runs");
    });
    Ok(bound)
}

/// Serves `app` until the returned sender is dropped or fires; then the listener closes and
/// idle connections are shut, so the address really stops answering (tests take a provider
/// "offline" this way).
pub fn serve_stoppable(listener: TcpListener, app: Router) -> tokio::sync::oneshot::Sender<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
    });
    stop
}
