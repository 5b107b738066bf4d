//! From ordered toolpaths to G-code text. `plan` turns each layer's paths into typed moves
//! (travel, retraction, Z hop, speeds, accelerations, arcs from `arcs`, and `cooling`'s
//! slow-down and fan as passes over data);
//! `estimate` times the moves as the firmware's planner would; `writer` prints them in the
//! printer's flavour; `parse` reads G-code back into moves (for estimates of any file, and for
//! tests); `preview` lays the moves out for the 3D toolpath view.

pub mod arcs;
pub mod cooling;
pub mod estimate;
mod layer_travel;
pub mod parse;
pub mod plan;
pub mod preview;
pub mod resume;
pub mod template;
pub mod thumbnails;
pub mod writer;

use crate::engine::toolpaths::Role;

/// One step of the typed plan. Coordinates in mm, speeds in mm/s, extrusion in mm of filament.
#[derive(Debug, Clone, PartialEq)]
pub enum Move {
    /// Start of a layer: `z` is where it prints (before z offset).
    Layer {
        index: usize,
        z: f64,
        height: f64,
    },
    /// The kind of line that follows (`;TYPE:`), and its width.
    Role {
        role: Role,
        width: f64,
    },
    Travel {
        x: f64,
        y: f64,
        speed: f64,
    },
    /// A Z-only move (layer change, hop).
    Z {
        z: f64,
        speed: f64,
    },
    Extrude {
        x: f64,
        y: f64,
        e: f64,
        speed: f64,
    },
    /// An extrusion along an arc (G2/G3) about the absolute centre (`cx`, `cy`): `e` covers
    /// the arc's length.
    Arc {
        x: f64,
        y: f64,
        cx: f64,
        cy: f64,
        ccw: bool,
        e: f64,
        speed: f64,
    },
    /// An extrusion that also rises to `z` (a spiral vase's wall).
    Helix {
        x: f64,
        y: f64,
        z: f64,
        e: f64,
        speed: f64,
    },
    /// A travel that also pulls filament back (wipe): `e` is negative.
    Wipe {
        x: f64,
        y: f64,
        e: f64,
        speed: f64,
    },
    Retract {
        e: f64,
        speed: f64,
    },
    Unretract {
        e: f64,
        speed: f64,
    },
    /// Part-cooling fan, 0–100 %.
    Fan(f64),
    /// Printing/travel acceleration (mm/s²).
    Accel(f64),
    ObjectStart(usize),
    ObjectEnd(usize),
    /// A new heater target, set without waiting (`M104`, `M140`).
    Temperature {
        heater: Heater,
        celsius: f64,
    },
    /// A user template's text (already rendered), written as is.
    Template(String),
}

/// The heaters a plan can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heater {
    Nozzle,
    Bed,
}

impl Move {
    /// Filament this move lays down (mm); 0 for anything but an extrusion.
    pub fn extruded(&self) -> f64 {
        match self {
            Move::Extrude { e, .. } | Move::Arc { e, .. } | Move::Helix { e, .. } => *e,
            _ => 0.0,
        }
    }

    /// Whether the move lays down plastic (a line or an arc).
    pub fn is_extrusion(&self) -> bool {
        matches!(
            self,
            Move::Extrude { .. } | Move::Arc { .. } | Move::Helix { .. }
        )
    }

    /// The speed of an extrusion (mm/s); None for any other move.
    pub fn print_speed(&self) -> Option<f64> {
        match self {
            Move::Extrude { speed, .. } | Move::Arc { speed, .. } | Move::Helix { speed, .. } => {
                Some(*speed)
            }
            _ => None,
        }
    }

    /// The speed of an extrusion, to change it (cooling slow-down).
    pub fn print_speed_mut(&mut self) -> Option<&mut f64> {
        match self {
            Move::Extrude { speed, .. } | Move::Arc { speed, .. } | Move::Helix { speed, .. } => {
                Some(speed)
            }
            _ => None,
        }
    }
}

/// The plan of one layer and its estimated time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerMoves {
    pub index: usize,
    pub z: f64,
    pub height: f64,
    pub moves: Vec<Move>,
}

/// What a print takes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PrintStats {
    pub layers: usize,
    /// Estimated print time (s).
    pub time_s: f64,
    pub filament_mm: f64,
    pub filament_mm3: f64,
    pub filament_g: f64,
    pub cost: f64,
    /// Estimated time of each layer (s).
    pub layer_times: Vec<f64>,
    /// Estimated time per feature (`;TYPE:` name, seconds), sorted by name.
    pub feature_times: Vec<(String, f64)>,
}

/// "1h 2m 3s", as PrusaSlicer writes its estimate (other tools parse this form).
pub fn format_duration(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    let (d, h, m, sec) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    let mut out = String::new();
    if d > 0 {
        out.push_str(&format!("{d}d "));
    }
    if d > 0 || h > 0 {
        out.push_str(&format!("{h}h "));
    }
    if d > 0 || h > 0 || m > 0 {
        out.push_str(&format!("{m}m "));
    }
    out.push_str(&format!("{sec}s"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(format_duration(3723.4), "1h 2m 3s");
        assert_eq!(format_duration(59.0), "59s");
        assert_eq!(format_duration(90_061.0), "1d 1h 1m 1s");
    }
}
