//! The signed-in screen for every provider but Harvest: one "who am I" call with the preset's
//! transport, its answer as a list of fields, and the scopes the grant really has.

use crate::harvest::api::Accounts;
use crate::harvest::model::{candidates, Load};
use crate::profile::summary::{not_granted, scopes_from_header, Profile};
use crate::views::Expires;
use implicit_oauth::api::ApiError;
use implicit_oauth::browser::api_client::ApiClient;
use implicit_oauth::oauth::{Config, Scope, Session};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProfileProps {
    pub config: Rc<Config>,
    pub session: Rc<Session>,
    /// The API answered 401: the token is dead and the session must end.
    pub on_unauthorized: Callback<()>,
    pub on_sign_out: Callback<MouseEvent>,
}

/// What the profile call brought back.
#[derive(Clone, PartialEq)]
struct Loaded {
    profile: Profile,
    /// The scopes the provider's response header lists, when the preset reads one.
    header_scope: Option<Scope>,
}

#[component]
pub fn ProfileView(props: &ProfileProps) -> Html {
    let loaded = use_state(|| Load::<Loaded>::Loading);
    let reloads = use_state(|| 0u32);
    {
        let (config, session, loaded, unauth) = (
            props.config.clone(),
            props.session.clone(),
            loaded.clone(),
            props.on_unauthorized.clone(),
        );
        use_effect_with((session.clone(), *reloads), move |_| {
            loaded.set(Load::Loading);
            spawn_local(async move {
                let result = fetch(config, session).await;
                match result {
                    Err(ApiError::Unauthorized) => unauth.emit(()),
                    Err(e) => loaded.set(Load::Failed(e)),
                    Ok(l) => loaded.set(Load::Loaded(l)),
                }
            });
        });
    }
    let config = &props.config;
    let refresh = {
        let reloads = reloads.clone();
        Callback::from(move |_: MouseEvent| reloads.set(*reloads + 1))
    };
    let body = match &*loaded {
        Load::Loading => {
            html! { <p aria-busy="true" id="profile-loading">{ "Loading your profile…" }</p> }
        }
        Load::Failed(e) => html! { <p role="alert" id="api-error">{ e.to_string() }</p> },
        Load::Loaded(l) => {
            let granted = l.header_scope.as_ref().unwrap_or(&props.session.scope);
            let missing = not_granted(config.scopes(), granted);
            html! {
                <>
                    <p class="who">{ "Signed in as " }<strong id="user-name">{ l.profile.display_name().unwrap_or("(no name given)").to_owned() }</strong></p>
                    <section class="card" aria-labelledby="profile-h">
                        <h2 id="profile-h">{ format!("Your {} profile", config.title()) }</h2>
                        <dl id="profile-fields">
                            { for l.profile.fields.iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd data-field={k.clone()}>{ v }</dd></> }) }
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="scopes-h">
                        <h2 id="scopes-h">{ "Access granted" }</h2>
                        if granted.is_empty() {
                            <p id="granted-scopes" data-scopes="">{ "The provider did not list any scopes." }</p>
                        } else {
                            <p id="granted-scopes" data-scopes={granted.to_string()}>{ format!("Scopes: {}", granted.tokens().join(", ")) }</p>
                        }
                        if l.header_scope.is_some() {
                            <p class="hint">{ "As reported by the provider with this response." }</p>
                        }
                        if !missing.is_empty() {
                            <p id="narrowed" role="status">{ format!("Not granted, though this app asked: {}. Features that need them will not work.", missing.join(", ")) }</p>
                        }
                    </section>
                </>
            }
        }
    };
    html! {
        <section data-screen="signed-in" class="dashboard" data-view="profile">
            <header class="dash-header">
                <h1>{ format!("You are signed in with {}", config.title()) }</h1>
                <Expires session={props.session.clone()} />
                <div class="actions">
                    <button id="refresh" onclick={refresh}>{ "Reload" }</button>
                    <button id="sign-out" onclick={props.on_sign_out.clone()}>{ "Sign out" }</button>
                </div>
            </header>
            { body }
        </section>
    }
}

/// The account to act on (Forecast: the first Forecast account granted), then the profile.
async fn fetch(config: Rc<Config>, session: Rc<Session>) -> Result<Loaded, ApiError> {
    let mut client = ApiClient::new(config.clone(), session.clone());
    if let Some(product) = config.account_product() {
        let listed = client.accounts::<Accounts>().await?.map(|a| a.accounts);
        let account = candidates(&session.scope, listed, product)
            .first()
            .map(|a| a.id)
            .ok_or(ApiError::NoAccount)?;
        client = client.for_account(account);
    }
    let header = config.granted_scopes_header();
    let (body, header) = client.get_text(config.profile_path(), header).await?;
    let json = serde_json::from_str(&body).map_err(|_| ApiError::Malformed)?;
    let profile = Profile::from_json(&json);
    Ok(Loaded {
        profile,
        header_scope: header.as_deref().map(scopes_from_header),
    })
}
