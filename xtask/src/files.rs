//! Writing generated files: only what changed is written, stale files are deleted, and the
//! same comparison serves `--check`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

const BEGIN: &str = "# BEGIN generated features (written by `cargo xtask regen`; do not edit)";
const END: &str = "# END generated features";

/// The manifest with its generated `[features]` block replaced.
pub fn with_features(manifest: &str, features: &[String]) -> Result<String> {
    let (Some(start), Some(end)) = (manifest.find(BEGIN), manifest.find(END)) else {
        bail!("the manifest has no `{BEGIN}` ... `{END}` block for the generated features");
    };
    if end < start {
        bail!("the generated features block of the manifest is malformed");
    }
    let mut block = String::new();
    block.push_str(BEGIN);
    block.push_str("\n[features]\ndefault = [\"full\"]\n");
    block.push_str("# Every product.\nfull = [");
    block.push_str(
        &features
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", "),
    );
    block.push_str("]\n");
    for feature in features {
        block.push_str(&format!("{feature} = []\n"));
    }
    Ok(format!("{}{block}{}", &manifest[..start], &manifest[end..]))
}

fn existing_files(dir: &Path) -> Result<BTreeMap<String, std::path::PathBuf>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)
            .with_context(|| format!("cannot list `{}`", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.insert(relative.to_string_lossy().replace('\\', "/"), path);
            }
        }
    }
    Ok(out)
}

/// The differences between a directory and the files it should hold.
pub fn compare_dir(dir: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>> {
    let existing = existing_files(dir)?;
    let mut differences = Vec::new();
    for (name, text) in files {
        match existing.get(name) {
            None => differences.push(format!("missing: {name}")),
            Some(path) => {
                let current = std::fs::read_to_string(path).unwrap_or_default();
                if current != *text {
                    let changed = current
                        .lines()
                        .zip(text.lines())
                        .filter(|(a, b)| a != b)
                        .count()
                        + current.lines().count().abs_diff(text.lines().count());
                    differences.push(format!("changed: {name} (~{changed} lines)"));
                }
            }
        }
    }
    for name in existing.keys() {
        if !files.contains_key(name) {
            differences.push(format!("stale: {name}"));
        }
    }
    Ok(differences)
}

/// Writes the files that changed and deletes the ones no longer generated; returns how many
/// files were touched.
pub fn write_dir(dir: &Path, files: &BTreeMap<String, String>) -> Result<usize> {
    let existing = existing_files(dir)?;
    let mut touched = 0;
    for (name, text) in files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        touched += 1;
    }
    for (name, path) in existing {
        if !files.contains_key(&name) {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot delete the stale `{}`", path.display()))?;
            touched += 1;
        }
    }
    Ok(touched)
}
