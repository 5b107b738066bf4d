//! Support under overhangs. A layer overhangs where it reaches further out than the layer
//! below by more than the threshold angle allows. Support starts a Z gap below that, grows
//! downward, and keeps an XY gap from the model; it stops where it lands on the model (or,
//! built from the bed only, vanishes wherever model lies below it). The top layers under the
//! model are a dense interface; the body is lines.

use super::infill::lines::{Linking, parallel_lines};
use super::{Extrusion, ExtrusionPath, LayerFlows, Role};
use crate::engine::geom::{self, ExPolygon, Join};
use crate::engine::layers::{LayerZ, SlicedObject};
use crate::engine::par;
use crate::engine::settings::{Settings, SupportPattern};
use crate::engine::units::scaled;

pub fn generate(sliced: &SlicedObject, plan: &[LayerZ], s: &Settings) -> Vec<Vec<Extrusion>> {
    if !s.support_material || plan.len() < 2 {
        return Vec::new();
    }
    let regions = support_regions(&sliced.layers, plan, s);
    par::map(&regions, |i, (body, interface)| {
        let flow = LayerFlows::new(s, plan[i].height, plan[i].on_bed).support;
        let sp = flow.spacing();
        let angle = s.support_material_angle.to_radians();
        let min_len = scaled(flow.width);
        let mut out = Vec::new();
        let clip = |r: &[ExPolygon]| geom::offset(r, -scaled(sp / 2.0), Join::Miter);
        let body_clip = clip(body);
        let mut angles = vec![angle];
        if s.support_material_pattern == SupportPattern::Grid {
            angles.push(angle + std::f64::consts::FRAC_PI_2);
        }
        for a in angles {
            for l in parallel_lines(
                &body_clip,
                a,
                scaled(s.support_material_spacing.max(sp)),
                0,
                Linking::ZigZag,
                min_len,
            ) {
                out.push(Extrusion::Path(ExtrusionPath::new(
                    Role::SupportMaterial,
                    flow,
                    l.points,
                )));
            }
        }
        let interface_spacing = scaled(sp + s.support_material_interface_spacing);
        for l in parallel_lines(
            &clip(interface),
            angle + std::f64::consts::FRAC_PI_2,
            interface_spacing,
            0,
            Linking::ZigZag,
            min_len,
        ) {
            out.push(Extrusion::Path(ExtrusionPath::new(
                Role::SupportMaterialInterface,
                flow,
                l.points,
            )));
        }
        out
    })
}

/// (body, interface) regions of every layer.
fn support_regions(
    slices: &[Vec<ExPolygon>],
    plan: &[LayerZ],
    s: &Settings,
) -> Vec<(Vec<ExPolygon>, Vec<ExPolygon>)> {
    let n = slices.len();
    let xy = scaled(s.support_material_xy_spacing);
    let resolution = scaled(s.slice_resolution());
    let overhangs = crate::engine::layers::overhangs(slices, plan, s.support_material_threshold);
    // The layer whose top sits the contact distance below each overhang.
    let mut contrib: Vec<Vec<ExPolygon>> = vec![Vec::new(); n];
    for (i, o) in overhangs.into_iter().enumerate() {
        if o.is_empty() {
            continue;
        }
        let bottom = plan[i].print_z - plan[i].height - s.support_material_contact_distance;
        let j = plan.partition_point(|l| l.print_z <= bottom + 1e-6);
        if j > 0 {
            contrib[j - 1].extend(o);
        }
    }
    let keep_out: Vec<Vec<ExPolygon>> = par::map(slices, |_, sl| geom::offset(sl, xy, Join::Miter));
    // Grow downward from each contact layer, stopping at the model.
    let mut store: Vec<Vec<ExPolygon>> = vec![Vec::new(); n];
    let mut acc: Vec<ExPolygon> = Vec::new();
    for j in (0..n).rev() {
        if !contrib[j].is_empty() {
            acc.append(&mut contrib[j]);
            acc = geom::union_ex(&acc);
        }
        if acc.is_empty() {
            continue;
        }
        acc = geom::simplify_polygons(&geom::difference(&acc, &keep_out[j]), resolution);
        store[j] = acc.clone();
    }
    if s.support_material_buildplate_only {
        let mut below: Vec<ExPolygon> = Vec::new();
        for j in 0..n {
            if !keep_out[j].is_empty() {
                below.extend(keep_out[j].iter().cloned());
                below = geom::union_ex(&below);
            }
            if !store[j].is_empty() {
                store[j] = geom::difference(&store[j], &below);
            }
        }
    }
    let gap_layers = (s.support_material_contact_distance / plan.last().map_or(0.2, |l| l.height))
        .ceil() as usize;
    let reach = s.support_material_interface_layers as usize + gap_layers;
    par::map(&store, |j, st| {
        if st.is_empty() || s.support_material_interface_layers == 0 {
            return (st.clone(), Vec::new());
        }
        let above: Vec<ExPolygon> = (j + 1..=(j + reach).min(n - 1))
            .flat_map(|k| slices[k].iter().cloned())
            .collect();
        let interface = geom::intersection(st, &geom::union_ex(&above));
        let body = geom::difference(st, &interface);
        (body, interface)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::plan_layers;

    fn rect(x0: i64, x1: i64) -> ExPolygon {
        ExPolygon::rect(x0, 0, x1, 10_000)
    }

    #[test]
    fn t_shape_gets_support_under_the_arms_only() {
        // A 10 mm pillar up to 5 mm, then a 30 mm wide top.
        let plan = plan_layers(10.0, 0.2, 0.2);
        let layers: Vec<Vec<ExPolygon>> = plan
            .iter()
            .map(|l| {
                vec![if l.print_z <= 5.0 {
                    rect(10_000, 20_000)
                } else {
                    rect(0, 30_000)
                }]
            })
            .collect();
        let mut s = Settings {
            support_material: true,
            ..Default::default()
        };
        let regions = support_regions(&layers, &plan, &s);
        // Under the arms, down to the bed, kept 0.6 mm from the pillar.
        let a0 = geom::total_area(&regions[0].0);
        let expect = 2.0 * (10_000.0 - 600.0) * 10_000.0;
        assert!((a0 - expect).abs() / expect < 0.02, "{a0} vs {expect}");
        // No support above the overhang's contact gap, none under the pillar's top.
        assert!(regions[30].0.is_empty() && regions[30].1.is_empty());
        // The top layers under the arms are interface.
        assert!(geom::total_area(&regions[23].1) > 0.0);
        assert!(geom::total_area(&regions[10].1) == 0.0);
        s.support_material_buildplate_only = true;
        let regions = support_regions(&layers, &plan, &s);
        assert!(geom::total_area(&regions[0].0) > 0.0);
    }
}
