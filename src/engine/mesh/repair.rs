//! Mesh repair: weld vertices, drop degenerate and duplicate faces, orient faces consistently
//! within each shell and turn inside-out shells the right way (voids inside another shell
//! are left facing inward). What remains broken (open edges) is reported; slicing copes with
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
    let mut report = RepairReport {
        vertices_welded: weld(mesh),
        ..Default::default()
    };
    let before = mesh.triangles.len();
    mesh.triangles
        .retain(|t| t[0] != t[1] && t[1] != t[2] && t[0] != t[2]);
    report.degenerate_faces_removed = before - mesh.triangles.len();
    report.duplicate_faces_removed = remove_duplicates(mesh);
    let (flipped, reversed, shells, edges) = orient(mesh);
    report.faces_flipped = flipped;
    report.shells_reversed = reversed;
    report.shells = shells;
    // Flipping faces leaves the topology as it was.
    report.open_edges = edges.open_edges();
    report.non_manifold_edges = edges.non_manifold_edges();
    report
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

/// Removes repeated faces; a face and its reverse cancel (an internal double wall).
fn remove_duplicates(mesh: &mut Mesh) -> usize {
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
    let before = mesh.triangles.len();
    let mut k = 0;
    mesh.triangles.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    before - mesh.triangles.len()
}

/// Makes neighbouring faces agree (shared edges run opposite ways), then turns each shell
/// with negative volume outward unless it is a void inside another shell.
/// Returns (faces whose orientation changed, shells reversed, shell count, the edge map).
fn orient(mesh: &mut Mesh) -> (usize, usize, usize, EdgeMap) {
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
    let mut reversed = 0;
    let negative: Vec<usize> = (0..shells.len())
        .filter(|&s| volume(mesh, &shells[s]) < 0.0)
        .collect();
    for s in negative {
        let probe = mesh.vertex(mesh.triangles[shells[s][0] as usize][0]);
        if inside_other_shells(mesh, &shell, s as u32, probe) {
            continue;
        }
        for &t in &shells[s] {
            mesh.triangles[t as usize].swap(1, 2);
            flip[t as usize] = !flip[t as usize];
        }
        reversed += 1;
    }
    (
        flip.iter().filter(|&&f| f).count(),
        reversed,
        shells.len(),
        edges,
    )
}

/// Ray parity test of `p` against the faces of all other shells.
fn inside_other_shells(mesh: &Mesh, shell: &[u32], own: u32, p: DVec3) -> bool {
    // A slightly skewed ray avoids grazing edges and vertices of axis-aligned meshes.
    let dir = DVec3::new(1.0, 1.234e-4, 2.345e-4).normalize();
    let mut crossings = 0;
    for (t, tri) in mesh.triangles.iter().enumerate() {
        if shell[t] == own {
            continue;
        }
        let (a, b, c) = (
            mesh.vertex(tri[0]),
            mesh.vertex(tri[1]),
            mesh.vertex(tri[2]),
        );
        if super::ray_triangle(p, dir, a, b, c).is_some() {
            crossings += 1;
        }
    }
    crossings % 2 == 1
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
