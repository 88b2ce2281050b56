//! Keys never show up in `Debug` output or error messages, even when the server echoes them
//! or a transport error would carry the URL.

mod support;

use posthog_api::__rt::Request;
use posthog_api::auth::KeyPlacement;
use posthog_api::{Client, Error, Host, RetryPolicy};
use support::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_no_key(text: &str) {
    assert!(!text.contains(PERSONAL_KEY), "personal key leaked: {text}");
    assert!(!text.contains(PROJECT_KEY), "project key leaked: {text}");
}

#[test]
fn debug_output_never_shows_keys() {
    let builder = Client::builder()
        .personal_api_key(PERSONAL_KEY)
        .project_api_key(PROJECT_KEY);
    assert_no_key(&format!("{builder:?}"));
    let client = builder.build().expect("client");
    let debug = format!("{client:?} {client:#?}");
    assert_no_key(&debug);
    assert!(debug.contains("[redacted]"));
}

#[tokio::test]
async fn errors_never_show_keys_even_when_the_server_echoes_them() {
    let server = MockServer::start().await;
    let echo = format!("no such key: {PERSONAL_KEY} / {PROJECT_KEY}");
    Mock::given(path("/text/"))
        .respond_with(ResponseTemplate::new(400).set_body_string(echo.clone()))
        .mount(&server)
        .await;
    let api = serde_json::json!({"type": "authentication_error", "code": "invalid_personal_api_key", "detail": echo, "attr": null});
    Mock::given(path("/api/"))
        .respond_with(ResponseTemplate::new(401).set_body_json(api))
        .mount(&server)
        .await;
    Mock::given(path("/bad/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(echo))
        .mount(&server)
        .await;
    for placement in [KeyPlacement::Header, KeyPlacement::Query] {
        let client = builder(&server)
            .key_placement(placement)
            .project_api_key(PROJECT_KEY)
            .build()
            .expect("client");
        for route in ["/text/", "/api/", "/bad/"] {
            let error = Request::new(&client, &GET, Ok(route.into()))
                .json::<u32>()
                .await
                .expect_err("fails");
            assert_no_key(&format!("{error} {error:?}"));
        }
    }
    // A transport error's URL would carry a query-string key: it is stripped.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .host(Host::SelfHosted(format!("http://{address}")))
        .personal_api_key(PERSONAL_KEY)
        .project_api_key(PROJECT_KEY)
        .key_placement(KeyPlacement::Query)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");
    let error = Request::new(&client, &GET, Ok("/api/".into()))
        .empty()
        .await
        .expect_err("closed port");
    assert!(matches!(error, Error::Transport(_)));
    let mut chain = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        chain.push_str(&format!(" {inner} {inner:?}"));
        source = inner.source();
    }
    assert_no_key(&chain);
}
