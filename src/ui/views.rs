//! The screens. Plain function components; every text from the provider is rendered as text.

use crate::browser::now_ms;
use crate::oauth::session::describe_remaining;
use crate::oauth::{CallbackError, Session};
use crate::state::{Notice, Profile, Screen};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub screen: Screen,
    pub on_sign_in: Callback<MouseEvent>,
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
        Screen::SignedOut { notice } => html! {
            <section data-screen="signed-out">
                <h1>{ "Sign in" }</h1>
                { notice.as_ref().map(notice_view).unwrap_or_default() }
                <p>{ "This app signs you in with your provider (OAuth 2.0) and reads your profile straight from its API. Your access token stays in this tab and is never sent anywhere else." }</p>
                { sign_in("Sign in") }
            </section>
        },
        Screen::Redirecting => html! {
            <section data-screen="redirecting" aria-busy="true">
                <h1>{ "Signing in…" }</h1>
                <p role="status">{ "Taking you to your provider to approve access." }</p>
            </section>
        },
        Screen::SignInFailed(error) => html! {
            <section data-screen="error">
                <h1>{ "Sign-in did not complete" }</h1>
                <div role="alert">{ callback_error_view(error) }</div>
                { sign_in("Try again") }
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
    };
    html! { <p role="status" id="notice" class="notice">{ text }</p> }
}

fn callback_error_view(error: &CallbackError) -> Html {
    match error {
        CallbackError::Provider(e) => html! {
            <>
                <p>{ error.to_string() }</p>
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
pub struct SignedInProps {
    pub session: Rc<Session>,
    pub profile: Profile,
    pub on_refresh: Callback<MouseEvent>,
    pub on_sign_out: Callback<MouseEvent>,
}

#[component]
pub fn SignedInView(props: &SignedInProps) -> Html {
    let expiry = match props.session.remaining_ms(now_ms()) {
        Some(ms) => format!("Your sign-in expires {}.", describe_remaining(ms)),
        None => "Your sign-in does not expire.".to_owned(),
    };
    let profile = match &props.profile {
        Profile::Loading => {
            html! { <p aria-busy="true" id="profile-loading">{ "Loading your profile…" }</p> }
        }
        Profile::Loaded(user) => html! {
            <p class="who">{ "Signed in as " }<strong id="user-name">{ user.full_name() }</strong>
                if let Some(email) = &user.email { <span class="email">{ format!(" ({email})") }</span> }
            </p>
        },
        Profile::Failed(error) => {
            html! { <p role="alert" id="api-error">{ error.to_string() }</p> }
        }
    };
    html! {
        <section data-screen="signed-in">
            <h1>{ "You are signed in" }</h1>
            { profile }
            <p id="expires">{ expiry }</p>
            <div class="actions">
                <button id="refresh" onclick={props.on_refresh.clone()}>{ "Reload profile" }</button>
                <button id="sign-out" onclick={props.on_sign_out.clone()}>{ "Sign out" }</button>
            </div>
        </section>
    }
}
