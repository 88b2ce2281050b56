//! Schema drift: a semantic diff of two PostHog schemas, each change classified for a client
//! user (breaking or compatible), with the effect on the generated Rust API.
//!
//! Both schemas go through the same normalization as generation ([`crate::normalize`]), so a
//! YAML 3.0 schema and a JSON 3.1 schema that describe the same API have no drift. The diff is
//! of meaning, not of text: operations are matched by endpoint (method and path, parameter
//! names aside), then by operationId; parameters by location and name; fields by name. Key
//! order, formatting and `$ref` renames that keep the same shape do not count. Pure, like the
//! rest of the crate: schema texts in, a [`DriftReport`] out.

mod model;
mod operations;
mod render_markdown;
mod rust_api;
mod schemas;
mod shape;
mod usage;

use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub use model::{Change, ChangeKind, Direction, Place, Severity, Subject};
pub use rust_api::{MemberChange, RustApiDiff, RustItem, RustItemChange};

/// Which of the two schemas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The older schema (`--from`).
    From,
    /// The newer schema (`--to`).
    To,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::From => "from",
            Side::To => "to",
        })
    }
}

/// One schema that could not be read, with every problem the loader found in it.
#[derive(Debug)]
pub struct SchemaError {
    /// Which schema.
    pub side: Side,
    /// How the schema was named (a path or a URL).
    pub label: String,
    /// What is wrong with it; [`crate::Error::Invalid`] lists JSON pointers.
    pub error: crate::Error,
}

/// Why no drift report could be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// One or both schemas could not be read; both are checked, so every problem shows at once.
    #[error("{}", SchemaErrors(.0))]
    Schemas(Vec<SchemaError>),
}

struct SchemaErrors<'a>(&'a [SchemaError]);

impl fmt::Display for SchemaErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "the `{}` schema ({}): {}",
                error.side, error.label, error.error
            )?;
        }
        Ok(())
    }
}

/// A schema to compare: its text and how to name it in the report.
#[derive(Clone, Copy, Debug)]
pub struct SchemaInput<'a> {
    /// A path or a URL, shown in the report.
    pub label: &'a str,
    /// The schema: JSON or YAML, OpenAPI 3.0 or 3.1.
    pub text: &'a str,
}

/// What one side of the comparison held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemaSummary {
    /// A path or a URL.
    pub label: String,
    /// The OpenAPI version the schema declared.
    pub openapi: String,
    /// How many operations it has.
    pub operations: usize,
    /// How many component schemas it has.
    pub schemas: usize,
}

/// Counts of the report, for the summary table and for CI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes that can break a client user.
    pub breaking: usize,
    /// Changes an existing client keeps working through.
    pub compatible: usize,
    /// Operations only the `to` schema has.
    pub operations_added: usize,
    /// Operations only the `from` schema has.
    pub operations_removed: usize,
    /// Operations deprecated in `to` and not in `from`.
    pub operations_deprecated: usize,
    /// Operations whose path or method changed, or whose operationId changed on the same endpoint.
    pub operations_moved_or_renamed: usize,
    /// Operations in both whose parameters, request body or response changed.
    pub operations_changed: usize,
    /// Component schemas only the `to` schema has.
    pub schemas_added: usize,
    /// Component schemas only the `from` schema has.
    pub schemas_removed: usize,
    /// Component schemas in both whose shape changed.
    pub schemas_changed: usize,
}

/// The drift between two schemas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// The older schema.
    pub from: SchemaSummary,
    /// The newer schema.
    pub to: SchemaSummary,
    /// Counts.
    pub summary: Summary,
    /// Every change, breaking first, then by subject and place.
    pub changes: Vec<Change>,
    /// What changes in the generated Rust API.
    pub rust: RustApiDiff,
}

impl DriftReport {
    /// Whether the two schemas mean the same API and generate the same Rust API.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.rust.is_empty()
    }

    /// Whether any change is breaking for a client user.
    pub fn has_breaking(&self) -> bool {
        self.summary.breaking > 0
    }

    /// The report as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    }

    /// The report for people, as Markdown: summary counts first, then breaking changes, then
    /// compatible ones, each grouped by operation and by schema, then the Rust API.
    pub fn to_markdown(&self) -> String {
        render_markdown::render(self)
    }
}

/// One schema, loaded and normalized, with what the diff needs from it.
struct Prepared {
    summary: SchemaSummary,
    document: Value,
    rust: rust_api::RustModel,
}

fn prepare(side: Side, input: SchemaInput<'_>) -> Result<Prepared, SchemaError> {
    let fail = |error| SchemaError {
        side,
        label: input.label.to_owned(),
        error,
    };
    let (loaded, fixups) = crate::normalize(input.text).map_err(fail)?;
    // The typed model is read for what generation would make of the schema; reading it also
    // rejects a malformed schema with every problem and its pointer, as generation would.
    let api = crate::parse::parse(&loaded.document).map_err(fail)?;
    let rust = rust_api::RustModel::build(&api, fixups);
    let summary = SchemaSummary {
        label: input.label.to_owned(),
        openapi: loaded.declared_version.clone(),
        operations: rust.operation_count(),
        schemas: api
            .components
            .as_ref()
            .map(|c| c.schemas.len())
            .unwrap_or(0),
    };
    Ok(Prepared {
        summary,
        document: loaded.document,
        rust,
    })
}

/// Compares two schemas.
pub fn drift(from: SchemaInput<'_>, to: SchemaInput<'_>) -> Result<DriftReport, DriftError> {
    let old = prepare(Side::From, from);
    let new = prepare(Side::To, to);
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            return Err(DriftError::Schemas(
                old.err().into_iter().chain(new.err()).collect(),
            ));
        }
    };

    let old_doc = shape::Document::new(&old.document);
    let new_doc = shape::Document::new(&new.document);
    let old_ops = operations::collect(&old_doc);
    let new_ops = operations::collect(&new_doc);
    let usage = usage::Usage::of(&old_doc, &old_ops).union(&usage::Usage::of(&new_doc, &new_ops));

    let mut changes = Vec::new();
    operations::diff(&old_doc, &new_doc, &old_ops, &new_ops, &mut changes);
    schemas::diff_components(&old_doc, &new_doc, &usage, &mut changes);
    changes.sort();
    changes.dedup();

    let summary = summarize(&changes);
    let rust = rust_api::diff(&old.rust, &new.rust);
    Ok(DriftReport {
        from: old.summary,
        to: new.summary,
        summary,
        changes,
        rust,
    })
}

fn summarize(changes: &[Change]) -> Summary {
    use std::collections::BTreeSet;
    let mut summary = Summary::default();
    let mut changed_ops = BTreeSet::new();
    let mut changed_schemas = BTreeSet::new();
    for change in changes {
        match change.severity {
            Severity::Breaking => summary.breaking += 1,
            Severity::Compatible => summary.compatible += 1,
        }
        match (&change.kind, &change.subject) {
            (ChangeKind::OperationAdded { .. }, _) => summary.operations_added += 1,
            (ChangeKind::OperationRemoved, _) => summary.operations_removed += 1,
            (ChangeKind::OperationDeprecated, _) => summary.operations_deprecated += 1,
            (ChangeKind::OperationMoved { .. } | ChangeKind::OperationRenamed { .. }, _) => {
                summary.operations_moved_or_renamed += 1
            }
            (ChangeKind::SchemaAdded, _) => summary.schemas_added += 1,
            (ChangeKind::SchemaRemoved, _) => summary.schemas_removed += 1,
            (ChangeKind::OperationUndeprecated, _) => {}
            (_, Subject::Operation { operation_id, .. }) => {
                changed_ops.insert(operation_id.clone());
            }
            (_, Subject::Schema { name, .. }) => {
                changed_schemas.insert(name.clone());
            }
        }
    }
    summary.operations_changed = changed_ops.len();
    summary.schemas_changed = changed_schemas.len();
    summary
}
