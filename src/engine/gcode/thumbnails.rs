//! Pictures of the plate in the G-code, for printer screens and hosts: the sizes and formats
//! of the printer's `thumbnails` setting, in PrusaSlicer's syntax (`96x96/PNG, 300x300/PNG`),
//! rendered on the CPU (`model::thumbnail`) and written as base64 comment blocks:
//! - PNG: `; thumbnail begin WxH LEN` (Klipper's Mainsail, Fluidd and KlipperScreen,
//!   PrusaLink, OctoPrint, Creality's K1, K2 and Hi);
//! - JPG and QOI: `; thumbnail_JPG begin` and `; thumbnail_QOI begin`, as PrusaSlicer writes
//!   them;
//! - CREALITY: PNG in Creality Print's layout for the Ender-3 V3 KE, V3 Plus and Ender-5 Max
//!   screens: `; png begin W*H LEN …` inside `; THUMBNAIL_BLOCK_START` and `_END`.

use crate::engine::mesh::Mesh;
use crate::engine::model::thumbnail;
pub use crate::engine::settings::{Thumbnail as Spec, ThumbnailFormat as Format, Thumbnails};
use base64::Engine as _;
use std::fmt::Write as _;

/// Base64 characters per comment line (PrusaSlicer's 78).
const LINE: usize = 78;
/// JPG quality (0–100).
const JPG_QUALITY: u8 = 90;
/// What JPG pictures (which have no transparency) show around the model.
const JPG_BACKGROUND: [u8; 3] = [255, 255, 255];

/// The picture's file bytes.
pub fn encode(rgba: &[u8], spec: Spec) -> Vec<u8> {
    let (w, h) = (spec.width, spec.height);
    match spec.format {
        Format::Png | Format::Creality => thumbnail::png(rgba, w, h),
        Format::Qoi => qoi::encode_to_vec(rgba, w, h).unwrap_or_default(),
        Format::Jpg => {
            // Over a plain background: JPG has no transparency.
            let rgb: Vec<u8> = rgba
                .chunks(4)
                .flat_map(|p| {
                    let a = p[3] as u32;
                    (0..3).map(move |k| {
                        ((p[k] as u32 * a + JPG_BACKGROUND[k] as u32 * (255 - a)) / 255) as u8
                    })
                })
                .collect();
            let mut out = Vec::new();
            let encoder = jpeg_encoder::Encoder::new(&mut out, JPG_QUALITY);
            // Sides are at most MAX_SIDE, within u16.
            let _ = encoder.encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb);
            out
        }
    }
}

/// One picture as G-code comments.
pub fn block(spec: Spec, bytes: &[u8]) -> String {
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(LINE)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    let (w, h, len) = (spec.width, spec.height, text.len());
    let mut out = String::new();
    let (begin, end) = match spec.format {
        Format::Png => (
            format!("; thumbnail begin {w}x{h} {len}"),
            "; thumbnail end",
        ),
        Format::Jpg => (
            format!("; thumbnail_JPG begin {w}x{h} {len}"),
            "; thumbnail_JPG end",
        ),
        Format::Qoi => (
            format!("; thumbnail_QOI begin {w}x{h} {len}"),
            "; thumbnail_QOI end",
        ),
        Format::Creality => {
            // Creality's screens read the size, the base64 length, the line count and the
            // line length from the opening line.
            out.push_str("; THUMBNAIL_BLOCK_START\n");
            (
                format!("; png begin {w}*{h} {len} {} {LINE}", lines.len()),
                "; png end",
            )
        }
    };
    let _ = writeln!(out, ";\n{begin}");
    for l in &lines {
        let _ = writeln!(out, "; {l}");
    }
    let _ = writeln!(out, "{end}\n;");
    if spec.format == Format::Creality {
        out.push_str("; THUMBNAIL_BLOCK_END\n");
    }
    out
}

/// Every picture the setting asks for, of `plate` (the models as they stand on the bed).
pub fn write(plate: &Mesh, pictures: &Thumbnails) -> String {
    let mut out = String::new();
    for &spec in &pictures.0 {
        let rgba = thumbnail::render_rect(plate, spec.width, spec.height);
        out.push_str(&block(spec, &encode(&rgba, spec)));
    }
    out
}

/// The pictures in G-code text, decoded from base64: (spec, file bytes), in order.
pub fn read(gcode: &str) -> Vec<(Spec, Vec<u8>)> {
    let mut out = Vec::new();
    let mut current: Option<(Spec, String)> = None;
    for line in gcode.lines() {
        let l = line.trim_start_matches(';').trim();
        if let Some((spec, text)) = &mut current {
            if l.ends_with(" end") && (l.starts_with("thumbnail") || l == "png end") {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .unwrap_or_default();
                out.push((*spec, bytes));
                current = None;
            } else {
                text.push_str(l);
            }
            continue;
        }
        let (format, rest) = if let Some(r) = l.strip_prefix("thumbnail begin ") {
            (Format::Png, r)
        } else if let Some(r) = l.strip_prefix("thumbnail_JPG begin ") {
            (Format::Jpg, r)
        } else if let Some(r) = l.strip_prefix("thumbnail_QOI begin ") {
            (Format::Qoi, r)
        } else if let Some(r) = l.strip_prefix("png begin ") {
            (Format::Creality, r)
        } else {
            continue;
        };
        let size = rest.split_whitespace().next().unwrap_or_default();
        if let Some((w, h)) = size.split_once(['x', '*'])
            && let (Ok(width), Ok(height)) = (w.parse(), h.parse())
        {
            let spec = Spec {
                width,
                height,
                format,
            };
            current = Some((spec, String::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::shapes;
    use crate::engine::settings::SettingValue;

    #[test]
    fn every_format_comes_back_as_rendered() {
        let cube = shapes::shape("cube").unwrap();
        let specs = Thumbnails::parse("32x32/PNG, 48x40/QOI, 64x64/JPG, 96x96/CREALITY").unwrap();
        let text = write(&cube, &specs);
        assert!(text.contains("; thumbnail begin 32x32 "));
        assert!(text.contains("; thumbnail_QOI begin 48x40 "));
        assert!(text.contains("; thumbnail_JPG begin 64x64 "));
        assert!(text.starts_with(";\n; thumbnail begin"));
        let creality = &text[text.find("; THUMBNAIL_BLOCK_START").unwrap()..];
        assert!(creality.contains("\n; png begin 96*96 "), "{creality:.200}");
        assert!(creality.trim_end().ends_with("; THUMBNAIL_BLOCK_END"));
        // No comment line is longer than PrusaSlicer's.
        assert!(
            text.lines()
                .all(|l| l.len() <= LINE + 2 || l.contains("begin"))
        );
        let pictures = read(&text);
        assert_eq!(pictures.len(), 4);
        for (spec, bytes) in pictures {
            let want = thumbnail::render_rect(&cube, spec.width, spec.height);
            let (w, h) = (spec.width as usize, spec.height as usize);
            let got: Vec<u8> = match spec.format {
                Format::Png | Format::Creality => {
                    assert!(bytes.starts_with(b"\x89PNG"));
                    let len = u32::from_be_bytes(bytes[33..37].try_into().unwrap()) as usize;
                    let raw =
                        miniz_oxide::inflate::decompress_to_vec_zlib(&bytes[41..41 + len]).unwrap();
                    raw.chunks(w * 4 + 1)
                        .flat_map(|r| r[1..].to_vec())
                        .collect()
                }
                Format::Qoi => {
                    let (header, px) = qoi::decode_to_vec(&bytes).unwrap();
                    assert_eq!((header.width, header.height), (48, 40));
                    px
                }
                Format::Jpg => {
                    let mut d = jpeg_decoder::Decoder::new(&bytes[..]);
                    let rgb = d.decode().unwrap();
                    let info = d.info().unwrap();
                    assert_eq!((info.width, info.height), (64, 64));
                    // Lossy: each pixel near the render over white.
                    let mut off = 0u64;
                    for (i, p) in rgb.chunks(3).enumerate() {
                        let q = &want[i * 4..i * 4 + 4];
                        for k in 0..3 {
                            let a = q[3] as u32;
                            let over = (q[k] as u32 * a + 255 * (255 - a)) / 255;
                            off += (p[k] as i64 - over as i64).unsigned_abs();
                        }
                    }
                    let mean = off as f64 / (w * h * 3) as f64;
                    assert!(mean < 6.0, "JPG off by {mean:.1} on average");
                    continue;
                }
            };
            assert_eq!(got.len(), w * h * 4, "{spec:?}");
            assert!(got == want, "{spec:?}: the pixels are the render's");
        }
    }
}
