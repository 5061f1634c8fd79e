//! The auth context for Yew apps: [`AuthProvider`] owns the session and shares it by context;
//! [`use_auth`] reads it; [`Authenticated`] / [`NotAuthenticated`] show their children only in
//! the matching state. The standalone app and the embeddable component are both built on it.
//!
//! ```ignore
//! use implicit_oauth::ui::{AuthProvider, Authenticated, ConfigSource, NotAuthenticated, use_auth};
//! html! {
//!     <AuthProvider config={ConfigSource::Url("config.json".into())}>
//!         <NotAuthenticated><SignInButton /></NotAuthenticated>
//!         <Authenticated><Dashboard /></Authenticated>
//!     </AuthProvider>
//! }
//! ```
//! A complete, compiled example is `examples/yew_app.rs`.

use crate::browser::api_client::ApiClient;
use crate::browser::auth::Via;
use crate::browser::popup::{self, PopupResult, PopupWatch};
use crate::browser::{auth, http, location, now_ms};
use crate::oauth::callback::{self, Response};
use crate::oauth::{CallbackError, Config, Session};
use crate::state::{Action, Screen};
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The callback read from the URL before the first render, handed over exactly once.
#[derive(Clone, Default)]
pub struct PendingCallback(Rc<RefCell<Option<Result<Response, CallbackError>>>>);

impl PendingCallback {
    pub fn new(callback: Option<Result<Response, CallbackError>>) -> Self {
        Self(Rc::new(RefCell::new(callback)))
    }

    fn take(&self) -> Option<Result<Response, CallbackError>> {
        self.0.borrow_mut().take()
    }
}

impl PartialEq for PendingCallback {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

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
    Popup { fallback_to_redirect: bool },
}

/// What the auth layer tells its host, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthEvent {
    SignedIn,
    SignedOut,
    Expired,
    Error { code: String, message: String },
}

/// A way for code outside Yew (the JavaScript handle) to press the provider's buttons and to
/// read the current session.
#[derive(Clone, Default)]
pub struct Commands(
    Rc<RefCell<Option<Callback<Command>>>>,
    Rc<RefCell<Option<Rc<Session>>>>,
);

#[derive(Clone, Debug)]
pub enum Command {
    SignIn,
    SignOut,
}

impl Commands {
    /// Runs `command` synchronously (a popup must open inside the host's click handler).
    /// Returns false when no provider is mounted yet.
    pub fn send(&self, command: Command) -> bool {
        let callback = self.0.borrow().clone();
        callback.map(|c| c.emit(command)).is_some()
    }
}

impl Commands {
    /// The session as of the last render, if signed in.
    pub fn session(&self) -> Option<Rc<Session>> {
        self.1.borrow().clone()
    }
}

impl PartialEq for Commands {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct AuthProviderProps {
    #[prop_or_default]
    pub children: Html,
    pub config: ConfigSource,
    #[prop_or_default]
    pub callback: PendingCallback,
    #[prop_or_default]
    pub mode: SignInMode,
    #[prop_or_default]
    pub on_event: Callback<AuthEvent>,
    #[prop_or_default]
    pub commands: Commands,
}

/// The session and the actions on it, as the context gives them.
#[derive(Clone, PartialEq)]
pub struct Auth {
    pub screen: Screen,
    pub config: Option<Rc<Config>>,
    pub mode: SignInMode,
    pub sign_in: Callback<()>,
    /// Sign in by redirect whatever the mode: offered when a sign-in window was closed or blocked.
    pub sign_in_redirect: Callback<()>,
    pub sign_out: Callback<()>,
    /// Gives up waiting for the sign-in window (which may be out of this page's sight, behind a
    /// host's Cross-Origin-Opener-Policy): its pending request is deleted.
    pub cancel_sign_in: Callback<()>,
    /// Starts a session from a pasted token (and, for providers whose scopes name accounts,
    /// the account id).
    pub personal_token: Callback<(String, Option<u64>)>,
    /// Report that the API answered 401: ends the session.
    pub unauthorized: Callback<()>,
}

impl Auth {
    pub fn session(&self) -> Option<Rc<Session>> {
        self.screen.session().cloned()
    }

    /// An API client for the current session.
    pub fn client(&self) -> Option<ApiClient> {
        Some(ApiClient::new(self.config.clone()?, self.session()?))
    }
}

/// The auth context. Panics outside an [`AuthProvider`], which is a programming error.
#[hook]
pub fn use_auth() -> Auth {
    use_context::<Auth>().expect("use_auth() is used inside <AuthProvider>")
}

#[derive(Properties, PartialEq)]
pub struct GateProps {
    #[prop_or_default]
    pub children: Html,
}

/// Shows its children only while signed in.
#[component]
pub fn Authenticated(props: &GateProps) -> Html {
    match use_auth().screen {
        Screen::SignedIn { .. } => props.children.clone(),
        _ => Html::default(),
    }
}

/// Shows its children only while not signed in.
#[component]
pub fn NotAuthenticated(props: &GateProps) -> Html {
    match use_auth().screen {
        Screen::SignedIn { .. } => Html::default(),
        _ => props.children.clone(),
    }
}

#[derive(PartialEq)]
struct UiState(Screen);

impl Reducible for UiState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(UiState(self.0.next(action)))
    }
}

async fn load_config(url: &str) -> Result<Config, Action> {
    let early = match super::started_config_fetch(url) {
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

/// The event a screen change means for the host, if any.
fn event_for(before: &Screen, after: &Screen) -> Option<AuthEvent> {
    match (before, after) {
        (Screen::SignedIn { .. }, Screen::SignedIn { .. }) => None,
        (_, Screen::SignedIn { .. }) => Some(AuthEvent::SignedIn),
        (Screen::SignedIn { .. }, Screen::SignedOut { .. }) => Some(AuthEvent::SignedOut),
        (Screen::SignedIn { .. }, Screen::Expired) => Some(AuthEvent::Expired),
        (_, Screen::SignInFailed(e)) if before != after => Some(AuthEvent::Error {
            code: e.code().to_owned(),
            message: e.to_string(),
        }),
        (_, Screen::BadConfig(problem)) if before != after => Some(AuthEvent::Error {
            code: "invalid_config".into(),
            message: problem.clone(),
        }),
        _ => None,
    }
}

#[component]
pub fn AuthProvider(props: &AuthProviderProps) -> Html {
    let state = use_reducer(|| UiState(Screen::Loading));
    let config = use_state(|| None::<Rc<Config>>);
    let popup_watch = use_mut_ref(|| None::<PopupWatch>);
    let last_screen = use_mut_ref(|| Screen::Loading);

    {
        // Tell the host what changed.
        let (on_event, last) = (props.on_event.clone(), last_screen.clone());
        use_effect_with(state.0.clone(), move |screen| {
            let before = last.replace(screen.clone());
            if let Some(event) = event_for(&before, screen) {
                on_event.emit(event);
            }
        });
    }

    {
        // Start-up: config, then the callback (already wiped from the URL) or a kept session.
        let (state, config, callback, source) = (
            state.clone(),
            config.clone(),
            props.callback.clone(),
            props.config.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                let cfg = match source {
                    ConfigSource::Given(cfg) => cfg,
                    ConfigSource::Url(url) => match load_config(&url).await {
                        Ok(cfg) => Rc::new(cfg),
                        Err(action) => return state.dispatch(action),
                    },
                };
                config.set(Some(cfg.clone()));
                let action = match callback.take() {
                    Some(Ok(response)) => match auth::finish_sign_in(&cfg, response) {
                        Ok(done) => {
                            let _ = location::replace_url(&done.return_to);
                            Action::SignedIn(done.session)
                        }
                        Err(e) => Action::CallbackFailed(e),
                    },
                    Some(Err(e)) => {
                        auth::discard_pending(&cfg);
                        Action::CallbackFailed(e)
                    }
                    None => auth::restore_session(&cfg).map_or(Action::NoSession, Action::SignedIn),
                };
                state.dispatch(action);
            });
        });
    }

    let session = state.0.session().cloned();
    {
        let (state, config) = (state.clone(), (*config).clone());
        use_effect_with(
            session.as_ref().and_then(|s| s.expires_at_ms),
            move |expires_at| {
                let watch = expires_at.map(|at| {
                    ExpiryWatch::start(
                        at,
                        Callback::from(move |_| {
                            if let Some(config) = config.as_ref() {
                                auth::sign_out(config);
                            }
                            state.dispatch(Action::TokenExpired)
                        }),
                    )
                });
                move || drop(watch)
            },
        );
    }
    {
        // A page restored from the back-forward cache may still say "taking you to your
        // provider" after that page failed; tell the state machine it is shown again.
        let state = state.clone();
        use_effect_with((), move |_| {
            let on_show = Closure::<dyn Fn()>::new(move || state.dispatch(Action::PageShown));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "pageshow",
                        on_show.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    {
        // Unmounting (or `destroy()` from a host) closes any sign-in window watch.
        let popup_watch = popup_watch.clone();
        use_effect_with((), move |_| move || drop(popup_watch.borrow_mut().take()));
    }

    let sign_in = {
        let (state, config, mode, popup_watch) = (
            state.clone(),
            (*config).clone(),
            props.mode,
            popup_watch.clone(),
        );
        Callback::from(move |()| {
            let Some(config) = config.clone() else { return };
            if config.redirect.is_none() {
                // Nothing to open: the signed-out screen offers the token field instead.
                return;
            }
            let redirect = |state: &UseReducerHandle<UiState>| match auth::prepare_sign_in(
                &config,
                &current_route(),
                Via::Redirect,
            ) {
                Ok(url) => {
                    state.dispatch(Action::SignInStarted);
                    let _ = location::navigate(url.as_str());
                }
                Err(e) => state.dispatch(Action::ConfigUnreachable(e.to_string())),
            };
            let SignInMode::Popup {
                fallback_to_redirect,
            } = mode
            else {
                return redirect(&state);
            };
            // The pending request first: the window's copy of sessionStorage is taken when it
            // opens, and the callback page in it reads from that copy how to answer. Then the
            // window, synchronously in the same click, or the browser blocks it.
            let url = match auth::prepare_sign_in(&config, &current_route(), Via::Popup) {
                Ok(url) => url,
                Err(e) => return state.dispatch(Action::ConfigUnreachable(e.to_string())),
            };
            let Some(window) = popup::open_blank() else {
                auth::discard_pending(&config);
                if fallback_to_redirect {
                    return redirect(&state);
                }
                return state.dispatch(Action::CallbackFailed(CallbackError::PopupBlocked));
            };
            let _ = window.location().set_href(url.as_str());
            state.dispatch(Action::PopupOpened);
            // Once the window has answered, nothing of the watch stays running. It is dropped
            // after the listener that delivered the answer has returned.
            let end_watch = {
                let popup_watch = popup_watch.clone();
                move || {
                    let popup_watch = popup_watch.clone();
                    spawn_local(async move { drop(popup_watch.borrow_mut().take()) });
                }
            };
            let finish = {
                let (state, config, end_watch) = (state.clone(), config.clone(), end_watch.clone());
                move |query: &str, fragment: &str, path: &str| {
                    end_watch();
                    match callback::parse(query, fragment) {
                        Ok(Some(response)) => {
                            match auth::finish_sign_in(&config, response.at(path)) {
                                Ok(done) => state.dispatch(Action::SignedIn(done.session)),
                                Err(e) => state.dispatch(Action::CallbackFailed(e)),
                            }
                        }
                        Ok(None) => {
                            state.dispatch(Action::CallbackFailed(CallbackError::MissingState))
                        }
                        Err(e) => {
                            auth::discard_pending(&config);
                            state.dispatch(Action::CallbackFailed(e))
                        }
                    }
                }
            };
            let finish = Rc::new(finish);
            let on_result: Rc<dyn Fn(PopupResult)> = {
                let (finish, state, config) = (finish.clone(), state.clone(), config.clone());
                Rc::new(move |result| match result {
                    PopupResult::Callback {
                        query,
                        fragment,
                        path,
                    } => finish(&query, &fragment, &path),
                    PopupResult::Closed => {
                        end_watch();
                        auth::discard_pending(&config);
                        state.dispatch(Action::CallbackFailed(CallbackError::PopupClosed))
                    }
                })
            };
            let on_broadcast: Rc<dyn Fn(PopupResult) -> bool> = {
                let config = config.clone();
                Rc::new(move |result| match result {
                    PopupResult::Callback {
                        query,
                        fragment,
                        path,
                    } => {
                        // Only a response carrying our own pending state is ours.
                        let ours = matches!(callback::parse(&query, &fragment), Ok(Some(r)) if auth::is_ours(&config, &r));
                        if ours {
                            finish(&query, &fragment, &path);
                        }
                        ours
                    }
                    PopupResult::Closed => false,
                })
            };
            *popup_watch.borrow_mut() = Some(PopupWatch::start(window, on_result, on_broadcast));
        })
    };
    let sign_out = {
        let (state, config, popup_watch) = (state.clone(), (*config).clone(), popup_watch.clone());
        Callback::from(move |()| {
            drop(popup_watch.borrow_mut().take());
            if let Some(config) = config.as_ref() {
                auth::sign_out(config);
            }
            state.dispatch(Action::SignOut);
        })
    };
    let cancel_sign_in = {
        let (state, config, popup_watch) = (state.clone(), (*config).clone(), popup_watch.clone());
        Callback::from(move |()| {
            drop(popup_watch.borrow_mut().take());
            if let Some(config) = config.as_ref() {
                auth::discard_pending(config);
            }
            state.dispatch(Action::SignInCancelled);
        })
    };
    let sign_in_redirect = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |()| {
            let Some(config) = config.as_ref() else {
                return;
            };
            match auth::prepare_sign_in(config, &current_route(), Via::Redirect) {
                Ok(url) => {
                    state.dispatch(Action::SignInStarted);
                    let _ = location::navigate(url.as_str());
                }
                Err(e) => state.dispatch(Action::ConfigUnreachable(e.to_string())),
            }
        })
    };
    let personal_token = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |(token, account): (String, Option<u64>)| {
            if let Some(config) = config.as_ref() {
                state.dispatch(Action::SignedIn(auth::personal_session(
                    config, &token, account,
                )));
            }
        })
    };
    let unauthorized = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |()| {
            // The token is dead: forget any kept copy too.
            if let Some(config) = config.as_ref() {
                auth::sign_out(config);
            }
            state.dispatch(Action::Unauthorized { now_ms: now_ms() })
        })
    };
    {
        // Host commands run the same callbacks, synchronously.
        let (commands, sign_in, sign_out) =
            (props.commands.clone(), sign_in.clone(), sign_out.clone());
        *commands.0.borrow_mut() = Some(Callback::from(move |command| match command {
            Command::SignIn => sign_in.emit(()),
            Command::SignOut => sign_out.emit(()),
        }));
        *props.commands.1.borrow_mut() = state.0.session().cloned();
        let commands = props.commands.clone();
        use_effect_with((), move |_| {
            move || {
                drop(commands.0.borrow_mut().take());
                drop(commands.1.borrow_mut().take());
            }
        });
    }

    let context = Auth {
        screen: state.0.clone(),
        config: (*config).clone(),
        mode: props.mode,
        sign_in,
        sign_in_redirect,
        cancel_sign_in,
        sign_out,
        personal_token,
        unauthorized,
    };
    html! { <ContextProvider<Auth> {context}>{ props.children.clone() }</ContextProvider<Auth>> }
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

/// Moves the session to "expired" when its instant passes. Timers stall while a laptop sleeps,
/// so it wakes at least every 30 s and compares the wall clock, and checks again whenever the
/// tab becomes visible. Dropping it clears its timer and listener.
struct ExpiryWatch {
    timer: Rc<RefCell<Option<Timeout>>>,
    on_visible: Closure<dyn Fn()>,
}

impl ExpiryWatch {
    fn start(expires_at_ms: u64, on_expired: Callback<()>) -> Self {
        let timer = Rc::new(RefCell::new(None));
        let fired = Rc::new(Cell::new(false));
        let check = Rc::new({
            let (fired, on_expired) = (fired.clone(), on_expired.clone());
            move || {
                if !fired.get() && now_ms() >= expires_at_ms {
                    fired.set(true);
                    on_expired.emit(());
                }
            }
        });
        schedule(expires_at_ms, check.clone(), timer.clone());
        let on_visible = Closure::<dyn Fn()>::new(move || check());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
        }
        ExpiryWatch { timer, on_visible }
    }
}

/// Checks at the expiry instant, or in 30 s if that is later, then again.
fn schedule(expires_at_ms: u64, check: Rc<dyn Fn()>, slot: Rc<RefCell<Option<Timeout>>>) {
    let left = expires_at_ms.saturating_sub(now_ms()).clamp(50, 30_000) as u32;
    let next = slot.clone();
    let timeout = Timeout::new(left, move || {
        check();
        if now_ms() < expires_at_ms {
            schedule(expires_at_ms, check, next);
        }
    });
    *slot.borrow_mut() = Some(timeout);
}

impl Drop for ExpiryWatch {
    fn drop(&mut self) {
        drop(self.timer.borrow_mut().take());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visible.as_ref().unchecked_ref(),
            );
        }
    }
}
