//! Work off the interface thread: opening and analysing files (one at a time, since text
//! recognition already uses every core), previews, exports and file dialogs. Each task runs
//! on a plain thread and reports through a channel the app drains once per frame; every
//! message wakes the interface. Cancelling drops the files not yet opened.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use super::state::{CaptionOut, Dialog, Export, Message, Source, Task, Verdict, post_format};
use crate::{Document, Format};

pub struct Worker {
    sender: Sender<Message>,
    receiver: Receiver<Message>,
    /// Wakes the interface when a message arrives; None in tests that step by hand.
    wake: Arc<dyn Fn() + Send + Sync>,
    /// Bumped by every cancel; a queue stops when it no longer matches the one it started with,
    /// so a later queue is not stopped by an earlier cancel, nor an earlier one revived.
    cancelled: Arc<AtomicU64>,
    settings_path: Option<PathBuf>,
}

impl Worker {
    pub fn new(wake: Arc<dyn Fn() + Send + Sync>, settings_path: Option<PathBuf>) -> Worker {
        let (sender, receiver) = channel();
        Worker {
            sender,
            receiver,
            wake,
            cancelled: Arc::new(AtomicU64::new(0)),
            settings_path,
        }
    }

    /// Every message that has arrived since the last call.
    pub fn drain(&self) -> Vec<Message> {
        self.receiver.try_iter().collect()
    }

    /// Stop opening the files still queued; the one being analysed finishes and is dropped.
    pub fn cancel(&self) {
        self.cancelled.fetch_add(1, Ordering::SeqCst);
    }

    pub fn run(&self, task: Task) {
        let send = {
            let sender = self.sender.clone();
            let wake = self.wake.clone();
            move |message: Message| {
                let _ = sender.send(message);
                wake();
            }
        };
        match task {
            Task::Walk(paths) => spawn(move || {
                let (found, failed) = crate::batch::walk(&paths);
                send(Message::Walked { found, failed });
            }),
            Task::Open(queue) => {
                let cancelled = self.cancelled.clone();
                let started = cancelled.load(Ordering::SeqCst);
                let stopped = move || cancelled.load(Ordering::SeqCst) != started;
                spawn(move || open_all(queue, &stopped, &send));
            }
            Task::Preview {
                index,
                edits,
                source,
                plan,
            } => spawn(move || {
                let result = source.load().and_then(|document| {
                    crate::apply(&document, &plan)
                        .and_then(|output| {
                            crate::view::picture(&Document {
                                source: document.source.clone(),
                                format: output.format,
                                bytes: output.bytes,
                                known: Vec::new(),
                            })
                        })
                        .map(Arc::new)
                        .map_err(|error| error.to_string())
                });
                send(Message::Previewed {
                    index,
                    edits,
                    result,
                });
            }),
            Task::Export {
                exports,
                refused,
                caption,
            } => spawn(move || {
                export_all(exports, refused, &send);
                if let Some(caption) = caption {
                    send(Message::CaptionWritten(write_caption(caption)));
                }
            }),
            Task::Dialog(dialog) => spawn(move || {
                let paths = ask(dialog);
                send(Message::Chosen { dialog, paths });
            }),
            Task::SaveSettings(settings) => {
                if let Some(path) = self.settings_path.clone() {
                    spawn(move || {
                        if let Err(reason) = settings.save(&path) {
                            send(Message::SettingsFailed(reason));
                        }
                    });
                }
            }
            Task::Copy(_) => {}
        }
    }
}

fn spawn(work: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name("caviar-worker".into())
        .spawn(work)
        .expect("a thread can be started");
}

/// Open each file and show it at once, then analyse it: the picture appears before the slower
/// search for text is done.
fn open_all(queue: Vec<(usize, PathBuf)>, stopped: &impl Fn() -> bool, send: &impl Fn(Message)) {
    for (index, path) in queue {
        if stopped() {
            return;
        }
        let opened = crate::batch::guarded("reading this file", || {
            let document = crate::load(&path)?;
            let picture = crate::view::picture(&document).map_err(|error| error.to_string());
            Ok((document, picture))
        })
        .map_err(|error| error.to_string());
        let document = match opened {
            Ok((document, Ok(picture))) => {
                send(Message::Shown {
                    index,
                    result: Ok((Source::of(&document), Arc::new(picture))),
                });
                document
            }
            Ok((_, Err(reason))) | Err(reason) => {
                send(Message::Shown {
                    index,
                    result: Err(reason),
                });
                continue;
            }
        };
        let result = crate::batch::guarded("analysing this file", || crate::analyze(&document))
            .map_err(|error| error.to_string());
        if stopped() {
            return;
        }
        send(Message::Analysed { index, result });
    }
}

fn export_all(exports: Vec<Export>, refused: Vec<(usize, String)>, send: &impl Fn(Message)) {
    let total = exports.len() + refused.len();
    for (index, reason) in refused {
        send(Message::Exported {
            index,
            verdict: Verdict::Failed(reason),
        });
    }
    let destination = exports
        .first()
        .and_then(|e| e.destination.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut clean = 0;
    for export in exports {
        let verdict = write(&export);
        clean += usize::from(matches!(verdict, Verdict::Clean(_)));
        send(Message::Exported {
            index: export.index,
            verdict,
        });
    }
    send(Message::ExportsFinished {
        destination,
        clean,
        total,
    });
}

/// The caption written as the command line writes it: applied, read again, and written only
/// if nothing identifying is left.
fn write_caption(caption: CaptionOut) -> Result<PathBuf, String> {
    let destination = caption.destination?;
    let report = crate::batch::export(&caption.document, &caption.plan, &destination);
    match (report.output, report.error) {
        (Some(written), _) => Ok(written),
        (None, Some(error)) => Err(error),
        (None, None) => Err("it still looks identifying after redaction; not written".into()),
    }
}

/// Write one file, verified; the verdict says plainly what happened.
fn write(export: &Export) -> Verdict {
    let report = match export.post {
        Some((frame, window)) => {
            let format = post_format(&export.destination).unwrap_or(Format::Png);
            let written = crate::batch::guarded("writing the post", || {
                let document = export.source.load().map_err(crate::Error::Refused)?;
                let output = crate::view::post(&document, &export.plan, frame, window, format)?;
                crate::batch::write_verified(&export.destination, &output)
            });
            match written {
                Ok(remaining) if remaining.is_clean() => {
                    return Verdict::Clean(export.destination.clone());
                }
                Ok(remaining) => return Verdict::NotClean(left(&remaining)),
                Err(error) => return Verdict::Failed(error.to_string()),
            }
        }
        None => match export.source.load() {
            Ok(document) => crate::batch::export(&document, &export.plan, &export.destination),
            Err(reason) => return Verdict::Failed(reason),
        },
    };
    if let Some(error) = report.error {
        Verdict::Failed(error)
    } else if report.clean {
        Verdict::Clean(report.output.unwrap_or_else(|| export.destination.clone()))
    } else {
        Verdict::NotClean(left(&report.remaining))
    }
}

/// What verification still found, in a few words.
fn left(remaining: &crate::Findings) -> String {
    let items: Vec<String> = remaining
        .identifying()
        .take(3)
        .map(|f| format!("{} ({})", f.category.label(), f.location))
        .collect();
    items.join(", ")
}

/// The desktop's own file dialog (xdg-desktop-portal on Linux). It answers nothing when no
/// portal is there; the interface then says so.
fn ask(dialog: Dialog) -> Vec<PathBuf> {
    let pictures = [
        "dcm", "dicom", "jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "heic", "heif", "avif",
    ];
    match dialog {
        Dialog::Open => rfd::FileDialog::new()
            .add_filter("DICOM, photos", &pictures)
            .pick_files()
            .unwrap_or_default(),
        Dialog::Post => rfd::FileDialog::new()
            .add_filter("PNG", &["png"])
            .add_filter("JPEG", &["jpg", "jpeg"])
            .set_file_name("post.png")
            .save_file()
            .into_iter()
            .collect(),
        Dialog::Dicom => rfd::FileDialog::new()
            .add_filter("DICOM", &["dcm"])
            .set_file_name("clean.dcm")
            .save_file()
            .into_iter()
            .collect(),
        Dialog::Folder => rfd::FileDialog::new().pick_folder().into_iter().collect(),
    }
}
