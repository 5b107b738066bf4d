//! Organic tree supports: branches that grow down from the overhangs, the way CuraEngine's
//! and PrusaSlicer's tree supports do. Tips are placed under each overhang (below its
//! interface layers); layer by layer downward each branch steps away from the model when it
//! comes within the XY gap, leans towards its nearest neighbour to merge with it, and
//! thickens. A branch ends on the bed, or on the model when support may stand on it (a Z
//! gap above it); a branch that would have to stand on the model when that is not allowed
//! is dropped, with every tip that fed it.
//!
//! Written here rather than taken from a crate: no Rust crate grows support trees.

use super::{contact_layer, gap_layers};
use crate::engine::geom::{self, EdgeIndex, ExPolygon, Join, Point, Polygon};
use crate::engine::layers::LayerZ;
use crate::engine::par;
use crate::engine::settings::Settings;
use crate::engine::toolpaths::LayerFlows;
use crate::engine::units::{Coord, scaled};
use std::collections::HashMap;

/// A branch between merges: where it is on the layer being built and how thick it is.
struct Node {
    pos: Point,
    /// Layers since its tip (the oldest of the branches merged into it).
    age: usize,
    /// Width beyond its age's radius, left by a merge (the merged branch covers both
    /// branches above it, then narrows at the branch angle).
    extra: f64,
    /// The node it merged into, if it did.
    into: Option<usize>,
    /// Where it ended: on the bed or on the model (true), or dropped (false).
    grounded: bool,
}

/// (body, interface) regions of every layer.
pub(super) fn tree_regions(
    slices: &[Vec<ExPolygon>],
    overhangs: &[Vec<ExPolygon>],
    plan: &[LayerZ],
    keep_out: &[Vec<ExPolygon>],
    s: &Settings,
) -> Vec<(Vec<ExPolygon>, Vec<ExPolygon>)> {
    let n = slices.len();
    let layer_h = plan.last().map_or(0.2, |l| l.height).max(0.01);
    let width = LayerFlows::new(s, layer_h, false).support.width;
    let gap_layers = gap_layers(plan, s);
    let xy = scaled(s.support_material_xy_spacing) as f64;
    let tip_r = scaled(s.support_tree_tip_diameter / 2.0) as f64;
    let branch_r = scaled(s.support_tree_branch_diameter / 2.0).max(1) as f64;
    // The tip widens to the branch diameter over as many layers as the branch is wide (a
    // 45° cone), then keeps widening at the diameter angle.
    let tip_layers = ((branch_r - tip_r).max(0.0) / scaled(layer_h) as f64).ceil() as usize;
    let widen = scaled(layer_h) as f64 * s.support_tree_branch_diameter_angle.to_radians().tan();
    let radius = |age: usize| {
        if age < tip_layers {
            tip_r + (branch_r - tip_r) * age as f64 / tip_layers as f64
        } else {
            branch_r.max(tip_r) + (age - tip_layers) as f64 * widen
        }
    };
    let fast = scaled(layer_h) as f64 * s.support_tree_angle.to_radians().tan();
    let slow = scaled(layer_h) as f64 * s.support_tree_angle_slow.to_radians().tan();
    // Tips: on a square grid whose spacing gives the branch density as lines of the
    // support's width would (CuraEngine's support_tree_top_rate), never closer than the
    // branch distance, plus the outline of each overhang.
    let spacing = scaled(
        (width * 100.0 / s.support_tree_top_rate + (s.support_tree_tip_diameter - width).max(0.0))
            .max(s.support_tree_branch_distance),
    );
    let interface_layers = s.support_material_interface_layers as usize;
    let mut interface: Vec<Vec<ExPolygon>> = vec![Vec::new(); n];
    let mut tips: Vec<Vec<Point>> = vec![Vec::new(); n];
    for (i, o) in overhangs.iter().enumerate() {
        if o.is_empty() {
            continue;
        }
        let Some(j) = contact_layer(plan, i, s) else {
            continue;
        };
        for k in 0..interface_layers.min(j + 1) {
            interface[j - k].extend(o.iter().cloned());
        }
        if j >= interface_layers {
            tips[j - interface_layers].extend(sample(o, spacing, scaled(width)));
        }
    }
    let interface: Vec<Vec<ExPolygon>> = par::map(&interface, |j, it| {
        if it.is_empty() {
            Vec::new()
        } else {
            geom::difference(&geom::union_ex(it), &keep_out[j])
        }
    });
    let models: Vec<EdgeIndex> = par::map(slices, |_, sl| EdgeIndex::from_regions(sl));
    let inside = |i: usize, p: Point| models[i].contains(p);
    // How far p is from the model on layer i (0 inside), searched out to `within`, and the
    // nearest point of its outline.
    let clearance = |i: usize, p: Point, within: f64| -> (f64, Option<Point>) {
        let near = models[i].nearest_edge(p, within.ceil() as Coord);
        if inside(i, p) {
            (0.0, near.map(|(q, _)| q))
        } else {
            near.map_or((within, None), |(q, d)| (d, Some(q)))
        }
    };

    let mut nodes: Vec<Node> = Vec::new();
    let mut active: Vec<usize> = Vec::new();
    // The circles of each layer: (node, centre, radius).
    let mut circles: Vec<Vec<(usize, Point, f64)>> = vec![Vec::new(); n];
    for i in (0..n).rev() {
        // New tips, where no branch already passes close by.
        let grid = Grid::new(&nodes, &active, spacing as f64);
        for &t in &tips[i] {
            let covered = grid
                .near(t, spacing as f64)
                .any(|k| nodes[k].pos.distance(t) < spacing as f64 * 0.5);
            if !covered && !inside(i, t) {
                active.push(nodes.len());
                nodes.push(Node {
                    pos: t,
                    age: 0,
                    extra: 0.0,
                    into: None,
                    grounded: false,
                });
            }
        }
        if active.is_empty() {
            continue;
        }
        // Step each branch: out of the model's way first, else towards its neighbour.
        // Two branches lean towards each other while they can still meet above the bed.
        let reach = (2.0 * slow * i as f64)
            .min(scaled(20.0) as f64)
            .max(4.0 * fast.max(branch_r));
        let grid = Grid::new(&nodes, &active, reach);
        let mut moves: Vec<Point> = Vec::with_capacity(active.len());
        for &k in &active {
            let node = &nodes[k];
            let r = radius(node.age);
            let need = xy + r;
            let (d, q) = clearance(i, node.pos, need + fast);
            let p = node.pos;
            let step = if d < need {
                // Away from the nearest outline point, as far as the fast angle allows.
                match q {
                    Some(q) => {
                        let (dx, dy) = ((p.x - q.x) as f64, (p.y - q.y) as f64);
                        let len = (dx * dx + dy * dy).sqrt().max(1.0);
                        let sign = if d == 0.0 { -1.0 } else { 1.0 };
                        let go = if d == 0.0 { len + need } else { need - d };
                        let go = go.min(fast);
                        (sign * dx / len * go, sign * dy / len * go)
                    }
                    None => (0.0, 0.0),
                }
            } else {
                // Towards the nearest other branch, at the slow angle, not into the model.
                let mut best: Option<(f64, Point)> = None;
                for o in grid.near(p, reach) {
                    if o == k {
                        continue;
                    }
                    let d2 = nodes[o].pos.distance(p);
                    if d2 <= reach && best.is_none_or(|(bd, _)| d2 < bd) {
                        best = Some((d2, nodes[o].pos));
                    }
                }
                match best {
                    Some((dist, o)) if dist > 0.0 => {
                        let go = slow.min(dist / 2.0);
                        let (dx, dy) = ((o.x - p.x) as f64, (o.y - p.y) as f64);
                        let cand = Point::new(
                            p.x + (dx / dist * go).round() as Coord,
                            p.y + (dy / dist * go).round() as Coord,
                        );
                        if clearance(i, cand, need).0 >= need {
                            ((cand.x - p.x) as f64, (cand.y - p.y) as f64)
                        } else {
                            (0.0, 0.0)
                        }
                    }
                    _ => (0.0, 0.0),
                }
            };
            moves.push(Point::new(
                p.x + step.0.round() as Coord,
                p.y + step.1.round() as Coord,
            ));
        }
        for (&k, &m) in active.iter().zip(&moves) {
            nodes[k].pos = m;
        }
        // Merge branches whose centres lie within the thicker one.
        let grid = Grid::new(&nodes, &active, 2.0 * branch_r.max(fast));
        let mut merged_away = vec![false; nodes.len()];
        let mut next_active: Vec<usize> = Vec::with_capacity(active.len());
        for &k in &active {
            if merged_away[k] {
                continue;
            }
            for o in grid.near(nodes[k].pos, 2.0 * branch_r.max(fast)) {
                if o == k || merged_away[o] || merged_away[k] {
                    continue;
                }
                let (a, b) = (&nodes[k], &nodes[o]);
                let (ra, rb) = (radius(a.age), radius(b.age));
                let dist = a.pos.distance(b.pos);
                if dist > ra + rb {
                    continue;
                }
                // The merged branch sits between them, weighted by their cross-sections.
                let (wa, wb) = (ra * ra, rb * rb);
                let pos = Point::new(
                    ((a.pos.x as f64 * wa + b.pos.x as f64 * wb) / (wa + wb)).round() as Coord,
                    ((a.pos.y as f64 * wa + b.pos.y as f64 * wb) / (wa + wb)).round() as Coord,
                );
                let age = a.age.max(b.age);
                // Wide enough to hold both (it is what they stand on).
                let hold = (dist + ra + rb) / 2.0
                    + pos.distance(Point::new((a.pos.x + b.pos.x) / 2, (a.pos.y + b.pos.y) / 2));
                let extra = (hold - radius(age)).max(0.0);
                let id = nodes.len();
                nodes.push(Node {
                    pos,
                    age,
                    extra,
                    into: None,
                    grounded: false,
                });
                merged_away.push(false);
                nodes[k].into = Some(id);
                nodes[o].into = Some(id);
                merged_away[k] = true;
                merged_away[o] = true;
                next_active.push(id);
            }
            if !merged_away[k] {
                next_active.push(k);
            }
        }
        // Lay this layer's circles; end the branches that reach the bed or the model.
        active.clear();
        for k in next_active {
            let (p, r) = (nodes[k].pos, radius(nodes[k].age) + nodes[k].extra);
            nodes[k].extra = (nodes[k].extra - 2.0 * fast).max(0.0);
            if inside(i, p) {
                // Walked into the model after all: it stands on what is below it.
                nodes[k].grounded = !s.support_material_buildplate_only;
                continue;
            }
            circles[i].push((k, p, r));
            let below = i.checked_sub(gap_layers + 1);
            if i == 0 {
                nodes[k].grounded = true;
            } else if below.is_some_and(|b| inside(b, p)) {
                // The model lies the Z gap below: the branch rests on it.
                nodes[k].grounded = !s.support_material_buildplate_only;
            } else {
                nodes[k].age += 1;
                active.push(k);
            }
        }
    }
    // A circle stays when the branch it belongs to ends well.
    let mut grounded: Vec<Option<bool>> = vec![None; nodes.len()];
    fn resolve(nodes: &[Node], memo: &mut [Option<bool>], k: usize) -> bool {
        if let Some(g) = memo[k] {
            return g;
        }
        let g = match nodes[k].into {
            Some(o) => resolve(nodes, memo, o),
            None => nodes[k].grounded,
        };
        memo[k] = Some(g);
        g
    }
    for k in 0..nodes.len() {
        resolve(&nodes, &mut grounded, k);
    }
    let body: Vec<Vec<ExPolygon>> = par::map(&circles, |i, cs| {
        let polys: Vec<Polygon> = cs
            .iter()
            .filter(|(k, _, _)| grounded[*k] == Some(true))
            .map(|&(_, p, r)| circle(p, r))
            .collect();
        if polys.is_empty() {
            return Vec::new();
        }
        // Clear of the model beside it (the XY gap) and below it (the Z gap: a branch
        // passing beside a ledge must not sit on it).
        let mut clear: Vec<ExPolygon> = keep_out[i].clone();
        for below in &slices[i.saturating_sub(gap_layers)..i] {
            clear.extend(below.iter().cloned());
        }
        clear.extend(interface[i].iter().cloned());
        geom::difference(&geom::union(&polys), &clear)
    });
    body.into_iter().zip(interface).collect()
}

/// Tip positions under overhang `regions`: a square grid of `spacing` inside each region, and
/// points `spacing` apart along its outline (inset by half the `width`), so that narrow
/// overhangs and edges get tips too.
fn sample(regions: &[ExPolygon], spacing: Coord, width: Coord) -> Vec<Point> {
    let mut out = Vec::new();
    for r in regions {
        let b = r.bounding_box();
        let mut y = b.min.y.div_euclid(spacing) * spacing;
        while y <= b.max.y {
            let mut x = b.min.x.div_euclid(spacing) * spacing;
            while x <= b.max.x {
                let p = Point::new(x, y);
                if r.contains(p) {
                    out.push(p);
                }
                x += spacing;
            }
            y += spacing;
        }
    }
    // Each region's outline inset by half a line, or the outline itself where the region is
    // too thin for that (a slope's strip).
    let edge_from: Vec<ExPolygon> = regions
        .iter()
        .flat_map(|r| {
            let inset = geom::offset(std::slice::from_ref(r), -width / 2, Join::Miter);
            if inset.is_empty() {
                vec![r.clone()]
            } else {
                inset
            }
        })
        .collect();
    let mut edge: Vec<Point> = Vec::new();
    for r in &edge_from {
        for poly in r.polygons() {
            let pl = poly.to_polyline_from(0);
            let mut walked = 0.0;
            let mut next = 0.0;
            for w in pl.points.windows(2) {
                let len = w[0].distance(w[1]);
                while next <= walked + len {
                    let t = if len > 0.0 {
                        (next - walked) / len
                    } else {
                        0.0
                    };
                    edge.push(Point::new(
                        w[0].x + ((w[1].x - w[0].x) as f64 * t).round() as Coord,
                        w[0].y + ((w[1].y - w[0].y) as f64 * t).round() as Coord,
                    ));
                    next += spacing as f64;
                }
                walked += len;
            }
        }
    }
    // Grid points too close to the outline's tips give way to them.
    let half = spacing as f64 * 0.5;
    out.retain(|p| edge.iter().all(|e| e.distance(*p) >= half));
    out.extend(edge);
    out
}

/// A branch's cross-section: a polygon around `c` of radius `r`, its sides about 0.15 mm
/// apart.
fn circle(c: Point, r: f64) -> Polygon {
    let sides = ((r / 150.0).ceil() as usize).clamp(8, 32);
    Polygon::circle((c.x as f64, c.y as f64), r, sides)
}

/// The active branches bucketed by position, for neighbour queries.
struct Grid {
    cell: f64,
    buckets: HashMap<(i64, i64), Vec<usize>>,
}

impl Grid {
    fn new(nodes: &[Node], active: &[usize], cell: f64) -> Self {
        let cell = cell.max(1.0);
        let mut buckets: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for &k in active {
            let p = nodes[k].pos;
            buckets
                .entry((
                    (p.x as f64 / cell).floor() as i64,
                    (p.y as f64 / cell).floor() as i64,
                ))
                .or_default()
                .push(k);
        }
        Grid { cell, buckets }
    }

    /// The branches in the cells within `reach` of `p`.
    fn near(&self, p: Point, reach: f64) -> impl Iterator<Item = usize> + '_ {
        let span = (reach / self.cell).ceil() as i64;
        let (cx, cy) = (
            (p.x as f64 / self.cell).floor() as i64,
            (p.y as f64 / self.cell).floor() as i64,
        );
        (cx - span..=cx + span).flat_map(move |x| {
            (cy - span..=cy + span)
                .filter_map(move |y| self.buckets.get(&(x, y)))
                .flatten()
                .copied()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::plan_layers;
    use crate::engine::settings::SupportStyle;

    /// The overhangs automatic supports hold up.
    fn auto(layers: &[Vec<ExPolygon>], plan: &[LayerZ], s: &Settings) -> Vec<Vec<ExPolygon>> {
        super::super::overhangs(layers, &Default::default(), plan, s)
    }

    /// A T: a 10 mm pillar up to 5 mm, then a 50 mm wide top, 10 mm deep; and a shelf 3 mm
    /// high under the right arm's end when `shelf`.
    fn t_shape(plan: &[LayerZ], shelf: bool) -> Vec<Vec<ExPolygon>> {
        plan.iter()
            .map(|l| {
                let mut v = vec![if l.print_z <= 5.0 {
                    ExPolygon::rect(20_000, 0, 30_000, 10_000)
                } else {
                    ExPolygon::rect(0, 0, 50_000, 10_000)
                }];
                if shelf && l.print_z <= 3.0 {
                    v.push(ExPolygon::rect(40_000, 0, 50_000, 10_000));
                }
                v
            })
            .collect()
    }

    fn organic() -> Settings {
        Settings {
            support_material: true,
            support_material_style: SupportStyle::Organic,
            ..Default::default()
        }
    }

    fn keep_out(layers: &[Vec<ExPolygon>], s: &Settings) -> Vec<Vec<ExPolygon>> {
        layers
            .iter()
            .map(|l| geom::offset(l, scaled(s.support_material_xy_spacing), Join::Miter))
            .collect()
    }

    #[test]
    fn branches_stand_on_the_bed_under_both_arms_and_keep_clear_of_the_model() {
        let plan = plan_layers(10.0, 0.2, 0.2);
        let layers = t_shape(&plan, false);
        let s = organic();
        let ko = keep_out(&layers, &s);
        let regions = tree_regions(&layers, &auto(&layers, &plan, &s), &plan, &ko, &s);
        // The overhang is the top's first layer (5.2 mm); its contact layer the one below
        // the Z gap; the two interface layers under it are the whole overhang.
        let interface: f64 = regions.iter().map(|r| geom::total_area(&r.1)).sum();
        assert!(
            interface > 2.0 * 2.0 * 19_000.0 * 10_000.0 * 0.9,
            "{interface}"
        );
        // Branches on the bed under each arm, none under the pillar.
        let bed = &regions[0].0;
        let left = geom::intersection(bed, &[ExPolygon::rect(0, -5_000, 19_000, 15_000)]);
        let right = geom::intersection(bed, &[ExPolygon::rect(31_000, -5_000, 50_000, 15_000)]);
        assert!(geom::total_area(&left) > 0.0 && geom::total_area(&right) > 0.0);
        // Nothing within the XY gap of the model, on any layer.
        for (i, (body, _)) in regions.iter().enumerate() {
            let inner = geom::offset(&layers[i], scaled(0.55), Join::Miter);
            assert_eq!(
                geom::total_area(&geom::intersection(body, &inner)),
                0.0,
                "layer {i}"
            );
        }
        // Every layer between the bed and the tips has branches (they are continuous).
        let top = regions.iter().rposition(|r| !r.0.is_empty()).unwrap();
        assert!(top >= 20, "{top}");
        assert!(regions[..=top].iter().all(|r| !r.0.is_empty()));
        // Much less than the snug support's area: branches, not columns.
        let tree: f64 = regions.iter().map(|r| geom::total_area(&r.0)).sum();
        let snug_s = Settings {
            support_material_style: SupportStyle::Snug,
            ..s.clone()
        };
        let snug = super::super::support_regions(
            &layers,
            &auto(&layers, &plan, &snug_s),
            &[],
            &plan,
            &ko,
            &snug_s,
        );
        let columns: f64 = snug.iter().map(|r| geom::total_area(&r.0)).sum();
        assert!(tree < columns * 0.5, "tree {tree} vs snug {columns}");
    }

    #[test]
    fn branches_rest_on_the_model_only_where_allowed() {
        let plan = plan_layers(10.0, 0.2, 0.2);
        let layers = t_shape(&plan, true);
        let mut s = organic();
        let ko = keep_out(&layers, &s);
        // The shelf's top, 1 mm in from its edges (a branch passing beside the shelf may
        // reach over its edge).
        let over_shelf = [ExPolygon::rect(41_000, 1_000, 49_000, 9_000)];
        let area_over_shelf = |regions: &[(Vec<ExPolygon>, Vec<ExPolygon>)], i: usize| {
            geom::total_area(&geom::intersection(&regions[i].0, &over_shelf))
        };
        // Standing on the shelf (top at 3 mm): branches above it end a Z gap above it.
        let regions = tree_regions(&layers, &auto(&layers, &plan, &s), &plan, &ko, &s);
        // (Layer 14 is the shelf's top, 2.8–3.0 mm; layer 15 the Z gap; 16 the branch's foot.)
        assert!(area_over_shelf(&regions, 16) > 0.0);
        assert_eq!(area_over_shelf(&regions, 15), 0.0);
        // From the bed only: no branch stands on the shelf, the rest still there.
        s.support_material_buildplate_only = true;
        let regions = tree_regions(&layers, &auto(&layers, &plan, &s), &plan, &ko, &s);
        assert!((15..20).all(|i| area_over_shelf(&regions, i) == 0.0));
        let left = geom::intersection(&regions[0].0, &[ExPolygon::rect(0, -5_000, 19_000, 15_000)]);
        assert!(geom::total_area(&left) > 0.0);
    }

    #[test]
    fn tips_cover_a_narrow_overhang() {
        // A 1.2 mm wide strip gets tips along it though no grid point falls inside.
        let strip = [ExPolygon::rect(100, 100, 30_100, 1_300)];
        let tips = sample(&strip, 3_000, 400);
        assert!(tips.len() >= 10, "{}", tips.len());
        assert!(tips.iter().all(|&p| strip[0].contains(p)));
        // A strip thinner than a line (a slope's) gets tips beside a wide overhang on the
        // same layer too.
        let thin = ExPolygon::rect(100, 100, 30_100, 400);
        let both = [thin.clone(), ExPolygon::rect(0, 10_000, 30_000, 40_000)];
        let on_strip = sample(&both, 3_000, 400)
            .into_iter()
            .filter(|&p| thin.contains(p))
            .count();
        assert!(on_strip >= 10, "{on_strip}");
    }

    #[test]
    fn settings_at_the_ends_of_their_ranges_slice() {
        let plan = plan_layers(10.0, 0.2, 0.2);
        let layers = t_shape(&plan, true);
        for (angle, diameter, tip, rate, distance, widen) in [
            (85.0, 100.0, 100.0, 1.0, 50.0, 15.0),
            (0.0, 0.1, 0.1, 100.0, 0.1, 0.0),
        ] {
            let s = Settings {
                support_tree_angle: angle,
                support_tree_angle_slow: angle,
                support_tree_branch_diameter: diameter,
                support_tree_tip_diameter: tip,
                support_tree_top_rate: rate,
                support_tree_branch_distance: distance,
                support_tree_branch_diameter_angle: widen,
                ..organic()
            };
            let ko = keep_out(&layers, &s);
            let regions = tree_regions(&layers, &auto(&layers, &plan, &s), &plan, &ko, &s);
            assert_eq!(regions.len(), plan.len());
        }
    }
}
