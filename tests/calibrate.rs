//! Calibration prints from the command line (`lamina calibrate`): every band's value is set
//! once, where the band starts, in the flavour's own command after a comment naming the band
//! and the value, and the print passes the independent checker with no flags.

mod common;

use common::*;
use lamina::engine::model::calibration::temperature_tower;
use std::process::Command;

/// `lamina calibrate KIND --start --end --step` for `flavor`, written to `gcode`.
fn calibrate(kind: &str, range: [&str; 3], flavor: &str, gcode: &std::path::Path) {
    let flavor = format!("gcode_flavor={flavor}");
    let [start, end, step] = range;
    let gcode = gcode.to_str().unwrap();
    lamina_cli(&[
        "calibrate",
        kind,
        "--start",
        start,
        "--end",
        end,
        "--step",
        step,
        "--set",
        &flavor,
        "-o",
        gcode,
    ]);
}

/// A point of a layer is lit when one of its extrusions (segments) passes within 0.35 mm.
fn lit_at(segments: &[[f64; 4]], x: f64, y: f64) -> bool {
    segments.iter().any(|g| {
        let (dx, dy) = (g[2] - g[0], g[3] - g[1]);
        let len2 = (dx * dx + dy * dy).max(1e-12);
        let t = (((x - g[0]) * dx + (y - g[1]) * dy) / len2).clamp(0.0, 1.0);
        (g[0] + t * dx - x).hypot(g[1] + t * dy - y) < 0.35
    })
}

/// Reads `count` seven-segment digits centred on x = `x_mid`: each bar (x0, v0, x1, v1) of
/// the digit whose left edge is at x is lit when `lit(x, bar)` says so.
fn read_digits(
    count: usize,
    x_mid: f64,
    lit: impl Fn(f64, (f64, f64, f64, f64)) -> bool,
) -> String {
    use lamina::engine::model::shapes::seven_segment::{DIGITS, GAP, WIDTH, bars};
    let n = count as f64;
    let x_start = x_mid - (n * WIDTH + (n - 1.0) * GAP) / 2.0;
    (0..count)
        .map(|k| {
            let x = x_start + k as f64 * (WIDTH + GAP);
            let bits = bars()
                .into_iter()
                .enumerate()
                .filter(|(_, bar)| lit(x, *bar))
                .fold(0u8, |b, (i, _)| b | 1 << i);
            DIGITS
                .iter()
                .position(|&d| d == bits)
                .map_or('?', |d| char::from(b'0' + d as u8))
        })
        .collect()
}

/// The G-code of a 230 → 200 °C tower in 10 °C steps for `flavor`, and its model.
fn tower(flavor: &str) -> (String, std::path::PathBuf, std::path::PathBuf) {
    let dir = out_dir("calibrate");
    let gcode = dir.join(format!("temp-tower-{flavor}.gcode"));
    calibrate("temp-tower", ["230", "200", "10"], flavor, &gcode);
    let model = dir.join("temp-tower-4.stl");
    let mesh = temperature_tower(230.0, 200.0, 10.0)
        .unwrap()
        .parts
        .remove(0)
        .mesh;
    std::fs::write(&model, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
    (std::fs::read_to_string(&gcode).unwrap(), gcode, model)
}

#[test]
fn temperature_tower_sets_each_band_where_it_starts_in_every_flavour() {
    for (flavor, command) in [
        ("marlin2", "M104 S"),
        ("klipper", "SET_HEATER_TEMPERATURE HEATER=extruder TARGET="),
        ("reprapfirmware", "G10 P0 S"),
    ] {
        let (text, gcode, model) = tower(flavor);
        let lines: Vec<&str> = text.lines().collect();
        // The print starts at the first band's temperature.
        assert!(text.contains("M109 S230"), "{flavor}: no wait for 230 °C");
        for (band, (temp, z)) in [(220, 9.0), (210, 18.0), (200, 27.0)].iter().enumerate() {
            let comment = format!("; calibration band {} of 4: temperature = {temp}", band + 2);
            let at: Vec<usize> = (0..lines.len()).filter(|&i| lines[i] == comment).collect();
            assert_eq!(at.len(), 1, "{flavor}: '{comment}' {} times", at.len());
            let i = at[0];
            assert_eq!(lines[i + 1], format!("{command}{temp}"), "{flavor}");
            // In the first layer that starts at the band: printed at z + 0.2.
            let layer_z: f64 = lines[..i]
                .iter()
                .rev()
                .find_map(|l| l.strip_prefix(";Z:"))
                .and_then(|v| v.parse().ok())
                .expect("a layer before the change");
            assert!(
                (layer_z - (z + 0.2)).abs() < 1e-6,
                "{flavor}: {temp} °C set in the layer at {layer_z}, not {}",
                z + 0.2
            );
        }
        // No other temperature changes while printing: the three bands' commands only (the
        // start and end G-code's heat and cool lines carry comments).
        let set = lines
            .iter()
            .filter(|l| l.starts_with(command) && !l.contains(';'))
            .count();
        assert_eq!(set, 3, "{flavor}: {set} lines start with {command}");
        let report = check(&gcode, Some(&model));
        let flags = report["flags"].as_array().expect("flags");
        assert!(flags.is_empty(), "{flavor}: checker flags {flags:?}");
    }
}

#[test]
fn bad_calibration_requests_are_one_line_errors() {
    for (args, says) in [
        (vec!["calibrate", "flow-cube"], "unknown calibration"),
        (
            vec!["calibrate", "temp-tower", "--start", "230", "--end", "230"],
            "one temperature",
        ),
        (
            vec!["calibrate", "temp-tower", "--step", "hot"],
            "not a number",
        ),
        (
            vec!["calibrate", "temp-tower", "model.stl"],
            "makes its own model",
        ),
        (
            vec!["calibrate", "pa-tower", "--step", "0.02"],
            "5 mm tower",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_lamina"))
            .args(&args)
            .output()
            .expect("lamina runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

/// The digits embossed on each block, read back from the G-code alone: for each of a digit's
/// seven bars, is there extrusion standing out of the tower's front where the bar's middle
/// is? A bar reads as lit or dark, and the lit bars must spell the block's temperature.
#[test]
fn each_block_is_labelled_with_its_temperature_readable_in_the_gcode() {
    use lamina::engine::model::shapes::seven_segment::{self as seg, BAR};
    let (text, _, _) = tower("marlin2");
    let layers: Vec<(f64, Vec<[f64; 4]>)> = {
        let mut v: Vec<(f64, Vec<[f64; 4]>)> = extrusion_segments(&text, None)
            .into_iter()
            .map(|(z, s)| (z as f64 / 1000.0, s))
            .filter(|(z, _)| *z > 0.3)
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let min = |s: &[[f64; 4]], f: fn(&[f64; 4]) -> f64| s.iter().map(f).fold(f64::MAX, f64::min);
    // The tower's face: its wall where no digit stands out (the layers' front-most point,
    // at its furthest back); its left side, half a line in from the model's.
    let front = layers
        .iter()
        .map(|(_, s)| min(s, |g| g[1].min(g[3])))
        .fold(f64::MIN, f64::max);
    let left = layers
        .iter()
        .map(|(_, s)| min(s, |g| g[0].min(g[2])))
        .fold(f64::MAX, f64::min);
    let x_mid = left - 0.2 + 10.0;
    let lit = |x: f64, z: f64| {
        let (_, segs) = layers
            .iter()
            .min_by(|a, b| (a.0 - z - 0.1).abs().total_cmp(&(b.0 - z - 0.1).abs()))
            .unwrap();
        segs.iter().any(|g| {
            g[1].max(g[3]) < front - seg::RAISED / 2.0
                && g[0].min(g[2]) - 0.05 <= x
                && x <= g[0].max(g[2]) + 0.05
        })
    };
    for (band, temp) in [230, 220, 210, 200].iter().enumerate() {
        let z0 = band as f64 * 9.0 + seg::MARGIN;
        let read = read_digits(3, x_mid, |x, (x0, z_lo, x1, z_hi)| {
            // Bars lying down are sampled near their top (their underside slopes); standing
            // ones halfway up, in the middle of their width.
            let sz = if x1 - x0 > z_hi - z_lo {
                z_hi - BAR / 4.0
            } else {
                (z_lo + z_hi) / 2.0
            };
            lit(x + (x0 + x1) / 2.0, z0 + sz)
        });
        assert_eq!(read, temp.to_string(), "block {} reads '{read}'", band + 1);
    }
}

/// A tower saved as a 3MF project keeps its bands: sliced again from the file, it prints the
/// same G-code, and the file carries PrusaSlicer's per-height G-code for other slicers.
#[test]
fn a_tower_saved_as_a_project_slices_the_same() {
    let dir = out_dir("calibrate");
    let (first, project, again) = (
        dir.join("saved-tower.gcode"),
        dir.join("saved-tower.3mf"),
        dir.join("saved-tower-again.gcode"),
    );
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    lamina_cli(&[
        "calibrate".to_string(),
        "temp-tower".into(),
        "--start".into(),
        "215".into(),
        "--end".into(),
        "195".into(),
        "-o".into(),
        path(&first),
        "--save-project".into(),
        path(&project),
    ]);
    lamina_cli(&[
        "slice".to_string(),
        path(&project),
        "-o".into(),
        path(&again),
    ]);
    let (a, b) = (
        std::fs::read_to_string(&first).unwrap(),
        std::fs::read_to_string(&again).unwrap(),
    );
    let bands = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("; calibration") || l.starts_with("M104 S"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(bands(&a).len(), 10, "{:?}", bands(&a));
    assert_eq!(bands(&a), bands(&b));
    let moves = |t: &str| t.lines().filter(|l| l.starts_with("G1")).count();
    assert_eq!(moves(&a), moves(&b));
    let package =
        lamina::engine::mesh::read_package(&std::fs::read(&project).unwrap(), "t").expect("a 3MF");
    let xml = package
        .metadata("Metadata/Prusa_Slicer_custom_gcode_per_print_z.xml")
        .expect("PrusaSlicer's per-height G-code");
    let xml = std::str::from_utf8(xml).unwrap();
    assert!(
        xml.contains(r#"<code print_z="9.2" type="4" extruder="1" color="" extra="M104 S210""#),
        "{xml}"
    );
}

/// The pressure advance tower sets the value once per mm of height, in each flavour's own
/// command, from the first layer above each mm, and prints with no flags.
#[test]
fn pressure_advance_tower_rises_each_mm_in_every_flavour() {
    let dir = out_dir("calibrate");
    for (flavor, command) in [
        ("marlin2", "M900 K"),
        ("klipper", "SET_PRESSURE_ADVANCE ADVANCE="),
        ("reprapfirmware", "M572 D0 S"),
    ] {
        let gcode = dir.join(format!("pa-tower-{flavor}.gcode"));
        calibrate("pa-tower", ["0.01", "0.05", "0.004"], flavor, &gcode);
        let text = std::fs::read_to_string(&gcode).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Set once at the start, then once per mm: 0.014 at 1 mm … 0.05 at 10 mm.
        assert!(
            lines.contains(&format!("{command}0.01 ; pressure advance").as_str()),
            "{flavor}: no start value"
        );
        let set: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with(command) && !lines[i].contains(';'))
            .collect();
        assert_eq!(set.len(), 10, "{flavor}");
        for (k, &i) in set.iter().enumerate() {
            let mm = k + 1;
            let value = ((0.01 + 0.004 * mm as f64) * 1e6).round() / 1e6;
            assert_eq!(
                lines[i - 1],
                format!("; calibration height {mm} mm: pressure_advance = {value}"),
                "{flavor}"
            );
            assert_eq!(lines[i], format!("{command}{value}"), "{flavor}");
            let layer_z: f64 = lines[..i]
                .iter()
                .rev()
                .find_map(|l| l.strip_prefix(";Z:"))
                .and_then(|v| v.parse().ok())
                .unwrap();
            assert!(
                (layer_z - (mm as f64 + 0.2)).abs() < 1e-6,
                "{flavor}: {value} set in the layer at {layer_z}"
            );
        }
        if flavor == "marlin2" {
            let model = dir.join("pa-tower.stl");
            let mesh =
                lamina::engine::model::calibration::pressure_advance_tower(0.01, 0.05, 0.004)
                    .unwrap()
                    .parts
                    .remove(0)
                    .mesh;
            std::fs::write(&model, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
            let report = check(&gcode, Some(&model));
            let flags = report["flags"].as_array().expect("flags");
            assert!(flags.is_empty(), "checker flags {flags:?}");
        }
    }
}

/// The fit test prints with no flags, without hole compensation, and each hole's label
/// reads, from the layers above the plate, as its clearance in hundredths of a mm.
#[test]
fn fit_test_holes_are_labelled_with_their_clearance() {
    let dir = out_dir("calibrate");
    let gcode = dir.join("fit-test.gcode");
    // Hole compensation asked for is not used: the test measures the printer without it.
    lamina_cli(&[
        "calibrate",
        "fit-test",
        "--set",
        "xy_hole_compensation=0.2",
        "-o",
        gcode.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(
        text.contains("; xy_hole_compensation = 0\n"),
        "compensation left on"
    );
    let model = dir.join("fit-test.stl");
    let mesh = lamina::engine::model::calibration::fit_test(0.0, 0.3, 0.05)
        .unwrap()
        .parts
        .remove(0)
        .mesh;
    std::fs::write(&model, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
    let report = check(&gcode, Some(&model));
    let flags = report["flags"].as_array().expect("flags");
    assert!(flags.is_empty(), "checker flags {flags:?}");
    // Above the plate (4 mm) only the labels and the pegs print; the plate's corner is the
    // model's, half a line in from the lowest layers' extrusion.
    let layers = extrusion_segments(&text, None);
    let near = |z: f64| {
        layers
            .iter()
            .min_by(|a, b| {
                ((*a.0 as f64 / 1000.0) - z)
                    .abs()
                    .total_cmp(&((*b.0 as f64 / 1000.0) - z).abs())
            })
            .unwrap()
            .1
    };
    let base = near(2.0);
    let x0 = base.iter().map(|g| g[0].min(g[2])).fold(f64::MAX, f64::min) - 0.2;
    let y_back = base.iter().map(|g| g[1].max(g[3])).fold(f64::MIN, f64::max) + 0.2;
    let y0 = y_back - 30.0;
    let top = near(4.4);
    let lit = |x: f64, y: f64| lit_at(top, x, y);
    for (i, label) in ["0", "5", "10", "15", "20", "25", "30"].iter().enumerate() {
        let x_mid = x0 + 10.0 + 16.0 * i as f64;
        let read = read_digits(label.len(), x_mid, |x, (bx0, by0, bx1, by1)| {
            lit(x + (bx0 + bx1) / 2.0, y0 + 19.5 + (by0 + by1) / 2.0)
        });
        assert_eq!(&read, label, "hole {} reads '{read}'", i + 1);
    }
}

/// The flow rate print: each patch prints with its own flow ratio on top of the filament's
/// (the same patch below its label, so its filament is the ratio's share of the 100%
/// patch's), the print passes the checker, and each label reads its ratio in percent.
#[test]
fn flow_patches_print_at_their_labelled_ratio() {
    let dir = out_dir("calibrate");
    let gcode = dir.join("flow.gcode");
    lamina_cli(&[
        "calibrate",
        "flow",
        "--set",
        "extrusion_multiplier=0.95",
        "-o",
        gcode.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(text.contains("; ironing = false\n"), "ironing left on");
    // Filament per patch below its label (under 1.8 mm).
    let mut below: std::collections::BTreeMap<String, f64> = Default::default();
    let (mut object, mut z) = (None::<String>, 0.0);
    for line in text.lines() {
        if let Some(v) = line.strip_prefix(";Z:") {
            z = v.parse().unwrap();
        } else if let Some(name) = line.strip_prefix("; printing object ") {
            object = Some(name.to_string());
        } else if line.starts_with("; stop printing object") {
            object = None;
        } else if let Some(o) = &object
            && z < 1.8
            && line.starts_with("G1 ")
            && (gcode_word(line, 'X').is_some() || gcode_word(line, 'Y').is_some())
        {
            *below.entry(o.clone()).or_default() += gcode_word(line, 'E').unwrap_or(0.0).max(0.0);
        }
    }
    let labels = ["80", "85", "90", "95", "100", "105", "110", "115", "120"];
    assert_eq!(below.len(), labels.len(), "{below:?}");
    let full = below["flow_100"];
    for l in labels {
        let ratio = below[&format!("flow_{l}")] / full;
        let want = l.parse::<f64>().unwrap() / 100.0;
        assert!(
            (ratio - want).abs() < 0.002,
            "flow {l}: {ratio:.4} of the 100% patch"
        );
    }
    let calibration = lamina::engine::model::calibration::flow_rate(0.8, 1.2, 0.05).unwrap();
    let mut mesh = lamina::engine::mesh::Mesh::default();
    for p in &calibration.parts {
        mesh.append(&p.mesh);
    }
    let model = dir.join("flow.stl");
    std::fs::write(&model, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
    let report = check(&gcode, Some(&model));
    let flags = report["flags"].as_array().expect("flags");
    assert!(flags.is_empty(), "checker flags {flags:?}");
    // Labels: five patches a row, 24 mm apart, rows 30 mm apart; the front row's front edge
    // is the print's, half a line out from the lowest layers' extrusion.
    let layers = extrusion_segments(&text, None);
    let at = |z: f64| &layers[&((z * 1000.0).round() as i64)];
    let base = at(1.0);
    let x0 = base.iter().map(|g| g[0].min(g[2])).fold(f64::MAX, f64::min) - 0.2;
    let y_min = base.iter().map(|g| g[1].min(g[3])).fold(f64::MAX, f64::min) - 0.2;
    let top = at(2.4);
    let lit = |x: f64, y: f64| lit_at(top, x, y);
    for (i, label) in labels.iter().enumerate() {
        let (col, row) = ((i % 5) as f64, (i / 5) as f64);
        let x_mid = x0 + 10.0 + 24.0 * col;
        let y_front = y_min + (1.0 - row) * 30.0;
        let read = read_digits(label.len(), x_mid, |x, (bx0, by0, bx1, by1)| {
            lit(x + (bx0 + bx1) / 2.0, y_front + 1.0 + (by0 + by1) / 2.0)
        });
        assert_eq!(&read, label, "patch {} reads '{read}'", i + 1);
    }
}
