//! What every file of a run is written from and how: [`RunData`], everything a file may draw on,
//! and the [`Artefact`] trait each file implements (the CSV tables in `tables/`, the manifest
//! here). They sit in a leaf of their own, below the frame that lists the artefacts and the
//! tables that implement them, so that no table imports its parent.

use std::io::Write;

use super::manifest::Manifest;
use crate::outcome::ReplicationResult;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// Everything an artefact may draw on.
pub struct RunData<'a> {
    pub scenario: &'a Scenario,
    pub results: &'a [ReplicationResult],
    pub summary: &'a Summary,
    pub manifest: &'a Manifest,
}

/// One output file.
pub trait Artefact {
    /// The file's name inside the run folder.
    fn file_name(&self) -> &'static str;
    /// Writes the file's content.
    fn write(
        &self,
        data: &RunData<'_>,
        out: &mut dyn Write,
    ) -> Result<(), Box<dyn std::error::Error>>;
}

/// `manifest.json`: what was run, from what, how.
pub struct ManifestJson;
impl Artefact for ManifestJson {
    fn file_name(&self) -> &'static str {
        "manifest.json"
    }
    fn write(
        &self,
        d: &RunData<'_>,
        out: &mut dyn Write,
    ) -> Result<(), Box<dyn std::error::Error>> {
        serde_json::to_writer_pretty(&mut *out, d.manifest)?;
        writeln!(out)?;
        Ok(())
    }
}
