//! Projects as files: the scene with its chosen presets and the user's changes, saved as a
//! 3MF package that other slicers open for its geometry, with Lamina's settings in
//! `Metadata/lamina.toml`. Opening a 3MF reads those settings back, or maps PrusaSlicer's and
//! OrcaSlicer's project settings onto Lamina's.

use super::calibration::{self, Change, HeightChange, LayerGrid};
use super::{Object, Scene};
use crate::engine::mesh::paint::PaintKind;
use crate::engine::mesh::{self, FacetPaint, ImportError, ImportedObject, WriteObject};
use crate::engine::settings::foreign::{self, Dialect, Mapped};
use crate::engine::settings::{
    Choice, Preset, PresetKind, Scope, Selection, Settings, find_def, resolve_choice,
};
use glam::DAffine3;
use std::collections::BTreeMap;

/// Where Lamina keeps its settings inside a 3MF.
pub const SETTINGS_PATH: &str = "Metadata/lamina.toml";
const FORMAT: i64 = 1;

/// The settings half of a project: which presets, the user's changes on top, and the user's
/// own presets among them (so the file opens the same elsewhere).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectSettings {
    pub choice: Choice,
    pub overrides: BTreeMap<String, String>,
    pub presets: Vec<Preset>,
}

/// Settings found in a file that was opened.
#[derive(Debug, Clone, PartialEq)]
pub enum FileSettings {
    /// Written by Lamina; `ignored` lists entries this version could not use.
    Lamina {
        settings: ProjectSettings,
        ignored: Vec<String>,
    },
    /// Another slicer's project settings, mapped onto Lamina keys.
    Foreign { dialect: Dialect, mapped: Mapped },
}

impl FileSettings {
    /// Takes the file's settings into a selection, as opening it as a project does (the app
    /// and the CLI alike):
    /// - a Lamina project chooses its presets, except the kinds in `keep` (chosen by the
    ///   user), and brings its own presets along (into `extra`); if they do not resolve, the
    ///   current choice stays;
    /// - another slicer's project brings its print and filament values: its printer is not
    ///   one of Lamina's, so the bed and the G-code flavour stay the user's.
    ///
    /// The file's values go under the selection's own overrides. A value that does not hold
    /// on top of the chosen presets is left out and named; one equal to the presets' is
    /// dropped. Returns notes for the user.
    pub fn apply_to(self, sel: &mut Selection, keep: &[PresetKind]) -> Vec<String> {
        let mut notes = Vec::new();
        let values: Vec<(String, String)> = match self {
            FileSettings::Lamina { settings, ignored } => {
                notes.extend(ignored.into_iter().map(|i| format!("not used: {i}")));
                let before = sel.choice.clone();
                for kind in PresetKind::ALL {
                    if !keep.contains(&kind) {
                        sel.choice.set(kind, settings.choice.get(kind).to_string());
                    }
                }
                sel.extra.extend(settings.presets);
                if let Err(e) = resolve_choice(&sel.choice, &sel.extra, []) {
                    notes.push(format!(
                        "its presets could not be used ({e}); the current ones are kept"
                    ));
                    sel.choice = before;
                }
                settings.overrides.into_iter().collect()
            }
            FileSettings::Foreign { dialect, mapped } => {
                notes.push(format!(
                    "using its {} print and filament settings",
                    dialect.name()
                ));
                notes.extend(mapped.ignored_summary(12));
                mapped
                    .values
                    .into_iter()
                    .filter(|(k, _)| find_def(k).is_some_and(|d| d.scope != Scope::Printer))
                    .collect()
            }
        };
        let mut s = match resolve_choice(&sel.choice, &sel.extra, []) {
            Ok(s) => s,
            Err(e) => {
                notes.push(format!("its settings could not be used: {e}"));
                return notes;
            }
        };
        let mut kept = Vec::new();
        for (k, v) in values {
            let mut trial = s.clone();
            match trial.set(&k, &v).and_then(|_| trial.validate()) {
                Ok(()) => {
                    if let Some(new) = trial.get(&k).filter(|new| s.get(&k).as_ref() != Some(new)) {
                        kept.push((k, new));
                    }
                    s = trial;
                }
                Err(e) => notes.push(format!("not used: {e}")),
            }
        }
        let user = std::mem::take(&mut sel.overrides);
        sel.overrides = kept.into_iter().chain(user).collect();
        notes
    }
}

/// A model or project file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedFile {
    pub objects: Vec<ImportedObject>,
    pub settings: Option<FileSettings>,
    /// Values that change from a height up (a calibration's bands), lowest first.
    pub changes: Vec<HeightChange>,
    /// What the file held that was left out, for people.
    pub notes: Vec<String>,
}

/// Writes the scene and settings as a 3MF project (with a PNG thumbnail if given). The
/// scene's height changes go into Lamina's settings and, for other slicers, into
/// PrusaSlicer's per-height G-code, which names each by the top of its first layer (on
/// `layers`).
pub fn write_project(
    title: &str,
    scene: &Scene,
    settings: &ProjectSettings,
    layers: LayerGrid,
    thumbnail_png: Option<&[u8]>,
) -> Vec<u8> {
    let transforms: Vec<Vec<DAffine3>> = scene
        .objects
        .iter()
        .map(|o| o.instances.iter().map(|i| i.transform).collect())
        .collect();
    let paints: Vec<[(PaintKind, &FacetPaint); 2]> = scene
        .objects
        .iter()
        .map(|o| {
            [
                (PaintKind::Support, &*o.support_paint),
                (PaintKind::Seam, &*o.seam_paint),
            ]
        })
        .collect();
    let objects: Vec<WriteObject> = scene
        .objects
        .iter()
        .zip(&transforms)
        .zip(&paints)
        .map(|((o, t), p)| WriteObject {
            name: &o.name,
            mesh: &o.mesh,
            instances: t,
            paint: p,
            volumes: &o.volumes,
            settings: &o.settings,
        })
        .collect();
    let toml = settings_toml(settings, &scene.changes);
    let mut extra: Vec<(&str, &[u8])> = vec![(SETTINGS_PATH, toml.as_bytes())];
    let per_height = calibration::to_prusa_xml(&scene.changes, layers);
    if !scene.changes.is_empty() {
        extra.push((calibration::PRUSA_CHANGES_PATH, per_height.as_bytes()));
    }
    if let Some(png) = thumbnail_png {
        extra.push(("Metadata/thumbnail.png", png));
    }
    mesh::write_3mf(title, &objects, &extra)
}

fn settings_toml(s: &ProjectSettings, changes: &[HeightChange]) -> String {
    use toml::Value;
    let mut t = toml::Table::new();
    t.insert("format".into(), Value::Integer(FORMAT));
    for kind in PresetKind::ALL {
        t.insert(
            kind.name().into(),
            Value::String(s.choice.get(kind).to_string()),
        );
    }
    let overrides: toml::Table = s
        .overrides
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    t.insert("overrides".into(), Value::Table(overrides));
    let presets: Vec<Value> = s
        .presets
        .iter()
        .map(|p| {
            let mut e = toml::Table::new();
            e.insert("id".into(), Value::String(p.id.clone()));
            e.insert("text".into(), Value::String(p.to_file()));
            Value::Table(e)
        })
        .collect();
    t.insert("presets".into(), Value::Array(presets));
    if !changes.is_empty() {
        let changes: Vec<Value> = changes
            .iter()
            .map(|c| {
                let mut e = toml::Table::new();
                e.insert("z".into(), Value::Float(c.z));
                e.insert("key".into(), Value::String(c.change.key().into()));
                e.insert("value".into(), Value::Float(c.change.value()));
                e.insert("label".into(), Value::String(c.label.clone()));
                Value::Table(e)
            })
            .collect();
        t.insert("changes".into(), Value::Array(changes));
    }
    format!(
        "# Lamina project settings\n{}",
        toml::to_string(&t).unwrap_or_default()
    )
}

/// The settings, the height changes, and entries this version could not use.
type SettingsFile = (ProjectSettings, Vec<HeightChange>, Vec<String>);

fn read_settings_toml(text: &str) -> Result<SettingsFile, String> {
    let t: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let format = t.get("format").and_then(|v| v.as_integer()).unwrap_or(0);
    let mut ignored = Vec::new();
    if format > FORMAT {
        ignored.push(format!(
            "the file is from a newer Lamina (format {format}); some settings may be missing"
        ));
    }
    let text_of = |k: &str| -> Result<String, String> {
        t.get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("no {k} preset named"))
    };
    let mut s = ProjectSettings::default();
    for kind in PresetKind::ALL {
        s.choice.set(kind, text_of(kind.name())?);
    }
    let mut scratch = Settings::default();
    if let Some(o) = t.get("overrides").and_then(|v| v.as_table()) {
        for (k, v) in o {
            let value = match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match scratch.set(k, &value) {
                Ok(()) => {
                    s.overrides.insert(k.clone(), value);
                }
                Err(e) => ignored.push(e.to_string()),
            }
        }
    }
    if let Some(list) = t.get("presets").and_then(|v| v.as_array()) {
        for entry in list {
            let id = entry.get("id").and_then(|v| v.as_str());
            let text = entry.get("text").and_then(|v| v.as_str());
            let (Some(id), Some(text)) = (id, text) else {
                ignored.push("a preset entry without id or text".into());
                continue;
            };
            match Preset::parse_file(id, text) {
                Ok(p) => s.presets.push(p),
                Err(e) => ignored.push(e.to_string()),
            }
        }
    }
    let mut changes = Vec::new();
    for entry in t
        .get("changes")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let number = |k: &str| {
            entry
                .get(k)
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                .filter(|x| x.is_finite())
        };
        let key = entry.get("key").and_then(|v| v.as_str()).unwrap_or("");
        let change = number("value").and_then(|v| Change::of(key, v));
        match (number("z"), change) {
            (Some(z), Some(change)) if z >= 0.0 => changes.push(HeightChange {
                z,
                change,
                label: entry
                    .get("label")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string(),
            }),
            _ => ignored.push(format!(
                "a height change of '{key}' this version cannot make"
            )),
        }
    }
    changes.sort_by(|a, b| a.z.total_cmp(&b.z));
    Ok((s, changes, ignored))
}

/// Reads any model file; a 3MF's project settings come with it (Lamina's own, else
/// PrusaSlicer's or OrcaSlicer's mapped onto Lamina's keys).
pub fn open_file(name: &str, bytes: &[u8]) -> Result<OpenedFile, ImportError> {
    let is_3mf = name.to_ascii_lowercase().ends_with(".3mf") || bytes.starts_with(b"PK\x03\x04");
    if !is_3mf {
        return Ok(OpenedFile {
            objects: mesh::import(name, bytes)?,
            settings: None,
            changes: Vec::new(),
            notes: Vec::new(),
        });
    }
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name);
    let package = mesh::read_package(bytes, stem)?;
    let text = |path: &str| {
        package
            .metadata(path)
            .and_then(|b| std::str::from_utf8(b).ok())
    };
    let base = Settings::default();
    let mut notes = package.notes.clone();
    let mut changes = Vec::new();
    let settings = if let Some(t) = text(SETTINGS_PATH) {
        let (settings, own, ignored) = read_settings_toml(t)
            .map_err(|e| ImportError::Garbage(format!("{SETTINGS_PATH}: {e}")))?;
        changes = own;
        Some(FileSettings::Lamina { settings, ignored })
    } else if let Some(t) = text("Metadata/Slic3r_PE.config") {
        let pairs: Vec<(String, String)> = foreign::parse_ini(t, true)
            .into_iter()
            .flat_map(|s| s.pairs)
            .collect();
        Some(FileSettings::Foreign {
            dialect: Dialect::PrusaSlicer,
            mapped: foreign::map(Dialect::PrusaSlicer, &pairs, &base),
        })
    } else if let Some(t) = text("Metadata/project_settings.config") {
        let json: serde_json::Value = serde_json::from_str(t)
            .map_err(|e| ImportError::Garbage(format!("Metadata/project_settings.config: {e}")))?;
        let pairs = foreign::json_pairs(&json)
            .map_err(|e| ImportError::Garbage(format!("Metadata/project_settings.config: {e}")))?;
        Some(FileSettings::Foreign {
            dialect: Dialect::Orca,
            mapped: foreign::map(Dialect::Orca, &pairs, &base),
        })
    } else {
        None
    };
    // Another slicer's per-height G-code, unless Lamina's own changes came with the file.
    if !matches!(settings, Some(FileSettings::Lamina { .. })) {
        let xml =
            text(calibration::PRUSA_CHANGES_PATH).or_else(|| text(calibration::ORCA_CHANGES_PATH));
        if let Some(xml) = xml {
            let (found, left_out) = calibration::from_custom_gcode_xml(xml);
            changes = found;
            notes.extend(left_out);
        }
    }
    Ok(OpenedFile {
        objects: package.objects,
        settings,
        changes,
        notes,
    })
}

impl Scene {
    /// A scene of the file's objects as placed there.
    pub fn from_objects(objects: Vec<ImportedObject>) -> Scene {
        Scene {
            objects: objects.into_iter().map(Object::new).collect(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::{DMat3, DVec3};

    fn scene() -> Scene {
        let cube = crate::engine::mesh::tests::box_mesh([0.0, 0.0, 0.0], [10.0, 10.0, 10.0]);
        let slab = crate::engine::mesh::tests::box_mesh([-5.0, -5.0, 0.0], [5.0, 5.0, 2.5]);
        let turned = DAffine3 {
            matrix3: DMat3::from_rotation_z(0.7) * DMat3::from_diagonal(DVec3::new(1.5, 1.0, 2.0)),
            translation: DVec3::new(120.25, 80.5, 0.0),
        };
        Scene::from_objects(vec![
            ImportedObject {
                name: "Cube & \"friends\"".into(),
                mesh: cube,
                instances: vec![
                    DAffine3::from_translation(DVec3::new(50.0, 50.0, 0.0)),
                    DAffine3::from_translation(DVec3::new(70.0, 50.0, 0.0)),
                ],
                ..Default::default()
            },
            ImportedObject {
                name: "Slab".into(),
                mesh: slab,
                instances: vec![turned],
                ..Default::default()
            },
        ])
    }

    fn settings() -> ProjectSettings {
        ProjectSettings {
            choice: Choice {
                printer: "creality-k1".into(),
                filament: "user-3".into(),
                process: "0.16mm-optimal".into(),
            },
            overrides: [("fill_density".to_string(), "35".to_string())].into(),
            presets: vec![Preset {
                id: "user-3".into(),
                name: "My PETG".into(),
                kind: PresetKind::Filament,
                inherits: None,
                values: vec![("temperature".into(), "245".into())],
            }],
        }
    }

    #[test]
    fn a_project_round_trips() {
        let mut s = scene();
        // Support paint and a blocker volume on the cube.
        let cube = &mut s.objects[0];
        let mut paint = crate::engine::mesh::FacetPaint::default();
        paint.paint_sphere(&cube.mesh, DVec3::new(5.0, 5.0, 0.0), 3.0, 1);
        paint.fill([3], 2);
        cube.support_paint = std::sync::Arc::new(paint);
        cube.volumes.push(crate::engine::mesh::Volume {
            name: "Blocker & co".into(),
            kind: crate::engine::mesh::VolumeKind::SupportBlocker,
            mesh: std::sync::Arc::new(crate::engine::mesh::tests::box_mesh(
                [1.0, 1.0, -1.0],
                [4.0, 4.0, 2.0],
            )),
        });
        s.changes = crate::engine::model::calibration::temperature_tower(230.0, 220.0, 5.0)
            .unwrap()
            .changes;
        let png = b"\x89PNG\r\n\x1a\nnot really";
        let bytes = write_project(
            "My project",
            &s,
            &settings(),
            LayerGrid {
                first: 0.2,
                height: 0.2,
            },
            Some(png),
        );
        let opened = open_file("project.3mf", &bytes).unwrap();
        let back = Scene::from_objects(opened.objects);
        assert_eq!(back.objects.len(), 2);
        for (a, b) in s.objects.iter().zip(&back.objects) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.mesh, b.mesh);
            assert_eq!(a.instances, b.instances);
            assert_eq!(a.markup(), b.markup());
        }
        assert!(!back.objects[0].markup().is_empty());
        assert_eq!(opened.changes, s.changes);
        assert_eq!(
            opened.settings,
            Some(FileSettings::Lamina {
                settings: settings(),
                ignored: Vec::new()
            })
        );
        let package = mesh::read_package(&bytes, "x").unwrap();
        assert_eq!(package.metadata("Metadata/thumbnail.png"), None); // not a settings file
    }

    #[test]
    fn bad_entries_in_lamina_settings_are_listed() {
        let text = "format = 1\nprinter = \"a\"\nfilament = \"b\"\nprocess = \"c\"\n\
                    [overrides]\nperimeters = \"-3\"\nnot_a_key = \"1\"\nfill_density = \"40\"\n";
        let (s, _, ignored) = read_settings_toml(text).unwrap();
        assert_eq!(s.overrides.len(), 1);
        assert_eq!(ignored.len(), 2, "{ignored:?}");
        assert!(read_settings_toml("printer = 3").is_err());
    }

    #[test]
    fn prusa_and_orca_project_settings_are_mapped() {
        let cube = crate::engine::mesh::tests::box_mesh([0.0, 0.0, 0.0], [10.0, 10.0, 10.0]);
        let obj = WriteObject {
            name: "c",
            mesh: &cube,
            instances: &[DAffine3::IDENTITY],
            paint: &[],
            volumes: &[],
            settings: &Default::default(),
        };
        let prusa = "; generated by PrusaSlicer 2.5.0\n; fill_density = 42%\n; perimeters = 4\n; wipe_tower = 1\n";
        let bytes = mesh::write_3mf(
            "p",
            std::slice::from_ref(&obj),
            &[("Metadata/Slic3r_PE.config", prusa.as_bytes())],
        );
        let Some(FileSettings::Foreign { dialect, mapped }) =
            open_file("p.3mf", &bytes).unwrap().settings
        else {
            panic!("no settings")
        };
        assert_eq!(dialect, Dialect::PrusaSlicer);
        assert_eq!(mapped.get("fill_density"), Some("42"));
        assert_eq!(mapped.get("perimeters"), Some("4"));
        assert_eq!(mapped.ignored.len(), 1);

        let orca = r#"{"wall_loops": "3", "sparse_infill_density": "18%", "layer_height": "0.16"}"#;
        let bytes = mesh::write_3mf(
            "o",
            std::slice::from_ref(&obj),
            &[("Metadata/project_settings.config", orca.as_bytes())],
        );
        let Some(FileSettings::Foreign { dialect, mapped }) =
            open_file("o.3mf", &bytes).unwrap().settings
        else {
            panic!("no settings")
        };
        assert_eq!(dialect, Dialect::Orca);
        assert_eq!(mapped.get("perimeters"), Some("3"));
        assert_eq!(mapped.get("layer_height"), Some("0.16"));

        let bytes = mesh::write_3mf(
            "o",
            std::slice::from_ref(&obj),
            &[("Metadata/project_settings.config", b"{garbage")],
        );
        let e = open_file("o.3mf", &bytes).unwrap_err();
        assert!(e.to_string().contains("project_settings.config"), "{e}");
    }

    #[test]
    fn names_come_from_other_slicers_model_configs() {
        let cube = crate::engine::mesh::tests::box_mesh([0.0, 0.0, 0.0], [10.0, 10.0, 10.0]);
        let obj = WriteObject {
            name: "",
            mesh: &cube,
            instances: &[DAffine3::IDENTITY],
            paint: &[],
            volumes: &[],
            settings: &Default::default(),
        };
        let config = r#"<?xml version="1.0" encoding="UTF-8"?>
<config>
 <object id="1" instances_count="1">
  <metadata type="object" key="name" value="Gear &amp; shaft"/>
  <volume firstid="0" lastid="11">
   <metadata type="volume" key="name" value="part name"/>
  </volume>
 </object>
</config>"#;
        let bytes = mesh::write_3mf(
            "p",
            &[obj],
            &[("Metadata/Slic3r_PE_model.config", config.as_bytes())],
        );
        let opened = open_file("p.3mf", &bytes).unwrap();
        assert_eq!(opened.objects[0].name, "Gear & shaft");
        assert_eq!(opened.settings, None);
    }
}
