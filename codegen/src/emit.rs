//! Emitting Rust: type definitions and request builders as token streams, split into one module
//! per product (each behind its cargo feature) and formatted with prettyplease.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use crate::naming;
use crate::ops::{BodyDef, Fallback, Location, OpDef, ResponseKind};
use crate::typegen::{Kind, Ty, TypeDef, TypeId};

/// A Rust identifier from a name made by [`naming`]; keywords become raw identifiers. A name
/// that is still not an identifier (never expected) becomes `invalid_name` rather than a panic.
pub fn ident(name: &str) -> syn::Ident {
    let written = naming::ident(name);
    let (raw, text) = match written.strip_prefix("r#") {
        Some(text) => (true, text.to_owned()),
        None => (false, written),
    };
    let valid = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && text != "_";
    if !valid {
        return syn::Ident::new("invalid_name", Span::call_site());
    }
    if raw {
        syn::Ident::new_raw(&text, Span::call_site())
    } else {
        syn::Ident::new(&text, Span::call_site())
    }
}

fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else {
        return TokenStream::new();
    };
    let lines = doc.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Which types are recursive through a direct field, and so need a `Box` there.
pub struct Recursion {
    component: Vec<usize>,
}

impl Recursion {
    /// Finds the strongly connected components of the "holds directly" graph (Tarjan).
    pub fn new(defs: &[TypeDef]) -> Self {
        let edges: Vec<Vec<TypeId>> = defs.iter().map(|d| direct_edges(&d.kind)).collect();
        let n = defs.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut component = vec![usize::MAX; n];
        let mut next_index = 0;
        let mut next_component = 0;
        for start in 0..n {
            if index[start] != usize::MAX {
                continue;
            }
            // Iterative Tarjan: (node, next edge to look at).
            let mut work = vec![(start, 0usize)];
            index[start] = next_index;
            low[start] = next_index;
            next_index += 1;
            stack.push(start);
            on_stack[start] = true;
            while let Some(&mut (node, ref mut edge)) = work.last_mut() {
                if let Some(&target) = edges[node].get(*edge) {
                    *edge += 1;
                    if target >= n {
                        continue;
                    }
                    if index[target] == usize::MAX {
                        index[target] = next_index;
                        low[target] = next_index;
                        next_index += 1;
                        stack.push(target);
                        on_stack[target] = true;
                        work.push((target, 0));
                    } else if on_stack[target] {
                        low[node] = low[node].min(index[target]);
                    }
                } else {
                    work.pop();
                    if let Some(&(parent, _)) = work.last() {
                        low[parent] = low[parent].min(low[node]);
                    }
                    if low[node] == index[node] {
                        while let Some(member) = stack.pop() {
                            on_stack[member] = false;
                            component[member] = next_component;
                            if member == node {
                                break;
                            }
                        }
                        next_component += 1;
                    }
                }
            }
        }
        Recursion { component }
    }

    /// Whether `from` holding `to` directly closes a cycle.
    pub fn needs_box(&self, from: TypeId, to: TypeId) -> bool {
        self.component
            .get(from)
            .is_some_and(|c| Some(c) == self.component.get(to))
    }

    /// How many fields need a box.
    pub fn boxes(&self, defs: &[TypeDef]) -> usize {
        defs.iter()
            .enumerate()
            .map(|(id, d)| {
                direct_edges(&d.kind)
                    .into_iter()
                    .filter(|to| self.needs_box(id, *to))
                    .count()
            })
            .sum()
    }
}

fn direct_edges(kind: &Kind) -> Vec<TypeId> {
    match kind {
        Kind::Struct(fields) => fields.iter().filter_map(|f| f.ty.direct()).collect(),
        Kind::Tagged { variants, .. } => variants
            .iter()
            .filter_map(|(_, _, ty)| ty.direct())
            .collect(),
        Kind::Untagged(variants) => variants.iter().filter_map(|(_, ty)| ty.direct()).collect(),
        Kind::Alias(ty) => ty.direct().into_iter().collect(),
        Kind::Pending | Kind::StringEnum { .. } => Vec::new(),
    }
}

/// Turns types into tokens, naming generated types bare (inside `types`) or by path.
pub struct TypeWriter<'a> {
    /// Every type.
    pub defs: &'a [TypeDef],
    /// Recursion information.
    pub recursion: &'a Recursion,
    /// Whether types are named `crate::types::X` (outside the types module).
    pub qualified: bool,
}

impl TypeWriter<'_> {
    /// The tokens of a type; `from` is the type holding it directly, for boxing.
    pub fn ty(&self, ty: &Ty, from: Option<TypeId>) -> TokenStream {
        match ty {
            Ty::Any => quote!(::serde_json::Value),
            Ty::Unit => quote!(()),
            Ty::Bool => quote!(bool),
            Ty::I64 => quote!(i64),
            Ty::F64 => quote!(f64),
            Ty::String => quote!(String),
            Ty::Object => quote!(::serde_json::Map<String, ::serde_json::Value>),
            Ty::Vec(inner) => {
                let inner = self.ty(inner, None);
                quote!(Vec<#inner>)
            }
            Ty::Map(inner) => {
                let inner = self.ty(inner, None);
                quote!(::std::collections::BTreeMap<String, #inner>)
            }
            Ty::Option(inner) => {
                let inner = self.ty(inner, from);
                quote!(Option<#inner>)
            }
            Ty::Named(id) => {
                let name = self
                    .defs
                    .get(*id)
                    .map(|d| ident(&d.name))
                    .unwrap_or_else(|| format_ident!("invalid_name"));
                let path = if self.qualified {
                    quote!(crate::types::#name)
                } else {
                    quote!(#name)
                };
                match from {
                    Some(from) if self.recursion.needs_box(from, *id) => quote!(Box<#path>),
                    _ => path,
                }
            }
        }
    }

    /// The item(s) for one type definition.
    pub fn def(&self, id: TypeId, cfg: &TokenStream) -> TokenStream {
        let def = &self.defs[id];
        let name = ident(&def.name);
        let mut doc = def.doc.clone().unwrap_or_default();
        if let Some(component) = &def.component {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&format!("The `{component}` schema."));
        }
        let docs = doc_attrs((!doc.is_empty()).then_some(doc.as_str()));
        match &def.kind {
            Kind::Struct(fields) => {
                let default = fields
                    .iter()
                    .all(|f| matches!(f.ty, Ty::Option(_) | Ty::Any))
                    .then(|| quote!(Default,));
                let wire = fields.iter().map(|f| {
                    let fname = ident(&f.name);
                    let json = &f.json;
                    let kind = if f.skip_none {
                        quote!(optional)
                    } else {
                        quote!(required)
                    };
                    quote!(#fname = #json #kind,)
                });
                let fields = fields.iter().map(|f| {
                    let fname = ident(&f.name);
                    let ty = self.ty(&f.ty, Some(id));
                    let fdoc = doc_attrs(f.doc.as_deref());
                    quote! { #fdoc pub #fname: #ty, }
                });
                quote! {
                    #cfg
                    #docs
                    #[derive(Clone, Debug, PartialEq, #default)]
                    pub struct #name { #(#fields)* }
                    #cfg
                    json_object! { #name { #(#wire)* } }
                }
            }
            Kind::StringEnum { variants, default } => {
                let default = default.as_ref().map(|d| {
                    let d = ident(d);
                    quote!(default = #d)
                });
                let variants = variants.iter().map(|v| {
                    let vname = ident(&v.name);
                    let value = &v.value;
                    quote!(#vname = #value,)
                });
                quote! {
                    #cfg
                    string_enum! { #docs #name #default { #(#variants)* } }
                }
            }
            Kind::Tagged { tag, variants } => {
                let variants = variants.iter().map(|(value, vname, ty)| {
                    let vname = ident(vname);
                    let ty = self.ty(ty, Some(id));
                    quote!(#value => #vname(#ty),)
                });
                quote! {
                    #cfg
                    tagged_enum! { #docs #name tag = #tag { #(#variants)* } }
                }
            }
            Kind::Untagged(variants) => {
                let catch_all = variants.iter().any(|(_, ty)| *ty == Ty::Any);
                let list = variants.iter().map(|(vname, ty)| {
                    let vname = ident(vname);
                    let ty = self.ty(ty, Some(id));
                    quote!(#vname(#ty),)
                });
                let unknown = (!catch_all).then(|| {
                    quote! {
                        /// A value matching none of the variants this version of the crate knows, kept as JSON.
                        Unknown(::serde_json::Value),
                    }
                });
                quote! {
                    #cfg
                    #docs
                    #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                    #[serde(untagged)]
                    pub enum #name { #(#list)* #unknown }
                }
            }
            Kind::Alias(ty) => {
                let ty = self.ty(ty, Some(id));
                quote! { #cfg #docs pub type #name = #ty; }
            }
            Kind::Pending => {
                // A definition never filled in is any JSON.
                quote! { #cfg #docs pub type #name = ::serde_json::Value; }
            }
        }
    }
}

/// The cfg attribute for an item used by these product groups.
pub fn cfg_for(groups: &BTreeSet<String>) -> TokenStream {
    match groups.len() {
        0 => quote!(#[cfg(feature = "full")]),
        1 => {
            let g = groups.iter().next().cloned().unwrap_or_default();
            quote!(#[cfg(feature = #g)])
        }
        _ => {
            let list = groups.iter();
            quote!(#[cfg(any(#(feature = #list),*))])
        }
    }
}

/// The builder and `Client` method of one operation.
pub fn operation(op: &OpDef, types: &TypeWriter<'_>) -> (TokenStream, TokenStream) {
    let builder = ident(&op.builder);
    let method_name = ident(&op.method_name);
    let positional: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.required && p.fallback.is_none())
        .collect();
    let optional: Vec<_> = op
        .params
        .iter()
        .filter(|p| !(p.required && p.fallback.is_none()))
        .collect();

    // The Client method.
    let mut doc = op.doc.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`).",
        op.method.to_uppercase(),
        op.path,
        op.id
    ));
    if op.deprecated {
        doc.push_str("\n\nDeprecated by PostHog.");
    }
    let docs = doc_attrs(Some(&doc));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "PostHog marks this operation deprecated")]));
    let args = positional.iter().map(|p| {
        let name = ident(&p.name);
        let ty = setter_ty(&p.ty, types);
        quote!(#name: #ty)
    });
    let body_required = matches!(op.body, Some((_, true)));
    let body_ty = op.body.as_ref().map(|(body, _)| match body {
        BodyDef::Json(ty) => types.ty(ty, None),
        BodyDef::Multipart => quote!(::reqwest::multipart::Form),
    });
    let body_arg = body_required.then(|| {
        let ty = &body_ty;
        quote!(body: #ty)
    });
    let args: Vec<TokenStream> = args.chain(body_arg).collect();
    let inits = op.params.iter().map(|p| {
        let name = ident(&p.name);
        if p.required && p.fallback.is_none() {
            match setter_kind(&p.ty) {
                SetterKind::Into => quote!(#name: #name.into()),
                SetterKind::Plain => quote!(#name),
            }
        } else {
            quote!(#name: None)
        }
    });
    let body_init = op.body.as_ref().map(|_| {
        if body_required {
            quote!(body,)
        } else {
            quote!(body: None,)
        }
    });
    let method = quote! {
        #docs
        #deprecated
        pub fn #method_name(&self, #(#args),*) -> #builder<'_> {
            #builder { client: self, #(#inits,)* #body_init }
        }
    };

    // The builder.
    let fields = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = types.ty(&p.ty, None);
        if p.required && p.fallback.is_none() {
            quote!(#name: #ty,)
        } else {
            quote!(#name: Option<#ty>,)
        }
    });
    let body_field = body_ty.as_ref().map(|ty| {
        if body_required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let setters = optional.iter().map(|p| {
        let name = ident(&p.name);
        let ty = setter_ty(&p.ty, types);
        let mut doc = p
            .doc
            .clone()
            .unwrap_or_else(|| format!("Sets `{}`.", p.json));
        if let Some(fallback) = p.fallback {
            doc.push_str(match fallback {
                Fallback::Project => "\n\nDefaults to the client's project id.",
                Fallback::Organization => {
                    "\n\nDefaults to the client's organization id, else `@current`."
                }
            });
        }
        let docs = doc_attrs(Some(&doc));
        let value = match setter_kind(&p.ty) {
            SetterKind::Into => quote!(value.into()),
            SetterKind::Plain => quote!(value),
        };
        quote! {
            #docs
            pub fn #name(mut self, value: #ty) -> Self { self.#name = Some(#value); self }
        }
    });
    let body_setter = match (&op.body, &body_ty) {
        (Some((_, false)), Some(ty)) => Some(quote! {
            /// Sets the request body.
            pub fn body(mut self, value: #ty) -> Self { self.body = Some(value); self }
        }),
        _ => None,
    };

    // The path: literal pieces and encoded parameters, joined.
    let mut pieces = Vec::new();
    let mut bindings = Vec::new();
    let mut fallible = false;
    for piece in split_path(&op.path) {
        match piece {
            PathPiece::Literal(text) => pieces.push(quote!(#text)),
            PathPiece::Param(name) => {
                let Some(p) = op
                    .params
                    .iter()
                    .find(|p| p.location == Location::Path && p.json == name)
                else {
                    // An undeclared path parameter: the template text is sent as is.
                    let text = format!("{{{name}}}");
                    pieces.push(quote!(#text));
                    continue;
                };
                let field = ident(&p.name);
                let json = &p.json;
                let value = match p.fallback {
                    Some(Fallback::Project) => {
                        fallible = true;
                        bindings.push(
                            quote!(let #field = rt::project_id(client, self.#field, #json)?;),
                        );
                        quote!(&#field)
                    }
                    Some(Fallback::Organization) => {
                        bindings
                            .push(quote!(let #field = rt::organization_id(client, self.#field);));
                        quote!(&#field)
                    }
                    None => match p.ty {
                        Ty::String => quote!(&self.#field),
                        _ => quote!(&self.#field.to_string()),
                    },
                };
                pieces.push(quote!(&rt::encode_path(#value)));
            }
        }
    }
    let joined = quote!([#(#pieces),*].concat());
    let path_expr = if fallible {
        quote!((|| -> crate::Result<String> { #(#bindings)* Ok(#joined) })())
    } else {
        quote!({ #(#bindings)* Ok(#joined) })
    };
    let queries = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| {
            let name = ident(&p.name);
            let json = &p.json;
            let explode = p.explode;
            if p.required && p.fallback.is_none() {
                quote!(request.query(#json, Some(&self.#name), #explode);)
            } else {
                quote!(request.query(#json, self.#name.as_ref(), #explode);)
            }
        });
    let body_set = op
        .body
        .as_ref()
        .map(|(body, required)| match (body, required) {
            (BodyDef::Json(_), true) => quote!(request.body(rt::Body::json(&self.body));),
            (BodyDef::Json(_), false) => quote!(if let Some(body) = &self.body {
                request.body(rt::Body::json(body));
            }),
            (BodyDef::Multipart, true) => quote!(request.body(rt::Body::Multipart(self.body));),
            (BodyDef::Multipart, false) => quote!(if let Some(body) = self.body {
                request.body(rt::Body::Multipart(body));
            }),
        });
    let op_id = &op.id;
    let http_method = format_ident!("{}", op.method.to_uppercase());
    let template = &op.path;
    let bucket = format_ident!("{}", op.bucket.variant());

    let send = match &op.response {
        ResponseKind::Json(ty) => {
            let ty = types.ty(ty, None);
            quote! {
                /// Sends the request.
                #[inline]
                pub fn send(self) -> rt::JsonResponse<'a, #ty> { rt::JsonResponse::new(self.into_request()) }
            }
        }
        ResponseKind::AnyJson => quote! {
            /// Sends the request. The schema does not describe the response, so it is untyped JSON.
            #[inline]
            pub fn send(self) -> rt::ResponseFuture<'a, ::serde_json::Value> { self.into_request().any_json() }
        },
        ResponseKind::Empty => quote! {
            /// Sends the request.
            #[inline]
            pub fn send(self) -> rt::ResponseFuture<'a, ()> { self.into_request().empty() }
        },
        ResponseKind::Csv => quote! {
            /// Sends the request and returns the response body (CSV or another non-JSON format).
            #[inline]
            pub fn send(self) -> rt::ResponseFuture<'a, ::bytes::Bytes> { self.into_request().bytes("text/csv") }
        },
        ResponseKind::EventStream => quote! {
            /// Sends the request and streams the response's server-sent events.
            #[inline]
            pub fn send(self) -> rt::ResponseFuture<'a, rt::EventStream> {
                self.into_request().event_stream()
            }
        },
    };
    let csv = op.csv.then(|| {
        quote! {
            /// Sends the request asking for CSV (`Accept: text/csv`) and returns the body.
            #[inline]
            pub fn send_csv(self) -> rt::ResponseFuture<'a, ::bytes::Bytes> { self.into_request().bytes("text/csv") }
        }
    });
    let sse = op.event_stream.then(|| {
        quote! {
            /// Sends the request asking for server-sent events (`Accept: text/event-stream`) and streams them.
            #[inline]
            pub fn send_event_stream(self) -> rt::ResponseFuture<'a, rt::EventStream> {
                self.into_request().event_stream()
            }
        }
    });
    let paginate = match (&op.list_item, &op.response) {
        (Some(item), ResponseKind::Json(page)) => {
            let item = types.ty(item, None);
            let page = types.ty(page, None);
            Some(quote! {
                /// Streams every item of every page, following `next` lazily.
                #[inline]
                pub fn stream(self) -> rt::ResultStream<'a, #item> { rt::items(self.into_request()) }
                /// Streams every page, following `next` lazily.
                #[inline]
                pub fn pages(self) -> rt::ResultStream<'a, #page> { rt::pages(self.into_request()) }
            })
        }
        _ => None,
    };
    let builder_doc = format!(
        " A `{} {}` request: set optional parameters, then `send()` it. Made by [`Client::{}`](crate::Client::{}).",
        op.method.to_uppercase(),
        op.path,
        op.method_name,
        op.method_name
    );
    let item = quote! {
        #[doc = #builder_doc]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            #(#fields)*
            #body_field
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter
            #send
            #csv
            #sse
            #paginate

            #[inline]
            fn into_request(self) -> rt::Request<'a> {
                static META: rt::OperationMeta = rt::OperationMeta {
                    operation_id: #op_id,
                    method: rt::Method::#http_method,
                    path_template: #template,
                    bucket: rt::RateLimitBucket::#bucket,
                };
                let client = self.client;
                let path: crate::Result<String> = #path_expr;
                #[allow(unused_mut)]
                let mut request = rt::Request::new(client, &META, path);
                #(#queries)*
                #body_set
                request
            }
        }
    };
    (method, item)
}

enum SetterKind {
    Into,
    Plain,
}

fn setter_kind(ty: &Ty) -> SetterKind {
    if *ty == Ty::String {
        SetterKind::Into
    } else {
        SetterKind::Plain
    }
}

fn setter_ty(ty: &Ty, types: &TypeWriter<'_>) -> TokenStream {
    match setter_kind(ty) {
        SetterKind::Into => quote!(impl Into<String>),
        SetterKind::Plain => types.ty(ty, None),
    }
}

enum PathPiece<'a> {
    Literal(&'a str),
    Param(&'a str),
}

fn split_path(path: &str) -> Vec<PathPiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            pieces.push(PathPiece::Literal(&rest[..start]));
        }
        pieces.push(PathPiece::Param(&rest[start + 1..start + len]));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest));
    }
    pieces
}

/// Formats tokens as a file, with the generated-file preamble.
pub fn format_file(preamble: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    let text = prettyplease::unparse(&file);
    Ok(format!("{preamble}\n{}", format_macro_bodies(&text)))
}

/// prettyplease prints the body of a macro call on one line; the bodies of `string_enum!`,
/// `tagged_enum!` and `json_object!` read better with one attribute, variant or field per line.
fn format_macro_bodies(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut body: Option<(String, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        match &mut body {
            None if trimmed.starts_with("string_enum! {")
                || trimmed.starts_with("tagged_enum! {")
                || trimmed.starts_with("json_object! {") =>
            {
                out.push_str(line);
                out.push('\n');
                body = Some((format!("{indent}    "), String::new()));
            }
            Some((macro_indent, collected))
                if trimmed == "}" && indent.len() + 4 == macro_indent.len() =>
            {
                out.push_str(&break_macro_line(collected.trim(), macro_indent));
                out.push_str(line);
                out.push('\n');
                body = None;
            }
            Some((_, collected)) => {
                collected.push(' ');
                collected.push_str(trimmed);
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Breaks one macro body line after each attribute, after the opening brace of the variant
/// list, and after each variant.
fn break_macro_line(line: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let flush = |out: &mut String, current: &mut String, depth: i32| {
        let piece = current.trim();
        if !piece.is_empty() {
            out.push_str(indent);
            for _ in 0..depth.max(0) {
                out.push_str("    ");
            }
            out.push_str(piece);
            out.push('\n');
        }
        current.clear();
    };
    for c in line.chars() {
        if in_string {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '[' | '(' => {
                depth += 1;
                current.push(c);
            }
            ']' | ')' => {
                depth -= 1;
                current.push(c);
                if c == ']' && depth == 0 {
                    flush(&mut out, &mut current, 0);
                }
            }
            '{' if depth == 0 => {
                current.push(c);
                flush(&mut out, &mut current, 0);
                depth = 100;
            }
            '}' if depth == 100 => {
                flush(&mut out, &mut current, 1);
                depth = 0;
                current.push(c);
            }
            ',' if depth == 100 => {
                current.push(c);
                flush(&mut out, &mut current, 1);
            }
            _ => current.push(c),
        }
    }
    flush(&mut out, &mut current, 0);
    out
}

/// Groups with their operation counts, sorted by name.
pub fn group_counts(ops: &[OpDef]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops {
        *counts.entry(op.group.clone()).or_default() += 1;
    }
    counts.into_iter().collect()
}
