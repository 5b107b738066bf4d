//! The scene on the bed: objects (a repaired mesh each) and their copies (instances), with
//! placement operations: rotate, scale, drop to the bed, centre, arrange. `shapes` makes
//! the models Lamina ships itself.

pub mod shapes;

use crate::engine::mesh::{Bounds, ImportedObject, Mesh, RepairReport, repair};
use glam::{DAffine3, DMat3, DVec3};

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Object coordinates → bed coordinates (mm).
    pub transform: DAffine3,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub name: String,
    pub mesh: Mesh,
    pub repair: RepairReport,
    pub instances: Vec<Instance>,
}

impl Object {
    pub fn new(imported: ImportedObject) -> Object {
        let mut mesh = imported.mesh;
        let repair = repair(&mut mesh);
        Object {
            name: imported.name,
            mesh,
            repair,
            instances: imported
                .instances
                .into_iter()
                .map(|transform| Instance { transform })
                .collect(),
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub objects: Vec<Object>,
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
                    acc = Some(match acc {
                        None => b,
                        Some(a) => Bounds {
                            min: a.min.min(b.min),
                            max: a.max.max(b.max),
                        },
                    });
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
