//! The declaration tables: which PrusaSlicer and OrcaSlicer keys map onto which Lamina keys,
//! and how their values convert.

use super::Conv;

/// PrusaSlicer keys that differ from Lamina's (others with a Lamina key map as they are).
pub(super) const PRUSA: &[(&str, &str, Conv)] = &[
    // PrusaSlicer's switch is two of Lamina's (OrcaSlicer's) three wall orders.
    (
        "external_perimeters_first",
        "wall_sequence",
        Conv::Words(&[("1", "outer_inner"), ("0", "inner_outer")]),
    ),
    ("bed_shape", "bed_size_x", Conv::BedSize(0)),
    ("bed_shape", "bed_size_y", Conv::BedSize(1)),
    ("bed_shape", "origin_at_center", Conv::BedCentred),
    (
        "gcode_flavor",
        "gcode_flavor",
        Conv::Words(&[
            ("marlin2", "marlin2"),
            ("marlin", "marlin2"),
            ("marlinlegacy", "marlin2"),
            ("klipper", "klipper"),
            ("reprapfirmware", "reprapfirmware"),
        ]),
    ),
    (
        "machine_limits_usage",
        "emit_machine_limits",
        Conv::Is("emit_to_gcode"),
    ),
    (
        "filament_max_volumetric_speed",
        "max_volumetric_speed",
        Conv::Same,
    ),
    (
        "fill_pattern",
        "fill_pattern",
        Conv::Words(&[
            ("rectilinear", "rectilinear"),
            ("alignedrectilinear", "rectilinear"),
            ("line", "line"),
            ("grid", "grid"),
            ("triangles", "triangles"),
            ("gyroid", "gyroid"),
            ("honeycomb", "honeycomb"),
            ("concentric", "concentric"),
        ]),
    ),
    // 2.6's alphas also wrote arcs by their radius; Lamina writes the centre.
    (
        "arc_fitting",
        "arc_fitting",
        Conv::Words(&[
            ("disabled", "disabled"),
            ("emit_center", "emit_center"),
            ("emit_radius", "emit_center"),
        ]),
    ),
    ("top_fill_pattern", "top_fill_pattern", Conv::Words(SOLID)),
    (
        "bottom_fill_pattern",
        "bottom_fill_pattern",
        Conv::Words(SOLID),
    ),
];

const SOLID: &[(&str, &str)] = &[
    ("rectilinear", "rectilinear"),
    ("alignedrectilinear", "rectilinear"),
    ("monotonic", "monotonic"),
    ("monotonicline", "monotonic"),
    ("concentric", "concentric"),
    ("zig-zag", "rectilinear"),
];

/// PrusaSlicer keys Lamina has but must not take from another slicer: the custom G-code
/// templates use PrusaSlicer's macro language, which Lamina's placeholders do not read.
pub(super) const PRUSA_SKIP: &[&str] = &["start_gcode", "end_gcode", "before_layer_gcode"];

/// Variable-width wall lengths both slicers write as a percentage of the nozzle (the same
/// keys in both).
pub(super) const ARACHNE: &[(&str, &str, Conv)] = &[
    (
        "wall_transition_length",
        "wall_transition_length",
        Conv::NozzlePercent,
    ),
    (
        "wall_transition_filter_deviation",
        "wall_transition_filter_deviation",
        Conv::NozzlePercent,
    ),
    ("min_feature_size", "min_feature_size", Conv::NozzlePercent),
    ("min_bead_width", "min_bead_width", Conv::NozzlePercent),
];

/// OrcaSlicer (and Bambu Studio, Creality Print) keys → Lamina keys.
pub(super) const ORCA: &[(&str, &str, Conv)] = &[
    // Printer.
    ("printable_area", "bed_size_x", Conv::BedSize(0)),
    ("printable_area", "bed_size_y", Conv::BedSize(1)),
    ("printable_area", "origin_at_center", Conv::BedCentred),
    ("printable_height", "max_print_height", Conv::Same),
    ("nozzle_diameter", "nozzle_diameter", Conv::Same),
    ("z_offset", "z_offset", Conv::Same),
    (
        "gcode_flavor",
        "gcode_flavor",
        Conv::Words(&[
            ("marlin2", "marlin2"),
            ("marlin", "marlin2"),
            ("klipper", "klipper"),
            ("reprapfirmware", "reprapfirmware"),
        ]),
    ),
    (
        "use_relative_e_distances",
        "use_relative_e_distances",
        Conv::Same,
    ),
    ("thumbnails", "thumbnails", Conv::Same),
    (
        "emit_machine_limits_to_gcode",
        "emit_machine_limits",
        Conv::Same,
    ),
    ("machine_max_speed_x", "machine_max_feedrate_x", Conv::Same),
    ("machine_max_speed_y", "machine_max_feedrate_y", Conv::Same),
    ("machine_max_speed_z", "machine_max_feedrate_z", Conv::Same),
    ("machine_max_speed_e", "machine_max_feedrate_e", Conv::Same),
    (
        "machine_max_acceleration_x",
        "machine_max_acceleration_x",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_y",
        "machine_max_acceleration_y",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_z",
        "machine_max_acceleration_z",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_e",
        "machine_max_acceleration_e",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_extruding",
        "machine_max_acceleration_extruding",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_retracting",
        "machine_max_acceleration_retracting",
        Conv::Same,
    ),
    (
        "machine_max_acceleration_travel",
        "machine_max_acceleration_travel",
        Conv::Same,
    ),
    ("machine_max_jerk_x", "machine_max_jerk_x", Conv::Same),
    ("machine_max_jerk_y", "machine_max_jerk_y", Conv::Same),
    ("machine_max_jerk_z", "machine_max_jerk_z", Conv::Same),
    ("machine_max_jerk_e", "machine_max_jerk_e", Conv::Same),
    ("retraction_length", "retract_length", Conv::Same),
    ("retraction_speed", "retract_speed", Conv::Same),
    ("deretraction_speed", "deretract_speed", Conv::Same),
    (
        "retraction_minimum_travel",
        "retract_before_travel",
        Conv::Same,
    ),
    ("z_hop", "retract_lift", Conv::Same),
    (
        "retract_when_changing_layer",
        "retract_layer_change",
        Conv::Same,
    ),
    ("wipe", "wipe", Conv::Same),
    ("wipe_distance", "wipe_distance", Conv::Same),
    // Filament.
    ("filament_type", "filament_type", Conv::Same),
    ("filament_diameter", "filament_diameter", Conv::Same),
    ("filament_density", "filament_density", Conv::Same),
    ("filament_cost", "filament_cost", Conv::Same),
    ("filament_flow_ratio", "extrusion_multiplier", Conv::Same),
    (
        "filament_max_volumetric_speed",
        "max_volumetric_speed",
        Conv::Same,
    ),
    // Orca's pressure advance (PrusaSlicer has none).
    (
        "enable_pressure_advance",
        "enable_pressure_advance",
        Conv::Same,
    ),
    ("pressure_advance", "pressure_advance", Conv::Same),
    ("nozzle_temperature", "temperature", Conv::Same),
    (
        "nozzle_temperature_initial_layer",
        "first_layer_temperature",
        Conv::Same,
    ),
    ("hot_plate_temp", "bed_temperature", Conv::Same),
    (
        "hot_plate_temp_initial_layer",
        "first_layer_bed_temperature",
        Conv::Same,
    ),
    ("fan_min_speed", "min_fan_speed", Conv::Same),
    ("fan_max_speed", "max_fan_speed", Conv::Same),
    ("overhang_fan_speed", "bridge_fan_speed", Conv::Same),
    (
        "close_fan_the_first_x_layers",
        "disable_fan_first_layers",
        Conv::Same,
    ),
    ("full_fan_speed_layer", "full_fan_speed_layer", Conv::Same),
    ("fan_cooling_layer_time", "fan_below_layer_time", Conv::Same),
    (
        "slow_down_layer_time",
        "slowdown_below_layer_time",
        Conv::Same,
    ),
    ("slow_down_min_speed", "min_print_speed", Conv::Same),
    (
        "filament_retraction_length",
        "filament_retract_length",
        Conv::Same,
    ),
    (
        "filament_retraction_speed",
        "filament_retract_speed",
        Conv::Same,
    ),
    ("filament_z_hop", "filament_retract_lift", Conv::Same),
    // Process.
    ("layer_height", "layer_height", Conv::Same),
    (
        "initial_layer_print_height",
        "first_layer_height",
        Conv::Same,
    ),
    ("wall_loops", "perimeters", Conv::Same),
    (
        "wall_sequence",
        "wall_sequence",
        Conv::Words(&[
            ("inner wall/outer wall", "inner_outer"),
            ("outer wall/inner wall", "outer_inner"),
            ("inner-outer-inner wall", "inner_outer_inner"),
        ]),
    ),
    (
        "seam_position",
        "seam_position",
        Conv::Words(&[
            ("aligned", "aligned"),
            ("nearest", "nearest"),
            ("back", "rear"),
            ("random", "random"),
        ]),
    ),
    // Orca's sloped seam: its "external" is the contours, "all" holes too. Its start height
    // may be in millimetres, so it keeps Lamina's.
    (
        "seam_slope_type",
        "scarf_seam_placement",
        Conv::Words(&[
            ("none", "nowhere"),
            ("external", "contours"),
            ("all", "everywhere"),
        ]),
    ),
    (
        "seam_slope_conditional",
        "scarf_seam_only_on_smooth",
        Conv::Same,
    ),
    (
        "seam_slope_entire_loop",
        "scarf_seam_entire_loop",
        Conv::Same,
    ),
    ("seam_slope_min_length", "scarf_seam_length", Conv::Same),
    (
        "seam_slope_inner_walls",
        "scarf_seam_on_inner_perimeters",
        Conv::Same,
    ),
    ("detect_thin_wall", "thin_walls", Conv::Same),
    (
        "wall_generator",
        "perimeter_generator",
        Conv::Words(&[("classic", "classic"), ("arachne", "arachne")]),
    ),
    ("wall_transition_angle", "wall_transition_angle", Conv::Same),
    (
        "wall_distribution_count",
        "wall_distribution_count",
        Conv::Same,
    ),
    (
        "gap_fill_target",
        "gap_fill_enabled",
        Conv::IsNot("nowhere"),
    ),
    ("top_shell_layers", "top_solid_layers", Conv::Same),
    ("bottom_shell_layers", "bottom_solid_layers", Conv::Same),
    (
        "top_surface_pattern",
        "top_fill_pattern",
        Conv::Words(SOLID),
    ),
    (
        "bottom_surface_pattern",
        "bottom_fill_pattern",
        Conv::Words(SOLID),
    ),
    (
        "internal_solid_infill_pattern",
        "internal_solid_infill_pattern",
        Conv::Words(SOLID),
    ),
    ("sparse_infill_density", "fill_density", Conv::Same),
    ("print_flow_ratio", "print_flow_ratio", Conv::Same),
    (
        "sparse_infill_pattern",
        "fill_pattern",
        Conv::Words(&[
            ("zig-zag", "rectilinear"),
            ("alignedrectilinear", "rectilinear"),
            ("line", "line"),
            ("grid", "grid"),
            ("triangles", "triangles"),
            ("gyroid", "gyroid"),
            ("honeycomb", "honeycomb"),
            ("concentric", "concentric"),
        ]),
    ),
    ("infill_direction", "fill_angle", Conv::Same),
    ("infill_anchor", "infill_anchor", Conv::Same),
    ("infill_anchor_max", "infill_anchor_max", Conv::Same),
    ("infill_wall_overlap", "infill_overlap", Conv::Same),
    (
        "minimum_sparse_infill_area",
        "solid_infill_below_area",
        Conv::Same,
    ),
    ("bridge_flow", "bridge_flow_ratio", Conv::Same),
    ("skirt_loops", "skirts", Conv::Same),
    ("skirt_distance", "skirt_distance", Conv::Same),
    ("skirt_height", "skirt_height", Conv::Same),
    ("brim_width", "brim_width", Conv::Same),
    (
        "brim_type",
        "brim_type",
        Conv::Words(&[
            ("no_brim", "no_brim"),
            ("outer_only", "outer_only"),
            ("inner_only", "inner_only"),
            ("outer_and_inner", "outer_and_inner"),
            // Orca's automatic brim lays an outer brim where one is needed.
            ("auto_brim", "outer_only"),
            ("brim_ears", "brim_ears"),
        ]),
    ),
    ("brim_object_gap", "brim_separation", Conv::Same),
    ("brim_ears_max_angle", "brim_ears_max_angle", Conv::Same),
    (
        "brim_ears_detection_length",
        "brim_ears_detection_length",
        Conv::Same,
    ),
    ("spiral_mode", "spiral_vase", Conv::Same),
    ("is_infill_first", "infill_first", Conv::Same),
    // Orca combines as many layers as fit in the nozzle's width; so does Lamina given room.
    (
        "infill_combination",
        "infill_every_layers",
        Conv::Words(&[("1", "100"), ("true", "100"), ("0", "1"), ("false", "1")]),
    ),
    // Written by `with_contour_compensation` from Orca's contour and hole compensation.
    ("xy_size_compensation", "xy_size_compensation", Conv::Same),
    ("xy_hole_compensation", "xy_hole_compensation", Conv::Same),
    ("hole_to_polyhole", "hole_to_polyhole", Conv::Same),
    ("precise_outer_wall", "precise_outer_wall", Conv::Same),
    (
        "only_one_wall_top",
        "top_one_perimeter_type",
        Conv::Words(&[
            ("1", "top"),
            ("true", "top"),
            ("0", "none"),
            ("false", "none"),
        ]),
    ),
    (
        "only_one_wall_first_layer",
        "only_one_perimeter_first_layer",
        Conv::Same,
    ),
    (
        "hole_to_polyhole_threshold",
        "hole_to_polyhole_threshold",
        Conv::Same,
    ),
    (
        "hole_to_polyhole_twisted",
        "hole_to_polyhole_twisted",
        Conv::Same,
    ),
    // Orca's "all" is the contour and holes (PrusaSlicer's), "allwalls" every wall.
    (
        "fuzzy_skin",
        "fuzzy_skin",
        Conv::Words(&[
            ("none", "none"),
            ("external", "external"),
            ("all", "all"),
            ("allwalls", "all"),
        ]),
    ),
    ("fuzzy_skin_thickness", "fuzzy_skin_thickness", Conv::Same),
    (
        "fuzzy_skin_point_distance",
        "fuzzy_skin_point_dist",
        Conv::Same,
    ),
    // Orca folds the switch into the type ("no ironing").
    (
        "ironing_type",
        "ironing",
        Conv::Words(&[
            ("no ironing", "false"),
            ("top", "true"),
            ("topmost", "true"),
            ("solid", "true"),
        ]),
    ),
    (
        "ironing_type",
        "ironing_type",
        Conv::Words(&[
            ("no ironing", "top"),
            ("top", "top"),
            ("topmost", "topmost"),
            ("solid", "solid"),
        ]),
    ),
    ("ironing_flow", "ironing_flowrate", Conv::Same),
    ("ironing_spacing", "ironing_spacing", Conv::Same),
    ("ironing_speed", "ironing_speed", Conv::Same),
    // Orca fits arcs within its resolution; Lamina keeps its own arc_fitting_tolerance.
    (
        "enable_arc_fitting",
        "arc_fitting",
        Conv::Words(&[
            ("0", "disabled"),
            ("1", "emit_center"),
            ("false", "disabled"),
            ("true", "emit_center"),
        ]),
    ),
    ("enable_support", "support_material", Conv::Same),
    // Orca's support_style refines support_type ("default" means the type's own style), so
    // the type alone decides: its tree styles (slim, strong, hybrid, organic) are organic.
    (
        "support_type",
        "support_material_style",
        Conv::Words(&[
            ("normal(auto)", "grid"),
            ("normal(manual)", "grid"),
            ("tree(auto)", "organic"),
            ("tree(manual)", "organic"),
        ]),
    ),
    ("bridge_no_support", "dont_support_bridges", Conv::Same),
    (
        "tree_support_auto_brim",
        "tree_support_auto_brim",
        Conv::Same,
    ),
    (
        "tree_support_brim_width",
        "tree_support_brim_width",
        Conv::Same,
    ),
    (
        "support_interface_pattern",
        "support_material_interface_pattern",
        Conv::Words(&[
            ("auto", "auto"),
            ("rectilinear", "rectilinear"),
            ("rectilinear_interlaced", "rectilinear"),
            ("concentric", "concentric"),
        ]),
    ),
    // "manual": only where support enforcers are painted or placed.
    (
        "support_type",
        "support_material_auto",
        Conv::Words(&[
            ("normal(auto)", "1"),
            ("normal(manual)", "0"),
            ("tree(auto)", "1"),
            ("tree(manual)", "0"),
        ]),
    ),
    (
        "tree_support_branch_angle",
        "support_tree_angle",
        Conv::Same,
    ),
    (
        "tree_support_angle_slow",
        "support_tree_angle_slow",
        Conv::Same,
    ),
    (
        "tree_support_branch_diameter",
        "support_tree_branch_diameter",
        Conv::Same,
    ),
    (
        "tree_support_branch_diameter_angle",
        "support_tree_branch_diameter_angle",
        Conv::Same,
    ),
    (
        "tree_support_tip_diameter",
        "support_tree_tip_diameter",
        Conv::Same,
    ),
    (
        "tree_support_branch_distance",
        "support_tree_branch_distance",
        Conv::Same,
    ),
    ("tree_support_top_rate", "support_tree_top_rate", Conv::Same),
    (
        "support_threshold_angle",
        "support_material_threshold",
        Conv::Same,
    ),
    (
        "support_on_build_plate_only",
        "support_material_buildplate_only",
        Conv::Same,
    ),
    (
        "support_top_z_distance",
        "support_material_contact_distance",
        Conv::Same,
    ),
    (
        "support_object_xy_distance",
        "support_material_xy_spacing",
        Conv::Same,
    ),
    (
        "support_base_pattern_spacing",
        "support_material_spacing",
        Conv::Same,
    ),
    ("support_angle", "support_material_angle", Conv::Same),
    (
        "support_interface_top_layers",
        "support_material_interface_layers",
        Conv::Same,
    ),
    (
        "support_interface_spacing",
        "support_material_interface_spacing",
        Conv::Same,
    ),
    ("raft_layers", "raft_layers", Conv::Same),
    ("raft_expansion", "raft_expansion", Conv::Same),
    ("inner_wall_speed", "perimeter_speed", Conv::Same),
    ("outer_wall_speed", "external_perimeter_speed", Conv::Same),
    ("sparse_infill_speed", "infill_speed", Conv::Same),
    (
        "internal_solid_infill_speed",
        "solid_infill_speed",
        Conv::Same,
    ),
    ("top_surface_speed", "top_solid_infill_speed", Conv::Same),
    ("gap_infill_speed", "gap_fill_speed", Conv::Same),
    ("bridge_speed", "bridge_speed", Conv::Same),
    ("support_speed", "support_material_speed", Conv::Same),
    (
        "support_interface_speed",
        "support_material_interface_speed",
        Conv::Same,
    ),
    ("initial_layer_speed", "first_layer_speed", Conv::Same),
    ("travel_speed", "travel_speed", Conv::Same),
    ("travel_speed_z", "travel_speed_z", Conv::Same),
    ("default_acceleration", "default_acceleration", Conv::Same),
    (
        "inner_wall_acceleration",
        "perimeter_acceleration",
        Conv::Same,
    ),
    (
        "outer_wall_acceleration",
        "external_perimeter_acceleration",
        Conv::Same,
    ),
    (
        "sparse_infill_acceleration",
        "infill_acceleration",
        Conv::Same,
    ),
    (
        "internal_solid_infill_acceleration",
        "solid_infill_acceleration",
        Conv::Same,
    ),
    (
        "top_surface_acceleration",
        "top_solid_infill_acceleration",
        Conv::Same,
    ),
    ("bridge_acceleration", "bridge_acceleration", Conv::Same),
    (
        "initial_layer_acceleration",
        "first_layer_acceleration",
        Conv::Same,
    ),
    ("travel_acceleration", "travel_acceleration", Conv::Same),
    ("line_width", "extrusion_width", Conv::Same),
    (
        "initial_layer_line_width",
        "first_layer_extrusion_width",
        Conv::Same,
    ),
    (
        "inner_wall_line_width",
        "perimeter_extrusion_width",
        Conv::Same,
    ),
    (
        "outer_wall_line_width",
        "external_perimeter_extrusion_width",
        Conv::Same,
    ),
    (
        "sparse_infill_line_width",
        "infill_extrusion_width",
        Conv::Same,
    ),
    (
        "internal_solid_infill_line_width",
        "solid_infill_extrusion_width",
        Conv::Same,
    ),
    (
        "top_surface_line_width",
        "top_infill_extrusion_width",
        Conv::Same,
    ),
    (
        "support_line_width",
        "support_material_extrusion_width",
        Conv::Same,
    ),
    (
        "reduce_crossing_wall",
        "avoid_crossing_perimeters",
        Conv::Same,
    ),
    ("resolution", "resolution", Conv::Same),
    ("slice_closing_radius", "slice_closing_radius", Conv::Same),
    (
        "elefant_foot_compensation",
        "elefant_foot_compensation",
        Conv::Same,
    ),
];
