//! The desktop app, driven as a user would through the accessibility tree (`egui_kittest`):
//! open a file, see its findings, toggle and draw regions, type a caption, export, and check the
//! written files. The snapshot test renders with wgpu (Mesa's lavapipe in CI).

#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use caviar::gui::settings::Settings;
use caviar::gui::state::{Command, Stage, State, Verdict};
use caviar::gui::{App, egui};
use caviar::text::Lang;
use caviar::{Location, Region};
use egui::accesskit::Toggled;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/burned-in")
        .join(name)
}

/// An app in English with its key and settings in `folder`, opening `files`.
fn open_app(folder: &Path, files: &[PathBuf]) -> Harness<'static, App> {
    let settings = Settings {
        lang: Some(Lang::En),
        mine: Vec::new(),
    };
    let state = State::new(
        settings,
        Some(folder.join("settings.json")),
        Some(folder.join("key")),
    );
    let mut app = App::new(state, Arc::new(|| {}));
    if !files.is_empty() {
        app.perform(Command::Open(files.to_vec()));
    }
    Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// An app with the fixture `name` opened and analysed.
fn analysed(folder: &Path, name: &str) -> Harness<'static, App> {
    let mut harness = open_app(folder, &[fixture(name)]);
    wait(&mut harness, &format!("{name} to be analysed"), ready);
    harness
}

/// Step frames until `done` holds; the workers run meanwhile.
fn wait(harness: &mut Harness<'_, App>, what: &str, done: impl Fn(&State) -> bool) {
    let start = Instant::now();
    while !done(&harness.state().state) {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "timed out waiting for {what}; notice: {:?}",
            harness.state().state.notice
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
    harness.step();
}

/// The checkbox of the name read in the CT's pixels (the header's name has one too, among the
/// hidden data, written `DUPONT^JEAN`).
fn burned_in_name() -> By<'static> {
    By::new().role(Role::CheckBox).predicate(|node| {
        node.label()
            .is_some_and(|label| label.contains("DUPONT") && !label.contains('^'))
    })
}

fn ready(state: &State) -> bool {
    !state.files.is_empty()
        && state
            .files
            .iter()
            .all(|f| matches!(f.stage, Stage::Ready | Stage::Failed(_)))
}

#[test]
fn an_opened_ct_shows_what_identifies_with_a_checkbox_each() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_16bit.dcm");
    let state = &harness.state().state;
    assert_eq!(state.files[0].stage, Stage::Ready);
    assert!(state.files[0].picture.is_some(), "the picture is shown");
    // The name in the pixels is listed with what was read, checked (to be blurred).
    let name = harness.get(burned_in_name());
    assert_eq!(name.accesskit_node().toggled(), Some(Toggled::True));
    // The header's patient name is listed among the hidden data, in plain words.
    assert!(harness.query_by_label_contains("Picture").is_some());
    assert!(harness.query_by_label("Hidden data in the file").is_some());
    assert!(harness.query_by_label("Text in the image").is_some());
    // The header's patient name is listed, always removed, with no checkbox to pretend
    // otherwise: DICOM attributes follow the profile. Asking to keep it changes nothing.
    let header_name = By::new().role(Role::CheckBox).predicate(|node| {
        node.label()
            .is_some_and(|label| label.contains("DUPONT^JEAN"))
    });
    assert!(harness.query(header_name).is_none());
    assert!(harness.query_by_label_contains("DUPONT^JEAN").is_some());
    let items = harness.state().state.files[0]
        .plan
        .as_ref()
        .unwrap()
        .findings
        .items
        .clone();
    let at = items
        .iter()
        .position(|f| f.value.contains("DUPONT^JEAN"))
        .expect("the header's name is a finding");
    harness.state_mut().perform(Command::Toggle(at));
    harness.run_steps(2);
    let after = &harness.state().state.files[0]
        .plan
        .as_ref()
        .unwrap()
        .findings
        .items;
    assert_eq!(after[at].action, caviar::Action::Remove);
}

#[test]
fn phone_pictures_open_show_their_text_and_export_like_a_jpeg() {
    let folder = tempfile::tempdir().unwrap();
    let heif = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/heif");
    let files = [heif.join("screenshot.avif"), heif.join("phone.heic")];
    let mut harness = open_app(folder.path(), &files);
    wait(&mut harness, "the phone pictures to be analysed", ready);
    let state = &harness.state().state;
    for entry in &state.files {
        assert_eq!(entry.stage, Stage::Ready);
        assert!(entry.picture.is_some(), "the picture is shown");
    }
    let name = By::new()
        .role(Role::CheckBox)
        .predicate(|node| node.label().is_some_and(|label| label.contains("MOREAU")));
    assert_eq!(
        harness.get(name).accesskit_node().toggled(),
        Some(Toggled::True),
        "the name read in the AVIF is listed, to be blurred"
    );

    let out = folder.path().join("out");
    harness.state_mut().perform(Command::ExportAll(out.clone()));
    wait(&mut harness, "the exports", |s| {
        s.exporting == 0 && s.files.iter().all(|f| f.verdict.is_some())
    });
    let state = &harness.state().state;
    assert_eq!(
        state.files[0].verdict,
        Some(Verdict::Clean(out.join("screenshot.jpg"))),
        "blurred, so saved as JPEG"
    );
    assert_eq!(
        state.files[1].verdict,
        Some(Verdict::Clean(out.join("phone.heic"))),
        "nothing to blur, so still HEIC"
    );
    assert!(
        std::fs::read(out.join("screenshot.jpg"))
            .unwrap()
            .starts_with(&[0xFF, 0xD8])
    );
}

#[test]
fn clicking_a_finding_keeps_it_and_undo_brings_it_back() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_16bit.dcm");
    let find = |state: &State| -> (usize, caviar::Action) {
        let plan = state.files[0].plan.as_ref().unwrap();
        plan.findings
            .items
            .iter()
            .enumerate()
            .find(|(_, f)| {
                matches!(f.location, Location::Pixels { .. }) && f.value.contains("DUPONT")
            })
            .map(|(i, f)| (i, f.action))
            .expect("the burned-in name is a finding")
    };
    assert_eq!(find(&harness.state().state).1, caviar::Action::Remove);
    harness.get(burned_in_name()).scroll_to_me();
    harness.run_steps(2);
    harness.get(burned_in_name()).click();
    harness.run_steps(2);
    assert_eq!(find(&harness.state().state).1, caviar::Action::Keep);
    assert_eq!(
        harness.get(burned_in_name()).accesskit_node().toggled(),
        Some(Toggled::False)
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(find(&harness.state().state).1, caviar::Action::Remove);
}

#[test]
fn a_region_drawn_on_the_picture_is_blurred_and_delete_removes_it() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_clean.dcm");
    let before = harness.state().state.files[0]
        .plan
        .as_ref()
        .unwrap()
        .findings
        .items
        .len();
    let picture = harness.get_by_label("Picture").rect();
    // The 256×256 picture is fitted in the panel: drag over the middle of it.
    let centre = picture.center();
    let from = centre - egui::vec2(40.0, 20.0);
    let to = centre + egui::vec2(40.0, 20.0);
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for step in 1..=5 {
        harness.hover_at(from + (to - from) * step as f32 / 5.0);
        harness.step();
    }
    harness.drop_at(to);
    harness.run_steps(2);
    let items = harness.state().state.files[0]
        .plan
        .as_ref()
        .unwrap()
        .findings
        .items
        .clone();
    assert_eq!(items.len(), before + 1, "one region added");
    let Location::Pixels { frame, region } = items.last().unwrap().location else {
        panic!("a region of pixels")
    };
    assert_eq!(frame, 0);
    // Drawn in screen points over a picture fitted to the panel: it maps back to the middle of
    // the image, about as wide as it is tall twice.
    let Region {
        x,
        y,
        width,
        height,
    } = region;
    let (cx, cy) = (x + width / 2, y + height / 2);
    assert!(
        (118..=138).contains(&cx) && (118..=138).contains(&cy),
        "{region:?}"
    );
    assert!(width > height && height > 4, "{region:?}");
    assert_eq!(items.last().unwrap().action, caviar::Action::Remove);

    // Click it to select it (a click also switches it to kept), then Delete.
    harness.hover_at(centre);
    harness.step();
    harness.get_by_label("Picture").click();
    harness.run_steps(2);
    harness.key_press(egui::Key::Delete);
    harness.run_steps(2);
    let after = harness.state().state.files[0]
        .plan
        .as_ref()
        .unwrap()
        .findings
        .items
        .len();
    assert_eq!(after, before, "the drawn region is gone");
}

#[test]
fn right_drag_sets_window_and_level_and_arrows_step_through_frames() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "xa_multiframe.dcm");
    let start = harness.state().state.files[0]
        .window
        .expect("a DICOM has a window");
    let centre = harness.get_by_label("Picture").rect().center();
    let press = |pressed: bool, pos: egui::Pos2| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Secondary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    harness.hover_at(centre);
    harness.step();
    harness.event(press(true, centre));
    harness.step();
    for step in 1..=5 {
        harness.hover_at(centre + egui::vec2(12.0 * step as f32, -8.0 * step as f32));
        harness.step();
    }
    harness.event(press(false, centre + egui::vec2(60.0, -40.0)));
    harness.run_steps(2);
    let window = harness.state().state.files[0].window.unwrap();
    assert!(
        window.width > start.width,
        "right-drag across widens: {start:?} → {window:?}"
    );
    assert!(
        window.center > start.center,
        "right-drag up raises the level: {start:?} → {window:?}"
    );
    assert!(
        harness
            .query_by_label_contains(&format!("Window {:.0}", window.width))
            .is_some()
    );

    // 20 frames: → moves on, ← back, never past the ends.
    harness.key_press(egui::Key::ArrowRight);
    harness.key_press(egui::Key::ArrowRight);
    harness.run_steps(2);
    assert_eq!(harness.state().state.files[0].frame, 2);
    for _ in 0..5 {
        harness.key_press(egui::Key::ArrowLeft);
        harness.step();
    }
    assert_eq!(harness.state().state.files[0].frame, 0);
    harness.state_mut().perform(Command::SetFrame(500));
    harness.run_steps(2);
    assert_eq!(harness.state().state.files[0].frame, 19);
}

#[test]
fn the_caption_is_highlighted_and_cleaned_with_the_names_found_in_the_file() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_16bit.dcm");
    let caption = harness.get_by_role_and_label(Role::MultilineTextInput, "Caption");
    caption.focus();
    caption.type_text("Scanner de Jean Dupont, appelez le 06 12 34 56 78");
    harness.run_steps(3);
    let state = &harness.state().state;
    assert!(state.caption.contains("Jean Dupont"));
    let cleaned = state.cleaned_caption();
    assert!(cleaned.is_clean());
    assert!(
        !cleaned.text.contains("Dupont") && !cleaned.text.contains("56 78"),
        "{}",
        cleaned.text
    );
    // The caption group of the findings panel lists both, each with its checkbox.
    assert!(harness.query_by_label_contains("Jean Dupont —").is_some());
    assert!(
        harness
            .query_by_label_contains("06 12 34 56 78 —")
            .is_some()
    );
    // The cleaned text is shown beside the editor.
    assert!(harness.query_by_label(&cleaned.text).is_some());
    // Unticking the phone number keeps it in the post, and only it.
    harness.get_by_label_contains("06 12 34 56 78 —").click();
    harness.run_steps(2);
    let kept = harness.state().state.cleaned_caption();
    assert!(
        kept.text.contains("06 12 34 56 78") && !kept.text.contains("Dupont"),
        "{}",
        kept.text
    );
    assert!(
        kept.is_clean(),
        "what the user keeps is not counted as left over"
    );
}

#[test]
fn a_name_read_on_the_picture_is_found_in_the_caption_however_it_is_written() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "post_french.png");
    // `Zoé Bénard` is written on the film; typed in lower case with no accent and no cue, no
    // rule would take `benard` for a name.
    harness.state_mut().perform(Command::SetCaption(
        "merci a toute l'equipe, benard 2024".into(),
    ));
    harness.run_steps(2);
    let cleaned = harness.state().state.cleaned_caption();
    assert!(!cleaned.text.contains("benard"), "{}", cleaned.text);
    assert!(harness.query_by_label_contains("benard —").is_some());
}

#[test]
fn export_for_posting_writes_a_clean_picture_and_caption_and_says_it_checked() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_16bit.dcm");
    harness
        .state_mut()
        .state
        .apply(Command::SetCaption("CT de Jean Dupont".into()));
    let out = folder.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let post = out.join("post.png");
    harness
        .state_mut()
        .perform(Command::ExportPost(post.clone()));
    wait(&mut harness, "the export", |s| {
        s.files[0].verdict.is_some() && s.exporting == 0
    });
    let state = &harness.state().state;
    assert_eq!(state.files[0].verdict, Some(Verdict::Clean(post.clone())));
    let notice = state.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("Checked: nothing identifying found"),
        "{notice}"
    );

    // The written picture: a PNG, no metadata, and the planted name unreadable.
    let document = caviar::load(&post).unwrap();
    assert_eq!(document.format, caviar::Format::Png);
    let findings = caviar::analyze(&document).unwrap();
    for finding in &findings.items {
        assert!(
            !finding.value.to_uppercase().contains("DUPONT"),
            "still readable: {finding:?}"
        );
    }
    let caption = std::fs::read_to_string(out.join("post.txt")).unwrap();
    assert!(
        caption.starts_with("CT de ") && !caption.contains("Dupont"),
        "{caption}"
    );
}

#[test]
fn export_dicom_writes_a_verified_de_identified_file() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_16bit.dcm");
    let out = folder.path().join("clean.dcm");
    harness
        .state_mut()
        .perform(Command::ExportDicom(out.clone()));
    wait(&mut harness, "the export", |s| {
        s.files[0].verdict.is_some() && s.exporting == 0
    });
    assert_eq!(
        harness.state().state.files[0].verdict,
        Some(Verdict::Clean(out.clone()))
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("DUPONT"));
    assert_eq!(caviar::load(&out).unwrap().format, caviar::Format::Dicom);

    // Saving over the original is refused: the input is never touched.
    let original = folder.path().join("original.dcm");
    std::fs::copy(fixture("ct_16bit.dcm"), &original).unwrap();
    let before = std::fs::read(&original).unwrap();
    let mut harness = open_app(folder.path(), std::slice::from_ref(&original));
    wait(&mut harness, "the copy to be analysed", ready);
    harness
        .state_mut()
        .perform(Command::ExportDicom(original.clone()));
    harness.run_steps(3);
    let state = &harness.state().state;
    assert_eq!(state.exporting, 0);
    assert!(
        state
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("replace the original")
    );
    assert_eq!(std::fs::read(&original).unwrap(), before);
}

#[test]
fn export_all_writes_every_file_verified_into_the_folder_with_the_caption() {
    let folder = tempfile::tempdir().unwrap();
    // A folder dropped on the window, as a clinician would drop a case.
    let case = folder.path().join("case");
    std::fs::create_dir(&case).unwrap();
    for name in ["ct_16bit.dcm", "screenshot.png"] {
        std::fs::copy(fixture(name), case.join(name)).unwrap();
    }
    let mut harness = open_app(folder.path(), std::slice::from_ref(&case));
    wait(&mut harness, "both files", |s| {
        s.files.len() == 2 && ready(s)
    });
    harness.state_mut().state.apply(Command::SetCaption(
        "Mon scanner, merci au CHU de Bordeaux".into(),
    ));
    let out = folder.path().join("export");
    harness.state_mut().perform(Command::ExportAll(out.clone()));
    wait(&mut harness, "the exports", |s| {
        s.exporting == 0 && s.files.iter().all(|f| f.verdict.is_some())
    });
    let state = &harness.state().state;
    for (entry, name) in state.files.iter().zip(["ct_16bit.dcm", "screenshot.png"]) {
        let written = out.join("case").join(name);
        assert_eq!(entry.verdict, Some(Verdict::Clean(written.clone())));
        assert!(written.is_file());
    }
    let notice = state.notice.clone().unwrap_or_default();
    assert!(notice.contains("2 of 2 files checked clean"), "{notice}");
    let caption = std::fs::read_to_string(out.join("caption.txt")).unwrap();
    assert!(
        caption.starts_with("Mon scanner") && !caption.contains("Bordeaux"),
        "{caption}"
    );

    // Never inside a dropped folder: exporting into it is refused, and nothing is written.
    let inside = case.join("clean");
    harness
        .state_mut()
        .perform(Command::ExportAll(inside.clone()));
    harness.run_steps(2);
    assert!(!inside.exists());
    assert_eq!(harness.state().state.exporting, 0);
    assert!(
        harness
            .state()
            .state
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("inside")
    );
}

/// Files opened on their own, not in a folder: exporting all into the folder that holds one of
/// them, or with two of the same name, must never replace an original or one export by another.
#[test]
fn export_all_never_replaces_an_opened_file_nor_one_export_by_another() {
    let folder = tempfile::tempdir().unwrap();
    let (first, second) = common::two_photos_of_one_name(folder.path());
    let a = folder.path().join("a");
    // A text file opened by mistake: it fails to open, yet it is still an original.
    let note = a.join("caption.txt");
    std::fs::write(&note, "my own notes, not a caption").unwrap();
    let originals: Vec<(PathBuf, Vec<u8>)> = [&first, &second, &note]
        .into_iter()
        .map(|path| (path.clone(), std::fs::read(path).unwrap()))
        .collect();

    let mut harness = open_app(
        folder.path(),
        &[first.clone(), second.clone(), note.clone()],
    );
    wait(&mut harness, "the files", |s| {
        s.files.len() == 3 && ready(s)
    });
    harness.state_mut().state.apply(Command::SetCaption(
        "Ma radio, merci au CHU de Bordeaux".into(),
    ));

    // Into the folder that holds the first photo: its own output would be itself, and the
    // second photo's output would be the first photo.
    harness.state_mut().perform(Command::ExportAll(a.clone()));
    let caption_said = |s: &State| s.notice.as_deref().unwrap_or("").contains("caption.txt");
    wait(&mut harness, "the exports into a/", |s| {
        s.exporting == 0 && s.files[..2].iter().all(|f| f.verdict.is_some()) && caption_said(s)
    });
    for (path, bytes) in &originals {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{} was replaced",
            path.display()
        );
    }
    let state = &harness.state().state;
    for entry in &state.files[..2] {
        assert!(
            matches!(entry.verdict, Some(Verdict::Failed(ref why)) if why.contains("overwrite")),
            "{:?}",
            entry.verdict
        );
    }
    assert!(
        state
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("Not written: caption"),
        "the caption is refused too: {:?}",
        state.notice
    );
    let left: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "nothing new in a/: {left:?}");

    // Into a new folder: the first photo goes, the second has the same name and is refused
    // rather than written over it.
    for entry in &mut harness.state_mut().state.files {
        entry.verdict = None;
    }
    harness.state_mut().state.notice = None;
    let out = folder.path().join("out");
    harness.state_mut().perform(Command::ExportAll(out.clone()));
    wait(&mut harness, "the exports into out/", |s| {
        s.exporting == 0 && s.files[..2].iter().all(|f| f.verdict.is_some()) && caption_said(s)
    });
    let state = &harness.state().state;
    assert_eq!(
        state.files[0].verdict,
        Some(Verdict::Clean(out.join("photo.jpg")))
    );
    assert!(
        matches!(state.files[1].verdict, Some(Verdict::Failed(ref why)) if why.contains("rename")),
        "{:?}",
        state.files[1].verdict
    );
    let document = caviar::load(&out.join("photo.jpg")).unwrap();
    assert!(caviar::analyze(&document).unwrap().is_clean());
    let mut written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    written.sort();
    assert_eq!(written, ["caption.txt", "photo.jpg"]);
    for (path, bytes) in &originals {
        assert_eq!(&std::fs::read(path).unwrap(), bytes);
    }
}

#[test]
fn cancel_stops_the_files_still_waiting_and_they_stay_stopped() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = open_app(folder.path(), &[fixture("")]);
    wait(&mut harness, "the folder to be walked", |s| {
        !s.files.is_empty()
    });
    let total = harness.state().state.files.len();
    assert!(total >= 10, "the fixture folder is opened whole");
    assert!(
        harness.query_by_label_contains("ready").is_some(),
        "progress is shown"
    );
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    let stopped = |state: &State| -> Vec<usize> {
        (0..state.files.len())
            .filter(
                |&i| matches!(&state.files[i].stage, Stage::Failed(why) if why.contains("stopped")),
            )
            .collect()
    };
    let first = stopped(&harness.state().state);
    assert!(!first.is_empty(), "files waiting were stopped");
    assert!(!harness.state().state.busy(), "nothing is left analysing");
    // Whatever the worker was doing when stopped, nothing it sends afterwards revives them.
    for _ in 0..100 {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(stopped(&harness.state().state), first);
}

#[test]
fn a_damaged_file_says_why_and_the_others_still_open() {
    let folder = tempfile::tempdir().unwrap();
    let damaged = folder.path().join("damaged.dcm");
    let mut bytes = std::fs::read(fixture("ct_clean.dcm")).unwrap();
    bytes.truncate(400);
    std::fs::write(&damaged, bytes).unwrap();
    let mut harness = open_app(folder.path(), &[damaged, fixture("screenshot.png")]);
    wait(&mut harness, "both files", ready);
    let state = &harness.state().state;
    assert!(matches!(state.files[0].stage, Stage::Failed(ref why) if !why.is_empty()));
    assert_eq!(state.files[1].stage, Stage::Ready);
    assert!(harness.query_by_label_contains("damaged.dcm").is_some());
    assert!(harness.query_by_label_contains("error:").is_some());
}

#[test]
fn an_export_that_cannot_be_written_says_why_and_leaves_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = analysed(folder.path(), "ct_16bit.dcm");
    // A folder that cannot be made: a file stands where it would go.
    let blocker = folder.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let target = blocker.join("clean.dcm");
    harness
        .state_mut()
        .perform(Command::ExportDicom(target.clone()));
    wait(&mut harness, "the export", |s| {
        s.files[0].verdict.is_some() && s.exporting == 0
    });
    let state = &harness.state().state;
    assert!(matches!(state.files[0].verdict, Some(Verdict::Failed(_))));
    let notice = state.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("Not written: ct_16bit.dcm: cannot write"),
        "{notice}"
    );
    assert!(!target.exists());
}

#[test]
fn an_empty_folder_says_so() {
    let folder = tempfile::tempdir().unwrap();
    let empty = folder.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let mut harness = open_app(folder.path(), &[empty]);
    wait(&mut harness, "the folder to be walked", |s| {
        s.notice.is_some()
    });
    assert!(harness.state().state.files.is_empty());
    assert!(
        harness
            .query_by_label("There is no file in what was dropped.")
            .is_some()
    );
}

#[test]
fn the_interface_speaks_french_when_asked() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = open_app(folder.path(), &[]);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Drop a scan, a photo or a folder here")
            .is_some()
    );
    harness.get_by_label("Français").click();
    harness.run_steps(3);
    assert!(
        harness
            .query_by_label("Déposez ici une image, une photo ou un dossier")
            .is_some()
    );
    assert!(
        !harness
            .get_all_by_label("Ouvrir…")
            .collect::<Vec<_>>()
            .is_empty()
    );
    assert!(harness.query_all_by_label("Open…").next().is_none());
    // The choice is saved for the next run.
    let start = Instant::now();
    while Settings::load(&folder.path().join("settings.json")).lang != Some(Lang::Fr) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "settings not saved"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_face_is_listed_and_can_be_kept_like_text() {
    let folder = tempfile::tempdir().unwrap();
    let camera = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/no-text/camera.png");
    let mut harness = open_app(folder.path(), &[camera]);
    wait(&mut harness, "camera.png to be analysed", ready);
    let face = || {
        By::new()
            .role(Role::CheckBox)
            .predicate(|node| node.label().is_some_and(|label| label == "a face"))
    };
    let face_action = |harness: &Harness<'_, App>| {
        let plan = harness.state().state.files[0].plan.as_ref().unwrap();
        plan.findings
            .items
            .iter()
            .find(|f| f.category == caviar::Category::Face)
            .map(|f| f.action)
    };
    assert_eq!(face_action(&harness), Some(caviar::Action::Remove));
    let faces_hidden =
        |harness: &Harness<'_, App>| harness.state().state.files[0].plan.as_ref().unwrap().faces;
    assert_eq!(faces_hidden(&harness), caviar::FaceCover::Fill);
    // The toolbar's choice: a band across the eyes, as journals print faces.
    harness.get_by_label("Eyes only").click();
    harness.run_steps(2);
    assert_eq!(faces_hidden(&harness), caviar::FaceCover::Eyes);
    harness.get(face()).scroll_to_me();
    harness.run_steps(2);
    harness.get(face()).click();
    harness.run_steps(2);
    assert_eq!(face_action(&harness), Some(caviar::Action::Keep));
}
