//! The generated client end to end: lists feature flags page by page and item by item through
//! `feature_flags_list().stream()` and `.pages()`, against a local mock server that serves
//! three pages, with the project id set once on the client.
//!
//! Run with `cargo run -p posthog-api --no-default-features --features feature_flags --example feature_flags`.

use futures::{StreamExt, TryStreamExt};
use posthog_api::{Client, Host};
use serde_json::json;
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let list = "/api/projects/42/feature_flags/";
    let next = |offset: u32| json!(format!("{}{list}?limit=2&offset={offset}", server.uri()));
    let flag = |id: u32| json!({"id": id, "key": format!("flag-{id}"), "active": id % 2 == 0});
    let pages = [
        (
            None,
            json!({"count": 5, "next": next(2), "previous": null, "results": [flag(1), flag(2)]}),
        ),
        (
            Some("2"),
            json!({"count": 5, "next": next(4), "previous": null, "results": [flag(3), flag(4)]}),
        ),
        (
            Some("4"),
            json!({"count": 5, "next": null, "previous": null, "results": [flag(5)]}),
        ),
    ];
    for (offset, body) in pages {
        let mock = Mock::given(path(list));
        let mock = match offset {
            Some(offset) => mock.and(query_param("offset", offset)),
            None => mock.and(query_param_is_missing("offset")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }

    let client = Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_example_personal_key")
        .project_id("42")
        .build()?;

    let first = client.feature_flags_list().limit(2).send().await?;
    println!(
        "first page: {} of {:?} flags, next = {:?}",
        first.results.len(),
        first.count,
        first.next
    );

    let mut flags = std::pin::pin!(client.feature_flags_list().limit(2).stream());
    while let Some(flag) = flags.next().await {
        let flag = flag?;
        println!("flag {:?} `{}` active={:?}", flag.id, flag.key, flag.active);
    }

    let pages: Vec<_> = client
        .feature_flags_list()
        .limit(2)
        .pages()
        .try_collect()
        .await?;
    println!(
        "{} pages: {:?}",
        pages.len(),
        pages.iter().map(|p| p.results.len()).collect::<Vec<_>>()
    );
    Ok(())
}
