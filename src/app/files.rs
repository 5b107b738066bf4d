//! Getting models in: the file picker and drag-and-drop (several files at once), read with
//! the engine's importers. A bad file gets the importer's own message; the others still load.

use super::Ctx;
use crate::engine::mesh;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Reads and imports every file in the list, one after another.
pub fn import_files(ctx: Ctx, files: web_sys::FileList) {
    let list: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    if list.is_empty() {
        return;
    }
    spawn_local(async move {
        for file in list {
            let name = file.name();
            let size = file.size();
            ctx.busy
                .set(Some(format!("Reading {name} ({:.1} MB)…", size / 1e6)));
            // Let the page paint the notice before the import takes the thread.
            yield_to_browser().await;
            let bytes = match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
                Err(_) => {
                    ctx.say(format!("{name}: the browser could not read the file"), true);
                    continue;
                }
            };
            ctx.busy.set(Some(format!("Importing {name}…")));
            yield_to_browser().await;
            match mesh::import(&name, &bytes) {
                Ok(objects) => {
                    let count: usize = objects.iter().map(|o| o.mesh.triangles.len()).sum();
                    ctx.add_objects(objects);
                    ctx.say(format!("{name}: {count} triangles"), false);
                }
                Err(e) => ctx.say(format!("{name}: {e}"), true),
            }
        }
        ctx.busy.set(None);
    });
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
                on:change=move |ev| {
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        if let Some(files) = el.files() {
                            import_files(ctx, files);
                        }
                        // Let the same file be picked again later.
                        el.set_value("");
                    }
                }
            />
        </label>
        <span class="busy" role="status">
            {move || ctx.busy.get().map(|b| view! { <span class="spinner"></span>{b} })}
        </span>
    }
}
