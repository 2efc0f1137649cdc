//! Text in pixels: where it is and what it says.
//!
//! Two passes look for text and their finds are merged: the PP-OCRv5 detector, which finds text
//! of any colour over any background but must see big pictures shrunk, and an overlay pass
//! (see [`overlay`]) that finds the flat bright or dark letters medical viewers burn in, at full
//! resolution and in a fraction of the time. A line missed is a name left in the picture, so a
//! box either pass finds is kept even when nothing can be read in it.

mod detect;
mod frames;
mod geometry;
mod models;
mod overlay;
mod recognize;

use std::borrow::Cow;

use image::RgbImage;

pub use self::frames::{FrameReader, block_prints};

use self::detect::Detection;
use self::geometry::{Quad, find, union};
use crate::document::{Error, Region};

/// One line or word of text found in a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Where the text's ink is, padded by nothing: redaction adds its own margin.
    pub region: Region,
    /// What was read, NFKC-normalised; empty when the box was found but could not be read.
    pub text: String,
    /// The recogniser's confidence in `text`, 0.0–1.0.
    pub confidence: f32,
}

/// The model sees at most this many pixels on a side at once; bigger pictures are shrunk or cut
/// into tiles of this size.
const DETECTION_SIDE: u32 = 960;
/// Big pictures are shrunk at most this much before the model sees them, and tiled beyond: a
/// 12-megapixel photo is seen whole at 1333 pixels, text 24 pixels tall reaches the model at 8,
/// about the least it finds reliably, and smaller flat text is the overlay pass's to find.
/// Shrinking less would make the model's time grow with the square of the factor.
const MAX_SHRINK: f32 = 3.0;
/// A picture this much bigger than `DETECTION_SIDE` after shrinking is still seen in one piece:
/// one pass costs less than tiles that overlap.
const ONE_PASS: f32 = 1.4;
const TILE_OVERLAP: u32 = 96;
/// How far one end of a find may sit below the other and the find still count as level.
const LEVEL_DROP: f32 = 2.0;
/// An overlay line with more than this share of stray ink beside it on both sides sits in a
/// texture (see [`overlay::Line::clutter`]).
const TEXTURE: f32 = 0.01;

/// Every piece of text in the picture.
///
/// Pixels read once are not read again in this process: an output whose pixels nothing changed
/// is verified against what its input's analysis read, exactly as a second reading would have
/// found, at the cost of hashing the picture.
pub fn read(image: &RgbImage) -> Result<Vec<TextBox>, Error> {
    static READ: crate::pixels::Remembered<Vec<TextBox>> = crate::pixels::Remembered::new();
    READ.get_or(image, read_afresh)
}

/// Every piece of text in the picture, read whether or not the same pixels were read before:
/// what [`read`] remembers is checked against it.
pub fn read_afresh(image: &RgbImage) -> Result<Vec<TextBox>, Error> {
    let models = models::get()?;
    let (width, height) = image.dimensions();
    // Text can only be where the picture is not flat; both passes look there alone.
    let Some(sight) = Sight::of(image) else {
        return Ok(Vec::new());
    };
    let part = sight.part(image);
    // Flat lines clear of any texture are text whatever the model says, so while the model
    // looks on one core they are read on the others: on two cores, reading is no longer left
    // until the model is done. Lines in a texture wait for the model's opinion (below). When the
    // model takes every core, reading early would only slow it down, and a line read before
    // the model's find around it is read again if the find is tilted (a photo taken at an
    // angle): lines then wait until the model is done.
    // On one core, each side works on the one-thread pool of the rayon worker it runs on, so
    // that pictures read side by side (`scrub` over a folder) spread over every core instead of
    // queueing on one.
    let read_early = sight.on_one_core();
    let worker = || rayon::current_thread_index().unwrap_or(0);
    let early = recognize::Queue::default();
    let (detections, (overlay, clear)) = rayon::join(
        || {
            let found = detect_all(models, &part, &sight, worker());
            early.help(models, image, worker());
            found
        },
        || {
            let overlay: Vec<overlay::Line> = overlay::lines(&part)
                .into_iter()
                .map(|line| overlay::Line {
                    region: Region {
                        x: line.region.x + sight.area.x,
                        y: line.region.y + sight.area.y,
                        ..line.region
                    },
                    ..line
                })
                .collect();
            let clear: Vec<usize> = (0..overlay.len())
                .filter(|&i| read_early && overlay[i].clutter < TEXTURE)
                .collect();
            early.fill(
                clear
                    .iter()
                    .map(|&i| reading_quad(overlay[i].region, width, height))
                    .collect(),
            );
            early.help(models, image, worker());
            (overlay, clear)
        },
    );
    let (detections, maps) = detections?;
    let mut line_readings: Vec<Option<recognize::Reading>> = vec![None; overlay.len()];
    for (i, reading) in clear.into_iter().zip(early.readings()?) {
        line_readings[i] = Some(reading);
    }
    let detections = distinct(detections);

    // A find of the model that lies along lines already read needs no reading of its own:
    // those lines say what it says.
    let read_lines: Vec<usize> = (0..overlay.len())
        .filter(|&i| line_readings[i].is_some())
        .collect();
    // Overlay lines are read straight; a find at an angle is read along its own slope.
    let covers: Vec<Option<usize>> = detections
        .iter()
        .map(|d| {
            if !level(&d.quad) {
                return None;
            }
            covering(
                d.quad.bounds(width, height),
                &read_lines,
                &overlay,
                &line_readings,
            )
        })
        .collect();
    let unread: Vec<usize> = (0..detections.len())
        .filter(|&i| covers[i].is_none())
        .collect();
    let quads: Vec<Quad> = unread.iter().map(|&i| detections[i].quad).collect();
    let mut readings: Vec<Option<recognize::Reading>> = vec![None; detections.len()];
    for (&i, reading) in unread
        .iter()
        .zip(recognize::read_quads(models, image, &quads)?)
    {
        readings[i] = Some(reading);
    }
    // The model also answers to textures and blobs (a whole angiogram, an organ); a find that
    // is not shaped like a line and does not read as text is one of those. A find read through
    // its lines is judged by what they say together.
    let mut read: Vec<(Detection, Option<recognize::Reading>, Option<usize>)> = detections
        .into_iter()
        .zip(readings)
        .zip(covers)
        .map(|((found, reading), line)| (found, reading, line))
        .filter(|(d, reading, line)| {
            let wide = d.quad.width() >= 2.0 * d.quad.height();
            wide || match (reading, line) {
                (Some(reading), _) => reads_as_text(reading),
                (None, Some(line)) => reads_as_text(&line_reading(*line, &line_readings)),
                (None, None) => false,
            }
        })
        .collect();
    // A group is a line, so its readings join left to right.
    read.sort_by(|a, b| a.0.quad.0[0][0].total_cmp(&b.0.quad.0[0][0]));

    // One group per line: the model's finds and the overlay's lines that overlap them.
    let regions: Vec<Region> = read
        .iter()
        .map(|(d, _, _)| d.quad.bounds(width, height))
        .chain(overlay.iter().map(|line| line.region))
        .collect();
    let mut parent: Vec<usize> = (0..regions.len()).collect();
    for (i, &model) in regions[..read.len()].iter().enumerate() {
        for (j, &flat) in regions.iter().enumerate().skip(read.len()) {
            if flat.half_within(model) {
                union(&mut parent, i, j);
            }
        }
        if let Some(line) = read[i].2 {
            union(&mut parent, i, read.len() + line);
        }
    }
    let mut groups: Vec<(Region, Vec<usize>)> = Vec::new();
    let mut slot = vec![usize::MAX; regions.len()];
    for (i, &region) in regions.iter().enumerate() {
        let root = find(&mut parent, i);
        if slot[root] == usize::MAX {
            slot[root] = groups.len();
            groups.push((region, Vec::new()));
        }
        let group = &mut groups[slot[root]];
        group.0 = group.0.union(region);
        group.1.push(i);
    }

    let mut boxes = Vec::with_capacity(groups.len());
    // Lines only the overlay pass found, by their box and their overlay line.
    let mut alone: Vec<(usize, usize)> = Vec::new();
    for (region, members) in groups {
        let models_finds: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| i < read.len())
            .collect();
        let reading = if models_finds.is_empty() {
            // Such a group is one overlay line: overlay lines join only the model's finds.
            let line = members[0] - read.len();
            alone.push((boxes.len(), line));
            line_reading(line, &line_readings)
        } else {
            // What the group says: each find of the model, read or said by its line; a find
            // said by its line that sits inside one read on its own adds nothing.
            let read_regions: Vec<Region> = models_finds
                .iter()
                .filter(|&&i| read[i].1.is_some())
                .map(|&i| regions[i])
                .collect();
            let pieces: Vec<(Region, recognize::Reading)> = models_finds
                .iter()
                .filter_map(|&i| match (&read[i].1, read[i].2) {
                    (Some(reading), _) => Some((regions[i], reading.clone())),
                    (None, Some(line)) => {
                        let inside_read = read_regions
                            .iter()
                            .any(|&found| regions[i].half_within(found));
                        (!inside_read).then(|| (regions[i], line_reading(line, &line_readings)))
                    }
                    (None, None) => None,
                })
                .collect();
            joined(pieces.iter().map(|(region, reading)| (*region, reading)))
        };
        boxes.push(TextBox {
            region,
            text: reading.text,
            confidence: reading.confidence,
        });
    }
    // Lines only the overlay pass found and not read yet: clear ones left for the model to
    // finish, and ones in a texture (ultrasound speckle), with ink beside them on both sides
    // that did not join them. These are read only where the model saw text too; read, grains
    // come out empty or as a stray letter, at the cost of reading a line each.
    let worth_reading: Vec<usize> = alone
        .iter()
        .filter(|&&(_, line)| {
            line_readings[line].is_none()
                && (overlay[line].clutter < TEXTURE
                    || maps.iter().any(|map| map.saw_text(overlay[line].region)))
        })
        .map(|&(i, _)| i)
        .collect();
    let quads: Vec<Quad> = worth_reading
        .iter()
        .map(|&i| reading_quad(boxes[i].region, width, height))
        .collect();
    for (&i, reading) in worth_reading
        .iter()
        .zip(recognize::read_quads(models, image, &quads)?)
    {
        boxes[i].text = reading.text;
        boxes[i].confidence = reading.confidence;
    }
    let alone: Vec<usize> = alone.iter().map(|&(i, _)| i).collect();
    // The overlay pass also answers to bright speckle (ultrasound) and small sharp structures;
    // a line it alone found that reads as no Latin letter or digit is one of those. Blurring
    // them would cost the image its detail for nothing.
    let mut keep: Vec<bool> = boxes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            !alone.contains(&i)
                || lone_line_is_text(b, maps.iter().any(|map| map.saw_text(b.region)))
        })
        .collect();
    // Small text reads poorly piece by piece (`LAO 30 CRA 20` at 6 pixels); a piece that
    // continues a line of text is text too.
    loop {
        let joined: Vec<usize> = (0..boxes.len())
            .filter(|&i| !keep[i])
            .filter(|&i| {
                (0..boxes.len()).any(|j| keep[j] && continues(boxes[j].region, boxes[i].region))
            })
            .collect();
        if joined.is_empty() {
            break;
        }
        for i in joined {
            keep[i] = true;
        }
    }
    let mut index = 0;
    boxes.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    let sideways = sideways(models, image, &boxes)?;
    boxes.extend(sideways);
    boxes.sort_by_key(|b| (b.region.y, b.region.x));
    Ok(boxes)
}

/// Lines written up or down the picture: a film's label photographed sideways, a screenshot
/// whose orientation tag is wrong. The detector follows rows only, so the picture is also looked
/// at turned a quarter clockwise; a line found there that no box of the upright reading already
/// covers is read both ways up, since text written down the picture stands upright in that turn
/// and text written up it stands on its head. Turned the other way it reads as nonsense: of the
/// two readings, the surer is kept, and comes back in the picture's own coordinates. One pass of
/// the detector serves both directions: it finds lines standing on their heads as well.
fn sideways(
    models: &models::Models,
    image: &RgbImage,
    upright: &[TextBox],
) -> Result<Vec<TextBox>, Error> {
    let height = image.height();
    let turned = image::imageops::rotate90(image);
    let Some(sight) = Sight::of(&turned) else {
        return Ok(Vec::new());
    };
    let (turned_width, turned_height) = turned.dimensions();
    // `rotate90` puts (x, y) at (height - 1 - y, x).
    let back = |r: Region| Region {
        x: r.y,
        y: height.saturating_sub(r.x + r.width),
        width: r.height,
        height: r.width,
    };
    let (detections, _) = detect_all(models, &sight.part(&turned), &sight, 0)?;
    let lines: Vec<Quad> = distinct(detections)
        .into_iter()
        .map(|d| d.quad)
        .filter(|quad| quad.width() >= 2.0 * quad.height())
        .filter(|quad| {
            let region = back(quad.bounds(turned_width, turned_height));
            !upright.iter().any(|b| region.half_within(b.region))
        })
        .collect();
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let upside_down = image::imageops::rotate180(&turned);
    let flipped: Vec<Quad> = lines
        .iter()
        .map(|quad| quad.turned_half(turned_width, turned_height))
        .collect();
    let mut found: Vec<TextBox> = Vec::new();
    for (quad, readings) in lines.iter().zip(
        recognize::read_quads(models, &turned, &lines)?
            .into_iter()
            .zip(recognize::read_quads(models, &upside_down, &flipped)?),
    ) {
        for reading in [readings.0, readings.1] {
            if reads_as_text(&reading) {
                found.push(TextBox {
                    region: back(quad.bounds(turned_width, turned_height)),
                    text: reading.text,
                    confidence: reading.confidence,
                });
            }
        }
    }
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let mut kept: Vec<TextBox> = Vec::with_capacity(found.len());
    for candidate in found {
        let same_line = kept.iter().any(|k| {
            k.region
                .intersection(candidate.region)
                .is_some_and(|common| {
                    common.area() * 2 >= candidate.region.area().min(k.region.area())
                })
        });
        if !same_line {
            kept.push(candidate);
        }
    }
    Ok(kept)
}

/// Whether a line only the overlay pass found, read as `line` says, is text rather than a
/// bright speckle or a small sharp structure, which reads as no Latin letter or digit.
fn lone_line_is_text(line: &TextBox, model_saw_text: bool) -> bool {
    // Small flat text often reads with little confidence; a lone blob must read well, and a
    // grain read as one letter (`o` at 0.19) is a grain.
    let latin = line
        .text
        .chars()
        .filter(|&c| is_latin_alphanumeric(c))
        .count();
    // A lone ring where the model saw no text is a vessel or a loop of bowel seen end on, which
    // the recogniser reads as `0` or `O`; a lone `0` names nobody either.
    let ring = matches!(line.text.as_str(), "0" | "O" | "o") && !model_saw_text;
    (line.region.height < 10 && (latin >= 2 || (latin == 1 && line.confidence >= 0.3)))
        || (!ring
            && reads_as_text(&recognize::Reading {
                text: line.text.clone(),
                confidence: line.confidence,
            }))
}

/// The read line that says what a find of the model says, if one does: a line mostly inside
/// it, alone there, of its height, that reads as text and spans its width but for the margin
/// the model adds around a line.
fn covering(
    found: Region,
    read_lines: &[usize],
    overlay: &[overlay::Line],
    line_readings: &[Option<recognize::Reading>],
) -> Option<usize> {
    let mut inside = read_lines
        .iter()
        .copied()
        .filter(|&i| overlay[i].region.half_within(found));
    // A line in pieces is read whole: the pieces lose what lies between them (`Patiente :
    // Zoé` read as `Patiente Zoé`).
    let (Some(only), None) = (inside.next(), inside.next()) else {
        return None;
    };
    // A blob the overlay pass took for a line, or a line it could not read, leaves the find to
    // be read itself.
    let line = overlay[only].region;
    if line.height > found.height || !line_readings[only].as_ref().is_some_and(reads_as_text) {
        return None;
    }
    // The model's box reaches about a third of its height past the ink at each end.
    let margin = found.height / 3;
    let (from, to) = if found.width > 2 * margin {
        (found.x + margin, found.right() - margin)
    } else {
        (found.x, found.right())
    };
    let pad = reading_margin(line);
    let spanned = (line.right() + pad)
        .min(to)
        .saturating_sub(line.x.saturating_sub(pad).max(from));
    (spanned * 10 >= (to - from) * 9).then_some(only)
}

/// What an overlay line was read as; nothing when it was not read.
fn line_reading(line: usize, line_readings: &[Option<recognize::Reading>]) -> recognize::Reading {
    line_readings[line].clone().unwrap_or(recognize::Reading {
        text: String::new(),
        confidence: 0.0,
    })
}

/// Whether a find of the model runs level, within about a degree or `LEVEL_DROP` pixels from
/// end to end: read straight, a line at a steeper slope loses its ends (`LAURENT Sophie
/// 14/02/1990` at 5° read `LAURENT Sophi`). The box around a short word is often a pixel off
/// level (`5.0 mm` at 11 pixels), which costs a straight reading nothing.
fn level(quad: &Quad) -> bool {
    let [left, right, ..] = quad.0;
    (right[1] - left[1]).abs() <= (0.02 * (right[0] - left[0]).abs()).max(LEVEL_DROP)
}

/// Readings of pieces of one line, as one: joined left to right, with their mean confidence.
fn joined<'a>(
    pieces: impl Iterator<Item = (Region, &'a recognize::Reading)>,
) -> recognize::Reading {
    let mut pieces: Vec<(Region, &recognize::Reading)> = pieces.collect();
    pieces.sort_by_key(|(region, _)| region.x);
    let confidence =
        pieces.iter().map(|(_, r)| r.confidence).sum::<f32>() / pieces.len().max(1) as f32;
    let text = pieces
        .iter()
        .map(|(_, r)| r.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    recognize::Reading { text, confidence }
}

/// Whether `piece` sits on `line`'s line, right beside it: about as tall, rows mostly shared,
/// and a gap no wider than the text is tall.
fn continues(line: Region, piece: Region) -> bool {
    let top = line.y.max(piece.y);
    let bottom = line.bottom().min(piece.bottom());
    let shared = bottom.saturating_sub(top);
    let (short, tall) = (line.height.min(piece.height), line.height.max(piece.height));
    let gap = if piece.x >= line.right() {
        piece.x - line.right()
    } else {
        line.x.saturating_sub(piece.right())
    };
    short * 10 >= tall * 7 && shared * 2 >= short && gap <= tall
}

/// Whether a reading is text rather than the recogniser's guess at a texture: three Latin
/// letters or digits, or fewer read with some confidence (a lone `L` marker reads at 0.99, a
/// blob of anatomy read as `0` at 0.1).
fn reads_as_text(reading: &recognize::Reading) -> bool {
    let latin = reading
        .text
        .chars()
        .filter(|&c| is_latin_alphanumeric(c))
        .count();
    latin >= 3 || (latin >= 1 && reading.confidence >= 0.5)
}

/// Letters and digits of the scripts these images are labelled in (Latin, with accents).
fn is_latin_alphanumeric(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_alphabetic() && ('\u{C0}'..='\u{24F}').contains(&c))
}

/// Read what a region says, e.g. one the user drew around text the passes missed.
pub fn recognize(image: &RgbImage, region: Region) -> Result<(String, f32), Error> {
    let models = models::get()?;
    let (width, height) = image.dimensions();
    let region = region.padded(0, width, height);
    if region.width == 0 || region.height == 0 {
        return Ok((String::new(), 0.0));
    }
    let quad = Quad::from_region(region);
    let reading = recognize::read_quads(models, image, &[quad])?.remove(0);
    Ok((reading.text, reading.confidence))
}

/// Where the passes look and how much the model shrinks what it sees.
struct Sight {
    /// The part of the picture where text can be (see [`detect::textured`]).
    area: Region,
    /// How much the picture is shrunk for the model: the same whatever part of it is looked at,
    /// so that text of a given size reaches the model at the same size.
    scale: f32,
}

impl Sight {
    /// Nothing when the picture is flat all over.
    fn of(image: &RgbImage) -> Option<Sight> {
        let (width, height) = image.dimensions();
        let long = width.max(height) as f32;
        Some(Sight {
            area: detect::textured(image)?,
            scale: (DETECTION_SIDE as f32 / long).clamp(1.0 / MAX_SHRINK, 1.0),
        })
    }

    /// The looked-at part of `image`, copied only when it is not the whole.
    fn part<'a>(&self, image: &'a RgbImage) -> Cow<'a, RgbImage> {
        let area = self.area;
        if (area.width, area.height) == image.dimensions() {
            Cow::Borrowed(image)
        } else {
            Cow::Owned(
                image::imageops::crop_imm(image, area.x, area.y, area.width, area.height)
                    .to_image(),
            )
        }
    }

    /// The long side of the looked-at part as the model sees it.
    fn seen_side(&self) -> f32 {
        self.area.width.max(self.area.height) as f32 * self.scale
    }

    /// Whether the model looks on one core while the others read the flat lines found meanwhile
    /// (see `read`): for a picture it sees unshrunk, under a megapixel. There the
    /// viewer's overlay lines run level and say what the model's finds around them say, so
    /// reading them early is work done once. A picture the model must shrink (a photo, a
    /// radiograph, a wide ultrasound) is looked at quicker on every core, and a photo's lines
    /// are often tilted, so that the finds around them would be read again anyway.
    fn on_one_core(&self) -> bool {
        self.scale >= 1.0
    }
}

/// The model's finds in `part`, the looked-at part of the picture, in the whole picture's
/// coordinates: in one pass when shrinking keeps small text readable, else in overlapping tiles
/// shrunk at most `MAX_SHRINK` times.
fn detect_all(
    models: &models::Models,
    part: &RgbImage,
    sight: &Sight,
    worker: usize,
) -> Result<(Vec<Detection>, Vec<detect::Map>), Error> {
    let area = sight.area;
    let scale = sight.scale;
    if sight.seen_side() <= DETECTION_SIDE as f32 * ONE_PASS {
        let pools = models::pools();
        let pool = sight
            .on_one_core()
            .then(|| pools[worker % pools.len()].clone());
        let side = sight.seen_side().round() as u32;
        let (found, map) = detect::detect_on(models, part, side, (area.x, area.y), pool)?;
        return Ok((found, map.into_iter().collect()));
    }
    let shrunk;
    let working = if scale < 1.0 {
        let (w, h) = (
            (part.width() as f32 * scale).round() as u32,
            (part.height() as f32 * scale).round() as u32,
        );
        shrunk = image::imageops::thumbnail(part, w, h);
        &shrunk
    } else {
        part
    };
    let (sx, sy) = (
        part.width() as f32 / working.width() as f32,
        part.height() as f32 / working.height() as f32,
    );
    let mut found = Vec::new();
    let mut maps = Vec::new();
    for tile in detect::tiles(
        working.width(),
        working.height(),
        DETECTION_SIDE,
        TILE_OVERLAP,
    ) {
        let view = image::imageops::crop_imm(working, tile.x, tile.y, tile.width, tile.height);
        let (lines, map) =
            detect::detect(models, &view.to_image(), DETECTION_SIDE, (tile.x, tile.y))?;
        maps.extend(map.map(|map| map.stretched(sx, sy).moved(area.x, area.y)));
        found.extend(lines.into_iter().map(|mut line| {
            line.quad = Quad(
                line.quad
                    .0
                    .map(|[x, y]| [x * sx + area.x as f32, y * sy + area.y as f32]),
            );
            line
        }));
    }
    Ok((found, maps))
}

/// Finds of the model with the ones that tiles found twice removed: where two overlap mostly,
/// the bigger is kept, since the smaller is a line cut by a tile's edge.
fn distinct(mut detections: Vec<Detection>) -> Vec<Detection> {
    let area = |d: &Detection| d.quad.width() * d.quad.height();
    detections.sort_by(|a, b| area(b).total_cmp(&area(a)));
    let mut kept: Vec<Detection> = Vec::with_capacity(detections.len());
    for detection in detections {
        let bounds = detection.quad.bounds(u32::MAX, u32::MAX);
        let inside = kept.iter().any(|k| {
            k.quad
                .bounds(u32::MAX, u32::MAX)
                .intersection(bounds)
                .is_some_and(|common| common.area() * 10 >= bounds.area() * 6)
        });
        if !inside {
            kept.push(detection);
        }
    }
    kept
}

/// An overlay line's box is tight on the ink; the recogniser was trained on looser crops.
fn reading_quad(region: Region, width: u32, height: u32) -> Quad {
    Quad::from_region(region.padded(reading_margin(region), width, height))
}

/// About what the model's boxes leave around the ink of a line: half its height, and never
/// less than 5 pixels, which small text needs to be read at all (`5.0 mm` at 6 pixels reads
/// `5.0 nm` with 2).
fn reading_margin(line: Region) -> u32 {
    (line.height / 2).max(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: u32, y: u32, width: u32, height: u32) -> overlay::Line {
        overlay::Line {
            region: Region {
                x,
                y,
                width,
                height,
            },
            clutter: 0.0,
            letters: 2,
        }
    }

    fn reading(text: &str) -> Option<recognize::Reading> {
        Some(recognize::Reading {
            text: text.to_string(),
            confidence: 0.99,
        })
    }

    /// The detector's box around `FONTAINE GEORGES` in the CT fixture, and the overlay's line.
    const FOUND: Region = Region {
        x: 4,
        y: 5,
        width: 132,
        height: 19,
    };

    #[test]
    fn a_find_one_read_line_spans_is_not_read_again() {
        let overlay = [line(9, 10, 122, 9)];
        let readings = [reading("FONTAINE GEORGES")];
        assert_eq!(covering(FOUND, &[0], &overlay, &readings), Some(0));
    }

    #[test]
    fn a_find_is_read_itself_when_its_lines_do_not_say_it_all() {
        // The line in two pieces, which would lose what lies between them.
        let pieces = [line(9, 10, 60, 9), line(72, 10, 59, 9)];
        let two = [reading("FONTAINE"), reading("GEORGES")];
        assert!(covering(FOUND, &[0, 1], &pieces, &two).is_none());
        // A line covering half of the find: the rest may be text over anatomy.
        let half = [line(9, 10, 60, 9)];
        assert!(covering(FOUND, &[0], &half, &[reading("FONTAINE")]).is_none());
        // A blob taller than the find, and a line that read as nothing.
        let blob = [line(9, 2, 122, 30)];
        assert!(covering(FOUND, &[0], &blob, &[reading("FONTAINE GEORGES")]).is_none());
        let whole = [line(9, 10, 122, 9)];
        assert!(covering(FOUND, &[0], &whole, &[reading("")]).is_none());
        // A line not read at all (in a texture) says nothing.
        assert!(covering(FOUND, &[], &whole, &[None]).is_none());
    }
}
