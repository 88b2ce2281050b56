//! Schema drift across the real PostHog history in ../shared/schemas (2023-02, 2025-02,
//! 2025-11, 2026): a snapshot of each consecutive Markdown report, facts checked by hand
//! against the schemas (each one verified by reading them), and no drift between the 2025-11
//! schema and itself, as JSON or with its keys reordered.

use codegen::drift::{ChangeKind, Direction, DriftReport, Place, SchemaInput, Severity, Subject};
use serde_json::Value;

fn text(name: &str) -> String {
    tests::read(&tests::shared_schemas_dir().join(name))
}

fn compare(from: &str, from_text: &str, to: &str, to_text: &str) -> DriftReport {
    codegen::drift::drift(
        SchemaInput {
            label: from,
            text: from_text,
        },
        SchemaInput {
            label: to,
            text: to_text,
        },
    )
    .unwrap_or_else(|e| panic!("{from} -> {to} should compare: {e}"))
}

/// The report between two real schemas, snapshotted as Markdown.
fn consecutive(from: &str, to: &str, snapshot: &str) -> DriftReport {
    let report = compare(from, &text(from), to, &text(to));
    insta::assert_snapshot!(snapshot.to_owned(), report.to_markdown());
    report
}

fn operation<'r>(
    report: &'r DriftReport,
    id: &str,
    kind: &ChangeKind,
) -> &'r codegen::drift::Change {
    report
        .changes
        .iter()
        .find(|c| {
            matches!(&c.subject, Subject::Operation { operation_id, .. } if operation_id == id)
                && &c.kind == kind
        })
        .unwrap_or_else(|| panic!("no {kind:?} for operation `{id}`"))
}

#[test]
fn from_2023_02_to_2025_02() {
    let report = consecutive(
        "posthog-2023-02.yaml",
        "posthog-2025-02.yaml",
        "2023-02_to_2025-02",
    );
    assert_eq!((report.from.operations, report.to.operations), (224, 443));
    assert_eq!((report.from.schemas, report.to.schemas), (99, 542));
    // `DELETE /api/organizations/{parent_lookup_organization_id}/plugins/{id}/` is in 2023
    // and under no spelling in 2025-02.
    let removed = operation(&report, "plugins_destroy", &ChangeKind::OperationRemoved);
    assert_eq!(removed.severity, Severity::Breaking);
    // `/api/organizations/{parent_lookup_organization_id}/domains/{id}/` became
    // `/api/organizations/{organization_id}/domains/{id}/`: the same URL.
    let renamed = ChangeKind::ParameterRenamed {
        from: "parent_lookup_organization_id".into(),
    };
    let change = operation(&report, "domains_destroy", &renamed);
    assert_eq!(change.severity, Severity::Compatible);
    assert!(matches!(&change.place, Place::Parameter { name, .. } if name == "organization_id"));
    // `GET /api/projects/{project_id}/query/` became `/query/{id}/` under the same id.
    let moved = ChangeKind::OperationMoved {
        from: "GET /api/projects/{project_id}/query/".into(),
    };
    operation(&report, "query_retrieve", &moved);
    // drf's bare `create` was project creation in 2023 and is organization creation in
    // 2025-02: not a move, but one operation removed and one added (the Rust method `create`
    // changes meaning, listed under the Rust API).
    let creates: Vec<&ChangeKind> = report
        .changes
        .iter()
        .filter(|c| matches!(&c.subject, Subject::Operation { operation_id, .. } if operation_id == "create"))
        .map(|c| &c.kind)
        .collect();
    assert_eq!(
        creates,
        [
            &ChangeKind::OperationRemoved,
            &ChangeKind::OperationAdded { deprecated: false }
        ]
    );
    // The `/api/environments/` duplicates of project endpoints arrived in 2025.
    operation(
        &report,
        "environments_dashboards_destroy",
        &ChangeKind::OperationAdded { deprecated: false },
    );
    assert!(report.has_breaking());
}

#[test]
fn from_2025_02_to_2025_11() {
    let report = consecutive(
        "posthog-2025-02.yaml",
        "posthog-2025-11.yaml",
        "2025-02_to_2025-11",
    );
    assert_eq!((report.from.operations, report.to.operations), (443, 823));
    // Feature flag role access went away.
    let removed = operation(
        &report,
        "feature_flags_role_access_destroy",
        &ChangeKind::OperationRemoved,
    );
    assert_eq!(removed.severity, Severity::Breaking);
    operation(
        &report,
        "environments_data_color_themes_destroy",
        &ChangeKind::OperationAdded { deprecated: false },
    );
    // `insights_viewed_create` left `/insights/{id}/viewed/` for `/insights/viewed/`: the one
    // operationId on another path, a move rather than one endpoint removed and one added.
    let moved = ChangeKind::OperationMoved {
        from: "POST /api/projects/{project_id}/insights/{id}/viewed/".into(),
    };
    assert_eq!(
        operation(&report, "insights_viewed_create", &moved).severity,
        Severity::Breaking
    );
    // 420 endpoints are new and 40 gone (counted by hand); two of each are the moves of
    // `insights_viewed_create` and `environments_insights_viewed_create`.
    assert_eq!(report.summary.operations_added, 418);
    assert_eq!(report.summary.operations_removed, 38);
    assert_eq!(report.summary.operations_moved_or_renamed, 4);
}

#[test]
fn from_2025_11_to_2026() {
    let report = consecutive(
        "posthog-2025-11.yaml",
        "posthog-2026.json",
        "2025-11_to_2026",
    );
    assert_eq!(
        (report.from.openapi.as_str(), report.to.openapi.as_str()),
        ("3.0.3", "3.1.0")
    );
    assert_eq!((report.from.operations, report.to.operations), (823, 1654));
    assert_eq!((report.from.schemas, report.to.schemas), (881, 1774));
    // Counted by hand over the two schemas' endpoints (path parameters unnamed).
    assert_eq!(report.summary.operations_removed, 40);
    assert_eq!(report.summary.operations_added, 871);
    assert_eq!(report.summary.operations_deprecated, 264);
    operation(
        &report,
        "app_metrics_retrieve",
        &ChangeKind::OperationRemoved,
    );
    operation(&report, "persons_destroy", &ChangeKind::OperationRemoved);
    // The 461 deprecated operations of 2026 (../shared/schemas/README.md): 264 deprecated since
    // 2025-11 and 197 new ones deprecated from the start.
    let added_deprecated = report
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::OperationAdded { deprecated: true })
        .count();
    assert_eq!(
        (report.summary.operations_deprecated, added_deprecated),
        (264, 197)
    );
    // New in 2026 and deprecated from the start: one of the `/api/environments/` duplicates.
    operation(
        &report,
        "environments_alerts_destroy",
        &ChangeKind::OperationAdded { deprecated: true },
    );
    // drf numbered the project endpoint `batch_exports_create_2` in 2025-11 (named
    // `batch_exports_create_by_project_id` by normalization); in 2026 it is `batch_exports_create`.
    let renamed = ChangeKind::OperationRenamed {
        from_operation_id: "batch_exports_create_by_project_id".into(),
    };
    assert_eq!(
        operation(&report, "batch_exports_create", &renamed).severity,
        Severity::Breaking
    );
    // `{project_id}` became `{environment_id}` in the environments paths.
    let parameter = ChangeKind::ParameterRenamed {
        from: "project_id".into(),
    };
    operation(&report, "environments_batch_exports_destroy", &parameter);
    // `ActionStepJSON.selector_regex` is new, required and `readOnly`: only received.
    let selector = report
        .changes
        .iter()
        .find(|c| {
            matches!(&c.subject, Subject::Schema { name, .. } if name == "ActionStepJSON")
                && matches!(&c.place, Place::Field { path } if path == "selector_regex")
        })
        .expect("ActionStepJSON.selector_regex changed");
    assert_eq!(selector.kind, ChangeKind::FieldAdded { required: true });
    assert_eq!(
        (selector.direction, selector.severity),
        (Direction::Response, Severity::Compatible)
    );
    // The generated API follows: the removed operation's method is gone.
    assert!(
        report
            .rust
            .methods_removed
            .iter()
            .any(|m| m.name == "app_metrics_retrieve")
    );
    assert!(
        report
            .rust
            .methods_added
            .iter()
            .any(|m| m.name == "environments_alerts_destroy")
    );
}

/// The same document with every object's keys in reverse order.
fn reverse_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reverse_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reverse_keys).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_2025_11_schema_has_no_drift_with_itself() {
    let yaml = text("posthog-2025-11.yaml");
    let value: Value = serde_yaml::from_str(&yaml).expect("YAML");
    let json = serde_json::to_string_pretty(&value).expect("JSON");
    let reordered = serde_json::to_string(&reverse_keys(&value)).expect("JSON");
    assert!(
        reordered.find("\"paths\"") < reordered.find("\"openapi\""),
        "the keys really are reordered"
    );
    for (label, other) in [
        ("the same text", &yaml),
        ("as JSON", &json),
        ("keys reordered", &reordered),
    ] {
        let report = compare("posthog-2025-11.yaml", &yaml, label, other);
        assert!(report.is_empty(), "{label}: {}", report.to_markdown());
        assert!(report.to_markdown().contains("No drift"), "{label}");
    }
}

#[test]
fn against_compares_the_committed_schema_with_an_instance() {
    use std::process::ExitCode;
    let out = std::env::temp_dir().join(format!(
        "posthog-api-drift-against-{}.json",
        std::process::id()
    ));
    let out_arg = out.to_str().expect("utf-8").to_owned();
    let run = |base: &str, fail_on: &str| {
        let args = [
            "drift",
            "--against",
            base,
            "--format",
            "json",
            "--out",
            &out_arg,
            "--fail-on",
            fail_on,
        ];
        xtask::run(args.iter().map(|a| (*a).to_owned()).collect()).map_err(|e| format!("{e:#}"))
    };

    // An instance serving the committed schema: no drift at all.
    let committed = tests::read(&tests::root().join("schema/openapi.json"));
    assert_eq!(
        run(
            &tests::serve_canned("200 OK", "application/json", committed, 1),
            "any"
        ),
        Ok(ExitCode::SUCCESS)
    );
    let value: Value = serde_json::from_str(&tests::read(&out)).expect("JSON");
    assert_eq!(value["from"]["label"], "schema/openapi.json");
    assert_eq!(value["changes"].as_array().map(Vec::len), Some(0));

    // An instance still serving the 2025-11 schema: operations the client has are missing there.
    assert_eq!(
        run(
            &tests::serve_canned(
                "200 OK",
                "application/json",
                text("posthog-2025-11.yaml"),
                1
            ),
            "breaking"
        ),
        Ok(ExitCode::from(2))
    );
    let value: Value = serde_json::from_str(&tests::read(&out)).expect("JSON");
    assert!(value["summary"]["operations_removed"].as_u64() > Some(0));
    let _ = std::fs::remove_file(out);
}

#[test]
fn a_mutated_real_schema_never_panics_the_diff() {
    // A few random damages to the 2023-02 schema, each compared against the original: the
    // diff reports or fails with a pointer, never panics.
    let original = text("posthog-2023-02.yaml");
    let document: Value = serde_yaml::from_str(&original).expect("YAML");
    let mut pointers = Vec::new();
    collect_pointers(&document, String::new(), &mut pointers);
    let replacements = [
        serde_json::json!(null),
        serde_json::json!("text"),
        serde_json::json!({"$ref": "#/components/schemas/Nowhere"}),
        serde_json::json!({"oneOf": []}),
        serde_json::json!({"type": "array"}),
    ];
    let mut seed: u64 = 0x2023_0202;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % n as u64) as usize
    };
    for _ in 0..8 {
        let mut mutated = document.clone();
        let pointer = &pointers[next(pointers.len())];
        if let Some(target) = mutated.pointer_mut(pointer) {
            *target = replacements[next(replacements.len())].clone();
        }
        let text = serde_json::to_string(&mutated).expect("JSON");
        let from = SchemaInput {
            label: "2023-02",
            text: &original,
        };
        match codegen::drift::drift(
            from,
            SchemaInput {
                label: "mutated",
                text: &text,
            },
        ) {
            Ok(report) => assert!(report.to_markdown().starts_with("# Schema drift")),
            Err(error) => assert!(
                error.to_string().contains(" #"),
                "a pointer for {pointer}: {error}"
            ),
        }
    }
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                collect_pointers(
                    item,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_pointers(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
