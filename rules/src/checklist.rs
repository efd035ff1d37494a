//! The engine's output: concrete flows and findings. Its JSON form is stable and documented in
//! `rules/CHECKLIST.md`; the app, tickets and the probe plan all read it.

use crate::check_kind::CheckKind;
use crate::context::Gateway;
use crate::end::End;
use crate::rule::{Decision, Level, PortRange, Role, Transport};
use crate::version::Era;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Checklist JSON schema version. 2: a side's `hosts` are typed ends (`{"kind", "value"}`)
/// and its `placeholder` flag is a kind of end. 3: each flow's `check` kind and `proxiable`,
/// and the checklist's `documentation` snapshot.
pub const CHECKLIST_SCHEMA: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Checklist {
    pub schema: u32,
    pub palette_version: String,
    pub era: Era,
    pub gateway: Gateway,
    /// The outbound proxy: flows marked `via-proxy` reach their destination from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyHop>,
    pub flows: Vec<Flow>,
    pub findings: Vec<Finding>,
    /// The documentation snapshot the rule base was checked against: page, commit, date.
    pub documentation: Vec<crate::catalog::DocPage>,
}

impl Checklist {
    /// `Rules checked against Palette's documentation: networking-ports.md @99bc9d08 (checked
    /// 2026-11-29); ...`: the provenance line every rendering carries.
    pub fn provenance(&self) -> String {
        provenance(&self.documentation)
    }
}

/// The provenance line for a documentation snapshot (also `portcheck --version`).
pub fn provenance(pages: &[crate::catalog::DocPage]) -> String {
    let pages: Vec<String> = pages.iter().map(crate::catalog::DocPage::label).collect();
    format!(
        "Rules checked against Palette's documentation (spectrocloud/librarium): {}",
        pages.join("; ")
    )
}

impl Checklist {
    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Flow {
    /// The rule id: stable across versions, the key probe results are merged by.
    pub id: String,
    pub from: Side,
    pub to: Side,
    pub ports: Vec<PortRange>,
    pub transport: Transport,
    pub protocol: String,
    /// How a probe proves it by connecting; absent for flows that are not TCP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckKind>,
    /// Whether Palette's software sends it through an outbound proxy, when there is one.
    pub proxiable: bool,
    pub level: Level,
    pub purpose: String,
    /// The answers that selected this flow, in words.
    pub reasons: Vec<String>,
    pub sources: Arc<[Source]>,
    /// Documented inconsistencies about this flow and how they were settled.
    #[serde(default, skip_serializing_if = "crate::rule::is_empty")]
    pub decisions: Arc<[Decision]>,
    /// The connection goes through the outbound proxy (NO_PROXY does not exempt it).
    pub via_proxy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Flow {
    /// Whether the documentation contradicts itself about this flow.
    pub fn is_documented_inconsistency(&self) -> bool {
        !self.decisions.is_empty()
    }

    /// `443/tcp`, `2379-2380/tcp`, `esp`.
    pub fn ports_text(&self) -> String {
        if self.ports.is_empty() {
            return self.transport.as_str().to_owned();
        }
        self.ports
            .iter()
            .map(|p| format!("{p}/{}", self.transport.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The outbound proxy as a firewall sees it: the address agents connect to, and the host that
/// opens the connections they ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProxyHop {
    pub host: End,
    pub port: u16,
}

/// One end of a flow: the role, and the user's addresses for it or a named placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Side {
    pub role: Role,
    pub label: String,
    pub hosts: Vec<End>,
}

impl Side {
    pub fn hosts_text(&self) -> String {
        let hosts: Vec<String> = self.hosts.iter().map(End::to_string).collect();
        hosts.join(", ")
    }

    /// The user has not given these addresses yet.
    pub fn is_placeholder(&self) -> bool {
        self.hosts.iter().any(End::is_placeholder)
    }
}

/// A resolved source: the document and the place in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Source {
    pub key: String,
    pub doc: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub section: String,
    pub versions: String,
    pub fact: String,
}

/// One documentation page a flow rests on, said once: its sections and the versions they
/// cover, without the per-fact repetition of `Flow::sources`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedIn {
    pub doc: String,
    pub url: Option<String>,
    pub sections: Vec<String>,
    pub versions: Vec<String>,
}

impl DocumentedIn {
    /// `Network Communication and Ports › Workload Cluster; Management Platform (all
    /// documented versions; >= 4.0.0 (gRPC era))`.
    pub fn text(&self) -> String {
        format!(
            "{} › {} ({})",
            self.doc,
            self.sections.join("; "),
            self.versions.join("; ")
        )
    }
}

/// The pages `sources` come from, in order of first mention, each once.
pub fn documented_in(sources: &[Source]) -> Vec<DocumentedIn> {
    let mut pages: Vec<DocumentedIn> = Vec::new();
    for s in sources {
        let at = match pages.iter().position(|p| p.doc == s.doc) {
            Some(at) => at,
            None => {
                pages.push(DocumentedIn {
                    doc: s.doc.clone(),
                    url: s.url(),
                    sections: Vec::new(),
                    versions: Vec::new(),
                });
                pages.len() - 1
            }
        };
        let page = &mut pages[at];
        // "both tabs > Workload Cluster" and "Workload Cluster" are the same section to a reader.
        let section = s
            .section
            .rsplit(" > ")
            .next()
            .unwrap_or(&s.section)
            .to_owned();
        if !page.sections.contains(&section) {
            page.sections.push(section);
        }
        if !page.versions.contains(&s.versions) {
            page.versions.push(s.versions.clone());
        }
    }
    pages
}

impl Source {
    /// The page on docs.spectrocloud.com for documentation-repository paths; `None` for partials
    /// and legacy pages, which have no page of their own.
    pub fn url(&self) -> Option<String> {
        if self.path.starts_with("https://") {
            return Some(self.path.clone());
        }
        let page = self
            .path
            .strip_prefix("docs/docs-content/")?
            .strip_suffix(".md")?;
        Some(format!("https://docs.spectrocloud.com/{page}/"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The user must do something (deploy a gateway, fix NO_PROXY).
    Action,
    /// Something will break or surprise unless handled.
    Warning,
    Info,
}

impl Severity {
    /// The name printed in text and Markdown checklists.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Action => "Action",
            Severity::Warning => "Warning",
            Severity::Info => "Info",
        }
    }
}

/// Advice that is not a flow: gateway decisions, proxy warnings, NO_PROXY advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub text: String,
    pub reasons: Vec<String>,
    pub sources: Arc<[Source]>,
    #[serde(default, skip_serializing_if = "crate::rule::is_empty")]
    pub decisions: Arc<[Decision]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// #16 point 9: twenty-one sources of one flow read as three pages, each once.
    #[test]
    fn each_page_is_said_once_with_its_sections_and_versions() {
        let checklist = crate::evaluate(&crate::Answers {
            infrastructure: vec![crate::Infrastructure::Vsphere],
            ..crate::Answers::default()
        })
        .unwrap();
        let flow = checklist
            .flows
            .iter()
            .max_by_key(|f| f.sources.len())
            .unwrap();
        let pages = documented_in(&flow.sources);
        assert!(pages.len() < flow.sources.len(), "{pages:?}");
        let docs: Vec<&str> = pages.iter().map(|p| p.doc.as_str()).collect();
        let mut unique = docs.clone();
        unique.dedup();
        assert_eq!(docs.len(), unique.len(), "each page once: {docs:?}");
        for page in &pages {
            assert!(!page.sections.iter().any(|s| s.contains(" > ")), "{page:?}");
            let text = page.text();
            assert!(text.starts_with(&format!("{} › ", page.doc)), "{text}");
        }
    }

    fn source(path: &str) -> Source {
        Source {
            key: "K".into(),
            doc: "D".into(),
            path: path.into(),
            commit: None,
            section: "S".into(),
            versions: "V".into(),
            fact: "F".into(),
        }
    }

    #[test]
    fn documentation_paths_map_to_docs_site_pages() {
        assert_eq!(
            source("docs/docs-content/architecture/networking-ports.md")
                .url()
                .as_deref(),
            Some("https://docs.spectrocloud.com/architecture/networking-ports/")
        );
        assert_eq!(
            source("_partials/self-hosted/_required-domains.mdx").url(),
            None
        );
        assert_eq!(
            source("https://docs.spectrocloud.com/architecture/networking-ports")
                .url()
                .as_deref(),
            Some("https://docs.spectrocloud.com/architecture/networking-ports")
        );
    }
}
