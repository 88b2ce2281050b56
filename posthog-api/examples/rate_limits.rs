//! Rate limits: two clients for the same host and key share one budget; in fail-fast mode the
//! call over the limit is refused at once, in wait mode it sleeps until the window has room.
//!
//! Run with `cargo run -p posthog-api --no-default-features --example rate_limits`. The
//! example shrinks the CRUD limit to 3 calls per 2 seconds so the wait is visible.

use std::time::{Duration, Instant};

use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket, Request};
use posthog_api::ratelimit::{RateLimitMode, RateLimitWindow, RateLimits};
use posthog_api::{Client, Host};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

static DASHBOARDS_LIST: OperationMeta = OperationMeta {
    operation_id: "dashboards_list",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/dashboards/",
    bucket: RateLimitBucket::Crud,
};

fn client(server: &MockServer, mode: RateLimitMode) -> Result<Client, posthog_api::Error> {
    let window = RateLimitWindow {
        limit: 3,
        period: Duration::from_secs(2),
    };
    Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_example_personal_key")
        .rate_limits(RateLimits::posthog_defaults().with(RateLimitBucket::Crud, [window]))
        .rate_limit_mode(mode)
        .build()
}

async fn call(client: &Client) -> Result<(), posthog_api::Error> {
    Request::new(
        client,
        &DASHBOARDS_LIST,
        Ok("/api/projects/1/dashboards/".into()),
    )
    .empty()
    .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    println!("PostHog's defaults: {:?}", RateLimits::posthog_defaults());

    let fail_fast = client(&server, RateLimitMode::FailFast)?;
    let waiting = client(&server, RateLimitMode::Wait)?;
    for i in 1..=4 {
        match call(&fail_fast).await {
            Ok(()) => println!("fail-fast call {i}: sent"),
            Err(error) => println!("fail-fast call {i}: {error}"),
        }
    }
    // The waiting client shares the budget the fail-fast one spent.
    let start = Instant::now();
    call(&waiting).await?;
    println!(
        "the waiting client's call went out after {:.1?}",
        start.elapsed()
    );
    Ok(())
}
