//! The diff of two schemas' shapes: fields, requiredness, nullability, types, enum values and
//! union members, each change classified by which way its data travels. Also the diff of the
//! component schemas, which is where a schema's own changes are listed, once.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::{Change, ChangeKind, Direction, Place, Subject};
use super::shape::{self, Document, Property, Shape, ShapeKind};
use super::usage::Usage;

/// Where a comparison is: the subject its changes belong to, the place inside it, and which
/// way the data travels there.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub subject: Subject,
    pub place: Place,
    pub direction: Direction,
}

impl Context {
    fn child(&self, segment: &str, direction: Direction) -> Context {
        Context {
            subject: self.subject.clone(),
            place: self.place.child(segment),
            direction,
        }
    }
}

/// Compares shapes within one subject, collecting changes.
pub(crate) struct Differ<'d, 'a> {
    old: &'d Document<'a>,
    new: &'d Document<'a>,
    changes: &'d mut Vec<Change>,
    /// Pairs of differently named references already compared in this subject, with the
    /// direction: a renamed schema reached twice (or through itself) is reported once.
    compared: BTreeSet<(String, String, Direction)>,
    /// How many renamed references the comparison is inside: real schemas nest a few, and the
    /// bound keeps a hostile chain of thousands from exhausting the stack.
    following: usize,
}

/// Deeper than this many renamed references, a comparison stops descending.
const MAX_FOLLOWED_REFERENCES: usize = 16;

impl<'d, 'a> Differ<'d, 'a> {
    /// A differ for one subject.
    pub(crate) fn new(
        old: &'d Document<'a>,
        new: &'d Document<'a>,
        changes: &'d mut Vec<Change>,
    ) -> Self {
        Differ {
            old,
            new,
            changes,
            compared: BTreeSet::new(),
            following: 0,
        }
    }

    /// Records a change.
    pub(crate) fn emit(&mut self, context: &Context, kind: ChangeKind, pointer: &str) {
        self.changes.push(Change::new(
            context.subject.clone(),
            context.place.clone(),
            kind,
            context.direction,
            pointer.to_owned(),
        ));
    }

    /// Compares two schemas given as JSON.
    pub(crate) fn values(
        &mut self,
        old: &Value,
        old_pointer: &str,
        new: &Value,
        new_pointer: &str,
        context: &Context,
    ) {
        let old = shape::shape(self.old, old, old_pointer);
        let new = shape::shape(self.new, new, new_pointer);
        self.shapes(&old, &new, context);
    }

    /// Compares two shapes.
    pub(crate) fn shapes(&mut self, old: &Shape, new: &Shape, context: &Context) {
        let old_ref = match &old.kind {
            ShapeKind::Ref(name) => Some(name),
            _ => None,
        };
        let new_ref = match &new.kind {
            ShapeKind::Ref(name) => Some(name),
            _ => None,
        };
        match (old_ref, new_ref) {
            // The same schema: its own changes are listed once, under the schema.
            (Some(a), Some(b)) if a == b => {
                self.nullability(old, new, context);
                return;
            }
            // A schema replaced by another, or by an inline one: what counts on the wire is
            // the shape behind the names.
            (Some(_), _) | (_, Some(_)) => {
                let key = (
                    old_ref.cloned().unwrap_or_default(),
                    new_ref.cloned().unwrap_or_default(),
                    context.direction,
                );
                if self.following >= MAX_FOLLOWED_REFERENCES || !self.compared.insert(key) {
                    return;
                }
                match (
                    shape::resolve(self.old, old, 0),
                    shape::resolve(self.new, new, 0),
                ) {
                    (Some(old), Some(new)) => {
                        self.following += 1;
                        self.shapes(&old, &new, context);
                        self.following -= 1;
                    }
                    _ => self.type_changed(old, new, context),
                }
                return;
            }
            (None, None) => {}
        }
        self.nullability(old, new, context);
        match (&old.kind, &new.kind) {
            (ShapeKind::Any, ShapeKind::Any) => {}
            (ShapeKind::Scalar(a), ShapeKind::Scalar(b)) if a == b => {}
            (ShapeKind::Enum(a), ShapeKind::Enum(b)) => {
                for value in a.difference(b) {
                    self.emit(
                        context,
                        ChangeKind::EnumValueRemoved {
                            value: value.clone(),
                        },
                        &new.pointer,
                    );
                }
                for value in b.difference(a) {
                    self.emit(
                        context,
                        ChangeKind::EnumValueAdded {
                            value: value.clone(),
                        },
                        &new.pointer,
                    );
                }
            }
            (ShapeKind::Array(a), ShapeKind::Array(b)) => {
                self.shapes(a, b, &context.child("[]", context.direction))
            }
            (
                ShapeKind::Object {
                    properties: a,
                    additional: a_extra,
                },
                ShapeKind::Object {
                    properties: b,
                    additional: b_extra,
                },
            ) => {
                self.properties(a, b, context);
                match (a_extra, b_extra) {
                    (Some(a), Some(b)) => {
                        self.shapes(a, b, &context.child("{}", context.direction))
                    }
                    // Only a map turning into an object, or back, changes the type; extra
                    // properties allowed beside declared ones change nothing a client sees.
                    (Some(_), None) | (None, Some(_)) if a.is_empty() && b.is_empty() => {
                        self.type_changed(old, new, context)
                    }
                    _ => {}
                }
            }
            (ShapeKind::Union(a), ShapeKind::Union(b))
            | (ShapeKind::AllOf(a), ShapeKind::AllOf(b)) => self.members(a, b, context),
            _ => self.type_changed(old, new, context),
        }
    }

    fn type_changed(&mut self, old: &Shape, new: &Shape, context: &Context) {
        let (from, to) = (old.describe_type(), new.describe_type());
        if from != to {
            self.emit(context, ChangeKind::TypeChanged { from, to }, &new.pointer);
        }
    }

    fn nullability(&mut self, old: &Shape, new: &Shape, context: &Context) {
        match (old.nullable, new.nullable) {
            (false, true) => self.emit(context, ChangeKind::MadeNullable, &new.pointer),
            (true, false) => self.emit(context, ChangeKind::MadeNonNullable, &new.pointer),
            _ => {}
        }
    }

    fn properties(
        &mut self,
        old: &BTreeMap<String, Property>,
        new: &BTreeMap<String, Property>,
        context: &Context,
    ) {
        let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for name in names {
            match (old.get(name), new.get(name)) {
                (None, Some(added)) => {
                    let field = context.child(
                        name,
                        context
                            .direction
                            .of_property(added.read_only, added.write_only),
                    );
                    self.emit(
                        &field,
                        ChangeKind::FieldAdded {
                            required: added.required,
                        },
                        &added.shape.pointer,
                    );
                }
                (Some(removed), None) => {
                    let field = context.child(
                        name,
                        context
                            .direction
                            .of_property(removed.read_only, removed.write_only),
                    );
                    self.emit(&field, ChangeKind::FieldRemoved, &removed.shape.pointer);
                }
                (Some(before), Some(after)) => {
                    let direction = context
                        .direction
                        .of_property(before.read_only, before.write_only)
                        .join(
                            context
                                .direction
                                .of_property(after.read_only, after.write_only),
                        );
                    let field = context.child(name, direction);
                    match (before.required, after.required) {
                        (false, true) => {
                            self.emit(&field, ChangeKind::FieldMadeRequired, &after.shape.pointer)
                        }
                        (true, false) => {
                            self.emit(&field, ChangeKind::FieldMadeOptional, &after.shape.pointer)
                        }
                        _ => {}
                    }
                    self.shapes(&before.shape, &after.shape, &field);
                }
                (None, None) => {}
            }
        }
    }

    /// Union members are matched by what they are (a schema name or a type); members matched
    /// are compared, and a single unmatched inline member on each side is one member changed.
    fn members(&mut self, old: &[Shape], new: &[Shape], context: &Context) {
        let (old_groups, new_groups) = (group_members(old), group_members(new));
        let keys: BTreeSet<&String> = old_groups.keys().chain(new_groups.keys()).collect();
        let mut unmatched_old = Vec::new();
        let mut unmatched_new = Vec::new();
        for key in keys {
            let before = old_groups.get(key).map(Vec::as_slice).unwrap_or_default();
            let after = new_groups.get(key).map(Vec::as_slice).unwrap_or_default();
            for (a, b) in before.iter().zip(after) {
                self.shapes(a, b, &context.child(&format!("<{key}>"), context.direction));
            }
            unmatched_old.extend(before.iter().skip(after.len()).map(|s| (key.clone(), *s)));
            unmatched_new.extend(after.iter().skip(before.len()).map(|s| (key.clone(), *s)));
        }
        // Named members are variants in their own right; an inline member that changed type
        // is the same variant changed.
        let inline = |shape: &Shape| !matches!(shape.kind, ShapeKind::Ref(_));
        if let ([(_, a)], [(_, b)]) = (unmatched_old.as_slice(), unmatched_new.as_slice())
            && inline(a)
            && inline(b)
        {
            self.shapes(a, b, context);
            return;
        }
        for (variant, shape) in unmatched_old {
            self.emit(
                context,
                ChangeKind::VariantRemoved { variant },
                &shape.pointer,
            );
        }
        for (variant, shape) in unmatched_new {
            self.emit(
                context,
                ChangeKind::VariantAdded { variant },
                &shape.pointer,
            );
        }
    }
}

fn group_members(members: &[Shape]) -> BTreeMap<String, Vec<&Shape>> {
    let mut by_key: BTreeMap<String, Vec<&Shape>> = BTreeMap::new();
    for member in members {
        by_key.entry(member.describe()).or_default().push(member);
    }
    by_key
}

/// Compares the component schemas: added, removed, and the changes inside each one in both,
/// classified by how operations use the schema.
pub(crate) fn diff_components(
    old: &Document<'_>,
    new: &Document<'_>,
    usage: &Usage,
    changes: &mut Vec<Change>,
) {
    let old_names = old.schema_names();
    let new_names = new.schema_names();
    for name in old_names.union(&new_names) {
        let pointer = shape::schema_pointer(name);
        let direction = usage.direction(name);
        let context = Context {
            subject: Subject::Schema {
                name: (*name).to_owned(),
                usage: direction,
            },
            place: Place::Itself,
            direction,
        };
        let mut differ = Differ::new(old, new, changes);
        match (old.schema(name), new.schema(name)) {
            (None, Some(_)) => differ.emit(&context, ChangeKind::SchemaAdded, &pointer),
            (Some(_), None) => differ.emit(&context, ChangeKind::SchemaRemoved, &pointer),
            (Some(before), Some(after)) => {
                differ.values(before, &pointer, after, &pointer, &context)
            }
            (None, None) => {}
        }
    }
}
