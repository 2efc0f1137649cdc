//! What each TIFF and EXIF tag reveals, and the EXIF payload itself.
//!
//! The tag table here is the one place that says what a tag means for privacy, so a tag found in
//! a phone photo's EXIF and the same tag found in a scanned TIFF page are explained to the user in
//! the same words. EXIF is never kept as it is: a cleaned photo carries at most a new payload
//! holding only Orientation, which is why reading here may stop early on damage without harm.

use std::borrow::Cow;

use super::ifd::{self, Entry, Ifd, Reader};
use super::{Collector, Packet, SMALL_COPY, TURN_EXPLAINED, size, text};
use crate::document::Category;

/// Which numbering a directory's tags follow: GPS and Interop directories reuse small numbers
/// that mean something else in the main directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Space {
    Main,
    Gps,
    Interop,
}

#[derive(Debug, Clone, Copy)]
enum Meaning {
    /// Needed to decode the picture or to find other data; says nothing about anyone. Reported
    /// nowhere: a cleaned file keeps only the few of these its container needs.
    Structure,
    /// Points to another directory, whose items are reported in turn.
    Pointer(Sub),
    /// Smaller copies of the picture (SubIFDs).
    SubImages,
    /// A block in another metadata format, reported by that format's reader.
    Packet(Packet),
    Item(Category, &'static str),
}

#[derive(Debug, Clone, Copy)]
enum Sub {
    Exif,
    Gps,
    Interop,
}

const UNKNOWN: &str = "data this tool does not recognise; removed";
const UNREADABLE: &str = "EXIF data that could not be fully read; removed whole";
const THUMBNAIL: &str = "a small copy of the picture, possibly before your edits";

const S: Meaning = Meaning::Structure;
const SETTING: Meaning = Meaning::Item(
    Category::Device,
    "camera setting; harmless alone but it can match this picture to others from the same phone",
);
const SERIAL: Meaning = Meaning::Item(
    Category::Device,
    "camera serial number, which links every picture taken with the same camera",
);
const GEO: Meaning = Meaning::Item(
    Category::Location,
    "map coordinates of the picture, which say where it is",
);
const CONDITIONS: Meaning = Meaning::Item(
    Category::Location,
    "conditions measured when the photo was taken, which can hint at where it was",
);
const GPS_DETAIL: Meaning = Meaning::Item(
    Category::Location,
    "a detail recorded with the position where the photo was taken",
);
const GPS_PART: Meaning = Meaning::Item(
    Category::Location,
    "part of the position where the photo was taken",
);
const OFFSET_TIME: Meaning = Meaning::Item(
    Category::Date,
    "the time zone of the dates, which hints at where you were",
);
const SUB_SECOND: Meaning = Meaning::Item(
    Category::Date,
    "fractions of a second that make a date more precise",
);
const RATING: Meaning = Meaning::Item(Category::Text, "a star rating someone gave the picture");

/// Tags of IFD0, IFD1, the Exif directory and TIFF pages (one numbering), sorted by number.
/// Names follow ExifTool's where the standards disagree, so a user can look them up with it.
const MAIN: &[(u16, &str, Meaning)] = &[
    (
        0x000B,
        "ProcessingSoftware",
        Meaning::Item(Category::Device, "the program that processed the picture"),
    ),
    (0x00FE, "NewSubfileType", S),
    (0x00FF, "SubfileType", S),
    (0x0100, "ImageWidth", S),
    (0x0101, "ImageLength", S),
    (0x0102, "BitsPerSample", S),
    (0x0103, "Compression", S),
    (0x0106, "PhotometricInterpretation", S),
    (0x0107, "Threshholding", S),
    (0x0108, "CellWidth", S),
    (0x0109, "CellLength", S),
    (0x010A, "FillOrder", S),
    (
        0x010D,
        "DocumentName",
        Meaning::Item(
            Category::Text,
            "a name given to the document, often the original file name",
        ),
    ),
    (
        0x010E,
        "ImageDescription",
        Meaning::Item(
            Category::Text,
            "a description someone typed or a program wrote",
        ),
    ),
    (
        0x010F,
        "Make",
        Meaning::Item(Category::Device, "the maker of the camera or phone"),
    ),
    (
        0x0110,
        "Model",
        Meaning::Item(Category::Device, "the model of the camera or phone"),
    ),
    (0x0111, "StripOffsets", S),
    (
        0x0112,
        "Orientation",
        Meaning::Item(Category::Orientation, TURN_EXPLAINED),
    ),
    (0x0115, "SamplesPerPixel", S),
    (0x0116, "RowsPerStrip", S),
    (0x0117, "StripByteCounts", S),
    (0x0118, "MinSampleValue", S),
    (0x0119, "MaxSampleValue", S),
    (0x011A, "XResolution", S),
    (0x011B, "YResolution", S),
    (0x011C, "PlanarConfiguration", S),
    (
        0x011D,
        "PageName",
        Meaning::Item(Category::Text, "a name given to this page"),
    ),
    (0x011E, "XPosition", S),
    (0x011F, "YPosition", S),
    (0x0120, "FreeOffsets", S),
    (0x0121, "FreeByteCounts", S),
    (0x0122, "GrayResponseUnit", S),
    (0x0123, "GrayResponseCurve", S),
    (0x0124, "T4Options", S),
    (0x0125, "T6Options", S),
    (0x0128, "ResolutionUnit", S),
    (0x0129, "PageNumber", S),
    (0x012D, "TransferFunction", S),
    (
        0x0131,
        "Software",
        Meaning::Item(
            Category::Device,
            "the program or phone software that saved the picture, with its version",
        ),
    ),
    (
        0x0132,
        "DateTime",
        Meaning::Item(Category::Date, "the date the picture was last changed"),
    ),
    (
        0x013B,
        "Artist",
        Meaning::Item(
            Category::Person,
            "the name of the person who took or made the picture",
        ),
    ),
    (
        0x013C,
        "HostComputer",
        Meaning::Item(
            Category::Device,
            "the computer or phone that saved the picture",
        ),
    ),
    (0x013D, "Predictor", S),
    (0x013E, "WhitePoint", S),
    (0x013F, "PrimaryChromaticities", S),
    (0x0140, "ColorMap", S),
    (0x0141, "HalftoneHints", S),
    (0x0142, "TileWidth", S),
    (0x0143, "TileLength", S),
    (0x0144, "TileOffsets", S),
    (0x0145, "TileByteCounts", S),
    (0x014A, "SubIFDs", Meaning::SubImages),
    (0x014C, "InkSet", S),
    (0x014D, "InkNames", S),
    (0x014E, "NumberOfInks", S),
    (0x0150, "DotRange", S),
    (
        0x0151,
        "TargetPrinter",
        Meaning::Item(Category::Device, "the printer the picture was prepared for"),
    ),
    (0x0152, "ExtraSamples", S),
    (0x0153, "SampleFormat", S),
    (0x0154, "SMinSampleValue", S),
    (0x0155, "SMaxSampleValue", S),
    (0x0156, "TransferRange", S),
    (0x015B, "JPEGTables", S),
    (0x0200, "JPEGProc", S),
    (0x0201, "ThumbnailOffset", S),
    (0x0202, "ThumbnailLength", S),
    (0x0203, "JPEGRestartInterval", S),
    (0x0205, "JPEGLosslessPredictors", S),
    (0x0206, "JPEGPointTransforms", S),
    (0x0207, "JPEGQTables", S),
    (0x0208, "JPEGDCTables", S),
    (0x0209, "JPEGACTables", S),
    (0x0211, "YCbCrCoefficients", S),
    (0x0212, "YCbCrSubSampling", S),
    (0x0213, "YCbCrPositioning", S),
    (0x0214, "ReferenceBlackWhite", S),
    (0x02BC, "XMP", Meaning::Packet(Packet::Xmp)),
    (0x4746, "Rating", RATING),
    (0x4749, "RatingPercent", RATING),
    (
        0x800D,
        "ImageID",
        Meaning::Item(
            Category::History,
            "the name or number of the original picture this file was made from",
        ),
    ),
    (
        0x8298,
        "Copyright",
        Meaning::Item(
            Category::Person,
            "the copyright notice, often with the photographer's name",
        ),
    ),
    (0x829A, "ExposureTime", SETTING),
    (0x829D, "FNumber", SETTING),
    (0x830E, "ModelPixelScaleTag", GEO),
    (0x83BB, "IPTC-NAA", Meaning::Packet(Packet::Iptc)),
    (0x8482, "ModelTiePointTag", GEO),
    (0x85D8, "ModelTransformationTag", GEO),
    (
        0x8649,
        "PhotoshopSettings",
        Meaning::Packet(Packet::Photoshop),
    ),
    (0x8769, "ExifOffset", Meaning::Pointer(Sub::Exif)),
    (
        0x8773,
        "ICC_Profile",
        Meaning::Item(
            Category::ColourProfile,
            "how colours are reproduced; kept so the picture looks the same",
        ),
    ),
    (0x87AF, "GeoTiffDirectory", GEO),
    (0x87B0, "GeoTiffDoubleParams", GEO),
    (0x87B1, "GeoTiffAsciiParams", GEO),
    (0x8822, "ExposureProgram", SETTING),
    (0x8824, "SpectralSensitivity", SETTING),
    (0x8825, "GPSInfo", Meaning::Pointer(Sub::Gps)),
    (0x8827, "ISO", SETTING),
    (0x8828, "Opto-ElectricConvFactor", SETTING),
    (0x8830, "SensitivityType", SETTING),
    (0x8831, "StandardOutputSensitivity", SETTING),
    (0x8832, "RecommendedExposureIndex", SETTING),
    (0x8833, "ISOSpeed", SETTING),
    (0x8834, "ISOSpeedLatitudeyyy", SETTING),
    (0x8835, "ISOSpeedLatitudezzz", SETTING),
    (0x9000, "ExifVersion", S),
    (
        0x9003,
        "DateTimeOriginal",
        Meaning::Item(Category::Date, "the date taken"),
    ),
    (
        0x9004,
        "DateTimeDigitized",
        Meaning::Item(
            Category::Date,
            "the date the picture was stored digitally, usually when it was taken",
        ),
    ),
    (0x9010, "OffsetTime", OFFSET_TIME),
    (0x9011, "OffsetTimeOriginal", OFFSET_TIME),
    (0x9012, "OffsetTimeDigitized", OFFSET_TIME),
    (0x9101, "ComponentsConfiguration", S),
    (0x9102, "CompressedBitsPerPixel", SETTING),
    (0x9201, "ShutterSpeedValue", SETTING),
    (0x9202, "ApertureValue", SETTING),
    (0x9203, "BrightnessValue", SETTING),
    (0x9204, "ExposureCompensation", SETTING),
    (0x9205, "MaxApertureValue", SETTING),
    (0x9206, "SubjectDistance", SETTING),
    (0x9207, "MeteringMode", SETTING),
    (0x9208, "LightSource", SETTING),
    (0x9209, "Flash", SETTING),
    (0x920A, "FocalLength", SETTING),
    (0x9214, "SubjectArea", SETTING),
    (
        0x927C,
        "MakerNote",
        Meaning::Item(
            Category::Device,
            "the camera maker's private notes, which often hold serial numbers",
        ),
    ),
    (
        0x9286,
        "UserComment",
        Meaning::Item(Category::Text, "a comment someone typed or a program wrote"),
    ),
    (0x9290, "SubSecTime", SUB_SECOND),
    (0x9291, "SubSecTimeOriginal", SUB_SECOND),
    (0x9292, "SubSecTimeDigitized", SUB_SECOND),
    (0x9400, "AmbientTemperature", CONDITIONS),
    (0x9401, "Humidity", CONDITIONS),
    (0x9402, "Pressure", CONDITIONS),
    (0x9403, "WaterDepth", CONDITIONS),
    (0x9404, "Acceleration", SETTING),
    (0x9405, "CameraElevationAngle", SETTING),
    (
        0x9C9B,
        "XPTitle",
        Meaning::Item(Category::Text, "a title typed in Windows"),
    ),
    (
        0x9C9C,
        "XPComment",
        Meaning::Item(Category::Text, "a comment typed in Windows"),
    ),
    (
        0x9C9D,
        "XPAuthor",
        Meaning::Item(Category::Person, "an author's name typed in Windows"),
    ),
    (
        0x9C9E,
        "XPKeywords",
        Meaning::Item(Category::Text, "keywords typed in Windows"),
    ),
    (
        0x9C9F,
        "XPSubject",
        Meaning::Item(Category::Text, "a subject typed in Windows"),
    ),
    (0xA000, "FlashpixVersion", S),
    (0xA001, "ColorSpace", S),
    (0xA002, "ExifImageWidth", S),
    (0xA003, "ExifImageHeight", S),
    (
        0xA004,
        "RelatedSoundFile",
        Meaning::Item(
            Category::History,
            "the name of a sound recording made with the picture",
        ),
    ),
    (0xA005, "InteropOffset", Meaning::Pointer(Sub::Interop)),
    (0xA20B, "FlashEnergy", SETTING),
    (0xA20C, "SpatialFrequencyResponse", SETTING),
    (0xA20E, "FocalPlaneXResolution", SETTING),
    (0xA20F, "FocalPlaneYResolution", SETTING),
    (0xA210, "FocalPlaneResolutionUnit", SETTING),
    (0xA214, "SubjectLocation", SETTING),
    (0xA215, "ExposureIndex", SETTING),
    (0xA217, "SensingMethod", SETTING),
    (0xA300, "FileSource", SETTING),
    (0xA301, "SceneType", SETTING),
    (0xA302, "CFAPattern", SETTING),
    (0xA401, "CustomRendered", SETTING),
    (0xA402, "ExposureMode", SETTING),
    (0xA403, "WhiteBalance", SETTING),
    (0xA404, "DigitalZoomRatio", SETTING),
    (0xA405, "FocalLengthIn35mmFormat", SETTING),
    (0xA406, "SceneCaptureType", SETTING),
    (0xA407, "GainControl", SETTING),
    (0xA408, "Contrast", SETTING),
    (0xA409, "Saturation", SETTING),
    (0xA40A, "Sharpness", SETTING),
    (0xA40B, "DeviceSettingDescription", SETTING),
    (0xA40C, "SubjectDistanceRange", SETTING),
    (
        0xA420,
        "ImageUniqueID",
        Meaning::Item(
            Category::History,
            "a unique number that can link this copy to the original",
        ),
    ),
    (
        0xA430,
        "CameraOwnerName",
        Meaning::Item(
            Category::Person,
            "the owner name set in the camera or phone",
        ),
    ),
    (0xA431, "BodySerialNumber", SERIAL),
    (0xA432, "LensSpecification", SETTING),
    (
        0xA433,
        "LensMake",
        Meaning::Item(Category::Device, "the maker of the lens"),
    ),
    (
        0xA434,
        "LensModel",
        Meaning::Item(Category::Device, "the model of the lens"),
    ),
    (
        0xA435,
        "LensSerialNumber",
        Meaning::Item(
            Category::Device,
            "lens serial number, which links every picture taken with the same lens",
        ),
    ),
    (
        0xA436,
        "ImageTitle",
        Meaning::Item(Category::Text, "a title someone gave the picture"),
    ),
    (
        0xA437,
        "Photographer",
        Meaning::Item(Category::Person, "the name of the photographer"),
    ),
    (
        0xA438,
        "ImageEditor",
        Meaning::Item(
            Category::Person,
            "the name of the person who edited the picture",
        ),
    ),
    (
        0xA439,
        "CameraFirmware",
        Meaning::Item(Category::Device, "the version of the camera's own software"),
    ),
    (
        0xA43A,
        "RAWDevelopingSoftware",
        Meaning::Item(
            Category::Device,
            "the program that developed the camera's raw file",
        ),
    ),
    (
        0xA43B,
        "ImageEditingSoftware",
        Meaning::Item(Category::Device, "the program that edited the picture"),
    ),
    (
        0xA43C,
        "MetadataEditingSoftware",
        Meaning::Item(
            Category::Device,
            "the program that edited the picture's details",
        ),
    ),
    (0xA460, "CompositeImage", SETTING),
    (0xA461, "CompositeImageCount", SETTING),
    (0xA462, "CompositeImageExposureTimes", SETTING),
    (0xA500, "Gamma", S),
    (
        0xC614,
        "UniqueCameraModel",
        Meaning::Item(Category::Device, "the model of the camera"),
    ),
    (
        0xC615,
        "LocalizedCameraModel",
        Meaning::Item(Category::Device, "the model of the camera"),
    ),
    (0xC62F, "CameraSerialNumber", SERIAL),
    (
        0xC68B,
        "OriginalRawFileName",
        Meaning::Item(Category::History, "the name of the original camera file"),
    ),
    (0xEA1C, "Padding", S),
    (0xEA1D, "OffsetSchema", S),
];

/// Tags of the GPS directory, sorted by number.
const GPS: &[(u16, &str, Meaning)] = &[
    (0x00, "GPSVersionID", S),
    (0x01, "GPSLatitudeRef", GPS_PART),
    (
        0x02,
        "GPSLatitude",
        Meaning::Item(Category::Location, "where the photo was taken"),
    ),
    (0x03, "GPSLongitudeRef", GPS_PART),
    (
        0x04,
        "GPSLongitude",
        Meaning::Item(Category::Location, "where the photo was taken"),
    ),
    (0x05, "GPSAltitudeRef", GPS_PART),
    (
        0x06,
        "GPSAltitude",
        Meaning::Item(Category::Location, "the height where the photo was taken"),
    ),
    (
        0x07,
        "GPSTimeStamp",
        Meaning::Item(Category::Date, "the time the position was recorded"),
    ),
    (0x08, "GPSSatellites", GPS_DETAIL),
    (0x09, "GPSStatus", GPS_DETAIL),
    (0x0A, "GPSMeasureMode", GPS_DETAIL),
    (0x0B, "GPSDOP", GPS_DETAIL),
    (0x0C, "GPSSpeedRef", GPS_PART),
    (
        0x0D,
        "GPSSpeed",
        Meaning::Item(Category::Location, "how fast the camera was moving"),
    ),
    (0x0E, "GPSTrackRef", GPS_PART),
    (
        0x0F,
        "GPSTrack",
        Meaning::Item(Category::Location, "the direction the camera was moving in"),
    ),
    (0x10, "GPSImgDirectionRef", GPS_PART),
    (
        0x11,
        "GPSImgDirection",
        Meaning::Item(Category::Location, "the direction the camera was pointing"),
    ),
    (0x12, "GPSMapDatum", GPS_DETAIL),
    (0x13, "GPSDestLatitudeRef", GPS_PART),
    (
        0x14,
        "GPSDestLatitude",
        Meaning::Item(Category::Location, "a second place recorded with the photo"),
    ),
    (0x15, "GPSDestLongitudeRef", GPS_PART),
    (
        0x16,
        "GPSDestLongitude",
        Meaning::Item(Category::Location, "a second place recorded with the photo"),
    ),
    (0x17, "GPSDestBearingRef", GPS_PART),
    (
        0x18,
        "GPSDestBearing",
        Meaning::Item(Category::Location, "the direction of that second place"),
    ),
    (0x19, "GPSDestDistanceRef", GPS_PART),
    (
        0x1A,
        "GPSDestDistance",
        Meaning::Item(Category::Location, "the distance to that second place"),
    ),
    (
        0x1B,
        "GPSProcessingMethod",
        Meaning::Item(
            Category::Location,
            "how the position was found (satellites, phone network, Wi-Fi)",
        ),
    ),
    (
        0x1C,
        "GPSAreaInformation",
        Meaning::Item(
            Category::Location,
            "the name of the place where the photo was taken",
        ),
    ),
    (
        0x1D,
        "GPSDateStamp",
        Meaning::Item(Category::Date, "the date the position was recorded"),
    ),
    (0x1E, "GPSDifferential", GPS_DETAIL),
    (0x1F, "GPSHPositioningError", GPS_DETAIL),
];

/// Tags of the Interop directory, sorted by number: all about the file format.
const INTEROP: &[(u16, &str, Meaning)] = &[
    (0x0001, "InteropIndex", S),
    (0x0002, "InteropVersion", S),
    (0x1000, "RelatedImageFileFormat", S),
    (0x1001, "RelatedImageWidth", S),
    (0x1002, "RelatedImageHeight", S),
];

fn lookup(space: Space, tag: u16) -> Option<(&'static str, Meaning)> {
    let table = match space {
        Space::Main => MAIN,
        Space::Gps => GPS,
        Space::Interop => INTEROP,
    };
    let index = table.binary_search_by_key(&tag, |&(t, _, _)| t).ok()?;
    table.get(index).map(|&(_, name, meaning)| (name, meaning))
}

/// The name a user can look a tag up by, or its number when this tool does not know it.
pub(super) fn tag_name(space: Space, tag: u16) -> String {
    lookup(space, tag).map_or_else(|| format!("tag 0x{tag:04X}"), |(name, _)| name.to_string())
}

/// What an Orientation value asks a viewer to do, in words.
pub(super) fn orientation_text(orientation: u16) -> Option<&'static str> {
    Some(match orientation {
        1 => "normal",
        2 => "mirrored left to right",
        3 => "rotate 180°",
        4 => "mirrored top to bottom",
        5 => "mirrored left to right, then rotate 270° clockwise",
        6 => "rotate 90° clockwise",
        7 => "mirrored left to right, then rotate 90° clockwise",
        8 => "rotate 270° clockwise",
        _ => return None,
    })
}

/// Directories nest a few levels (page, SubIFD, Exif, Interop); deeper is a crafted file that
/// would otherwise recurse without bound.
const MAX_DEPTH: u32 = 6;

/// Reports every item of a tree of directories. EXIF payloads and TIFF files share it, so that
/// pointers, sub-pictures and embedded XMP or IPTC are followed the same way in both.
pub(super) struct Walk<'a, 'f> {
    pub(super) reader: Reader<'a>,
    pub(super) found: &'f mut Collector,
    /// What the Exif directory is called; its GPS and Interop directories are named after it.
    exif: String,
    /// The first thing that could not be read. One finding says so, however many parts are
    /// damaged: what cannot be read is removed whole, and one reason is enough to act on.
    trouble: Option<String>,
    depth: u32,
}

impl<'a, 'f> Walk<'a, 'f> {
    pub(super) fn new(reader: Reader<'a>, found: &'f mut Collector, exif: &str) -> Walk<'a, 'f> {
        Walk {
            reader,
            found,
            exif: exif.to_string(),
            trouble: None,
            depth: 0,
        }
    }

    pub(super) fn trouble(&mut self, reason: String) {
        self.trouble.get_or_insert(reason);
    }

    /// Report what could not be read, if anything, as one finding.
    pub(super) fn finish(self, container: &str, explanation: &str) {
        if let Some(reason) = self.trouble {
            self.found.add(
                Category::Unknown,
                container,
                "unreadable part",
                reason,
                explanation,
            );
        }
    }

    pub(super) fn picture(&mut self, ifd: &Ifd, container: &str, field: &str, explanation: &str) {
        self.found.add(
            Category::Picture,
            container,
            field,
            ifd.picture_summary(),
            explanation,
        );
    }

    /// Report every entry of one directory, following its pointers.
    pub(super) fn tags(&mut self, ifd: &Ifd<'a>, space: Space, container: &str) {
        if ifd.truncated {
            self.trouble(format!("a directory of {container} is cut short"));
        }
        for entry in &ifd.entries {
            match lookup(space, entry.tag) {
                None => self.found.add(
                    Category::Unknown,
                    container,
                    format!("tag 0x{:04X}", entry.tag),
                    value_text(entry),
                    UNKNOWN,
                ),
                Some((_, Meaning::Structure)) => {}
                Some((_, Meaning::Pointer(sub))) => self.follow(entry, sub),
                Some((_, Meaning::SubImages)) => self.sub_images(entry, container),
                Some((name, Meaning::Packet(packet))) => {
                    self.packet(entry, packet, name, container)
                }
                Some((name, Meaning::Item(category, explanation))) => {
                    let damaged_orientation = space == Space::Main
                        && entry.tag == ifd::ORIENTATION
                        && !matches!(entry.number(0), Some(1..=8));
                    let (category, explanation) = if damaged_orientation {
                        (Category::Unknown, "a damaged orientation value; removed")
                    } else {
                        (category, explanation)
                    };
                    if let Some((field, value)) = shown(ifd, entry, space, name) {
                        self.found
                            .add(category, container, field, value, explanation);
                    }
                }
            }
        }
    }

    /// Read the directory at `offset` and visit it one level deeper; returns the offset of the
    /// directory chained after it. Nothing happens for an absent pointer (0), a directory
    /// already read, or one nested too deep.
    fn descend(&mut self, offset: u32, visit: impl FnOnce(&mut Self, &Ifd<'a>)) -> Option<u32> {
        if offset == 0 || self.reader.seen(offset) {
            return None;
        }
        if self.depth >= MAX_DEPTH {
            self.trouble("directories are nested deeper than any real picture's".to_string());
            return None;
        }
        match self.reader.ifd(offset) {
            Ok(ifd) => {
                self.depth += 1;
                visit(self, &ifd);
                self.depth -= 1;
                Some(ifd.next)
            }
            Err(reason) => {
                self.trouble(reason);
                None
            }
        }
    }

    fn follow(&mut self, entry: &Entry, sub: Sub) {
        let (space, container) = match sub {
            Sub::Exif => (Space::Main, self.exif.clone()),
            Sub::Gps => (Space::Gps, format!("{} GPS", self.exif)),
            Sub::Interop => (Space::Interop, format!("{} Interop", self.exif)),
        };
        match entry.number(0) {
            Some(offset) => {
                self.descend(offset, |walk, ifd| walk.tags(ifd, space, &container));
            }
            None => self.trouble(format!("where {container} lies cannot be read")),
        }
    }

    fn sub_images(&mut self, entry: &Entry, container: &str) {
        let Some(offsets) = entry.numbers() else {
            self.trouble(format!(
                "where the smaller pictures of {container} lie cannot be read"
            ));
            return;
        };
        let mut index = 0;
        for offset in offsets {
            let mut next = offset;
            while let Some(after) = self.descend(next, |walk, ifd| {
                index += 1;
                let name = format!("{container} SubIFD{index}");
                walk.picture(ifd, &name, "preview picture", SMALL_COPY);
                walk.tags(ifd, Space::Main, &name);
            }) {
                next = after;
            }
        }
    }

    fn packet(&mut self, entry: &Entry, packet: Packet, name: &str, container: &str) {
        let Some(data) = entry.bytes() else {
            self.trouble(format!(
                "the {name} block of {container} lies outside the data"
            ));
            return;
        };
        super::inspect_packet(packet, data, container, self.found);
    }
}

/// The field name and value shown for an item, or `None` when another item already shows it.
fn shown(
    ifd: &Ifd,
    entry: &Entry,
    space: Space,
    name: &'static str,
) -> Option<(Cow<'static, str>, String)> {
    let (field, value) = match space {
        Space::Gps => gps_item(ifd, entry, name)?,
        _ => (Cow::Borrowed(name), main_value(entry)),
    };
    let value = value.replace('\0', "");
    if value.trim().is_empty() {
        Some((field, "(empty)".to_string()))
    } else {
        Some((field, value))
    }
}

/// The value of an IFD0, Exif or TIFF page item, in words.
fn main_value(entry: &Entry) -> String {
    let Some(bytes) = entry.bytes() else {
        return value_text(entry);
    };
    match entry.tag {
        ifd::ORIENTATION => match entry.number(0) {
            Some(value) => u16::try_from(value)
                .ok()
                .and_then(orientation_text)
                .map_or_else(
                    || format!("{value} (not a valid orientation)"),
                    str::to_string,
                ),
            None => value_text(entry),
        },
        0x9286 => encoded_text(bytes, entry.is_little_endian()),
        0x9C9B..=0x9C9F => utf16(bytes, true),
        0x927C | 0x8773 => size(bytes.len()),
        _ => value_text(entry),
    }
}

/// The field name and value shown for a GPS item, or `None` when another item already shows
/// it: a reference letter beside its number, a longitude beside its latitude.
fn gps_item(ifd: &Ifd, entry: &Entry, name: &'static str) -> Option<(Cow<'static, str>, String)> {
    let tag = entry.tag;
    let letter = |tag: u16| {
        ifd.get(tag)
            .and_then(Entry::ascii)
            .and_then(|strings| strings.into_iter().next())
            .unwrap_or_default()
    };
    let plain = |value: Option<String>| {
        Some((
            Cow::Borrowed(name),
            value.unwrap_or_else(|| value_text(entry)),
        ))
    };
    match tag {
        0x01 | 0x03 | 0x05 | 0x0C | 0x0E | 0x10 | 0x13 | 0x15 | 0x17 | 0x19
            if ifd.get(tag + 1).is_some() =>
        {
            None
        }
        0x04 | 0x16 if ifd.get(tag - 2).is_some() => None,
        0x02 | 0x14 => Some(position(ifd, tag, tag + 2)),
        0x04 | 0x16 => Some(position(ifd, tag - 2, tag)),
        0x06 => plain(entry.real(0).map(|metres| {
            let below = ifd.get(0x05).and_then(|e| e.number(0)) == Some(1);
            let side = if below { "below" } else { "above" };
            format!("{} m {side} sea level", decimal(metres))
        })),
        0x07 => plain((|| {
            let (hours, minutes, seconds) = (entry.real(0)?, entry.real(1)?, entry.real(2)?);
            Some(format!(
                "{:02}:{:02}:{:02} UTC",
                hours as u32, minutes as u32, seconds as u32
            ))
        })()),
        0x0D => plain(entry.real(0).map(|speed| {
            let unit = match letter(0x0C).as_str() {
                "M" => "mph",
                "N" => "knots",
                _ => "km/h",
            };
            format!("{} {unit}", decimal(speed))
        })),
        0x0F | 0x11 | 0x18 => plain(entry.real(0).map(|degrees| match letter(tag - 1).as_str() {
            "M" => format!("{}° from magnetic north", decimal(degrees)),
            _ => format!("{}° from true north", decimal(degrees)),
        })),
        0x1A => plain(entry.real(0).map(|distance| {
            let unit = match letter(0x19).as_str() {
                "M" => "miles",
                "N" => "nautical miles",
                _ => "km",
            };
            format!("{} {unit}", decimal(distance))
        })),
        0x1B | 0x1C => plain(
            entry
                .bytes()
                .map(|bytes| encoded_text(bytes, entry.is_little_endian())),
        ),
        _ => plain(None),
    }
}

/// A latitude and longitude as one item, the way a map would take them: `48.8566 N 2.3522 E`.
fn position(ifd: &Ifd, latitude: u16, longitude: u16) -> (Cow<'static, str>, String) {
    let mut names = Vec::new();
    let mut parts = Vec::new();
    for tag in [latitude, longitude] {
        let Some(entry) = ifd.get(tag) else {
            continue;
        };
        names.push(tag_name(Space::Gps, tag));
        let hemisphere = ifd
            .get(tag - 1)
            .and_then(Entry::ascii)
            .and_then(|strings| strings.into_iter().next())
            .unwrap_or_default();
        parts.push(match coordinate(entry) {
            Some(value) if hemisphere.is_empty() => format!("{value:.4}"),
            Some(value) => format!("{:.4} {hemisphere}", value.abs()),
            None => value_text(entry),
        });
    }
    (Cow::Owned(names.join(", ")), parts.join(" "))
}

/// Degrees, minutes and seconds as decimal degrees. Minutes and seconds may be missing.
fn coordinate(entry: &Entry) -> Option<f64> {
    let part = |index: usize| {
        if index < entry.count as usize {
            entry.real(index)
        } else {
            Some(0.0)
        }
    };
    Some(part(0)? + part(1)? / 60.0 + part(2)? / 3600.0)
}

/// The values of most items: text as text, numbers as numbers, anything else by its size.
fn value_text(entry: &Entry) -> String {
    const MAX_SHOWN: usize = 8;
    let Some(bytes) = entry.bytes() else {
        return "(could not be read)".to_string();
    };
    if let Some(strings) = entry.ascii() {
        return strings.join("; ");
    }
    if entry.is_binary() {
        return if printable(bytes) {
            text(bytes)
        } else {
            size(bytes.len())
        };
    }
    let count = entry.count as usize;
    let shown = count.min(MAX_SHOWN);
    let values: Option<Vec<String>> = (0..shown)
        .map(|i| {
            if entry.is_rational() {
                entry.rational(i).map(|(n, d)| fraction(n, d))
            } else {
                entry.real(i).map(decimal)
            }
        })
        .collect();
    match values {
        Some(values) if count > shown => format!("{} … ({count} values)", values.join(" ")),
        Some(values) => values.join(" "),
        None => size(bytes.len()),
    }
}

/// Whether binary bytes are really short text (a version number such as `0232`).
fn printable(bytes: &[u8]) -> bool {
    let trimmed = bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(&[][..], |last| &bytes[..=last]);
    !trimmed.is_empty()
        && trimmed.len() <= 200
        && trimmed.iter().all(|&b| b == b' ' || b.is_ascii_graphic())
}

/// A fraction as people write it: `1/125` for an exposure, `2.8` for an aperture.
fn fraction(numerator: i64, denominator: i64) -> String {
    if denominator == 0 {
        return format!("{numerator}/0");
    }
    if numerator % denominator == 0 {
        return (numerator / denominator).to_string();
    }
    if numerator > 0 && denominator > 0 && denominator % numerator == 0 {
        return format!("1/{}", denominator / numerator);
    }
    decimal(numerator as f64 / denominator as f64)
}

fn decimal(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let fixed = format!("{value:.4}");
    fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// Text with EXIF's 8-byte character code in front (UserComment, GPS text fields).
fn encoded_text(bytes: &[u8], little_endian: bool) -> String {
    let Some((code, body)) = bytes.split_at_checked(8) else {
        return text(bytes);
    };
    match code {
        b"UNICODE\0" => utf16(body, little_endian),
        b"JIS\0\0\0\0\0" => format!("Japanese text, {}", size(body.len())),
        _ => text(body),
    }
}

/// UTF-16 text up to its first NUL; a byte-order mark, if present, overrides `little_endian`.
fn utf16(bytes: &[u8], little_endian: bool) -> String {
    let (little_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => (little_endian, bytes),
    };
    let units = body
        .chunks_exact(2)
        .map(|pair| {
            if little_endian {
                u16::from_le_bytes([pair[0], pair[1]])
            } else {
                u16::from_be_bytes([pair[0], pair[1]])
            }
        })
        .take_while(|&unit| unit != 0);
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Every item of an EXIF payload (TIFF-structured bytes, without the `Exif\0\0` prefix).
pub(super) fn inspect(tiff_data: &[u8], container: &str, found: &mut Collector) {
    let reader = match Reader::new(tiff_data) {
        Ok(reader) => reader,
        Err(reason) => {
            found.add(
                Category::Unknown,
                container,
                "unreadable part",
                reason,
                UNREADABLE,
            );
            return;
        }
    };
    let mut walk = Walk::new(reader, found, container);
    let mut next = walk.reader.first;
    let mut index = 0u32;
    while next != 0 && !walk.reader.seen(next) {
        let ifd = match walk.reader.ifd(next) {
            Ok(ifd) => ifd,
            Err(reason) => {
                walk.trouble(reason);
                break;
            }
        };
        if index == 0 {
            walk.tags(&ifd, Space::Main, container);
        } else {
            let name = format!("{container} IFD{index}");
            if ifd.has_picture() {
                walk.picture(&ifd, &name, "thumbnail", THUMBNAIL);
            }
            walk.tags(&ifd, Space::Main, &name);
        }
        next = ifd.next;
        index += 1;
    }
    walk.finish(container, UNREADABLE);
}

/// The Orientation tag of an EXIF payload, if it has a valid one (1..=8).
pub(super) fn orientation(tiff_data: &[u8]) -> Option<u16> {
    let mut reader = Reader::new(tiff_data).ok()?;
    if reader.first == 0 {
        return None;
    }
    let ifd = reader.ifd(reader.first).ok()?;
    let value = ifd.get(ifd::ORIENTATION)?.number(0)?;
    u16::try_from(value).ok().filter(|v| (1..=8).contains(v))
}

/// A complete EXIF payload (TIFF-structured, without `Exif\0\0`) holding only Orientation.
pub(super) fn orientation_only(orientation: u16) -> Vec<u8> {
    const SHORT: u16 = 3;
    let mut payload = b"II*\0".to_vec();
    payload.extend_from_slice(&8u32.to_le_bytes());
    payload.extend_from_slice(&1u16.to_le_bytes());
    payload.extend_from_slice(&ifd::ORIENTATION.to_le_bytes());
    payload.extend_from_slice(&SHORT.to_le_bytes());
    payload.extend_from_slice(&1u32.to_le_bytes());
    payload.extend_from_slice(&orientation.to_le_bytes());
    payload.extend_from_slice(&[0, 0]);
    payload.extend_from_slice(&0u32.to_le_bytes());
    payload
}

/// The EXIF payload is TIFF data; some writers put the JPEG `Exif\0\0` prefix in front anyway.
pub(super) fn payload(data: &[u8]) -> &[u8] {
    data.strip_prefix(b"Exif\0\0").unwrap_or(data)
}

/// The orientation an EXIF payload turns the picture by, and the payload that keeps only that.
/// The original's `Exif\0\0` prefix, or its lack, is copied: viewers disagree on whether a
/// prefixed payload counts, and the copy must be read the way the original was.
pub(super) fn orientation_kept(original: &[u8]) -> Option<(u16, Vec<u8>)> {
    let payload = payload(original);
    let orientation = orientation(payload).filter(|o| (2..=8).contains(o))?;
    let prefix = &original[..original.len() - payload.len()];
    Some((
        orientation,
        [prefix, &orientation_only(orientation)].concat(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Action, Finding, Location};
    use crate::photo::ifd::Order;
    use crate::photo::tiff::tests::{Builder, ORDERS, V, findings};

    const RATIONAL: u16 = 5;
    const UNDEFINED: u16 = 7;
    const BYTE: u16 = 1;

    use crate::photo::testing::field;

    fn find<'a>(found: &'a Collector, name: &str) -> &'a Finding {
        found
            .findings
            .iter()
            .find(|f| field(f) == name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", found.findings))
    }

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16()
            .chain([0])
            .flat_map(|u| u.to_le_bytes())
            .collect()
    }

    /// What a phone writes: camera, dates, owner, serial numbers, a position, and a thumbnail.
    fn phone_photo(order: Order) -> Vec<u8> {
        let mut b = Builder::new(order);
        let thumbnail = b.data(&[0xAB; 1234]);
        let interop = b.ifd(vec![(0x0001, V::Ascii("R98"))]);
        let mut comment = b"UNICODE\0".to_vec();
        for unit in "Très bien".encode_utf16() {
            comment.extend_from_slice(&match order {
                Order::Little => unit.to_le_bytes(),
                Order::Big => unit.to_be_bytes(),
            });
        }
        let exif = b.ifd(vec![
            (0x829A, V::Rational(vec![(1, 125)])),
            (0x829D, V::Rational(vec![(28, 10)])),
            (0x9000, V::Raw(UNDEFINED, b"0232".to_vec())),
            (0x9003, V::Ascii("2024:05:01 14:03:22")),
            (0x9011, V::Ascii("+02:00")),
            (0x927C, V::Raw(UNDEFINED, vec![0x42; 40])),
            (0x9286, V::Raw(UNDEFINED, comment)),
            (0x9291, V::Ascii("123")),
            (0xA005, V::Long(vec![interop])),
            (0xA420, V::Ascii("5f3a9c")),
            (0xA430, V::Ascii("Jean Dupont")),
            (0xA431, V::Ascii("0123456789")),
            (0xA435, V::Ascii("LENS-42")),
            (
                0xC4A5,
                V::Raw(UNDEFINED, vec![0x50, 0x72, 0x49, 0x4D, 0x00, 0x01]),
            ),
        ]);
        let gps = b.ifd(vec![
            (0x00, V::Raw(BYTE, vec![2, 3, 0, 0])),
            (0x01, V::Ascii("N")),
            (0x02, V::Rational(vec![(48, 1), (51, 1), (2376, 100)])),
            (0x03, V::Ascii("E")),
            (0x04, V::Rational(vec![(2, 1), (21, 1), (792, 100)])),
            (0x05, V::Raw(BYTE, vec![0])),
            (0x06, V::Rational(vec![(355, 10)])),
            (0x07, V::Rational(vec![(12, 1), (3, 1), (22, 1)])),
            (0x10, V::Ascii("T")),
            (0x11, V::Rational(vec![(2470, 10)])),
            (0x1D, V::Ascii("2024:05:01")),
        ]);
        let ifd0 = b.ifd(vec![
            (0x010F, V::Ascii("Apple")),
            (0x0110, V::Ascii("iPhone 12")),
            (0x0112, V::Short(vec![6])),
            (0x011A, V::Rational(vec![(72, 1)])),
            (0x0131, V::Ascii("17.1")),
            (0x0132, V::Ascii("2024:05:02 09:00:00")),
            (0x8769, V::Long(vec![exif])),
            (0x8825, V::Long(vec![gps])),
            (0x9C9D, V::Raw(BYTE, utf16le("Marie Curie"))),
        ]);
        let ifd1 = b.ifd(vec![
            (0x0103, V::Short(vec![6])),
            (0x011A, V::Rational(vec![(72, 1)])),
            (0x0201, V::Long(vec![thumbnail])),
            (0x0202, V::Long(vec![1234])),
        ]);
        b.link(0, ifd0);
        b.link(ifd0, ifd1);
        b.bytes
    }

    #[test]
    fn gps_position_reads_like_a_map() {
        for order in ORDERS {
            let found = findings(|found| inspect(&phone_photo(order), "EXIF", found));
            let position = find(&found, "GPSLatitude, GPSLongitude");
            assert_eq!(position.category, Category::Location);
            assert_eq!(position.value, "48.8566 N 2.3522 E");
            assert_eq!(position.explanation, "where the photo was taken");
            assert_eq!(
                position.location.to_string(),
                "EXIF GPS GPSLatitude, GPSLongitude"
            );
            assert_eq!(find(&found, "GPSAltitude").value, "35.5 m above sea level");
            assert_eq!(find(&found, "GPSTimeStamp").value, "12:03:22 UTC");
            assert_eq!(find(&found, "GPSTimeStamp").category, Category::Date);
            assert_eq!(find(&found, "GPSDateStamp").value, "2024:05:01");
            assert_eq!(
                find(&found, "GPSImgDirection").value,
                "247° from true north"
            );
            for folded in [
                "GPSLatitudeRef",
                "GPSLongitude",
                "GPSAltitudeRef",
                "GPSVersionID",
            ] {
                assert!(
                    !found.findings.iter().any(|f| field(f) == folded),
                    "{folded}"
                );
            }
        }
    }

    #[test]
    fn southern_and_western_positions_keep_their_letters() {
        let mut b = Builder::new(Order::Big);
        let gps = b.ifd(vec![
            (0x01, V::Ascii("S")),
            (0x02, V::Rational(vec![(338688, 10000), (0, 1), (0, 1)])),
            (0x03, V::Ascii("W")),
            (0x04, V::Rational(vec![(1512093, 10000)])),
        ]);
        let ifd0 = b.ifd(vec![(0x8825, V::Long(vec![gps]))]);
        b.link(0, ifd0);
        let found = findings(|found| inspect(&b.bytes, "EXIF", found));
        assert_eq!(found.findings.len(), 1);
        assert_eq!(found.findings[0].value, "33.8688 S 151.2093 W");
    }

    #[test]
    fn thumbnail_is_one_picture_finding_with_its_size() {
        for order in ORDERS {
            let found = findings(|found| inspect(&phone_photo(order), "EXIF", found));
            let pictures: Vec<&Finding> = found
                .findings
                .iter()
                .filter(|f| f.category == Category::Picture)
                .collect();
            assert_eq!(pictures.len(), 1);
            assert_eq!(pictures[0].location.to_string(), "EXIF IFD1 thumbnail");
            assert_eq!(pictures[0].value, "1234 bytes");
            assert_eq!(
                pictures[0].explanation,
                "a small copy of the picture, possibly before your edits"
            );
        }
    }

    #[test]
    fn owner_serial_numbers_and_identifiers_are_found() {
        for order in ORDERS {
            let found = findings(|found| inspect(&phone_photo(order), "EXIF", found));
            let owner = find(&found, "CameraOwnerName");
            assert_eq!(
                (owner.category, owner.value.as_str()),
                (Category::Person, "Jean Dupont")
            );
            assert_eq!(owner.action, Action::Remove);
            let serial = find(&found, "BodySerialNumber");
            assert_eq!(
                (serial.category, serial.value.as_str()),
                (Category::Device, "0123456789")
            );
            assert!(serial.explanation.contains("serial number"));
            assert_eq!(find(&found, "LensSerialNumber").category, Category::Device);
            let unique = find(&found, "ImageUniqueID");
            assert_eq!(unique.category, Category::History);
            assert_eq!(
                unique.explanation,
                "a unique number that can link this copy to the original"
            );
            let notes = find(&found, "MakerNote");
            assert_eq!(
                (notes.category, notes.value.as_str()),
                (Category::Device, "40 bytes")
            );
            let author = find(&found, "XPAuthor");
            assert_eq!(
                (author.category, author.value.as_str()),
                (Category::Person, "Marie Curie")
            );
        }
    }

    #[test]
    fn settings_dates_and_comments_are_explained() {
        for order in ORDERS {
            let found = findings(|found| inspect(&phone_photo(order), "EXIF", found));
            let exposure = find(&found, "ExposureTime");
            assert_eq!(
                (exposure.category, exposure.value.as_str()),
                (Category::Device, "1/125")
            );
            assert_eq!(
                exposure.explanation,
                "camera setting; harmless alone but it can match this picture to others from \
                 the same phone"
            );
            assert_eq!(find(&found, "FNumber").value, "2.8");
            let taken = find(&found, "DateTimeOriginal");
            assert_eq!(
                (taken.category, taken.explanation.as_str()),
                (Category::Date, "the date taken")
            );
            assert_eq!(find(&found, "OffsetTimeOriginal").category, Category::Date);
            assert_eq!(find(&found, "SubSecTimeOriginal").category, Category::Date);
            assert_eq!(find(&found, "DateTime").category, Category::Date);
            let comment = find(&found, "UserComment");
            assert_eq!(
                (comment.category, comment.value.as_str()),
                (Category::Text, "Très bien")
            );
            assert_eq!(find(&found, "Make").value, "Apple");
            assert_eq!(find(&found, "Software").category, Category::Device);
            let orientation = find(&found, "Orientation");
            assert_eq!(orientation.category, Category::Orientation);
            assert_eq!(orientation.value, "rotate 90° clockwise");
            assert_eq!(orientation.action, Action::Keep);
        }
    }

    #[test]
    fn structure_is_not_reported_and_unknown_tags_are() {
        let found = findings(|found| inspect(&phone_photo(Order::Little), "EXIF", found));
        for structural in [
            "XResolution",
            "ExifVersion",
            "InteropIndex",
            "Compression",
            "ExifOffset",
        ] {
            assert!(
                !found.findings.iter().any(|f| field(f) == structural),
                "{structural}"
            );
        }
        let unknown = find(&found, "tag 0xC4A5");
        assert_eq!(unknown.category, Category::Unknown);
        assert_eq!(
            unknown.explanation,
            "data this tool does not recognise; removed"
        );
        assert!(!found.findings.iter().any(|f| field(f) == "unreadable part"));
    }

    #[test]
    fn findings_name_the_picture_they_are_in() {
        let mut found = Collector {
            picture: 2,
            ..Collector::default()
        };
        inspect(&phone_photo(Order::Big), "EXIF", &mut found);
        assert!(!found.findings.is_empty());
        assert!(
            found
                .findings
                .iter()
                .all(|f| matches!(f.location, Location::Metadata { picture: 2, .. }))
        );
        assert_eq!(found.picture, 2);
    }

    #[test]
    fn orientation_only_round_trips() {
        for orientation in 1..=8 {
            let payload = orientation_only(orientation);
            assert_eq!(super::orientation(&payload), Some(orientation));
            let found = findings(|found| inspect(&payload, "EXIF", found));
            assert_eq!(found.findings.len(), 1);
            assert_eq!(found.findings[0].category, Category::Orientation);
            assert!(!found.findings[0].category.identifies());
        }
        assert_eq!(super::orientation(&orientation_only(0)), None);
        assert_eq!(super::orientation(&orientation_only(9)), None);
        assert_eq!(super::orientation(&phone_photo(Order::Big)), Some(6));
        assert_eq!(super::orientation(b"not exif"), None);
        assert_eq!(super::orientation(b"MM\0*\0\0\0\0"), None);
    }

    #[test]
    fn an_invalid_orientation_is_unknown_data() {
        let found = findings(|found| inspect(&orientation_only(9), "EXIF", found));
        assert_eq!(found.findings.len(), 1);
        assert_eq!(found.findings[0].category, Category::Unknown);
        assert_eq!(found.findings[0].value, "9 (not a valid orientation)");
    }

    #[test]
    fn damaged_exif_reports_what_it_could_read() {
        let bytes = phone_photo(Order::Little);
        let ifd0 = Reader::new(&bytes).unwrap().first as usize;
        // Cut in the middle of IFD0's fourth entry: the first three are still there.
        let cut = &bytes[..ifd0 + 2 + 12 * 3 + 5];
        let found = findings(|found| inspect(cut, "EXIF", found));
        let unreadable = find(&found, "unreadable part");
        assert_eq!(unreadable.category, Category::Unknown);
        assert_eq!(
            unreadable.explanation,
            "EXIF data that could not be fully read; removed whole"
        );
        assert_eq!(
            found
                .findings
                .iter()
                .filter(|f| field(f) == "unreadable part")
                .count(),
            1
        );
        assert!(found.findings.iter().any(|f| field(f) == "Make"));

        let found = findings(|found| inspect(b"Exif\0\0II*\0", "EXIF", found));
        assert_eq!(found.findings.len(), 1);
        assert_eq!(field(&found.findings[0]), "unreadable part");
    }

    #[test]
    fn loops_and_self_pointers_end() {
        for order in ORDERS {
            let mut b = Builder::new(order);
            let ifd0 = b.ifd(vec![
                (0x010F, V::Ascii("Apple")),
                (0x8769, V::Long(vec![0])),
                (0x8825, V::Long(vec![0])),
            ]);
            b.link(0, ifd0);
            b.link(ifd0, ifd0);
            let put = |b: &mut Builder, index: usize, value: u32| {
                let at = ifd0 as usize + 2 + 12 * index + 8;
                let raw = match order {
                    Order::Little => value.to_le_bytes(),
                    Order::Big => value.to_be_bytes(),
                };
                b.bytes[at..at + 4].copy_from_slice(&raw);
            };
            put(&mut b, 1, ifd0);
            put(&mut b, 2, ifd0);
            let found = findings(|found| inspect(&b.bytes, "EXIF", found));
            assert_eq!(found.findings.len(), 1, "{:?}", found.findings);
            assert_eq!(field(&found.findings[0]), "Make");
        }
    }

    #[test]
    fn damage_never_panics() {
        for order in ORDERS {
            let bytes = phone_photo(order);
            for len in 0..bytes.len() {
                inspect(&bytes[..len], "EXIF", &mut Collector::default());
                super::orientation(&bytes[..len]);
            }
            for at in 0..bytes.len() {
                for value in [0x00, 0xFF, 0x80, 0x01] {
                    let mut changed = bytes.clone();
                    changed[at] = value;
                    inspect(&changed, "EXIF", &mut Collector::default());
                    super::orientation(&changed);
                }
            }
        }
    }

    #[test]
    fn values_read_as_people_write_them() {
        assert_eq!(fraction(1, 125), "1/125");
        assert_eq!(fraction(28, 10), "2.8");
        assert_eq!(fraction(-1, 3), "-0.3333");
        assert_eq!(fraction(72, 1), "72");
        assert_eq!(fraction(5, 0), "5/0");
        assert_eq!(encoded_text(b"ASCII\0\0\0Hello", true), "Hello");
        assert_eq!(encoded_text(b"short", true), "short");
        assert_eq!(utf16(&[0xFE, 0xFF, 0, b'A', 0, 0], true), "A");
        let mut b = Builder::new(Order::Little);
        let ifd = b.ifd(vec![(0x9201, V::Raw(RATIONAL, vec![0; 8 * 20]))]);
        b.link(0, ifd);
        let found = findings(|found| inspect(&b.bytes, "EXIF", found));
        assert_eq!(
            found.findings[0].value,
            "0/0 0/0 0/0 0/0 0/0 0/0 0/0 0/0 … (20 values)"
        );
    }

    #[test]
    fn tag_tables_are_sorted_and_unique() {
        for table in [MAIN, GPS, INTEROP] {
            assert!(table.windows(2).all(|pair| pair[0].0 < pair[1].0));
        }
        assert_eq!(tag_name(Space::Main, 0xA430), "CameraOwnerName");
        assert_eq!(tag_name(Space::Gps, 0x02), "GPSLatitude");
        assert_eq!(tag_name(Space::Main, 0xC4A5), "tag 0xC4A5");
    }
}
