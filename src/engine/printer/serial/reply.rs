//! Reading and writing single lines of the serial protocol: numbered lines with checksums,
//! and what the firmware's replies say (temperatures, positions, resend requests, errors).

use super::{LONG_COMMANDS, Temperature};

pub fn numbered(n: u64, command: &str) -> String {
    let body = format!("N{n} {command}");
    let sum = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("{body}*{sum}")
}

/// A G-code line as sent: comment and surrounding space removed; None when nothing is left.
pub fn clean_line(line: &str) -> Option<&str> {
    let line = match line.find(';') {
        Some(i) => &line[..i],
        None => line,
    };
    let line = line.trim();
    (!line.is_empty()).then_some(line)
}

pub(super) fn is_long(command: &str) -> bool {
    let word = command.split_whitespace().next().unwrap_or("");
    LONG_COMMANDS.iter().any(|c| word.eq_ignore_ascii_case(c))
}

/// Temperatures in a report such as `ok T:210.0 /210.0 B:60.1 /60.0 @:127 B@:0`.
pub fn parse_temperatures(line: &str) -> Vec<Temperature> {
    let mut out: Vec<Temperature> = Vec::new();
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        i += 1;
        let Some((name, rest)) = t.split_once(':') else {
            continue;
        };
        let heater = name == "B"
            || name == "C"
            || (name.starts_with('T') && name[1..].chars().all(|c| c.is_ascii_digit()));
        if !heater {
            continue;
        }
        // "T:210.0 /210.0", "T:210.0/210.0" or "T:210.0 / 210.0".
        let (current, mut target) = match rest.split_once('/') {
            // "T:21.30/ 0.00": the target is the next word.
            Some((c, "")) => {
                let t = tokens.get(i).and_then(|x| x.parse::<f64>().ok());
                if t.is_some() {
                    i += 1;
                }
                (c.parse::<f64>().ok(), t)
            }
            Some((c, t)) => (c.parse::<f64>().ok(), t.parse::<f64>().ok()),
            None => (rest.parse::<f64>().ok(), None),
        };
        let Some(current) = current else { continue };
        if target.is_none() && i < tokens.len() && tokens[i].starts_with('/') {
            let t = &tokens[i][1..];
            target = if t.is_empty() {
                i += 1;
                tokens.get(i).and_then(|x| x.parse().ok())
            } else {
                t.parse().ok()
            };
            i += 1;
        }
        let name = name.to_string();
        // Marlin repeats the active hot end as T and T0: keep the first of each name.
        if !out.iter().any(|x| x.name == name) {
            out.push(Temperature {
                name,
                current,
                target,
            });
        }
    }
    out
}

/// A position report such as `X:10.00 Y:20.00 Z:0.30 E:1.50 Count X:800 …`.
pub fn parse_position(line: &str) -> Option<[f64; 4]> {
    let line = line.split(" Count").next().unwrap_or(line);
    let mut out = [f64::NAN; 4];
    for t in line.split_whitespace() {
        let Some((axis, value)) = t.split_once(':') else {
            continue;
        };
        let i = match axis {
            "X" => 0,
            "Y" => 1,
            "Z" => 2,
            "E" => 3,
            _ => continue,
        };
        if out[i].is_nan() {
            out[i] = value.parse().ok()?;
        }
    }
    out.iter().take(3).all(|v| !v.is_nan()).then(|| {
        if out[3].is_nan() {
            out[3] = 0.0;
        }
        out
    })
}

/// The line number in a resend request (`Resend: 12`, `Resend:12`, `rs 12`, `rs N12`).
pub(super) fn resend_number(line: &str) -> Option<u64> {
    let lower = line.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("resend:")
        .or_else(|| lower.strip_prefix("rs "))
        .or_else(|| lower.strip_prefix("rs:"))?;
    let digits: String = rest
        .trim()
        .trim_start_matches('n')
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Errors the firmware recovers from with a resend request.
pub(super) fn is_line_error(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "checksum",
        "line number",
        "linenr",
        "expected line",
        "format error",
        "no line number",
    ]
    .iter()
    .any(|k| t.contains(k))
}
