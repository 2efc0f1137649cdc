//! Irreversible redaction of regions of a picture, and the text found in pictures turned into
//! findings.
//!
//! Redaction works on the stored sample values (8 to 32 bits, signed or not, grey or colour), so
//! a DICOM keeps its pixel values everywhere outside the redacted regions; the same code serves
//! photos. Neither method leaves anything to undo: *blur* first averages the region into blocks
//! at least as tall as the text, so each block holds less than a character, then smooths it (and,
//! in a photograph, adds a faint grain) so it reads as a soft patch; *fill* paints it one colour.

pub mod jpeg;
mod remembered;
mod scale;
mod text;

pub use remembered::Remembered;
pub use scale::shrunk;
pub use text::{before_redaction, find_text, text_left};

use crate::document::{Action, Category, FaceCover, Finding, Plan, Redaction, Region};

/// A stored sample type. Values go through `f32`, exact for every 16-bit value and close enough
/// for 32-bit ones in a region that is being destroyed anyway.
pub trait Sample: Copy {
    fn to_f32(self) -> f32;
    /// `value` clamped to what the type can hold.
    fn from_f32(value: f32) -> Self;
}

macro_rules! sample {
    ($($t:ty),*) => {$(
        impl Sample for $t {
            fn to_f32(self) -> f32 {
                self as f32
            }
            fn from_f32(value: f32) -> Self {
                value.round().clamp(<$t>::MIN as f32, <$t>::MAX as f32) as $t
            }
        }
    )*};
}
sample!(u8, u16, i16, u32, i32);

/// One frame's samples, interleaved (`channels` samples per pixel, rows top to bottom).
pub struct Plane<'a, T> {
    pub samples: &'a mut [T],
    pub width: u32,
    pub height: u32,
    pub channels: usize,
    /// The values the stored bits can take (e.g. 0..=4095 for 12 bits stored): noise and fill
    /// stay inside it, so a viewer never sees a value the file says cannot occur.
    pub range: (f32, f32),
    /// Whether the last channel is opacity. Colours are then blurred weighted by it, so that
    /// the hidden colour of transparent pixels does not bleed into what shows, and a transparent
    /// area stays transparent.
    pub alpha: bool,
    /// Whether samples are indices into a palette. Averaging them makes colours the picture
    /// never had (bright noise that the recogniser reads as digits), so a patch then takes the
    /// index most of its surroundings have, whatever the redaction asked for.
    pub indexed: bool,
    /// Whether a blur adds a faint grain (1% of the range), so that the patch reads as part of
    /// a photograph rather than a smear. Pictures coded lossily take it for free; a DICOM frame
    /// written back losslessly would pay for every grainy value (a JPEG 2000 or JPEG-LS frame
    /// grew by a fifth or more), and a radiologist expects a plain patch anyway.
    pub grain: bool,
}

/// The patches in words for the report: `2 region(s) of text and the eyes of 1 face(s) in the
/// picture`.
pub fn hidden_in_words<'a>(
    patches: impl Iterator<Item = &'a Patch>,
    cover: FaceCover,
    place: &str,
) -> String {
    let (mut text, mut faces) = (0, 0);
    for patch in patches {
        match patch.face {
            Some(_) => faces += 1,
            None => text += 1,
        }
    }
    let faces_said = match cover {
        FaceCover::Eyes => format!("the eyes of {faces} face(s)"),
        _ => format!("{faces} face(s)"),
    };
    match (text, faces) {
        (text, 0) => format!("{text} region(s) of text in {place}"),
        (0, _) => format!("{faces_said} in {place}"),
        (text, _) => format!("{text} region(s) of text and {faces_said} in {place}"),
    }
}

/// Margin added around every region before redaction: a box drawn around the ink of a letter
/// can miss its anti-aliased edge by a pixel or two.
pub fn margin(region: Region) -> u32 {
    (region.height / 4).max(2)
}

/// Pixels to make unreadable: the text's box and the area actually changed around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patch {
    /// The box around the text's ink, whose height sets the blur's blocks.
    pub text: Region,
    /// The box padded by [`margin`], except towards a kept annotation: the margin stops at its
    /// edge, so that a removal never damages a kept neighbour.
    pub area: Region,
    /// For a face's box rather than text's, how the plan hides faces.
    pub face: Option<Redaction>,
}

/// The patches of pixels to redact, by frame: the text the plan removes, and the annotations it
/// keeps that it runs into (see [`cut_by_removed`]).
pub fn regions_to_redact(plan: &Plan) -> Vec<(u32, Patch)> {
    let items = &plan.findings.items;
    let cut = cut_by_removed(items);
    let removed = |i: usize| items[i].action == Action::Remove || cut.contains(&i);
    let kept: Vec<(u32, Region)> = (0..items.len())
        .filter(|&i| !removed(i))
        .filter_map(|i| items[i].pixels())
        .collect();
    (0..items.len())
        .filter(|&i| removed(i))
        .filter_map(|i| {
            let face = (items[i].category == Category::Face).then_some(plan.faces.redaction());
            Some((items[i].pixels()?, face))
        })
        .map(|((frame, text), face)| {
            let spared = kept
                .iter()
                .filter(|(kept_frame, _)| *kept_frame == frame)
                .map(|&(_, region)| region);
            let patch = Patch::around(text, spared);
            (frame, Patch { face, ..patch })
        })
        .collect()
}

impl Patch {
    /// How this patch is made unreadable when the plan asks for `asked` for text: a face as
    /// the plan says faces are.
    pub fn redaction(&self, asked: Redaction) -> Redaction {
        self.face.unwrap_or(asked)
    }

    /// `text` padded by its margin, the margin cut back wherever it would enter one of `spared`
    /// — but never into `text` itself: boxes found around lines stacked close together often
    /// share a few rows of their own margins, and the ink of the text removed must all go.
    pub fn around(text: Region, spared: impl Iterator<Item = Region>) -> Patch {
        let pad = margin(text);
        let (mut left, mut top) = (text.x.saturating_sub(pad), text.y.saturating_sub(pad));
        let (mut right, mut bottom) = (text.right() + pad, text.bottom() + pad);
        for kept in spared {
            let (centre_x, centre_y) = (kept.x + kept.width / 2, kept.y + kept.height / 2);
            if centre_y >= text.bottom() {
                bottom = bottom.min(kept.y.max(text.bottom()));
            } else if centre_y < text.y {
                top = top.max(kept.bottom().min(text.y));
            } else if centre_x >= text.right() {
                right = right.min(kept.x.max(text.right()));
            } else if centre_x < text.x {
                left = left.max(kept.right().min(text.x));
            }
        }
        Patch {
            text,
            area: Region {
                x: left,
                y: top,
                width: right - left,
                height: bottom - top,
            },
            face: None,
        }
    }
}

/// Which findings of text in the pixels that are kept a removed one runs into, by index: their
/// boxes overlap, or touch within a pixel. The removed box is blurred whole, so what would be
/// left of such an annotation can read as anything (`W 400 L 40` cut along its top reads
/// `400L40`, a number), and it goes with its neighbour. A kept line a pixel or more apart stays:
/// the patch's margin stops at its box (see [`Patch`]), so that the removal of one line does not
/// run down a whole settings column.
pub fn cut_by_removed(findings: &[Finding]) -> Vec<usize> {
    let removed: Vec<(u32, Region)> = findings
        .iter()
        .filter(|f| f.action == Action::Remove)
        .filter_map(Finding::pixels)
        .collect();
    (0..findings.len())
        .filter(|&i| findings[i].action == Action::Keep)
        .filter(|&i| {
            findings[i].pixels().is_some_and(|(frame, region)| {
                removed.iter().any(|&(other_frame, other)| {
                    other_frame == frame
                        && other
                            .intersection(region.padded(1, u32::MAX, u32::MAX))
                            .is_some()
                })
            })
        })
        .collect()
}

impl<T: Sample> Plane<'_, T> {
    /// Redact the patch's area; what is outside it is not touched.
    pub fn redact(&mut self, patch: Patch, how: Redaction) {
        let Some(area) = patch.area.intersection(Region {
            x: 0,
            y: 0,
            width: self.width,
            height: self.height,
        }) else {
            return;
        };
        if area.area() == 0 {
            return;
        }
        match patch.redaction(how) {
            _ if self.indexed => self.fill_with_commonest(area),
            Redaction::Fill => self.fill(area),
            Redaction::Blur => self.blur(area, patch.text.height),
        }
    }

    fn index(&self, x: u32, y: u32, channel: usize) -> usize {
        (y as usize * self.width as usize + x as usize) * self.channels + channel
    }

    /// The darkest colour of the region's surroundings: on the dark backgrounds of medical
    /// images a fill then looks like background; on photos it is a plain dark patch.
    fn fill(&mut self, region: Region) {
        let colour: Vec<f32> = (0..self.channels)
            .map(|channel| {
                self.border(region, channel)
                    .into_iter()
                    .fold(f32::INFINITY, f32::min)
            })
            .map(|value| {
                if value.is_finite() {
                    value
                } else {
                    self.range.0
                }
            })
            .collect();
        for y in region.y..region.bottom() {
            for x in region.x..region.right() {
                for (channel, value) in colour.iter().enumerate() {
                    let at = self.index(x, y, channel);
                    self.samples[at] = T::from_f32(*value);
                }
            }
        }
    }

    /// The value most of the ring around the region has, in every sample of the region.
    fn fill_with_commonest(&mut self, region: Region) {
        let mut counts: Vec<(f32, usize)> = Vec::new();
        for value in self.border(region, 0) {
            match counts.iter_mut().find(|(seen, _)| *seen == value) {
                Some((_, count)) => *count += 1,
                None => counts.push((value, 1)),
            }
        }
        let commonest = counts
            .iter()
            .max_by_key(|(_, count)| *count)
            .map_or(self.range.0, |(value, _)| *value);
        for y in region.y..region.bottom() {
            for x in region.x..region.right() {
                for channel in 0..self.channels {
                    let at = self.index(x, y, channel);
                    self.samples[at] = T::from_f32(commonest);
                }
            }
        }
    }

    /// Samples of one channel on the ring of pixels just outside the region.
    fn border(&self, region: Region, channel: usize) -> Vec<f32> {
        let ring = region.padded(1, self.width, self.height);
        let mut values = Vec::new();
        for y in ring.y..ring.bottom() {
            for x in ring.x..ring.right() {
                let inside =
                    x >= region.x && x < region.right() && y >= region.y && y < region.bottom();
                if !inside {
                    values.push(self.samples[self.index(x, y, channel)].to_f32());
                }
            }
        }
        values
    }

    fn blur(&mut self, region: Region, text_height: u32) {
        let block = text_height.max(8).min(region.height.max(1));
        let (width, height) = (region.width as usize, region.height as usize);
        let opacity = self.alpha.then(|| self.channels - 1);
        let full = self.range.1.max(f32::MIN_POSITIVE);
        // A sample as it counts in the average: colours premultiplied by their pixel's opacity.
        let weighted = |plane: &Self, x: u32, y: u32, channel: usize| {
            let value = plane.samples[plane.index(x, y, channel)].to_f32();
            match opacity {
                Some(alpha) if channel != alpha => {
                    value * plane.samples[plane.index(x, y, alpha)].to_f32() / full
                }
                _ => value,
            }
        };
        let mut values = vec![0f32; width * height * self.channels];
        // Block averages: a block is at least as tall as the text, so none holds a readable
        // stroke; every sample in it takes the block's mean.
        for block_y in (0..region.height).step_by(block as usize) {
            for block_x in (0..region.width).step_by(block as usize) {
                let bottom = (block_y + block).min(region.height);
                let right = (block_x + block).min(region.width);
                let count = ((bottom - block_y) * (right - block_x)) as f32;
                for channel in 0..self.channels {
                    let mut sum = 0f32;
                    for y in block_y..bottom {
                        for x in block_x..right {
                            sum += weighted(self, region.x + x, region.y + y, channel);
                        }
                    }
                    let mean = sum / count;
                    for y in block_y..bottom {
                        for x in block_x..right {
                            values[(y as usize * width + x as usize) * self.channels + channel] =
                                mean;
                        }
                    }
                }
            }
        }
        let smoothed = box_smooth(&values, width, height, self.channels, block as usize / 2);
        let mut noise = Noise::seeded(region);
        let amplitude = if self.grain {
            (self.range.1 - self.range.0) * 0.01
        } else {
            0.0
        };
        for y in 0..height {
            for x in 0..width {
                let pixel = (y * width + x) * self.channels;
                let shown = opacity.map(|alpha| smoothed[pixel + alpha] / full);
                for channel in 0..self.channels {
                    let smooth = smoothed[pixel + channel];
                    // Opacity takes no noise: what was transparent all around stays so.
                    let value = match (opacity, shown) {
                        (Some(alpha), _) if channel == alpha => smooth,
                        (_, Some(shown)) if shown <= 0.0 => self.range.0,
                        (_, Some(shown)) => smooth / shown + noise.next() * amplitude,
                        _ => smooth + noise.next() * amplitude,
                    };
                    let at = self.index(region.x + x as u32, region.y + y as u32, channel);
                    self.samples[at] = T::from_f32(value.clamp(self.range.0, self.range.1));
                }
            }
        }
    }
}

/// A box filter of the given radius, horizontal then vertical, edges clamped.
fn box_smooth(
    values: &[f32],
    width: usize,
    height: usize,
    channels: usize,
    radius: usize,
) -> Vec<f32> {
    let pass = |input: &[f32], along_x: bool| -> Vec<f32> {
        let mut output = vec![0f32; input.len()];
        let (outer, inner) = if along_x {
            (height, width)
        } else {
            (width, height)
        };
        let at = |o: usize, i: usize, c: usize| {
            let (x, y) = if along_x { (i, o) } else { (o, i) };
            (y * width + x) * channels + c
        };
        for o in 0..outer {
            for c in 0..channels {
                for i in 0..inner {
                    let low = i.saturating_sub(radius);
                    let high = (i + radius).min(inner - 1);
                    let sum: f32 = (low..=high).map(|j| input[at(o, j, c)]).sum();
                    output[at(o, i, c)] = sum / (high - low + 1) as f32;
                }
            }
        }
        output
    };
    if radius == 0 || values.is_empty() {
        return values.to_vec();
    }
    pass(&pass(values, true), false)
}

/// A small deterministic generator (xorshift), seeded by the region, so the same input and plan
/// give the same output bytes.
struct Noise(u64);

impl Noise {
    fn seeded(region: Region) -> Noise {
        let seed = (u64::from(region.x) << 48)
            ^ (u64::from(region.y) << 32)
            ^ (u64::from(region.width) << 16)
            ^ u64::from(region.height);
        Noise(seed | 1)
    }

    /// A value in [-1, 1).
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::{Category, Findings, Location};

    #[test]
    fn the_report_says_what_was_hidden_faces_apart() {
        let text = patch(Region {
            x: 0,
            y: 0,
            width: 20,
            height: 10,
        });
        let face = Patch {
            face: Some(Redaction::Fill),
            ..text
        };
        let said = |patches: &[Patch], cover| hidden_in_words(patches.iter(), cover, "the picture");
        assert_eq!(
            said(&[text, text], FaceCover::Fill),
            "2 region(s) of text in the picture"
        );
        assert_eq!(
            said(&[text, face], FaceCover::Eyes),
            "1 region(s) of text and the eyes of 1 face(s) in the picture"
        );
        assert_eq!(said(&[face], FaceCover::Blur), "1 face(s) in the picture");
    }

    fn region(x: u32, y: u32, width: u32, height: u32) -> Region {
        Region {
            x,
            y,
            width,
            height,
        }
    }

    fn text(frame: u32, region: Region, category: Category, action: Action) -> Finding {
        Finding {
            category,
            location: Location::Pixels { frame, region },
            value: String::new(),
            explanation: String::new(),
            confidence: 0.9,
            action,
        }
    }

    /// A patch with its whole margin.
    fn patch(text: Region) -> Patch {
        Patch::around(text, std::iter::empty())
    }

    #[test]
    fn a_removal_takes_its_kept_neighbours_but_runs_no_further() {
        // The CT fixture's accession number, the window setting right under it, a line under
        // that a pixel apart, and one apart.
        let accession = region(191, 224, 60, 14);
        let window = region(204, 238, 47, 14);
        let under_window = region(230, 253, 20, 14);
        let apart = region(4, 235, 38, 16);
        let elsewhere = region(204, 238, 47, 14);
        let findings = Findings::new(vec![
            text(0, accession, Category::Identifier, Action::Remove),
            text(0, window, Category::Annotation, Action::Keep),
            text(0, under_window, Category::Annotation, Action::Keep),
            text(0, apart, Category::Annotation, Action::Keep),
            text(1, elsewhere, Category::Annotation, Action::Keep),
        ]);
        let plan = Plan::default_for(&findings);
        let patches = regions_to_redact(&plan);
        let texts: Vec<(u32, Region)> = patches.iter().map(|&(f, p)| (f, p.text)).collect();
        assert_eq!(
            texts,
            [(0, accession), (0, window)],
            "the line under the window stays: the cut does not run down the column"
        );
        // The window's margin stops where the line under it begins.
        assert_eq!(patches[1].1.area.bottom(), under_window.y);
        // Side by side on a line, a margin stops at the kept neighbour's edge.
        let value = region(253, 224, 30, 14);
        let patch = Patch::around(accession, std::iter::once(value));
        assert_eq!(patch.area.right(), value.x);
        assert_eq!(patch.area.y, accession.y - margin(accession));
    }

    #[test]
    fn pixels_of_a_kept_neighbour_are_not_touched() {
        let original = strokes();
        let mut samples = original.clone();
        // Two lines of strokes, rows 10–15 removed and rows 16–21 kept, with no gap.
        let (removed, kept) = (region(8, 10, 48, 6), region(8, 16, 48, 6));
        plane(&mut samples).redact(
            Patch::around(removed, std::iter::once(kept)),
            Redaction::Blur,
        );
        for y in kept.y..kept.bottom() {
            for x in kept.x..kept.right() {
                let i = (y * 64 + x) as usize;
                assert_eq!(samples[i], original[i], "kept pixel changed at ({x}, {y})");
            }
        }
        assert_ne!(
            samples[12 * 64 + 8],
            original[12 * 64 + 8],
            "the removed line is blurred"
        );
    }

    /// A 64×32 grey picture with "text": thin bright strokes on a dark background.
    fn strokes() -> Vec<u16> {
        let mut samples = vec![100u16; 64 * 32];
        for y in 10..22 {
            for x in (8..56).step_by(3) {
                samples[y * 64 + x] = 4000;
            }
        }
        samples
    }

    fn plane(samples: &mut [u16]) -> Plane<'_, u16> {
        Plane {
            samples,
            width: 64,
            height: 32,
            channels: 1,
            range: (0.0, 4095.0),
            alpha: false,
            indexed: false,
            grain: true,
        }
    }

    #[test]
    fn blur_leaves_no_stroke_and_nothing_outside_changes() {
        let original = strokes();
        let mut samples = original.clone();
        let text = region(8, 10, 48, 12);
        plane(&mut samples).redact(patch(text), Redaction::Blur);
        let padded = text.padded(margin(text), 64, 32);
        for y in 0..32u32 {
            for x in 0..64u32 {
                let i = (y * 64 + x) as usize;
                let inside = padded.intersection(region(x, y, 1, 1)).is_some();
                if !inside {
                    assert_eq!(samples[i], original[i], "changed outside at ({x}, {y})");
                }
            }
        }
        // Strokes alternated 100 and 4000 every 3 pixels; after redaction neighbouring columns
        // inside the text differ by far less than a stroke's contrast.
        for y in 12..20usize {
            for x in 10..54usize {
                let step = samples[y * 64 + x].abs_diff(samples[y * 64 + x + 1]);
                assert!(step < 400, "a stroke edge survives at ({x}, {y}): {step}");
            }
        }
    }

    #[test]
    fn a_transparent_area_stays_transparent_and_its_hidden_colour_does_not_show() {
        // Left half transparent, its hidden colour red; right half opaque grey with black
        // strokes. The patch covers both.
        let (w, h) = (64usize, 32usize);
        let mut samples: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let (x, y) = (i % w, i / w);
                if x < 32 {
                    [255, 0, 0, 0]
                } else if (10..22).contains(&y) && x % 3 == 0 {
                    [0, 0, 0, 255]
                } else {
                    [128, 128, 128, 255]
                }
            })
            .collect();
        Plane {
            samples: &mut samples,
            width: w as u32,
            height: h as u32,
            channels: 4,
            range: (0.0, 255.0),
            alpha: true,
            indexed: false,
            grain: true,
        }
        .redact(patch(region(0, 8, 64, 16)), Redaction::Blur);
        for y in 0..h {
            for x in 0..w {
                let [r, g, b, a] = samples[(y * w + x) * 4..][..4] else {
                    unreachable!()
                };
                if x < 16 {
                    assert_eq!(a, 0, "({x}, {y}) became visible");
                }
                if a > 0 {
                    assert!(
                        r.abs_diff(g) <= 8 && r.abs_diff(b) <= 8,
                        "({x}, {y}) shows the hidden red: {:?}",
                        [r, g, b, a]
                    );
                }
            }
        }
    }

    #[test]
    fn blur_is_deterministic_and_stays_in_range() {
        let mut first = strokes();
        let mut second = strokes();
        plane(&mut first).redact(patch(region(0, 0, 64, 32)), Redaction::Blur);
        plane(&mut second).redact(patch(region(0, 0, 64, 32)), Redaction::Blur);
        assert_eq!(first, second);
        assert!(first.iter().all(|&v| v <= 4095));
    }

    #[test]
    fn fill_paints_the_darkest_surrounding_colour() {
        let mut samples = strokes();
        let text = region(8, 10, 48, 12);
        plane(&mut samples).redact(patch(text), Redaction::Fill);
        let padded = text.padded(margin(text), 64, 32);
        for y in padded.y..padded.bottom() {
            for x in padded.x..padded.right() {
                assert_eq!(samples[(y * 64 + x) as usize], 100);
            }
        }
    }

    #[test]
    fn colour_channels_are_redacted_each_on_its_own() {
        let mut samples: Vec<u8> = (0..16 * 16).flat_map(|_| [200u8, 10, 50]).collect();
        let mut plane = Plane {
            samples: &mut samples,
            width: 16,
            height: 16,
            channels: 3,
            range: (0.0, 255.0),
            alpha: false,
            indexed: false,
            grain: true,
        };
        plane.redact(patch(region(4, 4, 8, 8)), Redaction::Fill);
        assert_eq!(
            &samples[(8 * 16 + 8) * 3..(8 * 16 + 8) * 3 + 3],
            &[200, 10, 50]
        );
    }

    #[test]
    fn signed_samples_keep_their_sign() {
        let mut samples = vec![-1000i16; 32 * 32];
        let mut plane = Plane {
            samples: &mut samples,
            width: 32,
            height: 32,
            channels: 1,
            range: (-2048.0, 2047.0),
            alpha: false,
            indexed: false,
            grain: true,
        };
        plane.redact(patch(region(8, 8, 16, 10)), Redaction::Blur);
        assert!(samples.iter().all(|&v| (-1041..=-959).contains(&v)));
    }
}
