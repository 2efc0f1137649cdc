//! XMP packets: the XML metadata Adobe tools, phones and editors write. Each top-level property
//! becomes one finding, with everything nested under it (a history's steps, a contact's address)
//! gathered into its value, so a patient sees "editing history" once rather than fifty fields.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};

use super::Collector;
use crate::document::Category;

/// Properties of one packet in the order they first appear, each with its distinct values.
#[derive(Default)]
struct Properties {
    order: Vec<String>,
    values: BTreeMap<String, Vec<String>>,
}

impl Properties {
    fn add(&mut self, property: &str, value: String) {
        let value = value.trim().to_string();
        let values = self.values.entry(property.to_string()).or_insert_with(|| {
            self.order.push(property.to_string());
            Vec::new()
        });
        if !value.is_empty() && !values.contains(&value) {
            values.push(value);
        }
    }
}

pub(super) fn inspect(packet: &[u8], container: &str, found: &mut Collector) {
    let (properties, readable) = read(packet);
    for property in &properties.order {
        let values = &properties.values[property];
        let (category, explanation) = classify(property);
        found.add(
            category,
            container,
            property,
            values.join("; "),
            explanation,
        );
    }
    if !readable {
        found.add(
            Category::Unknown,
            container,
            "unreadable XMP",
            super::size(packet.len()),
            "XMP data that could not be fully read; removed whole",
        );
    }
}

/// The turn a packet's `tiff:Orientation` gives the picture (2–8): macOS Preview and Safari apply
/// it when nothing in EXIF says how the picture is turned.
pub(super) fn orientation(packet: &[u8]) -> Option<u16> {
    let (properties, _) = read(packet);
    properties
        .values
        .get("tiff:Orientation")?
        .first()?
        .parse()
        .ok()
        .filter(|o| (2..=8).contains(o))
}

/// A packet that says nothing but how the picture is turned.
pub(super) fn orientation_only(orientation: u16) -> Vec<u8> {
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description rdf:about=\"\" xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\" \
         tiff:Orientation=\"{orientation}\"/>\
         </rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>"
    )
    .into_bytes()
}

/// Parse the packet; the flag is false when the XML is broken or cut short (what was read before
/// the break is still returned).
fn read(packet: &[u8]) -> (Properties, bool) {
    // XMP is UTF-8 by definition; a packet that is not cannot be read, only removed.
    let Ok(packet) = std::str::from_utf8(packet) else {
        return (Properties::default(), false);
    };
    let mut reader = quick_xml::Reader::from_str(packet);
    let mut properties = Properties::default();
    // Qualified names of the open elements; the property is the first one under rdf:Description.
    let mut open: Vec<String> = Vec::new();
    // Text of the innermost element, gathered across entity references until the element ends.
    let mut content = String::new();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => return (properties, false),
        };
        match event {
            Event::Start(element) => {
                flush(&open, &mut content, &mut properties);
                let name = qualified(&element);
                collect_attributes(&element, &open, &name, &mut properties);
                open.push(name);
            }
            Event::Empty(element) => {
                flush(&open, &mut content, &mut properties);
                let name = qualified(&element);
                collect_attributes(&element, &open, &name, &mut properties);
                if let Some(property) = property_of(&open, &name) {
                    properties.add(&property, String::new());
                }
            }
            Event::End(_) => {
                flush(&open, &mut content, &mut properties);
                open.pop();
            }
            Event::Text(text) => content.push_str(&text.xml10_content()),
            Event::CData(text) => content.push_str(&text.xml10_content()),
            Event::GeneralRef(reference) => match reference.resolve_char_ref() {
                Ok(Some(character)) => content.push(character),
                _ => {
                    let name = reference.xml10_content();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(resolved) => content.push_str(resolved),
                        None => return (properties, false),
                    }
                }
            },
            Event::Eof => return (properties, open.is_empty()),
            _ => {}
        }
    }
}

/// Give the gathered text to the property of the innermost open element.
fn flush(open: &[String], content: &mut String, properties: &mut Properties) {
    if let Some((last, parents)) = open.split_last()
        && let Some(property) = property_of(parents, last)
        && !content.trim().is_empty()
    {
        properties.add(&property, std::mem::take(content));
    }
    content.clear();
}

fn qualified(element: &BytesStart) -> String {
    let name = element.name();
    AsRef::<str>::as_ref(&name).to_string()
}

/// The top-level property an element at `name` (inside `open`) belongs to: the element right
/// below the nearest rdf:Description, or `name` itself when it sits directly under one.
fn property_of(open: &[String], name: &str) -> Option<String> {
    let path: Vec<&str> = open
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(name))
        .collect();
    let description = path.iter().position(|n| local(n) == "Description")?;
    path.get(description + 1)
        .filter(|n| !is_syntax(n))
        .map(|n| n.to_string())
}

/// Attributes carry properties too: on rdf:Description each attribute is a property of its own;
/// deeper down (a history step written as attributes) they belong to the enclosing property.
fn collect_attributes(
    element: &BytesStart,
    open: &[String],
    name: &str,
    properties: &mut Properties,
) {
    let enclosing = property_of(open, name);
    for attribute in element.attributes().flatten() {
        let key: &str = attribute.key.as_ref();
        let key = key.to_string();
        if key.starts_with("xmlns") || is_syntax(&key) || key == "xml:lang" {
            continue;
        }
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| attribute.value.to_string());
        match &enclosing {
            Some(property) => properties.add(property, format!("{}={value}", local(&key))),
            None if local(name) == "Description" => properties.add(&key, value),
            None => {}
        }
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// RDF and XMP wrapper syntax, which holds properties but is not one.
fn is_syntax(name: &str) -> bool {
    name.starts_with("rdf:") || name.starts_with("x:") || name == "xmptk"
}

fn classify(property: &str) -> (Category, &'static str) {
    if property == "tiff:Orientation" {
        return (Category::Orientation, super::TURN_EXPLAINED);
    }
    let name = local(property);
    let prefix = property.split(':').next().unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&[
        "gps",
        "city",
        "country",
        "state",
        "location",
        "ciadr",
        "sublocation",
    ]) {
        (
            Category::Location,
            "a place: where the photo was taken or where someone lives",
        )
    } else if has(&[
        "creator", "author", "artist", "owner", "byline", "rights", "credit", "person",
    ]) || has(&["captionwriter", "ciemail", "citel", "ciurl", "contact"])
    {
        (
            Category::Person,
            "a person's name or contact: who made, owns or is in the picture",
        )
    } else if prefix == "xmpMM" || has(&["history", "documentid", "instanceid", "derived"]) {
        (
            Category::History,
            "editing history and file identifiers that can link this copy to the original",
        )
    } else if has(&["date", "when"]) {
        (
            Category::Date,
            "a date linked to the picture: taken, edited or saved",
        )
    } else if has(&["serial", "make", "model", "lens", "tool", "software"])
        || matches!(prefix, "exif" | "exifEX" | "tiff" | "aux" | "crs" | "crd")
    {
        (
            Category::Device,
            "the camera, phone or program used, or how it was set",
        )
    } else {
        (
            Category::Text,
            "text stored with the picture (title, description, keywords…)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    photoshop:City="Rennes" xmp:CreateDate="2023-03-12T10:00:00">
   <dc:creator><rdf:Seq><rdf:li>Camille L&#233;vesque</rdf:li></rdf:Seq></dc:creator>
   <xmpMM:History><rdf:Seq>
     <rdf:li stEvt:action="saved" stEvt:softwareAgent="Adobe Photoshop 25.0"/>
     <rdf:li><rdf:Description stEvt:action="cropped"/></rdf:li>
   </rdf:Seq></xmpMM:History>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">IRM du genou</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#;

    fn findings(packet: &[u8]) -> Vec<crate::document::Finding> {
        let mut found = Collector::default();
        inspect(packet, "XMP", &mut found);
        found.findings
    }

    use crate::photo::testing::field;

    #[test]
    fn each_top_level_property_is_one_finding_with_its_category() {
        let found = findings(PACKET.as_bytes());
        let get = |name: &str| {
            found
                .iter()
                .find(|f| field(f) == name)
                .unwrap_or_else(|| panic!("{name} not found in {found:#?}"))
        };
        assert_eq!(get("dc:creator").value, "Camille Lévesque");
        assert_eq!(get("dc:creator").category, Category::Person);
        assert_eq!(get("photoshop:City").category, Category::Location);
        assert_eq!(get("xmp:CreateDate").category, Category::Date);
        let history = get("xmpMM:History");
        assert_eq!(history.category, Category::History);
        assert!(history.value.contains("Adobe Photoshop 25.0"));
        assert_eq!(get("dc:description").value, "IRM du genou");
        assert_eq!(found.len(), 5);
    }

    #[test]
    fn broken_xml_is_reported_and_what_came_before_is_kept() {
        let cut = &PACKET.as_bytes()[..PACKET.find("<xmpMM:History>").unwrap() + 20];
        let broken = [cut, b"<<</".as_slice()].concat();
        let found = findings(&broken);
        assert!(found.iter().any(|f| field(f) == "dc:creator"));
        assert!(found.iter().any(|f| f.category == Category::Unknown));
    }
}
