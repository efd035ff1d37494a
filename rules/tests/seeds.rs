//! Every row of every table in the seed documents maps to rule or finding ids, checked by the
//! docs-drift code (`portcheck_rules::drift`) against `data/seed-rows.json`: no row unmapped,
//! no mapping without its row, no mapped rule that contradicts the row's port or direction.

mod common;

use portcheck_rules::{catalog, drift, DocPage};

#[test]
fn every_seed_table_row_maps_to_rules_that_carry_it() {
    let mappings: drift::Mappings =
        serde_json::from_str(include_str!("../data/seed-rows.json")).expect("seed-rows.json");
    let seeds = common::shared_dir().join("seeds");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    // A seed without tables (the architecture overview) has nothing to map.
    let (files, prose): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(_, text)| !drift::tables::rows(text).is_empty());
    assert_eq!(prose.len(), 1, "one seed is prose only");
    let pages: Vec<DocPage> = files
        .iter()
        .map(|(name, _)| DocPage {
            id: name.trim_end_matches(".txt").to_owned(),
            path: format!("../shared/seeds/{name}"),
            commit: String::new(),
            checked: String::new(),
        })
        .collect();
    let report = drift::check_against(&pages, &mappings, catalog().unwrap(), &files)
        .unwrap_or_else(|e| panic!("{}", e.0));
    let rows: usize = report.files.iter().map(|f| f.rows).sum();
    assert!(rows >= 40, "expected the seeds' tables, found {rows} rows");
    assert!(report.drift.is_empty(), "{}", drift::text(&report));
    assert!(mappings.rows.iter().all(|m| !m.maps_to.is_empty()));
    let mapped: std::collections::BTreeSet<&str> =
        mappings.rows.iter().map(|m| m.page.as_str()).collect();
    assert_eq!(
        mapped.len(),
        pages.len(),
        "every seed with tables is mapped"
    );
}
