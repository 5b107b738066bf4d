//! Finishing features, measured on whole prints: arc fitting (fewer lines and bytes, arcs
//! within their tolerance of the lines they replace, the same plastic and time).

mod common;

use common::*;
use lamina::engine::gcode::estimate::Limits;
use lamina::engine::gcode::parse;
use lamina::engine::settings::{Selection, Settings, resolve};
use std::collections::HashMap;

fn with(overrides: &[(&str, &str)]) -> Settings {
    let sel = Selection {
        overrides: overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    resolve(&sel).unwrap_or_else(|e| panic!("{overrides:?}: {e}"))
}

/// Extrusion segments of each layer (by Z in µm), arcs cut into chords of at most 0.05 mm,
/// read from the text alone (the arc's centre from I and J, as firmware reads it).
fn extrusion_segments(text: &str) -> HashMap<i64, Vec<[f64; 4]>> {
    let mut out: HashMap<i64, Vec<[f64; 4]>> = HashMap::new();
    let (mut x, mut y, mut z) = (0.0f64, 0.0f64, 0.0f64);
    for line in text.lines() {
        let code = line.split(';').next().unwrap_or("").trim();
        let mut words = code.split_whitespace();
        let cmd = words.next().unwrap_or("");
        if !matches!(cmd, "G0" | "G1" | "G2" | "G3") {
            continue;
        }
        let arg = |c: char| {
            code.split_whitespace()
                .skip(1)
                .find_map(|w| w.strip_prefix(c))
                .and_then(|v| v.parse::<f64>().ok())
        };
        let (nx, ny) = (arg('X').unwrap_or(x), arg('Y').unwrap_or(y));
        z = arg('Z').unwrap_or(z);
        if arg('E').is_some_and(|e| e > 0.0) && (nx != x || ny != y) {
            let layer = out.entry((z * 1000.0).round() as i64).or_default();
            if cmd == "G1" || cmd == "G0" {
                layer.push([x, y, nx, ny]);
            } else {
                let (cx, cy) = (x + arg('I').unwrap(), y + arg('J').unwrap());
                let r = (x - cx).hypot(y - cy);
                let a0 = (y - cy).atan2(x - cx);
                let a1 = (ny - cy).atan2(nx - cx);
                let tau = std::f64::consts::TAU;
                let sweep = if cmd == "G3" {
                    (a1 - a0).rem_euclid(tau)
                } else {
                    -(a0 - a1).rem_euclid(tau)
                };
                let n = ((r * sweep.abs()) / 0.05).ceil().max(1.0) as usize;
                let (mut px, mut py) = (x, y);
                for k in 1..=n {
                    let a = a0 + sweep * k as f64 / n as f64;
                    let (qx, qy) = (cx + r * a.cos(), cy + r * a.sin());
                    layer.push([px, py, qx, qy]);
                    (px, py) = (qx, qy);
                }
            }
        }
        (x, y) = (nx, ny);
    }
    out
}

fn point_segment(p: (f64, f64), s: &[f64; 4]) -> f64 {
    let (dx, dy) = (s[2] - s[0], s[3] - s[1]);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p.0 - s[0]) * dx + (p.1 - s[1]) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - s[0] - t * dx).hypot(p.1 - s[1] - t * dy)
}

/// The farthest any point of the arcs' chords lies from the lines of the same layer in the
/// file without arcs (both files round coordinates to 1 µm).
fn largest_deviation(arcs: &str, lines: &str) -> f64 {
    let fitted = extrusion_segments(arcs);
    let plain = extrusion_segments(lines);
    let cell = 1.0;
    let key = |x: f64, y: f64| ((x / cell).floor() as i64, (y / cell).floor() as i64);
    let mut worst: f64 = 0.0;
    for (z, segs) in &fitted {
        let reference = &plain[z];
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, s) in reference.iter().enumerate() {
            let (a, b) = (key(s[0], s[1]), key(s[2], s[3]));
            for gx in a.0.min(b.0) - 1..=a.0.max(b.0) + 1 {
                for gy in a.1.min(b.1) - 1..=a.1.max(b.1) + 1 {
                    grid.entry((gx, gy)).or_default().push(i);
                }
            }
        }
        for s in segs {
            let p = (s[2], s[3]);
            let d = grid
                .get(&key(p.0, p.1))
                .map(|list| {
                    list.iter()
                        .map(|&i| point_segment(p, &reference[i]))
                        .fold(f64::MAX, f64::min)
                })
                .unwrap_or(f64::MAX);
            worst = worst.max(d);
        }
    }
    worst
}

fn count(text: &str, prefix: &str) -> usize {
    text.lines().filter(|l| l.starts_with(prefix)).count()
}

/// Arcs on curved models: far fewer lines and bytes, every arc within its tolerance of the
/// lines it replaces, the same plastic (by the independent checker) and the same time.
#[test]
fn arc_fitting_shrinks_curved_prints_and_keeps_their_shape() {
    let cases = [
        (shape_file("finishing-arcs", "cylinder"), 0.70, 0.70),
        (shape_file("finishing-arcs", "sphere"), 0.65, 0.65),
        // Benchy's variable-width walls change width every few segments, and its solid
        // infill is straight lines: fewer of its lines can become arcs.
        (model("3DBenchy.3mf"), 0.40, 0.35),
    ];
    for (path, fewer_lines, smaller) in cases {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let plain = with(&[]);
        let fitted = with(&[("arc_fitting", "emit_center")]);
        let tolerance = fitted.arc_fitting_tolerance;
        let (g_lines, out_lines) = slice_with(&path, "finishing-arcs-lines", &plain);
        let (g_arcs, out_arcs) = slice_with(&path, "finishing-arcs", &fitted);
        let (lines, arcs) = (&out_lines.gcode, &out_arcs.gcode);
        assert_eq!(count(lines, "G2 ") + count(lines, "G3 "), 0, "{name}");
        let arc_moves = count(arcs, "G2 ") + count(arcs, "G3 ");
        let line_drop = 1.0 - arcs.lines().count() as f64 / lines.lines().count() as f64;
        let byte_drop = 1.0 - arcs.len() as f64 / lines.len() as f64;
        // Within the tolerance, plus the rounding of written coordinates.
        let dev = largest_deviation(arcs, lines);
        println!(
            "{name}: {arc_moves} arcs, {:.1}% fewer lines, {:.1}% fewer bytes, {dev:.4} mm off",
            line_drop * 100.0,
            byte_drop * 100.0
        );
        assert!(line_drop >= fewer_lines, "{name}: {line_drop}");
        assert!(byte_drop >= smaller, "{name}: {byte_drop}");
        assert!(dev <= tolerance + 0.002, "{name}: {dev} mm");
        // The same plastic by the independent checker. Its outside test takes each move's
        // chord midpoint, which for an arc round a hole lies in the hole, so the shape is
        // proven by the deviation above against lines that pass that test.
        let r_lines = check(&g_lines, Some(&path));
        let r_arcs = check(&g_arcs, Some(&path));
        assert!(r_lines["flags"].as_array().unwrap().is_empty(), "{r_lines}");
        assert!(
            r_lines["outside_share"].as_f64().unwrap() <= 0.002,
            "{r_lines}"
        );
        let (f_lines, f_arcs) = (
            r_lines["filament_mm"].as_f64().unwrap(),
            r_arcs["filament_mm"].as_f64().unwrap(),
        );
        assert!((f_arcs / f_lines - 1.0).abs() < 0.01, "{name}: {f_arcs}");
        assert_eq!(r_arcs["layers"], r_lines["layers"], "{name}");
        // The estimate counts arcs as the firmware cuts them, and reads them back the same.
        let (t, _) = parse::estimate_text(arcs, Limits::from_settings(&fitted));
        assert!(
            (t / out_arcs.stats.time_s - 1.0).abs() < 0.02,
            "{name}: {t}"
        );
        assert!(
            (out_arcs.stats.time_s / out_lines.stats.time_s - 1.0).abs() < 0.02,
            "{name}"
        );
    }
}

/// Every flavour Lamina writes takes arcs (with Marlin's ARC_SUPPORT and Klipper's
/// [gcode_arcs]); the tolerance decides how many lines an arc may replace.
#[test]
fn arcs_in_every_flavour_and_tolerance_trades_lines_for_accuracy() {
    let path = shape_file("finishing-arcs-flavours", "sphere");
    for flavor in ["marlin2", "klipper", "reprapfirmware"] {
        let s = with(&[("arc_fitting", "emit_center"), ("gcode_flavor", flavor)]);
        let (_, out) = slice_with(&path, &format!("finishing-arcs-{flavor}"), &s);
        assert!(count(&out.gcode, "G2 ") > 100, "{flavor}");
        assert!(count(&out.gcode, "G3 ") > 100, "{flavor}");
    }
    let arcs_at = |tol: &str| {
        let s = with(&[
            ("arc_fitting", "emit_center"),
            ("arc_fitting_tolerance", tol),
        ]);
        let (_, out) = slice_with(&path, &format!("finishing-arcs-tol-{tol}"), &s);
        out.gcode.lines().count()
    };
    assert!(arcs_at("0.005") > arcs_at("0.05"));
}
