//! The npm package as a JavaScript developer gets it: `npm pack`'s tarball (built by
//! `scripts/build-npm.sh`), installed into a fresh folder, used from a plain
//! `<script type="module">` page and from a Vite build, served by a static file server that is
//! not ours, against the local provider.

use e2e::{Env, Host, Options};
use fantoccini::Locator;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The tarball `npm pack` made (`scripts/build-npm.sh`, run by `make test`).
fn tarball() -> PathBuf {
    let dir = repo().join("target/npm");
    let found = std::fs::read_dir(&dir)
        .ok()
        .and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "tgz"))
        })
        .unwrap_or_else(|| panic!("no tarball in {}: run scripts/build-npm.sh", dir.display()));
    found.canonicalize().unwrap()
}

/// A fresh, empty folder for one test's host project.
fn fresh_folder(kind: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "implicit-oauth-npm-{kind}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("package.json"),
        json!({ "name": format!("host-{kind}"), "private": true, "type": "module" }).to_string(),
    )
    .unwrap();
    dir
}

fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `npm install` of the tarball (and `more` packages), from the registry cache only.
fn npm_install(dir: &Path, more: &[&str]) {
    let tarball = tarball();
    let mut args = vec![
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        tarball.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    run(dir, "npm", &args);
}

/// The host page's own script: one client from `config.json`, in the mode the page's query
/// names, its events in `#events`, and the person's name from the API in `#who`.
const HOST_SCRIPT: &str = r##"
const log = (text) => {
  const li = document.createElement("li");
  li.textContent = text;
  document.querySelector("#events").append(li);
};
const options = await (await fetch("config.json", { cache: "no-store" })).json();
const mode = new URLSearchParams(location.search).get("mode") ?? "popup";
const client = await createClient({ ...options, sign_in: mode });
const show = async () => {
  const session = client.session();
  document.querySelector("#state").textContent = session.signedIn ? "signed-in" : "signed-out";
  if (!session.signedIn) return;
  const account = Number(session.scope.match(/harvest:(\d+)/)[1]);
  const me = await client.get("users/me", account);
  document.querySelector("#who").textContent = `${me.first_name} ${me.last_name}`;
};
for (const type of ["signedin", "signedout", "expired", "error"]) {
  client.on(type, (detail) => { log(detail.code ? `${type} (${detail.code})` : type); show(); });
}
document.querySelector("#sign-in").addEventListener("click", () => client.signIn());
await show();
document.body.dataset.ready = "yes";
"##;

const HOST_BODY: &str = r##"<h1>A host page</h1>
<button id="sign-in" type="button">Sign in</button>
<p id="state"></p><p id="who"></p><ul id="events"></ul>"##;

/// A host project with a plain page importing the installed package (no bundler), the
/// element page, a two-client page, and the package's callback page copied beside them.
fn plain_project() -> PathBuf {
    let dir = fresh_folder("plain");
    npm_install(&dir, &[]);
    let pkg = dir.join("node_modules/implicit-oauth");
    for file in ["callback.html", "callback.js"] {
        std::fs::copy(pkg.join(file), dir.join(file)).unwrap();
    }
    let entry = "./node_modules/implicit-oauth/implicit-oauth.js";
    std::fs::write(
        dir.join("host.js"),
        format!("import {{ createClient }} from \"{entry}\";\n{HOST_SCRIPT}"),
    )
    .unwrap();
    let page = |title: &str, body: &str, script: &str| {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             {script}</head><body>{body}</body></html>"
        )
    };
    std::fs::write(
        dir.join("index.html"),
        page(
            "plain host",
            HOST_BODY,
            "<script type=\"module\" src=\"host.js\"></script>",
        ),
    )
    .unwrap();
    // No script of the host's own: the package's element and its markup only.
    std::fs::write(
        dir.join("element.html"),
        page(
            "element host",
            "<h1>Element host</h1><implicit-oauth-login heading-level=\"3\" heading=\"Your Harvest\"></implicit-oauth-login>",
            "<script type=\"module\" src=\"./node_modules/implicit-oauth/element.js\"></script>",
        ),
    )
    .unwrap();
    // A page around the headless client: its button, its event log (`window.headless.events`),
    // the client as `window.headless.client`.
    std::fs::write(
        dir.join("headless.js"),
        format!(
            r##"import {{ createClient }} from "{entry}";
const options = await (await fetch("config.json", {{ cache: "no-store" }})).json();
const client = await createClient({{ ...options, sign_in: "popup" }});
window.headless = {{ client, events: [] }};
for (const type of ["signedin", "signedout", "expired", "error"]) client.on(type, (d) => window.headless.events.push(d.type));
const button = document.getElementById("go");
button.addEventListener("click", () => client.signIn());
button.disabled = false;
"##
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("headless.html"),
        page(
            "headless",
            "<button id=\"go\" disabled>Sign in</button>",
            "<script type=\"module\" src=\"headless.js\"></script>",
        ),
    )
    .unwrap();
    // Markup that tries to steer the element: another settings file, client and API.
    std::fs::write(
        dir.join("steered.html"),
        page(
            "steered element",
            "<implicit-oauth-login config=\"uploads/evil.json\" client-id=\"local-demo-2\" api-base=\"https://evil.example/\"></implicit-oauth-login>",
            "<script type=\"module\" src=\"./node_modules/implicit-oauth/element.js\"></script>",
        ),
    )
    .unwrap();
    // Two clients: the same provider under two client ids, each with its own button.
    std::fs::write(
        dir.join("two.js"),
        format!(
            r##"import {{ createClient }} from "{entry}";
const options = await (await fetch("config.json", {{ cache: "no-store" }})).json();
const clients = {{
  a: await createClient(options),
  b: await createClient({{ ...options, client_id: "local-demo-2" }}),
}};
for (const [name, client] of Object.entries(clients)) {{
  const show = () => {{ document.querySelector(`#state-${{name}}`).textContent = client.session().signedIn ? "signed-in" : "signed-out"; }};
  for (const type of ["signedin", "signedout", "error"]) {{
    client.on(type, (d) => {{
      const li = document.createElement("li");
      li.textContent = `${{name}}: ${{d.code ? `${{type}} (${{d.code}})` : type}}`;
      document.querySelector("#events").append(li);
      show();
    }});
  }}
  document.querySelector(`#sign-in-${{name}}`).addEventListener("click", () => client.signIn());
  show();
}}
document.body.dataset.ready = "yes";
"##
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("two.html"),
        page(
            "two clients",
            "<button id=\"sign-in-a\">A</button><p id=\"state-a\"></p>\
             <button id=\"sign-in-b\">B</button><p id=\"state-b\"></p><ul id=\"events\"></ul>",
            "<script type=\"module\" src=\"two.js\"></script>",
        ),
    )
    .unwrap();
    dir
}

/// A Vite project importing the package by name, built by Vite (from the registry cache) into
/// `dist/` with relative asset URLs; the package's callback page goes in through `public/`.
fn vite_project() -> PathBuf {
    let dir = fresh_folder("vite");
    let vite = format!("vite@{}", vite_version());
    npm_install(&dir, &[&vite]);
    let public = dir.join("public");
    std::fs::create_dir_all(&public).unwrap();
    for file in ["callback.html", "callback.js"] {
        std::fs::copy(
            dir.join("node_modules/implicit-oauth").join(file),
            public.join(file),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("main.js"),
        format!("import {{ createClient }} from \"implicit-oauth\";\n{HOST_SCRIPT}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vite host</title>\
             <script type=\"module\" src=\"/main.js\"></script></head><body>{HOST_BODY}</body></html>"
        ),
    )
    .unwrap();
    run(
        &dir,
        "node",
        &[
            "node_modules/vite/bin/vite.js",
            "build",
            "--base",
            "./",
            "--logLevel",
            "warn",
        ],
    );
    let built = dir.join("dist");
    let assets: Vec<String> = std::fs::read_dir(built.join("assets"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        assets.iter().any(|a| a.ends_with(".wasm")),
        "Vite emitted the package's wasm: {assets:?}"
    );
    built
}

/// The Vite that `scripts/setup.sh` installed (and so put in the npm cache).
fn vite_version() -> String {
    let manifest = repo().join(".tools/vite/node_modules/vite/package.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|_| panic!("{} missing: run scripts/setup.sh", manifest.display()));
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["version"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn env_for(site: PathBuf) -> Env {
    Env::with(Options {
        host: Host::Plain(""),
        site: Some(site),
        config: json!({ "redirect_uri": "{app_url}callback.html" }),
        ..Options::default()
    })
    .await
}

/// The deployer's settings for the package's element: `implicit-oauth.json` beside `element.js`
/// (this test's `config.json`, which holds the provider's URLs).
fn place_element_settings(env: &Env) {
    let site = env.plain_site_dir().unwrap();
    std::fs::copy(
        site.join("config.json"),
        site.join("node_modules/implicit-oauth/implicit-oauth.json"),
    )
    .unwrap();
}

async fn wait_ready(env: &Env) {
    env.wait_for("body[data-ready=yes]").await;
}

/// Signs in from the host page `page` by popup or by redirect, and checks the person's name
/// came from the API, the URL is clean and the events fired once.
/// What the page's headless client's `get(args)` resolved to (its error as text, if it failed).
async fn headless_get(env: &Env, args: &str) -> serde_json::Value {
    env.js(&format!(
        "window.headless.client.get({args}).then((v) => window.me = v, (e) => window.me = String(e))"
    ))
    .await;
    env.poll(
        "return window.me ?? null",
        std::time::Duration::from_secs(10),
    )
    .await
}

async fn signs_in(env: &Env, page: &str, mode: &str) {
    env.open(&format!("{page}?mode={mode}")).await;
    wait_ready(env).await;
    assert_eq!(env.text("#state").await, "signed-out");
    if mode == "popup" {
        env.popup_sign_in("#sign-in").await;
    } else {
        env.click("#sign-in").await;
        env.click("#allow").await;
        wait_ready(env).await;
    }
    env.poll(
        "return document.querySelector('#who').textContent || null",
        e2e::PATIENCE,
    )
    .await;
    assert_eq!(env.text("#who").await, "Ada Lovelace");
    // A sign-in that came back by redirect is finished before `createClient` resolves: the
    // page reads `session()` then, and events report what changes after.
    let expected: &[&str] = if mode == "popup" { &["signedin"] } else { &[] };
    assert_eq!(env.host_events().await, expected);
    let url = env.browser.current_url().await.unwrap();
    assert_eq!(
        url.as_str(),
        format!("{}{page}?mode={mode}", env.app_url),
        "back on the host page, no token in its URL"
    );
}

#[tokio::test]
async fn the_packed_package_signs_in_from_a_plain_module_page_by_popup_and_by_redirect() {
    let env = env_for(plain_project()).await;
    signs_in(&env, "index.html", "popup").await;
    signs_in(&env, "index.html", "redirect").await;
    env.close().await;
}

#[tokio::test]
async fn the_packed_package_signs_in_from_a_vite_built_page_by_popup_and_by_redirect() {
    let env = env_for(vite_project()).await;
    signs_in(&env, "index.html", "popup").await;
    signs_in(&env, "index.html", "redirect").await;
    env.close().await;
}

#[tokio::test]
async fn the_packages_element_signs_in_and_out_on_a_page_without_host_script() {
    let env = env_for(plain_project()).await;
    place_element_settings(&env);
    env.open("element.html").await;
    let host = env.wait_for("implicit-oauth-login").await;
    let shadow = host.shadow_root().await.unwrap();
    let button = |css: &'static str| {
        let shadow = shadow.clone();
        async move {
            let deadline = std::time::Instant::now() + e2e::PATIENCE;
            loop {
                if let Ok(found) = shadow.find(Locator::Css(css)).await {
                    if found.is_displayed().await.unwrap_or(false) {
                        return found;
                    }
                }
                assert!(std::time::Instant::now() < deadline, "{css} never shown");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    let heading = shadow.find(Locator::Css("h3")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Your Harvest");
    assert!(
        shadow.find(Locator::Css("main")).await.is_err(),
        "no <main> of its own"
    );
    let sign_in = button("[part~=sign-in]").await;
    assert_eq!(sign_in.text().await.unwrap(), "Sign in with Harvest");
    let height: f64 = serde_json::from_value(
        env.js("return document.querySelector('implicit-oauth-login').shadowRoot.querySelector('[part~=sign-in]').getBoundingClientRect().height")
            .await,
    )
    .unwrap();
    assert!(
        height >= 40.0,
        "a target people can hit, as the README says: {height}px"
    );
    let main = env.browser.window().await.unwrap();
    sign_in.click().await.unwrap();
    env.switch_to_other_window(&main).await;
    env.click("#allow").await;
    env.back_to(&main).await;
    let sign_out = button("[part~=sign-out]").await;
    let status = shadow.find(Locator::Css("[part=status]")).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "Signed in with Harvest.");
    sign_out.click().await.unwrap();
    button("[part~=sign-in]").await;
    assert_eq!(status.text().await.unwrap(), "Signed out.");
    env.close().await;
}

#[tokio::test]
async fn two_clients_from_the_package_on_one_page_each_take_only_their_own_sign_in() {
    let env = env_for(plain_project()).await;
    env.open("two.html").await;
    wait_ready(&env).await;
    env.popup_sign_in("#sign-in-b").await;
    env.poll(
        "return document.querySelector('#state-b').textContent === 'signed-in' || null",
        e2e::PATIENCE,
    )
    .await;
    assert_eq!(env.text("#state-a").await, "signed-out");
    env.popup_sign_in("#sign-in-a").await;
    env.poll(
        "return document.querySelector('#state-a').textContent === 'signed-in' || null",
        e2e::PATIENCE,
    )
    .await;
    assert_eq!(env.host_events().await, ["b: signedin", "a: signedin"]);
    env.close().await;
}

#[tokio::test]
async fn the_headless_client_signs_in_calls_the_api_and_signs_out_with_no_ui_of_its_own() {
    let env = env_for(plain_project()).await;
    env.open("headless.html").await;
    env.wait_for("#go:not([disabled])").await;
    env.popup_sign_in("#go").await;
    let events = "return window.headless.events.join(' ') || null";
    assert_eq!(
        env.poll(events, std::time::Duration::from_secs(5)).await,
        "signedin"
    );
    let session = env.js("return window.headless.client.session()").await;
    assert_eq!(session["signedIn"], json!(true));
    assert!(session.get("accessToken").is_none());
    let me = headless_get(&env, "'users/me', 123456").await;
    assert_eq!(me["first_name"], json!("Ada"), "{me}");
    let call = env.last_request("/v2/users/me");
    assert!(
        call.query.contains("access_token=") && call.query.contains("account_id=123456"),
        "Harvest's query transport: {}",
        call.query
    );
    assert_eq!(
        env.js("return document.querySelectorAll('[data-screen]').length")
            .await,
        json!(0),
        "the headless client draws nothing"
    );
    // A host may destroy its client from inside a listener of the client's own event.
    env.js("const c = window.headless.client; c.on('signedout', () => c.destroy()); c.signOut()")
        .await;
    assert_eq!(
        env.js("return window.headless.events.join(' ')").await,
        json!("signedin signedout")
    );
    assert_eq!(
        env.js("return window.headless.client.signIn()").await,
        json!(false)
    );
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn the_packages_element_reads_its_settings_only_from_beside_its_script() {
    let elsewhere = e2e::Elsewhere::start().await;
    let env = env_for(plain_project()).await;
    let site = env.plain_site_dir().unwrap();
    // An attacker's settings on the same origin (say, an upload), which the markup names.
    let mut evil: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("config.json")).unwrap()).unwrap();
    evil["client_id"] = "local-demo-2".into();
    evil["api_base"] = format!("{}/v2", elsewhere.origin).into();
    std::fs::create_dir_all(site.join("uploads")).unwrap();
    std::fs::write(site.join("uploads/evil.json"), evil.to_string()).unwrap();
    let status = "const s = document.querySelector('implicit-oauth-login')?.shadowRoot?.querySelector('[part=status]');\
                  return s && s.textContent !== 'Loading…' ? [s.dataset.kind, s.textContent] : null";
    // Without the deployer's file the element says so, and takes nothing from the markup.
    env.open("steered.html").await;
    let shown = env.poll(status, e2e::PATIENCE).await;
    assert_eq!(shown[0], "error", "{shown}");
    assert!(
        shown[1].as_str().unwrap().contains("implicit-oauth.json"),
        "{shown}"
    );
    // With it, the element signs in as the deployer's application, whatever the markup says.
    place_element_settings(&env);
    env.open("steered.html").await;
    assert_eq!(env.poll(status, e2e::PATIENCE).await[1], "Signed out.");
    let host = env.wait_for("implicit-oauth-login").await;
    let sign_in = host
        .shadow_root()
        .await
        .unwrap()
        .find(Locator::Css("[part~=sign-in]"))
        .await
        .unwrap();
    let main = env.browser.window().await.unwrap();
    sign_in.click().await.unwrap();
    env.switch_to_other_window(&main).await;
    env.wait_for("#allow").await;
    let url = env.browser.current_url().await.unwrap();
    let client_id = url.query_pairs().find(|(k, _)| k == "client_id").unwrap().1;
    assert_eq!(client_id, "local-demo", "{url}");
    env.click("#allow").await;
    env.back_to(&main).await;
    assert_eq!(
        env.poll(status, e2e::PATIENCE).await[1],
        "Signed in with Harvest."
    );
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
    env.close().await;
}

/// The code grant with PKCE from the installed package, on a host that is not ours: the
/// headless client's popup, the code redeemed at the token endpoint over CORS, an API call with
/// the redeemed token, and nothing left in storage.
#[tokio::test]
async fn the_packages_headless_client_signs_in_with_the_code_grant_and_pkce() {
    let env = Env::with(Options {
        profile: local_provider::profiles::Profile::Generic,
        host: Host::Plain(""),
        site: Some(plain_project()),
        config: json!({
            "redirect_uri": "{app_url}callback.html",
            "grant": "code",
            "token_url": "{provider_url}/oauth2/token",
        }),
        ..Options::default()
    })
    .await;
    env.open("headless.html").await;
    env.wait_for("#go:not([disabled])").await;
    env.popup_sign_in("#go").await;
    let events = "return window.headless.events.join(' ') || null";
    assert_eq!(
        env.poll(events, std::time::Duration::from_secs(5)).await,
        "signedin"
    );
    let redeemed = env.provider.requests_to("/oauth2/token");
    assert_eq!(redeemed.len(), 1);
    assert_eq!(
        (redeemed[0].method.as_str(), redeemed[0].status),
        ("POST", 200)
    );
    let me = headless_get(&env, "'me'").await;
    assert_eq!(me["name"], json!("Ada Lovelace"), "{me}");
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}
