//! Rate-limit buckets: PostHog limits private endpoints per team, in buckets of operations.

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
    /// The bucket's name as used in logs and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            RateLimitBucket::Analytics => "analytics",
            RateLimitBucket::Query => "query",
            RateLimitBucket::FeatureFlagLocalEvaluation => "feature_flag_local_evaluation",
            RateLimitBucket::Crud => "crud",
        }
    }
}

impl std::fmt::Display for RateLimitBucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
