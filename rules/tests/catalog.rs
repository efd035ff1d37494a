//! Validation of the rule base as data: every rule well-formed, sourced and unique, every
//! documented contradiction decided.

mod common;

use portcheck_rules::rule::{Decision, SourceRef};
use portcheck_rules::{catalog, Transport};
use std::collections::{BTreeSet, HashSet};

#[test]
fn ids_are_unique_across_rules_and_findings() {
    let c = catalog().unwrap();
    let mut seen = HashSet::new();
    for id in c
        .rules
        .iter()
        .map(|r| &r.id)
        .chain(c.findings.iter().map(|f| &f.id))
    {
        assert!(seen.insert(id), "duplicate id {id}");
        assert!(
            id.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "id {id} must be kebab-case"
        );
    }
}

#[test]
fn ports_match_the_transport() {
    for r in &catalog().unwrap().rules {
        if r.transport.has_ports() {
            assert!(
                !r.ports.is_empty() || r.port_from_endpoint,
                "{}: {:?} needs ports",
                r.id,
                r.transport
            );
        } else {
            assert!(
                r.ports.is_empty(),
                "{}: {:?} has no ports",
                r.id,
                r.transport
            );
        }
        for p in &r.ports {
            assert!(p.first >= 1 && p.first <= p.last, "{}: bad range {p}", r.id);
        }
    }
}

#[test]
fn versions_in_rules_are_semver() {
    let c = catalog().unwrap();
    for r in &c.rules {
        let conditions = r.when.iter().flat_map(|w| w.versions());
        for v in conditions.chain(r.deprecated_from.as_deref()) {
            semver::Version::parse(v).unwrap_or_else(|e| panic!("{}: version {v}: {e}", r.id));
        }
    }
    for f in &c.findings {
        for v in f.when.iter().flat_map(|w| w.versions()) {
            semver::Version::parse(v).unwrap_or_else(|e| panic!("{}: version {v}: {e}", f.id));
        }
    }
}

#[test]
fn every_rule_has_sources_that_resolve_to_documents_and_facts() {
    let c = catalog().unwrap();
    let facts = common::facts();
    let mut fact_ids = BTreeSet::new();
    for list in [
        "port_facts",
        "dependency_facts",
        "grpc_proxy_facts",
        "proxy_facts",
    ] {
        for f in facts[list].as_array().unwrap() {
            fact_ids.insert(f["id"].as_str().unwrap().to_owned());
        }
    }
    for f in facts["pcg"]["facts"].as_array().unwrap() {
        fact_ids.insert(f["id"].as_str().unwrap().to_owned());
    }
    // Sources resting on an item of the November 2026 audit cite it as DU-<item>.
    fact_ids.extend(common::registered_facts());
    let check = |owner: &str, sources: &[SourceRef]| {
        assert!(!sources.is_empty(), "{owner} has no source");
        for s in sources {
            assert!(
                c.documents.contains_key(&s.key),
                "{owner}: unknown source {}",
                s.key
            );
            assert!(
                fact_ids.contains(&s.fact),
                "{owner}: unknown fact {}",
                s.fact
            );
            assert!(
                !s.section.is_empty(),
                "{owner}: source {} has no section",
                s.key
            );
        }
    };
    for r in &c.rules {
        check(&r.id, &r.sources);
    }
    for f in &c.findings {
        check(&f.id, &f.sources);
    }
    for (key, doc) in &c.documents {
        assert!(
            !doc.title.is_empty() && !doc.path.is_empty(),
            "document {key}"
        );
    }
}

#[test]
fn no_two_rules_are_the_same_flow() {
    let mut seen = HashSet::new();
    for r in &catalog().unwrap().rules {
        let key = (
            r.from,
            r.to,
            r.hosts.clone(),
            r.saas_hosts.clone(),
            r.ports.clone(),
            r.transport,
        );
        assert!(seen.insert(key), "{} repeats another rule's flow", r.id);
    }
}

#[test]
fn every_documented_contradiction_is_decided_beside_a_rule_or_finding() {
    let c = catalog().unwrap();
    let decisions: Vec<&Decision> = c
        .rules
        .iter()
        .flat_map(|r| r.decisions.iter())
        .chain(c.findings.iter().flat_map(|f| f.decisions.iter()))
        .collect();
    let decided: BTreeSet<&str> = decisions.iter().map(|d| d.contradiction.as_str()).collect();
    for d in &decisions {
        assert!(
            !d.decision.is_empty() && !d.why.is_empty(),
            "{} is not explained",
            d.contradiction
        );
    }
    let facts = common::facts();
    let mut documented: BTreeSet<&str> = facts["contradictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(documented.len(), 22);
    // C23 onwards: the decisions the November 2026 audit called for.
    let registered = common::registered_decisions();
    documented.extend(registered.iter().map(String::as_str));
    let undecided: Vec<_> = documented.difference(&decided).collect();
    assert!(
        undecided.is_empty(),
        "contradictions without a decision: {undecided:?}"
    );
    let unknown: Vec<_> = decided.difference(&documented).collect();
    assert!(
        unknown.is_empty(),
        "decisions for unknown contradictions: {unknown:?}"
    );
}

#[test]
fn fixed_hosts_are_names_or_name_patterns() {
    for r in &catalog().unwrap().rules {
        for h in r.hosts.iter().chain(&r.saas_hosts) {
            // The required-domains list writes one wildcard label (ecr.*.amazonaws.com).
            assert!(
                matches!(
                    h,
                    portcheck_rules::End::Name(_) | portcheck_rules::End::Wildcard(_)
                ),
                "{}: {h}",
                r.id
            );
        }
    }
}

#[test]
fn esp_and_icmp_rules_exist_for_the_firewalld_list() {
    let c = catalog().unwrap();
    assert_eq!(
        c.rule("edge-fw-cilium-ipsec").unwrap().transport,
        Transport::Esp
    );
    assert_eq!(c.rule("edge-fw-icmp").unwrap().transport, Transport::Icmp);
}

#[test]
fn the_saas_ip_allowlist_finding_lists_exactly_the_documented_addresses() {
    let c = catalog().unwrap();
    let finding = c
        .findings
        .iter()
        .find(|f| f.id == "saas-ip-allowlist")
        .unwrap();
    for ip in &c.saas_ips.addresses {
        assert!(matches!(ip, portcheck_rules::End::Ip(_)), "{ip}");
        assert!(finding.text.contains(&ip.to_string()), "finding lacks {ip}");
    }
    assert!(c.saas_ips.serves("api.spectrocloud.com"));
    assert!(!c.saas_ips.serves("notspectrocloud.com"));
    assert!(!c.saas_ips.serves("spectrocloud.com"));
}

/// The register of `rules/data/docs-update-2026-11.json` against the audit it answers and the
/// rule base: every item of `DOCS-UPDATE-2026-11.md` is listed once, and every item marked
/// changed or confirmed names a decision that stands beside the rules or findings it names.
#[test]
fn every_item_of_the_docs_update_is_registered_and_each_change_is_decided_beside_its_rule() {
    let audit = std::fs::read_to_string(common::shared_dir().join("facts/DOCS-UPDATE-2026-11.md"))
        .expect("the audit");
    let mut items: BTreeSet<String> = BTreeSet::new();
    for line in audit.lines() {
        // "**A1. ..." and "**B6. ..." items, and the rows "| 3 | ..." of the change table.
        if let Some(rest) = line.strip_prefix("**") {
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if id.len() >= 2
                && id[1..].chars().all(|c| c.is_ascii_digit())
                && rest[id.len()..].starts_with(['.', ' '])
            {
                items.insert(id);
            }
        } else if let Some(rest) = line.strip_prefix("| ") {
            let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if !number.is_empty() && rest[number.len()..].starts_with(" |") {
                items.insert(format!("change-{number}"));
            }
        }
    }
    assert!(items.len() >= 30, "the audit's items: {items:?}");
    let register = common::docs_update_register();
    let listed: Vec<&str> = register["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(listed.len(), listed_set.len(), "an item listed twice");
    let expected: BTreeSet<&str> = items.iter().map(String::as_str).collect();
    assert_eq!(listed_set, expected, "register and audit differ");

    let c = catalog().unwrap();
    for item in &common::register_entries() {
        let id = item["item"].as_str().unwrap();
        match item["status"].as_str().unwrap() {
            "open" => assert!(item["note"].is_string(), "{id}: say what is open"),
            "changed" | "confirmed" => {
                assert!(item["verified"].is_string(), "{id}: where it was verified");
                let Some(decision) = item["decision"].as_str() else {
                    assert!(
                        item["code"].is_string(),
                        "{id}: a change names a decision or code"
                    );
                    continue;
                };
                for rule in item["rules"].as_array().into_iter().flatten() {
                    let rule = c
                        .rule(rule.as_str().unwrap())
                        .unwrap_or_else(|| panic!("{id}: {rule}"));
                    assert!(
                        rule.decisions.iter().any(|d| d.contradiction == decision),
                        "{id}: {decision} is not beside {}",
                        rule.id
                    );
                }
                for finding in item["findings"].as_array().into_iter().flatten() {
                    let finding = c
                        .findings
                        .iter()
                        .find(|f| f.id == finding.as_str().unwrap())
                        .unwrap_or_else(|| panic!("{id}: {finding}"));
                    assert!(
                        finding
                            .decisions
                            .iter()
                            .any(|d| d.contradiction == decision),
                        "{id}: {decision} is not beside {}",
                        finding.id
                    );
                }
            }
            other => panic!("{id}: unknown status {other}"),
        }
    }
}

/// B4: the questionnaire's default and the "newer than the documentation" bound is the newest
/// release the release notes document; the list is in release order and cites its source.
#[test]
fn the_newest_documented_release_is_the_default() {
    let c = catalog().unwrap();
    let versions: Vec<semver::Version> = c
        .releases
        .releases
        .iter()
        .map(|r| semver::Version::parse(&r.version).unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert_eq!(
        versions.last().unwrap().to_string(),
        portcheck_rules::version::LATEST_DOCUMENTED
    );
    assert!(c.releases.releases.iter().all(|r| r.date.len() == 10));
    assert!(c
        .releases
        .sources
        .iter()
        .all(|s| c.documents.contains_key(&s.key)));
}
