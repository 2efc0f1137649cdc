//! Text read in pictures, as findings: the same for a DICOM frame and a photo.

use image::RgbImage;

use crate::document::{
    Action, BeforeRedaction, Category, Error, Finding, FrameCounts, KnownIdentifier, Location,
};
use crate::ocr;
use crate::text::{Known, Verdict, judge_reading, reads_as_texture};

/// Every piece of text in the `frames` frames, each shown by `frame(number)`, classified, with
/// the proposed action: everything is removed but technical annotations; and how the frames were
/// looked at. Frames are shown one at a time, so a long cine is never held as pictures all at
/// once.
pub fn find_text(
    frames: u32,
    frame: impl Fn(u32) -> RgbImage,
    known: &[KnownIdentifier],
) -> Result<(Vec<Finding>, FrameCounts), Error> {
    let names: Vec<String> = known
        .iter()
        .filter(|k| k.category == Category::Person)
        .map(|k| k.value.clone())
        .collect();
    let known = crate::text::known_from(known);
    let reader = ocr::FrameReader::new();
    let (mut findings, counts) = read_frames(reader, frames, frame, |number, boxes| {
        let doubtful: Vec<bool> = boxes.iter().map(doubtful).collect();
        boxes
            .iter()
            .enumerate()
            .filter_map(|(i, read)| {
                let verdict = judge_reading(&read.text, &known, &names);
                let texture = doubtful[i]
                    && !matches!(verdict, Verdict::Identifier(_))
                    && among_doubts(i, &boxes, &doubtful);
                (!texture).then(|| finding(number, read.clone(), verdict))
            })
            .collect()
    })?;
    for cut in super::cut_by_removed(&findings) {
        let finding = &mut findings[cut];
        finding.action = Action::Remove;
        finding.explanation = CUT.to_string();
    }
    Ok((findings, counts))
}

/// Why an annotation is removed by default all the same.
const CUT: &str = "a technical annotation right against text being removed: what the blur would \
                   leave of it could be unreadable or misread, so it is removed with it";

/// What verification must not find in an output's pixels: identifiers, by the recognisers or
/// because they are values of the input (`forbidden`; those `read_in_pixels` are looked for as
/// they were read, the others also one letter away). Technical and unrecognised text is not a
/// leak by itself, and the blurred patches themselves sometimes read as noise. `before` is the
/// first frame as it was analysed, when redaction changed the pixels: then only what changed
/// is read again (see [`ocr::FrameReader::checking`]). A box read again where it stands can
/// take in part of a neighbour that the whole frame's reading keeps apart (`22G22` over
/// `78DR78` read `780R78`), so a frame where that check finds something is read again from
/// scratch, and only that reading's finds are reported.
pub fn text_left(
    frames: u32,
    frame: impl Fn(u32) -> RgbImage,
    before: Option<&BeforeRedaction>,
    forbidden: &[String],
    read_in_pixels: &[String],
) -> Result<Vec<Finding>, Error> {
    let mut known = Known::default();
    let mut names = Vec::new();
    for value in forbidden {
        known.add_typed(value);
        if !value.chars().any(|c| c.is_ascii_digit()) && !read_in_pixels.contains(value) {
            names.push(value.clone());
        }
    }
    let identifying = |number, boxes: Vec<ocr::TextBox>| {
        boxes
            .into_iter()
            .filter_map(|read| match judge_reading(&read.text, &known, &names) {
                verdict @ Verdict::Identifier(_) => Some(finding(number, read, verdict)),
                _ => None,
            })
            .collect()
    };
    let Some(before) = before else {
        let (left, _) = read_frames(ocr::FrameReader::new(), frames, frame, identifying)?;
        return Ok(left);
    };
    let reader = ocr::FrameReader::checking(before)?;
    let (left, _) = read_frames(reader, frames, &frame, identifying)?;
    let flagged: std::collections::BTreeSet<u32> = left
        .iter()
        .filter_map(|finding| finding.pixels().map(|(number, _)| number))
        .collect();
    let mut settled = Vec::new();
    for number in flagged {
        settled.extend(identifying(number, ocr::read(&frame(number))?));
    }
    Ok(settled)
}

/// The `frames` frames, each shown by `frame(number)`, as their analysis saw them, for the check
/// of an output in which redaction changes them (see [`text_left`]).
pub fn before_redaction(frames: u32, frame: impl Fn(u32) -> RgbImage) -> BeforeRedaction {
    let first = frame(0);
    let mut prints = vec![ocr::block_prints(&first)];
    prints.extend((1..frames).map(|number| ocr::block_prints(&frame(number))));
    BeforeRedaction { first, prints }
}

fn read_frames(
    mut reader: ocr::FrameReader,
    frames: u32,
    frame: impl Fn(u32) -> RgbImage,
    keep: impl Fn(u32, Vec<ocr::TextBox>) -> Vec<Finding>,
) -> Result<(Vec<Finding>, FrameCounts), Error> {
    // Frames one after the other, each compared with the last one read: the recogniser already
    // uses every core on each, and frames in parallel on rayon's workers would nest inside each
    // other while they wait for it.
    // Each frame is shown with the one after it, which tells a line burnt over the loop from
    // the moving image (see `ocr::FrameReader::read`).
    let mut found = Vec::new();
    let mut next = (frames > 0).then(|| frame(0));
    for number in 0..frames {
        let Some(image) = next.take() else { break };
        next = (number + 1 < frames).then(|| frame(number + 1));
        found.extend(keep(number, reader.read(&image, next.as_ref())?));
    }
    Ok((found, reader.counts()))
}

/// Whether a box may be a texture's rather than text: it reads as a guess (see
/// [`reads_as_texture`]), or as nothing in a box no wider than one character.
fn doubtful(read: &ocr::TextBox) -> bool {
    let unreadable = !read.text.chars().any(char::is_alphanumeric);
    reads_as_texture(&read.text, read.confidence)
        || (unreadable && read.region.width <= read.region.height)
}

/// Whether everything read within the height of `boxes[i]` of it is doubtful too: a texture's
/// guesses stand alone or among other guesses (a grain of stone read `K` beside a grain read as
/// nothing), where a piece of real text has the rest of its line, or other lines, beside it.
fn among_doubts(i: usize, boxes: &[ocr::TextBox], doubtful: &[bool]) -> bool {
    let region = boxes[i].region;
    let near = region.padded(region.height, u32::MAX, u32::MAX);
    boxes
        .iter()
        .enumerate()
        .all(|(j, other)| j == i || doubtful[j] || near.intersection(other.region).is_none())
}

fn finding(frame: u32, read: ocr::TextBox, verdict: Verdict) -> Finding {
    let category = verdict.category();
    Finding {
        category,
        location: Location::Pixels {
            frame,
            region: read.region,
        },
        value: read.text,
        explanation: explain(category).to_string(),
        confidence: read.confidence,
        // A side marker or a scale names nobody and gives the picture its meaning: kept unless
        // the user removes it.
        action: if category.identifies() {
            Action::Remove
        } else {
            Action::Keep
        },
    }
}

fn explain(category: Category) -> &'static str {
    match category {
        Category::Person => "a name written in the image",
        Category::Date => "a date or time written in the image, which dates the visit",
        Category::Identifier => "a number written in the image that leads to the patient's records",
        Category::Place => "a hospital or place written in the image",
        Category::Location => "an address written in the image",
        Category::Contact => "a phone number or address to reach someone, written in the image",
        Category::Annotation => "a technical annotation (side, scale, settings) that names nobody",
        _ => "text in the image that could not be shown to be harmless",
    }
}
