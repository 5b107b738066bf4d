//! Polyholes (OrcaSlicer's `hole_to_polyhole`, after nophead's): a round hole printed as a
//! circle comes out small, because the walls cut its curve's chords; printed as a polygon
//! with few sides whose flats touch the hole's circle, it comes out true. Round holes are
//! found by their shape (every point and every edge's middle within the threshold of one
//! radius about their centre) in at least two layers in a row (or on the first layer alone,
//! which the elephant-foot compensation changes); each becomes a polygon of
//! max(3, round(4 · r · 0.4 / nozzle)) sides circumscribing the circle, turned a fifth of a
//! side from layer to layer when twisted, so the flats do not line up into ridges.

use crate::engine::geom::{ExPolygon, Point, Polygon};
use crate::engine::settings::Settings;
use crate::engine::units::{scaled, unscaled};
use std::f64::consts::PI;

/// A round hole: (layer, region, hole) and its centre and radius (µm).
struct Round {
    at: (usize, usize, usize),
    centre: (f64, f64),
    radius: f64,
}

/// The centre and radius of `hole` when it is round within `threshold` (µm).
fn round(hole: &Polygon, threshold: f64) -> Option<((f64, f64), f64)> {
    let pts = &hole.points;
    if pts.len() < 6 {
        return None;
    }
    // The area centroid.
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for k in 0..pts.len() {
        let (p, q) = (pts[k], pts[(k + 1) % pts.len()]);
        let c = p.x as f64 * q.y as f64 - q.x as f64 * p.y as f64;
        a += c;
        cx += (p.x + q.x) as f64 * c;
        cy += (p.y + q.y) as f64 * c;
    }
    if a.abs() < 1.0 {
        return None;
    }
    let centre = (cx / (3.0 * a), cy / (3.0 * a));
    let dist = |x: f64, y: f64| (x - centre.0).hypot(y - centre.1);
    let (mut lo, mut hi) = (f64::MAX, 0.0f64);
    for k in 0..pts.len() {
        let (p, q) = (pts[k], pts[(k + 1) % pts.len()]);
        for d in [
            dist(p.x as f64, p.y as f64),
            dist((p.x + q.x) as f64 / 2.0, (p.y + q.y) as f64 / 2.0),
        ] {
            lo = lo.min(d);
            hi = hi.max(d);
        }
    }
    (hi - lo <= 2.0 * threshold).then_some((centre, hi))
}

/// The polyhole for a hole of `radius` (µm) about `centre`, turned by `turn` of a side; a
/// hole's points (clockwise).
fn polyhole(centre: (f64, f64), radius: f64, nozzle: f64, turn: f64) -> Polygon {
    let sides = ((4.0 * unscaled(radius as i64) * 0.4 / nozzle).round() as usize).max(3);
    let outer = radius / (PI / sides as f64).cos();
    let step = 2.0 * PI / sides as f64;
    let points = (0..sides)
        .map(|k| {
            let angle = -(k as f64 + turn) * step;
            Point::new(
                (centre.0 + outer * angle.cos()).round() as i64,
                (centre.1 + outer * angle.sin()).round() as i64,
            )
        })
        .collect();
    Polygon::new(points)
}

/// Replaces the round holes of `layers` with polyholes.
pub fn make_polyholes(layers: &mut [Vec<ExPolygon>], s: &Settings) {
    let threshold = scaled(s.hole_to_polyhole_threshold).max(1) as f64;
    let found: Vec<Vec<Round>> = layers
        .iter()
        .enumerate()
        .map(|(i, regions)| {
            let mut out = Vec::new();
            for (r, region) in regions.iter().enumerate() {
                for (h, hole) in region.holes.iter().enumerate() {
                    if let Some((centre, radius)) = round(hole, threshold) {
                        out.push(Round {
                            at: (i, r, h),
                            centre,
                            radius,
                        });
                    }
                }
            }
            out
        })
        .collect();
    // The same hole on a neighbouring layer: centre and radius within the threshold.
    let same = |a: &Round, b: &Round| {
        (a.centre.0 - b.centre.0).hypot(a.centre.1 - b.centre.1) <= threshold
            && (a.radius - b.radius).abs() <= threshold
    };
    // Turns of the five twisted variants, spread out (PrusaSlicer's fork's order).
    const TURNS: [f64; 5] = [0.0, 0.4, 0.8, 0.2, 0.6];
    for (i, holes) in found.iter().enumerate() {
        for hole in holes {
            let below = i > 0 && found[i - 1].iter().any(|b| same(hole, b));
            let above = found
                .get(i + 1)
                .is_some_and(|l| l.iter().any(|b| same(hole, b)));
            if !(below || above || i == 0) {
                continue;
            }
            let turn = if s.hole_to_polyhole_twisted {
                TURNS[i % TURNS.len()]
            } else {
                0.0
            };
            let (l, r, h) = hole.at;
            layers[l][r].holes[h] = polyhole(hole.centre, hole.radius, s.nozzle_diameter, turn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::shapes::circle;

    #[test]
    fn a_round_hole_becomes_a_polygon_circumscribing_it() {
        let s = Settings {
            hole_to_polyhole: true,
            ..Default::default()
        };
        let mut hole = circle(0.0, 0.0, 2.5, 64);
        hole.reverse();
        let square = |hole: &Polygon| {
            let mut e = ExPolygon::new(Polygon::rect(-5000, -5000, 5000, 5000));
            e.holes.push(hole.clone());
            e
        };
        // A 5 mm hole through three layers, and a square hole (not round) beside.
        let mut layers = vec![vec![square(&hole)]; 3];
        let mut square_hole = Polygon::rect(-1000, -1000, 1000, 1000);
        square_hole.reverse();
        layers[1][0].holes.push(square_hole.clone());
        make_polyholes(&mut layers, &s);
        for (i, l) in layers.iter().enumerate() {
            let p = &l[0].holes[0];
            // 4 · 2.5 · 0.4 / 0.4 = 10 sides, their flats 2.5 mm from the centre.
            assert_eq!(p.points.len(), 10, "layer {i}");
            assert!(!p.is_ccw(), "a hole runs clockwise");
            for w in 0..10 {
                let (a, b) = (p.points[w], p.points[(w + 1) % 10]);
                let mid = Point::new((a.x + b.x) / 2, (a.y + b.y) / 2);
                assert!((mid.distance(Point::new(0, 0)) - 2500.0).abs() < 3.0);
            }
        }
        // Twisted: each layer turned against the one below.
        assert_ne!(
            layers[0][0].holes[0].points[0],
            layers[1][0].holes[0].points[0]
        );
        assert_eq!(layers[1][0].holes[1], square_hole);
    }
}
