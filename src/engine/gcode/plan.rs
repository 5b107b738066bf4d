//! Ordered toolpaths → typed moves. Travel decides retraction (skipped for short moves and
//! for moves that stay inside one island's infill), Z hop and wipe; extrusion gets its
//! speed (per feature, first layer, volumetric cap) and acceleration, and its curves become
//! arcs (`arcs`) where asked; a spiral vase's layers climb; then each layer is timed,
//! slowed down to its minimum time and given its fan (`cooling`).

use super::arcs::{self, Extrusion, Piece, Stretch};
use super::cooling;
use super::estimate::Limits;
use super::layer_travel::LayerTravel;
use super::{Heater, LayerMoves, Move, template};
use crate::engine::geom::Point;
use crate::engine::layers::LayerZ;
use crate::engine::settings::{ArcFitting, Settings};
use crate::engine::toolpaths::{LayerFlows, OrderedLayer, OrderedPath, Role, Slope};
use crate::engine::units::{SCALE, unscaled};
use std::f64::consts::PI;

/// How far apart the widths of the paths one arc spans may be (mm). The arc spreads their
/// filament evenly, so the flow strays by at most half this from what each stretch had:
/// about ±5% at common widths, as PrusaSlicer discretises variable widths in 0.05 mm steps.
const ARC_WIDTH_SPREAD: f64 = 0.05;

pub struct Planner<'a> {
    /// The plate's settings.
    s: &'a Settings,
    /// Each copy's settings (its object's own on top of the plate's), by instance number;
    /// speeds follow them.
    copies: Vec<&'a Settings>,
    filament_area: f64,
    retract_length: f64,
    retract_speed: f64,
    deretract_speed: f64,
    lift: f64,
    pos: Option<Point>,
    z: f64,
    /// The layer's height.
    height: f64,
    retracted: bool,
    role: Option<(Role, f64)>,
    accel: f64,
    instance: Option<usize>,
    comb: Option<usize>,
    /// The last path extruded (for wipes), in bed coordinates.
    last_path: Vec<Point>,
    /// Spiral vase: the first layer printed as a spiral.
    spiral_from: Option<usize>,
}

impl<'a> Planner<'a> {
    pub fn new(s: &'a Settings) -> Self {
        let retract_speed = s.filament_retract_speed.unwrap_or(s.retract_speed);
        Planner {
            s,
            copies: Vec::new(),
            filament_area: PI * s.filament_diameter * s.filament_diameter / 4.0,
            retract_length: s.filament_retract_length.unwrap_or(s.retract_length),
            retract_speed,
            deretract_speed: if s.deretract_speed > 0.0 {
                s.deretract_speed
            } else {
                retract_speed
            },
            lift: s.filament_retract_lift.unwrap_or(s.retract_lift),
            pos: None,
            z: 0.0,
            height: 0.0,
            retracted: false,
            role: None,
            accel: 0.0,
            instance: None,
            comb: None,
            last_path: Vec::new(),
            spiral_from: None,
        }
    }

    /// Gives each copy (by instance number) its own settings; a copy without keeps the
    /// plate's.
    pub fn with_copies(mut self, copies: Vec<&'a Settings>) -> Self {
        self.copies = copies;
        self
    }

    /// The settings a copy prints with.
    fn of(&self, instance: Option<usize>) -> &'a Settings {
        instance
            .and_then(|i| self.copies.get(i).copied())
            .unwrap_or(self.s)
    }

    /// Prints layers from `first` on as one rising spiral each (spiral vase): no layer
    /// change, the nozzle climbing a layer's height over the layer's extrusion.
    pub fn spiral_from(mut self, first: usize) -> Self {
        self.spiral_from = Some(first);
        self
    }

    fn spirals(&self, index: usize) -> bool {
        self.spiral_from.is_some_and(|f| index >= f && index > 0)
    }

    /// Plans every layer in order.
    pub fn plan(mut self, layers: &[OrderedLayer], zs: &[LayerZ]) -> Vec<LayerMoves> {
        let mut out = Vec::with_capacity(layers.len());
        let mut prev_z = 0.0;
        for (i, (layer, lz)) in layers.iter().zip(zs).enumerate() {
            let start = self.pos.map(|p| (unscaled(p.x), unscaled(p.y)));
            let mut moves = self.layer(i, layer, lz);
            if self.spirals(i) {
                spiralize(&mut moves, start, prev_z, lz.print_z);
            }
            prev_z = lz.print_z;
            out.push(LayerMoves {
                index: i,
                z: lz.print_z,
                height: lz.height,
                moves,
            });
        }
        let limits = Limits::from_settings(self.s);
        let mut prev_fan = -1.0;
        for lm in &mut out {
            let t = cooling::slow_down(&mut lm.moves, &limits, self.s);
            let fan = cooling::layer_fan(lm.index, t, self.s);
            lm.moves = cooling::apply_fan(
                std::mem::take(&mut lm.moves),
                lm.index,
                fan,
                prev_fan,
                self.s,
            );
            prev_fan = fan;
        }
        out
    }

    fn layer(&mut self, index: usize, layer: &OrderedLayer, lz: &LayerZ) -> Vec<Move> {
        let s = self.s;
        let mut m = vec![Move::Layer {
            index,
            z: lz.print_z,
            height: lz.height,
        }];
        let spiral = self.spirals(index);
        if index > 0 && s.retract_layer_change && !spiral {
            self.retract(&mut m);
        }
        if !s.before_layer_gcode.trim().is_empty() {
            let extra = [
                ("layer_num", index.to_string()),
                ("layer_z", format!("{:.3}", lz.print_z)),
            ];
            let text = template::render(&s.before_layer_gcode, s, &extra)
                .unwrap_or_else(|_| s.before_layer_gcode.clone());
            m.push(Move::Template(text));
        }
        if index == 1 {
            if s.temperature != s.first_layer_temperature {
                m.push(Move::Temperature {
                    heater: Heater::Nozzle,
                    celsius: s.temperature,
                });
            }
            if s.bed_temperature != s.first_layer_bed_temperature {
                m.push(Move::Temperature {
                    heater: Heater::Bed,
                    celsius: s.bed_temperature,
                });
            }
        }
        self.z = lz.print_z;
        self.height = lz.height;
        if !spiral {
            m.push(Move::Z {
                z: lz.print_z,
                speed: self.z_speed(),
            });
        }
        let mut travel = LayerTravel {
            layer,
            comb: (0..layer.comb.len()).map(|_| None).collect(),
            inside: None,
            router: None,
            wall_width: LayerFlows::new(s, lz.height, lz.on_bed)
                .external_perimeter
                .width,
        };
        let arcs = self.s.arc_fitting == ArcFitting::EmitCenter;
        let mut k = 0;
        while k < layer.paths.len() {
            let p = &layer.paths[k];
            if p.instance != self.instance {
                if let Some(prev) = self.instance {
                    m.push(Move::ObjectEnd(prev));
                }
                if let Some(next) = p.instance {
                    m.push(Move::ObjectStart(next));
                }
                self.instance = p.instance;
            }
            self.travel_to(&mut m, p, &mut travel, index);
            let end = if arcs {
                self.arc_run_end(&layer.paths, k, index)
            } else {
                k + 1
            };
            self.extrude(&mut m, &layer.paths[k..end], index);
            k = end;
        }
        if let Some(prev) = self.instance.take() {
            m.push(Move::ObjectEnd(prev));
        }
        m
    }

    fn z_speed(&self) -> f64 {
        if self.s.travel_speed_z > 0.0 {
            self.s.travel_speed_z
        } else {
            self.s.machine_max_feedrate_z
        }
    }

    fn retract(&mut self, m: &mut Vec<Move>) {
        if self.retracted || self.retract_length <= 0.0 {
            return;
        }
        m.push(Move::Retract {
            e: self.retract_length,
            speed: self.retract_speed,
        });
        self.retracted = true;
    }

    /// Moves back along the last path while retracting (leaves no blob at the end).
    fn wipe(&mut self, m: &mut Vec<Move>) -> bool {
        let dist = self.s.wipe_distance * SCALE;
        if self.last_path.len() < 2 || dist <= 0.0 || self.retracted || self.retract_length <= 0.0 {
            return false;
        }
        let mut pts: Vec<Point> = self.last_path.iter().rev().copied().collect();
        let mut left = dist;
        let mut route = vec![pts[0]];
        for w in pts.windows(2) {
            let seg = w[0].distance(w[1]);
            if seg >= left {
                let t = left / seg;
                route.push(Point::new(
                    w[0].x + ((w[1].x - w[0].x) as f64 * t) as i64,
                    w[0].y + ((w[1].y - w[0].y) as f64 * t) as i64,
                ));
                left = 0.0;
                break;
            }
            route.push(w[1]);
            left -= seg;
        }
        pts.clear();
        let wiped = dist - left;
        if wiped <= 0.0 {
            return false;
        }
        let speed = self.s.travel_speed * 0.8;
        for w in route.windows(2) {
            let e = -self.retract_length * w[0].distance(w[1]) / wiped;
            m.push(Move::Wipe {
                x: unscaled(w[1].x),
                y: unscaled(w[1].y),
                e,
                speed,
            });
        }
        self.pos = route.last().copied();
        self.retracted = true;
        true
    }

    fn set_accel(&mut self, m: &mut Vec<Move>, a: f64) {
        if self.s.default_acceleration > 0.0 && a > 0.0 && (a - self.accel).abs() > 0.5 {
            m.push(Move::Accel(a));
            self.accel = a;
        }
    }

    fn travel_to(
        &mut self,
        m: &mut Vec<Move>,
        p: &OrderedPath,
        travel: &mut LayerTravel,
        index: usize,
    ) {
        let to = p.points[0];
        let Some(from) = self.pos else {
            // First move of the print: go there (retraction state as the start G-code left it).
            self.set_accel(m, self.travel_accel(index));
            m.push(Move::Travel {
                x: unscaled(to.x),
                y: unscaled(to.y),
                speed: self.s.travel_speed,
            });
            self.pos = Some(to);
            self.comb = p.comb;
            return;
        };
        if from == to {
            return;
        }
        let length = from.distance(to) / SCALE;
        let route = if self.s.avoid_crossing_perimeters {
            travel.route(from, to)
        } else {
            vec![from, to]
        };
        // PrusaSlicer's rule: no retraction where the ooze would be buried, that is when the
        // travel stays inside one fill area, or (with infill) inside the part and off its
        // visible surfaces.
        let needs_retract = length > self.s.retract_before_travel
            && !(self.s.only_retract_when_crossing_perimeters
                && ((p.comb.is_some()
                    && p.comb == self.comb
                    && travel.stays_in_fill(p.comb.unwrap_or(0), from, to))
                    || (self.of(p.instance).fill_density > 0.0
                        && route.windows(2).all(|w| travel.stays_buried(w[0], w[1])))));
        let mut lifted = false;
        if needs_retract {
            if !(self.s.wipe && self.wipe(m)) {
                self.retract(m);
            }
            if self.lift > 0.0 {
                m.push(Move::Z {
                    z: self.z + self.lift,
                    speed: self.z_speed(),
                });
                lifted = true;
            }
        }
        self.set_accel(m, self.travel_accel(index));
        for q in &route[1..] {
            m.push(Move::Travel {
                x: unscaled(q.x),
                y: unscaled(q.y),
                speed: self.s.travel_speed,
            });
        }
        if lifted {
            m.push(Move::Z {
                z: self.z,
                speed: self.z_speed(),
            });
        }
        self.pos = Some(to);
        self.comb = p.comb;
    }

    /// Extrudes paths that follow one another (one path unless arcs are fitted).
    fn extrude(&mut self, m: &mut Vec<Move>, run: &[OrderedPath], index: usize) {
        let p = &run[0];
        if self.retracted {
            m.push(Move::Unretract {
                e: self.retract_length,
                speed: self.deretract_speed,
            });
            self.retracted = false;
        }
        let speed = self.role_speed(p, index);
        let pieces = if let Some(slope) = p.slope {
            self.set_role(m, p.role, p.flow.width);
            self.set_accel(m, self.role_accel(p.role, index));
            self.sloped(m, p, slope, speed);
            Vec::new()
        } else if self.s.arc_fitting == ArcFitting::EmitCenter {
            let stretches: Vec<Stretch> = run
                .iter()
                .map(|q| Stretch {
                    points: q.points[1..]
                        .iter()
                        .map(|pt| (unscaled(pt.x), unscaled(pt.y)))
                        .collect(),
                    e_per_mm: self.e_per_mm(q),
                    width: q.flow.width,
                })
                .collect();
            let start = (unscaled(p.points[0].x), unscaled(p.points[0].y));
            arcs::fit_stretches(start, &stretches, self.s.arc_fitting_tolerance)
        } else {
            let e_per_mm = self.e_per_mm(p);
            p.points
                .windows(2)
                .filter(|w| w[0] != w[1])
                .map(|w| Extrusion {
                    piece: Piece::Line {
                        end: (unscaled(w[1].x), unscaled(w[1].y)),
                    },
                    e: w[0].distance(w[1]) / SCALE * e_per_mm,
                    width: p.flow.width,
                })
                .collect()
        };
        if p.slope.is_none() {
            self.set_role(m, p.role, pieces.first().map_or(p.flow.width, |x| x.width));
            self.set_accel(m, self.role_accel(p.role, index));
        }
        for piece in pieces {
            self.set_role(m, p.role, piece.width);
            let (x, y) = piece.piece.end();
            let e = piece.e;
            m.push(match piece.piece {
                Piece::Line { .. } => Move::Extrude { x, y, e, speed },
                Piece::Arc { center, ccw, .. } => Move::Arc {
                    x,
                    y,
                    cx: center.0,
                    cy: center.1,
                    ccw,
                    e,
                    speed,
                },
            });
        }
        let last = &run[run.len() - 1];
        self.pos = last.points.last().copied();
        self.comb = last.comb;
        self.last_path.clear();
        self.last_path.extend_from_slice(&p.points);
        for q in &run[1..] {
            self.last_path.extend_from_slice(&q.points[1..]);
        }
    }

    /// A stretch of a scarf seam: the first pass climbs from the layer below, laying plastic
    /// in proportion to its height over it; the last pass, at the layer's height, lays the
    /// rest.
    fn sloped(&mut self, m: &mut Vec<Move>, p: &OrderedPath, slope: Slope, speed: f64) {
        let (h, top) = (self.height, self.z);
        let base = top - h;
        let e_per_mm = self.e_per_mm(p);
        let total: f64 = p.points.windows(2).map(|w| w[0].distance(w[1])).sum();
        if total <= 0.0 {
            return;
        }
        let at = |walked: f64| {
            slope.height.0 + (slope.height.1 - slope.height.0) * (walked / total).clamp(0.0, 1.0)
        };
        if !slope.finish {
            // Down to where the first pass starts, unless the slope goes on from there.
            let start = base + h * slope.height.0;
            let on_slope = m.iter().rev().find_map(|mv| match mv {
                Move::Helix { z, .. } => Some((z - start).abs() < 1e-6),
                Move::Z { .. }
                | Move::Extrude { .. }
                | Move::Arc { .. }
                | Move::Travel { .. }
                | Move::Wipe { .. } => Some(false),
                _ => None,
            });
            if on_slope != Some(true) {
                m.push(Move::Z {
                    z: start,
                    speed: self.z_speed(),
                });
            }
        }
        let mut walked = 0.0;
        for w in p.points.windows(2).filter(|w| w[0] != w[1]) {
            let d = w[0].distance(w[1]);
            let (a, b) = (at(walked), at(walked + d));
            walked += d;
            let (x, y) = (unscaled(w[1].x), unscaled(w[1].y));
            let mid = (a + b) / 2.0;
            let share = if slope.finish { 1.0 - mid } else { mid };
            let e = d / SCALE * e_per_mm * share;
            m.push(if slope.finish {
                Move::Extrude { x, y, e, speed }
            } else {
                Move::Helix {
                    x,
                    y,
                    z: base + h * b,
                    e,
                    speed,
                }
            });
        }
    }

    /// Starts a new kind of line, or a width that differs as written (`;WIDTH:` has three
    /// decimals).
    fn set_role(&mut self, m: &mut Vec<Move>, role: Role, width: f64) {
        let same = self
            .role
            .is_some_and(|(r, w)| r == role && (w - width).abs() < 5e-4);
        if !same {
            m.push(Move::Role { role, width });
            self.role = Some((role, width));
        }
    }

    /// Filament per mm of a path: its flow at the filament's flow ratio and its object's.
    fn e_per_mm(&self, p: &OrderedPath) -> f64 {
        p.flow.mm3_per_mm() * self.s.extrusion_multiplier * self.of(p.instance).print_flow_ratio
            / self.filament_area
    }

    /// Where a run of paths that an arc may span ends (exclusive): paths of one role and
    /// object that follow on end to end at one speed, their widths at most
    /// `ARC_WIDTH_SPREAD` apart (a variable-width wall comes as such paths).
    fn arc_run_end(&self, paths: &[OrderedPath], k: usize, index: usize) -> usize {
        let first = &paths[k];
        if first.slope.is_some() {
            return k + 1;
        }
        let speed = self.role_speed(first, index);
        let (mut lo, mut hi) = (first.flow.width, first.flow.width);
        let mut end = k + 1;
        while let Some(next) = paths.get(end) {
            let prev = &paths[end - 1];
            let w = next.flow.width;
            if next.role != first.role
                || next.slope.is_some()
                || next.instance != first.instance
                || next.points.first() != prev.points.last()
                || hi.max(w) - lo.min(w) > ARC_WIDTH_SPREAD
                || self.role_speed(next, index) != speed
            {
                break;
            }
            (lo, hi) = (lo.min(w), hi.max(w));
            end += 1;
        }
        end
    }

    /// A path's speed: its role's, at its object's settings, within the first layer's and
    /// the filament's volumetric limit (the plate's).
    fn role_speed(&self, p: &OrderedPath, index: usize) -> f64 {
        let (plate, s) = (self.s, self.of(p.instance));
        let mm3 = p.flow.mm3_per_mm();
        let v = if index == 0 {
            plate.first_layer_speed
        } else {
            match p.role {
                Role::ExternalPerimeter => s.external_perimeter_speed,
                Role::Perimeter => s.perimeter_speed,
                Role::OverhangPerimeter | Role::BridgeInfill => s.bridge_speed,
                Role::GapFill => s.gap_fill_speed,
                Role::InternalInfill => s.infill_speed,
                Role::SolidInfill => s.solid_infill_speed,
                Role::TopSolidInfill => s.top_solid_infill_speed,
                Role::SupportMaterial => s.support_material_speed,
                Role::SupportMaterialInterface => s.support_material_interface_speed,
                Role::Skirt | Role::Brim => s.external_perimeter_speed,
                Role::Ironing => s.ironing_speed,
            }
        };
        if plate.max_volumetric_speed > 0.0 && mm3 > 0.0 {
            v.min(plate.max_volumetric_speed / mm3)
        } else {
            v
        }
    }

    fn role_accel(&self, role: Role, index: usize) -> f64 {
        let s = self.s;
        let or = |a: f64, b: f64| if a > 0.0 { a } else { b };
        if index == 0 && s.first_layer_acceleration > 0.0 {
            return s.first_layer_acceleration;
        }
        let d = s.default_acceleration;
        match role {
            Role::ExternalPerimeter => or(
                s.external_perimeter_acceleration,
                or(s.perimeter_acceleration, d),
            ),
            Role::Perimeter | Role::GapFill => or(s.perimeter_acceleration, d),
            Role::OverhangPerimeter | Role::BridgeInfill => or(s.bridge_acceleration, d),
            Role::InternalInfill => or(s.infill_acceleration, d),
            Role::SolidInfill => or(s.solid_infill_acceleration, or(s.infill_acceleration, d)),
            Role::TopSolidInfill => or(
                s.top_solid_infill_acceleration,
                or(s.solid_infill_acceleration, or(s.infill_acceleration, d)),
            ),
            _ => d,
        }
    }

    fn travel_accel(&self, index: usize) -> f64 {
        if index == 0 && self.s.first_layer_acceleration > 0.0 {
            return self.s.first_layer_acceleration;
        }
        if self.s.travel_acceleration > 0.0 {
            self.s.travel_acceleration
        } else {
            self.s.default_acceleration
        }
    }
}

/// Turns a layer's extrusions into a spiral: Z climbs from `from` to `to` in proportion to
/// the length extruded so far (from `start`, where the nozzle stands), so the wall rises without a seam (PrusaSlicer's spiral vase).
fn spiralize(moves: &mut [Move], start: Option<(f64, f64)>, from: f64, to: f64) {
    let mut pos = start;
    let mut lengths = Vec::with_capacity(moves.len());
    for m in moves.iter() {
        let len = match (m, pos) {
            (Move::Extrude { x, y, .. }, Some(p)) => (x - p.0).hypot(y - p.1),
            _ => 0.0,
        };
        lengths.push(len);
        if let Move::Extrude { x, y, .. } | Move::Travel { x, y, .. } | Move::Wipe { x, y, .. } = m
        {
            pos = Some((*x, *y));
        }
    }
    let total: f64 = lengths.iter().sum();
    if total <= 0.0 {
        return;
    }
    let mut done = 0.0;
    for (m, len) in moves.iter_mut().zip(lengths) {
        if let Move::Extrude { x, y, e, speed } = *m {
            done += len;
            *m = Move::Helix {
                x,
                y,
                z: from + (to - from) * done / total,
                e,
                speed,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::toolpaths::Flow;

    fn path(points: &[(i64, i64)], role: Role, comb: Option<usize>) -> OrderedPath {
        OrderedPath {
            role,
            flow: Flow::new(0.45, 0.2),
            points: points.iter().map(|&(x, y)| Point::new(x, y)).collect(),
            slope: None,
            instance: Some(0),
            comb,
        }
    }

    fn plan_one(layer: OrderedLayer, s: &Settings) -> Vec<Move> {
        let z = LayerZ {
            print_z: 0.4,
            height: 0.2,
            slice_z: 0.3,
            on_bed: false,
        };
        let mut out = Planner::new(s).plan(&[OrderedLayer::default(), layer], &[z, z]);
        out.pop().map(|l| l.moves).unwrap_or_default()
    }

    #[test]
    fn long_travel_retracts_and_extrusion_volume_is_right() {
        let s = Settings::default();
        let layer = OrderedLayer {
            paths: vec![
                path(&[(0, 0), (10_000, 0)], Role::Perimeter, None),
                path(&[(50_000, 0), (60_000, 0)], Role::Perimeter, None),
            ],
            ..Default::default()
        };
        let moves = plan_one(layer, &s);
        let retracts = moves
            .iter()
            .filter(|m| matches!(m, Move::Retract { .. }))
            .count();
        assert_eq!(retracts, 2, "layer change and the 40 mm travel: {moves:?}");
        let e: f64 = moves.iter().map(Move::extruded).sum();
        let expect = 20.0 * 0.2 * (0.45 - 0.2 * (1.0 - PI / 4.0)) / (PI * 1.75 * 1.75 / 4.0);
        assert!((e - expect).abs() < 1e-9, "{e} vs {expect}");
    }

    #[test]
    fn travel_inside_infill_does_not_retract() {
        let s = Settings::default();
        let square = crate::engine::geom::ExPolygon::rect(0, 0, 100_000, 100_000);
        let layer = OrderedLayer {
            paths: vec![
                path(&[(1000, 1000), (9000, 1000)], Role::InternalInfill, Some(0)),
                path(
                    &[(9000, 20_000), (1000, 20_000)],
                    Role::InternalInfill,
                    Some(0),
                ),
            ],
            comb: vec![vec![square]],
            ..Default::default()
        };
        let moves = plan_one(layer, &s);
        let retracts = moves
            .iter()
            .filter(|m| matches!(m, Move::Retract { .. }))
            .count();
        assert_eq!(retracts, 1, "only the layer change retracts");
    }

    #[test]
    fn travel_buried_inside_the_part_does_not_retract_but_over_a_top_surface_does() {
        let s = Settings::default();
        let square = crate::engine::geom::ExPolygon::rect(0, 0, 100_000, 100_000);
        let layer = |exposed: Vec<crate::engine::geom::ExPolygon>| OrderedLayer {
            paths: vec![
                path(&[(1000, 1000), (1000, 9000)], Role::ExternalPerimeter, None),
                path(
                    &[(50_000, 50_000), (60_000, 50_000)],
                    Role::InternalInfill,
                    Some(0),
                ),
            ],
            comb: vec![vec![square.clone()]],
            outlines: vec![square.clone()],
            exposed,
            ..Default::default()
        };
        let retracts = |moves: Vec<Move>| {
            moves
                .iter()
                .filter(|m| matches!(m, Move::Retract { .. }))
                .count()
        };
        // Only the layer change retracts: the 60 mm travel stays inside the part.
        assert_eq!(retracts(plan_one(layer(Vec::new()), &s)), 1);
        // Over a top surface the ooze would show.
        let top = crate::engine::geom::ExPolygon::rect(20_000, 0, 40_000, 100_000);
        assert_eq!(retracts(plan_one(layer(vec![top]), &s)), 2);
        // Without infill nothing buries it.
        let hollow = Settings {
            fill_density: 0.0,
            ..Default::default()
        };
        assert_eq!(retracts(plan_one(layer(Vec::new()), &hollow)), 2);
    }

    #[test]
    fn small_layers_slow_down_and_get_full_fan() {
        let s = Settings {
            full_fan_speed_layer: 0,
            ..Default::default()
        };
        let layer = OrderedLayer {
            paths: vec![path(
                &[(0, 0), (10_000, 0), (10_000, 10_000), (0, 10_000), (0, 0)],
                Role::ExternalPerimeter,
                None,
            )],
            ..Default::default()
        };
        let moves = plan_one(layer, &s);
        let speeds: Vec<f64> = moves.iter().filter_map(Move::print_speed).collect();
        assert!(
            speeds
                .iter()
                .all(|&v| v < s.external_perimeter_speed && v >= s.min_print_speed),
            "{speeds:?}"
        );
        assert!(moves.contains(&Move::Fan(100.0)), "{moves:?}");
    }
}
