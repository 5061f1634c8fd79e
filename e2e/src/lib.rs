//! The end-to-end harness: for each test, the local provider and the built app (`dist/`) on
//! two loopback origins, and a fresh headless Chromium driven over WebDriver.
//!
//! `dist/` must be built first (`make dist`; `make test` does it).

pub mod interop;
pub mod nginx;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use local_provider::data::{demo_accounts, Account};
use local_provider::profiles::Profile;
use local_provider::settings::{CallbackPlacement, Settings};
use local_provider::{bind, router, serve, serve_stoppable, site, Provider};
use serde_json::{json, Value};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The app's route with the whole of 2026 as its range (the provider's data for it never
/// changes): a long, multi-page first load. Without a range the dashboard loads this week.
pub const YEAR_2026: &str = "/?from=2026-01-01&to=2026-12-31";

/// How long to wait for something a person would see.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// What a test changes from the demo setup.
#[derive(Clone)]
pub struct Options {
    /// Which service the local provider impersonates; the app gets that preset's config.
    pub profile: Profile,
    /// Where the callback puts its parameters (ignored for profiles other than Harvest, which
    /// bring their own).
    pub placement: CallbackPlacement,
    pub token_lifetime: Duration,
    /// Fields merged into the app's `config.json` (`null` removes one; `{app_url}` and
    /// `{provider_url}` in a string stand for the app's and the provider's URLs).
    pub config: Value,
    /// Hold `config.json` back this long, to observe the app before its first request completes.
    pub config_delay: Duration,
    /// The person's accounts. The default has one Harvest account, so sign-in goes straight to
    /// the dashboard; `demo_accounts()` has two, so the app must offer a choice.
    pub accounts: Vec<Account>,
    /// Any other change to the provider's settings.
    pub tweak: fn(&mut Settings),
    /// Drop the app's Content-Security-Policy, to test the app's own guards without the
    /// browser's second line of defence.
    pub without_csp: bool,
    /// More pages beside the app (they take precedence over its files); `make bench` serves
    /// its probes and peer pages this way.
    pub routes: axum::Router,
    /// More Chromium switches, after those in `webdriver.json`.
    pub chrome_args: Vec<String>,
    /// What serves `dist/`. `Host::Own` is the local provider's static server, or nginx when
    /// `E2E_SERVER=nginx`.
    pub host: Host,
    /// More response headers on everything the app's server sends (own server only), e.g. a
    /// host's `Cross-Origin-Opener-Policy`.
    pub headers: Vec<(&'static str, &'static str)>,
    /// What a plain host (`Host::Plain`) serves instead of `dist/`: another site's folder, e.g.
    /// a page that installed the npm package. Its `config.json` is written in all the same.
    pub site: Option<PathBuf>,
}

/// The server in front of `dist/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// The project's own static server (`local_provider::site`), or nginx with
    /// `deploy/nginx.conf` when `E2E_SERVER=nginx`.
    Own,
    /// nginx with `deploy/nginx.conf`, whatever `E2E_SERVER` says.
    Nginx,
    /// A plain static file server that is not ours (Python's `http.server`: no custom headers,
    /// no fallback to `index.html`), with `dist/` and `config.json` copied into this
    /// sub-folder (`""` for the root, else ending with `/`).
    Plain(&'static str),
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::Harvest,
            placement: CallbackPlacement::Query,
            token_lifetime: Duration::from_secs(1_209_599),
            config: json!({}),
            config_delay: Duration::ZERO,
            accounts: demo_accounts()
                .into_iter()
                .filter(|a| a.id != 234_567)
                .collect(),
            tweak: |_| {},
            without_csp: false,
            routes: axum::Router::new(),
            chrome_args: Vec::new(),
            host: Host::Own,
            headers: Vec::new(),
            site: None,
        }
    }
}

pub struct Env {
    pub provider: Arc<Provider>,
    pub provider_url: String,
    provider_addr: SocketAddr,
    provider_stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    /// The app's origin with a trailing `/`.
    pub app_url: String,
    pub browser: Client,
    driver: Child,
    nginx: Option<nginx::Nginx>,
    plain: Option<PlainHost>,
    requests: Arc<Mutex<Vec<String>>>,
}

/// A running `python3 -m http.server` and the folder it serves.
struct PlainHost {
    child: Child,
    root: PathBuf,
}

impl Drop for PlainHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Starts Python's static file server on `port` with `dist/` (and `config_json`) in `folder`.
fn start_plain_host(port: u16, folder: &str, config_json: &str, from: Option<&Path>) -> PlainHost {
    let root = std::env::temp_dir().join(format!("implicit-oauth-e2e-plain-{port}"));
    let _ = std::fs::remove_dir_all(&root);
    let site = root.join(folder);
    copy_dir(from.unwrap_or(&dist_dir()), &site);
    std::fs::write(site.join("config.json"), config_json).unwrap();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 is installed");
    let deadline = Instant::now() + PATIENCE;
    while std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "python3 -m http.server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    PlainHost { child, root }
}

/// Pages only the tests serve, beside the built app:
/// - `/__forged.html` + `/__forged.js`: posts a valid-looking callback result (its fragment)
///   to its parent, for loading in a frame from another origin;
/// - `/__element.html`: the custom element with this test's provider and app origins, and no
///   other script; `/__element-other-app.html`: the same providers, but another client id
///   and a redirect URI elsewhere.
fn test_pages(config: &Value) -> axum::Router {
    use axum::response::Html;
    use axum::routing::get;
    let attr = |k: &str| config[k].as_str().unwrap_or_default().to_owned();
    let element = |client_id: &str, redirect_uri: &str| {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>element</title>\
             <script type=\"module\" src=\"/implicit-oauth-element.js\"></script></head><body>\
             <implicit-oauth-login preset=\"{}\" client-id=\"{client_id}\" authorize-url=\"{}\" redirect-uri=\"{redirect_uri}\" \
             api-base=\"{}\" accounts-url=\"{}\"></implicit-oauth-login></body></html>",
            attr("preset"),
            attr("authorize_url"),
            attr("api_base"),
            attr("accounts_url"),
        )
    };
    let other_app = element("another-app", "http://localhost:1/callback.html");
    let callback_page = url::Url::parse(&attr("redirect_uri"))
        .and_then(|u| u.join("callback.html"))
        .map(String::from)
        .unwrap_or_default();
    let element = element(&attr("client_id"), &callback_page);
    let reports = CSP_REPORTS.clone();
    axum::Router::new()
        .route(
            "/__csp-report",
            axum::routing::post(move |body: String| async move {
                reports.lock().unwrap().push(body);
                ""
            }),
        )
        .route(
            "/__forged.html",
            get(|| async { Html("<!doctype html><script src=\"/__forged.js\"></script>") }),
        )
        .route(
            "/__forged.js",
            get(|| async {
                (
                    [("content-type", "text/javascript")],
                    "parent.postMessage({ type: 'implicit-oauth:callback', query: '', fragment: location.hash.slice(1) }, '*');",
                )
            }),
        )
        .route("/__element.html", get(move || async move { Html(element) }))
        .route(
            "/__element-other-app.html",
            get(move || async move { Html(other_app) }),
        )
        .route(
            "/__counting.html",
            get(|| async {
                // The demo host page with a script first that counts live timers and listeners.
                let page = std::fs::read_to_string(dist_dir().join("embed-demo.html")).unwrap();
                Html(page.replacen("<head>", "<head><script src=\"/__counting.js\"></script>", 1))
            }),
        )
        .route(
            "/__counting.js",
            get(|| async { ([("content-type", "text/javascript")], COUNTING_JS) }),
        )
}

/// A server on another loopback origin that answers every request with an empty page and
/// remembers it: somewhere a token or a configuration request must never go.
pub struct Elsewhere {
    /// Its origin, `http://127.0.0.1:PORT`.
    pub origin: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Elsewhere {
    pub async fn start() -> Elsewhere {
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = seen.clone();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let record = record.clone();
            async move {
                record.lock().unwrap().push(request.uri().to_string());
                ""
            }
        });
        let addr = serve(
            bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await
                .unwrap(),
            app,
        )
        .unwrap();
        Elsewhere {
            origin: format!("http://{addr}"),
            seen,
        }
    }

    /// Every path and query requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// CSP violation reports the browser sent to the harness (all tests in a binary share it;
/// tests that read it filter by their own page's port).
pub static CSP_REPORTS: std::sync::LazyLock<Arc<Mutex<Vec<String>>>> =
    std::sync::LazyLock::new(Arc::default);

/// Wraps timers and `addEventListener` so a test can read what is still live.
const COUNTING_JS: &str = r#"(() => {
  const timeouts = new Set(), intervals = new Set(), listeners = new Map();
  const st = window.setTimeout, ct = window.clearTimeout, si = window.setInterval, ci = window.clearInterval;
  window.setTimeout = function (f, ms, ...a) {
    const id = st.call(window, (...x) => { timeouts.delete(id); if (typeof f === "function") f(...x); }, ms, ...a);
    timeouts.add(id);
    return id;
  };
  window.clearTimeout = function (id) { timeouts.delete(id); return ct.call(window, id); };
  window.setInterval = function (...a) { const id = si.call(window, ...a); intervals.add(id); return id; };
  window.clearInterval = function (id) { intervals.delete(id); return ci.call(window, id); };
  const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
  const key = (t, type) => (t === window ? "window" : t === document ? "document" : "other") + ":" + type;
  EventTarget.prototype.addEventListener = function (type, f, o) {
    const k = key(this, type); listeners.set(k, (listeners.get(k) || 0) + 1); return add.call(this, type, f, o);
  };
  EventTarget.prototype.removeEventListener = function (type, f, o) {
    const k = key(this, type); listeners.set(k, (listeners.get(k) || 0) - 1); return remove.call(this, type, f, o);
  };
  window.__counts = () => ({ timeouts: timeouts.size, intervals: intervals.size,
    message: listeners.get("window:message") || 0, visibility: listeners.get("document:visibilitychange") || 0,
    channel: listeners.get("other:message") || 0 });
})();"#;

pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    assert!(
        dir.join("index.html").exists(),
        "{} has no index.html: run `make dist` first",
        dir.display()
    );
    dir
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Chromium's options, from the `webdriver.json` the wasm test runner also reads.
fn capabilities(extra_args: &[String]) -> serde_json::Map<String, Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../webdriver.json");
    let text = std::fs::read_to_string(path).expect("webdriver.json beside Cargo.toml");
    let mut caps: serde_json::Map<String, Value> =
        serde_json::from_str(&text).expect("webdriver.json is JSON");
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    if let Some(Value::Array(args)) = caps
        .get_mut("goog:chromeOptions")
        .and_then(|o| o.get_mut("args"))
    {
        args.extend(extra_args.iter().map(|a| Value::from(a.as_str())));
    }
    caps
}

async fn start_browser(extra_args: &[String]) -> (Client, Child) {
    let port = free_port();
    let driver =
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (make setup)");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities(extra_args))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (client, driver),
            Err(e) if Instant::now() > deadline => {
                panic!("cannot start Chromium through chromedriver: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

impl Env {
    pub async fn start() -> Env {
        Self::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Env {
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let app_listener = bind(loopback).await.unwrap();
        let app_origin = format!("http://{}", app_listener.local_addr().unwrap());
        let folder = match options.host {
            Host::Plain(folder) => folder,
            _ => "",
        };
        let app_url = format!("{app_origin}/{folder}");
        let mut settings = Settings {
            accounts: options.accounts.clone(),
            redirect_prefix: app_url.clone(),
            allowed_origin: app_origin.clone(),
            token_lifetime: options.token_lifetime,
            callback_placement: match options.profile {
                Profile::Harvest => options.placement,
                other => other.placement(),
            },
            profile: options.profile,
            ..Settings::demo()
        };
        (options.tweak)(&mut settings);
        let provider = Provider::new(settings);
        let provider_listener = bind(loopback).await.unwrap();
        let provider_addr = provider_listener.local_addr().unwrap();
        let provider_stop = serve_stoppable(provider_listener, router(provider.clone()));
        let provider_url = format!("http://{provider_addr}");
        let mut config = options.profile.app_config(&provider_url, &app_url);
        if let Value::Object(extra) = options.config {
            for (k, v) in extra {
                match v {
                    Value::Null => {
                        config.as_object_mut().unwrap().remove(&k);
                    }
                    Value::String(text) => {
                        config[k] = text
                            .replace("{app_url}", &app_url)
                            .replace("{provider_url}", &provider_url)
                            .into()
                    }
                    v => config[k] = v,
                }
            }
        }
        let (delay, without_csp) = (options.config_delay, options.without_csp);
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (seen, extra_headers) = (requests.clone(), options.headers.clone());
        let site = test_pages(&config)
            .merge(options.routes)
            .merge(site::router(dist_dir(), Some(config.to_string())))
            .layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    let (seen, extra_headers) = (seen.clone(), extra_headers.clone());
                    async move {
                        let path = request.uri().path().to_owned();
                        seen.lock().unwrap().push(format!(
                            "{} {}",
                            request.method(),
                            request.uri()
                        ));
                        if path == "/config.json" {
                            tokio::time::sleep(delay).await;
                        }
                        let mut response = next.run(request).await;
                        for (name, value) in &extra_headers {
                            response
                                .headers_mut()
                                .insert(*name, http::HeaderValue::from_static(value));
                        }
                        if without_csp || path.starts_with("/__") {
                            response.headers_mut().remove("content-security-policy");
                        } else if let Some(csp) =
                            response.headers().get("content-security-policy").cloned()
                        {
                            // Violations are reported to the harness, so tests can count them.
                            let reported =
                                format!("{}; report-uri /__csp-report", csp.to_str().unwrap());
                            response
                                .headers_mut()
                                .insert("content-security-policy", reported.parse().unwrap());
                        }
                        response
                    }
                },
            ));
        // Behind nginx (E2E_SERVER=nginx), deploy/nginx.conf serves dist/ on the app's port and
        // passes only the test-only pages (and a held-back config.json) to this harness.
        let behind_nginx = options.host == Host::Nginx
            || (options.host == Host::Own
                && options.headers.is_empty()
                && std::env::var("E2E_SERVER").as_deref() == Ok("nginx"));
        let mut plain = None;
        let nginx = if let Host::Plain(folder) = options.host {
            let port = app_listener.local_addr().unwrap().port();
            drop(app_listener);
            plain = Some(start_plain_host(
                port,
                folder,
                &config.to_string(),
                options.site.as_deref(),
            ));
            None
        } else if behind_nginx {
            let port = app_listener.local_addr().unwrap().port();
            drop(app_listener);
            let harness = serve(bind(loopback).await.unwrap(), site).unwrap();
            Some(nginx::Nginx::start(nginx::Site {
                port,
                dist: &dist_dir(),
                config_json: &config.to_string(),
                provider_origins: &site::provider_origins(&config.to_string()),
                harness,
                without_csp,
                config_via_harness: !delay.is_zero(),
            }))
        } else {
            serve(app_listener, site).unwrap();
            None
        };
        let (browser, driver) = start_browser(&options.chrome_args).await;
        Env {
            provider,
            provider_url,
            provider_addr,
            provider_stop: Mutex::new(Some(provider_stop)),
            app_url,
            browser,
            driver,
            nginx,
            plain,
            requests,
        }
    }

    /// What nginx logged (access and error logs), when the app is behind it.
    pub fn nginx_logs(&self) -> Option<String> {
        self.nginx.as_ref().map(nginx::Nginx::logs)
    }

    /// The folder a plain static file server serves the app from (its copy of `dist/`).
    pub fn plain_site_dir(&self) -> Option<PathBuf> {
        let plain = self.plain.as_ref()?;
        let folder = url::Url::parse(&self.app_url)
            .ok()?
            .path()
            .trim_matches('/')
            .to_owned();
        Some(plain.root.join(folder))
    }

    /// Every request the project's own app server has answered, in order, as `METHOD
    /// path?query`.
    pub fn app_requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Takes the provider off the network (connections refused) or brings it back on the same
    /// address, with the same tokens.
    pub async fn set_provider_online(&self, online: bool) {
        let mut stop = self.provider_stop.lock().unwrap();
        if online && stop.is_none() {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.set_reuseaddr(true).unwrap();
            socket
                .bind(self.provider_addr)
                .expect("the provider's address is free again");
            let listener = socket.listen(128).unwrap();
            *stop = Some(serve_stoppable(listener, router(self.provider.clone())));
        } else if !online {
            if let Some(sender) = stop.take() {
                let _ = sender.send(());
            }
        }
    }

    /// Sets an `<input>`'s value as a person would, firing `change`.
    pub async fn set_input(&self, id: &str, value: &str) {
        let script = format!(
            "const i = document.getElementById({id:?}); i.value = {value:?}; i.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        );
        self.js(&script).await;
    }

    /// The same app server under its other loopback name: another origin (`localhost` instead
    /// of `127.0.0.1`), for cross-origin checks.
    pub fn other_origin_url(&self) -> String {
        self.app_url.replace("127.0.0.1", "localhost")
    }

    /// Switches to the window that is not `main`, waiting for it to open.
    pub async fn switch_to_other_window(&self, main: &fantoccini::wd::WindowHandle) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let windows = self.browser.windows().await.unwrap();
            if let Some(other) = windows.into_iter().find(|w| w != main) {
                self.browser.switch_to_window(other).await.unwrap();
                return;
            }
            assert!(Instant::now() < deadline, "no second window opened");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until only `main` is left, then switches to it.
    pub async fn back_to(&self, main: &fantoccini::wd::WindowHandle) {
        let deadline = Instant::now() + PATIENCE;
        while self.browser.windows().await.map(|w| w.len()).unwrap_or(1) > 1 {
            assert!(
                Instant::now() < deadline,
                "the sign-in window did not close"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.browser.switch_to_window(main.clone()).await.unwrap();
    }

    /// CSP violation reports about this test's pages.
    pub fn csp_reports(&self) -> Vec<String> {
        let origin = self.app_url.trim_end_matches('/');
        CSP_REPORTS
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.contains(origin))
            .cloned()
            .collect()
    }

    /// Opens an app route (relative to the app origin).
    pub async fn open(&self, route: &str) {
        let url = format!("{}{}", self.app_url, route.trim_start_matches('/'));
        self.browser.goto(&url).await.unwrap();
    }

    /// Waits for the app to show `screen` (its `data-screen`), and returns that section.
    pub async fn screen(&self, screen: &str) -> Element {
        let css = format!("[data-screen=\"{screen}\"]");
        match self
            .browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&css))
            .await
        {
            Ok(e) => e,
            Err(_) => {
                let shown = self.visible_text().await;
                panic!("expected screen {screen:?}; the page shows: {shown}")
            }
        }
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        match self
            .browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(_) => panic!(
                "expected {css:?}; the page shows: {}",
                self.visible_text().await
            ),
        }
    }

    /// Runs `script` (a JavaScript function body that returns a value) until it returns
    /// something other than null or undefined, and returns that; fails the test, showing the
    /// page, after `limit`.
    pub async fn poll(&self, script: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let v = self.js(script).await;
            if !v.is_null() {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "waited {limit:?} for a value from {script:?}; the page shows: {}",
                self.visible_text().await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many elements match `css` now (no waiting).
    pub async fn count(&self, css: &str) -> usize {
        self.browser
            .find_all(Locator::Css(css))
            .await
            .unwrap()
            .len()
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.unwrap()
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.unwrap();
    }

    pub async fn visible_text(&self) -> String {
        match self.browser.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => "(no body)".into(),
        }
    }

    pub async fn js(&self, script: &str) -> Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        self.poll(
            &format!("return document.body.textContent.includes({needle:?}) || null"),
            PATIENCE,
        )
        .await;
    }

    /// The last API request the provider received for `path`.
    pub fn last_request(&self, path: &str) -> local_provider::faults::Recorded {
        self.provider
            .recorded()
            .into_iter()
            .rfind(|r| r.path == path)
            .unwrap_or_else(|| panic!("no request for {path}"))
    }

    /// Waits until the tab is named `title` and focus is on the `h1` reading `heading`.
    pub async fn expect_screen(&self, title: &str, heading: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let v = self
                .js("return [document.title, document.activeElement.tagName === 'H1' ? document.activeElement.textContent : '(' + document.activeElement.tagName + ')']")
                .await;
            let now = (v[0].as_str().unwrap_or(""), v[1].as_str().unwrap_or(""));
            if now == (title, heading) {
                return;
            }
            assert!(Instant::now() < deadline, "{now:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses Tab until the focused element matches `css` (at most 80 times), as a person
    /// without a mouse would; fails the test if it is never reached.
    pub async fn tab_to(&self, css: &str) {
        let check = format!("return document.activeElement.matches({css:?})");
        for _ in 0..80 {
            if self.js(&check).await == Value::Bool(true) {
                return;
            }
            self.press("\u{E004}").await;
        }
        panic!(
            "{css} not reached with Tab; focus is on {}",
            self.js("return document.activeElement.outerHTML.slice(0, 120)")
                .await
        );
    }

    /// Sends `keys` (WebDriver key codes: Tab is `\u{E004}`, Enter `\u{E007}`) to whatever has
    /// focus.
    pub async fn press(&self, keys: &str) {
        self.browser
            .active_element()
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }

    /// From the signed-out screen: Sign in, Allow on the consent page, wait until signed in.
    pub async fn sign_in(&self) {
        self.click("#sign-in").await;
        self.click("#allow").await;
        self.screen("signed-in").await;
    }

    /// Opens a demo host page (`embed-demo.html`, or a test's copy of it) and waits for both
    /// instances to show their sign-in screen.
    pub async fn open_demo_host(&self, page: &str) {
        self.open(page).await;
        self.wait_for("#login-a [data-screen=\"signed-out\"]").await;
        self.wait_for("#login-b [data-screen=\"signed-out\"]").await;
    }

    /// The demo host page's event log, e.g. `["a: signedin", "a: error (popup_closed)"]`.
    pub async fn host_events(&self) -> Vec<String> {
        let list = self
            .js("return [...document.querySelectorAll('#events li')].map(li => li.textContent)")
            .await;
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    /// Clicks `button` (a CSS selector) on the host page, Allow in the sign-in window it opens,
    /// and returns to the host window once that window has closed.
    pub async fn popup_sign_in(&self, button: &str) {
        let main = self.browser.window().await.unwrap();
        self.click(button).await;
        self.switch_to_other_window(&main).await;
        self.click("#allow").await;
        self.back_to(&main).await;
    }

    /// Waits until the dashboard has shown the person and finished its first time-entry load.
    pub async fn dashboard_settled(&self) {
        self.wait_for("#user-name").await;
        self.wait_for("#entries-status").await;
    }

    /// On the profile view: the granted scopes as the app understood them, space-separated.
    pub async fn granted_scopes(&self) -> String {
        let shown = self.wait_for("#granted-scopes").await;
        shown.attr("data-scopes").await.unwrap().unwrap_or_default()
    }

    /// On the provider's consent page: the `state` the app sent, from the page's URL.
    pub async fn consent_state(&self) -> String {
        self.wait_for("#allow").await;
        let url = self.browser.current_url().await.unwrap();
        url.query_pairs()
            .find(|(k, _)| k == "state")
            .expect("the authorize URL carries state")
            .1
            .into_owned()
    }

    /// Everything in `localStorage` and `sessionStorage`, as one string.
    pub async fn all_storage(&self) -> String {
        self.js(
            "return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// The access token of the last callback the provider issued.
    pub fn last_token(&self) -> String {
        let redirect = self
            .provider
            .store
            .last_redirect()
            .expect("the provider issued a redirect");
        let url = url::Url::parse(&redirect).unwrap();
        let part = url
            .fragment()
            .map(str::to_owned)
            .or_else(|| url.query().map(str::to_owned))
            .unwrap_or_default();
        url::form_urlencoded::parse(part.as_bytes())
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
            .expect("the last redirect carried a token")
    }

    pub async fn close(mut self) {
        let _ = self.browser.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Chromedriver's log command (`POST /session/{id}/se/log`): what the page wrote to the
/// console since the last call. Needs `goog:loggingPrefs`, set in [`capabilities`].
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

impl Env {
    /// Console entries since the last call, as `(source, message)`: `console-api` for the
    /// page's own `console.*`, `network` for the browser's failed-load reports, and so on.
    pub async fn console(&self) -> Vec<(String, String)> {
        let entries = self
            .browser
            .issue_cmd(BrowserLog)
            .await
            .expect("chromedriver returns the browser log");
        entries
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|e| {
                        (
                            e["source"].as_str().unwrap_or("").to_owned(),
                            e["message"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        // A failing test unwinds without `close`; do not leave chromedriver behind.
        let _ = self.driver.kill();
    }
}
