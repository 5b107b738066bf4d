//! The slicing engine: no browser, UI or GPU code. Data flows model file → mesh → layers →
//! toolpaths → gcode → printer, and imports point the other way, never back:
//! `pipeline` runs the stages over `gcode` → `toolpaths` → `layers` → `mesh`; `model` (the
//! plate) holds meshes; `assist` reads layers, toolpaths and the plate; all of them stand on
//! `settings`, `stage`, `geom`, `units` and `par`. `printer` takes finished G-code to a
//! printer, and `catalog` lists model files that come before it all (the model library).
//! `tests/structure.rs` checks that no import goes in a circle.

pub mod assist;
pub mod catalog;
pub mod gcode;
pub mod geom;
pub mod layers;
pub mod mesh;
pub mod model;
pub mod par;
pub mod pipeline;
pub mod printer;
pub mod settings;
pub mod stage;
pub mod toolpaths;
pub mod units;
