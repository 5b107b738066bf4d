//! Joining the segments of a scan along the boundary they were cut from: zig-zags (with
//! free ends anchored along the wall for sparse infill) and monotonic order. Two segment
//! ends on neighbouring scanlines that follow each other along the same boundary polygon
//! can be linked by the boundary between them, which crosses no other line.

use super::lines::{Hit, Scan};
use crate::engine::geom::{ExPolygon, Point, Polygon, Polyline};

/// The boundary links between segment ends. Two segment ends on neighbouring scanlines that
/// follow each other along the same boundary polygon can be joined by the boundary between
/// them (which crosses no other line), when that stretch is at most `max_link` long.
/// Ends are numbered segment * 2 + side (0 the left end, 1 the right end).
struct Links<'a> {
    sc: &'a Scan,
    polys: Vec<&'a Polygon>,
    /// Each end's neighbours along its polygon (usize::MAX when alone on it).
    next: Vec<usize>,
    prev: Vec<usize>,
    max_link: f64,
}

impl<'a> Links<'a> {
    fn new(sc: &'a Scan, rotated: &'a [ExPolygon], max_link: f64) -> Self {
        let n = sc.segments.len();
        let hit = |end: usize| &sc.segments[end / 2][end % 2];
        let mut along: Vec<usize> = (0..2 * n).collect();
        along.sort_unstable_by(|&a, &b| {
            let (ha, hb) = (hit(a), hit(b));
            (ha.poly, ha.edge)
                .cmp(&(hb.poly, hb.edge))
                .then(ha.t.total_cmp(&hb.t))
        });
        let mut next = vec![usize::MAX; 2 * n];
        let mut prev = vec![usize::MAX; 2 * n];
        for group in along.chunk_by(|&a, &b| hit(a).poly == hit(b).poly) {
            if group.len() < 2 {
                continue;
            }
            for g in 0..group.len() {
                let (a, b) = (group[g], group[(g + 1) % group.len()]);
                next[a] = b;
                prev[b] = a;
            }
        }
        Links {
            sc,
            polys: rotated.iter().flat_map(|r| r.polygons()).collect(),
            next,
            prev,
            max_link,
        }
    }

    fn hit(&self, end: usize) -> &Hit {
        &self.sc.segments[end / 2][end % 2]
    }

    fn point(&self, end: usize) -> Point {
        self.sc.point(self.hit(end))
    }

    /// Appends the boundary between ends `a` and `b` (not the ends themselves).
    fn path(&self, a: usize, b: usize, forward: bool, out: &mut Vec<Point>) {
        let (ha, hb) = (self.hit(a), self.hit(b));
        boundary(self.polys[ha.poly], ha, hb, forward, out);
    }

    fn length(&self, a: usize, b: usize, forward: bool) -> f64 {
        let mut pts = vec![self.point(a)];
        self.path(a, b, forward, &mut pts);
        pts.push(self.point(b));
        pts.windows(2).map(|w| w[0].distance(w[1])).sum()
    }

    /// The boundary from free end `e` onward (the end's own point left out), at most `limit`
    /// long and never past half-way to the next end along the boundary when that end is
    /// free too (it may anchor towards `e`), nor closer than half a spacing to a linked one.
    /// Of the two directions, the one that allows the longer anchor.
    fn anchor(&self, e: usize, limit: f64, link: &[Option<(usize, bool)>]) -> Vec<Point> {
        let (mut best, mut best_len) = (Polyline::new(Vec::new()), 0.0);
        for (o, fwd) in [(self.next[e], true), (self.prev[e], false)] {
            if o == usize::MAX || o == e {
                continue;
            }
            let mut stretch = Polyline::new(vec![self.point(e)]);
            self.path(e, o, fwd, &mut stretch.points);
            stretch.points.push(self.point(o));
            let length = stretch.length();
            let room = if link[o].is_none() {
                length / 2.0
            } else {
                length - self.sc.spacing as f64 / 2.0
            };
            let want = limit.min(room);
            if want > best_len {
                stretch.clip_end(length - want);
                (best, best_len) = (stretch, want);
            }
        }
        best.points.into_iter().skip(1).collect()
    }

    /// The end on scanline `k` that `e` can be linked to, and the direction along the
    /// boundary to it.
    fn toward(&self, e: usize, k: i64) -> Option<(usize, bool)> {
        [(self.next[e], true), (self.prev[e], false)]
            .into_iter()
            .find(|&(o, _)| o != usize::MAX && self.hit(o).k == k)
            .filter(|&(o, fwd)| {
                self.max_link == f64::INFINITY || self.length(e, o, fwd) <= self.max_link
            })
    }
}

/// Chains of segments joined end to end along the boundary, the way a continuous zig-zag
/// prints. Chains grow upward from the lowest free segment, one scanline at a time (so they
/// zig-zag); then the free ends left over are joined where they can be, shortest link first,
/// never closing a ring. A chain's free ends are carried on along the boundary for up to
/// `anchor`, never past half-way to the next line's end.
pub(super) fn zigzag(
    sc: &Scan,
    rotated: &[ExPolygon],
    max_link: f64,
    anchor: f64,
) -> Vec<Vec<Point>> {
    let links = Links::new(sc, rotated, max_link);
    let n = sc.segments.len();
    // link[end] = (the end it joins, whether that end lies forward along the boundary).
    let mut link: Vec<Option<(usize, bool)>> = vec![None; 2 * n];
    let mut set: Vec<usize> = (0..n).collect();
    fn root(set: &mut [usize], mut a: usize) -> usize {
        while set[a] != a {
            set[a] = set[set[a]];
            a = set[a];
        }
        a
    }
    let mut used = vec![false; n];
    let up = |e: usize, used: &[bool]| {
        links
            .toward(e, links.hit(e).k + 1)
            .filter(|&(o, _)| !used[o / 2])
    };
    for start in 0..n {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut exit = if up(start * 2 + 1, &used).is_some() {
            start * 2 + 1
        } else {
            start * 2
        };
        while let Some((o, fwd)) = up(exit, &used) {
            used[o / 2] = true;
            link[exit] = Some((o, fwd));
            link[o] = Some((exit, !fwd));
            let (ra, rb) = (root(&mut set, exit / 2), root(&mut set, o / 2));
            set[ra] = rb;
            exit = o ^ 1;
        }
    }
    // Join the free ends left over.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for a in 0..2 * n {
        let b = links.next[a];
        if b != usize::MAX
            && link[a].is_none()
            && link[b].is_none()
            && (links.hit(a).k - links.hit(b).k).abs() == 1
        {
            let len = links.length(a, b, true);
            if len <= max_link {
                candidates.push((len, a, b));
            }
        }
    }
    candidates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    for &(_, a, b) in &candidates {
        if link[a].is_some() || link[b].is_some() {
            continue;
        }
        let (ra, rb) = (root(&mut set, a / 2), root(&mut set, b / 2));
        if ra == rb {
            continue;
        }
        set[ra] = rb;
        link[a] = Some((b, true));
        link[b] = Some((a, false));
    }
    // Walk each chain from one of its free ends.
    used.fill(false);
    let mut out = Vec::new();
    for start in 0..n {
        if used[start] {
            continue;
        }
        let mut enter = start * 2;
        while let Some((o, _)) = link[enter] {
            enter = o ^ 1;
        }
        let mut pts: Vec<Point> = Vec::new();
        if anchor > 0.0 {
            pts = links.anchor(enter, anchor, &link);
            pts.reverse();
        }
        // An end with no anchor runs on free.
        if pts.is_empty() {
            pts.push(sc.free_point(enter));
        }
        let last_exit = loop {
            used[enter / 2] = true;
            let exit = enter ^ 1;
            pts.push(links.point(enter));
            pts.push(links.point(exit));
            let Some((o, forward)) = link[exit] else {
                break exit;
            };
            links.path(exit, o, forward, &mut pts);
            enter = o;
        };
        let tail = if anchor > 0.0 {
            links.anchor(last_exit, anchor, &link)
        } else {
            Vec::new()
        };
        if tail.is_empty() {
            pts.push(sc.free_point(last_exit));
        }
        pts.extend(tail);
        pts.dedup();
        straighten(&mut pts);
        out.push(pts);
    }
    out
}

/// Lines in monotonic order: every line is laid after the lines below it that it touches,
/// so each one presses against finished plastic on the same side (no ridges where two
/// fronts meet on a top surface). The segments form monotonic strips (runs of lines with
/// one neighbour above and below); a strip is printed bottom to top as a zig-zag where the
/// boundary links it, and strips go nearest first among those whose neighbours below are
/// done. The result is in printing order and oriented.
pub(super) fn monotonic(sc: &Scan, rotated: &[ExPolygon], max_link: f64) -> Vec<Vec<Point>> {
    let links = Links::new(sc, rotated, max_link);
    let segs = &sc.segments;
    let n = segs.len();
    // Neighbours on the next scanline up: segments whose x ranges overlap.
    let mut above: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut below_count = vec![0usize; n];
    let line_start = |k: i64| segs.partition_point(|s| s[0].k < k);
    for s in 0..n {
        let [a, b] = segs[s];
        for (j, [c, d]) in segs.iter().enumerate().skip(line_start(a.k + 1)) {
            if c.k != a.k + 1 || c.x > b.x {
                break;
            }
            if d.x >= a.x {
                above[s].push(j);
                below_count[j] += 1;
            }
        }
    }
    // Strips, bottom segment first.
    let mut strip_of = vec![usize::MAX; n];
    let mut strips: Vec<Vec<usize>> = Vec::new();
    for s in 0..n {
        if strip_of[s] != usize::MAX {
            continue;
        }
        let id = strips.len();
        let mut strip = vec![s];
        strip_of[s] = id;
        let mut cur = s;
        while above[cur].len() == 1 && below_count[above[cur][0]] == 1 {
            cur = above[cur][0];
            strip_of[cur] = id;
            strip.push(cur);
        }
        strips.push(strip);
    }
    // A strip waits for the strips of its bottom segment's neighbours below.
    let mut waiting = vec![0usize; strips.len()];
    let mut unlocks: Vec<Vec<usize>> = vec![Vec::new(); strips.len()];
    for (id, strip) in strips.iter().enumerate() {
        for &j in strip.iter().flat_map(|&s| &above[s]) {
            let t = strip_of[j];
            if t != id {
                waiting[t] += 1;
                unlocks[id].push(t);
            }
        }
    }
    let mut ready: Vec<usize> = (0..strips.len()).filter(|&t| waiting[t] == 0).collect();
    let mut pos = segs.first().map_or(Point::default(), |s| sc.point(&s[0]));
    let mut out: Vec<Vec<Point>> = Vec::new();
    while !ready.is_empty() {
        // The ready strip whose bottom line starts nearest.
        let mut best = (f64::MAX, 0, 0);
        for (i, &t) in ready.iter().enumerate() {
            let b = strips[t][0];
            for end in [b * 2, b * 2 + 1] {
                let d = links.point(end).distance_sq(pos);
                if d < best.0 {
                    best = (d, i, end);
                }
            }
        }
        let (_, i, mut enter) = best;
        let t = ready.swap_remove(i);
        let mut pts: Vec<Point> = Vec::new();
        let mut exit = enter;
        for (idx, &s) in strips[t].iter().enumerate() {
            if idx > 0 {
                match links
                    .toward(exit, segs[s][0].k)
                    .filter(|&(o, _)| o / 2 == s)
                {
                    Some((o, fwd)) => {
                        links.path(exit, o, fwd, &mut pts);
                        enter = o;
                    }
                    None => {
                        let at = links.point(exit);
                        pts.push(sc.free_point(exit));
                        pts.dedup();
                        straighten(&mut pts);
                        out.push(std::mem::take(&mut pts));
                        enter = if links.point(s * 2).distance_sq(at)
                            <= links.point(s * 2 + 1).distance_sq(at)
                        {
                            s * 2
                        } else {
                            s * 2 + 1
                        };
                    }
                }
            }
            exit = enter ^ 1;
            if pts.is_empty() {
                pts.push(sc.free_point(enter));
            }
            pts.push(links.point(enter));
            pts.push(links.point(exit));
        }
        pts.push(sc.free_point(exit));
        pos = *pts.last().unwrap_or(&pos);
        pts.dedup();
        straighten(&mut pts);
        out.push(pts);
        for &u in &unlocks[t] {
            waiting[u] -= 1;
            if waiting[u] == 0 {
                ready.push(u);
            }
        }
    }
    out
}

/// Drops the vertex next to each end of a path where the end only carries the first or
/// last line on along its scanline (a free end's reach).
fn straighten(pts: &mut Vec<Point>) {
    let inline = |a: Point, b: Point, c: Point| {
        a.y == b.y && b.y == c.y && (a.x - b.x).signum() == (b.x - c.x).signum()
    };
    let n = pts.len();
    if n >= 3 && inline(pts[n - 3], pts[n - 2], pts[n - 1]) {
        pts.remove(n - 2);
    }
    if pts.len() >= 3 && inline(pts[0], pts[1], pts[2]) {
        pts.remove(1);
    }
}

/// Appends the boundary's vertices strictly between crossings `a` and `b` of one polygon,
/// walking forward (in the polygon's order) or backward from `a`.
fn boundary(poly: &Polygon, a: &Hit, b: &Hit, forward: bool, out: &mut Vec<Point>) {
    let n = poly.points.len();
    if forward {
        // Vertices a.edge+1 ..= b.edge, going round when b lies behind a.
        if a.edge == b.edge && b.t >= a.t {
            return;
        }
        let mut e = a.edge;
        loop {
            e = (e + 1) % n;
            out.push(poly.points[e]);
            if e == b.edge {
                break;
            }
        }
    } else {
        // Vertices a.edge, a.edge-1, ..., b.edge+1.
        if a.edge == b.edge && b.t <= a.t {
            return;
        }
        let mut e = a.edge;
        loop {
            out.push(poly.points[e]);
            e = (e + n - 1) % n;
            if e == b.edge {
                break;
            }
        }
    }
}
