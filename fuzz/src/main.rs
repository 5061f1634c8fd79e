//! `cargo run --release -p fuzz -- [SECONDS_PER_TARGET]` (default 20): feeds generated input to
//! each parser that reads untrusted text until the time is up, and fails on the first panic or
//! broken invariant. `cargo fuzz` needs a nightly toolchain; proptest's generators, biased
//! towards the characters and names these formats care about, run on stable.
//!
//! Targets: the callback parser (query + fragment), config.json, and API error bodies.

use implicit_oauth::api::error_from;
use implicit_oauth::oauth::callback::parse;
use implicit_oauth::oauth::{Config, TokenTransport};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use std::time::{Duration, Instant};

/// A token value the generators will not produce by chance.
const SECRET: &str = "SECRET-MARKER-9f2c";

/// Text built from the pieces these formats are made of, plus arbitrary characters.
fn url_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("access_token".to_owned()),
        Just("state".to_owned()),
        Just("error".to_owned()),
        Just("token_type".to_owned()),
        Just("expires_in".to_owned()),
        Just("scope".to_owned()),
        Just("error_uri".to_owned()),
        Just("bearer".to_owned()),
        prop::sample::select(vec![
            "=", "&", "%", "+", "#", "?", ";", "%2", "%C2", "%E2%82", "%00", "%ZZ"
        ])
        .prop_map(str::to_owned),
        "[0-9]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

fn json_text() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("\"provider\":\"harvest\"".to_owned()),
        Just("\"client_id\":\"x\"".to_owned()),
        Just("\"authorize_url\":\"https://a.example/auth?x=1\"".to_owned()),
        Just("\"redirect_uri\":\"http://127.0.0.1:1/\"".to_owned()),
        Just("\"api_base\":\"https://api.example/v2\"".to_owned()),
        Just("\"scopes\":[\"a\",\"b c\"]".to_owned()),
        Just("\"rate_limit\":{\"requests\":0,\"per_seconds\":1}".to_owned()),
        prop_oneof![
            Just("harvest"),
            Just("aha"),
            Just("appharbor"),
            Just("generic"),
            Just("x")
        ]
        .prop_map(|p| format!("\"preset\":\"{p}\"")),
        Just("\"subdomain\":\"acme\"".to_owned()),
        any::<String>().prop_map(|s| format!("\"account_header\":{s:?}")),
        any::<String>().prop_map(|s| format!("\"profile_path\":{s:?}")),
        any::<String>().prop_map(|s| format!("{s:?}:{s:?}")),
    ];
    prop_oneof![
        prop::collection::vec(field, 0..9).prop_map(|f| format!("{{{}}}", f.join(","))),
        any::<String>(),
    ]
}

fn run(
    name: &str,
    budget: Duration,
    mut target: impl FnMut(&mut TestRunner) -> Result<(), String>,
) -> u64 {
    let started = Instant::now();
    let mut cases = 0u64;
    while started.elapsed() < budget {
        let mut runner = TestRunner::new(RunnerConfig {
            cases: 256,
            failure_persistence: None,
            ..RunnerConfig::default()
        });
        if let Err(e) = target(&mut runner) {
            eprintln!("fuzz: {name}: FAILED: {e}");
            std::process::exit(1);
        }
        cases += 256;
    }
    println!(
        "fuzz: {name}: {cases} cases in {:.0?}, no panic, invariants held",
        started.elapsed()
    );
    cases
}

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let budget = Duration::from_secs(seconds);
    let mut total = 0;

    total += run("callback parser", budget, |runner| {
        runner
            .run(&(url_text(), url_text()), |(query, fragment)| {
                // Whatever else the URL holds, a token value must never show through Debug.
                let fragment = format!("{fragment}&access_token={SECRET}");
                if let Ok(Some(response)) = parse(&query, &fragment) {
                    let shown = format!("{response:?}");
                    prop_assert!(!shown.contains(SECRET), "{shown}");
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
    });

    total += run("config.json parser", budget, |runner| {
        runner
            .run(&json_text(), |text| {
                if let Ok(config) = Config::from_json(&text) {
                    // Anything accepted obeys the rules the rest of the app relies on.
                    if let Some(r) = config.redirect() {
                        prop_assert!(r.redirect_uri.fragment().is_none());
                        prop_assert!(r.redirect_uri.query().is_none());
                    }
                    let is_name = |n: &str| {
                        n.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                    };
                    let names_ok = match config.token_transport() {
                        TokenTransport::Query {
                            token_param,
                            account_param,
                        } => is_name(token_param) && account_param.as_deref().is_none_or(is_name),
                        TokenTransport::Header {
                            scheme,
                            account_header,
                        } => {
                            scheme.bytes().all(|b| b.is_ascii_alphabetic())
                                && account_header.as_deref().is_none_or(is_name)
                        }
                    };
                    prop_assert!(names_ok);
                    prop_assert!(matches!(config.api_base().scheme(), "https" | "http"));
                    prop_assert!(config.rate_limit().requests > 0);
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
    });

    total += run("API error-body parser", budget, |runner| {
        runner
            .run(
                &(100u16..600, prop_oneof![json_text(), any::<String>()]),
                |(status, body)| {
                    let error = error_from(status, &body);
                    // Messages stay short whatever the body holds.
                    prop_assert!(error.to_string().chars().count() < 400);
                    Ok(())
                },
            )
            .map_err(|e| e.to_string())
    });
    println!("fuzz: {total} cases, 0 failures");
}
