//! `cargo xtask drift` as a command: reports written as Markdown and JSON, `--fail-on` exit
//! statuses, argument errors, and schemas downloaded from an instance on loopback.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};

use super::{path_of, run_drift, side_file};

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("posthog-api-drift-{}-{name}", std::process::id()))
}

/// Runs `cargo xtask drift` in process; errors as their text.
fn xtask(args: &[&str]) -> Result<ExitCode, String> {
    let mut all = vec!["drift".to_owned()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    xtask::run(all).map_err(|e| format!("{e:#}"))
}

fn fixture_arg(case: &str, side: &str) -> String {
    path_of(&side_file(case, side)).display().to_string()
}

#[test]
fn cli_writes_markdown_and_json() {
    let (from, to) = (
        fixture_arg("request_body", "from"),
        fixture_arg("request_body", "to"),
    );
    let markdown = temp_path("report.md");
    let code = xtask(&[
        "--from",
        &from,
        "--to",
        &to,
        "--out",
        markdown.to_str().expect("utf-8"),
    ])
    .expect("runs");
    assert_eq!(
        code,
        ExitCode::SUCCESS,
        "without --fail-on, drift is not a failure"
    );
    let text = tests::read(&markdown);
    assert!(
        text.starts_with("# Schema drift") && text.contains("**5 breaking**"),
        "{text}"
    );

    let json_path = temp_path("report.json");
    let code = xtask(&[
        "--from",
        &from,
        "--to",
        &to,
        "--format",
        "json",
        "--out",
        json_path.to_str().expect("utf-8"),
    ])
    .expect("runs");
    assert_eq!(code, ExitCode::SUCCESS);
    let value: Value = serde_json::from_str(&tests::read(&json_path)).expect("JSON");
    assert_eq!(value["summary"]["breaking"], json!(5));
    let _ = std::fs::remove_file(markdown);
    let _ = std::fs::remove_file(json_path);
}

#[test]
fn cli_fail_on_sets_the_exit_status() {
    let out = temp_path("fail-on.md");
    let out = out.to_str().expect("utf-8");
    let pair = |case| (fixture_arg(case, "from"), fixture_arg(case, "to"));
    let (from, to) = pair("request_body");
    assert_eq!(
        xtask(&[
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out,
            "--fail-on",
            "breaking"
        ]),
        Ok(ExitCode::from(2))
    );
    let (from, to) = pair("ref_renamed");
    assert_eq!(
        xtask(&[
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out,
            "--fail-on",
            "breaking"
        ]),
        Ok(ExitCode::SUCCESS),
        "only compatible changes"
    );
    assert_eq!(
        xtask(&[
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out,
            "--fail-on",
            "any"
        ]),
        Ok(ExitCode::from(2))
    );
    let (from, to) = pair("spelling");
    assert_eq!(
        xtask(&[
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out,
            "--fail-on",
            "any"
        ]),
        Ok(ExitCode::SUCCESS),
        "no drift"
    );
    let _ = std::fs::remove_file(out);
}

#[test]
fn cli_rejects_bad_arguments() {
    let from = fixture_arg("operations", "from");
    for (args, expected) in [
        (
            vec!["--from", from.as_str()],
            "give `--from` and `--to`, or `--against`",
        ),
        (
            vec![
                "--from",
                from.as_str(),
                "--to",
                from.as_str(),
                "--format",
                "html",
            ],
            "unknown format `html`",
        ),
        (
            vec![
                "--from",
                from.as_str(),
                "--to",
                from.as_str(),
                "--fail-on",
                "sometimes",
            ],
            "unknown `--fail-on sometimes`",
        ),
        (
            vec!["--against", "http://127.0.0.1:9", "--from", from.as_str()],
            "takes no `--from` or `--to`",
        ),
        (
            vec!["--from", from.as_str(), "--to", "/nonexistent/schema.json"],
            "cannot read the schema `/nonexistent/schema.json`",
        ),
        (
            vec!["--from", from.as_str(), "--to"],
            "`--to` needs a value",
        ),
        (vec!["--verbose"], "unexpected argument `--verbose`"),
    ] {
        let error = xtask(&args).expect_err(expected);
        assert!(error.contains(expected), "{args:?}: {error}");
    }
}

#[test]
fn cli_reports_invalid_schemas_with_pointers() {
    let error = xtask(&[
        "--from",
        &fixture_arg("invalid", "from"),
        "--to",
        &fixture_arg("invalid", "to"),
    ])
    .expect_err("invalid");
    assert!(
        error.contains("#/components/schemas/Missing") && error.contains("Swagger 2.0"),
        "{error}"
    );
}

#[test]
fn cli_downloads_an_instance_schema_and_saves_it() {
    let to_text = tests::read(&path_of(&side_file("parameters", "to")));
    let base = tests::serve_canned("200 OK", "application/yaml", to_text.clone(), 1);
    let (out, saved) = (temp_path("url.json"), temp_path("saved.yaml"));
    let from = fixture_arg("parameters", "from");
    let args = [
        "--from",
        &from,
        "--to",
        &base,
        "--format",
        "json",
        "--out",
        out.to_str().expect("utf-8"),
        "--save-to",
        saved.to_str().expect("utf-8"),
    ];
    assert_eq!(xtask(&args), Ok(ExitCode::SUCCESS));
    assert_eq!(
        tests::read(&saved),
        to_text,
        "--save-to keeps the downloaded text"
    );
    let value: Value = serde_json::from_str(&tests::read(&out)).expect("JSON");
    assert_eq!(value["to"]["label"], json!(base));
    let from_file = run_drift("parameters").expect("compares");
    assert_eq!(
        value["changes"],
        serde_json::to_value(&from_file.changes).expect("serializes"),
        "the same report as from the file"
    );
    let _ = std::fs::remove_file(out);
    let _ = std::fs::remove_file(saved);
}

#[test]
fn cli_download_errors_are_clear() {
    let from = fixture_arg("parameters", "from");
    let base = tests::serve_canned(
        "503 Service Unavailable",
        "application/yaml",
        "{\"detail\": \"down\"}".into(),
        1,
    );
    let error = xtask(&["--from", &from, "--to", &base]).expect_err("503");
    assert!(error.contains("HTTP 503"), "{error}");
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let error = xtask(&["--from", &format!("http://127.0.0.1:{port}"), "--to", &from])
        .expect_err("refused");
    assert!(error.contains("cannot reach"), "{error}");
}
