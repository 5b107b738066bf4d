//! Assist on the shared models: auto-orientation lays the models that need support so they
//! need (much) less; the findings after slicing name the overhangs of models sliced without
//! support and point at real layers, and are quiet once support is on; the setting advice
//! proposes support for them.

mod common;

use common::{default_settings, model, scene_of, slice_with};
use glam::{DAffine3, DMat3};
use lamina::engine::assist::advice;
use lamina::engine::assist::findings::Kind;
use lamina::engine::model::orient;

#[test]
fn orientation_needs_less_support_on_the_overhang_models() {
    let s = default_settings();
    for (file, left) in [("U_overhang.obj", 0.05), ("overhang.obj", 0.05)] {
        let scene = scene_of(&model(file), &s);
        let o = &scene.objects[0];
        let mesh = o
            .mesh
            .transformed(&DAffine3::from_mat3(o.instances[0].transform.matrix3));
        let now = orient::score(&mesh, DMat3::IDENTITY, 45.0);
        let best = orient::best(&mesh, 45.0, 3);
        assert_eq!(best.len(), 3);
        assert!(
            now.overhang > 50.0,
            "{file} needs support as given: {now:?}"
        );
        assert!(
            best[0].overhang <= left * now.overhang,
            "{file}: best pose {:?} against {now:?}",
            best[0]
        );
        // The chosen pose really is as scored when applied to the scene.
        let mut turned = scene.clone();
        turned.rotate_instance(0, 0, best[0].rotation);
        let t = &turned.objects[0];
        let after = t.mesh.transformed(&t.instances[0].transform);
        let again = orient::score(&after, DMat3::IDENTITY, 45.0);
        assert!((again.overhang - best[0].overhang).abs() < 1.0, "{again:?}");
        assert!(
            after.bounds().unwrap().min.z.abs() < 1e-6,
            "dropped to the bed"
        );
    }
}

#[test]
fn findings_point_at_the_overhang_until_support_is_on() {
    let mut s = default_settings();
    let path = model("U_overhang.obj");
    let (_, out) = slice_with(&path, "assist-u-overhang", &s);
    let o = out
        .findings
        .iter()
        .find(|f| f.kind == Kind::Overhang)
        .unwrap_or_else(|| panic!("{:?}", out.findings));
    assert!(o.worst < out.layers.len(), "{o:?}");
    assert!(o.first <= o.worst && o.worst <= o.last);
    let scene = scene_of(&path, &s);
    let a = advice::advise(&scene, &s);
    assert!(a.iter().any(|a| a.rule == "supports"), "{a:?}");

    s.set("support_material", "true").unwrap();
    let (_, out) = slice_with(&path, "assist-u-overhang-supported", &s);
    assert!(
        out.findings.iter().all(|f| f.kind != Kind::Overhang),
        "{:?}",
        out.findings
    );
}

/// Advice (before slicing) and the findings after slicing name the same overhang area on
/// 3DBenchy (266 and 271 mm²; the orientation's overhanging surface, 560 mm², is another
/// measure, and the app says so).
#[test]
fn advice_and_findings_agree_on_the_overhang_area() {
    let s = default_settings();
    let path = model("3DBenchy.3mf");
    let (_, out) = slice_with(&path, "assist-benchy", &s);
    let text = &out
        .findings
        .iter()
        .find(|f| f.kind == Kind::Overhang)
        .unwrap_or_else(|| panic!("{:?}", out.findings))
        .text;
    let found: f64 = text
        .split(" mm² of overhang")
        .next()
        .and_then(|t| t.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no total in {text}"));
    let advised = advice::survey(&scene_of(&path, &s), &s).overhang;
    assert!(
        (found - advised).abs() <= 0.03 * advised,
        "findings {found} mm², advice {advised:.1} mm²"
    );
}

#[test]
fn a_bridge_is_not_an_overhang_but_a_long_one_is_named() {
    let s = default_settings();
    let (_, out) = slice_with(&model("bridge.obj"), "assist-bridge", &s);
    let kinds: Vec<Kind> = out.findings.iter().map(|f| f.kind).collect();
    assert!(!kinds.contains(&Kind::Overhang), "{:?}", out.findings);
    let far = out
        .findings
        .iter()
        .find(|f| f.kind == Kind::FarOverAir)
        .unwrap_or_else(|| panic!("{:?}", out.findings));
    assert!(far.text.contains("up to 20 mm"), "{}", far.text);
}
