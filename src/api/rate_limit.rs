//! A client-side limiter so a healthy app never meets a 429, and the rule for waiting after one.
//!
//! Harvest allows 100 requests per 15 s (rolling). The limiter keeps the instants of the last
//! `requests` sends and answers how long to wait before the next one fits in the window.

use std::collections::VecDeque;

/// Wait after a 429 whose `Retry-After` is missing or unreadable (cross-origin responses hide
/// headers that are not exposed with `Access-Control-Expose-Headers`).
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 15;

/// Retries after 429 before giving up: bounded, so a broken server cannot hold the app forever.
pub const MAX_RETRIES: u32 = 3;

#[derive(Clone, Debug)]
pub struct RateLimiter {
    requests: usize,
    window_ms: u64,
    sent: VecDeque<u64>,
}

impl RateLimiter {
    /// A limiter for `requests` per `window_ms`. It counts the window a little longer than the
    /// server does ([`safety_margin`]): the client stamps a request before it leaves, the server
    /// when it arrives, and a request sent exactly at the window's edge can arrive inside it.
    pub fn new(requests: u32, window_ms: u64) -> Self {
        RateLimiter {
            requests: requests.max(1) as usize,
            window_ms: window_ms + safety_margin(window_ms),
            sent: VecDeque::new(),
        }
    }

    /// Milliseconds to wait at `now_ms` before a request may be sent (0: send now).
    pub fn delay(&self, now_ms: u64) -> u64 {
        if self.sent.len() < self.requests {
            return 0;
        }
        // The oldest of the last `requests` sends must leave the window first.
        let oldest = self.sent[self.sent.len() - self.requests];
        (oldest + self.window_ms).saturating_sub(now_ms)
    }

    /// Notes a request sent at `now_ms`.
    pub fn record(&mut self, now_ms: u64) {
        self.sent.push_back(now_ms);
        while self.sent.len() > self.requests {
            self.sent.pop_front();
        }
    }
}

/// 2 % of the window plus 50 ms: ample for the skew between sending and arriving, small
/// enough to cost almost no throughput (Harvest: 350 ms on 15 s).
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

    #[test]
    fn requests_within_the_limit_go_at_once() {
        let mut l = RateLimiter::new(3, 1000);
        for t in [0, 1, 2] {
            assert_eq!(l.delay(t), 0);
            l.record(t);
        }
    }

    #[test]
    fn the_next_request_waits_for_the_oldest_to_leave_the_window_plus_a_margin() {
        let mut l = RateLimiter::new(3, 1000);
        let window = 1000 + safety_margin(1000);
        assert_eq!(window, 1070);
        for t in [0, 100, 200] {
            l.record(t);
        }
        assert_eq!(l.delay(300), window - 300);
        assert_eq!(l.delay(window), 0);
        l.record(window);
        assert_eq!(l.delay(window), 100);
    }

    #[test]
    fn a_burst_never_exceeds_the_limit_in_any_window() {
        let mut l = RateLimiter::new(100, 15_000);
        let mut now = 0;
        let mut sent = Vec::new();
        for _ in 0..350 {
            now += l.delay(now);
            l.record(now);
            sent.push(now);
        }
        for (i, t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|s| **s < t + 15_000).count();
            assert!(
                in_window <= 100,
                "{in_window} requests in the window starting at {t}"
            );
        }
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
