//! Mapping and importing other slicers' settings, on configs as they write them.

use super::*;
use crate::engine::settings::{Preset, PresetKind};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn prusa_keys_map_with_percentages_and_lists() {
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("fill_density", "35%"),
            ("perimeters", "3"),
            ("bed_shape", "0x0,250x0,250x210,0x210"),
            ("nozzle_diameter", "0.6,0.4"),
            ("external_perimeter_extrusion_width", "112.5%"),
            ("perimeter_speed", "60"),
            ("external_perimeter_speed", "50%"),
            ("infill_speed", "100"),
            ("solid_infill_speed", "80%"),
            ("top_solid_infill_speed", "50%"),
            ("fill_pattern", "gyroid"),
            ("top_fill_pattern", "hilbertcurve"),
            ("start_gcode", "M104 S[first_layer_temperature]"),
            ("wipe_tower", "1"),
            ("gcode_flavor", "marlin"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("fill_density"), Some("35"));
    assert_eq!(m.get("perimeters"), Some("3"));
    assert_eq!(m.get("bed_size_x"), Some("250"));
    assert_eq!(m.get("bed_size_y"), Some("210"));
    assert_eq!(m.get("origin_at_center"), Some("false"));
    assert_eq!(m.get("nozzle_diameter"), Some("0.6"));
    // 112.5% of the config's own nozzle, not the default one.
    assert_eq!(m.get("external_perimeter_extrusion_width"), Some("0.675"));
    assert_eq!(m.get("external_perimeter_speed"), Some("30"));
    assert_eq!(m.get("solid_infill_speed"), Some("80"));
    assert_eq!(m.get("top_solid_infill_speed"), Some("40"));
    assert_eq!(m.get("fill_pattern"), Some("gyroid"));
    assert_eq!(m.get("gcode_flavor"), Some("marlin2"));
    let ignored: Vec<&str> = m.ignored.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(ignored, ["start_gcode", "top_fill_pattern", "wipe_tower"]);
    assert!(
        m.ignored_summary(2)
            .unwrap()
            .starts_with("3 settings not used: ")
    );
}

#[test]
fn infill_anchors_as_a_share_of_the_infill_width() {
    // PrusaSlicer's default: 600% of the infill line; an automatic width (0) is 1.125 × the
    // nozzle, as PrusaSlicer works it out.
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("infill_anchor", "600%"),
            ("infill_anchor_max", "12"),
            ("infill_extrusion_width", "0"),
            ("nozzle_diameter", "0.4"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("infill_anchor"), Some("2.7"));
    assert_eq!(m.get("infill_anchor_max"), Some("12"));
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("infill_anchor", "400%"),
            ("sparse_infill_line_width", "0.5"),
            ("internal_solid_infill_pattern", "monotonic"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("infill_anchor"), Some("2"));
    assert_eq!(m.get("internal_solid_infill_pattern"), Some("monotonic"));
}

#[test]
fn out_of_range_values_are_listed_not_taken() {
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("layer_height", "7"), ("perimeters", "2")]),
        &Settings::default(),
    );
    assert_eq!(m.get("layer_height"), None);
    assert_eq!(m.get("perimeters"), Some("2"));
    assert!(m.ignored[0].1.contains("out of range"), "{:?}", m.ignored);
}

#[test]
fn orca_json_maps() {
    let json: serde_json::Value = serde_json::from_str(
        r#"{"type": "process", "name": "0.16 fine copy", "inherits": "0.16mm Optimal @Creality",
            "wall_loops": "4", "sparse_infill_density": "25%", "sparse_infill_pattern": "zig-zag",
            "seam_position": "back", "outer_wall_line_width": "105%", "brim_type": "no_brim",
            "enable_support": "1", "wall_sequence": "outer wall/inner wall",
            "printable_area": ["-110x-110", "110x-110", "110x110", "-110x110"],
            "nozzle_temperature": ["215", "215"], "tree_support_branch_angle": "40",
            "tree_support_wall_count": "2"}"#,
    )
    .unwrap();
    let m = map(
        Dialect::Orca,
        &json_pairs(&json).unwrap(),
        &Settings::default(),
    );
    assert_eq!(m.get("perimeters"), Some("4"));
    assert_eq!(m.get("fill_density"), Some("25"));
    assert_eq!(m.get("fill_pattern"), Some("rectilinear"));
    assert_eq!(m.get("seam_position"), Some("rear"));
    assert_eq!(m.get("external_perimeter_extrusion_width"), Some("0.42"));
    assert_eq!(m.get("brim_type"), Some("no_brim"));
    assert_eq!(m.get("support_material"), Some("true"));
    assert_eq!(m.get("wall_sequence"), Some("outer_inner"));
    assert_eq!(m.get("bed_size_x"), Some("220"));
    assert_eq!(m.get("origin_at_center"), Some("true"));
    assert_eq!(m.get("temperature"), Some("215"));
    assert_eq!(m.get("support_tree_angle"), Some("40"));
    assert!(
        m.ignored
            .iter()
            .any(|(k, _)| k == "tree_support_wall_count")
    );
}

#[test]
fn ini_sections_and_comments() {
    let s = parse_ini(
        "# generated by PrusaSlicer\n[print:Fine]\nlayer_height = 0.1\n\n[filament:PLA]\ntemperature = 210\nstart_filament_gcode = \"; a\\nG1\"\n",
        false,
    );
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].header.as_deref(), Some("print:Fine"));
    assert_eq!(s[1].pairs[1].1, "\"; a\nG1\"");
    let c = parse_ini(
        "; generated by PrusaSlicer\n; fill_density = 15%\nG1 X1\n",
        true,
    );
    assert_eq!(c[0].pairs, pairs(&[("fill_density", "15%")]));
}

fn ids() -> impl FnMut(PresetKind, &str) -> String {
    let mut n = 0;
    move |kind, _| {
        n += 1;
        format!("user-{}-{n}", kind.name())
    }
}

#[test]
fn prusa_bundle_gives_one_preset_per_section() {
    let bundle = "[print:My fine]\nlayer_height = 0.12\nperimeters = 3\nfill_density = 15%\ntemperature = 250\n\n\
                  [filament:My PETG]\ninherits = Prusament PETG\ntemperature = 240\nbed_temperature = 85\nfilament_type = PETG\n\n\
                  [printer:My MK3]\nbed_shape = 0x0,250x0,250x210,0x210\nmax_print_height = 210\nnozzle_diameter = 0.4\nprinter_model = MK3S\n\n\
                  [presets]\nprint = My fine\n";
    let got = import_presets("bundle.ini", bundle.as_bytes(), &mut ids()).unwrap();
    assert_eq!(got.len(), 3);
    let process = &got[0];
    assert_eq!(process.preset.kind, PresetKind::Process);
    assert_eq!(process.preset.name, "My fine");
    assert!(
        process
            .preset
            .values
            .contains(&("layer_height".into(), "0.12".into()))
    );
    // A filament key in a print section is not taken into the process preset.
    assert!(process.ignored.iter().any(|(k, _)| k == "temperature"));
    assert_eq!(got[1].preset.kind, PresetKind::Filament);
    assert!(got[1].notes[0].contains("Prusament PETG"));
    assert_eq!(got[2].preset.kind, PresetKind::Printer);
    assert!(
        got[2]
            .preset
            .values
            .contains(&("bed_size_x".into(), "250".into()))
    );
    assert!(got[2].ignored.iter().any(|(k, _)| k == "printer_model"));
}

#[test]
fn lamina_preset_files_round_trip() {
    let preset = Preset {
        id: "user-1".into(),
        name: "Mine".into(),
        kind: PresetKind::Filament,
        inherits: None,
        values: vec![("temperature".into(), "230".into())],
    };
    let file = preset.to_file();
    let got = import_presets("mine.toml", file.as_bytes(), &mut ids()).unwrap();
    assert_eq!(got[0].preset.kind, PresetKind::Filament);
    assert_eq!(got[0].preset.name, "Mine");
    assert_eq!(got[0].preset.values, preset.values);
}

#[test]
fn bad_files_say_what_is_wrong() {
    let e = import_presets("x.json", b"{not json", &mut ids()).unwrap_err();
    assert!(e.to_string().starts_with("x.json: bad JSON"), "{e}");
    let e = import_presets("x.json", br#"{"type": "sla"}"#, &mut ids()).unwrap_err();
    assert_eq!(e.to_string(), "x.json: unknown preset type 'sla'");
    let e = import_presets("x.ini", b"nothing = here\n", &mut ids()).unwrap_err();
    assert_eq!(e.to_string(), "x.ini: no settings Lamina can use");
    let e = import_presets("x.ini", &[0xff, 0xfe, 0], &mut ids()).unwrap_err();
    assert_eq!(e.to_string(), "x.ini: not a text file");
}

#[test]
fn arachne_settings_map_from_both_slicers() {
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("perimeter_generator", "classic"),
            ("wall_transition_length", "120%"),
            ("min_bead_width", "0.3"),
            ("wall_transition_angle", "12"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("perimeter_generator"), Some("classic"));
    assert_eq!(m.get("wall_transition_length"), Some("120"));
    assert_eq!(m.get("wall_transition_angle"), Some("12"));
    // An absolute width is named, not misread as a percentage.
    assert_eq!(m.get("min_bead_width"), None);
    assert!(
        m.ignored
            .iter()
            .any(|(k, why)| k == "min_bead_width" && why.contains("percentage of the nozzle")),
        "{:?}",
        m.ignored
    );
    let json: serde_json::Value = serde_json::from_str(
        r#"{"type": "process", "wall_generator": "arachne", "min_feature_size": "30%",
            "wall_distribution_count": "2", "wall_transition_filter_deviation": "20%"}"#,
    )
    .unwrap();
    let m = map(
        Dialect::Orca,
        &json_pairs(&json).unwrap(),
        &Settings::default(),
    );
    assert_eq!(m.get("perimeter_generator"), Some("arachne"));
    assert_eq!(m.get("min_feature_size"), Some("30"));
    assert_eq!(m.get("wall_distribution_count"), Some("2"));
    assert_eq!(m.get("wall_transition_filter_deviation"), Some("20"));
}

#[test]
fn tree_supports_map_from_prusaslicer_and_orca() {
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("support_material_style", "organic"),
            ("support_tree_angle", "45"),
            ("support_tree_top_rate", "30%"),
            ("support_tree_tip_diameter", "1"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("support_material_style"), Some("organic"));
    assert_eq!(m.get("support_tree_angle"), Some("45"));
    assert_eq!(m.get("support_tree_top_rate"), Some("30"));
    assert_eq!(m.get("support_tree_tip_diameter"), Some("1"));
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("support_style", "tree_hybrid"),
            ("support_type", "tree(auto)"),
            ("tree_support_branch_angle", "35"),
            ("tree_support_branch_diameter", "3"),
            ("tree_support_angle_slow", "20"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("support_material_style"), Some("organic"));
    assert_eq!(m.get("support_tree_angle"), Some("35"));
    assert_eq!(m.get("support_tree_branch_diameter"), Some("3"));
    assert_eq!(m.get("support_tree_angle_slow"), Some("20"));
    let m = map(
        Dialect::Orca,
        &pairs(&[("support_type", "normal(auto)")]),
        &Settings::default(),
    );
    assert_eq!(m.get("support_material_style"), Some("grid"));
    // "manual": enforcers only.
    let m = map(
        Dialect::Orca,
        &pairs(&[("support_type", "tree(manual)")]),
        &Settings::default(),
    );
    assert_eq!(m.get("support_material_style"), Some("organic"));
    assert_eq!(m.get("support_material_auto"), Some("false"));
}

#[test]
fn thumbnails_map_from_prusaslicer_and_orca() {
    let prusa =
        |list: &[(&str, &str)]| map(Dialect::PrusaSlicer, &pairs(list), &Settings::default());
    // PrusaSlicer 2.6+: sizes with their formats.
    let m = prusa(&[("thumbnails", "16x16/QOI, 220x124/PNG")]);
    assert_eq!(m.get("thumbnails"), Some("16x16/QOI, 220x124/PNG"));
    // Before 2.6: sizes, and one format for them all.
    let m = prusa(&[
        ("thumbnails", "16x16,220x124"),
        ("thumbnails_format", "JPG"),
    ]);
    assert_eq!(m.get("thumbnails"), Some("16x16/JPG, 220x124/JPG"));
    assert!(m.ignored.is_empty(), "{:?}", m.ignored);
    // OrcaSlicer: the same pair of keys; a format Lamina does not write is named.
    let orca = |list: &[(&str, &str)]| map(Dialect::Orca, &pairs(list), &Settings::default());
    let m = orca(&[
        ("thumbnails", "96x96, 300x300"),
        ("thumbnails_format", "PNG"),
    ]);
    assert_eq!(m.get("thumbnails"), Some("96x96/PNG, 300x300/PNG"));
    let m = orca(&[("thumbnails", "200x200"), ("thumbnails_format", "ColPic")]);
    assert_eq!(m.get("thumbnails"), None);
    assert!(
        m.ignored
            .iter()
            .any(|(k, why)| k == "thumbnails" && why.contains("ColPic")),
        "{:?}",
        m.ignored
    );
}

#[test]
fn brim_type_and_separation_map_from_prusaslicer_and_orca() {
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("brim_type", "outer_and_inner"), ("brim_separation", "0.5")]),
        &Settings::default(),
    );
    assert_eq!(m.get("brim_type"), Some("outer_and_inner"));
    assert_eq!(m.get("brim_separation"), Some("0.5"));
    let m = map(
        Dialect::Orca,
        &pairs(&[("brim_type", "auto_brim"), ("brim_object_gap", "0.1")]),
        &Settings::default(),
    );
    assert_eq!(m.get("brim_type"), Some("outer_only"));
    assert_eq!(m.get("brim_separation"), Some("0.1"));
    // Orca's brim ears, with their corner angle and detection length.
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("brim_type", "brim_ears"),
            ("brim_ears_max_angle", "100"),
            ("brim_ears_detection_length", "2"),
        ]),
        &Settings::default(),
    );
    assert_eq!(m.get("brim_type"), Some("brim_ears"));
    assert_eq!(m.get("brim_ears_max_angle"), Some("100"));
    assert_eq!(m.get("brim_ears_detection_length"), Some("2"));
}

#[test]
fn arc_fitting_maps_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("arc_fitting", "emit_center")]),
        &base,
    );
    assert_eq!(m.get("arc_fitting"), Some("emit_center"));
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("arc_fitting", "disabled")]),
        &base,
    );
    assert_eq!(m.get("arc_fitting"), Some("disabled"));
    let m = map(Dialect::Orca, &pairs(&[("enable_arc_fitting", "1")]), &base);
    assert_eq!(m.get("arc_fitting"), Some("emit_center"));
    let m = map(Dialect::Orca, &pairs(&[("enable_arc_fitting", "0")]), &base);
    assert_eq!(m.get("arc_fitting"), Some("disabled"));
}

#[test]
fn ironing_maps_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("ironing", "1"),
            ("ironing_type", "topmost"),
            ("ironing_flowrate", "12%"),
            ("ironing_spacing", "0.15"),
            ("ironing_speed", "20"),
        ]),
        &base,
    );
    assert_eq!(m.get("ironing"), Some("true"));
    assert_eq!(m.get("ironing_type"), Some("topmost"));
    assert_eq!(m.get("ironing_flowrate"), Some("12"));
    assert_eq!(m.get("ironing_spacing"), Some("0.15"));
    assert_eq!(m.get("ironing_speed"), Some("20"));
    assert!(m.ignored.is_empty(), "{:?}", m.ignored);
    let m = map(
        Dialect::Orca,
        &pairs(&[("ironing_type", "solid"), ("ironing_flow", "10%")]),
        &base,
    );
    assert_eq!(m.get("ironing"), Some("true"));
    assert_eq!(m.get("ironing_type"), Some("solid"));
    assert_eq!(m.get("ironing_flowrate"), Some("10"));
    let m = map(
        Dialect::Orca,
        &pairs(&[("ironing_type", "no ironing")]),
        &base,
    );
    assert_eq!(m.get("ironing"), Some("false"));
}

#[test]
fn spiral_vase_maps_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(Dialect::PrusaSlicer, &pairs(&[("spiral_vase", "1")]), &base);
    assert_eq!(m.get("spiral_vase"), Some("true"));
    let m = map(Dialect::Orca, &pairs(&[("spiral_mode", "1")]), &base);
    assert_eq!(m.get("spiral_vase"), Some("true"));
    // And infill before walls.
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("infill_first", "1")]),
        &base,
    );
    assert_eq!(m.get("infill_first"), Some("true"));
    let m = map(Dialect::Orca, &pairs(&[("is_infill_first", "1")]), &base);
    assert_eq!(m.get("infill_first"), Some("true"));
}

#[test]
fn fuzzy_skin_maps_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("fuzzy_skin", "external"),
            ("fuzzy_skin_thickness", "0.2"),
            ("fuzzy_skin_point_dist", "0.5"),
        ]),
        &base,
    );
    assert_eq!(m.get("fuzzy_skin"), Some("external"));
    assert_eq!(m.get("fuzzy_skin_thickness"), Some("0.2"));
    assert_eq!(m.get("fuzzy_skin_point_dist"), Some("0.5"));
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("fuzzy_skin", "allwalls"),
            ("fuzzy_skin_point_distance", "0.6"),
        ]),
        &base,
    );
    assert_eq!(m.get("fuzzy_skin"), Some("all"));
    assert_eq!(m.get("fuzzy_skin_point_dist"), Some("0.6"));
}

#[test]
fn size_and_hole_compensation_map_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("xy_size_compensation", "-0.05")]),
        &base,
    );
    assert_eq!(m.get("xy_size_compensation"), Some("-0.05"));
    // Orca moves the contour alone: Lamina's size compensation moves the holes too, so
    // their own compensation takes the difference.
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("xy_contour_compensation", "-0.05"),
            ("xy_hole_compensation", "0.1"),
        ]),
        &base,
    );
    assert_eq!(m.get("xy_size_compensation"), Some("-0.05"));
    assert_eq!(m.get("xy_hole_compensation"), Some("0.05"));
    assert!(m.ignored.is_empty(), "{:?}", m.ignored);
}

#[test]
fn scarf_seams_map_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[
            ("scarf_seam_placement", "everywhere"),
            ("scarf_seam_only_on_smooth", "0"),
            ("scarf_seam_start_height", "25%"),
            ("scarf_seam_entire_loop", "1"),
            ("scarf_seam_length", "15"),
            ("scarf_seam_max_segment_length", "0.5"),
            ("scarf_seam_on_inner_perimeters", "1"),
        ]),
        &base,
    );
    assert!(m.ignored.is_empty(), "{:?}", m.ignored);
    assert_eq!(m.get("scarf_seam_placement"), Some("everywhere"));
    assert_eq!(m.get("scarf_seam_only_on_smooth"), Some("false"));
    assert_eq!(m.get("scarf_seam_start_height"), Some("25"));
    assert_eq!(m.get("scarf_seam_entire_loop"), Some("true"));
    assert_eq!(m.get("scarf_seam_length"), Some("15"));
    assert_eq!(m.get("scarf_seam_max_segment_length"), Some("0.5"));
    assert_eq!(m.get("scarf_seam_on_inner_perimeters"), Some("true"));
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("seam_slope_type", "external"),
            ("seam_slope_conditional", "1"),
            ("seam_slope_entire_loop", "0"),
            ("seam_slope_min_length", "12"),
            ("seam_slope_inner_walls", "1"),
        ]),
        &base,
    );
    assert_eq!(m.get("scarf_seam_placement"), Some("contours"));
    assert_eq!(m.get("scarf_seam_only_on_smooth"), Some("true"));
    assert_eq!(m.get("scarf_seam_entire_loop"), Some("false"));
    assert_eq!(m.get("scarf_seam_length"), Some("12"));
    assert_eq!(m.get("scarf_seam_on_inner_perimeters"), Some("true"));
    let m = map(Dialect::Orca, &pairs(&[("seam_slope_type", "all")]), &base);
    assert_eq!(m.get("scarf_seam_placement"), Some("everywhere"));
}

#[test]
fn combined_infill_wall_order_and_polyholes_map_from_prusaslicer_and_orca() {
    let base = Settings::default();
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("infill_every_layers", "3")]),
        &base,
    );
    assert_eq!(m.get("infill_every_layers"), Some("3"));
    let m = map(Dialect::Orca, &pairs(&[("infill_combination", "1")]), &base);
    assert_eq!(m.get("infill_every_layers"), Some("100"));
    let m = map(
        Dialect::Orca,
        &pairs(&[("wall_sequence", "inner-outer-inner wall")]),
        &base,
    );
    assert_eq!(m.get("wall_sequence"), Some("inner_outer_inner"));
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("hole_to_polyhole", "1"),
            ("hole_to_polyhole_threshold", "0.02"),
            ("hole_to_polyhole_twisted", "0"),
        ]),
        &base,
    );
    assert_eq!(m.get("hole_to_polyhole"), Some("true"));
    assert_eq!(m.get("hole_to_polyhole_threshold"), Some("0.02"));
    assert_eq!(m.get("hole_to_polyhole_twisted"), Some("false"));
    let m = map(
        Dialect::Orca,
        &pairs(&[
            ("only_one_wall_top", "1"),
            ("only_one_wall_first_layer", "1"),
            ("precise_outer_wall", "1"),
        ]),
        &base,
    );
    assert_eq!(m.get("top_one_perimeter_type"), Some("top"));
    assert_eq!(m.get("only_one_perimeter_first_layer"), Some("true"));
    assert_eq!(m.get("precise_outer_wall"), Some("true"));
    let m = map(
        Dialect::PrusaSlicer,
        &pairs(&[("top_one_perimeter_type", "topmost")]),
        &base,
    );
    assert_eq!(m.get("top_one_perimeter_type"), Some("topmost"));
}
