//! Reading the normalized JSON tree into the `openapiv3` model one item at a time, so that every
//! malformed item is reported with its pointer, not just the first.

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Problem, child};

fn read<T: DeserializeOwned>(
    pointer: &str,
    value: &Value,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(parsed) => Some(parsed),
        Err(e) => {
            let mut at = pointer.to_owned();
            for segment in e.path().iter() {
                let token = match segment {
                    serde_path_to_error::Segment::Seq { index } => index.to_string(),
                    serde_path_to_error::Segment::Map { key } => key.clone(),
                    serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                    serde_path_to_error::Segment::Unknown => continue,
                };
                at = child(&at, &token);
            }
            problems.push(Problem::new(at, e.into_inner().to_string()));
            None
        }
    }
}

fn read_map<T: DeserializeOwned>(
    pointer: &str,
    value: Option<&Value>,
    problems: &mut Vec<Problem>,
) -> IndexMap<String, T> {
    let mut out = IndexMap::new();
    match value {
        None => {}
        Some(Value::Object(items)) => {
            for (name, item) in items {
                if let Some(parsed) = read(&child(pointer, name), item, problems) {
                    out.insert(name.clone(), parsed);
                }
            }
        }
        Some(_) => problems.push(Problem::new(pointer, "expected an object")),
    }
    out
}

/// Reads the document into the `openapiv3` model.
pub fn parse(document: &Value) -> Result<OpenAPI, Error> {
    let mut problems = Vec::new();
    let empty = Value::Object(Default::default());
    let components = document.get("components").unwrap_or(&empty);
    let schemas = read_map(
        "#/components/schemas",
        components.get("schemas"),
        &mut problems,
    );
    let parameters = read_map(
        "#/components/parameters",
        components.get("parameters"),
        &mut problems,
    );
    let request_bodies = read_map(
        "#/components/requestBodies",
        components.get("requestBodies"),
        &mut problems,
    );
    let responses = read_map(
        "#/components/responses",
        components.get("responses"),
        &mut problems,
    );
    let security_schemes = read_map(
        "#/components/securitySchemes",
        components.get("securitySchemes"),
        &mut problems,
    );
    let paths: IndexMap<String, ReferenceOr<openapiv3::PathItem>> =
        read_map("#/paths", document.get("paths"), &mut problems);
    let info = document
        .get("info")
        .and_then(|info| read("#/info", info, &mut problems))
        .unwrap_or_else(|| openapiv3::Info {
            title: String::new(),
            version: String::new(),
            ..Default::default()
        });

    check_refs(document, &mut problems);
    if !problems.is_empty() {
        problems.sort();
        return Err(Error::Invalid(problems));
    }
    Ok(OpenAPI {
        openapi: "3.0.3".into(),
        info,
        paths: Paths {
            paths,
            extensions: Default::default(),
        },
        components: Some(Components {
            schemas,
            parameters,
            request_bodies,
            responses,
            security_schemes,
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// Every local `$ref` must point at something; remote references are not supported.
fn check_refs(document: &Value, problems: &mut Vec<Problem>) {
    fn walk(pointer: &str, value: &Value, document: &Value, problems: &mut Vec<Problem>) {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref") {
                    match reference.as_str() {
                        Some(target) if target.starts_with("#/") => {
                            if document.pointer(&target[1..]).is_none() {
                                problems.push(Problem::new(pointer, format!("`$ref` to `{target}`, which does not exist")));
                            }
                        }
                        Some(target) => problems.push(Problem::new(pointer, format!("`$ref` to `{target}`: only local references (`#/...`) are supported"))),
                        None => problems.push(Problem::new(pointer, "`$ref` is not a string")),
                    }
                }
                for (key, item) in map {
                    walk(&child(pointer, key), item, document, problems);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(&child(pointer, &i.to_string()), item, document, problems);
                }
            }
            _ => {}
        }
    }
    walk("#", document, document, problems);
}
