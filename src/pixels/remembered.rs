//! What a model found in a picture, remembered by the picture's pixels for the rest of the
//! process. A batch analyses a file, then verifies its output; an output whose pixels nothing
//! changed would otherwise be searched again from scratch, for exactly the same answer.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use image::RgbImage;

use crate::document::Error;

/// How many pictures' results are remembered: more than the frames of the files a batch has in
/// flight between their analysis and their verification, and a few kilobytes each.
const REMEMBERED: usize = 1024;

/// The SHA-256 of a picture's size and pixels.
type Fingerprint = [u8; 32];

/// Results by picture, oldest first.
pub struct Remembered<T> {
    seen: Mutex<VecDeque<(Fingerprint, T)>>,
}

impl<T: Clone> Default for Remembered<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Remembered<T> {
    /// Nothing remembered yet; `const`, so that a model's results can be a `static`.
    pub const fn new() -> Self {
        Remembered {
            seen: Mutex::new(VecDeque::new()),
        }
    }

    /// What `compute` finds in `image`, computed once for the same pixels, at the cost of
    /// hashing them. An error is not remembered.
    pub fn get_or(
        &self,
        image: &RgbImage,
        compute: impl FnOnce(&RgbImage) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let key = fingerprint(image);
        let lock = || self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, found)) = lock().iter().find(|(seen, _)| *seen == key) {
            return Ok(found.clone());
        }
        let found = compute(image)?;
        let mut seen = lock();
        if seen.len() == REMEMBERED {
            seen.pop_front();
        }
        seen.push_back((key, found.clone()));
        Ok(found)
    }
}

fn fingerprint(image: &RgbImage) -> Fingerprint {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(image.width().to_le_bytes());
    hash.update(image.height().to_le_bytes());
    hash.update(image.as_raw());
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_pixels_are_searched_once_and_other_pixels_again() {
        let remembered = Remembered::new();
        let searches = std::cell::Cell::new(0);
        let search = |image: &RgbImage| {
            searches.set(searches.get() + 1);
            Ok(image.get_pixel(0, 0)[0])
        };
        let grey = RgbImage::from_pixel(4, 3, image::Rgb([7, 7, 7]));
        let mut other = grey.clone();
        other.put_pixel(3, 2, image::Rgb([8, 7, 7]));
        assert_eq!(remembered.get_or(&grey, search).unwrap(), 7);
        assert_eq!(remembered.get_or(&grey.clone(), search).unwrap(), 7);
        assert_eq!(searches.get(), 1);
        assert_eq!(remembered.get_or(&other, search).unwrap(), 7);
        assert_eq!(searches.get(), 2);
        // Same bytes, another shape: another picture.
        let reshaped = RgbImage::from_raw(3, 4, grey.as_raw().clone()).unwrap();
        remembered.get_or(&reshaped, search).unwrap();
        assert_eq!(searches.get(), 3);
    }

    #[test]
    fn an_error_is_not_remembered() {
        let remembered: Remembered<u8> = Remembered::new();
        let grey = RgbImage::new(2, 2);
        let failed = remembered.get_or(&grey, |_| Err(Error::Refused("busy".into())));
        assert!(failed.is_err());
        assert_eq!(remembered.get_or(&grey, |_| Ok(1)).unwrap(), 1);
    }
}
