//! The app in a real X window (Xvfb), driven with xdotool: `scripts/gui-smoke.sh` with this
//! build's binary. It leaves `target/gui-smoke.png` for a person to look at.

#![cfg(feature = "gui")]

mod skip;

use std::process::Command;

#[test]
fn the_app_opens_a_window_shows_a_scan_and_takes_typing() {
    let missing: Vec<&str> = ["Xvfb", "xdotool", "import"]
        .into_iter()
        .filter(|tool| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if !missing.is_empty() {
        skip::skipped(&format!(
            "{missing:?} not installed (.ci/run installs them)"
        ));
        return;
    }
    let run = Command::new("bash")
        .arg("scripts/gui-smoke.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CAVIAR_BIN", env!("CARGO_BIN_EXE_caviar"))
        .output()
        .expect("bash runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!("{said}");
    assert!(run.status.success(), "gui-smoke failed:\n{said}");
    assert!(said.contains("gui-smoke: ok"));
}
