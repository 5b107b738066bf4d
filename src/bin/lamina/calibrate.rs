//! `lamina calibrate KIND`: generates a calibration print for the chosen printer and
//! filament and slices it, with each band's value set where the band starts.

use super::{Clock, Fail, build_scene, parse_options, preset_names, save_project, value};
use lamina::engine::gcode::format_duration;
use lamina::engine::model::calibration::{self, KINDS};
use lamina::engine::pipeline;
use lamina::engine::settings::{self, format_float};
use std::path::PathBuf;

pub fn cmd_calibrate(args: &[String]) -> Result<(), Fail> {
    let kind = args.first().map(String::as_str).unwrap_or("");
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        let known: Vec<String> = KINDS.iter().map(|(k, d)| format!("{k} ({d})")).collect();
        return Err(Fail(format!(
            "calibrate: unknown calibration '{kind}'; there is {}",
            known.join(", ")
        )));
    }
    // Our own options; the rest are slice's (presets, --set, -o).
    let (mut start, mut end, mut step) = (None, None, None);
    let mut rest: Vec<String> = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        let number = |i: &mut usize| -> Result<f64, Fail> {
            let v = value(args, i, a)?;
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| Fail(format!("calibrate {kind}: {a} {v}: not a number")))
        };
        match a {
            "--start" => start = Some(number(&mut i)?),
            "--end" => end = Some(number(&mut i)?),
            "--step" => step = Some(number(&mut i)?),
            _ => rest.push(args[i].clone()),
        }
        i += 1;
    }
    let mut j = parse_options(&rest)?;
    if let Some(m) = j.models.first() {
        return Err(Fail(format!(
            "calibrate {kind}: makes its own model; '{}' is not an option",
            m.display()
        )));
    }
    let base = settings::resolve(&j.selection)?;
    let made = if kind == "flow" {
        // Coarse unless asked: the fine pass is around the best coarse patch by 0.01.
        calibration::flow_rate(
            start.unwrap_or(0.8),
            end.unwrap_or(1.2),
            step.unwrap_or(0.05),
        )
    } else if kind == "fit-test" {
        calibration::fit_test(
            start.unwrap_or(0.0),
            end.unwrap_or(0.3),
            step.unwrap_or(0.05),
        )
    } else if kind == "pa-tower" {
        // A direct-drive extruder's range unless asked (a Bowden one needs about ten times it).
        calibration::pressure_advance_tower(
            start.unwrap_or(0.0),
            end.unwrap_or(0.1),
            step.unwrap_or(0.002),
        )
    } else {
        // From the filament's temperature, 10 °C either side, unless asked.
        calibration::temperature_tower(
            start.unwrap_or(base.temperature + 10.0),
            end.unwrap_or(base.temperature - 10.0),
            step.unwrap_or(5.0),
        )
    };
    let cal = made.map_err(|e| Fail(format!("calibrate {kind}: {e}")))?;
    for (key, v) in &cal.start {
        j.selection.overrides.push((key.to_string(), v.clone()));
    }
    let s = settings::resolve(&j.selection)?;
    // Placed as `slice` places a model: on the bed, in its middle (patches as they stand
    // to each other).
    j.changes = cal.changes.clone();
    let scene = build_scene(&j, vec![cal.objects()], &s)?;
    save_project(&j, &scene, &s)?;
    let out_path = j
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{kind}.gcode")));
    let out = pipeline::slice(
        &scene,
        &s,
        &preset_names(&j.selection),
        &mut Clock(std::time::Instant::now()),
    )
    .map_err(|e| Fail(format!("calibrate {kind}: {}", e.for_people())))?;
    std::fs::write(&out_path, &out.gcode)
        .map_err(|e| Fail(format!("{}: {e}", out_path.display())))?;
    println!("wrote {} ({})", out_path.display(), cal.name);
    println!("  print time:  {}", format_duration(out.stats.time_s));
    let first = cal.start.last().map_or(String::new(), |(_, v)| v.clone());
    if kind == "flow" {
        println!(
            "  read it:     the patch whose top is smoothest, no gaps between its lines and no"
        );
        println!("               ridges: its label over 100 times the filament's flow ratio");
        println!(
            "               ({}) is the ratio to keep (extrusion_multiplier); run it again",
            format_float(s.extrusion_multiplier)
        );
        println!("               from 4% under to 4% over that label by 0.01 for a finer one");
    } else if kind == "fit-test" {
        println!("  read it:     try a peg in each hole: the label on the tightest hole it slides");
        println!("               into is the clearance the printer's holes need, in hundredths of");
        println!("               a mm; set xy_hole_compensation to it (15 → 0.15)");
    } else if kind == "pa-tower" {
        let last = scene.changes.last().map_or(0.0, |c| c.change.value());
        let rise = scene.changes.len();
        println!(
            "  values:      pressure advance {first} at the bottom, + {} per mm, {} at {rise} mm",
            format_float(step.unwrap_or(0.002)),
            format_float(last)
        );
        println!(
            "  read it:     measure the height where the corners are sharpest, neither bulging"
        );
        println!("               nor rounded (the marks on the front are every 10 mm); the value");
        println!(
            "               is {first} + {} × that height",
            format_float(step.unwrap_or(0.002))
        );
    } else {
        let mut bands = vec![format!("0 mm: {first} °C")];
        bands.extend(scene.changes.iter().map(|c| {
            format!(
                "{} mm: {} °C",
                format_float(c.z),
                format_float(c.change.value())
            )
        }));
        println!("  bands:       {}", bands.join(", "));
        println!(
            "  read it:     the block with the cleanest walls, the neatest edges over its groove"
        );
        println!("               and the fewest strings to the post: its label is the temperature");
        println!("               to keep for this filament");
    }
    Ok(())
}
