//! Wavefront OBJ: vertices and faces (any polygon, triangulated by ear clipping in the
//! polygon's own plane). Texture coordinates, normals, groups and materials are ignored.

use super::{ImportError, MAX_TRIANGLES, Mesh};
use glam::{DVec2, DVec3};

pub fn read_obj(bytes: &[u8]) -> Result<Mesh, ImportError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| ImportError::Garbage("OBJ is not text".into()))?;
    let mut mesh = Mesh::default();
    let mut face: Vec<u32> = Vec::new();
    for (lineno, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut parts = line.split_ascii_whitespace();
        match parts.next() {
            Some("v") => {
                let mut v = [0f32; 3];
                for c in &mut v {
                    *c = parts
                        .next()
                        .and_then(|t| t.parse::<f32>().ok())
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| {
                            ImportError::Garbage(format!("OBJ line {}: bad vertex", lineno + 1))
                        })?;
                }
                mesh.vertices.push(v);
            }
            Some("f") => {
                face.clear();
                for t in parts {
                    let first = t.split('/').next().unwrap_or("");
                    let i: i64 = first.parse().map_err(|_| {
                        ImportError::Garbage(format!(
                            "OBJ line {}: bad face index '{t}'",
                            lineno + 1
                        ))
                    })?;
                    let n = mesh.vertices.len() as i64;
                    let idx = if i > 0 { i - 1 } else { n + i };
                    if i == 0 || idx < 0 || idx >= n {
                        return Err(ImportError::Garbage(format!(
                            "OBJ line {}: face refers to vertex {i}, which is not defined",
                            lineno + 1
                        )));
                    }
                    face.push(idx as u32);
                }
                if face.len() < 3 {
                    return Err(ImportError::Garbage(format!(
                        "OBJ line {}: a face needs at least three vertices",
                        lineno + 1
                    )));
                }
                triangulate(&mesh.vertices, &face, &mut mesh.triangles);
                if mesh.triangles.len() > MAX_TRIANGLES {
                    return Err(ImportError::TooLarge {
                        count: mesh.triangles.len() as u64,
                    });
                }
            }
            _ => {}
        }
    }
    if mesh.triangles.is_empty() {
        return Err(ImportError::NoGeometry);
    }
    Ok(mesh)
}

/// Ear clipping in the plane of the polygon (Newell normal); falls back to a fan when the
/// polygon is degenerate.
fn triangulate(vertices: &[[f32; 3]], face: &[u32], out: &mut Vec<[u32; 3]>) {
    if face.len() == 3 {
        out.push([face[0], face[1], face[2]]);
        return;
    }
    let p3: Vec<DVec3> = face
        .iter()
        .map(|&i| DVec3::from_array(vertices[i as usize].map(f64::from)))
        .collect();
    let mut normal = DVec3::ZERO;
    for i in 0..p3.len() {
        let (a, b) = (p3[i], p3[(i + 1) % p3.len()]);
        normal += DVec3::new(
            (a.y - b.y) * (a.z + b.z),
            (a.z - b.z) * (a.x + b.x),
            (a.x - b.x) * (a.y + b.y),
        );
    }
    let fan = |out: &mut Vec<[u32; 3]>| {
        for k in 1..face.len() - 1 {
            out.push([face[0], face[k], face[k + 1]]);
        }
    };
    if normal.length_squared() == 0.0 {
        fan(out);
        return;
    }
    let n = normal.normalize();
    let u = n.any_orthonormal_vector();
    let v = n.cross(u);
    let p: Vec<DVec2> = p3.iter().map(|q| DVec2::new(q.dot(u), q.dot(v))).collect();
    let mut idx: Vec<usize> = (0..p.len()).collect();
    let cross = |a: DVec2, b: DVec2, c: DVec2| (b - a).perp_dot(c - a);
    let mut guard = 0;
    while idx.len() > 3 && guard < face.len() * face.len() {
        guard += 1;
        let m = idx.len();
        let mut clipped = false;
        for k in 0..m {
            let (ia, ib, ic) = (idx[(k + m - 1) % m], idx[k], idx[(k + 1) % m]);
            let (a, b, c) = (p[ia], p[ib], p[ic]);
            if cross(a, b, c) <= 0.0 {
                continue;
            }
            let contains_other = idx.iter().any(|&j| {
                j != ia
                    && j != ib
                    && j != ic
                    && cross(a, b, p[j]) >= 0.0
                    && cross(b, c, p[j]) >= 0.0
                    && cross(c, a, p[j]) >= 0.0
            });
            if !contains_other {
                out.push([face[ia], face[ib], face[ic]]);
                idx.remove(k);
                clipped = true;
                break;
            }
        }
        if !clipped {
            break;
        }
    }
    if idx.len() == 3 {
        out.push([face[idx[0]], face[idx[1]], face[idx[2]]]);
    } else {
        let rest: Vec<u32> = idx.iter().map(|&i| face[i]).collect();
        for k in 1..rest.len() - 1 {
            out.push([rest[0], rest[k], rest[k + 1]]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quads_and_negative_indices() {
        let obj = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\nf -4/1/1 -2//3 -1\n";
        let m = read_obj(obj.as_bytes()).unwrap();
        assert_eq!(m.triangles.len(), 3);
    }

    #[test]
    fn concave_polygon_triangulates_inside() {
        // An L shape: fan triangulation from vertex 0 would cover the notch.
        let obj = "v 0 0 0\nv 2 0 0\nv 2 1 0\nv 1 1 0\nv 1 2 0\nv 0 2 0\nf 1 2 3 4 5 6\n";
        let m = read_obj(obj.as_bytes()).unwrap();
        assert_eq!(m.triangles.len(), 4);
        let area: f64 = m
            .triangles
            .iter()
            .map(|t| {
                let (a, b, c) = (m.vertex(t[0]), m.vertex(t[1]), m.vertex(t[2]));
                (b - a).cross(c - a).z * 0.5
            })
            .sum();
        assert!((area - 3.0).abs() < 1e-9, "area {area}");
    }

    #[test]
    fn bad_index_is_an_error() {
        let e = read_obj(b"v 0 0 0\nf 1 2 3\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(read_obj(b"v 0 0 x\n").is_err());
        assert_eq!(read_obj(b"# nothing\n"), Err(ImportError::NoGeometry));
    }
}
