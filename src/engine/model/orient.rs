//! Choosing how a part stands on the bed: candidate "down" directions (the normals of the
//! largest faces of its convex hull, the planes it can rest on, and the six axis directions) each scored by the overhang area
//! that would need support, the area touching the bed and the height, best first. The
//! Assist helpers show the best few and apply one as a rotation.

use crate::engine::mesh::Mesh;
use glam::{DMat3, DQuat, DVec3};

/// One way to stand the part, with what it costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    /// Rotation to apply to the part (about its own origin).
    pub rotation: DMat3,
    /// Area (mm²) of faces steeper than the threshold that would not rest on the bed.
    pub overhang: f64,
    /// Area (mm²) of faces lying on the bed.
    pub contact: f64,
    /// Height (mm) standing this way.
    pub height: f64,
    /// Lower is better.
    pub score: f64,
}

/// Weights of the score: support area counts most; tall parts print slower and wobble;
/// contact holds the part down.
const PER_MM_HEIGHT: f64 = 2.0;
const PER_MM2_CONTACT: f64 = 0.5;

/// The rotation that turns `down` to point at -z.
fn rotation_to_down(down: DVec3) -> DMat3 {
    DMat3::from_quat(DQuat::from_rotation_arc(down.normalize(), DVec3::NEG_Z))
}

/// A mesh read once for scoring many rotations: vertices, and each face's corners, unit
/// normal and area.
struct Prepared {
    verts: Vec<DVec3>,
    faces: Vec<([u32; 3], DVec3, f64)>,
}

fn prepare(mesh: &Mesh) -> Prepared {
    let verts: Vec<DVec3> = (0..mesh.vertices.len() as u32)
        .map(|i| mesh.vertex(i))
        .collect();
    let faces = mesh
        .triangles
        .iter()
        .filter_map(|t| {
            let [a, b, c] = t.map(|i| verts[i as usize]);
            let n = (b - a).cross(c - a);
            let len = n.length();
            (len > 2e-12).then(|| (*t, n / len, len / 2.0))
        })
        .collect();
    Prepared { verts, faces }
}

/// Scores one rotation; `threshold` is the overhang angle from vertical (degrees) beyond which
/// a face needs support.
pub fn score(mesh: &Mesh, rotation: DMat3, threshold: f64) -> Pose {
    score_prepared(&prepare(mesh), rotation, threshold)
}

fn score_prepared(p: &Prepared, rotation: DMat3, threshold: f64) -> Pose {
    // Only heights matter: z after the rotation is the dot product with its last row.
    let up = rotation.row(2);
    let h: Vec<f64> = p.verts.iter().map(|v| up.dot(*v)).collect();
    let (min_z, max_z) = h
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), z| {
            (lo.min(*z), hi.max(*z))
        });
    // A face needs support when it faces down more steeply than the threshold allows.
    let limit = -(threshold.to_radians()).sin();
    let (mut overhang, mut contact) = (0.0, 0.0);
    for (t, n, area) in &p.faces {
        let nz = up.dot(*n);
        if nz >= limit {
            continue;
        }
        let top = h[t[0] as usize].max(h[t[1] as usize]).max(h[t[2] as usize]);
        let low = top - min_z < 0.05;
        if low && nz < -0.999 {
            contact += area;
        } else if !low {
            overhang += area;
        }
    }
    let height = max_z - min_z;
    Pose {
        rotation,
        overhang,
        contact,
        height,
        score: overhang + PER_MM_HEIGHT * height - PER_MM2_CONTACT * contact.min(400.0),
    }
}

/// Directions grouped into cells of about 1° (a flat area's faces share one), with the area
/// facing each; largest first.
fn grouped(normals: impl Iterator<Item = (DVec3, f64)>) -> Vec<(DVec3, f64)> {
    let mut groups: std::collections::HashMap<(i32, i32, i32), (DVec3, f64)> =
        std::collections::HashMap::new();
    for (n, area) in normals {
        let k = (n * 64.0).round();
        let g = groups
            .entry((k.x as i32, k.y as i32, k.z as i32))
            .or_insert((n, 0.0));
        g.1 += area;
    }
    let mut out: Vec<(DVec3, f64)> = groups.into_values().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// The direction (after `linear`, the copy's rotation and scale) of the flat face a part
/// should rest on to lie flat: of the flat areas at least a quarter the size of the largest,
/// the one facing most nearly down, so that a tilted part turns the least.
pub fn flat_down(mesh: &Mesh, linear: DMat3) -> Option<DVec3> {
    let normals = linear.inverse().transpose();
    let p = prepare(mesh);
    let flat = grouped(
        p.faces
            .iter()
            .map(|(_, n, a)| ((normals * *n).normalize_or_zero(), *a)),
    );
    let largest = flat.first()?.1;
    flat.iter()
        .filter(|(n, a)| *a >= 0.25 * largest && *n != DVec3::ZERO)
        .map(|(n, _)| *n)
        .min_by(|a, b| a.z.total_cmp(&b.z))
}

/// Grid cells along the longest side for the hull's points.
const HULL_CELLS: f64 = 32.0;

/// The faces of the convex hull (outward normal, area): the planes the part can rest on.
fn hull_faces(verts: &[DVec3]) -> Option<Vec<(DVec3, f64)>> {
    // The hull of one point per cell of a grid fitted to about HULL_CELLS³ cells: close
    // enough for resting planes (the poses are scored on the whole mesh), and a fraction of
    // the work.
    let (lo, hi) = verts.iter().fold(
        (DVec3::splat(f64::INFINITY), DVec3::splat(f64::NEG_INFINITY)),
        |(lo, hi), v| (lo.min(*v), hi.max(*v)),
    );
    let cell = ((hi - lo).max_element() / HULL_CELLS).max(1e-6);
    let mut seen = std::collections::HashSet::new();
    let points: Vec<Vec<f64>> = verts
        .iter()
        .filter(|v| {
            let k = ((**v - lo) / cell).floor();
            seen.insert((k.x as i64, k.y as i64, k.z as i64))
        })
        .map(|v| v.to_array().to_vec())
        .collect();
    let hull = chull::ConvexHullWrapper::try_new(&points, None).ok()?;
    let (hv, idx) = hull.vertices_indices();
    let hv: Vec<DVec3> = hv.iter().map(|v| DVec3::new(v[0], v[1], v[2])).collect();
    let centre = hv.iter().copied().sum::<DVec3>() / hv.len().max(1) as f64;
    Some(
        idx.chunks_exact(3)
            .filter_map(|t| {
                let [a, b, c] = [hv[t[0]], hv[t[1]], hv[t[2]]];
                let n = (b - a).cross(c - a);
                let len = n.length();
                if len < 1e-12 {
                    return None;
                }
                // Outward, whatever the winding.
                let n = if n.dot(a - centre) < 0.0 { -n } else { n };
                Some((n / len, len / 2.0))
            })
            .collect(),
    )
}

/// The best `count` poses, best first. Candidates: resting on each of the largest flat areas
/// of the mesh (exact), on the largest faces of the convex hull (the planes it can rest on
/// where no face is flat, such as three feet; the hull is of a thinned point set, so these
/// are within a degree or two), and the six axis directions.
pub fn best(mesh: &Mesh, threshold: f64, count: usize) -> Vec<Pose> {
    let p = prepare(mesh);
    let flat = grouped(p.faces.iter().map(|(_, n, a)| (*n, *a)));
    let hull = hull_faces(&p.verts)
        .map(|f| grouped(f.into_iter()))
        .unwrap_or_default();
    let mut downs: Vec<DVec3> = Vec::new();
    for d in flat
        .iter()
        .take(16)
        .chain(hull.iter().take(24))
        .map(|(n, _)| *n)
    {
        if !downs.iter().any(|x| x.dot(d) > 0.9994) {
            downs.push(d);
        }
    }
    for d in [
        DVec3::NEG_Z,
        DVec3::Z,
        DVec3::X,
        DVec3::NEG_X,
        DVec3::Y,
        DVec3::NEG_Y,
    ] {
        if !downs.iter().any(|x| x.dot(d) > 0.9994) {
            downs.push(d);
        }
    }
    let mut poses: Vec<Pose> = crate::engine::par::map(&downs, |_, d| {
        score_prepared(&p, rotation_to_down(*d), threshold)
    });
    poses.sort_by(|a, b| a.score.total_cmp(&b.score));
    poses.truncate(count);
    poses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::shapes;
    use glam::DAffine3;

    #[test]
    fn a_tilted_cube_goes_back_on_a_face() {
        let mut cube = shapes::shape("cube").unwrap();
        // Tipped 20° onto an edge: its bottom faces down more steeply than 45° from vertical.
        let tilt = DAffine3::from_mat3(DMat3::from_rotation_x(20f64.to_radians()));
        cube.transform(&tilt);
        let as_is = score(&cube, DMat3::IDENTITY, 45.0);
        assert!(as_is.overhang > 100.0, "{as_is:?}");
        let poses = best(&cube, 45.0, 3);
        assert_eq!(poses.len(), 3);
        let top = poses[0];
        assert!(top.overhang < 1e-6, "{top:?}");
        assert!((top.contact - 400.0).abs() < 1.0, "{top:?}");
        assert!((top.height - 20.0).abs() < 1e-3, "{top:?}");
        assert!(poses.windows(2).all(|w| w[0].score <= w[1].score));

        // Stood on a corner it needs no support, but it is tall and barely touches the bed.
        let mut corner = shapes::shape("cube").unwrap();
        corner.transform(&DAffine3::from_mat3(
            DMat3::from_rotation_x(35.26f64.to_radians())
                * DMat3::from_rotation_y(45f64.to_radians()),
        ));
        let top = best(&corner, 45.0, 3)[0];
        assert!(
            (top.contact - 400.0).abs() < 1.0 && (top.height - 20.0).abs() < 1e-3,
            "{top:?}"
        );
    }

    #[test]
    fn the_hull_of_a_sphere_offers_every_direction() {
        // No face of a sphere is flat, but its hull's faces point every way.
        let sphere = shapes::shape("sphere").unwrap();
        let p = prepare(&sphere);
        let hull = grouped(hull_faces(&p.verts).expect("a hull").into_iter());
        assert!(hull.len() > 100, "{}", hull.len());
        let total: f64 = hull.iter().map(|(_, a)| a).sum();
        // About the sphere's area (4πr², r = 15).
        assert!(
            (total / (4.0 * std::f64::consts::PI * 225.0) - 1.0).abs() < 0.1,
            "{total}"
        );
    }

    #[test]
    fn the_overhanging_t_is_laid_down() {
        let t = shapes::shape("overhang").unwrap();
        let upright = score(&t, DMat3::IDENTITY, 45.0);
        // The bar's underside (the part over the pillar is inside, but the mesh has it).
        assert!(upright.overhang > 200.0, "{upright:?}");
        // On its side, the T's outline (34×4 + 10×15 mm²) lies on the bed: nothing hangs.
        let top = best(&t, 45.0, 3)[0];
        assert!(top.overhang < 1e-6, "{top:?}");
        assert!((top.contact - 286.0).abs() < 1.0, "{top:?}");
        assert!(top.height < upright.height, "{top:?}");
    }
}
