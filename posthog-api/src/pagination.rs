//! The one paginator behind every list operation's `.pages()` and `.stream()`: it follows
//! `next` links lazily, one page in memory at a time, through the same limiter, keys and
//! retries as any call, and never follows a link off the configured host.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use futures::{Stream, StreamExt, stream};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::__rt::{OperationMeta, Request};
use crate::auth::{PERSONAL_API_KEY_FIELD, PROJECT_TOKEN_FIELD, redacted_url, remove_query_param};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::send::{ResponseKind, SendBody, decode, execute, read_body};

/// Streams the pages of a list operation, each parsed as `P`, following `next` until it is
/// empty, absent, or a link already visited.
pub fn stream_pages<'a, P>(request: Request<'a>) -> impl Stream<Item = Result<P>> + Send + 'a
where
    P: DeserializeOwned + Send + 'a,
{
    pages_with(request, |client, body| {
        let page: P = decode(client, body)?;
        let link: NextLink = decode(client, body)?;
        Ok((page, link.next))
    })
}

/// Streams the items (`results`) of every page of a list operation, each parsed as `T`.
pub fn stream_items<'a, T>(request: Request<'a>) -> impl Stream<Item = Result<T>> + Send + 'a
where
    T: DeserializeOwned + Send + 'a,
{
    pages_with(request, |client, body| {
        let page: ItemsPage<T> = decode(client, body)?;
        Ok((page.results, page.next))
    })
    .flat_map(|page| match page {
        Ok(items) => stream::iter(items).map(Ok).left_stream(),
        Err(error) => stream::once(std::future::ready(Err(error))).right_stream(),
    })
}

#[derive(Deserialize)]
struct NextLink {
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct ItemsPage<T> {
    #[serde(default)]
    next: Option<String>,
    results: Vec<T>,
}

/// Where the paginator is: the request to send next, or the error to yield before stopping.
enum Step<'a> {
    First(Request<'a>),
    Follow {
        client: &'a Client,
        meta: &'static OperationMeta,
        url: url::Url,
        seen: HashSet<u64>,
    },
    Fail(Error),
    Done,
}

fn pages_with<'a, P, F>(request: Request<'a>, parse: F) -> impl Stream<Item = Result<P>> + Send + 'a
where
    P: Send + 'a,
    F: Fn(&Client, &[u8]) -> Result<(P, Option<String>)> + Send + Sync + 'a,
{
    stream::unfold((Step::First(request), parse), |(step, parse)| async move {
        let (client, meta, url, mut seen) = match step {
            Step::Done => return None,
            Step::Fail(error) => return Some((Err(error), (Step::Done, parse))),
            Step::First(mut request) => match request.url() {
                Ok(url) => (request.client, request.meta, url, HashSet::new()),
                Err(error) => return Some((Err(error), (Step::Done, parse))),
            },
            Step::Follow {
                client,
                meta,
                url,
                seen,
            } => (client, meta, url, seen),
        };
        seen.insert(link_hash(&url));
        let fetched = match execute(
            client,
            meta,
            url,
            SendBody::Empty,
            "application/json",
            ResponseKind::Whole,
        )
        .await
        {
            Ok(response) => read_body(client, response).await,
            Err(error) => Err(error),
        };
        let (page, next) = match fetched.and_then(|body| parse(client, &body)) {
            Ok(parsed) => parsed,
            Err(error) => return Some((Err(error), (Step::Done, parse))),
        };
        let step = match next.as_deref().map(str::trim) {
            None | Some("") => Step::Done,
            Some(next) => match follow(client, next) {
                Ok(url) if seen.contains(&link_hash(&url)) => {
                    tracing::warn!(
                        operation_id = meta.operation_id,
                        "stopping pagination: `next` repeats a page already read"
                    );
                    Step::Done
                }
                Ok(url) => Step::Follow {
                    client,
                    meta,
                    url,
                    seen,
                },
                Err(error) => Step::Fail(error),
            },
        };
        Some((Ok(page), (step, parse)))
    })
}

/// Checks a `next` link: it must be on the private host's origin (scheme, host and port), and
/// loses any key parameters, which the send path adds again in the one place configured.
fn follow(client: &Client, next: &str) -> Result<url::Url> {
    let base = client.private_base();
    let mut url = base
        .join(next)
        .map_err(|e| Error::Config(format!("`next` is not a URL: {e}")))?;
    if url.origin() != base.origin() {
        return Err(Error::ForeignOrigin {
            url: redacted_url(&url),
            expected: base.origin().ascii_serialization(),
        });
    }
    remove_query_param(&mut url, &[PERSONAL_API_KEY_FIELD, PROJECT_TOKEN_FIELD]);
    url.set_fragment(None);
    Ok(url)
}

/// Visited links are remembered as hashes, so a long listing costs 8 bytes per page.
fn link_hash(url: &url::Url) -> u64 {
    let mut url = url.clone();
    remove_query_param(&mut url, &[PERSONAL_API_KEY_FIELD, PROJECT_TOKEN_FIELD]);
    let mut hasher = DefaultHasher::new();
    url.as_str().hash(&mut hasher);
    hasher.finish()
}
