//! The choices PS3.15 leaves to the de-identifier, made once on top of the generated table: which
//! switched-on option wins, and what a combined Basic Profile action becomes when the attribute's
//! type in the IOD is not known.

use super::table::{self, Basic, Column, OptionAction, Row};
use crate::document::DicomOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Treatment {
    /// X.
    Remove,
    /// Z: present with a zero-length value.
    Empty,
    /// D: a dummy value of the same VR, for attributes an IOD requires to have a value.
    Dummy,
    /// K.
    Keep,
    /// C: keep the value once identifiers are taken out of it; how depends on the attribute and is
    /// the caller's to decide.
    Clean,
    /// U: the UID replaced by its keyed remap, so that references between instances still hold.
    /// On a sequence: keep it and remap the UIDs inside.
    RemapUid,
    /// The modified-dates option's C: the date or time shifted by the per-patient offset.
    ShiftDate,
}

/// What to do with an attribute under `options`. Private attributes are listed (as odd groups), so
/// None means a standard attribute the table does not list, which the standard lets through.
pub(crate) fn treatment(tag: (u16, u16), options: &DicomOptions) -> Option<Treatment> {
    let row = row(tag)?;
    Some(option_treatment(row, options).unwrap_or_else(|| basic_treatment(row.basic)))
}

/// Sequences the table removes or empties (X/Z) that their module requires present (type 2):
/// the Acquisition Context Sequence (PS3.3 C.7.6.14). Emptied, they stay valid.
const TYPE_2_SEQUENCES: [(u16, u16); 1] = [(0x0040, 0x0555)];

/// Whether the table lets the attribute be removed or emptied (X/Z) and, were it a sequence,
/// removing it is the valid choice. For a sequence the two are not alike: where a module lists
/// it as optional (type 3, as the General Study module lists the Referenced Study Sequence) it
/// must hold one item or more if present, so an emptied one makes the file invalid; where it is
/// type 2, an emptied one is what the module asks for. Those two are the table's only X/Z
/// sequences.
pub(crate) fn removed_if_sequence(tag: (u16, u16), options: &DicomOptions) -> bool {
    !TYPE_2_SEQUENCES.contains(&tag)
        && row(tag).is_some_and(|row| {
            row.basic == Basic::RemoveOrEmpty && option_treatment(row, options).is_none()
        })
}

/// The standard's name for an attribute the table lists, including repeating groups and private
/// attributes, which a data dictionary names per group or not at all.
pub(crate) fn attribute_name(tag: (u16, u16)) -> Option<&'static str> {
    row(tag).map(|row| row.name)
}

fn row(tag: (u16, u16)) -> Option<&'static Row> {
    match table::EXACT.binary_search_by_key(&tag, |row| row.tag) {
        Ok(i) => Some(&table::EXACT[i]),
        Err(_) => table::WILDCARDS
            .iter()
            .find(|w| (tag.0 & w.mask.0, tag.1 & w.mask.1) == w.row.tag)
            .map(|w| &w.row),
    }
}

/// Options only ever retain or clean what the Basic Profile would remove, so the one applied
/// option that names the attribute replaces the basic action. When two applied options disagree
/// (both temporal options on a date, or device identity and a temporal option on a calibration
/// date), the one that discloses less wins: a changed value over a kept one.
fn option_treatment(row: &Row, options: &DicomOptions) -> Option<Treatment> {
    row.options
        .iter()
        .filter(|&&(column, _)| applied(column, options))
        .map(|&(column, action)| match (column, action) {
            (_, OptionAction::Keep) => Treatment::Keep,
            (Column::RtnLongModifDates, OptionAction::Clean) => Treatment::ShiftDate,
            (_, OptionAction::Clean) => Treatment::Clean,
        })
        .min_by_key(|&treatment| treatment == Treatment::Keep)
}

/// The IOD type decides a combined action (X for type 3, Z for type 2, D or U for type 1). Not
/// knowing it, take the part that is valid for every type and keeps no more than that: an empty
/// value is allowed for types 2 and 3, a dummy or remapped value for all three.
fn basic_treatment(basic: Basic) -> Treatment {
    match basic {
        Basic::Remove => Treatment::Remove,
        Basic::Empty | Basic::RemoveOrEmpty => Treatment::Empty,
        Basic::Dummy | Basic::RemoveOrDummy | Basic::EmptyOrDummy | Basic::RemoveEmptyOrDummy => {
            Treatment::Dummy
        }
        Basic::Uid | Basic::RemoveEmptyOrUid => Treatment::RemapUid,
    }
}

fn applied(column: Column, options: &DicomOptions) -> bool {
    match column {
        Column::RtnSafePriv => options.retain_safe_private,
        Column::RtnUids => options.retain_uids,
        Column::RtnDevId => options.retain_device_identity,
        Column::RtnInstId => options.retain_institution_identity,
        Column::RtnPatChars => options.retain_patient_characteristics,
        Column::RtnLongFullDates => options.retain_full_dates,
        Column::RtnLongModifDates => options.retain_modified_dates,
        Column::CleanDesc => options.clean_descriptors,
        Column::CleanStructCont => options.clean_structured_content,
        Column::CleanGraph => options.clean_graphics,
    }
}

#[cfg(test)]
mod tests {
    use super::Treatment::*;
    use super::*;
    use crate::document::Profile;

    #[test]
    fn a_sequence_the_table_lets_go_is_removed_not_left_empty() {
        // dciodvfy: an empty Referenced Study Sequence breaks the General Study module.
        let basic = DicomOptions::for_profile(Profile::Patient);
        let referenced_study = (0x0008, 0x1110);
        assert!(removed_if_sequence(referenced_study, &basic));
        // X/Z/D may be required with a value: a dummy, as before.
        assert!(!removed_if_sequence((0x0008, 0x1111), &basic));
        // A type 2 sequence must stay, emptied.
        assert!(!removed_if_sequence((0x0040, 0x0555), &basic));
        // Retaining UIDs keeps the references.
        let uids = DicomOptions {
            retain_uids: true,
            ..basic
        };
        assert!(!removed_if_sequence(referenced_study, &uids));
    }

    const PATIENT_NAME: (u16, u16) = (0x0010, 0x0010);
    const PATIENT_BIRTH_DATE: (u16, u16) = (0x0010, 0x0030);
    const PATIENT_AGE: (u16, u16) = (0x0010, 0x1010);
    const PATIENT_SEX: (u16, u16) = (0x0010, 0x0040);
    const PATIENT_SIZE: (u16, u16) = (0x0010, 0x1020);
    const PATIENT_WEIGHT: (u16, u16) = (0x0010, 0x1030);
    const ALLERGIES: (u16, u16) = (0x0010, 0x2110);
    const STUDY_DATE: (u16, u16) = (0x0008, 0x0020);
    const STUDY_INSTANCE_UID: (u16, u16) = (0x0020, 0x000D);
    const INSTITUTION_NAME: (u16, u16) = (0x0008, 0x0080);
    const STATION_NAME: (u16, u16) = (0x0008, 0x1010);
    const STUDY_DESCRIPTION: (u16, u16) = (0x0008, 0x1030);
    const CONTENT_SEQUENCE: (u16, u16) = (0x0040, 0xA730);
    const REFERENCED_IMAGE_SEQUENCE: (u16, u16) = (0x0008, 0x1140);
    const PATIENT_ID: (u16, u16) = (0x0010, 0x0020);
    const DATE_OF_LAST_CALIBRATION: (u16, u16) = (0x0018, 0x1200);
    const OVERLAY_DATA: (u16, u16) = (0x6002, 0x3000);
    const CURVE_DATA: (u16, u16) = (0x5010, 0x3000);

    fn patient() -> DicomOptions {
        DicomOptions::for_profile(Profile::Patient)
    }

    fn teaching() -> DicomOptions {
        DicomOptions::for_profile(Profile::Teaching)
    }

    fn none() -> DicomOptions {
        DicomOptions {
            clean_descriptors: false,
            retain_patient_characteristics: false,
            retain_modified_dates: false,
            ..patient()
        }
    }

    #[test]
    fn patient_profile() {
        let o = patient();
        let cases = [
            (PATIENT_NAME, Empty),
            (PATIENT_BIRTH_DATE, Empty),
            (PATIENT_ID, Dummy),
            (PATIENT_AGE, Remove),
            (PATIENT_SEX, Empty),
            (PATIENT_SIZE, Remove),
            (PATIENT_WEIGHT, Remove),
            (ALLERGIES, Clean),
            (STUDY_DATE, Empty),
            (STUDY_INSTANCE_UID, RemapUid),
            (INSTITUTION_NAME, Dummy),
            (STATION_NAME, Dummy),
            (STUDY_DESCRIPTION, Clean),
            (CONTENT_SEQUENCE, Dummy),
            (REFERENCED_IMAGE_SEQUENCE, RemapUid),
            (DATE_OF_LAST_CALIBRATION, Remove),
            (OVERLAY_DATA, Remove),
            (CURVE_DATA, Remove),
        ];
        for (tag, expected) in cases {
            assert_eq!(treatment(tag, &o), Some(expected), "{tag:04X?}");
        }
    }

    #[test]
    fn teaching_profile() {
        let o = teaching();
        let cases = [
            (PATIENT_NAME, Empty),
            (PATIENT_BIRTH_DATE, Empty),
            (PATIENT_AGE, Keep),
            (PATIENT_SEX, Keep),
            (PATIENT_SIZE, Keep),
            (PATIENT_WEIGHT, Keep),
            (ALLERGIES, Clean),
            (STUDY_DATE, ShiftDate),
            (STUDY_INSTANCE_UID, RemapUid),
            (INSTITUTION_NAME, Dummy),
            (STATION_NAME, Dummy),
            (STUDY_DESCRIPTION, Clean),
            (CONTENT_SEQUENCE, Dummy),
            (DATE_OF_LAST_CALIBRATION, ShiftDate),
            (OVERLAY_DATA, Remove),
            (CURVE_DATA, Remove),
        ];
        for (tag, expected) in cases {
            assert_eq!(treatment(tag, &o), Some(expected), "{tag:04X?}");
        }
    }

    #[test]
    fn basic_profile_alone() {
        let o = none();
        assert_eq!(treatment(STUDY_DESCRIPTION, &o), Some(Remove));
        assert_eq!(treatment(ALLERGIES, &o), Some(Remove));
        assert_eq!(treatment(PATIENT_AGE, &o), Some(Remove));
        assert_eq!(treatment(STUDY_DATE, &o), Some(Empty));
    }

    fn only(switch: fn(&mut DicomOptions)) -> DicomOptions {
        let mut options = none();
        switch(&mut options);
        options
    }

    #[test]
    fn each_option_overrides_its_rows() {
        let check = |switch, tag: (u16, u16), expected| {
            assert_eq!(treatment(tag, &only(switch)), Some(expected), "{tag:04X?}");
        };
        check(|o| o.retain_uids = true, STUDY_INSTANCE_UID, Keep);
        check(|o| o.retain_uids = true, REFERENCED_IMAGE_SEQUENCE, Keep);
        check(|o| o.retain_full_dates = true, STUDY_DATE, Keep);
        check(|o| o.retain_modified_dates = true, STUDY_DATE, ShiftDate);
        check(
            |o| o.retain_institution_identity = true,
            INSTITUTION_NAME,
            Keep,
        );
        check(|o| o.retain_device_identity = true, STATION_NAME, Keep);
        check(
            |o| o.retain_patient_characteristics = true,
            PATIENT_AGE,
            Keep,
        );
        check(|o| o.clean_descriptors = true, STUDY_DESCRIPTION, Clean);
        check(
            |o| o.clean_structured_content = true,
            CONTENT_SEQUENCE,
            Clean,
        );
        check(|o| o.clean_graphics = true, OVERLAY_DATA, Clean);
        check(|o| o.clean_graphics = true, CURVE_DATA, Clean);
        check(|o| o.retain_safe_private = true, (0x0009, 0x1001), Clean);
    }

    #[test]
    fn the_option_that_discloses_less_wins() {
        let both_dates = DicomOptions {
            retain_full_dates: true,
            retain_modified_dates: true,
            ..none()
        };
        assert_eq!(treatment(STUDY_DATE, &both_dates), Some(ShiftDate));
        let device_and_full = DicomOptions {
            retain_device_identity: true,
            retain_full_dates: true,
            ..none()
        };
        assert_eq!(
            treatment(DATE_OF_LAST_CALIBRATION, &device_and_full),
            Some(Keep)
        );
        let device_and_shift = DicomOptions {
            retain_device_identity: true,
            ..teaching()
        };
        assert_eq!(
            treatment(DATE_OF_LAST_CALIBRATION, &device_and_shift),
            Some(ShiftDate)
        );
    }

    #[test]
    fn repeating_groups_are_the_even_groups_00_to_1e() {
        for o in [patient(), teaching()] {
            for group in (0x6000..=0x601E).step_by(2) {
                assert_eq!(treatment((group, 0x3000), &o), Some(Remove));
                assert_eq!(treatment((group, 0x4000), &o), Some(Remove));
                assert_eq!(attribute_name((group, 0x3000)), Some("Overlay Data"));
            }
            for group in (0x5000..=0x501E).step_by(2) {
                for element in [0x0000, 0x0010, 0x3000, 0xFFFF] {
                    assert_eq!(attribute_name((group, element)), Some("Curve Data"));
                }
            }
            assert_eq!(treatment((0x6002, 0x0010), &o), None, "overlay rows stay");
            assert_eq!(
                treatment((0x6020, 0x3000), &o),
                None,
                "not a repeating group"
            );
            assert_eq!(
                treatment((0x5020, 0x3000), &o),
                None,
                "not a repeating group"
            );
        }
    }

    #[test]
    fn odd_groups_are_private() {
        for tag in [
            (0x0009, 0x0010),
            (0x0029, 0x1010),
            (0x6001, 0x3000),
            (0x5011, 0x3000),
        ] {
            assert_eq!(treatment(tag, &patient()), Some(Remove), "{tag:04X?}");
            assert_eq!(attribute_name(tag), Some("Private Attributes"));
        }
    }

    #[test]
    fn unlisted_tags_are_left_to_the_caller() {
        assert_eq!(treatment((0x0028, 0x0010), &patient()), None, "Rows");
        assert_eq!(treatment((0x7FE0, 0x0010), &teaching()), None, "Pixel Data");
        assert_eq!(
            treatment((0x0008, 0x0016), &patient()),
            None,
            "SOP Class UID"
        );
    }

    #[test]
    fn every_exact_row_is_found_by_binary_search() {
        assert!(table::EXACT.windows(2).all(|w| w[0].tag < w[1].tag));
        for r in &table::EXACT {
            assert!(std::ptr::eq(row(r.tag).unwrap(), r), "{:04X?}", r.tag);
        }
        assert_eq!(attribute_name(PATIENT_NAME), Some("Patient's Name"));
        assert_eq!(
            attribute_name((0x0088, 0x0200)),
            Some("Icon Image Sequence")
        );
    }

    #[test]
    fn the_table_has_every_row_of_the_standard() {
        assert_eq!(table::EXACT.len() + table::WILDCARDS.len(), 621);
    }

    /// Counted in the JSON: 621 rows, nine distinct codes. A row whose code the generator did not
    /// know would have stopped it; these counts show none was folded into another action.
    #[test]
    fn every_basic_action_of_the_json_is_mapped() {
        let expected = [
            (Basic::Remove, 384),
            (Basic::Dummy, 92),
            (Basic::Uid, 54),
            (Basic::Empty, 42),
            (Basic::RemoveOrDummy, 22),
            (Basic::RemoveOrEmpty, 11),
            (Basic::RemoveEmptyOrDummy, 8),
            (Basic::EmptyOrDummy, 6),
            (Basic::RemoveEmptyOrUid, 2),
        ];
        let rows = || {
            table::EXACT
                .iter()
                .chain(table::WILDCARDS.iter().map(|w| &w.row))
        };
        for (basic, count) in expected {
            assert_eq!(
                rows().filter(|r| r.basic == basic).count(),
                count,
                "{basic:?}"
            );
        }
        assert_eq!(
            expected.iter().map(|&(_, n)| n).sum::<usize>(),
            rows().count()
        );
    }
}
