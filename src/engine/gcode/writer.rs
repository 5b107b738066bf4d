//! Moves → G-code text in the printer's flavour: header (what viewers and printer screens
//! read), machine limits, the start template, every layer with PrusaSlicer's comments
//! (`;LAYER_CHANGE`, `;Z:`, `;HEIGHT:`, `;TYPE:`, `;WIDTH:`), `M73` progress, Klipper object
//! labels, the end template and a footer with the filament used, the time and the settings.

use super::estimate::{self, Limits};
use super::template::{self, TemplateError};
use super::{Heater, LayerMoves, Move, PrintStats, format_duration};
use crate::engine::model::calibration::{Change, HeightChange};
use crate::engine::settings::{GcodeFlavor, SCHEMA, Settings, format_float};
use std::f64::consts::PI;
use std::fmt::Write;

/// A printed object copy, for object labels (Klipper's exclude_object).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectLabel {
    pub name: String,
    pub center: (f64, f64),
    /// Outline (convex hull) on the bed.
    pub polygon: Vec<(f64, f64)>,
}

/// Times every move and sums filament.
pub fn stats(layers: &[LayerMoves], s: &Settings) -> PrintStats {
    let limits = Limits::from_settings(s);
    let mut layer_of = Vec::new();
    let mut role_of = Vec::new();
    let mut role = None;
    let mut flat: Vec<&Move> = Vec::new();
    for (slot, lm) in layers.iter().enumerate() {
        for m in &lm.moves {
            if let Move::Role { role: r, .. } = m {
                role = Some(*r);
            }
            flat.push(m);
            layer_of.push(slot);
            role_of.push(role);
        }
    }
    let blocks = estimate::blocks(flat.iter().copied(), &limits, None);
    let plain: Vec<estimate::Block> = blocks.iter().map(|(b, _)| *b).collect();
    let times = estimate::estimate(&plain, &limits);
    let mut layer_times = vec![0.0; layers.len()];
    let mut feature: std::collections::BTreeMap<String, f64> = Default::default();
    for ((_, mi), t) in blocks.iter().zip(&times) {
        layer_times[layer_of[*mi]] += t;
        let name = match (role_of[*mi], flat[*mi]) {
            (Some(r), m) if m.is_extrusion() => r.gcode_name().to_string(),
            _ => "Travel".to_string(),
        };
        *feature.entry(name).or_default() += t;
    }
    let filament_mm: f64 = flat.iter().map(|m| m.extruded()).sum();
    let area = PI * s.filament_diameter * s.filament_diameter / 4.0;
    let mm3 = filament_mm * area;
    let grams = mm3 / 1000.0 * s.filament_density;
    PrintStats {
        layers: layers.len(),
        time_s: times.iter().sum(),
        filament_mm,
        filament_mm3: mm3,
        filament_g: grams,
        cost: grams / 1000.0 * s.filament_cost,
        layer_times,
        feature_times: feature.into_iter().collect(),
    }
}

/// Appends `v` with at most `decimals` decimals, trailing zeros dropped.
fn num(out: &mut String, v: f64, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let mut i = (v * scale as f64).round() as i64;
    if i < 0 {
        out.push('-');
        i = -i;
    }
    let (whole, mut frac) = (i / scale, i % scale);
    let _ = write!(out, "{whole}");
    if frac != 0 {
        let mut digits = decimals;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{:0width$}", frac, width = digits as usize);
    }
}

struct Writer {
    out: String,
    /// The XY position as written (rounded), which arc centres are relative to.
    pos: (f64, f64),
    f: f64,
    e_abs: f64,
    relative_e: bool,
    fan: f64,
}

impl Writer {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn feed(&mut self, speed: f64) {
        let f = (speed * 60.0).round();
        if (f - self.f).abs() >= 1.0 {
            self.out.push_str(" F");
            num(&mut self.out, f, 0);
            self.f = f;
        }
    }

    fn e_word(&mut self, e: f64) {
        self.out.push_str(" E");
        if self.relative_e {
            num(&mut self.out, e, 5);
        } else {
            self.e_abs += e;
            num(&mut self.out, self.e_abs, 5);
        }
    }

    fn xy(&mut self, x: f64, y: f64) {
        self.out.push_str("G1");
        self.target(x, y);
    }

    fn target(&mut self, x: f64, y: f64) {
        self.out.push_str(" X");
        num(&mut self.out, x, 3);
        self.out.push_str(" Y");
        num(&mut self.out, y, 3);
        self.pos = ((x * 1000.0).round() / 1000.0, (y * 1000.0).round() / 1000.0);
    }

    /// G2 (clockwise) or G3 with the centre relative to the written start, as every
    /// firmware that takes arcs reads it.
    fn arc(&mut self, x: f64, y: f64, center: (f64, f64), ccw: bool) {
        let (i, j) = (center.0 - self.pos.0, center.1 - self.pos.1);
        self.out.push_str(if ccw { "G3" } else { "G2" });
        self.target(x, y);
        self.out.push_str(" I");
        num(&mut self.out, i, 3);
        self.out.push_str(" J");
        num(&mut self.out, j, 3);
    }

    fn fan(&mut self, percent: f64) {
        if (percent - self.fan).abs() < 0.5 {
            return;
        }
        self.fan = percent;
        if percent <= 0.0 {
            self.line("M107");
        } else {
            let v = (percent / 100.0 * 255.0).round();
            self.out.push_str("M106 S");
            num(&mut self.out, v, 0);
            self.out.push('\n');
        }
    }
}

/// Everything the header and labels need besides moves and settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobInfo {
    /// (what, name) lines such as ("printer", "Creality Ender-3 V3 SE").
    pub presets: Vec<(String, String)>,
    pub objects: Vec<ObjectLabel>,
    /// The plate's pictures, as G-code comment blocks (`gcode::thumbnails`).
    pub thumbnails: String,
    /// Values that change from a height up (a calibration's bands), lowest first, at print
    /// heights (a raft's lift included).
    pub changes: Vec<HeightChange>,
}

/// A change in the flavour's own command.
fn command(flavor: GcodeFlavor, change: Change) -> String {
    let v = format_float(change.value());
    match (change, flavor) {
        (Change::NozzleTemperature(_), GcodeFlavor::Marlin2) => format!("M104 S{v}"),
        (Change::NozzleTemperature(_), GcodeFlavor::Klipper) => {
            format!("SET_HEATER_TEMPERATURE HEATER=extruder TARGET={v}")
        }
        (Change::NozzleTemperature(_), GcodeFlavor::RepRapFirmware) => format!("G10 P0 S{v}"),
        (Change::PressureAdvance(_), GcodeFlavor::Marlin2) => format!("M900 K{v}"),
        (Change::PressureAdvance(_), GcodeFlavor::Klipper) => {
            format!("SET_PRESSURE_ADVANCE ADVANCE={v}")
        }
        (Change::PressureAdvance(_), GcodeFlavor::RepRapFirmware) => format!("M572 D0 S{v}"),
    }
}

/// A value that changes from here up, in the flavour's own command, after a comment that
/// names the band and the value (so a printed band maps back to its value).
fn write_change(out: &mut String, flavor: GcodeFlavor, c: &HeightChange) {
    let _ = writeln!(
        out,
        "; calibration {}: {} = {}",
        c.label,
        c.change.key(),
        format_float(c.change.value())
    );
    let _ = writeln!(out, "{}", command(flavor, c.change));
}

pub fn write(
    layers: &[LayerMoves],
    job: &JobInfo,
    s: &Settings,
) -> Result<(String, PrintStats), TemplateError> {
    template::check(s)?;
    let stats = stats(layers, s);
    let mut w = Writer {
        out: String::with_capacity(64 * 1024),
        pos: (0.0, 0.0),
        f: -1.0,
        e_abs: 0.0,
        relative_e: s.use_relative_e_distances,
        fan: 0.0,
    };
    let flavor = s.gcode_flavor;
    let _ = writeln!(w.out, "; generated by Lamina {}", env!("CARGO_PKG_VERSION"));
    for (what, name) in &job.presets {
        let _ = writeln!(w.out, "; {what}: {name}");
    }
    w.out.push_str(&job.thumbnails);
    let flavor_name = match flavor {
        GcodeFlavor::Marlin2 => "Marlin",
        GcodeFlavor::Klipper => "Klipper",
        GcodeFlavor::RepRapFirmware => "RepRapFirmware",
    };
    let _ = writeln!(w.out, ";FLAVOR:{flavor_name}");
    let _ = writeln!(w.out, ";TIME:{}", stats.time_s.round());
    let _ = writeln!(w.out, ";Filament used: {:.5}m", stats.filament_mm / 1000.0);
    let _ = writeln!(w.out, ";Layer height: {}", format_float(s.layer_height));
    let _ = writeln!(w.out, ";LAYER_COUNT:{}", layers.len());
    let _ = writeln!(
        w.out,
        "; estimated printing time (normal mode) = {}",
        format_duration(stats.time_s)
    );
    // Every setting used, so the print can be reproduced (and the file read back).
    w.line("; lamina_config = begin");
    for d in SCHEMA {
        let v = s.get(d.key).unwrap_or_default().replace('\n', "\\n");
        let _ = writeln!(w.out, "; {} = {}", d.key, v);
    }
    w.line("; lamina_config = end");
    w.line("");
    if flavor == GcodeFlavor::Klipper {
        for o in &job.objects {
            let mut poly = String::from("[");
            for (i, (x, y)) in o.polygon.iter().enumerate() {
                if i > 0 {
                    poly.push(',');
                }
                let _ = write!(poly, "[{x:.3},{y:.3}]");
            }
            poly.push(']');
            let _ = writeln!(
                w.out,
                "EXCLUDE_OBJECT_DEFINE NAME={} CENTER={:.3},{:.3} POLYGON={poly}",
                label_name(&o.name),
                o.center.0,
                o.center.1
            );
        }
    }
    if flavor == GcodeFlavor::Marlin2 && s.emit_machine_limits {
        let _ = writeln!(
            w.out,
            "M201 X{} Y{} Z{} E{} ; max acceleration",
            s.machine_max_acceleration_x,
            s.machine_max_acceleration_y,
            s.machine_max_acceleration_z,
            s.machine_max_acceleration_e
        );
        let _ = writeln!(
            w.out,
            "M203 X{} Y{} Z{} E{} ; max feedrate (mm/s)",
            s.machine_max_feedrate_x,
            s.machine_max_feedrate_y,
            s.machine_max_feedrate_z,
            s.machine_max_feedrate_e
        );
        let _ = writeln!(
            w.out,
            "M204 P{} R{} T{} ; print, retract and travel acceleration",
            s.machine_max_acceleration_extruding,
            s.machine_max_acceleration_retracting,
            s.machine_max_acceleration_travel
        );
        let _ = writeln!(
            w.out,
            "M205 X{} Y{} Z{} E{} ; jerk",
            s.machine_max_jerk_x, s.machine_max_jerk_y, s.machine_max_jerk_z, s.machine_max_jerk_e
        );
    }
    w.line("M107");
    // Klipper's print_stats keep the layer count for Mainsail, Fluidd and KlipperScreen.
    if flavor == GcodeFlavor::Klipper {
        let _ = writeln!(w.out, "SET_PRINT_STATS_INFO TOTAL_LAYER={}", layers.len());
    }
    let extra = [("layer_num", "0".to_string()), ("layer_z", "0".to_string())];
    let start = template::render(&s.start_gcode, s, &extra)?;
    w.line(start.trim_end());
    if s.enable_pressure_advance {
        let k = Change::PressureAdvance(s.pressure_advance);
        let _ = writeln!(w.out, "{} ; pressure advance", command(flavor, k));
    }
    w.line("G21 ; millimetres");
    w.line("G90 ; absolute coordinates");
    w.line(if w.relative_e {
        "M83 ; relative extrusion"
    } else {
        "M82 ; absolute extrusion"
    });
    w.line("G92 E0");
    w.f = -1.0;

    let total = stats.time_s.max(1e-9);
    let mut elapsed = 0.0;
    let mut names: Vec<String> = job.objects.iter().map(|o| label_name(&o.name)).collect();
    names.resize(names.len().max(1), "object".into());
    let mut last_role = None;
    let mut next_change = 0;
    for (li, lm) in layers.iter().enumerate() {
        for m in &lm.moves {
            match m {
                Move::Layer { index, z, height } => {
                    last_role = None;
                    w.line(";LAYER_CHANGE");
                    let _ = writeln!(w.out, ";Z:{}", format_float(*z));
                    let _ = writeln!(w.out, ";HEIGHT:{}", format_float(*height));
                    let _ = writeln!(w.out, ";LAYER:{index}");
                    let pct = (elapsed / total * 100.0).floor().clamp(0.0, 99.0);
                    let remaining = ((total - elapsed) / 60.0).ceil().max(0.0);
                    let _ = writeln!(w.out, "M73 P{pct} R{remaining}");
                    if flavor == GcodeFlavor::Klipper {
                        let _ = writeln!(w.out, "SET_PRINT_STATS_INFO CURRENT_LAYER={}", li + 1);
                    }
                    // Changes from this layer up: those below where it ends (as PrusaSlicer
                    // names a change by the top of its layer).
                    while let Some(c) = job.changes.get(next_change)
                        && c.z < z - 1e-6
                    {
                        write_change(&mut w.out, flavor, c);
                        next_change += 1;
                    }
                }
                Move::Role { role, width } => {
                    // As PrusaSlicer writes them: the type when it changes, the width always.
                    if last_role != Some(*role) {
                        let _ = writeln!(w.out, ";TYPE:{}", role.gcode_name());
                        last_role = Some(*role);
                    }
                    let _ = writeln!(
                        w.out,
                        ";WIDTH:{}",
                        format_float((*width * 1000.0).round() / 1000.0)
                    );
                }
                Move::Travel { x, y, speed } => {
                    w.xy(*x, *y);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Z { z, speed } => {
                    w.out.push_str("G1 Z");
                    num(&mut w.out, z + s.z_offset, 3);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Extrude { x, y, e, speed } | Move::Wipe { x, y, e, speed } => {
                    w.xy(*x, *y);
                    w.e_word(*e);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Arc {
                    x,
                    y,
                    cx,
                    cy,
                    ccw,
                    e,
                    speed,
                } => {
                    w.arc(*x, *y, (*cx, *cy), *ccw);
                    w.e_word(*e);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Helix { x, y, z, e, speed } => {
                    w.xy(*x, *y);
                    w.out.push_str(" Z");
                    num(&mut w.out, z + s.z_offset, 3);
                    w.e_word(*e);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Retract { e, speed } => {
                    w.out.push_str("G1");
                    w.e_word(-*e);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Unretract { e, speed } => {
                    w.out.push_str("G1");
                    w.e_word(*e);
                    w.feed(*speed);
                    w.out.push('\n');
                }
                Move::Fan(p) => w.fan(*p),
                Move::Accel(a) => {
                    let a = a.round();
                    let _ = match flavor {
                        GcodeFlavor::Klipper => writeln!(w.out, "SET_VELOCITY_LIMIT ACCEL={a}"),
                        GcodeFlavor::RepRapFirmware => writeln!(w.out, "M204 P{a} T{a}"),
                        GcodeFlavor::Marlin2 => writeln!(w.out, "M204 S{a}"),
                    };
                }
                Move::ObjectStart(i) => {
                    let name = names
                        .get(*i)
                        .cloned()
                        .unwrap_or_else(|| format!("object_{i}"));
                    let _ = match flavor {
                        GcodeFlavor::Klipper => writeln!(w.out, "EXCLUDE_OBJECT_START NAME={name}"),
                        _ => writeln!(w.out, "; printing object {name}"),
                    };
                }
                Move::ObjectEnd(i) => {
                    let name = names
                        .get(*i)
                        .cloned()
                        .unwrap_or_else(|| format!("object_{i}"));
                    let _ = match flavor {
                        GcodeFlavor::Klipper => writeln!(w.out, "EXCLUDE_OBJECT_END NAME={name}"),
                        _ => writeln!(w.out, "; stop printing object {name}"),
                    };
                }
                Move::Temperature { heater, celsius } => {
                    let (code, what) = match heater {
                        Heater::Nozzle => ("M104", "nozzle"),
                        Heater::Bed => ("M140", "bed"),
                    };
                    let _ = writeln!(
                        w.out,
                        "{code} S{} ; {what} temperature for the next layers",
                        celsius.round()
                    );
                }
                Move::Template(text) => w.line(text.trim_end()),
            }
        }
        elapsed += stats.layer_times.get(li).copied().unwrap_or(0.0);
    }
    w.line(";TYPE:Custom");
    let end = template::render(&s.end_gcode, s, &extra)?;
    w.line(end.trim_end());
    w.line("M73 P100 R0");
    w.line("");
    let _ = writeln!(w.out, "; filament used [mm] = {:.2}", stats.filament_mm);
    let _ = writeln!(
        w.out,
        "; filament used [cm3] = {:.2}",
        stats.filament_mm3 / 1000.0
    );
    let _ = writeln!(w.out, "; filament used [g] = {:.2}", stats.filament_g);
    let _ = writeln!(w.out, "; filament cost = {:.2}", stats.cost);
    let _ = writeln!(w.out, "; total layers count = {}", layers.len());
    let _ = writeln!(
        w.out,
        "; estimated printing time (normal mode) = {}",
        format_duration(stats.time_s)
    );
    Ok((w.out, stats))
}

/// Object names as Klipper accepts them: no spaces.
fn label_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "object".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        let mut s = String::new();
        num(&mut s, 1.5, 3);
        s.push(' ');
        num(&mut s, -0.12345678, 5);
        s.push(' ');
        num(&mut s, 100.0, 3);
        s.push(' ');
        num(&mut s, 0.0004, 3);
        assert_eq!(s, "1.5 -0.12346 100 0");
    }
}
