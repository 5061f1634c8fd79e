//! The whole component: the auth provider around the sign-in screens and the dashboard. The
//! standalone app mounts it on `<body>`; hosts mount it into an element.

use crate::harvest::dashboard::{Dashboard, Freshness};
use crate::profile::ProfileView;
use crate::views::{announce_screen, screen_title, Page, Provider};
use implicit_oauth::oauth::{Session, View};
use implicit_oauth::state::Screen;
use implicit_oauth::ui::{
    use_auth, AuthEvent, AuthProvider, Commands, ConfigSource, PendingCallback, SignInMode,
};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    #[prop_or(ConfigSource::Url("config.json".into()))]
    pub config: ConfigSource,
    #[prop_or_default]
    pub callback: PendingCallback,
    #[prop_or_default]
    pub mode: SignInMode,
    #[prop_or_default]
    pub on_event: Callback<AuthEvent>,
    #[prop_or_default]
    pub commands: Commands,
    /// The app owns the page (`start()`): each screen change names the tab and moves focus to
    /// the new screen's heading. An embedded app leaves the host page's title and focus alone.
    #[prop_or_default]
    pub owns_page: bool,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    html! {
        <AuthProvider config={props.config.clone()} callback={props.callback.clone()} mode={props.mode}
            on_event={props.on_event.clone()} commands={props.commands.clone()}>
            <main class="app"><Body owns_page={props.owns_page} /></main>
        </AuthProvider>
    }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    owns_page: bool,
}

#[component]
fn Body(props: &BodyProps) -> Html {
    let auth = use_auth();
    let view = auth.config.as_ref().map(|c| c.view());
    let name = screen_title(&auth.screen, view);
    let title = auth.config.as_ref().map(|c| c.title().to_owned());
    use_effect_with(
        (name, title, props.owns_page),
        |(name, title, owns_page)| {
            if *owns_page {
                announce_screen(name, title.as_deref());
            }
        },
    );
    // The Harvest dashboard's last session: after it expires, the dashboard stays (its data
    // marked stale) until the person signs in again or out.
    let last = use_mut_ref(|| None::<std::rc::Rc<Session>>);
    let harvest = auth
        .config
        .as_ref()
        .is_some_and(|c| c.view() == View::Harvest);
    let freshness = match &auth.screen {
        Screen::SignedIn { .. } => Some(Freshness::Live),
        Screen::Renewing { session: Some(_) } => Some(Freshness::Renewing),
        Screen::Renewing { session: None } => Some(Freshness::Stale { renewing: true }),
        Screen::Expired => Some(Freshness::Stale { renewing: false }),
        _ => None,
    };
    match auth.screen.session() {
        Some(session) if harvest => *last.borrow_mut() = Some(session.clone()),
        Some(_) => {}
        None if freshness.is_none() => *last.borrow_mut() = None,
        None => {}
    }
    let dashboard_session = harvest.then(|| last.borrow().clone()).flatten();
    // Bumped when a renewal brings another person: their dashboard starts afresh.
    let person = use_state(|| 0u32);
    if let (Some(freshness), Some(session), Some(config)) =
        (freshness, dashboard_session, auth.config.clone())
    {
        let on_new_person = {
            let person = person.clone();
            Callback::from(move |()| person.set(*person + 1))
        };
        return html! {
            <Dashboard key={*person} {config} {session} owns_page={props.owns_page} {freshness}
                on_unauthorized={auth.unauthorized.clone()} on_renew={auth.renew.clone()}
                renews_itself={auth.renews_itself()} on_cancel_renew={auth.cancel_sign_in.clone()} on_sign_in_redirect={auth.sign_in_redirect.clone()}
                {on_new_person} on_sign_out={auth.sign_out.reform(|_: MouseEvent| ())} />
        };
    }
    if let (Some(session), Some(config)) = (auth.screen.session().cloned(), auth.config.clone()) {
        return html! {
            <ProfileView {config} {session} on_unauthorized={auth.unauthorized.clone()}
                on_sign_out={auth.sign_out.reform(|_: MouseEvent| ())} />
        };
    }
    html! {
        <Page screen={auth.screen.clone()} on_sign_in={auth.sign_in.reform(|_: MouseEvent| ())}
            on_sign_in_redirect={auth.sign_in_redirect.reform(|_: MouseEvent| ())}
            on_cancel_sign_in={auth.cancel_sign_in.reform(|_: MouseEvent| ())}
            provider={auth.config.as_ref().map(|c| Provider {
                title: c.title().to_owned(),
                can_redirect: c.redirect().is_some(),
                paste: c.personal_access_token(),
                paste_account: c.account_product().is_some(),
            })}
            on_personal_token={auth.personal_token.clone()} />
    }
}
