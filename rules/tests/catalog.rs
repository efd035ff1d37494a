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
    let documented: BTreeSet<&str> = facts["contradictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(documented.len(), 22);
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
