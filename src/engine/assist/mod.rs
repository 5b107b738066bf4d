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
use crate::engine::settings::{Key, Settings};
use crate::engine::units::{scaled, unscaled_area};

/// A change to one setting: its key and the new value, as the settings schema reads it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub key: Key,
    pub value: String,
}

impl Change {
    pub fn new(key: Key, value: impl ToString) -> Change {
        Change {
            key,
            value: value.to_string(),
        }
    }

    /// Whether it changes anything in `s` (a valid value that differs from the current one).
    pub fn changes(&self, s: &Settings) -> bool {
        let mut t = s.clone();
        t.set(self.key.name(), &self.value).is_ok() && t.value(self.key) != s.value(self.key)
    }
}

/// Strips over air narrower than this (mm) are numerical slivers of a slope at the threshold.
const SLIVER_MM: f64 = 0.1;

/// What each layer prints over air beyond the threshold angle (`layers::overhangs`, as the
/// support generator sees it, less slivers): (overhangs that need support, bridges). A region
/// is a bridge when it is anchored on two separate sides, or along most of its outline (a
/// ceiling): lines of `width` (mm) can span it.
pub fn over_air(
    slices: &[Vec<ExPolygon>],
    plan: &[crate::engine::layers::LayerZ],
    threshold: f64,
    width: f64,
) -> Vec<(Vec<ExPolygon>, Vec<ExPolygon>)> {
    let r = scaled(SLIVER_MM / 2.0);
    let over = crate::engine::layers::overhangs(slices, plan, threshold);
    crate::engine::par::map(&over, |i, o| {
        let (mut hanging, mut bridges) = (Vec::new(), Vec::new());
        if o.is_empty() {
            return (hanging, bridges);
        }
        for region in geom::offset2(o, -r, r, Join::Miter) {
            if crate::engine::layers::is_bridge(&region, &slices[i - 1], width) {
                bridges.push(region);
            } else {
                hanging.push(region);
            }
        }
        (hanging, bridges)
    })
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
