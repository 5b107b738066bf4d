//! Settings written by other slicers, mapped onto Lamina's keys: PrusaSlicer's INI configs,
//! config bundles and project configs, and OrcaSlicer's JSON presets and project settings
//! (Bambu Studio and Creality Print write the same format). Keys that have no Lamina
//! equivalent, and values Lamina cannot represent, are listed rather than guessed.

mod files;
mod tables;

use super::{Settings, ValueKind, find_def, format_float};
pub use files::{
    ImportedPreset, IniSection, PresetImportError, import_presets, json_pairs, parse_ini,
};
use std::collections::BTreeMap;
use tables::{ARACHNE, ORCA, PRUSA, PRUSA_SKIP};

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
pub(crate) enum Conv {
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
    /// A percentage of the nozzle diameter (Arachne's lengths); an absolute length is not
    /// taken, as Lamina keeps these relative to the nozzle.
    NozzlePercent,
}

/// What a percentage of a length or speed is taken of (PrusaSlicer's rules, which OrcaSlicer
/// follows for line widths).
fn percent_base(key: &str) -> Option<&'static str> {
    Some(match key {
        k if k.ends_with("extrusion_width") => "nozzle_diameter",
        "infill_anchor" | "infill_anchor_max" => "infill_extrusion_width",
        "first_layer_height" => "layer_height",
        "external_perimeter_speed" => "perimeter_speed",
        "solid_infill_speed" => "infill_speed",
        "top_solid_infill_speed" => "solid_infill_speed",
        "support_material_interface_speed" => "support_material_speed",
        _ => return None,
    })
}

/// `thumbnails_format` (PrusaSlicer before 2.6, and OrcaSlicer) names the format of every
/// size in `thumbnails` that has none: folded into `thumbnails` as PrusaSlicer 2.6 writes it.
fn with_thumbnail_format(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let format = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "thumbnails_format")
        .map(|(_, v)| v.trim().to_string());
    pairs
        .iter()
        .filter(|(k, _)| k != "thumbnails_format")
        .map(|(k, v)| match (&format, k.as_str()) {
            (Some(f), "thumbnails") => {
                let sizes: Vec<String> = v
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| match t.contains('/') {
                        true => t.to_string(),
                        false => format!("{t}/{f}"),
                    })
                    .collect();
                (k.clone(), sizes.join(", "))
            }
            _ => (k.clone(), v.clone()),
        })
        .collect()
}

/// OrcaSlicer's `xy_contour_compensation` moves only the outside of a part, PrusaSlicer's
/// `xy_size_compensation` (Lamina's) every outline: the holes take the difference, so that
/// they stay where Orca puts them (`xy_hole_compensation` plus the contour's).
fn with_contour_compensation(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let value = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| first_entry(v).parse::<f64>().ok())
    };
    let (contour, hole) = (
        value("xy_contour_compensation"),
        value("xy_hole_compensation"),
    );
    if contour.is_none() && hole.is_none() {
        return pairs.to_vec();
    }
    let (c, h) = (contour.unwrap_or(0.0), hole.unwrap_or(0.0));
    let mut out: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "xy_contour_compensation" && k != "xy_hole_compensation")
        .cloned()
        .collect();
    out.push(("xy_size_compensation".into(), format_float(c)));
    out.push(("xy_hole_compensation".into(), format_float(h + c)));
    out
}

/// Maps `(key, value)` pairs written by `dialect` onto Lamina's keys. Percentages of other
/// settings are resolved against the config's own values, else against `base`.
pub fn map(dialect: Dialect, pairs: &[(String, String)], base: &Settings) -> Mapped {
    let table = match dialect {
        Dialect::PrusaSlicer => PRUSA,
        Dialect::Orca => ORCA,
    };
    let pairs = &with_thumbnail_format(pairs);
    let pairs = &match dialect {
        Dialect::Orca => with_contour_compensation(pairs),
        Dialect::PrusaSlicer => pairs.to_vec(),
    };
    let mut ignored: BTreeMap<String, String> = BTreeMap::new();
    // Lamina key → (foreign key, value text), later pairs winning.
    let mut wanted: BTreeMap<&'static str, (String, Result<String, String>)> = BTreeMap::new();
    for (key, raw) in pairs {
        let rules: Vec<(&'static str, Conv)> = table
            .iter()
            .chain(ARACHNE)
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
            let mut base_value = scratch
                .get(base_key)
                .and_then(|t| t.parse::<f64>().ok())
                .unwrap_or(0.0);
            if base_value == 0.0 && base_key.ends_with("extrusion_width") {
                base_value = scratch.automatic_width();
            }
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
        Conv::Same if matches!(kind, Some(ValueKind::Text | ValueKind::Line)) => {
            Ok(raw.to_string())
        }
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
        Conv::NozzlePercent => {
            let t = first_entry(raw);
            match t.strip_suffix('%') {
                Some(p) if p.trim().parse::<f64>().is_ok() => Ok(p.trim().to_string()),
                _ => Err(format!(
                    "'{t}' is a length; Lamina takes {ours} as a percentage of the nozzle diameter"
                )),
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

#[cfg(test)]
mod tests;
