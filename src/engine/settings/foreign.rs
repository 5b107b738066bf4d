//! Settings written by other slicers, mapped onto Lamina's keys: PrusaSlicer's INI configs,
//! config bundles and project configs, and OrcaSlicer's JSON presets and project settings
//! (Bambu Studio and Creality Print write the same format). Keys that have no Lamina
//! equivalent, and values Lamina cannot represent, are listed rather than guessed.

use super::{Preset, PresetKind, Settings, ValueKind, find_def, format_float};
use std::collections::BTreeMap;

/// Which slicer wrote a config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    PrusaSlicer,
    Orca,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::PrusaSlicer => "PrusaSlicer",
            Dialect::Orca => "OrcaSlicer",
        }
    }
}

/// The result of mapping a foreign config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapped {
    /// Lamina keys and values (valid, in schema order).
    pub values: Vec<(String, String)>,
    /// Foreign keys that were not used, each with the reason, sorted by key.
    pub ignored: Vec<(String, String)>,
}

impl Mapped {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// "12 settings ignored: a, b, c, …" (at most `show` names), or nothing.
    pub fn ignored_summary(&self, show: usize) -> Option<String> {
        if self.ignored.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = self.ignored.iter().map(|(k, _)| k.as_str()).collect();
        let more = names.len().saturating_sub(show);
        names.truncate(show);
        Some(format!(
            "{} setting{} not used: {}{}",
            self.ignored.len(),
            if self.ignored.len() == 1 { "" } else { "s" },
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))
    }
}

/// How a foreign value becomes a Lamina value.
#[derive(Clone, Copy)]
enum Conv {
    /// The same meaning: the first entry of a per-extruder list, percentages resolved.
    Same,
    /// Words mapped to Lamina's words; a word not listed is not representable.
    Words(&'static [(&'static str, &'static str)]),
    /// A bed outline "0x0,220x0,220x220,0x220" → its width or depth.
    BedSize(usize),
    /// A bed outline → whether the origin is at its centre.
    BedCentred,
    /// A value that must equal the given word for `true`.
    Is(&'static str),
    /// A value that must differ from the given word for `true`.
    IsNot(&'static str),
    /// Orca's brim type: "no_brim" means a zero brim width; others keep the width as is.
    NoBrim,
}

/// PrusaSlicer keys that differ from Lamina's (others with a Lamina key map as they are).
const PRUSA: &[(&str, &str, Conv)] = &[
    ("bed_shape", "bed_size_x", Conv::BedSize(0)),
    ("bed_shape", "bed_size_y", Conv::BedSize(1)),
    ("bed_shape", "origin_at_center", Conv::BedCentred),
    (
        "gcode_flavor",
        "gcode_flavor",
        Conv::Words(&[
            ("marlin2", "marlin2"),
            ("marlin", "marlin2"),
            ("marlinlegacy", "marlin2"),
            ("klipper", "klipper"),
            ("reprapfirmware", "reprapfirmware"),
        ]),
    ),
    (
        "machine_limits_usage",
        "emit_machine_limits",
        Conv::Is("emit_to_gcode"),
    ),
    (
        "filament_max_volumetric_speed",
        "max_volumetric_speed",
        Conv::Same,
    ),
    (
        "fill_pattern",
        "fill_pattern",
        Conv::Words(&[
            ("rectilinear", "rectilinear"),
            ("alignedrectilinear", "rectilinear"),
            ("line", "line"),
            ("grid", "grid"),
            ("triangles", "triangles"),
            ("gyroid", "gyroid"),
            ("honeycomb", "honeycomb"),
            ("concentric", "concentric"),
        ]),
    ),
    ("top_fill_pattern", "top_fill_pattern", Conv::Words(SOLID)),
    (
        "bottom_fill_pattern",
        "bottom_fill_pattern",
        Conv::Words(SOLID),
    ),
];

const SOLID: &[(&str, &str)] = &[
    ("rectilinear", "rectilinear"),
    ("alignedrectilinear", "rectilinear"),
    ("monotonic", "monotonic"),
    ("monotonicline", "monotonic"),
    ("concentric", "concentric"),
    ("zig-zag", "rectilinear"),
];

/// PrusaSlicer keys Lamina has but must not take from another slicer: the custom G-code
/// templates use PrusaSlicer's macro language, which Lamina's placeholders do not read.
const PRUSA_SKIP: &[&str] = &["start_gcode", "end_gcode", "before_layer_gcode"];

/// OrcaSlicer (and Bambu Studio, Creality Print) keys → Lamina keys.
const ORCA: &[(&str, &str, Conv)] = &[
    // Printer.
    ("printable_area", "bed_size_x", Conv::BedSize(0)),
    ("printable_area", "bed_size_y", Conv::BedSize(1)),
    ("printable_area", "origin_at_center", Conv::BedCentred),
    ("printable_height", "max_print_height", Conv::Same),
    ("nozzle_diameter", "nozzle_diameter", Conv::Same),
    ("z_offset", "z_offset", Conv::Same),
    (
        "gcode_flavor",
        "gcode_flavor",
        Conv::Words(&[
            ("marlin2", "marlin2"),
            ("marlin", "marlin2"),
            ("klipper", "klipper"),
            ("reprapfirmware", "reprapfirmware"),
        ]),
    ),
    (
        "use_relative_e_distances",
        "use_relative_e_distances",
        Conv::Same,
    ),
    (
        "emit_machine_limits_to_gcode",
        "emit_machine_limits",
        Conv::Same,
    ),
    ("machine_max_speed_x", "machine_max_feedrate_x", Conv::Same),
    ("machine_max_speed_y", "machine_max_feedrate_y", Conv::Same),
    ("machine_max_speed_z", "machine_max_feedrate_z", Conv::Same),
    ("machine_max_speed_e", "machine_max_feedrate_e", Conv::Same),
    (
        "machine_max_acceleration_x",
        "machine_max_acceleration_x",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_y",
        "machine_max_acceleration_y",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_z",
        "machine_max_acceleration_z",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_e",
        "machine_max_acceleration_e",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_extruding",
        "machine_max_acceleration_extruding",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_retracting",
        "machine_max_acceleration_retracting",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_travel",
        "machine_max_acceleration_travel",
        Conv::Same,
    ),
    ("machine_max_jerk_x", "machine_max_jerk_x", Conv::Same),
    ("machine_max_jerk_y", "machine_max_jerk_y", Conv::Same),
    ("machine_max_jerk_z", "machine_max_jerk_z", Conv::Same),
    ("machine_max_jerk_e", "machine_max_jerk_e", Conv::Same),
    ("retraction_length", "retract_length", Conv::Same),
    ("retraction_speed", "retract_speed", Conv::Same),
    ("deretraction_speed", "deretract_speed", Conv::Same),
    (
        "retraction_minimum_travel",
        "retract_before_travel",
        Conv::Same,
    ),
    ("z_hop", "retract_lift", Conv::Same),
    (
        "retract_when_changing_layer",
        "retract_layer_change",
        Conv::Same,
    ),
    ("wipe", "wipe", Conv::Same),
    ("wipe_distance", "wipe_distance", Conv::Same),
    // Filament.
    ("filament_type", "filament_type", Conv::Same),
    ("filament_diameter", "filament_diameter", Conv::Same),
    ("filament_density", "filament_density", Conv::Same),
    ("filament_cost", "filament_cost", Conv::Same),
    ("filament_flow_ratio", "extrusion_multiplier", Conv::Same),
    (
        "filament_max_volumetric_speed",
        "max_volumetric_speed",
        Conv::Same,
    ),
    ("nozzle_temperature", "temperature", Conv::Same),
    (
        "nozzle_temperature_initial_layer",
        "first_layer_temperature",
        Conv::Same,
    ),
    ("hot_plate_temp", "bed_temperature", Conv::Same),
    (
        "hot_plate_temp_initial_layer",
        "first_layer_bed_temperature",
        Conv::Same,
    ),
    ("fan_min_speed", "min_fan_speed", Conv::Same),
    ("fan_max_speed", "max_fan_speed", Conv::Same),
    ("overhang_fan_speed", "bridge_fan_speed", Conv::Same),
    (
        "close_fan_the_first_x_layers",
        "disable_fan_first_layers",
        Conv::Same,
    ),
    ("full_fan_speed_layer", "full_fan_speed_layer", Conv::Same),
    ("fan_cooling_layer_time", "fan_below_layer_time", Conv::Same),
    (
        "slow_down_layer_time",
        "slowdown_below_layer_time",
        Conv::Same,
    ),
    ("slow_down_min_speed", "min_print_speed", Conv::Same),
    (
        "filament_retraction_length",
        "filament_retract_length",
        Conv::Same,
    ),
    (
        "filament_retraction_speed",
        "filament_retract_speed",
        Conv::Same,
    ),
    ("filament_z_hop", "filament_retract_lift", Conv::Same),
    // Process.
    ("layer_height", "layer_height", Conv::Same),
    (
        "initial_layer_print_height",
        "first_layer_height",
        Conv::Same,
    ),
    ("wall_loops", "perimeters", Conv::Same),
    (
        "wall_sequence",
        "external_perimeters_first",
        Conv::Is("outer wall/inner wall"),
    ),
    (
        "seam_position",
        "seam_position",
        Conv::Words(&[
            ("aligned", "aligned"),
            ("nearest", "nearest"),
            ("back", "rear"),
            ("random", "random"),
        ]),
    ),
    ("detect_thin_wall", "thin_walls", Conv::Same),
    (
        "gap_fill_target",
        "gap_fill_enabled",
        Conv::IsNot("nowhere"),
    ),
    ("top_shell_layers", "top_solid_layers", Conv::Same),
    ("bottom_shell_layers", "bottom_solid_layers", Conv::Same),
    (
        "top_surface_pattern",
        "top_fill_pattern",
        Conv::Words(SOLID),
    ),
    (
        "bottom_surface_pattern",
        "bottom_fill_pattern",
        Conv::Words(SOLID),
    ),
    ("sparse_infill_density", "fill_density", Conv::Same),
    (
        "sparse_infill_pattern",
        "fill_pattern",
        Conv::Words(&[
            ("zig-zag", "rectilinear"),
            ("alignedrectilinear", "rectilinear"),
            ("line", "line"),
            ("grid", "grid"),
            ("triangles", "triangles"),
            ("gyroid", "gyroid"),
            ("honeycomb", "honeycomb"),
            ("concentric", "concentric"),
        ]),
    ),
    ("infill_direction", "fill_angle", Conv::Same),
    ("infill_wall_overlap", "infill_overlap", Conv::Same),
    (
        "minimum_sparse_infill_area",
        "solid_infill_below_area",
        Conv::Same,
    ),
    ("bridge_flow", "bridge_flow_ratio", Conv::Same),
    ("skirt_loops", "skirts", Conv::Same),
    ("skirt_distance", "skirt_distance", Conv::Same),
    ("skirt_height", "skirt_height", Conv::Same),
    ("brim_width", "brim_width", Conv::Same),
    ("brim_type", "brim_width", Conv::NoBrim),
    ("enable_support", "support_material", Conv::Same),
    (
        "support_threshold_angle",
        "support_material_threshold",
        Conv::Same,
    ),
    (
        "support_on_build_plate_only",
        "support_material_buildplate_only",
        Conv::Same,
    ),
    (
        "support_top_z_distance",
        "support_material_contact_distance",
        Conv::Same,
    ),
    (
        "support_object_xy_distance",
        "support_material_xy_spacing",
        Conv::Same,
    ),
    (
        "support_base_pattern_spacing",
        "support_material_spacing",
        Conv::Same,
    ),
    ("support_angle", "support_material_angle", Conv::Same),
    (
        "support_interface_top_layers",
        "support_material_interface_layers",
        Conv::Same,
    ),
    (
        "support_interface_spacing",
        "support_material_interface_spacing",
        Conv::Same,
    ),
    ("raft_layers", "raft_layers", Conv::Same),
    ("raft_expansion", "raft_expansion", Conv::Same),
    ("inner_wall_speed", "perimeter_speed", Conv::Same),
    ("outer_wall_speed", "external_perimeter_speed", Conv::Same),
    ("sparse_infill_speed", "infill_speed", Conv::Same),
    (
        "internal_solid_infill_speed",
        "solid_infill_speed",
        Conv::Same,
    ),
    ("top_surface_speed", "top_solid_infill_speed", Conv::Same),
    ("gap_infill_speed", "gap_fill_speed", Conv::Same),
    ("bridge_speed", "bridge_speed", Conv::Same),
    ("support_speed", "support_material_speed", Conv::Same),
    (
        "support_interface_speed",
        "support_material_interface_speed",
        Conv::Same,
    ),
    ("initial_layer_speed", "first_layer_speed", Conv::Same),
    ("travel_speed", "travel_speed", Conv::Same),
    ("travel_speed_z", "travel_speed_z", Conv::Same),
    ("default_acceleration", "default_acceleration", Conv::Same),
    (
        "inner_wall_acceleration",
        "perimeter_acceleration",
        Conv::Same,
    ),
    (
        "outer_wall_acceleration",
        "external_perimeter_acceleration",
        Conv::Same,
    ),
    (
        "sparse_infill_acceleration",
        "infill_acceleration",
        Conv::Same,
    ),
    (
        "internal_solid_infill_acceleration",
        "solid_infill_acceleration",
        Conv::Same,
    ),
    (
        "top_surface_acceleration",
        "top_solid_infill_acceleration",
        Conv::Same,
    ),
    ("bridge_acceleration", "bridge_acceleration", Conv::Same),
    (
        "initial_layer_acceleration",
        "first_layer_acceleration",
        Conv::Same,
    ),
    ("travel_acceleration", "travel_acceleration", Conv::Same),
    ("line_width", "extrusion_width", Conv::Same),
    (
        "initial_layer_line_width",
        "first_layer_extrusion_width",
        Conv::Same,
    ),
    (
        "inner_wall_line_width",
        "perimeter_extrusion_width",
        Conv::Same,
    ),
    (
        "outer_wall_line_width",
        "external_perimeter_extrusion_width",
        Conv::Same,
    ),
    (
        "sparse_infill_line_width",
        "infill_extrusion_width",
        Conv::Same,
    ),
    (
        "internal_solid_infill_line_width",
        "solid_infill_extrusion_width",
        Conv::Same,
    ),
    (
        "top_surface_line_width",
        "top_infill_extrusion_width",
        Conv::Same,
    ),
    (
        "support_line_width",
        "support_material_extrusion_width",
        Conv::Same,
    ),
    (
        "reduce_crossing_wall",
        "avoid_crossing_perimeters",
        Conv::Same,
    ),
    ("resolution", "resolution", Conv::Same),
    ("slice_closing_radius", "slice_closing_radius", Conv::Same),
    (
        "elefant_foot_compensation",
        "elefant_foot_compensation",
        Conv::Same,
    ),
];

/// What a percentage of a length or speed is taken of (PrusaSlicer's rules, which OrcaSlicer
/// follows for line widths).
fn percent_base(key: &str) -> Option<&'static str> {
    Some(match key {
        k if k.ends_with("extrusion_width") => "nozzle_diameter",
        "first_layer_height" => "layer_height",
        "external_perimeter_speed" => "perimeter_speed",
        "solid_infill_speed" => "infill_speed",
        "top_solid_infill_speed" => "solid_infill_speed",
        "support_material_interface_speed" => "support_material_speed",
        _ => return None,
    })
}

/// Maps `(key, value)` pairs written by `dialect` onto Lamina's keys. Percentages of other
/// settings are resolved against the config's own values, else against `base`.
pub fn map(dialect: Dialect, pairs: &[(String, String)], base: &Settings) -> Mapped {
    let table = match dialect {
        Dialect::PrusaSlicer => PRUSA,
        Dialect::Orca => ORCA,
    };
    let mut ignored: BTreeMap<String, String> = BTreeMap::new();
    // Lamina key → (foreign key, value text), later pairs winning.
    let mut wanted: BTreeMap<&'static str, (String, Result<String, String>)> = BTreeMap::new();
    for (key, raw) in pairs {
        let rules: Vec<(&'static str, Conv)> = table
            .iter()
            .filter(|(k, _, _)| k == key)
            .map(|(_, ours, conv)| (*ours, *conv))
            .collect();
        let rules = if !rules.is_empty() {
            rules
        } else if dialect == Dialect::PrusaSlicer
            && let Some(def) = find_def(key)
        {
            if PRUSA_SKIP.contains(&key.as_str()) {
                ignored.insert(
                    key.clone(),
                    "custom G-code uses PrusaSlicer's macro language".into(),
                );
                continue;
            }
            vec![(def.key, Conv::Same)]
        } else {
            ignored.insert(key.clone(), "no Lamina setting".into());
            continue;
        };
        for (ours, conv) in rules {
            wanted.insert(ours, (key.clone(), convert(conv, ours, raw)));
        }
    }
    // Values first, then percentages (whose bases may be among the values), then validate.
    let mut scratch = base.clone();
    let mut pending: Vec<(&'static str, String, f64)> = Vec::new();
    for (&ours, (foreign, value)) in &wanted {
        match value {
            Err(reason) => {
                ignored.insert(foreign.clone(), reason.clone());
            }
            Ok(text) => match percent_of(ours, text) {
                Some(pct) => pending.push((ours, foreign.clone(), pct)),
                None => {
                    if let Err(e) = scratch.set(ours, text) {
                        ignored.insert(foreign.clone(), e.to_string());
                    }
                }
            },
        }
    }
    // A percentage of a percentage (top solid infill speed of solid infill speed) waits for
    // its base to resolve first.
    for _ in 0..3 {
        let waiting: Vec<&'static str> = pending.iter().map(|(k, _, _)| *k).collect();
        pending.retain(|(ours, foreign, pct)| {
            let Some(base_key) = percent_base(ours) else {
                ignored.insert(foreign.clone(), format!("'{pct}%' has no base in Lamina"));
                return false;
            };
            if waiting.contains(&base_key) {
                return true;
            }
            let base_value = scratch
                .get(base_key)
                .and_then(|t| t.parse::<f64>().ok())
                .unwrap_or(0.0);
            let text = format_float(base_value * pct / 100.0);
            if let Err(e) = scratch.set(ours, &text) {
                ignored.insert(foreign.clone(), e.to_string());
            }
            false
        });
    }
    for (ours, foreign, _) in pending {
        ignored.insert(foreign, format!("{ours}: percentage could not be resolved"));
    }
    // Report what the foreign config set, as Lamina values, in schema order.
    let mut values = Vec::new();
    for def in super::SCHEMA {
        if let Some((foreign, Ok(_))) = wanted.get(def.key)
            && !ignored.contains_key(foreign)
            && let Some(v) = scratch.get(def.key)
        {
            values.push((def.key.to_string(), v));
        }
    }
    Mapped {
        values,
        ignored: ignored.into_iter().collect(),
    }
}

/// A percentage written for a length or speed setting (not one whose unit is already "%").
fn percent_of(key: &str, text: &str) -> Option<f64> {
    let def = find_def(key)?;
    let t = text.trim();
    let number = t.strip_suffix('%')?;
    if def.unit == "%" {
        return None;
    }
    number.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn first_entry(raw: &str) -> &str {
    raw.split([',', ';']).next().unwrap_or(raw).trim()
}

fn convert(conv: Conv, ours: &str, raw: &str) -> Result<String, String> {
    let kind = find_def(ours).map(|d| d.kind);
    let word = || first_entry(raw).trim_matches('"').to_ascii_lowercase();
    match conv {
        Conv::Same if kind == Some(ValueKind::Text) => Ok(raw.to_string()),
        Conv::Same => Ok(first_entry(raw).to_string()),
        Conv::Words(words) => {
            let w = word();
            words
                .iter()
                .find(|(from, _)| *from == w)
                .map(|(_, to)| to.to_string())
                .ok_or_else(|| format!("'{w}' has no Lamina equivalent"))
        }
        Conv::Is(expected) => Ok((raw.trim().eq_ignore_ascii_case(expected)).to_string()),
        Conv::IsNot(other) => Ok((!raw.trim().eq_ignore_ascii_case(other)).to_string()),
        Conv::NoBrim => {
            if word() == "no_brim" {
                Ok("0".into())
            } else {
                Err("brim type has no Lamina equivalent (the width is used)".into())
            }
        }
        Conv::BedSize(axis) => {
            let (min, max) = bed_outline(raw)?;
            Ok(format_float(max[axis] - min[axis]))
        }
        Conv::BedCentred => {
            let (min, max) = bed_outline(raw)?;
            let centre = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
            Ok((centre[0].abs() < 1.0 && centre[1].abs() < 1.0).to_string())
        }
    }
}

/// The bounding box of a bed outline "x0xy0,x1xy1,…".
fn bed_outline(raw: &str) -> Result<([f64; 2], [f64; 2]), String> {
    let mut min = [f64::INFINITY; 2];
    let mut max = [f64::NEG_INFINITY; 2];
    let mut n = 0;
    for point in raw.split([',', ';']) {
        let point = point.trim().trim_matches('"');
        if point.is_empty() {
            continue;
        }
        let (x, y) = point
            .split_once('x')
            .ok_or_else(|| format!("bad bed outline point '{point}'"))?;
        let p = [x.trim().parse::<f64>(), y.trim().parse::<f64>()];
        let [Ok(x), Ok(y)] = p else {
            return Err(format!("bad bed outline point '{point}'"));
        };
        for (i, v) in [x, y].into_iter().enumerate() {
            min[i] = min[i].min(v);
            max[i] = max[i].max(v);
        }
        n += 1;
    }
    if n < 3 {
        return Err("a bed outline needs at least three points".into());
    }
    Ok((min, max))
}

/// One section of an INI file: `[kind:name]` (or none at the top), and its pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct IniSection {
    pub header: Option<String>,
    pub pairs: Vec<(String, String)>,
}

/// Reads PrusaSlicer's INI: `key = value` lines, `[section]` headers, `#` comments. Project
/// configs inside 3MF files write every line as a comment (`; key = value`); `commented`
/// reads those.
pub fn parse_ini(text: &str, commented: bool) -> Vec<IniSection> {
    let mut sections = vec![IniSection {
        header: None,
        pairs: Vec::new(),
    }];
    for line in text.lines() {
        let mut line = line.trim();
        if commented {
            match line.strip_prefix(';') {
                Some(rest) => line = rest.trim(),
                None => continue,
            }
        } else if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push(IniSection {
                header: Some(h.trim().to_string()),
                pairs: Vec::new(),
            });
        } else if let Some((k, v)) = line.split_once('=') {
            let key = k.trim();
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                let value = v.trim();
                // Multi-line values are written with escaped newlines.
                let value = if value.contains("\\n") {
                    value.replace("\\n", "\n").replace("\\\"", "\"")
                } else {
                    value.to_string()
                };
                if let Some(last) = sections.last_mut() {
                    last.pairs.push((key.to_string(), value));
                }
            }
        }
    }
    sections.retain(|s| s.header.is_some() || !s.pairs.is_empty());
    sections
}

/// An OrcaSlicer-family JSON object flattened to text pairs: strings as they are, numbers
/// and booleans printed, arrays joined with commas (per-extruder lists, bed outlines).
pub fn json_pairs(value: &serde_json::Value) -> Result<Vec<(String, String)>, String> {
    let object = value
        .as_object()
        .ok_or("the JSON is not an object of settings")?;
    let text = |v: &serde_json::Value| -> Option<String> {
        match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
            _ => None,
        }
    };
    let mut pairs = Vec::new();
    for (k, v) in object {
        let value = match v {
            serde_json::Value::Array(items) => {
                let parts: Option<Vec<String>> = items.iter().map(text).collect();
                match parts {
                    Some(p) => p.join(","),
                    None => continue,
                }
            }
            other => match text(other) {
                Some(t) => t,
                None => continue,
            },
        };
        pairs.push((k.clone(), value));
    }
    Ok(pairs)
}

/// A preset read from a file, with what of it Lamina could not use.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPreset {
    pub preset: Preset,
    pub ignored: Vec<(String, String)>,
    /// Things the user should know (an unknown parent preset, values left at defaults).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetImportError {
    #[error("{file}: {message}")]
    Malformed { file: String, message: String },
    #[error("{file}: no settings Lamina can use")]
    Empty { file: String },
}

/// Reads presets from a file: a Lamina preset (`.toml`), a PrusaSlicer config or config
/// bundle (`.ini`), or an OrcaSlicer / Bambu Studio / Creality Print preset (`.json`). New
/// presets get ids from `new_id(kind, name)`.
pub fn import_presets(
    file: &str,
    bytes: &[u8],
    new_id: &mut dyn FnMut(PresetKind, &str) -> String,
) -> Result<Vec<ImportedPreset>, PresetImportError> {
    let malformed = |message: String| PresetImportError::Malformed {
        file: file.to_string(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("not a text file".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let lower = file.to_ascii_lowercase();
    let base = Settings::default();
    let mut out = Vec::new();
    let mut push = |kind: PresetKind, name: &str, mapped: Mapped, notes: Vec<String>| {
        let (mut values, mut ignored) = (Vec::new(), mapped.ignored);
        for (k, v) in mapped.values {
            match find_def(&k) {
                Some(d) if d.scope == kind.scope() => values.push((k, v)),
                Some(d) => ignored.push((k, format!("a {} setting", d.scope.name()))),
                None => {}
            }
        }
        if values.is_empty() {
            return;
        }
        out.push(ImportedPreset {
            preset: Preset {
                id: new_id(kind, name),
                name: name.to_string(),
                kind,
                inherits: None,
                values,
            },
            ignored,
            notes,
        });
    };
    if lower.ends_with(".json") || text.starts_with('{') {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| malformed(format!("bad JSON: {e}")))?;
        let pairs = json_pairs(&json).map_err(malformed)?;
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        let kind = match get("type").as_deref() {
            Some("process") => PresetKind::Process,
            Some("filament") => PresetKind::Filament,
            Some("machine") | Some("printer") => PresetKind::Printer,
            Some(other) => return Err(malformed(format!("unknown preset type '{other}'"))),
            None => {
                return Err(malformed(
                    "no \"type\" (process, filament or machine)".into(),
                ));
            }
        };
        let name = get("name").unwrap_or(stem);
        let mut notes = Vec::new();
        if let Some(parent) = get("inherits").filter(|p| !p.is_empty()) {
            notes.push(format!(
                "it is based on \"{parent}\", which Lamina does not have: settings it does not \
                 list keep Lamina's defaults"
            ));
        }
        let bookkeeping = [
            "type",
            "name",
            "inherits",
            "from",
            "setting_id",
            "instantiation",
            "version",
            "filament_id",
            "is_custom_defined",
            "compatible_printers",
            "compatible_printers_condition",
            "compatible_prints",
            "compatible_prints_condition",
        ];
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| !bookkeeping.contains(&k.as_str()))
            .collect();
        push(kind, &name, map(Dialect::Orca, &pairs, &base), notes);
    } else if lower.ends_with(".toml") || text.contains("[settings]") {
        let preset = Preset::parse_file(&new_id(PresetKind::Process, &stem), text)
            .map_err(|e| malformed(e.to_string()))?;
        let id = new_id(preset.kind, &preset.name);
        out.push(ImportedPreset {
            preset: Preset { id, ..preset },
            ignored: Vec::new(),
            notes: Vec::new(),
        });
    } else {
        let sections = parse_ini(text, false);
        let bundle = sections.iter().any(|s| s.header.is_some());
        if bundle {
            for s in &sections {
                let Some(header) = &s.header else { continue };
                let Some((kind, name)) = header.split_once(':') else {
                    continue; // [presets] and the like: which presets were selected
                };
                let kind = match kind.trim() {
                    "print" => PresetKind::Process,
                    "filament" => PresetKind::Filament,
                    "printer" => PresetKind::Printer,
                    _ => continue, // sla_print, sla_material, physical_printer
                };
                let mapped = map(Dialect::PrusaSlicer, &s.pairs, &base);
                let mut notes = Vec::new();
                if let Some((_, parent)) = s
                    .pairs
                    .iter()
                    .find(|(k, v)| k == "inherits" && !v.is_empty())
                {
                    notes.push(format!(
                        "it is based on \"{parent}\", which Lamina does not have: settings it \
                         does not list keep Lamina's defaults"
                    ));
                }
                push(kind, name.trim(), mapped, notes);
            }
        } else {
            // A single exported config holds printer, filament and print settings together.
            let pairs = sections
                .into_iter()
                .flat_map(|s| s.pairs)
                .collect::<Vec<_>>();
            let mapped = map(Dialect::PrusaSlicer, &pairs, &base);
            for kind in [
                PresetKind::Printer,
                PresetKind::Filament,
                PresetKind::Process,
            ] {
                let part = Mapped {
                    values: mapped
                        .values
                        .iter()
                        .filter(|(k, _)| find_def(k).is_some_and(|d| d.scope == kind.scope()))
                        .cloned()
                        .collect(),
                    ignored: Vec::new(),
                };
                push(kind, &stem, part, Vec::new());
            }
            if let Some(first) = out.first_mut() {
                first.ignored.extend(mapped.ignored);
            }
        }
    }
    if out.is_empty() {
        return Err(PresetImportError::Empty {
            file: file.to_string(),
        });
    }
    for p in &mut out {
        p.ignored.sort();
        p.ignored.dedup();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn prusa_keys_map_with_percentages_and_lists() {
        let m = map(
            Dialect::PrusaSlicer,
            &pairs(&[
                ("fill_density", "35%"),
                ("perimeters", "3"),
                ("bed_shape", "0x0,250x0,250x210,0x210"),
                ("nozzle_diameter", "0.6,0.4"),
                ("external_perimeter_extrusion_width", "112.5%"),
                ("perimeter_speed", "60"),
                ("external_perimeter_speed", "50%"),
                ("infill_speed", "100"),
                ("solid_infill_speed", "80%"),
                ("top_solid_infill_speed", "50%"),
                ("fill_pattern", "gyroid"),
                ("top_fill_pattern", "hilbertcurve"),
                ("start_gcode", "M104 S[first_layer_temperature]"),
                ("wipe_tower", "1"),
                ("gcode_flavor", "marlin"),
            ]),
            &Settings::default(),
        );
        assert_eq!(m.get("fill_density"), Some("35"));
        assert_eq!(m.get("perimeters"), Some("3"));
        assert_eq!(m.get("bed_size_x"), Some("250"));
        assert_eq!(m.get("bed_size_y"), Some("210"));
        assert_eq!(m.get("origin_at_center"), Some("false"));
        assert_eq!(m.get("nozzle_diameter"), Some("0.6"));
        // 112.5% of the config's own nozzle, not the default one.
        assert_eq!(m.get("external_perimeter_extrusion_width"), Some("0.675"));
        assert_eq!(m.get("external_perimeter_speed"), Some("30"));
        assert_eq!(m.get("solid_infill_speed"), Some("80"));
        assert_eq!(m.get("top_solid_infill_speed"), Some("40"));
        assert_eq!(m.get("fill_pattern"), Some("gyroid"));
        assert_eq!(m.get("gcode_flavor"), Some("marlin2"));
        let ignored: Vec<&str> = m.ignored.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(ignored, ["start_gcode", "top_fill_pattern", "wipe_tower"]);
        assert!(
            m.ignored_summary(2)
                .unwrap()
                .starts_with("3 settings not used: ")
        );
    }

    #[test]
    fn out_of_range_values_are_listed_not_taken() {
        let m = map(
            Dialect::PrusaSlicer,
            &pairs(&[("layer_height", "7"), ("perimeters", "2")]),
            &Settings::default(),
        );
        assert_eq!(m.get("layer_height"), None);
        assert_eq!(m.get("perimeters"), Some("2"));
        assert!(m.ignored[0].1.contains("out of range"), "{:?}", m.ignored);
    }

    #[test]
    fn orca_json_maps() {
        let json: serde_json::Value = serde_json::from_str(
            r#"{"type": "process", "name": "0.16 fine copy", "inherits": "0.16mm Optimal @Creality",
                "wall_loops": "4", "sparse_infill_density": "25%", "sparse_infill_pattern": "zig-zag",
                "seam_position": "back", "outer_wall_line_width": "105%", "brim_type": "no_brim",
                "enable_support": "1", "wall_sequence": "outer wall/inner wall",
                "printable_area": ["-110x-110", "110x-110", "110x110", "-110x110"],
                "nozzle_temperature": ["215", "215"], "tree_support_branch_angle": "40"}"#,
        )
        .unwrap();
        let m = map(
            Dialect::Orca,
            &json_pairs(&json).unwrap(),
            &Settings::default(),
        );
        assert_eq!(m.get("perimeters"), Some("4"));
        assert_eq!(m.get("fill_density"), Some("25"));
        assert_eq!(m.get("fill_pattern"), Some("rectilinear"));
        assert_eq!(m.get("seam_position"), Some("rear"));
        assert_eq!(m.get("external_perimeter_extrusion_width"), Some("0.42"));
        assert_eq!(m.get("brim_width"), Some("0"));
        assert_eq!(m.get("support_material"), Some("true"));
        assert_eq!(m.get("external_perimeters_first"), Some("true"));
        assert_eq!(m.get("bed_size_x"), Some("220"));
        assert_eq!(m.get("origin_at_center"), Some("true"));
        assert_eq!(m.get("temperature"), Some("215"));
        assert!(
            m.ignored
                .iter()
                .any(|(k, _)| k == "tree_support_branch_angle")
        );
    }

    #[test]
    fn ini_sections_and_comments() {
        let s = parse_ini(
            "# generated by PrusaSlicer\n[print:Fine]\nlayer_height = 0.1\n\n[filament:PLA]\ntemperature = 210\nstart_filament_gcode = \"; a\\nG1\"\n",
            false,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].header.as_deref(), Some("print:Fine"));
        assert_eq!(s[1].pairs[1].1, "\"; a\nG1\"");
        let c = parse_ini(
            "; generated by PrusaSlicer\n; fill_density = 15%\nG1 X1\n",
            true,
        );
        assert_eq!(c[0].pairs, pairs(&[("fill_density", "15%")]));
    }

    fn ids() -> impl FnMut(PresetKind, &str) -> String {
        let mut n = 0;
        move |kind, _| {
            n += 1;
            format!("user-{}-{n}", kind.name())
        }
    }

    #[test]
    fn prusa_bundle_gives_one_preset_per_section() {
        let bundle = "[print:My fine]\nlayer_height = 0.12\nperimeters = 3\nfill_density = 15%\ntemperature = 250\n\n\
                      [filament:My PETG]\ninherits = Prusament PETG\ntemperature = 240\nbed_temperature = 85\nfilament_type = PETG\n\n\
                      [printer:My MK3]\nbed_shape = 0x0,250x0,250x210,0x210\nmax_print_height = 210\nnozzle_diameter = 0.4\nprinter_model = MK3S\n\n\
                      [presets]\nprint = My fine\n";
        let got = import_presets("bundle.ini", bundle.as_bytes(), &mut ids()).unwrap();
        assert_eq!(got.len(), 3);
        let process = &got[0];
        assert_eq!(process.preset.kind, PresetKind::Process);
        assert_eq!(process.preset.name, "My fine");
        assert!(
            process
                .preset
                .values
                .contains(&("layer_height".into(), "0.12".into()))
        );
        // A filament key in a print section is not taken into the process preset.
        assert!(process.ignored.iter().any(|(k, _)| k == "temperature"));
        assert_eq!(got[1].preset.kind, PresetKind::Filament);
        assert!(got[1].notes[0].contains("Prusament PETG"));
        assert_eq!(got[2].preset.kind, PresetKind::Printer);
        assert!(
            got[2]
                .preset
                .values
                .contains(&("bed_size_x".into(), "250".into()))
        );
        assert!(got[2].ignored.iter().any(|(k, _)| k == "printer_model"));
    }

    #[test]
    fn lamina_preset_files_round_trip() {
        let preset = Preset {
            id: "user-1".into(),
            name: "Mine".into(),
            kind: PresetKind::Filament,
            inherits: None,
            values: vec![("temperature".into(), "230".into())],
        };
        let file = preset.to_file();
        let got = import_presets("mine.toml", file.as_bytes(), &mut ids()).unwrap();
        assert_eq!(got[0].preset.kind, PresetKind::Filament);
        assert_eq!(got[0].preset.name, "Mine");
        assert_eq!(got[0].preset.values, preset.values);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let e = import_presets("x.json", b"{not json", &mut ids()).unwrap_err();
        assert!(e.to_string().starts_with("x.json: bad JSON"), "{e}");
        let e = import_presets("x.json", br#"{"type": "sla"}"#, &mut ids()).unwrap_err();
        assert_eq!(e.to_string(), "x.json: unknown preset type 'sla'");
        let e = import_presets("x.ini", b"nothing = here\n", &mut ids()).unwrap_err();
        assert_eq!(e.to_string(), "x.ini: no settings Lamina can use");
        let e = import_presets("x.ini", &[0xff, 0xfe, 0], &mut ids()).unwrap_err();
        assert_eq!(e.to_string(), "x.ini: not a text file");
    }
}
