//! Runs progenitor 0.15.1 on a PostHog schema, the baseline `BENCHMARKS.md` compares the
//! generator with, in three steps: (1) the schema as PostHog serves it; (2) the OpenAPI 3.0
//! document `codegen::normalize` makes of it; (3) that document after the blunt rewrites in
//! `rewrite.rs`. The first step progenitor accepts is written out as a crate to check.
//!
//!
//! With `--hybrid` it runs instead the hybrid of `hybrid.rs`: progenitor generates the
//! operations over the types `codegen` generates, and the crate goes to
//! `target/progenitor-baseline/hybrid`.
//!
//! ```sh
//! cargo run --release --manifest-path tools/progenitor-baseline/Cargo.toml -- [SCHEMA] [--out DIR] [--hybrid]
//! ```

mod hybrid;
mod rewrite;

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

/// What one progenitor run came to.
enum Outcome {
    /// The document could not be read, or did not deserialize into `openapiv3::OpenAPI`.
    Parse(String),
    /// `generate_tokens` returned an error.
    Generate(String),
    /// `generate_tokens` panicked.
    Panic(String),
    /// The tokens did not parse as a Rust file (prettyplease needs a `syn::File`).
    Format(String),
    /// Progenitor generated code, formatted with prettyplease.
    Generated { code: String, deps: Vec<String> },
}

struct Run {
    label: &'static str,
    outcome: Outcome,
    seconds: f64,
}

/// The last panic's message and location, captured by the hook installed in `main`.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo_root = repo_root.canonicalize().unwrap_or(repo_root);
    let mut schema = repo_root.join("schema/openapi.json");
    let mut out = None;
    let mut hybrid = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => match args.next() {
                Some(dir) => out = Some(PathBuf::from(dir)),
                None => fail("--out needs a directory"),
            },
            "--hybrid" => hybrid = true,
            "-h" | "--help" => {
                println!(
                    "usage: progenitor-baseline [SCHEMA] [--out DIR] [--hybrid]\n\
                     SCHEMA defaults to schema/openapi.json, DIR (where the crate from the \
                     first run progenitor accepts is written) to target/progenitor-baseline/out \
                     (with --hybrid: progenitor's operations over codegen's types, written to \
                     target/progenitor-baseline/hybrid)"
                );
                return;
            }
            _ if arg.starts_with('-') => fail(&format!("unknown option {arg}")),
            _ => schema = PathBuf::from(arg),
        }
    }
    let text = std::fs::read_to_string(&schema)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", schema.display())));

    panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string panic payload)".into());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(format!("{message}{location}"));
    }));

    if hybrid {
        let out = out.unwrap_or_else(|| repo_root.join("target/progenitor-baseline/hybrid"));
        hybrid::run(&repo_root, &text, &out);
        return;
    }
    let out = out.unwrap_or_else(|| repo_root.join("target/progenitor-baseline/out"));

    let mut runs = Vec::new();
    let mut timed = |label, f: &mut dyn FnMut() -> Outcome| {
        eprintln!("{label} ...");
        let start = Instant::now();
        let outcome = f();
        runs.push(Run {
            label,
            outcome,
            seconds: start.elapsed().as_secs_f64(),
        });
    };

    // 1. Plain progenitor: the document as PostHog serves it (JSON or YAML).
    timed(
        "plain progenitor, schema as given",
        &mut || match codegen::load::parse_text(&text) {
            Err(e) => Outcome::Parse(e.to_string()),
            Ok(value) => run_progenitor(value),
        },
    );
    // 2. The document our generator normalizes to: 3.1 converted to 3.0, document fixups.
    timed(
        "progenitor on `codegen::normalize` output (OpenAPI 3.0)",
        &mut || match codegen::normalize(&text) {
            Err(e) => Outcome::Parse(format!("codegen::normalize failed: {e}")),
            Ok((loaded, _)) => run_progenitor(loaded.document),
        },
    );
    // 3. The same after blunt rewrites that lose information (see `rewrite.rs`).
    let mut rewrites = Vec::new();
    timed(
        "progenitor on `codegen::normalize` output after the blunt rewrites",
        &mut || match codegen::normalize(&text) {
            Err(e) => Outcome::Parse(format!("codegen::normalize failed: {e}")),
            Ok((mut loaded, _)) => {
                rewrites = rewrite::apply(&mut loaded.document);
                run_progenitor(loaded.document)
            }
        },
    );

    let written = runs.iter().find_map(|run| match &run.outcome {
        Outcome::Generated { code, deps } => {
            if let Err(e) = write_crate(
                &out,
                "posthog-progenitor-baseline",
                "# Written by tools/progenitor-baseline: progenitor 0.15.1 output for the PostHog schema.",
                code,
                deps,
            ) {
                fail(&format!("cannot write {}: {e}", out.display()));
            }
            Some(run.label)
        }
        _ => None,
    });

    let mut md = summary(&schema, &text, &runs);
    let _ = writeln!(md, "\nBlunt rewrites (run 3 only):\n");
    for (what, count) in &rewrites {
        let _ = writeln!(md, "- {what}: {count}");
    }
    match written {
        Some(label) => {
            let _ = writeln!(
                md,
                "\nCrate from \"{label}\" written to `{}`. Check it with:\n\n```sh\n\
                 CARGO_TARGET_DIR={}/target/progenitor-baseline/target /usr/bin/time -v \\\n    \
                 cargo check --manifest-path {}/Cargo.toml\n```",
                out.display(),
                repo_root.display(),
                out.display(),
            );
        }
        None => {
            let _ = writeln!(md, "\nProgenitor generated nothing; no crate written.");
        }
    }
    print!("{md}");
}

fn fail(message: &str) -> ! {
    eprintln!("progenitor-baseline: {message}");
    std::process::exit(2)
}

/// Why a progenitor run produced no tokens.
enum Failure {
    /// The document did not deserialize into `openapiv3::OpenAPI`.
    Parse(String),
    /// `generate_tokens` returned an error.
    Generate(String),
    /// `generate_tokens` panicked.
    Panic(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Parse(e) => write!(f, "does not parse: {e}"),
            Failure::Generate(e) => write!(f, "progenitor error: {e}"),
            Failure::Panic(e) => write!(f, "progenitor panicked: {e}"),
        }
    }
}

/// Deserializes the document and runs progenitor with `settings`, catching panics.
fn generate(
    document: serde_json::Value,
    settings: &GenerationSettings,
) -> Result<(Generator, proc_macro2::TokenStream), Failure> {
    let api: openapiv3::OpenAPI = serde_path_to_error::deserialize(document)
        .map_err(|e| Failure::Parse(format!("at `{}`: {}", e.path(), e.inner())))?;
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(settings);
        let tokens = generator.generate_tokens(&api);
        (generator, tokens)
    }));
    match result {
        Ok((generator, Ok(tokens))) => Ok((generator, tokens)),
        Ok((_, Err(e))) => Err(Failure::Generate(e.to_string())),
        Err(_) => {
            let message = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
            Err(Failure::Panic(
                message.unwrap_or_else(|| "(no message)".into()),
            ))
        }
    }
}

/// Generates in builder style with merged tags and formats the output.
fn run_progenitor(document: serde_json::Value) -> Outcome {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    let (generator, tokens) = match generate(document, &settings) {
        Ok(generated) => generated,
        Err(Failure::Parse(e)) => return Outcome::Parse(e),
        Err(Failure::Generate(e)) => return Outcome::Generate(e),
        Err(Failure::Panic(e)) => return Outcome::Panic(e),
    };
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => Outcome::Generated {
            code: prettyplease::unparse(&file),
            deps: dependencies(&generator),
        },
        Err(e) => Outcome::Format(e.to_string()),
    }
}

/// The dependencies progenitor's output needs, decided the way `cargo progenitor` decides them
/// (with `progenitor-client` as a dependency rather than inlined).
fn dependencies(generator: &Generator) -> Vec<String> {
    let types = generator.get_type_space();
    let mut deps: Vec<String> = [
        r#"bytes = "1.9""#,
        r#"futures-core = "0.3""#,
        r#"progenitor-client = "=0.15.1""#,
        r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }"#,
        r#"serde = { version = "1.0", features = ["derive"] }"#,
        r#"serde_urlencoded = "0.7""#,
    ]
    .map(String::from)
    .into();
    let mut add = |used: bool, dep: &str| {
        if used {
            deps.push(dep.to_owned());
        }
    };
    add(types.uses_regress(), r#"regress = "0.10""#);
    add(
        types.uses_uuid(),
        r#"uuid = { version = "1.0", features = ["serde", "v4"] }"#,
    );
    add(
        types.uses_chrono(),
        r#"chrono = { version = "0.4", default-features = false, features = ["serde"] }"#,
    );
    add(generator.uses_futures(), r#"futures = "0.3""#);
    add(generator.uses_websockets(), r#"base64 = "0.22""#);
    add(generator.uses_websockets(), r#"rand = "0.8""#);
    add(types.uses_serde_json(), r#"serde_json = "1.0""#);
    deps.sort();
    deps
}

/// Writes a standalone crate (its own `[workspace]`) named `name`, whose manifest starts with
/// the comment `header`.
fn write_crate(
    dir: &Path,
    name: &str,
    header: &str,
    code: &str,
    deps: &[String],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "{header}\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         # Standalone: not part of any enclosing workspace.\n\
         [workspace]\n\
         \n\
         [dependencies]\n\
         {}\n",
        deps.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("src/lib.rs"), code)
}

fn summary(schema: &Path, text: &str, runs: &[Run]) -> String {
    let version = codegen::load::parse_text(text)
        .ok()
        .and_then(|v| v.get("openapi").and_then(|v| v.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let mut md = String::new();
    let _ = writeln!(md, "## Progenitor baseline\n");
    let _ = writeln!(
        md,
        "Schema: `{}` (OpenAPI {version}, {} bytes); progenitor 0.15.1, builder interface, \
         merged tags.\n",
        schema.display(),
        text.len()
    );
    let _ = writeln!(md, "| run | result | time |");
    let _ = writeln!(md, "| --- | --- | ---: |");
    for (i, run) in runs.iter().enumerate() {
        let result = match &run.outcome {
            Outcome::Parse(e) => format!("does not parse as `openapiv3::OpenAPI`: {e}"),
            Outcome::Generate(e) => format!("generator error: {e}"),
            Outcome::Panic(e) => format!("generator panicked: {e}"),
            Outcome::Format(e) => format!("output is not a Rust file: {e}"),
            Outcome::Generated { code, .. } => {
                format!(
                    "generated {} lines, {} bytes",
                    code.lines().count(),
                    code.len()
                )
            }
        };
        let result = result.replace('|', "\\|").replace('\n', " ");
        let _ = writeln!(
            md,
            "| {}. {} | {} | {:.1} s |",
            i + 1,
            run.label,
            result,
            run.seconds
        );
    }
    md
}
