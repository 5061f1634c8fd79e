//! The signed-in session: the token, when it stops working, and what it was granted.

use super::scope::Scope;
use super::secret::AccessToken;
use super::stored;

#[derive(Clone, Debug, PartialEq)]
/// A signed-in session: the token and what came with it.
pub struct Session {
    /// The configuration's provider id.
    pub provider: String,
    /// The access token (redacted in `Debug`).
    pub access_token: AccessToken,
    /// Wall-clock instant (ms since the Unix epoch) after which the token is dead; `None` when
    /// the provider gave no `expires_in` (e.g. AppHarbor's non-expiring tokens).
    pub expires_at_ms: Option<u64>,
    /// The granted scope (as the provider reported it, else as asked).
    pub scope: Scope,
}

impl Session {
    /// Whether the token's lifetime has run out at `now_ms`.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_some_and(|at| now_ms >= at)
    }

    /// Milliseconds left, `None` if the token does not expire.
    pub fn remaining_ms(&self, now_ms: u64) -> Option<u64> {
        self.expires_at_ms.map(|at| at.saturating_sub(now_ms))
    }

    /// The stored form (only with `token_storage: "session"`): form-encoded pairs.
    pub fn to_stored(&self) -> String {
        let expires = self.expires_at_ms.map(|at| at.to_string());
        let scope = self.scope.to_string();
        let mut pairs = vec![
            ("provider", self.provider.as_str()),
            ("access_token", self.access_token.secret()),
            ("scope", scope.as_str()),
        ];
        if let Some(at) = &expires {
            pairs.push(("expires_at_ms", at.as_str()));
        }
        stored::write(pairs)
    }

    /// A stored session, if it is one of ours, for this provider, and still alive.
    pub fn restore(text: &str, provider: &str, now_ms: u64) -> Option<Self> {
        let [stored_provider, token, scope, expires] =
            stored::read(text, ["provider", "access_token", "scope", "expires_at_ms"])?;
        let expires_at_ms = match expires {
            Some(at) => Some(stored::number(&at)?),
            None => None,
        };
        let s = Session {
            provider: stored_provider?,
            access_token: AccessToken::new(token.filter(|t| !t.is_empty())?),
            expires_at_ms,
            scope: Scope::parse(&scope?),
        };
        (s.provider == provider && !s.is_expired(now_ms)).then_some(s)
    }
}

/// "in 13 days", "in 4 hours", "in 59 seconds": how long a session has left, for people.
pub fn describe_remaining(ms: u64) -> String {
    let secs = ms / 1000;
    let (n, unit) = match secs {
        0..=119 => (secs, "second"),
        120..=7_199 => (secs / 60, "minute"),
        7_200..=172_799 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("in {n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// How long until [`describe_remaining`]'s words for `ms` change: in its own units (seconds in
/// the last two minutes, then minutes, hours, days).
pub fn describe_remaining_changes_in_ms(ms: u64) -> u64 {
    let step = match ms / 1000 {
        0..=119 => 1_000,
        120..=7_199 => 60_000,
        7_200..=172_799 => 3_600_000,
        _ => 86_400_000,
    };
    // The words are whole units rounded down: they change just past the next boundary.
    ms % step + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_at_ms: Option<u64>) -> Session {
        Session {
            provider: "harvest".into(),
            access_token: AccessToken::new("tok-SECRET-value"),
            expires_at_ms,
            scope: Scope::parse("harvest:1"),
        }
    }

    #[test]
    fn the_remaining_time_is_redrawn_when_its_words_change() {
        assert_eq!(describe_remaining_changes_in_ms(44_500), 501);
        assert_eq!(describe_remaining_changes_in_ms(630_000), 30_001);
        assert_eq!(describe_remaining_changes_in_ms(3 * 86_400_000 + 5), 6);
        // Each wait ends exactly where the words differ from now's, never later.
        for ms in [
            1,
            999,
            44_000,
            119_999,
            120_000,
            600_000,
            7_199_999,
            7_200_000,
            90_000_000,
            172_800_000,
            400_000_000,
        ] {
            let wait = describe_remaining_changes_in_ms(ms);
            assert!(wait > 0 && wait <= 86_400_000, "{ms}: {wait}");
            if wait <= ms {
                assert_ne!(
                    describe_remaining(ms - wait),
                    describe_remaining(ms),
                    "{ms}"
                );
                assert_eq!(
                    describe_remaining(ms - wait + 1),
                    describe_remaining(ms),
                    "{ms}"
                );
            }
        }
    }

    #[test]
    fn session_expires_at_its_instant() {
        let s = session(Some(1_000));
        assert!(!s.is_expired(999));
        assert!(s.is_expired(1_000));
        assert_eq!(s.remaining_ms(400), Some(600));
        assert!(!session(None).is_expired(u64::MAX));
    }

    #[test]
    fn restore_refuses_other_providers_expired_and_foreign_records() {
        let text = session(Some(1_000)).to_stored();
        assert!(Session::restore(&text, "harvest", 10).is_some());
        assert!(Session::restore(&text, "aha", 10).is_none());
        assert!(Session::restore(&text, "harvest", 1_000).is_none());
        assert!(Session::restore("{}", "harvest", 10).is_none());
        assert_eq!(
            Session::restore(&text, "harvest", 10),
            Some(session(Some(1_000)))
        );
        let forever = session(None).to_stored();
        assert_eq!(
            Session::restore(&forever, "harvest", u64::MAX),
            Some(session(None))
        );
        assert!(Session::restore(&text.replace("access_token=", "x="), "harvest", 10).is_none());
        assert!(Session::restore(&format!("{text}&provider=harvest"), "harvest", 10).is_none());
    }

    #[test]
    fn debug_of_a_session_does_not_show_the_token() {
        assert!(!format!("{:?}", session(None)).contains("SECRET"));
    }

    #[test]
    fn remaining_time_reads_naturally() {
        assert_eq!(describe_remaining(1_209_599_000), "in 13 days");
        assert_eq!(describe_remaining(1_800_000), "in 30 minutes");
        assert_eq!(describe_remaining(1_000), "in 1 second");
        assert_eq!(describe_remaining(5 * 3_600_000), "in 5 hours");
    }
}
