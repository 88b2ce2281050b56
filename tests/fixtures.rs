//! One small spec per fixup and per OpenAPI 3.1 feature, each with an insta snapshot of the
//! generated code and report; `invalid_*` fixtures snapshot their error message.

use std::path::Path;

fn generate(name: &str) -> Result<codegen::Output, codegen::Error> {
    let text = tests::read(&tests::fixtures_dir().join(name));
    codegen::generate(
        &text,
        &codegen::Options {
            schema_label: format!("tests/fixtures/{name}"),
        },
    )
}

fn snapshot_fixture(name: &str) -> codegen::Output {
    let output = generate(name).unwrap_or_else(|e| panic!("{name} should generate: {e}"));
    let fixups: Vec<String> = output
        .report
        .fixups
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(f, n)| format!("{f}: {n}"))
        .collect();
    let degraded: Vec<String> = output
        .report
        .degraded_items
        .iter()
        .map(|d| format!("{}: {}", d.pointer, d.reason))
        .collect();
    let summary = format!(
        "operations: {:?}\nfixups:\n  {}\ndegraded:\n  {}\n\n",
        output.report.operations,
        fixups.join("\n  "),
        degraded.join("\n  ")
    );
    let stem = Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
        .to_owned();
    insta::assert_snapshot!(stem, format!("{summary}{}", tests::rust_sources(&output)));
    output
}

fn fixups(output: &codegen::Output, name: &str) -> u64 {
    output.report.fixups.get(name)
}

#[test]
fn openapi31_nullable() {
    let output = snapshot_fixture("openapi31_nullable.json");
    assert_eq!(output.report.openapi, "3.1.0");
    for fixup in [
        "convert_31_type_arrays",
        "convert_31_null_members",
        "convert_31_const",
        "convert_31_exclusive_bounds",
        "convert_31_examples",
        "convert_31_ref_siblings",
        "fix_parameter_refs",
    ] {
        assert!(fixups(&output, fixup) > 0, "{fixup} should apply");
    }
    let types = tests::rust_sources(&output);
    assert!(
        types.contains("pub name: Option<String>"),
        "a nullable field is Option<T>:\n{types}"
    );
}

#[test]
fn multi_content_body() {
    let output = snapshot_fixture("multi_content_body.yaml");
    assert_eq!(fixups(&output, "fix_multi_content_request_bodies"), 1);
    assert_eq!(fixups(&output, "fix_form_only_request_bodies"), 1);
}

#[test]
fn default_outside_enum() {
    let output = snapshot_fixture("default_outside_enum.yaml");
    assert_eq!(fixups(&output, "fix_defaults_outside_enum"), 2);
}

#[test]
fn colliding_enum_variants() {
    let output = snapshot_fixture("colliding_enum_variants.yaml");
    assert_eq!(fixups(&output, "fix_colliding_enum_variants"), 2);
}

#[test]
fn blank_null_enum() {
    let output = snapshot_fixture("blank_null_enum.yaml");
    assert_eq!(fixups(&output, "fix_blank_and_null_enum_members"), 3);
}

#[test]
fn numbered_operation_ids() {
    let output = snapshot_fixture("numbered_operation_ids.yaml");
    let ids: Vec<&str> = output
        .methods
        .iter()
        .map(|(id, _, _)| id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "insights_activity_retrieve",
            "insights_activity_retrieve_by_id",
            "organizations_projects_list",
            "list",
            "projects_get",
            "projects_delete"
        ]
    );
    assert_eq!(fixups(&output, "fix_duplicate_operation_ids"), 1);
    assert_eq!(fixups(&output, "fix_missing_operation_ids"), 1);
}

#[test]
fn responses() {
    let output = snapshot_fixture("responses.yaml");
    assert_eq!(fixups(&output, "fix_csv_responses"), 2);
    assert_eq!(fixups(&output, "fix_event_stream_responses"), 2);
    assert_eq!(fixups(&output, "fix_missing_success_schema"), 1);
}

#[test]
fn discriminator_union() {
    let output = snapshot_fixture("discriminator_union.json");
    let types = tests::rust_sources(&output);
    assert!(
        types.contains("tagged_enum!"),
        "a discriminated oneOf is a tagged enum:\n{types}"
    );
}

#[test]
fn type_names_and_recursion() {
    let output = snapshot_fixture("type_names_and_recursion.json");
    assert_eq!(fixups(&output, "fix_colliding_type_names"), 1);
    assert!(fixups(&output, "fix_recursive_types") >= 1);
    assert!(
        output.type_names.contains(&"DateRange2".to_owned())
            && output.type_names.contains(&"OptionSchema".to_owned())
    );
    assert!(
        output.report.degraded_items.is_empty(),
        "{:?}",
        output.report.degraded_items
    );
}

fn snapshot_error(name: &str) {
    let error = match generate(name) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(error) => error.to_string(),
    };
    let stem = Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
        .to_owned();
    insta::assert_snapshot!(stem, error);
}

#[test]
fn invalid_not_openapi() {
    snapshot_error("invalid_not_openapi.json");
}

#[test]
fn invalid_syntax() {
    snapshot_error("invalid_syntax.json");
}

#[test]
fn invalid_version() {
    snapshot_error("invalid_version.yaml");
}

#[test]
fn invalid_many_problems_are_reported_together() {
    snapshot_error("invalid_many_problems.json");
    let Err(codegen::Error::Invalid(problems)) = generate("invalid_many_problems.json") else {
        panic!("expected invalid")
    };
    assert!(
        problems.len() >= 3,
        "every problem is reported: {problems:?}"
    );
    assert!(
        problems.iter().all(|p| p.pointer.starts_with("#/")),
        "{problems:?}"
    );
}

#[test]
fn every_fixture_is_deterministic() {
    for path in tests::valid_fixtures() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let a = generate(&name).expect("generates");
        let b = generate(&name).expect("generates");
        assert_eq!(a.files, b.files, "{name} generates the same bytes twice");
    }
}

#[test]
fn blank_null_enum_31() {
    let output = snapshot_fixture("blank_null_enum_31.json");
    assert_eq!(fixups(&output, "fix_blank_and_null_enum_members"), 3);
    let sources = tests::rust_sources(&output);
    assert!(
        sources.contains("pub href_matching: Option<MatchingEnum>"),
        "{sources}"
    );
}
