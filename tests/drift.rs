//! Schema drift on small fixture pairs (`tests/fixtures/drift/<case>.from.*` and
//! `<case>.to.*`), one per kind of change: an insta snapshot of each Markdown report, the
//! classification of the changes that define each case checked by hand, the JSON form, the
//! `cargo xtask drift` command line (files, loopback URLs, exit codes), and no panic on
//! mutated schemas.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use codegen::drift::{Change, ChangeKind, Direction, DriftReport, SchemaInput, Severity, Subject};
use serde_json::{Value, json};

fn drift_dir() -> PathBuf {
    tests::fixtures_dir().join("drift")
}

/// Every case: the stems of `*.from.*` files, sorted.
fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(drift_dir())
        .expect("tests/fixtures/drift")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            Some(name.split_once(".from.")?.0.to_owned())
        })
        .collect();
    cases.sort();
    cases
}

/// The file of one side of a case, whatever its extension.
fn side_file(case: &str, side: &str) -> String {
    let prefix = format!("{case}.{side}.");
    let mut names: Vec<String> = std::fs::read_dir(drift_dir())
        .expect("tests/fixtures/drift")
        .filter_map(|entry| {
            entry
                .ok()
                .map(|e| e.file_name().to_string_lossy().into_owned())
        })
        .filter(|name| name.starts_with(&prefix))
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        1,
        "one `{prefix}*` file for case `{case}`: {names:?}"
    );
    names.remove(0)
}

fn path_of(file: &str) -> PathBuf {
    drift_dir().join(file)
}

fn run_drift(case: &str) -> Result<DriftReport, codegen::drift::DriftError> {
    let (from, to) = (side_file(case, "from"), side_file(case, "to"));
    let (from_text, to_text) = (tests::read(&path_of(&from)), tests::read(&path_of(&to)));
    let (from_label, to_label) = (
        format!("tests/fixtures/drift/{from}"),
        format!("tests/fixtures/drift/{to}"),
    );
    codegen::drift::drift(
        SchemaInput {
            label: &from_label,
            text: &from_text,
        },
        SchemaInput {
            label: &to_label,
            text: &to_text,
        },
    )
}

/// The report of a case, snapshotted as Markdown.
fn snapshot(case: &str) -> DriftReport {
    let report = run_drift(case).unwrap_or_else(|e| panic!("case `{case}` should compare: {e}"));
    insta::assert_snapshot!(case.to_owned(), report.to_markdown());
    report
}

fn subject_name(subject: &Subject) -> &str {
    match subject {
        Subject::Operation { operation_id, .. } => operation_id,
        Subject::Schema { name, .. } => name,
    }
}

/// The one change of a subject matching `kind`, at a place whose rendering contains `place`.
fn change<'r>(
    report: &'r DriftReport,
    subject: &str,
    place: &str,
    kind: &ChangeKind,
) -> &'r Change {
    let found: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| {
            subject_name(&c.subject) == subject
                && &c.kind == kind
                && format!("{:?}", c.place).contains(place)
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {kind:?} of `{subject}` at `{place}`, found {found:?}\nall: {:#?}",
        report.changes
    );
    found[0]
}

fn assert_change(
    report: &DriftReport,
    subject: &str,
    place: &str,
    kind: ChangeKind,
    severity: Severity,
) {
    let found = change(report, subject, place, &kind);
    assert_eq!(found.severity, severity, "{subject} {place} {kind:?}");
}

fn enum_value(value: &str) -> String {
    Value::String(value.to_owned()).to_string()
}

#[test]
fn every_case_has_both_sides_and_a_test() {
    let known = [
        "invalid",
        "operations",
        "parameters",
        "ref_renamed",
        "request_body",
        "response_body",
        "schema_usage",
        "spelling",
        "unions",
    ];
    assert_eq!(
        cases(),
        known,
        "a new fixture pair needs its test in tests/drift.rs"
    );
    for case in cases() {
        side_file(&case, "to");
    }
}

#[test]
fn operations() {
    use Severity::{Breaking, Compatible};
    let report = snapshot("operations");
    assert_change(
        &report,
        "insights_destroy",
        "Itself",
        ChangeKind::OperationRemoved,
        Breaking,
    );
    assert_change(
        &report,
        "insights_create",
        "Itself",
        ChangeKind::OperationAdded,
        Compatible,
    );
    assert_change(
        &report,
        "annotations_list",
        "Itself",
        ChangeKind::OperationDeprecated,
        Compatible,
    );
    let moved = ChangeKind::OperationMoved {
        from: "GET /api/organizations/{organization_id}/batch_exports/".into(),
    };
    assert_change(&report, "batch_exports_list", "Itself", moved, Breaking);
    let renamed = ChangeKind::OperationRenamed {
        from_operation_id: "cohorts_all".into(),
    };
    assert_change(&report, "cohorts_list", "Itself", renamed, Breaking);
    // `list` of projects and `list` of organizations share an operationId, not a resource.
    let lists: Vec<(&ChangeKind, String)> = report
        .changes
        .iter()
        .filter_map(|c| match &c.subject {
            Subject::Operation {
                operation_id, path, ..
            } if operation_id == "list" => Some((&c.kind, path.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        lists,
        [
            (&ChangeKind::OperationRemoved, "/api/projects/".to_owned()),
            (
                &ChangeKind::OperationAdded,
                "/api/organizations/".to_owned()
            )
        ]
    );
    assert_eq!(report.summary.operations_added, 2);
    assert_eq!(report.summary.operations_removed, 2);
    assert_eq!(report.summary.operations_deprecated, 1);
    assert_eq!(report.summary.operations_moved_or_renamed, 2);

    let names = |items: &[codegen::drift::RustItem]| {
        items.iter().map(|i| i.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&report.rust.methods_added),
        ["cohorts_list", "insights_create"]
    );
    assert_eq!(
        names(&report.rust.methods_removed),
        ["cohorts_all", "insights_destroy"]
    );
    // The Rust method `list` stays, and now lists organizations.
    let list = report
        .rust
        .methods_changed
        .iter()
        .find(|m| m.name == "list")
        .expect("`list` changed");
    assert_eq!(
        list.members[0].to.as_deref(),
        Some("GET /api/organizations/")
    );
    let changed: Vec<&str> = report
        .rust
        .methods_changed
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(changed, ["annotations_list", "batch_exports_list", "list"]);
}

#[test]
fn parameters() {
    use Severity::{Breaking, Compatible};
    let report = snapshot("parameters");
    let op = "events_list";
    assert_change(
        &report,
        op,
        "\"limit\"",
        ChangeKind::ParameterMadeRequired,
        Breaking,
    );
    assert_change(
        &report,
        op,
        "\"after\"",
        ChangeKind::ParameterRemoved,
        Breaking,
    );
    assert_change(
        &report,
        op,
        "\"person_id\"",
        ChangeKind::ParameterAdded { required: true },
        Breaking,
    );
    assert_change(
        &report,
        op,
        "\"where\"",
        ChangeKind::ParameterAdded { required: false },
        Compatible,
    );
    let retyped = ChangeKind::TypeChanged {
        from: "string".into(),
        to: "array of string".into(),
    };
    assert_change(&report, op, "\"event\"", retyped, Breaking);
    assert_change(
        &report,
        op,
        "\"orderBy\"",
        ChangeKind::EnumValueRemoved {
            value: enum_value("asc"),
        },
        Breaking,
    );
    assert_change(
        &report,
        op,
        "\"orderBy\"",
        ChangeKind::EnumValueAdded {
            value: enum_value("random"),
        },
        Compatible,
    );
    let renamed = ChangeKind::ParameterRenamed {
        from: "project_id".into(),
    };
    assert_change(
        &report,
        "environments_events_retrieve",
        "\"environment_id\"",
        renamed,
        Compatible,
    );
    // `project_id` moved into `components.parameters` behind a `$ref`: the same parameter.
    assert!(
        !report
            .changes
            .iter()
            .any(|c| format!("{:?}", c.place).contains("\"project_id\"")),
        "{:#?}",
        report.changes
    );
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.direction == Direction::Request
                || matches!(c.place, codegen::drift::Place::Itself))
    );
}

#[test]
fn request_body() {
    use Severity::{Breaking, Compatible};
    let report = snapshot("request_body");
    let schema = "DashboardRequest";
    assert_change(
        &report,
        schema,
        "team_id",
        ChangeKind::FieldAdded { required: true },
        Breaking,
    );
    assert_change(
        &report,
        schema,
        "icon",
        ChangeKind::FieldAdded { required: false },
        Compatible,
    );
    assert_change(
        &report,
        schema,
        "pinned",
        ChangeKind::FieldRemoved,
        Breaking,
    );
    assert_change(
        &report,
        schema,
        "tags",
        ChangeKind::FieldMadeRequired,
        Breaking,
    );
    assert_change(
        &report,
        schema,
        "description",
        ChangeKind::MadeNullable,
        Compatible,
    );
    assert_change(
        &report,
        schema,
        "filters.date_to",
        ChangeKind::FieldAdded { required: false },
        Compatible,
    );
    assert_change(
        &report,
        schema,
        "color",
        ChangeKind::EnumValueAdded {
            value: enum_value("green"),
        },
        Compatible,
    );
    // A component enum used only in requests: a removed value is one the client can no
    // longer send.
    assert_change(
        &report,
        "RestrictionLevelEnum",
        "Itself",
        ChangeKind::EnumValueRemoved { value: "21".into() },
        Breaking,
    );
    assert_change(
        &report,
        "RestrictionLevelEnum",
        "Itself",
        ChangeKind::EnumValueAdded { value: "40".into() },
        Compatible,
    );
    assert_change(
        &report,
        "dashboards_create",
        "RequestBody",
        ChangeKind::RequestBodyMadeRequired,
        Breaking,
    );
    assert_eq!(report.summary.breaking, 5);
    assert_eq!(report.summary.compatible, 5);

    // Summary first, then breaking changes, compatible ones and the Rust API; the same
    // schemas give the same bytes.
    let markdown = report.to_markdown();
    let at = |heading: &str| {
        markdown
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} in the report"))
    };
    assert!(at("## Summary") < at("## Breaking changes"));
    assert!(at("## Breaking changes") < at("## Compatible changes"));
    assert!(at("## Compatible changes") < at("## Generated Rust API"));
    assert_eq!(
        run_drift("request_body").expect("compares").to_markdown(),
        markdown,
        "deterministic"
    );

    // The JSON form holds the same report.
    let text = report.to_json();
    insta::assert_snapshot!("request_body_json", text);
    let value: Value = serde_json::from_str(&text).expect("the JSON report parses");
    assert_eq!(value["summary"]["breaking"], json!(5));
    assert_eq!(
        value["changes"].as_array().map(Vec::len),
        Some(report.changes.len())
    );
    assert_eq!(
        value["changes"][0]["severity"],
        json!("breaking"),
        "breaking changes come first"
    );
}

#[test]
fn response_body() {
    use Severity::{Breaking, Compatible};
    let report = snapshot("response_body");
    let schema = "Person";
    assert_change(
        &report,
        schema,
        "last_seen_at",
        ChangeKind::FieldAdded { required: false },
        Compatible,
    );
    assert_change(
        &report,
        schema,
        "is_identified",
        ChangeKind::FieldRemoved,
        Breaking,
    );
    assert_change(
        &report,
        schema,
        "\"name\"",
        ChangeKind::MadeNullable,
        Breaking,
    );
    assert_change(
        &report,
        schema,
        "created_at",
        ChangeKind::FieldMadeOptional,
        Breaking,
    );
    let retyped = ChangeKind::TypeChanged {
        from: "integer".into(),
        to: "string".into(),
    };
    assert_change(&report, schema, "\"id\"", retyped, Breaking);
    assert_change(
        &report,
        schema,
        "status",
        ChangeKind::EnumValueAdded {
            value: enum_value("deleted"),
        },
        Compatible,
    );
    assert_change(
        &report,
        schema,
        "status",
        ChangeKind::EnumValueRemoved {
            value: enum_value("merged"),
        },
        Compatible,
    );
    assert_change(
        &report,
        "persons_bulk_delete_create",
        "Response",
        ChangeKind::ResponseBodyRemoved,
        Breaking,
    );
    let media = ChangeKind::MediaTypeChanged {
        from: "application/json".into(),
        to: "text/csv".into(),
    };
    assert_change(
        &report,
        "persons_export_retrieve",
        "Response",
        media,
        Breaking,
    );
    assert!(
        report
            .changes
            .iter()
            .filter(|c| subject_name(&c.subject) == schema)
            .all(|c| c.direction == Direction::Response),
        "`Person` is only received"
    );
}

#[test]
fn schema_usage() {
    use Severity::{Breaking, Compatible};
    let report = snapshot("schema_usage");
    let added = |required| ChangeKind::FieldAdded { required };
    let team_id = change(&report, "Tag", "team_id", &added(true));
    assert_eq!(
        (team_id.severity, team_id.direction),
        (Breaking, Direction::Both),
        "sent, so a new required field breaks"
    );
    let updated_at = change(&report, "Tag", "updated_at", &added(true));
    assert_eq!(
        (updated_at.severity, updated_at.direction),
        (Compatible, Direction::Response),
        "readOnly: only received"
    );
    assert_change(
        &report,
        "Tag",
        "created_at",
        ChangeKind::FieldRemoved,
        Breaking,
    );
    let legacy = change(&report, "Legacy", "old_field", &ChangeKind::FieldRemoved);
    assert_eq!(
        (legacy.severity, legacy.direction),
        (Compatible, Direction::Unused)
    );
    assert_change(
        &report,
        "Old",
        "Itself",
        ChangeKind::SchemaRemoved,
        Compatible,
    );
    assert_change(
        &report,
        "New",
        "Itself",
        ChangeKind::SchemaAdded,
        Compatible,
    );
    assert_change(
        &report,
        "Color",
        "Itself",
        ChangeKind::SchemaRemoved,
        Breaking,
    );
    // `Color` became an inline schema of the same shape: nothing changed on the wire.
    assert!(
        !report
            .changes
            .iter()
            .any(|c| subject_name(&c.subject) == "colors_list"),
        "{:#?}",
        report.changes
    );
    assert!(report.rust.types_removed.iter().any(|t| t.name == "Color"));
}

#[test]
fn unions() {
    use Severity::{Breaking, Compatible};
    let report = snapshot("unions");
    let variant = |name: &str| name.to_owned();
    assert_change(
        &report,
        "QueryRequest",
        "query",
        ChangeKind::VariantAdded {
            variant: variant("TrendsQuery"),
        },
        Compatible,
    );
    assert_change(
        &report,
        "QueryRequest",
        "query",
        ChangeKind::VariantRemoved {
            variant: variant("HogQLQuery"),
        },
        Breaking,
    );
    let response_added = ChangeKind::VariantAdded {
        variant: variant("TrendsQueryResponse"),
    };
    assert_change(
        &report,
        "QueryResponse",
        "result",
        response_added,
        Compatible,
    );
    let response_removed = ChangeKind::VariantRemoved {
        variant: variant("HogQLQueryResponse"),
    };
    assert_change(
        &report,
        "QueryResponse",
        "result",
        response_removed,
        Compatible,
    );
    // `oneOf: [RefreshEnum, BlankEnum, NullEnum]` and a nullable `allOf: [RefreshEnum]` are
    // the same; so are an object and an `allOf` of its fields.
    for quiet in ["refresh", "EventsQuery"] {
        assert!(
            !report
                .changes
                .iter()
                .any(|c| subject_name(&c.subject) == quiet
                    || format!("{:?}", c.place).contains(quiet)),
            "no change for `{quiet}`: {:#?}",
            report.changes
        );
    }
}

#[test]
fn spelling() {
    let report = snapshot("spelling");
    assert!(
        report.is_empty(),
        "the same API in 3.0 YAML and 3.1 JSON: {:#?} {:#?}",
        report.changes,
        report.rust
    );
    assert_eq!(
        (report.from.openapi.as_str(), report.to.openapi.as_str()),
        ("3.0.3", "3.1.0")
    );
}

#[test]
fn ref_renamed() {
    let report = snapshot("ref_renamed");
    let kinds: Vec<&ChangeKind> = report.changes.iter().map(|c| &c.kind).collect();
    assert_eq!(
        kinds,
        [&ChangeKind::SchemaAdded],
        "only the new schema: {:#?}",
        report.changes
    );
    let method = report
        .rust
        .methods_changed
        .iter()
        .find(|m| m.name == "insights_create")
        .expect("insights_create changed");
    let body = method
        .members
        .iter()
        .find(|m| m.member == "argument body")
        .expect("the body argument changed");
    assert_eq!(
        (body.from.as_deref(), body.to.as_deref()),
        (Some("Insight"), Some("InsightRequest"))
    );
}

#[test]
fn invalid() {
    let error = run_drift("invalid").expect_err("both schemas are invalid");
    let text = error.to_string();
    insta::assert_snapshot!("invalid", text);
    assert!(
        text.contains("the `from` schema") && text.contains("the `to` schema"),
        "both are reported: {text}"
    );
    assert!(text.contains("#/components/schemas/Missing"), "{text}");
    assert!(text.contains("Swagger 2.0"), "{text}");
}

// The command line.

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

/// Serves one canned response per connection, for as many connections as given.
fn serve(status: &'static str, body: String, connections: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}")
}

#[test]
fn cli_downloads_an_instance_schema_and_saves_it() {
    let to_text = tests::read(&path_of(&side_file("parameters", "to")));
    let base = serve("200 OK", to_text.clone(), 1);
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
    let base = serve(
        "503 Service Unavailable",
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

// Schemas are input: nothing in them may panic the diff.

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            pointers(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn mutated_schemas_never_panic() {
    let replacements = [
        json!(null),
        json!(7),
        json!("text"),
        json!([]),
        json!({}),
        json!({"$ref": "#/components/schemas/Nowhere"}),
        json!({"$ref": 12}),
        json!({"type": ["null"]}),
        json!({"oneOf": []}),
        json!({"allOf": [{"$ref": "#/components/schemas/Tag"}, {"type": "string"}]}),
        json!({"type": "array"}),
        json!({"enum": [null, 1, "a"]}),
    ];
    let mut rng = Rng(0x5eed_d21f);
    let mut outcomes = (0, 0);
    for case in cases().into_iter().filter(|c| c != "invalid") {
        let from_text = tests::read(&path_of(&side_file(&case, "from")));
        let to: Value = serde_yaml::from_str(&tests::read(&path_of(&side_file(&case, "to"))))
            .expect("fixture parses");
        let mut all = Vec::new();
        pointers(&to, String::new(), &mut all);
        for _ in 0..40 {
            let mut mutated = to.clone();
            let pointer = &all[rng.below(all.len())];
            if let Some(target) = mutated.pointer_mut(pointer) {
                *target = replacements[rng.below(replacements.len())].clone();
            }
            let text = serde_json::to_string(&mutated).expect("serializes");
            let from = SchemaInput {
                label: "from",
                text: &from_text,
            };
            match codegen::drift::drift(
                from,
                SchemaInput {
                    label: "to",
                    text: &text,
                },
            ) {
                Ok(report) => {
                    let _ = (report.to_markdown(), report.to_json());
                    outcomes.0 += 1;
                }
                Err(error) => {
                    assert!(error.to_string().contains("the `to` schema"), "{error}");
                    outcomes.1 += 1;
                }
            }
        }
    }
    assert!(
        outcomes.0 > 0 && outcomes.1 > 0,
        "mutations both compared and failed cleanly: {outcomes:?}"
    );
}

#[test]
fn classification_follows_the_direction_of_the_data() {
    use ChangeKind as K;
    use Direction::{Both, Request, Response, Unused};
    use Severity::{Breaking as B, Compatible as C};
    // Each kind, as (request, response, both, unused).
    let table = [
        (K::FieldAdded { required: true }, [B, C, B, C]),
        (K::FieldAdded { required: false }, [C, C, C, C]),
        (K::FieldRemoved, [B, B, B, C]),
        (K::FieldMadeRequired, [B, C, B, C]),
        (K::FieldMadeOptional, [C, B, B, C]),
        (K::MadeNullable, [C, B, B, C]),
        (K::MadeNonNullable, [B, C, B, C]),
        (
            K::TypeChanged {
                from: "integer".into(),
                to: "string".into(),
            },
            [B, B, B, C],
        ),
        (
            K::TypeChanged {
                from: "string".into(),
                to: "any".into(),
            },
            [C, C, C, C],
        ),
        (
            K::TypeChanged {
                from: "any".into(),
                to: "Insight".into(),
            },
            [B, C, B, C],
        ),
        (
            K::EnumValueAdded {
                value: "\"x\"".into(),
            },
            [C, C, C, C],
        ),
        (
            K::EnumValueRemoved {
                value: "\"x\"".into(),
            },
            [B, C, B, C],
        ),
        (
            K::VariantAdded {
                variant: "X".into(),
            },
            [C, C, C, C],
        ),
        (
            K::VariantRemoved {
                variant: "X".into(),
            },
            [B, C, B, C],
        ),
        (K::SchemaRemoved, [B, B, B, C]),
        (K::SchemaAdded, [C, C, C, C]),
    ];
    for (kind, expected) in table {
        let actual = [Request, Response, Both, Unused].map(|d| kind.severity(d));
        assert_eq!(
            actual, expected,
            "{kind:?} as (request, response, both, unused)"
        );
    }
    for (kind, expected) in [
        (K::OperationRemoved, B),
        (K::OperationAdded, C),
        (K::OperationDeprecated, C),
        (
            K::OperationMoved {
                from: "GET /a/".into(),
            },
            B,
        ),
        (
            K::OperationRenamed {
                from_operation_id: "a".into(),
            },
            B,
        ),
        (K::ParameterAdded { required: true }, B),
        (K::ParameterAdded { required: false }, C),
        (
            K::ParameterRenamed {
                from: "project_id".into(),
            },
            C,
        ),
        (K::RequestBodyMadeRequired, B),
        (K::ResponseBodyRemoved, B),
        (K::ResponseBodyAdded, C),
    ] {
        assert_eq!(kind.severity(Request), expected, "{kind:?}");
    }
}

/// A schema whose request body is the head of a chain of `length` objects, each holding the
/// next by reference, with component names starting with `prefix`.
fn chain_schema(prefix: &str, length: usize) -> String {
    let mut schemas = serde_json::Map::new();
    for i in 0..length {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "value".into(),
            json!({"type": if prefix == "A" { "string" } else { "integer" }}),
        );
        if i + 1 < length {
            properties.insert(
                "next".into(),
                json!({"$ref": format!("#/components/schemas/{prefix}{}", i + 1)}),
            );
        }
        schemas.insert(
            format!("{prefix}{i}"),
            json!({"type": "object", "properties": properties}),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "chain", "version": "1"},
        "paths": {"/api/chain/": {"post": {
            "operationId": "chain_create",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{prefix}0")}}}},
            "responses": {"204": {"description": "done"}}
        }}},
        "components": {"schemas": schemas}
    })
    .to_string()
}

#[test]
fn a_long_chain_of_renamed_references_stays_bounded() {
    // Every level is renamed (`A3` to `B3`) and retyped, so the diff follows the chain; it
    // stops after a bounded depth rather than recursing through all of it.
    let (from, to) = (chain_schema("A", 2000), chain_schema("B", 2000));
    let report = codegen::drift::drift(
        SchemaInput {
            label: "a",
            text: &from,
        },
        SchemaInput {
            label: "b",
            text: &to,
        },
    )
    .expect("compares");
    let retyped: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| {
            matches!(c.subject, Subject::Operation { .. })
                && matches!(c.kind, ChangeKind::TypeChanged { .. })
        })
        .collect();
    assert!(
        !retyped.is_empty() && retyped.len() <= 16,
        "{} retyped fields",
        retyped.len()
    );
    assert!(
        retyped
            .iter()
            .any(|c| format!("{:?}", c.place).contains("next.next.value"))
    );
}
