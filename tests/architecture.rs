//! Tidy tests of the architecture, in the manner of rust-analyzer's: they read `src/` as text and
//! fail when the code stops matching the README's Architecture section (imports against the
//! one-way flow, ECS or file access outside their layers, a file without its `//!` line, a random
//! stream named twice or missing from the full list of named streams). Each failure names the file, the line and the rule.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fleetsim::experiment::all_streams;
use fleetsim::rng::Stream;

/// Modules below the simulation: they must import neither `crate::sim` nor `bevy_ecs`, so that
/// the liability pass, the statistics and the writers can be read, tested and reused without an
/// ECS world. Each entry is a prefix of a path under `src/` (`stats` covers `stats.rs` and any
/// `stats*` file or folder).
const BELOW_SIM: &[&str] = &[
    "liability/",
    "stats",
    "output/",
    "scenario/",
    "money.rs",
    "outcome.rs",
    "rng.rs",
    "error.rs",
];

/// The statistics: pure functions on plain numbers, which the writers call and never the
/// other way round (the report's estimators take rows through a closure, not `output` types).
const STATS: &[&str] = &["stats"];

/// Where `bevy_ecs` may appear: only the simulation holds a world. No exception is needed today
/// (`experiment.rs` drives worlds through `sim::Replicator` without naming `bevy_ecs`).
const ECS_ALLOWED: &[&str] = &["sim/"];

/// Where the file system may be touched (`std::fs`, `rustix::fs`): `scenario` reads the input
/// and `output` writes the results and reads them back for reports.
const FS_ALLOWED: &[(&str, &str)] = &[
    ("scenario/", "reads the scenario files"),
    (
        "output/",
        "writes the results and reads written tables back for reports",
    ),
    (
        "console.rs",
        "reads /proc/self/status for the peak memory shown in the console summary",
    ),
];

/// One token of Rust source: comments and whitespace are dropped, string literals kept whole.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(String),
}

/// Splits `text` into tokens with their line numbers. It is not a full Rust lexer, but it knows
/// comments, strings (raw ones too), char literals and lifetimes, which is what keeps a path
/// named in a comment or an error message from being taken for an import.
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            i += 2;
            while i < c.len() && !(c[i] == '*' && at(i + 1) == '/') {
                line += usize::from(c[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if ch == '"' {
            let (start, mut s) = (line, String::new());
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    s.push(c[i]);
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                s.push(at(i));
                i += 1;
            }
            i += 1;
            out.push((Tok::Str(s), start));
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): only the first is skipped.
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            if (word == "r" || word == "br") && (at(i) == '"' || at(i) == '#') {
                let hashes = c[i..].iter().take_while(|&&h| h == '#').count();
                i += hashes + 1;
                let (begin, first) = (i, line);
                while i < c.len() && !(c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#')) {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
                out.push((Tok::Str(c[begin..i.min(c.len())].iter().collect()), first));
                i += hashes + 1;
            } else {
                out.push((Tok::Ident(word), line));
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::Punct("::".into()), line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch.to_string()), line));
            i += 1;
        }
    }
    out
}

fn is(t: Option<&(Tok, usize)>, want: &str) -> bool {
    matches!(t, Some((Tok::Ident(w) | Tok::Punct(w), _)) if w == want)
}

/// The lines where a path `root::item` is used, directly (`root::item::x`, also through
/// `super::super::item` when root is `super`) or inside a group (`use root::{a, item::x}`).
fn paths_to(toks: &[(Tok, usize)], root: &str, item: &str) -> Vec<usize> {
    let mut hits = Vec::new();
    for i in 0..toks.len() {
        if !is(toks.get(i), root) || !is(toks.get(i + 1), "::") {
            continue;
        }
        if is(toks.get(i + 2), item) {
            hits.push(toks[i].1);
        } else if is(toks.get(i + 2), "{") {
            // Only the group's top level names a child of `root`.
            let (mut depth, mut j, mut item_start) = (1, i + 3, true);
            while j < toks.len() && depth > 0 {
                if item_start && is(toks.get(j), item) {
                    hits.push(toks[j].1);
                }
                item_start = false;
                if is(toks.get(j), "{") {
                    depth += 1;
                } else if is(toks.get(j), "}") {
                    depth -= 1;
                } else if depth == 1 && is(toks.get(j), ",") {
                    item_start = true;
                }
                j += 1;
            }
        }
    }
    hits
}

/// Every `.rs` file under `src/`, as (path relative to `src/` with `/` separators, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(root).unwrap_or(&p);
                let rel = rel.to_string_lossy().replace('\\', "/");
                let text =
                    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                out.push((rel, text));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    assert!(out.len() > 30, "found only {} files under src/", out.len());
    out
}

fn under(rel: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| rel.starts_with(p))
}

/// The rules on imports and file access, as messages `src/FILE:LINE: what is wrong`.
fn import_violations(files: &[(String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    let fs_allowed: Vec<&str> = FS_ALLOWED.iter().map(|(p, _)| *p).collect();
    for (rel, text) in files {
        let toks = tokens(text);
        let mut report = |lines: Vec<usize>, what: &str| {
            bad.extend(lines.into_iter().map(|l| format!("src/{rel}:{l}: {what}")));
        };
        if under(rel, BELOW_SIM) {
            let mut sim = paths_to(&toks, "crate", "sim");
            sim.extend(paths_to(&toks, "super", "sim"));
            report(sim, "imports `crate::sim`, which this layer sits below");
        }
        if under(rel, STATS) {
            let mut out = paths_to(&toks, "crate", "output");
            out.extend(paths_to(&toks, "super", "output"));
            report(
                out,
                "imports `crate::output`: statistics sit below the writers",
            );
        }
        if !under(rel, ECS_ALLOWED) {
            let ecs = toks
                .iter()
                .filter(|(t, _)| *t == Tok::Ident("bevy_ecs".into()))
                .map(|(_, l)| *l)
                .collect();
            report(ecs, "uses `bevy_ecs` outside `src/sim`");
        }
        if !under(rel, &fs_allowed) {
            let mut fs = paths_to(&toks, "std", "fs");
            fs.extend(paths_to(&toks, "rustix", "fs"));
            report(
                fs,
                "touches the file system outside `scenario`, `output` and `console.rs`",
            );
        }
    }
    bad
}

#[test]
fn layers_import_only_downwards() {
    let bad = import_violations(&sources());
    assert!(
        bad.is_empty(),
        "imports against the flow:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_source_file_opens_with_a_module_doc_line() {
    let bad: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(rel, _)| format!("src/{rel}:1: does not open with a `//!` line"))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every `Stream::named("…")` in `src/`, as (file, line, name).
fn named_streams(files: &[(String, String)]) -> Vec<(String, usize, String)> {
    let mut found = Vec::new();
    for (rel, text) in files {
        let toks = tokens(text);
        for w in toks.windows(5) {
            if let [
                (Tok::Ident(s), _),
                (Tok::Punct(c), _),
                (Tok::Ident(n), _),
                (Tok::Punct(p), _),
                (Tok::Str(name), line),
            ] = w
                && s == "Stream"
                && c == "::"
                && n == "named"
                && p == "("
            {
                found.push((rel.clone(), *line, name.clone()));
            }
        }
    }
    found
}

/// Streams are declared where they are drawn from (a mechanism's in its file, the liability's in
/// `src/rng.rs`), so their uniqueness cannot rest on one file: every name declared anywhere in
/// `src/` must be declared once and be in `experiment::all_streams`, and that list must hold
/// nothing else.
#[test]
fn every_stream_name_appears_once_in_src_and_is_in_the_full_list() {
    let found = named_streams(&sources());
    let all = all_streams();
    let mut bad = Vec::new();
    let mut seen = BTreeSet::new();
    let listed: BTreeSet<&str> = all.iter().map(|(n, _)| *n).collect();
    for (rel, line, name) in &found {
        if !seen.insert(name.as_str()) {
            bad.push(format!(
                "src/{rel}:{line}: stream \"{name}\" is named twice"
            ));
        }
        if !listed.contains(name.as_str()) {
            bad.push(format!(
                "src/{rel}:{line}: stream \"{name}\" is missing from experiment::all_streams"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(
        found.len(),
        all.len(),
        "experiment::all_streams lists a stream that src/ does not name"
    );
    assert!(
        found.len() >= 22,
        "found only {} named streams",
        found.len()
    );
}

#[test]
fn stream_keys_are_distinct_even_with_rule_offsets() {
    // FINE and RECALL are offset by a rule's index, so keys must also lie far apart.
    let all = all_streams();
    for (i, (a, ka)) in all.iter().enumerate() {
        assert_eq!(*ka, Stream::named(a), "{a}: key does not match its name");
        for (b, kb) in &all[i + 1..] {
            let gap = ka.0.wrapping_sub(kb.0).min(kb.0.wrapping_sub(ka.0));
            assert!(gap >= 1 << 32, "streams {a} and {b} are only {gap} apart");
        }
    }
}

#[test]
fn cargo_forbids_unsafe_code() {
    let toml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let lints = toml.split("[lints.rust]").nth(1).unwrap_or("");
    let lints = lints.split("\n[").next().unwrap_or("");
    assert!(
        lints
            .lines()
            .any(|l| l.replace(' ', "") == "unsafe_code=\"forbid\""),
        "Cargo.toml has no `[lints.rust] unsafe_code = \"forbid\"`"
    );
}

/// The checker itself: what it must catch and what it must let pass.
#[test]
fn the_checker_sees_imports_and_ignores_comments_and_strings() {
    let files = |path: &str, text: &str| vec![(path.to_string(), text.to_string())];
    let caught = [
        ("liability/x.rs", "use crate::sim::rng::Streams;"),
        ("liability/x.rs", "use crate::{money::Money, sim::rng};"),
        ("liability/x.rs", "use crate::{\n    money,\n    sim,\n};"),
        ("stats.rs", "let n = crate :: sim :: MAX;"),
        ("stats/paired.rs", "use crate::sim;"),
        ("output/mod.rs", "use super::super::sim::x;"),
        (
            "stats/convergence.rs",
            "use crate::output::read::BotnetRow;",
        ),
        (
            "scenario/validate.rs",
            "let m = crate::sim::components::MAX_WEAR_MODELS;",
        ),
        ("experiment.rs", "use bevy_ecs::prelude::World;"),
        ("lib.rs", "use std::{fs, io};"),
        ("studies.rs", "let t = std::fs::read_to_string(p);"),
        ("liability/x.rs", "use rustix::fs::renameat;"),
    ];
    for (path, text) in caught {
        assert_eq!(
            import_violations(&files(path, text)).len(),
            1,
            "missed in {path}: {text}"
        );
    }
    let passed = [
        (
            "liability/x.rs",
            "// use crate::sim::rng;\n/* crate::sim */ let s = \"crate::sim\";",
        ),
        (
            "liability/x.rs",
            "use crate::simple::x; let c = '\"'; let r = r#\"std::fs\"#;",
        ),
        ("liability/x.rs", "use crate::{money::{sim, x}, outcome};"),
        ("lib.rs", "//! a bevy_ecs world\nfn f<'a>(x: &'a str) {}"),
        (
            "sim/world.rs",
            "use bevy_ecs::prelude::*; use crate::sim::rng;",
        ),
        (
            "output/staging.rs",
            "use rustix::fs::{CWD, renameat_with}; use std::fs::File;",
        ),
        (
            "console.rs",
            "std::fs::read_to_string(\"/proc/self/status\")",
        ),
    ];
    for (path, text) in passed {
        assert_eq!(
            import_violations(&files(path, text)),
            Vec::<String>::new(),
            "{path}: {text}"
        );
    }
    let s = files("sim/x.rs", "const A: Stream = Stream::named(\"a\");");
    assert_eq!(named_streams(&s), vec![("sim/x.rs".into(), 1, "a".into())]);
}
