//! Lines round a corner, put where the outline's offset puts them. The skeleton comes from
//! samples of the outline, so where a line turns a corner its point lands a few micrometres
//! off the corner's bisector (the samples either side of the corner are not equally far from
//! it), and simplifying the line then keeps that point and runs the whole side askew by as
//! much: on a 10 mm bridge, 8 µm in, which the next wall's overlap does not make up. Each
//! line point near a sharp convex corner of the outline, about as far from both its sides,
//! moves to where the two sides' offsets at that distance meet.

use super::outline::dist;
use super::skeleton::Bead;
use crate::engine::geom::ExPolygon;
use rustc_hash::FxHashMap;

/// A corner turning by at least this much (degrees) is sharp; less is a curve's sample.
const MIN_TURN: f64 = 15.0;
/// A point whose distances from a corner's two sides differ by more than this share of their
/// mean runs along a side, not round the corner.
const SAME_DISTANCE: f64 = 0.15;
/// Points move by at most this share of their distance from the outline: the skeleton's
/// error, not a different line.
const MAX_MOVE: f64 = 0.25;

struct Corner {
    at: [f64; 2],
    /// Unit normals into the region of the side into the corner and the side out of it.
    n1: [f64; 2],
    n2: [f64; 2],
    /// The shorter of the two sides.
    side: f64,
}

pub(super) struct Corners {
    list: Vec<Corner>,
    grid: FxHashMap<(i64, i64), Vec<usize>>,
    cell: f64,
}

impl Corners {
    /// The sharp convex corners of a region (µm), found for points up to `reach` from them.
    pub fn new(region: &ExPolygon, reach: f64) -> Corners {
        let mut list = Vec::new();
        for ring in region.polygons() {
            // Vertices closer than 10 µm say nothing about the shape (as for the skeleton).
            let mut pts: Vec<[f64; 2]> = Vec::with_capacity(ring.points.len());
            for q in &ring.points {
                let q = [q.x as f64, q.y as f64];
                if pts.last().is_none_or(|l| dist(*l, q) >= 10.0) {
                    pts.push(q);
                }
            }
            while pts.len() > 1 && dist(pts[0], pts[pts.len() - 1]) < 10.0 {
                pts.pop();
            }
            let n = pts.len();
            if n < 3 {
                continue;
            }
            for i in 0..n {
                let (a, p, b) = (pts[(i + n - 1) % n], pts[i], pts[(i + 1) % n]);
                let (l1, l2) = (dist(a, p), dist(p, b));
                let u1 = [(p[0] - a[0]) / l1, (p[1] - a[1]) / l1];
                let u2 = [(b[0] - p[0]) / l2, (b[1] - p[1]) / l2];
                // The region lies left of its rings: a left turn is convex. A turn between
                // MIN_TURN and 180° − MIN_TURN has a cosine within ±cos(MIN_TURN).
                let sine = u1[0] * u2[1] - u1[1] * u2[0];
                let cosine = u1[0] * u2[0] + u1[1] * u2[1];
                if sine > 0.0 && cosine.abs() <= MIN_TURN.to_radians().cos() {
                    list.push(Corner {
                        at: p,
                        n1: [-u1[1], u1[0]],
                        n2: [-u2[1], u2[0]],
                        side: l1.min(l2),
                    });
                }
            }
        }
        let cell = reach.max(1.0);
        let mut grid: FxHashMap<(i64, i64), Vec<usize>> = FxHashMap::default();
        // Each corner in the cells round its own, so that a point looks in one cell.
        for (k, c) in list.iter().enumerate() {
            let (cx, cy) = (
                (c.at[0] / cell).floor() as i64,
                (c.at[1] / cell).floor() as i64,
            );
            for dx in -1..=1 {
                for dy in -1..=1 {
                    grid.entry((cx + dx, cy + dy)).or_default().push(k);
                }
            }
        }
        Corners { list, grid, cell }
    }

    /// Moves a line's corner points: of the points along a line near one corner, the one
    /// nearest the corner's bisector (where the line turns; its neighbours run along the
    /// sides). Where that meets its neighbour, one is kept.
    pub fn snap_bead(&self, bead: &mut Bead) {
        let n = bead.points.len();
        let found: Vec<Option<(usize, f64, [f64; 2])>> =
            bead.points.iter().map(|&p| self.candidate(p)).collect();
        for i in 0..n {
            let Some((corner, skew, m)) = found[i] else {
                continue;
            };
            let better =
                |j: usize| found[j].is_some_and(|(c, s, _)| c == corner && (s, j) < (skew, i));
            // Its run of points near the same corner, both ways (round a closed line's start).
            let mut rivals = false;
            for dir in [1, n - 1] {
                let mut j = (i + dir) % n;
                while j != i && found[j].is_some_and(|(c, _, _)| c == corner) {
                    if better(j) {
                        rivals = true;
                        break;
                    }
                    j = (j + dir) % n;
                }
            }
            if !rivals {
                bead.points[i] = m;
            }
        }
        let mut k = 0;
        for i in 0..n {
            if k > 0 && dist(bead.points[k - 1], bead.points[i]) < 1.0 {
                continue;
            }
            bead.points[k] = bead.points[i];
            bead.widths[k] = bead.widths[i];
            k += 1;
        }
        bead.points.truncate(k);
        bead.widths.truncate(k);
    }

    /// The corner `p` may be a line's turning point at: its index, how much further `p` is
    /// from one side than the other (a share of its distance), and where the two sides'
    /// offsets at its distance meet.
    fn candidate(&self, p: [f64; 2]) -> Option<(usize, f64, [f64; 2])> {
        if self.list.is_empty() {
            return None;
        }
        let (cx, cy) = (
            (p[0] / self.cell).floor() as i64,
            (p[1] / self.cell).floor() as i64,
        );
        let mut best: Option<(usize, f64, [f64; 2])> = None;
        for &k in self.grid.get(&(cx, cy)).into_iter().flatten() {
            let c = &self.list[k];
            let v = [p[0] - c.at[0], p[1] - c.at[1]];
            let d1 = v[0] * c.n1[0] + v[1] * c.n1[1];
            let d2 = v[0] * c.n2[0] + v[1] * c.n2[1];
            let x = (d1 + d2) / 2.0;
            let skew = (d1 - d2).abs() / x;
            if d1 <= 0.0 || d2 <= 0.0 || skew > SAME_DISTANCE {
                continue;
            }
            let f = x / (1.0 + c.n1[0] * c.n2[0] + c.n1[1] * c.n2[1]);
            let m = [
                c.at[0] + (c.n1[0] + c.n2[0]) * f,
                c.at[1] + (c.n1[1] + c.n2[1]) * f,
            ];
            // Well along both sides, not past the end of a short one.
            if 2.0 * dist(m, c.at) > c.side || dist(m, p) > MAX_MOVE * x {
                continue;
            }
            if best.is_none_or(|(_, s, _)| skew < s) {
                best = Some((k, skew, m));
            }
        }
        best
    }
}
