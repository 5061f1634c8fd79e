//! Threats from SECURITY.md that only a real browser can show: markup in error text, hostile
//! error links, destinations chosen by the callback, Referer and cache leaks, CSP violations.

use e2e::Env;
use serde_json::json;
use std::time::Duration;

/// Starts a sign-in and returns its `state`, read from the consent page's URL.
async fn pending_state(env: &Env) -> String {
    env.open("/").await;
    env.click("#sign-in").await;
    env.consent_state().await
}

fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn error_description_with_markup_renders_as_text_and_a_javascript_error_uri_is_not_linked() {
    let env = Env::start().await;
    let state = pending_state(&env).await;
    let description = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";
    env.open(&format!(
        "/?error=access_denied&error_description={}&error_uri={}&state={state}",
        enc(description),
        enc("javascript:window.pwned=3")
    ))
    .await;
    env.screen("error").await;
    assert_eq!(env.text("#error-description").await, description);
    assert_eq!(
        env.js("return document.querySelectorAll('main img, main script').length")
            .await,
        json!(0)
    );
    assert_eq!(
        env.js("return document.getElementById('error-uri')").await,
        json!(null)
    );
    assert_eq!(env.js("return window.pwned ?? null").await, json!(null));
    env.close().await;
}

#[tokio::test]
async fn an_http_error_uri_is_not_linked_and_an_https_one_is_with_no_referrer() {
    let env = Env::start().await;
    let state = pending_state(&env).await;
    env.open(&format!(
        "/?error=server_error&error_uri={}&state={state}",
        enc("http://docs.example/e")
    ))
    .await;
    env.screen("error").await;
    assert_eq!(
        env.js("return document.getElementById('error-uri')").await,
        json!(null)
    );

    let state = pending_state(&env).await;
    env.open(&format!(
        "/?error=server_error&error_uri={}&state={state}",
        enc("https://docs.example/e")
    ))
    .await;
    env.screen("error").await;
    let link = env.wait_for("#error-uri").await;
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://docs.example/e")
    );
    assert!(link
        .attr("rel")
        .await
        .unwrap()
        .unwrap()
        .contains("noreferrer"));
    env.close().await;
}

#[tokio::test]
async fn nothing_in_the_callback_url_chooses_where_the_app_goes() {
    let env = Env::start().await;
    env.open("/dashboard-route?tab=1").await;
    env.click("#sign-in").await;
    let state = env.consent_state().await;
    // A callback the app accepts (right state), carrying destinations an attacker would like.
    let token = env
        .provider
        .store
        .issue(vec![123_456], Duration::from_secs(600));
    let evil = format!(
        "/?state={state}&access_token={token}&token_type=bearer&return_to={}&redirect_uri={}&next={}",
        enc("https://evil.example/"),
        enc("//evil.example/"),
        enc("javascript:alert(1)")
    );
    env.open(&evil).await;
    env.wait_for("#user-name").await;
    let url = env.browser.current_url().await.unwrap();
    assert_eq!(
        url.as_str(),
        format!("{}dashboard-route?tab=1", env.app_url),
        "the app must return to the route saved before sign-in, nowhere else"
    );
    env.close().await;
}

#[tokio::test]
async fn no_provider_request_carries_a_referer_and_every_api_request_bypasses_caches() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    env.dashboard_settled().await;
    let seen = env.provider.recorded();
    assert!(seen.iter().any(|r| r.method == "GET"));
    for r in &seen {
        assert_eq!(r.referer, None, "{} {} sent a Referer", r.method, r.path);
        if r.method == "GET" {
            let cache = r.cache_control.as_deref().unwrap_or("");
            assert!(
                cache.contains("no-cache"),
                "{} was cacheable (Cache-Control: {cache:?})",
                r.path
            );
        }
    }
    env.close().await;
}

#[tokio::test]
async fn a_full_sign_in_and_dashboard_load_cause_no_csp_violation() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    env.dashboard_settled().await;
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(env.csp_reports(), Vec::<String>::new());
    // A canary proves reporting works: an inline script is a violation.
    env.js(
        "const s = document.createElement('script'); s.textContent = '1'; document.head.append(s)",
    )
    .await;
    for _ in 0..50 {
        if !env.csp_reports().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        env.csp_reports().len(),
        1,
        "the canary violation was not reported"
    );
    env.close().await;
}

#[tokio::test]
async fn every_file_is_served_with_the_recommended_headers_and_cache_rules() {
    let env = Env::start().await;
    env.open("/").await;
    env.screen("signed-out").await;
    let headers = env
        .js(r#"
            const wasm = performance.getEntriesByType("resource").map((e) => e.name).find((n) => n.endsWith("_bg.wasm"));
            const read = async (path) => {
                const r = await fetch(path, { cache: "no-store" });
                const h = (n) => r.headers.get(n);
                return { path, type: h("content-type"), csp: h("content-security-policy"), referrer: h("referrer-policy"),
                         nosniff: h("x-content-type-options"), cache: h("cache-control"), server: h("server") };
            };
            return Promise.all(["/", "/config.json", wasm, "/callback.html", "/implicit-oauth.js"].map(read));
        "#)
        .await;
    for file in headers.as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        assert!(
            file["csp"]
                .as_str()
                .unwrap_or("")
                .contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{file}"
        );
        assert_eq!(file["referrer"], json!("no-referrer"), "{path}");
        assert_eq!(file["nosniff"], json!("nosniff"), "{path}");
        let cache = file["cache"].as_str().unwrap_or("");
        if path.ends_with("_bg.wasm") {
            assert!(
                file["type"]
                    .as_str()
                    .unwrap()
                    .starts_with("application/wasm"),
                "{file}"
            );
            assert!(
                cache.contains("immutable") || cache.contains("max-age=31536000"),
                "{path}: {cache}"
            );
        } else if path == "/" || path.ends_with(".html") {
            // Pages are where authorization responses arrive: never stored.
            assert!(cache.contains("no-store"), "{path} may be stored: {cache}");
        } else {
            assert!(
                cache.contains("no-cache") || cache.contains("max-age=0"),
                "{path} must be revalidated: {cache}"
            );
        }
    }
    // For hosts that cannot send headers, the page carries the policy itself too.
    let meta = env.js("return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content").await;
    assert!(
        meta.as_str()
            .unwrap_or("")
            .contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{meta}"
    );
    if std::env::var("E2E_SERVER").as_deref() == Ok("nginx") {
        assert_eq!(
            headers[0]["server"],
            json!("nginx"),
            "this run is meant to be behind nginx"
        );
    }
    env.close().await;
}
