//! Writes the photos that caviar's tests scrub, and the list of what was planted in each.
//!
//! The metadata is written byte by byte here rather than with caviar's own code, so that the
//! tests never check the library against itself: a misreading of a format in `src/` cannot be
//! mirrored by the data it is tested on. Only the pictures come from `image`'s encoders.
//!
//! `cargo run --release --example make_fixtures` rewrites `fixtures/photos/` and
//! `fixtures/planted.json`; the output depends on nothing but this file, so a second run gives
//! the same bytes.
//!
//! `cargo run --release --example make_fixtures -- --bench DIR N` writes N phone-sized JPEGs for
//! timing caviar against other scrubbers.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::imageops;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};
use serde::Serialize;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            write_fixtures(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
            ExitCode::SUCCESS
        }
        [flag, dir, count] if flag == "--bench" => match count.parse() {
            Ok(count) => {
                write_bench(Path::new(dir), count);
                ExitCode::SUCCESS
            }
            Err(_) => usage(),
        },
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: make_fixtures              rewrite fixtures/photos and fixtures/planted.json"
    );
    eprintln!("       make_fixtures --bench DIR N  write N phone-like JPEGs into DIR");
    ExitCode::from(2)
}

// ---------------------------------------------------------------------------------------------
// The picture: a chest X-ray film on a lightbox, photographed.
// ---------------------------------------------------------------------------------------------

/// What the film's label says: the cropped pictures do not show it, the thumbnail does.
const PATIENT_ON_LABEL: &str = "DUPONTEL M-C";
const PATIENT_BIRTH_ON_LABEL: &str = "12.04.1957";

/// A portrait film, 3 wide by 4 high; `u` and `v` run from 0 to 1 across it. The name label sits
/// in the top band so that every main picture, cropped below it, shows no text, while the
/// thumbnail of the uncropped film does.
fn film(u: f32, v: f32) -> f32 {
    let ellipse = |cu: f32, cv: f32, ru: f32, rv: f32, soft: f32| {
        let d = (((u - cu) / ru).powi(2) + ((v - cv) / rv).powi(2)).sqrt();
        ((1.0 - d) / soft).clamp(0.0, 1.0)
    };
    if let Some(ink) = label(u, v) {
        return ink;
    }
    let body = ellipse(0.5, 0.68, 0.44, 0.56, 0.06);
    let lungs = ellipse(0.33, 0.55, 0.14, 0.27, 0.25) + ellipse(0.67, 0.55, 0.14, 0.27, 0.25);
    let heart = ellipse(0.58, 0.68, 0.14, 0.12, 0.4);
    let mut l = 0.07 + 0.38 * body - 0.24 * lungs + 0.2 * heart;
    let from_spine = (u - 0.5).abs();
    if from_spine < 0.045 {
        l += body * (0.28 + 0.06 * (v * 90.0).sin());
    } else {
        for k in 0..9 {
            let arc = 0.33 + 0.058 * k as f32 + 0.14 * (from_spine / 0.4).powi(2);
            let d = (v - arc).abs();
            if d < 0.009 && from_spine < 0.42 {
                l += body * 0.2 * (1.0 - d / 0.009);
            }
        }
    }
    // The lead marker that tells the patient's left, white on the film.
    if inked(u, v, 0.78, 0.22, 0.012, 0.009, "L") {
        l = l.max(0.95);
    }
    // The lightbox is brighter in its middle.
    l * (1.0 - 0.3 * ((u - 0.5).powi(2) + (v - 0.5).powi(2)))
}

/// The paper label stuck on the film, with the patient's name and birth date in ink. Its text
/// cells are one pixel of a 120x160 rendering, the size of an EXIF thumbnail.
fn label(u: f32, v: f32) -> Option<f32> {
    let (cu, cv) = (1.0 / 120.0, 1.0 / 160.0);
    if !(4.0 * cu..80.0 * cu).contains(&u) || !(4.0 * cv..24.0 * cv).contains(&v) {
        return None;
    }
    let ink = inked(u, v, 6.0 * cu, 6.0 * cv, cu, cv, PATIENT_ON_LABEL)
        || inked(u, v, 6.0 * cu, 15.0 * cv, cu, cv, PATIENT_BIRTH_ON_LABEL);
    Some(if ink { 0.1 } else { 0.92 })
}

/// Whether the point falls on an inked cell of `text` set at (`u0`, `v0`) in `cu` x `cv` cells.
fn inked(u: f32, v: f32, u0: f32, v0: f32, cu: f32, cv: f32, text: &str) -> bool {
    let (col, row) = (((u - u0) / cu).floor(), ((v - v0) / cv).floor());
    if col < 0.0 || !(0.0..7.0).contains(&row) {
        return false;
    }
    let (col, row) = (col as usize, row as usize);
    let Some(ch) = text.chars().nth(col / 6) else {
        return false;
    };
    let rows = FONT
        .iter()
        .find(|(c, _)| *c == ch)
        .unwrap_or_else(|| panic!("no glyph for {ch:?}"))
        .1;
    rows[row].as_bytes().get(col % 6) == Some(&b'#')
}

/// Only the characters the film shows.
#[rustfmt::skip]
const FONT: &[(char, [&str; 7])] = &[
    (' ', [".....", ".....", ".....", ".....", ".....", ".....", "....."]),
    ('-', [".....", ".....", ".....", "#####", ".....", ".....", "....."]),
    ('.', [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."]),
    ('0', [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."]),
    ('1', ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."]),
    ('2', [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"]),
    ('4', ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."]),
    ('5', ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."]),
    ('7', ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."]),
    ('9', [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."]),
    ('C', [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."]),
    ('D', ["####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."]),
    ('E', ["#####", "#....", "#....", "####.", "#....", "#....", "#####"]),
    ('L', ["#....", "#....", "#....", "#....", "#....", "#....", "#####"]),
    ('M', ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"]),
    ('N', ["#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"]),
    ('O', [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."]),
    ('P', ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."]),
    ('T', ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."]),
    ('U', ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."]),
];

/// Which part of the film a picture shows.
#[derive(Clone, Copy)]
struct View {
    u0: f32,
    v0: f32,
    size: f32,
}

/// The whole film, label included: what the camera saw before the user cropped.
const UNCROPPED: View = View {
    u0: 0.0,
    v0: 0.0,
    size: 1.0,
};

/// The crop a user would share: below the label, so the main picture carries no name.
const CROPPED: View = View {
    u0: 0.1,
    v0: 0.17,
    size: 0.8,
};

/// Renders the picture as it should be displayed (upright, `width` x 4/3 `width`). `grain` is
/// the film grain's amplitude in grey levels; it comes from a fixed-seed hash, so the same
/// arguments always give the same pixels.
fn render(width: u32, view: View, grain: f32, seed: u64) -> RgbImage {
    let height = width * 4 / 3;
    RgbImage::from_fn(width, height, |x, y| {
        let u = view.u0 + view.size * (x as f32 + 0.5) / width as f32;
        let v = view.v0 + view.size * (y as f32 + 0.5) / height as f32;
        let l = film(u, v) * 255.0;
        let noise = grain * (hash(seed, x, y) as f32 / u64::MAX as f32 - 0.5) * 2.0;
        // The lightbox is a cool white, so the film's greys come out slightly blue.
        let tint = |gain: f32, lift: f32| (l * gain + lift + noise).round().clamp(0.0, 255.0) as u8;
        Rgb([tint(0.93, 4.0), tint(0.97, 6.0), tint(1.0, 12.0)])
    })
}

/// SplitMix64 of the pixel position: a film grain with no state and no dependency.
fn hash(seed: u64, x: u32, y: u32) -> u64 {
    let mut z = seed ^ (((x as u64) << 32) | y as u64);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The pixels a camera stores for a picture meant to be shown upright under EXIF `orientation`,
/// so that a viewer which honours the tag shows the film upright and one that ignores it does
/// not.
fn stored_for(display: &RgbImage, orientation: u16) -> RgbImage {
    match orientation {
        1 => display.clone(),
        3 => imageops::rotate180(display),
        5 => imageops::flip_horizontal(&imageops::rotate90(display)),
        6 => imageops::rotate270(display),
        8 => imageops::rotate90(display),
        _ => unreachable!("no fixture uses orientation {orientation}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Encoders: the pixels come from `image`, everything around them is written here.
// ---------------------------------------------------------------------------------------------

fn encode_jpeg(picture: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(picture)
        .expect("JPEG encoding");
    out
}

fn encode_png(picture: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            ExtendedColorType::Rgb8,
        )
        .expect("PNG encoding");
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(data).expect("zlib into memory");
    z.finish().expect("zlib into memory")
}

fn be16(v: u16) -> [u8; 2] {
    v.to_be_bytes()
}

fn be32(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

// ---------------------------------------------------------------------------------------------
// TIFF structures: EXIF, GPS, MPF and the TIFF file itself.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Order {
    Big,
    Little,
}

impl Order {
    fn u16(self, v: u16) -> [u8; 2] {
        match self {
            Order::Big => v.to_be_bytes(),
            Order::Little => v.to_le_bytes(),
        }
    }

    fn u32(self, v: u32) -> [u8; 4] {
        match self {
            Order::Big => v.to_be_bytes(),
            Order::Little => v.to_le_bytes(),
        }
    }
}

/// The TIFF field types the fixtures use.
enum Value {
    Byte(Vec<u8>),
    Ascii(String),
    Short(Vec<u16>),
    Long(Vec<u32>),
    Rational(Vec<(u32, u32)>),
    Undefined(Vec<u8>),
    /// A LONG pointing at a sub-IFD written after this one (EXIF, GPS).
    Ifd(Ifd),
    /// A LONG pointing at a block of bytes written after this IFD (thumbnail, strip).
    Blob(Vec<u8>),
}

impl Value {
    /// The bytes of the value as they sit in the file: needles are computed from this too.
    fn bytes(&self, order: Order) -> (u16, u32, Vec<u8>) {
        match self {
            Value::Byte(b) => (1, b.len() as u32, b.clone()),
            Value::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (2, b.len() as u32, b)
            }
            Value::Short(v) => (
                3,
                v.len() as u32,
                v.iter().flat_map(|&x| order.u16(x)).collect(),
            ),
            Value::Long(v) => (
                4,
                v.len() as u32,
                v.iter().flat_map(|&x| order.u32(x)).collect(),
            ),
            Value::Rational(v) => (
                5,
                v.len() as u32,
                v.iter()
                    .flat_map(|&(n, d)| [order.u32(n), order.u32(d)])
                    .flatten()
                    .collect(),
            ),
            Value::Undefined(b) => (7, b.len() as u32, b.clone()),
            Value::Ifd(_) | Value::Blob(_) => unreachable!("pointers are laid out by write_ifd"),
        }
    }
}

type Ifd = Vec<(u16, Value)>;

/// A TIFF structure whose IFDs are chained in the order given; offsets count from its first
/// byte, as in EXIF, MPF and TIFF files alike.
fn tiff(order: Order, chain: Vec<Ifd>) -> Vec<u8> {
    let mut buf = match order {
        Order::Big => b"MM\0\x2a".to_vec(),
        Order::Little => b"II\x2a\0".to_vec(),
    };
    let mut link = buf.len();
    buf.extend([0; 4]);
    for ifd in chain {
        let (offset, next) = write_ifd(&mut buf, order, ifd);
        buf[link..link + 4].copy_from_slice(&order.u32(offset));
        link = next;
    }
    buf
}

/// Returns the IFD's offset and where its next-IFD pointer is.
fn write_ifd(buf: &mut Vec<u8>, order: Order, mut ifd: Ifd) -> (u32, usize) {
    ifd.sort_by_key(|(tag, _)| *tag);
    align(buf);
    let start = buf.len();
    let next = start + 2 + 12 * ifd.len();
    buf.extend(order.u16(ifd.len() as u16));
    buf.resize(next + 4, 0);
    for (i, (tag, value)) in ifd.into_iter().enumerate() {
        let (kind, count, field) = match value {
            Value::Ifd(sub) => (4, 1, order.u32(write_ifd(buf, order, sub).0)),
            Value::Blob(data) => (4, 1, order.u32(append(buf, &data))),
            value => {
                let (kind, count, data) = value.bytes(order);
                let field = if data.len() <= 4 {
                    let mut f = [0; 4];
                    f[..data.len()].copy_from_slice(&data);
                    f
                } else {
                    order.u32(append(buf, &data))
                };
                (kind, count, field)
            }
        };
        let at = start + 2 + 12 * i;
        buf[at..at + 2].copy_from_slice(&order.u16(tag));
        buf[at + 2..at + 4].copy_from_slice(&order.u16(kind));
        buf[at + 4..at + 8].copy_from_slice(&order.u32(count));
        buf[at + 8..at + 12].copy_from_slice(&field);
    }
    (start as u32, next)
}

/// TIFF wants values on word boundaries.
fn align(buf: &mut Vec<u8>) {
    if buf.len() % 2 == 1 {
        buf.push(0);
    }
}

fn append(buf: &mut Vec<u8>, data: &[u8]) -> u32 {
    align(buf);
    let offset = buf.len() as u32;
    buf.extend_from_slice(data);
    offset
}

fn ascii(s: &str) -> Value {
    Value::Ascii(s.to_string())
}

/// Degrees, minutes and hundredths of seconds, as phones write them.
fn dms(deg: u32, min: u32, sec_hundredths: u32) -> Value {
    Value::Rational(vec![(deg, 1), (min, 1), (sec_hundredths, 100)])
}

/// Where the phone was: 48°51'23.76"N 2°21'7.92"E (48.8566 N, 2.3522 E), 35.12 m up. The
/// benchmark moves the seconds so that no two of its files are alike.
struct Gps {
    lat_hundredths_of_second: u32,
    lon_hundredths_of_second: u32,
}

const PARIS: Gps = Gps {
    lat_hundredths_of_second: 2376,
    lon_hundredths_of_second: 792,
};

const GPS_DATE: &str = "2024:03:17";

impl Gps {
    fn latitude(&self) -> Value {
        dms(48, 51, self.lat_hundredths_of_second)
    }

    fn longitude(&self) -> Value {
        dms(2, 21, self.lon_hundredths_of_second)
    }

    fn ifd(&self) -> Value {
        Value::Ifd(vec![
            (0x0000, Value::Byte(vec![2, 3, 0, 0])),
            (0x0001, ascii("N")),
            (0x0002, self.latitude()),
            (0x0003, ascii("E")),
            (0x0004, self.longitude()),
            (0x0005, Value::Byte(vec![0])),
            (0x0006, Value::Rational(vec![(3512, 100)])),
            (0x0007, Value::Rational(vec![(8, 1), (41, 1), (27, 1)])),
            (0x001D, ascii(GPS_DATE)),
        ])
    }

    fn needles(&self, order: Order) -> Vec<Needle> {
        vec![
            Needle::raw(
                "GPSLatitude rationals 48/1 51/1 2376/100 (48°51'23.76\" N)",
                &self.latitude().bytes(order).2,
            ),
            Needle::raw(
                "GPSLongitude rationals 2/1 21/1 792/100 (2°21'7.92\" E)",
                &self.longitude().bytes(order).2,
            ),
            // With its NUL, so as not to match the date inside DateTimeOriginal.
            Needle::raw("GPSDateStamp", &[GPS_DATE.as_bytes(), b"\0"].concat()),
        ]
    }
}

/// The tags EXIF requires of every camera JPEG, so that the identifying ones sit among ordinary
/// ones as in a real file and exiftool's validation has nothing to say.
fn camera_ifd0(specific: Ifd) -> Ifd {
    let mut ifd = vec![
        (0x011A, Value::Rational(vec![(72, 1)])),
        (0x011B, Value::Rational(vec![(72, 1)])),
        (0x0128, Value::Short(vec![2])),
        (0x0213, Value::Short(vec![1])),
    ];
    ifd.extend(specific);
    ifd
}

fn camera_exif_ifd(picture: &RgbImage, specific: Ifd) -> Value {
    let mut ifd = vec![
        (0x9000, Value::Undefined(b"0232".to_vec())),
        (0x9101, Value::Undefined(vec![1, 2, 3, 0])),
        (0xA000, Value::Undefined(b"0100".to_vec())),
        (0xA001, Value::Short(vec![1])),
        (0xA002, Value::Long(vec![picture.width()])),
        (0xA003, Value::Long(vec![picture.height()])),
    ];
    ifd.extend(specific);
    Value::Ifd(ifd)
}

/// IFD1: a JPEG thumbnail, which phones write and which shows the picture before any crop.
fn thumbnail_ifd(thumbnail: &[u8]) -> Ifd {
    vec![
        (0x0103, Value::Short(vec![6])),
        (0x011A, Value::Rational(vec![(72, 1)])),
        (0x011B, Value::Rational(vec![(72, 1)])),
        (0x0128, Value::Short(vec![2])),
        (0x0201, Value::Blob(thumbnail.to_vec())),
        (0x0202, Value::Long(vec![thumbnail.len() as u32])),
    ]
}

const ORIENTATION: u16 = 0x0112;
const EXIF_IFD: u16 = 0x8769;
const GPS_IFD: u16 = 0x8825;

// ---------------------------------------------------------------------------------------------
// Metadata payloads shared by several containers.
// ---------------------------------------------------------------------------------------------

/// A small but complete ICC v2 display profile (sRGB primaries, gamma 2.2), built here so the
/// fixtures carry a profile that lcms and exiftool accept and that a scrubber must keep.
fn icc_profile() -> Vec<u8> {
    fn s15(v: f64) -> [u8; 4] {
        be32((v * 65536.0).round() as i32 as u32)
    }
    fn xyz(x: f64, y: f64, z: f64) -> Vec<u8> {
        [b"XYZ ".as_slice(), &[0; 4], &s15(x), &s15(y), &s15(z)].concat()
    }
    let description = "Caviar fixture sRGB-like";
    let mut desc = [
        b"desc".as_slice(),
        &[0; 4],
        &be32(description.len() as u32 + 1),
    ]
    .concat();
    desc.extend(description.as_bytes());
    desc.extend([0; 1 + 4 + 4 + 2 + 1 + 67]);
    let cprt = [b"text".as_slice(), &[0; 4], b"No copyright, use freely\0"].concat();
    let curve = [b"curv".as_slice(), &[0; 4], &be32(1), &be16(0x0233)].concat();
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", desc),
        (b"cprt", cprt),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let mut header = Vec::with_capacity(128);
    header.extend([0; 4]); // size, patched below
    header.extend([0; 4]);
    header.extend(be32(0x0210_0000));
    header.extend(b"mntrRGB XYZ ");
    for part in [2024, 1, 1, 0, 0, 0] {
        header.extend(be16(part));
    }
    header.extend(b"acsp");
    header.extend([0; 4 + 4 + 4 + 4 + 8 + 4]);
    header.extend([s15(0.9642), s15(1.0), s15(0.8249)].concat());
    header.extend([0; 4 + 16 + 28]);
    let mut table = be32(tags.len() as u32).to_vec();
    let mut data = Vec::new();
    let data_start = 128 + 4 + 12 * tags.len();
    for (signature, body) in &tags {
        table.extend(*signature);
        table.extend(be32((data_start + data.len()) as u32));
        table.extend(be32(body.len() as u32));
        data.extend(body);
        data.resize(data.len().next_multiple_of(4), 0);
    }
    let mut profile = [header, table, data].concat();
    let size = be32(profile.len() as u32);
    profile[..4].copy_from_slice(&size);
    profile
}

/// An XMP packet as Adobe software writes it, around the given properties.
fn xmp_packet(properties: &str) -> String {
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 9.1-c002 79.f354efc70">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:exif="http://ns.adobe.com/exif/1.0/">
{properties}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{feff}'
    )
}

fn xmp_creator(name: &str) -> String {
    format!("   <dc:creator><rdf:Seq><rdf:li>{name}</rdf:li></rdf:Seq></dc:creator>")
}

// ---------------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------------

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).expect("JPEG segment over 64 kB");
    [&[0xFF, marker][..], &be16(length), payload].concat()
}

/// The encoder's output without its SOI and without the JFIF APP0 it always writes, so that
/// the segments a camera writes can be put first, where cameras put them.
fn jpeg_tables_and_scan(encoded: &[u8]) -> Vec<u8> {
    assert_eq!(encoded[..2], [0xFF, 0xD8], "encoder output starts with SOI");
    let mut kept = Vec::new();
    let mut i = 2;
    loop {
        assert_eq!(encoded[i], 0xFF, "marker at {i}");
        let marker = encoded[i + 1];
        if marker == 0xDA {
            kept.extend(&encoded[i..]);
            return kept;
        }
        let end = i + 2 + u16::from_be_bytes([encoded[i + 2], encoded[i + 3]]) as usize;
        if !(0xE0..=0xEF).contains(&marker) && marker != 0xFE {
            kept.extend(&encoded[i..end]);
        }
        i = end;
    }
}

fn jpeg(segments: &[Vec<u8>], tables_and_scan: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    for s in segments {
        out.extend(s);
    }
    out.extend(tables_and_scan);
    out
}

fn app1_exif(tiff: &[u8]) -> Vec<u8> {
    segment(0xE1, &[b"Exif\0\0".as_slice(), tiff].concat())
}

fn app1_xmp(packet: &str) -> Vec<u8> {
    segment(
        0xE1,
        &[
            b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
            packet.as_bytes(),
        ]
        .concat(),
    )
}

fn app2_icc(profile: &[u8]) -> Vec<u8> {
    segment(
        0xE2,
        &[b"ICC_PROFILE\0\x01\x01".as_slice(), profile].concat(),
    )
}

/// APP13 as Photoshop writes it: one 8BIM resource 0x0404 holding IPTC-IIM records.
fn app13_iptc(datasets: &[(u8, &str)]) -> Vec<u8> {
    let mut iim = vec![0x1C, 2, 0, 0, 2, 0, 4]; // 2:00 record version 4
    for (dataset, text) in datasets {
        iim.extend([0x1C, 2, *dataset]);
        iim.extend(be16(text.len() as u16));
        iim.extend(text.as_bytes());
    }
    let mut payload = b"Photoshop 3.0\0".to_vec();
    payload.extend(b"8BIM");
    payload.extend(be16(0x0404));
    payload.extend([0, 0]); // empty Pascal name, padded to even
    payload.extend(be32(iim.len() as u32));
    payload.extend(&iim);
    if iim.len() % 2 == 1 {
        payload.push(0);
    }
    segment(0xED, &payload)
}

/// The phone's main fixture: every kind of JPEG metadata at once, as a phone and then a desktop
/// editor would leave them.
fn phone_jpeg(icc: &[u8]) -> Fixture {
    let orientation = 6;
    let stored = stored_for(&render(240, CROPPED, 3.0, 1), orientation);
    let main = jpeg_tables_and_scan(&encode_jpeg(&stored, 85));
    let thumbnail = {
        let uncropped = stored_for(&render(120, UNCROPPED, 2.0, 2), orientation);
        [
            &[0xFF, 0xD8][..],
            &jpeg_tables_and_scan(&encode_jpeg(&uncropped, 90)),
        ]
        .concat()
    };
    let order = Order::Big;
    let exif = tiff(
        order,
        vec![
            camera_ifd0(vec![
                (0x010F, ascii("samsung")),
                (0x0110, ascii("Galaxy S23 Ultra SM-S918B")),
                (ORIENTATION, Value::Short(vec![orientation])),
                (0x0131, ascii("S918BXXU3BWK7")),
                (0x0132, ascii("2024:03:18 18:02:55")),
                (0x013B, ascii("Dr. Anselme QUINTAVALLE")),
                (
                    EXIF_IFD,
                    camera_exif_ifd(
                        &stored,
                        vec![
                            (0x9003, ascii("2024:03:17 09:41:27")),
                            (0xA420, ascii("0C0FFEE0CAF1A2B3C4D5E6F708192A3B")),
                            (0xA430, ascii("Jean-Baptiste LEFEVRE")),
                            (0xA431, ascii("SN-CAVIAR-58213")),
                        ],
                    ),
                ),
                (GPS_IFD, PARIS.ifd()),
            ]),
            thumbnail_ifd(&thumbnail),
        ],
    );
    let xmp = xmp_packet(
        &[
            xmp_creator("Hortense VALMONTEIL-ROUX"),
            "   <photoshop:City>Saint-Caviar-sur-Loire</photoshop:City>".into(),
            "   <exif:GPSLatitude>48,51.396N</exif:GPSLatitude>".into(),
            "   <xmpMM:DocumentID>xmp.did:8e2d7c1a-caviar-doc-4471</xmpMM:DocumentID>".into(),
            r#"   <xmpMM:History>
    <rdf:Seq>
     <rdf:li rdf:parseType="Resource">
      <stEvt:action>saved</stEvt:action>
      <stEvt:instanceID>xmp.iid:5f0c2e8a-caviar-hist-0417</stEvt:instanceID>
      <stEvt:when>2024-03-18T18:02:55+01:00</stEvt:when>
      <stEvt:softwareAgent>Adobe Photoshop Lightroom Classic 13.2 (Windows) on RADIO-PC-0417</stEvt:softwareAgent>
      <stEvt:changed>/metadata</stEvt:changed>
     </rdf:li>
    </rdf:Seq>
   </xmpMM:History>"#
                .into(),
        ]
        .join("\n"),
    );
    let comment = "Photographed for Dr. Octave BELLEFONTAINE, ward 4B";
    let trailer = b"\x00\x00SEFH-like trailer: cloud account sylvain.marechal-caviar@example.org";
    let mut bytes = jpeg(
        &[
            app1_exif(&exif),
            app1_xmp(&xmp),
            app2_icc(icc),
            app13_iptc(&[
                (80, "Gaspard ROCHEBRUNE"),
                (90, "Caviar-les-Bains"),
                (120, "Chest X-ray of Marie-Claire DUPONTEL, born 12.04.1957"),
            ]),
            segment(0xFE, comment.as_bytes()),
        ],
        &main,
    );
    bytes.extend(trailer);
    let middle = thumbnail.len() / 2;
    let mut planted = vec![
        Needle::text("EXIF Make", "samsung"),
        Needle::text("EXIF Model", "Galaxy S23 Ultra SM-S918B"),
        Needle::text("EXIF DateTime", "2024:03:18 18:02:55"),
        Needle::text("EXIF Artist", "Dr. Anselme QUINTAVALLE"),
        Needle::text("EXIF DateTimeOriginal", "2024:03:17 09:41:27"),
        Needle::text("EXIF ImageUniqueID", "0C0FFEE0CAF1A2B3C4D5E6F708192A3B"),
        Needle::text("EXIF CameraOwnerName (0xA430)", "Jean-Baptiste LEFEVRE"),
        Needle::text("EXIF BodySerialNumber (0xA431)", "SN-CAVIAR-58213"),
    ];
    planted.extend(PARIS.needles(order));
    planted.extend([
        Needle::raw(
            "IFD1 thumbnail: 64 bytes from the middle of a JPEG of the uncropped film, \
             whose label shows the patient's name",
            &thumbnail[middle - 32..middle + 32],
        ),
        Needle::text("XMP dc:creator", "Hortense VALMONTEIL-ROUX"),
        Needle::text("XMP photoshop:City", "Saint-Caviar-sur-Loire"),
        Needle::text("XMP exif:GPSLatitude", "48,51.396N"),
        Needle::text("XMP xmpMM:DocumentID", "xmp.did:8e2d7c1a-caviar-doc-4471"),
        Needle::text(
            "XMP xmpMM:History instanceID",
            "xmp.iid:5f0c2e8a-caviar-hist-0417",
        ),
        Needle::text(
            "XMP xmpMM:History softwareAgent",
            "Lightroom Classic 13.2 (Windows) on RADIO-PC-0417",
        ),
        Needle::text("IPTC 2:80 By-line", "Gaspard ROCHEBRUNE"),
        Needle::text("IPTC 2:90 City", "Caviar-les-Bains"),
        Needle::text("IPTC 2:120 Caption (patient name)", "Marie-Claire DUPONTEL"),
        Needle::text("COM comment", comment),
        Needle::raw("bytes after EOI", trailer),
    ]);
    Fixture {
        path: "photos/phone_everything.jpg",
        format: "JPEG",
        orientation,
        width: stored.width(),
        height: stored.height(),
        pictures: 1,
        planted,
        kept: vec![Needle::raw("ICC profile (APP2 ICC_PROFILE)", icc)],
        bytes,
    }
}

/// A stereo camera's MPO: two complete JPEGs back to back, the first carrying the MPF index
/// that locates the second. Each has its own EXIF, so a scrubber that only looks at the first
/// picture leaves the second camera body's serial and owner behind.
fn stereo_mpo() -> Fixture {
    let order = Order::Little;
    let left = render(
        240,
        View {
            u0: 0.11,
            ..CROPPED
        },
        3.0,
        3,
    );
    let right = render(
        240,
        View {
            u0: 0.09,
            ..CROPPED
        },
        3.0,
        4,
    );
    let scans = [&left, &right].map(|p| jpeg_tables_and_scan(&encode_jpeg(p, 85)));
    let exif = |serial: &str, owner: &str, gps: bool| {
        let mut ifd0 = camera_ifd0(vec![
            (0x010F, ascii("FUJIFILM")),
            (0x0110, ascii("FinePix REAL 3D W3")),
            (ORIENTATION, Value::Short(vec![1])),
            (
                EXIF_IFD,
                camera_exif_ifd(
                    &left,
                    vec![
                        (0x9003, ascii("2023:08:02 15:04:11")),
                        (0xA430, ascii(owner)),
                        (0xA431, ascii(serial)),
                    ],
                ),
            ),
        ]);
        if gps {
            ifd0.push((GPS_IFD, PARIS.ifd()));
        }
        app1_exif(&tiff(order, vec![ifd0]))
    };
    let exifs = [
        exif("SN-FUJI3D-LEFT-40917", "Apolline MARCHETTI-VIDAL", true),
        exif("SN-FUJI3D-RIGHT-77164", "Bastien KERGUELEN-ORSAY", false),
    ];
    let attributes = |number: u32| {
        vec![
            (0xB000, Value::Undefined(b"0100".to_vec())),
            (0xB101, Value::Long(vec![number])),
        ]
    };
    // MPF offsets count from the first picture's MPF TIFF header, whose place depends only on
    // segment lengths, so one pass with zero placeholders gives the layout of the real one.
    let build = |sizes: [u32; 2], second_offset: u32| {
        let mut entries = Vec::new();
        for (attribute, size, offset) in [
            (0x2002_0002u32, sizes[0], 0),
            (0x0002_0002, sizes[1], second_offset),
        ] {
            entries.extend(order.u32(attribute));
            entries.extend(order.u32(size));
            entries.extend(order.u32(offset));
            entries.extend([0; 4]);
        }
        let index = vec![
            (0xB000, Value::Undefined(b"0100".to_vec())),
            (0xB001, Value::Long(vec![2])),
            (0xB002, Value::Undefined(entries)),
        ];
        let mpf = |chain| segment(0xE2, &[b"MPF\0".as_slice(), &tiff(order, chain)].concat());
        let first = jpeg(
            &[exifs[0].clone(), mpf(vec![index, attributes(1)])],
            &scans[0],
        );
        let second = jpeg(&[exifs[1].clone(), mpf(vec![attributes(2)])], &scans[1]);
        let mpf_header = 2 + exifs[0].len() + 4 + 4;
        (first, second, mpf_header)
    };
    let (first, second, mpf_header) = build([0, 0], 0);
    let sizes = [first.len() as u32, second.len() as u32];
    let (first, second, _) = build(sizes, (first.len() - mpf_header) as u32);
    let bytes = [first, second].concat();
    let mut planted = vec![
        Needle::text("picture 1 EXIF BodySerialNumber", "SN-FUJI3D-LEFT-40917"),
        Needle::text("picture 1 EXIF CameraOwnerName", "Apolline MARCHETTI-VIDAL"),
        Needle::text("picture 2 EXIF BodySerialNumber", "SN-FUJI3D-RIGHT-77164"),
        Needle::text("picture 2 EXIF CameraOwnerName", "Bastien KERGUELEN-ORSAY"),
    ];
    planted.extend(PARIS.needles(order));
    Fixture {
        path: "photos/stereo_two_exif.mpo",
        format: "JPEG",
        orientation: 1,
        width: left.width(),
        height: left.height(),
        pictures: 2,
        planted,
        kept: vec![],
        bytes,
    }
}

/// What caviar should output for a JPEG: the picture and an EXIF holding only the orientation.
/// Orientation 1 means there is nothing left to keep or remove either way.
fn orientation_only_jpeg() -> Fixture {
    let picture = render(240, CROPPED, 3.0, 5);
    let exif = tiff(
        Order::Little,
        vec![vec![(ORIENTATION, Value::Short(vec![1]))]],
    );
    clean(
        "photos/orientation1_only_exif.jpg",
        "JPEG",
        &picture,
        jpeg(
            &[app1_exif(&exif)],
            &jpeg_tables_and_scan(&encode_jpeg(&picture, 85)),
        ),
    )
}

/// No APP segment at all, not even the encoder's JFIF, so nothing in it can be called metadata.
fn clean_jpeg() -> Fixture {
    let picture = render(240, CROPPED, 3.0, 6);
    clean(
        "photos/clean.jpg",
        "JPEG",
        &picture,
        jpeg(&[], &jpeg_tables_and_scan(&encode_jpeg(&picture, 85))),
    )
}

fn clean_png() -> Fixture {
    let picture = render(120, CROPPED, 0.0, 0);
    clean("photos/clean.png", "PNG", &picture, encode_png(&picture))
}

fn clean(path: &'static str, format: &'static str, picture: &RgbImage, bytes: Vec<u8>) -> Fixture {
    Fixture {
        path,
        format,
        orientation: 1,
        width: picture.width(),
        height: picture.height(),
        pictures: 1,
        planted: vec![],
        kept: vec![],
        bytes,
    }
}

// ---------------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------------

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    [&be32(data.len() as u32)[..], kind, data, &be32(crc.sum())].concat()
}

/// The encoder's chunks after the signature, as (type, whole chunk).
fn png_chunks(encoded: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut i = 8;
    while i < encoded.len() {
        let length = u32::from_be_bytes(encoded[i..i + 4].try_into().unwrap()) as usize;
        let kind = encoded[i + 4..i + 8].try_into().unwrap();
        chunks.push((kind, encoded[i..i + 12 + length].to_vec()));
        i += 12 + length;
    }
    chunks
}

fn png_fixture(icc: &[u8]) -> Fixture {
    let orientation = 3;
    let stored = stored_for(&render(120, CROPPED, 0.0, 0), orientation);
    let order = Order::Little;
    let exif = tiff(
        order,
        vec![vec![
            (ORIENTATION, Value::Short(vec![orientation])),
            (
                EXIF_IFD,
                Value::Ifd(vec![(0xA431, ascii("SN-PNG-EXIF-31877"))]),
            ),
            (GPS_IFD, PARIS.ifd()),
        ]],
    );
    let author = "Eloise FONTVIEILLE";
    // Long enough that deflate codes it rather than storing it as is.
    let comment = "Sent to Leopold ARMANGUE before the consultation of 17 March; \
                   please compare with the films of the previous consultation, \
                   which the consultation room keeps under the same reference.";
    let description = "Radiographie thoracique de Capucine DELAHOUSSE";
    let xmp = xmp_packet(&xmp_creator("Timothee VANDERSTRAETEN"));
    let private = "MRN CAV-7731902, ward Pneumologie B";
    let time = [0x07, 0xE8, 3, 17, 9, 41, 27];
    let trailer = b"after IEND: uploaded by Noemie BRASSENS";
    let before_image = [
        png_chunk(
            b"iCCP",
            &[b"Caviar sRGB-like\0\0".as_slice(), &zlib(icc)].concat(),
        ),
        png_chunk(b"eXIf", &exif),
        png_chunk(
            b"tEXt",
            &[b"Author\0".as_slice(), author.as_bytes()].concat(),
        ),
        png_chunk(
            b"iTXt",
            &[
                b"Description\0\0\0fr\0Description\0".as_slice(),
                description.as_bytes(),
            ]
            .concat(),
        ),
        png_chunk(
            b"iTXt",
            &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), xmp.as_bytes()].concat(),
        ),
        png_chunk(b"prIv", private.as_bytes()),
    ];
    // Text and time may also follow the image data, and some writers put them there.
    let after_image = [
        png_chunk(
            b"zTXt",
            &[b"Comment\0\0".as_slice(), &zlib(comment.as_bytes())].concat(),
        ),
        png_chunk(b"tIME", &time),
    ];
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, chunk) in png_chunks(&encode_png(&stored)) {
        if &kind == b"IEND" {
            bytes.extend(after_image.concat());
        }
        bytes.extend(chunk);
        if &kind == b"IHDR" {
            bytes.extend(before_image.concat());
        }
    }
    bytes.extend(trailer);
    let mut planted = vec![Needle::text("eXIf BodySerialNumber", "SN-PNG-EXIF-31877")];
    planted.extend(PARIS.needles(order));
    planted.extend([
        Needle::text("tEXt Author", author),
        Needle::compressed("zTXt Comment (zlib-compressed in the file)", comment),
        Needle::text("iTXt Description", description),
        Needle::text(
            "iTXt XML:com.adobe.xmp dc:creator",
            "Timothee VANDERSTRAETEN",
        ),
        Needle::raw(
            "tIME 2024-03-17 09:41:27 (chunk type and data)",
            &[b"tIME".as_slice(), &time].concat(),
        ),
        Needle::text("private chunk prIv", private),
        Needle::raw("bytes after IEND", trailer),
    ]);
    Fixture {
        path: "photos/png_all_chunks.png",
        format: "PNG",
        orientation,
        width: stored.width(),
        height: stored.height(),
        pictures: 1,
        planted,
        kept: vec![Needle::compressed(
            "ICC profile (iCCP, zlib-compressed)",
            icc,
        )],
        bytes,
    }
}

// ---------------------------------------------------------------------------------------------
// WebP
// ---------------------------------------------------------------------------------------------

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = [kind.as_slice(), &(data.len() as u32).to_le_bytes(), data].concat();
    if data.len() % 2 == 1 {
        chunk.push(0);
    }
    chunk
}

/// The extended (VP8X) layout phones and editors use once there is metadata: the lossless
/// bitstream from `image`, with ICCP before it and EXIF and XMP after it, as the spec orders.
fn webp_fixture(icc: &[u8]) -> Fixture {
    let orientation = 8;
    let stored = stored_for(&render(120, CROPPED, 0.0, 0), orientation);
    let mut encoded = Vec::new();
    WebPEncoder::new_lossless(&mut encoded)
        .encode(
            stored.as_raw(),
            stored.width(),
            stored.height(),
            ExtendedColorType::Rgb8,
        )
        .expect("WebP encoding");
    assert_eq!(&encoded[12..16], b"VP8L", "simple lossless WebP from image");
    let bitstream = &encoded[12..];
    let order = Order::Big;
    let exif = tiff(
        order,
        vec![vec![
            (0x010F, ascii("Google")),
            (0x0110, ascii("Pixel 8 Pro")),
            (ORIENTATION, Value::Short(vec![orientation])),
            (
                EXIF_IFD,
                Value::Ifd(vec![(0xA430, ascii("Anatole PERRIGNON-LACAZE"))]),
            ),
            (GPS_IFD, PARIS.ifd()),
        ]],
    );
    let xmp = xmp_packet(&xmp_creator("Sidonie MALAVERGNE"));
    let mut vp8x = vec![0x20 | 0x08 | 0x04, 0, 0, 0];
    vp8x.extend(&(stored.width() - 1).to_le_bytes()[..3]);
    vp8x.extend(&(stored.height() - 1).to_le_bytes()[..3]);
    let body = [
        b"WEBP".to_vec(),
        riff_chunk(b"VP8X", &vp8x),
        riff_chunk(b"ICCP", icc),
        bitstream.to_vec(),
        riff_chunk(b"EXIF", &exif),
        riff_chunk(b"XMP ", xmp.as_bytes()),
    ]
    .concat();
    let bytes = [
        b"RIFF".as_slice(),
        &(body.len() as u32).to_le_bytes(),
        &body,
    ]
    .concat();
    let mut planted = vec![
        Needle::text("EXIF Model", "Pixel 8 Pro"),
        Needle::text("EXIF CameraOwnerName", "Anatole PERRIGNON-LACAZE"),
    ];
    planted.extend(PARIS.needles(order));
    planted.push(Needle::text("XMP dc:creator", "Sidonie MALAVERGNE"));
    Fixture {
        path: "photos/webp_exif_xmp_icc.webp",
        format: "WebP",
        orientation,
        width: stored.width(),
        height: stored.height(),
        pictures: 1,
        planted,
        kept: vec![Needle::raw("ICC profile (ICCP chunk)", icc)],
        bytes,
    }
}

// ---------------------------------------------------------------------------------------------
// TIFF
// ---------------------------------------------------------------------------------------------

/// A film scanner's TIFF, written whole here: one uncompressed RGB strip is what scanners
/// commonly produce and keeps every tag's place under this file's control.
fn tiff_fixture(icc: &[u8]) -> Fixture {
    let orientation = 5;
    let stored = stored_for(&render(96, CROPPED, 0.0, 0), orientation);
    let (w, h) = (stored.width(), stored.height());
    let xmp = xmp_packet(&xmp_creator("Lucienne ABERCROMBIE-NAUD"));
    let text = [
        (0x010E, "Film scan for patient Ferdinand OSTROWSKI-BLANC"),
        (0x010F, "EPSON"),
        (0x0110, "Perfection V850 Pro"),
        (0x0131, "ScanStation 4.2 licensed to Clinique des Tilleuls"),
        (0x0132, "2024:02:29 14:15:16"),
        (0x013B, "Honorine DESCHAMPS-VERNAY"),
        (0x013C, "RADIO-SCAN-0932.tilleuls.local"),
    ];
    let mut ifd: Ifd = vec![
        (0x0100, Value::Long(vec![w])),
        (0x0101, Value::Long(vec![h])),
        (0x0102, Value::Short(vec![8, 8, 8])),
        (0x0103, Value::Short(vec![1])),
        (0x0106, Value::Short(vec![2])),
        (0x0111, Value::Blob(stored.as_raw().clone())),
        (ORIENTATION, Value::Short(vec![orientation])),
        (0x0115, Value::Short(vec![3])),
        (0x0116, Value::Long(vec![h])),
        (0x0117, Value::Long(vec![stored.as_raw().len() as u32])),
        (0x011A, Value::Rational(vec![(300, 1)])),
        (0x011B, Value::Rational(vec![(300, 1)])),
        (0x011C, Value::Short(vec![1])),
        (0x0128, Value::Short(vec![2])),
        (0x02BC, Value::Byte(xmp.as_bytes().to_vec())),
        (0x8773, Value::Undefined(icc.to_vec())),
    ];
    ifd.extend(text.iter().map(|&(tag, s)| (tag, ascii(s))));
    let names = [
        "ImageDescription",
        "Make",
        "Model",
        "Software",
        "DateTime",
        "Artist",
        "HostComputer",
    ];
    let mut planted: Vec<Needle> = names
        .iter()
        .zip(text)
        .map(|(name, (_, s))| Needle::text(name, s))
        .collect();
    planted.push(Needle::text(
        "XMP (tag 700) dc:creator",
        "Lucienne ABERCROMBIE-NAUD",
    ));
    Fixture {
        path: "photos/scanner_tags.tif",
        format: "TIFF",
        orientation,
        width: w,
        height: h,
        pictures: 1,
        planted,
        kept: vec![Needle::raw("ICC profile (tag 34675)", icc)],
        bytes: tiff(Order::Little, vec![ifd]),
    }
}

// ---------------------------------------------------------------------------------------------
// GIF
// ---------------------------------------------------------------------------------------------

/// GIF data sub-blocks: at most 255 bytes each, then an empty one.
fn sub_blocks(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for block in data.chunks(255) {
        out.push(block.len() as u8);
        out.extend(block);
    }
    out.push(0);
    out
}

fn gif_fixture() -> Fixture {
    let picture = render(120, CROPPED, 0.0, 0);
    let mut encoded = Vec::new();
    GifEncoder::new(&mut encoded)
        .encode(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            ExtendedColorType::Rgb8,
        )
        .expect("GIF encoding");
    let flags = encoded[10];
    let palette = if flags & 0x80 != 0 {
        3 << ((flags & 7) + 1)
    } else {
        0
    };
    let after_palette = 13 + palette;
    let comment = "Scanned for patient Gervais TOURNEMIRE";
    let xmp = xmp_packet(&xmp_creator("Perrine ESCOFFIER-DUVAL"));
    let mut extensions = vec![0x21, 0xFE];
    extensions.extend(sub_blocks(comment.as_bytes()));
    // XMP's own trick for GIF: the packet is written raw, and a 258-byte "magic trailer" makes
    // its bytes parse as sub-blocks that a decoder skips.
    extensions.extend([0x21, 0xFF, 0x0B]);
    extensions.extend(b"XMP DataXMP");
    extensions.extend(xmp.as_bytes());
    extensions.push(0x01);
    extensions.extend((0..=0xFFu8).rev());
    extensions.push(0x00);
    let bytes = [
        &encoded[..after_palette],
        &extensions,
        &encoded[after_palette..],
    ]
    .concat();
    Fixture {
        path: "photos/gif_comment_xmp.gif",
        format: "GIF",
        orientation: 1,
        width: picture.width(),
        height: picture.height(),
        pictures: 1,
        planted: vec![
            Needle::text("comment extension", comment),
            Needle::text(
                "XMP application extension dc:creator",
                "Perrine ESCOFFIER-DUVAL",
            ),
        ],
        kept: vec![],
        bytes,
    }
}

// ---------------------------------------------------------------------------------------------
// The manifest
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct Needle {
    what: String,
    needle_hex: String,
    /// False when the file holds the value compressed; the needle is then the plain value.
    verbatim: bool,
}

impl Needle {
    fn raw(what: &str, bytes: &[u8]) -> Self {
        Needle {
            what: what.to_string(),
            needle_hex: bytes.iter().map(|b| format!("{b:02x}")).collect(),
            verbatim: true,
        }
    }

    fn text(what: &str, text: &str) -> Self {
        Self::raw(what, text.as_bytes())
    }

    fn compressed(what: &str, bytes: impl AsRef<[u8]>) -> Self {
        Needle {
            verbatim: false,
            ..Self::raw(what, bytes.as_ref())
        }
    }

    fn bytes(&self) -> Vec<u8> {
        (0..self.needle_hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&self.needle_hex[i..i + 2], 16).unwrap())
            .collect()
    }
}

#[derive(Serialize)]
struct Fixture {
    /// Relative to `fixtures/`.
    path: &'static str,
    /// As caviar's `Format::name` spells it; an MPO is a JPEG.
    format: &'static str,
    /// The EXIF orientation a scrubbed file must still carry, 1 where there is none.
    orientation: u16,
    /// Of the (first) picture as stored, before orientation is applied.
    width: u32,
    height: u32,
    pictures: u32,
    planted: Vec<Needle>,
    /// Bytes a lossless scrubber must leave in place (the ICC profile).
    kept: Vec<Needle>,
    #[serde(skip)]
    bytes: Vec<u8>,
}

#[derive(Serialize)]
struct Manifest {
    generator: &'static str,
    files: Vec<Fixture>,
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// A needle that is not where the manifest says, or that is also somewhere else, would make
/// every test built on it wrong, so the generator refuses to write such a fixture.
fn check(fixture: &Fixture) {
    for needle in fixture.planted.iter().chain(&fixture.kept) {
        let expected = usize::from(needle.verbatim);
        let found = occurrences(&fixture.bytes, &needle.bytes());
        assert_eq!(
            found, expected,
            "{}: {} found {found} times",
            fixture.path, needle.what
        );
    }
}

fn write_fixtures(root: &Path) {
    let icc = icc_profile();
    let files = vec![
        phone_jpeg(&icc),
        stereo_mpo(),
        png_fixture(&icc),
        webp_fixture(&icc),
        tiff_fixture(&icc),
        gif_fixture(),
        clean_jpeg(),
        clean_png(),
        orientation_only_jpeg(),
    ];
    let photos = root.join("photos");
    if photos.exists() {
        fs::remove_dir_all(&photos).expect("remove old fixtures/photos");
    }
    fs::create_dir_all(&photos).expect("create fixtures/photos");
    for fixture in &files {
        check(fixture);
        fs::write(root.join(fixture.path), &fixture.bytes).expect("write fixture");
        println!("{:>7} bytes  {}", fixture.bytes.len(), fixture.path);
    }
    let manifest = Manifest {
        generator: "examples/make_fixtures.rs",
        files,
    };
    let mut json = serde_json::to_string_pretty(&manifest).expect("manifest to JSON");
    json.push('\n');
    fs::write(root.join("planted.json"), json).expect("write planted.json");
}

// ---------------------------------------------------------------------------------------------
// Benchmark corpus
// ---------------------------------------------------------------------------------------------

/// Phone-sized files that differ only in their metadata: the picture is encoded once, so a
/// thousand files take seconds, while each still has to be read and rewritten in full.
fn write_bench(dir: &Path, count: u32) {
    let started = Instant::now();
    fs::create_dir_all(dir).expect("create the benchmark folder");
    let orientation = 6;
    let stored = stored_for(&render(1536, CROPPED, 12.0, 7), orientation);
    let scan = jpeg_tables_and_scan(&encode_jpeg(&stored, 90));
    let thumbnail = {
        let uncropped = stored_for(&render(120, UNCROPPED, 2.0, 8), orientation);
        [
            &[0xFF, 0xD8][..],
            &jpeg_tables_and_scan(&encode_jpeg(&uncropped, 90)),
        ]
        .concat()
    };
    let icc = icc_profile();
    let mut total = 0;
    for i in 0..count {
        let gps = Gps {
            lat_hundredths_of_second: 2376 + i % 1000,
            lon_hundredths_of_second: 792 + i % 1000,
        };
        let exif = tiff(
            Order::Big,
            vec![
                camera_ifd0(vec![
                    (0x010F, ascii("samsung")),
                    (0x0110, ascii("Galaxy S23 Ultra SM-S918B")),
                    (ORIENTATION, Value::Short(vec![orientation])),
                    (0x013B, ascii(&format!("Bench Artist {i:06}"))),
                    (
                        EXIF_IFD,
                        camera_exif_ifd(
                            &stored,
                            vec![
                                (0x9003, ascii("2024:03:17 09:41:27")),
                                (0xA430, ascii(&format!("Bench Owner {i:06}"))),
                                (0xA431, ascii(&format!("SN-BENCH-{i:06}"))),
                            ],
                        ),
                    ),
                    (GPS_IFD, gps.ifd()),
                ]),
                thumbnail_ifd(&thumbnail),
            ],
        );
        let xmp = xmp_packet(&xmp_creator(&format!("Bench Creator {i:06}")));
        let bytes = jpeg(
            &[
                app1_exif(&exif),
                app1_xmp(&xmp),
                app2_icc(&icc),
                segment(0xFE, format!("Bench comment {i:06}").as_bytes()),
            ],
            &scan,
        );
        total += bytes.len();
        fs::write(dir.join(format!("bench_{i:06}.jpg")), &bytes).expect("write benchmark file");
    }
    println!(
        "{count} files of {}x{} ({} bytes each on average, {:.1} MB in all) in {:.1} s",
        stored.width(),
        stored.height(),
        total / count.max(1) as usize,
        total as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
