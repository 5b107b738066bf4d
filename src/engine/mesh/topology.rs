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
        let nv = mesh.vertices.len();
        // Bucket the half-edges by their lower vertex (counting sort), then match within each
        // small bucket: linear time, where a global sort of 3n keys dominated imports.
        let mut starts = vec![0u32; nv + 1];
        for t in &mesh.triangles {
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                starts[a.min(b) as usize + 1] += 1;
            }
        }
        for v in 0..nv {
            starts[v + 1] += starts[v];
        }
        let mut fill = starts.clone();
        // (higher vertex, triangle * 3 + corner)
        let mut items = vec![(0u32, 0u32); n * 3];
        for (ti, t) in mesh.triangles.iter().enumerate() {
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                let lo = a.min(b) as usize;
                items[fill[lo] as usize] = (a.max(b), (ti * 3 + k) as u32);
                fill[lo] += 1;
            }
        }
        let mut triangle_edges = vec![[0u32; 3]; n];
        let mut edge_use = Vec::with_capacity(n * 3 / 2 + 1);
        for v in 0..nv {
            let bucket = &mut items[starts[v] as usize..starts[v + 1] as usize];
            bucket.sort_unstable();
            let mut i = 0;
            while i < bucket.len() {
                let id = edge_use.len() as u32;
                let mut j = i;
                while j < bucket.len() && bucket[j].0 == bucket[i].0 {
                    let slot = bucket[j].1 as usize;
                    triangle_edges[slot / 3][slot % 3] = id;
                    j += 1;
                }
                edge_use.push((j - i) as u32);
                i = j;
            }
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
