//! SECURITY.md's threat table names, for each guard, the tests that prove it: each named test
//! must exist, so the page cannot claim a test that was renamed or never written.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The text of every Rust file under `dir`.
fn rust_sources(dir: &Path, out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_test_security_md_names_exists() {
    let security = std::fs::read_to_string(repo().join("SECURITY.md")).unwrap();
    let mut sources = String::new();
    for dir in ["src", "tests", "crates", "e2e", "provider", "fuzz"] {
        rust_sources(&repo().join(dir), &mut sources);
    }
    let mut named = 0;
    for row in security.lines().filter(|l| l.starts_with("| **")) {
        let tests = row.trim_end_matches('|').rsplit('|').next().unwrap();
        for name in tests.split('`').skip(1).step_by(2) {
            let is_test_name = name.contains('_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !is_test_name {
                continue;
            }
            named += 1;
            assert!(
                sources.contains(&format!("fn {name}(")),
                "SECURITY.md names the test `{name}`, which does not exist"
            );
        }
    }
    assert!(
        named > 40,
        "only {named} test names found in SECURITY.md's table"
    );
}
