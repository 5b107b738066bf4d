//! Travel and retractions against PrusaSlicer 2.5 on the same file at matched settings
//! (`common::PRUSA_ARGS`): on the models where Lamina meets the bar (at most 1.1× PrusaSlicer's
//! travel distance and retraction count), it keeps meeting it. QUALITY.md lists every model,
//! including those still above it.

mod common;

use common::*;
use std::path::Path;

fn within_bar(path: &Path) {
    let (gcode, _) = slice_file(path, "travel");
    let ours = check(&gcode, Some(path));
    let theirs = prusaslicer(path).report;
    let name = path.display();
    for key in ["travel_mm", "retractions"] {
        let (a, b) = (ours[key].as_f64().unwrap(), theirs[key].as_f64().unwrap());
        assert!(
            a <= 1.1 * b + 1.0,
            "{name}: {key} {a:.0}, PrusaSlicer {b:.0} ({:.2}×)",
            a / b
        );
    }
}

#[test]
fn shared_models_travel_no_more_than_prusaslicer() {
    for m in [
        "20mm_cube.obj",
        "bridge.obj",
        "cube_with_hole.obj",
        "overhang.obj",
        "sloping_hole.obj",
    ] {
        within_bar(&model(m));
    }
}

#[test]
fn benchy_travels_no_more_than_prusaslicer() {
    within_bar(&model("3DBenchy.3mf"));
}

#[test]
fn generated_models_travel_no_more_than_prusaslicer() {
    for s in [
        "torus",
        "islands",
        "cavity-box",
        "nested-solid",
        "parts-plate",
    ] {
        within_bar(&shape_file("travel-shapes", s));
    }
}
