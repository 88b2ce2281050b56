//! Helpers shared by the integration tests: operation metadata like the generator's, and
//! clients pointed at a wiremock server on loopback.
#![allow(dead_code)]

use std::time::Duration;

use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket};
use posthog_api::ratelimit::RateLimitMode;
use posthog_api::{Client, ClientBuilder, Host, RetryPolicy};
use wiremock::MockServer;

pub const PERSONAL_KEY: &str = "phx_integration_secret_0123456789";
pub const PROJECT_KEY: &str = "phc_integration_project_key_987";

pub static LIST: OperationMeta = OperationMeta {
    operation_id: "things_list",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/things/",
    bucket: RateLimitBucket::Crud,
};

pub static GET: OperationMeta = OperationMeta {
    operation_id: "things_retrieve",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/things/{id}/",
    bucket: RateLimitBucket::Crud,
};

pub static CREATE: OperationMeta = OperationMeta {
    operation_id: "things_create",
    method: Method::POST,
    path_template: "/api/projects/{project_id}/things/",
    bucket: RateLimitBucket::Crud,
};

pub static QUERY: OperationMeta = OperationMeta {
    operation_id: "query_create",
    method: Method::POST,
    path_template: "/api/projects/{project_id}/query/",
    bucket: RateLimitBucket::Query,
};

/// A client for `server` with the personal key, no client-side limit, fast retries, and no
/// timers of its own: under a paused tokio clock the runtime jumps to the next timer whenever
/// it waits for the socket, so a per-attempt timeout or the connection pool's idle timer would
/// fire early or move the clock.
pub fn builder(server: &MockServer) -> ClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("an HTTP client");
    Client::builder()
        .http_client(http)
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key(PERSONAL_KEY)
        .project_id("1")
        .rate_limit_mode(RateLimitMode::Off)
        .timeout(None)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("a valid test client")
}

/// The requests the server received.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}
