//! The picture itself, for the one case where its pixels must change: text in it to redact.
//!
//! Decoded with its orientation applied, so regions are where the user sees them; re-encoded in
//! its own format (JPEG at quality 95, PNG, WebP and TIFF losslessly), with the colour profile
//! when the plan keeps it and with no other metadata at all: the encoders write none.

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::tiff::TiffEncoder;
use image::codecs::webp::WebPEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, RgbImage};

use crate::document::{Error, Format, Redaction, Region};
use crate::pixels::{Patch, Plane};

/// 200 megapixels: more than any phone or film scanner writes, and a bound on the memory a file
/// that lies about its size can make the decoder take.
const MAX_PIXELS: u64 = 200_000_000;

/// The picture as shown, decoded, with the colour profile it is shown in.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc_profile: Option<Vec<u8>>,
}

fn cannot(format: Format, error: impl std::fmt::Display) -> Error {
    Error::malformed(format, format!("cannot decode the picture: {error}"))
}

/// The first (or only) picture of the file, turned as its orientation says.
pub fn decode(bytes: &[u8], format: Format) -> Result<Decoded, Error> {
    match format {
        Format::Heic => return decode_heic(bytes),
        Format::Avif => return decode_avif(bytes),
        _ => {}
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| cannot(format, e))?;
    let mut decoder = reader.into_decoder().map_err(|e| cannot(format, e))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(cannot_decode_size(format, width, height));
    }
    let orientation = shown_turn(decoder.orientation().ok(), bytes, format);
    let icc_profile = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|profile| super::is_icc_profile(profile));
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| cannot(format, e))?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc_profile })
}

/// The turn a viewer gives the picture: its EXIF orientation, else one written elsewhere (XMP,
/// a PNG's text chunk).
fn shown_turn(exif: Option<Orientation>, bytes: &[u8], format: Format) -> Orientation {
    let besides_exif = super::turn_besides_exif(bytes, format)
        .and_then(|o| u8::try_from(o).ok())
        .and_then(Orientation::from_exif);
    exif.filter(|&o| o != Orientation::NoTransforms)
        .or(besides_exif)
        .unwrap_or(Orientation::NoTransforms)
}

/// The stored size and the turn shown of a picture, read from its header alone.
pub fn stored_size_and_turn(
    bytes: &[u8],
    format: Format,
) -> Result<(u32, u32, Orientation), Error> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| cannot(format, e))?;
    let mut decoder = reader.into_decoder().map_err(|e| cannot(format, e))?;
    let (width, height) = decoder.dimensions();
    let turn = shown_turn(decoder.orientation().ok(), bytes, format);
    Ok((width, height, turn))
}

/// Where a region of the picture as shown lies in the stored picture of `width` × `height`.
pub fn stored_region(region: Region, turn: Orientation, width: u32, height: u32) -> Region {
    let (w, h) = (width.saturating_sub(1), height.saturating_sub(1));
    let stored = |x: u32, y: u32| match turn {
        Orientation::NoTransforms => (x, y),
        Orientation::Rotate90 => (y, h.saturating_sub(x)),
        Orientation::Rotate180 => (w.saturating_sub(x), h.saturating_sub(y)),
        Orientation::Rotate270 => (w.saturating_sub(y), x),
        Orientation::FlipHorizontal => (w.saturating_sub(x), y),
        Orientation::FlipVertical => (x, h.saturating_sub(y)),
        Orientation::Rotate90FlipH => (y, x),
        Orientation::Rotate270FlipH => (w.saturating_sub(y), h.saturating_sub(x)),
    };
    let (a, b) = (
        stored(region.x, region.y),
        stored(
            region.right().saturating_sub(1),
            region.bottom().saturating_sub(1),
        ),
    );
    let (left, top) = (a.0.min(b.0), a.1.min(b.1));
    Region {
        x: left,
        y: top,
        width: a.0.max(b.0) - left + 1,
        height: a.1.max(b.1) - top + 1,
    }
}

/// A HEIC picture with its grid put together, turned and mirrored as its container says, and
/// its alpha plane when it has one; decoded in pure Rust (`heic-decoder`), 8 or 10 bits.
fn decode_heic(bytes: &[u8]) -> Result<Decoded, Error> {
    let cannot = |error: heic_decoder::HeifError| cannot(Format::Heic, error);
    let info = heic_decoder::probe(bytes).map_err(cannot)?;
    if info.width as u64 * info.height as u64 > MAX_PIXELS {
        return Err(cannot_decode_size(Format::Heic, info.width, info.height));
    }
    let decoded = heic_decoder::decode(bytes).map_err(cannot)?;
    let icc_profile = decoded
        .metadata
        .icc_profile
        .clone()
        .filter(|profile| super::is_icc_profile(profile));
    let (width, height) = (
        u32::try_from(decoded.width).unwrap_or(u32::MAX),
        u32::try_from(decoded.height).unwrap_or(u32::MAX),
    );
    let malformed = || cannot_decode_size(Format::Heic, decoded.width, decoded.height);
    let image = if decoded.alpha.is_some() {
        let rgba = decoded.to_rgba8().map_err(cannot)?;
        DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(width, height, rgba.data).ok_or_else(malformed)?,
        )
    } else {
        let rgb = decoded.to_rgb8().map_err(cannot)?;
        DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, rgb.data).ok_or_else(malformed)?)
    };
    Ok(Decoded { image, icc_profile })
}

/// An AVIF picture with its grid put together, cropped, turned and mirrored as its container
/// says, and its alpha plane when it has one; decoded in Rust (`rav1d`), 8 to 12 bits.
fn decode_avif(bytes: &[u8]) -> Result<Decoded, Error> {
    let coded = super::heif::av1_picture(bytes)?;
    let colour = assemble(&coded.colour, |planes| {
        let (matrix, full_range) = coded.matrix.unwrap_or((planes.matrix, planes.full_range));
        planes.to_rgb(matrix, full_range)
    })?;
    let mut image = match &coded.alpha {
        None => DynamicImage::ImageRgb8(colour),
        Some(alpha) => {
            let alpha = assemble(alpha, |planes| {
                planes
                    .to_grey(planes.full_range)
                    .into_iter()
                    .flat_map(|a| [a; 3])
                    .collect()
            })?;
            if alpha.dimensions() != colour.dimensions() {
                return Err(cannot(
                    Format::Avif,
                    "its alpha plane is not the size of its picture",
                ));
            }
            let mut rgba = image::RgbaImage::new(colour.width(), colour.height());
            for ((out, c), a) in rgba.pixels_mut().zip(colour.pixels()).zip(alpha.pixels()) {
                *out = image::Rgba([c[0], c[1], c[2], a[0]]);
            }
            DynamicImage::ImageRgba8(rgba)
        }
    };
    for transform in &coded.transforms {
        image = transformed(image, transform);
    }
    let icc_profile = coded
        .icc_profile
        .filter(|profile| super::is_icc_profile(profile));
    Ok(Decoded { image, icc_profile })
}

/// One picture made of the decoded tiles, each turned into RGB by `to_rgb`.
fn assemble(
    tiles: &super::heif::Tiles,
    to_rgb: impl Fn(&super::av1::Planes) -> Vec<u8>,
) -> Result<RgbImage, Error> {
    let too_big = |width: usize, height: usize| width as u64 * height as u64 > MAX_PIXELS;
    let cannot = |error: String| cannot(Format::Avif, error);
    let decode_tile = |data: &[u8]| -> Result<RgbImage, Error> {
        let planes = super::av1::decode(data, MAX_PIXELS as u32).map_err(cannot)?;
        let (width, height) = (planes.width as u32, planes.height as u32);
        RgbImage::from_raw(width, height, to_rgb(&planes))
            .ok_or_else(|| cannot_decode_size(Format::Avif, width, height))
    };
    let Some(grid) = &tiles.grid else {
        return match &tiles.data[..] {
            [data] => decode_tile(data),
            _ => Err(cannot("a picture without a grid has several parts".into())),
        };
    };
    if too_big(grid.width, grid.height) {
        return Err(cannot_decode_size(Format::Avif, grid.width, grid.height));
    }
    let mut canvas = RgbImage::new(grid.width as u32, grid.height as u32);
    let mut tile_size = None;
    for (index, data) in tiles.data.iter().enumerate() {
        let tile = decode_tile(data)?;
        let size = *tile_size.get_or_insert(tile.dimensions());
        if tile.dimensions() != size {
            return Err(cannot("the tiles of its grid differ in size".into()));
        }
        let (row, column) = (index / grid.columns, index % grid.columns);
        let (x, y) = (
            column as i64 * i64::from(size.0),
            row as i64 * i64::from(size.1),
        );
        image::imageops::replace(&mut canvas, &tile, x, y);
    }
    let covered = tile_size.map_or((0, 0), |(w, h)| {
        (
            grid.columns as u64 * u64::from(w),
            grid.rows as u64 * u64::from(h),
        )
    });
    if covered.0 < grid.width as u64 || covered.1 < grid.height as u64 {
        return Err(cannot("its tiles do not cover the picture".into()));
    }
    Ok(canvas)
}

/// The picture after one of the container's crops, turns or mirrors.
fn transformed(image: DynamicImage, transform: &super::heif::Transform) -> DynamicImage {
    use super::heif::Transform;
    match *transform {
        Transform::Crop {
            width,
            height,
            left,
            top,
        } => {
            let fraction = |(n, d): (u32, u32)| f64::from(n) / f64::from(d.max(1));
            let signed = |(n, d): (i32, u32)| f64::from(n) / f64::from(d.max(1));
            let (full_width, full_height) = (f64::from(image.width()), f64::from(image.height()));
            let crop_width = fraction(width).round().clamp(1.0, full_width);
            let crop_height = fraction(height).round().clamp(1.0, full_height);
            let x = (signed(left) + (full_width - crop_width) / 2.0)
                .round()
                .clamp(0.0, full_width - crop_width);
            let y = (signed(top) + (full_height - crop_height) / 2.0)
                .round()
                .clamp(0.0, full_height - crop_height);
            image.crop_imm(x as u32, y as u32, crop_width as u32, crop_height as u32)
        }
        Transform::Turn(1) => image.rotate270(),
        Transform::Turn(2) => image.rotate180(),
        Transform::Turn(3) => image.rotate90(),
        Transform::Turn(_) => image,
        Transform::Mirror { upside_down: true } => image.flipv(),
        Transform::Mirror { upside_down: false } => image.fliph(),
    }
}

fn cannot_decode_size(
    format: Format,
    width: impl std::fmt::Display,
    height: impl std::fmt::Display,
) -> Error {
    cannot(
        format,
        format!("it claims {width} × {height} pixels, more than any camera or scanner makes"),
    )
}

/// What the text reader looks at.
pub fn displayed(picture: &Decoded) -> RgbImage {
    picture.image.to_rgb8()
}

impl Decoded {
    pub fn redact(&mut self, patch: Patch, how: Redaction) {
        let (width, height) = (self.image.width(), self.image.height());
        let channels = usize::from(self.image.color().channel_count());
        let alpha = self.image.color().has_alpha();
        // Each buffer type is its own arm; the redaction itself is one generic function.
        macro_rules! redact_in {
            ($samples:expr, $channels:expr, $max:expr, $alpha:expr) => {
                Plane {
                    samples: $samples,
                    width,
                    height,
                    channels: $channels,
                    range: (0.0, $max),
                    alpha: $alpha,
                    indexed: false,
                    grain: true,
                }
                .redact(patch, how)
            };
        }
        match &mut self.image {
            DynamicImage::ImageLuma8(i) => redact_in!(i, channels, 255.0, alpha),
            DynamicImage::ImageLumaA8(i) => redact_in!(i, channels, 255.0, alpha),
            DynamicImage::ImageRgb8(i) => redact_in!(i, channels, 255.0, alpha),
            DynamicImage::ImageRgba8(i) => redact_in!(i, channels, 255.0, alpha),
            DynamicImage::ImageLuma16(i) => redact_in!(i, channels, 65535.0, alpha),
            DynamicImage::ImageLumaA16(i) => redact_in!(i, channels, 65535.0, alpha),
            DynamicImage::ImageRgb16(i) => redact_in!(i, channels, 65535.0, alpha),
            DynamicImage::ImageRgba16(i) => redact_in!(i, channels, 65535.0, alpha),
            other => {
                let mut rgba = other.to_rgba16();
                redact_in!(&mut rgba, 4, 65535.0, true);
                *other = DynamicImage::ImageRgba16(rgba);
            }
        }
    }

    /// The picture in `format`, with the colour profile if `keep_profile`.
    pub fn encode(self, format: Format, keep_profile: bool) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        let profile = self.icc_profile.filter(|_| keep_profile);
        let failed = |error: image::ImageError| {
            Error::Refused(format!(
                "cannot write the redacted {format} picture: {error}"
            ))
        };
        let image = match format {
            // JPEG holds neither alpha nor 16 bits; the encoders below take what they can.
            Format::Jpeg if self.image.color().has_color() => {
                DynamicImage::ImageRgb8(self.image.to_rgb8())
            }
            Format::Jpeg => DynamicImage::ImageLuma8(self.image.to_luma8()),
            // An opaque picture gets no alpha channel, which would only make the file larger.
            Format::WebP if !self.image.color().has_alpha() => {
                DynamicImage::ImageRgb8(self.image.to_rgb8())
            }
            Format::WebP | Format::Gif => DynamicImage::ImageRgba8(self.image.to_rgba8()),
            _ => self.image,
        };
        // The profile is best effort: an encoder that cannot carry it writes the picture anyway.
        let write = |mut encoder: Box<dyn ImageEncoderWithProfile + '_>| {
            if let Some(profile) = profile.clone() {
                let _ = encoder.profile(profile);
            }
            encoder.write(&image).map_err(failed)
        };
        match format {
            Format::Jpeg => write(Box::new(JpegEncoder::new_with_quality(&mut bytes, 95)))?,
            Format::Png => write(Box::new(PngEncoder::new(&mut bytes)))?,
            Format::WebP => write(Box::new(WebPEncoder::new_lossless(&mut bytes)))?,
            Format::Tiff => write(Box::new(TiffEncoder::new(Cursor::new(&mut bytes))))?,
            Format::Gif => {
                let mut encoder = GifEncoder::new(&mut bytes);
                let frame = image::Frame::new(image.to_rgba8());
                encoder.encode_frame(frame).map_err(failed)?;
            }
            Format::Heic | Format::Avif => {
                return Err(Error::Refused(format!(
                    "a {format} picture with text blurred is saved as JPEG or PNG"
                )));
            }
            Format::Dicom | Format::Caption => {
                return Err(Error::Refused(format!(
                    "a {format} is not written as a picture"
                )));
            }
        }
        Ok(bytes)
    }
}

/// The encoders of the formats a photo is saved in again, seen alike: each takes the colour
/// profile and then the picture.
trait ImageEncoderWithProfile {
    fn profile(&mut self, profile: Vec<u8>) -> Result<(), image::error::UnsupportedError>;
    fn write(self: Box<Self>, image: &DynamicImage) -> image::ImageResult<()>;
}

impl<E: ImageEncoder> ImageEncoderWithProfile for E {
    fn profile(&mut self, profile: Vec<u8>) -> Result<(), image::error::UnsupportedError> {
        self.set_icc_profile(profile)
    }

    fn write(self: Box<Self>, image: &DynamicImage) -> image::ImageResult<()> {
        let (width, height) = (image.width(), image.height());
        (*self).write_image(image.as_bytes(), width, height, image.color().into())
    }
}
