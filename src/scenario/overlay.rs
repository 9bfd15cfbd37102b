//! Policy overlays: named sets of changes to a scenario's fields (from `[[policy]]` in the
//! scenario file, the built-in mitigations, or the command line), applied to the file's TOML
//! document and then validated like any scenario, with every problem located.
//!
//! A field path is dotted, as error messages print it: `device_class[0].security.credentials`.
//! A list element can also be picked by its `name` (`device_class.cameras.…`) or all of them
//! by `*`; under `*`, elements that lack the rest of the path are passed over.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};
use toml::{Table, Value};

use super::path::{FieldPath, diagnostic, line_col};
use super::raw::schema_value;
use super::shape::allowed_keys;
use super::types::Scenario;
use super::validate::parse;
use crate::error::{Diagnostics, Error, Result};

/// What a change does to its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Replace (or add) the value.
    Set(Value),
    /// Multiply a number by a factor ≥ 0 (whole numbers stay whole, rounded).
    Scale(f64),
}

/// Where a change was written, to point at it in an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// In a file, at a line and column.
    File {
        file: PathBuf,
        line: usize,
        column: usize,
    },
    /// Built into fleetsim.
    Builtin,
    /// On the command line, as written there.
    CommandLine(String),
}

/// One change of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The field path as written.
    pub field: String,
    pub op: Op,
    pub origin: Origin,
}

impl Change {
    /// The change as a reader writes it: `field = value` or `field × factor`.
    pub fn text(&self) -> String {
        match &self.op {
            Op::Set(v) => format!("{} = {v}", self.field),
            Op::Scale(f) => format!("{} × {f}", self.field),
        }
    }
}

/// A named set of changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub description: String,
    pub changes: Vec<Change>,
}

impl Policy {
    /// A policy of `changes` alone, named by them (a sweep's point, a sensitivity value).
    pub fn of(changes: Vec<Change>) -> Self {
        Policy {
            name: changes
                .iter()
                .map(Change::text)
                .collect::<Vec<_>>()
                .join(", "),
            description: String::new(),
            changes,
        }
    }
}

/// One parameter of a sensitivity study: a field and its low and high value.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub field: String,
    pub low: Value,
    pub high: Value,
    pub origin: Origin,
}

impl Param {
    /// The policy that sets the field to `value` (the parameter's low or high value).
    pub fn policy(&self, value: &Value) -> Policy {
        Policy::of(vec![Change {
            field: self.field.clone(),
            op: Op::Set(value.clone()),
            origin: self.origin.clone(),
        }])
    }
}

/// The ready-made policies, applicable to any scenario that has the fields they change: the
/// three mitigations of the seed article, then the levers of patching, support, recalls,
/// contracts, insurance and the law.
pub const BUILTIN: &str = r#"
[[policy]]
name = "secure_by_design"
description = "Secure by design: half as many vulnerabilities shipped in each class's software."
scale = { "device_class.*.vulnerabilities.per_year" = 0.5 }

[[policy]]
name = "risk_assessment"
description = "Risk assessment before release: half as many firmware bugs."
scale = { "device_class.*.firmware_bug.rate_per_device_year" = 0.5 }

[[policy]]
name = "authorisation"
description = "Authorisation: a unique strong password per device, no universal default, and no installer leaves a default in place."
set = { "device_class.*.security.credentials" = "strong", "device_class.*.security.installer_leaves_default" = {} }

[[policy]]
name = "fast_patching"
description = "Patch cadence: patches released in half the time."
scale = { "device_class.*.vulnerabilities.patch_delay_days" = 0.5 }

[[policy]]
name = "longer_support"
description = "Support period: security updates for twice as long."
scale = { "device_class.*.vulnerabilities.support_years" = 2.0 }

[[policy]]
name = "early_recall"
description = "Recall rule: a recall on half as many harmful incidents."
scale = { "recall.*.threshold" = 0.5 }

[[policy]]
name = "double_indemnity_caps"
description = "Indemnity caps: every contract's cap doubled."
scale = { "contract.*.cap" = 2.0, "contract.*.cap_fee_multiple" = 2.0 }

[[policy]]
name = "double_insurance_limits"
description = "Insurance terms: every layer's limit and aggregate doubled."
scale = { "insurance.*.layer.*.limit" = 2.0, "insurance.*.layer.*.aggregate" = 2.0 }

[[policy]]
name = "strict_liability"
description = "Liability regime: strict liability of the producer for every defect."
set = { "liability.regime" = "strict" }
"#;

/// The built-in policies.
pub fn builtin() -> Vec<Policy> {
    // The text is fleetsim's own and tested; a failure here is a bug, shown as no policies.
    read_policies(BUILTIN, Path::new("(built-in)"), true)
        .map(|(p, _)| p)
        .unwrap_or_default()
}

/// Reads the `[[policy]]` and `[[sensitivity]]` entries of a scenario file's text, which has
/// already been validated as a scenario (so their shape is right).
pub fn read_study(
    text: &str,
    file: &Path,
) -> std::result::Result<(Vec<Policy>, Vec<Param>), Diagnostics> {
    read_policies(text, file, false)
}

/// The `[[policy]]` and `[[sensitivity]]` entries of `text` (whose shape was checked before);
/// `builtin` for fleetsim's own policies, which come from no file.
fn read_policies(
    text: &str,
    file: &Path,
    builtin: bool,
) -> std::result::Result<(Vec<Policy>, Vec<Param>), Diagnostics> {
    let (doc, _) = DeTable::parse_recoverable(text);
    let reader = Reader {
        text,
        file,
        builtin,
    };
    let mut problems = Vec::new();
    let mut policies: Vec<Policy> = Vec::new();
    let entries = doc
        .get_ref()
        .get("policy")
        .and_then(|v| v.get_ref().as_array());
    for (i, entry) in entries.into_iter().flatten().enumerate() {
        if let Some(t) = entry.get_ref().as_table() {
            let at = FieldPath::root().key("policy").index(i);
            let policy = reader.policy(t, entry.span(), &at, &policies, &mut problems);
            policies.push(policy);
        }
    }
    let entries = doc
        .get_ref()
        .get("sensitivity")
        .and_then(|v| v.get_ref().as_array());
    let params = entries
        .into_iter()
        .flatten()
        .filter_map(|entry| reader.param(entry))
        .collect();
    if problems.is_empty() {
        Ok((policies, params))
    } else {
        Err(Diagnostics::sorted(file, problems))
    }
}

/// Reads the `[[policy]]` and `[[sensitivity]]` entries of one text.
struct Reader<'a> {
    text: &'a str,
    file: &'a Path,
    /// The built-in policies' text: their changes come from fleetsim, not from a file.
    builtin: bool,
}

impl Reader<'_> {
    /// Where a change written at `span` comes from.
    fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        if self.builtin {
            return Origin::Builtin;
        }
        let (line, column) = line_col(self.text, span.start);
        Origin::File {
            file: self.file.to_owned(),
            line,
            column,
        }
    }

    /// A problem at `span`.
    fn problem(
        &self,
        span: std::ops::Range<usize>,
        field: &FieldPath,
        message: String,
    ) -> crate::error::Diagnostic {
        diagnostic(self.text, self.file, span, field.to_string(), message)
    }

    /// One `[[policy]]` table at `at` (spanning `span`), whose name none of `earlier` may have.
    fn policy(
        &self,
        t: &DeTable<'_>,
        span: std::ops::Range<usize>,
        at: &FieldPath,
        earlier: &[Policy],
        problems: &mut Vec<crate::error::Diagnostic>,
    ) -> Policy {
        let name = t
            .get("name")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or_default()
            .to_owned();
        let ok_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok_name {
            problems.push(self.problem(
                span.clone(),
                &at.key("name"),
                format!("found {name:?}, expected a name of letters, digits, _ and -"),
            ));
        } else if earlier.iter().any(|p| p.name == name) || name == "baseline" {
            problems.push(self.problem(
                span.clone(),
                &at.key("name"),
                format!(
                    "found {name:?} again, expected a name that no other policy has (nor \"baseline\")"
                ),
            ));
        }
        let description = t
            .get("description")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or_default()
            .to_owned();
        let (changes, refused) = self.changes(t, at, problems);
        // Changes written but refused (a bad factor) are reported on their own; the policy
        // then does not also "have no change".
        if changes.is_empty() && refused == 0 {
            problems.push(self.problem(
                span,
                at,
                "found no change, expected fields under set or scale".to_owned(),
            ));
        }
        Policy {
            name,
            description,
            changes,
        }
    }

    /// The changes under a policy's `set` and `scale`, with the number refused (a bad factor,
    /// reported).
    fn changes(
        &self,
        t: &DeTable<'_>,
        at: &FieldPath,
        problems: &mut Vec<crate::error::Diagnostic>,
    ) -> (Vec<Change>, usize) {
        let mut changes = Vec::new();
        let mut refused = 0;
        for (key, is_scale) in [("set", false), ("scale", true)] {
            let Some(table) = t.get(key).and_then(|v| v.get_ref().as_table()) else {
                continue;
            };
            let mut leaves = Vec::new();
            flatten(table, String::new(), &mut leaves);
            for (field, value, span) in leaves {
                let op = if is_scale {
                    match value.as_float().or(value.as_integer().map(|i| i as f64)) {
                        Some(f) if f >= 0.0 && f.is_finite() => Op::Scale(f),
                        _ => {
                            problems.push(self.problem(
                                span,
                                &at.key(key).key(&field),
                                format!("found {value}, expected a factor ≥ 0"),
                            ));
                            refused += 1;
                            continue;
                        }
                    }
                } else {
                    Op::Set(value)
                };
                changes.push(Change {
                    field,
                    op,
                    origin: self.origin(span),
                });
            }
        }
        (changes, refused)
    }

    /// One `[[sensitivity]]` entry, if it has its field, low and high value (its shape was
    /// checked before).
    fn param(&self, entry: &toml::Spanned<DeValue<'_>>) -> Option<Param> {
        let t = entry.get_ref().as_table()?;
        let value = |k: &str| t.get(k).map(|v| to_value(v.get_ref()));
        Some(Param {
            field: t.get("field")?.get_ref().as_str()?.to_owned(),
            low: value("low")?,
            high: value("high")?,
            origin: self.origin(entry.span()),
        })
    }
}

/// The leaves of a `set` or `scale` table as dotted paths: `"a.b" = 1` and `a.b = 1` (a nested
/// table) both give `a.b`. An empty table is a value (it clears a map).
fn flatten(
    table: &DeTable<'_>,
    prefix: String,
    out: &mut Vec<(String, Value, std::ops::Range<usize>)>,
) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        match v.get_ref() {
            DeValue::Table(t) if !t.is_empty() => flatten(t, path, out),
            other => out.push((path, to_value(other), k.span())),
        }
    }
}

/// A parsed TOML value as an owned one.
fn to_value(v: &DeValue<'_>) -> Value {
    match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i
            .to_string()
            .parse::<i64>()
            .map_or_else(|_| Value::String(i.to_string()), Value::Integer),
        DeValue::Float(f) => f
            .to_string()
            .parse::<f64>()
            .map_or_else(|_| Value::String(f.to_string()), Value::Float),
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(d) => Value::Datetime(*d),
        DeValue::Array(a) => Value::Array(a.iter().map(|x| to_value(x.get_ref())).collect()),
        DeValue::Table(t) => Value::Table(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_value(v.get_ref())))
                .collect(),
        ),
    }
}

/// A `FIELD=V1,V2,…` (or `FIELD=START..END:STEP`) argument: the field and its values. Each value
/// is read as TOML (`0.5`, `true`, `"strong"`), or as a string when it is not TOML (`strong`).
pub fn parse_values(arg: &str) -> std::result::Result<(String, Vec<Value>), String> {
    let Some((field, values)) = arg.split_once('=') else {
        return Err(format!(
            "{arg:?}: expected FIELD=VALUE,VALUE,… or FIELD=START..END:STEP"
        ));
    };
    let field = field.trim().to_owned();
    if field.is_empty() {
        return Err(format!("{arg:?}: no field before '='"));
    }
    if let Some((range, step)) = values.split_once(':')
        && let Some((a, b)) = range.split_once("..")
    {
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("{arg:?}: {s:?} is not a number"))
        };
        let (a, b, step) = (num(a)?, num(b)?, num(step)?);
        if step.is_nan() || step <= 0.0 || b < a {
            return Err(format!("{arg:?}: expected START ≤ END and STEP > 0"));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize;
        if n > 1000 {
            return Err(format!("{arg:?}: {n} points; at most 1,000"));
        }
        let whole = [a, b, step].iter().all(|x| x.fract() == 0.0);
        let values = (0..=n)
            .map(|i| {
                let x = a + step * i as f64;
                if whole {
                    Value::Integer(x as i64)
                } else {
                    Value::Float(x)
                }
            })
            .collect();
        return Ok((field, values));
    }
    let values: Vec<Value> = values.split(',').map(|v| parse_value(v.trim())).collect();
    if values.iter().any(|v| v.as_str() == Some("")) {
        return Err(format!("{arg:?}: an empty value"));
    }
    Ok((field, values))
}

/// A value as written on the command line: TOML if it parses, else a bare string.
pub fn parse_value(s: &str) -> Value {
    format!("v = {s}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(s.to_owned()))
}

/// A scenario file's text with a policy applied: the changed scenario, validated, or every
/// problem, located at the change that caused it.
pub fn apply(text: &str, file: &Path, policy: &Policy) -> Result<Scenario> {
    let mut doc: Table = text.parse().map_err(|e: toml::de::Error| {
        Error::Policy(vec![format!("{}: {}", file.display(), e.message())])
    })?;
    doc.remove("policy");
    doc.remove("sensitivity");
    let schema = schema_value();
    let mut problems = Vec::new();
    let mut touched: Vec<(FieldPath, usize)> = Vec::new();
    let mut matched_any = false;
    let mut unmatched = Vec::new();
    for (c, change) in policy.changes.iter().enumerate() {
        let toks = match tokens(&change.field) {
            Ok(t) => t,
            Err(e) => {
                problems.push(located(change, &policy.name, e));
                continue;
            }
        };
        if matches!(toks.first(), Some(Tok::Word(w)) if w == "simulation") {
            problems.push(located(
                change,
                &policy.name,
                "found a simulation field, expected a field of the model: the runs a policy is compared with share their simulation settings".to_owned(),
            ));
            continue;
        }
        let mut ctx = Walk {
            schema: &schema,
            op: &change.op,
            touched: Vec::new(),
        };
        let mut root = Value::Table(std::mem::take(&mut doc));
        let result = ctx.walk(&mut root, &toks, &FieldPath::root(), false);
        if let Value::Table(t) = root {
            doc = t;
        }
        match result {
            Err(e) => problems.push(located(change, &policy.name, e)),
            Ok(()) if ctx.touched.is_empty() => unmatched.push(c),
            Ok(()) => {
                matched_any = true;
                touched.extend(ctx.touched.into_iter().map(|p| (p, c)));
            }
        }
    }
    // A change under `*` that finds nothing is fine when another change of the policy applies
    // (a built-in names both kinds of cap, say); a policy that changes nothing is an error.
    for c in unmatched {
        let change = &policy.changes[c];
        if !matched_any || !change.field.contains('*') {
            problems.push(located(
                change,
                &policy.name,
                "matches no field of this scenario".to_owned(),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Policy(problems));
    }
    let changed = toml::to_string(&doc).map_err(|e| Error::Policy(vec![e.to_string()]))?;
    parse(&changed, file).map_err(|d| {
        Error::Policy(
            d.items
                .into_iter()
                .map(|item| {
                    let cause = touched
                        .iter()
                        .filter(|(p, _)| {
                            let p = p.to_string();
                            item.field == p
                                || item.field.starts_with(&format!("{p}."))
                                || item.field.starts_with(&format!("{p}["))
                        })
                        .map(|&(_, c)| &policy.changes[c])
                        .next();
                    match cause {
                        Some(change) => located(
                            change,
                            &policy.name,
                            format!("{}: {}", item.field, item.message),
                        ),
                        None => format!(
                            "policy {}: the changed scenario is invalid: {}: {}",
                            policy.name, item.field, item.message
                        ),
                    }
                })
                .collect(),
        )
    })
}

/// A problem with a change, located where the change was written.
fn located(change: &Change, policy: &str, message: String) -> String {
    match &change.origin {
        Origin::File { file, line, column } => format!(
            "{}:{line}:{column}: policy {policy}: {}: {message}",
            file.display(),
            change.field
        ),
        Origin::Builtin => format!("built-in policy {policy}: {}: {message}", change.field),
        Origin::CommandLine(arg) => format!("{arg}: {}: {message}", change.field),
    }
}

/// One step of a path as written: a word (a key, a list element's name, or `*`) or an index.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Index(usize),
}

fn tokens(field: &str) -> std::result::Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    for part in field.split('.') {
        let (word, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if word.is_empty() && rest.is_empty() {
            return Err(format!(
                "found an empty step in {field:?}, expected a dotted path"
            ));
        }
        if !word.is_empty() {
            toks.push(Tok::Word(word.to_owned()));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let Some((n, after)) = r.split_once(']') else {
                return Err(format!("found an unclosed [ in {field:?}"));
            };
            let i = n
                .parse()
                .map_err(|_| format!("found [{n}] in {field:?}, expected an index such as [0]"))?;
            toks.push(Tok::Index(i));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(format!("found {rest:?} after an index in {field:?}"));
        }
    }
    Ok(toks)
}

/// The walk of one change through the document.
struct Walk<'a> {
    schema: &'a Json,
    op: &'a Op,
    touched: Vec<FieldPath>,
}

impl Walk<'_> {
    fn walk(
        &mut self,
        node: &mut Value,
        toks: &[Tok],
        here: &FieldPath,
        wildcard: bool,
    ) -> std::result::Result<(), String> {
        let Some((tok, rest)) = toks.split_first() else {
            return self.change(node, here);
        };
        match node {
            Value::Table(t) => {
                let Tok::Word(key) = tok else {
                    return Err(format!("{here} is a table, not a list: no index"));
                };
                if let Some(next) = t.get_mut(key.as_str()) {
                    return self.walk(next, rest, &here.key(key), wildcard);
                }
                let allowed = allowed_keys(self.schema, here);
                let free = allowed.is_empty() && !here.0.is_empty();
                if !free && !allowed.iter().any(|a| a == key) {
                    return Err(format!(
                        "found unknown field {key} in {here}, expected one of {}",
                        allowed.join(", ")
                    ));
                }
                if wildcard {
                    // This element lacks the field; under `*`, it is passed over.
                    return Ok(());
                }
                match (self.op, rest.is_empty()) {
                    (Op::Set(v), true) => {
                        t.insert(key.clone(), v.clone());
                        self.touched.push(here.key(key));
                        Ok(())
                    }
                    (Op::Scale(_), true) => Err(format!(
                        "{} is not set in this scenario, so it cannot be scaled; set it instead",
                        here.key(key)
                    )),
                    (_, false) => {
                        let mut next = Value::Table(Table::new());
                        self.walk(&mut next, rest, &here.key(key), wildcard)?;
                        t.insert(key.clone(), next);
                        Ok(())
                    }
                }
            }
            Value::Array(items) => match tok {
                Tok::Index(i) => {
                    let n = items.len();
                    let item = items.get_mut(*i).ok_or_else(|| {
                        format!("{here} has {n} element(s), so there is no [{i}]")
                    })?;
                    self.walk(item, rest, &here.index(*i), wildcard)
                }
                Tok::Word(w) if w == "*" => {
                    for (i, item) in items.iter_mut().enumerate() {
                        self.walk(item, rest, &here.index(i), true)?;
                    }
                    Ok(())
                }
                Tok::Word(name) => {
                    let names: Vec<String> = items
                        .iter()
                        .filter_map(|x| x.get("name").and_then(Value::as_str).map(str::to_owned))
                        .collect();
                    let i = items
                        .iter()
                        .position(|x| x.get("name").and_then(Value::as_str) == Some(name))
                        .ok_or_else(|| {
                            if names.is_empty() {
                                format!("{here} is a list: pick an element by [index] or all by *")
                            } else {
                                format!(
                                    "found no element of {here} named {name}, expected one of {}, an [index] or *",
                                    names.join(", ")
                                )
                            }
                        })?;
                    self.walk(&mut items[i], rest, &here.index(i), wildcard)
                }
            },
            _ => Err(format!("{here} is a value, not a table or list")),
        }
    }

    /// Applies the change at the field it names.
    fn change(&mut self, node: &mut Value, here: &FieldPath) -> std::result::Result<(), String> {
        match self.op {
            Op::Set(v) => *node = v.clone(),
            Op::Scale(f) => {
                *node = match node {
                    Value::Integer(i) => Value::Integer((*i as f64 * f).round() as i64),
                    Value::Float(x) => Value::Float(*x * f),
                    other => {
                        return Err(format!(
                            "found {other} at {here}, expected a number to scale"
                        ));
                    }
                }
            }
        }
        self.touched.push(here.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = include_str!("../../tests/fixtures/valid/minimal.toml");

    fn policy(changes: &[(&str, Op)]) -> Policy {
        Policy {
            name: "p".to_owned(),
            description: String::new(),
            changes: changes
                .iter()
                .map(|(f, op)| Change {
                    field: (*f).to_owned(),
                    op: op.clone(),
                    origin: Origin::Builtin,
                })
                .collect(),
        }
    }

    fn apply_to(text: &str, changes: &[(&str, Op)]) -> Result<Scenario> {
        apply(text, Path::new("t.toml"), &policy(changes))
    }

    #[test]
    fn values_and_ranges_from_the_command_line() {
        let (f, v) = parse_values("a.b[0].c=1,2.5,true,strong,\"x y\"").expect("values");
        assert_eq!(f, "a.b[0].c");
        assert_eq!(
            v,
            [
                Value::Integer(1),
                Value::Float(2.5),
                Value::Boolean(true),
                Value::String("strong".into()),
                Value::String("x y".into())
            ]
        );
        let (_, v) = parse_values("x=0..1:0.25").expect("a range");
        assert_eq!(v.len(), 5);
        assert_eq!(v[4], Value::Float(1.0));
        let (_, v) = parse_values("x=90..360:90").expect("a whole range");
        assert_eq!(v, [90, 180, 270, 360].map(Value::Integer));
        assert!(parse_values("x").is_err());
        assert!(parse_values("x=1..0:1").is_err());
        assert!(parse_values("x=0..1:0").is_err());
        assert!(parse_values("x=1,,2").is_err());
    }

    #[test]
    fn paths_by_index_name_and_wildcard() {
        assert_eq!(
            tokens("device_class[2].wear_out[0].shape").expect("tokens"),
            [
                Tok::Word("device_class".into()),
                Tok::Index(2),
                Tok::Word("wear_out".into()),
                Tok::Index(0),
                Tok::Word("shape".into())
            ]
        );
        assert!(tokens("a..b").is_err());
        assert!(tokens("a[x]").is_err());
        for field in [
            "device_class[0].count",
            "device_class.gadget.count",
            "device_class.*.count",
        ] {
            let s = apply_to(MINIMAL, &[(field, Op::Set(Value::Integer(250)))]).expect(field);
            assert_eq!(s.classes[0].count, 250, "{field}");
        }
        // Whole numbers scale to whole numbers, rounded.
        let s = apply_to(MINIMAL, &[("device_class.*.count", Op::Scale(0.333))]).expect("scale");
        assert_eq!(s.classes[0].count, 33);
        // A field the file leaves out is added by set, if the format has it.
        let s = apply_to(
            MINIMAL,
            &[("liability.regime", Op::Set(Value::String("strict".into())))],
        )
        .expect("a new table");
        assert_eq!(s.terms.liability.regimes[0].name(), "strict");
    }

    #[test]
    fn problems_name_the_change() {
        let err = |changes: &[(&str, Op)]| match apply_to(MINIMAL, changes) {
            Err(Error::Policy(v)) => v.join("\n"),
            other => panic!("expected a policy error, got {other:?}"),
        };
        let e = err(&[("simulation.seed", Op::Set(Value::Integer(2)))]);
        assert!(e.contains("found a simulation field"), "{e}");
        let e = err(&[("device_class[3].count", Op::Scale(2.0))]);
        assert!(
            e.contains("device_class has 1 element(s), so there is no [3]"),
            "{e}"
        );
        let e = err(&[("device_class.gadget.lineage.installer", Op::Scale(2.0))]);
        assert!(e.contains("cannot be scaled; set it instead"), "{e}");
        let e = err(&[("device_class.*.firmware_bug.harm.kind", Op::Scale(2.0))]);
        assert!(e.contains("expected a number to scale"), "{e}");
        // Under *, an element without the field is passed over; if none has it, it is an error.
        let e = err(&[("device_class.*.sensor_drift.tolerance", Op::Scale(2.0))]);
        assert!(e.contains("matches no field of this scenario"), "{e}");
        // The changed scenario is validated, and its problem pinned on the change.
        let e = err(&[(
            "device_class.gadget.firmware_bug.harm.probability",
            Op::Set(Value::Float(1.5)),
        )]);
        assert!(
            e.starts_with("built-in policy p: device_class.gadget.firmware_bug.harm.probability: device_class[0].firmware_bug.harm.probability: found 1.5"),
            "{e}"
        );
    }

    #[test]
    fn the_builtin_policies_read() {
        let names: Vec<String> = builtin().into_iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "secure_by_design",
                "risk_assessment",
                "authorisation",
                "fast_patching",
                "longer_support",
                "early_recall",
                "double_indemnity_caps",
                "double_insurance_limits",
                "strict_liability"
            ]
        );
        // risk_assessment halves the firmware bug rate of the minimal scenario.
        let p = builtin()
            .into_iter()
            .find(|p| p.name == "risk_assessment")
            .expect("risk_assessment");
        let s = apply(MINIMAL, Path::new("t.toml"), &p).expect("applies");
        let base = super::super::parse(MINIMAL, Path::new("t.toml")).expect("valid");
        let rate = |s: &Scenario| s.classes[0].firmware_bug.as_ref().map(|f| f.rate_per_day);
        assert_eq!(rate(&s), rate(&base).map(|r| r * 0.5));
    }
}
