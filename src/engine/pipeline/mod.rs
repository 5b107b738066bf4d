//! The slicing pipeline, stage by stage: check the job, slice every object, generate walls,
//! infill and support, skirt and brim, order each layer, plan the moves and write G-code.
//! Each stage (`Stage`) is one function with typed inputs and outputs, so a front end can keep
//! a stage's output and re-run only what a change invalidates: settings name the first stage
//! they affect (`SettingDef::stage`). The observer hears of each stage and may cancel between
//! them.

use crate::engine::assist::findings::{self, Finding};
use crate::engine::gcode::plan::Planner;
use crate::engine::gcode::template::{self, TemplateError};
use crate::engine::gcode::writer::{self, JobInfo, ObjectLabel};
use crate::engine::gcode::{LayerMoves, PrintStats};
use crate::engine::geom::{ExPolygon, Point, convex_hull};
use crate::engine::layers::{
    LayerZ, SlicedObject, plan_layers, seam_marks, slice_object, support_marks,
};

mod cache;
use crate::engine::model::Scene;
use crate::engine::settings::{SettingError, Settings, format_float};
use crate::engine::stage::Stage;
use crate::engine::toolpaths::{self, Extrusion, Island, LayerInfill, OrderedLayer, PlacedLayer};
use crate::engine::units::{Coord, scaled, unscaled};
pub use cache::Cache;
use glam::{DAffine3, DVec3};

/// Told about each stage as it starts; answers false to cancel. `now` gives seconds from
/// any fixed point (the engine has no clock of its own on wasm32).
pub trait Observer {
    fn stage(&mut self, stage: Stage) -> bool;
    /// Whether to look for Assist's findings (the `check` stage); off, the stage is empty.
    fn checks(&self) -> bool {
        true
    }
    fn now(&self) -> f64 {
        0.0
    }
}

/// An observer that never cancels and keeps no time.
pub struct Quiet;

impl Observer for Quiet {
    fn stage(&mut self, _: Stage) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SliceError {
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("nothing to slice: the scene is empty")]
    EmptyScene,
    #[error("{0}")]
    DoesNotFit(String),
    #[error("nothing to print: {0}")]
    NothingToPrint(&'static str),
    #[error("slicing was cancelled")]
    Cancelled,
    /// One object's own settings do not hold together.
    #[error("{name}: {error}")]
    Object { name: String, error: SettingError },
}

impl SliceError {
    /// The error in the app's words: a setting by its label, as the settings panel names it.
    pub fn for_people(&self) -> String {
        match self {
            SliceError::Setting(e) => e.for_people(),
            SliceError::Object { name, error } => format!("{name}: {}", error.for_people()),
            other => other.to_string(),
        }
    }
}

/// What slicing produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceOutput {
    pub gcode: String,
    pub stats: PrintStats,
    /// Seconds spent in each stage (as the observer's clock tells).
    pub timings: Vec<(Stage, f64)>,
    /// Things the user should know (open meshes, objects near the bed edge...).
    pub warnings: Vec<String>,
    /// The planned moves (for previews).
    pub layers: Vec<LayerMoves>,
    /// What will likely print badly, by layer (Assist's warnings after slicing).
    pub findings: Vec<Finding>,
}

/// What a slice is asked for.
pub struct Job<'a> {
    pub scene: &'a Scene,
    pub settings: &'a Settings,
    /// (what, name) lines for the G-code header, such as ("printer", "Creality Ender-3 V3 SE").
    pub presets: &'a [(String, String)],
}

/// Copies of one object that share a shape (same rotation, scale and height), sliced once.
/// The shape is sliced in its own frame: rotated and scaled as placed, with the middle of its
/// footprint at the origin. Each copy is the sliced shape moved to where its placement puts
/// it. As PrusaSlicer slices each object about its centre, moving a copy moves its toolpaths
/// and changes nothing else, and patterns that start from a fixed point (infill lines,
/// support grids) start from the part's middle, wherever the file put its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceGroup {
    pub object: usize,
    /// Object → the shape's frame: the copies' rotation and scale, their Z move, and the XY
    /// move that centres the footprint.
    pub transform: DAffine3,
    /// (global instance id, XY move of the copy from the shape's frame)
    pub copies: Vec<(usize, Point)>,
}

/// `Stage::Slice`: the layer plans and the cross-sections of every shape.
pub struct Sliced {
    pub groups: Vec<SliceGroup>,
    /// The objects' own layers.
    pub plan: Vec<LayerZ>,
    /// Raft layers under the objects (empty without a raft).
    pub raft_plan: Vec<LayerZ>,
    /// Every printed layer: the raft, then the objects' layers lifted onto it.
    pub print_plan: Vec<LayerZ>,
    /// One per group, on `plan`.
    pub objects: Vec<SlicedObject>,
}

/// The layers of a print.
#[derive(Debug, Clone, PartialEq)]
pub struct Plans {
    /// The objects' own layers.
    pub objects: Vec<LayerZ>,
    /// Raft layers under the objects (empty without a raft).
    pub raft: Vec<LayerZ>,
    /// Every printed layer: the raft, then the objects' layers lifted onto it.
    pub print: Vec<LayerZ>,
}

/// `Stage::Perimeters`: per group, per layer, the islands with their walls.
pub struct Perimeters(pub Vec<Vec<Vec<Island>>>);

/// `Stage::Infill`: per group, per layer, the infill of each island.
pub struct Infill(pub Vec<Vec<LayerInfill>>);

/// `Stage::Support`: per group, per layer, the support extrusions.
pub struct Support(pub Vec<Vec<Vec<Extrusion>>>);

/// `Stage::Skirt`: per printed layer, what belongs to no object (skirt, brim, raft).
pub struct Shared(pub Vec<Vec<Extrusion>>);

/// Runs every stage in order; the observer hears of each and may cancel between them.
pub fn slice(
    scene: &Scene,
    settings: &Settings,
    presets: &[(String, String)],
    obs: &mut dyn Observer,
) -> Result<SliceOutput, SliceError> {
    Cache::slice_once(scene, settings, presets, obs)
}

/// Before any stage: the settings hold together, the templates fill, and every copy is on
/// the bed. Returns warnings (open meshes, copies near the bed's edge).
pub fn prepare(job: &Job) -> Result<Vec<String>, SliceError> {
    let (scene, settings) = (job.scene, job.settings);
    settings.validate()?;
    template::check(settings)?;
    if scene.objects.is_empty() || scene.instance_count() == 0 {
        return Err(SliceError::EmptyScene);
    }
    if settings.spiral_vase && scene.instance_count() > 1 {
        // One spiral per layer cannot visit two parts without a seam and a string at each
        // jump (PrusaSlicer refuses too).
        return Err(SliceError::Setting(SettingError::Inconsistent {
            key: "spiral_vase",
            message: format!(
                "prints one object at a time, and the plate has {}: remove all but one, or turn spiral vase off",
                scene.instance_count()
            ),
        }));
    }
    let mut warnings = Vec::new();
    check_fits(
        scene,
        settings,
        toolpaths::raft_plan(settings).1,
        &mut warnings,
    )?;
    for o in &scene.objects {
        if o.repair.open_edges > 0 {
            warnings.push(format!(
                "{}: the mesh has {} open edges; layers were closed where the surface has holes",
                o.name, o.repair.open_edges
            ));
        }
    }
    Ok(warnings)
}

/// The settings each object prints with (by object): the plate's with the object's own on
/// top. An object's values must hold together with the plate's.
pub fn object_settings(job: &Job) -> Result<Vec<Settings>, SliceError> {
    job.scene
        .objects
        .iter()
        .map(|o| {
            if o.settings.is_empty() {
                return Ok(job.settings.clone());
            }
            let s = o.settings.applied_to(job.settings).effective();
            s.validate().map_err(|error| SliceError::Object {
                name: o.name.clone(),
                error,
            })?;
            Ok(s)
        })
        .collect()
}

/// The layers of the print: the objects' own (on the tallest object's height), the raft's
/// under them, and every printed layer (the raft, then the objects' lifted onto it).
pub fn layer_plans(job: &Job) -> Result<Plans, SliceError> {
    let (scene, settings) = (job.scene, job.settings);
    let height = scene.bounds().map_or(0.0, |b| b.max.z);
    // Objects are sliced on their own plan; a raft goes under it and lifts it.
    let (raft, lift) = toolpaths::raft_plan(settings);
    let objects: Vec<LayerZ> = if raft.is_empty() {
        plan_layers(height, settings.first_layer_height, settings.layer_height)
    } else {
        plan_layers(height, settings.layer_height, settings.layer_height)
            .into_iter()
            .map(|l| LayerZ { on_bed: false, ..l })
            .collect()
    };
    if objects.is_empty() {
        return Err(SliceError::NothingToPrint(
            "the objects are thinner than one layer",
        ));
    }
    let print: Vec<LayerZ> = raft
        .iter()
        .copied()
        .chain(objects.iter().map(|l| LayerZ {
            print_z: ((l.print_z + lift) * 1e4).round() / 1e4,
            ..*l
        }))
        .collect();
    Ok(Plans {
        objects,
        raft,
        print,
    })
}

/// Slices one shape on the objects' layers, with its painted marks, at its object's
/// settings.
pub fn slice_group(job: &Job, g: &SliceGroup, plan: &[LayerZ], s: &Settings) -> SlicedObject {
    let o = &job.scene.objects[g.object];
    SlicedObject {
        marks: support_marks(&o.mesh, &o.support_paint, &o.volumes, &g.transform, plan),
        seam_marks: seam_marks(&o.mesh, &o.seam_paint, &g.transform, plan),
        ..slice_object(&o.mesh.transformed(&g.transform), plan, s)
    }
}

/// What slicing had to mend, in the user's words.
fn slice_warnings(job: &Job, sliced: &Sliced) -> Vec<String> {
    sliced
        .groups
        .iter()
        .zip(&sliced.objects)
        .filter(|(_, s)| !s.layers_with_wide_gaps.is_empty())
        .map(|(g, s)| {
            format!(
                "{}: {} layers had gaps wider than 2 mm in the surface, closed straight across",
                job.scene.objects[g.object].name,
                s.layers_with_wide_gaps.len()
            )
        })
        .collect()
}

/// Assist's findings in one sliced shape (the layer-time finding waits for the G-code), at
/// its object's settings.
pub fn check_group(job: &Job, sliced: &Sliced, gi: usize, s: &Settings) -> Vec<Finding> {
    findings::in_object(
        &job.scene.objects[sliced.groups[gi].object].name,
        &sliced.objects[gi],
        &sliced.plan,
        sliced.raft_plan.len(),
        s,
    )
}

/// Skirt, brim and raft around the first layer of every copy.
pub fn skirt_stage(job: &Job, sliced: &Sliced) -> Shared {
    let settings = job.settings;
    let mut first_layer: Vec<ExPolygon> = Vec::new();
    for (g, s) in sliced.groups.iter().zip(&sliced.objects) {
        for (_, off) in &g.copies {
            for r in s.layers.first().into_iter().flatten() {
                let mut r = r.clone();
                r.translate(*off);
                first_layer.push(r);
            }
        }
    }
    let raft_n = sliced.raft_plan.len();
    let raft = toolpaths::raft(&first_layer, &sliced.raft_plan, settings);
    let skirt_footprint = if raft_n > 0 {
        toolpaths::raft_area(&first_layer, settings)
    } else {
        first_layer
    };
    let mut shared =
        toolpaths::skirt_and_brim(&skirt_footprint, &sliced.print_plan, raft_n == 0, settings);
    for (layer, r) in shared.iter_mut().zip(raft) {
        layer.extend(r);
    }
    Shared(shared)
}

/// Orders each layer's paths: copies, islands, seams (each object's by its own settings,
/// `objects`).
pub fn order_stage(
    job: &Job,
    objects: &[Settings],
    sliced: &Sliced,
    perimeters: &Perimeters,
    infill: &Infill,
    support: &Support,
    shared: &Shared,
) -> Vec<OrderedLayer> {
    let settings = job.settings;
    let raft_n = sliced.raft_plan.len();
    let mut ordered: Vec<OrderedLayer> = Vec::with_capacity(sliced.print_plan.len());
    let mut pos = Point::default();
    let mut prev_seams: Vec<Point> = Vec::new();
    for (i, shared_layer) in shared.0.iter().enumerate() {
        let placed: Vec<PlacedLayer> = match i.checked_sub(raft_n) {
            Some(k) => sliced
                .groups
                .iter()
                .enumerate()
                .flat_map(|(gi, g)| {
                    let islands = &perimeters.0[gi][k][..];
                    let layer_infill = &infill.0[gi][k];
                    let support = support.0[gi].get(k).map_or(&[][..], |s| &s[..]);
                    let seam_marks = sliced.objects[gi].seam_marks.layer(k);
                    let settings = &objects[g.object];
                    g.copies.iter().map(move |(inst, off)| PlacedLayer {
                        islands,
                        infill: &layer_infill.paths,
                        exposed: &layer_infill.exposed,
                        support,
                        seam_marks,
                        offset: *off,
                        instance: *inst,
                        settings,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        let layer = toolpaths::order_layer(i, shared_layer, &placed, pos, &prev_seams, settings);
        if let Some(last) = layer.paths.last().and_then(|p| p.points.last()) {
            pos = *last;
        }
        if !layer.seams.is_empty() {
            prev_seams = layer.seams.clone();
        }
        ordered.push(layer);
    }
    ordered
}

/// Plans the moves of the ordered layers: travel, retraction, speeds (each object's by its
/// own settings, `objects`), cooling.
pub fn plan_stage(
    job: &Job,
    objects: &[Settings],
    sliced: &Sliced,
    ordered: &[OrderedLayer],
) -> Vec<LayerMoves> {
    let (settings, raft_n) = (job.settings, sliced.raft_plan.len());
    // The settings of each copy, by its global instance number.
    let mut copies: Vec<&Settings> = vec![settings; job.scene.instance_count()];
    for g in &sliced.groups {
        for (inst, _) in &g.copies {
            copies[*inst] = &objects[g.object];
        }
    }
    let mut planner = Planner::new(settings).with_copies(copies);
    if settings.spiral_vase {
        planner = planner.spiral_from(raft_n + settings.bottom_solid_layers.max(1) as usize);
    }
    let mut layers = planner.plan(ordered, &sliced.print_plan);
    // The print ends with its last extrusion: layers above it with nothing on them (where
    // the top of a part yielded no line) are not printed.
    let last = layers
        .iter()
        .rposition(|l| l.moves.iter().any(|m| m.extruded() > 0.0))
        .map_or(0, |i| i + 1);
    layers.truncate(last);
    layers
}

/// The G-code text and what the print takes.
pub fn gcode_stage(job: &Job, layers: &[LayerMoves]) -> Result<(String, PrintStats), SliceError> {
    // The changes' heights are the objects'; a raft lifts them.
    let lift = toolpaths::raft_plan(job.settings).1;
    let mut changes = job.scene.changes.clone();
    for c in &mut changes {
        c.z += lift;
    }
    changes.sort_by(|a, b| a.z.total_cmp(&b.z));
    let info = JobInfo {
        presets: job.presets.to_vec(),
        objects: object_labels(job.scene),
        thumbnails: plate_pictures(job),
        changes,
    };
    let (gcode, stats) = writer::write(layers, &info, job.settings)?;
    if stats.filament_mm <= 0.0 {
        return Err(SliceError::NothingToPrint(
            "no line fits the objects with these settings (too small, or no walls, infill or solid layers)",
        ));
    }
    Ok((gcode, stats))
}

/// The printer's thumbnails of the plate as it stands (every copy), as G-code comments.
fn plate_pictures(job: &Job) -> String {
    let pictures = &job.settings.thumbnails;
    if pictures.0.is_empty() {
        return String::new();
    }
    let mut plate = crate::engine::mesh::Mesh::default();
    for o in &job.scene.objects {
        for inst in &o.instances {
            plate.append(&o.mesh.transformed(&inst.transform));
        }
    }
    crate::engine::gcode::thumbnails::write(&plate, pictures)
}

fn bed_origin(s: &Settings) -> (f64, f64) {
    if s.origin_at_center {
        (-s.bed_size_x / 2.0, -s.bed_size_y / 2.0)
    } else {
        (0.0, 0.0)
    }
}

/// Every copy inside the build volume (a little slack for rounding).
fn check_fits(
    scene: &Scene,
    s: &Settings,
    lift: f64,
    warnings: &mut Vec<String>,
) -> Result<(), SliceError> {
    let (ox, oy) = bed_origin(s);
    let eps = 1e-3;
    for o in &scene.objects {
        for i in 0..o.instances.len() {
            let Some(b) = o.instance_bounds(i) else {
                continue;
            };
            let size = b.size();
            let outside = b.min.x < ox - eps
                || b.min.y < oy - eps
                || b.max.x > ox + s.bed_size_x + eps
                || b.max.y > oy + s.bed_size_y + eps
                || b.max.z + lift > s.max_print_height + eps;
            if outside {
                let fits = size.x <= s.bed_size_x
                    && size.y <= s.bed_size_y
                    && size.z <= s.max_print_height;
                return Err(SliceError::DoesNotFit(format!(
                    "{} ({} × {} × {} mm) {} the {} × {} × {} mm build volume",
                    o.name,
                    format_float((size.x * 10.0).round() / 10.0),
                    format_float((size.y * 10.0).round() / 10.0),
                    format_float((size.z * 10.0).round() / 10.0),
                    if fits {
                        "sticks out of"
                    } else {
                        "does not fit"
                    },
                    format_float(s.bed_size_x),
                    format_float(s.bed_size_y),
                    format_float(s.max_print_height)
                )));
            }
            let margin = s.skirt_distance + s.brim_separation + s.brim_width + 2.0;
            if s.skirts > 0
                && (b.min.x - margin < ox
                    || b.min.y - margin < oy
                    || b.max.x + margin > ox + s.bed_size_x
                    || b.max.y + margin > oy + s.bed_size_y)
            {
                warnings.push(format!(
                    "{}: close to the bed edge; the skirt may run off the bed",
                    o.name
                ));
            }
        }
    }
    Ok(())
}

/// Groups copies with the same rotation, scale and height so each shape is sliced once.
pub fn group_instances(scene: &Scene) -> Vec<SliceGroup> {
    let mut groups: Vec<SliceGroup> = Vec::new();
    let mut global = 0usize;
    for (oi, o) in scene.objects.iter().enumerate() {
        for inst in &o.instances {
            let t = inst.transform;
            let found = groups.iter().position(|g| {
                g.object == oi
                    && g.transform.matrix3.abs_diff_eq(t.matrix3, 1e-12)
                    && (g.transform.translation.z - t.translation.z).abs() <= 1e-12
            });
            let g = match found {
                Some(g) => g,
                None => {
                    let middle = footprint_middle(&o.mesh, t.matrix3);
                    groups.push(SliceGroup {
                        object: oi,
                        transform: DAffine3 {
                            matrix3: t.matrix3,
                            translation: DVec3::new(
                                -unscaled(middle.x),
                                -unscaled(middle.y),
                                t.translation.z,
                            ),
                        },
                        copies: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            // The copy's move: its placement's, less the frame's.
            let shift = groups[g].transform.translation;
            groups[g].copies.push((
                global,
                Point::new(
                    scaled(t.translation.x - shift.x) as Coord,
                    scaled(t.translation.y - shift.y) as Coord,
                ),
            ));
            global += 1;
        }
    }
    groups
}

/// The middle of a mesh's footprint once rotated and scaled, on the coordinate grid.
fn footprint_middle(mesh: &crate::engine::mesh::Mesh, m: glam::DMat3) -> Point {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for v in &mesh.vertices {
        let p = m * DVec3::from_array(v.map(f64::from));
        lo = [lo[0].min(p.x), lo[1].min(p.y)];
        hi = [hi[0].max(p.x), hi[1].max(p.y)];
    }
    if lo[0] > hi[0] {
        return Point::new(0, 0);
    }
    Point::new(
        scaled((lo[0] + hi[0]) / 2.0) as Coord,
        scaled((lo[1] + hi[1]) / 2.0) as Coord,
    )
}

/// The most corners an object's outline has in `EXCLUDE_OBJECT_DEFINE`: hosts draw it, and
/// a long one slows them (a 464-point outline of 3DBenchy hangs a widely used Klipper time
/// estimator); PrusaSlicer and Orca write a few dozen.
const LABEL_CORNERS: usize = 32;

/// A convex outline cut to at most `LABEL_CORNERS` corners, still holding the original:
/// simplified within a tolerance (doubled until few enough corners are left), then grown by
/// that tolerance.
fn few_points(hull: crate::engine::geom::Polygon) -> crate::engine::geom::Polygon {
    use crate::engine::geom::{Join, offset, simplify_polygons};
    let mut tolerance = scaled(0.05);
    let mut out = hull.clone();
    while out.points.len() > LABEL_CORNERS && tolerance < scaled(50.0) {
        let simple = simplify_polygons(&[ExPolygon::new(hull.clone())], tolerance);
        if let Some(grown) = offset(&simple, tolerance, Join::Miter).first() {
            out = convex_hull(&grown.contour.points);
        }
        tolerance *= 2;
    }
    out
}

fn object_labels(scene: &Scene) -> Vec<ObjectLabel> {
    let mut out: Vec<ObjectLabel> = Vec::new();
    for o in &scene.objects {
        for (i, inst) in o.instances.iter().enumerate() {
            let pts: Vec<Point> = o
                .mesh
                .vertices
                .iter()
                .map(|v| {
                    let p = inst
                        .transform
                        .transform_point3(DVec3::from_array(v.map(f64::from)));
                    Point::from_mm(p.x, p.y)
                })
                .collect();
            let hull = few_points(convex_hull(&pts));
            let bb = hull.bounding_box();
            let c = bb.center();
            let name = if o.instances.len() > 1 {
                format!("{}_copy{}", o.name, i + 1)
            } else {
                o.name.clone()
            };
            // Labels must be unique: a second object of the same name gets a number.
            let mut name = name;
            let mut k = 2;
            while out.iter().any(|l| l.name == name) {
                name = format!("{}_{k}", name.trim_end_matches(&format!("_{}", k - 1)));
                k += 1;
            }
            out.push(ObjectLabel {
                name,
                center: (unscaled(c.x), unscaled(c.y)),
                polygon: hull
                    .points
                    .iter()
                    .map(|p| (unscaled(p.x), unscaled(p.y)))
                    .collect(),
            });
        }
    }
    out
}
