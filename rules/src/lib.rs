//! Palette's network rules as data, and (growing) the engine that turns questionnaire answers into
//! a checklist of concrete flows. Pure Rust: no web or async dependencies, so the same code runs
//! natively, in the browser (wasm) and inside the probe.

mod answers;
mod catalog;
mod rule;

pub use answers::DeploymentModel;
pub use catalog::{catalog, CatalogError};
pub use rule::{Level, Rule, Source, Transport};
