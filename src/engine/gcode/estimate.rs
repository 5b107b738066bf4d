//! Print time as the firmware's motion planner would take it: each move is a trapezoid
//! (accelerate, cruise, decelerate) under per-axis speed and acceleration limits; speeds at
//! the joints between moves come from classic jerk (Marlin) or from junction deviation
//! derived from square corner velocity (Klipper); a backward and a forward pass make every
//! speed reachable.

use super::Move;
use crate::engine::settings::{GcodeFlavor, Settings};

/// What the firmware allows. Axis arrays are X, Y, Z, E.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub max_feedrate: [f64; 4],
    pub max_accel: [f64; 4],
    pub jerk: [f64; 4],
    pub junction: Junction,
    /// Acceleration of printing moves when no M204 says otherwise.
    pub accel_extruding: f64,
    pub accel_retracting: f64,
    pub accel_travel: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Junction {
    /// Marlin's classic jerk.
    Jerk,
    /// Klipper's square corner velocity (mm/s).
    SquareCorner(f64),
}

impl Limits {
    pub fn from_settings(s: &Settings) -> Limits {
        Limits {
            max_feedrate: [
                s.machine_max_feedrate_x,
                s.machine_max_feedrate_y,
                s.machine_max_feedrate_z,
                s.machine_max_feedrate_e,
            ],
            max_accel: [
                s.machine_max_acceleration_x,
                s.machine_max_acceleration_y,
                s.machine_max_acceleration_z,
                s.machine_max_acceleration_e,
            ],
            jerk: [
                s.machine_max_jerk_x,
                s.machine_max_jerk_y,
                s.machine_max_jerk_z,
                s.machine_max_jerk_e,
            ],
            junction: match s.gcode_flavor {
                GcodeFlavor::Klipper => Junction::SquareCorner(s.square_corner_velocity),
                _ => Junction::Jerk,
            },
            accel_extruding: s.machine_max_acceleration_extruding,
            accel_retracting: s.machine_max_acceleration_retracting,
            accel_travel: s.machine_max_acceleration_travel,
        }
    }
}

/// One planner move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Block {
    /// X, Y, Z, E change (mm).
    pub delta: [f64; 4],
    /// Requested speed (mm/s).
    pub feedrate: f64,
    /// Acceleration in force for this kind of move (mm/s²).
    pub accel: f64,
}

struct Planned {
    distance: f64,
    nominal: f64,
    accel: f64,
    unit: [f64; 4],
    max_entry: f64,
}

/// Time of each block (s), in order. The machine starts and ends at rest.
pub fn estimate(blocks: &[Block], limits: &Limits) -> Vec<f64> {
    let mut planned: Vec<Planned> = Vec::with_capacity(blocks.len());
    let mut prev: Option<usize> = None;
    for b in blocks {
        let [dx, dy, dz, de] = b.delta;
        let xyz = (dx * dx + dy * dy + dz * dz).sqrt();
        let distance = if xyz > 1e-9 { xyz } else { de.abs() };
        if distance <= 1e-9 || b.feedrate <= 0.0 {
            planned.push(Planned {
                distance: 0.0,
                nominal: 0.0,
                accel: 1.0,
                unit: [0.0; 4],
                max_entry: 0.0,
            });
            continue;
        }
        let unit = [dx / distance, dy / distance, dz / distance, de / distance];
        let mut v = b.feedrate;
        let mut a = b.accel;
        for ((u, max_v), max_a) in unit.iter().zip(&limits.max_feedrate).zip(&limits.max_accel) {
            if u.abs() > 1e-12 {
                v = v.min(max_v / u.abs());
                a = a.min(max_a / u.abs());
            }
        }
        let a = a.max(1.0);
        let mut max_entry = 0.0;
        if let Some(p) = prev {
            let pp: &Planned = &planned[p];
            max_entry = junction_speed(pp, &unit, v, a, limits);
        }
        planned.push(Planned {
            distance,
            nominal: v,
            accel: a,
            unit,
            max_entry,
        });
        prev = Some(planned.len() - 1);
    }
    // Backward pass: each block must be able to slow to the next one's entry.
    let n = planned.len();
    let mut entry = vec![0.0f64; n + 1];
    let mut next_entry = 0.0;
    for i in (0..n).rev() {
        let p = &planned[i];
        if p.distance == 0.0 {
            entry[i] = next_entry;
            continue;
        }
        let v = p
            .max_entry
            .min((next_entry * next_entry + 2.0 * p.accel * p.distance).sqrt());
        entry[i] = v;
        next_entry = v;
    }
    // Forward pass: and reach it from the previous one.
    let mut v_prev_exit = 0.0;
    let mut last_real: Option<usize> = None;
    for i in 0..n {
        let p = &planned[i];
        if p.distance == 0.0 {
            continue;
        }
        if let Some(l) = last_real {
            let lp = &planned[l];
            let reachable = (entry[l] * entry[l] + 2.0 * lp.accel * lp.distance).sqrt();
            entry[i] = entry[i].min(reachable);
        } else {
            entry[i] = entry[i].min(v_prev_exit);
        }
        v_prev_exit = entry[i];
        last_real = Some(i);
    }
    // Exit speed of each block is the next real block's entry.
    let mut times = vec![0.0; n];
    let mut exit: f64 = 0.0;
    for i in (0..n).rev() {
        let p = &planned[i];
        if p.distance == 0.0 {
            continue;
        }
        times[i] = trapezoid_time(
            p.distance,
            entry[i].min(p.nominal),
            exit.min(p.nominal),
            p.nominal,
            p.accel,
        );
        exit = entry[i];
    }
    times
}

fn junction_speed(
    prev: &Planned,
    unit: &[f64; 4],
    nominal: f64,
    accel: f64,
    limits: &Limits,
) -> f64 {
    let vmax = prev.nominal.min(nominal);
    match limits.junction {
        Junction::Jerk => {
            let mut factor: f64 = 1.0;
            for ((pu, u), max_jerk) in prev.unit.iter().zip(unit).zip(&limits.jerk) {
                let v_exit = pu * vmax;
                let v_entry = u * vmax;
                let jerk = if v_exit > v_entry {
                    if v_entry > 0.0 || v_exit < 0.0 {
                        v_exit - v_entry
                    } else {
                        v_exit.max(-v_entry)
                    }
                } else if v_entry < 0.0 || v_exit > 0.0 {
                    v_entry - v_exit
                } else {
                    (-v_exit).max(v_entry)
                };
                if jerk > *max_jerk && jerk > 0.0 {
                    factor = factor.min(max_jerk / jerk);
                }
            }
            vmax * factor
        }
        Junction::SquareCorner(scv) => {
            let cos_theta =
                -(prev.unit[0] * unit[0] + prev.unit[1] * unit[1] + prev.unit[2] * unit[2]);
            if cos_theta > 0.999_999 {
                // Full reversal: stop.
                return 0.0;
            }
            if cos_theta < -0.999_999 {
                return vmax;
            }
            let jd = scv * scv * (2f64.sqrt() - 1.0) / accel;
            let sin_half = (0.5 * (1.0 - cos_theta)).sqrt();
            let v2 = accel * jd * sin_half / (1.0 - sin_half);
            v2.sqrt().min(vmax)
        }
    }
}

fn trapezoid_time(d: f64, v0: f64, v1: f64, vmax: f64, a: f64) -> f64 {
    let accel_d = ((vmax * vmax - v0 * v0) / (2.0 * a)).max(0.0);
    let decel_d = ((vmax * vmax - v1 * v1) / (2.0 * a)).max(0.0);
    if accel_d + decel_d <= d {
        (vmax - v0) / a + (vmax - v1) / a + (d - accel_d - decel_d) / vmax
    } else {
        let peak = ((2.0 * a * d + v0 * v0 + v1 * v1) / 2.0)
            .sqrt()
            .max(v0.max(v1));
        ((peak - v0) / a + (peak - v1) / a).max(d / peak.max(1e-9))
    }
}

/// Firmware cuts arcs into chords of this length (Marlin's MM_PER_ARC_SEGMENT, Klipper's
/// gcode_arcs resolution), and plans those as moves.
pub const ARC_SEGMENT_MM: f64 = 1.0;

/// The XY steps and shares of `e` of the chords a firmware makes of an arc.
pub fn arc_deltas(
    start: (f64, f64),
    end: (f64, f64),
    center: (f64, f64),
    ccw: bool,
    e: f64,
) -> Vec<((f64, f64), f64)> {
    let points = super::arcs::chords(start, end, center, ccw, ARC_SEGMENT_MM, f64::INFINITY);
    let n = points.len() as f64;
    let mut prev = start;
    points
        .into_iter()
        .map(|p| {
            let d = (p.0 - prev.0, p.1 - prev.1);
            prev = p;
            (d, e / n)
        })
        .collect()
}

/// Planner blocks for moves, with the index of the move each block came from. `start` is the
/// XY position before the first move (None: the first travel is taken as free).
pub fn blocks<'m>(
    moves: impl Iterator<Item = &'m Move>,
    limits: &Limits,
    start: Option<(f64, f64)>,
) -> Vec<(Block, usize)> {
    let mut out = Vec::new();
    let (mut x, mut y) = start.unwrap_or((f64::NAN, f64::NAN));
    let mut z = f64::NAN;
    let mut print_accel = limits.accel_extruding;
    let mut travel_accel = limits.accel_travel;
    for (i, mv) in moves.enumerate() {
        let mut push = |delta: [f64; 4], feedrate: f64, accel: f64| {
            out.push((
                Block {
                    delta,
                    feedrate,
                    accel,
                },
                i,
            ))
        };
        match *mv {
            Move::Travel {
                x: nx,
                y: ny,
                speed,
            } => {
                if x.is_finite() {
                    push([nx - x, ny - y, 0.0, 0.0], speed, travel_accel);
                }
                x = nx;
                y = ny;
            }
            Move::Extrude {
                x: nx,
                y: ny,
                e,
                speed,
            }
            | Move::Wipe {
                x: nx,
                y: ny,
                e,
                speed,
            } => {
                if x.is_finite() {
                    push([nx - x, ny - y, 0.0, e], speed, print_accel);
                }
                x = nx;
                y = ny;
            }
            Move::Arc {
                x: nx,
                y: ny,
                cx,
                cy,
                ccw,
                e,
                speed,
            } => {
                if x.is_finite() {
                    for (delta, de) in arc_deltas((x, y), (nx, ny), (cx, cy), ccw, e) {
                        push([delta.0, delta.1, 0.0, de], speed, print_accel);
                    }
                }
                x = nx;
                y = ny;
            }
            Move::Helix {
                x: nx,
                y: ny,
                z: nz,
                e,
                speed,
            } => {
                if x.is_finite() {
                    let dz = if z.is_finite() { nz - z } else { 0.0 };
                    push([nx - x, ny - y, dz, e], speed, print_accel);
                }
                x = nx;
                y = ny;
                z = nz;
            }
            Move::Z { z: nz, speed } => {
                if z.is_finite() {
                    push([0.0, 0.0, nz - z, 0.0], speed, travel_accel);
                }
                z = nz;
            }
            Move::Retract { e, speed } => push([0.0, 0.0, 0.0, -e], speed, limits.accel_retracting),
            Move::Unretract { e, speed } => {
                push([0.0, 0.0, 0.0, e], speed, limits.accel_retracting)
            }
            Move::Accel(a) => {
                print_accel = a;
                travel_accel = a;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_feedrate: [500.0, 500.0, 10.0, 50.0],
            max_accel: [1000.0, 1000.0, 100.0, 5000.0],
            jerk: [8.0, 8.0, 0.4, 5.0],
            junction: Junction::Jerk,
            accel_extruding: 1000.0,
            accel_retracting: 1000.0,
            accel_travel: 1000.0,
        }
    }

    fn line(dx: f64, dy: f64, v: f64) -> Block {
        Block {
            delta: [dx, dy, 0.0, 0.0],
            feedrate: v,
            accel: 1000.0,
        }
    }

    #[test]
    fn single_move_is_a_trapezoid() {
        // 100 mm at 100 mm/s, 1000 mm/s²: 0.1 s up and 0.1 s down (5 mm each), 90 mm at speed.
        let t = estimate(&[line(100.0, 0.0, 100.0)], &limits());
        assert!((t[0] - 1.1).abs() < 1e-9, "{}", t[0]);
        // Too short to reach speed: a triangle.
        let t = estimate(&[line(1.0, 0.0, 100.0)], &limits());
        assert!((t[0] - 2.0 * (1e-3f64).sqrt()).abs() < 1e-9, "{}", t[0]);
    }

    #[test]
    fn straight_joints_keep_speed_and_corners_slow_down() {
        let straight = estimate(&[line(50.0, 0.0, 100.0), line(50.0, 0.0, 100.0)], &limits());
        assert!((straight.iter().sum::<f64>() - 1.1).abs() < 1e-9);
        let corner = estimate(&[line(50.0, 0.0, 100.0), line(0.0, 50.0, 100.0)], &limits());
        assert!(corner.iter().sum::<f64>() > 1.15);
        let mut kl = limits();
        kl.junction = Junction::SquareCorner(5.0);
        let corner_k = estimate(&[line(50.0, 0.0, 100.0), line(0.0, 50.0, 100.0)], &kl);
        assert!(corner_k.iter().sum::<f64>() > 1.15);
    }

    #[test]
    fn axis_limits_apply() {
        let z = Block {
            delta: [0.0, 0.0, 10.0, 0.0],
            feedrate: 100.0,
            accel: 1000.0,
        };
        // Z capped at 10 mm/s and 100 mm/s²: 0.1 s up, 0.1 s down, 9 mm at 10 mm/s.
        let t = estimate(&[z], &limits());
        assert!((t[0] - 1.1).abs() < 1e-9, "{}", t[0]);
    }
}
