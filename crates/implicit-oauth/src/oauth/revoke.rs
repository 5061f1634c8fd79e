//! Token revocation (RFC 7009): what sign-out posts to the provider's revocation endpoint.

use super::config::Config;
use super::secret::{AccessToken, RefreshToken};

/// The revocation requests' endpoint and form bodies for an access token and a refresh token
/// (the refresh token first: revoking it ends the grant), when the configuration names an
/// endpoint and the tokens came from this app's sign-in (a pasted personal token is the
/// person's own, not this client's to revoke). A public client identifies itself with its
/// `client_id` (there is no secret to send); servers such as Authlib's refuse the request
/// otherwise. `None` when there is nothing to post.
pub fn revocation_requests(
    config: &Config,
    access_token: Option<&AccessToken>,
    refresh_token: Option<&RefreshToken>,
) -> Option<(String, Vec<String>)> {
    let url = config.revocation_url.as_ref()?;
    let client_id = &config.redirect.as_ref()?.client_id;
    let refresh = refresh_token.map(|t| form(client_id, t.secret(), "refresh_token"));
    let access = access_token.map(|t| form(client_id, t.secret(), "access_token"));
    let forms: Vec<String> = refresh.into_iter().chain(access).collect();
    (!forms.is_empty()).then(|| (url.as_str().to_owned(), forms))
}

fn form(client_id: &str, token: &str, hint: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("token_type_hint", hint)
        .append_pair("client_id", client_id)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample_json;
    use crate::oauth::{AccessToken, Scope, Session};

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
        let token = session("a b&c=d").access_token;
        let (url, bodies) = revocation_requests(&config, Some(&token), None).unwrap();
        assert_eq!(url, "https://id.getharvest.com/oauth2/revoke");
        let [body] = &bodies[..] else {
            panic!("{bodies:?}")
        };
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
    fn a_refresh_token_is_revoked_first_then_the_access_token() {
        let mut json = sample_json();
        json["revocation_url"] = "https://id.getharvest.com/oauth2/revoke".into();
        let config = Config::from_json(&json.to_string()).unwrap();
        let refresh = RefreshToken::new("r");
        let access = session("a").access_token;
        let (_, bodies) = revocation_requests(&config, Some(&access), Some(&refresh)).unwrap();
        let hints: Vec<String> = bodies
            .iter()
            .map(|b| {
                let pairs: Vec<(String, String)> =
                    form_urlencoded::parse(b.as_bytes()).into_owned().collect();
                format!("{}:{}", pairs[0].1, pairs[1].1)
            })
            .collect();
        assert_eq!(hints, ["r:refresh_token", "a:access_token"]);
        // A refresh token alone (its access token already dead), or nothing at all.
        let (_, bodies) = revocation_requests(&config, None, Some(&refresh)).unwrap();
        assert_eq!(bodies.len(), 1);
        assert_eq!(revocation_requests(&config, None, None), None);
    }

    #[test]
    fn nothing_is_posted_without_an_endpoint() {
        let config = Config::from_json(&sample_json().to_string()).unwrap();
        let token = session("t").access_token;
        assert_eq!(revocation_requests(&config, Some(&token), None), None);
    }
}
