//! The stages of slicing, in order. Each setting names the first stage whose output it changes
//! (`SettingDef::stage`); the pipeline runs them one function each (`pipeline`).

/// Pipeline stages in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Slice,
    /// Assist's findings in the sliced layers.
    Check,
    Perimeters,
    Infill,
    Support,
    Skirt,
    Plan,
    Gcode,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Slice,
        Stage::Check,
        Stage::Perimeters,
        Stage::Infill,
        Stage::Support,
        Stage::Skirt,
        Stage::Plan,
        Stage::Gcode,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Slice => "slice",
            Stage::Check => "check",
            Stage::Perimeters => "perimeters",
            Stage::Infill => "infill",
            Stage::Support => "support",
            Stage::Skirt => "skirt",
            Stage::Plan => "plan",
            Stage::Gcode => "gcode",
        }
    }
}
