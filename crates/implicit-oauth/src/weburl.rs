//! One URL type for both sides of the crate. Parsing (and resolving a relative reference) is the
//! only part that needs a WHATWG URL parser: in the browser that is the browser's own `URL`,
//! which costs the wasm nothing; natively, where the core is tested, it is the `url` crate,
//! which implements the same standard but would add about 15 KB gzip to the wasm.
//!
//! Everything else works on the serialized URL, whose shape the standard fixes: the first `#`
//! starts the fragment, the first `?` before it starts the query (neither can appear raw
//! earlier). Query pairs are read and written with `form_urlencoded`, as the `url` crate does.
//! `src/weburl/cases.rs` holds the cases both implementations must agree on; the native unit
//! tests and the wasm tests in Chromium run it. Where browsers stray from the standard they
//! accept more, not less (Chromium takes a space in a host name and encodes it): the checks
//! this crate makes on top (https or loopback, same origin) hold either way.

use std::fmt;

/// A parsed absolute URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The whole serialization, kept in step with the parts below.
    href: String,
    /// Scheme, authority and path: the serialization up to the query.
    head: String,
    query: Option<String>,
    fragment: Option<String>,
    scheme: String,
    /// As serialized: a name, a dotted IPv4 address, or a bracketed IPv6 address.
    host: Option<String>,
    /// `scheme://host[:port]`, or `null` for URLs without a tuple origin.
    origin: String,
    path: String,
    has_credentials: bool,
}

/// Why a string is not an absolute URL (the parser's own words where it gives them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// What a WHATWG parser reports about a URL, before it is split up.
struct Parsed {
    href: String,
    scheme: String,
    host: String,
    origin: String,
    path: String,
    has_credentials: bool,
}

#[cfg(not(target_arch = "wasm32"))]
fn parse(input: &str, base: Option<&str>) -> Result<Parsed, ParseError> {
    let error = |e: url::ParseError| ParseError(e.to_string());
    let url = match base {
        Some(base) => url::Url::parse(base).map_err(error)?.join(input),
        None => url::Url::parse(input),
    }
    .map_err(error)?;
    Ok(Parsed {
        href: url.as_str().to_owned(),
        scheme: url.scheme().to_owned(),
        host: url.host_str().unwrap_or_default().to_owned(),
        origin: url.origin().ascii_serialization(),
        path: url.path().to_owned(),
        has_credentials: !url.username().is_empty() || url.password().is_some(),
    })
}

#[cfg(target_arch = "wasm32")]
fn parse(input: &str, base: Option<&str>) -> Result<Parsed, ParseError> {
    let url = match base {
        Some(base) => web_sys::Url::new_with_base(input, base),
        None => web_sys::Url::new(input),
    }
    .map_err(|_| ParseError("invalid URL".into()))?;
    let protocol = url.protocol();
    Ok(Parsed {
        href: url.href(),
        scheme: protocol.strip_suffix(':').unwrap_or(&protocol).to_owned(),
        host: url.hostname(),
        origin: url.origin(),
        path: url.pathname(),
        has_credentials: !url.username().is_empty() || !url.password().is_empty(),
    })
}

impl Url {
    /// Parses an absolute URL.
    pub fn parse(input: &str) -> Result<Url, ParseError> {
        parse(input, None).map(Url::from)
    }

    /// `reference` (absolute or relative) resolved against this URL.
    pub fn join(&self, reference: &str) -> Result<Url, ParseError> {
        parse(reference, Some(&self.href)).map(Url::from)
    }

    /// The scheme, without `:`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host as serialized (`example.com`, `127.0.0.1`, `[::1]`), if the URL has one.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// Whether the host is `localhost` or a loopback address.
    pub fn is_loopback(&self) -> bool {
        let Some(host) = self.host() else {
            return false;
        };
        if host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        // Hosts come out of a URL parser (the browser's, or `url`) in canonical form: IPv6 as the
        // shortest text (`[::1]`), IPv4 as four decimal octets; so text comparisons suffice, and
        // the wasm carries no IP address parser.
        if host == "[::1]" {
            return true;
        }
        let octets: Vec<&str> = host.split('.').collect();
        octets.len() == 4
            && octets[0] == "127"
            && octets
                .iter()
                .all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The ASCII serialization of the origin; `null` when the URL has no tuple origin, and two
    /// such URLs are never the same origin ([`Url::same_origin`]).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether both URLs have the same origin (scheme, host and port).
    pub fn same_origin(&self, other: &Url) -> bool {
        self.origin != "null" && self.origin == other.origin
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The fragment, without `#`.
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }

    /// Whether a user name or password is part of the URL.
    pub fn has_credentials(&self) -> bool {
        self.has_credentials
    }

    /// The query's name/value pairs, decoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    /// Adds `name=value` to the end of the query, encoded.
    pub fn append_pair(&mut self, name: &str, value: &str) -> &mut Self {
        let query = self.query.take().unwrap_or_default();
        self.query = Some(
            form_urlencoded::Serializer::new(query)
                .append_pair(name, value)
                .finish(),
        );
        self.serialize();
        self
    }

    /// Replaces the query.
    pub fn set_query(&mut self, query: Option<&str>) {
        self.query = query.map(str::to_owned);
        self.serialize();
    }

    /// The serialized URL.
    pub fn as_str(&self) -> &str {
        &self.href
    }

    fn serialize(&mut self) {
        let mut href = self.head.clone();
        if let Some(q) = &self.query {
            href.push('?');
            href.push_str(q);
        }
        if let Some(h) = &self.fragment {
            href.push('#');
            href.push_str(h);
        }
        self.href = href;
    }
}

impl From<Parsed> for Url {
    fn from(p: Parsed) -> Url {
        let (rest, fragment) = match p.href.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment.to_owned())),
            None => (p.href.as_str(), None),
        };
        let (head, query) = match rest.split_once('?') {
            Some((head, query)) => (head, Some(query.to_owned())),
            None => (rest, None),
        };
        Url {
            href: p.href.clone(),
            head: head.to_owned(),
            query,
            fragment,
            scheme: p.scheme,
            host: Some(p.host).filter(|h| !h.is_empty()),
            origin: p.origin,
            path: p.path,
            has_credentials: p.has_credentials,
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.href)
    }
}

#[cfg(test)]
mod tests {
    use super::Url;
    include!("weburl/cases.rs");

    #[test]
    fn the_shared_url_cases_hold_natively() {
        url_cases();
    }
}
