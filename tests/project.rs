//! Projects and presets across slicers: a Lamina 3MF project opens in PrusaSlicer and slices
//! the same when Lamina opens it again; PrusaSlicer and OrcaSlicer presets and project
//! settings are mapped onto Lamina's.

mod common;

use common::*;
use glam::DAffine3;
use lamina::engine::mesh::{self, WriteObject};
use std::path::{Path, PathBuf};
use std::process::Command;

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

/// The settings block Lamina writes at the end of its G-code, as `key = value`.
fn header_value(gcode: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(gcode).expect("read G-code");
    let prefix = format!("; {key} = ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
}

#[test]
fn projects_open_in_prusaslicer_and_slice_the_same_in_lamina() {
    let dir = out_dir("project");
    let project = dir.join("plate.3mf");
    let first = dir.join("first.gcode");
    let again = dir.join("again.gcode");
    let p = project.to_str().unwrap();
    lamina_cli(&[
        "slice",
        model("3DBenchy.3mf").to_str().unwrap(),
        model("20mm_cube.obj").to_str().unwrap(),
        "--process",
        "0.16mm-optimal",
        "--set",
        "fill_density=30",
        "--set",
        "perimeter_generator=classic",
        "--set",
        "min_bead_width=80",
        "--save-project",
        p,
        "-o",
        first.to_str().unwrap(),
    ]);
    // PrusaSlicer reads the geometry and the placement: the project it writes back has the
    // same objects where Lamina put them.
    let back = first.with_file_name("plate-prusa.3mf");
    let o = Command::new("prusa-slicer")
        .args(["--dont-arrange", "--export-3mf", p, "-o"])
        .arg(&back)
        .output()
        .expect("run prusa-slicer");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs = mesh::read_package(&std::fs::read(&back).unwrap(), "x").unwrap();
    let placed = lamina::engine::model::Scene::from_objects(theirs.objects);
    let boxes: Vec<_> = placed
        .objects
        .iter()
        .map(|o| o.instance_bounds(0).unwrap())
        .collect();
    assert_eq!(boxes.len(), 2);
    let size = |i: usize| boxes[i].size();
    assert!((size(0).z - 48.0).abs() < 1e-3 && (size(1).z - 20.0).abs() < 1e-3);
    assert!(boxes.iter().all(|b| b.min.z.abs() < 1e-3));
    assert!((placed.objects[1].mesh.volume() - 8000.0).abs() < 0.01);
    assert!(
        boxes[0].max.x < boxes[1].min.x,
        "the objects overlap: {boxes:?}"
    );
    // Lamina opens it with its settings and placement: the same G-code.
    let o = lamina_cli(&["slice", p, "-o", again.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("using the project's settings"));
    assert_eq!(
        header_value(&again, "layer_height").as_deref(),
        Some("0.16")
    );
    assert_eq!(header_value(&again, "fill_density").as_deref(), Some("30"));
    assert_eq!(
        header_value(&again, "perimeter_generator").as_deref(),
        Some("classic")
    );
    assert_eq!(
        header_value(&again, "min_bead_width").as_deref(),
        Some("80")
    );
    assert!(
        gcode_body(&first) == gcode_body(&again),
        "the project slices differently"
    );
}

#[test]
fn orcaslicer_presets_slice_with_their_values() {
    let gcode = out_dir("project").join("orca.gcode");
    let o = lamina_cli(&[
        "slice",
        model("20mm_cube.obj").to_str().unwrap(),
        "--printer",
        &data("orca-machine.json"),
        "--filament",
        &data("orca-filament.json"),
        "--process",
        &data("orca-process.json"),
        "-o",
        gcode.to_str().unwrap(),
    ]);
    let notes = String::from_utf8_lossy(&o.stderr);
    // What Lamina has no setting for is named (Orca's shrinkage compensation).
    assert!(notes.contains("filament_shrink"), "{notes}");
    assert!(notes.contains("which Lamina does not have"), "{notes}");
    assert!(!notes.contains("pressure_advance"), "{notes}");
    for (key, value) in [
        ("bed_size_x", "300"),
        ("max_print_height", "350"),
        ("gcode_flavor", "klipper"),
        ("retract_length", "0.6"),
        ("temperature", "245"),
        ("bed_temperature", "75"),
        ("extrusion_multiplier", "0.95"),
        ("layer_height", "0.16"),
        ("perimeters", "4"),
        ("fill_density", "40"),
        ("fill_pattern", "grid"),
        ("top_fill_pattern", "monotonic"),
        ("seam_position", "rear"),
        ("skirts", "2"),
        ("extrusion_width", "0.44"),
        ("perimeter_generator", "arachne"),
        ("ironing", "false"),
        ("enable_pressure_advance", "true"),
        ("pressure_advance", "0.04"),
    ] {
        assert_eq!(
            header_value(&gcode, key).as_deref(),
            Some(value),
            "{key} in {}",
            gcode.display()
        );
    }
    // Orca's pressure advance, in Klipper's command.
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(
        text.contains("\nSET_PRESSURE_ADVANCE ADVANCE=0.04 ; pressure advance\n"),
        "{}",
        gcode.display()
    );
    let report = check(&gcode, Some(&model("20mm_cube.obj")));
    assert_eq!(
        report["flags"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
}

#[test]
fn a_prusaslicer_config_bundle_gives_all_three_presets() {
    let gcode = out_dir("project").join("prusa-bundle.gcode");
    let bundle = data("prusa-bundle.ini");
    lamina_cli(&[
        "slice",
        model("20mm_cube.obj").to_str().unwrap(),
        "--printer",
        &bundle,
        "--filament",
        &bundle,
        "--process",
        &bundle,
        "-o",
        gcode.to_str().unwrap(),
    ]);
    for (key, value) in [
        ("bed_size_x", "250"),
        ("bed_size_y", "210"),
        ("machine_max_feedrate_x", "200"),
        ("temperature", "250"),
        ("filament_retract_length", "0.8"),
        ("max_volumetric_speed", "8"),
        ("layer_height", "0.15"),
        ("perimeters", "3"),
        ("fill_pattern", "gyroid"),
        ("fill_density", "25"),
        ("top_solid_layers", "7"),
    ] {
        assert_eq!(
            header_value(&gcode, key).as_deref(),
            Some(value),
            "{key} in {}",
            gcode.display()
        );
    }
    // PrusaSlicer's start G-code macros are not taken over: Lamina's own start G-code runs.
    let text = std::fs::read_to_string(&gcode).unwrap();
    assert!(!text.contains("[printer_model]"));
}

/// A 3MF as PrusaSlicer saves a project: the model, and its settings as commented INI.
fn prusa_project(dir: &Path) -> PathBuf {
    let cube = mesh::import("c.stl", &std::fs::read(model("20mmbox-CRLF.stl")).unwrap())
        .unwrap()
        .remove(0)
        .mesh;
    let config = "; generated by PrusaSlicer 2.5.0+linux-x64-GTK3 on 2026-11-20 at 10:00:00 UTC\n\
                  ; bed_shape = 0x0,250x0,250x210,0x210\n; fill_density = 42%\n; perimeters = 4\n\
                  ; temperature = 235\n; wipe_tower = 1\n";
    let names = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config>\n <object id=\"1\" instances_count=\"1\">\n  \
                 <metadata type=\"object\" key=\"name\" value=\"Box from Prusa\"/>\n </object>\n</config>\n";
    let bytes = mesh::write_3mf(
        "p",
        &[WriteObject {
            name: "",
            mesh: &cube,
            instances: &[DAffine3::from_translation(glam::DVec3::new(
                125.0, 105.0, 0.0,
            ))],
            paint: &[],
            volumes: &[],
            settings: &Default::default(),
        }],
        &[
            ("Metadata/Slic3r_PE.config", config.as_bytes()),
            ("Metadata/Slic3r_PE_model.config", names.as_bytes()),
        ],
    );
    let path = dir.join("from-prusa.3mf");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_prusaslicer_project_brings_its_print_and_filament_settings() {
    let dir = out_dir("project");
    let gcode = dir.join("from-prusa.gcode");
    let project = prusa_project(&dir);
    let o = lamina_cli(&[
        "slice",
        project.to_str().unwrap(),
        "--set",
        "perimeters=5",
        "-o",
        gcode.to_str().unwrap(),
    ]);
    let notes = String::from_utf8_lossy(&o.stderr);
    assert!(
        notes.contains("PrusaSlicer print and filament settings"),
        "{notes}"
    );
    assert!(notes.contains("wipe_tower"), "{notes}");
    assert_eq!(header_value(&gcode, "fill_density").as_deref(), Some("42"));
    assert_eq!(header_value(&gcode, "temperature").as_deref(), Some("235"));
    // The command line comes last; the printer stays the one chosen in Lamina.
    assert_eq!(header_value(&gcode, "perimeters").as_deref(), Some("5"));
    assert_eq!(header_value(&gcode, "bed_size_x").as_deref(), Some("220"));
    let info = Command::new(env!("CARGO_BIN_EXE_lamina"))
        .args(["info", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("Box from Prusa"));
}
