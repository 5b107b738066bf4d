//! Skirt and brim. The brim is loops around each object's first-layer outline, growing
//! outward; the skirt is loops around the convex hull of everything on the first layer
//! (brim included), printed on the first `skirt_height` layers to prime the nozzle.

use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, LayerFlows, Role, SkirtLayers};
use crate::engine::geom::{self, ExPolygon, Join, Polygon, convex_hull};
use crate::engine::layers::LayerZ;
use crate::engine::settings::{BrimType, Settings};
use crate::engine::units::scaled;

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
        BrimType::OuterOnly => (true, false),
        BrimType::InnerOnly => (false, true),
        BrimType::OuterAndInner => (true, true),
    };
    if brim && s.brim_width > 0.0 {
        let count = ((s.brim_width / flow0.spacing()).floor() as i64).max(1);
        let gap = scaled(s.brim_separation);
        let mut loops: Vec<Extrusion> = Vec::new();
        if outer {
            for k in (0..count).rev() {
                let d = gap + spacing / 2 + k * spacing;
                for ex in &geom::offset(&footprint, d, Join::Round) {
                    loops.push(loop_of(&ex.contour, Role::Brim, flow0));
                }
            }
            footprint = geom::offset(&footprint, gap + count * spacing, Join::Round);
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
