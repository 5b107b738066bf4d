//! Where loops start, and the scarf joints they may start with.
//!
//! Candidates are ranked the way PrusaSlicer's seam placer ranks them: painted enforcers
//! first and blockers last, then away from overhangs, then by how hidden the point is (in a
//! concave corner, or in a recess of the outline), then by the seam setting (aligned with the
//! seams below, nearest the nozzle, at the rear, or random).

use super::{Orderer, Slope, loop_vertices};
use crate::engine::geom::{BoundingBox, Point, Polygon, closest_on_segment, cross};
use crate::engine::settings::{ScarfSeamPlacement, SeamPosition};
use crate::engine::toolpaths::{ExtrusionLoop, Role};
use crate::engine::units::scaled;

/// Ranks of a candidate, far apart so that each outweighs everything after it.
const PAINT_RANK: f64 = 1e4;
const OVERHANG_RANK: f64 = 50.0;
/// What an aligned seam pays per millimetre away from the nearest seam below.
const ALIGN_PER_MM: f64 = 0.25;

/// The sine of the loop's turn at vertex `i`, judged between points at least `reach` (µm)
/// along the loop either side (so that a rounded corner is a corner too). Loops run with
/// material on the left: negative is a right turn, a concave corner.
fn turn(verts: &[(Point, usize)], i: usize, reach: f64) -> f64 {
    let n = verts.len();
    let along = |forward: bool| -> Point {
        let mut k = i;
        let mut walked = 0.0;
        for _ in 1..n {
            let next = if forward {
                (k + 1) % n
            } else {
                (k + n - 1) % n
            };
            walked += verts[k].0.distance(verts[next].0);
            k = next;
            if walked >= reach {
                break;
            }
        }
        verts[k].0
    };
    let (a, b, c) = (along(false), verts[i].0, along(true));
    let (ab, bc) = (a.distance(b), b.distance(c));
    if ab == 0.0 || bc == 0.0 {
        return 0.0;
    }
    cross(a, b, c) / (ab * bc)
}

/// Whether `p` (bed coordinates) lies on one of the painted pieces, placed at `offset`.
fn on_paint(p: Point, marks: &[Polygon], offset: Point, reach: f64) -> bool {
    let q = Point::new(p.x - offset.x, p.y - offset.y);
    marks.iter().any(|m| {
        let b = BoundingBox::from_points(&m.points);
        if b.clamp(q).distance(q) > reach {
            return false;
        }
        let n = m.points.len();
        (m.points.len() >= 3 && m.area() > 0.0 && m.contains(q))
            || (0..n).any(|k| {
                let (x, y) = closest_on_segment(q, m.points[k], m.points[(k + 1) % n]);
                (q.x as f64 - x).hypot(q.y as f64 - y) <= reach
            })
    })
}

/// The vertex nearest the middle (by length) of the longest run of consecutive vertices of
/// the loop `verts` that pass `inside` (at least one does).
fn middle_of_longest_run(verts: &[(Point, usize)], inside: impl Fn(usize) -> bool) -> usize {
    let n = verts.len();
    let edge = |k: usize| verts[k].0.distance(verts[(k + 1) % n].0);
    // Start counting just after a vertex outside, so no run is cut in two.
    let first = (0..n).find(|&k| !inside(k)).map_or(0, |k| (k + 1) % n);
    let mut best: (f64, usize, usize) = (-1.0, first, 1);
    let mut k = 0;
    while k < n {
        let start = (first + k) % n;
        if !inside(start) {
            k += 1;
            continue;
        }
        let (mut count, mut len) = (1, 0.0);
        while count < n - k && inside((start + count) % n) {
            len += edge((start + count - 1) % n);
            count += 1;
        }
        if len > best.0 {
            best = (len, start, count);
        }
        k += count;
    }
    let (len, start, count) = best;
    let (mut walked, mut pick) = (0.0, start);
    for j in 0..count {
        let v = (start + j) % n;
        pick = v;
        if j + 1 < count {
            let d = edge(v);
            if walked + d / 2.0 >= len / 2.0 {
                break;
            }
            walked += d;
        }
    }
    pick
}

impl Orderer<'_> {
    /// How far from a painted piece of the surface a wall's point counts as painted: the
    /// outer wall's centre line sits about half a nozzle inside the surface, and PrusaSlicer
    /// allows 0.35 mm more.
    fn paint_reach(&self) -> f64 {
        scaled(0.35 + 0.6 * self.s.nozzle_diameter) as f64
    }

    /// A loop's vertices in bed coordinates, each tagged with the path whose segment starts
    /// there, with a vertex added where a seam enforcer meets an edge between two vertices
    /// (so that a seam painted on a long straight wall has a point to start at).
    pub(super) fn vertices(&self, l: &ExtrusionLoop, offset: Point) -> Vec<(Point, usize)> {
        let verts = loop_vertices(l, offset);
        let n = verts.len();
        if self.enforcers.is_empty() || n < 3 {
            return verts;
        }
        let reach = self.paint_reach();
        let b = BoundingBox::from_points(&verts.iter().map(|v| v.0).collect::<Vec<_>>());
        let mut inserts: Vec<(usize, f64, Point)> = Vec::new();
        for m in self.enforcers {
            let k = m.points.len().max(1) as f64;
            let (sx, sy) = m.points.iter().fold((0.0, 0.0), |(x, y), p| {
                (x + p.x as f64 / k, y + p.y as f64 / k)
            });
            let c = Point::new(sx.round() as i64 + offset.x, sy.round() as i64 + offset.y);
            if b.clamp(c).distance(c) > reach {
                continue;
            }
            let mut best = (f64::MAX, 0, (0.0, 0.0));
            for e in 0..n {
                let q = closest_on_segment(c, verts[e].0, verts[(e + 1) % n].0);
                let d = (c.x as f64 - q.0).hypot(c.y as f64 - q.1);
                if d < best.0 {
                    best = (d, e, q);
                }
            }
            let (d, e, q) = best;
            let q = Point::new(q.0.round() as i64, q.1.round() as i64);
            if d <= reach
                && q.distance(verts[e].0) > 50.0
                && q.distance(verts[(e + 1) % n].0) > 50.0
            {
                inserts.push((e, q.distance(verts[e].0), q));
            }
        }
        if inserts.is_empty() {
            return verts;
        }
        inserts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        inserts.dedup_by(|a, b| a.0 == b.0 && (a.1 - b.1).abs() < 50.0);
        let mut out = Vec::with_capacity(n + inserts.len());
        let mut next = inserts.iter().peekable();
        for (e, v) in verts.iter().enumerate() {
            out.push(*v);
            while let Some((_, _, q)) = next.next_if(|x| x.0 == e) {
                out.push((*q, v.1));
            }
        }
        out
    }

    /// The vertex of `verts` (a loop `l` placed at `offset`) that the seam goes to.
    pub(super) fn choose_seam(
        &self,
        l: &ExtrusionLoop,
        verts: &[(Point, usize)],
        offset: Point,
    ) -> usize {
        let n = verts.len();
        // Paint and overhangs outrank everything else.
        let reach = self.paint_reach();
        let painted = !self.enforcers.is_empty() || !self.blockers.is_empty();
        let rank: Vec<f64> = verts
            .iter()
            .map(|&(p, pi)| {
                let paint = if !painted {
                    0.0
                } else if on_paint(p, self.enforcers, offset, reach) {
                    -PAINT_RANK
                } else if on_paint(p, self.blockers, offset, reach) {
                    PAINT_RANK
                } else {
                    0.0
                };
                let overhang = if l.paths[pi].role == Role::OverhangPerimeter {
                    OVERHANG_RANK
                } else {
                    0.0
                };
                paint + overhang
            })
            .collect();
        // Painted enforcers: the middle of the longest painted stretch, as PrusaSlicer does,
        // so that a painted strip holds the seam in its middle on every layer.
        if rank.iter().any(|&r| r <= -PAINT_RANK / 2.0) {
            return middle_of_longest_run(verts, |i| rank[i] <= -PAINT_RANK / 2.0);
        }
        // A concave corner hides a seam; a convex one less well; a straight wall not at all.
        let corner_penalty = |i: usize| -> f64 {
            let t = turn(verts, i, 400.0);
            if t < -0.5 {
                0.0
            } else if t > 0.7 {
                0.4
            } else {
                1.0
            }
        };
        // A point in a recess of the outline (concave over 2 mm either side) is seen from
        // fewer directions than one on the open outside.
        let hidden = |i: usize| -> f64 {
            if turn(verts, i, 2000.0) < -0.3 {
                0.5
            } else {
                0.0
            }
        };
        let mm = scaled(1.0) as f64;
        let pick_min = |cost: &dyn Fn(usize) -> f64| -> usize {
            let mut best = (f64::MAX, 0);
            for (i, r) in rank.iter().enumerate() {
                let c = r + cost(i);
                if c < best.0 {
                    best = (c, i);
                }
            }
            best.1
        };
        match self.s.seam_position {
            SeamPosition::Nearest => pick_min(&|i| {
                verts[i].0.distance(self.pos) / mm + 2.0 * corner_penalty(i) - hidden(i)
            }),
            SeamPosition::Rear => {
                let max_y = verts.iter().map(|v| v.0.y).max().unwrap_or(0);
                let cx = verts.iter().map(|v| v.0.x as f64).sum::<f64>() / n as f64;
                pick_min(&|i| {
                    (max_y - verts[i].0.y) as f64 / mm * 10.0
                        + (verts[i].0.x as f64 - cx).abs() / mm * 0.1
                })
            }
            SeamPosition::Random => {
                // At random among the best ranked (painted enforcers, or all but blockers).
                let best = rank.iter().copied().fold(f64::MAX, f64::min);
                let candidates: Vec<usize> = (0..n).filter(|&i| rank[i] <= best).collect();
                let mut h = (self.layer_index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                h ^= (verts[0].0.x as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
                    ^ (verts[0].0.y as u64);
                h ^= h >> 29;
                candidates[(h % candidates.len() as u64) as usize]
            }
            SeamPosition::Aligned => {
                if self.prev_seams.is_empty() {
                    // The best hidden corner, leaning towards the rear (0.02 per mm
                    // further forward: a concave corner beats a convex one at the back of
                    // anything under 60 mm deep) and slightly (0.002 per mm) to the nozzle's
                    // side: of corners equally good (a square's two rear corners) the nearer
                    // wins, so that a hole's seam starts beside the seam of the wall around
                    // it and later layers align to both.
                    let max_y = verts.iter().map(|v| v.0.y).max().unwrap_or(0);
                    pick_min(&|i| {
                        (max_y - verts[i].0.y) as f64 / mm * 0.02 + 3.0 * corner_penalty(i)
                            - hidden(i)
                            + verts[i].0.distance(self.pos) / mm * 0.002
                    })
                } else {
                    // Only the previous seams that can be nearest to some vertex: none
                    // whose nearest approach to the loop's box is farther than some other
                    // seam's farthest.
                    let b =
                        BoundingBox::from_points(&verts.iter().map(|v| v.0).collect::<Vec<_>>());
                    let corners = [
                        b.min,
                        b.max,
                        Point::new(b.min.x, b.max.y),
                        Point::new(b.max.x, b.min.y),
                    ];
                    let reach = self
                        .prev_seams
                        .iter()
                        .map(|s| {
                            corners
                                .iter()
                                .map(|c| c.distance_sq(*s))
                                .fold(0.0, f64::max)
                        })
                        .fold(f64::MAX, f64::min);
                    let near: Vec<Point> = self
                        .prev_seams
                        .iter()
                        .copied()
                        .filter(|&s| b.clamp(s).distance_sq(s) <= reach)
                        .collect();
                    pick_min(&|i| {
                        let d = near
                            .iter()
                            .map(|s| s.distance_sq(verts[i].0))
                            .fold(f64::MAX, f64::min)
                            .sqrt();
                        // Staying in line is worth up to 2.5 (10 mm away): a corner on the
                        // seams below holds them, but a straight wall there loses to a
                        // concave corner anywhere on the loop, as PrusaSlicer's seams leave
                        // a string of seams for a much better point. Beyond that, of
                        // points alike the nearer still wins (0.01 per mm).
                        let d = d / mm;
                        (d * ALIGN_PER_MM).min(2.5) + d * 0.01 + 3.0 * corner_penalty(i) - hidden(i)
                    })
                }
            }
        }
    }

    /// Whether loop `l`, starting at vertex `seam` of `verts`, starts with a scarf joint.
    pub(super) fn scarf_applies(
        &self,
        l: &ExtrusionLoop,
        verts: &[(Point, usize)],
        seam: usize,
    ) -> bool {
        let s = self.s;
        let role_ok = match l.role() {
            Role::ExternalPerimeter => true,
            Role::Perimeter => s.scarf_seam_on_inner_perimeters,
            _ => false,
        };
        if s.scarf_seam_placement == ScarfSeamPlacement::Nowhere
            || !role_ok
            || self.layer_index == 0
            || (s.scarf_seam_length <= 0.0 && !s.scarf_seam_entire_loop)
        {
            return false;
        }
        // Loops run with material on the left: a hole's loop runs clockwise.
        if s.scarf_seam_placement == ScarfSeamPlacement::Contours {
            let area: f64 = (0..verts.len())
                .map(|k| cross(Point::default(), verts[k].0, verts[(k + 1) % verts.len()].0))
                .sum();
            if area < 0.0 {
                return false;
            }
        }
        !(s.scarf_seam_only_on_smooth && turn(verts, seam, 400.0).abs() > 0.5)
    }

    /// Where loop `l` starts when it starts with a scarf joint at vertex `seam`: the scarf
    /// length before the seam (None without a scarf).
    pub(super) fn scarf_start(
        &self,
        l: &ExtrusionLoop,
        verts: &[(Point, usize)],
        seam: usize,
    ) -> Option<Point> {
        if !self.scarf_applies(l, verts, seam) {
            return None;
        }
        let n = verts.len();
        let total: f64 = (0..n)
            .map(|k| verts[k].0.distance(verts[(k + 1) % n].0))
            .sum();
        let len = if self.s.scarf_seam_entire_loop {
            return Some(verts[seam].0);
        } else {
            scaled(self.s.scarf_seam_length) as f64
        };
        if len <= 0.0 || len > total {
            return None;
        }
        let (mut k, mut left) = (seam, len);
        for _ in 0..n {
            let prev = (k + n - 1) % n;
            let d = verts[k].0.distance(verts[prev].0);
            if d >= left {
                let (a, b) = (verts[k].0, verts[prev].0);
                let t = left / d;
                return Some(Point::new(
                    a.x + ((b.x - a.x) as f64 * t).round() as i64,
                    a.y + ((b.y - a.y) as f64 * t).round() as i64,
                ));
            }
            left -= d;
            k = prev;
        }
        None
    }

    /// Emits loop `l` with a scarf joint at its seam. `pieces` walk the loop from the seam
    /// round to it again (path, points). The loop starts the scarf length before the seam and
    /// climbs to it, goes round, and goes over the slope again; false (nothing emitted) when
    /// the loop is shorter than the scarf.
    pub(super) fn emit_scarf(
        &mut self,
        l: &ExtrusionLoop,
        pieces: &[(usize, Vec<Point>)],
        instance: Option<usize>,
        comb: Option<usize>,
    ) -> bool {
        let s = self.s;
        let total: f64 = pieces
            .iter()
            .flat_map(|(_, p)| p.windows(2))
            .map(|w| w[0].distance(w[1]))
            .sum();
        let len = if s.scarf_seam_entire_loop {
            total
        } else {
            scaled(s.scarf_seam_length) as f64
        };
        if len <= 0.0 || len > total {
            return false;
        }
        // The rest of the loop (seam to scarf start), then the scarf (to the seam), each cut
        // into segments no longer than a step on the scarf.
        let step = scaled(s.scarf_seam_max_segment_length).max(1) as f64;
        let split = total - len;
        let mut rest: Vec<(usize, Vec<Point>)> = Vec::new();
        let mut scarf: Vec<(usize, Vec<Point>)> = Vec::new();
        fn add(to: &mut Vec<(usize, Vec<Point>)>, pi: usize, a: Point, b: Point) {
            match to.last_mut() {
                Some((owner, pts)) if *owner == pi && pts.last() == Some(&a) => pts.push(b),
                _ => to.push((pi, vec![a, b])),
            }
        }
        let lerp = |a: Point, b: Point, t: f64| {
            Point::new(
                a.x + ((b.x - a.x) as f64 * t).round() as i64,
                a.y + ((b.y - a.y) as f64 * t).round() as i64,
            )
        };
        let mut walked = 0.0;
        for (pi, pts) in pieces {
            for w in pts.windows(2) {
                let d = w[0].distance(w[1]);
                if d == 0.0 {
                    continue;
                }
                let mut a = w[0];
                if walked < split {
                    let b = if walked + d <= split {
                        w[1]
                    } else {
                        lerp(w[0], w[1], (split - walked) / d)
                    };
                    add(&mut rest, *pi, a, b);
                    a = b;
                }
                let left = a.distance(w[1]);
                let n = (left / step).ceil() as usize;
                for k in 1..=n {
                    let b = lerp(a, w[1], 1.0 / (n + 1 - k) as f64);
                    add(&mut scarf, *pi, a, b);
                    a = b;
                }
                walked += d;
            }
        }
        let s0 = (s.scarf_seam_start_height / 100.0).clamp(0.0, 1.0);
        let mut sloped: Vec<(usize, Vec<Point>, (f64, f64))> = Vec::with_capacity(scarf.len());
        let mut done = 0.0;
        for (pi, pts) in scarf {
            let d: f64 = pts.windows(2).map(|w| w[0].distance(w[1])).sum();
            let h = |x: f64| s0 + (1.0 - s0) * (x / len).clamp(0.0, 1.0);
            sloped.push((pi, pts, (h(done), h(done + d))));
            done += d;
        }
        for (pi, pts, height) in &sloped {
            self.push_sloped(l, *pi, pts.clone(), instance, comb, height, false);
        }
        for (pi, pts) in rest {
            let p = &l.paths[pi];
            self.push(p.role, p.flow, pts, instance, comb);
        }
        for (pi, pts, height) in sloped {
            self.push_sloped(l, pi, pts, instance, comb, &height, true);
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn push_sloped(
        &mut self,
        l: &ExtrusionLoop,
        pi: usize,
        pts: Vec<Point>,
        instance: Option<usize>,
        comb: Option<usize>,
        height: &(f64, f64),
        finish: bool,
    ) {
        if pts.len() < 2 {
            return;
        }
        let p = &l.paths[pi];
        self.push(p.role, p.flow, pts, instance, comb);
        if let Some(last) = self.out.paths.last_mut() {
            last.slope = Some(Slope {
                height: *height,
                finish,
            });
        }
    }
}
