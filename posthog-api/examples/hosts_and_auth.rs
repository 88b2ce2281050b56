//! Hosts and authentication: builds clients for each kind of host, sends one call with the
//! personal key in each placement to a local mock server, and shows where PostHog finds it.
//!
//! Run with `cargo run -p posthog-api --no-default-features --example hosts_and_auth`; it
//! starts its own mock server on loopback and needs no network.

use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket, Request};
use posthog_api::auth::{KeyPlacement, find_personal_api_key};
use posthog_api::{Client, Host};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

static PROJECTS_RETRIEVE: OperationMeta = OperationMeta {
    operation_id: "environments_retrieve",
    method: Method::GET,
    path_template: "/api/projects/{id}/",
    bucket: RateLimitBucket::Crud,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    for host in [Host::UsCloud, Host::EuCloud] {
        println!(
            "{host:?}: private API {}, ingestion {}",
            host.private_base(),
            host.public_base()
        );
    }
    for bad in ["posthog.example.com", "https://posthog.example.com/api"] {
        let error = Client::builder()
            .host(Host::SelfHosted(bad.into()))
            .build()
            .expect_err("rejected");
        println!("SelfHosted({bad:?}) -> {error}");
    }

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    for placement in [
        KeyPlacement::Header,
        KeyPlacement::Body,
        KeyPlacement::Query,
    ] {
        let client = Client::builder()
            .host(Host::SelfHosted(server.uri()))
            .personal_api_key("phx_example_personal_key")
            .project_api_key("phc_example_project_key")
            .key_placement(placement)
            .build()?;
        println!("{client:?}");
        Request::new(&client, &PROJECTS_RETRIEVE, Ok("/api/projects/1/".into()))
            .any_json()
            .await?;
    }
    let requests = server.received_requests().await.unwrap_or_default();
    for request in requests {
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let body = serde_json::from_slice(&request.body).ok();
        let source = find_personal_api_key(authorization, body.as_ref(), request.url.query())
            .map(|(source, _)| source);
        let query_names: Vec<_> = request
            .url
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        println!(
            "request with query parameters {query_names:?}: PostHog reads the key from {source:?}"
        );
    }
    Ok(())
}
