//! Harvest v2 response models. Ids are 64-bit: Harvest's are not guaranteed to fit in 32.

use implicit_oauth::api::pagination::{Links, Paging};
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

/// `GET /v2/company`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Company {
    pub name: String,
    #[serde(default)]
    pub full_domain: Option<String>,
    #[serde(default)]
    pub week_start_day: Option<String>,
    /// `decimal` or `hours_minutes`: how the company writes hours.
    #[serde(default)]
    pub time_format: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub plan_type: Option<String>,
}

/// A `{id, name}` reference inside another record.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Ref {
    pub id: u64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ProjectRef {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub code: Option<String>,
}

/// One of `GET /v2/users/me/project_assignments`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ProjectAssignment {
    pub id: u64,
    #[serde(default)]
    pub is_active: bool,
    pub project: ProjectRef,
    pub client: Ref,
}

/// One of `GET /v2/time_entries`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TimeEntry {
    pub id: u64,
    pub spent_date: String,
    pub hours: f64,
    #[serde(default)]
    pub notes: Option<String>,
    pub project: Ref,
    pub task: Ref,
    #[serde(default)]
    pub client: Option<Ref>,
    /// Whether the time is billed (Harvest sends it on every entry; absent reads as billable).
    #[serde(default = "billable_by_default")]
    pub billable: bool,
}

fn billable_by_default() -> bool {
    true
}

/// The first page of assignments (the dashboard lists no more).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AssignmentsPage {
    pub project_assignments: Vec<ProjectAssignment>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawTimeEntriesPage")]
pub struct TimeEntriesPage {
    pub time_entries: Vec<TimeEntry>,
    pub paging: Paging,
}

/// The paging fields sit beside the list. Spelled out rather than `#[serde(flatten)]`, which
/// buffers the whole response (every entry) into an intermediate tree before parsing it again:
/// slower on large pages and several kilobytes more wasm.
#[derive(Deserialize)]
struct RawTimeEntriesPage {
    time_entries: Vec<TimeEntry>,
    #[serde(default)]
    per_page: Option<u32>,
    #[serde(default)]
    total_pages: Option<u32>,
    #[serde(default)]
    total_entries: Option<u64>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    links: Links,
}

impl From<RawTimeEntriesPage> for TimeEntriesPage {
    fn from(r: RawTimeEntriesPage) -> Self {
        TimeEntriesPage {
            time_entries: r.time_entries,
            paging: Paging {
                per_page: r.per_page,
                total_pages: r.total_pages,
                total_entries: r.total_entries,
                page: r.page,
                links: r.links,
            },
        }
    }
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

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn time_entries_page_parses_with_64_bit_ids_and_null_notes() {
        let page: TimeEntriesPage = serde_json::from_str(
            r#"{"time_entries":[{"id":6000000000,"spent_date":"2026-01-02","hours":1.25,"notes":null,
                "project":{"id":1,"name":"P"},"task":{"id":2,"name":"T"},"client":{"id":3,"name":"C"},"user":{"id":1,"name":"A"}}],
                "per_page":100,"total_pages":3,"total_entries":250,"next_page":2,"previous_page":null,"page":1,
                "links":{"first":"f","next":"https://api.harvestapp.com/v2/time_entries?page=2","previous":null,"last":"l"}}"#,
        )
        .unwrap();
        assert_eq!(page.time_entries[0].id, 6_000_000_000);
        assert_eq!(page.time_entries[0].notes, None);
        assert_eq!(page.paging.total_pages, Some(3));
        assert!(page.paging.links.next.is_some());
    }

    #[test]
    fn assignments_and_company_parse() {
        let a: AssignmentsPage = serde_json::from_str(
            r#"{"project_assignments":[{"id":1,"is_active":true,"project":{"id":2,"name":"P","code":"PC"},"client":{"id":3,"name":"C"},"task_assignments":[]}],
                "page":null,"total_pages":null,"links":{"next":null}}"#,
        )
        .unwrap();
        assert_eq!(a.project_assignments[0].project.code.as_deref(), Some("PC"));
        let c: Company =
            serde_json::from_str(r#"{"name":"Co","currency":"GBP","is_active":true}"#).unwrap();
        assert_eq!(c.name, "Co");
    }
}

impl implicit_oauth::api::pagination::Paged for TimeEntriesPage {
    fn paging(&self) -> &Paging {
        &self.paging
    }
}
