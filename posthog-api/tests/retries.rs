//! Retries: 429 waits for `Retry-After` in both forms, server errors back off and retry on
//! `GET` but not on `POST`, and every attempt asks the rate limiter again. The tokio clock is
//! paused, so waits take no real time.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use posthog_api::__rt::{Body, Request};
use posthog_api::ratelimit::{Admission, RateLimitMode, RateLimiter};
use posthog_api::{Error, RateLimitBucket, RetryPolicy};
use support::*;
use tokio::time::Instant;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const THING: &str = "/api/projects/1/things/";

/// Answers `first` (`times` times) and then 200.
async fn flaky(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(THING))
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(path(THING))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

async fn get(client: &posthog_api::Client) -> Result<serde_json::Value, Error> {
    Request::new(client, &GET, Ok(THING.into()))
        .any_json()
        .await
}

async fn post(client: &posthog_api::Client) -> Result<serde_json::Value, Error> {
    let mut request = Request::new(client, &CREATE, Ok(THING.into()));
    request.body(Body::json(&serde_json::json!({"name": "x"})));
    request.any_json().await
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_retry_after_in_seconds() {
    let server = flaky(
        ResponseTemplate::new(429).insert_header("retry-after", "30"),
        1,
    )
    .await;
    let client = client(&server);
    let start = Instant::now();
    get(&client).await.expect("the retry succeeds");
    assert!(
        start.elapsed() >= Duration::from_secs(30),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_retry_after_as_an_http_date() {
    let date = httpdate_in(Duration::from_secs(45));
    let server = flaky(
        ResponseTemplate::new(429).insert_header("retry-after", date.as_str()),
        1,
    )
    .await;
    let client = client(&server);
    let start = Instant::now();
    // A 429 means PostHog did not process the call, so even a POST is sent again.
    post(&client).await.expect("the retry succeeds");
    // The date has a one-second resolution and the wall clock moves on while the test runs.
    assert!(
        start.elapsed() >= Duration::from_secs(40),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(received(&server).await.len(), 2);
}

fn httpdate_in(wait: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + wait)
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_capped() {
    let server = flaky(
        ResponseTemplate::new(429).insert_header("retry-after", "86400"),
        1,
    )
    .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::new().max_retry_after(Duration::from_secs(5)))
        .build()
        .expect("client");
    let start = Instant::now();
    get(&client).await.expect("the retry succeeds");
    assert!(
        start.elapsed() < Duration::from_secs(3600),
        "waited {:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_on_get() {
    let server = flaky(ResponseTemplate::new(503), 2).await;
    let client = client(&server);
    assert_eq!(
        get(&client).await.expect("third attempt succeeds")["ok"],
        true
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_503_with_retry_after_waits_for_it() {
    let server = flaky(
        ResponseTemplate::new(503).insert_header("retry-after", "20"),
        1,
    )
    .await;
    let client = client(&server);
    let start = Instant::now();
    get(&client).await.expect("the retry succeeds");
    assert!(
        start.elapsed() >= Duration::from_secs(20),
        "waited {:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_not_retried_on_post() {
    let server = flaky(ResponseTemplate::new(503), 2).await;
    let client = client(&server);
    assert_eq!(
        post(&client).await.err().and_then(|e| e.status()),
        Some(503)
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn attempts_are_bounded() {
    let server = flaky(ResponseTemplate::new(500), 10).await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::new().max_attempts(4))
        .build()
        .expect("client");
    assert_eq!(get(&client).await.err().and_then(|e| e.status()), Some(500));
    assert_eq!(received(&server).await.len(), 4);
    let server = flaky(ResponseTemplate::new(429), 10).await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::new().max_attempts(2))
        .build()
        .expect("client");
    assert!(matches!(get(&client).await, Err(Error::RateLimited { .. })));
    assert_eq!(received(&server).await.len(), 2);
}

// The timeout is generous so that a loaded machine still answers the fast attempt in time.
#[tokio::test]
async fn timeouts_are_retried_on_get_only() {
    let server = flaky(
        ResponseTemplate::new(200).set_delay(Duration::from_secs(60)),
        1,
    )
    .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    get(&client).await.expect("the second attempt is fast");
    assert_eq!(received(&server).await.len(), 2);
    let server = flaky(
        ResponseTemplate::new(200).set_delay(Duration::from_secs(60)),
        1,
    )
    .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    assert!(matches!(post(&client).await, Err(Error::Timeout { .. })));
}

#[derive(Debug, Default)]
struct CountingLimiter {
    calls: AtomicU32,
}

impl RateLimiter for CountingLimiter {
    fn acquire(&self, _bucket: RateLimitBucket) -> BoxFuture<'_, Admission> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Admission::Granted })
    }
}

#[tokio::test(start_paused = true)]
async fn every_attempt_counts_against_the_rate_limit() {
    let server = flaky(ResponseTemplate::new(502), 2).await;
    let limiter = Arc::new(CountingLimiter::default());
    let client = builder(&server)
        .rate_limit_mode(RateLimitMode::Wait)
        .rate_limiter(limiter.clone())
        .build()
        .expect("client");
    get(&client).await.expect("third attempt succeeds");
    assert_eq!(limiter.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_post() {
    // Nothing listens on the port at first; the server starts there while the client backs off.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = posthog_api::Client::builder()
        .host(posthog_api::Host::SelfHosted(format!(
            "http://127.0.0.1:{port}"
        )))
        .personal_api_key(PERSONAL_KEY)
        .rate_limit_mode(RateLimitMode::Off)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(200))
                .max_backoff(Duration::from_millis(400)),
        )
        .build()
        .expect("client");
    let starting = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is still free");
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(path(THING))
            .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 1})))
            .mount(&server)
            .await;
        server
    });
    let created = post(&client)
        .await
        .expect("the POST goes through once the server is up");
    assert_eq!(created["id"], 1);
    let server = starting.await.expect("the server task");
    assert_eq!(
        received(&server).await.len(),
        1,
        "the POST reached the server once"
    );
}
