//! Getting models in: the file picker and drag-and-drop (several files at once), read with
//! the engine's importers. A bad file gets the importer's own message; the others still load.
//! A 3MF project (Lamina's own, PrusaSlicer's, OrcaSlicer's or Creality Print's) opens as a
//! new project with its settings; plain models join the plate.

use super::{Ctx, projects};
use crate::engine::mesh::footprint;
use crate::engine::model::Scene;
use crate::engine::model::project::{FileSettings, open_file};
use crate::engine::settings::Selection;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The files of a list (from a file input or a drop).
pub fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The files picked in a file input's change event; the input is cleared so that the same
/// file can be picked again later.
pub fn picked_files(ev: &web_sys::Event) -> Vec<web_sys::File> {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = el.files().map(|l| files_of(&l)).unwrap_or_default();
    el.set_value("");
    files
}

/// A file's bytes; None (and a message naming the file) when the browser cannot read it.
pub async fn read_file(ctx: Ctx, file: &web_sys::File) -> Option<Vec<u8>> {
    match JsFuture::from(file.array_buffer()).await {
        Ok(buf) => Some(js_sys::Uint8Array::new(&buf).to_vec()),
        Err(_) => {
            ctx.say(
                format!("{}: the browser could not read the file", file.name()),
                true,
            );
            None
        }
    }
}

/// A file's first bytes (enough for a binary STL's triangle count); empty if unreadable.
async fn read_head(file: &web_sys::File) -> Vec<u8> {
    let Ok(blob) = file.slice_with_i32_and_i32(0, 84) else {
        return Vec::new();
    };
    match JsFuture::from(blob.array_buffer()).await {
        Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
        Err(_) => Vec::new(),
    }
}

/// The memory this page may still take (bytes): what is left of the 4 GiB a wasm module can
/// address, and at most half of the device's memory where the browser tells it
/// (`navigator.deviceMemory`, in GB).
fn available_bytes() -> u64 {
    let held = (crate::worker::memory_mb() * 1e6) as u64;
    let mut available = (4u64 << 30).saturating_sub(held);
    let device_gb = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"deviceMemory".into()).ok())
        .and_then(|v| v.as_f64())
        .filter(|g| *g > 0.0);
    if let Some(gb) = device_gb {
        available = available.min((gb * (1u64 << 30) as f64 / 2.0) as u64);
    }
    available
}

/// Reads and imports every file, one after another.
pub fn import_files(ctx: Ctx, list: Vec<web_sys::File>) {
    if list.is_empty() {
        return;
    }
    spawn_local(async move {
        projects::when_ready(ctx).await;
        for file in list {
            let name = file.name();
            let size = file.size();
            // A file the tab cannot hold once opened is refused before it is read.
            let head = read_head(&file).await;
            if let Err(e) = footprint::check_fits(&name, size as u64, &head, available_bytes()) {
                ctx.say(format!("{name}: {e}"), true);
                continue;
            }
            ctx.busy
                .set(Some(format!("Reading {name} ({:.1} MB)…", size / 1e6)));
            // Let the page paint the notice before the import takes the thread.
            super::browser::next_frame().await;
            let Some(bytes) = read_file(ctx, &file).await else {
                continue;
            };
            ctx.busy.set(Some(format!("Importing {name}…")));
            super::browser::next_frame().await;
            match open_file(&name, &bytes) {
                Ok(opened) => {
                    for note in &opened.notes {
                        ctx.say(format!("{name}: {note}"), false);
                    }
                    let count: usize = opened.objects.iter().map(|o| o.mesh.triangles.len()).sum();
                    match opened.settings {
                        Some(settings) => {
                            open_project_file(ctx, &name, opened.objects, opened.changes, settings)
                        }
                        None => {
                            ctx.add_objects(opened.objects);
                            ctx.say(format!("{name}: {count} triangles"), false);
                        }
                    }
                }
                Err(e) => ctx.say(format!("{name}: {e}"), true),
            }
        }
        ctx.busy.set(None);
    });
}

/// Opens a 3MF project as a new project: its plate as placed, and its settings.
fn open_project_file(
    ctx: Ctx,
    file: &str,
    objects: Vec<crate::engine::mesh::ImportedObject>,
    changes: Vec<crate::engine::model::calibration::HeightChange>,
    mut settings: FileSettings,
) {
    let title = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let mut scene = Scene::from_objects(objects);
    scene.changes = changes;
    if scene.bounds().is_some_and(|b| b.min.z.abs() > 1e-3) {
        scene.drop_to_bed();
    }
    // The project's own presets join the user's: one whose id is taken by another preset
    // comes under a new id.
    if let FileSettings::Lamina { settings: file, .. } = &mut settings {
        for p in &mut file.presets {
            let taken = ctx.presets.with_untracked(|all| {
                all.iter()
                    .any(|x| x.id == p.id && (x.values != p.values || x.kind != p.kind))
            });
            if taken {
                let id = super::browser::new_id("user");
                if file.choice.get(p.kind) == p.id {
                    file.choice.set(p.kind, id.clone());
                }
                p.id = id;
            }
        }
    }
    let mut sel = Selection {
        choice: ctx.choice.get_untracked(),
        overrides: Vec::new(),
        extra: ctx.presets.get_untracked(),
    };
    let known = sel.extra.len();
    let notes = settings.apply_to(&mut sel, &[]);
    for p in sel.extra.drain(known..) {
        if ctx.presets.with_untracked(|all| !all.contains(&p)) {
            super::settings_panel::keep_preset(ctx, p);
        }
    }
    let choice = Some(sel.choice);
    let overrides: BTreeMap<String, String> = sel.overrides.into_iter().collect();
    let n = scene.objects.len();
    projects::open_as_project(ctx, &title, scene, choice, overrides);
    let mut text = format!("{file}: opened as a project with {n} object(s)");
    if !notes.is_empty() {
        text.push_str("; ");
        text.push_str(&notes.join("; "));
    }
    ctx.say(text, false);
}

/// Opens the file picker for models (the top bar's hidden input).
pub fn open_picker() {
    super::browser::click_element("file-input");
}

#[component]
pub fn ImportButton() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let input = NodeRef::<leptos::html::Input>::new();
    view! {
        // A real button (Tab reaches it), which opens the hidden file input.
        <button id="open-models" class="import" title="Open STL, OBJ or 3MF files (or drop them on the view)" on:click=move |_| open_picker()>
            "Open models…"
        </button>
        <input
            node_ref=input
            type="file"
            id="file-input"
            class="hidden-input"
            tabindex="-1"
            aria-hidden="true"
            multiple=true
            accept=".stl,.obj,.3mf,model/stl,model/obj,model/3mf"
            on:change=move |ev| import_files(ctx, picked_files(&ev))
        />
        <span class="busy" role="status">
            {move || ctx.busy.get().map(|b| view! { <span class="spinner"></span>{b} })}
        </span>
    }
}
