//! Toolpath preview data: every extrusion and travel as a segment with what the viewer colours
//! by (feature, speed, layer time), in one flat f32 array ready to upload as GPU instances,
//! ordered by layer so a layer range is one contiguous slice.

use super::{LayerMoves, Move, PrintStats};
use crate::engine::toolpaths::Role;

/// Floats per segment: x0 y0 z0 x1 y1 z1 width height kind speed layer_time layer.
pub const STRIDE: usize = 12;

/// `kind` of a travel segment; extrusions use their role's index in `Role::ALL`.
pub const TRAVEL: f32 = 255.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preview {
    /// Extrusion segments, `STRIDE` floats each, layer by layer.
    pub extrusions: Vec<f32>,
    /// Travel segments, same layout.
    pub travels: Vec<f32>,
    /// For each layer: (z, first extrusion segment, first travel segment).
    pub layers: Vec<(f32, u32, u32)>,
    /// Slowest and fastest extrusion speed (mm/s), for the speed colour scale.
    pub speed_range: (f32, f32),
    /// Shortest and longest layer time (s), for the layer-time colour scale.
    pub time_range: (f32, f32),
}

impl Preview {
    pub fn extrusion_count(&self) -> usize {
        self.extrusions.len() / STRIDE
    }

    pub fn travel_count(&self) -> usize {
        self.travels.len() / STRIDE
    }
}

/// Builds the preview of planned layers (with their estimated times from `stats`).
pub fn build(layers: &[LayerMoves], stats: &PrintStats) -> Preview {
    let mut p = Preview {
        speed_range: (f32::MAX, 0.0),
        time_range: (f32::MAX, 0.0),
        ..Default::default()
    };
    let (mut x, mut y) = (f64::NAN, f64::NAN);
    let mut z = 0.0f64;
    let mut width = 0.4f32;
    let mut kind = 0.0f32;
    for (li, lm) in layers.iter().enumerate() {
        let time = stats.layer_times.get(li).copied().unwrap_or(0.0) as f32;
        p.time_range = (p.time_range.0.min(time), p.time_range.1.max(time));
        let height = lm.height as f32;
        p.layers.push((
            lm.z as f32,
            (p.extrusions.len() / STRIDE) as u32,
            (p.travels.len() / STRIDE) as u32,
        ));
        for m in &lm.moves {
            match *m {
                Move::Role { role, width: w } => {
                    kind = Role::ALL.iter().position(|r| *r == role).unwrap_or(0) as f32;
                    width = w as f32;
                }
                Move::Z { z: nz, .. } => z = nz,
                Move::Travel { x: nx, y: ny, .. } => {
                    if x.is_finite() {
                        push(
                            &mut p.travels,
                            [x, y, z, nx, ny, z],
                            0.1,
                            0.0,
                            TRAVEL,
                            0.0,
                            time,
                            li,
                        );
                    }
                    x = nx;
                    y = ny;
                }
                Move::Wipe { x: nx, y: ny, .. } => {
                    x = nx;
                    y = ny;
                }
                Move::Extrude {
                    x: nx,
                    y: ny,
                    speed,
                    ..
                } => {
                    if x.is_finite() {
                        push(
                            &mut p.extrusions,
                            [x, y, z, nx, ny, z],
                            width,
                            height,
                            kind,
                            speed as f32,
                            time,
                            li,
                        );
                        p.speed_range = (
                            p.speed_range.0.min(speed as f32),
                            p.speed_range.1.max(speed as f32),
                        );
                    }
                    x = nx;
                    y = ny;
                }
                _ => {}
            }
        }
    }
    if p.speed_range.0 > p.speed_range.1 {
        p.speed_range = (0.0, 0.0);
    }
    if p.time_range.0 > p.time_range.1 {
        p.time_range = (0.0, 0.0);
    }
    p
}

#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut Vec<f32>,
    ends: [f64; 6],
    width: f32,
    height: f32,
    kind: f32,
    speed: f32,
    time: f32,
    layer: usize,
) {
    out.extend(ends.iter().map(|v| *v as f32));
    out.extend_from_slice(&[width, height, kind, speed, time, layer as f32]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_grouped_by_layer() {
        let layers = vec![
            LayerMoves {
                index: 0,
                z: 0.2,
                height: 0.2,
                moves: vec![
                    Move::Z { z: 0.2, speed: 5.0 },
                    Move::Travel {
                        x: 0.0,
                        y: 0.0,
                        speed: 150.0,
                    },
                    Move::Role {
                        role: Role::ExternalPerimeter,
                        width: 0.42,
                    },
                    Move::Extrude {
                        x: 10.0,
                        y: 0.0,
                        e: 0.3,
                        speed: 25.0,
                    },
                    Move::Extrude {
                        x: 10.0,
                        y: 10.0,
                        e: 0.3,
                        speed: 25.0,
                    },
                ],
            },
            LayerMoves {
                index: 1,
                z: 0.4,
                height: 0.2,
                moves: vec![
                    Move::Z { z: 0.4, speed: 5.0 },
                    Move::Travel {
                        x: 0.0,
                        y: 0.0,
                        speed: 150.0,
                    },
                    Move::Role {
                        role: Role::InternalInfill,
                        width: 0.45,
                    },
                    Move::Extrude {
                        x: 5.0,
                        y: 5.0,
                        e: 0.3,
                        speed: 80.0,
                    },
                ],
            },
        ];
        let stats = PrintStats {
            layer_times: vec![3.0, 7.0],
            ..Default::default()
        };
        let p = build(&layers, &stats);
        assert_eq!(p.extrusion_count(), 3);
        assert_eq!(p.travel_count(), 1);
        assert_eq!(p.layers, vec![(0.2, 0, 0), (0.4, 2, 0)]);
        let last = &p.extrusions[2 * STRIDE..];
        assert_eq!(&last[..6], &[0.0, 0.0, 0.4, 5.0, 5.0, 0.4]);
        assert_eq!(
            last[8],
            Role::ALL
                .iter()
                .position(|r| *r == Role::InternalInfill)
                .unwrap() as f32
        );
        assert_eq!(p.speed_range, (25.0, 80.0));
        assert_eq!(p.time_range, (3.0, 7.0));
    }
}
