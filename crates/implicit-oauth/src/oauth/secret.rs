//! Secrets that must never reach a log, a panic message or an error report.
//!
//! `Debug` and `Display` print a placeholder, so `{:?}` on any struct that holds one is safe.
//! The real value is reachable only through [`AccessToken::secret`] / [`State::secret`], which
//! makes every use greppable.

use std::fmt;

/// An OAuth 2.0 access token (RFC 6749 §1.4). Bearer: whoever holds it can use it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

/// The `state` value that binds a callback to the request this browser made (RFC 6749 §10.12).
#[derive(Clone, PartialEq, Eq)]
pub struct State(String);

macro_rules! redacted {
    ($ty:ident, $label:literal) => {
        impl $ty {
            /// Wraps a secret value; it is never printed by `Debug`.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself. Send it to the provider; never print it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!($label, "([redacted])"))
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

redacted!(AccessToken, "AccessToken");
redacted!(State, "State");

/// Bytes of CSPRNG output in a fresh `state`: 256 bits, twice the 128-bit floor.
pub const STATE_BYTES: usize = 32;

impl State {
    /// A fresh `state` from platform CSPRNG bytes, as unpadded URL-safe base64 (43 characters),
    /// so it survives any URL position without escaping.
    pub fn from_random(bytes: [u8; STATE_BYTES]) -> Self {
        use base64::Engine as _;
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Compares in time independent of where the first difference is, so response timing does
    /// not reveal how much of a guessed `state` was right.
    pub fn matches(&self, other: &State) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_and_display_are_redacted() {
        let token = AccessToken::new("s3cr3t-token");
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
        assert_eq!(format!("{token}"), "[redacted]");
        assert!(!format!("{:?}", Some(&token)).contains("s3cr3t"));
    }

    #[test]
    fn state_debug_is_redacted() {
        let state = State::new("abc123");
        assert!(!format!("{state:?} {state}").contains("abc123"));
    }

    #[test]
    fn state_from_random_is_url_safe_and_carries_256_bits() {
        let state = State::from_random([0xff; STATE_BYTES]);
        assert_eq!(state.secret().len(), 43);
        assert!(state
            .secret()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(
            State::from_random([1; STATE_BYTES]),
            State::from_random([2; STATE_BYTES])
        );
    }

    #[test]
    fn state_matches_only_exactly() {
        let s = State::new("abcdef");
        assert!(s.matches(&State::new("abcdef")));
        assert!(!s.matches(&State::new("abcdeg")));
        assert!(!s.matches(&State::new("abcde")));
        assert!(!s.matches(&State::new("")));
    }
}
