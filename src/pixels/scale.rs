//! Pictures made smaller for the models that read them.

use image::RgbImage;
use rayon::prelude::*;

/// `image` at `width` × `height` (no larger than it), each pixel the average of the area it
/// covers. A 12-megapixel photo shrinks in a few milliseconds, where the image crate's
/// `thumbnail` took 50 to 70 on two cores: the detectors see every photo at a working size,
/// so this is paid on every picture.
pub fn shrunk(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (from_width, from_height) = image.dimensions();
    let (width, height) = (width.clamp(1, from_width), height.clamp(1, from_height));
    // Each new column and row covers a span of old ones; spans touch and never overlap.
    let spans = |from: u32, to: u32| -> Vec<(usize, usize)> {
        (0..u64::from(to))
            .map(|i| {
                let start = i * u64::from(from) / u64::from(to);
                let end = ((i + 1) * u64::from(from) / u64::from(to)).max(start + 1);
                (start as usize, end as usize)
            })
            .collect()
    };
    let (columns, rows) = (spans(from_width, width), spans(from_height, height));
    let source = image.as_raw();
    let stride = from_width as usize * 3;
    let mut out = vec![0u8; width as usize * height as usize * 3];
    out.par_chunks_mut(width as usize * 3)
        .zip(&rows)
        .for_each_init(
            || vec![0u32; width as usize * 3],
            |sums, (line, &(top, bottom))| {
                sums.fill(0);
                for row in source[top * stride..bottom * stride].chunks_exact(stride) {
                    for (sum, &(left, right)) in sums.chunks_exact_mut(3).zip(&columns) {
                        for pixel in row[left * 3..right * 3].chunks_exact(3) {
                            sum[0] += u32::from(pixel[0]);
                            sum[1] += u32::from(pixel[1]);
                            sum[2] += u32::from(pixel[2]);
                        }
                    }
                }
                for ((value, sum), &(left, right)) in line
                    .chunks_exact_mut(3)
                    .zip(sums.chunks_exact(3))
                    .zip(&columns)
                {
                    let count = ((bottom - top) * (right - left)) as u32;
                    for channel in 0..3 {
                        value[channel] = ((sum[channel] + count / 2) / count) as u8;
                    }
                }
            },
        );
    RgbImage::from_raw(width, height, out).expect("the buffer holds width × height pixels")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pixel_is_the_average_of_the_area_it_covers() {
        // 5 × 3 to 2 × 1: the columns split 0..2 and 2..5, all three rows in each.
        let image = RgbImage::from_fn(5, 3, |x, y| image::Rgb([(x * 10 + y) as u8, 200, x as u8]));
        let small = shrunk(&image, 2, 1);
        let mean = |xs: std::ops::Range<u32>, f: &dyn Fn(u32, u32) -> u32| {
            let values: Vec<u32> = xs
                .flat_map(|x| (0..3).map(move |y| (x, y)))
                .map(|(x, y)| f(x, y))
                .collect();
            ((values.iter().sum::<u32>() as f32 / values.len() as f32).round()) as u8
        };
        assert_eq!(
            small.get_pixel(0, 0).0,
            [mean(0..2, &|x, y| x * 10 + y), 200, mean(0..2, &|x, _| x)]
        );
        assert_eq!(
            small.get_pixel(1, 0).0,
            [mean(2..5, &|x, y| x * 10 + y), 200, mean(2..5, &|x, _| x)]
        );
    }

    #[test]
    fn a_size_larger_than_the_picture_leaves_it_as_it_is() {
        let image = RgbImage::from_fn(7, 4, |x, y| image::Rgb([x as u8, y as u8, 9]));
        assert_eq!(shrunk(&image, 20, 4), image);
    }
}
