//! Promises a user relies on when things go wrong around the files: inputs are never modified,
//! even by a full run over them, and a run stopped midway leaves only whole, verified outputs —
//! no partial file.

mod skip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/photos")
}

/// Every file under `root` with its checksum and permission bits.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (String, u32)> {
    use std::os::unix::fs::PermissionsExt;
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| entry.expect("readable"))
        .map(|entry| {
            let mode = entry.metadata().expect("metadata").permissions().mode();
            let digest = if entry.file_type().is_file() {
                let digest = Sha256::digest(std::fs::read(entry.path()).expect("readable"));
                digest.iter().map(|b| format!("{b:02x}")).collect()
            } else {
                String::new()
            };
            (entry.path().to_path_buf(), (digest, mode))
        })
        .collect()
}

fn set_read_only(root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut entries: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("readable").path().to_path_buf())
        .collect();
    // Files first, folders last, so that the walk above could still list them.
    entries.reverse();
    for path in entries {
        let mode = if path.is_dir() { 0o555 } else { 0o444 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_full_run_leaves_read_only_inputs_exactly_as_they_were() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let inputs = work.path().join("inputs");
    copy_tree(&fixtures(), &inputs.join("photos"));
    let dicom = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dicom/pydicom");
    if dicom.is_dir() {
        copy_tree(&dicom, &inputs.join("dicom"));
    } else {
        skip::skipped(&format!("{} is absent; photos only", dicom.display()));
    }
    let caption = inputs.join("caption.txt");
    std::fs::write(
        &caption,
        "IRM de Jean Dupont au CHU de Rennes le 12/03/2024",
    )
    .expect("caption");
    set_read_only(&inputs);
    let before = snapshot(&inputs);

    let caviar = env!("CARGO_BIN_EXE_caviar");
    let scrub = Command::new(caviar)
        .arg("scrub")
        .arg(&inputs)
        .arg("--out")
        .arg(work.path().join("out"))
        .arg("--report")
        .arg(work.path().join("report.json"))
        .arg("--caption")
        .arg(&caption)
        .arg("--key-file")
        .arg(work.path().join("key"))
        .output()
        .expect("caviar runs");
    assert!(
        matches!(scrub.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&scrub.stderr)
    );
    let inspect = Command::new(caviar)
        .arg("inspect")
        .arg(&inputs)
        .arg("--json")
        .output()
        .expect("caviar runs");
    assert!(matches!(inspect.status.code(), Some(0 | 1)));

    assert_eq!(snapshot(&inputs), before, "an input file changed");
    assert!(
        work.path().join("out/inputs/caption.txt").is_file()
            || work.path().join("out/caption.txt").is_file()
    );
}

#[test]
fn an_interrupted_run_leaves_no_partial_file_and_only_verified_outputs() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let inputs = work.path().join("many");
    std::fs::create_dir(&inputs).expect("mkdir");
    let photos: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    const COPIES: usize = 3000;
    for copy in 0..COPIES {
        let photo = &photos[copy % photos.len()];
        let name = format!("{copy:05}-{}", photo.file_name().unwrap().to_string_lossy());
        std::fs::copy(photo, inputs.join(name)).expect("copy");
    }
    let out = work.path().join("out");
    let mut run = Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("scrub")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("caviar runs");

    // Wait for the first outputs, then stop the run the way a user or a scheduler would.
    let written = out.join("many");
    let started = Instant::now();
    while std::fs::read_dir(&written).map_or(0, |d| d.count()) < 20 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no output after 60 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(run.id().to_string())
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = run.wait().expect("caviar ends");
    assert_eq!(
        status.code(),
        Some(130),
        "the run was not interrupted midway (too fast?)"
    );

    let names: Vec<String> = std::fs::read_dir(&written)
        .expect("output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let partial: Vec<&String> = names.iter().filter(|n| n.starts_with(".caviar-")).collect();
    assert!(partial.is_empty(), "partial files left: {partial:?}");
    assert!(
        names.len() < COPIES,
        "every file was written: the interruption came too late"
    );

    // What was written is whole and clean.
    let inspect = Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("inspect")
        .arg(&written)
        .arg("--json")
        .output()
        .expect("caviar runs");
    assert_eq!(
        inspect.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&inspect.stdout).expect("JSON");
    for file in report.as_array().expect("a list") {
        let items = file["findings"]["items"].as_array().expect("items");
        let identifying: Vec<&serde_json::Value> = items
            .iter()
            .filter(|f| {
                !matches!(
                    f["category"].as_str(),
                    Some("orientation" | "colour_profile" | "annotation")
                )
            })
            .collect();
        assert!(identifying.is_empty(), "{}: {identifying:?}", file["file"]);
    }
}
