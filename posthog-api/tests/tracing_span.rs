//! The tracing span of a call: operation id, method, path template, status, attempt and time
//! waited for the limiter, and never a key, the filled path, the query or a body.
//!
//! This is the only test in its binary on purpose: tracing caches per call site whether anyone
//! listens, and a test on another thread without a subscriber could settle that first.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use posthog_api::__rt::Request;
use posthog_api::auth::KeyPlacement;
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
