//! Walls (perimeters). By default they vary in width (`arachne`, see `toolpaths::arachne`):
//! as many lines as each part's thickness takes, as wide as it needs, and the fill area
//! inside their inner edge. The fixed-width walls (`classic`) follow PrusaSlicer's perimeter
//! generator: each loop is an inward offset of the previous one, opened so no loop is
//! thinner than it can print; regions too thin for the outer wall become one variable-width
//! line (thin walls), and gaps between loops too narrow for another loop become gap fill.
//! What is left inside the innermost loop, pulled back by half a line and pushed out by the
//! infill overlap, is the island's fill area.

use super::arachne::{self, SkeletonParams, Strategy, VarLine};
use super::{ExtrusionLoop, ExtrusionPath, Flow, Island, LayerFlows, Role, Wall};
use crate::engine::geom::{self, EdgeIndex, ExPolygon, Join, Point, Polygon, ThickPolyline};
use crate::engine::settings::{PerimeterGenerator, Settings, TopOnePerimeterType, WallSequence};
use crate::engine::units::{Coord, scaled, unscaled};

/// Share of a line's spacing by which neighbouring loops may overlap before the inner one is
/// dropped (PrusaSlicer's INSET_OVERLAP_TOLERANCE).
const INSET_OVERLAP_TOLERANCE: f64 = 0.4;

/// Overhanging stretches of wall shorter than this (mm) are printed as ordinary wall.
const MIN_OVERHANG_LENGTH: f64 = 0.6;

pub fn make_walls(
    regions: &[ExPolygon],
    lower: Option<&[ExPolygon]>,
    upper: Option<&[ExPolygon]>,
    flows: &LayerFlows,
    s: &Settings,
) -> Vec<Island> {
    // Where the layer below holds this one up (half a nozzle of overhang is fine).
    let support = lower.filter(|_| s.overhangs).map(|l| {
        EdgeIndex::from_regions(&geom::offset(
            l,
            scaled(s.nozzle_diameter / 2.0),
            Join::Miter,
        ))
    });
    let variable = (s.perimeter_generator == PerimeterGenerator::Arachne && s.perimeters > 0)
        .then(|| VariableWalls::new(flows, s));
    let build = |region: &ExPolygon, walls: Option<&VariableWalls>, s: &Settings| {
        walls
            .and_then(|v| v.island(region, support.as_ref(), flows, s))
            .unwrap_or_else(|| island(region, support.as_ref(), flows, s))
    };
    // Only one wall on top surfaces: where nothing lies above (the layer's top, or the
    // object's topmost layer), the walls after the first keep to what the layer above covers.
    let topmost = upper.is_none_or(|u| u.is_empty());
    let one_on_top = s.perimeters > 1
        && match s.top_one_perimeter_type {
            TopOnePerimeterType::None => false,
            TopOnePerimeterType::Top => true,
            TopOnePerimeterType::Topmost => topmost,
        };
    if !one_on_top {
        return regions
            .iter()
            .map(|region| build(region, variable.as_ref(), s))
            .collect();
    }
    let (one, rest) = (
        Settings {
            perimeters: 1,
            ..s.clone()
        },
        Settings {
            perimeters: s.perimeters.saturating_sub(1),
            ..s.clone()
        },
    );
    let one_walls = variable.is_some().then(|| VariableWalls::new(flows, &one));
    let rest_walls = variable.is_some().then(|| VariableWalls::new(flows, &rest));
    regions
        .iter()
        .map(|region| {
            let region = std::slice::from_ref(region);
            let top = match upper {
                Some(u) if !topmost => geom::difference(region, u),
                _ => region.to_vec(),
            };
            // A sliver of top (a slope's step) keeps all its walls.
            let min_top = (scaled(2.0 * s.nozzle_diameter) as f64).powi(2);
            if geom::total_area(&top) < min_top {
                return build(&region[0], variable.as_ref(), s);
            }
            let mut out = build(&region[0], one_walls.as_ref(), &one);
            // Inside the first wall's inner edge (the fill area less its overlap), away
            // from the top surface by a line: where the other walls go.
            let per = flows.perimeter;
            let overlap = infill_overlap(
                s,
                scaled(per.spacing()) / 2,
                scaled(flows.solid_infill.spacing()),
            );
            let inside = geom::offset(&out.fill_area, -overlap, Join::Miter);
            let top_zone = geom::offset(&top, scaled(per.spacing()), Join::Miter);
            let covered = geom::difference(&inside, &top_zone);
            if geom::total_area(&covered) < min_top {
                return out;
            }
            let mut fill = geom::difference(&out.fill_area, &covered);
            for part in &covered {
                let inner = build(part, rest_walls.as_ref(), &rest);
                let inward = |role: Role| match role {
                    Role::ExternalPerimeter => Role::Perimeter,
                    r => r,
                };
                out.walls.extend(inner.walls.into_iter().map(|mut w| {
                    w.depth += 1;
                    for p in &mut w.extrusion.paths {
                        p.role = inward(p.role);
                    }
                    w
                }));
                out.thin.extend(inner.thin.into_iter().map(|mut p| {
                    p.role = inward(p.role);
                    p
                }));
                fill.extend(inner.fill_area);
            }
            out.fill_area = geom::union_ex(&fill);
            out
        })
        .collect()
}

/// What variable-width walls need, from the settings and the layer's flows (once a layer).
struct VariableWalls {
    strategy: Strategy,
    params: SkeletonParams,
}

impl VariableWalls {
    fn new(flows: &LayerFlows, s: &Settings) -> VariableWalls {
        let (ext, per) = (flows.external_perimeter, flows.perimeter);
        let nozzle = s.nozzle_diameter;
        let um = |mm: f64| mm * 1000.0;
        let min_bead = s.min_bead_width / 100.0 * nozzle;
        let loops = s.perimeters as usize;
        VariableWalls {
            strategy: Strategy {
                outer: um(ext.spacing()),
                inner: um(per.spacing()),
                split_middle: (2.0 * min_bead / ext.width - 1.0).clamp(0.01, 0.99),
                add_middle: (min_bead / per.width).clamp(0.01, 0.99),
                distribution_radius: s.wall_distribution_count,
                min_feature: um(s.min_feature_size / 100.0 * nozzle),
                min_bead: um(min_bead),
                max_beads: 2 * loops,
            },
            params: SkeletonParams {
                min_step: 20.0,
                max_step: um(2.0 * nozzle).max(um(ext.spacing() + (loops as f64) * per.spacing())),
                central_slope: (s.wall_transition_angle / 2.0).to_radians().sin(),
                filter_deviation: um(s.wall_transition_filter_deviation / 100.0 * nozzle),
                transition_length: um(s.wall_transition_length / 100.0 * nozzle),
            },
        }
    }

    /// One island's walls; None when its outline cannot be triangulated, for the
    /// fixed-width walls to take over.
    fn island(
        &self,
        region: &ExPolygon,
        support: Option<&EdgeIndex>,
        flows: &LayerFlows,
        s: &Settings,
    ) -> Option<Island> {
        let (ext, per) = (flows.external_perimeter, flows.perimeter);
        let loops = s.perimeters as usize;
        // The outer line's edge, not its centre-to-centre spacing, touches the outline. A
        // precise outer wall (OrcaSlicer's): the lines are laid out in an outline smaller by
        // the overlap, and the outer one then moved back out by half of it, so that the
        // walls inside keep off it.
        let overlap = scaled(ext.width - ext.spacing());
        let precise = precise_outer_wall(s);
        let shrunk = geom::offset(
            std::slice::from_ref(region),
            if precise { -overlap } else { -overlap / 2 },
            Join::Miter,
        );
        let mut out = Island {
            outline: region.clone(),
            ..Default::default()
        };
        let mut inner: Vec<Polygon> = Vec::new();
        for part in &shrunk {
            let walls = arachne::variable_lines(part, &self.strategy, &self.params)?;
            inner.extend(walls.inner);
            for mut line in walls.lines {
                if precise && line.inset == 0 && line.closed {
                    push_out(&mut line.points, overlap as f64 / 2.0);
                }
                let role = if line.inset == 0 {
                    Role::ExternalPerimeter
                } else {
                    Role::Perimeter
                };
                let paths =
                    split_overhangs(var_paths(&line, role, ext.height), support, flows.bridge);
                if line.closed {
                    out.walls.push(Wall {
                        depth: line.inset as u32,
                        extrusion: close_loop(paths),
                    });
                } else {
                    out.thin.extend(paths);
                }
            }
        }
        // The fill area: inside the walls' inner edge, pushed out by the infill overlap.
        let solid_sp = scaled(flows.solid_infill.spacing());
        let sp = scaled(if loops == 1 {
            ext.spacing()
        } else {
            per.spacing()
        });
        out.fill_area = fill_area(
            &geom::union(&inner),
            infill_overlap(s, sp / 2, solid_sp),
            solid_sp,
        );
        Some(out)
    }
}

/// A variable-width line as paths of one flow each: a new path wherever the width moves
/// by more than 5 µm, so every stretch is extruded at its own width.
fn var_paths(line: &VarLine, role: Role, height: f64) -> Vec<ExtrusionPath> {
    let n = line.points.len();
    let segments = if line.closed { n } else { n - 1 };
    let mut out: Vec<ExtrusionPath> = Vec::new();
    for i in 0..segments {
        let j = (i + 1) % n;
        let w = (line.widths[i] + line.widths[j]) / 2.0;
        let flow = Flow::with_spacing(w, height);
        match out.last_mut() {
            Some(p) if (p.flow.width - flow.width).abs() <= 0.005 => p.points.push(line.points[j]),
            _ => out.push(ExtrusionPath::new(
                role,
                flow,
                vec![line.points[i], line.points[j]],
            )),
        }
    }
    out
}

/// Paths end to end as a loop (the last point returns to the first); a loop whose first
/// and last paths have one flow and role starts and ends inside one path instead.
fn close_loop(mut paths: Vec<ExtrusionPath>) -> ExtrusionLoop {
    if paths.len() > 1 {
        let (first, last) = (&paths[0], &paths[paths.len() - 1]);
        if first.role == last.role && first.flow == last.flow {
            let first = paths.remove(0);
            if let Some(last) = paths.last_mut() {
                last.points.extend_from_slice(&first.points[1..]);
            }
        }
    }
    ExtrusionLoop { paths }
}

/// Splits paths where they hang over air (printed as bridge: round flow, slower); stretches
/// shorter than `MIN_OVERHANG_LENGTH` stay as they are.
fn split_overhangs(
    paths: Vec<ExtrusionPath>,
    support: Option<&EdgeIndex>,
    bridge: Flow,
) -> Vec<ExtrusionPath> {
    let Some(support) = support else {
        return paths;
    };
    let min_len = scaled(MIN_OVERHANG_LENGTH) as f64;
    let mut out: Vec<ExtrusionPath> = Vec::new();
    for path in paths {
        let pieces = support.split_polyline(&geom::Polyline::new(path.points.clone()));
        if pieces
            .iter()
            .all(|(p, inside)| *inside || p.length() < min_len)
        {
            out.push(path);
            continue;
        }
        for (piece, inside) in pieces {
            let overhang = !inside && piece.length() >= min_len;
            let (r, f) = if overhang {
                (Role::OverhangPerimeter, bridge)
            } else {
                (path.role, path.flow)
            };
            match out.last_mut() {
                Some(last)
                    if last.role == r
                        && last.flow == f
                        && last.points.last() == piece.points.first() =>
                {
                    last.points.extend_from_slice(&piece.points[1..])
                }
                _ => out.push(ExtrusionPath::new(r, f, piece.points)),
            }
        }
    }
    out
}

/// Whether the outer wall is kept precise: asked for, with inner walls first (as OrcaSlicer
/// applies it).
fn precise_outer_wall(s: &Settings) -> bool {
    s.precise_outer_wall && s.wall_sequence == WallSequence::InnerOuter
}

/// Moves a closed loop that runs with the part on its left `d` (µm) to its right, outwards,
/// each point along the mean of its edges' normals.
fn push_out(points: &mut [Point], d: f64) {
    let n = points.len();
    if n < 3 {
        return;
    }
    let normal = |a: Point, b: Point| {
        let (dx, dy) = ((b.x - a.x) as f64, (b.y - a.y) as f64);
        let l = dx.hypot(dy).max(1e-9);
        (dy / l, -dx / l)
    };
    let moved: Vec<Point> = (0..n)
        .map(|i| {
            let (a, p, b) = (points[(i + n - 1) % n], points[i], points[(i + 1) % n]);
            let (n1, n2) = (normal(a, p), normal(p, b));
            let (mx, my) = (n1.0 + n2.0, n1.1 + n2.1);
            let l = mx.hypot(my);
            if l < 1e-6 {
                return p;
            }
            // Along the bisector, as far as keeps each edge `d` away (at most 2d at a
            // sharp corner).
            let k = (d * 2.0 / l).min(2.0 * d);
            Point::new(
                p.x + (mx / l * k).round() as i64,
                p.y + (my / l * k).round() as i64,
            )
        })
        .collect();
    points.copy_from_slice(&moved);
}

fn island(
    region: &ExPolygon,
    support: Option<&EdgeIndex>,
    flows: &LayerFlows,
    s: &Settings,
) -> Island {
    let ext = flows.external_perimeter;
    let per = flows.perimeter;
    let ext_w = scaled(ext.width);
    let ext_sp = scaled(ext.spacing());
    let sp = scaled(per.spacing());
    let ext_min_sp = (ext_sp as f64 * (1.0 - INSET_OVERLAP_TOLERANCE)) as Coord;
    let min_sp = (sp as f64 * (1.0 - INSET_OVERLAP_TOLERANCE)) as Coord;
    let loops = s.perimeters as usize;
    let want_gaps = s.gap_fill_enabled && s.fill_density > 0.0;

    let mut out = Island {
        outline: region.clone(),
        ..Default::default()
    };
    let mut last: Vec<ExPolygon> = vec![region.clone()];
    let mut gaps: Vec<ExPolygon> = Vec::new();
    let mut made = 0usize;
    if loops > 0 {
        let mut i = 0usize;
        loop {
            let offsets = if i == 0 {
                if s.thin_walls {
                    geom::offset2(
                        &last,
                        -(ext_w / 2 + ext_min_sp / 2 - 1),
                        ext_min_sp / 2 - 1,
                        Join::Miter,
                    )
                } else {
                    geom::offset(&last, -ext_w / 2, Join::Miter)
                }
            } else {
                // A precise outer wall: the first inner loop just touches the outer one.
                let first = if precise_outer_wall(s) {
                    (ext_w + sp) / 2
                } else {
                    (ext_sp + sp) / 2
                };
                let distance = if i == 1 { first } else { sp };
                let next = geom::offset2(
                    &last,
                    -(distance + min_sp / 2 - 1),
                    min_sp / 2 - 1,
                    Join::Miter,
                );
                if want_gaps {
                    gaps.extend(geom::difference(
                        &geom::offset(&last, -distance / 2, Join::Miter),
                        &geom::offset(&next, distance / 2 + 10, Join::Miter),
                    ));
                }
                next
            };
            if i == 0 && s.thin_walls {
                out.thin
                    .extend(thin_walls(&last, &offsets, ext, ext_w, ext_sp, s));
            }
            if offsets.is_empty() || i >= loops {
                break;
            }
            for ex in &offsets {
                let role = if i == 0 {
                    Role::ExternalPerimeter
                } else {
                    Role::Perimeter
                };
                let flow = if i == 0 { ext } else { per };
                for poly in ex.polygons() {
                    out.walls.push(Wall {
                        depth: i as u32,
                        extrusion: wall_loop(poly, role, flow, support, flows.bridge),
                    });
                }
            }
            made = i + 1;
            last = offsets;
            if i + 1 == loops && !want_gaps {
                break;
            }
            i += 1;
        }
    }
    if !gaps.is_empty() {
        let (fill, covered) = gap_fill(&gaps, per, sp);
        out.thin.extend(fill);
        if !covered.is_empty() {
            last = geom::difference(&last, &covered);
        }
    }
    // The fill area: half a line inside the last loop, plus the overlap into it.
    let solid_sp = scaled(flows.solid_infill.spacing());
    let mut inset = match made {
        0 => 0,
        1 => ext_sp / 2,
        _ => sp / 2,
    };
    if inset > 0 {
        inset -= infill_overlap(s, inset, solid_sp);
    }
    out.fill_area = fill_area(&last, -inset, solid_sp);
    out
}

/// How far infill reaches into the innermost wall: `infill_overlap` of the distance from the
/// wall's centre (`half_wall` out) to the middle of the first infill line.
fn infill_overlap(s: &Settings, half_wall: Coord, solid_sp: Coord) -> Coord {
    (s.infill_overlap / 100.0 * (half_wall + solid_sp / 2) as f64) as Coord
}

/// The fill area: `boundary` grown by `grow`, without slivers too narrow for an infill line.
fn fill_area(boundary: &[ExPolygon], grow: Coord, solid_sp: Coord) -> Vec<ExPolygon> {
    let min_fill = (solid_sp as f64 * (1.0 - INSET_OVERLAP_TOLERANCE)) as Coord;
    geom::offset2(boundary, grow - min_fill / 2, min_fill / 2, Join::Miter)
}

/// A loop as paths, split where it hangs over air.
fn wall_loop(
    poly: &Polygon,
    role: Role,
    flow: Flow,
    support: Option<&EdgeIndex>,
    bridge: Flow,
) -> ExtrusionLoop {
    let closed = poly.to_polyline_from(0);
    close_loop(split_overhangs(
        vec![ExtrusionPath::new(role, flow, closed.points)],
        support,
        bridge,
    ))
}

/// Parts of `last` too thin for the outer wall, as single lines of varying width.
fn thin_walls(
    last: &[ExPolygon],
    offsets: &[ExPolygon],
    ext: Flow,
    ext_w: Coord,
    ext_sp: Coord,
    s: &Settings,
) -> Vec<ExtrusionPath> {
    let min_width = scaled(s.nozzle_diameter / 3.0);
    let thin = geom::offset2(
        &geom::difference(last, &geom::offset(offsets, ext_w / 2 + 10, Join::Miter)),
        -min_width / 2,
        min_width / 2,
        Join::Miter,
    );
    let mut out = Vec::new();
    for region in &thin {
        for line in geom::medial_axis(region, min_width, ext_w + ext_sp) {
            out.extend(thick_paths(&line, Role::GapFill, ext.height));
        }
    }
    out
}

/// Gaps between loops filled with variable-width lines; also returns the area they cover.
fn gap_fill(gaps: &[ExPolygon], per: Flow, sp: Coord) -> (Vec<ExtrusionPath>, Vec<ExPolygon>) {
    let min = (0.2 * scaled(per.width) as f64 * (1.0 - INSET_OVERLAP_TOLERANCE)) as Coord;
    let max = 2 * sp;
    // A line worth printing is at least two widths long: smaller gaps are slivers.
    let min_area = 2.0 * (scaled(per.width) as f64) * min as f64;
    let gaps: Vec<ExPolygon> = geom::union_ex(gaps)
        .into_iter()
        .filter(|g| g.area() >= min_area)
        .collect();
    if gaps.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let narrow = geom::difference(
        &geom::offset2(&gaps, -min / 2, min / 2, Join::Miter),
        &geom::offset2(&gaps, -max / 2, max / 2 + 10, Join::Miter),
    );
    let mut paths = Vec::new();
    for region in &narrow {
        for line in geom::medial_axis(region, min, max) {
            if line.length() >= 2.0 * scaled(per.width) as f64 {
                paths.extend(thick_paths(&line, Role::GapFill, per.height));
            }
        }
    }
    (paths, narrow)
}

/// Splits a variable-width centre line into paths whose width varies little.
fn thick_paths(line: &ThickPolyline, role: Role, height: f64) -> Vec<ExtrusionPath> {
    let mut out: Vec<ExtrusionPath> = Vec::new();
    for k in 0..line.points.len() - 1 {
        let w = unscaled((line.widths[k] + line.widths[k + 1]) / 2);
        // The line's material must not be narrower than it is tall.
        let flow = Flow::new(w.max(height * 1.05), height);
        match out.last_mut() {
            Some(p) if (p.flow.width - flow.width).abs() <= 0.1 * p.flow.width => {
                p.points.push(line.points[k + 1]);
            }
            _ => out.push(ExtrusionPath::new(
                role,
                flow,
                vec![line.points[k], line.points[k + 1]],
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(s: Coord) -> ExPolygon {
        ExPolygon::rect(0, 0, s, s)
    }

    #[test]
    fn two_walls_and_fill_area_of_a_square() {
        let s = Settings::default();
        let flows = LayerFlows::new(&s, 0.2, false);
        let islands = make_walls(&[square(20_000)], None, None, &flows, &s);
        assert_eq!(islands.len(), 1);
        let isl = &islands[0];
        assert_eq!(isl.walls.len(), 2);
        assert_eq!(isl.walls[0].depth, 0);
        assert_eq!(isl.walls[0].extrusion.role(), Role::ExternalPerimeter);
        // Outer loop centre 0.225 mm inside; the next 0.407 mm further in.
        let outer = isl.walls[0].extrusion.length();
        assert!((outer - 4.0 * (20_000.0 - 450.0)).abs() < 10.0, "{outer}");
        let inner = isl.walls[1].extrusion.length();
        assert!(
            (inner - 4.0 * (20_000.0 - 450.0 - 2.0 * 407.0)).abs() < 10.0,
            "{inner}"
        );
        // Fill area edge: half a spacing inside the inner loop, minus the 25% overlap.
        let fa = geom::total_area(&isl.fill_area);
        let side = 20_000.0 - 450.0 - 2.0 * 407.0 - 2.0 * (203.0 - 0.25 * 407.0);
        assert!(
            (fa - side * side).abs() / (side * side) < 0.01,
            "{fa} vs {}",
            side * side
        );
        assert!(isl.thin.is_empty());
    }

    #[test]
    fn thin_wall_becomes_one_line() {
        let s = Settings::default();
        let flows = LayerFlows::new(&s, 0.2, false);
        // A 0.5 mm wide, 20 mm long wall: too thin for a loop.
        let wall = ExPolygon::rect(0, 0, 20_000, 500);
        let islands = make_walls(&[wall], None, None, &flows, &s);
        let isl = &islands[0];
        assert!(isl.walls.is_empty());
        let len: f64 = isl.thin.iter().map(|p| p.length()).sum();
        assert!(len > 18_000.0, "thin wall length {len}");
    }

    #[test]
    fn overhanging_wall_is_split() {
        let s = Settings::default();
        let flows = LayerFlows::new(&s, 0.2, false);
        // The layer below covers only the left half.
        let below = vec![ExPolygon::rect(0, 0, 10_000, 20_000)];
        let islands = make_walls(&[square(20_000)], Some(&below), None, &flows, &s);
        let outer = &islands[0].walls[0].extrusion;
        let over: f64 = outer
            .paths
            .iter()
            .filter(|p| p.role == Role::OverhangPerimeter)
            .map(|p| p.length())
            .sum();
        assert!(over > 15_000.0 && over < 40_000.0, "overhang length {over}");
    }
}
