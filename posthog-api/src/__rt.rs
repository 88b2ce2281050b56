//! The narrow runtime that generated operations call: building a request from an operation's
//! parts and sending it through the client. Not part of the public API.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::send::{ResponseKind, SendBody, decode, execute};

pub use crate::pagination::{stream_items, stream_pages};
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
        Body::Json(
            serde_json::to_vec(value)
                .map_err(|e| Error::Config(format!("cannot serialize the request body: {e}"))),
        )
    }
}

/// A request ready to send.
pub struct Request<'a> {
    pub(crate) client: &'a Client,
    pub(crate) meta: &'static OperationMeta,
    path: Result<String>,
    query: Vec<(&'static str, String)>,
    body: Body,
}

impl<'a> Request<'a> {
    /// Starts a request for an operation; `path` is the filled path template.
    pub fn new(client: &'a Client, meta: &'static OperationMeta, path: Result<String>) -> Self {
        Request {
            client,
            meta,
            path,
            query: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Adds a query parameter when it is set. Arrays are comma-joined, or repeated when `explode`.
    #[inline]
    pub fn query<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
        explode: bool,
    ) {
        let Some(value) = value else { return };
        match serde_json::to_value(value) {
            Ok(value) => push_query(&mut self.query, name, value, explode),
            Err(e) => {
                if self.path.is_ok() {
                    self.path = Err(Error::Config(format!(
                        "cannot serialize query parameter `{name}`: {e}"
                    )));
                }
            }
        }
    }

    /// Sets the body.
    pub fn body(&mut self, body: Body) {
        self.body = body;
    }

    /// The full URL on the private host, without any key.
    pub(crate) fn url(&mut self) -> Result<url::Url> {
        let path = std::mem::replace(
            &mut self.path,
            Err(Error::Config("request already sent".into())),
        )?;
        let base = self.client.private_base();
        let mut url = base
            .join(&path)
            .map_err(|e| Error::Config(format!("cannot build a URL from path `{path}`: {e}")))?;
        if url.origin() != base.origin() {
            // A path is always relative to the private host; anything else is a bug upstream.
            return Err(Error::Config(format!(
                "path `{path}` leaves the configured host"
            )));
        }
        if !self.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(self.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// Sends the request and returns the successful response.
    pub(crate) async fn send(
        mut self,
        accept: &'static str,
        kind: ResponseKind,
    ) -> Result<reqwest::Response> {
        let url = self.url()?;
        let body = match self.body {
            Body::Empty => SendBody::Empty,
            Body::Json(bytes) => SendBody::Json(Bytes::from(bytes?)),
            Body::Multipart(form) => SendBody::Multipart(Some(form)),
        };
        execute(self.client, self.meta, url, body, accept, kind).await
    }

    async fn send_and_read(self, accept: &'static str) -> Result<(&'a Client, Bytes)> {
        let client = self.client;
        let response = self.send(accept, ResponseKind::Whole).await?;
        let body = crate::send::read_body(client, response).await?;
        Ok((client, body))
    }

    /// Sends the request and parses a JSON response.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let (client, body) = self.send_and_read("application/json").await?;
        decode(client, &body)
    }

    /// Sends the request and parses a JSON response that the schema does not describe; an empty
    /// body is `null`.
    pub async fn any_json(self) -> Result<serde_json::Value> {
        let (client, body) = self.send_and_read("application/json").await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        decode(client, &body)
    }

    /// Sends the request and ignores the response body.
    pub async fn empty(self) -> Result<()> {
        self.send_and_read("application/json").await.map(drop)
    }

    /// Sends the request and returns the whole body, for CSV and other non-JSON responses.
    pub async fn bytes(self, accept: &'static str) -> Result<Bytes> {
        self.send_and_read(accept).await.map(|(_, body)| body)
    }

    /// Sends the request and returns the body as a stream of server-sent events.
    pub async fn event_stream(
        self,
    ) -> Result<impl Stream<Item = Result<crate::ServerSentEvent>> + Send + 'static> {
        let response = self.send("text/event-stream", ResponseKind::Stream).await?;
        Ok(crate::sse::events(response.bytes_stream().map(|chunk| {
            chunk.map_err(|e| Error::Transport(e.without_url()))
        })))
    }
}

fn push_query(
    out: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: serde_json::Value,
    explode: bool,
) {
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
            let joined = items
                .into_iter()
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(",");
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
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The project id a call uses: the one given, or the client's default.
pub fn project_id(client: &Client, given: Option<String>, param: &'static str) -> Result<String> {
    given
        .or_else(|| client.default_project_id().map(str::to_owned))
        .ok_or_else(|| {
            Error::Config(format!(
                "`{param}` is not set and the client has no default project id"
            ))
        })
}

/// The organization id a call uses: the one given, the client's default, or `@current`.
pub fn organization_id(client: &Client, given: Option<String>) -> String {
    given
        .or_else(|| client.default_organization_id().map(str::to_owned))
        .unwrap_or_else(|| "@current".to_owned())
}

/// A required parameter that was not set.
pub fn missing(param: &'static str) -> Error {
    Error::MissingParameter { name: param }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_flattened_as_openapi_says() {
        let mut out = Vec::new();
        push_query(&mut out, "ids", serde_json::json!([1, "a"]), false);
        push_query(&mut out, "tag", serde_json::json!(["x", "y"]), true);
        push_query(&mut out, "flag", serde_json::json!(true), false);
        push_query(&mut out, "none", serde_json::Value::Null, false);
        let expected = [("ids", "1,a"), ("tag", "x"), ("tag", "y"), ("flag", "true")];
        assert_eq!(out, expected.map(|(k, v)| (k, v.to_owned())));
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path("a b/c?d@e"), "a%20b%2Fc%3Fd@e");
    }
}
