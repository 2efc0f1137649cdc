//! One AV1 still picture (an AVIF item) decoded to its planes, by `re_rav1d`: rav1d, the
//! memory-safety project's Rust port of dav1d (the decoder browsers use), behind a safe interface.

use re_rav1d::dav1d::{Decoder, Error as Av1Error, PixelLayout, PlanarImageComponent, Settings};
use re_rav1d::pixel::{MatrixCoefficients, YUVRange};

/// How the two colour planes are sampled against the brightness plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// Brightness only (an alpha plane, a grey picture).
    Grey,
    /// Colour at half width and half height, as nearly every photo.
    Half,
    /// Colour at half width.
    HalfWidth,
    Full,
}

/// A decoded picture: brightness and colour planes, each row after row without padding.
pub struct Planes {
    pub width: usize,
    pub height: usize,
    pub bits: u8,
    pub sampling: Sampling,
    /// Brightness, then the blue and red differences (absent when grey).
    pub planes: Vec<Vec<u16>>,
    /// The colour matrix and range the coded stream declares (ITU-T H.273 numbers), used when
    /// the container says nothing.
    pub matrix: u16,
    pub full_range: bool,
}

impl Planes {
    /// The width and height of the colour planes.
    pub fn chroma_size(&self) -> (usize, usize) {
        match self.sampling {
            Sampling::Grey => (0, 0),
            Sampling::Half => (self.width.div_ceil(2), self.height.div_ceil(2)),
            Sampling::HalfWidth => (self.width.div_ceil(2), self.height),
            Sampling::Full => (self.width, self.height),
        }
    }
}

fn failed(what: &str, error: Av1Error) -> String {
    format!("the AV1 decoder failed to {what} ({error})")
}

/// Decodes the one picture an AVIF item holds. `max_pixels` bounds what a file that lies about
/// its size can make the decoder allocate.
pub fn decode(data: &[u8], max_pixels: u32) -> Result<Planes, String> {
    if data.is_empty() {
        return Err("the AV1 picture is empty".into());
    }
    let mut settings = Settings::new();
    // One thread: files are already decoded side by side, one per core.
    settings.set_n_threads(1);
    settings.set_max_frame_delay(1);
    settings.set_frame_size_limit(max_pixels);
    let mut decoder = Decoder::with_settings(&settings).map_err(|e| failed("start", e))?;
    let mut pending = match decoder.send_data(data.to_vec(), None, None, None) {
        Ok(()) => false,
        Err(Av1Error::Again) => true,
        Err(error) => return Err(failed("read the picture", error)),
    };
    let picture = loop {
        match decoder.get_picture() {
            Ok(picture) => break picture,
            Err(Av1Error::Again) if pending => match decoder.send_pending_data() {
                Ok(()) => pending = false,
                Err(Av1Error::Again) => {}
                Err(error) => return Err(failed("read the picture", error)),
            },
            Err(error) => return Err(failed("decode the picture", error)),
        }
    };
    let width = picture.width() as usize;
    let height = picture.height() as usize;
    let bits = u8::try_from(picture.bit_depth()).map_err(|_| "an impossible bit depth")?;
    if !(8..=16).contains(&bits) {
        return Err(format!("an impossible bit depth ({bits})"));
    }
    let sampling = match picture.pixel_layout() {
        PixelLayout::I400 => Sampling::Grey,
        PixelLayout::I420 => Sampling::Half,
        PixelLayout::I422 => Sampling::HalfWidth,
        PixelLayout::I444 => Sampling::Full,
    };
    let matrix = match picture.matrix_coefficients() {
        MatrixCoefficients::Identity => 0,
        MatrixCoefficients::BT709 => 1,
        MatrixCoefficients::BT470M => 4,
        MatrixCoefficients::BT470BG => 5,
        MatrixCoefficients::ST240M => 7,
        MatrixCoefficients::BT2020NonConstantLuminance
        | MatrixCoefficients::BT2020ConstantLuminance => 9,
        _ => 2,
    };
    let mut planes = Planes {
        width,
        height,
        bits,
        sampling,
        planes: Vec::new(),
        matrix,
        full_range: picture.color_range() == YUVRange::Full,
    };
    let (chroma_width, chroma_height) = planes.chroma_size();
    let components: &[PlanarImageComponent] = if sampling == Sampling::Grey {
        &[PlanarImageComponent::Y]
    } else {
        &[
            PlanarImageComponent::Y,
            PlanarImageComponent::U,
            PlanarImageComponent::V,
        ]
    };
    let bytes_per_sample = if bits > 8 { 2 } else { 1 };
    for &component in components {
        let (w, h) = if component == PlanarImageComponent::Y {
            (width, height)
        } else {
            (chroma_width, chroma_height)
        };
        let stride = picture.stride(component) as usize;
        let samples = picture.plane(component);
        let row_bytes = w * bytes_per_sample;
        if stride < row_bytes || samples.len() < stride * h.saturating_sub(1) + row_bytes {
            return Err("a plane smaller than the picture".into());
        }
        let mut plane = Vec::with_capacity(w * h);
        for row in samples.chunks(stride).take(h) {
            let row = &row[..row_bytes];
            if bytes_per_sample == 1 {
                plane.extend(row.iter().map(|&v| u16::from(v)));
            } else {
                plane.extend(
                    row.chunks_exact(2)
                        .map(|pair| u16::from_ne_bytes([pair[0], pair[1]])),
                );
            }
        }
        planes.planes.push(plane);
    }
    Ok(planes)
}

/// The red and blue weights (Kr, Kb) of a colour matrix numbered as in ITU-T H.273; None for the
/// identity matrix, where the planes are green, blue and red themselves. Unstated and unknown
/// matrices are taken as BT.601's, as libavif does.
fn weights(matrix: u16) -> Option<(f32, f32)> {
    match matrix {
        0 => None,
        1 => Some((0.2126, 0.0722)),
        4 => Some((0.30, 0.11)),
        7 => Some((0.212, 0.087)),
        9 | 10 => Some((0.2627, 0.0593)),
        _ => Some((0.299, 0.114)),
    }
}

impl Planes {
    /// The brightness and colour-difference scales of the samples, as fractions of full scale.
    fn scales(&self, full_range: bool) -> (f32, f32, f32) {
        let shift = f32::from(1u16 << (self.bits - 8));
        if full_range {
            let max = f32::from(((1u32 << self.bits) - 1) as u16);
            (0.0, max, max)
        } else {
            (16.0 * shift, 219.0 * shift, 224.0 * shift)
        }
    }

    /// 8-bit RGB, three bytes a pixel; the colour planes are sampled at the nearest point.
    pub fn to_rgb(&self, matrix: u16, full_range: bool) -> Vec<u8> {
        let (black, luma_scale, chroma_scale) = self.scales(full_range);
        let middle = f32::from(1u16 << (self.bits - 1));
        let to_byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        let mut rgb = Vec::with_capacity(self.width * self.height * 3);
        let luma = &self.planes[0];
        if self.sampling == Sampling::Grey {
            for &y in luma {
                let grey = to_byte((f32::from(y) - black) / luma_scale);
                rgb.extend([grey; 3]);
            }
            return rgb;
        }
        let (chroma_width, _) = self.chroma_size();
        let (x_shift, y_shift) = match self.sampling {
            Sampling::Half => (1, 1),
            Sampling::HalfWidth => (1, 0),
            Sampling::Full | Sampling::Grey => (0, 0),
        };
        let weights = weights(matrix);
        for row in 0..self.height {
            let chroma_row = (row >> y_shift) * chroma_width;
            for column in 0..self.width {
                let at = chroma_row + (column >> x_shift);
                let y = (f32::from(luma[row * self.width + column]) - black) / luma_scale;
                let blue = (f32::from(self.planes[1][at]) - middle) / chroma_scale;
                let red = (f32::from(self.planes[2][at]) - middle) / chroma_scale;
                let (r, g, b) = match weights {
                    None => (red + middle / chroma_scale, y, blue + middle / chroma_scale),
                    Some((kr, kb)) => {
                        let r = y + (2.0 - 2.0 * kr) * red;
                        let b = y + (2.0 - 2.0 * kb) * blue;
                        (r, (y - kr * r - kb * b) / (1.0 - kr - kb), b)
                    }
                };
                rgb.extend([to_byte(r), to_byte(g), to_byte(b)]);
            }
        }
        rgb
    }

    /// The brightness plane alone, 8 bits a pixel: how an alpha plane is read.
    pub fn to_grey(&self, full_range: bool) -> Vec<u8> {
        let (black, luma_scale, _) = self.scales(full_range);
        self.planes[0]
            .iter()
            .map(|&y| {
                ((f32::from(y) - black) / luma_scale * 255.0)
                    .round()
                    .clamp(0.0, 255.0) as u8
            })
            .collect()
    }
}
