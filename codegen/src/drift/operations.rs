//! Operations as a client calls them (endpoint, parameters, request body, successful
//! response), read from a normalized document, and the diff of two schemas' operations.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::{ChangeKind, Direction, Place, Subject};
use super::schemas::{Context, Differ};
use super::shape::Document;
use crate::error::child;
use crate::fixups::is_json_media;

/// One operation, by the parts a client sends and receives.
pub(crate) struct Operation<'a> {
    pub id: String,
    /// Lowercase, as in the schema.
    pub method: String,
    pub path: String,
    pub deprecated: bool,
    pub pointer: String,
    /// By `(location, name)`.
    pub parameters: BTreeMap<(String, String), Parameter<'a>>,
    pub body: Option<Body<'a>>,
    pub response: Option<Body<'a>>,
}

impl Operation<'_> {
    /// `GET /api/projects/{project_id}/insights/`.
    pub(crate) fn endpoint(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The method and the path with its parameters unnamed (`/api/projects/{}/insights/`):
    /// renaming a path parameter does not move an operation (the parameter change is listed).
    fn endpoint_key(&self) -> (String, String) {
        let mut path = String::with_capacity(self.path.len());
        let mut in_parameter = false;
        for c in self.path.chars() {
            match c {
                '{' => {
                    in_parameter = true;
                    path.push_str("{}");
                }
                '}' => in_parameter = false,
                c if !in_parameter => path.push(c),
                _ => {}
            }
        }
        (self.method.clone(), path)
    }

    /// The last literal segment of the path (`viewed` in `/api/projects/{project_id}/insights/{id}/viewed/`):
    /// what the endpoint is about. An operationId found on another path is the same operation
    /// moved only when this stays; drf's bare ids (`create`, `list`) otherwise pair unrelated
    /// endpoints, such as project and organization creation.
    fn resource(&self) -> Option<&str> {
        self.path
            .split('/')
            .rfind(|s| !s.is_empty() && !s.starts_with('{'))
    }

    fn subject(&self) -> Subject {
        Subject::Operation {
            operation_id: self.id.clone(),
            method: self.method.to_uppercase(),
            path: self.path.clone(),
        }
    }
}

/// A parameter.
pub(crate) struct Parameter<'a> {
    pub required: bool,
    pub schema: Option<&'a Value>,
    /// Where the parameter is defined (in `components.parameters` when referenced).
    pub pointer: String,
}

/// A request body or a successful response's body.
pub(crate) struct Body<'a> {
    pub required: bool,
    pub media: String,
    pub schema: Option<&'a Value>,
    /// Where the body's schema is (or would be).
    pub pointer: String,
}

/// Every operation of a document, by operationId. Normalization gave every operation a unique
/// id; should two still share one, the first is kept.
pub(crate) fn collect<'a>(doc: &Document<'a>) -> BTreeMap<String, Operation<'a>> {
    let mut out = BTreeMap::new();
    for (path, item) in doc
        .root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_pointer = child("#/paths", path);
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<(&Value, String)> = parameter_list(item.get("parameters"), &item_pointer);
        for method in crate::METHODS {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            let pointer = child(&item_pointer, method);
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{method} {path}"));
            let mut parameters = BTreeMap::new();
            // Operation-level parameters override path-level ones of the same name and location.
            for (value, at) in shared
                .iter()
                .cloned()
                .chain(parameter_list(op.get("parameters"), &pointer))
            {
                if let Some((key, parameter)) = read_parameter(doc, value, at) {
                    parameters.insert(key, parameter);
                }
            }
            let operation = Operation {
                id: id.clone(),
                method: method.to_owned(),
                path: path.clone(),
                deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
                body: op
                    .get("requestBody")
                    .and_then(|b| read_body(doc, b, &child(&pointer, "requestBody"))),
                response: read_response(doc, op.get("responses"), &child(&pointer, "responses")),
                parameters,
                pointer,
            };
            out.entry(id).or_insert(operation);
        }
    }
    out
}

fn parameter_list<'a>(list: Option<&'a Value>, pointer: &str) -> Vec<(&'a Value, String)> {
    let at = child(pointer, "parameters");
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, p)| (p, child(&at, &i.to_string())))
        .collect()
}

/// A value behind a `$ref`, with the pointer of where it really is.
fn follow<'a>(
    doc: &Document<'a>,
    value: &'a Value,
    pointer: String,
) -> Option<(&'a Value, String)> {
    let at = match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.to_owned(),
        None => pointer,
    };
    Some((doc.follow(value)?, at))
}

fn read_parameter<'a>(
    doc: &Document<'a>,
    value: &'a Value,
    pointer: String,
) -> Option<((String, String), Parameter<'a>)> {
    let (value, pointer) = follow(doc, value, pointer)?;
    let location = value.get("in")?.as_str()?.to_owned();
    let name = value.get("name")?.as_str()?.to_owned();
    let (schema, pointer) = match value.get("schema") {
        Some(schema) => (Some(schema), child(&pointer, "schema")),
        // A parameter may give its schema by media type instead.
        None => match value
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.iter().next())
        {
            Some((media, content)) => (
                content.get("schema"),
                child(&child(&child(&pointer, "content"), media), "schema"),
            ),
            None => (None, pointer),
        },
    };
    let required = location == "path" || value.get("required") == Some(&Value::Bool(true));
    Some((
        (location, name),
        Parameter {
            required,
            schema,
            pointer,
        },
    ))
}

/// The body of a request body or a response: the JSON content if there is one (what the
/// generated client sends and reads), else the first.
fn read_content<'a>(content: &'a Value, pointer: &str, required: bool) -> Option<Body<'a>> {
    let content = content.as_object()?;
    let (media, item) = content
        .iter()
        .find(|(m, _)| is_json_media(m))
        .or_else(|| content.iter().next())?;
    let at = child(&child(pointer, "content"), media);
    Some(Body {
        required,
        media: media.clone(),
        schema: item.get("schema"),
        pointer: child(&at, "schema"),
    })
}

fn read_body<'a>(doc: &Document<'a>, value: &'a Value, pointer: &str) -> Option<Body<'a>> {
    let (value, pointer) = follow(doc, value, pointer.to_owned())?;
    let required = value.get("required") == Some(&Value::Bool(true));
    read_content(value.get("content")?, &pointer, required)
}

/// The successful response the generated client reads: the first 2xx with a body, in order
/// of status, as the generator picks it.
fn read_response<'a>(
    doc: &Document<'a>,
    responses: Option<&'a Value>,
    pointer: &str,
) -> Option<Body<'a>> {
    let mut successes: Vec<(u16, &String, &Value)> = responses
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(code, response)| match code.parse::<u16>() {
            Ok(n) if (200..300).contains(&n) => Some((n, code, response)),
            _ if code.eq_ignore_ascii_case("2XX") => Some((299, code, response)),
            _ => None,
        })
        .collect();
    successes.sort_by_key(|(n, _, _)| *n);
    successes.into_iter().find_map(|(_, code, response)| {
        let (response, at) = follow(doc, response, child(pointer, code))?;
        read_content(response.get("content")?, &at, true)
    })
}

fn is_json(body: &Body<'_>) -> bool {
    is_json_media(&body.media)
}

/// Compares the operations of two schemas.
pub(crate) fn diff<'o, 'a>(
    old_doc: &Document<'_>,
    new_doc: &Document<'_>,
    old: &'o BTreeMap<String, Operation<'a>>,
    new: &'o BTreeMap<String, Operation<'a>>,
    changes: &mut Vec<super::model::Change>,
) {
    // Operations are matched by endpoint first: drf numbers the operationIds of endpoints that
    // share a name in the order it meets them, so an id can pass to another endpoint while
    // both endpoints stay. What is left is matched by operationId when the path still names
    // the same resource: an endpoint moved.
    let by_endpoint = |ops: &'o BTreeMap<String, Operation<'a>>| {
        let mut map: BTreeMap<(String, String), Vec<&'o Operation<'a>>> = BTreeMap::new();
        for op in ops.values() {
            map.entry(op.endpoint_key()).or_default().push(op);
        }
        map
    };
    let (old_by_endpoint, new_by_endpoint) = (by_endpoint(old), by_endpoint(new));
    let mut pairs: Vec<(&Operation<'_>, &Operation<'_>)> = Vec::new();
    let mut matched_old = BTreeSet::new();
    let mut matched_new = BTreeSet::new();
    for (key, before) in &old_by_endpoint {
        if let ([before], Some([after])) = (
            before.as_slice(),
            new_by_endpoint.get(key).map(Vec::as_slice),
        ) {
            pairs.push((before, after));
            matched_old.insert(before.id.as_str());
            matched_new.insert(after.id.as_str());
        }
    }
    let unmatched: Vec<&Operation<'_>> = old
        .values()
        .filter(|op| !matched_old.contains(op.id.as_str()))
        .collect();
    for before in unmatched {
        if let Some(after) = new
            .get(&before.id)
            .filter(|op| !matched_new.contains(op.id.as_str()))
            .filter(|op| op.resource() == before.resource())
        {
            pairs.push((before, after));
            matched_old.insert(before.id.as_str());
            matched_new.insert(after.id.as_str());
        }
    }

    for (before, after) in pairs {
        let mut differ = Differ::new(old_doc, new_doc, changes);
        compare(&mut differ, before, after);
    }
    for op in old
        .values()
        .filter(|op| !matched_old.contains(op.id.as_str()))
    {
        let mut differ = Differ::new(old_doc, new_doc, changes);
        let context = Context {
            subject: op.subject(),
            place: Place::Itself,
            direction: Direction::Both,
        };
        differ.emit(&context, ChangeKind::OperationRemoved, &op.pointer);
    }
    for op in new
        .values()
        .filter(|op| !matched_new.contains(op.id.as_str()))
    {
        let mut differ = Differ::new(old_doc, new_doc, changes);
        let context = Context {
            subject: op.subject(),
            place: Place::Itself,
            direction: Direction::Both,
        };
        let added = ChangeKind::OperationAdded {
            deprecated: op.deprecated,
        };
        differ.emit(&context, added, &op.pointer);
    }
}

fn compare(differ: &mut Differ<'_, '_>, old: &Operation<'_>, new: &Operation<'_>) {
    let subject = new.subject();
    let itself = Context {
        subject: subject.clone(),
        place: Place::Itself,
        direction: Direction::Both,
    };
    if old.id != new.id {
        differ.emit(
            &itself,
            ChangeKind::OperationRenamed {
                from_operation_id: old.id.clone(),
            },
            &new.pointer,
        );
    }
    if old.endpoint_key() != new.endpoint_key() {
        differ.emit(
            &itself,
            ChangeKind::OperationMoved {
                from: old.endpoint(),
            },
            &new.pointer,
        );
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => differ.emit(&itself, ChangeKind::OperationDeprecated, &new.pointer),
        (true, false) => differ.emit(&itself, ChangeKind::OperationUndeprecated, &new.pointer),
        _ => {}
    }

    let renames = path_parameter_renames(old, new);
    let mut keys: BTreeSet<&(String, String)> =
        old.parameters.keys().chain(new.parameters.keys()).collect();
    for (from, to) in &renames {
        keys.remove(from);
        keys.remove(to);
    }
    let parameter_context = |(location, name): &(String, String)| Context {
        subject: subject.clone(),
        place: Place::Parameter {
            location: location.clone(),
            name: name.clone(),
            path: String::new(),
        },
        direction: Direction::Request,
    };
    for (from, to) in &renames {
        let (Some(before), Some(after)) = (old.parameters.get(from), new.parameters.get(to)) else {
            continue;
        };
        let context = parameter_context(to);
        differ.emit(
            &context,
            ChangeKind::ParameterRenamed {
                from: from.1.clone(),
            },
            &after.pointer,
        );
        let null = Value::Null;
        differ.values(
            before.schema.unwrap_or(&null),
            &before.pointer,
            after.schema.unwrap_or(&null),
            &after.pointer,
            &context,
        );
    }
    for key in keys {
        let context = parameter_context(key);
        match (old.parameters.get(key), new.parameters.get(key)) {
            (None, Some(added)) => differ.emit(
                &context,
                ChangeKind::ParameterAdded {
                    required: added.required,
                },
                &added.pointer,
            ),
            (Some(removed), None) => {
                differ.emit(&context, ChangeKind::ParameterRemoved, &removed.pointer)
            }
            (Some(before), Some(after)) => {
                requiredness(
                    differ,
                    &context,
                    (before.required, after.required),
                    [
                        ChangeKind::ParameterMadeRequired,
                        ChangeKind::ParameterMadeOptional,
                    ],
                    &after.pointer,
                );
                let null = Value::Null;
                differ.values(
                    before.schema.unwrap_or(&null),
                    &before.pointer,
                    after.schema.unwrap_or(&null),
                    &after.pointer,
                    &context,
                );
            }
            (None, None) => {}
        }
    }

    let request = Context {
        subject: subject.clone(),
        place: Place::RequestBody {
            path: String::new(),
        },
        direction: Direction::Request,
    };
    match (&old.body, &new.body) {
        (None, Some(added)) => differ.emit(
            &request,
            ChangeKind::RequestBodyAdded {
                required: added.required,
            },
            &added.pointer,
        ),
        (Some(removed), None) => {
            differ.emit(&request, ChangeKind::RequestBodyRemoved, &removed.pointer)
        }
        (Some(before), Some(after)) => {
            requiredness(
                differ,
                &request,
                (before.required, after.required),
                [
                    ChangeKind::RequestBodyMadeRequired,
                    ChangeKind::RequestBodyMadeOptional,
                ],
                &after.pointer,
            );
            bodies(differ, before, after, &request);
        }
        (None, None) => {}
    }

    let response = Context {
        subject,
        place: Place::Response {
            path: String::new(),
        },
        direction: Direction::Response,
    };
    match (&old.response, &new.response) {
        (None, Some(added)) => {
            differ.emit(&response, ChangeKind::ResponseBodyAdded, &added.pointer)
        }
        (Some(removed), None) => {
            differ.emit(&response, ChangeKind::ResponseBodyRemoved, &removed.pointer)
        }
        (Some(before), Some(after)) => bodies(differ, before, after, &response),
        (None, None) => {}
    }
}

/// Reports a parameter or body made required (`kinds[0]`) or optional (`kinds[1]`).
fn requiredness(
    differ: &mut Differ<'_, '_>,
    context: &Context,
    (before, after): (bool, bool),
    [made_required, made_optional]: [ChangeKind; 2],
    pointer: &str,
) {
    match (before, after) {
        (false, true) => differ.emit(context, made_required, pointer),
        (true, false) => differ.emit(context, made_optional, pointer),
        _ => {}
    }
}

/// Path parameters named differently at the same place of the same path
/// (`/api/environments/{project_id}/` and `/api/environments/{environment_id}/`).
fn path_parameter_renames(
    old: &Operation<'_>,
    new: &Operation<'_>,
) -> Vec<((String, String), (String, String))> {
    fn names(path: &str) -> Vec<&str> {
        path.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }
    if old.endpoint_key() != new.endpoint_key() {
        return Vec::new();
    }
    let key = |name: &str| ("path".to_owned(), name.to_owned());
    names(&old.path)
        .into_iter()
        .zip(names(&new.path))
        .filter(|(a, b)| {
            a != b && !new.parameters.contains_key(&key(a)) && !old.parameters.contains_key(&key(b))
        })
        .map(|(a, b)| (key(a), key(b)))
        .collect()
}

/// Two bodies: JSON against JSON compares their schemas; any other change of media type
/// changes what the client sends or reads.
fn bodies(differ: &mut Differ<'_, '_>, before: &Body<'_>, after: &Body<'_>, context: &Context) {
    if is_json(before) && is_json(after) {
        let null = Value::Null;
        differ.values(
            before.schema.unwrap_or(&null),
            &before.pointer,
            after.schema.unwrap_or(&null),
            &after.pointer,
            context,
        );
    } else if before.media != after.media {
        differ.emit(
            context,
            ChangeKind::MediaTypeChanged {
                from: before.media.clone(),
                to: after.media.clone(),
            },
            &after.pointer,
        );
    }
}
