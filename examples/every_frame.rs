//! Whether reading a multi-frame file at the cost of what changes (`ocr::FrameReader`) finds the
//! same text as reading every frame from scratch (`ocr::read_afresh`): both are run on every
//! frame, the frames whose boxes differ are listed, and the time each way took is printed.
//!
//!   cargo run --release --example every_frame -- FILE.dcm
//!
//! Exit code 0 when every frame has the same boxes both ways, 1 when one differs, 2 on bad input.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use caviar::ocr::{self, FrameReader, TextBox};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: every_frame FILE");
        return ExitCode::from(2);
    };
    let picture = match caviar::load(std::path::Path::new(path))
        .and_then(|document| caviar::view::picture(&document))
    {
        Ok(picture) => picture,
        Err(error) => {
            eprintln!("every_frame: {path}: {error}");
            return ExitCode::from(2);
        }
    };
    let mut reader = FrameReader::new();
    let (mut following, mut scratch) = (Duration::ZERO, Duration::ZERO);
    let mut differing = 0;
    let mut next = Some(picture.render(0, None));
    for frame in 0..picture.frames() {
        let Some(image) = next.take() else { break };
        next = (frame + 1 < picture.frames()).then(|| picture.render(frame + 1, None));
        let start = Instant::now();
        let fast = reader.read(&image, next.as_deref());
        following += start.elapsed();
        let start = Instant::now();
        let full = ocr::read_afresh(&image);
        scratch += start.elapsed();
        let (fast, full) = match (fast, full) {
            (Ok(fast), Ok(full)) => (fast, full),
            (Err(error), _) | (_, Err(error)) => {
                eprintln!("every_frame: frame {frame}: {error}");
                return ExitCode::from(2);
            }
        };
        if described(&fast) != described(&full) {
            differing += 1;
            println!("frame {frame} differs");
            println!("  following changes: {}", described(&fast).join(" | "));
            println!("  every frame read:  {}", described(&full).join(" | "));
        }
    }
    let counts = reader.counts();
    println!(
        "{} frames: {} differ; following changes {:.2} s ({} read in full, {} carried over, {} \
         screened), every frame read {:.2} s",
        picture.frames(),
        differing,
        following.as_secs_f64(),
        counts.read,
        counts.carried,
        counts.screened,
        scratch.as_secs_f64()
    );
    if differing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The boxes of a frame as comparable lines: where, and what was read.
fn described(boxes: &[TextBox]) -> Vec<String> {
    let mut lines: Vec<String> = boxes
        .iter()
        .map(|b| format!("{} {:?}", b.region, b.text))
        .collect();
    lines.sort();
    lines
}
