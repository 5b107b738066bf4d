//! The projects' views: the name and save state in the top bar, the projects panel, and the
//! project's recent slices.

use super::{
    SaveState, delete_project, download_slice, duplicate_project, lock_project, new_project,
    open_project, refresh, rename_project, save_3mf,
};
use crate::app::Ctx;
use crate::engine::gcode::format_duration;
use crate::storage::{self, ProjectMeta};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A date and time in the browser's language, without seconds.
fn when(ms: f64) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    js_sys::Date::new(&ms.into())
        .to_locale_string("default", &options)
        .into()
}

/// The project's name (editable) and whether it is saved, in the top bar.
#[component]
pub fn ProjectBar() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pr = ctx.projects;
    let state = move || match pr.save.get() {
        SaveState::Off(e) => ("off", "Not saved".to_string(), e),
        SaveState::Saved => ("saved", "Saved".into(), "Saved in this browser".into()),
        SaveState::Pending => ("pending", "Edited".into(), "Saving in a moment".into()),
        SaveState::Saving => ("saving", "Saving…".into(), String::new()),
        SaveState::Failed(e) => ("failed", "Not saved".into(), e),
        SaveState::Elsewhere => (
            "elsewhere",
            "Open in another tab".into(),
            "Another tab has this project open and saves it; changes here are not saved".into(),
        ),
    };
    view! {
        <div class="project-bar">
            <button
                id="projects-button"
                title="Your projects"
                on:click=move |_| {
                    let open = !pr.panel.get_untracked();
                    pr.panel.set(open);
                    if open {
                        spawn_local(refresh(ctx));
                    }
                }
            >
                "Projects"
            </button>
            <input
                id="project-name"
                type="text"
                aria-label="Project name"
                prop:value=move || pr.current.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default())
                disabled=move || pr.current.with(|c| c.is_none())
                on:change=move |ev| {
                    if let Some(id) = pr.current.with_untracked(|c| c.as_ref().map(|c| c.id.clone())) {
                        rename_project(ctx, id, event_target_value(&ev));
                    }
                }
            />
            <span id="save-state" class=move || format!("save-state {}", state().0) title=move || state().2>
                {move || state().1}
            </span>
            <Show when=move || pr.save.get() == SaveState::Elsewhere>
                <button
                    id="take-over"
                    title="Save this tab's plate and settings as the project; the other tab stops saving"
                    on:click=move |_| {
                        let id = pr.current.with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
                        lock_project(ctx, id, true);
                    }
                >
                    "Take over"
                </button>
            </Show>
        </div>
    }
}

/// The list of projects, with storage use.
#[component]
pub fn ProjectsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pr = ctx.projects;
    Effect::new(move |prev: Option<bool>| {
        let open = pr.panel.get();
        if prev.is_some_and(|p| p != open) {
            crate::app::browser::dialog_focus(open, ".projects-panel", "projects-button");
        }
        open
    });
    let card = move |p: ProjectMeta| {
        let current = pr
            .current
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == p.id));
        let (id1, id2, id3, id4, id5) = (
            p.id.clone(),
            p.id.clone(),
            p.id.clone(),
            p.id.clone(),
            p.id.clone(),
        );
        view! {
            <li class="project-card" class:current=current data-id=p.id.clone()>
                <button class="thumb" title="Open" on:click=move |_| open_project(ctx, id1.clone())>
                    {match p.thumbnail.clone() {
                        Some(src) => view! { <img src=src alt="" width="192" height="128"/> }.into_any(),
                        None => view! { <span class="no-thumb">"No picture"</span> }.into_any(),
                    }}
                </button>
                <input
                    class="card-name"
                    type="text"
                    aria-label="Project name"
                    value=p.name.clone()
                    on:change=move |ev| rename_project(ctx, id2.clone(), event_target_value(&ev))
                />
                <div class="card-info">{format!("{} · {}", when(p.modified), storage::bytes_text(p.size))}</div>
                <div class="card-actions">
                    <button class="open" on:click=move |_| open_project(ctx, id3.clone())>
                        {if current { "Open (current)" } else { "Open" }}
                    </button>
                    <button class="duplicate" on:click=move |_| duplicate_project(ctx, id5.clone())>"Duplicate"</button>
                    <button class="delete" on:click=move |_| delete_project(ctx, id4.clone())>"Delete"</button>
                </div>
            </li>
        }
    };
    let usage = move || {
        pr.usage.get().map(|(used, quota)| {
            let share = if quota > 0.0 {
                (used / quota).min(1.0)
            } else {
                0.0
            };
            view! {
                <div class="usage" id="storage-usage">
                    <meter min="0" max="1" value=share></meter>
                    {format!("{} of {} used", storage::bytes_text(used), storage::bytes_text(quota))}
                    {move || if pr.persisted.get() { " · kept by the browser" } else { "" }}
                </div>
            }
        })
    };
    view! {
        <Show when=move || pr.panel.get()>
            <div class="overlay" on:click=move |_| pr.panel.set(false)>
                <section class="projects-panel" role="dialog" aria-modal="true" aria-label="Projects" on:click=|ev| ev.stop_propagation() on:keydown=move |ev| crate::app::browser::trap_tab(&ev)>
                    <header>
                        <h2>"Projects"</h2>
                        <button id="new-project" class="primary" on:click=move |_| new_project(ctx)>"New project"</button>
                        <button id="save-3mf" title="Download this project as a 3MF file" on:click=move |_| save_3mf(ctx)>
                            "Save as 3MF"
                        </button>
                        <button class="close" title="Close" aria-label="Close the projects" on:click=move |_| pr.panel.set(false)>"×"</button>
                    </header>
                    {usage}
                    {move || match pr.save.get() {
                        SaveState::Off(e) => Some(view! { <div class="error-text banner">{format!("Projects are not saved: {e}")}</div> }),
                        _ => None,
                    }}
                    <SliceHistory/>
                    <h3 class="projects-heading">"All projects"</h3>
                    <ul class="project-list">{move || pr.list.get().into_iter().map(card).collect_view()}</ul>
                </section>
            </div>
        </Show>
    }
}

/// The open project's recent slices, to download again (in the Projects panel).
#[component]
fn SliceHistory() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pr = ctx.projects;
    view! {
        <Show when=move || pr.history.with(|h| !h.is_empty())>
            <section class="history">
                <h3>"Recent slices of this project"</h3>
                <ul id="slice-history">
                    {move || {
                        pr.history
                            .get()
                            .into_iter()
                            .map(|e| {
                                let label = format!(
                                    "{} · {} · {:.1} g",
                                    when(e.created),
                                    format_duration(e.stats.time_s),
                                    e.stats.filament_g
                                );
                                let detail = if e.changed > 0 {
                                    format!("{} · {} changed values", e.presets, e.changed)
                                } else {
                                    e.presets.clone()
                                };
                                view! {
                                    <li>
                                        <span class="when">{label}</span>
                                        <span class="presets">{detail}</span>
                                        <button class="download" on:click=move |_| download_slice(ctx, e.clone())>"Download"</button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}
