//! Blunt rewrites of the normalized document, for the third run only: each removes something
//! progenitor 0.15.1 rejects or panics on in the 2026 schema, losing information that
//! `codegen` keeps. Each one is needed: without it, generation fails as its comment says.

use serde_json::Value;

/// Applies every rewrite; returns `(what, how many)` for each.
pub fn apply(doc: &mut Value) -> Vec<(&'static str, usize)> {
    vec![
        (
            "string enums whose variant names collide in typify made plain strings",
            colliding_enums(doc),
        ),
        ("request bodies without JSON removed", non_json_bodies(doc)),
        (
            "object query parameters made strings",
            object_query_params(doc),
        ),
        (
            "responses after an operation's first 2xx and first error response dropped",
            extra_responses(doc),
        ),
        (
            "query parameters named like a path parameter removed",
            shadowing_params(doc),
        ),
        (
            "schema `default`s removed",
            remove_keyword(doc, "default", false),
        ),
    ]
}

/// One rewrite: changes the document, returns how many places it changed.
pub type Rewrite = fn(&mut Value) -> usize;

/// The rewrites one by one, in the order `apply` runs them, for the hybrid run, which applies
/// only those generation needs.
pub const EACH: [(&str, Rewrite); 6] = [
    (
        "string enums whose variant names collide in typify made plain strings",
        colliding_enums,
    ),
    ("request bodies without JSON removed", non_json_bodies),
    ("object query parameters made strings", object_query_params),
    (
        "responses after an operation's first 2xx and first error response dropped",
        extra_responses,
    ),
    (
        "query parameters named like a path parameter removed",
        shadowing_params,
    ),
    ("schema `default`s removed", remove_defaults),
];

fn remove_defaults(doc: &mut Value) -> usize {
    remove_keyword(doc, "default", false)
}

/// Removes `keyword` from every object except maps of names (`properties`, `responses`, ...),
/// where a key of that name is a property or status, not the keyword. Used for `default`:
/// typify rejects the whole document when one default does not fit its schema (`value does not
/// conform to the given schema`, without saying where).
fn remove_keyword(v: &mut Value, keyword: &str, names: bool) -> usize {
    let mut n = 0;
    match v {
        Value::Object(map) => {
            if !names && map.remove(keyword).is_some() {
                n += 1;
            }
            for (key, child) in map.iter_mut() {
                let child_names = !names && NAME_MAPS.contains(&key.as_str());
                n += remove_keyword(child, keyword, child_names);
            }
        }
        Value::Array(items) => {
            for child in items {
                n += remove_keyword(child, keyword, false);
            }
        }
        _ => {}
    }
    n
}

/// Keys whose value maps names to objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "responses",
    "schemas",
    "parameters",
    "paths",
    "content",
    "headers",
    "examples",
    "securitySchemes",
    "requestBodies",
    "callbacks",
    "links",
    "encoding",
    "mapping",
];

/// `Etc/GMT+1` and `Etc/GMT-1` get the same variant name in typify, which then panics.
fn colliding_enums(v: &mut Value) -> usize {
    let mut n = 0;
    match v {
        Value::Object(map) => {
            let collide = map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| {
                    let mut keys: Vec<String> = values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|s| {
                            s.chars()
                                .map(|c| {
                                    if c.is_alphanumeric() {
                                        c.to_ascii_lowercase()
                                    } else {
                                        'x'
                                    }
                                })
                                .collect()
                        })
                        .collect();
                    let len = keys.len();
                    keys.sort();
                    keys.dedup();
                    keys.len() != len
                });
            if collide {
                map.remove("enum");
                n += 1;
            }
            for child in map.values_mut() {
                n += colliding_enums(child);
            }
        }
        Value::Array(items) => {
            for child in items {
                n += colliding_enums(child);
            }
        }
        _ => {}
    }
    n
}

/// Calls every `f(operation, path-level parameters)` of every path.
fn operations(doc: &mut Value, mut f: impl FnMut(&mut serde_json::Map<String, Value>, &[Value])) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in codegen::METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                f(op, &shared);
            }
        }
    }
}

/// Progenitor takes one request content type, and not `multipart/form-data`.
fn non_json_bodies(doc: &mut Value) -> usize {
    let mut n = 0;
    operations(doc, |op, _| {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        if content.contains_key("application/json") {
            content.retain(|k, _| k == "application/json");
        } else {
            op.remove("requestBody");
            n += 1;
        }
    });
    n
}

/// Progenitor keys an operation's parameters by name only, so a query `id` replaces the path
/// `id` and generation panics (`missing path name mapping id`).
fn shadowing_params(doc: &mut Value) -> usize {
    let components = doc
        .pointer("/components/parameters")
        .cloned()
        .unwrap_or(Value::Null);
    let resolve = |p: &Value| -> Option<(String, String)> {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => components.get(r.rsplit('/').next()?)?,
            None => p,
        };
        Some((
            p.get("name")?.as_str()?.to_owned(),
            p.get("in")?.as_str()?.to_owned(),
        ))
    };
    let mut n = 0;
    operations(doc, |op, shared| {
        let own = op
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let path_names: Vec<String> = shared
            .iter()
            .chain(&own)
            .filter_map(&resolve)
            .filter(|(_, location)| location == "path")
            .map(|(name, _)| name)
            .collect();
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            let before = params.len();
            params.retain(|p| {
                resolve(p).is_none_or(|(name, location)| {
                    location == "path" || !path_names.contains(&name)
                })
            });
            n += before - params.len();
        }
    });
    n
}

/// Progenitor's builder style hits `unreachable!()` on an optional query parameter of a struct
/// type (`dateRange`, a `$ref` to `_DateRange`).
fn object_query_params(doc: &mut Value) -> usize {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let is_object = |schema: &Value| {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r.rsplit('/').next().and_then(|name| schemas.get(name)),
            None => Some(schema),
        };
        schema.is_some_and(|s| {
            s.get("type").and_then(Value::as_str) == Some("object") || s.get("properties").is_some()
        })
    };
    let mut n = 0;
    let mut fix = |param: &mut Value| {
        if param.get("in").and_then(Value::as_str) == Some("query")
            && param.get("schema").is_some_and(&is_object)
        {
            param["schema"] = serde_json::json!({ "type": "string" });
            n += 1;
        }
    };
    if let Some(shared) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        shared.values_mut().for_each(&mut fix);
    }
    operations(doc, |op, _| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.iter_mut().for_each(&mut fix);
        }
    });
    n
}

/// Progenitor asserts that the success responses of an operation share one type, and so do its
/// error responses.
fn extra_responses(doc: &mut Value) -> usize {
    let mut n = 0;
    operations(doc, |op, _| {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            let (mut success, mut error) = (false, false);
            responses.retain(|status, _| {
                let seen = if status.starts_with('2') {
                    &mut success
                } else {
                    &mut error
                };
                let keep = !*seen;
                *seen = true;
                n += usize::from(!keep);
                keep
            });
        }
    });
    n
}
