//! Token revocation (RFC 7009): what sign-out posts to the provider's revocation endpoint.

use super::config::Config;
use super::secret::AccessToken;
use super::session::Session;

/// The revocation request's endpoint and form body for `session`, when the configuration
/// names an endpoint and the token came from this app's sign-in (a pasted personal token is
/// the person's own, not this client's to revoke). A public client identifies itself with its
/// `client_id` (there is no secret to send); servers such as Authlib's refuse the request
/// otherwise.
pub fn revocation_request(config: &Config, session: &Session) -> Option<(String, String)> {
    let url = config.revocation_url.as_ref()?;
    let client_id = &config.redirect.as_ref()?.client_id;
    Some((
        url.as_str().to_owned(),
        form(client_id, &session.access_token),
    ))
}

fn form(client_id: &str, token: &AccessToken) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token.secret())
        .append_pair("token_type_hint", "access_token")
        .append_pair("client_id", client_id)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample_json;
    use crate::oauth::Scope;

    fn session(token: &str) -> Session {
        Session {
            provider: "harvest".into(),
            access_token: AccessToken::new(token),
            expires_at_ms: None,
            scope: Scope::default(),
        }
    }

    #[test]
    fn the_form_carries_the_token_its_type_and_the_client_form_encoded() {
        let mut json = sample_json();
        json["revocation_url"] = "https://id.getharvest.com/oauth2/revoke".into();
        let config = Config::from_json(&json.to_string()).unwrap();
        let (url, body) = revocation_request(&config, &session("a b&c=d")).unwrap();
        assert_eq!(url, "https://id.getharvest.com/oauth2/revoke");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            [
                ("token".to_owned(), "a b&c=d".to_owned()),
                ("token_type_hint".into(), "access_token".into()),
                (
                    "client_id".into(),
                    config.redirect().unwrap().client_id.clone()
                ),
            ]
        );
    }

    #[test]
    fn nothing_is_posted_without_an_endpoint() {
        let config = Config::from_json(&sample_json().to_string()).unwrap();
        assert_eq!(revocation_request(&config, &session("t")), None);
    }
}
