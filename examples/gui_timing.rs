//! How responsive the desktop app is, measured without a screen: the app's own frame function
//! driven by `egui_kittest` (interface, layout, texture uploads and tessellation; not the GPU's
//! drawing, which a real graphics card does in parallel).
//!
//!   cargo run --release --example gui_timing
//!
//! Prints, for a 512×512 CT dropped on the window: time to the picture shown and to the findings
//! shown; for a 4000×3000 photo: frame times while dragging a new box; for a 100-frame
//! 512×512 series: frame times while scrolling through it, and the memory the app holds with
//! it loaded against the size of its decoded pixels. The first frame of a real window is timed
//! by scripts/gui-smoke.sh (the app prints it when CAVIAR_TIMING is set).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use caviar::gui::settings::Settings;
use caviar::gui::state::{Command, Stage, State};
use caviar::gui::{App, egui};
use caviar::text::Lang;
use dicom_core::value::PrimitiveValue;
use dicom_core::{DataElement, Tag, VR};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn main() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // The first drop loads the models; the second shows what every later drop costs.
    for when in ["first drop, models loaded on the way", "second drop"] {
        let mut harness = app(folder.path());
        let start = Instant::now();
        harness.state_mut().perform(Command::Open(vec![
            root.join("fixtures/burned-in/ct_16bit.dcm"),
        ]));
        let shown = step_until(&mut harness, |s| {
            s.files.first().is_some_and(|f| f.picture.is_some())
        });
        let analysed = step_until(&mut harness, |s| {
            s.files.first().is_some_and(|f| f.stage == Stage::Ready)
        });
        println!(
            "512×512 CT, {when}: picture shown after {} ms, findings shown after {} ms",
            (shown - start).as_millis(),
            (analysed - start).as_millis()
        );
    }

    let photo = folder.path().join("photo.jpg");
    write_photo(&photo);
    let mut harness = app(folder.path());
    harness.state_mut().perform(Command::Open(vec![photo]));
    step_until(&mut harness, |s| {
        s.files.first().is_some_and(|f| f.stage == Stage::Ready)
    });
    let picture = harness.get_by_label("Picture").rect();
    let from = picture.left_top() + egui::vec2(40.0, 40.0);
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    let mut times = Vec::new();
    for i in 1..=120 {
        harness.hover_at(from + egui::vec2(2.0 * i as f32, 1.5 * i as f32));
        let start = Instant::now();
        harness.step();
        times.push(start.elapsed());
    }
    harness.drop_at(from + egui::vec2(240.0, 180.0));
    harness.step();
    report("4000×3000 photo, dragging a new box", &mut times);
    drop(harness);

    let series = folder.path().join("series.dcm");
    let decoded = write_series(&root.join("fixtures/burned-in/ct_16bit.dcm"), &series, 100);
    let before = resident();
    let mut harness = app(folder.path());
    harness.state_mut().perform(Command::Open(vec![series]));
    step_until(&mut harness, |s| {
        s.files.first().is_some_and(|f| f.picture.is_some())
    });
    let mut times = Vec::new();
    for frame in 0..100 {
        harness.state_mut().perform(Command::SetFrame(frame));
        let start = Instant::now();
        harness.step();
        times.push(start.elapsed());
    }
    report("100-frame 512×512 series, one frame per step", &mut times);
    let shown = resident();
    step_until(&mut harness, |s| {
        s.files.first().is_some_and(|f| f.stage == Stage::Ready)
    });
    let analysed = resident();
    drop(harness);
    let closed = resident();
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!(
        "memory with the 100-frame series (decoded pixels {:.0} MB): shown {:.0} MB more than before \
         ({:.2}×), analysed {:.0} MB more ({:.2}×)",
        mb(decoded),
        mb(shown.saturating_sub(before)),
        shown.saturating_sub(before) as f64 / decoded as f64,
        mb(analysed.saturating_sub(before)),
        analysed.saturating_sub(before) as f64 / decoded as f64,
    );
    println!(
        "after closing the app: {:.0} MB more than before it opened the series",
        mb(closed.saturating_sub(before))
    );
}

fn app(folder: &Path) -> Harness<'static, App> {
    let state = State::new(
        Settings {
            lang: Some(Lang::En),
            mine: Vec::new(),
        },
        None,
        Some(folder.join("key")),
    );
    Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .build_ui_state(
            |ui, app: &mut App| app.frame(ui),
            App::new(state, Arc::new(|| {})),
        )
}

/// Step frames until `done`; the time of the first frame drawn with it.
fn step_until(harness: &mut Harness<'_, App>, done: impl Fn(&State) -> bool) -> Instant {
    let start = Instant::now();
    loop {
        harness.step();
        if done(&harness.state().state) {
            harness.step();
            return Instant::now();
        }
        assert!(start.elapsed() < Duration::from_secs(600), "timed out");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.1} ms, 95th percentile {:.1} ms, slowest {:.1} ms over {} frames",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

/// A 12-megapixel photo of smooth shades, as a phone writes one.
fn write_photo(path: &PathBuf) {
    let image = image::RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x / 16) as u8, (y / 12) as u8, ((x + y) / 28) as u8])
    });
    image.save(path).expect("the photo is written");
}

/// The fixture CT's frame repeated `frames` times; returns the decoded pixel bytes.
fn write_series(source: &Path, path: &Path, frames: u32) -> u64 {
    let mut file = dicom_object::open_file(source).expect("the fixture opens");
    let pixels = file
        .element(Tag(0x7FE0, 0x0010))
        .expect("pixel data")
        .to_bytes()
        .expect("native pixel data")
        .to_vec();
    let all: Vec<u8> = (0..frames).flat_map(|_| pixels.iter().copied()).collect();
    let decoded = all.len() as u64;
    file.put(DataElement::new(
        Tag(0x7FE0, 0x0010),
        VR::OW,
        PrimitiveValue::from(all),
    ));
    file.put(DataElement::new(
        Tag(0x0028, 0x0008),
        VR::IS,
        PrimitiveValue::from(frames.to_string()),
    ));
    file.write_to_file(path).expect("the series is written");
    decoded
}

unsafe extern "C" {
    /// glibc: hand freed heap memory back to the system, so resident memory counts what is
    /// held rather than what the allocator keeps for later.
    fn malloc_trim(pad: usize) -> i32;
}

/// Resident memory of this process, in bytes, once freed memory is handed back.
fn resident() -> u64 {
    // SAFETY: malloc_trim only releases free memory; it has no preconditions.
    unsafe {
        malloc_trim(0);
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
