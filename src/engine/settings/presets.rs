//! Presets: printers, filaments and processes as TOML files under presets/, embedded in the
//! binary at compile time (the web app needs no fetch for them).
//!
//! A preset file:
//! ```toml
//! name = "Creality Ender-3 V2"
//! inherits = "generic-marlin-220"   # optional: another preset of the same kind
//! [settings]
//! bed_size_x = 220
//! ```
//! A preset may only set keys of its own scope (a filament preset cannot change the bed size).

use super::{Scope, SettingError, Settings, find_def, unknown_key};

include!(concat!(env!("OUT_DIR"), "/embedded_presets.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PresetKind {
    Printer,
    Filament,
    Process,
}

impl PresetKind {
    pub const ALL: [PresetKind; 3] = [
        PresetKind::Printer,
        PresetKind::Filament,
        PresetKind::Process,
    ];

    pub fn scope(self) -> Scope {
        match self {
            PresetKind::Printer => Scope::Printer,
            PresetKind::Filament => Scope::Filament,
            PresetKind::Process => Scope::Process,
        }
    }

    pub fn name(self) -> &'static str {
        self.scope().name()
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "printer" => Some(PresetKind::Printer),
            "filament" => Some(PresetKind::Filament),
            "process" => Some(PresetKind::Process),
            _ => None,
        }
    }

    fn from_dir(dir: &str) -> Option<Self> {
        match dir {
            "printers" => Some(PresetKind::Printer),
            "filaments" => Some(PresetKind::Filament),
            "processes" => Some(PresetKind::Process),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Preset {
    pub id: String,
    pub name: String,
    pub kind: PresetKind,
    pub inherits: Option<String>,
    /// `key = value` in file order, values in their text form.
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetError {
    #[error("preset {id}: {message}")]
    Malformed { id: String, message: String },
    #[error("preset {id}: {source}")]
    Setting { id: String, source: SettingError },
    #[error("preset {id}: '{key}' is a {scope} setting and cannot be set by a {kind} preset")]
    WrongScope {
        id: String,
        key: String,
        scope: &'static str,
        kind: &'static str,
    },
    #[error("no {kind} preset '{id}' (known: {known})")]
    Unknown {
        kind: &'static str,
        id: String,
        known: String,
    },
    #[error("preset {0}: inherits in a cycle")]
    Cycle(String),
}

impl Preset {
    /// Parses a preset file's text.
    pub fn parse(id: &str, kind: PresetKind, text: &str) -> Result<Preset, PresetError> {
        Self::parse_as(id, Some(kind), text)
    }

    /// Parses a preset file that names its own kind (`kind = "process"`), as `to_file` writes.
    pub fn parse_file(id: &str, text: &str) -> Result<Preset, PresetError> {
        Self::parse_as(id, None, text)
    }

    /// The preset as a file that `parse_file` reads back.
    pub fn to_file(&self) -> String {
        let mut table = toml::Table::new();
        table.insert("kind".into(), toml::Value::String(self.kind.name().into()));
        table.insert("name".into(), toml::Value::String(self.name.clone()));
        if let Some(parent) = &self.inherits {
            table.insert("inherits".into(), toml::Value::String(parent.clone()));
        }
        let mut settings = toml::Table::new();
        for (k, v) in &self.values {
            settings.insert(k.clone(), toml::Value::String(v.clone()));
        }
        table.insert("settings".into(), toml::Value::Table(settings));
        format!(
            "# A Lamina {} preset\n{}",
            self.kind.name(),
            toml::to_string(&table).unwrap_or_default()
        )
    }

    fn parse_as(id: &str, kind: Option<PresetKind>, text: &str) -> Result<Preset, PresetError> {
        let malformed = |message: String| PresetError::Malformed {
            id: id.to_string(),
            message,
        };
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| malformed(e.message().to_string()))?;
        let name = match table.get("name") {
            Some(toml::Value::String(s)) => s.clone(),
            _ => return Err(malformed("needs a name = \"...\" line".into())),
        };
        let inherits = match table.get("inherits") {
            Some(toml::Value::String(s)) => Some(s.clone()),
            None => None,
            Some(_) => return Err(malformed("inherits must be a preset id in quotes".into())),
        };
        let named = match table.get("kind") {
            Some(toml::Value::String(s)) => Some(
                PresetKind::from_name(s).ok_or_else(|| malformed(format!("unknown kind '{s}'")))?,
            ),
            None => None,
            Some(_) => {
                return Err(malformed(
                    "kind must be printer, filament or process".into(),
                ));
            }
        };
        let kind = match (kind, named) {
            (Some(k), Some(n)) if k != n => {
                return Err(malformed(format!(
                    "a {} preset where a {} preset belongs",
                    n.name(),
                    k.name()
                )));
            }
            (Some(k), _) | (None, Some(k)) => k,
            (None, None) => {
                return Err(malformed(
                    "needs a kind = \"printer\", \"filament\" or \"process\" line".into(),
                ));
            }
        };
        for key in table.keys() {
            if !matches!(key.as_str(), "kind" | "name" | "inherits" | "settings") {
                return Err(malformed(format!("unexpected top-level key '{key}'")));
            }
        }
        let mut values = Vec::new();
        if let Some(settings) = table.get("settings") {
            let settings = settings
                .as_table()
                .ok_or_else(|| malformed("[settings] must be a table".into()))?;
            for (key, value) in settings {
                let text = match value {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => return Err(malformed(format!("{key}: unsupported value type"))),
                };
                values.push((key.clone(), text));
            }
        }
        let preset = Preset {
            id: id.to_string(),
            name,
            kind,
            inherits,
            values,
        };
        preset.check()?;
        Ok(preset)
    }

    /// Every key is known, of this preset's scope, and its value valid.
    fn check(&self) -> Result<(), PresetError> {
        let mut scratch = Settings::default();
        for (key, value) in &self.values {
            let def = find_def(key).ok_or_else(|| PresetError::Setting {
                id: self.id.clone(),
                source: unknown_key(key),
            })?;
            if def.scope != self.kind.scope() {
                return Err(PresetError::WrongScope {
                    id: self.id.clone(),
                    key: key.clone(),
                    scope: def.scope.name(),
                    kind: self.kind.name(),
                });
            }
            scratch
                .set(key, value)
                .map_err(|source| PresetError::Setting {
                    id: self.id.clone(),
                    source,
                })?;
        }
        Ok(())
    }
}

/// All embedded presets, sorted by kind then id.
pub fn all_presets() -> Result<Vec<Preset>, PresetError> {
    let mut out = Vec::with_capacity(EMBEDDED_PRESETS.len());
    for (dir, id, text) in EMBEDDED_PRESETS {
        let kind = PresetKind::from_dir(dir).ok_or_else(|| PresetError::Malformed {
            id: id.to_string(),
            message: format!("unknown preset folder {dir}"),
        })?;
        out.push(Preset::parse(id, kind, text)?);
    }
    out.sort_by(|a, b| (a.kind as u8, &a.id).cmp(&(b.kind as u8, &b.id)));
    Ok(out)
}

pub fn find_preset(kind: PresetKind, id: &str) -> Result<Preset, PresetError> {
    let all = all_presets()?;
    let known: Vec<&str> = all
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.id.as_str())
        .collect();
    all.iter()
        .find(|p| p.kind == kind && p.id == id)
        .cloned()
        .ok_or_else(|| PresetError::Unknown {
            kind: kind.name(),
            id: id.to_string(),
            known: known.join(", "),
        })
}

/// Which presets are chosen: ids of embedded presets or of the user's own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    pub printer: String,
    pub filament: String,
    pub process: String,
}

impl Default for Choice {
    fn default() -> Self {
        Self {
            printer: "creality-ender3-v3-se".into(),
            filament: "generic-pla".into(),
            process: "0.20mm-standard".into(),
        }
    }
}

impl Choice {
    pub fn get(&self, kind: PresetKind) -> &str {
        match kind {
            PresetKind::Printer => &self.printer,
            PresetKind::Filament => &self.filament,
            PresetKind::Process => &self.process,
        }
    }

    pub fn set(&mut self, kind: PresetKind, id: String) {
        match kind {
            PresetKind::Printer => self.printer = id,
            PresetKind::Filament => self.filament = id,
            PresetKind::Process => self.process = id,
        }
    }
}

/// Which presets to combine, plus the user's own values on top.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub choice: Choice,
    pub overrides: Vec<(String, String)>,
    /// Presets that are not embedded (the user's own), looked up before the embedded ones.
    pub extra: Vec<Preset>,
}

/// Sets a preset's values on `settings`, after those of the embedded presets it inherits.
pub fn apply(settings: &mut Settings, preset: &Preset) -> Result<(), PresetError> {
    apply_depth(settings, preset, 0)
}

fn apply_depth(settings: &mut Settings, preset: &Preset, depth: usize) -> Result<(), PresetError> {
    if depth > 8 {
        return Err(PresetError::Cycle(preset.id.clone()));
    }
    if let Some(parent) = &preset.inherits {
        apply_depth(settings, &find_preset(preset.kind, parent)?, depth + 1)?;
    }
    for (k, v) in &preset.values {
        settings.set(k, v).map_err(|source| PresetError::Setting {
            id: preset.id.clone(),
            source,
        })?;
    }
    Ok(())
}

/// Defaults < printer < filament < process < overrides, validated as a whole.
pub fn resolve(selection: &Selection) -> Result<Settings, ResolveError> {
    resolve_choice(
        &selection.choice,
        &selection.extra,
        selection
            .overrides
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// Resolves a choice of presets: each is looked up in `presets` (the user's own, or all the
/// app knows) first, then among the embedded ones; `overrides` go on top.
pub fn resolve_choice<'a>(
    choice: &Choice,
    presets: &[Preset],
    overrides: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Settings, ResolveError> {
    let mut s = Settings::default();
    for kind in PresetKind::ALL {
        let id = choice.get(kind);
        match presets.iter().find(|p| p.kind == kind && p.id == id) {
            Some(p) => apply(&mut s, p)?,
            None => apply(&mut s, &find_preset(kind, id)?)?,
        }
    }
    s.apply(overrides)?;
    s.validate()?;
    Ok(s)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    #[error(transparent)]
    Preset(#[from] PresetError),
    #[error(transparent)]
    Setting(#[from] SettingError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_preset_parses_and_resolves() {
        let all = all_presets().unwrap();
        for kind in [
            PresetKind::Printer,
            PresetKind::Filament,
            PresetKind::Process,
        ] {
            assert!(
                all.iter().filter(|p| p.kind == kind).count() >= 4,
                "too few {kind:?} presets"
            );
        }
        let sel = Selection::default();
        for p in &all {
            let mut s = sel.clone();
            s.choice.set(p.kind, p.id.clone());
            resolve(&s).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        }
    }

    #[test]
    fn layering_order() {
        let mut sel = Selection::default();
        sel.choice.process = "0.12mm-fine".into();
        let s = resolve(&sel).unwrap();
        assert_eq!(s.layer_height, 0.12);
        sel.overrides.push(("layer_height".into(), "0.16".into()));
        assert_eq!(resolve(&sel).unwrap().layer_height, 0.16);
    }

    #[test]
    fn scope_is_enforced() {
        let e = Preset::parse(
            "x",
            PresetKind::Filament,
            "name = \"x\"\n[settings]\nbed_size_x = 300\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "preset x: 'bed_size_x' is a printer setting and cannot be set by a filament preset"
        );
        let e = Preset::parse(
            "x",
            PresetKind::Process,
            "name = \"x\"\n[settings]\nperimeters = -1\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("perimeters"), "{e}");
        let e = find_preset(PresetKind::Printer, "nope").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no printer preset 'nope' (known: "),
            "{e}"
        );
    }
}
