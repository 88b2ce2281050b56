//! Keys never show up in `Debug` output, error messages or tracing output, and the tracing span
//! carries the operation, the path template, the status and the attempt.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use posthog_api::__rt::Request;
use posthog_api::auth::KeyPlacement;
use posthog_api::{Client, Error, Host, RetryPolicy};
use support::*;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

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

#[tokio::test]
async fn the_span_records_the_call_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/things/42/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/projects/1/things/42/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"secret_body\": 1}"))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    for placement in [KeyPlacement::Header, KeyPlacement::Query] {
        let client = builder(&server)
            .key_placement(placement)
            .project_api_key(PROJECT_KEY)
            .build()
            .expect("client");
        let mut request = Request::new(&client, &GET, Ok("/api/projects/1/things/42/".into()));
        request.query("search", Some("needle"), false);
        request.any_json().await.expect("the retry succeeds");
    }
    let text = captured.text();
    assert_no_key(&text);
    assert!(text.contains("operation_id=\"things_retrieve\""), "{text}");
    assert!(
        text.contains("path_template=\"/api/projects/{project_id}/things/{id}/\""),
        "{text}"
    );
    assert!(text.contains("status=200"), "{text}");
    assert!(text.contains("attempt=2"), "{text}");
    assert!(text.contains("rate_limit_wait_ms=0"), "{text}");
    assert!(
        !text.contains("things/42"),
        "the filled path stays out: {text}"
    );
    assert!(
        !text.contains("needle") && !text.contains("secret_body"),
        "no query or body: {text}"
    );
}
