//! `cargo xtask`: the project's commands. A thin layer over `codegen` that reads and writes
//! files and downloads schemas. The commands live in the library so tests can run them.

pub mod bench;
pub mod drift;
pub mod fetch;
pub mod files;
pub mod standalone;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
cargo xtask <command>

commands:
  regen                     regenerate posthog-api/src/generated/ from schema/openapi.json (offline)
  regen --url URL           download URL/api/schema/?format=json into schema/openapi.json, then regenerate
  regen --file PATH         copy a local schema into schema/openapi.json, then regenerate
  regen --check             write nothing; fail if the committed generated code is stale
  generate --schema PATH --out DIR
                            generate a standalone crate for any schema into DIR
  test                      run every test of the workspace, the slow ones included
  drift --from A --to B     what changed between two schemas (files or instance URLs), for client
                            users and for the generated Rust API; --format json, --fail-on breaking
  drift --against URL       the committed schema against an instance (`drift --help` for options)
  bench                     time a full regeneration and the debug builds of posthog-api
                            (run as `cargo run --release -p xtask -- bench`)
";

/// Runs a command given its arguments (without the program name).
pub fn run(args: Vec<String>) -> Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(ExitCode::FAILURE);
    };
    match command.as_str() {
        "regen" => regen(rest),
        "generate" => generate(rest),
        "test" => test(rest),
        "drift" => drift::run(rest),
        "bench" => bench::run(&workspace_root(), rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.to_path_buf())
}

/// The committed schema, relative to the workspace root.
pub const SCHEMA_PATH: &str = "schema/openapi.json";
/// The generated directory, relative to the workspace root.
pub const GENERATED_DIR: &str = "posthog-api/src/generated";
/// The crate manifest whose features regen writes.
pub const CRATE_MANIFEST: &str = "posthog-api/Cargo.toml";

fn flag_value<'a>(args: &'a [String], flag: &str) -> Result<Option<&'a str>> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => match args.get(i + 1) {
            Some(value) if !value.starts_with("--") => Ok(Some(value)),
            _ => bail!("`{flag}` needs a value"),
        },
    }
}

fn check_flags(args: &[String], known_with_value: &[&str], known: &[&str]) -> Result<()> {
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if known_with_value.contains(&arg) {
            i += 2;
        } else if known.contains(&arg) {
            i += 1;
        } else {
            bail!("unexpected argument `{arg}`\n\n{USAGE}");
        }
    }
    Ok(())
}

fn regen(args: &[String]) -> Result<ExitCode> {
    check_flags(args, &["--url", "--file"], &["--check"])?;
    let root = workspace_root();
    let url = flag_value(args, "--url")?;
    let file = flag_value(args, "--file")?;
    let check = args.iter().any(|a| a == "--check");
    if url.is_some() && file.is_some() {
        bail!("give `--url` or `--file`, not both");
    }
    if check && (url.is_some() || file.is_some()) {
        bail!("`--check` compares against the committed schema; it takes no `--url` or `--file`");
    }
    let schema_path = root.join(SCHEMA_PATH);
    let text = match (url, file) {
        (Some(url), _) => {
            let text = fetch::download_schema(url)?;
            store_schema(&schema_path, &text)?
        }
        (_, Some(file)) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the schema `{file}`"))?;
            store_schema(&schema_path, &text)?
        }
        _ => std::fs::read_to_string(&schema_path).with_context(|| {
            format!(
                "cannot read the committed schema `{}`",
                schema_path.display()
            )
        })?,
    };
    let options = codegen::Options {
        schema_label: SCHEMA_PATH.into(),
    };
    let output = codegen::generate(&text, &options)
        .with_context(|| format!("cannot generate from `{SCHEMA_PATH}`"))?;
    let generated_dir = root.join(GENERATED_DIR);
    let manifest_path = root.join(CRATE_MANIFEST);
    let manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read `{}`", manifest_path.display()))?;
    let new_manifest = files::with_features(&manifest, &output.features)?;

    if check {
        let mut differences = files::compare_dir(&generated_dir, &output.files)?;
        if new_manifest != manifest {
            differences.push(format!("changed: {CRATE_MANIFEST} (generated features)"));
        }
        if differences.is_empty() {
            println!(
                "generated code is up to date ({} files)",
                output.files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "generated code is stale: {} difference(s) with what {SCHEMA_PATH} produces:",
            differences.len()
        );
        for line in differences.iter().take(40) {
            eprintln!("  {line}");
        }
        if differences.len() > 40 {
            eprintln!("  ... and {} more", differences.len() - 40);
        }
        eprintln!("run `cargo xtask regen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }

    let changed = files::write_dir(&generated_dir, &output.files)?;
    if new_manifest != manifest {
        std::fs::write(&manifest_path, new_manifest)
            .with_context(|| format!("cannot write `{}`", manifest_path.display()))?;
    }
    print_summary(&output, changed);
    Ok(ExitCode::SUCCESS)
}

fn print_summary(output: &codegen::Output, changed: usize) {
    let r = &output.report;
    println!(
        "generated {} of {} operations ({} degraded), {} of {} schemas typed ({} degraded), {} product features; {changed} file(s) changed",
        r.operations.generated,
        r.operations.total,
        r.operations.degraded,
        r.schemas.typed,
        r.schemas.total,
        r.schemas.degraded,
        output.features.len()
    );
    for fixup in r.unmatched_expected_fixups() {
        println!("warning: fixup `{fixup}` is expected for PostHog schemas but matched nothing");
    }
}

/// Stores a downloaded or given schema as the committed schema, as JSON, and returns its text.
fn store_schema(path: &Path, text: &str) -> Result<String> {
    let value = codegen::load::parse_text(text).context("the schema is not JSON or YAML")?;
    if value.get("openapi").and_then(|v| v.as_str()).is_none() {
        bail!("the document is not an OpenAPI schema (it has no `openapi` version)");
    }
    // Keep JSON byte for byte; store YAML as JSON so the committed schema has one format.
    let stored = if text.trim_start().starts_with('{') {
        text.to_owned()
    } else {
        format!("{}\n", serde_json::to_string_pretty(&value)?)
    };
    std::fs::write(path, &stored).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(stored)
}

fn generate(args: &[String]) -> Result<ExitCode> {
    check_flags(args, &["--schema", "--out"], &[])?;
    let schema = flag_value(args, "--schema")?.context("`generate` needs `--schema PATH`")?;
    let out = flag_value(args, "--out")?.context("`generate` needs `--out DIR`")?;
    let text = std::fs::read_to_string(schema)
        .with_context(|| format!("cannot read the schema `{schema}`"))?;
    let label = Path::new(schema)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| schema.to_owned());
    let options = codegen::Options {
        schema_label: label,
    };
    let output = codegen::generate(&text, &options)
        .with_context(|| format!("cannot generate from `{schema}`"))?;
    standalone::write_crate(&workspace_root(), Path::new(out), &output)?;
    print_summary(&output, output.files.len());
    println!("wrote a standalone crate to {out}");
    Ok(ExitCode::SUCCESS)
}

/// The Prism release the contract tests run against.
const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.16.0";

/// Installs Stoplight Prism from npm into `target/tools` unless it is there already.
fn ensure_prism(root: &Path) -> Result<()> {
    let tools = root.join("target/tools");
    if tools.join("node_modules/.bin/prism").exists() {
        return Ok(());
    }
    std::fs::create_dir_all(&tools)
        .with_context(|| format!("cannot create `{}`", tools.display()))?;
    println!("installing {PRISM_PACKAGE} into target/tools (for the contract tests)");
    let status = std::process::Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&tools)
        .arg(PRISM_PACKAGE)
        .status()
        .context("cannot run npm (Node.js and npm are needed for the contract tests)")?;
    if !status.success() {
        bail!("npm could not install {PRISM_PACKAGE}");
    }
    Ok(())
}

/// Checks formatting, then runs every test of the workspace, including the slow ones
/// `cargo test` skips (compiling the crate generated from every real schema and fixture, and
/// the contract tests against Prism, which it installs first). Extra arguments go to
/// `cargo test`. Unformatted code fails the run after the tests have run.
fn test(args: &[String]) -> Result<ExitCode> {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("running: cargo fmt --all -- --check");
    let formatted = std::process::Command::new(&cargo)
        .current_dir(&root)
        .args(["fmt", "--all", "--", "--check"])
        .status()
        .context("cannot run cargo fmt (install it with `rustup component add rustfmt`)")?
        .success();
    ensure_prism(&root)?;
    let mut command = std::process::Command::new(cargo);
    command
        .current_dir(&root)
        .args(["test", "--workspace", "--all-features", "--no-fail-fast"])
        .args(args)
        .args(["--", "--include-ignored"]);
    println!(
        "running: cargo test --workspace --all-features --no-fail-fast {} -- --include-ignored",
        args.join(" ")
    );
    let status = command.status().context("cannot run cargo test")?;
    if !formatted {
        eprintln!("error: the code is not formatted: run `cargo fmt --all`");
    }
    Ok(if status.success() && formatted {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
