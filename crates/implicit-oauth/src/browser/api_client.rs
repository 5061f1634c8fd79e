//! Sends API requests for a session: paced by the client-side limiter, waiting out 429s a
//! bounded number of times, following pagination only on the API origin.

use super::{http, now_ms};
use crate::api::pagination::{next_request, Paged, PagesError, Resume};
use crate::api::rate_limit::{after_429, After429, RateLimiter, Ticket};
use crate::api::{self, ApiError, ApiRequest};
use crate::oauth::{Config, Session};
use gloo_timers::future::sleep;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// Told how long the client waits after a 429, so the person can see why nothing moves.
pub type OnWait = Rc<dyn Fn(u64)>;

/// A session's way to the API. Clones share the limiter.
#[derive(Clone)]
pub struct ApiClient {
    config: Rc<Config>,
    session: Rc<Session>,
    account: Option<u64>,
    limiter: Rc<RefCell<RateLimiter>>,
}

impl PartialEq for ApiClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.limiter, &other.limiter) && self.account == other.account
    }
}

impl ApiClient {
    /// A client for `session`, with a fresh limiter from the configuration's rate limit.
    pub fn new(config: Rc<Config>, session: Rc<Session>) -> Self {
        let limit = config.rate_limit;
        let limiter = RateLimiter::new(limit.requests, u64::from(limit.per_seconds) * 1000);
        ApiClient {
            config,
            session,
            account: None,
            limiter: Rc::new(RefCell::new(limiter)),
        }
    }

    /// The same client acting on `account`.
    pub fn for_account(&self, account: u64) -> Self {
        ApiClient {
            account: Some(account),
            ..self.clone()
        }
    }

    /// The accounts endpoint's answer (`accounts_url`, e.g. Harvest ID's list of the accounts a
    /// token grants), `None` when the configuration names no such endpoint.
    pub async fn accounts<T: DeserializeOwned>(&self) -> Result<Option<T>, ApiError> {
        let Some(url) = self.config.accounts_url.clone() else {
            return Ok(None);
        };
        let request = api::authorize(&self.config, &self.session, url, None)?;
        self.send(&request, false, &no_wait()).await.map(Some)
    }

    /// GETs `path` under the API base, for the chosen account, and parses the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let request = api::request(&self.config, &self.session, path, self.account)?;
        self.send(&request, true, &no_wait()).await
    }

    /// GETs `path` under the API base and answers its body unparsed, with the value of the
    /// response header `read_header` (which the provider must expose over CORS) when asked.
    /// The account is needed only where the configuration names an account product.
    pub async fn get_text(
        &self,
        path: &str,
        read_header: Option<&str>,
    ) -> Result<(String, Option<String>), ApiError> {
        let request = api::request(&self.config, &self.session, path, self.account)?;
        let needs_account = self.config.account_product.is_some();
        self.send_reading(&request, needs_account, &no_wait(), read_header)
            .await
    }

    /// GETs every page of `path` with the query `params`, handing each page to `on_page` as it
    /// arrives, until the last page, an error, or `cancelled` turns true. Next-page links are
    /// followed only on the API origin (see [`crate::api::pagination`]). An error carries the
    /// page it stopped at, for [`resume_pages`](Self::resume_pages).
    pub async fn pages<T: DeserializeOwned + Paged>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        cancelled: Rc<Cell<bool>>,
        on_wait: OnWait,
        on_page: impl Fn(T),
    ) -> Result<(), PagesError> {
        let mut request = api::request(&self.config, &self.session, path, self.account)?;
        {
            // Before the credentials in query order does not matter to Harvest; keep ours last.
            let credentials = request.url.query_pairs();
            let url = &mut request.url;
            url.set_query(None);
            for (k, v) in params {
                url.append_pair(k, v);
            }
            for (k, v) in &credentials {
                url.append_pair(k, v);
            }
        }
        self.pages_from(request, cancelled, on_wait, on_page).await
    }

    /// Goes on with a paged load from the page it stopped at, asking for none of the pages
    /// that arrived before. The page must be on the API origin, as any other request.
    pub async fn resume_pages<T: DeserializeOwned + Paged>(
        &self,
        resume: &Resume,
        cancelled: Rc<Cell<bool>>,
        on_wait: OnWait,
        on_page: impl Fn(T),
    ) -> Result<(), PagesError> {
        let request = api::authorize(&self.config, &self.session, resume.0.clone(), self.account)?;
        self.pages_from(request, cancelled, on_wait, on_page).await
    }

    async fn pages_from<T: DeserializeOwned + Paged>(
        &self,
        mut request: ApiRequest,
        cancelled: Rc<Cell<bool>>,
        on_wait: OnWait,
        on_page: impl Fn(T),
    ) -> Result<(), PagesError> {
        loop {
            let page: T = match self.send(&request, true, &on_wait).await {
                Ok(page) => page,
                Err(error) => {
                    return Err(PagesError {
                        error,
                        resume: Some(Resume::at(&self.config, &request.url)),
                    })
                }
            };
            if cancelled.get() {
                return Ok(());
            }
            let next = next_request(
                &self.config,
                &self.session,
                &request.url,
                page.paging(),
                self.account,
            );
            // The page that arrived is shown even when its next link is refused.
            on_page(page);
            match next? {
                Some(n) if !cancelled.get() => request = n,
                _ => return Ok(()),
            }
        }
    }

    /// Sends `request` and parses the answer as `T`. Only this thin wrapper is generic: the
    /// sending (pacing, retries, errors) is compiled once, not once per response type, which
    /// keeps the wasm smaller.
    async fn send<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        needs_account: bool,
        on_wait: &OnWait,
    ) -> Result<T, ApiError> {
        let (body, _) = self
            .send_reading(request, needs_account, on_wait, None)
            .await?;
        parse(&body)
    }

    /// The body of a successful answer to `request`, and the `read_header` it carried.
    async fn send_reading(
        &self,
        request: &ApiRequest,
        needs_account: bool,
        on_wait: &OnWait,
        read_header: Option<&str>,
    ) -> Result<(String, Option<String>), ApiError> {
        let mut retries = 0;
        loop {
            loop {
                let delay = self.limiter.borrow().delay(now_ms());
                if delay == 0 {
                    break;
                }
                sleep(Duration::from_millis(delay)).await;
            }
            let in_flight = InFlight::new(&self.limiter);
            let timeout = Some(self.config.request_timeout_seconds);
            let response =
                http::get_within(request.url.as_str(), &request.headers, timeout, read_header)
                    .await?;
            in_flight.answered();
            match response.status {
                200..=299 => return Ok((response.body, response.extra_header)),
                429 => match after_429(retries, response.retry_after.as_deref()) {
                    After429::Wait(secs) => {
                        retries += 1;
                        on_wait(secs);
                        sleep(Duration::from_secs(secs)).await;
                    }
                    After429::GiveUp { asked_secs } if asked_secs > 60 => {
                        return Err(ApiError::RateLimitedFor(asked_secs))
                    }
                    After429::GiveUp { .. } => return Err(ApiError::RateLimited),
                },
                // Harvest answers 401 invalid_token when the account id is missing: that is
                // our mistake, not a dead token, so it must not end the session.
                401 if needs_account && self.account.is_none() => return Err(ApiError::NoAccount),
                status => return Err(api::error_from(status, &response.body)),
            }
        }
    }
}

/// A request the limiter let through, until it ends. Answered, it is counted from its answer;
/// dropped any other way (an error, a timeout, a cancelled load dropping the future), from
/// the drop, with the limiter's margin for a request that may still be on its way.
struct InFlight {
    limiter: Rc<RefCell<RateLimiter>>,
    ticket: Option<Ticket>,
}

impl InFlight {
    fn new(limiter: &Rc<RefCell<RateLimiter>>) -> Self {
        let ticket = limiter.borrow_mut().send();
        InFlight {
            limiter: limiter.clone(),
            ticket: Some(ticket),
        }
    }

    fn answered(mut self) {
        self.end(true);
    }

    fn end(&mut self, answered: bool) {
        // Never borrowed across an await, so this borrow cannot fail; if it ever did, the
        // request would stay counted as in flight, which errs on the slow side.
        if let (Some(ticket), Ok(mut limiter)) = (self.ticket.take(), self.limiter.try_borrow_mut())
        {
            limiter.settle(ticket, now_ms(), answered);
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.end(false);
    }
}

fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::Malformed)
}

fn no_wait() -> OnWait {
    Rc::new(|_| {})
}
