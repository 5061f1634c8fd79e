//! A real third-party authorization server for interoperability tests: django-oauth-toolkit,
//! configured by `interop/dot/server.py`, in the Python environment `make setup` creates.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The person registered on the server, and their password.
pub const USERNAME: &str = "ada";
pub const PASSWORD: &str = "analytical-engine-1843";
/// The public client registered for the app, allowed the implicit grant.
pub const CLIENT_ID: &str = "interop-client";
/// The public client registered for the app, allowed the authorization code grant (PKCE
/// required).
pub const CODE_CLIENT_ID: &str = "interop-client-code";

/// The server process; killed on drop.
pub struct Dot {
    child: Child,
    data_dir: PathBuf,
    /// `http://127.0.0.1:<port>`
    pub url: String,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The interpreter with the pinned server installed (`INTEROP_PYTHON` overrides).
fn python() -> PathBuf {
    std::env::var_os("INTEROP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".tools/interop-venv/bin/python"))
}

impl Dot {
    /// Starts the server on `port` (loopback), registering `redirect_uri` for the public client
    /// and allowing CORS from `app_origin`; returns once it answers.
    pub fn start(port: u16, app_origin: &str, redirect_uri: &str, token_lifetime: Duration) -> Dot {
        let data_dir = std::env::temp_dir().join(format!("implicit-oauth-dot-{port}"));
        std::fs::create_dir_all(&data_dir).unwrap();
        let python = python();
        assert!(
            python.exists(),
            "{} is missing: run `make setup` (it installs interop/dot/requirements.txt)",
            python.display()
        );
        let child = Command::new(python)
            .arg(repo().join("interop/dot/server.py"))
            .args(["--port", &port.to_string()])
            .args(["--app-origin", app_origin])
            .args(["--redirect-uri", redirect_uri])
            .args(["--client-id", CLIENT_ID])
            .args(["--token-lifetime", &token_lifetime.as_secs().to_string()])
            .arg("--data-dir")
            .arg(&data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the interoperability server starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "django-oauth-toolkit did not listen on {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Dot {
            child,
            data_dir,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Dot {
    /// The refresh tokens the server has issued, each with whether it is revoked: read from its
    /// database (SQLite), so a test can see what the browser never shows.
    pub fn refresh_tokens(&self) -> Vec<(String, bool)> {
        let out = Command::new(python())
            .arg("-c")
            .arg(
                "import json, sqlite3, sys\n\
                 db = sqlite3.connect(sys.argv[1])\n\
                 rows = db.execute('select token, revoked is not null from oauth2_provider_refreshtoken')\n\
                 print(json.dumps([[t, bool(r)] for t, r in rows]))",
            )
            .arg(self.data_dir.join("db.sqlite3"))
            .output()
            .expect("the server's Python runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("a JSON list of [token, revoked]")
    }
}

impl Drop for Dot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
