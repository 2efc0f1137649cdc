//! IPTC (the press-photo fields: by-line, caption, city) and the Photoshop resource blocks that
//! usually carry it in JPEG and TIFF files, along with thumbnails and copies of EXIF and XMP.

use super::{Collector, Packet, inspect_packet, size, text};
use crate::document::Category;

/// Photoshop image resources: a signature, a 16-bit id, a padded Pascal name, a 32-bit length and
/// the data, padded to an even length.
pub(super) fn inspect_photoshop(resources: &[u8], found: &mut Collector) {
    let mut pos = 0;
    let mut other = Vec::new();
    while pos < resources.len() {
        let Some(resource) = resource_at(resources, pos) else {
            found.add(
                Category::Unknown,
                "Photoshop",
                "unreadable resources",
                size(resources.len() - pos),
                "Photoshop data that could not be fully read; removed whole",
            );
            break;
        };
        pos = resource.next;
        match resource.id {
            0x0404 => inspect_iim(resource.data, "IPTC", found),
            0x0409 | 0x040C => found.add(
                Category::Picture,
                "Photoshop",
                "thumbnail",
                size(resource.data.len()),
                "thumbnail: a small copy of the picture, possibly before your edits",
            ),
            0x0422 => inspect_packet(Packet::Exif, resource.data, "Photoshop", found),
            0x0424 => inspect_packet(Packet::Xmp, resource.data, "Photoshop", found),
            0x0425 => found.add(
                Category::History,
                "Photoshop",
                "IPTC digest",
                size(resource.data.len()),
                "a fingerprint of the IPTC data, which can link this copy to the original",
            ),
            id => other.push(format!("0x{id:04X}")),
        }
    }
    if !other.is_empty() {
        found.add(
            Category::Unknown,
            "Photoshop",
            "settings",
            format!("resources {}", other.join(", ")),
            "settings saved by Photoshop or another editor (print, layers, paths); not needed to \
             show the picture",
        );
    }
}

struct Resource<'a> {
    id: u16,
    data: &'a [u8],
    next: usize,
}

fn resource_at(bytes: &[u8], pos: usize) -> Option<Resource<'_>> {
    let signature = bytes.get(pos..pos + 4)?;
    if !matches!(signature, b"8BIM" | b"MeSa" | b"PHUT" | b"AgHg" | b"DCSR") {
        return None;
    }
    let id = u16::from_be_bytes(bytes.get(pos + 4..pos + 6)?.try_into().ok()?);
    let name_len = usize::from(*bytes.get(pos + 6)?);
    // The name's length byte and the name together are padded to an even size.
    let name_end = pos + 6 + (name_len + 1).next_multiple_of(2);
    let length = u32::from_be_bytes(bytes.get(name_end..name_end + 4)?.try_into().ok()?);
    let start = name_end + 4;
    let end = start.checked_add(usize::try_from(length).ok()?)?;
    let data = bytes.get(start..end)?;
    Some(Resource {
        id,
        data,
        next: end + (end - pos) % 2,
    })
}

/// IPTC-IIM datasets: 0x1C, record, dataset, a length (16 bits, or an extended length), data.
/// Repeated datasets (keywords) are gathered into one finding.
pub(super) fn inspect_iim(records: &[u8], container: &str, found: &mut Collector) {
    let mut datasets: Vec<((u8, u8), Vec<String>)> = Vec::new();
    let mut utf8 = false;
    let mut pos = 0;
    let mut readable = true;
    while pos < records.len() {
        let Some((record, dataset, data, next)) = dataset_at(records, pos) else {
            readable = records[pos..].iter().all(|&b| b == 0);
            break;
        };
        pos = next;
        if (record, dataset) == (1, 90) {
            utf8 = data == b"\x1b%G";
            continue;
        }
        if dataset == 0 {
            continue;
        }
        let value = if utf8 {
            String::from_utf8_lossy(data).into_owned()
        } else {
            text(data)
        };
        match datasets
            .iter_mut()
            .find(|(key, _)| *key == (record, dataset))
        {
            Some((_, values)) => values.push(value),
            None => datasets.push(((record, dataset), vec![value])),
        }
    }
    for ((record, dataset), values) in datasets {
        let (category, name, explanation) = describe(record, dataset);
        found.add(category, container, name, values.join(", "), explanation);
    }
    if !readable {
        found.add(
            Category::Unknown,
            container,
            "unreadable IPTC",
            size(records.len() - pos),
            "IPTC data that could not be fully read; removed whole",
        );
    }
}

fn dataset_at(bytes: &[u8], pos: usize) -> Option<(u8, u8, &[u8], usize)> {
    if *bytes.get(pos)? != 0x1C {
        return None;
    }
    let record = *bytes.get(pos + 1)?;
    let dataset = *bytes.get(pos + 2)?;
    let length = u16::from_be_bytes(bytes.get(pos + 3..pos + 5)?.try_into().ok()?);
    let (start, length) = if length & 0x8000 == 0 {
        (pos + 5, usize::from(length))
    } else {
        // Extended dataset: the low bits say how many bytes hold the real length.
        let count = usize::from(length & 0x7FFF);
        if count == 0 || count > 8 {
            return None;
        }
        let length_bytes = bytes.get(pos + 5..pos + 5 + count)?;
        let length = length_bytes.iter().try_fold(0usize, |acc, &b| {
            acc.checked_mul(256)?.checked_add(usize::from(b))
        })?;
        (pos + 5 + count, length)
    };
    let end = start.checked_add(length)?;
    Some((record, dataset, bytes.get(start..end)?, end))
}

fn describe(record: u8, dataset: u8) -> (Category, String, &'static str) {
    use Category::*;
    let (category, name, explanation) = match (record, dataset) {
        (2, 5) => (Text, "Object Name", "title of the picture"),
        (2, 25) => (Text, "Keywords", "keywords describing the picture"),
        (2, 15 | 20) => (Text, "Category", "subject categories"),
        (2, 40) => (
            Text,
            "Special Instructions",
            "notes for whoever publishes the picture",
        ),
        (2, 55 | 62) => (Date, "Date Created", "date the picture was taken or made"),
        (2, 60 | 63) => (Date, "Time Created", "time the picture was taken or made"),
        (2, 65 | 70) => (
            Device,
            "Originating Program",
            "the program that wrote these fields",
        ),
        (2, 80) => (
            Person,
            "By-line",
            "by-line: the name of who took the picture",
        ),
        (2, 85) => (Person, "By-line Title", "job title of who took the picture"),
        (2, 90) => (Location, "City", "city where the picture was taken"),
        (2, 92) => (
            Location,
            "Sub-location",
            "place within the city where the picture was taken",
        ),
        (2, 95) => (
            Location,
            "Province/State",
            "region where the picture was taken",
        ),
        (2, 100 | 101) => (Location, "Country", "country where the picture was taken"),
        (2, 103) => (
            History,
            "Transmission Reference",
            "a reference number linking this copy to others",
        ),
        (2, 105) => (Text, "Headline", "headline written for the picture"),
        (2, 110 | 115) => (Person, "Credit", "who the picture is credited to"),
        (2, 116) => (Person, "Copyright Notice", "the copyright holder's name"),
        (2, 118) => (
            Person,
            "Contact",
            "contact details of who took or sent the picture",
        ),
        (2, 120) => (
            Text,
            "Caption",
            "caption: text describing the picture, which may name the patient",
        ),
        (2, 122) => (Person, "Writer", "the name of who wrote the caption"),
        _ => (
            Unknown,
            "",
            "an IPTC field this tool does not name; removed",
        ),
    };
    let name = if name.is_empty() {
        format!("{record}:{dataset:02}")
    } else {
        format!("{name} ({record}:{dataset:02})")
    };
    (category, name, explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(record: u8, number: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1C, record, number];
        out.extend((value.len() as u16).to_be_bytes());
        out.extend(value);
        out
    }

    fn photoshop(id: u16, data: &[u8]) -> Vec<u8> {
        let mut out = b"8BIM".to_vec();
        out.extend(id.to_be_bytes());
        out.extend([0, 0]);
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    #[test]
    fn by_line_caption_city_and_keywords_are_named() {
        let iim = [
            dataset(1, 90, b"\x1b%G"),
            dataset(2, 0, &[0, 4]),
            dataset(2, 80, b"Hugo Bernardin"),
            dataset(2, 120, "Radio du thorax de Mme Lévêque".as_bytes()),
            dataset(2, 90, b"Nantes"),
            dataset(2, 25, b"thorax"),
            dataset(2, 25, b"radio"),
        ]
        .concat();
        let resources = [photoshop(0x03ED, &[0; 16]), photoshop(0x0404, &iim)].concat();
        let mut found = Collector::default();
        inspect_photoshop(&resources, &mut found);
        let value = |category| {
            found
                .findings
                .iter()
                .filter(|f| f.category == category)
                .map(|f| f.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(value(Category::Person), ["Hugo Bernardin"]);
        assert_eq!(value(Category::Location), ["Nantes"]);
        assert_eq!(
            value(Category::Text),
            ["Radio du thorax de Mme Lévêque", "thorax, radio"]
        );
        assert_eq!(value(Category::Unknown), ["resources 0x03ED"]);
    }

    #[test]
    fn lying_lengths_are_reported_not_trusted() {
        let mut iim = dataset(2, 80, b"Hugo Bernardin");
        iim[3] = 0x7F;
        let mut found = Collector::default();
        inspect_iim(&iim, "IPTC", &mut found);
        assert_eq!(found.findings.len(), 1);
        assert_eq!(found.findings[0].category, Category::Unknown);

        let mut resources = photoshop(0x0404, &dataset(2, 80, b"x"));
        resources[11] = 0xFF;
        let mut found = Collector::default();
        inspect_photoshop(&resources, &mut found);
        assert_eq!(found.findings[0].category, Category::Unknown);
    }
}
