//! `cargo xtask drift`: what changed between two PostHog schemas, for client users (breaking
//! or compatible) and for the generated Rust API. A thin layer over `codegen::drift` that reads
//! files, downloads instances' schemas and writes the report.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use codegen::drift::{DriftReport, SchemaInput};

const USAGE: &str = "\
cargo xtask drift --from <file|url> --to <file|url> [options]
cargo xtask drift --against <url|file> [options]   (the committed schema/openapi.json against it)

A file is JSON or YAML, OpenAPI 3.0 or 3.1; a URL is an instance (https://us.posthog.com),
whose schema is downloaded from <url>/api/schema/?format=json.

options:
  --format markdown|json   the report's format (default: markdown)
  --out PATH               write the report to PATH instead of standard output
  --save-to PATH           also store the `to` schema's text in PATH (for `regen --file` after a download)
  --fail-on breaking|any   exit with status 2 when there is a breaking change (or any change)
  --bench                  time reading, comparing and rendering (run with --release)
";

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    from: Option<String>,
    to: Option<String>,
    against: Option<String>,
    json: bool,
    out: Option<String>,
    save_to: Option<String>,
    fail_on: Option<FailOn>,
    bench: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Breaking,
    Any,
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || match rest.next() {
            Some(value) if !value.starts_with("--") => Ok(value.clone()),
            _ => bail!("`{flag}` needs a value\n\n{USAGE}"),
        };
        match flag.as_str() {
            "--from" => options.from = Some(value()?),
            "--to" => options.to = Some(value()?),
            "--against" => options.against = Some(value()?),
            "--out" => options.out = Some(value()?),
            "--save-to" => options.save_to = Some(value()?),
            "--format" => {
                options.json = match value()?.as_str() {
                    "json" => true,
                    "markdown" | "md" => false,
                    other => bail!("unknown format `{other}`: `markdown` or `json`"),
                }
            }
            "--fail-on" => {
                options.fail_on = Some(match value()?.as_str() {
                    "breaking" => FailOn::Breaking,
                    "any" => FailOn::Any,
                    other => bail!("unknown `--fail-on {other}`: `breaking` or `any`"),
                })
            }
            "--bench" => options.bench = true,
            other => bail!("unexpected argument `{other}`\n\n{USAGE}"),
        }
    }
    match (&options.from, &options.to, &options.against) {
        (Some(_), Some(_), None) | (None, None, Some(_)) => Ok(options),
        (_, _, Some(_)) => bail!(
            "`--against` compares the committed schema with another; it takes no `--from` or `--to`"
        ),
        _ => bail!("give `--from` and `--to`, or `--against`\n\n{USAGE}"),
    }
}

/// Whether a source names an instance rather than a file.
fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// The text of a schema file, or of an instance's schema.
pub fn read_source(source: &str) -> Result<String> {
    if is_url(source) {
        crate::fetch::download_schema(source)
    } else {
        std::fs::read_to_string(source)
            .with_context(|| format!("cannot read the schema `{source}`"))
    }
}

/// Compares two schema texts.
pub fn report(
    from_label: &str,
    from_text: &str,
    to_label: &str,
    to_text: &str,
) -> Result<DriftReport> {
    let report = codegen::drift::drift(
        SchemaInput {
            label: from_label,
            text: from_text,
        },
        SchemaInput {
            label: to_label,
            text: to_text,
        },
    )?;
    Ok(report)
}

/// Runs `cargo xtask drift`.
pub fn run(args: &[String]) -> Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let options = parse_args(args)?;
    let committed = crate::workspace_root().join(crate::SCHEMA_PATH);
    let (from_label, from_source, to_label) = match (&options.from, &options.to, &options.against) {
        (Some(from), Some(to), _) => (from.clone(), from.clone(), to.clone()),
        (_, _, Some(against)) => (
            crate::SCHEMA_PATH.to_owned(),
            committed.display().to_string(),
            against.clone(),
        ),
        _ => bail!("give `--from` and `--to`, or `--against`"),
    };
    let started = Instant::now();
    let from_text = read_source(&from_source)?;
    let to_text = read_source(&to_label)?;
    let read_time = started.elapsed();
    if let Some(path) = &options.save_to {
        std::fs::write(path, &to_text).with_context(|| format!("cannot write `{path}`"))?;
    }

    if options.bench {
        return bench(&from_label, &from_text, &to_label, &to_text, read_time);
    }
    let report = report(&from_label, &from_text, &to_label, &to_text)?;
    let text = if options.json {
        report.to_json()
    } else {
        report.to_markdown()
    };
    let line = summary_line(&report);
    match &options.out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("cannot write `{path}`"))?;
            println!("{line}; report written to {path}");
        }
        None => {
            print!("{text}");
            eprintln!("{line}");
        }
    }
    let fail = match options.fail_on {
        Some(FailOn::Breaking) => report.has_breaking(),
        Some(FailOn::Any) => !report.is_empty(),
        None => false,
    };
    Ok(if fail {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// One line for the terminal and CI logs.
pub fn summary_line(report: &DriftReport) -> String {
    if report.is_empty() {
        return format!(
            "no drift between {} and {}",
            report.from.label, report.to.label
        );
    }
    let s = &report.summary;
    format!(
        "{} breaking and {} compatible changes: {} operations added, {} removed, {} changed; {} methods and {} types of the Rust API affected",
        s.breaking,
        s.compatible,
        s.operations_added,
        s.operations_removed,
        s.operations_changed,
        report.rust.methods_added.len()
            + report.rust.methods_removed.len()
            + report.rust.methods_changed.len(),
        report.rust.types_added.len()
            + report.rust.types_removed.len()
            + report.rust.types_changed.len(),
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Times the full report (normalize, compare, generated-API diff) and each rendering, five
/// runs each, and prints a Markdown table for BENCHMARKS.md.
fn bench(
    from_label: &str,
    from_text: &str,
    to_label: &str,
    to_text: &str,
    read_time: Duration,
) -> Result<ExitCode> {
    const RUNS: usize = 5;
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut compare = Vec::new();
    let mut markdown = Vec::new();
    let mut json = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let report = report(from_label, from_text, to_label, to_text)?;
        compare.push(start.elapsed());
        let start = Instant::now();
        let md = report.to_markdown();
        markdown.push(start.elapsed());
        let start = Instant::now();
        let js = report.to_json();
        json.push(start.elapsed());
        last = Some((report, md.len(), js.len()));
    }
    let (report, md_len, json_len) = last.context("no run")?;
    let name = |label: &str| {
        Path::new(label)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| label.to_owned())
    };
    println!(
        "| `{}` → `{}` ({profile}, median of {RUNS}) | time |\n| --- | ---: |",
        name(from_label),
        name(to_label)
    );
    println!("| read both files | {:.3} s |", read_time.as_secs_f64());
    println!(
        "| normalize, compare, diff the generated API | {:.3} s |",
        median(compare.clone()).as_secs_f64()
    );
    println!(
        "| render Markdown ({} KB) | {:.3} s |",
        md_len / 1000,
        median(markdown.clone()).as_secs_f64()
    );
    println!(
        "| render JSON ({} KB) | {:.3} s |",
        json_len / 1000,
        median(json.clone()).as_secs_f64()
    );
    let total: Vec<Duration> = (0..RUNS).map(|i| compare[i] + markdown[i]).collect();
    println!(
        "| full Markdown report (compare + render) | {:.3} s |",
        median(total).as_secs_f64()
    );
    println!("\n{}", summary_line(&report));
    Ok(ExitCode::SUCCESS)
}
