//! The `lamina` command line as people use it: slicing one or several models with presets,
//! overrides and placement; info, presets and settings listings; one-line errors with exit
//! code 2.

mod common;

use common::*;
use std::process::{Command, Output};

fn lamina(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamina"))
        .args(args)
        .output()
        .expect("run lamina")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A failing run: exit code 2 and exactly one line on stderr containing `needle`.
fn fails_with(args: &[&str], needle: &str) {
    let o = lamina(args);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(
        err.contains(needle),
        "{args:?}: expected '{needle}' in: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn slice_prints_a_summary() {
    let dir = out_dir("cli");
    let out = dir.join("cube.gcode");
    let o = lamina(&[
        "slice",
        model("20mm_cube.obj").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for needle in [
        "wrote",
        "layers:      100",
        "print time:",
        "filament:",
        " g, cost",
        "stage times: load",
        "slice",
        "gcode",
    ] {
        assert!(stdout.contains(needle), "missing '{needle}' in {stdout}");
    }
    assert!(out.exists());
}

#[test]
fn several_models_are_arranged_with_presets_and_overrides() {
    let dir = out_dir("cli-multi");
    let out = dir.join("plate.gcode");
    let o = lamina(&[
        "slice",
        model("20mm_cube.obj").to_str().unwrap(),
        model("cube_with_hole.obj").to_str().unwrap(),
        model("small_dorito.obj").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--printer",
        "generic-klipper",
        "--filament",
        "generic-petg",
        "--process",
        "0.28mm-draft",
        "--set",
        "perimeters=3",
        "--set",
        "fill_density=15%",
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let g = std::fs::read_to_string(&out).unwrap();
    assert_eq!(g.matches("EXCLUDE_OBJECT_DEFINE").count(), 3);
    assert!(g.contains("; perimeters = 3"));
    assert!(g.contains("; fill_density = 15"));
    assert!(g.contains("; layer_height = 0.28"));
    assert!(g.contains("M109 S235"), "PETG first layer temperature");
    let report = check(&out, None);
    assert!(report["flags"].as_array().unwrap().is_empty(), "{report}");
    // Three objects side by side on the 250 mm bed, none overlapping: the extrusion is wide.
    let b = report["extrusion_bounds"].as_array().unwrap();
    assert!(
        b[3].as_f64().unwrap() - b[0].as_f64().unwrap() > 60.0,
        "{report}"
    );
}

#[test]
fn rotate_and_scale() {
    let dir = out_dir("cli-place");
    let out = dir.join("bridge.gcode");
    let o = lamina(&[
        "slice",
        model("bridge.obj").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--rotate",
        "z=90",
        "--scale",
        "0.5",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let report = check(&out, None);
    assert_eq!(report["layers"], 20);
    // 50 × 10 × 8 mm turned 90° and halved: the outer walls span about 5 × 25 mm.
    let g = std::fs::read_to_string(&out).unwrap();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for block in g
        .split(";TYPE:")
        .filter(|b| b.starts_with("External perimeter"))
    {
        for l in block.lines().filter(|l| l.starts_with("G1 X")) {
            let w = |c: char| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix(c))
                    .and_then(|v| v.parse::<f64>().ok())
            };
            xs.push(w('X').unwrap());
            ys.push(w('Y').unwrap());
        }
    }
    let span = |v: &[f64]| {
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
    };
    assert!(
        (span(&xs) - 4.6).abs() < 0.3 && (span(&ys) - 24.6).abs() < 0.3,
        "{} × {}",
        span(&xs),
        span(&ys)
    );
}

#[test]
fn info_reports_size_volume_and_repair() {
    let o = lamina(&["info", model("3DBenchy.3mf").to_str().unwrap()]);
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for needle in [
        "triangles: 225154",
        "60.00 x 31.00 x 48.00 mm",
        "volume:",
        "shells:    1",
        "repair:",
    ] {
        assert!(stdout.contains(needle), "missing '{needle}' in {stdout}");
    }
    // A broken mesh: open edges reported.
    let dir = out_dir("cli-info");
    let broken = dir.join("open.obj");
    std::fs::write(
        &broken,
        "v 0 0 0\nv 10 0 0\nv 0 10 0\nv 0 0 10\nf 1 3 2\nf 1 2 4\nf 1 4 3\n",
    )
    .unwrap();
    let (stdout, _) = text(&lamina(&["info", broken.to_str().unwrap()]));
    assert!(stdout.contains("3 open edges remain"), "{stdout}");
}

#[test]
fn presets_and_settings_are_listed() {
    let (stdout, _) = text(&lamina(&["presets"]));
    for id in [
        "creality-ender3-v2",
        "creality-ender3-s1",
        "creality-ender3-v3-se",
        "creality-k1 ",
        "creality-k1-max",
        "creality-cr10",
        "generic-marlin-220",
        "generic-klipper",
        "generic-pla",
        "generic-petg",
        "generic-abs",
        "generic-tpu",
        "0.12mm-fine",
        "0.16mm-optimal",
        "0.20mm-standard",
        "0.28mm-draft",
    ] {
        assert!(stdout.contains(id), "missing preset {id}");
    }
    let (stdout, _) = text(&lamina(&["settings"]));
    assert!(stdout.contains("layer_height"));
    assert!(stdout.contains("range 0.01 to 2"));
    assert!(
        stdout.contains("rectilinear | line | grid | triangles | gyroid | honeycomb | concentric")
    );
    assert!(
        stdout
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
            .count()
            > 100
    );
}

#[test]
fn errors_are_one_line_with_exit_code_2() {
    let cube = model("20mm_cube.obj");
    let cube = cube.to_str().unwrap();
    let dir = out_dir("cli-errors");
    let truncated = dir.join("truncated.stl");
    let good = std::fs::read(model("20mmbox-CRLF.stl")).unwrap();
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let garbage = dir.join("garbage.3mf");
    std::fs::write(&garbage, b"PK\x03\x04 this is not a zip").unwrap();
    let huge = dir.join("huge.stl");
    let mut b = vec![0u8; 200];
    b[80..84].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&huge, b).unwrap();

    let cases: &[(&[&str], &str)] = &[
        (
            &["slice", "/nonexistent/model.stl"],
            "/nonexistent/model.stl",
        ),
        (
            &["slice", truncated.to_str().unwrap()],
            "truncated.stl: the file is cut short",
        ),
        (
            &["slice", garbage.to_str().unwrap()],
            "garbage.3mf: broken 3MF archive",
        ),
        (
            &["slice", huge.to_str().unwrap()],
            "more than the 20000000 Lamina accepts",
        ),
        (
            &["slice", cube, "--set", "layer_heigth=0.2"],
            "did you mean 'layer_height'",
        ),
        (
            &["slice", cube, "--set", "layer_height=3"],
            "layer_height = 3 mm is out of range: allowed 0.01 to 2 mm",
        ),
        (
            &["slice", cube, "--set", "layer_height=0.36"],
            "80% of the 0.4 mm nozzle",
        ),
        (
            &["slice", cube, "--set", "fill_pattern=zigzag"],
            "is not one of: rectilinear",
        ),
        (
            &["slice", cube, "--printer", "ender9"],
            "no printer preset 'ender9'",
        ),
        (
            &["slice", cube, "--scale", "20"],
            "does not fit the 220 × 220 × 250 mm build volume",
        ),
        (
            &["slice", cube, "--set", "start_gcode=M104 S{nozzle}"],
            "unknown placeholder {nozzle}",
        ),
        (
            &["slice", cube, "--rotate", "w=5"],
            "the axis must be x, y or z",
        ),
    ];
    for (args, needle) in cases {
        fails_with(args, needle);
    }
    let tiny = dir.join("tiny.obj");
    std::fs::write(
        &tiny,
        "v 0 0 0\nv 0.1 0 0\nv 0 0.1 0\nv 0 0 0.1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n",
    )
    .unwrap();
    fails_with(
        &["slice", tiny.to_str().unwrap()],
        "nothing to print: no line fits the objects",
    );
    fails_with(
        &[
            "slice",
            cube,
            "--set",
            "perimeters=0",
            "--set",
            "fill_density=0",
            "--set",
            "top_solid_layers=0",
            "--set",
            "bottom_solid_layers=0",
            "--set",
            "skirts=0",
        ],
        "nothing to print",
    );
    let far = dir.join("far.obj");
    std::fs::write(
        &far,
        "v 0 0 0\nv 1e9 0 0\nv 0 1e9 0\nv 0 0 1e9\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n",
    )
    .unwrap();
    fails_with(
        &["info", far.to_str().unwrap()],
        "not a finite number of millimetres under 10 km",
    );
    fails_with(&["frobnicate"], "unknown command 'frobnicate'");
    fails_with(&["slice"], "no model given");
}

/// A fresh `DIR/src` holding Lamina's shapes as STL files: (shape, file name without .stl).
fn shapes_folder(dir: &std::path::Path, shapes: &[(&str, &str)]) -> std::path::PathBuf {
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    for (shape, file) in shapes {
        let out = src.join(format!("{file}.stl"));
        assert!(
            lamina(&["generate", shape, "-o", out.to_str().unwrap()])
                .status
                .success()
        );
    }
    src
}

/// `lamina catalog build` turns a folder of models (with a catalog.toml) into a catalog that
/// reads back, whose files match their sizes and sha256 and whose thumbnails are PNGs; a
/// folder without models and a catalog.toml naming a missing model are refused in one line.
#[test]
fn catalog_build_makes_a_library() {
    let dir = out_dir("catalog");
    let src = shapes_folder(
        &dir,
        &[
            ("cube", "cube"),
            ("temp-tower", "temp-tower"),
            ("overhang-test", "overhang-test"),
        ],
    );
    std::fs::write(
        src.join("catalog.toml"),
        "name = \"Calibration\"\nauthor = \"Lamina\"\nlicence = \"CC0-1.0\"\n[models.temp-tower]\nname = \"Temperature tower\"\ntags = [\"calibration\", \"temperature\"]\n",
    )
    .unwrap();
    let out = dir.join("library");
    let o = lamina(&[
        "catalog",
        "build",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("3 models"));
    let c =
        lamina::engine::catalog::parse(&std::fs::read(out.join("catalog.json")).unwrap()).unwrap();
    assert_eq!(c.name, "Calibration");
    let tower = c.models.iter().find(|m| m.id == "temp-tower").unwrap();
    assert_eq!(tower.name, "Temperature tower");
    assert_eq!(tower.tags, ["calibration", "temperature"]);
    for m in &c.models {
        let f = &m.files[0];
        let bytes = std::fs::read(out.join(&f.url)).unwrap();
        assert_eq!(
            lamina::engine::catalog::check_download(f, &bytes)
                .unwrap()
                .len(),
            1
        );
        assert!(
            std::fs::read(out.join(&m.thumbnail))
                .unwrap()
                .starts_with(b"\x89PNG")
        );
    }

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    fails_with(
        &[
            "catalog",
            "build",
            empty.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "no STL, OBJ or 3MF files",
    );
    std::fs::write(
        src.join("catalog.toml"),
        "[models.benchy]\nname = \"Benchy\"\n",
    )
    .unwrap();
    fails_with(
        &[
            "catalog",
            "build",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "describes 'benchy', but no model file has that name",
    );
}

/// The library served beside the app (web/library) is what `lamina catalog build` makes from
/// Lamina's shapes and web/library.toml today (scripts/library.sh rebuilds it).
#[test]
fn the_shipped_library_is_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = out_dir("shipped-library");
    let _ = std::fs::remove_dir_all(&dir);
    let src = shapes_folder(
        &dir,
        &[
            ("cube", "calibration-cube"),
            ("temp-tower", "temperature-tower"),
            ("overhang-test", "overhang-test"),
        ],
    );
    std::fs::copy(root.join("web/library.toml"), src.join("catalog.toml")).unwrap();
    let out = dir.join("library");
    let o = lamina(&[
        "catalog",
        "build",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    let shipped = root.join("web/library");
    let c =
        lamina::engine::catalog::parse(&std::fs::read(out.join("catalog.json")).unwrap()).unwrap();
    let mut paths = vec!["catalog.json".to_string()];
    for m in &c.models {
        paths.push(m.thumbnail.clone());
        paths.push(m.files[0].url.clone());
    }
    for p in paths {
        assert_eq!(
            std::fs::read(out.join(&p)).unwrap(),
            std::fs::read(shipped.join(&p)).unwrap_or_default(),
            "web/library/{p} is out of date: run scripts/library.sh"
        );
    }
}

#[test]
fn orient_lists_the_best_ways_to_stand_and_slice_prints_checks() {
    let u = model("U_overhang.obj");
    let o = lamina(&["orient", u.to_str().unwrap()]);
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        stdout.contains("as given: overhanging surface 90 mm²"),
        "{stdout}"
    );
    assert!(stdout.contains("  1. turn 90° about"), "{stdout}");
    assert!(stdout.contains("): overhanging surface 0 mm²"), "{stdout}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("  ") && l.contains(". turn"))
            .count(),
        3
    );
    fails_with(
        &["orient", u.to_str().unwrap(), "--threshold", "120"],
        "degrees from 0 to 90",
    );
    fails_with(&["orient"], "needs a model file");

    let out = out_dir("cli-checks").join("u.gcode");
    let o = lamina(&["slice", u.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        stdout.contains("check: Layer") && stdout.contains("overhang steeper than 45°"),
        "{stdout}"
    );
}

/// Filament (mm) extruded while moving from the line that starts layer `from` (0-based
/// `;LAYER:`) on, in a file with relative extrusion.
fn filament_from(gcode: &str, from: usize) -> f64 {
    let start = gcode
        .find(&format!(";LAYER:{from}\n"))
        .expect("the layer is in the file");
    gcode[start..]
        .lines()
        .filter(|l| l.starts_with("G1 ") || l.starts_with("G2 ") || l.starts_with("G3 "))
        .map(|l| l.split(';').next().unwrap())
        .filter(|c| c.contains(" X") || c.contains(" Y"))
        .filter_map(|c| gcode_word(c, 'E'))
        .filter(|e| *e > 0.0)
        .sum()
}

/// `lamina resume`: a print from layer 50 of a cube, for Marlin and Klipper: heated to the
/// layer's temperatures, X and Y homed and never Z, and exactly the layers from 50 on, with
/// their plastic; a layer outside the print is refused by name.
#[test]
fn resume_goes_on_from_a_layer_after_homing_x_and_y() {
    let dir = out_dir("cli-resume");
    let cube = model("20mm_cube.obj");
    for flavour in ["marlin2", "klipper"] {
        let full = dir.join(format!("cube-{flavour}.gcode"));
        let part = dir.join(format!("cube-{flavour}-from-50.gcode"));
        let flavour_set = format!("gcode_flavor={flavour}");
        cli_slice(&cube, &full, &[flavour_set.as_str()]);
        let o = lamina(&[
            "resume",
            full.to_str().unwrap(),
            "--layer",
            "50",
            "-o",
            part.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
        let (whole, resumed) = (
            std::fs::read_to_string(&full).unwrap(),
            std::fs::read_to_string(&part).unwrap(),
        );
        let before = &resumed[..resumed.find(";LAYER_CHANGE").unwrap()];
        for line in ["M190 S60", "M109 S205", "G28 X Y"] {
            assert!(
                before.lines().any(|l| l.starts_with(line)),
                "{flavour}: {line}"
            );
        }
        // No full homing, no first-layer heat, no prime line: only the header's comments
        // (which quote the start G-code) mention them.
        let commands: Vec<&str> = before
            .lines()
            .map(|l| l.split(';').next().unwrap().trim())
            .filter(|c| !c.is_empty())
            .collect();
        assert!(
            !commands
                .iter()
                .any(|c| *c == "G28" || c.starts_with("M109 S210") || c.contains(" E10 ")),
            "{flavour}: {commands:?}"
        );
        let report = check(&part, Some(&cube));
        assert_eq!(report["layers"], 51, "{report}");
        assert_eq!(report["first_z"], 10.0, "{report}");
        assert!(report["flags"].as_array().unwrap().is_empty(), "{report}");
        assert_eq!(report["outside_share"], 0.0, "{report}");
        let (kept, expected) = (filament_from(&resumed, 49), filament_from(&whole, 49));
        assert!((kept - expected).abs() < 1e-6, "{kept} against {expected}");
        assert!(
            (report["filament_mm"].as_f64().unwrap() - expected).abs() < 0.5,
            "{report}"
        );
        fails_with(
            &[
                "resume",
                full.to_str().unwrap(),
                "--layer",
                "101",
                "-o",
                "x.gcode",
            ],
            "layer 101 is not in the print: it has layers 1 to 100",
        );
    }
}
