//! Rate limits against a real server with a paused tokio clock: both windows make calls wait,
//! fail-fast refuses, off does nothing, and clients of one team share one budget.

mod support;

use std::time::Duration;

use posthog_api::__rt::Request;
use posthog_api::ratelimit::{RateLimitMode, RateLimitWindow, RateLimits};
use posthog_api::{Client, Error, RateLimitBucket, RateLimitedBy};
use support::*;
use tokio::time::Instant;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/things/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

fn limited(
    server: &MockServer,
    mode: RateLimitMode,
    key: &str,
    windows: &[RateLimitWindow],
) -> Client {
    builder(server)
        .personal_api_key(key)
        .rate_limit_mode(mode)
        .rate_limits(
            RateLimits::posthog_defaults().with(RateLimitBucket::Crud, windows.iter().copied()),
        )
        .build()
        .expect("client")
}

async fn call(client: &Client) -> Result<(), Error> {
    Request::new(client, &GET, Ok("/api/projects/1/things/".into()))
        .empty()
        .await
}

#[tokio::test(start_paused = true)]
async fn the_minute_window_makes_the_next_call_wait() {
    let server = server().await;
    let client = limited(
        &server,
        RateLimitMode::Wait,
        "phx_minute",
        &[RateLimitWindow::per_minute(3)],
    );
    let start = Instant::now();
    for _ in 0..3 {
        call(&client).await.expect("within the limit");
    }
    assert!(start.elapsed() < Duration::from_secs(60));
    call(&client).await.expect("after waiting");
    assert!(
        start.elapsed() >= Duration::from_secs(60),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test(start_paused = true)]
async fn the_hour_window_is_enforced_too() {
    let server = server().await;
    let windows = [RateLimitWindow::per_minute(2), RateLimitWindow::per_hour(3)];
    let client = limited(&server, RateLimitMode::Wait, "phx_hour", &windows);
    let start = Instant::now();
    for _ in 0..3 {
        call(&client).await.expect("within the limits");
    }
    // Two calls then a minute's wait for the third; the fourth waits for the first to be an hour old.
    assert!(
        start.elapsed() >= Duration::from_secs(60) && start.elapsed() < Duration::from_secs(3600)
    );
    call(&client).await.expect("after waiting");
    assert!(
        start.elapsed() >= Duration::from_secs(3600),
        "waited {:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn fail_fast_refuses_with_the_bucket_and_the_wait() {
    let server = server().await;
    let client = limited(
        &server,
        RateLimitMode::FailFast,
        "phx_fail_fast",
        &[RateLimitWindow::per_minute(1)],
    );
    call(&client).await.expect("the first call");
    match call(&client).await {
        Err(Error::RateLimited {
            bucket,
            retry_after,
            by,
            error,
        }) => {
            assert_eq!(bucket, RateLimitBucket::Crud);
            assert_eq!(by, RateLimitedBy::Client);
            assert_eq!(retry_after, Some(Duration::from_secs(60)));
            assert!(error.is_none());
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(
        received(&server).await.len(),
        1,
        "the refused call is not sent"
    );
    // Other buckets are not affected.
    Request::new(&client, &QUERY, Ok("/api/projects/1/things/".into()))
        .empty()
        .await
        .expect("query bucket");
}

#[tokio::test(start_paused = true)]
async fn off_sends_everything() {
    let server = server().await;
    let client = limited(
        &server,
        RateLimitMode::Off,
        "phx_off",
        &[RateLimitWindow::per_minute(1)],
    );
    let start = Instant::now();
    for _ in 0..5 {
        call(&client).await.expect("no limit");
    }
    assert!(start.elapsed() < Duration::from_secs(60));
    // Off does not even ask the limiter.
    let refusing = builder(&server)
        .rate_limit_mode(RateLimitMode::Off)
        .rate_limiter(std::sync::Arc::new(Refusing))
        .build()
        .expect("client");
    call(&refusing).await.expect("the limiter is not consulted");
}

/// A limiter with no capacity ever, as a cross-process one whose budget is spent would be.
#[derive(Debug)]
struct Refusing;

impl posthog_api::ratelimit::RateLimiter for Refusing {
    fn acquire(
        &self,
        _bucket: RateLimitBucket,
    ) -> futures::future::BoxFuture<'_, posthog_api::ratelimit::Admission> {
        Box::pin(async { posthog_api::ratelimit::Admission::RetryAfter(Duration::from_secs(3600)) })
    }
}

#[tokio::test(start_paused = true)]
async fn a_custom_limiter_decides_in_fail_fast_mode() {
    let server = server().await;
    let client = builder(&server)
        .rate_limit_mode(RateLimitMode::FailFast)
        .rate_limiter(std::sync::Arc::new(Refusing))
        .build()
        .expect("client");
    match call(&client).await {
        Err(Error::RateLimited {
            retry_after,
            by: RateLimitedBy::Client,
            ..
        }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test(start_paused = true)]
async fn clones_and_clients_of_one_team_share_the_budget() {
    let server = server().await;
    let window = [RateLimitWindow::per_minute(2)];
    let first = limited(&server, RateLimitMode::FailFast, "phx_team_a", &window);
    let clone = first.clone();
    let rebuilt = limited(&server, RateLimitMode::FailFast, "phx_team_a", &window);
    let other_team = limited(&server, RateLimitMode::FailFast, "phx_team_b", &window);
    call(&first).await.expect("1 of 2");
    call(&clone).await.expect("2 of 2");
    assert!(matches!(
        call(&rebuilt).await,
        Err(Error::RateLimited {
            by: RateLimitedBy::Client,
            ..
        })
    ));
    call(&other_team)
        .await
        .expect("another key has its own budget");
    tokio::time::advance(Duration::from_secs(60)).await;
    call(&rebuilt).await.expect("the window moved on");
}

#[tokio::test(start_paused = true)]
async fn a_query_limit_can_be_raised() {
    let server = server().await;
    let client = builder(&server)
        .personal_api_key("phx_query_limit")
        .rate_limit_mode(RateLimitMode::FailFast)
        .rate_limits(
            RateLimits::posthog_defaults()
                .with(RateLimitBucket::Query, [RateLimitWindow::per_hour(500)]),
        )
        .build()
        .expect("client");
    for _ in 0..300 {
        Request::new(&client, &QUERY, Ok("/api/projects/1/things/".into()))
            .empty()
            .await
            .expect("within 500/h");
    }
}
