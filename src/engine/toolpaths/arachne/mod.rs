//! Variable-width walls (Arachne): each region's lines follow its medial axis, as many and
//! as wide as its thickness calls for, so thin features print solid and walls leave no gaps
//! between them. `beading` decides counts and widths from a thickness, `skeleton` lays the
//! beads along the region's skeleton; here the pieces are stitched into loops and open
//! lines and simplified.

mod beading;
mod corners;
mod outline;
mod skeleton;

pub use beading::Strategy;
pub use skeleton::SkeletonParams;

use crate::engine::geom::{ExPolygon, Point, Polygon};
use outline::dist;
use skeleton::Bead;

/// A variable-width line, closed or open.
#[derive(Debug, Clone, PartialEq)]
pub struct VarLine {
    /// 0 for the outer wall, counting inwards.
    pub inset: usize,
    pub points: Vec<Point>,
    /// Spacing at each point (mm).
    pub widths: Vec<f64>,
    /// The last point joins the first.
    pub closed: bool,
}

impl VarLine {
    pub fn length(&self) -> f64 {
        let mut l: f64 = self.points.windows(2).map(|w| w[0].distance(w[1])).sum();
        if self.closed && self.points.len() > 1 {
            l += self.points[self.points.len() - 1].distance(self.points[0]);
        }
        l
    }
}

/// The walls of one region: its lines, and the inner edge of the walls where all of them fit
/// (counter-clockwise around the fill area, clockwise around its holes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VarWalls {
    pub lines: Vec<VarLine>,
    pub inner: Vec<Polygon>,
}

/// The walls of one region, outer first; None when its outline cannot be triangulated.
pub fn variable_lines(
    region: &ExPolygon,
    strategy: &Strategy,
    params: &SkeletonParams,
) -> Option<VarWalls> {
    let beads = skeleton::beads(region, strategy, params)?;
    let tolerance = 0.25 * strategy.inner;
    let mut by_inset: Vec<Vec<Bead>> = Vec::new();
    for b in beads {
        if b.points.len() < 2 {
            continue;
        }
        if by_inset.len() <= b.inset {
            by_inset.resize_with(b.inset + 1, Vec::new);
        }
        by_inset[b.inset].push(b);
    }
    let mut out = VarWalls::default();
    let mut stub: Option<VarLine> = None;
    let edge = strategy.max_beads / 2;
    let corners = corners::Corners::new(
        region,
        strategy.outer + strategy.inner * strategy.max_beads as f64,
    );
    for (inset, beads) in by_inset.into_iter().enumerate() {
        for (mut bead, closed) in stitch(beads, tolerance) {
            corners.snap_bead(&mut bead);
            if inset == edge {
                if closed && bead.points.len() >= 3 {
                    out.inner.push(Polygon::new(simplify(bead, true).points));
                }
                continue;
            }
            let line = simplify(bead, closed);
            let widest = line.widths.iter().copied().fold(0.0, f64::max);
            // Stubs shorter than half their width, and loops shorter than two widths, are
            // noise (PrusaSlicer's minimum length).
            let shortest = if line.closed { 2.0 } else { 0.5 };
            if line.length() < shortest * widest * 1000.0 {
                if !line.closed && stub.as_ref().is_none_or(|s: &VarLine| s.widths[0] < widest) {
                    stub = Some(VarLine { inset, ..line });
                }
                continue;
            }
            if line.points.len() >= 2 {
                out.lines.push(VarLine { inset, ..line });
            }
        }
    }
    // A feature too small for anything but a stub (a cone's tip, a pin's end): one line
    // as long as it is wide, so that it prints.
    if out.lines.is_empty()
        && let Some(s) = stub
    {
        out.lines.push(dot(s));
    }
    Some(out)
}

/// A stub stretched (or shrunk) about its middle to as long as it is wide.
fn dot(stub: VarLine) -> VarLine {
    let (a, b) = (stub.points[0], stub.points[stub.points.len() - 1]);
    let w = stub.widths.iter().copied().fold(0.0, f64::max);
    let (cx, cy) = ((a.x + b.x) as f64 / 2.0, (a.y + b.y) as f64 / 2.0);
    let (dx, dy) = ((b.x - a.x) as f64, (b.y - a.y) as f64);
    let len = dx.hypot(dy);
    let (ux, uy) = if len > 0.0 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let half = w * 1000.0 / 2.0;
    let at = |k: f64| {
        Point::new(
            (cx + ux * half * k).round() as i64,
            (cy + uy * half * k).round() as i64,
        )
    };
    VarLine {
        inset: stub.inset,
        points: vec![at(-1.0), at(1.0)],
        widths: vec![w, w],
        closed: false,
    }
}

/// Joins pieces whose ends meet (within `tol`) into longer lines; says which closed.
fn stitch(mut beads: Vec<Bead>, tol: f64) -> Vec<(Bead, bool)> {
    let cell = tol.max(1.0);
    let key = |p: [f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
    let mut grid: rustc_hash::FxHashMap<(i64, i64), Vec<(usize, bool)>> = Default::default();
    for (i, b) in beads.iter().enumerate() {
        grid.entry(key(b.points[0])).or_default().push((i, false));
        grid.entry(key(*b.points.last().unwrap_or(&b.points[0])))
            .or_default()
            .push((i, true));
    }
    let mut used = vec![false; beads.len()];
    let find = |p: [f64; 2], used: &[bool], beads: &[Bead]| -> Option<(usize, bool)> {
        let (cx, cy) = key(p);
        let mut best: Option<(f64, usize, bool)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &(i, end) in grid.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    if used[i] {
                        continue;
                    }
                    let b = &beads[i];
                    let q = if end {
                        b.points[b.points.len() - 1]
                    } else {
                        b.points[0]
                    };
                    let d = dist(p, q);
                    if d <= tol && best.is_none_or(|(bd, _, _)| d < bd) {
                        best = Some((d, i, end));
                    }
                }
            }
        }
        best.map(|(_, i, end)| (i, end))
    };
    let mut out = Vec::new();
    for seed in 0..beads.len() {
        if used[seed] {
            continue;
        }
        used[seed] = true;
        let mut line = std::mem::take(&mut beads[seed]);
        // Ends that meet close a line only once it is long enough to go round something.
        let length = |l: &Bead| l.points.windows(2).map(|w| dist(w[0], w[1])).sum::<f64>();
        let mut len = length(&line);
        let closed_now = |l: &Bead, len: f64| {
            l.points.len() > 2
                && len > 4.0 * tol
                && dist(l.points[0], l.points[l.points.len() - 1]) <= tol
        };
        let mut reversed = false;
        for _pass in 0..2 {
            while !closed_now(&line, len) {
                let end = line.points[line.points.len() - 1];
                let Some((i, at_end)) = find(end, &used, &beads) else {
                    break;
                };
                used[i] = true;
                let mut next = std::mem::take(&mut beads[i]);
                if at_end {
                    next.points.reverse();
                    next.widths.reverse();
                }
                let skip = usize::from(dist(end, next.points[0]) < 1.0);
                len += length(&next) + dist(end, next.points[0]);
                line.points.extend_from_slice(&next.points[skip..]);
                line.widths.extend_from_slice(&next.widths[skip..]);
            }
            if closed_now(&line, len) {
                break;
            }
            line.points.reverse();
            line.widths.reverse();
            reversed = !reversed;
        }
        // Keep the pieces' direction: the fill area's outline runs with the region on its left.
        if reversed {
            line.points.reverse();
            line.widths.reverse();
        }
        let closed = closed_now(&line, len);
        if closed && dist(line.points[0], line.points[line.points.len() - 1]) < 1.0 {
            line.points.pop();
            line.widths.pop();
        }
        out.push((line, closed));
    }
    out
}

/// Drops points that lie within 10 µm of the line through their neighbours and whose width
/// follows theirs within 1%.
fn simplify(bead: Bead, closed: bool) -> VarLine {
    let n = bead.points.len();
    let mut keep: Vec<usize> = Vec::with_capacity(n);
    if n > 0 {
        keep.push(0);
    }
    let mut i = 1;
    while i < n {
        let last = *keep.last().unwrap_or(&0);
        // Extend the run from `last` as far as every skipped point stays close.
        let mut j = i;
        while j + 1 < n && j - last < 64 {
            let (a, b) = (bead.points[last], bead.points[j + 1]);
            let (wa, wb) = (bead.widths[last], bead.widths[j + 1]);
            let len = dist(a, b).max(1e-9);
            let ok = (last + 1..=j).all(|k| {
                let p = bead.points[k];
                let t = (((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1]))
                    / (len * len))
                    .clamp(0.0, 1.0);
                let q = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                let w = wa + (wb - wa) * t;
                dist(p, q) <= 10.0 && (bead.widths[k] - w).abs() <= 0.01 * w
            });
            if !ok {
                break;
            }
            j += 1;
        }
        keep.push(j);
        i = j + 1;
    }
    VarLine {
        inset: bead.inset,
        points: keep
            .iter()
            .map(|&k| {
                Point::new(
                    bead.points[k][0].round() as i64,
                    bead.points[k][1].round() as i64,
                )
            })
            .collect(),
        widths: keep.iter().map(|&k| bead.widths[k] / 1000.0).collect(),
        closed,
    }
}

#[cfg(test)]
mod tests;
