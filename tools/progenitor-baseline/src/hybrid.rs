//! The hybrid run (`--hybrid`): our generator keeps the types, progenitor generates only the
//! operations. Every component schema of the `codegen::normalize` output is replaced, through
//! `GenerationSettings::with_replacement`, by the type `codegen` generates for it
//! (`::posthog_api::types::<Name>`), so typify converts only the inline schemas of operations.
//!
//! Two mechanical adjustments, neither losing information:
//! - typify looks a replacement up by the component name converted to PascalCase
//!   (`sanitize(name, Case::Pascal)` in typify-impl 0.8.0), so `_DateRange` and `DateRange` share
//!   one key. Each component is therefore renamed, with its `$ref`s, to the unique Rust name
//!   `codegen` gave it before generation, and registered under that name's PascalCase form.
//! - The struct builders typify makes for progenitor's builder interface cannot be turned off
//!   through `GenerationSettings` (progenitor 0.15.1 sets `with_struct_builder(interface ==
//!   Builder)`); replaced types get none, inline ones still do.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use heck::ToPascalCase;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::{Failure, dependencies, fail, generate, rewrite, write_crate};

const PREFIX: &str = "#/components/schemas/";

/// Component schema name -> the Rust name `codegen` gives its type, from the same model
/// `codegen::generate` builds (`TypeDef::component` and `TypeDef::name`).
pub fn type_names(document: &Value) -> Result<Vec<(String, String)>, String> {
    let api = codegen::parse::parse(document).map_err(|e| e.to_string())?;
    let (types, _, _) = codegen::model(&api, codegen::report::Fixups::new());
    Ok(types
        .defs
        .iter()
        .filter_map(|def| Some((def.component.clone()?, def.name.clone())))
        .collect())
}

/// The key typify 0.8.0 looks a replacement up by, for a name that is already a Rust
/// identifier (typify's `sanitize(name, Case::Pascal)` reduces to this).
fn typify_key(rust_name: &str) -> String {
    rust_name.to_pascal_case()
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Renames every component schema to its Rust name, rewriting `$ref`s; returns how many names
/// changed.
fn rename_components(doc: &mut Value, names: &BTreeMap<String, String>) -> usize {
    let refs: BTreeMap<String, String> = names
        .iter()
        .map(|(schema, rust)| {
            (
                format!("{PREFIX}{}", escape(schema)),
                format!("{PREFIX}{}", escape(rust)),
            )
        })
        .collect();
    fn walk(v: &mut Value, refs: &BTreeMap<String, String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("$ref")
                    && let Some(new) = refs.get(r.as_str())
                {
                    *r = new.clone();
                }
                map.values_mut().for_each(|c| walk(c, refs));
            }
            Value::Array(items) => items.iter_mut().for_each(|c| walk(c, refs)),
            _ => {}
        }
    }
    walk(doc, &refs);
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let old = std::mem::take(schemas);
    let mut changed = 0;
    for (name, schema) in old {
        let new = names.get(&name).cloned().unwrap_or(name.clone());
        changed += usize::from(new != name);
        schemas.insert(new, schema);
    }
    changed
}

/// Lines of progenitor's output by part.
#[derive(Default)]
struct Parts {
    types_lines: usize,
    types_items: usize,
    client_lines: usize,
    client_methods: usize,
    builder_lines: usize,
    builder_structs: usize,
    other_lines: usize,
}

fn lines_of(items: Vec<syn::Item>) -> usize {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items,
    })
    .lines()
    .count()
}

fn parts(file: &syn::File) -> Parts {
    let mut p = Parts::default();
    for item in &file.items {
        let lines = lines_of(vec![item.clone()]);
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                p.types_lines += lines;
                // Inline types, counted as the structs and enums of `types` (the `error` and
                // `defaults` submodules are support code).
                p.types_items += m.content.as_ref().map_or(0, |(_, items)| {
                    items
                        .iter()
                        .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
                        .count()
                });
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                p.builder_lines += lines;
                p.builder_structs += m.content.as_ref().map_or(0, |(_, items)| {
                    items
                        .iter()
                        .filter(|i| matches!(i, syn::Item::Struct(_)))
                        .count()
                });
            }
            syn::Item::Impl(i)
                if i.trait_.is_none()
                    && matches!(&*i.self_ty, syn::Type::Path(t) if t.path.is_ident("Client")) =>
            {
                p.client_methods += i
                    .items
                    .iter()
                    .filter(|i| {
                        matches!(i, syn::ImplItem::Fn(f)
                            if f.sig.ident != "new" && f.sig.ident != "new_with_client")
                    })
                    .count();
                p.client_lines += lines;
            }
            _ => p.other_lines += lines,
        }
    }
    p
}

struct Attempt {
    /// The generator, its tokens and each applied rewrite's count; or why it failed.
    result: Result<(Generator, proc_macro2::TokenStream, Vec<usize>), String>,
    seconds: f64,
}

/// Runs progenitor on `doc` after the rewrites `set` (indexes into `rewrite::EACH`), applied
/// with the component schemas detached so that only operations are touched.
fn attempt(settings: &GenerationSettings, doc: &Value, set: &[usize]) -> Attempt {
    let mut doc = doc.clone();
    let schemas = doc
        .pointer_mut("/components/schemas")
        .map(Value::take)
        .unwrap_or(Value::Null);
    let counts: Vec<usize> = set
        .iter()
        .map(|&i| (rewrite::EACH[i].1)(&mut doc))
        .collect();
    if let Some(slot) = doc.pointer_mut("/components/schemas") {
        *slot = schemas;
    }
    let start = Instant::now();
    let result = generate(doc, settings);
    let seconds = match result {
        Err(Failure::Parse(_)) => 0.0,
        _ => start.elapsed().as_secs_f64(),
    };
    let result = result
        .map(|(generator, tokens)| (generator, tokens, counts))
        .map_err(|e| e.to_string());
    Attempt { result, seconds }
}

pub fn run(repo_root: &Path, text: &str, out: &Path) {
    let start = Instant::now();
    let (loaded, _) =
        codegen::normalize(text).unwrap_or_else(|e| fail(&format!("codegen::normalize: {e}")));
    let mut doc = loaded.document;
    let pairs = type_names(&doc).unwrap_or_else(|e| fail(&format!("codegen model: {e}")));
    let names: BTreeMap<String, String> = pairs.iter().cloned().collect();
    let differ = pairs.iter().filter(|(s, r)| s != r).count();

    // Register a replacement per component, under the key typify will look it up by.
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    let mut keys = BTreeSet::new();
    for rust in names.values() {
        let key = typify_key(rust);
        if !keys.insert(key.clone()) {
            fail(&format!("two types share the typify key {key}"));
        }
        settings.with_replacement(
            key,
            format!("::posthog_api::types::{rust}"),
            std::iter::empty(),
        );
    }
    let renamed = rename_components(&mut doc, &names);
    let prep = start.elapsed().as_secs_f64();

    let mut md = String::new();
    let _ = writeln!(md, "## Hybrid: our types, progenitor's operations\n");
    let _ = writeln!(
        md,
        "{} component schemas replaced by `::posthog_api::types::*` ({differ} Rust names differ \
         from the schema name; {renamed} components renamed to them); model built in {prep:.1} s.\n",
        names.len()
    );

    // Progenitor on the operations as they are; then, while it fails, with the blunt rewrites
    // of `rewrite.rs` added one at a time (applied to the operations only: the component
    // schemas are replaced, never converted); then every rewrite that is not needed dropped.
    let _ = writeln!(md, "| rewrites applied to the operations | result | time |");
    let _ = writeln!(md, "| --- | --- | ---: |");
    let record = |md: &mut String, set: &[usize], outcome: &Attempt| {
        let label = if set.is_empty() {
            "none".to_owned()
        } else {
            set.iter()
                .map(|&i| format!("{}. {}", i + 1, rewrite::EACH[i].0))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let result = match &outcome.result {
            Ok(_) => "generated".to_owned(),
            Err(e) => e.replace('|', "\\|").replace('\n', " "),
        };
        let _ = writeln!(md, "| {label} | {result} | {:.1} s |", outcome.seconds);
    };
    let mut set: Vec<usize> = Vec::new();
    let mut outcome = attempt(&settings, &doc, &set);
    record(&mut md, &set, &outcome);
    for i in 0..rewrite::EACH.len() {
        if outcome.result.is_ok() {
            break;
        }
        set.push(i);
        outcome = attempt(&settings, &doc, &set);
        record(&mut md, &set, &outcome);
    }
    if outcome.result.is_ok() {
        for i in set.clone() {
            let without: Vec<usize> = set.iter().copied().filter(|&j| j != i).collect();
            let tried = attempt(&settings, &doc, &without);
            record(&mut md, &without, &tried);
            if tried.result.is_ok() {
                set = without;
                outcome = tried;
            }
        }
    }
    let _ = writeln!(md);
    let seconds = outcome.seconds;
    let (generator, tokens, counts) = match outcome.result {
        Ok(generated) => generated,
        Err(_) => {
            let _ = writeln!(md, "Progenitor generated nothing; no crate written.");
            print!("{md}");
            return;
        }
    };
    for (i, count) in set.iter().zip(counts) {
        let _ = writeln!(md, "- needed: {} ({count})", rewrite::EACH[*i].0);
    }
    let _ = writeln!(md);
    let file = match syn::parse2::<syn::File>(tokens) {
        Ok(file) => file,
        Err(e) => {
            let _ = writeln!(md, "output is not a Rust file: {e}");
            print!("{md}");
            return;
        }
    };
    let code = prettyplease::unparse(&file);
    let p = parts(&file);
    let mut deps = dependencies(&generator);
    deps.push(r#"posthog-api = { path = "../../../posthog-api" }"#.into());
    deps.sort();
    let header = "# Written by tools/progenitor-baseline --hybrid: progenitor 0.15.1 operations over\n\
                  # posthog-api's generated types.";
    if let Err(e) = write_crate(out, "posthog-progenitor-hybrid", header, &code, &deps) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
    let _ = writeln!(
        md,
        "Generated in {seconds:.1} s, no panic: {} lines, {} bytes.\n\n\
         | part | lines | items |\n| --- | ---: | ---: |\n\
         | `mod types` (inline schemas) | {} | {} structs/enums |\n\
         | `impl Client` (operation methods) | {} | {} methods |\n\
         | `mod builder` (operation builders) | {} | {} structs |\n\
         | other (`Client`, prelude, ...) | {} | |\n",
        code.lines().count(),
        code.len(),
        p.types_lines,
        p.types_items,
        p.client_lines,
        p.client_methods,
        p.builder_lines,
        p.builder_structs,
        p.other_lines,
    );
    let _ = writeln!(
        md,
        "Crate written to `{}`. Check it with:\n\n```sh\n\
         CARGO_TARGET_DIR={}/target/progenitor-baseline/hybrid-target /usr/bin/time -v \\\n    \
         cargo check --manifest-path {}/Cargo.toml\n```",
        out.display(),
        repo_root.display(),
        out.display(),
    );
    print!("{md}");
}
