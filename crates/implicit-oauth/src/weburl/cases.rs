// The cases `weburl::Url` must pass on both sides: included by the native unit tests
// (`src/weburl.rs`, the `url` crate underneath) and by the wasm tests (`tests/web.rs`, the
// browser's `URL` underneath). Not a test target of its own.

#[allow(dead_code)]
fn url_cases() {
    let u = Url::parse("HTTPS://API.Example.com:443/v2/users/me?x=1&y=a+b#frag").unwrap();
    assert_eq!(u.as_str(), "https://api.example.com/v2/users/me?x=1&y=a+b#frag");
    assert_eq!(u.scheme(), "https");
    assert_eq!(u.host(), Some("api.example.com"));
    assert_eq!(u.origin(), "https://api.example.com");
    assert_eq!(u.path(), "/v2/users/me");
    assert_eq!(u.query(), Some("x=1&y=a+b"));
    assert_eq!(u.fragment(), Some("frag"));
    assert_eq!(
        u.query_pairs(),
        vec![("x".into(), "1".into()), ("y".into(), "a b".into())]
    );
    assert!(!u.has_credentials() && !u.is_loopback());

    // An empty query or fragment is still there.
    let empty = Url::parse("https://a.example/cb?#").unwrap();
    assert_eq!((empty.query(), empty.fragment()), (Some(""), Some("")));
    let none = Url::parse("https://a.example").unwrap();
    assert_eq!((none.as_str(), none.query(), none.fragment()), ("https://a.example/", None, None));

    // Loopback, as the config's http-only-on-loopback rule needs it.
    for loopback in ["http://localhost:8080/", "http://127.0.0.1:1/", "http://127.1/", "http://[::1]:9090/x"] {
        assert!(Url::parse(loopback).unwrap().is_loopback(), "{loopback}");
    }
    for not in ["http://127.0.0.1.evil.example/", "http://localhost.evil.example/", "https://10.0.0.1/", "http://[::2]/"] {
        assert!(!Url::parse(not).unwrap().is_loopback(), "{not}");
    }
    let v6 = Url::parse("http://[0:0::1]:9090/x").unwrap();
    assert_eq!((v6.host(), v6.origin()), (Some("[::1]"), "http://[::1]:9090"));
    assert_eq!(Url::parse("http://127.1/").unwrap().host(), Some("127.0.0.1"));

    assert!(Url::parse("https://user:pw@a.example/").unwrap().has_credentials());
    assert!(Url::parse("https://user@a.example/").unwrap().has_credentials());
    // (Not "http://exa mple.com/": the standard forbids the space, Chromium encodes it.)
    for bad in ["", "not a url", "/relative/path", "https://", "http://[::1/", "https://a.example:99999/"] {
        assert!(Url::parse(bad).is_err(), "{bad:?}");
    }

    // Origins: default ports vanish; no origin is never the same as another.
    let a = Url::parse("https://a.example/x").unwrap();
    assert!(a.same_origin(&Url::parse("https://a.example:443/y?z").unwrap()));
    assert!(!a.same_origin(&Url::parse("http://a.example/x").unwrap()));
    assert!(!a.same_origin(&Url::parse("https://a.example.evil/x").unwrap()));
    let data = Url::parse("data:text/plain,hello").unwrap();
    assert_eq!((data.origin(), data.host()), ("null", None));
    assert!(!data.same_origin(&data));

    // Resolving pagination links.
    let page = Url::parse("https://api.example/v2/time_entries?page=1&access_token=T").unwrap();
    assert_eq!(page.join("?page=2").unwrap().as_str(), "https://api.example/v2/time_entries?page=2");
    assert_eq!(page.join("/v2/x?page=3").unwrap().as_str(), "https://api.example/v2/x?page=3");
    assert_eq!(page.join("https://other.example/p").unwrap().origin(), "https://other.example");
    assert_eq!(page.join("//other.example/p").unwrap().as_str(), "https://other.example/p");
    assert!(page.join("http://[::1/").is_err());

    // Writing the query: form encoding, appended before any fragment.
    let mut auth = Url::parse("https://a.example/auth?prompt=login#keep").unwrap();
    auth.append_pair("client_id", "a b&c=d").append_pair("state", "é/?#");
    assert_eq!(
        auth.as_str(),
        "https://a.example/auth?prompt=login&client_id=a+b%26c%3Dd&state=%C3%A9%2F%3F%23#keep"
    );
    assert_eq!(auth.query_pairs()[2], ("state".into(), "é/?#".into()));
    let mut bare = Url::parse("https://a.example/p").unwrap();
    bare.append_pair("k", "v");
    assert_eq!(bare.as_str(), "https://a.example/p?k=v");
    bare.set_query(None);
    assert_eq!((bare.as_str(), bare.query()), ("https://a.example/p", None));
    // Equal URLs compare equal whichever way they were made.
    assert_eq!(bare, Url::parse("https://a.example/p").unwrap());
    assert_eq!(bare.to_string(), bare.as_str());
}
