//! Visiting every schema object of a document, in place, with its JSON pointer: the one
//! traversal that the 3.1 conversion and the fixups share.

use serde_json::{Map, Value};

use crate::error::child;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Calls `f` on every schema object in the document, parents before children.
pub fn schemas_mut(document: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for (name, schema) in schemas.iter_mut() {
                visit(&child("#/components/schemas", name), schema, f);
            }
        }
        for (section, nested) in [
            ("parameters", false),
            ("headers", false),
            ("requestBodies", true),
            ("responses", true),
        ] {
            if let Some(items) = components.get_mut(section).and_then(Value::as_object_mut) {
                for (name, item) in items.iter_mut() {
                    let pointer = child(&format!("#/components/{section}"), name);
                    if nested {
                        content_and_headers(&pointer, item, f);
                    } else {
                        parameter(&pointer, item, f);
                    }
                }
            }
        }
    }
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let item_pointer = child("#/paths", path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, value) in item.iter_mut() {
                let pointer = child(&item_pointer, key);
                if key == "parameters" {
                    parameters(&pointer, value, f);
                } else if METHODS.contains(&key.as_str()) {
                    operation(&pointer, value, f);
                }
            }
        }
    }
}

fn operation(pointer: &str, op: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(op) = op.as_object_mut() else { return };
    if let Some(value) = op.get_mut("parameters") {
        parameters(&child(pointer, "parameters"), value, f);
    }
    if let Some(body) = op.get_mut("requestBody") {
        content_and_headers(&child(pointer, "requestBody"), body, f);
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (code, response) in responses.iter_mut() {
            content_and_headers(&child(&child(pointer, "responses"), code), response, f);
        }
    }
}

fn parameters(pointer: &str, list: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    if let Some(list) = list.as_array_mut() {
        for (i, param) in list.iter_mut().enumerate() {
            parameter(&child(pointer, &i.to_string()), param, f);
        }
    }
}

fn parameter(pointer: &str, param: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    if let Some(schema) = param.get_mut("schema") {
        visit(&child(pointer, "schema"), schema, f);
    }
}

fn content_and_headers(
    pointer: &str,
    holder: &mut Value,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    let Some(holder) = holder.as_object_mut() else {
        return;
    };
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media, media_type) in content.iter_mut() {
            if let Some(schema) = media_type.get_mut("schema") {
                visit(
                    &child(&child(&child(pointer, "content"), media), "schema"),
                    schema,
                    f,
                );
            }
        }
    }
    if let Some(headers) = holder.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            parameter(&child(&child(pointer, "headers"), name), header, f);
        }
    }
}

/// Visits one schema and everything nested in it.
pub fn visit(pointer: &str, schema: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    f(pointer, map);
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                if let Some(props) = value.as_object_mut() {
                    let base = child(pointer, key);
                    for (name, prop) in props.iter_mut() {
                        visit(&child(&base, name), prop, f);
                    }
                }
            }
            "additionalProperties" | "items" | "not" | "contains" | "propertyNames" => {
                match value {
                    Value::Array(list) => {
                        for (i, item) in list.iter_mut().enumerate() {
                            visit(&child(&child(pointer, key), &i.to_string()), item, f);
                        }
                    }
                    other => visit(&child(pointer, key), other, f),
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Some(list) = value.as_array_mut() {
                    for (i, item) in list.iter_mut().enumerate() {
                        visit(&child(&child(pointer, key), &i.to_string()), item, f);
                    }
                }
            }
            _ => {}
        }
    }
}
