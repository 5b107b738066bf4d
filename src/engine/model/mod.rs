//! The scene on the bed: objects (a repaired mesh each) and their copies (instances), with
//! placement operations: rotate, scale, drop to the bed, centre, arrange. `shapes` makes
//! the models Lamina ships itself.

pub mod calibration;
pub mod gizmo;
pub mod orient;
pub mod project;
pub mod shapes;
pub mod thumbnail;

use crate::engine::mesh::paint::PaintKind;
use crate::engine::mesh::{
    Bounds, FacetPaint, ImportedObject, Mesh, RepairReport, Volume, VolumeKind, repair,
    repair_tracked,
};
use crate::engine::settings::Overrides;
use glam::{DAffine3, DMat3, DQuat, DVec3};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Object coordinates → bed coordinates (mm).
    pub transform: DAffine3,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub name: String,
    /// Shared, so copies of a scene (undo history, jobs) cost no mesh copies.
    pub mesh: Arc<Mesh>,
    pub repair: RepairReport,
    pub instances: Vec<Instance>,
    /// Support enforcers and blockers painted on the mesh's triangles.
    pub support_paint: Arc<FacetPaint>,
    /// Seam enforcers and blockers painted on the mesh's triangles.
    pub seam_paint: Arc<FacetPaint>,
    /// Support enforcer and blocker volumes, in the object's coordinates.
    pub volumes: Vec<Volume>,
    /// Settings it prints with instead of the plate's.
    pub settings: Overrides,
}

impl Object {
    pub fn new(imported: ImportedObject) -> Object {
        let mut mesh = imported.mesh;
        let corners: Vec<_> = if imported.support_paint.is_empty() && imported.seam_paint.is_empty()
        {
            Vec::new()
        } else {
            mesh.triangles
                .iter()
                .map(|t| t.map(|i| mesh.vertex(i)))
                .collect()
        };
        let (report, origin) = repair_tracked(&mut mesh);
        let volumes = imported
            .volumes
            .into_iter()
            .map(|mut v| {
                let mut m = (*v.mesh).clone();
                repair(&mut m);
                v.mesh = Arc::new(m);
                v
            })
            .collect();
        Object {
            name: imported.name,
            mesh: Arc::new(mesh),
            repair: report,
            instances: imported
                .instances
                .into_iter()
                .map(|transform| Instance { transform })
                .collect(),
            support_paint: Arc::new(imported.support_paint.remap(&origin, &corners)),
            seam_paint: Arc::new(imported.seam_paint.remap(&origin, &corners)),
            volumes,
            settings: imported.settings,
        }
    }

    /// Bounds of one placed copy.
    pub fn instance_bounds(&self, i: usize) -> Option<Bounds> {
        let t = &self.instances[i].transform;
        let mut it = self
            .mesh
            .vertices
            .iter()
            .map(|v| t.transform_point3(DVec3::from_array(v.map(f64::from))));
        let first = it.next()?;
        let (mut min, mut max) = (first, first);
        for p in it {
            min = min.min(p);
            max = max.max(p);
        }
        Some(Bounds { min, max })
    }
}

/// An object's support and seam paint and its volumes in a plain form, for workers and stored projects.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Markup {
    /// (triangle, PrusaSlicer's text form of its support paint)
    #[serde(default)]
    pub paint: Vec<(u32, String)>,
    /// (triangle, PrusaSlicer's text form of its seam paint)
    #[serde(default)]
    pub seam: Vec<(u32, String)>,
    #[serde(default)]
    pub volumes: Vec<VolumeData>,
    /// Its own settings.
    #[serde(default)]
    pub settings: Overrides,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VolumeData {
    pub name: String,
    pub kind: VolumeKind,
    pub vertices: Vec<[f32; 3]>,
    pub triangles: Vec<[u32; 3]>,
}

impl Markup {
    pub fn is_empty(&self) -> bool {
        self.paint.is_empty()
            && self.seam.is_empty()
            && self.volumes.is_empty()
            && self.settings.is_empty()
    }
}

impl Object {
    /// Its support or seam paint.
    pub fn paint(&self, kind: PaintKind) -> &Arc<FacetPaint> {
        match kind {
            PaintKind::Support => &self.support_paint,
            PaintKind::Seam => &self.seam_paint,
        }
    }

    pub fn paint_mut(&mut self, kind: PaintKind) -> &mut Arc<FacetPaint> {
        match kind {
            PaintKind::Support => &mut self.support_paint,
            PaintKind::Seam => &mut self.seam_paint,
        }
    }

    pub fn markup(&self) -> Markup {
        Markup {
            paint: self.support_paint.encoded(),
            seam: self.seam_paint.encoded(),
            volumes: self
                .volumes
                .iter()
                .map(|v| VolumeData {
                    name: v.name.clone(),
                    kind: v.kind,
                    vertices: v.mesh.vertices.clone(),
                    triangles: v.mesh.triangles.clone(),
                })
                .collect(),
            settings: self.settings.clone(),
        }
    }

    /// Takes paint, volumes and settings from their plain form; what does not fit (a
    /// triangle the mesh lacks, a broken volume, a value this version cannot use) is left
    /// out and counted.
    pub fn set_markup(&mut self, m: Markup) -> usize {
        let (paint, mut bad) = FacetPaint::from_encoded(
            m.paint.iter().map(|(t, s)| (*t, s.as_str())),
            self.mesh.triangles.len(),
        );
        self.support_paint = Arc::new(paint);
        let (seam, bad_seam) = FacetPaint::from_encoded(
            m.seam.iter().map(|(t, s)| (*t, s.as_str())),
            self.mesh.triangles.len(),
        );
        self.seam_paint = Arc::new(seam);
        bad += bad_seam;
        let (settings, bad_settings) = Overrides::from_pairs(m.settings.iter());
        self.settings = settings;
        bad += bad_settings.len();
        self.volumes.clear();
        for v in m.volumes {
            let mesh = Mesh {
                vertices: v.vertices,
                triangles: v.triangles,
            };
            if mesh.check().is_err() {
                bad += 1;
                continue;
            }
            self.volumes.push(Volume {
                name: v.name,
                kind: v.kind,
                mesh: Arc::new(mesh),
            });
        }
        bad
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub objects: Vec<Object>,
    /// Values that change from a height up (a calibration's bands), lowest first.
    pub changes: Vec<calibration::HeightChange>,
}

impl Scene {
    pub fn add(&mut self, imported: Vec<ImportedObject>) {
        self.objects.extend(imported.into_iter().map(Object::new));
    }

    pub fn instance_count(&self) -> usize {
        self.objects.iter().map(|o| o.instances.len()).sum()
    }

    pub fn bounds(&self) -> Option<Bounds> {
        let mut acc: Option<Bounds> = None;
        for o in &self.objects {
            for i in 0..o.instances.len() {
                if let Some(b) = o.instance_bounds(i) {
                    acc = Some(acc.map_or(b, |a| a.union(&b)));
                }
            }
        }
        acc
    }

    /// Applies a linear change (rotation, scale) to every copy, about each copy's own centre.
    pub fn apply_linear(&mut self, m: DMat3) {
        for o in &mut self.objects {
            for i in 0..o.instances.len() {
                let Some(b) = o.instance_bounds(i) else {
                    continue;
                };
                let c = b.center();
                let about = DAffine3::from_translation(c)
                    * DAffine3::from_mat3(m)
                    * DAffine3::from_translation(-c);
                o.instances[i].transform = about * o.instances[i].transform;
            }
        }
    }

    /// Puts the lowest point of every copy on the bed.
    pub fn drop_to_bed(&mut self) {
        for o in &mut self.objects {
            for i in 0..o.instances.len() {
                if let Some(b) = o.instance_bounds(i) {
                    o.instances[i].transform =
                        DAffine3::from_translation(DVec3::new(0.0, 0.0, -b.min.z))
                            * o.instances[i].transform;
                }
            }
        }
    }

    /// Moves everything together so the scene's footprint is centred at (cx, cy).
    pub fn center_at(&mut self, cx: f64, cy: f64) {
        let Some(b) = self.bounds() else { return };
        let c = b.center();
        let d = DAffine3::from_translation(DVec3::new(cx - c.x, cy - c.y, 0.0));
        for o in &mut self.objects {
            for inst in &mut o.instances {
                inst.transform = d * inst.transform;
            }
        }
    }

    /// Places every copy on the bed in rows (largest first), `gap` mm apart, and centres the
    /// result. Returns false when they do not all fit the bed.
    pub fn arrange(&mut self, bed_x: f64, bed_y: f64, gap: f64) -> bool {
        let mut items: Vec<(usize, usize, Bounds)> = Vec::new();
        for (oi, o) in self.objects.iter().enumerate() {
            for ii in 0..o.instances.len() {
                if let Some(b) = o.instance_bounds(ii) {
                    items.push((oi, ii, b));
                }
            }
        }
        // Tallest footprints first (in Y), then widest, for compact shelves.
        items.sort_by(|a, b| {
            let (sa, sb) = (a.2.size(), b.2.size());
            sb.y.total_cmp(&sa.y)
                .then(sb.x.total_cmp(&sa.x))
                .then((a.0, a.1).cmp(&(b.0, b.1)))
        });
        let (mut x, mut y, mut shelf_h) = (0.0f64, 0.0f64, 0.0f64);
        let mut fits = true;
        let mut placed: Vec<(usize, usize, DVec3)> = Vec::new();
        for (oi, ii, b) in &items {
            let s = b.size();
            if x > 0.0 && x + s.x > bed_x {
                x = 0.0;
                y += shelf_h + gap;
                shelf_h = 0.0;
            }
            if x + s.x > bed_x || y + s.y > bed_y {
                fits = false;
            }
            placed.push((*oi, *ii, DVec3::new(x - b.min.x, y - b.min.y, 0.0)));
            x += s.x + gap;
            shelf_h = shelf_h.max(s.y);
        }
        for (oi, ii, d) in placed {
            let t = &mut self.objects[oi].instances[ii].transform;
            *t = DAffine3::from_translation(d) * *t;
        }
        self.center_at(bed_x / 2.0, bed_y / 2.0);
        fits
    }
}

/// What a ray hit: which copy of which object, which triangle, how far along the ray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub object: usize,
    pub instance: usize,
    pub triangle: usize,
    pub distance: f64,
}

impl Scene {
    /// The nearest copy a ray (bed coordinates) hits.
    pub fn pick(&self, origin: DVec3, dir: DVec3) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        for (oi, o) in self.objects.iter().enumerate() {
            for (ii, inst) in o.instances.iter().enumerate() {
                // In object space the mesh needs no transforming.
                let inv = inst.transform.inverse();
                let (lo, ld) = (inv.transform_point3(origin), inv.transform_vector3(dir));
                if let Some(b) = o.mesh.bounds()
                    && !ray_hits_box(lo, ld, b.min, b.max)
                {
                    continue;
                }
                for (ti, t) in o.mesh.triangles.iter().enumerate() {
                    let (a, b, c) = (
                        o.mesh.vertex(t[0]),
                        o.mesh.vertex(t[1]),
                        o.mesh.vertex(t[2]),
                    );
                    if let Some(s) = crate::engine::mesh::ray_triangle(lo, ld, a, b, c) {
                        // Distances compare in bed space.
                        let d = (inst.transform.transform_point3(lo + ld * s) - origin).length();
                        if best.is_none_or(|h| d < h.distance) {
                            best = Some(Hit {
                                object: oi,
                                instance: ii,
                                triangle: ti,
                                distance: d,
                            });
                        }
                    }
                }
            }
        }
        best
    }

    /// The size of the flat face a picked triangle belongs to, on the bed (the copy's scale
    /// counted): its extent across and along (mm, the first as level as the face allows)
    /// and its area (mm²).
    pub fn face_size(&self, object: usize, instance: usize, triangle: usize) -> Option<FaceSize> {
        let o = self.objects.get(object)?;
        let mut face = o.mesh.face_of(triangle, 0.0);
        face.transform(&o.instances.get(instance)?.transform);
        let [a, b, c] = face.triangles.first()?.map(|i| face.vertex(i));
        let n = (b - a).cross(c - a).normalize_or_zero();
        // Across: level where the face is not; along: up the face (or Y on a flat one).
        let u = match n.cross(DVec3::Z).normalize_or_zero() {
            u if u != DVec3::ZERO => u,
            _ => DVec3::X,
        };
        let v = n.cross(u).normalize_or_zero();
        let (mut lo, mut hi) = (glam::DVec2::splat(f64::MAX), glam::DVec2::splat(f64::MIN));
        for i in 0..face.vertices.len() as u32 {
            let p = face.vertex(i);
            let q = glam::DVec2::new(p.dot(u), p.dot(v));
            lo = lo.min(q);
            hi = hi.max(q);
        }
        let area = face
            .triangles
            .iter()
            .map(|t| {
                let [a, b, c] = t.map(|i| face.vertex(i));
                (b - a).cross(c - a).length() / 2.0
            })
            .sum();
        let size = hi - lo;
        Some(FaceSize {
            width: size.x,
            height: size.y,
            area,
        })
    }

    /// Turns a copy so the given face lies on the bed, then drops it there.
    pub fn lay_flat(&mut self, object: usize, instance: usize, triangle: usize) {
        let o = &self.objects[object];
        let Some(t) = o.mesh.triangles.get(triangle) else {
            return;
        };
        let m = o.instances[instance].transform;
        let (a, b, c) = (
            m.transform_point3(o.mesh.vertex(t[0])),
            m.transform_point3(o.mesh.vertex(t[1])),
            m.transform_point3(o.mesh.vertex(t[2])),
        );
        let n = (b - a).cross(c - a).normalize_or_zero();
        if n == DVec3::ZERO {
            return;
        }
        let rotation = glam::DQuat::from_rotation_arc(n, DVec3::NEG_Z);
        self.rotate_instance(object, instance, DMat3::from_quat(rotation));
    }

    /// Turns a copy the least so that a large flat face rests on the bed (`orient::flat_down`).
    pub fn lay_flat_auto(&mut self, object: usize, instance: usize) {
        let o = &self.objects[object];
        let linear = o.instances[instance].transform.matrix3;
        if let Some(n) = orient::flat_down(&o.mesh, linear) {
            let rotation = glam::DQuat::from_rotation_arc(n, DVec3::NEG_Z);
            self.rotate_instance(object, instance, DMat3::from_quat(rotation));
        }
    }

    /// Gives a copy a rotation and a scale (about its own origin), keeping the middle of its
    /// footprint where it was and putting it on the bed.
    pub fn set_placement(&mut self, object: usize, instance: usize, rotation: DQuat, scale: DVec3) {
        let o = &mut self.objects[object];
        let Some(before) = o.instance_bounds(instance) else {
            return;
        };
        let (_, _, translation) = o.instances[instance]
            .transform
            .to_scale_rotation_translation();
        o.instances[instance].transform =
            DAffine3::from_scale_rotation_translation(scale, rotation, translation);
        if let Some(after) = o.instance_bounds(instance) {
            let d = before.center() - after.center();
            o.instances[instance].transform =
                DAffine3::from_translation(DVec3::new(d.x, d.y, -after.min.z))
                    * o.instances[instance].transform;
        }
    }

    /// Turns a copy about its centre, then drops it onto the bed.
    pub fn rotate_instance(&mut self, object: usize, instance: usize, m: DMat3) {
        let Some(bounds) = self.objects[object].instance_bounds(instance) else {
            return;
        };
        let centre = bounds.center();
        let about = DAffine3::from_translation(centre)
            * DAffine3::from_mat3(m)
            * DAffine3::from_translation(-centre);
        let inst = &mut self.objects[object].instances[instance];
        inst.transform = about * inst.transform;
        if let Some(b) = self.objects[object].instance_bounds(instance) {
            let inst = &mut self.objects[object].instances[instance];
            inst.transform =
                DAffine3::from_translation(DVec3::new(0.0, 0.0, -b.min.z)) * inst.transform;
        }
    }
}

/// The size of a flat face (`Scene::face_size`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceSize {
    pub width: f64,
    pub height: f64,
    pub area: f64,
}

/// Slab test: does the ray meet the box?
fn ray_hits_box(o: DVec3, d: DVec3, min: DVec3, max: DVec3) -> bool {
    let (mut t0, mut t1) = (0.0f64, f64::MAX);
    for k in 0..3 {
        if d[k].abs() < 1e-15 {
            if o[k] < min[k] || o[k] > max[k] {
                return false;
            }
            continue;
        }
        let (a, b) = ((min[k] - o[k]) / d[k], (max[k] - o[k]) / d[k]);
        t0 = t0.max(a.min(b));
        t1 = t1.min(a.max(b));
        if t0 > t1 {
            return false;
        }
    }
    true
}

/// Rotation about an axis ('x', 'y' or 'z') by degrees.
pub fn rotation(axis: char, degrees: f64) -> Option<DMat3> {
    let r = degrees.to_radians();
    match axis.to_ascii_lowercase() {
        'x' => Some(DMat3::from_rotation_x(r)),
        'y' => Some(DMat3::from_rotation_y(r)),
        'z' => Some(DMat3::from_rotation_z(r)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    fn scene_of(n: usize) -> Scene {
        let mut s = Scene::default();
        for i in 0..n {
            s.add(vec![ImportedObject {
                name: format!("box{i}"),
                mesh: box_mesh([0.0; 3], [30.0, 20.0, 10.0]),
                instances: vec![DAffine3::from_translation(DVec3::new(500.0, 0.0, 7.0))],
                ..Default::default()
            }]);
        }
        s
    }

    #[test]
    fn arrange_places_without_overlap_and_centres() {
        let mut s = scene_of(5);
        s.drop_to_bed();
        assert!(s.arrange(220.0, 220.0, 6.0));
        let b = s.bounds().unwrap();
        assert!((b.center().x - 110.0).abs() < 1e-9 && (b.center().y - 110.0).abs() < 1e-9);
        assert_eq!(b.min.z, 0.0);
        let boxes: Vec<Bounds> = s
            .objects
            .iter()
            .map(|o| o.instance_bounds(0).unwrap())
            .collect();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                let (a, c) = (boxes[i], boxes[j]);
                let apart = a.max.x + 5.9 < c.min.x
                    || c.max.x + 5.9 < a.min.x
                    || a.max.y + 5.9 < c.min.y
                    || c.max.y + 5.9 < a.min.y;
                assert!(apart, "{i} and {j} overlap");
            }
        }
        assert!(scene_of(40).arrange(220.0, 220.0, 6.0));
        assert!(!scene_of(60).arrange(220.0, 220.0, 6.0));
    }

    #[test]
    fn pick_and_lay_flat() {
        let mut s = scene_of(2);
        s.drop_to_bed();
        s.arrange(220.0, 220.0, 6.0);
        let target = s.objects[1].instance_bounds(0).unwrap().center();
        let hit = s
            .pick(target + DVec3::new(0.0, 0.0, 100.0), DVec3::NEG_Z)
            .unwrap();
        assert_eq!((hit.object, hit.instance), (1, 0));
        assert!((hit.distance - 95.0).abs() < 1e-6, "{}", hit.distance);
        assert!(
            s.pick(DVec3::new(-50.0, -50.0, 100.0), DVec3::NEG_Z)
                .is_none()
        );
        // Lay the box on its +X side (triangle 6 faces +X): it becomes 10 wide and 30 tall.
        s.lay_flat(1, 0, 6);
        let b = s.objects[1].instance_bounds(0).unwrap();
        assert!(
            (b.size().z - 30.0).abs() < 1e-9 && b.min.z.abs() < 1e-9,
            "{:?}",
            b.size()
        );
    }

    #[test]
    fn lay_flat_auto_turns_the_least() {
        let mut s = scene_of(1);
        s.drop_to_bed();
        // Tilted 12° about X, the box stands on an edge 12.1 mm tall...
        s.rotate_instance(0, 0, rotation('x', 12.0).unwrap());
        assert!(s.objects[0].instance_bounds(0).unwrap().size().z > 12.0);
        // ...and lies flat on its bottom again, not on the face it tilted towards.
        s.lay_flat_auto(0, 0);
        let b = s.objects[0].instance_bounds(0).unwrap();
        assert!((b.size().z - 10.0).abs() < 1e-9, "{:?}", b.size());
        assert!(b.min.z.abs() < 1e-9);
        // On its side (30 mm tall), it stays there.
        s.lay_flat(0, 0, 6);
        s.lay_flat_auto(0, 0);
        let b = s.objects[0].instance_bounds(0).unwrap();
        assert!((b.size().z - 30.0).abs() < 1e-9, "{:?}", b.size());
    }

    #[test]
    fn a_face_is_measured_on_the_bed() {
        let mut s = scene_of(1);
        s.drop_to_bed();
        // Triangle 2 is half of the box's top: 30 × 20 mm, both halves together.
        let f = s.face_size(0, 0, 2).unwrap();
        assert!(
            (f.width - 30.0).abs() < 1e-4 && (f.height - 20.0).abs() < 1e-4,
            "{f:?}"
        );
        assert!((f.area - 600.0).abs() < 1e-3);
        // A side (+X, 20 × 10), with the copy scaled 2× along Y: 40 across, 10 up.
        s.objects[0].instances[0].transform =
            DAffine3::from_scale(DVec3::new(1.0, 2.0, 1.0)) * s.objects[0].instances[0].transform;
        let f = s.face_size(0, 0, 6).unwrap();
        assert!(
            (f.width - 40.0).abs() < 1e-4 && (f.height - 10.0).abs() < 1e-4,
            "{f:?}"
        );
        assert!((f.area - 400.0).abs() < 1e-3);
        assert_eq!(s.face_size(0, 0, 99), None);
    }

    #[test]
    fn rotate_about_centre() {
        let mut s = scene_of(1);
        s.drop_to_bed();
        s.center_at(110.0, 110.0);
        s.apply_linear(rotation('z', 90.0).unwrap());
        let b = s.bounds().unwrap();
        assert!((b.size().x - 20.0).abs() < 1e-9 && (b.size().y - 30.0).abs() < 1e-9);
        assert!((b.center().x - 110.0).abs() < 1e-9);
    }
}
