//! Writing generated files: unchanged files are left alone, stale files are deleted, and the
//! comparison behind `regen --check` names every difference.

use std::collections::BTreeMap;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("posthog-api-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("types")).expect("scratch dir");
    dir
}

#[test]
fn write_dir_deletes_stale_files_and_check_sees_every_difference() {
    let dir = scratch("write");
    std::fs::write(dir.join("types/old_product.rs"), "// stale\n").expect("write");
    std::fs::write(dir.join("mod.rs"), "// outdated\n").expect("write");
    let files: BTreeMap<String, String> = [
        ("mod.rs".to_owned(), "// current\n".to_owned()),
        ("types/new_product.rs".to_owned(), "// new\n".to_owned()),
    ]
    .into();

    let mut before = xtask::files::compare_dir(&dir, &files).expect("compares");
    before.sort();
    assert_eq!(
        before,
        [
            "changed: mod.rs (~1 lines)",
            "missing: types/new_product.rs",
            "stale: types/old_product.rs"
        ]
    );

    assert_eq!(xtask::files::write_dir(&dir, &files).expect("writes"), 3);
    assert!(
        !dir.join("types/old_product.rs").exists(),
        "the stale file is deleted"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mod.rs")).expect("read"),
        "// current\n"
    );
    assert!(
        xtask::files::compare_dir(&dir, &files)
            .expect("compares")
            .is_empty()
    );
    assert_eq!(
        xtask::files::write_dir(&dir, &files).expect("writes"),
        0,
        "a second write touches nothing"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_features_block_is_rewritten_in_place() {
    let manifest = "[package]\nname = \"x\"\n\n# BEGIN generated features (written by `cargo xtask regen`; do not edit)\n[features]\nold = []\n# END generated features\n\n[dependencies]\n";
    let updated =
        xtask::files::with_features(manifest, &["alpha".into(), "beta".into()]).expect("rewrites");
    assert!(
        updated.contains("full = [\"alpha\", \"beta\"]\nalpha = []\nbeta = []\n"),
        "{updated}"
    );
    assert!(!updated.contains("old = []"));
    assert!(updated.ends_with("# END generated features\n\n[dependencies]\n"));
    assert!(
        xtask::files::with_features("[package]\n", &[]).is_err(),
        "a manifest without the block is an error"
    );
}
