//! The classification rules, kind by kind and direction by direction: what breaks a client
//! that sends the data, one that receives it, both, or neither.

use codegen::drift::{ChangeKind, Direction, Severity};

#[test]
fn classification_follows_the_direction_of_the_data() {
    use ChangeKind as K;
    use Direction::{Both, Request, Response, Unused};
    use Severity::{Breaking as B, Compatible as C};
    // Each kind, as (request, response, both, unused).
    let table = [
        (K::FieldAdded { required: true }, [B, C, B, C]),
        (K::FieldAdded { required: false }, [C, C, C, C]),
        (K::FieldRemoved, [B, B, B, C]),
        (K::FieldMadeRequired, [B, C, B, C]),
        (K::FieldMadeOptional, [C, B, B, C]),
        (K::MadeNullable, [C, B, B, C]),
        (K::MadeNonNullable, [B, C, B, C]),
        (
            K::TypeChanged {
                from: "integer".into(),
                to: "string".into(),
            },
            [B, B, B, C],
        ),
        (
            K::TypeChanged {
                from: "string".into(),
                to: "any".into(),
            },
            [C, C, C, C],
        ),
        (
            K::TypeChanged {
                from: "any".into(),
                to: "Insight".into(),
            },
            [B, C, B, C],
        ),
        (
            K::EnumValueAdded {
                value: "\"x\"".into(),
            },
            [C, C, C, C],
        ),
        (
            K::EnumValueRemoved {
                value: "\"x\"".into(),
            },
            [B, C, B, C],
        ),
        (
            K::VariantAdded {
                variant: "X".into(),
            },
            [C, C, C, C],
        ),
        (
            K::VariantRemoved {
                variant: "X".into(),
            },
            [B, C, B, C],
        ),
        (K::SchemaRemoved, [B, B, B, C]),
        (K::SchemaAdded, [C, C, C, C]),
    ];
    for (kind, expected) in table {
        let actual = [Request, Response, Both, Unused].map(|d| kind.severity(d));
        assert_eq!(
            actual, expected,
            "{kind:?} as (request, response, both, unused)"
        );
    }
    for (kind, expected) in [
        (K::OperationRemoved, B),
        (K::OperationAdded { deprecated: false }, C),
        (K::OperationAdded { deprecated: true }, C),
        (K::OperationDeprecated, C),
        (
            K::OperationMoved {
                from: "GET /a/".into(),
            },
            B,
        ),
        (
            K::OperationRenamed {
                from_operation_id: "a".into(),
            },
            B,
        ),
        (K::ParameterAdded { required: true }, B),
        (K::ParameterAdded { required: false }, C),
        (
            K::ParameterRenamed {
                from: "project_id".into(),
            },
            C,
        ),
        (K::RequestBodyMadeRequired, B),
        (K::ResponseBodyRemoved, B),
        (K::ResponseBodyAdded, C),
    ] {
        assert_eq!(kind.severity(Request), expected, "{kind:?}");
    }
}
