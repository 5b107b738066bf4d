//! Reading G-code back: moves, the machine limits it sets (M201/M203/M204/M205,
//! SET_VELOCITY_LIMIT), layers and feature types. Used to estimate any G-code file with the
//! same planner model as our own output, and by tests.

use super::estimate::{self, Block, Limits};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedGcode {
    pub blocks: Vec<Block>,
    /// Limits in force at the end (the file's own M201/M203/M205 applied to the base).
    pub limits: Option<Limits>,
    /// Filament pushed by extruding moves (mm).
    pub filament_mm: f64,
    /// Distinct Z heights at which something was extruded.
    pub layers: usize,
    /// The time another slicer wrote into the file, if any (s).
    pub stated_time_s: Option<f64>,
    /// Dwell time (G4), added to the estimate.
    pub dwell_s: f64,
}

/// Parses "1h 2m 3s" / "1d 2h 3m 4s" / "45s".
pub fn parse_duration(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut any = false;
    for part in text.split_whitespace() {
        let (num, unit) = part.split_at(part.find(|c: char| c.is_alphabetic())?);
        let v: f64 = num.parse().ok()?;
        total += v * match unit {
            "d" => 86_400.0,
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            _ => return None,
        };
        any = true;
    }
    any.then_some(total)
}

fn word(code: &str, letter: char) -> Option<f64> {
    let mut it = code.split_whitespace();
    it.next();
    for w in it {
        let mut chars = w.chars();
        if chars.next().map(|c| c.to_ascii_uppercase()) == Some(letter) {
            return chars.as_str().parse().ok();
        }
    }
    None
}

fn klipper_param(code: &str, name: &str) -> Option<f64> {
    code.split_whitespace()
        .find_map(|w| w.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        .and_then(|v| v.parse().ok())
}

/// Machine limits a slicer states in its settings comments (`; machine_max_acceleration_x =
/// 9000,1000`, PrusaSlicer's and Lamina's names; the first value is the normal mode).
fn stated_limits(text: &str, mut limits: Limits) -> Limits {
    for line in text.lines().filter(|l| l.starts_with("; machine_max_")) {
        let Some((key, value)) = line[2..].split_once(" = ") else {
            continue;
        };
        let Some(v) = value
            .split(',')
            .next()
            .and_then(|v| v.trim().parse::<f64>().ok())
        else {
            continue;
        };
        let axis = |suffix: &str| ["x", "y", "z", "e"].iter().position(|a| *a == suffix);
        if let Some(rest) = key.strip_prefix("machine_max_acceleration_") {
            match rest {
                "extruding" => limits.accel_extruding = v,
                "retracting" => limits.accel_retracting = v,
                "travel" => limits.accel_travel = v,
                a => {
                    if let Some(k) = axis(a) {
                        limits.max_accel[k] = v;
                    }
                }
            }
        } else if let Some(k) = key.strip_prefix("machine_max_feedrate_").and_then(axis) {
            limits.max_feedrate[k] = v;
        } else if let Some(k) = key.strip_prefix("machine_max_jerk_").and_then(axis) {
            limits.jerk[k] = v;
        }
    }
    limits
}

pub fn parse(text: &str, base: Limits) -> ParsedGcode {
    let mut out = ParsedGcode::default();
    let base = stated_limits(text, base);
    let mut limits = base;
    let (mut print_accel, mut travel_accel, mut retract_accel) = (
        base.accel_extruding,
        base.accel_travel,
        base.accel_retracting,
    );
    let mut pos = [0.0f64; 4];
    let mut abs_xyz = true;
    let mut abs_e = true;
    let mut f = 1800.0 / 60.0;
    let mut zs: Vec<i64> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(comment) = line.strip_prefix(';') {
            if let Some(v) = comment
                .trim()
                .strip_prefix("estimated printing time (normal mode) =")
            {
                out.stated_time_s = parse_duration(v.trim());
            }
            continue;
        }
        let code = line.split(';').next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        let cmd = code
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match cmd.as_str() {
            "G0" | "G1" | "G2" | "G3" => {
                let mut target = pos;
                for (k, letter) in ['X', 'Y', 'Z', 'E'].into_iter().enumerate() {
                    if let Some(v) = word(code, letter) {
                        let absolute = if k == 3 { abs_e } else { abs_xyz };
                        target[k] = if absolute { v } else { pos[k] + v };
                    }
                }
                if let Some(v) = word(code, 'F')
                    && v > 0.0
                {
                    f = v / 60.0;
                }
                let delta = [
                    target[0] - pos[0],
                    target[1] - pos[1],
                    target[2] - pos[2],
                    target[3] - pos[3],
                ];
                let xy = delta[0].hypot(delta[1]);
                let accel = if xy > 0.0 && delta[3] > 0.0 {
                    out.filament_mm += delta[3];
                    zs.push((target[2] * 1000.0).round() as i64);
                    print_accel
                } else if xy == 0.0 && delta[2] == 0.0 && delta[3] != 0.0 {
                    retract_accel
                } else {
                    travel_accel
                };
                let center = (word(code, 'I'), word(code, 'J'));
                if matches!(cmd.as_str(), "G2" | "G3") && (center.0.is_some() || center.1.is_some())
                {
                    // The chords the firmware cuts the arc into (a helix shares out Z too).
                    let c = (
                        pos[0] + center.0.unwrap_or(0.0),
                        pos[1] + center.1.unwrap_or(0.0),
                    );
                    let steps = estimate::arc_deltas(
                        (pos[0], pos[1]),
                        (target[0], target[1]),
                        c,
                        cmd == "G3",
                        delta[3],
                    );
                    let dz = delta[2] / steps.len() as f64;
                    for ((dx, dy), de) in steps {
                        out.blocks.push(Block {
                            delta: [dx, dy, dz, de],
                            feedrate: f,
                            accel,
                        });
                    }
                } else {
                    out.blocks.push(Block {
                        delta,
                        feedrate: f,
                        accel,
                    });
                }
                pos = target;
            }
            "G4" => {
                out.dwell_s +=
                    word(code, 'S').unwrap_or(0.0) + word(code, 'P').unwrap_or(0.0) / 1000.0;
            }
            "G90" => {
                abs_xyz = true;
                abs_e = true;
            }
            "G91" => {
                abs_xyz = false;
                abs_e = false;
            }
            "M82" => abs_e = true,
            "M83" => abs_e = false,
            "G92" => {
                for (k, letter) in ['X', 'Y', 'Z', 'E'].into_iter().enumerate() {
                    if let Some(v) = word(code, letter) {
                        pos[k] = v;
                    }
                }
            }
            "M201" | "M203" | "M205" => {
                let target = match cmd.as_str() {
                    "M201" => &mut limits.max_accel,
                    "M203" => &mut limits.max_feedrate,
                    _ => &mut limits.jerk,
                };
                for (k, letter) in ['X', 'Y', 'Z', 'E'].into_iter().enumerate() {
                    if let Some(v) = word(code, letter) {
                        target[k] = v;
                    }
                }
            }
            "M204" => {
                if let Some(v) = word(code, 'S') {
                    print_accel = v;
                    travel_accel = v;
                }
                if let Some(v) = word(code, 'P') {
                    print_accel = v;
                }
                if let Some(v) = word(code, 'T') {
                    travel_accel = v;
                }
                if let Some(v) = word(code, 'R') {
                    retract_accel = v;
                }
            }
            "SET_VELOCITY_LIMIT" => {
                if let Some(v) = klipper_param(code, "ACCEL") {
                    print_accel = v;
                    travel_accel = v;
                }
                if let Some(v) = klipper_param(code, "SQUARE_CORNER_VELOCITY") {
                    limits.junction = estimate::Junction::SquareCorner(v);
                }
            }
            _ => {}
        }
    }
    zs.sort_unstable();
    zs.dedup();
    out.layers = zs.len();
    out.limits = Some(limits);
    out
}

/// Estimated time of a G-code file (s).
pub fn estimate_text(text: &str, base: Limits) -> (f64, ParsedGcode) {
    let parsed = parse(text, base);
    let limits = parsed.limits.unwrap_or(base);
    let t: f64 = estimate::estimate(&parsed.blocks, &limits).iter().sum();
    (t + parsed.dwell_s, parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::settings::Settings;

    #[test]
    fn parses_moves_modes_and_limits() {
        let g = "M201 X1000 Y1000\nM204 P800 T1500\nG90\nM83\nG1 Z0.2 F600\nG1 X10 Y0 E1 F1200\nG1 X10 Y10 E1\nG91\nG1 X-10\n; estimated printing time (normal mode) = 1m 5s\n";
        let base = Limits::from_settings(&Settings::default());
        let p = parse(g, base);
        assert_eq!(p.blocks.len(), 4);
        assert_eq!(p.filament_mm, 2.0);
        assert_eq!(p.layers, 1);
        assert_eq!(p.stated_time_s, Some(65.0));
        assert_eq!(p.blocks[1].accel, 800.0);
        assert_eq!(p.blocks[3].accel, 1500.0);
        assert_eq!(p.blocks[3].delta[0], -10.0);
        assert_eq!(p.limits.unwrap().max_accel[0], 1000.0);
    }

    #[test]
    fn arcs_are_planned_as_the_firmware_cuts_them() {
        // A clockwise half circle of radius 10 from (10, 0) round (0, 0), through (0, -10).
        let g = "G90\nM83\nG1 X10 Y0 F6000\nG2 X-10 Y0 I-10 J0 E3\n";
        let p = parse(g, Limits::from_settings(&Settings::default()));
        let arc = &p.blocks[1..];
        assert_eq!(arc.len(), 32); // 31.4 mm in chords of at most 1 mm
        let len: f64 = arc.iter().map(|b| b.delta[0].hypot(b.delta[1])).sum();
        assert!((len - 10.0 * std::f64::consts::PI).abs() < 0.02, "{len}");
        assert!((arc.iter().map(|b| b.delta[3]).sum::<f64>() - 3.0).abs() < 1e-9);
        assert!(
            arc[0].delta[1] < 0.0,
            "clockwise from (10, 0) goes down first"
        );
        assert_eq!(p.filament_mm, 3.0);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d 2h 3m 4s"), Some(93_784.0));
        assert_eq!(parse_duration("45s"), Some(45.0));
        assert_eq!(parse_duration("soon"), None);
    }
}
