//! Layers: the Z plan (which heights are printed) and the sliced regions of each object at
//! each layer, cleaned up (union, gap closing, simplification, elephant-foot compensation).

mod marks;
mod polyholes;
mod slice;

pub use marks::{SeamMarks, SupportMarks, seam_marks, support_marks};
pub use slice::slice_mesh;

use crate::engine::geom::{self, ExPolygon, Join};
use crate::engine::mesh::Mesh;
use crate::engine::par;
use crate::engine::settings::Settings;
use crate::engine::units::scaled;

/// One printed layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerZ {
    /// Height of the layer's top, where the nozzle prints it (mm).
    pub print_z: f64,
    /// Thickness (mm).
    pub height: f64,
    /// Where the mesh is cut for this layer: its middle (mm).
    pub slice_z: f64,
    /// Printed straight onto the bed (first-layer widths, speeds and squish apply).
    pub on_bed: bool,
}

/// Layers from the bed up to `height`: a first layer, then equal layers. A layer is printed
/// when its middle is inside the object, so the top is within half a layer of the model's.
pub fn plan_layers(height: f64, first_layer_height: f64, layer_height: f64) -> Vec<LayerZ> {
    let mut out = Vec::new();
    if height <= 0.0 {
        return out;
    }
    let mut bottom = 0.0;
    let mut h = first_layer_height;
    loop {
        let slice_z = bottom + h / 2.0;
        if slice_z >= height - 1e-9 {
            break;
        }
        let print_z = bottom + h;
        out.push(LayerZ {
            print_z: round_um(print_z),
            height: h,
            slice_z,
            on_bed: out.is_empty(),
        });
        bottom = print_z;
        h = layer_height;
    }
    out
}

fn round_um(z: f64) -> f64 {
    (z * 1e4).round() / 1e4
}

/// The parts of each layer that reach further out than the layer below by more than the
/// overhang angle (degrees from vertical) allows: what needs support.
pub fn overhangs(
    slices: &[Vec<ExPolygon>],
    plan: &[LayerZ],
    threshold: f64,
) -> Vec<Vec<ExPolygon>> {
    let tan = threshold.to_radians().tan();
    par::map_range(slices.len(), |i| {
        if i == 0 || slices[i].is_empty() {
            return Vec::new();
        }
        let reach = if tan > 1e3 {
            0
        } else {
            scaled(plan[i].height / tan)
        };
        geom::difference(
            &slices[i],
            &geom::offset(&slices[i - 1], reach, Join::Miter),
        )
    })
}

/// Whether lines of `width` (mm) can span an overhanging region by bridging: it is anchored
/// on the layer below on two separate sides, or along most of its outline (a ceiling).
pub fn is_bridge(region: &ExPolygon, below: &[ExPolygon], width: f64) -> bool {
    use crate::engine::units::{unscaled, unscaled_area};
    let grown = geom::offset(std::slice::from_ref(region), scaled(width), Join::Miter);
    let anchors: Vec<ExPolygon> = geom::intersection(below, &grown)
        .into_iter()
        .filter(|a| unscaled_area(a.area()) > 2.0 * width * width)
        .collect();
    if anchors.len() >= 2 {
        return true;
    }
    let outline: f64 = region.polygons().map(|p| unscaled(p.length() as i64)).sum();
    unscaled_area(geom::total_area(&anchors)) > 0.6 * width * outline
}

/// The regions with their holes grown by `delta` (shrunk when negative; a hole shrunk to
/// nothing closes), their outsides as they were.
fn compensate_holes(regions: Vec<ExPolygon>, delta: crate::engine::units::Coord) -> Vec<ExPolygon> {
    regions
        .into_iter()
        .flat_map(|r| {
            if r.holes.is_empty() {
                return vec![r];
            }
            let holes: Vec<ExPolygon> = r
                .holes
                .iter()
                .map(|h| {
                    let mut c = h.clone();
                    c.reverse();
                    ExPolygon::new(c)
                })
                .collect();
            let grown = geom::offset(&holes, delta, Join::Miter);
            geom::difference(&[ExPolygon::new(r.contour)], &grown)
        })
        .collect()
}

/// What slicing found in one object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlicedObject {
    /// The regions of each layer of the plan (empty above the object).
    pub layers: Vec<Vec<ExPolygon>>,
    /// Layers where an open surface had to be closed across a wide gap.
    pub layers_with_wide_gaps: Vec<usize>,
    /// Where support is enforced or blocked (painted or by volumes).
    pub marks: SupportMarks,
    /// Where seams are enforced or blocked (painted).
    pub seam_marks: SeamMarks,
}

/// Slices a mesh (already placed: its bottom at z = 0) at every layer of `plan`.
pub fn slice_object(mesh: &Mesh, plan: &[LayerZ], settings: &Settings) -> SlicedObject {
    let zs: Vec<f64> = plan.iter().map(|l| l.slice_z).collect();
    let raw = slice_mesh(mesh, &zs);
    let closing = scaled(settings.slice_closing_radius);
    let resolution = scaled(settings.slice_resolution());
    let foot = scaled(settings.elefant_foot_compensation);
    let (size, hole) = (
        scaled(settings.xy_size_compensation),
        scaled(settings.xy_hole_compensation),
    );
    let mut layers = par::map(&raw, |i, (loops, _)| {
        let mut regions = geom::union(loops);
        // Simplify first: dense meshes give thousands of tiny edges that offsets would chew on.
        regions = geom::simplify_polygons(&regions, resolution);
        if closing > 0 && !regions.is_empty() {
            regions = geom::offset2(&regions, closing, -closing, Join::Miter);
        }
        if size != 0 && !regions.is_empty() {
            regions = geom::offset(&regions, size, Join::Miter);
        }
        if hole != 0 {
            regions = compensate_holes(regions, hole);
        }
        if plan[i].on_bed && foot > 0 {
            // Shrink the squished first layer, but never make thin parts vanish.
            let shrunk = geom::offset(&regions, -foot, Join::Miter);
            if geom::total_area(&shrunk) > 0.5 * geom::total_area(&regions) {
                regions = shrunk;
            }
        }
        regions.sort_by_key(|r| {
            (
                r.contour.bounding_box().min.y,
                r.contour.bounding_box().min.x,
            )
        });
        regions
    });
    if settings.hole_to_polyhole {
        polyholes::make_polyholes(&mut layers, settings);
    }
    SlicedObject {
        layers,
        layers_with_wide_gaps: raw
            .iter()
            .enumerate()
            .filter(|(_, (_, wide))| *wide > 0)
            .map(|(i, _)| i)
            .collect(),
        marks: SupportMarks::default(),
        seam_marks: SeamMarks::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    #[test]
    fn plan_counts_layers() {
        let p = plan_layers(20.0, 0.2, 0.2);
        assert_eq!(p.len(), 100);
        assert_eq!(p[0].print_z, 0.2);
        assert_eq!(p[99].print_z, 20.0);
        let p = plan_layers(6.3, 0.2, 0.2);
        assert_eq!(p.len(), 31);
        assert_eq!(p.last().unwrap().print_z, 6.2);
        let p = plan_layers(10.0, 0.3, 0.2);
        assert_eq!(p[0].height, 0.3);
        assert_eq!(p[1].print_z, 0.5);
        assert_eq!(p.len(), 49);
    }

    #[test]
    fn resolution_zero_is_the_engines_finest_not_the_meshs_density() {
        let sphere = crate::engine::model::shapes::sphere(15.0, 400, 800);
        let plan = plan_layers(30.0, 0.2, 0.2);
        let points = |s: &Settings| -> usize {
            slice_object(&sphere, &plan, s)
                .layers
                .iter()
                .flatten()
                .map(|r| r.contour.points.len())
                .sum()
        };
        let zero = Settings {
            resolution: 0.0,
            ..Default::default()
        };
        let finest = Settings {
            resolution: crate::engine::settings::MIN_RESOLUTION,
            ..Default::default()
        };
        assert_eq!(points(&zero), points(&finest));
        // The mesh itself has 800 points on every ring.
        assert!(points(&zero) < 149 * 800 / 2, "{}", points(&zero));
    }

    #[test]
    fn slices_a_box() {
        let m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        let plan = plan_layers(5.0, 0.2, 0.2);
        let s = slice_object(&m, &plan, &Settings::default());
        assert_eq!(s.layers.len(), 25);
        for l in &s.layers {
            assert_eq!(l.len(), 1);
            assert!((geom::total_area(l) - 2e8).abs() < 1e3);
        }
    }
}
