//! Arc fitting: runs of a path's points that lie on a circle become one G2/G3 arc, and arcs
//! become chords again wherever a consumer needs straight pieces (the time estimate takes
//! the firmware's 1 mm segments, the preview finer ones).
//!
//! Written here rather than taken from a crate: the arc welders in the field are C++
//! post-processors of G-code text (ArcWelder) or parts of whole slicers, and no Rust crate
//! fits arcs to a polyline with a guaranteed deviation.
//!
//! The guarantee: every point of an arc lies within `tolerance` of the polyline it replaces.
//! For each replaced segment the arc strays from the segment by at most the segment's
//! sagitta (the arc's bulge over the chord) plus the larger distance of its two ends from
//! the circle, and fitting keeps that sum within the tolerance.

use std::f64::consts::PI;

/// Fewer segments than this stay lines: an arc must save a line to be worth it (ArcWelder
/// also welds from three points).
const MIN_SEGMENTS: usize = 2;
/// Flatter curves stay lines: a huge radius gains nothing and strains firmware arithmetic.
const MAX_RADIUS: f64 = 1000.0;
/// An arc turns at most this far, so that it never closes on itself (a G2 that ends where it
/// starts is a full circle to the firmware).
const MAX_SWEEP: f64 = 1.5 * PI;

/// A piece of a fitted path, in mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Piece {
    Line {
        end: (f64, f64),
    },
    /// Counter-clockwise (G3) when `ccw`, else clockwise (G2), about `center`.
    Arc {
        end: (f64, f64),
        center: (f64, f64),
        ccw: bool,
    },
}

impl Piece {
    pub fn end(&self) -> (f64, f64) {
        match *self {
            Piece::Line { end } | Piece::Arc { end, .. } => end,
        }
    }

    /// Length from `start` along the piece.
    pub fn length(&self, start: (f64, f64)) -> f64 {
        match *self {
            Piece::Line { end } => (end.0 - start.0).hypot(end.1 - start.1),
            Piece::Arc { end, center, ccw } => {
                let (r, sweep) = radius_sweep(start, end, center, ccw);
                r * sweep
            }
        }
    }
}

/// Radius (from the start, as firmware takes it) and the angle swept (radians, 0 to 2π) of
/// the arc from `start` to `end` about `center`.
pub fn radius_sweep(
    start: (f64, f64),
    end: (f64, f64),
    center: (f64, f64),
    ccw: bool,
) -> (f64, f64) {
    let a0 = (start.1 - center.1).atan2(start.0 - center.0);
    let a1 = (end.1 - center.1).atan2(end.0 - center.0);
    let mut sweep = if ccw { a1 - a0 } else { a0 - a1 };
    if sweep < 0.0 {
        sweep += 2.0 * PI;
    }
    let r = (start.0 - center.0).hypot(start.1 - center.1);
    (r, sweep)
}

/// Points along an arc after `start`, its end last, with chords at most `max_len` long and
/// straying at most `max_dev` from the arc.
pub fn chords(
    start: (f64, f64),
    end: (f64, f64),
    center: (f64, f64),
    ccw: bool,
    max_len: f64,
    max_dev: f64,
) -> Vec<(f64, f64)> {
    let (r, sweep) = radius_sweep(start, end, center, ccw);
    if !(r > 1e-9 && sweep > 1e-12 && r.is_finite()) {
        return vec![end];
    }
    let by_len = (r * sweep / max_len.max(1e-6)).ceil();
    let step = if max_dev < r {
        2.0 * (1.0 - max_dev / r).acos()
    } else {
        PI / 2.0
    };
    let by_dev = (sweep / step.max(1e-6)).ceil();
    let n = by_len.max(by_dev).clamp(1.0, 100_000.0) as usize;
    let a0 = (start.1 - center.1).atan2(start.0 - center.0);
    let dir = if ccw { 1.0 } else { -1.0 };
    let mut out: Vec<(f64, f64)> = (1..n)
        .map(|k| {
            let a = a0 + dir * sweep * k as f64 / n as f64;
            (center.0 + r * a.cos(), center.1 + r * a.sin())
        })
        .collect();
    out.push(end);
    out
}

/// Fits arcs to a polyline (mm): the pieces that replace `pts[1..]`, each with the index of
/// the point it ends on. Runs that fit no arc within `tolerance` stay lines (a repeated
/// point ends any arc).
pub fn fit(pts: &[(f64, f64)], tolerance: f64) -> Vec<(usize, Piece)> {
    let mut out = Vec::with_capacity(pts.len());
    let mut i = 0;
    while i + 1 < pts.len() {
        match longest_arc(pts, i, tolerance) {
            Some((j, center, ccw)) => {
                out.push((
                    j,
                    Piece::Arc {
                        end: pts[j],
                        center,
                        ccw,
                    },
                ));
                i = j;
            }
            None => {
                out.push((i + 1, Piece::Line { end: pts[i + 1] }));
                i += 1;
            }
        }
    }
    out
}

/// One stretch of a path to extrude: its points (mm) from the previous stretch's last, and
/// the filament per mm and the width it is extruded with.
#[derive(Debug, Clone)]
pub struct Stretch {
    pub points: Vec<(f64, f64)>,
    pub e_per_mm: f64,
    pub width: f64,
}

/// A fitted piece with the filament it lays down and the width it stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extrusion {
    pub piece: Piece,
    pub e: f64,
    pub width: f64,
}

/// Fits arcs along stretches that follow one another (a variable-width wall comes as
/// stretches of one width each). An arc may span stretches: its filament is what the lines
/// it replaces would have laid, spread over the arc's length, and its width their
/// length-weighted mean. Lines keep their own stretch's filament and width.
pub fn fit_stretches(start: (f64, f64), stretches: &[Stretch], tolerance: f64) -> Vec<Extrusion> {
    let mut pts = vec![start];
    // Filament and width of the segment ending at each point after the first.
    let mut seg: Vec<(f64, f64, f64)> = Vec::new();
    for st in stretches {
        for &q in &st.points {
            let p = pts[pts.len() - 1];
            let len = (q.0 - p.0).hypot(q.1 - p.1);
            if len > 0.0 {
                pts.push(q);
                seg.push((len, st.e_per_mm, st.width));
            }
        }
    }
    let mut out = Vec::new();
    let mut from = 0;
    for (to, piece) in fit(&pts, tolerance) {
        let covered = &seg[from..to];
        let length: f64 = covered.iter().map(|s| s.0).sum();
        let e: f64 = covered.iter().map(|s| s.0 * s.1).sum();
        let width = covered.iter().map(|s| s.0 * s.2).sum::<f64>() / length;
        let stretch = piece.length(pts[from]) / length;
        out.push(Extrusion {
            piece,
            e: e * stretch,
            width: if to - from == 1 { covered[0].2 } else { width },
        });
        from = to;
    }
    out
}

/// The farthest point `j` such that `pts[i..=j]` fits one arc, found by doubling the run and
/// then halving the gap between the longest fit and the shortest miss.
fn longest_arc(pts: &[(f64, f64)], i: usize, tol: f64) -> Option<(usize, (f64, f64), bool)> {
    let last = pts.len() - 1;
    let mut best = None;
    let mut span = MIN_SEGMENTS;
    let mut miss = None;
    while i + span <= last {
        match arc_through(&pts[i..=i + span], tol) {
            Some(a) => best = Some((i + span, a.0, a.1)),
            None => {
                miss = Some(i + span);
                break;
            }
        }
        span *= 2;
    }
    let (good, _, _) = best?;
    let (mut lo, mut hi) = (good, miss.unwrap_or(last + 1));
    if miss.is_none() && good < last {
        // Ran past the end while doubling: the end itself may fit.
        if let Some(a) = arc_through(&pts[i..=last], tol) {
            return Some((last, a.0, a.1));
        }
        hi = last;
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        match arc_through(&pts[i..=mid], tol) {
            Some(a) => {
                best = Some((mid, a.0, a.1));
                lo = mid;
            }
            None => hi = mid,
        }
    }
    best
}

/// The arc through a run's first, middle and last points, when every segment of the run
/// stays within `tol` of it, the run turns one way throughout, and the arc is neither too
/// flat nor too long.
fn arc_through(run: &[(f64, f64)], tol: f64) -> Option<((f64, f64), bool)> {
    let (a, b, c) = (run[0], run[run.len() / 2], run[run.len() - 1]);
    let center = circumcenter(a, b, c)?;
    let r = (a.0 - center.0).hypot(a.1 - center.1);
    if r > MAX_RADIUS {
        return None;
    }
    let cross = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
    let ccw = cross > 0.0;
    let off = |p: (f64, f64)| ((p.0 - center.0).hypot(p.1 - center.1) - r).abs();
    let mut swept = 0.0;
    let mut prev_off = off(run[0]);
    for w in run.windows(2) {
        let (p, q) = (w[0], w[1]);
        let q_off = off(q);
        // Turning the same way about the centre, by less than half a turn per segment.
        let turn = (p.0 - center.0) * (q.1 - center.1) - (p.1 - center.1) * (q.0 - center.0);
        let dot = (p.0 - center.0) * (q.0 - center.0) + (p.1 - center.1) * (q.1 - center.1);
        if (turn > 0.0) != ccw || turn == 0.0 {
            return None;
        }
        swept += turn.abs().atan2(dot);
        let half = 0.5 * (q.0 - p.0).hypot(q.1 - p.1);
        if half >= r {
            return None;
        }
        let sagitta = r - (r * r - half * half).sqrt();
        if sagitta + prev_off.max(q_off) > tol {
            return None;
        }
        prev_off = q_off;
    }
    (swept <= MAX_SWEEP).then_some((center, ccw))
}

fn circumcenter(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> Option<(f64, f64)> {
    let (bx, by) = (b.0 - a.0, b.1 - a.1);
    let (cx, cy) = (c.0 - a.0, c.1 - a.1);
    let d = 2.0 * (bx * cy - by * cx);
    let scale = (bx * bx + by * by).max(cx * cx + cy * cy);
    if d.abs() <= 1e-12 * scale.max(1e-12) {
        return None;
    }
    let (b2, c2) = (bx * bx + by * by, cx * cx + cy * cy);
    Some((a.0 + (cy * b2 - by * c2) / d, a.1 + (bx * c2 - cx * b2) / d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(r: f64, n: usize, from: f64, to: f64) -> Vec<(f64, f64)> {
        (0..=n)
            .map(|k| {
                let a = from + (to - from) * k as f64 / n as f64;
                (50.0 + r * a.cos(), 40.0 + r * a.sin())
            })
            .collect()
    }

    /// The largest distance from points along the pieces to the polyline.
    fn deviation(points: &[(f64, f64)], pieces: &[(usize, Piece)]) -> f64 {
        let seg_dist = |p: (f64, f64), a: (f64, f64), b: (f64, f64)| {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let l2 = dx * dx + dy * dy;
            let t = if l2 > 0.0 {
                (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
        };
        let mut worst: f64 = 0.0;
        let mut start = points[0];
        for (_, piece) in pieces {
            if let Piece::Arc { end, center, ccw } = *piece {
                for q in chords(start, end, center, ccw, 0.01, 1e-4) {
                    let d = points
                        .windows(2)
                        .map(|w| seg_dist(q, w[0], w[1]))
                        .fold(f64::MAX, f64::min);
                    worst = worst.max(d);
                }
            }
            start = piece.end();
        }
        worst
    }

    #[test]
    fn a_circle_becomes_few_arcs_within_the_tolerance() {
        let pts = circle(10.0, 128, 0.0, 2.0 * PI);
        let pieces = fit(&pts, 0.01);
        assert!(pieces.len() <= 3, "{pieces:?}");
        assert!(
            pieces
                .iter()
                .all(|p| matches!(p.1, Piece::Arc { ccw: true, .. }))
        );
        assert!(deviation(&pts, &pieces) <= 0.01 + 1e-9);
        let len: f64 = {
            let mut start = pts[0];
            pieces
                .iter()
                .map(|(_, p)| {
                    let l = p.length(start);
                    start = p.end();
                    l
                })
                .sum()
        };
        assert!((len - 2.0 * PI * 10.0).abs() < 0.01, "{len}");
        // Clockwise too.
        let mut back = pts.clone();
        back.reverse();
        assert!(
            fit(&back, 0.01)
                .iter()
                .all(|p| matches!(p.1, Piece::Arc { ccw: false, .. }))
        );
    }

    #[test]
    fn corners_and_straight_runs_stay_lines() {
        let square = [
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        assert!(
            fit(&square, 0.05)
                .iter()
                .all(|p| matches!(p.1, Piece::Line { .. }))
        );
        let straight: Vec<(f64, f64)> = (0..20).map(|k| (k as f64, 2.0)).collect();
        assert_eq!(fit(&straight, 0.05).len(), 19);
        // A zigzag with its points on a circle turns both ways: no arc.
        let zig: Vec<(f64, f64)> = (0..12)
            .map(|k| {
                let a = k as f64 * 0.1;
                let r = if k % 2 == 0 { 10.0 } else { 10.2 };
                (r * a.cos(), r * a.sin())
            })
            .collect();
        assert!(deviation(&zig, &fit(&zig, 0.05)) <= 0.05 + 1e-9);
    }

    #[test]
    fn a_rounded_rectangle_keeps_its_corners_round_and_its_sides_straight() {
        let mut pts = vec![(0.0, 0.0)];
        for (cx, cy, a0) in [
            (30.0, 3.0, -PI / 2.0),
            (30.0, 17.0, 0.0),
            (0.0, 17.0, PI / 2.0),
        ] {
            for k in 0..=16 {
                let a = a0 + PI / 2.0 * k as f64 / 16.0;
                pts.push((cx + 3.0 * a.cos(), cy + 3.0 * a.sin()));
            }
        }
        let pieces = fit(&pts, 0.02);
        let arcs = pieces
            .iter()
            .filter(|p| matches!(p.1, Piece::Arc { .. }))
            .count();
        assert_eq!(arcs, 3, "{pieces:?}");
        assert!(pieces.len() <= 6, "{pieces:?}");
        assert!(deviation(&pts, &pieces) <= 0.02 + 1e-9);
    }

    #[test]
    fn noisy_points_fit_only_within_the_tolerance() {
        // Points jittered by up to ±0.03 mm off a circle: a tight tolerance refuses most of
        // them, a loose one takes them, and neither strays further than allowed.
        let mut seed = 7u64;
        let pts: Vec<(f64, f64)> = (0..=200)
            .map(|k| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                let jitter = ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.06;
                let a = k as f64 * 0.02;
                ((20.0 + jitter) * a.cos(), (20.0 + jitter) * a.sin())
            })
            .collect();
        for tol in [0.01, 0.05, 0.2] {
            let pieces = fit(&pts, tol);
            assert!(deviation(&pts, &pieces) <= tol + 1e-9, "{tol}");
        }
        assert!(fit(&pts, 0.2).len() < fit(&pts, 0.01).len());
    }

    #[test]
    fn arcs_across_stretches_keep_the_filament_of_the_lines() {
        // A quarter circle in three stretches of slightly different widths and flows.
        let pts = circle(10.0, 30, 0.0, PI / 2.0);
        let stretch = |from: usize, to: usize, e: f64, w: f64| Stretch {
            points: pts[from..=to].to_vec(),
            e_per_mm: e,
            width: w,
        };
        let stretches = [
            stretch(1, 10, 0.030, 0.44),
            stretch(11, 20, 0.032, 0.45),
            stretch(21, 30, 0.034, 0.46),
        ];
        let fitted = fit_stretches(pts[0], &stretches, 0.01);
        assert_eq!(fitted.len(), 1, "{fitted:?}");
        let seg = (pts[1].0 - pts[0].0).hypot(pts[1].1 - pts[0].1);
        let lines_e = 10.0 * seg * (0.030 + 0.032 + 0.034);
        let arc_len = 10.0 * PI / 2.0;
        let e = fitted[0].e;
        assert!(
            (e - lines_e * arc_len / (30.0 * seg)).abs() < 1e-12,
            "{e} {lines_e}"
        );
        assert!((e / lines_e - 1.0).abs() < 1e-3);
        assert!((fitted[0].width - 0.45).abs() < 1e-9);
    }

    #[test]
    fn chords_follow_the_arc() {
        let c = chords((10.0, 0.0), (0.0, 10.0), (0.0, 0.0), true, 1.0, 1.0);
        assert_eq!(c.len(), 16); // a quarter of r = 10 is 15.7 mm
        assert_eq!(*c.last().unwrap(), (0.0, 10.0));
        assert!(c.iter().all(|p| (p.0.hypot(p.1) - 10.0).abs() < 1e-9));
        let cw = chords((10.0, 0.0), (0.0, 10.0), (0.0, 0.0), false, 1.0, 1.0);
        assert!(cw.len() > 40 && cw[0].1 < 0.0); // three quarters, the other way round
    }
}
