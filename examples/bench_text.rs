//! Caption throughput for `scripts/bench-text.sh`: reads one plain caption per line, redacts
//! them all in a loop on one thread for at least two seconds (word lists loaded and patterns
//! compiled beforehand, as in a running app), and prints
//! `captions_per_second=… captions=… seconds=…`.

use std::time::{Duration, Instant};

use caviar::text::{self, Known, Replacement};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: bench_text FILE (one caption per line)");
    let source = std::fs::read_to_string(&path).expect("the caption file is readable UTF-8");
    let captions: Vec<&str> = source
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert!(!captions.is_empty(), "no captions in {path}");
    let known = Known::default();
    let warm_up = Instant::now();
    for caption in captions.iter().take(20) {
        std::hint::black_box(text::redact_caption(
            caption,
            None,
            &known,
            Replacement::Tag,
        ));
    }
    eprintln!("load and warm-up: {:.3} s", warm_up.elapsed().as_secs_f64());
    let started = Instant::now();
    let mut done = 0usize;
    while started.elapsed() < Duration::from_secs(2) {
        for caption in &captions {
            std::hint::black_box(text::redact_caption(
                caption,
                None,
                &known,
                Replacement::Tag,
            ));
        }
        done += captions.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "captions_per_second={:.1} captions={done} seconds={seconds:.3}",
        done as f64 / seconds
    );
}
