//! Every row of every table in the seed documents maps to rule or finding ids, and the mapping
//! holds no row the seeds do not have.

mod common;

use portcheck_rules::catalog;
use serde::Deserialize;
use std::collections::BTreeSet;

/// One entry of `data/seed-rows.json` (its `section` field is for human readers).
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Mapping {
    seed: String,
    table: usize,
    row: String,
    maps_to: Vec<String>,
}

/// Table rows of a seed: rendered page snapshots (`- row "..."`, the first row of a table is its
/// header), Markdown tables, and the plain-text rendering of the NATS-era page.
fn table_rows(text: &str) -> Vec<(usize, String)> {
    let mut rows = Vec::new();
    let mut table = 0;
    let mut header_next = false;
    for line in text.lines() {
        let s = line.trim();
        if s.starts_with("- table") {
            table += 1;
            header_next = true;
        } else if let Some(rest) = s.strip_prefix("- row \"") {
            let row = rest.rsplit_once('"').map_or(rest, |(r, _)| r);
            if std::mem::take(&mut header_next) {
                continue;
            }
            rows.push((table, row.to_owned()));
        } else if line.starts_with('|') {
            let cells: Vec<String> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().replace("**", ""))
                .collect();
            let separator = cells.iter().all(|c| {
                let c = c.trim_matches(':');
                !c.is_empty() && c.chars().all(|ch| ch == '-')
            });
            if separator {
                continue;
            }
            if cells[0] == "Port" {
                table += 1;
                continue;
            }
            rows.push((table, cells.join(" ")));
        } else if s == "PortDirectionPurpose" {
            table += 1;
        } else if ["HTTPS (tcp/", "NATS (tcp/", "SSH (tcp/"]
            .iter()
            .any(|p| line.starts_with(p))
        {
            rows.push((table, line.trim_end().to_owned()));
        }
    }
    rows
}

#[test]
fn every_seed_table_row_maps_to_known_ids() {
    let mappings: Vec<Mapping> =
        serde_json::from_str(include_str!("../data/seed-rows.json")).expect("seed-rows.json");
    let c = catalog().unwrap();
    let known: BTreeSet<&str> = c
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .chain(c.findings.iter().map(|f| f.id.as_str()))
        .collect();

    let seeds = common::shared_dir().join("seeds");
    let mut files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut found = BTreeSet::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (table, row) in table_rows(&std::fs::read_to_string(path).unwrap()) {
            found.insert((name.clone(), table, row));
        }
    }
    assert!(
        found.len() >= 40,
        "expected the seeds' tables, found {} rows",
        found.len()
    );

    let mapped: BTreeSet<(String, usize, String)> = mappings
        .iter()
        .map(|m| (m.seed.clone(), m.table, m.row.clone()))
        .collect();
    let unmapped: Vec<_> = found.difference(&mapped).collect();
    assert!(
        unmapped.is_empty(),
        "seed rows without a rule id: {unmapped:#?}"
    );
    let stale: Vec<_> = mapped.difference(&found).collect();
    assert!(stale.is_empty(), "mapped rows not in any seed: {stale:#?}");

    for m in &mappings {
        assert!(
            !m.maps_to.is_empty(),
            "{} table {}: '{}' maps to nothing",
            m.seed,
            m.table,
            m.row
        );
        for id in &m.maps_to {
            assert!(
                known.contains(id.as_str()),
                "{}: '{}' maps to unknown id {id}",
                m.seed,
                m.row
            );
        }
    }
}
