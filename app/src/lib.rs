//! The palette-portcheck single-page app: questionnaire in, checklist, topology and ticket out.

mod app;
pub mod checklist;
pub mod questionnaire;
pub mod state;
mod toolbar;
pub mod topology;

pub use app::App;
