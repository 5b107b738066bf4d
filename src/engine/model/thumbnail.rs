//! Small pictures of a model without a GPU: an orthographic three-quarter view, z-buffered
//! and shaded, written as PNG. The catalog builder uses it, so a library can be published
//! from a machine with no display.

use crate::engine::mesh::Mesh;
use glam::DVec3;

/// Lamina's accent colour, for the model.
const COLOUR: [f64; 3] = [240.0, 160.0, 51.0];

/// Renders `mesh` into a `size`×`size` RGBA picture (transparent around the model).
pub fn render(mesh: &Mesh, size: u32) -> Vec<u8> {
    render_rect(mesh, size, size)
}

/// Renders `mesh` into a `width`×`height` RGBA picture, the model centred and as large as
/// the shorter side allows.
pub fn render_rect(mesh: &Mesh, width: u32, height: u32) -> Vec<u8> {
    let (nw, nh) = (width as usize, height as usize);
    let mut rgba = vec![0u8; nw * nh * 4];
    let Some(b) = mesh.bounds() else {
        return rgba;
    };
    // Turn 45° about z, then tip the top towards the viewer: x right, y up, z towards the eye.
    let (s, c) = (
        std::f64::consts::FRAC_PI_4.sin(),
        std::f64::consts::FRAC_PI_4.cos(),
    );
    let tilt = 35f64.to_radians();
    let (ts, tc) = (tilt.sin(), tilt.cos());
    let centre = b.center();
    let view = |p: DVec3| {
        let p = p - centre;
        let x = c * p.x - s * p.y;
        let y0 = s * p.x + c * p.y;
        let y = tc * p.z + ts * y0;
        let z = -ts * p.z + tc * y0;
        DVec3::new(x, y, -z)
    };
    let corners: Vec<DVec3> = (0..8)
        .map(|i| {
            view(DVec3::new(
                if i & 1 == 0 { b.min.x } else { b.max.x },
                if i & 2 == 0 { b.min.y } else { b.max.y },
                if i & 4 == 0 { b.min.z } else { b.max.z },
            ))
        })
        .collect();
    let half_x = corners.iter().map(|p| p.x.abs()).fold(1e-9, f64::max);
    let half_y = corners.iter().map(|p| p.y.abs()).fold(1e-9, f64::max);
    let scale = (0.46 * width as f64 / half_x).min(0.46 * height as f64 / half_y);
    let to_px = |p: DVec3| {
        DVec3::new(
            width as f64 / 2.0 + p.x * scale,
            height as f64 / 2.0 - p.y * scale,
            p.z,
        )
    };
    let light = DVec3::new(-0.4, 0.6, 0.7).normalize();
    let mut depth = vec![f64::NEG_INFINITY; nw * nh];
    for t in &mesh.triangles {
        let w = t.map(|i| view(mesh.vertex(i)));
        let normal = (w[1] - w[0]).cross(w[2] - w[0]);
        if normal.length_squared() < 1e-18 {
            continue;
        }
        let normal = normal.normalize();
        // Both sides lit the same, so unrepaired winding still draws.
        let shade = 0.35 + 0.65 * normal.dot(light).abs();
        let colour = COLOUR.map(|ch| (ch * shade).min(255.0) as u8);
        let p = w.map(to_px);
        let area = (p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (p[1].y - p[0].y);
        if area.abs() < 1e-12 {
            continue;
        }
        let x0 = p
            .iter()
            .map(|q| q.x)
            .fold(f64::INFINITY, f64::min)
            .floor()
            .max(0.0) as usize;
        let x1 = (p
            .iter()
            .map(|q| q.x)
            .fold(f64::NEG_INFINITY, f64::max)
            .ceil() as usize)
            .min(nw);
        let y0 = p
            .iter()
            .map(|q| q.y)
            .fold(f64::INFINITY, f64::min)
            .floor()
            .max(0.0) as usize;
        let y1 = (p
            .iter()
            .map(|q| q.y)
            .fold(f64::NEG_INFINITY, f64::max)
            .ceil() as usize)
            .min(nh);
        for y in y0..y1 {
            for x in x0..x1 {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let e = |a: DVec3, b: DVec3| (b.x - a.x) * (py - a.y) - (px - a.x) * (b.y - a.y);
                let w0 = e(p[1], p[2]) / area;
                let w1 = e(p[2], p[0]) / area;
                let w2 = 1.0 - w0 - w1;
                if w0 < -1e-9 || w1 < -1e-9 || w2 < -1e-9 {
                    continue;
                }
                let z = w0 * p[0].z + w1 * p[1].z + w2 * p[2].z;
                let i = y * nw + x;
                if z > depth[i] {
                    depth[i] = z;
                    rgba[i * 4..i * 4 + 4].copy_from_slice(&[colour[0], colour[1], colour[2], 255]);
                }
            }
        }
    }
    rgba
}

/// Encodes RGBA pixels as a PNG file.
pub fn png(rgba: &[u8], width: u32, height: u32) -> Vec<u8> {
    let row = width as usize * 4;
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for line in rgba.chunks(row).take(height as usize) {
        raw.push(0); // no filter
        raw.extend_from_slice(line);
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    chunk(b"IHDR", &ihdr);
    chunk(
        b"IDAT",
        &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6),
    );
    chunk(b"IEND", &[]);
    out
}

/// A `size`×`size` PNG picture of `mesh`.
pub fn render_png(mesh: &Mesh, size: u32) -> Vec<u8> {
    png(&render(mesh, size), size, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::shapes;

    #[test]
    fn a_cube_fills_the_middle_and_leaves_the_corners_clear() {
        let cube = shapes::shape("cube").unwrap();
        let px = render(&cube, 64);
        let at = |x: usize, y: usize| &px[(y * 64 + x) * 4..(y * 64 + x) * 4 + 4];
        assert_eq!(at(32, 32)[3], 255, "the model is drawn in the middle");
        assert_eq!(at(1, 1)[3], 0, "the corner is clear");
        // The top and the two visible sides are shaded differently.
        let shades: std::collections::BTreeSet<u8> =
            px.chunks(4).filter(|p| p[3] == 255).map(|p| p[0]).collect();
        assert!(shades.len() >= 3, "{shades:?}");
        let file = render_png(&cube, 64);
        assert!(file.starts_with(b"\x89PNG\r\n\x1a\n"));
        // The pixels come back out of the IDAT chunk.
        let len = u32::from_be_bytes(file[33..37].try_into().unwrap()) as usize;
        assert_eq!(&file[37..41], b"IDAT");
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&file[41..41 + len]).unwrap();
        assert_eq!(raw.len(), 64 * (64 * 4 + 1));
        assert_eq!(&raw[1..5], at(0, 0));
    }
}
