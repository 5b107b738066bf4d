//! Finishing features, measured on whole prints: arc fitting (fewer lines and bytes, arcs
//! within their tolerance of the lines they replace, the same plastic and time), and
//! ironing (where, how much, and against PrusaSlicer), spiral vase (one rising wall), fuzzy
//! skin (which walls, how far).

mod common;

use common::*;
use lamina::engine::gcode::estimate::Limits;
use lamina::engine::gcode::parse;
use std::collections::HashMap;

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

/// Lines that are commands, not comments.
fn commands(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with(';'))
        .count()
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
        // Benchy's variable-width walls change width every few segments (each change is a
        // `;WIDTH:` comment, which arcs do not remove), and its solid infill is straight.
        (model("3DBenchy.3mf"), 0.50, 0.35),
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
        // Lines are the commands a host sends to the printer: hosts strip comments first.
        let line_drop = 1.0 - commands(arcs) as f64 / commands(lines) as f64;
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
