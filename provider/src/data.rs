//! The people and accounts the provider knows, shaped like Harvest's responses.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub timezone: String,
    pub is_active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: u64,
    pub name: String,
    /// `harvest` or `forecast`.
    pub product: String,
}

impl User {
    /// "First Last", as the services show a person.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

impl Account {
    /// The scope token that grants this account, as Harvest writes it.
    pub fn scope(&self) -> String {
        format!("{}:{}", self.product, self.id)
    }
}

/// The demo person. The Forecast id is above 2^32, as real ids can be, so 32-bit truncation
/// shows up in tests.
pub fn demo_user() -> User {
    User {
        id: 1_782_959,
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
        timezone: "Europe/London".into(),
        is_active: true,
    }
}

/// Two Harvest accounts (so the app must let the person choose) and a Forecast account.
pub fn demo_accounts() -> Vec<Account> {
    vec![
        Account {
            id: 123_456,
            name: "Analytical Engines Ltd".into(),
            product: "harvest".into(),
        },
        Account {
            id: 234_567,
            name: "Difference Engines Inc".into(),
            product: "harvest".into(),
        },
        Account {
            id: 5_000_000_001,
            name: "Analytical Engines Forecast".into(),
            product: "forecast".into(),
        },
    ]
}
