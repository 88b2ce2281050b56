//! Rust names for schema names, property names and enum values: valid identifiers, never a
//! keyword, unique where they must be.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "union",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated code uses unqualified, which a schema type must not shadow.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Vec",
    "String",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Self",
];

/// `UpperCamelCase` for a type or variant, always a valid identifier.
pub fn camel(raw: &str) -> String {
    let mut name = raw.to_upper_camel_case();
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// A type name: camel case, not shadowing a name the generated code relies on.
pub fn type_name(raw: &str) -> String {
    let name = camel(raw);
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Schema")
    } else {
        name
    }
}

/// `snake_case`, a valid identifier without the `r#` prefix.
pub fn snake(raw: &str) -> String {
    let mut name = raw.to_snake_case();
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    name
}

/// An identifier as written in code: keywords become raw identifiers (`r#type`), or get a
/// trailing underscore where Rust has no raw form (`self_`).
pub fn ident(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Makes `base` unique within `taken` by numbering it, and records it.
pub fn unique(taken: &mut BTreeSet<String>, base: &str) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Like [`unique`], with an underscore before the number, for snake-case names.
pub fn unique_snake(taken: &mut BTreeSet<String>, base: &str) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// A variant name that spells out punctuation (`Etc/GMT+1` → `EtcSlashGmtPlus1`), for values
/// whose plain camel-case names collide.
pub fn spelled_camel(raw: &str) -> String {
    let mut spelled = String::new();
    for c in raw.chars() {
        let word = match c {
            '+' => " plus ",
            '-' => " minus ",
            '/' => " slash ",
            '.' => " dot ",
            '*' => " star ",
            '<' => " lt ",
            '>' => " gt ",
            '=' => " eq ",
            '!' => " not ",
            '_' => " underscore ",
            ' ' => " space ",
            '$' => " dollar ",
            '%' => " percent ",
            '&' => " and ",
            '|' => " or ",
            '@' => " at ",
            '#' => " hash ",
            ':' => " colon ",
            ',' => " comma ",
            '(' | ')' | '[' | ']' | '{' | '}' => " paren ",
            _ => {
                spelled.push(c);
                continue;
            }
        };
        spelled.push_str(word);
    }
    camel(&spelled)
}

/// Doc text made safe for rustdoc: fenced blocks become `text` blocks and indentation that
/// would start an indented code block is removed, so no schema prose runs as a doctest.
pub fn doc_text(raw: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in raw.trim().lines() {
        let trimmed = line.trim_start();
        if in_fence && !trimmed.starts_with("```") {
            out.push(trimmed.trim_end().to_owned());
            continue;
        }
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if let Some(rest) = trimmed.strip_prefix("```") {
            let lang = rest.trim();
            if lang.is_empty() || lang == "rust" {
                out.push("```text".to_owned());
                continue;
            }
            if !lang.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push("```text".to_owned());
                continue;
            }
            out.push(format!("```{lang}"));
            continue;
        }
        out.push(escape_markdown(trimmed.trim_end()));
    }
    // A fence opened as `text` must be closed; pair them up.
    let mut open = false;
    for line in out.iter_mut() {
        if line.starts_with("```") {
            if open {
                *line = "```".to_owned();
            }
            open = !open;
        }
    }
    if open {
        out.push("```".to_owned());
    }
    out.join("\n")
}

/// Escapes what rustdoc would read as HTML tags or intra-doc links (`<id>`, `[L45]`) outside
/// code spans, so schema prose renders as written and without rustdoc warnings. Markdown links
/// (`[text](url)`) and autolinks (`<https://...>`) are kept; a bare URL becomes an autolink.
fn escape_markdown(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut keep_close = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code && !is_autolink(&chars[i + 1..]) => {
                out.push_str("\\<");
            }
            '[' if !in_code => {
                // A markdown link keeps its brackets: `]` followed by `(` closes it.
                let close = chars[i + 1..]
                    .iter()
                    .position(|&d| d == ']')
                    .map(|p| i + 1 + p);
                match close {
                    Some(end) if chars.get(end + 1) == Some(&'(') => {
                        keep_close.push(end);
                        out.push('[');
                    }
                    _ => out.push_str("\\["),
                }
            }
            ']' if !in_code && !keep_close.contains(&i) => out.push_str("\\]"),
            'h' if !in_code
                && is_autolink(&chars[i..])
                && !matches!(
                    i.checked_sub(1).map(|p| chars[p]),
                    Some('<' | '(' | '"' | '\'')
                ) =>
            {
                let len = bare_url_len(&chars[i..]);
                out.push('<');
                out.extend(&chars[i..i + len]);
                out.push('>');
                i += len;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The length of the bare URL at the start of `rest`: up to whitespace or a character that
/// cannot end an autolink, without trailing sentence punctuation.
fn bare_url_len(rest: &[char]) -> usize {
    let mut len = rest
        .iter()
        .position(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(rest.len());
    let unbalanced = |url: &[char]| {
        url.iter().filter(|&&c| c == ')').count() > url.iter().filter(|&&c| c == '(').count()
    };
    loop {
        match rest[..len].last() {
            Some('.' | ',' | ';' | ':' | '!' | '?' | '\'') => len -= 1,
            Some(')') if unbalanced(&rest[..len]) => len -= 1,
            _ => return len,
        }
    }
}

/// Whether the text after a `<` starts an autolink (`<https://...>`).
fn is_autolink(rest: &[char]) -> bool {
    let head: String = rest.iter().take(8).collect();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| head.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use super::doc_text;

    #[test]
    fn bare_urls_become_autolinks_without_trailing_punctuation() {
        assert_eq!(
            doc_text("See https://posthog.com/docs. Or https://posthog.com/docs/api, later."),
            "See <https://posthog.com/docs>. Or <https://posthog.com/docs/api>, later."
        );
        assert_eq!(
            doc_text("(see https://en.wikipedia.org/wiki/Cron_(Unix))"),
            "(see <https://en.wikipedia.org/wiki/Cron_(Unix)>)"
        );
    }

    #[test]
    fn links_code_and_autolinks_are_kept() {
        let kept = "[docs](https://posthog.com/docs), <https://posthog.com>, `https://x.test/a`";
        assert_eq!(doc_text(kept), kept);
    }

    #[test]
    fn html_tags_and_intra_doc_links_are_escaped() {
        assert_eq!(
            doc_text("GET /api/<id>/ returns [L45] and `<raw>`"),
            "GET /api/\\<id>/ returns \\[L45\\] and `<raw>`"
        );
    }
}
