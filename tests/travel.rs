//! Travel and retractions against PrusaSlicer 2.5 on the same file at matched settings
//! (`common::PRUSA_ARGS`): at most 1.1× PrusaSlicer's travel distance and retraction count
//! within the print (`common::print_moves`: the start and end G-code's moves are the
//! printer profile's), on every shared and generated model.

mod common;

use common::*;
use std::path::Path;

fn within_bar(path: &Path) {
    let (gcode, _) = slice_file(path, "travel");
    let ours = print_moves(&gcode);
    let theirs = print_moves(&prusaslicer(path).gcode);
    let name = path.display();
    for (key, a, b) in [
        ("travel mm", ours.0, theirs.0),
        ("retractions", ours.1 as f64, theirs.1 as f64),
    ] {
        assert!(
            a <= 1.1 * b + 1.0,
            "{name}: {key} {a:.0}, PrusaSlicer {b:.0} ({:.2}×)",
            a / b
        );
    }
}

#[test]
fn shared_models_travel_no_more_than_prusaslicer() {
    for m in shared_models() {
        within_bar(&m);
    }
}

#[test]
fn generated_models_travel_no_more_than_prusaslicer() {
    for s in [
        "sphere",
        "torus",
        "thin-box",
        "islands",
        "holes",
        "cavity-box",
        "void-sphere",
        "nested-solid",
        "crossing-fins",
        "holed-disc",
        "parts-plate",
        "wedge",
        "strokes",
        "wall-boxes",
        "pin",
    ] {
        within_bar(&shape_file("travel-shapes", s));
    }
}
