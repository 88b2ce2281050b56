//! A typed client for the whole PostHog API.
//!
//! The private API (everything under `/api/`) is generated from the OpenAPI schema that a
//! PostHog instance serves; every operation is a method on [`Client`] that returns a request
//! builder. Set the optional parameters on the builder, then `.send().await` it:
//!
//! ```no_run
//! # #[cfg(feature = "product_analytics")]
//! # async fn run() -> Result<(), posthog_api::Error> {
//! let client = posthog_api::Client::builder()
//!     .host(posthog_api::Host::UsCloud)
//!     .personal_api_key("phx_...")
//!     .project_id("12345")
//!     .build()?;
//! let page = client.insights_list().limit(10).send().await?;
//! for insight in page.results {
//!     println!("{:?}", insight.name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Operations are grouped by PostHog product, one cargo feature each (`product_analytics`,
//! `feature_flags`, `data_warehouse`, ...); the `full` feature, on by default, enables all of
//! them. Types live in [`types`], generated from the schema's components.
//!
//! Every call goes through the same hand-written layers:
//!
//! - **Hosts and keys**: the personal API key is sent only to the private API host, in exactly
//!   one place ([`auth::KeyPlacement`]); keys are kept in `secrecy` types and never appear in
//!   `Debug` output, logs or errors.
//! - **Rate limits**: each operation counts against its [`RateLimitBucket`]; clients for the
//!   same host and key share one budget ([`ratelimit`]).
//! - **Retries**: HTTP 429 waits for `Retry-After`; server errors and lost connections back off
//!   and retry when repeating the call is safe ([`RetryPolicy`]).
//! - **Pagination**: list operations have `.pages()` and `.stream()`, which follow `next`
//!   lazily and never off the configured host.
//! - **Errors**: one [`Error`] enum with typed fields.
//! - **Tracing**: one `posthog_api.request` span per call with the operation id, method, path
//!   template, status, attempt and time waited for the limiter; never keys or bodies.
#![deny(missing_docs)]

#[macro_use]
#[allow(unused_macros)]
mod macros;
#[doc(hidden)]
pub mod __rt;
pub mod auth;
mod client;
mod error;
// Which helpers are used depends on the generated code and the enabled product features.
#[allow(dead_code)]
mod json;
mod limiter;
mod pagination;
pub mod ratelimit;
mod retry;
mod send;
mod sse;

#[rustfmt::skip]
#[allow(missing_docs, deprecated, clippy::all, clippy::pedantic, unused_imports, non_camel_case_types)]
mod generated;

pub use __rt::{EventStream, JsonResponse, ResponseFuture, ResultStream};
pub use client::{Client, ClientBuilder, Host, USER_AGENT};
pub use error::{ApiError, ApiErrorCode, ApiErrorType, Error, RateLimitedBy, Result};
pub use generated::types;
pub use ratelimit::RateLimitBucket;
pub use retry::RetryPolicy;
pub use sse::ServerSentEvent;

/// Request builders, one per operation, grouped by product.
///
/// [`Client`]'s methods return these; they are named after the operation
/// (`InsightsListRequest` for `Client::insights_list`).
pub mod builders {
    #[allow(unused_imports)]
    pub use crate::generated::builders::*;
}
