//! Harvest v2 response models. Ids are 64-bit: Harvest's are not guaranteed to fit in 32.

use serde::Deserialize;

/// `GET /v2/users/me` (the fields this app shows).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct User {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_parses_from_harvest_shaped_json_with_a_64_bit_id() {
        let u: User = serde_json::from_str(
            r#"{"id":5000000001,"first_name":"Ada","last_name":"Lovelace","email":"a@x","timezone":"UTC","is_active":true}"#,
        )
        .unwrap();
        assert_eq!(u.id, 5_000_000_001);
        assert_eq!(u.full_name(), "Ada Lovelace");
    }
}

/// `GET /api/v2/accounts` on Harvest ID.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Accounts {
    pub accounts: Vec<Account>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Account {
    pub id: u64,
    pub name: String,
    /// `harvest` or `forecast`.
    pub product: String,
}

#[cfg(test)]
mod accounts_tests {
    use super::*;

    #[test]
    fn accounts_parse_with_products_and_large_ids() {
        let a: Accounts = serde_json::from_str(
            r#"{"user":{"id":1},"accounts":[{"id":123456,"name":"A","product":"harvest"},{"id":5000000001,"name":"F","product":"forecast"}]}"#,
        )
        .unwrap();
        assert_eq!(a.accounts[1].id, 5_000_000_001);
        assert_eq!(a.accounts[0].product, "harvest");
    }
}
