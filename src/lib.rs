//! Caviar: remove what identifies someone from a medical image before it is shared.
//!
//! Every input goes the same way, from the GUI or the command line:
//! [`load`] → [`analyze`] → [`Plan::default_for`] → [`apply`] → [`verify`].
//! The library knows nothing of terminals or windows; [`batch`] runs the pipeline over files and
//! folders for both front ends.

pub mod batch;
pub mod document;
pub mod photo;

use std::path::Path;

pub use document::{
    Action, Category, Document, Done, Error, FileReport, Finding, Findings, Format, Location,
    Output, Plan,
};

/// Read a file and recognise its format from its content, whatever its name says.
pub fn load(path: &Path) -> Result<Document, Error> {
    let bytes = std::fs::read(path).map_err(Error::Read)?;
    load_bytes(path, bytes)
}

pub fn load_bytes(source: &Path, bytes: Vec<u8>) -> Result<Document, Error> {
    let format = photo::sniff(&bytes)?;
    Ok(Document {
        source: source.to_path_buf(),
        format,
        bytes,
    })
}

/// Everything in the document that identifies someone, and what is proposed for each.
pub fn analyze(document: &Document) -> Result<Findings, Error> {
    photo::analyze(document)
}

/// Produce clean bytes; nothing is written.
pub fn apply(document: &Document, plan: &Plan) -> Result<Output, Error> {
    photo::apply(document, plan)
}

/// Analyse an output again. An output is clean only when this returns no identifying finding.
pub fn verify(output: &Output) -> Result<Findings, Error> {
    photo::verify(output)
}
