//! The signed-in dashboard: account choice, the person, the company, their project
//! assignments, and time entries for a date range loaded page by page.

use crate::harvest::api::{
    Account, Accounts, AssignmentsPage, Company, ProjectAssignment, TimeEntriesPage, User,
};
use crate::harvest::chart::{is_weekly, series, Bar};
use crate::harvest::export::{entries_csv, file_name, totals_csv};
use crate::harvest::model::{
    candidates, draw_delay, pages_to_append, Entries, EntriesAction, EntryPage, Load, Phase,
};
use crate::harvest::ranges::{from_query, week_start, Day, Quick};
use crate::harvest::totals::{percent_of, sorted, Line, SortBy, TimeFormat, Totals};
use crate::views::{renew_button, Expires};
use gloo_timers::callback::Timeout;
use implicit_oauth::api::pagination::PagesError;
use implicit_oauth::api::ApiError;
use implicit_oauth::browser::api_client::ApiClient;
use implicit_oauth::browser::now_ms;
use implicit_oauth::browser::{remember_account, remembered_account};
use implicit_oauth::oauth::Product;
use implicit_oauth::oauth::{Config, Session};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    pub config: Rc<Config>,
    /// The app owns the page: the range may live in (and come from) the address bar's query.
    /// Embedded in a host page, the host's URL is the host's.
    #[prop_or_default]
    pub owns_page: bool,
    pub session: Rc<Session>,
    /// Whether `session` still works.
    #[prop_or(Freshness::Live)]
    pub freshness: Freshness,
    /// The API answered 401: the token is dead and the session must end.
    pub on_unauthorized: Callback<()>,
    /// Sign in again through a sign-in window, keeping what the dashboard shows.
    #[prop_or_default]
    pub on_renew: Callback<()>,
    /// A refresh token renews the session by itself: no warning before it expires.
    #[prop_or_default]
    pub renews_itself: bool,
    /// Give up waiting for that window.
    #[prop_or_default]
    pub on_cancel_renew: Callback<()>,
    /// Sign in again by leaving the page (where windows cannot open); the range stays in the
    /// address bar.
    #[prop_or_default]
    pub on_sign_in_redirect: Callback<()>,
    /// A renewal brought someone else's session: the dashboard must start afresh for them.
    #[prop_or_default]
    pub on_new_person: Callback<()>,
    pub on_sign_out: Callback<MouseEvent>,
}

/// Whether the dashboard's session still works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Signed in.
    Live,
    /// Signed in, and a sign-in window is open to renew the session.
    Renewing,
    /// The session expired: what is shown is from before, and nothing more is loaded until the
    /// person signs in again (`renewing`: a window is open for that).
    Stale { renewing: bool },
}

#[derive(PartialEq)]
struct EntriesState(Entries);

impl Reducible for EntriesState {
    type Action = EntriesAction;
    fn reduce(self: Rc<Self>, action: EntriesAction) -> Rc<Self> {
        Rc::new(EntriesState(self.0.next(action)))
    }
}

/// Today, in local time.
fn today() -> Day {
    let now = js_sys::Date::new_0();
    Day::from_civil(
        i64::from(now.get_full_year()),
        now.get_month() + 1,
        now.get_date(),
    )
}

/// The range in the page's query (a reload or a shared link), when the app owns the page.
fn range_in_query(owns_page: bool) -> Option<(String, String)> {
    let query = owns_page
        .then(web_sys::window)
        .flatten()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok());
    let get = |k: &str| query.as_ref().and_then(|q| q.get(k));
    from_query(get("from").as_deref(), get("to").as_deref())
}

/// This week, weeks starting on `week_start` (0 Monday … 6 Sunday).
fn this_week(week_start: u32) -> (String, String) {
    let (from, to) = Quick::ThisWeek.range(today(), week_start);
    (from.format(), to.format())
}

/// Keeps a chosen range in the address bar's query (`from`, `to`; the route's other
/// parameters stay), so a reload or a shared link reopens it.
fn remember_range(from: &str, to: &str) {
    let Some((from, to)) = from_query(Some(from), Some(to)) else {
        return;
    };
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else {
        return;
    };
    let Ok(query) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    query.set("from", &from);
    query.set("to", &to);
    let query: String = query.to_string().into();
    let _ = implicit_oauth::browser::location::replace_url(&format!("{path}?{query}"));
}

/// Ends the session on a 401, but only for the token the request was sent with: a late 401 for
/// a token a renewal has already replaced says nothing about the new one.
#[derive(Clone)]
struct Unauthorized {
    on: Callback<()>,
    /// The dashboard's session now.
    current: Rc<RefCell<Rc<Session>>>,
    /// The session the request was sent with.
    used: Rc<Session>,
}

impl Unauthorized {
    fn new(props: &DashboardProps, current: &Rc<RefCell<Rc<Session>>>) -> Self {
        Unauthorized {
            on: props.on_unauthorized.clone(),
            current: current.clone(),
            used: props.session.clone(),
        }
    }

    /// Whether the request's token is still the one in use.
    fn live(&self) -> bool {
        Rc::ptr_eq(&self.current.borrow(), &self.used)
    }
}

/// Shows an API error, or ends the session when the error says the token in use is dead.
fn report<T>(unauthorized: &Unauthorized, slot: &UseStateHandle<Load<T>>, error: ApiError) {
    if error == ApiError::Unauthorized && unauthorized.live() {
        unauthorized.on.emit(());
    } else {
        slot.set(Load::Failed(error));
    }
}

#[component]
pub fn Dashboard(props: &DashboardProps) -> Html {
    let client = use_memo((props.config.clone(), props.session.clone()), |(c, s)| {
        ApiClient::new(c.clone(), s.clone())
    });
    // The session in use now, for requests to tell whether their token is still it.
    let current_session = use_mut_ref(|| props.session.clone());
    *current_session.borrow_mut() = props.session.clone();
    let accounts = use_state(|| Load::<Vec<Account>>::Loading);
    // Bumped by Retry after the accounts could not be listed.
    let account_tries = use_state(|| 0u32);
    let chosen = use_state(|| None::<Account>);
    let reloads = use_state(|| 0u32);
    let person = use_state(|| Load::<User>::Loading);
    // The account the person was loaded for.
    let person_for = use_mut_ref(|| None::<u64>);
    let company = use_state(|| Load::<Company>::Loading);
    let assignments = use_state(|| Load::<Vec<ProjectAssignment>>::Loading);
    // The range shown first: the one in the address bar, else this week (which waits for the
    // company's week start before it loads).
    let in_query = use_memo(props.owns_page, |owns| range_in_query(*owns));
    let (default_from, default_to) = in_query.as_ref().clone().unwrap_or_else(|| this_week(0));
    let range = use_state(|| (default_from.clone(), default_to.clone()));
    let entries = use_reducer(|| EntriesState(Entries::new(&default_from, &default_to)));
    let cancel_flag = use_mut_ref(|| Rc::new(Cell::new(false)));

    {
        // Which accounts may be used; one is chosen at once, several are offered.
        let (client, accounts, chosen, config, session, unauth) = (
            client.clone(),
            accounts.clone(),
            chosen.clone(),
            props.config.clone(),
            props.session.clone(),
            Unauthorized::new(props, &current_session),
        );
        // Not the client: a renewed session (a new token, the same grant) keeps the account
        // and what was loaded for it.
        let grant = (props.config.clone(), session.scope.clone());
        use_effect_with((grant, *account_tries), move |_| {
            accounts.set(Load::Loading);
            spawn_local(async move {
                let listed = match client.accounts::<Accounts>().await {
                    Ok(list) => list.map(|a| a.accounts),
                    Err(e) => return report(&unauth, &accounts, e),
                };
                let list = candidates(&session.scope, listed, Product::Harvest);
                let remembered = remembered_account(&config);
                let pick = list
                    .iter()
                    .find(|a| Some(a.id) == remembered)
                    .or(if list.len() == 1 { list.first() } else { None });
                chosen.set(pick.cloned());
                accounts.set(Load::Loaded(list));
            });
        });
    }

    {
        // The person, the company and the assignments, for the chosen account.
        let (client, person, company, assignments, unauth) = (
            client.clone(),
            person.clone(),
            company.clone(),
            assignments.clone(),
            Unauthorized::new(props, &current_session),
        );
        let account = chosen.as_ref().map(|a| a.id);
        let person_for = person_for.clone();
        use_effect_with((account, *reloads), move |(account, _)| {
            if let Some(account) = *account {
                let client = client.for_account(account);
                *person_for.borrow_mut() = None;
                person.set(Load::Loading);
                company.set(Load::Loading);
                assignments.set(Load::Loading);
                // Three requests at once, not one after another: the first range waits for
                // the person and the company, and on a slow phone each round trip shows.
                {
                    let (client, unauth) = (client.clone(), unauth.clone());
                    spawn_local(async move {
                        match client.get::<User>("users/me").await {
                            Ok(user) => {
                                *person_for.borrow_mut() = Some(account);
                                person.set(Load::Loaded(user))
                            }
                            Err(e) => report(&unauth, &person, e),
                        }
                    });
                }
                {
                    let (client, unauth) = (client.clone(), unauth.clone());
                    spawn_local(async move {
                        match client.get::<Company>("company").await {
                            Ok(c) => company.set(Load::Loaded(c)),
                            Err(e) => report(&unauth, &company, e),
                        }
                    });
                }
                spawn_local(async move {
                    match client
                        .get::<AssignmentsPage>("users/me/project_assignments")
                        .await
                    {
                        Ok(page) => assignments.set(Load::Loaded(page.project_assignments)),
                        Err(e) => report(&unauth, &assignments, e),
                    }
                });
            }
        });
    }

    // The person's id in the chosen account: none while it loads, and none in the render
    // right after another account is chosen, while the person shown is the last account's.
    let person_id = match (&*person, *person_for.borrow()) {
        (Load::Loaded(user), Some(a)) if Some(a) == chosen.as_ref().map(|c| c.id) => Some(user.id),
        _ => None,
    };
    {
        // A renewal may have been approved by someone else (a shared computer, another login at
        // the provider): the new token's person is asked for, and another person gets a fresh
        // dashboard instead of the last one's data.
        let (client, on_new_person, renewals) = (
            client.clone(),
            props.on_new_person.clone(),
            use_mut_ref(|| 0u32),
        );
        let account = chosen.as_ref().map(|a| a.id);
        use_effect_with(props.session.clone(), move |_| {
            *renewals.borrow_mut() += 1;
            if let (true, Some(account), Some(shown)) = (*renewals.borrow() > 1, account, person_id)
            {
                let client = client.for_account(account);
                spawn_local(async move {
                    if let Ok(user) = client.get::<User>("users/me").await {
                        if user.id != shown {
                            on_new_person.emit(());
                        }
                    }
                });
            }
        });
    }
    // The weekday the company's weeks start on (Monday if the company could not be read) and
    // how it writes hours, once known. While the company reloads (Reload) the last known stay:
    // the table is not redrawn in another format and back.
    let known = use_mut_ref(|| None::<(u32, TimeFormat)>);
    if let Load::Loaded(c) = &*company {
        *known.borrow_mut() = Some((
            week_start(c.week_start_day.as_deref()),
            TimeFormat::of(c.time_format.as_deref()),
        ));
    }
    let week_start_day = match (&*company, *known.borrow()) {
        (_, Some((start, _))) => Some(start),
        (Load::Failed(_), None) => Some(0),
        (_, None) => None,
    };
    let time_format = known.borrow().map_or(TimeFormat::Decimal, |(_, f)| f);
    {
        // The first time the person and the company's week are known, load the first range.
        let (entries, range) = (entries.clone(), range.clone());
        use_effect_with((person_id, week_start_day), move |(id, start)| {
            if let (Some(_), Some(start), 0) = (id, start, entries.0.generation) {
                let (from, to) = in_query
                    .as_ref()
                    .clone()
                    .unwrap_or_else(|| this_week(*start));
                range.set((from.clone(), to.clone()));
                entries.dispatch(EntriesAction::Start { from, to });
            }
        });
    }

    {
        // Each load (generation) runs until done, failed, cancelled, or replaced, and starts
        // once: the person reloading (Reload) neither stops it nor starts it again, which would
        // add its pages twice.
        let started = use_mut_ref(|| None::<(u32, u64)>);
        {
            // Leaving the dashboard stops whatever load runs.
            let cancel_flag = cancel_flag.clone();
            use_effect_with((), move |_| move || cancel_flag.borrow().set(true));
        }
        let (client, entries_handle, unauth, cancel_flag, owns_page) = (
            client.clone(),
            entries.clone(),
            Unauthorized::new(props, &current_session),
            cancel_flag.clone(),
            props.owns_page,
        );
        let account = chosen.as_ref().map(|a| a.id);
        let load = (
            entries.0.generation,
            entries.0.from.clone(),
            entries.0.to.clone(),
        );
        // Read when a load starts; a new generation is what starts one.
        let resume = entries.0.resume.clone();
        use_effect_with(
            (load, account, person_id),
            move |((generation, from, to), account, person_id)| {
                let replaced = started
                    .borrow()
                    .is_some_and(|(g, a)| g != *generation || Some(a) != *account);
                if replaced {
                    cancel_flag.borrow().set(true);
                    *started.borrow_mut() = None;
                }
                let idle = started.borrow().is_none();
                if let (Some(account), Some(user_id), true, true) =
                    (*account, *person_id, *generation > 0, idle)
                {
                    *started.borrow_mut() = Some((*generation, account));
                    let cancelled = Rc::new(Cell::new(false));
                    *cancel_flag.borrow_mut() = cancelled.clone();
                    let (generation, from, to) = (*generation, from.clone(), to.clone());
                    let resume = resume.clone();
                    // A range the person chose (any load after the automatic first one) goes
                    // into the address bar; the first leaves the URL as sign-in left it.
                    if owns_page && generation > 1 {
                        remember_range(&from, &to);
                    }
                    let client = client.for_account(account);
                    let entries = entries_handle.clone();
                    let stop = cancelled.clone();
                    spawn_local(async move {
                        let on_wait = {
                            let entries = entries.clone();
                            Rc::new(move |secs| {
                                entries.dispatch(EntriesAction::Waiting { generation, secs })
                            })
                        };
                        let on_page = {
                            let entries = entries.clone();
                            move |page: TimeEntriesPage| {
                                entries.dispatch(EntriesAction::Page {
                                    generation,
                                    entries: page.time_entries,
                                    total_pages: page.paging.total_pages,
                                    total_entries: page.paging.total_entries,
                                })
                            }
                        };
                        let result = match &resume {
                            // A Retry goes on from the page that failed.
                            Some(at) => {
                                client
                                    .resume_pages(at, stop.clone(), on_wait, on_page)
                                    .await
                            }
                            None => {
                                client
                                    .pages(
                                        "time_entries",
                                        &[
                                            ("user_id", &user_id.to_string()),
                                            ("from", &from),
                                            ("to", &to),
                                        ],
                                        stop.clone(),
                                        on_wait,
                                        on_page,
                                    )
                                    .await
                            }
                        };
                        match result {
                            _ if stop.get() => {}
                            Ok(()) => entries.dispatch(EntriesAction::Finished { generation }),
                            Err(e) if e.error == ApiError::Unauthorized && unauth.live() => {
                                unauth.on.emit(())
                            }
                            Err(PagesError { error, resume }) => {
                                entries.dispatch(EntriesAction::Failed {
                                    generation,
                                    error,
                                    resume,
                                })
                            }
                        }
                    });
                }
            },
        );
    }

    let choose = {
        let (chosen, config, entries) = (chosen.clone(), props.config.clone(), entries.clone());
        let cancel_flag = cancel_flag.clone();
        let range = range.clone();
        let stale = matches!(props.freshness, Freshness::Stale { .. });
        Callback::from(move |account: Account| {
            // An expired session asks the provider for nothing.
            if stale {
                return;
            }
            cancel_flag.borrow().set(true);
            // Another account's entries are another load (none before the first).
            if entries.0.generation > 0 {
                let (from, to) = (*range).clone();
                entries.dispatch(EntriesAction::Start { from, to });
            }
            remember_account(&config, account.id);
            chosen.set(Some(account));
        })
    };

    let stale = matches!(props.freshness, Freshness::Stale { .. });
    let renewing = matches!(
        props.freshness,
        Freshness::Renewing | Freshness::Stale { renewing: true }
    );
    {
        // An expired session loads nothing more: a load under way stops, keeping what arrived.
        let (entries, flag) = (entries.clone(), cancel_flag.clone());
        use_effect_with(stale, move |stale| {
            if *stale {
                flag.borrow().set(true);
                entries.dispatch(EntriesAction::Cancel);
            }
        });
    }
    let header = {
        let switch = {
            let chosen = chosen.clone();
            Callback::from(move |_: MouseEvent| chosen.set(None))
        };
        let several = matches!(&*accounts, Load::Loaded(list) if list.len() > 1);
        let refresh = {
            let reloads = reloads.clone();
            Callback::from(move |_: MouseEvent| reloads.set(*reloads + 1))
        };
        html! {
            <header class="dash-header">
                <h1>{ if stale { "Your sign-in has expired" } else { "You are signed in" } }</h1>
                // Above the lines that fill in as answers arrive, so they never move.
                <div class="actions">
                    <button id="refresh" onclick={refresh} disabled={chosen.is_none() || stale}>{ "Reload" }</button>
                    <button id="sign-out" onclick={props.on_sign_out.clone()}>{ "Sign out" }</button>
                </div>
                { person_view(&person) }
                if let Some(account) = &*chosen {
                    <p class="account">{ "Account: " }<strong id="account-name">{ &account.name }</strong>
                        if several && !stale { { " " }<button id="switch-account" class="link" onclick={switch}>{ "Switch account" }</button> }
                    </p>
                }
                if stale {
                    <div class="notice" id="stale-notice" role="status">
                        <p>{ "What you see is from before your sign-in expired. Sign in again to load more; it stays here meanwhile." }</p>
                        { renew_button(&props.on_renew, &props.on_cancel_renew, renewing) }
                        if !renewing {
                            <p>{ "Where a sign-in window cannot open: " }
                                <button id="renew-redirect" class="link" onclick={props.on_sign_in_redirect.reform(|_: MouseEvent| ())}>
                                    { "sign in on this page instead" }</button>
                                { " (what is shown here is loaded again after)." }</p>
                        }
                    </div>
                } else {
                    <Expires session={props.session.clone()} on_renew={props.on_renew.clone()}
                        warn_ms={if props.renews_itself { 0 } else { u64::from(props.config.expiring_seconds()) * 1000 }}
                        on_cancel_renew={props.on_cancel_renew.clone()} {renewing} />
                }
            </header>
        }
    };

    let body = match (&*accounts, &*chosen) {
        (Load::Loading, _) => {
            html! { <p aria-busy="true" id="accounts-loading">{ "Finding your accounts…" }</p> }
        }
        (Load::Failed(e), _) => html! {
            <div role="alert">
                <p id="api-error">{ e.to_string() }</p>
                <button id="retry-accounts" disabled={stale} onclick={{
                    let tries = account_tries.clone();
                    Callback::from(move |_| tries.set(*tries + 1))
                }}>{ "Retry" }</button>
            </div>
        },
        (Load::Loaded(list), None) => picker(list, choose, stale),
        (Load::Loaded(_), Some(account)) => html! {
            <>
                // The answers first; the company and the projects after them.
                <EntriesView entries={entries.0.clone()} range={(*range).clone()} {stale}
                    account={(account.id, account.name.clone())}
                    week_start={week_start_day} {time_format}
                    on_quick={{ let (entries, range) = (entries.clone(), range.clone()); Callback::from(move |(from, to): (String, String)| {
                        range.set((from.clone(), to.clone()));
                        entries.dispatch(EntriesAction::Start { from, to })
                    }) }}
                    on_range={{ let range = range.clone(); Callback::from(move |r| range.set(r)) }}
                    on_load={{ let (entries, range) = (entries.clone(), range.clone()); Callback::from(move |_| {
                        let (from, to) = (*range).clone();
                        entries.dispatch(EntriesAction::Start { from, to })
                    }) }}
                    on_retry={{ let entries = entries.clone(); Callback::from(move |_| entries.dispatch(EntriesAction::Retry)) }}
                    on_cancel={{ let (entries, flag) = (entries.clone(), cancel_flag.clone()); Callback::from(move |_| {
                        flag.borrow().set(true);
                        entries.dispatch(EntriesAction::Cancel)
                    }) }} />
                // Once the first load has ended: below the entries, which grow as pages arrive,
                // anything would be pushed down under the reader's eyes.
                if !matches!(entries.0.phase, Phase::Idle | Phase::Loading) {
                    { company_view(&company) }
                    { assignments_view(&assignments) }
                }
            </>
        },
    };
    let screen = if stale { "expired" } else { "signed-in" };
    html! { <section data-screen={screen} class="dashboard">{ header }{ body }</section> }
}

fn person_view(person: &Load<User>) -> Html {
    match person {
        Load::Loading => {
            html! { <p aria-busy="true" id="profile-loading">{ "Loading your profile…" }</p> }
        }
        Load::Loaded(user) => html! {
            <p class="who">{ "Signed in as " }<strong id="user-name">{ user.full_name() }</strong>
                if let Some(email) = &user.email { <span class="email">{ format!(" ({email})") }</span> }
            </p>
        },
        Load::Failed(error) => html! { <p role="alert" id="api-error">{ error.to_string() }</p> },
    }
}

fn picker(list: &[Account], choose: Callback<Account>, stale: bool) -> Html {
    if list.is_empty() {
        return html! {
            <p role="alert" id="no-accounts">{ "No Harvest account was shared with this app. Sign out, sign in again and choose at least one Harvest account." }</p>
        };
    }
    html! {
        <fieldset id="account-picker" class="picker">
            <legend>{ "Choose an account" }</legend>
            <ul>
            { for list.iter().map(|a| {
                let (choose, account) = (choose.clone(), a.clone());
                html! { <li><button class="account" disabled={stale} data-account-id={a.id.to_string()} onclick={Callback::from(move |_| choose.emit(account.clone()))}>{ &a.name }</button></li> }
            }) }
            </ul>
        </fieldset>
    }
}

fn company_view(company: &Load<Company>) -> Html {
    match company {
        Load::Loading => html! { <p aria-busy="true">{ "Loading the company…" }</p> },
        Load::Loaded(c) => html! {
            <section class="card" aria-labelledby="company-h">
                <h2 id="company-h">{ "Company" }</h2>
                <p id="company-name">{ &c.name }</p>
                <p class="hint">{ [c.full_domain.clone(), c.currency.clone(), c.week_start_day.clone().map(|d| format!("weeks start on {d}"))].into_iter().flatten().collect::<Vec<_>>().join(" · ") }</p>
            </section>
        },
        Load::Failed(e) => html! { <p role="alert" class="api-error">{ e.to_string() }</p> },
    }
}

fn assignments_view(assignments: &Load<Vec<ProjectAssignment>>) -> Html {
    match assignments {
        Load::Loading => html! { <p aria-busy="true">{ "Loading your projects…" }</p> },
        Load::Loaded(list) if list.is_empty() => {
            html! { <p id="assignments-empty">{ "You are not assigned to any project." }</p> }
        }
        Load::Loaded(list) => html! {
            <section class="card" aria-labelledby="assignments-h">
                <h2 id="assignments-h">{ "Your projects" }</h2>
                <ul id="assignments">
                { for list.iter().map(|a| html! {
                    <li>{ &a.project.name }
                        if let Some(code) = &a.project.code { <span class="hint">{ format!(" ({code})") }</span> }
                        <span class="hint">{ format!(" — {}", a.client.name) }</span>
                    </li>
                }) }
                </ul>
            </section>
        },
        Load::Failed(e) => html! { <p role="alert" class="api-error">{ e.to_string() }</p> },
    }
}

#[derive(Properties, PartialEq)]
struct EntriesProps {
    entries: Entries,
    range: (String, String),
    /// The weekday the company's weeks start on (0 Monday … 6 Sunday), once the company is
    /// known: until then the week ranges wait rather than guess.
    week_start: Option<u32>,
    /// How the company writes hours.
    time_format: TimeFormat,
    /// The session expired: nothing more can be loaded.
    stale: bool,
    /// The account's id and name, for the exported files' names.
    account: (u64, String),
    /// A quick range was picked: show and load it.
    on_quick: Callback<(String, String)>,
    on_range: Callback<(String, String)>,
    on_load: Callback<()>,
    /// Retry a failed load, from the page it stopped at.
    on_retry: Callback<()>,
    on_cancel: Callback<()>,
}

#[component]
fn EntriesView(props: &EntriesProps) -> Html {
    let e = &props.entries;
    // Added up once per page that arrives (or a change of format), not on every render (wait
    // ticks, typing a date).
    let time_format = props.time_format;
    let totals = {
        let entries = e.clone();
        use_memo((e.generation, e.pages_loaded, time_format), move |_| {
            Totals::of(entries.entries(), time_format)
        })
    };
    let (from, to) = props.range.clone();
    let set = |which: usize| {
        let (on_range, from, to) = (props.on_range.clone(), from.clone(), to.clone());
        Callback::from(move |ev: Event| {
            let value = ev.target_unchecked_into::<HtmlInputElement>().value();
            on_range.emit(if which == 0 {
                (value, to.clone())
            } else {
                (from.clone(), value)
            });
        })
    };
    let bad_range = from.is_empty() || to.is_empty() || from > to;
    let stale = props.stale;
    let loading = e.phase == Phase::Loading;
    let submit = {
        let on_load = props.on_load.clone();
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if !bad_range && !stale {
                on_load.emit(());
            }
        })
    };
    // Entries, which a person counts, not pages.
    let progress = match e.total_entries {
        Some(total) => format!("Loaded {} of {total} entries", e.count()),
        None => format!("Loaded {} entries so far", e.count()),
    };
    let status = match &e.phase {
        Phase::Idle => html! {},
        Phase::Loading => html! {},
        Phase::Done if e.pages.is_empty() => {
            html! { <p id="entries-status" data-complete="true">{ "No time entries in this range." }</p> }
        }
        Phase::Done => {
            html! { <p id="entries-status" data-complete="true">{ format!("Complete: {} entries.", e.count()) }</p> }
        }
        Phase::Cancelled => {
            html! { <p id="entries-status" data-complete="false">{ format!("Incomplete: stopped after {} entries. The totals below cover only what arrived.", e.count()) }</p> }
        }
        Phase::Failed(error) => html! {
            <div role="alert">
                <p id="entries-status" data-complete="false">{ format!("Incomplete: {error}") }</p>
                <p>{ format!("The totals below cover only the {} entries that arrived.", e.count()) }</p>
                <button id="retry-entries" disabled={props.stale} onclick={{ let r = props.on_retry.clone(); Callback::from(move |_| r.emit(())) }}>{ "Retry" }</button>
            </div>
        },
    };
    html! {
        <section class="card entries" aria-labelledby="entries-h">
            <h2 id="entries-h">{ "Time entries" }</h2>
            <div class="quick-ranges" role="group" aria-label="Quick ranges">
                { for Quick::ALL.iter().map(|&q| {
                    let weekly = matches!(q, Quick::ThisWeek | Quick::LastWeek);
                    let start = props.week_start.unwrap_or(0);
                    let (a, b) = q.range(today(), start);
                    let (a, b) = (a.format(), b.format());
                    // Pressed: the range that is loaded (or loading), not the one being typed.
                    let current = a == e.from && b == e.to;
                    let on_quick = props.on_quick.clone();
                    // The range is taken at the click, so a page left open past midnight is right.
                    let click = Callback::from(move |_| {
                        let (a, b) = q.range(today(), start);
                        on_quick.emit((a.format(), b.format()))
                    });
                    html! {
                        <button type="button" id={q.id()} aria-pressed={current.to_string()}
                            disabled={(weekly && props.week_start.is_none()) || props.stale}
                            title={format!("{a} to {b}")} onclick={click}>{ q.label() }</button>
                    }
                }) }
            </div>
            <form class="range" onsubmit={submit}>
                <label>{ "From " }<input id="from" type="date" value={from.clone()} onchange={set(0)} /></label>
                <label>{ "To " }<input id="to" type="date" value={to.clone()} onchange={set(1)} /></label>
                <button id="load-entries" type="submit" disabled={bad_range || loading || props.stale}>{ "Load" }</button>
            </form>
            if bad_range { <p role="alert" id="range-error">{ "Choose a start date on or before the end date." }</p> }
            if loading {
                // Kept in view while the page scrolls; not a live region (a count that changes
                // every page would be read out every page).
                <div class="progress">
                    if let Some(total) = e.total_entries {
                        <progress id="entries-progress" aria-label="Time entries loaded" max={total.max(1).to_string()} value={e.count().to_string()}></progress>
                    } else {
                        <progress id="entries-progress" aria-label="Time entries loading"></progress>
                    }
                    <span id="entries-progress-text">{ progress }</span>
                    if let Some(secs) = e.waiting_secs {
                        <p id="rate-wait" role="status">{ format!("The provider asked us to slow down; continuing in {secs} s…") }</p>
                    }
                    <button id="cancel-entries" onclick={{ let c = props.on_cancel.clone(); Callback::from(move |_| c.emit(())) }}>{ "Cancel" }</button>
                </div>
            }
            // The end of a load (complete, or stopped by the person) is announced once: this
            // region is on the page, empty, while the load runs.
            <div id="entries-live" role="status" aria-atomic="true">
                if !matches!(e.phase, Phase::Failed(_)) { { status.clone() } }
            </div>
            if matches!(e.phase, Phase::Failed(_)) { { status } }
            if !e.pages.is_empty() && !loading {
                <Export entries={e.clone()} totals={totals.clone()} {time_format} account={props.account.clone()} />
            }
            if !e.pages.is_empty() {
                <TotalsView totals={totals.clone()} complete={e.is_complete()} {loading}
                    range={(e.from.clone(), e.to.clone())} week_start={props.week_start.unwrap_or(0)}
                    time_format={props.time_format} />
            }
            if !e.pages.is_empty() {
                <div class="table-wrap">
                <table id="entries-table">
                    <thead><tr><th scope="col">{ "Date" }</th><th scope="col">{ "Project" }</th><th scope="col">{ "Task" }</th><th scope="col">{ "Notes" }</th><th scope="col" class="num">{ "Hours" }</th></tr></thead>
                    // Another format draws the rows afresh.
                    <EntryBody key={props.time_format.name()} pages={e.pages.clone()} {loading} time_format={props.time_format} />
                    <tfoot><tr><th scope="row" colspan="4">{ if e.is_complete() { "Total" } else { "Total so far (incomplete)" } }</th>
                        <td class="num" id="total-hours">{ props.time_format.show(totals.total) }</td></tr></tfoot>
                </table>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ExportProps {
    entries: Entries,
    /// Added up in `time_format`'s unit.
    totals: Rc<Totals>,
    time_format: TimeFormat,
    account: (u64, String),
}

/// Downloads the loaded entries, or their totals, as a CSV file made in the browser.
#[component]
fn Export(props: &ExportProps) -> Html {
    // The last file's object URL, revoked when replaced or when the dashboard goes.
    let last = use_mut_ref(|| None::<gloo_file::ObjectUrl>);
    let save = |what: &'static str| {
        let (e, totals, (id, name), last, time_format) = (
            props.entries.clone(),
            props.totals.clone(),
            props.account.clone(),
            last.clone(),
            props.time_format,
        );
        Callback::from(move |_: MouseEvent| {
            let text = match what {
                "entries" => entries_csv(e.entries()),
                _ => totals_csv(&totals, time_format),
            };
            let name = file_name(&name, id, &e.from, &e.to, what, e.is_complete());
            *last.borrow_mut() = download(&name, &text);
        })
    };
    html! {
        <div class="export" role="group" aria-label="Download as CSV">
            <button type="button" id="export-entries" onclick={save("entries")}>{ "Download entries (CSV)" }</button>
            <button type="button" id="export-totals" onclick={save("totals")}>{ "Download totals (CSV)" }</button>
        </div>
    }
}

/// Offers `text` as a file named `name`: a `Blob`, its object URL, and a click on a detached
/// link. Nothing leaves the browser. The URL is returned to be kept alive until replaced.
fn download(name: &str, text: &str) -> Option<gloo_file::ObjectUrl> {
    let blob = gloo_file::Blob::new_with_options(text, Some("text/csv;charset=utf-8"));
    let url = gloo_file::ObjectUrl::from(blob);
    let link: web_sys::HtmlAnchorElement = web_sys::window()?
        .document()?
        .create_element("a")
        .ok()?
        .dyn_into()
        .ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    Some(url)
}

#[derive(Properties, PartialEq)]
struct TotalsProps {
    totals: Rc<Totals>,
    /// Every page of the range arrived; otherwise the figures are marked as partial.
    complete: bool,
    /// Pages are still arriving (the figures will change).
    loading: bool,
    /// The range the figures cover.
    range: (String, String),
    /// The weekday weeks start on, for a chart drawn per week.
    week_start: u32,
    /// How the company writes hours.
    time_format: TimeFormat,
}

/// The answers first: the range's hours, billable and not, then per client, project and task.
#[component]
fn TotalsView(props: &TotalsProps) -> Html {
    let t = &props.totals;
    let show = |n: i64| props.time_format.show(n);
    let so_far = if props.complete { "" } else { " (so far)" };
    let table = |id: &'static str, title: &'static str, lines: &[Line]| {
        html! {
            <TotalsTable id={id} title={format!("{title}{so_far}")} lines={lines.to_vec()}
                total={t.total} time_format={props.time_format} />
        }
    };
    html! {
        <section id="totals" class="totals" aria-labelledby="totals-h" aria-busy={props.loading.to_string()}
            data-complete={props.complete.to_string()}>
            <h3 id="totals-h">{ "Totals" }{ so_far }</h3>
            <dl class="figures">
                <div><dt>{ "Total" }</dt><dd id="totals-hours">{ show(t.total) }</dd></div>
                <div><dt>{ "Billable" }</dt><dd id="totals-billable">{ show(t.billable) }
                    <small>{ format!(" ({} %)", t.percent(t.billable)) }</small></dd></div>
                <div><dt>{ "Non-billable" }</dt><dd id="totals-non-billable">{ show(t.non_billable()) }</dd></div>
            </dl>
            { day_chart(t, &props.range, props.week_start, so_far, props.time_format) }
            { table("totals-clients", "By client", &t.clients) }
            { table("totals-projects", "By project", &t.projects) }
            { table("totals-tasks", "By task", &t.tasks) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TotalsTableProps {
    id: &'static str,
    title: String,
    /// Most hours first, as totalled.
    lines: Vec<Line>,
    /// All hours of the range, for the shares.
    total: i64,
    time_format: TimeFormat,
}

/// Hours per client, project or task; its column headings sort it (and say how it is sorted).
#[component]
fn TotalsTable(props: &TotalsTableProps) -> Html {
    let order = use_state(|| (SortBy::Hours, true));
    let (by, descending) = *order;
    let lines = sorted(&props.lines, by, descending);
    let heading = |label: &'static str, key: SortBy, class: &'static str| {
        let current = by == key;
        let sort = match (current, descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        };
        let order = order.clone();
        // A name starts A to Z, hours most first; the same heading again turns it round.
        let click = Callback::from(move |_: MouseEvent| {
            let first = key != SortBy::Name;
            order.set((key, if current { !descending } else { first }))
        });
        html! {
            <th scope="col" class={class} aria-sort={sort}>
                <button type="button" class="sort" data-sort={key.name()} onclick={click}>{ label }</button>
            </th>
        }
    };
    let show = |n: i64| props.time_format.show(n);
    html! {
        <div class="table-wrap">
        <table id={props.id} class="totals-table">
            <caption>{ props.title.clone() }</caption>
            <thead><tr>
                { heading("Name", SortBy::Name, "") }
                { heading("Hours", SortBy::Hours, "num") }
                { heading("Billable", SortBy::Billable, "num") }
                <th scope="col" class="num">{ "Share" }</th>
            </tr></thead>
            <tbody>
                { for lines.iter().map(|l| html! {
                    <tr data-id={l.id.to_string()}>
                        <th scope="row">{ l.name.clone() }</th>
                        <td class="num">{ show(l.total) }</td>
                        <td class="num">{ show(l.billable) }</td>
                        <td class="num">{ format!("{} %", percent_of(l.total, props.total)) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
        </div>
    }
}

/// Hours per day (or per week, for long ranges) as bars drawn by the app itself: SVG with a
/// title and a description for assistive technology, and the same numbers as a table.
fn day_chart(
    t: &Totals,
    (from, to): &(String, String),
    week_start: u32,
    so_far: &str,
    time_format: TimeFormat,
) -> Html {
    let (Some(bars), Some(a), Some(b)) = (
        series(&t.days, from, to, week_start),
        Day::parse(from),
        Day::parse(to),
    ) else {
        return Html::default();
    };
    let (unit, column) = if is_weekly(a, b) {
        ("week", "Week of")
    } else {
        ("day", "Day")
    };
    let max = bars.iter().map(|b| b.units).max().unwrap_or(0).max(1);
    let busiest = bars
        .iter()
        .fold(None::<&Bar>, |best, b| match best {
            Some(x) if x.units >= b.units => Some(x),
            _ => Some(b),
        })
        .filter(|b| b.units > 0);
    let desc = match busiest {
        Some(b) => format!(
            "{} {unit}s. The most hours, {}, in the {unit} starting {}.",
            bars.len(),
            time_format.show(b.units),
            b.start
        ),
        None => format!("{} {unit}s, none with hours.", bars.len()),
    };
    html! {
        <figure class="chart">
            <svg id="day-chart" role="img" aria-labelledby="chart-title chart-desc" data-unit={unit}
                viewBox={format!("0 0 {} 100", bars.len() * 10)} preserveAspectRatio="none">
                <title id="chart-title">{ format!("Hours per {unit}, {from} to {to}{so_far}") }</title>
                <desc id="chart-desc">{ desc }</desc>
                { for bars.iter().enumerate().map(|(i, b)| {
                    let h = b.units * 95 / max;
                    html! {
                        <rect x={(i * 10 + 1).to_string()} y={(100 - h).to_string()} width="8" height={h.to_string()}
                            data-start={b.start.clone()} data-hours={time_format.decimal(b.units)}>
                            <title>{ format!("{}: {} h", b.start, time_format.show(b.units)) }</title>
                        </rect>
                    }
                }) }
            </svg>
            <details>
                <summary>{ format!("Hours per {unit} as a table") }</summary>
                <table id="day-table">
                    <thead><tr><th scope="col">{ column }</th><th scope="col" class="num">{ "Hours" }</th></tr></thead>
                    <tbody>
                        { for bars.iter().map(|b| html! {
                            <tr><th scope="row">{ b.start.clone() }</th><td class="num">{ time_format.show(b.units) }</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct EntryBodyProps {
    pages: Vec<EntryPage>,
    /// A load is running: more pages are coming.
    loading: bool,
    /// How the company writes hours.
    time_format: TimeFormat,
}

/// The table's body. Its rows never change once drawn, so they are not diffed: the virtual DOM
/// made drawing 10 000 of them several times slower than a plain DOM loop (BENCHMARKS.md).
/// Yew owns an empty `<tbody>`; each page that arrives is appended to it once with
/// `createElement`, text going in through `textContent`, never as markup. A list that is not
/// the drawn one plus new pages (a new range) is drawn afresh.
///
/// While a load runs, new rows are drawn at most every
/// [`DRAW_EVERY_MS`](crate::harvest::model::DRAW_EVERY_MS): every change to the table makes the
/// browser lay it out again, which grows with the table and, page after page, slowed a long
/// load by several per cent (BENCHMARKS.md).
#[component]
fn EntryBody(props: &EntryBodyProps) -> Html {
    let body = use_node_ref();
    let drawn = use_mut_ref(Drawn::default);
    let last_draw = use_mut_ref(|| None::<u64>);
    let pending = use_mut_ref(|| None::<Timeout>);
    let failed = use_state(|| false);
    let time_format = props.time_format;
    {
        let (body, failed) = (body.clone(), failed.clone());
        use_effect_with(
            (props.pages.clone(), props.loading),
            move |(pages, loading)| {
                // A draw planned for older pages is replaced (and so cancelled).
                drop(pending.borrow_mut().take());
                let wait = draw_delay(*loading, now_ms(), *last_draw.borrow());
                let draw = {
                    let pages = pages.clone();
                    move || {
                        *last_draw.borrow_mut() = Some(now_ms());
                        if let Some(body) = body.cast::<web_sys::Element>() {
                            let mut drawn = drawn.borrow_mut();
                            if draw_pages(&body, &mut drawn, &pages, time_format).is_err() {
                                body.set_text_content(None);
                                *drawn = Drawn::default();
                                failed.set(true);
                            }
                        }
                    }
                };
                if wait == 0 {
                    draw();
                } else {
                    let timeout = Timeout::new(u32::try_from(wait).unwrap_or(u32::MAX), draw);
                    *pending.borrow_mut() = Some(timeout);
                }
            },
        );
    }
    if *failed {
        // Only an engine that refuses `createElement("tr")` gets here.
        return html! { <tbody><tr><td colspan="5" role="alert">{ "These entries could not be drawn." }</td></tr></tbody> };
    }
    html! { <tbody ref={body}></tbody> }
}

/// What the table's body shows: the pages drawn, and the day whose rows were drawn last (its
/// heading's subtotal grows when the next page goes on with the same day).
#[derive(Default)]
struct Drawn {
    pages: Vec<EntryPage>,
    day: Option<DayRun>,
}

struct DayRun {
    date: String,
    /// The cell that shows the day's subtotal.
    subtotal: web_sys::Element,
    /// Its hours so far, in the time format's unit.
    units: i64,
}

/// Brings `body` from showing `drawn` to showing `pages`: the entries grouped by day (they
/// arrive newest first, a day's entries together), each day headed by its date and subtotal.
fn draw_pages(
    body: &web_sys::Element,
    drawn: &mut Drawn,
    pages: &[EntryPage],
    time_format: TimeFormat,
) -> Result<(), JsValue> {
    let new = match pages_to_append(&drawn.pages, pages) {
        Some(new) => new,
        None => {
            body.set_text_content(None);
            *drawn = Drawn::default();
            pages
        }
    };
    let document = body.owner_document().ok_or(JsValue::NULL)?;
    // Each row is a deep clone of one of these, its cells' text then set: fewer calls out of
    // wasm than creating every cell.
    let template = document.create_element("tr")?;
    for class in ["", "", "", "", "num"] {
        let cell = document.create_element("td")?;
        if !class.is_empty() {
            cell.set_class_name(class);
        }
        template.append_child(&cell)?;
    }
    let day_template = document.create_element("tr")?;
    day_template.set_class_name("day");
    let heading = document.create_element("th")?;
    heading.set_attribute("scope", "row")?;
    heading.set_attribute("colspan", "4")?;
    day_template.append_child(&heading)?;
    let subtotal = document.create_element("td")?;
    subtotal.set_class_name("num");
    day_template.append_child(&subtotal)?;
    let fill = |row: &web_sys::Node, texts: &[&str]| {
        let mut cell = row.first_child();
        for text in texts {
            let Some(c) = cell else { break };
            c.set_text_content(Some(text));
            cell = c.next_sibling();
        }
    };
    // Built detached and inserted once: one change to the live document per draw.
    let rows = document.create_document_fragment();
    for page in new {
        for t in page.iter() {
            let h = time_format.units(t.hours);
            match &mut drawn.day {
                Some(day) if day.date == t.spent_date => day.units += h,
                _ => {
                    let row = day_template.clone_node_with_deep(true)?;
                    let heading =
                        Day::parse(&t.spent_date).map_or_else(|| t.spent_date.clone(), Day::long);
                    fill(&row, &[&heading, ""]);
                    let subtotal = row
                        .last_child()
                        .and_then(|c| c.dyn_into::<web_sys::Element>().ok())
                        .ok_or(JsValue::NULL)?;
                    rows.append_child(&row)?;
                    drawn.day = Some(DayRun {
                        date: t.spent_date.clone(),
                        subtotal,
                        units: h,
                    });
                }
            }
            let row = template.clone_node_with_deep(true)?;
            let hours = time_format.show(h);
            fill(
                &row,
                &[
                    t.spent_date.as_str(),
                    &t.project.name,
                    &t.task.name,
                    t.notes.as_deref().unwrap_or_default(),
                    &hours,
                ],
            );
            rows.append_child(&row)?;
            // The day's subtotal so far (a heading drawn earlier is brought up to date).
            if let Some(day) = &drawn.day {
                day.subtotal
                    .set_text_content(Some(&time_format.show(day.units)));
            }
        }
    }
    body.append_child(&rows)?;
    drawn.pages.extend_from_slice(new);
    Ok(())
}
