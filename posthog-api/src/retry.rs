//! When a failed attempt is tried again and how long the client waits first: `Retry-After` for
//! HTTP 429, exponential backoff with jitter for server errors, timeouts and lost connections.

use std::time::{Duration, SystemTime};

use reqwest::Method;

/// How many times a call is attempted and how long the client waits between attempts.
///
/// - HTTP 429: the client waits for `Retry-After` (seconds or an HTTP date), at most
///   [`max_retry_after`](Self::max_retry_after), and tries again, whatever the method: PostHog
///   did not process the call.
/// - HTTP 5xx, timeouts and connections lost mid-call: exponential backoff with jitter, for
///   `GET`, `HEAD`, `PUT`, `DELETE` and `OPTIONS` only. `POST` and `PATCH` are not repeated once
///   the request may have reached the server; a connection that could not be opened is retried
///   for every method.
/// - Multipart uploads are sent once: their body cannot be replayed.
///
/// Every attempt counts against the rate limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Three attempts, backoff from 500 ms up to 30 s, `Retry-After` honoured up to 120 s.
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// One attempt, never retried.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// How many attempts a call gets in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles with every further retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest wait for a `Retry-After`; a longer one is cut to this.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `retry + 1`: `initial * 2^(retry-1)` capped, of which a random
    /// half is taken off so that clients that failed together do not retry together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let full = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }

    pub(crate) fn retry_after_wait(&self, retry_after: Option<Duration>, retry: u32) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(retry),
        }
    }
}

/// Whether repeating the method is safe after the request may have reached the server.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Parses a `Retry-After` value: delay seconds, or an HTTP date (a past date means now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_stays_under_the_cap() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(5));
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(
                first >= Duration::from_millis(500) && first <= Duration::from_secs(1),
                "{first:?}"
            );
            let third = policy.backoff(3);
            assert!(
                third >= Duration::from_secs(2) && third <= Duration::from_secs(4),
                "{third:?}"
            );
            assert!(policy.backoff(30) <= Duration::from_secs(5));
        }
        assert_eq!(
            policy.retry_after_wait(Some(Duration::from_secs(600)), 1),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn only_idempotent_methods_repeat() {
        assert!(
            is_idempotent(&Method::GET)
                && is_idempotent(&Method::DELETE)
                && is_idempotent(&Method::PUT)
        );
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
    }
}
