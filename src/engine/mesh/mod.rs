//! Triangle meshes: the indexed mesh type, its topology, the file readers (STL, OBJ, 3MF)
//! and repair.

pub mod footprint;
mod obj;
pub mod paint;
mod repair;
mod stl;
mod threemf;
mod topology;
pub mod zip;

use crate::engine::settings::Overrides;
pub use paint::FacetPaint;
pub use repair::{RepairReport, repair, repair_tracked};
pub use stl::{read_stl, write_binary_stl};
pub use threemf::{Package3mf, WriteObject, read_package, write_3mf, xml_attr};
pub use topology::EdgeMap;

use glam::{DAffine3, DVec3};

/// Readers refuse files that would need more triangles than this (a browser tab would run out
/// of memory long before slicing them).
pub const MAX_TRIANGLES: usize = 20_000_000;

/// An indexed triangle mesh in millimetres. Triangles are counter-clockwise seen from
/// outside (after repair).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mesh {
    pub vertices: Vec<[f32; 3]>,
    pub triangles: Vec<[u32; 3]>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: DVec3,
    pub max: DVec3,
}

impl Bounds {
    pub fn size(&self) -> DVec3 {
        self.max - self.min
    }
    pub fn center(&self) -> DVec3 {
        (self.min + self.max) * 0.5
    }
    /// The box holding both.
    pub fn union(&self, other: &Bounds) -> Bounds {
        Bounds {
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }
}

impl Mesh {
    pub fn bounds(&self) -> Option<Bounds> {
        let first = self.vertices.first()?;
        let mut min = DVec3::from_array(first.map(f64::from));
        let mut max = min;
        for v in &self.vertices {
            let p = DVec3::from_array(v.map(f64::from));
            min = min.min(p);
            max = max.max(p);
        }
        Some(Bounds { min, max })
    }

    #[inline]
    pub fn vertex(&self, i: u32) -> DVec3 {
        DVec3::from_array(self.vertices[i as usize].map(f64::from))
    }

    /// Signed volume in mm³ (positive for outward-facing triangles).
    pub fn volume(&self) -> f64 {
        self.triangles
            .iter()
            .map(|t| {
                let (a, b, c) = (self.vertex(t[0]), self.vertex(t[1]), self.vertex(t[2]));
                a.dot(b.cross(c)) / 6.0
            })
            .sum()
    }

    /// Applies an affine transform; a mirroring transform also flips the triangles so they
    /// keep facing outward.
    pub fn transform(&mut self, t: &DAffine3) {
        for v in &mut self.vertices {
            let p = t.transform_point3(DVec3::from_array(v.map(f64::from)));
            *v = [p.x as f32, p.y as f32, p.z as f32];
        }
        if t.matrix3.determinant() < 0.0 {
            for tri in &mut self.triangles {
                tri.swap(1, 2);
            }
        }
    }

    pub fn transformed(&self, t: &DAffine3) -> Mesh {
        let mut m = self.clone();
        m.transform(t);
        m
    }

    /// The flat face triangle `t` is part of: every triangle in its plane (normals within
    /// about 1°, within 0.01 mm of the plane), as a mesh lifted `lift` mm off the surface
    /// (to draw over it). Empty for a degenerate triangle.
    pub fn face_of(&self, t: usize, lift: f64) -> Mesh {
        let normal = |tri: &[u32; 3]| {
            let [a, b, c] = tri.map(|i| self.vertex(i));
            ((b - a).cross(c - a).normalize_or_zero(), a)
        };
        let Some((n, p)) = self.triangles.get(t).map(normal) else {
            return Mesh::default();
        };
        if n == DVec3::ZERO {
            return Mesh::default();
        }
        let mut out = Mesh::default();
        for tri in &self.triangles {
            let (m, a) = normal(tri);
            if m.dot(n) > 0.9998 && (a - p).dot(n).abs() < 0.01 {
                let base = out.vertices.len() as u32;
                for i in tri {
                    out.vertices
                        .push((self.vertex(*i) + n * lift).as_vec3().to_array());
                }
                out.triangles.push([base, base + 1, base + 2]);
            }
        }
        out
    }

    /// Appends another mesh (vertices re-indexed).
    pub fn append(&mut self, other: &Mesh) {
        let base = self.vertices.len() as u32;
        self.vertices.extend_from_slice(&other.vertices);
        self.triangles.extend(
            other
                .triangles
                .iter()
                .map(|t| [t[0] + base, t[1] + base, t[2] + base]),
        );
    }

    /// A compact little-endian form: vertex count, triangle count, coordinates (f32), indices
    /// (u32). Used to hand meshes to workers and to store them.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.vertices.len() * 12 + self.triangles.len() * 12);
        out.extend_from_slice(&(self.vertices.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.triangles.len() as u32).to_le_bytes());
        for v in &self.vertices {
            for c in v {
                out.extend_from_slice(&c.to_le_bytes());
            }
        }
        for t in &self.triangles {
            for i in t {
                out.extend_from_slice(&i.to_le_bytes());
            }
        }
        out
    }

    /// A 64-bit fingerprint of the mesh's content, so that the page and the slicing worker
    /// can tell a mesh the worker already holds without sending it again. Written here: a
    /// multiply-rotate hash over the words (as rustc's FxHash), fast over millions of
    /// triangles; meshes are the user's own, so collisions need not resist an adversary.
    pub fn fingerprint(&self) -> u64 {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
        let mut h = mix(self.vertices.len() as u64, self.triangles.len() as u64);
        for v in &self.vertices {
            h = mix(
                h,
                u64::from(v[0].to_bits()) | u64::from(v[1].to_bits()) << 32,
            );
            h = mix(h, u64::from(v[2].to_bits()));
        }
        for t in &self.triangles {
            h = mix(h, u64::from(t[0]) | u64::from(t[1]) << 32);
            h = mix(h, u64::from(t[2]));
        }
        h
    }

    /// Reads `to_bytes` output back, checking sizes and indices.
    pub fn from_bytes(bytes: &[u8]) -> Result<Mesh, ImportError> {
        let word = |i: usize| -> Option<[u8; 4]> {
            bytes.get(i * 4..i * 4 + 4).and_then(|s| s.try_into().ok())
        };
        let (Some(nv), Some(nt)) = (word(0), word(1)) else {
            return Err(ImportError::Truncated("mesh data has no header".into()));
        };
        let (nv, nt) = (
            u32::from_le_bytes(nv) as usize,
            u32::from_le_bytes(nt) as usize,
        );
        if nt > MAX_TRIANGLES || nv > 3 * MAX_TRIANGLES {
            return Err(ImportError::TooLarge { count: nt as u64 });
        }
        if bytes.len() != 8 + 12 * nv + 12 * nt {
            return Err(ImportError::Truncated(format!(
                "mesh data for {nv} vertices and {nt} triangles needs {} bytes, not {}",
                8 + 12 * nv + 12 * nt,
                bytes.len()
            )));
        }
        let mut m = Mesh {
            vertices: Vec::with_capacity(nv),
            triangles: Vec::with_capacity(nt),
        };
        let f = |i: usize| f32::from_le_bytes(word(i).unwrap_or_default());
        let u = |i: usize| u32::from_le_bytes(word(i).unwrap_or_default());
        for k in 0..nv {
            m.vertices.push([f(2 + 3 * k), f(3 + 3 * k), f(4 + 3 * k)]);
        }
        let base = 2 + 3 * nv;
        for k in 0..nt {
            m.triangles
                .push([u(base + 3 * k), u(base + 3 * k + 1), u(base + 3 * k + 2)]);
        }
        m.check()?;
        Ok(m)
    }

    /// Checks indices and coordinates; readers call this before handing a mesh out.
    pub fn check(&self) -> Result<(), ImportError> {
        if self.triangles.is_empty() {
            return Err(ImportError::NoGeometry);
        }
        let n = self.vertices.len() as u32;
        if let Some(t) = self.triangles.iter().find(|t| t.iter().any(|&i| i >= n)) {
            return Err(ImportError::Garbage(format!(
                "a triangle refers to vertex {} but there are only {n}",
                t.iter().max().copied().unwrap_or(0)
            )));
        }
        if let Some(c) = self
            .vertices
            .iter()
            .flatten()
            .find(|c| !c.is_finite() || c.abs() > 1e7)
        {
            return Err(ImportError::Garbage(format!(
                "a vertex coordinate is {c}: not a finite number of millimetres under 10 km"
            )));
        }
        Ok(())
    }
}

/// Where a ray `origin + t·dir` meets triangle a-b-c (Möller–Trumbore): the `t`, if it does
/// at t > 0.
pub fn ray_triangle(origin: DVec3, dir: DVec3, a: DVec3, b: DVec3, c: DVec3) -> Option<f64> {
    let e1 = b - a;
    let e2 = c - a;
    let h = dir.cross(e2);
    let det = e1.dot(h);
    if det.abs() < 1e-12 {
        return None;
    }
    let s = origin - a;
    let u = s.dot(h) / det;
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let q = s.cross(e1);
    let v = dir.dot(q) / det;
    if v < 0.0 || u + v > 1.0 {
        return None;
    }
    let t = e2.dot(q) / det;
    (t > 1e-9).then_some(t)
}

/// One object read from a file: a mesh and where its copies stand (at least one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportedObject {
    pub name: String,
    pub mesh: Mesh,
    /// Placement of each copy, from the file (identity for STL and OBJ).
    pub instances: Vec<DAffine3>,
    /// Support enforcers and blockers painted on the mesh's triangles.
    pub support_paint: FacetPaint,
    /// Where seams are enforced or blocked, painted on the mesh's triangles.
    pub seam_paint: FacetPaint,
    /// Volumes placed on the object (support enforcers and blockers).
    pub volumes: Vec<Volume>,
    /// The object's own settings (a 3MF's per-object settings, in Lamina's keys).
    pub settings: Overrides,
}

/// What a volume placed on an object does. The names are PrusaSlicer's `volume_type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum VolumeKind {
    SupportEnforcer,
    SupportBlocker,
}

impl VolumeKind {
    pub fn name(self) -> &'static str {
        match self {
            VolumeKind::SupportEnforcer => "SupportEnforcer",
            VolumeKind::SupportBlocker => "SupportBlocker",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            VolumeKind::SupportEnforcer => "Support enforcer",
            VolumeKind::SupportBlocker => "Support blocker",
        }
    }

    pub fn from_name(name: &str) -> Option<VolumeKind> {
        match name {
            "SupportEnforcer" => Some(VolumeKind::SupportEnforcer),
            "SupportBlocker" => Some(VolumeKind::SupportBlocker),
            _ => None,
        }
    }
}

/// A volume on an object: a closed mesh in the object's coordinates, acting on the part of
/// the object inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub name: String,
    pub kind: VolumeKind,
    pub mesh: std::sync::Arc<Mesh>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is cut short: {0}")]
    Truncated(String),
    #[error("the file declares {count} triangles, more than the {MAX_TRIANGLES} Lamina accepts")]
    TooLarge { count: u64 },
    #[error("not a valid model: {0}")]
    Garbage(String),
    #[error("the file holds no triangles")]
    NoGeometry,
    #[error("unsupported file type: {0} (Lamina reads STL, OBJ and 3MF)")]
    Unsupported(String),
    #[error("broken 3MF archive: {0}")]
    Zip(String),
    #[error("broken 3MF model XML: {0}")]
    Xml(String),
    #[error(
        "about {triangles} triangles would need about {need_mb} MB, more than the {available_mb} MB this tab can take: simplify the model (decimate it) in a mesh tool, or open it on a device with more memory"
    )]
    NeedsTooMuchMemory {
        triangles: u64,
        need_mb: u64,
        available_mb: u64,
    },
}

/// Reads a model file; the name's extension picks the format, and the content decides when
/// the name says nothing.
pub fn import(name: &str, bytes: &[u8]) -> Result<Vec<ImportedObject>, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
        .to_string();
    let format = match format_of(name) {
        Some(f) => f,
        None => sniff(bytes).ok_or_else(|| ImportError::Unsupported(name.to_string()))?,
    };
    let single = |mesh: Mesh| {
        mesh.check()?;
        Ok(vec![ImportedObject {
            name: stem.clone(),
            mesh,
            instances: vec![DAffine3::IDENTITY],
            ..Default::default()
        }])
    };
    match format {
        Format::Stl => single(stl::read_stl(bytes)?),
        Format::Obj => single(obj::read_obj(bytes)?),
        Format::ThreeMf => {
            let objects = threemf::read_3mf(bytes, &stem)?;
            for o in &objects {
                o.mesh.check()?;
            }
            Ok(objects)
        }
    }
}

enum Format {
    Stl,
    Obj,
    ThreeMf,
}

/// The format a file's name says (its extension), if it is one Lamina reads.
fn format_of(name: &str) -> Option<Format> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)?;
    match ext.as_str() {
        "stl" => Some(Format::Stl),
        "obj" => Some(Format::Obj),
        "3mf" => Some(Format::ThreeMf),
        _ => None,
    }
}

/// Whether a file's name is that of a model Lamina reads (STL, OBJ or 3MF).
pub fn is_model_name(name: &str) -> bool {
    format_of(name).is_some()
}

fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::ThreeMf);
    }
    if stl::looks_like_stl(bytes) {
        return Some(Format::Stl);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    head.lines()
        .any(|l| l.trim_start().starts_with("v ") || l.trim_start().starts_with("f "))
        .then_some(Format::Obj)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An axis-aligned box, triangles facing outward.
    pub fn box_mesh(min: [f32; 3], max: [f32; 3]) -> Mesh {
        let [x0, y0, z0] = min;
        let [x1, y1, z1] = max;
        let vertices = vec![
            [x0, y0, z0],
            [x1, y0, z0],
            [x1, y1, z0],
            [x0, y1, z0],
            [x0, y0, z1],
            [x1, y0, z1],
            [x1, y1, z1],
            [x0, y1, z1],
        ];
        let triangles = vec![
            [0, 2, 1],
            [0, 3, 2],
            [4, 5, 6],
            [4, 6, 7],
            [0, 1, 5],
            [0, 5, 4],
            [1, 2, 6],
            [1, 6, 5],
            [2, 3, 7],
            [2, 7, 6],
            [3, 0, 4],
            [3, 4, 7],
        ];
        Mesh {
            vertices,
            triangles,
        }
    }

    #[test]
    fn box_volume_and_bounds() {
        let m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        assert!((m.volume() - 1000.0).abs() < 1e-6);
        let b = m.bounds().unwrap();
        assert_eq!(b.size(), DVec3::new(20.0, 10.0, 5.0));
    }

    #[test]
    fn a_face_is_every_triangle_in_its_plane() {
        let m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        // Triangle 6 is half of the +X side: the face is both halves, 10 × 5 mm.
        let f = m.face_of(6, 0.05);
        assert_eq!(f.triangles.len(), 2);
        let b = f.bounds().unwrap();
        assert!((b.min.x - 20.05).abs() < 1e-5 && (b.size().y - 10.0).abs() < 1e-5);
        assert!((b.size().z - 5.0).abs() < 1e-5);
        assert!(m.face_of(99, 0.0).triangles.is_empty());
    }

    #[test]
    fn mirroring_keeps_volume_positive() {
        let mut m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        m.transform(&DAffine3::from_scale(DVec3::new(-1.0, 1.0, 1.0)));
        assert!((m.volume() - 1000.0).abs() < 1e-6);
    }

    #[test]
    fn bytes_round_trip_and_damage() {
        let m = box_mesh([0.0; 3], [20.0, 10.0, 5.0]);
        let b = m.to_bytes();
        assert_eq!(Mesh::from_bytes(&b).unwrap(), m);
        assert!(matches!(
            Mesh::from_bytes(&b[..b.len() - 1]),
            Err(ImportError::Truncated(_))
        ));
        let mut bad = b.clone();
        let last = bad.len() - 4;
        bad[last..].copy_from_slice(&99u32.to_le_bytes());
        assert!(matches!(
            Mesh::from_bytes(&bad),
            Err(ImportError::Garbage(_))
        ));
    }

    #[test]
    fn import_rejects_empty_and_unknown() {
        assert_eq!(import("a.stl", b""), Err(ImportError::Empty));
        assert!(matches!(
            import("a.xyz", b"hello world"),
            Err(ImportError::Unsupported(_))
        ));
    }
}
