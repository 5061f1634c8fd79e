//! A static file server for the built app (`dist/`), with the security headers we recommend.
//!
//! `config.json` can be supplied in memory, so tests and `make run` point the same `dist/` at a
//! provider on any port. The CSP's `connect-src` and `form-action` are derived from that config:
//! the app may talk to its provider's origins and nothing else.

use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};
use url::Url;

/// The Content-Security-Policy for the app, given the text of its `config.json`.
pub fn content_security_policy(config_json: &str) -> String {
    let origins = provider_origins(config_json);
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self' {origins}; form-action 'self' {origins}; base-uri 'none'; object-src 'none'; \
         frame-ancestors 'self'"
    )
}

/// The origins of the URLs `config.json` names (authorize, API, accounts), space-separated.
/// Preset defaults that the file does not spell out are not included: a deployment that
/// relies on them lists them in its server's CSP (see deploy/nginx.conf).
pub fn provider_origins(config_json: &str) -> String {
    let config: serde_json::Value = serde_json::from_str(config_json).unwrap_or_default();
    let mut origins: Vec<String> = ["api_base", "accounts_url", "authorize_url"]
        .iter()
        .filter_map(|k| config.get(k)?.as_str())
        .filter_map(|u| Url::parse(u).ok())
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
        .collect();
    origins.sort();
    origins.dedup();
    origins.join(" ")
}

/// Serves `dir`, with `config_json` (if given) as `/config.json`, falling back to `index.html`
/// for in-app routes.
pub fn router(dir: PathBuf, config_json: Option<String>) -> Router {
    let config_text = config_json
        .clone()
        .or_else(|| std::fs::read_to_string(dir.join("config.json")).ok())
        .unwrap_or_default();
    let csp = HeaderValue::from_str(&content_security_policy(&config_text)).expect("CSP is ASCII");
    let files = ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")));
    let mut router = Router::new();
    if let Some(text) = config_json {
        router = router.route(
            "/config.json",
            get(move || {
                let text = text.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], text) }
            }),
        );
    }
    router
        .fallback_service(files)
        .layer(axum::middleware::from_fn(
            move |req: Request<_>, next: Next| {
                let csp = csp.clone();
                async move { with_headers(req, next, csp).await }
            },
        ))
}

async fn with_headers(req: Request<axum::body::Body>, next: Next, csp: HeaderValue) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = next.run(req).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        return response.into_response();
    }
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Hashed build outputs never change; the page and its config must be revalidated.
    let cache = if is_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Trunk names build outputs `name-<16 hex digits>.ext` (and `…_bg.wasm`).
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_build_outputs_are_immutable() {
        assert!(is_hashed("/implicit-oauth-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(!is_hashed("/boot.js"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/index.html"));
    }

    #[test]
    fn csp_allows_exactly_the_configured_provider_origins() {
        let csp = content_security_policy(
            r#"{"api_base":"http://127.0.0.1:9090/v2","accounts_url":"http://127.0.0.1:9090/api/v2/accounts",
                "authorize_url":"https://id.example/oauth2/authorize"}"#,
        );
        assert!(
            csp.contains("connect-src 'self' http://127.0.0.1:9090 https://id.example;"),
            "{csp}"
        );
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(csp.contains("base-uri 'none'"));
    }

    #[test]
    fn csp_for_unreadable_config_allows_only_self() {
        assert!(content_security_policy("not json").contains("connect-src 'self' ;"));
    }
}
