//! Per-object settings: one object of a plate prints with its own values (PrusaSlicer's
//! object settings), kept in the project 3MF the way PrusaSlicer writes them, so that
//! PrusaSlicer slices Lamina's project with the same values and Lamina slices it again the
//! same.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Filament (mm) of one feature (every feature for "") by object label (`; printing object
/// NAME`), from G-code with relative extrusion.
fn feature_by_object(gcode: &Path, feature: &str) -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(gcode).expect("read G-code");
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    let (mut object, mut kind) = (None::<String>, String::new());
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("; printing object ") {
            object = Some(name.to_string());
            out.entry(name.to_string()).or_default();
        } else if line.starts_with("; stop printing object") {
            object = None;
        } else if let Some(t) = line.strip_prefix(";TYPE:") {
            kind = t.to_string();
        } else if (line.starts_with("G1 ") || line.starts_with("G2 ") || line.starts_with("G3 "))
            && (feature.is_empty() || kind == feature)
            && let Some(o) = &object
            && (gcode_word(line, 'X').is_some() || gcode_word(line, 'Y').is_some())
        {
            *out.get_mut(o).unwrap() += gcode_word(line, 'E').unwrap_or(0.0).max(0.0);
        }
    }
    out
}

/// The 20 mm cube Lamina generates, as an STL in `dir`.
fn cube_in(dir: &Path) -> String {
    let cube = dir.join("cube.stl").to_str().unwrap().to_string();
    lamina_cli(&["generate", "cube", "-o", &cube]);
    cube
}

#[test]
fn an_object_prints_with_its_own_infill_in_lamina_and_prusaslicer() {
    let dir = out_dir("object_settings");
    let cube = cube_in(&dir);
    let (plate, project, again, single) = (
        dir.join("plate.gcode"),
        dir.join("plate.3mf"),
        dir.join("again.gcode"),
        dir.join("single.gcode"),
    );
    let s = |p: &Path| p.to_str().unwrap().to_string();
    // Two cubes at 0% infill, the second with 40% of its own.
    lamina_cli(&[
        "slice",
        &cube,
        &cube,
        "--set",
        "fill_density=0",
        "--object-set",
        "2:fill_density=40",
        "--save-project",
        &s(&project),
        "-o",
        &s(&plate),
    ]);
    lamina_cli(&[
        "slice",
        &cube,
        "--set",
        "fill_density=40",
        "-o",
        &s(&single),
    ]);
    let infill = feature_by_object(&plate, "Internal infill");
    let alone = feature_by_object(&single, "Internal infill");
    println!("Lamina: {infill:?}, one cube at 40%: {alone:?}");
    assert_eq!(infill.len(), 2, "{infill:?}");
    assert_eq!(infill["cube"], 0.0, "the plate's 0%: {infill:?}");
    let own = infill["cube_2"];
    let reference = alone["cube"];
    assert!(
        (own / reference - 1.0).abs() < 0.01,
        "its own 40% ({own:.0} mm) against a cube sliced at 40% ({reference:.0} mm)"
    );
    let report = check(&plate, None);
    assert!(report["flags"].as_array().unwrap().is_empty(), "{report}");
    // The project keeps it: Lamina slices the 3MF to the same G-code.
    lamina_cli(&["slice", &s(&project), "-o", &s(&again)]);
    assert!(
        gcode_body(&plate) == gcode_body(&again),
        "the reopened project slices differently"
    );
    // PrusaSlicer reads the object's own value from the same 3MF.
    let theirs = dir.join("prusa.gcode");
    let o = Command::new("prusa-slicer")
        .args([
            "-g",
            "--dont-arrange",
            "--fill-density",
            "0%",
            "--fill-pattern",
            "rectilinear",
            "--perimeters",
            "2",
            "--gcode-label-objects",
            "--use-relative-e-distances",
            &s(&project),
            "-o",
            &s(&theirs),
        ])
        .output()
        .expect("run prusa-slicer");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let prusa = feature_by_object(&theirs, "Internal infill");
    println!("PrusaSlicer: {prusa:?}");
    let (zero, forty) = (prusa["cube id:0 copy 0"], prusa["cube id:1 copy 0"]);
    assert_eq!(zero, 0.0, "{prusa:?}");
    assert!(
        (forty / own - 1.0).abs() < 0.1,
        "PrusaSlicer's {forty:.0} mm against Lamina's {own:.0} mm"
    );
}

/// OrcaSlicer's per-object flow ratio scales one object's extrusion on top of the
/// filament's: every line of it, and nothing of the other.
#[test]
fn an_objects_own_flow_ratio_scales_its_extrusion() {
    let dir = out_dir("object_flow");
    let cube = cube_in(&dir);
    let plate = dir.join("plate.gcode");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    lamina_cli(&[
        "slice",
        &cube,
        &cube,
        "--set",
        "extrusion_multiplier=0.95",
        "--object-set",
        "2:print_flow_ratio=0.9",
        "-o",
        &s(&plate),
    ]);
    let all = feature_by_object(&plate, "");
    let ratio = all["cube_2"] / all["cube"];
    assert!((ratio - 0.9).abs() < 0.002, "{all:?}: {ratio}");
}

#[test]
fn plate_wide_and_bad_values_are_refused_naming_the_object() {
    let dir = out_dir("object_settings_refused");
    let cube = cube_in(&dir);
    let c = cube.as_str();
    let fails = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_lamina"))
            .args(args)
            .output()
            .expect("run lamina");
        assert!(!o.status.success(), "{args:?} succeeded");
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let out = dir.join("x.gcode");
    let o = out.to_str().unwrap();
    let e = fails(&["slice", c, "--object-set", "1:layer_height=0.1", "-o", o]);
    assert!(e.contains("whole plate"), "{e}");
    let e = fails(&["slice", c, "--object-set", "3:perimeters=2", "-o", o]);
    assert!(e.contains("there are 1 objects"), "{e}");
    // A value fine on its own that does not hold with the plate's nozzle names the object.
    let e = fails(&[
        "slice",
        c,
        "--object-set",
        "1:perimeter_extrusion_width=1.5",
        "-o",
        o,
    ]);
    assert!(e.contains("cube:") && e.contains("perimeter"), "{e}");
}
