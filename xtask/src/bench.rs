//! `cargo xtask bench`: the generator's benchmark. Times a full regeneration from the committed
//! schema and the debug build of `posthog-api` with all features and with one product feature,
//! and prints a Markdown table for BENCHMARKS.md.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn cargo(root: &Path, args: &[&str]) -> Result<Duration> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let start = Instant::now();
    let status = Command::new(cargo)
        .current_dir(root)
        .args(args)
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(start.elapsed())
}

/// Runs the benchmark. `--skip-builds` times only the generator.
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode> {
    let skip_builds = args.iter().any(|a| a == "--skip-builds");
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let text = std::fs::read_to_string(root.join(crate::SCHEMA_PATH))
        .context("cannot read the committed schema")?;
    let options = codegen::Options {
        schema_label: crate::SCHEMA_PATH.into(),
    };

    let mut generate = Vec::new();
    let mut output = None;
    for _ in 0..5 {
        let start = Instant::now();
        output = Some(codegen::generate(&text, &options)?);
        generate.push(start.elapsed());
    }
    let mut regen = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let code = crate::run(vec!["regen".into()])?;
        regen.push(start.elapsed());
        if code != ExitCode::SUCCESS {
            bail!("regen failed");
        }
    }
    let output = output.context("no output")?;
    let lines: usize = output
        .files
        .iter()
        .filter(|(n, _)| n.ends_with(".rs"))
        .map(|(_, t)| t.lines().count())
        .sum();
    let bytes: usize = output
        .files
        .iter()
        .filter(|(n, _)| n.ends_with(".rs"))
        .map(|(_, t)| t.len())
        .sum();

    println!("| measurement | result |\n| --- | ---: |");
    println!(
        "| generated Rust | {lines} lines, {:.1} MB, {} files |",
        bytes as f64 / 1e6,
        output.files.len()
    );
    println!(
        "| `codegen::generate` on the 2026 schema ({profile}, median of 5) | {:.2} s |",
        median(generate).as_secs_f64()
    );
    println!(
        "| full `regen`: read, generate, compare, write ({profile}, median of 3) | {:.2} s |",
        median(regen).as_secs_f64()
    );
    if skip_builds {
        return Ok(ExitCode::SUCCESS);
    }
    // Dependencies are built first, so the timings are of posthog-api alone.
    cargo(
        root,
        &["build", "-q", "-p", "posthog-api", "--all-features"],
    )?;
    let mut all = Vec::new();
    let mut one = Vec::new();
    for _ in 0..2 {
        cargo(root, &["clean", "-q", "-p", "posthog-api"])?;
        all.push(cargo(
            root,
            &["build", "-q", "-p", "posthog-api", "--all-features"],
        )?);
        cargo(root, &["clean", "-q", "-p", "posthog-api"])?;
        one.push(cargo(
            root,
            &[
                "build",
                "-q",
                "-p",
                "posthog-api",
                "--no-default-features",
                "--features",
                "feature_flags",
            ],
        )?);
    }
    println!(
        "| `cargo build -p posthog-api --all-features` (debug, dependencies built, best of 2) | {:.1} s |",
        all.iter().min().copied().unwrap_or_default().as_secs_f64()
    );
    println!(
        "| `cargo build -p posthog-api --no-default-features --features feature_flags` (debug, best of 2) | {:.1} s |",
        one.iter().min().copied().unwrap_or_default().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
