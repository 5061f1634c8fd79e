//! The browser half of `make bench` (run by `bench/run.sh` after `make dist`): callback latency
//! beside a JavaScript peer page, API throughput under a scaled-down rate limit, and rendering
//! 10 000 time entries beside a plain DOM table, with memory. Everything runs in one headless
//! Chromium per part, against the local provider on loopback. Prints Markdown.
//!
//! `BENCH_RUNS` sets the runs per side for latency (default 20) and rendering (default 9);
//! `LIGHTHOUSE_RUNS` the Lighthouse navigations per report, of which the median is reported
//! (default 9); `LIGHTHOUSE_REPORT=path` keeps each report's median run, with the token taken
//! out, in `<path>.api-50ms.json` and `<path>.api-0ms.json`.
//!
//! The pages it serves beside the app are in `bench/pages/`: `probe.js` (loaded first by every
//! measured page; it timestamps what a person would notice), the jso peer page, and the plain
//! DOM table. The app itself is served with the probe added to its `<head>`, nothing else
//! changed.

use axum::response::{Html, IntoResponse};
use axum::routing::get;
use e2e::{dist_dir, Env, Options, PATIENCE};
use local_provider::harvest_data::date_from_days;
use local_provider::profiles::Profile;
use local_provider::settings::RateLimit;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

/// The rate limit the throughput part scales Harvest's 100 per 15 s down to.
const LIMIT: usize = 100;
const WINDOW: Duration = Duration::from_secs(2);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The app's `index.html` with the probe first in `<head>`, at `/` (the app's redirect URI in
/// the bench); `bench/pages/*` and jso under `/__bench/`.
fn bench_pages() -> axum::Router {
    let index = std::fs::read_to_string(dist_dir().join("index.html")).unwrap();
    let probed = index.replacen(
        "<head>",
        "<head><script src=\"/__bench/probe.js\"></script>",
        1,
    );
    assert_ne!(probed, index, "dist/index.html has a <head>");
    let app = move || {
        let page = probed.clone();
        async move { Html(page) }
    };
    let file = |path: PathBuf, kind: &'static str| {
        move || {
            let path = path.clone();
            async move {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                ([("content-type", kind)], text).into_response()
            }
        }
    };
    let pages = repo().join("bench/pages");
    let css = std::fs::read_dir(dist_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "css") && p.to_string_lossy().contains("style-")
        })
        .expect("dist/ has the app's stylesheet");
    let js = "text/javascript";
    let html = "text/html; charset=utf-8";
    axum::Router::new()
        .route("/", get(app))
        .route(
            "/__bench/blank.html",
            get(|| async { Html("<!doctype html><title>blank</title>") }),
        )
        .route("/__bench/probe.js", get(file(pages.join("probe.js"), js)))
        .route(
            "/__bench/peer.html",
            get(file(pages.join("peer.html"), html)),
        )
        .route("/__bench/peer.js", get(file(pages.join("peer.js"), js)))
        .route(
            "/__bench/table.html",
            get(file(pages.join("table.html"), html)),
        )
        .route("/__bench/table.js", get(file(pages.join("table.js"), js)))
        .route("/__bench/style.css", get(file(css, "text/css")))
        .route(
            "/__bench/jso.js",
            get(file(
                repo().join("bench/.peers/node_modules/jso/dist/jso.js"),
                js,
            )),
        )
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// Polls `expression` (JavaScript) until it is not null, and returns it.
async fn until(env: &Env, expression: &str) -> Value {
    env.poll(&format!("return {expression};"), PATIENCE * 4)
        .await
}

/// Starts on a blank page of the app's origin with nothing stored.
async fn fresh(env: &Env) {
    env.open("/__bench/blank.html").await;
    env.js("sessionStorage.clear(); localStorage.clear();")
        .await;
}

/// One sign-in from `start`, through the consent page, until the name is shown; the callback
/// page's probe readings.
async fn one_sign_in(env: &Env, start: &str) -> (f64, f64) {
    fresh(env).await;
    env.open(start).await;
    env.click("#sign-in").await;
    env.click("#allow").await;
    until(env, "window.__probe && window.__probe.named").await;
    let p = env.js("return window.__probe").await;
    let f = |k: &str| {
        p[k].as_f64()
            .unwrap_or_else(|| panic!("probe.{k} missing: {p}"))
    };
    // (a) the address bar is clean and the session has started (the signed-in screen is up).
    (f("clean").max(f("signedIn")), f("named"))
}

struct Latency {
    ours: (f64, f64),
    peer: (f64, f64),
    runs: usize,
}

async fn callback_latency(runs: usize) -> Latency {
    let env = Env::with(Options {
        profile: Profile::Generic,
        // The response comes straight back to the app, as it does to the peer page.
        config: serde_json::json!({ "redirect_uri": "{app_url}" }),
        routes: bench_pages(),
        ..Options::default()
    })
    .await;
    // One unmeasured round each, so both sides start with warm caches.
    one_sign_in(&env, "/").await;
    one_sign_in(&env, "/__bench/peer.html").await;
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(one_sign_in(&env, "/").await);
        peer.push(one_sign_in(&env, "/__bench/peer.html").await);
    }
    env.close().await;
    let medians = |v: &[(f64, f64)]| {
        (
            median(v.iter().map(|r| r.0).collect()),
            median(v.iter().map(|r| r.1).collect()),
        )
    };
    Latency {
        ours: medians(&ours),
        peer: medians(&peer),
        runs,
    }
}

/// Loads `from`..=`to` on the dashboard; milliseconds from the click to "Complete", with the
/// number of time-entry requests and of 429s the provider saw meanwhile.
async fn load_range(env: &Env, from: &str, to: &str) -> (f64, usize, usize) {
    env.set_input("from", from).await;
    env.set_input("to", to).await;
    let before = env.provider.recorded().len();
    let started = env
        .js("window.__probe.complete = null; const t = performance.now(); document.getElementById('load-entries').click(); return t;")
        .await
        .as_f64()
        .unwrap();
    let complete = until(env, "window.__probe.complete")
        .await
        .as_f64()
        .unwrap();
    let recorded = env.provider.recorded();
    let phase = &recorded[before..];
    let pages = phase
        .iter()
        .filter(|r| r.path.ends_with("/time_entries") && r.status == 200)
        .count();
    let limited = phase.iter().filter(|r| r.status == 429).count();
    (complete - started, pages, limited)
}

struct Throughput {
    pages: usize,
    total_ms: f64,
    ideal_ms: f64,
    per_page_ms: f64,
    too_many: usize,
}

async fn api_throughput() -> Throughput {
    let env = Env::with(Options {
        config: json!({ "rate_limit": { "requests": LIMIT, "per_seconds": WINDOW.as_secs() } }),
        tweak: |s| {
            s.rate_limit = RateLimit {
                requests: LIMIT,
                window: WINDOW,
            };
            // Two entries a page keep the table small, so the figure is about requests.
            s.per_page = 2;
            s.entries_per_weekday = 2;
        },
        routes: bench_pages(),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    until(&env, "window.__probe.complete").await;
    let drain = WINDOW + Duration::from_millis(500);
    // Unconstrained pace: a range of fewer pages than the limit.
    tokio::time::sleep(drain).await;
    let (small_ms, small_pages, _) = load_range(&env, "2026-01-01", "2026-03-31").await;
    assert!(small_pages < LIMIT);
    let per_page_ms = small_ms / small_pages as f64;
    // The measured load: a whole year, several windows' worth.
    tokio::time::sleep(drain).await;
    let (total_ms, pages, too_many) = load_range(&env, "2026-01-01", "2026-12-31").await;
    env.close().await;
    // Sequential requests under a rolling window: request k leaves at
    // floor(k / L) * W + (k mod L) * t, and the last one takes t.
    let windows = ((pages - 1) / LIMIT) as f64;
    let tail = ((pages - 1) % LIMIT + 1) as f64;
    let ideal_ms = windows * WINDOW.as_millis() as f64 + tail * per_page_ms;
    Throughput {
        pages,
        total_ms,
        ideal_ms,
        per_page_ms,
        too_many,
    }
}

/// The date of the `n`th weekday of 2026 (2026-01-01, a Thursday, is the first).
fn nth_weekday_2026(n: usize) -> String {
    let first = 20_454; // days from 1970-01-01 to 2026-01-01
    (first..)
        .filter(|d: &i64| (d + 3).rem_euclid(7) < 5)
        .nth(n - 1)
        .map(date_from_days)
        .unwrap()
}

struct Render {
    rows: u64,
    ours_built: f64,
    ours_painted: f64,
    ours_heap: f64,
    ours_wasm: f64,
    js_built: f64,
    js_painted: f64,
    js_heap: f64,
    runs: usize,
}

const ENTRIES_PER_WEEKDAY: u64 = 40;

async fn rendering(runs: usize) -> Render {
    let env = Env::with(Options {
        tweak: |s| {
            // One page holds the whole range, so the figure is about rendering.
            s.per_page = 20_000;
            s.entries_per_weekday = ENTRIES_PER_WEEKDAY;
        },
        routes: bench_pages(),
        chrome_args: vec![
            "--enable-precise-memory-info".into(),
            "--js-flags=--expose-gc".into(),
        ],
        ..Options::default()
    })
    .await;
    let rows = 10_000;
    let to = nth_weekday_2026((rows / ENTRIES_PER_WEEKDAY) as usize);
    let (mut ours, mut js) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        fresh(&env).await;
        env.open("/").await;
        env.sign_in().await;
        until(&env, "window.__probe.complete").await;
        let (_, pages, _) = load_range(&env, "2026-01-01", &to).await;
        assert_eq!(pages, 1);
        let shown = env
            .js("return document.querySelectorAll('#entries-table tbody tr:not(.day)').length")
            .await;
        assert_eq!(shown.as_u64(), Some(rows));
        let r = until(
            &env,
            "window.__probe.painted && (() => {
                const e = performance.getEntriesByType('resource').filter(r => r.name.includes('/time_entries')).pop();
                return { url: e.name, built: window.__probe.complete - e.responseEnd,
                         painted: window.__probe.painted - e.responseEnd, memory: window.__memory() };
            })()",
        )
        .await;
        ours.push(r.clone());
        // The same response, fetched and drawn by the plain script on a fresh page.
        env.open("/__bench/table.html").await;
        until(&env, "window.__run && true").await;
        let t = env
            .browser
            .execute(
                "return window.__run(arguments[0], {}).then(r => Object.assign(r, { memory: window.__memory() }));",
                vec![r["url"].clone()],
            )
            .await
            .unwrap();
        assert_eq!(t["rows"].as_u64(), Some(rows));
        js.push(t);
    }
    env.close().await;
    let m = |v: &[Value], path: &[&str]| {
        median(
            v.iter()
                .map(|x| path.iter().fold(x, |x, k| &x[k]).as_f64().unwrap_or(0.0))
                .collect(),
        )
    };
    Render {
        rows,
        ours_built: m(&ours, &["built"]),
        ours_painted: m(&ours, &["painted"]),
        ours_heap: m(&ours, &["memory", "jsHeap"]),
        ours_wasm: m(&ours, &["memory", "wasm"]),
        js_built: m(&js, &["built"]),
        js_painted: m(&js, &["painted"]),
        js_heap: m(&js, &["memory", "jsHeap"]),
        runs,
    }
}

fn mb(bytes: f64) -> String {
    format!("{:.1}", bytes / 1_048_576.0)
}

/// `BENCH_RUNS` overrides the run counts; `BENCH_ONLY=latency,throughput,rendering,lighthouse`
/// runs only the named parts (for working on one of them; `make bench` runs all four).
#[tokio::main]
async fn main() {
    let runs: Option<usize> = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok());
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    if wanted("latency") {
        report_latency(callback_latency(runs.unwrap_or(20)).await);
    }
    if wanted("throughput") {
        report_throughput(api_throughput().await);
    }
    if wanted("rendering") {
        report_rendering(rendering(runs.unwrap_or(9)).await);
    }
    if wanted("lighthouse") {
        let remote = lighthouse(REMOTE_API_MS).await;
        let local = lighthouse(0).await;
        report_lighthouse(remote, local);
    }
}

/// The delay the Lighthouse navigations add to each answer of the local provider's API: an
/// assumed server time for a fast remote API (the simulation adds the phone's connection set-up
/// and round trips on top). Lantern (Lighthouse's simulation) takes from the observed,
/// unthrottled run which requests ended before the largest paint, and counts each of them as
/// needed for it. Undelayed, the local API answers in a few milliseconds, before the
/// dashboard's heading (the largest paint) is shown; on the simulated phone (150 ms round
/// trips) it could not, yet the simulation would put the accounts request (a new connection,
/// ~300 ms simulated) on the heading's path. The report gives both.
const REMOTE_API_MS: u64 = 50;

/// Lighthouse (`bench/lighthouse.mjs`, pinned in `bench/run.sh`) on the dashboard, in this
/// bench's Chromium, signed in with the session kept in the tab so the navigation it measures
/// lands on the dashboard, with the API answering after `api_ms`. Its JSON line.
async fn lighthouse(api_ms: u64) -> Value {
    let port = e2e::free_port();
    let env = Env::with(Options {
        config: json!({ "token_storage": "session" }),
        chrome_args: vec![format!("--remote-debugging-port={port}")],
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    env.provider
        .set_faults(move |f| f.delay = Duration::from_millis(api_ms));
    let peers = repo().join("bench/.peers");
    let mut node = tokio::process::Command::new("node");
    // One report file for each API timing.
    if let Some(path) = std::env::var_os("LIGHTHOUSE_REPORT") {
        let mut path = path;
        path.push(format!(".api-{api_ms}ms.json"));
        node.env("LIGHTHOUSE_REPORT", path);
    }
    let out = node
        .arg(repo().join("bench/lighthouse.mjs"))
        .arg(port.to_string())
        .arg(&env.app_url)
        .arg(&peers)
        .output()
        .await
        .expect("node runs");
    assert!(
        out.status.success(),
        "bench/lighthouse.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.close().await;
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn report_lighthouse(r: Value, local: Value) {
    let score = |v: &Value| v.as_u64().map_or("–".to_owned(), |n| n.to_string());
    // A list of whole numbers in the JSON line, one for each run ("–" where there is none).
    let each = |r: &Value, key: &str| {
        r[key]
            .as_array()
            .map(|runs| runs.iter().map(score).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    let runs = |r: &Value| each(r, "performance_runs");
    // How many API requests each run's simulation counted into the largest paint.
    let counted = |r: &Value| each(r, "api_before_lcp_runs");
    let api_before_lcp = |r: &Value| match r["api_before_lcp"].as_array() {
        None => "unknown".to_owned(),
        Some(a) if a.is_empty() => "none".to_owned(),
        Some(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    println!("\n## Lighthouse\n");
    println!(
        "Lighthouse {} in this Chromium: navigations of the signed-in app (the dashboard, its \
         session kept in the tab) with Lighthouse's mobile defaults (a mid-range phone, slow 4G \
         and a 4× slower CPU, simulated), then a snapshot once this week's entries have loaded. \
         The local provider delays each API answer by {REMOTE_API_MS} ms (an assumed server \
         time for a fast remote API; the simulation adds the phone's connection set-up and round \
         trips on top). A single run's performance score varies by several points, so the \
         navigation is run {} times and the median run is reported (performance in each run: \
         {}).\n",
        r["lighthouse"].as_str().unwrap_or("?"),
        r["performance_runs"].as_array().map_or(0, Vec::len),
        runs(&r),
    );
    println!("| report | performance | accessibility | best practices |\n|---|---:|---:|---:|");
    for (name, part) in [
        (
            format!("navigation (mobile, API +{REMOTE_API_MS} ms)"),
            "navigation",
        ),
        ("dashboard loaded".to_owned(), "snapshot"),
    ] {
        let c = &r[part];
        println!(
            "| {name} | {} | {} | {} |",
            score(&c["performance"]),
            score(&c["accessibility"]),
            score(&c["best-practices"])
        );
    }
    let m = &r["metrics"];
    println!(
        "\nFirst contentful paint {} ms, largest contentful paint {} ms, total blocking time {} ms, \
         cumulative layout shift {:.3}, speed index {} ms. Audits not passed: {}.",
        m["fcp_ms"],
        m["lcp_ms"],
        m["tbt_ms"],
        m["cls"].as_f64().unwrap_or(0.0),
        m["si_ms"],
        r["failing"]
            .as_array()
            .filter(|a| !a.is_empty())
            .map_or("none".to_owned(), |a| a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "))
    );
    if let Some(shifts) = r["layout_shifts"].as_array().filter(|a| !a.is_empty()) {
        let shifts: Vec<&str> = shifts.iter().filter_map(Value::as_str).collect();
        println!("\nLayout shifts: {}.", shifts.join("; "));
    }
    if let Some(element) = r["lcp_element"].as_str() {
        println!("\nThe largest contentful paint: `{element}`.");
    }
    println!(
        "API requests that ended before the largest contentful paint, which the simulation \
         counts as needed for it: {} (how many in each run: {}).",
        api_before_lcp(&r),
        counted(&r)
    );
    let lm = &local["metrics"];
    println!(
        "\nFor comparison, the same navigations with the API answering at once (in a few \
         milliseconds, as an API on the same machine does): performance {} (runs: {}), largest \
         contentful paint {} ms, total blocking time {} ms; API requests that ended before the \
         largest contentful paint: {} (how many in each run: {}).",
        score(&local["navigation"]["performance"]),
        runs(&local),
        lm["lcp_ms"],
        lm["tbt_ms"],
        api_before_lcp(&local),
        counted(&local),
    );
    println!("\nTarget: performance ≥ 98 (mobile, the table's figure), accessibility 100.\n");
}

fn report_latency(l: Latency) {
    println!("## Callback latency\n");
    println!(
        "Headless Chromium, generic preset against the local provider; the app beside a page doing \
         the same job with jso 4.1.1 (`bench/pages/peer.*`), both served by the same server, \
         alternating, {} runs each after one warm-up. Milliseconds from the callback's navigation \
         start (the consent form's submission), medians.\n",
        l.runs
    );
    println!("| moment | ours ms | jso page ms | ours / jso |\n|---|---:|---:|---:|");
    for (what, ours, peer) in [
        (
            "(a) address bar clean and session started",
            l.ours.0,
            l.peer.0,
        ),
        (
            "(b) signed-in screen with the name from the API",
            l.ours.1,
            l.peer.1,
        ),
    ] {
        println!("| {what} | {ours:.0} | {peer:.0} | {:.2} |", ours / peer);
    }
    println!("\nTarget: (a) ratio ≤ 1.2.\n");
}

fn report_throughput(t: Throughput) {
    println!("## API throughput\n");
    println!(
        "A year of time entries ({} pages of 2) with the provider and the app both limited to \
         {LIMIT} requests per {} s (Harvest's 100 per 15 s, scaled down). The ideal is the \
         schedule a rolling window allows sequential requests: ⌊(N−1)/{LIMIT}⌋ windows, then the \
         rest at the unconstrained pace, measured in the same run on a range of fewer pages than \
         the limit ({:.1} ms a page).\n",
        t.pages,
        WINDOW.as_secs(),
        t.per_page_ms
    );
    println!(
        "| pages | measured s | ideal s | over ideal | 429s met |\n|---:|---:|---:|---:|---:|"
    );
    println!(
        "| {} | {:.2} | {:.2} | {:.1} % | {} |",
        t.pages,
        t.total_ms / 1000.0,
        t.ideal_ms / 1000.0,
        (t.total_ms / t.ideal_ms - 1.0) * 100.0,
        t.too_many
    );
    println!("\nTarget: within 5 % of the ideal, zero 429s.\n");
}

fn report_rendering(r: Render) {
    println!("## Rendering and memory\n");
    println!(
        "{} time entries in one response, drawn by the app's dashboard and by a plain script that \
         builds the same table with `createElement` (`bench/pages/table.*`) from the same URL, \
         alternating, {} runs each. Milliseconds from the response's last byte to the table in the \
         document, and to the next frame; memory after a forced GC (`--js-flags=--expose-gc`, \
         `--enable-precise-memory-info`). Medians.\n",
        r.rows, r.runs
    );
    println!(
        "| page | in the document ms | next frame ms | JS heap MB | wasm memory MB |\n|---|---:|---:|---:|---:|"
    );
    println!(
        "| ours | {:.0} | {:.0} | {} | {} |",
        r.ours_built,
        r.ours_painted,
        mb(r.ours_heap),
        mb(r.ours_wasm)
    );
    println!(
        "| plain DOM script | {:.0} | {:.0} | {} | – |",
        r.js_built,
        r.js_painted,
        mb(r.js_heap)
    );
    println!(
        "\nOurs / plain: {:.2}× to the document, {:.2}× to the next frame. Target: under 1.5×.",
        r.ours_built / r.js_built,
        r.ours_painted / r.js_painted
    );
}
