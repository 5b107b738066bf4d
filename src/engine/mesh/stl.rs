//! STL, binary and ASCII. Our own reader: it validates the declared triangle count against
//! the file size before allocating, accepts any line ending and a bare `solid` header, and
//! welds identical vertices as it reads.
//!
//! Why not the stl_io crate: measured from file bytes to the engine's mesh
//! (`examples/stl_bench.rs`, BENCHMARKS.md, 2026-12-06), stl_io 0.11 took 8.7× this reader's
//! time and 3.8× its memory on 3DBenchy, and 2.7× and 2.4× on a 2-million-triangle sphere
//! (it keeps a normal and `usize` indices per face and welds through std's SipHash map); the
//! bar for adopting it was 10%.

use super::{ImportError, MAX_TRIANGLES, Mesh};
use rustc_hash::FxHashMap;

/// Builds an indexed mesh from triangle corners, merging bit-identical vertices.
struct Welder {
    mesh: Mesh,
    index: FxHashMap<[u32; 3], u32>,
}

impl Welder {
    fn new(capacity: usize) -> Self {
        Self {
            mesh: Mesh {
                vertices: Vec::with_capacity(capacity / 2),
                triangles: Vec::with_capacity(capacity),
            },
            index: FxHashMap::with_capacity_and_hasher(capacity / 2, Default::default()),
        }
    }

    fn vertex(&mut self, v: [f32; 3]) -> u32 {
        // -0.0 and 0.0 are the same place.
        let v = v.map(|c| if c == 0.0 { 0.0 } else { c });
        let key = v.map(f32::to_bits);
        let next = self.mesh.vertices.len() as u32;
        let id = *self.index.entry(key).or_insert(next);
        if id == next {
            self.mesh.vertices.push(v);
        }
        id
    }

    fn triangle(&mut self, a: [f32; 3], b: [f32; 3], c: [f32; 3]) {
        let t = [self.vertex(a), self.vertex(b), self.vertex(c)];
        self.mesh.triangles.push(t);
    }
}

pub(super) fn looks_like_stl(bytes: &[u8]) -> bool {
    binary_count(bytes).is_some() || trimmed_start(bytes).starts_with(b"solid")
}

fn trimmed_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

/// The triangle count when the size matches a binary STL exactly.
fn binary_count(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 84 {
        return None;
    }
    let n = u32::from_le_bytes([bytes[80], bytes[81], bytes[82], bytes[83]]) as u64;
    (84 + 50 * n == bytes.len() as u64).then_some(n as usize)
}

pub fn read_stl(bytes: &[u8]) -> Result<Mesh, ImportError> {
    if let Some(n) = binary_count(bytes) {
        return read_binary(bytes, n);
    }
    let text = trimmed_start(bytes);
    if text.starts_with(b"solid") && is_mostly_text(bytes) {
        return read_ascii(text);
    }
    if bytes.len() >= 84 {
        let n = u32::from_le_bytes([bytes[80], bytes[81], bytes[82], bytes[83]]) as u64;
        if n as usize > MAX_TRIANGLES {
            return Err(ImportError::TooLarge { count: n });
        }
        let need = 84 + 50 * n;
        if need > bytes.len() as u64 {
            return Err(ImportError::Truncated(format!(
                "binary STL header declares {n} triangles ({need} bytes) but the file has {} bytes",
                bytes.len()
            )));
        }
        // Some exporters pad the end; the declared triangles are all there.
        return read_binary(bytes, n as usize);
    }
    Err(ImportError::Garbage(
        "too short for a binary STL and not an ASCII STL (no 'solid' header)".into(),
    ))
}

fn is_mostly_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.iter()
        .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
}

fn read_binary(bytes: &[u8], n: usize) -> Result<Mesh, ImportError> {
    if n > MAX_TRIANGLES {
        return Err(ImportError::TooLarge { count: n as u64 });
    }
    let mut w = Welder::new(n);
    let f = |b: &[u8], i: usize| f32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    for rec in bytes[84..84 + 50 * n].chunks_exact(50) {
        let v = |k: usize| {
            [
                f(rec, 12 + k * 12),
                f(rec, 16 + k * 12),
                f(rec, 20 + k * 12),
            ]
        };
        w.triangle(v(0), v(1), v(2));
    }
    Ok(w.mesh)
}

fn read_ascii(text: &[u8]) -> Result<Mesh, ImportError> {
    let mut w = Welder::new(1024);
    let mut corners: Vec<[f32; 3]> = Vec::with_capacity(3);
    let mut tokens = text
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .peekable();
    let mut ended = false;
    while let Some(tok) = tokens.next() {
        match tok {
            b"vertex" => {
                let mut v = [0f32; 3];
                for c in &mut v {
                    let t = tokens.next().ok_or_else(|| {
                        ImportError::Truncated("ASCII STL ends inside a vertex".into())
                    })?;
                    *c = std::str::from_utf8(t)
                        .ok()
                        .and_then(|s| s.parse::<f32>().ok())
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| {
                            ImportError::Garbage(format!(
                                "ASCII STL: '{}' is not a vertex coordinate",
                                String::from_utf8_lossy(t)
                            ))
                        })?;
                }
                corners.push(v);
                if corners.len() > 3 {
                    return Err(ImportError::Garbage(
                        "ASCII STL: a facet has more than three vertices".into(),
                    ));
                }
            }
            b"endloop" => {
                if corners.len() != 3 {
                    return Err(ImportError::Garbage(format!(
                        "ASCII STL: a facet has {} vertices instead of three",
                        corners.len()
                    )));
                }
                if w.mesh.triangles.len() >= MAX_TRIANGLES {
                    return Err(ImportError::TooLarge {
                        count: w.mesh.triangles.len() as u64 + 1,
                    });
                }
                w.triangle(corners[0], corners[1], corners[2]);
                corners.clear();
            }
            b"endsolid" => {
                ended = true;
                // Several solids may follow one another; keep reading.
                while let Some(t) = tokens.peek() {
                    if *t == b"solid" {
                        break;
                    }
                    tokens.next();
                }
            }
            _ => {}
        }
    }
    if !corners.is_empty() || !ended {
        return Err(ImportError::Truncated(if w.mesh.triangles.is_empty() {
            "ASCII STL has no complete facet".into()
        } else {
            format!(
                "ASCII STL stops after {} facets without 'endsolid'",
                w.mesh.triangles.len()
            )
        }));
    }
    if w.mesh.triangles.is_empty() {
        return Err(ImportError::NoGeometry);
    }
    Ok(w.mesh)
}

/// Writes a binary STL (used by tests, the catalog builder and exports).
pub fn write_binary_stl(mesh: &Mesh) -> Vec<u8> {
    let mut out = Vec::with_capacity(84 + 50 * mesh.triangles.len());
    let mut header = [0u8; 80];
    header[..6].copy_from_slice(b"Lamina");
    out.extend_from_slice(&header);
    out.extend_from_slice(&(mesh.triangles.len() as u32).to_le_bytes());
    for t in &mesh.triangles {
        let (a, b, c) = (mesh.vertex(t[0]), mesh.vertex(t[1]), mesh.vertex(t[2]));
        let n = (b - a).cross(c - a).normalize_or_zero();
        for x in [n.x, n.y, n.z] {
            out.extend_from_slice(&(x as f32).to_le_bytes());
        }
        for &i in t {
            for x in mesh.vertices[i as usize] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out.extend_from_slice(&[0, 0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::tests::box_mesh;

    const ASCII: &str = "solid\r\n facet normal 0 0 1\r\n  outer loop\r\n   vertex 0 0 0\r\n   vertex 1 0 0\r\n   vertex 0 1 0\r\n  endloop\r\n endfacet\r\n facet normal 0 0 1\r\n  outer loop\r\n   vertex 1 0 0\r\n   vertex 1 1 0\r\n   vertex 0 1 0\r\n  endloop\r\n endfacet\r\nendsolid\r\n";

    #[test]
    fn ascii_with_crlf_and_bare_header() {
        let m = read_stl(ASCII.as_bytes()).unwrap();
        assert_eq!(m.triangles.len(), 2);
        assert_eq!(m.vertices.len(), 4);
    }

    #[test]
    fn ascii_truncated_is_an_error() {
        let cut = &ASCII[..ASCII.len() / 2];
        assert!(matches!(
            read_stl(cut.as_bytes()),
            Err(ImportError::Truncated(_))
        ));
        let bad = ASCII.replace("vertex 1 1 0", "vertex 1 x 0");
        assert!(matches!(
            read_stl(bad.as_bytes()),
            Err(ImportError::Garbage(_))
        ));
    }

    #[test]
    fn binary_round_trip_and_truncation() {
        let m = box_mesh([0.0; 3], [10.0, 10.0, 10.0]);
        let bytes = write_binary_stl(&m);
        let back = read_stl(&bytes).unwrap();
        assert_eq!(back.triangles.len(), 12);
        assert_eq!(back.vertices.len(), 8);
        assert!((back.volume() - 1000.0).abs() < 1e-3);
        let e = read_stl(&bytes[..bytes.len() - 30]).unwrap_err();
        assert!(matches!(e, ImportError::Truncated(_)), "{e}");
    }

    #[test]
    fn absurd_count_is_refused_without_allocating() {
        let mut bytes = vec![0u8; 84 + 50];
        bytes[80..84].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            read_stl(&bytes),
            Err(ImportError::TooLarge { .. })
        ));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(read_stl(b"hello").is_err());
        let noise: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(read_stl(&noise).is_err());
    }
}
