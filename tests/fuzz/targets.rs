//! The fuzz targets: every parser that reads input from outside Lamina, each with its seed
//! inputs and a dictionary of tokens its format is made of. Shared by the fuzzer
//! (`examples/fuzz.rs`, run by `scripts/fuzz.sh`) and the regression test (`tests/fuzz.rs`).
//!
//! A target must never panic, hang or allocate beyond the fuzzer's cap, whatever the bytes:
//! errors are the answer to bad input.

#![allow(dead_code)]

use lamina::engine::catalog::{self, webdav};
use lamina::engine::gcode::{estimate::Limits, parse, resume, thumbnails};
use lamina::engine::mesh::{self, WriteObject, write_3mf, zip};
use lamina::engine::model::{Scene, project, shapes};
use lamina::engine::pipeline::{self, Quiet};
use lamina::engine::printer::creality::{self, Frames};
use lamina::engine::printer::lan::{Client, Kind};
use lamina::engine::printer::serial::{Host, HostConfig};
use lamina::engine::settings::foreign::import_presets;
use lamina::engine::settings::{Selection, Settings, resolve};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Keeps a result alive so the work that made it is not optimised away.
fn sink<T>(v: T) {
    black_box(v);
}

pub struct Target {
    pub name: &'static str,
    /// What it reads, for the report.
    pub reads: &'static str,
    /// The longest input tried.
    pub max_len: usize,
    /// Tokens the mutator inserts.
    pub dictionary: &'static [&'static str],
    pub seeds: fn() -> Vec<Vec<u8>>,
    pub run: fn(&[u8]),
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "stl",
        reads: "STL, binary and ASCII, opened onto a plate (read, checked, repaired)",
        max_len: 16 << 10,
        dictionary: &[
            "solid ",
            "facet normal ",
            "outer loop",
            "vertex ",
            "endloop",
            "endfacet",
            "endsolid",
            "nan",
            "inf",
            "-1e308",
            "1e-320",
            "\r\n",
        ],
        seeds: stl_seeds,
        run: |b| open_model("fuzz.stl", b),
    },
    Target {
        name: "stl-triangles",
        reads: "any triangles (as a binary STL) opened onto a plate: the mesh check and repair on hostile geometry",
        max_len: 8 << 10,
        dictionary: &["\x00\x00", "\x01\x00", "\x10\x27", "\x00\x7f"],
        seeds: triangle_seeds,
        run: run_triangles,
    },
    Target {
        name: "obj",
        reads: "OBJ, opened onto a plate",
        max_len: 16 << 10,
        dictionary: &[
            "v ", "vt ", "vn ", "f ", "o ", "g ", "usemtl ", "mtllib ", "/", "//", "-1", "-2", "0",
            "nan", "1e308", "\\\n", "#",
        ],
        seeds: obj_seeds,
        run: |b| open_model("fuzz.obj", b),
    },
    Target {
        name: "3mf",
        reads: "3MF packages as bytes (the ZIP container), opened onto a plate",
        max_len: 64 << 10,
        dictionary: &[
            "PK\x03\x04",
            "PK\x01\x02",
            "PK\x05\x06",
            "3D/3dmodel.model",
            "Metadata/",
        ],
        seeds: threemf_seeds,
        run: |b| open_model("fuzz.3mf", b),
    },
    Target {
        name: "3mf-parts",
        reads: "3MF contents (model XML, Lamina, PrusaSlicer and Orca configs, paint) zipped",
        max_len: 32 << 10,
        dictionary: &[
            "<object id=\"",
            "<mesh>",
            "<vertices>",
            "<vertex x=\"",
            "<triangle v1=\"",
            "<components>",
            "<component objectid=\"",
            "<build>",
            "<item objectid=\"",
            " transform=\"",
            " slic3rpe:custom_supports=\"",
            " paint_seam=\"",
            " p:path=\"",
            "<metadata key=\"",
            "<volume firstid=\"",
            " lastid=\"",
            "volume_type",
            "subtype=\"",
            "<part id=\"",
            "&amp;",
            "&#x",
            "<![CDATA[",
            "-->",
            "\"/>",
            "</",
            "1e308",
            "-1",
            "4294967296",
            "[process]",
            "fill_density = ",
            "\n--- ",
        ],
        seeds: parts_seeds,
        run: run_parts,
    },
    Target {
        name: "lamina-preset",
        reads: "Lamina presets (.toml)",
        max_len: 16 << 10,
        dictionary: &[
            "[settings]",
            "inherits = ",
            "kind = ",
            "name = ",
            " = \"",
            "\"\"\"",
            "'",
            "[[",
            "]]",
            "{",
            "}",
            "1e308",
            "-1",
            "nan",
            "true",
        ],
        seeds: toml_seeds,
        run: |b| sink(import_presets("fuzz.toml", b, &mut new_id)),
    },
    Target {
        name: "prusa-ini",
        reads: "PrusaSlicer configs and config bundles (.ini)",
        max_len: 32 << 10,
        dictionary: &[
            "[print:",
            "[filament:",
            "[printer:",
            "[presets]",
            "inherits = ",
            " = ",
            "\n; ",
            "%",
            "nozzle_diameter = ",
            "bed_shape = ",
            "0x0,",
            ";",
            "\\n",
            "1e308",
            "nan",
        ],
        seeds: ini_seeds,
        run: |b| sink(import_presets("fuzz.ini", b, &mut new_id)),
    },
    Target {
        name: "orca-json",
        reads: "OrcaSlicer, Bambu Studio and Creality Print presets (.json)",
        max_len: 32 << 10,
        dictionary: &[
            "{",
            "}",
            "[",
            "]",
            "\"type\": ",
            "\"inherits\": ",
            "\"name\": ",
            "\"from\": ",
            "\"nozzle_diameter\": ",
            "\"printable_area\": ",
            "null",
            "1e308",
            "\"nan\"",
            "%",
            "\\u0000",
        ],
        seeds: json_seeds,
        run: |b| sink(import_presets("fuzz.json", b, &mut new_id)),
    },
    Target {
        name: "gcode",
        reads: "G-code (the estimator's parser, thumbnails, resume from layer)",
        max_len: 64 << 10,
        dictionary: &[
            "G1 ",
            "G0 ",
            "G2 ",
            "G3 ",
            "G28",
            "G90",
            "G91",
            "M82",
            "M83",
            "M204 S",
            "M203 X",
            "M566",
            "M205 X",
            "G92 E0",
            ";LAYER_CHANGE\n",
            ";Z:",
            ";LAYER:",
            ";TYPE:",
            ";WIDTH:",
            "; thumbnail begin 16x16 ",
            "; thumbnail end",
            "I-",
            "J",
            "R",
            "E-1e308",
            "F0",
            "Z-1",
            "X1e308",
            "nan",
            "M104 S",
            "M140 S",
            "M109 S",
            "M106 S",
        ],
        seeds: gcode_seeds,
        run: run_gcode,
    },
    Target {
        name: "catalog",
        reads: "model catalogs (catalog.json) and a WebDAV folder's catalog",
        max_len: 16 << 10,
        dictionary: &[
            "\"format\":",
            "\"lamina-catalog/1\"",
            "\"models\":",
            "\"files\":",
            "\"url\":",
            "\"size\":",
            "\"sha256\":",
            "\"id\":",
            "\"tags\":",
            "null",
            "18446744073709551616",
            "-1",
            "\\u0000",
            "\\ud800",
        ],
        seeds: catalog_seeds,
        run: |b| {
            sink(catalog::parse(b));
            sink(webdav::read_answer(200, Some("\"1\"".into()), b));
        },
    },
    Target {
        name: "marlin",
        reads: "Marlin serial replies (the USB host, during connect, print, pause and cancel)",
        max_len: 8 << 10,
        dictionary: &[
            "ok\n",
            "ok T:210.0 /210.0 B:60.0 /60.0\n",
            "Resend: ",
            "Resend:",
            "rs ",
            "Error:checksum mismatch, Last Line: ",
            "Error:Line Number is not Last Line Number+1, Last Line: ",
            "echo:busy: processing\n",
            "wait\n",
            "start\n",
            "FIRMWARE_NAME:Marlin ",
            "Cap:AUTOREPORT_TEMP:1\n",
            "X:1.00 Y:2.00 Z:3.00 E:4.00 Count X:0\n",
            "!!\n",
            "Error:Printer halted. kill() called!\n",
            "T0:",
            "T1:",
            "@:127",
            "\x00",
            "\x01",
            "\x02",
            "\x03",
            "\x04",
            "\x05",
            "\x06",
            "18446744073709551615",
            "-1",
        ],
        seeds: marlin_seeds,
        run: run_marlin,
    },
    Target {
        name: "octoprint",
        reads: "OctoPrint answers (job, printer, upload, commands)",
        max_len: 8 << 10,
        dictionary: &LAN_WORDS,
        seeds: || lan_seeds(OCTOPRINT),
        run: |b| run_lan(Kind::OctoPrint, b),
    },
    Target {
        name: "moonraker",
        reads: "Moonraker answers (server info, printer objects, upload, commands)",
        max_len: 8 << 10,
        dictionary: &LAN_WORDS,
        seeds: || lan_seeds(MOONRAKER),
        run: |b| run_lan(Kind::Moonraker, b),
    },
    Target {
        name: "prusalink",
        reads: "PrusaLink answers (status, upload, commands)",
        max_len: 8 << 10,
        dictionary: &LAN_WORDS,
        seeds: || lan_seeds(PRUSALINK),
        run: |b| run_lan(Kind::PrusaLink, b),
    },
    Target {
        name: "creality",
        reads: "Creality stock firmware: /info and the status frames of its socket",
        max_len: 8 << 10,
        dictionary: &LAN_WORDS,
        seeds: || lan_seeds(CREALITY),
        run: run_creality,
    },
];

const LAN_WORDS: [&str; 16] = [
    "{",
    "}",
    "[",
    "]",
    "\"state\":",
    "\"result\":",
    "\"status\":",
    "\"progress\":",
    "null",
    "1e308",
    "-1",
    "\"nan\"",
    "18446744073709551616",
    "\\ud800",
    "\x00",
    "\n",
];

/// Opens a model file as the app does: read it, then put its objects on a plate, which
/// repairs each mesh and maps its paint and volumes onto the repaired triangles.
fn open_model(name: &str, bytes: &[u8]) {
    if let Ok(opened) = project::open_file(name, bytes) {
        let scene = Scene::from_objects(opened.objects);
        sink(scene.bounds());
        sink(opened.settings);
    }
}

pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

fn new_id(kind: lamina::engine::settings::PresetKind, name: &str) -> String {
    format!("{kind:?}-{name}")
}

/// The shared test models: $LAMINA_SHARED, or a shared/ folder beside the checkout.
fn shared() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var_os("LAMINA_SHARED").map(PathBuf::from),
        Some(root.join("../shared")),
        Some(root.join("../../shared")),
    ]
    .into_iter()
    .flatten()
    .find(|d| d.join("models").is_dir())
}

/// Files with one of these extensions, no larger than `max`, from the shared models and this
/// repository's folders given.
fn files(exts: &[&str], dirs: &[&str], max: usize) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut folders: Vec<PathBuf> = dirs.iter().map(|d| root.join(d)).collect();
    folders.extend(shared().map(|s| s.join("models")));
    let mut paths: Vec<PathBuf> = folders
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| b.len() <= max)
        .collect()
}

fn cube(size: f64) -> mesh::Mesh {
    shapes::extrude(&shapes::rect(0.0, 0.0, size, size), 0.0, size)
}

fn ascii_stl(m: &mesh::Mesh) -> Vec<u8> {
    use std::fmt::Write;
    let mut s = String::from("solid cube\n");
    for t in &m.triangles {
        s.push_str(" facet normal 0 0 0\n  outer loop\n");
        for &i in t {
            let v = m.vertices[i as usize];
            let _ = writeln!(s, "   vertex {} {} {}", v[0], v[1], v[2]);
        }
        s.push_str("  endloop\n endfacet\n");
    }
    s.push_str("endsolid cube\n");
    s.into_bytes()
}

fn stl_seeds() -> Vec<Vec<u8>> {
    let c = cube(10.0);
    let mut v = vec![mesh::write_binary_stl(&c), ascii_stl(&c)];
    v.extend(files(&["stl"], &[], 16 << 10));
    v
}

/// The triangles format: a mode byte, then coordinates. Mode even: each coordinate is a
/// little-endian i16 in hundredths of a millimetre (so vertices meet, repeat and degenerate
/// as in real files); odd: raw f32 (NaN, infinities, subnormals and huge values too).
fn triangle_seeds() -> Vec<Vec<u8>> {
    let c = cube(10.0);
    let mut grid = vec![0u8];
    let mut raw = vec![1u8];
    for t in &c.triangles {
        for &i in t {
            for a in c.vertices[i as usize] {
                grid.extend_from_slice(&((a * 100.0) as i16).to_le_bytes());
                raw.extend_from_slice(&a.to_le_bytes());
            }
        }
    }
    vec![grid, raw]
}

fn run_triangles(input: &[u8]) {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let coords: Vec<f32> = if mode % 2 == 0 {
        rest.chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 100.0)
            .collect()
    } else {
        rest.chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    let n = coords.len() / 9;
    let mut stl = vec![0u8; 80];
    stl.extend_from_slice(&(n as u32).to_le_bytes());
    for t in coords.chunks_exact(9) {
        stl.extend_from_slice(&[0u8; 12]);
        for a in t {
            stl.extend_from_slice(&a.to_le_bytes());
        }
        stl.extend_from_slice(&[0, 0]);
    }
    open_model("fuzz.stl", &stl);
}

fn obj_seeds() -> Vec<Vec<u8>> {
    let mut v = files(&["obj"], &[], 16 << 10);
    v.push(b"v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvt 0 0\nvn 0 0 1\nf 1/1/1 2/1/1 3/1/1\nf 1//1 2//1 4//1\nf -1 -2 -3\nf 2 3 4\n".to_vec());
    v
}

const PRUSA_MODEL_CONFIG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<config>
 <object id="1" instances_count="1">
  <metadata type="object" key="name" value="Cube &amp; blocker"/>
  <metadata type="object" key="fill_density" value="40%"/>
  <volume firstid="0" lastid="11">
   <metadata type="volume" key="name" value="Cube"/>
   <metadata type="volume" key="volume_type" value="ModelPart"/>
  </volume>
  <volume firstid="12" lastid="23">
   <metadata type="volume" key="name" value="Support blocker"/>
   <metadata type="volume" key="volume_type" value="SupportBlocker"/>
  </volume>
 </object>
</config>"#;

const ORCA_MODEL_CONFIG: &str = r#"<config><object id="1"><metadata key="name" value="Arm"/>
<part id="2" subtype="normal_part"><metadata key="name" value="Arm"/></part>
<part id="3" subtype="modifier_part"><metadata key="sparse_infill_density" value="80%"/></part>
</object><plate><metadata key="plater_id" value="1"/><model_instance><metadata key="object_id" value="1"/></model_instance></plate></config>"#;

/// A model XML with paint, components and a transform, as PrusaSlicer and Orca write them.
const PAINTED_MODEL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" xmlns:slic3rpe="http://schemas.slic3r.org/3mf/2017/06" xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06">
 <metadata name="Title">painted</metadata>
 <resources>
  <object id="2" type="model">
   <mesh>
    <vertices>
     <vertex x="0" y="0" z="0"/><vertex x="10" y="0" z="0"/><vertex x="0" y="10" z="0"/><vertex x="0" y="0" z="10"/>
    </vertices>
    <triangles>
     <triangle v1="0" v2="2" v3="1" slic3rpe:custom_supports="8"/>
     <triangle v1="0" v2="1" v3="3" slic3rpe:custom_seam="4"/>
     <triangle v1="0" v2="3" v3="2" paint_supports="1C"/>
     <triangle v1="1" v2="2" v3="3" paint_seam="303C"/>
    </triangles>
   </mesh>
  </object>
  <object id="1" type="model">
   <components><component objectid="2" transform="1 0 0 0 1 0 0 0 1 5 5 0"/><component objectid="2" p:path="/3D/3dmodel.model"/></components>
  </object>
 </resources>
 <build><item objectid="1" transform="1 0 0 0 1 0 0 0 1 100 100 0" printable="1"/></build>
</model>
"#;

/// Seed packages: Lamina's own project, and packages with PrusaSlicer's and Orca's configs.
fn packages() -> Vec<Vec<(String, Vec<u8>)>> {
    let c = cube(10.0);
    let blocker = cube(4.0);
    let mut both = c.clone();
    let n = both.vertices.len() as u32;
    both.vertices.extend(&blocker.vertices);
    both.triangles
        .extend(blocker.triangles.iter().map(|t| t.map(|i| i + n)));
    let plain = |m: &mesh::Mesh, extra: &[(&str, &[u8])]| {
        let o = WriteObject {
            name: "cube",
            mesh: m,
            instances: &[glam::DAffine3::IDENTITY],
            paint: &[],
            volumes: &[],
            settings: &Default::default(),
        };
        unzip(&write_3mf("seed", &[o], extra))
    };
    let mut scene = Scene::default();
    scene.add(mesh::import("cube.stl", &mesh::write_binary_stl(&c)).expect("cube"));
    let settings = project::ProjectSettings {
        choice: Default::default(),
        overrides: [("fill_density".to_string(), "40%".to_string())].into(),
        presets: Vec::new(),
    };
    let prusa_config = "; generated by PrusaSlicer 2.5.0\n; fill_density = 25%\n; layer_height = 0.2\n; perimeters = 3\n";
    let orca = r#"{"layer_height": "0.2", "sparse_infill_density": "15%", "wall_loops": "2", "from": "project"}"#;
    vec![
        unzip(&project::write_project(
            "seed",
            &scene,
            &settings,
            lamina::engine::model::calibration::LayerGrid {
                first: 0.2,
                height: 0.2,
            },
            None,
        )),
        plain(
            &both,
            &[
                (
                    "Metadata/Slic3r_PE_model.config",
                    PRUSA_MODEL_CONFIG.as_bytes(),
                ),
                ("Metadata/Slic3r_PE.config", prusa_config.as_bytes()),
            ],
        ),
        plain(
            &c,
            &[
                (
                    "Metadata/model_settings.config",
                    ORCA_MODEL_CONFIG.as_bytes(),
                ),
                ("Metadata/project_settings.config", orca.as_bytes()),
            ],
        ),
        vec![("3D/3dmodel.model".into(), PAINTED_MODEL.as_bytes().to_vec())],
    ]
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    zip::entries(bytes)
        .expect("a package Lamina wrote")
        .iter()
        .map(|e| (e.name.to_string(), e.read().expect("readable")))
        .collect()
}

fn threemf_seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = packages()
        .iter()
        .map(|files| {
            let refs: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            zip::write(&refs)
        })
        .collect();
    v.extend(files(&["3mf"], &[], 64 << 10));
    v
}

/// The parts format: files one after another, each after a line `--- path`.
pub fn join_parts(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        // Thumbnails are pictures, not parsed when a file opens.
        if name.ends_with(".png") {
            continue;
        }
        out.extend_from_slice(format!("--- {name}\n").as_bytes());
        out.extend_from_slice(bytes);
        out.push(b'\n');
    }
    out
}

fn split_parts(input: &[u8]) -> Vec<(String, &[u8])> {
    let mut parts = Vec::new();
    let mut rest = input;
    let mut name = String::from("3D/3dmodel.model");
    loop {
        let next = rest
            .windows(5)
            .position(|w| w == b"\n--- ")
            .map(|i| i + 1)
            .or_else(|| rest.starts_with(b"--- ").then_some(0));
        let Some(at) = next else {
            parts.push((name, rest));
            return parts;
        };
        if at > 0 {
            parts.push((name, &rest[..at - 1]));
        }
        let head = &rest[at + 4..];
        let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        name = String::from_utf8_lossy(&head[..end]).into_owned();
        rest = head.get(end + 1..).unwrap_or_default();
    }
}

fn parts_seeds() -> Vec<Vec<u8>> {
    packages().iter().map(|p| join_parts(p)).collect()
}

fn run_parts(input: &[u8]) {
    let parts = split_parts(input);
    let mut files: Vec<(&str, &[u8])> = vec![(
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>"#,
    )];
    files.extend(
        parts
            .iter()
            .filter(|(n, _)| n.is_ascii() && n.len() < 200)
            .map(|(n, b)| (n.as_str(), *b)),
    );
    open_model("fuzz.3mf", &zip::write(&files));
}

fn toml_seeds() -> Vec<Vec<u8>> {
    files(
        &["toml"],
        &["presets/printers", "presets/filaments", "presets/processes"],
        16 << 10,
    )
}

fn ini_seeds() -> Vec<Vec<u8>> {
    let mut v = files(&["ini"], &["tests/data"], 32 << 10);
    v.push(b"# generated by PrusaSlicer 2.5.0\nlayer_height = 0.2\nfill_density = 20%\nbed_shape = 0x0,220x0,220x220,0x220\nnozzle_diameter = 0.4\nstart_gcode = G28\\nG1 Z5\n".to_vec());
    v
}

fn json_seeds() -> Vec<Vec<u8>> {
    files(&["json"], &["tests/data"], 32 << 10)
}

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| resolve(&Selection::default()).expect("default presets resolve"))
}

fn gcode_seeds() -> Vec<Vec<u8>> {
    let sel = Selection {
        overrides: [
            ("thumbnails".to_string(), "16x16/PNG, 8x8/QOI".to_string()),
            ("arc_fitting".to_string(), "emit_center".to_string()),
        ]
        .into(),
        ..Default::default()
    };
    let s = resolve(&sel).expect("settings");
    let mut scene = Scene::default();
    scene.add(mesh::import("pin.stl", &mesh::write_binary_stl(&cube(3.0))).expect("a small cube"));
    scene.drop_to_bed();
    scene.center_at(s.bed_size_x / 2.0, s.bed_size_y / 2.0);
    let gcode = pipeline::slice(&scene, &s, &[], &mut Quiet)
        .expect("a small cube slices")
        .gcode;
    // Start, the first layers and the end, within the size the fuzzer tries.
    let lines: Vec<&str> = gcode.lines().collect();
    let mut short: Vec<&str> = lines.iter().take(900).copied().collect();
    short.extend(lines.iter().skip(lines.len().saturating_sub(100)));
    vec![
        short.join("\n").into_bytes(),
        b"M203 X500 Y500\nM204 P1000 T2000\nG28\nG90\nM83\n;LAYER_CHANGE\n;Z:0.2\nG1 Z0.2 F600\nG1 X10 Y10 E1 F1500\nG2 X20 Y10 I5 J0 E0.5\nG3 X10 Y10 R5 E0.5\n;LAYER_CHANGE\n;Z:0.4\nG1 Z0.4\nG1 X0 Y0 E2\n".to_vec(),
    ]
}

fn run_gcode(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let parsed = parse::parse(&text, Limits::from_settings(settings()));
    sink(parsed);
    sink(thumbnails::read(&text));
    let layer = input.first().map_or(2, |&b| b as usize % 8);
    sink(resume::resume(&text, resume::From::Layer(layer)));
    sink(resume::resume(&text, resume::From::Z(0.4)));
}

fn catalog_seeds() -> Vec<Vec<u8>> {
    vec![
        br#"{"format":"lamina-catalog/1","name":"Lamina calibration models","report":"https://example.org/report?model={id}","models":[{"id":"calibration-cube","name":"Calibration cube","author":"Lamina","licence":"CC0-1.0","tags":["calibration"],"description":"A 20 mm cube.","thumbnail":"thumbs/calibration-cube.png","files":[{"url":"models/calibration-cube.stl","size":684,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}],"created":"2026-11-30","report":null}]}"#.to_vec(),
        br#"{"format":"lamina-catalog/1","name":"x","models":[]}"#.to_vec(),
    ]
}

fn marlin_seeds() -> Vec<Vec<u8>> {
    vec![
        b"start\necho:Marlin 2.1.2\n\x00FIRMWARE_NAME:Marlin 2.1.2 (Jan 1 2024) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Ender-3 EXTRUDER_COUNT:1\nCap:AUTOREPORT_TEMP:1\nok\n\x00ok\n\x05ok\nok T:210.0 /210.0 B:60.0 /60.0 @:0 B@:0\n\x00ok\nError:checksum mismatch, Last Line: 3\nResend: 4\nok\n\x00echo:busy: processing\nok\n\x01ok\n\x02ok\nX:1.00 Y:2.00 Z:3.00 E:4.00 Count X:80 Y:160 Z:1200\nok\n\x00 T:200.1 /0.0 B:25.0 /0.0 T0:200.1 /0.0 T1:25.0 /0.0\nok\n\x03ok\nok\n".to_vec(),
        b"start\n\x00ok\n\x05ok\nok\nrs 2\nok\nok\n\x00!!\nError:Printer halted. kill() called!\n".to_vec(),
    ]
}

/// The reply stream, in pieces between NUL bytes; control bytes at the start of a piece stand
/// for what the user does: 1 pause, 2 resume, 3 cancel, 4 a typed command, 5 print, 6 unplug
/// and plug the cable again. Between pieces the clock moves on by the piece's length in
/// tenths of a second.
fn run_marlin(input: &[u8]) {
    let job: String = (0..40)
        .map(|i| format!("G1 X{} Y{} E0.1 ; line {i}\n", i % 7, i % 5))
        .chain(["M109 S210\nG28\nM400\n".to_string()])
        .collect();
    let mut host = Host::new(HostConfig::default());
    let mut now = 0.0;
    host.opened(now);
    for piece in input.split(|&b| b == 0) {
        match piece.first() {
            Some(1) => host.pause(),
            Some(2) => host.resume(),
            Some(3) => host.cancel(),
            Some(4) => host.command("M105\nG28 X\n; a comment\n"),
            Some(5) => sink(host.print(&job, now)),
            Some(6) => {
                host.closed();
                host.opened(now);
            }
            _ => {}
        }
        host.received(piece, now);
        sink(host.poll(now));
        sink(host.take_events());
        now += 0.1 * piece.len() as f64;
        sink(host.poll(now));
    }
    sink(host.status());
}

const OCTOPRINT: &[&[u8]] = &[
    br#"{"job":{"file":{"name":"cube.gcode"}},"progress":{"completion":50.0,"printTime":10,"printTimeLeft":10},"state":"Printing"}"#,
    br#"{"temperature":{"tool0":{"actual":210.0,"target":210.0},"bed":{"actual":60.0,"target":60.0}},"state":{"text":"Printing"}}"#,
    br#"{"error":"Printer is not operational"}"#,
    br#"{"done":true,"files":{"local":{"name":"cube.gcode","origin":"local"}},"effectiveSelect":true,"effectivePrint":true}"#,
];
const MOONRAKER: &[&[u8]] = &[
    br#"{"result":{"klippy_connected":true,"klippy_state":"ready","components":["database"],"moonraker_version":"v0.11.0"}}"#,
    br#"{"result":{"eventtime":1.0,"status":{"print_stats":{"state":"printing","filename":"cube.gcode","print_duration":12.5},"virtual_sdcard":{"progress":0.25},"extruder":{"temperature":210.0,"target":210.0},"heater_bed":{"temperature":60.0,"target":60.0}}}}"#,
    br#"{"result":{"item":{"path":"benchy.gcode","root":"gcodes","modified":1676940082.8595376,"size":50,"permissions":"rw"},"print_started":true,"print_queued":false,"action":"create_file"}}"#,
    br#"{"error":{"code":400,"message":"Move out of range: 0.000 0.000 -5.000 [0.000]","traceback":""}}"#,
];
const PRUSALINK: &[&[u8]] = &[
    br#"{"storage":{"path":"/usb/","name":"usb","read_only":false},"printer":{"state":"PRINTING","temp_bed":59.9,"target_bed":60.0,"temp_nozzle":214.9,"target_nozzle":215.0,"axis_z":2.4,"flow":100,"speed":100,"fan_hotend":3900,"fan_print":4200},"job":{"id":297,"progress":91.0,"time_remaining":360,"time_printing":3700}}"#,
    br#"{"printer":{"state":"IDLE","temp_bed":22.0,"target_bed":0.0,"temp_nozzle":23.1,"target_nozzle":0.0}}"#,
];
const CREALITY: &[&[u8]] = &[
    br#"{"model":"F001","hostname":"K1-1234"}"#,
    br#"{"model":"F001","state":0,"nozzleTemp":"25.10","bedTemp0":24.5,"targetNozzleTemp":0,"err":{"errcode":0,"key":0}}"#,
    br#"{"state":1,"printFileName":"/usr/data/printer_data/gcodes/cube.gcode","printProgress":42,"printLeftTime":"300"}"#,
    br#"{"err":{"errcode":2001,"key":1}}"#,
];

/// Answers one after another, between NUL bytes.
fn lan_seeds(answers: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = answers.iter().map(|a| a.to_vec()).collect();
    v.push(answers.join(&b"\x00"[..]));
    v
}

/// The input is the printer's answers between NUL bytes; each is read as the answer to every
/// request that kind of printer makes, under the status codes printers give.
fn run_lan(kind: Kind, input: &[u8]) {
    let client = Client::new(kind, "key");
    let bodies: Vec<&[u8]> = input.split(|&b| b == 0).collect();
    let wanted = client.status_requests().len();
    let code = match input.len() % 5 {
        0..=2 => 200,
        3 => 409,
        _ => 500,
    };
    for start in 0..bodies.len() {
        let answers: Vec<(u16, Vec<u8>)> = (0..wanted)
            .map(|i| {
                let body = bodies.get(start + i).copied().unwrap_or_default();
                (if i == 0 { 200 } else { code }, body.to_vec())
            })
            .collect();
        sink(client.read_status(&answers));
    }
    for body in &bodies {
        for code in [200, 201, 204, 401, 409] {
            sink(client.read_upload(code, body, true));
            sink(client.read_answer(code, body));
        }
    }
}

fn run_creality(input: &[u8]) {
    let mut frames = Frames::default();
    for piece in input.split(|&b| b == 0) {
        let text = String::from_utf8_lossy(piece);
        sink(creality::parse_info(piece));
        frames.feed(&text);
        sink(frames.status());
        sink(frames.error());
        sink(frames.model());
    }
    run_lan(Kind::Creality, input);
}
