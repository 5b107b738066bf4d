//! Calibration prints: shapes Lamina generates, and the values that change up them or from
//! one to the next. A band of a tower prints at one value; the G-code sets the next value
//! where the next band starts, in the printer's own command, with a comment naming the band
//! and the value (`gcode::writer`). A print of patches gives each patch its own settings.

use crate::engine::mesh::{ImportedObject, Mesh};
use crate::engine::model::shapes;
use crate::engine::settings::{Overrides, format_float};
use serde::{Deserialize, Serialize};

/// A value that changes from a height up, for the rest of the print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeightChange {
    /// Height above the bed (mm) where the change takes effect: from the first layer that
    /// ends above it (with layers that meet it, the first that starts at it).
    pub z: f64,
    pub change: Change,
    /// What the band is, for the G-code comment ("band 2 of 7").
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// The nozzle's target temperature (°C), without waiting for it.
    NozzleTemperature(f64),
    /// The extruder's pressure advance (linear advance K on Marlin).
    PressureAdvance(f64),
}

impl Change {
    /// The setting the change stands for, by its key.
    pub fn key(&self) -> &'static str {
        match self {
            Change::NozzleTemperature(_) => "temperature",
            Change::PressureAdvance(_) => "pressure_advance",
        }
    }

    pub fn value(&self) -> f64 {
        match self {
            Change::NozzleTemperature(v) | Change::PressureAdvance(v) => *v,
        }
    }

    /// The change of a setting, by its key (`key`'s inverse).
    pub fn of(key: &str, value: f64) -> Option<Change> {
        match key {
            "temperature" => Some(Change::NozzleTemperature(value)),
            "pressure_advance" => Some(Change::PressureAdvance(value)),
            _ => None,
        }
    }
}

/// Where PrusaSlicer keeps per-height G-code in a 3MF (OrcaSlicer and Bambu Studio read it
/// too); Orca's own file, with a plate level, is `ORCA_CHANGES_PATH`.
pub const PRUSA_CHANGES_PATH: &str = "Metadata/Prusa_Slicer_custom_gcode_per_print_z.xml";
pub const ORCA_CHANGES_PATH: &str = "Metadata/custom_gcode_per_layer.xml";

/// PrusaSlicer's `CustomGCode::Type::Custom`: `extra` holds the G-code.
const PRUSA_CUSTOM: i32 = 4;

/// The layers' heights, as far as naming a change by its layer needs them (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerGrid {
    pub first: f64,
    pub height: f64,
}

impl LayerGrid {
    /// The top of the first layer that ends above `z`: where a change at `z` starts.
    pub fn top_above(&self, z: f64) -> f64 {
        if z < self.first - 1e-9 || self.height <= 0.0 {
            return self.first;
        }
        let k = ((z - self.first) / self.height + 1e-9).floor() + 1.0;
        self.first + k * self.height
    }
}

/// The changes as PrusaSlicer's per-height G-code: each a custom code (`M104 S…`, which
/// Marlin, Klipper and RepRapFirmware all take; Marlin's `M900 K…`) named by the top of the
/// layer it starts in (`print_z`).
pub fn to_prusa_xml(changes: &[HeightChange], layers: LayerGrid) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<custom_gcodes_per_print_z>\n");
    for c in changes {
        let code = match c.change {
            Change::NozzleTemperature(t) => format!("M104 S{}", format_float(t)),
            Change::PressureAdvance(k) => format!("M900 K{}", format_float(k)),
        };
        out.push_str(&format!(
            "<code print_z=\"{}\" type=\"{PRUSA_CUSTOM}\" extruder=\"1\" color=\"\" extra=\"{code}\" gcode=\"{code}\"/>\n",
            format_float((layers.top_above(c.z) * 1e4).round() / 1e4)
        ));
    }
    out.push_str("<mode value=\"SingleExtruder\"/>\n</custom_gcodes_per_print_z>\n");
    out
}

/// Reads PrusaSlicer's (`<code print_z>`) or OrcaSlicer's (`<layer top_z>`) per-height
/// G-code. A custom code that sets the nozzle's temperature or the pressure advance becomes a
/// change from just below its layer's top; anything else (colour changes, pauses, other G-code) is named in the notes
/// as not used.
pub fn from_custom_gcode_xml(text: &str) -> (Vec<HeightChange>, Vec<String>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    loop {
        let e = match reader.read_event() {
            Ok(Event::Eof) => break,
            Err(e) => {
                notes.push(format!("the per-height G-code could not be read: {e}"));
                break;
            }
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(_) => continue,
        };
        let name = e.local_name();
        if !matches!(name.as_ref(), "code" | "layer") {
            continue;
        }
        let attr = |key: &str| crate::engine::mesh::xml_attr(&e, key);
        let Some(top) = attr("print_z")
            .or_else(|| attr("top_z"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|z| z.is_finite() && *z > 0.0)
        else {
            notes.push("not used: a per-height G-code without a height".into());
            continue;
        };
        // Files before PrusaSlicer 2.3 have no type, only the G-code.
        let kind = attr("type").and_then(|t| t.trim().parse::<i32>().ok());
        let code = match kind {
            Some(PRUSA_CUSTOM) => attr("extra").unwrap_or_default(),
            None => attr("gcode").unwrap_or_default(),
            Some(_) => String::new(),
        };
        let at = format_float(top);
        match parse_change(&code) {
            Some(change) => changes.push(HeightChange {
                // Lamina's change takes the first layer that ends above its height; PrusaSlicer's
                // the layer that ends at `print_z`.
                z: top - 0.01,
                change,
                label: String::new(),
            }),
            None => notes.push(match kind {
                Some(0) => format!(
                    "not used: the colour change at {at} mm (Lamina has no colour changes yet)"
                ),
                Some(1) => format!("not used: the pause at {at} mm (Lamina has no pauses yet)"),
                Some(2) => format!("not used: the tool change at {at} mm"),
                _ => format!("not used: the G-code \"{}\" at {at} mm", code.trim()),
            }),
        }
    }
    changes.sort_by(|a, b| a.z.total_cmp(&b.z));
    let n = changes.len();
    for (i, c) in changes.iter_mut().enumerate() {
        c.label = format!("change {} of {n}", i + 1);
    }
    (changes, notes)
}

/// The change a one-line G-code makes, in any flavour's command: the nozzle's temperature or
/// the pressure advance.
fn parse_change(code: &str) -> Option<Change> {
    let line = code.trim();
    if line.contains('\n') {
        return None;
    }
    let words: Vec<&str> = line.split(';').next()?.split_whitespace().collect();
    let value = |prefix: &str| {
        words
            .iter()
            .find_map(|w| w.strip_prefix(prefix))
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let first_tool = words.iter().all(|w| !w.starts_with('T') || *w == "T0");
    let change = match words.first()?.to_ascii_uppercase().as_str() {
        "M104" | "M109" if first_tool => Change::NozzleTemperature(value("S")?),
        "G10" if words.contains(&"P0") => Change::NozzleTemperature(value("S")?),
        "SET_HEATER_TEMPERATURE" if words.contains(&"HEATER=extruder") => {
            Change::NozzleTemperature(value("TARGET=")?)
        }
        "M900" if first_tool => Change::PressureAdvance(value("K")?),
        "M572" if words.contains(&"D0") => Change::PressureAdvance(value("S")?),
        "SET_PRESSURE_ADVANCE" => Change::PressureAdvance(value("ADVANCE=")?),
        _ => return None,
    };
    let ok = match change {
        Change::NozzleTemperature(t) => (150.0..=450.0).contains(&t),
        Change::PressureAdvance(k) => (0.0..=2.0).contains(&k),
    };
    ok.then_some(change)
}

/// One object of a calibration print: its mesh where it stands on the print, and the
/// settings it prints with besides the print's (a flow patch's flow ratio).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub mesh: Mesh,
    pub settings: Overrides,
}

/// A generated calibration print.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub name: String,
    /// Its objects (one for a tower).
    pub parts: Vec<Part>,
    /// The value the print starts at (band 1), as settings: (key, value).
    pub start: Vec<(&'static str, String)>,
    /// The changes for the bands above the first, lowest first.
    pub changes: Vec<HeightChange>,
}

impl Calibration {
    /// One object, named as the print.
    fn single(name: String, mesh: Mesh) -> Vec<Part> {
        vec![Part {
            name,
            mesh,
            settings: Overrides::default(),
        }]
    }

    /// The print's objects to put on a plate, where they stand relative to each other.
    pub fn objects(&self) -> Vec<ImportedObject> {
        self.parts
            .iter()
            .map(|p| ImportedObject {
                name: p.name.clone(),
                mesh: p.mesh.clone(),
                instances: vec![glam::DAffine3::IDENTITY],
                settings: p.settings.clone(),
                ..Default::default()
            })
            .collect()
    }
}

/// The calibrations `lamina calibrate` knows, with a one-line description.
pub const KINDS: &[(&str, &str)] = &[
    (
        "temp-tower",
        "temperature tower: one 8 mm block per temperature, labelled with it, from --start to --end by --step °C",
    ),
    (
        "fit-test",
        "fit test: a plate with a hole per clearance from --start to --end mm by --step, labelled in hundredths of a mm, and two pegs",
    ),
    (
        "flow",
        "flow rate: a patch per flow ratio from --start to --end by --step, each labelled with its ratio in percent; the smoothest top surface gives the ratio",
    ),
    (
        "pa-tower",
        "pressure advance tower: a square tube whose pressure advance rises from --start to --end by --step per mm of height, marked every 10 mm",
    ),
];

/// A pressure advance tower's walls (mm): two lines of a 0.4 mm nozzle.
const PA_WALL: f64 = 0.9;
/// The most and least height a pressure advance tower may have (mm).
const PA_HEIGHTS: (f64, f64) = (10.0, 150.0);

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
    let t0 = format_float(start);
    let name = format!(
        "temperature tower {}–{} °C",
        format_float(start),
        format_float(temps[bands - 1])
    );
    Ok(Calibration {
        parts: Calibration::single(name.clone(), shapes::temp_tower(bands, &temps)),
        name,
        start: vec![("first_layer_temperature", t0.clone()), ("temperature", t0)],
        changes,
    })
}

/// A pressure advance tower from `start` to `end`, rising by `step` per mm: each whole mm of
/// height sets `start + step × height`, so the height where the corners print best gives the
/// value. The print starts at `start` with pressure advance set.
pub fn pressure_advance_tower(start: f64, end: f64, step: f64) -> Result<Calibration, String> {
    for (what, v) in [("start", start), ("end", end)] {
        if !(0.0..=2.0).contains(&v) {
            return Err(format!("the {what} value {v} is outside 0–2"));
        }
    }
    if end <= start {
        return Err(format!(
            "the end value {end} must be more than the start value {start}"
        ));
    }
    if !(step.is_finite() && step > 0.0) {
        return Err(format!("the step {step} per mm must be more than 0"));
    }
    let rise = ((end - start) / step + 1e-9).floor();
    let (low, high) = PA_HEIGHTS;
    if rise < low || rise > high {
        return Err(format!(
            "from {start} to {end} by {step} per mm gives a {rise} mm tower; it must be {low}–{high} mm (change the step)"
        ));
    }
    let at = |z: f64| ((start + step * z) * 1e6).round() / 1e6;
    let n = rise as usize;
    let changes = (1..=n)
        .map(|mm| HeightChange {
            z: mm as f64,
            change: Change::PressureAdvance(at(mm as f64)),
            label: format!("height {mm} mm"),
        })
        .collect();
    let name = format!(
        "pressure advance tower {}–{}",
        format_float(start),
        format_float(at(rise))
    );
    Ok(Calibration {
        parts: Calibration::single(name.clone(), shapes::pa_tower(rise + 1.0, PA_WALL)),
        name,
        start: vec![
            ("enable_pressure_advance", "true".into()),
            ("pressure_advance", format_float(start)),
        ],
        changes,
    })
}

/// The most holes a fit test has.
const MAX_HOLES: usize = 10;

/// A fit test: 10 mm holes whose clearance around a 10 mm peg runs from `start` to `end` mm
/// in steps of `step`, printed without hole compensation. The tightest hole the peg slides
/// into gives the compensation the printer's holes need (`xy_hole_compensation`).
pub fn fit_test(start: f64, end: f64, step: f64) -> Result<Calibration, String> {
    for (what, v) in [("start", start), ("end", end)] {
        if !(0.0..=1.0).contains(&v) {
            return Err(format!("the {what} clearance {v} mm is outside 0–1 mm"));
        }
    }
    if !(step.is_finite() && step >= 0.01) {
        return Err(format!("the step {step} mm must be 0.01 mm or more"));
    }
    if end <= start {
        return Err(format!(
            "the end clearance {end} mm must be more than the start {start} mm"
        ));
    }
    let holes = ((end - start) / step + 1e-9).floor() as usize + 1;
    if holes > MAX_HOLES {
        return Err(format!(
            "from {start} to {end} mm by {step} mm gives {holes} holes; at most {MAX_HOLES} fit (use a larger step)"
        ));
    }
    let clearances: Vec<f64> = (0..holes)
        .map(|i| ((start + step * i as f64) * 1e4).round() / 1e4)
        .collect();
    let name = format!(
        "fit test {}–{} mm",
        format_float(start),
        format_float(clearances[holes - 1])
    );
    Ok(Calibration {
        parts: Calibration::single(name.clone(), shapes::fit_test(&clearances)),
        name,
        start: vec![("xy_hole_compensation", "0".into())],
        changes: Vec::new(),
    })
}

/// The most patches a flow rate print has (two rows of five fit a 220 mm bed with room).
const MAX_PATCHES: usize = 10;
/// Patches per row of a flow rate print.
const PATCH_ROW: usize = 5;

/// The flow ratios of a flow rate print from `start` to `end` in steps of `step`, or why
/// there is no such print. Each is labelled in whole percent.
pub fn flow_ratios(start: f64, end: f64, step: f64) -> Result<Vec<f64>, String> {
    for (what, v) in [("start", start), ("end", end)] {
        if !(0.5..=1.5).contains(&v) {
            return Err(format!("the {what} ratio {v} is outside 0.5–1.5"));
        }
    }
    if end <= start {
        return Err(format!(
            "the end ratio {end} must be more than the start ratio {start}"
        ));
    }
    // Labels are whole percents.
    if !(step.is_finite() && step >= 0.01 - 1e-9) {
        return Err(format!("the step {step} must be 0.01 or more"));
    }
    let n = ((end - start) / step + 1e-9).floor() as usize + 1;
    if n > MAX_PATCHES {
        return Err(format!(
            "from {start} to {end} by {step} gives {n} patches; at most {MAX_PATCHES} fit (use a larger step)"
        ));
    }
    Ok((0..n)
        .map(|i| ((start + step * i as f64) * 1e4).round() / 1e4)
        .collect())
}

/// A flow rate print: one patch per flow ratio from `start` to `end` in steps of `step`,
/// each printing with that ratio on top of the filament's (`print_flow_ratio`, its own
/// setting) and labelled with it in percent. The patch whose top surface is smoothest, with
/// no gaps between its lines and no ridges, gives the ratio: the filament's flow ratio
/// times the label over 100. Run it coarse (0.8 to 1.2 by 0.05), then fine around the best
/// (by 0.01). Ironing is off, as it would hide the surface.
pub fn flow_rate(start: f64, end: f64, step: f64) -> Result<Calibration, String> {
    let ratios = flow_ratios(start, end, step)?;
    let n = ratios.len();
    let parts = ratios
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let label = format!("{}", (r * 100.0).round() as i64);
            let (col, row) = ((i % PATCH_ROW) as f64, (i / PATCH_ROW) as f64);
            let mut settings = Overrides::default();
            let _ = settings.set("print_flow_ratio", &format_float(*r));
            Part {
                name: format!("flow {label}"),
                mesh: shapes::flow_patch(
                    &label,
                    col * (shapes::FLOW_PATCH.0 + 4.0),
                    -row * (shapes::FLOW_PATCH.1 + 4.0),
                ),
                settings,
            }
        })
        .collect();
    Ok(Calibration {
        name: format!(
            "flow rate {}–{}%",
            (start * 100.0).round(),
            (ratios[n - 1] * 100.0).round()
        ),
        parts,
        start: vec![("ironing", "false".into())],
        changes: Vec::new(),
    })
}

/// The value a calibration print had at a height: the last change at or below it, else
/// `first` (the value it started at).
pub fn value_at(changes: &[HeightChange], first: f64, z: f64) -> f64 {
    changes
        .iter()
        .take_while(|c| c.z <= z + 1e-9)
        .last()
        .map_or(first, |c| c.change.value())
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
        let top = c.parts[0].mesh.bounds().unwrap().max.z;
        assert!(
            (top - (7.0 * shapes::TOWER_BAND - 1.0)).abs() < 1e-6,
            "{top}"
        );
        // Upwards too, and a step that does not divide the range stops short of the end.
        let up = temperature_tower(190.0, 212.0, 5.0).unwrap();
        assert_eq!(up.changes.last().unwrap().change.value(), 210.0);
    }

    #[test]
    fn changes_round_trip_through_prusaslicers_per_height_gcode() {
        let c = temperature_tower(230.0, 210.0, 10.0).unwrap();
        let grid = LayerGrid {
            first: 0.2,
            height: 0.2,
        };
        let xml = to_prusa_xml(&c.changes, grid);
        assert!(xml.contains("print_z=\"9.2\" type=\"4\""), "{xml}");
        let (back, notes) = from_custom_gcode_xml(&xml);
        assert!(notes.is_empty(), "{notes:?}");
        let got: Vec<(f64, f64)> = back.iter().map(|h| (h.z, h.change.value())).collect();
        assert_eq!(got.len(), 2);
        for ((z, t), (ez, et)) in got.iter().zip([(9.19, 220.0), (18.19, 210.0)]) {
            assert!((z - ez).abs() < 1e-9 && *t == et, "{got:?}");
        }
        // Read back and written again, a change names the same layer.
        assert_eq!(to_prusa_xml(&back, grid), xml);
        let thick = LayerGrid {
            first: 0.3,
            height: 0.2,
        };
        assert!((thick.top_above(9.0) - 9.1).abs() < 1e-9);
        assert!((thick.top_above(0.1) - 0.3).abs() < 1e-9);
        // OrcaSlicer's file, other flavours' commands and what Lamina cannot do yet.
        let orca = r##"<custom_gcodes_per_layer><plate><plate_info id="1"/>
            <layer top_z="4.4" type="4" extruder="1" color="" extra="SET_HEATER_TEMPERATURE HEATER=extruder TARGET=215" gcode=""/>
            <layer top_z="2.4" type="0" extruder="1" color="#E53935" extra="" gcode="M600"/>
            <layer top_z="6" type="4" extruder="1" color="" extra="G10 P0 S205" gcode=""/>
            <layer top_z="7" type="4" extruder="1" color="" extra="M106 S255" gcode=""/>
            <mode value="SingleExtruder"/></plate></custom_gcodes_per_layer>"##;
        let (back, notes) = from_custom_gcode_xml(orca);
        let got: Vec<f64> = back.iter().map(|h| h.change.value()).collect();
        assert_eq!(got, [215.0, 205.0]);
        assert_eq!(back[1].label, "change 2 of 2");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("colour change at 2.4 mm"), "{notes:?}");
        assert!(notes[1].contains("M106 S255"), "{notes:?}");
    }

    #[test]
    fn a_pressure_advance_tower_rises_by_the_step_each_mm() {
        let c = pressure_advance_tower(0.0, 0.1, 0.002).unwrap();
        assert_eq!(c.changes.len(), 50);
        assert_eq!(c.changes[0].z, 1.0);
        assert_eq!(c.changes[12].change, Change::PressureAdvance(0.026));
        assert_eq!(c.changes[49].change, Change::PressureAdvance(0.1));
        let b = c.parts[0].mesh.bounds().unwrap();
        assert!((b.max.z - 51.0).abs() < 1e-6 && (b.max.x - b.min.x - 40.0).abs() < 1e-6);
        // Reading it back: 13.5 mm up the tower printed at 0.026.
        assert_eq!(value_at(&c.changes, 0.0, 13.5), 0.026);
        assert_eq!(value_at(&c.changes, 0.0, 0.5), 0.0);
        for (s, e, st, says) in [
            (0.0, 0.1, 0.02, "5 mm tower"),
            (0.1, 0.05, 0.002, "more than the start"),
            (0.0, 3.0, 0.1, "outside"),
            (0.0, 0.1, 0.0, "more than 0"),
        ] {
            let err = pressure_advance_tower(s, e, st).unwrap_err();
            assert!(err.contains(says), "{s} {e} {st}: {err}");
        }
        // Through PrusaSlicer's per-height G-code and back.
        let grid = LayerGrid {
            first: 0.2,
            height: 0.2,
        };
        let (back, notes) = from_custom_gcode_xml(&to_prusa_xml(&c.changes[..3], grid));
        assert!(notes.is_empty());
        let got: Vec<Change> = back.iter().map(|h| h.change).collect();
        assert_eq!(
            got,
            [0.002, 0.004, 0.006].map(Change::PressureAdvance).to_vec()
        );
    }

    #[test]
    fn calibration_prints_are_sound_meshes() {
        for c in [
            temperature_tower(230.0, 180.0, 5.0).unwrap(),
            pressure_advance_tower(0.0, 0.1, 0.002).unwrap(),
            fit_test(0.0, 0.3, 0.05).unwrap(),
        ] {
            let r = crate::engine::mesh::repair(&mut c.parts[0].mesh.clone());
            assert_eq!(
                (
                    r.vertices_welded,
                    r.non_manifold_edges,
                    r.open_edges,
                    r.faces_flipped
                ),
                (0, 0, 0, 0),
                "{}: {r:?}",
                c.name
            );
        }
    }

    #[test]
    fn a_fit_test_has_a_hole_per_clearance() {
        let c = fit_test(0.0, 0.3, 0.05).unwrap();
        assert_eq!(c.name, "fit test 0–0.3 mm");
        // The plate, its holes, and the pegs: 7 holes, each 10 mm plus twice its clearance.
        let holes: f64 = (0..7)
            .map(|i| {
                let r = 5.0 + 0.05 * i as f64;
                std::f64::consts::PI * r * r
            })
            .sum();
        let pegs = 2.0 * std::f64::consts::PI * 25.0 * 12.0;
        let expect = (16.0 * 7.0 + 4.0) * 30.0 * 4.0 - holes * 4.0 + pegs;
        let v = c.parts[0].mesh.volume();
        // The labels' 58 bars add about 3 mm³ each (0.7 mm of their 4 × 1.2 or 2.9 × 1.2 mm).
        assert!(v > expect + 120.0 && v < expect + 220.0, "{v} vs {expect}");
        for (s, e, st, says) in [
            (0.0, 0.3, 0.02, "at most"),
            (0.2, 0.1, 0.05, "more than the start"),
            (0.0, 0.3, 0.001, "0.01 mm or more"),
        ] {
            let err = fit_test(s, e, st).unwrap_err();
            assert!(err.contains(says), "{s} {e} {st}: {err}");
        }
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

    #[test]
    fn flow_patches_carry_their_ratio() {
        let c = flow_rate(0.8, 1.2, 0.05).unwrap();
        assert_eq!(c.parts.len(), 9);
        assert_eq!(c.name, "flow rate 80–120%");
        let ratios: Vec<&str> = c
            .parts
            .iter()
            .map(|p| p.settings.get("print_flow_ratio").unwrap())
            .collect();
        assert_eq!(
            ratios,
            [
                "0.8", "0.85", "0.9", "0.95", "1", "1.05", "1.1", "1.15", "1.2"
            ]
        );
        // Two rows that do not touch, each patch a sound mesh.
        for p in &c.parts {
            let r = crate::engine::mesh::repair(&mut p.mesh.clone());
            assert_eq!(r.open_edges, 0, "{}", p.name);
        }
        let boxes: Vec<_> = c.parts.iter().map(|p| p.mesh.bounds().unwrap()).collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(
                    a.max.x < b.min.x
                        || b.max.x < a.min.x
                        || a.max.y < b.min.y
                        || b.max.y < a.min.y
                );
            }
        }
        for (s, e, st) in [
            (0.4, 1.0, 0.05),
            (1.0, 0.9, 0.05),
            (0.8, 1.2, 0.005),
            (0.5, 1.5, 0.05),
        ] {
            assert!(flow_rate(s, e, st).is_err(), "{s} {e} {st}");
        }
    }
}
