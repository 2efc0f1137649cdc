//! The desktop app: drop a scan, see what gives you away, adjust, export.
//!
//! Thin by design: [`state`] holds what the user is doing and the one step that changes it,
//! [`panels`] and [`canvas`] draw it and return actions, [`worker`] runs the slow parts of the
//! library's pipeline on threads. No scrubbing happens here; the library does it all.

mod canvas;
mod panels;
pub mod settings;
pub mod state;
pub mod strings;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

pub use eframe::egui;
use egui::{Key, KeyboardShortcut, Modifiers};

use self::canvas::Canvas;
use self::panels::Drafts;
use self::settings::Settings;
use self::state::{Command, State, Task};
use self::worker::Worker;

/// The application id: the `.desktop` file's name and the window's class, so the desktop
/// matches the window to its icon.
pub const APP_ID: &str = "org.caviar.Caviar";

pub struct App {
    pub state: State,
    worker: Worker,
    canvas: Canvas,
    drafts: Drafts,
    pending: Vec<Command>,
    /// When the process started, while the first frame is not drawn yet and CAVIAR_TIMING
    /// asks for its time (scripts/gui-smoke.sh reports it).
    timing: Option<std::time::Instant>,
    /// The window was asked to close while files were being written: it closes once they are.
    closing: bool,
}

impl App {
    /// An app whose worker calls `wake` on every message (the window's repaint; nothing in
    /// tests that step frame by frame).
    pub fn new(state: State, wake: Arc<dyn Fn() + Send + Sync>) -> App {
        let worker = Worker::new(wake, state.settings_path().map(PathBuf::from));
        App {
            state,
            worker,
            canvas: Canvas::default(),
            drafts: Drafts::default(),
            pending: Vec::new(),
            timing: None,
            closing: false,
        }
    }

    /// Carry out an action at the next frame, as if the interface had asked for it.
    pub fn perform(&mut self, action: Command) {
        self.pending.push(action);
    }

    /// One frame: messages from the workers in, the interface drawn, its actions carried out.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        for message in self.worker.drain() {
            let tasks = self.state.receive(message);
            self.run(&ctx, tasks);
        }
        let mut actions = std::mem::take(&mut self.pending);
        actions.extend(self.shortcuts(&ctx));
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|file| file.path().to_path_buf())
                .filter(|path| !path.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            actions.push(Command::Open(dropped));
        }

        let state = &self.state;
        egui::Panel::top("toolbar").show(ui, |ui| panels::top(ui, state, &mut actions));
        egui::Panel::bottom("status").show(ui, |ui| panels::notice(ui, state, &mut actions));
        if !state.files.is_empty() {
            egui::Panel::left("files")
                .resizable(true)
                .min_size(170.0)
                .default_size(220.0)
                .show(ui, |ui| panels::files(ui, state, &mut actions));
            egui::Panel::right("findings")
                .resizable(true)
                .default_size(320.0)
                .show(ui, |ui| panels::findings(ui, state, &mut actions));
            egui::Panel::bottom("caption")
                .resizable(true)
                .default_size(150.0)
                .show(ui, |ui| {
                    panels::caption(ui, state, &mut self.drafts, &mut actions)
                });
        }
        let canvas = &mut self.canvas;
        egui::CentralPanel::default().show(ui, |ui| {
            if state.files.is_empty() {
                panels::welcome(ui, state, &mut actions);
            } else {
                panels::view_bar(ui, state, canvas, &mut actions);
                canvas.show(ui, state, &mut actions);
            }
        });
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            let screen = ctx.content_rect();
            ctx.layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop"),
            ))
            .rect_filled(screen, 0.0, egui::Color32::from_black_alpha(120));
        }
        self.act(&ctx, actions);
        self.close_when_written(&ctx);
        if let Some(started) = self.timing.take() {
            eprintln!("first frame after {} ms", started.elapsed().as_millis());
        }
    }

    /// Closing in the middle of an export would leave it half done: the window waits for the
    /// files being written, says so, and closes after.
    fn close_when_written(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.state.exporting > 0 {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.closing = true;
            self.state.notice = Some(self.state.say(strings::Say::ClosingAfterExport).into());
        }
        if self.closing && self.state.exporting == 0 {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn act(&mut self, ctx: &egui::Context, actions: Vec<Command>) {
        for action in actions {
            if action == Command::Cancel {
                self.worker.cancel();
            }
            if matches!(
                action,
                Command::Select(_) | Command::Next | Command::Previous
            ) {
                self.canvas.selected_region = None;
            }
            let tasks = self.state.apply(action);
            self.run(ctx, tasks);
        }
    }

    fn run(&mut self, ctx: &egui::Context, tasks: Vec<Task>) {
        for task in tasks {
            match task {
                Task::Copy(text) => ctx.copy_text(text),
                task => self.worker.run(task),
            }
        }
    }

    /// Ctrl+O open, Ctrl+E export for posting, Delete removes the selected drawn region, Ctrl+Z
    /// undoes a region edit, Page Up/Down go through the files, ←/→ through the frames. Keys
    /// meant for a text field stay there.
    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut actions = Vec::new();
        let command = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        ctx.input_mut(|i| {
            if i.consume_shortcut(&command(Key::O)) {
                actions.push(Command::AskOpen);
            }
            if i.consume_shortcut(&command(Key::E)) {
                actions.push(Command::AskExportPost);
            }
        });
        if ctx.text_edit_focused() {
            return actions;
        }
        let frame = self.state.current().map_or(0, |f| f.frame);
        ctx.input_mut(|i| {
            if i.consume_shortcut(&command(Key::Z)) {
                actions.push(Command::Undo);
            }
            if (i.consume_key(Modifiers::NONE, Key::Delete)
                || i.consume_key(Modifiers::NONE, Key::Backspace))
                && let Some(region) = self.canvas.selected_region.take()
            {
                actions.push(Command::DeleteRegion(region));
            }
            if i.consume_key(Modifiers::NONE, Key::PageDown) {
                actions.push(Command::Next);
            }
            if i.consume_key(Modifiers::NONE, Key::PageUp) {
                actions.push(Command::Previous);
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowRight) {
                actions.push(Command::SetFrame(frame + 1));
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowLeft) {
                actions.push(Command::SetFrame(frame.saturating_sub(1)));
            }
        });
        actions
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}

/// Open the window, with `files` loaded; returns when it is closed.
pub fn run(files: Vec<PathBuf>) -> ExitCode {
    let settings_path = settings::default_path();
    let settings = settings_path
        .as_deref()
        .map(Settings::load)
        .unwrap_or_default();
    let state = State::new(settings, settings_path, None);
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/caviar.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_app_id(APP_ID)
        .with_title(strings::Say::AppTitle.get(state.lang))
        .with_inner_size([1280.0, 820.0])
        .with_min_inner_size([720.0, 480.0])
        .with_drag_and_drop(true);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let timing = std::env::var_os("CAVIAR_TIMING").is_some();
    let result = eframe::run_native(
        "Caviar",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let mut app = App::new(state, Arc::new(move || ctx.request_repaint()));
            app.timing = timing.then_some(started);
            if !files.is_empty() {
                app.perform(Command::Open(files));
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("caviar: cannot open the window: {error}");
            eprintln!("caviar: the command line still works: caviar --help");
            ExitCode::from(1)
        }
    }
}
