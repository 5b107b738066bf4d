//! Models Lamina makes itself: test shapes (sphere, torus, thin walls, islands, holes,
//! an overhang that needs support) and the calibration pieces the app and catalog ship.
//! All are closed, outward-facing meshes in millimetres standing on z = 0.

use crate::engine::geom::{ExPolygon, Point, Polygon, triangulate};
use crate::engine::mesh::Mesh;
use crate::engine::units::{SCALE, unscaled};
use std::f64::consts::PI;

/// The shapes `lamina generate` knows, with a one-line description.
pub const SHAPES: &[(&str, &str)] = &[
    ("cube", "20 mm calibration cube"),
    ("sphere", "sphere of 30 mm diameter"),
    ("cylinder", "cylinder of 20 mm diameter, 20 mm tall"),
    ("torus", "torus, 40 mm across, 10 mm thick"),
    ("thin-box", "open box 30×30×20 mm with 0.8 mm walls"),
    ("islands", "5×5 pins of 3 mm diameter, 6 mm tall"),
    ("holes", "40×40×6 mm plate with nine 5 mm holes"),
    (
        "overhang",
        "T shape whose arms hang 12 mm over air (needs support)",
    ),
    (
        "temp-tower",
        "temperature tower: five 8 mm blocks, 20×10 mm, with grooves between",
    ),
    (
        "overhang-test",
        "overhang test: ledges at 20° to 70° from vertical, 5 mm each",
    ),
    (
        "cavity-box",
        "30×30×40 mm box with a closed 14×14×24 mm cavity inside (an inward-facing shell)",
    ),
    (
        "void-sphere",
        "sphere of 40 mm diameter with a closed 20 mm spherical void at its centre",
    ),
    (
        "nested-solid",
        "30×30×40 mm box with a second, outward-facing 14×14×24 mm box inside it (stays solid)",
    ),
    (
        "crossing-fins",
        "three fins 2, 3 and 4 mm thick and 40 mm long crossing at their middles, 20 mm tall",
    ),
    (
        "holed-disc",
        "disc of 80 mm diameter, 2 mm thick, pierced by 300 holes of 1.5 mm",
    ),
    (
        "parts-plate",
        "50 small parts (8 mm cylinders, 5 mm tall) in a 10 × 5 grid",
    ),
    (
        "wedge",
        "wedge 30 mm long, from 0.3 to 3 mm thick, 10 mm tall",
    ),
    (
        "strokes",
        "strokes 0.5, 0.7, 0.9 and 1.2 mm wide and 20 mm long, as in text, 5 mm tall",
    ),
    (
        "wall-boxes",
        "three 20 mm square tubes with 0.8, 1.2 and 1.6 mm walls, 10 mm tall",
    ),
    ("pin", "pin of 2 mm diameter, 10 mm tall"),
    (
        "arch",
        "arch 40 mm wide, 20 mm tall and 10 mm deep over a 24 mm half-round opening",
    ),
    (
        "ball-on-stem",
        "ball of 20 mm diameter on a 5 mm stem, its underside 10 mm above the bed",
    ),
    (
        "overhang-ring",
        "tube of 24 mm diameter, 10 mm tall, under a flange reaching 8 mm out all round",
    ),
];

/// Builds a named shape.
pub fn shape(name: &str) -> Option<Mesh> {
    Some(match name {
        "cube" => extrude(&rect(0.0, 0.0, 20.0, 20.0), 0.0, 20.0),
        "sphere" => sphere(15.0, 47, 96),
        "cylinder" => extrude(&ExPolygon::new(circle(0.0, 0.0, 10.0, 128)), 0.0, 20.0),
        "torus" => torus(15.0, 5.0, 96, 32),
        "thin-box" => thin_box(30.0, 0.8, 20.0),
        "islands" => islands(5, 3.0, 6.0, 8.0),
        "holes" => holes_plate(40.0, 6.0, 5.0),
        "overhang" => overhang_t(),
        "temp-tower" => temp_tower(5, &[]),
        "overhang-test" => standing(&overhang_test_profile(), 10.0),
        "cavity-box" => with_inner_box(true),
        "nested-solid" => with_inner_box(false),
        "void-sphere" => {
            let mut m = sphere(20.0, 64, 128);
            let mut void = sphere(10.0, 32, 64);
            for v in &mut void.vertices {
                v[2] += 10.0;
            }
            m.append(&inside_out(void));
            m
        }
        "crossing-fins" => crossing_fins(&[2.0, 3.0, 4.0], 40.0, 20.0),
        "holed-disc" => holed_disc(80.0, 2.0, 300, 1.5),
        "parts-plate" => parts_plate(10, 5, 8.0, 5.0, 12.0),
        "wedge" => extrude(
            &ExPolygon::new(Polygon::new(vec![
                mm(0.0, 1.35),
                mm(30.0, 0.0),
                mm(30.0, 3.0),
                mm(0.0, 1.65),
            ])),
            0.0,
            10.0,
        ),
        "strokes" => {
            let mut m = Mesh::default();
            for (k, w) in [0.5, 0.7, 0.9, 1.2].into_iter().enumerate() {
                let x = 5.0 * k as f64;
                m.append(&extrude(&rect(x, 0.0, x + w, 20.0), 0.0, 5.0));
            }
            m
        }
        "wall-boxes" => {
            let mut m = Mesh::default();
            for (k, w) in [0.8, 1.2, 1.6].into_iter().enumerate() {
                let x = 25.0 * k as f64;
                let mut ring = rect(x, 0.0, x + 20.0, 20.0);
                let mut hole = rect(x + w, w, x + 20.0 - w, 20.0 - w).contour;
                hole.reverse();
                ring.holes.push(hole);
                m.append(&extrude(&ring, 0.0, 10.0));
            }
            m
        }
        "pin" => extrude(&ExPolygon::new(circle(0.0, 0.0, 1.0, 32)), 0.0, 10.0),
        "arch" => {
            let mut profile = vec![(0.0, 0.0)];
            for k in 0..=48 {
                let a = PI * (1.0 - k as f64 / 48.0);
                profile.push((20.0 + 12.0 * a.cos(), 12.0 * a.sin()));
            }
            profile.extend([(40.0, 0.0), (40.0, 20.0), (0.0, 20.0)]);
            standing(&profile, 10.0)
        }
        "ball-on-stem" => {
            let mut m = sphere(10.0, 48, 96);
            for v in &mut m.vertices {
                v[2] += 10.0;
            }
            m.append(&extrude(
                &ExPolygon::new(circle(0.0, 0.0, 2.5, 48)),
                0.0,
                11.0,
            ));
            m
        }
        "overhang-ring" => {
            let ring = |outer: f64| {
                let mut hole = circle(0.0, 0.0, 10.0, 96);
                hole.reverse();
                ExPolygon {
                    contour: circle(0.0, 0.0, outer, 96),
                    holes: vec![hole],
                }
            };
            let mut m = extrude(&ring(12.0), 0.0, 10.0);
            m.append(&extrude(&ring(20.0), 10.0, 13.0));
            crate::engine::mesh::repair(&mut m);
            m
        }
        _ => return None,
    })
}

fn mm(x: f64, y: f64) -> Point {
    Point::from_mm(x, y)
}

/// An axis-aligned rectangle region.
pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> ExPolygon {
    ExPolygon::new(Polygon::new(vec![
        mm(x0, y0),
        mm(x1, y0),
        mm(x1, y1),
        mm(x0, y1),
    ]))
}

/// A circle as a polygon, counter-clockwise, in millimetres.
pub fn circle(cx: f64, cy: f64, r: f64, segments: usize) -> Polygon {
    Polygon::circle((cx * SCALE, cy * SCALE), r * SCALE, segments)
}

/// A prism: `region` extruded from `z0` to `z1`.
pub fn extrude(region: &ExPolygon, z0: f64, z1: f64) -> Mesh {
    let mut m = Mesh::default();
    let vertex = |p: Point, z: f64, m: &mut Mesh| {
        m.vertices
            .push([unscaled(p.x) as f32, unscaled(p.y) as f32, z as f32]);
        (m.vertices.len() - 1) as u32
    };
    for [a, b, c] in triangulate(region) {
        let (a0, b0, c0) = (
            vertex(a, z0, &mut m),
            vertex(b, z0, &mut m),
            vertex(c, z0, &mut m),
        );
        m.triangles.push([a0, c0, b0]);
        let (a1, b1, c1) = (
            vertex(a, z1, &mut m),
            vertex(b, z1, &mut m),
            vertex(c, z1, &mut m),
        );
        m.triangles.push([a1, b1, c1]);
    }
    // Side walls: contours run counter-clockwise and holes clockwise, so outward is to the right.
    for poly in region.polygons() {
        let n = poly.points.len();
        for i in 0..n {
            let (p, q) = (poly.points[i], poly.points[(i + 1) % n]);
            let (p0, q0, p1, q1) = (
                vertex(p, z0, &mut m),
                vertex(q, z0, &mut m),
                vertex(p, z1, &mut m),
                vertex(q, z1, &mut m),
            );
            m.triangles.push([p0, q0, q1]);
            m.triangles.push([p0, q1, p1]);
        }
    }
    crate::engine::mesh::repair(&mut m);
    m
}

pub fn sphere(r: f64, rings: usize, segments: usize) -> Mesh {
    let mut m = Mesh::default();
    for i in 0..=rings {
        let phi = PI * i as f64 / rings as f64;
        for j in 0..segments {
            let theta = 2.0 * PI * j as f64 / segments as f64;
            m.vertices.push([
                (r * phi.sin() * theta.cos()) as f32,
                (r * phi.sin() * theta.sin()) as f32,
                (r - r * phi.cos()) as f32,
            ]);
        }
    }
    let idx = |i: usize, j: usize| (i * segments + j % segments) as u32;
    for i in 0..rings {
        for j in 0..segments {
            let (a, b, c, d) = (idx(i, j), idx(i, j + 1), idx(i + 1, j), idx(i + 1, j + 1));
            // Rows run from the bottom pole (z = 0) up; outward faces are counter-clockwise.
            m.triangles.push([a, c, b]);
            m.triangles.push([b, c, d]);
        }
    }
    crate::engine::mesh::repair(&mut m);
    m
}

pub fn torus(major: f64, minor: f64, seg_major: usize, seg_minor: usize) -> Mesh {
    let mut m = Mesh::default();
    for i in 0..seg_major {
        let u = 2.0 * PI * i as f64 / seg_major as f64;
        for j in 0..seg_minor {
            let v = 2.0 * PI * j as f64 / seg_minor as f64;
            let rr = major + minor * v.cos();
            m.vertices.push([
                (rr * u.cos() + major + minor) as f32,
                (rr * u.sin() + major + minor) as f32,
                (minor + minor * v.sin()) as f32,
            ]);
        }
    }
    let idx = |i: usize, j: usize| ((i % seg_major) * seg_minor + j % seg_minor) as u32;
    for i in 0..seg_major {
        for j in 0..seg_minor {
            let (a, b, c, d) = (idx(i, j), idx(i + 1, j), idx(i, j + 1), idx(i + 1, j + 1));
            m.triangles.push([a, b, d]);
            m.triangles.push([a, d, c]);
        }
    }
    crate::engine::mesh::repair(&mut m);
    m
}

/// An open-topped box: a floor and four thin walls.
pub fn thin_box(size: f64, wall: f64, height: f64) -> Mesh {
    let mut ring = rect(0.0, 0.0, size, size);
    let mut inner = rect(wall, wall, size - wall, size - wall).contour;
    inner.reverse();
    ring.holes.push(inner);
    let mut m = extrude(&rect(0.0, 0.0, size, size), 0.0, 1.0);
    m.append(&extrude(&ring, 1.0, height));
    crate::engine::mesh::repair(&mut m);
    m
}

/// A grid of separate pins.
pub fn islands(per_side: usize, diameter: f64, height: f64, pitch: f64) -> Mesh {
    let mut m = Mesh::default();
    for i in 0..per_side {
        for j in 0..per_side {
            let c = ExPolygon::new(circle(
                i as f64 * pitch,
                j as f64 * pitch,
                diameter / 2.0,
                32,
            ));
            m.append(&extrude(&c, 0.0, height));
        }
    }
    m
}

/// A plate with a 3×3 grid of round through holes.
pub fn holes_plate(size: f64, thickness: f64, hole: f64) -> Mesh {
    let mut plate = rect(0.0, 0.0, size, size);
    for i in 0..3 {
        for j in 0..3 {
            let mut h = circle(
                size * (i as f64 + 1.0) / 4.0,
                size * (j as f64 + 1.0) / 4.0,
                hole / 2.0,
                48,
            );
            h.reverse();
            plate.holes.push(h);
        }
    }
    extrude(&plate, 0.0, thickness)
}

/// The same surface facing the other way (a void's surface faces into the void).
fn inside_out(mut m: Mesh) -> Mesh {
    for t in &mut m.triangles {
        t.swap(1, 2);
    }
    m
}

/// A 30×30×40 mm box with a 14×14×24 mm box in its middle: a cavity when the inner box faces
/// inward (`void`), a second solid overlapping the first otherwise. Left unrepaired, as an
/// exporter would write it.
fn with_inner_box(void: bool) -> Mesh {
    let mut m = extrude(&rect(0.0, 0.0, 30.0, 30.0), 0.0, 40.0);
    let inner = extrude(&rect(8.0, 8.0, 22.0, 22.0), 8.0, 32.0);
    m.append(&if void { inside_out(inner) } else { inner });
    m
}

/// Fins of the given thicknesses, `length` long, crossing at a common middle at even angles:
/// overlapping shells, as CAD exports of ribbed parts often are.
fn crossing_fins(thicknesses: &[f64], length: f64, height: f64) -> Mesh {
    let mut m = Mesh::default();
    let n = thicknesses.len();
    for (i, t) in thicknesses.iter().enumerate() {
        let a = PI * i as f64 / n as f64;
        let (c, s) = (a.cos(), a.sin());
        let corner =
            |u: f64, v: f64| mm(length / 2.0 + u * c - v * s, length / 2.0 + u * s + v * c);
        let fin = ExPolygon::new(Polygon::new(vec![
            corner(-length / 2.0, -t / 2.0),
            corner(length / 2.0, -t / 2.0),
            corner(length / 2.0, t / 2.0),
            corner(-length / 2.0, t / 2.0),
        ]));
        m.append(&extrude(&fin, 0.0, height));
    }
    m
}

/// A thin disc pierced by `holes` round holes on a square grid inside it.
fn holed_disc(diameter: f64, thickness: f64, holes: usize, hole: f64) -> Mesh {
    let r = diameter / 2.0;
    let mut disc = ExPolygon::new(circle(r, r, r, 180));
    // The grid pitch that fits `holes` centres at least a pitch inside the rim.
    let mut pitch = diameter / 4.0;
    let centres = |pitch: f64| -> Vec<(f64, f64)> {
        let n = (diameter / pitch).ceil() as i64;
        let mut out = Vec::new();
        for i in -n..=n {
            for j in -n..=n {
                let (x, y) = (i as f64 * pitch, j as f64 * pitch);
                if (x * x + y * y).sqrt() < r - pitch.max(hole * 1.5) {
                    out.push((r + x, r + y));
                }
            }
        }
        out
    };
    while centres(pitch).len() < holes {
        pitch *= 0.98;
    }
    for (x, y) in centres(pitch).into_iter().take(holes) {
        let mut h = circle(x, y, hole / 2.0, 16);
        h.reverse();
        disc.holes.push(h);
    }
    extrude(&disc, 0.0, thickness)
}

/// Separate small cylinders on a grid.
fn parts_plate(nx: usize, ny: usize, diameter: f64, height: f64, pitch: f64) -> Mesh {
    let mut m = Mesh::default();
    for i in 0..nx {
        for j in 0..ny {
            let c = ExPolygon::new(circle(
                diameter / 2.0 + i as f64 * pitch,
                diameter / 2.0 + j as f64 * pitch,
                diameter / 2.0,
                40,
            ));
            m.append(&extrude(&c, 0.0, height));
        }
    }
    m
}

/// A 10 mm square pillar 15 mm tall carrying a 34×10×4 mm bar: 12 mm of bar on each side hangs
/// over air.
pub fn overhang_t() -> Mesh {
    let mut m = extrude(&rect(12.0, 0.0, 22.0, 10.0), 0.0, 15.0);
    m.append(&extrude(&rect(0.0, 0.0, 34.0, 10.0), 15.0, 19.0));
    crate::engine::mesh::repair(&mut m);
    m
}

/// A side profile drawn in x (across) and y (up), extruded `depth` and stood up, so that the
/// profile's y becomes the height.
fn standing(profile: &[(f64, f64)], depth: f64) -> Mesh {
    let region = ExPolygon::new(Polygon::new(
        profile.iter().map(|&(x, y)| mm(x, y)).collect(),
    ));
    let mut m = extrude(&region, 0.0, depth);
    // (x, y, z) → (x, z, y) would mirror; (x, depth − z, y) is a rotation about x.
    for v in &mut m.vertices {
        *v = [v[0], depth as f32 - v[2], v[1]];
    }
    crate::engine::mesh::repair(&mut m);
    m
}

/// The height of a temperature tower's band: an 8 mm block and the 1 mm groove above it.
pub const TOWER_BAND: f64 = 9.0;

/// A temperature tower of `blocks` blocks, 10 mm deep (`temp_tower_profile`), with a 4 mm
/// post 6 mm beside it, as tall: every layer travels between the two, so a block printed too
/// hot strings across the gap. `labels` (one per block, bottom first, or none) are embossed
/// on each block's front as seven-segment digits.
pub fn temp_tower(blocks: usize, labels: &[f64]) -> Mesh {
    let mut m = standing(&temp_tower_profile(blocks), 10.0);
    let top = blocks as f64 * TOWER_BAND - 1.0;
    m.append(&extrude(&rect(26.0, 3.0, 30.0, 7.0), 0.0, top));
    for (i, t) in labels.iter().take(blocks).enumerate() {
        let text = format!("{}", t.round() as i64);
        m.append(&seven_segment::emboss(
            &text,
            10.0,
            i as f64 * TOWER_BAND + seven_segment::MARGIN,
        ));
    }
    m
}

/// A pressure advance tower `height` mm tall: a square tube 40 mm wide whose walls are
/// `wall` thick, so that its corners show the extruder's lag, with its height embossed every
/// 10 mm on its front ("10" centred on 10 mm).
pub fn pa_tower(height: f64, wall: f64) -> Mesh {
    let mut ring = rect(0.0, 0.0, 40.0, 40.0);
    let mut hole = rect(wall, wall, 40.0 - wall, 40.0 - wall).contour;
    hole.reverse();
    ring.holes.push(hole);
    let mut m = extrude(&ring, 0.0, height);
    let half = seven_segment::HEIGHT / 2.0;
    let mut mark = 10.0;
    while mark + half + 1.0 <= height {
        m.append(&seven_segment::emboss(
            &format!("{}", mark as i64),
            20.0,
            mark - half,
        ));
        mark += 10.0;
    }
    m
}

/// A flow rate patch's size (mm): width, depth and height.
pub const FLOW_PATCH: (f64, f64, f64) = (20.0, 26.0, 2.0);

/// A flow rate patch with its front-left corner at (x, y): a slab whose top surface is
/// judged, labelled on a strip along its front.
pub fn flow_patch(label: &str, x: f64, y: f64) -> Mesh {
    let (w, d, h) = FLOW_PATCH;
    let mut m = extrude(&rect(x, y, x + w, y + d), 0.0, h);
    m.append(&seven_segment::emboss_top(label, x + w / 2.0, y + 1.0, h));
    m
}

/// A fit test: a 4 mm plate with a 10 mm hole per clearance (its diameter 10 mm plus twice
/// the clearance), each labelled on top with its clearance in hundredths of a millimetre,
/// and two 10 mm pegs 12 mm tall in front of it to try in the holes.
pub fn fit_test(clearances: &[f64]) -> Mesh {
    const PITCH: f64 = 16.0;
    const PLATE: f64 = 4.0;
    let n = clearances.len().max(1) as f64;
    let mut plate = rect(0.0, 0.0, PITCH * n + 4.0, 30.0);
    for (i, c) in clearances.iter().enumerate() {
        let mut hole = circle(10.0 + PITCH * i as f64, 10.0, 5.0 + c, 96);
        hole.reverse();
        plate.holes.push(hole);
    }
    let mut m = extrude(&plate, 0.0, PLATE);
    for (i, c) in clearances.iter().enumerate() {
        let label = format!("{}", (c * 100.0).round() as i64);
        m.append(&seven_segment::emboss_top(
            &label,
            10.0 + PITCH * i as f64,
            19.5,
            PLATE,
        ));
    }
    for x in [10.0, 10.0 + PITCH] {
        m.append(&extrude(
            &ExPolygon::new(circle(x, -12.0, 5.0, 96)),
            0.0,
            12.0,
        ));
    }
    m
}

/// Digits embossed on a face, as a seven-segment display draws them. Written here because a
/// calibration print needs only digits, legible at a nozzle's scale, and a font crate would
/// bring outlines to triangulate for what seven bars do.
pub mod seven_segment {
    use crate::engine::mesh::Mesh;

    /// A digit's width and height (mm), the bars' thickness and the gap between digits.
    pub const WIDTH: f64 = 4.0;
    pub const HEIGHT: f64 = 6.0;
    pub const BAR: f64 = 1.2;
    pub const GAP: f64 = 1.5;
    /// From a block's bottom to its label's.
    pub const MARGIN: f64 = 1.0;
    /// How far the digits stand out of the face (mm), and how far they reach into it (so
    /// that they are one solid with it).
    pub const RAISED: f64 = 0.6;
    const INTO: f64 = 0.1;

    /// The bars: a (top), b (top right), c (bottom right), d (bottom), e (bottom left), f (top
    /// left), g (middle), as (x0, z0, x1, z1) in a digit's box. The standing bars stop
    /// `TRIM` short of their ends, so that no two bars share a corner: shells that touch at
    /// a corner would make the mesh non-manifold there.
    pub fn bars() -> [(f64, f64, f64, f64); 7] {
        let (w, h, t, e) = (WIDTH, HEIGHT, BAR, TRIM);
        [
            (0.0, h - t, w, h),
            (w - t, h / 2.0 + e, w, h - e),
            (w - t, e, w, h / 2.0 - e),
            (0.0, 0.0, w, t),
            (0.0, e, t, h / 2.0 - e),
            (0.0, h / 2.0 + e, t, h - e),
            (0.0, (h - t) / 2.0, w, (h + t) / 2.0),
        ]
    }

    const TRIM: f64 = 0.05;

    /// Which bars each digit lights (bit 0 = a … bit 6 = g).
    pub const DIGITS: [u8; 10] = [
        0b0111111, 0b0000110, 0b1011011, 0b1001111, 0b1100110, 0b1101101, 0b1111101, 0b0000111,
        0b1111111, 0b1101111,
    ];

    /// The lit bars of `text`'s digits (others are skipped), laid out from left to right
    /// centred on x = `x_mid`, as (x0, v0, x1, v1) with v up the digit from 0.
    pub fn lit_bars(text: &str, x_mid: f64) -> Vec<(f64, f64, f64, f64)> {
        let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).collect();
        let n = digits.len() as f64;
        let x_start = x_mid - (n * WIDTH + (n - 1.0).max(0.0) * GAP) / 2.0;
        let mut out = Vec::new();
        for (k, d) in digits.iter().enumerate() {
            let x = x_start + k as f64 * (WIDTH + GAP);
            let lit = DIGITS[(d - b'0') as usize];
            for (i, (x0, v0, x1, v1)) in bars().into_iter().enumerate() {
                if lit & (1 << i) != 0 {
                    out.push((x + x0, v0, x + x1, v1));
                }
            }
        }
        out
    }

    /// `text`'s digits standing out of the face y = 0 towards −y, centred on x = `x_mid`,
    /// from z = `z0` up.
    pub fn emboss(text: &str, x_mid: f64, z0: f64) -> Mesh {
        let mut m = Mesh::default();
        for (x0, v0, x1, v1) in lit_bars(text, x_mid) {
            m.append(&bar(x0, z0 + v0, x1, z0 + v1));
        }
        m
    }

    /// `text`'s digits standing `RAISED` up from a top face at height `z_top`, read from the
    /// front (−y), centred on x = `x_mid`, from y = `y0` back.
    pub fn emboss_top(text: &str, x_mid: f64, y0: f64, z_top: f64) -> Mesh {
        let mut m = Mesh::default();
        for (x0, v0, x1, v1) in lit_bars(text, x_mid) {
            m.append(&super::extrude(
                &super::rect(x0, y0 + v0, x1, y0 + v1),
                z_top - INTO,
                z_top + RAISED,
            ));
        }
        m
    }

    /// One bar: a box standing out of the face whose underside slopes at 45° from the face,
    /// so that it prints without an overhang.
    fn bar(x0: f64, z0: f64, x1: f64, z1: f64) -> Mesh {
        let (yi, yo) = (INTO, -RAISED);
        let rise = yi - yo;
        let p = [
            [x0, yi, z0],
            [x1, yi, z0],
            [x1, yi, z1],
            [x0, yi, z1],
            [x0, yo, z0 + rise],
            [x1, yo, z0 + rise],
            [x1, yo, z1],
            [x0, yo, z1],
        ];
        let quads = [
            [0, 1, 2, 3],
            [4, 5, 6, 7],
            [0, 1, 5, 4],
            [3, 2, 6, 7],
            [0, 3, 7, 4],
            [1, 2, 6, 5],
        ];
        let centre = p.iter().fold([0.0; 3], |a, v| {
            [a[0] + v[0] / 8.0, a[1] + v[1] / 8.0, a[2] + v[2] / 8.0]
        });
        let sub = |a: [f64; 3], b: [f64; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
        let mut triangles = Vec::new();
        for q in quads {
            for t in [[q[0], q[1], q[2]], [q[0], q[2], q[3]]] {
                let (a, b, c) = (p[t[0]], p[t[1]], p[t[2]]);
                let (u, v) = (sub(b, a), sub(c, a));
                let n = [
                    u[1] * v[2] - u[2] * v[1],
                    u[2] * v[0] - u[0] * v[2],
                    u[0] * v[1] - u[1] * v[0],
                ];
                let out = sub(a, centre);
                let outward = n[0] * out[0] + n[1] * out[1] + n[2] * out[2] > 0.0;
                let t = t.map(|i| i as u32);
                triangles.push(if outward { t } else { [t[0], t[2], t[1]] });
            }
        }
        Mesh {
            vertices: p.iter().map(|v| v.map(|c| c as f32)).collect(),
            triangles,
        }
    }
}

/// `blocks` 8 mm blocks 20 mm wide, each but the last followed by a 1 mm groove 1 mm deep on
/// both sides, flat below and sloping at 45° above.
fn temp_tower_profile(blocks: usize) -> Vec<(f64, f64)> {
    let mut right = Vec::new();
    for i in 0..blocks {
        let z = i as f64 * TOWER_BAND;
        right.push((20.0, z));
        right.push((20.0, z + 8.0));
        if i + 1 < blocks {
            // The groove's top slopes at 45°: nothing overhangs.
            right.push((19.0, z + 8.0));
        }
    }
    let mut left: Vec<(f64, f64)> = right.iter().map(|&(x, y)| (20.0 - x, y)).collect();
    left.reverse();
    right.extend(left);
    right
}

/// A 6 mm post whose right side leans out at 20°, 30° … 70° from vertical over 5 mm each,
/// with a flat step back to the post after each ledge.
fn overhang_test_profile() -> Vec<(f64, f64)> {
    let mut pts = vec![(0.0, 0.0), (6.0, 0.0)];
    for (i, a) in [20.0f64, 30.0, 40.0, 50.0, 60.0, 70.0].iter().enumerate() {
        let z = i as f64 * 5.0;
        pts.push((6.0 + 5.0 * a.to_radians().tan(), z + 5.0));
        pts.push((6.0, z + 5.0));
    }
    pts.pop();
    let top = pts.last().unwrap().1;
    pts.push((0.0, top));
    pts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_closed_and_have_their_volume() {
        let expect = [
            ("cube", 8000.0),
            ("sphere", 4.0 / 3.0 * PI * 15f64.powi(3)),
            ("cylinder", 20.0 * 64.0 * 100.0 * (PI / 64.0).sin()),
            ("torus", 2.0 * PI * PI * 15.0 * 25.0),
            ("thin-box", 900.0 + 19.0 * (900.0 - 28.4 * 28.4)),
            ("islands", 25.0 * PI * 2.25 * 6.0),
            ("holes", 6.0 * (1600.0 - 9.0 * PI * 6.25)),
            ("overhang", 1500.0 + 1360.0),
            (
                "temp-tower",
                10.0 * (5.0 * 8.0 * 20.0 + 4.0 * 19.0) + 16.0 * 44.0,
            ),
            (
                "overhang-test",
                10.0 * (6.0 * 30.0
                    + [20.0f64, 30.0, 40.0, 50.0, 60.0, 70.0]
                        .iter()
                        .map(|a| 12.5 * a.to_radians().tan())
                        .sum::<f64>()),
            ),
            // Overlapping shells count twice here (the signed volume of the surface); a
            // void counts negative.
            ("cavity-box", 36000.0 - 14.0 * 14.0 * 24.0),
            (
                "void-sphere",
                4.0 / 3.0 * PI * (20f64.powi(3) - 10f64.powi(3)),
            ),
            ("nested-solid", 36000.0 + 14.0 * 14.0 * 24.0),
            ("crossing-fins", 40.0 * 20.0 * (2.0 + 3.0 + 4.0)),
            ("holed-disc", 2.0 * PI * (1600.0 - 300.0 * 0.5625)),
            ("parts-plate", 50.0 * 5.0 * PI * 16.0),
            ("wedge", 30.0 * 1.65 * 10.0),
            ("strokes", 20.0 * 5.0 * 3.3),
            (
                "wall-boxes",
                10.0 * [0.8f64, 1.2, 1.6]
                    .iter()
                    .map(|w| 400.0 - (20.0 - 2.0 * w).powi(2))
                    .sum::<f64>(),
            ),
            ("pin", 10.0 * 16.0 * (PI / 16.0).sin()),
            ("arch", 10.0 * (800.0 - PI * 144.0 / 2.0)),
            ("ball-on-stem", 4.0 / 3.0 * PI * 1000.0 + 11.0 * PI * 6.25),
            (
                "overhang-ring",
                PI * (10.0 * (144.0 - 100.0) + 3.0 * (400.0 - 100.0)),
            ),
        ];
        for (name, volume) in expect {
            let mut m = shape(name).unwrap();
            let r = crate::engine::mesh::repair(&mut m);
            assert_eq!(r.open_edges, 0, "{name} is open");
            assert_eq!(
                r.faces_flipped + r.shells_reversed,
                0,
                "{name} faces inward"
            );
            let v = m.volume();
            assert!(
                (v - volume).abs() / volume < 0.01,
                "{name}: {v} vs {volume}"
            );
            let b = m.bounds().unwrap();
            assert!(b.min.z.abs() < 1e-6, "{name} is not on the bed");
        }
        assert!(shape("nope").is_none());
    }
}
