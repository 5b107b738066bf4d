//! The correctness bar: every shared model and every generated test shape, sliced with the
//! default presets, passes the independent checker (../shared/tools/gcode_check.py) with no
//! flags, stays inside the model (outside_share ≤ 0.002), has PrusaSlicer's layer count
//! (±1 for a sliver of a top layer) and extrudes within ±10% of PrusaSlicer 2.5's volume at
//! matched settings. The prime line of the start G-code is left out of the volume.

mod common;

use common::*;
use std::path::Path;

fn run_case(path: &Path) {
    let (gcode, out) = slice_file(path, "models");
    let report = check(&gcode, Some(path));
    let name = path.display();
    let flags = report["flags"].as_array().expect("flags");
    assert!(flags.is_empty(), "{name}: checker flags {flags:?}");
    let outside = report["outside_share"].as_f64().expect("outside_share");
    assert!(
        outside <= 0.002,
        "{name}: {outside} of the extrusion lies outside the model"
    );

    let reference = prusaslicer(path);
    let layers = report["layers"].as_i64().expect("layers");
    let prusa_layers = reference.report["layers"]
        .as_i64()
        .expect("reference layers");
    assert!(
        (layers - prusa_layers).abs() <= 1,
        "{name}: {layers} layers, PrusaSlicer {prusa_layers}"
    );
    assert!(
        (layers - out.stats.layers as i64).abs() <= 1,
        "{name}: {layers} layers extrude, {} planned",
        out.stats.layers
    );

    let ours = model_volume_ratio(&report, &gcode);
    let theirs = reference.report["volume_ratio"]
        .as_f64()
        .expect("reference volume ratio");
    let diff = ours / theirs - 1.0;
    assert!(
        diff.abs() <= 0.10,
        "{name}: volume ratio {ours:.4} vs PrusaSlicer {theirs:.4} ({:+.1}%)",
        diff * 100.0
    );
}

macro_rules! shared_models {
    ($($test:ident => $file:literal,)*) => {$(
        #[test]
        fn $test() {
            run_case(&model($file));
        }
    )*};
}

macro_rules! generated_shapes {
    ($($test:ident => $shape:literal,)*) => {$(
        #[test]
        fn $test() {
            run_case(&shape_file("shapes", $shape));
        }
    )*};
}

shared_models! {
    benchy => "3DBenchy.3mf",
    cube_obj => "20mm_cube.obj",
    box_ascii_crlf => "20mmbox-CRLF.stl",
    prusa_logo => "Prusa.stl",
    u_overhang => "U_overhang.obj",
    bridge => "bridge.obj",
    cube_with_hole => "cube_with_hole.obj",
    ipad_stand => "ipadstand.obj",
    overhang => "overhang.obj",
    sloping_hole => "sloping_hole.obj",
    small_dorito => "small_dorito.obj",
    two_hollow_squares => "two_hollow_squares.obj",
}

generated_shapes! {
    shape_cube => "cube",
    shape_sphere => "sphere",
    shape_torus => "torus",
    shape_thin_walled_box => "thin-box",
    shape_many_small_islands => "islands",
    shape_plate_with_holes => "holes",
    shape_overhang_needing_support => "overhang",
    shape_box_with_a_cavity => "cavity-box",
    shape_sphere_with_a_void => "void-sphere",
    shape_solid_nested_in_a_solid => "nested-solid",
    shape_disc_with_300_holes => "holed-disc",
    shape_plate_of_50_parts => "parts-plate",
    shape_crossing_fins => "crossing-fins",
}
