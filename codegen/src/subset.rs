//! One product's slice of a schema: its operations and every component they reference, and
//! nothing else. Stoplight Prism cannot start on the whole 2026 schema (its `QueryRequest` alone
//! inlines to ~120 MB), but serves a product's slice in seconds, which is what the contract
//! tests run against.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::naming;

/// The product group of an operation object, by the same rule as the generator's modules.
pub fn group_of(op: &Value) -> String {
    let first = |key: &str| {
        op.get(key)
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
    };
    let raw = first("x-explicit-tags")
        .or_else(|| op.get("x-product").and_then(Value::as_str))
        .or_else(|| first("tags"))
        .unwrap_or("untagged");
    let name = naming::snake(raw);
    match name.as_str() {
        "full" | "default" => format!("{name}_product"),
        _ => name,
    }
}

/// The document restricted to the operations of `group` (deprecated ones left out when
/// `skip_deprecated`), with the components they reach through `$ref`. Works on the schema as
/// PostHog serves it and on [`crate::normalize`]'s output; the contract tests give Prism the
/// former, whose validator cannot compile the latter's `nullable` beside `allOf`/`oneOf`.
pub fn for_group(document: &Value, group: &str, skip_deprecated: bool) -> Value {
    let mut paths = Map::new();
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(item) = item.as_object() else {
            continue;
        };
        let mut kept = Map::new();
        for (key, value) in item {
            let is_op = crate::METHODS.contains(&key.as_str());
            let deprecated = value
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if is_op && group_of(value) == group && !(skip_deprecated && deprecated) {
                kept.insert(key.clone(), value.clone());
            }
        }
        if kept.is_empty() {
            continue;
        }
        for (key, value) in item {
            if !crate::METHODS.contains(&key.as_str()) {
                kept.insert(key.clone(), value.clone());
            }
        }
        paths.insert(path.clone(), Value::Object(kept));
    }

    // The closure of `$ref`s, from the kept paths outwards.
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    collect_refs(&Value::Object(paths.clone()), &mut pending);
    while let Some(reference) = pending.pop() {
        if !reached.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = reference
            .strip_prefix('#')
            .and_then(|p| document.pointer(p))
        {
            collect_refs(target, &mut pending);
        }
    }
    let mut components = Map::new();
    for reference in &reached {
        let Some(rest) = reference.strip_prefix("#/components/") else {
            continue;
        };
        let Some((section, name)) = rest.split_once('/') else {
            continue;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        if let Some(value) = document.pointer(&format!(
            "/components/{section}/{}",
            name.replace('~', "~0").replace('/', "~1")
        )) {
            let section = components
                .entry(section.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(section) = section.as_object_mut() {
                section.insert(name, value.clone());
            }
        }
    }
    if let Some(schemes) = document.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".into(), schemes.clone());
    }

    let mut out = Map::new();
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(value) = document.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), Value::Object(components));
    Value::Object(out)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                out.push(reference.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
