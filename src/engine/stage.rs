//! The stages of slicing, in order. Each setting names the stage that reads it
//! (`SettingDef::stage`); the pipeline runs them one function each (`pipeline`), and re-slicing
//! re-runs a stage when a setting it reads changed or one of its inputs re-ran (`inputs`).

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
    /// The order of each layer's paths, and where the seams go.
    Order,
    Plan,
    Gcode,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Slice,
        Stage::Check,
        Stage::Perimeters,
        Stage::Infill,
        Stage::Support,
        Stage::Skirt,
        Stage::Order,
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
            Stage::Order => "order",
            Stage::Plan => "plan",
            Stage::Gcode => "gcode",
        }
    }

    /// The stages whose output this one reads. Assist's check reads the support settings
    /// besides the sliced layers (whether an overhang will be supported).
    pub fn inputs(self) -> &'static [Stage] {
        match self {
            Stage::Slice => &[],
            Stage::Check => &[Stage::Slice, Stage::Support],
            Stage::Perimeters | Stage::Support | Stage::Skirt => &[Stage::Slice],
            Stage::Infill => &[Stage::Perimeters],
            Stage::Order => &[
                Stage::Perimeters,
                Stage::Infill,
                Stage::Support,
                Stage::Skirt,
            ],
            Stage::Plan => &[Stage::Order],
            Stage::Gcode => &[Stage::Plan],
        }
    }
}
