//! The one declaration of every setting. Keys follow PrusaSlicer's names where the meaning is
//! the same, so that profiles and project files map across without a translation table.

use super::{Mode, Thumbnails, declare_settings, setting_enum};

const fn range(lo: f64, hi: f64) -> Option<(f64, f64)> {
    Some((lo, hi))
}
const NO_RANGE: Option<(f64, f64)> = None;

setting_enum!(
    /// The firmware dialect of the G-code.
    GcodeFlavor {
        Marlin2 = "marlin2",
        Klipper = "klipper",
        RepRapFirmware = "reprapfirmware",
    }
);

setting_enum!(
    /// Where the brim goes: round each object's outside, inside its holes, both, only at its
    /// sharp corners (ears, OrcaSlicer's), or nowhere.
    BrimType {
        NoBrim = "no_brim",
        OuterOnly = "outer_only",
        InnerOnly = "inner_only",
        OuterAndInner = "outer_and_inner",
        BrimEars = "brim_ears",
    }
);

setting_enum!(
    /// Where loops start and end.
    SeamPosition {
        Aligned = "aligned",
        Nearest = "nearest",
        Rear = "rear",
        Random = "random",
    }
);

setting_enum!(
    /// The order of an island's walls (OrcaSlicer's orders; PrusaSlicer has the first two as
    /// `external_perimeters_first`).
    WallSequence {
        InnerOuter = "inner_outer",
        OuterInner = "outer_inner",
        InnerOuterInner = "inner_outer_inner",
    }
);

setting_enum!(
    /// Where only one wall is printed on top surfaces (PrusaSlicer's values).
    TopOnePerimeterType {
        None = "none",
        Top = "top",
        Topmost = "topmost",
    }
);

setting_enum!(
    /// Which loops start with a scarf joint (PrusaSlicer's values).
    ScarfSeamPlacement {
        Nowhere = "nowhere",
        Contours = "contours",
        Everywhere = "everywhere",
    }
);

setting_enum!(
    /// How walls are made: fixed-width loops with gap fill, or variable-width lines.
    PerimeterGenerator {
        Classic = "classic",
        Arachne = "arachne",
    }
);

setting_enum!(
    /// Whether curves reach the printer as arcs (PrusaSlicer's key and values).
    ArcFitting {
        Disabled = "disabled",
        EmitCenter = "emit_center",
    }
);

setting_enum!(
    /// Which surfaces ironing smooths (PrusaSlicer's values).
    IroningType {
        Top = "top",
        Topmost = "topmost",
        Solid = "solid",
    }
);

setting_enum!(
    /// Which walls fuzzy skin roughens (PrusaSlicer's values).
    FuzzySkin {
        None = "none",
        External = "external",
        All = "all",
    }
);

setting_enum!(
    /// Sparse infill patterns.
    InfillPattern {
        Rectilinear = "rectilinear",
        Line = "line",
        Grid = "grid",
        Triangles = "triangles",
        Gyroid = "gyroid",
        Honeycomb = "honeycomb",
        Concentric = "concentric",
    }
);

setting_enum!(
    /// Patterns for top and bottom solid surfaces.
    SolidPattern {
        Rectilinear = "rectilinear",
        Monotonic = "monotonic",
        Concentric = "concentric",
    }
);

setting_enum!(
    /// The shape of the support: PrusaSlicer's grid (areas squared off to the pattern's
    /// grid), snug (areas that follow the overhang) and organic (branches).
    SupportStyle {
        Grid = "grid",
        Snug = "snug",
        Organic = "organic",
    }
);

setting_enum!(
    /// Support interface patterns (PrusaSlicer's; auto is rectilinear).
    SupportInterfacePattern {
        Auto = "auto",
        Rectilinear = "rectilinear",
        Concentric = "concentric",
    }
);

setting_enum!(
    /// Support body patterns.
    SupportPattern {
        Rectilinear = "rectilinear",
        Grid = "rectilinear-grid",
    }
);

const MARLIN_START: &str = "\
G90 ; absolute coordinates
M83 ; relative extrusion
M140 S{bed_temp} ; heat the bed
M104 S{hotend_temp} ; heat the nozzle
G28 ; home all axes
M190 S{bed_temp} ; wait for the bed
M109 S{hotend_temp} ; wait for the nozzle
G92 E0
G1 Z2.0 F3000
;TYPE:Prime line
G1 X0.5 Y20 Z{first_layer_height} F5000
G1 X0.5 Y120 E10 F1500
G1 X0.9 Y120 F5000
G1 X0.9 Y20 E10 F1500
G92 E0
G1 Z2.0 F3000";

const MARLIN_END: &str = "\
M104 S0 ; nozzle off
M140 S0 ; bed off
M107 ; fan off
G91 ; relative moves
G1 E-2 F2700 ; pull the filament back
G1 Z10 F600 ; lift
G90 ; absolute moves
G1 X0 Y{bed_size_y} F3000 ; present the print
M84 X Y E ; motors off";

declare_settings! {
    Printer "Bed and nozzle" {
        bed_size_x: f64 = 220.0, "mm", range(10.0, 2000.0), Gcode, Basic,
            "Bed width", "Printable width of the bed along X.";
        bed_size_y: f64 = 220.0, "mm", range(10.0, 2000.0), Gcode, Basic,
            "Bed depth", "Printable depth of the bed along Y.";
        max_print_height: f64 = 250.0, "mm", range(10.0, 2000.0), Gcode, Basic,
            "Maximum height", "Highest Z the nozzle can print at.";
        origin_at_center: bool = false, "", NO_RANGE, Gcode, Advanced,
            "Origin at bed centre", "The firmware puts X0 Y0 at the centre of the bed (deltas, some Klipper setups).";
        nozzle_diameter: f64 = 0.4, "mm", range(0.1, 2.0), Slice, Basic,
            "Nozzle diameter", "Diameter of the nozzle opening.";
        z_offset: f64 = 0.0, "mm", range(-5.0, 5.0), Gcode, Advanced,
            "Z offset", "Added to every Z in the G-code (negative moves the nozzle closer to the bed).";
    }
    Printer "Firmware" {
        gcode_flavor: GcodeFlavor = GcodeFlavor::Marlin2, "", NO_RANGE, Gcode, Basic,
            "G-code flavour", "The firmware that runs the printer: decides acceleration commands and object labels.";
        use_relative_e_distances: bool = true, "", NO_RANGE, Gcode, Advanced,
            "Relative extrusion", "Write extrusion as relative distances (M83) rather than absolute (M82).";
        emit_machine_limits: bool = true, "", NO_RANGE, Gcode, Advanced,
            "Write machine limits", "Write the machine limits below into the G-code (M201/M203/M204/M205) on Marlin.";
        thumbnails: Thumbnails = Thumbnails::default(), "", NO_RANGE, Gcode, Advanced,
            "G-code thumbnails", "Pictures of the plate written into the G-code for the printer's screen and hosts (Mainsail, Fluidd, OctoPrint, PrusaLink): sizes and formats such as 96x96/PNG, 300x300/PNG. Formats: PNG, JPG, QOI, and CREALITY for the Ender-3 V3 KE, V3 Plus and Ender-5 Max screens. Empty: none.";
        serial_baud_rate: u32 = 115200u32, "baud", range(2400.0, 1000000.0), Gcode, Advanced,
            "USB baud rate", "Speed of the printer's USB serial port, for printing over USB from the browser (most Marlin printers: 115200; some: 250000).";
    }
    Printer "Machine limits" {
        machine_max_feedrate_x: f64 = 500.0, "mm/s", range(1.0, 2000.0), Plan, Advanced,
            "Max speed X", "Highest speed of the X axis.";
        machine_max_feedrate_y: f64 = 500.0, "mm/s", range(1.0, 2000.0), Plan, Advanced,
            "Max speed Y", "Highest speed of the Y axis.";
        machine_max_feedrate_z: f64 = 5.0, "mm/s", range(0.1, 500.0), Plan, Advanced,
            "Max speed Z", "Highest speed of the Z axis.";
        machine_max_feedrate_e: f64 = 25.0, "mm/s", range(1.0, 500.0), Plan, Advanced,
            "Max speed E", "Highest speed of the extruder.";
        machine_max_acceleration_x: f64 = 500.0, "mm/s²", range(10.0, 100000.0), Plan, Advanced,
            "Max acceleration X", "Highest acceleration of the X axis.";
        machine_max_acceleration_y: f64 = 500.0, "mm/s²", range(10.0, 100000.0), Plan, Advanced,
            "Max acceleration Y", "Highest acceleration of the Y axis.";
        machine_max_acceleration_z: f64 = 100.0, "mm/s²", range(1.0, 100000.0), Plan, Advanced,
            "Max acceleration Z", "Highest acceleration of the Z axis.";
        machine_max_acceleration_e: f64 = 5000.0, "mm/s²", range(10.0, 100000.0), Plan, Advanced,
            "Max acceleration E", "Highest acceleration of the extruder.";
        machine_max_acceleration_extruding: f64 = 500.0, "mm/s²", range(10.0, 100000.0), Plan, Advanced,
            "Printing acceleration", "Acceleration used while extruding unless a feature sets its own.";
        machine_max_acceleration_retracting: f64 = 1000.0, "mm/s²", range(10.0, 100000.0), Plan, Advanced,
            "Retraction acceleration", "Acceleration of retractions.";
        machine_max_acceleration_travel: f64 = 1000.0, "mm/s²", range(10.0, 100000.0), Plan, Advanced,
            "Travel acceleration", "Acceleration of travel moves unless travel_acceleration sets its own.";
        machine_max_jerk_x: f64 = 8.0, "mm/s", range(0.0, 100.0), Plan, Advanced,
            "Jerk X", "Speed change on X the firmware makes without slowing down (classic jerk).";
        machine_max_jerk_y: f64 = 8.0, "mm/s", range(0.0, 100.0), Plan, Advanced,
            "Jerk Y", "Speed change on Y the firmware makes without slowing down (classic jerk).";
        machine_max_jerk_z: f64 = 0.4, "mm/s", range(0.0, 100.0), Plan, Advanced,
            "Jerk Z", "Speed change on Z the firmware makes without slowing down.";
        machine_max_jerk_e: f64 = 5.0, "mm/s", range(0.0, 100.0), Plan, Advanced,
            "Jerk E", "Speed change of the extruder the firmware makes without slowing down.";
        square_corner_velocity: f64 = 5.0, "mm/s", range(0.0, 100.0), Plan, Advanced,
            "Square corner velocity", "Klipper's speed through a 90° corner (used for Klipper time estimates).";
    }
    Printer "Retraction" {
        retract_length: f64 = 5.0, "mm", range(0.0, 20.0), Plan, Basic,
            "Retraction length", "Filament pulled back before travel moves (about 0.5–1 mm direct drive, 4–6 mm Bowden).";
        retract_speed: f64 = 45.0, "mm/s", range(1.0, 200.0), Plan, Advanced,
            "Retraction speed", "Speed of the retraction.";
        deretract_speed: f64 = 0.0, "mm/s", range(0.0, 200.0), Plan, Advanced,
            "Deretraction speed", "Speed of pushing the filament back; 0 uses the retraction speed.";
        retract_before_travel: f64 = 2.0, "mm", range(0.0, 100.0), Plan, Advanced,
            "Minimum travel for retraction", "Travel moves shorter than this never retract.";
        retract_lift: f64 = 0.0, "mm", range(0.0, 10.0), Plan, Advanced,
            "Z hop", "Lift the nozzle by this much during retracted travel moves.";
        retract_layer_change: bool = true, "", NO_RANGE, Plan, Advanced,
            "Retract on layer change", "Retract before moving to the next layer.";
        wipe: bool = false, "", NO_RANGE, Plan, Advanced,
            "Wipe while retracting", "Move back along the last extrusion while retracting, to leave no blob.";
        wipe_distance: f64 = 1.0, "mm", range(0.0, 20.0), Plan, Advanced,
            "Wipe distance", "How far the wipe moves.";
    }
    Printer "Custom G-code" {
        start_gcode: String = MARLIN_START, "", NO_RANGE, Plan, Advanced,
            "Start G-code", "Written before the print. Placeholders: {hotend_temp}, {bed_temp}, {first_layer_height} and any setting key in braces.";
        end_gcode: String = MARLIN_END, "", NO_RANGE, Plan, Advanced,
            "End G-code", "Written after the print, with the same placeholders as the start G-code.";
        before_layer_gcode: String = "", "", NO_RANGE, Plan, Advanced,
            "Layer change G-code", "Written at each layer change, before the move to the new Z. Also {layer_num} and {layer_z}.";
    }
    Filament "Filament" {
        filament_type: String = "PLA", "", NO_RANGE, Gcode, Basic,
            "Filament type", "Material name written into the G-code header.";
        filament_diameter: f64 = 1.75, "mm", range(0.5, 4.0), Plan, Basic,
            "Filament diameter", "Diameter of the filament.";
        filament_density: f64 = 1.24, "g/cm³", range(0.1, 10.0), Gcode, Advanced,
            "Density", "Used to report the filament weight.";
        filament_cost: f64 = 20.0, "per kg", range(0.0, 100000.0), Gcode, Advanced,
            "Cost", "Price of a kilogram, for the cost estimate.";
        extrusion_multiplier: f64 = 1.0, "", range(0.5, 2.0), Plan, Basic,
            "Flow ratio", "Scales all extrusion; calibrate per filament.";
        max_volumetric_speed: f64 = 15.0, "mm³/s", range(0.0, 200.0), Plan, Advanced,
            "Maximum volumetric speed", "Speeds are lowered so no feature melts more than this; 0 means no limit.";
        enable_pressure_advance: bool = false, "", NO_RANGE, Gcode, Advanced,
            "Set pressure advance", "Set this filament's pressure advance when the print starts, in the firmware's own command: M900 K on Marlin (linear advance), SET_PRESSURE_ADVANCE on Klipper, M572 on RepRapFirmware. Off: the firmware keeps its own value.";
        pressure_advance: f64 = 0.02, "", range(0.0, 2.0), Gcode, Advanced,
            "Pressure advance", "How far ahead of the flow the extruder pushes (K on Marlin, ADVANCE on Klipper, S on RepRapFirmware): about 0.02–0.1 on a direct-drive extruder, 0.2–1 on a Bowden one.";
    }
    Filament "Temperature" {
        temperature: f64 = 205.0, "°C", range(0.0, 450.0), Plan, Basic,
            "Nozzle temperature", "Nozzle temperature after the first layer.";
        first_layer_temperature: f64 = 210.0, "°C", range(0.0, 450.0), Plan, Basic,
            "First layer nozzle temperature", "Nozzle temperature for the first layer.";
        bed_temperature: f64 = 60.0, "°C", range(0.0, 150.0), Plan, Basic,
            "Bed temperature", "Bed temperature after the first layer; 0 turns it off.";
        first_layer_bed_temperature: f64 = 60.0, "°C", range(0.0, 150.0), Plan, Basic,
            "First layer bed temperature", "Bed temperature for the first layer.";
    }
    Filament "Cooling" {
        cooling: bool = true, "", NO_RANGE, Plan, Basic,
            "Automatic cooling", "Raise the fan and slow down on layers that print quickly.";
        fan_always_on: bool = true, "", NO_RANGE, Plan, Advanced,
            "Keep fan on", "Run the fan at least at its minimum speed on every layer after the first ones.";
        min_fan_speed: f64 = 100.0, "%", range(0.0, 100.0), Plan, Basic,
            "Minimum fan speed", "Fan speed on layers that take long enough.";
        max_fan_speed: f64 = 100.0, "%", range(0.0, 100.0), Plan, Advanced,
            "Maximum fan speed", "Fan speed on the quickest layers.";
        bridge_fan_speed: f64 = 100.0, "%", range(0.0, 100.0), Plan, Advanced,
            "Bridge fan speed", "Fan speed while printing bridges and overhangs.";
        disable_fan_first_layers: u32 = 1u32, "layers", range(0.0, 1000.0), Plan, Advanced,
            "No fan for the first", "Keep the fan off for this many layers, for bed adhesion.";
        full_fan_speed_layer: u32 = 3u32, "", range(0.0, 1000.0), Plan, Advanced,
            "Full fan speed at layer", "Ramp the fan up so it reaches full speed at this layer.";
        fan_below_layer_time: f64 = 60.0, "s", range(0.0, 1000.0), Plan, Advanced,
            "Fan up below layer time", "Layers quicker than this run the fan between minimum and maximum.";
        slowdown_below_layer_time: f64 = 8.0, "s", range(0.0, 1000.0), Plan, Basic,
            "Minimum layer time", "Slow down layers that would print quicker than this.";
        min_print_speed: f64 = 10.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Minimum print speed", "Slowing down for layer time stops at this speed.";
    }
    Filament "Filament retraction" {
        filament_retract_length: Option<f64> = None, "mm", range(0.0, 20.0), Plan, Advanced,
            "Retraction length override", "Replaces the printer's retraction length for this filament; none keeps it.";
        filament_retract_speed: Option<f64> = None, "mm/s", range(1.0, 200.0), Plan, Advanced,
            "Retraction speed override", "Replaces the printer's retraction speed for this filament; none keeps it.";
        filament_retract_lift: Option<f64> = None, "mm", range(0.0, 10.0), Plan, Advanced,
            "Z hop override", "Replaces the printer's Z hop for this filament; none keeps it.";
    }
    Process "Layers and perimeters" {
        layer_height: f64 = 0.2, "mm", range(0.01, 2.0), Slice, Basic,
            "Layer height", "Height of every layer after the first; at most 80% of the nozzle diameter.";
        first_layer_height: f64 = 0.2, "mm", range(0.01, 2.0), Slice, Basic,
            "First layer height", "Height of the first layer; a thicker one sticks better. At most the nozzle diameter.";
        perimeters: u32 = 2u32, "", range(0.0, 50.0), Perimeters, Basic,
            "Walls", "Number of loops around each island and hole.";
        top_one_perimeter_type: TopOnePerimeterType = TopOnePerimeterType::None, "", NO_RANGE, Perimeters, Advanced,
            "One wall on top surfaces", "Print only the outer wall around top surfaces, so the top infill reaches further and looks the same all over: on every top surface (top), or on the object's topmost layer only (topmost). The walls under the layers above are kept.";
        precise_outer_wall: bool = false, "", NO_RANGE, Perimeters, Advanced,
            "Precise outer wall", "Keep the inner walls from overlapping the outer one, so that the outer wall is not pushed outwards and the part comes out at its size (with inner walls first only).";
        only_one_perimeter_first_layer: bool = false, "", NO_RANGE, Perimeters, Advanced,
            "One wall on the first layer", "Print only the outer wall on the first layer, so more of it is solid infill laid flat on the bed.";
        infill_first: bool = false, "", NO_RANGE, Order, Advanced,
            "Infill before walls", "Print each island's infill before its walls: walls laid against finished infill can look better on some parts, but infill may show through thin walls.";
        spiral_vase: bool = false, "", NO_RANGE, Perimeters, Basic,
            "Spiral vase", "Print the bottom layers, then one wall that rises without a seam in one continuous spiral: vases and lamp shades from a solid model. Prints one wall and no top, infill or support, whatever those settings say; one island per layer.";
        wall_sequence: WallSequence = WallSequence::InnerOuter, "", NO_RANGE, Perimeters, Advanced,
            "Wall order", "The order of each island's walls: inner walls first (best overhangs), the outer wall first (sharpest outside, truest size; PrusaSlicer's external perimeters first), or inner-outer-inner (the third wall and deeper, then the outer wall against them, then the second wall: a sharp outside that still has a wall to lean on).";
        seam_position: SeamPosition = SeamPosition::Aligned, "", NO_RANGE, Order, Basic,
            "Seam position", "Where loops start: aligned on corners, nearest, at the rear, or random. Seams painted on a model (Paint, Seams) win over this.";
        scarf_seam_placement: ScarfSeamPlacement = ScarfSeamPlacement::Nowhere, "", NO_RANGE, Order, Advanced,
            "Scarf seam", "Start loops with a scarf joint: the wall rises from the layer below along a slope, and the loop ends by going over the slope again with less and less plastic, so the seam is a long shallow joint instead of a bump. On outer walls (contours), or round holes too (everywhere).";
        scarf_seam_only_on_smooth: bool = true, "", NO_RANGE, Order, Advanced,
            "Scarf only on smooth walls", "No scarf where the seam sits in a sharp corner, which hides an ordinary seam well.";
        scarf_seam_start_height: f64 = 0.0, "%", range(0.0, 100.0), Order, Advanced,
            "Scarf start height", "Where the slope starts, above the layer below, as a percentage of the layer height.";
        scarf_seam_entire_loop: bool = false, "", NO_RANGE, Order, Advanced,
            "Scarf over the entire loop", "The slope runs round the whole loop instead of the scarf length.";
        scarf_seam_length: f64 = 20.0, "mm", range(0.0, 1000.0), Order, Advanced,
            "Scarf length", "How long the slope is. Loops shorter than this get an ordinary seam; 0 turns scarf seams off.";
        scarf_seam_max_segment_length: f64 = 1.0, "mm", range(0.15, 100.0), Order, Advanced,
            "Scarf step length", "The slope is printed in straight steps at most this long.";
        scarf_seam_on_inner_perimeters: bool = false, "", NO_RANGE, Order, Advanced,
            "Scarf inner walls too", "Start the inner walls with a scarf as well.";
        perimeter_generator: PerimeterGenerator = PerimeterGenerator::Arachne, "", NO_RANGE, Perimeters, Basic,
            "Wall generator", "Arachne varies each wall's width to fit the part, so thin features print solid and walls leave no gaps; classic prints fixed-width loops with gap fill.";
        wall_transition_length: f64 = 100.0, "%", range(1.0, 1000.0), Perimeters, Advanced,
            "Wall transition length", "Where a part gets too thin for a wall, the wall narrows to half its width over this length, as a percentage of the nozzle diameter (Arachne).";
        wall_transition_angle: f64 = 10.0, "°", range(1.0, 59.0), Perimeters, Advanced,
            "Wall transition angle", "Corners sharper than this get no extra wall in their tip (Arachne).";
        wall_transition_filter_deviation: f64 = 25.0, "%", range(0.0, 100.0), Perimeters, Advanced,
            "Wall transition filter margin", "Thickness changes smaller than this, as a percentage of the nozzle diameter, keep the wall count (Arachne).";
        wall_distribution_count: u32 = 1u32, "", range(1.0, 10.0), Perimeters, Advanced,
            "Wall distribution count", "How many walls, counted from the middle, share a width's difference from the optimum (Arachne).";
        min_feature_size: f64 = 25.0, "%", range(0.0, 100.0), Perimeters, Advanced,
            "Minimum feature size", "Features thinner than this percentage of the nozzle diameter are left out; thicker ones down to it get a wall (Arachne).";
        min_bead_width: f64 = 85.0, "%", range(10.0, 100.0), Perimeters, Advanced,
            "Minimum wall width", "The narrowest wall printed, as a percentage of the nozzle diameter; thin features are widened to it (Arachne).";
        fuzzy_skin: FuzzySkin = FuzzySkin::None, "", NO_RANGE, Perimeters, Advanced,
            "Fuzzy skin", "Make the outer wall wander in and out at random for a textured, grippy surface that hides layer lines: on the outside of each part (external), or round its holes too (all). The first layer stays smooth.";
        fuzzy_skin_thickness: f64 = 0.3, "mm", range(0.0, 2.0), Perimeters, Advanced,
            "Fuzzy skin thickness", "How far the wall may wander, either way.";
        fuzzy_skin_point_dist: f64 = 0.8, "mm", range(0.1, 20.0), Perimeters, Advanced,
            "Fuzzy skin point distance", "Distance between the wall's random points: smaller gives a finer texture.";
        thin_walls: bool = true, "", NO_RANGE, Perimeters, Advanced,
            "Thin walls", "Print walls too thin for two lines as a single line of variable width.";
        gap_fill_enabled: bool = true, "", NO_RANGE, Perimeters, Advanced,
            "Gap fill", "Fill the narrow gaps left between walls.";
        overhangs: bool = true, "", NO_RANGE, Perimeters, Advanced,
            "Slow overhanging walls", "Print walls that hang over air with bridge speed, flow and fan.";
        top_solid_layers: u32 = 3u32, "", range(0.0, 1000.0), Infill, Basic,
            "Top solid layers", "Solid layers under every top surface.";
        bottom_solid_layers: u32 = 3u32, "", range(0.0, 1000.0), Infill, Basic,
            "Bottom solid layers", "Solid layers over every bottom surface.";
        top_fill_pattern: SolidPattern = SolidPattern::Monotonic, "", NO_RANGE, Infill, Advanced,
            "Top surface pattern", "Pattern of the topmost surfaces.";
        bottom_fill_pattern: SolidPattern = SolidPattern::Monotonic, "", NO_RANGE, Infill, Advanced,
            "Bottom surface pattern", "Pattern of the bottom surfaces.";
        internal_solid_infill_pattern: SolidPattern = SolidPattern::Rectilinear, "", NO_RANGE, Infill, Advanced,
            "Inner solid pattern", "Pattern of the solid layers inside the part, between bottom and top surfaces.";
    }
    Process "Infill" {
        fill_density: f64 = 20.0, "%", range(0.0, 100.0), Infill, Basic,
            "Infill density", "Share of the inside filled with sparse infill.";
        infill_every_layers: u32 = 1u32, "", range(1.0, 100.0), Infill, Advanced,
            "Combine infill every", "Print the sparse infill once every this many layers, as thick as those layers together (never thicker than the nozzle is wide), while walls and solid layers keep their thin layers: faster, and the outside looks the same.";
        fill_pattern: InfillPattern = InfillPattern::Rectilinear, "", NO_RANGE, Infill, Basic,
            "Infill pattern", "Pattern of the sparse infill.";
        fill_angle: f64 = 45.0, "°", range(0.0, 360.0), Infill, Advanced,
            "Infill angle", "Direction of infill lines; layers alternate by 90°.";
        infill_anchor_max: f64 = 12.0, "mm", range(0.0, 1000.0), Infill, Advanced,
            "Infill link length", "Neighbouring sparse infill lines are joined along the wall where the stretch between them is at most this long; 0 leaves them unjoined.";
        infill_anchor: f64 = 2.5, "mm", range(0.0, 1000.0), Infill, Advanced,
            "Infill anchor length", "A sparse infill line's free end carries on along the wall for up to this long; 0 ends it at the wall.";
        infill_overlap: f64 = 25.0, "%", range(0.0, 100.0), Perimeters, Advanced,
            "Infill/wall overlap", "How far infill reaches into the innermost wall, as a share of the wall width.";
        solid_infill_below_area: f64 = 70.0, "mm²", range(0.0, 10000.0), Infill, Advanced,
            "Solid infill below area", "Inner regions smaller than this are filled solid.";
        solid_infill_narrow_regions: bool = false, "", NO_RANGE, Infill, Advanced,
            "Solid infill in narrow regions", "Fill the parts of sparse regions narrower than the distance between sparse lines with solid infill: stiffer thin ribs, more plastic. Off, they get sparse lines anchored to the walls, as PrusaSlicer and OrcaSlicer print them.";
        print_flow_ratio: f64 = 1.0, "", range(0.5, 2.0), Plan, Advanced,
            "Object flow ratio", "Scales the extrusion of what it is set on, on top of the filament's flow ratio: meant as one object's own setting (the flow rate calibration sets one per patch). OrcaSlicer's key.";
        bridge_flow_ratio: f64 = 1.0, "", range(0.1, 2.0), Perimeters, Advanced,
            "Bridge flow ratio", "Scales the flow of bridges and overhanging walls.";
    }
    Process "Ironing" {
        ironing: bool = false, "", NO_RANGE, Infill, Basic,
            "Ironing", "After a top surface, run the hot nozzle over it again with a trickle of plastic, in close lines: a smooth, glossy top. Takes time: best for flat tops that show.";
        ironing_type: IroningType = IroningType::Top, "", NO_RANGE, Infill, Advanced,
            "Ironing type", "Which surfaces are ironed: every top surface, only the topmost layer of each object, or every solid surface (top, bottom and inner solid layers).";
        ironing_flowrate: f64 = 15.0, "%", range(0.0, 100.0), Infill, Advanced,
            "Ironing flow", "Plastic laid while ironing, as a percentage of what a layer at the ironing spacing would take: fills the small gaps between top lines.";
        ironing_spacing: f64 = 0.1, "mm", range(0.01, 2.0), Infill, Advanced,
            "Ironing spacing", "Distance between ironing lines.";
        ironing_speed: f64 = 15.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Ironing speed", "Speed of the ironing lines.";
    }
    Process "Skirt and brim" {
        skirts: u32 = 1u32, "loops", range(0.0, 50.0), Skirt, Basic,
            "Skirt loops", "Loops printed around the objects on the first layers, to prime the nozzle.";
        skirt_distance: f64 = 6.0, "mm", range(0.0, 100.0), Skirt, Advanced,
            "Skirt distance", "Gap between the skirt and the objects (or their brim).";
        skirt_height: u32 = 1u32, "layers", range(1.0, 1000.0), Skirt, Advanced,
            "Skirt height", "Number of layers the skirt is printed on.";
        brim_width: f64 = 0.0, "mm", range(0.0, 100.0), Skirt, Basic,
            "Brim width", "Width of the brim around each object's first layer; 0 for none.";
        brim_type: BrimType = BrimType::OuterOnly, "", NO_RANGE, Skirt, Advanced,
            "Brim type", "Where the brim goes: round the outside of each object, inside its holes (holds thin walls round a hole), both, only at sharp corners (ears: little plastic, easy to remove), or nowhere.";
        brim_separation: f64 = 0.0, "mm", range(0.0, 10.0), Skirt, Advanced,
            "Brim separation", "Gap between the object and its brim, so the brim breaks off cleanly; 0 joins them.";
        brim_ears_max_angle: f64 = 125.0, "°", range(0.0, 180.0), Skirt, Advanced,
            "Brim ear angle", "Brim ears: corners sharper than this get an ear, a patch of brim as wide as the brim width, where a corner tends to lift.";
        brim_ears_detection_length: f64 = 1.0, "mm", range(0.0, 20.0), Skirt, Advanced,
            "Brim ear detection length", "Brim ears: outline detail smaller than this is smoothed away before corners are found, so a rounded or finely faceted corner counts as one corner.";
    }
    Process "Support" {
        support_material: bool = false, "", NO_RANGE, Support, Basic,
            "Supports", "Generate support under overhangs steeper than the threshold. Areas painted or marked as support enforcers are supported even when this is off.";
        support_material_auto: bool = true, "", NO_RANGE, Support, Basic,
            "Automatic supports", "With supports on: support every overhang steeper than the threshold. Off: only where support enforcers are painted or placed.";
        support_material_threshold: f64 = 45.0, "°", range(1.0, 90.0), Support, Basic,
            "Overhang threshold", "Surfaces flatter than this angle (from the horizontal) get support.";
        dont_support_bridges: bool = true, "", NO_RANGE, Support, Advanced,
            "Don't support bridges", "Automatic supports leave out overhangs anchored on two sides or all round (bridges and ceilings), which print as bridges.";
        support_material_buildplate_only: bool = false, "", NO_RANGE, Support, Basic,
            "Support on build plate only", "Only place support that stands on the bed, never on the model.";
        support_material_style: SupportStyle = SupportStyle::Grid, "", NO_RANGE, Support, Basic,
            "Support style", "Grid: support areas squared off to the pattern's grid, sturdy and easy to print. Snug: areas that follow the overhang, less plastic. Organic: branches that grow down from the overhang, merge and thicken, and stand on the bed or on the model; the least plastic and the easiest to remove.";
        support_material_closing_radius: f64 = 2.0, "mm", range(0.0, 100.0), Support, Advanced,
            "Closing radius", "Grid and snug supports: gaps between support areas narrower than twice this are closed, so that the thin strips under a gentle slope join into one area.";
        support_tree_angle: f64 = 40.0, "°", range(0.0, 85.0), Support, Advanced,
            "Branch angle", "Organic supports: the steepest a branch may lean from vertical to get around the model.";
        support_tree_angle_slow: f64 = 25.0, "°", range(0.0, 85.0), Support, Advanced,
            "Preferred branch angle", "Organic supports: how far a branch leans from vertical when it only moves to merge with another.";
        support_tree_branch_diameter: f64 = 2.0, "mm", range(0.1, 100.0), Support, Advanced,
            "Branch diameter", "Organic supports: diameter of a branch below its tip.";
        support_tree_branch_diameter_angle: f64 = 5.0, "°", range(0.0, 15.0), Support, Advanced,
            "Branch diameter angle", "Organic supports: branches thicken downward at this angle, so that long ones stand firm.";
        support_tree_tip_diameter: f64 = 0.8, "mm", range(0.1, 100.0), Support, Advanced,
            "Tip diameter", "Organic supports: diameter of a branch where it touches the model.";
        support_tree_branch_distance: f64 = 1.0, "mm", range(0.1, 50.0), Support, Advanced,
            "Branch distance", "Organic supports: the least distance between two branch tips under the model.";
        support_tree_top_rate: f64 = 15.0, "%", range(1.0, 100.0), Support, Advanced,
            "Branch density", "Organic supports: how densely tips are placed under an overhang, as the density of lines of the support's width they would make. Higher holds overhangs better; lower comes off more easily.";
        tree_support_auto_brim: bool = true, "", NO_RANGE, Support, Advanced,
            "Brim under tall branches", "Organic supports: a branch standing on the bed gets a brim when it is taller than ten times its foot is wide (OrcaSlicer's key); off, every branch on the bed gets one.";
        tree_support_brim_width: f64 = 3.0, "mm", range(0.0, 20.0), Support, Advanced,
            "Branch brim width", "Organic supports: width of the brim around a branch's foot on the bed; 0 for none.";
        support_material_contact_distance: f64 = 0.2, "mm", range(0.0, 5.0), Support, Advanced,
            "Top Z distance", "Vertical gap between the support and the model above it.";
        support_material_xy_spacing: f64 = 0.6, "mm", range(0.0, 10.0), Support, Advanced,
            "XY distance", "Horizontal gap between the support and the model.";
        support_material_spacing: f64 = 2.5, "mm", range(0.5, 50.0), Support, Advanced,
            "Pattern spacing", "Distance between support lines.";
        support_material_angle: f64 = 0.0, "°", range(0.0, 360.0), Support, Advanced,
            "Pattern angle", "Direction of the support lines.";
        support_material_pattern: SupportPattern = SupportPattern::Rectilinear, "", NO_RANGE, Support, Advanced,
            "Support pattern", "Pattern of the support body.";
        support_material_interface_layers: u32 = 2u32, "layers", range(0.0, 50.0), Support, Advanced,
            "Interface layers", "Dense layers at the top of the support, under the model.";
        support_material_interface_spacing: f64 = 0.2, "mm", range(0.0, 10.0), Support, Advanced,
            "Interface spacing", "Gap between interface lines; 0 makes the interface solid.";
        support_material_interface_pattern: SupportInterfacePattern = SupportInterfacePattern::Auto, "", NO_RANGE, Support, Advanced,
            "Interface pattern", "Lines across the support (auto, rectilinear) or loops following its outline (concentric), which leave a smoother underside on round parts.";
        raft_layers: u32 = 0u32, "layers", range(0.0, 20.0), Support, Advanced,
            "Raft layers", "Layers of raft under the objects; 0 for none. The objects sit the top Z distance above it.";
        raft_expansion: f64 = 1.5, "mm", range(0.0, 20.0), Skirt, Advanced,
            "Raft expansion", "How far the raft reaches beyond the objects' footprint.";
    }
    Process "Speed" {
        perimeter_speed: f64 = 60.0, "mm/s", range(1.0, 1000.0), Plan, Basic,
            "Inner wall speed", "Speed of inner walls.";
        external_perimeter_speed: f64 = 40.0, "mm/s", range(1.0, 1000.0), Plan, Basic,
            "Outer wall speed", "Speed of the outer wall.";
        infill_speed: f64 = 80.0, "mm/s", range(1.0, 1000.0), Plan, Basic,
            "Infill speed", "Speed of sparse infill.";
        solid_infill_speed: f64 = 60.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Solid infill speed", "Speed of inner solid infill.";
        top_solid_infill_speed: f64 = 40.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Top surface speed", "Speed of top surfaces.";
        gap_fill_speed: f64 = 30.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Gap fill speed", "Speed of gap fill and thin walls.";
        bridge_speed: f64 = 30.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Bridge speed", "Speed of bridges and overhanging walls.";
        support_material_speed: f64 = 60.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Support speed", "Speed of the support body.";
        support_material_interface_speed: f64 = 40.0, "mm/s", range(1.0, 1000.0), Plan, Advanced,
            "Support interface speed", "Speed of support interface layers.";
        first_layer_speed: f64 = 25.0, "mm/s", range(1.0, 1000.0), Plan, Basic,
            "First layer speed", "Speed of everything on the first layer, skirt and brim included.";
        travel_speed: f64 = 150.0, "mm/s", range(1.0, 2000.0), Plan, Basic,
            "Travel speed", "Speed of moves that do not extrude.";
        travel_speed_z: f64 = 0.0, "mm/s", range(0.0, 500.0), Plan, Advanced,
            "Z travel speed", "Speed of Z moves; 0 uses the machine's Z limit.";
    }
    Process "Acceleration" {
        default_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Default acceleration", "Acceleration restored after feature accelerations; 0 leaves acceleration to the firmware and ignores the rest.";
        perimeter_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Wall acceleration", "Acceleration for walls; 0 uses the default.";
        external_perimeter_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Outer wall acceleration", "Acceleration for the outer wall; 0 uses the wall acceleration.";
        infill_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Infill acceleration", "Acceleration for infill; 0 uses the default.";
        solid_infill_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Solid infill acceleration", "Acceleration for solid infill; 0 uses the infill acceleration.";
        top_solid_infill_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Top surface acceleration", "Acceleration for top surfaces; 0 uses the solid infill acceleration.";
        bridge_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Bridge acceleration", "Acceleration for bridges; 0 uses the default.";
        first_layer_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "First layer acceleration", "Acceleration on the first layer; 0 uses the others.";
        travel_acceleration: f64 = 0.0, "mm/s²", range(0.0, 100000.0), Plan, Advanced,
            "Travel acceleration", "Acceleration of travel moves; 0 uses the default.";
    }
    Process "Extrusion width" {
        extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Perimeters, Advanced,
            "Default line width", "Width used where a feature's own width is 0; 0 derives it from the nozzle.";
        first_layer_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Perimeters, Advanced,
            "First layer line width", "Width of all lines on the first layer; 0 uses 105% of the nozzle diameter.";
        perimeter_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Perimeters, Advanced,
            "Inner wall line width", "Width of inner walls; 0 uses the default.";
        external_perimeter_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Perimeters, Advanced,
            "Outer wall line width", "Width of the outer wall; 0 uses the default.";
        infill_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Infill, Advanced,
            "Infill line width", "Width of sparse infill lines; 0 uses the default.";
        solid_infill_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Infill, Advanced,
            "Solid infill line width", "Width of solid infill lines; 0 uses the default.";
        top_infill_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Infill, Advanced,
            "Top surface line width", "Width of top surface lines; 0 uses the nozzle diameter.";
        support_material_extrusion_width: f64 = 0.0, "mm", range(0.0, 5.0), Support, Advanced,
            "Support line width", "Width of support lines; 0 uses the nozzle diameter.";
    }
    Process "Travel" {
        only_retract_when_crossing_perimeters: bool = true, "", NO_RANGE, Plan, Advanced,
            "Retract only when crossing walls", "Skip retraction for travel moves that stay inside the part's infill.";
        avoid_crossing_perimeters: bool = false, "", NO_RANGE, Plan, Advanced,
            "Avoid crossing walls", "Route travel moves inside the part instead of across its outer wall.";
    }
    Process "Advanced" {
        resolution: f64 = 0.0125, "mm", range(0.0, 1.0), Slice, Advanced,
            "Slice resolution", "Outline detail finer than this is simplified away, to keep the G-code lean. 0 means the engine's own finest (0.0125 mm, PrusaSlicer's G-code resolution): meshes are never sliced at their full density.";
        slice_closing_radius: f64 = 0.049, "mm", range(0.0, 2.0), Slice, Advanced,
            "Slice gap closing radius", "Cracks narrower than twice this in a sliced layer are closed.";
        elefant_foot_compensation: f64 = 0.0, "mm", range(0.0, 2.0), Slice, Advanced,
            "Elephant foot compensation", "Shrinks the first layer by this much to offset its squish.";
        xy_size_compensation: f64 = 0.0, "mm", range(-2.0, 2.0), Slice, Advanced,
            "XY size compensation", "Grows (positive) or shrinks (negative) every outline of the part in X and Y, holes included: a part that prints 0.1 mm too large on each side takes -0.1.";
        xy_hole_compensation: f64 = 0.0, "mm", range(-2.0, 2.0), Slice, Advanced,
            "Hole compensation", "Grows (positive) or shrinks (negative) the holes, on top of the size compensation: holes tend to print small, and +0.1 mm lets a 5 mm pin into a 5 mm hole.";
        hole_to_polyhole: bool = false, "", NO_RANGE, Slice, Advanced,
            "Polyholes", "Print round holes that run through two layers or more as polygons with a few sides whose flats touch the hole (nophead's polyholes): round holes print small, polyholes print true.";
        hole_to_polyhole_threshold: f64 = 0.01, "mm", range(0.0, 10.0), Slice, Advanced,
            "Polyhole detection margin", "How far a hole's points may stray from one circle and still count as round: meshes export cylinders with facets of varying size.";
        hole_to_polyhole_twisted: bool = true, "", NO_RANGE, Slice, Advanced,
            "Twisted polyholes", "Turn each layer's polyhole against the one below, so that its flats do not line up into ridges.";
        arc_fitting: ArcFitting = ArcFitting::Disabled, "", NO_RANGE, Plan, Advanced,
            "Arc fitting", "Write curves as arcs (G2/G3 with their centre) instead of many short lines: smaller files, and smoother motion where lines arrive slowly (USB, OctoPrint). The printer must take arcs: Marlin built with ARC_SUPPORT, Klipper with a [gcode_arcs] section, RepRapFirmware as it comes.";
        arc_fitting_tolerance: f64 = 0.05, "mm", range(0.001, 1.0), Plan, Advanced,
            "Arc fitting tolerance", "The farthest an arc may stray from the lines it replaces.";
    }
}
