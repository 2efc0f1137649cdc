//! Running the pipeline over files and folders: which output each input goes to, scrubbing in
//! parallel, and writing so that no partial or unverified file is ever left behind.
//!
//! Shared by the command line and the GUI's "export all"; it never prints.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::document::{
    DicomOptions, Document, Done, Error, FaceCover, FileReport, Finding, Findings, Format, Key,
    KnownIdentifier, Plan, Profile, Redaction,
};

/// One input file and the path its clean copy goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
}

/// What walking the inputs produced: the jobs to run, and the inputs that already failed (missing
/// paths, links not followed, two inputs that would land on the same output).
#[derive(Debug, Default)]
pub struct Jobs {
    pub jobs: Vec<Job>,
    pub failed: Vec<FileReport>,
}

/// A file found under the inputs, with the name its output keeps: the file's own name for a file
/// given directly, `FOLDER/RELATIVE` for a file found in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub relative: PathBuf,
}

/// Every file under the inputs, folders walked recursively in name order. Symbolic links inside
/// folders are not followed (a link can point back up and loop); they are reported instead.
pub fn walk(inputs: &[PathBuf]) -> (Vec<Found>, Vec<FileReport>) {
    let mut found = Vec::new();
    let mut failed = Vec::new();
    for input in inputs {
        let metadata = match std::fs::metadata(input) {
            Ok(metadata) => metadata,
            Err(error) => {
                failed.push(failure(input.clone(), &Error::Read(error).to_string()));
                continue;
            }
        };
        if !metadata.is_dir() {
            let name = input.file_name().map(PathBuf::from).unwrap_or_default();
            found.push(Found {
                path: input.clone(),
                relative: name,
            });
            continue;
        }
        let folder_name = absolute(input)
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_default();
        let entries = walkdir::WalkDir::new(input)
            .follow_links(false)
            .sort_by_file_name();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error.path().unwrap_or(input).to_path_buf();
                    failed.push(failure(path, &error.to_string()));
                    continue;
                }
            };
            let kind = entry.file_type();
            if kind.is_dir() {
                continue;
            }
            let path = entry.into_path();
            if kind.is_symlink() {
                failed.push(failure(
                    path,
                    "symbolic link not followed; pass its target instead",
                ));
                continue;
            }
            let relative = folder_name.join(path.strip_prefix(input).unwrap_or(&path));
            found.push(Found { path, relative });
        }
    }
    (found, failed)
}

/// Refuse to write `target` (the output folder, a report) inside an input folder or over an
/// input: a run must never touch its inputs.
pub fn refuse_inside_inputs(target: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let target_abs = absolute(target);
    for input in inputs {
        let input_abs = absolute(input);
        if target_abs == input_abs {
            return Err(format!("{} is also an input", target.display()));
        }
        if input.is_dir() && target_abs.starts_with(&input_abs) {
            return Err(format!(
                "{} is inside the input folder {}: choose a place outside it",
                target.display(),
                input.display()
            ));
        }
    }
    Ok(())
}

/// Map inputs to outputs under `out`, keeping relative paths. Fails (the caller's usage error)
/// when `out` is inside an input folder; an input whose output would overwrite an input or
/// another input's output fails on its own and the others go on.
pub fn plan_jobs(inputs: &[PathBuf], out: &Path) -> Result<Jobs, String> {
    refuse_inside_inputs(out, inputs)?;
    let out_abs = absolute(out);
    for input in inputs.iter().filter(|input| input.is_dir()) {
        let input_abs = absolute(input);
        if let Some(name) = input_abs.file_name()
            && out_abs.join(name) == input_abs
        {
            return Err(format!(
                "scrubbing {} into {} would overwrite it: choose another output folder",
                input.display(),
                out.display()
            ));
        }
    }
    let (found, failed) = walk(inputs);
    let mut protected: Vec<PathBuf> = inputs.to_vec();
    protected.extend(found.iter().map(|file| file.path.clone()));
    protected.extend(failed.iter().map(|report| report.input.clone()));
    let mut planned = assign_outputs(found, out, &protected);
    planned.failed.splice(0..0, failed);
    Ok(planned)
}

/// The guard every front writes through: each file goes to `out/RELATIVE`, unless that is one
/// of the `protected` paths (every input, whether or not it is being written) or the output of
/// a file before it; such a file fails on its own, with the reason, and the others go on.
pub fn assign_outputs(found: Vec<Found>, out: &Path, protected: &[PathBuf]) -> Jobs {
    let protected: Vec<PathBuf> = protected.iter().map(|path| absolute(path)).collect();
    let mut planned = Jobs::default();
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    for Found { path, relative } in found {
        let output = out.join(relative);
        let key = absolute(&output);
        if key == absolute(&path) {
            planned
                .failed
                .push(failure(path, "its output would overwrite it"));
        } else if protected.contains(&key) {
            let reason = format!(
                "its output {} would overwrite an input; choose another folder",
                output.display()
            );
            planned.failed.push(failure(path, &reason));
        } else if let Some(first) = claimed.get(&key) {
            let reason = format!(
                "{} already goes to {}; rename one of them",
                first.display(),
                output.display()
            );
            planned.failed.push(failure(path, &reason));
        } else {
            claimed.insert(key, path.clone());
            planned.jobs.push(Job {
                input: path,
                output,
            });
        }
    }
    planned
}

/// The input a single output (a picture saved under a name the user chose, a caption beside
/// it) would replace, if any: such an output is refused.
pub fn overwritten_input<'a>(output: &Path, protected: &'a [PathBuf]) -> Option<&'a PathBuf> {
    let key = absolute(output);
    protected.iter().find(|input| absolute(input) == key)
}

/// A caption to redact beside the files, read and checked before any file is scrubbed so that a
/// wrong path fails at once.
#[derive(Debug)]
pub struct CaptionJob {
    pub input: PathBuf,
    pub output: PathBuf,
    text: String,
}

/// Plans the caption's output (`OUT/<its file name>`) and takes the caption out of the file jobs
/// when it sits in an input folder.
pub fn plan_caption(path: &Path, out: &Path, planned: &mut Jobs) -> Result<CaptionJob, String> {
    let shown = path.display();
    let bytes =
        std::fs::read(path).map_err(|error| format!("caption {shown}: cannot read: {error}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("caption {shown}: not UTF-8 text; save it as UTF-8 and try again"))?;
    let name = path
        .file_name()
        .ok_or_else(|| format!("caption {shown}: not a file"))?;
    let output = out.join(name);
    let (input_key, output_key) = (absolute(path), absolute(&output));
    if input_key == output_key {
        return Err(format!("caption {shown}: its output would overwrite it"));
    }
    let inputs: Vec<PathBuf> = (planned.jobs.iter().map(|job| job.input.clone()))
        .chain(planned.failed.iter().map(|report| report.input.clone()))
        .collect();
    if let Some(input) = overwritten_input(&output, &inputs) {
        return Err(format!(
            "caption {shown}: its output {} would overwrite the input {}",
            output.display(),
            input.display()
        ));
    }
    planned.jobs.retain(|job| absolute(&job.input) != input_key);
    planned
        .failed
        .retain(|report| absolute(&report.input) != input_key);
    if let Some(job) = planned
        .jobs
        .iter()
        .find(|job| absolute(&job.output) == output_key)
    {
        return Err(format!(
            "caption {shown} and {} would both be written to {}; rename one of them",
            job.input.display(),
            output.display()
        ));
    }
    Ok(CaptionJob {
        input: path.to_path_buf(),
        output,
        text,
    })
}

/// The caption through the pipeline as any file is: its identifiers found with the rules and
/// with every name and number the scrubbed files revealed, replaced, read again, and written
/// only if nothing identifying is left.
pub fn scrub_caption(job: CaptionJob, reports: &[FileReport]) -> FileReport {
    let known: Vec<KnownIdentifier> = reports
        .iter()
        .flat_map(|report| report.findings.known.iter().cloned())
        .collect();
    let document = Document::caption(job.input.clone(), job.text, known);
    match guarded("reading the caption", || crate::analyze(&document)) {
        Ok(findings) => export(&document, &Plan::default_for(&findings), &job.output),
        Err(error) => FileReport {
            format: Some(Format::Caption),
            error: Some(error.to_string()),
            ..FileReport::new(job.input)
        },
    }
}

/// Where the secret key comes from. It is read (or created) only when the first DICOM file
/// needs it, so scrubbing photos never touches it, and then held for the rest of the run or
/// of the desktop app's life.
pub struct KeySource {
    path: Option<PathBuf>,
    key: OnceLock<Result<Key, String>>,
}

impl KeySource {
    /// `path` None means the user's default key file.
    pub fn new(path: Option<PathBuf>) -> KeySource {
        KeySource {
            path,
            key: OnceLock::new(),
        }
    }

    pub fn get(&self) -> Result<Key, Error> {
        self.key
            .get_or_init(|| {
                let path = self
                    .path
                    .clone()
                    .or_else(Key::default_path)
                    .ok_or_else(|| {
                        "no configuration folder for the key here; pass --key-file".to_string()
                    })?;
                Key::load_or_create(&path).map_err(|error| error.to_string())
            })
            .clone()
            .map_err(Error::Refused)
    }
}

/// What the user chose for a run: the profile, its DICOM options, how text and faces are made
/// unreadable, and the key.
pub struct Choices {
    pub profile: Profile,
    /// The profile's options, with any the user switched one by one.
    pub dicom: DicomOptions,
    pub redaction: Redaction,
    pub faces: FaceCover,
    pub key: KeySource,
}

impl Choices {
    pub fn new(profile: Profile, key: KeySource) -> Choices {
        Choices {
            profile,
            dicom: DicomOptions::for_profile(profile),
            redaction: Redaction::default(),
            faces: FaceCover::Fill,
            key,
        }
    }

    /// The plan a run starts from for a file of `format`: the profile's, with the key for DICOM.
    pub fn plan(&self, format: Format, findings: &Findings) -> Result<Plan, Error> {
        let plan = match format {
            Format::Dicom => Plan::for_dicom(findings, self.profile, self.dicom, self.key.get()?),
            _ => Plan::for_photo(findings, self.profile),
        };
        Ok(Plan {
            redaction: self.redaction,
            faces: self.faces,
            ..plan
        })
    }
}

/// Run one file's work so that a bug in a parser (ours or a dependency's) costs that file, not
/// the batch or the window: a panic becomes an error naming `what` was being done. Nothing is
/// written before verification succeeds, so a panic leaves no output behind.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(Error::Refused(format!("internal error while {what}"))))
}

/// Scrub every job in parallel; `on_done` sees each report as soon as it is ready (for progress),
/// and the reports come back in job order.
///
/// One plain thread per core takes files one at a time, rather than rayon workers: text
/// recognition runs on its own thread pool, and a rayon worker waiting for that pool picks up
/// another file meanwhile, which nests file inside file until the stack overflows and no file
/// finishes. Plain threads just wait, and memory stays bounded by the files in flight.
pub fn run(
    jobs: &[Job],
    choices: &Choices,
    on_done: impl Fn(&FileReport) + Sync,
) -> Vec<FileReport> {
    let next = AtomicUsize::new(0);
    let reports: Vec<Mutex<Option<FileReport>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    let report = scrub_file(job, choices);
                    on_done(&report);
                    *reports[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
                }
            });
        }
    });
    reports
        .into_iter()
        .zip(jobs)
        .map(|(report, job)| {
            report
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| FileReport::new(job.input.clone()))
        })
        .collect()
}

/// The whole pipeline for one file. The clean bytes are analysed again before anything is
/// written; only verified bytes go to a temporary file beside the destination, which is then
/// renamed into place.
pub fn scrub_file(job: &Job, choices: &Choices) -> FileReport {
    let mut report = FileReport::new(job.input.clone());
    let result = guarded("reading this file; it was not copied", || {
        let document = crate::load(&job.input)?;
        report.format = Some(document.format);
        report.findings = crate::analyze(&document)?;
        let plan = choices.plan(document.format, &report.findings)?;
        write_plan(&document, &plan, &job.output, &mut report)
    });
    settle(result, &mut report);
    report
}

/// Load and analyse one file, with the same guard against parser panics as scrubbing.
pub fn inspect_file(path: &Path) -> Result<(Format, Findings), Error> {
    guarded("reading this file", || {
        let document = crate::load(path)?;
        Ok((document.format, crate::analyze(&document)?))
    })
}

/// Carry out a plan the user may have edited (the desktop app's export) and write the result
/// only once verified, with the same guard against parser panics as scrubbing.
pub fn export(document: &Document, plan: &Plan, destination: &Path) -> FileReport {
    let mut report = FileReport {
        format: Some(document.format),
        findings: plan.findings.clone(),
        ..FileReport::new(document.source.clone())
    };
    let result = guarded("writing this file; it was not written", || {
        write_plan(document, plan, destination, &mut report)
    });
    settle(result, &mut report);
    report
}

/// Apply, verify and write; a plan with a finding nothing can remove writes nothing and says
/// what is left.
fn write_plan(
    document: &Document,
    plan: &Plan,
    destination: &Path,
    report: &mut FileReport,
) -> Result<(), Error> {
    let unresolved: Vec<Finding> = plan.findings.unresolved().cloned().collect();
    if !unresolved.is_empty() {
        report.remaining = Findings::new(unresolved);
        return Ok(());
    }
    let output = crate::apply(document, plan)?;
    report.done = output.done.clone();
    let (destination, remaining) = if document.format == output.format {
        (
            destination.to_path_buf(),
            write_verified(destination, &output)?,
        )
    } else {
        write_renamed(destination, document.format, &output)?
    };
    report.clean = remaining.is_clean();
    report.remaining = remaining;
    if report.clean {
        report.output = Some(destination);
    }
    Ok(())
}

/// An output saved in another format than its input (a HEIC whose text was blurred is saved as
/// JPEG) goes beside the planned destination under its own extension, or, when that name is
/// taken (`scan.heic` and `scan.avif` in one folder), under both extensions. The plan did not
/// reserve these names, so neither ever replaces a file, not even one written a moment before
/// by another file of the same run.
fn write_renamed(
    destination: &Path,
    input: Format,
    output: &crate::Output,
) -> Result<(PathBuf, Findings), Error> {
    let plain = destination.with_extension(output.format.extension());
    let both = destination.with_extension(format!(
        "{}.{}",
        input.extension(),
        output.format.extension()
    ));
    let remaining = crate::verify(output)?;
    if !remaining.is_clean() {
        return Ok((plain, remaining));
    }
    for candidate in [&plain, &both] {
        match write_file(candidate, &output.bytes, Replace::Never) {
            Ok(()) => return Ok((candidate.clone(), remaining)),
            Err(Error::Write(error)) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(Error::Refused(format!(
        "it must be saved as {} in {} or {}, and files are already there",
        output.format,
        plain.display(),
        both.display()
    )))
}

/// A DICOMDIR deliberately not copied is a clean outcome; any other error is the report's.
fn settle(result: Result<(), Error>, report: &mut FileReport) {
    match result {
        Ok(()) => {}
        Err(Error::NotCopied(reason)) => {
            report.clean = true;
            report.done = vec![Done::removed(format!("not copied: {reason}"))];
        }
        Err(error) => report.error = Some(error.to_string()),
    }
}

/// Verify the exact bytes about to be written, and write them only if they are clean; otherwise
/// nothing is written and the remaining findings are returned.
pub fn write_verified(destination: &Path, output: &crate::Output) -> Result<Findings, Error> {
    let remaining = crate::verify(output)?;
    if remaining.is_clean() {
        write_atomically(destination, &output.bytes)?;
    }
    Ok(remaining)
}

/// Write bytes (an output, a report) all or nothing: to a temporary file in the destination's
/// folder, renamed into place once complete. The temporary file deletes itself if anything fails
/// before the rename, so no partial file is ever left.
pub fn write_atomically(destination: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_file(destination, bytes, Replace::Allowed)
}

/// Whether a write may take the place of a file already at its destination.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Replace {
    Allowed,
    Never,
}

fn write_file(destination: &Path, bytes: &[u8], replace: Replace) -> Result<(), Error> {
    let folder = destination.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(Error::Write)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".caviar-").suffix(".part");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Created and registered under the lock, so an interruption either sees this file and
    // removes it, or stops the run before it exists.
    let mut file = {
        let mut unfinished = lock_unfinished();
        let file = builder.tempfile_in(folder).map_err(Error::Write)?;
        unfinished.push(file.path().to_path_buf());
        file
    };
    let temporary = file.path().to_path_buf();
    let written = file.write_all(bytes).map_err(Error::Write).and_then(|()| {
        let persisted = match replace {
            Replace::Allowed => file.persist(destination),
            Replace::Never => file.persist_noclobber(destination),
        };
        persisted
            .map(drop)
            .map_err(|error| Error::Write(error.error))
    });
    lock_unfinished().retain(|path| *path != temporary);
    written
}

/// Temporary files being written at this moment.
static UNFINISHED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn lock_unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// For an interrupted run (Ctrl+C, SIGTERM): removes every temporary file being written and
/// returns still holding the lock, so that no new one is started while the caller ends the
/// process. Finished outputs stay; they were verified and renamed whole.
pub fn abandon_unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let unfinished = lock_unfinished();
    for path in unfinished.iter() {
        let _ = std::fs::remove_file(path);
    }
    unfinished
}

fn failure(input: PathBuf, reason: &str) -> FileReport {
    FileReport {
        error: Some(reason.to_string()),
        ..FileReport::new(input)
    }
}

/// An absolute, lexically normalised path, resolving symlinks where the path exists, so that two
/// spellings of one place compare equal even before the output folder is created.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let mut missing = Vec::new();
    let mut existing = path.to_path_buf();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing
                .iter()
                .rev()
                .fold(real, |acc: PathBuf, part| acc.join(part));
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name.to_os_string());
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        }
    }
}
