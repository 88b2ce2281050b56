//! Observability: prints the `posthog_api.request` span of a few calls to a local mock server
//! (one retried after a 503, one that waits for the rate limiter) with `tracing-subscriber`.
//! The output names the operation, method, path template, status, attempt and milliseconds
//! waited for the limiter, and never the key, the filled path, the query or a body.
//!
//! Run with `cargo run -p posthog-api --no-default-features --example tracing`.

use std::time::Duration;

use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket, Request};
use posthog_api::ratelimit::{RateLimitWindow, RateLimits};
use posthog_api::{Client, Host, RetryPolicy};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

static PERSONS_RETRIEVE: OperationMeta = OperationMeta {
    operation_id: "persons_retrieve",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/persons/{id}/",
    bucket: RateLimitBucket::Analytics,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .init();

    let server = MockServer::start().await;
    let person = "/api/projects/1/persons/99/";
    Mock::given(path(person))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(person))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": 99}"#))
        .mount(&server)
        .await;

    let one_per_second = RateLimitWindow {
        limit: 1,
        period: Duration::from_secs(1),
    };
    let client = Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_example_personal_key")
        .retry_policy(RetryPolicy::new().initial_backoff(Duration::from_millis(50)))
        .rate_limits(
            RateLimits::posthog_defaults().with(RateLimitBucket::Analytics, [one_per_second]),
        )
        .build()?;
    for _ in 0..2 {
        Request::new(&client, &PERSONS_RETRIEVE, Ok(person.into()))
            .any_json()
            .await?;
    }
    Ok(())
}
