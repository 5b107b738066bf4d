//! A job being printed: its commands, and where each layer starts, so that a print that stops
//! can say where.

use super::clean_line;
use crate::engine::gcode::resume::layer_starts;

#[derive(Debug, Clone)]
pub(super) struct Job {
    pub lines: Vec<String>,
    /// Next job line to hand to the sender.
    pub next: usize,
    /// Each layer's first job line and its Z (from the file's layer comments).
    pub layers: Vec<(usize, f64)>,
}

impl Job {
    /// The commands of G-code text (comments and empty lines dropped); None if it has none.
    pub fn of(gcode: &str) -> Option<Job> {
        let raw: Vec<&str> = gcode.lines().collect();
        let starts = layer_starts(&raw);
        let mut layers = Vec::with_capacity(starts.len());
        let mut lines = Vec::new();
        let mut next_layer = starts.iter().peekable();
        for (i, l) in raw.iter().enumerate() {
            while let Some(&(_, z)) = next_layer.next_if(|s| s.0 == i) {
                layers.push((lines.len(), z));
            }
            if let Some(c) = clean_line(l) {
                lines.push(c.to_string());
            }
        }
        (!lines.is_empty()).then_some(Job {
            lines,
            next: 0,
            layers,
        })
    }

    /// Where a print stopped after `done` lines were confirmed: that line and its layer, and
    /// how to go on (the preview's Resume a failed print, `lamina resume`).
    pub fn stopped_at(&self, done: usize) -> String {
        let total = self.lines.len();
        let mut at = format!("after line {done} of {total} of the job");
        // The layer of the first line not confirmed.
        let k = self
            .layers
            .partition_point(|l| l.0 <= done.min(total.saturating_sub(1)));
        if let Some(&(_, z)) = k.checked_sub(1).and_then(|k| self.layers.get(k)) {
            let z = if z.is_finite() {
                format!(", Z {z} mm")
            } else {
                String::new()
            };
            at.push_str(&format!(
                ", in layer {k} of {}{z}; Resume a failed print from layer {k} can finish it if the printer kept its position",
                self.layers.len()
            ));
        }
        at
    }
}
