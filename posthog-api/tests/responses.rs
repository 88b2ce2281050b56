//! The ways a response is read: typed JSON, untyped JSON, nothing, raw bytes with their own
//! `Accept`, and server-sent events parsed as they arrive.

mod support;

use futures::TryStreamExt;
use posthog_api::__rt::Request;
use posthog_api::{Error, ServerSentEvent};
use support::*;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn csv_is_requested_and_returned_as_bytes() {
    let server = MockServer::start().await;
    Mock::given(path("/api/export/"))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .mount(&server)
        .await;
    let client = client(&server);
    let body = Request::new(&client, &GET, Ok("/api/export/".into()))
        .bytes("text/csv")
        .await
        .expect("CSV");
    assert_eq!(&body[..], b"a,b\n1,2\n");
}

#[tokio::test]
async fn empty_and_untyped_bodies() {
    let server = MockServer::start().await;
    Mock::given(path("/api/gone/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/api/any/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"nested": [1, {"a": null}]})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    Request::new(&client, &GET, Ok("/api/gone/".into()))
        .empty()
        .await
        .expect("204");
    let null = Request::new(&client, &GET, Ok("/api/gone/".into()))
        .any_json()
        .await
        .expect("204");
    assert_eq!(null, serde_json::Value::Null);
    let any = Request::new(&client, &GET, Ok("/api/any/".into()))
        .any_json()
        .await
        .expect("JSON");
    assert_eq!(any["nested"][1]["a"], serde_json::Value::Null);
}

#[tokio::test]
async fn event_streams_are_parsed_into_events() {
    let server = MockServer::start().await;
    let body = "event: status\ndata: {\"step\": 1}\n\n: keep-alive\n\nid: 7\ndata: line one\ndata: line two\n\n";
    Mock::given(path("/api/stream/"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client");
    let events: Vec<ServerSentEvent> = Request::new(&client, &GET, Ok("/api/stream/".into()))
        .event_stream()
        .await
        .expect("stream opens")
        .try_collect()
        .await
        .expect("every event parses");
    assert_eq!(
        events,
        [
            ServerSentEvent {
                event: Some("status".into()),
                data: "{\"step\": 1}".into(),
                id: None
            },
            ServerSentEvent {
                event: None,
                data: "line one\nline two".into(),
                id: Some("7".into())
            },
        ]
    );
}

#[tokio::test]
async fn an_event_stream_that_fails_to_open_is_an_error() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"type": "validation_error", "code": "invalid_payload", "detail": "bad", "attr": null});
    Mock::given(path("/api/stream/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body))
        .mount(&server)
        .await;
    let client = client(&server);
    let result = Request::new(&client, &GET, Ok("/api/stream/".into()))
        .event_stream()
        .await;
    assert!(matches!(result, Err(Error::Api { status: 400, .. })));
}

#[tokio::test]
async fn a_bad_path_or_query_value_fails_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let missing = Request::new(&client, &GET, Err(posthog_api::__rt::missing("id")))
        .empty()
        .await;
    assert!(matches!(
        missing,
        Err(Error::MissingParameter { name: "id" })
    ));
    let mut request = Request::new(&client, &GET, Ok("/api/x/".into()));
    let mut map = std::collections::HashMap::new();
    map.insert(vec![1u8], 1u8); // A map with non-string keys cannot become JSON.
    request.query("filter", Some(&map), false);
    assert!(matches!(request.empty().await, Err(Error::Config(_))));
    let escaping = Request::new(&client, &GET, Ok("//elsewhere.example/api/".into()))
        .empty()
        .await;
    assert!(matches!(escaping, Err(Error::Config(_))), "{escaping:?}");
    assert!(received(&server).await.is_empty());
}
