//! Toolpath preview data: every extrusion and travel as a segment with what the viewer colours
//! by (feature, speed, layer time), in one flat f32 array ready to upload as GPU instances,
//! ordered by layer so a layer range is one contiguous slice.

use super::{LayerMoves, Move, PrintStats, arcs};
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
                Move::Extrude { .. } | Move::Helix { .. } | Move::Arc { .. } => {
                    // Where the move ends, the points the preview draws to get there (an
                    // arc's chords) and the height it ends at (a helix climbs).
                    let (end, nz, speed, arc) = match *m {
                        Move::Extrude { x, y, speed, .. } => ((x, y), z, speed, None),
                        Move::Helix { x, y, z, speed, .. } => ((x, y), z, speed, None),
                        Move::Arc {
                            x,
                            y,
                            cx,
                            cy,
                            ccw,
                            speed,
                            ..
                        } => ((x, y), z, speed, Some(((cx, cy), ccw))),
                        _ => unreachable!(),
                    };
                    if x.is_finite() {
                        let points = match arc {
                            Some((c, ccw)) => arc_chords((x, y), end, c, ccw),
                            None => vec![end],
                        };
                        let (mut px, mut py) = (x, y);
                        for (qx, qy) in points {
                            push(
                                &mut p.extrusions,
                                [px, py, z, qx, qy, nz],
                                width,
                                height,
                                kind,
                                speed as f32,
                                time,
                                li,
                            );
                            (px, py) = (qx, qy);
                        }
                        p.speed_range = (
                            p.speed_range.0.min(speed as f32),
                            p.speed_range.1.max(speed as f32),
                        );
                    }
                    (x, y, z) = (end.0, end.1, nz);
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

/// Where each layer's G-code starts (the scrubber in the app finds a preview move's line
/// with these): (byte offset of its `;LAYER:` line, that line's number).
pub fn layer_starts(gcode: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut at = 0;
    for (i, &b) in gcode.iter().enumerate() {
        if b == b'\n' {
            line += 1;
            at = i + 1;
        } else if i == at && gcode[i..].starts_with(b";LAYER:") {
            out.push((i, line));
        }
    }
    out
}

/// The preview draws an arc as chords of at most 2 mm that stray at most 0.01 mm.
fn arc_chords(
    start: (f64, f64),
    end: (f64, f64),
    center: (f64, f64),
    ccw: bool,
) -> Vec<(f64, f64)> {
    arcs::chords(start, end, center, ccw, 2.0, 0.01)
}

/// The G-code line of the `k`-th extrusion segment (1-based) of one layer's preview, and its
/// line number counted from `first_line`: a G1, G2 or G3 with X or Y whose E adds filament
/// (relative or absolute E), an arc counting as the chords the preview draws of it.
pub fn extruding_line(layer: &str, first_line: usize, k: u32) -> Option<(usize, String)> {
    let mut relative = true;
    let mut last_e: Option<f64> = None;
    let mut pos: Option<(f64, f64)> = None;
    let mut seen = 0;
    for (n, line) in layer.lines().enumerate() {
        let code = line.split(';').next().unwrap_or("").trim();
        let cmd = code.split_whitespace().next();
        match cmd {
            Some("M83") => relative = true,
            Some("M82") => relative = false,
            Some("G92") => last_e = word(code, 'E').or(last_e),
            Some("G0" | "G1" | "G2" | "G3") => {
                let (x, y) = (word(code, 'X'), word(code, 'Y'));
                let from = pos;
                if x.is_some() || y.is_some() {
                    let (px, py) = pos.unwrap_or((f64::NAN, f64::NAN));
                    pos = Some((x.unwrap_or(px), y.unwrap_or(py)));
                }
                let Some(e) = word(code, 'E') else { continue };
                let moves = x.is_some() || y.is_some();
                let adds = if relative {
                    e > 0.0
                } else {
                    last_e.is_none_or(|l| e > l)
                };
                if !relative {
                    last_e = Some(e);
                }
                if moves && adds {
                    seen += match (cmd, from, pos, word(code, 'I'), word(code, 'J')) {
                        (Some("G2" | "G3"), Some(a), Some(b), i, j)
                            if a.0.is_finite() && a.1.is_finite() =>
                        {
                            let c = (a.0 + i.unwrap_or(0.0), a.1 + j.unwrap_or(0.0));
                            arc_chords(a, b, c, cmd == Some("G3")).len() as u32
                        }
                        _ => 1,
                    };
                    if seen >= k {
                        return Some((first_line + n, line.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The number after `letter` in a G-code line.
fn word(code: &str, letter: char) -> Option<f64> {
    code.split_whitespace()
        .skip(1)
        .find(|w| w.starts_with(letter))
        .and_then(|w| w[1..].parse().ok())
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

    #[test]
    fn finds_the_kth_extruding_line_of_a_layer() {
        let g = "G1 Z0.2\n;LAYER:0\nG1 X0 Y0 F9000\nG1 X10 Y0 E0.5\nG1 E-0.8\nG1 X10 Y10 E0.5\n;LAYER:1\nG1 X1 Y1 E0.4\n";
        let starts = layer_starts(g.as_bytes());
        assert_eq!(starts, vec![(8, 2), (72, 7)]);
        let layer0 = &g[starts[0].0..starts[1].0];
        assert_eq!(
            extruding_line(layer0, starts[0].1, 2),
            Some((6, "G1 X10 Y10 E0.5".to_string()))
        );
        assert_eq!(extruding_line(layer0, starts[0].1, 3), None);
        // Absolute E: a move adds filament when E grows.
        let abs = ";LAYER:0\nM82\nG92 E0\nG1 X1 Y0 E1\nG1 X1 Y0 E0.2\nG1 X2 Y0 E0.9\n";
        assert_eq!(
            extruding_line(abs, 1, 2),
            Some((6, "G1 X2 Y0 E0.9".to_string()))
        );
        // An arc counts as the chords the preview draws of it.
        let arc = ";LAYER:0\nG1 X10 Y0 F9000\nG3 X0 Y10 I-10 J0 E0.8\nG1 X0 Y20 E0.5\n";
        let n = arc_chords((10.0, 0.0), (0.0, 10.0), (0.0, 0.0), true).len() as u32;
        assert!(n > 10, "{n}");
        assert_eq!(extruding_line(arc, 1, 1).unwrap().0, 3);
        assert_eq!(extruding_line(arc, 1, n).unwrap().0, 3);
        assert_eq!(extruding_line(arc, 1, n + 1).unwrap().0, 4);
    }
}
