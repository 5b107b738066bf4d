//! The value types a setting can have, and how each parses and prints.

/// What kind of value a setting holds (drives CLI help, validation and the app's inputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    Float,
    Int,
    Bool,
    Enum,
    Text,
    /// One line of text with a syntax of its own.
    Line,
    /// A float that may be left unset ("none"), falling back to another setting.
    OptFloat,
}

impl ValueKind {
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Float => "float",
            ValueKind::Int => "int",
            ValueKind::Bool => "bool",
            ValueKind::Enum => "enum",
            ValueKind::Text => "text",
            ValueKind::Line => "text line",
            ValueKind::OptFloat => "float or none",
        }
    }
}

pub trait SettingValue: Sized + Clone + PartialEq {
    const KIND: ValueKind;
    const CHOICES: &'static [&'static str] = &[];
    fn parse(text: &str) -> Result<Self, String>;
    fn format(&self) -> String;
    /// The number to check against a setting's range, where there is one.
    fn number(&self) -> Option<f64> {
        None
    }
}

fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{text}' is not a number")),
    }
}

/// Prints a float without trailing noise: 0.2 not 0.20000000000000001.
pub fn format_float(v: f64) -> String {
    let s = format!("{:.6}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

impl SettingValue for f64 {
    const KIND: ValueKind = ValueKind::Float;
    fn parse(text: &str) -> Result<Self, String> {
        parse_number(text)
    }
    fn format(&self) -> String {
        format_float(*self)
    }
    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl SettingValue for u32 {
    const KIND: ValueKind = ValueKind::Int;
    fn parse(text: &str) -> Result<Self, String> {
        let v = parse_number(text)?;
        if v.fract() != 0.0 || v < 0.0 || v > u32::MAX as f64 {
            return Err(format!("'{text}' is not a whole number"));
        }
        Ok(v as u32)
    }
    fn format(&self) -> String {
        self.to_string()
    }
    fn number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl SettingValue for bool {
    const KIND: ValueKind = ValueKind::Bool;
    const CHOICES: &'static [&'static str] = &["true", "false"];
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(format!("'{text}' is not true or false")),
        }
    }
    fn format(&self) -> String {
        self.to_string()
    }
}

impl SettingValue for String {
    const KIND: ValueKind = ValueKind::Text;
    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn format(&self) -> String {
        self.clone()
    }
}

/// How a G-code thumbnail is encoded and framed (`gcode::thumbnails`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThumbnailFormat {
    Png,
    Jpg,
    Qoi,
    Creality,
}

/// One G-code thumbnail the printer wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    pub format: ThumbnailFormat,
}

/// The pictures of the `thumbnails` setting, in PrusaSlicer's syntax.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Thumbnails(pub Vec<Thumbnail>);

/// The largest side a G-code picture may have.
const MAX_SIDE: u32 = 1024;

/// Reads the `thumbnails` setting: comma-separated `WxH` sizes, each with `/PNG`, `/JPG`,
/// `/QOI` or `/CREALITY` (PNG when none is given, as in PrusaSlicer before 2.6).
fn parse_thumbnails(text: &str) -> Result<Vec<Thumbnail>, String> {
    let mut out = Vec::new();
    for item in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let (size, format) = item.split_once('/').unwrap_or((item, "PNG"));
        let format = match format.trim().to_ascii_uppercase().as_str() {
            "PNG" => ThumbnailFormat::Png,
            "JPG" | "JPEG" => ThumbnailFormat::Jpg,
            "QOI" => ThumbnailFormat::Qoi,
            "CREALITY" => ThumbnailFormat::Creality,
            other => {
                return Err(format!(
                    "'{other}' in '{item}' is not a picture format: use PNG, JPG, QOI or CREALITY"
                ));
            }
        };
        let bad = || format!("'{item}' is not a size: write it as 96x96");
        let (w, h) = size.trim().split_once(['x', 'X', '*']).ok_or_else(bad)?;
        let (width, height): (u32, u32) = (
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        );
        if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
            return Err(format!(
                "'{item}': a picture's sides must be 1 to {MAX_SIDE} pixels"
            ));
        }
        out.push(Thumbnail {
            width,
            height,
            format,
        });
    }
    Ok(out)
}

impl SettingValue for Thumbnails {
    const KIND: ValueKind = ValueKind::Line;
    fn parse(text: &str) -> Result<Self, String> {
        parse_thumbnails(text).map(Thumbnails)
    }
    fn format(&self) -> String {
        self.0
            .iter()
            .map(|t| {
                let f = match t.format {
                    ThumbnailFormat::Png => "PNG",
                    ThumbnailFormat::Jpg => "JPG",
                    ThumbnailFormat::Qoi => "QOI",
                    ThumbnailFormat::Creality => "CREALITY",
                };
                format!("{}x{}/{f}", t.width, t.height)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl SettingValue for Option<f64> {
    const KIND: ValueKind = ValueKind::OptFloat;
    fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("nil") {
            return Ok(None);
        }
        parse_number(t).map(Some)
    }
    fn format(&self) -> String {
        match self {
            Some(v) => format_float(*v),
            None => "none".into(),
        }
    }
    fn number(&self) -> Option<f64> {
        *self
    }
}

/// Declares an enum setting type whose values are the given lower-case words.
macro_rules! setting_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $crate::engine::settings::SettingValue for $name {
            const KIND: $crate::engine::settings::ValueKind =
                $crate::engine::settings::ValueKind::Enum;
            const CHOICES: &'static [&'static str] = &[$($text),+];
            fn parse(text: &str) -> Result<Self, String> {
                match text.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("'{}' is not one of: {}", text, Self::CHOICES.join(", "))),
                }
            }
            fn format(&self) -> String {
                match self { $($name::$variant => $text.to_string()),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::engine::settings::SettingValue::format(self))
            }
        }
    };
}
pub(crate) use setting_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_reads_as_prusaslicer_writes_it() {
        let specs = Thumbnails::parse("96x96/PNG, 300x300/PNG,16x16/qoi ,220x124/JPG")
            .unwrap()
            .0;
        assert_eq!(specs.len(), 4);
        assert_eq!(
            specs[3],
            Thumbnail {
                width: 220,
                height: 124,
                format: ThumbnailFormat::Jpg
            }
        );
        assert_eq!(Thumbnails::parse("").unwrap(), Thumbnails(vec![]));
        // PrusaSlicer before 2.6: sizes alone, PNG.
        assert_eq!(
            Thumbnails::parse("16x16,220x124").unwrap().0[1].format,
            ThumbnailFormat::Png
        );
        assert!(Thumbnails::parse("96x96/GIF").unwrap_err().contains("GIF"));
        assert!(
            Thumbnails::parse("96/PNG")
                .unwrap_err()
                .contains("not a size")
        );
        assert!(Thumbnails::parse("0x96").is_err() && Thumbnails::parse("4000x96").is_err());
        // Written back the way PrusaSlicer 2.6 writes it.
        let t = Thumbnails::parse("16x16, 220X124/jpg").unwrap();
        assert_eq!(t.format(), "16x16/PNG, 220x124/JPG");
    }

    #[test]
    fn parse_and_format() {
        assert_eq!(f64::parse("0.2").unwrap(), 0.2);
        assert_eq!(f64::parse("20%").unwrap(), 20.0);
        assert!(f64::parse("abc").is_err());
        assert!(f64::parse("inf").is_err());
        assert_eq!(u32::parse("3").unwrap(), 3);
        assert!(u32::parse("2.5").is_err());
        assert!(u32::parse("-1").is_err());
        assert!(bool::parse("yes").unwrap());
        assert_eq!(Option::<f64>::parse("none").unwrap(), None);
        assert_eq!(format_float(0.1 + 0.2), "0.3");
        assert_eq!(format_float(200.0), "200");
    }
}
