//! User G-code templates (`start_gcode`, `end_gcode`, `before_layer_gcode`): `{name}`
//! placeholders filled from the settings and from values the caller knows (layer number, Z).

use crate::engine::settings::Settings;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("{template}: unknown placeholder {{{name}}}")]
    Unknown { template: String, name: String },
    #[error("{template}: a '{{' is never closed")]
    Unclosed { template: String },
}

/// Fills `{name}` placeholders: `extra` values, the aliases {hotend_temp}, {bed_temp}, and any
/// setting key.
pub fn render(text: &str, s: &Settings, extra: &[(&str, String)]) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| TemplateError::Unclosed {
            template: text.lines().next().unwrap_or("").to_string(),
        })?;
        let name = after[..close].trim();
        let value = extra
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| match name {
                "hotend_temp" => s.get("first_layer_temperature"),
                "bed_temp" => s.get("first_layer_bed_temperature"),
                _ => s.get(name),
            })
            .ok_or_else(|| TemplateError::Unknown {
                template: String::new(),
                name: name.to_string(),
            })?;
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks every template of the settings, naming the template in the error.
pub fn check(s: &Settings) -> Result<(), TemplateError> {
    let extra = [("layer_num", "0".to_string()), ("layer_z", "0".to_string())];
    for (key, text) in [
        ("start_gcode", &s.start_gcode),
        ("end_gcode", &s.end_gcode),
        ("before_layer_gcode", &s.before_layer_gcode),
    ] {
        render(text, s, &extra).map_err(|e| match e {
            TemplateError::Unknown { name, .. } => TemplateError::Unknown {
                template: key.to_string(),
                name,
            },
            TemplateError::Unclosed { .. } => TemplateError::Unclosed {
                template: key.to_string(),
            },
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_and_fail_clearly() {
        let s = Settings::default();
        let t = render(
            "M104 S{hotend_temp}\nG1 Z{first_layer_height} ; {layer_num}",
            &s,
            &[("layer_num", "3".into())],
        )
        .unwrap();
        assert_eq!(t, "M104 S210\nG1 Z0.2 ; 3");
        let bad = Settings {
            start_gcode: "M104 S{nozle_temp}".into(),
            ..Default::default()
        };
        assert_eq!(
            check(&bad).unwrap_err().to_string(),
            "start_gcode: unknown placeholder {nozle_temp}"
        );
    }
}
