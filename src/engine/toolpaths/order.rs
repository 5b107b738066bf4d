//! Printing order within a layer, and seams. Skirt and brim first; then object copies, each
//! with its support, then island by island (nearest next): walls (inner ones first unless
//! the outer wall goes first), thin walls and gap fill, then infill. Loops start at a seam
//! chosen by the seam setting; open paths are reversed when their far end is nearer.

mod seams;

use super::chain::{chain, directed_travel, or_opt};
use super::{Extrusion, ExtrusionLoop, ExtrusionPath, Flow, Island, Role, Wall};
use crate::engine::geom::{BoundingBox, ExPolygon, Point, Polygon};
use crate::engine::settings::{SeamPosition, Settings, WallSequence};
use crate::engine::units::scaled;

/// One path in printing order, in bed coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedPath {
    pub role: Role,
    pub flow: Flow,
    pub points: Vec<Point>,
    /// The object copy it belongs to (None for skirt and brim).
    pub instance: Option<usize>,
    /// Index into `OrderedLayer::comb` when the path lies inside an island's fill area:
    /// travel between two such paths of the same area needs no retraction if it stays inside.
    pub comb: Option<usize>,
    /// Part of a scarf seam: printed along a slope.
    pub slope: Option<Slope>,
}

/// A stretch of a scarf seam. The loop starts with a first pass that climbs from the layer
/// below along the scarf, laying plastic in proportion to its height over the layer below;
/// after the rest of the loop, a last pass goes over the same stretch at the layer's height
/// and lays the rest, less and less.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slope {
    /// The first pass's height over the layer below at the path's start and end, as a
    /// fraction of the layer height (linear along the path).
    pub height: (f64, f64),
    /// The last pass (at the layer's height, laying what the first pass left out).
    pub finish: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderedLayer {
    pub paths: Vec<OrderedPath>,
    /// Fill areas of the islands (bed coordinates), referenced by `OrderedPath::comb`.
    pub comb: Vec<Vec<ExPolygon>>,
    /// Outlines of the islands (bed coordinates), for travel that avoids crossing walls.
    pub outlines: Vec<ExPolygon>,
    /// Visible surfaces (bed coordinates): top, over air, the first layer.
    pub exposed: Vec<ExPolygon>,
    /// Seams chosen on this layer, for the next layer's aligned seams.
    pub seams: Vec<Point>,
}

impl OrderedLayer {
    /// Where the layer's paths, comb areas, outlines and seams end now.
    fn mark(&self) -> [usize; 4] {
        [
            self.paths.len(),
            self.comb.len(),
            self.outlines.len(),
            self.seams.len(),
        ]
    }

    /// Takes off everything added since `mark` (the visible surfaces are not planned).
    fn split_off(&mut self, mark: [usize; 4]) -> OrderedLayer {
        OrderedLayer {
            paths: self.paths.split_off(mark[0]),
            comb: self.comb.split_off(mark[1]),
            outlines: self.outlines.split_off(mark[2]),
            seams: self.seams.split_off(mark[3]),
            exposed: Vec::new(),
        }
    }

    /// Puts back what `split_off` took (or any plan made from the same mark).
    fn append(&mut self, tail: OrderedLayer) {
        self.paths.extend(tail.paths);
        self.comb.extend(tail.comb);
        self.outlines.extend(tail.outlines);
        self.seams.extend(tail.seams);
    }
}

/// One object's layer (islands with their walls, their infill, support) placed at one copy's
/// offset.
pub struct PlacedLayer<'a> {
    pub islands: &'a [Island],
    /// The infill of each island, in the same order.
    pub infill: &'a [Vec<Extrusion>],
    /// The layer's visible surfaces (see `LayerInfill::exposed`).
    pub exposed: &'a [ExPolygon],
    pub support: &'a [Extrusion],
    /// Where seams are painted on this layer: enforcers, blockers.
    pub seam_marks: (&'a [Polygon], &'a [Polygon]),
    pub offset: Point,
    pub instance: usize,
    /// The object's settings (its own on top of the plate's).
    pub settings: &'a Settings,
}

struct Orderer<'a> {
    s: &'a Settings,
    layer_index: usize,
    pos: Point,
    prev_seams: &'a [Point],
    /// The seam paint of the object being ordered (its pieces on this layer).
    enforcers: &'a [Polygon],
    blockers: &'a [Polygon],
    out: OrderedLayer,
}

pub fn order_layer<'a>(
    layer_index: usize,
    skirt: &[Extrusion],
    placed: &[PlacedLayer<'a>],
    start: Point,
    prev_seams: &'a [Point],
    s: &'a Settings,
) -> OrderedLayer {
    let mut o = Orderer {
        s,
        layer_index,
        pos: start,
        prev_seams,
        enforcers: &[],
        blockers: &[],
        out: OrderedLayer::default(),
    };
    o.nearest_first(skirt.iter().collect(), Point::default(), None, None);
    // Object copies, nearest first.
    let mut remaining: Vec<usize> = (0..placed.len()).collect();
    while !remaining.is_empty() {
        let k = nearest_by(&remaining, o.pos, |&i| {
            placed[i]
                .islands
                .first()
                .and_then(|isl| {
                    isl.outline
                        .contour
                        .points
                        .first()
                        .map(|p| p.translated(placed[i].offset))
                })
                .unwrap_or(placed[i].offset)
        });
        let p = &placed[remaining.swap_remove(k)];
        o.object(p);
    }
    o.out
}

fn nearest_by<T>(items: &[T], pos: Point, at: impl Fn(&T) -> Point) -> usize {
    let mut best = (f64::MAX, 0);
    for (i, it) in items.iter().enumerate() {
        let d = at(it).distance_sq(pos);
        if d < best.0 {
            best = (d, i);
        }
    }
    best.1
}

impl<'a> Orderer<'a> {
    /// Orders one placed object by its own settings.
    fn object(&mut self, p: &PlacedLayer<'a>) {
        let plate = std::mem::replace(&mut self.s, p.settings);
        self.object_paths(p);
        self.s = plate;
    }

    fn object_paths(&mut self, p: &PlacedLayer<'a>) {
        let inst = Some(p.instance);
        (self.enforcers, self.blockers) = p.seam_marks;
        self.out.exposed.extend(p.exposed.iter().map(|e| {
            let mut e = e.clone();
            e.translate(p.offset);
            e
        }));
        self.nearest_first(p.support.iter().collect(), p.offset, inst, None);
        // Islands nearest first; then, with the entry and exit of each known (its walls
        // start at its seam, its infill ends where it ends), a better order by Or-opt,
        // kept when its travel is shorter.
        let start = self.pos;
        let mark = self.out.mark();
        let entries = self.island_entries(p);
        let mut left: Vec<usize> = (0..p.islands.len()).collect();
        let mut order = Vec::with_capacity(left.len());
        let mut ends = vec![(Point::default(), Point::default()); left.len()];
        while !left.is_empty() {
            let k = left.swap_remove(self.nearest_island(p, &entries, &left));
            ends[k] = self.island(p, k);
            order.push(k);
        }
        if order.len() < 3 {
            return;
        }
        let greedy = directed_travel(start, &ends, &order);
        let mut better = order.clone();
        or_opt(start, &ends, &mut better);
        if directed_travel(start, &ends, &better) >= greedy {
            return;
        }
        let greedy_plan = (self.out.split_off(mark), self.pos);
        self.pos = start;
        for &k in &better {
            ends[k] = self.island(p, k);
        }
        // The entries can move with the order (seams that follow the nozzle): keep the
        // greedy plan if the new one came out longer after all.
        if directed_travel(start, &ends, &better) > greedy {
            self.out.split_off(mark);
            self.out.append(greedy_plan.0);
            self.pos = greedy_plan.1;
        }
    }

    /// Where the nozzle enters each island, when that does not depend on where it comes
    /// from: the seam of its outer wall (the walls start beside it).
    fn island_entries(&self, p: &PlacedLayer) -> Vec<Option<Point>> {
        let nearest = self.s.seam_position == SeamPosition::Nearest;
        p.islands
            .iter()
            .map(|isl| {
                let outer = isl.walls.iter().filter(|w| w.depth == 0).max_by(|a, b| {
                    box_area(&loop_box(&a.extrusion)).total_cmp(&box_area(&loop_box(&b.extrusion)))
                })?;
                let verts = self.vertices(&outer.extrusion, p.offset);
                (!nearest && verts.len() >= 3)
                    .then(|| verts[self.choose_seam(&outer.extrusion, &verts, p.offset)].0)
            })
            .collect()
    }

    /// The index in `left` of the island entered nearest the nozzle: at its entry, or
    /// without one, at the nearest point of its outline.
    fn nearest_island(&self, p: &PlacedLayer, entries: &[Option<Point>], left: &[usize]) -> usize {
        let here = Point::new(self.pos.x - p.offset.x, self.pos.y - p.offset.y);
        let mut best = (f64::MAX, 0);
        for (j, &i) in left.iter().enumerate() {
            let contour = &p.islands[i].outline.contour.points;
            let d = match entries[i] {
                Some(e) => e.distance_sq(self.pos),
                None if BoundingBox::from_points(contour)
                    .clamp(here)
                    .distance_sq(here)
                    >= best.0 =>
                {
                    continue;
                }
                None => contour
                    .iter()
                    .map(|q| q.distance_sq(here))
                    .fold(f64::MAX, f64::min),
            };
            if d < best.0 {
                best = (d, j);
            }
        }
        best.1
    }

    /// Emits island `k` of `p`: walls, thin walls and gap fill, infill (infill first with
    /// `infill_first`), ironing. Returns where the nozzle entered it and where it left.
    fn island(&mut self, p: &PlacedLayer, k: usize) -> (Point, Point) {
        let inst = Some(p.instance);
        let first = self.out.paths.len();
        let isl = &p.islands[k];
        let comb = self.out.comb.len();
        let mut fill = isl.fill_area.clone();
        let mut outline = isl.outline.clone();
        for f in &mut fill {
            f.translate(p.offset);
        }
        outline.translate(p.offset);
        self.out.comb.push(fill);
        self.out.outlines.push(outline);
        let infill = p.infill.get(k).map_or(&[][..], |f| &f[..]);
        // Ironing goes over the finished top surface: last.
        let (ironing, fill): (Vec<&Extrusion>, Vec<&Extrusion>) =
            infill.iter().partition(|e| e.role() == Some(Role::Ironing));
        let thin: Vec<Extrusion> = isl.thin.iter().cloned().map(Extrusion::Path).collect();
        if self.s.infill_first {
            self.nearest_first(fill, p.offset, inst, Some(comb));
            self.walls(&isl.walls, p.offset, inst);
            self.nearest_first(thin.iter().collect(), p.offset, inst, Some(comb));
        } else {
            self.walls(&isl.walls, p.offset, inst);
            self.nearest_first(thin.iter().collect(), p.offset, inst, Some(comb));
            self.nearest_first(fill, p.offset, inst, Some(comb));
        }
        self.nearest_first(ironing, p.offset, inst, Some(comb));
        let entry = self
            .out
            .paths
            .get(first)
            .and_then(|q| q.points.first())
            .copied()
            .unwrap_or(self.pos);
        (entry, self.pos)
    }

    /// An island's walls, family by family: each outermost loop (of the contour or of a hole)
    /// with the loops inside it, nearest family first. Within a family the inner loops go
    /// first (unless the outer wall goes first), each starting next to the seam the seam
    /// setting picks for the family's outer loop, so that the nozzle steps straight from one
    /// loop to the next and visits each hole once.
    fn walls(&mut self, walls: &[Wall], offset: Point, instance: Option<usize>) {
        let outer: Vec<usize> = (0..walls.len()).filter(|&i| walls[i].depth == 0).collect();
        if outer.is_empty() {
            // Only inner loops (a thin island): on their own, nearest first.
            let loops: Vec<Extrusion> = walls
                .iter()
                .map(|w| Extrusion::Loop(w.extrusion.clone()))
                .collect();
            self.nearest_first(loops.iter().collect(), offset, instance, None);
            return;
        }
        let boxes: Vec<BoundingBox> = walls.iter().map(|w| loop_box(&w.extrusion)).collect();
        // Each loop's family: the outermost loop whose box is closest to its own, among
        // those that contain it or that it contains (a hole's loops surround the hole).
        let family_of = |i: usize| -> usize {
            let b = &boxes[i];
            let mut best = (f64::MAX, outer[0]);
            for &o in &outer {
                let c = &boxes[o];
                let nested = c.contains_box(b) || b.contains_box(c);
                let cost = if nested {
                    (box_area(b) - box_area(c)).abs()
                } else {
                    f64::MAX / 2.0 + b.center().distance_sq(c.center())
                };
                if cost < best.0 {
                    best = (cost, o);
                }
            }
            best.1
        };
        let mut families: Vec<(usize, Vec<usize>)> = outer.iter().map(|&o| (o, vec![o])).collect();
        for i in (0..walls.len()).filter(|&i| walls[i].depth > 0) {
            let f = family_of(i);
            if let Some(fam) = families.iter_mut().find(|(o, _)| *o == f) {
                fam.1.push(i);
            }
        }
        // Where each family starts, unless the seam follows the nozzle.
        let nearest = self.s.seam_position == SeamPosition::Nearest;
        let mut starts: Vec<Option<Point>> = families
            .iter()
            .map(|(o, _)| {
                let l = &walls[*o].extrusion;
                let verts = self.vertices(l, offset);
                (!nearest && verts.len() >= 3).then(|| verts[self.choose_seam(l, &verts, offset)].0)
            })
            .collect();
        while !families.is_empty() {
            // The family nearest the nozzle: by how near its outer loop passes plus how far
            // its seam is (the nozzle goes to the seam, and a seam beyond a nearer loop means
            // crossing walls to reach it).
            let here = Point::new(self.pos.x - offset.x, self.pos.y - offset.y);
            let mut best = (f64::MAX, 0);
            for (k, (o, _)) in families.iter().enumerate() {
                let seam = starts[k].map_or(0.0, |s| s.distance(self.pos));
                if boxes[*o].clamp(here).distance(here) + seam >= best.0 {
                    continue;
                }
                let d = walls[*o]
                    .extrusion
                    .paths
                    .iter()
                    .flat_map(|p| p.points.iter())
                    .map(|q| q.distance_sq(here))
                    .fold(f64::MAX, f64::min)
                    .sqrt()
                    + seam;
                if d < best.0 {
                    best = (d, k);
                }
            }
            let k = best.1;
            starts.swap_remove(k);
            let (o, mut members) = families.swap_remove(k);
            // Deepest first; the outer wall first; or the third wall and deeper (deepest
            // first), the outer wall, then the second.
            match self.s.wall_sequence {
                WallSequence::InnerOuter => {
                    members.sort_by_key(|&i| std::cmp::Reverse(walls[i].depth))
                }
                WallSequence::OuterInner => members.sort_by_key(|&i| walls[i].depth),
                WallSequence::InnerOuterInner => members.sort_by_key(|&i| match walls[i].depth {
                    0 => (1, 0),
                    1 => (2, 0),
                    d => (0, u32::MAX - d),
                }),
            }
            let outer_loop = &walls[o].extrusion;
            let verts = self.vertices(outer_loop, offset);
            let seam = (verts.len() >= 3).then(|| self.choose_seam(outer_loop, &verts, offset));
            // Inner loops printed before an outer one with a scarf end where its scarf starts.
            let target = seam.map(|k| {
                self.scarf_start(outer_loop, &verts, k)
                    .filter(|_| self.s.wall_sequence != WallSequence::OuterInner)
                    .unwrap_or(verts[k].0)
            });
            for i in members {
                let target = if i == o { None } else { target };
                self.emit_loop_at(&walls[i].extrusion, offset, instance, None, target);
            }
        }
    }

    /// Emits extrusions nearest first. Open paths go in the order `chain::chain` plans
    /// (nearest neighbour improved by 2-opt); with loops among them, greedily.
    fn nearest_first(
        &mut self,
        mut items: Vec<&Extrusion>,
        offset: Point,
        instance: Option<usize>,
        comb: Option<usize>,
    ) {
        let ends: Option<Vec<(Point, Point)>> =
            items.iter().map(|e| open_ends(e, offset)).collect();
        if let Some(ends) = ends {
            for (i, backwards) in chain(self.pos, &ends) {
                self.emit_open(items[i], offset, instance, comb, backwards);
            }
            return;
        }
        while !items.is_empty() {
            let pos = self.pos;
            let mut best = (f64::MAX, 0usize);
            for (i, e) in items.iter().enumerate() {
                let d = entry_distance(e, offset, pos);
                if d < best.0 {
                    best = (d, i);
                }
            }
            let e = items.swap_remove(best.1);
            self.emit(e, offset, instance, comb);
        }
    }

    /// Emits `e`, an open path from its nearer end, a loop from its seam.
    fn emit(&mut self, e: &Extrusion, offset: Point, instance: Option<usize>, comb: Option<usize>) {
        match e {
            Extrusion::Loop(l) => self.emit_loop_at(l, offset, instance, comb, None),
            _ => {
                let backwards = open_ends(e, offset)
                    .is_some_and(|(a, b)| b.distance_sq(self.pos) < a.distance_sq(self.pos));
                self.emit_open(e, offset, instance, comb, backwards);
            }
        }
    }

    /// Emits an open path, or a planned sequence as a whole (its order kept), forwards or
    /// backwards.
    fn emit_open(
        &mut self,
        e: &Extrusion,
        offset: Point,
        instance: Option<usize>,
        comb: Option<usize>,
        backwards: bool,
    ) {
        match e {
            Extrusion::Path(p) => {
                let mut pts: Vec<Point> = p.points.iter().map(|q| q.translated(offset)).collect();
                if backwards {
                    pts.reverse();
                }
                self.push(p.role, p.flow, pts, instance, comb);
            }
            Extrusion::Sequence(items) => {
                let mut run = |it: &Extrusion| match it {
                    Extrusion::Path(_) => self.emit_open(it, offset, instance, comb, backwards),
                    other => self.emit(other, offset, instance, comb),
                };
                if backwards {
                    items.iter().rev().for_each(&mut run);
                } else {
                    items.iter().for_each(&mut run);
                }
            }
            Extrusion::Loop(l) => self.emit_loop_at(l, offset, instance, comb, None),
        }
    }

    fn push(
        &mut self,
        role: Role,
        flow: Flow,
        points: Vec<Point>,
        instance: Option<usize>,
        comb: Option<usize>,
    ) {
        if points.len() < 2 {
            return;
        }
        self.pos = *points.last().unwrap_or(&self.pos);
        self.out.paths.push(OrderedPath {
            role,
            flow,
            points,
            instance,
            comb,
            slope: None,
        });
    }

    /// Emits a loop from its seam: the vertex nearest `target` when given, else the one the
    /// seam setting picks.
    fn emit_loop_at(
        &mut self,
        l: &ExtrusionLoop,
        offset: Point,
        instance: Option<usize>,
        comb: Option<usize>,
        target: Option<Point>,
    ) {
        let verts = self.vertices(l, offset);
        let n = verts.len();
        if n < 3 {
            return;
        }
        let seam = match target {
            Some(t) => nearest_by(&verts, t, |v| v.0),
            None => self.choose_seam(l, &verts, offset),
        };
        if matches!(l.role(), Role::ExternalPerimeter | Role::Perimeter) {
            self.out.seams.push(verts[seam].0);
        }
        // Walk once around from the seam, splitting where the path changes.
        let mut pieces: Vec<(usize, Vec<Point>)> = Vec::new();
        for k in 0..=n {
            let (pt, pi) = verts[(seam + k) % n];
            let owner = if k == n {
                pieces.last().map_or(pi, |p| p.0)
            } else {
                pi
            };
            match pieces.last_mut() {
                Some((cur, pts)) if *cur == owner => pts.push(pt),
                Some((_, pts)) => {
                    pts.push(pt);
                    pieces.push((owner, vec![pt]));
                }
                None => pieces.push((owner, vec![pt])),
            }
        }
        if self.scarf_applies(l, &verts, seam) && self.emit_scarf(l, &pieces, instance, comb) {
            return;
        }
        // Leave a small gap at the seam so the loop's end does not pile onto its start.
        if let Some((pi, pts)) = pieces.last_mut()
            && l.paths[*pi].role.is_perimeter()
        {
            let mut pl = crate::engine::geom::Polyline::new(std::mem::take(pts));
            pl.clip_end(scaled(self.s.nozzle_diameter * 0.15) as f64);
            *pts = pl.points;
        }
        for (pi, pts) in pieces {
            let p: &ExtrusionPath = &l.paths[pi];
            self.push(p.role, p.flow, pts, instance, comb);
        }
    }
}

/// A loop's vertices in bed coordinates, each tagged with the path whose segment starts there.
fn loop_vertices(l: &ExtrusionLoop, offset: Point) -> Vec<(Point, usize)> {
    let mut verts: Vec<(Point, usize)> = Vec::new();
    for (pi, p) in l.paths.iter().enumerate() {
        for q in &p.points[..p.points.len().saturating_sub(1)] {
            verts.push((q.translated(offset), pi));
        }
    }
    verts
}

fn loop_box(l: &ExtrusionLoop) -> BoundingBox {
    let mut b = BoundingBox::EMPTY;
    for q in l.paths.iter().flat_map(|p| p.points.iter()) {
        b.add(*q);
    }
    b
}

fn box_area(b: &BoundingBox) -> f64 {
    (b.max.x - b.min.x) as f64 * (b.max.y - b.min.y) as f64
}

/// How far the nozzle travels from `pos` to start `e` (either end for open paths).
fn entry_distance(e: &Extrusion, offset: Point, pos: Point) -> f64 {
    match e {
        Extrusion::Loop(l) => l
            .paths
            .iter()
            .flat_map(|p| p.points.iter())
            .map(|q| q.translated(offset).distance_sq(pos))
            .fold(f64::MAX, f64::min),
        _ => open_ends(e, offset).map_or(f64::MAX, |(a, b)| {
            a.distance_sq(pos).min(b.distance_sq(pos))
        }),
    }
}

/// Where an open path, or a planned sequence of them, starts and ends (bed coordinates).
fn open_ends(e: &Extrusion, offset: Point) -> Option<(Point, Point)> {
    let (first, last) = match e {
        Extrusion::Path(p) => (*p.points.first()?, *p.points.last()?),
        Extrusion::Sequence(items) => match (items.first()?, items.last()?) {
            (Extrusion::Path(a), Extrusion::Path(b)) => (*a.points.first()?, *b.points.last()?),
            _ => return None,
        },
        Extrusion::Loop(_) => return None,
    };
    Some((first.translated(offset), last.translated(offset)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::geom::Polygon;
    use crate::engine::toolpaths::{Island, Wall};

    fn loop_of(poly: &Polygon, role: Role) -> ExtrusionLoop {
        ExtrusionLoop {
            paths: vec![ExtrusionPath::new(
                role,
                Flow::new(0.45, 0.2),
                poly.to_polyline_from(0).points,
            )],
        }
    }

    fn square_loop(s: i64, role: Role) -> ExtrusionLoop {
        loop_of(&Polygon::rect(0, 0, s, s), role)
    }

    /// One copy of `islands` (no infill, no support) at `offset`, at settings `s`.
    fn placed<'a>(islands: &'a [Island], offset: Point, s: &'a Settings) -> [PlacedLayer<'a>; 1] {
        [PlacedLayer {
            islands,
            infill: &[],
            exposed: &[],
            support: &[],
            seam_marks: (&[], &[]),
            offset,
            instance: 0,
            settings: s,
        }]
    }

    #[test]
    fn inner_walls_first_and_seam_at_rear() {
        let s = Settings {
            seam_position: SeamPosition::Rear,
            ..Default::default()
        };
        let islands = vec![Island {
            outline: ExPolygon::new(Polygon::new(vec![
                Point::new(0, 0),
                Point::new(10_000, 0),
                Point::new(10_000, 10_000),
            ])),
            walls: vec![
                Wall {
                    depth: 0,
                    extrusion: square_loop(10_000, Role::ExternalPerimeter),
                },
                Wall {
                    depth: 1,
                    extrusion: square_loop(9_000, Role::Perimeter),
                },
            ],
            ..Default::default()
        }];
        let placed = placed(&islands, Point::new(100_000, 100_000), &s);
        let out = order_layer(3, &[], &placed, Point::default(), &[], &s);
        assert_eq!(out.paths.len(), 2);
        assert_eq!(out.paths[0].role, Role::Perimeter);
        assert_eq!(out.paths[1].role, Role::ExternalPerimeter);
        // Rear seam: the loop starts at the highest Y.
        assert_eq!(out.paths[1].points[0].y, 110_000);
        assert_eq!(out.paths[1].instance, Some(0));
        // The seam gap: the loop stops 0.06 mm short of its start.
        let (a, b) = (out.paths[1].points[0], *out.paths[1].points.last().unwrap());
        assert!((a.distance(b) - 60.0).abs() < 2.0, "{}", a.distance(b));
    }

    #[test]
    fn a_holes_first_seam_starts_beside_the_outer_one() {
        // A 20 mm square with a 10 mm hole, first layer, aligned seams: both loops have two
        // rear corners equally far back; each takes the one nearer the nozzle, so the two
        // seams sit at neighbouring corners and the nozzle steps 7 mm between them, not 16.
        let s = Settings {
            seam_position: SeamPosition::Aligned,
            ..Default::default()
        };
        let ring = |poly: Polygon, role: Role| Wall {
            depth: 0,
            extrusion: loop_of(&poly, role),
        };
        let mut hole = Polygon::rect(5_000, 5_000, 15_000, 15_000);
        hole.reverse();
        let islands = vec![Island {
            outline: ExPolygon {
                contour: Polygon::rect(0, 0, 20_000, 20_000),
                holes: vec![hole.clone()],
            },
            walls: vec![
                ring(Polygon::rect(0, 0, 20_000, 20_000), Role::ExternalPerimeter),
                ring(hole, Role::ExternalPerimeter),
            ],
            ..Default::default()
        }];
        let placed = placed(&islands, Point::default(), &s);
        let out = order_layer(0, &[], &placed, Point::new(-5_000, 30_000), &[], &s);
        assert_eq!(out.seams.len(), 2);
        let (a, b) = (out.seams[0], out.seams[1]);
        assert_eq!(a.y.max(b.y), 20_000, "rear seams: {a:?} {b:?}");
        assert!(a.distance(b) < 7_200.0, "{a:?} {b:?}");
    }
}
