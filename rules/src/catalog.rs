use crate::Rule;
use std::fmt;

/// The rule base is compiled into every binary so the offline bundle and the probe need no files.
const RULES_JSON: &str = include_str!("../data/rules.json");

#[derive(Debug)]
pub struct CatalogError(serde_json::Error);

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the built-in rule base is malformed: {}", self.0)
    }
}

impl std::error::Error for CatalogError {}

/// Parses the built-in rule base.
pub fn catalog() -> Result<Vec<Rule>, CatalogError> {
    serde_json::from_str(RULES_JSON).map_err(CatalogError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Level, Transport};

    #[test]
    fn saas_ui_rule_is_loaded_with_its_source() {
        let rules = catalog().expect("built-in rules parse");
        let ui = rules
            .iter()
            .find(|r| r.id == "saas-ui-https")
            .expect("the SaaS UI rule is present");
        assert_eq!(ui.ports, vec![443]);
        assert_eq!(ui.transport, Transport::Tcp);
        assert_eq!(ui.level, Level::Required);
        assert_eq!(ui.sources[0].fact, "NP-SAAS-MP-443-UI");
        assert!(ui.sources[0].section.contains("Management Platform"));
    }

    #[test]
    fn every_rule_has_a_source() {
        for rule in catalog().unwrap() {
            assert!(!rule.sources.is_empty(), "rule {} has no source", rule.id);
        }
    }
}
