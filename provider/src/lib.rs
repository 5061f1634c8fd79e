//! The local provider: a faithful loopback stand-in for Harvest ID (authorize + consent,
//! accounts) and a slice of the Harvest v2 API, plus the static server for the built app.
//! It listens on loopback only.

pub mod api;
pub mod authorize;
pub mod data;
pub mod html;
pub mod settings;
pub mod site;
pub mod tokens;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use settings::Settings;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Shared state: the settings, the person and their accounts, and issued tokens.
pub struct Provider {
    pub settings: Settings,
    pub user: data::User,
    pub accounts: Vec<data::Account>,
    pub store: tokens::Store,
}

impl Provider {
    pub fn new(settings: Settings) -> Arc<Self> {
        let (user, accounts) = data::demo_user();
        Arc::new(Provider {
            settings,
            user,
            accounts,
            store: tokens::Store::default(),
        })
    }
}

/// All of the provider's routes.
pub fn router(provider: Arc<Provider>) -> Router {
    let api = Router::new()
        .route("/api/v2/accounts", get(api::accounts))
        .route("/v2/users/me", get(api::users_me))
        .layer(axum::middleware::from_fn_with_state(
            provider.clone(),
            api::cors,
        ));
    let pages_csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'",
        provider.settings.allowed_origin
    );
    let pages = Router::new()
        .route(
            "/oauth2/authorize",
            get(authorize::show).post(authorize::decide),
        )
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
