//! Cooling: each layer slowed to its minimum time, and the fan set for it (ramped up over the
//! first layers, raised on quick layers, and bridges with their own fan speed).

use super::Move;
use super::estimate::{self, Block, Limits};
use crate::engine::settings::Settings;

/// Slows extrusion so the layer takes at least the minimum layer time; returns its time.
pub fn slow_down(moves: &mut [Move], limits: &Limits, s: &Settings) -> f64 {
    let target = s.slowdown_below_layer_time;
    let t = layer_time(moves, limits);
    if !s.cooling || target <= 0.0 || t >= target || t <= 0.0 {
        return t;
    }
    // Travel does not slow down, so aim again with the measured result a few times.
    let original = moves.to_vec();
    let mut factor = t / target;
    let mut result = t;
    for _ in 0..4 {
        for (mv, orig) in moves.iter_mut().zip(&original) {
            if let (Some(speed), Some(v0)) = (mv.print_speed_mut(), orig.print_speed()) {
                *speed = (v0 * factor).max(s.min_print_speed.min(v0));
            }
        }
        result = layer_time(moves, limits);
        if result >= target * 0.98 || factor < 0.01 {
            break;
        }
        factor *= result / target;
    }
    result
}

pub fn layer_fan(index: usize, t: f64, s: &Settings) -> f64 {
    if (index as u32) < s.disable_fan_first_layers {
        return 0.0;
    }
    let mut f = if s.fan_always_on {
        s.min_fan_speed
    } else {
        0.0
    };
    if s.cooling {
        if t < s.slowdown_below_layer_time {
            f = s.max_fan_speed;
        } else if t < s.fan_below_layer_time {
            let span = (s.fan_below_layer_time - s.slowdown_below_layer_time).max(1e-9);
            let k = (t - s.slowdown_below_layer_time) / span;
            f = f.max(s.max_fan_speed - (s.max_fan_speed - s.min_fan_speed) * k);
        }
    }
    let (first, full) = (
        s.disable_fan_first_layers as usize,
        s.full_fan_speed_layer as usize,
    );
    if full > first && index < full {
        f *= (index + 1 - first) as f64 / (full + 1 - first) as f64;
    }
    f.clamp(0.0, 100.0)
}

/// Puts the layer's fan speed after the layer change, and bridge fan around bridges.
pub fn apply_fan(
    moves: Vec<Move>,
    index: usize,
    fan: f64,
    prev_fan: f64,
    s: &Settings,
) -> Vec<Move> {
    let bridge_fan = s.cooling
        && (index as u32) >= s.disable_fan_first_layers
        && (s.bridge_fan_speed - fan).abs() > 0.5;
    let mut out = Vec::with_capacity(moves.len() + 4);
    let mut current = fan;
    for mv in moves {
        let role = if let Move::Role { role, .. } = &mv {
            Some(*role)
        } else {
            None
        };
        let is_layer = matches!(mv, Move::Layer { .. });
        if let (true, Some(r)) = (bridge_fan, role) {
            let want = if r.is_bridge() {
                s.bridge_fan_speed
            } else {
                fan
            };
            if (want - current).abs() > 0.5 {
                out.push(Move::Fan(want));
                current = want;
            }
        }
        out.push(mv);
        if is_layer && (fan - prev_fan).abs() > 0.5 {
            out.push(Move::Fan(fan));
        }
    }
    if (current - fan).abs() > 0.5 {
        out.push(Move::Fan(fan));
    }
    out
}

/// Estimated time of one layer's moves on their own (starting and ending at rest).
pub fn layer_time(moves: &[Move], limits: &Limits) -> f64 {
    let blocks: Vec<Block> = estimate::blocks(moves.iter(), limits, None)
        .into_iter()
        .map(|(b, _)| b)
        .collect();
    estimate::estimate(&blocks, limits).iter().sum()
}
