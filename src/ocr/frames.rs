//! The frames of one object (a cine loop, a volume, the pages of a capture) read at the cost of
//! what changes between them. A viewer's overlay stays put while the live image under it moves,
//! so reading every frame from scratch reads the same settings column hundreds of times.
//!
//! Every frame is still looked at. A frame is compared with the last frame read in full, block
//! by block: where nothing changed, that frame's text is carried over as it is. A box of text
//! on which pixels that had stood still move is read again where it stands, so a clock or a
//! frame counter is read when it ticks; a label typed over the live image keeps its reading
//! once the image behind it has been seen moving. What changed elsewhere, and changed since the
//! frame before too, goes through the overlay pass, which finds flat viewer text in
//! milliseconds: a line it finds there that no box already holds, that stands still while the
//! image moves, and that reads as text, sends the whole frame to be read from scratch, and that
//! frame becomes the one the next are compared with. What the
//! overlay pass cannot see in a changing area (text over a moving texture that appears in the
//! middle of a loop, or a word shown on one frame alone over the moving image) is the price of
//! not running the model on every frame of a cine.

use image::RgbImage;

use super::geometry::{Quad, find, union};
use super::{TEXTURE, TextBox, models, overlay, reading_quad, reads_as_text, recognize};
use crate::document::{BeforeRedaction, Error, FrameCounts, Region};

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

/// How far a channel may move between neighbouring frames and a pixel of a letter still count as
/// standing still: letters burnt over a cine are the same pixels frame after frame (a lossy
/// codec moves them by a few levels), the grains of a moving image are not.
const SAME: u8 = 8;
/// A line is the moving image's own when less than this share of its ink stood still since
/// the frame before and until the frame after (letters stand still whole, the grains of a
/// moving image by chance, and in dark tissue about half of them).
const STILL_SHARE: f32 = 0.8;
/// How many changes of text a pixel is followed through (see [`Reference::settle`]).
const SETTLES: u8 = 3;
/// The fewest pixels that a change of text moves: one short stroke of the smallest overlay
/// letters.
const STROKE_PIXELS: usize = 8;
/// The fewest pixels of ink a pass must find on a line to speak for it.
const LETTER_INK: usize = 8;

/// Reads the frames of one object in order.
#[derive(Default)]
pub struct FrameReader {
    reference: Option<Reference>,
    /// The frame read before this one: a line whose ink moved since it, and moves again by the
    /// next frame, belongs to the moving image.
    previous: Option<RgbImage>,
    /// Lines read since the last frame read in full that did not read as text: one that is
    /// found again with its ink as it was then is not read again.
    dismissed: Vec<Dismissed>,
    /// Whether a box read again as nothing says nothing (see [`FrameReader::checking`]).
    checking: bool,
    /// Checking an output: each input frame's prints (see [`block_prints`]), and which frame
    /// comes next.
    prints: Vec<Vec<u64>>,
    frame: usize,
    /// Whether the next frame is the very frame the reference was before redaction, compared
    /// to the last level: a patch over faint text (grey on grey) moves its pixels by less than
    /// `NOISE`. Later frames differ from it by their moving image too, as they did when read.
    exact_next: bool,
    counts: FrameCounts,
}

/// The last frame read in full, and what its boxes read now.
struct Reference {
    image: RgbImage,
    boxes: Vec<TextBox>,
    /// Pixels that have not moved from `image` in any frame since. Where such a pixel moves,
    /// text standing on it may have changed, and a box there is read again; where only pixels
    /// that moved before move again (the live image behind a label typed over it), the box
    /// keeps what it read.
    still: Vec<bool>,
    /// How many times each pixel was settled (see [`Reference::settle`]).
    settled: Vec<u8>,
    /// Each block as it was when last looked at for new lines: where pixels drift a little
    /// from frame to frame (text fading in), the drift adds up against this until the block
    /// is looked at again, as it would not against the frame before.
    looked_at: RgbImage,
}

impl FrameReader {
    pub fn new() -> FrameReader {
        FrameReader::default()
    }

    /// A reader for an output whose frames were `before` until text in them was made
    /// unreadable. What redaction left alone carries the analysis's reading over, and what it
    /// changed is read again: checking an output costs the patches, not another run of the
    /// model over every pixel. A block of a frame with its input frame's print is what the
    /// analysis saw there, and is not looked at again. Where reading the frames in order would
    /// read a frame in full, it still does. A box read again as nothing is taken at its word:
    /// that is what redaction is for.
    pub fn checking(before: &BeforeRedaction) -> Result<FrameReader, Error> {
        Ok(FrameReader {
            reference: Some(Reference::new(
                before.first.clone(),
                super::read(&before.first)?,
            )),
            checking: true,
            prints: before.prints.clone(),
            exact_next: true,
            ..FrameReader::default()
        })
    }

    /// How many frames were read in full, carried over unchanged, and screened.
    pub fn counts(&self) -> FrameCounts {
        self.counts
    }

    /// Every piece of text in `image`, the next frame of the object; `next` is the frame after
    /// it, when there is one.
    pub fn read(
        &mut self,
        image: &RgbImage,
        next: Option<&RgbImage>,
    ) -> Result<Vec<TextBox>, Error> {
        let boxes = self.read_between(image, next);
        self.previous = Some(image.clone());
        self.frame += 1;
        boxes
    }

    fn read_between(
        &mut self,
        image: &RgbImage,
        next: Option<&RgbImage>,
    ) -> Result<Vec<TextBox>, Error> {
        if let Some(reference) = &mut self.reference
            && reference.image.dimensions() == image.dimensions()
        {
            let noise = if std::mem::take(&mut self.exact_next) {
                0
            } else {
                NOISE
            };
            let (mut changed, mut moved) = reference.compare(image, noise);
            if let Some(prints) = self.prints.get(self.frame) {
                let unseen = unseen_blocks(prints, &block_prints(image));
                changed.keep_within(&unseen);
                for (y, row) in moved.chunks_exact_mut(image.width() as usize).enumerate() {
                    for (x, moved) in row.iter_mut().enumerate() {
                        *moved &= unseen
                            [y / BLOCK as usize * changed.columns as usize + x / BLOCK as usize];
                    }
                }
            }
            if changed.is_empty() {
                self.counts.carried += 1;
                return Ok(reference.boxes.clone());
            }
            let previous = self
                .previous
                .as_ref()
                .filter(|previous| previous.dimensions() == image.dimensions());
            let neighbours: Vec<&RgbImage> = [previous, next]
                .into_iter()
                .flatten()
                .filter(|frame| frame.dimensions() == image.dimensions())
                .collect();
            // A block that changed since the reference, but not since it was last looked at,
            // holds no line that was not weighed then.
            let mut look = ChangeMap::between(&reference.looked_at, image, noise);
            look.keep_within(&changed.changed);
            look.copy_changed(image, &mut reference.looked_at);
            let lines = Lines {
                neighbours: &neighbours,
                dismissed: &mut self.dismissed,
            };
            if !new_line_in(image, &look, lines, &mut reference.boxes)? {
                let read_again =
                    reread_moved_boxes(image, &moved, &mut reference.boxes, self.checking)?;
                reference.settle(image, &moved, &read_again);
                self.counts.screened += 1;
                return Ok(reference.boxes.clone());
            }
        }
        let boxes = super::read(image)?;
        self.counts.read += 1;
        self.reference = Some(Reference::new(image.clone(), boxes.clone()));
        self.dismissed.clear();
        Ok(boxes)
    }
}

impl Reference {
    fn new(image: RgbImage, boxes: Vec<TextBox>) -> Reference {
        let pixels = image.width() as usize * image.height() as usize;
        Reference {
            looked_at: image.clone(),
            image,
            boxes,
            still: vec![true; pixels],
            settled: vec![0; pixels],
        }
    }

    /// Takes the pixels of `image` that `moved` on the boxes `read_again` as what those boxes
    /// now stand on: they stood still until a change of text, and the next change of text
    /// moves them again. A clock is read on each tick this way. The grains of a live image
    /// behind a label move on every frame; each pixel is settled `SETTLES` times at most, so
    /// that they soon stop sending the label to be read again.
    fn settle(&mut self, image: &RgbImage, moved: &[bool], read_again: &[usize]) {
        let width = image.width() as usize;
        for &i in read_again {
            let region = self.boxes[i].region;
            for y in region.y..region.bottom().min(image.height()) {
                for x in region.x..region.right().min(image.width()) {
                    let at = y as usize * width + x as usize;
                    if moved[at] && self.settled[at] < SETTLES {
                        self.settled[at] += 1;
                        self.still[at] = true;
                        self.image.put_pixel(x, y, *image.get_pixel(x, y));
                    }
                }
            }
        }
    }

    /// The blocks of `image` that differ from the reference by more than `noise`, and the
    /// pixels that had stood still until now and moved.
    fn compare(&mut self, image: &RgbImage, noise: u8) -> (ChangeMap, Vec<bool>) {
        let (width, height) = image.dimensions();
        let mut changed = ChangeMap::new(width, height);
        let mut moved = vec![false; width as usize * height as usize];
        let row_bytes = width as usize * 3;
        let (old, new) = (self.image.as_raw(), image.as_raw());
        for y in 0..height as usize {
            let row = y / BLOCK as usize * changed.columns as usize;
            let line = y * row_bytes..(y + 1) * row_bytes;
            let still = &mut self.still[y * width as usize..(y + 1) * width as usize];
            for (x, ((a, b), still)) in old[line.clone()]
                .chunks_exact(3)
                .zip(new[line].chunks_exact(3))
                .zip(still)
                .enumerate()
            {
                if differ(a, b, noise) {
                    let block = row + x / BLOCK as usize;
                    changed.changed[block] = true;
                    moved[y * width as usize + x] = std::mem::take(still);
                }
            }
        }
        (changed, moved)
    }
}

/// A print of each `BLOCK`×`BLOCK` block of `image`, row after row: two frames whose blocks
/// have the same prints hold the same pixels there, so the second need not be read where the
/// first was. The prints of a frame take a few kilobytes where the frame takes megabytes.
pub fn block_prints(image: &RgbImage) -> Vec<u64> {
    const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
    let (width, height) = image.dimensions();
    let columns = width.div_ceil(BLOCK) as usize;
    let mut prints = vec![0u64; columns * height.div_ceil(BLOCK) as usize];
    let block_bytes = BLOCK as usize * 3;
    for (y, row) in image.as_raw().chunks_exact(width as usize * 3).enumerate() {
        let line = &mut prints[y / BLOCK as usize * columns..][..columns];
        for (print, bytes) in line.iter_mut().zip(row.chunks(block_bytes)) {
            for word in bytes.chunks(8) {
                let mut padded = [0u8; 8];
                padded[..word.len()].copy_from_slice(word);
                *print = (print.rotate_left(23) ^ u64::from_le_bytes(padded)).wrapping_mul(MIX);
            }
        }
    }
    prints
}

/// The blocks whose prints differ between two frames (see [`block_prints`]), or every block
/// when the frames are not the same size.
fn unseen_blocks(before: &[u64], after: &[u64]) -> Vec<bool> {
    if before.len() != after.len() {
        return vec![true; after.len()];
    }
    before.iter().zip(after).map(|(a, b)| a != b).collect()
}

fn differ(a: &[u8], b: &[u8], noise: u8) -> bool {
    a.iter().zip(b).any(|(a, b)| a.abs_diff(*b) > noise)
}

/// Which blocks of a frame differ from the same blocks of another.
struct ChangeMap {
    columns: u32,
    rows: u32,
    changed: Vec<bool>,
}

impl ChangeMap {
    fn new(width: u32, height: u32) -> ChangeMap {
        let columns = width.div_ceil(BLOCK);
        let rows = height.div_ceil(BLOCK);
        ChangeMap {
            columns,
            rows,
            changed: vec![false; (columns * rows) as usize],
        }
    }

    /// The blocks where `after` differs from `before` by more than `noise`.
    fn between(before: &RgbImage, after: &RgbImage, noise: u8) -> ChangeMap {
        let (width, height) = after.dimensions();
        let mut map = ChangeMap::new(width, height);
        let row_bytes = width as usize * 3;
        for (y, (a, b)) in before
            .as_raw()
            .chunks_exact(row_bytes)
            .zip(after.as_raw().chunks_exact(row_bytes))
            .enumerate()
        {
            let row = y / BLOCK as usize * map.columns as usize;
            for (x, (a, b)) in a.chunks_exact(3).zip(b.chunks_exact(3)).enumerate() {
                if differ(a, b, noise) {
                    map.changed[row + x / BLOCK as usize] = true;
                }
            }
        }
        map
    }

    /// The areas to look at for new lines: each group of changed blocks that touch, widened
    /// by `MARGIN` within a `width`×`height` frame, groups whose areas overlap made one.
    fn areas(&self, width: u32, height: u32) -> Vec<Region> {
        let columns = self.columns as usize;
        let mut parent: Vec<usize> = (0..self.changed.len()).collect();
        for (i, _) in self.changed.iter().enumerate().filter(|(_, c)| **c) {
            if (i % columns) + 1 < columns && self.changed[i + 1] {
                union(&mut parent, i, i + 1);
            }
            if i + columns < self.changed.len() && self.changed[i + columns] {
                union(&mut parent, i, i + columns);
            }
        }
        let mut groups: Vec<(usize, Region)> = Vec::new();
        for (i, _) in self.changed.iter().enumerate().filter(|(_, c)| **c) {
            let root = find(&mut parent, i);
            let block = block_region(i, columns, width, height);
            match groups.iter_mut().find(|(r, _)| *r == root) {
                Some((_, bounds)) => *bounds = bounds.union(block),
                None => groups.push((root, block)),
            }
        }
        let mut areas: Vec<Region> = groups
            .into_iter()
            .map(|(_, bounds)| bounds.padded(MARGIN, width, height))
            .collect();
        let mut merged = true;
        while merged {
            merged = false;
            'pairs: for i in 0..areas.len() {
                for j in i + 1..areas.len() {
                    if areas[i].intersection(areas[j]).is_some() {
                        let other = areas.swap_remove(j);
                        areas[i] = areas[i].union(other);
                        merged = true;
                        break 'pairs;
                    }
                }
            }
        }
        areas
    }

    /// Only the blocks that `unseen` marks stay changed.
    fn keep_within(&mut self, unseen: &[bool]) {
        if unseen.len() == self.changed.len() {
            for (changed, unseen) in self.changed.iter_mut().zip(unseen) {
                *changed &= *unseen;
            }
        }
    }

    /// Copies the changed blocks of `from` into `into`, a frame of the same size.
    fn copy_changed(&self, from: &RgbImage, into: &mut RgbImage) {
        let (width, height) = from.dimensions();
        let row_bytes = width as usize * 3;
        for (i, _) in self.changed.iter().enumerate().filter(|(_, c)| **c) {
            let block = block_region(i, self.columns as usize, width, height);
            for y in block.y..block.bottom() {
                let bytes = y as usize * row_bytes + block.x as usize * 3
                    ..y as usize * row_bytes + block.right() as usize * 3;
                into.as_mut()[bytes.clone()].copy_from_slice(&from.as_raw()[bytes]);
            }
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
}

/// Whether the changed part of `image` holds a line of flat text that none of `boxes` holds.
/// A line that lies mostly on a box but reaches past it (text that moved a few pixels, as
/// overlays drift with an X-ray run) grows that box to hold it, so that its ink is still
/// covered. A line on no box is read, and it is new text when it reads as three Latin letters
/// or digits, or fewer with confidence. Only lines of three letters or more are read: fewer
/// name nobody, and the grains of a moving image pass for one or two letters by the dozen on
/// every frame. Lines in a texture (the speckle of a live ultrasound image) are not taken for
/// text: the full read answers to them only where the model sees text as well. Nor are lines
/// whose ink moved since the frame before and moves again by the frame after, over a
/// background that moves too (see [`moves_with_the_image`]): the bright structures and grains
/// of a moving image (a valve, a vessel wall, speckle) line up into what passes for a word on
/// nearly every frame of a cine, and reading each would cost the model's time frame after
/// frame.
/// What [`new_line_in`] weighs a line against besides the boxes held: the neighbouring frames,
/// and the lines already read and dismissed.
struct Lines<'a> {
    neighbours: &'a [&'a RgbImage],
    dismissed: &'a mut Vec<Dismissed>,
}

/// A line read that did not read as text, and its pixels then.
struct Dismissed {
    region: Region,
    pixels: RgbImage,
}

fn new_line_in(
    image: &RgbImage,
    changed: &ChangeMap,
    lines: Lines,
    boxes: &mut [TextBox],
) -> Result<bool, Error> {
    let (width, height) = image.dimensions();
    let neighbours = lines.neighbours;
    let moving = moving_blocks(image, neighbours);
    let mut new: Vec<Region> = Vec::new();
    for area in changed.areas(width, height) {
        let mut part =
            image::imageops::crop_imm(image, area.x, area.y, area.width, area.height).to_image();
        flatten_moving_blocks(&mut part, area, &moving, width, height);
        for line in overlay::lines(&part) {
            let region = Region {
                x: line.region.x + area.x,
                y: line.region.y + area.y,
                ..line.region
            };
            if line.clutter >= TEXTURE
                || !changed.touches(region)
                || moves_with_the_image(image, region, neighbours, &moving)
                || dismissed_before(image, region, lines.dismissed)
            {
                continue;
            }
            match boxes
                .iter_mut()
                .find(|held| region.half_within(held.region))
            {
                Some(held) => held.region = held.region.union(region),
                None if line.letters >= 3 && !new.contains(&region) => new.push(region),
                None => {}
            }
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
    if readings.iter().any(reads_as_text) {
        return Ok(true);
    }
    lines.dismissed.extend(new.into_iter().map(|region| {
        Dismissed {
            region,
            pixels: image::imageops::crop_imm(
                image,
                region.x,
                region.y,
                region.width,
                region.height,
            )
            .to_image(),
        }
    }));
    Ok(false)
}

/// Whether the line at `region` was read in an earlier frame and dismissed (see
/// [`FrameReader::dismissed`]), and its ink stands as it stood then: the edge of a moving image
/// against a still background passes for a line on every frame and reads as nothing on every
/// frame. Text written there since moves its ink, however slowly it fades in.
fn dismissed_before(image: &RgbImage, region: Region, dismissed: &[Dismissed]) -> bool {
    dismissed.iter().any(|seen| {
        let at = seen.region;
        region.half_within(at)
            && at.half_within(region)
            && ink_still(image, at, &overlay::ink_in(image, at), |x, y| {
                seen.pixels.get_pixel(x - at.x, y - at.y).0
            }) >= STILL_SHARE
    })
}

/// The blocks of `image` where most pixels moved against every neighbouring frame: the live
/// image, whose grains line up into what the overlay pass would take for words by the hundred,
/// to be ruled out one by one (see [`moves_with_the_image`]). A block where letters appear
/// over a still background moves only where their ink is, less than half of it. Without
/// neighbours, none.
fn moving_blocks(image: &RgbImage, neighbours: &[&RgbImage]) -> Vec<bool> {
    let (width, height) = image.dimensions();
    let columns = width.div_ceil(BLOCK) as usize;
    let blocks = columns * height.div_ceil(BLOCK) as usize;
    if neighbours.is_empty() {
        return vec![false; blocks];
    }
    let mut moving = vec![true; blocks];
    for neighbour in neighbours {
        let mut moved = vec![0u32; blocks];
        for (y, (a, b)) in image
            .as_raw()
            .chunks_exact(width as usize * 3)
            .zip(neighbour.as_raw().chunks_exact(width as usize * 3))
            .enumerate()
        {
            let row = &mut moved[y / BLOCK as usize * columns..][..columns];
            for (x, (a, b)) in a.chunks_exact(3).zip(b.chunks_exact(3)).enumerate() {
                if differ(a, b, SAME) {
                    row[x / BLOCK as usize] += 1;
                }
            }
        }
        for (i, (moving, moved)) in moving.iter_mut().zip(moved).enumerate() {
            let block = block_region(i, columns, width, height);
            *moving &= u64::from(moved) * 2 > block.area();
        }
    }
    moving
}

/// Makes flat, in `part` (the `area` of a `width`×`height` frame), each of the `moving` blocks.
fn flatten_moving_blocks(
    part: &mut RgbImage,
    area: Region,
    moving: &[bool],
    width: u32,
    height: u32,
) {
    let columns = width.div_ceil(BLOCK) as usize;
    for (i, _) in moving.iter().enumerate().filter(|(_, moving)| **moving) {
        let Some(inside) = block_region(i, columns, width, height).intersection(area) else {
            continue;
        };
        let pixels = || {
            (inside.y - area.y..inside.bottom() - area.y).flat_map(move |y| {
                (inside.x - area.x..inside.right() - area.x).map(move |x| (x, y))
            })
        };
        let mut sum = [0u64; 3];
        for (x, y) in pixels() {
            for (total, value) in sum.iter_mut().zip(part.get_pixel(x, y).0) {
                *total += u64::from(value);
            }
        }
        let mean = image::Rgb(sum.map(|total| (total / inside.area().max(1)) as u8));
        for (x, y) in pixels() {
            part.put_pixel(x, y, mean);
        }
    }
}

/// The `i`th block of a `width`×`height` frame `columns` blocks wide.
fn block_region(i: usize, columns: usize, width: u32, height: u32) -> Region {
    let (x, y) = ((i % columns) as u32 * BLOCK, (i / columns) as u32 * BLOCK);
    Region {
        x,
        y,
        width: BLOCK.min(width - x),
        height: BLOCK.min(height - y),
    }
}

/// Whether the line at `region` is part of the moving image: against each neighbouring frame,
/// less than `STILL_SHARE` of its ink stood still, and it lies within `MARGIN` of one of the
/// `moving` blocks (see [`moving_blocks`]). Letters burnt over a cine stand still even where
/// the image behind them moves, and a name that appears mid-loop stands still from the frame
/// after; a word shown on a single frame over a still background has no moving block beside
/// it, unless it is shown over the moving image itself. Without neighbours nothing is ruled
/// out.
fn moves_with_the_image(
    image: &RgbImage,
    region: Region,
    neighbours: &[&RgbImage],
    moving: &[bool],
) -> bool {
    let (width, height) = image.dimensions();
    let columns = width.div_ceil(BLOCK) as usize;
    let around = region.padded(MARGIN, width, height);
    let beside_moving = (around.y / BLOCK..around.bottom().div_ceil(BLOCK)).any(|y| {
        (around.x / BLOCK..around.right().div_ceil(BLOCK))
            .any(|x| moving.get(y as usize * columns + x as usize) == Some(&true))
    });
    if neighbours.is_empty() || !beside_moving {
        return false;
    }
    let ink = overlay::ink_in(image, region);
    neighbours.iter().all(|neighbour| {
        ink_still(image, region, &ink, |x, y| neighbour.get_pixel(x, y).0) < STILL_SHARE
    })
}

/// The share of the `ink` of `region` in `image` (see [`overlay::ink_in`]) that stood still
/// against the pixels `neighbour` gives at the same places, from the pass that found the most
/// of it standing: the pass that found the letters holds them whole, and a handful of pixels
/// is a grain.
fn ink_still(
    image: &RgbImage,
    region: Region,
    ink: &[Vec<bool>; 2],
    neighbour: impl Fn(u32, u32) -> [u8; 3],
) -> f32 {
    let (mut count, mut still) = ([0usize; 2], [0usize; 2]);
    for y in region.y..region.bottom() {
        for x in region.x..region.right() {
            let same = !differ(&image.get_pixel(x, y).0, &neighbour(x, y), SAME);
            let i = ((y - region.y) * region.width + (x - region.x)) as usize;
            for pass in 0..2 {
                if ink[pass][i] {
                    count[pass] += 1;
                    still[pass] += usize::from(same);
                }
            }
        }
    }
    let share = |still: usize, count: usize| {
        if count == 0 {
            0.0
        } else {
            still as f32 / count as f32
        }
    };
    (0..2)
        .filter(|&pass| count[pass] >= LETTER_INK)
        .map(|pass| share(still[pass], count[pass]))
        .reduce(f32::max)
        .unwrap_or_else(|| share(still[0] + still[1], count[0] + count[1]))
}

/// Reads again, where it stands, each box on which pixels that had stood still since the frame
/// read in full moved, as many as a stroke has: its text may have changed (a clock, a frame
/// counter). Fewer are grains of the image behind a label that happened to stay put a while.
/// Says which boxes were read again. Reading
/// frames, a box that now reads as nothing keeps what it said, since it was text in the frame
/// it came from and removing it costs little; checking an output (`checking`), it says what it
/// now reads.
fn reread_moved_boxes(
    image: &RgbImage,
    moved: &[bool],
    boxes: &mut [TextBox],
    checking: bool,
) -> Result<Vec<usize>, Error> {
    let (width, height) = image.dimensions();
    let moved_in = |region: Region| {
        (region.y..region.bottom().min(height))
            .map(|y| {
                let row = y as usize * width as usize;
                moved[row + region.x as usize..row + region.right().min(width) as usize]
                    .iter()
                    .filter(|&&moved| moved)
                    .count()
            })
            .sum::<usize>()
    };
    let again: Vec<usize> = (0..boxes.len())
        .filter(|&i| moved_in(boxes[i].region) >= STROKE_PIXELS)
        .collect();
    if again.is_empty() {
        return Ok(again);
    }
    let quads: Vec<_> = again
        .iter()
        .map(|&i| {
            let region = boxes[i].region;
            Quad::from_region(region.padded(reread_margin(region), width, height))
        })
        .collect();
    let readings = recognize::read_quads(models::get()?, image, &quads)?;
    for (&i, reading) in again.iter().zip(readings) {
        if checking || !reading.text.is_empty() {
            boxes[i].text = reading.text;
            boxes[i].confidence = reading.confidence;
        }
    }
    Ok(again)
}

/// The margin a box is read again with: a third of its height, about what the model's finds
/// leave around the ink. The wider margin an overlay line is first read with (see
/// `reading_margin`) cost a digit on a box already found: `10:41:10` read `10:41:16`.
fn reread_margin(region: Region) -> u32 {
    (region.height / 3).max(3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::overlay::tests::letters;
    use image::Rgb;

    /// A live image of independent grains, dark tissue with brighter speckle, different on
    /// every frame.
    fn speckle(frame: u64) -> RgbImage {
        let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ frame.wrapping_mul(0x2545_f491_4f6c_dd1d);
        RgbImage::from_fn(240, 160, |_, _| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = if state.is_multiple_of(5) {
                90 + (state >> 40) % 120
            } else {
                (state >> 40) % 40
            };
            Rgb([v as u8; 3])
        })
    }

    fn lines_at(image: &RgbImage, area: Region) -> Vec<Region> {
        let part =
            image::imageops::crop_imm(image, area.x, area.y, area.width, area.height).to_image();
        overlay::lines(&part)
            .into_iter()
            .map(|line| Region {
                x: line.region.x + area.x,
                y: line.region.y + area.y,
                ..line.region
            })
            .collect()
    }

    #[test]
    fn the_grains_of_a_moving_image_move_with_it_and_letters_burnt_over_it_do_not() {
        let frames: Vec<RgbImage> = (0..3).map(speckle).collect();
        let whole = Region {
            x: 0,
            y: 0,
            width: 240,
            height: 160,
        };
        let grains = lines_at(&frames[1], whole);
        assert!(!grains.is_empty(), "the speckle passes for lines of text");
        let neighbours = [&frames[0], &frames[2]];
        let moving = moving_blocks(&frames[1], &neighbours);
        for grain in &grains {
            assert!(
                moves_with_the_image(&frames[1], *grain, &neighbours, &moving),
                "{grain:?}"
            );
        }
        // A label typed over the live image, the same pixels on every frame.
        let mut labelled = frames.clone();
        for frame in &mut labelled {
            letters(frame, 60, 70, 5, 2, [0, 255, 255]);
        }
        let label = Region {
            x: 60,
            y: 70,
            width: 58,
            height: 14,
        };
        let neighbours = [&labelled[0], &labelled[2]];
        let moving = moving_blocks(&labelled[1], &neighbours);
        assert!(!moves_with_the_image(
            &labelled[1],
            label,
            &neighbours,
            &moving
        ));
        // Nothing is ruled out without a neighbouring frame.
        let alone = moving_blocks(&frames[1], &[]);
        assert!(!moves_with_the_image(&frames[1], grains[0], &[], &alone));
    }

    #[test]
    fn a_word_shown_on_one_frame_over_a_still_background_is_not_the_moving_image() {
        let black = RgbImage::new(240, 160);
        let mut shown = black.clone();
        letters(&mut shown, 20, 20, 6, 2, [255, 255, 255]);
        let word = Region {
            x: 20,
            y: 20,
            width: 70,
            height: 14,
        };
        assert_eq!(lines_at(&shown, word.padded(8, 240, 160)), [word]);
        let neighbours = [&black, &black];
        let moving = moving_blocks(&shown, &neighbours);
        assert!(!moves_with_the_image(&shown, word, &neighbours, &moving));
    }
}
