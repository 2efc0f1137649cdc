//! The frames of one object (a cine loop, a volume, the pages of a capture) read at the cost of
//! what changes between them. A viewer's overlay stays put while the live image under it moves,
//! so reading every frame from scratch reads the same settings column hundreds of times.
//!
//! Every frame is still looked at. A frame is compared with the last frame read in full, block
//! by block: where nothing changed, that frame's text is carried over as it is. A box of text
//! whose pixels changed is read again where it stands, so a clock or a frame counter is read on
//! every frame. What changed elsewhere goes through the overlay pass, which finds flat viewer
//! text in milliseconds: a line it finds there that no box already holds sends the whole frame
//! to be read from scratch, and that frame becomes the one the next are compared with. What the
//! overlay pass cannot see in a changing area (text over a moving texture that appears in the
//! middle of a loop) is the price of not running the model on every frame of a cine.

use image::RgbImage;

use super::geometry::Quad;
use super::{TEXTURE, TextBox, models, overlay, reading_quad, reads_as_text, recognize};
use crate::document::{Error, FrameCounts, Region};

/// Blocks compared between frames, in pixels on a side: the size of a JPEG macroblock, so that
/// a change in one coded block marks one compared block.
const BLOCK: u32 = 16;
/// How far a channel may move between two frames and the pixel still count as the same: above
/// the noise a lossy codec adds to unchanged pixels, below the contrast of the dimmest overlay
/// text (40 levels). Checking an output's first frame against what it was before redaction, any
/// change counts (see `FrameReader::exact_next`).
const NOISE: u8 = 24;
/// Around a changed area, this much of the picture is looked at too, so that a line crossing its
/// edge is seen whole.
const MARGIN: u32 = 24;

/// Reads the frames of one object in order.
#[derive(Default)]
pub struct FrameReader {
    /// The last frame read in full, and what was found in it.
    reference: Option<(RgbImage, Vec<TextBox>)>,
    /// Whether a box read again as nothing says nothing (see [`FrameReader::checking`]).
    checking: bool,
    /// Whether the next frame is the very frame the reference was before redaction, compared
    /// to the last level: a patch over faint text (grey on grey) moves its pixels by less than
    /// `NOISE`. Later frames differ from it by their moving image too, as they did when read.
    exact_next: bool,
    counts: FrameCounts,
}

impl FrameReader {
    pub fn new() -> FrameReader {
        FrameReader::default()
    }

    /// A reader for an output whose first frame was `before` until text in it was made
    /// unreadable. What redaction left alone carries `before`'s text over, and what it changed
    /// is read again: checking an output costs the patches, not another run of the model over
    /// every pixel. Where reading the frames in order would read a frame in full, it still does.
    /// A box read again as nothing is taken at its word: that is what redaction is for.
    pub fn checking(before: &RgbImage) -> Result<FrameReader, Error> {
        Ok(FrameReader {
            reference: Some((before.clone(), super::read(before)?)),
            checking: true,
            exact_next: true,
            counts: FrameCounts::default(),
        })
    }

    /// How many frames were read in full, carried over unchanged, and screened.
    pub fn counts(&self) -> FrameCounts {
        self.counts
    }

    /// Every piece of text in `image`, the next frame of the object.
    pub fn read(&mut self, image: &RgbImage) -> Result<Vec<TextBox>, Error> {
        if let Some((seen, boxes)) = &self.reference
            && seen.dimensions() == image.dimensions()
        {
            let noise = if std::mem::take(&mut self.exact_next) {
                0
            } else {
                NOISE
            };
            let changed = ChangeMap::between(seen, image, noise);
            if changed.is_empty() {
                self.counts.carried += 1;
                return Ok(boxes.clone());
            }
            let mut boxes = boxes.clone();
            if !new_line_in(image, &changed, &mut boxes)? {
                let boxes = reread_changed_boxes(image, &changed, &boxes, self.checking)?;
                self.counts.screened += 1;
                return Ok(boxes);
            }
        }
        let boxes = super::read(image)?;
        self.counts.read += 1;
        self.reference = Some((image.clone(), boxes.clone()));
        Ok(boxes)
    }
}

/// Which blocks of a frame differ from the same blocks of another.
struct ChangeMap {
    columns: u32,
    rows: u32,
    changed: Vec<bool>,
}

impl ChangeMap {
    fn between(before: &RgbImage, after: &RgbImage, noise: u8) -> ChangeMap {
        let (width, height) = after.dimensions();
        let columns = width.div_ceil(BLOCK);
        let rows = height.div_ceil(BLOCK);
        let mut changed = vec![false; (columns * rows) as usize];
        let row_bytes = width as usize * 3;
        let (old, new) = (before.as_raw(), after.as_raw());
        for y in 0..height as usize {
            let row = y / BLOCK as usize * columns as usize;
            let line = y * row_bytes..(y + 1) * row_bytes;
            for (x, (a, b)) in old[line.clone()]
                .chunks_exact(3)
                .zip(new[line].chunks_exact(3))
                .enumerate()
            {
                if a.iter().zip(b).any(|(a, b)| a.abs_diff(*b) > noise) {
                    changed[row + x / BLOCK as usize] = true;
                }
            }
        }
        ChangeMap {
            columns,
            rows,
            changed,
        }
    }

    fn is_empty(&self) -> bool {
        !self.changed.contains(&true)
    }

    /// Whether any changed block lies under `region`.
    fn touches(&self, region: Region) -> bool {
        let (x0, y0) = (region.x / BLOCK, region.y / BLOCK);
        let x1 = region.right().div_ceil(BLOCK).min(self.columns);
        let y1 = region.bottom().div_ceil(BLOCK).min(self.rows);
        (y0..y1).any(|y| (x0..x1).any(|x| self.changed[(y * self.columns + x) as usize]))
    }

    /// The box around every changed block, widened by `MARGIN` within a `width`×`height` frame.
    fn bounds(&self, width: u32, height: u32) -> Option<Region> {
        let mut bounds: Option<Region> = None;
        for (i, _) in self.changed.iter().enumerate().filter(|(_, c)| **c) {
            let (x, y) = (i as u32 % self.columns, i as u32 / self.columns);
            let block = Region {
                x: x * BLOCK,
                y: y * BLOCK,
                width: BLOCK.min(width - x * BLOCK),
                height: BLOCK.min(height - y * BLOCK),
            };
            bounds = Some(bounds.map_or(block, |b| b.union(block)));
        }
        bounds.map(|b| b.padded(MARGIN, width, height))
    }
}

/// Whether the changed part of `image` holds a line of flat text that none of `boxes` holds.
/// A line that lies mostly on a box but reaches past it (text that moved a few pixels, as
/// overlays drift with an X-ray run) grows that box to hold it, so that its ink is still
/// covered; the box is then read again where it now stands. A line on no box is read, and it
/// is new text when it reads as three Latin letters or digits, or fewer with confidence: the
/// bright structures and grains of a moving image (a valve, a vessel wall, speckle) read as
/// nothing or as a stray letter or two at low confidence (`pl` at 0.19), which the full read
/// would also keep as small text, on every frame. Only such lines of three letters or more are
/// read: fewer name nobody, and the grains of a moving image pass for one or two letters by
/// the dozen on every frame. Lines in a texture (the speckle of a live ultrasound image) are
/// not taken for text: the full read answers to them only where the model sees text as well.
fn new_line_in(
    image: &RgbImage,
    changed: &ChangeMap,
    boxes: &mut [TextBox],
) -> Result<bool, Error> {
    let (width, height) = image.dimensions();
    let Some(area) = changed.bounds(width, height) else {
        return Ok(false);
    };
    let part = image::imageops::crop_imm(image, area.x, area.y, area.width, area.height).to_image();
    let mut new: Vec<Region> = Vec::new();
    for line in overlay::lines(&part) {
        let region = Region {
            x: line.region.x + area.x,
            y: line.region.y + area.y,
            ..line.region
        };
        if line.clutter >= TEXTURE || !changed.touches(region) {
            continue;
        }
        match boxes
            .iter_mut()
            .find(|held| region.half_within(held.region))
        {
            Some(held) => held.region = held.region.union(region),
            None if line.letters >= 3 => new.push(region),
            None => {}
        }
    }
    if new.is_empty() {
        return Ok(false);
    }
    let quads: Vec<_> = new
        .iter()
        .map(|&region| reading_quad(region, width, height))
        .collect();
    let readings = recognize::read_quads(models::get()?, image, &quads)?;
    Ok(readings.iter().any(reads_as_text))
}

/// `boxes` for a frame whose changes brought no new line: each box whose pixels changed is read
/// again where it stands. Reading frames, a box that now reads as nothing keeps what it said,
/// since it was text in the frame it came from and removing it costs little; checking an
/// output (`checking`), it says what it now reads.
fn reread_changed_boxes(
    image: &RgbImage,
    changed: &ChangeMap,
    boxes: &[TextBox],
    checking: bool,
) -> Result<Vec<TextBox>, Error> {
    let (width, height) = image.dimensions();
    let moved: Vec<usize> = (0..boxes.len())
        .filter(|&i| changed.touches(boxes[i].region))
        .collect();
    let mut boxes = boxes.to_vec();
    if moved.is_empty() {
        return Ok(boxes);
    }
    let quads: Vec<_> = moved
        .iter()
        .map(|&i| {
            let region = boxes[i].region;
            Quad::from_region(region.padded(reread_margin(region), width, height))
        })
        .collect();
    let readings = recognize::read_quads(models::get()?, image, &quads)?;
    for (&i, reading) in moved.iter().zip(readings) {
        if checking || !reading.text.is_empty() {
            boxes[i].text = reading.text;
            boxes[i].confidence = reading.confidence;
        }
    }
    Ok(boxes)
}

/// The margin a box is read again with: a third of its height, about what the model's finds
/// leave around the ink. The wider margin an overlay line is first read with (see
/// `reading_margin`) cost a digit on a box already found: `10:41:10` read `10:41:16`.
fn reread_margin(region: Region) -> u32 {
    (region.height / 3).max(3)
}
