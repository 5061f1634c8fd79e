//! `fetch`, with the settings every request of this app needs: CORS mode, no caching (a
//! response fetched with a token in its URL must not be stored), no `Referer`, no cookies.

use super::window;
use crate::api::ApiError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ReferrerPolicy, Request, RequestCache, RequestCredentials, RequestInit, RequestMode,
    RequestRedirect, Response, ResponseType,
};

pub struct HttpResponse {
    pub status: u16,
    /// Where the answer came from (after redirects).
    pub url: String,
    pub body: String,
    /// `Retry-After`, when the server exposed it to CORS (otherwise the browser hides it).
    pub retry_after: Option<String>,
    /// The response header the caller asked to read, when exposed to CORS.
    pub extra_header: Option<String>,
}

/// GETs `url` (absolute, or relative to the page) with the given headers.
pub async fn get(url: &str, headers: &[(String, String)]) -> Result<HttpResponse, ApiError> {
    get_within(url, headers, None, None).await
}

/// Like [`get`], abandoned (and reported as [`ApiError::Timeout`]) after `timeout_s` seconds,
/// also reading the response header `read_header`.
pub async fn get_within(
    url: &str,
    headers: &[(String, String)],
    timeout_s: Option<u32>,
    read_header: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    send("GET", url, headers, None, timeout_s, read_header).await
}

/// POSTs `form` (`application/x-www-form-urlencoded`, already encoded) to `url`, with the same
/// settings as [`get`], abandoned after `timeout_s` seconds.
pub async fn post_form(url: &str, form: &str, timeout_s: u32) -> Result<HttpResponse, ApiError> {
    let headers = [(
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    send("POST", url, &headers, Some(form), Some(timeout_s), None).await
}

async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    timeout_s: Option<u32>,
    read_header: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let abort = web_sys::AbortController::new().map_err(|_| ApiError::Malformed)?;
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let _timer = timeout_s.map(|s| {
        let (abort, timed_out) = (abort.clone(), timed_out.clone());
        gloo_timers::callback::Timeout::new(s.saturating_mul(1000), move || {
            timed_out.set(true);
            abort.abort();
        })
    });
    let failed = |_| {
        if timed_out.get() {
            ApiError::Timeout(timeout_s.unwrap_or(0))
        } else {
            ApiError::Network
        }
    };
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    init.set_mode(RequestMode::Cors);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    // A redirect is not followed: `fetch` would repeat the request, token and all, to wherever
    // the answer points, and the pagination's origin check would never see it.
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&abort.signal()));
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::Malformed)?;
    for (name, value) in headers {
        request
            .headers()
            .set(name, value)
            .map_err(|_| ApiError::Malformed)?;
    }
    let window = window().map_err(|_| ApiError::Network)?;
    read(window.fetch_with_request(&request), read_header, failed).await
}

/// Whether this page was served with a `Cross-Origin-Opener-Policy` that cuts the windows it
/// opens off from it as soon as they leave its origin (`same-origin`, `restrict-properties`).
/// No browser API says, so this asks the server for the page's headers again (`HEAD`, not
/// stored, no Referer, 3 s at most). `None` when no answer could be had.
pub async fn page_cuts_off_popups() -> Option<bool> {
    let window = window().ok()?;
    let page = window.location().href().ok()?;
    let abort = web_sys::AbortController::new().ok()?;
    let _timer = {
        let abort = abort.clone();
        gloo_timers::callback::Timeout::new(3_000, move || abort.abort())
    };
    let init = RequestInit::new();
    init.set_method("HEAD");
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&abort.signal()));
    let request =
        Request::new_with_str_and_init(page.split('#').next().unwrap_or(&page), &init).ok()?;
    let answer = JsFuture::from(window.fetch_with_request(&request))
        .await
        .ok()?;
    let response = answer.dyn_into::<Response>().ok()?;
    if !response.ok() {
        return None;
    }
    let policy = response
        .headers()
        .get("cross-origin-opener-policy")
        .ok()
        .flatten()
        .unwrap_or_default();
    let value = policy.split(';').next().unwrap_or_default().trim();
    Some(
        value.eq_ignore_ascii_case("same-origin")
            || value.eq_ignore_ascii_case("restrict-properties"),
    )
}

/// The answer to a fetch that page script started (`boot.js` starts `config.json`'s while the
/// wasm compiles), if it is for `url`.
pub async fn response_of(fetch: js_sys::Promise, url: &str) -> Result<HttpResponse, ApiError> {
    let response = read(fetch, None, |_| ApiError::Network).await;
    match response {
        Ok(r) if r.url != url => Err(ApiError::Malformed),
        other => other,
    }
}

async fn read(
    fetch: js_sys::Promise,
    read_header: Option<&str>,
    failed: impl Fn(wasm_bindgen::JsValue) -> ApiError,
) -> Result<HttpResponse, ApiError> {
    let response: Response = JsFuture::from(fetch)
        .await
        .map_err(&failed)?
        .dyn_into()
        .map_err(|_| ApiError::Malformed)?;
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(ApiError::Redirected);
    }
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let extra_header = read_header.and_then(|h| response.headers().get(h).ok().flatten());
    let text = response.text().map_err(|_| ApiError::Malformed)?;
    let body = JsFuture::from(text)
        .await
        .map_err(&failed)?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status: response.status(),
        url: response.url(),
        body,
        retry_after,
        extra_header,
    })
}
