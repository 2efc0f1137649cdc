//! The look of the main screens, rendered with wgpu (Mesa's lavapipe on a machine with no GPU)
//! and compared with the committed images in tests/snapshots. After an intended change of look:
//! `UPDATE_SNAPSHOTS=1 cargo test --release --test gui_snapshots`, then look at the new images.

#![cfg(feature = "gui")]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use caviar::gui::settings::Settings;
use caviar::gui::state::{Command, Stage, State};
use caviar::gui::{App, egui};
use caviar::text::Lang;
use egui_kittest::Harness;

fn app(folder: &Path, lang: Lang, files: &[&str]) -> Harness<'static, App> {
    let state = State::new(
        Settings {
            lang: Some(lang),
            mine: Vec::new(),
        },
        None,
        Some(folder.join("key")),
    );
    let mut app = App::new(state, Arc::new(|| {}));
    let files: Vec<_> = files
        .iter()
        .map(|name| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/burned-in")
                .join(name)
        })
        .collect();
    if !files.is_empty() {
        app.perform(Command::Open(files));
    }
    Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

fn settle(harness: &mut Harness<'_, App>, done: impl Fn(&State) -> bool) {
    let start = Instant::now();
    while !done(&harness.state().state) {
        assert!(start.elapsed() < Duration::from_secs(180), "timed out");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(3);
}

#[test]
fn welcome_screen() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = app(folder.path(), Lang::Fr, &[]);
    harness.run_steps(3);
    harness.snapshot("welcome_fr");
}

#[test]
fn a_ct_with_its_findings() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = app(folder.path(), Lang::En, &["ct_16bit.dcm"]);
    settle(&mut harness, |s| {
        s.files.first().is_some_and(|f| f.stage == Stage::Ready)
    });
    harness.snapshot("ct_findings");
    // The same picture as it will be exported: the boxes blurred.
    harness.state_mut().perform(Command::ShowExported(true));
    settle(&mut harness, |s| {
        s.files[0]
            .exported_view
            .as_ref()
            .is_some_and(|(edits, _)| *edits == s.files[0].edits)
    });
    harness.snapshot("ct_as_exported");
}
