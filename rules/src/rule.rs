use serde::{Deserialize, Serialize};

/// One documented network flow, as written in Palette's documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable identifier: checklists, tickets and probe results refer to flows by it.
    pub id: String,
    /// Role that opens the connection.
    pub from: String,
    /// Role that accepts the connection.
    pub to: String,
    pub ports: Vec<u16>,
    pub transport: Transport,
    /// Application protocol spoken over the port, as the documentation names it.
    pub protocol: String,
    pub purpose: String,
    pub level: Level,
    /// Where the documentation states this flow; never empty.
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tcp,
    Udp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Required,
    Optional,
    Deprecated,
}

/// Provenance of a rule: the document and section that state it, and the Palette versions for
/// which that text is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub doc: String,
    /// Path in Palette's documentation repository.
    pub path: String,
    pub section: String,
    pub versions: String,
    /// Id of the matching entry in the curated fact base (`shared/facts`).
    pub fact: String,
}
