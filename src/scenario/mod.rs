//! Scenario files: the only module that reads input. Raw TOML → typed, validated [`Scenario`].
//!
//! Loading runs in three stages, each collecting all of its problems: TOML syntax (with
//! recovery), shape (serde into [`raw::RawScenario`], with every unknown key collected rather
//! than refused at the first), and meaning ([`validate::validate`]). Every problem is located
//! as `file:line:col: field.path: message`.

pub mod overlay;
pub mod path;
pub mod raw;
pub mod terms;
pub mod types;
pub mod validate;
pub mod warnings;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use toml::de::DeTable;

pub use terms::*;
pub use types::*;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use path::{FieldPath, Seg, diagnostic};

/// A scenario as loaded from a file, with what identifies its source.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// What the file says that cannot happen, located as `file:line:col: field: message`
    /// (see [`warnings`]); the scenario runs all the same.
    pub warnings: Vec<String>,
}

/// Reads and validates one scenario file.
pub fn load(path: &Path) -> Result<Loaded> {
    load_text(path).map(|(loaded, _)| loaded)
}

/// The largest scenario or policy file read, in bytes (4 MiB); the bundled ones are a few KiB.
pub const FILE_BOUND: u64 = 4 << 20;

/// A file's bytes and its text, which must be UTF-8 (as TOML is): every invalid sequence is
/// a located error, rather than a replacement character that might pass unnoticed. At most
/// [`FILE_BOUND`] bytes are read, so that a huge file (or `/dev/zero`) is refused at once.
fn read_text(path: &Path) -> Result<(Vec<u8>, String)> {
    use std::io::Read;
    let read_err = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(FILE_BOUND + 1).read_to_end(&mut bytes))
        .map_err(read_err)?;
    if bytes.len() as u64 > FILE_BOUND {
        return Err(read_err(std::io::Error::other(format!(
            "the file is larger than {FILE_BOUND} bytes (4 MiB), the bound for a scenario or policy file"
        ))));
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => {
            let text = text.to_owned();
            Ok((bytes, text))
        }
        Err(_) => Err(Error::Invalid(not_utf8(&bytes, path))),
    }
}

/// Most invalid UTF-8 sequences listed one by one; a binary file has thousands.
const MAX_ENCODING_ERRORS: usize = 10;

/// Each invalid UTF-8 sequence of `bytes`, at its line and column (counted in the characters
/// before it on its line, the invalid ones as one each).
fn not_utf8(bytes: &[u8], file: &Path) -> Diagnostics {
    let mut items = Vec::new();
    let (mut line, mut column, mut more) = (1, 1, 0);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        let bad = chunk.invalid();
        if bad.is_empty() {
            continue;
        }
        if items.len() == MAX_ENCODING_ERRORS {
            more += 1;
        } else {
            let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
            items.push(Diagnostic {
                file: file.to_owned(),
                line,
                column,
                field: "(encoding)".to_owned(),
                message: format!(
                    "found bytes that are not UTF-8 ({}), expected a UTF-8 text file",
                    hex.join(" ")
                ),
            });
        }
        column += 1;
    }
    if more > 0
        && let Some(last) = items.last().cloned()
    {
        items.push(Diagnostic {
            message: format!("found {more} more sequences that are not UTF-8 after this one"),
            ..last
        });
    }
    Diagnostics::sorted(file, items)
}

/// Reads and validates one scenario file, keeping its text.
fn load_text(path: &Path) -> Result<(Loaded, String)> {
    let (bytes, text) = read_text(path)?;
    let (scenario, warnings) = parse_with_warnings(&text, path).map_err(Error::Invalid)?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let loaded = Loaded {
        scenario,
        path: path.to_owned(),
        sha256,
        warnings: warnings.iter().map(Diagnostic::to_string).collect(),
    };
    Ok((loaded, text))
}

/// A scenario bundled with its policies: the baseline, the text that policies change, and the
/// file's policies and sensitivity parameters (those of `--policies` files added), from which
/// a study builds its variants.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub loaded: Loaded,
    text: String,
    pub policies: Vec<overlay::Policy>,
    pub params: Vec<overlay::Param>,
}

/// Reads a scenario file with its `[[policy]]` and `[[sensitivity]]` entries.
pub fn load_bundle(path: &Path) -> Result<Bundle> {
    let (loaded, text) = load_text(path)?;
    let (policies, params) = overlay::read_study(&text, path).map_err(Error::Invalid)?;
    Ok(Bundle {
        loaded,
        text,
        policies,
        params,
    })
}

/// Reads a file of policies: `[[policy]]` and `[[sensitivity]]` entries only, checked for
/// syntax and shape like a scenario file, every problem located.
pub fn load_policy_file(path: &Path) -> Result<(Vec<overlay::Policy>, Vec<overlay::Param>)> {
    let (_, text) = read_text(path)?;
    let schema =
        serde_json::to_value(schemars::schema_for!(raw::RawPolicyFile)).unwrap_or(Json::Null);
    let (_, _, items) =
        read_shape::<raw::RawPolicyFile>(&text, path, &schema).map_err(Error::Invalid)?;
    if !items.is_empty() {
        return Err(Error::Invalid(Diagnostics::sorted(path, items)));
    }
    overlay::read_study(&text, path).map_err(Error::Invalid)
}

impl Bundle {
    /// Adds the policies and parameters of a policy file; a policy named as one already there
    /// is an error.
    pub fn add(
        &mut self,
        policies: Vec<overlay::Policy>,
        params: Vec<overlay::Param>,
    ) -> Result<()> {
        let clash: Vec<String> = policies
            .iter()
            .filter(|p| self.policies.iter().any(|q| q.name == p.name))
            .map(|p| {
                format!(
                    "policy {} is defined twice, in the policy file and in {}",
                    p.name,
                    self.loaded.path.display()
                )
            })
            .collect();
        if !clash.is_empty() {
            return Err(Error::Policy(clash));
        }
        self.policies.extend(policies);
        self.params.extend(params);
        Ok(())
    }

    /// The policy named `name`: the file's own, else a built-in one.
    pub fn policy(&self, name: &str) -> Option<overlay::Policy> {
        self.policies
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .or_else(|| overlay::builtin().into_iter().find(|p| p.name == name))
    }

    /// Applies every policy and sensitivity value of the file, collecting every problem.
    pub fn check(&self) -> Result<()> {
        let params = self
            .params
            .iter()
            .flat_map(|p| [p.policy(&p.low), p.policy(&p.high)]);
        let all: Vec<overlay::Policy> = self.policies.iter().cloned().chain(params).collect();
        self.variants(&all).map(|_| ())
    }

    /// Every policy's scenario, or every problem of every policy at once.
    pub fn variants(&self, policies: &[overlay::Policy]) -> Result<Vec<Scenario>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for p in policies {
            match self.variant(p) {
                Ok(s) => out.push(s),
                Err(Error::Policy(v)) => problems.extend(v),
                Err(e) => problems.push(e.to_string()),
            }
        }
        // A sensitivity parameter's low and high values often share their problem.
        problems.dedup();
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(Error::Policy(problems))
        }
    }

    /// The scenario with `policy` applied, validated.
    pub fn variant(&self, policy: &overlay::Policy) -> Result<Scenario> {
        overlay::apply(&self.text, &self.loaded.path, policy)
    }
}

/// The scenario files a command-line argument names: the file itself, or the `*.toml` files of
/// a folder in name order; with them, every `*.toml` entry of the folder that cannot be read as
/// a file (a broken or looping symbolic link, a folder), each as an error message, so that no
/// scenario is left out of a batch without a word.
pub fn discover(arg: &Path) -> Result<(Vec<PathBuf>, Vec<String>)> {
    if !arg.is_dir() {
        return Ok((vec![arg.to_owned()], Vec::new()));
    }
    let entries = std::fs::read_dir(arg).map_err(|source| Error::Read {
        path: arg.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        let path = match entry {
            Ok(e) => e.path(),
            Err(e) => {
                problems.push(format!("cannot list {}: {e}", arg.display()));
                continue;
            }
        };
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => files.push(path),
            Ok(_) => problems.push(format!(
                "{}: not a file, expected a scenario file (*.toml)",
                path.display()
            )),
            Err(e) => {
                let target = std::fs::read_link(&path)
                    .map(|t| format!(", a symbolic link to {}", t.display()))
                    .unwrap_or_default();
                problems.push(format!("{}{target}: cannot be read: {e}", path.display()));
            }
        }
    }
    files.sort();
    problems.sort();
    if files.is_empty() && problems.is_empty() {
        return Err(Error::NoScenarios(arg.to_owned()));
    }
    Ok((files, problems))
}

/// Scenario names used by more than one file of a batch, whose results would overwrite each
/// other in `OUT/<name>`: one message per clash, naming every file. `named` pairs each file
/// with its scenario's name.
pub fn name_clashes(named: &[(PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (_, name)) in named.iter().enumerate() {
        if named[..i].iter().any(|(_, n)| n == name) {
            continue;
        }
        let files: Vec<String> = named
            .iter()
            .filter(|(_, n)| n == name)
            .map(|(f, _)| f.display().to_string())
            .collect();
        if files.len() > 1 {
            out.push(format!(
                "{} all have simulation.name = \"{name}\", so their results would overwrite each other in the folder {name}; expected each scenario of a batch to have a name of its own",
                files.join(" and ")
            ));
        }
    }
    out
}

/// Parses and validates scenario text; `file` is used only to label diagnostics.
pub fn parse(text: &str, file: &Path) -> std::result::Result<Scenario, Diagnostics> {
    parse_with_warnings(text, file).map(|(s, _)| s)
}

/// Parses and validates scenario text, with the warnings of a valid scenario, located.
pub fn parse_with_warnings(
    text: &str,
    file: &Path,
) -> std::result::Result<(Scenario, Vec<Diagnostic>), Diagnostics> {
    let schema = schema_value();
    let (raw, doc, mut items) = read_shape::<raw::RawScenario>(text, file, &schema)?;
    // Stage 3: meaning. Problems and warnings are located the same way.
    let locate = |p: validate::Problem| {
        diagnostic(
            text,
            file,
            p.path.span_in(&doc),
            p.path.to_string(),
            p.message,
        )
    };
    match validate::validate(&raw) {
        Ok(s) if items.is_empty() => {
            let mut found: Vec<Diagnostic> = warnings::warnings(&raw, &s)
                .into_iter()
                .map(locate)
                .collect();
            found.sort_by_key(|d| (d.line, d.column));
            Ok((s, found))
        }
        Ok(_) => Err(Diagnostics::sorted(file, items)),
        Err(problems) => {
            items.extend(problems.into_iter().map(locate));
            Err(Diagnostics::sorted(file, items))
        }
    }
}

/// Stages 1 and 2 of reading a TOML file into `T`: syntax (every recoverable error), then
/// shape (every key the schema does not allow, then serde's first type error). Returns the
/// value, the spanned document (to locate later problems) and the unknown keys found; a
/// syntax or type error ends it.
fn read_shape<'a, T: serde::de::DeserializeOwned>(
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

    // Stage 2: shape. Unknown keys are found by walking the document against the schema, so
    // that none is hidden when a wrong type stops deserialisation just below.
    let mut items = Vec::new();
    unknown_keys(
        schema,
        doc.get_ref(),
        &FieldPath::root(),
        &mut |path, span| {
            let key = match path.0.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => String::new(),
            };
            let parent = FieldPath(path.0[..path.0.len().saturating_sub(1)].to_vec());
            let allowed = allowed_keys(schema, &parent);
            let hint = did_you_mean_key(&key, &allowed);
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
    // Every missing required field, found the same way: serde would name only the first.
    let mut absent = Vec::new();
    missing_keys(
        schema,
        doc.get_ref(),
        doc.span(),
        &FieldPath::root(),
        &mut |path, span| {
            let key = match path.0.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => String::new(),
            };
            items.push(locate(
                span,
                path.to_string(),
                format!("found nothing, expected the required field {key}"),
            ));
            absent.push(path.to_string());
        },
    );
    let raw: std::result::Result<T, _> =
        serde::Deserialize::deserialize(toml::de::Deserializer::from(doc.clone()));
    let raw = match raw {
        Ok(raw) if absent.is_empty() => raw,
        Ok(_) => return Err(Diagnostics::sorted(file, items)),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = first_line(e.message());
            let mut field = field_at(&doc, span.clone());
            // Serde names a missing field only in its message; put it in the path, where it
            // belongs, and say it the way every other message does.
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|m| m.strip_suffix('`'));
            let message = match missing {
                Some(name) => {
                    field = if field == "(document)" {
                        name.to_owned()
                    } else {
                        format!("{field}.{name}")
                    };
                    format!("found nothing, expected the required field {name}")
                }
                None => plain_types(&message),
            };
            // The walk above has already reported every missing field, this one among them
            // (serde names an element of an array of tables without its index).
            if missing.is_none() || absent.is_empty() {
                items.push(locate(span, field, message));
            }
            return Err(Diagnostics::sorted(file, items));
        }
    };
    Ok((raw, doc, items))
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

/// The JSON Schema of the scenario format.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(raw::RawScenario)
}

pub(crate) fn schema_value() -> Json {
    serde_json::to_value(schema()).unwrap_or(Json::Null)
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

fn did_you_mean_key(key: &str, allowed: &[String]) -> String {
    allowed
        .iter()
        .map(|c| (strsim::jaro_winkler(key, c), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default()
}
