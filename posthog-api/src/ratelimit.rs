//! Rate limits: PostHog limits private endpoints per team, in buckets of operations, each with
//! a per-minute and/or per-hour window. This module holds the buckets, their limits, the
//! [`RateLimiter`] trait the client calls before every attempt, and the in-process limiter.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;

pub use crate::limiter::LocalRateLimiter;

/// The rate-limit bucket an operation counts against.
///
/// Every generated operation is assigned one when the code is generated; the rules that decide
/// it live in the generator (`codegen/src/ratelimit.rs`) and follow PostHog's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RateLimitBucket {
    /// Analytics reads (insights, persons, recordings and other ClickHouse-backed reads):
    /// 240 per minute and 1,200 per hour.
    Analytics,
    /// The query endpoint: 120 per hour.
    Query,
    /// Feature flag local evaluation: 600 per minute.
    FeatureFlagLocalEvaluation,
    /// Every other private endpoint: 480 per minute and 4,800 per hour.
    Crud,
}

impl RateLimitBucket {
    /// Every bucket, in declaration order.
    pub const ALL: [RateLimitBucket; 4] = [
        RateLimitBucket::Analytics,
        RateLimitBucket::Query,
        RateLimitBucket::FeatureFlagLocalEvaluation,
        RateLimitBucket::Crud,
    ];

    /// The bucket's name as used in logs and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            RateLimitBucket::Analytics => "analytics",
            RateLimitBucket::Query => "query",
            RateLimitBucket::FeatureFlagLocalEvaluation => "feature_flag_local_evaluation",
            RateLimitBucket::Crud => "crud",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            RateLimitBucket::Analytics => 0,
            RateLimitBucket::Query => 1,
            RateLimitBucket::FeatureFlagLocalEvaluation => 2,
            RateLimitBucket::Crud => 3,
        }
    }
}

impl fmt::Display for RateLimitBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// At most `limit` calls in any `period` (a sliding window, as PostHog counts them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitWindow {
    /// How many calls the window allows.
    pub limit: u32,
    /// How long the window is.
    pub period: Duration,
}

impl RateLimitWindow {
    /// `limit` calls per minute.
    pub const fn per_minute(limit: u32) -> Self {
        RateLimitWindow {
            limit,
            period: Duration::from_secs(60),
        }
    }

    /// `limit` calls per hour.
    pub const fn per_hour(limit: u32) -> Self {
        RateLimitWindow {
            limit,
            period: Duration::from_secs(3600),
        }
    }
}

/// The windows of every bucket. Every window of a bucket is enforced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimits {
    buckets: [Vec<RateLimitWindow>; 4],
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::posthog_defaults()
    }
}

impl RateLimits {
    /// PostHog Cloud's documented limits: analytics 240/min and 1,200/h; query 120/h; feature
    /// flag local evaluation 600/min; CRUD 480/min and 4,800/h.
    pub fn posthog_defaults() -> Self {
        RateLimits {
            buckets: [
                vec![
                    RateLimitWindow::per_minute(240),
                    RateLimitWindow::per_hour(1_200),
                ],
                vec![RateLimitWindow::per_hour(120)],
                vec![RateLimitWindow::per_minute(600)],
                vec![
                    RateLimitWindow::per_minute(480),
                    RateLimitWindow::per_hour(4_800),
                ],
            ],
        }
    }

    /// Replaces the windows of one bucket (PostHog lets a team raise its query limit, for
    /// instance). No windows means no limit for that bucket.
    pub fn with(
        mut self,
        bucket: RateLimitBucket,
        windows: impl IntoIterator<Item = RateLimitWindow>,
    ) -> Self {
        self.buckets[bucket.index()] = windows.into_iter().collect();
        self
    }

    /// The windows of one bucket.
    pub fn windows(&self, bucket: RateLimitBucket) -> &[RateLimitWindow] {
        &self.buckets[bucket.index()]
    }
}

/// What a call does when its bucket has no capacity left.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitMode {
    /// Wait (an async sleep) until the bucket has room, then send.
    #[default]
    Wait,
    /// Fail at once with [`Error::RateLimited`](crate::Error::RateLimited).
    FailFast,
    /// Do not limit calls on the client side at all.
    Off,
}

/// The answer of a [`RateLimiter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Admission {
    /// The call was counted and may be sent now.
    Granted,
    /// Nothing was counted; there may be room again after this long.
    RetryAfter(Duration),
}

/// Decides whether a call may be sent now. The client asks before every attempt, retries
/// included.
///
/// [`LocalRateLimiter`] keeps the budget in this process (shared by every client for the same
/// host and key). Another implementation can keep it elsewhere to share one budget across
/// processes; pass it to [`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter).
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Counts one call in `bucket` if every window of the bucket has room, and says so;
    /// otherwise counts nothing and says how long until there may be room.
    fn acquire(&self, bucket: RateLimitBucket) -> BoxFuture<'_, Admission>;
}
