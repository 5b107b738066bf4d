//! Skirt and brim. The brim is loops around each object's first-layer outline, growing
//! outward; the skirt is loops around the convex hull of everything on the first layer
//! (brim included), printed on the first `skirt_height` layers to prime the nozzle.

use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, LayerFlows, Role, SkirtLayers};
use crate::engine::geom::{self, ExPolygon, Join, Polygon, convex_hull};
use crate::engine::layers::LayerZ;
use crate::engine::settings::Settings;
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
    // Brim: outer contours only (a brim inside holes helps nothing).
    let mut footprint: Vec<ExPolygon> = first_layer
        .iter()
        .map(|r| ExPolygon::new(r.contour.clone()))
        .collect();
    if brim && s.brim_width > 0.0 {
        let count = ((s.brim_width / flow0.spacing()).floor() as i64).max(1);
        let mut loops: Vec<Extrusion> = Vec::new();
        for k in (0..count).rev() {
            let ring = geom::offset(&footprint, spacing / 2 + k * spacing, Join::Round);
            for ex in &ring {
                loops.push(loop_of(&ex.contour, Role::Brim, flow0));
            }
        }
        layers[0].extend(loops);
        footprint = geom::offset(&footprint, count * spacing, Join::Round);
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
