//! Pagination: streams every item of an offset-paginated list from a local mock server, which
//! makes pages on the fly, then shows that a `next` link to another origin is refused.
//!
//! Run with `cargo run -p posthog-api --no-default-features --example pagination`. With the
//! generated operations, the same paginator is behind `client.insights_list().stream()`.

use futures::{StreamExt, TryStreamExt};
use posthog_api::__rt::{
    Method, OperationMeta, RateLimitBucket, Request, stream_items, stream_pages,
};
use posthog_api::{Client, Host};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

static COHORTS_LIST: OperationMeta = OperationMeta {
    operation_id: "cohorts_list",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/cohorts/",
    bucket: RateLimitBucket::Crud,
};

/// Serves `total` cohorts, `limit` per page, like PostHog's limit/offset lists.
struct Pages {
    origin: String,
    total: u64,
}

impl Respond for Pages {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let param = |name: &str, default: u64| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(default)
        };
        let (limit, offset) = (param("limit", 100), param("offset", 0));
        let end = (offset + limit).min(self.total);
        let results: Vec<_> = (offset..end)
            .map(|id| json!({"id": id, "name": format!("cohort {id}")}))
            .collect();
        let next = (end < self.total).then(|| {
            format!(
                "{}/api/projects/1/cohorts/?limit={limit}&offset={end}",
                self.origin
            )
        });
        ResponseTemplate::new(200).set_body_json(
            json!({"count": self.total, "next": next, "previous": null, "results": results}),
        )
    }
}

#[derive(Debug, serde::Deserialize)]
struct Cohort {
    id: u64,
    name: String,
}

#[derive(Debug, serde::Deserialize)]
struct CohortPage {
    count: u64,
    results: Vec<Cohort>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    Mock::given(path("/api/projects/1/cohorts/"))
        .respond_with(Pages {
            origin: server.uri(),
            total: 250,
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .host(Host::SelfHosted(server.uri()))
        .personal_api_key("phx_example_personal_key")
        .project_id("1")
        .build()?;
    let list = || {
        let mut request = Request::new(
            &client,
            &COHORTS_LIST,
            Ok("/api/projects/1/cohorts/".into()),
        );
        request.query("limit", Some(&100), false);
        request
    };

    let pages: Vec<CohortPage> = stream_pages(list()).try_collect().await?;
    println!(
        "{} pages of {:?} cohorts",
        pages.len(),
        pages.iter().map(|p| p.results.len()).collect::<Vec<_>>()
    );
    println!("count says {}", pages[0].count);

    let mut items = std::pin::pin!(stream_items::<Cohort>(list()));
    let mut seen = 0;
    while let Some(cohort) = items.next().await {
        let cohort = cohort?;
        if cohort.id % 100 == 0 {
            println!("item {}: {}", cohort.id, cohort.name);
        }
        seen += 1;
    }
    println!("streamed {seen} cohorts one page at a time");

    let elsewhere = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(path("/api/projects/1/cohorts/"))
        .respond_with(Pages {
            origin: other.uri(),
            total: 150,
        })
        .mount(&elsewhere)
        .await;
    let client = Client::builder()
        .host(Host::SelfHosted(elsewhere.uri()))
        .personal_api_key("phx_example_personal_key")
        .build()?;
    let request = Request::new(
        &client,
        &COHORTS_LIST,
        Ok("/api/projects/1/cohorts/".into()),
    );
    let results: Vec<_> = stream_items::<Cohort>(request).collect().await;
    if let Some(Err(error)) = results.last() {
        println!("after {} items: {error}", results.len() - 1);
    }
    println!(
        "requests sent to the other origin: {}",
        other.received_requests().await.unwrap_or_default().len()
    );
    Ok(())
}
