//! Check digits. A number that looks like an identifier but fails its check digit is usually a
//! measurement, a dose or a phone number, so each recognizer that has a check uses it before
//! claiming a match. All functions take the digits (and letters) without separators.

/// French social security number (NIR): 13 characters and a two-digit key, 97 − (N mod 97).
/// Corsica's departments 2A and 2B count as 19 and 18 in N.
pub fn nir(compact: &str) -> bool {
    if compact.len() != 15 || !compact.is_ascii() {
        return false;
    }
    let (body, key) = compact.split_at(13);
    let body = match &body[5..7] {
        "2A" | "2a" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" | "2b" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_string(),
    };
    let (Ok(number), Ok(key)) = (body.parse::<u64>(), key.parse::<u64>()) else {
        return false;
    };
    key == 97 - number % 97
}

/// Payment card numbers: the Luhn sum of all digits is a multiple of 10.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// IBAN: the first four characters moved to the end, letters as 10..35, mod 97 equals 1; and the
/// length its country prescribes, where known.
pub fn iban(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    if bytes.len() < 15 || bytes.len() > 34 || !compact.is_ascii() {
        return false;
    }
    if !bytes[..2].iter().all(u8::is_ascii_uppercase) || !bytes[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    if let Some(length) = iban_length(&compact[..2])
        && length != bytes.len()
    {
        return false;
    }
    let mut remainder: u32 = 0;
    for &b in bytes[4..].iter().chain(&bytes[..4]) {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// Lengths of the IBANs a French or English-speaking user is likely to paste.
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "FR" | "MC" | "IT" => 27,
        "GB" | "IE" | "DE" => 22,
        "BE" => 16,
        "CH" => 21,
        "LU" => 20,
        "ES" => 24,
        "PT" => 25,
        "NL" => 18,
        _ => return None,
    })
}

/// UK NHS number: weights 10..2 on the first nine digits; 11 − (sum mod 11) is the tenth, with
/// 11 read as 0 and 10 never issued.
pub fn nhs(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    if bytes.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = bytes[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(b, weight)| u32::from(b - b'0') * weight)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        check => check,
    };
    check == u32::from(bytes[9] - b'0')
}

/// US social security number: areas 000, 666 and 900–999, group 00 and serial 0000 are never
/// issued, and a few numbers printed in advertisements are known to be fake.
pub fn ssn(digits: &str) -> bool {
    if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    const ADVERTISED: [&str; 3] = ["078051120", "457555462", "219099999"];
    area != "000"
        && area != "666"
        && !area.starts_with('9')
        && group != "00"
        && serial != "0000"
        && !ADVERTISED.contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nir_keys_including_corsica() {
        assert!(nir("185037505612356"));
        assert!(!nir("185037505612357"));
        // 2A counts as 19: N = 2850219123456 → key 97 − N mod 97.
        let n: u64 = 2850219123456;
        let key = 97 - n % 97;
        assert!(nir(&format!("285022A123456{key:02}")));
        assert!(!nir(&format!("285022B123456{key:02}")));
    }

    #[test]
    fn luhn_accepts_test_cards_only() {
        assert!(luhn("4111111111111111"));
        assert!(luhn("5500005555555559"));
        assert!(!luhn("4111111111111112"));
    }

    #[test]
    fn iban_mod_97_and_length() {
        assert!(iban("FR1420041010050500013M02606"));
        assert!(iban("GB82WEST12345698765432"));
        assert!(!iban("GB82WEST12345698765433"));
        assert!(!iban("FR142004101005050013M02606"));
    }

    #[test]
    fn nhs_mod_11() {
        assert!(nhs("9434765919"));
        assert!(!nhs("9434765918"));
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn("123456789"));
        assert!(!ssn("666456789"));
        assert!(!ssn("912456789"));
        assert!(!ssn("123006789"));
        assert!(!ssn("078051120"));
    }
}
