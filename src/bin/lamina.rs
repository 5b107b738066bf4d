//! The `lamina` command line: slice models to G-code, inspect and repair models, list presets
//! and settings, estimate G-code, and benchmark. Errors are one line naming the file and the
//! problem, with exit code 2.

use lamina::engine::catalog;
use lamina::engine::gcode::format_duration;
use lamina::engine::mesh;
use lamina::engine::model::calibration::{HeightChange, LayerGrid};
use lamina::engine::model::project::{FileSettings, ProjectSettings, open_file, write_project};
use lamina::engine::model::{Scene, orient, rotation, shapes};
use lamina::engine::pipeline::{self, Observer};
use lamina::engine::settings::{
    self, PresetKind, SCHEMA, Selection, Settings, all_presets, find_preset, foreign,
};
use lamina::engine::stage::Stage;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[path = "lamina/bench.rs"]
mod bench;
#[path = "lamina/calibrate.rs"]
mod calibrate;
#[path = "lamina/gcode_files.rs"]
mod gcode_files;
use bench::cmd_bench;
use calibrate::cmd_calibrate;
use gcode_files::{cmd_estimate, cmd_resume};

const USAGE: &str = "\
lamina: slice 3D models for FFF printers

usage:
  lamina slice MODEL... [-o OUT.gcode] [--printer P] [--filament P] [--process P]
               [--set KEY=VALUE]... [--object-set N:KEY=VALUE]... [--rotate AXIS=DEGREES]...
               [--scale F|AXIS=F]... [--arrange] [--save-project OUT.3mf]
  lamina info MODEL...
  lamina orient MODEL... [--threshold DEGREES]
  lamina generate SHAPE -o OUT.stl
  lamina calibrate (temp-tower | pa-tower | fit-test | flow) [--start V] [--end V] [--step V] [-o OUT.gcode]
               [--save-project OUT.3mf] [--printer P] [--filament P] [--process P] [--set KEY=VALUE]...
  lamina catalog build DIR -o OUTDIR
  lamina presets
  lamina settings
  lamina estimate GCODE [--printer ID]
  lamina resume GCODE (--layer N | --z MM) -o OUT.gcode
  lamina bench MODEL... [--runs N] [--printer ID] [--filament ID] [--process ID] [--set KEY=VALUE]...
               [--reslice KEY=VALUE]

Several models (or a 3MF with several objects) are arranged on the bed; --arrange also
re-arranges the objects of one 3MF. `lamina settings` lists every key --set accepts.
--object-set gives the Nth object (in the order given, from 1) its own value of a
setting marked per-object there; a 3MF's objects bring their own.
A single 3MF project brings its settings (a Lamina project also its placement); options
on the command line come on top. --save-project writes the plate and settings as a 3MF
project that Lamina, PrusaSlicer and OrcaSlicer open.
A preset P is an id from `lamina presets` or a preset file: Lamina's .toml, a PrusaSlicer
.ini (config or bundle) or an OrcaSlicer .json.
`orient` lists the three best ways to stand each object, as Assist does in the app:
overhanging surface (the area of the model's faces steeper than the threshold, default
45°), bed contact and height.
`calibrate temp-tower` slices a temperature tower for the chosen printer and filament:
one block per temperature from --start to --end (default: the filament's temperature
+10 to −10 °C) by --step (5 °C), each set where its block starts and embossed on it.
`calibrate pa-tower` slices a pressure advance tower: a square tube whose pressure advance
rises from --start (0) by --step (0.002) at each mm of height to --end (0.1), with its
height embossed every 10 mm; the height with the sharpest corners gives the value.
`calibrate flow` slices a patch per flow ratio from --start (0.8) to --end (1.2) by --step
(0.05), each labelled in percent; the smoothest top gives the ratio (then a finer pass).
`calibrate fit-test` slices a plate of 10 mm holes at clearances from --start (0) to --end
(0.3 mm) by --step (0.05), labelled in hundredths of a mm, and two 10 mm pegs.
`catalog build` makes a model library any static web host can serve: OUTDIR/catalog.json,
the models and their thumbnails, from the STL, OBJ and 3MF files in DIR (names, authors,
licences and tags from DIR/catalog.toml when it exists; see the README).";

/// A failure to report: one line, exit code 2.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("slice") => cmd_slice(&args[1..]),
        Some("info") => cmd_info(&args[1..]),
        Some("orient") => cmd_orient(&args[1..]),
        Some("generate") => cmd_generate(&args[1..]),
        Some("calibrate") => cmd_calibrate(&args[1..]),
        Some("catalog") => cmd_catalog(&args[1..]),
        Some("presets") => cmd_presets(),
        Some("settings") => cmd_settings(),
        Some("estimate") => cmd_estimate(&args[1..]),
        Some("resume") => cmd_resume(&args[1..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Fail(format!(
            "unknown command '{other}' (try: lamina --help)"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("lamina: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Options shared by slice and bench.
#[derive(Default)]
struct JobArgs {
    models: Vec<PathBuf>,
    output: Option<PathBuf>,
    selection: Selection,
    rotations: Vec<(char, f64)>,
    scales: Vec<(Option<char>, f64)>,
    arrange: bool,
    runs: usize,
    /// Preset kinds named on the command line (a project file's choice does not replace them).
    chosen: Vec<PresetKind>,
    /// A project file's placement is kept as it is.
    keep_placement: bool,
    /// Where to save the plate and settings as a 3MF project.
    save_project: Option<PathBuf>,
    /// `bench`: settings changed after each slice, to time re-slicing from the stage cache.
    reslice: Vec<(String, String)>,
    /// Values that change from a height up: a project file's, or a calibration's bands.
    changes: Vec<HeightChange>,
    /// `--object-set`: (object number from 1, key, value).
    object_sets: Vec<(usize, String, String)>,
}

fn value<'a>(args: &'a [String], i: &mut usize, flag: &str) -> Result<&'a str, Fail> {
    *i += 1;
    args.get(*i)
        .map(String::as_str)
        .ok_or_else(|| Fail(format!("{flag} needs a value")))
}

/// A preset id, or a preset file (Lamina .toml, PrusaSlicer .ini, OrcaSlicer .json) whose
/// preset of `kind` joins the selection.
fn preset_arg(kind: PresetKind, arg: &str, sel: &mut Selection) -> Result<String, Fail> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(arg.to_string());
    }
    let bytes = std::fs::read(path).map_err(|e| Fail(format!("{arg}: {e}")))?;
    let mut n = sel.extra.len();
    let imported = foreign::import_presets(arg, &bytes, &mut |kind, _| {
        n += 1;
        format!("file-{}-{n}", kind.name())
    })?;
    let found = imported
        .into_iter()
        .find(|p| p.preset.kind == kind)
        .ok_or_else(|| Fail(format!("{arg}: holds no {} preset", kind.name())))?;
    for note in &found.notes {
        eprintln!("lamina: note: {arg}: {note}");
    }
    let mapped = foreign::Mapped {
        values: Vec::new(),
        ignored: found.ignored.clone(),
    };
    if let Some(summary) = mapped.ignored_summary(12) {
        eprintln!("lamina: note: {arg}: {summary}");
    }
    let id = found.preset.id.clone();
    sel.extra.push(found.preset);
    Ok(id)
}

fn parse_job(args: &[String]) -> Result<JobArgs, Fail> {
    let j = parse_options(args)?;
    if j.models.is_empty() {
        return Err(Fail("no model given (try: lamina --help)".into()));
    }
    Ok(j)
}

/// The options of a job, and the models named, if any.
fn parse_options(args: &[String]) -> Result<JobArgs, Fail> {
    let mut j = JobArgs {
        runs: 3,
        ..Default::default()
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-o" | "--output" => j.output = Some(PathBuf::from(value(args, &mut i, a)?)),
            "--save-project" => {
                j.save_project = Some(PathBuf::from(value(args, &mut i, a)?));
            }
            "--printer" => {
                j.selection.choice.printer = preset_arg(
                    PresetKind::Printer,
                    value(args, &mut i, a)?,
                    &mut j.selection,
                )?;
                j.chosen.push(PresetKind::Printer);
            }
            "--filament" => {
                j.selection.choice.filament = preset_arg(
                    PresetKind::Filament,
                    value(args, &mut i, a)?,
                    &mut j.selection,
                )?;
                j.chosen.push(PresetKind::Filament);
            }
            "--process" => {
                j.selection.choice.process = preset_arg(
                    PresetKind::Process,
                    value(args, &mut i, a)?,
                    &mut j.selection,
                )?;
                j.chosen.push(PresetKind::Process);
            }
            "--set" => {
                let kv = value(args, &mut i, a)?;
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| Fail(format!("--set {kv}: expected KEY=VALUE")))?;
                j.selection
                    .overrides
                    .push((k.trim().to_string(), v.trim().to_string()));
            }
            "--object-set" => {
                let arg = value(args, &mut i, a)?;
                let bad = || Fail(format!("--object-set {arg}: expected N:KEY=VALUE"));
                let (n, kv) = arg.split_once(':').ok_or_else(bad)?;
                let (k, v) = kv.split_once('=').ok_or_else(bad)?;
                let n = n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
                j.object_sets
                    .push((n, k.trim().to_string(), v.trim().to_string()));
            }
            "--rotate" => {
                let kv = value(args, &mut i, a)?;
                let (axis, deg) = kv.split_once('=').ok_or_else(|| {
                    Fail(format!("--rotate {kv}: expected AXIS=DEGREES, e.g. z=45"))
                })?;
                let axis = axis.trim().chars().next().unwrap_or(' ');
                let deg: f64 = deg.trim().parse().map_err(|_| {
                    Fail(format!("--rotate {kv}: '{deg}' is not a number of degrees"))
                })?;
                if rotation(axis, 0.0).is_none() {
                    return Err(Fail(format!("--rotate {kv}: the axis must be x, y or z")));
                }
                j.rotations.push((axis, deg));
            }
            "--scale" => {
                let kv = value(args, &mut i, a)?;
                let (axis, f) = match kv.split_once('=') {
                    Some((ax, f)) => (ax.trim().chars().next(), f),
                    None => (None, kv),
                };
                let f: f64 = f
                    .trim()
                    .parse()
                    .ok()
                    .filter(|v: &f64| *v > 0.0 && v.is_finite() && *v <= 100.0)
                    .ok_or_else(|| {
                        Fail(format!("--scale {kv}: expected a factor between 0 and 100"))
                    })?;
                if axis.is_some_and(|c| !"xyzXYZ".contains(c)) {
                    return Err(Fail(format!("--scale {kv}: the axis must be x, y or z")));
                }
                j.scales.push((axis.map(|c| c.to_ascii_lowercase()), f));
            }
            "--arrange" => j.arrange = true,
            "--reslice" => {
                let kv = value(args, &mut i, a)?;
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| Fail(format!("--reslice {kv}: expected KEY=VALUE")))?;
                j.reslice.push((k.to_string(), v.to_string()));
            }
            "--runs" => {
                j.runs = value(args, &mut i, a)?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| Fail("--runs needs a positive number".into()))?
            }
            _ if a.starts_with('-') => {
                return Err(Fail(format!("unknown option {a} (try: lamina --help)")));
            }
            _ => j.models.push(PathBuf::from(a)),
        }
        i += 1;
    }
    Ok(j)
}

fn read_model(path: &Path) -> Result<Vec<mesh::ImportedObject>, Fail> {
    let bytes = std::fs::read(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    mesh::import(name, &bytes).map_err(|e| Fail(format!("{}: {e}", path.display())))
}

/// Reads the model files for a slice. A single project file brings its settings: Lamina's
/// own (presets not chosen on the command line, the user's changes, and the placement), or
/// another slicer's print and filament settings; `--set` still comes last.
fn load_files(j: &mut JobArgs) -> Result<Vec<Vec<mesh::ImportedObject>>, Fail> {
    let mut files = Vec::new();
    for path in &j.models {
        let bytes = std::fs::read(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("model");
        let opened =
            open_file(name, &bytes).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
        files.push((path.display().to_string(), opened));
    }
    let single = files.len() == 1;
    let mut out = Vec::new();
    for (path, opened) in files {
        for note in &opened.notes {
            eprintln!("lamina: note: {path}: {note}");
        }
        if single {
            j.changes = opened.changes;
        }
        if let Some(file_settings) = opened.settings.filter(|_| single) {
            if matches!(file_settings, FileSettings::Lamina { .. }) {
                eprintln!("lamina: note: {path}: using the project's settings");
                j.keep_placement = j.scales.is_empty() && j.rotations.is_empty() && !j.arrange;
            }
            for note in file_settings.apply_to(&mut j.selection, &j.chosen) {
                eprintln!("lamina: note: {path}: {note}");
            }
        }
        out.push(opened.objects);
    }
    Ok(out)
}

/// Saves the plate and settings as a 3MF project when `--save-project` asks.
fn save_project(j: &JobArgs, scene: &Scene, s: &Settings) -> Result<(), Fail> {
    if let Some(path) = &j.save_project {
        let sel = &j.selection;
        let project = ProjectSettings {
            choice: sel.choice.clone(),
            overrides: sel.overrides.iter().cloned().collect(),
            presets: sel
                .extra
                .iter()
                .filter(|p| sel.choice.get(p.kind) == p.id)
                .cloned()
                .collect(),
        };
        let title = path
            .file_stem()
            .and_then(|t| t.to_str())
            .unwrap_or("project");
        std::fs::write(
            path,
            write_project(
                title,
                scene,
                &project,
                LayerGrid {
                    first: s.first_layer_height,
                    height: s.layer_height,
                },
                None,
            ),
        )
        .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
        println!("saved the project as {}", path.display());
    }
    Ok(())
}

/// Places the models on the bed as the options say.
fn build_scene(
    j: &JobArgs,
    files: Vec<Vec<mesh::ImportedObject>>,
    s: &Settings,
) -> Result<Scene, Fail> {
    let mut scene = Scene {
        changes: j.changes.clone(),
        ..Default::default()
    };
    for objects in files {
        scene.add(objects);
    }
    let count = scene.objects.len();
    for (n, k, v) in &j.object_sets {
        let o = scene
            .objects
            .get_mut(n - 1)
            .ok_or_else(|| Fail(format!("--object-set {n}:{k}: there are {count} objects")))?;
        o.settings
            .set(k, v)
            .map_err(|e| Fail(format!("--object-set {n}:{k}: {e}")))?;
    }
    if j.keep_placement {
        return Ok(scene);
    }
    for (axis, f) in &j.scales {
        let v = match axis {
            None => glam::DVec3::splat(*f),
            Some('x') => glam::DVec3::new(*f, 1.0, 1.0),
            Some('y') => glam::DVec3::new(1.0, *f, 1.0),
            _ => glam::DVec3::new(1.0, 1.0, *f),
        };
        scene.apply_linear(glam::DMat3::from_diagonal(v));
    }
    for (axis, deg) in &j.rotations {
        if let Some(r) = rotation(*axis, *deg) {
            scene.apply_linear(r);
        }
    }
    scene.drop_to_bed();
    let (cx, cy) = if s.origin_at_center {
        (0.0, 0.0)
    } else {
        (s.bed_size_x / 2.0, s.bed_size_y / 2.0)
    };
    if j.arrange || j.models.len() > 1 {
        let fits = scene.arrange(s.bed_size_x, s.bed_size_y, 6.0);
        scene.center_at(cx, cy);
        if !fits {
            return Err(Fail(format!(
                "the {} objects do not fit side by side on the {} × {} mm bed",
                scene.instance_count(),
                s.bed_size_x,
                s.bed_size_y
            )));
        }
    } else {
        scene.center_at(cx, cy);
    }
    Ok(scene)
}

struct Clock(Instant);

impl Observer for Clock {
    fn stage(&mut self, _: Stage) -> bool {
        true
    }
    fn now(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

fn preset_names(sel: &Selection) -> Vec<(String, String)> {
    PresetKind::ALL
        .into_iter()
        .map(|kind| {
            let id = sel.choice.get(kind);
            let name = match sel.extra.iter().find(|p| p.kind == kind && p.id == id) {
                Some(p) => p.name.clone(),
                None => find_preset(kind, id)
                    .map(|p| p.name)
                    .unwrap_or_else(|_| id.to_string()),
            };
            (kind.name().to_string(), name)
        })
        .collect()
}

fn cmd_slice(args: &[String]) -> Result<(), Fail> {
    let mut j = parse_job(args)?;
    let started = Instant::now();
    let files = load_files(&mut j)?;
    let s = settings::resolve(&j.selection)?;
    let scene = build_scene(&j, files, &s)?;
    let load = started.elapsed().as_secs_f64();
    save_project(&j, &scene, &s)?;
    let out_path = j
        .output
        .clone()
        .unwrap_or_else(|| j.models[0].with_extension("gcode"));
    let mut clock = Clock(Instant::now());
    let out = pipeline::slice(&scene, &s, &preset_names(&j.selection), &mut clock)
        .map_err(|e| Fail(format!("{}: {e}", j.models[0].display())))?;
    std::fs::write(&out_path, &out.gcode)
        .map_err(|e| Fail(format!("{}: {e}", out_path.display())))?;
    let st = &out.stats;
    println!("wrote {}", out_path.display());
    println!("  layers:      {}", st.layers);
    println!("  print time:  {}", format_duration(st.time_s));
    println!(
        "  filament:    {:.2} m, {:.1} g, cost {:.2}",
        st.filament_mm / 1000.0,
        st.filament_g,
        st.cost
    );
    let mut features: Vec<&(String, f64)> =
        st.feature_times.iter().filter(|(_, t)| *t >= 1.0).collect();
    features.sort_by(|a, b| b.1.total_cmp(&a.1));
    let features: Vec<String> = features
        .iter()
        .map(|(n, t)| format!("{n} {}", format_duration(*t)))
        .collect();
    println!("  by feature:  {}", features.join(", "));
    let mut stages = vec![format!("load {:.3} s", load)];
    stages.extend(
        out.timings
            .iter()
            .map(|(stage, t)| format!("{} {:.3} s", stage.name(), t)),
    );
    println!("  stage times: {}", stages.join(", "));
    for w in &out.warnings {
        println!("  warning: {w}");
    }
    for f in &out.findings {
        println!("  check: {}", f.text);
    }
    Ok(())
}

fn cmd_orient(args: &[String]) -> Result<(), Fail> {
    let mut threshold = 45.0;
    let mut models = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--threshold" => {
                let v = it.next().ok_or(Fail("--threshold needs degrees".into()))?;
                threshold = v
                    .parse::<f64>()
                    .ok()
                    .filter(|d| (0.0..=90.0).contains(d))
                    .ok_or(Fail(format!("--threshold {v}: degrees from 0 to 90")))?;
            }
            other => models.push(other.to_string()),
        }
    }
    if models.is_empty() {
        return Err(Fail("orient needs a model file".into()));
    }
    for path in models {
        for o in read_model(Path::new(&path))? {
            let Some(t) = o.instances.first() else {
                continue;
            };
            let mesh = o.mesh.transformed(&glam::DAffine3::from_mat3(t.matrix3));
            let started = std::time::Instant::now();
            let poses = orient::best(&mesh, threshold, 3);
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let now = orient::score(&mesh, glam::DMat3::IDENTITY, threshold);
            println!("{path}: {} ({:.0} ms)", o.name, ms);
            println!(
                "  as given: overhanging surface {:.0} mm², on the bed {:.0} mm², height {:.1} mm, score {:.0}",
                now.overhang, now.contact, now.height, now.score
            );
            for (k, p) in poses.iter().enumerate() {
                let (axis, angle) = glam::DQuat::from_mat3(&p.rotation).to_axis_angle();
                println!(
                    "  {}. turn {:.0}° about ({:.2}, {:.2}, {:.2}): overhanging surface {:.0} mm², on the bed {:.0} mm², height {:.1} mm, score {:.0}",
                    k + 1,
                    angle.to_degrees(),
                    axis.x,
                    axis.y,
                    axis.z,
                    p.overhang,
                    p.contact,
                    p.height,
                    p.score
                );
            }
        }
    }
    Ok(())
}

fn cmd_info(args: &[String]) -> Result<(), Fail> {
    if args.is_empty() {
        return Err(Fail("info needs a model file".into()));
    }
    for path in args {
        let objects = read_model(Path::new(path))?;
        println!("{path}");
        for o in objects {
            let triangles_in = o.mesh.triangles.len();
            let mut scene = Scene::default();
            scene.add(vec![o]);
            let obj = &scene.objects[0];
            let b = obj
                .mesh
                .bounds()
                .ok_or_else(|| Fail(format!("{path}: no geometry")))?;
            let size = b.size();
            println!("  object {}", obj.name);
            println!(
                "    triangles: {triangles_in} (after repair {})",
                obj.mesh.triangles.len()
            );
            println!(
                "    size:      {:.2} x {:.2} x {:.2} mm",
                size.x, size.y, size.z
            );
            println!("    volume:    {:.1} mm³", obj.mesh.volume().abs());
            println!("    copies:    {}", obj.instances.len());
            println!("    shells:    {}", obj.repair.shells);
            let lines = obj.repair.lines();
            if lines.is_empty() {
                println!("    repair:    nothing to fix; the mesh is closed");
            } else {
                for l in lines {
                    println!("    repair:    {l}");
                }
                if obj.repair.open_edges == 0 && obj.repair.non_manifold_edges == 0 {
                    println!("    repair:    the repaired mesh is closed");
                }
            }
        }
    }
    Ok(())
}

fn cmd_generate(args: &[String]) -> Result<(), Fail> {
    let mut name = None;
    let mut out = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-o" | "--output" => out = Some(PathBuf::from(value(args, &mut i, "-o")?)),
            a if a.starts_with('-') => return Err(Fail(format!("unknown option {a}"))),
            a => name = Some(a.to_string()),
        }
        i += 1;
    }
    let list = || {
        shapes::SHAPES
            .iter()
            .map(|(n, d)| format!("  {n:<10} {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(name) = name else {
        println!("shapes:\n{}", list());
        return Ok(());
    };
    let mesh = shapes::shape(&name)
        .ok_or_else(|| Fail(format!("unknown shape '{name}'; known shapes:\n{}", list())))?;
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{name}.stl")));
    std::fs::write(&out, mesh::write_binary_stl(&mesh))
        .map_err(|e| Fail(format!("{}: {e}", out.display())))?;
    println!(
        "wrote {} ({} triangles)",
        out.display(),
        mesh.triangles.len()
    );
    Ok(())
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn cmd_catalog(args: &[String]) -> Result<(), Fail> {
    let (mut dir, mut out) = (None, None);
    match args.first().map(String::as_str) {
        Some("build") => {}
        _ => return Err(Fail("usage: lamina catalog build DIR -o OUTDIR".into())),
    }
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "-o" | "--output" => out = Some(PathBuf::from(value(args, &mut i, "-o")?)),
            a if a.starts_with('-') => return Err(Fail(format!("unknown option {a}"))),
            a => dir = Some(PathBuf::from(a)),
        }
        i += 1;
    }
    let (Some(dir), Some(out)) = (dir, out) else {
        return Err(Fail("usage: lamina catalog build DIR -o OUTDIR".into()));
    };
    let read_dir = std::fs::read_dir(&dir).map_err(|e| Fail(format!("{}: {e}", dir.display())))?;
    let mut names: Vec<PathBuf> = read_dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| mesh::is_model_name(&p.to_string_lossy()))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(Fail(format!("{}: no STL, OBJ or 3MF files", dir.display())));
    }
    let mut files = Vec::new();
    for p in &names {
        let bytes = std::fs::read(p).map_err(|e| Fail(format!("{}: {e}", p.display())))?;
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        files.push((name.to_string(), bytes));
    }
    let meta_path = dir.join("catalog.toml");
    let meta: catalog::Meta = match std::fs::read_to_string(&meta_path) {
        Ok(t) => toml::from_str(&t).map_err(|e| Fail(format!("{}: {e}", meta_path.display())))?,
        Err(_) => catalog::Meta::default(),
    };
    let (c, outputs) = catalog::build(&files, &meta, &today()).map_err(Fail)?;
    for (path, bytes) in &outputs {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Fail(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&target, bytes).map_err(|e| Fail(format!("{}: {e}", target.display())))?;
    }
    let json = serde_json::to_string_pretty(&c).map_err(|e| Fail(e.to_string()))?;
    let index = out.join("catalog.json");
    std::fs::write(&index, json + "\n").map_err(|e| Fail(format!("{}: {e}", index.display())))?;
    println!(
        "wrote {} ({} models, with thumbnails)",
        index.display(),
        c.models.len()
    );
    Ok(())
}

fn cmd_presets() -> Result<(), Fail> {
    let all = all_presets()?;
    let default = settings::Choice::default();
    for kind in PresetKind::ALL {
        let heading = match kind {
            PresetKind::Printer => "printers",
            PresetKind::Filament => "filaments",
            PresetKind::Process => "processes",
        };
        println!("{heading}:");
        for p in all.iter().filter(|p| p.kind == kind) {
            let is_default = default.get(kind) == p.id;
            println!(
                "  {:<24} {}{}",
                p.id,
                p.name,
                if is_default { "  (default)" } else { "" }
            );
        }
    }
    Ok(())
}

fn cmd_settings() -> Result<(), Fail> {
    let defaults = Settings::default();
    let mut category = "";
    for d in SCHEMA {
        if d.category != category {
            category = d.category;
            println!("\n[{}] {}", d.scope.name(), category);
        }
        let default = defaults.get(d.key).unwrap_or_default();
        let default = if default.contains('\n') {
            "(multi-line text)".to_string()
        } else {
            default
        };
        let range = d.range_text();
        println!(
            "  {:<38} {:<13} {:<7} default {}{}{}",
            d.key,
            d.kind.name(),
            d.unit,
            if default.is_empty() {
                "\"\"".into()
            } else {
                default
            },
            if range.is_empty() {
                String::new()
            } else {
                format!(", range {range}")
            },
            if d.per_object() { ", per object" } else { "" }
        );
        println!("      {}", d.help);
    }
    Ok(())
}
