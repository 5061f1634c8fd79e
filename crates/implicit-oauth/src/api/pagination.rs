//! Following `links.next`: only to the API origin, with the credentials attached by us.
//!
//! A `links.next` is data from the server; if it pointed elsewhere, following it with the
//! token attached would hand the token to that host. So a foreign link is refused, and any
//! credentials already in the link are stripped before ours are attached once.

use super::{authorize, ApiError, ApiRequest};
use crate::oauth::{Config, Session, TokenTransport};
use crate::weburl::Url;
use serde::Deserialize;

/// The pagination fields of a Harvest list response. Cursor-paginated pages leave the
/// page-number fields `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Paging {
    #[serde(default)]
    /// Entries per page.
    pub per_page: Option<u32>,
    #[serde(default)]
    /// Pages in all, when page-numbered.
    pub total_pages: Option<u32>,
    #[serde(default)]
    /// Entries in all, when page-numbered.
    pub total_entries: Option<u64>,
    #[serde(default)]
    /// This page's number, when page-numbered.
    pub page: Option<u32>,
    #[serde(default)]
    /// Where the next page is.
    pub links: Links,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
/// The `links` object of a list response.
pub struct Links {
    #[serde(default)]
    /// The next page's URL; absent or empty on the last page.
    pub next: Option<String>,
}

/// A list response that carries its [`Paging`] fields, so
/// [`ApiClient::pages`](crate::browser::api_client::ApiClient::pages) can follow its next link.
pub trait Paged {
    /// The page's pagination fields.
    fn paging(&self) -> &Paging;
}

/// Parameters that carry credentials under Harvest's names, whatever this provider calls
/// them; never copied from a server-provided link.
const CREDENTIAL_PARAMS: [&str; 2] = ["access_token", "account_id"];

/// Whether a query parameter of a server-provided link carries credentials: Harvest's names,
/// or the ones this configuration sends its token and account under.
fn is_credential(config: &Config, name: &str) -> bool {
    CREDENTIAL_PARAMS.contains(&name)
        || match &config.transport {
            TokenTransport::Query {
                token_param,
                account_param,
            } => name == token_param || account_param.as_deref() == Some(name),
            TokenTransport::Header { .. } => false,
        }
}

/// The request for the next page, `None` on the last page.
pub fn next_request(
    config: &Config,
    session: &Session,
    current: &Url,
    paging: &Paging,
    account_id: Option<u64>,
) -> Result<Option<ApiRequest>, ApiError> {
    let Some(next) = paging.links.next.as_deref().filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let url = current.join(next).map_err(|_| ApiError::Malformed)?;
    authorize(
        config,
        session,
        without_credentials(config, url),
        account_id,
    )
    .map(Some)
}

/// `url` without the query parameters that carry credentials.
pub(crate) fn without_credentials(config: &Config, mut url: Url) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| !is_credential(config, k))
        .collect();
    url.set_query(None);
    for (k, v) in &kept {
        url.append_pair(k, v);
    }
    url
}

/// Where a paged load stopped: the page that failed, to ask for again. It holds no
/// credentials (they are attached again, to the API origin only, when it is sent), so it may
/// be kept in state and shown in debug output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume(pub(crate) Url);

impl Resume {
    /// The page at `failed` (the request that failed), its credentials removed.
    pub fn at(config: &Config, failed: &Url) -> Resume {
        Resume(without_credentials(config, failed.clone()))
    }
}

/// A paged load that stopped on an error.
#[derive(Clone, Debug, PartialEq)]
pub struct PagesError {
    /// What went wrong.
    pub error: ApiError,
    /// The page to try again from, keeping the pages that arrived; `None` when the load must
    /// start over (a next link was refused).
    pub resume: Option<Resume>,
}

impl From<ApiError> for PagesError {
    fn from(error: ApiError) -> PagesError {
        PagesError {
            error,
            resume: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::config::tests::sample;
    use crate::oauth::{AccessToken, Scope};

    fn session() -> Session {
        Session {
            provider: "harvest".into(),
            access_token: AccessToken::new("MINE"),
            expires_at_ms: None,
            scope: Scope::default(),
        }
    }

    fn paging(next: Option<&str>) -> Paging {
        Paging {
            links: Links {
                next: next.map(str::to_owned),
            },
            ..Paging::default()
        }
    }

    fn current() -> Url {
        Url::parse(
            "https://api.harvestapp.com/v2/time_entries?access_token=MINE&account_id=1&page=1",
        )
        .unwrap()
    }

    #[test]
    fn a_resume_point_holds_no_credentials_and_gets_them_again_on_the_api_origin_only() {
        let config = sample();
        let resume = Resume::at(&config, &current());
        assert_eq!(
            resume.0.as_str(),
            "https://api.harvestapp.com/v2/time_entries?page=1"
        );
        assert!(!format!("{resume:?}").contains("MINE"));
        let again = authorize(&config, &session(), resume.0, Some(1)).unwrap();
        assert_eq!(
            again.url.as_str(),
            "https://api.harvestapp.com/v2/time_entries?page=1&access_token=MINE&account_id=1"
        );
    }

    #[test]
    fn last_page_has_no_next_request() {
        assert!(
            next_request(&sample(), &session(), &current(), &paging(None), Some(1))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn next_link_on_the_api_origin_gets_our_credentials_once() {
        let next = "https://api.harvestapp.com/v2/time_entries?page=2&per_page=100&access_token=STALE&account_id=9";
        let r = next_request(
            &sample(),
            &session(),
            &current(),
            &paging(Some(next)),
            Some(1),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.url.as_str(), "https://api.harvestapp.com/v2/time_entries?page=2&per_page=100&access_token=MINE&account_id=1");
    }

    #[test]
    fn credentials_under_the_configured_names_are_stripped_too() {
        let config = crate::oauth::Config::from_json(
            r#"{"provider":"custom","client_id":"c","authorize_url":"https://id.example/authorize",
                "redirect_uri":"https://app.example/","api_base":"https://api.example/v1",
                "token_transport":"query","token_param":"token","account_param":"acct"}"#,
        )
        .unwrap();
        let current = Url::parse("https://api.example/v1/items?token=MINE&acct=1").unwrap();
        let next = "https://api.example/v1/items?page=2&token=STALE&acct=9&token=AGAIN";
        let r = next_request(&config, &session(), &current, &paging(Some(next)), Some(1))
            .unwrap()
            .unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://api.example/v1/items?page=2&token=MINE&acct=1"
        );
    }

    #[test]
    fn cursor_links_relative_to_the_page_work() {
        let r = next_request(
            &sample(),
            &session(),
            &current(),
            &paging(Some("/v2/time_entries?cursor=abc")),
            Some(1),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://api.harvestapp.com/v2/time_entries?cursor=abc&access_token=MINE&account_id=1"
        );
    }

    #[test]
    fn a_foreign_next_link_is_refused_and_carries_no_token() {
        let err = next_request(
            &sample(),
            &session(),
            &current(),
            &paging(Some("https://evil.example/v2/time_entries?page=2")),
            Some(1),
        )
        .unwrap_err();
        assert_eq!(err, ApiError::ForeignOrigin("https://evil.example".into()));
    }

    #[test]
    fn cursor_pages_parse_with_null_page_numbers() {
        let p: Paging = serde_json::from_str(
            r#"{"per_page":100,"total_pages":null,"total_entries":null,"page":null,"links":{"first":"x","next":"y","previous":null,"last":null}}"#,
        )
        .unwrap();
        assert_eq!(p.page, None);
        assert_eq!(p.links.next.as_deref(), Some("y"));
    }
}
