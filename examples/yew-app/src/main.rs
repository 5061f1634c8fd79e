//! Using implicit-oauth from a Rust/Yew app: the provider, the gates, the hook and an API call.
//! Built for wasm32 by `make test`, with only the features a user picks, so it stays true to
//! the API. Serve it with `trunk serve` beside a `config.json` (see the crate's README).

#[cfg(target_arch = "wasm32")]
mod app {
    use implicit_oauth::prelude::*;
    use serde::Deserialize;
    use yew::platform::spawn_local;
    use yew::prelude::*;

    /// The fields of Harvest's `GET /v2/users/me` this app shows.
    #[derive(Deserialize)]
    struct User {
        first_name: String,
        last_name: String,
    }

    #[component]
    fn SignIn() -> Html {
        let auth = use_auth();
        html! { <button onclick={auth.sign_in.reform(|_| ())}>{ "Sign in with Harvest" }</button> }
    }

    #[component]
    fn Greeting() -> Html {
        let auth = use_auth();
        let name = use_state(String::new);
        {
            let (name, client, unauthorized) =
                (name.clone(), auth.client(), auth.unauthorized.clone());
            let account = auth
                .session()
                .and_then(|s| s.scope.accounts().harvest.first().copied());
            use_effect_with(account, move |account| {
                if let (Some(client), Some(account)) = (client, *account) {
                    spawn_local(async move {
                        match client.for_account(account).get::<User>("users/me").await {
                            Ok(user) => name.set(format!("{} {}", user.first_name, user.last_name)),
                            Err(ApiError::Unauthorized) => unauthorized.emit(()),
                            Err(e) => name.set(e.to_string()),
                        }
                    });
                }
            });
        }
        html! { <p>{ "Hello, " }{ (*name).clone() }<button onclick={auth.sign_out.reform(|_| ())}>{ "Sign out" }</button></p> }
    }

    #[component]
    pub fn Root() -> Html {
        html! {
            <AuthProvider config={ConfigSource::Url("config.json".into())} mode={SignInMode::Popup { fallback_to_redirect: true }}>
                <NotAuthenticated><SignIn /></NotAuthenticated>
                <Authenticated><Greeting /></Authenticated>
            </AuthProvider>
        }
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<app::Root>::new().render();
}
