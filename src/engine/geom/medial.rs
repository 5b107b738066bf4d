//! The centre lines of thin regions, with their local widths: the chordal axis of a
//! constrained Delaunay triangulation (spade). Each triangle inside the region links the
//! midpoints of its inner edges (chords that cross the region from side to side); a chord's
//! length is the local width. Used for thin walls and gap fill, which print one line of
//! varying width where two walls do not fit.

use super::{ExPolygon, Point};
use crate::engine::units::Coord;
use rustc_hash::FxHashMap;
use spade::{ConstrainedDelaunayTriangulation, Point2, Triangulation};

/// A centre line with the region's width at each point (micrometres).
#[derive(Debug, Clone, PartialEq)]
pub struct ThickPolyline {
    pub points: Vec<Point>,
    pub widths: Vec<Coord>,
}

impl ThickPolyline {
    pub fn length(&self) -> f64 {
        self.points.windows(2).map(|w| w[0].distance(w[1])).sum()
    }
}

/// Centre lines of `region` where it is between `min_width` and `max_width` wide (wider
/// parts are clamped to `max_width`; narrower parts are left out).
pub fn medial_axis(region: &ExPolygon, min_width: Coord, max_width: Coord) -> Vec<ThickPolyline> {
    // Sample the boundary densely enough that chords run across the region.
    let step = (max_width / 4).max(50) as f64;
    let mut vertices: Vec<Point2<f64>> = Vec::new();
    let mut edges: Vec<[usize; 2]> = Vec::new();
    let mut index: FxHashMap<Point, usize> = FxHashMap::default();
    for poly in region.polygons() {
        let n = poly.points.len();
        if n < 3 {
            continue;
        }
        let mut ring: Vec<usize> = Vec::new();
        for i in 0..n {
            let (a, b) = (poly.points[i], poly.points[(i + 1) % n]);
            let pieces = (a.distance(b) / step).ceil().max(1.0) as i64;
            for k in 0..pieces {
                let t = k as f64 / pieces as f64;
                let p = Point::new(
                    a.x + ((b.x - a.x) as f64 * t).round() as Coord,
                    a.y + ((b.y - a.y) as f64 * t).round() as Coord,
                );
                let id = *index.entry(p).or_insert_with(|| {
                    vertices.push(Point2::new(p.x as f64, p.y as f64));
                    vertices.len() - 1
                });
                if ring.last() != Some(&id) {
                    ring.push(id);
                }
            }
        }
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            if a != b {
                edges.push([a, b]);
            }
        }
    }
    if vertices.len() < 3 {
        return Vec::new();
    }
    let Ok(cdt) =
        ConstrainedDelaunayTriangulation::<Point2<f64>>::try_bulk_load_cdt(vertices, edges, |_| {})
    else {
        return Vec::new();
    };
    let to_point = |p: Point2<f64>| Point::new(p.x.round() as Coord, p.y.round() as Coord);

    // Inside faces: the centroid is in the region (boundary vertices are all constraints, so
    // a triangle is either wholly inside or wholly outside).
    let mut graph = AxisGraph::default();
    for face in cdt.inner_faces() {
        let c = face.center();
        if !region.contains(to_point(c)) {
            continue;
        }
        let chords: Vec<(Point, Coord)> = face
            .adjacent_edges()
            .iter()
            .filter(|e| !e.as_undirected().data().is_constraint_edge())
            .map(|e| {
                let (a, b) = (e.from().position(), e.to().position());
                let mid = to_point(Point2::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0));
                let len = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt() as Coord;
                (mid, len)
            })
            .collect();
        match chords.len() {
            2 => graph.link(chords[0], chords[1]),
            3 => {
                let w = (chords[0].1 + chords[1].1 + chords[2].1) / 3;
                let centre = (to_point(c), w);
                for ch in &chords {
                    graph.link(centre, *ch);
                }
            }
            _ => {}
        }
    }
    graph.prune();
    graph
        .polylines()
        .into_iter()
        .flat_map(|line| split_by_width(line, min_width, max_width))
        .filter(|l| l.points.len() >= 2)
        .collect()
}

/// Nodes are chord midpoints (with widths); edges come from triangles.
#[derive(Default)]
struct AxisGraph {
    nodes: Vec<(Point, Coord)>,
    ids: FxHashMap<Point, usize>,
    adj: Vec<Vec<usize>>,
}

impl AxisGraph {
    fn node(&mut self, n: (Point, Coord)) -> usize {
        if let Some(&i) = self.ids.get(&n.0) {
            return i;
        }
        self.nodes.push(n);
        self.adj.push(Vec::new());
        self.ids.insert(n.0, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn link(&mut self, a: (Point, Coord), b: (Point, Coord)) {
        let (i, j) = (self.node(a), self.node(b));
        if i != j && !self.adj[i].contains(&j) {
            self.adj[i].push(j);
            self.adj[j].push(i);
        }
    }

    /// Removes spurs: branches from a leaf to a junction shorter than the junction's width
    /// (the axis forking into a region's corners). All short spurs of a junction go at once,
    /// except that a junction made only of spurs keeps its longest.
    fn prune(&mut self) {
        loop {
            // (junction, path from leaf to junction, length)
            let mut spurs: Vec<(usize, Vec<usize>, f64)> = Vec::new();
            for leaf in 0..self.nodes.len() {
                if self.adj[leaf].len() != 1 {
                    continue;
                }
                let mut path = vec![leaf];
                let (mut prev, mut cur) = (leaf, self.adj[leaf][0]);
                let mut length = self.nodes[leaf].0.distance(self.nodes[cur].0);
                while self.adj[cur].len() == 2 {
                    let next = if self.adj[cur][0] == prev {
                        self.adj[cur][1]
                    } else {
                        self.adj[cur][0]
                    };
                    path.push(cur);
                    length += self.nodes[cur].0.distance(self.nodes[next].0);
                    prev = cur;
                    cur = next;
                }
                if self.adj[cur].len() >= 3 && length < self.nodes[cur].1 as f64 {
                    path.push(cur);
                    spurs.push((cur, path, length));
                }
            }
            if spurs.is_empty() {
                break;
            }
            spurs.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)));
            let mut i = 0;
            while i < spurs.len() {
                let junction = spurs[i].0;
                let mut j = i;
                while j < spurs.len() && spurs[j].0 == junction {
                    j += 1;
                }
                // Spurs sorted longest first: keep the longest when nothing else remains.
                let skip = usize::from(j - i >= self.adj[junction].len());
                for (_, path, _) in &spurs[i + skip..j] {
                    for w in path.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        self.adj[a].retain(|&x| x != b);
                        self.adj[b].retain(|&x| x != a);
                    }
                }
                i = j;
            }
        }
    }

    /// Chains between nodes of degree other than two (and closed cycles).
    fn polylines(&self) -> Vec<ThickPolyline> {
        let mut used: rustc_hash::FxHashSet<(usize, usize)> = Default::default();
        let key = |a: usize, b: usize| (a.min(b), a.max(b));
        let mut out = Vec::new();
        let mut starts: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.adj[i].len() != 2)
            .collect();
        starts.extend(0..self.nodes.len());
        for s in starts {
            for &first in &self.adj[s] {
                if used.contains(&key(s, first)) {
                    continue;
                }
                let mut pts = vec![s];
                let (mut prev, mut cur) = (s, first);
                used.insert(key(s, first));
                loop {
                    pts.push(cur);
                    if self.adj[cur].len() != 2 || cur == s {
                        break;
                    }
                    let next = if self.adj[cur][0] == prev {
                        self.adj[cur][1]
                    } else {
                        self.adj[cur][0]
                    };
                    if used.contains(&key(cur, next)) {
                        break;
                    }
                    used.insert(key(cur, next));
                    prev = cur;
                    cur = next;
                }
                out.push(ThickPolyline {
                    points: pts.iter().map(|&i| self.nodes[i].0).collect(),
                    widths: pts.iter().map(|&i| self.nodes[i].1).collect(),
                });
            }
        }
        out
    }
}

/// Drops runs narrower than `min`; clamps widths to `max`.
fn split_by_width(line: ThickPolyline, min: Coord, max: Coord) -> Vec<ThickPolyline> {
    let mut out = Vec::new();
    let mut cur = ThickPolyline {
        points: Vec::new(),
        widths: Vec::new(),
    };
    for (p, w) in line.points.into_iter().zip(line.widths) {
        if w < min {
            if cur.points.len() >= 2 {
                out.push(std::mem::replace(
                    &mut cur,
                    ThickPolyline {
                        points: Vec::new(),
                        widths: Vec::new(),
                    },
                ));
            } else {
                cur.points.clear();
                cur.widths.clear();
            }
            continue;
        }
        cur.points.push(p);
        cur.widths.push(w.min(max));
    }
    if cur.points.len() >= 2 {
        out.push(cur);
    }
    out
}

/// Triangles covering `region` exactly (a constrained Delaunay triangulation of its
/// outline), counter-clockwise.
pub fn triangulate(region: &ExPolygon) -> Vec<[Point; 3]> {
    let mut vertices: Vec<Point2<f64>> = Vec::new();
    let mut edges: Vec<[usize; 2]> = Vec::new();
    let mut index: FxHashMap<Point, usize> = FxHashMap::default();
    for poly in region.polygons() {
        let n = poly.points.len();
        let ids: Vec<usize> = poly
            .points
            .iter()
            .map(|p| {
                *index.entry(*p).or_insert_with(|| {
                    vertices.push(Point2::new(p.x as f64, p.y as f64));
                    vertices.len() - 1
                })
            })
            .collect();
        for i in 0..n {
            if ids[i] != ids[(i + 1) % n] {
                edges.push([ids[i], ids[(i + 1) % n]]);
            }
        }
    }
    let Ok(cdt) =
        ConstrainedDelaunayTriangulation::<Point2<f64>>::try_bulk_load_cdt(vertices, edges, |_| {})
    else {
        return Vec::new();
    };
    let to_point = |p: Point2<f64>| Point::new(p.x.round() as Coord, p.y.round() as Coord);
    cdt.inner_faces()
        .filter(|f| region.contains(to_point(f.center())))
        .map(|f| {
            let [a, b, c] = f.vertices().map(|v| to_point(v.position()));
            if super::cross(a, b, c) >= 0.0 {
                [a, b, c]
            } else {
                [a, c, b]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(w: Coord, h: Coord) -> ExPolygon {
        ExPolygon::rect(0, 0, w, h)
    }

    #[test]
    fn strip_gives_its_centre_line() {
        // 20 mm long, 0.5 mm wide.
        let lines = medial_axis(&rect(20_000, 500), 100, 1000);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let l = &lines[0];
        assert!(l.length() > 18_000.0, "length {}", l.length());
        for (p, w) in l.points.iter().zip(&l.widths) {
            assert!((p.y - 250).abs() <= 30, "off centre: {p:?}");
            assert!(*w >= 350 && *w <= 700, "width {w}");
        }
        let mid = &l.widths[1..l.widths.len() - 1];
        assert!(mid.iter().all(|w| *w >= 450), "{mid:?}");
    }

    #[test]
    fn triangulation_covers_a_holed_square() {
        let mut hole = rect(4000, 4000);
        hole.contour
            .points
            .iter_mut()
            .for_each(|p| *p = Point::new(p.x + 3000, p.y + 3000));
        hole.contour.reverse();
        let region = ExPolygon {
            contour: rect(10_000, 10_000).contour,
            holes: vec![hole.contour],
        };
        let tris = triangulate(&region);
        let area: f64 = tris
            .iter()
            .map(|t| super::super::cross(t[0], t[1], t[2]) / 2.0)
            .sum();
        assert!((area - (1e8 - 16e6)).abs() < 1.0, "{area}");
    }

    #[test]
    fn too_narrow_gives_nothing() {
        assert!(medial_axis(&rect(20_000, 50), 100, 1000).is_empty());
    }
}
