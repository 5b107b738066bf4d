//! Which parts of each layer's fill area are solid and which sparse. A point is solid when
//! the model is open within `top_solid_layers` above it or `bottom_solid_layers` below it;
//! the topmost of those is a top surface, and a surface over air is a bridge (anchored a
//! little into the supported area around it). Solid infill laid straight onto sparse infill
//! is an internal bridge: it spans the gaps between the sparse lines below.

use super::{Island, LayerFlows};
use crate::engine::geom::{self, ExPolygon, Join};
use crate::engine::par;
use crate::engine::settings::{IroningType, Settings};
use crate::engine::units::{Coord, scaled};

/// How far a bridge reaches into the supported area around it (mm).
const BRIDGE_ANCHOR: f64 = 1.5;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surfaces {
    /// Exposed from above: printed with the top pattern and width.
    pub top: Vec<ExPolygon>,
    /// Inner solid layers (under tops, over bottoms).
    pub solid: Vec<ExPolygon>,
    /// Over air.
    pub bridge: Vec<ExPolygon>,
    /// Solid infill over the layer below's sparse infill.
    pub internal_bridge: Vec<ExPolygon>,
    pub sparse: Vec<ExPolygon>,
    /// Sparse infill printed here for this layer and the ones below it at once
    /// (`infill_every_layers`), as thick as they are together.
    pub combined: Vec<ExPolygon>,
    /// That thickness (mm).
    pub combined_height: f64,
}

/// Combines sparse infill over `infill_every_layers` layers, as PrusaSlicer does: layers
/// (above the first) go in groups no thicker than the nozzle is wide; the sparse area common
/// to a group is printed once, on its top layer, as thick as the group, and taken (with half
/// a wall's clearance) out of every layer of the group.
pub fn combine_infill(surfaces: &mut [Surfaces], heights: &[f64], s: &Settings) {
    let every = s.infill_every_layers.max(1) as usize;
    if every < 2 || s.fill_density <= 0.0 || surfaces.len() < 3 {
        return;
    }
    // Each group's top layer and its size.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let (mut height, mut count) = (0.0, 0usize);
    for (i, h) in heights.iter().enumerate().skip(1).take(surfaces.len() - 1) {
        if count > 0 && (height + h >= s.nozzle_diameter + 1e-6 || count >= every) {
            groups.push((i - 1, count));
            (height, count) = (0.0, 0);
        }
        height += h;
        count += 1;
    }
    if count > 0 {
        groups.push((surfaces.len() - 1, count));
    }
    let clearance = scaled(0.5 * LayerFlows::new(s, s.layer_height, false).perimeter.width);
    let updates: Vec<Option<(usize, Vec<ExPolygon>, f64)>> = par::map(&groups, |_, &(top, n)| {
        if n < 2 {
            return None;
        }
        let first = top + 1 - n;
        let mut common = surfaces[first].sparse.clone();
        for layer in &surfaces[first + 1..=top] {
            if common.is_empty() {
                break;
            }
            common = geom::intersection(&common, &layer.sparse);
        }
        let min_area = (scaled(1.0) as f64).powi(2);
        common.retain(|r| r.area() > min_area);
        if common.is_empty() {
            return None;
        }
        Some((first, common, heights[first..=top].iter().sum()))
    });
    for (&(top, _), update) in groups.iter().zip(updates) {
        let Some((first, common, height)) = update else {
            continue;
        };
        let cleared = geom::offset(&common, clearance, Join::Miter);
        for layer in &mut surfaces[first..=top] {
            layer.sparse = geom::difference(&layer.sparse, &cleared);
        }
        surfaces[top].combined = common;
        surfaces[top].combined_height = height;
    }
}

/// How far a top surface grows into the covered fill area around it (mm).
const TOP_MARGIN: f64 = 3.0;

/// Internal bridges smaller than this (mm²) are printed as ordinary solid infill.
const MIN_INTERNAL_BRIDGE_AREA: f64 = 4.0;

fn intersect_all<'a>(
    mut layers: impl Iterator<Item = Option<&'a Vec<ExPolygon>>>,
) -> Vec<ExPolygon> {
    let Some(Some(first)) = layers.next() else {
        return Vec::new();
    };
    let mut acc = first.clone();
    for l in layers {
        match l {
            Some(l) if !acc.is_empty() => acc = geom::intersection(&acc, l),
            _ => return Vec::new(),
        }
    }
    acc
}

pub fn classify(slices: &[Vec<ExPolygon>], islands: &[Vec<Island>], s: &Settings) -> Vec<Surfaces> {
    let n = slices.len();
    let top = s.top_solid_layers as usize;
    let bottom = s.bottom_solid_layers as usize;
    let flows = LayerFlows::new(s, s.layer_height, false);
    let margin = scaled(3.0 * flows.solid_infill.width);
    let line_distance = scaled(flows.infill.spacing() / (s.fill_density / 100.0).max(0.01));
    let at = |i: isize| -> Option<&Vec<ExPolygon>> {
        if i < 0 || i as usize >= n {
            None
        } else {
            Some(&slices[i as usize])
        }
    };
    let fills: Vec<Vec<ExPolygon>> = islands
        .iter()
        .map(|isl| {
            isl.iter()
                .flat_map(|x| x.fill_area.iter().cloned())
                .collect()
        })
        .collect();
    // Each layer's top surface: what the layer above leaves open, grown into the fill area
    // around it by `TOP_MARGIN` (PrusaSlicer's EXTERNAL_INFILL_MARGIN), so that the skin
    // reaches under whatever stands on it and small or narrow covered parts are not left
    // as islands of sparse infill.
    let tops = par::map(&fills, |i, fill| {
        if top == 0 || fill.is_empty() {
            return Vec::new();
        }
        let open = match at(i as isize + 1) {
            Some(above) => geom::difference(fill, above),
            None => return fill.clone(),
        };
        if open.is_empty() {
            return open;
        }
        geom::intersection(&geom::offset(&open, scaled(TOP_MARGIN), Join::Miter), fill)
    });
    let surfaces = par::map(&fills, |i, fill| {
        if fill.is_empty() {
            return Surfaces::default();
        }
        let i = i as isize;
        let covered_above = intersect_all((1..=top as isize).map(|k| at(i + k)));
        let covered_below = intersect_all((1..=bottom as isize).map(|k| at(i - k)));
        let mut solid_zone = Vec::new();
        if top > 0 {
            solid_zone.extend(geom::difference(fill, &covered_above));
            // The skin under the grown top surfaces of the layers above.
            let above = (i as usize + 1)..(i as usize + top).min(n);
            for grown in tops[above].iter().filter(|t| !t.is_empty()) {
                solid_zone.extend(geom::intersection(grown, fill));
            }
        }
        if bottom > 0 {
            solid_zone.extend(geom::difference(fill, &covered_below));
        }
        let top_surface = tops[i as usize].clone();
        let bridge = match at(i - 1) {
            Some(below) if i > 0 => {
                let air = geom::difference(fill, below);
                if air.is_empty() {
                    air
                } else {
                    geom::intersection(
                        &geom::offset(&air, scaled(BRIDGE_ANCHOR), Join::Miter),
                        fill,
                    )
                }
            }
            _ => Vec::new(),
        };
        let top_surface = geom::difference(&top_surface, &bridge);
        let mut claimed = bridge.clone();
        claimed.extend(top_surface.iter().cloned());
        let mut solid = geom::difference(&geom::union_ex(&solid_zone), &claimed);
        // Solid regions too narrow to hold their lines grow into the sparse area around them,
        // so shells under top surfaces have no holes.
        let too_narrow = geom::difference(
            &solid,
            &geom::offset2(&solid, -margin, margin + 10, Join::Miter),
        );
        if !too_narrow.is_empty() {
            let mut free = geom::difference(fill, &claimed);
            free = geom::intersection(&geom::offset(&too_narrow, margin, Join::Miter), &free);
            solid.extend(free);
            solid = geom::union_ex(&solid);
        }
        claimed.extend(solid.iter().cloned());
        let rest = geom::difference(fill, &claimed);
        let (sparse, small) = split_sparse(rest, line_distance, s);
        if !small.is_empty() {
            solid.extend(small);
            solid = geom::union_ex(&solid);
        }
        Surfaces {
            top: top_surface,
            solid,
            bridge,
            internal_bridge: Vec::new(),
            sparse,
            ..Default::default()
        }
    });
    // A bridge thread sags into the layers below it: solid infill bridges only where the
    // layers within a thread's thickness below are all sparse (PrusaSlicer's rule);
    // over a thinner sparse band it is printed as ordinary solid infill.
    let depth = ((flows.bridge.height / s.layer_height) + 1e-6)
        .floor()
        .max(1.0) as usize;
    par::map(&surfaces, |i, here| {
        let mut here = here.clone();
        if i < depth || here.solid.is_empty() {
            return here;
        }
        let below = intersect_all((1..=depth).map(|k| Some(&surfaces[i - k].sparse)));
        if below.is_empty() {
            return here;
        }
        let over: Vec<ExPolygon> = geom::intersection(&here.solid, &below)
            .into_iter()
            .filter(|r| r.area() >= MIN_INTERNAL_BRIDGE_AREA * 1e6)
            .collect();
        if !over.is_empty() {
            here.solid = geom::difference(&here.solid, &over);
            here.internal_bridge = over;
        }
        here
    })
}

/// The parts of a layer to iron (`ironing_type`): its top surfaces (what the layer above
/// leaves open, walls included; on the object's last layer only, for `topmost`), or every
/// solid surface; never a bridge, which ironing would tear. Kept half a nozzle inside the
/// layer's outline, as PrusaSlicer keeps them.
pub fn ironing_areas(
    slice: &[ExPolygon],
    upper: Option<&[ExPolygon]>,
    surfaces: &Surfaces,
    last: bool,
    s: &Settings,
) -> Vec<ExPolygon> {
    let open = || match upper {
        Some(u) => geom::difference(slice, u),
        None => slice.to_vec(),
    };
    let area = match s.ironing_type {
        IroningType::Top | IroningType::Topmost => {
            if s.top_solid_layers == 0 || (s.ironing_type == IroningType::Topmost && !last) {
                return Vec::new();
            }
            open()
        }
        IroningType::Solid => {
            let mut all = open();
            all.extend(surfaces.top.iter().cloned());
            all.extend(surfaces.solid.iter().cloned());
            geom::union_ex(&all)
        }
    };
    if area.is_empty() {
        return area;
    }
    let mut bridges = surfaces.bridge.clone();
    bridges.extend(surfaces.internal_bridge.iter().cloned());
    let inside = geom::offset(slice, -scaled(s.nozzle_diameter / 2.0), Join::Miter);
    geom::difference(&geom::intersection(&area, &inside), &bridges)
}

/// Sparse regions too small (`solid_infill_below_area`), and with `solid_infill_narrow_regions`
/// the parts narrower than the distance between sparse lines, are printed solid instead; with
/// 100% density all of it is solid. With 0% the regions stay sparse (and empty), so solid
/// layers over them are bridged.
fn split_sparse(
    rest: Vec<ExPolygon>,
    line_distance: Coord,
    s: &Settings,
) -> (Vec<ExPolygon>, Vec<ExPolygon>) {
    if rest.is_empty() || s.fill_density <= 0.0 {
        return (rest, Vec::new());
    }
    if s.fill_density >= 100.0 {
        return (Vec::new(), rest);
    }
    let min_area = s.solid_infill_below_area * 1e6;
    let (sparse, mut small): (Vec<ExPolygon>, Vec<ExPolygon>) =
        rest.into_iter().partition(|r| r.area() >= min_area);
    if !s.solid_infill_narrow_regions {
        return (sparse, small);
    }
    let wide = geom::offset2(&sparse, -line_distance / 2, line_distance / 2, Join::Miter);
    let wide = geom::intersection(&wide, &sparse);
    small.extend(geom::difference(&sparse, &wide));
    (wide, small)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: i64, s: i64) -> ExPolygon {
        ExPolygon::rect(x0, x0, x0 + s, x0 + s)
    }

    fn island(fill: ExPolygon) -> Vec<Island> {
        vec![Island {
            fill_area: vec![fill],
            ..Default::default()
        }]
    }

    #[test]
    fn box_has_solid_bottom_and_top_and_sparse_middle() {
        let s = Settings::default();
        let n = 20;
        let slices: Vec<Vec<ExPolygon>> = (0..n).map(|_| vec![square(0, 20_000)]).collect();
        let islands: Vec<Vec<Island>> = (0..n).map(|_| island(square(1000, 18_000))).collect();
        let surf = classify(&slices, &islands, &s);
        for (i, l) in surf.iter().enumerate() {
            let solid = geom::total_area(&l.solid)
                + geom::total_area(&l.top)
                + geom::total_area(&l.internal_bridge);
            let sparse = geom::total_area(&l.sparse);
            if i < 3 || i >= n - 3 {
                assert!(sparse == 0.0 && solid > 0.0, "layer {i} should be solid");
            } else {
                assert!(solid == 0.0 && sparse > 0.0, "layer {i} should be sparse");
            }
            // The first solid layer over sparse infill bridges it.
            assert_eq!(!l.internal_bridge.is_empty(), i == n - 3, "layer {i}");
            assert_eq!(geom::total_area(&l.top) > 0.0, i == n - 1, "layer {i}");
            assert!(l.bridge.is_empty());
        }
    }

    #[test]
    fn step_makes_a_bridge_and_a_top() {
        let s = Settings::default();
        // Layers 0-4 are a 10 mm square, 5-9 a 20 mm square over it.
        let slices: Vec<Vec<ExPolygon>> = (0..10)
            .map(|i| {
                vec![if i < 5 {
                    square(0, 10_000)
                } else {
                    square(0, 20_000)
                }]
            })
            .collect();
        let islands: Vec<Vec<Island>> = (0..10)
            .map(|i| {
                island(if i < 5 {
                    square(1000, 8_000)
                } else {
                    square(1000, 18_000)
                })
            })
            .collect();
        let surf = classify(&slices, &islands, &s);
        assert!(
            geom::total_area(&surf[5].bridge) > 200e6,
            "{}",
            geom::total_area(&surf[5].bridge)
        );
        // Layer 4's top surface: nothing, it is covered by the wider layer above.
        assert!(surf[4].top.is_empty());
    }

    /// A 30 × 20 mm plate, 10 layers, with a post standing on it from layer 10 to 19.
    fn plate_with_post(post: i64) -> (Vec<Vec<ExPolygon>>, Vec<Vec<Island>>) {
        let (x, y) = (15_000 - post / 2, 10_000 - post / 2);
        let post_outline = ExPolygon::rect(x, y, x + post, y + post);
        let post_fill = ExPolygon::rect(x + 1000, y + 1000, x + post - 1000, y + post - 1000);
        let slices = (0..20)
            .map(|i| {
                vec![if i < 10 {
                    ExPolygon::rect(0, 0, 30_000, 20_000)
                } else {
                    post_outline.clone()
                }]
            })
            .collect();
        let islands = (0..20)
            .map(|i| {
                island(if i < 10 {
                    ExPolygon::rect(1000, 1000, 29_000, 19_000)
                } else {
                    post_fill.clone()
                })
            })
            .collect();
        (slices, islands)
    }

    #[test]
    fn top_surface_reaches_three_millimetres_under_what_stands_on_it() {
        let s = Settings::default();
        // A 4 mm post: the skin closes under it (no island of sparse infill in the skin).
        let (slices, islands) = plate_with_post(4_000);
        let surf = classify(&slices, &islands, &s);
        for (i, l) in surf.iter().enumerate().take(10).skip(7) {
            assert!(l.sparse.is_empty(), "layer {i}: sparse under a 4 mm post");
        }
        assert!((geom::total_area(&surf[9].top) - 28e3 * 18e3).abs() < 1e6);
        // A 16 mm post: 3 mm under its edge is skin, its middle stays sparse.
        let (slices, islands) = plate_with_post(16_000);
        let surf = classify(&slices, &islands, &s);
        let sparse = geom::total_area(&surf[9].sparse) / 1e6;
        assert!(
            (sparse - 10.0 * 10.0).abs() < 2.0,
            "sparse under the post: {sparse} mm²"
        );
        assert!((geom::total_area(&surf[8].sparse) / 1e6 - sparse).abs() < 2.0);
    }

    #[test]
    fn solid_over_one_sparse_layer_is_not_a_bridge() {
        let s = Settings::default();
        // 3 bottom layers, then one sparse layer (3), then solid under the top: the layer
        // over the single sparse layer is ordinary solid infill (a bridge thread is two
        // layers thick and would sag into the bottom skin).
        let n = 7;
        let slices: Vec<Vec<ExPolygon>> = (0..n).map(|_| vec![square(0, 20_000)]).collect();
        let islands: Vec<Vec<Island>> = (0..n).map(|_| island(square(1000, 18_000))).collect();
        let surf = classify(&slices, &islands, &s);
        assert!(!surf[3].sparse.is_empty() && surf[2].sparse.is_empty());
        assert!(surf[4].internal_bridge.is_empty());
        assert!(!surf[4].solid.is_empty());
    }
}
