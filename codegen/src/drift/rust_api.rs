//! The effect of a schema change on the generated Rust API: which `Client` methods and which
//! types are added, removed or changed, read from what the generator makes of each schema
//! (its type space and operations) without emitting or formatting code.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use serde::Serialize;

use crate::ops::{BodyDef, OpDef, ResponseKind};
use crate::report::Fixups;
use crate::typegen::{Kind, Ty, TypeDef};

/// A method or a type by its parts, each rendered as Rust: `field name` → `Option<String>`,
/// `setter limit` → `i64`, `send` → `PaginatedInsightList`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ItemSignature {
    about: String,
    members: BTreeMap<String, String>,
}

/// The generated Rust API of one schema.
pub(crate) struct RustModel {
    methods: BTreeMap<String, ItemSignature>,
    types: BTreeMap<String, ItemSignature>,
    operations: usize,
}

impl RustModel {
    /// Runs the generator's type and operation phases on a parsed schema.
    pub(crate) fn build(api: &OpenAPI, fixups: Fixups) -> RustModel {
        let (space, ops, _) = crate::model(api, fixups);
        let defs = &space.defs;
        let methods = ops
            .iter()
            .map(|op| (op.method_name.clone(), method_signature(op, defs)))
            .collect();
        let types = defs
            .iter()
            .filter_map(|def| Some((def.name.clone(), type_signature(def, defs)?)))
            .collect();
        RustModel {
            methods,
            types,
            operations: ops.len(),
        }
    }

    /// How many operations the schema has (each one a method).
    pub(crate) fn operation_count(&self) -> usize {
        self.operations
    }
}

fn rust_type(ty: &Ty, defs: &[TypeDef]) -> String {
    match ty {
        Ty::Any => "serde_json::Value".into(),
        Ty::Unit => "()".into(),
        Ty::Bool => "bool".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::String => "String".into(),
        Ty::Object => "serde_json::Map<String, serde_json::Value>".into(),
        Ty::Vec(inner) => format!("Vec<{}>", rust_type(inner, defs)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", rust_type(inner, defs)),
        Ty::Option(inner) => format!("Option<{}>", rust_type(inner, defs)),
        Ty::Named(id) => defs
            .get(*id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "?".into()),
    }
}

fn method_signature(op: &OpDef, defs: &[TypeDef]) -> ItemSignature {
    let mut members = BTreeMap::new();
    members.insert(
        "endpoint".to_owned(),
        format!("{} {}", op.method.to_uppercase(), op.path),
    );
    members.insert("builder".to_owned(), op.builder.clone());
    for param in &op.params {
        // Required parameters without a client default are arguments of the method; the
        // others are setters of the builder.
        let role = if param.required && param.fallback.is_none() {
            "argument"
        } else {
            "setter"
        };
        members.insert(format!("{role} {}", param.name), rust_type(&param.ty, defs));
    }
    if let Some((body, required)) = &op.body {
        let ty = match body {
            BodyDef::Json(ty) => rust_type(ty, defs),
            BodyDef::Multipart => "reqwest::multipart::Form".into(),
        };
        members.insert(
            if *required {
                "argument body"
            } else {
                "setter body"
            }
            .to_owned(),
            ty,
        );
    }
    let returns = match &op.response {
        ResponseKind::Json(ty) => rust_type(ty, defs),
        ResponseKind::AnyJson => "serde_json::Value".into(),
        ResponseKind::Empty => "()".into(),
        ResponseKind::Csv => "bytes::Bytes".into(),
        ResponseKind::EventStream => "event stream".into(),
    };
    members.insert("send() returns".to_owned(), returns);
    if op.csv {
        members.insert("send_csv() returns".to_owned(), "bytes::Bytes".into());
    }
    if op.event_stream {
        members.insert("send_event_stream()".to_owned(), "event stream".into());
    }
    if let Some(item) = &op.list_item {
        members.insert("stream() item".to_owned(), rust_type(item, defs));
    }
    if op.deprecated {
        members.insert("#[deprecated]".to_owned(), "yes".into());
    }
    let endpoint = format!("`{} {}`", op.method.to_uppercase(), op.path);
    let about = if op.id == op.method_name {
        endpoint
    } else {
        format!("operation `{}`, {endpoint}", op.id)
    };
    ItemSignature { about, members }
}

fn type_signature(def: &TypeDef, defs: &[TypeDef]) -> Option<ItemSignature> {
    let mut members = BTreeMap::new();
    let about = match &def.kind {
        Kind::Pending => return None,
        Kind::Struct(fields) => {
            for field in fields {
                members.insert(format!("field {}", field.name), rust_type(&field.ty, defs));
            }
            "struct"
        }
        Kind::StringEnum { variants, .. } => {
            for variant in variants {
                members.insert(
                    format!("variant {}", variant.name),
                    serde_json::Value::String(variant.value.clone()).to_string(),
                );
            }
            "enum"
        }
        Kind::Tagged { tag, variants } => {
            for (value, name, ty) in variants {
                members.insert(
                    format!("variant {name}"),
                    format!("{tag} = {value:?}: {}", rust_type(ty, defs)),
                );
            }
            "enum chosen by a tag"
        }
        Kind::Untagged(variants) => {
            for (name, ty) in variants {
                members.insert(format!("variant {name}"), rust_type(ty, defs));
            }
            "untagged enum"
        }
        Kind::Alias(ty) => {
            members.insert("alias of".to_owned(), rust_type(ty, defs));
            "type alias"
        }
    };
    members.insert("kind".to_owned(), about.to_owned());
    Some(ItemSignature {
        about: about.to_owned(),
        members,
    })
}

/// A method or type that was added or removed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RustItem {
    /// The method or type name.
    pub name: String,
    /// For a method, its operationId and endpoint; for a type, its kind (`struct`, `enum`).
    pub about: String,
}

/// One part of a method or type that changed: added (`from` is `None`), removed (`to` is
/// `None`) or retyped.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MemberChange {
    /// `field name`, `variant Day`, `argument id`, `setter limit`, `send() returns`, ...
    pub member: String,
    /// The Rust type or value before.
    pub from: Option<String>,
    /// The Rust type or value after.
    pub to: Option<String>,
}

/// A method or type in both, with its parts that changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RustItemChange {
    /// The method or type name.
    pub name: String,
    /// As in [`RustItem::about`], for the newer schema.
    pub about: String,
    /// What changed, by member name.
    pub members: Vec<MemberChange>,
}

/// The effect on the generated Rust API. Each list is sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RustApiDiff {
    /// New `Client` methods.
    pub methods_added: Vec<RustItem>,
    /// `Client` methods that are gone.
    pub methods_removed: Vec<RustItem>,
    /// Methods whose arguments, setters, body, return type, endpoint or deprecation changed.
    pub methods_changed: Vec<RustItemChange>,
    /// New types.
    pub types_added: Vec<RustItem>,
    /// Types that are gone.
    pub types_removed: Vec<RustItem>,
    /// Types whose fields, variants or kind changed.
    pub types_changed: Vec<RustItemChange>,
}

impl RustApiDiff {
    /// Whether the generated API is the same.
    pub fn is_empty(&self) -> bool {
        self.methods_added.is_empty()
            && self.methods_removed.is_empty()
            && self.methods_changed.is_empty()
            && self.types_added.is_empty()
            && self.types_removed.is_empty()
            && self.types_changed.is_empty()
    }
}

type ItemDiff = (Vec<RustItem>, Vec<RustItem>, Vec<RustItemChange>);

fn diff_items(
    old: &BTreeMap<String, ItemSignature>,
    new: &BTreeMap<String, ItemSignature>,
) -> ItemDiff {
    let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        match (old.get(name), new.get(name)) {
            (None, Some(item)) => added.push(RustItem {
                name: name.clone(),
                about: item.about.clone(),
            }),
            (Some(item), None) => removed.push(RustItem {
                name: name.clone(),
                about: item.about.clone(),
            }),
            (Some(before), Some(after)) if before != after => {
                let members: BTreeSet<&String> =
                    before.members.keys().chain(after.members.keys()).collect();
                let members = members
                    .into_iter()
                    .filter_map(|member| {
                        let (from, to) = (before.members.get(member), after.members.get(member));
                        (from != to).then(|| MemberChange {
                            member: member.clone(),
                            from: from.cloned(),
                            to: to.cloned(),
                        })
                    })
                    .collect::<Vec<_>>();
                if !members.is_empty() {
                    changed.push(RustItemChange {
                        name: name.clone(),
                        about: after.about.clone(),
                        members,
                    });
                }
            }
            _ => {}
        }
    }
    (added, removed, changed)
}

/// Compares the generated Rust API of two schemas.
pub(crate) fn diff(old: &RustModel, new: &RustModel) -> RustApiDiff {
    let (methods_added, methods_removed, methods_changed) = diff_items(&old.methods, &new.methods);
    let (types_added, types_removed, types_changed) = diff_items(&old.types, &new.types);
    RustApiDiff {
        methods_added,
        methods_removed,
        methods_changed,
        types_added,
        types_removed,
        types_changed,
    }
}
