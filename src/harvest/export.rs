//! The loaded entries and their totals as CSV files (RFC 4180, written by `csv-core`), and the
//! files' names. Pure, tested natively; the dashboard hands the text to the browser as a `Blob`.

use crate::harvest::api::TimeEntry;
use crate::harvest::totals::{format_hundredths, hundredths, Line, TimeFormat, Totals};
use csv_core::{Terminator, Writer, WriterBuilder};

/// A byte-order mark first, so spreadsheet programs read the file as UTF-8.
const BOM: &str = "\u{feff}";

/// Rows of fields, quoted only where needed, lines ended by CRLF.
struct Csv {
    writer: Writer,
    out: Vec<u8>,
}

impl Csv {
    fn new() -> Csv {
        Csv {
            writer: WriterBuilder::new().terminator(Terminator::CRLF).build(),
            out: BOM.as_bytes().to_vec(),
        }
    }

    fn record(&mut self, fields: &[&str]) {
        for (i, field) in fields.iter().enumerate() {
            let mut small = [0u8; 4];
            if i > 0 {
                let (_, n) = self.writer.delimiter(&mut small);
                self.out.extend_from_slice(&small[..n]);
            }
            // Room for the worst case: every byte a quote, doubled, and the opening quote.
            let mut buf = vec![0u8; 2 + 2 * field.len()];
            let (_, _, n) = self.writer.field(field.as_bytes(), &mut buf);
            self.out.extend_from_slice(&buf[..n]);
        }
        let mut small = [0u8; 4];
        let (_, n) = self.writer.terminator(&mut small);
        self.out.extend_from_slice(&small[..n]);
    }

    fn finish(self) -> String {
        // UTF-8 in, ASCII quotes, commas and line ends added: UTF-8 out.
        String::from_utf8_lossy(&self.out).into_owned()
    }
}

/// Text as a cell a spreadsheet shows as text: one that starts like a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'`, so a note such as
/// `=HYPERLINK("http://…")` is not run when the file is opened (OWASP's CSV injection advice).
pub fn text_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// One row per entry, in the order loaded: date, client, project, task, notes, hours (decimal,
/// whatever the company's display format, so spreadsheets can add them up) and whether the
/// hours are billable.
pub fn entries_csv<'a>(entries: impl IntoIterator<Item = &'a TimeEntry>) -> String {
    let mut csv = Csv::new();
    csv.record(&[
        "Date", "Client", "Project", "Task", "Notes", "Hours", "Billable",
    ]);
    for e in entries {
        let client = e.client.as_ref().map(|c| text_cell(&c.name));
        csv.record(&[
            &e.spent_date,
            client.as_deref().unwrap_or_default(),
            &text_cell(&e.project.name),
            &text_cell(&e.task.name),
            &text_cell(e.notes.as_deref().unwrap_or_default()),
            &format_hundredths(hundredths(e.hours)),
            if e.billable { "yes" } else { "no" },
        ]);
    }
    csv.finish()
}

/// The totals (added up in `format`'s unit, as shown): the whole range, then one row per
/// client, project and task, each with its billable hours and its share of the total (per
/// cent). Hours are decimal, for spreadsheets.
pub fn totals_csv(t: &Totals, format: TimeFormat) -> String {
    let mut csv = Csv::new();
    csv.record(&["Kind", "Name", "Hours", "Billable hours", "Share (%)"]);
    let mut row = |kind: &str, name: &str, total: i64, billable: i64| {
        csv.record(&[
            kind,
            &text_cell(name),
            &format.decimal(total),
            &format.decimal(billable),
            &t.percent(total).to_string(),
        ]);
    };
    row("Total", "All entries", t.total, t.billable);
    let kinds: [(&str, &[Line]); 3] = [
        ("Client", &t.clients),
        ("Project", &t.projects),
        ("Task", &t.tasks),
    ];
    for (kind, lines) in kinds {
        for l in lines {
            row(kind, &l.name, l.total, l.billable);
        }
    }
    csv.finish()
}

/// The file's name: `harvest-<account>-<from>-to-<to>-<what>.csv`, the account's name reduced to
/// lower-case letters, digits and dashes (its id when nothing is left), and `-incomplete` when
/// not every page arrived.
pub fn file_name(
    account: &str,
    account_id: u64,
    from: &str,
    to: &str,
    what: &str,
    complete: bool,
) -> String {
    let mut slug = String::new();
    for c in account.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let account = if slug.is_empty() {
        account_id.to_string()
    } else {
        slug.to_owned()
    };
    let partial = if complete { "" } else { "-incomplete" };
    format!("harvest-{account}-{from}-to-{to}-{what}{partial}.csv")
}

// Native only: the `csv` reader they check against is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::harvest::api::Ref;

    fn entry(date: &str, notes: Option<&str>, hours: f64, billable: bool) -> TimeEntry {
        let r = |id, name: &str| Ref {
            id,
            name: name.into(),
        };
        TimeEntry {
            id: 1,
            spent_date: date.into(),
            hours,
            notes: notes.map(Into::into),
            billable,
            client: Some(r(1, "Babbage & Co")),
            project: r(2, "Difference, \"Engine\""),
            task: r(3, "Design"),
        }
    }

    /// Reads a file back with the `csv` crate: what a spreadsheet or a script would see.
    fn read(text: &str) -> Vec<Vec<String>> {
        let text = text.strip_prefix(BOM).expect("a BOM first");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn entries_read_back_as_they_were_with_quotes_commas_and_lines_intact() {
        let entries = [
            entry(
                "2026-03-03",
                Some("Line one\nline \"two\", with a comma"),
                1.25,
                true,
            ),
            entry("2026-03-02", None, 0.1 + 0.2, false),
        ];
        let text = entries_csv(&entries);
        assert!(text.contains("\r\n"), "RFC 4180 line ends");
        assert_eq!(
            read(&text),
            vec![
                vec!["Date", "Client", "Project", "Task", "Notes", "Hours", "Billable"],
                vec![
                    "2026-03-03",
                    "Babbage & Co",
                    "Difference, \"Engine\"",
                    "Design",
                    "Line one\nline \"two\", with a comma",
                    "1.25",
                    "yes"
                ],
                vec![
                    "2026-03-02",
                    "Babbage & Co",
                    "Difference, \"Engine\"",
                    "Design",
                    "",
                    "0.30",
                    "no"
                ],
            ]
        );
    }

    #[test]
    fn a_cell_that_starts_like_a_formula_is_kept_as_text() {
        for evil in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            let text = entries_csv(&[entry("2026-03-02", Some(evil), 1.0, true)]);
            assert_eq!(read(&text)[1][4], format!("'{evil}"), "{evil:?}");
        }
        assert_eq!(text_cell("Worked = done"), "Worked = done");
        assert_eq!(text_cell(""), "");
    }

    #[test]
    fn totals_list_the_range_then_clients_projects_and_tasks() {
        let entries = [
            entry("2026-03-03", None, 3.0, true),
            entry("2026-03-02", None, 1.0, false),
        ];
        let rows = read(&totals_csv(
            &Totals::of(&entries, TimeFormat::Decimal),
            TimeFormat::Decimal,
        ));
        assert_eq!(
            rows[0],
            ["Kind", "Name", "Hours", "Billable hours", "Share (%)"]
        );
        assert_eq!(rows[1], ["Total", "All entries", "4.00", "3.00", "100"]);
        assert_eq!(rows[2], ["Client", "Babbage & Co", "4.00", "3.00", "100"]);
        assert_eq!(
            rows[3],
            ["Project", "Difference, \"Engine\"", "4.00", "3.00", "100"]
        );
        assert_eq!(rows[4], ["Task", "Design", "4.00", "3.00", "100"]);
        assert_eq!(rows.len(), 5);
    }

    #[test]
    fn file_names_carry_the_account_and_the_range_and_nothing_a_file_system_minds() {
        assert_eq!(
            file_name(
                "Analytical Engines Ltd.",
                123_456,
                "2026-03-02",
                "2026-04-30",
                "entries",
                true
            ),
            "harvest-analytical-engines-ltd-2026-03-02-to-2026-04-30-entries.csv"
        );
        assert_eq!(
            file_name(
                "../../etc/passwd",
                1,
                "2026-03-02",
                "2026-03-02",
                "totals",
                false
            ),
            "harvest-etc-passwd-2026-03-02-to-2026-03-02-totals-incomplete.csv"
        );
        assert_eq!(
            file_name("Société Générale", 7, "a", "b", "entries", true),
            "harvest-soci-t-g-n-rale-a-to-b-entries.csv"
        );
        assert_eq!(
            file_name("株式会社", 42, "a", "b", "entries", true),
            "harvest-42-a-to-b-entries.csv"
        );
    }
}
