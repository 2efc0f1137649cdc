//! Reading a text line with the PP-OCRv5 CRNN recogniser and CTC decoding.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use image::RgbImage;
use rten::{RunOptions, ThreadPool};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::geometry::Quad;
use super::models::{Models, pools};
use crate::document::Error;

/// The recogniser's input height.
const HEIGHT: usize = 48;
/// Longer lines are squeezed: past this the cost grows and the model gains nothing.
const MAX_WIDTH: usize = 2400;

/// What a line says and how sure the recogniser is.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub text: String,
    pub confidence: f32,
}

/// Lines waiting to be read, taken one at a time by whoever has a core free: lines can be put
/// in while the detector is still running, and the detector's side helps once it is done.
#[derive(Default)]
pub struct Queue {
    quads: OnceLock<Vec<Quad>>,
    next: AtomicUsize,
    readings: Mutex<Vec<Option<Result<Reading, Error>>>>,
}

impl Queue {
    /// Put the lines in; only once.
    pub fn fill(&self, quads: Vec<Quad>) {
        let count = quads.len();
        if self.quads.set(quads).is_ok() {
            *self.readings.lock().unwrap_or_else(|e| e.into_inner()) =
                (0..count).map(|_| None).collect();
        }
    }

    /// Read lines until none is left, with the pool numbered `worker`; nothing to do before
    /// the queue is filled.
    pub fn help(&self, models: &Models, image: &RgbImage, worker: usize) {
        let Some(quads) = self.quads.get() else {
            return;
        };
        let pools = pools();
        let pool = &pools[worker % pools.len()];
        loop {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(quad) = quads.get(index) else {
                return;
            };
            let reading = read_one(models, image, quad, pool);
            self.readings.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(reading);
        }
    }

    /// The readings in the order the lines were put in; all of them must have been read.
    pub fn readings(self) -> Result<Vec<Reading>, Error> {
        self.readings
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|reading| {
                reading.unwrap_or_else(|| Err(Error::Refused("a line was not read".to_string())))
            })
            .collect()
    }
}

/// Read each quad of `image`, on every core.
pub fn read_quads(
    models: &Models,
    image: &RgbImage,
    quads: &[Quad],
) -> Result<Vec<Reading>, Error> {
    let queue = Queue::default();
    queue.fill(quads.to_vec());
    let workers = pools().len().min(quads.len());
    std::thread::scope(|scope| {
        for worker in 1..workers {
            let queue = &queue;
            scope.spawn(move || queue.help(models, image, worker));
        }
        queue.help(models, image, 0);
    });
    queue.readings()
}

fn read_one(
    models: &Models,
    image: &RgbImage,
    quad: &Quad,
    pool: &Arc<ThreadPool>,
) -> Result<Reading, Error> {
    let strip = Strip::cut(image, quad);
    let input = NdTensor::from_data([1, 3, HEIGHT, strip.width], strip.data);
    let mut options = RunOptions::default();
    options.thread_pool = Some(pool.clone());
    let output: NdTensor<f32, 3> = models
        .recogniser
        .run_one(input.into(), Some(options))
        .map_err(|e| Error::Refused(format!("text recognition failed: {e}")))?
        .try_into()
        .map_err(|e| Error::Refused(format!("text recognition gave no classes: {e:?}")))?;
    Ok(decode(&models.classes, &output))
}

/// Greedy CTC over the one strip of `output`: the likeliest class at each step, repeats
/// collapsed, blanks dropped.
fn decode(classes: &[String], output: &NdTensor<f32, 3>) -> Reading {
    let mut text = String::new();
    let mut sum = 0.0;
    let mut kept = 0;
    let mut previous = 0;
    for step in 0..output.size(1) {
        let row = output.slice((0, step));
        let (class, probability) =
            row.iter().enumerate().fold(
                (0, f32::MIN),
                |best, (i, &p)| if p > best.1 { (i, p) } else { best },
            );
        if class != 0 && class != previous {
            text.push_str(classes.get(class).map_or("", String::as_str));
            sum += probability;
            kept += 1;
        }
        previous = class;
    }
    let text: String = text.nfkc().collect();
    let text = text.trim().to_string();
    let confidence = if kept == 0 || text.is_empty() {
        0.0
    } else {
        sum / kept as f32
    };
    Reading { text, confidence }
}

/// A line cut out straight at the recogniser's height, already normalised.
struct Strip {
    width: usize,
    /// Planar BGR, `HEIGHT` rows of `width`.
    data: Vec<f32>,
}

impl Strip {
    /// Each output pixel averages a few bilinear samples of the quad, so that a tall line
    /// brought down to 48 rows keeps thin strokes instead of skipping over them.
    fn cut(image: &RgbImage, quad: &Quad) -> Strip {
        let [tl, tr, _, bl] = quad.0;
        let (line_width, line_height) = (quad.width().max(1.0), quad.height().max(1.0));
        let width =
            ((HEIGHT as f32 * line_width / line_height).round() as usize).clamp(8, MAX_WIDTH);
        let across = [
            (tr[0] - tl[0]) / width as f32,
            (tr[1] - tl[1]) / width as f32,
        ];
        let down = [
            (bl[0] - tl[0]) / HEIGHT as f32,
            (bl[1] - tl[1]) / HEIGHT as f32,
        ];
        let samples = ((line_height / HEIGHT as f32).ceil() as usize).clamp(1, 4);
        let weight = 1.0 / (samples * samples) as f32;
        let plane = HEIGHT * width;
        let mut data = vec![0.0f32; 3 * plane];
        for row in 0..HEIGHT {
            for column in 0..width {
                let mut colour = [0.0f32; 3];
                for sy in 0..samples {
                    for sx in 0..samples {
                        let u = column as f32 + (sx as f32 + 0.5) / samples as f32;
                        let v = row as f32 + (sy as f32 + 0.5) / samples as f32;
                        let x = tl[0] + u * across[0] + v * down[0] - 0.5;
                        let y = tl[1] + u * across[1] + v * down[1] - 0.5;
                        let sample = bilinear(image, x, y);
                        for c in 0..3 {
                            colour[c] += sample[c] * weight;
                        }
                    }
                }
                let at = row * width + column;
                // Planes in BGR order, scaled to -1..1 as PaddleOCR's recogniser expects.
                data[at] = colour[2] / 127.5 - 1.0;
                data[plane + at] = colour[1] / 127.5 - 1.0;
                data[2 * plane + at] = colour[0] / 127.5 - 1.0;
            }
        }
        Strip { width, data }
    }
}

/// The colour at a point between pixels; outside the picture, the nearest edge pixel.
fn bilinear(image: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (width, height) = image.dimensions();
    let x = x.clamp(0.0, (width - 1) as f32);
    let y = y.clamp(0.0, (height - 1) as f32);
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(width - 1), (y0 + 1).min(height - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let (a, b) = (image.get_pixel(x0, y0).0, image.get_pixel(x1, y0).0);
    let (c, d) = (image.get_pixel(x0, y1).0, image.get_pixel(x1, y1).0);
    let mut out = [0.0; 3];
    for i in 0..3 {
        let top = a[i] as f32 * (1.0 - fx) + b[i] as f32 * fx;
        let bottom = c[i] as f32 * (1.0 - fx) + d[i] as f32 * fx;
        out[i] = top * (1.0 - fy) + bottom * fy;
    }
    out
}
