//! A provider's "who am I" answer, made showable: the person's own fields, as text.
//!
//! Providers wrap the person differently (`{"user": …}` at Aha!, `{"data": …}` at App.net,
//! `{"current_user": …}` at Forecast, bare at AppHarbor and most RFC 6749 servers), so the
//! summary unwraps one of those, then keeps the scalar fields. Nothing is rendered as markup.

use implicit_oauth::oauth::Scope;
use serde_json::Value;

/// Fields shown at most, and characters per value.
const MAX_FIELDS: usize = 12;
const MAX_CHARS: usize = 200;

/// Wrappers providers put around the person, tried in this order.
const WRAPPERS: [&str; 3] = ["user", "data", "current_user"];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// `(field, value)` in the provider's field order (sorted by name).
    pub fields: Vec<(String, String)>,
}

impl Profile {
    pub fn from_json(json: &Value) -> Self {
        let person = WRAPPERS
            .iter()
            .find_map(|w| json.get(w).filter(|v| v.is_object()))
            .unwrap_or(json);
        let fields = person
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), text(v)?)))
            .take(MAX_FIELDS)
            .collect();
        Profile { fields }
    }

    /// A field's value, e.g. to greet the person by name.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The best name to greet the person with.
    pub fn display_name(&self) -> Option<&str> {
        ["name", "username", "email", "first_name", "sub", "id"]
            .iter()
            .find_map(|k| self.get(k))
    }
}

/// A scalar (or a list of scalars) as text; objects are left out.
fn text(value: &Value) -> Option<String> {
    let s = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().filter_map(text).collect::<Vec<_>>().join(", ")
        }
        _ => return None,
    };
    Some(s.chars().take(MAX_CHARS).collect())
}

/// Scopes as a provider lists them in a response header: App.net separates them with commas,
/// others with spaces.
pub fn scopes_from_header(value: &str) -> Scope {
    Scope::parse(&value.replace(',', " "))
}

/// Requested scopes the grant does not include (the provider or the person narrowed it).
pub fn not_granted(requested: &[String], granted: &Scope) -> Vec<String> {
    requested
        .iter()
        .filter(|r| !granted.tokens().contains(r))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_providers_wrapper_is_unwrapped() {
        for (body, name) in [
            (
                json!({"user": {"name": "Aha Person", "id": "1"}}),
                "Aha Person",
            ),
            (
                json!({"data": {"username": "adn", "id": "2"}, "meta": {"code": 200}}),
                "adn",
            ),
            (
                json!({"current_user": {"email": "f@x.example", "id": 3}}),
                "f@x.example",
            ),
            (json!({"username": "harbor", "id": 4}), "harbor"),
        ] {
            assert_eq!(
                Profile::from_json(&body).display_name(),
                Some(name),
                "{body}"
            );
        }
    }

    #[test]
    fn only_scalars_and_scalar_lists_are_kept_and_values_are_cut() {
        let p = Profile::from_json(&json!({
            "id": 5_000_000_001u64, "admin": true, "nested": {"x": 1}, "ids": [1, 2],
            "bio": "x".repeat(1000), "markup": "<img src=x onerror=alert(1)>"
        }));
        assert_eq!(p.get("id"), Some("5000000001"));
        assert_eq!(p.get("admin"), Some("true"));
        assert_eq!(p.get("ids"), Some("1, 2"));
        assert_eq!(p.get("nested"), None);
        assert_eq!(p.get("bio").unwrap().len(), MAX_CHARS);
        assert_eq!(p.get("markup"), Some("<img src=x onerror=alert(1)>"));
    }

    #[test]
    fn a_non_object_answer_has_no_fields() {
        assert!(Profile::from_json(&json!([1, 2])).fields.is_empty());
        let many: serde_json::Map<String, Value> =
            (0..50).map(|i| (format!("f{i:02}"), json!(i))).collect();
        assert_eq!(
            Profile::from_json(&Value::Object(many)).fields.len(),
            MAX_FIELDS
        );
    }

    #[test]
    fn header_scopes_split_on_commas_and_spaces_and_narrowing_is_found() {
        let granted = scopes_from_header("basic,stream, write_post");
        assert_eq!(granted.tokens(), ["basic", "stream", "write_post"]);
        let requested = vec!["basic".to_owned(), "messages".to_owned()];
        assert_eq!(not_granted(&requested, &granted), ["messages"]);
    }
}
