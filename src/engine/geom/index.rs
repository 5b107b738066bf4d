//! A uniform grid over the edges of a set of polygons, for the questions slicers ask many
//! times per layer: is this point inside, does this travel cross a wall, which parts of this
//! polyline lie inside. Unlike the boolean engines it keeps a polyline's order and direction.

use super::{BoundingBox, ExPolygon, Point, Polygon, Polyline};
use crate::engine::units::Coord;

pub struct EdgeIndex {
    edges: Vec<(Point, Point)>,
    bbox: BoundingBox,
    cell: Coord,
    cols: usize,
    rows: usize,
    /// CSR layout: edges of cell `c` are `items[starts[c]..starts[c + 1]]`.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl EdgeIndex {
    pub fn from_regions(regions: &[ExPolygon]) -> Self {
        Self::from_polygons(regions.iter().flat_map(|r| r.polygons()))
    }

    pub fn from_polygons<'a>(polygons: impl Iterator<Item = &'a Polygon>) -> Self {
        let mut edges = Vec::new();
        let mut bbox = BoundingBox::EMPTY;
        for p in polygons {
            let n = p.points.len();
            if n < 2 {
                continue;
            }
            for i in 0..n {
                let (a, b) = (p.points[i], p.points[(i + 1) % n]);
                if a != b {
                    edges.push((a, b));
                    bbox.add(a);
                }
            }
        }
        if edges.is_empty() {
            return Self {
                edges,
                bbox,
                cell: 1,
                cols: 0,
                rows: 0,
                starts: vec![0],
                items: Vec::new(),
            };
        }
        // About two edges per cell on average, never cells under 0.5 mm.
        let size = bbox.size();
        let area = (size.x.max(1) as f64) * (size.y.max(1) as f64);
        let cell = ((area / (edges.len() as f64 * 0.5)).sqrt() as Coord).max(500);
        let cols = (size.x / cell + 1) as usize;
        let rows = (size.y / cell + 1) as usize;
        let mut counts = vec![0u32; cols * rows + 1];
        let cell_range = |a: Point, b: Point| {
            let c0 = ((a.x.min(b.x) - bbox.min.x) / cell) as usize;
            let c1 = ((a.x.max(b.x) - bbox.min.x) / cell) as usize;
            let r0 = ((a.y.min(b.y) - bbox.min.y) / cell) as usize;
            let r1 = ((a.y.max(b.y) - bbox.min.y) / cell) as usize;
            (c0, c1, r0, r1)
        };
        for &(a, b) in &edges {
            let (c0, c1, r0, r1) = cell_range(a, b);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    counts[r * cols + c] += 1;
                }
            }
        }
        let mut starts = vec![0u32; cols * rows + 1];
        for i in 0..cols * rows {
            starts[i + 1] = starts[i] + counts[i];
        }
        let mut fill = starts.clone();
        let mut items = vec![0u32; starts[cols * rows] as usize];
        for (ei, &(a, b)) in edges.iter().enumerate() {
            let (c0, c1, r0, r1) = cell_range(a, b);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let k = r * cols + c;
                    items[fill[k] as usize] = ei as u32;
                    fill[k] += 1;
                }
            }
        }
        Self {
            edges,
            bbox,
            cell,
            cols,
            rows,
            starts,
            items,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    fn cell_edges(&self, c: usize, r: usize) -> &[u32] {
        let k = r * self.cols + c;
        &self.items[self.starts[k] as usize..self.starts[k + 1] as usize]
    }

    fn col_of(&self, x: Coord) -> isize {
        ((x - self.bbox.min.x).div_euclid(self.cell)) as isize
    }

    fn row_of(&self, y: Coord) -> isize {
        ((y - self.bbox.min.y).div_euclid(self.cell)) as isize
    }

    /// Even-odd inside test against all indexed polygons (a region with holes answers right).
    pub fn contains(&self, p: Point) -> bool {
        if self.edges.is_empty()
            || p.x < self.bbox.min.x
            || p.x > self.bbox.max.x
            || p.y < self.bbox.min.y
            || p.y > self.bbox.max.y
        {
            return false;
        }
        let r = self.row_of(p.y).clamp(0, self.rows as isize - 1) as usize;
        let c_start = self.col_of(p.x).clamp(0, self.cols as isize - 1) as usize;
        let mut inside = false;
        for c in c_start..self.cols {
            let x_lo = self.bbox.min.x + c as Coord * self.cell;
            let x_hi = x_lo + self.cell;
            for &ei in self.cell_edges(c, r) {
                let (a, b) = self.edges[ei as usize];
                if (a.y > p.y) != (b.y > p.y) {
                    let t = (p.y - a.y) as f64 / (b.y - a.y) as f64;
                    let x = a.x as f64 + t * (b.x - a.x) as f64;
                    // Count each edge once: in the cell where it meets the ray.
                    let in_cell = x >= x_lo as f64 && (x < x_hi as f64 || c == self.cols - 1);
                    if in_cell && x > p.x as f64 {
                        inside = !inside;
                    }
                }
            }
        }
        inside
    }

    fn candidates(&self, a: Point, b: Point, out: &mut Vec<u32>) {
        out.clear();
        if self.edges.is_empty() {
            return;
        }
        let max_c = self.cols as isize - 1;
        let max_r = self.rows as isize - 1;
        let c0 = self.col_of(a.x.min(b.x)).max(0);
        let c1 = self.col_of(a.x.max(b.x)).min(max_c);
        let r0 = self.row_of(a.y.min(b.y)).max(0);
        let r1 = self.row_of(a.y.max(b.y)).min(max_r);
        if c0 > c1 || r0 > r1 {
            return;
        }
        for r in r0..=r1 {
            for c in c0..=c1 {
                out.extend_from_slice(self.cell_edges(c as usize, r as usize));
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The point of the indexed edges nearest `p`, and its distance, when one lies within
    /// `within`.
    pub fn nearest_edge(&self, p: Point, within: Coord) -> Option<(Point, f64)> {
        let mut cand = Vec::new();
        let d = Point::new(within, within);
        self.candidates(
            Point::new(p.x - d.x, p.y - d.y),
            Point::new(p.x + d.x, p.y + d.y),
            &mut cand,
        );
        let mut best: Option<(Point, f64)> = None;
        for &ei in &cand {
            let (a, b) = self.edges[ei as usize];
            let (qx, qy) = super::closest_on_segment(p, a, b);
            let q = Point::new(qx.round() as Coord, qy.round() as Coord);
            let dist = q.distance(p);
            if dist <= within as f64 && best.is_none_or(|(_, bd)| dist < bd) {
                best = Some((q, dist));
            }
        }
        best
    }

    /// True when the segment a–b touches or crosses any indexed edge.
    pub fn crosses(&self, a: Point, b: Point) -> bool {
        let mut cand = Vec::new();
        self.candidates(a, b, &mut cand);
        cand.iter().any(|&ei| {
            let (c, d) = self.edges[ei as usize];
            segments_intersect(a, b, c, d)
        })
    }

    /// True when the segment a–b leaves the region: it properly crosses an edge, or its middle
    /// lies outside. Touching the boundary (as a route along it does) is not leaving.
    pub fn leaves(&self, a: Point, b: Point) -> bool {
        let mid = Point::new((a.x + b.x) / 2, (a.y + b.y) / 2);
        if !self.contains(mid) {
            return true;
        }
        let mut cand = Vec::new();
        self.candidates(a, b, &mut cand);
        cand.iter().any(|&ei| {
            let (c, d) = self.edges[ei as usize];
            let (d1, d2) = (orient(c, d, a), orient(c, d, b));
            let (d3, d4) = (orient(a, b, c), orient(a, b, d));
            ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
        })
    }

    /// The parts of `line` inside the indexed region, in the line's own order and direction.
    pub fn clip_polyline(&self, line: &Polyline) -> Vec<Polyline> {
        self.split_polyline(line)
            .into_iter()
            .filter(|(_, inside)| *inside)
            .map(|(p, _)| p)
            .collect()
    }

    /// Cuts `line` where it crosses the region's boundary: consecutive pieces, in order,
    /// each marked inside or outside. Together they are the whole line.
    pub fn split_polyline(&self, line: &Polyline) -> Vec<(Polyline, bool)> {
        let mut out: Vec<(Polyline, bool)> = Vec::new();
        let mut cand = Vec::new();
        let mut ts: Vec<f64> = Vec::new();
        let push = |p0: Point, p1: Point, inside: bool, out: &mut Vec<(Polyline, bool)>| match out
            .last_mut()
        {
            Some((pl, ins)) if *ins == inside && pl.points.last() == Some(&p0) => {
                pl.points.push(p1);
            }
            _ => out.push((Polyline::new(vec![p0, p1]), inside)),
        };
        for w in line.points.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a == b {
                continue;
            }
            self.candidates(a, b, &mut cand);
            ts.clear();
            ts.push(0.0);
            for &ei in &cand {
                let (c, d) = self.edges[ei as usize];
                if let Some(t) = segment_param(a, b, c, d) {
                    ts.push(t);
                }
            }
            ts.push(1.0);
            ts.sort_unstable_by(f64::total_cmp);
            let at = |t: f64| {
                Point::new(
                    a.x + ((b.x - a.x) as f64 * t).round() as Coord,
                    a.y + ((b.y - a.y) as f64 * t).round() as Coord,
                )
            };
            for k in 0..ts.len() - 1 {
                let (t0, t1) = (ts[k], ts[k + 1]);
                let (p0, p1) = (at(t0), at(t1));
                if p0 == p1 {
                    continue;
                }
                let inside = self.contains(at((t0 + t1) * 0.5));
                push(p0, p1, inside, &mut out);
            }
        }
        out
    }
}

#[inline]
fn orient(a: Point, b: Point, c: Point) -> i128 {
    (b.x - a.x) as i128 * (c.y - a.y) as i128 - (b.y - a.y) as i128 * (c.x - a.x) as i128
}

fn on_segment(a: Point, b: Point, p: Point) -> bool {
    p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x) && p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y)
}

/// Exact test: do the closed segments a–b and c–d share a point?
pub fn segments_intersect(a: Point, b: Point, c: Point, d: Point) -> bool {
    let d1 = orient(c, d, a);
    let d2 = orient(c, d, b);
    let d3 = orient(a, b, c);
    let d4 = orient(a, b, d);
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
        return true;
    }
    (d1 == 0 && on_segment(c, d, a))
        || (d2 == 0 && on_segment(c, d, b))
        || (d3 == 0 && on_segment(a, b, c))
        || (d4 == 0 && on_segment(a, b, d))
}

/// Where a–b meets c–d: the parameter along a–b (0..1) and the point.
pub(super) fn segment_hit(a: Point, b: Point, c: Point, d: Point) -> Option<(f64, Point)> {
    let t = segment_param(a, b, c, d)?;
    Some((
        t,
        Point::new(
            a.x + ((b.x - a.x) as f64 * t).round() as Coord,
            a.y + ((b.y - a.y) as f64 * t).round() as Coord,
        ),
    ))
}

/// Where along a–b (0..1) it properly crosses c–d, if it does.
fn segment_param(a: Point, b: Point, c: Point, d: Point) -> Option<f64> {
    let r = ((b.x - a.x) as f64, (b.y - a.y) as f64);
    let s = ((d.x - c.x) as f64, (d.y - c.y) as f64);
    let denom = r.0 * s.1 - r.1 * s.0;
    if denom == 0.0 {
        return None;
    }
    let q = ((c.x - a.x) as f64, (c.y - a.y) as f64);
    let t = (q.0 * s.1 - q.1 * s.0) / denom;
    let u = (q.0 * r.1 - q.1 * r.0) / denom;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: Coord, y0: Coord, s: Coord) -> Polygon {
        Polygon::rect(x0, y0, x0 + s, y0 + s)
    }

    fn holed() -> Vec<ExPolygon> {
        let mut hole = square(4000, 4000, 2000);
        hole.reverse();
        vec![ExPolygon {
            contour: square(0, 0, 10_000),
            holes: vec![hole],
        }]
    }

    #[test]
    fn contains_matches_expolygon() {
        let r = holed();
        let idx = EdgeIndex::from_regions(&r);
        for x in (-500..10_500).step_by(250) {
            for y in (-500..10_500).step_by(330) {
                let p = Point::new(x, y);
                assert_eq!(idx.contains(p), r[0].contains(p), "{p:?}");
            }
        }
    }

    #[test]
    fn crossing_walls() {
        let idx = EdgeIndex::from_regions(&holed());
        assert!(!idx.crosses(Point::new(1000, 1000), Point::new(9000, 1000)));
        assert!(idx.crosses(Point::new(1000, 5000), Point::new(9000, 5000)));
        assert!(idx.crosses(Point::new(1000, 1000), Point::new(11_000, 1000)));
    }

    #[test]
    fn clip_keeps_order_and_splits_at_holes() {
        let idx = EdgeIndex::from_regions(&holed());
        let line = Polyline::new(vec![Point::new(-1000, 5000), Point::new(12_000, 5000)]);
        let parts = idx.clip_polyline(&line);
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0].points,
            vec![Point::new(0, 5000), Point::new(4000, 5000)]
        );
        assert_eq!(
            parts[1].points,
            vec![Point::new(6000, 5000), Point::new(10_000, 5000)]
        );
        let mut rev = line.clone();
        rev.reverse();
        let parts = idx.clip_polyline(&rev);
        assert_eq!(
            parts[0].points,
            vec![Point::new(10_000, 5000), Point::new(6000, 5000)]
        );
    }

    proptest::proptest! {
        #[test]
        fn index_agrees_with_polygon_contains(
            radii in proptest::collection::vec(2000u32..20_000, 5..40),
            pts in proptest::collection::vec((-25_000i64..25_000, -25_000i64..25_000), 50),
        ) {
            let poly = crate::engine::geom::ops::tests::star(0, 0, &radii);
            let region = vec![ExPolygon::new(poly.clone())];
            let idx = EdgeIndex::from_regions(&region);
            for (x, y) in pts {
                let p = Point::new(x, y);
                let near_edge = (0..poly.points.len()).any(|i| {
                    crate::engine::geom::distance_to_segment(p, poly.points[i], poly.points[(i + 1) % poly.points.len()]) < 2.0
                });
                if !near_edge {
                    proptest::prop_assert_eq!(idx.contains(p), poly.contains(p), "{:?}", p);
                }
            }
        }
    }
}
