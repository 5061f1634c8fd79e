//! What the app shows, as a pure state machine: every transition is a native test, and the Yew
//! layer only dispatches [`Action`]s and renders [`Screen`]s.

use crate::api::harvest::User;
use crate::api::ApiError;
use crate::oauth::{CallbackError, ConfigError, Session};
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// Reading `config.json`.
    Loading,
    /// `config.json` is missing or invalid; nothing else can work.
    BadConfig(String),
    SignedOut {
        notice: Option<Notice>,
    },
    /// Leaving for the provider's authorize page.
    Redirecting,
    SignedIn {
        session: Rc<Session>,
        profile: Profile,
    },
    /// The callback was refused or the provider reported an error.
    SignInFailed(CallbackError),
    /// The token's lifetime ran out.
    Expired,
}

/// A note shown on the signed-out screen, explaining why the person is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    SignedOut,
    SessionEnded,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Profile {
    Loading,
    Loaded(User),
    Failed(ApiError),
}

#[derive(Debug)]
pub enum Action {
    ConfigFailed(ConfigError),
    ConfigUnreachable(String),
    NoSession,
    SignInStarted,
    SignedIn(Session),
    CallbackFailed(CallbackError),
    ProfileRequested,
    ProfileLoaded(User),
    /// An API call failed; 401 ends the session.
    ApiFailed(ApiError),
    TokenExpired,
    SignOut,
}

impl Screen {
    pub fn next(&self, action: Action) -> Screen {
        use Action as A;
        match (self, action) {
            (_, A::ConfigFailed(e)) => Screen::BadConfig(e.to_string()),
            (_, A::ConfigUnreachable(why)) => Screen::BadConfig(why),
            (_, A::NoSession) => Screen::SignedOut { notice: None },
            (_, A::SignInStarted) => Screen::Redirecting,
            (_, A::SignedIn(session)) => Screen::SignedIn {
                session: Rc::new(session),
                profile: Profile::Loading,
            },
            (_, A::CallbackFailed(e)) => Screen::SignInFailed(e),
            (Screen::SignedIn { session, .. }, A::ProfileRequested) => Screen::SignedIn {
                session: session.clone(),
                profile: Profile::Loading,
            },
            (Screen::SignedIn { session, .. }, A::ProfileLoaded(user)) => Screen::SignedIn {
                session: session.clone(),
                profile: Profile::Loaded(user),
            },
            (Screen::SignedIn { .. }, A::ApiFailed(ApiError::Unauthorized)) => Screen::SignedOut {
                notice: Some(Notice::SessionEnded),
            },
            (Screen::SignedIn { session, .. }, A::ApiFailed(e)) => Screen::SignedIn {
                session: session.clone(),
                profile: Profile::Failed(e),
            },
            (Screen::SignedIn { .. }, A::TokenExpired) => Screen::Expired,
            (_, A::SignOut) => Screen::SignedOut {
                notice: Some(Notice::SignedOut),
            },
            // Late results for a session that is already gone change nothing.
            (screen, _) => screen.clone(),
        }
    }

    pub fn session(&self) -> Option<&Rc<Session>> {
        match self {
            Screen::SignedIn { session, .. } => Some(session),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::{AccessToken, Scope};

    fn session() -> Session {
        Session {
            provider: "harvest".into(),
            access_token: AccessToken::new("t"),
            expires_at_ms: Some(10),
            scope: Scope::default(),
        }
    }

    fn ada() -> User {
        User {
            id: 1,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: None,
        }
    }

    fn signed_in() -> Screen {
        Screen::Loading.next(Action::SignedIn(session()))
    }

    #[test]
    fn signing_in_loads_the_profile() {
        assert!(matches!(
            signed_in(),
            Screen::SignedIn {
                profile: Profile::Loading,
                ..
            }
        ));
        let s = signed_in().next(Action::ProfileLoaded(ada()));
        assert!(matches!(s, Screen::SignedIn { profile: Profile::Loaded(u), .. } if u == ada()));
    }

    #[test]
    fn unauthorized_api_answer_ends_the_session() {
        let s = signed_in().next(Action::ApiFailed(ApiError::Unauthorized));
        assert_eq!(
            s,
            Screen::SignedOut {
                notice: Some(Notice::SessionEnded)
            }
        );
    }

    #[test]
    fn other_api_errors_keep_the_session() {
        let s = signed_in().next(Action::ApiFailed(ApiError::Network));
        assert!(matches!(
            s,
            Screen::SignedIn {
                profile: Profile::Failed(ApiError::Network),
                ..
            }
        ));
    }

    #[test]
    fn expiry_moves_a_signed_in_session_to_expired_only() {
        assert_eq!(signed_in().next(Action::TokenExpired), Screen::Expired);
        let out = Screen::SignedOut { notice: None };
        assert_eq!(out.next(Action::TokenExpired), out);
    }

    #[test]
    fn late_profile_for_a_signed_out_app_is_ignored() {
        let out = signed_in().next(Action::SignOut);
        assert_eq!(out.next(Action::ProfileLoaded(ada())), out);
        assert_eq!(out.session(), None);
    }

    #[test]
    fn callback_failure_shows_the_error() {
        let s = Screen::Loading.next(Action::CallbackFailed(CallbackError::StateMismatch));
        assert_eq!(s, Screen::SignInFailed(CallbackError::StateMismatch));
    }
}
