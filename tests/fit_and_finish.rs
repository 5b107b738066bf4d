//! Fit and finish, measured on whole prints: wall order, combined infill, polyholes, one
//! wall on top surfaces and the first layer, size, hole and elephant-foot compensation, and
//! monotonic top lines, against PrusaSlicer where it has them.

mod common;

use common::*;
use std::collections::HashMap;

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
        let word = |c: char| gcode_word(code, c);
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

/// The top layer's top solid infill lines (longer than 2 mm) in printing order, as
/// (x0, y0, x1, y1), from the last layer that has any.
fn top_lines(text: &str) -> Vec<[f64; 4]> {
    let layer = text
        .split(";LAYER_CHANGE")
        .filter(|l| l.contains(";TYPE:Top solid infill"))
        .last()
        .unwrap_or("");
    let (mut x, mut y, mut top) = (f64::NAN, f64::NAN, false);
    let mut out = Vec::new();
    for line in layer.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            top = t == "Top solid infill";
            continue;
        }
        let code = line.split(';').next().unwrap_or("");
        if !code.starts_with("G1 ") {
            continue;
        }
        let word = |c: char| gcode_word(code, c);
        let (nx, ny) = (word('X').unwrap_or(x), word('Y').unwrap_or(y));
        if top && word('E').is_some_and(|e| e > 0.0) && (nx - x).hypot(ny - y) > 2.0 {
            out.push([x, y, nx, ny]);
        }
        (x, y) = (nx, ny);
    }
    out
}

/// The share of consecutive lines of `lines` that step the same way across the direction
/// of the lines (monotonic: each line laid beside the last, never back over the area).
fn monotonic_share(lines: &[[f64; 4]]) -> f64 {
    let Some(first) = lines.first() else {
        return 0.0;
    };
    let (dx, dy) = (first[2] - first[0], first[3] - first[1]);
    let n = dx.hypot(dy);
    let across = |l: &[f64; 4]| ((l[0] + l[2]) / 2.0 * -dy + (l[1] + l[3]) / 2.0 * dx) / n;
    let steps: Vec<f64> = lines
        .windows(2)
        .map(|w| across(&w[1]) - across(&w[0]))
        .collect();
    let forward = steps.iter().filter(|s| **s > 0.0).count();
    forward.max(steps.len() - forward) as f64 / steps.len().max(1) as f64
}

/// Monotonic top surfaces: the cube's top layer is laid line beside line in one direction,
/// as PrusaSlicer lays it, with as much line.
#[test]
fn monotonic_top_lines_match_prusaslicer() {
    let cube = model("20mm_cube.obj");
    let (_, out) = slice_with(&cube, "finishing-monotonic", &with(&[]));
    let ours = top_lines(&out.gcode);
    let theirs = top_lines(&std::fs::read_to_string(prusaslicer(&cube).gcode).unwrap());
    let length = |l: &[[f64; 4]]| {
        l.iter()
            .map(|s| (s[2] - s[0]).hypot(s[3] - s[1]))
            .sum::<f64>()
    };
    let (a, b) = (monotonic_share(&ours), monotonic_share(&theirs));
    eprintln!(
        "top layer: {} lines, {:.0} mm, monotonic {a:.3}; PrusaSlicer {} lines, {:.0} mm, {b:.3}",
        ours.len(),
        length(&ours),
        theirs.len(),
        length(&theirs)
    );
    assert!(a > 0.97 && b > 0.97, "{a} {b}");
    assert!((length(&ours) / length(&theirs) - 1.0).abs() < 0.05);
}

/// A precise outer wall: the outer wall stays where it was and the walls inside move in by
/// half the overlap of two lines, so they no longer push it out; with either wall generator.
#[test]
fn a_precise_outer_wall_keeps_the_inner_walls_off_it() {
    let cube = model("20mm_cube.obj");
    for generator in ["arachne", "classic"] {
        let spans = |precise: &str| {
            let s = with(&[
                ("perimeters", "2"),
                ("perimeter_generator", generator),
                ("precise_outer_wall", precise),
            ]);
            let (_, out) = slice_with(&cube, &format!("precise-{generator}-{precise}"), &s);
            let mut w = wall_loop_widths(&out.gcode, 20);
            w.sort_by(|a, b| b.total_cmp(a));
            w
        };
        let (off, on) = (spans("0"), spans("1"));
        assert_eq!((off.len(), on.len()), (2, 2), "{generator}: {off:?} {on:?}");
        // The overlap of two 0.45 mm lines 0.2 mm high is 0.043 mm.
        assert!(
            (off[0] - on[0]).abs() < 0.005,
            "{generator}: outer {off:?} → {on:?}"
        );
        let shrink = off[1] - on[1];
        assert!(
            (0.03..0.06).contains(&shrink),
            "{generator}: inner {off:?} → {on:?}"
        );
    }
}
