//! `portcheck docs-drift`: Palette's documentation tables against the rule base. Every row of a
//! page's tables is mapped to the rules (or findings) that cover it (`data/doc-rows.json`; the
//! seed documents' rows in `data/seed-rows.json`, checked by this same code); a row no mapping
//! names, a mapped row that is gone or has moved, and a covered row whose port, direction or
//! domain the mapped rules do not carry are drift.

pub mod facts;
mod render;
pub mod tables;

use crate::catalog::{Catalog, DocPage};
use crate::rule::{Role, Rule};
use facts::{Direction, Facts};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use tables::{normalize, DocRow};

pub use render::{markdown, text};

/// Which documentation rows the rule base covers, and by what.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Mappings {
    pub about: String,
    pub rows: Vec<RowMapping>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RowMapping {
    /// The page's id (`DocPage::id`).
    pub page: String,
    /// The headings above the table (`Network Ports > Management Platform`); or, for formats
    /// whose headings are unreliable, the table's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<usize>,
    /// The row's key (`DocRow::key`): its cells without port, direction and region.
    pub row: String,
    /// Rule ids, finding ids, or `saas-ips` (the documented Palette SaaS addresses).
    pub maps_to: Vec<String>,
    /// Why the mapped rules may disagree with this row: the decision that settled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

impl RowMapping {
    fn locates(&self, row: &DocRow) -> bool {
        match (&self.heading, self.table) {
            (Some(heading), _) => normalize(heading) == row.heading,
            (None, Some(table)) => table == row.table,
            (None, None) => true,
        }
    }

    /// Where `row` is, told the way this mapping locates rows (by heading or table number).
    fn place_of(&self, row: &DocRow) -> String {
        if self.heading.is_some() {
            row.heading.clone()
        } else {
            format!("table {}", row.table)
        }
    }

    fn place(&self) -> String {
        match (&self.heading, self.table) {
            (Some(heading), _) => heading.clone(),
            (None, Some(table)) => format!("table {table}"),
            (None, None) => String::new(),
        }
    }
}

/// The id that stands for the documented SaaS addresses (`data/saas-ips.json`).
pub const SAAS_IPS: &str = "saas-ips";

const DOC_ROWS: &str = include_str!("../../data/doc-rows.json");

/// The built-in mapping of the documentation pages' rows.
fn doc_rows() -> Result<&'static Mappings, String> {
    static MAPPINGS: OnceLock<Result<Mappings, String>> = OnceLock::new();
    MAPPINGS
        .get_or_init(|| crate::json::parse(DOC_ROWS).map_err(|e| format!("doc-rows.json: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}

/// The page a file is a copy of, by its name.
pub fn page_for<'p>(pages: &'p [DocPage], file_name: &str) -> Option<&'p DocPage> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.split('@').next().unwrap_or(base);
    let stem = [".mdx", ".md", ".txt"]
        .iter()
        .find_map(|ext| stem.strip_suffix(ext))
        .unwrap_or(stem);
    let stem = stem.strip_prefix('_').unwrap_or(stem);
    pages.iter().find(|p| p.id == stem)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A row no mapping names: the rule base may miss a flow.
    Uncovered,
    /// A mapped row found under another heading or table.
    Moved,
    /// A mapped row the page no longer has: the rules may be obsolete.
    Removed,
    /// A covered row whose port, direction or domain the mapped rules do not carry.
    Disagrees,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Uncovered => "not covered",
            Kind::Moved => "moved",
            Kind::Removed => "removed",
            Kind::Disagrees => "disagrees",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Item {
    pub kind: Kind,
    pub file: String,
    pub page: String,
    /// Where the row is in the file; absent for a removed row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub heading: String,
    pub row: String,
    /// The mapped rules, or for an uncovered row the closest rule.
    pub rules: Vec<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileSummary {
    pub file: String,
    pub page: String,
    pub path: String,
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    pub files: Vec<FileSummary>,
    pub drift: Vec<Item>,
}

/// A file that cannot be checked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Checks one file's tables against the mapping of `pages`.
fn check_file(
    pages: &[DocPage],
    mappings: &Mappings,
    catalog: &Catalog,
    file: &str,
    text: &str,
) -> Result<(FileSummary, Vec<Item>), Unreadable> {
    let page = page_for(pages, file).ok_or_else(|| {
        let ids: Vec<&str> = pages.iter().map(|p| p.id.as_str()).collect();
        Unreadable(format!(
            "{}: not a page the rule base is mapped against (file names start with one of: {})",
            crate::endpoint::printable(file),
            ids.join(", ")
        ))
    })?;
    let rows = tables::rows(text);
    if rows.is_empty() {
        return Err(Unreadable(format!(
            "{}: no table rows found; is it the Markdown source of {}?",
            crate::endpoint::printable(file),
            page.path
        )));
    }
    let mine: Vec<&RowMapping> = mappings.rows.iter().filter(|m| m.page == page.id).collect();
    // Each mapping's key once, not once per row of the page.
    let keys: Vec<String> = mine.iter().map(|m| normalize(&m.row)).collect();
    let mut used = vec![false; mine.len()];
    let mut items = Vec::new();
    let vocabulary = std::cell::OnceCell::new();
    let item = |kind, row: &DocRow, rules: Vec<String>, detail: String| Item {
        kind,
        file: file.to_owned(),
        page: page.id.clone(),
        line: Some(row.line),
        heading: row.heading.clone(),
        row: row.text(),
        rules,
        detail,
    };
    for row in &rows {
        let key = row.key();
        let same_key = |i: usize| keys[i] == key;
        if let Some(at) = (0..mine.len()).position(|i| same_key(i) && mine[i].locates(row)) {
            used[at] = true;
            for problem in disagreements(catalog, row, mine[at]) {
                items.push(item(
                    Kind::Disagrees,
                    row,
                    mine[at].maps_to.clone(),
                    problem,
                ));
            }
        } else if let Some(at) = (0..mine.len()).find(|&i| !used[i] && same_key(i)) {
            used[at] = true;
            let detail = format!(
                "mapped under {}, found under {}",
                mine[at].place(),
                mine[at].place_of(row)
            );
            items.push(item(Kind::Moved, row, mine[at].maps_to.clone(), detail));
        } else {
            let vocabulary = vocabulary.get_or_init(|| Vocabulary::of(catalog));
            let closest = vocabulary.closest(row);
            let detail = match &closest {
                Some(rule) => format!("closest rule: {} ({})", rule.id, rule.purpose),
                None => "no rule resembles it".to_owned(),
            };
            items.push(item(
                Kind::Uncovered,
                row,
                closest.map(|r| r.id.clone()).into_iter().collect(),
                detail,
            ));
        }
    }
    for (m, used) in mine.iter().zip(&used) {
        if !used {
            items.push(Item {
                kind: Kind::Removed,
                file: file.to_owned(),
                page: page.id.clone(),
                line: None,
                heading: m.place(),
                row: m.row.clone(),
                rules: m.maps_to.clone(),
                detail: "the page no longer has this row: the rules mapped to it may be obsolete"
                    .to_owned(),
            });
        }
    }
    let summary = FileSummary {
        file: file.to_owned(),
        page: page.id.clone(),
        path: page.path.clone(),
        rows: rows.len(),
    };
    Ok((summary, items))
}

/// Checks every file against the rule base's documentation snapshot and `doc-rows.json`; a
/// file that cannot be read as a mapped page is an error naming it.
pub fn check(catalog: &Catalog, files: &[(String, String)]) -> Result<Report, Unreadable> {
    let mappings = doc_rows().map_err(Unreadable)?;
    check_against(&catalog.snapshot, mappings, catalog, files)
}

/// Checks files against any pages and mapping (the seed documents have their own).
pub fn check_against(
    pages: &[DocPage],
    mappings: &Mappings,
    catalog: &Catalog,
    files: &[(String, String)],
) -> Result<Report, Unreadable> {
    let mut report = Report {
        files: Vec::new(),
        drift: Vec::new(),
    };
    for (file, text) in files {
        let (summary, items) = check_file(pages, mappings, catalog, file, text)?;
        report.files.push(summary);
        report.drift.extend(items);
    }
    Ok(report)
}

/// What the mapped rules fail to carry of what the row states. Nothing when the mapping
/// records the disagreement as decided.
fn disagreements(catalog: &Catalog, row: &DocRow, mapping: &RowMapping) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rules: Vec<&Rule> = Vec::new();
    for id in &mapping.maps_to {
        match catalog.rule(id) {
            Some(rule) => rules.push(rule),
            None if id == SAAS_IPS || catalog.findings.iter().any(|f| &f.id == id) => {}
            None => problems.push(format!("maps to {id}, which the rule base does not have")),
        }
    }
    if mapping.accepted.is_some() {
        return problems;
    }
    let facts = Facts::of(row);
    if let Some(ip) = &facts.ip {
        if mapping.maps_to.iter().any(|m| m == SAAS_IPS)
            && !catalog
                .saas_ips
                .addresses
                .iter()
                .any(|a| &a.to_string() == ip)
        {
            problems.push(format!(
                "{ip} is not among the documented Palette SaaS addresses"
            ));
        }
    }
    if rules.is_empty() {
        return problems;
    }
    let opens = |rules: &[&Rule], port: u16| {
        rules
            .iter()
            .any(|r| r.ports.iter().any(|p| p.contains(port)))
    };
    let ports_of = |rules: &[&Rule]| {
        let mut ports: Vec<String> = rules
            .iter()
            .flat_map(|r| r.ports.iter().map(ToString::to_string))
            .collect();
        ports.dedup();
        ports.join(", ")
    };
    match &facts.name {
        Some(name) => {
            let with_name: Vec<&Rule> = rules
                .iter()
                .copied()
                .filter(|r| {
                    r.hosts
                        .iter()
                        .chain(&r.saas_hosts)
                        .any(|h| h.to_string().eq_ignore_ascii_case(name))
                })
                .collect();
            if with_name.is_empty() {
                problems.push(format!(
                    "{name} is not a destination of {}",
                    mapping.maps_to.join(", ")
                ));
            }
            for port in &facts.ports {
                if !with_name.is_empty() && !opens(&with_name, *port) {
                    problems.push(format!(
                        "{name} on port {port}: the rules naming it open {}",
                        ports_of(&with_name)
                    ));
                }
            }
        }
        None => {
            for port in &facts.ports {
                if !opens(&rules, *port) {
                    problems.push(format!(
                        "port {port}: {} open {}",
                        mapping.maps_to.join(", "),
                        ports_of(&rules)
                    ));
                }
            }
        }
    }
    let subject = facts::subject(&row.heading);
    if let (Some(direction), false) = (facts.direction, subject.is_empty()) {
        let fits = rules.iter().any(|r| match direction {
            Direction::Inbound => subject.contains(&r.to),
            Direction::Outbound => subject.contains(&r.from),
        });
        if !fits {
            problems.push(format!(
                "{} for {}: the mapped rules run {}",
                direction.as_str(),
                row.heading,
                runs(&rules)
            ));
        }
    }
    for (roles, side, pick) in [
        (
            &facts.source,
            "source",
            (|r: &Rule| r.from) as fn(&Rule) -> Role,
        ),
        (&facts.destination, "destination", |r: &Rule| r.to),
    ] {
        if let Some(roles) = roles.as_ref().filter(|r| !r.is_empty()) {
            if !rules.iter().any(|r| roles.contains(&pick(r))) {
                problems.push(format!(
                    "the documented {side} is not where the mapped rules run ({})",
                    runs(&rules)
                ));
            }
        }
    }
    problems
}

fn runs(rules: &[&Rule]) -> String {
    let runs: Vec<String> = rules
        .iter()
        .map(|r| format!("{} -> {}", r.from.slug(), r.to.slug()))
        .collect();
    runs.join(", ")
}

/// Words that say nothing about which flow a row is.
const COMMON: [&str; 10] = [
    "the", "and", "for", "from", "with", "between", "access", "port", "ports", "https",
];

fn words(text: &str) -> Vec<String> {
    text.to_ascii_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '*' || c == '-'))
        .map(|w| w.trim_matches(['.', '-']).to_owned())
        .filter(|w| w.len() >= 3 && !COMMON.contains(&w.as_str()))
        .collect()
}

/// Each rule's words, worked out once per file rather than once per uncovered row.
struct Vocabulary<'c> {
    rules: Vec<(&'c Rule, Vec<String>)>,
}

impl<'c> Vocabulary<'c> {
    fn of(catalog: &'c Catalog) -> Vocabulary<'c> {
        let rules = catalog
            .rules
            .iter()
            .map(|rule| {
                let mut text = format!("{} {} {}", rule.id, rule.purpose, rule.protocol);
                for h in rule.hosts.iter().chain(&rule.saas_hosts) {
                    text.push(' ');
                    text.push_str(&h.to_string());
                }
                (rule, words(&text))
            })
            .collect();
        Vocabulary { rules }
    }

    /// The rule most like an uncovered row: shared words, the row's port and its domain weigh.
    fn closest(&self, row: &DocRow) -> Option<&'c Rule> {
        let facts = Facts::of(row);
        let row_words = words(&row.text());
        self.rules
            .iter()
            .map(|(rule, rule_words)| {
                let mut score = row_words.iter().filter(|w| rule_words.contains(w)).count();
                score += 2 * facts
                    .ports
                    .iter()
                    .filter(|p| rule.ports.iter().any(|r| r.contains(**p)))
                    .count();
                if let Some(name) = &facts.name {
                    let suffix = name.split_once('.').map_or(name.as_str(), |(_, d)| d);
                    if rule
                        .hosts
                        .iter()
                        .chain(&rule.saas_hosts)
                        .any(|h| h.to_string().ends_with(suffix))
                    {
                        score += 3;
                    }
                }
                (score, *rule)
            })
            .filter(|(score, _)| *score > 0)
            .max_by_key(|(score, rule)| (*score, std::cmp::Reverse(rule.id.as_str())))
            .map(|(_, rule)| rule)
    }
}
