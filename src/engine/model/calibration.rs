//! Calibration prints: a shape Lamina generates, and the values that change up it. A band of
//! the shape prints at one value; the G-code sets the next value where the next band starts,
//! in the printer's own command, with a comment naming the band and the value (`gcode::writer`).

use crate::engine::mesh::Mesh;
use crate::engine::model::shapes;

/// A value that changes from a height up, for the rest of the print.
#[derive(Debug, Clone, PartialEq)]
pub struct HeightChange {
    /// Height above the bed (mm) where the change takes effect: from the first layer that
    /// starts at or above it.
    pub z: f64,
    pub change: Change,
    /// What the band is, for the G-code comment ("band 2 of 7").
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// The nozzle's target temperature (°C), without waiting for it.
    NozzleTemperature(f64),
}

impl Change {
    /// The setting the change stands for, by its key.
    pub fn key(&self) -> &'static str {
        match self {
            Change::NozzleTemperature(_) => "temperature",
        }
    }

    pub fn value(&self) -> f64 {
        match self {
            Change::NozzleTemperature(t) => *t,
        }
    }
}

/// A generated calibration print.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub name: String,
    pub mesh: Mesh,
    /// The value the print starts at (band 1), as settings: (key, value).
    pub start: Vec<(&'static str, String)>,
    /// The changes for the bands above the first, lowest first.
    pub changes: Vec<HeightChange>,
}

/// The calibrations `lamina calibrate` knows, with a one-line description.
pub const KINDS: &[(&str, &str)] = &[(
    "temp-tower",
    "temperature tower: one 8 mm block per temperature, from --start to --end by --step °C",
)];

/// The most bands a tower has (a 20 °C step range at 1 °C, or 100 °C at 5 °C).
const MAX_BANDS: usize = 21;

/// A temperature tower from `start` to `end` °C in steps of `step`: one block per
/// temperature, bottom to top, each block printed at its temperature.
pub fn temperature_tower(start: f64, end: f64, step: f64) -> Result<Calibration, String> {
    for (what, t) in [("start", start), ("end", end)] {
        if !(150.0..=350.0).contains(&t) {
            return Err(format!(
                "the {what} temperature {t} °C is outside 150–350 °C"
            ));
        }
    }
    if !(step.is_finite() && step > 0.0) {
        return Err(format!("the step {step} °C must be more than 0"));
    }
    let span = (end - start).abs();
    let bands = (span / step + 1e-9).floor() as usize + 1;
    if bands < 2 {
        return Err(format!(
            "from {start} to {end} °C in steps of {step} °C gives one temperature: make the range at least one step"
        ));
    }
    if bands > MAX_BANDS {
        return Err(format!(
            "from {start} to {end} °C in steps of {step} °C gives {bands} blocks; at most {MAX_BANDS} fit a tower (use a larger step)"
        ));
    }
    let dir = if end >= start { 1.0 } else { -1.0 };
    let temps: Vec<f64> = (0..bands).map(|i| start + dir * step * i as f64).collect();
    let changes = temps
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, &t)| HeightChange {
            z: i as f64 * shapes::TOWER_BAND,
            change: Change::NozzleTemperature(t),
            label: format!("band {} of {bands}", i + 1),
        })
        .collect();
    let t0 = crate::engine::settings::format_float(start);
    Ok(Calibration {
        name: format!(
            "temperature tower {}–{} °C",
            crate::engine::settings::format_float(start),
            crate::engine::settings::format_float(temps[bands - 1])
        ),
        mesh: shapes::temp_tower(bands),
        start: vec![("first_layer_temperature", t0.clone()), ("temperature", t0)],
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tower_has_a_block_per_temperature() {
        let c = temperature_tower(230.0, 200.0, 5.0).unwrap();
        assert_eq!(c.changes.len(), 6);
        let temps: Vec<f64> = c.changes.iter().map(|h| h.change.value()).collect();
        assert_eq!(temps, [225.0, 220.0, 215.0, 210.0, 205.0, 200.0]);
        assert_eq!(c.changes[0].z, shapes::TOWER_BAND);
        let top = c.mesh.bounds().unwrap().max.z;
        assert!(
            (top - (7.0 * shapes::TOWER_BAND - 1.0)).abs() < 1e-6,
            "{top}"
        );
        // Upwards too, and a step that does not divide the range stops short of the end.
        let up = temperature_tower(190.0, 212.0, 5.0).unwrap();
        assert_eq!(up.changes.last().unwrap().change.value(), 210.0);
    }

    #[test]
    fn bad_ranges_are_refused_with_the_reason() {
        for (s, e, st, says) in [
            (230.0, 230.0, 5.0, "one temperature"),
            (230.0, 200.0, 0.0, "more than 0"),
            (300.0, 180.0, 1.0, "at most"),
            (420.0, 200.0, 5.0, "outside"),
        ] {
            let err = temperature_tower(s, e, st).unwrap_err();
            assert!(err.contains(says), "{s} {e} {st}: {err}");
        }
    }
}
