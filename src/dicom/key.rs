//! The per-user secret behind every replacement value (UIDs, date offsets, pseudonyms).
//!
//! Replacements must be the same every time the same user exports the same patient, or a teaching
//! case exported in several sittings falls apart into unrelated studies; and nobody without the
//! secret may recompute them, or a replacement UID could be matched against a hospital's archive.
//! A keyed hash gives both: deterministic for the key holder, one-way for everyone else.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::document::Error;
pub use crate::document::Key;

const KEY_BYTES: usize = 32;
const HEX_CHARS: usize = KEY_BYTES * 2;
const MAX_KEY_FILE_BYTES: u64 = 1024;

impl Key {
    /// Reads the key, or creates one on first use so a user gets consistent outputs without a
    /// setup step. A file that exists but does not hold a key is refused, never replaced:
    /// replacing it would silently break the link with everything exported before.
    pub fn load_or_create(path: &Path) -> Result<Key, Error> {
        match read_key_file(path) {
            Err(KeyFileError::Missing) => create(path),
            other => other.map_err(|e| e.into_error(path)),
        }
    }

    /// Accepts surrounding whitespace, since a key pasted from a terminal usually carries a
    /// newline; anything else but exactly 64 hexadecimal digits is refused.
    pub fn from_hex(hex: &str) -> Result<Key, Error> {
        parse_hex(hex).map_err(|reason| Error::Refused(format!("invalid key: {reason}")))
    }

    /// Under the user's configuration folder, so the key survives upgrades and is per user;
    /// `None` where the platform has no such folder (the caller then needs an explicit path).
    pub fn default_path() -> Option<PathBuf> {
        dirs::config_dir().map(|dir| dir.join("caviar").join("key"))
    }

    /// For listing what a file holds, where replacement values are computed and thrown away:
    /// it needs no key file, so analysing never creates one. It is public in this source, so
    /// nothing computed with it may ever be written out.
    pub(crate) fn for_analysis() -> Key {
        Key([0; KEY_BYTES])
    }

    /// Each purpose gets an independent stream of bits, so a UID and a date offset computed from
    /// the same original value reveal nothing about each other. Purpose and input are both
    /// length-prefixed: without framing, ("ab", "c") and ("a", "bc") would hash the same.
    pub fn derive(&self, purpose: &str, input: &[u8]) -> [u8; 32] {
        // HMAC pads a key shorter than the hash block with zeros (RFC 2104), so giving it the
        // zero-padded block is the same MAC as giving it the 32 bytes, without a fallible call.
        let mut block = [0u8; 64];
        block[..KEY_BYTES].copy_from_slice(&self.0);
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
        mac.update(&(purpose.len() as u64).to_be_bytes());
        mac.update(purpose.as_bytes());
        mac.update(&(input.len() as u64).to_be_bytes());
        mac.update(input);
        mac.finalize().into_bytes().into()
    }
}

enum KeyFileError {
    Missing,
    Io(io::Error),
    Invalid(String),
}

impl KeyFileError {
    fn into_error(self, path: &Path) -> Error {
        let path = path.display();
        match self {
            KeyFileError::Missing => Error::Read(io::Error::new(
                io::ErrorKind::NotFound,
                format!("key file {path} does not exist"),
            )),
            KeyFileError::Io(e) => {
                Error::Read(io::Error::new(e.kind(), format!("key file {path}: {e}")))
            }
            KeyFileError::Invalid(reason) => Error::Refused(format!(
                "key file {path} is not a valid key: {reason}. It was left untouched: repair it, \
                 or move it away to have a new key made (outputs made with a new key no longer \
                 link to earlier ones)"
            )),
        }
    }
}

fn read_key_file(path: &Path) -> Result<Key, KeyFileError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(KeyFileError::Missing),
        Err(e) => return Err(KeyFileError::Io(e)),
    };
    // A bounded read: a key path pointed at a large file by mistake must not be read whole.
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(KeyFileError::Io)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(KeyFileError::Invalid(
            "it is far larger than a key".to_string(),
        ));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| KeyFileError::Invalid("it is not text".to_string()))?;
    parse_hex(text).map_err(KeyFileError::Invalid)
}

fn parse_hex(text: &str) -> Result<Key, String> {
    let hex = text.trim_ascii();
    if hex.is_empty() {
        return Err("it is empty".to_string());
    }
    if hex.len() != HEX_CHARS {
        return Err(format!(
            "expected {HEX_CHARS} hexadecimal digits, found {} characters",
            hex.chars().count()
        ));
    }
    let mut key = [0u8; KEY_BYTES];
    for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(high), Some(low)) => *byte = (high << 4) | low,
            _ => return Err("it holds characters other than hexadecimal digits".to_string()),
        }
    }
    Ok(Key(key))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn create(path: &Path) -> Result<Key, Error> {
    let write_error = |e: io::Error| {
        Error::Write(io::Error::new(
            e.kind(),
            format!("key file {}: {e}", path.display()),
        ))
    };
    let mut bytes = [0u8; KEY_BYTES];
    random_bytes(&mut bytes)?;
    let key = Key(bytes);

    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    create_private_dir(parent).map_err(write_error)?;

    // Written to a private temporary file and moved into place only when complete: a crash or a
    // full disk never leaves a truncated key that the next run would refuse.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".key-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut temp = builder.tempfile_in(parent).map_err(write_error)?;
    let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
    writeln!(temp, "{hex}").map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;

    // Never overwrite: if two runs start at once, the one that loses uses the winner's key, so
    // both produce the same outputs.
    match temp.persist_noclobber(path) {
        Ok(_) => {
            sync_dir(parent);
            Ok(key)
        }
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
            read_key_file(path).map_err(|e| e.into_error(path))
        }
        Err(e) => Err(write_error(e.error)),
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Makes the new name durable. Failing here is not reported: the key file is already complete
/// and in place, and at worst a power cut loses it and a new key is made next time.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

/// The kernel's generator, read directly: it is the source every random-number crate uses on
/// these systems, and it blocks only until it has been seeded once after boot.
#[cfg(unix)]
fn random_bytes(out: &mut [u8]) -> Result<(), Error> {
    File::open("/dev/urandom")
        .and_then(|mut source| source.read_exact(out))
        .map_err(|e| Error::Read(io::Error::new(e.kind(), format!("/dev/urandom: {e}"))))
}

/// Without a dependency on the platform's cryptographic API there is no honest source of key
/// material here, and a guessable key would make every output reversible.
#[cfg(not(unix))]
fn random_bytes(_out: &mut [u8]) -> Result<(), Error> {
    Err(Error::Refused(
        "cannot make a secret key on this system: create a file holding 64 random hexadecimal \
         digits and pass it with --key-file"
            .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key(hex: &str) -> Key {
        match Key::from_hex(hex) {
            Ok(key) => key,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn derive_matches_hmac_sha256_over_framed_input() {
        // Pinned value, computed independently (Python hmac): HMAC-SHA-256 over
        // u64be(len purpose) ‖ purpose ‖ u64be(len input) ‖ input. If it changes, every user's
        // new exports stop linking to their earlier ones.
        let expected = "3e82315941bb635443ed3e2026b34faf9b468cd1862f08277f11393f49774573";
        let derived: String = key(HEX)
            .derive("uid", b"1.2.3")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(derived, expected);
    }

    #[test]
    fn derive_separates_purposes_and_framing() {
        let k = key(HEX);
        assert_ne!(k.derive("uid", b"1.2.3"), k.derive("date", b"1.2.3"));
        assert_ne!(k.derive("ab", b"c"), k.derive("a", b"bc"));
        assert_ne!(k.derive("a", b""), k.derive("", b"a"));
        assert_eq!(k.derive("uid", b"1.2.3"), k.derive("uid", b"1.2.3"));
    }

    #[test]
    fn different_keys_derive_differently() {
        let other = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        assert_ne!(key(HEX).derive("uid", b"1"), key(other).derive("uid", b"1"));
    }

    #[test]
    fn from_hex_accepts_case_and_surrounding_whitespace() {
        let upper = format!("  {}\r\n", HEX.to_ascii_uppercase());
        assert_eq!(key(&upper).derive("p", b"x"), key(HEX).derive("p", b"x"));
    }

    #[test]
    fn from_hex_refuses_wrong_length_and_non_hex() {
        assert!(Key::from_hex("").is_err());
        assert!(Key::from_hex(&HEX[..62]).is_err());
        assert!(Key::from_hex(&format!("{HEX}00")).is_err());
        assert!(Key::from_hex(&format!("{}zz", &HEX[..62])).is_err());
        assert!(Key::from_hex(&format!("{}\n{}", &HEX[..32], &HEX[32..])).is_err());
        // Multi-byte characters whose byte length happens to be 64 must not be sliced apart.
        assert!(Key::from_hex(&"é".repeat(32)).is_err());
    }

    #[test]
    fn debug_does_not_print_the_key() {
        let shown = format!("{:?}", key(HEX));
        assert!(!shown.contains("0001"), "{shown}");
        assert!(!shown.contains("[0, 1"), "{shown}");
    }

    #[test]
    fn created_key_is_reused_on_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("caviar").join("key");
        let first = Key::load_or_create(&path).unwrap();
        let second = Key::load_or_create(&path).unwrap();
        assert_eq!(
            first.derive("uid", b"1.2.3"),
            second.derive("uid", b"1.2.3")
        );

        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), HEX_CHARS + 1);
        assert!(text.ends_with('\n'));
        assert!(text.trim_end().bytes().all(|b| b.is_ascii_hexdigit()));
        // Only the key file remains: the temporary file was moved, not copied.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn created_keys_are_random() {
        let dir = tempfile::tempdir().unwrap();
        let a = Key::load_or_create(&dir.path().join("a")).unwrap();
        let b = Key::load_or_create(&dir.path().join("b")).unwrap();
        assert_ne!(a.derive("uid", b"1"), b.derive("uid", b"1"));
    }

    #[cfg(unix)]
    #[test]
    fn created_key_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("key");
        Key::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o077, 0);
    }

    #[test]
    fn existing_key_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, format!("{HEX}\n")).unwrap();
        let loaded = Key::load_or_create(&path).unwrap();
        assert_eq!(loaded.derive("uid", b"1"), key(HEX).derive("uid", b"1"));
    }

    #[test]
    fn malformed_key_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        for content in [&b""[..], b"not a key\n", &[0xff; 64], &[b'a'; 4096]] {
            std::fs::write(&path, content).unwrap();
            let error = Key::load_or_create(&path).unwrap_err().to_string();
            assert!(error.contains(&path.display().to_string()), "{error}");
            assert!(error.contains("not a valid key"), "{error}");
            assert_eq!(std::fs::read(&path).unwrap(), content);
        }
    }

    #[test]
    fn unreadable_key_path_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the key file should be: reading fails, and nothing is created over it.
        let error = Key::load_or_create(dir.path()).unwrap_err().to_string();
        assert!(error.contains(&dir.path().display().to_string()), "{error}");
    }

    #[test]
    fn default_path_is_under_the_config_folder() {
        if let (Some(path), Some(config)) = (Key::default_path(), dirs::config_dir()) {
            assert_eq!(path, config.join("caviar").join("key"));
        }
    }
}
