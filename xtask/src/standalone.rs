//! `cargo xtask generate`: a standalone crate for any schema, made of the hand-written runtime
//! of `posthog-api` and the code generated from that schema, so that the generator can be
//! tested on schemas other than the committed one.

use std::path::Path;

use anyhow::{Context, Result};

/// Writes the crate: `Cargo.toml`, the hand-written sources of `posthog-api`, and the
/// generated files with their report.
pub fn write_crate(root: &Path, out: &Path, output: &codegen::Output) -> Result<()> {
    let source = root.join("posthog-api/src");
    let target = out.join("src");
    std::fs::create_dir_all(&target)
        .with_context(|| format!("cannot create `{}`", target.display()))?;
    for entry in
        std::fs::read_dir(&source).with_context(|| format!("cannot list `{}`", source.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(name) = path.file_name()
        {
            std::fs::copy(&path, target.join(name))
                .with_context(|| format!("cannot copy `{}`", path.display()))?;
        }
    }
    crate::files::write_dir(&target.join("generated"), &output.files)?;
    let manifest = manifest(root, &output.features)?;
    std::fs::write(out.join("Cargo.toml"), manifest).context("cannot write Cargo.toml")?;
    Ok(())
}

/// The standalone manifest: `posthog-api`'s, with workspace-inherited entries resolved.
fn manifest(root: &Path, features: &[String]) -> Result<String> {
    let workspace: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))?
        .parse()
        .context("cannot parse the workspace manifest")?;
    let crate_text = std::fs::read_to_string(root.join(crate::CRATE_MANIFEST))?;
    let crate_text = crate::files::with_features(&crate_text, features)?;
    let mut krate: toml::Table = crate_text
        .parse()
        .context("cannot parse posthog-api's manifest")?;
    let workspace = workspace
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();
    let package_defaults = workspace
        .get("package")
        .and_then(|p| p.as_table())
        .cloned()
        .unwrap_or_default();
    let dep_defaults = workspace
        .get("dependencies")
        .and_then(|d| d.as_table())
        .cloned()
        .unwrap_or_default();

    if let Some(package) = krate.get_mut("package").and_then(|p| p.as_table_mut()) {
        package.insert("name".into(), "posthog-api-standalone".into());
        package.insert("publish".into(), false.into());
        package.remove("readme");
        for (key, value) in package.iter_mut() {
            if value.get("workspace").and_then(|w| w.as_bool()) == Some(true)
                && let Some(default) = package_defaults.get(key)
            {
                *value = default.clone();
            }
        }
    }
    for section in ["dependencies", "dev-dependencies"] {
        let Some(deps) = krate.get_mut(section).and_then(|d| d.as_table_mut()) else {
            continue;
        };
        for (name, spec) in deps.iter_mut() {
            let Some(table) = spec.as_table() else {
                continue;
            };
            if table.get("workspace").and_then(|w| w.as_bool()) != Some(true) {
                continue;
            }
            let mut resolved = match dep_defaults.get(name) {
                Some(toml::Value::String(version)) => {
                    let mut t = toml::Table::new();
                    t.insert("version".into(), version.clone().into());
                    t
                }
                Some(toml::Value::Table(t)) => t.clone(),
                _ => toml::Table::new(),
            };
            if let Some(toml::Value::Array(extra)) = table.get("features") {
                let mut all = resolved
                    .get("features")
                    .and_then(|f| f.as_array())
                    .cloned()
                    .unwrap_or_default();
                all.extend(extra.iter().cloned());
                resolved.insert("features".into(), toml::Value::Array(all));
            }
            for key in ["optional", "default-features"] {
                if let Some(v) = table.get(key) {
                    resolved.insert(key.into(), v.clone());
                }
            }
            *spec = toml::Value::Table(resolved);
        }
    }
    krate.remove("lints");
    krate.remove("bench");
    krate.remove("example");
    krate.remove("dev-dependencies");
    krate.insert("workspace".into(), toml::Value::Table(toml::Table::new()));
    Ok(toml::to_string(&krate)?)
}
