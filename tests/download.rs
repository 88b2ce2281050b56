//! `cargo xtask regen --url`: downloading a schema from an instance, against real HTTP servers
//! on loopback, with clear errors for an unreachable host, a non-200 status and a body that is
//! no schema.

use std::net::TcpListener;

#[test]
fn schema_url_is_the_instance_schema_endpoint() {
    assert_eq!(
        xtask::fetch::schema_url("https://us.posthog.com").expect("url"),
        "https://us.posthog.com/api/schema/?format=json"
    );
    assert_eq!(
        xtask::fetch::schema_url("http://127.0.0.1:8000/").expect("url"),
        "http://127.0.0.1:8000/api/schema/?format=json"
    );
    assert!(xtask::fetch::schema_url("us.posthog.com").is_err());
}

#[test]
fn downloads_a_json_schema() {
    let schema = tests::read(&tests::fixtures_dir().join("openapi31_nullable.json"));
    let base = tests::serve_canned("200 OK", "application/json", schema.clone(), 1);
    let body = xtask::fetch::download_schema(&base).expect("downloads");
    assert_eq!(body, schema);
}

#[test]
fn downloads_a_yaml_schema() {
    let schema = tests::read(&tests::fixtures_dir().join("responses.yaml"));
    let base = tests::serve_canned("200 OK", "application/yaml", schema.clone(), 1);
    assert_eq!(
        xtask::fetch::download_schema(&base).expect("downloads"),
        schema
    );
}

#[test]
fn a_non_200_status_is_an_error() {
    let base = tests::serve_canned(
        "503 Service Unavailable",
        "application/json",
        r#"{"type":"server_error","code":"fetch_team_fail"}"#.into(),
        1,
    );
    let error = format!(
        "{:#}",
        xtask::fetch::download_schema(&base).expect_err("503 fails")
    );
    assert!(
        error.contains("HTTP 503") && error.contains("not 200"),
        "{error}"
    );
}

#[test]
fn a_body_that_is_not_a_schema_is_an_error() {
    let base = tests::serve_canned(
        "200 OK",
        "text/html",
        "<html><body>login</body></html>".into(),
        1,
    );
    let error = format!(
        "{:#}",
        xtask::fetch::download_schema(&base).expect_err("HTML fails")
    );
    assert!(
        error.contains("did not answer a JSON or YAML document")
            || error.contains("not an OpenAPI schema"),
        "{error}"
    );
    let base = tests::serve_canned("200 OK", "application/json", r#"{"results": []}"#.into(), 1);
    let error = format!(
        "{:#}",
        xtask::fetch::download_schema(&base).expect_err("JSON without openapi fails")
    );
    assert!(error.contains("not an OpenAPI schema"), "{error}");
}

#[test]
fn an_unreachable_host_is_an_error() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let error = format!(
        "{:#}",
        xtask::fetch::download_schema(&format!("http://127.0.0.1:{port}")).expect_err("refused")
    );
    assert!(error.contains("cannot reach"), "{error}");
}
