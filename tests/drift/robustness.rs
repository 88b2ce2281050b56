//! Schemas are input: no mutation of a fixture may panic the diff, and a long chain of
//! renamed references stays bounded.

use codegen::drift::{Change, ChangeKind, SchemaInput, Subject};
use serde_json::{Value, json};

use super::{cases, path_of, side_file};

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            pointers(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn mutated_schemas_never_panic() {
    let replacements = [
        json!(null),
        json!(7),
        json!("text"),
        json!([]),
        json!({}),
        json!({"$ref": "#/components/schemas/Nowhere"}),
        json!({"$ref": 12}),
        json!({"type": ["null"]}),
        json!({"oneOf": []}),
        json!({"allOf": [{"$ref": "#/components/schemas/Tag"}, {"type": "string"}]}),
        json!({"type": "array"}),
        json!({"enum": [null, 1, "a"]}),
    ];
    let mut rng = Rng(0x5eed_d21f);
    let mut outcomes = (0, 0);
    for case in cases().into_iter().filter(|c| c != "invalid") {
        let from_text = tests::read(&path_of(&side_file(&case, "from")));
        let to: Value = serde_yaml::from_str(&tests::read(&path_of(&side_file(&case, "to"))))
            .expect("fixture parses");
        let mut all = Vec::new();
        pointers(&to, String::new(), &mut all);
        for _ in 0..40 {
            let mut mutated = to.clone();
            let pointer = &all[rng.below(all.len())];
            if let Some(target) = mutated.pointer_mut(pointer) {
                *target = replacements[rng.below(replacements.len())].clone();
            }
            let text = serde_json::to_string(&mutated).expect("serializes");
            let from = SchemaInput {
                label: "from",
                text: &from_text,
            };
            match codegen::drift::drift(
                from,
                SchemaInput {
                    label: "to",
                    text: &text,
                },
            ) {
                Ok(report) => {
                    let _ = (report.to_markdown(), report.to_json());
                    outcomes.0 += 1;
                }
                Err(error) => {
                    assert!(error.to_string().contains("the `to` schema"), "{error}");
                    outcomes.1 += 1;
                }
            }
        }
    }
    assert!(
        outcomes.0 > 0 && outcomes.1 > 0,
        "mutations both compared and failed cleanly: {outcomes:?}"
    );
}

/// A schema whose request body is the head of a chain of `length` objects, each holding the
/// next by reference, with component names starting with `prefix`.
fn chain_schema(prefix: &str, length: usize) -> String {
    let mut schemas = serde_json::Map::new();
    for i in 0..length {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "value".into(),
            json!({"type": if prefix == "A" { "string" } else { "integer" }}),
        );
        if i + 1 < length {
            properties.insert(
                "next".into(),
                json!({"$ref": format!("#/components/schemas/{prefix}{}", i + 1)}),
            );
        }
        schemas.insert(
            format!("{prefix}{i}"),
            json!({"type": "object", "properties": properties}),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "chain", "version": "1"},
        "paths": {"/api/chain/": {"post": {
            "operationId": "chain_create",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{prefix}0")}}}},
            "responses": {"204": {"description": "done"}}
        }}},
        "components": {"schemas": schemas}
    })
    .to_string()
}

#[test]
fn a_long_chain_of_renamed_references_stays_bounded() {
    // Every level is renamed (`A3` to `B3`) and retyped, so the diff follows the chain; it
    // stops after a bounded depth rather than recursing through all of it.
    let (from, to) = (chain_schema("A", 2000), chain_schema("B", 2000));
    let report = codegen::drift::drift(
        SchemaInput {
            label: "a",
            text: &from,
        },
        SchemaInput {
            label: "b",
            text: &to,
        },
    )
    .expect("compares");
    let retyped: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| {
            matches!(c.subject, Subject::Operation { .. })
                && matches!(c.kind, ChangeKind::TypeChanged { .. })
        })
        .collect();
    assert!(
        !retyped.is_empty() && retyped.len() <= 16,
        "{} retyped fields",
        retyped.len()
    );
    assert!(
        retyped
            .iter()
            .any(|c| format!("{:?}", c.place).contains("next.next.value"))
    );
}
