//! 3MF core specification: objects with meshes or components (also in other model parts, as
//! PrusaSlicer, OrcaSlicer and Bambu Studio write them), build items with transforms, and
//! units other than millimetres.

mod config;
mod write;

pub use write::{WriteObject, write_3mf};

/// An XML element's attribute by its local name, with entities and whitespace as XML reads
/// them.
pub fn xml_attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

use super::paint::PaintKind;
use super::zip;
use super::{ImportError, ImportedObject, MAX_TRIANGLES, Mesh};
use glam::{DAffine3, DMat3, DVec3};
use quick_xml::Reader;
use quick_xml::events::Event;
use rustc_hash::FxHashMap;

const MAX_COMPONENT_DEPTH: usize = 16;

#[derive(Default)]
struct ObjectDef {
    name: Option<String>,
    mesh: Option<Mesh>,
    /// (model part, object id, transform)
    components: Vec<(String, String, DAffine3)>,
    /// Support and seam paint: (triangle of `mesh`, which paint, PrusaSlicer's text form).
    paint: Vec<(u32, PaintKind, String)>,
}

/// An object with its components flattened into one mesh.
#[derive(Default)]
struct Flat {
    mesh: Mesh,
    /// (triangle, which paint, paint text, whether the triangle was turned round by a
    /// mirroring transform)
    paint: Vec<(u32, PaintKind, String, bool)>,
    /// For each triangle, the top-level component it came from (its object id), if any.
    component: Vec<Option<std::rc::Rc<str>>>,
}

/// Objects of one model part, keyed by id.
type Part = FxHashMap<String, ObjectDef>;

struct Package {
    files: FxHashMap<String, Vec<u8>>,
    parts: FxHashMap<String, Part>,
    /// Millimetres per model unit, per part.
    scale: FxHashMap<String, f64>,
}

fn xml_err(part: &str, msg: impl std::fmt::Display) -> ImportError {
    ImportError::Xml(format!("{part}: {msg}"))
}

fn normalise(path: &str) -> String {
    path.trim_start_matches('/').to_string()
}

/// A 3MF package: its objects, and the metadata files other slicers keep their settings and
/// object names in (`Metadata/*.config`, `.toml`, `.json`, `.xml`), by path.
#[derive(Debug, Clone, PartialEq)]
pub struct Package3mf {
    pub objects: Vec<ImportedObject>,
    pub metadata: Vec<(String, Vec<u8>)>,
    /// What was in the file but left out, for people.
    pub notes: Vec<String>,
}

impl Package3mf {
    pub fn metadata(&self, path: &str) -> Option<&[u8]> {
        self.metadata
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(path))
            .map(|(_, b)| b.as_slice())
    }
}

/// Metadata files larger than this are not read (settings are a few hundred kB at most).
const MAX_METADATA: usize = 32 << 20;

pub fn read_3mf(bytes: &[u8], fallback_name: &str) -> Result<Vec<ImportedObject>, ImportError> {
    Ok(read_package(bytes, fallback_name)?.objects)
}

pub fn read_package(bytes: &[u8], fallback_name: &str) -> Result<Package3mf, ImportError> {
    let mut files = FxHashMap::default();
    let mut metadata = Vec::new();
    for e in zip::entries(bytes)? {
        let lower = e.name.to_ascii_lowercase();
        if lower.ends_with(".model") || lower.ends_with(".rels") {
            files.insert(normalise(&e.name), e.read()?);
        } else if normalise(&lower).starts_with("metadata/")
            && [".config", ".toml", ".json", ".xml"]
                .iter()
                .any(|x| lower.ends_with(x))
            && e.size() <= MAX_METADATA
        {
            metadata.push((normalise(&e.name), e.read()?));
        }
    }
    metadata.sort();
    let configs = config::object_configs(&metadata);
    let root = root_model(&files)?;
    let mut pkg = Package {
        files,
        parts: FxHashMap::default(),
        scale: FxHashMap::default(),
    };
    let build = pkg.load_part(&root)?;
    let build = build.ok_or_else(|| xml_err(&root, "the root model has no <build>"))?;
    if build.is_empty() {
        return Err(ImportError::NoGeometry);
    }
    // Build items of the same object become copies of one object.
    let mut objects: Vec<ImportedObject> = Vec::new();
    let mut notes = Vec::new();
    let mut by_id: FxHashMap<String, usize> = FxHashMap::default();
    for (object_id, transform) in build {
        let scale = pkg.scale[&root];
        let to_mm = DAffine3::from_scale(DVec3::splat(scale));
        let instance = to_mm * transform * to_mm.inverse();
        if let Some(&i) = by_id.get(&object_id) {
            objects[i].instances.push(instance);
            continue;
        }
        let mut flat = Flat::default();
        pkg.flatten(&root, &object_id, DAffine3::IDENTITY, &mut flat, None, 0)?;
        flat.mesh.transform(&to_mm);
        let cfg = configs.get(&object_id);
        let name = cfg
            .and_then(|c| c.name.clone())
            .or_else(|| {
                pkg.parts[&root]
                    .get(&object_id)
                    .and_then(|o| o.name.clone())
            })
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("{fallback_name} #{}", objects.len() + 1));
        let split = config::split_volumes(flat, cfg);
        if split.unsupported > 0 {
            notes.push(format!(
                "{name}: {} modifier or negative volume(s) left out (Lamina does not apply them yet)",
                split.unsupported
            ));
        }
        if split.bad_paint > 0 {
            notes.push(format!(
                "{name}: paint on {} triangle(s) was unreadable and left out",
                split.bad_paint
            ));
        }
        if !split.settings_left_out.is_empty() {
            notes.push(format!(
                "{name}: its own settings not used: {}",
                split.settings_left_out.join("; ")
            ));
        }
        if split.mesh.triangles.is_empty() {
            continue;
        }
        by_id.insert(object_id, objects.len());
        objects.push(ImportedObject {
            name,
            mesh: split.mesh,
            instances: vec![instance],
            support_paint: split.paint,
            seam_paint: split.seam_paint,
            volumes: split.volumes,
            settings: split.settings,
        });
    }
    if objects.is_empty() {
        return Err(ImportError::NoGeometry);
    }
    Ok(Package3mf {
        objects,
        metadata,
        notes,
    })
}

/// The start part named by _rels/.rels, or the first .model file.
fn root_model(files: &FxHashMap<String, Vec<u8>>) -> Result<String, ImportError> {
    if let Some(rels) = files.get("_rels/.rels") {
        let text = std::str::from_utf8(rels).map_err(|_| xml_err("_rels/.rels", "not UTF-8"))?;
        let mut reader = Reader::from_str(text);
        loop {
            match reader.read_event().map_err(|e| xml_err("_rels/.rels", e))? {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                    let (mut kind, mut target) = (None, None);
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.local_name().as_ref() {
                            "Type" => kind = Some(a.value.to_string()),
                            "Target" => target = Some(normalise(&a.value)),
                            _ => {}
                        }
                    }
                    if let (Some(k), Some(t)) = (kind, target)
                        && k.ends_with("/3dmodel")
                        && files.contains_key(&t)
                    {
                        return Ok(t);
                    }
                }
                _ => {}
            }
        }
    }
    let mut models: Vec<&String> = files
        .keys()
        .filter(|k| k.to_ascii_lowercase().ends_with(".model"))
        .collect();
    models.sort();
    models
        .first()
        .map(|s| s.to_string())
        .ok_or_else(|| ImportError::Zip("no 3D model part in the package (not a 3MF?)".into()))
}

fn parse_transform(part: &str, text: &str) -> Result<DAffine3, ImportError> {
    let v: Vec<f64> = text
        .split_ascii_whitespace()
        .map(|t| t.parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| xml_err(part, format!("bad transform '{text}'")))?;
    if v.len() != 12 || v.iter().any(|x| !x.is_finite()) {
        return Err(xml_err(
            part,
            format!("a transform needs 12 numbers: '{text}'"),
        ));
    }
    // 3MF uses row vectors: p' = p · M, M's last row is the translation.
    Ok(DAffine3 {
        matrix3: DMat3::from_cols(
            DVec3::new(v[0], v[1], v[2]),
            DVec3::new(v[3], v[4], v[5]),
            DVec3::new(v[6], v[7], v[8]),
        ),
        translation: DVec3::new(v[9], v[10], v[11]),
    })
}

fn unit_scale(part: &str, unit: Option<&str>) -> Result<f64, ImportError> {
    Ok(match unit.unwrap_or("millimeter") {
        "micron" => 0.001,
        "millimeter" => 1.0,
        "centimeter" => 10.0,
        "inch" => 25.4,
        "foot" => 304.8,
        "meter" => 1000.0,
        other => return Err(xml_err(part, format!("unknown unit '{other}'"))),
    })
}

impl Package {
    /// Parses one model part (once, streaming) and returns its build items if it has a <build>.
    fn load_part(&mut self, part: &str) -> Result<Option<Vec<(String, DAffine3)>>, ImportError> {
        let data = self
            .files
            .get(part)
            .ok_or_else(|| xml_err(part, "the package has no such part"))?;
        let text = std::str::from_utf8(data).map_err(|_| xml_err(part, "not UTF-8"))?;
        let mut reader = Reader::from_str(text);
        let mut objects: Part = FxHashMap::default();
        let mut build: Option<Vec<(String, DAffine3)>> = None;
        let mut current: Option<(String, ObjectDef)> = None;
        let mut seen_model = false;
        let mut triangle_total = 0usize;
        loop {
            let event = reader.read_event().map_err(|e| xml_err(part, e))?;
            let (e, empty) = match event {
                Event::Eof => break,
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    if e.local_name().as_ref() == "object"
                        && let Some((id, def)) = current.take()
                    {
                        objects.insert(id, def);
                    }
                    continue;
                }
                _ => continue,
            };
            let name = e.local_name();
            let attr = |key: &str| -> Option<String> {
                e.attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == key)
                    .map(|a| a.value.to_string())
            };
            match name.as_ref() {
                "model" => {
                    seen_model = true;
                    self.scale
                        .insert(part.to_string(), unit_scale(part, attr("unit").as_deref())?);
                }
                "object" => {
                    let id = attr("id").ok_or_else(|| xml_err(part, "an <object> has no id"))?;
                    let name = xml_attr(&e, "name");
                    let def = ObjectDef {
                        name,
                        ..Default::default()
                    };
                    if empty {
                        objects.insert(id, def);
                    } else {
                        current = Some((id, def));
                    }
                }
                "vertex" => {
                    let (_, def) = current
                        .as_mut()
                        .ok_or_else(|| xml_err(part, "<vertex> outside an <object>"))?;
                    let mesh = def.mesh.get_or_insert_with(Mesh::default);
                    let mut v = [f32::NAN; 3];
                    for a in e.attributes().with_checks(false).flatten() {
                        let k = match a.key.local_name().as_ref() {
                            "x" => 0,
                            "y" => 1,
                            "z" => 2,
                            _ => continue,
                        };
                        v[k] = a.value.trim().parse::<f32>().unwrap_or(f32::NAN);
                    }
                    if v.iter().any(|c| !c.is_finite()) {
                        return Err(xml_err(part, "a <vertex> has a missing or bad coordinate"));
                    }
                    mesh.vertices.push(v);
                }
                "triangle" => {
                    let (_, def) = current
                        .as_mut()
                        .ok_or_else(|| xml_err(part, "<triangle> outside an <object>"))?;
                    let mesh = def.mesh.get_or_insert_with(Mesh::default);
                    let n = mesh.vertices.len() as u64;
                    let mut t = [u32::MAX; 3];
                    for a in e.attributes().with_checks(false).flatten() {
                        let k = match a.key.local_name().as_ref() {
                            "v1" => 0,
                            "v2" => 1,
                            "v3" => 2,
                            name => {
                                // Support and seam paint (PrusaSlicer's and OrcaSlicer's
                                // attributes).
                                if let Some(kind) = PaintKind::from_attribute(name)
                                    && !a.value.is_empty()
                                {
                                    let text = a.value.to_string();
                                    def.paint.push((mesh.triangles.len() as u32, kind, text));
                                }
                                continue;
                            }
                        };
                        t[k] = a
                            .value
                            .trim()
                            .parse::<u64>()
                            .ok()
                            .filter(|&i| i < n)
                            .map_or(u32::MAX, |i| i as u32);
                    }
                    if let Some(k) = t.iter().position(|&i| i == u32::MAX) {
                        return Err(xml_err(part, format!("a <triangle> has a bad v{}", k + 1)));
                    }
                    mesh.triangles.push(t);
                    triangle_total += 1;
                    if triangle_total > MAX_TRIANGLES {
                        return Err(ImportError::TooLarge {
                            count: triangle_total as u64,
                        });
                    }
                }
                "component" => {
                    let (_, def) = current
                        .as_mut()
                        .ok_or_else(|| xml_err(part, "<component> outside an <object>"))?;
                    let oid = attr("objectid")
                        .ok_or_else(|| xml_err(part, "a <component> has no objectid"))?;
                    let path = attr("path")
                        .map(|p| normalise(&p))
                        .unwrap_or_else(|| part.to_string());
                    let t = match attr("transform") {
                        Some(t) => parse_transform(part, &t)?,
                        None => DAffine3::IDENTITY,
                    };
                    def.components.push((path, oid, t));
                }
                "build" => {
                    build.get_or_insert_with(Vec::new);
                }
                "item" => {
                    let oid = attr("objectid")
                        .ok_or_else(|| xml_err(part, "a build <item> has no objectid"))?;
                    let t = match attr("transform") {
                        Some(t) => parse_transform(part, &t)?,
                        None => DAffine3::IDENTITY,
                    };
                    build.get_or_insert_with(Vec::new).push((oid, t));
                }
                _ => {}
            }
        }
        if !seen_model {
            return Err(xml_err(part, "no <model> element"));
        }
        if current.is_some() {
            return Err(xml_err(part, "the XML ends inside an <object>"));
        }
        self.parts.insert(part.to_string(), objects);
        Ok(build)
    }

    /// Appends object `id` of `part` (its mesh and all its components) to `out`, in the
    /// coordinates of the part, transformed by `t`. `top` is the top-level component being
    /// flattened (None for the object itself).
    fn flatten(
        &mut self,
        part: &str,
        id: &str,
        t: DAffine3,
        out: &mut Flat,
        top: Option<std::rc::Rc<str>>,
        depth: usize,
    ) -> Result<(), ImportError> {
        if depth > MAX_COMPONENT_DEPTH {
            return Err(xml_err(part, "components nest too deep (a cycle?)"));
        }
        if !self.parts.contains_key(part) {
            self.load_part(part)?;
        }
        let def = self.parts[part]
            .get(id)
            .ok_or_else(|| xml_err(part, format!("no object with id {id}")))?;
        if let Some(mesh) = &def.mesh {
            let scaled = mesh.transformed(&t);
            let base = out.mesh.triangles.len();
            if base + scaled.triangles.len() > MAX_TRIANGLES {
                return Err(ImportError::TooLarge {
                    count: (base + scaled.triangles.len()) as u64,
                });
            }
            out.mesh.append(&scaled);
            let turned = t.matrix3.determinant() < 0.0;
            out.paint.extend(
                def.paint
                    .iter()
                    .map(|(k, kind, text)| (base as u32 + k, *kind, text.clone(), turned)),
            );
            out.component.resize(out.mesh.triangles.len(), top.clone());
        }
        let components = def.components.clone();
        for (cpart, cid, ct) in components {
            if !self.parts.contains_key(&cpart) {
                self.load_part(&cpart)?;
            }
            // A component in another part may use other units.
            let rel = self.scale[&cpart] / self.scale[part];
            let unit = DAffine3::from_scale(DVec3::splat(rel));
            let top = top.clone().or_else(|| Some(cid.as_str().into()));
            self.flatten(&cpart, &cid, t * ct * unit, out, top, depth + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>
</Relationships>"#;

    fn tetra(id: u32) -> String {
        format!(
            r#"<object id="{id}" type="model" name="tet{id}"><mesh><vertices>
<vertex x="0" y="0" z="0"/><vertex x="10" y="0" z="0"/><vertex x="0" y="10" z="0"/><vertex x="0" y="0" z="10"/>
</vertices><triangles>
<triangle v1="0" v2="2" v3="1"/><triangle v1="0" v2="1" v3="3"/><triangle v1="1" v2="2" v3="3"/><triangle v1="0" v2="3" v3="2"/>
</triangles></mesh></object>"#
        )
    }

    fn package(model: &str, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut files: Vec<(&str, &[u8])> = vec![
            ("_rels/.rels", RELS.as_bytes()),
            ("3D/3dmodel.model", model.as_bytes()),
        ];
        for (n, t) in extra {
            files.push((n, t.as_bytes()));
        }
        zip::write(&files)
    }

    #[test]
    fn objects_items_units_and_components() {
        let model = format!(
            r#"<?xml version="1.0"?><model unit="centimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
<resources>{}<object id="2" name="pair"><components>
<component objectid="1"/><component objectid="1" transform="1 0 0 0 1 0 0 0 1 5 0 0"/>
</components></object></resources>
<build><item objectid="1" transform="1 0 0 0 1 0 0 0 1 1 2 3"/><item objectid="1"/><item objectid="2"/></build></model>"#,
            tetra(1)
        );
        let objs = read_3mf(&package(&model, &[]), "x").unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].name, "tet1");
        assert_eq!(objs[0].instances.len(), 2);
        // Centimetres: a 10 cm tetrahedron is 100 mm; translation (1,2,3) cm is (10,20,30) mm.
        let v = objs[0].mesh.volume();
        assert!((v - 1e6 / 6.0).abs() < 1.0, "volume {v}");
        assert_eq!(
            objs[0].instances[0].translation,
            DVec3::new(10.0, 20.0, 30.0)
        );
        assert_eq!(objs[1].mesh.triangles.len(), 8);
    }

    #[test]
    fn objects_own_settings_from_prusaslicer_and_orca() {
        let model = format!(
            r#"<?xml version="1.0"?><model unit="millimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
<resources>{}{}</resources><build><item objectid="1"/><item objectid="2"/></build></model>"#,
            tetra(1),
            tetra(2)
        );
        let prusa = r#"<config><object id="1"><metadata type="object" key="name" value="a"/>
<metadata type="object" key="fill_density" value="40%"/><metadata type="object" key="layer_height" value="0.1"/>
<metadata type="object" key="perimeters" value="4"/></object></config>"#;
        let orca = r#"<config><object id="2"><metadata key="name" value="b"/>
<metadata key="extruder" value="1"/><metadata key="sparse_infill_density" value="15%"/>
<metadata key="wall_loops" value="3"/><metadata key="no_such_thing" value="1"/></object></config>"#;
        let pkg = read_package(
            &package(
                &model,
                &[
                    ("Metadata/Slic3r_PE_model.config", prusa),
                    ("Metadata/model_settings.config", orca),
                ],
            ),
            "x",
        )
        .unwrap();
        let own = |i: usize| pkg.objects[i].settings.iter().collect::<Vec<_>>();
        assert_eq!(own(0), vec![("perimeters", "4"), ("fill_density", "40")]);
        assert_eq!(own(1), vec![("perimeters", "3"), ("fill_density", "15")]);
        // The plate's layer height and an unknown key are named, the extruder is not.
        assert_eq!(pkg.notes.len(), 2, "{:?}", pkg.notes);
        assert!(pkg.notes[0].starts_with("a: ") && pkg.notes[0].contains("layer_height"));
        assert!(pkg.notes[1].starts_with("b: ") && pkg.notes[1].contains("no_such_thing"));
        assert!(pkg.notes.iter().all(|n| !n.contains("extruder")));
    }

    #[test]
    fn seam_and_support_paint_in_prusaslicer_and_orca_attributes() {
        // "4" is a leaf painted as an enforcer, "8" as a blocker (PrusaSlicer's text form).
        for (support, seam) in [
            ("custom_supports", "custom_seam"),
            ("paint_supports", "paint_seam"),
        ] {
            let model = tetra(1)
                .replace(r#"v3="1"/>"#, &format!(r#"v3="1" {seam}="4"/>"#))
                .replace(r#"v3="3"/>"#, &format!(r#"v3="3" {support}="8"/>"#));
            let xml = format!(
                r#"<model unit="millimeter"><resources>{model}</resources><build><item objectid="1"/></build></model>"#
            );
            let o = &read_3mf(&package(&xml, &[]), "x").unwrap()[0];
            assert!(
                o.seam_paint.has(crate::engine::mesh::paint::ENFORCER),
                "{seam}"
            );
            assert!(
                !o.seam_paint.has(crate::engine::mesh::paint::BLOCKER),
                "{seam}"
            );
            assert!(
                o.support_paint.has(crate::engine::mesh::paint::BLOCKER),
                "{support}"
            );
        }
    }

    #[test]
    fn components_in_other_parts() {
        let main = r#"<model unit="millimeter"><resources><object id="5"><components>
<component p:path="/3D/Objects/o.model" objectid="1" xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06"/>
</components></object></resources><build><item objectid="5"/></build></model>"#;
        let other = format!(
            r#"<model unit="millimeter"><resources>{}</resources></model>"#,
            tetra(1)
        );
        let objs = read_3mf(&package(main, &[("3D/Objects/o.model", &other)]), "x").unwrap();
        assert_eq!(objs.len(), 1);
        assert!((objs[0].mesh.volume() - 1000.0 / 6.0).abs() < 1e-3);
    }

    #[test]
    fn garbage_xml_and_bad_indices() {
        let e = read_3mf(&package("<model><resources><object", &[]), "x").unwrap_err();
        assert!(matches!(e, ImportError::Xml(_)), "{e}");
        let bad = r#"<model><resources><object id="1"><mesh><vertices><vertex x="0" y="0" z="0"/></vertices>
<triangles><triangle v1="0" v2="1" v3="7"/></triangles></mesh></object></resources><build><item objectid="1"/></build></model>"#;
        let e = read_3mf(&package(bad, &[]), "x").unwrap_err();
        assert!(e.to_string().contains("bad v2"), "{e}");
        let cyc = r#"<model><resources><object id="1"><components><component objectid="1"/></components></object></resources><build><item objectid="1"/></build></model>"#;
        assert!(read_3mf(&package(cyc, &[]), "x").is_err());
    }
}
