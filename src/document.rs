//! The shared vocabulary of the pipeline (load → analyze → plan → apply → verify).
//!
//! Every part speaks these types and none of them knows how a format is parsed: the parts own the
//! parsing, this module owns the words. Adding a medium (DICOM, caption) means adding variants here,
//! never a parallel set of types in the part.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// The container a document's bytes were recognised as, by content rather than by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Tiff,
    Gif,
    /// HEIF with HEVC pictures: what iPhones save.
    Heic,
    /// HEIF with AV1 pictures: what Android phones and browsers increasingly save.
    Avif,
    Dicom,
    /// The text posted with a picture, UTF-8.
    Caption,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Tiff => "TIFF",
            Format::Gif => "GIF",
            Format::Heic => "HEIC",
            Format::Avif => "AVIF",
            Format::Dicom => "DICOM",
            Format::Caption => "caption",
        }
    }
}

impl Format {
    /// The file name extension a file of this format is written with.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Tiff => "tif",
            Format::Gif => "gif",
            Format::Heic => "heic",
            Format::Avif => "avif",
            Format::Dicom => "dcm",
            Format::Caption => "txt",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A loaded input. The bytes are kept whole: scrubbing copies what it keeps from them verbatim,
/// which is what makes the photo path lossless.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: PathBuf,
    pub format: Format,
    pub bytes: Vec<u8>,
    /// What the documents shared with this one revealed, searched for in it too: the patient's
    /// name from a DICOM header, or the user's own name, in the caption of the post. Empty for
    /// a file read on its own.
    pub known: Vec<KnownIdentifier>,
}

impl Document {
    /// A caption, searched with what the files it goes with revealed.
    pub fn caption(source: PathBuf, text: String, known: Vec<KnownIdentifier>) -> Document {
        Document {
            source,
            format: Format::Caption,
            bytes: text.into_bytes(),
            known,
        }
    }
}

/// What kind of thing a finding reveals. The user sees findings grouped by it, and it decides
/// whether a leftover finding makes an output unclean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Where the picture was taken or where someone lives: GPS position, street address.
    Location,
    /// A city or an institution named in text (`CHU de Rennes`, `Mayo Clinic`): it narrows down
    /// who the patient is, but some posts keep it on purpose, so it is a category of its own.
    Place,
    /// A way to reach someone: phone number, e-mail address, social handle, personal web link.
    Contact,
    /// A person's name: owner, author, photographer, by-line.
    Person,
    /// The camera or phone: make, model, serial numbers, the software that saved the file.
    Device,
    /// When something happened: date taken, modified, digitised.
    Date,
    /// A picture inside the picture: thumbnails, previews, extra embedded images.
    Picture,
    /// Editing history and identifiers that link this file to others.
    History,
    /// Free text someone typed or a program wrote: descriptions, captions, comments, keywords.
    Text,
    /// A number or code that leads to a person or their records: patient ID, accession number,
    /// the UIDs a hospital's archive files the images under.
    Identifier,
    /// Graphics drawn over the picture (overlays, curves), which can carry names.
    Graphics,
    /// Data the tool does not understand; removed because it cannot be shown to be harmless.
    Unknown,
    /// How the picture is turned on screen; kept so the shared picture looks like the original.
    Orientation,
    /// How colours are reproduced; kept so the shared picture looks like the original.
    ColourProfile,
    /// Text in the pixels that belongs to the image, not to the patient: a laterality marker, a
    /// scale, a probe or an exposure setting. A teaching case keeps it; it names nobody.
    Annotation,
    /// A face in the picture: anyone who knows the person recognises them.
    Face,
}

impl Category {
    /// Whether a finding of this kind left in an output means the output is not clean.
    pub fn identifies(self) -> bool {
        !matches!(
            self,
            Category::Orientation | Category::ColourProfile | Category::Annotation
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Location => "location",
            Category::Place => "place",
            Category::Contact => "contact",
            Category::Person => "person",
            Category::Device => "device",
            Category::Date => "date",
            Category::Picture => "hidden picture",
            Category::History => "history",
            Category::Text => "text",
            Category::Identifier => "identifier",
            Category::Graphics => "graphics",
            Category::Unknown => "unknown data",
            Category::Orientation => "orientation",
            Category::ColourProfile => "colour profile",
            Category::Annotation => "annotation",
            Category::Face => "face",
        }
    }
}

/// Where in the document a finding sits, precisely enough for a person to look it up with
/// another tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    Metadata {
        /// 0 for the main picture; 1.. for pictures embedded after it (MPO, multi-page TIFF).
        picture: u32,
        /// The metadata block, as its format names it: "EXIF", "EXIF GPS", "XMP", "IPTC",
        /// "PNG tEXt", "JPEG comment"…
        container: String,
        /// The item inside the block: a tag or property name.
        field: String,
    },
    /// A DICOM attribute, by its path from the top of the data set.
    Attribute { path: String },
    /// A stretch of a caption, in Unicode scalar values (characters) from its start.
    Caption { start: usize, end: usize },
    /// A rectangle of one frame of the picture (frame 0 for a photo or a single-frame DICOM).
    Pixels { frame: u32, region: Region },
}

/// A rectangle in image pixels: the stored pixels of a DICOM frame, or a photo as it is shown
/// (its orientation applied). Screens map these to their own coordinates, never the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Region {
    pub fn right(self) -> u32 {
        self.x + self.width
    }

    pub fn bottom(self) -> u32 {
        self.y + self.height
    }

    pub fn area(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// The region grown by `margin` on every side, kept inside a `width` × `height` picture.
    pub fn padded(self, margin: u32, width: u32, height: u32) -> Region {
        let x = self.x.saturating_sub(margin);
        let y = self.y.saturating_sub(margin);
        let right = self.right().saturating_add(margin).min(width);
        let bottom = self.bottom().saturating_add(margin).min(height);
        Region {
            x,
            y,
            width: right.saturating_sub(x),
            height: bottom.saturating_sub(y),
        }
    }

    pub fn intersection(self, other: Region) -> Option<Region> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        (right > x && bottom > y).then_some(Region {
            x,
            y,
            width: right - x,
            height: bottom - y,
        })
    }

    /// Whether at least half of this region lies inside `outer`: how a piece of a line is told
    /// to belong to a box around the line.
    pub fn half_within(self, outer: Region) -> bool {
        outer
            .intersection(self)
            .is_some_and(|common| common.area() * 2 >= self.area())
    }

    /// The smallest region holding both.
    pub fn union(self, other: Region) -> Region {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Region {
            x,
            y,
            width: self.right().max(other.right()) - x,
            height: self.bottom().max(other.bottom()) - y,
        }
    }
}

/// How stored grey values become shades on a screen, as DICOM's window does: values `width`
/// wide around `center`, in the modality's units (Hounsfield units for CT), span black to white.
/// It changes only what is shown or rendered into a post, never the values a DICOM keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub center: f32,
    pub width: f32,
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}×{} at ({}, {})",
            self.width, self.height, self.x, self.y
        )
    }
}

impl Location {
    /// Where a DICOM attribute sits: its tag and keyword, inside the sequence items that lead to it,
    /// e.g. `(0040,A730)[1] ContentSequence > (0040,A123) PersonName`.
    pub fn attribute(path: impl Into<String>) -> Location {
        Location::Attribute { path: path.into() }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Metadata {
                picture,
                container,
                field,
            } => {
                if *picture > 0 {
                    write!(f, "picture {} ", picture + 1)?;
                }
                write!(f, "{container} {field}")
            }
            Location::Attribute { path } => f.write_str(path),
            Location::Caption { start, end } => write!(f, "caption, characters {start}–{end}"),
            Location::Pixels { frame, region } => {
                if *frame > 0 {
                    write!(f, "frame {}, ", frame + 1)?;
                }
                write!(f, "pixels {region}")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Remove,
    Keep,
    /// Identifying, and nothing this version can do removes it (text burned into pixels, until
    /// the pixel stage exists): the file cannot be made clean and is not written.
    Unresolved,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub category: Category,
    pub location: Location,
    /// What was found, shortened for display; binary data is described, not dumped.
    pub value: String,
    /// One sentence a patient understands: what this is and why it matters.
    pub explanation: String,
    /// 1.0 when the item is certainly there (metadata is parsed, not guessed).
    pub confidence: f32,
    pub action: Action,
}

/// A value known to identify the person, found in one medium and searched for in the others: the
/// patient's name from a DICOM header is looked for in the caption and in the pixels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownIdentifier {
    pub category: Category,
    pub value: String,
}

impl Finding {
    /// The frame and region of the text, when the finding is text in the pixels.
    pub fn pixels(&self) -> Option<(u32, Region)> {
        match self.location {
            Location::Pixels { frame, region } => Some((frame, region)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Findings {
    pub items: Vec<Finding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<KnownIdentifier>,
    /// How the frames of the picture were looked at for text; none when it has no pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames: Option<FrameCounts>,
}

/// How the frames of a picture were looked at for text. Every frame is one of the three: read
/// in full; carried over, its pixels the same as a frame read; or screened, only its changed
/// parts looked at (lines in them read again, no new line of text among them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FrameCounts {
    pub read: u32,
    pub carried: u32,
    pub screened: u32,
}

impl Findings {
    pub fn new(items: Vec<Finding>) -> Findings {
        Findings {
            items,
            known: Vec::new(),
            frames: None,
        }
    }

    /// The findings that, left in a file, would identify someone.
    pub fn identifying(&self) -> impl Iterator<Item = &Finding> {
        self.items.iter().filter(|f| f.category.identifies())
    }

    pub fn is_clean(&self) -> bool {
        self.identifying().next().is_none()
    }

    /// The findings nothing can remove (pixels that could not be read for text): a plan holding
    /// one writes nothing, from any front.
    pub fn unresolved(&self) -> impl Iterator<Item = &Finding> {
        self.items.iter().filter(|f| f.action == Action::Unresolved)
    }
}

/// What will be done. It starts as the proposed action of every finding; the GUI lets the user
/// change them. Whatever is not a finding is removed anyway: the plan can only keep what was
/// shown to the user, never something nobody looked at.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub findings: Findings,
    pub profile: Profile,
    pub dicom: DicomOptions,
    /// How text in the pixels is made unreadable.
    pub redaction: Redaction,
    /// How faces are hidden: filled solid unless the user asks otherwise, since a blurred face
    /// can sometimes be recognised.
    pub faces: FaceCover,
    /// The user's secret for remapping UIDs and shifting dates; never written to a report.
    #[serde(skip)]
    pub key: Option<Key>,
}

/// How a region of pixels is made unreadable. Both are irreversible; they differ in look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Redaction {
    /// A soft patch that keeps the region's average colours: the picture still looks whole.
    #[default]
    Blur,
    /// A solid patch of the surrounding background's darkest colour.
    Fill,
}

/// How a face is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FaceCover {
    /// The whole face filled solid: nothing of it is left to recognise.
    #[default]
    Fill,
    /// The whole face blurred into a soft patch.
    Blur,
    /// A solid band across the eyes, as medical journals print faces: the rest of the face, and
    /// a lesion on it, stay. The face stays recognisable to those who know the person well, so
    /// verification does not count it.
    Eyes,
}

impl FaceCover {
    /// How the face's own patch is made unreadable: the band over the eyes is a fill.
    pub fn redaction(self) -> Redaction {
        match self {
            FaceCover::Blur => Redaction::Blur,
            FaceCover::Fill | FaceCover::Eyes => Redaction::Fill,
        }
    }
}

impl std::str::FromStr for FaceCover {
    type Err = String;

    fn from_str(name: &str) -> Result<FaceCover, String> {
        match name {
            "fill" => Ok(FaceCover::Fill),
            "blur" => Ok(FaceCover::Blur),
            "eyes" => Ok(FaceCover::Eyes),
            other => Err(format!(
                "unknown face cover {other:?}: use fill, blur or eyes"
            )),
        }
    }
}

impl std::str::FromStr for Redaction {
    type Err = String;

    fn from_str(name: &str) -> Result<Redaction, String> {
        match name {
            "blur" => Ok(Redaction::Blur),
            "fill" => Ok(Redaction::Fill),
            other => Err(format!("unknown redaction {other:?}: use blur or fill")),
        }
    }
}

impl Plan {
    /// The patient profile, the strictest, with no key: enough for photos; DICOM needs a key
    /// (see [`Plan::for_dicom`]).
    pub fn default_for(findings: &Findings) -> Plan {
        Plan {
            findings: findings.clone(),
            profile: Profile::Patient,
            dicom: DicomOptions::for_profile(Profile::Patient),
            redaction: Redaction::default(),
            faces: FaceCover::Fill,
            key: None,
        }
    }

    /// A DICOM plan: the profile's options as the user adjusted them, and the key.
    pub fn for_dicom(findings: &Findings, profile: Profile, dicom: DicomOptions, key: Key) -> Plan {
        Plan {
            profile,
            dicom,
            key: Some(key),
            ..Plan::default_for(findings)
        }
    }

    /// A photo plan for the profile (photos are scrubbed the same way for both).
    pub fn for_photo(findings: &Findings, profile: Profile) -> Plan {
        Plan {
            profile,
            ..Plan::default_for(findings)
        }
    }

    /// What was read in the pixels as identifiers and is being redacted: verification must not
    /// read it again.
    pub fn identifiers_in_pixels(&self) -> Vec<String> {
        self.findings
            .items
            .iter()
            .filter(|f| {
                matches!(f.location, Location::Pixels { .. })
                    && f.action == Action::Remove
                    && f.category.identifies()
                    && f.category != Category::Text
                    && !f.value.trim().is_empty()
            })
            .map(|f| f.value.clone())
            .collect()
    }

    /// Whether anything of this category is to be kept; parts ask this for the few items they
    /// can carry over (orientation, colour profile).
    pub fn keeps(&self, category: Category) -> bool {
        self.findings
            .items
            .iter()
            .any(|f| f.category == category && f.action == Action::Keep)
    }
}

/// Who the output is for. It decides the defaults of the DICOM options; photos are scrubbed the
/// same way for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// A patient sharing a picture: everything identifying goes, dates included.
    #[default]
    Patient,
    /// A clinician's teaching case: dates shifted consistently, age, sex, size and weight kept.
    Teaching,
}

impl Profile {
    pub const NAMES: [&'static str; 2] = ["patient", "teaching"];
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(name: &str) -> Result<Profile, String> {
        match name {
            "patient" => Ok(Profile::Patient),
            "teaching" => Ok(Profile::Teaching),
            other => Err(format!(
                "unknown profile {other:?}: use patient or teaching"
            )),
        }
    }
}

/// The options of DICOM PS3.15 Table E.1-1, each switchable. The names follow the table's option
/// columns; `true` means the option is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DicomOptions {
    /// Retain Safe Private: keep private attributes known to be safe (none are known here yet, so
    /// private data is removed either way).
    pub retain_safe_private: bool,
    /// Retain UIDs: keep the original UIDs instead of remapping them.
    pub retain_uids: bool,
    /// Retain Device Identity: keep station names, serial numbers.
    pub retain_device_identity: bool,
    /// Retain Institution Identity: keep the hospital's name and address.
    pub retain_institution_identity: bool,
    /// Retain Patient Characteristics: keep age, sex, size, weight and similar.
    pub retain_patient_characteristics: bool,
    /// Retain Longitudinal Temporal Information with Full Dates.
    pub retain_full_dates: bool,
    /// Retain Longitudinal Temporal Information with Modified Dates: dates shifted by a keyed
    /// per-patient offset, which keeps the intervals between studies.
    pub retain_modified_dates: bool,
    /// Clean Descriptors: keep descriptions and comments once identifiers are taken out of them.
    pub clean_descriptors: bool,
    /// Clean Structured Content: keep SR content once identifiers are taken out of it.
    pub clean_structured_content: bool,
    /// Clean Graphics: keep overlays and graphic annotations once identifiers are taken out.
    pub clean_graphics: bool,
    /// Not one of PS3.15's options: dates the profile would empty keep their year (`YYYY0101`),
    /// for sharing where the year matters and the day would narrow down the visit.
    pub keep_year_only: bool,
}

impl DicomOptions {
    /// The options' names on the command line, in the table's column order.
    pub const NAMES: [&'static str; 11] = [
        "retain-safe-private",
        "retain-uids",
        "retain-device-identity",
        "retain-institution-identity",
        "retain-patient-characteristics",
        "retain-full-dates",
        "retain-modified-dates",
        "clean-descriptors",
        "clean-structured-content",
        "clean-graphics",
        "keep-year-only",
    ];

    /// Switch one option, by its name in [`DicomOptions::NAMES`].
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), String> {
        let switch = match name {
            "retain-safe-private" => &mut self.retain_safe_private,
            "retain-uids" => &mut self.retain_uids,
            "retain-device-identity" => &mut self.retain_device_identity,
            "retain-institution-identity" => &mut self.retain_institution_identity,
            "retain-patient-characteristics" => &mut self.retain_patient_characteristics,
            "retain-full-dates" => &mut self.retain_full_dates,
            "retain-modified-dates" => &mut self.retain_modified_dates,
            "clean-descriptors" => &mut self.clean_descriptors,
            "clean-structured-content" => &mut self.clean_structured_content,
            "clean-graphics" => &mut self.clean_graphics,
            "keep-year-only" => &mut self.keep_year_only,
            other => return Err(format!("unknown DICOM option {other:?}")),
        };
        if name == "retain-safe-private" && on {
            return Err(
                "no private attribute is known to be safe yet, so private data is always \
                 removed; retain-safe-private cannot be switched on"
                    .into(),
            );
        }
        *switch = on;
        Ok(())
    }

    /// Device and institution identity are removed in both profiles: a station name or a serial
    /// number points at the hospital.
    pub fn for_profile(profile: Profile) -> DicomOptions {
        let teaching = profile == Profile::Teaching;
        DicomOptions {
            retain_safe_private: false,
            retain_uids: false,
            retain_device_identity: false,
            retain_institution_identity: false,
            retain_patient_characteristics: teaching,
            retain_full_dates: false,
            retain_modified_dates: teaching,
            clean_descriptors: true,
            clean_structured_content: false,
            clean_graphics: false,
            keep_year_only: false,
        }
    }
}

/// The user's secret behind every replacement value (UIDs, date offsets, pseudonyms): the same
/// key gives the same replacements, so a case exported in several sittings stays linked. No
/// `Debug` of the bytes and no `Serialize`: it must never reach a log or a report.
#[derive(Clone)]
pub struct Key(pub(crate) [u8; 32]);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<secret>)")
    }
}

/// One thing `apply` did to the bytes, in words, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Done {
    pub action: Action,
    pub what: String,
}

impl Done {
    pub fn removed(what: impl Into<String>) -> Done {
        Done {
            action: Action::Remove,
            what: what.into(),
        }
    }

    pub fn kept(what: impl Into<String>) -> Done {
        Done {
            action: Action::Keep,
            what: what.into(),
        }
    }
}

/// The clean bytes and the record of how they were made. Nothing is written to disk here.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub bytes: Vec<u8>,
    pub done: Vec<Done>,
    /// Values of the input that must not survive anywhere in the output (its identifiers, its
    /// original UIDs); verification looks for each of them.
    pub must_not_contain: Vec<String>,
    /// Those of them that were read in the input's pixels. Verification looks for them as they
    /// were read, and not also one letter away as for the header's names: a word misread beside
    /// them (`Iver` for `Liver` in one frame of a cine, taken for a first name) would otherwise
    /// make every right reading of that word a leak.
    pub read_in_pixels: Vec<String>,
    /// The pixels as the analysis saw them, when text in them was made unreadable.
    pub before_redaction: Option<BeforeRedaction>,
    /// What the output is searched for besides what its format reveals: the document's
    /// [`Document::known`].
    pub known: Vec<KnownIdentifier>,
    /// What the user chose to keep where it was found (a caption's `Dr Martin`): verification
    /// does not hold it against the output.
    pub kept: Vec<String>,
    /// Byte ranges of the output that Caviar wrote in place of what it removed (`[nom]`,
    /// `Personne A`): verification reads them as blanks, not as what they replaced.
    pub written: Vec<(usize, usize)>,
    /// Faces the user chose to keep (a teaching photo whose lesion is on the face), by frame:
    /// verification does not hold a face found there against the output.
    pub faces_kept: Vec<(u32, Region)>,
}

/// The pixels of an input as its analysis saw them, kept beside an output whose text in the
/// pixels was made unreadable: verification reads again only what the redaction changed, and
/// carries over what the analysis read everywhere else once it has seen those pixels are the
/// same. A cine's frames are kept as prints, not pictures, so that checking one costs kilobytes
/// per frame rather than a second copy of the loop.
#[derive(Debug, Clone)]
pub struct BeforeRedaction {
    /// The first frame, whole: what the output's reading starts from.
    pub first: image::RgbImage,
    /// Every frame's prints, one per block of pixels (see `ocr::block_prints`): where a block
    /// of an output frame has its input frame's print, the analysis saw those very pixels.
    pub prints: Vec<Vec<u64>>,
}

/// Everything a run did with one input, as `--report` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub input: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    pub findings: Findings,
    pub done: Vec<Done>,
    /// True only when the written output was analysed again and nothing identifying was found.
    pub clean: bool,
    /// What verification still found in the output; an output with any of these is not clean.
    pub remaining: Findings,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileReport {
    /// A report for an input nothing has been done with yet: not clean until shown to be.
    pub fn new(input: PathBuf) -> FileReport {
        FileReport {
            input,
            output: None,
            format: None,
            findings: Findings::default(),
            done: Vec::new(),
            clean: false,
            remaining: Findings::default(),
            error: None,
        }
    }
}

/// A plain description of binary data for the user, never the bytes themselves.
pub fn size(len: usize) -> String {
    match len {
        1 => "1 byte".into(),
        0..10240 => format!("{len} bytes"),
        _ => format!("{} kB", len / 1024),
    }
}

/// Why an input could not be handled. Each message names the reason in words a user can act on;
/// the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("cannot write: {0}")]
    Write(std::io::Error),
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("not a supported picture: {0}")]
    Unsupported(String),
    #[error("damaged {format} file: {reason}")]
    Malformed { format: Format, reason: String },
    #[error("{0}")]
    Refused(String),
    /// Deliberately not copied, as a whole, because it exists only to identify (a DICOMDIR):
    /// nothing is written and nothing is left behind, which is a clean outcome.
    #[error("not copied: {0}")]
    NotCopied(String),
}

impl Error {
    pub fn malformed(format: Format, reason: impl Into<String>) -> Error {
        Error::Malformed {
            format,
            reason: reason.into(),
        }
    }
}
