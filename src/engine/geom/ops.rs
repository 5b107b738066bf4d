//! Polygon booleans, offsets and simplification: the only code that calls the polygon crates.
//!
//! Booleans use i_overlay's integer engine (robust, and the fastest measured on slicer
//! workloads); offsets and simplification use clipper2-rust (about twice as fast as
//! i_overlay's offset for miter insets, with Clipper's miter-limit and arc-tolerance
//! semantics). See ../shared/GEOMETRY.md for the measurements.

use super::{ExPolygon, Point, Polygon};
use crate::engine::units::Coord;
use clipper2_rust::{ClipperOffset, EndType, JoinType, Path64, Paths64, Point64, PolyTree64};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::core::solver::Solver;
use i_overlay::i_float::int::point::IntPoint;

/// Contours smaller than this (square micrometres) are dropped from boolean results:
/// slivers left by nearly coincident edges, far below anything a nozzle can print.
const MIN_AREA: u64 = 200;

/// Arc tolerance for round joins, micrometres.
const ARC_TOLERANCE: f64 = 5.0;

/// Miter limit (multiples of the offset) before a corner is squared off.
const MITER_LIMIT: f64 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    Miter,
    Round,
    Square,
}

fn to_int(p: &Polygon) -> Vec<IntPoint<i32>> {
    p.points
        .iter()
        .map(|q| IntPoint::new(q.x as i32, q.y as i32))
        .collect()
}

fn from_int(c: &[IntPoint<i32>]) -> Polygon {
    Polygon::new(
        c.iter()
            .map(|q| Point::new(q.x as Coord, q.y as Coord))
            .collect(),
    )
}

fn boolean(
    subject: &mut dyn Iterator<Item = &Polygon>,
    clip: &mut dyn Iterator<Item = &Polygon>,
    rule: OverlayRule,
) -> Vec<ExPolygon> {
    let options = IntOverlayOptions {
        min_output_area: MIN_AREA,
        ..Default::default()
    };
    let mut overlay: Overlay<i32> = Overlay::new_custom(64, options, Solver::default());
    for p in subject {
        if p.points.len() >= 3 {
            overlay.add_contour(&to_int(p), ShapeType::Subject);
        }
    }
    for p in clip {
        if p.points.len() >= 3 {
            overlay.add_contour(&to_int(p), ShapeType::Clip);
        }
    }
    let shapes = overlay.overlay(rule, FillRule::NonZero);
    shapes
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| ExPolygon {
            contour: from_int(&s[0]),
            holes: s[1..].iter().map(|h| from_int(h)).collect(),
        })
        .collect()
}

/// Union of closed contours under the non-zero winding rule: overlapping outer contours
/// merge, clockwise contours inside counter-clockwise ones become holes.
pub fn union(polygons: &[Polygon]) -> Vec<ExPolygon> {
    if polygons.is_empty() {
        return Vec::new();
    }
    boolean(
        &mut polygons.iter(),
        &mut std::iter::empty(),
        OverlayRule::Subject,
    )
}

/// Union of regions.
pub fn union_ex(regions: &[ExPolygon]) -> Vec<ExPolygon> {
    if regions.is_empty() {
        return Vec::new();
    }
    boolean(
        &mut regions.iter().flat_map(|r| r.polygons()),
        &mut std::iter::empty(),
        OverlayRule::Subject,
    )
}

/// `a` minus `b`.
pub fn difference(a: &[ExPolygon], b: &[ExPolygon]) -> Vec<ExPolygon> {
    if a.is_empty() {
        return Vec::new();
    }
    if b.is_empty() {
        return a.to_vec();
    }
    boolean(
        &mut a.iter().flat_map(|r| r.polygons()),
        &mut b.iter().flat_map(|r| r.polygons()),
        OverlayRule::Difference,
    )
}

/// `a` intersected with `b`.
pub fn intersection(a: &[ExPolygon], b: &[ExPolygon]) -> Vec<ExPolygon> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    boolean(
        &mut a.iter().flat_map(|r| r.polygons()),
        &mut b.iter().flat_map(|r| r.polygons()),
        OverlayRule::Intersect,
    )
}

fn to_path64(p: &Polygon) -> Path64 {
    p.points.iter().map(|q| Point64::new(q.x, q.y)).collect()
}

fn from_path64(p: &Path64) -> Polygon {
    Polygon::new(p.iter().map(|q| Point::new(q.x, q.y)).collect())
}

fn join_type(join: Join) -> JoinType {
    match join {
        Join::Miter => JoinType::Miter,
        Join::Round => JoinType::Round,
        Join::Square => JoinType::Square,
    }
}

fn offset_paths(paths: &Paths64, delta: Coord, join: Join) -> Vec<ExPolygon> {
    let mut co = ClipperOffset::new(MITER_LIMIT, ARC_TOLERANCE, false, false);
    co.add_paths(paths, join_type(join), EndType::Polygon);
    let mut tree = PolyTree64::new();
    co.execute_tree(delta as f64, &mut tree);
    clipper2_rust::poly_tree_to_faces64(&tree)
        .iter()
        .filter(|f| f.outer.len() >= 3)
        .map(|f| ExPolygon {
            contour: from_path64(&f.outer),
            holes: f
                .holes
                .iter()
                .filter(|h| h.len() >= 3)
                .map(from_path64)
                .collect(),
        })
        .collect()
}

/// Grows (positive `delta`) or shrinks (negative) regions by `delta` micrometres.
pub fn offset(regions: &[ExPolygon], delta: Coord, join: Join) -> Vec<ExPolygon> {
    if regions.is_empty() {
        return Vec::new();
    }
    if delta == 0 {
        return regions.to_vec();
    }
    let paths: Paths64 = regions
        .iter()
        .flat_map(|r| r.polygons())
        .filter(|p| p.points.len() >= 3 && p.signed_area() != 0.0)
        .map(to_path64)
        .collect();
    offset_paths(&paths, delta, join)
}

/// Offsets closed contours (their orientation gives their sign) and returns regions.
pub fn offset_polygons(polygons: &[Polygon], delta: Coord, join: Join) -> Vec<ExPolygon> {
    let paths: Paths64 = polygons
        .iter()
        .filter(|p| p.points.len() >= 3 && p.signed_area() != 0.0)
        .map(to_path64)
        .collect();
    if paths.is_empty() {
        return Vec::new();
    }
    if delta == 0 {
        return union(polygons);
    }
    offset_paths(&paths, delta, join)
}

/// Two offsets in a row: `offset2(r, -d, d)` is a morphological opening (removes parts
/// narrower than 2d), `offset2(r, d, -d)` a closing (fills gaps narrower than 2d).
///
/// With mitred joins an opening is not exact: growing the shrunk shape back can poke spikes
/// out where shrinking made new sharp corners, up to the miter limit times `second` (a 95 mm²
/// star opened by 2 mm gains 3.7 mm² outside itself; with round joins 0.003 mm²). The engine
/// opens by fractions of a line width, where that stays inside the line's own overlap.
pub fn offset2(regions: &[ExPolygon], first: Coord, second: Coord, join: Join) -> Vec<ExPolygon> {
    offset(&offset(regions, first, join), second, join)
}

/// Removes vertices that deviate less than `tolerance` micrometres from the simplified
/// outline (Ramer–Douglas–Peucker); contours that collapse are dropped.
pub fn simplify_polygons(regions: &[ExPolygon], tolerance: Coord) -> Vec<ExPolygon> {
    let simplify = |p: &Polygon| -> Option<Polygon> {
        let path = to_path64(p);
        let out = clipper2_rust::simplify_path(&path, tolerance as f64, true);
        let poly = from_path64(&out);
        (poly.points.len() >= 3 && poly.area() > MIN_AREA as f64).then_some(poly)
    };
    regions
        .iter()
        .filter_map(|r| {
            let contour = simplify(&r.contour)?;
            Some(ExPolygon {
                contour,
                holes: r.holes.iter().filter_map(simplify).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::geom::total_area;

    fn square(x0: Coord, y0: Coord, s: Coord) -> Polygon {
        Polygon::rect(x0, y0, x0 + s, y0 + s)
    }

    #[test]
    fn union_merges_and_makes_holes() {
        let u = union(&[square(0, 0, 1000), square(500, 0, 1000)]);
        assert_eq!(u.len(), 1);
        assert_eq!(total_area(&u), 1500.0 * 1000.0);
        let mut hole = square(250, 250, 500);
        hole.reverse();
        let u = union(&[square(0, 0, 1000), hole]);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].holes.len(), 1);
        assert_eq!(total_area(&u), 1e6 - 25e4);
    }

    #[test]
    fn difference_and_intersection() {
        let a = vec![ExPolygon::new(square(0, 0, 1000))];
        let b = vec![ExPolygon::new(square(500, 500, 1000))];
        assert_eq!(total_area(&difference(&a, &b)), 1e6 - 25e4);
        assert_eq!(total_area(&intersection(&a, &b)), 25e4);
        let inner = vec![ExPolygon::new(square(250, 250, 500))];
        let d = difference(&a, &inner);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].holes.len(), 1);
    }

    #[test]
    fn offset_square_areas() {
        let a = vec![ExPolygon::new(square(0, 0, 10_000))];
        let shrunk = offset(&a, -1000, Join::Miter);
        assert_eq!(total_area(&shrunk), 8000.0 * 8000.0);
        let grown = offset(&a, 1000, Join::Miter);
        assert_eq!(total_area(&grown), 12000.0 * 12000.0);
        let round = offset(&a, 1000, Join::Round);
        let exact = 10_000.0f64 * 10_000.0 + 4.0 * 10_000.0 * 1000.0 + std::f64::consts::PI * 1e6;
        assert!((total_area(&round) - exact).abs() / exact < 0.002);
        // Shrinking past half the width leaves nothing.
        assert!(offset(&a, -5001, Join::Miter).is_empty());
    }

    #[test]
    fn offset_keeps_holes() {
        let mut hole = square(3000, 3000, 4000);
        hole.reverse();
        let a = vec![ExPolygon {
            contour: square(0, 0, 10_000),
            holes: vec![hole],
        }];
        let shrunk = offset(&a, -500, Join::Miter);
        assert_eq!(shrunk.len(), 1);
        assert_eq!(shrunk[0].holes.len(), 1);
        assert_eq!(total_area(&shrunk), 9000.0 * 9000.0 - 5000.0 * 5000.0);
    }

    #[test]
    fn opening_removes_thin_parts() {
        // A 10 mm square with a 0.2 mm wide tail.
        let a = union(&[
            square(0, 0, 10_000),
            Polygon::new(vec![
                Point::new(10_000, 4900),
                Point::new(20_000, 4900),
                Point::new(20_000, 5100),
                Point::new(10_000, 5100),
            ]),
        ]);
        let opened = offset2(&a, -200, 200, Join::Miter);
        assert!((total_area(&opened) - 1e8).abs() < 1e4);
    }

    #[test]
    fn simplify_drops_collinear_points() {
        let mut pts = Vec::new();
        for i in 0..100 {
            pts.push(Point::new(i * 100, 0));
        }
        pts.push(Point::new(10_000, 10_000));
        pts.push(Point::new(0, 10_000));
        let s = simplify_polygons(&[ExPolygon::new(Polygon::new(pts))], 10);
        assert_eq!(s[0].contour.points.len(), 4);
    }

    /// A star-shaped (so simple) polygon around (cx, cy) from radii at even angles.
    pub(crate) fn star(cx: i64, cy: i64, radii: &[u32]) -> Polygon {
        let n = radii.len();
        Polygon::new(
            radii
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let a = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
                    Point::new(
                        cx + (*r as f64 * a.cos()) as i64,
                        cy + (*r as f64 * a.sin()) as i64,
                    )
                })
                .collect(),
        )
    }

    proptest::proptest! {
        #[test]
        fn offsets_grow_and_shrink_area(radii in proptest::collection::vec(2000u32..20_000, 5..40), d in 50i64..2000) {
            let p = vec![ExPolygon::new(star(0, 0, &radii))];
            let a = total_area(&p);
            proptest::prop_assert!(total_area(&offset(&p, -d, Join::Miter)) <= a);
            proptest::prop_assert!(total_area(&offset(&p, d, Join::Miter)) >= a);
            // An opening with round joins never gains area (mitred ones may, at spikes: see
            // `offset2`).
            proptest::prop_assert!(total_area(&offset2(&p, -d, d, Join::Round)) <= a * 1.0001 + 1000.0);
        }

        #[test]
        fn booleans_add_up(
            ra in proptest::collection::vec(2000u32..20_000, 5..30),
            rb in proptest::collection::vec(2000u32..20_000, 5..30),
            dx in -15_000i64..15_000,
            dy in -15_000i64..15_000,
        ) {
            let a = vec![ExPolygon::new(star(0, 0, &ra))];
            let b = vec![ExPolygon::new(star(dx, dy, &rb))];
            let (aa, ab) = (total_area(&a), total_area(&b));
            let u = total_area(&union_ex(&[a.clone(), b.clone()].concat()));
            let i = total_area(&intersection(&a, &b));
            let d = total_area(&difference(&a, &b));
            // Crossings snap to the micrometre grid: allow a micrometre along every edge.
            let tol = 2.0 * (a[0].contour.length() + b[0].contour.length()) + 1000.0;
            proptest::prop_assert!((u + i - aa - ab).abs() < tol, "union {} + inter {} vs {} + {}", u, i, aa, ab);
            proptest::prop_assert!((d + i - aa).abs() < tol, "diff {} + inter {} vs {}", d, i, aa);
        }
    }
}
