//! Reading other slicers' files: PrusaSlicer's INI (configs, bundles, 3MF project configs),
//! OrcaSlicer's JSON, and whole preset files of any of them (Lamina's own `.toml` too).

use super::{Dialect, Mapped, map};
use crate::engine::settings::{Preset, PresetKind, Settings, find_def};

/// One section of an INI file: `[kind:name]` (or none at the top), and its pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct IniSection {
    pub header: Option<String>,
    pub pairs: Vec<(String, String)>,
}

/// Reads PrusaSlicer's INI: `key = value` lines, `[section]` headers, `#` comments. Project
/// configs inside 3MF files write every line as a comment (`; key = value`); `commented`
/// reads those.
pub fn parse_ini(text: &str, commented: bool) -> Vec<IniSection> {
    let mut sections = vec![IniSection {
        header: None,
        pairs: Vec::new(),
    }];
    for line in text.lines() {
        let mut line = line.trim();
        if commented {
            match line.strip_prefix(';') {
                Some(rest) => line = rest.trim(),
                None => continue,
            }
        } else if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push(IniSection {
                header: Some(h.trim().to_string()),
                pairs: Vec::new(),
            });
        } else if let Some((k, v)) = line.split_once('=') {
            let key = k.trim();
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                let value = v.trim();
                // Multi-line values are written with escaped newlines.
                let value = if value.contains("\\n") {
                    value.replace("\\n", "\n").replace("\\\"", "\"")
                } else {
                    value.to_string()
                };
                if let Some(last) = sections.last_mut() {
                    last.pairs.push((key.to_string(), value));
                }
            }
        }
    }
    sections.retain(|s| s.header.is_some() || !s.pairs.is_empty());
    sections
}

/// An OrcaSlicer-family JSON object flattened to text pairs: strings as they are, numbers
/// and booleans printed, arrays joined with commas (per-extruder lists, bed outlines).
pub fn json_pairs(value: &serde_json::Value) -> Result<Vec<(String, String)>, String> {
    let object = value
        .as_object()
        .ok_or("the JSON is not an object of settings")?;
    let text = |v: &serde_json::Value| -> Option<String> {
        match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
            _ => None,
        }
    };
    let mut pairs = Vec::new();
    for (k, v) in object {
        let value = match v {
            serde_json::Value::Array(items) => {
                let parts: Option<Vec<String>> = items.iter().map(text).collect();
                match parts {
                    Some(p) => p.join(","),
                    None => continue,
                }
            }
            other => match text(other) {
                Some(t) => t,
                None => continue,
            },
        };
        pairs.push((k.clone(), value));
    }
    Ok(pairs)
}

/// A preset read from a file, with what of it Lamina could not use.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPreset {
    pub preset: Preset,
    pub ignored: Vec<(String, String)>,
    /// Things the user should know (an unknown parent preset, values left at defaults).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetImportError {
    #[error("{file}: {message}")]
    Malformed { file: String, message: String },
    #[error("{file}: no settings Lamina can use")]
    Empty { file: String },
}

/// Reads presets from a file: a Lamina preset (`.toml`), a PrusaSlicer config or config
/// bundle (`.ini`), or an OrcaSlicer / Bambu Studio / Creality Print preset (`.json`). New
/// presets get ids from `new_id(kind, name)`.
pub fn import_presets(
    file: &str,
    bytes: &[u8],
    new_id: &mut dyn FnMut(PresetKind, &str) -> String,
) -> Result<Vec<ImportedPreset>, PresetImportError> {
    let malformed = |message: String| PresetImportError::Malformed {
        file: file.to_string(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("not a text file".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let lower = file.to_ascii_lowercase();
    let base = Settings::default();
    let mut out = Vec::new();
    let mut push = |kind: PresetKind, name: &str, mapped: Mapped, notes: Vec<String>| {
        let (mut values, mut ignored) = (Vec::new(), mapped.ignored);
        for (k, v) in mapped.values {
            match find_def(&k) {
                Some(d) if d.scope == kind.scope() => values.push((k, v)),
                Some(d) => ignored.push((k, format!("a {} setting", d.scope.name()))),
                None => {}
            }
        }
        if values.is_empty() {
            return;
        }
        out.push(ImportedPreset {
            preset: Preset {
                id: new_id(kind, name),
                name: name.to_string(),
                kind,
                inherits: None,
                values,
            },
            ignored,
            notes,
        });
    };
    if lower.ends_with(".json") || text.starts_with('{') {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| malformed(format!("bad JSON: {e}")))?;
        let pairs = json_pairs(&json).map_err(malformed)?;
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        let kind = match get("type").as_deref() {
            Some("process") => PresetKind::Process,
            Some("filament") => PresetKind::Filament,
            Some("machine") | Some("printer") => PresetKind::Printer,
            Some(other) => return Err(malformed(format!("unknown preset type '{other}'"))),
            None => {
                return Err(malformed(
                    "no \"type\" (process, filament or machine)".into(),
                ));
            }
        };
        let name = get("name").unwrap_or(stem);
        let mut notes = Vec::new();
        if let Some(parent) = get("inherits").filter(|p| !p.is_empty()) {
            notes.push(format!(
                "it is based on \"{parent}\", which Lamina does not have: settings it does not \
                 list keep Lamina's defaults"
            ));
        }
        let bookkeeping = [
            "type",
            "name",
            "inherits",
            "from",
            "setting_id",
            "instantiation",
            "version",
            "filament_id",
            "is_custom_defined",
            "compatible_printers",
            "compatible_printers_condition",
            "compatible_prints",
            "compatible_prints_condition",
        ];
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| !bookkeeping.contains(&k.as_str()))
            .collect();
        push(kind, &name, map(Dialect::Orca, &pairs, &base), notes);
    } else if lower.ends_with(".toml") || text.contains("[settings]") {
        let preset = Preset::parse_file(&new_id(PresetKind::Process, &stem), text)
            .map_err(|e| malformed(e.to_string()))?;
        let id = new_id(preset.kind, &preset.name);
        out.push(ImportedPreset {
            preset: Preset { id, ..preset },
            ignored: Vec::new(),
            notes: Vec::new(),
        });
    } else {
        let sections = parse_ini(text, false);
        let bundle = sections.iter().any(|s| s.header.is_some());
        if bundle {
            for s in &sections {
                let Some(header) = &s.header else { continue };
                let Some((kind, name)) = header.split_once(':') else {
                    continue; // [presets] and the like: which presets were selected
                };
                let kind = match kind.trim() {
                    "print" => PresetKind::Process,
                    "filament" => PresetKind::Filament,
                    "printer" => PresetKind::Printer,
                    _ => continue, // sla_print, sla_material, physical_printer
                };
                let mapped = map(Dialect::PrusaSlicer, &s.pairs, &base);
                let mut notes = Vec::new();
                if let Some((_, parent)) = s
                    .pairs
                    .iter()
                    .find(|(k, v)| k == "inherits" && !v.is_empty())
                {
                    notes.push(format!(
                        "it is based on \"{parent}\", which Lamina does not have: settings it \
                         does not list keep Lamina's defaults"
                    ));
                }
                push(kind, name.trim(), mapped, notes);
            }
        } else {
            // A single exported config holds printer, filament and print settings together.
            let pairs = sections
                .into_iter()
                .flat_map(|s| s.pairs)
                .collect::<Vec<_>>();
            let mapped = map(Dialect::PrusaSlicer, &pairs, &base);
            for kind in [
                PresetKind::Printer,
                PresetKind::Filament,
                PresetKind::Process,
            ] {
                let part = Mapped {
                    values: mapped
                        .values
                        .iter()
                        .filter(|(k, _)| find_def(k).is_some_and(|d| d.scope == kind.scope()))
                        .cloned()
                        .collect(),
                    ignored: Vec::new(),
                };
                push(kind, &stem, part, Vec::new());
            }
            if let Some(first) = out.first_mut() {
                first.ignored.extend(mapped.ignored);
            }
        }
    }
    if out.is_empty() {
        return Err(PresetImportError::Empty {
            file: file.to_string(),
        });
    }
    for p in &mut out {
        p.ignored.sort();
        p.ignored.dedup();
    }
    Ok(out)
}
