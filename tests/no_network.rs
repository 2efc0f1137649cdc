//! The app never opens a network connection, and the surest way to keep it so is to have no
//! crate in the build that could: no HTTP, TLS, socket or async-runtime crate anywhere in the
//! dependency tree of the shipped binary.

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
