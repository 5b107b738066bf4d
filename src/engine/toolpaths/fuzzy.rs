//! Fuzzy skin: the outer wall wanders in and out by up to `fuzzy_skin_thickness` at points
//! about `fuzzy_skin_point_dist` apart, for a textured, grippy surface that hides layer
//! lines. As PrusaSlicer makes it: from the second layer on, on the outer wall of each
//! island (`external`) or of its holes too (`all`), and on thin walls that are outer walls.
//! The wander is random but seeded by the layer, so a file slices the same every time.

use super::{ExtrusionPath, Island, Role};
use crate::engine::geom::Point;
use crate::engine::settings::{FuzzySkin, Settings};
use crate::engine::units::scaled;

/// splitmix64: a small, well-mixed generator; the texture needs no more.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// Roughens the outer walls of one layer's islands (layer 0 stays smooth, for adhesion).
pub fn roughen(islands: &mut [Island], layer: usize, s: &Settings) {
    if s.fuzzy_skin == FuzzySkin::None || layer == 0 || s.fuzzy_skin_thickness <= 0.0 {
        return;
    }
    let holes_too = s.fuzzy_skin == FuzzySkin::All;
    let mut walk = Walk {
        rng: Rng(0x4c61_6d69_6e61 ^ (layer as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)),
        thickness: scaled(s.fuzzy_skin_thickness) as f64,
        dist: scaled(s.fuzzy_skin_point_dist) as f64,
        next: 0.0,
    };
    for island in islands {
        for wall in island.walls.iter_mut().filter(|w| w.depth == 0) {
            let area: f64 = wall
                .extrusion
                .paths
                .iter()
                .flat_map(|p| p.points.windows(2))
                .map(|w| w[0].x as f64 * w[1].y as f64 - w[1].x as f64 * w[0].y as f64)
                .sum();
            if area < 0.0 && !holes_too {
                continue;
            }
            walk.roughen_loop(&mut wall.extrusion.paths);
        }
        for path in island
            .thin
            .iter_mut()
            .filter(|p| p.role == Role::ExternalPerimeter)
        {
            walk.start();
            let (first, last) = (path.points[0], path.points[path.points.len() - 1]);
            path.points = walk.along(&path.points, first, last);
        }
    }
}

/// A walk along a wall, placing a wandering point every `dist` (±25%).
struct Walk {
    rng: Rng,
    thickness: f64,
    dist: f64,
    /// Distance left to the next point.
    next: f64,
}

impl Walk {
    fn start(&mut self) {
        self.next = self.dist * self.rng.range(0.75, 1.25);
    }

    /// `p` moved across the segment `a`→`b` by up to the thickness either way.
    fn shifted(&mut self, p: Point, a: Point, b: Point) -> Point {
        let len = a.distance(b).max(1.0);
        let (ux, uy) = ((b.x - a.x) as f64 / len, (b.y - a.y) as f64 / len);
        let off = self.rng.range(-self.thickness, self.thickness);
        Point::new(
            (p.x as f64 - uy * off).round() as i64,
            (p.y as f64 + ux * off).round() as i64,
        )
    }

    /// The points of a path, from `first` to `last` (in place of its own ends), with
    /// wandering points along it; the spacing runs on from the previous path.
    fn along(&mut self, points: &[Point], first: Point, last: Point) -> Vec<Point> {
        let mut out = vec![first];
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = a.distance(b);
            if len <= 0.0 {
                continue;
            }
            let mut at = 0.0;
            while self.next < len - at {
                at += self.next;
                let t = at / len;
                let on = Point::new(
                    (a.x as f64 + (b.x - a.x) as f64 * t).round() as i64,
                    (a.y as f64 + (b.y - a.y) as f64 * t).round() as i64,
                );
                let p = self.shifted(on, a, b);
                out.push(p);
                self.next = self.dist * self.rng.range(0.75, 1.25);
            }
            self.next -= len - at;
        }
        if out.len() > 1 && out[out.len() - 1].distance(last) < self.dist / 4.0 {
            out.pop();
        }
        out.push(last);
        out
    }

    /// A closed wall of paths end to end: every path wanders, and the points where one
    /// path hands over to the next (a width change) wander too, shared by both.
    fn roughen_loop(&mut self, paths: &mut [ExtrusionPath]) {
        let n = paths.len();
        if n == 0 || paths.iter().any(|p| p.points.len() < 2) {
            return;
        }
        self.start();
        let p0 = &paths[0].points;
        let start = self.shifted(p0[0], p0[0], p0[1]);
        let mut from = start;
        for (k, path) in paths.iter_mut().enumerate() {
            let pts = &path.points;
            let m = pts.len();
            let to = if k + 1 == n {
                start
            } else {
                self.shifted(pts[m - 1], pts[m - 2], pts[m - 1])
            };
            path.points = self.along(pts, from, to);
            from = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::geom::distance_to_segment;

    #[test]
    fn a_wall_wanders_within_the_thickness_and_closes() {
        let square = [
            Point::new(0, 0),
            Point::new(20_000, 0),
            Point::new(20_000, 20_000),
            Point::new(0, 20_000),
            Point::new(0, 0),
        ];
        let flow = crate::engine::toolpaths::Flow::new(0.45, 0.2);
        // One loop as two paths of different widths.
        let loop_of = || {
            vec![
                ExtrusionPath::new(Role::ExternalPerimeter, flow, square[..3].to_vec()),
                ExtrusionPath::new(Role::ExternalPerimeter, flow, square[2..].to_vec()),
            ]
        };
        let walk = || Walk {
            rng: Rng(1),
            thickness: 300.0,
            dist: 800.0,
            next: 0.0,
        };
        let mut paths = loop_of();
        walk().roughen_loop(&mut paths);
        // Still one closed loop: each path starts where the last ended.
        assert_eq!(paths[0].points.last(), paths[1].points.first());
        assert_eq!(paths[1].points.last(), paths[0].points.first());
        let out: Vec<Point> = paths.iter().flat_map(|p| p.points.clone()).collect();
        // About one point per 0.8 mm of the 80 mm loop.
        assert!((80..=120).contains(&out.len()), "{}", out.len());
        let off = |p: Point| {
            square
                .windows(2)
                .map(|w| distance_to_segment(p, w[0], w[1]))
                .fold(f64::MAX, f64::min)
        };
        let offs: Vec<f64> = out.iter().map(|&p| off(p)).collect();
        assert!(offs.iter().all(|&d| d <= 300.0 + 1.0));
        // It does wander: on average about half the thickness.
        let mean = offs.iter().sum::<f64>() / offs.len() as f64;
        assert!((100.0..200.0).contains(&mean), "{mean}");
        // Seeded: the same every time.
        let mut again = loop_of();
        walk().roughen_loop(&mut again);
        assert_eq!(paths, again);
    }
}
