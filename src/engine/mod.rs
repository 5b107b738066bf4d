//! The slicing engine: no browser, UI or GPU code. Dependencies point one way:
//! pipeline → gcode → toolpaths → layers → mesh → model, all over geom, units and settings;
//! `printer` takes finished G-code to a printer, and `catalog` lists model files that come
//! before it all (the model library).

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
