//! Findings after slicing: what will likely print badly, each pointing at the layers where it
//! happens so the preview can show them. Overhangs with nothing under them (supports off),
//! features thinner than the thinnest line the walls make (left out), tiny islands, layers
//! quicker than the minimum layer time, and lines printed far out over air.

use super::{area_mm2, narrower_than, over_air};
use crate::engine::geom::{self, BoundingBox, ExPolygon, Join, Point, Polygon};
use crate::engine::layers::{LayerZ, SlicedObject};
use crate::engine::settings::format_float as num;
use crate::engine::settings::{PerimeterGenerator, Settings};
use crate::engine::toolpaths::LayerFlows;
use crate::engine::units::scaled;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    Overhang,
    ThinDropped,
    TinyIslands,
    LayerTime,
    FarOverAir,
    /// Spiral vase with more than one outline on a layer.
    VaseOutlines,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub kind: Kind,
    /// The print layers (indices as in the preview, from 0) where it happens.
    pub first: usize,
    pub last: usize,
    /// The layer to look at first (the worst).
    pub worst: usize,
    pub text: String,
}

/// Overhang area (mm²) over a whole object below which nothing is said.
const OVERHANG_MM2: f64 = 25.0;
/// An island smaller than this (mm²) is tiny: about a 1 mm circle.
const TINY_MM2: f64 = 0.8;
/// Lines further than this (mm) from anything below are called out.
const FAR_MM: f64 = 10.0;

/// Layer range text, 1-based as the preview shows it.
fn layers_text(first: usize, last: usize) -> String {
    if first == last {
        format!("Layer {}", first + 1)
    } else {
        format!("Layers {}–{}", first + 1, last + 1)
    }
}

/// Gathers per-layer amounts into one finding: the layers where `amount > floor` give the
/// range and the worst layer; the total is of every layer, so that it agrees with Advice's
/// figure for the same model.
fn gather(amounts: &[f64], floor: f64, offset: usize) -> Option<(usize, usize, usize, f64, usize)> {
    let hits: Vec<usize> = (0..amounts.len()).filter(|&i| amounts[i] > floor).collect();
    let (&first, &last) = (hits.first()?, hits.last()?);
    let worst = hits
        .iter()
        .copied()
        .max_by(|&a, &b| amounts[a].total_cmp(&amounts[b]))?;
    let total: f64 = amounts.iter().sum();
    Some((
        first + offset,
        last + offset,
        worst + offset,
        total,
        hits.len(),
    ))
}

fn rect(b: &BoundingBox) -> ExPolygon {
    ExPolygon::new(Polygon::new(vec![
        b.min,
        Point::new(b.max.x, b.min.y),
        b.max,
        Point::new(b.min.x, b.max.y),
    ]))
}

/// How far (mm, up to `cap`) a region reaches from the nearest part of `below`; 0 when it
/// stays within `FAR_MM`.
fn reach(region: &ExPolygon, below: &[ExPolygon], cap: f64) -> f64 {
    let near =
        |d: f64| geom::intersection(below, &[rect(&region.bounding_box().inflated(scaled(d)))]);
    let covered = |near: &[ExPolygon], d: f64| {
        area_mm2(&geom::difference(
            std::slice::from_ref(region),
            &geom::offset(near, scaled(d), Join::Miter),
        )) < 0.05
    };
    if covered(&near(FAR_MM), FAR_MM) {
        return 0.0;
    }
    let wide = near(cap);
    let (mut lo, mut hi) = (FAR_MM, cap);
    if !covered(&wide, hi) {
        return cap;
    }
    while hi - lo > 0.5 {
        let mid = (lo + hi) / 2.0;
        if covered(&wide, mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The outline detail the findings look at (mm).
const CHECK_RESOLUTION: f64 = 0.05;

/// Findings in one sliced object, on its own `plan`, whose layer 0 is print layer `offset`
/// (a raft goes first).
pub fn in_object(
    name: &str,
    sliced: &SlicedObject,
    plan: &[LayerZ],
    offset: usize,
    s: &Settings,
) -> Vec<Finding> {
    let slices: &[Vec<ExPolygon>] = &sliced.layers;
    let marks = &sliced.marks;
    let mut out = Vec::new();
    let n = slices.len().min(plan.len());
    // Findings speak of square millimetres and millimetres: measured on outlines simplified
    // to a twentieth of a millimetre, their cost follows the size of the part, not the
    // density of its mesh.
    let simple: Vec<Vec<ExPolygon>> = crate::engine::par::map(&slices[..n], |_, l| {
        geom::simplify_polygons(l, scaled(CHECK_RESOLUTION))
    });
    let slices = &simple[..];
    let flows = LayerFlows::new(s, s.layer_height, false);
    // Overhangs support will not hold up: with automatic supports, those under blockers;
    // else all but the enforced ones (blocked ones never are).
    let auto = s.support_material && s.support_material_auto;
    if !auto || !marks.blockers.is_empty() {
        let mut air = over_air(
            slices,
            plan,
            s.support_material_threshold,
            flows.external_perimeter.width,
        );
        if !marks.is_empty() || auto {
            let none = Vec::new();
            for (i, (o, _)) in air.iter_mut().enumerate() {
                let blocked = marks.blockers.get(i).unwrap_or(&none);
                let enforced = marks.enforcers.get(i).unwrap_or(&none);
                *o = if auto {
                    geom::intersection(o, blocked)
                } else {
                    let mut left = geom::difference(o, enforced);
                    left.extend(geom::intersection(o, blocked));
                    geom::union_ex(&left)
                };
            }
        }
        let areas: Vec<f64> = air.iter().map(|(o, _)| area_mm2(o)).collect();
        if areas.iter().sum::<f64>() > OVERHANG_MM2
            && let Some((first, last, worst, total, _)) = gather(&areas, 0.5, offset)
        {
            out.push(Finding {
                kind: Kind::Overhang,
                first,
                last,
                worst,
                text: format!(
                    "{}: {name} has {total:.0} mm² of overhang steeper than {}° with nothing under it (worst at layer {}). {}",
                    layers_text(first, last),
                    num(s.support_material_threshold),
                    worst + 1,
                    if auto {
                        "Support is blocked there: remove the blocker paint or volume, or reorient it."
                    } else {
                        "Turn on supports, paint support enforcers there, or reorient it."
                    }
                ),
            });
        }
    }
    if !s.support_material && marks.enforcers.is_empty() {
        let air = over_air(
            slices,
            plan,
            s.support_material_threshold,
            flows.external_perimeter.width,
        );
        // How far out over air each layer prints, bridges included.
        let far: Vec<f64> = crate::engine::par::map(&air, |i, (o, b)| {
            o.iter()
                .chain(b)
                .filter(|r| area_mm2(std::slice::from_ref(*r)) > 2.0)
                .map(|r| reach(r, &slices[i - 1], 50.0))
                .fold(0.0, f64::max)
        });
        if let Some((first, last, worst, _, _)) = gather(&far, 0.0, offset) {
            let d = far[worst - offset];
            out.push(Finding {
                kind: Kind::FarOverAir,
                first,
                last,
                worst,
                text: format!(
                    "{}: {name} prints lines up to {}{d:.0} mm from anything below them (a long bridge or a wide overhang); they will sag. Add supports or reorient.",
                    layers_text(first, last),
                    if d >= 50.0 { "over " } else { "" },
                ),
            });
        }
    }
    // Thinner than the thinnest line the walls make: left out.
    let variable = s.perimeter_generator == PerimeterGenerator::Arachne && s.perimeters > 0;
    let thinnest = if variable {
        s.min_feature_size / 100.0 * s.nozzle_diameter
    } else if s.thin_walls {
        s.nozzle_diameter / 3.0
    } else {
        flows.external_perimeter.width
    };
    let dropped: Vec<f64> =
        crate::engine::par::map(slices, |_, l| area_mm2(&narrower_than(l, thinnest)));
    if dropped.iter().sum::<f64>() > 1.0
        && let Some((first, last, worst, total, _)) = gather(&dropped, 0.05, offset)
    {
        out.push(Finding {
            kind: Kind::ThinDropped,
            first,
            last,
            worst,
            text: format!(
                "{}: {total:.1} mm² of {name} is thinner than {} mm and is left out{}.",
                layers_text(first, last),
                num((thinnest * 100.0).round() / 100.0),
                if variable {
                    "; lower the minimum feature size to print it"
                } else if s.thin_walls {
                    ""
                } else {
                    "; turn on thin walls or variable-width walls"
                }
            ),
        });
    }
    if s.spiral_vase {
        // A spiral is one line per layer: a second island or a hole makes it jump.
        let from = s.bottom_solid_layers as usize;
        let extra: Vec<f64> = slices
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let outlines: usize = l.iter().map(|r| 1 + r.holes.len()).sum();
                if i >= from && outlines > 1 {
                    (outlines - 1) as f64
                } else {
                    0.0
                }
            })
            .collect();
        if let Some((first, last, worst, _, count)) = gather(&extra, 0.0, offset) {
            out.push(Finding {
                kind: Kind::VaseOutlines,
                first,
                last,
                worst,
                text: format!(
                    "{}: {name} has more than one outline (separate parts or holes) on {count} layers, so the spiral vase jumps between them, with a seam and a string at each jump. Spiral vase suits parts with one outline per layer: print this one without it.",
                    layers_text(first, last)
                ),
            });
        }
    }
    let tiny: Vec<f64> = slices
        .iter()
        .map(|l| {
            l.iter()
                .filter(|r| area_mm2(std::slice::from_ref(*r)) < TINY_MM2)
                .count() as f64
        })
        .collect();
    if let Some((first, last, worst, _, count)) = gather(&tiny, 0.0, offset) {
        out.push(Finding {
            kind: Kind::TinyIslands,
            first,
            last,
            worst,
            text: format!(
                "{}: {name} has tiny islands (under {TINY_MM2} mm²) on {count} layers; they may melt, wobble or break off. Print slower there or thicken them.",
                layers_text(first, last)
            ),
        });
    }
    out
}

/// Layers that print faster than the minimum layer time allows (`layer_times` per print
/// layer, as estimated).
pub fn layer_times(layer_times: &[f64], s: &Settings) -> Option<Finding> {
    let want = s.slowdown_below_layer_time;
    let short: Vec<f64> = layer_times
        .iter()
        .map(|&t| {
            if t > 0.0 && t < want - 0.5 {
                want - t
            } else {
                0.0
            }
        })
        .collect();
    let (first, last, worst, _, count) = gather(&short, 0.0, 0)?;
    let why = if s.cooling {
        format!(
            "even at the minimum print speed of {} mm/s",
            num(s.min_print_speed)
        )
    } else {
        "because cooling is off, so slicing does not slow them".into()
    };
    Some(Finding {
        kind: Kind::LayerTime,
        first,
        last,
        worst,
        text: format!(
            "{}: {count} layers take less than the minimum layer time of {} s ({:.1} s at layer {}), {why}. Print several copies at once, or lower the minimum speed.",
            layers_text(first, last),
            num(want),
            layer_times[worst],
            worst + 1
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::{plan_layers, slice_object};
    use crate::engine::model::shapes;

    fn find(shape: &str, s: &Settings) -> Vec<Finding> {
        let mesh = shapes::shape(shape).unwrap();
        let h = mesh.bounds().unwrap().size().z;
        let plan = plan_layers(h, s.first_layer_height, s.layer_height);
        let sliced = slice_object(&mesh, &plan, s);
        in_object(shape, &sliced, &plan, 0, s)
    }

    fn kinds(f: &[Finding]) -> Vec<Kind> {
        f.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn a_cube_is_fine() {
        assert_eq!(kinds(&find("cube", &Settings::default())), []);
    }

    #[test]
    fn the_overhang_t_overhangs_far_out_at_its_arm() {
        let s = Settings::default();
        let f = find("overhang", &s);
        let o = f
            .iter()
            .find(|f| f.kind == Kind::Overhang)
            .expect("overhang");
        let far = f.iter().find(|f| f.kind == Kind::FarOverAir).expect("far");
        // The arm starts in one layer: both point at it.
        assert_eq!(o.worst, far.worst, "{f:?}");
        assert!(o.text.contains("Turn on supports"), "{}", o.text);
        let mut on = s.clone();
        on.set("support_material", "true").unwrap();
        assert_eq!(kinds(&find("overhang", &on)), []);
    }

    #[test]
    fn enforced_overhangs_are_held_up_and_blocked_ones_are_not() {
        // The T with its arms' undersides painted: enforcers (supports off) leave nothing to
        // report; blockers (supports on) leave all of it, with the blocker named.
        let mesh = shapes::shape("overhang").unwrap();
        let s = Settings::default();
        let plan = plan_layers(19.0, s.first_layer_height, s.layer_height);
        let undersides: Vec<u32> = (0..mesh.triangles.len() as u32)
            .filter(|&t| {
                let [a, b, c] = mesh.triangles[t as usize].map(|i| mesh.vertex(i));
                (b - a).cross(c - a).z < 0.0 && a.z > 1.0
            })
            .collect();
        let with = |state: u8, s: &Settings| {
            let mut paint = crate::engine::mesh::FacetPaint::default();
            paint.fill(undersides.iter().copied(), state);
            let mut sliced = slice_object(&mesh, &plan, s);
            sliced.marks = crate::engine::layers::support_marks(
                &mesh,
                &paint,
                &[],
                &glam::DAffine3::IDENTITY,
                &plan,
            );
            in_object("T", &sliced, &plan, 0, s)
        };
        let enforced = with(crate::engine::mesh::paint::ENFORCER, &s);
        assert!(!kinds(&enforced).contains(&Kind::Overhang), "{enforced:?}");
        let mut on = s.clone();
        on.set("support_material", "true").unwrap();
        let blocked = with(crate::engine::mesh::paint::BLOCKER, &on);
        let o = blocked
            .iter()
            .find(|f| f.kind == Kind::Overhang)
            .expect("blocked overhang");
        assert!(o.text.contains("blocked"), "{}", o.text);
    }

    #[test]
    fn spiral_vase_warns_of_more_than_one_outline() {
        let s = Settings {
            spiral_vase: true,
            ..Default::default()
        }
        .effective();
        let vase = |name: &str| kinds(&find(name, &s)).contains(&Kind::VaseOutlines);
        assert!(!vase("sphere"));
        assert!(vase("islands"));
        assert!(vase("holes"));
        assert!(!kinds(&find("islands", &Settings::default())).contains(&Kind::VaseOutlines));
    }

    #[test]
    fn thin_walls_and_islands() {
        let mut s = Settings::default();
        s.set("perimeter_generator", "classic").unwrap();
        s.set("thin_walls", "false").unwrap();
        // A 0.8 mm wall is two 0.45 mm lines' worth: kept; a 0.3 mm fin is not.
        assert!(!kinds(&find("thin-box", &s)).contains(&Kind::ThinDropped));
        let mut fin = shapes::shape("thin-box").unwrap();
        fin.transform(&glam::DAffine3::from_scale(glam::DVec3::new(1.0, 0.3, 1.0)));
        let h = fin.bounds().unwrap().size().z;
        let plan = plan_layers(h, s.first_layer_height, s.layer_height);
        let f = in_object("fin", &slice_object(&fin, &plan, &s), &plan, 2, &s);
        let d = f
            .iter()
            .find(|f| f.kind == Kind::ThinDropped)
            .expect("dropped");
        // Above the 1 mm floor (layers 0–4), counted in print layers after a 2-layer raft.
        assert_eq!(d.first, 7, "{d:?}");
        assert!(d.text.contains("thin walls"), "{}", d.text);
        // Variable-width walls print the fin.
        let s = Settings::default();
        let f = in_object("fin", &slice_object(&fin, &plan, &s), &plan, 2, &s);
        assert!(!kinds(&f).contains(&Kind::ThinDropped), "{f:?}");
        let s = Settings::default();
        assert!(!kinds(&find("islands", &s)).contains(&Kind::TinyIslands));
        let pins = shapes::islands(2, 0.8, 3.0, 5.0);
        let plan = plan_layers(3.0, s.first_layer_height, s.layer_height);
        let f = in_object("pins", &slice_object(&pins, &plan, &s), &plan, 0, &s);
        let t = f
            .iter()
            .find(|f| f.kind == Kind::TinyIslands)
            .expect("tiny pins");
        assert_eq!((t.first, t.last), (0, plan.len() - 1), "{t:?}");
    }

    #[test]
    fn quick_layers() {
        let s = Settings::default();
        assert!(layer_times(&[30.0, 20.0, 9.0], &s).is_none());
        let f = layer_times(&[30.0, 5.0, 2.0, 12.0], &s).unwrap();
        assert_eq!((f.first, f.last, f.worst), (1, 2, 2));
        assert!(f.text.contains("2 layers"), "{}", f.text);
    }
}
