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
redacted!(RefreshToken, "RefreshToken");
redacted!(CodeVerifier, "CodeVerifier");
redacted!(AuthorizationCode, "AuthorizationCode");

/// A refresh token (RFC 6749 §1.5), from the authorization code grant only. It lives in memory
/// and nowhere else: never in storage, never in a URL.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

/// A PKCE code verifier (RFC 7636 §4.1): kept with its pending request only, sent once, to the
/// token endpoint, with the code it proves this browser asked for.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

/// An authorization code from a code-grant callback: redeemed once, at the token endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationCode(String);

/// Bytes of CSPRNG output in a fresh code verifier: 256 bits, which RFC 7636 §7.1 recommends,
/// as 43 characters of unpadded URL-safe base64 (§4.1 allows 43 to 128 of `[A-Za-z0-9-._~]`).
pub const VERIFIER_BYTES: usize = 32;

impl CodeVerifier {
    /// A fresh verifier from platform CSPRNG bytes.
    pub fn from_random(bytes: [u8; VERIFIER_BYTES]) -> Self {
        use base64::Engine as _;
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The `S256` code challenge (RFC 7636 §4.2): `BASE64URL(SHA256(ASCII(verifier)))`, without
    /// padding. Only the challenge goes out with the authorize request.
    pub fn challenge(&self) -> String {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&self.0))
    }
}

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
    fn a_verifier_is_43_unreserved_characters_carrying_256_bits() {
        for byte in [0x00, 0x7f, 0xfb, 0xff] {
            let verifier = CodeVerifier::from_random([byte; VERIFIER_BYTES]);
            assert_eq!(verifier.secret().len(), 43);
            assert!(verifier
                .secret()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
        }
        assert_ne!(
            CodeVerifier::from_random([1; VERIFIER_BYTES]),
            CodeVerifier::from_random([2; VERIFIER_BYTES])
        );
        assert!(!format!("{:?}", CodeVerifier::new("v3rifier")).contains("v3rifier"));
        assert!(!format!("{:?}", RefreshToken::new("r3fresh")).contains("r3fresh"));
    }

    #[test]
    fn the_s256_challenge_is_rfc_7636_appendix_b() {
        // RFC 7636 Appendix B: these 32 octets, their verifier, and its S256 challenge.
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = CodeVerifier::from_random(octets);
        assert_eq!(
            verifier.secret(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            verifier.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
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
