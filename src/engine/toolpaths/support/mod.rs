//! Support under overhangs. A layer overhangs where it reaches further out than the layer
//! below by more than the threshold angle allows. Support starts a Z gap below that and
//! keeps an XY gap from the model. Grid and snug supports grow the overhang straight down
//! (grid squares the areas off to the pattern's grid); they stop where they land on the
//! model (or, built from the bed only, vanish wherever model lies below). Organic supports
//! are branches (`tree`). The top layers under the model are a dense interface; the body is
//! lines, inside a wall for branches.

mod tree;

use super::infill::lines::{Linking, parallel_lines};
use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, LayerFlows, Role};
use crate::engine::geom::{self, EdgeIndex, ExPolygon, Join, Point, Polygon};
use crate::engine::layers::{LayerZ, SlicedObject, SupportMarks};
use crate::engine::par;
use crate::engine::settings::{Settings, SupportInterfacePattern, SupportPattern, SupportStyle};
use crate::engine::units::{Coord, scaled};

pub fn generate(sliced: &SlicedObject, plan: &[LayerZ], s: &Settings) -> Vec<Vec<Extrusion>> {
    // Enforced areas are supported even with supports off (PrusaSlicer's rule).
    if plan.len() < 2
        || !(s.support_material || sliced.marks.enforcers.iter().any(|l| !l.is_empty()))
    {
        return Vec::new();
    }
    let regions = regions(&sliced.layers, &sliced.marks, plan, s);
    let organic = s.support_material_style == SupportStyle::Organic;
    let brim = if organic && plan[0].on_bed {
        branch_brim(&regions, &sliced.layers[0], plan, s)
    } else {
        Vec::new()
    };
    let mut layers = par::map(&regions, |i, (body, interface)| {
        let flow = LayerFlows::new(s, plan[i].height, plan[i].on_bed).support;
        let sp = flow.spacing();
        let angle = s.support_material_angle.to_radians();
        let min_len = scaled(flow.width);
        let mut out = Vec::new();
        let clip = |r: &[ExPolygon]| geom::offset(r, -scaled(sp / 2.0), Join::Miter);
        // Branches get a wall around them, the lines inside it.
        let body_clip = if organic {
            let wall = clip(body);
            out.extend(loops(&wall, Role::SupportMaterial, flow));
            geom::offset(&wall, -scaled(sp), Join::Miter)
        } else {
            clip(body)
        };
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
        if s.support_material_interface_pattern == SupportInterfacePattern::Concentric {
            let mut ring = clip(interface);
            while !ring.is_empty() {
                out.extend(loops(&ring, Role::SupportMaterialInterface, flow));
                ring = geom::offset(&ring, -interface_spacing, Join::Miter);
            }
        } else {
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
        }
        out
    });
    if let Some(first) = layers.first_mut() {
        first.splice(0..0, brim);
    }
    layers
}

/// Every outline of `regions` as a closed loop.
fn loops(regions: &[ExPolygon], role: Role, flow: Flow) -> impl Iterator<Item = Extrusion> + '_ {
    regions.iter().flat_map(|e| e.polygons()).map(move |poly| {
        Extrusion::Loop(ExtrusionLoop {
            paths: vec![ExtrusionPath::new(
                role,
                flow,
                poly.to_polyline_from(0).points,
            )],
        })
    })
}

/// Brim loops around the feet of branches standing on the bed: those taller than ten times
/// their foot is wide (`tree_support_auto_brim`), or all of them; kept clear of the model.
fn branch_brim(
    regions: &[(Vec<ExPolygon>, Vec<ExPolygon>)],
    model: &[ExPolygon],
    plan: &[LayerZ],
    s: &Settings,
) -> Vec<Extrusion> {
    let Some((feet, _)) = regions.first() else {
        return Vec::new();
    };
    if s.tree_support_brim_width <= 0.0 {
        return Vec::new();
    }
    let flow = LayerFlows::new(s, plan[0].height, true).support;
    let sp = scaled(flow.spacing());
    let keep_out = geom::offset(model, scaled(s.support_material_xy_spacing), Join::Miter);
    let mut out = Vec::new();
    for foot in feet {
        if s.tree_support_auto_brim {
            // How high the branch on this foot stands: layers while support stays over it.
            let b = foot.bounding_box();
            let wide = b.size().x.max(b.size().y) as f64;
            let tall = regions
                .iter()
                .take_while(|(body, _)| body.iter().any(|r| r.bounding_box().overlaps(&b)))
                .count();
            let height = scaled(plan[tall.saturating_sub(1).min(plan.len() - 1)].print_z) as f64;
            if height <= 10.0 * wide {
                continue;
            }
        }
        let rings = (s.tree_support_brim_width / flow.spacing())
            .round()
            .max(1.0) as i64;
        let one = std::slice::from_ref(foot);
        for k in 1..=rings {
            let ring =
                geom::difference(&geom::offset(one, sp * k - sp / 2, Join::Round), &keep_out);
            out.extend(loops(&ring, Role::SupportMaterial, flow));
        }
    }
    out
}

/// (body, interface) regions of every layer, in the chosen style.
fn regions(
    slices: &[Vec<ExPolygon>],
    marks: &SupportMarks,
    plan: &[LayerZ],
    s: &Settings,
) -> Vec<(Vec<ExPolygon>, Vec<ExPolygon>)> {
    let xy = scaled(s.support_material_xy_spacing);
    let keep_out: Vec<Vec<ExPolygon>> = par::map(slices, |_, sl| geom::offset(sl, xy, Join::Miter));
    let overhangs = overhangs(slices, marks, plan, s);
    match s.support_material_style {
        SupportStyle::Organic => tree::tree_regions(slices, &overhangs, plan, &keep_out, s),
        SupportStyle::Grid | SupportStyle::Snug => {
            support_regions(slices, &overhangs, &marks.blockers, plan, &keep_out, s)
        }
    }
}

/// What needs support on each layer: with automatic supports, the overhangs steeper than
/// the threshold; where support is enforced, any overhang whatever its angle; less where
/// support is blocked (PrusaSlicer's rules for painted and volume enforcers and blockers).
fn overhangs(
    slices: &[Vec<ExPolygon>],
    marks: &SupportMarks,
    plan: &[LayerZ],
    s: &Settings,
) -> Vec<Vec<ExPolygon>> {
    let mut auto = if s.support_material && s.support_material_auto {
        crate::engine::layers::overhangs(slices, plan, s.support_material_threshold)
    } else {
        vec![Vec::new(); slices.len()]
    };
    if s.dont_support_bridges && auto.iter().any(|o| !o.is_empty()) {
        let width = LayerFlows::new(s, s.layer_height, false)
            .external_perimeter
            .width;
        // A bridge is printed as bridge infill inside the walls: a region too thin to hold
        // any (a slope's or a closing dome's strip, held by overhang walls) is supported.
        let walls = scaled(width * (s.perimeters.max(1) as f64 + 0.5));
        let reach = scaled(s.layer_height / s.support_material_threshold.to_radians().tan());
        auto = par::map(&auto, |i, o| {
            if i == 0 || o.is_empty() {
                return o.clone();
            }
            let below = &slices[i - 1];
            let below_idx = EdgeIndex::from_regions(below);
            let mut kept = Vec::new();
            for r in o {
                if !crate::engine::layers::is_bridge(r, below, width)
                    || geom::offset(std::slice::from_ref(r), -walls, Join::Miter).is_empty()
                {
                    kept.push(r.clone());
                } else {
                    kept.extend(unanchored_edges(r, below, &below_idx, reach, width));
                }
            }
            kept
        });
    }
    if marks.is_empty() {
        return auto;
    }
    let none = Vec::new();
    par::map_range(slices.len(), |i| {
        let mut o = auto[i].clone();
        let enforced = marks.enforcers.get(i).unwrap_or(&none);
        if i > 0 && !enforced.is_empty() && !slices[i].is_empty() {
            let any = geom::difference(&slices[i], &slices[i - 1]);
            o.extend(geom::intersection(&any, enforced));
            o = geom::union_ex(&o);
        }
        let blocked = marks.blockers.get(i).unwrap_or(&none);
        if !blocked.is_empty() && !o.is_empty() {
            o = geom::difference(&o, blocked);
        }
        o
    })
}

/// What a bridge still needs held up (PrusaSlicer's rule): a band along each stretch of its
/// outline that is not over the layer below and not parallel to the bridge's direction, where
/// bridge lines would end in the air.
fn unanchored_edges(
    region: &ExPolygon,
    below: &[ExPolygon],
    below_idx: &EdgeIndex,
    reach: Coord,
    width: f64,
) -> Vec<ExPolygon> {
    let w = scaled(width);
    // The bridge reaching onto its anchors gives its direction.
    let grown = geom::offset(std::slice::from_ref(region), 2 * w, Join::Miter);
    let mut onto = geom::intersection(below, &grown);
    onto.push(region.clone());
    let Some(span) = geom::union_ex(&onto)
        .into_iter()
        .max_by(|a, b| a.area().total_cmp(&b.area()))
    else {
        return Vec::new();
    };
    let angle = super::infill::bridge_angle(&span, below_idx, w);
    let (dx, dy) = (angle.cos(), angle.sin());
    let margin = scaled(BRIDGE_EDGE_MARGIN) as f64;
    let mut bands: Vec<Polygon> = Vec::new();
    for poly in region.polygons() {
        let pts = &poly.points;
        for k in 0..pts.len() {
            let (a, b) = (pts[k], pts[(k + 1) % pts.len()]);
            let len = a.distance(b);
            if len < 1.0 {
                continue;
            }
            let (ex, ey) = ((b.x - a.x) as f64 / len, (b.y - a.y) as f64 / len);
            if (ex * dy - ey * dx).abs() < BRIDGE_PARALLEL.to_radians().sin() {
                continue;
            }
            // In pieces about a line wide, each anchored or not by its middle.
            let pieces = (len / w as f64).ceil().max(1.0) as usize;
            for p in 0..pieces {
                let (t0, t1) = (p as f64 / pieces as f64, (p + 1) as f64 / pieces as f64);
                let at = |t: f64| {
                    (
                        a.x as f64 + (b.x - a.x) as f64 * t,
                        a.y as f64 + (b.y - a.y) as f64 * t,
                    )
                };
                let (p0, p1) = (at(t0), at(t1));
                let mid = Point::new(
                    ((p0.0 + p1.0) / 2.0) as Coord,
                    ((p0.1 + p1.1) / 2.0) as Coord,
                );
                if below_idx.contains(mid) || below_idx.nearest_edge(mid, reach + w).is_some() {
                    continue;
                }
                let (nx, ny) = (-ey * margin, ex * margin);
                bands.push(Polygon::new(
                    [
                        (p0.0 - nx, p0.1 - ny),
                        (p1.0 - nx, p1.1 - ny),
                        (p1.0 + nx, p1.1 + ny),
                        (p0.0 + nx, p0.1 + ny),
                    ]
                    .iter()
                    .map(|&(x, y)| Point::new(x.round() as Coord, y.round() as Coord))
                    .collect(),
                ));
            }
        }
    }
    if bands.is_empty() {
        return Vec::new();
    }
    geom::intersection(std::slice::from_ref(region), &geom::union(&bands))
}

/// How far into a bridge support reaches from an edge whose bridge lines would end in the
/// air (PrusaSlicer's SUPPORT_MATERIAL_MARGIN), and how close to the bridge direction an
/// edge may lie and still count as parallel to it (degrees).
const BRIDGE_EDGE_MARGIN: f64 = 1.5;
const BRIDGE_PARALLEL: f64 = 5.0;

/// The layer whose top sits the contact distance below the bottom of layer `i` (where
/// support for an overhang on layer `i` ends), if any.
fn contact_layer(plan: &[LayerZ], i: usize, s: &Settings) -> Option<usize> {
    let bottom = plan[i].print_z - plan[i].height - s.support_material_contact_distance;
    plan.partition_point(|l| l.print_z <= bottom + 1e-6)
        .checked_sub(1)
}

/// Layers left empty between the support and the model above it (the top Z distance).
fn gap_layers(plan: &[LayerZ], s: &Settings) -> usize {
    let layer_h = plan.last().map_or(0.2, |l| l.height).max(0.01);
    (s.support_material_contact_distance / layer_h).ceil() as usize
}

/// `regions` squared off to a grid of `cell` squares (aligned to the bed, so that the
/// squares of one layer stand on those of the layer below): every square a region touches.
fn squared_off(regions: &[ExPolygon], cell: Coord) -> Vec<ExPolygon> {
    if regions.is_empty() || cell <= 0 {
        return Vec::new();
    }
    let b = geom::bounding_box_of(regions);
    let mut squares = Vec::new();
    let mut y = b.min.y.div_euclid(cell) * cell;
    while y < b.max.y {
        let band = [ExPolygon::rect(b.min.x - cell, y, b.max.x + cell, y + cell)];
        for piece in geom::intersection(regions, &band) {
            let pb = piece.bounding_box();
            let x0 = pb.min.x.div_euclid(cell) * cell;
            let x1 = (pb.max.x + cell - 1).div_euclid(cell) * cell;
            squares.push(ExPolygon::rect(x0, y, x1.max(x0 + cell), y + cell));
        }
        y += cell;
    }
    geom::union_ex(&squares)
}

/// Grid and snug support: (body, interface) regions of every layer.
fn support_regions(
    slices: &[Vec<ExPolygon>],
    overhangs: &[Vec<ExPolygon>],
    blockers: &[Vec<ExPolygon>],
    plan: &[LayerZ],
    keep_out: &[Vec<ExPolygon>],
    s: &Settings,
) -> Vec<(Vec<ExPolygon>, Vec<ExPolygon>)> {
    let n = slices.len();
    let resolution = scaled(s.slice_resolution());
    // The layer whose top sits the contact distance below each overhang (and what was
    // blocked there).
    let mut contrib: Vec<Vec<ExPolygon>> = vec![Vec::new(); n];
    let mut blocked: Vec<Vec<ExPolygon>> = vec![Vec::new(); n];
    for (i, o) in overhangs.iter().enumerate() {
        let Some(j) = contact_layer(plan, i, s) else {
            continue;
        };
        contrib[j].extend(o.iter().cloned());
        blocked[j].extend(blockers.get(i).into_iter().flatten().cloned());
    }
    // The blocked areas reach down until support for an overhang below claims them or the
    // model does: closing and the grid's squares must not bring support back under them.
    let mut shadow: Vec<ExPolygon> = Vec::new();
    let closing = scaled(s.support_material_closing_radius);
    let grid = (s.support_material_style == SupportStyle::Grid)
        .then(|| scaled(s.support_material_spacing.max(s.nozzle_diameter)));
    // Grow downward from each contact layer, stopping at the model.
    let mut store: Vec<Vec<ExPolygon>> = vec![Vec::new(); n];
    let mut acc: Vec<ExPolygon> = Vec::new();
    for j in (0..n).rev() {
        if !blocked[j].is_empty() || !shadow.is_empty() {
            shadow.append(&mut blocked[j]);
            shadow = geom::difference(&geom::union_ex(&shadow), &contrib[j]);
            shadow = geom::difference(&shadow, &slices[j]);
        }
        if !contrib[j].is_empty() {
            acc.append(&mut contrib[j]);
            // The overhang strips of a slope lie apart (each layer's reach beyond the one
            // below): closing joins them into one area (PrusaSlicer's closing radius).
            acc = if closing > 0 {
                geom::offset2(&acc, closing, -closing, Join::Round)
            } else {
                geom::union_ex(&acc)
            };
        }
        if acc.is_empty() {
            continue;
        }
        // Support stops where it lands on the model; the XY gap only trims what is printed
        // on this layer (under a slope the gap would otherwise eat each layer's contact
        // strip before it could grow down).
        acc = geom::simplify_polygons(&geom::difference(&acc, &slices[j]), resolution);
        if !shadow.is_empty() {
            acc = geom::difference(&acc, &shadow);
        }
        let mut layer = match grid {
            Some(cell) => geom::difference(&squared_off(&acc, cell), &keep_out[j]),
            None => geom::difference(&acc, &keep_out[j]),
        };
        if !shadow.is_empty() {
            layer = geom::difference(&layer, &shadow);
        }
        store[j] = layer;
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
    let gap_layers = gap_layers(plan, s);
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
        let r = regions(&layers, &SupportMarks::default(), &plan, &s);
        // Under the arms, down to the bed, kept 0.6 mm from the pillar.
        let a0 = geom::total_area(&r[0].0);
        let expect = 2.0 * (10_000.0 - 600.0) * 10_000.0;
        assert!((a0 - expect).abs() / expect < 0.02, "{a0} vs {expect}");
        // No support above the overhang's contact gap, none under the pillar's top.
        assert!(r[30].0.is_empty() && r[30].1.is_empty());
        // The top layers under the arms are interface.
        assert!(geom::total_area(&r[23].1) > 0.0);
        assert!(geom::total_area(&r[10].1) == 0.0);
        s.support_material_buildplate_only = true;
        let r = regions(&layers, &SupportMarks::default(), &plan, &s);
        assert!(geom::total_area(&r[0].0) > 0.0);
    }

    #[test]
    fn tall_branches_get_a_brim_on_the_bed() {
        // The T's arms stand 15 mm up on branches 2–3 mm wide: not tall enough for the
        // automatic brim; asked for, every foot gets loops out to the brim width.
        let mut m = crate::engine::model::shapes::shape("overhang").unwrap();
        crate::engine::mesh::repair(&mut m);
        let plan = plan_layers(19.0, 0.2, 0.2);
        let mut s = Settings {
            support_material: true,
            support_material_style: SupportStyle::Organic,
            ..Default::default()
        };
        let sliced = crate::engine::layers::slice_object(&m, &plan, &s);
        let first_layer = |s: &Settings| -> f64 {
            generate(&sliced, &plan, s)[0]
                .iter()
                .map(|e| match e {
                    Extrusion::Loop(l) => l.paths.iter().map(|p| p.length()).sum(),
                    Extrusion::Path(p) => p.length(),
                    _ => 0.0,
                })
                .sum()
        };
        let auto = first_layer(&s);
        s.tree_support_brim_width = 0.0;
        assert_eq!(first_layer(&s), auto);
        s.tree_support_brim_width = 3.0;
        s.tree_support_auto_brim = false;
        let all = first_layer(&s);
        assert!(all > 3.0 * auto, "{all} vs {auto}");
    }

    #[test]
    fn bridges_are_left_unsupported_unless_asked() {
        // Two 5 mm pillars 20 mm apart up to 5 mm, a deck across them.
        let plan = plan_layers(7.0, 0.2, 0.2);
        let layers: Vec<Vec<ExPolygon>> = plan
            .iter()
            .map(|l| {
                if l.print_z <= 5.0 {
                    vec![rect(0, 5_000), rect(25_000, 30_000)]
                } else {
                    vec![rect(0, 30_000)]
                }
            })
            .collect();
        let mut s = Settings {
            support_material: true,
            ..Default::default()
        };
        let none = SupportMarks::default();
        assert!(s.dont_support_bridges);
        assert!(regions(&layers, &none, &plan, &s)[0].0.is_empty());
        s.dont_support_bridges = false;
        let a = geom::total_area(&regions(&layers, &none, &plan, &s)[0].0);
        assert!(a > 0.8 * 20_000.0 * 10_000.0, "{a}");
    }

    #[test]
    fn a_bridge_is_held_up_where_its_lines_would_end_in_the_air() {
        // The same pillars, 10 mm deep, under a deck 20 mm deep: bridge lines across the
        // deck's back half have nothing under either end. Support holds up a band along the
        // deck's sides there, not the span between the pillars, nor the back edge (parallel
        // to the bridge, like the front).
        let plan = plan_layers(7.0, 0.2, 0.2);
        let layers: Vec<Vec<ExPolygon>> = plan
            .iter()
            .map(|l| {
                if l.print_z <= 5.0 {
                    vec![
                        ExPolygon::rect(0, 0, 5_000, 10_000),
                        ExPolygon::rect(25_000, 0, 30_000, 10_000),
                    ]
                } else {
                    vec![ExPolygon::rect(0, 0, 30_000, 20_000)]
                }
            })
            .collect();
        let s = Settings {
            support_material: true,
            ..Default::default()
        };
        let body = &regions(&layers, &SupportMarks::default(), &plan, &s)[0].0;
        let area_in = |x0, y0, x1, y1| {
            geom::total_area(&geom::intersection(
                body,
                &[ExPolygon::rect(x0, y0, x1, y1)],
            ))
        };
        // Beside each side from the pillar's back to the deck's back, about 1.5 mm deep.
        for x in [(0, 2_000), (28_000, 30_000)] {
            let a = area_in(x.0, 11_000, x.1, 19_000);
            assert!(a > 0.5 * 1_500.0 * 8_000.0, "{x:?}: {a}");
        }
        assert_eq!(area_in(3_000, 0, 27_000, 9_000), 0.0);
        assert_eq!(area_in(3_000, 9_000, 27_000, 20_000), 0.0);
    }

    #[test]
    fn grid_squares_the_support_off_to_the_pattern_grid() {
        // A round overhang (a 9 mm disc over a 3 mm stem): grid support covers every 2.5 mm
        // square the snug one touches, so it is larger, and its outline runs on the grid
        // (away from the stem's XY gap).
        let plan = plan_layers(6.0, 0.2, 0.2);
        let disc = crate::engine::geom::Polygon::circle((20_000.0, 20_000.0), 9_000.0, 48);
        let layers: Vec<Vec<ExPolygon>> = plan
            .iter()
            .map(|l| {
                vec![if l.print_z <= 3.0 {
                    ExPolygon::rect(18_500, 18_500, 21_500, 21_500)
                } else {
                    ExPolygon::new(disc.clone())
                }]
            })
            .collect();
        let mut s = Settings {
            support_material: true,
            support_material_style: SupportStyle::Snug,
            ..Default::default()
        };
        let snug = regions(&layers, &SupportMarks::default(), &plan, &s);
        s.support_material_style = SupportStyle::Grid;
        let grid = regions(&layers, &SupportMarks::default(), &plan, &s);
        let (a_snug, a_grid) = (geom::total_area(&snug[0].0), geom::total_area(&grid[0].0));
        assert!(a_grid > a_snug * 1.05, "grid {a_grid} vs snug {a_snug}");
        let outer = grid[0]
            .0
            .iter()
            .max_by(|a, b| a.area().total_cmp(&b.area()))
            .unwrap();
        assert!(
            outer
                .contour
                .points
                .iter()
                .all(|p| p.x % 2_500 == 0 && p.y % 2_500 == 0)
        );
    }

    #[test]
    fn snug_support_holds_up_a_gentle_slope() {
        // The overhang test's 50°–70° ledges: each layer overhangs the one below by a thin
        // strip that the XY gap alone would eat; closed into one area they get lines.
        let mut m = crate::engine::model::shapes::shape("overhang-test").unwrap();
        crate::engine::mesh::repair(&mut m);
        let top = m.bounds().unwrap().max.z;
        let plan = plan_layers(top, 0.2, 0.2);
        let s = Settings {
            support_material: true,
            support_material_style: SupportStyle::Snug,
            ..Default::default()
        };
        let sliced = crate::engine::layers::slice_object(&m, &plan, &s);
        // How wide the support is 10 layers up.
        let widest = |s: &Settings| {
            regions(&sliced.layers, &SupportMarks::default(), &plan, s)[10]
                .0
                .iter()
                .map(|e| e.bounding_box().size().x)
                .max()
                .unwrap_or(0)
        };
        let widest_closed = widest(&s);
        assert!(
            widest_closed > 3_000,
            "support 10 layers up is {widest_closed} wide"
        );
        let paths = generate(&sliced, &plan, &s);
        assert!(paths.iter().filter(|l| !l.is_empty()).count() > 20);
        let open = Settings {
            support_material_closing_radius: 0.0,
            ..s.clone()
        };
        let widest_open = widest(&open);
        assert!(widest_open < 1_000, "without closing: {widest_open}");
    }
}
