//! `lamina bench`: slicing timed stage by stage, and re-slicing from the stage cache.

use super::{Clock, Fail, JobArgs, build_scene, parse_job, read_model};
use lamina::engine::pipeline;
use lamina::engine::settings;
use lamina::engine::stage::Stage;
use std::time::Instant;

/// Peak resident memory of this process so far (Linux), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn cmd_bench(args: &[String]) -> Result<(), Fail> {
    let j = parse_job(args)?;
    let s = settings::resolve(&j.selection)?;
    println!(
        "{:<28} {:>5} {:>9} {:>9} | per stage, median of {} runs (s)",
        "model", "runs", "total s", "load s", j.runs
    );
    for model in &j.models {
        let mut totals = Vec::new();
        let mut loads = Vec::new();
        let mut stage_runs: Vec<Vec<(Stage, f64)>> = Vec::new();
        let mut slices = Vec::new();
        let mut reslices = Vec::new();
        let mut changed = s.clone();
        for (k, v) in &j.reslice {
            changed.set(k, v)?;
        }
        for _ in 0..j.runs {
            let t0 = Instant::now();
            let single = JobArgs {
                models: vec![model.clone()],
                selection: j.selection.clone(),
                ..Default::default()
            };
            let scene = build_scene(&single, vec![read_model(model)?], &s)?;
            let load = t0.elapsed().as_secs_f64();
            let mut clock = Clock(Instant::now());
            let out = pipeline::slice(&scene, &s, &[], &mut clock)
                .map_err(|e| Fail(format!("{}: {e}", model.display())))?;
            totals.push(t0.elapsed().as_secs_f64());
            loads.push(load);
            stage_runs.push(out.timings);
            if !j.reslice.is_empty() {
                // A full slice into the cache, then the changed settings from it.
                let mut cache = pipeline::Cache::default();
                let t1 = Instant::now();
                cache
                    .slice(&scene, &s, &[], &mut pipeline::Quiet)
                    .map_err(|e| Fail(format!("{}: {e}", model.display())))?;
                let t2 = Instant::now();
                cache
                    .slice(&scene, &changed, &[], &mut pipeline::Quiet)
                    .map_err(|e| Fail(format!("{}: {e}", model.display())))?;
                slices.push((t2 - t1).as_secs_f64());
                reslices.push(t2.elapsed().as_secs_f64());
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let stages: Vec<String> = Stage::ALL
            .iter()
            .map(|st| {
                let mut v: Vec<f64> = stage_runs
                    .iter()
                    .map(|r| r.iter().filter(|(s2, _)| s2 == st).map(|(_, t)| *t).sum())
                    .collect();
                format!("{} {:.3}", st.name(), median(&mut v))
            })
            .collect();
        let name = model.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        println!(
            "{:<28} {:>5} {:>9.3} {:>9.3} | {}",
            name,
            j.runs,
            median(&mut totals),
            median(&mut loads),
            stages.join(", ")
        );
        if !j.reslice.is_empty() {
            let changes: Vec<String> = j.reslice.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let (full, again) = (median(&mut slices), median(&mut reslices));
            println!(
                "{:<28} re-slice after {}: {again:.3} s, {:.1}% of a full slice ({full:.3} s)",
                "",
                changes.join(" "),
                100.0 * again / full
            );
        }
    }
    if let Some(mb) = peak_memory_mb() {
        println!("peak memory: {mb:.0} MB");
    }
    Ok(())
}
