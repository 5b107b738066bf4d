//! Settings one object prints with instead of the plate's: PrusaSlicer's per-object
//! settings. Most of the process may differ per object (walls, infill, skins, support, seams,
//! speeds, the slice's compensations); what the plate prints as one (its layers, raft and
//! spiral vase, travel, accelerations, skirt and brim, arcs) and the printer and filament do
//! not, as in PrusaSlicer, whose print config is the plate's and whose object and region
//! configs are per object.

use super::{Scope, SettingDef, SettingError, Settings, find_def, renamed, unknown_key};
use crate::engine::stage::Stage;

/// Process settings the plate shares although their stage works object by object: the
/// layers (every object is sliced on the plate's), the raft under them all, spiral vase
/// (one object at a time anyway), the first layer's speed and travel between objects.
const PLATE_WIDE: &[&str] = &[
    "layer_height",
    "first_layer_height",
    "raft_layers",
    "spiral_vase",
    "first_layer_speed",
    "travel_speed",
    "travel_speed_z",
    "avoid_crossing_perimeters",
    "only_retract_when_crossing_perimeters",
    "arc_fitting",
    "arc_fitting_tolerance",
];

impl SettingDef {
    /// Whether one object may print with its own value (PrusaSlicer's object and region
    /// settings): process settings, except the skirt and brim, the G-code's, the
    /// accelerations (written for the whole plate) and `PLATE_WIDE`.
    pub fn per_object(&self) -> bool {
        self.scope == Scope::Process
            && !matches!(self.stage, Stage::Skirt | Stage::Gcode)
            && self.category != "Acceleration"
            && !PLATE_WIDE.contains(&self.key)
    }
}

/// One object's own values, as (key, text) in the schema's text form, in schema order.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Overrides(Vec<(String, String)>);

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets one value: the key must be a per-object setting and the text a valid value of
    /// it (on its own; how it fits the other settings is checked when slicing). Keys Lamina
    /// renamed are taken under their new name.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), SettingError> {
        let (key, text) = renamed(key, text).unwrap_or((key, text));
        let def = find_def(key).ok_or_else(|| unknown_key(key))?;
        if !def.per_object() {
            return Err(SettingError::Invalid {
                key: key.to_string(),
                message: "is the same for the whole plate and cannot be set per object".into(),
            });
        }
        let mut scratch = Settings::default();
        scratch.set(key, text)?;
        let value = scratch.get(key).unwrap_or_default();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => {
                self.0.push((key.to_string(), value));
                let order = |k: &str| {
                    crate::engine::settings::SCHEMA
                        .iter()
                        .position(|d| d.key == k)
                };
                self.0.sort_by_key(|(k, _)| order(k));
            }
        }
        Ok(())
    }

    /// The values as PrusaSlicer writes them in a 3MF: a percentage with its sign (it reads a
    /// bare number in a percentage setting as a length or a fraction).
    pub fn prusa_pairs(&self) -> impl Iterator<Item = (&str, String)> {
        self.iter().map(|(k, v)| {
            let percent = find_def(k).is_some_and(|d| d.unit == "%");
            (
                k,
                if percent {
                    format!("{v}%")
                } else {
                    v.to_string()
                },
            )
        })
    }

    /// Takes a value off; true if there was one.
    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|(k, _)| k != key);
        self.0.len() != before
    }

    /// Values from a file or a stored project: each that is not a valid per-object value is
    /// left out and named, with the reason.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Self, Vec<String>) {
        let mut out = Overrides::default();
        let mut left_out = Vec::new();
        for (k, v) in pairs {
            if let Err(e) = out.set(k, v) {
                left_out.push(e.to_string());
            }
        }
        (out, left_out)
    }

    /// The plate's settings with this object's values on top.
    pub fn applied_to(&self, plate: &Settings) -> Settings {
        let mut s = plate.clone();
        for (k, v) in self.iter() {
            // Each value was checked when it was set.
            let _ = s.set(k, v);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_per_object_keys_are_taken() {
        let mut o = Overrides::default();
        o.set("fill_density", "40").unwrap();
        o.set("perimeters", "4").unwrap();
        o.set("external_perimeters_first", "1").unwrap();
        // Schema order, canonical text, renamed keys under their new name.
        let pairs: Vec<_> = o.iter().collect();
        assert_eq!(
            pairs,
            vec![
                ("perimeters", "4"),
                ("wall_sequence", "outer_inner"),
                ("fill_density", "40"),
            ]
        );
        for key in [
            "layer_height",
            "travel_speed",
            "temperature",
            "brim_width",
            "bed_size_x",
        ] {
            assert!(o.set(key, "1").is_err(), "{key} per object");
        }
        assert!(o.set("fill_density", "140").is_err());
        assert!(o.set("no_such_key", "1").is_err());
        let s = o.applied_to(&Settings::default());
        assert_eq!((s.fill_density, s.perimeters), (40.0, 4));
        assert!(o.remove("fill_density") && !o.remove("fill_density"));
        let (back, left_out) =
            Overrides::from_pairs([("perimeters", "3"), ("layer_height", "0.1"), ("x", "1")]);
        assert_eq!(back.len(), 1);
        assert_eq!(left_out.len(), 2);
    }
}
