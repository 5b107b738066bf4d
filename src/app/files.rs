//! Getting models in: the file picker and drag-and-drop (several files at once), read with
//! the engine's importers. A bad file gets the importer's own message; the others still load.
//! A 3MF project (Lamina's own, PrusaSlicer's, OrcaSlicer's or Creality Print's) opens as a
//! new project with its settings; plain models join the plate.

use super::{Choice, Ctx, projects};
use crate::engine::model::Scene;
use crate::engine::model::project::{FileSettings, open_file};
use crate::engine::settings::{Scope, find_def};
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
            ctx.busy
                .set(Some(format!("Reading {name} ({:.1} MB)…", size / 1e6)));
            // Let the page paint the notice before the import takes the thread.
            yield_to_browser().await;
            let Some(bytes) = read_file(ctx, &file).await else {
                continue;
            };
            ctx.busy.set(Some(format!("Importing {name}…")));
            yield_to_browser().await;
            match open_file(&name, &bytes) {
                Ok(opened) => {
                    let count: usize = opened.objects.iter().map(|o| o.mesh.triangles.len()).sum();
                    match opened.settings {
                        Some(settings) => open_project_file(ctx, &name, opened.objects, settings),
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
    settings: FileSettings,
) {
    let title = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let mut scene = Scene::from_objects(objects);
    if scene.bounds().is_some_and(|b| b.min.z.abs() > 1e-3) {
        scene.drop_to_bed();
    }
    let mut notes = Vec::new();
    let (choice, candidates) = match settings {
        FileSettings::Lamina { settings, ignored } => {
            notes.extend(ignored);
            let mut choice = Choice {
                printer: settings.printer,
                filament: settings.filament,
                process: settings.process,
            };
            // The project's own presets join the user's (under a new id if one is taken).
            for mut p in settings.presets {
                let taken = ctx.presets.with_untracked(|all| {
                    all.iter()
                        .find(|x| x.id == p.id)
                        .map(|x| x.values != p.values || x.kind != p.kind)
                });
                if taken == Some(false) {
                    continue;
                }
                if taken == Some(true) {
                    let id = projects::new_id("user");
                    if choice.get(p.kind) == p.id {
                        choice.set(p.kind, id.clone());
                    }
                    p.id = id;
                }
                super::settings_panel::keep_preset(ctx, p);
            }
            (
                Some(choice),
                settings.overrides.into_iter().collect::<Vec<_>>(),
            )
        }
        FileSettings::Foreign { dialect, mapped } => {
            notes.push(format!(
                "using its {} print and filament settings",
                dialect.name()
            ));
            if let Some(s) = mapped.ignored_summary(8) {
                notes.push(s);
            }
            // Its printer stays the user's choice: the bed and the G-code flavour are theirs.
            let values = mapped
                .values
                .into_iter()
                .filter(|(k, _)| find_def(k).is_some_and(|d| d.scope != Scope::Printer))
                .collect();
            (None, values)
        }
    };
    // Keep the values that apply on top of the chosen presets; name the others.
    let base = {
        let c = choice.clone().unwrap_or_else(|| ctx.choice.get_untracked());
        ctx.presets.with_untracked(|p| super::resolve(p, &c, None))
    };
    let mut overrides = BTreeMap::new();
    match base {
        Ok(mut s) => {
            for (k, v) in candidates {
                let mut trial = s.clone();
                match trial.set(&k, &v).and_then(|_| trial.validate()) {
                    Ok(()) => {
                        if s.get(&k) != trial.get(&k) {
                            let value = trial.get(&k).unwrap_or(v);
                            overrides.insert(k, value);
                        }
                        s = trial;
                    }
                    Err(e) => notes.push(format!("not used: {e}")),
                }
            }
        }
        Err(e) => notes.push(format!(
            "its presets could not be used ({e}); the current ones are kept"
        )),
    }
    let choice = choice.filter(|c| {
        ctx.presets
            .with_untracked(|p| super::resolve(p, c, None).is_ok())
    });
    let n = scene.objects.len();
    projects::open_as_project(ctx, &title, scene, choice, overrides);
    let mut text = format!("{file}: opened as a project with {n} object(s)");
    if !notes.is_empty() {
        text.push_str("; ");
        text.push_str(&notes.join("; "));
    }
    ctx.say(text, false);
}

/// Resolves on the next animation frame, so progress notes show.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().map(|w| w.request_animation_frame(&resolve));
    });
    let _ = JsFuture::from(promise).await;
}

#[component]
pub fn ImportButton() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let input = NodeRef::<leptos::html::Input>::new();
    view! {
        <label class="button import" title="Open STL, OBJ or 3MF files (or drop them on the view)">
            "Open models…"
            <input
                node_ref=input
                type="file"
                id="file-input"
                multiple=true
                accept=".stl,.obj,.3mf,model/stl,model/obj,model/3mf"
                on:change=move |ev| import_files(ctx, picked_files(&ev))
            />
        </label>
        <span class="busy" role="status">
            {move || ctx.busy.get().map(|b| view! { <span class="spinner"></span>{b} })}
        </span>
    }
}
