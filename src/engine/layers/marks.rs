//! Where supports and seams are enforced or blocked, layer by layer: painted pieces of the
//! surface projected onto the layers they span (as PrusaSlicer projects its painted facets),
//! and support enforcer and blocker volumes sliced like the object.

use super::{LayerZ, slice_mesh};
use crate::engine::geom::{self, ExPolygon, Join, Point, Polygon};
use crate::engine::mesh::paint::{BLOCKER, ENFORCER};
use crate::engine::mesh::{FacetPaint, Mesh, Volume, VolumeKind};
use crate::engine::units::scaled;
use glam::{DAffine3, DVec3};

/// Per layer of the plan: the areas where support is enforced, and where it is blocked (empty
/// lists when the object has neither).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SupportMarks {
    pub enforcers: Vec<Vec<ExPolygon>>,
    pub blockers: Vec<Vec<ExPolygon>>,
}

impl SupportMarks {
    pub fn is_empty(&self) -> bool {
        self.enforcers.is_empty() && self.blockers.is_empty()
    }
}

/// Per layer of the plan: the painted pieces of the surface where seams are enforced, and
/// where they are blocked, seen from above (a piece of a vertical wall is a sliver along
/// it). Empty lists when the object has no seam paint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeamMarks {
    pub enforcers: Vec<Vec<Polygon>>,
    pub blockers: Vec<Vec<Polygon>>,
}

impl SeamMarks {
    /// Layer `i`'s enforcers and blockers.
    pub fn layer(&self, i: usize) -> (&[Polygon], &[Polygon]) {
        fn get(v: &[Vec<Polygon>], i: usize) -> &[Polygon] {
            v.get(i).map_or(&[][..], |l| &l[..])
        }
        (get(&self.enforcers, i), get(&self.blockers, i))
    }
}

/// The seam marks of one placed object: its seam paint moved by `t` onto the bed, each piece
/// on the layers whose slab (from the layer below's top to this layer's) it crosses.
pub fn seam_marks(mesh: &Mesh, paint: &FacetPaint, t: &DAffine3, plan: &[LayerZ]) -> SeamMarks {
    let mut marks = SeamMarks::default();
    if paint.is_empty() {
        return marks;
    }
    for state in [ENFORCER, BLOCKER] {
        let mut layers = vec![Vec::new(); plan.len()];
        for p in paint.pieces(mesh, state) {
            let p = p.map(|v| t.transform_point3(v));
            let zmin = p.iter().map(|v| v.z).fold(f64::MAX, f64::min);
            let zmax = p.iter().map(|v| v.z).fold(f64::MIN, f64::max);
            let first = plan.partition_point(|l| l.print_z < zmin);
            for (i, l) in plan.iter().enumerate().skip(first) {
                let lo = l.print_z - l.height;
                if lo > zmax {
                    break;
                }
                let pts = band_points(&p, lo, l.print_z);
                if pts.len() >= 2 {
                    layers[i].push(Polygon::new(
                        pts.iter().map(|v| Point::from_mm(v.x, v.y)).collect(),
                    ));
                }
            }
        }
        match state {
            ENFORCER => marks.enforcers = layers,
            _ => marks.blockers = layers,
        }
    }
    marks
}

/// The corners of the part of triangle `t` between heights `lo` and `hi`.
fn band_points(t: &[DVec3; 3], lo: f64, hi: f64) -> Vec<DVec3> {
    let clip = |pts: Vec<DVec3>, z: f64, keep_above: bool| -> Vec<DVec3> {
        let inside = |p: &DVec3| if keep_above { p.z >= z } else { p.z <= z };
        let mut out = Vec::with_capacity(pts.len() + 2);
        for k in 0..pts.len() {
            let (a, b) = (pts[k], pts[(k + 1) % pts.len()]);
            if inside(&a) {
                out.push(a);
            }
            if inside(&a) != inside(&b) {
                let f = (z - a.z) / (b.z - a.z);
                out.push(a + (b - a) * f);
            }
        }
        out
    };
    clip(clip(t.to_vec(), lo, true), hi, false)
}

/// The part of triangle `t` between heights `lo` and `hi`, seen from above (None when it
/// has no area there: outside the band, or standing vertical).
fn band_outline(t: &[DVec3; 3], lo: f64, hi: f64) -> Option<Polygon> {
    let pts = band_points(t, lo, hi);
    if pts.len() < 3 {
        return None;
    }
    let mut poly = Polygon::new(pts.iter().map(|p| Point::from_mm(p.x, p.y)).collect());
    // Narrower than a hundredth of a millimetre (a vertical face): nothing to hold up.
    if poly.area() < poly.length() * scaled(0.01) as f64 / 2.0 {
        return None;
    }
    if !poly.is_ccw() {
        poly.reverse();
    }
    Some(poly)
}

/// Painted pieces (bed coordinates) onto the layers whose slab they cross, each slab taken
/// half a layer wider on both sides so that the pieces cover the strip by which a layer,
/// sliced at its middle, overhangs the one below.
fn project(pieces: &[[DVec3; 3]], plan: &[LayerZ], out: &mut [Vec<Polygon>]) {
    for t in pieces {
        let zmin = t.iter().map(|p| p.z).fold(f64::MAX, f64::min);
        let zmax = t.iter().map(|p| p.z).fold(f64::MIN, f64::max);
        let first = plan.partition_point(|l| l.print_z + l.height / 2.0 < zmin);
        for (i, l) in plan.iter().enumerate().skip(first) {
            let (lo, hi) = (l.print_z - 1.5 * l.height, l.print_z + l.height / 2.0);
            if lo > zmax {
                break;
            }
            if let Some(p) = band_outline(t, lo, hi) {
                out[i].push(p);
            }
        }
    }
}

/// The support marks of one placed object: its paint and volumes, moved by `t` onto the bed.
pub fn support_marks(
    mesh: &Mesh,
    paint: &FacetPaint,
    volumes: &[Volume],
    t: &DAffine3,
    plan: &[LayerZ],
) -> SupportMarks {
    let zs: Vec<f64> = plan.iter().map(|l| l.slice_z).collect();
    let grow = scaled(0.1);
    let mut marks = SupportMarks::default();
    for (state, kind) in [
        (ENFORCER, VolumeKind::SupportEnforcer),
        (BLOCKER, VolumeKind::SupportBlocker),
    ] {
        let pieces: Vec<[DVec3; 3]> = paint
            .pieces(mesh, state)
            .into_iter()
            .map(|p| p.map(|v| t.transform_point3(v)))
            .collect();
        let solids: Vec<&Volume> = volumes.iter().filter(|v| v.kind == kind).collect();
        if pieces.is_empty() && solids.is_empty() {
            continue;
        }
        let mut painted = vec![Vec::new(); plan.len()];
        project(&pieces, plan, &mut painted);
        let mut layers: Vec<Vec<ExPolygon>> = painted
            .iter()
            .map(|p| geom::offset_polygons(p, grow, Join::Miter))
            .collect();
        for v in solids {
            for (layer, (loops, _)) in layers
                .iter_mut()
                .zip(slice_mesh(&v.mesh.transformed(t), &zs))
            {
                if !loops.is_empty() {
                    layer.extend(geom::union(&loops));
                    *layer = geom::union_ex(layer);
                }
            }
        }
        match state {
            ENFORCER => marks.enforcers = layers,
            _ => marks.blockers = layers,
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::plan_layers;
    use crate::engine::mesh::tests::box_mesh;
    use std::sync::Arc;

    #[test]
    fn painted_bottom_and_a_blocker_box_mark_their_layers() {
        // A box floating 5 mm up (its bottom painted as an enforcer), and a blocker volume.
        let m = box_mesh([0.0, 0.0, 5.0], [20.0, 20.0, 10.0]);
        let mut paint = FacetPaint::default();
        paint.fill([0, 1], ENFORCER);
        let blocker = Volume {
            name: "b".into(),
            kind: VolumeKind::SupportBlocker,
            mesh: Arc::new(box_mesh([0.0, 0.0, 0.0], [5.0, 5.0, 8.0])),
        };
        let plan = plan_layers(10.0, 0.2, 0.2);
        let shift = DAffine3::from_translation(DVec3::new(100.0, 0.0, 0.0));
        let marks = support_marks(&m, &paint, &[blocker], &shift, &plan);
        let area = |l: &[ExPolygon]| geom::total_area(l) / 1e6;
        // The bottom at z = 5 marks the layers whose slab reaches it, 400 mm² grown a little.
        let marked: Vec<usize> = (0..plan.len())
            .filter(|&i| !marks.enforcers[i].is_empty())
            .collect();
        assert_eq!(marked, vec![24, 25], "{marked:?}");
        let a = area(&marks.enforcers[25]);
        assert!((400.0..410.0).contains(&a), "{a}");
        assert!(marks.enforcers[25][0].bounding_box().min.x > scaled(99.0));
        // The blocker is sliced: 25 mm² on every layer up to 8 mm, none above.
        assert!((area(&marks.blockers[10]) - 25.0).abs() < 0.1);
        assert!(marks.blockers[45].is_empty());
    }
}
