//! The Harvest dashboard end to end: accounts, the API client over CORS, pagination, rate
//! limits and failures, against the local provider in headless Chromium.

use e2e::{Env, Options};
use local_provider::data::demo_accounts;
use local_provider::harvest_data::{date_from_days, total_hours};
use local_provider::settings::{Pagination, RateLimit};
use local_provider::{bind, router, serve, Provider};
use serde_json::json;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Waits until the time-entry load has ended, complete or not; returns `data-complete`.
async fn entries_finished(env: &Env) -> bool {
    let status = env.wait_for("#entries-status").await;
    status.attr("data-complete").await.unwrap().as_deref() == Some("true")
}

/// Like [`entries_finished`], for loads of hundreds of pages: it waits up to `limit`.
async fn long_load_finished(env: &Env, limit: Duration) -> bool {
    let script =
        "const s = document.getElementById('entries-status'); return s ? s.dataset.complete : null";
    env.poll(script, limit).await == "true"
}

async fn input(env: &Env, id: &str) -> String {
    env.js(&format!("return document.getElementById({id:?}).value"))
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

/// How many entries the provider holds for account 123456 from `from` to `to`.
fn total_entries(env: &Env, from: &str, to: &str) -> usize {
    env.provider.data[&123_456]
        .entries
        .iter()
        .filter(|e| e.spent_date.as_str() >= from && e.spent_date.as_str() <= to)
        .count()
}

/// Hours the provider holds for account 123456 in the range the dashboard shows.
async fn expected_hours(env: &Env) -> String {
    let (from, to) = (input(env, "from").await, input(env, "to").await);
    format!(
        "{:.2}",
        total_hours(&env.provider.data[&123_456], &from, &to)
    )
}

/// The table shows every entry of the chosen range, once, in the provider's order, with its
/// notes as text: the generated notes hold `<b>` markup, which must show literally and never
/// become elements.
async fn assert_rows_are_the_range(env: &Env) {
    let (from, to) = (input(env, "from").await, input(env, "to").await);
    let expected: Vec<Vec<String>> = env.provider.data[&123_456]
        .entries
        .iter()
        .filter(|e| e.spent_date >= from && e.spent_date <= to)
        .map(|e| {
            vec![
                e.spent_date.clone(),
                e.project.name.clone(),
                e.task.name.clone(),
                e.notes.clone().unwrap_or_default(),
                format!("{:.2}", e.hours),
            ]
        })
        .collect();
    assert!(expected.iter().any(|row| row[3].contains("<b>")));
    let shown = env
        .js(
            "return [...document.querySelectorAll('#entries-table tbody tr:not(.day)')]
                .map(tr => [...tr.cells].map(td => td.textContent))",
        )
        .await;
    assert_eq!(shown, json!(expected));
    assert_eq!(
        env.js("return document.querySelectorAll('#entries-table b').length")
            .await,
        json!(0)
    );
}

#[tokio::test]
async fn with_two_accounts_the_person_picks_one_and_sees_its_data() {
    let env = Env::with(Options {
        accounts: demo_accounts(),
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.wait_for("#account-picker").await;
    let offered = env.text("#account-picker").await;
    assert!(
        offered.contains("Analytical Engines Ltd") && offered.contains("Difference Engines Inc"),
        "{offered}"
    );
    assert!(
        !offered.contains("Forecast"),
        "Forecast accounts are not Harvest accounts: {offered}"
    );
    env.click("button[data-account-id=\"234567\"]").await;
    assert_eq!(env.text("#account-name").await, "Difference Engines Inc");
    assert_eq!(env.text("#company-name").await, "Difference Engines Inc");
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    let me = env.last_request("/v2/users/me");
    assert!(me.query.contains("account_id=234567"), "{}", me.query);
    // Switching accounts loads the other account's entries for the same range, once.
    assert!(entries_finished(&env).await);
    env.click("#switch-account").await;
    env.click("button[data-account-id=\"123456\"]").await;
    assert_eq!(env.text("#company-name").await, "Analytical Engines Ltd");
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    assert_eq!(env.text("#total-hours").await, expected_hours(&env).await);
    assert_rows_are_the_range(&env).await;
    // Once: as many requests for that account's entries as its pages of 100.
    let pages = env
        .provider
        .recorded()
        .iter()
        .filter(|r| r.path == "/v2/time_entries" && r.query.contains("account_id=123456"))
        .count();
    assert_eq!(
        pages,
        total_entries(&env, "2026-01-01", "2026-12-31").div_ceil(100)
    );
    env.close().await;
}

#[tokio::test]
async fn the_all_scope_is_resolved_through_the_accounts_endpoint() {
    let env = Env::with(Options {
        tweak: |s| s.scope_all = true,
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    assert_eq!(env.text("#account-name").await, "Analytical Engines Ltd");
    assert!(env
        .provider
        .store
        .last_redirect()
        .unwrap()
        .contains("scope=all"));
    assert!(env
        .provider
        .recorded()
        .iter()
        .any(|r| r.path == "/api/v2/accounts" && r.status == 200));
    env.close().await;
}

#[tokio::test]
async fn the_dashboard_shows_person_company_assignments_and_a_multi_page_range_totalled() {
    let env = Env::start().await;
    env.provider
        .set_faults(|f| f.delay = Duration::from_millis(60));
    // A shared link's range, opened signed out, is the range loaded after sign-in.
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert_eq!(
        (input(&env, "from").await, input(&env, "to").await),
        ("2026-01-01".to_owned(), "2026-12-31".to_owned())
    );
    // Entries are counted, against the total the provider announced with the first page (the
    // bar, its text and its position are read together, while the load runs).
    let total = total_entries(&env, "2026-01-01", "2026-12-31");
    let seen = env
        .poll(
            "const text = document.getElementById('entries-progress-text');
             if (!text || !text.textContent.includes(' of ')) return null;
             const bar = document.getElementById('entries-progress');
             return [text.textContent, bar.getAttribute('max'), bar.getAttribute('aria-label'),
                     getComputedStyle(document.querySelector('.progress')).position];",
            e2e::PATIENCE,
        )
        .await;
    let [progress, max, label, position]: [String; 4] = serde_json::from_value(seen).unwrap();
    assert!(
        progress.starts_with("Loaded ") && progress.ends_with(&format!(" of {total} entries")),
        "{progress}"
    );
    assert_eq!(max, total.to_string());
    assert_eq!(label, "Time entries loaded");
    // It stays in view while the page scrolls.
    assert_eq!(position, "sticky");
    assert_eq!(
        env.wait_for("#entries-live")
            .await
            .attr("role")
            .await
            .unwrap()
            .as_deref(),
        Some("status")
    );
    assert!(
        entries_finished(&env).await,
        "{}",
        env.text("#entries-status").await
    );
    // The company and the projects, once the answers are in (below them, nothing moves).
    assert_eq!(env.text("#company-name").await, "Analytical Engines Ltd");
    assert!(env
        .text("#assignments")
        .await
        .contains("Analytical Engine (AE)"));
    let pages = env
        .provider
        .recorded()
        .iter()
        .filter(|r| r.path == "/v2/time_entries" && r.method == "GET")
        .count();
    assert!(pages > 5, "expected a multi-page load, got {pages} pages");
    assert_eq!(env.text("#total-hours").await, expected_hours(&env).await);
    assert_rows_are_the_range(&env).await;
    // Another range replaces the rows. Its end is announced once: the status region empties
    // while the load runs and is filled once, when it ends.
    env.js("const live = document.getElementById('entries-live');
         window.__said = [];
         new MutationObserver(() => window.__said.push(live.textContent))
             .observe(live, { childList: true, subtree: true, characterData: true });")
        .await;
    env.set_input("from", "2026-11-02").await;
    env.set_input("to", "2026-11-06").await;
    env.click("#load-entries").await;
    assert!(entries_finished(&env).await);
    let week = total_entries(&env, "2026-11-02", "2026-11-06");
    let said: Vec<String> = serde_json::from_value(env.js("return window.__said").await).unwrap();
    let said: Vec<&String> = said.iter().filter(|t| !t.is_empty()).collect();
    assert_eq!(said, [&format!("Complete: {week} entries.")]);
    assert_rows_are_the_range(&env).await;
    env.close().await;
}

#[tokio::test]
async fn a_long_load_draws_its_rows_in_batches_not_page_by_page() {
    // Small pages and no rate limit to speak of: many pages, arriving fast.
    let env = Env::with(Options {
        tweak: |s| {
            s.per_page = 5;
            s.rate_limit = RateLimit {
                requests: 10_000,
                window: Duration::from_secs(1),
            };
        },
        config: json!({ "rate_limit": { "requests": 10_000, "per_seconds": 1 } }),
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    // The year, five entries a page: 522 pages, longer than PATIENCE on a busy machine.
    assert!(long_load_finished(&env, Duration::from_secs(90)).await);
    // Each draw appends one batch of rows to the table's body (a new range draws a new one).
    env.js("window.__draws = 0;
         new MutationObserver((records) => {
             window.__draws += records.filter((r) => r.target.matches('#entries-table tbody')
                 && [...r.addedNodes].some((n) => n.nodeName === 'TR')).length;
         }).observe(document.body, { childList: true, subtree: true });")
        .await;
    env.set_input("from", "2026-03-02").await;
    env.set_input("to", "2026-06-30").await;
    let before = env.provider.recorded().len();
    env.click("#load-entries").await;
    assert!(long_load_finished(&env, Duration::from_secs(90)).await);
    let pages = env.provider.recorded()[before..]
        .iter()
        .filter(|r| r.path == "/v2/time_entries")
        .count();
    let draws = env.js("return window.__draws").await.as_u64().unwrap() as usize;
    assert!(pages > 100, "too few pages to see batching: {pages}");
    assert!(
        (2..pages / 4).contains(&draws),
        "{draws} draws for {pages} pages"
    );
    assert_rows_are_the_range(&env).await;
    env.close().await;
}

#[tokio::test]
async fn cursor_pagination_loads_every_page_with_unknown_totals() {
    let env = Env::with(Options {
        tweak: |s| s.pagination = Pagination::Cursor,
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    assert!(entries_finished(&env).await);
    assert_eq!(env.text("#total-hours").await, expected_hours(&env).await);
    env.close().await;
}

#[tokio::test]
async fn an_empty_range_says_so() {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    // 2026-01-03 is a Saturday: nobody worked.
    env.set_input("from", "2026-01-03").await;
    env.set_input("to", "2026-01-03").await;
    env.click("#load-entries").await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    assert_eq!(
        env.text("#entries-status").await,
        "No time entries in this range."
    );
    env.close().await;
}

#[tokio::test]
async fn a_foreign_links_next_is_not_followed_and_gets_no_token() {
    // Another server on another loopback origin plays the attacker; the app's CSP is removed so
    // only the app's own origin check stands between the token and it.
    let foreign = Provider::new(local_provider::settings::Settings::demo());
    let foreign_addr = serve(
        bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .unwrap(),
        router(foreign.clone()),
    )
    .unwrap();
    let env = Env::with(Options {
        without_csp: true,
        ..Options::default()
    })
    .await;
    env.provider
        .set_faults(|f| f.foreign_next = Some(format!("http://{foreign_addr}")));
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    assert!(
        !entries_finished(&env).await,
        "a load cut short must not claim to be complete"
    );
    let status = env.text("#entries-status").await;
    assert!(status.contains("Refused to send the token"), "{status}");
    assert!(
        env.text("#total-hours").await.parse::<f64>().unwrap() > 0.0,
        "the first page is still shown"
    );
    assert!(
        foreign.recorded().is_empty(),
        "the foreign origin was contacted: {:?}",
        foreign.recorded()
    );
    env.close().await;
}

#[tokio::test]
async fn query_mode_sends_no_authorization_header_and_header_mode_no_access_token() {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    let seen = env.provider.recorded();
    assert!(seen
        .iter()
        .filter(|r| r.method == "GET")
        .all(|r| !r.authorization && r.query.contains("access_token=")));
    env.close().await;

    let env = Env::with(Options {
        config: json!({ "token_transport": "header" }),
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    let seen = env.provider.recorded();
    let gets: Vec<_> = seen.iter().filter(|r| r.method == "GET").collect();
    assert!(!gets.is_empty());
    assert!(
        gets.iter()
            .all(|r| r.authorization && !r.query.contains("access_token")),
        "{gets:?}"
    );
    env.close().await;
}

#[tokio::test]
async fn a_burst_over_the_rate_limit_completes_without_a_429() {
    // 10 requests per 2 s on both sides; the year's entries need far more than 10 requests.
    let env = Env::with(Options {
        tweak: |s| {
            s.rate_limit = RateLimit {
                requests: 10,
                window: Duration::from_secs(2),
            }
        },
        config: json!({ "rate_limit": { "requests": 10, "per_seconds": 2 } }),
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    assert!(entries_finished(&env).await);
    let seen = env.provider.recorded();
    assert!(
        seen.len() > 20,
        "the burst was too small to test anything: {}",
        seen.len()
    );
    assert!(seen.iter().all(|r| r.status != 429), "a 429 was answered");
    env.close().await;
}

#[tokio::test]
async fn a_forced_429_is_waited_out_and_the_load_recovers() {
    let env = Env::with(Options {
        tweak: |s| s.expose_retry_after = true,
        ..Options::default()
    })
    .await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    env.provider.set_faults(|f| f.too_many = 1);
    env.click("#load-entries").await;
    let notice = env
        .poll(
            "const w = document.getElementById('rate-wait'); return w ? w.textContent : null",
            e2e::PATIENCE,
        )
        .await;
    assert!(
        notice.as_str().unwrap().contains("continuing in 1 s"),
        "{notice}"
    );
    assert!(entries_finished(&env).await);
    assert_eq!(env.text("#total-hours").await, expected_hours(&env).await);
    env.close().await;
}

#[tokio::test]
async fn a_403_shows_a_permission_message_and_does_not_send_the_person_to_sign_in() {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    env.provider.set_faults(|f| f.forbidden = true);
    env.click("#refresh").await;
    assert!(env.text("#api-error").await.contains("permission"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    env.screen("signed-in").await;
    assert!(env
        .browser
        .current_url()
        .await
        .unwrap()
        .as_str()
        .starts_with(&env.app_url));
    env.close().await;
}

async fn fails_then_recovers(fault: fn(&mut local_provider::faults::Faults), expect: &str) {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    env.provider.set_faults(fault);
    env.click("#load-entries").await;
    env.wait_for("#retry-entries").await;
    let status = env.text("#entries-status").await;
    assert!(
        status.starts_with("Incomplete:") && status.contains(expect),
        "{status}"
    );
    env.click("#retry-entries").await;
    assert!(entries_finished(&env).await);
    env.close().await;
}

#[tokio::test]
async fn a_500_shows_a_clear_error_and_retry_recovers() {
    fails_then_recovers(|f| f.server_errors = 1, "HTTP 500").await;
}

#[tokio::test]
async fn malformed_json_shows_a_clear_error_and_retry_recovers() {
    fails_then_recovers(|f| f.malformed = 1, "could not be read").await;
}

#[tokio::test]
async fn an_html_error_page_shows_a_clear_error_and_retry_recovers() {
    fails_then_recovers(|f| f.html_errors = 1, "HTTP 502").await;
}

#[tokio::test]
async fn retry_after_a_failed_page_goes_on_from_that_page_and_keeps_the_rest() {
    let env = Env::start().await;
    env.provider.set_faults(|f| f.fail_page = Some(5));
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    env.wait_for("#retry-entries").await;
    let status = env.text("#entries-status").await;
    assert!(status.contains("HTTP 500"), "{status}");
    // Four pages of 100 arrived before the fifth failed.
    let alert = env.text("#entries-status + p").await;
    assert!(alert.contains("the 400 entries that arrived"), "{alert}");
    env.click("#retry-entries").await;
    assert!(entries_finished(&env).await);
    // Every page answered once: none of the four that arrived was asked for again.
    let mut answered: Vec<String> = env
        .provider
        .recorded()
        .iter()
        .filter(|r| r.path == "/v2/time_entries" && r.status == 200)
        .map(|r| {
            r.query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .unwrap_or("1")
                .to_owned()
        })
        .collect();
    let asked = answered.len();
    answered.sort();
    answered.dedup();
    assert!(asked > 5, "{asked} pages");
    assert_eq!(answered.len(), asked, "a page was fetched twice");
    assert_eq!(env.text("#total-hours").await, expected_hours(&env).await);
    assert_rows_are_the_range(&env).await;
    env.close().await;
}

#[tokio::test]
async fn an_offline_provider_shows_a_clear_error_and_retry_recovers() {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    entries_finished(&env).await;
    env.set_provider_online(false).await;
    env.click("#load-entries").await;
    env.wait_for("#retry-entries").await;
    assert!(env
        .text("#entries-status")
        .await
        .contains("could not be reached"));
    env.screen("signed-in").await;
    env.set_provider_online(true).await;
    env.click("#retry-entries").await;
    assert!(entries_finished(&env).await);
    env.close().await;
}

#[tokio::test]
async fn a_personal_access_token_reaches_the_dashboard() {
    let env = Env::with(Options {
        config: json!({ "personal_access_token": true }),
        ..Options::default()
    })
    .await;
    let token = env
        .provider
        .store
        .issue(vec![123_456], Duration::from_secs(3600));
    env.open(e2e::YEAR_2026).await;
    env.click("details.pat summary").await;
    // It says where such a token comes from, and a mistake points at its field.
    let link = env.wait_for("#pat-where").await;
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://id.getharvest.com/developers")
    );
    env.click("#pat-use").await;
    env.wait_for("#pat-problem").await;
    let field = env.wait_for("#pat-token").await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        field.attr("aria-describedby").await.unwrap().as_deref(),
        Some("pat-problem")
    );
    env.wait_for("#pat-token")
        .await
        .send_keys(&token)
        .await
        .unwrap();
    env.wait_for("#pat-account")
        .await
        .send_keys("123456")
        .await
        .unwrap();
    env.click("#pat-use").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert!(env.text("#expires").await.contains("does not expire"));
    assert_eq!(
        env.all_storage().await,
        "[[],[]]",
        "a personal token is held in memory by default"
    );
    env.close().await;
}

#[tokio::test]
async fn cancelling_a_load_keeps_what_arrived_marked_incomplete() {
    let env = Env::start().await;
    env.provider
        .set_faults(|f| f.delay = Duration::from_millis(300));
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    env.wait_for("#entries-table").await;
    let progress = env.text("#entries-progress-text").await;
    env.click("#cancel-entries").await;
    assert!(
        !entries_finished(&env).await,
        "a cancelled load must not claim to be complete (when cancelled: {progress}; now: {})",
        env.text("#entries-status").await
    );
    assert!(env
        .text("#entries-status")
        .await
        .starts_with("Incomplete: stopped after"));
    assert!(env
        .text("#entries-table tfoot")
        .await
        .contains("Total so far (incomplete)"));
    let requested = env.provider.requests_to("/v2/time_entries").len();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let later = env.provider.requests_to("/v2/time_entries").len();
    assert!(
        later <= requested + 1,
        "pages kept loading after cancel: {requested} then {later}"
    );
    env.close().await;
}

/// Per-name sums of the provider's own entries in the range, as the dashboard formats them:
/// `[name, hours, billable, share]`, most hours first (then by name).
fn expected_lines(
    entries: &[&local_provider::harvest_data::TimeEntry],
    key: fn(&local_provider::harvest_data::TimeEntry) -> String,
) -> Vec<Vec<String>> {
    let hundredths = |h: f64| (h * 100.0).round() as i64;
    let total: i64 = entries.iter().map(|e| hundredths(e.hours)).sum();
    let mut sums: Vec<(String, i64, i64)> = Vec::new();
    for e in entries {
        let name = key(e);
        let at = match sums.iter().position(|(n, _, _)| *n == name) {
            Some(at) => at,
            None => {
                sums.push((name, 0, 0));
                sums.len() - 1
            }
        };
        sums[at].1 += hundredths(e.hours);
        if e.billable {
            sums[at].2 += hundredths(e.hours);
        }
    }
    sums.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let hours = |n: i64| format!("{}.{:02}", n / 100, n % 100);
    sums.into_iter()
        .map(|(name, h, b)| {
            vec![
                name,
                hours(h),
                hours(b),
                format!("{} %", (h * 100 + total / 2) / total),
            ]
        })
        .collect()
}

#[tokio::test]
async fn totals_per_client_project_and_task_and_the_billable_split_equal_the_providers_data() {
    let env = Env::start().await;
    env.open("/?from=2026-03-02&to=2026-04-30").await;
    env.sign_in().await;
    // The range is in (newest first: its first row is in April) and every page arrived.
    env.poll(
        "const t = document.getElementById('totals');
         const first = document.querySelector('#entries-table tbody tr:not(.day) td');
         return t && t.dataset.complete === 'true' && first && first.textContent <= '2026-04-30' || null",
        Duration::from_secs(60),
    )
    .await;
    let data = &env.provider.data[&123_456];
    let entries: Vec<_> = data
        .entries
        .iter()
        .filter(|e| e.spent_date.as_str() >= "2026-03-02" && e.spent_date.as_str() <= "2026-04-30")
        .collect();
    assert!(entries.iter().any(|e| !e.billable) && entries.iter().any(|e| e.billable));
    let hundredths = |h: f64| (h * 100.0).round() as i64;
    let hours = |n: i64| format!("{}.{:02}", n / 100, n % 100);
    let (total, billable) = total_and_billable(&entries, hundredths);
    assert_eq!(env.text("#totals-hours").await, hours(total));
    assert!(env
        .text("#totals-billable")
        .await
        .starts_with(&hours(billable)));
    assert_eq!(
        env.text("#totals-non-billable").await,
        hours(total - billable)
    );
    let shown = |id: &str| {
        format!(
            "return [...document.querySelectorAll('#{id} tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))"
        )
    };
    for (id, key) in [
        (
            "totals-clients",
            (|e: &local_provider::harvest_data::TimeEntry| e.client.name.clone()) as fn(&_) -> _,
        ),
        ("totals-projects", |e| e.project.name.clone()),
        ("totals-tasks", |e| e.task.name.clone()),
    ] {
        assert_eq!(
            env.js(&shown(id)).await,
            json!(expected_lines(&entries, key)),
            "{id}"
        );
    }
    // Sixty days are charted per week (this company's weeks start on Monday, as 2026-03-02
    // is): nine bars, each the sum of its week.
    let first = 20_514; // 2026-03-02, in days since 1970-01-01
    assert_eq!(date_from_days(first), "2026-03-02");
    let week_of: std::collections::HashMap<String, usize> = (0..60)
        .map(|k| (date_from_days(first + k), (k / 7) as usize))
        .collect();
    let mut weeks: Vec<(String, i64)> =
        (0..9).map(|w| (date_from_days(first + 7 * w), 0)).collect();
    for e in &entries {
        weeks[week_of[&e.spent_date]].1 += hundredths(e.hours);
    }
    let expected: Vec<[String; 2]> = weeks.into_iter().map(|(d, h)| [d, hours(h)]).collect();
    assert_eq!(
        env.js("return [...document.querySelectorAll('#day-chart rect')].map(r => [r.dataset.start, r.dataset.hours])")
            .await,
        json!(expected)
    );
    // The headings sort a table, and say so.
    let projects = |by: fn(&Vec<String>, &Vec<String>) -> std::cmp::Ordering| {
        let mut lines = expected_lines(&entries, |e| e.project.name.clone());
        lines.sort_by(by);
        json!(lines)
    };
    let sort_state = "return [...document.querySelectorAll('#totals-projects thead th')].map(th => th.getAttribute('aria-sort'))";
    assert_eq!(
        env.js(sort_state).await,
        json!(["none", "descending", "none", null])
    );
    env.click("#totals-projects button[data-sort=name]").await;
    assert_eq!(
        env.js(&shown("totals-projects")).await,
        projects(|a, b| a[0].cmp(&b[0]))
    );
    assert_eq!(
        env.js(sort_state).await,
        json!(["ascending", "none", "none", null])
    );
    env.click("#totals-projects button[data-sort=name]").await;
    assert_eq!(
        env.js(&shown("totals-projects")).await,
        projects(|a, b| b[0].cmp(&a[0]))
    );
    env.click("#totals-projects button[data-sort=billable]")
        .await;
    let billable_of = |row: &Vec<String>| row[2].replace('.', "").parse::<i64>().unwrap();
    let rows: Vec<Vec<String>> =
        serde_json::from_value(env.js(&shown("totals-projects")).await).unwrap();
    assert!(
        rows.windows(2)
            .all(|w| billable_of(&w[0]) >= billable_of(&w[1])),
        "{rows:?}"
    );
    assert_eq!(
        env.js(sort_state).await,
        json!(["none", "none", "descending", null])
    );
    // The entries come grouped by day, newest first, each day headed by its subtotal.
    let mut days: Vec<(String, i64)> = Vec::new();
    for e in &entries {
        match days.last_mut() {
            Some((d, h)) if *d == e.spent_date => *h += hundredths(e.hours),
            _ => days.push((e.spent_date.clone(), hundredths(e.hours))),
        }
    }
    let subtotals: Vec<String> = days.iter().map(|(_, h)| hours(*h)).collect();
    assert_eq!(
        env.js("return [...document.querySelectorAll('#entries-table tr.day td')].map(td => td.textContent)")
            .await,
        json!(subtotals)
    );
    assert_eq!(days[0].0, "2026-04-30");
    assert_eq!(
        env.text("#entries-table tr.day th").await,
        "Thursday 30 April 2026"
    );
    let chart = env.wait_for("#day-chart").await;
    assert_eq!(chart.attr("role").await.unwrap().as_deref(), Some("img"));
    let desc = env
        .js("return document.getElementById('chart-desc').textContent")
        .await;
    assert!(
        desc.as_str()
            .unwrap()
            .starts_with("9 weeks. The most hours"),
        "{desc}"
    );
    env.close().await;
}

#[tokio::test]
async fn a_company_that_writes_hours_and_minutes_sees_hours_and_minutes() {
    let env = Env::with(Options {
        accounts: demo_accounts(),
        ..Options::default()
    })
    .await;
    env.open("/?from=2026-03-02&to=2026-03-13").await;
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.wait_for("#account-picker").await;
    // Difference Engines Inc's `time_format` is `hours_minutes`.
    env.click("[data-account-id=\"234567\"]").await;
    assert!(entries_finished(&env).await);
    let data = &env.provider.data[&234_567];
    assert_eq!(data.company["time_format"], "hours_minutes");
    let entries: Vec<_> = data
        .entries
        .iter()
        .filter(|e| e.spent_date.as_str() >= "2026-03-02" && e.spent_date.as_str() <= "2026-03-13")
        .collect();
    // Minutes computed here from the provider's decimal hours.
    let minutes = |h: f64| (h * 60.0).round() as i64;
    let hm = |m: i64| format!("{}:{:02}", m / 60, m % 60);
    let (total, billable) = total_and_billable(&entries, minutes);
    assert_eq!(env.text("#totals-hours").await, hm(total));
    assert!(env
        .text("#totals-billable")
        .await
        .starts_with(&hm(billable)));
    assert_eq!(env.text("#totals-non-billable").await, hm(total - billable));
    assert_eq!(env.text("#total-hours").await, hm(total));
    // Every row's hours too, in the provider's order.
    let rows = env
        .js("return [...document.querySelectorAll('#entries-table tbody tr:not(.day)')].map(tr => tr.cells[4].textContent)")
        .await;
    let expected: Vec<String> = entries.iter().map(|e| hm(minutes(e.hours))).collect();
    assert_eq!(rows, json!(expected));
    env.close().await;
}

/// All hours of `entries` and the billable ones, each entry's hours counted in `unit`s.
fn total_and_billable(
    entries: &[&local_provider::harvest_data::TimeEntry],
    unit: impl Fn(f64) -> i64,
) -> (i64, i64) {
    entries.iter().fold((0, 0), |(all, billed), e| {
        let h = unit(e.hours);
        (all + h, billed + if e.billable { h } else { 0 })
    })
}

/// Clicks `button` and returns the CSV file it offered (as text, its byte-order mark removed)
/// and the file's name. The page's `URL.createObjectURL` and links' `click` are watched (the
/// download itself is not started).
async fn exported(env: &Env, button: &str) -> (Vec<Vec<String>>, String) {
    env.js("window.__files = [];
         window.__create ||= URL.createObjectURL;
         URL.createObjectURL = (blob) => {
             const url = window.__create.call(URL, blob);
             const file = { type: blob.type };
             window.__files.push(file);
             // Decoded keeping the byte-order mark (`blob.text()` would drop it).
             blob.arrayBuffer().then((b) => {
                 file.text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
             });
             return url;
         };
         HTMLAnchorElement.prototype.click = function () { window.__files.at(-1).name = this.download; };")
        .await;
    env.click(button).await;
    let file = env
        .poll(
            "const f = window.__files; return f.length === 1 && f[0].text !== undefined && f[0].name ? f[0] : null",
            e2e::PATIENCE,
        )
        .await;
    assert_eq!(file["type"], "text/csv;charset=utf-8");
    let text = file["text"].as_str().unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    let rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (rows, file["name"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_csv_exports_hold_the_providers_entries_and_totals() {
    let env = Env::start().await;
    env.open("/?from=2026-03-02&to=2026-03-20").await;
    env.sign_in().await;
    assert!(entries_finished(&env).await);
    let entries: Vec<_> = env.provider.data[&123_456]
        .entries
        .iter()
        .filter(|e| e.spent_date.as_str() >= "2026-03-02" && e.spent_date.as_str() <= "2026-03-20")
        .collect();
    let (rows, name) = exported(&env, "#export-entries").await;
    assert_eq!(
        name,
        "harvest-analytical-engines-ltd-2026-03-02-to-2026-03-20-entries.csv"
    );
    assert_eq!(
        rows[0],
        ["Date", "Client", "Project", "Task", "Notes", "Hours", "Billable"]
    );
    let expected: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.spent_date.clone(),
                e.client.name.clone(),
                e.project.name.clone(),
                e.task.name.clone(),
                e.notes.clone().unwrap_or_default(),
                format!("{:.2}", e.hours),
                if e.billable { "yes" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    assert_eq!(rows[1..], expected[..]);

    let (rows, name) = exported(&env, "#export-totals").await;
    assert_eq!(
        name,
        "harvest-analytical-engines-ltd-2026-03-02-to-2026-03-20-totals.csv"
    );
    let hundredths = |h: f64| (h * 100.0).round() as i64;
    let hours = |n: i64| format!("{}.{:02}", n / 100, n % 100);
    let (total, billable) = total_and_billable(&entries, hundredths);
    assert_eq!(
        rows[1],
        [
            "Total",
            "All entries",
            &hours(total),
            &hours(billable),
            "100"
        ]
    );
    let mut expected = Vec::new();
    for (kind, key) in [
        (
            "Client",
            (|e: &local_provider::harvest_data::TimeEntry| e.client.name.clone()) as fn(&_) -> _,
        ),
        ("Project", |e| e.project.name.clone()),
        ("Task", |e| e.task.name.clone()),
    ] {
        for line in expected_lines(&entries, key) {
            let mut row = vec![kind.to_owned()];
            row.extend(line);
            // The file's share is a bare number.
            let share = row[4].trim_end_matches(" %").to_owned();
            row[4] = share;
            expected.push(row);
        }
    }
    assert_eq!(rows[2..], expected[..]);
    env.close().await;
}

#[tokio::test]
async fn when_the_accounts_cannot_be_listed_retry_recovers() {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.provider.set_faults(|f| f.server_errors = 1);
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.wait_for("#retry-accounts").await;
    assert!(env.text("#api-error").await.contains("HTTP 500"));
    env.click("#retry-accounts").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    let accounts_calls = env.provider.requests_to("/api/v2/accounts").len();
    assert_eq!(accounts_calls, 2, "the failed call, then the retry");
    env.close().await;
}

/// `[from, to]` of a range computed by the browser's own `Date` (an implementation apart from
/// the app's): `kind` is `week` (starting on weekday `start`, 0 = Sunday as JS counts),
/// `last-month` or `year`.
async fn browser_range(env: &Env, kind: &str, start: u32) -> (String, String) {
    let v = env
        .js(&format!(
            "const f = (d) => `${{d.getFullYear()}}-${{String(d.getMonth() + 1).padStart(2, '0')}}-${{String(d.getDate()).padStart(2, '0')}}`;
             const t = new Date(); t.setHours(12, 0, 0, 0);
             if ('{kind}' === 'week') {{
               const a = new Date(t); a.setDate(t.getDate() - ((t.getDay() - {start} + 7) % 7));
               const b = new Date(a); b.setDate(a.getDate() + 6);
               return [f(a), f(b)];
             }}
             if ('{kind}' === 'last-month') {{
               return [f(new Date(t.getFullYear(), t.getMonth() - 1, 1, 12)), f(new Date(t.getFullYear(), t.getMonth(), 0, 12))];
             }}
             return [f(new Date(t.getFullYear(), 0, 1, 12)), f(t)];"
        ))
        .await;
    (
        v[0].as_str().unwrap().to_owned(),
        v[1].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn quick_ranges_follow_the_companys_week_start_and_a_reload_keeps_the_range() {
    let env = Env::with(Options {
        accounts: demo_accounts(),
        config: json!({ "token_storage": "session" }),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.click("#sign-in").await;
    env.click("#allow").await;
    // Difference Engines Inc starts its weeks on Sunday.
    env.wait_for("#account-picker").await;
    env.click("[data-account-id=\"234567\"]").await;
    assert!(entries_finished(&env).await);
    // The first range is this week, as the company counts weeks (from Sunday), and it is the
    // range loaded (not a guess replaced later): the provider was asked for it alone.
    let week = browser_range(&env, "week", 0).await;
    assert_eq!((input(&env, "from").await, input(&env, "to").await), week);
    let asked: Vec<String> = env
        .provider
        .recorded()
        .iter()
        .filter(|r| r.path == "/v2/time_entries")
        .map(|r| r.query.clone())
        .collect();
    assert!(
        !asked.is_empty()
            && asked.iter().all(|q| q.contains(&format!("from={}", week.0))
                && q.contains(&format!("to={}", week.1))),
        "{asked:?}"
    );
    assert_eq!(
        env.wait_for("#range-this-week")
            .await
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    env.click("#range-year-to-date").await;
    assert!(entries_finished(&env).await);
    let year = browser_range(&env, "year", 0).await;
    assert_eq!((input(&env, "from").await, input(&env, "to").await), year);
    env.click("#range-last-month").await;
    assert!(entries_finished(&env).await);
    let month = browser_range(&env, "last-month", 0).await;
    assert_eq!((input(&env, "from").await, input(&env, "to").await), month);
    let query = format!("?from={}&to={}", month.0, month.1);
    env.poll(
        &format!("return location.search === '{query}' || null"),
        e2e::PATIENCE,
    )
    .await;
    // A reload (the session kept in this tab) reopens the same range.
    env.browser.refresh().await.unwrap();
    assert!(entries_finished(&env).await);
    assert_eq!((input(&env, "from").await, input(&env, "to").await), month);
    assert_eq!(
        env.wait_for("#range-last-month")
            .await
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    env.close().await;
}

#[tokio::test]
async fn a_warning_before_expiry_renews_through_a_window_keeping_the_page() {
    // Less than five minutes: the warning shows at once.
    let env = Env::with(Options {
        token_lifetime: Duration::from_secs(120),
        ..Options::default()
    })
    .await;
    env.open("/?from=2026-03-02&to=2026-03-13").await;
    env.sign_in().await;
    assert!(entries_finished(&env).await);
    let rows = env.count("#entries-table tbody tr:not(.day)").await;
    env.js("window.__same_page = true").await;
    let before = env.last_token();
    assert!(env
        .text("#expiry-warning")
        .await
        .contains("what is loaded here stays"));
    let main = env.browser.window().await.unwrap();
    // A window given up on: back to the warning, the window closed.
    env.click("#renew").await;
    env.click("#cancel-renew").await;
    env.wait_for("#renew").await;
    env.back_to(&main).await;
    env.click("#renew").await;
    // While the window is open the dashboard stays and says what to do.
    env.wait_for("#renewing").await;
    env.switch_to_other_window(&main).await;
    env.click("#allow").await;
    env.back_to(&main).await;
    env.poll(
        "return document.getElementById('renew') && !document.getElementById('renewing') || null",
        e2e::PATIENCE,
    )
    .await;
    let after = env.last_token();
    assert_ne!(before, after, "a new token was issued");
    assert_eq!(env.js("return window.__same_page === true").await, true);
    assert_eq!(env.count("#entries-table tbody tr:not(.day)").await, rows);
    assert_eq!(
        (input(&env, "from").await, input(&env, "to").await),
        ("2026-03-02".to_owned(), "2026-03-13".to_owned())
    );
    // The account was not asked for again, and the next load uses the new token.
    let accounts = |env: &Env| env.provider.requests_to("/api/v2/accounts").len();
    assert_eq!(accounts(&env), 1);
    env.click("#load-entries").await;
    assert!(entries_finished(&env).await);
    let last = env.last_request("/v2/time_entries");
    assert!(last.query.contains(&format!("access_token={after}")));
    env.close().await;
}

#[tokio::test]
async fn the_time_left_counts_down_as_it_passes() {
    let env = Env::with(Options {
        token_lifetime: Duration::from_secs(100),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    let seconds = |text: String| -> u64 {
        text.split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no number in {text:?}"))
    };
    env.wait_for("#expires").await;
    // The text and the page's clock, read together.
    let read = || async {
        let seen = env
            .js("return [document.getElementById('expires').textContent, performance.now()]")
            .await;
        serde_json::from_value::<(String, f64)>(seen).unwrap()
    };
    let (text, at) = read().await;
    assert!(text.contains("seconds"), "{text}");
    let first = seconds(text);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let (text, later_at) = read().await;
    let later = seconds(text);
    // The seconds that passed, give or take half a second of timer lateness at either read.
    let passed = (later_at - at) / 1000.0;
    let fell = first as i64 - later as i64;
    assert!(
        (passed - 0.5).floor() as i64 <= fell && fell <= (passed + 0.5).ceil() as i64,
        "from {first} s to {later} s in {passed:.2} s"
    );
    env.close().await;
}
