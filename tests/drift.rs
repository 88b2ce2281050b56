//! Schema drift on small fixture pairs (`tests/fixtures/drift/<case>.from.*` and
//! `<case>.to.*`), one per kind of change: an insta snapshot of each Markdown report, the
//! classification of the changes that define each case checked by hand, the JSON form, the
//! `cargo xtask drift` command line (files, loopback URLs, exit codes), and no panic on
//! mutated schemas.

// A test target's root resolves modules beside it, so the submodules are named by path.
#[path = "drift/classification.rs"]
mod classification;
#[path = "drift/cli.rs"]
mod cli;
#[path = "drift/robustness.rs"]
mod robustness;

use std::path::PathBuf;

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
        ChangeKind::OperationAdded { deprecated: false },
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
                &ChangeKind::OperationAdded { deprecated: false },
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
