//! Cutting a mesh with horizontal planes. Each triangle crossing a plane gives one segment
//! whose ends lie on two of its edges; segments are chained into loops by edge id, so loops
//! close exactly without any distance tolerance. A vertex exactly on the plane counts as
//! above it (symbolic perturbation), so every crossing is between two edges.
//!
//! Segments run with the material on their left, so outer loops come out counter-clockwise
//! and holes clockwise. Chains that do not close (open meshes) are joined to the nearest
//! chain start within `MAX_GAP`, as PrusaSlicer does.

use crate::engine::geom::{Point, Polygon};
use crate::engine::mesh::{EdgeMap, Mesh};
use crate::engine::par;
use crate::engine::units::scaled;

/// Open chains whose ends are closer than this are joined (mm).
const MAX_GAP: f64 = 2.0;

#[derive(Clone, Copy)]
struct Segment {
    start_edge: u32,
    end_edge: u32,
    start: Point,
    end: Point,
}

/// Closed loops of the mesh at each height in `zs` (which must be ascending).
/// Also returns how many open chains could not be closed, per layer.
pub fn slice_mesh(mesh: &Mesh, zs: &[f64]) -> Vec<(Vec<Polygon>, usize)> {
    if zs.is_empty() || mesh.triangles.is_empty() {
        return vec![(Vec::new(), 0); zs.len()];
    }
    let edges = EdgeMap::new(mesh);
    let buckets = bucket_triangles(mesh, zs);
    par::map_range(zs.len(), |layer| {
        let tris =
            &buckets.items[buckets.starts[layer] as usize..buckets.starts[layer + 1] as usize];
        let z = zs[layer];
        let segments: Vec<Segment> = tris
            .iter()
            .filter_map(|&t| cut_triangle(mesh, &edges, t as usize, z))
            .collect();
        chain(segments)
    })
}

/// Triangles listed per layer they cross (CSR).
struct Buckets {
    starts: Vec<u32>,
    items: Vec<u32>,
}

fn bucket_triangles(mesh: &Mesh, zs: &[f64]) -> Buckets {
    let ranges: Vec<(usize, usize)> = mesh
        .triangles
        .iter()
        .map(|t| {
            let z = t.map(|i| mesh.vertices[i as usize][2] as f64);
            let zmin = z[0].min(z[1]).min(z[2]);
            let zmax = z[0].max(z[1]).max(z[2]);
            // Crossing planes s satisfy zmin < s <= zmax.
            let first = zs.partition_point(|&s| s <= zmin);
            let end = zs.partition_point(|&s| s <= zmax);
            (first, end)
        })
        .collect();
    let mut counts = vec![0u32; zs.len() + 1];
    for &(a, b) in &ranges {
        for c in &mut counts[a..b] {
            *c += 1;
        }
    }
    let mut starts = vec![0u32; zs.len() + 1];
    for i in 0..zs.len() {
        starts[i + 1] = starts[i] + counts[i];
    }
    let mut fill = starts.clone();
    let mut items = vec![0u32; starts[zs.len()] as usize];
    for (t, &(a, b)) in ranges.iter().enumerate() {
        for l in a..b {
            items[fill[l] as usize] = t as u32;
            fill[l] += 1;
        }
    }
    Buckets { starts, items }
}

fn cut_triangle(mesh: &Mesh, edges: &EdgeMap, t: usize, z: f64) -> Option<Segment> {
    let tri = mesh.triangles[t];
    let above = tri.map(|i| mesh.vertices[i as usize][2] as f64 >= z);
    let mut down = None; // edge going from above to below
    let mut up = None; // edge going from below to above
    for k in 0..3 {
        let (a, b) = (above[k], above[(k + 1) % 3]);
        if a && !b {
            down = Some(k);
        } else if !a && b {
            up = Some(k);
        }
    }
    let (down, up) = (down?, up?);
    let point_on = |k: usize| -> Point {
        let (i, j) = (tri[k], tri[(k + 1) % 3]);
        // Same numbers from both triangles sharing the edge: interpolate from the lower index.
        let (lo, hi) = if i < j { (i, j) } else { (j, i) };
        let p = mesh.vertices[lo as usize].map(f64::from);
        let q = mesh.vertices[hi as usize].map(f64::from);
        let f = (z - p[2]) / (q[2] - p[2]);
        Point::new(
            scaled(p[0] + f * (q[0] - p[0])),
            scaled(p[1] + f * (q[1] - p[1])),
        )
    };
    Some(Segment {
        start_edge: edges.triangle_edges[t][down],
        end_edge: edges.triangle_edges[t][up],
        start: point_on(down),
        end: point_on(up),
    })
}

/// Chains segments into closed loops; returns the loops and the number of open chains that
/// had to be closed across a gap wider than `MAX_GAP`.
fn chain(mut segments: Vec<Segment>) -> (Vec<Polygon>, usize) {
    segments.sort_unstable_by_key(|s| (s.start_edge, s.end_edge));
    let n = segments.len();
    let mut used = vec![false; n];
    let find_next = |edge: u32, used: &[bool]| -> Option<usize> {
        let i = segments.partition_point(|s| s.start_edge < edge);
        (i..n)
            .take_while(|&j| segments[j].start_edge == edge)
            .find(|&j| !used[j])
    };
    let mut ends: Vec<u32> = segments.iter().map(|s| s.end_edge).collect();
    ends.sort_unstable();
    let is_head = |s: &Segment| ends.binary_search(&s.start_edge).is_err();

    let mut loops = Vec::new();
    let mut open: Vec<Vec<Point>> = Vec::new();
    // Open chains first, from their heads; what remains are closed loops.
    let order: Vec<usize> = (0..n)
        .filter(|&i| is_head(&segments[i]))
        .chain(0..n)
        .collect();
    for start in order {
        if used[start] {
            continue;
        }
        let mut pts = Vec::new();
        let mut cur = start;
        let closed = loop {
            used[cur] = true;
            pts.push(segments[cur].start);
            let next_edge = segments[cur].end_edge;
            if next_edge == segments[start].start_edge && !is_head(&segments[start]) {
                break true;
            }
            match find_next(next_edge, &used) {
                Some(j) => cur = j,
                None => break false,
            }
        };
        if closed {
            push_loop(&mut loops, pts);
        } else {
            pts.push(segments[cur].end);
            open.push(pts);
        }
    }
    let dropped = close_open_chains(open, &mut loops);
    (loops, dropped)
}

fn push_loop(loops: &mut Vec<Polygon>, mut pts: Vec<Point>) {
    pts.dedup();
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() >= 3 {
        loops.push(Polygon::new(pts));
    }
}

/// Greedily joins each open chain's end to the nearest chain start (itself included) within
/// `MAX_GAP`. A chain with no start that near is closed straight back to its own start (a
/// missing patch of surface), and counted.
fn close_open_chains(mut open: Vec<Vec<Point>>, loops: &mut Vec<Polygon>) -> usize {
    let max_gap = scaled(MAX_GAP) as f64;
    let mut wide = 0;
    while let Some(mut chain) = open.pop() {
        loop {
            let end = *chain.last().unwrap_or(&Point::default());
            let own = chain[0].distance(end);
            let best = open
                .iter()
                .enumerate()
                .map(|(i, c)| (c[0].distance(end), i))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            match best {
                Some((d, i)) if d < own && d <= max_gap => {
                    let next = open.swap_remove(i);
                    chain.extend(next);
                }
                _ => {
                    if own > max_gap {
                        wide += 1;
                    }
                    push_loop(loops, chain);
                    break;
                }
            }
        }
    }
    wide
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    #[test]
    fn box_slices_to_one_ccw_square() {
        let m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        let layers = slice_mesh(&m, &[0.1, 2.5, 4.9, 5.0, 6.0]);
        for (loops, dropped) in &layers[..3] {
            assert_eq!(*dropped, 0);
            assert_eq!(loops.len(), 1);
            assert!(loops[0].is_ccw());
            assert_eq!(loops[0].area(), 20_000.0 * 10_000.0);
        }
        // A plane through the top face still cuts the walls just below it; one above, nothing.
        assert_eq!(layers[3].0.len(), 1);
        assert!(layers[4].0.is_empty());
    }

    #[test]
    fn plane_through_vertices_still_closes() {
        // An octahedron has vertices at z = 0 exactly, on the plane.
        let m = Mesh {
            vertices: vec![
                [0.0, 0.0, -1.0],
                [1.0, 0.0, 0.0],
                [0.0, 1.0, 0.0],
                [-1.0, 0.0, 0.0],
                [0.0, -1.0, 0.0],
                [0.0, 0.0, 1.0],
            ],
            triangles: vec![
                [0, 2, 1],
                [0, 3, 2],
                [0, 4, 3],
                [0, 1, 4],
                [5, 1, 2],
                [5, 2, 3],
                [5, 3, 4],
                [5, 4, 1],
            ],
        };
        let (loops, dropped) = &slice_mesh(&m, &[0.0])[0];
        assert_eq!(*dropped, 0);
        assert_eq!(loops.len(), 1);
        assert!((loops[0].area() - 2e6).abs() < 1.0, "{}", loops[0].area());
    }

    #[test]
    fn open_mesh_loops_are_closed() {
        let mut m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        // Remove one side wall (two triangles): every layer has an open chain.
        m.triangles.remove(11);
        m.triangles.remove(10);
        let (loops, wide) = &slice_mesh(&m, &[2.5])[0];
        assert_eq!(*wide, 1, "the 10 mm gap is wider than MAX_GAP");
        assert_eq!(loops.len(), 1);
        assert!((loops[0].area() - 2e8).abs() < 1.0);
    }

    proptest::proptest! {
        #[test]
        fn rotated_boxes_slice_to_their_cross_section(
            sx in 1.0f32..80.0, sy in 1.0f32..80.0, sz in 0.5f32..30.0, angle in 0.0f64..6.3, z in 0.01f64..0.99,
        ) {
            let mut m = box_mesh([0.0; 3], [sx, sy, sz]);
            m.transform(&glam::DAffine3::from_rotation_z(angle));
            let (loops, wide) = &slice_mesh(&m, &[z * sz as f64])[0];
            proptest::prop_assert_eq!(*wide, 0);
            proptest::prop_assert_eq!(loops.len(), 1);
            proptest::prop_assert!(loops[0].is_ccw());
            let expect = (sx as f64 * sy as f64) * 1e6;
            proptest::prop_assert!((loops[0].area() - expect).abs() / expect < 1e-3);
        }
    }
}
