//! Paint on a mesh's triangles: where supports are enforced or blocked. Each painted triangle
//! holds a tree: a leaf is one state; a split node divides its triangle at edge midpoints into
//! 2, 3 or 4 children, the way PrusaSlicer's `TriangleSelector` does, so that a brush can
//! paint part of a large triangle. The tree's text form is PrusaSlicer's
//! (`slic3rpe:custom_supports="…"` on a 3MF triangle, also read and written by OrcaSlicer),
//! so painted projects travel between the three. Written here because no crate reads that
//! format; the subdivision rules must match PrusaSlicer's bit for bit.

use super::Mesh;
use glam::DVec3;
use std::collections::BTreeMap;

/// What a painted piece asks of supports or seams (PrusaSlicer's `EnforcerBlockerType`
/// values; higher values are other painters' extruder numbers and are kept as they are).
pub const NONE: u8 = 0;
pub const ENFORCER: u8 = 1;
pub const BLOCKER: u8 = 2;

/// Which painter a paint belongs to: PrusaSlicer's support painter or its seam painter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaintKind {
    Support,
    Seam,
}

impl PaintKind {
    /// The 3MF triangle attribute PrusaSlicer writes this paint in (namespace `slic3rpe:`).
    pub fn attribute(self) -> &'static str {
        match self {
            PaintKind::Support => "custom_supports",
            PaintKind::Seam => "custom_seam",
        }
    }

    /// The paint a 3MF triangle attribute holds: PrusaSlicer's names, and OrcaSlicer's
    /// `paint_supports` and `paint_seam`.
    pub fn from_attribute(local_name: &str) -> Option<PaintKind> {
        match local_name {
            "custom_supports" | "paint_supports" => Some(PaintKind::Support),
            "custom_seam" | "paint_seam" => Some(PaintKind::Seam),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaintKind::Support => "support",
            PaintKind::Seam => "seam",
        }
    }
}

/// One triangle's paint: a state, or a split into children (PrusaSlicer's child order).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Leaf(u8),
    Split {
        /// Edges split: 1, 2 or 3 (2, 3 or 4 children).
        sides: u8,
        /// The corner the split turns on (0 for three sides).
        special: u8,
        children: Vec<Node>,
    },
}

/// Paint over a mesh's triangles, by triangle index (unpainted triangles are absent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetPaint {
    trees: BTreeMap<u32, Node>,
}

/// The children of a triangle split at `sides` edges turning on corner `special`, as
/// PrusaSlicer's `perform_split` makes them.
fn split_corners(c: [DVec3; 3], sides: u8, special: u8) -> Vec<[DVec3; 3]> {
    let s = special as usize % 3;
    let [v0, v1, v2] = [c[s], c[(s + 1) % 3], c[(s + 2) % 3]];
    let mid = |a: DVec3, b: DVec3| (a + b) * 0.5;
    match sides {
        1 => {
            let m = mid(v1, v2);
            vec![[v0, v1, m], [m, v2, v0]]
        }
        2 => {
            let (m01, m02) = (mid(v0, v1), mid(v0, v2));
            vec![[v0, m01, m02], [m01, v1, m02], [v1, v2, m02]]
        }
        _ => {
            let (m01, m12, m20) = (mid(v0, v1), mid(v1, v2), mid(v2, v0));
            vec![
                [v0, m01, m20],
                [m01, v1, m12],
                [m12, v2, m20],
                [m01, m12, m20],
            ]
        }
    }
}

impl Node {
    /// A split whose children are all one state becomes a leaf of it.
    fn collapse(self) -> Node {
        if let Node::Split { children, .. } = &self
            && let Some(&Node::Leaf(first)) = children.first()
            && children.iter().all(|c| *c == Node::Leaf(first))
        {
            return Node::Leaf(first);
        }
        self
    }

    /// Calls `f(state, corners)` for every leaf of this node over `corners`.
    fn leaves(&self, c: [DVec3; 3], f: &mut impl FnMut(u8, [DVec3; 3])) {
        match self {
            Node::Leaf(s) => f(*s, c),
            Node::Split {
                sides,
                special,
                children,
            } => {
                for (child, cc) in children.iter().zip(split_corners(c, *sides, *special)) {
                    child.leaves(cc, f);
                }
            }
        }
    }

    /// The state at point `p` of the triangle (corners `c`).
    fn state_at(&self, c: [DVec3; 3], p: DVec3) -> u8 {
        match self {
            Node::Leaf(s) => *s,
            Node::Split {
                sides,
                special,
                children,
            } => {
                let parts = split_corners(c, *sides, *special);
                let inside = |[a, b, c]: [DVec3; 3]| {
                    let n = (b - a).cross(c - a);
                    [(a, b), (b, c), (c, a)]
                        .iter()
                        .all(|(u, v)| (*v - *u).cross(p - *u).dot(n) >= -1e-12)
                };
                let k = parts.iter().position(|t| inside(*t)).unwrap_or(0);
                children[k].state_at(parts[k], p)
            }
        }
    }

    /// The same paint over the same triangle with its corners given in another order
    /// (`to` is a permutation of `from`): repair may turn a triangle round. Splits at one
    /// and three sides come out exactly; a split at two sides cuts its quadrilateral along
    /// the other diagonal once turned round, so those two pieces take the state at their
    /// centres.
    fn reorder(&self, from: [DVec3; 3], to: [DVec3; 3]) -> Node {
        let Node::Split {
            sides,
            special,
            children,
        } = self
        else {
            return self.clone();
        };
        let same = |a: DVec3, b: DVec3| a.distance_squared(b) < 1e-18;
        let pivot = from[*special as usize % 3];
        let special2 = if *sides == 3 {
            0
        } else {
            (0..3).find(|&k| same(to[k], pivot)).unwrap_or(0) as u8
        };
        let old = split_corners(from, *sides, *special);
        let new = split_corners(to, *sides, special2);
        let children = new
            .iter()
            .map(|nc| {
                match old
                    .iter()
                    .position(|oc| nc.iter().all(|p| oc.iter().any(|q| same(*p, *q))))
                {
                    Some(i) => children[i].reorder(old[i], *nc),
                    None => Node::Leaf(self.state_at(from, (nc[0] + nc[1] + nc[2]) / 3.0)),
                }
            })
            .collect();
        Node::Split {
            sides: *sides,
            special: special2,
            children,
        }
    }

    /// PrusaSlicer's text form: 4-bit codes, depth first, children last to first, written
    /// as hex digits with the first code last.
    pub fn encode(&self) -> String {
        fn codes(n: &Node, out: &mut Vec<u8>) {
            match n {
                Node::Leaf(s) if *s < 3 => out.push(s << 2),
                Node::Leaf(s) => {
                    out.push(0b1100);
                    out.push((s - 3) & 0xF);
                }
                Node::Split {
                    sides,
                    special,
                    children,
                } => {
                    out.push(sides | (special << 2));
                    for c in children.iter().rev() {
                        codes(c, out);
                    }
                }
            }
        }
        let mut c = Vec::new();
        codes(self, &mut c);
        c.iter()
            .rev()
            .map(|&d| {
                char::from_digit(d as u32, 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase()
            })
            .collect()
    }

    /// Reads the text form; None if it is not a well-formed tree.
    pub fn decode(text: &str) -> Option<Node> {
        let mut codes = text
            .trim()
            .chars()
            .rev()
            .map(|c| c.to_digit(16).map(|d| d as u8));
        fn read(codes: &mut impl Iterator<Item = Option<u8>>, depth: usize) -> Option<Node> {
            let code = codes.next()??;
            let sides = code & 0b11;
            if sides == 0 {
                let state = code >> 2;
                return Some(Node::Leaf(if state == 3 {
                    codes.next()?? + 3
                } else {
                    state
                }));
            }
            // A split ten levels deep is a 1/1000-sized piece; deeper is garbage.
            if depth > 24 {
                return None;
            }
            let special = code >> 2;
            if special > 2 || (sides == 3 && special != 0) {
                return None;
            }
            let mut children: Vec<Node> = (0..=sides)
                .map(|_| read(codes, depth + 1))
                .collect::<Option<_>>()?;
            children.reverse();
            Some(Node::Split {
                sides,
                special,
                children,
            })
        }
        let node = read(&mut codes, 0)?;
        codes.next().is_none().then_some(node)
    }
}

/// Closest point of triangle `t` to `p` (Ericson, Real-Time Collision Detection 5.1.5).
fn closest_on_triangle(p: DVec3, [a, b, c]: [DVec3; 3]) -> DVec3 {
    let (ab, ac, ap) = (b - a, c - a, p - a);
    let (d1, d2) = (ab.dot(ap), ac.dot(ap));
    if d1 <= 0.0 && d2 <= 0.0 {
        return a;
    }
    let bp = p - b;
    let (d3, d4) = (ab.dot(bp), ac.dot(bp));
    if d3 >= 0.0 && d4 <= d3 {
        return b;
    }
    let vc = d1 * d4 - d3 * d2;
    if vc <= 0.0 && d1 >= 0.0 && d3 <= 0.0 {
        return a + ab * (d1 / (d1 - d3));
    }
    let cp = p - c;
    let (d5, d6) = (ab.dot(cp), ac.dot(cp));
    if d6 >= 0.0 && d5 <= d6 {
        return c;
    }
    let vb = d5 * d2 - d1 * d6;
    if vb <= 0.0 && d2 >= 0.0 && d6 <= 0.0 {
        return a + ac * (d2 / (d2 - d6));
    }
    let va = d3 * d6 - d5 * d4;
    if va <= 0.0 && (d4 - d3) >= 0.0 && (d5 - d6) >= 0.0 {
        return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
    }
    let denom = 1.0 / (va + vb + vc);
    a + ab * (vb * denom) + ac * (vc * denom)
}

/// A spherical brush stroke: paint `state` within `radius` of `centre`, splitting triangles
/// the sphere cuts until their pieces are no longer than `edge`.
struct Brush {
    centre: DVec3,
    radius: f64,
    state: u8,
    edge: f64,
}

impl Brush {
    fn inside(&self, p: DVec3) -> bool {
        p.distance_squared(self.centre) <= self.radius * self.radius
    }

    fn apply(&self, node: Node, c: [DVec3; 3]) -> Node {
        if c.iter().all(|&p| self.inside(p)) {
            return Node::Leaf(self.state);
        }
        if !self.inside(closest_on_triangle(self.centre, c)) {
            return node;
        }
        let longest = (0..3)
            .map(|k| c[k].distance(c[(k + 1) % 3]))
            .fold(0.0, f64::max);
        let node = match node {
            Node::Leaf(s) if longest <= self.edge => {
                let centroid = (c[0] + c[1] + c[2]) / 3.0;
                return Node::Leaf(if self.inside(centroid) { self.state } else { s });
            }
            Node::Leaf(s) => Node::Split {
                sides: 3,
                special: 0,
                children: vec![Node::Leaf(s); 4],
            },
            split => split,
        };
        let Node::Split {
            sides,
            special,
            children,
        } = node
        else {
            return node;
        };
        let corners = split_corners(c, sides, special);
        Node::Split {
            sides,
            special,
            children: children
                .into_iter()
                .zip(corners)
                .map(|(child, cc)| self.apply(child, cc))
                .collect(),
        }
        .collapse()
    }
}

fn corners(mesh: &Mesh, t: u32) -> Option<[DVec3; 3]> {
    let tri = mesh.triangles.get(t as usize)?;
    Some(tri.map(|i| mesh.vertex(i)))
}

impl FacetPaint {
    pub fn is_empty(&self) -> bool {
        self.trees.is_empty()
    }

    /// Whether any piece has `state`.
    pub fn has(&self, state: u8) -> bool {
        fn any(n: &Node, state: u8) -> bool {
            match n {
                Node::Leaf(s) => *s == state,
                Node::Split { children, .. } => children.iter().any(|c| any(c, state)),
            }
        }
        self.trees.values().any(|n| any(n, state))
    }

    pub fn get(&self, triangle: u32) -> Option<&Node> {
        self.trees.get(&triangle)
    }

    /// Sets one triangle's paint (an unpainted leaf removes it).
    pub fn set(&mut self, triangle: u32, node: Node) {
        if node == Node::Leaf(NONE) {
            self.trees.remove(&triangle);
        } else {
            self.trees.insert(triangle, node);
        }
    }

    /// (triangle, text form) of every painted triangle, in order.
    pub fn encoded(&self) -> Vec<(u32, String)> {
        self.trees.iter().map(|(&t, n)| (t, n.encode())).collect()
    }

    /// Paint from (triangle, text form) pairs, such as a 3MF's; the triangles must exist in
    /// a mesh of `triangle_count`. Returns the paint and how many entries were unreadable.
    pub fn from_encoded<'a>(
        entries: impl IntoIterator<Item = (u32, &'a str)>,
        triangle_count: usize,
    ) -> (FacetPaint, usize) {
        let mut paint = FacetPaint::default();
        let mut bad = 0;
        for (t, text) in entries {
            match Node::decode(text) {
                Some(n) if (t as usize) < triangle_count => paint.set(t, n),
                _ => bad += 1,
            }
        }
        (paint, bad)
    }

    /// Every painted piece of `state`, as corner triples in the mesh's coordinates.
    pub fn pieces(&self, mesh: &Mesh, state: u8) -> Vec<[DVec3; 3]> {
        let mut out = Vec::new();
        for (&t, node) in &self.trees {
            if let Some(c) = corners(mesh, t) {
                node.leaves(c, &mut |s, cc| {
                    if s == state {
                        out.push(cc);
                    }
                });
            }
        }
        out
    }

    /// The paint after repair renumbered and turned triangles: `origin[i]` is the original
    /// index of triangle i and whether its last two corners were swapped; `before` is the
    /// mesh's corner positions as they were, by original triangle.
    pub fn remap(&self, origin: &[(u32, bool)], before: &[[DVec3; 3]]) -> FacetPaint {
        if self.trees.is_empty() {
            return FacetPaint::default();
        }
        let mut out = FacetPaint::default();
        for (new, &(old, swapped)) in origin.iter().enumerate() {
            let Some(node) = self.trees.get(&old) else {
                continue;
            };
            let node = match (swapped, before.get(old as usize)) {
                (true, Some(&[a, b, c])) => node.reorder([a, b, c], [a, c, b]),
                _ => node.clone(),
            };
            out.set(new as u32, node);
        }
        out
    }

    /// Paints `state` within a sphere (mesh coordinates). Triangles the sphere's surface cuts
    /// are split down to pieces of about a fifth of the radius.
    pub fn paint_sphere(&mut self, mesh: &Mesh, centre: DVec3, radius: f64, state: u8) {
        let brush = Brush {
            centre,
            radius,
            state,
            edge: (radius / 5.0).max(0.05),
        };
        for (t, tri) in mesh.triangles.iter().enumerate() {
            let c = tri.map(|i| mesh.vertex(i));
            let lo = c[0].min(c[1]).min(c[2]);
            let hi = c[0].max(c[1]).max(c[2]);
            if (centre - centre.clamp(lo, hi)).length_squared() > radius * radius {
                continue;
            }
            let t = t as u32;
            let node = self.trees.get(&t).cloned().unwrap_or(Node::Leaf(NONE));
            let painted = brush.apply(node, c);
            self.set(t, painted);
        }
    }

    /// Paints whole triangles `state` (an empty state clears them).
    pub fn fill(&mut self, triangles: impl IntoIterator<Item = u32>, state: u8) {
        for t in triangles {
            self.set(t, Node::Leaf(state));
        }
    }

    /// Removes every piece of `state` (other paint stays).
    pub fn clear(&mut self, state: u8) {
        fn strip(n: Node, state: u8) -> Node {
            match n {
                Node::Leaf(s) if s == state => Node::Leaf(NONE),
                Node::Split {
                    sides,
                    special,
                    children,
                } => Node::Split {
                    sides,
                    special,
                    children: children.into_iter().map(|c| strip(c, state)).collect(),
                }
                .collapse(),
                n => n,
            }
        }
        let trees = std::mem::take(&mut self.trees);
        for (t, n) in trees {
            self.set(t, strip(n, state));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    fn area(pieces: &[[DVec3; 3]]) -> f64 {
        pieces
            .iter()
            .map(|[a, b, c]| (*b - *a).cross(*c - *a).length() / 2.0)
            .sum()
    }

    #[test]
    fn prusaslicer_codes_read_and_write() {
        // Whole triangles: PrusaSlicer writes "4" for an enforcer, "8" for a blocker.
        assert_eq!(Node::decode("4"), Some(Node::Leaf(ENFORCER)));
        assert_eq!(Node::decode("8"), Some(Node::Leaf(BLOCKER)));
        assert_eq!(Node::Leaf(BLOCKER).encode(), "8");
        // Extruder 5 of a multi-material paint: "11" then 5 − 3.
        assert_eq!(Node::decode("2C"), Some(Node::Leaf(5)));
        assert_eq!(Node::Leaf(5).encode(), "2C");
        // A triangle split at three edges: code 3, then children 3, 2, 1, 0 (reversed).
        let n = Node::Split {
            sides: 3,
            special: 0,
            children: vec![
                Node::Leaf(ENFORCER),
                Node::Leaf(NONE),
                Node::Leaf(BLOCKER),
                Node::Leaf(NONE),
            ],
        };
        assert_eq!(n.encode(), "40803");
        assert_eq!(Node::decode("40803"), Some(n));
        for bad in ["", "G", "7", "403", "44"] {
            assert_eq!(Node::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_brush_paints_part_of_a_large_triangle() {
        // The 20 mm square bottom of a box, brushed with a 3 mm sphere at its centre: the
        // painted area is about the disc's, though each bottom triangle is 200 mm².
        let m = box_mesh([0.0; 3], [20.0, 20.0, 10.0]);
        let mut p = FacetPaint::default();
        p.paint_sphere(&m, DVec3::new(10.0, 10.0, 0.0), 3.0, ENFORCER);
        let a = area(&p.pieces(&m, ENFORCER));
        let disc = std::f64::consts::PI * 9.0;
        assert!((a - disc).abs() / disc < 0.1, "painted {a} mm² vs {disc}");
        assert!(p.pieces(&m, BLOCKER).is_empty());
        // A blocker over part of it replaces that part.
        p.paint_sphere(&m, DVec3::new(12.0, 10.0, 0.0), 1.5, BLOCKER);
        let b = area(&p.pieces(&m, BLOCKER));
        assert!(b > 5.0 && b < 8.5, "blocked {b}");
        assert!(area(&p.pieces(&m, ENFORCER)) < a - 4.0);
        // The text form carries it all.
        let (back, bad) =
            FacetPaint::from_encoded(p.encoded().iter().map(|(t, s)| (*t, s.as_str())), 12);
        assert_eq!((back, bad), (p.clone(), 0));
        p.clear(ENFORCER);
        assert!(!p.has(ENFORCER) && p.has(BLOCKER));
        p.clear(BLOCKER);
        assert!(p.is_empty());
    }

    #[test]
    fn turning_a_triangle_round_keeps_its_paint_in_place() {
        let m = box_mesh([0.0; 3], [20.0, 20.0, 10.0]);
        let mut p = FacetPaint::default();
        p.paint_sphere(&m, DVec3::new(4.0, 6.0, 0.0), 2.5, BLOCKER);
        // A split at one side, and one at two sides whose quadrilateral is one state.
        p.set(
            5,
            Node::Split {
                sides: 1,
                special: 2,
                children: vec![
                    Node::Split {
                        sides: 2,
                        special: 1,
                        children: vec![Node::Leaf(1), Node::Leaf(2), Node::Leaf(2)],
                    },
                    Node::Leaf(2),
                ],
            },
        );
        let before: Vec<[DVec3; 3]> = m.triangles.iter().map(|t| t.map(|i| m.vertex(i))).collect();
        let mut turned = m.clone();
        for t in &mut turned.triangles {
            t.swap(1, 2);
        }
        let origin: Vec<(u32, bool)> = (0..12).map(|i| (i, true)).collect();
        let q = p.remap(&origin, &before);
        // Same areas; the same pieces where no two-side split had to be cut again.
        for state in [ENFORCER, BLOCKER] {
            let (a, b) = (area(&p.pieces(&m, state)), area(&q.pieces(&turned, state)));
            assert!((a - b).abs() < 1e-9, "state {state}: {a} vs {b}");
        }
        {
            let state = ENFORCER;
            let key = |v: Vec<[DVec3; 3]>| {
                let mut k: Vec<Vec<[i64; 3]>> = v
                    .iter()
                    .map(|t| {
                        let mut c: Vec<[i64; 3]> = t
                            .iter()
                            .map(|p| [p.x, p.y, p.z].map(|x| (x * 1e6).round() as i64))
                            .collect();
                        c.sort();
                        c
                    })
                    .collect();
                k.sort();
                k
            };
            assert_eq!(
                key(p.pieces(&m, state)),
                key(q.pieces(&turned, state)),
                "state {state}"
            );
        }
    }
}
