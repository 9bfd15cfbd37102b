//! The batch index: `index.html` in an output folder, linking the report of every run folder
//! in it with its headline figures, and the policy studies beside them.

use std::path::{Path, PathBuf};

use super::staging::{self, write_file};
use super::{page, read};
use crate::error::{Error, Result};

/// The run folders in `out_root` that have a report, in name order.
pub fn report_folders(out_root: &Path) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(out_root).map_err(|source| Error::Read {
        path: out_root.to_owned(),
        source,
    })? {
        let path = e
            .map_err(|source| Error::Read {
                path: out_root.to_owned(),
                source,
            })?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden && path.join("manifest.json").exists() {
            v.push(path);
        }
    }
    v.sort();
    Ok(v)
}

/// The policy studies in `out_root` (folders with `study.json` and a page), in name order.
fn study_folders(out_root: &Path) -> Result<Vec<page::StudyEntry>> {
    let mut v = Vec::new();
    let read_err = |source| Error::Read {
        path: out_root.to_owned(),
        source,
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out_root)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.join("study.json").is_file()
                && p.join("report.html").is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let path = dir.join("study.json");
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Report {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let text = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
        v.push(page::StudyEntry {
            folder: dir
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            kind: text("kind"),
            scenario: text("scenario"),
            variants: json["variants"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v["label"].as_str().map(str::to_owned))
                .collect(),
        });
    }
    Ok(v)
}

/// Writes `out_root/index.html`, linking the report of every run folder in `out_root` with its
/// headline figures. Returns its path, or `None` when no folder has a report.
pub fn write_index(out_root: &Path) -> Result<Option<PathBuf>> {
    // A batch whose every run failed before writing may not have made the folder.
    if !out_root.is_dir() {
        return Ok(None);
    }
    let mut runs = Vec::new();
    for dir in report_folders(out_root)? {
        if dir.join("report.html").is_file() {
            runs.push((dir.clone(), read::read_summary(&dir)?));
        }
    }
    let studies = study_folders(out_root)?;
    if runs.is_empty() && studies.is_empty() {
        return Ok(None);
    }
    let entries: Vec<page::IndexEntry<'_>> = runs
        .iter()
        .map(|(dir, run)| page::IndexEntry {
            folder: dir
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            run,
        })
        .collect();
    let page = page::index_page(&entries, &studies);
    // Written beside and renamed, so a reader never sees half a page; a failed write (a full
    // disk) removes its partial file as `tmp` goes out of scope.
    staging::sweep(out_root, "index.html")?;
    let tmp = staging::Staging::file(out_root, "index.html");
    write_file(tmp.path(), page.as_bytes())?;
    let path = out_root.join("index.html");
    staging::put_in_place(tmp, &path)?;
    Ok(Some(path))
}
