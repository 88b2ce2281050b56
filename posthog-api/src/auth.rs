//! Where the personal API key goes, and the rule PostHog uses to find it: the `Authorization`
//! header first, then `personal_api_key` in the body, then `personal_api_key` in the query.

use secrecy::SecretString;

/// The query and body field PostHog reads the personal API key from.
pub const PERSONAL_API_KEY_FIELD: &str = "personal_api_key";

/// The query parameter that carries the project API key.
pub const PROJECT_TOKEN_FIELD: &str = "token";

/// Where a client puts the personal API key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyPlacement {
    /// `Authorization: Bearer <key>` (the default, and what PostHog reads first).
    #[default]
    Header,
    /// `personal_api_key` in the request body: added to a JSON object body, or as a field of a
    /// multipart form. A request without such a body (a `GET`, or a JSON array body) carries the
    /// key in the header instead, so the key is always sent exactly once.
    Body,
    /// `personal_api_key` in the query string. URLs end up in proxy and server logs; prefer the
    /// header.
    Query,
}

/// Where PostHog found a personal API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// The `Authorization: Bearer` header.
    Header,
    /// The `personal_api_key` field of the body.
    Body,
    /// The `personal_api_key` query parameter.
    Query,
}

/// Finds the personal API key of a request the way PostHog does, and says where it was found.
///
/// PostHog uses only the first of: an `Authorization` header of the form `Bearer <key>`, a
/// `personal_api_key` field in the (JSON or form) body, a `personal_api_key` query parameter. A
/// key in a later place is ignored even when it differs, which is why this client never sends
/// the key in two places.
///
/// `authorization` is the header's value, `body` the parsed body (a JSON object, or the fields
/// of a form as an object), and `query` the raw query string without the `?`.
pub fn find_personal_api_key(
    authorization: Option<&str>,
    body: Option<&serde_json::Value>,
    query: Option<&str>,
) -> Option<(KeySource, SecretString)> {
    if let Some(key) = authorization.and_then(bearer_token) {
        return Some((KeySource::Header, SecretString::from(key.to_owned())));
    }
    if let Some(value) = body
        .and_then(|body| body.as_object())
        .and_then(|object| object.get(PERSONAL_API_KEY_FIELD))
    {
        // PostHog takes the field whatever its JSON type; a non-string becomes its JSON text.
        let key = match value {
            serde_json::Value::String(key) => key.clone(),
            other => other.to_string(),
        };
        return Some((KeySource::Body, SecretString::from(key)));
    }
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == PERSONAL_API_KEY_FIELD)
        .map(|(_, key)| (KeySource::Query, SecretString::from(key.into_owned())))
}

/// The key of `Bearer <key>`: PostHog matches `^Bearer\s+(\S.+)$` and strips the result.
fn bearer_token(header: &str) -> Option<&str> {
    let rest = header.strip_prefix("Bearer")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let key = rest.trim();
    // `\S.+` needs at least two characters after the whitespace.
    (key.chars().count() >= 2).then_some(key)
}

/// Adds the key to a JSON object body; `None` when the body is not a JSON object.
pub(crate) fn json_body_with_key(body: &[u8], key: &str) -> Option<Vec<u8>> {
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).ok()?;
    object.insert(
        PERSONAL_API_KEY_FIELD.to_owned(),
        serde_json::Value::String(key.to_owned()),
    );
    serde_json::to_vec(&object).ok()
}

/// Removes `name` from a URL's query, dropping the `?` when nothing is left.
pub(crate) fn remove_query_param(url: &mut url::Url, names: &[&str]) {
    if url.query().is_none() {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !names.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// A URL as it may appear in errors and logs: without the key-bearing query parameters.
pub(crate) fn redacted_url(url: &url::Url) -> String {
    let mut url = url.clone();
    remove_query_param(&mut url, &[PERSONAL_API_KEY_FIELD, PROJECT_TOKEN_FIELD]);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn found(
        header: Option<&str>,
        body: Option<serde_json::Value>,
        query: Option<&str>,
    ) -> Option<(KeySource, String)> {
        find_personal_api_key(header, body.as_ref(), query)
            .map(|(source, key)| (source, key.expose_secret().to_owned()))
    }

    #[test]
    fn every_combination_takes_the_first_of_header_body_query() {
        for mask in 0..8u8 {
            let header = (mask & 1 != 0).then_some("Bearer phx_header");
            let body = (mask & 2 != 0)
                .then(|| serde_json::json!({"personal_api_key": "phx_body", "name": "x"}));
            let query = (mask & 4 != 0).then_some("limit=1&personal_api_key=phx_query");
            let expected = if mask & 1 != 0 {
                Some((KeySource::Header, "phx_header".to_owned()))
            } else if mask & 2 != 0 {
                Some((KeySource::Body, "phx_body".to_owned()))
            } else if mask & 4 != 0 {
                Some((KeySource::Query, "phx_query".to_owned()))
            } else {
                None
            };
            assert_eq!(
                found(header, body, query),
                expected,
                "combination {mask:03b}"
            );
        }
    }

    #[test]
    fn malformed_headers_fall_through_to_the_body() {
        let body = Some(serde_json::json!({"personal_api_key": "phx_body"}));
        for header in [
            "Basic abc",
            "Bearer",
            "Bearer ",
            "Bearer x",
            "Bearerphx_abc",
            "bearer phx_abc",
        ] {
            assert_eq!(
                found(Some(header), body.clone(), None).map(|f| f.0),
                Some(KeySource::Body),
                "{header:?}"
            );
        }
        assert_eq!(
            found(Some("Bearer \t phx_abc "), None, None),
            Some((KeySource::Header, "phx_abc".into()))
        );
    }

    #[test]
    fn query_values_are_percent_decoded() {
        assert_eq!(
            found(None, None, Some("personal_api_key=phx%2Bk")),
            Some((KeySource::Query, "phx+k".into()))
        );
        assert_eq!(found(None, Some(serde_json::json!([1])), Some("a=1")), None);
    }

    #[test]
    fn removing_params_keeps_the_others() {
        let mut url = url::Url::parse("http://h/api/x/?personal_api_key=k&offset=10&token=t")
            .expect("a valid URL");
        assert_eq!(redacted_url(&url), "http://h/api/x/?offset=10");
        remove_query_param(&mut url, &["personal_api_key", "token", "offset"]);
        assert_eq!(url.as_str(), "http://h/api/x/");
    }
}
