//! Preset pickers and the settings panel, generated from the engine's one settings schema:
//! grouped by kind and category, basic or advanced, units and help on hover. A value that
//! does not parse or is out of range is marked with the allowed range and never reaches the
//! slicer; values that differ from the preset are marked and can be reset or saved as a
//! user preset. User presets are kept in the browser's storage, can be updated, deleted,
//! exported as Lamina preset files, and imported from Lamina, PrusaSlicer (.ini, bundles
//! too) and OrcaSlicer / Creality Print (.json) files.

use super::object_settings::{
    ObjectSettingsBar, has_own, object_value, reset_object_value, set_object_value,
};
use super::{Ctx, browser, files};
use crate::engine::settings::foreign::import_presets;
use crate::engine::settings::{Preset, PresetKind, SCHEMA, Scope, SettingDef, ValueKind};
use crate::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

const KINDS: [PresetKind; 3] = [
    PresetKind::Printer,
    PresetKind::Filament,
    PresetKind::Process,
];

fn scope_of(kind: PresetKind) -> Scope {
    kind.scope()
}

/// Adds (or replaces) a user preset and stores it.
pub fn keep_preset(ctx: Ctx, p: Preset) {
    ctx.presets
        .update(|all| match all.iter_mut().find(|x| x.id == p.id) {
            Some(x) => *x = p.clone(),
            None => all.push(p.clone()),
        });
    spawn_local(async move {
        if let Err(e) = storage::run(async { storage::db().await?.put_preset(&p).await }).await {
            ctx.say(
                format!(
                    "The preset \"{}\" is kept for this session only: {e}",
                    p.name
                ),
                true,
            );
        }
    });
}

/// Sets one of the user's values, checked like any typed one (the whole settings must still
/// be valid); a value equal to the presets' is no longer the user's own.
pub fn set_value(ctx: Ctx, key: &str, text: &str) -> Result<(), String> {
    let mut s = ctx
        .settings
        .get_untracked()
        .map_err(|_| "fix the settings marked in red first".to_string())?;
    s.set(key, text)
        .and_then(|_| s.validate())
        .map_err(|e| e.for_people())?;
    let value = s.get(key).unwrap_or_default();
    let base = ctx.base.get_untracked().ok().and_then(|b| b.get(key));
    ctx.overrides.update(|o| {
        if base.as_deref() == Some(value.as_str()) {
            o.remove(key);
        } else {
            o.insert(key.to_string(), value);
        }
    });
    Ok(())
}

/// Turns the user's values into presets of their own: for each kind that has values, a new
/// user preset ("<current preset> <label> (yours)") holding them is kept and chosen.
pub fn save_as_presets(ctx: Ctx, label: &str) {
    let mut made = Vec::new();
    for kind in KINDS {
        let has_values = ctx.overrides.with_untracked(|o| {
            o.keys().any(|k| {
                SCHEMA
                    .iter()
                    .any(|d| d.key == k && d.scope == scope_of(kind))
            })
        });
        let Some(values) = current_values(ctx, kind).filter(|_| has_values) else {
            continue;
        };
        let current = ctx.choice.with_untracked(|c| c.get(kind).to_string());
        let base = ctx
            .presets
            .with_untracked(|all| all.iter().find(|p| p.id == current).map(|p| p.name.clone()))
            .unwrap_or_default();
        let base = base.trim_end_matches(" (yours)");
        let name = format!("{base} {label} (yours)");
        let id = browser::new_id("user");
        keep_preset(
            ctx,
            Preset {
                id: id.clone(),
                name: name.clone(),
                kind,
                inherits: None,
                values,
            },
        );
        clear_overrides(ctx, kind);
        ctx.choice.update(|c| c.set(kind, id));
        made.push(format!("\"{name}\""));
    }
    if !made.is_empty() {
        ctx.say(format!("Saved and chose {}.", made.join(" and ")), false);
    }
}

/// Keeps values in the user's own preset of `kind`, with one click (a calibration's result):
/// in the chosen preset when it is the user's; else in the user's copy of it ("<name>
/// (yours)"), made from the preset's values when there is none yet, and then chosen. The
/// user's unsaved values stay as they are. Returns the preset's name.
pub fn keep_in_preset(
    ctx: Ctx,
    kind: PresetKind,
    values: &[(&str, String)],
) -> Result<String, String> {
    let mut check = ctx.base.get_untracked()?;
    for (k, v) in values {
        check.set(k, v).map_err(|e| e.for_people())?;
    }
    check.validate().map_err(|e| e.for_people())?;
    let current_id = ctx.choice.with_untracked(|c| c.get(kind).to_string());
    let (current, copy) = ctx.presets.with_untracked(|all| {
        let current = all.iter().find(|p| p.id == current_id).cloned();
        let copy_name = current
            .as_ref()
            .map(|p| format!("{} (yours)", p.name.trim_end_matches(" (yours)")));
        let copy = all
            .iter()
            .find(|p| p.kind == kind && is_user(&p.id) && Some(&p.name) == copy_name.as_ref())
            .cloned();
        (current, copy)
    });
    let mut preset = match current {
        Some(p) if is_user(&p.id) => p,
        _ => match copy {
            Some(p) => p,
            None => {
                // The chosen preset's own values (without the user's unsaved ones).
                let base = ctx.base.get_untracked()?;
                let name = ctx.presets.with_untracked(|all| {
                    all.iter()
                        .find(|p| p.id == current_id)
                        .map_or(capitalized(kind.name()), |p| p.name.clone())
                });
                Preset {
                    id: browser::new_id("user"),
                    name: format!("{name} (yours)"),
                    kind,
                    inherits: None,
                    values: SCHEMA
                        .iter()
                        .filter(|d| d.scope == scope_of(kind))
                        .map(|d| (d.key.to_string(), base.get(d.key).unwrap_or_default()))
                        .collect(),
                }
            }
        },
    };
    for (k, v) in values {
        match preset.values.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => preset.values.push((k.to_string(), v.clone())),
        }
    }
    let (id, name) = (preset.id.clone(), preset.name.clone());
    keep_preset(ctx, preset);
    ctx.choice.update(|c| c.set(kind, id));
    Ok(name)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn is_user(id: &str) -> bool {
    id.starts_with("user-")
}

/// Drops the user's values of one kind (they now live in a preset).
fn clear_overrides(ctx: Ctx, kind: PresetKind) {
    ctx.overrides.update(|o| {
        o.retain(|k, _| {
            SCHEMA
                .iter()
                .find(|d| d.key == k)
                .is_none_or(|d| d.scope != scope_of(kind))
        })
    });
}

/// The current values of one kind, as preset values.
fn current_values(ctx: Ctx, kind: PresetKind) -> Option<Vec<(String, String)>> {
    let s = ctx.settings.get_untracked().ok()?;
    Some(
        SCHEMA
            .iter()
            .filter(|d| d.scope == scope_of(kind))
            .map(|d| (d.key.to_string(), s.get(d.key).unwrap_or_default()))
            .collect(),
    )
}

fn delete_preset(ctx: Ctx, kind: PresetKind) {
    let id = ctx.choice.with_untracked(|c| c.get(kind).to_string());
    let Some(p) = ctx
        .presets
        .with_untracked(|all| all.iter().find(|x| x.id == id).cloned())
    else {
        return;
    };
    let ok = window()
        .confirm_with_message(&format!("Delete your preset \"{}\"?", p.name))
        .unwrap_or(false);
    if !ok || !is_user(&id) {
        return;
    }
    // Fall back to the first built-in preset of the kind.
    let fallback = ctx.presets.with_untracked(|all| {
        all.iter()
            .find(|x| x.kind == kind && !is_user(&x.id))
            .map(|x| x.id.clone())
    });
    if let Some(f) = fallback {
        ctx.choice.update(|c| c.set(kind, f));
    }
    ctx.presets.update(|all| all.retain(|x| x.id != id));
    spawn_local(async move {
        match storage::run(async { storage::db().await?.delete_preset(&id).await }).await {
            Ok(()) => ctx.say(format!("Deleted the preset \"{}\".", p.name), false),
            Err(e) => ctx.say(format!("The preset could not be deleted: {e}"), true),
        }
    });
}

fn export_preset(ctx: Ctx, kind: PresetKind) {
    let id = ctx.choice.with_untracked(|c| c.get(kind).to_string());
    let Some(mut p) = ctx
        .presets
        .with_untracked(|all| all.iter().find(|x| x.id == id).cloned())
    else {
        return;
    };
    // The file holds the values in effect, the user's changes included.
    if let Some(values) = current_values(ctx, kind) {
        p.values = values;
        p.inherits = None;
    }
    let text = p.to_file();
    let bytes = js_sys::Uint8Array::from(text.as_bytes());
    let name = format!("{}.toml", browser::safe_file_name(&p.name));
    if let Err(e) = browser::save_bytes(&bytes, &name, "application/toml") {
        ctx.say(format!("Could not save the file: {e:?}"), true);
    }
}

/// Reads preset files the user picked: Lamina .toml, PrusaSlicer .ini, Orca/Creality .json.
fn import_preset_files(ctx: Ctx, list: Vec<web_sys::File>) {
    spawn_local(async move {
        for file in list {
            let name = file.name();
            let Some(bytes) = files::read_file(ctx, &file).await else {
                continue;
            };
            let mut new_id = |_: PresetKind, _: &str| browser::new_id("user");
            match import_presets(&name, &bytes, &mut new_id) {
                Ok(imported) => {
                    let mut chosen: Vec<(PresetKind, String)> = Vec::new();
                    for i in imported {
                        let mut text = format!(
                            "{name}: imported the {} preset \"{}\"",
                            i.preset.kind.name(),
                            i.preset.name
                        );
                        if !i.ignored.is_empty() {
                            let keys: Vec<&str> =
                                i.ignored.iter().take(12).map(|(k, _)| k.as_str()).collect();
                            let more = i.ignored.len().saturating_sub(keys.len());
                            text.push_str(&format!(
                                "; {} settings Lamina does not use were ignored: {}{}",
                                i.ignored.len(),
                                keys.join(", "),
                                if more > 0 {
                                    format!(" and {more} more")
                                } else {
                                    String::new()
                                }
                            ));
                        }
                        for n in &i.notes {
                            text.push_str("; ");
                            text.push_str(n);
                        }
                        ctx.say(text, false);
                        chosen.retain(|(k, _)| *k != i.preset.kind);
                        chosen.push((i.preset.kind, i.preset.id.clone()));
                        keep_preset(ctx, i.preset);
                    }
                    // The last one read of each kind is chosen, so its values show.
                    for (kind, id) in chosen {
                        clear_overrides(ctx, kind);
                        ctx.choice.update(|c| c.set(kind, id));
                    }
                }
                Err(e) => ctx.say(e.to_string(), true),
            }
        }
    });
}

#[component]
pub fn PresetPickers() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    KINDS
        .into_iter()
        .map(|kind| {
            let options = move || {
                let current = ctx.choice.with(|c| c.get(kind).to_string());
                ctx.presets
                    .get()
                    .into_iter()
                    .filter(|p| p.kind == kind)
                    .map(|p| {
                        let selected = p.id == current;
                        view! { <option value=p.id.clone() selected=selected>{p.name.clone()}</option> }
                    })
                    .collect_view()
            };
            view! {
                <label class="picker">
                    <span>{kind.name()}</span>
                    <select
                        id=format!("preset-{}", kind.name())
                        on:change=move |ev| {
                            let id = event_target_value(&ev);
                            // The user's values for this kind belonged to the old preset.
                            ctx.overrides.update(|o| {
                                o.retain(|k, _| SCHEMA.iter().find(|d| d.key == k).is_none_or(|d| d.scope != scope_of(kind)))
                            });
                            ctx.choice.update(|c| c.set(kind, id));
                        }
                    >
                        {options}
                    </select>
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let tab = RwSignal::new(PresetKind::Process);
    let advanced = RwSignal::new(false);
    // Text typed into a field that did not take, and why.
    let drafts: RwSignal<HashMap<&'static str, (String, String)>> = RwSignal::new(HashMap::new());
    let preset_name = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());

    // The object whose own settings the panel edits, or None for the plate's.
    let target = move || ctx.settings_object();
    // Text refused for one object, or the plate, is not shown for another.
    Effect::new(move |before: Option<Option<usize>>| {
        let now = target();
        if before.is_some_and(|b| b != now) {
            drafts.set(HashMap::new());
        }
        now
    });
    let apply = move |def: &'static SettingDef, text: String| {
        let taken = match untrack(target) {
            Some(o) => set_object_value(ctx, o, def.key, &text),
            None => set_value(ctx, def.key, &text),
        };
        drafts.update(|d| match taken {
            Err(e) => {
                d.insert(def.key, (text, e));
            }
            Ok(()) => {
                d.remove(def.key);
            }
        });
    };
    let reset = move |key: &'static str| {
        drafts.update(|d| {
            d.remove(key);
        });
        match untrack(target) {
            Some(o) => reset_object_value(ctx, o, key),
            None => ctx.overrides.update(|o| {
                o.remove(key);
            }),
        }
    };
    let save_preset = move |_| {
        let kind = tab.get_untracked();
        let Some(values) = current_values(ctx, kind) else {
            ctx.say("Fix the settings marked in red first.", true);
            return;
        };
        let name = preset_name.get_untracked().trim().to_string();
        if name.is_empty() {
            ctx.say("Give the new preset a name first.", true);
            return;
        }
        let id = browser::new_id("user");
        keep_preset(
            ctx,
            Preset {
                id: id.clone(),
                name: format!("{name} (yours)"),
                kind,
                inherits: None,
                values,
            },
        );
        clear_overrides(ctx, kind);
        ctx.choice.update(|c| c.set(kind, id));
        preset_name.set(String::new());
        ctx.say(
            format!("Saved the {} preset \"{name}\".", kind.name()),
            false,
        );
    };
    let update_preset = move |_| {
        let kind = tab.get_untracked();
        let id = ctx.choice.with_untracked(|c| c.get(kind).to_string());
        let (Some(values), Some(mut p)) = (
            current_values(ctx, kind),
            ctx.presets
                .with_untracked(|all| all.iter().find(|x| x.id == id).cloned()),
        ) else {
            return;
        };
        p.values = values;
        p.inherits = None;
        let name = p.name.clone();
        keep_preset(ctx, p);
        clear_overrides(ctx, kind);
        ctx.say(format!("Updated the preset \"{name}\"."), false);
    };
    let chosen_is_user = move || ctx.choice.with(|c| is_user(c.get(tab.get())));

    let field = move |def: &'static SettingDef| {
        let current = move || {
            match target() {
                Some(o) => object_value(ctx, o, def.key),
                None => ctx
                    .settings
                    .with(|s| s.as_ref().ok().and_then(|s| s.get(def.key))),
            }
            .unwrap_or_default()
        };
        let shown = move || {
            drafts
                .with(|d| d.get(def.key).map(|x| x.0.clone()))
                .unwrap_or_else(current)
        };
        let error = move || drafts.with(|d| d.get(def.key).map(|x| x.1.clone()));
        let changed = move || match target() {
            Some(o) => has_own(ctx, o, def.key),
            None => ctx.overrides.with(|o| o.contains_key(def.key)),
        };
        let id = format!("setting-{}", def.key);
        let invalid = move || error().is_some().to_string();
        let described = move || match error() {
            Some(_) => format!("error-{} help-{}", def.key, def.key),
            None => format!("help-{}", def.key),
        };
        let input = match def.kind {
            ValueKind::Bool => view! {
                <input
                    id=id
                    aria-invalid=invalid
                    aria-describedby=described
                    type="checkbox"
                    prop:checked=move || current() == "true"
                    on:change=move |ev| apply(def, event_target_checked(&ev).to_string())
                />
            }
            .into_any(),
            ValueKind::Enum => view! {
                <select id=id aria-invalid=invalid aria-describedby=described on:change=move |ev| apply(def, event_target_value(&ev))>
                    {def
                        .choices
                        .iter()
                        .map(|c| {
                            let c = *c;
                            // The value as words (`inner_outer_inner` reads "inner outer inner").
                            view! {
                                <option value=c selected=move || current() == c>
                                    {c.replace('_', " ")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any(),
            ValueKind::Text => view! {
                <textarea id=id aria-invalid=invalid aria-describedby=described rows="6" prop:value=shown on:change=move |ev| apply(def, event_target_value(&ev))></textarea>
            }
            .into_any(),
            _ => view! {
                <input
                    id=id
                    aria-invalid=invalid
                    aria-describedby=described
                    type="text"
                    class:line=def.kind == ValueKind::Line
                    inputmode=if def.kind == ValueKind::Line { "text" } else { "decimal" }
                    prop:value=shown
                    on:change=move |ev| apply(def, event_target_value(&ev))
                />
            }
            .into_any(),
        };
        view! {
            <div
                class="setting"
                class:invalid=move || error().is_some()
                class:changed=changed
                class:per-object=move || target().is_some()
                title=def.help
            >
                <label for=format!("setting-{}", def.key)>{def.label}</label>
                <div class="control">
                    {input}
                    <span class="unit">{def.unit}</span>
                    <Show when=changed>
                        <button
                            class="reset"
                            title=move || match target() {
                                Some(_) => "Back to the plate's value",
                                None => "Back to the preset's value",
                            }
                            on:click=move |_| reset(def.key)
                        >
                            "↺"
                        </button>
                    </Show>
                </div>
                // The help shows under the field while it has focus (no hovering needed);
                // below the row, so that the field itself does not move.
                <p class="help" id=format!("help-{}", def.key)>{def.help}</p>
                {move || {
                    error()
                        .map(|e| {
                            view! {
                                <div class="error-text" id=format!("error-{}", def.key)>
                                    {e}
                                </div>
                            }
                        })
                }}
            </div>
        }
    };

    let body = move || {
        let q = query.get().to_lowercase();
        let words: Vec<&str> = q.split_whitespace().collect();
        // An object's own settings: only those that may differ per object.
        let object = target().is_some();
        let shown = move |d: &SettingDef| !object || d.per_object();
        if !words.is_empty() {
            // Every setting of every kind, advanced ones too, whose label, key, help or
            // category holds all the words.
            let hits: Vec<&'static SettingDef> = SCHEMA
                .iter()
                .filter(|d| shown(d))
                .filter(|d| {
                    let hay =
                        format!("{} {} {} {}", d.label, d.key, d.help, d.category).to_lowercase();
                    words.iter().all(|w| hay.contains(w))
                })
                .collect();
            if hits.is_empty() {
                return view! { <p class="note" id="search-empty">"No setting matches."</p> }
                    .into_any();
            }
            let mut groups: Vec<(PresetKind, &'static str)> = Vec::new();
            for d in &hits {
                let kind = KINDS.into_iter().find(|k| scope_of(*k) == d.scope);
                if let Some(k) = kind
                    && !groups.contains(&(k, d.category))
                {
                    groups.push((k, d.category));
                }
            }
            return groups
                .into_iter()
                .map(|(k, cat)| {
                    let defs: Vec<&'static SettingDef> = hits
                        .iter()
                        .copied()
                        .filter(|d| d.scope == scope_of(k) && d.category == cat)
                        .collect();
                    view! {
                        <fieldset>
                            <legend>{format!("{} · {cat}", capitalized(k.name()))}</legend>
                            {defs.into_iter().map(field).collect_view()}
                        </fieldset>
                    }
                })
                .collect_view()
                .into_any();
        }
        let kind = if object {
            PresetKind::Process
        } else {
            tab.get()
        };
        let adv = advanced.get();
        let mut categories: Vec<&'static str> = Vec::new();
        for d in SCHEMA
            .iter()
            .filter(|d| d.scope == scope_of(kind) && shown(d))
        {
            if !categories.contains(&d.category) {
                categories.push(d.category);
            }
        }
        categories
            .into_iter()
            .map(|cat| {
                let defs: Vec<&'static SettingDef> = SCHEMA
                    .iter()
                    .filter(|d| {
                        d.scope == scope_of(kind)
                            && d.category == cat
                            && (adv || !d.advanced)
                            && shown(d)
                    })
                    .collect();
                (!defs.is_empty()).then(|| {
                    view! {
                        <fieldset>
                            <legend>{cat}</legend>
                            {defs.into_iter().map(field).collect_view()}
                        </fieldset>
                    }
                })
            })
            .collect_view()
            .into_any()
    };

    // The chosen preset of the tab, and whether the values shown differ from it.
    let preset_state = move || {
        let kind = tab.get();
        let id = ctx.choice.with(|c| c.get(kind).to_string());
        let name = ctx
            .presets
            .with(|all| all.iter().find(|p| p.id == id).map(|p| p.name.clone()))
            .unwrap_or_default();
        let modified = ctx.overrides.with(|o| {
            o.keys().any(|k| {
                SCHEMA
                    .iter()
                    .any(|d| d.key == k && d.scope == scope_of(kind))
            })
        });
        format!("{name}{}", if modified { " (modified)" } else { "" })
    };
    view! {
        <section class="panel settings">
            <div class="tabs" role="tablist">
                {KINDS
                    .into_iter()
                    .rev()
                    .map(|k| {
                        view! {
                            <button role="tab" aria-selected=move || (tab.get() == k).to_string() class:active=move || tab.get() == k on:click=move |_| tab.set(k)>
                                {k.name()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <input
                type="search"
                id="settings-search"
                placeholder="Search every setting"
                aria-label="Search every setting by name, key or help"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <label class="check mode">
                <input type="checkbox" id="advanced-toggle" prop:checked=move || advanced.get() on:change=move |ev| advanced.set(event_target_checked(&ev))/>
                "Advanced settings"
            </label>
            // Stays in view while the list scrolls.
            {move || target().map(|object| view! { <ObjectSettingsBar object=object/> })}
            <div class="preset-bar" class:hidden=move || target().is_some()>
                <div class="preset-state" id="preset-state">{preset_state}</div>
                <div class="save-preset">
                    <input
                        type="text"
                        placeholder="New preset name"
                        aria-label="New preset name"
                        prop:value=move || preset_name.get()
                        on:input=move |ev| preset_name.set(event_target_value(&ev))
                    />
                    <button on:click=save_preset title="Keep these values as a preset of your own">
                        {move || format!("Save {} preset", tab.get().name())}
                    </button>
                </div>
                <div class="preset-actions">
                    <Show when=chosen_is_user>
                        <button id="update-preset" on:click=update_preset title="Store the values shown in this preset">
                            "Update"
                        </button>
                        <button id="delete-preset" on:click=move |_| delete_preset(ctx, tab.get_untracked())>"Delete"</button>
                    </Show>
                    <button id="export-preset" on:click=move |_| export_preset(ctx, tab.get_untracked()) title="Download the chosen preset, with your changes, as a Lamina preset file">
                        "Export"
                    </button>
                    <button id="import-presets" title="Lamina .toml, PrusaSlicer .ini (config bundles too), OrcaSlicer or Creality Print .json" on:click=move |_| browser::click_element("preset-input")>
                        "Import…"
                    </button>
                    <input
                        type="file"
                        id="preset-input"
                        class="hidden-input"
                        tabindex="-1"
                        aria-hidden="true"
                        multiple=true
                        accept=".toml,.ini,.json"
                        on:change=move |ev| import_preset_files(ctx, files::picked_files(&ev))
                    />
                    <span class="changed-count">
                        {move || {
                            let n = ctx.changed_keys().len();
                            (n > 0).then(|| format!("{n} changed"))
                        }}
                    </span>
                </div>
            </div>
            {move || ctx.settings.get().err().map(|e| view! { <div class="error-text banner">{e}</div> })}
            <div class="fields">{body}</div>
        </section>
    }
}
