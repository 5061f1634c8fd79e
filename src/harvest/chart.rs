//! The series the dashboard's bar chart draws: hours per day for ranges of up to 31 days, per
//! week (starting on the company's week start) beyond, with the empty days and weeks in place
//! so the bars keep the calendar's rhythm. Pure; the screen draws it as SVG.

use super::ranges::Day;

/// One bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Its first day, `YYYY-MM-DD`.
    pub start: String,
    /// Hours in it, in the time format's unit (hundredths of an hour, or minutes).
    pub units: i64,
}

/// Ranges longer than this many days are drawn per week.
pub const MAX_DAILY_BARS: i64 = 31;

/// Whether `from`..=`to` is drawn per week.
pub fn is_weekly(from: Day, to: Day) -> bool {
    to.0 - from.0 + 1 > MAX_DAILY_BARS
}

/// The bars for `from`..=`to` from hours per day (`(date, units)`, any order; dates
/// outside the range are ignored). `None` when the dates are not a range.
pub fn series(days: &[(String, i64)], from: &str, to: &str, week_start: u32) -> Option<Vec<Bar>> {
    let (from, to) = (Day::parse(from)?, Day::parse(to)?);
    if from > to {
        return None;
    }
    let weekly = is_weekly(from, to);
    // Bars start on `from` (daily), or on the week start on or before it (weekly).
    let first = if weekly {
        from.week_start(week_start)
    } else {
        from
    };
    let width = if weekly { 7 } else { 1 };
    let count = (to.0 - first.0) / width + 1;
    let mut bars: Vec<Bar> = (0..count)
        .map(|i| Bar {
            start: Day(first.0 + i * width).format(),
            units: 0,
        })
        .collect();
    for (date, h) in days {
        let Some(day) = Day::parse(date).filter(|d| *d >= from && *d <= to) else {
            continue;
        };
        bars[((day.0 - first.0) / width) as usize].units += h;
    }
    Some(bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|(d, h)| ((*d).to_owned(), *h)).collect()
    }

    #[test]
    fn a_month_is_drawn_day_by_day_with_empty_days_in_place() {
        let bars = series(
            &days(&[
                ("2026-03-02", 150),
                ("2026-03-04", 25),
                ("2026-03-04", 75),
                ("2026-04-01", 999),
            ]),
            "2026-03-01",
            "2026-03-31",
            0,
        )
        .unwrap();
        assert_eq!(bars.len(), 31);
        assert_eq!(
            bars[0],
            Bar {
                start: "2026-03-01".into(),
                units: 0
            }
        );
        assert_eq!(bars[1].units, 150);
        assert_eq!(
            bars[3],
            Bar {
                start: "2026-03-04".into(),
                units: 100
            }
        );
        assert_eq!(
            bars.iter().map(|b| b.units).sum::<i64>(),
            250,
            "April is outside"
        );
    }

    #[test]
    fn a_long_range_is_drawn_week_by_week_from_the_companys_week_start() {
        // 2026-01-01 is a Thursday; Sunday-start weeks begin on 2025-12-28.
        let bars = series(
            &days(&[("2026-01-01", 100), ("2026-01-03", 100), ("2026-01-04", 50)]),
            "2026-01-01",
            "2026-03-31",
            6,
        )
        .unwrap();
        assert_eq!(
            bars[0],
            Bar {
                start: "2025-12-28".into(),
                units: 200
            }
        );
        assert_eq!(
            bars[1],
            Bar {
                start: "2026-01-04".into(),
                units: 50
            }
        );
        assert_eq!(bars.last().unwrap().start, "2026-03-29");
        assert_eq!(series(&[], "2026-03-02", "2026-03-01", 0), None);
        assert_eq!(series(&[], "2026-03-01", "2026-03-01", 0).unwrap().len(), 1);
    }
}
