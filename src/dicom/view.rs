//! The frames of a DICOM as a viewer shows them, for the desktop app and for posts: stored
//! values through the window the header suggests (or one fitted to the frame), never changed.

use dicom_core::Tag;
use dicom_object::InMemDicomObject;
use image::RgbImage;

use super::pixels::Pixels;
use crate::document::{Document, Error, Format, Window};

/// Every frame as stored, and how to show it.
pub struct Stack {
    pixels: Pixels,
    slope: f32,
    intercept: f32,
    window: Window,
}

pub fn stack(document: &Document) -> Result<Stack, Error> {
    let file = super::parse(&document.bytes)?;
    let pixels =
        super::pixels::decode(&file).map_err(|reason| Error::malformed(Format::Dicom, reason))?;
    let slope = first_number(&file, Tag(0x0028, 0x1053))
        .filter(|slope| *slope != 0.0)
        .unwrap_or(1.0);
    let intercept = first_number(&file, Tag(0x0028, 0x1052)).unwrap_or(0.0);
    let suggested = first_number(&file, Tag(0x0028, 0x1050))
        .zip(first_number(&file, Tag(0x0028, 0x1051)))
        .filter(|&(_, width)| width >= 1.0)
        .map(|(center, width)| Window { center, width });
    let window = suggested.unwrap_or_else(|| pixels.percentile_window(0, slope, intercept));
    Ok(Stack {
        pixels,
        slope,
        intercept,
        window,
    })
}

/// The first of a multi-valued decimal string (`40\400`), when it is a finite number.
fn first_number(object: &InMemDicomObject, tag: Tag) -> Option<f32> {
    let text = object.get(tag)?.to_str().ok()?;
    let value: f32 = text.split('\\').next()?.trim().parse().ok()?;
    value.is_finite().then_some(value)
}

impl Stack {
    pub fn frames(&self) -> u32 {
        self.pixels.frames
    }

    pub fn size(&self) -> (u32, u32) {
        (self.pixels.width, self.pixels.height)
    }

    /// The window the header suggests, or one fitted to the first frame's values.
    pub fn window(&self) -> Window {
        self.window
    }

    pub fn render(&self, frame: u32, window: Window) -> RgbImage {
        let frame = frame.min(self.pixels.frames.saturating_sub(1));
        self.pixels
            .render(frame, window, self.slope, self.intercept)
    }
}
