//! The stored form of a pending request and of a session: `application/x-www-form-urlencoded`
//! pairs (the encoding the callback already uses), written by us and read back strictly.
//! Storage is not trusted to be intact: a record with a repeated or missing field is no record.

/// Writes `pairs` as one form-encoded string.
pub(crate) fn write<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

/// The values of `names` in a stored record, in that order; `None` when any name is repeated.
/// A name that is absent gives `None` in its place.
pub(crate) fn read<const N: usize>(text: &str, names: [&str; N]) -> Option<[Option<String>; N]> {
    let mut found: [Option<String>; N] = std::array::from_fn(|_| None);
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        if let Some(i) = names.iter().position(|n| *n == k) {
            if found[i].replace(v.into_owned()).is_some() {
                return None;
            }
        }
    }
    Some(found)
}

/// A stored number: plain ASCII digits only.
pub(crate) fn number(text: &str) -> Option<u64> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_repeats_or_junk_are_refused() {
        let text = write([("a", "x y&z=1"), ("b", "")]);
        assert_eq!(
            read(&text, ["a", "b", "c"]),
            Some([Some("x y&z=1".into()), Some(String::new()), None])
        );
        assert_eq!(read("a=1&a=2", ["a"]), None);
        assert_eq!(number("12"), Some(12));
        for bad in ["", "-1", "1e3", " 1", "99999999999999999999999"] {
            assert_eq!(number(bad), None, "{bad}");
        }
    }
}
