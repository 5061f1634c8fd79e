//! The signed-in dashboard's state, pure: which account to use, and the page-by-page load of
//! time entries with its progress. The Yew layer only dispatches and renders.

use crate::harvest::api::{Account, TimeEntry};
use implicit_oauth::api::pagination::Resume;
use implicit_oauth::api::ApiError;
use implicit_oauth::oauth::{Product, Scope};
use std::rc::Rc;

/// Something fetched once.
#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(ApiError),
}

/// The accounts of `product` (`harvest`, `forecast`) the person may choose from: those the
/// accounts endpoint lists (when it was asked), narrowed to the ids the scope names unless the
/// scope says "all".
pub fn candidates(scope: &Scope, listed: Option<Vec<Account>>, product: Product) -> Vec<Account> {
    let named = scope.accounts();
    let ids = named.of(product);
    let ours = |a: &Account| a.product == product.id();
    match listed {
        Some(list) if named.ask || ids.is_empty() => list.into_iter().filter(ours).collect(),
        Some(list) => list
            .into_iter()
            .filter(|a| ours(a) && ids.contains(&a.id))
            .collect(),
        None => ids
            .iter()
            .map(|id| Account {
                id: *id,
                name: format!("{} account {id}", product.title()),
                product: product.id().into(),
            })
            .collect(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    Loading,
    /// Every page arrived.
    Done,
    /// The person stopped it; what arrived is kept but marked incomplete.
    Cancelled,
    /// A page failed; what arrived is kept but marked incomplete.
    Failed(ApiError),
}

/// One page of time entries, as it arrived. Shared, never copied: the state after each page
/// holds the pages before it by reference, so a page costs the same at the end of a long load
/// as at the start. Two pages are equal only when they are the same arrival, which lets the
/// view redraw just the page that is new.
#[derive(Clone, Debug)]
pub struct EntryPage(Rc<[TimeEntry]>);

impl PartialEq for EntryPage {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for EntryPage {
    type Target = [TimeEntry];
    fn deref(&self) -> &[TimeEntry] {
        &self.0
    }
}

/// Which pages a table showing `drawn` must append to show `pages`: those after `drawn` when
/// `pages` extends it, or `None` when it does not (another load), and the table starts afresh.
pub fn pages_to_append<'a>(drawn: &[EntryPage], pages: &'a [EntryPage]) -> Option<&'a [EntryPage]> {
    pages.strip_prefix(drawn)
}

/// While a load runs, the table takes new rows at most this often (milliseconds).
pub const DRAW_EVERY_MS: u64 = 200;

/// Milliseconds to wait before drawing the pages that arrived, at `now_ms`, when the table was
/// last drawn at `last_draw_ms` (0: draw now). The first rows and the end of a load are drawn
/// at once.
pub fn draw_delay(loading: bool, now_ms: u64, last_draw_ms: Option<u64>) -> u64 {
    match last_draw_ms {
        Some(last) if loading => (last + DRAW_EVERY_MS).saturating_sub(now_ms),
        _ => 0,
    }
}

/// The time-entry table and the load behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entries {
    pub from: String,
    pub to: String,
    pub phase: Phase,
    /// What arrived, page by page (empty pages are not kept).
    pub pages: Vec<EntryPage>,
    pub pages_loaded: u32,
    /// Unknown on cursor-paginated responses.
    pub total_pages: Option<u32>,
    pub total_entries: Option<u64>,
    /// Seconds the client is waiting after a 429, shown to the person.
    pub waiting_secs: Option<u64>,
    /// Increments per load, so late pages of a cancelled load are ignored.
    pub generation: u32,
    /// The page a failed load stopped at: its Retry asks for it and the pages after it, keeping
    /// those that arrived. Set only by a failure; a new load (another range, another account)
    /// starts without it.
    pub resume: Option<Resume>,
}

#[derive(Debug)]
pub enum EntriesAction {
    Start {
        from: String,
        to: String,
    },
    Page {
        generation: u32,
        entries: Vec<TimeEntry>,
        total_pages: Option<u32>,
        total_entries: Option<u64>,
    },
    Waiting {
        generation: u32,
        secs: u64,
    },
    Finished {
        generation: u32,
    },
    Failed {
        generation: u32,
        error: ApiError,
        resume: Option<Resume>,
    },
    /// Try a failed load again: from the page it stopped at when known, else from the start.
    Retry,
    Cancel,
}

impl Entries {
    pub fn new(from: &str, to: &str) -> Self {
        Entries {
            from: from.into(),
            to: to.into(),
            phase: Phase::Idle,
            pages: Vec::new(),
            pages_loaded: 0,
            total_pages: None,
            total_entries: None,
            waiting_secs: None,
            generation: 0,
            resume: None,
        }
    }

    pub fn next(&self, action: EntriesAction) -> Entries {
        use EntriesAction as A;
        let current = |g: u32| g == self.generation && self.phase == Phase::Loading;
        let mut s = self.clone();
        match action {
            A::Start { from, to } => {
                s = Entries::new(&from, &to);
                s.generation = self.generation + 1;
                s.phase = Phase::Loading;
            }
            A::Page {
                generation,
                entries,
                total_pages,
                total_entries,
            } if current(generation) => {
                if !entries.is_empty() {
                    s.pages.push(EntryPage(entries.into()));
                }
                s.pages_loaded += 1;
                s.total_pages = total_pages.or(s.total_pages);
                s.total_entries = total_entries.or(s.total_entries);
                s.waiting_secs = None;
            }
            A::Waiting { generation, secs } if current(generation) => s.waiting_secs = Some(secs),
            A::Finished { generation } if current(generation) => {
                s.phase = Phase::Done;
                s.waiting_secs = None;
            }
            A::Failed {
                generation,
                error,
                resume,
            } if current(generation) => {
                s.phase = Phase::Failed(error);
                s.waiting_secs = None;
                s.resume = resume;
            }
            A::Retry if matches!(self.phase, Phase::Failed(_)) => {
                if self.resume.is_none() {
                    s = Entries::new(&self.from, &self.to);
                }
                s.generation = self.generation + 1;
                s.phase = Phase::Loading;
                s.waiting_secs = None;
            }
            A::Cancel if self.phase == Phase::Loading => {
                s.phase = Phase::Cancelled;
                s.waiting_secs = None;
            }
            _ => {}
        }
        s
    }

    /// Every entry that arrived, in order.
    pub fn entries(&self) -> impl Iterator<Item = &TimeEntry> {
        self.pages.iter().flat_map(|p| p.iter())
    }

    pub fn count(&self) -> usize {
        self.pages.iter().map(|p| p.len()).sum()
    }

    /// Only a finished load is complete; a partial table must never look like a full one.
    pub fn is_complete(&self) -> bool {
        self.phase == Phase::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harvest::api::Ref;

    fn acct(id: u64, product: &str) -> Account {
        Account {
            id,
            name: format!("A{id}"),
            product: product.into(),
        }
    }

    fn entry(hours: f64) -> TimeEntry {
        TimeEntry {
            id: 1,
            spent_date: "2026-01-02".into(),
            hours,
            notes: None,
            project: Ref {
                id: 1,
                name: "P".into(),
            },
            task: Ref {
                id: 1,
                name: "T".into(),
            },
            client: None,
            billable: true,
        }
    }

    #[test]
    fn candidates_are_the_scoped_harvest_accounts() {
        let listed = Some(vec![
            acct(1, "harvest"),
            acct(2, "harvest"),
            acct(3, "forecast"),
        ]);
        assert_eq!(
            candidates(
                &Scope::parse("harvest:2 forecast:3"),
                listed.clone(),
                Product::Harvest
            ),
            vec![acct(2, "harvest")]
        );
        assert_eq!(
            candidates(&Scope::parse("all"), listed.clone(), Product::Harvest).len(),
            2
        );
        assert_eq!(
            candidates(
                &Scope::parse("harvest:all"),
                listed.clone(),
                Product::Harvest
            )
            .len(),
            2
        );
    }

    #[test]
    fn without_an_accounts_endpoint_the_scope_names_the_accounts() {
        let c = candidates(&Scope::parse("harvest:5000000001"), None, Product::Harvest);
        assert_eq!(c[0].id, 5_000_000_001);
        assert!(candidates(&Scope::parse("forecast:1"), None, Product::Harvest).is_empty());
        let f = candidates(
            &Scope::parse("harvest:1 forecast:7"),
            None,
            Product::Forecast,
        );
        assert_eq!((f[0].id, f[0].name.as_str()), (7, "Forecast account 7"));
    }

    #[test]
    fn pages_accumulate_and_only_a_finished_load_is_complete() {
        let s = Entries::new("2026-01-01", "2026-01-31").next(EntriesAction::Start {
            from: "a".into(),
            to: "b".into(),
        });
        let g = s.generation;
        let s = s.next(EntriesAction::Page {
            generation: g,
            entries: vec![entry(1.5), entry(2.25)],
            total_pages: Some(2),
            total_entries: Some(3),
        });
        assert_eq!((s.count(), s.total_entries), (2, Some(3)));
        assert!(!s.is_complete());
        let s = s.next(EntriesAction::Page {
            generation: g,
            entries: vec![entry(0.25)],
            total_pages: Some(2),
            total_entries: Some(3),
        });
        let s = s.next(EntriesAction::Finished { generation: g });
        assert!(s.is_complete());
        let total = crate::harvest::totals::Totals::of(
            s.entries(),
            crate::harvest::totals::TimeFormat::Decimal,
        )
        .total;
        assert_eq!(crate::harvest::totals::format_hundredths(total), "4.00");
    }

    #[test]
    fn a_new_page_shares_the_pages_before_it() {
        let s = Entries::new("a", "b").next(EntriesAction::Start {
            from: "a".into(),
            to: "b".into(),
        });
        let g = s.generation;
        let page = |hours| EntriesAction::Page {
            generation: g,
            entries: vec![entry(hours)],
            total_pages: None,
            total_entries: None,
        };
        let one = s.next(page(1.0));
        let two = one.next(page(1.0));
        let done = two.next(EntriesAction::Finished { generation: g });
        // The first page is the very same allocation in every later state…
        assert!(Rc::ptr_eq(&one.pages[0].0, &done.pages[0].0));
        assert_eq!(one.pages[0], done.pages[0]);
        // …and a page with the same content that arrived later is another page.
        assert_eq!(two.pages[0][..], two.pages[1][..]);
        assert_ne!(two.pages[0], two.pages[1]);
        assert_eq!((done.count(), done.entries().count()), (2, 2));
    }

    #[test]
    fn a_failed_page_keeps_the_partial_table_marked_incomplete() {
        let s = Entries::new("a", "b").next(EntriesAction::Start {
            from: "a".into(),
            to: "b".into(),
        });
        let g = s.generation;
        let s = s.next(EntriesAction::Page {
            generation: g,
            entries: vec![entry(1.0)],
            total_pages: Some(3),
            total_entries: None,
        });
        let s = s.next(EntriesAction::Failed {
            generation: g,
            error: ApiError::Network,
            resume: None,
        });
        assert_eq!(s.count(), 1);
        assert!(!s.is_complete());
        // Without a page to resume from, Retry starts the range over, in a new load.
        let again = s.next(EntriesAction::Retry);
        assert_eq!(again.phase, Phase::Loading);
        assert_eq!(
            (again.count(), again.pages_loaded, again.generation),
            (0, 0, g + 1)
        );
        assert_eq!((again.from.as_str(), again.to.as_str()), ("a", "b"));
        // Retry means nothing to a load that did not fail.
        assert_eq!(again.next(EntriesAction::Retry), again);
    }

    #[test]
    fn pages_of_a_cancelled_or_replaced_load_are_ignored() {
        let s = Entries::new("a", "b").next(EntriesAction::Start {
            from: "a".into(),
            to: "b".into(),
        });
        let old = s.generation;
        let cancelled = s.next(EntriesAction::Cancel);
        assert_eq!(cancelled.phase, Phase::Cancelled);
        let after = cancelled.next(EntriesAction::Page {
            generation: old,
            entries: vec![entry(1.0)],
            total_pages: None,
            total_entries: None,
        });
        assert_eq!(after.count(), 0);
        let restarted = cancelled.next(EntriesAction::Start {
            from: "a".into(),
            to: "b".into(),
        });
        let stale = restarted.next(EntriesAction::Page {
            generation: old,
            entries: vec![entry(1.0)],
            total_pages: None,
            total_entries: None,
        });
        assert_eq!(stale.count(), 0);
    }

    #[test]
    fn cursor_pages_have_no_known_progress() {
        let s = Entries::new("a", "b").next(EntriesAction::Start {
            from: "a".into(),
            to: "b".into(),
        });
        let s = s.next(EntriesAction::Page {
            generation: s.generation,
            entries: vec![],
            total_pages: None,
            total_entries: None,
        });
        assert_eq!(s.total_entries, None);
        assert_eq!(s.pages_loaded, 1);
    }

    #[test]
    fn hours_format_without_float_noise() {
        use crate::harvest::totals::{hundredths, TimeFormat};
        let show = |h: f64| TimeFormat::Decimal.show(hundredths(h));
        assert_eq!(show(0.1 + 0.2), "0.30");
        assert_eq!(show(1209.75), "1209.75");
        assert_eq!(show(0.004), "0.00");
        assert_eq!(show(2.005_000_1), "2.01");
        assert_eq!(show(-1.5), "-1.50");
        let hm = TimeFormat::HoursMinutes;
        assert_eq!(hm.show(hm.units(0.1 + 0.2)), "0:18");
    }

    #[test]
    fn a_table_appends_only_new_pages_and_starts_afresh_for_another_load() {
        let page = || EntryPage(vec![entry(1.0)].into());
        let (a, b, c) = (page(), page(), page());
        let shown = [a.clone(), b.clone()];
        assert_eq!(
            pages_to_append(&shown, &[a.clone(), b.clone(), c.clone()]),
            Some(&[c.clone()][..])
        );
        assert_eq!(pages_to_append(&shown, &shown), Some(&[][..]));
        assert_eq!(pages_to_append(&[], &shown), Some(&shown[..]));
        // Equal entries that arrived separately are another load.
        assert_eq!(
            pages_to_append(&shown, &[page(), b.clone(), c.clone()]),
            None
        );
        assert_eq!(pages_to_append(&shown, std::slice::from_ref(&a)), None);
        assert_eq!(pages_to_append(&shown, &[]), None);
    }

    #[test]
    fn rows_are_drawn_at_most_every_200_ms_during_a_load_and_at_once_otherwise() {
        assert_eq!(draw_delay(true, 1000, None), 0, "the first rows at once");
        assert_eq!(draw_delay(true, 1050, Some(1000)), 150);
        assert_eq!(draw_delay(true, 1200, Some(1000)), 0);
        assert_eq!(draw_delay(true, 5000, Some(1000)), 0);
        assert_eq!(
            draw_delay(false, 1050, Some(1000)),
            0,
            "the end of a load at once"
        );
    }
}
