//! Named fixups: each repairs one way in which PostHog's schemas (drf-spectacular output) trip
//! a Rust generator. One function each, counted in the report; a fixup that PostHog schemas are
//! expected to need but that matches nothing is reported, so that stale fixups get noticed.
//!
//! The fixups here rewrite the JSON document before it is parsed. Fixups that need the parsed
//! model (type names, enum variants, responses) live in the phase that has it and are listed in
//! [`ALL`] with the others.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use crate::naming;
use crate::report::Fixups;
use crate::walk;

/// A fixup the generator knows.
#[derive(Clone, Copy, Debug)]
pub struct Fixup {
    /// Its name, as counted in the report.
    pub name: &'static str,
    /// What it does and why.
    pub about: &'static str,
    /// Whether every real PostHog schema is expected to need it (so a zero count is news).
    pub expected: bool,
}

/// Every fixup, in the order the pipeline runs them.
pub const ALL: &[Fixup] = &[
    Fixup {
        name: "convert_31_null_members",
        about: "3.1: `anyOf`/`oneOf` members `{type: null}` become `nullable` (load)",
        expected: false,
    },
    Fixup {
        name: "convert_31_type_arrays",
        about: "3.1: `type: [X, \"null\"]` becomes `type: X, nullable: true` (load)",
        expected: false,
    },
    Fixup {
        name: "convert_31_const",
        about: "3.1: `const` becomes a one-value `enum` (load)",
        expected: false,
    },
    Fixup {
        name: "convert_31_exclusive_bounds",
        about: "3.1: numeric `exclusiveMinimum`/`exclusiveMaximum` become 3.0's boolean form (load)",
        expected: false,
    },
    Fixup {
        name: "convert_31_examples",
        about: "3.1: `examples` becomes `example` (load)",
        expected: false,
    },
    Fixup {
        name: "convert_31_ref_siblings",
        about: "3.1: keywords beside a `$ref` are kept by wrapping the reference in `allOf` (load)",
        expected: false,
    },
    Fixup {
        name: "fix_multi_content_request_bodies",
        about: "request bodies offered as JSON, form and multipart keep JSON only",
        expected: true,
    },
    Fixup {
        name: "fix_form_only_request_bodies",
        about: "request bodies with no JSON keep multipart (file uploads), dropping form-urlencoded",
        expected: false,
    },
    Fixup {
        name: "fix_defaults_outside_enum",
        about: "defaults that are not among their enum's values are dropped (drf writes `days` for enum `DAY`)",
        expected: false,
    },
    Fixup {
        name: "fix_blank_and_null_enum_members",
        about: "`BlankEnum`/`NullEnum` members of `oneOf`/`anyOf` become nullability (blank values land in the enum's `Unknown`)",
        expected: false,
    },
    Fixup {
        name: "fix_integer_bounds_outside_i64",
        about: "integer bounds outside the i64 range (`-9223372036854776000`) are dropped",
        expected: false,
    },
    Fixup {
        name: "fix_numbered_operation_ids",
        about: "drf's `_2` operationId suffixes become names derived from the path",
        expected: false,
    },
    Fixup {
        name: "fix_missing_operation_ids",
        about: "operations without an operationId get one from their method and path",
        expected: false,
    },
    Fixup {
        name: "fix_duplicate_operation_ids",
        about: "operationIds used twice are made unique",
        expected: false,
    },
    Fixup {
        name: "fix_parameter_refs",
        about: "`$ref`'d parameters (`ProjectIdPath`...) are resolved (generate)",
        expected: false,
    },
    Fixup {
        name: "fix_missing_success_schema",
        about: "operations whose 2xx response declares no body schema return untyped JSON (generate)",
        expected: true,
    },
    Fixup {
        name: "fix_csv_responses",
        about: "`text/csv` responses get a bytes method instead of a JSON parse (generate)",
        expected: false,
    },
    Fixup {
        name: "fix_event_stream_responses",
        about: "`text/event-stream` responses get a stream of server-sent events (generate)",
        expected: false,
    },
    Fixup {
        name: "fix_colliding_type_names",
        about: "schema names that map to the same Rust name (`_DateRange`, `DateRange`) are made unique (generate)",
        expected: false,
    },
    Fixup {
        name: "fix_colliding_enum_variants",
        about: "enum values that map to the same Rust variant (`Etc/GMT+1`, `Etc/GMT-1`) are made unique (generate)",
        expected: false,
    },
    Fixup {
        name: "fix_recursive_types",
        about: "recursive types get a `Box` where they contain themselves (generate)",
        expected: false,
    },
    Fixup {
        name: "fix_read_only_fields_optional",
        about: "required `readOnly` fields are optional, so request bodies need not invent them (generate)",
        expected: true,
    },
];

/// Runs every document-level fixup.
pub fn apply(document: &mut Value, fixups: &mut Fixups) {
    fix_multi_content_request_bodies(document, fixups);
    fix_defaults_outside_enum(document, fixups);
    fix_blank_and_null_enum_members(document, fixups);
    fix_integer_bounds_outside_i64(document, fixups);
    fix_operation_ids(document, fixups);
}

fn operations_mut(document: &mut Value) -> Vec<(String, String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if crate::METHODS.contains(&method.as_str())
                    && let Some(op) = op.as_object_mut()
                {
                    out.push((path.clone(), method.clone(), op));
                }
            }
        }
    }
    out
}

/// drf-spectacular offers every request body as JSON, form-urlencoded and multipart, with the
/// same schema. A typed client sends JSON, so JSON is kept. A body with no JSON (file uploads)
/// keeps multipart, the one encoding that carries files.
fn fix_multi_content_request_bodies(document: &mut Value, fixups: &mut Fixups) {
    for body in document
        .pointer_mut("/components/requestBodies")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|b| b.values_mut())
    {
        keep_one_body_content(body, fixups);
    }
    for (_, _, op) in operations_mut(document) {
        if let Some(body) = op.get_mut("requestBody") {
            keep_one_body_content(body, fixups);
        }
    }
}

fn keep_one_body_content(body: &mut Value, fixups: &mut Fixups) {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    if content.len() <= 1 {
        return;
    }
    let json_key = content.keys().find(|k| is_json_media(k)).cloned();
    let keep = match json_key {
        Some(key) => {
            fixups.count("fix_multi_content_request_bodies");
            key
        }
        None => match content
            .keys()
            .find(|k| k.starts_with("multipart/"))
            .cloned()
        {
            Some(key) => {
                fixups.count("fix_form_only_request_bodies");
                key
            }
            None => return,
        },
    };
    content.retain(|k, _| *k == keep);
}

/// Whether a media type is JSON (`application/json`, `application/merge-patch+json`...).
pub fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// drf writes Django field defaults beside enums built from choices, and the two disagree
/// (`default: days` for `enum: [DAY, HOUR, ...]`). A default outside the enum cannot be
/// represented, so it is dropped. Defaults of `allOf: [{$ref: SomeEnum}]` wrappers are checked
/// against the referenced enum.
fn fix_defaults_outside_enum(document: &mut Value, fixups: &mut Fixups) {
    let enums: BTreeMap<String, Vec<Value>> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .filter_map(|(name, s)| {
                    Some((
                        format!("#/components/schemas/{name}"),
                        s.get("enum")?.as_array()?.clone(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    walk::schemas_mut(document, &mut |_, schema| {
        let Some(default) = schema.get("default") else {
            return;
        };
        let values = match schema.get("enum").and_then(Value::as_array) {
            Some(values) => Some(values.clone()),
            None => single_ref(schema).and_then(|r| enums.get(r).cloned()),
        };
        let Some(values) = values else { return };
        let nullable_default = default.is_null();
        if !values.contains(default) && !nullable_default {
            schema.remove("default");
            fixups.count("fix_defaults_outside_enum");
        }
    });
}

fn single_ref(schema: &Map<String, Value>) -> Option<&str> {
    let members = schema
        .get("allOf")
        .or_else(|| schema.get("anyOf"))
        .or_else(|| schema.get("oneOf"))?
        .as_array()?;
    match members.as_slice() {
        [only] => only.get("$ref")?.as_str(),
        _ => None,
    }
}

/// drf-spectacular models a nullable, blankable choice field as
/// `oneOf: [{$ref: XEnum}, {$ref: BlankEnum}, {$ref: NullEnum}]`. `NullEnum` (`enum: [null]`)
/// is nullability; `BlankEnum` (`enum: [""]`) is the empty string, which the generated enum
/// accepts through its `Unknown` variant. Both members are removed.
fn fix_blank_and_null_enum_members(document: &mut Value, fixups: &mut Fixups) {
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut null_refs = BTreeSet::new();
    let mut blank_refs = BTreeSet::new();
    for (name, schema) in schemas.into_iter().flatten() {
        let reference = format!("#/components/schemas/{name}");
        // In 3.1 PostHog writes `NullEnum` as `{type: "null"}`, which loading turns into a
        // bare `{nullable: true}`: a schema whose only value is null, like `enum: [null]`.
        if is_null_only(schema) {
            null_refs.insert(reference);
            continue;
        }
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        if !values.is_empty() && values.iter().all(Value::is_null) {
            null_refs.insert(reference);
        } else if !values.is_empty() && values.iter().all(|v| v == "") {
            blank_refs.insert(reference);
        }
    }
    walk::schemas_mut(document, &mut |_, schema| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = schema.get_mut(key) else {
                continue;
            };
            if members.len() < 2 {
                continue;
            }
            let mut nullable = false;
            let before = members.len();
            members.retain(|m| {
                let Some(reference) = m.get("$ref").and_then(Value::as_str) else {
                    return true;
                };
                if null_refs.contains(reference) {
                    nullable = true;
                    false
                } else {
                    !blank_refs.contains(reference)
                }
            });
            if members.len() != before {
                fixups.add(
                    "fix_blank_and_null_enum_members",
                    (before - members.len()) as u64,
                );
                if nullable {
                    schema.insert("nullable".into(), Value::Bool(true));
                }
            }
        }
    });
}

/// Whether a schema allows only null: `{nullable: true}` with nothing that admits another value.
fn is_null_only(schema: &Value) -> bool {
    const ADMITS_VALUES: [&str; 9] = [
        "type",
        "enum",
        "properties",
        "items",
        "additionalProperties",
        "anyOf",
        "oneOf",
        "allOf",
        "$ref",
    ];
    let Some(map) = schema.as_object() else {
        return false;
    };
    map.get("nullable").and_then(Value::as_bool) == Some(true)
        && !ADMITS_VALUES.iter().any(|k| map.contains_key(*k))
}

/// Django's `BigIntegerField` bounds are written as floats (`-9223372036854776000`), one past
/// the i64 range, which `openapiv3` cannot read into its `i64` bounds. Bounds that are not
/// exact i64 values are dropped; an integral float within range becomes an integer.
fn fix_integer_bounds_outside_i64(document: &mut Value, fixups: &mut Fixups) {
    walk::schemas_mut(document, &mut |_, schema| {
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for key in ["minimum", "maximum"] {
            let Some(bound) = schema.get(key) else {
                continue;
            };
            if bound.is_i64() {
                continue;
            }
            let exact = bound
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f > -9.2e18 && *f < 9.2e18)
                .map(|f| f as i64);
            match exact {
                Some(value) => {
                    schema.insert(key.into(), Value::from(value));
                }
                None => {
                    schema.remove(key);
                }
            }
            fixups.count("fix_integer_bounds_outside_i64");
        }
    });
}

const CRUD_VERBS: [&str; 6] = [
    "partial_update",
    "retrieve",
    "destroy",
    "update",
    "create",
    "list",
];

/// drf-spectacular numbers operationIds that would collide (`insights_activity_retrieve_2`,
/// `list_2`). Those names say nothing, and they shift when PostHog adds a route. Each becomes
/// a name derived from its path (`organizations_projects_list`), or the base name with the
/// last path parameter (`insights_activity_retrieve_by_id`). Missing ids are derived from the
/// path too, and any id still used twice gets a numeric suffix.
fn fix_operation_ids(document: &mut Value, fixups: &mut Fixups) {
    let mut ops = operations_mut(document);
    let mut taken: BTreeSet<String> = ops
        .iter()
        .filter_map(|(_, _, op)| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    let mut seen = BTreeSet::new();
    for (path, method, op) in ops.iter_mut() {
        let current = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let new_id = match current {
            None => {
                fixups.count("fix_missing_operation_ids");
                Some(naming::unique_snake(
                    &mut taken,
                    &format!("{}_{}", path_words(path), method),
                ))
            }
            Some(id) => match numbered_base(&id) {
                Some(base) => {
                    fixups.count("fix_numbered_operation_ids");
                    let verb = CRUD_VERBS
                        .iter()
                        .find(|v| base == **v || base.ends_with(&format!("_{v}")))
                        .copied();
                    let from_path =
                        format!("{}_{}", path_words(path), verb.unwrap_or(method.as_str()));
                    let by_param =
                        last_path_param(path).map(|p| format!("{base}_by_{}", p.to_snake_case()));
                    // A bare verb (`list_2`) says nothing, so the path names it; otherwise the
                    // base name stays and the parameter tells the two apart.
                    let bare = verb.is_some_and(|v| base == v);
                    let ordered = if bare {
                        [Some(from_path), by_param]
                    } else {
                        [by_param, Some(from_path)]
                    };
                    let candidate = ordered
                        .into_iter()
                        .flatten()
                        .find(|c| !taken.contains(c))
                        .unwrap_or_else(|| naming::unique_snake(&mut taken.clone(), &base));
                    taken.insert(candidate.clone());
                    Some(candidate)
                }
                None if !seen.insert(id.clone()) => {
                    // The second use of an id is named after its path and method.
                    fixups.count("fix_duplicate_operation_ids");
                    Some(naming::unique_snake(
                        &mut taken,
                        &format!("{}_{}", path_words(path), method),
                    ))
                }
                None => None,
            },
        };
        if let Some(id) = new_id {
            seen.insert(id.clone());
            op.insert("operationId".into(), Value::String(id));
        }
    }
}

fn numbered_base(id: &str) -> Option<String> {
    let (base, n) = id.rsplit_once('_')?;
    (!base.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .then(|| base.to_owned())
}

fn path_words(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != "api" && !s.starts_with('{'))
        .map(|s| s.to_snake_case())
        .collect::<Vec<_>>()
        .join("_")
}

fn last_path_param(path: &str) -> Option<&str> {
    path.split('/')
        .rev()
        .find_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
}
