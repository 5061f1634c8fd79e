//! A client-side limiter so a healthy app never meets a 429, and the rule for waiting after one.
//!
//! Harvest allows 100 requests per 15 s (rolling). The limiter keeps, for recent requests, the
//! latest instant the server can have counted each, and answers how long to wait before the
//! next one fits in the window.

use std::collections::VecDeque;

/// Wait after a 429 whose `Retry-After` is missing or unreadable (cross-origin responses hide
/// headers that are not exposed with `Access-Control-Expose-Headers`).
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 15;

/// Retries after 429 before giving up: bounded, so a broken server cannot hold the app forever.
pub const MAX_RETRIES: u32 = 3;

/// The longest `Retry-After` the app waits out by itself (Harvest's window is 15 s). A longer
/// one is said to the person instead of leaving the page waiting for hours.
pub const MAX_RETRY_AFTER_SECS: u64 = 120;

/// What to do after the `retries`-th 429 in a row (counting from 0), given its `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After429 {
    /// Wait this many seconds, then send again.
    Wait(u64),
    /// Stop: the provider keeps refusing. `asked_secs` is what it asked for last.
    GiveUp {
        /// The pause the provider asked for last, in seconds.
        asked_secs: u64,
    },
}

/// What to do after the `retries`-th 429 in a row, given its `Retry-After` header: wait
/// (bounded) or give up.
pub fn after_429(retries: u32, retry_after: Option<&str>) -> After429 {
    let secs = retry_after_secs(retry_after);
    if retries >= MAX_RETRIES || secs > MAX_RETRY_AFTER_SECS {
        After429::GiveUp { asked_secs: secs }
    } else {
        After429::Wait(secs)
    }
}

/// The client's view of the server's window: the last `requests` requests, each with the
/// latest instant the server can have counted it.
///
/// A server counts a request when it arrives, which is somewhere between the client sending it
/// and the answer coming back. So a request is stamped when its answer arrives: the next one
/// may leave a full window after that, whatever the network's latency or the server's clock,
/// with no guessed margin. A request that ends with no answer (a network error, a timeout, a
/// cancelled load) may still be on its way, so it is stamped later by [`safety_margin`].
#[derive(Clone, Debug)]
pub struct RateLimiter {
    requests: usize,
    window_ms: u64,
    /// Requests sent and not yet ended: each may be counted at any moment.
    in_flight: usize,
    /// When the newest `requests` ended requests were counted at the latest, ascending.
    counted_by: VecDeque<u64>,
}

/// A request the limiter let through. It must be [settled](RateLimiter::settle) once, when it
/// ends, or the limiter keeps counting it as in flight.
#[derive(Debug)]
#[must_use = "settle the ticket when the request ends"]
pub struct Ticket(());

impl RateLimiter {
    /// A limiter for `requests` per `window_ms`.
    pub fn new(requests: u32, window_ms: u64) -> Self {
        RateLimiter {
            requests: requests.max(1) as usize,
            window_ms,
            in_flight: 0,
            counted_by: VecDeque::new(),
        }
    }

    /// Milliseconds to wait at `now_ms` before asking again (0: send now).
    ///
    /// The server's window, when the next request arrives, may hold every request in flight
    /// and every ended one counted less than a window before now. Those must be fewer than
    /// the limit.
    pub fn delay(&self, now_ms: u64) -> u64 {
        if self.in_flight >= self.requests {
            // Nothing in flight can be counted earlier than now.
            return self.window_ms;
        }
        let room = self.requests - self.in_flight;
        if self.counted_by.len() < room {
            return 0;
        }
        // The `room`-th newest ended request must have left the window.
        let at = self.counted_by[self.counted_by.len() - room];
        (at + self.window_ms).saturating_sub(now_ms)
    }

    /// Notes a request leaving now.
    pub fn send(&mut self) -> Ticket {
        self.in_flight += 1;
        Ticket(())
    }

    /// Notes that the request of `ticket` ended at `now_ms`, `answered` or not.
    pub fn settle(&mut self, ticket: Ticket, now_ms: u64, answered: bool) {
        let Ticket(()) = ticket;
        self.in_flight = self.in_flight.saturating_sub(1);
        let at = if answered {
            now_ms
        } else {
            now_ms + safety_margin(self.window_ms)
        };
        let i = self.counted_by.partition_point(|t| *t <= at);
        self.counted_by.insert(i, at);
        if self.counted_by.len() > self.requests {
            self.counted_by.pop_front();
        }
    }
}

/// How much later than its end an unanswered request is counted: 2 % of the window plus
/// 50 ms, ample for a request still on the wire when the client gave up on it.
pub fn safety_margin(window_ms: u64) -> u64 {
    window_ms / 50 + 50
}

/// Seconds to wait after a 429: `Retry-After` when it is a plain number of seconds, else the
/// default. (An HTTP-date form is not used by Harvest and falls back too.)
pub fn retry_after_secs(header: Option<&str>) -> u64 {
    header
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RETRY_AFTER_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends at `at` and is answered `latency` ms later.
    fn answered(l: &mut RateLimiter, at: u64, latency: u64) {
        let t = l.send();
        l.settle(t, at + latency, true);
    }

    #[test]
    fn requests_within_the_limit_go_at_once() {
        let mut l = RateLimiter::new(3, 1000);
        for t in [0, 1, 2] {
            assert_eq!(l.delay(t), 0);
            answered(&mut l, t, 0);
        }
        assert!(l.delay(3) > 0);
    }

    #[test]
    fn the_next_request_waits_a_window_after_the_oldest_was_answered() {
        let mut l = RateLimiter::new(3, 1000);
        for t in [0, 100, 200] {
            answered(&mut l, t, 30);
        }
        // The oldest was answered at 30: the server had counted it by then.
        assert_eq!(l.delay(300), 1030 - 300);
        assert_eq!(l.delay(1030), 0);
        answered(&mut l, 1030, 30);
        assert_eq!(l.delay(1030), 1130 - 1030);
    }

    #[test]
    fn requests_in_flight_count_as_in_the_window_until_they_end() {
        let mut l = RateLimiter::new(2, 1000);
        let (first, second) = (l.send(), l.send());
        // Sent long ago, but unanswered: either may arrive at any moment.
        assert_eq!(l.delay(5000), 1000);
        l.settle(second, 5000, true);
        assert_eq!(l.delay(5000), 1000);
        assert_eq!(l.delay(6000), 0);
        l.settle(first, 6000, true);
        // Both ended less than a window ago, but the older one leaves first.
        assert_eq!(l.delay(6000), 0);
        answered(&mut l, 6000, 0);
        assert_eq!(l.delay(6000), 1000);
    }

    #[test]
    fn requests_answered_out_of_order_are_counted_by_their_answers() {
        let mut l = RateLimiter::new(2, 1000);
        let (slow, fast) = (l.send(), l.send());
        l.settle(fast, 50, true);
        l.settle(slow, 400, true);
        assert_eq!(l.delay(400), 1050 - 400);
        answered(&mut l, 1050, 0);
        assert_eq!(l.delay(1050), 1400 - 1050);
    }

    #[test]
    fn an_unanswered_request_is_counted_later_by_the_margin() {
        let mut l = RateLimiter::new(1, 1000);
        let t = l.send();
        l.settle(t, 200, false);
        assert_eq!(safety_margin(1000), 70);
        assert_eq!(l.delay(200), 1000 + 70);
        assert_eq!(l.delay(1270), 0);
    }

    /// 350 sequential requests under 100 per 15 s, each taking up to `max_latency` ms to reach
    /// the server and as long again to come back: when each arrived, and when the last ended.
    fn long_load(max_latency: u64) -> (Vec<u64>, u64) {
        let mut l = RateLimiter::new(100, 15_000);
        let (mut now, mut arrivals, mut seed) = (0, Vec::new(), 7_u64);
        for _ in 0..350 {
            loop {
                let wait = l.delay(now);
                if wait == 0 {
                    break;
                }
                now += wait;
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let (there, back) = ((seed >> 33) % max_latency, (seed >> 13) % max_latency);
            let t = l.send();
            arrivals.push(now + there);
            now += there + back;
            l.settle(t, now, true);
        }
        arrivals.sort_unstable();
        (arrivals, now)
    }

    /// The server counts a request when it arrives, anywhere between its send and its answer.
    #[test]
    fn a_long_load_never_exceeds_the_limit_at_the_server_whatever_the_latency() {
        for max_latency in [1, 40, 400, 5000] {
            let (arrivals, _) = long_load(max_latency);
            for (i, t) in arrivals.iter().enumerate() {
                let in_window = arrivals[i..]
                    .iter()
                    .take_while(|s| **s < t + 15_000)
                    .count();
                assert!(
                    in_window <= 100,
                    "{in_window} requests arrived in the window starting at {t} ({max_latency} ms)"
                );
            }
        }
    }

    #[test]
    fn a_long_load_keeps_the_pace_the_limit_allows() {
        // Three full windows, each later by at most one round trip, then 50 round trips.
        let (_, took) = long_load(40);
        assert!(took <= 3 * (15_000 + 80) + 50 * 80, "took {took} ms");
        assert!(took >= 3 * 15_000, "took {took} ms");
    }

    #[test]
    fn a_retry_after_beyond_two_minutes_is_not_waited_out() {
        assert_eq!(
            after_429(0, Some("999999")),
            After429::GiveUp {
                asked_secs: 999_999
            }
        );
        assert_eq!(
            after_429(0, Some("121")),
            After429::GiveUp { asked_secs: 121 }
        );
        assert_eq!(after_429(0, Some("120")), After429::Wait(120));
        assert_eq!(after_429(0, None), After429::Wait(DEFAULT_RETRY_AFTER_SECS));
    }

    #[test]
    fn a_provider_that_keeps_refusing_is_retried_three_times() {
        let waits = (0..)
            .map(|n| after_429(n, Some("2")))
            .take_while(|a| matches!(a, After429::Wait(_)))
            .count();
        assert_eq!(waits, 3);
        assert_eq!(after_429(3, Some("2")), After429::GiveUp { asked_secs: 2 });
    }

    #[test]
    fn retry_after_reads_seconds_and_falls_back_to_15() {
        assert_eq!(retry_after_secs(Some("3")), 3);
        assert_eq!(retry_after_secs(Some(" 12 ")), 12);
        assert_eq!(retry_after_secs(None), 15);
        assert_eq!(retry_after_secs(Some("Wed, 21 Oct 2026 07:28:00 GMT")), 15);
        assert_eq!(retry_after_secs(Some("-1")), 15);
        assert_eq!(retry_after_secs(Some("99999999")), 15);
    }
}
