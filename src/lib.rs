//! Caviar: remove what identifies someone from a medical image before it is shared.
//!
//! Every input goes the same way, from the GUI or the command line:
//! [`load`] → [`analyze`] → [`Plan::default_for`] → [`apply`] → [`verify`].
//! The library knows nothing of terminals or windows; [`batch`] runs the pipeline over files and
//! folders for both front ends.

#![forbid(unsafe_code)]

pub mod batch;
pub mod dicom;
pub mod document;
pub mod faces;
pub mod ocr;
pub mod photo;
pub mod pixels;
pub mod text;
pub mod view;

#[cfg(test)]
mod testing;

#[cfg(feature = "gui")]
pub mod gui;

use std::path::Path;

pub use document::{
    Action, Category, DicomOptions, Document, Done, Error, FaceCover, FileReport, Finding,
    Findings, Format, FrameCounts, Key, KnownIdentifier, Location, Output, Plan, Profile,
    Redaction, Region, Window,
};

/// Read a file and recognise its format from its content, whatever its name says.
pub fn load(path: &Path) -> Result<Document, Error> {
    let bytes = std::fs::read(path).map_err(Error::Read)?;
    load_bytes(path, bytes)
}

pub fn load_bytes(source: &Path, bytes: Vec<u8>) -> Result<Document, Error> {
    // A DICOM preamble may itself hold a TIFF header (dual-format files), so the DICOM magic
    // number is looked at first; bare DICOM data sets, which have no magic number, last.
    let format = if dicom::has_magic(&bytes) {
        Format::Dicom
    } else {
        match photo::sniff(&bytes) {
            Ok(format) => format,
            Err(_) if dicom::sniff(&bytes) => Format::Dicom,
            Err(error) => return Err(error),
        }
    };
    Ok(Document {
        source: source.to_path_buf(),
        format,
        bytes,
        known: Vec::new(),
    })
}

/// Everything in the document that identifies someone, and what is proposed for each.
///
/// Names and numbers read in the pixels join the known identifiers (as the header's do), so a
/// caption naming the patient written on the film is redacted too.
pub fn analyze(document: &Document) -> Result<Findings, Error> {
    let mut findings = match document.format {
        Format::Dicom => dicom::analyze(document)?,
        Format::Caption => text::analyze(document)?,
        _ => photo::analyze(document)?,
    };
    let read = text::identifiers_read(&findings.items);
    for identifier in read {
        if !findings.known.contains(&identifier) {
            findings.known.push(identifier);
        }
    }
    Ok(findings)
}

/// Produce clean bytes; nothing is written. A plan with a finding nothing can remove (pixels
/// that could not be read for text) is refused: its output could not be called clean.
pub fn apply(document: &Document, plan: &Plan) -> Result<Output, Error> {
    if let Some(finding) = plan.findings.unresolved().next() {
        return Err(Error::Refused(finding.explanation.clone()));
    }
    match document.format {
        Format::Dicom => dicom::apply(document, plan),
        Format::Caption => text::apply(document, plan),
        _ => photo::apply(document, plan),
    }
}

/// Analyse an output again. An output is clean only when this returns no identifying finding.
pub fn verify(output: &Output) -> Result<Findings, Error> {
    match output.format {
        Format::Dicom => dicom::verify(output),
        Format::Caption => text::verify(output),
        _ => photo::verify(output),
    }
}
