//! The palette-portcheck single-page app: questionnaire in, checklist, topology and ticket out.

mod app;
pub mod checklist;
mod download;
pub mod embed;
pub mod engine;
pub mod fleet;
pub mod live;
pub mod questionnaire;
pub mod state;
pub mod ticket;
mod toolbar;
pub mod topology;

pub use app::App;
