//! Scope grammar (RFC 6749 §3.3: space-separated tokens) and Harvest's account scopes.

/// A granted or requested scope: the list of its tokens, in the provider's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope(Vec<String>);

/// A Harvest ID product whose accounts a scope names (`harvest:123`, `forecast:456`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    /// Harvest (`harvest:ID` scopes).
    Harvest,
    /// Forecast (`forecast:ID` scopes).
    Forecast,
}

impl Product {
    /// The product's word in scopes and in the accounts endpoint's answer.
    pub fn id(self) -> &'static str {
        match self {
            Product::Harvest => "harvest",
            Product::Forecast => "forecast",
        }
    }

    /// Its name as the person knows it.
    pub fn title(self) -> &'static str {
        match self {
            Product::Harvest => "Harvest",
            Product::Forecast => "Forecast",
        }
    }
}

/// What a Harvest scope says about accounts: ids named outright, or "ask the accounts
/// endpoint" (`harvest:all`, `forecast:all`, `all`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountScope {
    /// Harvest account ids, in scope order.
    pub harvest: Vec<u64>,
    /// Forecast account ids, in scope order.
    pub forecast: Vec<u64>,
    /// The scope is `all` (or names none): ask the accounts endpoint.
    pub ask: bool,
}

impl AccountScope {
    /// The ids named for `product`.
    pub fn of(&self, product: Product) -> &[u64] {
        match product {
            Product::Harvest => &self.harvest,
            Product::Forecast => &self.forecast,
        }
    }
}

impl Scope {
    /// Splits on spaces; empty tokens (from doubled spaces) are dropped.
    pub fn parse(text: &str) -> Self {
        Scope(
            text.split(' ')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// A scope from its tokens.
    pub fn from_tokens(tokens: &[String]) -> Self {
        Scope(tokens.to_vec())
    }

    /// The scope's tokens, in order.
    pub fn tokens(&self) -> &[String] {
        &self.0
    }

    /// Whether the scope has no tokens.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Harvest account ids named by the scope. Tokens that are not account scopes are ignored;
    /// a malformed id (`harvest:12x`) names no account rather than a wrong one.
    pub fn accounts(&self) -> AccountScope {
        let mut out = AccountScope::default();
        for token in &self.0 {
            let (product, id) = match token.split_once(':') {
                Some(pair) => pair,
                None if token == "all" => {
                    out.ask = true;
                    continue;
                }
                None => continue,
            };
            let list = match product {
                "harvest" => &mut out.harvest,
                "forecast" => &mut out.forecast,
                _ => continue,
            };
            if id == "all" {
                out.ask = true;
            } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = id.parse() {
                    list.push(n);
                }
            }
        }
        out
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_splits_on_spaces_and_drops_empty_tokens() {
        let s = Scope::parse("harvest:1  forecast:2 ");
        assert_eq!(s.tokens(), ["harvest:1", "forecast:2"]);
        assert_eq!(s.to_string(), "harvest:1 forecast:2");
    }

    #[test]
    fn harvest_scope_names_accounts_including_ids_above_2_pow_32() {
        let a = Scope::parse("harvest:123 forecast:456 harvest:5000000000").accounts();
        assert_eq!(a.harvest, vec![123, 5_000_000_000]);
        assert_eq!(a.forecast, vec![456]);
        assert!(!a.ask);
    }

    #[test]
    fn all_scopes_mean_ask_the_accounts_endpoint() {
        for s in ["all", "harvest:all", "forecast:all"] {
            assert!(Scope::parse(s).accounts().ask, "{s}");
        }
    }

    #[test]
    fn malformed_account_ids_name_no_account() {
        let a = Scope::parse("harvest:12x harvest: other:5 harvest:-1").accounts();
        assert_eq!(a, AccountScope::default());
    }
}
