//! The generator of `posthog-api`: a PostHog OpenAPI schema (3.0 or 3.1, JSON or YAML) in,
//! Rust source files out. Pure: no network, no file system, no clock.
//!
//! Phases, one module each: [`load`] (parse, check, convert 3.1 to 3.0) → [`fixups`] (named
//! repairs of PostHog's schema) → [`parse`] (into the `openapiv3` model, every problem at once)
//! → [`typegen`] and [`ops`] (types and operations) → [`emit`] (tokens, per-product modules,
//! prettyplease).

pub mod convert31;
pub mod drift;
pub mod emit;
pub mod error;
pub mod fixups;
pub mod load;
pub mod naming;
pub mod ops;
pub mod parse;
pub mod ratelimit;
pub mod report;
pub mod subset;
pub mod typegen;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

pub use error::{Error, Problem};
pub use report::Report;

use emit::{Recursion, TypeWriter};
use ops::OpDef;
use report::DegradedItem;
use typegen::{TypeId, TypeSpace};

/// The HTTP methods an OpenAPI path item can hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// How the schema is named in the preamble of generated files (`schema/openapi.json`).
    pub schema_label: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            schema_label: "schema/openapi.json".into(),
        }
    }
}

/// What the generator produces.
#[derive(Clone, Debug)]
pub struct Output {
    /// Generated files by path relative to the `generated/` directory, sorted.
    pub files: BTreeMap<String, String>,
    /// The product features, sorted.
    pub features: Vec<String>,
    /// The report.
    pub report: Report,
    /// Every operation: `(operationId, Client method, builder type)`, in schema order.
    pub methods: Vec<(String, String, String)>,
    /// Every generated type name, sorted.
    pub type_names: Vec<String>,
}

/// Normalizes a schema the way generation does: loads it, converts 3.1 to 3.0 and applies the
/// document-level fixups. Returns the normalized document and the fixup counts.
pub fn normalize(text: &str) -> Result<(load::Loaded, report::Fixups), Error> {
    let mut fixups = report::Fixups::new();
    let mut loaded = load::load(text, &mut fixups)?;
    fixups::apply(&mut loaded.document, &mut fixups);
    Ok((loaded, fixups))
}

/// The component schemas of a parsed schema (none when it has no `components`).
pub fn component_schemas(
    api: &openapiv3::OpenAPI,
) -> &indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::Schema>> {
    static EMPTY: std::sync::OnceLock<
        indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::Schema>>,
    > = std::sync::OnceLock::new();
    api.components
        .as_ref()
        .map(|c| &c.schemas)
        .unwrap_or_else(|| EMPTY.get_or_init(indexmap::IndexMap::new))
}

/// The generator's model of a parsed schema: its types and operations, and what had to be
/// degraded. Both `generate` and the drift report's Rust API section are built on it.
pub fn model(
    api: &openapiv3::OpenAPI,
    fixups: report::Fixups,
) -> (TypeSpace<'_>, Vec<OpDef>, Vec<DegradedItem>) {
    let mut types = TypeSpace::new(component_schemas(api), fixups);
    types.build_components();
    let mut degraded = Vec::new();
    let ops = ops::collect(api, &mut types, &mut degraded);
    (types, ops, degraded)
}

/// Generates the client for a schema.
pub fn generate(text: &str, options: &Options) -> Result<Output, Error> {
    let (loaded, fixups) = normalize(text)?;
    let api = parse::parse(&loaded.document)?;
    let components = component_schemas(&api);
    let (mut types, ops, mut degraded) = model(&api, fixups);
    let recursion = Recursion::new(&types.defs);
    types
        .fixups
        .add("fix_recursive_types", recursion.boxes(&types.defs) as u64);

    degraded.extend(types.degraded.iter().cloned());
    degraded.sort();
    degraded.dedup();
    let report = build_report(
        &loaded.declared_version,
        components.len(),
        &types,
        &ops,
        degraded,
    );

    let usage = type_usage(&types, &ops);
    let features: Vec<String> = ops
        .iter()
        .map(|op| op.group.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let files = emit_files(&types, &ops, &usage, &recursion, options, &report)?;
    let mut type_names: Vec<String> = types.defs.iter().map(|d| d.name.clone()).collect();
    type_names.sort();
    Ok(Output {
        files,
        features,
        report,
        methods: ops
            .iter()
            .map(|op| (op.id.clone(), op.method_name.clone(), op.builder.clone()))
            .collect(),
        type_names,
    })
}

fn build_report(
    openapi: &str,
    total_schemas: usize,
    types: &TypeSpace<'_>,
    ops: &[OpDef],
    degraded: Vec<DegradedItem>,
) -> Report {
    let degraded_ops = ops
        .iter()
        .filter(|op| {
            let prefix = format!("{}/", op.pointer);
            degraded.iter().any(|d| d.pointer.starts_with(&prefix))
        })
        .count();
    let degraded_schemas = types.degraded_components.len();
    Report {
        openapi: openapi.to_owned(),
        operations: report::OperationCounts {
            total: ops.len() as u64,
            generated: ops.len() as u64,
            degraded: degraded_ops as u64,
        },
        schemas: report::SchemaCounts {
            total: total_schemas as u64,
            typed: (total_schemas - degraded_schemas.min(total_schemas)) as u64,
            degraded: degraded_schemas as u64,
        },
        fixups: types.fixups.clone(),
        degraded_items: degraded,
    }
}

/// For each type, the product groups whose operations use it (directly or through other types).
fn type_usage(types: &TypeSpace<'_>, ops: &[OpDef]) -> Vec<BTreeSet<String>> {
    let mut usage = vec![BTreeSet::new(); types.defs.len()];
    let mut edges: Vec<Vec<TypeId>> = vec![Vec::new(); types.defs.len()];
    for (id, def) in types.defs.iter().enumerate() {
        let mut out = Vec::new();
        match &def.kind {
            typegen::Kind::Struct(fields) => fields.iter().for_each(|f| f.ty.named(&mut out)),
            typegen::Kind::Tagged { variants, .. } => {
                variants.iter().for_each(|(_, _, ty)| ty.named(&mut out))
            }
            typegen::Kind::Untagged(variants) => {
                variants.iter().for_each(|(_, ty)| ty.named(&mut out))
            }
            typegen::Kind::Alias(ty) => ty.named(&mut out),
            _ => {}
        }
        edges[id] = out;
    }
    for op in ops {
        let mut roots = Vec::new();
        for p in &op.params {
            p.ty.named(&mut roots);
        }
        if let Some((ops::BodyDef::Json(ty), _)) = &op.body {
            ty.named(&mut roots);
        }
        if let ops::ResponseKind::Json(ty) = &op.response {
            ty.named(&mut roots);
        }
        let mut stack = roots;
        while let Some(id) = stack.pop() {
            if id < usage.len() && usage[id].insert(op.group.clone()) {
                stack.extend(edges[id].iter().copied());
            }
        }
    }
    usage
}

/// Crate and module names a product module must not shadow.
const TAKEN_MODULES: &[&str] = &[
    "core",
    "std",
    "alloc",
    "serde",
    "serde_json",
    "futures",
    "reqwest",
    "bytes",
    "tokio",
    "tracing",
    "types",
    "builders",
    "rt",
    "shared",
    "unreferenced",
    "crate",
    "self",
    "super",
    "mod",
];

/// The Rust module of a product group.
pub fn module_name(group: &str) -> String {
    if TAKEN_MODULES.contains(&group) || naming::ident(group) != group {
        format!("{group}_api")
    } else {
        group.to_owned()
    }
}

fn emit_files(
    types: &TypeSpace<'_>,
    ops: &[OpDef],
    usage: &[BTreeSet<String>],
    recursion: &Recursion,
    options: &Options,
    report: &Report,
) -> Result<BTreeMap<String, String>, Error> {
    let preamble = format!(
        "// @generated by `cargo xtask regen` from {}. Do not edit.",
        options.schema_label
    );
    let mut files = BTreeMap::new();
    let mut problems = Vec::new();
    let mut put = |files: &mut BTreeMap<String, String>, path: String, tokens: TokenStream| {
        match emit::format_file(&preamble, tokens) {
            Ok(text) => {
                files.insert(path, text);
            }
            Err(message) => problems.push(Problem::new(
                "#",
                format!("generated `{path}` does not parse: {message}"),
            )),
        }
    };

    // Types: exclusive to one product, shared by several, or used by none.
    let inside = TypeWriter {
        defs: &types.defs,
        recursion,
        qualified: false,
    };
    let mut per_group: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    let mut shared = Vec::new();
    let mut unreferenced = Vec::new();
    let mut order: Vec<TypeId> = (0..types.defs.len()).collect();
    order.sort_by(|a, b| types.defs[*a].name.cmp(&types.defs[*b].name));
    for id in order {
        let groups = &usage[id];
        match groups.len() {
            0 => unreferenced.push(inside.def(id, &TokenStream::new())),
            1 => {
                let group = groups.iter().next().cloned().unwrap_or_default();
                per_group
                    .entry(group)
                    .or_default()
                    .push(inside.def(id, &TokenStream::new()));
            }
            _ => shared.push(inside.def(id, &emit::cfg_for(groups))),
        }
    }
    let mut type_mods = Vec::new();
    for (group, items) in &per_group {
        let module = module_name(group);
        put(
            &mut files,
            format!("types/{module}.rs"),
            quote! { #[allow(unused_imports)] use super::*; #(#items)* },
        );
        let m = emit::ident(&module);
        type_mods.push(quote! { #[cfg(feature = #group)] mod #m; #[cfg(feature = #group)] pub use self::#m::*; });
    }
    put(
        &mut files,
        "types/shared.rs".into(),
        quote! { #[allow(unused_imports)] use super::*; #(#shared)* },
    );
    put(
        &mut files,
        "types/unreferenced.rs".into(),
        quote! { #[allow(unused_imports)] use super::*; #(#unreferenced)* },
    );
    put(
        &mut files,
        "types/mod.rs".into(),
        quote! {
            //! Types generated from the schema's components and inline schemas.
            mod shared;
            pub use self::shared::*;
            #[cfg(feature = "full")]
            mod unreferenced;
            #[cfg(feature = "full")]
            pub use self::unreferenced::*;
            #(#type_mods)*
        },
    );

    // Operations, one module per product.
    let outside = TypeWriter {
        defs: &types.defs,
        recursion,
        qualified: true,
    };
    let mut by_group: BTreeMap<&str, Vec<&OpDef>> = BTreeMap::new();
    for op in ops {
        by_group.entry(op.group.as_str()).or_default().push(op);
    }
    let mut builder_mods = Vec::new();
    for (group, group_ops) in &by_group {
        let module = module_name(group);
        let mut methods = Vec::new();
        let mut items = Vec::new();
        for op in group_ops {
            let (method, item) = emit::operation(op, &outside);
            methods.push(method);
            items.push(item);
        }
        let doc = format!(
            " Operations of the `{group}` product ({} operations).",
            group_ops.len()
        );
        put(
            &mut files,
            format!("builders/{module}.rs"),
            quote! {
                #![doc = #doc]
                use crate::__rt as rt;
                impl crate::Client { #(#methods)* }
                #(#items)*
            },
        );
        let m = emit::ident(&module);
        let group = *group;
        builder_mods.push(quote! { #[cfg(feature = #group)] mod #m; #[cfg(feature = #group)] pub use self::#m::*; });
    }
    put(
        &mut files,
        "builders/mod.rs".into(),
        quote! {
            //! Request builders, one per operation, in one module per product.
            #(#builder_mods)*
        },
    );
    put(
        &mut files,
        "mod.rs".into(),
        quote! {
            //! Code generated from the PostHog OpenAPI schema.
            pub mod builders;
            pub mod types;
        },
    );
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    files.insert("report.json".into(), report.to_json());
    files.insert(
        "REPORT.md".into(),
        report.to_markdown(&options.schema_label, &emit::group_counts(ops)),
    );
    Ok(files)
}
