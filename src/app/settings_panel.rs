//! Preset pickers and the settings panel, generated from the engine's one settings schema:
//! grouped by kind and category, basic or advanced, units and help on hover. A value that
//! does not parse or is out of range is marked with the allowed range and never reaches the
//! slicer; values that differ from the preset are marked and can be reset or saved as a
//! user preset (kept for this session).

use super::Ctx;
use crate::engine::settings::{Preset, PresetKind, SCHEMA, Scope, SettingDef, ValueKind};
use leptos::prelude::*;
use std::collections::HashMap;

const KINDS: [PresetKind; 3] = [
    PresetKind::Printer,
    PresetKind::Filament,
    PresetKind::Process,
];

fn scope_of(kind: PresetKind) -> Scope {
    kind.scope()
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

    let apply = move |def: &'static SettingDef, text: String| {
        let Ok(mut s) = ctx.settings.get_untracked() else {
            drafts.update(|d| {
                d.insert(
                    def.key,
                    (text, "fix the settings marked in red first".into()),
                );
            });
            return;
        };
        let result = s.set(def.key, &text).and_then(|_| s.validate());
        match result {
            Err(e) => drafts.update(|d| {
                d.insert(def.key, (text, e.to_string()));
            }),
            Ok(()) => {
                drafts.update(|d| {
                    d.remove(def.key);
                });
                let value = s.get(def.key).unwrap_or_default();
                let base = ctx.base.get_untracked().ok().and_then(|b| b.get(def.key));
                ctx.overrides.update(|o| {
                    if base.as_deref() == Some(value.as_str()) {
                        o.remove(def.key);
                    } else {
                        o.insert(def.key.to_string(), value);
                    }
                });
            }
        }
    };
    let reset = move |key: &'static str| {
        drafts.update(|d| {
            d.remove(key);
        });
        ctx.overrides.update(|o| {
            o.remove(key);
        });
    };
    let save_preset = move |_| {
        let kind = tab.get_untracked();
        let Ok(s) = ctx.settings.get_untracked() else {
            return;
        };
        let name = preset_name.get_untracked().trim().to_string();
        if name.is_empty() {
            ctx.say("Give the new preset a name first.", true);
            return;
        }
        let values: Vec<(String, String)> = SCHEMA
            .iter()
            .filter(|d| d.scope == scope_of(kind))
            .map(|d| (d.key.to_string(), s.get(d.key).unwrap_or_default()))
            .collect();
        let n = ctx.presets.with_untracked(|p| p.len());
        let id = format!("user-{n}");
        ctx.presets.update(|p| {
            p.push(Preset {
                id: id.clone(),
                name: format!("{name} (yours)"),
                kind,
                inherits: None,
                values,
            })
        });
        ctx.overrides.update(|o| {
            o.retain(|k, _| {
                SCHEMA
                    .iter()
                    .find(|d| d.key == k)
                    .is_none_or(|d| d.scope != scope_of(kind))
            })
        });
        ctx.choice.update(|c| c.set(kind, id));
        preset_name.set(String::new());
        ctx.say(
            format!(
                "Saved the {} preset \"{name}\" for this session.",
                kind.name()
            ),
            false,
        );
    };

    let field = move |def: &'static SettingDef| {
        let current = move || {
            ctx.settings
                .with(|s| s.as_ref().ok().and_then(|s| s.get(def.key)))
                .unwrap_or_default()
        };
        let shown = move || {
            drafts
                .with(|d| d.get(def.key).map(|x| x.0.clone()))
                .unwrap_or_else(current)
        };
        let error = move || drafts.with(|d| d.get(def.key).map(|x| x.1.clone()));
        let changed = move || ctx.overrides.with(|o| o.contains_key(def.key));
        let id = format!("setting-{}", def.key);
        let input = match def.kind {
            ValueKind::Bool => view! {
                <input
                    id=id
                    type="checkbox"
                    prop:checked=move || current() == "true"
                    on:change=move |ev| apply(def, event_target_checked(&ev).to_string())
                />
            }
            .into_any(),
            ValueKind::Enum => view! {
                <select id=id on:change=move |ev| apply(def, event_target_value(&ev))>
                    {def
                        .choices
                        .iter()
                        .map(|c| {
                            let c = *c;
                            view! { <option value=c selected=move || current() == c>{c}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any(),
            ValueKind::Text => view! {
                <textarea id=id rows="6" prop:value=shown on:change=move |ev| apply(def, event_target_value(&ev))></textarea>
            }
            .into_any(),
            _ => view! {
                <input
                    id=id
                    type="text"
                    inputmode="decimal"
                    prop:value=shown
                    on:change=move |ev| apply(def, event_target_value(&ev))
                />
            }
            .into_any(),
        };
        let range = def.range.map(|_| def.range_text());
        view! {
            <div class="setting" class:invalid=move || error().is_some() class:changed=changed title=def.help>
                <label for=format!("setting-{}", def.key)>{def.label}</label>
                <div class="control">
                    {input}
                    <span class="unit">{def.unit}</span>
                    <Show when=changed>
                        <button class="reset" title="Back to the preset's value" on:click=move |_| reset(def.key)>
                            "↺"
                        </button>
                    </Show>
                </div>
                {move || {
                    error()
                        .map(|e| {
                            view! {
                                <div class="error-text">
                                    {e}
                                    {range.clone().map(|r| format!(" (allowed: {r} {})", def.unit))}
                                </div>
                            }
                        })
                }}
            </div>
        }
    };

    let body = move || {
        let kind = tab.get();
        let adv = advanced.get();
        let mut categories: Vec<&'static str> = Vec::new();
        for d in SCHEMA.iter().filter(|d| d.scope == scope_of(kind)) {
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
                        d.scope == scope_of(kind) && d.category == cat && (adv || !d.advanced)
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
    };

    view! {
        <section class="panel settings">
            <div class="tabs" role="tablist">
                {KINDS
                    .into_iter()
                    .rev()
                    .map(|k| {
                        view! {
                            <button role="tab" class:active=move || tab.get() == k on:click=move |_| tab.set(k)>
                                {k.name()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <label class="check mode">
                <input type="checkbox" id="advanced-toggle" prop:checked=move || advanced.get() on:change=move |ev| advanced.set(event_target_checked(&ev))/>
                "Advanced settings"
            </label>
            {move || ctx.settings.get().err().map(|e| view! { <div class="error-text banner">{e}</div> })}
            <div class="fields">{body}</div>
            <div class="save-preset">
                <input
                    type="text"
                    placeholder="New preset name"
                    prop:value=move || preset_name.get()
                    on:input=move |ev| preset_name.set(event_target_value(&ev))
                />
                <button on:click=save_preset title="Keep these values as a preset of your own">
                    {move || format!("Save {} preset", tab.get().name())}
                </button>
                <span class="changed-count">
                    {move || {
                        let n = ctx.changed_keys().len();
                        (n > 0).then(|| format!("{n} changed"))
                    }}
                </span>
            </div>
        </section>
    }
}
