//! The narrow runtime that generated operations call: building a request from an operation's
//! parts and sending it through the client. Not part of the public API.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{ApiError, Error, Result};
pub use crate::ratelimit::RateLimitBucket;
pub use reqwest::Method;

/// What the generator knows about one operation.
#[derive(Debug)]
pub struct OperationMeta {
    /// The schema's `operationId`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, such as `/api/projects/{project_id}/insights/`.
    pub path_template: &'static str,
    /// The rate-limit bucket the operation counts against.
    pub bucket: RateLimitBucket,
}

/// The body of a request.
pub enum Body {
    /// No body.
    Empty,
    /// A JSON body, already serialized.
    Json(Result<Vec<u8>>),
    /// A multipart form.
    Multipart(reqwest::multipart::Form),
}

impl Body {
    /// Serializes a JSON body.
    #[inline]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Body {
        Body::Json(serde_json::to_vec(value).map_err(|e| Error::Config(format!("cannot serialize the request body: {e}"))))
    }
}

/// A request ready to send.
pub struct Request<'a> {
    client: &'a Client,
    meta: &'static OperationMeta,
    path: Result<String>,
    query: Vec<(&'static str, String)>,
    body: Body,
}

impl<'a> Request<'a> {
    /// Starts a request for an operation; `path` is the filled path template.
    pub fn new(client: &'a Client, meta: &'static OperationMeta, path: Result<String>) -> Self {
        Request { client, meta, path, query: Vec::new(), body: Body::Empty }
    }

    /// Adds a query parameter when it is set. Arrays are comma-joined, or repeated when `explode`.
    #[inline]
    pub fn query<T: serde::Serialize>(&mut self, name: &'static str, value: Option<&T>, explode: bool) {
        if let Some(value) = value {
            push_query(&mut self.query, name, serde_json::to_value(value).unwrap_or_default(), explode);
        }
    }

    /// Sets the body.
    pub fn body(&mut self, body: Body) {
        self.body = body;
    }

    async fn send(self, accept: &'static str) -> Result<reqwest::Response> {
        let path = self.path?;
        let url = format!("{}{}", self.client.host().private_base(), path);
        let mut builder = self
            .client
            .http()
            .request(self.meta.method.clone(), url)
            .header(reqwest::header::ACCEPT, accept);
        if !self.query.is_empty() {
            builder = builder.query(&self.query);
        }
        if let Some(key) = self.client.personal_api_key() {
            builder = builder.bearer_auth(key);
        }
        builder = match self.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes?),
            Body::Multipart(form) => builder.multipart(form),
        };
        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.bytes().await.map_err(Error::Transport)?;
        Err(error_from_body(status.as_u16(), &body))
    }

    /// Sends the request and parses a JSON response.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let response = self.send("application/json").await?;
        let body = response.bytes().await.map_err(Error::Transport)?;
        decode(&body)
    }

    /// Sends the request and parses a JSON response that the schema does not describe; an empty
    /// body is `null`.
    pub async fn any_json(self) -> Result<serde_json::Value> {
        let response = self.send("application/json").await?;
        let body = response.bytes().await.map_err(Error::Transport)?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        decode(&body)
    }

    /// Sends the request and ignores the response body.
    pub async fn empty(self) -> Result<()> {
        self.send("application/json").await.map(drop)
    }

    /// Sends the request and returns the whole body, for CSV and other non-JSON responses.
    pub async fn bytes(self, accept: &'static str) -> Result<Bytes> {
        let response = self.send(accept).await?;
        response.bytes().await.map_err(Error::Transport)
    }

    /// Sends the request and returns the body as a stream of server-sent events.
    pub async fn event_stream(self) -> Result<impl Stream<Item = Result<crate::ServerSentEvent>> + Send + 'static> {
        let response = self.send("text/event-stream").await?;
        Ok(crate::sse::events(response.bytes_stream().map(|chunk| chunk.map_err(Error::Transport))))
    }
}

fn push_query(out: &mut Vec<(&'static str, String)>, name: &'static str, value: serde_json::Value, explode: bool) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::String(s) => out.push((name, s)),
        Value::Array(items) if explode => {
            for item in items {
                push_query(out, name, item, false);
            }
        }
        Value::Array(items) => {
            let joined = items.into_iter().map(scalar_text).collect::<Vec<_>>().join(",");
            out.push((name, joined));
        }
        other => out.push((name, scalar_text(other))),
    }
}

fn scalar_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Percent-encodes one path segment.
pub fn encode_path(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The project id a call uses: the one given, or the client's default.
pub fn project_id(client: &Client, given: Option<String>, param: &'static str) -> Result<String> {
    given
        .or_else(|| client.default_project_id().map(str::to_owned))
        .ok_or_else(|| Error::Config(format!("`{param}` is not set and the client has no default project id")))
}

/// The organization id a call uses: the one given, the client's default, or `@current`.
pub fn organization_id(client: &Client, given: Option<String>) -> String {
    given
        .or_else(|| client.default_organization_id().map(str::to_owned))
        .unwrap_or_else(|| "@current".to_owned())
}

/// A required parameter that was not set.
pub fn missing(param: &'static str) -> Error {
    Error::Config(format!("required parameter `{param}` is not set"))
}

const EXCERPT_CHARS: usize = 300;

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
        excerpt: excerpt(body),
    })
}

pub(crate) fn error_from_body(status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<ApiError>(body) {
        Ok(error) => Error::Api { status, error },
        Err(_) => Error::Status { status, excerpt: excerpt(body) },
    }
}
