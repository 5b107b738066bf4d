//! Skirt and brim. The brim is loops around each object's first-layer outline, growing
//! outward; the skirt is loops around the convex hull of everything on the first layer
//! (brim included), printed on the first `skirt_height` layers to prime the nozzle.

use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, LayerFlows, Role, SkirtLayers};
use crate::engine::geom::{self, ExPolygon, Join, Point, Polygon, convex_hull};
use crate::engine::layers::LayerZ;
use crate::engine::settings::{BrimType, Settings};
use crate::engine::units::{Coord, scaled};

/// `first_layer`: the regions on the bed (every object copy's first layer, or the raft), in
/// bed coordinates. `brim`: whether a brim may be laid (not around a raft).
pub fn skirt_and_brim(
    first_layer: &[ExPolygon],
    plan: &[LayerZ],
    brim: bool,
    s: &Settings,
) -> SkirtLayers {
    let mut layers: SkirtLayers = vec![Vec::new(); plan.len()];
    if first_layer.is_empty() || plan.is_empty() {
        return layers;
    }
    let flow0 = LayerFlows::new(s, plan[0].height, true).perimeter;
    let spacing = scaled(flow0.spacing());
    // The outer brim goes round the outer contours; the inner one into the holes.
    let mut footprint: Vec<ExPolygon> = first_layer
        .iter()
        .map(|r| ExPolygon::new(r.contour.clone()))
        .collect();
    let (outer, inner) = match s.brim_type {
        BrimType::NoBrim => (false, false),
        BrimType::OuterOnly | BrimType::BrimEars => (true, false),
        BrimType::InnerOnly => (false, true),
        BrimType::OuterAndInner => (true, true),
    };
    let ears = (s.brim_type == BrimType::BrimEars).then(|| sharp_corners(&footprint, s));
    if brim && s.brim_width > 0.0 {
        let count = ((s.brim_width / flow0.spacing()).floor() as i64).max(1);
        let gap = scaled(s.brim_separation);
        let mut loops: Vec<Extrusion> = Vec::new();
        if outer {
            let reach = scaled(s.brim_width) + gap;
            for k in (0..count).rev() {
                let d = gap + spacing / 2 + k * spacing;
                for ex in &geom::offset(&footprint, d, Join::Round) {
                    match &ears {
                        None => loops.push(loop_of(&ex.contour, Role::Brim, flow0)),
                        Some(corners) => loops.extend(
                            inside_discs(&ex.contour.points, corners, reach)
                                .into_iter()
                                .filter(|p| p.len() >= 2)
                                .map(|p| Extrusion::Path(ExtrusionPath::new(Role::Brim, flow0, p))),
                        ),
                    }
                }
            }
            match &ears {
                None => footprint = geom::offset(&footprint, gap + count * spacing, Join::Round),
                // The skirt goes round the ears too.
                Some(corners) => {
                    footprint.extend(corners.iter().map(|c| {
                        let centre = (c.x as f64, c.y as f64);
                        ExPolygon::new(Polygon::circle(centre, reach as f64, 32))
                    }));
                    footprint = geom::union_ex(&footprint);
                }
            }
        }
        if inner {
            // Each hole as a region of its own, filled from its edge inwards (the loop
            // nearest the wall first, as the outer brim ends beside it).
            let holes: Vec<ExPolygon> = first_layer
                .iter()
                .flat_map(|r| r.holes.iter())
                .map(|h| {
                    let mut h = h.clone();
                    if !h.is_ccw() {
                        h.reverse();
                    }
                    ExPolygon::new(h)
                })
                .collect();
            for k in 0..count {
                let d = gap + spacing / 2 + k * spacing;
                for ex in &geom::offset(&holes, -d, Join::Round) {
                    loops.push(loop_of(&ex.contour, Role::Brim, flow0));
                }
            }
        }
        layers[0].extend(loops);
    }
    if s.skirts > 0 {
        let pts: Vec<_> = footprint
            .iter()
            .flat_map(|r| r.contour.points.iter().copied())
            .collect();
        let hull = convex_hull(&pts);
        let height = (s.skirt_height as usize).min(plan.len());
        for (i, layer) in layers.iter_mut().enumerate().take(height) {
            let flow = if i == 0 {
                flow0
            } else {
                LayerFlows::new(s, plan[i].height, false).perimeter
            };
            let sp = scaled(flow.spacing());
            // Outermost loop first, ending next to the object.
            let mut loops = Vec::new();
            for k in (0..s.skirts as i64).rev() {
                let d = scaled(s.skirt_distance) + sp / 2 + k * sp;
                for ex in geom::offset_polygons(std::slice::from_ref(&hull), d, Join::Round) {
                    loops.push(loop_of(&ex.contour, Role::Skirt, flow));
                }
            }
            layer.splice(0..0, loops);
        }
    }
    layers
}

/// The convex corners of the outlines sharper than `brim_ears_max_angle`, found on the
/// outlines smoothed by `brim_ears_detection_length` (OrcaSlicer's brim ears).
fn sharp_corners(footprint: &[ExPolygon], s: &Settings) -> Vec<Point> {
    let smooth = geom::simplify_polygons(footprint, scaled(s.brim_ears_detection_length));
    let limit = s.brim_ears_max_angle.to_radians();
    let mut out = Vec::new();
    for ex in &smooth {
        let pts = &ex.contour.points;
        let ccw = ex.contour.is_ccw();
        let n = pts.len();
        for i in 0..n {
            let (a, b, c) = (pts[(i + n - 1) % n], pts[i], pts[(i + 1) % n]);
            let convex = (geom::cross(a, b, c) > 0.0) == ccw;
            let (u, v) = (
                ((a.x - b.x) as f64, (a.y - b.y) as f64),
                ((c.x - b.x) as f64, (c.y - b.y) as f64),
            );
            let angle = (u.0 * v.1 - u.1 * v.0).abs().atan2(u.0 * v.0 + u.1 * v.1);
            if convex && angle < limit {
                out.push(b);
            }
        }
    }
    out
}

/// The stretches of a closed loop that lie within `r` of any of `centres`, as open lines
/// (a loop wholly inside comes back whole, closed).
fn inside_discs(loop_pts: &[Point], centres: &[Point], r: Coord) -> Vec<Vec<Point>> {
    let r = r as f64;
    let inside = |x: f64, y: f64| {
        centres
            .iter()
            .any(|c| (x - c.x as f64).hypot(y - c.y as f64) <= r)
    };
    let n = loop_pts.len();
    let mut pieces: Vec<Vec<Point>> = Vec::new();
    let mut open = false;
    for i in 0..n {
        let (a, b) = (loop_pts[i], loop_pts[(i + 1) % n]);
        let (ax, ay, dx, dy) = (
            a.x as f64,
            a.y as f64,
            (b.x - a.x) as f64,
            (b.y - a.y) as f64,
        );
        // Where the segment crosses a circle, in order along it.
        let mut ts = vec![0.0, 1.0];
        let l2 = dx * dx + dy * dy;
        for c in centres {
            let (fx, fy) = (ax - c.x as f64, ay - c.y as f64);
            let bq = 2.0 * (fx * dx + fy * dy);
            let cq = fx * fx + fy * fy - r * r;
            let disc = bq * bq - 4.0 * l2 * cq;
            if l2 > 0.0 && disc > 0.0 {
                for t in [
                    (-bq - disc.sqrt()) / (2.0 * l2),
                    (-bq + disc.sqrt()) / (2.0 * l2),
                ] {
                    if t > 0.0 && t < 1.0 {
                        ts.push(t);
                    }
                }
            }
        }
        ts.sort_by(f64::total_cmp);
        let at = |t: f64| {
            Point::new(
                (ax + dx * t).round() as Coord,
                (ay + dy * t).round() as Coord,
            )
        };
        for w in ts.windows(2) {
            let mid = (w[0] + w[1]) / 2.0;
            if inside(ax + dx * mid, ay + dy * mid) {
                if !open {
                    pieces.push(vec![at(w[0])]);
                    open = true;
                }
                if let Some(p) = pieces.last_mut() {
                    p.push(at(w[1]));
                }
            } else {
                open = false;
            }
        }
    }
    // A piece running over the loop's start continues the first piece.
    if open && pieces.len() > 1 && inside(loop_pts[0].x as f64, loop_pts[0].y as f64) {
        let last = pieces.pop().unwrap_or_default();
        let first = std::mem::take(&mut pieces[0]);
        pieces[0] = last.into_iter().chain(first.into_iter().skip(1)).collect();
    }
    pieces
}

fn loop_of(poly: &Polygon, role: Role, flow: Flow) -> Extrusion {
    Extrusion::Loop(ExtrusionLoop {
        paths: vec![ExtrusionPath::new(
            role,
            flow,
            poly.to_polyline_from(0).points,
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::plan_layers;

    fn square(x0: i64, s: i64) -> ExPolygon {
        ExPolygon::rect(x0, x0, x0 + s, x0 + s)
    }

    #[test]
    fn skirt_loop_surrounds_at_distance() {
        let s = Settings::default();
        let plan = plan_layers(10.0, 0.2, 0.2);
        let l = skirt_and_brim(&[square(100_000, 20_000)], &plan, true, &s);
        assert_eq!(l[0].len(), 1);
        assert!(l[1].is_empty());
        let len = l[0][0].length();
        // A square grown by 6.2 mm with round corners.
        let expect = 4.0 * 20_000.0 + 2.0 * std::f64::consts::PI * 6_200.0;
        assert!((len - expect).abs() / expect < 0.01, "{len} vs {expect}");
    }

    #[test]
    fn brim_types_and_separation() {
        // A 20 mm square frame with a 10 mm hole; a 3 mm brim, no skirt.
        let mut frame = square(100_000, 20_000);
        let mut hole = geom::Polygon::rect(105_000, 105_000, 115_000, 115_000);
        if hole.is_ccw() {
            hole.reverse();
        }
        frame.holes.push(hole);
        let plan = plan_layers(10.0, 0.2, 0.2);
        // (least, greatest) x of a loop.
        let xs = |e: &Extrusion| {
            let Extrusion::Loop(lp) = e else { panic!() };
            let x = lp.paths.iter().flat_map(|p| p.points.iter().map(|q| q.x));
            (x.clone().min().unwrap(), x.max().unwrap())
        };
        let brims = |kind: &str, sep: f64| {
            let mut s = Settings {
                brim_width: 3.0,
                brim_separation: sep,
                skirts: 0,
                ..Default::default()
            };
            s.set("brim_type", kind).unwrap();
            let l = skirt_and_brim(std::slice::from_ref(&frame), &plan, true, &s);
            // (loops inside the hole, loops outside the frame)
            let inside = l[0]
                .iter()
                .filter(|e| {
                    let (lo, hi) = xs(e);
                    lo > 105_000 && hi < 115_000
                })
                .count();
            (inside, l[0].len() - inside, l)
        };
        let (inside, outside, _) = brims("outer_only", 0.0);
        assert!(inside == 0 && outside >= 6, "{inside} {outside}");
        let (inside, outside, _) = brims("inner_only", 0.0);
        assert!(inside >= 6 && outside == 0, "{inside} {outside}");
        let (inside, outside, _) = brims("outer_and_inner", 0.0);
        assert!(inside >= 6 && outside >= 6, "{inside} {outside}");
        assert_eq!(brims("no_brim", 0.0).2[0].len(), 0);
        // With a 1 mm gap the nearest loop stands 1 mm further off the frame.
        let near = |sep: f64| {
            let (_, _, l) = brims("outer_only", sep);
            l[0].iter().map(|e| xs(e).0).max().unwrap()
        };
        assert_eq!(near(0.0) - near(1.0), 1000);
    }

    #[test]
    fn brim_ears_sit_at_sharp_corners_only() {
        let plan = plan_layers(10.0, 0.2, 0.2);
        let s = Settings {
            brim_width: 4.0,
            skirts: 0,
            brim_type: BrimType::BrimEars,
            ..Default::default()
        };
        let corners = [
            Point::new(100_000, 100_000),
            Point::new(120_000, 100_000),
            Point::new(120_000, 120_000),
            Point::new(100_000, 120_000),
        ];
        let l = skirt_and_brim(&[square(100_000, 20_000)], &plan, true, &s);
        let ears: f64 = l[0].iter().map(Extrusion::length).sum();
        let full = Settings {
            brim_type: BrimType::OuterOnly,
            ..s.clone()
        };
        let all: f64 = skirt_and_brim(&[square(100_000, 20_000)], &plan, true, &full)[0]
            .iter()
            .map(Extrusion::length)
            .sum();
        // Four ears: a fraction of the full brim, every point near a corner.
        assert!(ears > 0.1 * all && ears < 0.6 * all, "{ears} of {all}");
        for e in &l[0] {
            let Extrusion::Path(p) = e else {
                panic!("ears are open lines")
            };
            for q in &p.points {
                let d = corners
                    .iter()
                    .map(|c| c.distance(*q))
                    .fold(f64::MAX, f64::min);
                assert!(d <= 4_000.0 + 2.0, "{d}");
            }
        }
        // A round part has no sharp corner: no ears.
        let disc = ExPolygon::new(geom::Polygon::circle((110_000.0, 110_000.0), 10_000.0, 64));
        assert!(skirt_and_brim(&[disc], &plan, true, &s)[0].is_empty());
    }

    #[test]
    fn brim_loops_fill_the_width() {
        let s = Settings {
            brim_width: 5.0,
            skirts: 0,
            ..Default::default()
        };
        let plan = plan_layers(10.0, 0.2, 0.2);
        let l = skirt_and_brim(&[square(100_000, 20_000)], &plan, true, &s);
        assert_eq!(l[0].len(), 13);
        assert!(
            l[0].iter()
                .all(|e| matches!(e, Extrusion::Loop(lp) if lp.role() == Role::Brim))
        );
    }
}
