//! Settings: each one declared once in `schema.rs` (key, type, default, unit, range, category,
//! the pipeline stage it affects, help). That declaration drives `--set` on the CLI, preset
//! files, validation messages, `lamina settings` and the app's settings panel.
//!
//! Values are layered: schema defaults < printer preset < filament preset < process preset <
//! user overrides (see `presets`).

pub mod foreign;
mod overrides;
mod presets;
mod schema;
mod value;

pub use overrides::Overrides;
pub use presets::{
    Choice, Preset, PresetError, PresetKind, ResolveError, Selection, all_presets, apply,
    find_preset, resolve, resolve_choice,
};
pub use schema::*;
pub(crate) use value::setting_enum;
pub use value::{SettingValue, Thumbnail, ThumbnailFormat, Thumbnails, ValueKind, format_float};

use crate::engine::stage::Stage;

/// Where a setting lives: which kind of preset may set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Printer,
    Filament,
    Process,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Printer => "printer",
            Scope::Filament => "filament",
            Scope::Process => "process",
        }
    }
}

/// The declaration of one setting.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct SettingDef {
    pub key: &'static str,
    pub label: &'static str,
    pub scope: Scope,
    pub category: &'static str,
    pub kind: ValueKind,
    pub choices: &'static [&'static str],
    pub unit: &'static str,
    /// Allowed range for numbers, inclusive.
    pub range: Option<(f64, f64)>,
    /// The stage that reads this setting: re-slicing after a change re-runs it and every
    /// stage that reads its output (`Stage::inputs`). A setting read by stages on two
    /// branches (walls and support, say) names the stage both read from.
    pub stage: Stage,
    /// Shown only in the advanced view.
    pub advanced: bool,
    pub help: &'static str,
}

impl SettingDef {
    pub fn range_text(&self) -> String {
        match self.range {
            Some((lo, hi)) => format!("{} to {}", format_float(lo), format_float(hi)),
            None if !self.choices.is_empty() => self.choices.join(" | "),
            None => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingError {
    #[error("unknown setting '{key}'{}", suggestion.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default())]
    UnknownKey {
        key: String,
        suggestion: Option<String>,
    },
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
    #[error("{key} = {}{} is out of range: allowed {} to {}{}", format_float(*value), unit_suffix(unit), format_float(*min), format_float(*max), unit_suffix(unit))]
    OutOfRange {
        key: String,
        value: f64,
        min: f64,
        max: f64,
        unit: &'static str,
    },
    /// A value that does not fit with another setting; `message` follows the key's name.
    #[error("{key}: {message}")]
    Inconsistent { key: &'static str, message: String },
}

impl SettingError {
    /// The error in the words of the app's settings panel: the setting's label rather than
    /// its key, and the allowed values said once.
    pub fn for_people(&self) -> String {
        let label = |key: &str| find_def(key).map_or(key.to_string(), |d| d.label.to_string());
        let allowed = |key: &str| {
            find_def(key)
                .map(|d| (d.range_text(), d.unit))
                .filter(|(r, _)| !r.is_empty())
                .map(|(r, u)| format!(" (allowed: {r}{})", unit_suffix(u)))
                .unwrap_or_default()
        };
        match self {
            SettingError::UnknownKey { .. } => self.to_string(),
            SettingError::Invalid { key, message } => {
                format!("{}: {message}{}", label(key), allowed(key))
            }
            SettingError::OutOfRange {
                key, value, unit, ..
            } => format!(
                "{}: {}{} is out of range{}",
                label(key),
                format_float(*value),
                unit_suffix(unit),
                allowed(key)
            ),
            SettingError::Inconsistent { key, message } => format!("{}: {message}", label(key)),
        }
    }
}

pub fn find_def(key: &str) -> Option<&'static SettingDef> {
    SCHEMA.iter().find(|d| d.key == key)
}

/// The closest known key by edit distance, for "did you mean" hints.
pub fn suggest_key(key: &str) -> Option<String> {
    SCHEMA
        .iter()
        .map(|d| (edit_distance(key, d.key), d.key))
        .filter(|(d, k)| *d <= 3.max(k.len() / 4))
        .min()
        .map(|(_, k)| k.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn unit_suffix(unit: &str) -> String {
    match unit {
        "" => String::new(),
        "%" | "°" => unit.to_string(),
        u => format!(" {u}"),
    }
}

pub(crate) fn check_range(def: &SettingDef, value: Option<f64>) -> Result<(), SettingError> {
    if let (Some((lo, hi)), Some(v)) = (def.range, value)
        && (v < lo || v > hi)
    {
        return Err(SettingError::OutOfRange {
            key: def.key.to_string(),
            value: v,
            min: lo,
            max: hi,
            unit: def.unit,
        });
    }
    Ok(())
}

/// Keys Lamina once had, as the key and value that replace them (None for any other key):
/// presets and projects saved with them still load.
pub(crate) fn renamed(key: &str, text: &str) -> Option<(&'static str, &'static str)> {
    match key {
        "external_perimeters_first" => Some((
            "wall_sequence",
            if matches!(text.trim(), "true" | "1") {
                "outer_inner"
            } else {
                "inner_outer"
            },
        )),
        _ => None,
    }
}

pub(crate) fn unknown_key(key: &str) -> SettingError {
    SettingError::UnknownKey {
        key: key.to_string(),
        suggestion: suggest_key(key),
    }
}

/// Declares every setting once; generates the `Settings` struct, its defaults, the static
/// `SCHEMA` table, the `Key` of every setting and keyed access (`set`, `get`).
macro_rules! declare_settings {
    ($(
        $scope:ident $category:literal {
            $(
                $key:ident : $ty:ty = $default:expr,
                $unit:literal, $range:expr, $stage:ident, $mode:ident,
                $label:literal, $help:literal;
            )*
        }
    )*) => {
        /// Every setting with its value. Fields are named as the keys. Serde carries it whole
        /// (to the slicing worker), with the keys as field names.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct Settings {
            $($(pub $key: $ty,)*)*
        }

        impl Default for Settings {
            fn default() -> Self {
                Self { $($($key: $default.into(),)*)* }
            }
        }

        /// Every setting's key as a type, named as the key, in schema order: code that names
        /// a setting (Assist's advice, troubleshooting) uses these, so a misspelt key does not
        /// compile.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key {
            $($($key,)*)*
        }

        /// Every key, in schema order (`KEYS[i]` is `SCHEMA[i]`'s).
        pub static KEYS: &[Key] = &[$($(Key::$key,)*)*];

        /// The declaration of every setting, in display order.
        pub static SCHEMA: &[$crate::engine::settings::SettingDef] = &[
            $($(
                $crate::engine::settings::SettingDef {
                    key: stringify!($key),
                    label: $label,
                    scope: $crate::engine::settings::Scope::$scope,
                    category: $category,
                    kind: <$ty as $crate::engine::settings::SettingValue>::KIND,
                    choices: <$ty as $crate::engine::settings::SettingValue>::CHOICES,
                    unit: $unit,
                    range: $range,
                    stage: $crate::engine::stage::Stage::$stage,
                    advanced: matches!(Mode::$mode, Mode::Advanced),
                    help: $help,
                },
            )*)*
        ];

        impl Settings {
            /// The text form of one value, by its typed key.
            pub fn value(&self, key: Key) -> String {
                use $crate::engine::settings::SettingValue;
                match key {
                    $($(Key::$key => self.$key.format(),)*)*
                }
            }

            /// Sets one value from its text form, checking type and range.
            pub fn set(&mut self, key: &str, text: &str) -> Result<(), $crate::engine::settings::SettingError> {
                use $crate::engine::settings::{SettingValue, SettingError, check_range, find_def, renamed, unknown_key};
                match key {
                    $($(
                        stringify!($key) => {
                            let def = find_def(key).ok_or_else(|| unknown_key(key))?;
                            let v = <$ty as SettingValue>::parse(text).map_err(|message| {
                                SettingError::Invalid { key: key.to_string(), message }
                            })?;
                            check_range(def, v.number())?;
                            self.$key = v;
                            Ok(())
                        }
                    )*)*
                    _ => match renamed(key, text) {
                        Some((new, value)) => self.set(new, value),
                        None => Err(unknown_key(key)),
                    },
                }
            }

            /// The text form of one value.
            pub fn get(&self, key: &str) -> Option<String> {
                use $crate::engine::settings::SettingValue;
                match key {
                    $($(stringify!($key) => Some(self.$key.format()),)*)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use declare_settings;

impl Key {
    /// The declaration of this setting.
    pub fn def(self) -> &'static SettingDef {
        &SCHEMA[self as usize]
    }

    /// The key as text (`"layer_height"`).
    pub fn name(self) -> &'static str {
        self.def().key
    }

    /// The typed key of a key's text form.
    pub fn from_name(name: &str) -> Option<Key> {
        let i = SCHEMA.iter().position(|d| d.key == name)?;
        KEYS.get(i).copied()
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Key::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown setting '{name}'")))
    }
}

/// Whether a setting shows in the basic view of the settings panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Basic,
    Advanced,
}

/// The finest outline detail the engine keeps (mm): `resolution = 0` means this, as in
/// PrusaSlicer, whose own G-code resolution it is. Slicing a scan at its full density would
/// only slow every later stage down (16.9 s instead of 1.6 s for a PrusaSlicer 3MF of
/// 3DBenchy, whose projects write `resolution = 0`).
pub const MIN_RESOLUTION: f64 = 0.0125;

impl Settings {
    /// The width of a wall or infill line whose own width is automatic (0): the default
    /// width, else PrusaSlicer's automatic one, 1.125 × the nozzle.
    pub fn automatic_width(&self) -> f64 {
        if self.extrusion_width > 0.0 {
            self.extrusion_width
        } else {
            1.125 * self.nozzle_diameter
        }
    }

    /// The settings a print is made with: those a mode overrides replaced. Spiral vase
    /// prints one wall and no top, infill or support (PrusaSlicer's rule), whatever the
    /// process says.
    pub fn effective(&self) -> Settings {
        let mut s = self.clone();
        if s.spiral_vase {
            s.perimeters = 1;
            s.top_solid_layers = 0;
            s.fill_density = 0.0;
            s.support_material = false;
            s.support_material_auto = false;
            s.thin_walls = false;
            s.arc_fitting = ArcFitting::Disabled;
            s.scarf_seam_placement = ScarfSeamPlacement::Nowhere;
        }
        s
    }

    /// The outline resolution in force (mm): `resolution`, or `MIN_RESOLUTION` where it is 0.
    pub fn slice_resolution(&self) -> f64 {
        if self.resolution > 0.0 {
            self.resolution
        } else {
            MIN_RESOLUTION
        }
    }

    /// Applies `key=value` pairs in order; the first bad one stops with its error.
    pub fn apply<'a>(
        &mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), SettingError> {
        for (k, v) in pairs {
            self.set(k, v)?;
        }
        Ok(())
    }

    /// Keys whose values differ from `other`, in schema order.
    pub fn diff(&self, other: &Settings) -> Vec<&'static str> {
        SCHEMA
            .iter()
            .filter(|d| self.get(d.key) != other.get(d.key))
            .map(|d| d.key)
            .collect()
    }

    /// Checks that hold between settings (each value is already within its own range).
    pub fn validate(&self) -> Result<(), SettingError> {
        let nozzle = self.nozzle_diameter;
        // The first layer is squashed onto the bed and may be as thick as the nozzle is wide
        // (as PrusaSlicer allows); the others keep to 80% for a good bond.
        for (key, h, share) in [
            ("layer_height", self.layer_height, 0.8),
            ("first_layer_height", self.first_layer_height, 1.0),
        ] {
            if h > share * nozzle + 1e-9 {
                return Err(SettingError::Inconsistent {
                    key,
                    message: format!(
                        "{} mm is more than {}% of the {} mm nozzle (at most {} mm)",
                        format_float(h),
                        format_float(share * 100.0),
                        format_float(nozzle),
                        format_float(share * nozzle)
                    ),
                });
            }
        }
        let widths = [
            ("extrusion_width", self.extrusion_width),
            (
                "first_layer_extrusion_width",
                self.first_layer_extrusion_width,
            ),
            ("perimeter_extrusion_width", self.perimeter_extrusion_width),
            (
                "external_perimeter_extrusion_width",
                self.external_perimeter_extrusion_width,
            ),
            ("infill_extrusion_width", self.infill_extrusion_width),
            (
                "solid_infill_extrusion_width",
                self.solid_infill_extrusion_width,
            ),
            (
                "top_infill_extrusion_width",
                self.top_infill_extrusion_width,
            ),
            (
                "support_material_extrusion_width",
                self.support_material_extrusion_width,
            ),
        ];
        for (key, w) in widths {
            if w != 0.0 && (w < 0.6 * nozzle || w > 3.0 * nozzle) {
                return Err(SettingError::Inconsistent {
                    key,
                    message: format!(
                        "{} mm does not suit the {} mm nozzle: use 0 (auto) or {} to {} mm",
                        format_float(w),
                        format_float(nozzle),
                        format_float(0.6 * nozzle),
                        format_float(3.0 * nozzle)
                    ),
                });
            }
        }
        if self.first_layer_temperature < 150.0 || self.temperature < 150.0 {
            let key = if self.temperature < 150.0 {
                "temperature"
            } else {
                "first_layer_temperature"
            };
            return Err(SettingError::Inconsistent {
                key,
                message: "must be at least 150 °C to extrude".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_gettable() {
        let s = Settings::default();
        let mut keys: Vec<&str> = SCHEMA.iter().map(|d| d.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys in the schema");
        for d in SCHEMA {
            let text = s.get(d.key).expect("gettable");
            let mut t = Settings::default();
            t.set(d.key, &text)
                .unwrap_or_else(|e| panic!("default of {} does not parse: {e}", d.key));
            assert!(
                !d.help.is_empty() && !d.label.is_empty(),
                "{} lacks help",
                d.key
            );
            if let (Some((lo, hi)), Some(v)) = (d.range, text.parse::<f64>().ok()) {
                assert!(
                    v >= lo && v <= hi,
                    "default of {} is out of its range",
                    d.key
                );
            }
        }
        s.validate().unwrap();
    }

    #[test]
    fn errors_for_people_use_the_label_and_say_the_range_once() {
        let mut s = Settings::default();
        let e = s.set("layer_height", "5").unwrap_err().for_people();
        assert_eq!(
            e,
            "Layer height: 5 mm is out of range (allowed: 0.01 to 2 mm)"
        );
        let e = s.set("layer_height", "abc").unwrap_err().for_people();
        assert_eq!(
            e,
            "Layer height: 'abc' is not a number (allowed: 0.01 to 2 mm)"
        );
        s.set("layer_height", "0.38").unwrap();
        let e = s.validate().unwrap_err();
        assert!(e.to_string().starts_with("layer_height: 0.38 mm"), "{e}");
        assert!(
            e.for_people()
                .starts_with("Layer height: 0.38 mm is more than 80%")
        );
        for e in [
            e.for_people(),
            s.set("perimeters", "two").unwrap_err().for_people(),
        ] {
            assert!(!e.contains('_'), "a key in {e}");
            assert_eq!(e.matches("allowed").count(), e.contains("allowed") as usize);
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let mut s = Settings::default();
        let e = s.set("layer_heigth", "0.2").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown setting 'layer_heigth' (did you mean 'layer_height'?)"
        );
        let e = s.set("layer_height", "5").unwrap_err();
        assert_eq!(
            e.to_string(),
            "layer_height = 5 mm is out of range: allowed 0.01 to 2 mm"
        );
        let e = s.set("fill_pattern", "zigzagzag").unwrap_err();
        assert!(e.to_string().contains("rectilinear"), "{e}");
        let e = s.set("perimeters", "two").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("perimeters: 'two' is not a number"),
            "{e}"
        );
        s.set("layer_height", "0.36").unwrap();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("80% of the 0.4 mm nozzle")
        );
    }

    #[test]
    fn typed_keys_follow_the_schema() {
        assert_eq!(KEYS.len(), SCHEMA.len());
        for (i, k) in KEYS.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert_eq!(k.name(), SCHEMA[i].key);
            assert_eq!(Key::from_name(k.name()), Some(*k));
        }
        assert_eq!(Key::layer_height.name(), "layer_height");
        assert_eq!(Key::from_name("layer_heigth"), None);
        let s = Settings::default();
        assert_eq!(s.value(Key::perimeters), s.get("perimeters").unwrap());
    }

    #[test]
    fn settings_travel_whole_through_serde() {
        let mut s = Settings::default();
        s.set("fill_pattern", "gyroid").unwrap();
        s.set("support_material_contact_distance", "0.15").unwrap();
        s.set("start_gcode", "G28\nM104 S{hotend_temp}").unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"fill_pattern\":\"gyroid\""), "{json}");
        let back: Settings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn diff_lists_changed_keys() {
        let a = Settings::default();
        let mut b = a.clone();
        b.set("fill_density", "40%").unwrap();
        b.set("perimeters", "3").unwrap();
        assert_eq!(a.diff(&b), vec!["perimeters", "fill_density"]);
    }
}
