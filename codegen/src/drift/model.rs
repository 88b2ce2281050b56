//! What a drift report is made of: changes, where they are, and the rules that classify each
//! one as breaking or compatible for a client user.

use serde::Serialize;

/// Whether a change can break a client user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Code written against the old API can fail: a call no longer exists, a request the
    /// server now rejects, a response value the client did not expect.
    Breaking,
    /// An existing client keeps working.
    Compatible,
}

/// Which way the data of a change travels, which decides whether it is breaking: a new
/// required field breaks requests but not responses; a removed enum value breaks requests only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Sent by the client: parameters and request bodies.
    Request,
    /// Received by the client.
    Response,
    /// Both sent and received (a schema used by request and response bodies).
    Both,
    /// Neither: a schema no operation uses, or a `readOnly` field in a request.
    Unused,
}

impl Direction {
    /// The direction of a property inside data that travels `self`: `readOnly` properties are
    /// only received and `writeOnly` ones only sent.
    pub(crate) fn of_property(self, read_only: bool, write_only: bool) -> Direction {
        match (self, read_only, write_only) {
            (Direction::Both, true, false) => Direction::Response,
            (Direction::Both, false, true) => Direction::Request,
            (Direction::Request, true, _) | (Direction::Response, _, true) => Direction::Unused,
            (direction, _, _) => direction,
        }
    }

    /// The direction of something used both ways.
    pub(crate) fn join(self, other: Direction) -> Direction {
        match (self, other) {
            (Direction::Unused, d) | (d, Direction::Unused) => d,
            (a, b) if a == b => a,
            _ => Direction::Both,
        }
    }

    fn sends(self) -> bool {
        matches!(self, Direction::Request | Direction::Both)
    }

    fn receives(self) -> bool {
        matches!(self, Direction::Response | Direction::Both)
    }
}

/// What a change is about: an operation or a component schema.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// An operation, by its operationId (after normalization), with its endpoint in the `to`
    /// schema (in the `from` schema when it was removed).
    Operation {
        /// The operationId.
        operation_id: String,
        /// `GET`, `POST`, ...
        method: String,
        /// The path template.
        path: String,
    },
    /// A component schema (`#/components/schemas/<name>`).
    Schema {
        /// Its name in the schema.
        name: String,
        /// How operations use it, in either schema.
        usage: Direction,
    },
}

/// Where inside its subject a change is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum Place {
    /// The operation or schema itself.
    Itself,
    /// A parameter of an operation.
    Parameter {
        /// `path`, `query`, `header` or `cookie`.
        location: String,
        /// Its name.
        name: String,
        /// Inside its schema (`[]` for array items); empty for the parameter itself.
        path: String,
    },
    /// The request body of an operation.
    RequestBody {
        /// The field (`filters.events[].id`); empty for the body itself.
        path: String,
    },
    /// The successful response of an operation.
    Response {
        /// The field (`results[].name`); empty for the body itself.
        path: String,
    },
    /// Inside a component schema.
    Field {
        /// The field (`tiles[].insight`).
        path: String,
    },
}

impl Place {
    /// The same place, one level deeper.
    pub(crate) fn child(&self, segment: &str) -> Place {
        let join = |path: &str| {
            if path.is_empty() {
                segment.to_owned()
            } else if segment.starts_with('[')
                || segment.starts_with('{')
                || segment.starts_with('<')
            {
                format!("{path}{segment}")
            } else {
                format!("{path}.{segment}")
            }
        };
        match self {
            Place::Itself => Place::Field {
                path: segment.to_owned(),
            },
            Place::Parameter {
                location,
                name,
                path,
            } => Place::Parameter {
                location: location.clone(),
                name: name.clone(),
                path: join(path),
            },
            Place::RequestBody { path } => Place::RequestBody { path: join(path) },
            Place::Response { path } => Place::Response { path: join(path) },
            Place::Field { path } => Place::Field { path: join(path) },
        }
    }
}

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// The operation is gone.
    OperationRemoved,
    /// The operation is new.
    OperationAdded {
        /// Whether it is deprecated already (PostHog adds deprecated duplicates of endpoints).
        deprecated: bool,
    },
    /// The operation is now deprecated.
    OperationDeprecated,
    /// The operation is no longer deprecated.
    OperationUndeprecated,
    /// The operationId now names another path or method.
    OperationMoved {
        /// The endpoint in the `from` schema (`GET /api/...`).
        from: String,
    },
    /// The endpoint now has another operationId (the Rust method is renamed).
    OperationRenamed {
        /// The operationId in the `from` schema.
        from_operation_id: String,
    },
    /// A parameter is new.
    ParameterAdded {
        /// Whether calls must give it.
        required: bool,
    },
    /// A parameter is gone.
    ParameterRemoved,
    /// A path parameter has another name at the same place in the path: the URL is the same.
    ParameterRenamed {
        /// Its name in the `from` schema.
        from: String,
    },
    /// A parameter must now be given.
    ParameterMadeRequired,
    /// A parameter may now be left out.
    ParameterMadeOptional,
    /// The operation now takes a body.
    RequestBodyAdded {
        /// Whether calls must send it.
        required: bool,
    },
    /// The operation no longer takes a body.
    RequestBodyRemoved,
    /// The body must now be sent.
    RequestBodyMadeRequired,
    /// The body may now be left out.
    RequestBodyMadeOptional,
    /// The successful response now has a body.
    ResponseBodyAdded,
    /// The successful response no longer has a body.
    ResponseBodyRemoved,
    /// The media type of a body changed (`application/json` to `text/csv`).
    MediaTypeChanged {
        /// Before.
        from: String,
        /// After.
        to: String,
    },
    /// A field is new.
    FieldAdded {
        /// Whether the field is required.
        required: bool,
    },
    /// A field is gone.
    FieldRemoved,
    /// A field is now required.
    FieldMadeRequired,
    /// A field is now optional.
    FieldMadeOptional,
    /// A value may now be `null`.
    MadeNullable,
    /// A value may no longer be `null`.
    MadeNonNullable,
    /// The type of a value changed.
    TypeChanged {
        /// Before (`string`, `array of Insight`, ...).
        from: String,
        /// After.
        to: String,
    },
    /// An enum accepts a new value.
    EnumValueAdded {
        /// The value, as JSON (`"DAY"`).
        value: String,
    },
    /// An enum lost a value.
    EnumValueRemoved {
        /// The value, as JSON.
        value: String,
    },
    /// A `oneOf`/`anyOf` has a new member.
    VariantAdded {
        /// The member (a schema name or a type).
        variant: String,
    },
    /// A `oneOf`/`anyOf` lost a member.
    VariantRemoved {
        /// The member.
        variant: String,
    },
    /// A component schema is new.
    SchemaAdded,
    /// A component schema is gone.
    SchemaRemoved,
}

impl ChangeKind {
    /// Classifies the change for a client user, given which way its data travels.
    pub fn severity(&self, direction: Direction) -> Severity {
        use ChangeKind as K;
        let breaking = match self {
            K::OperationAdded { .. } | K::OperationDeprecated | K::OperationUndeprecated => false,
            K::OperationRemoved | K::OperationMoved { .. } | K::OperationRenamed { .. } => true,
            K::ParameterAdded { required } | K::RequestBodyAdded { required } => *required,
            K::ParameterRemoved
            | K::ParameterMadeRequired
            | K::RequestBodyRemoved
            | K::RequestBodyMadeRequired => true,
            K::ParameterMadeOptional | K::RequestBodyMadeOptional | K::ResponseBodyAdded => false,
            // The URL a call builds is the same; only the generated setter's name changes.
            K::ParameterRenamed { .. } => false,
            K::ResponseBodyRemoved | K::MediaTypeChanged { .. } => true,
            // A new required field must be sent; received, it is just more data.
            K::FieldAdded { required } => *required && direction.sends(),
            // Code that set or read the field stops compiling once regenerated, and the
            // server no longer reads or sends it.
            K::FieldRemoved => direction != Direction::Unused,
            K::FieldMadeRequired | K::MadeNonNullable => direction.sends(),
            K::FieldMadeOptional | K::MadeNullable => direction.receives(),
            // Loosening to `any` breaks no one, and a response that was undeclared (`any`)
            // and is now described is what the server sent all along.
            K::TypeChanged { from, to } => {
                direction != Direction::Unused
                    && to != "any"
                    && !(from == "any" && direction == Direction::Response)
            }
            // New values are received through the generated enums' `Unknown` fallback.
            K::EnumValueAdded { .. } | K::VariantAdded { .. } => false,
            K::EnumValueRemoved { .. } | K::VariantRemoved { .. } => direction.sends(),
            K::SchemaAdded => false,
            // A schema some operation used: its Rust type disappears.
            K::SchemaRemoved => direction != Direction::Unused,
        };
        if breaking {
            Severity::Breaking
        } else {
            Severity::Compatible
        }
    }

    /// A short description for people (`field removed`, `enum value "DAY" added`).
    pub fn describe(&self) -> String {
        use ChangeKind as K;
        match self {
            K::OperationAdded { deprecated: false } => "operation added".into(),
            K::OperationAdded { deprecated: true } => "operation added, deprecated".into(),
            K::OperationRemoved => "operation removed".into(),
            K::OperationDeprecated => "deprecated".into(),
            K::OperationUndeprecated => "no longer deprecated".into(),
            K::OperationMoved { from } => format!("moved from `{from}`"),
            K::OperationRenamed { from_operation_id } => {
                format!("renamed from `{from_operation_id}` (same endpoint)")
            }
            K::ParameterAdded { required: true } => "added, required".into(),
            K::ParameterAdded { required: false } => "added, optional".into(),
            K::ParameterRemoved | K::FieldRemoved => "removed".into(),
            K::ParameterRenamed { from } => {
                format!("renamed from `{from}` (same place in the path, same URL)")
            }
            K::ParameterMadeRequired | K::FieldMadeRequired => "made required".into(),
            K::ParameterMadeOptional | K::FieldMadeOptional => "made optional".into(),
            // These are shown after their place (`request body`, `response`).
            K::RequestBodyAdded { required: true } => "added, required".into(),
            K::RequestBodyAdded { required: false } => "added, optional".into(),
            K::RequestBodyRemoved => "removed".into(),
            K::RequestBodyMadeRequired => "made required".into(),
            K::RequestBodyMadeOptional => "made optional".into(),
            K::ResponseBodyAdded => "body added".into(),
            K::ResponseBodyRemoved => "body removed".into(),
            K::MediaTypeChanged { from, to } => format!("media type `{from}` → `{to}`"),
            K::FieldAdded { required: true } => "added, required".into(),
            K::FieldAdded { required: false } => "added, optional".into(),
            K::MadeNullable => "made nullable".into(),
            K::MadeNonNullable => "no longer nullable".into(),
            K::TypeChanged { from, to } => format!("type `{from}` → `{to}`"),
            K::EnumValueAdded { value } => format!("enum value `{value}` added"),
            K::EnumValueRemoved { value } => format!("enum value `{value}` removed"),
            K::VariantAdded { variant } => format!("variant `{variant}` added"),
            K::VariantRemoved { variant } => format!("variant `{variant}` removed"),
            K::SchemaAdded => "schema added".into(),
            K::SchemaRemoved => "schema removed".into(),
        }
    }
}

/// One change between the two schemas.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Change {
    /// Breaking or compatible, for a client user.
    pub severity: Severity,
    /// The operation or schema it belongs to.
    pub subject: Subject,
    /// Where in the subject.
    pub place: Place,
    /// What changed.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// Which way the data travels.
    pub direction: Direction,
    /// The JSON pointer of what changed in the `to` schema, or in the `from` schema for what
    /// the `to` schema no longer has.
    pub pointer: String,
}

impl Change {
    /// A change, classified.
    pub(crate) fn new(
        subject: Subject,
        place: Place,
        kind: ChangeKind,
        direction: Direction,
        pointer: String,
    ) -> Change {
        Change {
            severity: kind.severity(direction),
            subject,
            place,
            kind,
            direction,
            pointer,
        }
    }
}
