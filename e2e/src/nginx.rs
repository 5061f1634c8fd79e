//! Runs the app behind Debian's nginx with `deploy/nginx.conf` itself, edited only on its marked
//! lines, so the end-to-end suite proves the sample configuration works.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    dir: PathBuf,
}

/// What the tests change around the sample configuration.
pub struct Site<'a> {
    pub port: u16,
    pub dist: &'a Path,
    pub config_json: &'a str,
    pub provider_origins: &'a str,
    /// Where the harness serves its test-only pages (`/__…`).
    pub harness: SocketAddr,
    pub without_csp: bool,
    /// Route `config.json` through the harness (which can hold it back).
    pub config_via_harness: bool,
}

fn edit(conf: &mut String, from: &str, to: &str) {
    assert!(
        conf.contains(from),
        "deploy/nginx.conf no longer contains {from:?}: update e2e/src/nginx.rs"
    );
    *conf = conf.replacen(from, to, 1);
}

impl Nginx {
    pub fn start(site: Site) -> Nginx {
        let sample =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nginx.conf"))
                .unwrap();
        let dir = std::env::temp_dir().join(format!("implicit-oauth-e2e-nginx-{}", site.port));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let config_path = dir.join("config.json");
        std::fs::write(&config_path, site.config_json).unwrap();

        let mut conf = sample;
        edit(
            &mut conf,
            "listen 8080;",
            &format!("listen 127.0.0.1:{};", site.port),
        );
        edit(
            &mut conf,
            "root /srv/implicit-oauth/dist;",
            &format!("root {};", site.dist.canonicalize().unwrap().display()),
        );
        edit(
            &mut conf,
            "set $config_json /etc/implicit-oauth/config.json;",
            &format!("set $config_json {};", config_path.display()),
        );
        edit(
            &mut conf,
            "access_log /var/log/nginx/implicit-oauth.access.log implicit_oauth;",
            &format!(
                "access_log {} implicit_oauth;",
                dir.join("site-access.log").display()
            ),
        );
        edit(
            &mut conf,
            "set $provider_origins \"https://id.getharvest.com https://api.harvestapp.com\";",
            &format!("set $provider_origins \"{}\";", site.provider_origins),
        );
        if site.without_csp {
            conf = conf
                .lines()
                .filter(|l| !l.contains("add_header Content-Security-Policy"))
                .collect::<Vec<_>>()
                .join("\n");
        } else {
            // Violations are reported to the harness, so tests can count them.
            edit(
                &mut conf,
                "frame-ancestors 'self'\";",
                "frame-ancestors 'self'; report-uri /__csp-report\";",
            );
        }
        let harness = format!("http://{}", site.harness);
        // `^~`: the test pages win over the sample's regex locations (`.js`, …).
        let mut extra = format!("    location ^~ /__ {{ proxy_pass {harness}; }}\n");
        if site.config_via_harness {
            edit(
                &mut conf,
                "location = /config.json {",
                "location = /config-file.json {",
            );
            extra.push_str(&format!(
                "    location = /config.json {{ proxy_pass {harness}; }}\n"
            ));
        }
        let end = conf.rfind('}').expect("a server block");
        conf.insert_str(end, &extra);
        std::fs::write(dir.join("site.conf"), conf).unwrap();

        let d = dir.display();
        let main = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{ include /etc/nginx/mime.types; default_type application/octet-stream; access_log {d}/access.log;\n\
             client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n\
             uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi; include {d}/site.conf; }}\n"
        );
        std::fs::write(dir.join("nginx.conf"), main).unwrap();
        let binary = if Path::new("/usr/sbin/nginx").exists() {
            "/usr/sbin/nginx"
        } else {
            "nginx"
        };
        let child = Command::new(binary)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx is installed (make setup)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, site.port)).is_err() {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                panic!("nginx did not start: {log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx { child, dir }
    }
}

impl Nginx {
    /// Everything nginx has logged so far: the default (`combined`) access log of the `http`
    /// block, the site's own access log and the error log.
    pub fn logs(&self) -> String {
        ["access.log", "site-access.log", "error.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
