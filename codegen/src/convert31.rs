//! OpenAPI 3.1 to 3.0: PostHog moved its schema to 3.1 in 2026, while `openapiv3` (and so
//! progenitor and typify) model 3.0 only. Each rewrite keeps the meaning and is counted.

use serde_json::{Map, Value, json};

use crate::report::Fixups;
use crate::walk;

/// Converts a 3.1 document to the 3.0 model in place.
pub fn convert(document: &mut Value, fixups: &mut Fixups) {
    if let Some(root) = document.as_object_mut() {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        // 3.1-only top-level keys that have no 3.0 counterpart and carry no operations.
        root.remove("webhooks");
        root.remove("jsonSchemaDialect");
    }
    walk::schemas_mut(document, &mut |_, schema| convert_schema(schema, fixups));
}

fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t == "null"),
        _ => false,
    };
    let null_enum = map
        .get("enum")
        .is_some_and(|e| e.as_array().is_some_and(|v| v.iter().all(Value::is_null)));
    let null_const = map.get("const").is_some_and(Value::is_null);
    null_type || (!map.contains_key("type") && (null_enum || null_const))
}

fn convert_schema(schema: &mut Map<String, Value>, fixups: &mut Fixups) {
    // `anyOf: [X, {type: null}]` is 3.1's spelling of a nullable X.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = schema.get_mut(key) {
            let before = members.len();
            members.retain(|m| !is_null_schema(m));
            if members.len() != before {
                fixups.count("convert_31_null_members");
                let empty = members.is_empty();
                if empty {
                    schema.remove(key);
                }
                schema.insert("nullable".into(), Value::Bool(true));
            }
        }
    }

    // `type: [X, "null"]` is 3.1's spelling of `type: X, nullable: true`.
    match schema.get("type").cloned() {
        Some(Value::Array(types)) => {
            fixups.count("convert_31_type_arrays");
            let has_null = types.iter().any(|t| t == "null");
            let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            if has_null {
                schema.insert("nullable".into(), Value::Bool(true));
            }
            match rest.len() {
                0 => {
                    schema.remove("type");
                }
                1 => {
                    schema.insert("type".into(), rest[0].clone());
                }
                _ => {
                    schema.remove("type");
                    let members: Vec<Value> =
                        rest.into_iter().map(|t| json!({ "type": t })).collect();
                    schema.insert("anyOf".into(), Value::Array(members));
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            fixups.count("convert_31_type_arrays");
            schema.remove("type");
            schema.insert("nullable".into(), Value::Bool(true));
        }
        _ => {}
    }

    // `const: v` becomes a one-value enum.
    if let Some(value) = schema.remove("const") {
        fixups.count("convert_31_const");
        if value.is_null() {
            schema.insert("nullable".into(), Value::Bool(true));
        } else if !schema.contains_key("enum") {
            schema.insert("enum".into(), Value::Array(vec![value]));
        }
    }

    // Numeric `exclusiveMinimum: n` becomes `minimum: n, exclusiveMinimum: true`.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(value) = schema.get(exclusive).filter(|v| v.is_number()).cloned() {
            fixups.count("convert_31_exclusive_bounds");
            schema.insert(bound.into(), value);
            schema.insert(exclusive.into(), Value::Bool(true));
        }
    }

    // `examples: [..]` becomes `example`.
    if let Some(examples) = schema.remove("examples") {
        fixups.count("convert_31_examples");
        if let Some(first) = examples.as_array().and_then(|e| e.first()) {
            schema.entry("example").or_insert_with(|| first.clone());
        }
    }

    // In 3.1 the keywords beside a `$ref` apply; in 3.0 they are ignored. Wrapping the
    // reference in `allOf` keeps them (a `nullable`, a `description`, a `default`).
    if schema.contains_key("$ref") && schema.len() > 1 {
        fixups.count("convert_31_ref_siblings");
        if let Some(reference) = schema.remove("$ref") {
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
}
