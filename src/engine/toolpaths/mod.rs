//! Toolpaths: what to extrude on each layer, as data. Walls, gap fill, solid and sparse
//! infill, bridges, support, skirt and brim are each generated from the sliced regions;
//! `order` then picks seams and the printing order. The G-code planner only turns this data
//! into moves.

mod arachne;
mod chain;
pub mod flow;
mod fuzzy;
mod infill;
mod order;
mod raft;
mod skin;
mod skirt;
mod support;
mod walls;

pub use flow::{Flow, LayerFlows};
pub use order::{OrderedLayer, OrderedPath, PlacedLayer, Slope, order_layer};

use crate::engine::geom::{ExPolygon, Point};
use crate::engine::layers::{LayerZ, SlicedObject};
use crate::engine::par;
use crate::engine::settings::Settings;

/// What a line is for; names the `;TYPE:` comment (PrusaSlicer's names, read by every viewer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Role {
    Skirt,
    Brim,
    SupportMaterial,
    SupportMaterialInterface,
    ExternalPerimeter,
    Perimeter,
    OverhangPerimeter,
    GapFill,
    InternalInfill,
    SolidInfill,
    TopSolidInfill,
    BridgeInfill,
    Ironing,
}

impl Role {
    pub const ALL: [Role; 13] = [
        Role::Skirt,
        Role::Brim,
        Role::SupportMaterial,
        Role::SupportMaterialInterface,
        Role::ExternalPerimeter,
        Role::Perimeter,
        Role::OverhangPerimeter,
        Role::GapFill,
        Role::InternalInfill,
        Role::SolidInfill,
        Role::TopSolidInfill,
        Role::BridgeInfill,
        Role::Ironing,
    ];

    pub fn gcode_name(self) -> &'static str {
        match self {
            Role::Skirt | Role::Brim => "Skirt/Brim",
            Role::SupportMaterial => "Support material",
            Role::SupportMaterialInterface => "Support material interface",
            Role::ExternalPerimeter => "External perimeter",
            Role::Perimeter => "Perimeter",
            Role::OverhangPerimeter => "Overhang perimeter",
            Role::GapFill => "Gap fill",
            Role::InternalInfill => "Internal infill",
            Role::SolidInfill => "Solid infill",
            Role::TopSolidInfill => "Top solid infill",
            Role::BridgeInfill => "Bridge infill",
            Role::Ironing => "Ironing",
        }
    }

    pub fn from_gcode_name(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.gcode_name().eq_ignore_ascii_case(name.trim()))
    }

    /// Bridges and overhangs: printed with bridge speed and fan.
    pub fn is_bridge(self) -> bool {
        matches!(self, Role::BridgeInfill | Role::OverhangPerimeter)
    }

    pub fn is_perimeter(self) -> bool {
        matches!(
            self,
            Role::ExternalPerimeter | Role::Perimeter | Role::OverhangPerimeter
        )
    }
}

/// An open line of constant flow.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtrusionPath {
    pub role: Role,
    pub flow: Flow,
    pub points: Vec<Point>,
}

impl ExtrusionPath {
    pub fn new(role: Role, flow: Flow, points: Vec<Point>) -> Self {
        Self { role, flow, points }
    }

    pub fn length(&self) -> f64 {
        self.points.windows(2).map(|w| w[0].distance(w[1])).sum()
    }
}

/// A closed loop made of paths end to end (the last point of the last path is the first
/// point of the first). The order stage picks where it starts (the seam).
#[derive(Debug, Clone, PartialEq)]
pub struct ExtrusionLoop {
    pub paths: Vec<ExtrusionPath>,
}

impl ExtrusionLoop {
    pub fn role(&self) -> Role {
        // A loop that overhangs in places is still an external or inner wall.
        self.paths
            .iter()
            .map(|p| p.role)
            .find(|r| *r != Role::OverhangPerimeter)
            .unwrap_or(Role::OverhangPerimeter)
    }

    pub fn length(&self) -> f64 {
        self.paths.iter().map(ExtrusionPath::length).sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Extrusion {
    Path(ExtrusionPath),
    Loop(ExtrusionLoop),
    /// Printed in exactly this order (monotonic surfaces).
    Sequence(Vec<Extrusion>),
}

impl Extrusion {
    /// The role of its first line.
    pub fn role(&self) -> Option<Role> {
        match self {
            Extrusion::Path(p) => Some(p.role),
            Extrusion::Loop(l) => Some(l.role()),
            Extrusion::Sequence(s) => s.first().and_then(Extrusion::role),
        }
    }

    pub fn length(&self) -> f64 {
        match self {
            Extrusion::Path(p) => p.length(),
            Extrusion::Loop(l) => l.length(),
            Extrusion::Sequence(s) => s.iter().map(Extrusion::length).sum(),
        }
    }

    /// Plastic it takes (mm³).
    pub fn volume(&self) -> f64 {
        let path =
            |p: &ExtrusionPath| p.length() / crate::engine::units::SCALE * p.flow.mm3_per_mm();
        match self {
            Extrusion::Path(p) => path(p),
            Extrusion::Loop(l) => l.paths.iter().map(path).sum(),
            Extrusion::Sequence(s) => s.iter().map(Extrusion::volume).sum(),
        }
    }
}

/// A wall loop and how deep it sits (0 = the outer wall of its island or hole).
#[derive(Debug, Clone, PartialEq)]
pub struct Wall {
    pub depth: u32,
    pub extrusion: ExtrusionLoop,
}

/// One connected region of a layer with its walls (its infill is the infill stage's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Island {
    /// The sliced outline.
    pub outline: ExPolygon,
    pub walls: Vec<Wall>,
    /// Thin walls and gap fill.
    pub thin: Vec<ExtrusionPath>,
    /// Inside the innermost wall: travel here crosses no wall.
    pub fill_area: Vec<ExPolygon>,
}

/// What the infill stage makes of one layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerInfill {
    /// The infill of each island, in the order of the layer's islands.
    pub paths: Vec<Vec<Extrusion>>,
    /// The layer's visible surfaces: top surfaces, surfaces over air, and the whole first
    /// layer. Ooze dropped on a travel elsewhere is buried by the layers above.
    pub exposed: Vec<ExPolygon>,
}

/// Skirt and brim loops, per layer (only the first few layers have any).
pub type SkirtLayers = Vec<Vec<Extrusion>>;

/// Walls, thin walls and gap fill of every layer: the islands, still without infill.
pub fn walls(sliced: &SlicedObject, plan: &[LayerZ], settings: &Settings) -> Vec<Vec<Island>> {
    par::map(&sliced.layers, |i, regions| {
        let lower = if i == 0 {
            None
        } else {
            Some(&sliced.layers[i - 1][..])
        };
        let upper = sliced.layers.get(i + 1).map(|l| &l[..]);
        // One wall on the first layer, where asked.
        let first_layer_one;
        let s = if i == 0 && settings.only_one_perimeter_first_layer {
            first_layer_one = Settings {
                perimeters: settings.perimeters.min(1),
                ..settings.clone()
            };
            &first_layer_one
        } else {
            settings
        };
        let mut islands = walls::make_walls(
            regions,
            lower,
            upper,
            &LayerFlows::new(settings, plan[i].height, plan[i].on_bed),
            s,
        );
        fuzzy::roughen(&mut islands, i, settings);
        islands
    })
}

/// Classifies every layer's fill area (top, solid, bridge, sparse) and fills it: per layer,
/// the infill of each island.
pub fn infill(
    islands: &[Vec<Island>],
    sliced: &SlicedObject,
    plan: &[LayerZ],
    settings: &Settings,
) -> Vec<LayerInfill> {
    let mut surfaces = skin::classify(&sliced.layers, islands, settings);
    let heights: Vec<f64> = plan.iter().map(|l| l.height).collect();
    skin::combine_infill(&mut surfaces, &heights, settings);
    let last = sliced.layers.len().saturating_sub(1);
    par::map(islands, |i, isl| {
        let lower = if i == 0 {
            None
        } else {
            Some(&sliced.layers[i - 1][..])
        };
        let flows = LayerFlows::new(settings, plan[i].height, plan[i].on_bed);
        let mut paths = infill::fill_layer(
            isl,
            &surfaces[i],
            i,
            plan[i].print_z,
            &flows,
            lower,
            settings,
        );
        if settings.ironing {
            let upper = sliced.layers.get(i + 1).map(|l| &l[..]);
            let areas =
                skin::ironing_areas(&sliced.layers[i], upper, &surfaces[i], i == last, settings);
            infill::iron(&mut paths, isl, &areas, i, plan[i].height, settings);
        }
        let exposed = if i == 0 {
            sliced.layers[0].clone()
        } else {
            let s = &surfaces[i];
            s.top.iter().chain(&s.bridge).cloned().collect()
        };
        LayerInfill { paths, exposed }
    })
}

/// Support extrusions of every layer (empty when support is off).
pub fn support(sliced: &SlicedObject, plan: &[LayerZ], settings: &Settings) -> Vec<Vec<Extrusion>> {
    support::generate(sliced, plan, settings)
}

pub use raft::{raft, raft_area, raft_plan};
pub use skirt::skirt_and_brim;
