//! Palette's network rules as data, and the engine that turns questionnaire answers into a
//! checklist of concrete flows. Pure Rust: no web or async dependencies, so the same code runs
//! natively, in the browser (wasm) and inside the probe.
//!
//! `Answers` -> [`evaluate`] -> [`Checklist`] (flows + findings).

// Tests build answers by changing one default field at a time, which reads best as assignments.
#![cfg_attr(test, allow(clippy::field_reassign_with_default))]

mod advice;
pub mod answers;
mod catalog;
pub mod check_kind;
pub mod checklist;
pub mod condition;
pub mod context;
pub mod download;
pub mod drift;
pub mod end;
pub mod endpoint;
mod engine;
mod firewall;
pub mod json;
pub mod markup;
pub mod no_proxy;
pub mod pairing;
pub mod plan;
pub mod protocol;
pub mod render;
pub mod report;
pub mod rule;
pub mod share;
pub mod space;
pub mod target;
pub mod ticket;
pub mod version;

pub use answers::{Answers, DeploymentModel, Infrastructure};
pub use catalog::{catalog, Catalog, CatalogError, DocPage, SaasIps};
pub use checklist::{Checklist, Finding, Flow, ProxyHop, Severity, Side, Source};
pub use context::{FieldError, Gateway};
pub use end::End;
pub use engine::evaluate;
pub use rule::{Level, Role, Rule, Transport};
