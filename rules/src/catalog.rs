//! The built-in rule base: source register, rules and findings, compiled into every binary so the
//! offline bundle and the probe need no files. Parsed once, on first use.

use crate::checklist::Source;
use crate::rule::{Document, FindingRule, Rule, SourceRef};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

const SOURCES: &str = include_str!("../data/sources.json");
const FINDINGS: &str = include_str!("../data/findings.json");
const SAAS_IPS: &str = include_str!("../data/saas-ips.json");
const SNAPSHOT: &str = include_str!("../data/docs-snapshot.json");
const RELEASES: &str = include_str!("../data/releases.json");
/// One file per documentation area; their order is the checklist's order.
const RULE_FILES: [(&str, &str); 7] = [
    (
        "management-platform.json",
        include_str!("../data/rules/management-platform.json"),
    ),
    ("workload.json", include_str!("../data/rules/workload.json")),
    ("pcg.json", include_str!("../data/rules/pcg.json")),
    (
        "self-hosted.json",
        include_str!("../data/rules/self-hosted.json"),
    ),
    ("airgap.json", include_str!("../data/rules/airgap.json")),
    ("edge.json", include_str!("../data/rules/edge.json")),
    ("proxy.json", include_str!("../data/rules/proxy.json")),
];

#[derive(Debug)]
pub struct Catalog {
    /// The source register: key (e.g. `NP-F2`) to document version.
    pub documents: BTreeMap<String, Document>,
    pub rules: Vec<Rule>,
    pub findings: Vec<FindingRule>,
    pub saas_ips: SaasIps,
    /// The documentation pages the rule base was last checked against, with no drift.
    pub snapshot: Vec<DocPage>,
    /// The Palette releases the stored release notes document, oldest first.
    pub releases: Releases,
}

/// Documented Palette releases (`data/releases.json`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Releases {
    #[serde(rename = "about")]
    _about: String,
    pub releases: Vec<Release>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Release {
    pub version: String,
    /// YYYY-MM-DD, as the release notes date it.
    pub date: String,
}

/// A documentation page whose tables the rule base covers (`data/docs-snapshot.json`); files
/// given to `portcheck docs-drift` are matched to it by name (`networking-ports.md`,
/// `networking-ports@99bc9d08.md`; a partial's leading `_` does not count).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocPage {
    pub id: String,
    /// Path in Palette's documentation repository (`spectrocloud/librarium`).
    pub path: String,
    pub commit: String,
    /// When the rule base was checked against that commit (YYYY-MM-DD).
    pub checked: String,
}

impl DocPage {
    /// `architecture/networking-ports.md @99bc9d08 (checked 2026-11-29)`: the path below the
    /// documentation root, which tells the PCG's `architecture.md` from others.
    pub fn label(&self) -> String {
        let file = self
            .path
            .strip_prefix("docs/docs-content/")
            .unwrap_or(&self.path);
        let commit = self.commit.get(..8).unwrap_or(&self.commit);
        format!("{file} @{commit} (checked {})", self.checked)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    #[serde(rename = "about")]
    _about: String,
    pages: Vec<DocPage>,
}

/// The documented addresses of multi-tenant Palette SaaS ("Palette IPs and Domains"). They stand
/// in for `*.spectrocloud.com` names wherever a rule needs addresses, and are the source side
/// of connections Palette SaaS opens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SaasIps {
    #[serde(with = "crate::end::text_list")]
    pub addresses: Vec<crate::End>,
    /// The domain whose names these addresses serve.
    pub applies_to: String,
    pub sources: Vec<SourceRef>,
}

impl SaasIps {
    /// Whether `host` is a Palette SaaS name served from these addresses. The bare domain is
    /// not: in the self-hosted required-domains list it stands for all of Spectro Cloud's
    /// content hosts, which the page does not tie to these addresses.
    pub fn serves(&self, host: &str) -> bool {
        host.strip_suffix(&self.applies_to)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(String);

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the built-in rule base is malformed: {}", self.0)
    }
}

impl std::error::Error for CatalogError {}

/// The parsed rule base. Malformed data is a build defect that the data tests catch; callers
/// still get an error rather than a panic.
pub fn catalog() -> Result<&'static Catalog, CatalogError> {
    static CATALOG: OnceLock<Result<Catalog, CatalogError>> = OnceLock::new();
    CATALOG.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Catalog, CatalogError> {
    let parse_err = |file: &str, e: serde_json::Error| CatalogError(format!("{file}: {e}"));
    let documents = crate::json::parse(SOURCES).map_err(|e| parse_err("sources.json", e))?;
    let findings = crate::json::parse(FINDINGS).map_err(|e| parse_err("findings.json", e))?;
    let saas_ips = crate::json::parse(SAAS_IPS).map_err(|e| parse_err("saas-ips.json", e))?;
    let snapshot: Snapshot =
        crate::json::parse(SNAPSHOT).map_err(|e| parse_err("docs-snapshot.json", e))?;
    let releases = crate::json::parse(RELEASES).map_err(|e| parse_err("releases.json", e))?;
    let mut rules: Vec<Rule> = Vec::new();
    for (file, text) in RULE_FILES {
        let part: Vec<Rule> = crate::json::parse(text).map_err(|e| parse_err(file, e))?;
        rules.extend(part);
    }
    let problems: Vec<String> = rules
        .iter()
        .flat_map(|r| {
            r.problems()
                .into_iter()
                .map(move |p| format!("{}: {p}", r.id))
        })
        .collect();
    if !problems.is_empty() {
        return Err(CatalogError(problems.join("; ")));
    }
    let mut findings: Vec<FindingRule> = findings;
    for r in &mut rules {
        r.resolved_sources = resolve_sources(&documents, &r.sources).into();
    }
    for f in &mut findings {
        f.resolved_sources = resolve_sources(&documents, &f.sources).into();
    }
    Ok(Catalog {
        documents,
        rules,
        findings,
        saas_ips,
        snapshot: snapshot.pages,
        releases,
    })
}

impl Catalog {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn resolve_sources(documents: &BTreeMap<String, Document>, refs: &[SourceRef]) -> Vec<Source> {
    refs.iter()
        .map(|r| {
            let doc = documents.get(&r.key);
            Source {
                key: r.key.clone(),
                doc: doc.map_or_else(|| r.key.clone(), |d| d.title.clone()),
                path: doc.map(|d| d.path.clone()).unwrap_or_default(),
                commit: doc.and_then(|d| d.commit.clone()),
                section: r.section.clone(),
                versions: r.versions.clone(),
                fact: r.fact.clone(),
            }
        })
        .collect()
}
