//! Burned-in text: text is planted into pictures with real fonts, and every planted line must be
//! found (a box covers its ink) and, from 12 pixels up, read.

mod common;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use caviar::Region;
use caviar::ocr::{self, TextBox};
use common::{accuracy, fold};
use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};

const SANS: &[u8] = include_bytes!("../fixtures/fonts/DejaVuSans.ttf");
const MONO_BOLD: &[u8] = include_bytes!("../fixtures/fonts/DejaVuSansMono-Bold.ttf");
const SERIF: &[u8] = include_bytes!("../fixtures/fonts/DejaVuSerif.ttf");
const NOTO_MONO: &[u8] = include_bytes!("../fixtures/fonts/NotoSansMono-Regular.ttf");

const WHITE: [u8; 3] = [255, 255, 255];

/// A line of text drawn into a picture, and the box around its ink.
struct Planted {
    text: &'static str,
    size: f32,
    ink: Region,
}

/// Draw `text` with its top-left corner at `at`, blending `colour` by the glyphs' coverage.
fn plant(
    image: &mut RgbImage,
    font: &[u8],
    size: f32,
    at: (f32, f32),
    text: &'static str,
    colour: [u8; 3],
) -> Planted {
    let mask = render(font, size, text);
    let (x0, y0) = (at.0.round() as i64, at.1.round() as i64);
    let mut ink: Option<Region> = None;
    for (x, y, coverage) in mask {
        let (x, y) = (x0 + x, y0 + y);
        if x < 0 || y < 0 || x >= image.width() as i64 || y >= image.height() as i64 {
            continue;
        }
        blend(image, x as u32, y as u32, colour, coverage);
        if coverage > 0.3 {
            let pixel = Region {
                x: x as u32,
                y: y as u32,
                width: 1,
                height: 1,
            };
            ink = Some(ink.map_or(pixel, |r| r.union(pixel)));
        }
    }
    Planted {
        text,
        size,
        ink: ink.expect("the text has ink"),
    }
}

/// Like [`plant`], the line turned by `degrees` about its first letter, as in a photo of a
/// screen or a film taken at a slight angle.
fn plant_turned(
    image: &mut RgbImage,
    font: &[u8],
    size: f32,
    at: (f32, f32),
    text: &'static str,
    colour: [u8; 3],
    degrees: f32,
) -> Planted {
    let mask = render(font, size, text);
    let width = mask.iter().map(|m| m.0).max().unwrap_or(0) + 1;
    let height = mask.iter().map(|m| m.1).max().unwrap_or(0) + 1;
    let mut flat = vec![0.0f32; (width * height) as usize];
    for (x, y, c) in mask {
        if x >= 0 && y >= 0 {
            flat[(y * width + x) as usize] = c;
        }
    }
    let (sin, cos) = degrees.to_radians().sin_cos();
    let reach = (width + height) as f32;
    let mut ink: Option<Region> = None;
    for y in (at.1 - reach) as i64..(at.1 + reach) as i64 {
        for x in (at.0 - reach) as i64..(at.0 + reach) as i64 {
            if x < 0 || y < 0 || x >= image.width() as i64 || y >= image.height() as i64 {
                continue;
            }
            let (dx, dy) = (x as f32 - at.0, y as f32 - at.1);
            let (u, v) = (dx * cos + dy * sin, -dx * sin + dy * cos);
            let (ui, vi) = (u.floor() as i64, v.floor() as i64);
            if ui < 0 || vi < 0 || ui + 1 >= width || vi + 1 >= height {
                continue;
            }
            let (fu, fv) = (u - ui as f32, v - vi as f32);
            let at = |a: i64, b: i64| flat[(b * width + a) as usize];
            let coverage = (at(ui, vi) * (1.0 - fu) + at(ui + 1, vi) * fu) * (1.0 - fv)
                + (at(ui, vi + 1) * (1.0 - fu) + at(ui + 1, vi + 1) * fu) * fv;
            if coverage <= 0.0 {
                continue;
            }
            blend(image, x as u32, y as u32, colour, coverage);
            if coverage > 0.3 {
                let pixel = Region {
                    x: x as u32,
                    y: y as u32,
                    width: 1,
                    height: 1,
                };
                ink = Some(ink.map_or(pixel, |r| r.union(pixel)));
            }
        }
    }
    Planted {
        text,
        size,
        ink: ink.expect("the text has ink"),
    }
}

/// The coverage of each pixel of a line of text, relative to the top-left of its em box.
fn render(font: &[u8], size: f32, text: &str) -> Vec<(i64, i64, f32)> {
    let font = FontRef::try_from_slice(font).expect("fixture font");
    let scaled = font.as_scaled(PxScale::from(size));
    let mut caret = 0.0;
    let mut previous = None;
    let mut mask = Vec::new();
    for ch in text.chars() {
        let id = font.glyph_id(ch);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        let glyph = id.with_scale_and_position(size, point(caret, scaled.ascent()));
        caret += scaled.h_advance(id);
        previous = Some(id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|x, y, coverage| {
                mask.push((
                    bounds.min.x as i64 + x as i64,
                    bounds.min.y as i64 + y as i64,
                    coverage.min(1.0),
                ));
            });
        }
    }
    mask
}

fn blend(image: &mut RgbImage, x: u32, y: u32, colour: [u8; 3], coverage: f32) {
    let pixel = image.get_pixel_mut(x, y);
    for (channel, &ink) in pixel.0.iter_mut().zip(&colour) {
        *channel = (*channel as f32 * (1.0 - coverage) + ink as f32 * coverage).round() as u8;
    }
}

/// A small, fixed random source, so that the pictures are the same on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f32 / (1u64 << 53) as f32
    }

    /// Normally distributed, by Box–Muller.
    fn gauss(&mut self, sigma: f32) -> f32 {
        let (u, v) = (self.next().max(1e-9), self.next());
        sigma * (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// A CT slice's look: black air, a bright body with a gradient and noise, a brighter bone.
fn ct_slice(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut noise = Noise(seed);
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let radius = width.min(height) as f32 * 0.38;
    RgbImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let r = (dx * dx + dy * dy).sqrt();
        let mut level = if r < radius {
            120.0 + 40.0 * (1.0 - r / radius)
        } else {
            4.0
        };
        if ((dx - radius * 0.3).powi(2) + dy * dy).sqrt() < radius * 0.15 {
            level = 215.0;
        }
        level += noise.gauss(6.0);
        let v = level.clamp(0.0, 255.0) as u8;
        Rgb([v, v, v])
    })
}

/// The share of a planted line's ink box that the found boxes cover.
fn coverage(boxes: &[TextBox], ink: Region) -> f32 {
    let mut covered = 0u64;
    for y in ink.y..ink.bottom() {
        for x in ink.x..ink.right() {
            let inside = boxes.iter().any(|b| {
                let r = b.region;
                x >= r.x && x < r.right() && y >= r.y && y < r.bottom()
            });
            covered += u64::from(inside);
        }
    }
    covered as f32 / ink.area() as f32
}

/// What the boxes over a planted line say, joined.
fn reading(boxes: &[TextBox], ink: Region) -> String {
    boxes
        .iter()
        .filter(|b| b.region.intersection(ink).is_some())
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every planted line must be covered; lines of 12 pixels and more must also be read.
fn check(image: &RgbImage, planted: &[Planted]) -> Vec<TextBox> {
    let boxes = ocr::read(image).expect("OCR runs");
    let found: Vec<String> = boxes
        .iter()
        .map(|b| format!("{} {:?} {:.2}", b.region, b.text, b.confidence))
        .collect();
    for line in planted {
        let covered = coverage(&boxes, line.ink);
        assert!(
            covered >= 0.95,
            "{:?} ({} px at {}) is {:.0} % covered; found: {found:#?}",
            line.text,
            line.size,
            line.ink,
            covered * 100.0
        );
        if line.size >= 12.0 {
            let read = reading(&boxes, line.ink);
            let score = accuracy(line.text, &read);
            assert!(
                score >= 0.9,
                "{:?} read as {read:?} ({:.2}); found: {found:#?}",
                line.text,
                score
            );
        }
    }
    boxes
}

#[test]
fn white_text_on_black_at_every_size() {
    let mut image = RgbImage::new(640, 400);
    let planted = [
        plant(
            &mut image,
            SANS,
            8.0,
            (10.0, 10.0),
            "Accession 20240117",
            WHITE,
        ),
        plant(&mut image, SANS, 12.0, (10.0, 40.0), "DUPONT^JEAN", WHITE),
        plant(
            &mut image,
            MONO_BOLD,
            12.0,
            (300.0, 40.0),
            "ID 4587123",
            WHITE,
        ),
        plant(
            &mut image,
            NOTO_MONO,
            20.0,
            (10.0, 100.0),
            "Patient: MARTIN Paul",
            WHITE,
        ),
        plant(&mut image, SERIF, 40.0, (10.0, 200.0), "Dr Bernard", WHITE),
    ];
    check(&image, &planted);
}

#[test]
fn coloured_text_on_a_dark_background() {
    let mut image = RgbImage::from_pixel(512, 300, Rgb([20, 24, 32]));
    let planted = [
        plant(
            &mut image,
            SANS,
            14.0,
            (12.0, 12.0),
            "GARCIA Maria",
            [255, 230, 0],
        ),
        plant(
            &mut image,
            MONO_BOLD,
            12.0,
            (12.0, 40.0),
            "Study 2023-11-04",
            [40, 220, 60],
        ),
        plant(
            &mut image,
            SANS,
            20.0,
            (200.0, 240.0),
            "Clinique du Parc",
            [80, 200, 255],
        ),
    ];
    check(&image, &planted);
}

#[test]
fn dark_text_on_a_light_background() {
    let mut image = RgbImage::from_pixel(512, 300, Rgb([205, 205, 205]));
    let planted = [
        plant(
            &mut image,
            SANS,
            12.0,
            (12.0, 12.0),
            "Name: THOMAS Claire",
            [10, 10, 10],
        ),
        plant(
            &mut image,
            SERIF,
            20.0,
            (12.0, 60.0),
            "DOB 07/09/1964",
            [30, 30, 30],
        ),
        plant(
            &mut image,
            NOTO_MONO,
            8.0,
            (12.0, 120.0),
            "MRN 00451237",
            [0, 0, 0],
        ),
    ];
    check(&image, &planted);
}

#[test]
fn text_in_the_corners_and_over_anatomy_of_a_ct_slice() {
    let mut image = ct_slice(512, 512, 7);
    let planted = [
        plant(&mut image, SANS, 12.0, (4.0, 4.0), "ROBERT^ANNE", WHITE),
        plant(&mut image, SANS, 12.0, (4.0, 20.0), "ID:4587123", WHITE),
        plant(&mut image, SANS, 8.0, (420.0, 494.0), "W:400 L:40", WHITE),
        plant(
            &mut image,
            MONO_BOLD,
            12.0,
            (380.0, 4.0),
            "CHU Rennes",
            [255, 255, 0],
        ),
        plant(&mut image, SANS, 20.0, (170.0, 240.0), "PETIT Louis", WHITE),
    ];
    check(&image, &planted);
}

#[test]
fn french_accents() {
    let mut image = RgbImage::new(512, 200);
    let planted = [
        plant(
            &mut image,
            SANS,
            20.0,
            (10.0, 10.0),
            "Hélène LEFÈVRE",
            WHITE,
        ),
        plant(
            &mut image,
            SERIF,
            16.0,
            (10.0, 60.0),
            "Né le 12/03/1985",
            WHITE,
        ),
        plant(
            &mut image,
            SANS,
            14.0,
            (10.0, 110.0),
            "François Côté, Besançon",
            WHITE,
        ),
    ];
    let boxes = check(&image, &planted);
    let all: String = boxes.iter().map(|b| b.text.as_str()).collect();
    assert!(
        all.contains('é'),
        "accents kept where the key list has them: {all:?}"
    );
}

#[test]
fn a_line_turned_five_degrees_is_covered_and_read() {
    let mut image = RgbImage::from_pixel(700, 300, Rgb([40, 40, 40]));
    let planted = [
        plant_turned(
            &mut image,
            SANS,
            24.0,
            (40.0, 60.0),
            "LAURENT Sophie 14/02/1990",
            [235, 235, 235],
            5.0,
        ),
        plant_turned(
            &mut image,
            SERIF,
            16.0,
            (60.0, 200.0),
            "Hôpital Saint-Louis",
            [235, 235, 235],
            -5.0,
        ),
    ];
    check(&image, &planted);
}

#[test]
fn small_text_in_big_pictures_is_found() {
    let mut image = ct_slice(2048, 2500, 11);
    let planted = [
        plant(
            &mut image,
            SANS,
            8.0,
            (30.0, 30.0),
            "NOM PRENOM 1234567",
            WHITE,
        ),
        plant(
            &mut image,
            SANS,
            12.0,
            (1700.0, 2450.0),
            "BLANC Julie",
            WHITE,
        ),
    ];
    check(&image, &planted);

    let mut photo = RgbImage::from_pixel(4000, 3000, Rgb([70, 64, 58]));
    let planted = [
        plant(&mut photo, SANS, 8.0, (3500.0, 200.0), "DURAND 551", WHITE),
        plant(
            &mut photo,
            SANS,
            14.0,
            (600.0, 2700.0),
            "ROUSSEAU Marc",
            WHITE,
        ),
        plant(
            &mut photo,
            SANS,
            60.0,
            (1200.0, 1400.0),
            "MOREAU Alice",
            [20, 20, 20],
        ),
    ];
    check(&photo, &planted);
}

#[test]
fn pictures_without_text_give_no_boxes() {
    let mut noise = Noise(3);
    let disc = RgbImage::from_fn(512, 512, |x, y| {
        let (dx, dy) = (x as f32 - 256.0, y as f32 - 256.0);
        let r = (dx * dx + dy * dy).sqrt();
        let level = if r < 190.0 { 160.0 - r * 0.2 } else { 10.0 };
        let v = (level + noise.gauss(10.0)).clamp(0.0, 255.0) as u8;
        Rgb([v, v, v])
    });
    let boxes = ocr::read(&disc).expect("OCR runs");
    assert!(boxes.is_empty(), "{boxes:#?}");
    let black = RgbImage::new(300, 200);
    assert!(ocr::read(&black).expect("OCR runs").is_empty());
    let tiny = RgbImage::new(3, 2);
    assert!(ocr::read(&tiny).expect("OCR runs").is_empty());
}

/// An ultrasound cine's frame: a dark screen, a sector of speckle that differs from frame to
/// frame, and a bright structure moving across it (a valve leaflet).
fn cine_frame(number: u32) -> RgbImage {
    let mut noise = Noise(7 + u64::from(number) * 7919);
    let (cx, top) = (180.0f32, 40.0f32);
    let leaflet = 150.0 + 6.0 * number as f32;
    RgbImage::from_fn(360, 280, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - top);
        let r = (dx * dx + dy * dy).sqrt();
        let inside = dy > 0.0 && dx.abs() < dy * 0.7 && r < 220.0;
        let level = if !inside {
            0.0
        } else if (x as f32 - leaflet).abs() < 4.0 && (150..170).contains(&y) {
            230.0
        } else {
            (60.0 + noise.gauss(30.0)).max(0.0)
        };
        let v = level.clamp(0.0, 255.0) as u8;
        Rgb([v, v, v])
    })
}

/// What a viewer burns over every frame of a cine.
fn overlay(image: &mut RgbImage) -> Vec<Planted> {
    vec![
        plant(image, SANS, 14.0, (6.0, 6.0), "DUPONT JEAN", WHITE),
        plant(image, SANS, 12.0, (6.0, 26.0), "ID 1190342", WHITE),
        plant(image, MONO_BOLD, 12.0, (290.0, 60.0), "FR 30Hz", WHITE),
        plant(image, MONO_BOLD, 12.0, (290.0, 80.0), "C5-1", WHITE),
    ]
}

#[test]
fn a_cine_is_not_read_frame_after_frame_and_every_frame_keeps_its_overlay() {
    let mut reader = ocr::FrameReader::new();
    for number in 0..12 {
        let mut frame = cine_frame(number);
        let planted = overlay(&mut frame);
        let boxes = reader.read(&frame, None).expect("OCR runs");
        for line in &planted {
            assert!(
                coverage(&boxes, line.ink) >= 0.95,
                "frame {number}: {:?} not covered: {boxes:#?}",
                line.text
            );
            let read = reading(&boxes, line.ink);
            assert!(
                accuracy(line.text, &read) >= 0.9,
                "frame {number}: {:?} read as {read:?}",
                line.text
            );
        }
    }
    // The first frame is read in full; a later one may be, when the moving image passes for a
    // new line of text, but not the loop frame after frame.
    let counts = reader.counts();
    assert!(counts.read <= 2, "{counts:?}");
    assert_eq!(counts.read + counts.carried + counts.screened, 12);
}

#[test]
fn text_that_changes_or_appears_mid_loop_is_read_in_its_frame() {
    const CLOCK: [&str; 6] = [
        "10:41:07", "10:41:07", "10:41:09", "10:41:10", "10:41:11", "10:41:12",
    ];
    let mut reader = ocr::FrameReader::new();
    let frames = [cine_frame(0), cine_frame(0), cine_frame(1)];
    for (number, clock) in CLOCK.iter().enumerate() {
        // The same frame twice (carried over), then a new time on the same live image, then a
        // moving live image (screened).
        let mut frame = frames[number.min(2)].clone();
        overlay(&mut frame);
        let time = plant(&mut frame, MONO_BOLD, 12.0, (280.0, 250.0), clock, WHITE);
        let boxes = reader.read(&frame, None).expect("OCR runs");
        let read = reading(&boxes, time.ink);
        assert!(
            accuracy(clock, &read) >= 0.9,
            "frame {number}: the clock {clock:?} read as {read:?}"
        );
        // A second patient's name shown from the fourth frame on, in the banner.
        if number >= 3 {
            let mut with_name = frame.clone();
            let name = plant(
                &mut with_name,
                SANS,
                14.0,
                (150.0, 6.0),
                "MARTIN Paul",
                WHITE,
            );
            let boxes = reader.read(&with_name, None).expect("OCR runs");
            assert!(
                coverage(&boxes, name.ink) >= 0.95
                    && accuracy("MARTIN Paul", &reading(&boxes, name.ink)) >= 0.9,
                "frame {number}: the new name is missed: {boxes:#?}"
            );
        }
    }
    let counts = reader.counts();
    assert!(counts.carried >= 1 && counts.screened >= 1, "{counts:?}");
}

/// An X-ray run's overlay drifts a few pixels from frame to frame: the boxes carried from the
/// frame read in full must still cover the name wherever it now stands.
#[test]
fn a_drifting_overlay_stays_covered_in_every_frame() {
    let mut reader = ocr::FrameReader::new();
    for number in 0..8u32 {
        let mut frame = cine_frame(number);
        let (dx, dy) = ((number * 3 % 7) as f32, (number % 4) as f32);
        let name = plant(
            &mut frame,
            SANS,
            14.0,
            (6.0 + dx, 6.0 + dy),
            "DUPONT JEAN",
            WHITE,
        );
        let boxes = reader.read(&frame, None).expect("OCR runs");
        assert!(
            coverage(&boxes, name.ink) >= 0.95,
            "frame {number}: the name at {} is {:.0} % covered: {boxes:#?}",
            name.ink,
            coverage(&boxes, name.ink) * 100.0
        );
    }
}

/// Verification takes what was read of pixels seen before instead of reading them again; that
/// is only sound if a second reading would find exactly the same.
#[test]
fn pixels_read_again_give_what_reading_them_afresh_gives() {
    let mut frame = cine_frame(3);
    overlay(&mut frame);
    let first = ocr::read(&frame).expect("OCR runs");
    assert!(!first.is_empty());
    assert_eq!(ocr::read_afresh(&frame).expect("OCR runs"), first);
    assert_eq!(ocr::read(&frame).expect("OCR runs"), first);
}

#[test]
fn a_region_drawn_by_the_user_is_read() {
    let mut image = RgbImage::new(400, 100);
    let line = plant(&mut image, SANS, 20.0, (20.0, 30.0), "LEROY Emma", WHITE);
    let (text, confidence) =
        ocr::recognize(&image, line.ink.padded(6, 400, 100)).expect("OCR runs");
    assert!(accuracy("LEROY Emma", &text) >= 0.9, "{text:?}");
    assert!(confidence > 0.5);
}

#[test]
fn bundled_model_files_are_the_recorded_ones() {
    let expected = [
        (
            "ppocrv5_det.onnx",
            "62f0e79763dfd9bdadae166dd61078e703d9149df891e11a58c48d18595fad6f",
        ),
        (
            "ppocrv5_rec.onnx",
            "22edcdb81193286bd1f2c34069d4dc4296d3ac268fc736b4a83bba3eaae26dbb",
        ),
        (
            "ppocr_keys_v5.txt",
            "4941d35625bf15f7ef89fcbff443893e2fef40e25a7ecde885203994d4a9be25",
        ),
    ];
    let provenance = std::fs::read_to_string("assets/ocr/PROVENANCE.md").expect("provenance");
    for (name, sum) in expected {
        let bytes = std::fs::read(format!("assets/ocr/{name}")).expect("bundled file");
        let actual: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(actual, sum, "{name}");
        assert!(provenance.contains(sum), "PROVENANCE.md records {name}");
    }
}

#[test]
fn accuracy_measures_what_it_claims() {
    assert_eq!(accuracy("LEFÈVRE", "lefevre"), 1.0);
    assert_eq!(accuracy("DUPONT", "xx DUPONT yy"), 1.0);
    assert!(accuracy("DUPONT", "DUPOMT") < 0.9);
    assert_eq!(accuracy("ABC", ""), 0.0);
}

#[test]
fn checking_an_output_reads_again_a_patch_over_faint_text() {
    // Light grey text on a pale panel, as a palette ultrasound screen is shown: the patch that
    // replaces it moves its pixels by less than a codec's noise, yet it is what changed.
    let panel = [236, 236, 236];
    let mut before = RgbImage::from_pixel(360, 120, Rgb(panel));
    let name = plant(
        &mut before,
        SANS,
        16.0,
        (20.0, 40.0),
        "MARTIN Louise",
        [214, 214, 214],
    );
    let read = ocr::read(&before).expect("OCR runs");
    assert!(
        accuracy("MARTIN Louise", &reading(&read, name.ink)) >= 0.8,
        "the faint name is read before: {read:?}"
    );
    let mut after = before.clone();
    for y in name.ink.y.saturating_sub(4)..name.ink.bottom() + 4 {
        for x in name.ink.x.saturating_sub(4)..name.ink.right() + 4 {
            after.put_pixel(x, y, Rgb(panel));
        }
    }
    let boxes =
        ocr::FrameReader::checking(&caviar::pixels::before_redaction(1, |_| before.clone()))
            .expect("OCR runs")
            .read(&after, None)
            .expect("OCR runs");
    let left = fold(&reading(&boxes, name.ink));
    assert!(
        !left.contains("martin") && !left.contains("louise"),
        "the name is carried over the patch: {boxes:?}"
    );
}

/// A name that fades in over a loop, a little brighter on each frame: no frame differs from the
/// one before by more than a codec's noise, yet the name ends up plain on the last frames;
/// quickly, and slowly.
#[test]
fn a_name_fading_in_step_by_step_is_read_once_it_shows() {
    for step in [20u8, 6] {
        let frames: Vec<RgbImage> = (0..=230 / step)
            .map(|n| {
                let mut frame = RgbImage::new(360, 120);
                plant(&mut frame, SANS, 14.0, (6.0, 6.0), "FR 30Hz", WHITE);
                let level = step * n;
                plant(
                    &mut frame,
                    SANS,
                    16.0,
                    (40.0, 60.0),
                    "MARTIN Paul",
                    [level, level, level],
                );
                frame
            })
            .collect();
        let mut plain = RgbImage::new(360, 120);
        let name = plant(&mut plain, SANS, 16.0, (40.0, 60.0), "MARTIN Paul", WHITE);
        let mut reader = ocr::FrameReader::new();
        let mut last = Vec::new();
        for (number, frame) in frames.iter().enumerate() {
            last = reader
                .read(frame, frames.get(number + 1))
                .expect("OCR runs");
        }
        assert!(
            coverage(&last, name.ink) >= 0.95
                && accuracy("MARTIN Paul", &reading(&last, name.ink)) >= 0.9,
            "fading in by {step} a frame, the name is missed on the last frame: {last:#?}"
        );
    }
}

#[test]
fn text_written_up_or_down_the_picture_is_found_and_read() {
    // A screenshot turned a quarter either way, as a film's label photographed sideways or a
    // picture with a wrong orientation tag shows it: the name, the ID and the birth date were
    // left unread (4 stray boxes), since the detector follows rows only.
    let screenshot = common::fixture_picture("burned-in/screenshot.png");
    for turned in [
        image::imageops::rotate90(&screenshot),
        image::imageops::rotate270(&screenshot),
    ] {
        let boxes = ocr::read(&turned).unwrap();
        let said: Vec<String> = boxes.iter().map(|b| fold(&b.text)).collect();
        for expected in ["moreauclaire", "id:7730154", "neele30/07/1978"] {
            assert!(
                said.iter().any(|s| s.contains(expected)),
                "{expected:?} not read in {said:?}"
            );
        }
        // Each box lies up or down the picture, where the turned line is.
        let name = boxes
            .iter()
            .find(|b| fold(&b.text).contains("moreau"))
            .unwrap();
        assert!(
            name.region.height > 4 * name.region.width,
            "{:?}",
            name.region
        );
    }
}
