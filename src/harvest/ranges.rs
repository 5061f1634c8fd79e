//! The ranges people ask about — this week, last week, this month, last month, the year so far
//! — as dates, with the week starting on the company's `week_start_day`. Pure calendar
//! arithmetic on civil dates (days since 1970-01-01, proleptic Gregorian), tested natively.

/// A civil date as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

impl Day {
    /// The date of `year-month-day` (Hinnant's `days_from_civil`).
    pub fn from_civil(year: i64, month: u32, day: u32) -> Day {
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    /// Year, month (1–12) and day (1–31) (Hinnant's `civil_from_days`).
    pub fn civil(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }

    /// `YYYY-MM-DD` as a date input writes it; `None` for anything else or a date that does
    /// not exist.
    pub fn parse(text: &str) -> Option<Day> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |s: &str| {
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let (y, m, d) = (
            number(&text[..4])?,
            number(&text[5..7])?,
            number(&text[8..])?,
        );
        let day = Day::from_civil(i64::from(y), m, d);
        ((1..=12).contains(&m) && day.civil() == (i64::from(y), m, d)).then_some(day)
    }

    /// `YYYY-MM-DD`.
    pub fn format(self) -> String {
        let (y, m, d) = self.civil();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `Monday 2 March 2026`.
    pub fn long(self) -> String {
        const DAYS: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let (y, m, d) = self.civil();
        let month = MONTHS[(m as usize).clamp(1, 12) - 1];
        format!("{} {d} {month} {y}", DAYS[self.weekday() as usize])
    }

    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> u32 {
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// The first day of the week holding this day, weeks starting on `week_start` (0 Monday …
    /// 6 Sunday).
    pub fn week_start(self, week_start: u32) -> Day {
        Day(self.0 - i64::from((self.weekday() + 7 - week_start) % 7))
    }
}

/// The weekday (0 Monday … 6 Sunday) a company's weeks start on, from `/v2/company`'s
/// `week_start_day` ("Monday", "Sunday", "Saturday"); Monday when it says nothing we know.
pub fn week_start(week_start_day: Option<&str>) -> u32 {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    week_start_day
        .and_then(|d| DAYS.iter().position(|n| n.eq_ignore_ascii_case(d.trim())))
        .map_or(0, |i| i as u32)
}

/// A range a person picks with one click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quick {
    /// The week that holds today, start to end.
    ThisWeek,
    /// The week before it.
    LastWeek,
    /// This calendar month, first to last day.
    ThisMonth,
    /// The month before it.
    LastMonth,
    /// 1 January to today.
    YearToDate,
}

impl Quick {
    /// Every quick range, in the order they are offered.
    pub const ALL: [Quick; 5] = [
        Quick::ThisWeek,
        Quick::LastWeek,
        Quick::ThisMonth,
        Quick::LastMonth,
        Quick::YearToDate,
    ];

    /// Its button's label.
    pub fn label(self) -> &'static str {
        match self {
            Quick::ThisWeek => "This week",
            Quick::LastWeek => "Last week",
            Quick::ThisMonth => "This month",
            Quick::LastMonth => "Last month",
            Quick::YearToDate => "Year to date",
        }
    }

    /// Its id in the page (`range-this-week`, …).
    pub fn id(self) -> &'static str {
        match self {
            Quick::ThisWeek => "range-this-week",
            Quick::LastWeek => "range-last-week",
            Quick::ThisMonth => "range-this-month",
            Quick::LastMonth => "range-last-month",
            Quick::YearToDate => "range-year-to-date",
        }
    }

    /// Its first and last day, given today and the weekday weeks start on.
    pub fn range(self, today: Day, week_start: u32) -> (Day, Day) {
        let (year, month, _) = today.civil();
        let week_from = today.week_start(week_start);
        let month_from = Day::from_civil(year, month, 1);
        let next_month = |y: i64, m: u32| if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        match self {
            Quick::ThisWeek => (week_from, Day(week_from.0 + 6)),
            Quick::LastWeek => (Day(week_from.0 - 7), Day(week_from.0 - 1)),
            Quick::ThisMonth => {
                let (y, m) = next_month(year, month);
                (month_from, Day(Day::from_civil(y, m, 1).0 - 1))
            }
            Quick::LastMonth => {
                let last = Day(month_from.0 - 1);
                let (y, m, _) = last.civil();
                (Day::from_civil(y, m, 1), last)
            }
            Quick::YearToDate => (Day::from_civil(year, 1, 1), today),
        }
    }
}

/// A range from the page's query (`?from=…&to=…`), if both are dates and in order.
pub fn from_query(from: Option<&str>, to: Option<&str>) -> Option<(String, String)> {
    let (from, to) = (Day::parse(from?)?, Day::parse(to?)?);
    (from <= to).then(|| (from.format(), to.format()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    fn range(q: Quick, today: &str, start: u32) -> (String, String) {
        let (a, b) = q.range(d(today), start);
        (a.format(), b.format())
    }

    #[test]
    fn a_day_reads_as_people_write_it() {
        assert_eq!(
            Day::parse("2026-03-02").unwrap().long(),
            "Monday 2 March 2026"
        );
        assert_eq!(
            Day::parse("2024-02-29").unwrap().long(),
            "Thursday 29 February 2024"
        );
        assert_eq!(
            Day::parse("2026-12-27").unwrap().long(),
            "Sunday 27 December 2026"
        );
    }

    #[test]
    fn civil_dates_round_trip_and_bad_ones_are_refused() {
        assert_eq!(Day::from_civil(1970, 1, 1), Day(0));
        assert_eq!(d("2026-01-01"), Day(20_454));
        for s in ["2024-02-29", "2000-02-29", "1999-12-31", "2026-12-01"] {
            assert_eq!(d(s).format(), s);
        }
        for bad in [
            "2026-02-29",
            "2100-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01x",
            "2026-01-32",
            "+026-01-01",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(d("2026-12-01").weekday(), 1, "a Tuesday");
    }

    #[test]
    fn weeks_start_on_the_companys_day() {
        // Tuesday 2026-12-01.
        assert_eq!(
            range(Quick::ThisWeek, "2026-12-01", week_start(Some("Monday"))),
            ("2026-11-30".into(), "2026-12-06".into())
        );
        assert_eq!(
            range(Quick::ThisWeek, "2026-12-01", week_start(Some("Sunday"))),
            ("2026-11-29".into(), "2026-12-05".into())
        );
        assert_eq!(
            range(Quick::ThisWeek, "2026-12-01", week_start(Some("Saturday"))),
            ("2026-11-28".into(), "2026-12-04".into())
        );
        assert_eq!(
            range(Quick::LastWeek, "2026-12-01", 0),
            ("2026-11-23".into(), "2026-11-29".into())
        );
        // On the first day of the week, that day starts it.
        assert_eq!(
            range(Quick::ThisWeek, "2026-11-29", 6),
            ("2026-11-29".into(), "2026-12-05".into())
        );
        assert_eq!(week_start(None), 0);
        assert_eq!(week_start(Some("Someday")), 0);
    }

    #[test]
    fn months_and_the_year_so_far_cross_their_boundaries() {
        assert_eq!(
            range(Quick::ThisMonth, "2024-02-10", 0),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            range(Quick::ThisMonth, "2026-12-31", 0),
            ("2026-12-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            range(Quick::LastMonth, "2026-01-15", 0),
            ("2025-12-01".into(), "2025-12-31".into())
        );
        assert_eq!(
            range(Quick::LastMonth, "2026-03-31", 0),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        assert_eq!(
            range(Quick::YearToDate, "2026-12-01", 0),
            ("2026-01-01".into(), "2026-12-01".into())
        );
    }

    #[test]
    fn a_range_from_the_query_must_be_two_dates_in_order() {
        assert_eq!(
            from_query(Some("2026-03-02"), Some("2026-04-30")),
            Some(("2026-03-02".into(), "2026-04-30".into()))
        );
        assert_eq!(from_query(Some("2026-04-30"), Some("2026-03-02")), None);
        assert_eq!(from_query(Some("2026-03-02"), None), None);
        assert_eq!(from_query(Some("<script>"), Some("2026-04-30")), None);
    }
}
