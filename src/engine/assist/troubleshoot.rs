//! Troubleshooting by symptom: the user says what went wrong with a print, and gets changes to
//! their current settings, most likely cure first, each with why. Values are relative to what
//! is set now (a few degrees hotter, a millimetre more retraction) and kept within each
//! setting's range and the filament's sensible temperatures; changes already in place are
//! left out.

use super::Change;
use crate::engine::settings::{Key, Settings, format_float as num};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symptom {
    Stringing,
    Warping,
    ElephantFoot,
    UnderExtrusion,
    LayerShift,
    PoorBridges,
    Blobs,
}

impl Symptom {
    pub const ALL: [Symptom; 7] = [
        Symptom::Stringing,
        Symptom::Warping,
        Symptom::ElephantFoot,
        Symptom::UnderExtrusion,
        Symptom::LayerShift,
        Symptom::PoorBridges,
        Symptom::Blobs,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Symptom::Stringing => "stringing",
            Symptom::Warping => "warping",
            Symptom::ElephantFoot => "elephant-foot",
            Symptom::UnderExtrusion => "under-extrusion",
            Symptom::LayerShift => "layer-shift",
            Symptom::PoorBridges => "poor-bridges",
            Symptom::Blobs => "blobs",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Symptom::Stringing => "Stringing (hairs between parts)",
            Symptom::Warping => "Warping (corners lift off the bed)",
            Symptom::ElephantFoot => "Elephant foot (first layers bulge out)",
            Symptom::UnderExtrusion => "Under-extrusion (gaps, thin weak walls)",
            Symptom::LayerShift => "Layer shift (layers step sideways)",
            Symptom::PoorBridges => "Poor bridges (sagging lines over gaps)",
            Symptom::Blobs => "Blobs and zits on the surface",
        }
    }

    pub fn from_id(id: &str) -> Option<Symptom> {
        Symptom::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// A value a remedy proposes: numbers are clamped to the setting's range and rounded.
enum Proposed {
    Number(f64),
    On,
    Text(&'static str),
}

/// One proposed change and why it helps.
#[derive(Debug, Clone, PartialEq)]
pub struct Remedy {
    pub change: Change,
    pub why: String,
}

/// The printing temperatures that make sense for a filament type (°C).
fn temperature_band(filament: &str) -> (f64, f64) {
    match filament.to_ascii_uppercase().as_str() {
        "PETG" => (220.0, 255.0),
        "ABS" | "ASA" => (230.0, 260.0),
        "TPU" | "FLEX" => (200.0, 235.0),
        "PA" | "NYLON" => (240.0, 280.0),
        _ => (190.0, 225.0),
    }
}

fn bed_limit(filament: &str) -> f64 {
    match filament.to_ascii_uppercase().as_str() {
        "PETG" => 85.0,
        "ABS" | "ASA" | "PA" | "NYLON" => 110.0,
        _ => 65.0,
    }
}

/// Ranked changes for a symptom under the current settings.
pub fn remedies(symptom: Symptom, s: &Settings) -> Vec<Remedy> {
    let (t_lo, t_hi) = temperature_band(&s.filament_type);
    let direct_drive = s.retract_length <= 2.0;
    let mut out: Vec<(Key, Proposed, String)> = Vec::new();
    let mut add = |key: Key, value: Proposed, why: &str| out.push((key, value, why.to_string()));
    match symptom {
        Symptom::Stringing => {
            add(
                Key::retract_length,
                Proposed::Number(s.retract_length + if direct_drive { 0.5 } else { 1.0 }),
                "More retraction pulls the melt back before each travel, so less oozes out.",
            );
            add(
                Key::temperature,
                Proposed::Number((s.temperature - 5.0).max(t_lo)),
                "A cooler nozzle makes the plastic less runny between moves.",
            );
            add(
                Key::retract_speed,
                Proposed::Number(s.retract_speed.max(40.0)),
                "A quick retraction snaps the string off instead of drawing it out.",
            );
            add(
                Key::travel_speed,
                Proposed::Number(s.travel_speed.max(150.0)),
                "Fast travels give the nozzle less time to ooze on the way.",
            );
            add(
                Key::wipe,
                Proposed::On,
                "Wiping along the last line before a travel leaves the drop on the part.",
            );
        }
        Symptom::Warping => {
            add(
                Key::brim_width,
                Proposed::Number(s.brim_width.max(6.0)),
                "A brim spreads the pull of shrinking plastic over a larger area on the bed.",
            );
            if s.brim_type == crate::engine::settings::BrimType::NoBrim
                || s.brim_type == crate::engine::settings::BrimType::InnerOnly
            {
                add(
                    Key::brim_type,
                    Proposed::Text("outer_only"),
                    "The brim must go round the outside to hold the part's edges down.",
                );
            }
            add(
                Key::bed_temperature,
                Proposed::Number((s.bed_temperature + 5.0).min(bed_limit(&s.filament_type))),
                "A warmer bed keeps the bottom layers from shrinking while the part grows.",
            );
            add(
                Key::first_layer_bed_temperature,
                Proposed::Number(
                    (s.first_layer_bed_temperature + 5.0).min(bed_limit(&s.filament_type)),
                ),
                "The first layer sticks better on a warmer bed.",
            );
            add(
                Key::first_layer_speed,
                Proposed::Number(s.first_layer_speed.min(20.0)),
                "A slower first layer is pressed onto the bed better.",
            );
            add(
                Key::disable_fan_first_layers,
                Proposed::Number((s.disable_fan_first_layers as f64).max(3.0)),
                "No fan on the first layers lets them cool slowly and evenly.",
            );
        }
        Symptom::ElephantFoot => {
            add(
                Key::elefant_foot_compensation,
                Proposed::Number(s.elefant_foot_compensation.max(0.2)),
                "The first layer is drawn this much smaller to make up for being squashed.",
            );
            add(
                Key::first_layer_bed_temperature,
                Proposed::Number(
                    (s.first_layer_bed_temperature - 5.0)
                        .max(s.bed_temperature - 10.0)
                        .max(0.0),
                ),
                "A slightly cooler bed keeps the lowest layers from staying soft under the weight above.",
            );
            add(
                Key::z_offset,
                Proposed::Number(s.z_offset + 0.05),
                "The nozzle may be too close to the bed: raise it a little (check with a first-layer test).",
            );
        }
        Symptom::UnderExtrusion => {
            add(
                Key::temperature,
                Proposed::Number((s.temperature + 5.0).min(t_hi)),
                "A hotter nozzle melts plastic fast enough for the speed asked of it.",
            );
            add(
                Key::max_volumetric_speed,
                Proposed::Number((s.max_volumetric_speed * 0.75).max(2.0)),
                "Capping the flow slows the fastest lines to what the hot end can melt.",
            );
            add(
                Key::extrusion_multiplier,
                Proposed::Number((s.extrusion_multiplier + 0.05).min(1.15)),
                "If the filament is thinner than its label says, push a little more.",
            );
            add(
                Key::infill_speed,
                Proposed::Number(s.infill_speed * 0.8),
                "Slower infill leaves the extruder time to keep up.",
            );
        }
        Symptom::LayerShift => {
            add(
                Key::machine_max_acceleration_travel,
                Proposed::Number(s.machine_max_acceleration_travel * 0.7),
                "Gentler travel acceleration keeps the motors from skipping steps.",
            );
            add(
                Key::travel_speed,
                Proposed::Number((s.travel_speed * 0.75).max(60.0)),
                "Slower travels need less torque. Check the belts' tension and that nothing rubs, too.",
            );
            add(
                Key::machine_max_acceleration_extruding,
                Proposed::Number(s.machine_max_acceleration_extruding * 0.7),
                "Gentler printing acceleration shakes the printer less.",
            );
            add(
                Key::infill_speed,
                Proposed::Number(s.infill_speed * 0.8),
                "Fast infill is where most shifts happen.",
            );
        }
        Symptom::PoorBridges => {
            add(
                Key::bridge_fan_speed,
                Proposed::Number(100.0),
                "Full fan hardens a bridge before it can sag.",
            );
            add(
                Key::bridge_speed,
                Proposed::Number(s.bridge_speed.min(20.0)),
                "Slow bridges are pulled straight across the gap.",
            );
            add(
                Key::bridge_flow_ratio,
                Proposed::Number((s.bridge_flow_ratio - 0.1).max(0.7)),
                "Thinner bridge lines are lighter and cool faster.",
            );
            add(
                Key::support_material,
                Proposed::On,
                "Very long bridges print best on support.",
            );
        }
        Symptom::Blobs => {
            add(
                Key::wipe,
                Proposed::On,
                "Wiping before each travel leaves the pressure on the part, not as a zit.",
            );
            add(
                Key::seam_position,
                Proposed::Text("rear"),
                "Starting every loop at the back hides the seam's zits where nobody looks.",
            );
            add(
                Key::retract_before_travel,
                Proposed::Number(s.retract_before_travel.min(1.0)),
                "Retracting before even short travels stops drops between islands.",
            );
            add(
                Key::extrusion_multiplier,
                Proposed::Number((s.extrusion_multiplier - 0.03).max(0.85)),
                "Blobs all over mean a little too much plastic.",
            );
            add(
                Key::temperature,
                Proposed::Number((s.temperature - 5.0).max(t_lo)),
                "A cooler nozzle oozes less while it waits.",
            );
        }
    }
    out.into_iter()
        .filter_map(|(key, value, why)| {
            let text = match value {
                Proposed::On => "true".to_string(),
                Proposed::Text(t) => t.to_string(),
                Proposed::Number(v) => {
                    let v = match key.def().range {
                        Some((lo, hi)) => v.clamp(lo, hi),
                        None => v,
                    };
                    num((v * 100.0).round() / 100.0)
                }
            };
            let change = Change::new(key, text);
            change.changes(s).then_some(Remedy { change, why })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symptom_has_remedies_relative_to_the_settings() {
        let s = Settings::default();
        for sym in Symptom::ALL {
            let r = remedies(sym, &s);
            assert!(!r.is_empty(), "{sym:?}");
            assert_eq!(Symptom::from_id(sym.id()), Some(sym));
            for x in &r {
                let mut t = s.clone();
                t.set(x.change.key.name(), &x.change.value).unwrap();
                t.validate().unwrap();
                assert!(!x.why.is_empty());
            }
        }
        let st = remedies(Symptom::Stringing, &s);
        assert_eq!(st[0].change, Change::new(Key::retract_length, "6"));
        assert!(st.contains(&Remedy {
            change: Change::new(Key::temperature, "200"),
            why: "A cooler nozzle makes the plastic less runny between moves.".into()
        }));
    }

    #[test]
    fn limits_and_what_is_already_set() {
        let mut s = Settings::default();
        s.set("temperature", "190").unwrap();
        s.set("wipe", "true").unwrap();
        let keys: Vec<Key> = remedies(Symptom::Stringing, &s)
            .into_iter()
            .map(|r| r.change.key)
            .collect();
        // PLA does not go below 190 °C, and wipe is already on.
        assert!(!keys.contains(&Key::temperature), "{keys:?}");
        assert!(!keys.contains(&Key::wipe), "{keys:?}");
        s.set("bed_temperature", "65").unwrap();
        let w = remedies(Symptom::Warping, &s);
        assert!(
            w.iter().all(|r| r.change.key != Key::bed_temperature),
            "{w:?}"
        );
        assert_eq!(w[0].change, Change::new(Key::brim_width, "6"));
    }
}
