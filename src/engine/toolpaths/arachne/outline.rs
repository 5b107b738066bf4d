//! The outline of a region as the skeleton needs it: its rings sampled no further apart
//! than asked, triangulated with spade (constrained Delaunay), and walked again after
//! refinement split some of its edges; distances from a point to the outline next to a
//! sample.

use spade::handles::FixedVertexHandle;
use spade::{ConstrainedDelaunayTriangulation, Point2, Triangulation};

pub(super) type Cdt = ConstrainedDelaunayTriangulation<Point2<f64>>;

pub(super) struct Outline {
    pub pts: Vec<[f64; 2]>,
    pub prev: Vec<usize>,
    pub next: Vec<usize>,
    /// Each ring's sample indices, in order with the region on the left.
    pub rings: Vec<Vec<usize>>,
}

impl Outline {
    /// Samples every edge at most `step(a, b)` apart.
    pub fn sample(rings: &[Vec<[f64; 2]>], step: impl Fn(usize, usize) -> f64) -> Outline {
        let mut o = Outline {
            pts: Vec::new(),
            prev: Vec::new(),
            next: Vec::new(),
            rings: Vec::new(),
        };
        let mut base = 0usize;
        for ring in rings {
            let first = o.pts.len();
            let n = ring.len();
            for i in 0..n {
                let (a, b) = (ring[i], ring[(i + 1) % n]);
                let len = dist(a, b);
                let pieces = (len / step(base + i, base + (i + 1) % n)).ceil().max(1.0) as usize;
                for k in 0..pieces {
                    let t = k as f64 / pieces as f64;
                    o.pts
                        .push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
                }
            }
            let last = o.pts.len();
            for i in first..last {
                o.prev.push(if i == first { last - 1 } else { i - 1 });
                o.next.push(if i + 1 == last { first } else { i + 1 });
            }
            o.rings.push((first..last).collect());
            base += n;
        }
        o
    }

    /// The outline after refinement split some of its edges: the rings again, through the
    /// new vertices on each edge.
    pub fn refined(&self, cdt: &Cdt) -> Option<Outline> {
        let pts: Vec<[f64; 2]> = cdt
            .vertices()
            .map(|v| [v.position().x, v.position().y])
            .collect();
        let mut o = Outline {
            prev: vec![usize::MAX; pts.len()],
            next: vec![usize::MAX; pts.len()],
            pts,
            rings: Vec::new(),
        };
        for ring in &self.rings {
            let mut out: Vec<usize> = Vec::with_capacity(ring.len());
            for &a in ring {
                let b = self.next[a];
                let target = o.pts[b];
                let mut v = a;
                let mut reached = false;
                for _ in 0..100_000 {
                    out.push(v);
                    let here = o.pts[v];
                    let dir = [target[0] - here[0], target[1] - here[1]];
                    let left = dir[0].hypot(dir[1]);
                    // The constraint edge from v that heads along the original edge.
                    let step = cdt
                        .vertex(FixedVertexHandle::from_index(v))
                        .out_edges()
                        .find(|e| {
                            if !e.is_constraint_edge() {
                                return false;
                            }
                            let q = e.to().position();
                            let d = [q.x - here[0], q.y - here[1]];
                            let along = d[0] * dir[0] + d[1] * dir[1];
                            let across = (d[0] * dir[1] - d[1] * dir[0]).abs();
                            // Forwards, along the edge, and no further than its end.
                            along > 0.0
                                && d[0].hypot(d[1]) <= left + 1e-6
                                && across <= 1e-6 * (left * d[0].hypot(d[1])).max(1.0) + 1e-3
                        })?;
                    v = step.to().fix().index();
                    if v == b {
                        reached = true;
                        break;
                    }
                }
                if !reached {
                    return None;
                }
            }
            let n = out.len();
            for k in 0..n {
                o.prev[out[k]] = out[(k + n - 1) % n];
                o.next[out[k]] = out[(k + 1) % n];
            }
            o.rings.push(out);
        }
        Some(o)
    }

    pub fn cdt(&self) -> Option<Cdt> {
        let vertices: Vec<Point2<f64>> = self.pts.iter().map(|p| Point2::new(p[0], p[1])).collect();
        let edges: Vec<[usize; 2]> = (0..self.pts.len()).map(|i| [i, self.next[i]]).collect();
        let mut conflict = false;
        let cdt = Cdt::try_bulk_load_cdt(vertices, edges, |_| conflict = true).ok()?;
        // Duplicate samples or crossing edges: the outline is not a simple region.
        (!conflict && cdt.num_vertices() == self.pts.len()).then_some(cdt)
    }

    /// Moves a Voronoi vertex of the samples onto the medial axis of the outline's segments:
    /// away from its nearest side until it is as far from it as from its farthest foot.
    pub fn centred(&self, p: [f64; 2], feet: [usize; 3]) -> [f64; 2] {
        let d = feet.map(|v| self.side_distance(p, v));
        let (mut lo, mut hi) = (0, 0);
        for k in 1..3 {
            if d[k] < d[lo] {
                lo = k;
            }
            if d[k] > d[hi] {
                hi = k;
            }
        }
        let shift = (d[hi] - d[lo]) / 2.0;
        if shift < 1.0 {
            return p;
        }
        let q = self.nearest_on_side(p, feet[lo]);
        let r = self.nearest_on_side(p, feet[hi]);
        let (lq, lr) = (dist(p, q), dist(p, r));
        if lq < 1e-9 || lr < 1e-9 {
            return p;
        }
        // Only between opposite sides (a strip), not round a corner.
        let u = [(p[0] - q[0]) / lq, (p[1] - q[1]) / lq];
        let v = [(p[0] - r[0]) / lr, (p[1] - r[1]) / lr];
        if u[0] * v[0] + u[1] * v[1] > -0.95 {
            return p;
        }
        [p[0] + u[0] * shift, p[1] + u[1] * shift]
    }

    pub fn nearest_on_side(&self, p: [f64; 2], v: usize) -> [f64; 2] {
        let (a, b, c) = (self.pts[self.prev[v]], self.pts[v], self.pts[self.next[v]]);
        let (q1, q2) = (seg_nearest(p, a, b), seg_nearest(p, b, c));
        if dist(p, q1) <= dist(p, q2) { q1 } else { q2 }
    }

    /// Distance from `p` to the two outline segments at sample `v`.
    pub fn side_distance(&self, p: [f64; 2], v: usize) -> f64 {
        let (a, b, c) = (self.pts[self.prev[v]], self.pts[v], self.pts[self.next[v]]);
        seg_dist(p, a, b).min(seg_dist(p, b, c))
    }
}

pub(super) fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

pub(super) fn seg_nearest(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let l2 = dx * dx + dy * dy;
    if l2 == 0.0 {
        return a;
    }
    let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2).clamp(0.0, 1.0);
    [a[0] + t * dx, a[1] + t * dy]
}

pub(super) fn seg_dist(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    dist(p, seg_nearest(p, a, b))
}
