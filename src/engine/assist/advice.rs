//! Setting advice before slicing: the placed models are measured (overhang and bridge area,
//! bed contact, slenderness, features thinner than the lines, the quickest layers) and each
//! rule that fires proposes changes to the current settings with a one-line reason. A rule
//! whose changes are already in the settings stays quiet.

use super::{Change, area_mm2, narrower_than, over_air};
use crate::engine::geom;
use crate::engine::layers::{plan_layers, slice_object};
use crate::engine::model::Scene;
use crate::engine::settings::format_float as num;
use crate::engine::settings::{Key, PerimeterGenerator, Settings};
use crate::engine::toolpaths::LayerFlows;
use crate::engine::units::unscaled;

/// One piece of advice.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Advice {
    /// Stable name of the rule (`supports`, `brim`, `thin-lines`, `walls`, `small-layers`,
    /// `bridges`, `no-supports`).
    pub rule: String,
    pub title: String,
    pub reason: String,
    pub changes: Vec<Change>,
}

/// What the placed models are like, as the rules need it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Survey {
    /// Area (mm²) printed over air beyond the support threshold, anchored on one side only.
    pub overhang: f64,
    /// Area (mm²) printed over air but anchored on two sides or all round: bridges.
    pub bridge: f64,
    /// The least slender object: (name, first-layer area mm², height mm, smallest base side mm)
    /// of the object most likely to tip or lift.
    pub slender: Option<(String, f64, f64, f64)>,
    /// Share of the sliced area narrower than one outer-wall line (dropped or thin-walled).
    pub thinner_than_line: f64,
    /// Share of the sliced area narrower than all the walls side by side.
    pub thinner_than_walls: f64,
    /// The quickest layer above the first: (index, estimated seconds).
    pub quickest_layer: Option<(usize, f64)>,
}

/// At most this many layers are measured for thin features (evenly spread).
const SAMPLED_LAYERS: usize = 80;

/// Measures the scene under the settings.
pub fn survey(scene: &Scene, s: &Settings) -> Survey {
    let mut out = Survey::default();
    let flows = LayerFlows::new(s, s.layer_height, false);
    let ext = flows.external_perimeter.width;
    let walls = ext + flows.perimeter.width * (s.perimeters.max(1) as f64 - 1.0);
    let mut layer_times: Vec<f64> = Vec::new();
    let (mut total, mut below_line, mut below_walls) = (0.0, 0.0, 0.0);
    let mut slender_score = 0.0;
    for o in &scene.objects {
        let Some(inst) = o.instances.first() else {
            continue;
        };
        let mesh = o.mesh.transformed(&inst.transform);
        let height = mesh.bounds().map_or(0.0, |b| b.size().z);
        let plan = plan_layers(height, s.first_layer_height, s.layer_height);
        let sliced = slice_object(&mesh, &plan, s);
        for (hanging, bridges) in over_air(&sliced.layers, &plan, s.support_material_threshold, ext)
        {
            out.overhang += area_mm2(&hanging);
            out.bridge += area_mm2(&bridges);
        }
        if let Some(first) = sliced.layers.first() {
            let contact = area_mm2(first);
            let bb = geom::bounding_box_of(first);
            let base = unscaled(bb.size().x.min(bb.size().y));
            // Tall on a small base: height over base side, and a small contact area.
            let score = height / base.max(0.1) + if contact < 50.0 { 3.0 } else { 0.0 };
            if score > slender_score {
                slender_score = score;
                out.slender = Some((o.name.clone(), contact, height, base));
            }
        }
        let step = (sliced.layers.len() / SAMPLED_LAYERS).max(1);
        for (i, layer) in sliced.layers.iter().enumerate() {
            let a = area_mm2(layer);
            let length: f64 = layer
                .iter()
                .flat_map(|e| e.polygons())
                .map(|p| unscaled(p.length() as i64))
                .sum();
            // Walls at wall speed, the inside solid (the quickest layers are tops and tips).
            let t = s.perimeters as f64 * length / s.perimeter_speed.max(1.0)
                + a / ext / s.solid_infill_speed.max(1.0);
            if layer_times.len() <= i {
                layer_times.resize(i + 1, 0.0);
            }
            layer_times[i] += t;
            if i % step == 0 && a > 0.0 {
                total += a;
                below_line += area_mm2(&narrower_than(layer, ext * 0.95));
                below_walls += area_mm2(&narrower_than(layer, 2.0 * walls));
            }
        }
    }
    if total > 0.0 {
        out.thinner_than_line = below_line / total;
        out.thinner_than_walls = below_walls / total;
    }
    out.quickest_layer = layer_times
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, t)| **t > 0.0)
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, t)| (i, *t));
    out
}

/// The advice for the scene under the settings.
pub fn advise(scene: &Scene, s: &Settings) -> Vec<Advice> {
    rules(&survey(scene, s), s)
}

/// The rules, on a survey.
pub fn rules(v: &Survey, s: &Settings) -> Vec<Advice> {
    let mut out = Vec::new();
    let mut push = |rule: &str, title: &str, reason: String, changes: Vec<Change>| {
        let changes: Vec<Change> = changes.into_iter().filter(|c| c.changes(s)).collect();
        if !changes.is_empty() {
            out.push(Advice {
                rule: rule.into(),
                title: title.into(),
                reason,
                changes,
            });
        }
    };
    let threshold = s.support_material_threshold;
    if v.overhang > 25.0 && s.raft_layers == 0 {
        push(
            "supports",
            "Turn on supports",
            format!(
                "{:.0} mm² of the model hangs out more steeply than {threshold:.0}° with nothing under it.",
                v.overhang
            ),
            vec![Change::new(Key::support_material, true)],
        );
    } else if v.overhang < 1.0 && v.bridge < 1.0 {
        push(
            "no-supports",
            "Supports are not needed",
            format!(
                "Nothing overhangs more than {threshold:.0}°: supports would only add material and time."
            ),
            vec![Change::new(Key::support_material, false)],
        );
    }
    if let Some((name, contact, height, base)) = &v.slender {
        let tall = *height > 3.0 * base;
        let outer_brim = matches!(
            s.brim_type,
            crate::engine::settings::BrimType::OuterOnly
                | crate::engine::settings::BrimType::OuterAndInner
        );
        if (tall || *contact < 50.0) && (s.brim_width < 3.0 || !outer_brim) && s.raft_layers == 0 {
            let why = if tall {
                format!(
                    "{name} stands {height:.0} mm tall on a {base:.0} mm base: a brim keeps it from tipping or lifting."
                )
            } else {
                format!("{name} touches the bed with only {contact:.0} mm²: a brim holds it down.")
            };
            push(
                "brim",
                "Add a brim",
                why,
                if outer_brim {
                    vec![Change::new(Key::brim_width, 5)]
                } else {
                    vec![
                        Change::new(Key::brim_width, s.brim_width.max(5.0)),
                        Change::new(Key::brim_type, "outer_only"),
                    ]
                },
            );
        }
    }
    let flows = LayerFlows::new(s, s.layer_height, false);
    // Variable-width walls already fit thin features; fixed-width ones leave them out or
    // print them as one line, which variable-width walls cure.
    if v.thinner_than_line > 0.005 && s.perimeter_generator == PerimeterGenerator::Classic {
        push(
            "thin-lines",
            "Variable-width walls for thin features",
            format!(
                "{:.1} % of the model is thinner than one {:.2} mm line and would be left out or printed as a single thin line; variable-width walls fit it.",
                100.0 * v.thinner_than_line,
                flows.external_perimeter.width
            ),
            vec![Change::new(Key::perimeter_generator, "arachne")],
        );
    }
    if v.thinner_than_walls > 0.15 && s.perimeters < 4 {
        push(
            "walls",
            "More walls for thin parts",
            format!(
                "{:.0} % of the model is thinner than its {} walls side by side; one more wall fills those parts with strong loops instead of gap fill.",
                100.0 * v.thinner_than_walls,
                s.perimeters
            ),
            vec![Change::new(Key::perimeters, s.perimeters + 1)],
        );
    }
    // Slicing slows quick layers down to the minimum layer time; advice only where that
    // time is short, or the fan cannot help.
    let min_time = s.slowdown_below_layer_time.max(8.0);
    if let Some((layer, t)) = v.quickest_layer
        && t < min_time
    {
        push(
            "small-layers",
            "Slow down and cool small layers",
            format!(
                "Layer {} would take about {t:.0} s: plastic still soft when the next layer comes sags and curls. Give every layer at least {} s, with the fan at full.",
                layer + 1,
                num(min_time)
            ),
            vec![
                Change::new(Key::cooling, true),
                Change::new(Key::slowdown_below_layer_time, num(min_time)),
                Change::new(Key::max_fan_speed, 100),
            ],
        );
    }
    if v.bridge > 10.0 && !s.support_material {
        push(
            "bridges",
            "Bridge settings",
            format!(
                "{:.0} mm² is printed in the air over gaps: bridges hold best slow, with full fan and a little less plastic.",
                v.bridge
            ),
            vec![
                Change::new(Key::bridge_fan_speed, 100),
                Change::new(Key::bridge_speed, num(s.bridge_speed.min(25.0))),
                Change::new(Key::bridge_flow_ratio, num(s.bridge_flow_ratio.min(0.9))),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::ImportedObject;
    use crate::engine::model::shapes;

    fn scene(shape: &str) -> Scene {
        let mut sc = Scene::default();
        sc.add(vec![ImportedObject {
            name: shape.into(),
            mesh: shapes::shape(shape).unwrap(),
            instances: vec![glam::DAffine3::IDENTITY],
            ..Default::default()
        }]);
        sc.drop_to_bed();
        sc
    }

    fn rules_of(shape: &str, s: &Settings) -> Vec<String> {
        advise(&scene(shape), s)
            .into_iter()
            .map(|a| a.rule)
            .collect()
    }

    #[test]
    fn a_cube_needs_nothing_but_the_overhang_test_needs_support() {
        let s = Settings::default();
        assert_eq!(rules_of("cube", &s), Vec::<String>::new());
        let advice = advise(&scene("overhang-test"), &s);
        let supports = advice
            .iter()
            .find(|a| a.rule == "supports")
            .expect("supports");
        assert_eq!(supports.changes, [Change::new(Key::support_material, true)]);
        assert!(supports.reason.contains("45°"), "{}", supports.reason);
        // With supports on, the advice is gone.
        let mut on = s.clone();
        on.set("support_material", "true").unwrap();
        assert!(!rules_of("overhang-test", &on).contains(&"supports".to_string()));
        // Supports on a cube are useless.
        assert_eq!(rules_of("cube", &on), ["no-supports"]);
    }

    #[test]
    fn thin_walls_and_slender_parts() {
        let s = Settings::default();
        let thin = advise(&scene("thin-box"), &s);
        let r: Vec<&str> = thin.iter().map(|a| a.rule.as_str()).collect();
        assert!(r.contains(&"walls") || r.contains(&"thin-lines"), "{r:?}");
        let tower = advise(&scene("temp-tower"), &s);
        let brim = tower.iter().find(|a| a.rule == "brim");
        assert!(brim.is_some(), "{tower:?}");
        assert!(brim.unwrap().reason.contains("tall"), "{tower:?}");
        // A wide brim of no use (no brim type, or only in the holes) is no brim: the advice
        // turns the outer brim on; an outer one 5 mm wide needs no advice.
        let mut wide = Settings::default();
        wide.set("brim_width", "5").unwrap();
        assert!(!rules_of("temp-tower", &wide).contains(&"brim".to_string()));
        wide.set("brim_type", "inner_only").unwrap();
        let tower = advise(&scene("temp-tower"), &wide);
        let brim = tower.iter().find(|a| a.rule == "brim").expect("brim");
        assert!(
            brim.changes
                .contains(&Change::new(Key::brim_type, "outer_only")),
            "{brim:?}"
        );
    }

    #[test]
    fn small_layers_and_bridges() {
        let mut s = Settings::default();
        s.set("slowdown_below_layer_time", "3").unwrap();
        let r = advise(&scene("sphere"), &s);
        // The defaults (8 s, fan at full) already look after the sphere's top.
        assert!(!rules_of("sphere", &Settings::default()).contains(&"small-layers".to_string()));
        let small = r
            .iter()
            .find(|a| a.rule == "small-layers")
            .expect("small layers");
        assert!(
            small
                .changes
                .contains(&Change::new(Key::slowdown_below_layer_time, "8")),
            "{small:?}"
        );
        // Two pillars and a deck: a bridge, not an overhang needing support.
        let mut m = shapes::extrude(&shapes::rect(0.0, 0.0, 5.0, 10.0), 0.0, 10.0);
        m.append(&shapes::extrude(
            &shapes::rect(25.0, 0.0, 30.0, 10.0),
            0.0,
            10.0,
        ));
        m.append(&shapes::extrude(
            &shapes::rect(0.0, 0.0, 30.0, 10.0),
            10.0,
            12.0,
        ));
        crate::engine::mesh::repair(&mut m);
        let mut sc = Scene::default();
        sc.add(vec![ImportedObject {
            name: "bridge".into(),
            mesh: m,
            instances: vec![glam::DAffine3::IDENTITY],
            ..Default::default()
        }]);
        let b: Vec<String> = advise(&sc, &Settings::default())
            .into_iter()
            .map(|a| a.rule)
            .collect();
        assert!(b.contains(&"bridges".to_string()), "{b:?}");
        assert!(!b.contains(&"supports".to_string()), "{b:?}");
        // The overhanging T's arms are anchored on one side only: they need support.
        assert!(rules_of("overhang", &Settings::default()).contains(&"supports".to_string()));
    }
}
