//! Planar geometry in integer micrometres: points, closed polygons, polygons with holes
//! (`ExPolygon`), open polylines and bounding boxes.
//!
//! `ops` is the only place that calls the polygon crates (booleans, offsets, simplification);
//! `index` answers point-in-region and segment-crossing questions and clips polylines
//! without changing their order or direction; `medial` finds the centre lines of thin
//! regions.

mod index;
mod medial;
mod ops;
mod route;

pub use index::EdgeIndex;
pub use medial::{ThickPolyline, medial_axis, triangulate};
pub use ops::{
    Join, difference, intersection, offset, offset_polygons, offset2, simplify_polygons, union,
    union_ex,
};
pub use route::Router;

use crate::engine::units::Coord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Point {
    pub x: Coord,
    pub y: Coord,
}

impl Point {
    #[inline]
    pub const fn new(x: Coord, y: Coord) -> Self {
        Self { x, y }
    }

    #[inline]
    pub fn from_mm(x: f64, y: f64) -> Self {
        Self::new(
            crate::engine::units::scaled(x),
            crate::engine::units::scaled(y),
        )
    }

    #[inline]
    pub fn distance(self, o: Point) -> f64 {
        let dx = (self.x - o.x) as f64;
        let dy = (self.y - o.y) as f64;
        (dx * dx + dy * dy).sqrt()
    }

    #[inline]
    pub fn distance_sq(self, o: Point) -> f64 {
        let dx = (self.x - o.x) as f64;
        let dy = (self.y - o.y) as f64;
        dx * dx + dy * dy
    }

    /// Rotates about the origin by `angle` radians.
    #[inline]
    pub fn rotated(self, cos: f64, sin: f64) -> Point {
        let x = self.x as f64;
        let y = self.y as f64;
        Point::new(
            (x * cos - y * sin).round() as Coord,
            (x * sin + y * cos).round() as Coord,
        )
    }

    #[inline]
    pub fn translated(self, d: Point) -> Point {
        Point::new(self.x + d.x, self.y + d.y)
    }
}

/// Cross product of (b - a) and (c - a), in f64 to stay clear of overflow.
#[inline]
pub fn cross(a: Point, b: Point, c: Point) -> f64 {
    ((b.x - a.x) as f64) * ((c.y - a.y) as f64) - ((b.y - a.y) as f64) * ((c.x - a.x) as f64)
}

/// The point of the segment `a`–`b` nearest `p`, unrounded.
pub fn closest_on_segment(p: Point, a: Point, b: Point) -> (f64, f64) {
    let (dx, dy) = ((b.x - a.x) as f64, (b.y - a.y) as f64);
    let l2 = dx * dx + dy * dy;
    if l2 == 0.0 {
        return (a.x as f64, a.y as f64);
    }
    let t = ((((p.x - a.x) as f64) * dx + ((p.y - a.y) as f64) * dy) / l2).clamp(0.0, 1.0);
    (a.x as f64 + t * dx, a.y as f64 + t * dy)
}

/// Distance from `p` to the segment `a`–`b`.
pub fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (qx, qy) = closest_on_segment(p, a, b);
    ((p.x as f64 - qx).powi(2) + (p.y as f64 - qy).powi(2)).sqrt()
}

/// A closed contour; the last point connects back to the first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Polygon {
    pub points: Vec<Point>,
}

impl Polygon {
    /// A circle of radius `r` around `centre` with `sides` sides, counter-clockwise.
    pub fn circle(centre: (f64, f64), r: f64, sides: usize) -> Self {
        Polygon::new(
            (0..sides)
                .map(|i| {
                    let a = 2.0 * std::f64::consts::PI * i as f64 / sides as f64;
                    Point::new(
                        (centre.0 + r * a.cos()).round() as Coord,
                        (centre.1 + r * a.sin()).round() as Coord,
                    )
                })
                .collect(),
        )
    }

    /// The axis-aligned rectangle from (x0, y0) to (x1, y1), counter-clockwise.
    pub fn rect(x0: Coord, y0: Coord, x1: Coord, y1: Coord) -> Self {
        Polygon::new(vec![
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ])
    }

    pub fn new(points: Vec<Point>) -> Self {
        Self { points }
    }

    /// Signed area in square micrometres: positive for counter-clockwise contours.
    pub fn signed_area(&self) -> f64 {
        let pts = &self.points;
        let n = pts.len();
        if n < 3 {
            return 0.0;
        }
        let mut sum = 0.0;
        let mut j = n - 1;
        for i in 0..n {
            sum += (pts[j].x as f64) * (pts[i].y as f64) - (pts[i].x as f64) * (pts[j].y as f64);
            j = i;
        }
        sum * 0.5
    }

    pub fn area(&self) -> f64 {
        self.signed_area().abs()
    }

    pub fn is_ccw(&self) -> bool {
        self.signed_area() > 0.0
    }

    pub fn reverse(&mut self) {
        self.points.reverse();
    }

    pub fn length(&self) -> f64 {
        let n = self.points.len();
        if n < 2 {
            return 0.0;
        }
        let mut len = self.points[n - 1].distance(self.points[0]);
        for w in self.points.windows(2) {
            len += w[0].distance(w[1]);
        }
        len
    }

    pub fn bounding_box(&self) -> BoundingBox {
        BoundingBox::from_points(&self.points)
    }

    /// Winding-number test; points on the boundary may answer either way.
    pub fn contains(&self, p: Point) -> bool {
        let pts = &self.points;
        let n = pts.len();
        if n < 3 {
            return false;
        }
        let mut inside = false;
        let mut j = n - 1;
        for i in 0..n {
            let (a, b) = (pts[i], pts[j]);
            if (a.y > p.y) != (b.y > p.y) {
                let t = (p.y - a.y) as f64 / (b.y - a.y) as f64;
                let x = a.x as f64 + t * (b.x - a.x) as f64;
                if (p.x as f64) < x {
                    inside = !inside;
                }
            }
            j = i;
        }
        inside
    }

    /// The loop opened at vertex `start` and closed by repeating that vertex at the end.
    pub fn to_polyline_from(&self, start: usize) -> Polyline {
        let n = self.points.len();
        let mut pts = Vec::with_capacity(n + 1);
        for k in 0..=n {
            pts.push(self.points[(start + k) % n]);
        }
        Polyline { points: pts }
    }

    pub fn translate(&mut self, d: Point) {
        for p in &mut self.points {
            *p = p.translated(d);
        }
    }
}

/// A region: one counter-clockwise outer contour with clockwise holes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExPolygon {
    pub contour: Polygon,
    pub holes: Vec<Polygon>,
}

impl ExPolygon {
    /// A solid axis-aligned rectangle (see `Polygon::rect`).
    pub fn rect(x0: Coord, y0: Coord, x1: Coord, y1: Coord) -> Self {
        ExPolygon::new(Polygon::rect(x0, y0, x1, y1))
    }

    pub fn new(contour: Polygon) -> Self {
        Self {
            contour,
            holes: Vec::new(),
        }
    }

    pub fn area(&self) -> f64 {
        self.contour.area() - self.holes.iter().map(Polygon::area).sum::<f64>()
    }

    pub fn contains(&self, p: Point) -> bool {
        self.contour.contains(p) && !self.holes.iter().any(|h| h.contains(p))
    }

    pub fn bounding_box(&self) -> BoundingBox {
        self.contour.bounding_box()
    }

    /// Contour and holes, in that order.
    pub fn polygons(&self) -> impl Iterator<Item = &Polygon> {
        std::iter::once(&self.contour).chain(self.holes.iter())
    }

    pub fn point_count(&self) -> usize {
        self.polygons().map(|p| p.points.len()).sum()
    }

    pub fn translate(&mut self, d: Point) {
        self.contour.translate(d);
        for h in &mut self.holes {
            h.translate(d);
        }
    }
}

pub fn total_area(regions: &[ExPolygon]) -> f64 {
    regions.iter().map(ExPolygon::area).sum()
}

pub fn bounding_box_of(regions: &[ExPolygon]) -> BoundingBox {
    let mut bb = BoundingBox::EMPTY;
    for r in regions {
        bb.merge(&r.bounding_box());
    }
    bb
}

/// All contours and holes of `regions` as plain polygons.
pub fn to_polygons(regions: &[ExPolygon]) -> Vec<Polygon> {
    regions.iter().flat_map(|r| r.polygons().cloned()).collect()
}

/// An open path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Polyline {
    pub points: Vec<Point>,
}

impl Polyline {
    pub fn new(points: Vec<Point>) -> Self {
        Self { points }
    }

    pub fn length(&self) -> f64 {
        self.points.windows(2).map(|w| w[0].distance(w[1])).sum()
    }

    pub fn first(&self) -> Option<Point> {
        self.points.first().copied()
    }

    pub fn last(&self) -> Option<Point> {
        self.points.last().copied()
    }

    pub fn reverse(&mut self) {
        self.points.reverse();
    }

    /// Removes `len` micrometres from the end (used to leave a seam gap on loops).
    pub fn clip_end(&mut self, mut len: f64) {
        while len > 0.0 && self.points.len() >= 2 {
            let n = self.points.len();
            let (a, b) = (self.points[n - 2], self.points[n - 1]);
            let seg = a.distance(b);
            if seg > len {
                let t = (seg - len) / seg;
                self.points[n - 1] = Point::new(
                    a.x + ((b.x - a.x) as f64 * t).round() as Coord,
                    a.y + ((b.y - a.y) as f64 * t).round() as Coord,
                );
                return;
            }
            len -= seg;
            self.points.pop();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundingBox {
    pub min: Point,
    pub max: Point,
}

impl BoundingBox {
    pub const EMPTY: BoundingBox = BoundingBox {
        min: Point::new(Coord::MAX, Coord::MAX),
        max: Point::new(Coord::MIN, Coord::MIN),
    };

    pub fn from_points(pts: &[Point]) -> Self {
        let mut bb = Self::EMPTY;
        for p in pts {
            bb.add(*p);
        }
        bb
    }

    pub fn is_empty(&self) -> bool {
        self.min.x > self.max.x || self.min.y > self.max.y
    }

    pub fn add(&mut self, p: Point) {
        self.min.x = self.min.x.min(p.x);
        self.min.y = self.min.y.min(p.y);
        self.max.x = self.max.x.max(p.x);
        self.max.y = self.max.y.max(p.y);
    }

    pub fn merge(&mut self, o: &BoundingBox) {
        if !o.is_empty() {
            self.add(o.min);
            self.add(o.max);
        }
    }

    pub fn overlaps(&self, o: &BoundingBox) -> bool {
        !(self.is_empty()
            || o.is_empty()
            || self.max.x < o.min.x
            || o.max.x < self.min.x
            || self.max.y < o.min.y
            || o.max.y < self.min.y)
    }

    pub fn center(&self) -> Point {
        Point::new((self.min.x + self.max.x) / 2, (self.min.y + self.max.y) / 2)
    }

    /// Whether `o` lies within this box (edges may touch).
    pub fn contains_box(&self, o: &BoundingBox) -> bool {
        self.min.x <= o.min.x
            && self.min.y <= o.min.y
            && self.max.x >= o.max.x
            && self.max.y >= o.max.y
    }

    /// The point of the box nearest `p` (`p` itself when inside).
    pub fn clamp(&self, p: Point) -> Point {
        Point::new(
            p.x.clamp(self.min.x, self.max.x.max(self.min.x)),
            p.y.clamp(self.min.y, self.max.y.max(self.min.y)),
        )
    }

    pub fn size(&self) -> Point {
        Point::new(self.max.x - self.min.x, self.max.y - self.min.y)
    }

    pub fn inflated(&self, d: Coord) -> BoundingBox {
        BoundingBox {
            min: Point::new(self.min.x - d, self.min.y - d),
            max: Point::new(self.max.x + d, self.max.y + d),
        }
    }
}

/// Convex hull (Andrew's monotone chain), counter-clockwise.
pub fn convex_hull(points: &[Point]) -> Polygon {
    let mut pts: Vec<Point> = points.to_vec();
    pts.sort_unstable();
    pts.dedup();
    if pts.len() < 3 {
        return Polygon::new(pts);
    }
    let mut hull: Vec<Point> = Vec::with_capacity(pts.len() + 1);
    // Lower chain left to right, then upper chain right to left; each pops reflex turns.
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Point>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    Polygon::new(hull)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: Coord, y0: Coord, s: Coord) -> Polygon {
        Polygon::rect(x0, y0, x0 + s, y0 + s)
    }

    #[test]
    fn polygon_area_and_orientation() {
        let mut sq = square(0, 0, 1000);
        assert_eq!(sq.signed_area(), 1e6);
        assert!(sq.is_ccw());
        sq.reverse();
        assert_eq!(sq.signed_area(), -1e6);
        assert_eq!(sq.length(), 4000.0);
    }

    #[test]
    fn contains_respects_holes() {
        let mut hole = square(250, 250, 500);
        hole.reverse();
        let ex = ExPolygon {
            contour: square(0, 0, 1000),
            holes: vec![hole],
        };
        assert!(ex.contains(Point::new(100, 100)));
        assert!(!ex.contains(Point::new(500, 500)));
        assert!(!ex.contains(Point::new(1500, 500)));
        assert_eq!(ex.area(), 1e6 - 25e4);
    }

    #[test]
    fn hull_of_square_with_inner_points() {
        let mut pts = square(0, 0, 10).points;
        pts.push(Point::new(5, 5));
        pts.push(Point::new(3, 7));
        let h = convex_hull(&pts);
        assert_eq!(h.points.len(), 4);
        assert!(h.is_ccw());
        assert_eq!(h.area(), 100.0);
    }

    #[test]
    fn clip_end_shortens() {
        let mut pl = Polyline::new(vec![
            Point::new(0, 0),
            Point::new(100, 0),
            Point::new(100, 100),
        ]);
        pl.clip_end(150.0);
        assert_eq!(pl.points, vec![Point::new(0, 0), Point::new(50, 0)]);
    }
}
