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
//! (Not compiled here: the module exists only for wasm32. `examples/yew-app` in the repository
//! is the same, compiled by `make test`.)

use crate::browser::api_client::ApiClient;
use crate::browser::controller::AuthController;
pub use crate::browser::controller::{AuthEvent, ConfigSource, SignInMode};
use crate::oauth::callback::Response;
use crate::oauth::{CallbackError, Config, Session};
use crate::state::Screen;
use std::cell::RefCell;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The callback read from the URL before the first render, handed over exactly once.
#[derive(Clone, Default)]
pub struct PendingCallback(Rc<RefCell<Option<Result<Response, CallbackError>>>>);

impl PendingCallback {
    /// Holds a callback read from the URL (or none) for the provider's first render.
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

/// A way for code outside Yew (the JavaScript handle) to press the provider's buttons and to
/// read the current session: the mounted provider's controller, while it is mounted.
#[derive(Clone, Default)]
pub struct Commands(Rc<RefCell<Option<AuthController>>>);

#[derive(Clone, Debug)]
/// What a host outside Yew can ask of the mounted provider.
pub enum Command {
    /// Start a sign-in.
    SignIn,
    /// Sign out.
    SignOut,
    /// Sign in again through a sign-in window, keeping the page.
    Renew,
}

impl Commands {
    /// Runs `command` synchronously (a popup must open inside the host's click handler).
    /// Returns false when no provider is mounted.
    pub fn send(&self, command: Command) -> bool {
        let controller = self.0.borrow().clone();
        controller
            .map(|c| match command {
                Command::SignIn => c.sign_in(),
                Command::SignOut => c.sign_out(),
                Command::Renew => c.renew(),
            })
            .is_some()
    }

    /// The session now, if signed in.
    pub fn session(&self) -> Option<Rc<Session>> {
        self.0.borrow().as_ref()?.session()
    }

    /// Stops the mounted provider's controller now (its listeners, timers and sign-in window
    /// watch), ahead of Yew's own teardown; later commands do nothing.
    pub fn shut_down(&self) {
        if let Some(controller) = self.0.borrow_mut().take() {
            controller.shut_down();
        }
    }
}

impl PartialEq for Commands {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// `config`, `callback`, `mode` and `on_event` are read when the provider mounts; later
/// changes to them are not seen (remount it, e.g. with a `key`, to change them).
#[derive(Properties, PartialEq)]
pub struct AuthProviderProps {
    #[prop_or_default]
    /// What the provider wraps.
    pub children: Html,
    /// Where the configuration comes from.
    pub config: ConfigSource,
    #[prop_or_default]
    /// A callback read before the first render (the app's start reads the URL once).
    pub callback: PendingCallback,
    #[prop_or_default]
    /// How sign-in opens.
    pub mode: SignInMode,
    #[prop_or_default]
    /// Told of each sign-in event.
    pub on_event: Callback<AuthEvent>,
    #[prop_or_default]
    /// Lets code outside Yew press the buttons.
    pub commands: Commands,
}

/// The session and the actions on it, as the context gives them.
#[derive(Clone, PartialEq)]
pub struct Auth {
    /// What the sign-in shows now.
    pub screen: Screen,
    /// The configuration, once read and valid.
    pub config: Option<Rc<Config>>,
    /// How sign-in opens.
    pub mode: SignInMode,
    /// Starts a sign-in (call it from a click: popups need one).
    pub sign_in: Callback<()>,
    /// Sign in by redirect whatever the mode: offered when a sign-in window was closed or blocked.
    pub sign_in_redirect: Callback<()>,
    /// Signs out.
    pub sign_out: Callback<()>,
    /// Signs in again through a sign-in window without leaving the page (signed in, or just
    /// expired): what the page shows stays, and the new session replaces the old. Call it
    /// from a click.
    pub renew: Callback<()>,
    /// Gives up waiting for the sign-in window (which may be out of this page's sight, behind a
    /// host's Cross-Origin-Opener-Policy): its pending request is deleted.
    pub cancel_sign_in: Callback<()>,
    /// Starts a session from a pasted token (and, for providers whose scopes name accounts,
    /// the account id).
    pub personal_token: Callback<(String, Option<u64>)>,
    /// Report that the API answered 401: ends the session.
    pub unauthorized: Callback<()>,
    controller: AuthController,
}

impl Auth {
    /// The session, while signed in.
    pub fn session(&self) -> Option<Rc<Session>> {
        self.screen.session().cloned()
    }

    /// An API client for the current session.
    pub fn client(&self) -> Option<ApiClient> {
        self.controller.client()
    }

    /// Whether the session renews itself before it expires (the code grant's refresh token):
    /// no need to offer [`Auth::renew`].
    pub fn renews_itself(&self) -> bool {
        self.controller.renews_itself()
    }
}

/// The auth context. Panics outside an [`AuthProvider`], which is a programming error.
#[hook]
pub fn use_auth() -> Auth {
    use_context::<Auth>().expect("use_auth() is used inside <AuthProvider>")
}

#[derive(Properties, PartialEq)]
/// The gates' properties.
pub struct GateProps {
    #[prop_or_default]
    /// What the provider wraps.
    pub children: Html,
}

/// Shows its children only while signed in (a renewal under way included).
#[component]
pub fn Authenticated(props: &GateProps) -> Html {
    match use_auth().screen.session() {
        Some(_) => props.children.clone(),
        None => Html::default(),
    }
}

/// Shows its children only while not signed in.
#[component]
pub fn NotAuthenticated(props: &GateProps) -> Html {
    match use_auth().screen.session() {
        Some(_) => Html::default(),
        None => props.children.clone(),
    }
}

/// Owns the session for its children: an [`AuthController`] drives it, and the context gives
/// its screen and actions to [`use_auth`] and the gates.
#[component]
pub fn AuthProvider(props: &AuthProviderProps) -> Html {
    let screen = use_state(|| Screen::Loading);
    let controller = {
        let (screen, on_event, mode) = (screen.clone(), props.on_event.clone(), props.mode);
        use_memo((), move |_| {
            AuthController::new(
                mode,
                move |next: &Screen| screen.set(next.clone()),
                move |event| on_event.emit(event),
            )
        })
    };
    {
        // Start-up: config, then the callback (already wiped from the URL) or a kept session.
        // Unmounting (or `destroy()` from a host) stops every listener and timer.
        let (controller, callback, source) = (
            (*controller).clone(),
            props.callback.clone(),
            props.config.clone(),
        );
        use_effect_with((), move |_| {
            let starting = controller.clone();
            spawn_local(async move { starting.start(source, callback.take()).await });
            move || controller.shut_down()
        });
    }
    let action = |f: fn(&AuthController)| {
        let controller = (*controller).clone();
        Callback::from(move |()| f(&controller))
    };
    {
        // Host commands reach the controller while this provider is mounted.
        let commands = props.commands.clone();
        *commands.0.borrow_mut() = Some((*controller).clone());
        use_effect_with((), move |_| move || drop(commands.0.borrow_mut().take()));
    }
    let personal_token = {
        let controller = (*controller).clone();
        Callback::from(move |(token, account): (String, Option<u64>)| {
            controller.personal_token(&token, account)
        })
    };
    let context = Auth {
        screen: (*screen).clone(),
        config: controller.config(),
        mode: props.mode,
        sign_in: action(AuthController::sign_in),
        sign_in_redirect: action(AuthController::sign_in_redirect),
        sign_out: action(AuthController::sign_out),
        renew: action(AuthController::renew),
        cancel_sign_in: action(AuthController::cancel_sign_in),
        personal_token,
        unauthorized: action(AuthController::unauthorized),
        controller: (*controller).clone(),
    };
    html! { <ContextProvider<Auth> {context}>{ props.children.clone() }</ContextProvider<Auth>> }
}
