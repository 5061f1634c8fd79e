//! `local-provider [--profile harvest|forecast|aha|appnet|appharbor|generic] [--port 9090]
//!  [--app-dir dist --app-port 8080] [--callback query|fragment|split] [--token-lifetime SECONDS]`
//!
//! Starts the provider on 127.0.0.1, and, with `--app-dir`, serves the built app on a second
//! loopback port (another origin, so API calls really cross origins with CORS).

use local_provider::profiles::{self, Profile};
use local_provider::settings::{CallbackPlacement, Pagination, RateLimit, Settings};
use local_provider::{router, site, spawn, Provider};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "usage: local-provider [--profile harvest|forecast|aha|appnet|appharbor|generic] \
                     [--port N] [--app-dir DIR] [--app-port N] \
                     [--callback query|fragment|split] [--token-lifetime SECONDS] [--pagination pages|cursor] \
                     [--per-page N] [--rate-limit REQUESTS/SECONDS] [--scope-all]";

struct Args {
    port: u16,
    app_dir: Option<PathBuf>,
    app_port: u16,
    settings: Settings,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 9090,
        app_dir: None,
        app_port: 8080,
        settings: Settings::demo(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => args.port = value()?.parse().map_err(|_| "--port takes a number")?,
            "--app-port" => {
                args.app_port = value()?.parse().map_err(|_| "--app-port takes a number")?
            }
            "--app-dir" => args.app_dir = Some(PathBuf::from(value()?)),
            "--token-lifetime" => {
                let secs = value()?
                    .parse()
                    .map_err(|_| "--token-lifetime takes seconds")?;
                args.settings.token_lifetime = Duration::from_secs(secs);
            }
            "--profile" => {
                let profile = Profile::parse(&value()?).ok_or_else(|| {
                    let ids: Vec<_> = profiles::ALL.iter().map(|p| p.id()).collect();
                    format!("--profile is one of {}", ids.join(", "))
                })?;
                args.settings.profile = profile;
                args.settings.callback_placement = profile.placement();
            }
            "--callback" => {
                args.settings.callback_placement = match value()?.as_str() {
                    "query" => CallbackPlacement::Query,
                    "fragment" => CallbackPlacement::Fragment,
                    "split" => CallbackPlacement::Split,
                    _ => return Err("--callback is query, fragment or split".into()),
                }
            }
            "--pagination" => {
                args.settings.pagination = match value()?.as_str() {
                    "pages" => Pagination::Pages,
                    "cursor" => Pagination::Cursor,
                    _ => return Err("--pagination is pages or cursor".into()),
                }
            }
            "--per-page" => {
                args.settings.per_page = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=2000).contains(n))
                    .ok_or("--per-page takes 1 to 2000")?
            }
            "--rate-limit" => {
                let v = value()?;
                let (n, secs) = v
                    .split_once('/')
                    .ok_or("--rate-limit takes REQUESTS/SECONDS, e.g. 100/15")?;
                let requests = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--rate-limit: REQUESTS is a positive number")?;
                let secs = secs
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or("--rate-limit: SECONDS is a positive number")?;
                args.settings.rate_limit = RateLimit {
                    requests,
                    window: Duration::from_secs(secs),
                };
            }
            "--scope-all" => args.settings.scope_all = true,
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    args.settings.redirect_prefix = format!("http://127.0.0.1:{}/", args.app_port);
    args.settings.allowed_origin = format!("http://127.0.0.1:{}", args.app_port);
    Ok(args)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let loopback = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let provider = Provider::new(args.settings);
    let addr = spawn(loopback(args.port), router(provider.clone()))
        .await
        .unwrap_or_else(|e| {
            eprintln!("cannot listen on {}: {e}", loopback(args.port));
            std::process::exit(1);
        });
    let profile = provider.settings.profile;
    println!(
        "Local provider, impersonating {}: http://{addr} (API base http://{addr}{})",
        profile.id(),
        profile.api_base_path()
    );
    let harvest: Vec<u64> = provider
        .accounts
        .iter()
        .filter(|a| a.product == "harvest")
        .map(|a| a.id)
        .collect();
    let personal = provider
        .store
        .issue(harvest.clone(), Duration::from_secs(365 * 86_400));
    match profile {
        Profile::Harvest => println!(
            "Personal access token for demos: {personal} (account id {})",
            harvest[0]
        ),
        Profile::AppHarbor => {
            println!("Access token to paste (AppHarbor has no browser sign-in): {personal}")
        }
        _ => {}
    }
    if let Some(dir) = args.app_dir {
        // Harvest uses dist/config.json; the other profiles get their preset's config.
        let config = (profile != Profile::Harvest).then(|| {
            let app_url = format!("http://127.0.0.1:{}/", args.app_port);
            profile
                .app_config(&format!("http://{addr}"), &app_url)
                .to_string()
        });
        let app = spawn(loopback(args.app_port), site::router(dir, config))
            .await
            .unwrap_or_else(|e| {
                eprintln!("cannot listen on {}: {e}", loopback(args.app_port));
                std::process::exit(1);
            });
        println!("\n  Open the app: http://{app}/\n");
    }
    tokio::signal::ctrl_c().await.ok();
}
