//! Writing 3MF packages.

use super::zip;
use crate::engine::mesh::paint::PaintKind;
use crate::engine::mesh::{FacetPaint, Mesh, Volume};
use crate::engine::settings::Overrides;
use glam::DAffine3;

/// One object to write: its name, mesh (object coordinates, mm), where its copies stand, and
/// its support paint and volumes.
pub struct WriteObject<'a> {
    pub name: &'a str,
    pub mesh: &'a Mesh,
    pub instances: &'a [DAffine3],
    /// Support and seam paint.
    pub paint: &'a [(PaintKind, &'a FacetPaint)],
    pub volumes: &'a [Volume],
    /// Its own settings.
    pub settings: &'a Overrides,
}

/// Writes a 3MF package (core specification, millimetres) with the given objects as build
/// items, plus extra files (e.g. `Metadata/…`); a `Metadata/thumbnail.png` among them is
/// linked as the package thumbnail. Support and seam paint go on the triangles as PrusaSlicer's
/// `slic3rpe:custom_supports` and `slic3rpe:custom_seam`; an object's volumes follow its own triangles in its mesh, and
/// `Metadata/Slic3r_PE_model.config` says which triangles each volume holds and holds each
/// object's own settings, as PrusaSlicer writes them.
pub fn write_3mf(title: &str, objects: &[WriteObject], extra: &[(&str, &[u8])]) -> Vec<u8> {
    use std::fmt::Write;
    let mut model = String::with_capacity(
        1024 + objects
            .iter()
            .map(|o| o.mesh.vertices.len() * 60 + o.mesh.triangles.len() * 45)
            .sum::<usize>(),
    );
    model.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model unit=\"millimeter\" xml:lang=\"en-US\" \
         xmlns=\"http://schemas.microsoft.com/3dmanufacturing/core/2015/02\" \
         xmlns:slic3rpe=\"http://schemas.slic3r.org/3mf/2017/06\">\n",
    );
    let _ = writeln!(
        model,
        " <metadata name=\"Application\">Lamina</metadata>\n <metadata name=\"Title\">{}</metadata>\n \
         <metadata name=\"slic3rpe:Version3mf\">1</metadata>\n <resources>",
        xml_escape(title)
    );
    for (i, o) in objects.iter().enumerate() {
        let _ = writeln!(
            model,
            "  <object id=\"{}\" name=\"{}\" type=\"model\">\n   <mesh>\n    <vertices>",
            i + 1,
            xml_escape(o.name)
        );
        let meshes = || std::iter::once(o.mesh).chain(o.volumes.iter().map(|v| &*v.mesh));
        for v in meshes().flat_map(|m| &m.vertices) {
            let _ = writeln!(
                model,
                "     <vertex x=\"{}\" y=\"{}\" z=\"{}\"/>",
                v[0], v[1], v[2]
            );
        }
        model.push_str("    </vertices>\n    <triangles>\n");
        let mut base = 0;
        for (k, m) in meshes().enumerate() {
            for (i, t) in m.triangles.iter().enumerate() {
                let _ = write!(
                    model,
                    "     <triangle v1=\"{}\" v2=\"{}\" v3=\"{}\"",
                    t[0] + base,
                    t[1] + base,
                    t[2] + base
                );
                for (kind, paint) in o.paint.iter().filter(|_| k == 0) {
                    if let Some(node) = paint.get(i as u32) {
                        let _ = write!(
                            model,
                            " slic3rpe:{}=\"{}\"",
                            kind.attribute(),
                            node.encode()
                        );
                    }
                }
                model.push_str("/>\n");
            }
            base += m.vertices.len() as u32;
        }
        model.push_str("    </triangles>\n   </mesh>\n  </object>\n");
    }
    model.push_str(" </resources>\n <build>\n");
    for (i, o) in objects.iter().enumerate() {
        for t in o.instances {
            let m = t.matrix3;
            let v = t.translation;
            let _ = writeln!(
                model,
                "  <item objectid=\"{}\" transform=\"{} {} {} {} {} {} {} {} {} {} {} {}\"/>",
                i + 1,
                m.x_axis.x,
                m.x_axis.y,
                m.x_axis.z,
                m.y_axis.x,
                m.y_axis.y,
                m.y_axis.z,
                m.z_axis.x,
                m.z_axis.y,
                m.z_axis.z,
                v.x,
                v.y,
                v.z
            );
        }
    }
    model.push_str(" </build>\n</model>\n");
    let thumbnail = extra
        .iter()
        .any(|(p, _)| p.eq_ignore_ascii_case("Metadata/thumbnail.png"));
    let rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n \
         <Relationship Target=\"/3D/3dmodel.model\" Id=\"rel0\" Type=\"http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel\"/>\n{}</Relationships>\n",
        if thumbnail {
            " <Relationship Target=\"/Metadata/thumbnail.png\" Id=\"rel1\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail\"/>\n"
        } else {
            ""
        }
    );
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\n \
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\n \
         <Default Extension=\"model\" ContentType=\"application/vnd.ms-package.3dmanufacturing-3dmodel+xml\"/>\n \
         <Default Extension=\"png\" ContentType=\"image/png\"/>\n \
         <Default Extension=\"toml\" ContentType=\"application/toml\"/>\n</Types>\n";
    let config = volume_config(objects);
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("3D/3dmodel.model", model.as_bytes()),
    ];
    if let Some(c) = &config {
        files.push(("Metadata/Slic3r_PE_model.config", c.as_bytes()));
    }
    files.extend_from_slice(extra);
    zip::write(&files)
}

/// PrusaSlicer's `Slic3r_PE_model.config`: each object's name, own settings and volumes (as
/// triangle ranges of its mesh). None when no object has volumes or settings. PrusaSlicer
/// and OrcaSlicer read the settings (Lamina's keys are PrusaSlicer's where it has the
/// setting; it passes over the others).
fn volume_config(objects: &[WriteObject]) -> Option<String> {
    use std::fmt::Write;
    if objects
        .iter()
        .all(|o| o.volumes.is_empty() && o.settings.is_empty())
    {
        return None;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config>\n");
    for (i, o) in objects.iter().enumerate() {
        let _ = writeln!(
            out,
            " <object id=\"{}\" instances_count=\"{}\">\n  <metadata type=\"object\" key=\"name\" value=\"{}\"/>",
            i + 1,
            o.instances.len(),
            xml_escape(o.name)
        );
        for (key, value) in o.settings.prusa_pairs() {
            let _ = writeln!(
                out,
                "  <metadata type=\"object\" key=\"{key}\" value=\"{}\"/>",
                xml_escape(&value)
            );
        }
        let volumes = std::iter::once((o.name, "ModelPart", o.mesh)).chain(
            o.volumes
                .iter()
                .map(|v| (v.name.as_str(), v.kind.name(), &*v.mesh)),
        );
        let mut first = 0;
        for (name, kind, mesh) in volumes {
            let last = first + mesh.triangles.len();
            let _ = writeln!(
                out,
                "  <volume firstid=\"{first}\" lastid=\"{}\">\n   <metadata type=\"volume\" key=\"name\" value=\"{}\"/>\n   \
                 <metadata type=\"volume\" key=\"volume_type\" value=\"{kind}\"/>\n   \
                 <metadata type=\"volume\" key=\"matrix\" value=\"1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1\"/>\n  </volume>",
                last.saturating_sub(1),
                xml_escape(name)
            );
            first = last;
        }
        out.push_str(" </object>\n");
    }
    out.push_str("</config>\n");
    Some(out)
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
