//! A static file server for the built app (`dist/`), with the security headers we recommend.
//!
//! `config.json` can be supplied in memory, so tests and `make run` point the same `dist/` at a
//! provider on any port. The CSP's `connect-src` and `form-action` are derived from that config:
//! the app may talk to its provider's origins and nothing else.
//!
//! Pages are where authorization responses arrive (Harvest's in the query), so every HTML
//! answer is `no-store`: no browser or proxy keeps a copy of a callback URL's response. Files
//! are compressed (gzip or brotli, as the browser asks): the wasm is most of the download. The
//! hashed build outputs come compressed from the build at the best levels
//! (`scripts/precompress.mjs` writes `.br` and `.gz` beside them) and are sent as they are; the
//! rest is compressed as it is sent.

use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use url::Url;

/// The Content-Security-Policy for the app, given the text of its `config.json`.
pub fn content_security_policy(config_json: &str) -> String {
    let origins = provider_origins(config_json);
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self' {origins}; form-action 'self' {origins}; frame-src 'self' {origins}; \
         base-uri 'none'; object-src 'none'; frame-ancestors 'self'"
    )
}

/// The origins of the URLs `config.json` names (authorize, token, API, accounts, revocation),
/// space-separated.
/// Preset defaults that the file does not spell out are not included: a deployment that
/// relies on them lists them in its server's CSP (see deploy/nginx.conf).
pub fn provider_origins(config_json: &str) -> String {
    let config: serde_json::Value = serde_json::from_str(config_json).unwrap_or_default();
    let mut origins: Vec<String> = [
        "api_base",
        "accounts_url",
        "authorize_url",
        "token_url",
        "revocation_url",
    ]
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
/// for in-app routes (paths whose last segment has no `.`); a missing file is a 404.
pub fn router(dir: PathBuf, config_json: Option<String>) -> Router {
    let config_text = config_json
        .clone()
        .or_else(|| std::fs::read_to_string(dir.join("config.json")).ok())
        .unwrap_or_default();
    let csp = HeaderValue::from_str(&content_security_policy(&config_text)).expect("CSP is ASCII");
    let index = dir.join("index.html");
    let in_app_route = get(move |uri: axum::http::Uri| {
        let index = index.clone();
        async move {
            let last = uri.path().rsplit('/').next().unwrap_or_default();
            match tokio::fs::read_to_string(&index).await {
                Ok(page) if !last.contains('.') => axum::response::Html(page).into_response(),
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let files = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(in_app_route);
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
        // What the build did not compress (a response that has its encoding is left alone): a
        // middle level, as it is paid on every request.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
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
    // Hashed build outputs never change; pages (where callbacks arrive) are never stored;
    // the rest (config.json, boot.js) is revalidated.
    let is_page = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let cache = if is_page {
        "no-store"
    } else if is_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The build's compressed copy was chosen by the request's Accept-Encoding: a cache in
    // front must know, or it may hand brotli to a browser that never asked for it. (The
    // compression layer says so for what it compresses itself, and leaves a response that
    // already has its encoding alone.)
    if h.contains_key(header::CONTENT_ENCODING) && !h.contains_key(header::VARY) {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Trunk names build outputs `name-<hash>.ext` (and `…_bg.wasm`): a 64-bit hash in hex, 16
/// digits, fewer when it starts with zeros.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, h)| {
        (12..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_build_outputs_are_immutable() {
        assert!(is_hashed("/implicit-oauth-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(
            is_hashed("/style-2ade8e862f74748.css"),
            "a hash with a leading zero"
        );
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

    /// A `dist/` with a page, a hashed wasm and boot.js, in a fresh temporary folder.
    fn sample_dist() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "implicit-oauth-site-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
        std::fs::write(
            dir.join("callback.html"),
            "<!doctype html><title>cb</title>",
        )
        .unwrap();
        std::fs::write(dir.join("boot.js"), "export {};".repeat(100)).unwrap();
        let wasm: Vec<u8> = (0..20_000u32).flat_map(|i| (i % 7).to_le_bytes()).collect();
        std::fs::write(dir.join("implicit-oauth-0123456789abcdef_bg.wasm"), wasm).unwrap();
        // The build's compressed copies of a hashed output (their bytes are stand-ins).
        std::fs::write(dir.join("style-0123456789abcdef.css"), "body{}".repeat(100)).unwrap();
        std::fs::write(dir.join("style-0123456789abcdef.css.br"), "brotli bytes").unwrap();
        std::fs::write(dir.join("style-0123456789abcdef.css.gz"), "gzip bytes").unwrap();
        dir
    }

    async fn answer(path: &str, accept: Option<&str>) -> Response {
        use tower::ServiceExt;
        let mut request = Request::builder().uri(path);
        if let Some(encodings) = accept {
            request = request.header(header::ACCEPT_ENCODING, encodings);
        }
        router(sample_dist(), Some("{}".into()))
            .oneshot(request.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap()
    }

    fn header_of(r: &Response, name: header::HeaderName) -> &str {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    #[tokio::test]
    async fn the_wasm_is_sent_compressed_as_the_browser_asks() {
        let wasm = "/implicit-oauth-0123456789abcdef_bg.wasm";
        let br = answer(wasm, Some("gzip, deflate, br, zstd")).await;
        assert_eq!(br.status(), StatusCode::OK);
        assert_eq!(header_of(&br, header::CONTENT_ENCODING), "br");
        let gzip = answer(wasm, Some("gzip")).await;
        assert_eq!(header_of(&gzip, header::CONTENT_ENCODING), "gzip");
        let plain = answer(wasm, None).await;
        assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
    }

    #[tokio::test]
    async fn the_builds_compressed_copies_are_sent_as_they_are() {
        use http_body_util::BodyExt;
        let css = "/style-0123456789abcdef.css";
        for (accept, encoding, body) in [
            ("gzip, deflate, br, zstd", "br", "brotli bytes"),
            ("gzip", "gzip", "gzip bytes"),
        ] {
            let r = answer(css, Some(accept)).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(header_of(&r, header::CONTENT_ENCODING), encoding);
            assert_eq!(header_of(&r, header::CONTENT_TYPE), "text/css");
            assert_eq!(
                header_of(&r, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable"
            );
            assert_eq!(header_of(&r, header::VARY), "accept-encoding", "{accept}");
            let bytes = r.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(bytes, body.as_bytes(), "{accept}");
        }
        let plain = answer(css, None).await;
        assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
        assert_eq!(header_of(&plain, header::VARY), "accept-encoding");
    }

    #[tokio::test]
    async fn pages_where_callbacks_arrive_are_never_stored() {
        for page in [
            "/?access_token=T&state=S",
            "/index.html",
            "/callback.html?access_token=T",
            "/some/in-app/route",
        ] {
            let r = answer(page, Some("gzip")).await;
            assert_eq!(r.status(), StatusCode::OK, "{page}");
            assert_eq!(header_of(&r, header::CACHE_CONTROL), "no-store", "{page}");
        }
        let boot = answer("/boot.js", None).await;
        assert_eq!(header_of(&boot, header::CACHE_CONTROL), "no-cache");
    }

    #[tokio::test]
    async fn a_missing_file_is_a_404_not_the_app_page() {
        for path in [
            "/favicon.ico",
            "/missing-0123456789abcdef.js",
            "/tools/x.css",
        ] {
            assert_eq!(
                answer(path, None).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }

    #[test]
    fn csp_for_unreadable_config_allows_only_self() {
        assert!(content_security_policy("not json").contains("connect-src 'self' ;"));
    }
}
