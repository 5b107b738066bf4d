//! Extrusion flow: how wide a line is, how far apart neighbouring lines sit, and how much
//! plastic a millimetre of it takes. The model is PrusaSlicer's: a line is a rectangle with
//! semicircular ends, so its cross-section is h·(w − h·(1 − π/4)) and neighbours at that
//! spacing just touch. Bridges are round threads of the nozzle's diameter.

use crate::engine::settings::Settings;
use std::f64::consts::PI;

/// Extra gap between bridge threads (mm), as PrusaSlicer.
const BRIDGE_EXTRA_SPACING: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    /// Line width (mm).
    pub width: f64,
    /// Layer height (mm); for bridges, the thread diameter.
    pub height: f64,
    pub bridge: bool,
}

impl Flow {
    pub fn new(width: f64, height: f64) -> Flow {
        Flow {
            width,
            height,
            bridge: false,
        }
    }

    /// A round thread for bridging: the nozzle's diameter scaled by √ratio.
    pub fn bridge(nozzle: f64, ratio: f64) -> Flow {
        let d = nozzle * ratio.sqrt();
        Flow {
            width: d,
            height: d,
            bridge: true,
        }
    }

    /// The flow whose lines sit `spacing` apart.
    pub fn with_spacing(spacing: f64, height: f64) -> Flow {
        Flow::new(spacing + height * (1.0 - PI / 4.0), height)
    }

    /// Centre-to-centre distance of touching neighbours (mm).
    pub fn spacing(&self) -> f64 {
        if self.bridge {
            self.width + BRIDGE_EXTRA_SPACING
        } else {
            self.width - self.height * (1.0 - PI / 4.0)
        }
    }

    /// Plastic per millimetre of line (mm³/mm).
    pub fn mm3_per_mm(&self) -> f64 {
        if self.bridge {
            PI * self.width * self.width / 4.0
        } else {
            self.height * self.spacing()
        }
    }
}

/// The flows of one layer, from the settings' widths (0 means automatic).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerFlows {
    pub external_perimeter: Flow,
    pub perimeter: Flow,
    pub infill: Flow,
    pub solid_infill: Flow,
    pub top_infill: Flow,
    pub support: Flow,
    pub bridge: Flow,
}

impl LayerFlows {
    pub fn new(s: &Settings, height: f64, first_layer: bool) -> LayerFlows {
        let nozzle = s.nozzle_diameter;
        let pick = |own: f64, auto: f64| {
            if first_layer && s.first_layer_extrusion_width > 0.0 {
                s.first_layer_extrusion_width
            } else if first_layer {
                nozzle * 1.05
            } else if own > 0.0 {
                own
            } else if s.extrusion_width > 0.0 {
                s.extrusion_width
            } else {
                auto
            }
        };
        let wide = s.automatic_width();
        let top_auto = if s.extrusion_width > 0.0 {
            s.extrusion_width
        } else {
            nozzle
        };
        LayerFlows {
            external_perimeter: Flow::new(pick(s.external_perimeter_extrusion_width, wide), height),
            perimeter: Flow::new(pick(s.perimeter_extrusion_width, wide), height),
            infill: Flow::new(pick(s.infill_extrusion_width, wide), height),
            solid_infill: Flow::new(pick(s.solid_infill_extrusion_width, wide), height),
            top_infill: Flow::new(
                pick(s.top_infill_extrusion_width, top_auto).max(0.6 * nozzle),
                height,
            ),
            support: Flow::new(pick(s.support_material_extrusion_width, nozzle), height),
            bridge: Flow::bridge(nozzle, s.bridge_flow_ratio),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prusaslicer_flow_math() {
        let f = Flow::new(0.45, 0.2);
        assert!((f.spacing() - 0.40708).abs() < 1e-5);
        assert!((f.mm3_per_mm() - 0.2 * 0.40708).abs() < 1e-5);
        let g = Flow::with_spacing(f.spacing(), 0.2);
        assert!((g.width - 0.45).abs() < 1e-12);
        let b = Flow::bridge(0.4, 1.0);
        assert!((b.mm3_per_mm() - PI * 0.04).abs() < 1e-12);
        assert!((b.spacing() - 0.45).abs() < 1e-12);
    }

    #[test]
    fn auto_widths_follow_the_nozzle() {
        let mut s = Settings::default();
        let f = LayerFlows::new(&s, 0.2, false);
        assert!((f.perimeter.width - 0.45).abs() < 1e-12);
        assert!((f.top_infill.width - 0.4).abs() < 1e-12);
        let first = LayerFlows::new(&s, 0.2, true);
        assert!((first.perimeter.width - 0.42).abs() < 1e-12);
        s.perimeter_extrusion_width = 0.5;
        assert_eq!(LayerFlows::new(&s, 0.2, false).perimeter.width, 0.5);
    }
}
