//! The picture as a person sees it: what the desktop app draws, and what a post shares.
//!
//! Showing is kept apart from the data: a DICOM's stored values never change here, only how
//! they are turned into shades (the window), and a photo is shown turned upright as its
//! orientation says, in the same pixels its findings' regions are given in.

use std::borrow::Cow;

use image::RgbImage;

use crate::document::{Document, Done, Error, Format, Output, Plan, Window};

/// A decoded picture, every frame of it.
pub enum Picture {
    Photo(RgbImage),
    Dicom(crate::dicom::Stack),
}

/// Decode a document for showing.
pub fn picture(document: &Document) -> Result<Picture, Error> {
    match document.format {
        Format::Dicom => crate::dicom::stack(document).map(Picture::Dicom),
        _ => crate::photo::view(document).map(Picture::Photo),
    }
}

impl Picture {
    pub fn frames(&self) -> u32 {
        match self {
            Picture::Photo(_) => 1,
            Picture::Dicom(stack) => stack.frames(),
        }
    }

    pub fn size(&self) -> (u32, u32) {
        match self {
            Picture::Photo(image) => image.dimensions(),
            Picture::Dicom(stack) => stack.size(),
        }
    }

    /// The window to start with; photos have none.
    pub fn window(&self) -> Option<Window> {
        match self {
            Picture::Photo(_) => None,
            Picture::Dicom(stack) => Some(stack.window()),
        }
    }

    /// One frame as shown, through `window` when one is given (DICOM grey only).
    pub fn render(&self, frame: u32, window: Option<Window>) -> Cow<'_, RgbImage> {
        match self {
            Picture::Photo(image) => Cow::Borrowed(image),
            Picture::Dicom(stack) => {
                Cow::Owned(stack.render(frame, window.unwrap_or(stack.window())))
            }
        }
    }
}

/// A post: the picture exactly as the plan leaves it and as shown (`frame` through `window`),
/// as a PNG or JPEG holding nothing but pixels. The plan is applied first, so text it redacts
/// is redacted in the post too; the result carries everything the plan's output must not
/// contain, for verification to look for.
pub fn post(
    document: &Document,
    plan: &Plan,
    frame: u32,
    window: Option<Window>,
    format: Format,
) -> Result<Output, Error> {
    if !matches!(format, Format::Png | Format::Jpeg) {
        return Err(Error::Refused(format!(
            "a post is written as PNG or JPEG, not {format}"
        )));
    }
    let applied = crate::apply(document, plan)?;
    let cleaned = Document {
        source: document.source.clone(),
        format: applied.format,
        bytes: applied.bytes,
        known: Vec::new(),
    };
    let shown = picture(&cleaned)?.render(frame, window).into_owned();
    let bytes = crate::photo::encode_plain(shown, format)?;
    let mut done = applied.done;
    done.push(Done::removed(format!(
        "saved as a {format} picture as shown, with no metadata at all"
    )));
    // The plan's output already carries what this post must not contain, pixels' text included.
    Ok(Output {
        format,
        bytes,
        done,
        must_not_contain: applied.must_not_contain,
        read_in_pixels: applied.read_in_pixels,
        // A post is a rendering in its own window, not the frame the analysis read: it is read
        // whole.
        before_redaction: None,
        known: Vec::new(),
        kept: Vec::new(),
        written: Vec::new(),
        faces_kept: applied.faces_kept,
    })
}
