//! Bad input gets an error, never a panic: hundreds of deterministic mutations of a real
//! schema (values replaced by values of the wrong type, keys removed) each either generate or
//! fail with an error.

use serde_json::{Value, json};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every JSON pointer in the document.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let child = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(child.clone());
                pointers(item, child, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let child = format!("{at}/{i}");
                out.push(child.clone());
                pointers(item, child, out);
            }
        }
        _ => {}
    }
}

fn mutate(document: &mut Value, pointer: &str, rng: &mut Rng) {
    let replacements = [
        json!(null),
        json!(42),
        json!(-9.5e300),
        json!("text"),
        json!([]),
        json!({}),
        json!([{"$ref": "#/nowhere"}]),
        json!({"type": ["null"]}),
        json!({"oneOf": []}),
    ];
    let choice = rng.below(replacements.len() + 1);
    if choice == replacements.len() {
        // Remove the key or element instead.
        let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        match document.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>()
                    && i < items.len()
                {
                    items.remove(i);
                }
            }
            _ => {}
        }
    } else if let Some(slot) = document.pointer_mut(pointer) {
        *slot = replacements[choice].clone();
    }
}

#[test]
fn mutated_schemas_never_panic() {
    let text = tests::read(&tests::shared_schemas_dir().join("posthog-2023-02.yaml"));
    let original: Value = serde_yaml::from_str(&text).expect("YAML");
    let mut all = Vec::new();
    pointers(&original, String::new(), &mut all);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut rejected) = (0, 0);
    for _ in 0..150 {
        let mut document = original.clone();
        for _ in 0..1 + rng.below(4) {
            let pointer = all[rng.below(all.len())].clone();
            mutate(&mut document, &pointer, &mut rng);
        }
        let text = serde_json::to_string(&document).expect("serializes");
        match codegen::generate(&text, &codegen::Options::default()) {
            Ok(output) => {
                assert_eq!(
                    output.report.operations.generated,
                    output.report.operations.total
                );
                ok += 1;
            }
            Err(error) => {
                let message = error.to_string();
                assert!(!message.is_empty());
                rejected += 1;
            }
        }
    }
    // Both outcomes must occur, or the mutations test nothing.
    assert!(ok > 0 && rejected > 0, "ok: {ok}, rejected: {rejected}");
}
