//! Which way each component schema travels: sent in requests, received in responses, both, or
//! used by no operation. A change inside a schema is breaking or not depending on that.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::Direction;
use super::operations::Operation;
use super::shape::{Document, ref_name};

/// The direction of every component schema an operation reaches.
pub(crate) struct Usage {
    by_schema: BTreeMap<String, Direction>,
}

impl Usage {
    /// The usage in one document: from each operation's parameters and request body (sent) and
    /// successful response (received), through every reference. `readOnly` properties are not
    /// sent and `writeOnly` ones not received, so what they reference is not reached that way.
    pub(crate) fn of(doc: &Document<'_>, operations: &BTreeMap<String, Operation<'_>>) -> Usage {
        let mut sent = BTreeSet::new();
        let mut received = BTreeSet::new();
        for op in operations.values() {
            let mut roots = Vec::new();
            for parameter in op.parameters.values() {
                roots.extend(parameter.schema);
            }
            roots.extend(op.body.as_ref().and_then(|b| b.schema));
            reach(doc, &roots, Direction::Request, &mut sent);
            let roots: Vec<&Value> = op
                .response
                .as_ref()
                .and_then(|b| b.schema)
                .into_iter()
                .collect();
            reach(doc, &roots, Direction::Response, &mut received);
        }
        let mut by_schema = BTreeMap::new();
        for name in doc.schema_names() {
            let direction = match (sent.contains(name), received.contains(name)) {
                (true, true) => Direction::Both,
                (true, false) => Direction::Request,
                (false, true) => Direction::Response,
                (false, false) => Direction::Unused,
            };
            by_schema.insert(name.to_owned(), direction);
        }
        Usage { by_schema }
    }

    /// A schema counts as used the ways either document uses it.
    pub(crate) fn union(mut self, other: &Usage) -> Usage {
        for (name, direction) in &other.by_schema {
            let joined = self.direction(name).join(*direction);
            self.by_schema.insert(name.clone(), joined);
        }
        self
    }

    /// How a schema is used.
    pub(crate) fn direction(&self, name: &str) -> Direction {
        self.by_schema
            .get(name)
            .copied()
            .unwrap_or(Direction::Unused)
    }
}

/// Every schema reachable from the roots in one direction, added to `seen`.
fn reach(doc: &Document<'_>, roots: &[&Value], direction: Direction, seen: &mut BTreeSet<String>) {
    let mut pending: Vec<String> = Vec::new();
    for root in roots {
        references(root, direction, &mut pending);
    }
    while let Some(name) = pending.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some(schema) = doc.schema(&name) {
            references(schema, direction, &mut pending);
        }
        seen.insert(name);
    }
}

/// The schemas a schema references, skipping properties that do not travel in `direction`.
fn references(value: &Value, direction: Direction, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(ref_name) {
                out.push(name);
            }
            for (key, item) in map {
                if key == "properties" {
                    for property in item.as_object().into_iter().flatten().map(|(_, p)| p) {
                        let flag = |key| property.get(key) == Some(&Value::Bool(true));
                        if direction.of_property(flag("readOnly"), flag("writeOnly"))
                            != Direction::Unused
                        {
                            references(property, direction, out);
                        }
                    }
                } else {
                    references(item, direction, out);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| references(item, direction, out)),
        _ => {}
    }
}
