//! Writes the images with text burned into their pixels that caviar's OCR and pixel redaction
//! are tested on, and `gold.json`, which says where every line of text was drawn.
//!
//! As in `make_fixtures.rs`, every DICOM byte is written here rather than with caviar's own
//! code, so the tests never check the library against its own reading of the format; photos
//! come from `image`'s encoders. The text is rasterised with `ab_glyph` from the fonts in
//! `fixtures/fonts/`, anti-aliased, and each gold box is the tight box of the ink drawn, so a
//! detector can be scored on the pixels it should have found rather than on a font's nominal box.
//!
//! `cargo run --release --example make_burned_in` rewrites `fixtures/burned-in/`;
//! `-- --out DIR` writes the same set into DIR (the fixture test compares the two);
//! `-- --bench DIR` writes four full-size images into DIR for timing. There is no clock and no
//! randomness from the OS (noise is a fixed-seed hash), so a second run gives the same bytes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use ab_glyph::{Font as _, FontRef, OutlinedGlyph, PxScale, ScaleFont, point};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use serde::Serialize;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/burned-in");
            if dir.exists() {
                fs::remove_dir_all(&dir).expect("remove old fixtures/burned-in");
            }
            write_set(&dir, fixture_set());
            ExitCode::SUCCESS
        }
        [flag, dir] if flag == "--out" => {
            write_set(Path::new(dir), fixture_set());
            ExitCode::SUCCESS
        }
        [flag, dir] if flag == "--bench" => {
            write_set(Path::new(dir), bench_set());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: make_burned_in               rewrite fixtures/burned-in");
            eprintln!("       make_burned_in --out DIR     write the same fixtures into DIR");
            eprintln!(
                "       make_burned_in --bench DIR   write the full-size benchmark images into DIR"
            );
            ExitCode::from(2)
        }
    }
}

fn fixture_set() -> Vec<Fixture> {
    vec![
        ct_16bit(),
        us_rgb(),
        us_ybr_jpeg(),
        us_rgb_jpeg_ls(),
        ct_jpeg_ls(),
        mr_rle(),
        xa_multiframe(),
        sc_french(),
        ct_clean(),
        ct_technical_only(),
        photo_film(1600, 1200, "photo_film.jpg"),
        screenshot(),
        post_french(),
    ]
    .into_iter()
    .chain(VENDORS.iter().map(vendor_screen))
    .collect()
}

fn bench_set() -> Vec<Fixture> {
    vec![
        ct_fixture(&BENCH_CT, 512, Encoding::Native, "bench_ct_512.dcm"),
        ultrasound_fixture(
            &BENCH_US,
            1024,
            768,
            Encoding::Native,
            "bench_us_1024x768.dcm",
        ),
        dx_bench(),
        photo_film(4000, 3000, "bench_photo_12mp.jpg"),
        us_cine_bench(),
    ]
}

fn write_set(dir: &Path, files: Vec<Fixture>) {
    fs::create_dir_all(dir).expect("create the output folder");
    let mut total = 0;
    for fixture in &files {
        fs::write(dir.join(&fixture.file), &fixture.bytes).expect("write fixture");
        total += fixture.bytes.len();
        println!(
            "{:>9} bytes  {:>3} boxes  {}",
            fixture.bytes.len(),
            fixture.boxes.len(),
            fixture.file
        );
    }
    println!("{total:>9} bytes in all");
    let gold = Gold {
        generator: "examples/make_burned_in.rs",
        files,
    };
    let mut json = serde_json::to_string_pretty(&gold).expect("gold to JSON");
    json.push('\n');
    fs::write(dir.join("gold.json"), json).expect("write gold.json");
}

// ---------------------------------------------------------------------------------------------
// Gold
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct Gold {
    generator: &'static str,
    files: Vec<Fixture>,
}

#[derive(Serialize)]
struct Fixture {
    file: String,
    format: &'static str,
    width: u32,
    height: u32,
    frames: u32,
    /// The identifiers the DICOM header holds, for matching against what the pixels say.
    #[serde(skip_serializing_if = "Option::is_none")]
    header: Option<BTreeMap<&'static str, String>>,
    boxes: Vec<GoldBox>,
    #[serde(skip)]
    bytes: Vec<u8>,
}

#[derive(Serialize)]
struct GoldBox {
    frame: u32,
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    text: String,
    class: Class,
    font: &'static str,
    size_px: u32,
    colour: &'static str,
}

/// What a redactor must remove (`identifier`) and what it may keep (`technical`).
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
enum Class {
    Identifier,
    Technical,
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Font {
    Sans,
    MonoBold,
    Serif,
    NotoMono,
}

impl Font {
    fn name(self) -> &'static str {
        match self {
            Font::Sans => "DejaVuSans",
            Font::MonoBold => "DejaVuSansMono-Bold",
            Font::Serif => "DejaVuSerif",
            Font::NotoMono => "NotoSansMono-Regular",
        }
    }

    fn face(self) -> FontRef<'static> {
        let bytes: &'static [u8] = match self {
            Font::Sans => include_bytes!("../fixtures/fonts/DejaVuSans.ttf"),
            Font::MonoBold => include_bytes!("../fixtures/fonts/DejaVuSansMono-Bold.ttf"),
            Font::Serif => include_bytes!("../fixtures/fonts/DejaVuSerif.ttf"),
            Font::NotoMono => include_bytes!("../fixtures/fonts/NotoSansMono-Regular.ttf"),
        };
        FontRef::try_from_slice(bytes).expect("a font from fixtures/fonts")
    }

    fn ascent(self, size: u32) -> f32 {
        self.face().as_scaled(PxScale::from(size as f32)).ascent()
    }

    fn descent(self, size: u32) -> f32 {
        self.face().as_scaled(PxScale::from(size as f32)).descent()
    }
}

#[derive(Clone, Copy)]
struct Colour {
    name: &'static str,
    rgb: [f32; 3],
}

const WHITE: Colour = Colour {
    name: "white",
    rgb: [255.0, 255.0, 255.0],
};
const YELLOW: Colour = Colour {
    name: "yellow",
    rgb: [255.0, 230.0, 0.0],
};
const GREEN: Colour = Colour {
    name: "green",
    rgb: [70.0, 230.0, 90.0],
};
const CYAN: Colour = Colour {
    name: "cyan",
    rgb: [0.0, 225.0, 235.0],
};
const LIGHT_GREY: Colour = Colour {
    name: "light grey",
    rgb: [200.0, 200.0, 200.0],
};
const BLACK: Colour = Colour {
    name: "black",
    rgb: [22.0, 22.0, 26.0],
};
const DARK_GREY: Colour = Colour {
    name: "dark grey",
    rgb: [70.0, 70.0, 76.0],
};

struct Text {
    text: String,
    font: Font,
    size: u32,
    colour: Colour,
    class: Class,
}

fn ident(text: &str, font: Font, size: u32, colour: Colour) -> Text {
    Text {
        text: text.to_string(),
        font,
        size,
        colour,
        class: Class::Identifier,
    }
}

fn tech(text: &str, font: Font, size: u32, colour: Colour) -> Text {
    Text {
        class: Class::Technical,
        ..ident(text, font, size, colour)
    }
}

/// One line's coverage, cropped to its ink; `left` and `top` place the crop relative to the pen
/// (the left end of the baseline).
struct Ink {
    left: i32,
    top: i32,
    width: u32,
    height: u32,
    coverage: Vec<f32>,
}

impl Ink {
    fn at(&self, x: i32, y: i32) -> f32 {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 {
            0.0
        } else {
            self.coverage[(y as u32 * self.width + x as u32) as usize]
        }
    }

    /// Bilinear, as the rotated photo samples its scene, so its warped coverage is the ink the
    /// photo actually shows.
    fn sample(&self, x: f32, y: f32) -> f32 {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as i32, y0 as i32);
        self.at(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + self.at(x0 + 1, y0) * fx * (1.0 - fy)
            + self.at(x0, y0 + 1) * (1.0 - fx) * fy
            + self.at(x0 + 1, y0 + 1) * fx * fy
    }
}

/// Coverage under 1/256 moves no 8-bit pixel by more than one level; dropping it keeps the gold
/// box to ink that can be seen.
const FAINTEST: f32 = 1.0 / 256.0;

fn rasterise(font: Font, size: u32, text: &str) -> Ink {
    let face = font.face();
    let scale = PxScale::from(size as f32);
    let scaled = face.as_scaled(scale);
    let mut pen = 0.0;
    let mut previous = None;
    let mut outlines: Vec<OutlinedGlyph> = Vec::new();
    for ch in text.chars() {
        let id = scaled.glyph_id(ch);
        assert!(id.0 != 0, "{} has no glyph for {ch:?}", font.name());
        if let Some(previous) = previous {
            pen += scaled.kern(previous, id);
        }
        outlines.extend(face.outline_glyph(id.with_scale_and_position(scale, point(pen, 0.0))));
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
    for outline in &outlines {
        let b = outline.px_bounds();
        x0 = x0.min(b.min.x.floor() as i32);
        y0 = y0.min(b.min.y.floor() as i32);
        x1 = x1.max(b.max.x.ceil() as i32);
        y1 = y1.max(b.max.y.ceil() as i32);
    }
    let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let mut coverage = vec![0.0f32; w * h];
    for outline in &outlines {
        let b = outline.px_bounds();
        let (ox, oy) = (b.min.x.floor() as i32 - x0, b.min.y.floor() as i32 - y0);
        outline.draw(|x, y, c| {
            let i = (oy as usize + y as usize) * w + ox as usize + x as usize;
            coverage[i] = (coverage[i] + c).min(1.0);
        });
    }
    for c in &mut coverage {
        if *c < FAINTEST {
            *c = 0.0;
        }
    }
    let inked = |i: usize| coverage[i] > 0.0;
    let rows: Vec<usize> = (0..h)
        .filter(|&y| (0..w).any(|x| inked(y * w + x)))
        .collect();
    let cols: Vec<usize> = (0..w)
        .filter(|&x| (0..h).any(|y| inked(y * w + x)))
        .collect();
    let (top, bottom) = (rows[0], rows[rows.len() - 1] + 1);
    let (left, right) = (cols[0], cols[cols.len() - 1] + 1);
    let mut cropped = Vec::with_capacity((right - left) * (bottom - top));
    for y in top..bottom {
        cropped.extend_from_slice(&coverage[y * w + left..y * w + right]);
    }
    Ink {
        left: x0 + left as i32,
        top: y0 + top as i32,
        width: (right - left) as u32,
        height: (bottom - top) as u32,
        coverage: cropped,
    }
}

// ---------------------------------------------------------------------------------------------
// Pictures
// ---------------------------------------------------------------------------------------------

/// Pixels in the units of the file they end up in (Hounsfield units for CT, 0..255 otherwise),
/// one or three channels; `black` and `white` say what a white or black text colour is there.
struct Plane {
    width: u32,
    height: u32,
    channels: usize,
    data: Vec<f32>,
    black: f32,
    white: f32,
}

impl Plane {
    fn grey(width: u32, height: u32, black: f32, white: f32, f: impl Fn(u32, u32) -> f32) -> Self {
        let mut data = Vec::with_capacity((width * height) as usize);
        for y in 0..height {
            for x in 0..width {
                data.push(f(x, y));
            }
        }
        Plane {
            width,
            height,
            channels: 1,
            data,
            black,
            white,
        }
    }

    fn rgb(width: u32, height: u32, f: impl Fn(u32, u32) -> [f32; 3]) -> Self {
        let mut data = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            for x in 0..width {
                data.extend(f(x, y));
            }
        }
        Plane {
            width,
            height,
            channels: 3,
            data,
            black: 0.0,
            white: 255.0,
        }
    }

    fn ink(&self, colour: Colour) -> [f32; 3] {
        let to_plane = |v: f32| self.black + (self.white - self.black) * v / 255.0;
        let [r, g, b] = colour.rgb;
        if self.channels == 1 {
            [to_plane(0.299 * r + 0.587 * g + 0.114 * b); 3]
        } else {
            [to_plane(r), to_plane(g), to_plane(b)]
        }
    }

    fn fill(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, colour: Colour) {
        let ink = self.ink(colour);
        for y in y0..y1 {
            for x in x0..x1 {
                let i = ((y * self.width + x) as usize) * self.channels;
                self.data[i..i + self.channels].copy_from_slice(&ink[..self.channels]);
            }
        }
    }

    fn bytes_u8(&self) -> Vec<u8> {
        self.data
            .iter()
            .map(|&v| v.round().clamp(0.0, 255.0) as u8)
            .collect()
    }

    fn rgb_image(&self) -> image::RgbImage {
        assert_eq!(self.channels, 3);
        image::RgbImage::from_raw(self.width, self.height, self.bytes_u8()).expect("RGB plane")
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Centre,
    Right,
}

#[derive(Clone, Copy)]
enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// A picture being annotated: every line drawn is remembered with where its ink landed.
struct Canvas {
    plane: Plane,
    frame: u32,
    drawn: Vec<(Text, Ink, i32, i32)>,
}

impl Canvas {
    fn new(plane: Plane) -> Self {
        Canvas {
            plane,
            frame: 0,
            drawn: Vec::new(),
        }
    }

    /// Draws `text` with its baseline at `baseline`, its ink starting, centred or ending at `x`.
    fn put(&mut self, text: Text, x: i32, baseline: i32, align: Align) {
        let ink = rasterise(text.font, text.size, &text.text);
        let x0 = match align {
            Align::Left => x + ink.left,
            Align::Centre => x - ink.width as i32 / 2,
            Align::Right => x - ink.width as i32,
        };
        let y0 = baseline + ink.top;
        assert!(
            x0 >= 0
                && y0 >= 0
                && x0 as u32 + ink.width <= self.plane.width
                && y0 as u32 + ink.height <= self.plane.height,
            "{:?} does not fit in the picture",
            text.text
        );
        let colour = self.plane.ink(text.colour);
        let channels = self.plane.channels;
        for y in 0..ink.height {
            for x in 0..ink.width {
                let c = ink.coverage[(y * ink.width + x) as usize];
                let at = ((y0 as u32 + y) * self.plane.width + x0 as u32 + x) as usize * channels;
                for (k, value) in self.plane.data[at..at + channels].iter_mut().enumerate() {
                    *value += (colour[k] - *value) * c;
                }
            }
        }
        self.drawn.push((text, ink, x0, y0));
    }

    /// Stacks lines in a corner, `margin` pixels from both edges, as viewers lay out overlays.
    fn block(&mut self, corner: Corner, margin: i32, lines: Vec<Text>) {
        let pitch = |t: &Text| (t.size as f32 * 1.3).round() as i32;
        let (w, h) = (self.plane.width as i32, self.plane.height as i32);
        let (x, align) = match corner {
            Corner::TopLeft | Corner::BottomLeft => (margin, Align::Left),
            Corner::TopRight | Corner::BottomRight => (w - margin, Align::Right),
        };
        let mut baselines = Vec::new();
        match corner {
            Corner::TopLeft | Corner::TopRight => {
                let mut baseline = margin + lines[0].font.ascent(lines[0].size).round() as i32;
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        baseline += pitch(line);
                    }
                    baselines.push(baseline);
                }
            }
            Corner::BottomLeft | Corner::BottomRight => {
                let last = &lines[lines.len() - 1];
                let mut baseline = h - margin + last.font.descent(last.size).round() as i32;
                for line in lines.iter().rev() {
                    baselines.push(baseline);
                    baseline -= pitch(line);
                }
                baselines.reverse();
            }
        }
        for (line, baseline) in lines.into_iter().zip(baselines) {
            self.put(line, x, baseline, align);
        }
    }

    fn boxes(&self) -> Vec<GoldBox> {
        let boxes: Vec<GoldBox> = self
            .drawn
            .iter()
            .map(|(text, ink, x, y)| gold_box(text, self.frame, *x, *y, ink.width, ink.height))
            .collect();
        // Two boxes sharing pixels would make each one's ink ambiguous.
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.x + a.width <= b.x
                    || b.x + b.width <= a.x
                    || a.y + a.height <= b.y
                    || b.y + b.height <= a.y;
                assert!(apart, "{:?} overlaps {:?}", a.text, b.text);
            }
        }
        boxes
    }
}

fn gold_box(text: &Text, frame: u32, x: i32, y: i32, width: u32, height: u32) -> GoldBox {
    GoldBox {
        frame,
        x: x as u32,
        y: y as u32,
        width,
        height,
        text: text.text.clone(),
        class: text.class,
        font: text.font.name(),
        size_px: text.size,
        colour: text.colour.name,
    }
}

/// SplitMix64 of the pixel position, centred on zero: noise with no state and no dependency.
fn noise(seed: u64, x: u32, y: u32) -> f32 {
    let mut z = seed ^ (((x as u64) << 32) | y as u64);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32 - 0.5
}

/// How far inside an ellipse a point is: below 1 inside, 0 at its centre.
fn ellipse(u: f32, v: f32, cu: f32, cv: f32, ru: f32, rv: f32) -> f32 {
    (((u - cu) / ru).powi(2) + ((v - cv) / rv).powi(2)).sqrt()
}

/// 1 well inside an ellipse, 0 outside, a ramp `soft` wide (in units of the radius) between.
fn blob(u: f32, v: f32, cu: f32, cv: f32, ru: f32, rv: f32, soft: f32) -> f32 {
    ((1.0 - ellipse(u, v, cu, cv, ru, rv)) / soft).clamp(0.0, 1.0)
}

fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

/// "DUPONT^JEAN" as `(DUPONT, Jean)`: viewers print the given name in several cases.
fn family_given(pn: &str) -> (String, String) {
    let (family, given) = pn.split_once('^').unwrap_or((pn, ""));
    let mut chars = given.chars();
    let given = match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    };
    (family.to_string(), given)
}

/// A DICOM DA as the French write it: 20240517 -> 17/05/2024.
fn dmy(da: &str) -> String {
    format!("{}/{}/{}", &da[6..8], &da[4..6], &da[0..4])
}

/// A DICOM TM with seconds: 094213 -> 09:42:13.
fn hms(tm: &str) -> String {
    format!("{}:{}:{}", &tm[0..2], &tm[2..4], &tm[4..6])
}

// ---------------------------------------------------------------------------------------------
// DICOM, byte by byte
// ---------------------------------------------------------------------------------------------

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const JPEG_BASELINE: &str = "1.2.840.10008.1.2.4.50";
const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";
const JPEG_LS_LOSSLESS: &str = "1.2.840.10008.1.2.4.80";
const JPEG_LS_NEAR_LOSSLESS: &str = "1.2.840.10008.1.2.4.81";

const CT_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.2";
const US_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.6.1";
const MR_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.4";
const XA_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.12.1";
const SC_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.7";
const DX_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.1.1";

/// Who and what a file is about: written into its header, and printed, in other spellings,
/// into its pixels.
struct Study {
    /// Seeds the UIDs, so every file has its own and a rerun gives the same.
    key: &'static str,
    patient_name: &'static str,
    patient_id: &'static str,
    birth_date: &'static str,
    sex: &'static str,
    accession: &'static str,
    institution: &'static str,
    study_date: &'static str,
    study_time: &'static str,
    modality: &'static str,
    sop_class: &'static str,
}

impl Study {
    /// A `2.25.` UID (a decimal UUID-sized number), from an FNV-1a hash of the key and role.
    fn uid(&self, role: &str) -> String {
        let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
        for b in self.key.bytes().chain(*b"/").chain(role.bytes()) {
            h ^= b as u128;
            h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
        }
        format!("2.25.{}", h >> 1)
    }

    fn header(
        &self,
        transfer_syntax: &str,
        burned_in: Option<&str>,
    ) -> BTreeMap<&'static str, String> {
        let mut header = BTreeMap::from([
            ("PatientName", self.patient_name.to_string()),
            ("PatientID", self.patient_id.to_string()),
            ("PatientBirthDate", self.birth_date.to_string()),
            ("PatientSex", self.sex.to_string()),
            ("AccessionNumber", self.accession.to_string()),
            ("InstitutionName", self.institution.to_string()),
            ("StudyDate", self.study_date.to_string()),
            ("StudyTime", self.study_time.to_string()),
            ("Modality", self.modality.to_string()),
            ("SOPClassUID", self.sop_class.to_string()),
            ("SOPInstanceUID", self.uid("instance")),
            ("StudyInstanceUID", self.uid("study")),
            ("SeriesInstanceUID", self.uid("series")),
            ("TransferSyntaxUID", transfer_syntax.to_string()),
        ]);
        if let Some(flag) = burned_in {
            header.insert("BurnedInAnnotation", flag.to_string());
        }
        header
    }
}

/// The data set's elements, sorted by tag when written.
#[derive(Default)]
struct DataSet(Vec<(u32, [u8; 2], Vec<u8>)>);

impl DataSet {
    /// Strings are padded to even length: UIDs with a NUL, the others with a space.
    fn text(&mut self, tag: u32, vr: &[u8; 2], value: &str) {
        let mut bytes = value.as_bytes().to_vec();
        if bytes.len() % 2 == 1 {
            bytes.push(if vr == b"UI" { 0 } else { b' ' });
        }
        self.0.push((tag, *vr, bytes));
    }

    fn us(&mut self, tag: u32, value: u16) {
        self.0.push((tag, *b"US", value.to_le_bytes().to_vec()));
    }

    fn raw(&mut self, tag: u32, vr: &[u8; 2], bytes: Vec<u8>) {
        self.0.push((tag, *vr, bytes));
    }
}

/// One explicit VR little endian element.
fn element(tag: u32, vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
    let mut bytes = ((tag >> 16) as u16).to_le_bytes().to_vec();
    bytes.extend(((tag & 0xFFFF) as u16).to_le_bytes());
    bytes.extend(vr);
    if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
        bytes.extend([0, 0]);
        bytes.extend((value.len() as u32).to_le_bytes());
    } else {
        bytes.extend((value.len() as u16).to_le_bytes());
    }
    bytes.extend(value);
    bytes
}

enum PixelData {
    /// `OW` for 16-bit samples, `OB` for 8-bit.
    Native(&'static [u8; 2], Vec<u8>),
    /// One fragment per frame, after an empty basic offset table.
    Encapsulated(Vec<Vec<u8>>),
}

/// How the picture the pixels describe is laid out.
struct Layout {
    rows: u32,
    columns: u32,
    frames: u32,
    samples: u16,
    photometric: &'static str,
    bits_allocated: u16,
    bits_stored: u16,
    signed: bool,
}

impl Layout {
    fn grey8(columns: u32, rows: u32, frames: u32) -> Self {
        Layout {
            rows,
            columns,
            frames,
            samples: 1,
            photometric: "MONOCHROME2",
            bits_allocated: 8,
            bits_stored: 8,
            signed: false,
        }
    }
}

/// Preamble, `DICM`, the file meta group, then the data set: the study's identifiers, the
/// image's layout, `extra`, and the pixels.
fn part10(
    study: &Study,
    transfer_syntax: &str,
    layout: &Layout,
    mut data: DataSet,
    pixels: PixelData,
) -> Vec<u8> {
    let mut meta = DataSet::default();
    meta.raw(0x0002_0001, b"OB", vec![0, 1]);
    meta.text(0x0002_0002, b"UI", study.sop_class);
    meta.text(0x0002_0003, b"UI", &study.uid("instance"));
    meta.text(0x0002_0010, b"UI", transfer_syntax);
    meta.text(
        0x0002_0012,
        b"UI",
        "2.25.91807355462813960342114367412093850711",
    );
    meta.text(0x0002_0013, b"SH", "CAVIAR_FIXTURES");
    let meta: Vec<u8> = meta
        .0
        .iter()
        .flat_map(|(tag, vr, value)| element(*tag, vr, value))
        .collect();

    data.text(0x0008_0016, b"UI", study.sop_class);
    data.text(0x0008_0018, b"UI", &study.uid("instance"));
    data.text(0x0008_0020, b"DA", study.study_date);
    data.text(0x0008_0030, b"TM", study.study_time);
    data.text(0x0008_0050, b"SH", study.accession);
    data.text(0x0008_0060, b"CS", study.modality);
    data.text(0x0008_0070, b"LO", "CAVIAR SYNTHETIC");
    data.text(0x0008_0080, b"LO", study.institution);
    data.text(0x0008_0090, b"PN", "");
    data.text(0x0010_0010, b"PN", study.patient_name);
    data.text(0x0010_0020, b"LO", study.patient_id);
    data.text(0x0010_0030, b"DA", study.birth_date);
    data.text(0x0010_0040, b"CS", study.sex);
    data.text(0x0020_000D, b"UI", &study.uid("study"));
    data.text(0x0020_000E, b"UI", &study.uid("series"));
    data.text(0x0020_0010, b"SH", "1");
    data.text(0x0020_0011, b"IS", "1");
    data.text(0x0020_0013, b"IS", "1");
    data.us(0x0028_0002, layout.samples);
    data.text(0x0028_0004, b"CS", layout.photometric);
    if layout.samples == 3 {
        data.us(0x0028_0006, 0);
    }
    if layout.frames > 1 {
        data.text(0x0028_0008, b"IS", &layout.frames.to_string());
    }
    data.us(0x0028_0010, layout.rows as u16);
    data.us(0x0028_0011, layout.columns as u16);
    data.us(0x0028_0100, layout.bits_allocated);
    data.us(0x0028_0101, layout.bits_stored);
    data.us(0x0028_0102, layout.bits_stored - 1);
    data.us(0x0028_0103, u16::from(layout.signed));
    data.0.sort_by_key(|(tag, _, _)| *tag);
    for pair in data.0.windows(2) {
        assert!(pair[0].0 != pair[1].0, "tag {:08X} twice", pair[0].0);
    }

    let mut file = vec![0u8; 128];
    file.extend(b"DICM");
    file.extend(element(
        0x0002_0000,
        b"UL",
        &(meta.len() as u32).to_le_bytes(),
    ));
    file.extend(meta);
    for (tag, vr, value) in &data.0 {
        file.extend(element(*tag, vr, value));
    }
    match pixels {
        PixelData::Native(vr, mut bytes) => {
            let expected = layout.rows
                * layout.columns
                * layout.frames
                * layout.samples as u32
                * (layout.bits_allocated / 8) as u32;
            assert_eq!(bytes.len() as u32, expected, "native pixel data length");
            if bytes.len() % 2 == 1 {
                bytes.push(0);
            }
            file.extend(element(0x7FE0_0010, vr, &bytes));
        }
        PixelData::Encapsulated(fragments) => {
            assert_eq!(
                fragments.len() as u32,
                layout.frames,
                "one fragment per frame"
            );
            file.extend([0xE0, 0x7F, 0x10, 0x00]);
            file.extend(b"OB\0\0");
            file.extend([0xFF; 4]);
            file.extend(item(0xE000, &[]));
            for mut fragment in fragments {
                if fragment.len() % 2 == 1 {
                    fragment.push(0);
                }
                file.extend(item(0xE000, &fragment));
            }
            file.extend(item(0xE0DD, &[]));
        }
    }
    file
}

fn item(element: u16, value: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(element.to_le_bytes());
    bytes.extend((value.len() as u32).to_le_bytes());
    bytes.extend(value);
    bytes
}

/// PS3.5 annex G: a 64-byte header giving each segment's offset, then one PackBits segment per
/// byte plane, each row encoded on its own; 8-bit grey needs a single segment.
fn rle_frame(pixels: &[u8], width: usize) -> Vec<u8> {
    let mut segment = Vec::new();
    for row in pixels.chunks(width) {
        packbits(row, &mut segment);
    }
    if segment.len() % 2 == 1 {
        segment.push(0);
    }
    let mut frame = 1u32.to_le_bytes().to_vec();
    frame.extend(64u32.to_le_bytes());
    frame.resize(64, 0);
    frame.extend(segment);
    frame
}

/// Runs of three or more equal bytes as replicate runs (`-(n-1)`, byte), the rest as literal
/// runs (`n-1`, bytes), neither longer than 128.
fn packbits(row: &[u8], out: &mut Vec<u8>) {
    fn literal(bytes: &[u8], out: &mut Vec<u8>) {
        for chunk in bytes.chunks(128) {
            out.push(chunk.len() as u8 - 1);
            out.extend(chunk);
        }
    }
    let (mut i, mut literal_from) = (0, 0);
    while i < row.len() {
        let run = row[i..]
            .iter()
            .take(128)
            .take_while(|&&b| b == row[i])
            .count();
        if run >= 3 {
            literal(&row[literal_from..i], out);
            out.push((1 - run as i16) as i8 as u8);
            out.push(row[i]);
            i += run;
            literal_from = i;
        } else {
            i += run;
        }
    }
    literal(&row[literal_from..], out);
}

fn encode_jpeg(picture: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(picture)
        .expect("JPEG encoding");
    out
}

fn encode_png(plane: &Plane) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(
            &plane.bytes_u8(),
            plane.width,
            plane.height,
            ExtendedColorType::Rgb8,
        )
        .expect("PNG encoding");
    out
}

/// One DICOM fixture before its boxes are known.
struct DicomFile<'a> {
    file: &'a str,
    study: &'a Study,
    transfer_syntax: &'a str,
    /// The BurnedInAnnotation flag, where the file carries one.
    burned_in: Option<&'a str>,
    layout: Layout,
    extra: DataSet,
    pixels: PixelData,
}

impl DicomFile<'_> {
    fn fixture(self, boxes: Vec<GoldBox>) -> Fixture {
        let mut extra = self.extra;
        if let Some(flag) = self.burned_in {
            extra.text(0x0028_0301, b"CS", flag);
        }
        Fixture {
            file: self.file.to_string(),
            format: "dicom",
            width: self.layout.columns,
            height: self.layout.rows,
            frames: self.layout.frames,
            header: Some(self.study.header(self.transfer_syntax, self.burned_in)),
            boxes,
            bytes: part10(
                self.study,
                self.transfer_syntax,
                &self.layout,
                extra,
                self.pixels,
            ),
        }
    }
}

/// What the CT and MR image modules ask for that the others do not: where the slice is.
fn slice_position(extra: &mut DataSet, study: &Study, spacing: f32, thickness: &str) {
    extra.text(0x0018_0050, b"DS", thickness);
    extra.text(0x0018_5100, b"CS", "HFS");
    extra.text(0x0020_0012, b"IS", "1");
    extra.text(0x0020_0032, b"DS", "-175\\-175\\-120");
    extra.text(0x0020_0037, b"DS", "1\\0\\0\\0\\1\\0");
    extra.text(0x0020_0052, b"UI", &study.uid("frame of reference"));
    extra.text(0x0020_1040, b"LO", "");
    extra.text(0x0028_0030, b"DS", &format!("{spacing}\\{spacing}"));
}

// ---------------------------------------------------------------------------------------------
// CT
// ---------------------------------------------------------------------------------------------

const RESCALE_INTERCEPT: f32 = -1024.0;
/// Stored -2000 outside the reconstruction circle, as scanners pad; signed pixels hold it.
const PADDING_HU: f32 = -2000.0 + RESCALE_INTERCEPT;
/// Burned-in overlays take the highest value the scanner stores, 4095 (3071 HU).
const CT_WHITE: f32 = 3071.0;

/// An abdominal slice in Hounsfield units: fat, liver, spleen, kidneys and aorta with contrast,
/// a vertebra, a pocket of bowel gas, the couch, and quantum noise.
fn ct_slice(n: u32, seed: u64, noise_hu: f32) -> Plane {
    Plane::grey(n, n, RESCALE_INTERCEPT, CT_WHITE, |x, y| {
        let (u, v) = ((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32);
        if ellipse(u, v, 0.5, 0.5, 0.49, 0.49) > 1.0 {
            return PADDING_HU;
        }
        let mut hu = -1000.0;
        let couch = 0.83 + 0.12 * (u - 0.5).powi(2);
        if (v - couch).abs() < 0.008 && (u - 0.5).abs() < 0.42 {
            hu = 250.0;
        }
        if ellipse(u, v, 0.5, 0.53, 0.40, 0.28) < 1.0 {
            hu = -100.0;
            if ellipse(u, v, 0.5, 0.53, 0.375, 0.255) < 1.0 {
                hu = 40.0;
            }
            let organs = [
                (0.33, 0.48, 0.15, 0.14, 62.0),
                (0.72, 0.50, 0.07, 0.09, 50.0),
                (0.37, 0.63, 0.045, 0.07, 160.0),
                (0.63, 0.63, 0.045, 0.07, 160.0),
                (0.44, 0.67, 0.03, 0.05, 55.0),
                (0.56, 0.67, 0.03, 0.05, 55.0),
                (0.53, 0.59, 0.022, 0.022, 230.0),
                (0.58, 0.42, 0.035, 0.022, -950.0),
            ];
            for (cu, cv, ru, rv, value) in organs {
                if ellipse(u, v, cu, cv, ru, rv) < 1.0 {
                    hu = value;
                }
            }
            let vertebra = ellipse(u, v, 0.5, 0.69, 0.055, 0.045);
            if vertebra < 1.0 {
                hu = if vertebra > 0.8 { 1100.0 } else { 330.0 };
            }
            if (u - 0.5).abs() < 0.012 && (0.735..0.78).contains(&v) {
                hu = 900.0;
            }
        }
        hu + noise_hu * noise(seed, x, y)
    })
}

fn ct_pixels(plane: &Plane) -> Vec<u8> {
    plane
        .data
        .iter()
        .flat_map(|&hu| {
            let stored = (hu - RESCALE_INTERCEPT).round().clamp(-32768.0, 32767.0) as i16;
            stored.to_le_bytes()
        })
        .collect()
}

fn ct_layout(n: u32) -> Layout {
    Layout {
        rows: n,
        columns: n,
        frames: 1,
        samples: 1,
        photometric: "MONOCHROME2",
        bits_allocated: 16,
        bits_stored: 16,
        signed: true,
    }
}

/// The reconstruction field is 350 mm across, whatever the matrix.
fn ct_spacing(n: u32) -> f32 {
    350.0 / n as f32
}

/// A scanner that prints an overlay into the pixels saves a derived image.
fn ct_extra(study: &Study, n: u32, annotated: bool) -> DataSet {
    let mut extra = DataSet::default();
    let kind = if annotated {
        "DERIVED\\SECONDARY\\AXIAL"
    } else {
        "ORIGINAL\\PRIMARY\\AXIAL"
    };
    extra.text(0x0008_0008, b"CS", kind);
    extra.text(0x0018_0015, b"CS", "ABDOMEN");
    extra.text(0x0018_0060, b"DS", "120");
    extra.text(0x0018_1152, b"IS", "250");
    slice_position(&mut extra, study, ct_spacing(n), "5.0");
    extra.raw(0x0028_0120, b"SS", (-2000i16).to_le_bytes().to_vec());
    extra.text(0x0028_1050, b"DS", "40");
    extra.text(0x0028_1051, b"DS", "400");
    extra.text(0x0028_1052, b"DS", "-1024");
    extra.text(0x0028_1053, b"DS", "1");
    extra.text(0x0028_1054, b"LO", "HU");
    extra
}

const CT_STUDY: Study = Study {
    key: "ct_16bit",
    patient_name: "DUPONT^JEAN",
    patient_id: "8841207",
    birth_date: "19560214",
    sex: "M",
    accession: "24051701",
    institution: "CHU de Bordeaux",
    study_date: "20240517",
    study_time: "094213",
    modality: "CT",
    sop_class: CT_STORAGE,
};

const BENCH_CT: Study = Study {
    key: "bench_ct",
    patient_name: "FONTAINE^GEORGES",
    patient_id: "1190342",
    birth_date: "19480930",
    sex: "M",
    accession: "24111502",
    institution: "CHU de Nantes",
    study_date: "20241115",
    study_time: "161807",
    modality: "CT",
    sop_class: CT_STORAGE,
};

fn ct_16bit() -> Fixture {
    ct_fixture(&CT_STUDY, 512, Encoding::Native, "ct_16bit.dcm")
}

/// Signed 16-bit samples, which JPEG-LS codes as their bit patterns.
fn ct_jpeg_ls() -> Fixture {
    let study = Study {
        key: "ct_jpeg_ls",
        patient_name: "LEROY^PAUL",
        patient_id: "4470915",
        birth_date: "19630925",
        sex: "M",
        accession: "24081407",
        institution: "CH de Vannes",
        study_date: "20240814",
        study_time: "075933",
        modality: "CT",
        sop_class: CT_STORAGE,
    };
    ct_fixture(&study, 256, Encoding::JpegLs { near: 0 }, "ct_jpeg_ls.dcm")
}

/// A scanner's secondary capture with the usual four corners of overlay text.
fn ct_fixture(study: &Study, n: u32, encoding: Encoding, file: &str) -> Fixture {
    let mut canvas = Canvas::new(ct_slice(n, 11, 14.0));
    let (family, _) = family_given(study.patient_name);
    let given = study.patient_name.split_once('^').map_or("", |(_, g)| g);
    let time = hms(study.study_time);
    canvas.block(
        Corner::TopLeft,
        8,
        vec![
            ident(&format!("{family} {given}"), Font::Sans, 14, WHITE),
            ident(&format!("ID: {}", study.patient_id), Font::Sans, 12, WHITE),
            ident(
                &format!("DOB: {}", dmy(study.birth_date)),
                Font::Sans,
                12,
                WHITE,
            ),
        ],
    );
    canvas.block(
        Corner::TopRight,
        8,
        vec![
            ident(study.institution, Font::Sans, 13, WHITE),
            ident(&dmy(study.study_date), Font::NotoMono, 12, WHITE),
            ident(&time, Font::NotoMono, 12, WHITE),
        ],
    );
    canvas.block(
        Corner::BottomLeft,
        8,
        vec![
            tech("kV 120", Font::NotoMono, 11, WHITE),
            tech("mAs 250", Font::NotoMono, 11, WHITE),
            tech("5.0 mm", Font::NotoMono, 11, WHITE),
        ],
    );
    canvas.block(
        Corner::BottomRight,
        8,
        vec![
            ident(
                &format!("Acc {}", study.accession),
                Font::NotoMono,
                10,
                WHITE,
            ),
            tech("W 400 L 40", Font::NotoMono, 9, WHITE),
        ],
    );
    let middle = n as i32 / 2;
    canvas.put(
        tech("L", Font::MonoBold, 24, WHITE),
        n as i32 - 10,
        middle,
        Align::Right,
    );
    let native = ct_pixels(&canvas.plane);
    let (transfer_syntax, pixels) = match encoding {
        Encoding::Native => (EXPLICIT_LE, PixelData::Native(b"OW", native)),
        Encoding::JpegLs { near } => {
            let stored: Vec<u16> = native
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            let frame = caviar::dicom::jpeg_ls::encode_frame(&stored, (n, n), 1, 16, near)
                .expect("JPEG-LS encoding");
            (jpeg_ls_syntax(near), PixelData::Encapsulated(vec![frame]))
        }
        Encoding::Jpeg => panic!("JPEG baseline holds 8-bit samples, not a CT's 16"),
    };
    DicomFile {
        file,
        study,
        transfer_syntax,
        burned_in: None,
        layout: ct_layout(n),
        extra: ct_extra(study, n, true),
        pixels,
    }
    .fixture(canvas.boxes())
}

const CT_SMALL_STUDY: Study = Study {
    key: "ct_small",
    patient_name: "LAMBERT^CLAIRE",
    patient_id: "6602381",
    birth_date: "19710802",
    sex: "F",
    accession: "24020611",
    institution: "CH de Saint-Brieuc",
    study_date: "20240206",
    study_time: "111502",
    modality: "CT",
    sop_class: CT_STORAGE,
};

/// The negative control: identifiers in the header only, nothing in the pixels.
fn ct_clean() -> Fixture {
    let study = Study {
        key: "ct_clean",
        ..CT_SMALL_STUDY
    };
    let plane = ct_slice(256, 21, 14.0);
    DicomFile {
        file: "ct_clean.dcm",
        study: &study,
        transfer_syntax: EXPLICIT_LE,
        burned_in: Some("NO"),
        layout: ct_layout(256),
        extra: ct_extra(&study, 256, false),
        pixels: PixelData::Native(b"OW", ct_pixels(&plane)),
    }
    .fixture(Vec::new())
}

/// Text that identifies nobody, which a redactor should leave: it must not blur the image to
/// be safe.
fn ct_technical_only() -> Fixture {
    let study = Study {
        key: "ct_technical_only",
        ..CT_SMALL_STUDY
    };
    let n = 256;
    let mut canvas = Canvas::new(ct_slice(n, 22, 14.0));
    canvas.put(tech("R", Font::MonoBold, 18, WHITE), 6, 134, Align::Left);
    canvas.put(tech("L", Font::MonoBold, 18, WHITE), 250, 134, Align::Right);
    canvas.block(
        Corner::BottomLeft,
        6,
        vec![tech("kV 120", Font::NotoMono, 10, WHITE)],
    );
    // A 5 cm bar with end ticks, its label above it.
    let bar = (50.0 / ct_spacing(n)).round() as u32;
    let (right, y) = (n - 8, n - 10);
    canvas.plane.fill(right - bar, y, right, y + 1, WHITE);
    canvas
        .plane
        .fill(right - bar, y - 3, right - bar + 1, y, WHITE);
    canvas.plane.fill(right - 1, y - 3, right, y, WHITE);
    canvas.put(
        tech("5 cm", Font::Sans, 10, WHITE),
        (right - bar / 2) as i32,
        y as i32 - 6,
        Align::Centre,
    );
    DicomFile {
        file: "ct_technical_only.dcm",
        study: &study,
        transfer_syntax: EXPLICIT_LE,
        burned_in: Some("NO"),
        layout: ct_layout(n),
        extra: ct_extra(&study, n, false),
        pixels: PixelData::Native(b"OW", ct_pixels(&canvas.plane)),
    }
    .fixture(canvas.boxes())
}

// ---------------------------------------------------------------------------------------------
// Ultrasound
// ---------------------------------------------------------------------------------------------

/// A curved-probe liver scan: a fan of speckle with two vessels, the diaphragm and depth
/// attenuation, under a dark bar for the patient's details and a grey-scale bar at the right.
fn ultrasound(w: u32, h: u32, seed: u64) -> Plane {
    let (ax, ay) = (w as f32 / 2.0, 0.07 * h as f32);
    let (r0, r1) = (0.05 * h as f32, 0.92 * h as f32);
    let bar = (0.065 * h as f32) as u32;
    Plane::rgb(w, h, |x, y| {
        if y < bar {
            return [34.0, 36.0, 42.0];
        }
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        if x > w - w / 28 && x < w - w / 40 && fy > 0.25 * h as f32 && fy < 0.6 * h as f32 {
            let level = 255.0 * (0.6 * h as f32 - fy) / (0.35 * h as f32);
            return [level; 3];
        }
        let (dx, dy) = (fx - ax, fy - ay);
        let r = (dx * dx + dy * dy).sqrt();
        let theta = dx.atan2(dy);
        let edge = (r - r0).min(r1 - r).min((0.66 - theta.abs()) * r);
        if edge <= 0.0 {
            return [0.0; 3];
        }
        let d = (r - r0) / (r1 - r0);
        let mut echo = 0.5;
        let diaphragm = 0.78 + 0.25 * theta * theta;
        if (d - diaphragm).abs() < 0.012 {
            echo = 1.0;
        } else if d > diaphragm {
            echo = 0.28;
        }
        for (ct, cd, rt, rd) in [(0.18, 0.45, 0.09, 0.06), (-0.22, 0.3, 0.06, 0.035)] {
            let e = ellipse(theta, d, ct, cd, rt, rd);
            if e < 1.0 {
                echo = if e > 0.85 { 0.85 } else { 0.04 };
            }
        }
        // Speckle is wider than tall: a cell is two pixels across.
        let speckle = 0.5 + 0.5 * (noise(seed, x / 2, y) + noise(seed, x.div_ceil(2), y + 1));
        let level = 255.0 * echo * (1.15 - 0.55 * d) * (0.25 + 1.3 * speckle);
        [level * edge.min(1.0); 3]
    })
}

/// What the scanner prints around the picture.
struct UsText {
    name: String,
    probe: &'static str,
    preset: &'static str,
    depth: &'static str,
}

enum Encoding {
    Native,
    Jpeg,
    /// JPEG-LS, lossless when `near` is 0, each sample otherwise within `near` of the original.
    JpegLs {
        near: u8,
    },
}

fn jpeg_ls_syntax(near: u8) -> &'static str {
    if near == 0 {
        JPEG_LS_LOSSLESS
    } else {
        JPEG_LS_NEAR_LOSSLESS
    }
}

const US_STUDY: Study = Study {
    key: "us_rgb",
    patient_name: "MARTIN^SOPHIE",
    patient_id: "2045781",
    birth_date: "19880419",
    sex: "F",
    accession: "24060309",
    institution: "CHU de Rennes",
    study_date: "20240603",
    study_time: "142705",
    modality: "US",
    sop_class: US_STORAGE,
};

const US_JPEG_STUDY: Study = Study {
    key: "us_ybr_jpeg",
    patient_name: "GARNIER^LUCIE",
    patient_id: "3318865",
    birth_date: "19930107",
    sex: "F",
    accession: "23101144",
    institution: "Clinique Pasteur",
    study_date: "20231011",
    study_time: "085541",
    modality: "US",
    sop_class: US_STORAGE,
};

const BENCH_US: Study = Study {
    key: "bench_us",
    patient_name: "ROBIN^THEO",
    patient_id: "7781026",
    birth_date: "20010522",
    sex: "M",
    accession: "24090218",
    institution: "CHU de Brest",
    study_date: "20240902",
    study_time: "103318",
    modality: "US",
    sop_class: US_STORAGE,
};

fn us_rgb() -> Fixture {
    ultrasound_fixture(&US_STUDY, 640, 480, Encoding::Native, "us_rgb.dcm")
}

fn us_ybr_jpeg() -> Fixture {
    ultrasound_fixture(&US_JPEG_STUDY, 640, 480, Encoding::Jpeg, "us_ybr_jpeg.dcm")
}

/// Near-lossless, as archives store ultrasound to save space: the copy must say it was lossy.
fn us_rgb_jpeg_ls() -> Fixture {
    let study = Study {
        key: "us_rgb_jpeg_ls",
        patient_name: "PERRIN^CAMILLE",
        patient_id: "6093512",
        birth_date: "19850330",
        accession: "24102215",
        institution: "Hopital Foch",
        study_date: "20241022",
        study_time: "163048",
        ..US_STUDY
    };
    ultrasound_fixture(
        &study,
        640,
        480,
        Encoding::JpegLs { near: 2 },
        "us_rgb_jpeg_ls.dcm",
    )
}

fn ultrasound_fixture(study: &Study, w: u32, h: u32, encoding: Encoding, file: &str) -> Fixture {
    let (family, given) = family_given(study.patient_name);
    let text = UsText {
        name: format!("{family} {given}"),
        probe: "C5-1",
        preset: if matches!(encoding, Encoding::Jpeg) {
            "Kidney"
        } else {
            "Liver"
        },
        depth: "16cm",
    };
    let canvas = us_canvas(study, &text, w, h, 31);
    let layout = us_layout(w, h, 1);
    let mut extra = us_extra();
    let (transfer_syntax, layout, pixels) = match encoding {
        Encoding::Native => (
            EXPLICIT_LE,
            layout,
            PixelData::Native(b"OB", canvas.plane.bytes_u8()),
        ),
        Encoding::Jpeg => {
            let jpeg = encode_jpeg(&canvas.plane.rgb_image(), 90);
            extra.text(0x0028_2110, b"CS", "01");
            extra.text(0x0028_2114, b"CS", "ISO_10918_1");
            let layout = Layout {
                photometric: "YBR_FULL_422",
                ..layout
            };
            (JPEG_BASELINE, layout, PixelData::Encapsulated(vec![jpeg]))
        }
        Encoding::JpegLs { near } => {
            let samples: Vec<u16> = canvas.plane.bytes_u8().into_iter().map(u16::from).collect();
            let frame = caviar::dicom::jpeg_ls::encode_frame(&samples, (w, h), 3, 8, near)
                .expect("JPEG-LS encoding");
            if near > 0 {
                extra.text(0x0028_2110, b"CS", "01");
                extra.text(0x0028_2114, b"CS", "ISO_14495_1");
            }
            (
                jpeg_ls_syntax(near),
                layout,
                PixelData::Encapsulated(vec![frame]),
            )
        }
    };
    DicomFile {
        file,
        study,
        transfer_syntax,
        burned_in: Some("YES"),
        layout,
        extra,
        pixels,
    }
    .fixture(canvas.boxes())
}

/// An ultrasound's pixels as scanners store them: 8-bit RGB, `frames` frames.
fn us_layout(w: u32, h: u32, frames: u32) -> Layout {
    Layout {
        rows: h,
        columns: w,
        frames,
        samples: 3,
        photometric: "RGB",
        bits_allocated: 8,
        bits_stored: 8,
        signed: false,
    }
}

/// What an abdominal ultrasound's header says of the image.
fn us_extra() -> DataSet {
    let mut extra = DataSet::default();
    extra.text(0x0008_0008, b"CS", "ORIGINAL\\PRIMARY\\ABDOMINAL");
    extra.text(0x0018_0015, b"CS", "ABDOMEN");
    extra.text(0x0020_0020, b"CS", "");
    extra
}

/// An ultrasound screen: the live image drawn from `seed`, and the viewer's overlay over it.
fn us_canvas(study: &Study, text: &UsText, w: u32, h: u32, seed: u64) -> Canvas {
    let mut canvas = Canvas::new(ultrasound(w, h, seed));
    let s = h as f32 / 480.0;
    let px = |v: f32| (v * s).round() as i32;
    let size = |v: f32| (v * s).round() as u32;
    let bar_baseline = px(21.0);
    canvas.put(
        ident(&text.name, Font::Sans, size(14.0), YELLOW),
        px(8.0),
        bar_baseline,
        Align::Left,
    );
    canvas.put(
        ident(
            &format!("ID {}", study.patient_id),
            Font::Sans,
            size(12.0),
            WHITE,
        ),
        px(180.0),
        bar_baseline,
        Align::Left,
    );
    canvas.put(
        ident(study.institution, Font::Sans, size(12.0), WHITE),
        w as i32 / 2 + px(40.0),
        bar_baseline,
        Align::Centre,
    );
    canvas.put(
        ident(&dmy(study.study_date), Font::NotoMono, size(12.0), WHITE),
        w as i32 - px(80.0),
        bar_baseline,
        Align::Right,
    );
    canvas.put(
        ident(&hms(study.study_time), Font::NotoMono, size(12.0), WHITE),
        w as i32 - px(8.0),
        bar_baseline,
        Align::Right,
    );
    let column = [
        tech(text.probe, Font::Sans, size(13.0), GREEN),
        tech("TIS 0.5", Font::NotoMono, size(10.0), WHITE),
        tech("MI 1.4", Font::NotoMono, size(10.0), WHITE),
    ];
    for (i, line) in column.into_iter().enumerate() {
        canvas.put(line, px(10.0), px(56.0 + 18.0 * i as f32), Align::Left);
    }
    canvas.put(
        tech(text.depth, Font::Sans, size(11.0), CYAN),
        w as i32 - px(40.0),
        h as i32 - px(10.0),
        Align::Right,
    );
    // The preset's name, typed by the sonographer over the organ.
    canvas.put(
        tech(text.preset, Font::Sans, size(16.0), CYAN),
        w as i32 / 2 - px(90.0),
        px(300.0),
        Align::Left,
    );
    canvas
}

// ---------------------------------------------------------------------------------------------
// Ultrasound screens laid out as makers lay them out
// ---------------------------------------------------------------------------------------------

/// How one maker's screen is laid out: a patient banner across the top, a column of settings at
/// one side, the anatomy label and the depth scale's marks under and beside the image. Sizes,
/// fonts and the settings' wording follow the makers' habits (GE LOGIQ, Siemens ACUSON, Philips
/// EPIQ, Terason uSmart, ALOKA ProSound); the words are written here, not copied from a screen.
struct Vendor {
    file: &'static str,
    study: Study,
    width: u32,
    height: u32,
    /// Heights of the banner's and the settings' text, in pixels.
    banner: u32,
    settings: u32,
    font: Font,
    colour: Colour,
    /// The settings column, top to bottom, and whether it stands at the right edge.
    column: &'static [&'static str],
    right: bool,
    anatomy: &'static str,
    scale: &'static [&'static str],
}

const VENDORS: [Vendor; 5] = [
    Vendor {
        file: "us_screen_ge.dcm",
        study: Study {
            key: "us_screen_ge",
            patient_name: "GARNIER^LUCIE",
            patient_id: "3318406",
            birth_date: "19910907",
            accession: "24111802",
            institution: "Clinique Pasteur",
            study_date: "20241118",
            study_time: "091544",
            ..US_STUDY
        },
        width: 1024,
        height: 768,
        banner: 15,
        settings: 13,
        font: Font::Sans,
        colour: WHITE,
        column: &[
            "C1-6-D",
            "Abdomen",
            "Frq 4.0 MHz",
            "Gn 48",
            "E/A 2/3",
            "Map G/0",
            "D 16.0 cm",
            "DR 66",
            "FR 26 Hz",
            "AO 100%",
        ],
        right: true,
        anatomy: "LIVER",
        scale: &["5", "10", "15"],
    },
    Vendor {
        file: "us_screen_siemens.dcm",
        study: Study {
            key: "us_screen_siemens",
            patient_name: "FAURE^ANTOINE",
            patient_id: "8824519",
            birth_date: "19670214",
            accession: "24092611",
            institution: "Hopital Saint-Joseph",
            study_date: "20240926",
            study_time: "134210",
            sex: "M",
            ..US_STUDY
        },
        width: 800,
        height: 600,
        banner: 13,
        settings: 11,
        font: Font::Sans,
        colour: LIGHT_GREY,
        column: &[
            "4C1",
            "Abdomen",
            "4.0 MHz",
            "DR 60 dB",
            "G 0 dB",
            "Depth 16 cm",
            "FPS 21",
            "MI 1.2",
            "TIS 0.5",
        ],
        right: false,
        anatomy: "RT KIDNEY",
        scale: &["4", "8", "12"],
    },
    Vendor {
        file: "us_screen_philips.dcm",
        study: Study {
            key: "us_screen_philips",
            patient_name: "LEMAIRE^CLAIRE",
            patient_id: "5107733",
            birth_date: "19800128",
            accession: "24071509",
            institution: "CH de Cholet",
            study_date: "20240715",
            study_time: "102203",
            ..US_STUDY
        },
        width: 1024,
        height: 768,
        banner: 14,
        settings: 12,
        font: Font::Sans,
        colour: WHITE,
        column: &[
            "C5-1", "Abd Gen", "2D", "Gn 60", "C 50", "P Med", "HGen", "15 Hz", "16 cm", "MI 1.1",
            "TIS 0.7",
        ],
        right: false,
        anatomy: "GB",
        scale: &["5", "10", "15"],
    },
    Vendor {
        file: "us_screen_terason.dcm",
        study: Study {
            key: "us_screen_terason",
            patient_name: "MOREL^HUGO",
            patient_id: "6640291",
            birth_date: "20020611",
            accession: "24050314",
            institution: "Centre Hospitalier de Dax",
            study_date: "20240503",
            study_time: "165930",
            sex: "M",
            ..US_STUDY
        },
        width: 640,
        height: 480,
        banner: 13,
        settings: 12,
        font: Font::NotoMono,
        colour: WHITE,
        column: &[
            "5C2A",
            "Abdomen",
            "Freq 3.5 MHz",
            "Gain 62",
            "DR 70",
            "Depth 15 cm",
            "FPS 18",
            "MI 0.9",
        ],
        right: true,
        anatomy: "PANCREAS",
        scale: &["5", "10"],
    },
    Vendor {
        file: "us_screen_aloka.dcm",
        study: Study {
            key: "us_screen_aloka",
            patient_name: "ROCHE^MANON",
            patient_id: "4471860",
            birth_date: "19951003",
            accession: "24030117",
            institution: "Polyclinique du Parc",
            study_date: "20240301",
            study_time: "081206",
            ..US_STUDY
        },
        width: 640,
        height: 480,
        banner: 12,
        settings: 12,
        font: Font::MonoBold,
        colour: WHITE,
        column: &[
            "UST-9130",
            "ABDOMEN",
            "5.0 MHz",
            "R15 G66 C6 A2",
            "DR 65",
            "FR 22",
            "AO 100%",
            "MI 1.0",
        ],
        right: false,
        anatomy: "LT KIDNEY",
        scale: &["5", "10"],
    },
];

/// One maker's screen over a live image, with its patient banner, settings column, anatomy
/// label and depth marks.
fn vendor_screen(vendor: &Vendor) -> Fixture {
    let (w, h) = (vendor.width, vendor.height);
    let study = &vendor.study;
    let mut canvas = Canvas::new(ultrasound(w, h, 53));
    // The settings stand on the screen's black margin beside the image, and the depth marks on
    // the other margin.
    let margin = w / 8;
    canvas.plane.fill(0, 0, margin, h, BLACK);
    canvas.plane.fill(w - margin, 0, w, h, BLACK);
    let (family, given) = family_given(study.patient_name);
    let (banner, settings) = (vendor.banner, vendor.settings);
    let line = |size: u32| (size as f32 * 1.7).round() as i32;
    let first = banner as i32 + 4;
    let second = first + line(banner);
    let (left, right) = (8, w as i32 - 8);
    let text = |words: &str| ident(words, vendor.font, banner, vendor.colour);
    canvas.put(
        text(&format!("{family}, {given}")),
        left,
        first,
        Align::Left,
    );
    canvas.put(
        text(&format!("ID: {}", study.patient_id)),
        left,
        second,
        Align::Left,
    );
    canvas.put(text(study.institution), w as i32 / 2, first, Align::Centre);
    canvas.put(
        text(&format!("DOB {}", dmy(study.birth_date))),
        w as i32 / 2,
        second,
        Align::Centre,
    );
    canvas.put(text(&dmy(study.study_date)), right, first, Align::Right);
    canvas.put(text(&hms(study.study_time)), right, second, Align::Right);
    let (x, align) = if vendor.right {
        (right, Align::Right)
    } else {
        (left, Align::Left)
    };
    // Settings lines stand a little apart, as on the screens, so that each is told from the next.
    let row = (settings as f32 * 2.0).round() as i32;
    for (i, setting) in vendor.column.iter().enumerate() {
        let baseline = second + line(banner) + row * (i as i32 + 1);
        canvas.put(
            tech(setting, vendor.font, settings, vendor.colour),
            x,
            baseline,
            align,
        );
    }
    // The depth marks stand on the other side from the settings, down the image.
    let (mark_x, mark_align) = if vendor.right {
        (left, Align::Left)
    } else {
        (right, Align::Right)
    };
    let image_top = second + line(banner);
    let step = (h as i32 - image_top - line(settings) * 2) / vendor.scale.len() as i32;
    for (i, mark) in vendor.scale.iter().enumerate() {
        canvas.put(
            tech(mark, vendor.font, settings, CYAN),
            mark_x,
            image_top + step * (i as i32 + 1),
            mark_align,
        );
    }
    canvas.put(
        tech(vendor.anatomy, vendor.font, banner, vendor.colour),
        w as i32 / 2,
        h as i32 - 10,
        Align::Centre,
    );
    DicomFile {
        file: vendor.file,
        study,
        transfer_syntax: EXPLICIT_LE,
        burned_in: Some("YES"),
        layout: us_layout(w, h, 1),
        extra: us_extra(),
        pixels: PixelData::Native(b"OB", canvas.plane.bytes_u8()),
    }
    .fixture(canvas.boxes())
}

/// A cine loop as a scanner stores it: every frame a new live image under the same overlay.
/// For the benchmark of reading frames at the cost of what changes.
fn us_cine_bench() -> Fixture {
    let (w, h, frames) = (800, 600, 300);
    let (family, given) = family_given(BENCH_US.patient_name);
    let text = UsText {
        name: format!("{family} {given}"),
        probe: "C5-1",
        preset: "Liver",
        depth: "16cm",
    };
    let mut pixels = Vec::with_capacity((w * h * 3 * frames) as usize);
    let mut boxes = Vec::new();
    for frame in 0..frames {
        let mut canvas = us_canvas(&BENCH_US, &text, w, h, 31 + u64::from(frame));
        canvas.frame = frame;
        pixels.extend(canvas.plane.bytes_u8());
        boxes.extend(canvas.boxes());
    }
    let layout = us_layout(w, h, frames);
    let mut extra = us_extra();
    // A cine's frame time, and the pointer saying frames are timed by it.
    extra.text(0x0018_1063, b"DS", "33.3");
    extra.raw(0x0028_0009, b"AT", vec![0x18, 0x00, 0x63, 0x10]);
    DicomFile {
        file: "bench_us_cine_300.dcm",
        study: &BENCH_US,
        transfer_syntax: EXPLICIT_LE,
        burned_in: Some("YES"),
        layout,
        extra,
        pixels: PixelData::Native(b"OB", pixels),
    }
    .fixture(boxes)
}

// ---------------------------------------------------------------------------------------------
// MR, RLE
// ---------------------------------------------------------------------------------------------

/// An axial T2 brain: bright scalp fat and CSF, a dark skull, grey and white matter, and the
/// lateral ventricles.
fn brain(n: u32, seed: u64) -> Plane {
    Plane::grey(n, n, 0.0, 255.0, |x, y| {
        let (u, v) = ((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32);
        let head = ellipse(u, v, 0.5, 0.5, 0.36, 0.44);
        let level: f32 = if head > 1.0 {
            4.0
        } else if head > 0.95 {
            150.0
        } else if head > 0.9 {
            12.0
        } else if head > 0.87 {
            165.0
        } else {
            let white = blob(u, v, 0.5, 0.5, 0.25, 0.33, 0.2);
            let ventricles =
                blob(u, v, 0.45, 0.42, 0.03, 0.1, 0.3) + blob(u, v, 0.55, 0.42, 0.03, 0.1, 0.3);
            105.0 - 30.0 * white + 60.0 * ventricles.min(1.0)
        };
        level + 10.0 * noise(seed, x, y)
    })
}

fn mr_rle() -> Fixture {
    let study = Study {
        key: "mr_rle",
        patient_name: "ROUSSEAU^MARC",
        patient_id: "5523018",
        birth_date: "19790611",
        sex: "M",
        accession: "23011205",
        institution: "Clinique Sully",
        study_date: "20230112",
        study_time: "173012",
        modality: "MR",
        sop_class: MR_STORAGE,
    };
    let n = 256;
    let mut canvas = Canvas::new(brain(n, 41));
    let (family, given) = family_given(study.patient_name);
    // A name typed over the brain, as a teaching file export leaves it.
    canvas.put(
        ident(&format!("{family} {given}"), Font::Sans, 12, LIGHT_GREY),
        128,
        150,
        Align::Centre,
    );
    canvas.block(
        Corner::TopLeft,
        4,
        vec![ident(
            &format!("ID {}", study.patient_id),
            Font::NotoMono,
            9,
            WHITE,
        )],
    );
    canvas.block(
        Corner::TopRight,
        4,
        vec![ident(&dmy(study.study_date), Font::NotoMono, 9, WHITE)],
    );
    canvas.block(
        Corner::BottomLeft,
        4,
        vec![tech("TR 4000 TE 96", Font::NotoMono, 8, WHITE)],
    );
    canvas.block(
        Corner::BottomRight,
        4,
        vec![ident(study.institution, Font::Serif, 9, WHITE)],
    );
    canvas.put(tech("R", Font::MonoBold, 12, WHITE), 4, 132, Align::Left);
    let mut extra = DataSet::default();
    extra.text(0x0008_0008, b"CS", "ORIGINAL\\PRIMARY\\OTHER");
    extra.text(0x0018_0015, b"CS", "HEAD");
    extra.text(0x0018_0080, b"DS", "4000");
    extra.text(0x0018_0020, b"CS", "SE");
    extra.text(0x0018_0021, b"CS", "NONE");
    extra.text(0x0018_0022, b"CS", "");
    extra.text(0x0018_0023, b"CS", "2D");
    extra.text(0x0018_0081, b"DS", "96");
    extra.text(0x0018_0091, b"IS", "16");
    slice_position(&mut extra, &study, 240.0 / n as f32, "5.0");
    let pixels = canvas.plane.bytes_u8();
    DicomFile {
        file: "mr_rle.dcm",
        study: &study,
        transfer_syntax: RLE_LOSSLESS,
        burned_in: None,
        layout: Layout::grey8(n, n, 1),
        extra,
        pixels: PixelData::Encapsulated(vec![rle_frame(&pixels, n as usize)]),
    }
    .fixture(canvas.boxes())
}

// ---------------------------------------------------------------------------------------------
// XA, multi-frame
// ---------------------------------------------------------------------------------------------

/// A coronary run: a circular field, a vessel tree that fills with contrast from frame to
/// frame and moves with the heart.
fn angiogram(n: u32, frame: u32, seed: u64) -> Plane {
    let tree: [&[(f32, f32)]; 3] = [
        &[(0.30, 0.12), (0.42, 0.35), (0.47, 0.60), (0.60, 0.85)],
        &[(0.42, 0.35), (0.62, 0.42), (0.75, 0.60)],
        &[(0.47, 0.60), (0.33, 0.75), (0.28, 0.88)],
    ];
    let fill = (frame as f32 / 12.0).min(1.0);
    let phase = frame as f32 * 0.6;
    let (mu, mv) = (0.008 * phase.sin(), 0.006 * phase.cos());
    Plane::grey(n, n, 0.0, 255.0, |x, y| {
        let (u, v) = ((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32);
        let field = ellipse(u, v, 0.5, 0.5, 0.45, 0.45);
        if field > 1.0 {
            return 2.0;
        }
        let mut level = 150.0 + 30.0 * (u - 0.5) - 20.0 * field * field;
        for (k, path) in tree.iter().enumerate() {
            // The contrast reaches the branches after the main trunk.
            let reach = (fill * 3.0 - k as f32 * 0.6).clamp(0.0, 1.0);
            let mut along = 0.0;
            let total = path.len() as f32 - 1.0;
            for (i, pair) in path.windows(2).enumerate() {
                let d = segment_distance((u - mu, v - mv), pair[0], pair[1]);
                let radius = 0.012 - 0.002 * k as f32;
                if d < radius && (i as f32 + 0.5) / total <= reach + 0.2 {
                    along = (1.0 - d / radius).sqrt().max(along);
                }
            }
            level -= 90.0 * along * reach;
        }
        level + 8.0 * noise(seed ^ frame as u64, x, y)
    })
}

fn xa_multiframe() -> Fixture {
    let study = Study {
        key: "xa_multiframe",
        patient_name: "BERTRAND^ANNE",
        patient_id: "4410952",
        birth_date: "19620228",
        sex: "F",
        accession: "23092207",
        institution: "CHU de Lille",
        study_date: "20230922",
        study_time: "101544",
        modality: "XA",
        sop_class: XA_STORAGE,
    };
    let (n, frames) = (256, 20);
    let (family, given) = family_given(study.patient_name);
    let mut pixels = Vec::new();
    let mut boxes = Vec::new();
    for frame in 0..frames {
        let mut canvas = Canvas::new(angiogram(n, frame, 51));
        canvas.frame = frame;
        // The overlay drifts with the frame, so a tracker cannot reuse one box for the run.
        let (dx, dy) = ((frame * 3 % 7) as i32, (frame % 4) as i32);
        canvas.put(
            ident(&format!("{family}, {given}"), Font::Sans, 11, WHITE),
            4 + dx,
            14 + dy,
            Align::Left,
        );
        canvas.put(
            ident(&dmy(study.study_date), Font::NotoMono, 10, WHITE),
            4 + dx,
            248 - dy,
            Align::Left,
        );
        canvas.put(
            tech("LAO 30 CRA 20", Font::NotoMono, 8, WHITE),
            252,
            10,
            Align::Right,
        );
        pixels.extend(canvas.plane.bytes_u8());
        boxes.extend(canvas.boxes());
    }
    let mut extra = DataSet::default();
    extra.text(0x0008_0008, b"CS", "ORIGINAL\\PRIMARY\\SINGLE PLANE");
    extra.text(0x0018_0015, b"CS", "HEART");
    extra.text(0x0018_1063, b"DS", "66.7");
    extra.raw(0x0028_0009, b"AT", vec![0x18, 0x00, 0x63, 0x10]);
    extra.text(0x0018_0060, b"DS", "80");
    extra.text(0x0018_1150, b"IS", "8");
    extra.text(0x0018_1151, b"IS", "500");
    extra.text(0x0018_1152, b"IS", "4");
    extra.text(0x0018_1155, b"CS", "GR");
    extra.text(0x0018_1500, b"CS", "STATIC");
    extra.text(0x0018_1510, b"DS", "30");
    extra.text(0x0018_1511, b"DS", "20");
    extra.text(0x0020_0020, b"CS", "");
    extra.text(0x0028_1040, b"CS", "LIN");
    DicomFile {
        file: "xa_multiframe.dcm",
        study: &study,
        transfer_syntax: EXPLICIT_LE,
        burned_in: None,
        layout: Layout::grey8(n, n, frames),
        extra,
        pixels: PixelData::Native(b"OB", pixels),
    }
    .fixture(boxes)
}

// ---------------------------------------------------------------------------------------------
// Secondary capture, in French
// ---------------------------------------------------------------------------------------------

/// A frontal knee radiograph: soft tissue, femur with its condyles, patella, tibia and fibula.
fn knee(n: u32, seed: u64) -> Plane {
    Plane::grey(n, n, 0.0, 255.0, |x, y| {
        let (u, v) = ((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32);
        let p = (u, v);
        let soft = segment_distance(p, (0.5, 0.0), (0.5, 1.0)) < 0.2 - 0.03 * (v - 0.5).abs();
        let femur = segment_distance(p, (0.5, 0.0), (0.5, 0.38)) < 0.065
            || ellipse(u, v, 0.43, 0.44, 0.07, 0.06) < 1.0
            || ellipse(u, v, 0.57, 0.44, 0.07, 0.06) < 1.0;
        let tibia = ellipse(u, v, 0.5, 0.54, 0.14, 0.04) < 1.0
            || segment_distance(p, (0.5, 0.55), (0.5, 1.0)) < 0.06;
        let fibula = segment_distance(p, (0.64, 0.58), (0.65, 1.0)) < 0.018;
        let patella = ellipse(u, v, 0.5, 0.38, 0.05, 0.06) < 1.0;
        let mut level = 8.0;
        if soft {
            level = 70.0;
        }
        if femur || tibia || fibula {
            level = 175.0;
        }
        if patella && femur {
            level = 200.0;
        }
        level + 6.0 * noise(seed, x, y)
    })
}

fn sc_french() -> Fixture {
    let study = Study {
        key: "sc_french",
        patient_name: "LEFÈVRE^Hélène",
        patient_id: "4587123",
        birth_date: "19850312",
        sex: "F",
        accession: "24020517",
        institution: "Hôpital Saint-Éloi",
        study_date: "20240205",
        study_time: "153020",
        modality: "OT",
        sop_class: SC_STORAGE,
    };
    let n = 512;
    let mut canvas = Canvas::new(knee(n, 61));
    canvas.block(
        Corner::TopLeft,
        10,
        vec![
            ident("Hélène LEFÈVRE", Font::Sans, 18, WHITE),
            ident("Née le 12/03/1985", Font::Sans, 14, WHITE),
            ident("IPP 4587123", Font::NotoMono, 12, WHITE),
        ],
    );
    canvas.block(
        Corner::TopRight,
        10,
        vec![
            ident("Hôpital Saint-Éloi", Font::Serif, 16, WHITE),
            ident("Examen du 05/02/2024", Font::Sans, 10, WHITE),
        ],
    );
    canvas.block(
        Corner::BottomLeft,
        8,
        vec![
            tech("Genou G face", Font::Sans, 9, LIGHT_GREY),
            ident("Dr Côme RIVIÈRE", Font::Sans, 8, LIGHT_GREY),
        ],
    );
    canvas.block(
        Corner::BottomRight,
        8,
        vec![ident("34295 Montpellier", Font::Sans, 8, LIGHT_GREY)],
    );
    // The lead marker on the film, over the soft tissue.
    canvas.put(tech("G", Font::MonoBold, 28, WHITE), 300, 150, Align::Left);
    let mut extra = DataSet::default();
    extra.text(0x0008_0005, b"CS", "ISO_IR 192");
    extra.text(0x0008_0008, b"CS", "DERIVED\\SECONDARY");
    extra.text(0x0008_0064, b"CS", "WSD");
    extra.text(0x0018_0015, b"CS", "KNEE");
    extra.text(0x0020_0020, b"CS", "");
    extra.text(0x0020_0060, b"CS", "L");
    DicomFile {
        file: "sc_french.dcm",
        study: &study,
        transfer_syntax: EXPLICIT_LE,
        burned_in: Some("YES"),
        layout: Layout::grey8(n, n, 1),
        extra,
        pixels: PixelData::Native(b"OB", canvas.plane.bytes_u8()),
    }
    .fixture(canvas.boxes())
}

// ---------------------------------------------------------------------------------------------
// Radiograph (benchmark only)
// ---------------------------------------------------------------------------------------------

/// A PA chest radiograph, 0 (air, black) to 1 (bone, white); `u` across, `v` down.
fn chest(u: f32, v: f32) -> f32 {
    let body = blob(u, v, 0.5, 0.62, 0.46, 0.6, 0.05);
    let lungs = blob(u, v, 0.32, 0.5, 0.15, 0.3, 0.2) + blob(u, v, 0.68, 0.5, 0.15, 0.3, 0.2);
    let heart = blob(u, v, 0.56, 0.64, 0.15, 0.13, 0.35);
    let mut l = 0.06 + 0.42 * body - 0.26 * lungs + 0.22 * heart;
    let from_spine = (u - 0.5).abs();
    if from_spine < 0.04 {
        l += body * (0.25 + 0.05 * (v * 90.0).sin());
    } else {
        for k in 0..9 {
            let arc = 0.3 + 0.058 * k as f32 + 0.14 * (from_spine / 0.4).powi(2);
            let d = (v - arc).abs();
            if d < 0.008 && from_spine < 0.4 {
                l += body * 0.2 * (1.0 - d / 0.008);
            }
        }
    }
    for side in [-1.0, 1.0] {
        let d = segment_distance((u, v), (0.5 + 0.04 * side, 0.22), (0.5 + 0.3 * side, 0.17));
        if d < 0.01 {
            l += 0.25;
        }
    }
    l.clamp(0.0, 1.0)
}

fn dx_bench() -> Fixture {
    let study = Study {
        key: "bench_dx",
        patient_name: "PETIT^MARCEL",
        patient_id: "6029914",
        birth_date: "19410621",
        sex: "M",
        accession: "24030788",
        institution: "Hôpital Foch",
        study_date: "20240307",
        study_time: "161244",
        modality: "DX",
        sop_class: DX_STORAGE,
    };
    let (w, h) = (2048, 2500);
    let plane = Plane::grey(w, h, 0.0, 4095.0, |x, y| {
        let (u, v) = ((x as f32 + 0.5) / w as f32, (y as f32 + 0.5) / h as f32);
        200.0 + 3600.0 * chest(u, v) + 40.0 * noise(71, x, y)
    });
    let mut canvas = Canvas::new(plane);
    let (family, given) = family_given(study.patient_name);
    canvas.block(
        Corner::TopLeft,
        40,
        vec![
            ident(&format!("{family} {given}"), Font::Sans, 40, WHITE),
            ident(&format!("ID {}", study.patient_id), Font::Sans, 30, WHITE),
            ident(
                &format!("DN {}", dmy(study.birth_date)),
                Font::Sans,
                30,
                WHITE,
            ),
        ],
    );
    canvas.block(
        Corner::TopRight,
        40,
        vec![
            ident("Hôpital Foch", Font::Serif, 34, WHITE),
            ident(&dmy(study.study_date), Font::NotoMono, 28, WHITE),
        ],
    );
    canvas.block(
        Corner::BottomLeft,
        40,
        vec![tech("kVp 125  mAs 3.2", Font::NotoMono, 26, WHITE)],
    );
    canvas.block(
        Corner::BottomRight,
        40,
        vec![ident(
            &format!("ACC {}", study.accession),
            Font::NotoMono,
            26,
            WHITE,
        )],
    );
    canvas.put(tech("D", Font::MonoBold, 40, WHITE), 120, 420, Align::Left);
    let mut extra = DataSet::default();
    extra.text(0x0008_0005, b"CS", "ISO_IR 192");
    extra.text(0x0008_0008, b"CS", "ORIGINAL\\PRIMARY");
    extra.text(0x0008_0068, b"CS", "FOR PRESENTATION");
    extra.raw(0x0008_2218, b"SQ", Vec::new());
    extra.text(0x0018_7004, b"CS", "");
    extra.text(0x0020_0062, b"CS", "U");
    extra.raw(0x0028_1041, b"SS", 1i16.to_le_bytes().to_vec());
    extra.text(0x0028_1052, b"DS", "0");
    extra.text(0x0028_1053, b"DS", "1");
    extra.text(0x0028_1054, b"LO", "US");
    extra.text(0x0028_2110, b"CS", "00");
    extra.raw(0x0040_0555, b"SQ", Vec::new());
    extra.text(0x2050_0020, b"CS", "IDENTITY");
    extra.text(0x0018_0015, b"CS", "CHEST");
    extra.text(0x0018_1164, b"DS", "0.168\\0.168");
    extra.text(0x0020_0020, b"CS", "A\\F");
    extra.text(0x0028_1040, b"CS", "LIN");
    extra.text(0x0028_1050, b"DS", "2048");
    extra.text(0x0028_1051, b"DS", "4096");
    let pixels = canvas
        .plane
        .data
        .iter()
        .flat_map(|&v| (v.round().clamp(0.0, 4095.0) as u16).to_le_bytes())
        .collect();
    let layout = Layout {
        rows: h,
        columns: w,
        frames: 1,
        samples: 1,
        photometric: "MONOCHROME2",
        bits_allocated: 16,
        bits_stored: 12,
        signed: false,
    };
    DicomFile {
        file: "bench_dx_2048x2500.dcm",
        study: &study,
        transfer_syntax: EXPLICIT_LE,
        burned_in: Some("YES"),
        layout,
        extra,
        pixels: PixelData::Native(b"OW", pixels),
    }
    .fixture(canvas.boxes())
}

// ---------------------------------------------------------------------------------------------
// Photos
// ---------------------------------------------------------------------------------------------

/// A phone photo of a chest film on a lightbox, the film a few degrees off square. The scene
/// is drawn square at the photo's size, then turned: the gold boxes are where the turned ink
/// landed.
fn photo_film(w: u32, h: u32, file: &str) -> Fixture {
    let s = h as f32 / 1200.0;
    let px = |v: f32| (v * s).round() as i32;
    let size = |v: f32| (v * s).round() as u32;
    let (fh, fw) = (0.9 * h as f32, 0.675 * h as f32);
    let (fx, fy) = ((w as f32 - fw) / 2.0, (h as f32 - fh) / 2.0);
    let label = (
        fx + 0.04 * fw,
        fy + 0.02 * fh,
        fx + 0.62 * fw,
        fy + 0.19 * fh,
    );
    let scene = Plane::grey(w, h, 0.0, 255.0, |x, y| {
        let (sx, sy) = (x as f32 + 0.5, y as f32 + 0.5);
        if sx >= label.0 && sx < label.2 && sy >= label.1 && sy < label.3 {
            return 238.0;
        }
        let (u, v) = ((sx - fx) / fw, (sy - fy) / fh);
        if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
            236.0 * (0.05 + 0.9 * chest(u, v * 1.05 - 0.04))
        } else {
            236.0
        }
    });
    let mut canvas = Canvas::new(scene);
    let left = (label.0 + 0.04 * fw) as i32;
    let top = label.1 as i32;
    canvas.put(
        ident("CH BRETAGNE ATLANTIQUE", Font::Serif, size(12.0), BLACK),
        left,
        top + px(30.0),
        Align::Left,
    );
    canvas.put(
        ident("LEBRUN Paul", Font::Sans, size(26.0), BLACK),
        left,
        top + px(68.0),
        Align::Left,
    );
    canvas.put(
        ident("Né le 08/11/1949", Font::Sans, size(17.0), BLACK),
        left,
        top + px(102.0),
        Align::Left,
    );
    canvas.put(
        ident("IPP 00417852", Font::NotoMono, size(16.0), DARK_GREY),
        left,
        top + px(136.0),
        Align::Left,
    );
    canvas.put(
        ident("12/10/2023", Font::NotoMono, size(16.0), DARK_GREY),
        left + px(190.0),
        top + px(136.0),
        Align::Left,
    );
    canvas.put(
        tech("D", Font::MonoBold, size(40.0), WHITE),
        (fx + 0.08 * fw) as i32,
        (fy + 0.3 * fh) as i32,
        Align::Left,
    );
    canvas.put(
        tech("PA DEBOUT", Font::Sans, size(16.0), WHITE),
        (fx + 0.92 * fw) as i32,
        (fy + 0.25 * fh) as i32,
        Align::Right,
    );

    let angle = 4.0f32.to_radians();
    let (sin, cos) = angle.sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    // Where an output pixel's centre comes from in the square scene.
    let source = |x: u32, y: u32| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        (
            cx + cos * dx + sin * dy - 0.5,
            cy - sin * dx + cos * dy - 0.5,
        )
    };
    let scene = &canvas.plane;
    let photo = image::RgbImage::from_fn(w, h, |x, y| {
        let (qx, qy) = source(x, y);
        let (x0, y0) = (qx.floor(), qy.floor());
        let (tx, ty) = (qx - x0, qy - y0);
        let at = |x: f32, y: f32| {
            if x < 0.0 || y < 0.0 || x >= w as f32 || y >= h as f32 {
                236.0
            } else {
                scene.data[(y as u32 * w + x as u32) as usize]
            }
        };
        let l = at(x0, y0) * (1.0 - tx) * (1.0 - ty)
            + at(x0 + 1.0, y0) * tx * (1.0 - ty)
            + at(x0, y0 + 1.0) * (1.0 - tx) * ty
            + at(x0 + 1.0, y0 + 1.0) * tx * ty;
        // The lightbox is brightest left of centre and the phone's lens darkens the corners.
        let (u, v) = (x as f32 / w as f32 - 0.4, y as f32 / h as f32 - 0.45);
        let shade = 1.0 - 0.5 * (u * u + v * v);
        let channel = |k: u64, gain: f32, lift: f32| {
            (l * shade * gain + lift + 6.0 * noise(81 + k, x, y))
                .round()
                .clamp(0.0, 255.0) as u8
        };
        image::Rgb([
            channel(0, 0.96, 2.0),
            channel(1, 0.98, 4.0),
            channel(2, 1.0, 9.0),
        ])
    });
    let boxes = canvas
        .drawn
        .iter()
        .map(|(text, ink, ix, iy)| {
            // The turned ink lies within the turned corners of its square box.
            let corners = [
                (0, 0),
                (ink.width, 0),
                (0, ink.height),
                (ink.width, ink.height),
            ]
            .map(|(a, b)| {
                let (dx, dy) = ((ix + a as i32) as f32 - cx, (iy + b as i32) as f32 - cy);
                (cx + cos * dx - sin * dy, cy + sin * dx + cos * dy)
            });
            let lo_x = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min) as i32 - 2;
            let hi_x = corners.iter().map(|c| c.0).fold(f32::MIN, f32::max) as i32 + 2;
            let lo_y = corners.iter().map(|c| c.1).fold(f32::MAX, f32::min) as i32 - 2;
            let hi_y = corners.iter().map(|c| c.1).fold(f32::MIN, f32::max) as i32 + 2;
            let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
            for y in lo_y.max(0) as u32..(hi_y.max(0) as u32).min(h) {
                for x in lo_x.max(0) as u32..(hi_x.max(0) as u32).min(w) {
                    let (qx, qy) = source(x, y);
                    if ink.sample(qx - *ix as f32, qy - *iy as f32) >= FAINTEST {
                        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
                    }
                }
            }
            assert!(x1 > x0, "{:?} left the photo", text.text);
            gold_box(text, 0, x0 as i32, y0 as i32, x1 - x0, y1 - y0)
        })
        .collect();
    Fixture {
        file: file.to_string(),
        format: "jpeg",
        width: w,
        height: h,
        frames: 1,
        header: None,
        boxes,
        bytes: encode_jpeg(&photo, 90),
    }
}

/// A DICOM viewer's window, captured: dark panels, the slice in the middle, the overlay in
/// yellow and cyan.
fn screenshot() -> Fixture {
    let (w, h) = (1280, 800);
    let slice = ct_slice(700, 91, 5.0);
    let thumb = ct_slice(130, 92, 5.0);
    let window = |hu: f32| ((hu - 40.0 + 200.0) / 400.0 * 255.0).clamp(0.0, 255.0);
    let plane = Plane::rgb(w, h, |x, y| {
        if y < 36 {
            return [46.0, 48.0, 54.0];
        }
        if x < 210 {
            for i in 0..3 {
                let (tx, ty) = (40, 60 + 170 * i);
                if (tx..tx + 130).contains(&x) && (ty..ty + 130).contains(&y) {
                    return [window(thumb.data[((y - ty) * 130 + x - tx) as usize]); 3];
                }
            }
            return [36.0, 38.0, 43.0];
        }
        if !(220..1270).contains(&x) || !(44..790).contains(&y) {
            return [28.0, 30.0, 34.0];
        }
        let (ix, iy) = (x as i32 - 395, y as i32 - 67);
        if (0..700).contains(&ix) && (0..700).contains(&iy) {
            return [window(slice.data[(iy * 700 + ix) as usize]); 3];
        }
        [0.0; 3]
    });
    let mut canvas = Canvas::new(plane);
    canvas.put(
        tech(
            "Fichier    Édition    Affichage    Outils    Aide",
            Font::Sans,
            13,
            LIGHT_GREY,
        ),
        14,
        23,
        Align::Left,
    );
    for (i, label) in ["AX 5.0 mm", "COR 3.0 mm", "SAG 3.0 mm"]
        .into_iter()
        .enumerate()
    {
        canvas.put(
            tech(label, Font::Sans, 11, LIGHT_GREY),
            40,
            60 + 170 * i as i32 + 148,
            Align::Left,
        );
    }
    canvas.put(
        ident("MOREAU Claire", Font::Sans, 18, YELLOW),
        232,
        70,
        Align::Left,
    );
    canvas.put(
        ident("ID: 7730154", Font::Sans, 13, CYAN),
        232,
        92,
        Align::Left,
    );
    canvas.put(
        ident("Née le 30/07/1978", Font::Sans, 13, CYAN),
        232,
        110,
        Align::Left,
    );
    canvas.put(
        ident("Clinique du Parc", Font::Sans, 15, YELLOW),
        1258,
        70,
        Align::Right,
    );
    canvas.put(
        ident("21/02/2024 10:05", Font::NotoMono, 13, CYAN),
        1258,
        92,
        Align::Right,
    );
    canvas.put(
        tech("W: 400 L: 40", Font::NotoMono, 12, GREEN),
        232,
        758,
        Align::Left,
    );
    canvas.put(
        tech("Zoom: 137%", Font::NotoMono, 12, GREEN),
        232,
        776,
        Align::Left,
    );
    // Ten centimetres at 0.5 mm a screen pixel.
    canvas.plane.fill(1058, 776, 1258, 778, WHITE);
    canvas.put(
        tech("10 cm", Font::Sans, 12, WHITE),
        1158,
        768,
        Align::Centre,
    );
    Fixture {
        file: "screenshot.png".to_string(),
        format: "png",
        width: w,
        height: h,
        frames: 1,
        header: None,
        boxes: canvas.boxes(),
        bytes: encode_png(&canvas.plane),
    }
}

/// A hand radiograph under a doctor's contact card, as a patient posts it: the rays are
/// metacarpals and phalanges, each a few bone segments.
fn post_french() -> Fixture {
    let (w, h) = (800, 600);
    let card = 230;
    let rays: [((f32, f32), f32, usize); 5] = [
        ((0.30, 0.92), -0.75, 3),
        ((0.40, 0.88), -0.25, 4),
        ((0.48, 0.87), 0.0, 4),
        ((0.56, 0.88), 0.22, 4),
        ((0.63, 0.9), 0.45, 4),
    ];
    let plane = Plane::rgb(w, h, |x, y| {
        if y < card {
            return [246.0, 244.0, 239.0];
        }
        let (u, v) = (
            (x as f32 + 0.5) / w as f32,
            (y - card) as f32 / (h - card) as f32,
        );
        // Bone is measured in each segment's own radius, flesh in plain distance.
        let (mut bone, mut flesh) = (f32::MAX, f32::MAX);
        for (start, tilt, segments) in rays {
            let (mut a, step) = (start, 0.17);
            for i in 0..segments {
                let len = step * (1.0 - 0.18 * i as f32);
                let b = (a.0 + tilt * len * 0.35, a.1 - len);
                let d = segment_distance((u, v), a, b);
                bone = bone.min(d / (0.016 - 0.002 * i as f32));
                flesh = flesh.min(d);
                a = (b.0 + tilt * 0.006, b.1 - 0.02);
            }
        }
        let carpals = ellipse(u, v, 0.47, 1.02, 0.13, 0.07);
        let wrist = ellipse(u, v, 0.47, 1.05, 0.21, 0.2);
        let level = if bone < 1.0 || carpals < 1.0 {
            205.0
        } else if flesh < 0.035 || wrist < 1.0 {
            70.0
        } else {
            14.0
        };
        let n = 5.0 * noise(101, x, y);
        [level + n, level + n, level * 1.02 + n]
    });
    let mut canvas = Canvas::new(plane);
    canvas.put(
        ident("Dr François Lemaître", Font::Serif, 24, BLACK),
        30,
        50,
        Align::Left,
    );
    canvas.put(
        ident(
            "Radiologie — Cabinet des Lices, Rennes",
            Font::Sans,
            14,
            DARK_GREY,
        ),
        30,
        80,
        Align::Left,
    );
    canvas.put(
        ident("Tél. 06 12 34 56 78", Font::MonoBold, 18, BLACK),
        30,
        118,
        Align::Left,
    );
    canvas.put(
        ident("Patiente : Zoé Bénard", Font::Sans, 16, BLACK),
        30,
        160,
        Align::Left,
    );
    canvas.put(
        tech("Compte rendu joint", Font::Sans, 12, DARK_GREY),
        30,
        200,
        Align::Left,
    );
    canvas.put(
        ident("Zoé Bénard", Font::Sans, 20, WHITE),
        16,
        card as i32 + 30,
        Align::Left,
    );
    canvas.put(
        ident("15/01/2024", Font::NotoMono, 12, WHITE),
        16,
        card as i32 + 50,
        Align::Left,
    );
    canvas.put(
        tech("D", Font::MonoBold, 32, WHITE),
        720,
        card as i32 + 50,
        Align::Left,
    );
    canvas.put(
        tech("Main droite face", Font::Sans, 12, LIGHT_GREY),
        784,
        h as i32 - 12,
        Align::Right,
    );
    Fixture {
        file: "post_french.png".to_string(),
        format: "png",
        width: w,
        height: h,
        frames: 1,
        header: None,
        boxes: canvas.boxes(),
        bytes: encode_png(&canvas.plane),
    }
}
