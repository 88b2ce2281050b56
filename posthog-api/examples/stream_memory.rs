//! Memory benchmark for the paginator: streams up to 1,000,000 items from a small loopback
//! HTTP server that makes pages on the fly, and prints the process's peak resident memory (VmHWM
//! from /proc/self/status) after 10k, 100k and 1M items. Flat numbers mean one page at a time.
//!
//! Run with `cargo run --release -p posthog-api --no-default-features --example stream_memory`
//! (`-- <total items> <page size>` to change the defaults of 1,000,000 and 1,000).

use futures::StreamExt;
use posthog_api::__rt::{Method, OperationMeta, RateLimitBucket, Request, stream_items};
use posthog_api::ratelimit::RateLimitMode;
use posthog_api::{Client, Host};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

static EVENTS_LIST: OperationMeta = OperationMeta {
    operation_id: "events_list",
    method: Method::GET,
    path_template: "/api/projects/{project_id}/events/",
    bucket: RateLimitBucket::Analytics,
};

/// The body of the page at `offset`: `limit` events, and a `next` link while any are left.
fn page(origin: &str, total: u64, limit: u64, offset: u64) -> String {
    let end = (offset + limit).min(total);
    let mut body = String::with_capacity((end - offset) as usize * 140 + 200);
    body.push_str(r#"{"next":"#);
    if end < total {
        body.push_str(&format!(
            r#""{origin}/api/projects/1/events/?limit={limit}&offset={end}""#
        ));
    } else {
        body.push_str("null");
    }
    body.push_str(r#","previous":null,"results":["#);
    for id in offset..end {
        if id > offset {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"id":"{id:016x}","event":"$pageview","distinct_id":"user-{}","timestamp":"2026-01-01T00:00:00Z","properties":{{"$browser":"Firefox"}}}}"#,
            id % 977
        ));
    }
    body.push_str("]}");
    body
}

/// A minimal HTTP/1.1 server on loopback that serves pages on keep-alive connections. wiremock
/// is not used here because it keeps every request it matched, which would grow with the
/// number of pages and hide what the client itself holds.
async fn serve(listener: tokio::net::TcpListener, total: u64) {
    let origin = format!(
        "http://{}",
        listener.local_addr().expect("a bound listener")
    );
    while let Ok((socket, _)) = listener.accept().await {
        let origin = origin.clone();
        tokio::spawn(async move {
            // One write per response and no Nagle delay, or every page waits for a delayed ACK.
            let _ = socket.set_nodelay(true);
            let (reader, mut writer) = socket.into_split();
            let mut reader = BufReader::new(reader);
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                // Skip the headers; the client sends no body on a GET.
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let url = url::Url::parse(&format!("{origin}{target}")).expect("a request target");
                let param = |name: &str| {
                    url.query_pairs()
                        .find(|(k, _)| k == name)
                        .and_then(|(_, v)| v.parse::<u64>().ok())
                };
                let body = page(
                    &origin,
                    total,
                    param("limit").unwrap_or(100),
                    param("offset").unwrap_or(0),
                );
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if writer.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Event {
    id: String,
    event: String,
    distinct_id: String,
    timestamp: String,
    properties: serde_json::Value,
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let page: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    tokio::spawn(serve(listener, total));
    let client = Client::builder()
        .host(Host::SelfHosted(origin))
        .personal_api_key("phx_bench_personal_key")
        // Thousands of pages would take hours within PostHog's analytics limits.
        .rate_limit_mode(RateLimitMode::Off)
        .build()?;
    let mut request = Request::new(&client, &EVENTS_LIST, Ok("/api/projects/1/events/".into()));
    request.query("limit", Some(&page), false);
    println!(
        "items,peak_rss_kib (page size {page}; before streaming: {} KiB)",
        peak_rss_kib().unwrap_or(0)
    );
    let start = std::time::Instant::now();
    let mut items = std::pin::pin!(stream_items::<Event>(request));
    let mut count = 0u64;
    while let Some(event) = items.next().await {
        event?;
        count += 1;
        if [10_000, 100_000, 1_000_000].contains(&count) || count == total {
            println!("{count},{}", peak_rss_kib().unwrap_or(0));
        }
    }
    let elapsed = start.elapsed();
    println!(
        "streamed {count} items in {elapsed:.2?} ({:.0} items/s)",
        count as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
