//! Commands on finished G-code files: `estimate` (the print time of any file) and `resume`
//! (a failed print from a layer on).

use super::{Fail, value};
use lamina::engine::gcode::estimate::Limits;
use lamina::engine::gcode::resume::{From, resume};
use lamina::engine::gcode::{format_duration, parse};
use lamina::engine::settings::{self, Selection};

pub fn cmd_estimate(args: &[String]) -> Result<(), Fail> {
    let mut sel = Selection::default();
    let mut file = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--printer" => sel.choice.printer = value(args, &mut i, "--printer")?.to_string(),
            a if a.starts_with('-') => return Err(Fail(format!("unknown option {a}"))),
            a => file = Some(a.to_string()),
        }
        i += 1;
    }
    let file = file.ok_or_else(|| Fail("estimate needs a G-code file".into()))?;
    let text = std::fs::read_to_string(&file).map_err(|e| Fail(format!("{file}: {e}")))?;
    let s = settings::resolve(&sel)?;
    let (t, parsed) = parse::estimate_text(&text, Limits::from_settings(&s));
    println!("{file}");
    println!("  estimated time: {} ({:.0} s)", format_duration(t), t);
    if let Some(stated) = parsed.stated_time_s {
        println!(
            "  the file says:  {} ({:.0} s, {:+.1}%)",
            format_duration(stated),
            stated,
            (t / stated - 1.0) * 100.0
        );
    }
    println!("  layers:         {}", parsed.layers);
    println!("  filament:       {:.2} m", parsed.filament_mm / 1000.0);
    Ok(())
}

/// `lamina resume GCODE --layer N -o OUT`: the print from layer N (1-based, as the preview
/// counts) or from the first layer at or above `--z MM`, after heating and homing X and Y.
pub fn cmd_resume(args: &[String]) -> Result<(), Fail> {
    let (mut file, mut out, mut from) = (None, None, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--layer" => {
                let v = value(args, &mut i, a)?;
                from = Some(From::Layer(v.parse().map_err(|_| {
                    Fail(format!(
                        "--layer {v}: expected a layer number (1 is the first)"
                    ))
                })?));
            }
            "--z" => {
                let v = value(args, &mut i, a)?;
                from = Some(From::Z(
                    v.parse()
                        .ok()
                        .filter(|z: &f64| z.is_finite())
                        .ok_or_else(|| Fail(format!("--z {v}: expected a height in mm")))?,
                ));
            }
            "-o" | "--output" => out = Some(value(args, &mut i, a)?.to_string()),
            _ if a.starts_with('-') => return Err(Fail(format!("unknown option {a}"))),
            _ => file = Some(a.to_string()),
        }
        i += 1;
    }
    let file = file.ok_or_else(|| Fail("resume needs a G-code file".into()))?;
    let from = from.ok_or_else(|| Fail("resume needs --layer N or --z MM".into()))?;
    let out = out.ok_or_else(|| Fail("resume needs -o OUT.gcode".into()))?;
    let text = std::fs::read_to_string(&file).map_err(|e| Fail(format!("{file}: {e}")))?;
    let resumed = resume(&text, from).map_err(|e| Fail(format!("{file}: {e}")))?;
    std::fs::write(&out, &resumed).map_err(|e| Fail(format!("{out}: {e}")))?;
    let first = resumed
        .lines()
        .find(|l| l.starts_with("; resumed from"))
        .unwrap_or_default();
    println!("{out}{}", first.trim_start_matches(';'));
    Ok(())
}
