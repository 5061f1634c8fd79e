//! The auth controller: every side effect of signing in, for every face (the Yew components,
//! the JavaScript handle). It loads the configuration, finishes a callback read before the
//! first render, starts sign-ins by redirect or popup and watches the popup, watches the
//! session's expiry, keeps storage in step, and tells its face about each new screen and each
//! event. What the screens are and how they follow each other is the pure reducer
//! ([`crate::state`]); this module only carries it out.
//!
//! Listeners and timers are RAII values held here: dropping the controller (or
//! [`AuthController::shut_down`]) stops every one of them.

use super::api_client::ApiClient;
use super::auth::{self, Via};
use super::expiry::ExpiryWatch;
use super::popup::{self, PopupResult, PopupWatch};
use super::silent::SilentFrame;
use super::tabs::{Heard, Tabs};
use super::{http, location, now_ms};
use crate::oauth::callback::{self, Response};
use crate::oauth::{revoke, token};
use crate::oauth::{
    Answer, CallbackError, Config, Redemption, RefreshToken, Session, TokenStorage,
};
use crate::state::{Action, Screen};
use gloo_events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// Where the configuration comes from.
#[derive(Clone, Debug)]
pub enum ConfigSource {
    /// Fetched at start-up (the static site's `config.json`).
    Url(String),
    /// Given by the host (the embeddable component's options).
    Given(Rc<Config>),
}

impl PartialEq for ConfigSource {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Url(a), Self::Url(b)) => a == b,
            (Self::Given(a), Self::Given(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// How "Sign in" reaches the authorize page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInMode {
    /// The whole page goes to the provider and comes back.
    #[default]
    Redirect,
    /// A sign-in window; the page stays. With `fallback_to_redirect`, a blocked window turns
    /// into a redirect sign-in instead of an error.
    Popup {
        /// Whether a blocked window turns into a redirect sign-in.
        fallback_to_redirect: bool,
    },
}

/// What the controller tells its host, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthEvent {
    /// A sign-in finished, or a kept session was restored.
    SignedIn,
    /// The person signed out, or the provider refused the token.
    SignedOut,
    /// The token expires within the configured `expiring_seconds`, and nothing will renew it
    /// by itself (no refresh token): time to offer [`AuthController::renew`].
    Expiring {
        /// When it expires (ms since the Unix epoch).
        expires_at_ms: u64,
    },
    /// The token's lifetime ran out.
    Expired,
    /// A sign-in failed or the configuration is invalid.
    Error {
        /// A stable code: the OAuth error (`access_denied`) or ours (`state_mismatch`,
        /// `popup_blocked`, `invalid_config`, …).
        code: String,
        /// A sentence for the person.
        message: String,
    },
}

/// The event a screen change means for the host, if any.
fn event_for(before: &Screen, after: &Screen) -> Option<AuthEvent> {
    // Signed in, renewing included (until the session expires).
    let live = |s: &Screen| s.session().is_some();
    match (before, after) {
        (Screen::SignedIn { .. }, Screen::SignedIn { .. }) => None,
        // A renewal that ended without a new session: nothing changed for the host.
        (Screen::Renewing { .. }, Screen::Expired) => None,
        (Screen::Renewing { session: Some(old) }, Screen::SignedIn { session })
            if Rc::ptr_eq(old, session) =>
        {
            None
        }
        (_, Screen::SignedIn { .. }) => Some(AuthEvent::SignedIn),
        (b, Screen::SignedOut { .. }) if live(b) => Some(AuthEvent::SignedOut),
        (b, Screen::Expired | Screen::Renewing { session: None }) if live(b) => {
            Some(AuthEvent::Expired)
        }
        (_, Screen::SignInFailed(e)) => Some(AuthEvent::Error {
            code: e.code().to_owned(),
            message: e.to_string(),
        }),
        (_, Screen::BadConfig(problem)) => Some(AuthEvent::Error {
            code: "invalid_config".into(),
            message: problem.clone(),
        }),
        _ => None,
    }
}

/// The controller of one sign-in component. Cheap to clone: clones share it.
#[derive(Clone)]
pub struct AuthController(Rc<Inner>);

impl PartialEq for AuthController {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

struct Inner {
    mode: SignInMode,
    config: RefCell<Option<Rc<Config>>>,
    screen: RefCell<Screen>,
    on_change: Box<dyn Fn(&Screen)>,
    on_event: Box<dyn Fn(AuthEvent)>,
    popup: RefCell<Option<PopupWatch>>,
    expiry: RefCell<Option<(u64, ExpiryWatch)>>,
    /// The `expiring` event's watch, for the same instant.
    expiring: RefCell<Option<ExpiryWatch>>,
    /// A silent renewal's hidden frame, while it is out.
    silent: RefCell<Option<SilentFrame>>,
    page_shown: RefCell<Option<EventListener>>,
    /// The other tabs of this app and provider.
    tabs: RefCell<Option<Tabs>>,
    /// The code grant's refresh token, in memory only, with the watch that uses it before the
    /// access token expires (none for a token without an expiry: it is kept to be revoked).
    refresh: RefCell<Option<(RefreshToken, Option<ExpiryWatch>)>>,
    /// A refresh request is on its way (one at a time).
    refreshing: Cell<bool>,
    /// Waiting for another tab to share its session (`share_session`).
    share_wait: RefCell<Option<futures_channel::oneshot::Sender<String>>>,
    /// Moves on whenever the session is ended here (sign-out, here or in another tab, a
    /// cancelled sign-in, a dead token, shut-down): a token answer that arrives for an
    /// earlier epoch is not taken, and its tokens are revoked.
    epoch: Cell<u64>,
    shut: Cell<bool>,
}

impl AuthController {
    /// A controller that tells `on_change` each new screen and `on_event` what it means for
    /// the host. Nothing happens until [`AuthController::start`].
    pub fn new(
        mode: SignInMode,
        on_change: impl Fn(&Screen) + 'static,
        on_event: impl Fn(AuthEvent) + 'static,
    ) -> Self {
        let inner = Rc::new(Inner {
            mode,
            config: RefCell::new(None),
            screen: RefCell::new(Screen::Loading),
            on_change: Box::new(on_change),
            on_event: Box::new(on_event),
            popup: RefCell::new(None),
            expiry: RefCell::new(None),
            expiring: RefCell::new(None),
            silent: RefCell::new(None),
            page_shown: RefCell::new(None),
            tabs: RefCell::new(None),
            refresh: RefCell::new(None),
            refreshing: Cell::new(false),
            share_wait: RefCell::new(None),
            epoch: Cell::new(0),
            shut: Cell::new(false),
        });
        // A page restored from the back-forward cache may still say "taking you to your
        // provider" after that page failed; the state machine is told it is shown again.
        let weak = Rc::downgrade(&inner);
        *inner.page_shown.borrow_mut() = web_sys::window().map(|w| {
            EventListener::new(&w, "pageshow", move |_| {
                with(&weak, |c| c.dispatch(Action::PageShown));
            })
        });
        AuthController(inner)
    }

    /// What the sign-in shows now.
    pub fn screen(&self) -> Screen {
        self.0.screen.borrow().clone()
    }

    /// The configuration, once read and valid.
    pub fn config(&self) -> Option<Rc<Config>> {
        self.0.config.borrow().clone()
    }

    /// The session, while signed in.
    pub fn session(&self) -> Option<Rc<Session>> {
        self.0.screen.borrow().session().cloned()
    }

    /// Whether the session renews itself before it expires (the code grant's refresh token,
    /// held in memory): no need to offer [`AuthController::renew`].
    pub fn renews_itself(&self) -> bool {
        self.0
            .refresh
            .borrow()
            .as_ref()
            .is_some_and(|(_, watch)| watch.is_some())
    }

    /// An API client for the current session.
    pub fn client(&self) -> Option<ApiClient> {
        Some(ApiClient::new(self.config()?, self.session()?))
    }

    /// Loads the configuration, then finishes `callback` (read and wiped from the URL before
    /// the first render) or restores a kept session.
    pub async fn start(
        &self,
        source: ConfigSource,
        callback: Option<Result<Response, CallbackError>>,
    ) {
        if self.0.shut.get() {
            return;
        }
        let config = match source {
            ConfigSource::Given(config) => config,
            ConfigSource::Url(url) => match load_config(&url).await {
                Ok(config) => Rc::new(config),
                Err(action) => return self.dispatch(action),
            },
        };
        if self.0.shut.get() {
            return;
        }
        *self.0.config.borrow_mut() = Some(config.clone());
        // Another tab signing out signs this one out too; with `share_session`, tabs lend
        // each other their session.
        let weak = Rc::downgrade(&self.0);
        *self.0.tabs.borrow_mut() = Tabs::open(&config, move |heard| {
            with(&weak, |c| c.heard(heard));
        });
        let action = match callback {
            Some(Ok(response)) => match auth::finish_sign_in(&config, response) {
                Ok(Answer::Session(done)) => {
                    let _ = location::replace_url(&done.return_to);
                    Action::SignedIn(done.session)
                }
                Ok(Answer::Code(redemption)) => {
                    let _ = location::replace_url(&redemption.return_to);
                    match self.redeem(&config, redemption).await {
                        Ok(Some(session)) => Action::SignedIn(session),
                        Ok(None) => Action::NoSession,
                        Err(e) => Action::CallbackFailed(e),
                    }
                }
                Err(e) => Action::CallbackFailed(e),
            },
            Some(Err(e)) => {
                auth::discard_pending(&config);
                Action::CallbackFailed(e)
            }
            None => match auth::restore_session(&config) {
                Some(session) => Action::SignedIn(session),
                None if config.share_session => self
                    .session_from_tabs(&config)
                    .await
                    .map_or(Action::NoSession, Action::SignedIn),
                None => Action::NoSession,
            },
        };
        self.dispatch(action);
    }

    /// Asks this app's other tabs for their live session, and waits briefly for the first
    /// answer (none when no tab is signed in, or none shares).
    async fn session_from_tabs(&self, config: &Config) -> Option<Session> {
        let epoch = self.0.epoch.get();
        let (answer, answered) = futures_channel::oneshot::channel();
        *self.0.share_wait.borrow_mut() = Some(answer);
        if let Some(tabs) = self.0.tabs.borrow().as_ref() {
            tabs.ask();
        }
        // Giving up drops the sender, which ends the wait.
        let weak = Rc::downgrade(&self.0);
        let _give_up = gloo_timers::callback::Timeout::new(SHARE_WAIT_MS, move || {
            with(&weak, |c| drop(c.0.share_wait.borrow_mut().take()));
        });
        let stored = answered.await.ok()?;
        // Only a live session for this provider, in the form this app writes, is taken.
        let session = Session::restore(&stored, &config.provider, now_ms())?;
        if self.0.shut.get() || self.0.epoch.get() != epoch {
            return None;
        }
        auth::keep_session(config, &session);
        Some(session)
    }

    /// What another tab of this app and provider said.
    fn heard(&self, heard: Heard) {
        match heard {
            Heard::SignedOut => self.signed_out_elsewhere(),
            Heard::Asked => {
                let shares = self.config().is_some_and(|c| c.share_session);
                let live = match self.screen() {
                    Screen::SignedIn { session } if !session.is_expired(now_ms()) => Some(session),
                    _ => None,
                };
                if let (true, Some(session), Some(tabs)) =
                    (shares, live, self.0.tabs.borrow().as_ref())
                {
                    tabs.share(&session.to_stored());
                }
            }
            Heard::Session(stored) => {
                if let Some(answer) = self.0.share_wait.borrow_mut().take() {
                    let _ = answer.send(stored);
                }
            }
        }
    }

    /// Starts a sign-in the configured way. Call it from a click: a popup must open
    /// synchronously or the browser blocks it.
    pub fn sign_in(&self) {
        if self.0.shut.get() {
            return;
        }
        let Some(config) = self.config() else { return };
        if config.redirect.is_none() {
            // Nothing to open: the signed-out screen offers the token field instead.
            return;
        }
        self.end_silent_renewal();
        let SignInMode::Popup {
            fallback_to_redirect,
        } = self.0.mode
        else {
            return self.sign_in_redirect();
        };
        match open_window(&config) {
            Err(e) => self.dispatch(Action::ConfigUnreachable(e.to_string())),
            Ok(None) if fallback_to_redirect => self.sign_in_redirect(),
            Ok(None) => self.dispatch(Action::CallbackFailed(CallbackError::PopupBlocked)),
            Ok(Some(window)) => {
                self.dispatch(Action::PopupOpened);
                self.watch_window(window);
            }
        }
    }

    /// Signs in again through a sign-in window, without leaving the page, while signed in or
    /// once the session has expired: the page keeps what it shows, and the new session
    /// replaces the old when the window answers. A window closed, blocked or answered with an
    /// error returns to where the renewal started. Call it from a click.
    pub fn renew(&self) {
        if self.0.shut.get() {
            return;
        }
        let Some(config) = self.config() else { return };
        let renewable = matches!(self.screen(), Screen::SignedIn { .. } | Screen::Expired);
        if config.redirect.is_none() || !renewable {
            return;
        }
        // The person's own renewal replaces a silent one (whose pending request it replaces).
        self.end_silent_renewal();
        match open_window(&config) {
            Err(_) => {}
            Ok(None) => self.dispatch(Action::RenewFailed),
            Ok(Some(window)) => {
                self.dispatch(Action::RenewStarted);
                self.watch_window(window);
            }
        }
    }

    /// Waits for the sign-in window's answer (from the window, or over the channel when the
    /// host page cut the window off).
    fn watch_window(&self, window: web_sys::Window) {
        let weak = Rc::downgrade(&self.0);
        let on_result: Rc<dyn Fn(PopupResult)> = {
            let weak = weak.clone();
            Rc::new(move |result| {
                with(&weak, |c| match result {
                    PopupResult::Callback {
                        query,
                        fragment,
                        path,
                    } => c.finish_popup(&query, &fragment, &path),
                    PopupResult::Closed => {
                        c.end_popup_watch();
                        if let Some(config) = c.config() {
                            auth::discard_pending(&config);
                        }
                        c.dispatch(c.failed(CallbackError::PopupClosed))
                    }
                });
            })
        };
        let on_broadcast: Rc<dyn Fn(PopupResult) -> bool> = Rc::new(move |result| {
            let PopupResult::Callback {
                query,
                fragment,
                path,
            } = result
            else {
                return false;
            };
            with(&weak, |c| {
                // Only a response carrying our own pending state is ours.
                let ours = c.config().is_some_and(|config| {
                    matches!(callback::parse(&query, &fragment), Ok(Some(r)) if auth::is_ours(&config, &r))
                });
                if ours {
                    c.finish_popup(&query, &fragment, &path);
                }
                ours
            })
            .unwrap_or(false)
        });
        *self.0.popup.borrow_mut() = Some(PopupWatch::start(window, on_result, on_broadcast));
    }

    /// Signs in by leaving this page for the provider, whatever the mode: offered when a
    /// sign-in window was closed or blocked.
    pub fn sign_in_redirect(&self) {
        if self.0.shut.get() {
            return;
        }
        let Some(config) = self.config() else { return };
        self.end_silent_renewal();
        match auth::prepare_sign_in(&config, &current_route(), Via::Redirect) {
            Ok(url) => {
                self.dispatch(Action::SignInStarted);
                let _ = location::navigate(url.as_str());
            }
            Err(e) => self.dispatch(Action::ConfigUnreachable(e.to_string())),
        }
    }

    /// Gives up waiting for the sign-in window (which may be out of this page's sight, behind
    /// a host's Cross-Origin-Opener-Policy): the window is closed where it can be, and its
    /// pending request deleted.
    pub fn cancel_sign_in(&self) {
        if self.0.shut.get() {
            return;
        }
        // A window left open could still be approved, for nothing.
        if let Some(watch) = self.0.popup.borrow_mut().take() {
            watch.close_window();
        }
        self.next_epoch();
        if let Some(config) = self.config() {
            auth::discard_pending(&config);
        }
        // A renewal given up goes back to the session (or the expiry) it was renewing.
        let action = match self.screen() {
            Screen::Renewing { .. } => Action::RenewFailed,
            _ => Action::SignInCancelled,
        };
        self.dispatch(action);
    }

    /// Forgets the session, the chosen account and any pending request.
    pub fn sign_out(&self) {
        if self.0.shut.get() {
            return;
        }
        // With a revocation endpoint (RFC 7009) the token is posted there; this tab forgets
        // it at once all the same, and says afterwards whether the provider revoked it.
        let refresh = self.0.refresh.borrow_mut().take().map(|(token, _)| token);
        self.next_epoch();
        self.end_silent_renewal();
        let access = self.session().map(|s| s.access_token.clone());
        let revocation = self.config().and_then(|config| {
            revoke::revocation_requests(&config, access.as_ref(), refresh.as_ref())
                .map(|request| (request, config.request_timeout_seconds))
        });
        drop(self.0.popup.borrow_mut().take());
        if let Some(config) = self.config() {
            auth::sign_out(&config);
        }
        if let Some(tabs) = self.0.tabs.borrow().as_ref() {
            tabs.signed_out();
        }
        self.dispatch(Action::SignOut);
        if let Some(((url, forms), timeout)) = revocation {
            let weak = Rc::downgrade(&self.0);
            wasm_bindgen_futures::spawn_local(async move {
                let mut revoked = true;
                for form in forms {
                    revoked &= http::post_form(&url, &form, timeout)
                        .await
                        .is_ok_and(|r| (200..300).contains(&r.status));
                }
                with(&weak, |c| c.dispatch(Action::RevocationAnswered(revoked)));
            });
        }
    }

    /// Another tab of this app and provider signed out: so does this one, unless it is in
    /// the middle of its own sign-in.
    fn signed_out_elsewhere(&self) {
        let ends = matches!(
            self.screen(),
            Screen::SignedIn { .. } | Screen::Renewing { .. } | Screen::Expired
        );
        if !ends {
            return;
        }
        drop(self.0.popup.borrow_mut().take());
        self.next_epoch();
        self.end_silent_renewal();
        // This tab's own tokens end too: revoked where the provider can (a shared access token
        // the other tab already revoked is simply revoked again).
        let refresh = self.0.refresh.borrow_mut().take().map(|(token, _)| token);
        if let Some(config) = self.config() {
            let access = self.session().map(|s| s.access_token.clone());
            revoke_quietly(&config, access.as_ref(), refresh.as_ref());
            auth::sign_out(&config);
        }
        self.dispatch(Action::SignedOutElsewhere);
    }

    /// Starts a session from a pasted token (and, for providers whose scopes name accounts,
    /// the account id).
    pub fn personal_token(&self, token: &str, account: Option<u64>) {
        if self.0.shut.get() {
            return;
        }
        if let Some(config) = self.config() {
            let session = auth::personal_session(&config, token, account);
            self.dispatch(Action::SignedIn(session));
        }
    }

    /// The API answered 401: the token is dead, and any kept copy is forgotten too.
    pub fn unauthorized(&self) {
        if self.0.shut.get() {
            return;
        }
        // A refresh token may still renew a refused access token (one that expired while a
        // laptop slept, say): it is tried first; its refusal, or a failure once the token has
        // expired, ends the session.
        if self.renews_itself() {
            return self.refresh();
        }
        self.forget_dead_session();
        self.dispatch(Action::Unauthorized { now_ms: now_ms() });
        // A renewal that outlived this only as an expiry goes on; one whose session was
        // refused outright has nothing left to renew.
        if !matches!(self.screen(), Screen::Renewing { .. }) {
            self.end_renewal_window();
        }
    }

    /// The token died (expiry, or a 401): its kept copy goes, and, unless a renewal is under
    /// way (which keeps its pending request), the chosen account and any pending request too.
    fn forget_dead_session(&self) {
        // A renewal under way goes on: its answer is still wanted.
        if !matches!(self.screen(), Screen::Renewing { .. }) {
            self.next_epoch();
        }
        self.end_silent_renewal();
        // The access token is dead; a refresh token that would outlive it is revoked.
        let refresh = self.0.refresh.borrow_mut().take().map(|(token, _)| token);
        if let (Some(config), Some(refresh)) = (self.config(), refresh) {
            revoke_quietly(&config, None, Some(&refresh));
        }
        if let Some(config) = self.config() {
            if matches!(self.screen(), Screen::Renewing { .. }) {
                auth::forget_session(&config);
            } else {
                auth::sign_out(&config);
            }
        }
    }

    /// Stops watching a sign-in window and forgets its pending request.
    fn end_renewal_window(&self) {
        if let Some(watch) = self.0.popup.borrow_mut().take() {
            watch.close_window();
            if let Some(config) = self.config() {
                auth::discard_pending(&config);
            }
        }
    }

    /// Stops every listener and timer; later results and actions change nothing (storage
    /// included). For a face that is going away while something may still hold a clone.
    pub fn shut_down(&self) {
        self.0.shut.set(true);
        drop(self.0.popup.borrow_mut().take());
        drop(self.0.expiry.borrow_mut().take());
        drop(self.0.expiring.borrow_mut().take());
        drop(self.0.silent.borrow_mut().take());
        drop(self.0.page_shown.borrow_mut().take());
        drop(self.0.tabs.borrow_mut().take());
        self.next_epoch();
        // Nobody holds the refresh token after this: it is revoked where the provider can,
        // unless the session lives on elsewhere (kept in storage for the next mount, or lent
        // to other tabs), which revoking its grant would end too.
        let refresh = self.0.refresh.borrow_mut().take().map(|(token, _)| token);
        if let (Some(config), Some(refresh)) = (self.config(), refresh) {
            if config.token_storage != TokenStorage::Session && !config.share_session {
                revoke_quietly(&config, None, Some(&refresh));
            }
        }
    }

    /// Ends this session's epoch: token answers still on their way are not taken.
    fn next_epoch(&self) {
        self.0.epoch.set(self.0.epoch.get() + 1);
    }

    /// Removes a silent renewal's frame, if one is out; its pending request is left to
    /// whatever replaces or ends it.
    fn end_silent_renewal(&self) {
        drop(self.0.silent.borrow_mut().take());
    }

    fn finish_popup(&self, query: &str, fragment: &str, path: &str) {
        self.end_popup_watch();
        let Some(config) = self.config() else { return };
        let action = match callback::parse(query, fragment) {
            Ok(Some(response)) => match auth::finish_sign_in(&config, response.at(path)) {
                Ok(Answer::Session(done)) => Action::SignedIn(done.session),
                Ok(Answer::Code(redemption)) => {
                    let weak = Rc::downgrade(&self.0);
                    wasm_bindgen_futures::spawn_local(async move {
                        let Some(c) = with(&weak, AuthController::clone) else {
                            return;
                        };
                        let action = match c.redeem(&config, redemption).await {
                            Ok(Some(session)) => Action::SignedIn(session),
                            Ok(None) => return,
                            Err(e) => c.failed(e),
                        };
                        c.dispatch(action);
                    });
                    return;
                }
                Err(e) => self.failed(e),
            },
            Ok(None) => self.failed(CallbackError::MissingState),
            Err(e) => {
                auth::discard_pending(&config);
                self.failed(e)
            }
        };
        self.dispatch(action);
    }

    /// Redeems a code-grant callback's code, once, at the token endpoint (with its PKCE
    /// verifier, and no secret), and keeps what it gives: the session as configured, the
    /// refresh token in memory only.
    /// `Ok(None)` when the session was ended here while the token request was out: the
    /// tokens it gave are revoked, not kept.
    async fn redeem(
        &self,
        config: &Config,
        redemption: Redemption,
    ) -> Result<Option<Session>, CallbackError> {
        let epoch = self.0.epoch.get();
        let redirect = config
            .redirect
            .as_ref()
            .ok_or(CallbackError::NoPendingRequest)?;
        let token_url = redirect
            .token_url
            .as_ref()
            .ok_or(CallbackError::NoPendingRequest)?;
        let (url, form) = token::code_request(token_url, redirect, &redemption);
        let tokens = http::post_form(&url, &form, config.request_timeout_seconds)
            .await
            .map_err(|_| CallbackError::TokenEndpoint("it did not answer".into()))
            .and_then(|answer| {
                token::read_response(
                    answer.status,
                    &answer.body,
                    &config.provider,
                    &redemption.scopes,
                    now_ms(),
                )
            });
        // Ended here meanwhile: neither the tokens nor an error are for anyone now.
        if self.0.shut.get() || self.0.epoch.get() != epoch {
            if let Ok(tokens) = &tokens {
                let access = &tokens.session.access_token;
                revoke_quietly(config, Some(access), tokens.refresh_token.as_ref());
            }
            return Ok(None);
        }
        let tokens = tokens?;
        auth::keep_session(config, &tokens.session);
        // A renewal by sign-in is a new grant: the old grant's refresh token is revoked,
        // unless other tabs were lent the old grant's access token.
        let replaced = self.0.refresh.borrow_mut().take().map(|(token, _)| token);
        let replaced = replaced.filter(|old| tokens.refresh_token.as_ref() != Some(old));
        if let (Some(old), false) = (replaced, config.share_session) {
            revoke_quietly(config, None, Some(&old));
        }
        self.hold_refresh(tokens.refresh_token, &tokens.session);
        Ok(Some(tokens.session))
    }

    /// Keeps `refresh_token` (in memory) for `session`, to be used shortly before the session
    /// expires; without one, any refresh token held before is dropped.
    fn hold_refresh(&self, refresh_token: Option<RefreshToken>, session: &Session) {
        let held = refresh_token.map(|token| {
            let watch = session.expires_at_ms.map(|expires_at| {
                let weak = Rc::downgrade(&self.0);
                let at = token::refresh_at(now_ms(), expires_at);
                ExpiryWatch::start(at, move || {
                    with(&weak, AuthController::refresh);
                })
            });
            (token, watch)
        });
        *self.0.refresh.borrow_mut() = held;
    }

    /// Trades the refresh token for a new access token, without leaving the page: the new
    /// session replaces the old, a rotated refresh token the old one. `invalid_grant` (revoked,
    /// expired, replayed) ends the session: the person signs in again. After any other failure
    /// it tries again ten seconds on while the old token lives, and once more when it expires;
    /// a failure then ends the session.
    fn refresh(&self) {
        if self.0.shut.get() || self.0.refreshing.get() {
            return;
        }
        let Some(config) = self.config() else { return };
        let Some(session) = self.session() else {
            return;
        };
        let Some(refresh_token) = self.0.refresh.borrow().as_ref().map(|(t, _)| t.clone()) else {
            return;
        };
        let Some((redirect, token_url)) = config
            .redirect
            .as_ref()
            .and_then(|r| Some((r, r.token_url.as_ref()?)))
        else {
            return;
        };
        let (url, form) = token::refresh_request(token_url, redirect, &refresh_token);
        self.0.refreshing.set(true);
        let weak = Rc::downgrade(&self.0);
        wasm_bindgen_futures::spawn_local(async move {
            let answer = http::post_form(&url, &form, config.request_timeout_seconds).await;
            let Some(c) = with(&weak, AuthController::clone) else {
                return;
            };
            c.0.refreshing.set(false);
            let tokens = answer
                .map_err(|_| CallbackError::TokenEndpoint("it did not answer".into()))
                .and_then(|a| {
                    let asked: Vec<String> = session.scope.tokens().to_vec();
                    token::read_response(a.status, &a.body, &config.provider, &asked, now_ms())
                });
            // Signed out, or signed in afresh, meanwhile: this answer is for nobody. What it
            // gave is revoked, and a newer session's refresh (which waited for this one) is
            // scheduled again.
            let current = c.session().is_some_and(|s| Rc::ptr_eq(&s, &session));
            if !current || c.0.shut.get() {
                if let Ok(tokens) = &tokens {
                    let access = &tokens.session.access_token;
                    revoke_quietly(&config, Some(access), tokens.refresh_token.as_ref());
                }
                let held = c.0.refresh.borrow().as_ref().map(|(t, _)| t.clone());
                if let (Some(held), Some(now)) = (held, c.session().filter(|_| !c.0.shut.get())) {
                    c.hold_refresh(Some(held), &now);
                }
                return;
            }
            match tokens {
                // A token that is dead on arrival (`expires_in: 0`) renews nothing: refreshing
                // it again at once would never end.
                Ok(tokens) if tokens.session.is_expired(now_ms() + 1_000) => {
                    let kept = token::after_refresh(refresh_token, tokens.refresh_token);
                    revoke_quietly(&config, None, Some(&kept));
                    drop(c.0.refresh.borrow_mut().take());
                    c.forget_dead_session();
                    c.dispatch(Action::TokenExpired);
                }
                Ok(tokens) => {
                    let kept = token::after_refresh(refresh_token, tokens.refresh_token);
                    auth::keep_session(&config, &tokens.session);
                    c.hold_refresh(Some(kept), &tokens.session);
                    c.dispatch(Action::SignedIn(tokens.session));
                }
                Err(e) if token::is_invalid_grant(&e) => {
                    // Dead at the provider already: nothing to revoke.
                    drop(c.0.refresh.borrow_mut().take());
                    c.forget_dead_session();
                    c.dispatch(Action::TokenExpired);
                }
                Err(_) => {
                    // Once more, ten seconds on, if the access token still lives then; at its
                    // expiry it is tried once more; after that the session ends.
                    let retry = now_ms() + 10_000;
                    if session.expires_at_ms.is_some_and(|at| retry < at) {
                        let weak = Rc::downgrade(&c.0);
                        let watch = ExpiryWatch::start(retry, move || {
                            with(&weak, AuthController::refresh);
                        });
                        if let Some(held) = c.0.refresh.borrow_mut().as_mut() {
                            held.1 = Some(watch);
                        }
                    } else if session.is_expired(now_ms()) {
                        c.forget_dead_session();
                        c.dispatch(Action::TokenExpired);
                    }
                }
            }
        });
    }

    /// What a sign-in window's failure means: an error screen, or, for a renewal, a return to
    /// the session (or the expiry) it was renewing, the page untouched.
    fn failed(&self, error: CallbackError) -> Action {
        match self.screen() {
            Screen::Renewing { .. } => Action::RenewFailed,
            _ => Action::CallbackFailed(error),
        }
    }

    /// Once the window has answered, nothing of the watch stays running. It is dropped after
    /// the listener that delivered the answer has returned.
    fn end_popup_watch(&self) {
        // Taken now, so a sign-in started in the meantime keeps its own watch.
        let watch = self.0.popup.borrow_mut().take();
        wasm_bindgen_futures::spawn_local(async move { drop(watch) });
    }

    /// Moves to the next screen, and tells the face and the host.
    fn dispatch(&self, action: Action) {
        if self.0.shut.get() {
            return;
        }
        let (before, after) = {
            let mut screen = self.0.screen.borrow_mut();
            let before = screen.clone();
            *screen = before.next(action);
            (before, screen.clone())
        };
        if before == after {
            return;
        }
        self.watch_expiry(&after);
        (self.0.on_change)(&after);
        if let Some(event) = event_for(&before, &after) {
            // After the action that caused it has returned (microtasks run in order): a host
            // listener may then call back into its handle, even destroy() it.
            let weak = Rc::downgrade(&self.0);
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(inner) = weak.upgrade().filter(|i| !i.shut.get()) {
                    (inner.on_event)(event);
                }
            });
        }
    }

    /// Keeps one expiry watch for the current session's expiry instant, if it has one.
    fn watch_expiry(&self, screen: &Screen) {
        let at = screen.session().and_then(|s| s.expires_at_ms);
        let mut slot = self.0.expiry.borrow_mut();
        if slot.as_ref().map(|(watched, _)| *watched) == at {
            return;
        }
        let weak = Rc::downgrade(&self.0);
        *slot = at.map(|at| {
            let watch = ExpiryWatch::start(at, move || {
                with(&weak, |c| {
                    // A refresh token may still renew a token that expired unrefreshed (a
                    // laptop asleep past both instants, a refresh that failed): it is tried
                    // first, and the session ends only if that fails.
                    if c.renews_itself() {
                        return c.refresh();
                    }
                    c.forget_dead_session();
                    c.dispatch(Action::TokenExpired);
                });
            });
            (at, watch)
        });
        drop(slot);
        // The host hears `expiring` the configured time before, to offer a renewal.
        let lead_ms = self
            .config()
            .map_or(0, |c| u64::from(c.expiring_seconds) * 1000);
        let weak = Rc::downgrade(&self.0);
        *self.0.expiring.borrow_mut() = at.filter(|_| lead_ms > 0).map(|at| {
            let soon = at.saturating_sub(lead_ms);
            // A token whose whole life is inside the warning time would be renewed for
            // another just like it, and again: it is only warned about.
            let renewable = soon > now_ms();
            ExpiryWatch::start(soon, move || {
                with(&weak, |c| c.expiring(at, renewable));
            })
        });
    }

    /// The session expires soon: unless a refresh token will renew it anyway (or the session
    /// has changed meanwhile), it is renewed silently where configured, or the host is told.
    fn expiring(&self, at: u64, renewable: bool) {
        let same = self.session().is_some_and(|s| s.expires_at_ms == Some(at));
        if !same || self.renews_itself() || self.0.shut.get() {
            return;
        }
        let silently = renewable
            && self.config().is_some_and(|c| c.silent_renew)
            && matches!(self.screen(), Screen::SignedIn { .. })
            && self.0.popup.borrow().is_none()
            && self.0.silent.borrow().is_none();
        if silently {
            return self.renew_silently(at);
        }
        self.tell_expiring(at);
    }

    /// Asks the provider for a new token in a hidden frame, with `prompt=none`. The new
    /// session replaces the old without a sound; a refusal (`login_required`, a provider that
    /// will not be framed, no answer in time) leaves the session as it was and tells the host
    /// it is expiring, so it can offer [`AuthController::renew`].
    fn renew_silently(&self, at: u64) {
        let Some(config) = self.config() else { return };
        let Ok(url) = auth::prepare_sign_in(&config, &current_route(), Via::Silent) else {
            return self.tell_expiring(at);
        };
        let weak = Rc::downgrade(&self.0);
        let frame = SilentFrame::start(url.as_str(), move |answer| {
            with(&weak, |c| c.silent_answered(answer, at));
        });
        match frame {
            Some(frame) => *self.0.silent.borrow_mut() = Some(frame),
            None => {
                auth::discard_pending(&config);
                self.tell_expiring(at);
            }
        }
    }

    fn silent_answered(&self, answer: super::silent::Answer, at: u64) {
        // The frame goes once the listener that delivered this has returned.
        let frame = self.0.silent.borrow_mut().take();
        wasm_bindgen_futures::spawn_local(async move { drop(frame) });
        let Some(config) = self.config() else { return };
        let response = answer.and_then(|(query, fragment, path)| {
            callback::parse(&query, &fragment)
                .ok()
                .flatten()
                .map(|r| r.at(&path))
        });
        let Some(response) = response else {
            auth::discard_pending(&config);
            return self.tell_expiring(at);
        };
        match auth::finish_sign_in(&config, response) {
            Ok(Answer::Session(done)) => self.dispatch(Action::SignedIn(done.session)),
            Ok(Answer::Code(redemption)) => {
                let weak = Rc::downgrade(&self.0);
                wasm_bindgen_futures::spawn_local(async move {
                    let Some(c) = with(&weak, AuthController::clone) else {
                        return;
                    };
                    match c.redeem(&config, redemption).await {
                        Ok(Some(session)) => c.dispatch(Action::SignedIn(session)),
                        Ok(None) => {}
                        Err(_) => c.tell_expiring(at),
                    }
                });
            }
            // `login_required`, `interaction_required`, …: the person must be asked.
            Err(_) => self.tell_expiring(at),
        }
    }

    /// Tells the host the session (still the one expiring at `at`) expires soon.
    fn tell_expiring(&self, at: u64) {
        let same = self.session().is_some_and(|s| s.expires_at_ms == Some(at));
        if !same || self.0.shut.get() {
            return;
        }
        let weak = Rc::downgrade(&self.0);
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(inner) = weak.upgrade().filter(|i| !i.shut.get()) {
                (inner.on_event)(AuthEvent::Expiring { expires_at_ms: at });
            }
        });
    }
}

/// Posts revocations (RFC 7009) for tokens this tab is giving up without a sign-out screen to
/// report on: best effort, nothing is dispatched.
fn revoke_quietly(
    config: &Config,
    access_token: Option<&crate::oauth::AccessToken>,
    refresh_token: Option<&RefreshToken>,
) {
    let Some((url, forms)) = revoke::revocation_requests(config, access_token, refresh_token)
    else {
        return;
    };
    let timeout = config.request_timeout_seconds;
    wasm_bindgen_futures::spawn_local(async move {
        for form in forms {
            let _ = http::post_form(&url, &form, timeout).await;
        }
    });
}

/// How long a new tab waits for another tab to share its session: open tabs answer within a
/// few milliseconds; a page with no other tab signed in shows its sign-in after this.
const SHARE_WAIT_MS: u32 = 300;

/// Records a popup sign-in's pending request, then opens its window on the authorize URL,
/// synchronously (a window opened later than the click is blocked). The pending request goes
/// first: the window's copy of `sessionStorage` is taken when it opens, and the callback page
/// in it reads from that copy how to answer. `None`, the pending request discarded, when the
/// browser blocks the window.
fn open_window(config: &Config) -> Result<Option<web_sys::Window>, super::BrowserError> {
    let url = auth::prepare_sign_in(config, &current_route(), Via::Popup)?;
    let Some(window) = popup::open_blank() else {
        auth::discard_pending(config);
        return Ok(None);
    };
    let _ = window.location().set_href(url.as_str());
    Ok(Some(window))
}

/// Runs `f` on the controller behind `weak`, if it is still alive.
fn with<T>(weak: &Weak<Inner>, f: impl FnOnce(&AuthController) -> T) -> Option<T> {
    weak.upgrade().map(|inner| f(&AuthController(inner)))
}

/// The in-app route to come back to after a redirect sign-in.
fn current_route() -> String {
    web_sys::window()
        .map(|w| w.location())
        .map(|l| {
            format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "/".into())
}

thread_local! {
    /// The `config.json` fetch `boot.js` started while the wasm was loading, with its URL.
    static EARLY_CONFIG: RefCell<Option<(String, js_sys::Promise)>> = const { RefCell::new(None) };
}

/// Hands over a fetch of `url` that page script already started (`boot.js` starts
/// `config.json`'s while the wasm compiles), for the first [`AuthController::start`] that
/// loads that URL.
pub fn hand_over_config_fetch(url: &str, fetch: js_sys::Promise) {
    EARLY_CONFIG.with(|slot| *slot.borrow_mut() = Some((url.to_owned(), fetch)));
}

/// The fetch handed over for `url`, taken once (a later load, e.g. after a retry, fetches
/// afresh).
fn started_config_fetch(url: &str) -> Option<js_sys::Promise> {
    EARLY_CONFIG.with(|slot| {
        let (for_url, fetch) = slot.borrow_mut().take()?;
        (for_url == url).then_some(fetch)
    })
}

async fn load_config(url: &str) -> Result<Config, Action> {
    let early = match started_config_fetch(url) {
        Some(fetch) => http::response_of(fetch, url).await.ok(),
        None => None,
    };
    let response = match early {
        Some(response) => Ok(response),
        None => http::get(url, &[]).await,
    };
    let response = response.map_err(|_| {
        Action::ConfigUnreachable(format!(
            "{url} could not be loaded: the server did not answer."
        ))
    })?;
    if response.status != 200 {
        return Err(Action::ConfigUnreachable(format!(
            "{url} was not found next to index.html (HTTP {}). Copy static/config.json there and fill it in.",
            response.status
        )));
    }
    Config::from_json(&response.body).map_err(Action::ConfigFailed)
}
