//! Projects: the plate, the chosen presets and the user's values, saved to IndexedDB
//! (`crate::storage`) a moment after every change, reopened on start, and listed with a
//! thumbnail to open, rename, duplicate or delete. Also the project's recent slices
//! (re-downloadable G-code) and "Save as 3MF". When the browser refuses storage, the app
//! keeps working for the session and says so. This file holds the state and what the buttons
//! do; `view` draws the top bar's project name, the projects panel and the recent slices.

mod view;

pub use view::{ProjectBar, ProjectsPanel};

use super::browser::{new_id, safe_file_name, save_bytes, sleep};
use super::{Ctx, demo_model, slicing};
use crate::engine::model::Scene;
use crate::engine::model::calibration::LayerGrid;
use crate::engine::model::project::{ProjectSettings, write_project};
use crate::engine::settings::{Choice, PresetKind, find_def};
use crate::storage::{self, GcodeEntry, LoadedProject, ProjectMeta, StorageError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds after the last change before the project is written.
const SAVE_DELAY_MS: u64 = 700;

#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    /// Storage is not available in this browser (the reason).
    Off(String),
    Saved,
    /// Changed, not yet written.
    Pending,
    Saving,
    Failed(String),
    /// Another tab has this project open and saves it; this tab does not.
    Elsewhere,
}

/// The name of a project nobody named yet.
pub const UNTITLED: &str = "Untitled";

#[derive(Clone, Copy)]
pub struct Projects {
    /// The open project (None until storage answered, or when it is off).
    pub current: RwSignal<Option<ProjectMeta>>,
    pub list: RwSignal<Vec<ProjectMeta>>,
    pub save: RwSignal<SaveState>,
    pub panel: RwSignal<bool>,
    /// Recent slices of the open project, newest first.
    pub history: RwSignal<Vec<GcodeEntry>>,
    /// Bytes used and available, as the browser estimates them.
    pub usage: RwSignal<Option<(f64, f64)>>,
    pub persisted: RwSignal<bool>,
    /// What was last saved or loaded; a change from it is saved.
    baseline: StoredValue<Option<Doc>>,
    /// A change came in while a save ran.
    again: StoredValue<bool>,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// Ready: storage answered and the first project is on the plate.
    pub ready: RwSignal<bool>,
    /// The open project's lock (its id, and the function that releases it): one tab saves
    /// a project at a time.
    lock: StoredValue<Option<(String, js_sys::Function)>, LocalStorage>,
}

impl Projects {
    pub fn new() -> Projects {
        Projects {
            current: RwSignal::new(None),
            list: RwSignal::new(Vec::new()),
            save: RwSignal::new(SaveState::Saved),
            panel: RwSignal::new(false),
            history: RwSignal::new(Vec::new()),
            usage: RwSignal::new(None),
            persisted: RwSignal::new(false),
            baseline: StoredValue::new(None),
            again: StoredValue::new(false),
            timer: StoredValue::new(None),
            ready: RwSignal::new(false),
            lock: StoredValue::new_local(None),
        }
    }
}

/// What a project saves besides its name: the plate and the settings.
#[derive(Clone)]
struct Doc {
    scene: Scene,
    choice: Choice,
    overrides: BTreeMap<String, String>,
}

impl Doc {
    fn of(ctx: Ctx) -> Doc {
        Doc {
            scene: ctx.scene.get_untracked(),
            choice: ctx.choice.get_untracked(),
            overrides: ctx.overrides.get_untracked(),
        }
    }

    /// The same document (meshes compared by identity, which is cheap).
    fn same(&self, other: &Doc) -> bool {
        let a = &self.scene.objects;
        let b = &other.scene.objects;
        self.choice == other.choice
            && self.overrides == other.overrides
            && self.scene.changes == other.scene.changes
            && a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.name == y.name
                    && x.settings == y.settings
                    && std::sync::Arc::ptr_eq(&x.mesh, &y.mesh)
                    && x.instances.len() == y.instances.len()
                    && x.instances
                        .iter()
                        .zip(&y.instances)
                        .all(|(i, j)| i.transform == j.transform)
                    && std::sync::Arc::ptr_eq(&x.support_paint, &y.support_paint)
                    && std::sync::Arc::ptr_eq(&x.seam_paint, &y.seam_paint)
                    && x.volumes.len() == y.volumes.len()
                    && x.volumes.iter().zip(&y.volumes).all(|(v, w)| {
                        v.name == w.name
                            && v.kind == w.kind
                            && std::sync::Arc::ptr_eq(&v.mesh, &w.mesh)
                    })
            })
    }
}

fn fresh_meta(name: &str) -> ProjectMeta {
    let now = storage::now();
    ProjectMeta {
        id: new_id("p"),
        name: name.to_string(),
        created: now,
        modified: now,
        size: 0.0,
        thumbnail: None,
    }
}

/// Opens storage, brings in the user's presets and reopens the last project (or starts one
/// with the demo model). Then every change to the plate or the settings is saved.
pub fn start(ctx: Ctx) {
    let pr = ctx.projects;
    spawn_local(async move {
        match storage::db().await {
            Err(e) => {
                pr.save.set(SaveState::Off(e.to_string()));
                ctx.say(format!("Projects are not saved: {e}"), true);
                replace_plate(ctx, demo_scene(ctx), None, BTreeMap::new());
            }
            Ok(db) => {
                match db.user_presets().await {
                    Ok(user) => ctx.presets.update(|p| p.extend(user)),
                    Err(e) => ctx.say(format!("Your presets could not be read: {e}"), true),
                }
                let last = match db.last_project().await {
                    Some(id) => match db.load_project(&id).await {
                        Ok(p) => Some(p),
                        Err(e) => {
                            ctx.say(format!("The last project could not be opened: {e}"), true);
                            None
                        }
                    },
                    None => None,
                };
                match last {
                    Some(p) => show_loaded(ctx, p),
                    None => {
                        pr.current.set(Some(fresh_meta(UNTITLED)));
                        replace_plate(ctx, demo_scene(ctx), None, BTreeMap::new());
                        save_now(ctx);
                    }
                }
                let _ = db.collect_garbage().await;
                refresh(ctx).await;
            }
        }
        pr.ready.set(true);
    });
    // One tab saves a project at a time: the open project is locked (Web Locks); a tab that
    // finds it taken says so and saves nothing until the user takes it over.
    Effect::new(move |prev: Option<Option<String>>| {
        let id = pr.current.with(|c| c.as_ref().map(|c| c.id.clone()));
        if prev.as_ref() != Some(&id) {
            lock_project(ctx, id.clone(), false);
        }
        id
    });
    // Autosave: any change to the plate, the presets chosen or the user's values.
    Effect::new(move |_| {
        ctx.scene.track();
        ctx.choice.track();
        ctx.overrides.track();
        let changed = pr
            .baseline
            .with_value(|b| b.as_ref().is_some_and(|b| !b.same(&Doc::of(ctx))));
        if changed {
            schedule_save(ctx);
        }
    });
    // Write at once when the tab is hidden or closed.
    let flush = move || {
        if matches!(pr.save.get_untracked(), SaveState::Pending) {
            save_now(ctx);
        }
    };
    let _ = window_event_listener(leptos::ev::pagehide, move |_| flush());
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().hidden() {
            flush();
        }
    });
}

/// The demo model, on the middle of the bed.
fn demo_scene(ctx: Ctx) -> Scene {
    let mut scene = Scene::default();
    scene.add(vec![demo_model()]);
    scene.drop_to_bed();
    let (x0, y0, w, d, _) = ctx.bed();
    scene.center_at(x0 + w / 2.0, y0 + d / 2.0);
    scene
}

/// Puts a scene and settings on the plate as a fresh start (no undo into the previous one).
fn replace_plate(
    ctx: Ctx,
    scene: Scene,
    choice: Option<Choice>,
    overrides: BTreeMap<String, String>,
) {
    if let Some(c) = choice {
        ctx.choice.set(c);
    }
    ctx.overrides.set(overrides);
    ctx.scene.set(scene);
    ctx.undo.set_value(Vec::new());
    ctx.redo.set_value(Vec::new());
    ctx.selected.set(None);
    ctx.projects.baseline.set_value(Some(Doc::of(ctx)));
    ctx.fit_view();
}

/// Shows a project read from storage.
fn show_loaded(ctx: Ctx, p: LoadedProject) {
    let defaults = Choice::default();
    let mut choice = p.choice;
    let mut missing = Vec::new();
    ctx.presets.with_untracked(|presets| {
        for kind in PresetKind::ALL {
            let id = choice.get(kind).to_string();
            if !presets.iter().any(|x| x.kind == kind && x.id == id) {
                missing.push(format!("{} preset '{id}'", kind.name()));
                choice.set(kind, defaults.get(kind).to_string());
            }
        }
    });
    if !missing.is_empty() {
        ctx.say(
            format!(
                "{}: {} no longer exists; the default is used instead.",
                p.meta.name,
                missing.join(", ")
            ),
            true,
        );
    }
    let overrides = p
        .overrides
        .into_iter()
        .filter(|(k, _)| find_def(k).is_some())
        .collect();
    ctx.projects.current.set(Some(p.meta.clone()));
    ctx.projects.save.set(SaveState::Saved);
    replace_plate(ctx, p.scene, Some(choice), overrides);
    ctx.projects.history.set(Vec::new());
    let id = p.meta.id;
    spawn_local(async move {
        if let Ok(db) = storage::db().await
            && let Ok(h) = db.gcode_history(&id).await
            && ctx
                .projects
                .current
                .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == id))
        {
            ctx.projects.history.set(h);
        }
    });
}

fn schedule_save(ctx: Ctx) {
    let pr = ctx.projects;
    if matches!(
        pr.save.get_untracked(),
        SaveState::Off(_) | SaveState::Elsewhere
    ) || pr.current.get_untracked().is_none()
    {
        return;
    }
    if matches!(pr.save.get_untracked(), SaveState::Saving) {
        pr.again.set_value(true);
        return;
    }
    pr.save.set(SaveState::Pending);
    if let Some(t) = pr.timer.try_update_value(|t| t.take()).flatten() {
        t.clear();
    }
    let handle = set_timeout_with_handle(
        move || save_now(ctx),
        std::time::Duration::from_millis(SAVE_DELAY_MS),
    )
    .ok();
    pr.timer.set_value(handle);
}

/// Writes the open project now.
fn save_now(ctx: Ctx) {
    let pr = ctx.projects;
    if let Some(t) = pr.timer.try_update_value(|t| t.take()).flatten() {
        t.clear();
    }
    let Some(mut meta) = pr.current.get_untracked() else {
        return;
    };
    if matches!(pr.save.get_untracked(), SaveState::Elsewhere) {
        return;
    }
    if matches!(pr.save.get_untracked(), SaveState::Saving) {
        pr.again.set_value(true);
        return;
    }
    pr.save.set(SaveState::Saving);
    meta.thumbnail = super::view3d::snapshot(&ctx, 192, 128).or(meta.thumbnail);
    let doc = Doc::of(ctx);
    pr.baseline.set_value(Some(doc.clone()));
    let Doc {
        scene,
        choice: c,
        overrides,
    } = doc;
    spawn_local(async move {
        let result = storage::run(async {
            let db = storage::db().await?;
            let first = !pr.persisted.get_untracked() && meta.size == 0.0;
            let saved = db.save_project(&meta, &scene, &c, &overrides).await?;
            if first {
                pr.persisted.set(storage::persist().await);
            }
            Ok(saved)
        })
        .await;
        match result {
            Ok(saved) => {
                // Still the same project (not switched meanwhile): keep its new figures.
                pr.current.update(|c| {
                    if let Some(c) = c
                        && c.id == saved.id
                    {
                        *c = saved.clone();
                    }
                });
                pr.list.update(|l| {
                    l.retain(|x| x.id != saved.id);
                    l.insert(0, saved);
                });
                pr.save.set(SaveState::Saved);
            }
            Err(e) => {
                let text = e.to_string();
                if pr.save.get_untracked() != SaveState::Failed(text.clone()) {
                    ctx.say(format!("Not saved: {text}"), true);
                }
                pr.save.set(SaveState::Failed(text));
            }
        }
        if pr.again.try_update_value(std::mem::take).unwrap_or(false) {
            schedule_save(ctx);
        }
        pr.usage.set(storage::estimate().await);
    });
}

/// Locks the open project for this tab (releasing the one held before): `steal` takes it
/// from another tab. Without Web Locks (an insecure context) every tab saves, as before.
fn lock_project(ctx: Ctx, id: Option<String>, steal: bool) {
    let pr = ctx.projects;
    if let Some((_, release)) = pr.lock.try_update_value(|l| l.take()).flatten() {
        let _ = release.call0(&JsValue::NULL);
    }
    let Some(id) = id else { return };
    let locks = web_sys::window()
        .map(|w| super::browser::get(&w.navigator(), "locks"))
        .filter(|l| !l.is_undefined());
    let Some(locks) = locks else { return };
    // Held until `release` is called: the promise the lock's callback returns.
    let mut release: Option<js_sys::Function> = None;
    let held = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    let Some(release) = release else { return };
    // Whether the lock was granted (false: another tab has it).
    let mut granted_tx: Option<js_sys::Function> = None;
    let granted = js_sys::Promise::new(&mut |resolve, _| granted_tx = Some(resolve));
    let Some(granted_tx) = granted_tx else { return };
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let got = !lock.is_null();
        let _ = granted_tx.call1(&JsValue::NULL, &JsValue::from_bool(got));
        if got { held.into() } else { JsValue::UNDEFINED }
    });
    let options = js_sys::Object::new();
    let key = if steal { "steal" } else { "ifAvailable" };
    let _ = js_sys::Reflect::set(&options, &key.into(), &JsValue::TRUE);
    let name = JsValue::from_str(&format!("lamina-project-{id}"));
    let Ok(request) = super::browser::call(&locks, "request", &[name, options.into(), callback])
    else {
        return;
    };
    pr.lock.set_value(Some((id.clone(), release)));
    let same = move |pr: Projects| {
        pr.current
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == id))
    };
    spawn_local(async move {
        let got = JsFuture::from(granted).await.ok().and_then(|v| v.as_bool());
        if !same(pr) {
            return;
        }
        if got == Some(false) {
            pr.save.set(SaveState::Elsewhere);
            ctx.say(
                "This project is open in another tab, which saves it. Changes made here are not saved unless you take it over.",
                true,
            );
            return;
        }
        if steal {
            pr.save.set(SaveState::Saved);
            save_now(ctx);
        }
        // Held until released here, or taken by another tab (the request then fails).
        if JsFuture::from(js_sys::Promise::from(request))
            .await
            .is_err()
            && same(pr)
        {
            pr.save.set(SaveState::Elsewhere);
            ctx.say(
                "Another tab took this project over; changes made here are no longer saved.",
                true,
            );
        }
    });
}

/// Saves what is pending before the plate changes to another project.
async fn flush(ctx: Ctx) {
    let pr = ctx.projects;
    if matches!(pr.save.get_untracked(), SaveState::Pending) {
        save_now(ctx);
    }
    // Wait for a running save (at most a few seconds).
    for _ in 0..100 {
        if !matches!(pr.save.get_untracked(), SaveState::Saving) {
            break;
        }
        sleep(50).await;
    }
}

/// Waits until the first project is on the plate (files dropped before then join it).
pub async fn when_ready(ctx: Ctx) {
    while !ctx.projects.ready.get_untracked() {
        sleep(20).await;
    }
}

/// Reads the project list and the storage figures again.
async fn refresh(ctx: Ctx) {
    let pr = ctx.projects;
    if let Ok(db) = storage::db().await {
        match db.list_projects().await {
            Ok(l) => pr.list.set(l),
            Err(e) => ctx.say(format!("The project list could not be read: {e}"), true),
        }
    }
    pr.usage.set(storage::estimate().await);
}

fn report(ctx: Ctx, what: &str, e: StorageError) {
    ctx.say(format!("{what}: {e}"), true);
}

/// Starts an empty project with the current printer and materials.
pub fn new_project(ctx: Ctx) {
    spawn_local(async move {
        flush(ctx).await;
        ctx.projects.current.set(Some(fresh_meta(UNTITLED)));
        ctx.projects.history.set(Vec::new());
        replace_plate(ctx, Scene::default(), None, BTreeMap::new());
        ctx.projects.panel.set(false);
        save_now(ctx);
    });
}

/// Starts a project from an opened file (a 3MF project).
pub fn open_as_project(
    ctx: Ctx,
    name: &str,
    scene: Scene,
    choice: Option<Choice>,
    overrides: BTreeMap<String, String>,
) {
    let name = name.to_string();
    spawn_local(async move {
        flush(ctx).await;
        ctx.projects.current.set(Some(fresh_meta(&name)));
        ctx.projects.history.set(Vec::new());
        replace_plate(ctx, scene, choice, overrides);
        save_now(ctx);
    });
}

pub fn open_project(ctx: Ctx, id: String) {
    spawn_local(async move {
        flush(ctx).await;
        let loaded = storage::run(async { storage::db().await?.load_project(&id).await }).await;
        match loaded {
            Ok(p) => {
                show_loaded(ctx, p);
                ctx.projects.panel.set(false);
                // Reopen it on the next start.
                if let Ok(db) = storage::db().await {
                    let _ = db.set_last(&id).await;
                }
            }
            Err(e) => report(ctx, "The project could not be opened", e),
        }
    });
}

pub fn rename_project(ctx: Ctx, id: String, name: String) {
    let name = name.trim().to_string();
    if name.is_empty() {
        return;
    }
    let pr = ctx.projects;
    if pr
        .current
        .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == id))
    {
        pr.current.update(|c| {
            if let Some(c) = c {
                c.name = name.clone();
            }
        });
    }
    spawn_local(async move {
        match storage::run(async { storage::db().await?.rename_project(&id, &name).await }).await {
            Ok(()) => refresh(ctx).await,
            Err(e) => report(ctx, "The project could not be renamed", e),
        }
    });
}

pub fn duplicate_project(ctx: Ctx, id: String) {
    spawn_local(async move {
        flush(ctx).await;
        let name = ctx
            .projects
            .list
            .with_untracked(|l| l.iter().find(|p| p.id == id).map(|p| p.name.clone()))
            .unwrap_or_else(|| "Project".into());
        let new = new_id("p");
        let copy = format!("{name} (copy)");
        match storage::run(async {
            storage::db()
                .await?
                .duplicate_project(&id, &new, &copy)
                .await
        })
        .await
        {
            Ok(()) => refresh(ctx).await,
            Err(e) => report(ctx, "The project could not be duplicated", e),
        }
    });
}

pub fn delete_project(ctx: Ctx, id: String) {
    let pr = ctx.projects;
    let name = pr
        .list
        .with_untracked(|l| l.iter().find(|p| p.id == id).map(|p| p.name.clone()))
        .unwrap_or_default();
    let ok = window()
        .confirm_with_message(&format!(
            "Delete the project \"{name}\" and its saved G-code? This cannot be undone."
        ))
        .unwrap_or(false);
    if !ok {
        return;
    }
    spawn_local(async move {
        let open = pr
            .current
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == id));
        if open {
            // Nothing more of it may be saved.
            if let Some(t) = pr.timer.try_update_value(|t| t.take()).flatten() {
                t.clear();
            }
            if pr.save.get_untracked() == SaveState::Pending {
                pr.save.set(SaveState::Saved);
            }
            flush(ctx).await;
        }
        match storage::run(async { storage::db().await?.delete_project(&id).await }).await {
            Ok(()) => {
                refresh(ctx).await;
                if open {
                    match pr.list.with_untracked(|l| l.first().map(|p| p.id.clone())) {
                        Some(next) => open_project(ctx, next),
                        None => new_project(ctx),
                    }
                }
                ctx.say(format!("Deleted the project \"{name}\"."), false);
            }
            Err(e) => report(ctx, "The project could not be deleted", e),
        }
    });
}

/// Keeps a finished slice with the project.
pub fn record_slice(ctx: Ctx, sliced: &slicing::Sliced, gcode: js_sys::Uint8Array) {
    let pr = ctx.projects;
    let Some(meta) = pr.current.get_untracked() else {
        return;
    };
    if matches!(pr.save.get_untracked(), SaveState::Off(_)) {
        return;
    }
    let presets = ctx.preset_names().join(" · ");
    let mut stats = sliced.stats.clone();
    stats.layer_times.clear();
    let entry = GcodeEntry {
        key: String::new(),
        project: meta.id.clone(),
        seq: 0,
        created: storage::now(),
        file_name: sliced.file_name.clone(),
        stats,
        presets,
        changed: ctx.overrides.with_untracked(|o| o.len()),
    };
    spawn_local(async move {
        let result = storage::run(async {
            let db = storage::db().await?;
            db.add_gcode(entry, &gcode).await?;
            db.gcode_history(&meta.id).await
        })
        .await;
        match result {
            Ok(h) => {
                if pr
                    .current
                    .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == meta.id))
                {
                    pr.history.set(h);
                }
            }
            Err(e) => report(ctx, "The G-code was not kept with the project", e),
        }
        pr.usage.set(storage::estimate().await);
    });
}

fn download_slice(ctx: Ctx, e: GcodeEntry) {
    spawn_local(async move {
        match storage::run(async { storage::db().await?.gcode_bytes(&e.key).await }).await {
            Ok(bytes) => {
                if let Err(err) = save_bytes(&bytes, &e.file_name, "text/x.gcode") {
                    ctx.say(format!("Could not save the file: {err:?}"), true);
                }
            }
            Err(err) => report(ctx, "The G-code could not be read", err),
        }
    });
}

/// Offers the open project as a 3MF file (geometry, placement, settings, the user's presets
/// it uses, and a thumbnail).
pub fn save_3mf(ctx: Ctx) {
    let scene = ctx.scene.get_untracked();
    if scene.objects.is_empty() {
        ctx.say("The plate is empty: add a model before saving a 3MF.", true);
        return;
    }
    let c = ctx.choice.get_untracked();
    let used: Vec<_> = ctx.presets.with_untracked(|p| {
        p.iter()
            .filter(|x| x.id.starts_with("user-") && c.get(x.kind) == x.id)
            .cloned()
            .collect()
    });
    let settings = ProjectSettings {
        choice: c,
        overrides: ctx.overrides.get_untracked(),
        presets: used,
    };
    let title = ctx
        .projects
        .current
        .get_untracked()
        .map_or("Lamina project".to_string(), |m| m.name);
    let png = super::view3d::snapshot(&ctx, 256, 256).and_then(|url| png_bytes(&url));
    let layers = ctx.settings.with_untracked(|s| {
        s.as_ref().map_or(
            LayerGrid {
                first: 0.2,
                height: 0.2,
            },
            |s| LayerGrid {
                first: s.first_layer_height,
                height: s.layer_height,
            },
        )
    });
    let bytes = write_project(&title, &scene, &settings, layers, png.as_deref());
    let file = format!("{}.3mf", safe_file_name(&title));
    let array = js_sys::Uint8Array::from(&bytes[..]);
    if let Err(e) = save_bytes(&array, &file, "model/3mf") {
        ctx.say(format!("Could not save the file: {e:?}"), true);
    }
}

/// The bytes of a `data:image/png;base64,` URL.
fn png_bytes(url: &str) -> Option<Vec<u8>> {
    let b64 = url.strip_prefix("data:image/png;base64,")?;
    let binary = window().atob(b64).ok()?;
    Some(binary.chars().map(|c| c as u32 as u8).collect())
}
