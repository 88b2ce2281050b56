//! Loading: JSON or YAML text into a JSON tree, checked to be OpenAPI 3.0 or 3.1, and OpenAPI 3.1
//! converted to the 3.0 model that the `openapiv3` crate reads.

use serde_json::Value;

use crate::error::{Error, Problem};
use crate::report::Fixups;

/// A schema document after loading, in the OpenAPI 3.0 model.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The `openapi` version the document declared (`3.1.0`).
    pub declared_version: String,
    /// The document, converted to OpenAPI 3.0 where it was 3.1.
    pub document: Value,
}

/// Parses JSON or YAML text. JSON is tried when the text starts with `{`.
pub fn parse_text(text: &str) -> Result<Value, Error> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        serde_json::from_str(trimmed).map_err(|e| Error::Syntax {
            format: "JSON",
            message: e.to_string(),
        })
    } else {
        serde_yaml::from_str(trimmed).map_err(|e| Error::Syntax {
            format: "YAML",
            message: e.to_string(),
        })
    }
}

/// Parses the text, checks its version and converts 3.1 to 3.0.
pub fn load(text: &str, fixups: &mut Fixups) -> Result<Loaded, Error> {
    let mut document = parse_text(text)?;
    let Some(root) = document.as_object() else {
        return Err(Error::Invalid(vec![Problem::new(
            "#",
            "the document is not an object",
        )]));
    };
    let version = match root.get("openapi") {
        Some(Value::String(version)) => version.clone(),
        Some(other) => {
            return Err(Error::Invalid(vec![Problem::new(
                "#/openapi",
                format!("expected a version string, found {other}"),
            )]));
        }
        None if root.contains_key("swagger") => {
            return Err(Error::Invalid(vec![Problem::new(
                "#/swagger",
                "Swagger 2.0 is not supported; PostHog serves OpenAPI 3",
            )]));
        }
        None => {
            return Err(Error::Invalid(vec![Problem::new(
                "#",
                "not an OpenAPI document: no `openapi` version",
            )]));
        }
    };
    let mut problems = Vec::new();
    if !root.get("paths").is_some_and(Value::is_object) {
        problems.push(Problem::new("#/paths", "missing or not an object"));
    }
    if root.get("components").is_some_and(|c| !c.is_object()) {
        problems.push(Problem::new("#/components", "not an object"));
    }
    if version.starts_with("3.1") {
        if problems.is_empty() {
            crate::convert31::convert(&mut document, fixups);
        }
    } else if !version.starts_with("3.0") {
        problems.push(Problem::new(
            "#/openapi",
            format!("unsupported OpenAPI version `{version}`; 3.0.x and 3.1.x are supported"),
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Loaded {
        declared_version: version,
        document,
    })
}
