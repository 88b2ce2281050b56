//! Every failure becomes a typed error: PostHog's error codes, other statuses, bodies that do
//! not decode, timeouts, transport failures and configuration mistakes.

mod support;

use std::time::Duration;

use posthog_api::__rt::{Request, missing, project_id};
use posthog_api::{ApiErrorCode, ApiErrorType, Client, Error, Host, RetryPolicy};
use serde_json::json;
use support::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/things/"))
        .respond_with(template)
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    (server, client)
}

async fn call(client: &Client) -> Result<serde_json::Value, Error> {
    Request::new(client, &GET, Ok("/api/projects/1/things/".into()))
        .json()
        .await
}

#[tokio::test]
async fn every_documented_code_is_an_enum_value() {
    let cases = [
        (
            401,
            "authentication_error",
            "invalid_personal_api_key",
            ApiErrorCode::InvalidPersonalApiKey,
        ),
        (
            401,
            "authentication_error",
            "invalid_api_key",
            ApiErrorCode::InvalidApiKey,
        ),
        (
            400,
            "validation_error",
            "invalid_project",
            ApiErrorCode::InvalidProject,
        ),
        (
            400,
            "validation_error",
            "invalid_payload",
            ApiErrorCode::InvalidPayload,
        ),
        (
            500,
            "server_error",
            "fetch_team_fail",
            ApiErrorCode::FetchTeamFail,
        ),
        (403, "throttled_error", "throttled", ApiErrorCode::Throttled),
        (
            400,
            "validation_error",
            "a_code_from_the_future",
            ApiErrorCode::Unknown("a_code_from_the_future".into()),
        ),
    ];
    for (status, kind, code, expected) in cases {
        let body = json!({"type": kind, "code": code, "detail": "Something.", "attr": "name"});
        let (_server, client) = answer(ResponseTemplate::new(status).set_body_json(body)).await;
        match call(&client).await {
            Err(error @ Error::Api { .. }) => {
                assert_eq!(error.status(), Some(status));
                assert_eq!(error.api_code(), Some(&expected));
                let Error::Api { error: api, .. } = &error else {
                    unreachable!()
                };
                assert_eq!(api.kind, ApiErrorType::from(kind));
                assert_eq!(api.attr.as_deref(), Some("name"));
                assert_eq!(api.code.as_str(), code, "unknown codes are kept as sent");
            }
            other => panic!("{code}: expected an API error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn throttled_429_is_a_rate_limit_error_with_the_bucket_and_retry_after() {
    let body = json!({"type": "throttled_error", "code": "throttled", "detail": "Request was throttled.", "attr": null});
    let template = ResponseTemplate::new(429)
        .insert_header("retry-after", "17")
        .set_body_json(body);
    let (_server, client) = answer(template).await;
    match call(&client).await {
        Err(error @ Error::RateLimited { .. }) => {
            let Error::RateLimited {
                bucket,
                retry_after,
                by,
                ..
            } = &error
            else {
                unreachable!()
            };
            assert_eq!(*bucket, posthog_api::RateLimitBucket::Crud);
            assert_eq!(*retry_after, Some(Duration::from_secs(17)));
            assert_eq!(*by, posthog_api::RateLimitedBy::Server);
            assert_eq!(error.api_code(), Some(&ApiErrorCode::Throttled));
            assert_eq!(error.status(), Some(429));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn bodies_that_are_not_posthog_errors_keep_a_bounded_excerpt() {
    let html = format!("<html>{}</html>", "bad gateway ".repeat(1000));
    let (_server, client) = answer(ResponseTemplate::new(502).set_body_string(html)).await;
    match call(&client).await {
        Err(Error::Status {
            status: 502,
            excerpt,
        }) => {
            assert!(excerpt.starts_with("<html>bad gateway"));
            assert!(excerpt.chars().count() <= 301, "{}", excerpt.len());
            assert!(excerpt.ends_with('…'));
        }
        other => panic!("expected Status, got {other:?}"),
    }
    // A huge error page is read only up to a bound, and still gives an excerpt.
    let huge = "x".repeat(20 * 1024 * 1024);
    let (_server, client) = answer(ResponseTemplate::new(500).set_body_string(huge)).await;
    assert!(matches!(
        call(&client).await,
        Err(Error::Status { status: 500, .. })
    ));
    // Invalid UTF-8 and half an error body must not panic either.
    let (_server, client) =
        answer(ResponseTemplate::new(400).set_body_bytes(vec![0xff, 0xfe, b'{'])).await;
    assert!(matches!(
        call(&client).await,
        Err(Error::Status { status: 400, .. })
    ));
    let (_server, client) =
        answer(ResponseTemplate::new(400).set_body_json(json!({"detail": "no code"}))).await;
    assert!(matches!(
        call(&client).await,
        Err(Error::Status { status: 400, .. })
    ));
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Thing {
        id: u32,
        tags: Vec<String>,
    }
    let body = json!({"id": 1, "tags": ["a", 2]});
    let (_server, client) = answer(ResponseTemplate::new(200).set_body_json(body)).await;
    let result: Result<Thing, Error> =
        Request::new(&client, &GET, Ok("/api/projects/1/things/".into()))
            .json()
            .await;
    match result {
        Err(Error::Decode {
            path,
            message,
            excerpt,
        }) => {
            assert_eq!(path, "tags[1]");
            assert!(message.contains("expected a string"), "{message}");
            assert_eq!(excerpt, r#"{"id":1,"tags":["a",2]}"#);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    let (_server, client) = answer(ResponseTemplate::new(200).set_body_string("not json")).await;
    assert!(matches!(call(&client).await, Err(Error::Decode { .. })));
    let (_server, client) = answer(ResponseTemplate::new(200)).await;
    let empty = Request::new(&client, &GET, Ok("/api/projects/1/things/".into()))
        .any_json()
        .await;
    assert_eq!(
        empty.expect("an empty body is null"),
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn slow_answers_time_out() {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/things/"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    match call(&client).await {
        Err(Error::Timeout { timeout }) => assert_eq!(timeout, Some(Duration::from_millis(100))),
        other => panic!("expected Timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .host(Host::SelfHosted(format!("http://{address}")))
        .personal_api_key(PERSONAL_KEY)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    match call(&client).await {
        Err(error @ Error::Transport(_)) => assert!(!error.to_string().contains(PERSONAL_KEY)),
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[test]
fn hosts_need_a_scheme_and_no_path() {
    for bad in [
        "posthog.example.com",
        "localhost:8000",
        "ftp://posthog.example.com",
        "https://posthog.example.com/api",
        "https://u:p@posthog.example.com",
        "https://posthog.example.com/?a=1",
    ] {
        match Client::builder().host(Host::SelfHosted(bad.into())).build() {
            Err(Error::Config(message)) => assert!(
                message.contains("https://posthog.example.com"),
                "{bad}: {message}"
            ),
            other => panic!("{bad}: expected a configuration error, got {other:?}"),
        }
    }
    for good in [
        "https://posthog.example.com",
        "https://posthog.example.com/",
        "http://127.0.0.1:8000",
    ] {
        Client::builder()
            .host(Host::SelfHosted(good.into()))
            .build()
            .expect(good);
    }
    assert_eq!(Host::EuCloud.public_base(), "https://eu.i.posthog.com");
    assert_eq!(Host::UsCloud.private_base(), "https://us.posthog.com");
}

#[test]
fn missing_parameters_are_typed() {
    let client = Client::builder().build().expect("client");
    assert!(matches!(
        missing("id"),
        Error::MissingParameter { name: "id" }
    ));
    assert!(matches!(
        project_id(&client, None, "project_id"),
        Err(Error::Config(_))
    ));
    assert_eq!(
        project_id(&client, Some("7".into()), "project_id").ok(),
        Some("7".into())
    );
    let with_default = Client::builder().project_id("3").build().expect("client");
    assert_eq!(
        project_id(&with_default, None, "project_id").ok(),
        Some("3".into())
    );
}

#[test]
fn a_key_that_cannot_be_sent_is_a_configuration_error_that_does_not_show_it() {
    let result = Client::builder()
        .personal_api_key("phx_line\nbreak_secret")
        .build();
    match result {
        Err(error @ Error::Config(_)) => {
            assert!(!error.to_string().contains("break_secret"), "{error}")
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}
