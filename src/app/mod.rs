//! The Lamina web app (leptos, client-side). One context (`Ctx`) holds the state as signals:
//! the plate (an engine `Scene`), the selection, the chosen presets and the user's own
//! values, and the last slice. Components read what they show and change it through `Ctx`'s
//! methods; the heavy work (slicing) runs in a Web Worker (`slicing`), drawing in `view3d`,
//! and `projects` keeps the work in the browser's storage.

mod assist;
mod browser;
mod calibrate;
mod files;
mod gizmo;
mod lan;
mod library;
mod measure;
mod object_settings;
mod objects;
mod paint;
mod pictures;
mod preview_panel;
mod print_panel;
mod projects;
mod publish;
mod pwa;
mod scrubber;
mod settings_panel;
mod slicing;
mod usb;
mod view3d;

use crate::engine::mesh::ImportedObject;
use crate::engine::model::{Scene, shapes};
use crate::engine::settings::{Choice, Preset, Settings, all_presets, resolve_choice};
use glam::DAffine3;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Starts the app on the page. In the slicing worker (no window) it does nothing: the worker
/// runs `worker::start` instead.
pub fn start() {
    if web_sys::window().is_none() {
        return;
    }
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// How long an information message stays (ms).
const MESSAGE_MS: u64 = 8000;

/// A note for the user: an error (red) or information.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u32,
    pub text: String,
    pub error: bool,
}

/// Models on the plate, or the sliced toolpaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewMode {
    Models,
    Preview,
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub scene: RwSignal<Scene>,
    /// (object, copy) indices into the scene: the copy Placement edits.
    pub selected: RwSignal<Option<(usize, usize)>>,
    /// Copies selected beside it (Ctrl- and Shift-click); see `Ctx::selection`.
    pub also: RwSignal<Vec<(usize, usize)>>,
    /// The objects' context menu, open at this point of the page.
    pub object_menu: RwSignal<Option<(i32, i32)>>,
    undo: StoredValue<Vec<Scene>>,
    redo: StoredValue<Vec<Scene>>,
    pub presets: RwSignal<Vec<Preset>>,
    pub choice: RwSignal<Choice>,
    /// The user's own values on top of the presets (only valid ones).
    pub overrides: RwSignal<BTreeMap<String, String>>,
    /// Presets alone, and presets with the user's values; `Err` names the problem.
    pub base: Memo<Result<Settings, String>>,
    pub settings: Memo<Result<Settings, String>>,
    pub messages: RwSignal<Vec<Message>>,
    /// Bumped when the camera should frame the plate's content (import, reload).
    pub fit_request: RwSignal<u32>,
    /// The keyboard shortcuts dialog is open.
    pub shortcuts: RwSignal<bool>,
    /// The Calibrate dialog is open.
    pub calibrate: RwSignal<bool>,
    /// The settings panel edits the selected object's own settings (`settings_object`).
    pub object_settings: RwSignal<bool>,
    next_message: StoredValue<u32>,
    /// What is being read, while files load.
    pub busy: RwSignal<Option<String>>,
    pub mode: RwSignal<ViewMode>,
    pub slicing: slicing::SlicingState,
    /// Click a face to lay the selected copy on it.
    pub lay_flat_mode: RwSignal<bool>,
    /// A pose Assist offers, shown on the plate in place of the copy: (copy, placement).
    pub pose_preview: RwSignal<Option<((usize, usize), DAffine3)>>,
    /// The measuring tool and what it measured.
    pub measure: RwSignal<measure::Measure>,
    /// The gizmo's handles shown on the selected copy.
    pub gizmo: RwSignal<Option<crate::engine::model::gizmo::Tool>>,
    /// The support paint brush.
    pub paint: paint::PaintTool,
    pub projects: projects::Projects,
    pub usb: usb::Usb,
    pub lan: lan::Lan,
    pub library: library::Library,
    pub assist: assist::Assist,
}

/// The presets chosen, with the user's values on top (the engine's resolution, over every
/// preset the app knows: embedded and the user's own).
fn resolve(
    presets: &[Preset],
    choice: &Choice,
    overrides: Option<&BTreeMap<String, String>>,
) -> Result<Settings, String> {
    let overrides = overrides
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()));
    resolve_choice(choice, presets, overrides).map_err(|e| e.to_string())
}

impl Ctx {
    fn new() -> Ctx {
        let presets = RwSignal::new(all_presets().unwrap_or_default());
        let choice = RwSignal::new(Choice::default());
        let overrides = RwSignal::new(BTreeMap::new());
        let base = Memo::new(move |_| presets.with(|p| resolve(p, &choice.get(), None)));
        let settings = Memo::new(move |_| {
            presets.with(|p| overrides.with(|o| resolve(p, &choice.get(), Some(o))))
        });
        Ctx {
            scene: RwSignal::new(Scene::default()),
            selected: RwSignal::new(None),
            also: RwSignal::new(Vec::new()),
            object_menu: RwSignal::new(None),
            undo: StoredValue::new(Vec::new()),
            redo: StoredValue::new(Vec::new()),
            presets,
            choice,
            overrides,
            base,
            settings,
            messages: RwSignal::new(Vec::new()),
            fit_request: RwSignal::new(0),
            shortcuts: RwSignal::new(false),
            calibrate: RwSignal::new(false),
            object_settings: RwSignal::new(false),
            next_message: StoredValue::new(0),
            busy: RwSignal::new(None),
            mode: RwSignal::new(ViewMode::Models),
            slicing: slicing::SlicingState::new(),
            lay_flat_mode: RwSignal::new(false),
            gizmo: RwSignal::new(None),
            measure: RwSignal::new(measure::Measure::default()),
            pose_preview: RwSignal::new(None),
            paint: paint::PaintTool::new(),
            projects: projects::Projects::new(),
            usb: usb::Usb::new(),
            lan: lan::Lan::new(),
            library: library::Library::new(),
            assist: assist::Assist::new(),
        }
    }

    pub fn say(&self, text: impl Into<String>, error: bool) {
        let id = self.next_message.get_value();
        self.next_message.set_value(id + 1);
        let text = text.into();
        if error {
            web_sys::console::warn_1(&text.clone().into());
        }
        self.messages.update(|m| {
            m.push(Message { id, text, error });
            let n = m.len();
            if n > 5 {
                m.drain(..n - 5);
            }
        });
        // Information goes by itself (a toast); an error stays until closed.
        if !error {
            let messages = self.messages;
            set_timeout(
                move || messages.update(|v| v.retain(|x| x.id != id)),
                std::time::Duration::from_millis(MESSAGE_MS),
            );
        }
    }

    /// A key pressed with no modifier, outside any field, while the plate's models show: a
    /// shortcut for the 3D view's tools.
    pub fn plate_key(&self, ev: &web_sys::KeyboardEvent) -> bool {
        !(browser::typing(ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key())
            && self.mode.get_untracked() == ViewMode::Models
    }

    /// Asks the 3D view to frame the plate's content.
    pub fn fit_view(&self) {
        self.fit_request.update(|n| *n += 1);
    }

    /// Changes the scene as one undoable step.
    pub fn edit(&self, f: impl FnOnce(&mut Scene)) {
        let before = self.scene.get_untracked();
        self.undo.update_value(|u| {
            u.push(before);
            if u.len() > 100 {
                u.remove(0);
            }
        });
        self.redo.update_value(|r| r.clear());
        self.scene.update(f);
        self.fix_selection();
    }

    /// Records the current scene as an undo step (before a drag moves it live).
    pub fn checkpoint(&self, before: Scene) {
        self.undo.update_value(|u| u.push(before));
        self.redo.update_value(|r| r.clear());
    }

    pub fn undo(&self) {
        if let Some(prev) = self.undo.try_update_value(|u| u.pop()).flatten() {
            let now = self.scene.get_untracked();
            self.redo.update_value(|r| r.push(now));
            self.scene.set(prev);
            self.fix_selection();
        }
    }

    pub fn redo(&self) {
        if let Some(next) = self.redo.try_update_value(|r| r.pop()).flatten() {
            let now = self.scene.get_untracked();
            self.undo.update_value(|u| u.push(now));
            self.scene.set(next);
            self.fix_selection();
        }
    }

    fn fix_selection(&self) {
        let valid = |(o, i): (usize, usize)| {
            self.scene
                .with_untracked(|s| s.objects.get(o).is_some_and(|ob| i < ob.instances.len()))
        };
        if !self.selected.get_untracked().is_some_and(valid) {
            self.selected.set(None);
        }
        if !self.also.with_untracked(|a| a.iter().all(|x| valid(*x))) {
            self.also.update(|a| a.retain(|x| valid(*x)));
        }
    }

    /// The bed's centre, corner and size from the current settings.
    pub fn bed(&self) -> (f64, f64, f64, f64, f64) {
        self.settings.with_untracked(|s| match s {
            Ok(s) => {
                let (x0, y0) = if s.origin_at_center {
                    (-s.bed_size_x / 2.0, -s.bed_size_y / 2.0)
                } else {
                    (0.0, 0.0)
                };
                (x0, y0, s.bed_size_x, s.bed_size_y, s.max_print_height)
            }
            Err(_) => (0.0, 0.0, 220.0, 220.0, 250.0),
        })
    }

    /// Adds imported objects: each lands on the bed, centred, or beside what is there.
    pub fn add_objects(&self, objects: Vec<ImportedObject>) {
        let (x0, y0, w, d, _) = self.bed();
        self.edit(|scene| {
            let before = scene.objects.len();
            scene.add(objects);
            let mut added = Scene {
                objects: scene.objects.split_off(before),
                ..Default::default()
            };
            added.drop_to_bed();
            added.center_at(x0 + w / 2.0, y0 + d / 2.0);
            let overlaps = match (scene.bounds(), added.bounds()) {
                (Some(a), Some(b)) => {
                    !(a.max.x < b.min.x
                        || b.max.x < a.min.x
                        || a.max.y < b.min.y
                        || b.max.y < a.min.y)
                }
                _ => false,
            };
            scene.objects.extend(added.objects);
            if overlaps {
                scene.arrange(w, d, 6.0);
                scene.center_at(x0 + w / 2.0, y0 + d / 2.0);
            }
        });
        let n = self.scene.with_untracked(|s| s.objects.len());
        if n > 0 {
            self.select(Some((n - 1, 0)));
        }
        self.fit_view();
    }

    pub fn arrange(&self) {
        let (x0, y0, w, d, _) = self.bed();
        let mut fits = true;
        self.edit(|s| {
            fits = s.arrange(w, d, 6.0);
            s.center_at(x0 + w / 2.0, y0 + d / 2.0);
        });
        if !fits {
            self.say("The objects do not all fit side by side on this bed.", true);
        }
    }

    /// The chosen presets' names: printer, filament, process.
    pub fn preset_names(&self) -> [String; 3] {
        let c = self.choice.get_untracked();
        self.presets.with_untracked(|p| {
            [c.printer, c.filament, c.process].map(|id| {
                p.iter()
                    .find(|x| x.id == id)
                    .map_or(id.clone(), |x| x.name.clone())
            })
        })
    }

    /// Keys whose value differs from the presets', for "changed" markers.
    pub fn changed_keys(&self) -> Vec<&'static str> {
        match (self.base.get(), self.settings.get()) {
            (Ok(b), Ok(s)) => s.diff(&b),
            _ => Vec::new(),
        }
    }
}

/// The demo model the app opens with: Lamina's 20 mm calibration cube.
/// Every keyboard shortcut, for the `?` dialog: (keys, what they do).
const SHORTCUTS: [(&str, &str); 19] = [
    ("?", "Show or hide this list"),
    ("Escape", "Close a panel or dialog; stop painting supports"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
    ("Delete, Backspace", "Delete the selected objects"),
    (
        "Ctrl+click, Shift+click",
        "Select more objects (list and 3D view); Shift: a run of the list",
    ),
    (
        "Right-click, Shift+F10",
        "The object's menu: rename, copy, delete, center, lay flat",
    ),
    (
        "Tab",
        "Move between controls; objects in the list are selected as they take focus",
    ),
    ("F", "Fit the content in the 3D view (the view has focus)"),
    ("Arrow keys", "Orbit the camera (the 3D view has focus)"),
    ("+, -", "Zoom in and out (the 3D view has focus)"),
    ("Arrow up, down", "In the preview: move the top layer"),
    (
        "Drag",
        "Orbit; on a selected object, move it (with the others selected)",
    ),
    (
        "M, R, S",
        "Handles to move, rotate or scale the selected object; again to hide them",
    ),
    (
        "Alt+drag a handle",
        "Move, turn or scale freely, without 1 mm, 15° and 5% steps",
    ),
    ("Right-drag, Shift+drag", "Pan"),
    (
        "D",
        "Measure: click two points for their distance, and a face for its size",
    ),
    ("Wheel, pinch", "Zoom"),
    ("Enter", "In a settings field: apply the value"),
];

/// The keyboard shortcuts dialog (`?`).
#[component]
fn Shortcuts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    Effect::new(move |prev: Option<bool>| {
        let open = ctx.shortcuts.get();
        if prev.is_some_and(|p| p != open) {
            browser::dialog_focus(open, ".shortcuts-panel", "shortcuts-button");
        }
        open
    });
    view! {
        <Show when=move || ctx.shortcuts.get()>
            <div class="overlay" on:click=move |_| ctx.shortcuts.set(false)>
                <section
                    class="shortcuts-panel"
                    role="dialog"
                    aria-modal="true"
                    aria-label="Keyboard shortcuts"
                    on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev| browser::trap_tab(&ev)
                >
                    <header>
                        <h2>"Keyboard shortcuts"</h2>
                        <button class="close" title="Close" aria-label="Close the shortcuts" on:click=move |_| ctx.shortcuts.set(false)>"×"</button>
                    </header>
                    <dl class="shortcut-list">
                        {SHORTCUTS
                            .iter()
                            .map(|(k, what)| view! { <dt><kbd>{*k}</kbd></dt><dd>{*what}</dd> })
                            .collect_view()}
                    </dl>
                </section>
            </div>
        </Show>
    }
}

fn demo_model() -> ImportedObject {
    ImportedObject {
        name: "Calibration cube".into(),
        mesh: shapes::shape("cube").unwrap_or_default(),
        instances: vec![DAffine3::IDENTITY],
        ..Default::default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::new();
    provide_context(ctx);
    // The last project (or a new one with the demo model) comes from storage.
    projects::start(ctx);
    ctx.assist.load();
    // Compile the slicer's worker while the user looks at the plate; a failure shows on Slice.
    set_timeout(
        move || {
            let _ = ctx.slicing.warm_up(ctx);
        },
        std::time::Duration::from_millis(300),
    );
    // Any change to the plate or the settings makes the last slice stale (the USB baud rate
    // only says how to reach the printer).
    Effect::new(move |prev: Option<()>| {
        ctx.scene.track();
        if prev.is_some() {
            ctx.slicing.clear(ctx);
        }
    });
    Effect::new(move |prev: Option<Result<Settings, String>>| {
        let now = ctx.settings.get().map(|mut s| {
            s.serial_baud_rate = 0;
            s
        });
        if prev.is_some_and(|p| p != now) {
            ctx.slicing.clear(ctx);
        }
        now
    });
    // Keyboard: undo/redo and delete (not while typing in a field).
    let _keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            // Panels and dialogs close, the top one first.
            if ctx.object_menu.get_untracked().is_some() {
                ctx.object_menu.set(None);
            } else if ctx.shortcuts.get_untracked() {
                ctx.shortcuts.set(false);
            } else if ctx.calibrate.get_untracked() {
                ctx.calibrate.set(false);
            } else if ctx.projects.panel.get_untracked() {
                ctx.projects.panel.set(false);
            } else if ctx.usb.open.get_untracked() {
                ctx.usb.open.set(false);
            } else if ctx.library.open.get_untracked() {
                ctx.library.open.set(false);
            }
            return;
        }
        if browser::typing(&ev) {
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        if key == "?" {
            ctx.shortcuts.update(|o| *o = !*o);
        } else if ctrl && (key == "z" || key == "Z") {
            ev.prevent_default();
            if ev.shift_key() {
                ctx.redo()
            } else {
                ctx.undo()
            }
        } else if ctrl && (key == "y" || key == "Y") {
            ev.prevent_default();
            ctx.redo();
        } else if (key == "Delete" || key == "Backspace")
            && ctx.mode.get_untracked() == ViewMode::Models
        {
            ctx.delete_selected();
        }
    });
    view! {
        <div class="app" data-ready=move || ctx.projects.ready.get().to_string()>
            <header class="topbar">
                <div class="brand">"Lamina"</div>
                <button id="shortcuts-button" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" on:click=move |_| ctx.shortcuts.update(|o| *o = !*o)>"?"</button>
                <projects::ProjectBar/>
                <files::ImportButton/>
                <library::LibraryPanel/>
                <calibrate::CalibrateButton/>
                <slicing::SliceControls/>
                <print_panel::PrintPanel/>
                <assist::AssistToggle/>
                <div class="privacy" title="Lamina runs entirely in this browser tab, Assist's helpers included: models, settings and G-code stay on this device unless you send them to a printer or publish a model.">
                    "Private: nothing leaves this device"
                </div>
            </header>
            <main class="workspace">
                <aside class="left">
                    <preview_panel::PreviewPanel/>
                    <objects::ObjectList/>
                    <objects::TransformPanel/>
                    <paint::PaintPanel/>
                    <assist::AssistPanel/>
                </aside>
                <section class="center">
                    <div class="view-row">
                        <view3d::Viewport/>
                        <preview_panel::LayerSlider/>
                    </div>
                    <scrubber::MoveScrubber/>
                </section>
                <aside class="right">
                    <div class="pickers">
                        <settings_panel::PresetPickers/>
                    </div>
                    <settings_panel::SettingsPanel/>
                </aside>
            </main>
            <projects::ProjectsPanel/>
            <objects::ObjectMenu/>
            <Shortcuts/>
            <calibrate::CalibratePanel/>
            <pwa::UpdateBanner/>
            <div class="messages" role="status" aria-live="polite">
                {move || {
                    ctx.messages
                        .get()
                        .into_iter()
                        .map(|m| {
                            let id = m.id;
                            view! {
                                <div class=if m.error { "message error" } else { "message" } role=m.error.then_some("alert")>
                                    <span>{m.text}</span>
                                    <button
                                        class="close"
                                        title="Dismiss"
                                        aria-label="Dismiss this message"
                                        on:click=move |_| ctx.messages.update(|v| v.retain(|x| x.id != id))
                                    >
                                        "×"
                                    </button>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </div>
    }
}
