//! Downloading a schema from a PostHog instance (`GET /api/schema/`), with errors that say
//! what went wrong: an unreachable host, a status other than 200, or a body that is no schema.

use std::time::Duration;

use anyhow::{Context, Result, bail};

/// The schema URL of an instance: `<base>/api/schema/?format=json`. A URL that already names
/// the schema endpoint is used as given.
pub fn schema_url(base: &str) -> Result<String> {
    let base = base.trim();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        bail!("`{base}` is not an http(s) URL (for example https://us.posthog.com)");
    }
    if base.contains("/api/schema") {
        return Ok(base.to_owned());
    }
    Ok(format!(
        "{}/api/schema/?format=json",
        base.trim_end_matches('/')
    ))
}

/// Downloads an instance's schema and returns its text.
pub fn download_schema(base: &str) -> Result<String> {
    let url = schema_url(base)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(&url)
        .header(
            "Accept",
            "application/vnd.oai.openapi+json, application/json;q=0.9, application/yaml;q=0.8",
        )
        .call()
        .with_context(|| format!("cannot reach `{url}`"))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_string()
        .with_context(|| format!("cannot read the response of `{url}`"))?;
    if status != 200 {
        let excerpt: String = body.chars().take(200).collect();
        bail!("`{url}` answered HTTP {status}, not 200: {excerpt}");
    }
    let value = codegen::load::parse_text(&body)
        .with_context(|| format!("`{url}` did not answer a JSON or YAML document"))?;
    if value.get("openapi").and_then(|v| v.as_str()).is_none() {
        bail!("`{url}` answered a document that is not an OpenAPI schema (no `openapi` version)");
    }
    Ok(body)
}
