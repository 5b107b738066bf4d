//! The 3D view's handles on the selected copy: arrows to move it along X or Y, rings to turn
//! it about X, Y or Z, and boxes to scale it along one axis or all three. This is the
//! geometry and the arithmetic only (which handle a pointer ray grabs, and what a drag from
//! one ray to another does, with snapping); the app draws the lines and applies the change.
//! Written here rather than taken from a crate: the gizmo crates (transform-gizmo and its
//! kin) draw with egui or bevy, neither of which Lamina uses.

use crate::engine::mesh::Bounds;
use glam::{DMat3, DQuat, DVec3};

/// Steps a drag snaps to: mm for moves, degrees for turns, percent for scales.
pub const MOVE_SNAP: f64 = 1.0;
pub const ROTATE_SNAP: f64 = 15.0;
pub const SCALE_SNAP: f64 = 5.0;

/// Which handles are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Move,
    Rotate,
    Scale,
}

/// One handle: an axis (0 X, 1 Y, 2 Z), or for scaling, None for all three together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handle {
    Move(usize),
    Rotate(usize),
    Scale(Option<usize>),
}

impl Handle {
    /// A short name ("move-x", "rotate-z", "scale-all"), for the page and its tests.
    pub fn name(self) -> String {
        let axis = |a: usize| ["x", "y", "z"].get(a).copied().unwrap_or("?");
        match self {
            Handle::Move(a) => format!("move-{}", axis(a)),
            Handle::Rotate(a) => format!("rotate-{}", axis(a)),
            Handle::Scale(Some(a)) => format!("scale-{}", axis(a)),
            Handle::Scale(None) => "scale-all".into(),
        }
    }
}

/// What a drag does to the copy, measured from where it started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Along the bed (mm).
    Move(DVec3),
    /// About an axis through the copy's centre (degrees).
    Rotate(usize, f64),
    /// Scale factor along an axis of the copy, or all three.
    Scale(Option<usize>, f64),
}

/// The handles around a copy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gizmo {
    pub tool: Tool,
    pub center: DVec3,
    /// Length of the arrows and radius of the rings (mm).
    pub radius: f64,
}

/// Colour of each axis (X red, Y green, Z blue), and of a handle under the pointer.
pub const AXIS_COLOUR: [[f32; 4]; 3] = [
    [0.95, 0.3, 0.3, 1.0],
    [0.35, 0.85, 0.35, 1.0],
    [0.35, 0.55, 1.0, 1.0],
];
pub const HOVER_COLOUR: [f32; 4] = [1.0, 0.95, 0.4, 1.0];
const UNIFORM_COLOUR: [f32; 4] = [0.9, 0.9, 0.9, 1.0];

const RING_SEGMENTS: usize = 72;

/// The diagonal the uniform scale handle sits on.
fn diagonal() -> DVec3 {
    DVec3::ONE.normalize()
}

/// Two unit vectors across `axis`.
fn across(axis: usize) -> (DVec3, DVec3) {
    let e = DVec3::AXES;
    (e[(axis + 1) % 3], e[(axis + 2) % 3])
}

/// The shortest distance between a ray and a segment.
fn ray_segment_distance(o: DVec3, d: DVec3, a: DVec3, b: DVec3) -> f64 {
    let u = b - a;
    let w = a - o;
    let (dd, du, uu) = (d.dot(d), d.dot(u), u.dot(u));
    let (dw, uw) = (d.dot(w), u.dot(w));
    let den = dd * uu - du * du;
    // Segment parameter of the closest approach of the two lines, kept on the segment; then
    // the ray's, kept ahead of its origin.
    let mut s = if den.abs() < 1e-12 {
        0.0
    } else {
        (du * dw - dd * uw) / den
    };
    s = s.clamp(0.0, 1.0);
    let p = a + u * s;
    let t = ((p - o).dot(d) / dd).max(0.0);
    let mut best = (o + d * t - p).length();
    // Clamping s can leave a nearer point on the segment for the clamped t: check the ends.
    for q in [a, b] {
        let t = ((q - o).dot(d) / dd).max(0.0);
        best = best.min((o + d * t - q).length());
    }
    best
}

/// Where a ray passes closest to the line through `c` along unit `e`: the line's parameter.
fn closest_on_line(o: DVec3, d: DVec3, c: DVec3, e: DVec3) -> Option<f64> {
    let w = c - o;
    let (dd, de) = (d.dot(d), d.dot(e));
    let den = dd - de * de;
    // Looking along the line: no telling where on it the pointer is.
    (den > 1e-3 * dd).then(|| (de * d.dot(w) - dd * e.dot(w)) / den)
}

/// Where a ray meets the plane through `c` across unit `n`.
fn on_plane(o: DVec3, d: DVec3, c: DVec3, n: DVec3) -> Option<DVec3> {
    let dn = d.dot(n);
    // Edge-on: the angle is ill-defined.
    if dn.abs() < 0.05 * d.length() {
        return None;
    }
    let t = (c - o).dot(n) / dn;
    (t > 0.0).then(|| o + d * t)
}

/// Rounds to a multiple of `step`.
pub fn snap(v: f64, step: f64) -> f64 {
    (v / step).round() * step
}

impl Gizmo {
    /// Handles around a copy's bounds: the centre of its box, reaching a little past it.
    pub fn around(tool: Tool, b: &Bounds) -> Gizmo {
        let s = b.size();
        Gizmo {
            tool,
            center: b.center(),
            radius: (0.5 * s.x.max(s.y).max(s.z) + 6.0).max(12.0),
        }
    }

    /// The segments of one handle.
    fn handle_segments(&self, h: Handle) -> Vec<[DVec3; 2]> {
        let (c, r) = (self.center, self.radius);
        let mut out = Vec::new();
        match h {
            Handle::Move(axis) => {
                let e = DVec3::AXES[axis];
                let tip = c + e * r * 1.3;
                out.push([c, tip]);
                let (u, v) = across(axis);
                // An arrowhead: four barbs.
                for side in [u, -u, v, -v] {
                    out.push([tip, tip - e * r * 0.12 + side * r * 0.05]);
                }
            }
            Handle::Rotate(axis) => {
                let (u, v) = across(axis);
                let at = |k: usize| {
                    let a = std::f64::consts::TAU * k as f64 / RING_SEGMENTS as f64;
                    c + (u * a.cos() + v * a.sin()) * r
                };
                for k in 0..RING_SEGMENTS {
                    out.push([at(k), at(k + 1)]);
                }
            }
            Handle::Scale(axis) => {
                let (e, size) = match axis {
                    Some(a) => (DVec3::AXES[a], r * 0.07),
                    None => (diagonal(), r * 0.09),
                };
                let p = c + e * r * 1.15;
                out.push([c + e * r * 0.2, p]);
                // A small box at the end.
                let corners: Vec<DVec3> = (0..8)
                    .map(|k| {
                        let s = |bit: usize| if k & bit == 0 { -size } else { size };
                        p + DVec3::new(s(1), s(2), s(4))
                    })
                    .collect();
                for (i, j) in [
                    (0, 1),
                    (2, 3),
                    (4, 5),
                    (6, 7),
                    (0, 2),
                    (1, 3),
                    (4, 6),
                    (5, 7),
                    (0, 4),
                    (1, 5),
                    (2, 6),
                    (3, 7),
                ] {
                    out.push([corners[i], corners[j]]);
                }
            }
        }
        out
    }

    /// The handles the tool shows. Copies sit on the bed, so moving has no Z arrow.
    pub fn handles(&self) -> Vec<Handle> {
        match self.tool {
            Tool::Move => vec![Handle::Move(0), Handle::Move(1)],
            Tool::Rotate => (0..3).map(Handle::Rotate).collect(),
            Tool::Scale => vec![
                Handle::Scale(Some(0)),
                Handle::Scale(Some(1)),
                Handle::Scale(Some(2)),
                Handle::Scale(None),
            ],
        }
    }

    /// Every segment to draw, with its colour; `hover` is drawn highlighted.
    pub fn segments(&self, hover: Option<Handle>) -> Vec<([DVec3; 2], [f32; 4])> {
        self.handles()
            .into_iter()
            .flat_map(|h| {
                let colour = if Some(h) == hover {
                    HOVER_COLOUR
                } else {
                    match h {
                        Handle::Move(a) | Handle::Rotate(a) | Handle::Scale(Some(a)) => {
                            AXIS_COLOUR[a]
                        }
                        Handle::Scale(None) => UNIFORM_COLOUR,
                    }
                };
                self.handle_segments(h)
                    .into_iter()
                    .map(move |s| (s, colour))
            })
            .collect()
    }

    /// The handle a pointer ray passes within `tolerance` mm of (the nearest one).
    pub fn hit(&self, origin: DVec3, dir: DVec3, tolerance: f64) -> Option<Handle> {
        self.handles()
            .into_iter()
            .map(|h| {
                let d = self
                    .handle_segments(h)
                    .iter()
                    .map(|[a, b]| ray_segment_distance(origin, dir, *a, *b))
                    .fold(f64::INFINITY, f64::min);
                (h, d)
            })
            .filter(|(_, d)| *d <= tolerance)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(h, _)| h)
    }

    /// What dragging handle `h` from the ray `from` to the ray `to` does; snapped to
    /// `MOVE_SNAP` and `ROTATE_SNAP` when `snapping` (scales snap once applied, on the
    /// copy's percentage). None where the view gives no reading (looking along an arrow,
    /// or at a ring edge-on).
    pub fn drag(
        &self,
        h: Handle,
        from: (DVec3, DVec3),
        to: (DVec3, DVec3),
        snapping: bool,
    ) -> Option<Change> {
        let c = self.center;
        match h {
            Handle::Move(axis) => {
                let e = DVec3::AXES[axis];
                let t0 = closest_on_line(from.0, from.1, c, e)?;
                let t1 = closest_on_line(to.0, to.1, c, e)?;
                let mut d = t1 - t0;
                if snapping {
                    d = snap(d, MOVE_SNAP);
                }
                Some(Change::Move(e * d))
            }
            Handle::Rotate(axis) => {
                let n = DVec3::AXES[axis];
                let a = on_plane(from.0, from.1, c, n)? - c;
                let b = on_plane(to.0, to.1, c, n)? - c;
                if a.length() < 1e-6 || b.length() < 1e-6 {
                    return None;
                }
                let mut deg = a.cross(b).dot(n).atan2(a.dot(b)).to_degrees();
                if snapping {
                    deg = snap(deg, ROTATE_SNAP);
                }
                Some(Change::Rotate(axis, deg))
            }
            Handle::Scale(axis) => {
                let e = axis.map_or_else(diagonal, |a| DVec3::AXES[a]);
                let t0 = closest_on_line(from.0, from.1, c, e)?;
                let t1 = closest_on_line(to.0, to.1, c, e)?;
                if t0.abs() < 1e-6 {
                    return None;
                }
                Some(Change::Scale(axis, (t1 / t0).clamp(0.01, 100.0)))
            }
        }
    }
}

/// The rotation of `Change::Rotate`.
pub fn rotation(axis: usize, degrees: f64) -> DMat3 {
    DMat3::from_quat(DQuat::from_axis_angle(
        DVec3::AXES[axis],
        degrees.to_radians(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gizmo(tool: Tool) -> Gizmo {
        Gizmo::around(
            tool,
            &Bounds {
                min: DVec3::new(90.0, 90.0, 0.0),
                max: DVec3::new(110.0, 110.0, 20.0),
            },
        )
    }

    /// A ray straight down through (x, y).
    fn down(x: f64, y: f64) -> (DVec3, DVec3) {
        (DVec3::new(x, y, 200.0), DVec3::NEG_Z)
    }

    #[test]
    fn arrows_are_grabbed_and_moves_snap() {
        let g = gizmo(Tool::Move);
        assert_eq!(g.radius, 16.0);
        // From above, the X arrow lies along y = 100 from x = 100 to 120.8.
        assert_eq!(
            g.hit(down(112.0, 100.5).0, DVec3::NEG_Z, 1.0),
            Some(Handle::Move(0))
        );
        assert_eq!(
            g.hit(down(100.4, 112.0).0, DVec3::NEG_Z, 1.0),
            Some(Handle::Move(1))
        );
        assert_eq!(g.hit(down(140.0, 140.0).0, DVec3::NEG_Z, 1.0), None);
        // Dragging 7.4 mm along X (and 3 across, which the arrow ignores).
        let from = (DVec3::new(112.0, 80.0, 200.0), DVec3::new(0.0, 0.3, -1.0));
        let to = (DVec3::new(119.4, 83.0, 200.0), DVec3::new(0.0, 0.3, -1.0));
        let Some(Change::Move(d)) = g.drag(Handle::Move(0), from, to, false) else {
            panic!()
        };
        assert!((d - DVec3::new(7.4, 0.0, 0.0)).length() < 1e-9, "{d}");
        let Some(Change::Move(d)) = g.drag(Handle::Move(0), from, to, true) else {
            panic!()
        };
        assert_eq!(d, DVec3::new(7.0, 0.0, 0.0));
        // Looking straight along the arrow: no reading.
        let along = (DVec3::new(300.0, 100.0, 10.0), DVec3::NEG_X);
        assert_eq!(g.drag(Handle::Move(0), along, along, true), None);
    }

    #[test]
    fn rings_turn_by_the_pointer_angle_and_snap_to_15_degrees() {
        let g = gizmo(Tool::Rotate);
        // The Z ring, seen from above: a circle of radius 16 about (100, 100).
        assert_eq!(
            g.hit(down(116.0, 100.0).0, DVec3::NEG_Z, 0.8),
            Some(Handle::Rotate(2))
        );
        let a = 20f64.to_radians();
        let from = down(116.0, 100.0);
        let to = down(100.0 + 16.0 * a.cos(), 100.0 + 16.0 * a.sin());
        let Some(Change::Rotate(2, deg)) = g.drag(Handle::Rotate(2), from, to, false) else {
            panic!()
        };
        assert!((deg - 20.0).abs() < 1e-9, "{deg}");
        assert_eq!(
            g.drag(Handle::Rotate(2), from, to, true),
            Some(Change::Rotate(2, 15.0))
        );
        // Clockwise is negative.
        let to = down(100.0 + 16.0 * a.cos(), 100.0 - 16.0 * a.sin());
        assert_eq!(
            g.drag(Handle::Rotate(2), from, to, true),
            Some(Change::Rotate(2, -15.0))
        );
        // The X ring is edge-on from above: no reading.
        assert_eq!(g.drag(Handle::Rotate(0), from, to, true), None);
        let r = rotation(2, 90.0) * DVec3::X;
        assert!((r - DVec3::Y).length() < 1e-12);
    }

    #[test]
    fn scale_boxes_scale_by_the_distance_from_the_centre() {
        let g = gizmo(Tool::Scale);
        // The X box sits at 1.15 × 16 = 18.4 mm from the centre.
        let at = |x: f64| (DVec3::new(100.0 + x, 60.0, 10.0), DVec3::Y);
        assert_eq!(
            g.hit(at(18.4).0, DVec3::Y, 1.0),
            Some(Handle::Scale(Some(0)))
        );
        let Some(Change::Scale(Some(0), f)) =
            g.drag(Handle::Scale(Some(0)), at(18.4), at(27.6), true)
        else {
            panic!()
        };
        assert!((f - 1.5).abs() < 1e-9, "{f}");
        // The uniform box, along the diagonal, from above: halfway in halves the copy.
        let p = g.center + diagonal() * g.radius * 1.15;
        let q = g.center + diagonal() * g.radius * 0.575;
        let from = (p + DVec3::new(-50.0, 50.0, 0.0), DVec3::new(1.0, -1.0, 0.0));
        assert_eq!(g.hit(from.0, from.1, 1.0), Some(Handle::Scale(None)));
        let to = (q + DVec3::new(-50.0, 50.0, 0.0), DVec3::new(1.0, -1.0, 0.0));
        let Some(Change::Scale(None, f)) = g.drag(Handle::Scale(None), from, to, true) else {
            panic!()
        };
        assert!((f - 0.5).abs() < 1e-9, "{f}");
        assert_eq!(snap(57.4, SCALE_SNAP), 55.0);
    }

    #[test]
    fn each_tool_draws_its_handles_and_highlights_the_hovered_one() {
        let g = gizmo(Tool::Rotate);
        let segs = g.segments(Some(Handle::Rotate(1)));
        assert_eq!(segs.len(), 3 * RING_SEGMENTS);
        assert_eq!(
            segs.iter().filter(|(_, c)| *c == HOVER_COLOUR).count(),
            RING_SEGMENTS
        );
        assert_eq!(gizmo(Tool::Move).segments(None).len(), 2 * 5);
        assert_eq!(gizmo(Tool::Scale).segments(None).len(), 4 * 13);
    }
}
