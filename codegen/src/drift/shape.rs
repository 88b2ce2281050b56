//! The shape of a JSON schema as a client sees it on the wire: which type, which fields, which
//! are required or nullable, which enum values. Spellings that mean the same thing become the
//! same shape (`allOf: [X]` and `X`; `oneOf: [X, null]` and a nullable `X`), and keywords that
//! do not change what is sent or received (descriptions, bounds, formats) are left out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::child;

/// Deeper than this, a schema is taken as `any`: real schemas nest a dozen levels, and the
/// bound keeps a hostile schema (or a reference cycle through `allOf`) from recursing forever.
const MAX_DEPTH: usize = 64;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A normalized schema document, with lookups into its components.
pub(crate) struct Document<'a> {
    /// The whole document.
    pub root: &'a Value,
    schemas: Option<&'a Map<String, Value>>,
}

impl<'a> Document<'a> {
    pub(crate) fn new(root: &'a Value) -> Self {
        let schemas = root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object);
        Document { root, schemas }
    }

    /// A component schema by name.
    pub(crate) fn schema(&self, name: &str) -> Option<&'a Value> {
        self.schemas?.get(name)
    }

    /// Every component schema name, sorted.
    pub(crate) fn schema_names(&self) -> BTreeSet<&'a str> {
        self.schemas
            .map(|s| s.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Follows a local `$ref` (`#/components/parameters/ProjectIdPath`) through chains of
    /// references, giving up on cycles.
    pub(crate) fn follow(&self, value: &'a Value) -> Option<&'a Value> {
        let mut current = value;
        for _ in 0..MAX_DEPTH {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => current = self.root.pointer(reference.strip_prefix('#')?)?,
                None => return Some(current),
            }
        }
        None
    }
}

/// The component a `$ref` names, unescaped (`#/components/schemas/Insight` is `Insight`).
pub(crate) fn ref_name(reference: &str) -> Option<String> {
    let name = reference.strip_prefix(SCHEMA_PREFIX)?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

/// The JSON pointer of a component schema.
pub(crate) fn schema_pointer(name: &str) -> String {
    child("#/components/schemas", name)
}

/// A schema's shape.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    /// Whether `null` is a valid value.
    pub nullable: bool,
    /// What values are.
    pub kind: ShapeKind,
    /// Where the schema is.
    pub pointer: String,
    /// The component it was reached through, for descriptions (`Insight`, not `object`).
    pub named: Option<String>,
}

/// What a schema's values are.
#[derive(Clone, Debug)]
pub(crate) enum ShapeKind {
    /// Anything (no type given).
    Any,
    /// A component schema, by name.
    Ref(String),
    /// `string`, `integer`, `number`, `boolean`, `null`.
    Scalar(String),
    /// One of a set of values, each as JSON text.
    Enum(BTreeSet<String>),
    /// An array of items.
    Array(Box<Shape>),
    /// An object: named properties and, for maps, the type of other properties.
    Object {
        properties: BTreeMap<String, Property>,
        additional: Option<Box<Shape>>,
    },
    /// `oneOf`/`anyOf`: one of several shapes.
    Union(Vec<Shape>),
    /// `allOf` of members that are not all objects.
    AllOf(Vec<Shape>),
}

/// An object property.
#[derive(Clone, Debug)]
pub(crate) struct Property {
    pub shape: Shape,
    pub required: bool,
    pub read_only: bool,
    pub write_only: bool,
}

impl Shape {
    fn any(pointer: &str) -> Shape {
        Shape {
            nullable: false,
            kind: ShapeKind::Any,
            pointer: pointer.to_owned(),
            named: None,
        }
    }

    fn with_nullable(mut self, nullable: bool) -> Shape {
        self.nullable |= nullable;
        self
    }

    /// Whether only `null` is valid (`{type: null}`, `enum: [null]`): such a union member is
    /// another spelling of nullability.
    fn is_null_only(&self) -> bool {
        match &self.kind {
            ShapeKind::Scalar(t) => t == "null",
            ShapeKind::Enum(values) => values.is_empty() && self.nullable,
            _ => false,
        }
    }

    /// The type for people: `string`, `array of Insight`, `map of integer`, `oneOf(A | B)`.
    pub(crate) fn describe(&self) -> String {
        match &self.named {
            Some(name) => name.clone(),
            None => self.describe_kind(),
        }
    }

    /// The type for a type change: a named schema with what it is
    /// (`HogQLQueryModifiers (object)`), so that two names say how they differ.
    pub(crate) fn describe_type(&self) -> String {
        match &self.named {
            Some(name) => format!("{name} ({})", self.describe_kind()),
            None => self.describe_kind(),
        }
    }

    fn describe_kind(&self) -> String {
        match &self.kind {
            ShapeKind::Any => "any".into(),
            ShapeKind::Ref(name) => name.clone(),
            ShapeKind::Scalar(t) => t.clone(),
            ShapeKind::Enum(_) => "enum".into(),
            ShapeKind::Array(items) => format!("array of {}", items.describe()),
            ShapeKind::Object {
                properties,
                additional: Some(values),
            } if properties.is_empty() => format!("map of {}", values.describe()),
            ShapeKind::Object { .. } => "object".into(),
            ShapeKind::Union(members) => format!("oneOf({})", describe_members(members, " | ")),
            ShapeKind::AllOf(members) => format!("allOf({})", describe_members(members, " & ")),
        }
    }
}

fn describe_members(members: &[Shape], separator: &str) -> String {
    if members.len() > 4 {
        return format!("{} members", members.len());
    }
    members
        .iter()
        .map(Shape::describe)
        .collect::<Vec<_>>()
        .join(separator)
}

/// The shape of a schema, without following references (a `$ref` is [`ShapeKind::Ref`]).
pub(crate) fn shape(doc: &Document<'_>, value: &Value, pointer: &str) -> Shape {
    shape_at(doc, value, pointer, 0)
}

fn shape_at(doc: &Document<'_>, value: &Value, pointer: &str, depth: usize) -> Shape {
    let Some(map) = value.as_object() else {
        return Shape::any(pointer);
    };
    if depth > MAX_DEPTH {
        return Shape::any(pointer);
    }
    let nullable = map.get("nullable") == Some(&Value::Bool(true));
    let make = |kind| Shape {
        nullable,
        kind,
        pointer: pointer.to_owned(),
        named: None,
    };

    if let Some(reference) = map.get("$ref") {
        return match reference.as_str().and_then(ref_name) {
            Some(name) => make(ShapeKind::Ref(name)),
            None => Shape::any(pointer),
        };
    }
    if let Some(values) = map.get("enum").and_then(Value::as_array) {
        let null = values.iter().any(Value::is_null);
        let values = values
            .iter()
            .filter(|v| !v.is_null())
            .map(Value::to_string)
            .collect();
        return make(ShapeKind::Enum(values)).with_nullable(null);
    }
    for keyword in ["oneOf", "anyOf"] {
        let Some(members) = map.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let at = child(pointer, keyword);
        let members = members
            .iter()
            .enumerate()
            .map(|(i, m)| shape_at(doc, m, &child(&at, &i.to_string()), depth + 1));
        let members = members.filter(|m| !is_blank_reference(doc, m));
        let (nulls, mut rest): (Vec<Shape>, Vec<Shape>) =
            members.partition(|m| m.is_null_only() || is_null_reference(doc, m));
        let nullable = nullable || !nulls.is_empty();
        return match rest.len() {
            0 => Shape::any(pointer).with_nullable(nullable),
            1 => rest.remove(0).with_nullable(nullable),
            _ => make(ShapeKind::Union(rest)).with_nullable(nullable),
        };
    }
    if let Some(members) = map.get("allOf").and_then(Value::as_array) {
        let at = child(pointer, "allOf");
        let mut shapes: Vec<Shape> = members
            .iter()
            .enumerate()
            .map(|(i, m)| shape_at(doc, m, &child(&at, &i.to_string()), depth + 1))
            .collect();
        // Properties beside `allOf` are one more member.
        if map.contains_key("properties") {
            shapes.push(object_shape(doc, map, pointer, depth, false));
        }
        if shapes.len() == 1 {
            return shapes.remove(0).with_nullable(nullable);
        }
        // Object members merge into one object, as the generator merges them.
        return match merge_objects(doc, &shapes, depth) {
            Some(kind) => make(kind),
            None => make(ShapeKind::AllOf(shapes)),
        };
    }
    let ty = match map.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    };
    match ty {
        Some("array") => {
            let items = match map.get("items") {
                Some(items) => shape_at(doc, items, &child(pointer, "items"), depth + 1),
                None => Shape::any(&child(pointer, "items")),
            };
            make(ShapeKind::Array(Box::new(items)))
        }
        Some("object") => object_shape(doc, map, pointer, depth, nullable),
        None if map.contains_key("properties") || map.contains_key("additionalProperties") => {
            object_shape(doc, map, pointer, depth, nullable)
        }
        Some(t) => make(ShapeKind::Scalar(t.to_owned())),
        None => make(ShapeKind::Any),
    }
}

/// A reference to a schema that only allows `null` (drf's `NullEnum`: `enum: [null]` in 3.0,
/// `type: null` in 3.1, which the 3.1 conversion leaves as a bare `nullable: true`): as a
/// union member it is nullability, whichever way it is spelled.
fn is_null_reference(doc: &Document<'_>, member: &Shape) -> bool {
    let ShapeKind::Ref(name) = &member.kind else {
        return false;
    };
    let Some(schema) = doc.schema(name) else {
        return false;
    };
    let target = shape_at(doc, schema, "", MAX_DEPTH);
    target.is_null_only() || (matches!(target.kind, ShapeKind::Any) && target.nullable)
}

/// A reference to drf's `BlankEnum` (`enum: [""]`): the empty string a blankable choice field
/// accepts, which normalization also drops (the generated enums take it as `Unknown`).
fn is_blank_reference(doc: &Document<'_>, member: &Shape) -> bool {
    let ShapeKind::Ref(name) = &member.kind else {
        return false;
    };
    let Some(schema) = doc.schema(name) else {
        return false;
    };
    schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|v| !v.is_empty() && v.iter().all(|v| v == ""))
}

fn object_shape(
    doc: &Document<'_>,
    map: &Map<String, Value>,
    pointer: &str,
    depth: usize,
    nullable: bool,
) -> Shape {
    let required: BTreeSet<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let at = child(pointer, "properties");
    let properties: BTreeMap<String, Property> = map
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            let flag = |key| schema.get(key) == Some(&Value::Bool(true));
            let property = Property {
                shape: shape_at(doc, schema, &child(&at, name), depth + 1),
                required: required.contains(name.as_str()),
                read_only: flag("readOnly"),
                write_only: flag("writeOnly"),
            };
            (name.clone(), property)
        })
        .collect();
    let additional = match map.get("additionalProperties") {
        Some(schema @ Value::Object(_)) => Some(Box::new(shape_at(
            doc,
            schema,
            &child(pointer, "additionalProperties"),
            depth + 1,
        ))),
        Some(Value::Bool(true)) => Some(Box::new(Shape::any(&child(
            pointer,
            "additionalProperties",
        )))),
        // An object that declares no properties and does not forbid others is free-form,
        // the same as a map of anything (`type: object` and `additionalProperties: {}`).
        None if properties.is_empty() => Some(Box::new(Shape::any(pointer))),
        _ => None,
    };
    Shape {
        nullable,
        kind: ShapeKind::Object {
            properties,
            additional,
        },
        pointer: pointer.to_owned(),
        named: None,
    }
}

/// Merges `allOf` members that are objects, directly or through references. `None` when a
/// member is something else.
fn merge_objects(doc: &Document<'_>, members: &[Shape], depth: usize) -> Option<ShapeKind> {
    let mut properties: BTreeMap<String, Property> = BTreeMap::new();
    let mut additional = None;
    for member in members {
        let resolved = resolve(doc, member, depth + 1)?;
        let ShapeKind::Object {
            properties: more,
            additional: extra,
        } = resolved.kind
        else {
            return None;
        };
        for (name, property) in more {
            match properties.get_mut(&name) {
                // A member that repeats a property only to require it keeps the first's type.
                Some(existing) => existing.required |= property.required,
                None => {
                    properties.insert(name, property);
                }
            }
        }
        additional = additional.or(extra);
    }
    Some(ShapeKind::Object {
        properties,
        additional,
    })
}

/// The shape behind a reference (through chains of references); other shapes as they are.
/// `None` for a reference to nothing or a cycle.
pub(crate) fn resolve(doc: &Document<'_>, shape: &Shape, depth: usize) -> Option<Shape> {
    let mut current = shape.clone();
    let mut depth = depth;
    let mut named = shape.named.clone();
    while let ShapeKind::Ref(name) = &current.kind {
        if depth > MAX_DEPTH {
            return None;
        }
        let value = doc.schema(name)?;
        let nullable = current.nullable;
        named.get_or_insert_with(|| name.clone());
        current = shape_at(doc, value, &schema_pointer(name), depth + 1).with_nullable(nullable);
        depth += 1;
    }
    current.named = named;
    Some(current)
}
