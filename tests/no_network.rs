//! The app never opens a network connection, and the surest way to keep it so is to have no
//! crate in the build that could: no HTTP, TLS, socket or async-runtime crate anywhere in the
//! dependency tree of the shipped binary.

mod skip;

use std::process::Command;

/// Crates whose only purpose is to talk over a network, or the runtimes they sit on.
const NETWORKING: &[&str] = &[
    "reqwest",
    "hyper",
    "h2",
    "h3",
    "http",
    "http-body",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "attohttpc",
    "surf",
    "native-tls",
    "openssl",
    "openssl-sys",
    "rustls",
    "tokio",
    "async-std",
    "mio",
    "socket2",
    "quinn",
    "tungstenite",
    "websocket",
    "lettre",
];

#[test]
fn no_networking_crate_is_built_into_caviar() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tree = Command::new(cargo)
        .args(["tree", "--offline", "--edges", "normal,build"])
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        tree.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&tree.stderr)
    );
    let listing = String::from_utf8(tree.stdout).unwrap();
    let crates: Vec<&str> = listing
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        crates.contains(&"dicom-object"),
        "the tree lists the real dependencies"
    );
    let found: Vec<&&str> = crates.iter().filter(|c| NETWORKING.contains(c)).collect();
    assert!(
        found.is_empty(),
        "networking crates in the build: {found:?}"
    );
}

/// The binary at work makes no network system call at all: `scrub` over photos with a caption,
/// `inspect` and `text` run under `strace -f -e trace=network`, and the trace must be empty.
#[test]
fn the_binary_makes_no_network_call_while_working() {
    if Command::new("strace").arg("-V").output().is_err() {
        skip::skipped("strace is not installed (.ci/run installs it)");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("a temporary folder");
    let caption = work.path().join("caption.txt");
    std::fs::write(
        &caption,
        "Scanner de Jean Dupont, 06 12 34 56 78, jean@exemple.fr",
    )
    .unwrap();
    let out = work.path().join("out");
    let runs: [Vec<std::ffi::OsString>; 3] = [
        vec![
            "scrub".into(),
            root.join("fixtures/photos").into(),
            "--out".into(),
            out.clone().into(),
            "--caption".into(),
            caption.clone().into(),
        ],
        vec![
            "inspect".into(),
            root.join("fixtures/photos").into(),
            "--json".into(),
        ],
        vec!["text".into(), "--json".into()],
    ];
    for (index, args) in runs.iter().enumerate() {
        let trace = work.path().join(format!("trace-{index}"));
        let run = Command::new("strace")
            .args([
                "-f",
                "-qq",
                "-e",
                "trace=network",
                "-e",
                "signal=none",
                "-o",
            ])
            .arg(&trace)
            .arg(env!("CARGO_BIN_EXE_caviar"))
            .args(args)
            .stdin(std::fs::File::open(&caption).unwrap())
            .output()
            .expect("strace runs");
        let log = std::fs::read_to_string(&trace).unwrap_or_default();
        if !run.status.success()
            && log.is_empty()
            && String::from_utf8_lossy(&run.stderr).contains("ptrace")
        {
            skip::skipped(&format!(
                "strace cannot trace here: {}",
                String::from_utf8_lossy(&run.stderr)
            ));
            return;
        }
        assert!(
            run.status.success(),
            "{:?}: {}",
            args,
            String::from_utf8_lossy(&run.stderr)
        );
        let calls: Vec<&str> = log
            .lines()
            .filter(|line| !line.contains("+++ exited"))
            .collect();
        assert!(
            calls.is_empty(),
            "{args:?} made network calls:\n{}",
            calls.join("\n")
        );
    }
}
