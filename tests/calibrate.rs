//! Calibration prints from the command line (`lamina calibrate`): every band's value is set
//! once, where the band starts, in the flavour's own command after a comment naming the band
//! and the value, and the print passes the independent checker with no flags.

mod common;

use common::*;
use lamina::engine::model::calibration::temperature_tower;
use std::process::Command;

/// The G-code of a 230 → 200 °C tower in 10 °C steps for `flavor`, and its model.
fn tower(flavor: &str) -> (String, std::path::PathBuf, std::path::PathBuf) {
    let dir = out_dir("calibrate");
    let gcode = dir.join(format!("temp-tower-{flavor}.gcode"));
    let out = Command::new(env!("CARGO_BIN_EXE_lamina"))
        .args(["calibrate", "temp-tower", "--start", "230", "--end", "200"])
        .args(["--step", "10", "--set"])
        .arg(format!("gcode_flavor={flavor}"))
        .arg("-o")
        .arg(&gcode)
        .output()
        .expect("lamina runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model = dir.join("temp-tower-4.stl");
    let mesh = temperature_tower(230.0, 200.0, 10.0).unwrap().mesh;
    std::fs::write(&model, lamina::engine::mesh::write_binary_stl(&mesh)).unwrap();
    (std::fs::read_to_string(&gcode).unwrap(), gcode, model)
}

#[test]
fn temperature_tower_sets_each_band_where_it_starts_in_every_flavour() {
    for (flavor, command) in [
        ("marlin2", "M104 S"),
        ("klipper", "SET_HEATER_TEMPERATURE HEATER=extruder TARGET="),
        ("reprapfirmware", "G10 P0 S"),
    ] {
        let (text, gcode, model) = tower(flavor);
        let lines: Vec<&str> = text.lines().collect();
        // The print starts at the first band's temperature.
        assert!(text.contains("M109 S230"), "{flavor}: no wait for 230 °C");
        for (band, (temp, z)) in [(220, 9.0), (210, 18.0), (200, 27.0)].iter().enumerate() {
            let comment = format!("; calibration band {} of 4: temperature = {temp}", band + 2);
            let at: Vec<usize> = (0..lines.len()).filter(|&i| lines[i] == comment).collect();
            assert_eq!(at.len(), 1, "{flavor}: '{comment}' {} times", at.len());
            let i = at[0];
            assert_eq!(lines[i + 1], format!("{command}{temp}"), "{flavor}");
            // In the first layer that starts at the band: printed at z + 0.2.
            let layer_z: f64 = lines[..i]
                .iter()
                .rev()
                .find_map(|l| l.strip_prefix(";Z:"))
                .and_then(|v| v.parse().ok())
                .expect("a layer before the change");
            assert!(
                (layer_z - (z + 0.2)).abs() < 1e-6,
                "{flavor}: {temp} °C set in the layer at {layer_z}, not {}",
                z + 0.2
            );
        }
        // No other temperature changes while printing: the three bands' commands only (the
        // start and end G-code's heat and cool lines carry comments).
        let set = lines
            .iter()
            .filter(|l| l.starts_with(command) && !l.contains(';'))
            .count();
        assert_eq!(set, 3, "{flavor}: {set} lines start with {command}");
        let report = check(&gcode, Some(&model));
        let flags = report["flags"].as_array().expect("flags");
        assert!(flags.is_empty(), "{flavor}: checker flags {flags:?}");
    }
}

#[test]
fn bad_calibration_requests_are_one_line_errors() {
    for (args, says) in [
        (vec!["calibrate", "flow-cube"], "unknown calibration"),
        (
            vec!["calibrate", "temp-tower", "--start", "230", "--end", "230"],
            "one temperature",
        ),
        (
            vec!["calibrate", "temp-tower", "--step", "hot"],
            "not a number",
        ),
        (
            vec!["calibrate", "temp-tower", "model.stl"],
            "makes its own model",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_lamina"))
            .args(&args)
            .output()
            .expect("lamina runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}
