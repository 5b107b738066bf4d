//! One object's own settings in the app: the settings panel edits them in place of the
//! plate's (`Ctx::object_settings`), with the same rows, only the settings that may differ
//! per object, each marked; the object list names them under the object.

use super::Ctx;
use crate::engine::settings::find_def;
use leptos::prelude::*;

impl Ctx {
    /// The object whose own settings the settings panel edits, if it does.
    pub fn settings_object(&self) -> Option<usize> {
        if !self.object_settings.get() {
            return None;
        }
        let (o, _) = self.selected.get()?;
        // Not tracked: the panel need not redraw at every move of a copy (a removed object
        // takes its selection with it).
        self.scene
            .with_untracked(|s| (o < s.objects.len()).then_some(o))
    }

    /// Opens the settings panel on an object's own settings.
    pub fn edit_object_settings(&self, object: usize) {
        if self.selected.get_untracked().map(|(o, _)| o) != Some(object) {
            self.select(Some((object, 0)));
        }
        self.object_settings.set(true);
    }
}

/// Sets one of an object's own values: it must be a per-object setting, a valid value, and
/// hold together with the plate's settings. Undoable, like any change to the plate.
pub fn set_object_value(ctx: Ctx, object: usize, key: &str, text: &str) -> Result<(), String> {
    let plate = ctx
        .settings
        .get_untracked()
        .map_err(|_| "fix the settings marked in red first".to_string())?;
    let mut own = ctx
        .scene
        .with_untracked(|s| s.objects.get(object).map(|o| o.settings.clone()))
        .ok_or("the object is gone")?;
    own.set(key, text).map_err(|e| e.for_people())?;
    own.applied_to(&plate)
        .validate()
        .map_err(|e| e.for_people())?;
    ctx.edit(|s| {
        if let Some(o) = s.objects.get_mut(object) {
            o.settings = own;
        }
    });
    Ok(())
}

/// Takes one of an object's own values off: it prints with the plate's again.
pub fn reset_object_value(ctx: Ctx, object: usize, key: &str) {
    ctx.edit(|s| {
        if let Some(o) = s.objects.get_mut(object) {
            o.settings.remove(key);
        }
    });
}

/// An object's own value in effect, as the panel shows it (its own, else the plate's).
pub fn object_value(ctx: Ctx, object: usize, key: &str) -> Option<String> {
    let own = ctx.scene.with(|s| {
        s.objects
            .get(object)
            .and_then(|o| o.settings.get(key).map(str::to_string))
    });
    own.or_else(|| {
        ctx.settings
            .with(|s| s.as_ref().ok().and_then(|s| s.get(key)))
    })
}

/// Whether an object has its own value of a setting.
pub fn has_own(ctx: Ctx, object: usize, key: &str) -> bool {
    ctx.scene.with(|s| {
        s.objects
            .get(object)
            .is_some_and(|o| o.settings.get(key).is_some())
    })
}

/// "Infill density 40%, Perimeters 4": an object's own values for people.
pub fn summary(settings: &crate::engine::settings::Overrides) -> String {
    settings
        .iter()
        .map(|(k, v)| match find_def(k) {
            Some(d) if d.unit.is_empty() => format!("{} {v}", d.label),
            Some(d) if d.unit == "%" => format!("{} {v}%", d.label),
            Some(d) => format!("{} {v} {}", d.label, d.unit),
            None => format!("{k} {v}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The top of the settings panel while it edits an object's own settings: whose, and the
/// way back to the plate's.
#[component]
pub fn ObjectSettingsBar(object: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let name = move || {
        ctx.scene
            .with(|s| s.objects.get(object).map(|o| o.name.clone()))
            .unwrap_or_default()
    };
    let count = move || {
        ctx.scene
            .with(|s| s.objects.get(object).map_or(0, |o| o.settings.len()))
    };
    view! {
        <div class="preset-bar object-bar" id="object-settings-bar">
            <div class="preset-state">
                {move || format!("{}: its own settings", name())}
                <span class="changed-count">
                    {move || match count() {
                        0 => "none yet: it prints with the plate's".to_string(),
                        1 => "1 of its own".to_string(),
                        n => format!("{n} of its own"),
                    }}
                </span>
            </div>
            <p class="note">
                "Only the settings one object can have are listed. A value set here is this object's; ↺ gives it the plate's again."
            </p>
            <button id="plate-settings" on:click=move |_| ctx.object_settings.set(false)>
                "Back to the plate's settings"
            </button>
        </div>
    }
}
