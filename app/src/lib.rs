//! The palette-portcheck single-page app: questionnaire in, checklist, topology and ticket out.

mod app;
pub mod questionnaire;

pub use app::App;
