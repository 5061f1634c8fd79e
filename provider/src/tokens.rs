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
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    /// The scopes asked for (offered on the consent page when scopes are permissions).
    pub scopes: Vec<String>,
    /// The authorization code grant: the client and its PKCE S256 challenge. `None`: the
    /// implicit grant.
    pub code: Option<CodeRequest>,
}

/// What a code-grant authorize request bound its code to (RFC 6749 §4.1.3, RFC 7636 §4.6).
#[derive(Clone, Debug)]
pub struct CodeRequest {
    pub client_id: String,
    pub code_challenge: String,
}

/// An issued authorization code, waiting to be redeemed once.
#[derive(Clone, Debug)]
struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    account_ids: Vec<u64>,
    scopes: Vec<String>,
    issued_at: Instant,
    /// The access and refresh tokens it was redeemed for: revoked if it is replayed.
    redeemed_for: Option<Vec<String>>,
}

/// An issued refresh token.
#[derive(Clone, Debug)]
struct IssuedRefresh {
    client_id: String,
    account_ids: Vec<u64>,
    scopes: Vec<String>,
    /// Revoked (RFC 7009), or used once and rotated away.
    dead: bool,
    /// The grant it belongs to: every token issued from one code.
    family: String,
}

/// Tokens the token endpoint hands out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub access_token: String,
    pub scopes: Vec<String>,
    pub refresh_token: Option<String>,
}

/// Why the token endpoint refuses (RFC 6749 §5.2): every case is `invalid_grant`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    UnknownCode,
    CodeReplayed,
    CodeExpired,
    WrongClientOrRedirect,
    VerifierMismatch,
    DeadRefreshToken,
}

/// An authorization code not redeemed in this time is refused (RFC 6749 §4.1.2: ten minutes
/// at most; one is plenty).
const CODE_LIFETIME: Duration = Duration::from_secs(60);

/// A consent ticket not answered in this time is forgotten.
const CONSENT_LIFETIME: Duration = Duration::from_secs(600);

#[derive(Default)]
pub struct Store {
    grants: Mutex<HashMap<String, Grant>>,
    codes: Mutex<HashMap<String, IssuedCode>>,
    refresh_tokens: Mutex<HashMap<String, IssuedRefresh>>,
    /// Every access and refresh token issued from one code, by grant.
    families: Mutex<HashMap<String, Vec<String>>>,
    consents: Mutex<HashMap<String, (Instant, ConsentRequest)>>,
    redirects: Mutex<Vec<String>>,
    consents_opened: std::sync::atomic::AtomicUsize,
    /// Clients the person approved: `prompt=none` answers them without a page.
    approved: Mutex<HashMap<String, Vec<String>>>,
}

/// PKCE's S256 transform (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
fn verifier_is_valid(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
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

    /// Revokes one access or refresh token (RFC 7009); false when it was never issued. A
    /// refresh token takes its whole grant with it: every token issued from the same code
    /// (RFC 7009 §2.1).
    pub fn revoke(&self, token: &str) -> bool {
        let family = self
            .refresh_tokens
            .lock()
            .unwrap()
            .get(token)
            .map(|r| r.family.clone());
        if let Some(family) = family {
            self.revoke_family(&family);
            return true;
        }
        match self.grants.lock().unwrap().get_mut(token) {
            Some(grant) => {
                grant.revoked = true;
                true
            }
            None => false,
        }
    }

    /// Issues an authorization code for a consented code-grant request.
    pub fn issue_code(
        &self,
        request: &CodeRequest,
        redirect_uri: &str,
        account_ids: Vec<u64>,
        scopes: Vec<String>,
    ) -> String {
        let code = random_token();
        self.codes.lock().unwrap().insert(
            code.clone(),
            IssuedCode {
                client_id: request.client_id.clone(),
                redirect_uri: redirect_uri.to_owned(),
                code_challenge: request.code_challenge.clone(),
                account_ids,
                scopes,
                issued_at: Instant::now(),
                redeemed_for: None,
            },
        );
        code
    }

    /// Redeems a code once (RFC 6749 §4.1.3), proving its PKCE verifier (RFC 7636 §4.6). A
    /// code presented again is refused and the tokens it gave are revoked (§4.1.2).
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        code_verifier: &str,
        lifetime: Duration,
        with_refresh: bool,
    ) -> Result<Issued, Refusal> {
        let mut codes = self.codes.lock().unwrap();
        let issued = codes.get_mut(code).ok_or(Refusal::UnknownCode)?;
        if let Some(tokens) = &issued.redeemed_for {
            let tokens = tokens.clone();
            drop(codes);
            for token in tokens {
                self.revoke(&token);
            }
            return Err(Refusal::CodeReplayed);
        }
        if issued.issued_at.elapsed() > CODE_LIFETIME {
            return Err(Refusal::CodeExpired);
        }
        if issued.client_id != client_id || issued.redirect_uri != redirect_uri {
            return Err(Refusal::WrongClientOrRedirect);
        }
        if s256(code_verifier) != issued.code_challenge || !verifier_is_valid(code_verifier) {
            return Err(Refusal::VerifierMismatch);
        }
        let (accounts, scopes) = (issued.account_ids.clone(), issued.scopes.clone());
        let family = random_token();
        let tokens = self.issue_pair(client_id, &family, accounts, scopes, lifetime, with_refresh);
        issued.redeemed_for = Some(
            [
                Some(tokens.access_token.clone()),
                tokens.refresh_token.clone(),
            ]
            .into_iter()
            .flatten()
            .collect(),
        );
        Ok(tokens)
    }

    /// Trades a live refresh token for a new access token and a new refresh token (rotation):
    /// the old refresh token dies with the trade. A dead one presented again is a replay
    /// (RFC 9700 §4.14.2): the whole grant is revoked.
    pub fn refresh(
        &self,
        refresh_token: &str,
        client_id: &str,
        lifetime: Duration,
    ) -> Result<Issued, Refusal> {
        let (accounts, scopes, family) = {
            let mut all = self.refresh_tokens.lock().unwrap();
            let old = all
                .get_mut(refresh_token)
                .filter(|r| r.client_id == client_id)
                .ok_or(Refusal::DeadRefreshToken)?;
            if old.dead {
                let family = old.family.clone();
                drop(all);
                self.revoke_family(&family);
                return Err(Refusal::DeadRefreshToken);
            }
            old.dead = true;
            (
                old.account_ids.clone(),
                old.scopes.clone(),
                old.family.clone(),
            )
        };
        Ok(self.issue_pair(client_id, &family, accounts, scopes, lifetime, true))
    }

    /// Revokes every token issued from one code.
    fn revoke_family(&self, family: &str) {
        let tokens = self
            .families
            .lock()
            .unwrap()
            .get(family)
            .cloned()
            .unwrap_or_default();
        let mut refresh = self.refresh_tokens.lock().unwrap();
        let mut grants = self.grants.lock().unwrap();
        for token in tokens {
            if let Some(r) = refresh.get_mut(&token) {
                r.dead = true;
            }
            if let Some(g) = grants.get_mut(&token) {
                g.revoked = true;
            }
        }
    }

    fn issue_pair(
        &self,
        client_id: &str,
        family: &str,
        account_ids: Vec<u64>,
        scopes: Vec<String>,
        lifetime: Duration,
        with_refresh: bool,
    ) -> Issued {
        let access_token = self.issue_with_scopes(account_ids.clone(), scopes.clone(), lifetime);
        let refresh_token = with_refresh.then(|| {
            let token = random_token();
            self.refresh_tokens.lock().unwrap().insert(
                token.clone(),
                IssuedRefresh {
                    client_id: client_id.to_owned(),
                    account_ids,
                    scopes: scopes.clone(),
                    dead: false,
                    family: family.to_owned(),
                },
            );
            token
        });
        self.families
            .lock()
            .unwrap()
            .entry(family.to_owned())
            .or_default()
            .extend(
                [Some(access_token.clone()), refresh_token.clone()]
                    .into_iter()
                    .flatten(),
            );
        Issued {
            access_token,
            scopes,
            refresh_token,
        }
    }

    /// Whether a refresh token is live (issued, not revoked, not rotated away).
    pub fn refresh_token_is_live(&self, token: &str) -> bool {
        self.refresh_tokens
            .lock()
            .unwrap()
            .get(token)
            .is_some_and(|r| !r.dead)
    }

    /// The refresh tokens issued so far that are still live.
    pub fn live_refresh_tokens(&self) -> Vec<String> {
        let all = self.refresh_tokens.lock().unwrap();
        all.iter()
            .filter(|(_, r)| !r.dead)
            .map(|(t, _)| t.clone())
            .collect()
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

    /// Remembers that the person approved `scopes` for `client_id`.
    pub fn remember_consent(&self, client_id: &str, scopes: &[String]) {
        let mut approved = self.approved.lock().unwrap();
        let known = approved.entry(client_id.to_owned()).or_default();
        for s in scopes {
            if !known.contains(s) {
                known.push(s.clone());
            }
        }
    }

    /// Whether the person approved `client_id` before (`None`), or every one of `scopes`
    /// for it.
    pub fn has_consented(&self, client_id: &str, scopes: &[String]) -> bool {
        self.approved
            .lock()
            .unwrap()
            .get(client_id)
            .is_some_and(|known| scopes.iter().all(|s| known.contains(s)))
    }

    /// Forgets every approval (the person signed out at the provider).
    pub fn forget_consents(&self) {
        self.approved.lock().unwrap().clear();
    }

    /// How many authorize requests have been shown a consent page.
    pub fn consents_opened(&self) -> usize {
        self.consents_opened
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn open_consent(&self, request: ConsentRequest) -> String {
        self.consents_opened
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
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
