use super::dashboard::Dashboard;
use super::views::Page;
use crate::browser::{auth, http, location, now_ms};
use crate::oauth::callback::Response;
use crate::oauth::{CallbackError, Config};
use crate::state::{Action, Screen};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
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

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    #[prop_or_default]
    pub callback: PendingCallback,
}

#[derive(PartialEq)]
struct UiState(Screen);

impl Reducible for UiState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(UiState(self.0.next(action)))
    }
}

async fn load_config() -> Result<Config, Action> {
    let response = http::get("config.json", &[]).await.map_err(|_| {
        Action::ConfigUnreachable(
            "config.json could not be loaded: the server did not answer.".into(),
        )
    })?;
    if response.status != 200 {
        return Err(Action::ConfigUnreachable(format!(
            "config.json was not found next to index.html (HTTP {}). Copy static/config.json there and fill it in.",
            response.status
        )));
    }
    Config::from_json(&response.body).map_err(Action::ConfigFailed)
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(|| UiState(Screen::Loading));
    let config = use_state(|| None::<Rc<Config>>);

    {
        // Start-up: config, then the callback (already wiped from the URL) or a kept session.
        let (state, config, callback) = (state.clone(), config.clone(), props.callback.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let cfg = match load_config().await {
                    Ok(cfg) => Rc::new(cfg),
                    Err(action) => return state.dispatch(action),
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

    let sign_in = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |_: MouseEvent| {
            let Some(config) = config.as_ref() else {
                return;
            };
            match auth::prepare_sign_in(config, "/") {
                Ok(url) => {
                    state.dispatch(Action::SignInStarted);
                    let _ = location::navigate(url.as_str());
                }
                Err(e) => state.dispatch(Action::ConfigUnreachable(e.to_string())),
            }
        })
    };
    let sign_out = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(config) = config.as_ref() {
                auth::sign_out(config);
            }
            state.dispatch(Action::SignOut);
        })
    };
    let use_personal_token = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |(token, account): (String, u64)| {
            if let Some(config) = config.as_ref() {
                state.dispatch(Action::SignedIn(auth::personal_session(
                    config, &token, account,
                )));
            }
        })
    };
    let on_unauthorized = {
        let (state, config) = (state.clone(), (*config).clone());
        Callback::from(move |()| {
            // The token is dead: forget any kept copy too.
            if let Some(config) = config.as_ref() {
                auth::sign_out(config);
            }
            state.dispatch(Action::Unauthorized { now_ms: now_ms() })
        })
    };

    let body = match (&state.0, config.as_ref()) {
        (Screen::SignedIn { session }, Some(config)) => html! {
            <Dashboard config={config.clone()} session={session.clone()} {on_unauthorized} on_sign_out={sign_out} />
        },
        (screen, config) => html! {
            <Page screen={screen.clone()} on_sign_in={sign_in}
                personal_token={config.is_some_and(|c| c.personal_access_token)} on_personal_token={use_personal_token} />
        },
    };
    html! { <main class="app">{ body }</main> }
}

/// Moves the session to "expired" when its instant passes. Timers stall while a laptop sleeps,
/// so it wakes at least every 30 s and compares the wall clock, and checks again whenever the
/// tab becomes visible.
struct ExpiryWatch {
    alive: Rc<std::cell::Cell<bool>>,
    on_visible: Closure<dyn Fn()>,
}

impl ExpiryWatch {
    fn start(expires_at_ms: u64, on_expired: Callback<()>) -> Self {
        let alive = Rc::new(std::cell::Cell::new(true));
        let check = {
            let (alive, on_expired) = (alive.clone(), on_expired.clone());
            move || {
                if alive.get() && now_ms() >= expires_at_ms {
                    alive.set(false);
                    on_expired.emit(());
                }
            }
        };
        let check = Rc::new(check);
        {
            let (alive, check) = (alive.clone(), check.clone());
            spawn_local(async move {
                while alive.get() {
                    let left = expires_at_ms.saturating_sub(now_ms()).clamp(50, 30_000);
                    sleep(Duration::from_millis(left)).await;
                    check();
                }
            });
        }
        let on_visible = Closure::<dyn Fn()>::new(move || check());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
        }
        ExpiryWatch { alive, on_visible }
    }
}

impl Drop for ExpiryWatch {
    fn drop(&mut self) {
        self.alive.set(false);
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visible.as_ref().unchecked_ref(),
            );
        }
    }
}
