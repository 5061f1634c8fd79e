//! What the loaded entries add up to — the answers the dashboard leads with: the range's total,
//! billable and not, and the hours per client, project and task with each one's share. Pure:
//! the screen only draws it.
//!
//! Sums are kept in hundredths of an hour, as integers: Harvest's hours have at most two
//! decimals, so a year of entries adds up exactly, with no float noise to round away.

use super::api::TimeEntry;
use std::collections::HashMap;

/// Hours as whole hundredths.
pub fn hundredths(hours: f64) -> i64 {
    (hours * 100.0).round() as i64
}

/// One client, project or task, and its hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Its id at Harvest (names can repeat across clients).
    pub id: u64,
    /// Its name.
    pub name: String,
    /// All its hours, in hundredths.
    pub total: i64,
    /// Its billable hours, in hundredths.
    pub billable: i64,
}

/// The totals of a set of entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// All hours, in hundredths.
    pub total: i64,
    /// Billable hours, in hundredths.
    pub billable: i64,
    /// By client, most hours first (entries without a client count under "No client").
    pub clients: Vec<Line>,
    /// By project, most hours first.
    pub projects: Vec<Line>,
    /// By task, most hours first.
    pub tasks: Vec<Line>,
    /// By day (`YYYY-MM-DD`), in date order.
    pub days: Vec<(String, i64)>,
}

impl Totals {
    /// Adds up `entries`, each entry's hours taken in `format`'s unit first (hundredths, or
    /// whole minutes), so the totals are the sums of what the rows show.
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a TimeEntry>, format: TimeFormat) -> Totals {
        let mut totals = Totals::default();
        let (mut clients, mut projects, mut tasks) =
            (Group::default(), Group::default(), Group::default());
        let mut days = std::collections::BTreeMap::<&str, i64>::new();
        for e in entries {
            let h = format.units(e.hours);
            let billable = if e.billable { h } else { 0 };
            totals.total += h;
            totals.billable += billable;
            match &e.client {
                Some(c) => clients.add(c.id, &c.name, h, billable),
                None => clients.add(0, "No client", h, billable),
            }
            projects.add(e.project.id, &e.project.name, h, billable);
            tasks.add(e.task.id, &e.task.name, h, billable);
            *days.entry(e.spent_date.as_str()).or_default() += h;
        }
        totals.days = days.into_iter().map(|(d, h)| (d.to_owned(), h)).collect();
        totals.clients = clients.lines();
        totals.projects = projects.lines();
        totals.tasks = tasks.lines();
        totals
    }

    /// Hours that are not billed, in hundredths.
    pub fn non_billable(&self) -> i64 {
        self.total - self.billable
    }

    /// `part`'s share of the total, in whole percent (0 when there are no hours).
    pub fn percent(&self, part: i64) -> i64 {
        percent_of(part, self.total)
    }
}

/// Lines by id, in the order they were first seen.
#[derive(Default)]
struct Group {
    index: HashMap<u64, usize>,
    lines: Vec<Line>,
}

impl Group {
    fn add(&mut self, id: u64, name: &str, total: i64, billable: i64) {
        let at = *self.index.entry(id).or_insert_with(|| {
            self.lines.push(Line {
                id,
                name: name.to_owned(),
                total: 0,
                billable: 0,
            });
            self.lines.len() - 1
        });
        let line = &mut self.lines[at];
        line.total += total;
        line.billable += billable;
    }

    /// Most hours first; equal hours by name, so the order is stable. (The tables' own sort:
    /// one copy of the sorting code in the wasm, not one per order.)
    fn lines(self) -> Vec<Line> {
        sorted(&self.lines, SortBy::Hours, true)
    }
}

/// `part`'s share of `total`, in whole percent, rounded (0 when there are no hours).
pub fn percent_of(part: i64, total: i64) -> i64 {
    if total == 0 {
        0
    } else {
        (part * 100 + total / 2) / total
    }
}

/// What a totals table is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    /// A to Z (or Z to A).
    Name,
    /// All hours (and so the share).
    Hours,
    /// Billable hours.
    Billable,
}

impl SortBy {
    /// Its name in the page (`data-sort`).
    pub fn name(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Hours => "hours",
            SortBy::Billable => "billable",
        }
    }
}

/// `lines` in the order asked for; equal values by name, then id, so the order is stable.
pub fn sorted(lines: &[Line], by: SortBy, descending: bool) -> Vec<Line> {
    let mut out = lines.to_vec();
    out.sort_by(|a, b| {
        let primary = match by {
            // Case-insensitive for ASCII letters: full Unicode case folding would bring its
            // tables into the wasm for one comparison.
            SortBy::Name => a
                .name
                .bytes()
                .map(|b| b.to_ascii_lowercase())
                .cmp(b.name.bytes().map(|b| b.to_ascii_lowercase())),
            SortBy::Hours => a.total.cmp(&b.total),
            SortBy::Billable => a.billable.cmp(&b.billable),
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// How a company writes hours: `/v2/company`'s `time_format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// `7.25` (`decimal`, and anything we do not know).
    #[default]
    Decimal,
    /// `7:15` (`hours_minutes`).
    HoursMinutes,
}

impl TimeFormat {
    /// The format a company's `time_format` names.
    pub fn of(time_format: Option<&str>) -> TimeFormat {
        match time_format.map(str::trim) {
            Some("hours_minutes") => TimeFormat::HoursMinutes,
            _ => TimeFormat::Decimal,
        }
    }

    /// Its name in `/v2/company`.
    pub fn name(self) -> &'static str {
        match self {
            TimeFormat::Decimal => "decimal",
            TimeFormat::HoursMinutes => "hours_minutes",
        }
    }

    /// Hours in this format's unit, as integers: hundredths of an hour, or whole minutes.
    /// Totals add these up, so a total is the sum of the rows as shown.
    pub fn units(self, hours: f64) -> i64 {
        match self {
            TimeFormat::Decimal => hundredths(hours),
            TimeFormat::HoursMinutes => (hours * 60.0).round() as i64,
        }
    }

    /// A number of this format's units written this way: `12.75` or `12:45`.
    pub fn show(self, n: i64) -> String {
        match self {
            TimeFormat::Decimal => format_hundredths(n),
            TimeFormat::HoursMinutes => {
                let sign = if n < 0 { "-" } else { "" };
                let minutes = n.unsigned_abs();
                format!("{sign}{}:{:02}", minutes / 60, minutes % 60)
            }
        }
    }

    /// A number of this format's units as decimal hours (`12.75`), for machines: CSV files
    /// and data attributes.
    pub fn decimal(self, n: i64) -> String {
        match self {
            TimeFormat::Decimal => format_hundredths(n),
            TimeFormat::HoursMinutes => {
                let sign = if n < 0 { -1 } else { 1 };
                format_hundredths(sign * ((n.abs() * 100 + 30) / 60))
            }
        }
    }
}

/// Hundredths of an hour as `12.75`.
pub fn format_hundredths(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    format!("{sign}{}.{:02}", n / 100, n % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harvest::api::Ref;

    fn entry(
        hours: f64,
        client: Option<(u64, &str)>,
        project: (u64, &str),
        task: (u64, &str),
        billable: bool,
    ) -> TimeEntry {
        let r = |(id, name): (u64, &str)| Ref {
            id,
            name: name.into(),
        };
        TimeEntry {
            id: 1,
            spent_date: "2026-03-02".into(),
            hours,
            notes: None,
            project: r(project),
            task: r(task),
            client: client.map(r),
            billable,
        }
    }

    #[test]
    fn totals_split_billable_and_group_by_client_project_and_task() {
        let entries = [
            entry(
                1.25,
                Some((1, "Babbage")),
                (10, "Engine"),
                (100, "Design"),
                true,
            ),
            entry(
                0.5,
                Some((1, "Babbage")),
                (11, "Notes"),
                (101, "Writing"),
                false,
            ),
            entry(
                2.0,
                Some((2, "Society")),
                (12, "Paper"),
                (100, "Design"),
                true,
            ),
            entry(0.1, None, (13, "Misc"), (101, "Writing"), false),
        ];
        let t = Totals::of(&entries, TimeFormat::Decimal);
        assert_eq!((t.total, t.billable, t.non_billable()), (385, 325, 60));
        let names = |lines: &[Line]| {
            lines
                .iter()
                .map(|l| (l.name.clone(), l.total, l.billable))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&t.clients),
            [
                ("Society".into(), 200, 200),
                ("Babbage".into(), 175, 125),
                ("No client".into(), 10, 0)
            ]
        );
        assert_eq!(
            names(&t.tasks),
            [("Design".into(), 325, 325), ("Writing".into(), 60, 0)]
        );
        assert_eq!(t.projects.len(), 4);
        assert_eq!(t.percent(200), 52);
        assert_eq!(Totals::default().percent(0), 0);
    }

    #[test]
    fn a_year_of_quarter_hours_adds_up_exactly() {
        let entries: Vec<_> = (0..10_000)
            .map(|_| entry(0.1, None, (1, "P"), (2, "T"), true))
            .collect();
        let t = Totals::of(&entries, TimeFormat::Decimal);
        assert_eq!(format_hundredths(t.total), "1000.00");
        assert_eq!(format_hundredths(-5), "-0.05");
    }

    #[test]
    fn lines_sort_by_name_hours_or_billable_either_way() {
        let line = |id, name: &str, total, billable| Line {
            id,
            name: name.into(),
            total,
            billable,
        };
        let lines = [
            line(1, "beta", 300, 0),
            line(2, "Alpha", 100, 100),
            line(3, "gamma", 300, 200),
        ];
        let names = |v: Vec<Line>| v.into_iter().map(|l| l.id).collect::<Vec<_>>();
        assert_eq!(names(sorted(&lines, SortBy::Name, false)), [2, 1, 3]);
        assert_eq!(names(sorted(&lines, SortBy::Name, true)), [3, 1, 2]);
        // Equal hours: by name.
        assert_eq!(names(sorted(&lines, SortBy::Hours, true)), [1, 3, 2]);
        assert_eq!(names(sorted(&lines, SortBy::Hours, false)), [2, 1, 3]);
        assert_eq!(names(sorted(&lines, SortBy::Billable, true)), [3, 2, 1]);
    }

    #[test]
    fn hours_follow_the_companys_time_format() {
        let hm = TimeFormat::of(Some("hours_minutes"));
        assert_eq!(hm, TimeFormat::HoursMinutes);
        assert_eq!(TimeFormat::of(Some("decimal")), TimeFormat::Decimal);
        assert_eq!(TimeFormat::of(None), TimeFormat::Decimal);
        assert_eq!(TimeFormat::of(Some("sexagesimal")), TimeFormat::Decimal);
        assert_eq!(hm.show(hm.units(7.25)), "7:15");
        assert_eq!(hm.show(0), "0:00");
        assert_eq!(hm.show(hm.units(0.1)), "0:06");
        assert_eq!(hm.show(-90), "-1:30");
        assert_eq!(hm.show(60_000), "1000:00");
        assert_eq!(hm.decimal(45), "0.75");
        assert_eq!(hm.decimal(20), "0.33");
        assert_eq!(TimeFormat::Decimal.show(725), "7.25");
        assert_eq!(TimeFormat::Decimal.decimal(725), "7.25");
    }

    #[test]
    fn in_hours_and_minutes_the_total_is_the_sum_of_the_rows_as_shown() {
        // Three 20-minute entries, which Harvest sends as 0.33 h each.
        let thirds = [
            entry(0.33, None, (1, "P"), (1, "T"), true),
            entry(0.33, None, (1, "P"), (1, "T"), true),
            entry(0.33, None, (1, "P"), (1, "T"), false),
        ];
        let hm = TimeFormat::HoursMinutes;
        assert_eq!(hm.show(hm.units(thirds[0].hours)), "0:20");
        let t = Totals::of(&thirds, hm);
        assert_eq!(
            (hm.show(t.total), hm.show(t.billable)),
            ("1:00".into(), "0:40".into())
        );
        assert_eq!(hm.show(t.days[0].1), "1:00");
        // In decimals, the same entries add up to what their rows show too.
        let d = Totals::of(&thirds, TimeFormat::Decimal);
        assert_eq!(TimeFormat::Decimal.show(d.total), "0.99");
    }

    #[test]
    fn the_same_id_is_one_line_even_if_its_name_repeats_elsewhere() {
        let entries = [
            entry(
                1.0,
                Some((1, "Acme")),
                (10, "Website"),
                (100, "Build"),
                true,
            ),
            entry(
                1.0,
                Some((2, "Globex")),
                (20, "Website"),
                (100, "Build"),
                true,
            ),
        ];
        let t = Totals::of(&entries, TimeFormat::Decimal);
        assert_eq!(t.projects.len(), 2);
        assert_eq!(t.tasks.len(), 1);
    }
}
