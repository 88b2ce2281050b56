//! The real PostHog schemas, 2023 to 2026: each generates, fully, deterministically, with every
//! operation a method and at most 1% of its schemas degraded. The slow part, compiling each
//! generated crate (and documenting the 2026 one without rustdoc warnings), is an ignored test
//! that `cargo xtask test` runs.

use std::path::Path;
use std::process::Command;

fn generate(name: &str) -> (String, codegen::Output) {
    let text = tests::read(&tests::shared_schemas_dir().join(name));
    let output = codegen::generate(
        &text,
        &codegen::Options {
            schema_label: name.to_owned(),
        },
    )
    .unwrap_or_else(|e| panic!("{name} should generate: {e}"));
    (text, output)
}

fn check(name: &str) {
    let (text, output) = generate(name);
    let report = &output.report;
    let declared = tests::declared_operations(&text);
    assert_eq!(
        report.operations.total as usize,
        declared.len(),
        "{name}: every operation is counted"
    );
    assert_eq!(
        report.operations.generated, report.operations.total,
        "{name}: every operation is generated"
    );
    assert_eq!(
        output.methods.len(),
        declared.len(),
        "{name}: one method per operation"
    );
    let methods: std::collections::BTreeSet<&str> =
        output.methods.iter().map(|(_, m, _)| m.as_str()).collect();
    assert_eq!(
        methods.len(),
        declared.len(),
        "{name}: method names are unique"
    );
    // Every declared operationId has its method (numbered ids are renamed, and reported).
    let ids: std::collections::BTreeSet<&str> = output
        .methods
        .iter()
        .map(|(id, _, _)| id.as_str())
        .collect();
    let renamed = report.fixups.get("fix_numbered_operation_ids")
        + report.fixups.get("fix_missing_operation_ids");
    let missing = declared
        .iter()
        .filter(|id| !ids.contains(id.as_str()))
        .count() as u64;
    assert_eq!(
        missing, renamed,
        "{name}: only renamed operations lack their original id"
    );
    assert!(
        report.schemas.degraded * 100 <= report.schemas.total,
        "{name}: at most 1% degraded: {:?}",
        report.schemas
    );
    assert!(
        report
            .degraded_items
            .iter()
            .all(|d| !d.reason.is_empty() && d.pointer.starts_with("#/"))
    );
    assert!(output.files.contains_key("report.json") && output.files.contains_key("REPORT.md"));
    let again = generate(name).1;
    assert_eq!(
        output.files, again.files,
        "{name}: generation is deterministic"
    );
}

#[test]
fn posthog_2023_02() {
    check("posthog-2023-02.yaml");
}

#[test]
fn posthog_2025_02() {
    check("posthog-2025-02.yaml");
}

#[test]
fn posthog_2025_11() {
    check("posthog-2025-11.yaml");
}

#[test]
fn posthog_2026() {
    let (_, output) = generate("posthog-2026.json");
    check("posthog-2026.json");
    assert_eq!(output.report.operations.total, 1654);
    assert_eq!(output.report.schemas.total, 1774);
    assert!(
        output.features.len() >= 80,
        "one feature per product: {}",
        output.features.len()
    );
    let query = output
        .files
        .values()
        .find(|f| f.contains("pub struct QueryRequest {"))
        .expect("QueryRequest is generated");
    assert!(
        query.contains("pub query: QueryRequestQuery"),
        "QueryRequest.query is the tagged union"
    );
    let tagged = output
        .files
        .values()
        .any(|f| f.contains("QueryRequestQuery tag = \"kind\""));
    assert!(tagged, "QueryRequestQuery is tagged by `kind`");
}

fn cargo_check(dir: &Path, target: &Path) {
    let status = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--all-features", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the crate generated in {} does not compile without warnings",
        dir.display()
    );
}

/// Generates a standalone crate for every real schema and every fixture and checks that each
/// compiles with all features and no warnings. Slow (minutes): `cargo xtask test` runs it.
#[test]
#[ignore = "compiles every generated crate; run by `cargo xtask test`"]
fn every_generated_crate_compiles() {
    let root = tests::root();
    let work = root.join("target/generated-crates");
    let target = root.join("target/generated-crates-target");
    let mut schemas: Vec<std::path::PathBuf> = tests::REAL_SCHEMAS
        .iter()
        .map(|s| tests::shared_schemas_dir().join(s))
        .collect();
    schemas.extend(tests::valid_fixtures());
    for schema in schemas {
        let stem = schema
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("schema")
            .to_owned();
        let out = work.join(&stem);
        let _ = std::fs::remove_dir_all(&out);
        let code = xtask::run(vec![
            "generate".into(),
            "--schema".into(),
            schema.to_string_lossy().into_owned(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ])
        .expect("xtask generate runs");
        assert_eq!(code, std::process::ExitCode::SUCCESS, "generate {stem}");
        cargo_check(&out, &target);
        if stem == "posthog-2026" {
            // The schema's prose becomes rustdoc; none of it may read as broken markup.
            cargo_doc(&out, &target);
        }
    }
}

fn cargo_doc(dir: &Path, target: &Path) {
    let status = Command::new(env!("CARGO"))
        .args([
            "doc",
            "--quiet",
            "--no-deps",
            "--all-features",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the docs of the crate generated in {} have rustdoc warnings",
        dir.display()
    );
}
