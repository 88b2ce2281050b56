//! Stale generated code fails the build: the committed `posthog-api/src/generated/` must be
//! exactly what the committed schema produces.

#[test]
fn committed_generated_code_matches_the_committed_schema() {
    let code = xtask::run(vec!["regen".into(), "--check".into()]).expect("the check runs");
    assert_eq!(
        code,
        std::process::ExitCode::SUCCESS,
        "posthog-api/src/generated/ is stale: run `cargo xtask regen` and commit the result"
    );
}
