//! Shared helpers for the integration tests: where the shared models and tools are, slicing
//! through the library, the independent G-code checker, and PrusaSlicer as the reference.

#![allow(dead_code)]

use lamina::engine::mesh;
use lamina::engine::model::Scene;
use lamina::engine::pipeline::{self, Quiet, SliceOutput};
use lamina::engine::settings::{Selection, Settings, resolve};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared folder with test models and tools: $LAMINA_SHARED, or ../shared beside the
/// repository.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("LAMINA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        dir.join("tools/gcode_check.py").exists(),
        "the shared test models and tools are not at {} (set LAMINA_SHARED)",
        dir.display()
    );
    dir
}

/// Every model in the shared folder, by name.
pub fn shared_models() -> Vec<PathBuf> {
    let mut models: Vec<PathBuf> = std::fs::read_dir(shared().join("models"))
        .expect("shared models")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| mesh::is_model_name(&p.to_string_lossy()))
        .collect();
    models.sort();
    models
}

pub fn model(name: &str) -> PathBuf {
    shared().join("models").join(name)
}

/// A scratch folder for this test's files, under target/.
pub fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-output")
        .join(name);
    std::fs::create_dir_all(&dir).expect("create test output folder");
    dir
}

/// Loads a model file as the CLI does for one model: on the bed, centred.
pub fn scene_of(path: &Path, s: &Settings) -> Scene {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    let mut scene = Scene::default();
    scene.add(mesh::import(name, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    scene.drop_to_bed();
    scene.center_at(s.bed_size_x / 2.0, s.bed_size_y / 2.0);
    scene
}

pub fn default_settings() -> Settings {
    resolve(&Selection::default()).expect("default presets resolve")
}

/// Slices a model file with default settings and writes the G-code beside the test output.
/// A shape `lamina generate` makes, written as STL under target/test-output/`dir`.
pub fn shape_file(dir: &str, name: &str) -> PathBuf {
    let path = out_dir(dir).join(format!("{name}.stl"));
    let mesh = lamina::engine::model::shapes::shape(name).expect("known shape");
    std::fs::write(&path, lamina::engine::mesh::write_binary_stl(&mesh)).expect("write shape");
    path
}

pub fn slice_file(path: &Path, test: &str) -> (PathBuf, SliceOutput) {
    let s = default_settings();
    slice_with(path, test, &s)
}

pub fn slice_with(path: &Path, test: &str, s: &Settings) -> (PathBuf, SliceOutput) {
    let scene = scene_of(path, s);
    let out = pipeline::slice(&scene, s, &[], &mut Quiet)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("model");
    let gcode = out_dir(test).join(format!("{stem}.gcode"));
    std::fs::write(&gcode, &out.gcode).expect("write G-code");
    (gcode, out)
}

/// Runs ../shared/tools/gcode_check.py and returns its JSON report.
pub fn check(gcode: &Path, model: Option<&Path>) -> serde_json::Value {
    check_args(gcode, model, &[])
}

/// The checker's report with the uncovered share of the wall band (`--coverage`).
pub fn check_coverage(gcode: &Path, model: &Path) -> serde_json::Value {
    check_args(gcode, Some(model), &["--coverage"])
}

fn check_args(gcode: &Path, model: Option<&Path>, extra: &[&str]) -> serde_json::Value {
    let mut cmd = Command::new("python3");
    cmd.arg(shared().join("tools/gcode_check.py"))
        .arg(gcode)
        .args(extra);
    if let Some(m) = model {
        cmd.arg("--model").arg(m);
    }
    let out = cmd.output().expect("python3 runs the G-code checker");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "checker output for {} is not JSON ({e}): {}{}",
            gcode.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Filament (mm) the start G-code's prime line pushes: part of the printer's start routine,
/// not of the model, so it is left out of volume comparisons.
pub fn prime_filament(gcode: &Path) -> f64 {
    let text = std::fs::read_to_string(gcode).expect("read G-code");
    let Some(start) = text.find("\n;TYPE:Prime line") else {
        return 0.0;
    };
    let block = &text[start..];
    let end = block.find(";LAYER_CHANGE").unwrap_or(block.len());
    block[..end]
        .lines()
        .filter(|l| l.starts_with("G1"))
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix('E'))
                .and_then(|e| e.parse::<f64>().ok())
        })
        .filter(|e| *e > 0.0)
        .sum()
}

/// The print's own travel (mm) and retractions: from the first extrusion of the first layer
/// to the last extrusion. The moves into the first layer and out after the last belong to the
/// printer's start and end G-code, which differ between slicers' profiles.
pub fn print_moves(gcode: &Path) -> (f64, usize) {
    let text = std::fs::read_to_string(gcode).expect("read G-code");
    let (mut x, mut y, mut e) = (f64::NAN, f64::NAN, 0.0);
    let (mut abs_xy, mut abs_e) = (true, true);
    let (mut travel, mut retractions) = (0.0, 0);
    // Travel and retractions since the last extrusion, counted once another extrusion follows.
    let (mut pending_travel, mut pending_retractions) = (0.0, 0);
    let (mut started, mut in_layers) = (false, false);
    for l in text.lines() {
        in_layers |= l.starts_with(";LAYER_CHANGE");
        let code = l.split(';').next().unwrap_or("").trim();
        let mut words = code.split_whitespace();
        let Some(cmd) = words.next() else { continue };
        let arg = |c: char| gcode_word(code, c);
        match cmd {
            "G90" => (abs_xy, abs_e) = (true, true),
            "G91" => (abs_xy, abs_e) = (false, false),
            "M82" => abs_e = true,
            "M83" => abs_e = false,
            "G92" => {
                if let Some(v) = arg('E') {
                    e = v;
                }
            }
            "G0" | "G1" => {
                let step = |old: f64, v: Option<f64>, abs: bool| match v {
                    Some(v) if abs => v,
                    Some(v) => old + v,
                    None => old,
                };
                let (nx, ny) = (step(x, arg('X'), abs_xy), step(y, arg('Y'), abs_xy));
                let ne = step(e, arg('E'), abs_e);
                let d = if x.is_finite() && nx.is_finite() {
                    (nx - x).hypot(ny - y)
                } else {
                    0.0
                };
                let extrudes = ne > e + 1e-9 && d > 0.0;
                if extrudes && in_layers {
                    if started {
                        travel += pending_travel;
                        retractions += pending_retractions;
                    }
                    started = true;
                    (pending_travel, pending_retractions) = (0.0, 0);
                } else if ne < e - 1e-9 {
                    pending_retractions += 1;
                } else if !extrudes {
                    pending_travel += d;
                }
                (x, y, e) = (nx, ny, ne);
            }
            _ => {}
        }
    }
    (travel, retractions)
}

/// Extruded volume over model volume, without the prime line.
pub fn model_volume_ratio(report: &serde_json::Value, gcode: &Path) -> f64 {
    let filament = report["filament_mm"].as_f64().expect("filament_mm") - prime_filament(gcode);
    let area = std::f64::consts::PI * 1.75 * 1.75 / 4.0;
    filament * area / report["model_volume_mm3"].as_f64().expect("model volume")
}

/// PrusaSlicer 2.5's options for the settings matched to Lamina's defaults: those of
/// ../shared/tools/peer_slice.sh, plus Lamina's retraction defaults (a retraction at every
/// layer change, none for a travel that stays inside the part), which PrusaSlicer's own
/// defaults do not share, and its variable-width walls named (its default too).
/// scripts/quality.py uses the same list.
pub const PRUSA_ARGS: &[&str] = &[
    "-g",
    "--layer-height",
    "0.2",
    "--first-layer-height",
    "0.2",
    "--perimeters",
    "2",
    "--top-solid-layers",
    "3",
    "--bottom-solid-layers",
    "3",
    "--fill-density",
    "20%",
    "--fill-pattern",
    "rectilinear",
    "--skirts",
    "1",
    "--nozzle-diameter",
    "0.4",
    "--filament-diameter",
    "1.75",
    "--gcode-flavor",
    "marlin2",
    "--bed-shape",
    "0x0,220x0,220x220,0x220",
    "--center",
    "110,110",
    "--temperature",
    "200",
    "--bed-temperature",
    "60",
    "--retract-layer-change",
    "--only-retract-when-crossing-perimeters",
    "--perimeter-generator",
    "arachne",
];

/// What PrusaSlicer 2.5 makes of a model at the settings matched to Lamina's defaults
/// (`PRUSA_ARGS`): its G-code and the checker's report of it. Cached under target/peer-cache
/// by model content and options, so each model is sliced once.
pub struct Reference {
    pub gcode: PathBuf,
    pub report: serde_json::Value,
}

pub fn prusaslicer(model: &Path) -> Reference {
    prusaslicer_with(model, &[])
}

/// `prusaslicer` with options on top of `PRUSA_ARGS` (a feature turned on).
pub fn prusaslicer_with(model: &Path, extra: &[&str]) -> Reference {
    let mut bytes = std::fs::read(model).expect("read model");
    bytes.extend(PRUSA_ARGS.join(" ").bytes());
    bytes.extend(extra.join(" ").bytes());
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let stem = model
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or("model");
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peer-cache");
    std::fs::create_dir_all(&cache).expect("create peer cache");
    let gcode = cache.join(format!("{stem}-{hash:016x}.gcode"));
    if !gcode.exists() {
        // Tests running at once may want the same reference: each writes its own file and
        // the last rename wins (the contents are the same).
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = gcode.with_extension(format!("{}-{n}.tmp.gcode", std::process::id()));
        let status = Command::new("prusa-slicer")
            .args(PRUSA_ARGS)
            .args(extra)
            .arg(model)
            .arg("-o")
            .arg(&tmp)
            .output()
            .expect(
                "prusa-slicer runs (scripts/test.sh installs it: apt-get install prusa-slicer)",
            );
        assert!(
            status.status.success() && tmp.exists(),
            "prusa-slicer failed on {}: {}",
            model.display(),
            String::from_utf8_lossy(&status.stderr)
        );
        std::fs::rename(&tmp, &gcode).expect("store reference G-code");
    }
    let json = gcode.with_extension("json");
    let report = match std::fs::read(&json) {
        Ok(b) => serde_json::from_slice(&b).expect("cached report"),
        Err(_) => {
            let r = check(&gcode, Some(model));
            std::fs::write(&json, r.to_string()).expect("cache report");
            r
        }
    };
    Reference { gcode, report }
}

/// Points (x, y, z) where extrusions of a feature (`;TYPE:` starting with `kind`, as Lamina
/// and PrusaSlicer mark them) end, from any G-code with absolute or relative E.
pub fn extrusion_ends(gcode: &Path, kind: &str) -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string(gcode).expect("read G-code");
    let (mut x, mut y, mut z, mut e) = (0.0, 0.0, 0.0, 0.0);
    let (mut relative, mut inside) = (false, false);
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            inside = t.starts_with(kind);
            continue;
        }
        let code = line.split(';').next().unwrap_or("").trim();
        let mut words = code.split_whitespace();
        let cmd = words.next().unwrap_or("");
        let arg = |c: char| {
            code.split_whitespace()
                .skip(1)
                .find(|w| w.starts_with(c))
                .and_then(|w| w[1..].parse::<f64>().ok())
        };
        match cmd {
            "M83" => relative = true,
            "M82" => relative = false,
            "G92" => e = arg('E').unwrap_or(e),
            "G0" | "G1" => {
                x = arg('X').unwrap_or(x);
                y = arg('Y').unwrap_or(y);
                z = arg('Z').unwrap_or(z);
                if let Some(ne) = arg('E') {
                    let de = if relative { ne } else { ne - e };
                    e = if relative { e + ne } else { ne };
                    if de > 0.0 && inside && (arg('X').is_some() || arg('Y').is_some()) {
                        out.push((x, y, z));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Settings resolved from the default presets with `overrides` on top.
pub fn with(overrides: &[(&str, &str)]) -> Settings {
    let sel = Selection {
        overrides: overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    resolve(&sel).unwrap_or_else(|e| panic!("{overrides:?}: {e}"))
}

/// Per layer (`;LAYER:` index): the length (mm) and filament (mm) of each feature, in the
/// order the features first appear, from G-code with relative E.
pub fn features_by_layer(text: &str) -> Vec<Vec<(String, f64, f64)>> {
    let mut out: Vec<Vec<(String, f64, f64)>> = Vec::new();
    let (mut x, mut y, mut kind) = (f64::NAN, f64::NAN, String::new());
    let (mut relative, mut last_e) = (false, 0.0);
    for line in text.lines() {
        if line.starts_with(";LAYER_CHANGE") {
            out.push(Vec::new());
            continue;
        }
        if let Some(t) = line.strip_prefix(";TYPE:") {
            kind = t.to_string();
            continue;
        }
        let code = line.split(';').next().unwrap_or("").trim();
        let arg = |c: char| gcode_word(code, c);
        match code.split_whitespace().next() {
            Some("M82") => relative = false,
            Some("M83") => relative = true,
            Some("G92") => last_e = arg('E').unwrap_or(last_e),
            _ => {}
        }
        if !code.starts_with("G1 ") {
            continue;
        }
        let (nx, ny) = (arg('X').unwrap_or(x), arg('Y').unwrap_or(y));
        let e = arg('E').map(|v| {
            if relative {
                v
            } else {
                let d = v - last_e;
                last_e = v;
                d
            }
        });
        if let (Some(e), Some(layer)) = (e, out.last_mut())
            && e > 0.0
            && x.is_finite()
            && (nx != x || ny != y)
        {
            let len = (nx - x).hypot(ny - y);
            match layer.iter_mut().find(|f| f.0 == kind) {
                Some(f) => {
                    f.1 += len;
                    f.2 += e;
                }
                None => layer.push((kind.clone(), len, e)),
            }
        }
        (x, y) = (nx, ny);
    }
    out
}

/// Per layer (by Z in µm), the length of each `;TYPE:External perimeter` loop, in order.
pub fn outer_loops(text: &str) -> HashMap<i64, Vec<f64>> {
    let mut out: HashMap<i64, Vec<f64>> = HashMap::new();
    for (z, segs) in extrusion_segments(text, Some("External perimeter")) {
        let mut loops = vec![0.0];
        for (k, s) in segs.iter().enumerate() {
            if k > 0 && (segs[k - 1][2], segs[k - 1][3]) != (s[0], s[1]) {
                loops.push(0.0);
            }
            *loops.last_mut().unwrap() += (s[2] - s[0]).hypot(s[3] - s[1]);
        }
        out.insert(z, loops);
    }
    out
}

/// Extrusion segments of each layer (by Z in µm), arcs cut into chords of at most 0.05 mm,
/// read from the text alone (the arc's centre from I and J, as firmware reads it); only of
/// the `;TYPE:` `only` when given.
pub fn extrusion_segments(text: &str, only: Option<&str>) -> HashMap<i64, Vec<[f64; 4]>> {
    let mut out: HashMap<i64, Vec<[f64; 4]>> = HashMap::new();
    let (mut x, mut y, mut z) = (0.0f64, 0.0f64, 0.0f64);
    let mut kind = "";
    for line in text.lines() {
        if let Some(t) = line.strip_prefix(";TYPE:") {
            kind = t;
        }
        if only.is_some_and(|k| k != kind) {
            let code = line.split(';').next().unwrap_or("");
            let word = |c: char| gcode_word(code, c);
            (x, y, z) = (
                word('X').unwrap_or(x),
                word('Y').unwrap_or(y),
                word('Z').unwrap_or(z),
            );
            continue;
        }
        let code = line.split(';').next().unwrap_or("").trim();
        let mut words = code.split_whitespace();
        let cmd = words.next().unwrap_or("");
        if !matches!(cmd, "G0" | "G1" | "G2" | "G3") {
            continue;
        }
        let arg = |c: char| gcode_word(code, c);
        let (nx, ny) = (arg('X').unwrap_or(x), arg('Y').unwrap_or(y));
        z = arg('Z').unwrap_or(z);
        if arg('E').is_some_and(|e| e > 0.0) && (nx != x || ny != y) {
            let layer = out.entry((z * 1000.0).round() as i64).or_default();
            if cmd == "G1" || cmd == "G0" {
                layer.push([x, y, nx, ny]);
            } else {
                let (cx, cy) = (x + arg('I').unwrap(), y + arg('J').unwrap());
                let r = (x - cx).hypot(y - cy);
                let a0 = (y - cy).atan2(x - cx);
                let a1 = (ny - cy).atan2(nx - cx);
                let tau = std::f64::consts::TAU;
                let sweep = if cmd == "G3" {
                    (a1 - a0).rem_euclid(tau)
                } else {
                    -(a0 - a1).rem_euclid(tau)
                };
                let n = ((r * sweep.abs()) / 0.05).ceil().max(1.0) as usize;
                let (mut px, mut py) = (x, y);
                for k in 1..=n {
                    let a = a0 + sweep * k as f64 / n as f64;
                    let (qx, qy) = (cx + r * a.cos(), cy + r * a.sin());
                    layer.push([px, py, qx, qy]);
                    (px, py) = (qx, qy);
                }
            }
        }
        (x, y) = (nx, ny);
    }
    out
}

/// The number after letter `c` in a G-code line's words (`X12.5` → 12.5), comments cut off.
pub fn gcode_word(code: &str, c: char) -> Option<f64> {
    code.split_whitespace()
        .skip(1)
        .find_map(|w| w.strip_prefix(c))
        .and_then(|v| v.parse::<f64>().ok())
}

/// Slices `file` with the `lamina` CLI into `out`, with `--set` for each of `sets`.
pub fn cli_slice(file: &Path, out: &Path, sets: &[&str]) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lamina"));
    cmd.arg("slice").arg(file).arg("-o").arg(out);
    for s in sets {
        cmd.args(["--set", s]);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The G-code's lines without those that change from run to run (the generator's stamp).
pub fn gcode_body(gcode: &Path) -> Vec<String> {
    std::fs::read_to_string(gcode)
        .expect("read G-code")
        .lines()
        .filter(|l| !l.starts_with("; generated by"))
        .map(str::to_string)
        .collect()
}

/// Runs the `lamina` CLI with `args`, which must succeed; returns its output.
pub fn lamina_cli<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_lamina"))
        .args(args)
        .output()
        .expect("run lamina");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}
