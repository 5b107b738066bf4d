//! Reading models: every format and unit, broken meshes that must still slice, and bad files
//! that must fail with a clear, typed error instead of a panic or a huge allocation.

mod common;

use common::*;
use lamina::engine::mesh::{ImportError, Mesh, import, repair, write_binary_stl};
use lamina::engine::model::shapes;

fn sphere() -> Mesh {
    shapes::shape("sphere").expect("sphere")
}

/// Slices a broken mesh written as STL and checks the output like any model.
fn slices_cleanly(mesh: &Mesh, name: &str, reference: &Mesh) {
    let dir = out_dir("broken");
    let path = dir.join(format!("{name}.stl"));
    std::fs::write(&path, write_binary_stl(mesh)).unwrap();
    // The checker measures against the intact mesh: the repaired slice must match it.
    let intact = dir.join(format!("{name}-intact.stl"));
    std::fs::write(&intact, write_binary_stl(reference)).unwrap();
    let (gcode, _) = slice_file(&path, "broken");
    let report = check(&gcode, Some(&intact));
    assert!(
        report["flags"].as_array().unwrap().is_empty(),
        "{name}: {report}"
    );
    assert!(
        report["outside_share"].as_f64().unwrap() <= 0.002,
        "{name}: {report}"
    );
    let ratio = model_volume_ratio(&report, &gcode);
    let (gcode_ok, _) = slice_file(&intact, "broken");
    let ok_report = check(&gcode_ok, Some(&intact));
    let ok_ratio = model_volume_ratio(&ok_report, &gcode_ok);
    assert!(
        (ratio / ok_ratio - 1.0).abs() < 0.03,
        "{name}: {ratio} vs intact {ok_ratio}"
    );
}

#[test]
fn flipped_faces_are_turned_outward() {
    let mut m = sphere();
    for (i, t) in m.triangles.iter_mut().enumerate() {
        if i % 7 == 0 {
            t.swap(1, 2);
        }
    }
    let mut r = m.clone();
    let report = repair(&mut r);
    assert!(report.faces_flipped > 1000, "{report:?}");
    slices_cleanly(&m, "flipped", &sphere());
}

#[test]
fn inside_out_mesh_is_reversed() {
    let mut m = sphere();
    for t in &mut m.triangles {
        t.swap(1, 2);
    }
    let mut r = m.clone();
    assert_eq!(repair(&mut r).shells_reversed, 1);
    slices_cleanly(&m, "inside-out", &sphere());
}

#[test]
fn duplicate_faces_are_dropped() {
    let mut m = sphere();
    let extra: Vec<[u32; 3]> = m.triangles.iter().step_by(3).copied().collect();
    m.triangles.extend(extra);
    let mut r = m.clone();
    assert!(repair(&mut r).duplicate_faces_removed > 2000);
    slices_cleanly(&m, "duplicates", &sphere());
}

#[test]
fn holes_in_the_surface_are_closed_per_layer() {
    let mut m = sphere();
    // Punch out a band of faces on the side and a patch near the top.
    let n = m.triangles.len();
    m.triangles.retain({
        let mut i = 0;
        move |_| {
            i += 1;
            !(i % 192 < 6 && i > n / 3 && i < 2 * n / 3)
        }
    });
    let mut r = m.clone();
    let report = repair(&mut r);
    assert!(report.open_edges > 0, "{report:?}");
    slices_cleanly(&m, "holes", &sphere());
}

#[test]
fn every_format_reads_the_same_cube() {
    let obj = std::fs::read(model("20mm_cube.obj")).unwrap();
    let stl = std::fs::read(model("20mmbox-CRLF.stl")).unwrap();
    let a = import("a.obj", &obj).unwrap();
    let b = import("b.stl", &stl).unwrap();
    let bin = write_binary_stl(&b[0].mesh);
    let c = import("c.stl", &bin).unwrap();
    for objs in [&a, &b, &c] {
        assert_eq!(objs.len(), 1);
        assert!((objs[0].mesh.volume().abs() - 8000.0).abs() < 1e-3);
    }
    // Unknown extension: the content decides.
    assert!(import("cube.bin", &bin).is_ok());
    assert!(import("cube.txt", &obj).is_ok());
}

#[test]
fn benchy_3mf_reads_whole() {
    let bytes = std::fs::read(model("3DBenchy.3mf")).unwrap();
    let objs = import("3DBenchy.3mf", &bytes).unwrap();
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].mesh.triangles.len(), 225_154);
    assert!((objs[0].mesh.volume() - 15_550.0).abs() < 20.0);
}

#[test]
fn bad_files_give_typed_errors() {
    let stl = write_binary_stl(&shapes::shape("cube").unwrap());
    type Case = (&'static str, Vec<u8>, fn(&ImportError) -> bool);
    let cases: Vec<Case> = vec![
        ("empty.stl", Vec::new(), |e| matches!(e, ImportError::Empty)),
        ("cut.stl", stl[..stl.len() - 17].to_vec(), |e| {
            matches!(e, ImportError::Truncated(_))
        }),
        (
            "ascii-cut.stl",
            b"solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0".to_vec(),
            |e| matches!(e, ImportError::Truncated(_)),
        ),
        (
            "noise.stl",
            (0..4000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
            |e| {
                matches!(
                    e,
                    ImportError::Truncated(_)
                        | ImportError::TooLarge { .. }
                        | ImportError::Garbage(_)
                )
            },
        ),
        (
            "huge.stl",
            {
                let mut b = vec![0u8; 84];
                b[80..84].copy_from_slice(&3_000_000_000u32.to_le_bytes());
                b
            },
            |e| matches!(e, ImportError::TooLarge { .. }),
        ),
        ("bad.obj", b"v 0 0 0\nv 1 0 0\nf 1 2 9\n".to_vec(), |e| {
            matches!(e, ImportError::Garbage(_))
        }),
        ("nothing.obj", b"# just a comment\n".to_vec(), |e| {
            matches!(e, ImportError::NoGeometry)
        }),
        ("notzip.3mf", b"PK\x03\x04garbage".to_vec(), |e| {
            matches!(e, ImportError::Zip(_))
        }),
        ("text.3mf", b"<model></model>".to_vec(), |e| {
            matches!(e, ImportError::Zip(_))
        }),
        ("picture.png", b"\x89PNG\r\n\x1a\n....".to_vec(), |e| {
            matches!(e, ImportError::Unsupported(_))
        }),
    ];
    for (name, bytes, expected) in cases {
        match import(name, &bytes) {
            Ok(_) => panic!("{name} was accepted"),
            Err(e) => {
                assert!(expected(&e), "{name}: unexpected error {e:?}");
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn truncated_3mf_is_refused() {
    let bytes = std::fs::read(model("3DBenchy.3mf")).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let e = import("half.3mf", cut).unwrap_err();
    assert!(matches!(e, ImportError::Zip(_)), "{e:?}");
}
