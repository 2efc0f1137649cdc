//! The picture and its boxes. Findings are in image pixels; this maps them to the screen, never
//! the reverse, except for the one thing the user points at (a click, a drawn region), which is
//! mapped back once and handed over as an action.

use eframe::egui;
use egui::{
    Color32, ColorImage, CornerRadius, PointerButton, Pos2, Rect, Role, Sense, Stroke, StrokeKind,
    TextureHandle, TextureOptions, Vec2, pos2, vec2,
};

use super::state::{Command, Entry, State, is_drawn};
use super::strings::Say;
use crate::view::Picture;
use crate::{Action, Location, Region, Window};

/// What the canvas keeps between frames: the uploaded picture, the view, and what the pointer
/// is doing. None of it is part of what gets exported.
#[derive(Default)]
pub struct Canvas {
    texture: Option<(Shown, TextureHandle)>,
    /// 1.0 fits the picture in the panel.
    zoom: f32,
    pan: Vec2,
    drawing: Option<Pos2>,
    window_drag: Option<Window>,
    /// The finding last clicked, for Delete.
    pub selected_region: Option<usize>,
    file: Option<usize>,
}

/// Which picture the texture holds: re-uploaded only when this changes.
#[derive(Clone, Copy, PartialEq)]
struct Shown {
    file: usize,
    frame: u32,
    window: Option<(u32, u32)>,
    exported: Option<u64>,
    /// The texture was shrunk by this much to fit the graphics card's limit.
    shrink: u32,
}

const REMOVE: Color32 = Color32::from_rgb(230, 40, 40);
const KEEP: Color32 = Color32::from_rgb(150, 150, 150);
const SELECTED: Color32 = Color32::from_rgb(255, 210, 0);

impl Canvas {
    /// A new file: fit it, forget the selection.
    fn follow(&mut self, file: usize) {
        if self.file != Some(file) {
            self.file = Some(file);
            self.zoom = 1.0;
            self.pan = Vec2::ZERO;
            self.selected_region = None;
            self.drawing = None;
        }
    }

    pub fn reset_view(&mut self) {
        self.zoom = 1.0;
        self.pan = Vec2::ZERO;
    }

    pub fn show(&mut self, ui: &mut egui::Ui, state: &State, actions: &mut Vec<Command>) {
        let Some(index) = state.selected else {
            return;
        };
        let entry = &state.files[index];
        let Some(original) = entry.picture.as_ref() else {
            ui.centered_and_justified(|ui| ui.spinner());
            return;
        };
        self.follow(index);
        if self.zoom == 0.0 {
            self.zoom = 1.0;
        }
        let exported = entry
            .exported_view
            .as_ref()
            .filter(|(edits, _)| state.show_exported && *edits == entry.edits);
        let (picture, exported_edits) = match exported {
            Some((edits, picture)) => (picture.as_ref(), Some(*edits)),
            None => (original.as_ref(), None),
        };
        let texture = self.texture_for(ui.ctx(), index, entry, picture, exported_edits);
        let (width, height) = picture.size();

        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        response
            .widget_info(|| egui::WidgetInfo::labeled(Role::Image, true, state.say(Say::Picture)));
        let area = response.rect;
        let fit = (area.width() / width as f32).min(area.height() / height as f32);
        let scale = fit * self.zoom;
        let size = vec2(width as f32 * scale, height as f32 * scale);
        let image_rect = Rect::from_center_size(area.center() + self.pan, size);
        let to_screen =
            |x: f32, y: f32| pos2(image_rect.min.x + x * scale, image_rect.min.y + y * scale);
        let to_image = |p: Pos2| {
            (
                ((p.x - image_rect.min.x) / scale).clamp(0.0, width as f32),
                ((p.y - image_rect.min.y) / scale).clamp(0.0, height as f32),
            )
        };

        let painter = painter.with_clip_rect(area);
        painter.rect_filled(area, CornerRadius::ZERO, Color32::from_gray(16));
        painter.image(
            texture.id(),
            image_rect,
            Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
            Color32::WHITE,
        );

        // Boxes of this frame, with their finding's index.
        let boxes: Vec<(usize, Rect, &crate::Finding)> = entry
            .plan
            .as_ref()
            .map(|plan| {
                plan.findings
                    .items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, f)| match f.location {
                        Location::Pixels { frame, region } if frame == entry.frame => Some((
                            i,
                            Rect::from_min_max(
                                to_screen(region.x as f32, region.y as f32),
                                to_screen(region.right() as f32, region.bottom() as f32),
                            ),
                            f,
                        )),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for &(i, rect, finding) in &boxes {
            let colour = if finding.action == Action::Keep {
                KEEP
            } else {
                REMOVE
            };
            if exported_edits.is_none() && finding.action != Action::Keep {
                painter.rect_filled(rect, CornerRadius::ZERO, colour.gamma_multiply(0.25));
            }
            let stroke = if self.selected_region == Some(i) {
                Stroke::new(3.0, SELECTED)
            } else {
                Stroke::new(1.5, colour)
            };
            painter.rect_stroke(
                rect.expand(1.0),
                CornerRadius::ZERO,
                stroke,
                StrokeKind::Outside,
            );
        }

        let pointer = response.hover_pos();
        let under = |p: Pos2| {
            boxes
                .iter()
                .filter(|(_, rect, _)| rect.expand(2.0).contains(p))
                .min_by(|a, b| a.1.area().total_cmp(&b.1.area()))
                .map(|&(i, _, f)| (i, f))
        };
        if let Some((_, finding)) = pointer.and_then(under) {
            let read = if is_drawn(finding) {
                state.say(Say::DrawnByYou).to_string()
            } else if finding.value.is_empty() {
                state.say(Say::UnreadText).to_string()
            } else {
                format!("“{}”", finding.value)
            };
            let what = Say::category(finding.category).get(state.lang);
            response.clone().on_hover_ui_at_pointer(|ui| {
                ui.label(read);
                ui.weak(what);
            });
        }

        if response.clicked_by(PointerButton::Primary) {
            match response.interact_pointer_pos().and_then(under) {
                Some((i, _)) => {
                    self.selected_region = Some(i);
                    actions.push(Command::Toggle(i));
                }
                None => self.selected_region = None,
            }
        }
        if response.drag_started_by(PointerButton::Primary) {
            self.drawing = response.interact_pointer_pos().map(|p| {
                let (x, y) = to_image(p);
                pos2(x, y)
            });
        }
        if let (Some(start), Some(now)) = (self.drawing, response.interact_pointer_pos()) {
            let (x, y) = to_image(now);
            let rect = Rect::from_two_pos(to_screen(start.x, start.y), to_screen(x, y));
            painter.rect_stroke(
                rect,
                CornerRadius::ZERO,
                Stroke::new(2.0, SELECTED),
                StrokeKind::Outside,
            );
            if response.drag_stopped_by(PointerButton::Primary) {
                self.drawing = None;
                let region = Region {
                    x: start.x.min(x) as u32,
                    y: start.y.min(y) as u32,
                    width: (start.x - x).abs().round() as u32,
                    height: (start.y - y).abs().round() as u32,
                };
                if region.width >= 2 && region.height >= 2 {
                    actions.push(Command::AddRegion {
                        frame: entry.frame,
                        region,
                    });
                }
            }
        }
        if !response.dragged_by(PointerButton::Primary)
            && !response.drag_stopped_by(PointerButton::Primary)
        {
            self.drawing = None;
        }

        // Window and level: right-drag, as in most viewers. Across changes the width, up and
        // down the level, both in proportion to the width so it feels the same for CT and MR.
        if let Some(window) = entry.window {
            if response.drag_started_by(PointerButton::Secondary) {
                self.window_drag = Some(window);
            }
            if response.dragged_by(PointerButton::Secondary) {
                let moved = ui.input(|i| i.pointer.press_origin().zip(i.pointer.latest_pos()));
                if let (Some(start), Some((from, to))) = (self.window_drag, moved) {
                    let step = start.width / 256.0;
                    actions.push(Command::SetWindow(Window {
                        center: start.center - (to.y - from.y) * step,
                        width: (start.width + (to.x - from.x) * step * 2.0).max(1.0),
                    }));
                }
            } else {
                self.window_drag = None;
            }
        }
        if response.dragged_by(PointerButton::Middle) {
            self.pan += response.drag_delta();
        }
        if let Some(p) = pointer {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                let old = self.zoom;
                self.zoom = (self.zoom * (scroll * 0.003).exp()).clamp(0.2, 40.0);
                // Keep the point under the pointer where it is.
                let from_center = p - (area.center() + self.pan);
                self.pan -= from_center * (self.zoom / old - 1.0);
            }
        }
        if state.show_exported && exported_edits.is_none() && !entry.unresolved() {
            painter.text(
                area.left_top() + vec2(8.0, 8.0),
                egui::Align2::LEFT_TOP,
                state.say(Say::Preparing),
                egui::FontId::proportional(14.0),
                Color32::WHITE,
            );
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// The texture of what is shown, uploaded again only when it changes. Pictures larger than
    /// the graphics card takes are shrunk for showing only.
    fn texture_for(
        &mut self,
        ctx: &egui::Context,
        file: usize,
        entry: &Entry,
        picture: &Picture,
        exported: Option<u64>,
    ) -> TextureHandle {
        let (width, height) = picture.size();
        let limit = ctx.input(|i| i.max_texture_side).max(1) as u32;
        let shrink = width.max(height).div_ceil(limit).max(1);
        let shown = Shown {
            file,
            frame: entry.frame,
            window: entry
                .window
                .map(|w| (w.center.to_bits(), w.width.to_bits())),
            exported,
            shrink,
        };
        if let Some((was, texture)) = &self.texture
            && *was == shown
        {
            return texture.clone();
        }
        let rendered = picture.render(entry.frame, entry.window);
        let image = if shrink > 1 {
            let small =
                image::imageops::thumbnail(rendered.as_ref(), width / shrink, height / shrink);
            ColorImage::from_rgb(
                [small.width() as usize, small.height() as usize],
                small.as_raw(),
            )
        } else {
            ColorImage::from_rgb([width as usize, height as usize], rendered.as_raw())
        };
        let texture = match self.texture.take() {
            Some((_, mut texture)) => {
                texture.set(image, TextureOptions::LINEAR);
                texture
            }
            None => ctx.load_texture("picture", image, TextureOptions::LINEAR),
        };
        self.texture = Some((shown, texture.clone()));
        texture
    }
}
