//! The headless commands. Thin: parse arguments, call the library, print. Progress and errors go
//! to stderr, one line per failed file naming it and the reason; stdout carries only what was
//! asked for (an inspection, a JSON document).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use caviar::{Action, DicomOptions, FaceCover, FileReport, Findings, Format, Profile, Redaction};
use caviar::{batch, text};
use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "caviar",
    version,
    about = "Remove what identifies someone from a picture before it is shared.",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write clean copies of files and folders (recursively) into an output folder.
    Scrub {
        /// Files or folders to clean. They are never modified.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Folder for the clean copies, outside every input folder; relative paths are kept.
        #[arg(long)]
        out: PathBuf,
        /// Also write every finding and action, per file, to this JSON file.
        #[arg(long, value_name = "FILE.json")]
        report: Option<PathBuf>,
        /// Who the copies are for: a patient's post (everything identifying goes) or a
        /// teaching case (dates shifted, age, sex, size and weight kept).
        #[arg(long, default_value = "patient", value_parser = clap::builder::PossibleValuesParser::new(Profile::NAMES).map(|name| name.parse::<Profile>().expect("a listed profile")))]
        profile: Profile,
        /// The secret that makes new UIDs, shifted dates and pseudonyms the same from run to
        /// run; created on first use. Default: a key file in your configuration folder.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
        /// Switch a DICOM PS3.15 option on, on top of the profile (repeatable).
        #[arg(long = "with", value_name = "OPTION", value_parser = clap::builder::PossibleValuesParser::new(DicomOptions::NAMES))]
        options_on: Vec<String>,
        /// Switch a DICOM PS3.15 option off (repeatable).
        #[arg(long = "without", value_name = "OPTION", value_parser = clap::builder::PossibleValuesParser::new(DicomOptions::NAMES))]
        options_off: Vec<String>,
        /// A caption (UTF-8 text) to redact; the result is written into the output folder
        /// under the same file name. Names and numbers found in the scrubbed files are
        /// searched for in it too.
        #[arg(long, value_name = "FILE")]
        caption: Option<PathBuf>,
        /// How text burned into the pictures is made unreadable: a soft blur or a solid fill.
        #[arg(long, default_value = "blur", value_parser = clap::builder::PossibleValuesParser::new(["blur", "fill"]).map(|name| name.parse::<Redaction>().expect("a listed redaction")))]
        redaction: Redaction,
        /// How faces in the pictures are hidden: a solid fill, a blur (which can sometimes still
        /// be recognised), or a band across the eyes as journals print them.
        #[arg(long, default_value = "fill", value_parser = clap::builder::PossibleValuesParser::new(["fill", "blur", "eyes"]).map(|name| name.parse::<FaceCover>().expect("a listed cover")))]
        faces: FaceCover,
    },
    /// Read a caption on standard input and print it with its identifiers replaced.
    Text {
        /// The caption's language, for the replacement words and the rules; auto guesses.
        #[arg(long, default_value = "auto", value_parser = ["fr", "en", "auto"])]
        lang: String,
        /// Print {"text": redacted, "spans": [{"start", "end", "label", "text"}]}, offsets in
        /// characters of the input.
        #[arg(long)]
        json: bool,
        /// How replaced text is written: [nom]/[name] tags, █ blocks, or consistent pseudonyms.
        #[arg(long, default_value = "tag", value_parser = clap::builder::PossibleValuesParser::new(text::Replacement::NAMES).map(|name| name.parse::<text::Replacement>().expect("a listed replacement")))]
        replace: text::Replacement,
        /// A name or number of yours to find whatever its spelling (repeatable).
        #[arg(long, value_name = "VALUE")]
        known: Vec<String>,
    },
    /// List what identifies someone in files, and where, without writing anything.
    Inspect {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

const FAILED: u8 = 1;
const USAGE: u8 = 2;

pub fn run() -> ExitCode {
    // Per-file panics are caught and reported as that file's error; one line is enough here.
    std::panic::set_hook(Box::new(|info| eprintln!("caviar: internal error: {info}")));
    // Ctrl+C or SIGTERM mid-batch: outputs already written are whole and verified; the ones in
    // progress are removed, so nothing partial is left behind.
    let interrupted = ctrlc::set_handler(|| {
        eprintln!("caviar: interrupted; files in progress removed, finished ones kept");
        let _no_new_file_until_exit = batch::abandon_unfinished();
        std::process::exit(130);
    });
    if let Err(error) = interrupted {
        eprintln!(
            "caviar: cannot watch for Ctrl+C ({error}); an interruption may leave a .caviar-*.part file"
        );
    }
    match Cli::parse().command {
        Command::Scrub {
            inputs,
            out,
            report,
            profile,
            key_file,
            options_on,
            options_off,
            caption,
            redaction,
            faces,
        } => {
            let mut choices = batch::Choices::new(profile, batch::KeySource::new(key_file));
            choices.redaction = redaction;
            choices.faces = faces;
            let switches = options_on.iter().map(|name| (name, true));
            for (name, on) in switches.chain(options_off.iter().map(|name| (name, false))) {
                if let Err(message) = choices.dicom.set(name, on) {
                    eprintln!("caviar: {message}");
                    return ExitCode::from(USAGE);
                }
            }
            scrub(
                &inputs,
                &out,
                report.as_deref(),
                caption.as_deref(),
                &choices,
            )
        }
        Command::Inspect { files, json } => inspect(&files, json),
        Command::Text {
            lang,
            json,
            replace,
            known,
        } => redact_text(&lang, json, replace, &known),
    }
}

fn scrub(
    inputs: &[PathBuf],
    out: &Path,
    report_path: Option<&Path>,
    caption_path: Option<&Path>,
    choices: &batch::Choices,
) -> ExitCode {
    if let Some(report) = report_path
        && let Err(message) = batch::refuse_inside_inputs(report, inputs)
    {
        eprintln!("caviar: {message}");
        return ExitCode::from(USAGE);
    }
    let mut planned = match batch::plan_jobs(inputs, out) {
        Ok(planned) => planned,
        Err(message) => {
            eprintln!("caviar: {message}");
            return ExitCode::from(USAGE);
        }
    };
    let caption = match caption_path
        .map(|path| batch::plan_caption(path, out, &mut planned))
        .transpose()
    {
        Ok(caption) => caption,
        Err(message) => {
            eprintln!("caviar: {message}");
            return ExitCode::from(USAGE);
        }
    };
    if planned.jobs.is_empty() && planned.failed.is_empty() && caption.is_none() {
        eprintln!("caviar: no files found in the inputs; nothing to scrub");
        return ExitCode::SUCCESS;
    }
    if !planned.jobs.is_empty()
        && let Err(reason) = check_writable(out)
    {
        eprintln!("caviar: cannot write to {}: {reason}", out.display());
        return ExitCode::from(FAILED);
    }
    for failure in &planned.failed {
        print_problem(failure);
    }

    let progress = indicatif::ProgressBar::with_draw_target(
        Some(planned.jobs.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if planned.jobs.len() < 2 {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    progress.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} files, {per_sec}, {eta} left",
        )
        .expect("the progress template is valid"),
    );
    let done = batch::run(&planned.jobs, choices, |report| {
        progress.suspend(|| print_problem(report));
        progress.inc(1);
    });
    progress.finish_and_clear();

    let reports: Vec<FileReport> = planned.failed.into_iter().chain(done).collect();
    let caption = caption.map(|caption| batch::scrub_caption(caption, &reports));
    if let Some(caption) = &caption {
        print_caption(caption);
    }
    let clean = reports.iter().filter(|r| r.clean).count();
    let failed = reports.len() - clean;
    // A run with only a caption has no file line to print.
    if !reports.is_empty() {
        eprintln!(
            "caviar: {clean} of {} files clean in {}{}",
            reports.len(),
            out.display(),
            if failed > 0 {
                format!(", {failed} not written")
            } else {
                String::new()
            }
        );
    }
    let caption_failed = caption.as_ref().is_some_and(|c| !c.clean);

    if let Some(path) = report_path {
        let document = ScrubReport {
            files: reports.len(),
            clean,
            failed,
            reports: &reports,
            caption: caption.as_ref(),
        };
        let json = serde_json::to_vec_pretty(&document).expect("reports serialise");
        if let Err(error) = batch::write_atomically(path, &json) {
            eprintln!("caviar: report {}: {error}", path.display());
            return ExitCode::from(FAILED);
        }
    }
    if failed == 0 && !caption_failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILED)
    }
}

#[derive(Serialize)]
struct ScrubReport<'a> {
    files: usize,
    clean: usize,
    failed: usize,
    reports: &'a [FileReport],
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a FileReport>,
}

fn print_caption(caption: &FileReport) {
    let input = caption.input.display();
    match (&caption.error, &caption.output) {
        (Some(error), _) => eprintln!("caviar: caption {input}: {error}"),
        (None, Some(output)) => eprintln!(
            "caviar: caption {input}: {} replaced, written to {}",
            match caption.done.len() {
                1 => "1 item".to_string(),
                n => format!("{n} items"),
            },
            output.display()
        ),
        (None, None) => eprintln!(
            "caviar: caption {input}: still looks identifying after redaction; not written"
        ),
    }
}

#[derive(Serialize)]
struct TextOutput<'a> {
    text: &'a str,
    spans: Vec<CaptionSpan>,
}

/// A redacted stretch of a caption as `caviar text --json` shows it: offsets in characters of
/// the original caption.
#[derive(Serialize)]
struct CaptionSpan {
    start: usize,
    end: usize,
    label: &'static str,
    text: String,
}

impl CaptionSpan {
    fn all(caption: &str, spans: &[text::Span]) -> Vec<CaptionSpan> {
        spans
            .iter()
            .map(|span| {
                let (start, end) = span.chars(caption);
                CaptionSpan {
                    start,
                    end,
                    label: span.kind.label(),
                    text: caption[span.start..span.end].to_string(),
                }
            })
            .collect()
    }
}

/// `caviar text`: the caption on stdin, redacted on stdout. Input that is not UTF-8 is refused
/// rather than guessed at, since a wrong guess could hide a name from the rules.
fn redact_text(
    lang: &str,
    json: bool,
    replacement: text::Replacement,
    typed: &[String],
) -> ExitCode {
    let mut input = Vec::new();
    if let Err(error) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut input) {
        eprintln!("caviar: cannot read the caption: {error}");
        return ExitCode::from(FAILED);
    }
    let Ok(caption) = String::from_utf8(input) else {
        eprintln!("caviar: the caption is not UTF-8 text; save it as UTF-8 and try again");
        return ExitCode::from(FAILED);
    };
    let lang = lang.parse::<text::Lang>().ok();
    let mut known = text::Known::default();
    for value in typed {
        known.add_typed(value);
    }
    let redacted = text::redact_caption(&caption, lang, &known, replacement);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = if json {
        let output = TextOutput {
            text: &redacted.text,
            spans: CaptionSpan::all(&caption, &redacted.spans),
        };
        serde_json::to_writer(&mut out, &output)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(redacted.text.as_bytes())
    };
    if let Err(error) = written.and_then(|()| out.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("caviar: {error}");
        }
        return ExitCode::from(FAILED);
    }
    if redacted.is_clean() {
        ExitCode::SUCCESS
    } else {
        eprintln!("caviar: the redacted caption still looks identifying; check it by hand");
        ExitCode::from(FAILED)
    }
}

/// One line per file that was not written clean; nothing for the files that were.
fn print_problem(report: &FileReport) {
    let input = report.input.display();
    if let Some(error) = &report.error {
        eprintln!("caviar: {input}: {error}");
    } else if !report.clean {
        let unresolved: Vec<&str> = report
            .remaining
            .unresolved()
            .map(|f| f.explanation.as_str())
            .collect();
        if unresolved.is_empty() {
            let left: Vec<String> = report
                .remaining
                .identifying()
                .map(|f| f.location.to_string())
                .collect();
            eprintln!(
                "caviar: {input}: not clean after scrubbing, not written (still there: {})",
                left.join(", ")
            );
        } else {
            eprintln!("caviar: {input}: not written: {}", unresolved.join("; "));
        }
    }
}

/// Find out before the first file whether the output folder can be written at all, so a
/// read-only destination is one clear line rather than one per file.
fn check_writable(out: &Path) -> Result<(), std::io::Error> {
    std::fs::create_dir_all(out)?;
    tempfile::Builder::new()
        .prefix(".caviar-")
        .tempfile_in(out)?;
    Ok(())
}

#[derive(Serialize)]
struct Inspection {
    file: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<Format>,
    findings: Findings,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn inspect(inputs: &[PathBuf], json: bool) -> ExitCode {
    let (found, failed) = batch::walk(inputs);
    let mut inspections: Vec<Inspection> = failed
        .into_iter()
        .map(|f| Inspection {
            file: f.input,
            format: None,
            findings: Findings::default(),
            error: f.error,
        })
        .collect();
    for file in found {
        let result = batch::inspect_file(&file.path);
        inspections.push(match result {
            Ok((format, findings)) => Inspection {
                file: file.path,
                format: Some(format),
                findings,
                error: None,
            },
            Err(error) => Inspection {
                file: file.path,
                format: None,
                findings: Findings::default(),
                error: Some(error.to_string()),
            },
        });
    }

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = if json {
        serde_json::to_writer_pretty(&mut out, &inspections)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        inspections
            .iter()
            .try_for_each(|inspection| print_inspection(&mut out, inspection))
    };
    if let Err(error) = written {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("caviar: {error}");
        }
        return ExitCode::from(FAILED);
    }
    if inspections.iter().any(|i| i.error.is_some()) {
        ExitCode::from(FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_inspection(out: &mut impl Write, inspection: &Inspection) -> std::io::Result<()> {
    let file = inspection.file.display();
    if let Some(error) = &inspection.error {
        eprintln!("caviar: {file}: {error}");
        return Ok(());
    }
    let format = inspection.format.map(Format::name).unwrap_or_default();
    let identifying = inspection.findings.identifying().count();
    match identifying {
        0 => writeln!(out, "{file} ({format}): nothing identifying found")?,
        1 => writeln!(out, "{file} ({format}): 1 item identifies someone")?,
        n => writeln!(out, "{file} ({format}): {n} items identify someone")?,
    }
    if !inspection.findings.known.is_empty() {
        let known: Vec<&str> = inspection
            .findings
            .known
            .iter()
            .map(|k| k.value.as_str())
            .collect();
        writeln!(
            out,
            "  names and numbers that identify the patient, also looked for in the other \
             places: {}",
            known.join(", ")
        )?;
    }
    if let Some(frames) = inspection.findings.frames
        && frames.read + frames.carried + frames.screened > 1
    {
        writeln!(
            out,
            "  frames looked at for text: {} read in full, {} the same as one read, {} with only \
             their changes read",
            frames.read, frames.carried, frames.screened
        )?;
    }
    for finding in &inspection.findings.items {
        let label = finding.category.label();
        let verdict = match (finding.category.identifies(), finding.action) {
            (true, _) => label.to_string(),
            (false, Action::Keep) => format!("kept: {label}"),
            (false, _) => format!("removed: {label}"),
        };
        let value = if finding.value.is_empty() {
            String::new()
        } else {
            format!(" {}", finding.value)
        };
        writeln!(
            out,
            "  [{verdict}] {}{value}: {}",
            finding.location, finding.explanation
        )?;
    }
    Ok(())
}
