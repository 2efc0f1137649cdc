//! The panels around the picture. Each draws from `&State` and pushes actions; none changes the
//! state itself.

use eframe::egui;
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, RichText};

use super::canvas::Canvas;
use super::state::{Command, Stage, State, Verdict, display_name, is_drawn};
use super::strings::Say;
use crate::text::{self, Lang};
use crate::{
    Action, Category, DicomOptions, FaceCover, Finding, Format, Location, Profile, Redaction,
};

/// Text typed but not yet handed over (the "my name" field).
#[derive(Default)]
pub struct Drafts {
    pub mine: String,
}

pub fn top(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(state.say(Say::Open))
            .on_hover_text(state.say(Say::OpenHint))
            .clicked()
        {
            actions.push(Command::AskOpen);
        }
        ui.separator();
        let ready = state.current().is_some_and(|f| f.plan.is_some());
        let dicom = state
            .current()
            .and_then(|f| f.source.as_ref())
            .is_some_and(|s| s.format == Format::Dicom);
        if ui
            .add_enabled(ready, egui::Button::new(state.say(Say::ExportPost)))
            .on_hover_text(state.say(Say::ExportPostHint))
            .clicked()
        {
            actions.push(Command::AskExportPost);
        }
        if ui
            .add_enabled(
                ready && dicom,
                egui::Button::new(state.say(Say::ExportDicom)),
            )
            .on_hover_text(state.say(Say::ExportDicomHint))
            .clicked()
        {
            actions.push(Command::AskExportDicom);
        }
        let any_ready = state.files.iter().any(|f| f.plan.is_some());
        if ui
            .add_enabled(any_ready, egui::Button::new(state.say(Say::ExportAll)))
            .on_hover_text(state.say(Say::ExportAllHint))
            .clicked()
        {
            actions.push(Command::AskExportAll);
        }
        if state.exporting > 0 {
            ui.spinner();
        }
        ui.separator();
        let choices = &state.choices;
        let profiles = [
            (Profile::Patient, Say::PatientPost),
            (Profile::Teaching, Say::TeachingCase),
        ];
        choice(
            ui,
            state,
            Say::Profile,
            &profiles,
            choices.profile,
            actions,
            Command::SetProfile,
        );
        ui.separator();
        let redactions = [(Redaction::Blur, Say::Blur), (Redaction::Fill, Say::Fill)];
        choice(
            ui,
            state,
            Say::Redaction,
            &redactions,
            choices.redaction,
            actions,
            Command::SetRedaction,
        );
        // The faces' choice starts the second row, so that its label is never left at the end of
        // the first one, away from its buttons.
        ui.end_row();
        let covers = [
            (FaceCover::Fill, Say::Fill),
            (FaceCover::Blur, Say::Blur),
            (FaceCover::Eyes, Say::EyesOnly),
        ];
        choice(
            ui,
            state,
            Say::FaceRedaction,
            &covers,
            choices.faces,
            actions,
            Command::SetFaceCover,
        );
        ui.separator();
        ui.menu_button(state.say(Say::Advanced), |ui| advanced(ui, state, actions));
        ui.separator();
        for (lang, name) in [(Lang::Fr, "Français"), (Lang::En, "English")] {
            if ui.selectable_label(state.lang == lang, name).clicked() && state.lang != lang {
                actions.push(Command::SetLang(lang));
            }
        }
    });
}

/// The PS3.15 options, for those who know them.
/// One of the toolbar's choices: its label, then a button per option, the current one selected;
/// choosing another asks for `command`.
fn choice<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    state: &State,
    label: Say,
    options: &[(T, Say)],
    current: T,
    actions: &mut Vec<Command>,
    command: impl Fn(T) -> Command,
) {
    ui.label(state.say(label));
    for &(option, say) in options {
        if ui
            .selectable_label(current == option, state.say(say))
            .clicked()
            && current != option
        {
            actions.push(command(option));
        }
    }
}

fn advanced(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    let options = state.choices.dicom;
    let values = [
        options.retain_safe_private,
        options.retain_uids,
        options.retain_device_identity,
        options.retain_institution_identity,
        options.retain_patient_characteristics,
        options.retain_full_dates,
        options.retain_modified_dates,
        options.clean_descriptors,
        options.clean_structured_content,
        options.clean_graphics,
        options.keep_year_only,
    ];
    for (name, value) in DicomOptions::NAMES.into_iter().zip(values) {
        let mut on = value;
        if ui.checkbox(&mut on, name).changed() {
            actions.push(Command::SetDicomOption(name, on));
        }
    }
}

pub fn files(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    ui.heading(state.say(Say::Files));
    if state.busy() {
        let done = state
            .files
            .iter()
            .filter(|f| !matches!(f.stage, Stage::Opening | Stage::Analysing))
            .count();
        ui.horizontal(|ui| {
            ui.label(Say::Progress.with(
                state.lang,
                &[&done.to_string(), &state.files.len().to_string()],
            ));
            if ui.button(state.say(Say::Cancel)).clicked() {
                actions.push(Command::Cancel);
            }
        });
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (index, entry) in state.files.iter().enumerate() {
            let status = match &entry.stage {
                Stage::Opening => state.say(Say::Opening).to_string(),
                Stage::Analysing => state.say(Say::Analysing).to_string(),
                Stage::Failed(reason) => Say::ErrorPrefix.with(state.lang, &[reason]),
                Stage::Ready if entry.unresolved() => state.say(Say::CannotClean).to_string(),
                Stage::Ready => match entry.to_remove() {
                    0 => state.say(Say::NothingFound).to_string(),
                    n => Say::FindingsCount.with(state.lang, &[&n.to_string()]),
                },
            };
            let verdict = match &entry.verdict {
                Some(Verdict::Clean(_)) => format!(" · {}", state.say(Say::VerdictClean)),
                Some(_) => format!(" · {}", state.say(Say::VerdictNotWritten)),
                None => String::new(),
            };
            ui.horizontal(|ui| {
                if matches!(entry.stage, Stage::Opening | Stage::Analysing) {
                    ui.spinner();
                }
                let label = format!("{}{verdict}\n{status}", display_name(&entry.path));
                if ui
                    .selectable_label(state.selected == Some(index), label)
                    .clicked()
                {
                    actions.push(Command::Select(index));
                }
            });
        }
    });
}

pub fn findings(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    ui.heading(state.say(Say::FindingsTitle));
    let Some(entry) = state.current() else {
        return;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        let Some(plan) = entry.plan.as_ref() else {
            if matches!(entry.stage, Stage::Opening | Stage::Analysing) {
                ui.spinner();
            }
            return;
        };
        let items: Vec<(usize, &Finding)> = plan.findings.items.iter().enumerate().collect();
        let in_pixels = |f: &Finding| matches!(f.location, Location::Pixels { .. });
        // What can be seen first: the text in the picture and in the caption, then what hides
        // in the file (a DICOM header lists dozens of items).
        group(
            ui,
            state,
            Say::GroupPixels,
            items.iter().filter(|(_, f)| in_pixels(f)),
            actions,
        );
        caption_group(ui, state, actions);
        group(
            ui,
            state,
            Say::GroupMetadata,
            items.iter().filter(|(_, f)| !in_pixels(f)),
            actions,
        );
    });
}

fn group<'a>(
    ui: &mut egui::Ui,
    state: &State,
    title: Say,
    items: impl Iterator<Item = &'a (usize, &'a Finding)>,
    actions: &mut Vec<Command>,
) {
    ui.add_space(6.0);
    ui.strong(state.say(title));
    let mut any = false;
    for &(index, finding) in items {
        any = true;
        let explanation = Say::category(finding.category).get(state.lang);
        let value = if is_drawn(finding) {
            state.say(Say::DrawnByYou).to_string()
        } else if finding.value.is_empty() {
            match finding.location {
                Location::Pixels { .. } if finding.category == Category::Face => {
                    state.say(Say::FaceFound).to_string()
                }
                Location::Pixels { .. } => state.say(Say::UnreadText).to_string(),
                _ => finding.location.to_string(),
            }
        } else {
            shorten(&finding.value)
        };
        if finding.action == Action::Unresolved {
            ui.colored_label(
                Color32::from_rgb(220, 60, 60),
                Say::Unresolved.with(state.lang, &[&finding.explanation]),
            );
            continue;
        }
        let hover = format!("{explanation}\n{}", finding.location);
        if state.can_keep(finding) {
            let mut remove = finding.action == Action::Remove;
            if ui
                .checkbox(&mut remove, value)
                .on_hover_text(hover)
                .changed()
            {
                actions.push(Command::Toggle(index));
            }
            ui.weak(RichText::new(explanation).small());
        } else {
            ui.label(value).on_hover_text(hover);
            ui.weak(
                RichText::new(format!("{explanation} · {}", state.say(Say::AlwaysRemoved))).small(),
            );
        }
    }
    if !any {
        ui.weak(state.say(Say::NoneHere));
    }
}

fn caption_group(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    ui.add_space(6.0);
    ui.strong(state.say(Say::GroupCaption));
    let view = state.caption_view();
    if view.spans.is_empty() {
        ui.weak(state.say(Say::NoneHere));
    }
    let lang = text::detect_lang(&state.caption);
    for span in &view.spans {
        let found = state.caption[span.start..span.end].to_string();
        let mut remove = !state.caption_kept.contains(&found);
        if ui
            .checkbox(&mut remove, format!("{found} — {}", span.kind.tag(lang)))
            .on_hover_text(span.kind.explanation())
            .changed()
        {
            actions.push(Command::ToggleCaptionSpan(found));
        }
    }
}

fn shorten(value: &str) -> String {
    let mut chars = value.chars();
    let short: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

pub fn caption(ui: &mut egui::Ui, state: &State, drafts: &mut Drafts, actions: &mut Vec<Command>) {
    let view = state.caption_view();
    let (known, spans, cleaned) = (&view.known, &view.spans, &view.cleaned);
    ui.columns(2, |columns| {
        let ui = &mut columns[0];
        let title = ui.strong(state.say(Say::CaptionTitle)).id;
        let mut edited = state.caption.clone();
        let kept = &state.caption_kept;
        let mut layouter = |ui: &egui::Ui, buffer: &dyn egui::TextBuffer, wrap: f32| {
            let typed = buffer.as_str();
            // While typing, the text edited runs ahead of the caption by a frame.
            let found = if typed == state.caption {
                spans.clone()
            } else {
                text::find(typed, known)
            };
            let font = egui::TextStyle::Body.resolve(ui.style());
            let colour = ui.visuals().text_color();
            let mut job = LayoutJob::default();
            let mut at = 0;
            for span in &found {
                job.append(
                    &typed[at..span.start],
                    0.0,
                    TextFormat::simple(font.clone(), colour),
                );
                let keep = kept.iter().any(|k| *k == typed[span.start..span.end]);
                job.append(
                    &typed[span.start..span.end],
                    0.0,
                    TextFormat {
                        background: if keep {
                            Color32::from_rgb(90, 90, 90)
                        } else {
                            Color32::from_rgb(170, 30, 30)
                        },
                        color: Color32::WHITE,
                        ..TextFormat::simple(font.clone(), colour)
                    },
                );
                at = span.end;
            }
            job.append(&typed[at..], 0.0, TextFormat::simple(font, colour));
            job.wrap.max_width = wrap;
            ui.fonts_mut(|f| f.layout_job(job))
        };
        let output = egui::TextEdit::multiline(&mut edited)
            .hint_text(state.say(Say::CaptionHint))
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter)
            .show(ui);
        let response = &output.response.response.clone().labelled_by(title);
        if response.changed() {
            actions.push(Command::SetCaption(edited.clone()));
        }
        if let Some(pointer) = response.hover_pos() {
            let at = output
                .galley
                .cursor_from_pos(pointer - output.galley_pos)
                .index
                .0;
            let byte = edited
                .char_indices()
                .nth(at)
                .map_or(edited.len(), |(b, _)| b);
            if let Some(span) = spans.iter().find(|s| s.start <= byte && byte < s.end) {
                response.clone().on_hover_text_at_pointer(format!(
                    "{} — {}",
                    span.kind.tag(text::detect_lang(&edited)),
                    span.kind.explanation()
                ));
            }
        }

        let ui = &mut columns[1];
        ui.horizontal(|ui| {
            ui.strong(state.say(Say::CaptionClean));
            if ui.button(state.say(Say::Copy)).clicked() {
                actions.push(Command::CopyCaption);
            }
        });
        ui.add(egui::Label::new(cleaned.text.as_str()).wrap());
        ui.add_space(4.0);
        ui.collapsing(state.say(Say::Mine), |ui| {
            let mine_title = ui.label(state.say(Say::MineHint)).id;
            for (index, value) in state.mine.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.label(value);
                    if ui
                        .small_button("×")
                        .on_hover_text(Say::Remove.with(state.lang, &[value]))
                        .clicked()
                    {
                        actions.push(Command::RemoveMine(index));
                    }
                });
            }
            ui.horizontal(|ui| {
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut drafts.mine)
                            .hint_text(state.say(Say::Mine)),
                    )
                    .labelled_by(mine_title);
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button(state.say(Say::Add)).clicked() || entered)
                    && !drafts.mine.trim().is_empty()
                {
                    actions.push(Command::AddMine(std::mem::take(&mut drafts.mine)));
                }
            });
        });
    });
}

/// Above the picture: before/after, the frame, the window, fit.
pub fn view_bar(ui: &mut egui::Ui, state: &State, canvas: &mut Canvas, actions: &mut Vec<Command>) {
    let Some(entry) = state.current() else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        for (exported, say) in [(false, Say::Before), (true, Say::After)] {
            if ui
                .selectable_label(state.show_exported == exported, state.say(say))
                .clicked()
                && state.show_exported != exported
            {
                actions.push(Command::ShowExported(exported));
            }
        }
        if ui.button(state.say(Say::ResetView)).clicked() {
            canvas.reset_view();
        }
        let frames = entry.picture.as_ref().map_or(1, |p| p.frames());
        if frames > 1 {
            let mut frame = entry.frame + 1;
            let slider = egui::Slider::new(&mut frame, 1..=frames).text(state.say(Say::Frame));
            if ui.add(slider).changed() {
                actions.push(Command::SetFrame(frame - 1));
            }
        }
        if let Some(window) = entry.window
            && entry.picture.as_ref().is_some_and(|p| p.window().is_some())
        {
            ui.weak(Say::WindowLevel.with(
                state.lang,
                &[
                    &format!("{:.0}", window.width),
                    &format!("{:.0}", window.center),
                ],
            ));
        }
    });
    ui.weak(RichText::new(state.say(Say::CanvasHelp)).small());
}

/// Before anything is open: what to do.
pub fn welcome(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 3.0);
        ui.heading(state.say(Say::DropHere));
        ui.add_space(8.0);
        if ui.button(state.say(Say::Open)).clicked() {
            actions.push(Command::AskOpen);
        }
        ui.weak(state.say(Say::DropOr));
        ui.add_space(24.0);
        ui.label(state.say(Say::Private));
    });
}

pub fn notice(ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
    if let Some(notice) = &state.notice {
        ui.horizontal(|ui| {
            if ui.small_button("×").clicked() {
                actions.push(Command::Dismiss);
            }
            ui.label(notice);
        });
    }
}
