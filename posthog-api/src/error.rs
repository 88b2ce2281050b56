//! The error type of every call: API errors parsed from PostHog's error body, rate limits,
//! transport and decoding failures, and configuration mistakes.

use std::fmt;
use std::time::Duration;

use crate::ratelimit::RateLimitBucket;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
///
/// No variant ever holds an API key: URLs in errors have their key-bearing query parameters
/// removed, and transport errors are stripped of their URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// PostHog answered with an error status and an error body it documents.
    #[error("PostHog API error (HTTP {status}): {error}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The parsed error body.
        error: ApiError,
    },
    /// PostHog answered with an error status and a body that is not its error JSON.
    #[error("HTTP {status} from PostHog{}", fmt_excerpt(excerpt))]
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body, at most a few hundred characters.
        excerpt: String,
    },
    /// The call went over a rate limit: PostHog's (HTTP 429, after the configured retries) or
    /// this client's own limiter (in fail-fast mode).
    #[error("rate limited in the `{bucket}` bucket by the {by}{}", fmt_retry_after(*retry_after))]
    RateLimited {
        /// The bucket of the operation.
        bucket: RateLimitBucket,
        /// How long to wait before trying again, when known.
        retry_after: Option<Duration>,
        /// Who refused the call.
        by: RateLimitedBy,
        /// PostHog's error body, when it sent one.
        error: Option<ApiError>,
    },
    /// The request did not complete within the configured timeout.
    #[error("the request timed out{}", timeout.map(|t| format!(" after {t:?}")).unwrap_or_default())]
    Timeout {
        /// The configured per-attempt timeout, when one was set.
        timeout: Option<Duration>,
    },
    /// The request could not be sent or the response not read.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The response body did not match the type the schema promised.
    #[error("cannot decode the response at `{path}`: {message} (body starts: {excerpt})")]
    Decode {
        /// The JSON path of the first value that did not match (`results[3].name`).
        path: String,
        /// What serde said.
        message: String,
        /// The start of the body, at most a few hundred characters.
        excerpt: String,
    },
    /// A pagination link (`next`) pointed to another origin than the configured private API
    /// host; it was not followed, so the key was not sent there.
    #[error("refusing to follow `{url}`: it is not on the configured host {expected}")]
    ForeignOrigin {
        /// The link, without key-bearing query parameters.
        url: String,
        /// The origin the client is configured for.
        expected: String,
    },
    /// A parameter the operation needs was not set.
    #[error("required parameter `{name}` is not set")]
    MissingParameter {
        /// The parameter's name in the schema.
        name: &'static str,
    },
    /// The client or the request is not configured as the call needs.
    #[error("configuration error: {0}")]
    Config(String),
}

fn fmt_excerpt(excerpt: &str) -> String {
    if excerpt.trim().is_empty() {
        " (empty body)".to_owned()
    } else {
        format!(": {excerpt}")
    }
}

fn fmt_retry_after(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {d:?})"))
        .unwrap_or_default()
}

/// Who refused a call for going over a rate limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitedBy {
    /// PostHog answered HTTP 429.
    Server,
    /// This client's limiter, in fail-fast mode, refused to send the call.
    Client,
}

impl fmt::Display for RateLimitedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RateLimitedBy::Server => "server",
            RateLimitedBy::Client => "client's limiter",
        })
    }
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Status { status, .. } => Some(*status),
            Error::RateLimited {
                by: RateLimitedBy::Server,
                ..
            } => Some(429),
            Error::Transport(error) => error.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// PostHog's error code, when PostHog sent an error body.
    pub fn api_code(&self) -> Option<&ApiErrorCode> {
        match self {
            Error::Api { error, .. }
            | Error::RateLimited {
                error: Some(error), ..
            } => Some(&error.code),
            _ => None,
        }
    }
}

/// PostHog's error body: `{type, code, detail, attr}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The error's category.
    #[serde(rename = "type")]
    pub kind: ApiErrorType,
    /// The specific error.
    pub code: ApiErrorCode,
    /// A human-readable explanation.
    #[serde(default)]
    pub detail: String,
    /// The request attribute the error is about, if any.
    #[serde(default)]
    pub attr: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.kind, self.detail)?;
        if let Some(attr) = &self.attr {
            write!(f, " [attr: {attr}]")?;
        }
        Ok(())
    }
}

string_enum! {
    /// The `type` of a PostHog error body.
    ApiErrorType {
        /// The request was malformed or named something that does not exist.
        ValidationError = "validation_error",
        /// The API key was missing or wrong.
        AuthenticationError = "authentication_error",
        /// PostHog failed on its side.
        ServerError = "server_error",
        /// The request was throttled.
        Throttled = "throttled_error",
    }
}

string_enum! {
    /// The `code` of a PostHog error body.
    ApiErrorCode {
        /// The project named by the key or `token` does not exist.
        InvalidProject = "invalid_project",
        /// The request body is not what the endpoint takes.
        InvalidPayload = "invalid_payload",
        /// The project API key is wrong.
        InvalidApiKey = "invalid_api_key",
        /// The personal API key is wrong or lacks the scope.
        InvalidPersonalApiKey = "invalid_personal_api_key",
        /// PostHog could not load the team (a transient server error).
        FetchTeamFail = "fetch_team_fail",
        /// The team went over its rate limit.
        Throttled = "throttled",
    }
}
