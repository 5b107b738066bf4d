//! The skeleton of a region and the beads laid along it.
//!
//! The region's outline is sampled (densely where the region is thin) and triangulated with
//! spade (a constrained Delaunay triangulation). The circumcentre of each triangle inside the
//! region is a vertex of the samples' Voronoi diagram: a node of the medial axis, as far from
//! the outline as from the triangle's three corners (its feet). Two triangles sharing an edge
//! give a skeleton edge between their nodes; a node and one of its feet give a rib. This is
//! the skeletal trapezoidation of CuraEngine's and PrusaSlicer's Arachne, built on points
//! instead of segments: no crate offers a segment Voronoi diagram that is fast enough here
//! (boostvoronoi takes 168 ms per layer, ../shared/GEOMETRY.md), while spade triangulates a
//! layer in about a millisecond.
//!
//! Each node gets a beading (how many lines, how wide, where) from its thickness where the
//! skeleton runs along the middle of the region (central edges); near corners, where the
//! skeleton runs straight towards the outline, a node keeps the beading of the thicker node
//! above it, so the lines keep their distance from the outline into the corner. Lines from
//! the outline inwards (bead j of a side) are found on the ribs, at bead j's distance from
//! the outline; a middle line (odd counts) runs along the skeleton itself.

use super::beading::{Beading, Strategy};
use super::outline::{Cdt, Outline, dist, seg_dist};
use crate::engine::geom::ExPolygon;
use spade::handles::{FixedFaceHandle, FixedVertexHandle, InnerTag};
use spade::{AngleLimit, RefinementParameters, Triangulation};

/// A variable-width line: points with the line's spacing at each (micrometres).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bead {
    /// 0 for the lines along the outline, counting inwards.
    pub inset: usize,
    pub points: Vec<[f64; 2]>,
    pub widths: Vec<f64>,
}

/// How the skeleton is built.
#[derive(Debug, Clone, Copy)]
pub struct SkeletonParams {
    /// Finest and coarsest outline sampling (µm).
    pub min_step: f64,
    pub max_step: f64,
    /// sin(transition angle / 2): a skeleton edge along which the thickness changes faster
    /// than this runs into a corner, not along the middle of the region.
    pub central_slope: f64,
    /// Length (µm) over which a line that ends where the count of lines drops narrows to half
    /// its width.
    pub transition_length: f64,
    /// Thickness changes smaller than this (µm) keep the count of lines: where a part's
    /// thickness hovers at a threshold, the count does not flicker along it.
    pub filter_deviation: f64,
}

struct Node {
    pos: [f64; 2],
    /// Two of its feet lie on nearly opposite sides of it.
    opposite: bool,
    feet: [usize; 3],
    /// Distance to the outline next to each foot.
    dist: [f64; 3],
    thickness: f64,
    edges: Vec<usize>,
}

struct Edge {
    nodes: [usize; 2],
    central: bool,
}

/// The skeleton's nodes and edges, and the ribs of each ring in order along it.
struct Skeleton {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Per ring: (node, foot) in order along the ring.
    ribs: Vec<Vec<(usize, usize)>>,
    max_beads: usize,
    /// The narrowest line the beading makes.
    narrowest: f64,
}

/// The beads of one region, or None when its outline cannot be triangulated (crossing or
/// repeated edges), for the caller to fall back on fixed-width walls.
pub fn beads(
    region: &ExPolygon,
    strategy: &Strategy,
    params: &SkeletonParams,
) -> Option<Vec<Bead>> {
    // Vertices closer than this to the previous one say nothing about the shape and make
    // slivers in the triangulation.
    const MIN_EDGE: f64 = 10.0;
    let rings: Vec<Vec<[f64; 2]>> = region
        .polygons()
        .map(|p| {
            let mut ring: Vec<[f64; 2]> = Vec::with_capacity(p.points.len());
            for q in &p.points {
                let q = [q.x as f64, q.y as f64];
                if ring.last().is_none_or(|l| dist(*l, q) >= MIN_EDGE) {
                    ring.push(q);
                }
            }
            while ring.len() > 1 && dist(ring[0], ring[ring.len() - 1]) < MIN_EDGE {
                ring.pop();
            }
            ring
        })
        .filter(|r| r.len() >= 3)
        .collect();
    if rings.is_empty() {
        return Some(Vec::new());
    }
    // A first, coarse triangulation tells how thin the region is along each edge; thin
    // stretches are sampled again, finely enough for the samples' Voronoi vertices to follow
    // the outline's medial axis. Then Delaunay refinement: outline edges that a triangle's
    // far corner encroaches on (the corner inside the edge's diametral circle) are split
    // until none is, so every circumcentre inside lies inside the region.
    let mut coarse = Outline::sample(&rings, |_, _| params.max_step);
    let mut cdt = coarse.cdt()?;
    let mut local = vec![f64::MAX; coarse.pts.len()];
    for i in 0..coarse.pts.len() {
        let j = coarse.next[i];
        let e = cdt.get_edge_from_neighbors(
            FixedVertexHandle::from_index(i),
            FixedVertexHandle::from_index(j),
        )?;
        if let Some(o) = e.opposite_position() {
            let h = seg_dist([o.x, o.y], coarse.pts[i], coarse.pts[j]);
            local[i] = local[i].min(h);
            local[j] = local[j].min(h);
        }
    }
    let step = |l: f64| (l * 0.4).clamp(params.min_step, params.max_step);
    if (0..coarse.pts.len()).any(|i| {
        dist(coarse.pts[i], coarse.pts[coarse.next[i]]) > step(local[i].min(local[coarse.next[i]]))
    }) {
        let coarse_rings: Vec<Vec<[f64; 2]>> = coarse
            .rings
            .iter()
            .map(|r| r.iter().map(|&i| coarse.pts[i]).collect())
            .collect();
        coarse = Outline::sample(&coarse_rings, |a, b| step(local[a].min(local[b])));
        cdt = coarse.cdt()?;
    }
    cdt.refine(
        RefinementParameters::<f64>::new()
            .with_angle_limit(AngleLimit::from_deg(0.0))
            .exclude_outer_faces(true)
            .with_max_additional_vertices(coarse.pts.len() * 20),
    );
    let outline = coarse.refined(&cdt)?;
    let skeleton = Skeleton::build(&outline, &cdt, params, strategy)?;
    Some(skeleton.beads(&outline, strategy, params))
}

impl Skeleton {
    /// The node at the other end of edge `e` from node `i`.
    fn across(&self, e: usize, i: usize) -> usize {
        let [a, b] = self.edges[e].nodes;
        if a == i { b } else { a }
    }

    fn build(
        o: &Outline,
        cdt: &Cdt,
        params: &SkeletonParams,
        strategy: &Strategy,
    ) -> Option<Skeleton> {
        // The faces inside: those left of each outline edge, and all reached from them
        // without crossing the outline.
        let mut node_of: Vec<usize> = vec![usize::MAX; cdt.num_all_faces()];
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<FixedFaceHandle<InnerTag>> = Vec::new();
        let vh = FixedVertexHandle::from_index;
        for i in 0..o.pts.len() {
            let e = cdt.get_edge_from_neighbors(vh(i), vh(o.next[i]))?;
            stack.push(e.face().as_inner()?.fix());
        }
        while let Some(f) = stack.pop() {
            if node_of[f.index()] != usize::MAX {
                continue;
            }
            let face = cdt.face(f);
            let feet = face.vertices().map(|v| v.fix().index());
            let [a, b, c] = feet.map(|i| o.pts[i]);
            let pos = o.centred(node_position(a, b, c), feet);
            let dist = feet.map(|v| o.side_distance(pos, v));
            let (lo, hi) = (
                dist.iter().copied().fold(f64::MAX, f64::min),
                dist.iter().copied().fold(0.0, f64::max),
            );
            // Nearly opposite: the nearest outline points by two feet more than 150° apart as
            // seen from the node.
            let dirs = feet.map(|v| o.nearest_on_side(pos, v)).map(|q| {
                let (dx, dy) = (q[0] - pos[0], q[1] - pos[1]);
                let l = dx.hypot(dy).max(1e-9);
                [dx / l, dy / l]
            });
            let opposite = (0..3).any(|k| {
                let (u, v) = (dirs[k], dirs[(k + 1) % 3]);
                u[0] * v[0] + u[1] * v[1] < -(150f64.to_radians().cos().abs())
            });
            node_of[f.index()] = nodes.len();
            nodes.push(Node {
                pos,
                opposite,
                feet,
                dist,
                thickness: lo + hi,
                edges: Vec::new(),
            });
            for e in face.adjacent_edges() {
                if e.is_constraint_edge() {
                    continue;
                }
                if let Some(g) = e.rev().face().as_inner() {
                    stack.push(g.fix());
                }
            }
        }
        // Skeleton edges between neighbouring inside faces.
        let mut edges: Vec<Edge> = Vec::new();
        for e in cdt.undirected_edges() {
            if e.is_constraint_edge() {
                continue;
            }
            let [d0, d1] = [e.as_directed(), e.as_directed().rev()];
            let (Some(f0), Some(f1)) = (d0.face().as_inner(), d1.face().as_inner()) else {
                continue;
            };
            let (n0, n1) = (node_of[f0.fix().index()], node_of[f1.fix().index()]);
            if n0 == usize::MAX || n1 == usize::MAX {
                continue;
            }
            let len = dist(nodes[n0].pos, nodes[n1].pos);
            let dr = (nodes[n0].thickness - nodes[n1].thickness).abs() / 2.0;
            let central = len > 1.0 && dr < len * params.central_slope;
            let id = edges.len();
            edges.push(Edge {
                nodes: [n0, n1],
                central,
            });
            nodes[n0].edges.push(id);
            nodes[n1].edges.push(id);
        }
        // Ribs along each ring: around each sample, the fan of inside faces from the
        // previous outline edge to the next.
        let mut ribs: Vec<Vec<(usize, usize)>> = Vec::new();
        for ring in &o.rings {
            let mut seq: Vec<(usize, usize)> = Vec::new();
            for &v in ring {
                let (p, n) = (o.prev[v], o.next[v]);
                let mut e = cdt.get_edge_from_neighbors(vh(v), vh(p))?;
                let mut reached = false;
                for _ in 0..1024 {
                    let f = e.rev().face().as_inner()?;
                    let node = node_of[f.fix().index()];
                    if node == usize::MAX {
                        return None;
                    }
                    seq.push((node, v));
                    e = e.rev().next();
                    if e.to().fix().index() == n {
                        reached = true;
                        break;
                    }
                }
                if !reached {
                    return None;
                }
            }
            ribs.push(seq);
        }
        Some(Skeleton {
            nodes,
            edges,
            ribs,
            max_beads: strategy.max_beads,
            narrowest: strategy.narrowest(),
        })
    }

    /// Each node's beading: its own where the skeleton runs along the middle (or at a local
    /// widest point), else that of the thicker neighbour it hangs from.
    fn beadings(&self, strategy: &Strategy, params: &SkeletonParams) -> Vec<Beading> {
        let n = self.nodes.len();
        // A node is central where the skeleton runs along the middle (a central edge) or
        // where the outline faces it from opposite sides (a neck, a strip, a thin wedge):
        // there its own thickness decides, so lines never squeeze between opposite sides.
        let central: Vec<bool> = (0..n)
            .map(|i| {
                self.nodes[i].edges.iter().any(|&e| self.edges[e].central) || self.nodes[i].opposite
            })
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| self.nodes[b].thickness.total_cmp(&self.nodes[a].thickness));
        // Every node starts with its own beading; a node off the middle then takes the
        // beading of its thickest neighbour that is at least as thick (ties are nodes at one
        // spot: cocircular samples), repeated until nothing changes.
        let mut source: Vec<(f64, usize)> = (0..n)
            .map(|i| {
                let t = self.nodes[i].thickness;
                (t, strategy.optimal_count(t))
            })
            .collect();
        // Along the middle, a node within the filter's deviation of a count threshold takes
        // the count of its settled neighbours (those whose count the deviation does not
        // change), spreading outwards from them.
        let dev = params.filter_deviation;
        let mut settled: Vec<bool> = (0..n)
            .map(|i| {
                let t = self.nodes[i].thickness;
                !central[i]
                    || strategy.optimal_count((t - dev).max(0.0)) == strategy.optimal_count(t + dev)
            })
            .collect();
        for _ in 0..n.max(1) {
            let mut changed = false;
            for &i in &order {
                if settled[i] {
                    continue;
                }
                let t = self.nodes[i].thickness;
                let near = self.nodes[i]
                    .edges
                    .iter()
                    .filter(|&&e| self.edges[e].central)
                    .map(|&e| self.across(e, i))
                    .filter(|&j| settled[j] && central[j] && strategy.fits(t, source[j].1))
                    .min_by(|&a, &b| {
                        (self.nodes[a].thickness - t)
                            .abs()
                            .total_cmp(&(self.nodes[b].thickness - t).abs())
                    });
                if let Some(j) = near {
                    source[i] = (t, source[j].1);
                    settled[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Stretches wholly within the deviation of a threshold (nothing settled to spread
        // from) take the count most of their nodes have.
        let mut seen = settled.clone();
        for start in 0..n {
            if seen[start] {
                continue;
            }
            let group = self.flood(start, &mut seen, |e, _| self.edges[e].central);
            let mut votes: Vec<(usize, usize)> = Vec::new();
            for &i in &group {
                match votes.iter_mut().find(|v| v.0 == source[i].1) {
                    Some(v) => v.1 += 1,
                    None => votes.push((source[i].1, 1)),
                }
            }
            // The count that suits the most nodes, then the most common one.
            let Some(&(count, _)) = votes.iter().max_by_key(|v| {
                let suits = group
                    .iter()
                    .filter(|&&i| strategy.fits(self.nodes[i].thickness, v.0))
                    .count();
                (suits, v.1)
            }) else {
                continue;
            };
            for &i in &group {
                let t = self.nodes[i].thickness;
                if strategy.fits(t, count) {
                    source[i] = (t, count);
                }
            }
        }
        self.dissolve_short_peaks(
            &central,
            &mut source,
            strategy,
            2.0 * params.transition_length,
        );
        for _ in 0..n.max(1) {
            let mut changed = false;
            for &i in &order {
                if central[i] {
                    continue;
                }
                let t = self.nodes[i].thickness;
                for &e in &self.nodes[i].edges {
                    let j = self.across(e, i);
                    if self.nodes[j].thickness >= t - 1.0 && source[j].0 > source[i].0 + 1e-6 {
                        source[i] = source[j];
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        source
            .into_iter()
            .map(|(t, count)| strategy.compute(t, count))
            .collect()
    }

    /// The nodes reached from `start` over edges that `joins(edge, node across)` accepts,
    /// marking them seen.
    fn flood(
        &self,
        start: usize,
        seen: &mut [bool],
        joins: impl Fn(usize, usize) -> bool,
    ) -> Vec<usize> {
        let mut group = vec![start];
        seen[start] = true;
        let mut k = 0;
        while k < group.len() {
            let i = group[k];
            k += 1;
            for &e in &self.nodes[i].edges {
                let j = self.across(e, i);
                if !seen[j] && joins(e, j) {
                    seen[j] = true;
                    group.push(j);
                }
            }
        }
        group
    }

    /// A patch with more lines than everything around it has no room for a change of count in
    /// and out again when it is off the middle (a bulge where the skeleton runs into a
    /// corner, as where a thin ring turns a corner) or shorter than `reach` along the middle:
    /// it takes the count around it, where those lines fit. Otherwise the patch would get a
    /// stub of an extra line.
    fn dissolve_short_peaks(
        &self,
        central: &[bool],
        source: &mut [(f64, usize)],
        strategy: &Strategy,
        reach: f64,
    ) {
        let n = self.nodes.len();
        let length = |e: usize| {
            let [a, b] = self.edges[e].nodes;
            let (p, q) = (self.nodes[a].pos, self.nodes[b].pos);
            (p[0] - q[0]).hypot(p[1] - q[1])
        };
        let mut seen = vec![false; n];
        for start in 0..n {
            if seen[start] {
                continue;
            }
            let count = source[start].1;
            let group = self.flood(start, &mut seen, |_, j| source[j].1 == count);
            let (mut extent, mut around, mut peak) = (0.0, 0usize, true);
            for &i in &group {
                for &e in &self.nodes[i].edges {
                    let j = self.across(e, i);
                    if self.edges[e].central && central[i] && central[j] {
                        // Inner edges are met from both ends.
                        extent += length(e) / 2.0;
                    }
                    if source[j].1 != count {
                        peak &= source[j].1 < count;
                        around = around.max(source[j].1);
                    }
                }
            }
            if peak
                && around > 0
                && extent < reach
                && group.iter().all(|&i| {
                    // Widened, not beyond what the strategy's lines ever get: 1.8 lines (the
                    // width stays under twice the nozzle).
                    let t = self.nodes[i].thickness;
                    strategy.fits(t, around)
                        && strategy
                            .compute(t, around)
                            .widths
                            .iter()
                            .all(|w| *w <= 1.8 * strategy.inner)
                })
            {
                for &i in &group {
                    source[i].1 = around;
                }
            }
        }
    }

    fn beads(&self, o: &Outline, strategy: &Strategy, params: &SkeletonParams) -> Vec<Bead> {
        let beading = self.beadings(strategy, params);
        let mut out: Vec<Bead> = Vec::new();
        let max_side = beading
            .iter()
            .map(|b| b.widths.len() / 2)
            .max()
            .unwrap_or(0);
        // Lines along the outline: bead j of each side, on the ribs, and the inner edge of
        // the walls where all of them fit (a line of no width, the fill area's outline).
        for seq in &self.ribs {
            for j in 0..=max_side.min(self.max_beads / 2) {
                self.side_beads(o, params, seq, j, &beading, &mut out);
            }
        }
        self.middle_beads(&beading, &mut out);
        out
    }

    /// Where bead `j` crosses rib (node, foot), if it does: where the node is further from
    /// the outline than the bead (the node's own distance, so that both sides of the
    /// skeleton agree on where a bead ends), at the bead's distance from this side.
    fn junction(
        &self,
        o: &Outline,
        b: &Beading,
        node: usize,
        foot: usize,
        j: usize,
    ) -> Option<([f64; 2], f64)> {
        let (x, w) = side_bead(b, j, self.max_beads)?;
        let n = &self.nodes[node];
        if x >= n.thickness / 2.0 {
            return None;
        }
        let d = n.dist[n.feet.iter().position(|&f| f == foot)?];
        let (p, c) = (o.pts[foot], n.pos);
        let t = if d > 0.0 { (x / d).min(1.0) } else { 1.0 };
        Some(([p[0] + (c[0] - p[0]) * t, p[1] + (c[1] - p[1]) * t], w))
    }

    fn side_beads(
        &self,
        o: &Outline,
        params: &SkeletonParams,
        seq: &[(usize, usize)],
        j: usize,
        beading: &[Beading],
        out: &mut Vec<Bead>,
    ) {
        let m = seq.len();
        let at = |k: usize| {
            let (node, foot) = seq[k % m];
            self.junction(o, &beading[node], node, foot, j)
        };
        let Some(start) = (0..m).find(|&k| at(k).is_none()) else {
            // All the way round: a closed loop.
            let mut bead = Bead {
                inset: j,
                points: Vec::with_capacity(m + 1),
                widths: Vec::with_capacity(m + 1),
            };
            for k in 0..=m {
                if let Some((p, w)) = at(k) {
                    push_point(&mut bead, p, w);
                }
            }
            out.push(bead);
            return;
        };
        // A bead that ends where the count of lines drops (not where it runs into a corner)
        // tapers over the transition length: half as wide at its end.
        let half_transition = params.transition_length / 2.0;
        let floor = self.narrowest;
        let mut cur: Option<(Bead, bool)> = None;
        for k in start + 1..=start + m {
            let here = at(k);
            match (&mut cur, here) {
                (Some((bead, _)), Some((p, w))) => push_point(bead, p, w),
                (None, Some((p, w))) => {
                    let mut bead = Bead {
                        inset: j,
                        points: Vec::new(),
                        widths: Vec::new(),
                    };
                    let end = self.bead_end(seq[(k - 1) % m], seq[k % m], j, beading);
                    if let Some((e, _)) = end {
                        push_point(&mut bead, e, w);
                    }
                    push_point(&mut bead, p, w);
                    cur = Some((bead, end.is_some_and(|e| e.1)));
                }
                (Some((bead, _)), None) => {
                    let w = *bead.widths.last().unwrap_or(&0.0);
                    let end = self.bead_end(seq[(k - 1) % m], seq[k % m], j, beading);
                    if let Some((e, _)) = end {
                        push_point(bead, e, w);
                    }
                    if let Some((mut b, tapered_start)) = cur.take() {
                        taper(
                            &mut b,
                            tapered_start,
                            end.is_some_and(|e| e.1),
                            half_transition,
                            floor,
                        );
                        out.push(b);
                    }
                }
                (None, None) => {}
            }
        }
        if let Some((mut b, tapered_start)) = cur {
            taper(&mut b, tapered_start, false, half_transition, floor);
            out.push(b);
        }
    }

    /// Where bead `j` ends between two consecutive ribs on which it exists only once: on
    /// the skeleton edge between their nodes, where the outline is bead j's distance away
    /// (both sides' beads end there and are stitched), or half-way where the count drops.
    fn bead_end(
        &self,
        r0: (usize, usize),
        r1: (usize, usize),
        j: usize,
        beading: &[Beading],
    ) -> Option<([f64; 2], bool)> {
        let ((n0, f0), (n1, f1)) = (r0, r1);
        if n0 == n1 || f0 != f1 {
            return None;
        }
        let (a, b) = (self.nodes[n0].pos, self.nodes[n1].pos);
        let (r0, r1) = (
            self.nodes[n0].thickness / 2.0,
            self.nodes[n1].thickness / 2.0,
        );
        let x0 = side_bead(&beading[n0], j, self.max_beads).map(|b| b.0);
        let x1 = side_bead(&beading[n1], j, self.max_beads).map(|b| b.0);
        let t = match (x0, x1) {
            // The bead runs out of room: where the skeleton is its distance from the outline.
            (Some(x0), Some(x1)) if (r0 - r1).abs() > 1e-9 => {
                let x = if x0 < r0 { x0 } else { x1 };
                ((r0 - x) / (r0 - r1)).clamp(0.0, 1.0)
            }
            // The count changes: half-way.
            (None, None) => return None,
            _ => 0.5,
        };
        let dropped = x0.is_none() || x1.is_none();
        Some((
            [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t],
            dropped,
        ))
    }

    /// Middle lines of odd counts, along the skeleton edges.
    fn middle_beads(&self, beading: &[Beading], out: &mut Vec<Bead>) {
        let radius = |n: usize| self.nodes[n].thickness / 2.0;
        let mid = |n: usize| -> Option<(f64, f64, usize)> {
            let b = &beading[n];
            let k = b.widths.len();
            (k % 2 == 1).then(|| (b.locations[k / 2], b.widths[k / 2], k / 2))
        };
        // The middle line passes a node where the node is as far from the outline as the
        // line's place in its beading.
        let here = |n: usize| mid(n).filter(|(x, _, _)| *x <= radius(n) * 1.01 + 1.0);
        let mut reached = vec![false; self.nodes.len()];
        for e in &self.edges {
            let [a, b] = e.nodes;
            let (pa, pb) = (self.nodes[a].pos, self.nodes[b].pos);
            match (here(a), here(b)) {
                (Some((_, wa, ia)), Some((_, wb, _))) => out.push(Bead {
                    inset: ia,
                    points: vec![pa, pb],
                    widths: vec![wa, wb],
                }),
                (Some(m), None) => {
                    out.push(half(pa, pb, m, mid(b).is_some(), radius(a), radius(b)))
                }
                (None, Some(m)) => {
                    out.push(half(pb, pa, m, mid(a).is_some(), radius(b), radius(a)))
                }
                (None, None) => continue,
            }
            reached[a] = true;
            reached[b] = true;
        }
        // A feature whose middle line is a single point (the tip of a cone, a small dot):
        // a line as long as it is wide, along its nearest side.
        for (n, node) in self.nodes.iter().enumerate() {
            let Some((_, w, inset)) = here(n).filter(|_| !reached[n]) else {
                continue;
            };
            let c = node.pos;
            let along = node
                .edges
                .iter()
                .map(|&e| {
                    let other = self.nodes[self.across(e, n)].pos;
                    [other[0] - c[0], other[1] - c[1]]
                })
                .max_by(|u, v| u[0].hypot(u[1]).total_cmp(&v[0].hypot(v[1])))
                .unwrap_or([1.0, 0.0]);
            let len = along[0].hypot(along[1]).max(1e-9);
            let u = [along[0] / len * w / 2.0, along[1] / len * w / 2.0];
            out.push(Bead {
                inset,
                points: vec![[c[0] - u[0], c[1] - u[1]], [c[0] + u[0], c[1] + u[1]]],
                widths: vec![w, w],
            });
        }
    }
}

/// Bead `j` from one side of a beading: its distance from that side and its width. Past the
/// last line, where every wall fits (the count is the maximum), the inner edge of the walls
/// as a line of no width.
fn side_bead(b: &Beading, j: usize, max_beads: usize) -> Option<(f64, f64)> {
    let k = b.widths.len();
    if j < k / 2 {
        return Some((b.locations[j], b.widths[j]));
    }
    if j == k / 2 && k == max_beads && k > 0 {
        return Some((b.locations[j - 1] + b.widths[j - 1] / 2.0, 0.0));
    }
    None
}

/// A middle line from a node to where it ends on the skeleton edge towards a node without it.
fn half(p: [f64; 2], q: [f64; 2], m: (f64, f64, usize), limited: bool, dp: f64, dq: f64) -> Bead {
    let (x, w, inset) = m;
    let t = if limited && (dp - dq).abs() > 1e-9 {
        ((dp - x) / (dp - dq)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    Bead {
        inset,
        points: vec![p, [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]],
        widths: vec![w, w],
    }
}

/// Narrows the first and/or last `reach` micrometres of a bead linearly to half its width at
/// the end, never below `floor`.
fn taper(bead: &mut Bead, start: bool, end: bool, reach: f64, floor: f64) {
    if reach <= 0.0 {
        return;
    }
    let n = bead.points.len();
    let mut scale = |order: &mut dyn Iterator<Item = usize>| {
        let mut walked = 0.0;
        let mut prev: Option<usize> = None;
        for k in order {
            if let Some(p) = prev {
                walked += dist(bead.points[p], bead.points[k]);
            }
            if walked >= reach {
                break;
            }
            let w = bead.widths[k];
            bead.widths[k] = (w * (0.5 + 0.5 * walked / reach)).max(floor.min(w));
            prev = Some(k);
        }
    };
    if start {
        scale(&mut (0..n));
    }
    if end {
        scale(&mut (0..n).rev());
    }
}

fn push_point(bead: &mut Bead, p: [f64; 2], w: f64) {
    if bead.points.last().is_some_and(|q| dist(*q, p) < 1.0) {
        return;
    }
    bead.points.push(p);
    bead.widths.push(w);
}

/// The triangle's circumcentre (its centroid if it is degenerate). After refinement every
/// triangle is Delaunay, so this is a Voronoi vertex of the samples, inside the region even
/// where it lies outside its own triangle (three samples along a curve: its centre).
fn node_position(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> [f64; 2] {
    let d = 2.0 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]));
    if d.abs() < 1e-9 {
        return [(a[0] + b[0] + c[0]) / 3.0, (a[1] + b[1] + c[1]) / 3.0];
    }
    let (a2, b2, c2) = (
        a[0] * a[0] + a[1] * a[1],
        b[0] * b[0] + b[1] * b[1],
        c[0] * c[0] + c[1] * c[1],
    );
    let ux = (a2 * (b[1] - c[1]) + b2 * (c[1] - a[1]) + c2 * (a[1] - b[1])) / d;
    let uy = (a2 * (c[0] - b[0]) + b2 * (a[0] - c[0]) + c2 * (b[0] - a[0])) / d;
    [ux, uy]
}
