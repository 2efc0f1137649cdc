//! Replacement UIDs.
//!
//! An original instance, series or study UID usually embeds the hospital's registered root and
//! often the device serial number and the acquisition time, and it is the key to the original in
//! the hospital's archive; it must go. The replacement is keyed and deterministic, so every
//! reference to the same original (a series in several files, a study exported on two days) still
//! points at the same replacement.

use super::key::Key;

/// The root under which PS3.5 B.2 lets anyone mint UIDs from a UUID without registering a root.
const UUID_ROOT: &str = "2.25.";

/// Everything the standard itself defines lives under this root.
const STANDARD_ROOT: &str = "1.2.840.10008";

/// UIDs defined by the standard (SOP classes, transfer syntaxes, coding schemes, well-known frames
/// of reference and instances) name concepts, not patients, and a reader needs them verbatim to
/// understand the file at all, so they are returned unchanged.
pub(crate) fn remap(key: &Key, uid: &str) -> String {
    let uid = trim_padding(uid);
    if is_standard(uid) {
        return uid.to_string();
    }
    let digest = key.derive("uid", uid.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // Marked as an RFC 9562 version 8 (custom) UUID with the RFC variant, so the result is a true
    // UUID-derived OID as B.2 describes; 122 keyed bits make a collision between two remapped
    // UIDs negligible even across millions of instances.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    // A u128 printed in decimal has no leading zero and at most 39 digits: 44 characters in all,
    // well within the 64 a UID may have.
    format!("{UUID_ROOT}{}", u128::from_be_bytes(bytes))
}

/// Standard UIDs must never be remapped: a remapped SOP class or transfer syntax makes the file
/// unreadable, and a remapped well-known frame of reference breaks atlas registration.
pub(crate) fn is_standard(uid: &str) -> bool {
    let uid = trim_padding(uid);
    uid.strip_prefix(STANDARD_ROOT)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// UI values are padded to an even length with a NUL, and some writers pad with spaces; the same
/// UID must map the same whichever way it was padded.
fn trim_padding(uid: &str) -> &str {
    uid.trim_end_matches(['\0', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::from_hex(&format!("{byte:02x}").repeat(32)).unwrap()
    }

    fn is_valid_uid(uid: &str) -> bool {
        uid.len() <= 64
            && uid.split('.').all(|component| {
                !component.is_empty()
                    && component.bytes().all(|b| b.is_ascii_digit())
                    && (component == "0" || !component.starts_with('0'))
            })
    }

    #[test]
    fn same_key_same_uid_maps_the_same() {
        let original = "1.3.12.2.1107.5.2.30.25245.2012030514210868723816793";
        assert_eq!(remap(&key(1), original), remap(&key(1), original));
    }

    #[test]
    fn different_uids_and_different_keys_map_differently() {
        let a = "1.2.826.0.1.3680043.2.1125.1.1";
        let b = "1.2.826.0.1.3680043.2.1125.1.2";
        assert_ne!(remap(&key(1), a), remap(&key(1), b));
        assert_ne!(remap(&key(1), a), remap(&key(2), a));
    }

    #[test]
    fn padding_does_not_change_the_mapping() {
        let k = key(3);
        assert_eq!(remap(&k, "1.2.3\0"), remap(&k, "1.2.3"));
        assert_eq!(remap(&k, "1.2.3 "), remap(&k, "1.2.3"));
    }

    #[test]
    fn remapped_uids_are_valid_uuid_derived_uids() {
        let k = key(4);
        for i in 0..2000 {
            let uid = remap(&k, &format!("1.2.3.4.{i}"));
            assert!(uid.starts_with("2.25."), "{uid}");
            assert!(is_valid_uid(&uid), "{uid}");
            let value: u128 = uid["2.25.".len()..].parse().unwrap();
            let bytes = value.to_be_bytes();
            assert_eq!(bytes[6] >> 4, 8, "{uid}: version");
            assert_eq!(bytes[8] >> 6, 0b10, "{uid}: variant");
        }
    }

    #[test]
    fn remapped_uid_does_not_contain_the_original() {
        let original = "1.2.840.113619.2.55.3.604688119.868.1249343483.504";
        let uid = remap(&key(5), original);
        assert!(!uid.contains("113619"), "{uid}");
        assert_ne!(remap(&key(5), &uid), uid, "remapping is not a fixed point");
    }

    #[test]
    fn standard_uids_are_recognised_and_kept() {
        let k = key(6);
        for uid in [
            "1.2.840.10008.5.1.4.1.1.2", // CT Image Storage
            "1.2.840.10008.1.2.1",       // Explicit VR Little Endian
            "1.2.840.10008.1.2.4.50\0",  // JPEG Baseline, padded
            "1.2.840.10008.2.16.4",      // DCM coding scheme
            "1.2.840.10008.1.4.1.1",     // Talairach frame of reference
            "1.2.840.10008",
        ] {
            assert!(is_standard(uid), "{uid}");
            assert_eq!(remap(&k, uid), uid.trim_end_matches('\0'));
        }
        for uid in [
            "1.2.840.100081.1",
            "1.2.840.113619.2.55",
            "2.25.1",
            "",
            "1.2.840.1000",
        ] {
            assert!(!is_standard(uid), "{uid}");
        }
    }

    #[test]
    fn any_input_gives_a_valid_uid() {
        let k = key(7);
        for uid in ["", "\0", "not a uid", "é", &"9".repeat(200)] {
            assert!(is_valid_uid(&remap(&k, uid)), "{uid:?}");
        }
    }
}
