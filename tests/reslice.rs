//! Re-slicing from the stage cache: after any one setting changes, and after copies move,
//! appear or go, the cached slice is the slice from nothing, byte for byte, and only the
//! stages the change reaches run again.

mod common;

use common::{default_settings, model};
use lamina::engine::mesh;
use lamina::engine::model::{Instance, Scene};
use lamina::engine::pipeline::{self, Cache, Observer, Quiet, SliceOutput};
use lamina::engine::settings::{SCHEMA, SettingDef, Settings, ValueKind};
use lamina::engine::stage::Stage;

/// A plate with overhangs, bridges, holes and a second copy: U_overhang twice and
/// sloping_hole, side by side.
fn plate() -> Scene {
    let mut scene = Scene::default();
    for name in ["U_overhang.obj", "sloping_hole.obj"] {
        let bytes = std::fs::read(model(name)).expect("shared model");
        scene.add(mesh::import(name, &bytes).expect("imports"));
    }
    let copy = scene.objects[0].instances[0].clone();
    scene.objects[0].instances.push(copy);
    scene.drop_to_bed();
    assert!(scene.arrange(220.0, 220.0, 8.0));
    scene
}

/// What differs between two results (G-code, findings, warnings, figures), if anything.
fn difference(cached: &SliceOutput, full: &SliceOutput) -> Option<&'static str> {
    if cached.gcode != full.gcode {
        Some("the G-code")
    } else if cached.findings != full.findings {
        Some("the findings")
    } else if cached.warnings != full.warnings {
        Some("the warnings")
    } else if cached.stats != full.stats {
        Some("the figures")
    } else {
        None
    }
}

fn assert_same(cached: &SliceOutput, full: &SliceOutput, what: &str) {
    if let Some(d) = difference(cached, full) {
        panic!("{what}: {d} differs");
    }
}

/// A valid value other than the current one, or None where none is at hand.
fn another_value(def: &SettingDef, s: &Settings) -> Option<String> {
    let now = s.get(def.key)?;
    let number = |v: f64| {
        let (lo, hi) = def.range.unwrap_or((f64::MIN, f64::MAX));
        [
            v * 1.5,
            v + 0.3 * (hi - lo).min(10.0),
            v * 0.5,
            v - 1.0,
            lo,
            hi,
        ]
        .into_iter()
        .filter(|c| c.is_finite() && *c >= lo && *c <= hi && (c - v).abs() > 1e-9)
        .map(|c| format!("{}", (c * 1e4).round() / 1e4))
        .next()
    };
    match def.kind {
        ValueKind::Bool => Some(if now == "true" { "false" } else { "true" }.into()),
        ValueKind::Enum => {
            let i = def.choices.iter().position(|c| *c == now)?;
            Some(def.choices[(i + 1) % def.choices.len()].to_string())
        }
        ValueKind::Float => number(now.parse().ok()?),
        ValueKind::Int => {
            let v: f64 = now.parse().ok()?;
            let (lo, hi) = def.range.unwrap_or((0.0, 1e9));
            let c = if v + 1.0 <= hi { v + 1.0 } else { v - 1.0 };
            (c >= lo).then(|| format!("{c}"))
        }
        ValueKind::OptFloat => match now.parse::<f64>() {
            Ok(v) => number(v),
            Err(_) => {
                let (lo, hi) = def.range?;
                Some(format!("{}", lo + 0.25 * (hi - lo)))
            }
        },
        ValueKind::Text => Some(format!("{now}\nM117 changed")),
        ValueKind::Line if def.key == "thumbnails" => Some("32x32/PNG".into()),
        ValueKind::Line => None,
    }
}

/// Every setting changed in turn from `base`: the cached slice after the change, and after
/// changing it back, equals the slice from nothing. Returns how many settings changed the
/// G-code (a change that changes nothing proves little).
fn every_setting_from(base: &Settings, scene: &Scene) -> usize {
    let start = pipeline::slice(scene, base, &[], &mut Quiet).expect("base slices");
    let mut cache = Cache::default();
    let first = cache.slice(scene, base, &[], &mut Quiet).unwrap();
    assert_same(&first, &start, "first slice");
    let mut moved = 0;
    let mut wrong = Vec::new();
    for def in SCHEMA {
        let Some(value) = another_value(def, base) else {
            continue;
        };
        let mut s = base.clone();
        if s.set(def.key, &value).is_err() {
            continue;
        }
        let what = format!("{} = {value}", def.key);
        let full = pipeline::slice(scene, &s, &[], &mut Quiet);
        let cached = cache.slice(scene, &s, &[], &mut Quiet);
        match (&full, &cached) {
            (Ok(f), Ok(c)) => {
                if let Some(d) = difference(c, f) {
                    wrong.push(format!("{what}: {d}"));
                }
                moved += usize::from(f.gcode != start.gcode);
            }
            (Err(f), Err(c)) if f == c => {}
            _ => wrong.push(format!(
                "{what}: {:?} against {:?}",
                full.err(),
                cached.err()
            )),
        }
        let back = cache.slice(scene, base, &[], &mut Quiet).unwrap();
        if let Some(d) = difference(&back, &start) {
            wrong.push(format!("{what}, then back: {d}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "cached slices differ:\n{}",
        wrong.join("\n")
    );
    moved
}

#[test]
fn every_setting_reslices_as_from_nothing() {
    let scene = plate();
    let base = default_settings();
    let moved = every_setting_from(&base, &scene);
    println!("defaults: {moved} settings changed the G-code");
    assert!(moved >= 150, "{moved}");
    // The features that are off by default on, so that their own settings count.
    let mut on = base.clone();
    for (k, v) in [
        ("support_material", "true"),
        ("brim_width", "4"),
        ("ironing", "true"),
        ("fuzzy_skin", "external"),
        ("arc_fitting", "emit_center"),
        ("scarf_seam_placement", "everywhere"),
        ("wipe", "true"),
        ("thumbnails", "16x16/PNG"),
        ("before_layer_gcode", "; layer {layer_num}"),
    ] {
        on.set(k, v).unwrap();
    }
    let moved = every_setting_from(&on, &scene);
    println!("features on: {moved} settings changed the G-code");
    assert!(moved >= 150, "{moved}");
    // A raft under organic supports, and the fit-and-finish settings.
    let mut raft = base.clone();
    for (k, v) in [
        ("support_material", "true"),
        ("support_material_style", "organic"),
        ("raft_layers", "2"),
        ("infill_every_layers", "2"),
        ("hole_to_polyhole", "true"),
        ("top_one_perimeter_type", "top"),
        ("xy_size_compensation", "0.05"),
        ("perimeter_generator", "classic"),
    ] {
        raft.set(k, v).unwrap();
    }
    let moved = every_setting_from(&raft, &scene);
    println!("raft and organic supports: {moved} settings changed the G-code");
    assert!(moved >= 150, "{moved}");
}

/// Remembers which stages ran.
#[derive(Default)]
struct Stages(Vec<Stage>);

impl Observer for Stages {
    fn stage(&mut self, stage: Stage) -> bool {
        self.0.push(stage);
        true
    }
}

fn stages_after(cache: &mut Cache, scene: &Scene, s: &Settings) -> Vec<Stage> {
    let mut seen = Stages::default();
    let out = cache.slice(scene, s, &[], &mut seen).unwrap();
    let full = pipeline::slice(scene, s, &[], &mut Quiet).unwrap();
    assert_same(&out, &full, "after the change");
    seen.0
}

#[test]
fn a_change_reruns_only_the_stages_it_reaches() {
    use Stage::*;
    let scene = plate();
    let base = default_settings();
    let mut cache = Cache::default();
    assert_eq!(stages_after(&mut cache, &scene, &base), Stage::ALL.to_vec());
    assert_eq!(stages_after(&mut cache, &scene, &base), vec![]);
    let mut s = base.clone();
    s.set("travel_speed", "120").unwrap();
    assert_eq!(stages_after(&mut cache, &scene, &s), vec![Plan, Gcode]);
    s.set("fill_density", "40%").unwrap();
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Infill, Order, Plan, Gcode]
    );
    s.set("perimeters", "3").unwrap();
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Perimeters, Infill, Order, Plan, Gcode]
    );
    s.set("support_material", "true").unwrap();
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Check, Support, Order, Plan, Gcode]
    );
    s.set("seam_position", "rear").unwrap();
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Order, Plan, Gcode]
    );
    s.set("thumbnails", "32x32/PNG").unwrap();
    assert_eq!(stages_after(&mut cache, &scene, &s), vec![Gcode]);
    s.set("layer_height", "0.15").unwrap();
    assert_eq!(stages_after(&mut cache, &scene, &s), Stage::ALL.to_vec());
}

#[test]
fn moving_adding_and_removing_copies_reslices_as_from_nothing() {
    use Stage::*;
    let mut scene = plate();
    let s = default_settings();
    let mut cache = Cache::default();
    stages_after(&mut cache, &scene, &s);
    // Move one copy: its shape is kept, the plate's order and G-code are redone.
    scene.objects[1].instances[0].transform.translation.x -= 7.5;
    scene.objects[1].instances[0].transform.translation.y += 3.25;
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Skirt, Order, Plan, Gcode]
    );
    // A third copy of the U.
    let mut copy: Instance = scene.objects[0].instances[1].clone();
    copy.transform.translation.y += 45.0;
    scene.objects[0].instances.push(copy);
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Skirt, Order, Plan, Gcode]
    );
    // A turned copy is another shape: only it is sliced.
    let mut turned = scene.objects[0].instances[2].clone();
    turned.transform.matrix3 = glam::DMat3::from_rotation_z(0.5) * turned.transform.matrix3;
    scene.objects[0].instances[2] = turned;
    let seen = stages_after(&mut cache, &scene, &s);
    assert_eq!(seen[0], Slice, "{seen:?}");
    // Removing an object keeps the others' shapes.
    scene.objects.remove(1);
    assert_eq!(
        stages_after(&mut cache, &scene, &s),
        vec![Skirt, Order, Plan, Gcode]
    );
}

/// A part prints the same wherever its file put its origin: each shape is sliced about the
/// middle of its footprint (as PrusaSlicer slices an object about its centre), so infill
/// lines and support grids start from the part, not from the file's zero. Moved 37.25 mm
/// and −12.75 mm in its file (exact in the mesh's single-precision numbers) and placed back
/// on the same spot, the 20 mm cube gives the same G-code byte for byte.
#[test]
fn a_part_prints_the_same_wherever_its_file_put_its_origin() {
    let bytes = std::fs::read(model("20mm_cube.obj")).expect("shared model");
    let place = |shift: [f32; 2]| {
        let mut objects = mesh::import("20mm_cube.obj", &bytes).expect("imports");
        for v in &mut objects[0].mesh.vertices {
            v[0] += shift[0];
            v[1] += shift[1];
        }
        let mut scene = Scene::default();
        scene.add(objects);
        scene.drop_to_bed();
        // Its footprint's middle at (100.5, 93.25) on the bed.
        let b = scene.objects[0].instance_bounds(0).expect("bounds");
        let t = &mut scene.objects[0].instances[0].transform.translation;
        t.x += 100.5 - b.center().x;
        t.y += 93.25 - b.center().y;
        pipeline::slice(&scene, &default_settings(), &[], &mut Quiet).expect("slices")
    };
    let (here, moved) = (place([0.0, 0.0]), place([37.25, -12.75]));
    assert_same(
        &here,
        &moved,
        "the same part from a file with another origin",
    );
}

/// A calibration's height changes are the G-code's alone: setting them re-writes the G-code
/// and nothing before it, and the result is the slice from nothing.
#[test]
fn height_changes_rewrite_only_the_gcode() {
    use lamina::engine::model::calibration::{Change, HeightChange};
    let mut scene = plate();
    let s = default_settings();
    let mut cache = Cache::default();
    stages_after(&mut cache, &scene, &s);
    scene.changes = vec![HeightChange {
        z: 4.0,
        change: Change::NozzleTemperature(195.0),
        label: "band 2 of 2".into(),
    }];
    assert_eq!(stages_after(&mut cache, &scene, &s), vec![Stage::Gcode]);
    let full = pipeline::slice(&scene, &s, &[], &mut Quiet).expect("slices");
    assert!(
        full.gcode
            .contains("; calibration band 2 of 2: temperature = 195\nM104 S195")
    );
}

/// Changes each per-object setting in turn, as each object's own (the U overhangs, the
/// other has a hole and infill): the cached slice must be the slice from nothing. Returns
/// the keys that left the G-code as it was.
fn every_object_setting_from(base: &Settings, scene: &mut Scene) -> Vec<&'static str> {
    let mut cache = Cache::default();
    stages_after(&mut cache, scene, base);
    let start = pipeline::slice(scene, base, &[], &mut Quiet).expect("base slices");
    let mut wrong = Vec::new();
    let mut same = Vec::new();
    for def in SCHEMA.iter().filter(|d| d.per_object()) {
        let Some(value) = another_value(def, base) else {
            continue;
        };
        let what = format!("the objects' own {} = {value}", def.key);
        for o in &mut scene.objects {
            o.settings.set(def.key, &value).unwrap();
        }
        let full = pipeline::slice(scene, base, &[], &mut Quiet);
        let cached = cache.slice(scene, base, &[], &mut Quiet);
        match (&full, &cached) {
            (Ok(f), Ok(c)) => {
                if let Some(d) = difference(c, f) {
                    wrong.push(format!("{what}: {d}"));
                }
                if f.gcode == start.gcode {
                    same.push(def.key);
                }
            }
            (Err(f), Err(c)) if f == c => {}
            _ => wrong.push(format!(
                "{what}: {:?} against {:?}",
                full.err(),
                cached.err()
            )),
        }
        for o in &mut scene.objects {
            o.settings.remove(def.key);
        }
    }
    assert!(
        wrong.is_empty(),
        "cached slices differ:\n{}",
        wrong.join("\n")
    );
    same
}

/// One object's own settings: changing any of them re-slices as from nothing, reaches the
/// G-code (with the features they belong to on), and re-runs only the stages it reaches.
#[test]
fn every_per_object_setting_reslices_as_from_nothing() {
    use Stage::*;
    let base = default_settings();
    let mut scene = plate();
    let idle = every_object_setting_from(&base, &mut scene);
    let mut on = base.clone();
    for (k, v) in [
        ("support_material", "true"),
        ("ironing", "true"),
        ("fuzzy_skin", "external"),
        ("scarf_seam_placement", "everywhere"),
        ("support_material_style", "organic"),
        ("hole_to_polyhole", "true"),
    ] {
        on.set(k, v).unwrap();
    }
    let idle_on = every_object_setting_from(&on, &mut scene);
    let never: Vec<_> = idle.iter().filter(|k| idle_on.contains(k)).collect();
    println!("idle at the defaults: {idle:?}\nidle with the features on too: {never:?}");
    // What stays idle is what these parts never call on: variable-width walls' thin-feature
    // rules and classic walls' gap fill, small solid areas, polyholes (the hole slopes), a
    // few support details, the outline resolution.
    assert!(never.len() <= 16, "{never:?}");
    // An object's infill re-runs its infill and what follows; its walls, their stage too.
    let mut cache = Cache::default();
    stages_after(&mut cache, &scene, &base);
    scene.objects[1].settings.set("fill_density", "45").unwrap();
    assert_eq!(
        stages_after(&mut cache, &scene, &base),
        vec![Infill, Order, Plan, Gcode]
    );
    scene.objects[1]
        .settings
        .set("perimeter_speed", "45")
        .unwrap();
    assert_eq!(stages_after(&mut cache, &scene, &base), vec![Plan, Gcode]);
    scene.objects[0].settings.set("perimeters", "4").unwrap();
    assert_eq!(
        stages_after(&mut cache, &scene, &base),
        vec![Perimeters, Infill, Order, Plan, Gcode]
    );
}
