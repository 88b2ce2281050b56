//! The paginator follows `next` lazily through cursor and offset lists, survives empty pages,
//! stops on a repeated link, and refuses links to another origin without sending the key there.

mod support;

use futures::{StreamExt, TryStreamExt};
use posthog_api::__rt::{Request, stream_items, stream_pages};
use posthog_api::Error;
use posthog_api::auth::KeyPlacement;
use serde::Deserialize;
use serde_json::json;
use support::*;
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Thing {
    id: u32,
}

/// Like a generated page type: `count` is there for offset lists only.
#[derive(Debug, Deserialize)]
struct ThingPage {
    #[serde(default)]
    count: Option<u64>,
    next: Option<String>,
    #[allow(dead_code)]
    previous: Option<String>,
    results: Vec<Thing>,
}

const LIST_PATH: &str = "/api/projects/1/things/";

fn page(next: Option<String>, ids: std::ops::Range<u32>, count: Option<u64>) -> serde_json::Value {
    let results: Vec<_> = ids.map(|id| json!({ "id": id, "name": "thing" })).collect();
    let mut page = json!({ "next": next, "previous": null, "results": results });
    if let Some(count) = count {
        page["count"] = json!(count);
    }
    page
}

fn request(client: &posthog_api::Client) -> Request<'_> {
    Request::new(client, &LIST, Ok(LIST_PATH.into()))
}

async fn mount(server: &MockServer, offset: Option<&str>, body: serde_json::Value) {
    let mock = Mock::given(path(LIST_PATH));
    let mock = match offset {
        Some(offset) => mock.and(query_param("offset", offset)),
        None => mock.and(query_param_is_missing("offset")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn offset_lists_with_count_and_an_empty_page_stream_every_item() {
    let server = MockServer::start().await;
    let next = |offset: u32| {
        Some(format!(
            "{}{LIST_PATH}?limit=2&offset={offset}",
            server.uri()
        ))
    };
    mount(&server, None, page(next(2), 0..2, Some(5))).await;
    mount(&server, Some("2"), page(next(4), 2..2, Some(5))).await;
    mount(&server, Some("4"), page(next(6), 2..5, Some(5))).await;
    mount(&server, Some("6"), page(None, 5..5, Some(5))).await;
    let client = client(&server);
    let items: Vec<Thing> = stream_items(request(&client))
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(items, (0..5).map(|id| Thing { id }).collect::<Vec<_>>());
    let pages: Vec<ThingPage> = stream_pages(request(&client))
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(pages.len(), 4);
    assert!(pages.iter().all(|p| p.count == Some(5)));
    assert_eq!(pages[1].results.len(), 0, "the empty page is yielded");
    assert_eq!(pages[3].next, None);
}

#[tokio::test]
async fn cursor_lists_follow_next_and_stop_at_null() {
    let server = MockServer::start().await;
    let next = |cursor: &str| Some(format!("{}{LIST_PATH}?cursor={cursor}", server.uri()));
    Mock::given(path(LIST_PATH))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(next("b"), 0..3, None)))
        .mount(&server)
        .await;
    Mock::given(path(LIST_PATH))
        .and(query_param("cursor", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(next(""), 3..4, None)))
        .mount(&server)
        .await;
    Mock::given(path(LIST_PATH))
        .and(query_param("cursor", ""))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"next": "", "results": [{"id": 4}]})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let ids: Vec<u32> = stream_items::<Thing>(request(&client))
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(
        ids,
        [0, 1, 2, 3, 4],
        "an empty `next` ends the listing like a null one"
    );
}

#[tokio::test]
async fn a_repeated_next_stops_the_stream() {
    let server = MockServer::start().await;
    let looping = format!("{}{LIST_PATH}?offset=2", server.uri());
    mount(&server, None, page(Some(looping.clone()), 0..2, None)).await;
    mount(&server, Some("2"), page(Some(looping), 2..4, None)).await;
    let client = client(&server);
    let ids: Vec<u32> = stream_items::<Thing>(request(&client))
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(ids, [0, 1, 2, 3]);
    assert_eq!(
        received(&server).await.len(),
        2,
        "the repeated link is not fetched again"
    );
}

#[tokio::test]
async fn pages_are_fetched_only_when_the_stream_is_polled() {
    let server = MockServer::start().await;
    let next = |offset: u32| Some(format!("{}{LIST_PATH}?offset={offset}", server.uri()));
    mount(&server, None, page(next(3), 0..3, None)).await;
    mount(&server, Some("3"), page(None, 3..6, None)).await;
    let client = client(&server);
    let first_two: Vec<_> = stream_items::<Thing>(request(&client))
        .take(2)
        .collect()
        .await;
    assert_eq!(first_two.len(), 2);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_next_on_another_origin_is_an_error_and_gets_no_request() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;
    let foreign = format!(
        "{}{LIST_PATH}?offset=2&personal_api_key={PERSONAL_KEY}",
        elsewhere.uri()
    );
    mount(&server, None, page(Some(foreign), 0..2, None)).await;
    let client = client(&server);
    let results: Vec<_> = stream_items::<Thing>(request(&client)).collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[..2].iter().all(Result::is_ok));
    match &results[2] {
        Err(error @ Error::ForeignOrigin { url, expected }) => {
            assert_eq!(expected, &server.uri());
            assert!(url.starts_with(&elsewhere.uri()));
            assert!(!error.to_string().contains(PERSONAL_KEY), "{error}");
        }
        other => panic!("expected ForeignOrigin, got {other:?}"),
    }
    assert!(
        received(&elsewhere).await.is_empty(),
        "nothing is sent to the other origin"
    );

    // Another scheme on the same host and port is another origin too.
    let downgraded = server.uri().replacen("http://", "https://", 1);
    let server2 = MockServer::start().await;
    mount(
        &server2,
        None,
        page(
            Some(format!("{downgraded}{LIST_PATH}?offset=2")),
            0..1,
            None,
        ),
    )
    .await;
    let client2 = support::client(&server2);
    let last = stream_items::<Thing>(request(&client2))
        .collect::<Vec<_>>()
        .await
        .pop();
    assert!(
        matches!(last, Some(Err(Error::ForeignOrigin { .. }))),
        "{last:?}"
    );
}

#[tokio::test]
async fn keys_in_next_links_are_replaced_not_repeated() {
    let server = MockServer::start().await;
    // PostHog builds `next` from the request's own query, so it repeats the key and token.
    let next = format!(
        "{}{LIST_PATH}?personal_api_key={PERSONAL_KEY}&token={PROJECT_KEY}&offset=1",
        server.uri()
    );
    mount(&server, None, page(Some(next), 0..1, None)).await;
    mount(&server, Some("1"), page(None, 1..2, None)).await;
    let client = builder(&server)
        .key_placement(KeyPlacement::Query)
        .project_api_key(PROJECT_KEY)
        .build()
        .expect("client");
    let items: Vec<Thing> = stream_items(request(&client))
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(items.len(), 2);
    let requests = received(&server).await;
    for request in &requests {
        let keys = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == "personal_api_key")
            .count();
        let tokens = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == "token")
            .count();
        assert_eq!((keys, tokens), (1, 1), "{}", request.url.path());
        assert!(request.headers.get("authorization").is_none());
    }
}

#[tokio::test]
async fn a_bad_page_ends_the_stream_with_a_decode_error() {
    let server = MockServer::start().await;
    let next = format!("{}{LIST_PATH}?offset=1", server.uri());
    mount(&server, None, page(Some(next), 0..1, None)).await;
    mount(
        &server,
        Some("1"),
        json!({"next": null, "results": [{"id": 1}, {"id": "two"}]}),
    )
    .await;
    let client = client(&server);
    let results: Vec<_> = stream_items::<Thing>(request(&client)).collect().await;
    assert_eq!(results.len(), 2);
    match &results[1] {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "results[1].id"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    let next = format!("{}{LIST_PATH}?offset=1", server.uri());
    mount(&server, None, page(Some(next), 0..1, None)).await;
    Mock::given(path(LIST_PATH))
        .and(query_param("offset", "1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": null}),
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let results: Vec<_> = stream_pages::<ThingPage>(request(&client)).collect().await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[1].as_ref().err().and_then(Error::status), Some(404));
}

#[tokio::test]
async fn relative_next_links_resolve_against_the_host() {
    let server = MockServer::start().await;
    mount(
        &server,
        None,
        page(Some(format!("{LIST_PATH}?offset=1")), 0..1, None),
    )
    .await;
    mount(&server, Some("1"), page(None, 1..2, None)).await;
    let client = client(&server);
    let ids: Vec<u32> = stream_items::<Thing>(request(&client))
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(ids, [0, 1]);
}
