//! Travel routing that avoids crossing walls: where a straight move would leave the part and
//! come back in, it follows the boundary between the crossings instead (the shorter way
//! round), then pulls the route taut.

use super::index::segment_hit;
use super::{EdgeIndex, Point, Polygon};

/// Boundary polygons (outlines pulled in a little) with an index over their edges.
pub struct Router {
    polygons: Vec<Polygon>,
    index: EdgeIndex,
}

struct Crossing {
    t: f64,
    polygon: usize,
    edge: usize,
    at: Point,
}

impl Router {
    pub fn new(polygons: Vec<Polygon>) -> Router {
        let index = EdgeIndex::from_polygons(polygons.iter());
        Router { polygons, index }
    }

    /// Inside the region the boundary encloses.
    pub fn contains(&self, p: Point) -> bool {
        self.index.contains(p)
    }

    /// A route from `a` to `b` (both ends included) that crosses the boundary only where the
    /// straight line would cross it an odd number of times (to leave or enter the part).
    pub fn route(&self, a: Point, b: Point) -> Vec<Point> {
        if a == b || !self.index.crosses(a, b) {
            return vec![a, b];
        }
        let mut hits: Vec<Crossing> = Vec::new();
        for (pi, poly) in self.polygons.iter().enumerate() {
            let n = poly.points.len();
            for e in 0..n {
                let (c, d) = (poly.points[e], poly.points[(e + 1) % n]);
                if let Some((t, at)) = segment_hit(a, b, c, d) {
                    hits.push(Crossing {
                        t,
                        polygon: pi,
                        edge: e,
                        at,
                    });
                }
            }
        }
        hits.sort_by(|x, y| x.t.total_cmp(&y.t));
        let mut path = vec![a];
        let mut k = 0;
        while k < hits.len() {
            // The next crossing of the same polygon closes the excursion outside it.
            let p = hits[k].polygon;
            match (k + 1..hits.len()).find(|&j| hits[j].polygon == p) {
                Some(j) => {
                    path.push(hits[k].at);
                    path.extend(self.walk(p, hits[k].edge, hits[j].edge));
                    path.push(hits[j].at);
                    k = j + 1;
                }
                None => k += 1,
            }
        }
        path.push(b);
        self.pull_taut(path)
    }

    /// Vertices of polygon `p` from the end of edge `from` to the start of edge `to`, going
    /// whichever way round is shorter.
    fn walk(&self, p: usize, from: usize, to: usize) -> Vec<Point> {
        let pts = &self.polygons[p].points;
        let n = pts.len();
        if from == to {
            return Vec::new();
        }
        let forward: Vec<Point> = {
            let mut v = Vec::new();
            let mut i = (from + 1) % n;
            loop {
                v.push(pts[i]);
                if i == to {
                    break;
                }
                i = (i + 1) % n;
            }
            v
        };
        let backward: Vec<Point> = {
            let mut v = Vec::new();
            let mut i = from;
            loop {
                v.push(pts[i]);
                let next = (i + n - 1) % n;
                if i == (to + 1) % n {
                    break;
                }
                i = next;
            }
            v
        };
        let len = |v: &[Point]| v.windows(2).map(|w| w[0].distance(w[1])).sum::<f64>();
        if len(&forward) <= len(&backward) {
            forward
        } else {
            backward
        }
    }

    /// Drops corners the route can cut without crossing the boundary.
    fn pull_taut(&self, path: Vec<Point>) -> Vec<Point> {
        let mut out = vec![path[0]];
        let mut i = 0;
        while i < path.len() - 1 {
            let mut j = path.len() - 1;
            while j > i + 1 && self.index.leaves(path[i], path[j]) {
                j -= 1;
            }
            out.push(path[j]);
            i = j;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_round_a_notch_instead_of_across_it() {
        // A U shape: travel between the arms' tips would cross the gap between them.
        let u = Polygon::new(vec![
            Point::new(0, 0),
            Point::new(30_000, 0),
            Point::new(30_000, 30_000),
            Point::new(20_000, 30_000),
            Point::new(20_000, 10_000),
            Point::new(10_000, 10_000),
            Point::new(10_000, 30_000),
            Point::new(0, 30_000),
        ]);
        let r = Router::new(vec![u]);
        let (a, b) = (Point::new(5000, 25_000), Point::new(25_000, 25_000));
        let path = r.route(a, b);
        assert!(path.len() >= 4, "{path:?}");
        assert_eq!(path[0], a);
        assert_eq!(*path.last().unwrap(), b);
        // Every leg stays inside: none reaches above the notch's floor between the arms.
        for w in path.windows(2) {
            let mid = Point::new((w[0].x + w[1].x) / 2, (w[0].y + w[1].y) / 2);
            assert!(
                !(mid.x > 10_000 && mid.x < 20_000 && mid.y > 10_000),
                "{path:?}"
            );
        }
        // A clear move stays straight.
        assert_eq!(
            r.route(Point::new(1000, 1000), Point::new(29_000, 1000))
                .len(),
            2
        );
    }
}
