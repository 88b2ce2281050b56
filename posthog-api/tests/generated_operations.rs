//! Generated operations and types end to end, against a wiremock server on loopback: a
//! response from a newer PostHog (unknown fields, enum values and query kinds) still
//! deserializes, tagged unions round-trip, and builders fill paths, queries and bodies.
#![cfg(all(
    feature = "product_analytics",
    feature = "query",
    feature = "feature_flags"
))]

use futures::TryStreamExt;
use posthog_api::types::{QueryRequest, QueryRequestQuery, TimezoneEnum};
use posthog_api::{Client, Host};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_generated_ops_secret")
        .project_id("42")
        .build()
        .expect("client")
}

#[test]
fn unknown_enum_values_are_kept() {
    let zone: TimezoneEnum =
        serde_json::from_value(json!("Mars/Olympus_Mons")).expect("unknown value");
    assert_eq!(zone, TimezoneEnum::Unknown("Mars/Olympus_Mons".into()));
    assert_eq!(
        serde_json::to_value(&zone).expect("serializes"),
        json!("Mars/Olympus_Mons")
    );
    let known: TimezoneEnum = serde_json::from_value(json!("Etc/GMT+1")).expect("known value");
    assert_eq!(known, TimezoneEnum::EtcSlashGmtPlus1);
    assert_ne!(
        known,
        serde_json::from_value::<TimezoneEnum>(json!("Etc/GMT-1")).expect("known value")
    );
}

#[test]
fn the_query_union_is_chosen_by_kind_and_keeps_unknown_kinds() {
    let request: QueryRequest = serde_json::from_value(json!({
        "query": {"kind": "HogQLQuery", "query": "select 1", "field_from_the_future": [1, 2]},
        "another_new_field": true
    }))
    .expect("a known kind with unknown fields");
    let QueryRequestQuery::HogQlQuery(hogql) = &request.query else {
        panic!("HogQLQuery expected: {:?}", request.query)
    };
    assert_eq!(hogql.query, "select 1");
    let written = serde_json::to_value(&request).expect("serializes");
    assert_eq!(
        written["query"]["kind"], "HogQLQuery",
        "the tag is written once, by the variant"
    );

    let future = json!({"kind": "QuantumQuery", "qubits": 7});
    let request: QueryRequest =
        serde_json::from_value(json!({"query": future})).expect("an unknown kind");
    assert_eq!(request.query, QueryRequestQuery::Unknown(future.clone()));
    assert_eq!(
        serde_json::to_value(&request).expect("serializes")["query"],
        future
    );
}

#[tokio::test]
async fn a_list_call_fills_path_query_and_auth_and_streams_pages() {
    let server = MockServer::start().await;
    let next = format!(
        "{}/api/projects/42/insights/?limit=1&offset=1",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/api/projects/42/insights/"))
        .and(query_param("limit", "1"))
        .and(header("authorization", "Bearer phx_generated_ops_secret"))
        .and(wiremock::matchers::query_param_is_missing("offset"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "next": next, "previous": null,
            "results": [{"id": 1, "name": "Signups", "a_field_from_2030": {"x": 1}}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/projects/42/insights/"))
        .and(query_param("offset", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "next": null, "previous": null, "results": [{"id": 2, "name": "Churn"}]
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    let first = client
        .insights_list()
        .limit(1)
        .send()
        .await
        .expect("first page");
    assert_eq!(first.results.len(), 1);
    assert_eq!(first.results[0].name.as_deref(), Some("Signups"));
    let names: Vec<Option<String>> = client
        .insights_list()
        .limit(1)
        .stream()
        .map_ok(|insight| insight.name)
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(
        names,
        [Some("Signups".to_owned()), Some("Churn".to_owned())]
    );
}

#[tokio::test]
async fn a_create_call_sends_its_typed_body_to_the_given_project() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/projects/7/query/"))
        .and(body_json(
            json!({"query": {"kind": "HogQLQuery", "query": "select 1"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"results": [[1]], "columns": ["1"]})),
        )
        .mount(&server)
        .await;
    let body: QueryRequest =
        serde_json::from_value(json!({"query": {"kind": "HogQLQuery", "query": "select 1"}}))
            .expect("request body");
    let response = client(&server)
        .query_create(body)
        .project_id("7")
        .send()
        .await
        .expect("query runs");
    assert_eq!(
        serde_json::to_value(&response).expect("serializes")["results"],
        json!([[1]])
    );
}

#[tokio::test]
async fn a_missing_project_id_is_a_configuration_error() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_x")
        .build()
        .expect("client");
    let error = client
        .feature_flags_list()
        .send()
        .await
        .expect_err("no project id");
    assert!(error.to_string().contains("project_id"), "{error}");
}

#[test]
fn requests_can_be_spawned_on_a_multi_threaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder().project_id("1").build().expect("client");
    assert_send(&client.insights_list().send());
    assert_send(&client.insights_list().stream());
    assert_send(&client.feature_flags_destroy(1).send());
}
