//! Helpers shared by the workspace tests: where the workspace, fixtures and shared schemas are.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The fixture specs.
pub fn fixtures_dir() -> PathBuf {
    root().join("tests/fixtures")
}

/// The real PostHog schemas: `../shared/schemas` beside the checkout.
pub fn shared_schemas_dir() -> PathBuf {
    root().join("../shared/schemas")
}

/// The four real schemas, oldest first.
pub const REAL_SCHEMAS: [&str; 4] = [
    "posthog-2023-02.yaml",
    "posthog-2025-02.yaml",
    "posthog-2025-11.yaml",
    "posthog-2026.json",
];

/// Reads a file, panicking with its path (tests only).
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The operationIds a schema declares, in order, or `method path` for operations without one.
pub fn declared_operations(text: &str) -> Vec<String> {
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).expect("JSON schema")
    } else {
        serde_yaml::from_str(text).expect("YAML schema")
    };
    let mut out = Vec::new();
    for (path, item) in value["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if codegen::METHODS.contains(&method.as_str()) {
                out.push(
                    op["operationId"]
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("{method} {path}")),
                );
            }
        }
    }
    out
}

/// All generated Rust of an output, as one text with a header per file (for snapshots).
pub fn rust_sources(output: &codegen::Output) -> String {
    let mut text = String::new();
    for (name, content) in &output.files {
        if name.ends_with(".rs") && !name.ends_with("mod.rs") {
            text.push_str(&format!("// ===== {name} =====\n{content}\n"));
        }
    }
    text
}

/// The generator fixtures that must generate: every file directly in `tests/fixtures/` except
/// the `invalid_*` ones (subdirectories hold other tests' fixtures), sorted.
pub fn valid_fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| {
        p.is_file()
            && !p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("invalid_"))
    });
    out.sort();
    out
}

/// Serves one canned HTTP response per connection on loopback, for as many connections as
/// given, and returns the server's base URL: a stand-in for a PostHog instance.
pub fn serve_canned(
    status: &'static str,
    content_type: &'static str,
    body: String,
    connections: usize,
) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    format!("http://{address}")
}
