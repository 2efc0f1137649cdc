//! Text detection with the PP-OCRv5 DBNet model: a probability map of "text here", cut into
//! lines.

use image::RgbImage;
use image::imageops::{self, FilterType};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

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

/// The text lines of `image`, which the model sees at most `max_side` pixels on its long side.
/// Pictures smaller than this on their long side are enlarged for the model, up to twice.
const UPSCALE_TO: f32 = 512.0;

pub fn detect(
    models: &Models,
    image: &RgbImage,
    max_side: u32,
    offset: (u32, u32),
) -> Result<Vec<Detection>, Error> {
    let (width, height) = image.dimensions();
    if width < 4 || height < 4 {
        return Ok(Vec::new());
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
        .run_one(tensor.into(), None)
        .map_err(|e| Error::Refused(format!("text detection failed: {e}")))?
        .try_into()
        .map_err(|e| Error::Refused(format!("text detection gave no map: {e:?}")))?;
    let map = output.slice((0, 0));
    let (sx, sy) = (
        width as f32 / map_width as f32,
        height as f32 / map_height as f32,
    );
    Ok(lines(map)
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
        .collect())
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

/// Lines in a probability map, in map coordinates.
fn lines(map: NdTensorView<f32, 2>) -> Vec<Detection> {
    let [_, width] = map.shape();
    let map = map.to_contiguous();
    let probabilities = map.data();
    let mask: Vec<u8> = probabilities
        .iter()
        .map(|&p| u8::from(p > PIXEL_THRESHOLD))
        .collect();
    components(&mask, width)
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
