//! The screens. Plain function components; every text from the provider is rendered as text.

use implicit_oauth::oauth::{CallbackError, View};
use implicit_oauth::state::{Notice, Screen};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub screen: Screen,
    pub on_sign_in: Callback<MouseEvent>,
    /// Sign in on this page (redirect): offered when a sign-in window was closed or blocked.
    #[prop_or_default]
    pub on_sign_in_redirect: Callback<MouseEvent>,
    pub on_cancel_sign_in: Callback<MouseEvent>,
    /// What the configuration says about signing in (`None` before it has loaded).
    #[prop_or_default]
    pub provider: Option<Provider>,
    #[prop_or_default]
    pub on_personal_token: Callback<(String, Option<u64>)>,
}

/// The signed-out screen's view of the configured provider.
#[derive(Clone, Debug, PartialEq)]
pub struct Provider {
    pub title: String,
    /// The implicit grant is available (otherwise only a pasted token is).
    pub can_redirect: bool,
    /// Offer pasting a token.
    pub paste: bool,
    /// A pasted token needs an account id beside it (Harvest's personal access tokens).
    pub paste_account: bool,
}

/// Every screen but the signed-in one.
#[component]
pub fn Page(props: &PageProps) -> Html {
    let sign_in = |label: &str| {
        html! {
            <button id="sign-in" class="primary" onclick={props.on_sign_in.clone()}>{ label.to_owned() }</button>
        }
    };
    match &props.screen {
        Screen::Loading => html! {
            <section data-screen="loading" aria-busy="true"><p>{ "Loading…" }</p></section>
        },
        Screen::BadConfig(problem) => html! {
            <section data-screen="config-error">
                <h1>{ "This app is not configured correctly" }</h1>
                <p role="alert" id="config-problem">{ problem }</p>
                <p>{ "Edit config.json next to index.html (the README lists every field), then reload." }</p>
            </section>
        },
        Screen::SignedOut { notice } => {
            let provider = props.provider.clone().unwrap_or(Provider {
                title: "your provider".into(),
                can_redirect: true,
                paste: false,
                paste_account: false,
            });
            let title = provider.title.clone();
            html! {
                <section data-screen="signed-out">
                    <h1>{ format!("Sign in with {title}") }</h1>
                    { notice.as_ref().map(notice_view).unwrap_or_default() }
                    if provider.can_redirect {
                        <p>{ format!("This app signs you in with {title} (OAuth 2.0) and reads your profile straight from its API. Your access token stays in this tab and is never sent anywhere else.") }</p>
                        { sign_in("Sign in") }
                    } else {
                        <p id="no-sign-in">{ format!("{title} has no sign-in that a web page can use safely: its only way to grant access needs a client secret, and anything sent to your browser can be read by anyone. Create an access token in your {title} account and paste it here instead. It stays in this tab and is sent only to {title}'s API.") }</p>
                    }
                    if provider.paste {
                        <PersonalToken on_use={props.on_personal_token.clone()} needs_account={provider.paste_account}
                            open={!provider.can_redirect} />
                    }
                </section>
            }
        }
        Screen::Redirecting => html! {
            <section data-screen="redirecting" aria-busy="true">
                <h1>{ "Signing in…" }</h1>
                <p role="status">{ "Taking you to your provider to approve access." }</p>
            </section>
        },
        // A renewal whose session has no screen of its own here (the dashboards keep theirs).
        Screen::Renewing { .. } => html! {
            <section data-screen="renewing" aria-busy="true">
                <h1>{ "Signing in again…" }</h1>
                <p role="status">{ "Approve access in the sign-in window. This page stays as it is." }</p>
            </section>
        },
        Screen::WaitingForPopup => html! {
            <section data-screen="waiting-for-popup" aria-busy="true">
                <h1>{ "Signing in…" }</h1>
                <p role="status">{ "Approve access in the sign-in window. This page stays as it is." }</p>
                <div class="actions">
                    <button id="cancel-sign-in" onclick={props.on_cancel_sign_in.clone()}>{ "Cancel" }</button>
                </div>
            </section>
        },
        // Saying no at the provider is the person's own choice: told plainly, not as a failure.
        Screen::SignInFailed(CallbackError::Provider(e)) if e.error == "access_denied" => html! {
            <section data-screen="error" data-declined="true">
                <h1>{ "You did not allow access" }</h1>
                <div role="status">
                    <p>{ "Nothing was shared with this app. You can sign in whenever you like." }</p>
                    if let Some(description) = &e.description {
                        <p>{ "The provider said: " }<span id="error-description">{ description }</span></p>
                    }
                    <p><small>{ "Code: " }<code id="error-code">{ &e.error }</code></small></p>
                </div>
                <div class="actions">{ sign_in("Sign in") }</div>
            </section>
        },
        Screen::SignInFailed(error) => html! {
            <section data-screen="error">
                <h1>{ "Sign-in did not complete" }</h1>
                <div role="alert">{ callback_error_view(error) }</div>
                <div class="actions">
                    { sign_in("Try again") }
                    if matches!(error, CallbackError::PopupClosed | CallbackError::PopupBlocked) {
                        <button id="sign-in-redirect" onclick={props.on_sign_in_redirect.clone()}>{ "Sign in on this page instead" }</button>
                    }
                </div>
            </section>
        },
        Screen::Expired => html! {
            <section data-screen="expired">
                <h1>{ "Your sign-in has expired" }</h1>
                <p role="status">{ "For your safety, access tokens stop working after a while. Sign in again to continue." }</p>
                { sign_in("Sign in again") }
            </section>
        },
        Screen::SignedIn { .. } => Html::default(),
    }
}

fn notice_view(notice: &Notice) -> Html {
    let text = match notice {
        Notice::SignedOut => "You are signed out. The access token was discarded.",
        Notice::SessionEnded => "Your session ended: the provider no longer accepts the access token. Please sign in again.",
        Notice::Revoked => "You are signed out, and the provider revoked the access token.",
        Notice::RevocationFailed => "You are signed out here, but the provider could not be told to revoke the access token: it stays valid until it expires.",
        Notice::SignedOutElsewhere => "You signed out in another tab, so this one is signed out too. The access token was discarded.",
    };
    html! { <p role="status" id="notice" class="notice">{ text }</p> }
}

fn callback_error_view(error: &CallbackError) -> Html {
    match error {
        CallbackError::Provider(e) => html! {
            <>
                // The code is in the list below: the sentence does not repeat it.
                <p>{ "The provider did not complete the sign-in." }</p>
                <dl>
                    <dt>{ "Error" }</dt><dd><code id="error-code">{ &e.error }</code></dd>
                    if let Some(description) = &e.description {
                        <dt>{ "Details" }</dt><dd id="error-description">{ description }</dd>
                    }
                </dl>
                if let Some(uri) = &e.uri {
                    <p><a id="error-uri" href={uri.to_string()} rel="noopener noreferrer" target="_blank">{ "More about this error" }</a></p>
                }
            </>
        },
        other => html! {
            <>
                <p>{ other.to_string() }</p>
                <p class="hint">{ "Nothing was saved. Start a new sign-in from this page." }</p>
                <p><small>{ "Code: " }<code id="error-code">{ other.code() }</code></small></p>
            </>
        },
    }
}

#[derive(Properties, PartialEq)]
struct PersonalTokenProps {
    on_use: Callback<(String, Option<u64>)>,
    /// Ask for the account id too (Harvest's personal access tokens).
    needs_account: bool,
    /// Shown expanded: the only way in.
    open: bool,
}

/// A pasted token: Harvest's personal access token with its account id, or the only way in
/// for providers without a browser grant.
#[component]
fn PersonalToken(props: &PersonalTokenProps) -> Html {
    let token = use_node_ref();
    let account = use_node_ref();
    // The problem, and the field it is about (so the field can point at it).
    let problem = use_state(|| None::<(&'static str, &'static str)>);
    let submit = {
        let (token, account, problem, on_use, needs_account) = (
            token.clone(),
            account.clone(),
            problem.clone(),
            props.on_use.clone(),
            props.needs_account,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (t, a) = (value(&token), value(&account));
            let id = if needs_account {
                a.trim().parse::<u64>().map(Some)
            } else {
                Ok(None)
            };
            match (t.trim().is_empty(), id) {
                (true, _) => problem.set(Some(("pat-token", "Paste the token first."))),
                (false, Err(_)) => problem.set(Some(("pat-account", "The account id is a number, shown next to the token on the provider's developers page."))),
                (false, Ok(id)) => {
                    // The field is cleared so the token does not linger in the page.
                    if let Some(input) = token.cast::<HtmlInputElement>() {
                        input.set_value("");
                    }
                    on_use.emit((t, id))
                }
            }
        })
    };
    let about = problem.map(|(field, _)| field);
    let invalid = |field: &str| (about == Some(field)).then_some("true");
    let described = |field: &str| (about == Some(field)).then_some("pat-problem");
    html! {
        <details class="pat" open={props.open}>
            <summary>{ if props.open { "Paste an access token" } else { "Use a personal access token instead" } }</summary>
            <form onsubmit={submit}>
                if props.needs_account {
                    // Harvest and Forecast issue personal access tokens, with the account id
                    // beside each, at Harvest ID's developers page.
                    <p class="hint">{ "Create one at " }<a id="pat-where" href="https://id.getharvest.com/developers" target="_blank" rel="noopener noreferrer">{ "Harvest ID → Developers" }</a>{ "; the account id is listed beside the token." }</p>
                }
                <label>{ "Access token" }<input id="pat-token" type="password" autocomplete="off" ref={token}
                    aria-invalid={invalid("pat-token")} aria-describedby={described("pat-token")} /></label>
                if props.needs_account {
                    <label>{ "Account id" }<input id="pat-account" inputmode="numeric" autocomplete="off" ref={account}
                        aria-invalid={invalid("pat-account")} aria-describedby={described("pat-account")} /></label>
                }
                if let Some((_, p)) = *problem { <p role="alert" id="pat-problem">{ p }</p> }
                <button id="pat-use" type="submit">{ "Use token" }</button>
            </form>
        </details>
    }
}

/// The tab's name for a screen: what the person is looking at.
pub fn screen_title(screen: &Screen, view: Option<View>) -> &'static str {
    match screen {
        Screen::Loading => "Loading",
        Screen::BadConfig(_) => "Configuration problem",
        Screen::SignedOut { .. } => "Sign in",
        Screen::Redirecting | Screen::WaitingForPopup => "Signing in",
        Screen::SignedIn { .. } | Screen::Renewing { .. } if screen.session().is_some() => {
            if view == Some(View::Harvest) {
                "Dashboard"
            } else {
                "Your profile"
            }
        }
        Screen::SignedIn { .. } | Screen::Renewing { .. } => "Session expired",
        Screen::SignInFailed(CallbackError::Provider(e)) if e.error == "access_denied" => {
            "Access not allowed"
        }
        Screen::SignInFailed(_) => "Sign-in failed",
        Screen::Expired => "Session expired",
    }
}

/// After a screen change: names the tab after the screen, and moves focus to the screen's
/// heading, so a keyboard or screen-reader user starts there rather than at the page's top.
pub fn announce_screen(name: &str, provider: Option<&str>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(&match provider {
        Some(p) => format!("{name} · {p} · implicit-oauth"),
        None => format!("{name} · implicit-oauth"),
    });
    if let Ok(Some(heading)) = document.query_selector("main h1") {
        let _ = heading.set_attribute("tabindex", "-1");
        if let Ok(heading) = heading.dyn_into::<web_sys::HtmlElement>() {
            let _ = heading.focus();
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ExpiresProps {
    pub session: std::rc::Rc<implicit_oauth::oauth::Session>,
    /// Offered in the last `warn_ms`: sign in again without leaving the page.
    #[prop_or_default]
    pub on_renew: Option<Callback<()>>,
    /// How long before the end the person is warned: the configuration's `expiring_seconds`
    /// (0: never).
    #[prop_or(WARN_MS)]
    pub warn_ms: u64,
    /// A sign-in window is open for that.
    #[prop_or_default]
    pub renewing: bool,
    /// Stop waiting for that window.
    #[prop_or_default]
    pub on_cancel_renew: Callback<()>,
}

/// How long before the sign-in ends the person is warned (and offered to sign in again), unless
/// the configuration says otherwise.
pub const WARN_MS: u64 = 5 * 60 * 1000;

/// "Your sign-in expires in 44 seconds.", kept current: redrawn whenever its words change
/// (each second in the last two minutes), with one timer that is cleared when it goes. In the
/// last `warn_ms` (five minutes unless configured), with `on_renew`, a warning offers to sign in
/// again through a window.
#[component]
pub fn Expires(props: &ExpiresProps) -> Html {
    use implicit_oauth::oauth::session::{describe_remaining, describe_remaining_changes_in_ms};
    let redraws = use_state(|| 0u32);
    let remaining = props
        .session
        .remaining_ms(implicit_oauth::browser::now_ms());
    {
        let redraws = redraws.clone();
        // The next change of words, or the moment the warning is due, whichever comes first.
        let wait = remaining.map(|ms| {
            let words = describe_remaining_changes_in_ms(ms);
            match ms.checked_sub(props.warn_ms) {
                Some(until_warning) if until_warning > 0 => words.min(until_warning),
                _ => words,
            }
        });
        use_effect_with((*redraws, wait), move |(n, wait)| {
            let n = *n;
            let timer = wait.map(|ms| {
                // Browsers fire longer timeouts at once: at most ~24 days, then look again.
                gloo_timers::callback::Timeout::new(ms.min(i32::MAX as u64) as u32, move || {
                    redraws.set(n + 1)
                })
            });
            move || drop(timer)
        });
    }
    let text = match remaining {
        Some(ms) => format!("Your sign-in expires {}.", describe_remaining(ms)),
        None => "Your sign-in does not expire.".to_owned(),
    };
    let warn = props.warn_ms > 0 && remaining.is_some_and(|ms| ms <= props.warn_ms);
    html! {
        <>
            <p id="expires">{ text }</p>
            if let (true, Some(renew)) = (warn, &props.on_renew) {
                <div class="notice" id="expiry-warning" role="status">
                    <p>{ "Sign in again to keep working: what is loaded here stays." }</p>
                    { renew_button(renew, &props.on_cancel_renew, props.renewing) }
                </div>
            }
        </>
    }
}

/// "Sign in again" through a sign-in window, or, while that window is open, what to do in it
/// (and a way to stop waiting: behind some host pages a closed window cannot be seen).
pub fn renew_button(renew: &Callback<()>, cancel: &Callback<()>, renewing: bool) -> Html {
    if renewing {
        return html! {
            <div class="actions">
                <p id="renewing" aria-busy="true">{ "Approve access in the sign-in window that opened." }</p>
                <button id="cancel-renew" onclick={cancel.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
            </div>
        };
    }
    html! {
        <button id="renew" class="primary" onclick={renew.reform(|_: MouseEvent| ())}>{ "Sign in again" }</button>
    }
}
