//! The walk that applies PS3.15 to every attribute of a data set, recursing through every
//! sequence item, and records each change in words. Analysis runs the same walk on a copy, so
//! what the user is shown is exactly what will be done.

use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
use dicom_core::header::Header;
use dicom_core::value::{DataSetSequence, PrimitiveValue, Value};
use dicom_core::{DataElement, Length, Tag, VR};
use dicom_dictionary_std::StandardDataDictionary;
use dicom_object::InMemDicomObject;
use dicom_object::mem::InMemElement;

use super::key::Key;
use super::profile::{self, Treatment};
use super::{dates, uid};
use crate::document::{Category, DicomOptions};

/// One attribute changed by the walk, for findings and the report.
#[derive(Debug, Clone)]
pub(super) struct Change {
    pub(super) path: String,
    pub(super) category: Category,
    pub(super) before: String,
    pub(super) what: &'static str,
}

/// Where an element sits, turned into words only when a change is recorded or a sequence
/// entered: most elements are left alone, and naming each would cost a dictionary lookup.
pub(super) struct Place<'a> {
    parent: &'a str,
    tag: Tag,
}

impl Place<'_> {
    fn text(&self) -> String {
        format!("{}{}", self.parent, describe(self.tag))
    }

    fn item(&self, index: usize) -> String {
        format!("{}[{index}] > ", self.text())
    }
}

/// What the walk needs to know about the patient and the run.
pub(super) struct Walk<'a> {
    pub(super) options: &'a DicomOptions,
    pub(super) key: &'a Key,
    /// Keyed per-patient shift, so every file of one patient moves by the same number of days.
    pub(super) date_offset: i32,
    /// Pseudonymous PatientName and PatientID for this patient.
    pub(super) pseudonym: (String, String),
    /// Values from this header that identify the patient, removed from any text that is kept.
    pub(super) known: Vec<String>,
    pub(super) changes: Vec<Change>,
}

/// Kept exactly as read, never taken out and put back: the pixel data is copied bit for bit,
/// and re-inserting the character set makes dicom-object re-encode every length as undefined,
/// which its writer cannot do for native pixel data (it panics).
const UNTOUCHED: [Tag; 2] = [Tag(0x0008, 0x0005), Tag(0x7FE0, 0x0010)];

/// Free text of structured reports and of graphic annotations: the table does not list them,
/// but they are where a radiologist types a name.
const TEXT_VALUE: Tag = Tag(0x0040, 0xA160);
const UNFORMATTED_TEXT_VALUE: Tag = Tag(0x0070, 0x0006);

/// Padding after the pixel data, which nothing reads and anything could be left in.
const TRAILING_PADDING: Tag = Tag(0xFFFC, 0xFFFC);

/// Code values and the schemes they come from: vocabulary, never about the patient, and a code
/// that loses a letter no longer means anything.
const CODES: [Tag; 3] = [
    Tag(0x0008, 0x0100),
    Tag(0x0008, 0x0102),
    Tag(0x0008, 0x0103),
];

/// UIDs that name a kind of thing (a SOP class, a coding scheme, a transfer syntax), not an
/// instance: vendors define their own under their roots, and remapping them would change what a
/// file or a code means without hiding anything about the patient.
pub(super) fn names_a_kind(tag: Tag) -> bool {
    StandardDataDictionary.by_tag(tag).is_some_and(|entry| {
        let name = entry.alias();
        name.ends_with("ClassUID")
            || matches!(
                name,
                "CodingSchemeUID" | "TransferSyntaxUID" | "ContextGroupExtensionCreatorUID"
            )
    })
}

const PATIENT_NAME: Tag = Tag(0x0010, 0x0010);
const PATIENT_ID: Tag = Tag(0x0010, 0x0020);
const PATIENT_AGE: Tag = Tag(0x0010, 0x1010);

impl Walk<'_> {
    /// Apply the rules to every element of `object`, recursively. `path` names the sequence items
    /// leading here, for the report.
    pub(super) fn data_set(&mut self, object: &mut InMemDicomObject, path: &str) {
        let tags: Vec<Tag> = object
            .tags()
            .filter(|tag| !UNTOUCHED.contains(tag))
            .collect();
        for tag in tags {
            let Some(element) = object.take(tag) else {
                continue;
            };
            if let Some(kept) = self.element(element, path) {
                object.put(kept);
            }
        }
    }

    /// The element to keep in place of `element`, or `None` to remove it.
    fn element(&mut self, element: InMemElement, path: &str) -> Option<InMemElement> {
        let element = with_dictionary_vr(element);
        let tag = element.tag();
        let here = Place { parent: path, tag };
        if tag.group() % 2 == 1 {
            self.record(&here, Category::Unknown, &element, "removed private data");
            return None;
        }
        if tag == TRAILING_PADDING {
            self.record(
                &here,
                Category::Unknown,
                &element,
                "removed trailing padding",
            );
            return None;
        }
        if is_graphics_group(tag.group()) && !self.options.clean_graphics {
            self.record(
                &here,
                Category::Graphics,
                &element,
                "removed overlay or curve",
            );
            return None;
        }
        if tag == PATIENT_NAME || tag == PATIENT_ID {
            let pseudonym = if tag == PATIENT_NAME {
                self.pseudonym.0.clone()
            } else {
                self.pseudonym.1.clone()
            };
            let category = if tag == PATIENT_NAME {
                Category::Person
            } else {
                Category::Identifier
            };
            self.record(&here, category, &element, "replaced by a pseudonym");
            return Some(DataElement::new(
                tag,
                element.vr(),
                PrimitiveValue::from(pseudonym),
            ));
        }
        let treatment = profile::treatment((tag.group(), tag.element()), self.options)
            .unwrap_or_else(|| self.unlisted(&element));
        if self.options.keep_year_only
            && matches!(element.vr(), VR::DA | VR::DT)
            && matches!(treatment, Treatment::Empty | Treatment::Dummy)
        {
            return Some(self.year_kept(element, &here));
        }
        let tag_pair = (tag.group(), tag.element());
        match treatment {
            Treatment::Empty
                if element.vr() == VR::SQ
                    && profile::removed_if_sequence(tag_pair, self.options) =>
            {
                self.record(&here, category_of(&element), &element, "removed");
                None
            }
            Treatment::Remove => {
                let category = category_of(&element);
                self.record(&here, category, &element, "removed");
                None
            }
            Treatment::Empty => Some(self.emptied(element, &here)),
            Treatment::Dummy => Some(self.dummy(element, &here)),
            Treatment::Keep => Some(self.kept(element, &here)),
            Treatment::Clean => self.cleaned(element, &here),
            // The table's X/Z/U* rows are sequences of references: kept, their items walked.
            Treatment::RemapUid if element.vr() == VR::SQ => Some(self.kept(element, &here)),
            Treatment::RemapUid => Some(self.remapped(element, &here)),
            Treatment::ShiftDate => Some(self.shifted(element, &here)),
        }
    }

    /// Attributes the table does not list: sequences are walked, and values of kinds that can
    /// only identify (names, UIDs, dates) are treated as the table treats their kind. Anything
    /// else the standard defines is kept.
    fn unlisted(&self, element: &InMemElement) -> Treatment {
        match element.vr() {
            VR::PN => Treatment::Empty,
            VR::UI if names_a_kind(element.tag()) => Treatment::Keep,
            VR::UI => Treatment::RemapUid,
            VR::DA | VR::DT => self.date_treatment(),
            VR::TM if !self.options.retain_full_dates && !self.options.retain_modified_dates => {
                Treatment::Empty
            }
            VR::UN => Treatment::Remove,
            _ if element.tag() == TEXT_VALUE && !self.options.clean_structured_content => {
                Treatment::Dummy
            }
            _ if element.tag() == UNFORMATTED_TEXT_VALUE && !self.options.clean_graphics => {
                Treatment::Dummy
            }
            _ if CODES.contains(&element.tag()) => Treatment::Keep,
            VR::LO | VR::SH | VR::ST | VR::LT | VR::UT | VR::UC => Treatment::Clean,
            _ => Treatment::Keep,
        }
    }

    /// As for the table's own date rows, the option that discloses less wins when both are on.
    fn date_treatment(&self) -> Treatment {
        if self.options.retain_modified_dates {
            Treatment::ShiftDate
        } else if self.options.retain_full_dates {
            Treatment::Keep
        } else {
            Treatment::Empty
        }
    }

    fn record(
        &mut self,
        place: &Place,
        category: Category,
        element: &InMemElement,
        what: &'static str,
    ) {
        self.changes.push(Change {
            path: place.text(),
            category,
            before: display(element),
            what,
        });
    }

    fn emptied(&mut self, element: InMemElement, here: &Place) -> InMemElement {
        let tag = element.tag();
        let vr = element.vr();
        if is_empty(&element) {
            return element;
        }
        let category = category_of(&element);
        self.record(here, category, &element, "emptied");
        match element.value() {
            Value::Sequence(_) => {
                DataElement::new(tag, vr, DataSetSequence::<InMemDicomObject>::empty())
            }
            _ => DataElement::new(tag, vr, PrimitiveValue::Empty),
        }
    }

    /// A harmless value of the same kind, for attributes a viewer expects to find filled in.
    fn dummy(&mut self, mut element: InMemElement, here: &Place) -> InMemElement {
        let tag = element.tag();
        let vr = element.vr();
        if let Some(items) = element.items_mut() {
            for (index, item) in items.iter_mut().enumerate() {
                self.data_set(item, &here.item(index));
            }
            return element;
        }
        let value = match vr {
            VR::UI => return self.remapped(element, here),
            VR::US => PrimitiveValue::from(0_u16),
            VR::SS => PrimitiveValue::from(0_i16),
            VR::UL => PrimitiveValue::from(0_u32),
            VR::SL => PrimitiveValue::from(0_i32),
            VR::UV => PrimitiveValue::from(0_u64),
            VR::SV => PrimitiveValue::from(0_i64),
            VR::FL => PrimitiveValue::from(0.0_f32),
            VR::FD => PrimitiveValue::from(0.0_f64),
            VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN => {
                PrimitiveValue::from(vec![0_u8, 0])
            }
            _ => PrimitiveValue::from(neutral_text(vr).unwrap_or("ANONYMIZED")),
        };
        let category = category_of(&element);
        self.record(here, category, &element, "replaced by a neutral value");
        DataElement::new(tag, vr, value)
    }

    fn kept(&mut self, mut element: InMemElement, here: &Place) -> InMemElement {
        if let Some(items) = element.items_mut() {
            for (index, item) in items.iter_mut().enumerate() {
                self.data_set(item, &here.item(index));
            }
            return element;
        }
        if element.tag() == PATIENT_AGE {
            let age = element
                .to_str()
                .map(|a| a.trim().to_string())
                .unwrap_or_default();
            if let Some(capped) = dates::cap_age(&age)
                && capped != age
            {
                self.record(here, Category::Person, &element, "capped at 90 years");
                return DataElement::new(PATIENT_AGE, VR::AS, PrimitiveValue::from(capped));
            }
        }
        element
    }

    /// Keep a value once the identifiers are taken out: sequences are walked, text loses the
    /// patient's known identifiers, and binary data (which cannot be read) is removed.
    fn cleaned(&mut self, mut element: InMemElement, here: &Place) -> Option<InMemElement> {
        if let Some(items) = element.items_mut() {
            for (index, item) in items.iter_mut().enumerate() {
                self.data_set(item, &here.item(index));
            }
            return Some(element);
        }
        let tag = element.tag();
        let vr = element.vr();
        if !is_text(vr) {
            let category = category_of(&element);
            self.record(here, category, &element, "removed (cannot be cleaned)");
            return None;
        }
        let Ok(text) = element.to_str() else {
            return Some(element);
        };
        // Descriptions the table lists lose long numbers too (record numbers typed into them);
        // unlisted text is technical (code values, versions) and keeps its digits.
        let listed = profile::treatment((tag.group(), tag.element()), self.options).is_some();
        let cleaned = clean_text(&text, &self.known, listed);
        if cleaned == text {
            return Some(element);
        }
        // Emptied by cleaning: a neutral word keeps attributes that must have a value valid.
        let cleaned = if cleaned.trim().is_empty() {
            "ANONYMIZED".to_string()
        } else {
            cleaned
        };
        self.record(
            here,
            Category::Text,
            &element,
            "identifiers taken out of the text",
        );
        Some(DataElement::new(tag, vr, PrimitiveValue::from(cleaned)))
    }

    /// UIDs are remapped whatever they were stored as: a UID in a value of unknown
    /// representation (UN) is read as text and written back as a proper UI.
    fn remapped(&mut self, element: InMemElement, here: &Place) -> InMemElement {
        if self.options.retain_uids {
            return element;
        }
        let values: Vec<String> = match element.vr() {
            VR::UI => match element.to_multi_str() {
                Ok(values) => values.to_vec(),
                Err(_) => return element,
            },
            VR::UN => {
                let bytes = element.to_bytes().unwrap_or_default();
                String::from_utf8_lossy(&bytes)
                    .split('\\')
                    .map(str::to_string)
                    .collect()
            }
            _ => return element,
        };
        let mapped: Vec<String> = values
            .iter()
            .map(|value| {
                let value = value.trim_end_matches(['\0', ' ']);
                if value.is_empty() || uid::is_standard(value) {
                    value.to_string()
                } else {
                    uid::remap(self.key, value)
                }
            })
            .collect();
        let unchanged = mapped
            .iter()
            .zip(values.iter())
            .all(|(a, b)| a == b.trim_end_matches(['\0', ' ']));
        if element.vr() == VR::UI && unchanged {
            return element;
        }
        self.record(
            here,
            Category::Identifier,
            &element,
            "replaced by a new UID",
        );
        DataElement::new(
            element.tag(),
            VR::UI,
            PrimitiveValue::Strs(mapped.into_iter().collect()),
        )
    }

    fn year_kept(&mut self, element: InMemElement, here: &Place) -> InMemElement {
        let value = element.to_str().map(|v| v.into_owned()).unwrap_or_default();
        match dates::year_only(&value) {
            Some(year) if year == value.trim_end_matches(['\0', ' ']) => element,
            Some(year) => {
                self.record(here, Category::Date, &element, "kept to its year");
                DataElement::new(element.tag(), element.vr(), PrimitiveValue::from(year))
            }
            None => self.emptied(element, here),
        }
    }

    fn shifted(&mut self, element: InMemElement, here: &Place) -> InMemElement {
        let tag = element.tag();
        let vr = element.vr();
        let Ok(value) = element.to_str() else {
            return self.emptied(element, here);
        };
        let value = value.trim_end_matches(['\0', ' ']).to_string();
        if value.is_empty() {
            return element;
        }
        let shifted = match vr {
            VR::DA => dates::shift_da(&value, self.date_offset),
            VR::DT => dates::shift_dt(&value, self.date_offset),
            VR::TM => Some(value.clone()),
            _ => None,
        };
        match shifted {
            Some(shifted) if shifted == value => element,
            Some(shifted) => {
                self.record(
                    here,
                    Category::Date,
                    &element,
                    "shifted by the patient's offset",
                );
                DataElement::new(tag, vr, PrimitiveValue::from(shifted))
            }
            None => self.emptied(element, here),
        }
    }
}

/// A standard attribute stored as UN (an implicit-VR file converted by a tool that did not know
/// the attribute) is decoded with the dictionary's VR, so the same rules apply to it as to any
/// other copy of it; an undecodable one stays UN and is treated as unknown data.
fn with_dictionary_vr(element: InMemElement) -> InMemElement {
    let tag = element.tag();
    if element.vr() != VR::UN || tag.group() % 2 == 1 {
        return element;
    }
    let Some(vr) = StandardDataDictionary
        .by_tag(tag)
        .and_then(|entry| entry.vr().exact())
    else {
        return element;
    };
    let Ok(bytes) = element.to_bytes() else {
        return element;
    };
    let numbers = |size: usize| bytes.len() % size == 0;
    let value = match vr {
        VR::AE
        | VR::AS
        | VR::CS
        | VR::DA
        | VR::DS
        | VR::DT
        | VR::IS
        | VR::LO
        | VR::LT
        | VR::PN
        | VR::SH
        | VR::ST
        | VR::TM
        | VR::UC
        | VR::UI
        | VR::UR
        | VR::UT => {
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim_end_matches(['\0', ' ']);
            if text.is_empty() {
                PrimitiveValue::Empty
            } else {
                PrimitiveValue::Strs(text.split('\\').map(str::to_string).collect())
            }
        }
        VR::US if numbers(2) => PrimitiveValue::U16(
            bytes
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect(),
        ),
        VR::UL if numbers(4) => PrimitiveValue::U32(
            bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        ),
        VR::AT if numbers(4) => PrimitiveValue::Tags(
            bytes
                .chunks_exact(4)
                .map(|b| {
                    Tag(
                        u16::from_le_bytes([b[0], b[1]]),
                        u16::from_le_bytes([b[2], b[3]]),
                    )
                })
                .collect(),
        ),
        VR::OB | VR::OW => PrimitiveValue::U8(bytes.iter().copied().collect()),
        VR::SQ => match un_sequence_items(&bytes) {
            Some(items) => return sequence(tag, items),
            None => return element,
        },
        _ => return element,
    };
    DataElement::new(tag, vr, value)
}

/// The items of a sequence stored as UN, which PS3.5 6.2.2 says are encoded in implicit VR
/// little endian whatever the file's own syntax. `None` when they cannot be read: the element
/// then stays UN and is removed as unknown data.
fn un_sequence_items(mut bytes: &[u8]) -> Option<Vec<InMemDicomObject>> {
    use dicom_transfer_syntax_registry::{TransferSyntaxIndex, TransferSyntaxRegistry};
    let implicit = TransferSyntaxRegistry.get("1.2.840.10008.1.2")?;
    let mut items = Vec::new();
    while !bytes.is_empty() {
        let header = bytes.get(..8)?;
        if header[..4] != [0xFE, 0xFF, 0x00, 0xE0] {
            return None;
        }
        let length = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let body = bytes.get(8..8 + length)?;
        // The item's own lengths are checked as a file's are: dicom-object would reserve what
        // they claim, whatever the item holds.
        super::raw::check_data_set(body, super::IMPLICIT_LE).ok()?;
        items.push(
            InMemDicomObject::read_dataset_with_ts(std::io::Cursor::new(body), implicit).ok()?,
        );
        bytes = &bytes[8 + length..];
    }
    Some(items)
}

/// Overlays (60xx) and curves (50xx) are repeating groups: any even group in those ranges.
pub(super) fn is_graphics_group(group: u16) -> bool {
    (0x5000..=0x501E).contains(&group) || (0x6000..=0x601E).contains(&group)
}

fn is_text(vr: VR) -> bool {
    matches!(
        vr,
        VR::LO | VR::LT | VR::SH | VR::ST | VR::UT | VR::UC | VR::CS | VR::AE
    )
}

fn is_empty(element: &InMemElement) -> bool {
    match element.value() {
        Value::Primitive(value) => value.to_str().trim_end_matches(['\0', ' ']).is_empty(),
        Value::Sequence(sequence) => sequence.items().is_empty(),
        Value::PixelSequence(_) => false,
    }
}

/// `(gggg,eeee) Keyword`, the way DICOM people name an attribute.
pub(super) fn describe(tag: Tag) -> String {
    let name = match StandardDataDictionary.by_tag(tag) {
        Some(entry) if tag.group().is_multiple_of(2) => Some(entry.alias().to_string()),
        _ => profile::attribute_name((tag.group(), tag.element())).map(str::to_string),
    };
    match name {
        Some(name) => format!("({:04X},{:04X}) {name}", tag.group(), tag.element()),
        None => format!("({:04X},{:04X})", tag.group(), tag.element()),
    }
}

/// A short readable form of a value, for the user; binary data is described, not dumped.
fn display(element: &InMemElement) -> String {
    match element.value() {
        Value::Sequence(sequence) => format!("{} item(s)", sequence.items().len()),
        Value::PixelSequence(_) => "encapsulated data".into(),
        Value::Primitive(value) => match element.vr() {
            VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN => {
                format!("{} bytes", value.calculate_byte_len())
            }
            _ => value.to_str().trim_end_matches(['\0', ' ']).to_string(),
        },
    }
}

/// What kind of identifying thing an attribute holds, from its value representation and name.
pub(super) fn category_of(element: &InMemElement) -> Category {
    let tag = element.tag();
    if tag.group() % 2 == 1 {
        return Category::Unknown;
    }
    let name = StandardDataDictionary
        .by_tag(tag)
        .map(|entry| entry.alias().to_string())
        .unwrap_or_default();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    match element.vr() {
        VR::PN => Category::Person,
        VR::DA | VR::DT | VR::TM => Category::Date,
        VR::UI => Category::Identifier,
        _ if has(&[
            "Institution",
            "Address",
            "Location",
            "Telephone",
            "Country",
            "Region",
        ]) =>
        {
            Category::Location
        }
        _ if has(&["Station", "Device", "Serial", "Manufacturer", "Software"]) => Category::Device,
        _ if has(&["ID", "Number", "Accession", "Identifier"]) => Category::Identifier,
        _ if has(&["Name"]) => Category::Person,
        _ if has(&["Age", "Sex", "Size", "Weight", "Birth"]) => Category::Person,
        _ => Category::Text,
    }
}

/// Remove the patient's known identifiers from a piece of text, whatever their case, and, when
/// asked, any run of five or more digits (record numbers, phone numbers), which descriptions
/// never need.
pub(super) fn clean_text(text: &str, known: &[String], strip_numbers: bool) -> String {
    let mut cleaned = text.to_string();
    for value in known.iter().filter(|v| v.chars().count() >= 3) {
        cleaned = replace_ignoring_case(&cleaned, value);
    }
    if !strip_numbers {
        return cleaned;
    }
    let mut out = String::with_capacity(cleaned.len());
    let mut digits = String::new();
    for c in cleaned.chars().chain(std::iter::once('\u{0}')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() < 5 {
            out.push_str(&digits);
        }
        digits.clear();
        if c != '\u{0}' {
            out.push(c);
        }
    }
    out
}

fn replace_ignoring_case(text: &str, needle: &str) -> String {
    let lower_text = text.to_lowercase();
    let lower_needle = needle.to_lowercase();
    if lower_text.len() != text.len() || lower_needle.is_empty() {
        return text.replace(needle, "");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower_text.match_indices(&lower_needle) {
        if at >= rest {
            out.push_str(&text[rest..at]);
            rest = at + lower_needle.len();
        }
    }
    out.push_str(&text[rest..]);
    out
}

/// An empty sequence or value for elements created by the walk (de-identification codes).
pub(super) fn code_item(value: &str, meaning: &str) -> InMemDicomObject {
    InMemDicomObject::from_element_iter([
        DataElement::new(Tag(0x0008, 0x0100), VR::SH, PrimitiveValue::from(value)),
        DataElement::new(Tag(0x0008, 0x0102), VR::SH, PrimitiveValue::from("DCM")),
        DataElement::new(Tag(0x0008, 0x0104), VR::LO, PrimitiveValue::from(meaning)),
    ])
}

pub(super) fn sequence(tag: Tag, items: Vec<InMemDicomObject>) -> InMemElement {
    DataElement::new(tag, VR::SQ, DataSetSequence::new(items, Length::UNDEFINED))
}

/// The neutral value written in place of a text attribute of this VR (see `Walk::dummy`): the
/// same in every file, so it tells nothing of anyone, even where it happens to equal one of
/// the input's values (a birth date left at the placeholder 19000101).
pub fn neutral_text(vr: VR) -> Option<&'static str> {
    match vr {
        VR::DA => Some("19000101"),
        VR::DT => Some("19000101000000"),
        VR::TM => Some("000000"),
        VR::AS => Some("000Y"),
        VR::PN => Some("ANONYMOUS"),
        VR::UI | VR::SQ => None,
        VR::US | VR::SS | VR::UL | VR::SL | VR::UV | VR::SV | VR::FL | VR::FD => None,
        VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN => None,
        _ => Some("ANONYMIZED"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_identifiers_and_long_numbers_leave_kept_text() {
        let known = vec!["DUPONT".to_string(), "Jean".to_string()];
        assert_eq!(
            clean_text("CT thorax Dupont jean 4587123 C5-C6", &known, true),
            "CT thorax    C5-C6"
        );
        assert_eq!(clean_text("IRM genou", &known, true), "IRM genou");
        assert_eq!(clean_text("code 113100", &known, false), "code 113100");
    }

    #[test]
    fn graphics_groups_are_the_even_repeating_groups() {
        assert!(is_graphics_group(0x6000) && is_graphics_group(0x601E));
        assert!(is_graphics_group(0x5010));
        assert!(!is_graphics_group(0x6020) && !is_graphics_group(0x7FE0));
    }
}
