//! The rate-limit bucket of each operation, decided when the code is generated.
//!
//! PostHog limits private endpoints per team in buckets (its API documentation, "Rate
//! limiting"): analytics endpoints (insights, persons, session recordings and the other
//! ClickHouse-backed reads) 240/min and 1,200/h; the query endpoint 120/h; feature flag local
//! evaluation 600/min; every other CRUD endpoint 480/min and 4,800/h. The rules are data: the
//! first rule that matches an operation decides its bucket.

/// A bucket, named as the runtime's `RateLimitBucket` variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bucket {
    /// ClickHouse-backed reads.
    Analytics,
    /// The query endpoint.
    Query,
    /// Feature flag local evaluation.
    FeatureFlagLocalEvaluation,
    /// Everything else.
    Crud,
}

impl Bucket {
    /// The runtime variant's name.
    pub fn variant(self) -> &'static str {
        match self {
            Bucket::Analytics => "Analytics",
            Bucket::Query => "Query",
            Bucket::FeatureFlagLocalEvaluation => "FeatureFlagLocalEvaluation",
            Bucket::Crud => "Crud",
        }
    }
}

/// How a rule matches a path template (`/api/projects/{project_id}/insights/{id}/`).
#[derive(Clone, Copy, Debug)]
pub enum Match {
    /// The path, with every `{param}` written as `{}`, is this.
    Template(&'static str),
    /// The path, with every `{param}` written as `{}`, ends with this.
    EndsWith(&'static str),
    /// The path has this literal segment after the project or environment id.
    ProjectSegment(&'static str),
}

/// One rule: operations whose path matches (and, if given, whose method is among `methods`)
/// count against `bucket`.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The bucket.
    pub bucket: Bucket,
    /// The path match.
    pub path: Match,
    /// The methods it applies to; empty means all.
    pub methods: &'static [&'static str],
}

/// The rules, most specific first. Reads (`GET`) of analytics resources are analytics;
/// writes to them are CRUD.
pub const RULES: &[Rule] = &[
    Rule {
        bucket: Bucket::Query,
        path: Match::Template("/api/projects/{}/query/"),
        methods: &[],
    },
    Rule {
        bucket: Bucket::Query,
        path: Match::Template("/api/environments/{}/query/"),
        methods: &[],
    },
    // Other query endpoints (logs, trace spans) run ClickHouse queries through a POST.
    Rule {
        bucket: Bucket::Analytics,
        path: Match::EndsWith("/query/"),
        methods: &[],
    },
    Rule {
        bucket: Bucket::FeatureFlagLocalEvaluation,
        path: Match::EndsWith("/feature_flags/local_evaluation/"),
        methods: &[],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("query"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("insights"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("persons"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("session_recordings"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("session_recording_playlists"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("events"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("sessions"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("groups"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("heatmaps"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("web_analytics"),
        methods: &["get"],
    },
    Rule {
        bucket: Bucket::Analytics,
        path: Match::ProjectSegment("web_vitals"),
        methods: &["get"],
    },
];

/// The bucket of an operation.
pub fn bucket(method: &str, path: &str) -> Bucket {
    let template = normalize(path);
    for rule in RULES {
        if !rule.methods.is_empty() && !rule.methods.contains(&method) {
            continue;
        }
        let matched = match rule.path {
            Match::Template(exact) => template == exact,
            Match::EndsWith(suffix) => template.ends_with(suffix),
            Match::ProjectSegment(segment) => project_segment(&template) == Some(segment),
        };
        if matched {
            return rule.bucket;
        }
    }
    Bucket::Crud
}

/// The path with every parameter written as `{}`.
fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            other => out.push(other),
        }
    }
    out
}

/// The first segment after `/api/projects/{}/` or `/api/environments/{}/`.
fn project_segment(template: &str) -> Option<&str> {
    let rest = template
        .strip_prefix("/api/projects/{}/")
        .or_else(|| template.strip_prefix("/api/environments/{}/"))?;
    rest.split('/').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_documented_limits() {
        assert_eq!(
            bucket("post", "/api/projects/{project_id}/query/"),
            Bucket::Query
        );
        assert_eq!(
            bucket("get", "/api/projects/{project_id}/query/{id}/"),
            Bucket::Analytics
        );
        assert_eq!(
            bucket("post", "/api/projects/{project_id}/logs/query/"),
            Bucket::Analytics
        );
        assert_eq!(
            bucket("get", "/api/feature_flag/local_evaluation/"),
            Bucket::Crud
        );
        assert_eq!(
            bucket(
                "get",
                "/api/projects/{project_id}/feature_flags/local_evaluation/"
            ),
            Bucket::FeatureFlagLocalEvaluation
        );
        assert_eq!(
            bucket("get", "/api/projects/{project_id}/insights/{id}/"),
            Bucket::Analytics
        );
        assert_eq!(
            bucket("patch", "/api/projects/{project_id}/insights/{id}/"),
            Bucket::Crud
        );
        assert_eq!(
            bucket("get", "/api/environments/{environment_id}/persons/"),
            Bucket::Analytics
        );
        assert_eq!(
            bucket("get", "/api/projects/{project_id}/dashboards/"),
            Bucket::Crud
        );
        assert_eq!(
            bucket("get", "/api/organizations/{organization_id}/projects/"),
            Bucket::Crud
        );
    }
}
