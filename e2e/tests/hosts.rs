//! Hosts we do not control: a plain static file server (at its root and in a sub-folder), a
//! host page that sends `Cross-Origin-Opener-Policy`, host pages with markup that tries to
//! steer the component, and nginx's logs.

use e2e::{dist_dir, Elsewhere, Env, Host, Options};
use serde_json::json;
use std::time::Duration;

/// Every resource the page loaded, by URL.
async fn loaded(env: &Env) -> Vec<String> {
    let names = env
        .js("return performance.getEntriesByType('resource').map(e => e.name)")
        .await;
    names
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

async fn signs_in_from_a_plain_static_server(folder: &'static str) {
    let env = Env::with(Options {
        host: Host::Plain(folder),
        ..Options::default()
    })
    .await;
    assert_eq!(
        url::Url::parse(&env.app_url).unwrap().path(),
        format!("/{folder}")
    );
    env.open("").await;
    env.sign_in().await;
    env.dashboard_settled().await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    let url = env.browser.current_url().await.unwrap();
    assert_eq!(
        url.as_str(),
        env.app_url,
        "back in the app's folder, URL clean"
    );
    let files = loaded(&env).await;
    assert!(
        files.contains(&format!("{}config.json", env.app_url)),
        "config.json read from beside index.html: {files:?}"
    );
    let origin = env.app_url.split('/').take(3).collect::<Vec<_>>().join("/");
    for file in files.iter().filter(|f| f.starts_with(&origin)) {
        assert!(
            file.starts_with(&env.app_url),
            "{file} is outside the app's folder {}",
            env.app_url
        );
    }
    env.close().await;
}

#[tokio::test]
async fn dist_in_a_sub_folder_of_a_plain_static_server_signs_in() {
    signs_in_from_a_plain_static_server("tools/login/").await;
}

#[tokio::test]
async fn dist_at_the_root_of_a_plain_static_server_signs_in() {
    signs_in_from_a_plain_static_server("").await;
}

#[tokio::test]
async fn a_host_missing_the_apps_files_says_so_instead_of_a_blank_page() {
    let env = Env::with(Options {
        host: Host::Plain("app/"),
        ..Options::default()
    })
    .await;
    let site = env.plain_site_dir().unwrap();
    for entry in std::fs::read_dir(&site).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with("_bg.wasm") {
            std::fs::remove_file(path).unwrap();
        }
    }
    env.open("").await;
    let shown = env.text("[role=alert]").await;
    assert!(shown.contains("The app could not start"), "{shown}");
    assert!(
        shown.contains("beside") || shown.contains("same folder"),
        "{shown}"
    );
    env.close().await;
}

#[tokio::test]
async fn popup_sign_in_works_behind_a_host_that_sends_coop_same_origin() {
    let env = Env::with(Options {
        headers: vec![("cross-origin-opener-policy", "same-origin")],
        ..Options::default()
    })
    .await;
    env.open_demo_host("/embed-demo.html").await;
    let main = env.browser.window().await.unwrap();
    env.click("#login-a #sign-in").await;
    env.switch_to_other_window(&main).await;
    env.wait_for("#allow").await;
    assert_eq!(
        env.js("return window.opener === null").await,
        json!(true),
        "the host's COOP cut the sign-in window off"
    );
    // The consent page is open, out of the host's sight: the host keeps waiting.
    env.browser.switch_to_window(main.clone()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    env.wait_for("#login-a [data-screen=\"waiting-for-popup\"]")
        .await;
    assert_eq!(env.host_events().await, Vec::<String>::new());
    env.switch_to_other_window(&main).await;
    env.click("#allow").await;
    // The callback page closes its window itself once the host has taken the response.
    env.back_to(&main).await;
    assert_eq!(env.text("#login-a #user-name").await, "Ada Lovelace");
    assert_eq!(env.host_events().await, ["a: signedin"]);
    // After the callback page the window went nowhere: no page of the app was loaded again,
    // and no URL but the provider's own redirect carried the response.
    let requests = env.app_requests();
    let callback = requests
        .iter()
        .position(|r| r.starts_with("GET /callback.html"))
        .expect("the callback page was loaded");
    for later in &requests[callback + 1..] {
        let path = later.split(['?', ' ']).nth(1).unwrap();
        assert!(
            !(path == "/" || path.ends_with(".html")),
            "a page was loaded after the callback: {later} (all: {requests:?})"
        );
        assert!(
            !later.contains("access_token") && !later.contains("state="),
            "{later}"
        );
    }
    let count = |line: &str| requests.iter().filter(|r| *r == line).count();
    assert_eq!(count("GET /embed-demo.html"), 1, "{requests:?}");
    // Once the window looked closed without having been seen on the provider, the component
    // asked (once) for the host page's policy, which is how it knew to keep waiting.
    assert_eq!(count("HEAD /embed-demo.html"), 1, "{requests:?}");
    env.close().await;
}

#[tokio::test]
async fn two_instances_signing_in_at_once_get_a_window_each() {
    let env = Env::start().await;
    env.open_demo_host("/embed-demo.html").await;
    let main = env.browser.window().await.unwrap();
    env.click("#login-a #sign-in").await;
    env.switch_to_other_window(&main).await;
    env.wait_for("#allow").await;
    env.browser.switch_to_window(main.clone()).await.unwrap();
    env.click("#login-b #sign-in").await;
    let mut count = 0;
    for _ in 0..50 {
        count = env.browser.windows().await.unwrap().len();
        if count == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count, 3, "B's sign-in took over A's window");
    env.close().await;
}

#[tokio::test]
async fn after_a_popup_sign_in_nothing_of_the_popup_watch_keeps_running() {
    let env = Env::start().await;
    env.open_demo_host("/__counting.html").await;
    let baseline = env.js("return window.__counts()").await;
    env.popup_sign_in("#login-a #sign-in").await;
    env.dashboard_settled().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = env.js("return window.__counts()").await;
    assert_eq!(after["intervals"], baseline["intervals"], "{after}");
    assert_eq!(after["message"], baseline["message"], "{after}");
    assert_eq!(after["channel"], baseline["channel"], "{after}");
    env.close().await;
}

/// The demo host page with `extra` right after `<body>`, at `/__host.html`.
fn demo_page_with(extra: String) -> axum::Router {
    let page = std::fs::read_to_string(dist_dir().join("embed-demo.html")).unwrap();
    let page = page.replacen("<body>", &format!("<body>{extra}"), 1);
    axum::Router::new().route(
        "/__host.html",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::response::Html(page) }
        }),
    )
}

#[tokio::test]
async fn a_spoofed_boot_element_on_a_host_page_starts_nothing_and_gets_nothing() {
    // What a sanitizer lets through in user content: an element with an id and a URL. No CSP,
    // as on most host pages, so only the component's own rules decide.
    let elsewhere = Elsewhere::start().await;
    let env = Env::with(Options {
        without_csp: true,
        routes: demo_page_with(format!(
            "<img id=\"implicit-oauth-boot\" src=\"{}/x/\" alt=\"\">",
            elsewhere.origin
        )),
        ..Options::default()
    })
    .await;
    env.open_demo_host("/__host.html").await;
    env.popup_sign_in("#login-a #sign-in").await;
    assert_eq!(env.text("#login-a #user-name").await, "Ada Lovelace");
    env.dashboard_settled().await;
    assert_eq!(
        env.js("return document.querySelectorAll('main.app').length")
            .await,
        json!(2),
        "only the two instances the host mounted"
    );
    let token = env.last_token();
    for request in elsewhere.requests() {
        assert_eq!(
            request, "/x/",
            "the component asked the spoofed origin for {request}"
        );
        assert!(!request.contains(&token));
    }
    env.close().await;
}

#[tokio::test]
async fn a_custom_element_pointed_at_another_api_is_refused_and_calls_nothing() {
    let elsewhere = Elsewhere::start().await;
    let o = &elsewhere.origin;
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>element</title>\
         <script type=\"module\" src=\"/implicit-oauth-element.js\"></script></head><body>\
         <implicit-oauth-login preset=\"harvest\" client-id=\"local-demo\" authorize-url=\"{o}/oauth2/authorize\" \
         redirect-uri=\"{o}/callback.html\" api-base=\"{o}/v2\" accounts-url=\"{o}/api/v2/accounts\"></implicit-oauth-login>\
         </body></html>"
    );
    let env = Env::with(Options {
        without_csp: true,
        routes: axum::Router::new().route(
            "/__injected.html",
            axum::routing::get(move || {
                let page = page.clone();
                async move { axum::response::Html(page) }
            }),
        ),
        ..Options::default()
    })
    .await;
    env.open("/__injected.html").await;
    let refusal = env.text("implicit-oauth-login[role=alert]").await;
    assert!(
        refusal.contains("not one of the provider origins this site allows"),
        "{refusal}"
    );
    assert_eq!(env.count("implicit-oauth-login #sign-in").await, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(elsewhere.requests(), Vec::<String>::new());
    env.close().await;
}

#[tokio::test]
async fn a_custom_element_signing_in_as_another_application_is_refused() {
    // The site's own providers, but another client id and a redirect URI elsewhere: a genuine
    // consent page for somebody else's application, whose token would go to them.
    let env = Env::start().await;
    env.open("/__element-other-app.html").await;
    let refusal = env.text("implicit-oauth-login[role=alert]").await;
    assert!(refusal.contains("client_id"), "{refusal}");
    assert_eq!(env.count("implicit-oauth-login #sign-in").await, 0);
    env.close().await;
}

/// `callback.html` with a script first that makes `sessionStorage` throw, as in a sandboxed
/// frame or with site data blocked.
fn callback_without_storage() -> axum::Router {
    let page = std::fs::read_to_string(dist_dir().join("callback.html")).unwrap();
    let page = page.replacen(
        "<title>",
        "<script src=\"/__block-storage.js\"></script><title>",
        1,
    );
    axum::Router::new()
        .route(
            "/__callback-blocked.html",
            axum::routing::get(move || {
                let page = page.clone();
                async move { axum::response::Html(page) }
            }),
        )
        .route(
            "/__block-storage.js",
            axum::routing::get(|| async {
                (
                    [("content-type", "text/javascript")],
                    "Object.defineProperty(window, 'sessionStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });",
                )
            }),
        )
}

#[tokio::test]
async fn the_callback_page_explains_instead_of_throwing_when_storage_is_blocked() {
    let env = Env::with(Options {
        routes: callback_without_storage(),
        ..Options::default()
    })
    .await;
    env.console().await;
    env.open("/__callback-blocked.html?state=abc&access_token=SECRET&token_type=bearer")
        .await;
    let status = env
        .poll(
            "const t = document.getElementById('status').textContent; return t.includes('cannot be finished') ? t : null",
            Duration::from_secs(10),
        )
        .await;
    assert!(status.as_str().unwrap().contains("storage"), "{status}");
    assert!(!env
        .browser
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("SECRET"));
    let errors: Vec<_> = env
        .console()
        .await
        .into_iter()
        .filter(|(_, m)| m.contains("Uncaught"))
        .collect();
    assert_eq!(errors, Vec::<(String, String)>::new());
    env.close().await;
}

#[tokio::test]
async fn the_callback_page_visited_without_a_response_leaves_no_mark() {
    let env = Env::start().await;
    env.open("/callback.html").await;
    let status = env.text("#status").await;
    assert!(status.contains("no sign-in to finish"), "{status}");
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn behind_nginx_no_log_line_holds_a_token_or_state_and_pages_are_not_stored() {
    let env = Env::with(Options {
        host: Host::Nginx,
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    env.dashboard_settled().await;
    let token = env.last_token();
    let logs = env.nginx_logs().expect("behind nginx");
    // nginx logs the page after `try_files`: the app's first visit and the callback.
    assert!(
        logs.matches("\"GET /index.html HTTP/1.1\" 200").count() >= 2,
        "the callback request is logged, without its query: {logs}"
    );
    assert!(
        !logs.contains(&token),
        "a token reached nginx's logs: {logs}"
    );
    assert!(
        !logs.contains("state="),
        "a state reached nginx's logs: {logs}"
    );
    let cache = env
        .js("return fetch('/?state=x', { cache: 'no-store' }).then(r => r.headers.get('cache-control'))")
        .await;
    assert!(cache.as_str().unwrap_or("").contains("no-store"), "{cache}");
    env.close().await;
}

/// The `content` of a page's `<meta http-equiv="Content-Security-Policy">`.
fn meta_csp(page: &str) -> String {
    let text = std::fs::read_to_string(dist_dir().join(page)).unwrap();
    let at = text
        .find("http-equiv=\"Content-Security-Policy\" content=\"")
        .unwrap_or_else(|| panic!("{page} has a CSP meta tag"));
    let rest = &text[at..];
    let start = rest.find("content=\"").unwrap() + "content=\"".len();
    rest[start..start + rest[start..].find('"').unwrap()].to_owned()
}

#[test]
fn the_built_pages_carry_their_own_policies_and_only_relative_urls() {
    let index = meta_csp("index.html");
    assert!(
        index.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{index}"
    );
    for dev in ["127.0.0.1", "localhost", "http:"] {
        assert!(
            !index.contains(dev),
            "index.html's policy allows {dev}: {index}"
        );
    }
    let callback = meta_csp("callback.html");
    assert!(callback.contains("default-src 'none'"), "{callback}");
    assert!(callback.contains("script-src 'self'"), "{callback}");
    for file in [
        "index.html",
        "callback.html",
        "boot.js",
        "callback.js",
        "implicit-oauth.js",
        "implicit-oauth-element.js",
        "embed-demo.html",
        "embed-demo.js",
        "element-demo.html",
    ] {
        let text = std::fs::read_to_string(dist_dir().join(file)).unwrap();
        for absolute in ["src=\"/", "href=\"/", "from \"/", "(\"/"] {
            assert!(
                !text.contains(absolute),
                "{file} has a root-absolute URL ({absolute}…): dist/ must work in any folder"
            );
        }
    }
    let boot = std::fs::read_to_string(dist_dir().join("boot.js")).unwrap();
    assert!(!boot.contains("@APP_"), "boot.js kept a build placeholder");
    let favicon = std::fs::read_to_string(dist_dir().join("favicon.svg")).unwrap();
    assert!(favicon.starts_with("<svg"));
}

/// The wasm is most of what a visitor downloads: our server sends the build's brotli copy
/// (quality 11) and nginx its gzip -9 copy (`gzip_static`), byte for byte, rather than
/// compressing it again at a lower level on every request.
#[tokio::test]
async fn the_wasm_arrives_as_the_builds_compressed_copy() {
    let dist = dist_dir();
    let names: Vec<String> = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    // Only content-hashed files have copies: a stale copy beside an edited config.json (or a
    // page) would be sent in its place.
    let copies: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with(".br") || n.ends_with(".gz"))
        .collect();
    assert!(
        copies.len() >= 6,
        "the wasm, JS and CSS each have a .br and a .gz: {copies:?}"
    );
    for copy in &copies {
        let original = copy.trim_end_matches(".br").trim_end_matches(".gz");
        assert!(names.iter().any(|n| n == original), "{copy} copies nothing");
        let stem = original.split('.').next().unwrap().trim_end_matches("_bg");
        let hash = stem.rsplit_once('-').map(|(_, h)| h).unwrap_or("");
        assert!(
            hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{copy} is a copy of a file that is not content-hashed"
        );
    }
    for host in [Host::Own, Host::Nginx] {
        let env = Env::with(Options {
            host,
            ..Options::default()
        })
        .await;
        env.open("").await;
        env.wait_for("#sign-in").await;
        let seen = env
            .js("const w = performance.getEntriesByType('resource').find(e => e.name.endsWith('_bg.wasm'));
                 return [w.name.split('/').pop(), w.encodedBodySize]")
            .await;
        let (wasm, sent): (String, u64) = serde_json::from_value(seen).unwrap();
        let nginx = env.nginx_logs().is_some();
        let copy = dist.join(format!("{wasm}.{}", if nginx { "gz" } else { "br" }));
        assert_eq!(
            sent,
            std::fs::metadata(&copy).unwrap().len(),
            "{} sent {wasm} as {}",
            if nginx { "nginx" } else { "our server" },
            copy.display()
        );
        env.close().await;
    }
}
