//! Seams, measured on whole prints: painted seam enforcers and blockers (kept in 3MF as
//! PrusaSlicer writes them, and obeyed by PrusaSlicer from the same file), scarf joints (a
//! slope that climbs from the layer below and is gone over again, the same plastic), and
//! aligned seams in concave corners against PrusaSlicer's.

mod common;

use glam::{DAffine3, DVec3};
use lamina::engine::mesh::paint::{BLOCKER, ENFORCER, PaintKind};
use lamina::engine::mesh::{self, FacetPaint, WriteObject};
use lamina::engine::model::shapes;
use std::path::{Path, PathBuf};

/// One outer wall as printed: its layer's Z, where the nozzle stood when it began, and its
/// extrusion points (x, y, z, e).
struct OuterWall {
    z: f64,
    start: (f64, f64),
    points: Vec<(f64, f64, f64, f64)>,
}

impl OuterWall {
    /// The wall's bounding box: min corner and size.
    fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let xs = self.points.iter().map(|p| p.0);
        let ys = self.points.iter().map(|p| p.1);
        let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
        let (y0, y1) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        ((x0, y0), (x1 - x0, y1 - y0))
    }

    /// Where it began, from the min corner of its bounding box.
    fn relative_start(&self) -> (f64, f64) {
        let (min, _) = self.bounds();
        (self.start.0 - min.0, self.start.1 - min.1)
    }
}

/// Every outer wall block (`;TYPE:External perimeter` up to the next `;TYPE:`) of a G-code
/// file, Lamina's or PrusaSlicer's (relative or absolute E).
fn outer_walls(gcode: &Path) -> Vec<OuterWall> {
    let text = std::fs::read_to_string(gcode).unwrap();
    let (mut x, mut y, mut z, mut e) = (0.0, 0.0, 0.0, 0.0);
    let mut relative = false;
    let mut layer_z = 0.0;
    let mut out: Vec<OuterWall> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            inside = t.starts_with("External perimeter");
            if inside {
                out.push(OuterWall {
                    z: layer_z,
                    start: (x, y),
                    points: Vec::new(),
                });
            }
            continue;
        }
        if let Some(v) = line.strip_prefix(";Z:") {
            layer_z = v.trim().parse().unwrap_or(layer_z);
        }
        let code = line.split(';').next().unwrap_or("").trim();
        let arg = |c: char| common::gcode_word(code, c);
        match code.split_whitespace().next().unwrap_or("") {
            "M83" => relative = true,
            "M82" => relative = false,
            "G92" => e = arg('E').unwrap_or(e),
            "G0" | "G1" => {
                (x, y, z) = (
                    arg('X').unwrap_or(x),
                    arg('Y').unwrap_or(y),
                    arg('Z').unwrap_or(z),
                );
                let de = arg('E').map_or(0.0, |v| if relative { v } else { v - e });
                if let Some(v) = arg('E') {
                    e = if relative { e + v } else { v };
                }
                if inside
                    && de > 0.0
                    && (arg('X').is_some() || arg('Y').is_some())
                    && let Some(w) = out.last_mut()
                {
                    w.points.push((x, y, z, de));
                }
            }
            _ => {}
        }
    }
    out.retain(|w| w.points.len() >= 3);
    out
}

fn write_cube(name: &str, seam: &FacetPaint) -> PathBuf {
    let m = shapes::shape("cube").unwrap();
    let bytes = mesh::write_3mf(
        name,
        &[WriteObject {
            name: "Cube",
            mesh: &m,
            instances: &[DAffine3::from_translation(DVec3::new(100.0, 100.0, 0.0))],
            paint: &[(PaintKind::Seam, seam)],
            volumes: &[],
            settings: &Default::default(),
        }],
        &[],
    );
    let path = common::out_dir("seams").join(format!("{name}.3mf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn lamina_slice(file: &Path, name: &str, sets: &[&str]) -> PathBuf {
    let out = common::out_dir("seams").join(format!("{name}.gcode"));
    common::cli_slice(file, &out, sets);
    out
}

/// The share of outer walls (above the first two layers) whose start passes `ok`.
fn share(walls: &[OuterWall], ok: impl Fn(&OuterWall) -> bool) -> f64 {
    let above: Vec<&OuterWall> = walls.iter().filter(|w| w.z > 0.5).collect();
    assert!(above.len() > 50, "{} outer walls", above.len());
    above.iter().filter(|w| ok(w)).count() as f64 / above.len() as f64
}

#[test]
fn a_painted_seam_strip_holds_the_seam_in_lamina_and_in_prusaslicer() {
    // A strip painted down the cube's front face at x = 5 mm; without it the aligned seam
    // goes to a rear corner.
    let m = shapes::shape("cube").unwrap();
    let mut paint = FacetPaint::default();
    for k in 0..=40 {
        paint.paint_sphere(&m, DVec3::new(5.0, 0.0, k as f64 * 0.5), 1.0, ENFORCER);
    }
    let file = write_cube("enforced", &paint);
    let back = &mesh::import("back.3mf", &std::fs::read(&file).unwrap()).unwrap()[0];
    assert_eq!(back.seam_paint.encoded(), paint.encoded());
    assert!(back.support_paint.is_empty());
    let on_strip = |w: &OuterWall| {
        let (x, y) = w.relative_start();
        (x - 5.0).abs() < 1.2 && y < 1.0
    };
    let lamina = outer_walls(&lamina_slice(&file, "enforced", &[]));
    let ours = share(&lamina, on_strip);
    assert!(ours > 0.97, "Lamina's seams on the strip: {ours:.2}");
    let prusa = outer_walls(&common::prusaslicer(&file).gcode);
    let theirs = share(&prusa, on_strip);
    eprintln!("seams on the painted strip: Lamina {ours:.3}, PrusaSlicer {theirs:.3}");
    assert!(
        theirs > 0.9,
        "PrusaSlicer's seams on the strip: {theirs:.2}"
    );
    // Unpainted, the seam is elsewhere.
    let plain = outer_walls(&lamina_slice(
        &write_cube("unpainted", &FacetPaint::default()),
        "unpainted",
        &[],
    ));
    assert!(share(&plain, on_strip) < 0.05);
}

#[test]
fn a_painted_blocker_keeps_rear_seams_off_the_rear_face() {
    let m = shapes::shape("cube").unwrap();
    let rear: Vec<u32> = (0..m.triangles.len() as u32)
        .filter(|&t| {
            m.triangles[t as usize]
                .iter()
                .all(|&v| (m.vertex(v).y - 20.0).abs() < 1e-6)
        })
        .collect();
    assert!(!rear.is_empty());
    let mut paint = FacetPaint::default();
    paint.fill(rear, BLOCKER);
    let file = write_cube("blocked", &paint);
    let at_rear = |w: &OuterWall| {
        let (_, size) = w.bounds();
        w.relative_start().1 > size.1 - 0.8
    };
    let blocked = outer_walls(&lamina_slice(&file, "blocked", &["seam_position=rear"]));
    assert_eq!(share(&blocked, at_rear), 0.0, "no seam on the blocked face");
    let free = outer_walls(&lamina_slice(
        &write_cube("rear", &FacetPaint::default()),
        "rear",
        &["seam_position=rear"],
    ));
    assert!(share(&free, at_rear) > 0.97);
    let prusa = outer_walls(&common::prusaslicer_with(&file, &["--seam-position", "rear"]).gcode);
    let theirs = share(&prusa, at_rear);
    eprintln!("rear seams with the rear face blocked: Lamina 0, PrusaSlicer {theirs:.3}");
    assert!(theirs < 0.05, "PrusaSlicer obeys it too");
}

/// The Z and E of a scarfed outer wall: the Z it starts at, and the XY length until it
/// reaches its layer's Z.
fn slope(w: &OuterWall) -> (f64, f64) {
    let first_z = w.points[0].2;
    let mut walked = 0.0;
    let mut prev = w.start;
    for p in &w.points {
        walked += (p.0 - prev.0).hypot(p.1 - prev.1);
        prev = (p.0, p.1);
        if p.2 >= w.z - 1e-6 {
            break;
        }
    }
    (first_z, walked)
}

#[test]
fn scarf_seams_climb_from_the_layer_below_and_keep_the_plastic() {
    let cyl = common::shape_file("seams", "cylinder");
    let plain = lamina_slice(&cyl, "cylinder-plain", &[]);
    let scarf = lamina_slice(&cyl, "cylinder-scarf", &["scarf_seam_placement=contours"]);
    let walls = outer_walls(&scarf);
    let mut checked = 0;
    for w in walls.iter().filter(|w| w.z > 0.5) {
        let (z0, len) = slope(w);
        // The slope starts on the layer below (start height 0) and climbs over 20 mm.
        assert!(
            (z0 - (w.z - 0.2)).abs() < 0.02,
            "starts at {z0} on layer {}",
            w.z
        );
        assert!((len - 20.0).abs() < 1.1, "slope {len} mm long at {}", w.z);
        // Its Z never falls on the way up.
        let rising = w.points.windows(2).take_while(|p| p[0].2 < w.z - 1e-6);
        assert!(rising.clone().all(|p| p[1].2 >= p[0].2 - 1e-6));
        // The wall goes round once plus the slope: its last 20 mm go over the first at
        // the layer's height and lay what the climb left out (half, from a start height of
        // 0), so the two passes make one full wall.
        let segs: Vec<(f64, f64)> = std::iter::once(w.start)
            .chain(w.points.iter().map(|p| (p.0, p.1)))
            .zip(&w.points)
            .map(|(a, p)| ((p.0 - a.0).hypot(p.1 - a.1), p.3))
            .collect();
        let total: f64 = segs.iter().map(|s| s.0).sum();
        let (mut walked, mut climb, mut middle, mut finish) = (0.0, (0.0, 0.0), (0.0, 0.0), 0.0);
        for (d, e) in &segs {
            let mid = walked + d / 2.0;
            walked += d;
            if mid < len {
                climb = (climb.0 + d, climb.1 + e);
            } else if mid > total - len {
                finish += e;
            } else {
                middle = (middle.0 + d, middle.1 + e);
            }
        }
        assert!(
            (total - len - 62.8).abs() < 1.5,
            "round once plus the slope: {total}"
        );
        let full = middle.1 / middle.0 * climb.0;
        assert!(
            ((climb.1 + finish) / full - 1.0).abs() < 0.03,
            "{} + {finish} vs {full}",
            climb.1
        );
        assert!(
            (climb.1 / finish - 1.0).abs() < 0.05,
            "{} vs {finish}",
            climb.1
        );
        checked += 1;
    }
    assert!(checked > 90, "{checked} layers with a scarf");
    // The same plastic, the same shape, no line outside the model.
    let (a, b) = (
        common::check(&plain, Some(&cyl)),
        common::check(&scarf, Some(&cyl)),
    );
    let fa = a["filament_mm"].as_f64().unwrap();
    let fb = b["filament_mm"].as_f64().unwrap();
    eprintln!("scarf seams on the cylinder: filament {fa} → {fb} mm");
    assert!((fb / fa - 1.0).abs() < 0.003, "filament {fa} → {fb}");
    assert_eq!(b["outside_share"].as_f64(), Some(0.0));
    // Starting halfway up: the slope starts half a layer below.
    let half = outer_walls(&lamina_slice(
        &cyl,
        "cylinder-scarf-half",
        &[
            "scarf_seam_placement=contours",
            "scarf_seam_start_height=50",
        ],
    ));
    for w in half.iter().filter(|w| w.z > 0.5) {
        assert!((slope(w).0 - (w.z - 0.1)).abs() < 0.02);
    }
}

/// The sine of the turn the wall makes at its seam (where it begins), judged 0.5 mm either
/// side; walls run with the part on their left, so negative is a concave corner.
fn seam_turn(w: &OuterWall) -> f64 {
    let pts: Vec<(f64, f64)> = std::iter::once(w.start)
        .chain(w.points.iter().map(|p| (p.0, p.1)))
        .collect();
    let reach = |forward: bool| -> (f64, f64) {
        let mut walked = 0.0;
        let mut prev = w.start;
        let seq: Box<dyn Iterator<Item = &(f64, f64)>> = if forward {
            Box::new(pts.iter().skip(1))
        } else {
            Box::new(pts.iter().rev())
        };
        for p in seq {
            walked += (p.0 - prev.0).hypot(p.1 - prev.1);
            prev = *p;
            if walked >= 0.5 {
                break;
            }
        }
        prev
    };
    let (a, b, c) = (reach(false), w.start, reach(true));
    let (ab, bc) = ((b.0 - a.0).hypot(b.1 - a.1), (c.0 - b.0).hypot(c.1 - b.1));
    if ab == 0.0 || bc == 0.0 {
        return 0.0;
    }
    ((b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)) / (ab * bc)
}

/// Of the outer walls above the first layers: the share that start in a concave corner,
/// and how far each layer's seams lie, on average, from the nearest seam of the layer below.
fn seam_figures(walls: &[OuterWall]) -> (f64, f64) {
    let above: Vec<&OuterWall> = walls.iter().filter(|w| w.z > 0.5).collect();
    let concave = above.iter().filter(|w| seam_turn(w) < -0.5).count() as f64 / above.len() as f64;
    let mut jumps = Vec::new();
    for w in &above {
        let below = above
            .iter()
            .filter(|v| (v.z - (w.z - 0.2)).abs() < 0.01)
            .map(|v| (v.start.0 - w.start.0).hypot(v.start.1 - w.start.1))
            .fold(f64::MAX, f64::min);
        if below < f64::MAX {
            jumps.push(below);
        }
    }
    (
        concave,
        jumps.iter().sum::<f64>() / jumps.len().max(1) as f64,
    )
}

#[test]
fn aligned_seams_hide_in_concave_corners_and_line_up_as_prusaslicers_do() {
    // An L: one concave corner, 20 mm in front of its rear corners.
    let l_shape = common::out_dir("seams").join("l-shape.stl");
    let l = [
        (0.0, 0.0),
        (30.0, 0.0),
        (30.0, 10.0),
        (10.0, 10.0),
        (10.0, 30.0),
        (0.0, 30.0),
    ];
    std::fs::write(&l_shape, mesh::write_binary_stl(&prism(&l, 20.0))).unwrap();
    let models = [
        l_shape,
        common::model("ipadstand.obj"),
        common::model("sloping_hole.obj"),
        common::model("3DBenchy.3mf"),
    ];
    for model in models {
        let name = model.file_name().unwrap().to_str().unwrap().to_string();
        let name = name.as_str();
        let ours = outer_walls(&lamina_slice(&model, name, &[]));
        let theirs = outer_walls(&common::prusaslicer(&model).gcode);
        let (a, b) = (seam_figures(&ours), seam_figures(&theirs));
        eprintln!(
            "{name}: Lamina concave {:.2} jump {:.2} mm; PrusaSlicer concave {:.2} jump {:.2} mm",
            a.0, a.1, b.0, b.1
        );
        assert!(
            a.0 >= b.0 - 0.05,
            "{name}: in concave corners {:.2} vs {:.2}",
            a.0,
            b.0
        );
        assert!(
            a.1 <= b.1 * 1.25 + 0.1,
            "{name}: off the seam below {:.2} vs {:.2}",
            a.1,
            b.1
        );
    }
}

/// A prism of `height` over the outline `pts` (mm, counter-clockwise).
fn prism(pts: &[(f64, f64)], height: f64) -> mesh::Mesh {
    use lamina::engine::geom::{ExPolygon, Point, Polygon};
    let poly = Polygon::new(pts.iter().map(|&(x, y)| Point::from_mm(x, y)).collect());
    let mut m = shapes::extrude(&ExPolygon::new(poly), 0.0, height);
    mesh::repair(&mut m);
    m
}

/// Outer walls with a slope (some line below its layer's top), split into small ones
/// (holes of the plate) and large ones.
fn sloped_walls(gcode: &Path) -> (usize, usize) {
    let walls = outer_walls(gcode);
    let sloped = walls
        .iter()
        .filter(|w| w.z > 0.5 && w.points.iter().any(|p| p.2 < w.z - 1e-6));
    let small = sloped.clone().filter(|w| w.bounds().1.0 < 10.0).count();
    (small, sloped.count() - small)
}

#[test]
fn scarf_placement_and_smooth_only_pick_their_walls() {
    // The plate with nine 5 mm holes: contours only, or round the holes too.
    let plate = common::shape_file("seams", "holes");
    // (The plate's own seams sit in its corners: scarf them anyway.)
    let contours = lamina_slice(
        &plate,
        "holes-contours",
        &[
            "scarf_seam_placement=contours",
            "scarf_seam_only_on_smooth=false",
        ],
    );
    let (holes, outside) = sloped_walls(&contours);
    assert_eq!(holes, 0, "no scarf round the holes");
    assert!(outside > 20, "{outside}");
    let everywhere = lamina_slice(
        &plate,
        "holes-everywhere",
        &[
            "scarf_seam_placement=everywhere",
            "scarf_seam_only_on_smooth=false",
            "scarf_seam_length=5",
        ],
    );
    let (holes, outside) = sloped_walls(&everywhere);
    assert!(holes > 9 * 20 && outside > 20, "{holes} {outside}");
    // The cube's seams sit in its corners: a scarf only where asked to go there too.
    let cube = common::shape_file("seams", "cube");
    let smooth = lamina_slice(&cube, "cube-scarf", &["scarf_seam_placement=contours"]);
    assert_eq!(sloped_walls(&smooth), (0, 0));
    let anywhere = lamina_slice(
        &cube,
        "cube-scarf-corners",
        &[
            "scarf_seam_placement=contours",
            "scarf_seam_only_on_smooth=false",
        ],
    );
    assert!(sloped_walls(&anywhere).1 > 90);
}
