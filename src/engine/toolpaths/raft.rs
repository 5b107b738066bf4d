//! Raft: a few layers printed under the objects' footprint (grown by `raft_expansion`), for
//! parts that stick badly or warp. A wide, open base layer grips the bed; middle layers
//! build it up crosswise; the top layer is solid so the part's underside comes out smooth.
//! The objects are lifted by the raft's height plus the support contact gap.

use super::infill::lines::{Linking, parallel_lines};
use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, LayerFlows, Role};
use crate::engine::geom::{self, ExPolygon, Join};
use crate::engine::layers::LayerZ;
use crate::engine::settings::Settings;
use crate::engine::units::scaled;
use std::f64::consts::FRAC_PI_2;

/// The raft's layers and how far the objects are lifted above the bed.
pub fn raft_plan(s: &Settings) -> (Vec<LayerZ>, f64) {
    let mut plan = Vec::new();
    let mut z = 0.0;
    for i in 0..s.raft_layers as usize {
        let h = if i == 0 {
            s.first_layer_height
        } else {
            s.layer_height
        };
        plan.push(LayerZ {
            print_z: ((z + h) * 1e4).round() / 1e4,
            height: h,
            slice_z: z + h / 2.0,
            on_bed: i == 0,
        });
        z += h;
    }
    let lift = if plan.is_empty() {
        0.0
    } else {
        z + s.support_material_contact_distance
    };
    (plan, lift)
}

/// The raft's outline: the footprint's outer contours grown by `raft_expansion`.
pub fn raft_area(footprint: &[ExPolygon], s: &Settings) -> Vec<ExPolygon> {
    let solid: Vec<ExPolygon> = footprint
        .iter()
        .map(|r| ExPolygon::new(r.contour.clone()))
        .collect();
    geom::offset(
        &geom::union_ex(&solid),
        scaled(s.raft_expansion),
        Join::Round,
    )
}

/// Extrusions of each raft layer under `footprint` (the objects' first layers on the bed).
pub fn raft(footprint: &[ExPolygon], plan: &[LayerZ], s: &Settings) -> Vec<Vec<Extrusion>> {
    if plan.is_empty() || footprint.is_empty() {
        return vec![Vec::new(); plan.len()];
    }
    let area = raft_area(footprint, s);
    let last = plan.len() - 1;
    plan.iter()
        .enumerate()
        .map(|(i, lz)| {
            let support = LayerFlows::new(s, lz.height, lz.on_bed).support;
            let angle = if i % 2 == 0 { 0.0 } else { FRAC_PI_2 } + std::f64::consts::FRAC_PI_4;
            let (flow, spacing, role) = if i == 0 {
                // Base: wide lines, half the area.
                let f = Flow::new(1.5 * s.nozzle_diameter, lz.height);
                (f, 2.0 * f.spacing(), Role::SupportMaterial)
            } else if i == last {
                (support, support.spacing(), Role::SupportMaterialInterface)
            } else {
                (
                    support,
                    support.spacing() + s.support_material_interface_spacing,
                    Role::SupportMaterial,
                )
            };
            let mut out = Vec::new();
            let fill_region = if i == 0 {
                // A loop round the base keeps its edge crisp.
                let edge = geom::offset(&area, -scaled(flow.width / 2.0), Join::Miter);
                for ex in &edge {
                    out.push(Extrusion::Loop(ExtrusionLoop {
                        paths: vec![ExtrusionPath::new(
                            role,
                            flow,
                            ex.contour.to_polyline_from(0).points,
                        )],
                    }));
                }
                geom::offset(&edge, -scaled(flow.spacing()), Join::Miter)
            } else {
                geom::offset(&area, -scaled(flow.spacing() / 2.0), Join::Miter)
            };
            for line in parallel_lines(
                &fill_region,
                angle,
                scaled(spacing),
                0,
                Linking::ZigZag,
                scaled(flow.width),
            ) {
                out.push(Extrusion::Path(ExtrusionPath::new(role, flow, line.points)));
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raft_layers_and_lift() {
        let s = Settings {
            raft_layers: 3,
            ..Default::default()
        };
        let (plan, lift) = raft_plan(&s);
        assert_eq!(plan.len(), 3);
        assert!(plan[0].on_bed && !plan[1].on_bed);
        assert!((plan[2].print_z - 0.6).abs() < 1e-9);
        assert!((lift - 0.8).abs() < 1e-9);
        let square = ExPolygon::rect(0, 0, 20_000, 20_000);
        let layers = raft(&[square], &plan, &s);
        let len = |l: &[Extrusion]| l.iter().map(Extrusion::length).sum::<f64>();
        // The solid top layer lays far more line than the open base.
        assert!(
            len(&layers[2]) > 1.5 * len(&layers[0]),
            "{} vs {}",
            len(&layers[2]),
            len(&layers[0])
        );
        assert!(
            layers[2].iter().all(
                |e| matches!(e, Extrusion::Path(p) if p.role == Role::SupportMaterialInterface)
            )
        );
        assert_eq!(raft_plan(&Settings::default()).0.len(), 0);
    }
}
