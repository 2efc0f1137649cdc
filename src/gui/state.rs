//! The app's state and the one step that changes it.
//!
//! The interface draws a `&State` and returns [`Command`]s; [`State::apply`] carries them out and
//! returns the [`Task`]s that take time (opening, analysing, previewing, exporting), which the
//! app hands to worker threads; their [`Message`]s come back through [`State::receive`]. Tests
//! drive these two functions directly, and the interface through `egui_kittest`.

use std::cell::{Ref, RefCell};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::batch::{self, Found};
use crate::document::FileReport;
use crate::text::{self, Known, Lang};
use crate::view::Picture;
use crate::{
    Action, Category, DicomOptions, Document, Error, FaceCover, Finding, Findings, Format,
    KnownIdentifier, Location, Plan, Profile, Redaction, Region, Window,
};

use super::settings::Settings;
use super::strings::Say;

/// A file as it was when opened. Its bytes are read again for each preview and export, and
/// refused if they changed meanwhile: the app holds the decoded picture, not the file as well,
/// which halves the memory a large series takes.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub format: Format,
    digest: [u8; 32],
}

impl Source {
    pub fn of(document: &Document) -> Source {
        Source {
            path: document.source.clone(),
            format: document.format,
            digest: Sha256::digest(&document.bytes).into(),
        }
    }

    /// The file again, exactly as it was opened.
    pub fn load(&self) -> Result<Document, String> {
        let document = crate::load(&self.path).map_err(|error| error.to_string())?;
        if <[u8; 32]>::from(Sha256::digest(&document.bytes)) != self.digest {
            return Err("the file changed on disk since it was opened; open it again".into());
        }
        Ok(document)
    }
}

/// One file of the list, from the moment it is dropped.
pub struct Entry {
    pub path: PathBuf,
    /// The name its clean copy takes in an export folder (`FOLDER/RELATIVE` for a file found in
    /// a dropped folder).
    pub relative: PathBuf,
    pub stage: Stage,
    pub source: Option<Source>,
    pub picture: Option<Arc<Picture>>,
    pub plan: Option<Plan>,
    /// The picture as it will be written, for the before/after switch; made for `edits`.
    pub exported_view: Option<(u64, Arc<Picture>)>,
    /// Bumped by every change to the plan, so a preview made for an older plan is not shown.
    pub edits: u64,
    undo: Vec<Vec<Finding>>,
    pub frame: u32,
    pub window: Option<Window>,
    /// The last export of this file and what verification said.
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Opening,
    Analysing,
    Ready,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Clean(PathBuf),
    NotClean(String),
    Failed(String),
}

/// What the interface asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Open(Vec<PathBuf>),
    AskOpen,
    Select(usize),
    Next,
    Previous,
    /// Flip a finding of the selected file between removed and kept.
    Toggle(usize),
    AddRegion {
        frame: u32,
        region: Region,
    },
    /// Delete a region the user drew (findings the app made can only be kept).
    DeleteRegion(usize),
    Undo,
    SetFrame(u32),
    SetWindow(Window),
    ShowExported(bool),
    SetProfile(Profile),
    SetDicomOption(&'static str, bool),
    SetRedaction(Redaction),
    SetFaceCover(FaceCover),
    SetCaption(String),
    /// Keep or remove a stretch of the caption, by its text.
    ToggleCaptionSpan(String),
    AddMine(String),
    RemoveMine(usize),
    SetLang(Lang),
    CopyCaption,
    AskExportPost,
    AskExportDicom,
    AskExportAll,
    ExportPost(PathBuf),
    ExportDicom(PathBuf),
    ExportAll(PathBuf),
    Cancel,
    Dismiss,
}

/// Work that takes time, for a worker thread.
pub enum Task {
    /// List the files under what was dropped or opened.
    Walk(Vec<PathBuf>),
    /// Open and analyse files one after the other, each as `(index, path)`.
    Open(Vec<(usize, PathBuf)>),
    Preview {
        index: usize,
        edits: u64,
        source: Source,
        plan: Box<Plan>,
    },
    /// Files to write, and files whose output was refused before anything was written (it
    /// would replace an input or another file's output), each with the reason.
    /// The cleaned caption is written once the files are, so that what is said of it comes last.
    Export {
        exports: Vec<Export>,
        refused: Vec<(usize, String)>,
        caption: Option<CaptionOut>,
    },
    Dialog(Dialog),
    SaveSettings(Settings),
    Copy(String),
}

/// The cleaned caption to write beside an export, or why it may not be written where asked.
pub struct CaptionOut {
    pub destination: Result<PathBuf, String>,
    pub document: Document,
    pub plan: Plan,
}

/// One file to write and how.
pub struct Export {
    pub index: usize,
    pub source: Source,
    pub plan: Box<Plan>,
    pub destination: PathBuf,
    pub post: Option<(u32, Option<Window>)>,
}

/// What a file dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Open,
    Post,
    Dicom,
    Folder,
}

/// What comes back from the workers.
pub enum Message {
    Walked {
        found: Vec<Found>,
        failed: Vec<FileReport>,
    },
    Shown {
        index: usize,
        result: Result<(Source, Arc<Picture>), String>,
    },
    Analysed {
        index: usize,
        result: Result<Findings, String>,
    },
    Previewed {
        index: usize,
        edits: u64,
        result: Result<Arc<Picture>, String>,
    },
    Exported {
        index: usize,
        verdict: Verdict,
    },
    ExportsFinished {
        destination: PathBuf,
        clean: usize,
        total: usize,
    },
    Chosen {
        dialog: Dialog,
        paths: Vec<PathBuf>,
    },
    SettingsFailed(String),
    CaptionWritten(Result<PathBuf, String>),
}

pub struct State {
    pub lang: Lang,
    pub files: Vec<Entry>,
    pub selected: Option<usize>,
    /// The profile, its options, blur or fill, and the key, held for the app's life: the key
    /// file is read once, not on every replan.
    pub choices: batch::Choices,
    pub caption: String,
    /// Stretches of the caption the user chose to keep, by their text.
    pub caption_kept: Vec<String>,
    /// The user's own name and numbers, searched for everywhere.
    pub mine: Vec<String>,
    pub show_exported: bool,
    /// One sentence for the status line: the last thing worth telling.
    pub notice: Option<String>,
    pub exporting: usize,
    /// Folders being walked for their files.
    walking: usize,
    /// What the user dropped or opened, folders included: exports never go inside them.
    inputs: Vec<PathBuf>,
    settings_path: Option<PathBuf>,
    /// What the caption panels show, made again only when what it depends on changed.
    caption_view: RefCell<CaptionView>,
}

/// The caption as the panels show it: its identifiers and the caption as it will be posted.
/// Finding them means tokenising the caption and building the known identifiers; done on every
/// frame by each panel that needs them, that was four searches a frame.
pub struct CaptionView {
    /// What it was made from: the caption, the spans kept, every known value.
    made_from: (String, Vec<String>, Vec<KnownIdentifier>),
    pub known: Known,
    pub spans: Vec<text::Span>,
    pub cleaned: CleanedCaption,
}

/// The caption as it will be posted, made by the pipeline as the command line makes it, and
/// whether reading it again found nothing left.
pub struct CleanedCaption {
    pub text: String,
    clean: bool,
}

impl CleanedCaption {
    pub fn is_clean(&self) -> bool {
        self.clean
    }
}

impl CaptionView {
    fn of(made_from: (String, Vec<String>, Vec<KnownIdentifier>)) -> CaptionView {
        let (caption, kept, known) = &made_from;
        let document = Document::caption("caption".into(), caption.clone(), known.clone());
        let cleaned = cleaned(&document, kept);
        let known = text::known_from(known);
        let spans = text::find(caption, &known);
        CaptionView {
            made_from,
            known,
            spans,
            cleaned,
        }
    }
}

/// The caption's plan: every identifier found removed, except what the user unticked.
fn caption_plan(document: &Document, kept: &[String]) -> Result<Plan, Error> {
    let mut findings = crate::analyze(document)?;
    for finding in &mut findings.items {
        if kept.contains(&finding.value) {
            finding.action = Action::Keep;
        }
    }
    Ok(Plan::default_for(&findings))
}

/// The caption through apply and verify, not written. A caption is always UTF-8 text, so the
/// pipeline cannot refuse it; if it ever did, nothing would be offered to post.
fn cleaned(document: &Document, kept: &[String]) -> CleanedCaption {
    let result = caption_plan(document, kept).and_then(|plan| {
        let output = crate::apply(document, &plan)?;
        let clean = crate::verify(&output)?.is_clean();
        Ok((output, clean))
    });
    match result {
        Ok((output, clean)) => CleanedCaption {
            text: String::from_utf8(output.bytes).unwrap_or_default(),
            clean,
        },
        Err(_) => CleanedCaption {
            text: String::new(),
            clean: false,
        },
    }
}

impl State {
    /// `key_path` None means the user's default key file; `settings_path` None keeps the
    /// settings in memory only.
    pub fn new(
        settings: Settings,
        settings_path: Option<PathBuf>,
        key_path: Option<PathBuf>,
    ) -> State {
        State {
            lang: settings.lang.unwrap_or_else(super::strings::system_lang),
            files: Vec::new(),
            selected: None,
            choices: batch::Choices::new(Profile::Patient, batch::KeySource::new(key_path)),
            caption: String::new(),
            caption_kept: Vec::new(),
            mine: settings.mine,
            show_exported: false,
            notice: None,
            exporting: 0,
            walking: 0,
            inputs: Vec::new(),
            settings_path,
            caption_view: RefCell::new(CaptionView::of(Default::default())),
        }
    }

    /// The caption's identifiers and its cleaned text, made again when the caption, the spans
    /// kept or the known identifiers changed since last asked.
    pub fn caption_view(&self) -> Ref<'_, CaptionView> {
        let made_from = (
            self.caption.clone(),
            self.caption_kept.clone(),
            self.known_identifiers(),
        );
        if self.caption_view.borrow().made_from != made_from {
            let view = CaptionView::of(made_from);
            *self.caption_view.borrow_mut() = view;
        }
        self.caption_view.borrow()
    }

    pub fn say(&self, say: Say) -> &'static str {
        say.get(self.lang)
    }

    pub fn current(&self) -> Option<&Entry> {
        self.selected.and_then(|i| self.files.get(i))
    }

    /// Whether a worker is still opening or analysing files.
    pub fn busy(&self) -> bool {
        self.walking > 0
            || self
                .files
                .iter()
                .any(|f| matches!(f.stage, Stage::Opening | Stage::Analysing))
    }

    /// Known identifiers from every file and the user's own, for the caption.
    /// What the files opened revealed and what the user typed as their own: the caption and
    /// the pixels are searched for all of it.
    pub fn known_identifiers(&self) -> Vec<KnownIdentifier> {
        (self.files.iter())
            .filter_map(|f| f.plan.as_ref())
            .flat_map(|plan| plan.findings.known.iter().cloned())
            .chain(self.mine.iter().map(|value| text::typed(value)))
            .collect()
    }

    pub fn known(&self) -> Known {
        text::known_from(&self.known_identifiers())
    }

    /// Whether the user can choose to keep a finding of the selected file. Text in the pixels,
    /// yes; of the metadata, only what the library can carry over (a photo's orientation and
    /// colour profile). The rest is removed whatever is ticked, and DICOM attributes follow the
    /// profile and its options, so a checkbox there would promise what is not done.
    pub fn can_keep(&self, finding: &Finding) -> bool {
        let dicom = self
            .current()
            .and_then(|f| f.source.as_ref())
            .is_some_and(|s| s.format == Format::Dicom);
        match finding.location {
            Location::Pixels { .. } => finding.action != Action::Unresolved,
            _ => {
                !dicom
                    && matches!(
                        finding.category,
                        Category::Orientation | Category::ColourProfile
                    )
            }
        }
    }

    /// The caption as it will be posted, and what reading it again found.
    pub fn cleaned_caption(&self) -> CleanedCaption {
        cleaned(&self.caption_document(), &self.caption_kept)
    }

    fn caption_document(&self) -> Document {
        Document::caption(
            "caption".into(),
            self.caption.clone(),
            self.known_identifiers(),
        )
    }

    pub fn apply(&mut self, action: Command) -> Vec<Task> {
        match action {
            Command::Open(paths) => return self.open(&paths),
            Command::AskOpen => return vec![Task::Dialog(Dialog::Open)],
            Command::Select(index) if index < self.files.len() => self.select(index),
            Command::Select(_) => {}
            Command::Next | Command::Previous if self.files.is_empty() => {}
            Command::Next => {
                let next = self
                    .selected
                    .map_or(0, |i| (i + 1).min(self.files.len() - 1));
                self.select(next);
            }
            Command::Previous => {
                let previous = self.selected.map_or(0, |i| i.saturating_sub(1));
                self.select(previous);
            }
            Command::Toggle(finding) => {
                let allowed = self
                    .current()
                    .and_then(|f| f.plan.as_ref())
                    .and_then(|plan| plan.findings.items.get(finding))
                    .is_some_and(|f| self.can_keep(f));
                if !allowed {
                    return Vec::new();
                }
                self.edit(|items| {
                    if let Some(f) = items.get_mut(finding) {
                        f.action = match f.action {
                            Action::Remove => Action::Keep,
                            Action::Keep => Action::Remove,
                            Action::Unresolved => Action::Unresolved,
                        };
                    }
                });
            }
            Command::AddRegion { frame, region } => {
                let drawn = drawn_region(frame, region);
                self.edit(|items| items.push(drawn));
            }
            Command::DeleteRegion(finding) => {
                let drawn = self
                    .current()
                    .and_then(|f| f.plan.as_ref())
                    .and_then(|plan| plan.findings.items.get(finding))
                    .is_some_and(is_drawn);
                if drawn {
                    self.edit(|items| {
                        items.remove(finding);
                    });
                } else {
                    self.notice = Some(self.say(Say::OnlyYours).into());
                }
            }
            Command::Undo => {
                if let Some(entry) = self.selected.and_then(|i| self.files.get_mut(i))
                    && let (Some(plan), Some(items)) = (entry.plan.as_mut(), entry.undo.pop())
                {
                    plan.findings.items = items;
                    entry.edits += 1;
                }
            }
            Command::SetFrame(frame) => {
                if let Some(entry) = self.selected.and_then(|i| self.files.get_mut(i)) {
                    let frames = entry.picture.as_ref().map_or(1, |p| p.frames());
                    entry.frame = frame.min(frames.saturating_sub(1));
                }
            }
            Command::SetWindow(window) => {
                if let Some(entry) = self.selected.and_then(|i| self.files.get_mut(i)) {
                    entry.window = Some(Window {
                        center: window.center,
                        width: window.width.max(1.0),
                    });
                }
            }
            Command::ShowExported(on) => self.show_exported = on,
            Command::SetProfile(profile) => {
                self.choices.profile = profile;
                self.choices.dicom = DicomOptions::for_profile(profile);
                self.replan();
            }
            Command::SetDicomOption(name, on) => match self.choices.dicom.set(name, on) {
                Ok(()) => self.replan(),
                Err(reason) => self.notice = Some(reason),
            },
            Command::SetRedaction(redaction) => {
                self.choices.redaction = redaction;
                self.replan();
            }
            Command::SetFaceCover(cover) => {
                self.choices.faces = cover;
                self.replan();
            }
            Command::SetCaption(caption) => self.caption = caption,
            Command::ToggleCaptionSpan(span) => {
                if let Some(at) = self.caption_kept.iter().position(|k| *k == span) {
                    self.caption_kept.remove(at);
                } else {
                    self.caption_kept.push(span);
                }
            }
            Command::AddMine(value) => {
                let value = value.trim().to_string();
                if !value.is_empty() && !self.mine.contains(&value) {
                    self.mine.push(value);
                    return self.save_settings();
                }
            }
            Command::RemoveMine(index) => {
                if index < self.mine.len() {
                    self.mine.remove(index);
                    return self.save_settings();
                }
            }
            Command::SetLang(lang) => {
                self.lang = lang;
                return self.save_settings();
            }
            Command::CopyCaption => {
                self.notice = Some(self.say(Say::Copied).into());
                return vec![Task::Copy(self.cleaned_caption().text)];
            }
            Command::AskExportPost => return self.ask_export(Dialog::Post),
            Command::AskExportDicom => return self.ask_export(Dialog::Dicom),
            Command::AskExportAll => {
                if self.files.iter().any(|f| f.plan.is_some()) {
                    return vec![Task::Dialog(Dialog::Folder)];
                }
                self.notice = Some(self.say(Say::NothingToExport).into());
            }
            Command::ExportPost(path) => return self.export_current(path, true),
            Command::ExportDicom(path) => return self.export_current(path, false),
            Command::ExportAll(folder) => return self.export_all(folder),
            Command::Cancel => {
                let stopped = self.say(Say::Stopped).to_string();
                for entry in &mut self.files {
                    if matches!(entry.stage, Stage::Opening | Stage::Analysing) {
                        entry.stage = Stage::Failed(stopped.clone());
                    }
                }
                self.notice = Some(self.say(Say::Cancelled).into());
            }
            Command::Dismiss => self.notice = None,
        }
        self.preview_if_shown()
    }

    pub fn receive(&mut self, message: Message) -> Vec<Task> {
        match message {
            Message::Walked { found, failed } => {
                self.walking = self.walking.saturating_sub(1);
                return self.add_found(found, failed);
            }
            Message::Shown { index, result } => {
                let Some(entry) = self
                    .files
                    .get_mut(index)
                    .filter(|f| f.stage == Stage::Opening)
                else {
                    return Vec::new();
                };
                match result {
                    Ok((source, picture)) => {
                        entry.window = picture.window();
                        entry.source = Some(source);
                        entry.picture = Some(picture);
                        entry.stage = Stage::Analysing;
                    }
                    Err(reason) => entry.stage = Stage::Failed(reason),
                }
            }
            Message::Analysed { index, result } => {
                let waiting = self
                    .files
                    .get(index)
                    .filter(|f| f.stage == Stage::Analysing);
                let planned = match (result, waiting) {
                    (_, None) => return Vec::new(),
                    (Ok(findings), Some(entry)) => match &entry.source {
                        Some(source) => self.plan_for(source.format, &findings),
                        None => Err("not opened".into()),
                    },
                    (Err(reason), Some(_)) => Err(reason),
                };
                let entry = &mut self.files[index];
                match planned {
                    Ok(plan) => {
                        entry.plan = Some(plan);
                        entry.stage = Stage::Ready;
                        entry.edits += 1;
                    }
                    Err(reason) => entry.stage = Stage::Failed(reason),
                }
            }
            Message::Previewed {
                index,
                edits,
                result,
            } => {
                if let Some(entry) = self.files.get_mut(index) {
                    match result {
                        Ok(picture) => entry.exported_view = Some((edits, picture)),
                        Err(reason) => {
                            self.notice = Some(
                                Say::ExportFailed
                                    .with(self.lang, &[&display_name(&entry.path), &reason]),
                            )
                        }
                    }
                }
            }
            Message::Exported { index, verdict } => {
                self.exporting = self.exporting.saturating_sub(1);
                if let Some(entry) = self.files.get_mut(index) {
                    let name = display_name(&entry.path);
                    self.notice = Some(match &verdict {
                        Verdict::Clean(path) => {
                            Say::CheckedClean.with(self.lang, &[&path.display().to_string()])
                        }
                        Verdict::NotClean(left) => Say::NotClean.with(self.lang, &[&name, left]),
                        Verdict::Failed(reason) => {
                            Say::ExportFailed.with(self.lang, &[&name, reason])
                        }
                    });
                    entry.verdict = Some(verdict);
                }
            }
            Message::ExportsFinished {
                destination,
                clean,
                total,
            } => {
                if total > 1 {
                    self.notice = Some(Say::AllDone.with(
                        self.lang,
                        &[
                            &clean.to_string(),
                            &total.to_string(),
                            &destination.display().to_string(),
                        ],
                    ));
                }
            }
            Message::Chosen { dialog, paths } => {
                let Some(path) = paths.first().cloned() else {
                    self.notice = Some(self.say(Say::NoDialog).into());
                    return Vec::new();
                };
                return match dialog {
                    Dialog::Open => self.apply(Command::Open(paths)),
                    Dialog::Post => self.apply(Command::ExportPost(path)),
                    Dialog::Dicom => self.apply(Command::ExportDicom(path)),
                    Dialog::Folder => self.apply(Command::ExportAll(path)),
                };
            }
            Message::CaptionWritten(Ok(path)) => {
                self.notice = Some(format!(
                    "{} {}",
                    self.notice.take().unwrap_or_default(),
                    Say::CaptionWritten.with(self.lang, &[&path.display().to_string()])
                ));
            }
            Message::CaptionWritten(Err(reason)) => {
                self.notice = Some(format!(
                    "{} {}",
                    self.notice.take().unwrap_or_default(),
                    Say::ExportFailed.with(self.lang, &["caption", &reason])
                ));
            }
            Message::SettingsFailed(reason) => {
                self.notice = Some(Say::SettingsNotSaved.with(self.lang, &[&reason]));
            }
        }
        self.preview_if_shown()
    }

    fn select(&mut self, index: usize) {
        self.selected = Some(index);
    }

    /// Folders are walked on a worker: a CD's worth of files must not freeze the window.
    fn open(&mut self, paths: &[PathBuf]) -> Vec<Task> {
        self.inputs.extend(paths.iter().cloned());
        self.walking += 1;
        vec![Task::Walk(paths.to_vec())]
    }

    fn add_found(&mut self, found: Vec<Found>, failed: Vec<FileReport>) -> Vec<Task> {
        if found.is_empty() && failed.is_empty() {
            self.notice = Some(self.say(Say::NothingInside).into());
            return Vec::new();
        }
        let first = self.files.len();
        let mut queue = Vec::new();
        for Found { path, relative } in found {
            if self.files.iter().any(|f| f.path == path) {
                continue;
            }
            queue.push((self.files.len(), path.clone()));
            self.files.push(Entry::new(path, relative, Stage::Opening));
        }
        for report in failed {
            let reason = report.error.unwrap_or_default();
            let relative = PathBuf::from(display_name(&report.input));
            self.files
                .push(Entry::new(report.input, relative, Stage::Failed(reason)));
        }
        if self.selected.is_none() && self.files.len() > first {
            self.selected = Some(first);
        }
        if queue.is_empty() {
            Vec::new()
        } else {
            vec![Task::Open(queue)]
        }
    }

    /// Change the selected file's findings, remembering how they were for undo.
    fn edit(&mut self, change: impl FnOnce(&mut Vec<Finding>)) {
        let Some(entry) = self.selected.and_then(|i| self.files.get_mut(i)) else {
            return;
        };
        let Some(plan) = entry.plan.as_mut() else {
            return;
        };
        entry.undo.push(plan.findings.items.clone());
        change(&mut plan.findings.items);
        entry.edits += 1;
    }

    fn plan_for(&self, format: Format, findings: &Findings) -> Result<Plan, String> {
        self.choices
            .plan(format, findings)
            .map_err(|error| error.to_string())
    }

    /// The profile or the options changed: every plan follows, keeping the user's choices.
    fn replan(&mut self) {
        for index in 0..self.files.len() {
            let (Some(source), Some(plan)) = (&self.files[index].source, &self.files[index].plan)
            else {
                continue;
            };
            match self.plan_for(source.format, &plan.findings) {
                Ok(plan) => {
                    let entry = &mut self.files[index];
                    entry.plan = Some(plan);
                    entry.edits += 1;
                }
                Err(reason) => self.notice = Some(reason),
            }
        }
    }

    fn preview_if_shown(&self) -> Vec<Task> {
        if !self.show_exported {
            return Vec::new();
        }
        let Some(index) = self.selected else {
            return Vec::new();
        };
        let entry = &self.files[index];
        let (Some(source), Some(plan)) = (&entry.source, &entry.plan) else {
            return Vec::new();
        };
        if entry
            .exported_view
            .as_ref()
            .is_some_and(|(edits, _)| *edits == entry.edits)
            || plan.findings.unresolved().next().is_some()
        {
            return Vec::new();
        }
        vec![Task::Preview {
            index,
            edits: entry.edits,
            source: source.clone(),
            plan: Box::new(plan.clone()),
        }]
    }

    fn ask_export(&mut self, dialog: Dialog) -> Vec<Task> {
        match self.current() {
            None => self.notice = Some(self.say(Say::NothingToExport).into()),
            Some(entry) if entry.plan.is_none() => {
                self.notice = Some(self.say(Say::NotReady).into())
            }
            Some(entry)
                if dialog == Dialog::Dicom
                    && entry.source.as_ref().map(|s| s.format) != Some(Format::Dicom) =>
            {
                self.notice = Some(self.say(Say::NotDicom).into())
            }
            Some(_) => return vec![Task::Dialog(dialog)],
        }
        Vec::new()
    }

    fn export_current(&mut self, path: PathBuf, post: bool) -> Vec<Task> {
        let Some(index) = self.selected else {
            self.notice = Some(self.say(Say::NothingToExport).into());
            return Vec::new();
        };
        if self.files[index].plan.is_none() {
            self.notice = Some(self.say(Say::NotReady).into());
            return Vec::new();
        }
        let destination = if post { post_path(path) } else { path };
        let caption = destination.with_extension("txt");
        let protected = self.protected();
        if let Some(input) = [&destination, &caption]
            .into_iter()
            .find_map(|path| batch::overwritten_input(path, &protected))
        {
            self.notice = Some(Say::WouldOverwrite.with(self.lang, &[&display_name(input)]));
            return Vec::new();
        }
        let entry = &self.files[index];
        let (Some(source), Some(plan)) = (&entry.source, &entry.plan) else {
            return Vec::new();
        };
        let export = Export {
            index,
            source: source.clone(),
            plan: Box::new(plan.clone()),
            post: post.then_some((entry.frame, entry.window)),
            destination: destination.clone(),
        };
        self.exporting += 1;
        self.notice = Some(self.say(Say::Exporting).into());
        let caption = if post {
            self.caption_out(Ok(caption))
        } else {
            None
        };
        vec![Task::Export {
            exports: vec![export],
            refused: Vec::new(),
            caption,
        }]
    }

    /// Every ready file into `folder`, through the same guards as `caviar scrub`: never inside
    /// an opened folder, never over an opened file, never two files onto one name.
    fn export_all(&mut self, folder: PathBuf) -> Vec<Task> {
        let protected = self.protected();
        if let Err(reason) = batch::refuse_inside_inputs(&folder, &protected) {
            self.notice = Some(reason);
            return Vec::new();
        }
        let ready: Vec<Found> = self
            .files
            .iter()
            .filter(|entry| entry.source.is_some() && entry.plan.is_some())
            .map(|entry| Found {
                path: entry.path.clone(),
                relative: entry.relative.clone(),
            })
            .collect();
        if ready.is_empty() {
            self.notice = Some(self.say(Say::NothingToExport).into());
            return Vec::new();
        }
        let planned = batch::assign_outputs(ready, &folder, &protected);
        // Looked up once per file: a case of thousands of files is planned on this thread.
        let indices: std::collections::HashMap<&Path, usize> = (self.files.iter().enumerate())
            .map(|(index, entry)| (entry.path.as_path(), index))
            .collect();
        let index_of = |path: &Path| indices.get(path).copied();
        let exports: Vec<Export> = planned
            .jobs
            .iter()
            .filter_map(|job| {
                let index = index_of(&job.input)?;
                let entry = &self.files[index];
                Some(Export {
                    index,
                    source: entry.source.clone()?,
                    plan: Box::new(entry.plan.clone()?),
                    destination: job.output.clone(),
                    post: None,
                })
            })
            .collect();
        let refused: Vec<(usize, String)> = planned
            .failed
            .into_iter()
            .filter_map(|report| Some((index_of(&report.input)?, report.error?)))
            .collect();
        let caption = folder.join("caption.txt");
        let caption = match batch::overwritten_input(&caption, &protected) {
            Some(input) => Err(Say::WouldOverwrite.with(self.lang, &[&display_name(input)])),
            None if planned.jobs.iter().any(|job| job.output == caption) => Err(format!(
                "{} is also the name of an exported file",
                caption.display()
            )),
            None => Ok(caption),
        };
        self.exporting += exports.len() + refused.len();
        self.notice = Some(self.say(Say::Exporting).into());
        let caption = self.caption_out(caption);
        vec![Task::Export {
            exports,
            refused,
            caption,
        }]
    }

    /// Every path the user opened, folders and the files in them: no export may replace one.
    fn protected(&self) -> Vec<PathBuf> {
        (self.inputs.iter())
            .chain(self.files.iter().map(|f| &f.path))
            .cloned()
            .collect()
    }

    /// The cleaned caption written beside an export, when there is one and it checked clean.
    fn caption_out(&mut self, destination: Result<PathBuf, String>) -> Option<CaptionOut> {
        if self.caption.trim().is_empty() {
            return None;
        }
        let document = self.caption_document();
        let plan = caption_plan(&document, &self.caption_kept).ok()?;
        Some(CaptionOut {
            destination,
            document,
            plan,
        })
    }

    fn save_settings(&self) -> Vec<Task> {
        if self.settings_path.is_none() {
            return Vec::new();
        }
        vec![Task::SaveSettings(Settings {
            lang: Some(self.lang),
            mine: self.mine.clone(),
        })]
    }

    pub fn settings_path(&self) -> Option<&Path> {
        self.settings_path.as_deref()
    }
}

/// What a region the user drew says about itself; it tells drawn regions from found text.
const DRAWN: &str = "an area the user drew";

fn drawn_region(frame: u32, region: Region) -> Finding {
    Finding {
        category: Category::Text,
        location: Location::Pixels { frame, region },
        value: String::new(),
        explanation: DRAWN.into(),
        confidence: 1.0,
        action: Action::Remove,
    }
}

pub fn is_drawn(finding: &Finding) -> bool {
    finding.explanation == DRAWN && matches!(finding.location, Location::Pixels { .. })
}

pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A post is a PNG unless the name asks for JPEG.
fn post_path(path: PathBuf) -> PathBuf {
    match post_format(&path) {
        Some(_) => path,
        None => path.with_extension("png"),
    }
}

pub fn post_format(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match extension.as_str() {
        "png" => Some(Format::Png),
        "jpg" | "jpeg" => Some(Format::Jpeg),
        _ => None,
    }
}

impl Entry {
    fn new(path: PathBuf, relative: PathBuf, stage: Stage) -> Entry {
        Entry {
            path,
            relative,
            stage,
            source: None,
            picture: None,
            plan: None,
            exported_view: None,
            edits: 0,
            undo: Vec::new(),
            frame: 0,
            window: None,
            verdict: None,
        }
    }

    /// Findings still to remove that would identify someone.
    pub fn to_remove(&self) -> usize {
        self.plan.as_ref().map_or(0, |plan| {
            plan.findings
                .identifying()
                .filter(|f| f.action == Action::Remove)
                .count()
        })
    }

    pub fn unresolved(&self) -> bool {
        self.plan
            .as_ref()
            .is_some_and(|plan| plan.findings.unresolved().next().is_some())
    }
}
