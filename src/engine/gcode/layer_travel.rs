//! What travel planning asks of one layer: whether a straight move stays inside one fill
//! area or buried inside the parts, and a route along the outer walls when travel avoids
//! crossing them. Each answer's index is built on first use.

use crate::engine::geom::{self, EdgeIndex, Join, Point, Router};
use crate::engine::toolpaths::OrderedLayer;
use crate::engine::units::scaled;

/// What travel planning knows about the current layer, built on first use.
pub(super) struct LayerTravel<'l> {
    pub(super) layer: &'l OrderedLayer,
    /// One edge index per island fill area.
    pub(super) comb: Vec<Option<EdgeIndex>>,
    /// The islands' outlines and the visible surfaces.
    pub(super) inside: Option<(EdgeIndex, EdgeIndex)>,
    /// Routes along the outer walls, when avoiding crossing them.
    pub(super) router: Option<Router>,
    pub(super) wall_width: f64,
}

impl LayerTravel<'_> {
    /// The straight move stays inside fill area `k` (so it crosses no wall).
    pub(super) fn stays_in_fill(&mut self, k: usize, from: Point, to: Point) -> bool {
        let layer = self.layer;
        let idx = self.comb[k].get_or_insert_with(|| EdgeIndex::from_regions(&layer.comb[k]));
        let mid = Point::new((from.x + to.x) / 2, (from.y + to.y) / 2);
        idx.contains(mid) && !idx.crosses(from, to)
    }

    /// The straight move stays inside the parts and off their visible surfaces, where ooze
    /// is buried by the next layers.
    pub(super) fn stays_buried(&mut self, from: Point, to: Point) -> bool {
        let layer = self.layer;
        let (outlines, exposed) = self.inside.get_or_insert_with(|| {
            (
                EdgeIndex::from_regions(&layer.outlines),
                EdgeIndex::from_regions(&layer.exposed),
            )
        });
        let mid = Point::new((from.x + to.x) / 2, (from.y + to.y) / 2);
        !outlines.leaves(from, to)
            && !exposed.crosses(from, to)
            && ![from, mid, to].iter().any(|&q| exposed.contains(q))
    }

    /// A travel route that stays inside the parts, along the outer walls' centre lines.
    pub(super) fn route(&mut self, from: Point, to: Point) -> Vec<Point> {
        let (layer, w) = (self.layer, self.wall_width);
        let router = self.router.get_or_insert_with(|| {
            // Just outside the outer walls' centre lines, so their seams count as inside.
            let boundary = geom::offset(&layer.outlines, -scaled(w / 2.0) + 10, Join::Miter);
            Router::new(geom::to_polygons(&boundary))
        });
        if router.contains(from) && router.contains(to) {
            router.route(from, to)
        } else {
            vec![from, to]
        }
    }
}
