//! Read the text in pictures and time it: `cargo run --release --example ocr -- IMAGE...`.

use std::time::Instant;

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: ocr IMAGE...");
        std::process::exit(2);
    }
    let started = Instant::now();
    if let Err(error) = caviar::ocr::read(&image::RgbImage::new(32, 32)) {
        eprintln!("cannot load the OCR models: {error}");
        std::process::exit(1);
    }
    eprintln!(
        "models loaded in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut failed = false;
    for path in &paths {
        let picture = match image::open(path) {
            Ok(picture) => picture.to_rgb8(),
            Err(error) => {
                eprintln!("{path}: {error}");
                failed = true;
                continue;
            }
        };
        let started = Instant::now();
        match caviar::ocr::read(&picture) {
            Ok(boxes) => {
                let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                println!(
                    "{path}: {}×{}, {} boxes in {elapsed:.0} ms",
                    picture.width(),
                    picture.height(),
                    boxes.len()
                );
                for found in boxes {
                    let r = found.region;
                    println!(
                        "  {:5} {:5} {:5} {:4}  {:.2}  {}",
                        r.x, r.y, r.width, r.height, found.confidence, found.text
                    );
                }
            }
            Err(error) => {
                eprintln!("{path}: {error}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
