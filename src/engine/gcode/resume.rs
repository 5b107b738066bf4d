//! Resuming a failed print from a layer: the G-code of a finished slice, cut so that it
//! heats, homes X and Y only (the part is still on the bed, so Z cannot be homed), lifts
//! clear, and goes on from the chosen layer with the temperatures, fan and extrusion mode
//! that layer had. The way makers recover a print that stopped (a clog, a tangle, a
//! host that lost the connection) when the printer kept its Z position.

use std::fmt::Write;

/// How far the nozzle lifts (relative) before X and Y are homed, so that it does not drag
/// across the part (mm).
const LIFT_MM: f64 = 5.0;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResumeError {
    #[error(
        "the G-code has no layers marked with ;LAYER_CHANGE (was it written by Lamina or PrusaSlicer?)"
    )]
    NoLayers,
    #[error("layer {layer} is not in the print: it has layers 1 to {count}")]
    NoSuchLayer { layer: usize, count: usize },
    #[error("no layer starts at or above Z = {z} mm: the print ends at {top} mm")]
    NoLayerAtZ { z: f64, top: f64 },
}

/// Which layer to go on from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum From {
    /// 1-based, as the preview counts.
    Layer(usize),
    /// The first layer whose top is at or above this height (mm).
    Z(f64),
}

/// The machine's state where a layer starts, read from the lines before it.
#[derive(Debug, Clone, Default, PartialEq)]
struct State {
    nozzle: Option<f64>,
    bed: Option<f64>,
    /// Fan duty 0–255 (0: off).
    fan: Option<f64>,
    relative_e: bool,
    /// The extruder's position, for absolute extrusion.
    e: f64,
}

fn word(line: &str, c: char) -> Option<f64> {
    line.split(';')
        .next()?
        .split_whitespace()
        .skip(1)
        .find(|w| w.starts_with(c))
        .and_then(|w| w[1..].parse().ok())
}

impl State {
    fn read(&mut self, line: &str) {
        let code = line.split(';').next().unwrap_or("").trim();
        let cmd = code.split_whitespace().next().unwrap_or("");
        match cmd {
            "M104" | "M109" => self.nozzle = word(code, 'S').or(self.nozzle),
            "M140" | "M190" => self.bed = word(code, 'S').or(self.bed),
            "M106" => self.fan = Some(word(code, 'S').unwrap_or(255.0)),
            "M107" => self.fan = Some(0.0),
            "M82" => self.relative_e = false,
            "M83" => self.relative_e = true,
            "G92" => {
                if let Some(e) = word(code, 'E') {
                    self.e = e;
                }
            }
            "G0" | "G1" | "G2" | "G3" => {
                if let Some(e) = word(code, 'E')
                    && !self.relative_e
                {
                    self.e = e;
                }
            }
            _ => {}
        }
    }
}

/// Commands of the file's opening kept in a resumed file: those that set the machine up
/// without moving or heating it.
fn keeps(line: &str) -> bool {
    let t = line.trim_start();
    [
        "M201", "M203", "M204", "M205", "M566", "M572", "M900", "G21",
    ]
    .iter()
    .any(|c| t.split_whitespace().next() == Some(c))
        || t.starts_with("EXCLUDE_OBJECT_DEFINE")
        || t.starts_with("SET_PRINT_STATS_INFO TOTAL_LAYER")
        || t.starts_with("SET_PRESSURE_ADVANCE")
}

/// Each layer's first line (an index into `lines`) and its Z (NaN where the file does not say),
/// from the `;LAYER_CHANGE` and `;Z:` comments Lamina and PrusaSlicer write.
pub fn layer_starts(lines: &[&str]) -> Vec<(usize, f64)> {
    let mut layers = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim_end() == ";LAYER_CHANGE" {
            let z = lines[i + 1..]
                .iter()
                .take(4)
                .find_map(|n| n.strip_prefix(";Z:").and_then(|z| z.trim().parse().ok()))
                .unwrap_or(f64::NAN);
            layers.push((i, z));
        }
    }
    layers
}

/// The G-code that resumes `gcode` from a layer. Only the file's opening is replaced: the
/// chosen layer and everything after it (the end G-code included) are kept as they are.
pub fn resume(gcode: &str, from: From) -> Result<String, ResumeError> {
    let lines: Vec<&str> = gcode.lines().collect();
    let layers = layer_starts(&lines);
    if layers.is_empty() {
        return Err(ResumeError::NoLayers);
    }
    let k =
        match from {
            From::Layer(n) => {
                if n == 0 || n > layers.len() {
                    return Err(ResumeError::NoSuchLayer {
                        layer: n,
                        count: layers.len(),
                    });
                }
                n - 1
            }
            From::Z(z) => layers.iter().position(|l| l.1 >= z - 1e-6).ok_or_else(|| {
                ResumeError::NoLayerAtZ {
                    z,
                    top: layers.last().map_or(0.0, |l| l.1),
                }
            })?,
        };
    let (start, z) = layers[k];
    let mut state = State::default();
    let mut out = String::with_capacity(gcode.len());
    for l in &lines[..start] {
        state.read(l);
    }
    // The header (comments up to the first command), then the machine's set-up commands.
    let opening = &lines[..layers[0].0];
    let header = opening
        .iter()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with(';'))
        .unwrap_or(opening.len());
    for (i, l) in opening.iter().enumerate() {
        if i < header || (keeps(l) && !l.trim_start().starts_with(';')) {
            out.push_str(l);
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "; resumed from layer {} of {} (Z = {z} mm): heat, home X and Y only, and go on",
        k + 1,
        layers.len()
    );
    out.push_str(
        "; Z is not homed: the printer must still know its Z (the print stopped without losing\n\
         ; power or the motors' hold); if it does not, set it first: G92 Z... on Marlin,\n\
         ; SET_KINEMATIC_POSITION Z=... on Klipper (with [force_move] enabled).\n",
    );
    let temp = |code: &str, v: Option<f64>, out: &mut String| {
        if let Some(v) = v {
            let _ = writeln!(out, "{code} S{v}");
        }
    };
    temp("M140", state.bed, &mut out);
    temp("M104", state.nozzle, &mut out);
    temp("M190", state.bed, &mut out);
    temp("M109", state.nozzle, &mut out);
    let _ = writeln!(
        out,
        "G91 ; relative moves\nG1 Z{LIFT_MM} F600 ; clear the part\nG90 ; absolute moves\nG28 X Y ; home X and Y only"
    );
    out.push_str(if state.relative_e {
        "M83 ; relative extrusion\n"
    } else {
        "M82 ; absolute extrusion\n"
    });
    if !state.relative_e {
        let _ = writeln!(out, "G92 E{}", (state.e * 1e5).round() / 1e5);
    }
    match state.fan {
        Some(f) if f > 0.0 => {
            let _ = writeln!(out, "M106 S{f}");
        }
        _ => out.push_str("M107\n"),
    }
    for l in &lines[start..] {
        out.push_str(l);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINT: &str = "; generated by Lamina\n;FLAVOR:Marlin\nM201 X2500\nM107\nG90\nM82\n\
        M140 S60\nM104 S210\nG28\nM190 S60\nM109 S210\nM900 K0.04 ; pressure advance\nG92 E0\nG1 X1 Y1 E5 F1500\nG92 E0\n\
        ;LAYER_CHANGE\n;Z:0.2\n;LAYER:0\nG1 Z0.2\nG1 X10 Y10 E1.5\n\
        ;LAYER_CHANGE\n;Z:0.4\n;LAYER:1\nM104 S205\nM106 S255\nG1 Z0.4\nG1 X20 Y10 E2.75\n\
        ;LAYER_CHANGE\n;Z:0.6\n;LAYER:2\nG1 Z0.6\nG1 X20 Y20 E3.5\nM104 S0\n";

    #[test]
    fn resumes_with_the_layers_temperatures_fan_and_extruder_position() {
        let out = resume(PRINT, From::Layer(3)).unwrap();
        assert!(out.starts_with("; generated by Lamina\n;FLAVOR:Marlin\nM201 X2500\n"));
        // Heated to what layer 3 had, X and Y homed and never Z, no prime line.
        for line in [
            "M140 S60",
            "M104 S205",
            "M190 S60",
            "M109 S205",
            "G28 X Y",
            "M82",
            "G92 E2.75",
            "M106 S255",
            "M900 K0.04",
        ] {
            assert!(out.lines().any(|l| l.starts_with(line)), "{line}\n{out}");
        }
        assert!(
            !out.lines()
                .any(|l| l.trim() == "G28" || l.starts_with("M109 S210"))
        );
        assert!(!out.contains("X1 Y1") && !out.contains(";LAYER:1\n"));
        assert!(
            out.ends_with(";LAYER_CHANGE\n;Z:0.6\n;LAYER:2\nG1 Z0.6\nG1 X20 Y20 E3.5\nM104 S0\n")
        );
        // Homing comes after the lift, and the layer after homing.
        let at = |s: &str| out.find(s).unwrap();
        assert!(at("G1 Z5") < at("G28 X Y") && at("G28 X Y") < at(";LAYER:2"));
        assert_eq!(
            resume(PRINT, From::Z(0.35))
                .unwrap()
                .matches(";LAYER_CHANGE")
                .count(),
            2
        );
    }

    #[test]
    fn layers_outside_the_print_are_refused_by_name() {
        assert_eq!(
            resume(PRINT, From::Layer(4)),
            Err(ResumeError::NoSuchLayer { layer: 4, count: 3 })
        );
        assert!(matches!(
            resume(PRINT, From::Layer(0)),
            Err(ResumeError::NoSuchLayer { .. })
        ));
        assert!(matches!(
            resume(PRINT, From::Z(0.7)),
            Err(ResumeError::NoLayerAtZ { .. })
        ));
        assert_eq!(
            resume("G1 X1\n", From::Layer(1)),
            Err(ResumeError::NoLayers)
        );
    }
}
