//! Finishing features, measured on whole prints: arc fitting (fewer lines and bytes, arcs
//! within their tolerance of the lines they replace, the same plastic and time), and
//! ironing (where, how much, and against PrusaSlicer), spiral vase (one rising wall), fuzzy
//! skin (which walls, how far).

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
/// read from the text alone (the arc's centre from I and J, as firmware reads it); only of
/// the `;TYPE:` `only` when given.
fn extrusion_segments(text: &str, only: Option<&str>) -> HashMap<i64, Vec<[f64; 4]>> {
    let mut out: HashMap<i64, Vec<[f64; 4]>> = HashMap::new();
    let (mut x, mut y, mut z) = (0.0f64, 0.0f64, 0.0f64);
    let mut kind = "";
    for line in text.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            kind = t;
        }
        if only.is_some_and(|k| k != kind) {
            let code = line.split(';').next().unwrap_or("");
            let word = |c: char| {
                code.split_whitespace()
                    .skip(1)
                    .find_map(|w| w.strip_prefix(c))
                    .and_then(|v| v.parse::<f64>().ok())
            };
            (x, y, z) = (
                word('X').unwrap_or(x),
                word('Y').unwrap_or(y),
                word('Z').unwrap_or(z),
            );
            continue;
        }
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
    farthest(
        &extrusion_segments(arcs, None),
        &extrusion_segments(lines, None),
    )
}

/// The farthest the end of any segment of `fitted` lies from the segments of `plain` on
/// the same layer.
fn farthest(fitted: &HashMap<i64, Vec<[f64; 4]>>, plain: &HashMap<i64, Vec<[f64; 4]>>) -> f64 {
    let cell = 1.0;
    let key = |x: f64, y: f64| ((x / cell).floor() as i64, (y / cell).floor() as i64);
    let mut worst: f64 = 0.0;
    for (z, segs) in fitted {
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

/// Per layer (`;LAYER:` index): the length (mm) and filament (mm) of each feature, in the
/// order the features first appear, from G-code with relative E.
fn features_by_layer(text: &str) -> Vec<Vec<(String, f64, f64)>> {
    let mut out: Vec<Vec<(String, f64, f64)>> = Vec::new();
    let (mut x, mut y, mut kind) = (f64::NAN, f64::NAN, String::new());
    let (mut relative, mut last_e) = (false, 0.0);
    for line in text.lines() {
        if line.starts_with(";LAYER_CHANGE") {
            out.push(Vec::new());
            continue;
        }
        if let Some(t) = line.strip_prefix(";TYPE:") {
            kind = t.to_string();
            continue;
        }
        let code = line.split(';').next().unwrap_or("").trim();
        let arg = |c: char| {
            code.split_whitespace()
                .skip(1)
                .find_map(|w| w.strip_prefix(c))
                .and_then(|v| v.parse::<f64>().ok())
        };
        match code.split_whitespace().next() {
            Some("M82") => relative = false,
            Some("M83") => relative = true,
            Some("G92") => last_e = arg('E').unwrap_or(last_e),
            _ => {}
        }
        if !code.starts_with("G1 ") {
            continue;
        }
        let (nx, ny) = (arg('X').unwrap_or(x), arg('Y').unwrap_or(y));
        let e = arg('E').map(|v| {
            if relative {
                v
            } else {
                let d = v - last_e;
                last_e = v;
                d
            }
        });
        if let (Some(e), Some(layer)) = (e, out.last_mut())
            && e > 0.0
            && x.is_finite()
            && (nx != x || ny != y)
        {
            let len = (nx - x).hypot(ny - y);
            match layer.iter_mut().find(|f| f.0 == kind) {
                Some(f) => {
                    f.1 += len;
                    f.2 += e;
                }
                None => layer.push((kind.clone(), len, e)),
            }
        }
        (x, y) = (nx, ny);
    }
    out
}

fn ironing_layers(text: &str) -> Vec<usize> {
    features_by_layer(text)
        .iter()
        .enumerate()
        .filter(|(_, l)| l.iter().any(|f| f.0 == "Ironing"))
        .map(|(i, _)| i)
        .collect()
}

/// Ironing a cube's top: on its last layer only, after the top infill, at the ironing
/// speed, with the length and plastic PrusaSlicer irons it with.
#[test]
fn ironing_smooths_the_top_as_prusaslicer_does() {
    let cube = model("20mm_cube.obj");
    let s = with(&[("ironing", "1")]);
    let (gcode, out) = slice_with(&cube, "finishing-ironing", &s);
    let text = &out.gcode;
    let layers = features_by_layer(text);
    assert_eq!(ironing_layers(text), vec![layers.len() - 1]);
    let top = &layers[layers.len() - 1];
    assert_eq!(top.last().unwrap().0, "Ironing", "{top:?}");
    let ironing = top.iter().find(|f| f.0 == "Ironing").unwrap();
    let speed = text
        .lines()
        .skip_while(|l| *l != ";TYPE:Ironing")
        .find_map(|l| l.split_whitespace().find_map(|w| w.strip_prefix('F')))
        .unwrap();
    assert_eq!(speed, "900"); // 15 mm/s
    let reference = prusaslicer_with(&cube, &["--ironing", "--ironing-type", "top"]);
    let theirs = features_by_layer(&std::fs::read_to_string(&reference.gcode).unwrap());
    let their_top = theirs.iter().rev().find(|l| !l.is_empty()).unwrap();
    let their_ironing = their_top.iter().find(|f| f.0 == "Ironing").unwrap();
    println!(
        "ironing: Lamina {:.0} mm, {:.3} mm of filament; PrusaSlicer {:.0} mm, {:.3} mm",
        ironing.1, ironing.2, their_ironing.1, their_ironing.2
    );
    assert!((ironing.1 / their_ironing.1 - 1.0).abs() < 0.03);
    assert!((ironing.2 / their_ironing.2 - 1.0).abs() < 0.03);
    // The checker flags the thin ironing lines as odd widths, and nothing else.
    let report = check(&gcode, Some(&cube));
    let share =
        report["by_type"]["ironing"].as_f64().unwrap() / report["print_mm"].as_f64().unwrap();
    assert!(
        report["odd_width_share"].as_f64().unwrap() <= share + 0.002,
        "{report}"
    );
    let flags = report["flags"].as_array().unwrap();
    assert!(
        flags
            .iter()
            .all(|f| f.as_str().unwrap().contains("implied width")),
        "{report}"
    );
    assert!(
        report["outside_share"].as_f64().unwrap() <= 0.002,
        "{report}"
    );
    // Off: none.
    let (_, plain) = slice_with(&cube, "finishing-ironing-off", &with(&[]));
    assert!(!plain.gcode.contains(";TYPE:Ironing"));
}

/// Ironing types on 3DBenchy: every top surface (deck, roof, chimney rim...), only the
/// last layer, or every solid layer.
#[test]
fn ironing_types_pick_their_surfaces() {
    let benchy = model("3DBenchy.3mf");
    let layers_for = |kind: &str| {
        let s = with(&[("ironing", "1"), ("ironing_type", kind)]);
        let (_, out) = slice_with(&benchy, &format!("finishing-ironing-{kind}"), &s);
        (ironing_layers(&out.gcode), out.stats.layers)
    };
    let (top, n) = layers_for("top");
    let (topmost, _) = layers_for("topmost");
    let (solid, _) = layers_for("solid");
    println!(
        "ironed layers: top {}, topmost {:?}, solid {}",
        top.len(),
        topmost,
        solid.len()
    );
    assert_eq!(topmost, vec![n - 1]);
    assert!(top.len() > 10 && top.contains(&(n - 1)), "{top:?}");
    assert!(solid.len() > top.len());
    let missing: Vec<&usize> = top.iter().filter(|l| !solid.contains(l)).collect();
    assert!(missing.is_empty(), "{missing:?}");
}

/// Spiral vase on a cylinder: the bottom layers as usual, then one wall whose Z only ever
/// climbs, a layer's height per turn, with no layer change, retraction or second wall (even
/// with two walls asked for), as PrusaSlicer prints it.
#[test]
fn spiral_vase_rises_in_one_wall_as_prusaslicer_prints_it() {
    let cylinder = shape_file("finishing-vase", "cylinder");
    let s = with(&[
        ("spiral_vase", "1"),
        ("perimeters", "3"),
        ("fill_density", "40%"),
    ]);
    let (gcode, out) = slice_with(&cylinder, "finishing-vase", &s);
    let text = &out.gcode;
    // From the first climbing line (layer 4, over the three bottom layers) to the end.
    let start = text.find(";Z:0.8\n").expect("layer 4");
    let first = start + text[start..].find(" Z0.6").expect("the spiral");
    let spiral = &text[first..text.find(";TYPE:Custom").unwrap()];
    let mut last_z = 0.6;
    let mut climbs = 0;
    for line in spiral.lines() {
        assert!(
            !line.starts_with("G1 Z"),
            "a layer change in the spiral: {line}"
        );
        assert!(!line.contains(" E-"), "a retraction in the spiral: {line}");
        if let Some(z) = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix('Z'))
            .and_then(|z| z.parse::<f64>().ok())
        {
            assert!(z >= last_z - 1e-9, "{line} after Z{last_z}");
            climbs += 1;
            last_z = z;
        }
        if let Some(t) = line.strip_prefix(";TYPE:") {
            assert_eq!(t, "External perimeter");
        }
    }
    assert!((last_z - 20.0).abs() < 1e-6, "{last_z}");
    assert!(climbs > 97 * 50, "{climbs}"); // every line of 97 turns climbs
    // Against PrusaSlicer's vase: the same wall, the same plastic (the prime line aside).
    let reference = prusaslicer_with(
        &cylinder,
        &[
            "--spiral-vase",
            "--perimeters",
            "1",
            "--top-solid-layers",
            "0",
            "--fill-density",
            "0%",
        ],
    );
    let ours = check(&gcode, Some(&cylinder));
    let theirs = &reference.report;
    let wall = |r: &serde_json::Value| r["by_type"]["external perimeter"].as_f64().unwrap();
    println!(
        "vase wall: Lamina {} mm, PrusaSlicer {} mm",
        wall(&ours),
        wall(theirs)
    );
    assert!((wall(&ours) / wall(theirs) - 1.0).abs() < 0.01);
    let filament = ours["filament_mm"].as_f64().unwrap() - prime_filament(&gcode);
    let their_filament = theirs["filament_mm"].as_f64().unwrap();
    assert!(
        (filament / their_filament - 1.0).abs() < 0.03,
        "{filament} vs {their_filament}"
    );
    // Two parts on the plate: refused, with the reason, as PrusaSlicer refuses.
    let mut two = scene_of(&cylinder, &s);
    let bytes = std::fs::read(&cylinder).unwrap();
    two.add(lamina::engine::mesh::import("second.stl", &bytes).unwrap());
    two.arrange(s.bed_size_x, s.bed_size_y, 5.0);
    let e = lamina::engine::pipeline::slice(&two, &s, &[], &mut lamina::engine::pipeline::Quiet)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("spiral_vase: prints one object at a time, and the plate has 2"),
        "{e}"
    );
    // The app says it with the setting's label.
    assert!(
        e.for_people().starts_with("Spiral vase: prints one object"),
        "{}",
        e.for_people()
    );
}

/// Per layer (by Z in µm), the length of each `;TYPE:External perimeter` loop, in order.
fn outer_loops(text: &str) -> HashMap<i64, Vec<f64>> {
    let mut out: HashMap<i64, Vec<f64>> = HashMap::new();
    for (z, segs) in extrusion_segments(text, Some("External perimeter")) {
        let mut loops = vec![0.0];
        for (k, s) in segs.iter().enumerate() {
            if k > 0 && (segs[k - 1][2], segs[k - 1][3]) != (s[0], s[1]) {
                loops.push(0.0);
            }
            *loops.last_mut().unwrap() += (s[2] - s[0]).hypot(s[3] - s[1]);
        }
        out.insert(z, loops);
    }
    out
}

/// Fuzzy skin on a cube with a hole: `external` roughens the outside only, `all` the hole
/// too; every point stays within the thickness of the smooth wall; the first layer stays
/// smooth; the same file every time; as much longer a wall as PrusaSlicer's.
#[test]
fn fuzzy_skin_roughens_the_walls_it_names_within_its_thickness() {
    let part = model("cube_with_hole.obj");
    let slice = |kind: &str| {
        let s = with(&[("fuzzy_skin", kind)]);
        let (g, out) = slice_with(&part, &format!("finishing-fuzzy-{kind}"), &s);
        (g, out.gcode)
    };
    let (_, smooth) = slice("none");
    let (g_ext, external) = slice("external");
    let (_, all) = slice("all");
    assert_eq!(external, slice("external").1, "the same file every time");
    let (l0, l_ext, l_all) = (
        outer_loops(&smooth),
        outer_loops(&external),
        outer_loops(&all),
    );
    let mut grown = [0.0f64; 2];
    let mut hole = 0.0;
    for (z, smooth_loops) in &l0 {
        let mut a = smooth_loops.clone();
        let mut b = l_ext[z].clone();
        let mut c = l_all[z].clone();
        for v in [&mut a, &mut b, &mut c] {
            v.sort_by(f64::total_cmp); // the hole's loop is the shorter
        }
        if *z == 200 {
            assert_eq!(a, b, "the first layer stays smooth");
            assert_eq!(a, c);
            continue;
        }
        assert!(
            (b[0] - a[0]).abs() < 1e-6,
            "external leaves the hole: {a:?} {b:?}"
        );
        assert!(
            b[1] > a[1] + 0.1,
            "external roughens the outside: {a:?} {b:?}"
        );
        assert!(
            c[0] > a[0] + 0.1 && c[1] > a[1] + 0.1,
            "all roughens both: {a:?} {c:?}"
        );
        grown[0] += b[1] - a[1];
        grown[1] += c[0] - a[0];
        hole += a[0];
    }
    assert!(grown[1] > 0.02 * hole, "{grown:?} {hole}");
    let thick = with(&[]).fuzzy_skin_thickness;
    let dev = farthest(
        &extrusion_segments(&all, Some("External perimeter")),
        &extrusion_segments(&smooth, Some("External perimeter")),
    );
    assert!(dev <= thick + 0.002, "{dev}");
    assert!(dev > thick * 0.8, "it does wander: {dev}");
    let report = check(&g_ext, Some(&part));
    assert!(report["flags"].as_array().unwrap().is_empty(), "{report}");
    // PrusaSlicer's outside wall grows as much at the same settings.
    let wall = |r: &serde_json::Value| r["by_type"]["external perimeter"].as_f64().unwrap();
    let p_smooth = wall(&prusaslicer(&part).report);
    let p_ext = wall(&prusaslicer_with(&part, &["--fuzzy-skin", "external"]).report);
    println!(
        "fuzzy skin: outside wall +{:.0} mm (PrusaSlicer +{:.0} mm), hole +{:.0} mm",
        grown[0],
        p_ext - p_smooth,
        grown[1]
    );
    let ratio = grown[0] / (p_ext - p_smooth);
    assert!((0.7..1.4).contains(&ratio), "{ratio}");
}

/// `infill_first` prints each layer's infill before its walls, as PrusaSlicer's does.
#[test]
fn infill_first_puts_the_infill_before_the_walls() {
    let cube = model("20mm_cube.obj");
    let order = |text: &str| -> Vec<String> {
        features_by_layer(text)[10]
            .iter()
            .map(|f| f.0.clone())
            .filter(|k| k != "Skirt/Brim")
            .collect()
    };
    let (_, normal) = slice_with(&cube, "finishing-infill-first-off", &with(&[]));
    let (_, first) = slice_with(
        &cube,
        "finishing-infill-first",
        &with(&[("infill_first", "1")]),
    );
    assert_eq!(order(&normal.gcode)[0], "Perimeter");
    assert_eq!(order(&first.gcode)[0], "Internal infill");
    assert!(order(&first.gcode).contains(&"External perimeter".to_string()));
    assert!((first.stats.filament_mm / normal.stats.filament_mm - 1.0).abs() < 1e-9);
    let reference = prusaslicer_with(&cube, &["--infill-first"]);
    let theirs = std::fs::read_to_string(&reference.gcode).unwrap();
    assert_eq!(order(&theirs)[0], "Internal infill");
}

/// Layer `layer`'s wall loops in printing order, as the width of each (a loop is a run of
/// wall lines between two moves that extrude nothing).
fn wall_loop_widths(text: &str, layer: usize) -> Vec<f64> {
    let block = text.split(";LAYER_CHANGE").nth(layer + 1).unwrap_or("");
    let mut loops: Vec<(f64, f64)> = Vec::new();
    let (mut wall, mut open) = (false, false);
    for line in block.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            wall = t.contains("perimeter") || t.contains("Perimeter");
            open = false;
            continue;
        }
        let code = line.split(';').next().unwrap_or("");
        if !code.starts_with("G1 ") {
            continue;
        }
        let x = code
            .split_whitespace()
            .find_map(|w| w.strip_prefix('X'))
            .and_then(|v| v.parse::<f64>().ok());
        let extrudes = code.split_whitespace().any(|w| w.starts_with('E'));
        match (x, extrudes && wall) {
            (Some(x), true) => {
                if !open {
                    loops.push((x, x));
                    open = true;
                }
                let l = loops.last_mut().unwrap();
                *l = (l.0.min(x), l.1.max(x));
            }
            (Some(_), false) => open = false,
            _ => {}
        }
    }
    loops.iter().map(|(a, b)| b - a).collect()
}

/// The wall orders: inner walls first, the outer wall first (as PrusaSlicer's external
/// perimeters first), and inner-outer-inner (third wall, outer, second), on a cube with
/// three walls.
#[test]
fn wall_sequence_orders_each_islands_walls() {
    let cube = model("20mm_cube.obj");
    let order = |sequence: &str| -> Vec<usize> {
        let s = with(&[("perimeters", "3"), ("wall_sequence", sequence)]);
        let (_, out) = slice_with(&cube, &format!("finishing-walls-{sequence}"), &s);
        let widths = wall_loop_widths(&out.gcode, 20);
        // Depth by width: the widest loop is the outer wall.
        let mut sorted = widths.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        widths
            .iter()
            .map(|w| sorted.iter().position(|s| s == w).unwrap())
            .collect()
    };
    assert_eq!(order("inner_outer"), vec![2, 1, 0]);
    assert_eq!(order("outer_inner"), vec![0, 1, 2]);
    assert_eq!(order("inner_outer_inner"), vec![2, 0, 1]);
    // PrusaSlicer's switch reads as the outer-first order, and PrusaSlicer prints it so.
    let mut s = with(&[("perimeters", "3")]);
    s.set("external_perimeters_first", "1").unwrap();
    assert_eq!(s.wall_sequence.to_string(), "outer_inner");
    let reference = prusaslicer_with(&cube, &["--perimeters", "3", "--external-perimeters-first"]);
    let theirs = wall_loop_widths(&std::fs::read_to_string(&reference.gcode).unwrap(), 20);
    assert_eq!(theirs.len(), 3, "{theirs:?}");
    assert!(theirs[0] > theirs[1] && theirs[1] > theirs[2], "{theirs:?}");
}

/// `infill_every_layers = 2` prints the cube's sparse infill on every other layer at twice
/// the height: about half the infill lines, the same plastic, as PrusaSlicer does.
#[test]
fn infill_every_layers_combines_sparse_infill_as_prusaslicer_does() {
    let cube = model("20mm_cube.obj");
    let infill =
        |report: &serde_json::Value| report["by_type"]["internal infill"].as_f64().unwrap();
    // Layers 10–80 (the sparse middle) with sparse infill.
    let sparse_layers = |text: &str| {
        features_by_layer(text)[10..80]
            .iter()
            .filter(|l| l.iter().any(|f| f.0 == "Internal infill"))
            .count()
    };
    let (plain, _) = slice_with(&cube, "finishing-combine-off", &with(&[]));
    let (combined, out) = slice_with(
        &cube,
        "finishing-combine",
        &with(&[("infill_every_layers", "2")]),
    );
    let (a, b) = (check(&plain, Some(&cube)), check(&combined, Some(&cube)));
    let ours = infill(&b) / infill(&a);
    let volume = b["extruded_mm3"].as_f64().unwrap() / a["extruded_mm3"].as_f64().unwrap();
    let p_plain = prusaslicer(&cube);
    let p_combined = prusaslicer_with(&cube, &["--infill-every-layers", "2"]);
    let theirs = infill(&p_combined.report) / infill(&p_plain.report);
    let their_volume = p_combined.report["extruded_mm3"].as_f64().unwrap()
        / p_plain.report["extruded_mm3"].as_f64().unwrap();
    eprintln!(
        "infill every 2 layers: infill length ×{ours:.3} (PrusaSlicer ×{theirs:.3}), plastic ×{volume:.4} (×{their_volume:.4})"
    );
    assert!((ours - theirs).abs() < 0.08, "{ours} vs {theirs}");
    assert!((volume - 1.0).abs() < 0.01, "{volume}");
    assert!(assert_flags_clean(&b));
    let text = std::fs::read_to_string(&combined).unwrap();
    let theirs_text = std::fs::read_to_string(&p_combined.gcode).unwrap();
    assert_eq!(sparse_layers(&text), 35);
    assert_eq!(sparse_layers(&theirs_text), 35);
    assert_eq!(out.stats.layers, 100);
}

fn assert_flags_clean(report: &serde_json::Value) -> bool {
    report["flags"].as_array().is_some_and(|f| f.is_empty())
}

/// The outer walls of small holes (under 8 mm across) on layer `layer`: each one's
/// extrusion points.
fn small_hole_walls(text: &str, layer: usize) -> Vec<Vec<(f64, f64)>> {
    let block = text.split(";LAYER_CHANGE").nth(layer + 1).unwrap_or("");
    let mut walls: Vec<Vec<(f64, f64)>> = Vec::new();
    let (mut x, mut y, mut outer, mut open) = (0.0, 0.0, false, false);
    for line in block.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            outer = t == "External perimeter";
            open = false;
            continue;
        }
        let code = line.split(';').next().unwrap_or("");
        if !code.starts_with("G1 ") {
            continue;
        }
        let word = |c: char| {
            code.split_whitespace()
                .find_map(|w| w.strip_prefix(c))
                .and_then(|v| v.parse::<f64>().ok())
        };
        let (nx, ny) = (word('X').unwrap_or(x), word('Y').unwrap_or(y));
        let extrudes = word('E').is_some_and(|e| e > 0.0);
        if outer && extrudes && (nx, ny) != (x, y) {
            if !open {
                walls.push(vec![(x, y)]);
                open = true;
            }
            walls.last_mut().unwrap().push((nx, ny));
        } else if (nx, ny) != (x, y) {
            open = false;
        }
        (x, y) = (nx, ny);
    }
    walls.retain(|w| {
        let (lo, hi) = w
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        hi - lo < 8.0
    });
    walls
}

/// Polyholes: the plate's nine 5 mm holes print as ten-sided polygons whose flats sit on the
/// hole's circle, turned from layer to layer; off, they stay round.
#[test]
fn polyholes_turn_round_holes_into_true_polygons() {
    let plate = shape_file("finishing", "holes");
    // A polyhole's flats are 1.6 mm long; a round hole's facets 0.1 mm.
    let corners = |wall: &[(f64, f64)]| {
        wall.windows(2)
            .filter(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1) > 1.0)
            .count()
    };
    let (_, round) = slice_with(&plate, "finishing-polyholes-off", &with(&[]));
    let (poly_path, poly) = slice_with(
        &plate,
        "finishing-polyholes",
        &with(&[("hole_to_polyhole", "1")]),
    );
    for layer in [5, 15] {
        let walls = small_hole_walls(&poly.gcode, layer);
        assert_eq!(walls.len(), 9, "layer {layer}");
        for w in &walls {
            // Ten flats (the seam may split one).
            let c = corners(w);
            assert!((9..=11).contains(&c), "{c} flats on layer {layer}");
        }
        for w in small_hole_walls(&round.gcode, layer) {
            assert_eq!(corners(&w), 0, "a round hole has no flats");
        }
    }
    // Twisted: a hole's corners move between layers.
    let (a, b) = (
        small_hole_walls(&poly.gcode, 5)[0].clone(),
        small_hole_walls(&poly.gcode, 6)[0].clone(),
    );
    assert_ne!(a[1], b[1]);
    // The holes grow only by what the flats add: nothing lands outside the model.
    let report = check(&poly_path, Some(&plate));
    assert_eq!(report["outside_share"].as_f64(), Some(0.0));
    assert!(assert_flags_clean(&report), "{}", report["flags"]);
}

/// Extrusion length (mm) of each `;TYPE:` on layer `layer`.
fn lengths_on_layer(text: &str, layer: usize) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for (kind, len, _) in &features_by_layer(text)[layer] {
        *out.entry(kind.clone()).or_insert(0.0) += len;
    }
    out
}

/// One wall on top surfaces: a 30 mm block with a 10 mm tower on it, three walls. On the
/// block's last layer only the outer wall goes round the block; the other two stay under
/// the tower, and the top infill takes their place. Topmost only touches the tower's top.
#[test]
fn one_wall_on_top_surfaces_leaves_the_top_to_infill() {
    use lamina::engine::model::shapes;
    let mut m = shapes::extrude(&shapes::rect(0.0, 0.0, 30.0, 30.0), 0.0, 4.0);
    m.append(&shapes::extrude(
        &shapes::rect(10.0, 10.0, 20.0, 20.0),
        0.0,
        10.0,
    ));
    let path = out_dir("finishing").join("block-and-tower.stl");
    std::fs::write(&path, lamina::engine::mesh::write_binary_stl(&m)).unwrap();
    let run = |kind: &str, first: bool| {
        let s = with(&[
            ("perimeters", "3"),
            ("top_one_perimeter_type", kind),
            (
                "only_one_perimeter_first_layer",
                if first { "1" } else { "0" },
            ),
        ]);
        let (gcode, out) = slice_with(&path, &format!("finishing-top-one-{kind}-{first}"), &s);
        let report = check(&gcode, Some(&path));
        assert_eq!(report["outside_share"].as_f64(), Some(0.0), "{kind}");
        assert!(assert_flags_clean(&report), "{kind}: {}", report["flags"]);
        out.gcode
    };
    let walls = |text: &str, layer: usize| {
        let l = lengths_on_layer(text, layer);
        l.get("External perimeter").unwrap_or(&0.0) + l.get("Perimeter").unwrap_or(&0.0)
    };
    let top = |text: &str, layer: usize| {
        *lengths_on_layer(text, layer)
            .get("Top solid infill")
            .unwrap_or(&0.0)
    };
    let (none, one, topmost) = (run("none", false), run("top", false), run("topmost", true));
    // Layer 19 is the block's top (z 3.8–4.0).
    let (a, b) = (walls(&none, 19), walls(&one, 19));
    eprintln!(
        "block top: walls {a:.0} → {b:.0} mm, top infill {:.0} → {:.0} mm",
        top(&none, 19),
        top(&one, 19)
    );
    // Three loops round 30 mm (about 350 mm) against one round it and two round the tower.
    assert!(a > 320.0 && b < 0.75 * a, "{a} → {b}");
    assert!(top(&one, 19) > top(&none, 19) + 30.0);
    // Under the block's top, and topmost-only there, nothing changes.
    assert!((walls(&none, 10) - walls(&one, 10)).abs() < 1.0);
    assert!((walls(&none, 19) - walls(&topmost, 19)).abs() < 1.0);
    // Topmost: the tower's last layer has one wall; the first layer too, as asked.
    assert!(walls(&topmost, 49) < 0.6 * walls(&none, 49));
    assert!(walls(&topmost, 0) < 0.5 * walls(&none, 0));
}

/// Size and hole compensation move a square part's outside in and its square hole out by
/// what they say, as PrusaSlicer's size compensation does; off, nothing moves.
#[test]
fn size_and_hole_compensation_move_the_outlines() {
    let part = model("cube_with_hole.obj");
    let loops_at = |text: &str| {
        let mut l = outer_loops(text)[&5000].clone(); // Z 5 mm
        l.sort_by(f64::total_cmp);
        l
    };
    let (_, plain) = slice_with(&part, "finishing-xy-off", &with(&[]));
    let (_, moved) = slice_with(
        &part,
        "finishing-xy",
        &with(&[
            ("xy_size_compensation", "-0.1"),
            ("xy_hole_compensation", "0.2"),
        ]),
    );
    let (before, after) = (loops_at(&plain.gcode), loops_at(&moved.gcode));
    // Square outlines: each side moves by the compensation, the loop by 8 times it.
    assert!(
        (after[1] - (before[1] - 0.8)).abs() < 0.05,
        "{before:?} {after:?}"
    );
    assert!(
        (after[0] - (before[0] + 8.0 * 0.3)).abs() < 0.05,
        "{before:?} {after:?}"
    );
    let reference = prusaslicer_with(&part, &["--xy-size-compensation", "-0.1"]);
    let theirs = loops_at(&std::fs::read_to_string(&reference.gcode).unwrap());
    let untouched = loops_at(&std::fs::read_to_string(prusaslicer(&part).gcode).unwrap());
    println!("outside loop: Lamina {before:?} → {after:?}; PrusaSlicer {untouched:?} → {theirs:?}");
    assert!((theirs[1] - untouched[1] - (after[1] - before[1])).abs() < 0.05);
}

/// Elephant foot compensation shrinks the first layer's outside as PrusaSlicer's does, and
/// only the first layer.
#[test]
fn elephant_foot_compensation_matches_prusaslicer() {
    let part = model("cube_with_hole.obj");
    let loops_at = |text: &str, z: i64| {
        let mut l = outer_loops(text)[&z].clone();
        l.sort_by(f64::total_cmp);
        l
    };
    let (_, plain) = slice_with(&part, "finishing-foot-off", &with(&[]));
    let (_, foot) = slice_with(
        &part,
        "finishing-foot",
        &with(&[("elefant_foot_compensation", "0.2")]),
    );
    let ours = (loops_at(&plain.gcode, 200), loops_at(&foot.gcode, 200));
    let second = (loops_at(&plain.gcode, 400), loops_at(&foot.gcode, 400));
    assert!(
        (0..2).all(|k| (second.0[k] - second.1[k]).abs() < 0.01),
        "{second:?}"
    );
    let text = |r: Reference| std::fs::read_to_string(r.gcode).unwrap();
    let theirs = (
        loops_at(&text(prusaslicer(&part)), 200),
        loops_at(
            &text(prusaslicer_with(
                &part,
                &["--elefant-foot-compensation", "0.2"],
            )),
            200,
        ),
    );
    println!("first layer loops: Lamina {ours:?}; PrusaSlicer {theirs:?}");
    for k in 0..2 {
        let (d_ours, d_theirs) = (ours.1[k] - ours.0[k], theirs.1[k] - theirs.0[k]);
        assert!(
            (d_ours - d_theirs).abs() < 0.1,
            "loop {k}: {d_ours} vs {d_theirs}"
        );
    }
}
