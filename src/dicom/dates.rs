//! Dates, ages and pseudonyms: the values a teaching case keeps in altered form.
//!
//! A date pins a study to a real event (an admission, an accident in the news), yet the intervals
//! between studies are what a teaching case is about. Shifting every date of a patient by the
//! same keyed offset removes the first and keeps the second.

use super::key::Key;

/// Dates outside these years are refused rather than written: earlier ones are what the
/// `00010101`-style placeholders of broken writers look like after a shift, and DA has only four
/// digits for the year.
const EARLIEST_YEAR: i64 = 1900;
const LATEST_YEAR: i64 = 9999;

/// Shifts go backwards, by one to ten years. Backwards, so a shifted study is never in the future,
/// which archives and viewers flag or reject. At least a year, so a shifted date never lands near
/// the real one and the year itself always changes; at most ten, so dates of elderly patients
/// rarely fall before 1900 and get removed.
const SHORTEST_SHIFT_DAYS: u64 = 366;
const LONGEST_SHIFT_DAYS: u64 = 3652;

/// The same patient gets the same offset in every file and every sitting, which is what keeps the
/// intervals between their studies; who has no key cannot compute it to undo the shift.
pub(crate) fn offset_days(key: &Key, patient: &str) -> i32 {
    let digest = key.derive("date-offset", trim_padding(patient).as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // Reducing 64 bits modulo a span of a few thousand leaves a bias of under 1e-15: none worth
    // correcting.
    let span = LONGEST_SHIFT_DAYS - SHORTEST_SHIFT_DAYS + 1;
    let back = SHORTEST_SHIFT_DAYS + u64::from_be_bytes(first) % span;
    // At most LONGEST_SHIFT_DAYS, so it always fits.
    -(back as i32)
}

/// Values are written back in the current YYYYMMDD form whatever form they came in. `None` means
/// some part is not a date, or would leave the years DICOM dates can hold, and the caller removes
/// the value. An empty value has nothing to shift and stays empty, so a type 2 attribute stays
/// present.
pub(crate) fn shift_da(value: &str, days: i32) -> Option<String> {
    map_values(value, |single| {
        map_range(single, |date| format_days(date.days() + i64::from(days)))
    })
}

/// Only the date moves: shifting by whole days leaves the time of day and the UTC offset true, and
/// they are kept exactly as written. A value without a day (`YYYY` or `YYYYMM`) cannot be shifted
/// by days without claiming a month or a year that may be wrong, so it counts as not a date.
pub(crate) fn shift_dt(value: &str, days: i32) -> Option<String> {
    map_values(value, |single| {
        let parts = parse_dt(single)?;
        let date = parts.date?;
        let shifted = format_days(date.days() + i64::from(days))?;
        Some(shifted + parts.time_and_offset)
    })
}

/// The year of a DA or DT value as `YYYY0101`, valid as either, for sharing where the year is
/// all that matters; the day and the time, which narrow down the visit, go. Each of several
/// values is kept to its year; anything that does not start with a plausible year is `None`.
pub(crate) fn year_only(value: &str) -> Option<String> {
    value
        .split('\\')
        .map(|single| {
            let single = single.trim_end_matches(['\0', ' ']);
            if single.is_empty() {
                return Some(String::new());
            }
            let year = single
                .get(..4)
                .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?;
            let rest = &single[4..];
            if !rest
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-'))
            {
                return None;
            }
            in_range(year.parse().ok()?).then(|| format!("{year}0101"))
        })
        .collect::<Option<Vec<String>>>()
        .map(|years| years.join("\\"))
}

/// Very old ages are rare enough to identify someone, so all ages from 90 up read the same
/// (HIPAA Safe Harbor's rule). Only years can reach it: three digits of months, weeks or days are
/// at most 83 years.
pub(crate) fn cap_age(value: &str) -> Option<String> {
    let age = value.trim_end_matches([' ', '\0']);
    let bytes = age.as_bytes();
    if bytes.len() != 4 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = bytes[..3]
        .iter()
        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'));
    match bytes[3] {
        b'Y' if number > 89 => Some("090Y".to_string()),
        b'D' | b'W' | b'M' | b'Y' => Some(age.to_string()),
        _ => None,
    }
}

/// A pseudonymous PatientName and PatientID sharing one keyed token, so a viewer shows which
/// studies belong together without showing who it is. Sixteen hexadecimal digits (64 bits) make
/// two patients sharing a pseudonym unlikely even among millions; six would collide in a few
/// thousand.
pub(crate) fn pseudonym(key: &Key, patient: &str) -> (String, String) {
    let digest = key.derive("pseudonym", trim_padding(patient).as_bytes());
    let token: String = digest[..8].iter().map(|b| format!("{b:02X}")).collect();
    (format!("ANON^{token}"), format!("ANON-{token}"))
}

/// DICOM pads text values with spaces (and some writers with NULs); the same patient must get the
/// same offset and pseudonym however their ID was padded.
fn trim_padding(value: &str) -> &str {
    value.trim_matches([' ', '\0'])
}

/// Applies `map` to each value of a multi-valued attribute. Empty values stay empty; any value
/// that does not map makes the whole attribute unmappable, since keeping part of it would keep
/// the part that could not be altered.
fn map_values(value: &str, map: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut mapped = Vec::new();
    for single in value.split('\\') {
        let single = trim_padding(single);
        mapped.push(if single.is_empty() {
            String::new()
        } else {
            map(single)?
        });
    }
    Some(mapped.join("\\"))
}

/// A DA value or a DA range (`A-B`, `-B`, `A-`), each end mapped on its own.
fn map_range(value: &str, map: impl Fn(Date) -> Option<String>) -> Option<String> {
    let Some((from, to)) = value.split_once('-') else {
        return map(parse_da(value)?);
    };
    let end = |end: &str| match trim_padding(end) {
        "" => Some(String::new()),
        date => map(parse_da(date)?),
    };
    let (from, to) = (end(from)?, end(to)?);
    if from.is_empty() && to.is_empty() {
        return None;
    }
    Some(format!("{from}-{to}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's
    /// days_from_civil): counting from March puts the leap day last, so one formula covers every
    /// month of every year.
    fn days(self) -> i64 {
        let year = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_from_march = i64::from((self.month + 9) % 12);
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The inverse of [`Date::days`] (Hinnant's civil_from_days).
    fn from_days(days: i64) -> Date {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        // Both are small by construction (1..=31 and 1..=12).
        Date {
            year,
            month: month as u32,
            day: day as u32,
        }
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn format_days(days: i64) -> Option<String> {
    let date = Date::from_days(days);
    in_range(date.year).then(|| format!("{:04}{:02}{:02}", date.year, date.month, date.day))
}

fn in_range(year: i64) -> bool {
    (EARLIEST_YEAR..=LATEST_YEAR).contains(&year)
}

/// `YYYYMMDD`, or the ACR-NEMA `YYYY.MM.DD` older files still carry.
fn parse_da(value: &str) -> Option<Date> {
    let bytes = value.as_bytes();
    let digits: Vec<u8> = match bytes.len() {
        8 => bytes.to_vec(),
        10 if bytes[4] == b'.' && bytes[7] == b'.' => {
            [&bytes[..4], &bytes[5..7], &bytes[8..]].concat()
        }
        _ => return None,
    };
    Date::new(
        number(&digits[..4])?.into(),
        number(&digits[4..6])?,
        number(&digits[6..])?,
    )
}

struct DateTime<'a> {
    /// Present when the value is precise to the day at least.
    date: Option<Date>,
    /// Everything after `YYYYMMDD`, already checked, to be kept verbatim.
    time_and_offset: &'a str,
}

/// `YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]`, every field checked, so that only values that are
/// really date-times are kept.
fn parse_dt(value: &str) -> Option<DateTime<'_>> {
    let (main, offset) = match value.find(['+', '-']) {
        Some(at) => value.split_at(at),
        None => (value, ""),
    };
    if !offset.is_empty() && !valid_utc_offset(offset) {
        return None;
    }
    let (digits, fraction) = match main.split_once('.') {
        Some((digits, fraction)) => (digits, Some(fraction)),
        None => (main, None),
    };
    let digits = digits.as_bytes();
    if !matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14) {
        return None;
    }
    if let Some(fraction) = fraction {
        let valid = digits.len() == 14
            && (1..=6).contains(&fraction.len())
            && fraction.bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return None;
        }
    }
    let field = |at: usize| match digits.get(at..at + 2) {
        Some(pair) => number(pair).map(Some),
        None => Some(None),
    };
    let year = i64::from(number(&digits[..4])?);
    let month = field(4)?;
    let day = field(6)?;
    let time_valid = field(8)?.is_none_or(|hour| hour <= 23)
        && field(10)?.is_none_or(|minute| minute <= 59)
        && field(12)?.is_none_or(|second| second <= 60);
    if !time_valid {
        return None;
    }
    if let Some(month) = month {
        Date::new(year, month, 1)?;
    }
    let date = match (month, day) {
        (Some(month), Some(day)) => Some(Date::new(year, month, day)?),
        _ => None,
    };
    Some(DateTime {
        date,
        // The first eight bytes were checked to be ASCII digits whenever a date is present, so
        // this cuts on a character boundary.
        time_and_offset: if date.is_some() { &value[8..] } else { "" },
    })
}

/// `&ZZXX`, from -12:00 to +14:00 as PS3.5 allows.
fn valid_utc_offset(offset: &str) -> bool {
    let bytes = offset.as_bytes();
    if bytes.len() != 5 {
        return false;
    }
    match (number(&bytes[1..3]), number(&bytes[3..])) {
        (Some(hours), Some(minutes)) => {
            minutes <= 59
                && match bytes[0] {
                    b'+' => hours * 60 + minutes <= 14 * 60,
                    _ => hours * 60 + minutes <= 12 * 60,
                }
        }
        _ => false,
    }
}

/// The value of a run of ASCII digits; `None` if anything else is in it.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &digit| {
        digit
            .is_ascii_digit()
            .then(|| n * 10 + u32::from(digit - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::from_hex(&format!("{byte:02x}").repeat(32)).unwrap()
    }

    fn date(value: &str) -> Date {
        parse_da(value).unwrap()
    }

    #[test]
    fn year_only_keeps_the_year_of_dates_and_date_times() {
        assert_eq!(year_only("19570614").as_deref(), Some("19570101"));
        assert_eq!(
            year_only("19570614123000.5+0200").as_deref(),
            Some("19570101")
        );
        assert_eq!(
            year_only("19570614\\19600101").as_deref(),
            Some("19570101\\19600101")
        );
        assert_eq!(year_only("").as_deref(), Some(""));
        assert_eq!(year_only("00010101"), None);
        assert_eq!(year_only("unknown"), None);
    }

    #[test]
    fn calendar_matches_a_day_by_day_count_from_1900_to_9999() {
        let mut expected = Date::new(1900, 1, 1).unwrap();
        let first = expected.days();
        assert_eq!(first, -25_567);
        assert_eq!(date("19700101").days(), 0);
        assert_eq!(date("20000301").days(), 11_017);
        for days in first..=date("99991231").days() {
            assert_eq!(expected.days(), days);
            assert_eq!(Date::from_days(days), expected);
            expected = Date::new(expected.year, expected.month, expected.day + 1)
                .or_else(|| Date::new(expected.year, expected.month + 1, 1))
                .or_else(|| Date::new(expected.year + 1, 1, 1))
                .unwrap();
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rules() {
        assert_eq!(shift_da("20000301", -1).as_deref(), Some("20000229"));
        assert_eq!(shift_da("19000301", -1).as_deref(), Some("19000228"));
        assert_eq!(shift_da("20240301", -1).as_deref(), Some("20240229"));
        assert_eq!(shift_da("20230301", -1).as_deref(), Some("20230228"));
        assert_eq!(shift_da("20240229", 365).as_deref(), Some("20250228"));
        assert_eq!(shift_da("20231231", 1).as_deref(), Some("20240101"));
        assert_eq!(shift_da("20230229", 0), None, "no 29 February in 2023");
        assert_eq!(shift_da("21000229", 0), None, "no 29 February in 2100");
    }

    #[test]
    fn shifting_keeps_intervals_between_studies() {
        let days = offset_days(&key(1), "PAT-001");
        let first = date(&shift_da("20190317", days).unwrap()).days();
        let second = date(&shift_da("20210602", days).unwrap()).days();
        assert_eq!(
            second - first,
            date("20210602").days() - date("20190317").days()
        );
    }

    #[test]
    fn da_forms_values_and_ranges() {
        assert_eq!(shift_da("20200310", -10).as_deref(), Some("20200229"));
        assert_eq!(shift_da("2020.03.10", -10).as_deref(), Some("20200229"));
        assert_eq!(shift_da("20200310  ", -10).as_deref(), Some("20200229"));
        assert_eq!(shift_da("20200310\0", -10).as_deref(), Some("20200229"));
        assert_eq!(
            shift_da("20200310\\20200311", -10).as_deref(),
            Some("20200229\\20200301")
        );
        assert_eq!(
            shift_da("20200101-20200131", -1).as_deref(),
            Some("20191231-20200130")
        );
        assert_eq!(shift_da("-20200131", -1).as_deref(), Some("-20200130"));
        assert_eq!(shift_da("20200101-", -1).as_deref(), Some("20191231-"));
        assert_eq!(shift_da("", -1).as_deref(), Some(""));
        assert_eq!(shift_da("  ", -1).as_deref(), Some(""));
    }

    #[test]
    fn values_that_are_not_dates_are_refused() {
        for value in [
            "2020",
            "202003",
            "2020-03-10",
            "20201310",
            "20200010",
            "20200100",
            "20200431",
            "2020031",
            "202003100",
            "2020/03/10",
            "2020.0310",
            "UNKNOWN",
            "-",
            "20200310\\soon",
            "20200310-20200311-20200312",
            "２０２０0310",
            "2020é310",
        ] {
            assert_eq!(shift_da(value, -1), None, "{value:?}");
        }
    }

    #[test]
    fn shifts_never_leave_1900_to_9999() {
        assert_eq!(shift_da("19000101", -1), None);
        assert_eq!(shift_da("00010101", -1), None);
        assert_eq!(shift_da("00010101", 0), None);
        assert_eq!(shift_da("99991231", 1), None);
        assert_eq!(shift_da("19000102", -1).as_deref(), Some("19000101"));
        assert_eq!(shift_da("20200101", i32::MIN), None);
        assert_eq!(shift_da("20200101", i32::MAX), None);
        assert_eq!(shift_dt("19000101120000", -1), None);
    }

    #[test]
    fn dt_keeps_time_and_offset_at_any_precision() {
        for (value, expected) in [
            ("20200301", "20200229"),
            ("2020030112", "2020022912"),
            ("202003011230", "202002291230"),
            ("20200301123059", "20200229123059"),
            ("20200301123059.1", "20200229123059.1"),
            ("20200301123059.123456", "20200229123059.123456"),
            ("20200301123059.123456+0100", "20200229123059.123456+0100"),
            ("20200301-0500", "20200229-0500"),
            ("20200301235960 ", "20200229235960"),
        ] {
            assert_eq!(shift_dt(value, -1).as_deref(), Some(expected), "{value:?}");
        }
        assert_eq!(
            shift_dt("20200301\\20200302120000", -1).as_deref(),
            Some("20200229\\20200301120000")
        );
        assert_eq!(shift_dt("", -1).as_deref(), Some(""));
    }

    #[test]
    fn dt_that_is_not_a_precise_date_time_is_refused() {
        for value in [
            "2020",
            "202003",
            "2020+0100",
            "2020030",
            "2020030124",
            "202003011260",
            "20200301123061",
            "20200301123059.",
            "20200301123059.1234567",
            "202003011230.5",
            "20200301+01",
            "20200301+1500",
            "20200301-1300",
            "20200301+0160",
            "20200301T123059",
            "20200230",
            "20200301-20200302",
            "2020.03.01",
        ] {
            assert_eq!(shift_dt(value, -1), None, "{value:?}");
        }
    }

    #[test]
    fn ages_over_89_are_capped() {
        assert_eq!(cap_age("045Y").as_deref(), Some("045Y"));
        assert_eq!(cap_age("089Y").as_deref(), Some("089Y"));
        assert_eq!(cap_age("090Y").as_deref(), Some("090Y"));
        assert_eq!(cap_age("103Y").as_deref(), Some("090Y"));
        assert_eq!(cap_age("999Y").as_deref(), Some("090Y"));
        assert_eq!(cap_age("999M").as_deref(), Some("999M"));
        assert_eq!(cap_age("012W").as_deref(), Some("012W"));
        assert_eq!(cap_age("003D").as_deref(), Some("003D"));
        assert_eq!(cap_age("045Y ").as_deref(), Some("045Y"));
        assert_eq!(cap_age("045Y\0").as_deref(), Some("045Y"));
        for invalid in [
            "", "45Y", "0045Y", "045y", "045", "04 Y", "-45Y", "045A", "é45Y",
        ] {
            assert_eq!(cap_age(invalid), None, "{invalid:?}");
        }
    }

    #[test]
    fn offset_is_per_patient_keyed_and_in_range() {
        let k = key(2);
        assert_eq!(offset_days(&k, "PAT-001"), offset_days(&k, "PAT-001"));
        assert_eq!(offset_days(&k, "PAT-001 "), offset_days(&k, "PAT-001"));
        assert_eq!(offset_days(&k, "PAT-001\0"), offset_days(&k, "PAT-001"));
        let offsets: Vec<i32> = (0..5000)
            .map(|i| offset_days(&k, &format!("P{i}")))
            .collect();
        assert!(offsets.iter().all(|&d| (-3652..=-366).contains(&d)));
        // Spread over the whole range, not clustered.
        assert!(offsets.iter().any(|&d| d > -500));
        assert!(offsets.iter().any(|&d| d < -3500));
        let other_key = (0..100)
            .filter(|i| offset_days(&key(3), &format!("P{i}")) != offsets[*i as usize])
            .count();
        assert!(other_key > 90, "a different key gives different offsets");
    }

    #[test]
    fn pseudonyms_are_stable_distinct_and_valid() {
        let k = key(4);
        let (name, id) = pseudonym(&k, "PAT-001");
        assert_eq!(pseudonym(&k, "PAT-001 "), (name.clone(), id.clone()));
        assert_ne!(pseudonym(&key(5), "PAT-001"), (name.clone(), id.clone()));
        assert!(name.starts_with("ANON^") && name.len() == 21, "{name}");
        assert!(id.starts_with("ANON-") && id.len() == 21, "{id}");
        assert_eq!(name[5..], id[5..]);
        assert!(
            id[5..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
        );

        let mut ids: Vec<String> = (0..100_000)
            .map(|i| pseudonym(&k, &format!("{i}")).1)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 100_000);
    }

    #[test]
    fn arbitrary_input_never_panics_and_output_is_valid() {
        let alphabet: Vec<char> = "0123456789012345678901234567890.-+\\ \0éY"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            let mut value = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..state % 24 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                value.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let days = (state >> 40) as i32 - (1 << 23);
            if let Some(shifted) = shift_da(&value, days) {
                for single in shifted.split(['\\', '-']).filter(|s| !s.is_empty()) {
                    assert!(
                        parse_da(single).is_some_and(|d| in_range(d.year)),
                        "{value:?}"
                    );
                }
            }
            let _ = shift_dt(&value, days);
            let _ = cap_age(&value);
        }
    }
}
