//! `local-provider [FLAGS]`; `--help` lists them (and the README's table).
//!
//! Starts the provider on 127.0.0.1, and, with `--app-dir`, serves the built app on a second
//! loopback port (another origin, so API calls really cross origins with CORS).

use clap::Parser;
use local_provider::profiles::{self, Profile};
use local_provider::settings::{CallbackPlacement, Pagination, RateLimit, Settings};
use local_provider::{router, site, spawn, Provider};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// A loopback stand-in for Harvest ID and the Harvest v2 API (and the app's other presets),
/// optionally serving the built app on a second loopback port.
#[derive(Parser)]
#[command(name = "local-provider", version)]
struct Args {
    /// The service to impersonate (the app gets that preset's config).
    #[arg(long, default_value = "harvest", value_parser = parse_profile)]
    profile: Profile,
    /// The provider's loopback port.
    #[arg(long, default_value_t = 9090)]
    port: u16,
    /// Also serve the built app (dist/) from this folder.
    #[arg(long)]
    app_dir: Option<PathBuf>,
    /// The app's loopback port.
    #[arg(long, default_value_t = 8080)]
    app_port: u16,
    /// Where the authorization response goes [default: the profile's].
    #[arg(long, value_parser = parse_placement)]
    callback: Option<CallbackPlacement>,
    /// Token lifetime in seconds [default: Harvest's 14 days less a second].
    #[arg(long)]
    token_lifetime: Option<u64>,
    /// Page numbers, or opaque cursors with `page: null`.
    #[arg(long, default_value = "pages", value_parser = parse_pagination)]
    pagination: Pagination,
    /// Page size when the client asks for none.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=2000))]
    per_page: Option<u32>,
    /// Requests per rolling window, per token, e.g. 100/15.
    #[arg(long, value_name = "REQUESTS/SECONDS", value_parser = parse_rate_limit)]
    rate_limit: Option<RateLimit>,
    /// Grant `all` instead of naming accounts.
    #[arg(long)]
    scope_all: bool,
    /// The generic profile's token endpoint issues refresh tokens, rotated on each use.
    #[arg(long)]
    refresh_tokens: bool,
    /// The generic profile answers `prompt=none` with its unframeable page, not at once.
    #[arg(long)]
    forbid_framing: bool,
    /// The app signs in with the code grant and PKCE (generic profile only).
    #[arg(long)]
    code: bool,
}

fn parse_profile(id: &str) -> Result<Profile, String> {
    Profile::parse(id).ok_or_else(|| {
        let ids: Vec<_> = profiles::ALL.iter().map(|p| p.id()).collect();
        format!("one of {}", ids.join(", "))
    })
}

fn parse_placement(v: &str) -> Result<CallbackPlacement, String> {
    match v {
        "query" => Ok(CallbackPlacement::Query),
        "fragment" => Ok(CallbackPlacement::Fragment),
        "split" => Ok(CallbackPlacement::Split),
        _ => Err("query, fragment or split".into()),
    }
}

fn parse_pagination(v: &str) -> Result<Pagination, String> {
    match v {
        "pages" => Ok(Pagination::Pages),
        "cursor" => Ok(Pagination::Cursor),
        _ => Err("pages or cursor".into()),
    }
}

fn parse_rate_limit(v: &str) -> Result<RateLimit, String> {
    let (n, secs) = v.split_once('/').ok_or("REQUESTS/SECONDS, e.g. 100/15")?;
    let requests = n
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or("REQUESTS is a positive number")?;
    let secs = secs
        .parse()
        .ok()
        .filter(|s| *s > 0)
        .ok_or("SECONDS is a positive number")?;
    Ok(RateLimit {
        requests,
        window: Duration::from_secs(secs),
    })
}

impl Args {
    fn settings(&self) -> Settings {
        let defaults = Settings::demo();
        Settings {
            profile: self.profile,
            callback_placement: self.callback.unwrap_or(self.profile.placement()),
            token_lifetime: self
                .token_lifetime
                .map_or(defaults.token_lifetime, Duration::from_secs),
            pagination: self.pagination,
            per_page: self.per_page.unwrap_or(defaults.per_page),
            rate_limit: self.rate_limit.unwrap_or(defaults.rate_limit),
            scope_all: self.scope_all,
            refresh_tokens: self.refresh_tokens,
            forbid_framing: self.forbid_framing,
            redirect_prefix: format!("http://127.0.0.1:{}/", self.app_port),
            allowed_origin: format!("http://127.0.0.1:{}", self.app_port),
            ..defaults
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let loopback = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let provider = Provider::new(args.settings());
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
            let mut config = profile.app_config(&format!("http://{addr}"), &app_url);
            if let (true, Some(path)) = (args.code, profile.token_path()) {
                config["grant"] = "code".into();
                config["token_url"] = format!("http://{addr}{path}").into();
            }
            config.to_string()
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
