//! Painted and placed support enforcers and blockers, end to end: painted in a project,
//! saved as 3MF, sliced by the CLI, and the same file sliced by PrusaSlicer.

mod common;

use glam::{DAffine3, DVec3};
use lamina::engine::mesh::paint::{BLOCKER, ENFORCER, PaintKind};
use lamina::engine::mesh::{self, FacetPaint, Volume, VolumeKind, WriteObject};
use lamina::engine::model::shapes;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// The T (a 10 mm pillar, arms reaching 12 mm out each side at 15 mm), centred on the bed:
/// x 93–127 (left arm 93–105, right arm 115–127), y 105–115.
fn placed_t() -> (mesh::Mesh, DAffine3) {
    let m = shapes::shape("overhang").unwrap();
    (m, DAffine3::from_translation(DVec3::new(93.0, 105.0, 0.0)))
}

fn write(name: &str, paint: &FacetPaint, volumes: &[Volume]) -> PathBuf {
    let (m, at) = placed_t();
    let bytes = mesh::write_3mf(
        name,
        &[WriteObject {
            name: "T",
            mesh: &m,
            instances: &[at],
            paint: &[(PaintKind::Support, paint)],
            volumes,
            settings: &Default::default(),
        }],
        &[],
    );
    let path = common::out_dir("support_paint").join(format!("{name}.3mf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn lamina_slice(file: &Path, sets: &[&str]) -> PathBuf {
    let out = file.with_extension("gcode");
    common::cli_slice(file, &out, sets);
    out
}

/// Support extrusion ends under the left arm, under the right arm (x, mm on the bed).
fn sides(gcode: &Path) -> (usize, usize) {
    let pts = common::extrusion_ends(gcode, "Support material");
    let left = pts.iter().filter(|p| p.0 < 104.0 && p.2 < 14.5).count();
    let right = pts.iter().filter(|p| p.0 > 116.0 && p.2 < 14.5).count();
    (left, right)
}

#[test]
fn a_painted_blocker_keeps_support_from_under_one_arm() {
    let (m, _) = placed_t();
    let mut paint = FacetPaint::default();
    // The left arm's underside (object x 0–12 at z 15), brushed.
    paint.paint_sphere(&m, DVec3::new(6.0, 5.0, 15.0), 9.0, BLOCKER);
    let file = write("blocker", &paint, &[]);
    // The paint survives the file: read back, the same pieces.
    let back = &mesh::import("back.3mf", &std::fs::read(&file).unwrap()).unwrap()[0];
    assert_eq!(back.support_paint.encoded(), paint.encoded());
    let g = lamina_slice(&file, &["support_material=true"]);
    let (left, right) = sides(&g);
    assert!(right > 100, "the right arm is supported: {right}");
    assert_eq!(left, 0, "nothing under the blocked arm");
    // Without the paint both arms get support.
    let plain = lamina_slice(
        &write("plain", &FacetPaint::default(), &[]),
        &["support_material=true"],
    );
    let (l, r) = sides(&plain);
    assert!(l > 100 && r > 100, "{l} {r}");
}

#[test]
fn enforcers_are_supported_with_supports_off() {
    let (m, _) = placed_t();
    let mut paint = FacetPaint::default();
    paint.paint_sphere(&m, DVec3::new(28.0, 5.0, 15.0), 9.0, ENFORCER);
    let g = lamina_slice(&write("enforcer", &paint, &[]), &[]);
    let (left, right) = sides(&g);
    assert!(right > 100 && left == 0, "left {left}, right {right}");
    // A blocker volume over the right arm's underside beats the enforcer.
    let block = Volume {
        name: "Blocker".into(),
        kind: VolumeKind::SupportBlocker,
        mesh: Arc::new(common_box([21.0, -1.0, 13.0], [35.0, 11.0, 15.5])),
    };
    let g = lamina_slice(&write("enforced-blocked", &paint, &[block]), &[]);
    assert_eq!(sides(&g), (0, 0));
    // An enforcer volume alone does what the paint did.
    let enforce = Volume {
        name: "Enforcer".into(),
        kind: VolumeKind::SupportEnforcer,
        mesh: Arc::new(common_box([-1.0, -1.0, 13.0], [13.0, 11.0, 15.5])),
    };
    let file = write("enforcer-volume", &FacetPaint::default(), &[enforce]);
    let back = &mesh::import("back.3mf", &std::fs::read(&file).unwrap()).unwrap()[0];
    assert_eq!(back.volumes.len(), 1);
    assert_eq!(back.volumes[0].kind, VolumeKind::SupportEnforcer);
    assert_eq!(back.mesh.triangles.len(), m.triangles.len());
    let (left, right) = sides(&lamina_slice(&file, &[]));
    assert!(left > 100 && right == 0, "left {left}, right {right}");
}

fn common_box(min: [f32; 3], max: [f32; 3]) -> mesh::Mesh {
    // The 20 mm cube scaled and moved onto the box.
    let mut m = shapes::shape("cube").unwrap();
    let s = DVec3::new(
        (max[0] - min[0]) as f64 / 20.0,
        (max[1] - min[1]) as f64 / 20.0,
        (max[2] - min[2]) as f64 / 20.0,
    );
    m.transform(
        &(DAffine3::from_translation(DVec3::new(min[0] as f64, min[1] as f64, min[2] as f64))
            * DAffine3::from_scale(s)),
    );
    m
}

/// PrusaSlicer 2.5 reads the same file (paint and volumes) and supports the same arm. Its
/// enforcers act only with supports on, so it slices with automatic supports off instead.
#[test]
fn prusaslicer_supports_the_same_arm() {
    let (m, _) = placed_t();
    let mut blocked = FacetPaint::default();
    blocked.paint_sphere(&m, DVec3::new(6.0, 5.0, 15.0), 9.0, BLOCKER);
    let mut enforced = FacetPaint::default();
    enforced.paint_sphere(&m, DVec3::new(28.0, 5.0, 15.0), 9.0, ENFORCER);
    let volume = Volume {
        name: "Enforcer".into(),
        kind: VolumeKind::SupportEnforcer,
        mesh: Arc::new(common_box([-1.0, -1.0, 13.0], [13.0, 11.0, 15.5])),
    };
    let cases = [
        (
            "p-blocker",
            write("p-blocker", &blocked, &[]),
            true,
            (false, true),
        ),
        (
            "p-enforcer",
            write("p-enforcer", &enforced, &[]),
            false,
            (false, true),
        ),
        (
            "p-enforcer-volume",
            write("p-enforcer-volume", &FacetPaint::default(), &[volume]),
            false,
            (true, false),
        ),
    ];
    for (name, file, auto, (want_left, want_right)) in cases {
        let ours = if auto {
            lamina_slice(&file, &["support_material=true"])
        } else {
            lamina_slice(&file, &[])
        };
        let theirs = file.with_file_name(format!("{name}.prusa.gcode"));
        let o = Command::new("prusa-slicer")
            .args(["-g", "--support-material"])
            .args(if auto {
                vec![]
            } else {
                vec!["--no-support-material-auto"]
            })
            .args(["--layer-height", "0.2", "--first-layer-height", "0.2"])
            .args(["--bed-shape", "0x0,220x0,220x220,0x220"])
            .arg(&file)
            .arg("-o")
            .arg(&theirs)
            .output()
            .expect("prusa-slicer runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for (who, g) in [("Lamina", &ours), ("PrusaSlicer", &theirs)] {
            let (l, r) = sides(g);
            assert_eq!(
                (l > 100, r > 100, l == 0 || want_left, r == 0 || want_right),
                (want_left, want_right, true, true),
                "{name}, {who}: left {l}, right {r}"
            );
        }
    }
}
