//! G-code features: flavours and their commands, comments viewers read, every infill pattern,
//! support, brim, seams, cooling, and the time estimate against PrusaSlicer's.

mod common;

use common::*;
use lamina::engine::gcode::estimate::Limits;
use lamina::engine::gcode::parse;
use lamina::engine::settings::{Choice, Selection, Settings, resolve};
use lamina::engine::toolpaths::Role;
use std::path::PathBuf;

fn settings(printer: &str, overrides: &[(&str, &str)]) -> Settings {
    let sel = Selection {
        choice: Choice {
            printer: printer.into(),
            ..Default::default()
        },
        overrides: overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    resolve(&sel).unwrap_or_else(|e| panic!("{printer} {overrides:?}: {e}"))
}

fn cube() -> PathBuf {
    model("20mm_cube.obj")
}

fn assert_clean(gcode: &std::path::Path, model: &std::path::Path, what: &str) -> serde_json::Value {
    let report = check(gcode, Some(model));
    assert!(
        report["flags"].as_array().unwrap().is_empty(),
        "{what}: {report}"
    );
    assert!(
        report["outside_share"].as_f64().unwrap() <= 0.002,
        "{what}: {report}"
    );
    report
}

#[test]
fn marlin_output_has_what_viewers_and_printers_read() {
    let (gcode, out) = slice_file(&cube(), "gcode-marlin");
    let text = std::fs::read_to_string(&gcode).unwrap();
    for needle in [
        ";LAYER_CHANGE",
        ";Z:0.2",
        ";HEIGHT:0.2",
        ";TYPE:External perimeter",
        ";TYPE:Perimeter",
        ";TYPE:Internal infill",
        ";TYPE:Solid infill",
        ";TYPE:Top solid infill",
        ";TYPE:Skirt/Brim",
        "M73 P0",
        "M73 P100 R0",
        "M201 X",
        "; filament used [mm] =",
        "; filament used [g] =",
        "; estimated printing time (normal mode) =",
        "; lamina_config = begin",
        "; layer_height = 0.2",
        "M109 S210",
        "M190 S60",
        "M104 S205",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
    assert!(!text.contains("EXCLUDE_OBJECT"));
    // Heating happens before the first extrusion.
    let heat = text.find("M109").unwrap();
    let first_e = text
        .lines()
        .position(|l| l.starts_with("G1") && l.contains(" E") && !l.contains("E-"))
        .unwrap();
    assert!(text[..heat].lines().count() < first_e);
    assert_eq!(out.stats.layers, 100);
    // The footer time is the estimate the summary reports.
    let (t, _) = parse::estimate_text(&text, Limits::from_settings(&default_settings()));
    assert!(
        (t / out.stats.time_s - 1.0).abs() < 0.02,
        "{t} vs {}",
        out.stats.time_s
    );
    // Byte-stable: the same input gives the same G-code.
    let (_, again) = slice_file(&cube(), "gcode-marlin-again");
    assert_eq!(out.gcode, again.gcode);
}

#[test]
fn klipper_output_labels_objects_and_sets_acceleration() {
    let s = settings(
        "generic-klipper",
        &[
            ("default_acceleration", "3000"),
            ("infill_acceleration", "5000"),
        ],
    );
    let (gcode, _) = slice_with(&cube(), "gcode-klipper", &s);
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(
        text.contains("EXCLUDE_OBJECT_DEFINE NAME=20mm_cube CENTER=125.000,125.000 POLYGON=[[")
    );
    assert!(text.contains("EXCLUDE_OBJECT_START NAME=20mm_cube"));
    assert!(text.contains("EXCLUDE_OBJECT_END NAME=20mm_cube"));
    assert!(text.contains("SET_VELOCITY_LIMIT ACCEL=3000"));
    assert!(text.contains("SET_VELOCITY_LIMIT ACCEL=5000"));
    assert!(!text.contains("M201 "));
    let report = assert_clean(&gcode, &cube(), "klipper");
    assert_eq!(report["layers"], 100);
    // What Klipper's print_stats show as "layer 12 of 100".
    assert_eq!(
        text.matches("SET_PRINT_STATS_INFO TOTAL_LAYER=100\n")
            .count(),
        1
    );
    let current: Vec<usize> = text
        .lines()
        .filter_map(|l| l.strip_prefix("SET_PRINT_STATS_INFO CURRENT_LAYER="))
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(current, (1..=100).collect::<Vec<_>>());
}

/// The printer's thumbnails are in the header, in the layout its screen reads, and change
/// nothing the checker sees.
#[test]
fn creality_and_klipper_printers_get_their_thumbnails() {
    use lamina::engine::gcode::thumbnails::{Format, read};
    for (printer, want) in [
        ("creality-k1", [(96, Format::Png), (300, Format::Png)]),
        (
            "creality-ender3-v3-ke",
            [(96, Format::Creality), (300, Format::Creality)],
        ),
        ("generic-klipper", [(32, Format::Png), (300, Format::Png)]),
    ] {
        let s = settings(printer, &[]);
        let (gcode, _) = slice_with(&cube(), &format!("gcode-thumbs-{printer}"), &s);
        let text = std::fs::read_to_string(&gcode).unwrap();
        let got: Vec<(u32, Format)> = read(&text)
            .into_iter()
            .map(|(spec, bytes)| {
                assert!(bytes.starts_with(b"\x89PNG"), "{printer}");
                (spec.width, spec.format)
            })
            .collect();
        assert_eq!(got, want, "{printer}");
        // Before the first move.
        let first_move = text.find("\nG1 ").unwrap();
        assert!(
            text.rfind("thumbnail end")
                .or(text.rfind("png end"))
                .unwrap()
                < first_move
        );
        assert_clean(&gcode, &cube(), printer);
    }
    // A printer without a screen for them gets none.
    let (gcode, _) = slice_with(
        &cube(),
        "gcode-thumbs-none",
        &settings("creality-ender3-v2", &[]),
    );
    assert!(read(&std::fs::read_to_string(&gcode).unwrap()).is_empty());
}

/// Klipper's object outlines stay small (a few dozen corners) and still hold the object.
#[test]
fn klipper_object_outlines_are_small_and_hold_the_object() {
    let s = settings("generic-klipper", &[]);
    let benchy = model("3DBenchy.3mf");
    let (gcode, _) = slice_with(&benchy, "gcode-klipper-benchy", &s);
    let text = std::fs::read_to_string(&gcode).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("EXCLUDE_OBJECT_DEFINE"))
        .unwrap();
    let poly: Vec<(f64, f64)> = line
        .split("POLYGON=[[")
        .nth(1)
        .unwrap()
        .trim_end_matches("]]")
        .split("],[")
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    assert!((8..=32).contains(&poly.len()), "{} corners", poly.len());
    // Every extrusion lies inside the outline (convex, counter-clockwise).
    let inside = |x: f64, y: f64| {
        (0..poly.len()).all(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0) >= -1e-3
        })
    };
    let mut in_object = false;
    let mut checked = 0;
    for l in text.lines() {
        if l.starts_with("EXCLUDE_OBJECT_START") {
            in_object = true;
        } else if l.starts_with("EXCLUDE_OBJECT_END") {
            in_object = false;
        } else if in_object && l.starts_with("G1 X") && l.contains(" E") {
            let word = |c: char| -> f64 {
                l.split_whitespace().find(|w| w.starts_with(c)).unwrap()[1..]
                    .parse()
                    .unwrap()
            };
            assert!(inside(word('X'), word('Y')), "{l} is outside the outline");
            checked += 1;
        }
    }
    assert!(checked > 10_000, "{checked} moves checked");
}

#[test]
fn absolute_extrusion_gives_the_same_print() {
    let s = settings(
        "creality-ender3-v3-se",
        &[("use_relative_e_distances", "false")],
    );
    let (gcode, _) = slice_with(&cube(), "absolute-e", &s);
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(text.contains("M82 ; absolute extrusion"));
    let report = assert_clean(&gcode, &cube(), "absolute");
    let (relative, _) = slice_file(&cube(), "relative-e");
    let rel = check(&relative, Some(&cube()));
    let (a, b) = (
        report["filament_mm"].as_f64().unwrap(),
        rel["filament_mm"].as_f64().unwrap(),
    );
    assert!((a - b).abs() < 0.5, "{a} vs {b}");
}

#[test]
fn reprap_flavour_uses_m204_p_t() {
    let s = settings(
        "generic-marlin-220",
        &[
            ("gcode_flavor", "reprapfirmware"),
            ("default_acceleration", "800"),
        ],
    );
    let (gcode, _) = slice_with(&cube(), "gcode-rrf", &s);
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(text.contains("M204 P800 T800"));
    assert_clean(&gcode, &cube(), "rrf");
}

#[test]
fn pressure_advance_is_set_once_at_the_start_in_each_flavours_command() {
    let pa = |text: &str| -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.ends_with("; pressure advance"))
            .map(|(i, l)| (i, l.to_string()))
            .collect()
    };
    for (flavor, want) in [
        ("marlin2", "M900 K0.045 ; pressure advance"),
        (
            "klipper",
            "SET_PRESSURE_ADVANCE ADVANCE=0.045 ; pressure advance",
        ),
        ("reprapfirmware", "M572 D0 S0.045 ; pressure advance"),
    ] {
        let on = settings(
            "generic-marlin-220",
            &[
                ("gcode_flavor", flavor),
                ("enable_pressure_advance", "true"),
                ("pressure_advance", "0.045"),
            ],
        );
        let (gcode, _) = slice_with(&cube(), &format!("gcode-pa-{flavor}"), &on);
        let text = std::fs::read_to_string(&gcode).unwrap();
        let lines = pa(&text);
        assert_eq!(lines.len(), 1, "{flavor}: {lines:?}");
        assert_eq!(lines[0].1, want);
        // After the start G-code has heated the nozzle, before the first layer.
        let first_layer = text.lines().position(|l| l == ";LAYER_CHANGE").unwrap();
        let heated = text.lines().position(|l| l.starts_with("M109")).unwrap();
        assert!(heated < lines[0].0 && lines[0].0 < first_layer, "{flavor}");
        // Off (the default): the firmware keeps its own value.
        let off = settings("generic-marlin-220", &[("gcode_flavor", flavor)]);
        let (gcode, _) = slice_with(&cube(), &format!("gcode-pa-off-{flavor}"), &off);
        assert!(pa(&std::fs::read_to_string(&gcode).unwrap()).is_empty());
    }
}

#[test]
fn every_infill_pattern_prints_cleanly() {
    let m = model("cube_with_hole.obj");
    let mut lengths = Vec::new();
    for pattern in [
        "rectilinear",
        "line",
        "grid",
        "triangles",
        "gyroid",
        "honeycomb",
        "concentric",
    ] {
        let s = settings(
            "creality-ender3-v3-se",
            &[("fill_pattern", pattern), ("fill_density", "25%")],
        );
        let (gcode, _) = slice_with(&m, &format!("pattern-{pattern}"), &s);
        let report = assert_clean(&gcode, &m, pattern);
        let infill = report["by_type"]["internal infill"].as_f64().unwrap_or(0.0);
        assert!(infill > 1000.0, "{pattern}: {infill} mm of infill");
        lengths.push((pattern, infill));
    }
    // Patterns at one density lay similar amounts of plastic.
    let base = lengths[0].1;
    for (p, l) in &lengths {
        assert!(
            l / base > 0.6 && l / base < 1.6,
            "{p}: {l} vs rectilinear {base}"
        );
    }
}

#[test]
fn solid_patterns_and_densities() {
    let m = cube();
    for (k, v) in [
        ("top_fill_pattern", "concentric"),
        ("top_fill_pattern", "rectilinear"),
        ("bottom_fill_pattern", "concentric"),
    ] {
        let s = settings("creality-ender3-v3-se", &[(k, v)]);
        let (gcode, _) = slice_with(&m, &format!("solid-{k}-{v}"), &s);
        assert_clean(&gcode, &m, v);
    }
    for density in ["0", "100"] {
        let s = settings("creality-ender3-v3-se", &[("fill_density", density)]);
        let (gcode, _) = slice_with(&m, &format!("density-{density}"), &s);
        let report = assert_clean(&gcode, &m, density);
        let ratio = model_volume_ratio(&report, &gcode);
        if density == "100" {
            assert!(
                ratio > 0.93 && ratio < 1.07,
                "solid cube extrudes {ratio} of its volume"
            );
        } else {
            assert!(report["by_type"].get("internal infill").is_none());
            // The first solid layer over the hollow inside bridges it.
            assert!(
                report["by_type"]["bridge infill"].as_f64().unwrap() > 500.0,
                "{report}"
            );
        }
    }
}

#[test]
fn support_holds_up_the_overhang() {
    let path = out_dir("support").join("overhang.stl");
    let mesh = lamina::engine::model::shapes::shape("overhang").unwrap();
    std::fs::write(&path, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
    let s = settings("creality-ender3-v3-se", &[("support_material", "true")]);
    let (gcode, out) = slice_with(&path, "support", &s);
    let report = assert_clean(&gcode, &path, "support");
    let body = report["by_type"]["support material"].as_f64().unwrap();
    let interface = report["by_type"]["support material interface"]
        .as_f64()
        .unwrap();
    assert!(body > 1000.0 && interface > 100.0, "{report}");
    // Support stops below the arms' underside (15 mm) by the contact distance.
    let mut last_support_z: f64 = 0.0;
    for l in &out.layers {
        let mut role = None;
        for m in &l.moves {
            match m {
                lamina::engine::gcode::Move::Role { role: r, .. } => role = Some(*r),
                lamina::engine::gcode::Move::Extrude { .. }
                    if matches!(
                        role,
                        Some(Role::SupportMaterial | Role::SupportMaterialInterface)
                    ) =>
                {
                    last_support_z = last_support_z.max(l.z)
                }
                _ => {}
            }
        }
    }
    assert!(
        (last_support_z - 14.8).abs() < 1e-6,
        "support up to {last_support_z}"
    );
    // Concentric interface: loops instead of lines, about as much plastic.
    let c = settings(
        "creality-ender3-v3-se",
        &[
            ("support_material", "true"),
            ("support_material_interface_pattern", "concentric"),
        ],
    );
    let (rings, _) = slice_with(&path, "support-concentric", &c);
    let r = assert_clean(&rings, &path, "support-concentric");
    let ring_interface = r["by_type"]["support material interface"].as_f64().unwrap();
    assert!(
        (ring_interface / interface - 1.0).abs() < 0.3,
        "{ring_interface} vs {interface}"
    );
    assert_ne!(
        std::fs::read_to_string(&rings).unwrap(),
        std::fs::read_to_string(&gcode).unwrap()
    );
    // Without support the arms bridge.
    let (plain, _) = slice_file(&path, "support-off");
    let report = check(&plain, Some(&path));
    assert!(report["by_type"].get("support material").is_none());
}

#[test]
fn brim_and_skirt() {
    let s = settings(
        "creality-ender3-v3-se",
        &[("brim_width", "5"), ("skirts", "2"), ("skirt_height", "3")],
    );
    let (gcode, out) = slice_with(&cube(), "brim", &s);
    let text = std::fs::read_to_string(&gcode).unwrap();
    let layer = |i: usize| text.split(";LAYER_CHANGE").nth(i + 1).unwrap().to_string();
    assert!(layer(0).matches(";TYPE:Skirt/Brim").count() >= 1);
    assert!(layer(2).contains(";TYPE:Skirt/Brim"));
    assert!(!layer(3).contains(";TYPE:Skirt/Brim"));
    let report = assert_clean(&gcode, &cube(), "brim");
    // 13 brim loops of ~0.38 mm around a 20 mm square (about 1240 mm), plus 2 skirt loops
    // around that at 6 mm on 3 layers (about 960 mm).
    let brim = report["by_type"]["skirt/brim"].as_f64().unwrap();
    assert!(brim > 1900.0 && brim < 2500.0, "{brim}");
    assert_eq!(out.stats.layers, 100);
}

#[test]
fn seam_positions() {
    for seam in ["aligned", "nearest", "rear", "random"] {
        let s = settings("creality-ender3-v3-se", &[("seam_position", seam)]);
        let (gcode, _) = slice_with(&model("sloping_hole.obj"), &format!("seam-{seam}"), &s);
        assert_clean(&gcode, &model("sloping_hole.obj"), seam);
    }
    // Rear seams start the outer wall at the back of the cube on every layer.
    let s = settings("creality-ender3-v3-se", &[("seam_position", "rear")]);
    let (gcode, _) = slice_with(&cube(), "seam-rear-cube", &s);
    let text = std::fs::read_to_string(gcode).unwrap();
    let mut checked = 0;
    for layer in text.split(";LAYER_CHANGE").skip(2) {
        // The travel to the seam is the last move before the outer wall starts.
        let before = layer.split(";TYPE:External perimeter").next().unwrap();
        let last_y = before.lines().rev().find_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix('Y'))
                .and_then(|y| y.parse::<f64>().ok())
        });
        if let Some(y) = last_y {
            assert!(y > 119.0, "seam at y {y}");
            checked += 1;
        }
    }
    assert!(checked >= 95, "{checked} layers checked");
}

#[test]
fn retraction_hop_and_wipe() {
    let s = settings(
        "creality-ender3-v3-se",
        &[("retract_lift", "0.4"), ("wipe", "true")],
    );
    let (gcode, _) = slice_with(&model("cube_with_hole.obj"), "hop", &s);
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(text.contains("G1 Z0.6 F600"), "z hop on the first layer");
    // Wipes move while pulling filament back.
    assert!(
        text.lines()
            .any(|l| l.starts_with("G1 X") && l.contains(" E-"))
    );
    assert_clean(&gcode, &model("cube_with_hole.obj"), "hop");
    // At least one retraction (with its hop) at every layer change.
    let report = check(&gcode, None);
    let layers = report["layers"].as_u64().unwrap();
    assert!(report["retractions"].as_u64().unwrap() >= layers - 1);
}

#[test]
fn small_layers_slow_down_for_cooling() {
    let s = settings(
        "creality-ender3-v3-se",
        &[("slowdown_below_layer_time", "20")],
    );
    let (_, out) = slice_with(&model("small_dorito.obj"), "cooling", &s);
    // The tip layers are tiny: each is stretched to the minimum time, or prints at the
    // minimum speed when even that is too quick.
    let n = out.layers.len();
    for (l, t) in out.layers[n - 20..]
        .iter()
        .zip(&out.stats.layer_times[n - 20..])
    {
        let speeds: Vec<f64> = l
            .moves
            .iter()
            .filter_map(lamina::engine::gcode::Move::print_speed)
            .collect();
        let at_min = speeds.iter().all(|v| (*v - s.min_print_speed).abs() < 1e-9);
        assert!(
            *t >= 19.0 || at_min,
            "layer {}: {t} s at {speeds:?}",
            l.index
        );
    }
}

#[test]
fn estimate_matches_prusaslicer_on_its_own_gcode() {
    for name in [
        "20mm_cube.obj",
        "overhang.obj",
        "ipadstand.obj",
        "small_dorito.obj",
        "3DBenchy.3mf",
    ] {
        let reference = prusaslicer(&model(name));
        let text = std::fs::read_to_string(&reference.gcode).unwrap();
        let (ours, parsed) =
            parse::estimate_text(&text, Limits::from_settings(&default_settings()));
        let theirs = parsed
            .stated_time_s
            .expect("PrusaSlicer states its estimate");
        let diff = ours / theirs - 1.0;
        assert!(
            diff.abs() < 0.10,
            "{name}: {ours:.0} s vs PrusaSlicer {theirs:.0} s ({:+.1}%)",
            diff * 100.0
        );
    }
}

/// Travel segments (non-extruding XY moves) of a G-code file, between the start and the end
/// G-code (whose moves to the bed's corner are the printer's, not the part's).
fn travels(text: &str) -> Vec<((f64, f64), (f64, f64))> {
    let start = text.find(";LAYER_CHANGE").unwrap_or(0);
    let end = text
        .rfind("\n;TYPE:Custom")
        .filter(|&i| i > start)
        .unwrap_or(text.len());
    let body = text[..end]
        .split(";LAYER_CHANGE")
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    let (mut x, mut y) = (f64::NAN, f64::NAN);
    let mut out = Vec::new();
    for l in body.lines().filter(|l| l.starts_with("G1")) {
        let w = |c: char| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix(c))
                .and_then(|v| v.parse::<f64>().ok())
        };
        let (nx, ny) = (w('X').unwrap_or(x), w('Y').unwrap_or(y));
        if w('E').is_none() && x.is_finite() && (nx != x || ny != y) {
            out.push(((x, y), (nx, ny)));
        }
        x = nx;
        y = ny;
    }
    out
}

#[test]
fn avoid_crossing_perimeters_routes_round_a_notch() {
    use lamina::engine::geom::{ExPolygon, Point, Polygon};
    // A U, 30 mm square, with a 10 mm wide notch from the top down to y = 10.
    let u = ExPolygon::new(Polygon::new(
        [
            (0.0, 0.0),
            (30.0, 0.0),
            (30.0, 30.0),
            (20.0, 30.0),
            (20.0, 10.0),
            (10.0, 10.0),
            (10.0, 30.0),
            (0.0, 30.0),
        ]
        .iter()
        .map(|&(x, y)| Point::from_mm(x, y))
        .collect(),
    ));
    let path = out_dir("avoid").join("u.stl");
    let mesh = lamina::engine::model::shapes::extrude(&u, 0.0, 5.0);
    std::fs::write(&path, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
    // Centred on the bed: the notch spans x 105..115, y 105..125.
    let through_notch = |t: &((f64, f64), (f64, f64))| {
        (0..=20).any(|k| {
            let f = k as f64 / 20.0;
            let (x, y) = (t.0.0 + (t.1.0 - t.0.0) * f, t.0.1 + (t.1.1 - t.0.1) * f);
            x > 105.5 && x < 114.5 && y > 105.5 && y < 124.5
        })
    };
    let count = |avoid: &str| {
        let s = settings(
            "creality-ender3-v3-se",
            &[("avoid_crossing_perimeters", avoid)],
        );
        let (gcode, _) = slice_with(&path, &format!("avoid-{avoid}"), &s);
        assert_clean(&gcode, &path, avoid);
        travels(&std::fs::read_to_string(&gcode).unwrap())
            .iter()
            .filter(|t| through_notch(t))
            .count()
    };
    assert!(count("false") > 10, "the straight travels cross the notch");
    assert_eq!(count("true"), 0);
}

#[test]
fn raft_lifts_the_part() {
    let s = settings("creality-ender3-v3-se", &[("raft_layers", "3")]);
    let (gcode, out) = slice_with(&cube(), "raft", &s);
    let report = check(&gcode, Some(&cube()));
    // The part sits 0.8 mm up (three raft layers and the 0.2 mm gap), which the checker
    // notices as extrusion above the model's own height; nothing else is wrong.
    let flags: Vec<&str> = report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(
        flags,
        vec!["extrusion above the model's height"],
        "{report}"
    );
    assert!(
        report["outside_share"].as_f64().unwrap() <= 0.002,
        "{report}"
    );
    assert_eq!(report["layers"], 103);
    assert_eq!(report["last_z"], 20.8);
    assert!(report["by_type"]["support material"].as_f64().unwrap() > 500.0);
    assert!(
        report["by_type"]["support material interface"]
            .as_f64()
            .unwrap()
            > 1000.0
    );
    // Only the raft's first layer uses first-layer speed; the part's first layer does not.
    let first_part = &out.layers[3];
    let speeds: Vec<f64> = first_part
        .moves
        .iter()
        .filter_map(lamina::engine::gcode::Move::print_speed)
        .collect();
    assert!(
        speeds.iter().any(|v| *v > s.first_layer_speed),
        "{speeds:?}"
    );
}
