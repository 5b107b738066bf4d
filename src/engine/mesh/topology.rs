//! Edge topology: every undirected edge gets an id, and each triangle knows the ids of its
//! three edges (edge k joins corner k to corner k+1). Repair uses it to orient faces and
//! count open edges; slicing uses it to chain cut segments into loops exactly.

use super::Mesh;

pub struct EdgeMap {
    /// Edge ids of each triangle, in corner order.
    pub triangle_edges: Vec<[u32; 3]>,
    /// How many triangles use each edge.
    pub edge_use: Vec<u32>,
}

impl EdgeMap {
    pub fn new(mesh: &Mesh) -> EdgeMap {
        let n = mesh.triangles.len();
        // (low vertex, high vertex, triangle * 3 + k), sorted so equal edges are adjacent.
        let mut keys: Vec<(u32, u32, u32)> = Vec::with_capacity(n * 3);
        for (ti, t) in mesh.triangles.iter().enumerate() {
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                keys.push((a.min(b), a.max(b), (ti * 3 + k) as u32));
            }
        }
        keys.sort_unstable();
        let mut triangle_edges = vec![[0u32; 3]; n];
        let mut edge_use = Vec::with_capacity(n * 3 / 2 + 1);
        let mut i = 0;
        while i < keys.len() {
            let mut j = i;
            let id = edge_use.len() as u32;
            while j < keys.len() && keys[j].0 == keys[i].0 && keys[j].1 == keys[i].1 {
                let slot = keys[j].2 as usize;
                triangle_edges[slot / 3][slot % 3] = id;
                j += 1;
            }
            edge_use.push((j - i) as u32);
            i = j;
        }
        EdgeMap {
            triangle_edges,
            edge_use,
        }
    }

    pub fn edge_count(&self) -> usize {
        self.edge_use.len()
    }

    /// Edges used by one triangle only: holes in the surface.
    pub fn open_edges(&self) -> usize {
        self.edge_use.iter().filter(|&&u| u == 1).count()
    }

    /// Edges shared by more than two triangles.
    pub fn non_manifold_edges(&self) -> usize {
        self.edge_use.iter().filter(|&&u| u > 2).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    #[test]
    fn closed_box_has_no_open_edges() {
        let m = box_mesh([0.0; 3], [1.0; 3]);
        let e = EdgeMap::new(&m);
        assert_eq!(e.edge_count(), 18);
        assert_eq!(e.open_edges(), 0);
        assert_eq!(e.non_manifold_edges(), 0);
        let mut open = m.clone();
        open.triangles.pop();
        assert_eq!(EdgeMap::new(&open).open_edges(), 3);
    }
}
