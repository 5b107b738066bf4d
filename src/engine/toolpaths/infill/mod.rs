//! Filling surfaces: sparse infill in the chosen pattern, solid and top surfaces, and bridges
//! laid across the gap they span.

mod curves;
pub mod lines;
mod links;

use super::skin::Surfaces;
use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, Island, LayerFlows, Role};
use crate::engine::geom::{self, BoundingBox, EdgeIndex, ExPolygon, Join, Point, Polyline};
use crate::engine::settings::{InfillPattern, Settings, SolidPattern};
use crate::engine::units::{Coord, scaled, unscaled};
use lines::{Linking, parallel_lines, parallel_lines_to};
use std::f64::consts::PI;

/// Infill lines shorter than this fraction of a line width are not worth printing.
const MIN_LINE_FACTOR: f64 = 1.0;

/// The infill of each island of the layer (same order as `islands`).
pub fn fill_layer(
    islands: &[Island],
    surfaces: &Surfaces,
    layer: usize,
    z: f64,
    flows: &LayerFlows,
    lower: Option<&[ExPolygon]>,
    s: &Settings,
) -> Vec<Vec<Extrusion>> {
    let mut per_island: Vec<Vec<Extrusion>> = vec![Vec::new(); islands.len()];
    let bboxes: Vec<BoundingBox> = islands.iter().map(|i| i.outline.bounding_box()).collect();
    let owner = |r: &ExPolygon| owner_of(islands, &bboxes, r);
    let base_angle = s.fill_angle.to_radians();
    let alternate = if layer.is_multiple_of(2) {
        0.0
    } else {
        PI / 2.0
    };

    // Bridges first (each over its own gap), then solid, top and sparse.
    let lower_index = lower.map(EdgeIndex::from_regions);
    for region in &surfaces.bridge {
        let flow = flows.bridge;
        let spacing = scaled(flow.spacing());
        let angle = match &lower_index {
            Some(idx) => bridge_angle(region, idx, spacing),
            None => base_angle,
        };
        let paths = parallel_lines(
            std::slice::from_ref(region),
            angle,
            spacing,
            0,
            Linking::ZigZag,
            scaled(flow.width),
        );
        if let Some(k) = owner(region) {
            per_island[k].extend(as_paths(paths, Role::BridgeInfill, flow));
        }
    }
    // Internal bridges cross the sparse lines of the layer below at right angles.
    let below_angle = base_angle
        + if layer.is_multiple_of(2) {
            PI / 2.0
        } else {
            0.0
        };
    for region in &surfaces.internal_bridge {
        let flow = flows.bridge;
        let Some(k) = owner(region) else { continue };
        let spacing = scaled(flow.spacing());
        let lines = parallel_lines_to(
            &line_area(region, spacing),
            std::slice::from_ref(region),
            below_angle + PI / 2.0,
            spacing,
            0,
            Linking::ZigZag,
            scaled(flow.width),
        );
        per_island[k].extend(as_paths(lines, Role::BridgeInfill, flow));
    }
    let solid_angle = base_angle + alternate;
    for (regions, role, flow, pattern) in [
        (
            &surfaces.solid,
            Role::SolidInfill,
            flows.solid_infill,
            // The first layer is the bottom surface; solid layers above it are inner ones.
            if layer == 0 {
                s.bottom_fill_pattern
            } else {
                s.internal_solid_infill_pattern
            },
        ),
        (
            &surfaces.top,
            Role::TopSolidInfill,
            flows.top_infill,
            s.top_fill_pattern,
        ),
    ] {
        for region in regions {
            let Some(k) = owner(region) else { continue };
            per_island[k].extend(solid_fill(region, role, flow, pattern, solid_angle));
        }
    }
    if s.fill_density > 0.0 {
        for region in &surfaces.sparse {
            let Some(k) = owner(region) else { continue };
            per_island[k].extend(sparse_fill(region, layer, z, flows.infill, s));
        }
        // Infill combined over this layer and those below it: as thick as they are.
        let thick = Flow::new(flows.infill.width, surfaces.combined_height);
        for region in &surfaces.combined {
            let Some(k) = owner(region) else { continue };
            per_island[k].extend(sparse_fill(region, layer, z, thick, s));
        }
    }
    per_island
}

/// The island a region of the layer lies in (by its first point; failing that, the first
/// island whose box it touches).
fn owner_of(islands: &[Island], bboxes: &[BoundingBox], r: &ExPolygon) -> Option<usize> {
    let p = r.contour.points.first()?;
    let mut best = None;
    for (k, isl) in islands.iter().enumerate() {
        if bboxes[k].inflated(1000).overlaps(&r.bounding_box())
            && (isl.outline.contains(*p) || best.is_none())
        {
            best = Some(k);
            if isl.outline.contains(*p) {
                break;
            }
        }
    }
    best
}

/// Ironing over `areas` (from `skin::ironing_areas`), added to the islands' infill: close
/// monotonic lines at 45° to the layer's solid infill, each laying `ironing_flowrate` of what a
/// layer of this height at the ironing spacing would take (PrusaSlicer's flow).
pub fn iron(
    per_island: &mut [Vec<Extrusion>],
    islands: &[Island],
    areas: &[ExPolygon],
    layer: usize,
    height: f64,
    s: &Settings,
) {
    let bboxes: Vec<BoundingBox> = islands.iter().map(|i| i.outline.bounding_box()).collect();
    let spacing = scaled(s.ironing_spacing);
    let nozzle = s.nozzle_diameter;
    // A line a nozzle wide, as thin as the plastic calls for: h · nozzle = flow · height ·
    // spacing.
    let h = height * s.ironing_flowrate / 100.0 * s.ironing_spacing / nozzle;
    let flow = Flow::with_spacing(nozzle, h);
    let turn = if layer.is_multiple_of(2) {
        0.0
    } else {
        PI / 2.0
    };
    let angle = s.fill_angle.to_radians() + PI / 4.0 + turn;
    for region in areas {
        let Some(k) = owner_of(islands, &bboxes, region) else {
            continue;
        };
        let lines = parallel_lines(
            std::slice::from_ref(region),
            angle,
            spacing,
            0,
            Linking::Monotonic,
            spacing,
        );
        let paths: Vec<Extrusion> = as_paths(lines, Role::Ironing, flow).collect();
        if !paths.is_empty() {
            per_island[k].push(Extrusion::Sequence(paths));
        }
    }
}

fn as_paths(lines: Vec<Polyline>, role: Role, flow: Flow) -> impl Iterator<Item = Extrusion> {
    lines
        .into_iter()
        .filter(|l| l.points.len() >= 2)
        .map(move |l| Extrusion::Path(ExtrusionPath::new(role, flow, l.points)))
}

/// The area infill lines keep to: half a spacing inside the fill area, so that the lines'
/// edges meet the fill area's (which already overlaps the walls by `infill_overlap`) and a
/// link or anchor along the boundary runs beside the wall, not over it (PrusaSlicer's rule).
/// A rectilinear line that ends free (no link, no anchor) runs on to the fill area's edge
/// (PrusaSlicer stops 0.05 spacing, 0.02 mm, short of it: not worth a second offset).
fn line_area(region: &ExPolygon, spacing: Coord) -> Vec<ExPolygon> {
    geom::offset(std::slice::from_ref(region), -spacing / 2, Join::Miter)
}

fn solid_fill(
    region: &ExPolygon,
    role: Role,
    flow: Flow,
    pattern: SolidPattern,
    angle: f64,
) -> Vec<Extrusion> {
    let spacing = scaled(flow.spacing());
    match pattern {
        SolidPattern::Concentric => concentric(region, spacing, role, flow),
        SolidPattern::Rectilinear | SolidPattern::Monotonic => {
            let monotonic = pattern == SolidPattern::Monotonic;
            let (fit, shift) = fit_spacing(region, angle, spacing);
            let flow = Flow::with_spacing(unscaled(fit), flow.height);
            let lines = parallel_lines_to(
                &line_area(region, spacing),
                std::slice::from_ref(region),
                angle,
                fit,
                shift,
                if monotonic {
                    Linking::Monotonic
                } else {
                    Linking::ZigZag
                },
                (scaled(flow.width) as f64 * MIN_LINE_FACTOR) as Coord,
            );
            let out: Vec<Extrusion> = as_paths(lines, role, flow).collect();
            if monotonic && !out.is_empty() {
                // Printed in the planned order and direction (or all of it backwards).
                return vec![Extrusion::Sequence(out)];
            }
            out
        }
    }
}

/// A solid fill's line spacing and grid shift fitted to the region, as PrusaSlicer fits
/// them: the region's width across the lines is split into a whole number of bands, each a
/// line wide (the spacing grows by at most a fifth; the flow follows it), with a line in the
/// middle of each band. A small region then gets the lines it has room for wherever it lies,
/// instead of one more or one fewer by where a global grid happens to fall.
fn fit_spacing(region: &ExPolygon, angle: f64, spacing: Coord) -> (Coord, Coord) {
    let (cos, sin) = (angle.cos(), angle.sin());
    let across = |p: &Point| -(p.x as f64) * sin + p.y as f64 * cos;
    let (lo, hi) = region
        .contour
        .points
        .iter()
        .map(across)
        .fold((f64::MAX, f64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let width = hi - lo;
    let bands = (width / spacing as f64).floor();
    let fit = if bands >= 1.0 {
        (width / bands)
            .min(spacing as f64 * 1.2)
            .max(spacing as f64)
    } else {
        spacing as f64
    };
    let fit = fit.round() as Coord;
    let shift = ((lo + fit as f64 / 2.0).round() as Coord).rem_euclid(fit);
    (fit, shift)
}

fn sparse_fill(
    region: &ExPolygon,
    layer: usize,
    z: f64,
    flow: Flow,
    s: &Settings,
) -> Vec<Extrusion> {
    let density = (s.fill_density / 100.0).clamp(0.01, 1.0);
    let line_spacing = flow.spacing();
    let angle = s.fill_angle.to_radians();
    let spacing_for = |directions: f64| scaled(line_spacing * directions / density);
    let min_len = scaled(flow.width);
    let clip = line_area(region, scaled(line_spacing));
    let role = Role::InternalInfill;
    let anchored = Linking::Anchored {
        max_link: scaled(s.infill_anchor_max),
        anchor: scaled(s.infill_anchor.min(s.infill_anchor_max)),
    };
    let lines: Vec<Polyline> = match s.fill_pattern {
        InfillPattern::Rectilinear | InfillPattern::Line => {
            let linking = if s.fill_pattern == InfillPattern::Line {
                Linking::None
            } else {
                anchored
            };
            let a = angle
                + if layer.is_multiple_of(2) {
                    0.0
                } else {
                    PI / 2.0
                };
            let reach = std::slice::from_ref(region);
            parallel_lines_to(&clip, reach, a, spacing_for(1.0), 0, linking, min_len)
        }
        InfillPattern::Grid => [0.0, PI / 2.0]
            .into_iter()
            .flat_map(|d| parallel_lines(&clip, angle + d, spacing_for(2.0), 0, anchored, min_len))
            .collect(),
        InfillPattern::Triangles => [0.0, PI / 3.0, 2.0 * PI / 3.0]
            .into_iter()
            .flat_map(|d| parallel_lines(&clip, angle + d, spacing_for(3.0), 0, anchored, min_len))
            .collect(),
        InfillPattern::Gyroid => {
            let idx = EdgeIndex::from_regions(&clip);
            let bb = geom::bounding_box_of(&clip);
            curves::gyroid(
                &bb,
                z,
                (scaled(line_spacing / density) as f64 * curves::GYROID_PERIOD) as Coord,
                &idx,
            )
        }
        InfillPattern::Honeycomb => {
            let idx = EdgeIndex::from_regions(&clip);
            let bb = geom::bounding_box_of(&clip);
            curves::honeycomb(&bb, scaled(line_spacing), density, angle, &idx)
        }
        InfillPattern::Concentric => return concentric(region, spacing_for(1.0), role, flow),
    };
    as_paths(
        lines
            .into_iter()
            .filter(|l| l.length() >= min_len as f64)
            .collect(),
        role,
        flow,
    )
    .collect()
}

/// Loops following the region's outline inward, `spacing` apart.
fn concentric(region: &ExPolygon, spacing: Coord, role: Role, flow: Flow) -> Vec<Extrusion> {
    let mut out = Vec::new();
    let mut current = geom::offset(
        std::slice::from_ref(region),
        -scaled(flow.spacing()) / 2,
        Join::Miter,
    );
    while !current.is_empty() {
        for ex in &current {
            for poly in ex.polygons() {
                if poly.length() > scaled(flow.width) as f64 * 2.0 {
                    out.push(Extrusion::Loop(ExtrusionLoop {
                        paths: vec![ExtrusionPath::new(
                            role,
                            flow,
                            poly.to_polyline_from(0).points,
                        )],
                    }));
                }
            }
        }
        current = geom::offset(&current, -spacing, Join::Miter);
    }
    out
}

/// The direction (radians) that lays the most bridge length with both ends on the layer
/// below; ties go to the shorter spans.
pub(crate) fn bridge_angle(region: &ExPolygon, below: &EdgeIndex, spacing: Coord) -> f64 {
    let mut best = (f64::MIN, f64::MAX, 0.0);
    for step in 0..36 {
        let angle = step as f64 * PI / 36.0;
        let lines = parallel_lines(
            std::slice::from_ref(region),
            angle,
            spacing,
            0,
            Linking::None,
            0,
        );
        if lines.is_empty() {
            continue;
        }
        let mut anchored = 0.0;
        let mut longest: f64 = 0.0;
        let mut total = 0.0;
        for l in &lines {
            let len = l.length();
            total += len;
            let (Some(a), Some(b)) = (l.first(), l.last()) else {
                continue;
            };
            if below.contains(a) && below.contains(b) {
                anchored += len;
                longest = longest.max(len);
            }
        }
        let coverage = anchored / total;
        if coverage > best.0 + 1e-6 || ((coverage - best.0).abs() <= 1e-6 && longest < best.1) {
            best = (coverage, longest, angle);
        }
    }
    best.2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: Coord, y0: Coord, x1: Coord, y1: Coord) -> ExPolygon {
        ExPolygon::rect(x0, y0, x1, y1)
    }

    #[test]
    fn bridge_spans_the_short_way() {
        // A gap 10 mm wide (in X) between two pillars; the bridge region reaches 1.5 mm onto each.
        let below =
            EdgeIndex::from_regions(&[rect(0, 0, 5000, 30_000), rect(15_000, 0, 20_000, 30_000)]);
        let region = rect(3500, 0, 16_500, 30_000);
        let a = bridge_angle(&region, &below, 450);
        assert!(a.abs() < 0.05 || (a - PI).abs() < 0.05, "angle {a}");
    }

    #[test]
    fn bottom_layer_is_monotonic_inner_solid_layers_are_linked_zig_zags() {
        let s = Settings::default();
        let flows = LayerFlows::new(&s, 0.2, false);
        let r = rect(0, 0, 20_000, 20_000);
        let islands = [Island {
            outline: r.clone(),
            ..Default::default()
        }];
        let surfaces = Surfaces {
            solid: vec![r],
            ..Default::default()
        };
        let fill = |layer: usize, s: &Settings| {
            fill_layer(&islands, &surfaces, layer, 0.2, &flows, None, s).remove(0)
        };
        // The first layer is the bottom surface (bottom_fill_pattern, monotonic).
        assert!(matches!(&fill(0, &s)[..], [Extrusion::Sequence(_)]));
        // Above it, inner solid layers are rectilinear (PrusaSlicer's rule): one zig-zag
        // linked along the boundary, in any order.
        let inner = fill(3, &s);
        assert_eq!(inner.len(), 1, "{inner:?}");
        assert!(matches!(inner[0], Extrusion::Path(_)));
        let mono = Settings {
            internal_solid_infill_pattern: SolidPattern::Monotonic,
            ..Default::default()
        };
        assert!(matches!(&fill(3, &mono)[..], [Extrusion::Sequence(_)]));
    }

    #[test]
    fn solid_fill_lays_its_area_once_links_beside_the_wall_and_fits_small_regions() {
        let s = Settings::default();
        let flow = LayerFlows::new(&s, 0.2, false).solid_infill;
        for (w, h) in [
            (20_000, 20_000),
            (1_500, 9_000),
            (2_300, 2_300),
            (900, 5_000),
        ] {
            let r = rect(0, 0, w, h);
            for angle in [0.0, PI / 4.0, PI / 2.0] {
                let e = solid_fill(
                    &r,
                    Role::SolidInfill,
                    flow,
                    SolidPattern::Rectilinear,
                    angle,
                );
                // Plastic laid over the area it fills: within a few percent, wherever the
                // grid would have fallen (links lie beside the boundary, inside the area).
                let mm3: f64 = e
                    .iter()
                    .map(|x| match x {
                        Extrusion::Path(p) => p.length() / 1000.0 * p.flow.mm3_per_mm(),
                        _ => 0.0,
                    })
                    .sum();
                let area = (w * h) as f64 / 1e6 * 0.2;
                assert!(
                    (mm3 / area - 1.0).abs() < 0.08,
                    "{w}x{h} at {angle:.2}: {mm3:.3} mm³ for {area:.3}"
                );
                // Every point lies inside the area.
                for p in e.iter().flat_map(|x| match x {
                    Extrusion::Path(p) => p.points.clone(),
                    _ => Vec::new(),
                }) {
                    let d = [p.x, p.y, w - p.x, h - p.y].into_iter().min().unwrap_or(0);
                    assert!(d >= 0, "{w}x{h}: {p:?}");
                }
            }
        }
    }

    #[test]
    fn sparse_density_matches_setting() {
        let s = Settings::default();
        let flows = LayerFlows::new(&s, 0.2, false);
        let r = rect(0, 0, 40_000, 40_000);
        let e = sparse_fill(&r, 3, 0.8, flows.infill, &s);
        let len: f64 = e.iter().map(Extrusion::length).sum();
        // 20%: lines 0.407/0.2 = 2.04 mm apart over 40×40 mm is about 786 mm (plus zig-zag links).
        assert!(len > 700_000.0 && len < 900_000.0, "{len}");
    }
}
