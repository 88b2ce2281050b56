//! Types: every component schema, and every inline schema that needs a name, becomes a Rust
//! type definition. Nothing panics on odd input: what cannot be typed becomes
//! `serde_json::Value` and is reported with its pointer.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaKind, Type};

use crate::error::child;
use crate::naming;
use crate::report::{DegradedItem, Fixups};

/// Index of a [`TypeDef`] in [`TypeSpace::defs`].
pub type TypeId = usize;

/// The Rust type of a value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// Any JSON: `serde_json::Value`.
    Any,
    /// Only null: `()`.
    Unit,
    /// `bool`.
    Bool,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `String`.
    String,
    /// A JSON object with no declared properties: `serde_json::Map`.
    Object,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>`.
    Option(Box<Ty>),
    /// A generated type.
    Named(TypeId),
}

impl Ty {
    /// Wraps in `Option` unless the type already is one.
    pub fn optional(self) -> Ty {
        match self {
            Ty::Option(_) => self,
            other => Ty::Option(Box::new(other)),
        }
    }

    /// Every named type this type mentions.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => inner.named(out),
            _ => {}
        }
    }

    /// The named type held directly (through `Option` only), which would make a type infinite
    /// if it led back to its container.
    pub fn direct(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            Ty::Option(inner) => inner.direct(),
            _ => None,
        }
    }
}

/// A generated type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The Rust name, unique in the crate.
    pub name: String,
    /// Where it comes from.
    pub pointer: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// What it is.
    pub kind: Kind,
    /// The component schema name, for component types.
    pub component: Option<String>,
}

/// The shape of a generated type.
#[derive(Clone, Debug)]
pub enum Kind {
    /// Being built (a component referenced before its definition was converted).
    Pending,
    /// A struct.
    Struct(Vec<Field>),
    /// A string enum with an `Unknown(String)` fallback.
    StringEnum {
        /// The variants.
        variants: Vec<Variant>,
        /// The variant named by the schema's `default`.
        default: Option<String>,
    },
    /// An enum chosen by a discriminator property.
    Tagged {
        /// The discriminator property.
        tag: String,
        /// `(tag value, variant name, type)`.
        variants: Vec<(String, String, Ty)>,
    },
    /// An enum tried variant by variant, with an `Unknown(Value)` fallback.
    Untagged(Vec<(String, Ty)>),
    /// Another name for a type.
    Alias(Ty),
}

/// A struct field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The Rust field name, without `r#`.
    pub name: String,
    /// The JSON property name.
    pub json: String,
    /// Its type, `Option` included.
    pub ty: Ty,
    /// Whether `None` is left out when serializing (the property is optional).
    pub skip_none: bool,
    /// Its documentation.
    pub doc: Option<String>,
}

/// A string enum variant.
#[derive(Clone, Debug)]
pub struct Variant {
    /// The Rust variant name.
    pub name: String,
    /// The JSON value.
    pub value: String,
}

/// All generated types of one schema.
pub struct TypeSpace<'a> {
    components: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// The types, in creation order.
    pub defs: Vec<TypeDef>,
    by_component: BTreeMap<String, TypeId>,
    names: BTreeSet<String>,
    /// What was degraded, with pointers.
    pub degraded: Vec<DegradedItem>,
    /// Component schemas with a degraded part.
    pub degraded_components: BTreeSet<String>,
    current_component: Option<String>,
    /// Fixup counts, carried through the phases that use types.
    pub fixups: Fixups,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

impl<'a> TypeSpace<'a> {
    /// A type space over a schema's components. Every component gets its name first, so names
    /// do not depend on the order types are met in.
    pub fn new(components: &'a IndexMap<String, ReferenceOr<Schema>>, fixups: Fixups) -> Self {
        let mut space = TypeSpace {
            components,
            defs: Vec::new(),
            by_component: BTreeMap::new(),
            names: BTreeSet::new(),
            degraded: Vec::new(),
            degraded_components: BTreeSet::new(),
            current_component: None,
            fixups,
        };
        let mut sorted: Vec<&String> = components.keys().collect();
        // Names already in Rust form win a collision (`DateRange` over `_DateRange`).
        sorted.sort_by_key(|name| (naming::type_name(name) != **name, (*name).clone()));
        for name in sorted {
            let base = naming::type_name(name);
            if space.names.contains(&base) {
                space.fixups.count("fix_colliding_type_names");
            }
            let rust = naming::unique(&mut space.names, &base);
            let id = space.defs.len();
            space.defs.push(TypeDef {
                name: rust,
                pointer: child("#/components/schemas", name),
                doc: None,
                kind: Kind::Pending,
                component: Some(name.clone()),
            });
            space.by_component.insert(name.clone(), id);
        }
        space
    }

    /// Converts every component schema.
    pub fn build_components(&mut self) {
        let components = self.components;
        for (name, schema) in components {
            let Some(&id) = self.by_component.get(name) else {
                continue;
            };
            let pointer = child("#/components/schemas", name);
            self.current_component = Some(name.clone());
            let (kind, doc) = match schema {
                ReferenceOr::Reference { reference } => {
                    (Kind::Alias(self.reference(reference, &pointer)), None)
                }
                ReferenceOr::Item(schema) => {
                    let hint = self.defs[id].name.clone();
                    let kind = self.kind_for_component(schema, &hint, &pointer, id);
                    (kind, doc_of(schema))
                }
            };
            self.current_component = None;
            self.defs[id].kind = kind;
            self.defs[id].doc = doc;
        }
    }

    /// Converts a component's own schema into a definition, reusing its reserved name.
    fn kind_for_component(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
        id: TypeId,
    ) -> Kind {
        let ty = self.schema_ty_named(schema, hint, pointer, Some(id));
        match ty {
            Ty::Named(other) if other == id => {
                std::mem::replace(&mut self.defs[id].kind, Kind::Pending)
            }
            // A nullable component: the `Option` goes where the component is used.
            Ty::Option(inner) if *inner == Ty::Named(id) => {
                std::mem::replace(&mut self.defs[id].kind, Kind::Pending)
            }
            other => Kind::Alias(other),
        }
    }

    /// The type of a schema or reference met somewhere; `hint` names new types it needs.
    /// `openapiv3` holds nested schemas boxed and top-level ones unboxed; both are taken.
    pub fn ty<S: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: &str,
        pointer: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_ty_named(schema.borrow(), hint, pointer, None),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> Ty {
        match reference
            .strip_prefix(SCHEMA_PREFIX)
            .and_then(|name| self.by_component.get(name))
        {
            Some(&id) => Ty::Named(id),
            None => self.degrade(
                pointer,
                format!(
                    "reference `{reference}` is not a component schema; typed as serde_json::Value"
                ),
            ),
        }
    }

    fn resolve<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix(SCHEMA_PREFIX)?;
                match self.components.get(name)? {
                    ReferenceOr::Item(schema) => Some(schema),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    fn degrade(&mut self, pointer: &str, reason: String) -> Ty {
        if let Some(component) = &self.current_component {
            self.degraded_components.insert(component.clone());
        }
        self.degraded.push(DegradedItem {
            pointer: pointer.to_owned(),
            reason,
        });
        Ty::Any
    }

    /// Creates a definition. `reuse` is a component's reserved slot.
    fn define(
        &mut self,
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        kind: Kind,
        reuse: Option<TypeId>,
    ) -> Ty {
        if let Some(id) = reuse
            && matches!(self.defs[id].kind, Kind::Pending)
        {
            self.defs[id].kind = kind;
            return Ty::Named(id);
        }
        let name = naming::unique(&mut self.names, &naming::type_name(hint));
        let id = self.defs.len();
        self.defs.push(TypeDef {
            name,
            pointer: pointer.to_owned(),
            doc,
            kind,
            component: None,
        });
        Ty::Named(id)
    }

    fn schema_ty_named(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
        reuse: Option<TypeId>,
    ) -> Ty {
        let data = &schema.schema_data;
        let doc = doc_of(schema);
        let mut nullable = data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if s.enumeration.iter().any(Option::is_none) {
                    nullable = true;
                }
                if values.is_empty() {
                    Ty::String
                } else {
                    let default = data
                        .default
                        .as_ref()
                        .and_then(|d| d.as_str())
                        .map(str::to_owned);
                    self.string_enum(values, default, hint, pointer, doc, reuse)
                }
            }
            SchemaKind::Type(Type::Integer(_)) => Ty::I64,
            SchemaKind::Type(Type::Number(_)) => Ty::F64,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Object(o)) => {
                let additional = o.additional_properties.as_ref();
                self.object(
                    &o.properties,
                    &o.required,
                    additional,
                    hint,
                    pointer,
                    doc,
                    reuse,
                )
            }
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item = self.ty(items, &format!("{hint}Item"), &child(pointer, "items"));
                    Ty::Vec(Box::new(item))
                }
                None => Ty::Vec(Box::new(Ty::Any)),
            },
            SchemaKind::OneOf { one_of } => self.union(
                one_of,
                data.discriminator.as_ref(),
                hint,
                &child(pointer, "oneOf"),
                doc,
                reuse,
            ),
            SchemaKind::AnyOf { any_of } => self.union(
                any_of,
                data.discriminator.as_ref(),
                hint,
                &child(pointer, "anyOf"),
                doc,
                reuse,
            ),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, hint, pointer, doc, reuse),
            SchemaKind::Not { .. } => self.degrade(
                pointer,
                "`not` has no Rust type; typed as serde_json::Value".into(),
            ),
            SchemaKind::Any(any) => self.any_schema(any, data, hint, pointer, doc, reuse),
        };
        if nullable { ty.optional() } else { ty }
    }

    #[allow(clippy::too_many_arguments)]
    fn any_schema(
        &mut self,
        any: &AnySchema,
        data: &openapiv3::SchemaData,
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        for (members, keyword) in [(&any.one_of, "oneOf"), (&any.any_of, "anyOf")] {
            if !members.is_empty() {
                let pointer = child(pointer, keyword);
                let discriminator = data.discriminator.as_ref();
                return self.union(members, discriminator, hint, &pointer, doc, reuse);
            }
        }
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, hint, pointer, doc, reuse);
        }
        if any.not.is_some() {
            return self.degrade(
                pointer,
                "`not` has no Rust type; typed as serde_json::Value".into(),
            );
        }
        let typ = any.typ.as_deref();
        if !any.properties.is_empty() || typ == Some("object") {
            return self.object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                hint,
                pointer,
                doc,
                reuse,
            );
        }
        if let Some(items) = &any.items {
            let item = self.ty(items, &format!("{hint}Item"), &child(pointer, "items"));
            return Ty::Vec(Box::new(item));
        }
        if !any.enumeration.is_empty() {
            let values: Vec<&serde_json::Value> =
                any.enumeration.iter().filter(|v| !v.is_null()).collect();
            let has_null = values.len() != any.enumeration.len();
            let ty = if values.is_empty() {
                // drf's `NullEnum`: the only value is null.
                Ty::Unit
            } else if values.iter().all(|v| v.is_string()) {
                let values = values
                    .iter()
                    .filter_map(|v| v.as_str())
                    .map(str::to_owned)
                    .collect();
                let default = data
                    .default
                    .as_ref()
                    .and_then(|d| d.as_str())
                    .map(str::to_owned);
                self.string_enum(values, default, hint, pointer, doc, reuse)
            } else if values.iter().all(|v| v.is_i64()) {
                Ty::I64
            } else if values.iter().all(|v| v.is_boolean()) {
                Ty::Bool
            } else if values.iter().all(|v| v.is_number()) {
                Ty::F64
            } else {
                self.mixed_enum(&values, hint, pointer, doc, reuse)
            };
            return if has_null && ty != Ty::Unit {
                ty.optional()
            } else {
                ty
            };
        }
        match typ {
            Some("string") => Ty::String,
            Some("integer") => Ty::I64,
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("array") => Ty::Vec(Box::new(Ty::Any)),
            // A schema with no type is any JSON: untyped by the schema itself, not by us.
            _ => Ty::Any,
        }
    }

    /// An enum whose values have several JSON types (`[true, false, "hog"]`): an untagged
    /// enum with a variant per type, strings as their own string enum.
    fn mixed_enum(
        &mut self,
        values: &[&serde_json::Value],
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        let ty = self.define(hint, pointer, doc, Kind::Pending, reuse);
        let Ty::Named(id) = ty else { return ty };
        let parent = self.defs[id].name.clone();
        let mut variants = Vec::new();
        if values.iter().any(|v| v.is_boolean()) {
            variants.push(("Boolean".to_owned(), Ty::Bool));
        }
        if values.iter().any(|v| v.is_i64() || v.is_u64()) {
            variants.push(("Integer".to_owned(), Ty::I64));
        }
        if values.iter().any(|v| v.is_f64()) {
            variants.push(("Number".to_owned(), Ty::F64));
        }
        let strings: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_owned)
            .collect();
        if !strings.is_empty() {
            let names = self.string_enum(
                strings,
                None,
                &format!("{parent}String"),
                pointer,
                None,
                None,
            );
            variants.push(("String".to_owned(), names));
        }
        if values.iter().any(|v| v.is_object() || v.is_array()) {
            variants.push(("Value".to_owned(), Ty::Any));
        }
        self.defs[id].kind = Kind::Untagged(variants);
        ty
    }

    fn string_enum(
        &mut self,
        values: Vec<String>,
        default: Option<String>,
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        let mut unique_values = Vec::new();
        for value in values {
            if !unique_values.contains(&value) {
                unique_values.push(value);
            }
        }
        let plain: Vec<String> = unique_values.iter().map(|v| variant_name(v)).collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for name in &plain {
            *counts.entry(name.as_str()).or_default() += 1;
        }
        let collides = counts.values().any(|n| *n > 1);
        if collides {
            self.fixups.count("fix_colliding_enum_variants");
        }
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut variants = Vec::new();
        for (value, name) in unique_values.iter().zip(&plain) {
            let base = if counts.get(name.as_str()).copied().unwrap_or(0) > 1 {
                let spelled = naming::spelled_camel(value);
                if spelled == "Unnamed" {
                    name.clone()
                } else {
                    spelled
                }
            } else {
                name.clone()
            };
            let base = if base == "Unknown" {
                "UnknownValue".to_owned()
            } else {
                base
            };
            let name = naming::unique(&mut taken, &base);
            variants.push(Variant {
                name,
                value: value.clone(),
            });
        }
        let default = default.and_then(|d| {
            variants
                .iter()
                .find(|v| v.value == d)
                .map(|v| v.name.clone())
        });
        self.define(
            hint,
            pointer,
            doc,
            Kind::StringEnum { variants, default },
            reuse,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&openapiv3::AdditionalProperties>,
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        use openapiv3::AdditionalProperties;
        if properties.is_empty() {
            return match additional {
                Some(AdditionalProperties::Schema(schema)) => {
                    let value = self.ty(
                        schema,
                        &format!("{hint}Value"),
                        &child(pointer, "additionalProperties"),
                    );
                    if value == Ty::Any {
                        Ty::Object
                    } else {
                        Ty::Map(Box::new(value))
                    }
                }
                _ => Ty::Object,
            };
        }
        if let Some(AdditionalProperties::Schema(_)) = additional {
            self.degrade(
                &child(pointer, "additionalProperties"),
                "additional properties beside declared ones are not kept by the generated struct"
                    .into(),
            );
        }
        // Reserve the name before the fields, so nested types are named after their parent.
        let ty = self.define(hint, pointer, doc, Kind::Pending, reuse);
        let Ty::Named(id) = ty else { return ty };
        let parent = self.defs[id].name.clone();
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for (json, schema) in properties {
            let field_pointer = child(&child(pointer, "properties"), json);
            let item = match schema {
                ReferenceOr::Item(item) => Some(item.as_ref()),
                ReferenceOr::Reference { .. } => None,
            };
            let read_only = item.is_some_and(|s| s.schema_data.read_only);
            let field_ty = self.ty(
                schema,
                &format!("{parent}{}", naming::camel(json)),
                &field_pointer,
            );
            let is_required = required.iter().any(|r| r == json);
            if is_required && read_only {
                self.fixups.count("fix_read_only_fields_optional");
            }
            let optional = !is_required || read_only;
            let field_ty = if optional {
                field_ty.optional()
            } else {
                field_ty
            };
            let name = naming::unique_snake(&mut taken, &naming::snake(json));
            let doc = item.and_then(doc_of);
            fields.push(Field {
                name,
                json: json.clone(),
                ty: field_ty,
                skip_none: optional,
                doc,
            });
        }
        self.defs[id].kind = Kind::Struct(fields);
        ty
    }

    fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        if members.len() == 1 {
            let ty = self.ty(&members[0], hint, &child(pointer, "0"));
            return match (reuse, ty) {
                (Some(id), Ty::Named(other)) if id != other => {
                    self.define(hint, pointer, doc, Kind::Alias(Ty::Named(other)), reuse)
                }
                (_, ty) => ty,
            };
        }
        if members.is_empty() {
            return Ty::Any;
        }
        if let Some(discriminator) = discriminator
            && members
                .iter()
                .all(|m| matches!(m, ReferenceOr::Reference { .. }))
        {
            return self.tagged(members, discriminator, hint, pointer, doc, reuse);
        }
        let ty = self.define(hint, pointer, doc, Kind::Pending, reuse);
        let Ty::Named(id) = ty else { return ty };
        let parent = self.defs[id].name.clone();
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_pointer = child(pointer, &i.to_string());
            let (base, member_ty) = match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.reference(reference, &member_pointer);
                    (
                        reference
                            .rsplit('/')
                            .next()
                            .map(naming::camel)
                            .unwrap_or_default(),
                        ty,
                    )
                }
                ReferenceOr::Item(schema) => {
                    let ty = self.schema_ty_named(
                        schema,
                        &format!("{parent}Variant{i}"),
                        &member_pointer,
                        None,
                    );
                    (variant_base_name(&ty), ty)
                }
            };
            let name = naming::unique(&mut taken, &base);
            variants.push((name, member_ty));
        }
        self.defs[id].kind = Kind::Untagged(variants);
        ty
    }

    fn tagged(
        &mut self,
        members: &[ReferenceOr<Schema>],
        discriminator: &openapiv3::Discriminator,
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        let tag = discriminator.property_name.clone();
        let mut by_target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (value, target) in &discriminator.mapping {
            by_target
                .entry(target.as_str())
                .or_default()
                .push(value.as_str());
        }
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut seen_values = BTreeSet::new();
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let ReferenceOr::Reference { reference } = member else {
                continue;
            };
            let ty = self.reference(reference, &child(pointer, &i.to_string()));
            let values: Vec<String> = match by_target.get(reference.as_str()) {
                Some(values) => values.iter().map(|v| (*v).to_owned()).collect(),
                None => vec![
                    self.tag_value(member, &tag)
                        .unwrap_or_else(|| reference.rsplit('/').next().unwrap_or("").to_owned()),
                ],
            };
            for value in values {
                if !seen_values.insert(value.clone()) {
                    continue;
                }
                let name = naming::unique(&mut taken, &naming::camel(&value));
                variants.push((value, name, ty.clone()));
            }
        }
        self.define(hint, pointer, doc, Kind::Tagged { tag, variants }, reuse)
    }

    /// The single value a variant schema allows for the tag property.
    fn tag_value(&self, member: &ReferenceOr<Schema>, tag: &str) -> Option<String> {
        let schema = self.resolve(member)?;
        let property = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.properties.get(tag)?,
            SchemaKind::Any(a) => a.properties.get(tag)?,
            _ => return None,
        };
        let ReferenceOr::Item(property) = property else {
            return None;
        };
        match &property.schema_kind {
            SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
                [Some(value)] => Some(value.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn all_of(
        &mut self,
        members: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
        doc: Option<String>,
        reuse: Option<TypeId>,
    ) -> Ty {
        if members.len() == 1 {
            // drf-spectacular wraps a reference in `allOf` to give it a description or
            // `readOnly`; the type is the reference's.
            return self.union(members, None, hint, &child(pointer, "allOf"), doc, reuse);
        }
        let mut properties: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional = None;
        for (i, member) in members.iter().enumerate() {
            if !self.collect_object(member, &mut properties, &mut required, &mut additional, 0) {
                return self.degrade(
                    &child(&child(pointer, "allOf"), &i.to_string()),
                    "`allOf` member that is not an object cannot be merged; typed as serde_json::Value".into(),
                );
            }
        }
        self.object(
            &properties,
            &required,
            additional.as_ref(),
            hint,
            pointer,
            doc,
            reuse,
        )
    }

    fn collect_object(
        &self,
        member: &ReferenceOr<Schema>,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        additional: &mut Option<openapiv3::AdditionalProperties>,
        depth: usize,
    ) -> bool {
        let Some(schema) = self.resolve(member) else {
            return false;
        };
        if depth > 32 {
            return false;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                properties.extend(o.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                required.extend(o.required.iter().cloned());
                if additional.is_none() {
                    additional.clone_from(&o.additional_properties);
                }
                true
            }
            SchemaKind::AllOf { all_of } => all_of
                .iter()
                .all(|m| self.collect_object(m, properties, required, additional, depth + 1)),
            SchemaKind::Any(a) if a.one_of.is_empty() && a.any_of.is_empty() => {
                properties.extend(a.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                required.extend(a.required.iter().cloned());
                a.all_of
                    .iter()
                    .all(|m| self.collect_object(m, properties, required, additional, depth + 1))
            }
            _ => false,
        }
    }
}

fn variant_name(value: &str) -> String {
    if value.is_empty() {
        "Empty".to_owned()
    } else {
        naming::camel(value)
    }
}

fn variant_base_name(ty: &Ty) -> String {
    match ty {
        Ty::Any => "Value",
        Ty::Unit => "Null",
        Ty::Bool => "Boolean",
        Ty::I64 => "Integer",
        Ty::F64 => "Number",
        Ty::String => "String",
        Ty::Object => "Object",
        Ty::Vec(_) => "Array",
        Ty::Map(_) => "Map",
        Ty::Option(inner) => return variant_base_name(inner),
        Ty::Named(_) => "Variant",
    }
    .to_owned()
}

/// The documentation of a schema: its description, or else its title.
pub fn doc_of(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    data.description
        .as_deref()
        .or(data.title.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(naming::doc_text)
}
