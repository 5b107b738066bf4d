//! What other slicers keep beside a 3MF's model: each object's name and its volumes.
//! PrusaSlicer (`Metadata/Slic3r_PE_model.config`) stores an object's volumes as ranges of
//! the object's triangles (`<volume firstid lastid>` with a `volume_type`); OrcaSlicer, Bambu
//! Studio and Creality Print (`Metadata/model_settings.config`) as the object's components
//! (`<part id subtype>`, the id being the component's object). Both keep the object's own
//! settings as its `<metadata key value>`, each in its slicer's keys.

use super::Flat;
use crate::engine::mesh::paint::PaintKind;
use crate::engine::mesh::{FacetPaint, Mesh, Volume, VolumeKind};
use crate::engine::settings::foreign::{self, Dialect};
use crate::engine::settings::{Overrides, Settings};
use glam::DVec3;
use quick_xml::Reader;
use quick_xml::events::Event;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Which of an object's triangles a volume holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// PrusaSlicer: triangles `first..=last` of the object's mesh.
    Triangles(u32, u32),
    /// OrcaSlicer: the component with this object id.
    Component(String),
}

/// A volume as the file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeDef {
    pub span: Span,
    /// The type as written: PrusaSlicer's `ModelPart`, `SupportBlocker`…, OrcaSlicer's
    /// `normal_part`, `support_blocker`…
    pub kind: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectConfig {
    pub name: Option<String>,
    pub volumes: Vec<VolumeDef>,
    /// The object's own settings as the file wrote them (key, value).
    pub settings: Vec<(String, String)>,
    /// Written by OrcaSlicer (or Bambu Studio, Creality Print): its keys, not PrusaSlicer's.
    pub orca: bool,
}

/// What a volume type means to Lamina.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Part,
    Enforcer,
    Blocker,
    /// Modifiers and negative volumes: not read yet.
    Unsupported,
}

pub fn role(kind: &str) -> Role {
    match kind {
        "ModelPart" | "normal_part" | "" => Role::Part,
        "SupportEnforcer" | "support_enforcer" => Role::Enforcer,
        "SupportBlocker" | "support_blocker" => Role::Blocker,
        _ => Role::Unsupported,
    }
}

/// Object configs by object id, from PrusaSlicer's and OrcaSlicer's files.
pub fn object_configs(metadata: &[(String, Vec<u8>)]) -> FxHashMap<String, ObjectConfig> {
    let mut out: FxHashMap<String, ObjectConfig> = FxHashMap::default();
    for (path, data) in metadata {
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with("slic3r_pe_model.config") || lower.ends_with("model_settings.config"))
        {
            continue;
        }
        let Ok(text) = std::str::from_utf8(data) else {
            continue;
        };
        read_one(text, lower.ends_with("model_settings.config"), &mut out);
    }
    out
}

fn read_one(text: &str, orca: bool, out: &mut FxHashMap<String, ObjectConfig>) {
    let mut reader = Reader::from_str(text);
    let mut object: Option<String> = None;
    // The volume being read, and elements open inside the object that are not volumes.
    let mut volume: Option<VolumeDef> = None;
    let mut other_depth = 0usize;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        let (e, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "object" => object = None,
                    "volume" | "part" if other_depth == 0 => {
                        if let (Some(id), Some(v)) = (&object, volume.take()) {
                            out.entry(id.clone()).or_default().volumes.push(v);
                        }
                    }
                    _ if object.is_some() => other_depth = other_depth.saturating_sub(1),
                    _ => {}
                }
                continue;
            }
            _ => continue,
        };
        let attr = |key: &str| super::xml_attr(&e, key);
        match e.local_name().as_ref() {
            "object" if !empty => {
                object = attr("id");
                volume = None;
                other_depth = 0;
            }
            "volume" | "part" if object.is_some() && other_depth == 0 => {
                let span = match (attr("firstid"), attr("lastid"), attr("id")) {
                    (Some(f), Some(l), _) => match (f.trim().parse(), l.trim().parse()) {
                        (Ok(f), Ok(l)) => Span::Triangles(f, l),
                        _ => continue,
                    },
                    (_, _, Some(id)) => Span::Component(id),
                    _ => continue,
                };
                let v = VolumeDef {
                    span,
                    kind: attr("subtype").unwrap_or_default(),
                    name: None,
                };
                if empty {
                    if let Some(id) = &object {
                        out.entry(id.clone()).or_default().volumes.push(v);
                    }
                } else {
                    volume = Some(v);
                }
            }
            "metadata" if other_depth == 0 => {
                let (Some(id), Some(key), Some(value)) = (&object, attr("key"), attr("value"))
                else {
                    continue;
                };
                match (&mut volume, key.as_str()) {
                    (Some(v), "name") => v.name = Some(value),
                    (Some(v), "volume_type") => v.kind = value,
                    // PrusaSlicer before 2.2 marked modifiers only.
                    (Some(v), "modifier") if value == "1" && v.kind.is_empty() => {
                        v.kind = "ParameterModifier".into()
                    }
                    (None, "name") => {
                        out.entry(id.clone()).or_default().name.get_or_insert(value);
                    }
                    (None, _) => {
                        let c = out.entry(id.clone()).or_default();
                        c.orca = orca;
                        c.settings.push((key, value));
                    }
                    _ => {}
                }
            }
            _ if object.is_some() && !empty => other_depth += 1,
            _ => {}
        }
    }
}

/// An object read from a 3MF, its volumes taken apart.
pub struct Split {
    /// The model parts.
    pub mesh: Mesh,
    pub paint: FacetPaint,
    pub seam_paint: FacetPaint,
    /// Support enforcers and blockers.
    pub volumes: Vec<Volume>,
    /// Volumes of kinds Lamina does not apply (modifiers, negative volumes).
    pub unsupported: usize,
    /// Painted triangles whose paint could not be read.
    pub bad_paint: usize,
    /// The object's own settings, in Lamina's keys.
    pub settings: Overrides,
    /// Its settings that were left out, each with the reason.
    pub settings_left_out: Vec<String>,
}

/// The triangles `keep` picks, with only the vertices they use (in their order), and each
/// old triangle's new index.
fn sub_mesh(mesh: &Mesh, keep: impl Fn(usize) -> bool) -> (Mesh, Vec<Option<u32>>) {
    let mut used = vec![false; mesh.vertices.len()];
    for (t, tri) in mesh.triangles.iter().enumerate() {
        if keep(t) {
            for &v in tri {
                used[v as usize] = true;
            }
        }
    }
    let mut out = Mesh::default();
    let mut vertex = vec![u32::MAX; mesh.vertices.len()];
    for (v, p) in mesh.vertices.iter().enumerate() {
        if used[v] {
            vertex[v] = out.vertices.len() as u32;
            out.vertices.push(*p);
        }
    }
    let mut index = vec![None; mesh.triangles.len()];
    for (t, tri) in mesh.triangles.iter().enumerate() {
        if keep(t) {
            index[t] = Some(out.triangles.len() as u32);
            out.triangles.push(tri.map(|v| vertex[v as usize]));
        }
    }
    (out, index)
}

/// Takes a flattened object apart into its model parts (with their paint) and its volumes.
pub(super) fn split_volumes(flat: Flat, cfg: Option<&ObjectConfig>) -> Split {
    let n = flat.mesh.triangles.len();
    let defs: &[VolumeDef] = cfg.map_or(&[], |c| &c.volumes);
    // The volume each triangle belongs to (None: a model part).
    let mut owner: Vec<Option<usize>> = vec![None; n];
    for (vi, v) in defs.iter().enumerate() {
        match &v.span {
            Span::Triangles(first, last) => {
                let range = (*first as usize)..(*last as usize + 1).min(n);
                for o in owner.get_mut(range).into_iter().flatten() {
                    *o = Some(vi);
                }
            }
            Span::Component(id) => {
                for (o, c) in owner.iter_mut().zip(&flat.component) {
                    if c.as_deref() == Some(id.as_str()) {
                        *o = Some(vi);
                    }
                }
            }
        }
    }
    let role_of = |t: usize| owner[t].map_or(Role::Part, |vi| role(&defs[vi].kind));
    let (mesh, index) = sub_mesh(&flat.mesh, |t| role_of(t) == Role::Part);
    let mut bad_paint = 0;
    let mut paint_of = |kind: PaintKind| -> FacetPaint {
        let entries: Vec<(u32, &str, bool)> = flat
            .paint
            .iter()
            .filter(|e| e.1 == kind)
            .filter_map(|(t, _, text, turned)| {
                Some((index.get(*t as usize).copied()??, text.as_str(), *turned))
            })
            .collect();
        let (paint, bad) = FacetPaint::from_encoded(
            entries.iter().map(|(t, text, _)| (*t, *text)),
            mesh.triangles.len(),
        );
        bad_paint += bad;
        if !entries.iter().any(|e| e.2) {
            return paint;
        }
        // A mirroring transform turned these triangles round after their paint was written
        // (corners a, c, b of what is now a, b, c): turn the paint with them.
        let mut origin: Vec<(u32, bool)> = (0..mesh.triangles.len() as u32)
            .map(|t| (t, false))
            .collect();
        for (t, _, turned) in &entries {
            origin[*t as usize].1 = *turned;
        }
        let before: Vec<[DVec3; 3]> = mesh
            .triangles
            .iter()
            .map(|t| [mesh.vertex(t[0]), mesh.vertex(t[2]), mesh.vertex(t[1])])
            .collect();
        paint.remap(&origin, &before)
    };
    let (paint, seam_paint) = (paint_of(PaintKind::Support), paint_of(PaintKind::Seam));
    let mut volumes = Vec::new();
    let mut unsupported = 0;
    for (vi, v) in defs.iter().enumerate() {
        let kind = match role(&v.kind) {
            Role::Part => continue,
            Role::Enforcer => VolumeKind::SupportEnforcer,
            Role::Blocker => VolumeKind::SupportBlocker,
            Role::Unsupported => {
                unsupported += usize::from(owner.contains(&Some(vi)));
                continue;
            }
        };
        let (m, _) = sub_mesh(&flat.mesh, |t| owner[t] == Some(vi));
        if m.triangles.is_empty() {
            continue;
        }
        volumes.push(Volume {
            name: v.name.clone().unwrap_or_else(|| kind.label().to_string()),
            kind,
            mesh: Arc::new(m),
        });
    }
    let (settings, settings_left_out) = object_settings(cfg);
    Split {
        mesh,
        paint,
        seam_paint,
        volumes,
        unsupported,
        bad_paint,
        settings,
        settings_left_out,
    }
}

/// An object's own settings, mapped onto Lamina's keys from the slicer's that wrote them.
/// Percentages of other settings resolve against Lamina's defaults. The extruder an object
/// prints with is not a setting on a one-extruder printer, and goes unmentioned.
fn object_settings(cfg: Option<&ObjectConfig>) -> (Overrides, Vec<String>) {
    let Some(cfg) = cfg else {
        return Default::default();
    };
    let pairs: Vec<(String, String)> = cfg
        .settings
        .iter()
        .filter(|(k, _)| k != "extruder")
        .cloned()
        .collect();
    if pairs.is_empty() {
        return Default::default();
    }
    let dialect = if cfg.orca {
        Dialect::Orca
    } else {
        Dialect::PrusaSlicer
    };
    let mapped = foreign::map(dialect, &pairs, &Settings::default());
    let (settings, mut left_out) =
        Overrides::from_pairs(mapped.values.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    left_out.extend(mapped.ignored.iter().map(|(k, why)| format!("{k}: {why}")));
    (settings, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prusaslicer_and_orca_volumes() {
        let prusa = r#"<?xml version="1.0" encoding="UTF-8"?>
<config>
 <object id="1" instances_count="1">
  <metadata type="object" key="name" value="Cube"/>
  <volume firstid="0" lastid="11">
   <metadata type="volume" key="name" value="Cube"/>
   <metadata type="volume" key="volume_type" value="ModelPart"/>
   <mesh edges_fixed="0" degenerate_facets="0"/>
  </volume>
  <volume firstid="12" lastid="23">
   <metadata type="volume" key="name" value="Support blocker"/>
   <metadata type="volume" key="volume_type" value="SupportBlocker"/>
  </volume>
 </object>
</config>"#;
        let orca = r#"<config><object id="7"><metadata key="name" value="Arm"/>
<part id="1" subtype="normal_part"><metadata key="name" value="Arm"/></part>
<part id="2" subtype="support_enforcer"><metadata key="name" value="Enforcer"/></part>
</object><plate><metadata key="plater_id" value="1"/></plate></config>"#;
        let c = object_configs(&[
            ("Metadata/Slic3r_PE_model.config".into(), prusa.into()),
            ("Metadata/model_settings.config".into(), orca.into()),
        ]);
        let cube = &c["1"];
        assert_eq!(cube.name.as_deref(), Some("Cube"));
        assert_eq!(cube.volumes.len(), 2);
        assert_eq!(cube.volumes[1].span, Span::Triangles(12, 23));
        assert_eq!(role(&cube.volumes[1].kind), Role::Blocker);
        assert_eq!(cube.volumes[1].name.as_deref(), Some("Support blocker"));
        let arm = &c["7"];
        assert_eq!(arm.name.as_deref(), Some("Arm"));
        assert_eq!(arm.volumes[1].span, Span::Component("2".into()));
        assert_eq!(role(&arm.volumes[1].kind), Role::Enforcer);
    }
}
