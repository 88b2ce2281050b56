//! The personal API key goes to exactly one place (header, body or query, as configured) and
//! PostHog's precedence rule finds it there; the project key becomes `?token=`.

mod support;

use posthog_api::__rt::{Body, Request};
use posthog_api::auth::{KeyPlacement, KeySource, find_personal_api_key};
use secrecy::ExposeSecret;
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Where the key was on the wire: `(in the header, in the body, in the query)`.
fn places(request: &wiremock::Request) -> (bool, bool, bool) {
    let header = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(PERSONAL_KEY));
    let body = String::from_utf8_lossy(&request.body).contains(PERSONAL_KEY);
    let query = request
        .url
        .query()
        .unwrap_or_default()
        .contains(PERSONAL_KEY);
    (header, body, query)
}

/// What PostHog would read: the body as JSON, or a multipart form's text fields as an object.
fn parsed_body(request: &wiremock::Request) -> Option<serde_json::Value> {
    if let Ok(json) = serde_json::from_slice(&request.body) {
        return Some(json);
    }
    let text = String::from_utf8_lossy(&request.body);
    let field = "name=\"personal_api_key\"\r\n\r\n";
    let start = text.find(field)? + field.len();
    let value = &text[start..start + text[start..].find("\r\n")?];
    Some(serde_json::json!({ "personal_api_key": value }))
}

async fn send(client: &posthog_api::Client, body: &str) {
    let (meta, body) = match body {
        "none" => (&GET, Body::Empty),
        "json" => (&CREATE, Body::json(&serde_json::json!({"name": "x"}))),
        "array" => (&CREATE, Body::json(&serde_json::json!([1, 2]))),
        _ => (
            &CREATE,
            Body::Multipart(reqwest::multipart::Form::new().text("name", "x")),
        ),
    };
    let mut request = Request::new(client, meta, Ok("/api/projects/1/things/".into()));
    request.body(body);
    request.any_json().await.expect("the mock answers 200");
}

#[tokio::test]
async fn the_key_is_sent_once_where_configured_and_posthog_finds_it_there() {
    let cases = [
        (KeyPlacement::Header, "none", KeySource::Header),
        (KeyPlacement::Header, "json", KeySource::Header),
        (KeyPlacement::Header, "multipart", KeySource::Header),
        (KeyPlacement::Body, "json", KeySource::Body),
        (KeyPlacement::Body, "multipart", KeySource::Body),
        // No JSON object to put it in: the header is the one place.
        (KeyPlacement::Body, "none", KeySource::Header),
        (KeyPlacement::Body, "array", KeySource::Header),
        (KeyPlacement::Query, "none", KeySource::Query),
        (KeyPlacement::Query, "json", KeySource::Query),
        (KeyPlacement::Query, "multipart", KeySource::Query),
    ];
    for (placement, body, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/api/projects/1/things/"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let client = builder(&server)
            .key_placement(placement)
            .build()
            .expect("client");
        send(&client, body).await;
        let requests = received(&server).await;
        let [request] = requests.as_slice() else {
            panic!("one request expected, got {}", requests.len())
        };
        let (header, in_body, query) = places(request);
        assert_eq!(
            [header, in_body, query].iter().filter(|p| **p).count(),
            1,
            "{placement:?}/{body}: the key must be in exactly one place"
        );
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let found = find_personal_api_key(
            authorization,
            parsed_body(request).as_ref(),
            request.url.query(),
        );
        let (source, key) = found.expect("PostHog finds a key");
        assert_eq!(source, expected, "{placement:?}/{body}");
        assert_eq!(key.expose_secret(), PERSONAL_KEY);
        if body == "json" && placement == KeyPlacement::Body {
            let json: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
            assert_eq!(json["name"], "x", "the caller's fields stay");
        }
    }
}

#[tokio::test]
async fn precedence_against_a_real_request_for_every_combination() {
    // Requests that carry the key in several places, as another client might send them; the
    // rule must pick the same one whatever else is present.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let http = reqwest::Client::new();
    for mask in 0..8u8 {
        let mut request = http.post(format!("{}/api/x/", server.uri()));
        if mask & 4 != 0 {
            request = request.query(&[("personal_api_key", "phx_query")]);
        }
        if mask & 1 != 0 {
            request = request.bearer_auth("phx_header");
        }
        if mask & 2 != 0 {
            request = request.json(&serde_json::json!({"personal_api_key": "phx_body"}));
        }
        request.send().await.expect("loopback");
    }
    let requests = received(&server).await;
    for (mask, request) in requests.iter().enumerate() {
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let body = serde_json::from_slice::<serde_json::Value>(&request.body).ok();
        let found = find_personal_api_key(authorization, body.as_ref(), request.url.query())
            .map(|(source, key)| (source, key.expose_secret().to_owned()));
        let expected = match mask {
            m if m & 1 != 0 => Some((KeySource::Header, "phx_header".to_owned())),
            m if m & 2 != 0 => Some((KeySource::Body, "phx_body".to_owned())),
            m if m & 4 != 0 => Some((KeySource::Query, "phx_query".to_owned())),
            _ => None,
        };
        assert_eq!(found, expected, "combination {mask:03b}");
    }
}

#[tokio::test]
async fn the_project_key_selects_the_project_with_token() {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/things/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .project_api_key(PROJECT_KEY)
        .build()
        .expect("client");
    let mut request = Request::new(&client, &LIST, Ok("/api/projects/1/things/".into()));
    request.query("limit", Some(&10), false);
    request.empty().await.expect("200");
    let requests = received(&server).await;
    let pairs: Vec<(String, String)> = requests[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("limit".into(), "10".into()),
            ("token".into(), PROJECT_KEY.into())
        ]
    );
    let user_agent = requests[0]
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(user_agent.starts_with("posthog-api-rs/"), "{user_agent}");
}

#[tokio::test]
async fn without_a_personal_key_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/things/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = posthog_api::Client::builder()
        .host(posthog_api::Host::SelfHosted(server.uri()))
        .user_agent("my-app/2.0")
        .build()
        .expect("client");
    Request::new(&client, &LIST, Ok("/api/projects/1/things/".into()))
        .empty()
        .await
        .expect("200");
    let requests = received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(requests[0].url.query(), None);
    let user_agent = requests[0]
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(
        user_agent,
        format!("my-app/2.0 {}", posthog_api::USER_AGENT)
    );
}
