//! Contract tests: generated operations against Stoplight Prism serving the committed schema.
//! Prism answers each request with a response it generates from the schema and rejects
//! requests that break it, so these tests check both directions: what the client sends
//! matches the schema, and what the schema promises deserializes into the generated types.
//!
//! Prism cannot start on the whole 2026 schema, so it serves one product's slice
//! (`codegen::subset`). It is installed from npm by `cargo xtask test` (into
//! `target/tools`), which runs these ignored tests.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use posthog_api::{Client, Host};

/// Prism, stopped when dropped.
struct Prism {
    child: Child,
    base: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prism_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PRISM_BIN") {
        return PathBuf::from(path);
    }
    let path = tests::root().join("target/tools/node_modules/.bin/prism");
    assert!(
        path.exists(),
        "Prism is not installed at {}: run `cargo xtask test`, which installs it with \
         `npm install --prefix target/tools @stoplight/prism-cli`",
        path.display()
    );
    path
}

/// Writes the product's slice of the committed schema and starts Prism on it.
fn start_prism(group: &str) -> Prism {
    let text = tests::read(&tests::root().join("schema/openapi.json"));
    let (loaded, _) = codegen::normalize(&text).expect("the committed schema loads");
    let slice = codegen::subset::for_group(&loaded.document, group, true);
    let dir = tests::root().join("target/prism");
    std::fs::create_dir_all(&dir).expect("target/prism");
    let file = dir.join(format!("{group}.json"));
    std::fs::write(&file, serde_json::to_string(&slice).expect("serializes"))
        .expect("writes the slice");

    let port = TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("address")
        .port();
    let child = Command::new(prism_binary())
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Prism starts");
    let prism = Prism {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "Prism did not listen on port {port} within 120 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    prism
}

fn client(prism: &Prism) -> Client {
    Client::builder()
        .host(Host::SelfHosted(prism.base.clone()))
        .personal_api_key("phx_contract_test_key")
        .project_id("1")
        .build()
        .expect("client")
}

#[tokio::test]
#[ignore = "needs Prism from npm; run by `cargo xtask test`"]
async fn feature_flag_operations_match_the_schema() {
    let prism = start_prism("feature_flags");
    let client = client(&prism);

    client
        .feature_flags_list()
        .limit(5)
        .send()
        .await
        .expect("list matches PaginatedFeatureFlagList");

    client
        .feature_flags_retrieve(7)
        .send()
        .await
        .expect("retrieve matches FeatureFlag");

    let create = posthog_api::types::FeatureFlagCreateRequestSchema {
        key: Some("new-flag".into()),
        name: Some("A flag from the contract test".into()),
        active: Some(true),
        tags: Some(vec!["contract".into()]),
        ..Default::default()
    };
    client
        .feature_flags_create()
        .body(create)
        .send()
        .await
        .expect("create: Prism accepts the body and the response matches");

    let patch = posthog_api::types::PatchedFeatureFlagPartialUpdateRequestSchema {
        active: Some(false),
        ..Default::default()
    };
    client
        .feature_flags_partial_update(7)
        .body(patch)
        .send()
        .await
        .expect("partial update");
    // PostHog does not hard-delete flags: the schema declares only `405` for DELETE (flags
    // are soft-deleted with `deleted: true`), and the client reports that status.
    let error = client
        .feature_flags_destroy(7)
        .send()
        .await
        .expect_err("DELETE is not allowed");
    assert_eq!(error.status(), Some(405), "{error}");
    client
        .feature_flags_local_evaluation_retrieve()
        .send()
        .await
        .expect("local evaluation");
}

#[tokio::test]
#[ignore = "needs Prism from npm; run by `cargo xtask test`"]
async fn a_request_that_breaks_the_schema_is_rejected() {
    let prism = start_prism("feature_flags");
    // `id` is an integer in the schema; Prism answers 422 for a path that breaks it, which
    // the client reports as an HTTP error.
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/projects/1/feature_flags/not-a-number/",
            prism.base
        ))
        .bearer_auth("phx_contract_test_key")
        .send()
        .await
        .expect("Prism answers");
    assert!(response.status().is_client_error(), "{}", response.status());
}
