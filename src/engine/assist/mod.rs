//! Assist: print helpers that run on the device, after the model is placed and around
//! slicing. Nothing here leaves the machine. `advice` reads the placed models and the
//! settings before slicing and proposes setting changes, each with its reason; `findings`
//! reads what slicing made and points at the layers that will likely print badly;
//! `troubleshoot` turns a symptom the user saw into ranked changes to their settings.
//! (Auto-orientation lives with the model, in `model::orient`.)

pub mod advice;
pub mod findings;
pub mod troubleshoot;

use crate::engine::geom::{self, ExPolygon, Join};
use crate::engine::units::{scaled, unscaled_area};

/// A change to one setting: its key and the new value, as the settings schema reads it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub key: String,
    pub value: String,
}

impl Change {
    pub fn new(key: &str, value: impl ToString) -> Change {
        Change {
            key: key.into(),
            value: value.to_string(),
        }
    }
}

/// The parts of a layer narrower than `width` (mm): what a line that wide cannot fill.
pub fn narrower_than(slice: &[ExPolygon], width: f64) -> Vec<ExPolygon> {
    let r = scaled(width / 2.0);
    geom::difference(slice, &geom::offset2(slice, -r, r + 10, Join::Miter))
}

/// Area in mm² of regions.
pub fn area_mm2(regions: &[ExPolygon]) -> f64 {
    unscaled_area(geom::total_area(regions))
}
