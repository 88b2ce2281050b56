//! The one path every request takes: the rate limiter, the key in exactly one place, the
//! attempt loop with its retries, and the tracing span that records all of it.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, StatusCode};
use tracing::Instrument;
use tracing::field::Empty;

use crate::__rt::OperationMeta;
use crate::auth::{KeyPlacement, PERSONAL_API_KEY_FIELD, PROJECT_TOKEN_FIELD, json_body_with_key};
use crate::client::Client;
use crate::error::{ApiError, Error, RateLimitedBy, Result};
use crate::ratelimit::{Admission, RateLimitBucket, RateLimitMode};
use crate::retry::{is_idempotent, parse_retry_after};

/// A body ready to send, and to send again on a retry when it can be replayed.
pub(crate) enum SendBody {
    Empty,
    Json(Bytes),
    /// A multipart form can be sent once only; it is taken by the first attempt.
    Multipart(Option<reqwest::multipart::Form>),
}

/// How the response is read: whole, or as a stream whose length no timeout bounds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResponseKind {
    Whole,
    Stream,
}

/// Sends a request to `url` (on the private host, without any key) and returns a successful
/// response; error statuses become [`Error`]s.
pub(crate) async fn execute(
    client: &Client,
    meta: &'static OperationMeta,
    url: url::Url,
    body: SendBody,
    accept: &'static str,
    kind: ResponseKind,
) -> Result<reqwest::Response> {
    let span = tracing::info_span!(
        "posthog_api.request",
        operation_id = meta.operation_id,
        method = %meta.method,
        path_template = meta.path_template,
        bucket = meta.bucket.as_str(),
        status = Empty,
        attempt = Empty,
        rate_limit_wait_ms = Empty,
    );
    attempts(client, meta, url, body, accept, kind, &span)
        .instrument(span.clone())
        .await
}

async fn attempts(
    client: &Client,
    meta: &'static OperationMeta,
    url: url::Url,
    body: SendBody,
    accept: &'static str,
    kind: ResponseKind,
    span: &tracing::Span,
) -> Result<reqwest::Response> {
    let url = place_keys_in_url(client, url);
    let body_key =
        client.personal_api_key().is_some() && client.key_placement() == KeyPlacement::Body;
    let (with_key, key_in_body) = if body_key {
        add_key_to_body(client, body)
    } else {
        (body, false)
    };
    let mut body = with_key;
    let policy = client.retry_policy();
    let mut waited = Duration::ZERO;
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        span.record("attempt", attempt);
        waited += admit(client, meta.bucket).await?;
        span.record(
            "rate_limit_wait_ms",
            u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
        );
        let replayable = !matches!(body, SendBody::Multipart(_));
        let can_retry = attempt < policy.attempts() && replayable;
        let request = build(
            client,
            &meta.method,
            &url,
            &mut body,
            accept,
            kind,
            key_in_body,
        );
        let sent = match (kind, client.timeout()) {
            (ResponseKind::Stream, Some(timeout)) => {
                match tokio::time::timeout(timeout, request.send()).await {
                    Ok(sent) => sent,
                    Err(_) if can_retry && is_idempotent(&meta.method) => {
                        tokio::time::sleep(policy.backoff(attempt)).await;
                        continue;
                    }
                    Err(_) => {
                        return Err(Error::Timeout {
                            timeout: Some(timeout),
                        });
                    }
                }
            }
            _ => request.send().await,
        };
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                // A connection that never opened carried nothing, so any method may be repeated.
                let safe = error.is_connect() || is_idempotent(&meta.method);
                let error = transport_error(client, error);
                if can_retry && safe {
                    let wait = policy.backoff(attempt);
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, error = %error, "retrying after a transport error");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                return Err(error);
            }
        };
        let status = response.status();
        span.record("status", status.as_u16());
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body_bytes = read_error_body(client, response).await?;
        if status == StatusCode::TOO_MANY_REQUESTS {
            if can_retry {
                let wait = policy.retry_after_wait(retry_after, attempt);
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "throttled by PostHog; retrying"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(Error::RateLimited {
                bucket: meta.bucket,
                retry_after,
                by: RateLimitedBy::Server,
                error: serde_json::from_slice::<ApiError>(&body_bytes)
                    .ok()
                    .map(|e| redact_api_error(client, e)),
            });
        }
        if status.is_server_error() && can_retry && is_idempotent(&meta.method) {
            // A 503 may say when to come back; otherwise back off.
            let wait = policy.retry_after_wait(retry_after, attempt);
            tracing::debug!(
                attempt,
                status = status.as_u16(),
                wait_ms = wait.as_millis() as u64,
                "retrying after a server error"
            );
            tokio::time::sleep(wait).await;
            continue;
        }
        return Err(error_from_body(client, status.as_u16(), &body_bytes));
    }
}

/// Waits for (or, in fail-fast mode, refuses) capacity in the bucket; returns the time waited.
async fn admit(client: &Client, bucket: RateLimitBucket) -> Result<Duration> {
    let mode = client.rate_limit_mode();
    if mode == RateLimitMode::Off {
        return Ok(Duration::ZERO);
    }
    let start = tokio::time::Instant::now();
    loop {
        match client.limiter().acquire(bucket).await {
            Admission::Granted => return Ok(start.elapsed()),
            Admission::RetryAfter(wait) if mode == RateLimitMode::FailFast => {
                return Err(Error::RateLimited {
                    bucket,
                    retry_after: Some(wait),
                    by: RateLimitedBy::Client,
                    error: None,
                });
            }
            Admission::RetryAfter(wait) => {
                tracing::debug!(
                    bucket = bucket.as_str(),
                    wait_ms = wait.as_millis() as u64,
                    "waiting for rate-limit capacity"
                );
                tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
            }
        }
    }
}

/// Puts the project token and, for the query placement, the personal key into the URL, after
/// removing any that the URL already carried (a `next` link repeats the query it was made
/// from).
fn place_keys_in_url(client: &Client, mut url: url::Url) -> url::Url {
    crate::auth::remove_query_param(&mut url, &[PERSONAL_API_KEY_FIELD, PROJECT_TOKEN_FIELD]);
    if let Some(token) = client.project_api_key() {
        url.query_pairs_mut()
            .append_pair(PROJECT_TOKEN_FIELD, token);
    }
    if let (Some(key), KeyPlacement::Query) = (client.personal_api_key(), client.key_placement()) {
        url.query_pairs_mut()
            .append_pair(PERSONAL_API_KEY_FIELD, key);
    }
    url
}

/// Adds the personal key to a JSON object body or a multipart form; says whether it did, so
/// that the header carries it otherwise.
fn add_key_to_body(client: &Client, body: SendBody) -> (SendBody, bool) {
    let Some(key) = client.personal_api_key() else {
        return (body, false);
    };
    match body {
        SendBody::Json(bytes) => match json_body_with_key(&bytes, key) {
            Some(with_key) => (SendBody::Json(Bytes::from(with_key)), true),
            None => (SendBody::Json(bytes), false),
        },
        SendBody::Multipart(Some(form)) => (
            SendBody::Multipart(Some(form.text(PERSONAL_API_KEY_FIELD, key.to_owned()))),
            true,
        ),
        other => (other, false),
    }
}

fn build(
    client: &Client,
    method: &Method,
    url: &url::Url,
    body: &mut SendBody,
    accept: &'static str,
    kind: ResponseKind,
    key_in_body: bool,
) -> reqwest::RequestBuilder {
    let mut builder = client
        .http()
        .request(method.clone(), url.clone())
        .header(ACCEPT, accept)
        .header(USER_AGENT, client.user_agent().clone());
    if let (Some(timeout), ResponseKind::Whole) = (client.timeout(), kind) {
        builder = builder.timeout(timeout);
    }
    // The header is PostHog's first choice; it is left out when the key goes elsewhere so the
    // key is never sent twice.
    if let Some(key) = client.personal_api_key() {
        if client.key_placement() != KeyPlacement::Query && !key_in_body {
            if let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {key}")) {
                value.set_sensitive(true);
                builder = builder.header(AUTHORIZATION, value);
            }
        }
    }
    match body {
        SendBody::Empty => builder,
        SendBody::Json(bytes) => builder
            .header(CONTENT_TYPE, "application/json")
            .body(bytes.clone()),
        SendBody::Multipart(form) => match form.take() {
            Some(form) => builder.multipart(form),
            None => builder,
        },
    }
}

/// A transport error without its URL (which may carry a key in the query).
fn transport_error(client: &Client, error: reqwest::Error) -> Error {
    if error.is_timeout() {
        return Error::Timeout {
            timeout: client.timeout(),
        };
    }
    Error::Transport(error.without_url())
}

fn redact_api_error(client: &Client, mut error: ApiError) -> ApiError {
    error.detail = client.redact(error.detail);
    error.attr = error.attr.map(|attr| client.redact(attr));
    error
}

pub(crate) fn error_from_body(client: &Client, status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<ApiError>(body) {
        Ok(error) => Error::Api {
            status,
            error: redact_api_error(client, error),
        },
        Err(_) => Error::Status {
            status,
            excerpt: client.redact(excerpt(body)),
        },
    }
}

const EXCERPT_CHARS: usize = 300;

/// The start of a body, for errors: at most [`EXCERPT_CHARS`] characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() || head.len() < body.len() {
        out.push('…');
    }
    out
}

/// Parses a JSON body, saying where it stopped matching the type.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(client: &Client, body: &[u8]) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: client.redact(e.inner().to_string()),
        excerpt: client.redact(excerpt(body)),
    })
}

/// An error body is read up to this size: enough for PostHog's error JSON and an excerpt, and
/// bounded whatever a proxy in between sends.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

async fn read_error_body(client: &Client, mut response: reqwest::Response) -> Result<Bytes> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(client, e))?
    {
        let room = ERROR_BODY_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == ERROR_BODY_LIMIT {
            break;
        }
    }
    Ok(Bytes::from(body))
}

/// Reads a whole successful body.
pub(crate) async fn read_body(client: &Client, response: reqwest::Response) -> Result<Bytes> {
    response
        .bytes()
        .await
        .map_err(|e| transport_error(client, e))
}
