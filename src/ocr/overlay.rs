//! A fast pass without the model for the text viewers and modalities burn in: flat, bright (or
//! dark) letters on a background that changes slowly. It works at full resolution, so it also
//! finds text too small to survive the shrinking that the model's pass needs on big pictures.

use image::RgbImage;
use rayon::prelude::*;

use super::geometry::{Component, components, find, union};
use crate::document::Region;

/// How much brighter (or darker) than its neighbourhood a pixel must be to be ink, in 0–255
/// levels: four times the noise of a typical radiograph, half the contrast of dim grey text.
const CONTRAST: i32 = 40;
/// The neighbourhood is a square this many pixels on each side of the pixel: wider than the
/// strokes of the largest overlay text, so that the letters do not raise their own background.
const RADIUS: usize = 15;
/// The widest stroke of the largest overlay text, bold, in pixels.
const STROKE: usize = 12;
/// Overlay text is between these heights; bigger text is left to the model.
const MIN_HEIGHT: u32 = 6;
const MAX_HEIGHT: u32 = 64;

/// A line of flat text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// A tight box around its ink.
    pub region: Region,
    /// How much stray ink lies right beside the line (see [`clutter`]), 0–1.
    pub clutter: f32,
    /// How many of its marks are about as tall as the line: its letters, unless they merged.
    pub letters: u32,
}

/// Lines of flat text.
pub fn lines(image: &RgbImage) -> Vec<Line> {
    let (width, height) = image.dimensions();
    let (w, h) = (width as usize, height as usize);
    if w < 8 || h < 8 {
        return Vec::new();
    }
    // Coloured letters stand out in their brightest channel, and coloured letters on white in
    // their darkest one; on grey pictures both are the luma.
    let mut brightest = vec![0u8; w * h];
    let mut darkest = vec![0u8; w * h];
    brightest
        .par_chunks_mut(w)
        .zip(darkest.par_chunks_mut(w))
        .enumerate()
        .for_each(|(y, (bright, dark))| {
            for x in 0..w {
                let [r, g, b] = image.get_pixel(x as u32, y as u32).0;
                bright[x] = r.max(g).max(b);
                dark[x] = r.min(g).min(b);
            }
        });
    let bright = ink(&brightest, w, h, 1);
    let dark = ink(&darkest, w, h, -1);
    let mut found: Vec<Line> = group(components(&bright, w))
        .into_iter()
        .filter(|&(region, _)| !background(&brightest, &bright, width, height, region))
        .map(|(region, letters)| Line {
            region,
            clutter: clutter(&bright, w, region),
            letters,
        })
        .collect();
    // The gaps between bright letters are dark letters of their own to the dark pass: where the
    // two passes find the same line, it is one line.
    for (region, letters) in group(components(&dark, w))
        .into_iter()
        .filter(|&(region, _)| !background(&darkest, &dark, width, height, region))
    {
        let line = Line {
            region,
            clutter: clutter(&dark, w, region),
            letters,
        };
        let same = found.iter_mut().find(|known| {
            known
                .region
                .intersection(region)
                .is_some_and(|common| common.area() * 2 >= known.region.area().min(region.area()))
        });
        match same {
            Some(known) => {
                known.region = known.region.union(region);
                known.clutter = known.clutter.min(line.clutter);
                known.letters = known.letters.max(line.letters);
            }
            None => found.push(line),
        }
    }
    found
}

/// The ink of `region` of `image`, row after row, once for bright letters and once for dark
/// ones: what the passes of [`lines`] take for letters there, judged against the same
/// neighbourhood they look at.
pub fn ink_in(image: &RgbImage, region: Region) -> [Vec<bool>; 2] {
    let (width, height) = image.dimensions();
    let around = region.padded((RADIUS + STROKE) as u32, width, height);
    let (w, h) = (around.width as usize, around.height as usize);
    let mut brightest = Vec::with_capacity(w * h);
    let mut darkest = Vec::with_capacity(w * h);
    for y in around.y..around.bottom() {
        for x in around.x..around.right() {
            let [r, g, b] = image.get_pixel(x, y).0;
            brightest.push(r.max(g).max(b));
            darkest.push(r.min(g).min(b));
        }
    }
    let (dx, dy) = (
        (region.x - around.x) as usize,
        (region.y - around.y) as usize,
    );
    [ink(&brightest, w, h, 1), ink(&darkest, w, h, -1)].map(|mask| {
        (0..region.height as usize)
            .flat_map(|y| {
                let row = (dy + y) * w + dx;
                mask[row..row + region.width as usize]
                    .iter()
                    .map(|&v| v != 0)
            })
            .collect()
    })
}

/// Whether what a pass took for a line is the background its letters stand on. Between lines
/// of white text, black is darker than a neighbourhood the letters brighten, so the dark pass
/// takes the gaps for ink; they join into a tall blob that swallows a line, or a block between
/// two lines, that reads as nothing and sends the model's finds there to be read again. Ink is
/// a minority of the pixels around a line; the background is most of them.
fn background(plane: &[u8], mask: &[u8], width: u32, height: u32, line: Region) -> bool {
    let w = width as usize;
    let rows = line.y as usize..line.bottom() as usize;
    let columns = line.x as usize..line.right() as usize;
    let (mut sum, mut count) = (0u64, 0u64);
    for y in rows {
        for x in columns.clone() {
            if mask[y * w + x] != 0 {
                sum += u64::from(plane[y * w + x]);
                count += 1;
            }
        }
    }
    if count == 0 {
        return false;
    }
    let level = (sum / count) as i32;
    let around = line.padded(line.height / 2, width, height);
    let mut alike = 0u64;
    for y in around.y as usize..around.bottom() as usize {
        alike += plane[y * w + around.x as usize..y * w + around.right() as usize]
            .iter()
            .filter(|&&v| (i32::from(v) - level).abs() < CONTRAST / 2)
            .count() as u64;
    }
    alike * 2 > around.area()
}

/// The share of ink beside `line`, on its rows and no farther than its height, on the side that
/// has less. A letter of the line's size that close would have joined the line, so what lies
/// there is a grain of texture or a mark; text set apart by a viewer has none on either side.
fn clutter(mask: &[u8], w: usize, line: Region) -> f32 {
    let side = line.height as usize;
    let (x, right) = (line.x as usize, line.right() as usize);
    let density = |x0: usize, x1: usize| {
        if x1 <= x0 {
            return 0.0;
        }
        let ink: usize = (line.y as usize..line.bottom() as usize)
            .map(|y| {
                mask[y * w + x0..y * w + x1]
                    .iter()
                    .filter(|&&v| v != 0)
                    .count()
            })
            .sum();
        ink as f32 / ((x1 - x0) * side) as f32
    };
    density(x.saturating_sub(side), x).min(density(right, (right + side).min(w)))
}

/// The mask of pixels that differ from the mean of their neighbourhood by `CONTRAST` in the
/// direction of `sign`.
fn ink(plane: &[u8], w: usize, h: usize, sign: i32) -> Vec<u8> {
    let mut mask = vec![0u8; w * h];
    const STRIP: usize = 64;
    mask.par_chunks_mut(w * STRIP)
        .enumerate()
        .for_each(|(strip, out)| {
            let top = strip * STRIP;
            let rows = out.len() / w;
            // Column sums over the rows of the window, slid down one row at a time.
            let mut columns = vec![0u32; w];
            let window = |y: usize| y.saturating_sub(RADIUS)..(y + RADIUS + 1).min(h);
            for y in window(top) {
                for (sum, &v) in columns.iter_mut().zip(&plane[y * w..(y + 1) * w]) {
                    *sum += u32::from(v);
                }
            }
            for row in 0..rows {
                let y = top + row;
                if row > 0 {
                    let (before, now) = (window(y - 1), window(y));
                    if now.end > before.end {
                        let add = &plane[before.end * w..now.end * w];
                        for (sum, &v) in columns.iter_mut().zip(add) {
                            *sum += u32::from(v);
                        }
                    }
                    if now.start > before.start {
                        let remove = &plane[before.start * w..now.start * w];
                        for (sum, &v) in columns.iter_mut().zip(remove) {
                            *sum -= u32::from(v);
                        }
                    }
                }
                let span = window(y).len() as i32;
                let line = &plane[y * w..(y + 1) * w];
                let out = &mut out[row * w..(row + 1) * w];
                let mut sum: u32 = columns[..RADIUS.min(w)].iter().sum();
                for x in 0..w {
                    if x + RADIUS < w {
                        sum += columns[x + RADIUS];
                    }
                    if x > RADIUS {
                        sum -= columns[x - RADIUS - 1];
                    }
                    let count = ((x + RADIUS + 1).min(w) - x.saturating_sub(RADIUS)) as i32 * span;
                    let difference = i32::from(line[x]) * count - sum as i32;
                    out[x] = u8::from(
                        difference * sign >= CONTRAST * count && stroke(plane, w, h, x, y, sign),
                    );
                }
            }
        });
    mask
}

/// Whether the pixel lies on a stroke: background on both sides of it within a stroke's width,
/// across or along the row. The rim of a bright organ has background on one side only, and
/// that is what tells it from a letter.
fn stroke(plane: &[u8], w: usize, h: usize, x: usize, y: usize, sign: i32) -> bool {
    let level = i32::from(plane[y * w + x]);
    let background = |i: usize| (level - i32::from(plane[i])) * sign >= CONTRAST;
    let left = (1..=STROKE.min(x)).any(|d| background(y * w + x - d));
    let right = (1..=STROKE.min(w - 1 - x)).any(|d| background(y * w + x + d));
    if left && right {
        return true;
    }
    let up = (1..=STROKE.min(y)).any(|d| background((y - d) * w + x));
    let down = (1..=STROKE.min(h - 1 - y)).any(|d| background((y + d) * w + x));
    up && down
}

/// Letters joined into lines, and the lines that look like text.
fn group(letters: Vec<Component>) -> Vec<(Region, u32)> {
    let letters: Vec<(Region, u32, f32)> = letters
        .into_iter()
        .filter(|c| {
            let b = c.bounds;
            let fill = c.pixels as f32 / b.area() as f32;
            c.pixels >= 2
                && b.height <= MAX_HEIGHT
                && b.width <= 12 * b.height.max(4)
                && (fill <= 0.85 || b.height <= 3 || b.width * 3 <= b.height)
        })
        .map(|c| {
            let crossings = c.runs.len() as f32 / c.bounds.height as f32;
            (c.bounds, c.pixels, crossings)
        })
        .collect();
    let mut order: Vec<usize> = (0..letters.len()).collect();
    order.sort_by_key(|&i| letters[i].0.x);
    let mut parent: Vec<usize> = (0..letters.len()).collect();
    for (n, &i) in order.iter().enumerate() {
        let a = letters[i].0;
        for &j in &order[n + 1..] {
            let b = letters[j].0;
            if b.x > a.right() + MAX_HEIGHT {
                break;
            }
            if same_line(a, b) || same_line(b, a) {
                union(&mut parent, i, j);
            }
        }
    }
    // Per line: its box, its letters of nearly full height, its ink, and how many strokes a row
    // of its first letter crosses.
    let mut lines: Vec<(Region, u32, u32, f32)> = Vec::new();
    let mut slot = vec![usize::MAX; letters.len()];
    for (i, &(letter, pixels, crossings)) in letters.iter().enumerate() {
        let r = find(&mut parent, i);
        if slot[r] == usize::MAX {
            slot[r] = lines.len();
            lines.push((letter, 0, 0, crossings));
        }
        let line = &mut lines[slot[r]];
        line.0 = line.0.union(letter);
        line.2 += pixels;
    }
    for (i, &(letter, _, _)) in letters.iter().enumerate() {
        let line = &mut lines[slot[find(&mut parent, i)]];
        if letter.height * 5 >= line.0.height * 2 {
            line.1 += 1;
        }
    }
    lines
        .into_iter()
        .filter_map(|(line, tall, ink, crossings)| {
            let fill = ink as f32 / line.area() as f32;
            let shaped = (MIN_HEIGHT..=MAX_HEIGHT + MAX_HEIGHT / 3).contains(&line.height)
                && line.width * 2 >= line.height
                && fill <= 0.7;
            // A lone blob is a word only if it is wide, hollow and crossed by many strokes like
            // merged letters; the rim of a bright organ is none of these.
            let word =
                tall >= 2 || (line.width * 5 >= line.height * 4 && fill <= 0.5 && crossings >= 3.0);
            // A lone letter big enough to be a side marker (`L`, `R`); what it reads as
            // decides whether it is one.
            let mark = line.height >= 10 && line.width * 4 >= line.height && fill >= 0.1;
            (shaped && (word || mark)).then_some((line, tall))
        })
        .collect()
}

/// Whether `b` continues `a`'s line: beside it at the same height, or a mark just above or
/// below it (an accent, the dot of an i).
fn same_line(a: Region, b: Region) -> bool {
    let (top, bottom) = (a.y.max(b.y), a.bottom().min(b.bottom()));
    let overlap = bottom.saturating_sub(top);
    let (short, tall) = (a.height.min(b.height), a.height.max(b.height));
    let gap =
        b.x.saturating_sub(a.right())
            .max(a.x.saturating_sub(b.right()));
    let beside = overlap * 2 >= short && tall <= 3 * short && gap <= tall;
    let vertical_gap =
        b.y.saturating_sub(a.bottom())
            .max(a.y.saturating_sub(b.bottom()));
    let mark = b.height * 5 <= a.height * 2
        && b.x + 1 >= a.x
        && b.right() <= a.right() + 1
        && vertical_gap * 5 <= a.height * 2;
    beside || mark
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use image::Rgb;

    /// Blocky letters, three strokes each, like a 5×7 bitmap font scaled up.
    pub(in crate::ocr) fn letters(
        image: &mut RgbImage,
        x0: u32,
        y0: u32,
        count: u32,
        scale: u32,
        colour: [u8; 3],
    ) {
        for letter in 0..count {
            let left = x0 + letter * 6 * scale;
            for y in 0..7 * scale {
                for x in 0..5 * scale {
                    let (cx, cy) = (x / scale, y / scale);
                    let ink = cx == 0 || cx == 4 || cy == 0 || cy == 3 || cy == 6;
                    if ink && (cy != 3 || cx < 3) {
                        image.put_pixel(left + x, y0 + y, Rgb(colour));
                    }
                }
            }
        }
    }

    #[test]
    fn finds_bright_and_dark_lines_and_not_the_rim_of_a_disc() {
        let mut image = RgbImage::from_pixel(400, 300, Rgb([12, 12, 12]));
        for y in 150..300 {
            for x in 0..400 {
                let (dx, dy) = (x as f32 - 300.0, y as f32 - 230.0);
                if dx * dx + dy * dy < 60.0 * 60.0 {
                    image.put_pixel(x, y, Rgb([190, 190, 190]));
                }
            }
        }
        letters(&mut image, 10, 10, 6, 2, [255, 255, 255]);
        letters(&mut image, 270, 220, 3, 1, [0, 0, 0]);
        let mut found: Vec<Region> = lines(&image).iter().map(|line| line.region).collect();
        found.sort_by_key(|r| r.y);
        assert_eq!(
            found,
            [
                Region {
                    x: 10,
                    y: 10,
                    width: 70,
                    height: 14
                },
                Region {
                    x: 270,
                    y: 220,
                    width: 17,
                    height: 7
                }
            ]
        );
    }

    #[test]
    fn lines_stacked_close_are_found_each_and_their_gaps_are_not() {
        // A viewer's corner: white lines on black, as far apart as the CT fixture's. Between
        // them the black is darker than a neighbourhood the letters brighten.
        let mut image = RgbImage::from_pixel(300, 120, Rgb([0, 0, 0]));
        for (row, count) in [(10, 9), (27, 6), (43, 8)] {
            letters(&mut image, 9, row, count, 1, [255, 255, 255]);
        }
        let mut found: Vec<Region> = lines(&image).iter().map(|line| line.region).collect();
        found.sort_by_key(|r| r.y);
        let expected: Vec<Region> = [(10, 9), (27, 6), (43, 8)]
            .into_iter()
            .map(|(y, count)| Region {
                x: 9,
                y,
                width: count * 6 - 1,
                height: 7,
            })
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn grains_beside_a_line_on_both_sides_make_it_cluttered_and_words_apart_do_not() {
        // Grey on grey: the gaps between the letters are too faint to be dark letters of their
        // own, so each line is the bright pass's alone.
        let white = [200, 200, 200];
        let mut image = RgbImage::from_pixel(400, 200, Rgb([100, 100, 100]));
        // Three words on one row, each further from the next than the letters are tall.
        for x in [10, 70, 130] {
            letters(&mut image, x, 10, 3, 2, white);
        }
        // A line with a grain of texture a few pixels off each end.
        letters(&mut image, 100, 100, 3, 2, white);
        for x in [93, 139] {
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                image.put_pixel(x + dx, 106 + dy, Rgb(white));
            }
        }
        let found = lines(&image);
        let at = |x: u32, y: u32| {
            found
                .iter()
                .find(|line| line.region.x == x && line.region.y == y)
                .unwrap_or_else(|| panic!("no line at {x}, {y}: {found:?}"))
        };
        for x in [10, 70, 130] {
            assert_eq!(at(x, 10).clutter, 0.0);
        }
        assert!(at(100, 100).clutter > 0.01, "{:?}", at(100, 100));
    }
}
