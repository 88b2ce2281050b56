//! Typed errors: a local mock server answers with PostHog's error bodies, a non-JSON page, a
//! body that does not match the expected type, and a 429; each becomes an `Error` variant.
//!
//! Run with `cargo run -p posthog-api --no-default-features --example errors`.

use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket, Request};
use posthog_api::{Client, Error, Host, RetryPolicy};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

static THINGS_RETRIEVE: OperationMeta = OperationMeta {
    operation_id: "things_retrieve",
    method: Method::GET,
    path_template: "/api/things/{name}/",
    bucket: RateLimitBucket::Crud,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let answers = [
        ("bad-key", ResponseTemplate::new(401).set_body_json(json!({"type": "authentication_error", "code": "invalid_personal_api_key", "detail": "Personal API key is invalid.", "attr": null}))),
        ("bad-project", ResponseTemplate::new(400).set_body_json(json!({"type": "validation_error", "code": "invalid_project", "detail": "Project not found.", "attr": "project_id"}))),
        ("new-code", ResponseTemplate::new(400).set_body_json(json!({"type": "validation_error", "code": "brand_new", "detail": "Something new.", "attr": null}))),
        ("gateway", ResponseTemplate::new(502).set_body_string("<html><body>Bad gateway</body></html>")),
        ("wrong-shape", ResponseTemplate::new(200).set_body_json(json!({"id": "not a number"}))),
        ("throttled", ResponseTemplate::new(429).insert_header("retry-after", "30").set_body_json(json!({"type": "throttled_error", "code": "throttled", "detail": "Request was throttled.", "attr": null}))),
    ];
    for (name, template) in &answers {
        Mock::given(path(format!("/api/things/{name}/")))
            .respond_with(template.clone())
            .mount(&server)
            .await;
    }
    let client = Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_example_personal_key")
        .retry_policy(RetryPolicy::never())
        .build()?;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Thing {
        id: u64,
    }
    for (name, _) in &answers {
        let result = Request::new(
            &client,
            &THINGS_RETRIEVE,
            Ok(format!("/api/things/{name}/")),
        )
        .json::<Thing>()
        .await;
        match result {
            Err(Error::Api { status, error }) => println!(
                "{name}: API error {status}, code {:?}: {}",
                error.code, error.detail
            ),
            Err(Error::Status { status, excerpt }) => {
                println!("{name}: HTTP {status}, body starts {excerpt:?}")
            }
            Err(Error::Decode { path, message, .. }) => {
                println!("{name}: decoding failed at `{path}`: {message}")
            }
            Err(Error::RateLimited {
                bucket,
                retry_after,
                by,
                ..
            }) => println!("{name}: rate limited in {bucket} by {by}, retry after {retry_after:?}"),
            Err(other) => println!("{name}: {other}"),
            Ok(thing) => println!("{name}: {thing:?}"),
        }
    }
    Ok(())
}
