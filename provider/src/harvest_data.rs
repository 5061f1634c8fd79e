//! Generated Harvest data: a company, projects, assignments and thousands of time entries per
//! account, deterministic so tests can compute the expected totals.

use serde::Serialize;
use serde_json::{json, Value};

#[derive(Clone, Debug, Serialize)]
pub struct Named {
    pub id: u64,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimeEntry {
    pub id: u64,
    pub spent_date: String,
    pub hours: f64,
    pub notes: Option<String>,
    pub is_locked: bool,
    pub billable: bool,
    pub user: Named,
    pub client: Named,
    pub project: Named,
    pub task: Named,
}

/// One account's data.
#[derive(Clone, Debug)]
pub struct AccountData {
    pub company: Value,
    pub assignments: Vec<Value>,
    /// Newest first, as Harvest lists them.
    pub entries: Vec<TimeEntry>,
}

/// Days since 1970-01-01 to a civil date `YYYY-MM-DD` (proleptic Gregorian; Hinnant's
/// algorithm).
pub fn date_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of 1 January of `year` (Hinnant's `days_from_civil`).
fn new_year(year: i64) -> i64 {
    let y = year - 1;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + 306 - 719_468
}

/// The first generated year: the data spans several years, so ranges across a new year and
/// "last month" in January have entries.
const FIRST_YEAR: i64 = 2024;
/// The year the tests and benchmarks name (its entries never change).
const NAMED_YEAR: i64 = 2026;

/// The last generated year: the current one (never before [`NAMED_YEAR`]), so "this week",
/// the dashboard's first range, always has entries.
fn last_year() -> i64 {
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64);
    let year: i64 = date_from_days(today)[..4].parse().unwrap_or(NAMED_YEAR);
    year.max(NAMED_YEAR)
}

/// A small deterministic generator (64-bit LCG): the same data on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

pub fn generate(
    account_id: u64,
    account_name: &str,
    user: &Named,
    entries_per_weekday: u64,
) -> AccountData {
    let clients = [
        Named {
            id: account_id * 10 + 1,
            name: "Babbage & Co".into(),
        },
        Named {
            id: account_id * 10 + 2,
            name: "Royal Society".into(),
        },
    ];
    let projects: Vec<(Named, &Named, &str)> = vec![
        (
            Named {
                id: account_id * 100 + 1,
                name: "Difference Engine".into(),
            },
            &clients[0],
            "DE",
        ),
        (
            Named {
                id: account_id * 100 + 2,
                name: "Analytical Engine".into(),
            },
            &clients[0],
            "AE",
        ),
        (
            Named {
                id: account_id * 100 + 3,
                name: "Notes on the Sketch".into(),
            },
            &clients[1],
            "NOTES",
        ),
    ];
    let tasks = [
        Named {
            id: 11,
            name: "Design".into(),
        },
        Named {
            id: 12,
            name: "Programming".into(),
        },
        Named {
            id: 13,
            name: "Writing".into(),
        },
    ];
    let assignments = projects
        .iter()
        .enumerate()
        .map(|(i, (p, c, code))| {
            json!({
                "id": account_id * 1000 + i as u64, "is_project_manager": i == 0, "is_active": true,
                "budget": null, "hourly_rate": 100.0,
                "project": { "id": p.id, "name": p.name, "code": code },
                "client": { "id": c.id, "name": c.name },
                "task_assignments": tasks.iter().map(|t| json!({ "id": t.id * 7, "billable": true, "task": t })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut entries = Vec::new();
    for year in FIRST_YEAR..=last_year() {
        // Each year its own stream, so a year's entries do not depend on which years precede it.
        let mut rng =
            Lcg(account_id.wrapping_add(((year - NAMED_YEAR) as u64).wrapping_mul(0x9E37_79B9)));
        for days in new_year(year)..new_year(year + 1) {
            // 1970-01-01 was a Thursday: weekday 0 = Monday.
            if (days + 3).rem_euclid(7) >= 5 {
                continue;
            }
            for _ in 0..entries_per_weekday {
                let (project, client, _) = &projects[rng.next(3) as usize];
                let hours = (rng.next(16) + 1) as f64 * 0.25;
                let notes = (rng.next(3) > 0)
                    .then(|| format!("Worked on {} <b>#{}</b>", project.name, rng.next(90) + 10));
                let task = tasks[rng.next(3) as usize].clone();
                entries.push(TimeEntry {
                    id: account_id * 1_000_000 + entries.len() as u64 + 1,
                    spent_date: date_from_days(days),
                    hours,
                    notes,
                    is_locked: false,
                    // Writing is not billed: the dashboard's billable split has both sides.
                    billable: task.id != 13,
                    user: user.clone(),
                    client: (*client).clone(),
                    project: project.clone(),
                    task,
                });
            }
        }
    }
    entries.reverse();
    // The demo's second company starts its weeks on Sunday and writes time as hours and
    // minutes; the first, Monday and decimals. The dashboard follows both (times in the API
    // stay decimal, as Harvest serves them).
    let (week_start_day, time_format) = if account_id % 2 == 1 {
        ("Sunday", "hours_minutes")
    } else {
        ("Monday", "decimal")
    };
    let company = json!({
        "base_uri": format!("https://{}.harvestapp.com", account_id), "full_domain": format!("{account_id}.harvestapp.com"),
        "name": account_name, "is_active": true, "week_start_day": week_start_day, "wants_timestamp_timers": false,
        "time_format": time_format, "date_format": "%Y-%m-%d", "plan_type": "simple-v4", "clock": "24h",
        "currency": "GBP", "weekly_capacity": 126000, "expense_feature": true, "invoice_feature": true,
        "estimate_feature": true, "approval_feature": false, "team_feature": true,
    });
    AccountData {
        company,
        assignments,
        entries,
    }
}

/// Sum of hours for entries between `from` and `to` (inclusive, `YYYY-MM-DD`), as tests expect
/// the dashboard to show it.
pub fn total_hours(data: &AccountData, from: &str, to: &str) -> f64 {
    data.entries
        .iter()
        .filter(|e| e.spent_date.as_str() >= from && e.spent_date.as_str() <= to)
        .map(|e| e.hours)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(date_from_days(0), "1970-01-01");
        assert_eq!(date_from_days(new_year(2026)), "2026-01-01");
        assert_eq!(date_from_days(new_year(2026) + 59), "2026-03-01");
        assert_eq!(date_from_days(new_year(2024) + 59), "2024-02-29");
        assert_eq!(date_from_days(new_year(2027) - 1), "2026-12-31");
        assert_eq!(date_from_days(-1), "1969-12-31");
    }

    #[test]
    fn generation_is_deterministic_and_skips_weekends() {
        let user = Named {
            id: 1,
            name: "Ada".into(),
        };
        let a = generate(123_456, "A", &user, 10);
        let b = generate(123_456, "A", &user, 10);
        let in_2026 = |d: &AccountData| {
            d.entries
                .iter()
                .filter(|e| e.spent_date.starts_with("2026-"))
                .count()
        };
        assert_eq!(in_2026(&a), 2610);
        // Several years, through the current one.
        assert!(a.entries.iter().any(|e| e.spent_date.starts_with("2024-")));
        let this_year = last_year().to_string();
        assert!(a
            .entries
            .iter()
            .any(|e| e.spent_date.starts_with(&this_year)));
        assert_eq!(
            total_hours(&a, "2026-01-01", "2026-12-31"),
            total_hours(&b, "2026-01-01", "2026-12-31")
        );
        // 2026-01-03 is a Saturday.
        assert!(a.entries.iter().all(|e| e.spent_date != "2026-01-03"));
    }
}
