//! Issued tokens and the consent requests waiting for a decision.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a token grants, and until when.
#[derive(Clone, Debug)]
pub struct Grant {
    pub account_ids: Vec<u64>,
    /// The scope granted, as the callback stated it.
    pub scopes: Vec<String>,
    pub expires_at: Instant,
    pub revoked: bool,
}

/// An authorize request shown on the consent page, waiting for Allow or Deny. The page's form
/// carries only the ticket, so the decision cannot be posted with altered parameters.
#[derive(Clone, Debug)]
pub struct ConsentRequest {
    pub redirect_uri: String,
    pub state: Option<String>,
    /// The scopes asked for (offered on the consent page when scopes are permissions).
    pub scopes: Vec<String>,
}

/// A consent ticket not answered in this time is forgotten.
const CONSENT_LIFETIME: Duration = Duration::from_secs(600);

#[derive(Default)]
pub struct Store {
    grants: Mutex<HashMap<String, Grant>>,
    consents: Mutex<HashMap<String, (Instant, ConsentRequest)>>,
    redirects: Mutex<Vec<String>>,
}

/// 256 bits from the OS CSPRNG, URL-safe base64.
pub fn random_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Store {
    pub fn issue(&self, account_ids: Vec<u64>, lifetime: Duration) -> String {
        self.issue_with_scopes(account_ids, Vec::new(), lifetime)
    }

    pub fn issue_with_scopes(
        &self,
        account_ids: Vec<u64>,
        scopes: Vec<String>,
        lifetime: Duration,
    ) -> String {
        let token = random_token();
        let grant = Grant {
            account_ids,
            scopes,
            expires_at: Instant::now() + lifetime,
            revoked: false,
        };
        self.grants.lock().unwrap().insert(token.clone(), grant);
        token
    }

    /// The grant behind a live token: `None` when unknown, expired or revoked.
    pub fn live_grant(&self, token: &str) -> Option<Grant> {
        let grants = self.grants.lock().unwrap();
        grants
            .get(token)
            .filter(|g| !g.revoked && Instant::now() < g.expires_at)
            .cloned()
    }

    /// Revokes one token (RFC 7009); false when it was never issued.
    pub fn revoke(&self, token: &str) -> bool {
        match self.grants.lock().unwrap().get_mut(token) {
            Some(grant) => {
                grant.revoked = true;
                true
            }
            None => false,
        }
    }

    /// Revokes every token issued so far (the "revoke access" a person does in their profile).
    pub fn revoke_all(&self) {
        for grant in self.grants.lock().unwrap().values_mut() {
            grant.revoked = true;
        }
    }

    /// Records a redirect this provider issued, so tests can replay a real callback URL.
    pub fn record_redirect(&self, url: &str) {
        let mut redirects = self.redirects.lock().unwrap();
        if redirects.len() == 100 {
            redirects.remove(0);
        }
        redirects.push(url.to_owned());
    }

    /// The most recent redirect to the client (a callback URL, with its token).
    pub fn last_redirect(&self) -> Option<String> {
        self.redirects.lock().unwrap().last().cloned()
    }

    pub fn open_consent(&self, request: ConsentRequest) -> String {
        let ticket = random_token();
        let mut consents = self.consents.lock().unwrap();
        consents.retain(|_, (at, _)| at.elapsed() < CONSENT_LIFETIME);
        consents.insert(ticket.clone(), (Instant::now(), request));
        ticket
    }

    /// Takes a consent request out: a ticket answers once.
    pub fn take_consent(&self, ticket: &str) -> Option<ConsentRequest> {
        let (at, request) = self.consents.lock().unwrap().remove(ticket)?;
        (at.elapsed() < CONSENT_LIFETIME).then_some(request)
    }
}
