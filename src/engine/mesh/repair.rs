//! Mesh repair: weld vertices, drop degenerate and duplicate faces, orient faces consistently
//! within each shell, and orient whole shells by their nesting (voids inside another shell
//! are left facing inward; an inside-out file is turned round whole). What remains broken (open edges) is reported; slicing copes with
//! it by closing open loops per layer.

use super::{EdgeMap, Mesh};
use glam::DVec3;
use rustc_hash::FxHashMap;

/// Vertices closer than this (mm, per axis grid) are merged.
const WELD_GRID: f64 = 1e-4;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepairReport {
    pub vertices_welded: usize,
    pub degenerate_faces_removed: usize,
    pub duplicate_faces_removed: usize,
    pub faces_flipped: usize,
    pub shells_reversed: usize,
    /// Still open after repair (edges with one face): the surface has holes.
    pub open_edges: usize,
    /// Edges shared by more than two faces.
    pub non_manifold_edges: usize,
    /// Disconnected parts.
    pub shells: usize,
}

impl RepairReport {
    /// One line per finding, for people.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |n: usize, what: &str| {
            if n > 0 {
                out.push(format!("{n} {what}"));
            }
        };
        say(self.vertices_welded, "duplicate vertices welded");
        say(self.degenerate_faces_removed, "degenerate faces removed");
        say(self.duplicate_faces_removed, "duplicate faces removed");
        say(self.faces_flipped, "faces flipped to face outward");
        say(self.shells_reversed, "inside-out shells reversed");
        say(
            self.open_edges,
            "open edges remain (holes; layers are closed when slicing)",
        );
        say(self.non_manifold_edges, "non-manifold edges remain");
        out
    }
}

pub fn repair(mesh: &mut Mesh) -> RepairReport {
    repair_tracked(mesh).0
}

/// `repair`, also telling where each remaining triangle came from: its index before repair,
/// and whether its last two corners were swapped (so paint on triangles can follow).
pub fn repair_tracked(mesh: &mut Mesh) -> (RepairReport, Vec<(u32, bool)>) {
    let mut report = RepairReport {
        vertices_welded: weld(mesh),
        ..Default::default()
    };
    let before = mesh.triangles.len();
    let mut origin: Vec<u32> = (0..before as u32).collect();
    let keep: Vec<bool> = mesh
        .triangles
        .iter()
        .map(|t| t[0] != t[1] && t[1] != t[2] && t[0] != t[2])
        .collect();
    retain_marked(mesh, &mut origin, &keep);
    report.degenerate_faces_removed = before - mesh.triangles.len();
    let keep = unique_faces(mesh);
    let count = mesh.triangles.len();
    retain_marked(mesh, &mut origin, &keep);
    report.duplicate_faces_removed = count - mesh.triangles.len();
    let (flip, reversed, shells, edges) = orient(mesh);
    report.faces_flipped = flip.iter().filter(|&&f| f).count();
    report.shells_reversed = reversed;
    report.shells = shells;
    // Flipping faces leaves the topology as it was.
    report.open_edges = edges.open_edges();
    report.non_manifold_edges = edges.non_manifold_edges();
    (report, origin.into_iter().zip(flip).collect())
}

fn retain_marked(mesh: &mut Mesh, origin: &mut Vec<u32>, keep: &[bool]) {
    let mut k = 0;
    mesh.triangles.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    let mut k = 0;
    origin.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Merges vertices that fall in the same grid cell and drops unused ones.
fn weld(mesh: &mut Mesh) -> usize {
    let mut map: FxHashMap<[i64; 3], u32> = FxHashMap::default();
    let mut remap = Vec::with_capacity(mesh.vertices.len());
    let mut vertices = Vec::with_capacity(mesh.vertices.len());
    for v in &mesh.vertices {
        let key = v.map(|c| (c as f64 / WELD_GRID).round() as i64);
        let next = vertices.len() as u32;
        let id = *map.entry(key).or_insert(next);
        if id == next {
            vertices.push(*v);
        }
        remap.push(id);
    }
    let merged = mesh.vertices.len() - vertices.len();
    for t in &mut mesh.triangles {
        for i in t.iter_mut() {
            *i = remap[*i as usize];
        }
    }
    // Drop vertices no triangle uses, keeping order.
    let mut used = vec![false; vertices.len()];
    for t in &mesh.triangles {
        for &i in t {
            used[i as usize] = true;
        }
    }
    let mut new_index = vec![u32::MAX; vertices.len()];
    let mut kept = Vec::with_capacity(vertices.len());
    for (i, v) in vertices.iter().enumerate() {
        if used[i] {
            new_index[i] = kept.len() as u32;
            kept.push(*v);
        }
    }
    for t in &mut mesh.triangles {
        for i in t.iter_mut() {
            *i = new_index[*i as usize];
        }
    }
    mesh.vertices = kept;
    merged
}

/// Which faces to keep: of repeated faces one stays; a face and its reverse cancel (an
/// internal double wall).
fn unique_faces(mesh: &Mesh) -> Vec<bool> {
    let mut keyed: Vec<([u32; 3], bool, usize)> = mesh
        .triangles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut s = *t;
            s.sort_unstable();
            // Even rotations of the sorted order keep the orientation.
            let even = *t == s || *t == [s[1], s[2], s[0]] || *t == [s[2], s[0], s[1]];
            (s, even, i)
        })
        .collect();
    keyed.sort_unstable();
    let mut keep = vec![false; mesh.triangles.len()];
    let mut i = 0;
    while i < keyed.len() {
        let mut j = i;
        while j < keyed.len() && keyed[j].0 == keyed[i].0 {
            j += 1;
        }
        let group = &keyed[i..j];
        let pos = group.iter().filter(|g| g.1).count();
        let neg = group.len() - pos;
        if pos > neg {
            keep[group
                .iter()
                .find(|g| g.1)
                .map(|g| g.2)
                .unwrap_or(group[0].2)] = true;
        } else if neg > pos {
            keep[group
                .iter()
                .find(|g| !g.1)
                .map(|g| g.2)
                .unwrap_or(group[0].2)] = true;
        }
        i = j;
    }
    keep
}

/// Makes neighbouring faces agree (shared edges run opposite ways), then orients whole shells
/// by nesting (see `nesting`).
/// Returns (whether each face's orientation changed, shells reversed, shell count, the edge
/// map).
fn orient(mesh: &mut Mesh) -> (Vec<bool>, usize, usize, EdgeMap) {
    let n = mesh.triangles.len();
    let edges = EdgeMap::new(mesh);
    // The two faces of each manifold edge.
    let mut edge_faces = vec![[u32::MAX; 2]; edges.edge_count()];
    for (t, es) in edges.triangle_edges.iter().enumerate() {
        for &e in es {
            let slot = &mut edge_faces[e as usize];
            if slot[0] == u32::MAX {
                slot[0] = t as u32;
            } else {
                slot[1] = t as u32;
            }
        }
    }
    let directed =
        |tri: &[u32; 3], a: u32, b: u32| (0..3).any(|k| tri[k] == a && tri[(k + 1) % 3] == b);
    let mut flip = vec![false; n];
    let mut shell = vec![u32::MAX; n];
    let mut shells: Vec<Vec<u32>> = Vec::new();
    let mut stack = Vec::new();
    for seed in 0..n {
        if shell[seed] != u32::MAX {
            continue;
        }
        let sid = shells.len() as u32;
        let mut members = vec![seed as u32];
        shell[seed] = sid;
        stack.push(seed as u32);
        while let Some(t) = stack.pop() {
            let tri = mesh.triangles[t as usize];
            for k in 0..3 {
                let e = edges.triangle_edges[t as usize][k] as usize;
                if edges.edge_use[e] != 2 {
                    continue;
                }
                let [f0, f1] = edge_faces[e];
                let u = if f0 == t { f1 } else { f0 };
                if u == u32::MAX || shell[u as usize] != u32::MAX {
                    continue;
                }
                // In t (as it will be oriented) the edge runs a→b; u must run b→a.
                let (mut a, mut b) = (tri[k], tri[(k + 1) % 3]);
                if flip[t as usize] {
                    std::mem::swap(&mut a, &mut b);
                }
                flip[u as usize] = directed(&mesh.triangles[u as usize], a, b);
                shell[u as usize] = sid;
                members.push(u);
                stack.push(u);
            }
        }
        shells.push(members);
    }
    for (t, &f) in flip.iter().enumerate() {
        if f {
            mesh.triangles[t].swap(1, 2);
        }
    }
    // Whole shells facing inward.
    let volume = |mesh: &Mesh, members: &[u32]| -> f64 {
        members
            .iter()
            .map(|&t| {
                let tri = mesh.triangles[t as usize];
                let (a, b, c) = (
                    mesh.vertex(tri[0]),
                    mesh.vertex(tri[1]),
                    mesh.vertex(tri[2]),
                );
                a.dot(b.cross(c))
            })
            .sum()
    };
    // Whole shells, by nesting: a shell's sign relative to the shell around it is what the
    // file means (the same sign: a solid inside a solid; the opposite: a void), and each
    // outermost shell faces outward. So an outermost shell facing inward is turned round
    // with everything inside it, and voids stay voids.
    let volumes: Vec<f64> = shells.iter().map(|m| volume(mesh, m)).collect();
    let parents = nesting(mesh, &shells, &volumes);
    let mut turn = vec![false; shells.len()];
    let mut order: Vec<usize> = (0..shells.len()).collect();
    // Outer shells first: a parent is larger than its children.
    order.sort_by(|&a, &b| volumes[b].abs().total_cmp(&volumes[a].abs()));
    for s in order {
        turn[s] = match parents[s] {
            Some(p) => turn[p],
            None => volumes[s] < 0.0,
        };
    }
    let mut reversed = 0;
    for (s, members) in shells.iter().enumerate() {
        if !turn[s] {
            continue;
        }
        for &t in members {
            mesh.triangles[t as usize].swap(1, 2);
            flip[t as usize] = !flip[t as usize];
        }
        reversed += 1;
    }
    (flip, reversed, shells.len(), edges)
}

/// The shell directly around each shell (the smallest that encloses it), if any.
///
/// Enclosure is judged by the generalized winding number (the solid angle a closed surface
/// subtends, over 4π): about ±1 inside, 0 outside, whichever way the surface faces, and
/// unlike a ray's parity it cannot be fooled by a ray grazing an edge. Only shells whose
/// bounding box holds the other's are tested, so many small shells stay cheap.
fn nesting(mesh: &Mesh, shells: &[Vec<u32>], volumes: &[f64]) -> Vec<Option<usize>> {
    let boxes: Vec<(DVec3, DVec3)> = shells
        .iter()
        .map(|members| {
            let mut lo = DVec3::splat(f64::MAX);
            let mut hi = DVec3::splat(f64::MIN);
            for &t in members {
                for &v in &mesh.triangles[t as usize] {
                    let p = mesh.vertex(v);
                    lo = lo.min(p);
                    hi = hi.max(p);
                }
            }
            (lo, hi)
        })
        .collect();
    let holds = |o: usize, i: usize| {
        let ((olo, ohi), (ilo, ihi)) = (boxes[o], boxes[i]);
        olo.cmple(ilo).all() && ohi.cmpge(ihi).all()
    };
    let winding = |members: &[u32], p: DVec3| -> f64 {
        let mut sum = 0.0;
        for &t in members {
            let tri = mesh.triangles[t as usize];
            let (a, b, c) = (
                mesh.vertex(tri[0]) - p,
                mesh.vertex(tri[1]) - p,
                mesh.vertex(tri[2]) - p,
            );
            let (la, lb, lc) = (a.length(), b.length(), c.length());
            let num = a.dot(b.cross(c));
            let den = la * lb * lc + a.dot(b) * lc + a.dot(c) * lb + b.dot(c) * la;
            sum += 2.0 * num.atan2(den);
        }
        sum / (4.0 * std::f64::consts::PI)
    };
    (0..shells.len())
        .map(|i| {
            // A point of the shell: the centre of its first face.
            let t = mesh.triangles[shells[i][0] as usize];
            let probe = (mesh.vertex(t[0]) + mesh.vertex(t[1]) + mesh.vertex(t[2])) / 3.0;
            (0..shells.len())
                .filter(|&o| o != i && volumes[o].abs() > volumes[i].abs() && holds(o, i))
                .filter(|&o| winding(&shells[o], probe).abs() > 0.5)
                .min_by(|&a, &b| volumes[a].abs().total_cmp(&volumes[b].abs()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    #[test]
    fn clean_box_is_untouched() {
        let mut m = box_mesh([0.0; 3], [10.0; 3]);
        let r = repair(&mut m);
        assert!(r.lines().is_empty(), "{r:?}");
        assert_eq!(r.shells, 1);
        assert_eq!(r.open_edges, 0);
    }

    #[test]
    fn flipped_faces_and_inside_out_shells() {
        let mut m = box_mesh([0.0; 3], [10.0; 3]);
        m.triangles[3].swap(1, 2);
        m.triangles[7].swap(0, 1);
        let r = repair(&mut m);
        assert_eq!(r.faces_flipped, 2);
        assert!((m.volume() - 1000.0).abs() < 1e-6);

        let mut inverted = box_mesh([0.0; 3], [10.0; 3]);
        for t in &mut inverted.triangles {
            t.swap(1, 2);
        }
        let r = repair(&mut inverted);
        assert_eq!(r.shells_reversed, 1);
        assert!((inverted.volume() - 1000.0).abs() < 1e-6);
    }

    #[test]
    fn voids_stay_voids() {
        let mut m = box_mesh([0.0; 3], [10.0; 3]);
        let mut inner = box_mesh([3.0; 3], [7.0; 3]);
        for t in &mut inner.triangles {
            t.swap(1, 2);
        }
        m.append(&inner);
        let r = repair(&mut m);
        assert_eq!(r.shells, 2);
        assert_eq!(r.shells_reversed, 0);
        assert!((m.volume() - (1000.0 - 64.0)).abs() < 1e-6);
    }

    #[test]
    fn orientation_follows_nesting() {
        let inward = |mut m: Mesh| {
            for t in &mut m.triangles {
                t.swap(1, 2);
            }
            m
        };
        // A solid inside a solid stays solid (the union is the outer box).
        let mut nested = box_mesh([0.0; 3], [10.0; 3]);
        nested.append(&box_mesh([3.0; 3], [7.0; 3]));
        assert_eq!(repair(&mut nested).shells_reversed, 0);
        assert!((nested.volume() - (1000.0 + 64.0)).abs() < 1e-6);
        // A file written inside out: the outer box faces in and its cavity faces out. Both
        // turn round, and the cavity stays a cavity.
        let mut inverted = inward(box_mesh([0.0; 3], [10.0; 3]));
        inverted.append(&box_mesh([3.0; 3], [7.0; 3]));
        assert_eq!(repair(&mut inverted).shells_reversed, 2);
        assert!((inverted.volume() - (1000.0 - 64.0)).abs() < 1e-6);
        // Side by side, each inside-out box is its own outermost shell.
        let mut pair = inward(box_mesh([0.0; 3], [10.0; 3]));
        pair.append(&inward(box_mesh([20.0; 3], [30.0; 3])));
        assert_eq!(repair(&mut pair).shells_reversed, 2);
        assert!((pair.volume() - 2000.0).abs() < 1e-6);
        // Three deep: a solid in a void in a solid keeps its sign.
        let mut deep = box_mesh([0.0; 3], [20.0; 3]);
        deep.append(&inward(box_mesh([4.0; 3], [16.0; 3])));
        deep.append(&box_mesh([8.0; 3], [12.0; 3]));
        assert_eq!(repair(&mut deep).shells_reversed, 0);
        assert!((deep.volume() - (8000.0 - 1728.0 + 64.0)).abs() < 1e-6);
    }

    #[test]
    fn welds_and_drops_duplicates_and_degenerates() {
        let mut m = box_mesh([0.0; 3], [10.0; 3]);
        // Unweld: give one triangle its own copies of its vertices, nudged a little.
        let base = m.vertices.len() as u32;
        let t0 = m.triangles[0];
        for &i in &t0 {
            let mut v = m.vertices[i as usize];
            v[0] += 1e-5;
            m.vertices.push(v);
        }
        m.triangles[0] = [base, base + 1, base + 2];
        m.triangles.push(m.triangles[5]);
        m.triangles.push([1, 1, 2]);
        let r = repair(&mut m);
        assert_eq!(r.vertices_welded, 3);
        assert_eq!(r.duplicate_faces_removed, 1);
        assert_eq!(r.degenerate_faces_removed, 1);
        assert_eq!(r.open_edges, 0);
        assert_eq!(m.triangles.len(), 12);
    }

    #[test]
    fn open_mesh_is_reported() {
        let mut m = box_mesh([0.0; 3], [10.0; 3]);
        m.triangles.truncate(10);
        let r = repair(&mut m);
        assert_eq!(r.open_edges, 4);
        assert!(r.lines().iter().any(|l| l.contains("open edges")));
    }
}
