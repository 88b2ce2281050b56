//! Benchmarks of the client runtime: the rate limiter's cost per call (uncontended, and when a
//! bucket is full), and streaming items through the paginator from a loopback server.
//!
//! Run with `cargo bench -p posthog-api --no-default-features --bench runtime`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::{FutureExt, StreamExt};
use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket, Request, stream_items};
use posthog_api::ratelimit::{
    Admission, LocalRateLimiter, RateLimitMode, RateLimitWindow, RateLimiter, RateLimits,
};
use posthog_api::{Client, Host};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

fn limiter(c: &mut Criterion) {
    let mut group = c.benchmark_group("limiter");
    // Limits that the benchmark's loop cannot reach, so every call is granted and recorded;
    // the short window keeps the log at its steady-state size instead of growing for ever.
    let roomy = RateLimits::posthog_defaults().with(
        RateLimitBucket::Crud,
        [
            RateLimitWindow {
                limit: 1_000_000,
                period: Duration::from_millis(1),
            },
            RateLimitWindow {
                limit: 10_000_000,
                period: Duration::from_millis(10),
            },
        ],
    );
    let granted = LocalRateLimiter::new(roomy);
    group.bench_function("try_acquire_granted", |b| {
        b.iter(|| granted.try_acquire(RateLimitBucket::Crud))
    });
    group.bench_function("acquire_granted_via_trait", |b| {
        b.iter(|| granted.acquire(RateLimitBucket::Crud).now_or_never())
    });
    // PostHog's default CRUD limits, already spent: every call is refused and says how long to wait.
    let full = LocalRateLimiter::new(RateLimits::posthog_defaults());
    while full.try_acquire(RateLimitBucket::Crud) == Admission::Granted {}
    group.bench_function("try_acquire_refused_default_limits", |b| {
        b.iter(|| full.try_acquire(RateLimitBucket::Crud))
    });
    group.finish();
}

static EVENTS_LIST: OperationMeta = OperationMeta {
    operation_id: "events_list",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/events/",
    bucket: RateLimitBucket::Analytics,
};

/// Pages of 1,000 prebuilt items; `next` carries the page number.
struct Pages {
    origin: String,
    pages: u64,
    items: String,
}

impl Respond for Pages {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let next = if page + 1 < self.pages {
            format!(
                "\"{}/api/projects/1/events/?page={}\"",
                self.origin,
                page + 1
            )
        } else {
            "null".to_owned()
        };
        let body = format!(
            r#"{{"next":{next},"previous":null,"results":[{}]}}"#,
            self.items
        );
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Event {
    id: u64,
    event: String,
    distinct_id: String,
    properties: serde_json::Value,
}

fn pagination(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let (server, client) = runtime.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        let items = (0..1000)
            .map(|id| format!(r#"{{"id":{id},"event":"$pageview","distinct_id":"user-{id}","properties":{{"$browser":"Firefox"}}}}"#))
            .collect::<Vec<_>>()
            .join(",");
        Mock::given(path("/api/projects/1/events/"))
            .respond_with(Pages { origin: server.uri(), pages: 10, items })
            .mount(&server)
            .await;
        let client = Client::builder()
            .host(Host::SelfHosted(server.uri()))
            .personal_api_key("phx_bench_personal_key")
            .rate_limit_mode(RateLimitMode::Off)
            .build()
            .expect("a client");
        (server, client)
    });
    let mut group = c.benchmark_group("pagination");
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(20);
    group.bench_function("stream_10k_items_10_pages", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = Request::new(&client, &EVENTS_LIST, Ok("/api/projects/1/events/".into()));
            let count = stream_items::<Event>(request)
                .filter(|e| std::future::ready(e.is_ok()))
                .count()
                .await;
            assert_eq!(count, 10_000);
        })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, limiter, pagination);
criterion_main!(benches);
