//! The shape of a TOML file: its syntax (stage 1 of reading a scenario or policy file), then its
//! shape against the JSON Schema of the raw types (stage 2: every unknown key and missing
//! field, then serde's first type error), every problem located, against any schema (a
//! scenario's, a policy file's). Also the schema lookups the policy overlay shares, and the one
//! "did you mean" of every message.

use std::path::Path;

use serde_json::Value as Json;
use toml::de::DeTable;

use super::path::{FieldPath, Seg, diagnostic};
use crate::error::{Diagnostic, Diagnostics};

/// Stages 1 and 2 of reading a TOML file into `T`: syntax (every recoverable error), then
/// shape (every key the schema does not allow, then serde's first type error). Returns the
/// value, the spanned document (to locate later problems) and the unknown keys found; a
/// syntax or type error ends it.
pub(crate) fn read_shape<'a, T: serde::de::DeserializeOwned>(
    text: &'a str,
    file: &Path,
    schema: &Json,
) -> std::result::Result<(T, toml::Spanned<DeTable<'a>>, Vec<Diagnostic>), Diagnostics> {
    let locate = |span, field, message| diagnostic(text, file, span, field, message);

    // Stage 1: syntax, every error the parser can recover from.
    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let items: Vec<Diagnostic> = syntax
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                locate(span, "(syntax)".into(), first_line(e.message()))
            })
            .collect();
        return Err(Diagnostics::sorted(file, items));
    }

    // Stage 2: shape.
    let (mut items, absent) = shape_problems(schema, &doc, &locate);
    let raw: std::result::Result<T, _> =
        serde::Deserialize::deserialize(toml::de::Deserializer::from(doc.clone()));
    match raw {
        Ok(raw) if absent.is_empty() => Ok((raw, doc, items)),
        Ok(_) => Err(Diagnostics::sorted(file, items)),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let (field, message, missing) = type_error(&doc, span.clone(), e.message());
            // The walk has already reported every missing field, this one among them (serde
            // names an element of an array of tables without its index).
            if !missing || absent.is_empty() {
                items.push(locate(span, field, message));
            }
            Err(Diagnostics::sorted(file, items))
        }
    }
}

/// Every key the schema does not allow and every required field missing, located; with the
/// paths of the missing ones. Both are found by walking the document against the schema, so
/// that none is hidden when a wrong type stops deserialisation just below (and serde would
/// name only the first missing field).
fn shape_problems(
    schema: &Json,
    doc: &toml::Spanned<DeTable<'_>>,
    locate: &dyn Fn(std::ops::Range<usize>, String, String) -> Diagnostic,
) -> (Vec<Diagnostic>, Vec<String>) {
    let mut items = Vec::new();
    unknown_keys(
        schema,
        doc.get_ref(),
        &FieldPath::root(),
        &mut |path, span| {
            let key = last_key(&path);
            let parent = FieldPath(path.0[..path.0.len().saturating_sub(1)].to_vec());
            let allowed = allowed_keys(schema, &parent);
            let hint = did_you_mean(&key, allowed.iter().map(String::as_str));
            items.push(locate(
                span,
                path.to_string(),
                format!(
                    "found unknown key \"{key}\", expected one of {}{hint}",
                    allowed.join(", ")
                ),
            ));
        },
    );
    let mut absent = Vec::new();
    missing_keys(
        schema,
        doc.get_ref(),
        doc.span(),
        &FieldPath::root(),
        &mut |path, span| {
            let key = last_key(&path);
            items.push(locate(
                span,
                path.to_string(),
                format!("found nothing, expected the required field {key}"),
            ));
            absent.push(path.to_string());
        },
    );
    (items, absent)
}

/// The last key of `path`, or nothing when it ends in an index.
fn last_key(path: &FieldPath) -> String {
    match path.0.last() {
        Some(Seg::Key(k)) => k.clone(),
        _ => String::new(),
    }
}

/// Serde's type error at `span` as a field and a message in the words of every other
/// message, and whether it is a missing field.
fn type_error(
    doc: &toml::Spanned<DeTable<'_>>,
    span: std::ops::Range<usize>,
    message: &str,
) -> (String, String, bool) {
    let message = first_line(message);
    let field = field_at(doc, span);
    // Serde names a missing field only in its message; put it in the path, where it belongs,
    // and say it the way every other message does.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'));
    match missing {
        Some(name) => {
            let field = if field == "(document)" {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            };
            let message = format!("found nothing, expected the required field {name}");
            (field, message, true)
        }
        None => (field, plain_types(&message), false),
    }
}

/// Reports every key of `table` (at `path`) that the schema does not allow there, and walks
/// into the tables and arrays of tables it does allow.
fn unknown_keys(
    schema: &Json,
    table: &DeTable<'_>,
    path: &FieldPath,
    report: &mut dyn FnMut(FieldPath, std::ops::Range<usize>),
) {
    let allowed = allowed_keys(schema, path);
    if allowed.is_empty() {
        // A free-form map (e.g. `by_installer`) or a place the schema does not describe.
        return;
    }
    for (key, value) in table {
        let name: &str = key.get_ref();
        let here = path.key(name);
        if !allowed.iter().any(|a| a == name) {
            report(here, key.span());
            continue;
        }
        match value.get_ref() {
            toml::de::DeValue::Table(t) => unknown_keys(schema, t, &here, report),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(t) = item.get_ref().as_table() {
                        unknown_keys(schema, t, &here.index(i), report);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Reports every field the schema requires in `table` (at `path`, spanning `span`) that it
/// lacks, and walks into the tables and arrays of tables it holds, as [`unknown_keys`] does.
fn missing_keys(
    schema: &Json,
    table: &DeTable<'_>,
    span: std::ops::Range<usize>,
    path: &FieldPath,
    report: &mut dyn FnMut(FieldPath, std::ops::Range<usize>),
) {
    let node = schema_node(schema, path);
    let required = node["required"].as_array().cloned().unwrap_or_default();
    for key in required.iter().filter_map(Json::as_str) {
        if !table.contains_key(key) {
            report(path.key(key), span.clone());
        }
    }
    let allowed = allowed_keys(schema, path);
    for (key, value) in table {
        let name: &str = key.get_ref();
        if !allowed.iter().any(|a| a == name) {
            continue;
        }
        let here = path.key(name);
        match value.get_ref() {
            toml::de::DeValue::Table(t) => missing_keys(schema, t, value.span(), &here, report),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(t) = item.get_ref().as_table() {
                        missing_keys(schema, t, item.span(), &here.index(i), report);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Serde's type names, in the words of a scenario file.
fn plain_types(message: &str) -> String {
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_owned()
}

/// The dotted path of the smallest key or value whose span contains `span`, for type errors.
/// Tables written with a `[header]` do not span their content, so every node is searched.
fn field_at(doc: &toml::Spanned<DeTable<'_>>, span: std::ops::Range<usize>) -> String {
    type Best = Option<(usize, FieldPath)>;
    fn consider(
        best: &mut Best,
        s: std::ops::Range<usize>,
        span: &std::ops::Range<usize>,
        path: &FieldPath,
    ) {
        if s.start <= span.start
            && span.end <= s.end
            && best.as_ref().is_none_or(|(w, _)| s.len() < *w)
        {
            *best = Some((s.len(), path.clone()));
        }
    }
    fn walk(t: &DeTable<'_>, span: &std::ops::Range<usize>, path: &FieldPath, best: &mut Best) {
        for (k, v) in t {
            let here = path.key(k.get_ref());
            consider(best, k.span(), span, &here);
            consider(best, v.span(), span, &here);
            match v.get_ref() {
                toml::de::DeValue::Table(t) => walk(t, span, &here, best),
                toml::de::DeValue::Array(a) => {
                    for (i, item) in a.iter().enumerate() {
                        let at = here.index(i);
                        consider(best, item.span(), span, &at);
                        if let Some(t) = item.get_ref().as_table() {
                            walk(t, span, &at, best);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut best = None;
    walk(doc.get_ref(), &span, &FieldPath::root(), &mut best);
    best.map_or_else(|| "(document)".to_owned(), |(_, p)| p.to_string())
}

/// The keys the schema allows in the table at `path`.
pub(crate) fn allowed_keys(schema: &Json, path: &FieldPath) -> Vec<String> {
    schema_node(schema, path)["properties"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The schema of the value at `path`, references and optional wrappers resolved.
fn schema_node(schema: &Json, path: &FieldPath) -> Json {
    let deref = |node: &Json| -> Json {
        let mut node = node.clone();
        for _ in 0..4 {
            if let Some(r) = node.get("$ref").and_then(Json::as_str) {
                let name = r.rsplit('/').next().unwrap_or_default();
                node = schema["$defs"][name].clone();
            } else if let Some(alts) = node.get("anyOf").and_then(Json::as_array) {
                node = alts
                    .iter()
                    .find(|a| {
                        a.get("$ref").is_some()
                            || a.get("properties").is_some()
                            || a.get("items").is_some()
                    })
                    .cloned()
                    .unwrap_or(Json::Null);
            } else {
                break;
            }
        }
        node
    };
    let mut node = deref(schema);
    for seg in &path.0 {
        node = match seg {
            Seg::Key(k) => deref(&node["properties"][k.as_str()]),
            Seg::Index(_) => deref(&node["items"]),
        };
    }
    node
}

/// The closest name to `wanted` among `candidates`, if it is close enough to be a typo: for
/// unknown keys here, and for unknown names (parties, components, classes, insurance kinds) in
/// validation.
pub(crate) fn did_you_mean<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|c| (strsim::jaro_winkler(wanted, c), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default()
}
