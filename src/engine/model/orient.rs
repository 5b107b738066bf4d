//! Choosing how a part stands on the bed: candidate "down" directions (the normals of the
//! mesh's largest flat areas, and the six axis directions) each scored by the overhang area
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

/// Scores one rotation; `threshold` is the overhang angle from vertical (degrees) beyond which
/// a face needs support.
pub fn score(mesh: &Mesh, rotation: DMat3, threshold: f64) -> Pose {
    let verts: Vec<DVec3> = (0..mesh.vertices.len() as u32)
        .map(|i| rotation * mesh.vertex(i))
        .collect();
    let (min_z, max_z) = verts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v.z), hi.max(v.z))
        });
    // A face needs support when it faces down more steeply than the threshold allows.
    let limit = -(threshold.to_radians()).sin();
    let (mut overhang, mut contact) = (0.0, 0.0);
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|i| verts[i as usize]);
        let n = (b - a).cross(c - a);
        let area = n.length() / 2.0;
        if area < 1e-12 {
            continue;
        }
        let nz = n.z / (2.0 * area);
        let low = a.z.max(b.z).max(c.z) - min_z < 0.05;
        if low && nz < -0.999 {
            contact += area;
        } else if nz < limit && !low {
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

/// The best `count` poses, best first: candidates from the largest flat areas (normals
/// grouped within about 2°) and the axis directions.
pub fn best(mesh: &Mesh, threshold: f64, count: usize) -> Vec<Pose> {
    let mut groups: Vec<(DVec3, f64)> = Vec::new();
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|i| mesh.vertex(i));
        let n = (b - a).cross(c - a);
        let area = n.length() / 2.0;
        if area < 1e-12 {
            continue;
        }
        let n = n.normalize();
        match groups.iter_mut().find(|(g, _)| g.dot(n) > 0.9994) {
            Some((_, total)) => *total += area,
            None => groups.push((n, area)),
        }
    }
    groups.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut downs: Vec<DVec3> = groups.iter().take(24).map(|(n, _)| *n).collect();
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
    let mut poses: Vec<Pose> = downs
        .into_iter()
        .map(|d| score(mesh, rotation_to_down(d), threshold))
        .collect();
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
