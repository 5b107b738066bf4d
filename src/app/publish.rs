//! Publishing a model to a library source kept in a WebDAV folder (Nextcloud, most NAS
//! boxes): the user picks a file (or a model on the plate, sent as STL), names it, tags it
//! and gives its licence; the model, its thumbnail and the updated catalog are stored in the
//! folder (`engine::catalog::webdav` builds the requests), and the library then shows the
//! source with the new model. The folder, user and public address are remembered in this
//! browser; the password is not.

use super::{Ctx, files};
use crate::device::http::{self, NetError};
use crate::engine::catalog::{self, ModelMeta, webdav};
use crate::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

/// How long one request may take (ms); a large model on a slow NAS needs a while.
const TIMEOUT_MS: u32 = 120_000;

/// The WebDAV target remembered between visits.
#[derive(Clone, Default, Serialize, Deserialize)]
struct Target {
    folder: String,
    user: String,
    /// Where others read the catalog, if not from the folder itself (a public share link).
    public: String,
}

/// The form's fields.
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    author: RwSignal<String>,
    tags: RwSignal<String>,
    licence: RwSignal<String>,
    description: RwSignal<String>,
    folder: RwSignal<String>,
    user: RwSignal<String>,
    password: RwSignal<String>,
    public: RwSignal<String>,
}

fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}

fn net(e: NetError, folder: &str) -> String {
    match e {
        NetError::Timeout => format!("{folder}: no answer within {} s", TIMEOUT_MS / 1000),
        NetError::Network => format!(
            "{folder} could not be reached (offline, wrong address, or the server does not allow \
             other pages to write to it: its CORS settings must allow this page)"
        ),
    }
}

/// Sends one step; its status and, for reads, the ETag and body.
async fn send(step: &webdav::Step, folder: &str) -> Result<(u16, Option<String>, Vec<u8>), String> {
    let r = http::fetch(http::Fetch {
        method: step.method,
        url: &step.url,
        headers: &step.headers,
        body: &step.body,
        timeout_ms: TIMEOUT_MS,
        address_space: None,
    })
    .await
    .map_err(|e| net(e, folder))?;
    let etag = r.headers().get("ETag");
    let body = if step.method == "GET" {
        http::body(&r).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok((r.status(), etag, body))
}

/// Publishes one model file; the source URL the library should show.
async fn publish(
    form: Form,
    file: String,
    bytes: Vec<u8>,
    progress: impl Fn(String),
) -> Result<String, String> {
    let folder = webdav::folder(&form.folder.get_untracked())?;
    let auth = webdav::authorization(&form.user.get_untracked(), &form.password.get_untracked());
    progress("Reading the folder's catalog…".into());
    let read = webdav::read_request(&folder, auth.as_deref());
    let (status, etag, body) = send(&read, &folder).await?;
    let (existing, guard) = webdav::read_answer(status, etag, &body)?;
    let meta = ModelMeta {
        name: Some(form.name.get_untracked()),
        author: Some(form.author.get_untracked()),
        licence: Some(form.licence.get_untracked()),
        tags: form
            .tags
            .get_untracked()
            .split([',', '#'])
            .map(str::to_string)
            .collect(),
        description: Some(form.description.get_untracked()),
        created: None,
    };
    let new_name = match form.author.get_untracked().trim() {
        "" => "Shared models".to_string(),
        a => format!("Models by {a}"),
    };
    let (c, outputs) = catalog::add(existing, &new_name, &file, &bytes, meta, &today())?;
    let steps = webdav::steps(&folder, auth.as_deref(), &c, &guard, outputs);
    let n = steps.len();
    for (i, step) in steps.iter().enumerate() {
        progress(format!("{} ({} of {n})…", capital(&step.what), i + 1));
        let (status, _, _) = send(step, &folder).await?;
        webdav::check(step, status)?;
    }
    let public = form.public.get_untracked().trim().to_string();
    Ok(if public.is_empty() {
        webdav::catalog_url(&folder)
    } else {
        public
    })
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The "Publish a model" part of the library panel.
#[component]
pub fn PublishForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = Form {
        name: RwSignal::new(String::new()),
        author: RwSignal::new(String::new()),
        tags: RwSignal::new(String::new()),
        licence: RwSignal::new("CC-BY-4.0".to_string()),
        description: RwSignal::new(String::new()),
        folder: RwSignal::new(String::new()),
        user: RwSignal::new(String::new()),
        password: RwSignal::new(String::new()),
        public: RwSignal::new(String::new()),
    };
    let file: RwSignal<Option<(String, Vec<u8>)>, LocalStorage> = RwSignal::new_local(None);
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<(String, bool)>);
    spawn_local(async move {
        if let Ok(db) = storage::db().await
            && let Some(t) = db.meta::<Target>("library-webdav").await
        {
            form.folder.set(t.folder);
            form.user.set(t.user);
            form.public.set(t.public);
        }
    });
    let on_file = move |ev: web_sys::Event| {
        let Some(f) = files::picked_files(&ev).into_iter().next() else {
            return;
        };
        spawn_local(async move {
            let name = f.name();
            if let Some(bytes) = files::read_file(ctx, &f).await {
                if form.name.get_untracked().trim().is_empty() {
                    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
                    form.name.set(stem.replace(['_', '-'], " "));
                }
                file.set(Some((name, bytes)));
            }
        });
    };
    // A model on the plate, published as STL as it stands (turned and scaled, not placed).
    let from_plate = move |ev: web_sys::Event| {
        let v = event_target_value(&ev);
        let Some(i) = v
            .strip_prefix("plate:")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            file.set(None);
            return;
        };
        let picked = ctx.scene.with_untracked(|s| {
            let o = s.objects.get(i)?;
            let linear = o.instances.first()?.transform.matrix3;
            let mesh = o.mesh.transformed(&glam::DAffine3::from_mat3(linear));
            let stem = o
                .name
                .rsplit_once('.')
                .map_or(o.name.as_str(), |(s, _)| s)
                .to_string();
            Some((stem, crate::engine::mesh::write_binary_stl(&mesh)))
        });
        if let Some((stem, bytes)) = picked {
            if form.name.get_untracked().trim().is_empty() {
                form.name.set(stem.replace(['_', '-'], " "));
            }
            file.set(Some((format!("{stem}.stl"), bytes)));
        }
    };
    let plate_names = move || {
        ctx.scene.with(|s| {
            s.objects
                .iter()
                .enumerate()
                .map(|(i, o)| view! { <option value=format!("plate:{i}")>{format!("On the plate: {}", o.name)}</option> })
                .collect_view()
        })
    };
    let picking_file = RwSignal::new(true);
    let send = move |_| {
        let Some((name, bytes)) = file.get_untracked() else {
            status.set(Some(("Pick a model file first.".into(), true)));
            return;
        };
        if form.name.get_untracked().trim().is_empty()
            || form.licence.get_untracked().trim().is_empty()
        {
            status.set(Some(("A model needs a name and a licence.".into(), true)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let target = Target {
                folder: form.folder.get_untracked().trim().to_string(),
                user: form.user.get_untracked().trim().to_string(),
                public: form.public.get_untracked().trim().to_string(),
            };
            let result = publish(form, name.clone(), bytes, |p| status.set(Some((p, false)))).await;
            busy.set(false);
            match result {
                Ok(source) => {
                    if let Ok(db) = storage::db().await {
                        let _ = db.set_meta("library-webdav", &target).await;
                    }
                    status.set(Some((
                        format!(
                            "Published {} to {}.",
                            form.name.get_untracked().trim(),
                            target.folder
                        ),
                        false,
                    )));
                    file.set(None);
                    form.name.set(String::new());
                    form.description.set(String::new());
                    ctx.library.refresh_source(ctx, source);
                }
                Err(e) => status.set(Some((format!("Not published: {e}"), true))),
            }
        });
    };
    let field = |id: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 value: RwSignal<String>,
                 hint: &'static str| {
        view! {
            <label class="field" for=id>
                <span>{label}</span>
                <input
                    id=id
                    type=kind
                    placeholder=hint
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <details class="library-publish">
            <summary>"Publish a model"</summary>
            <p class="note">
                "Stores a model, its thumbnail and an updated catalog.json in a WebDAV folder (Nextcloud, most NAS boxes); anyone who adds that catalog as a source sees it. Only this model and what you type here are sent, and only to that folder."
            </p>
            <label class="field" for="publish-from">
                <span>"Model"</span>
                <select
                    id="publish-from"
                    on:change=move |ev| {
                        picking_file.set(event_target_value(&ev).is_empty());
                        from_plate(ev);
                    }
                >
                    <option value="">"A file from this device"</option>
                    {plate_names}
                </select>
            </label>
            <Show when=move || picking_file.get()>
                <label class="field" for="publish-file">
                    <span>"Model file"</span>
                    <input id="publish-file" type="file" accept=".stl,.3mf,.obj" on:change=on_file/>
                </label>
            </Show>
            {field("publish-name", "Name", "text", form.name, "Calibration cube")}
            {field("publish-author", "Author", "text", form.author, "Your name")}
            {field("publish-tags", "Tags", "text", form.tags, "calibration, cube")}
            <label class="field" for="publish-licence">
                <span>"Licence"</span>
                <input
                    id="publish-licence"
                    type="text"
                    list="publish-licences"
                    prop:value=move || form.licence.get()
                    on:input=move |ev| form.licence.set(event_target_value(&ev))
                />
                <datalist id="publish-licences">
                    {["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "GPL-3.0-or-later", "All rights reserved"]
                        .map(|l| view! { <option value=l></option> })
                        .collect_view()}
                </datalist>
            </label>
            <label class="field" for="publish-description">
                <span>"Description"</span>
                <textarea
                    id="publish-description"
                    prop:value=move || form.description.get()
                    on:input=move |ev| form.description.set(event_target_value(&ev))
                ></textarea>
            </label>
            {field("publish-folder", "WebDAV folder", "url", form.folder, "https://cloud.example/remote.php/dav/files/me/models/")}
            {field("publish-user", "User", "text", form.user, "")}
            {field("publish-password", "Password", "password", form.password, "not kept")}
            {field("publish-public", "Public catalog address (optional)", "url", form.public, "where others read catalog.json")}
            <div class="print-row">
                <button id="publish-send" class="primary" disabled=move || busy.get() on:click=send>
                    "Publish"
                </button>
            </div>
            {move || status.get().map(|(text, error)| view! {
                <p id="publish-status" class:error-text=error class:note=!error>{text}</p>
            })}
        </details>
    }
}
