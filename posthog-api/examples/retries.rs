//! Retries: a local mock server fails twice with 503 and once with 429 `Retry-After: 1`; a GET
//! gets through after backing off, while a POST is not repeated after a server error.
//!
//! Run with `cargo run -p posthog-api --no-default-features --example retries`.

use std::time::{Duration, Instant};

use posthog_api::__rt::{Body, Method, OperationMeta, RateLimitBucket, Request};
use posthog_api::{Client, Host, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

static FLAGS_RETRIEVE: OperationMeta = OperationMeta {
    operation_id: "feature_flags_retrieve",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/feature_flags/{id}/",
    bucket: RateLimitBucket::Crud,
};

static FLAGS_CREATE: OperationMeta = OperationMeta {
    operation_id: "feature_flags_create",
    method: Method::POST,
    path_template: "/api/projects/{project_id}/feature_flags/",
    bucket: RateLimitBucket::Crud,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let flag = "/api/projects/1/feature_flags/7/";
    Mock::given(path(flag))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path(flag))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(flag))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": 7}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let client = Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_example_personal_key")
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(5)
                .initial_backoff(Duration::from_millis(100)),
        )
        .build()?;
    let start = Instant::now();
    let flag_json = Request::new(&client, &FLAGS_RETRIEVE, Ok(flag.into()))
        .any_json()
        .await?;
    println!(
        "GET got {flag_json} after {:.1?} and {} attempts",
        start.elapsed(),
        server.received_requests().await.unwrap_or_default().len()
    );

    let mut create = Request::new(
        &client,
        &FLAGS_CREATE,
        Ok("/api/projects/1/feature_flags/".into()),
    );
    create.body(Body::json(&serde_json::json!({"key": "new-flag"})));
    let error = create
        .any_json()
        .await
        .expect_err("the mock fails every POST");
    let posts = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    println!("POST failed with `{error}` after {posts} attempt(s): it may have reached the server");
    Ok(())
}
