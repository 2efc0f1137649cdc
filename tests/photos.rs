//! End-to-end: the `caviar` binary on the project's fixtures and on real photos nobody here wrote.
//! What a user relies on: nothing planted survives, the picture looks exactly the same, inputs are
//! never touched, and a bad file is one clear line while the others go on.

mod common;
mod skip;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use image::ImageDecoder;
use serde_json::Value;

fn caviar(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caviar"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("caviar runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_photos() -> Option<PathBuf> {
    let folder = root().join("../shared/corpus/photos");
    if folder.is_dir() {
        Some(folder)
    } else {
        skip::skipped(&format!("{} is absent", folder.display()));
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Whether two pictures show the same pixels, without printing megabytes of them when not.
fn same_picture(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (displayed(a).to_rgba8(), displayed(b).to_rgba8());
    a.dimensions() == b.dimensions() && a.as_raw() == b.as_raw()
}

/// The boxes of the faces a file's report says were found, as (x, y, width, height).
fn faces_found(file: &Value) -> Vec<(u32, u32, u32, u32)> {
    file["findings"]["items"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "face")
        .map(|f| {
            let r = &f["location"]["region"];
            let n = |k: &str| r[k].as_u64().expect("a number") as u32;
            (n("x"), n("y"), n("width"), n("height"))
        })
        .collect()
}

/// Whether two pictures show the same, the same way up, but for `hidden` (grown by 32 pixels for
/// the patch's margin and a JPEG's 16-pixel blocks of colour around it): away from it, no sample
/// more than 2 apart; inside, some farther (the face is gone).
fn same_picture_but(a: &[u8], b: &[u8], hidden: (u32, u32, u32, u32)) -> bool {
    let (a, b) = (displayed(a).to_rgb8(), displayed(b).to_rgb8());
    if a.dimensions() != b.dimensions() {
        return false;
    }
    let (x, y, w, h) = hidden;
    let near =
        |px: u32, py: u32| px + 32 >= x && px < x + w + 32 && py + 32 >= y && py < y + h + 32;
    let mut changed_inside = false;
    for (px, py, pixel) in a.enumerate_pixels() {
        let other = b.get_pixel(px, py);
        let apart = (0..3)
            .map(|c| pixel[c].abs_diff(other[c]))
            .max()
            .unwrap_or(0);
        if near(px, py) {
            changed_inside |= apart > 40;
        } else if apart > 2 {
            return false;
        }
    }
    changed_inside
}

/// Decode with an independent decoder and apply the orientation it reports: what a viewer shows.
fn displayed(bytes: &[u8]) -> image::DynamicImage {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .expect("format guessed");
    let mut decoder = reader.into_decoder().expect("decoder");
    let orientation = decoder.orientation().expect("orientation");
    let mut picture = image::DynamicImage::from_decoder(decoder).expect("decodes");
    picture.apply_orientation(orientation);
    picture
}

/// The bytes a decoder reads pixels from: PNG IDAT data, or a JPEG's frame from its first SOF
/// marker minus metadata, so comparisons ignore only what scrubbing is meant to change.
fn image_data(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(b"\x89PNG") {
        let mut data = Vec::new();
        let mut pos = 8;
        while pos + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
            if &bytes[pos + 4..pos + 8] == b"IDAT" {
                data.extend_from_slice(&bytes[pos + 8..pos + 8 + len]);
            }
            pos += 12 + len;
        }
        data
    } else {
        let sof = (0..bytes.len() - 1)
            .find(|&i| bytes[i] == 0xFF && matches!(bytes[i + 1], 0xC0..=0xC3 | 0xC5..=0xC7))
            .expect("a JPEG frame");
        let eoi = (sof..bytes.len() - 1)
            .rev()
            .find(|&i| bytes[i] == 0xFF && bytes[i + 1] == 0xD9)
            .expect("end of image");
        bytes[sof..eoi].to_vec()
    }
}

fn scrub_to_temp(inputs: &[&Path]) -> (tempfile::TempDir, Output, Value) {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let report = temp.path().join("report.json");
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"scrub"];
    for input in inputs {
        args.push(input);
    }
    args.extend([
        &"--out" as &dyn AsRef<std::ffi::OsStr>,
        &out,
        &"--report",
        &report,
    ]);
    let run = caviar(&args);
    let report = std::fs::read(&report)
        .map(|bytes| serde_json::from_slice(&bytes).expect("report is JSON"))
        .unwrap_or(Value::Null);
    (temp, run, report)
}

fn fixtures() -> (PathBuf, Value) {
    let manifest = root().join("fixtures/planted.json");
    let planted = std::fs::read(&manifest).expect("fixtures/planted.json is committed");
    (
        root().join("fixtures"),
        serde_json::from_slice(&planted).unwrap(),
    )
}

#[test]
fn every_planted_value_is_gone_and_the_picture_is_unchanged() {
    let (fixtures, manifest) = fixtures();
    let photos = fixtures.join("photos");
    let (temp, run, report) = scrub_to_temp(&[&photos]);
    assert!(
        run.status.success(),
        "scrub failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(report["failed"], 0);
    let files = manifest["files"].as_array().expect("files listed");
    assert!(files.len() >= 8, "the fixtures cover every format");
    for file in files {
        let relative = file["path"].as_str().unwrap();
        let input = std::fs::read(fixtures.join(relative)).unwrap();
        let output_path = temp.path().join("out").join(relative);
        let output = std::fs::read(&output_path)
            .unwrap_or_else(|e| panic!("{}: {e}", output_path.display()));
        for item in file["planted"].as_array().unwrap() {
            let needle = hex(item["needle_hex"].as_str().unwrap());
            let what = item["what"].as_str().unwrap();
            if item["verbatim"].as_bool().unwrap_or(true) {
                assert!(contains(&input, &needle), "{relative}: {what} was planted");
            }
            assert!(!contains(&output, &needle), "{relative}: {what} survived");
        }
        for item in file["kept"].as_array().into_iter().flatten() {
            if item["verbatim"].as_bool().unwrap_or(true) {
                let needle = hex(item["needle_hex"].as_str().unwrap());
                let what = item["what"].as_str().unwrap();
                assert!(
                    contains(&output, &needle),
                    "{relative}: {what} was not kept"
                );
            }
        }
        let format = file["format"].as_str().unwrap();
        if matches!(format, "JPEG" | "PNG") {
            let kept = image_data(&output);
            assert!(contains(&input, &kept), "{relative}: image data re-encoded");
        }
        assert!(same_picture(&input, &output), "{relative} looks different");
    }
}

#[test]
fn inspect_explains_what_gives_a_patient_away() {
    let (fixtures, manifest) = fixtures();
    let files = manifest["files"].as_array().unwrap();
    let phone = files
        .iter()
        .find(|f| f["format"] == "JPEG" && f["planted"].as_array().unwrap().len() > 5)
        .expect("a phone JPEG with planted metadata");
    let path = fixtures.join(phone["path"].as_str().unwrap());
    let run = caviar(&[&"inspect", &path]);
    assert!(run.status.success());
    let listing = String::from_utf8(run.stdout).unwrap();
    for expected in [
        "48.8566 N 2.3522 E",
        "where the photo was taken",
        "serial number",
        "owner",
        "thumbnail",
    ] {
        assert!(
            listing.to_lowercase().contains(&expected.to_lowercase()),
            "{expected:?} missing from:\n{listing}"
        );
    }

    let json = caviar(&[&"inspect", &"--json", &path]);
    let parsed: Value = serde_json::from_slice(&json.stdout).expect("inspect --json is JSON");
    let findings = parsed[0]["findings"]["items"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["category"] == "location"
        && f["value"].as_str().unwrap().contains("48.8566 N 2.3522 E")));
    assert!(findings.iter().any(|f| f["category"] == "picture"));
    assert!(
        findings
            .iter()
            .all(|f| f["explanation"].as_str().unwrap().len() > 10)
    );
}

#[test]
fn corpus_photos_scrub_clean_or_fail_clearly_and_inputs_stay_untouched() {
    let Some(corpus) = corpus_photos() else {
        return;
    };
    let copy = tempfile::tempdir().unwrap();
    let mut before = Vec::new();
    for file in files_under(&corpus) {
        let target = copy.path().join(file.strip_prefix(&corpus).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
        before.push((target.clone(), std::fs::read(&target).unwrap()));
    }
    let (temp, run, report) = scrub_to_temp(&[copy.path()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let reports = report["reports"].as_array().expect("one report per file");
    assert_eq!(reports.len(), before.len());
    for file in reports {
        let input = file["input"].as_str().unwrap();
        if let Some(error) = file["error"].as_str() {
            assert!(
                stderr.contains(input) && stderr.contains(error),
                "{input}: {error}"
            );
            assert!(file["output"].is_null());
        } else {
            assert_eq!(file["clean"], true, "{input} not clean: {file}");
            let output = std::fs::read(file["output"].as_str().unwrap()).unwrap();
            let original = std::fs::read(input).unwrap();
            // A picture with text in it is redacted and saved again; every other one keeps its
            // pixels exactly.
            if !input.ends_with(".mpo") && !pixels_redacted(file) {
                assert!(same_picture(&original, &output), "{input} looks different");
            }
        }
    }
    assert_eq!(
        run.status.code(),
        Some(if reports.iter().any(|r| r["error"].is_string()) {
            1
        } else {
            0
        })
    );
    for (path, bytes) in before {
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{} changed",
            path.display()
        );
    }
    let leftovers: Vec<_> = files_under(temp.path())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".caviar-")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// What `caviar inspect --json` finds in a file.
fn findings_of(path: &Path) -> Vec<Value> {
    let inspection = caviar(&[&"inspect", &"--json", &path]);
    let parsed: Value = serde_json::from_slice(&inspection.stdout).unwrap();
    parsed[0]["findings"]["items"].as_array().unwrap().clone()
}

/// The orientation a file is shown with, as `inspect` reads it.
fn orientations(path: &Path) -> Vec<Value> {
    (findings_of(path).into_iter())
        .filter(|f| f["category"] == "orientation")
        .map(|f| f["value"].clone())
        .collect()
}

#[test]
fn orientations_one_to_eight_display_the_same_after_scrubbing() {
    let Some(corpus) = corpus_photos() else {
        return;
    };
    let pillow = corpus.join("pillow");
    let mut checked = 0;
    for name in (2..=8).flat_map(|n| {
        [
            format!("hopper_orientation_{n}.jpg"),
            format!("hopper_orientation_{n}.webp"),
        ]
    }) {
        let input = pillow.join(&name);
        let (temp, run, report) = scrub_to_temp(&[&input]);
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let original = std::fs::read(&input).unwrap();
        let output_path = temp.path().join("out").join(&name);
        let output = std::fs::read(&output_path).unwrap();
        // Stored as the original is, with the same orientation, or stored upright with none:
        // either way every viewer shows it as it shows the original. The WebPs carry their
        // orientation behind `Exif\0\0`, which some viewers honour and the decoder here does
        // not, so their pixels must stay as stored and keep it.
        let shown_turned = orientations(&output_path);
        if name.ends_with(".webp") {
            assert_eq!(shown_turned, orientations(&input), "{name}");
        } else {
            assert!(
                shown_turned.is_empty() || shown_turned == orientations(&input),
                "{name}"
            );
        }
        // Grace Hopper's face, found however the file turns it, is filled where it shows.
        let faces = faces_found(&report["reports"][0]);
        assert_eq!(faces.len(), 1, "{name}: {faces:?}");
        assert!(
            same_picture_but(&original, &output, faces[0]),
            "{name} is turned differently, or its face still shows"
        );
        checked += 1;
    }
    assert_eq!(checked, 14);
}

#[test]
fn tiff_orientations_survive_as_the_only_tag_besides_the_image_structure() {
    let Some(corpus) = corpus_photos() else {
        return;
    };
    for n in 1..=8 {
        let name = format!("g4_orientation_{n}.tif");
        let (temp, run, report) = scrub_to_temp(&[&corpus.join("pillow").join(&name)]);
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let output = temp.path().join("out").join(&name);
        let findings = findings_of(&output);
        let orientations: Vec<_> = findings
            .iter()
            .filter(|f| f["category"] == "orientation")
            .collect();
        // Where text was found and redacted, the picture is saved again upright, so it needs
        // no orientation tag any more.
        let redacted = pixels_redacted(&report["reports"][0]);
        assert_eq!(
            orientations.len(),
            usize::from(n != 1 && !redacted),
            "{name}: {findings:?}"
        );
        assert!(findings.iter().all(|f| f["category"] == "orientation"));
        assert_eq!(report["reports"][0]["clean"], true);
    }
}

#[test]
fn bad_files_get_one_line_each_and_the_others_go_on() {
    let (fixtures, manifest) = fixtures();
    let good = fixtures.join(manifest["files"][0]["path"].as_str().unwrap());
    let good_bytes = std::fs::read(&good).unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let folder = inputs.path().join("mixed");
    std::fs::create_dir(&folder).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(folder.join(name), bytes).unwrap();
    write("empty.jpg", b"");
    write("truncated.jpg", &good_bytes[..good_bytes.len() / 2]);
    write("notes.txt", b"Patient: Jeanne MARTIN, born 12/03/1950");
    write("iphone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
    write(
        "really-a-png.jpg",
        &std::fs::read(fixtures.join(first_of_format(&manifest, "PNG"))).unwrap(),
    );
    write("good.jpg", &good_bytes);

    let (temp, run, report) = scrub_to_temp(&[&folder]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    for (name, reason) in [
        ("empty.jpg", "empty"),
        ("truncated.jpg", "truncated"),
        ("notes.txt", "not a supported picture"),
        ("iphone.heic", "HEIC"),
    ] {
        let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name}: {stderr}");
        assert!(lines[0].contains(reason), "{name}: {}", lines[0]);
        assert!(!temp.path().join("out/mixed").join(name).exists());
    }
    for name in ["good.jpg", "really-a-png.jpg"] {
        assert!(temp.path().join("out/mixed").join(name).is_file(), "{name}");
    }
    assert_eq!(report["clean"], 2);
    assert_eq!(report["failed"], 4);
    let written = files_under(&temp.path().join("out"));
    assert_eq!(
        written.len(),
        2,
        "only clean outputs are written: {written:?}"
    );
}

fn first_of_format(manifest: &Value, format: &str) -> String {
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["format"] == format)
        .and_then(|f| f["path"].as_str())
        .unwrap()
        .to_string()
}

#[test]
fn an_output_folder_inside_an_input_folder_is_refused() {
    let (fixtures, _) = fixtures();
    let inputs = tempfile::tempdir().unwrap();
    let photos = inputs.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    for file in files_under(&fixtures.join("photos")).iter().take(2) {
        std::fs::copy(file, photos.join(file.file_name().unwrap())).unwrap();
    }
    let inside = photos.join("clean");
    let run = caviar(&[&"scrub", &photos, &"--out", &inside]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("inside the input folder"));
    assert!(!inside.exists());
    let run = caviar(&[&"scrub", &photos, &"--out", &photos]);
    assert_eq!(run.status.code(), Some(2));
}

/// Two files of one name given on their own, scrubbed into the folder of the first: the first's
/// output would be itself, and the second's would be the first. Neither original is replaced.
#[test]
fn scrubbing_into_the_folder_of_an_input_never_replaces_it() {
    let temp = tempfile::tempdir().unwrap();
    let (first, second) = common::two_photos_of_one_name(temp.path());
    let a = temp.path().join("a");
    let before = (
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
    );
    let run = caviar(&[&"scrub", &first, &second, &"--out", &a]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("would overwrite"), "{stderr}");
    assert_eq!(
        std::fs::read(&first).unwrap(),
        before.0,
        "the first photo was replaced"
    );
    assert_eq!(std::fs::read(&second).unwrap(), before.1);
}

#[test]
fn a_read_only_output_folder_is_one_clear_error() {
    let (fixtures, manifest) = fixtures();
    let input = fixtures.join(manifest["files"][0]["path"].as_str().unwrap());
    let temp = tempfile::tempdir().unwrap();
    let locked = temp.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits; /proc refuses new folders to everyone.
    let out = if std::fs::write(locked.join("probe"), b"").is_ok() {
        println!("running as root: using /proc as the read-only place");
        PathBuf::from("/proc/self/caviar-out")
    } else {
        locked.join("out")
    };
    let run = caviar(&[&"scrub", &input, &"--out", &out]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
}

/// `caviar` alone opens the app; where no window can be opened (no display), it says so and
/// prints the command line's usage instead of failing silently.
#[test]
fn no_argument_without_a_display_prints_the_usage() {
    let run = Command::new(env!("CARGO_BIN_EXE_caviar"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("caviar runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("Usage") && stderr.contains("scrub") && stderr.contains("inspect"));
    assert_eq!(run.status.code(), Some(2));
}

/// Whether the report says text in the picture was made unreadable (and the picture re-encoded).
fn pixels_redacted(report: &Value) -> bool {
    report["done"].as_array().is_some_and(|done| {
        done.iter()
            .any(|d| d["what"].as_str().unwrap_or("").contains("unreadable"))
    })
}

#[test]
fn photos_without_text_get_no_blur_and_keep_their_coded_pixels() {
    // Fur, bricks, grass, gravel, cells, a fundus, galaxies (fixtures/no-text/README.md),
    // and the face of the pillow corpus: texture once read as `pwn`, `F-0H` or `E` had patches
    // blurred into it, and the picture was encoded again for them. None of them holds a face
    // either (the cat's is not a person's), but the portrait and the cameraman, whose faces
    // alone are filled.
    let folder = root().join("fixtures/no-text");
    let mut inputs = files_under(&folder);
    inputs.retain(|path| path.extension().is_some_and(|e| e != "md"));
    if let Some(corpus) = corpus_photos() {
        inputs.push(corpus.join("pillow/hopper_orientation_2.jpg"));
    }
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let (_temp, run, report) = scrub_to_temp(&inputs);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let reports = report["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), inputs.len());
    for file in reports {
        let input = file["input"].as_str().expect("input");
        let proposed: Vec<&Value> = file["findings"]["items"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| {
                f["location"]["kind"] == "pixels"
                    && f["action"] == "remove"
                    && f["category"] != "face"
            })
            .collect();
        assert!(proposed.is_empty(), "{input}: {proposed:?}");
        let before = std::fs::read(input).expect("input");
        let after = std::fs::read(file["output"].as_str().expect("written")).expect("output");
        let faces = faces_found(file);
        // Grace Hopper, and the man behind the camera.
        if input.contains("hopper") || input.ends_with("camera.png") {
            assert_eq!(faces.len(), 1, "{input}: {faces:?}");
            assert!(same_picture_but(&before, &after, faces[0]), "{input}");
        } else {
            assert!(faces.is_empty(), "{input}: a face found in {faces:?}");
            assert!(
                image_data(&before) == image_data(&after),
                "{input}: the coded pixels changed"
            );
        }
    }
}

/// `input` scrubbed as a file called `name`, which must come out with text in its pixels made
/// unreadable: the output's bytes.
fn scrubbed_with_text_redacted(name: &str, input: &[u8]) -> Vec<u8> {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join(name);
    std::fs::write(&path, input).unwrap();
    let (_out, run, report) = scrub_to_temp(&[&path]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let file = &report["reports"][0];
    assert!(pixels_redacted(file), "{file}");
    std::fs::read(file["output"].as_str().expect("written")).unwrap()
}

/// The chunks of a PNG, by type, with their data.
fn png_chunks(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut pos = 8;
    while pos + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = bytes[pos + 4..pos + 8].try_into().unwrap();
        chunks.push((kind, bytes[pos + 8..pos + 8 + len].to_vec()));
        pos += 12 + len;
    }
    chunks
}

#[test]
fn a_png_blurred_and_saved_again_shows_the_same_colours_size_and_turn() {
    // A screenshot stored turned a quarter, whose only orientation is ImageMagick's text copy
    // of EXIF (Safari, Pillow and ImageMagick turn it back), with gamma, chromaticities, sRGB
    // intent and a pixel density.
    let upright = image::open(root().join("fixtures/burned-in/screenshot.png")).unwrap();
    let mut original = Vec::new();
    upright
        .rotate270()
        .write_to(
            &mut std::io::Cursor::new(&mut original),
            image::ImageFormat::Png,
        )
        .unwrap();
    let ihdr_end = 8 + 25;
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x02".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    exif.extend_from_slice(&[0x01, 0x3B, 0, 2, 0, 0, 0, 9, 0, 0, 0, 38, 0, 0, 0, 0]);
    exif.extend_from_slice(b"Jane Doe\0");
    let hex: String = exif.iter().map(|b| format!("{b:02x}")).collect();
    let raw_profile = format!("Raw profile type exif\0\nexif\n{:8}\n{hex}\n", exif.len());
    let phys = [&3780u32.to_be_bytes()[..], &1890u32.to_be_bytes(), &[1]].concat();
    let shown_the_same = [
        common::png_chunk(b"gAMA", &45455u32.to_be_bytes()),
        common::png_chunk(b"cHRM", &[0x11; 32]),
        common::png_chunk(b"sRGB", &[0]),
        common::png_chunk(b"pHYs", &phys),
    ];
    let input = [
        &original[..ihdr_end],
        &shown_the_same.concat(),
        &common::png_chunk(b"tEXt", raw_profile.as_bytes()),
        &original[ihdr_end..],
    ]
    .concat();
    let output = scrubbed_with_text_redacted("turned.png", &input);
    assert!(!contains(&output, b"Jane Doe"));
    let chunks = png_chunks(&output);
    for (kind, data) in &chunks[1..5] {
        let expected = match kind {
            // Turned a quarter, the picture's horizontal density is its old vertical one.
            b"pHYs" => [&1890u32.to_be_bytes()[..], &3780u32.to_be_bytes(), &[1]].concat(),
            _ => {
                png_chunks(&[&b"\x89PNG\r\n\x1a\n"[..], &shown_the_same.concat()].concat())
                    .into_iter()
                    .find(|(k, _)| k == kind)
                    .expect("carried over")
                    .1
            }
        };
        assert_eq!(data, &expected, "{}", String::from_utf8_lossy(kind));
    }
    // Saved upright, with no orientation left to apply.
    let after = displayed(&output);
    assert_eq!(
        (after.width(), after.height()),
        (upright.width(), upright.height())
    );
    assert!(
        chunks
            .iter()
            .all(|(kind, _)| kind != b"tEXt" && kind != b"eXIf")
    );
}

#[test]
fn an_opaque_webp_blurred_and_saved_again_gets_no_alpha_and_stays_small() {
    let screenshot = common::fixture_picture("burned-in/screenshot.png");
    let mut input = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut input)
        .encode(
            screenshot.as_raw(),
            screenshot.width(),
            screenshot.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    let output = scrubbed_with_text_redacted("screenshot.webp", &input);
    // A simple lossless WebP: RIFF, WEBP, VP8L, its size, the signature 0x2F, then 14 bits of
    // width, 14 of height and the bit that says whether alpha is used.
    assert_eq!(&output[12..16], b"VP8L");
    let header = u32::from_le_bytes(output[21..25].try_into().unwrap());
    assert_eq!(header >> 28 & 1, 0, "alpha written for an opaque picture");
    assert!(
        output.len() <= input.len() * 3 / 2,
        "{} bytes from {}",
        output.len(),
        input.len()
    );
}

/// A JPEG segment: marker, length, payload.
fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    [
        &[0xFF, marker][..],
        &((payload.len() + 2) as u16).to_be_bytes(),
        payload,
    ]
    .concat()
}

/// `picture` with `segments` right after its start-of-image marker.
fn with_segments(picture: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    [&picture[..2], &segments.concat(), &picture[2..]].concat()
}

fn xmp_segment(body: &str) -> Vec<u8> {
    let packet = format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF></x:xmpmeta>"#
    );
    jpeg_segment(
        0xE1,
        &[&b"http://ns.adobe.com/xap/1.0/\0"[..], packet.as_bytes()].concat(),
    )
}

fn mp4_box(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
    [
        &((content.len() + 8) as u32).to_be_bytes()[..],
        kind,
        content,
    ]
    .concat()
}

/// A phone's motion-photo video: the brand, a movie box whose user data says where it was
/// recorded (as iPhones and Android phones write it), and the frames.
fn motion_video() -> Vec<u8> {
    let place = b"+48.8566+002.3522/";
    let xyz = [
        &(place.len() as u16).to_be_bytes()[..],
        &[0x15, 0xC7],
        place,
    ]
    .concat();
    [
        mp4_box(b"ftyp", b"mp42\0\0\0\0isommp42"),
        mp4_box(b"moov", &mp4_box(b"udta", &mp4_box(b"\xA9xyz", &xyz))),
        mp4_box(b"mdat", b"VIDEO-FRAMES-OF-THE-WARD"),
    ]
    .concat()
}

#[test]
fn motion_photos_and_hdr_gain_maps_leave_only_the_picture() {
    let clean = std::fs::read(root().join("fixtures/photos/clean.jpg")).unwrap();
    let motion_xmp = xmp_segment(
        r#"<rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MotionPhoto="1" GCamera:MotionPhotoPresentationTimestampUs="1500000"/>"#,
    );
    let google = [with_segments(&clean, &[motion_xmp]), motion_video()].concat();
    let samsung_trailer = [
        &b"SEFH"[..],
        &106u32.to_le_bytes(),
        &1u32.to_le_bytes(),
        b"MotionPhoto_Version",
        &40u32.to_le_bytes(),
        b"SEFT",
    ]
    .concat();
    let samsung = [
        clean.clone(),
        b"MotionPhoto_Data".to_vec(),
        motion_video(),
        samsung_trailer,
    ]
    .concat();
    let gain_map_xmp = r#"<rdf:Description rdf:about="" xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" hdrgm:Version="1.0" hdrgm:GainMapMax="2.3"><dc:creator><rdf:Seq><rdf:li>Gain Map Owner</rdf:li></rdf:Seq></dc:creator></rdf:Description>"#;
    let gain_map = with_segments(
        &clean,
        &[
            xmp_segment(gain_map_xmp),
            jpeg_segment(0xFE, b"gain-map-comment"),
        ],
    );
    let main_xmp = xmp_segment(
        r#"<rdf:Description rdf:about="" xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/" hdrgm:Version="1.0"/>"#,
    );
    let mpf = jpeg_segment(0xE2, b"MPF\0MM\0*\0\0\0\x08\0\0\0\0\0\0");
    let ultra_hdr = [with_segments(&clean, &[main_xmp, mpf]), gain_map].concat();

    let temp = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, bytes) in [
        ("google.jpg", &google),
        ("samsung.jpg", &samsung),
        ("ultra_hdr.jpg", &ultra_hdr),
    ] {
        let path = temp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    let inputs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (_out, run, report) = scrub_to_temp(&inputs);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let reports = report["reports"].as_array().expect("reports");
    for (file, (what, named)) in reports.iter().zip([
        ("motion photo video", true),
        ("motion photo video", true),
        ("HDR gain map", false),
    ]) {
        let input = file["input"].as_str().unwrap();
        let findings = file["findings"]["items"].as_array().unwrap();
        assert!(
            findings.iter().any(|f| f["location"]["field"] == what),
            "{input}: {findings:?}"
        );
        // The place the video was recorded is shown, and goes with it.
        assert_eq!(
            findings
                .iter()
                .any(|f| f["category"] == "location" && f["value"] == "+48.8566+002.3522/"),
            named,
            "{input}"
        );
        let done = file["done"].to_string();
        assert!(done.contains(&format!("removed {what}")), "{input}: {done}");
        let output = std::fs::read(file["output"].as_str().expect("written")).unwrap();
        for left in [
            &b"ftyp"[..],
            b"48.8566",
            b"VIDEO-FRAMES",
            b"MotionPhoto",
            b"SEFT",
            b"hdr-gain-map",
            b"Gain Map Owner",
            b"gain-map-comment",
        ] {
            assert!(
                !contains(&output, left),
                "{input}: {}",
                String::from_utf8_lossy(left)
            );
        }
        assert!(output.ends_with(&[0xFF, 0xD9]));
        assert_eq!(image_data(&output), image_data(&clean), "{input}");
        assert!(same_picture(&output, &clean), "{input}");
    }
}

#[test]
fn phone_pictures_stay_heic_or_avif_or_are_saved_as_jpeg_once_their_text_is_blurred() {
    let heif = root().join("fixtures/heif");
    let phone = common::planted::in_metadata("photos/phone_everything.jpg");
    let names = [
        "phone.heic",
        "screenshot.heic",
        "phone.avif",
        "screenshot.avif",
        "turned-grid.avif",
        "transparent.avif",
    ];
    let inputs: Vec<PathBuf> = names.iter().map(|name| heif.join(name)).collect();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let (temp, _, report) = scrub_to_temp(&inputs);
    let reports = report["reports"].as_array().expect("reports");

    for (name, report) in names.iter().zip(reports) {
        let output = report["output"].as_str().expect("written");
        let written = std::fs::read(output).unwrap();
        if name.starts_with("phone") {
            // No text in the phone's picture: the same format, its EXIF, XMP and thumbnail gone.
            assert!(output.ends_with(name), "{output}");
            for (what, needle) in &phone {
                assert!(!contains(&written, needle), "{what} left in {name}");
            }
        } else {
            // The name and birth date are blurred (in the AVIF grid once it is put together
            // and turned upright): neither format can be encoded here, so the picture is
            // saved as a JPEG, or a PNG when it has transparency, and the report says so.
            // The HEIC and the AVIF screenshot are both saved, under two names.
            let (stem, extension) = name.rsplit_once('.').unwrap();
            let (saved, magic): (_, &[u8]) = if stem == "transparent" {
                ("PNG", b"\x89PNG")
            } else {
                ("JPEG", &[0xFF, 0xD8, 0xFF])
            };
            let extension_out = saved.to_lowercase().replace("jpeg", "jpg");
            assert!(
                output.ends_with(&format!("{stem}.{extension_out}"))
                    || output.ends_with(&format!("{stem}.{extension}.{extension_out}")),
                "{output}"
            );
            assert!(pixels_redacted(report), "{name}: {report}");
            assert!(
                report["done"]
                    .to_string()
                    .contains(&format!("saved as {saved}")),
                "{name}"
            );
            assert!(written.starts_with(magic), "{name}");
            assert!(!temp.path().join("out").join(name).exists());
        }
    }
    let outputs: std::collections::BTreeSet<&str> = reports
        .iter()
        .filter_map(|report| report["output"].as_str())
        .collect();
    assert_eq!(
        outputs.len(),
        names.len(),
        "two files saved under one name: {outputs:?}"
    );

    // Files already where the JPEG would go are never overwritten: the second name is used,
    // and when both are taken nothing is written.
    let again = tempfile::tempdir().unwrap();
    let out = again.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("screenshot.jpg"), b"someone else's file").unwrap();
    let run = caviar(&[&"scrub", &heif.join("screenshot.heic"), &"--out", &out]);
    assert!(run.status.success());
    assert!(
        std::fs::read(out.join("screenshot.heic.jpg"))
            .unwrap()
            .starts_with(&[0xFF, 0xD8])
    );
    std::fs::write(out.join("screenshot.heic.jpg"), b"and another").unwrap();
    let run = caviar(&[&"scrub", &heif.join("screenshot.heic"), &"--out", &out]);
    assert!(!run.status.success());
    assert_eq!(
        std::fs::read(out.join("screenshot.jpg")).unwrap(),
        b"someone else's file"
    );
    assert_eq!(
        std::fs::read(out.join("screenshot.heic.jpg")).unwrap(),
        b"and another"
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("already there"));
}

/// A JPEG of `picture` stored so that EXIF orientation `turn` shows it upright.
fn stored_turned(picture: &image::RgbImage, turn: u8) -> Vec<u8> {
    let upright = image::DynamicImage::ImageRgb8(picture.clone());
    // The inverse of what the orientation asks a viewer to do.
    let stored = match turn {
        3 => upright.rotate180(),
        5 => upright.rotate90().fliph(),
        6 => upright.rotate270(),
        8 => upright.rotate90(),
        _ => upright,
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&stored)
        .unwrap();
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    exif.extend([turn, 0, 0, 0, 0, 0, 0, 0]);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((exif.len() + 2) as u16).to_be_bytes());
    out.extend(exif);
    out.extend(&jpeg[2..]);
    out
}

#[test]
fn a_turned_jpeg_is_redacted_in_its_blocks_where_the_text_shows() {
    // The film's label (fixtures/burned-in/gold.json: "LEBRUN Paul" at 493,109 142×28 as
    // shown), stored turned four ways: the blocks under the name change, wherever the stored
    // picture holds them, and nothing away from the label does.
    let film = common::fixture_picture("burned-in/photo_film.jpg");
    let temp = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = [3u8, 5, 6, 8]
        .iter()
        .map(|&turn| {
            let path = temp.path().join(format!("film_{turn}.jpg"));
            std::fs::write(&path, stored_turned(&film, turn)).unwrap();
            path
        })
        .collect();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let (_out, _, report) = scrub_to_temp(&inputs);
    for (input, file) in inputs.iter().zip(report["reports"].as_array().unwrap()) {
        assert!(
            file["done"].to_string().contains("JPEG's own blocks"),
            "{}: {file}",
            input.display()
        );
        let output = std::fs::read(file["output"].as_str().expect("written")).unwrap();
        let before = displayed(&std::fs::read(input).unwrap()).to_rgb8();
        let after = displayed(&output).to_rgb8();
        assert_eq!(before.dimensions(), after.dimensions());
        let name = (493..635, 109..137);
        let steps = |image: &image::RgbImage| {
            let mut total = 0u32;
            for y in name.1.clone() {
                for x in name.0.start + 1..name.0.end {
                    total +=
                        u32::from(image.get_pixel(x, y)[1].abs_diff(image.get_pixel(x - 1, y)[1]));
                }
            }
            total as f32 / ((name.0.len() - 1) * name.1.len()) as f32
        };
        assert!(
            steps(&after) < steps(&before) / 3.0,
            "{}: the name is still sharp",
            input.display()
        );
        // Away from the label, whose other lines (hospital, birth date, IPP) go too.
        let far = |x: u32, y: u32| !(430..830).contains(&x) || !(50..250).contains(&y);
        let moved = after
            .enumerate_pixels()
            .filter(|&(x, y, p)| far(x, y) && before.get_pixel(x, y) != p)
            .count();
        assert!(
            moved < 2000,
            "{}: {moved} pixels changed far from the name",
            input.display()
        );
    }
}

#[test]
fn a_face_is_found_filled_and_checked_and_a_face_kept_stays() {
    // The cameraman of scikit-image's `camera.png`, in profile behind his camera.
    let document = caviar::load(&root().join("fixtures/no-text/camera.png")).unwrap();
    let findings = caviar::analyze(&document).unwrap();
    let faces: Vec<&caviar::Finding> = findings
        .items
        .iter()
        .filter(|f| f.category == caviar::Category::Face)
        .collect();
    assert_eq!(faces.len(), 1, "{:?}", findings.items);
    let (_, face) = faces[0].pixels().expect("a box in the picture");
    assert!(faces[0].confidence > 0.8 && faces[0].action == caviar::Action::Remove);

    let shown = |output: &caviar::Output| displayed(&output.bytes).to_rgb8();
    let before = displayed(&document.bytes).to_rgb8();
    let plan = caviar::Plan::default_for(&findings);
    let output = caviar::apply(&document, &plan).unwrap();
    assert!(caviar::verify(&output).unwrap().is_clean());
    let after = shown(&output);
    // Filled solid, not blurred: one colour over the whole box.
    assert!(
        common::one_colour(&after, face),
        "the face is not one solid colour"
    );
    assert!(caviar::faces::find(&after).unwrap().is_empty());

    // Asked for, a blur hides it too: softer, never a face again.
    let blurred = caviar::Plan {
        faces: caviar::FaceCover::Blur,
        ..plan.clone()
    };
    let output = caviar::apply(&document, &blurred).unwrap();
    assert!(caviar::verify(&output).unwrap().is_clean());
    let after = shown(&output);
    assert!(caviar::faces::find(&after).unwrap().is_empty());
    assert!(!common::one_colour(&after, face), "the blur is a fill");

    // A teaching photo whose lesion is on the face: the user keeps it, and the output is still
    // called clean, with the face as it was.
    let mut kept = plan.clone();
    for finding in &mut kept.findings.items {
        if finding.category == caviar::Category::Face {
            finding.action = caviar::Action::Keep;
        }
    }
    let output = caviar::apply(&document, &kept).unwrap();
    assert!(caviar::verify(&output).unwrap().is_clean());
    let after = shown(&output);
    assert!(
        (face.y..face.bottom()).all(
            |y| (face.x..face.right()).all(|x| after.get_pixel(x, y) == before.get_pixel(x, y))
        ),
        "a kept face changed"
    );
}

#[test]
fn asked_for_only_the_eyes_are_covered_as_journals_print_faces() {
    let document = caviar::load(&root().join("fixtures/no-text/camera.png")).unwrap();
    let findings = caviar::analyze(&document).unwrap();
    let face = findings
        .items
        .iter()
        .find(|f| f.category == caviar::Category::Face)
        .and_then(caviar::Finding::pixels)
        .map(|(_, region)| region)
        .expect("the cameraman's face");
    let plan = caviar::Plan {
        faces: caviar::FaceCover::Eyes,
        ..caviar::Plan::default_for(&findings)
    };
    let output = caviar::apply(&document, &plan).unwrap();
    // The face stays a face by choice: verification does not hold it against the output.
    assert!(caviar::verify(&output).unwrap().is_clean());
    let (before, after) = (
        displayed(&document.bytes).to_rgb8(),
        displayed(&output.bytes).to_rgb8(),
    );
    let changed: Vec<(u32, u32)> = (face.y..face.bottom())
        .flat_map(|y| (face.x..face.right()).map(move |x| (x, y)))
        .filter(|&(x, y)| before.get_pixel(x, y) != after.get_pixel(x, y))
        .collect();
    assert!(!changed.is_empty(), "nothing covered");
    assert!(
        changed.len() < face.area() as usize / 2,
        "{} of {} pixels of the face covered: more than a band",
        changed.len(),
        face.area()
    );
    // The mouth and chin, the lower third of the face, are as they were.
    let chin = face.y + face.height * 2 / 3;
    assert!(
        changed.iter().all(|&(_, y)| y < chin),
        "the band reaches the mouth"
    );
}
