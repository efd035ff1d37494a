//! The head of the report `portcheck check --format json` writes: which plan ran, from where,
//! when, and by which probe. One type for the probe that writes it and for whatever reads it
//! (`portcheck merge`, the app's report import), so a fleet of reports can say which machine
//! and site each verdict came from. The format is versioned (`SCHEMA`) and documented in
//! probe/REPORT.md.

use crate::plan::Skipped;
use crate::protocol::reply::{LiveResult, Verdict};
use crate::Role;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Version 2 added `vantage`; version 1 reports (no vantage) are still read.
pub const SCHEMA: u32 = 2;

/// The largest file or stream of reports read at once: a report of a thousand checks with its
/// TLS chains is a few megabytes, a fleet's stream a few hundred; far more is a mistake.
pub const MAX_STREAM_BYTES: u64 = 256 * 1024 * 1024;

/// The longest site label, in characters: a data centre, a subnet or an Edge location's name.
pub const SITE_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Head {
    pub schema: u32,
    /// The role the plan runs as.
    pub from: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vantage: Option<Vantage>,
}

/// Where and when a report was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Vantage {
    /// The label given with `--site`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub host_name: String,
    /// The machine's own addresses (loopback left out), as the operating system lists them.
    #[serde(default)]
    pub addresses: Vec<String>,
    pub probe_version: String,
    /// `sha256:` and the hex digest of the plan file's bytes: reports of one plan share it.
    pub plan_digest: String,
    /// RFC 3339, UTC, to the second.
    pub started: String,
    pub finished: String,
}

/// A report as readers take it (`portcheck merge`, the app's import): the head and, of each
/// result, what a fleet view needs; the probe's steps and timings are not read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    #[serde(flatten)]
    pub head: Head,
    pub results: Vec<Reported>,
    #[serde(default)]
    pub skipped: Vec<Skipped>,
}

/// One check's result in a report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Reported {
    #[serde(flatten)]
    pub outcome: LiveResult,
    /// The check proves an optional flow (absent: required).
    #[serde(default)]
    pub optional: bool,
}

impl Report {
    /// A report read from outside (a file, a stream of many): a schema this code knows, a
    /// bounded number of results. Its texts stay as written; every output escapes them.
    pub fn from_value(value: serde_json::Value) -> Result<Report, String> {
        let schema = value.get("schema").and_then(serde_json::Value::as_u64);
        match schema {
            Some(1 | 2) => {}
            Some(n) => {
                return Err(format!(
                    "report schema {n} is not one this portcheck reads (1 or 2): update portcheck"
                ))
            }
            None => return Err("not a portcheck check report (no schema)".into()),
        }
        let report: Report = serde_json::from_value(value)
            .map_err(|e| format!("not a portcheck check report: {e}"))?;
        if report.results.len() > crate::plan::MAX_CHECKS {
            return Err(format!(
                "{} results, more than any plan holds ({})",
                report.results.len(),
                crate::plan::MAX_CHECKS
            ));
        }
        Ok(report)
    }
}

/// Many reports as one: a matrix of flows by place, the flows that fail anywhere first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Fleet {
    /// One column per report, in the order given.
    pub places: Vec<Place>,
    pub rows: Vec<Row>,
    /// The digests of the plans merged: more than one means reports of different plans were
    /// merged by flow id.
    pub plans: BTreeSet<String>,
}

/// Where one report was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Place {
    /// The report's file (or `-:N` for the Nth report of a stream).
    pub source: String,
    /// The site label, else the host name, else the source.
    pub name: String,
    pub host: Option<String>,
    pub from: Role,
    pub finished: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Row {
    pub flow: String,
    pub optional: bool,
    /// One per place; `None` where that report has no check of the flow.
    pub cells: Vec<Option<Cell>>,
}

/// A flow at one place: the worst verdict of its checks there, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cell {
    pub verdict: Verdict,
    pub checks: usize,
    /// The summary and cause of the first check with the worst verdict, when it did not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl Row {
    /// The places where this flow did not pass: (place index, cell).
    pub fn not_passed(&self) -> impl Iterator<Item = (usize, &Cell)> {
        self.cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((i, c.as_ref().filter(|c| c.verdict > Verdict::Pass)?)))
    }

    pub fn worst(&self) -> Option<Verdict> {
        self.cells.iter().flatten().map(|c| c.verdict).max()
    }

    /// How many places gave each verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.cells
            .iter()
            .flatten()
            .filter(|c| c.verdict == verdict)
            .count()
    }
}

/// Reports folded into a fleet one at a time, so a fleet of thousands is never held in memory
/// whole; `finish` sorts the rows.
#[derive(Debug, Default)]
pub struct Merger {
    places: Vec<Place>,
    plans: BTreeSet<String>,
    /// flow -> (optional everywhere?, a cell per place so far)
    flows: BTreeMap<String, (bool, Vec<Option<Cell>>)>,
}

impl Merger {
    pub fn add(&mut self, source: &str, report: &Report) {
        let i = self.places.len();
        let vantage = report.head.vantage.as_ref();
        let host = vantage.map(|v| v.host_name.clone());
        let name = vantage
            .and_then(|v| v.site.clone())
            .or_else(|| host.clone())
            .unwrap_or_else(|| source.to_owned());
        if let Some(v) = vantage {
            self.plans.insert(v.plan_digest.clone());
        }
        self.places.push(Place {
            source: source.to_owned(),
            name,
            host,
            from: report.head.from,
            finished: vantage.map(|v| v.finished.clone()),
        });
        for r in &report.results {
            let (optional, cells) = self
                .flows
                .entry(r.outcome.flow.clone())
                .or_insert_with(|| (true, Vec::new()));
            *optional &= r.optional;
            cells.resize(i + 1, None);
            let cell = cells[i].get_or_insert(Cell {
                verdict: r.outcome.verdict,
                checks: 0,
                why: None,
            });
            cell.checks += 1;
            // The first check with the worst verdict says why.
            if r.outcome.verdict > cell.verdict
                || (cell.why.is_none() && r.outcome.verdict > Verdict::Pass)
            {
                cell.verdict = r.outcome.verdict;
                cell.why = (r.outcome.verdict > Verdict::Pass).then(|| why(&r.outcome));
            }
        }
    }

    /// Rows: flows failing somewhere first (required before optional), then warning, then
    /// passing; by flow id within each.
    pub fn finish(self) -> Fleet {
        let places = self.places.len();
        let mut rows: Vec<Row> = self
            .flows
            .into_iter()
            .map(|(flow, (optional, mut cells))| {
                cells.resize(places, None);
                Row {
                    flow,
                    optional,
                    cells,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            let rank = |r: &Row| (std::cmp::Reverse(r.worst()), r.optional);
            rank(a).cmp(&rank(b)).then_with(|| a.flow.cmp(&b.flow))
        });
        Fleet {
            places: self.places,
            rows,
            plans: self.plans,
        }
    }
}

impl Fleet {
    /// Beyond this many places a matrix of flows by place no longer fits a page or a screen:
    /// every view shows one summary row per flow instead.
    pub const MATRIX_MAX: usize = 12;

    /// Every flow at every place where it did not pass, failing flows first: the "why" list of
    /// every view.
    pub fn not_passed(&self) -> impl Iterator<Item = (&Row, &Place, &Cell)> {
        self.rows.iter().flat_map(move |row| {
            row.not_passed()
                .map(move |(i, c)| (row, &self.places[i], c))
        })
    }

    /// Merges reports by flow id (`Merger`, for reports at hand).
    pub fn merge(reports: &[(String, Report)]) -> Fleet {
        let mut merger = Merger::default();
        for (source, report) in reports {
            merger.add(source, report);
        }
        merger.finish()
    }

    /// Whether a required flow failed at some place: `portcheck merge` exits 1.
    pub fn required_failed(&self) -> bool {
        self.rows
            .iter()
            .any(|r| !r.optional && r.worst() == Some(Verdict::Fail))
    }
}

/// A result that did not pass, in one line: its summary and cause.
fn why(r: &LiveResult) -> String {
    match &r.cause {
        Some(cause) if !cause.is_empty() => format!("{}: {cause}", r.summary),
        _ => r.summary.clone(),
    }
}

/// The reports in one file or stream: one JSON document, or many in a row (JSON lines, or
/// documents one after another as `kubectl logs` prints them). A stretch that is not JSON is
/// reported with its line and skipped up to the next line that starts a document.
pub fn read_stream(
    text: &str,
    source: &str,
    mut each: impl FnMut(Result<(String, Report), String>),
) {
    let source = crate::endpoint::printable(source);
    let mut at = 0;
    // Lines before `at`, counted as `at` moves (never recounted from the start).
    let mut line = 0;
    let mut n = 0;
    let advance = |at: &mut usize, to: usize, line: &mut usize| {
        *line += text[*at..to].matches('\n').count();
        *at = to;
    };
    while at < text.len() {
        let rest = &text[at..];
        let skip = rest.len() - rest.trim_start().len();
        if skip == rest.len() {
            break;
        }
        let to = at + skip;
        advance(&mut at, to, &mut line);
        let mut stream =
            serde_json::Deserializer::from_str(&text[at..]).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(value)) => {
                n += 1;
                let name = format!("{source}#{n}");
                each(
                    Report::from_value(value)
                        .map(|r| (name.clone(), r))
                        .map_err(|e| format!("{name}: {e}")),
                );
                let end = at + stream.byte_offset();
                advance(&mut at, end, &mut line);
            }
            Some(Err(e)) => {
                each(Err(format!(
                    "{source}: line {}: not JSON ({e})",
                    line + e.line()
                )));
                // On to the next line that opens a document.
                let next = text[at..]
                    .match_indices('\n')
                    .map(|(i, _)| at + i + 1)
                    .find(|&i| text[i..].trim_start().starts_with('{'));
                match next {
                    Some(i) => advance(&mut at, i, &mut line),
                    None => break,
                }
            }
            None => break,
        }
    }
}

/// A `--site` label as given, or why it cannot be one: it is written into reports, tickets and
/// terminals, so it must read as it is (no control, bidi or invisible characters) and fit a
/// table cell.
pub fn site_label(text: &str) -> Result<String, String> {
    let label = text.trim();
    if label.is_empty() {
        return Err("--site needs a label, e.g. --site dc1-workload".into());
    }
    if label.chars().count() > SITE_MAX {
        return Err(format!("--site is longer than {SITE_MAX} characters"));
    }
    if crate::endpoint::printable(label) != label {
        return Err(format!(
            "--site '{}' holds characters that do not print as themselves (control, bidi or invisible ones)",
            crate::endpoint::printable(label)
        ));
    }
    Ok(label.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_reports_is_split_and_damage_is_named_and_skipped() {
        let good = r#"{"schema":1,"from":"pcg","results":[]}"#;
        let pretty = "{\n  \"schema\": 1,\n  \"from\": \"workload\",\n  \"results\": []\n}";
        let text = format!("{good}\n{pretty}\n{{\"schema\": 1, broken\n{good}\n{{\"schema\":7,\"from\":\"pcg\",\"results\":[]}}\n");
        let mut items = Vec::new();
        read_stream(&text, "fleet.log", |item| items.push(item));
        let ok: Vec<&str> = items
            .iter()
            .filter_map(|i| i.as_ref().ok())
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(ok, ["fleet.log#1", "fleet.log#2", "fleet.log#3"]);
        let errors: Vec<&String> = items.iter().filter_map(|i| i.as_ref().err()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("fleet.log: line 7: not JSON"),
            "{}",
            errors[0]
        );
        assert!(errors[1].contains("schema 7"), "{}", errors[1]);
    }

    #[test]
    fn site_labels_read_as_they_are_written() {
        assert_eq!(site_label("  dc1 / rack 4  ").unwrap(), "dc1 / rack 4");
        assert_eq!(site_label("Zürich-Süd").unwrap(), "Zürich-Süd");
        for bad in [
            "",
            "   ",
            "dc1\u{1b}[2J",
            "dc1\u{202e}evil",
            "a\u{200b}b",
            "line\nbreak",
        ] {
            assert!(site_label(bad).is_err(), "{bad:?}");
        }
        assert!(site_label(&"x".repeat(SITE_MAX)).is_ok());
        assert!(site_label(&"x".repeat(SITE_MAX + 1)).is_err());
    }

    fn report(site: &str, digest: &str, results: &[(&str, &str, bool)]) -> Report {
        let results: Vec<serde_json::Value> = results
            .iter()
            .map(|(flow, verdict, optional)| {
                serde_json::json!({"id": format!("{flow}@h:443"), "flow": flow, "verdict": verdict,
                    "summary": format!("{flow} {verdict}"), "cause": "refused",
                    "host": "h", "port": 443, "steps": [], "millis": 1, "optional": optional})
            })
            .collect();
        Report::from_value(serde_json::json!({"schema": 2, "from": "pcg",
            "vantage": {"site": site, "host-name": format!("{site}-host"), "addresses": [],
                "probe-version": "0.1.0", "plan-digest": digest,
                "started": "2026-11-29T14:00:00Z", "finished": "2026-11-29T14:00:01Z"},
            "results": results}))
        .unwrap()
    }

    #[test]
    fn the_fleet_puts_flows_failing_anywhere_first_with_where_and_why() {
        let reports = vec![
            (
                "a.json".to_owned(),
                report(
                    "dc1",
                    "sha256:1",
                    &[
                        ("pcg-palette", "pass", false),
                        ("pcg-registry", "pass", false),
                        ("admin-ssh", "fail", true),
                    ],
                ),
            ),
            (
                "b.json".to_owned(),
                report(
                    "dc2",
                    "sha256:1",
                    &[
                        ("pcg-palette", "pass", false),
                        ("pcg-palette", "fail", false),
                        ("pcg-registry", "warn", false),
                    ],
                ),
            ),
        ];
        let fleet = Fleet::merge(&reports);
        let order: Vec<&str> = fleet.rows.iter().map(|r| r.flow.as_str()).collect();
        assert_eq!(
            order,
            ["pcg-palette", "admin-ssh", "pcg-registry"],
            "required failures, optional ones, warnings"
        );
        let palette = &fleet.rows[0];
        assert_eq!(palette.cells[0].as_ref().unwrap().verdict, Verdict::Pass);
        let dc2 = palette.cells[1].as_ref().unwrap();
        assert_eq!((dc2.verdict, dc2.checks), (Verdict::Fail, 2));
        assert_eq!(dc2.why.as_deref(), Some("pcg-palette fail: refused"));
        assert_eq!(
            fleet.rows[1].cells[1], None,
            "dc2 has no check of admin-ssh"
        );
        assert!(fleet.rows[1].optional && !palette.optional);
        assert_eq!(fleet.places[1].name, "dc2");
        assert_eq!(fleet.plans.len(), 1);
        assert!(fleet.required_failed());
        // Only an optional flow failing: no required failure.
        let optional_only = Fleet::merge(&reports[..1]);
        assert!(!optional_only.required_failed());
    }

    #[test]
    fn unknown_schemas_and_oversized_reports_are_refused() {
        let err =
            Report::from_value(serde_json::json!({"schema": 9, "from": "pcg", "results": []}))
                .unwrap_err();
        assert!(err.contains("schema 9"), "{err}");
        assert!(Report::from_value(serde_json::json!({"from": "pcg"})).is_err());
        assert!(Report::from_value(
            serde_json::json!({"schema": 2, "from": "nowhere", "results": []})
        )
        .is_err());
        let many: Vec<serde_json::Value> = (0..=crate::plan::MAX_CHECKS)
            .map(|i| serde_json::json!({"id": i.to_string(), "flow": "f", "verdict": "pass"}))
            .collect();
        assert!(Report::from_value(
            serde_json::json!({"schema": 2, "from": "pcg", "results": many})
        )
        .is_err());
        // Version 1 reports (no vantage) are read and named after their file.
        let old =
            Report::from_value(serde_json::json!({"schema": 1, "from": "pcg", "results": []}))
                .unwrap();
        assert_eq!(
            Fleet::merge(&[("old.json".into(), old)]).places[0].name,
            "old.json"
        );
    }

    #[test]
    fn schema_1_heads_are_read_without_a_vantage() {
        let head: Head = serde_json::from_str(r#"{"schema":1,"from":"pcg"}"#).unwrap();
        assert_eq!(head.vantage, None);
        let v = Vantage {
            site: Some("dc1".into()),
            host_name: "jump01".into(),
            addresses: vec!["10.1.2.3".into()],
            probe_version: "0.1.0".into(),
            plan_digest: "sha256:00".into(),
            started: "2026-11-29T14:00:00Z".into(),
            finished: "2026-11-29T14:00:05Z".into(),
        };
        let head = Head {
            schema: SCHEMA,
            from: Role::Pcg,
            vantage: Some(v),
        };
        let text = serde_json::to_string(&head).unwrap();
        assert!(text.contains(r#""host-name":"jump01""#), "{text}");
        assert_eq!(serde_json::from_str::<Head>(&text).unwrap(), head);
    }
}
