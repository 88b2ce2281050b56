//! Operations: every path and method becomes an [`OpDef`] with typed parameters, body and
//! response, its product group and its rate-limit bucket.

use std::collections::BTreeSet;

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response,
    StatusCode,
};

use crate::error::child;
use crate::fixups::is_json_media;
use crate::naming;
use crate::ratelimit::{self, Bucket};
use crate::report::DegradedItem;
use crate::typegen::{Kind, Ty, TypeSpace};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// In the path.
    Path,
    /// In the query string.
    Query,
}

/// Where a path parameter's value comes from when the call does not give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// The client's default project (`project_id`, `environment_id`).
    Project,
    /// The client's default organization, else `@current`.
    Organization,
}

/// A parameter of an operation.
#[derive(Clone, Debug)]
pub struct ParamDef {
    /// The name in the path or query.
    pub json: String,
    /// The Rust name, without `r#`.
    pub name: String,
    /// Its type, without `Option`.
    pub ty: Ty,
    /// Path or query.
    pub location: Location,
    /// Whether the operation needs it.
    pub required: bool,
    /// For arrays in the query: repeat the name per item.
    pub explode: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// A client default for path parameters.
    pub fallback: Option<Fallback>,
}

/// A request body.
#[derive(Clone, Debug)]
pub enum BodyDef {
    /// JSON of a type.
    Json(Ty),
    /// A multipart form (file uploads).
    Multipart,
}

/// What a successful response holds.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseKind {
    /// JSON of a type.
    Json(Ty),
    /// JSON the schema does not describe.
    AnyJson,
    /// Nothing.
    Empty,
    /// CSV bytes.
    Csv,
    /// Server-sent events.
    EventStream,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct OpDef {
    /// The operationId (after fixups).
    pub id: String,
    /// The `Client` method name.
    pub method_name: String,
    /// The request builder's type name.
    pub builder: String,
    /// `get`, `post`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// Documentation: summary and description.
    pub doc: Option<String>,
    /// Whether the schema marks it deprecated.
    pub deprecated: bool,
    /// The product group (a cargo feature).
    pub group: String,
    /// Parameters: path first, in path order, then query.
    pub params: Vec<ParamDef>,
    /// The body, and whether it is required.
    pub body: Option<(BodyDef, bool)>,
    /// The main response.
    pub response: ResponseKind,
    /// Whether a `text/csv` form of the response is offered beside JSON.
    pub csv: bool,
    /// Whether a `text/event-stream` form of the response is offered beside JSON.
    pub event_stream: bool,
    /// The element type of `results`, for paginated lists.
    pub list_item: Option<Ty>,
    /// The rate-limit bucket.
    pub bucket: Bucket,
    /// The JSON pointer of the operation.
    pub pointer: String,
}

/// Methods of the hand-written `Client` that operations must not take.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "host",
    "http",
    "clone",
    "fmt",
    "personal_api_key",
    "project_id",
    "organization_id",
];

/// Builder methods that parameters must not take.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "send_csv",
    "send_event_stream",
    "stream",
    "pages",
    "body",
    "into_request",
    "client",
];

/// Collects every operation. Parameters, bodies and responses are typed through `types`.
pub fn collect(
    api: &OpenAPI,
    types: &mut TypeSpace<'_>,
    degraded: &mut Vec<DegradedItem>,
) -> Vec<OpDef> {
    let mut ops = Vec::new();
    let mut method_names = BTreeSet::new();
    let mut builder_names = BTreeSet::new();
    for (path, item) in &api.paths.paths {
        let item_pointer = child("#/paths", path);
        let ReferenceOr::Item(item) = item else {
            degraded.push(DegradedItem {
                pointer: item_pointer,
                reason: "path item `$ref` is not supported; its operations are not generated"
                    .into(),
            });
            continue;
        };
        for (method, op) in item.iter() {
            let pointer = child(&item_pointer, method);
            let mut all_params: Vec<&ReferenceOr<Parameter>> = item.parameters.iter().collect();
            all_params.extend(op.parameters.iter());
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method}_{path}"));
            let method_name = {
                let base = naming::snake(&id);
                let base = if CLIENT_METHODS.contains(&base.as_str()) {
                    format!("{base}_operation")
                } else {
                    base
                };
                naming::unique_snake(&mut method_names, &base)
            };
            let builder = naming::unique(
                &mut builder_names,
                &format!("{}Request", naming::camel(&method_name)),
            );
            let hint = naming::camel(&method_name);
            let params = params(api, &all_params, path, &hint, &pointer, types, degraded);
            let body = op.request_body.as_ref().and_then(|b| {
                body(
                    api,
                    b,
                    &hint,
                    &child(&pointer, "requestBody"),
                    types,
                    degraded,
                )
            });
            let (response, csv, event_stream) = response(api, op, method, &hint, &pointer, types);
            let list_item = list_item(&response, types);
            ops.push(OpDef {
                id,
                method_name,
                builder,
                method: method.to_owned(),
                path: path.clone(),
                doc: op_doc(op),
                deprecated: op.deprecated,
                group: group_of(op),
                params,
                body,
                response,
                csv,
                event_stream,
                list_item,
                bucket: ratelimit::bucket(method, path),
                pointer,
            });
        }
    }
    ops
}

fn op_doc(op: &Operation) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(summary) = op
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        parts.push(naming::doc_text(summary));
    }
    if let Some(description) = op
        .description
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        && op.summary.as_deref().map(str::trim) != Some(description)
    {
        parts.push(naming::doc_text(description));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The product group: the first of `x-explicit-tags`, else `x-product`, else the first tag.
pub fn group_of(op: &Operation) -> String {
    let mut value = serde_json::Map::new();
    for (key, extension) in &op.extensions {
        value.insert(key.clone(), extension.clone());
    }
    value.insert("tags".into(), serde_json::Value::from(op.tags.clone()));
    crate::subset::group_of(&serde_json::Value::Object(value))
}

#[allow(clippy::too_many_arguments)]
fn params(
    api: &OpenAPI,
    all: &[&ReferenceOr<Parameter>],
    path: &str,
    hint: &str,
    pointer: &str,
    types: &mut TypeSpace<'_>,
    degraded: &mut Vec<DegradedItem>,
) -> Vec<ParamDef> {
    let mut resolved: Vec<(Parameter, String)> = Vec::new();
    for (i, param) in all.iter().enumerate() {
        let param_pointer = child(&child(pointer, "parameters"), &i.to_string());
        match param {
            ReferenceOr::Item(p) => resolved.push((p.clone(), param_pointer)),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|name| api.components.as_ref()?.parameters.get(name));
                match target {
                    Some(ReferenceOr::Item(p)) => {
                        types.fixups.count("fix_parameter_refs");
                        resolved.push((p.clone(), param_pointer));
                    }
                    _ => degraded.push(DegradedItem {
                        pointer: param_pointer,
                        reason: format!("parameter reference `{reference}` does not resolve to a parameter; it is not sent"),
                    }),
                }
            }
        }
    }
    // Operation-level parameters override path-level ones of the same name and location.
    let mut seen = BTreeSet::new();
    let mut unique = Vec::new();
    for (param, p) in resolved.into_iter().rev() {
        let data = param.parameter_data_ref();
        let location = match &param {
            Parameter::Path { .. } => 0,
            Parameter::Query { .. } => 1,
            Parameter::Header { .. } => 2,
            Parameter::Cookie { .. } => 3,
        };
        let key = (data.name.clone(), location);
        if seen.insert(key) {
            unique.push((param, p));
        }
    }
    unique.reverse();

    let path_order: Vec<&str> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    let mut taken: BTreeSet<String> = BUILDER_METHODS.iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::new();
    for (param, param_pointer) in unique {
        let (location, explode_default) = match &param {
            Parameter::Path { .. } => (Location::Path, false),
            Parameter::Query { style, .. } => (
                Location::Query,
                matches!(style, openapiv3::QueryStyle::Form),
            ),
            Parameter::Header { .. } | Parameter::Cookie { .. } => {
                degraded.push(DegradedItem {
                    pointer: param_pointer,
                    reason: "header and cookie parameters are not generated; the client sets its own headers".into(),
                });
                continue;
            }
        };
        let data = param.parameter_data_ref();
        let ty = match &data.format {
            // A path segment is text: an inline union or object there is taken as a string
            // rather than given a type of its own.
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema))
                if location == Location::Path && !is_scalar(schema) =>
            {
                Ty::String
            }
            ParameterSchemaOrContent::Schema(schema) => types.ty(
                schema,
                &format!("{hint}{}", naming::camel(&data.name)),
                &child(&param_pointer, "schema"),
            ),
            ParameterSchemaOrContent::Content(_) => Ty::Any,
        };
        let ty = match ty {
            Ty::Option(inner) => *inner,
            other => other,
        };
        // A path segment is text: a parameter typed as a union or an object is taken as a string.
        let ty = match (&ty, location) {
            (Ty::Named(id), Location::Path)
                if !matches!(
                    types.defs.get(*id).map(|d| &d.kind),
                    Some(Kind::StringEnum { .. })
                ) =>
            {
                Ty::String
            }
            (Ty::Any | Ty::Object | Ty::Vec(_) | Ty::Map(_), Location::Path) => Ty::String,
            _ => ty,
        };
        let explode = data.explode.unwrap_or(explode_default);
        let fallback = match (location, data.name.as_str()) {
            (Location::Path, "project_id" | "environment_id") => Some(Fallback::Project),
            (Location::Path, "organization_id") => Some(Fallback::Organization),
            _ => None,
        };
        let base = naming::snake(&data.name);
        let name = naming::unique_snake(&mut taken, &base);
        out.push(ParamDef {
            json: data.name.clone(),
            name,
            ty,
            location,
            required: data.required || location == Location::Path,
            explode,
            doc: data.description.as_deref().map(naming::doc_text),
            fallback,
        });
    }
    out.sort_by_key(|p| match p.location {
        Location::Path => (
            0,
            path_order
                .iter()
                .position(|n| *n == p.json)
                .unwrap_or(usize::MAX),
        ),
        Location::Query => (1, 0),
    });
    out
}

fn is_scalar(schema: &openapiv3::Schema) -> bool {
    use openapiv3::{SchemaKind, Type};
    matches!(
        schema.schema_kind,
        SchemaKind::Type(Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_))
    )
}

fn body(
    api: &OpenAPI,
    body: &ReferenceOr<RequestBody>,
    hint: &str,
    pointer: &str,
    types: &mut TypeSpace<'_>,
    degraded: &mut Vec<DegradedItem>,
) -> Option<(BodyDef, bool)> {
    let body = match body {
        ReferenceOr::Item(b) => b.clone(),
        ReferenceOr::Reference { reference } => {
            match reference
                .strip_prefix("#/components/requestBodies/")
                .and_then(|n| api.components.as_ref()?.request_bodies.get(n))
            {
                Some(ReferenceOr::Item(b)) => b.clone(),
                _ => {
                    degraded.push(DegradedItem {
                        pointer: pointer.to_owned(),
                        reason: format!("request body reference `{reference}` does not resolve"),
                    });
                    return None;
                }
            }
        }
    };
    let (media, content) = body
        .content
        .iter()
        .find(|(m, _)| is_json_media(m))
        .or_else(|| body.content.first())?;
    if is_json_media(media) {
        let ty = match &content.schema {
            Some(schema) => types.ty(
                schema,
                &format!("{hint}Body"),
                &child(&child(&child(pointer, "content"), media), "schema"),
            ),
            None => Ty::Any,
        };
        let ty = match ty {
            Ty::Option(inner) => *inner,
            other => other,
        };
        Some((BodyDef::Json(ty), body.required))
    } else if media.starts_with("multipart/") {
        Some((BodyDef::Multipart, body.required))
    } else {
        degraded.push(DegradedItem {
            pointer: child(&child(pointer, "content"), media),
            reason: format!("request body media type `{media}` is sent as a multipart form"),
        });
        Some((BodyDef::Multipart, body.required))
    }
}

fn response(
    api: &OpenAPI,
    op: &Operation,
    method: &str,
    hint: &str,
    pointer: &str,
    types: &mut TypeSpace<'_>,
) -> (ResponseKind, bool, bool) {
    let mut successes: Vec<(u16, &ReferenceOr<Response>, String)> = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(n) if (200..300).contains(n) => Some((*n, r, n.to_string())),
            StatusCode::Range(2) => Some((299, r, "2XX".to_owned())),
            _ => None,
        })
        .collect();
    successes.sort_by_key(|(n, _, _)| *n);
    let mut no_content = false;
    for (code, response, key) in &successes {
        let response = match response {
            ReferenceOr::Item(r) => r.clone(),
            ReferenceOr::Reference { reference } => {
                match reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|n| api.components.as_ref()?.responses.get(n))
                {
                    Some(ReferenceOr::Item(r)) => r.clone(),
                    _ => continue,
                }
            }
        };
        if *code == 204 || response.content.is_empty() {
            no_content = true;
            continue;
        }
        let response_pointer = child(&child(pointer, "responses"), key);
        let csv = response.content.keys().any(|m| m.starts_with("text/csv"));
        let sse = response
            .content
            .keys()
            .any(|m| m.starts_with("text/event-stream"));
        if csv {
            types.fixups.count("fix_csv_responses");
        }
        if sse {
            types.fixups.count("fix_event_stream_responses");
        }
        let json = response.content.iter().find(|(m, _)| is_json_media(m));
        let kind = match json {
            Some((media, content)) => match &content.schema {
                Some(schema) => {
                    let schema_pointer = child(
                        &child(&child(&response_pointer, "content"), media),
                        "schema",
                    );
                    match types.ty(schema, &format!("{hint}Response"), &schema_pointer) {
                        Ty::Any => ResponseKind::AnyJson,
                        ty => ResponseKind::Json(ty),
                    }
                }
                None => {
                    types.fixups.count("fix_missing_success_schema");
                    ResponseKind::AnyJson
                }
            },
            None if csv => return (ResponseKind::Csv, false, false),
            None if sse => return (ResponseKind::EventStream, false, false),
            // Another media type (an image, a file): the bytes, as for CSV.
            None => return (ResponseKind::Csv, false, false),
        };
        return (kind, csv, sse);
    }
    if no_content && (method == "delete" || successes.iter().any(|(n, _, _)| *n == 204)) {
        return (ResponseKind::Empty, false, false);
    }
    // drf-spectacular leaves the body of many custom actions undeclared (`200` with a
    // description only), yet they answer JSON. Returning untyped JSON keeps that data.
    types.fixups.count("fix_missing_success_schema");
    (ResponseKind::AnyJson, false, false)
}

/// The element type of a paginated list response (`{next, previous, results}`).
fn list_item(response: &ResponseKind, types: &TypeSpace<'_>) -> Option<Ty> {
    let ResponseKind::Json(Ty::Named(id)) = response else {
        return None;
    };
    let Kind::Struct(fields) = &types.defs.get(*id)?.kind else {
        return None;
    };
    let has_next = fields.iter().any(|f| f.json == "next");
    let results = fields.iter().find(|f| f.json == "results")?;
    let item = match &results.ty {
        Ty::Vec(item) => (**item).clone(),
        Ty::Option(inner) => match inner.as_ref() {
            Ty::Vec(item) => (**item).clone(),
            _ => return None,
        },
        _ => return None,
    };
    has_next.then_some(item)
}
