//! The questionnaire: one component per step, each editing its part of the answers.

mod deployment_step;

pub use deployment_step::DeploymentStep;
