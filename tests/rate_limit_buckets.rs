//! The rate-limit bucket of every operation of the committed schema, as a snapshot: a change
//! to the rules or to PostHog's paths shows up here for review.

#[test]
fn every_operation_has_a_bucket() {
    let text = tests::read(&tests::root().join("schema/openapi.json"));
    let output = codegen::generate(&text, &codegen::Options::default())
        .expect("the committed schema generates");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut lines = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    for (path, item) in value["paths"].as_object().into_iter().flatten() {
        for method in item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(m, _)| m)
            .filter(|m| codegen::METHODS.contains(&m.as_str()))
        {
            let bucket = codegen::ratelimit::bucket(method, path);
            *counts.entry(format!("{bucket:?}")).or_insert(0) += 1;
            lines.push(format!("{:<6} {path} -> {bucket:?}", method.to_uppercase()));
        }
    }
    assert_eq!(lines.len() as u64, output.report.operations.total);
    let summary = counts
        .iter()
        .map(|(b, n)| format!("{b}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    insta::assert_snapshot!("buckets", format!("{summary}\n\n{}", lines.join("\n")));
}
