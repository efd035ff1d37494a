//! The docs-drift check on the documentation pages in `../shared/docs/librarium/` (and the PCG
//! page's tables in `tests/docs/`): no drift on the pages as they are, and each kind of edit a
//! page can undergo reported precisely.

mod common;

use portcheck_rules::catalog;
use portcheck_rules::drift::{self, Item, Kind};
use std::path::PathBuf;

fn pages() -> Vec<(String, String)> {
    let dir = common::shared_dir().join("docs/librarium");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "README.md")
        .collect();
    paths.push(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/docs/architecture@4ba0040e.md"),
    );
    let mut files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn page(name: &str) -> (String, String) {
    pages()
        .into_iter()
        .find(|(file, _)| file.starts_with(name))
        .unwrap_or_else(|| panic!("no page {name}"))
}

fn drift_of(file: &str, text: &str) -> Vec<Item> {
    drift::check(catalog().unwrap(), &[(file.to_owned(), text.to_owned())])
        .unwrap_or_else(|e| panic!("{}", e.0))
        .drift
}

#[test]
fn the_documentation_pages_have_no_drift() {
    let files = pages();
    assert_eq!(
        files.len(),
        4,
        "ports, IPs and domains, required domains, PCG"
    );
    let report = drift::check(catalog().unwrap(), &files).unwrap_or_else(|e| panic!("{}", e.0));
    assert!(report.drift.is_empty(), "{}", drift::text(&report));
    // The snapshot checklists and --version name is exactly what was checked here.
    let checked: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let mut snapshot: Vec<String> = catalog()
        .unwrap()
        .snapshot
        .iter()
        .map(|p| {
            let file = p.path.rsplit('/').next().unwrap().trim_start_matches('_');
            let (stem, ext) = file.rsplit_once('.').unwrap();
            format!("{stem}@{}.{ext}", &p.commit[..8])
        })
        .collect();
    snapshot.sort();
    assert_eq!(checked, snapshot);
    let rows: Vec<(&str, usize)> = report
        .files
        .iter()
        .map(|f| (f.page.as_str(), f.rows))
        .collect();
    assert_eq!(
        rows,
        [
            ("architecture", 12),
            ("networking-ports", 10),
            ("palette-public-ips", 34),
            ("required-domains", 17)
        ]
    );
}

/// A domain row the rule base does not know is reported with the rule it most resembles.
#[test]
fn a_new_domain_row_is_not_covered() {
    let (file, text) = page("palette-public-ips");
    let edited = text.replace(
        "| msg3.spectrocloud.com                         | 443       |",
        "| msg3.spectrocloud.com                         | 443       |\n| msg4.spectrocloud.com                         | 443       |",
    );
    let items = drift_of(&file, &edited);
    assert_eq!(items.len(), 1, "{items:#?}");
    let item = &items[0];
    assert_eq!(
        (item.kind, item.row.as_str()),
        (Kind::Uncovered, "msg4.spectrocloud.com 443")
    );
    assert_eq!(item.heading, "Palette Domains");
    assert_eq!(item.rules, ["workload-palette-msg"], "{item:#?}");
    assert_eq!(
        item.line,
        Some(text.lines().position(|l| l.contains("msg3.")).unwrap() + 2)
    );
}

/// A changed port is the same row disagreeing, for a domain row and for a port-table row; so is
/// a direction turned around.
#[test]
fn a_changed_port_or_direction_disagrees() {
    let (file, text) = page("palette-public-ips");
    let edited = text.replace(
        "| api2.spectrocloud.com                         | 443       |",
        "| api2.spectrocloud.com                         | 8443      |",
    );
    let items = drift_of(&file, &edited);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0].kind, Kind::Disagrees);
    assert_eq!(
        items[0].detail,
        "api2.spectrocloud.com on port 8443: the rules naming it open 443"
    );

    let (file, text) = page("networking-ports");
    // The self-hosted table's row: the SaaS table has the same one above it.
    let old = "| HTTPS (tcp/6443) | OUTBOUND      | Workload K8s cluster API Server ";
    let at = text.rfind(old).unwrap();
    let edited = format!(
        "{}| HTTPS (tcp/7443) | INBOUND       | Workload K8s cluster API Server {}",
        &text[..at],
        &text[at + old.len()..]
    );
    let items = drift_of(&file, &edited);
    let details: Vec<&str> = items.iter().map(|i| i.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "port 7443: mgmt-workload-api open 6443",
            "INBOUND for Self-Hosted Network Communications and Ports > Management Platform: the mapped rules run management-plane -> workload-api"
        ],
        "{items:#?}"
    );
    assert!(items.iter().all(|i| i.kind == Kind::Disagrees));
}

/// A removed row leaves its mapping without a row: the rules it names may be obsolete.
#[test]
fn a_removed_row_is_reported_with_its_rules() {
    let (file, text) = page("required-domains");
    let edited: String = text
        .lines()
        .filter(|l| !l.contains("| grafana.com "))
        .map(|l| format!("{l}\n"))
        .collect();
    let items = drift_of(&file, &edited);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(
        (items[0].kind, items[0].row.as_str(), items[0].line),
        (
            Kind::Removed,
            "grafana.com Grafana container images and manifests",
            None
        )
    );
    assert_eq!(
        items[0].rules,
        ["mgmt-public-registries", "workload-public-registries"]
    );
}

/// A row moved under another heading is one "moved" item naming both places, not a removal
/// and an unknown row.
#[test]
fn a_row_moved_to_another_table_is_reported_as_moved() {
    let (file, text) = page("networking-ports");
    let row = "| HTTPS (tcp/443) | OUTBOUND  | API access to management platform and gRPC                                 |\n";
    assert!(text.contains(row));
    let edited = text.replace(row, "").replace(
        "| HTTPS (tcp/443)  | INBOUND       | Browser/API access to management platform, gRPC                                         |\n",
        &format!("| HTTPS (tcp/443)  | INBOUND       | Browser/API access to management platform, gRPC                                         |\n{row}"),
    );
    let items = drift_of(&file, &edited);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0].kind, Kind::Moved);
    assert_eq!(
        items[0].detail,
        "mapped under Network Ports > Workload Cluster, found under Self-Hosted Network Communications and Ports > Management Platform"
    );
}

#[test]
fn files_that_are_not_mapped_pages_are_refused_by_name() {
    let c = catalog().unwrap();
    let err = drift::check(c, &[("notes.md".into(), "| a |\n|---|\n| b |\n".into())]).unwrap_err();
    assert!(
        err.0
            .starts_with("notes.md: not a page the rule base is mapped against"),
        "{}",
        err.0
    );
    let err = drift::check(
        c,
        &[("docs/x/networking-ports.md".into(), "no tables".into())],
    )
    .unwrap_err();
    assert!(err.0.contains("no table rows found"), "{}", err.0);
}

/// Row text comes from files: the text report escapes control characters, the Markdown one
/// escapes markup.
#[test]
fn hostile_row_text_is_escaped_in_every_report() {
    let (file, text) = page("required-domains");
    let edited = text.replace(
        "| quay.io                   | 443      | Common third party container images                   |",
        "| quay.io                   | 443      | Common third party container images                   |\n| evil\u{1b}[2J.example | 443 | <script>x</script> [a](javascript:1) |",
    );
    let report = drift::check(catalog().unwrap(), &[(file, edited)]).unwrap();
    assert_eq!(report.drift.len(), 1);
    let text = drift::text(&report);
    assert!(
        !text.contains('\u{1b}') && text.contains("evil\\u{1b}[2J"),
        "{text}"
    );
    let md = drift::markdown(&report);
    assert!(
        !md.contains("<script>") && !md.contains("[a](javascript"),
        "{md}"
    );
}
