//! The in-process rate limiter: an exact sliding log per bucket, shared by every client built
//! for the same host and key through a process-wide registry keyed by a hash of the key.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use crate::ratelimit::{Admission, RateLimitBucket, RateLimiter, RateLimits};

/// Keeps a team's budget in this process and enforces every window of each bucket.
///
/// PostHog counts calls in sliding windows, so this limiter keeps the times of recent calls (at
/// most the largest limit of a bucket, 4,800 with the default limits) rather than a token bucket,
/// which would allow up to twice a window's limit around the window's edges.
///
/// Clients built by [`ClientBuilder`](crate::ClientBuilder) for the same host and personal API
/// key share one of these logs; [`LocalRateLimiter::new`] makes a budget of its own, which can be
/// handed to several clients with [`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter).
/// Time is tokio's clock, so `tokio::time::pause` applies to it.
#[derive(Debug)]
pub struct LocalRateLimiter {
    limits: RateLimits,
    logs: Arc<TeamLogs>,
}

#[derive(Debug, Default)]
pub(crate) struct TeamLogs {
    buckets: [Mutex<CallLog>; 4],
}

#[derive(Debug, Default)]
struct CallLog {
    /// Times of the calls still inside the longest window, oldest first.
    times: VecDeque<Instant>,
    /// The longest window and the largest limit of any limiter sharing this log, so that a
    /// client with shorter windows never drops entries that another client still counts.
    retention: Duration,
    capacity: usize,
}

impl LocalRateLimiter {
    /// A limiter with its own budget.
    pub fn new(limits: RateLimits) -> Self {
        LocalRateLimiter {
            limits,
            logs: Arc::default(),
        }
    }

    /// A limiter whose budget is shared with every other one made for the same team.
    pub(crate) fn shared(limits: RateLimits, team: TeamKey) -> Self {
        LocalRateLimiter {
            limits,
            logs: registry_entry(team),
        }
    }

    /// The limits this limiter enforces.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// The synchronous decision behind [`RateLimiter::acquire`].
    pub fn try_acquire(&self, bucket: RateLimitBucket) -> Admission {
        let windows = self.limits.windows(bucket);
        if windows.is_empty() {
            return Admission::Granted;
        }
        let now = Instant::now();
        let mut log = self.logs.buckets[bucket.index()]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for window in windows {
            log.retention = log.retention.max(window.period);
            log.capacity = log.capacity.max(window.limit as usize);
        }
        if let Some(horizon) = now.checked_sub(log.retention) {
            while log.times.front().is_some_and(|t| *t <= horizon) {
                log.times.pop_front();
            }
        }
        let mut wait = Duration::ZERO;
        for window in windows {
            let limit = window.limit as usize;
            if limit == 0 {
                wait = wait.max(window.period);
                continue;
            }
            let first_inside = match now.checked_sub(window.period) {
                Some(horizon) => log.times.partition_point(|t| *t <= horizon),
                None => 0,
            };
            let inside = log.times.len() - first_inside;
            if inside >= limit {
                // The window has room again once the `limit`-th most recent call leaves it.
                let oldest_that_must_leave = log.times[log.times.len() - limit];
                wait = wait
                    .max((oldest_that_must_leave + window.period).saturating_duration_since(now));
            }
        }
        if !wait.is_zero() {
            return Admission::RetryAfter(wait);
        }
        log.times.push_back(now);
        if log.times.len() > log.capacity {
            log.times.pop_front();
        }
        Admission::Granted
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire(&self, bucket: RateLimitBucket) -> BoxFuture<'_, Admission> {
        let admission = self.try_acquire(bucket);
        Box::pin(std::future::ready(admission))
    }
}

/// Identifies a team's budget without holding its key: the private API origin and two keyed
/// hashes of the personal API key, whose hash keys are random per process.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TeamKey {
    origin: String,
    key_hash: Option<(u64, u64)>,
}

struct Registry {
    hashers: (RandomState, RandomState),
    teams: Mutex<HashMap<TeamKey, Weak<TeamLogs>>>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry {
        hashers: (RandomState::new(), RandomState::new()),
        teams: Mutex::new(HashMap::new()),
    })
}

impl TeamKey {
    pub(crate) fn new(origin: &str, personal_api_key: Option<&str>) -> Self {
        let hashers = &registry().hashers;
        TeamKey {
            origin: origin.to_owned(),
            key_hash: personal_api_key
                .map(|key| (hashers.0.hash_one(key), hashers.1.hash_one(key))),
        }
    }
}

fn registry_entry(team: TeamKey) -> Arc<TeamLogs> {
    let mut teams = registry()
        .teams
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(logs) = teams.get(&team).and_then(Weak::upgrade) {
        return logs;
    }
    teams.retain(|_, logs| logs.strong_count() > 0);
    let logs = Arc::new(TeamLogs::default());
    teams.insert(team, Arc::downgrade(&logs));
    logs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::RateLimitWindow;

    #[tokio::test(start_paused = true)]
    async fn both_windows_are_enforced() {
        let limits = RateLimits::posthog_defaults().with(
            RateLimitBucket::Crud,
            [RateLimitWindow::per_minute(3), RateLimitWindow::per_hour(5)],
        );
        let limiter = LocalRateLimiter::new(limits);
        for _ in 0..3 {
            assert_eq!(
                limiter.try_acquire(RateLimitBucket::Crud),
                Admission::Granted
            );
        }
        assert_eq!(
            limiter.try_acquire(RateLimitBucket::Crud),
            Admission::RetryAfter(Duration::from_secs(60))
        );
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(
            limiter.try_acquire(RateLimitBucket::Crud),
            Admission::Granted
        );
        assert_eq!(
            limiter.try_acquire(RateLimitBucket::Crud),
            Admission::Granted
        );
        // Five calls in the hour: the hourly window now decides, until the first call is an hour old.
        assert_eq!(
            limiter.try_acquire(RateLimitBucket::Crud),
            Admission::RetryAfter(Duration::from_secs(3600 - 60))
        );
        tokio::time::advance(Duration::from_secs(3600 - 60)).await;
        assert_eq!(
            limiter.try_acquire(RateLimitBucket::Crud),
            Admission::Granted
        );
        // Other buckets have budgets of their own.
        assert_eq!(
            limiter.try_acquire(RateLimitBucket::Analytics),
            Admission::Granted
        );
    }

    #[tokio::test(start_paused = true)]
    async fn clients_of_one_team_share_a_log_and_other_teams_do_not() {
        let limits = RateLimits::posthog_defaults()
            .with(RateLimitBucket::Query, [RateLimitWindow::per_hour(1)]);
        let a = LocalRateLimiter::shared(limits.clone(), TeamKey::new("http://h", Some("phx_a")));
        let a_again =
            LocalRateLimiter::shared(limits.clone(), TeamKey::new("http://h", Some("phx_a")));
        let b = LocalRateLimiter::shared(limits, TeamKey::new("http://h", Some("phx_b")));
        assert_eq!(a.try_acquire(RateLimitBucket::Query), Admission::Granted);
        assert!(matches!(
            a_again.try_acquire(RateLimitBucket::Query),
            Admission::RetryAfter(_)
        ));
        assert_eq!(b.try_acquire(RateLimitBucket::Query), Admission::Granted);
    }

    #[test]
    fn team_keys_never_hold_the_key() {
        let key = TeamKey::new("http://h", Some("phx_very_secret"));
        assert!(!format!("{key:?}").contains("phx_very_secret"));
    }
}
