//! Text detection with the PP-OCRv5 DBNet model: a probability map of "text here", cut into
//! lines.

use std::sync::Arc;

use image::RgbImage;
use image::imageops::{self, FilterType};
use rayon::prelude::*;
use rten::{RunOptions, ThreadPool};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;

use super::geometry::{Quad, components, min_area_quad};
use super::models::Models;
use crate::document::{Error, Region};

/// Pixels more likely text than this belong to a text kernel (PaddleOCR's `thresh`).
const PIXEL_THRESHOLD: f32 = 0.3;
/// A kernel's mean probability must reach this to count as text (PaddleOCR's `box_thresh` is 0.6
/// over a whole rectangle; the mean over the kernel's own pixels runs higher, but a missed line
/// is a leak, so the bar stays low).
const BOX_THRESHOLD: f32 = 0.5;
/// DBNet is trained to mark a line shrunk by this much of area/perimeter; growing the kernel
/// back by it gives the line's extent.
const UNCLIP_RATIO: f32 = 1.6;

/// A text line found by the model, in the coordinates of the picture it was given.
#[derive(Debug, Clone)]
pub struct Detection {
    pub quad: Quad,
    pub score: f32,
}

/// Where the model saw text in one picture or tile, kept to ask later whether it saw any where
/// the overlay pass found a line.
pub struct Map {
    /// Row-major, non-zero where a pixel is more likely text than `PIXEL_THRESHOLD`.
    text: Vec<u8>,
    width: usize,
    height: usize,
    /// The pixels of the whole picture that the map covers.
    covers: Region,
}

impl Map {
    /// The same map over a picture `sx` × `sy` times as big.
    pub fn stretched(mut self, sx: f32, sy: f32) -> Map {
        let c = self.covers;
        let (x0, y0) = ((c.x as f32 * sx) as u32, (c.y as f32 * sy) as u32);
        self.covers = Region {
            x: x0,
            y: y0,
            width: ((c.right() as f32 * sx).ceil() as u32 - x0).max(1),
            height: ((c.bottom() as f32 * sy).ceil() as u32 - y0).max(1),
        };
        self
    }

    /// The same map over a part of a picture that starts `x`, `y` pixels into it.
    pub fn moved(mut self, x: u32, y: u32) -> Map {
        self.covers.x += x;
        self.covers.y += y;
        self
    }

    /// Whether the model took any pixel under `region` (whole picture's pixels) for text.
    pub fn saw_text(&self, region: Region) -> bool {
        let Some(common) = self.covers.intersection(region) else {
            return false;
        };
        let (sx, sy) = (
            self.width as f32 / self.covers.width as f32,
            self.height as f32 / self.covers.height as f32,
        );
        let span = |from: u32, to: u32, scale: f32, cap: usize| {
            (from as f32 * scale) as usize..((to as f32 * scale).ceil() as usize).min(cap)
        };
        let columns = span(
            common.x - self.covers.x,
            common.right() - self.covers.x,
            sx,
            self.width,
        );
        span(
            common.y - self.covers.y,
            common.bottom() - self.covers.y,
            sy,
            self.height,
        )
        .any(|y| {
            self.text[y * self.width + columns.start..y * self.width + columns.end]
                .iter()
                .any(|&t| t != 0)
        })
    }
}

/// The text lines of `image`, which the model sees at most `max_side` pixels on its long side.
/// Pictures smaller than this on their long side are enlarged for the model, up to twice.
const UPSCALE_TO: f32 = 512.0;

pub fn detect(
    models: &Models,
    image: &RgbImage,
    max_side: u32,
    offset: (u32, u32),
) -> Result<(Vec<Detection>, Option<Map>), Error> {
    detect_on(models, image, max_side, offset, None)
}

/// As [`detect`], on `pool` rather than rten's pool of every core.
pub fn detect_on(
    models: &Models,
    image: &RgbImage,
    max_side: u32,
    offset: (u32, u32),
    pool: Option<Arc<ThreadPool>>,
) -> Result<(Vec<Detection>, Option<Map>), Error> {
    let (width, height) = image.dimensions();
    if width < 4 || height < 4 {
        return Ok((Vec::new(), None));
    }
    // Small pictures (an angiogram or MR frame of 256 pixels) carry text a few pixels tall,
    // below what the model finds; seen twice as big, it is found.
    let long = width.max(height) as f32;
    let scale = (max_side as f32 / long)
        .min(1.0)
        .max((UPSCALE_TO / long).min(2.0));
    let to32 = |side: u32| (((side as f32 * scale) / 32.0).round() as u32).max(1) * 32;
    let (map_width, map_height) = (to32(width), to32(height));
    let resized;
    let input = if (map_width, map_height) == (width, height) {
        image
    } else {
        // Averaging areas is much faster than a filter on big photos, and as good for shrinking.
        resized = if map_width < width && map_height < height {
            imageops::thumbnail(image, map_width, map_height)
        } else {
            imageops::resize(image, map_width, map_height, FilterType::Triangle)
        };
        &resized
    };
    let tensor = normalised(input);
    let output: NdTensor<f32, 4> = models
        .detector
        .run_one(
            tensor.into(),
            pool.map(|pool| {
                let mut options = RunOptions::default();
                options.thread_pool = Some(pool);
                options
            }),
        )
        .map_err(|e| Error::Refused(format!("text detection failed: {e}")))?
        .try_into()
        .map_err(|e| Error::Refused(format!("text detection gave no map: {e:?}")))?;
    let map = output.slice((0, 0)).to_contiguous();
    let (sx, sy) = (
        width as f32 / map_width as f32,
        height as f32 / map_height as f32,
    );
    let text: Vec<u8> = map
        .data()
        .iter()
        .map(|&p| u8::from(p > PIXEL_THRESHOLD))
        .collect();
    let found = lines(map.data(), &text, map_width as usize)
        .into_iter()
        .map(|line| Detection {
            quad: Quad(line.quad.0.map(|[x, y]| {
                [
                    (x * sx).clamp(0.0, width as f32) + offset.0 as f32,
                    (y * sy).clamp(0.0, height as f32) + offset.1 as f32,
                ]
            })),
            score: line.score,
        })
        .collect();
    let map = Map {
        text,
        width: map_width as usize,
        height: map_height as usize,
        covers: Region {
            x: offset.0,
            y: offset.1,
            width,
            height,
        },
    };
    Ok((found, Some(map)))
}

/// PaddleOCR feeds OpenCV's BGR order with ImageNet's statistics listed in that same order.
fn normalised(image: &RgbImage) -> NdTensor<f32, 4> {
    const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
    const STD: [f32; 3] = [0.229, 0.224, 0.225];
    let (width, height) = image.dimensions();
    let (w, h) = (width as usize, height as usize);
    let mut data = vec![0.0f32; 3 * w * h];
    let (blue, rest) = data.split_at_mut(w * h);
    let (green, red) = rest.split_at_mut(w * h);
    for (i, pixel) in image.pixels().enumerate() {
        let [r, g, b] = pixel.0;
        blue[i] = (b as f32 / 255.0 - MEAN[0]) / STD[0];
        green[i] = (g as f32 / 255.0 - MEAN[1]) / STD[1];
        red[i] = (r as f32 / 255.0 - MEAN[2]) / STD[2];
    }
    NdTensor::from_data([1, 3, h, w], data)
}

/// Lines in a probability map and its pixels above `PIXEL_THRESHOLD`, in map coordinates.
fn lines(probabilities: &[f32], mask: &[u8], width: usize) -> Vec<Detection> {
    components(mask, width)
        .into_iter()
        .filter(|c| c.bounds.width.min(c.bounds.height) >= 2 && c.pixels >= 6)
        .filter_map(|component| {
            let sum: f32 = component
                .runs
                .iter()
                .flat_map(|run| {
                    let row = run.y as usize * width;
                    &probabilities[row + run.x0 as usize..row + run.x1 as usize]
                })
                .sum();
            let score = sum / component.pixels as f32;
            (score >= BOX_THRESHOLD).then(|| Detection {
                quad: min_area_quad(&component.runs, |long, short| {
                    long * short * UNCLIP_RATIO / (2.0 * (long + short))
                }),
                score,
            })
        })
        .collect()
}

/// Pixels are looked at in square blocks this many pixels on a side to find where text can be.
const BLOCK: usize = 16;
/// A block whose every channel stays within this many levels holds no text: a letter that faint
/// is barely legible (the overlay pass asks 40 of its ink). A smooth surround (a light box, a
/// screenshot's margin, a scanner's white) stays within it; a phone photo's wall rarely does,
/// with the sensor's noise, and is then looked at whole, as before.
const FLAT: u8 = 16;
/// Room the model needs around the outermost text to see it as a line, in picture pixels.
const TEXTURED_MARGIN: u32 = 48;

/// Where in the picture text can be: the box around every block that is not flat, with a margin;
/// nothing when the whole picture is flat. The model's time grows with what it looks at, and a
/// phone photo of a film is often half wall.
pub fn textured(image: &RgbImage) -> Option<Region> {
    let (width, height) = image.dimensions();
    let (w, h) = (width as usize, height as usize);
    let columns = w.div_ceil(BLOCK);
    let raw = image.as_raw();
    // Per band of block rows: the first and last block column that is not flat.
    let bands: Vec<Option<(usize, usize)>> = raw
        .par_chunks(w * 3 * BLOCK)
        .map(|band| {
            let mut low = vec![[u8::MAX; 3]; columns];
            let mut high = vec![[0u8; 3]; columns];
            for row in band.chunks_exact(w * 3) {
                for (x, pixel) in row.chunks_exact(3).enumerate() {
                    let (low, high) = (&mut low[x / BLOCK], &mut high[x / BLOCK]);
                    for c in 0..3 {
                        low[c] = low[c].min(pixel[c]);
                        high[c] = high[c].max(pixel[c]);
                    }
                }
            }
            let busy = |b: &usize| (0..3).any(|c| high[*b][c].saturating_sub(low[*b][c]) > FLAT);
            let first = (0..columns).find(busy)?;
            let last = (0..columns).rev().find(busy)?;
            Some((first, last))
        })
        .collect();
    let first_band = bands.iter().position(Option::is_some)?;
    let last_band = bands.iter().rposition(Option::is_some)?;
    let (first, last) = bands
        .iter()
        .flatten()
        .fold((usize::MAX, 0), |(f, l), &(a, b)| (f.min(a), l.max(b)));
    let x = (first * BLOCK) as u32;
    let y = (first_band * BLOCK) as u32;
    let right = (((last + 1) * BLOCK).min(w)) as u32;
    let bottom = (((last_band + 1) * BLOCK).min(h)) as u32;
    Some(
        Region {
            x,
            y,
            width: right - x,
            height: bottom - y,
        }
        .padded(TEXTURED_MARGIN, width, height),
    )
}

/// The tiles that cover a picture too big to be shrunk without losing small text: each is at
/// most `side` square and overlaps its neighbours by `overlap`, so a line cut by one tile's edge
/// is whole in the next.
pub fn tiles(width: u32, height: u32, side: u32, overlap: u32) -> Vec<Region> {
    let starts = |length: u32| -> Vec<u32> {
        if length <= side {
            return vec![0];
        }
        let count = (length - overlap).div_ceil(side - overlap);
        let step = (length - side) as f32 / (count - 1) as f32;
        (0..count)
            .map(|i| (i as f32 * step).round() as u32)
            .collect()
    };
    let mut tiles = Vec::new();
    for y in starts(height) {
        for x in starts(width) {
            tiles.push(Region {
                x,
                y,
                width: side.min(width - x),
                height: side.min(height - y),
            });
        }
    }
    tiles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_can_be_only_where_the_picture_is_not_flat() {
        // A wall with noise and a gradient, and a film with one faint letter on it.
        let mut image = RgbImage::from_fn(800, 600, |x, y| {
            let level = 150 + (x / 40) as u8 + ((x * 7 + y * 13) % 5) as u8;
            image::Rgb([level, level, level + 3])
        });
        for y in 200..260 {
            for x in 300..330 {
                image.put_pixel(x, y, image::Rgb([20, 20, 20]));
            }
        }
        for y in 210..230 {
            for x in 305..307 {
                image.put_pixel(x, y, image::Rgb([50, 50, 50]));
            }
        }
        let area = textured(&image).expect("the film is not flat");
        // The blocks around the film (16-pixel grid), and the margin the model needs.
        assert_eq!(
            area,
            Region {
                x: 288 - TEXTURED_MARGIN,
                y: 192 - TEXTURED_MARGIN,
                width: 336 - 288 + 2 * TEXTURED_MARGIN,
                height: 272 - 192 + 2 * TEXTURED_MARGIN,
            }
        );
        let wall = RgbImage::from_fn(50, 40, |x, _| image::Rgb([100 + x as u8 / 4, 100, 100]));
        assert_eq!(textured(&wall), None);
    }

    #[test]
    fn tiles_cover_the_picture_and_overlap() {
        let covering = tiles(4000, 3000, 1024, 128);
        for x in (0..4000).step_by(50) {
            for y in (0..3000).step_by(50) {
                assert!(
                    covering
                        .iter()
                        .any(|t| x >= t.x && x < t.right() && y >= t.y && y < t.bottom())
                );
            }
        }
        assert!(covering.iter().all(|t| t.width == 1024 && t.height == 1024));
        assert_eq!(tiles(500, 300, 1024, 128).len(), 1);
    }
}
