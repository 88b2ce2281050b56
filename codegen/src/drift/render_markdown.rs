//! The drift report for people, as Markdown: the two schemas and the summary counts first,
//! then breaking changes, then compatible ones, each grouped by operation and by schema, then
//! the generated Rust API. A large diff is long, but every part is under its own heading.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{Change, ChangeKind, Direction, Place, Severity, Subject};
use super::rust_api::{RustItem, RustItemChange};
use super::{DriftReport, Summary};

/// Renders a report.
pub(crate) fn render(report: &DriftReport) -> String {
    let mut md = String::new();
    md.push_str("# Schema drift\n\n");
    md.push_str("| | from | to |\n| --- | --- | --- |\n");
    let (from, to) = (&report.from, &report.to);
    let _ = writeln!(
        md,
        "| schema | {} | {} |",
        cell(&code(&from.label)),
        cell(&code(&to.label))
    );
    let _ = writeln!(
        md,
        "| OpenAPI | {} | {} |",
        cell(&from.openapi),
        cell(&to.openapi)
    );
    let _ = writeln!(
        md,
        "| operations | {} | {} |",
        from.operations, to.operations
    );
    let _ = writeln!(
        md,
        "| component schemas | {} | {} |\n",
        from.schemas, to.schemas
    );

    md.push_str("## Summary\n\n");
    if report.is_empty() {
        md.push_str(
            "No drift: both schemas describe the same API and generate the same Rust API.\n",
        );
        return md;
    }
    summary(&mut md, &report.summary);
    let rust = &report.rust;
    let _ = writeln!(
        md,
        "Generated Rust API: {} methods added, {} removed, {} changed; {} types added, {} removed, {} changed.\n",
        rust.methods_added.len(),
        rust.methods_removed.len(),
        rust.methods_changed.len(),
        rust.types_added.len(),
        rust.types_removed.len(),
        rust.types_changed.len()
    );
    md.push_str("Sections: [breaking changes](#breaking-changes) · [compatible changes](#compatible-changes) · [generated Rust API](#generated-rust-api)\n\n");

    for severity in [Severity::Breaking, Severity::Compatible] {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.severity == severity)
            .collect();
        section(&mut md, severity, &changes);
    }
    rust_section(&mut md, report);
    md
}

fn summary(md: &mut String, s: &Summary) {
    let _ = writeln!(
        md,
        "**{} breaking** and {}.\n",
        s.breaking,
        plural(s.compatible, "compatible change")
    );
    md.push_str("| | count |\n| --- | ---: |\n");
    let rows = [
        ("operations added", s.operations_added),
        ("operations removed", s.operations_removed),
        ("operations newly deprecated", s.operations_deprecated),
        ("operations moved or renamed", s.operations_moved_or_renamed),
        (
            "operations changed (parameters, bodies, responses)",
            s.operations_changed,
        ),
        ("component schemas added", s.schemas_added),
        ("component schemas removed", s.schemas_removed),
        ("component schemas changed", s.schemas_changed),
    ];
    for (label, count) in rows {
        let _ = writeln!(md, "| {label} | {count} |");
    }
    md.push('\n');
}

/// `1 change`, `2 changes`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A code span that survives any text, backticks included.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Text for a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn subject_label(subject: &Subject) -> String {
    match subject {
        Subject::Operation {
            operation_id,
            method,
            path,
        } => format!(
            "**{}** {}",
            code(operation_id),
            code(&format!("{method} {path}"))
        ),
        Subject::Schema { name, .. } => format!("**{}**", code(name)),
    }
}

fn direction_label(direction: Direction) -> &'static str {
    match direction {
        Direction::Request => "sent in requests",
        Direction::Response => "received in responses",
        Direction::Both => "sent and received",
        Direction::Unused => "used by no operation",
    }
}

fn place_label(place: &Place) -> Option<String> {
    Some(match place {
        Place::Itself => return None,
        Place::Parameter {
            location,
            name,
            path,
        } => format!("{location} parameter {}", code(&format!("{name}{path}"))),
        Place::RequestBody { path } if path.is_empty() => "request body".into(),
        Place::RequestBody { path } => format!("request body field {}", code(path)),
        Place::Response { path } if path.is_empty() => "response".into(),
        Place::Response { path } => format!("response field {}", code(path)),
        Place::Field { path } => format!("field {}", code(path)),
    })
}

/// Whether a change is about the whole subject, listed in its own table rather than under
/// "changed".
fn is_subject_level(kind: &ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::OperationAdded { .. }
            | ChangeKind::OperationRemoved
            | ChangeKind::OperationDeprecated
            | ChangeKind::OperationUndeprecated
            | ChangeKind::OperationMoved { .. }
            | ChangeKind::OperationRenamed { .. }
            | ChangeKind::SchemaAdded
            | ChangeKind::SchemaRemoved
    )
}

fn section(md: &mut String, severity: Severity, changes: &[&Change]) {
    let (title, none) = match severity {
        Severity::Breaking => ("Breaking changes", "None."),
        Severity::Compatible => ("Compatible changes", "None."),
    };
    let _ = writeln!(md, "## {title}\n");
    if changes.is_empty() {
        let _ = writeln!(md, "{none}\n");
        return;
    }
    let _ = writeln!(md, "{}.\n", plural(changes.len(), "change"));

    let of = |wanted: fn(&ChangeKind) -> bool| {
        changes
            .iter()
            .copied()
            .filter(|c| wanted(&c.kind))
            .collect::<Vec<_>>()
    };
    operation_table(
        md,
        "Operations removed",
        &of(|k| matches!(k, ChangeKind::OperationRemoved)),
    );
    moved_list(
        md,
        &of(|k| {
            matches!(
                k,
                ChangeKind::OperationMoved { .. } | ChangeKind::OperationRenamed { .. }
            )
        }),
    );
    operation_table(
        md,
        "Operations added",
        &of(|k| matches!(k, ChangeKind::OperationAdded { .. })),
    );
    operation_table(
        md,
        "Operations newly deprecated",
        &of(|k| matches!(k, ChangeKind::OperationDeprecated)),
    );
    operation_table(
        md,
        "Operations no longer deprecated",
        &of(|k| matches!(k, ChangeKind::OperationUndeprecated)),
    );

    let rest: Vec<&Change> = changes
        .iter()
        .copied()
        .filter(|c| !is_subject_level(&c.kind))
        .collect();
    let operations: Vec<&Change> = rest
        .iter()
        .copied()
        .filter(|c| matches!(c.subject, Subject::Operation { .. }))
        .collect();
    grouped(md, "Operations changed", &operations);

    name_list(
        md,
        "Component schemas removed",
        &of(|k| matches!(k, ChangeKind::SchemaRemoved)),
    );
    name_list(
        md,
        "Component schemas added",
        &of(|k| matches!(k, ChangeKind::SchemaAdded)),
    );
    let schemas: Vec<&Change> = rest
        .iter()
        .copied()
        .filter(|c| matches!(c.subject, Subject::Schema { .. }))
        .collect();
    grouped(md, "Component schemas changed", &schemas);
}

fn operation_table(md: &mut String, title: &str, changes: &[&Change]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### {title} ({})\n\n| operation | endpoint |\n| --- | --- |",
        changes.len()
    );
    for change in changes {
        if let Subject::Operation {
            operation_id,
            method,
            path,
        } = &change.subject
        {
            let deprecated = match change.kind {
                ChangeKind::OperationAdded { deprecated: true } => " (deprecated)",
                _ => "",
            };
            let _ = writeln!(
                md,
                "| {} | {}{deprecated} |",
                cell(&code(operation_id)),
                cell(&code(&format!("{method} {path}")))
            );
        }
    }
    md.push('\n');
}

fn moved_list(md: &mut String, changes: &[&Change]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(md, "### Operations moved or renamed ({})\n", changes.len());
    for change in changes {
        let _ = writeln!(
            md,
            "- {}: {}",
            subject_label(&change.subject),
            change.kind.describe()
        );
    }
    md.push('\n');
}

fn name_list(md: &mut String, title: &str, changes: &[&Change]) {
    if changes.is_empty() {
        return;
    }
    let names: Vec<String> = changes
        .iter()
        .filter_map(|c| match &c.subject {
            Subject::Schema { name, .. } => Some(code(name)),
            Subject::Operation { .. } => None,
        })
        .collect();
    let _ = writeln!(
        md,
        "### {title} ({})\n\n{}\n",
        names.len(),
        names.join(", ")
    );
}

/// Changes grouped by subject, then by place, one line per place.
fn grouped(md: &mut String, title: &str, changes: &[&Change]) {
    let mut by_subject: BTreeMap<&Subject, BTreeMap<&Place, Vec<&Change>>> = BTreeMap::new();
    for change in changes {
        by_subject
            .entry(&change.subject)
            .or_default()
            .entry(&change.place)
            .or_default()
            .push(change);
    }
    if by_subject.is_empty() {
        return;
    }
    let _ = writeln!(md, "### {title} ({})\n", by_subject.len());
    for (subject, places) in by_subject {
        let usage = match subject {
            Subject::Schema { usage, .. } => format!(" ({})", direction_label(*usage)),
            Subject::Operation { .. } => String::new(),
        };
        let _ = writeln!(md, "- {}{usage}", subject_label(subject));
        for (place, changes) in places {
            let text = describe_all(changes);
            match place_label(place) {
                Some(place) => {
                    let _ = writeln!(md, "  - {place}: {text}");
                }
                None => {
                    let _ = writeln!(md, "  - {text}");
                }
            }
        }
    }
    md.push('\n');
}

/// The changes at one place, with enum values and variants listed together.
fn describe_all(changes: Vec<&Change>) -> String {
    let mut parts = Vec::new();
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for change in changes {
        match &change.kind {
            ChangeKind::EnumValueAdded { value } => lists
                .entry("enum values added")
                .or_default()
                .push(code(value)),
            ChangeKind::EnumValueRemoved { value } => lists
                .entry("enum values removed")
                .or_default()
                .push(code(value)),
            ChangeKind::VariantAdded { variant } => lists
                .entry("variants added")
                .or_default()
                .push(code(variant)),
            ChangeKind::VariantRemoved { variant } => lists
                .entry("variants removed")
                .or_default()
                .push(code(variant)),
            other => parts.push(other.describe()),
        }
    }
    for (label, items) in lists {
        parts.push(format!("{label} {}", items.join(", ")));
    }
    parts.join("; ")
}

fn rust_section(md: &mut String, report: &DriftReport) {
    let rust = &report.rust;
    md.push_str("## Generated Rust API\n\n");
    if rust.is_empty() {
        md.push_str("Unchanged.\n");
        return;
    }
    rust_names(md, "Methods removed", &rust.methods_removed);
    rust_changes(md, "Methods changed", &rust.methods_changed);
    rust_names(md, "Methods added", &rust.methods_added);
    rust_names(md, "Types removed", &rust.types_removed);
    rust_changes(md, "Types changed", &rust.types_changed);
    rust_names(md, "Types added", &rust.types_added);
}

fn rust_names(md: &mut String, title: &str, items: &[RustItem]) {
    if items.is_empty() {
        return;
    }
    let names: Vec<String> = items.iter().map(|i| code(&i.name)).collect();
    let _ = writeln!(
        md,
        "### {title} ({})\n\n{}\n",
        items.len(),
        names.join(", ")
    );
}

/// `field name` as "field `name`"; `send() returns` as it is.
fn member_label(member: &str) -> String {
    match member.split_once(' ') {
        Some((role @ ("field" | "variant" | "argument" | "setter"), name)) => {
            format!("{role} {}", code(name))
        }
        _ => member.to_owned(),
    }
}

fn rust_changes(md: &mut String, title: &str, items: &[RustItemChange]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(md, "### {title} ({})\n", items.len());
    for item in items {
        let parts: Vec<String> = item
            .members
            .iter()
            .map(|m| {
                let member = member_label(&m.member);
                match (&m.from, &m.to) {
                    (None, Some(to)) => format!("{member} added ({})", code(to)),
                    (Some(from), None) => format!("{member} removed ({})", code(from)),
                    (Some(from), Some(to)) => format!("{member}: {} → {}", code(from), code(to)),
                    (None, None) => member,
                }
            })
            .collect();
        let _ = writeln!(
            md,
            "- {} ({}): {}",
            code(&item.name),
            item.about,
            parts.join("; ")
        );
    }
    md.push('\n');
}
