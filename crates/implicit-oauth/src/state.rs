//! What the app shows, as a pure state machine: every transition is a native test, and the Yew
//! layer only dispatches [`Action`]s and renders [`Screen`]s. The signed-in dashboard's own
//! data lives in [`crate::dashboard`].

use crate::oauth::{CallbackError, ConfigError, Session};
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
/// What the sign-in shows.
pub enum Screen {
    /// Reading `config.json`.
    Loading,
    /// `config.json` is missing or invalid; nothing else can work.
    BadConfig(String),
    /// Not signed in; `notice` says why, when there is a reason to.
    SignedOut {
        /// Why the person is signed out, if it needs saying.
        notice: Option<Notice>,
    },
    /// Leaving for the provider's authorize page.
    Redirecting,
    /// The provider's authorize page is open in a sign-in window.
    WaitingForPopup,
    /// Signed in.
    SignedIn {
        /// The session.
        session: Rc<Session>,
    },
    /// The callback was refused or the provider reported an error.
    SignInFailed(CallbackError),
    /// The token's lifetime ran out.
    Expired,
    /// A sign-in window is open to renew the session without leaving the page (what the page
    /// shows stays).
    Renewing {
        /// The session still in use; `None` once it has expired.
        session: Option<Rc<Session>>,
    },
}

/// A note shown on the signed-out screen, explaining why the person is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The person signed out.
    SignedOut,
    /// The provider stopped accepting the token.
    SessionEnded,
    /// The person signed out in another tab of this app.
    SignedOutElsewhere,
    /// The person signed out, and the provider revoked the token.
    Revoked,
    /// The person signed out here, but the provider could not be told to revoke the token.
    RevocationFailed,
}

/// A 401 this close to the token's expiry instant counts as its expiry.
pub const EXPIRY_SKEW_MS: u64 = 2_000;

#[derive(Debug)]
/// What happened: the input of [`Screen::next`].
pub enum Action {
    /// `config.json` is invalid.
    ConfigFailed(ConfigError),
    /// `config.json` could not be read.
    ConfigUnreachable(String),
    /// Started without a session to restore.
    NoSession,
    /// A redirect sign-in is leaving the page.
    SignInStarted,
    /// A sign-in window opened.
    PopupOpened,
    /// A sign-in finished, or a session was restored.
    SignedIn(Session),
    /// A sign-in response was refused.
    CallbackFailed(CallbackError),
    /// The API answered 401 at `now_ms`: the token is dead.
    Unauthorized {
        /// When the 401 came (ms since the epoch).
        now_ms: u64,
    },
    /// The token's lifetime ran out.
    TokenExpired,
    /// The person signed out.
    SignOut,
    /// The person signed out in another tab of this app.
    SignedOutElsewhere,
    /// The provider answered the sign-out's revocation request: `true` when it revoked the
    /// token.
    RevocationAnswered(bool),
    /// The person stopped waiting for the sign-in window.
    SignInCancelled,
    /// The page was shown again from the back-forward cache (the person came back).
    PageShown,
    /// A sign-in window opened to renew the session (signed in, or just expired).
    RenewStarted,
    /// The renewal's window was closed, blocked or answered with an error: back to the session
    /// (or the expiry) it was renewing.
    RenewFailed,
}

impl Screen {
    /// The screen after `action`.
    pub fn next(&self, action: Action) -> Screen {
        use Action as A;
        match (self, action) {
            (_, A::ConfigFailed(e)) => Screen::BadConfig(e.to_string()),
            (_, A::ConfigUnreachable(why)) => Screen::BadConfig(why),
            (_, A::NoSession) => Screen::SignedOut { notice: None },
            (_, A::SignInStarted) => Screen::Redirecting,
            (_, A::PopupOpened) => Screen::WaitingForPopup,
            (_, A::SignedIn(session)) => Screen::SignedIn {
                session: Rc::new(session),
            },
            (_, A::CallbackFailed(e)) => Screen::SignInFailed(e),
            (Screen::SignedIn { session }, A::Unauthorized { now_ms }) => {
                if expiring(session, now_ms) {
                    Screen::Expired
                } else {
                    Screen::SignedOut {
                        notice: Some(Notice::SessionEnded),
                    }
                }
            }
            (
                Screen::Renewing {
                    session: Some(session),
                },
                A::Unauthorized { now_ms },
            ) => {
                if expiring(session, now_ms) {
                    Screen::Renewing { session: None }
                } else {
                    Screen::SignedOut {
                        notice: Some(Notice::SessionEnded),
                    }
                }
            }
            (Screen::SignedIn { .. }, A::TokenExpired) => Screen::Expired,
            (Screen::Renewing { session: Some(_) }, A::TokenExpired) => {
                Screen::Renewing { session: None }
            }
            (Screen::SignedIn { session }, A::RenewStarted) => Screen::Renewing {
                session: Some(session.clone()),
            },
            (Screen::Expired, A::RenewStarted) => Screen::Renewing { session: None },
            (Screen::Renewing { session }, A::RenewFailed) => match session {
                Some(session) => Screen::SignedIn {
                    session: session.clone(),
                },
                None => Screen::Expired,
            },
            (_, A::SignOut) => Screen::SignedOut {
                notice: Some(Notice::SignedOut),
            },
            // Signed in, renewing or expired here: out, as in the tab that signed out. A sign-in
            // under way here is this tab's own.
            (
                Screen::SignedIn { .. } | Screen::Renewing { .. } | Screen::Expired,
                A::SignedOutElsewhere,
            ) => Screen::SignedOut {
                notice: Some(Notice::SignedOutElsewhere),
            },
            // The sign-out's revocation answered while the person is still on the signed-out
            // screen it led to.
            (
                Screen::SignedOut {
                    notice: Some(Notice::SignedOut),
                },
                A::RevocationAnswered(revoked),
            ) => Screen::SignedOut {
                notice: Some(if revoked {
                    Notice::Revoked
                } else {
                    Notice::RevocationFailed
                }),
            },
            (Screen::WaitingForPopup, A::SignInCancelled) => Screen::SignedOut { notice: None },
            // Back from a provider page that failed to load: not on the way out any more.
            (Screen::Redirecting, A::PageShown) => Screen::SignedOut { notice: None },
            // Late results for a session that is already gone change nothing.
            (screen, _) => screen.clone(),
        }
    }

    /// The session, while signed in (renewing included, until it expires).
    pub fn session(&self) -> Option<&Rc<Session>> {
        match self {
            Screen::SignedIn { session }
            | Screen::Renewing {
                session: Some(session),
            } => Some(session),
            _ => None,
        }
    }
}

/// Whether a 401 at `now_ms` is the session's expiry: the provider's clock started the token's
/// life a moment before ours did, so a 401 just before our own expiry is that expiry, not a
/// revocation.
fn expiring(session: &Session, now_ms: u64) -> bool {
    session
        .expires_at_ms
        .is_some_and(|at| now_ms + EXPIRY_SKEW_MS >= at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::{AccessToken, Scope};

    fn session() -> Session {
        Session {
            provider: "harvest".into(),
            access_token: AccessToken::new("t"),
            expires_at_ms: Some(100_000),
            scope: Scope::default(),
        }
    }

    fn signed_in() -> Screen {
        Screen::Loading.next(Action::SignedIn(session()))
    }

    #[test]
    fn signing_in_holds_the_session() {
        assert_eq!(
            signed_in().session().map(|s| s.access_token.secret()),
            Some("t")
        );
    }

    #[test]
    fn unauthorized_api_answer_ends_the_session() {
        assert_eq!(
            signed_in().next(Action::Unauthorized { now_ms: 10_000 }),
            Screen::SignedOut {
                notice: Some(Notice::SessionEnded)
            }
        );
    }

    #[test]
    fn a_401_at_the_edge_of_expiry_is_expiry_not_revocation() {
        assert_eq!(
            signed_in().next(Action::Unauthorized {
                now_ms: 100_000 - EXPIRY_SKEW_MS
            }),
            Screen::Expired
        );
        assert_eq!(
            signed_in().next(Action::Unauthorized {
                now_ms: 100_000 - EXPIRY_SKEW_MS - 1
            }),
            Screen::SignedOut {
                notice: Some(Notice::SessionEnded)
            }
        );
    }

    #[test]
    fn a_renewal_keeps_the_session_until_the_new_one_replaces_it() {
        let renewing = signed_in().next(Action::RenewStarted);
        assert_eq!(
            renewing.session().map(|s| s.access_token.secret()),
            Some("t"),
            "still usable while the window is open"
        );
        let mut fresh = session();
        fresh.access_token = AccessToken::new("u");
        let renewed = renewing.next(Action::SignedIn(fresh));
        assert!(
            matches!(&renewed, Screen::SignedIn { session } if session.access_token.secret() == "u")
        );
        // A window closed or refused: back to the session it was renewing.
        assert_eq!(renewing.next(Action::RenewFailed), signed_in());
    }

    #[test]
    fn a_renewal_outlives_the_expiry_it_was_racing() {
        let renewing = signed_in().next(Action::RenewStarted);
        let expired = renewing.next(Action::TokenExpired);
        assert_eq!(expired, Screen::Renewing { session: None });
        assert_eq!(expired.session(), None, "an expired token is not offered");
        assert_eq!(expired.next(Action::RenewFailed), Screen::Expired);
        assert!(matches!(
            expired.next(Action::SignedIn(session())),
            Screen::SignedIn { .. }
        ));
        // From the expired screen too; and a 401 at the edge of expiry while renewing.
        assert_eq!(
            Screen::Expired.next(Action::RenewStarted),
            Screen::Renewing { session: None }
        );
        assert_eq!(
            renewing.next(Action::Unauthorized { now_ms: 100_000 }),
            Screen::Renewing { session: None }
        );
        assert_eq!(
            renewing.next(Action::Unauthorized { now_ms: 1 }),
            Screen::SignedOut {
                notice: Some(Notice::SessionEnded)
            }
        );
        // Nothing to renew when signed out.
        let out = Screen::SignedOut { notice: None };
        assert_eq!(out.next(Action::RenewStarted), out);
        assert_eq!(
            renewing.next(Action::SignOut),
            Screen::SignedOut {
                notice: Some(Notice::SignedOut)
            }
        );
    }

    #[test]
    fn signing_out_in_another_tab_ends_this_tabs_session_but_not_its_sign_in() {
        let out = Screen::SignedOut {
            notice: Some(Notice::SignedOutElsewhere),
        };
        assert_eq!(signed_in().next(Action::SignedOutElsewhere), out);
        assert_eq!(Screen::Expired.next(Action::SignedOutElsewhere), out);
        assert_eq!(
            signed_in()
                .next(Action::RenewStarted)
                .next(Action::SignedOutElsewhere),
            out
        );
        for screen in [
            Screen::WaitingForPopup,
            Screen::Redirecting,
            Screen::SignedOut { notice: None },
        ] {
            assert_eq!(screen.next(Action::SignedOutElsewhere), screen);
        }
    }

    #[test]
    fn the_revocations_answer_is_told_on_the_screen_sign_out_led_to_only() {
        let out = signed_in().next(Action::SignOut);
        assert_eq!(
            out.next(Action::RevocationAnswered(true)),
            Screen::SignedOut {
                notice: Some(Notice::Revoked)
            }
        );
        assert_eq!(
            out.next(Action::RevocationAnswered(false)),
            Screen::SignedOut {
                notice: Some(Notice::RevocationFailed)
            }
        );
        // Signed in again meanwhile: the old token's fate changes nothing on screen.
        assert_eq!(
            signed_in().next(Action::RevocationAnswered(false)),
            signed_in()
        );
    }

    #[test]
    fn expiry_moves_a_signed_in_session_to_expired_only() {
        assert_eq!(signed_in().next(Action::TokenExpired), Screen::Expired);
        let out = Screen::SignedOut { notice: None };
        assert_eq!(out.next(Action::TokenExpired), out);
    }

    #[test]
    fn a_late_401_for_a_signed_out_app_is_ignored() {
        let out = signed_in().next(Action::SignOut);
        assert_eq!(out.next(Action::Unauthorized { now_ms: 10_000 }), out);
        assert_eq!(out.session(), None);
    }

    #[test]
    fn coming_back_to_a_page_left_for_the_provider_offers_sign_in_again() {
        let leaving = Screen::SignedOut { notice: None }.next(Action::SignInStarted);
        assert_eq!(
            leaving.next(Action::PageShown),
            Screen::SignedOut { notice: None }
        );
        assert_eq!(signed_in().next(Action::PageShown), signed_in());
    }

    #[test]
    fn callback_failure_shows_the_error() {
        let s = Screen::Loading.next(Action::CallbackFailed(CallbackError::StateMismatch));
        assert_eq!(s, Screen::SignInFailed(CallbackError::StateMismatch));
    }

    #[test]
    fn cancelling_the_wait_for_a_sign_in_window_returns_to_signed_out() {
        let waiting = Screen::SignedOut { notice: None }.next(Action::PopupOpened);
        assert_eq!(
            waiting.next(Action::SignInCancelled),
            Screen::SignedOut { notice: None }
        );
        // A late cancel changes nothing once signed in.
        assert_eq!(signed_in().next(Action::SignInCancelled), signed_in());
    }
}
