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

    // The terminal methods below return boxed futures and streams from generic functions: each
    // generated operation then returns one concrete type, and the compiler proves `Send` once
    // here instead of once per operation (for 1,654 operations that was a quarter of the
    // crate's build time). One allocation per call is nothing beside a network round trip.

    /// Sends the request and parses a JSON response.
    pub fn json<T: DeserializeOwned + 'a>(self) -> ResponseFuture<'a, T> {
        Box::pin(async move {
            let (client, body) = self.send_and_read("application/json").await?;
            decode(client, &body)
        })
    }

    /// Sends the request and parses a JSON response that the schema does not describe; an empty
    /// body is `null`.
    pub fn any_json(self) -> ResponseFuture<'a, serde_json::Value> {
        Box::pin(async move {
            let (client, body) = self.send_and_read("application/json").await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(serde_json::Value::Null);
            }
            decode(client, &body)
        })
    }

    /// Sends the request and ignores the response body.
    pub fn empty(self) -> ResponseFuture<'a, ()> {
        Box::pin(async move { self.send_and_read("application/json").await.map(drop) })
    }

    /// Sends the request and returns the whole body, for CSV and other non-JSON responses.
    pub fn bytes(self, accept: &'static str) -> ResponseFuture<'a, Bytes> {
        Box::pin(async move { self.send_and_read(accept).await.map(|(_, body)| body) })
    }

    /// Sends the request and returns the body as a stream of server-sent events.
    pub fn event_stream(self) -> ResponseFuture<'a, EventStream> {
        Box::pin(async move {
            let response = self.send("text/event-stream", ResponseKind::Stream).await?;
            let events = crate::sse::events(
                response
                    .bytes_stream()
                    .map(|chunk| chunk.map_err(|e| Error::Transport(e.without_url()))),
            );
            Ok(Box::pin(events) as EventStream)
        })
    }
}

/// The response of a JSON operation: a future that sends the request when first polled and
/// parses the response as `T`.
///
/// It is a named type rather than an `async fn` so that the 1,654 generated `send()` methods
/// stay trivial: sending and parsing are generic code, compiled only for the operations a
/// program calls, not for every operation in this crate.
#[must_use = "a request does nothing until it is awaited"]
pub struct JsonResponse<'a, T> {
    state: JsonState<'a, T>,
}

// The request variant is larger, but it lives only until the first poll; boxing it would cost
// an allocation per call.
#[allow(clippy::large_enum_variant)]
enum JsonState<'a, T> {
    Unsent(Option<Request<'a>>),
    Sent(ResponseFuture<'a, T>),
}

impl<'a, T> JsonResponse<'a, T> {
    /// A response future for `request`.
    pub fn new(request: Request<'a>) -> Self {
        JsonResponse {
            state: JsonState::Unsent(Some(request)),
        }
    }
}

// Pinning is never structural here: the request is moved out before sending, and the running
// future is boxed and pinned on its own.
impl<T> Unpin for JsonResponse<'_, T> {}

impl<'a, T: DeserializeOwned + 'a> std::future::Future for JsonResponse<'a, T> {
    type Output = Result<T>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<T>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                JsonState::Unsent(request) => match request.take() {
                    Some(request) => this.state = JsonState::Sent(request.json()),
                    None => {
                        return std::task::Poll::Ready(Err(Error::Config(
                            "response polled after completion".into(),
                        )));
                    }
                },
                JsonState::Sent(future) => return future.as_mut().poll(cx),
            }
        }
    }
}

/// The future of a sent request.
pub type ResponseFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;

/// A stream of server-sent events.
pub type EventStream =
    std::pin::Pin<Box<dyn Stream<Item = Result<crate::ServerSentEvent>> + Send + 'static>>;

/// A stream of results (items or pages of a list operation).
pub type ResultStream<'a, T> = std::pin::Pin<Box<dyn Stream<Item = Result<T>> + Send + 'a>>;

/// Every item of every page of a list operation, boxed (see [`stream_items`]).
pub fn items<'a, T: DeserializeOwned + Send + 'a>(request: Request<'a>) -> ResultStream<'a, T> {
    Box::pin(stream_items(request))
}

/// Every page of a list operation, boxed (see [`stream_pages`]).
pub fn pages<'a, P: DeserializeOwned + Send + 'a>(request: Request<'a>) -> ResultStream<'a, P> {
    Box::pin(stream_pages(request))
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
