//! Infill patterns made of curves or zig-zags that are generated over the region's bounding
//! box and then clipped: gyroid and honeycomb.

use crate::engine::geom::{BoundingBox, EdgeIndex, Point, Polyline};
use crate::engine::units::Coord;
use std::f64::consts::PI;

/// Gyroid period as a multiple of the line distance that gives the same line length per area
/// as straight lines at that distance.
pub const GYROID_PERIOD: f64 = 2.46;

/// Gyroid: the curves where the surface sin x·cos y + sin y·cos z + sin z·cos x = 0 meets
/// the layer, scaled so one period is `period` micrometres. The zero set is traced by
/// marching squares on a grid of 16 samples per period and chained through shared cell edges,
/// which stays right at every height (the curves change shape and direction with z).
pub fn gyroid(bbox: &BoundingBox, z_mm: f64, period: Coord, clip: &EdgeIndex) -> Vec<Polyline> {
    let scale = 2.0 * PI / period as f64;
    let (sz, cz) = ((z_mm * 1000.0 * scale).sin(), (z_mm * 1000.0 * scale).cos());
    let step = (period / 16).max(20);
    let bb = bbox.inflated(step);
    let nx = ((bb.max.x - bb.min.x) / step + 2) as usize;
    let ny = ((bb.max.y - bb.min.y) / step + 2) as usize;
    if nx * ny > 20_000_000 {
        return Vec::new();
    }
    let x_at = |i: usize| bb.min.x + i as Coord * step;
    let y_at = |j: usize| bb.min.y + j as Coord * step;
    let sin_x: Vec<(f64, f64)> = (0..nx)
        .map(|i| {
            (
                (x_at(i) as f64 * scale).sin(),
                (x_at(i) as f64 * scale).cos(),
            )
        })
        .collect();
    let mut f = vec![0.0f64; nx * ny];
    for j in 0..ny {
        let yr = y_at(j) as f64 * scale;
        let (sy, cy) = (yr.sin(), yr.cos());
        for i in 0..nx {
            let (sx, cx) = sin_x[i];
            let v = sx * cy + sy * cz + sz * cx;
            // Nudge exact zeros so every crossing is strict.
            f[j * nx + i] = if v == 0.0 { 1e-12 } else { v };
        }
    }
    let val = |i: usize, j: usize| f[j * nx + i];
    // Edge ids: horizontal edge (i,j)-(i+1,j) and vertical edge (i,j)-(i,j+1).
    let h_id = |i: usize, j: usize| (j * nx + i) * 2;
    let v_id = |i: usize, j: usize| (j * nx + i) * 2 + 1;
    let point_on = |id: usize| -> Point {
        let cell = id / 2;
        let (i, j) = (cell % nx, cell / nx);
        let (i2, j2) = if id.is_multiple_of(2) {
            (i + 1, j)
        } else {
            (i, j + 1)
        };
        let (a, b) = (val(i, j), val(i2, j2));
        let t = a / (a - b);
        Point::new(
            x_at(i) + ((x_at(i2) - x_at(i)) as f64 * t).round() as Coord,
            y_at(j) + ((y_at(j2) - y_at(j)) as f64 * t).round() as Coord,
        )
    };
    let mut segs: Vec<(usize, usize)> = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let c = [val(i, j), val(i + 1, j), val(i + 1, j + 1), val(i, j + 1)];
            let edges = [h_id(i, j), v_id(i + 1, j), h_id(i, j + 1), v_id(i, j)];
            let crossing: Vec<usize> = (0..4)
                .filter(|&k| (c[k] > 0.0) != (c[(k + 1) % 4] > 0.0))
                .collect();
            match crossing.len() {
                2 => segs.push((edges[crossing[0]], edges[crossing[1]])),
                4 => {
                    // Saddle: the centre's sign decides which corners connect.
                    let centre = (c[0] + c[1] + c[2] + c[3]) / 4.0;
                    if (centre > 0.0) == (c[0] > 0.0) {
                        segs.push((edges[0], edges[1]));
                        segs.push((edges[2], edges[3]));
                    } else {
                        segs.push((edges[3], edges[0]));
                        segs.push((edges[1], edges[2]));
                    }
                }
                _ => {}
            }
        }
    }
    // Chain through shared edges (each edge joins at most two segments).
    let mut at_edge: rustc_hash::FxHashMap<usize, [usize; 2]> = Default::default();
    for (k, &(a, b)) in segs.iter().enumerate() {
        for e in [a, b] {
            let slot = at_edge.entry(e).or_insert([usize::MAX; 2]);
            if slot[0] == usize::MAX {
                slot[0] = k;
            } else {
                slot[1] = k;
            }
        }
    }
    let mut used = vec![false; segs.len()];
    let ends: Vec<usize> = (0..segs.len())
        .filter(|&k| {
            [segs[k].0, segs[k].1]
                .iter()
                .any(|e| at_edge[e][1] == usize::MAX)
        })
        .collect();
    let mut out = Vec::new();
    for start in ends.into_iter().chain(0..segs.len()) {
        if used[start] {
            continue;
        }
        let (a, b) = segs[start];
        // Walk from the open end if there is one.
        let (mut edge, mut next_edge) = if at_edge[&a][1] == usize::MAX {
            (a, b)
        } else {
            (b, a)
        };
        let mut pts = vec![point_on(edge)];
        let mut k = start;
        loop {
            used[k] = true;
            pts.push(point_on(next_edge));
            edge = next_edge;
            let [s0, s1] = at_edge[&edge];
            let nk = if s0 == k { s1 } else { s0 };
            if nk == usize::MAX || used[nk] {
                break;
            }
            k = nk;
            next_edge = if segs[k].0 == edge {
                segs[k].1
            } else {
                segs[k].0
            };
        }
        out.extend(clip.clip_polyline(&Polyline::new(pts)));
    }
    out
}

/// Honeycomb as PrusaSlicer draws it: columns of zig-zags whose shared edges run side by side,
/// `distance` apart across columns; rotated by `angle` about the bounding box centre.
pub fn honeycomb(
    bbox: &BoundingBox,
    spacing: Coord,
    density: f64,
    angle: f64,
    clip: &EdgeIndex,
) -> Vec<Polyline> {
    let distance = spacing as f64 / density;
    let hex_side = distance / (3f64.sqrt() / 2.0);
    let y_short = distance * 3f64.sqrt() / 3.0;
    let x_offset = spacing as f64 / 2.0;
    let y_offset = x_offset * 3f64.sqrt() / 3.0;
    let centre = bbox.center();
    // Cover the rotated box: a square around the centre as wide as the box's diagonal.
    let size = bbox.size();
    let half = ((size.x as f64).hypot(size.y as f64) / 2.0 + 2.0 * hex_side).ceil();
    let (cos, sin) = (angle.cos(), angle.sin());
    let period = 2.0 * (y_short + hex_side);
    let x_start = ((centre.x as f64 - half) / (2.0 * distance)).floor() * 2.0 * distance;
    let y_start = ((centre.y as f64 - half) / period).floor() * period;
    let mut out = Vec::new();
    let mut x = x_start;
    while x <= centre.x as f64 + half {
        let mut ax = [x + x_offset, x + distance - x_offset];
        let mut p: Vec<(f64, f64)> = Vec::new();
        for _ in 0..2 {
            p.reverse();
            let mut y = y_start;
            while y <= centre.y as f64 + half {
                p.push((ax[1], y + y_offset));
                p.push((ax[0], y + y_short - y_offset));
                p.push((ax[0], y + y_short + hex_side + y_offset));
                p.push((ax[1], y + y_short + hex_side + y_short - y_offset));
                p.push((
                    ax[1],
                    y + y_short + hex_side + y_short + hex_side + y_offset,
                ));
                y += period;
            }
            ax = [ax[1] + distance, ax[0] + distance];
            x += distance;
        }
        let pts: Vec<Point> = p
            .into_iter()
            .map(|(px, py)| {
                let (dx, dy) = (px - centre.x as f64, py - centre.y as f64);
                Point::new(
                    (centre.x as f64 + dx * cos - dy * sin).round() as Coord,
                    (centre.y as f64 + dx * sin + dy * cos).round() as Coord,
                )
            })
            .collect();
        out.extend(clip.clip_polyline(&Polyline::new(pts)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::geom::ExPolygon;

    fn square(s: Coord) -> Vec<ExPolygon> {
        vec![ExPolygon::rect(0, 0, s, s)]
    }

    fn total(lines: &[Polyline]) -> f64 {
        lines.iter().map(Polyline::length).sum()
    }

    #[test]
    fn gyroid_density_is_near_its_target() {
        let r = square(40_000);
        let idx = EdgeIndex::from_regions(&r);
        let bb = r[0].bounding_box();
        // Rectilinear lines 2 mm apart would be 800 mm long; the gyroid's period is set so the
        // mean over a period of heights matches (single heights vary by about ±25%).
        let mut sum = 0.0;
        for k in 0..48 {
            let len = total(&gyroid(
                &bb,
                k as f64 * 0.1,
                (2000.0 * GYROID_PERIOD) as Coord,
                &idx,
            ));
            assert!(
                len > 0.75 * 800_000.0 && len < 1.3 * 800_000.0,
                "z {}: {len}",
                k as f64 * 0.1
            );
            sum += len;
        }
        let mean = sum / 48.0 / 800_000.0;
        assert!((mean - 1.0).abs() < 0.03, "mean {mean}");
    }

    #[test]
    fn honeycomb_stays_inside_and_has_length() {
        let r = square(40_000);
        let idx = EdgeIndex::from_regions(&r);
        let bb = r[0].bounding_box();
        let lines = honeycomb(&bb, 400, 0.2, 0.0, &idx);
        let len = total(&lines);
        assert!(len > 500_000.0 && len < 2_000_000.0, "{len}");
        for l in &lines {
            for p in &l.points {
                assert!(p.x >= -1 && p.x <= 40_001 && p.y >= -1 && p.y <= 40_001);
            }
        }
    }
}
