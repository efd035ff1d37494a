//! The ticket and the firewall rules: recorded outputs for five environments in every format,
//! parse-back checks of the structured formats, and hostile text in every field.

mod common;

use common::check;
use portcheck_rules::ticket::{build, Format, Ticket, TicketInfo};
use portcheck_rules::{catalog, evaluate, Answers};
use std::path::Path;
use yaml_rust2::YamlLoader;

const ENVIRONMENTS: [&str; 5] = [
    "saas-vsphere-pcg",
    "saas-eks-vsphere-ssl-bump",
    "self-hosted-vsphere-spg",
    "self-hosted-airgap",
    "edge-local-agent-firewalld",
];

fn load<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn ticket(env: &str, info: &TicketInfo) -> Ticket {
    let answers: Answers = load(&format!("{env}.json"));
    build(&evaluate(&answers).unwrap(), &answers, info)
}

fn render(format: Format, t: &Ticket) -> String {
    format.render(t, &catalog().unwrap().saas_ips)
}

#[test]
fn every_format_matches_its_recording_for_five_environments() {
    let info: TicketInfo = load("ticket-info/dc1.json");
    let mut failures = Vec::new();
    for env in ENVIRONMENTS {
        let t = ticket(env, &info);
        for format in Format::ALL {
            let name = format!(
                "tickets/{env}.{}",
                format
                    .file_name()
                    .rsplit_once("palette-")
                    .map_or("", |(_, r)| r)
            );
            failures.extend(check(&name, &render(format, &t)));
        }
    }
    assert!(
        failures.is_empty(),
        "{failures:#?}\n(UPDATE_GOLDEN=1 rewrites after review)"
    );
}

#[test]
fn already_open_flows_are_left_out_and_listed() {
    let info: TicketInfo = load("ticket-info/dc1.json");
    let t = ticket("saas-vsphere-pcg", &info);
    assert!(t.rules.iter().all(|r| r.id != "admin-palette-ui"));
    assert_eq!(t.already_open, vec!["admin-palette-ui"]);
    assert!(render(Format::Markdown, &t).contains("## Left out: already open"));
}

/// Evidence from a failed live check travels with its rule into every document format.
#[test]
fn live_check_evidence_is_listed_with_its_rule() {
    let mut info = TicketInfo::default();
    info.evidence.insert(
        "pcg-palette".into(),
        "live check from the PCG subnet: 127.0.0.1:443 refused the connection".into(),
    );
    let t = ticket("saas-vsphere-pcg", &info);
    let number = t.rules.iter().position(|r| r.id == "pcg-palette").unwrap() + 1;
    assert_eq!(t.rules.iter().filter(|r| r.evidence.is_some()).count(), 1);
    let md = render(Format::Markdown, &t);
    assert!(md.contains(&format!(
        "## Evidence from live checks\n\n- Rule {number} (`pcg-palette`): live check from the PCG subnet: 127.0.0.1:443 refused the connection\n"
    )), "{md}");
    assert!(render(Format::Jira, &t).contains(&format!(
        "* Rule {number} ({{{{pcg\\-palette}}}}): live check"
    )));
    assert!(render(Format::Text, &t).contains(&format!(
        "Evidence from live checks\n{number:>3}. pcg-palette: live check"
    )));
    let json: serde_json::Value = serde_json::from_str(&render(Format::Json, &t)).unwrap();
    assert!(json["rules"][number - 1]["evidence"]
        .as_str()
        .unwrap()
        .contains("refused"));
    // Without evidence nothing changes: the recorded tickets have no such section.
    assert!(!render(
        Format::Markdown,
        &ticket("saas-vsphere-pcg", &TicketInfo::default())
    )
    .contains("Evidence"));
}

#[test]
fn deprecated_flows_are_offered_for_closing_not_opening() {
    let t = ticket("self-hosted-vsphere-spg", &TicketInfo::default());
    assert!(t.rules.iter().all(|r| r.id != "workload-palette-nats"));
    assert!(t.closable.iter().any(|r| r.id == "workload-palette-nats"));
}

#[test]
fn csv_parses_back_to_the_ticket_rules() {
    let t = ticket("saas-eks-vsphere-ssl-bump", &TicketInfo::default());
    let text = render(Format::Csv, &t);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..4], ["id", "source", "destination", "ports"]);
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(Result::unwrap)
        .filter(|row| &row[12] == "open")
        .collect();
    assert_eq!(rows.len(), t.rules.len());
    for (row, rule) in rows.iter().zip(&t.rules) {
        assert_eq!(&row[0], rule.id);
        assert_eq!(&row[1], rule.source);
        assert_eq!(&row[2], rule.destination);
        assert_eq!(&row[3], rule.ports);
        assert_eq!(&row[5], rule.direction.as_str());
        assert_eq!(&row[6], rule.purpose);
    }
}

#[test]
fn json_formats_parse() {
    let t = ticket("self-hosted-airgap", &TicketInfo::default());
    let ticket: serde_json::Value = serde_json::from_str(&render(Format::Json, &t)).unwrap();
    assert_eq!(ticket["rules"].as_array().unwrap().len(), t.rules.len());
    let aws: serde_json::Value = serde_json::from_str(&render(Format::AwsCli, &t)).unwrap();
    for (role, group) in aws["groups"].as_object().unwrap() {
        for direction in ["egress", "ingress"] {
            for perm in group[direction].as_array().unwrap() {
                let proto = perm["IpProtocol"].as_str().unwrap();
                assert!(
                    ["tcp", "udp", "icmp", "50"].contains(&proto),
                    "{role}: {proto}"
                );
                assert!(
                    perm["IpRanges"].is_array() || perm["Ipv6Ranges"].is_array(),
                    "{role}: {perm}"
                );
            }
        }
    }
}

/// The NetworkPolicy has the shape of the `networking.k8s.io/v1` OpenAPI schema.
#[test]
fn network_policy_has_the_api_shape() {
    for env in ENVIRONMENTS {
        let text = render(Format::NetworkPolicy, &ticket(env, &TicketInfo::default()));
        let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{env}: {e}"));
        let np = &docs[0];
        assert_eq!(np["apiVersion"].as_str(), Some("networking.k8s.io/v1"));
        assert_eq!(np["kind"].as_str(), Some("NetworkPolicy"));
        let namespace = np["metadata"]["namespace"].as_str().unwrap();
        assert!(namespace
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert!(np["spec"]["podSelector"].as_hash().is_some());
        assert_eq!(np["spec"]["policyTypes"][0].as_str(), Some("Egress"));
        for rule in np["spec"]["egress"].as_vec().unwrap() {
            for peer in rule["to"].as_vec().unwrap() {
                let ip_block = &peer["ipBlock"];
                if !ip_block.is_badvalue() {
                    let cidr = ip_block["cidr"].as_str().unwrap();
                    assert!(
                        portcheck_rules::endpoint::parse_host(cidr).is_ok(),
                        "{env}: {cidr}"
                    );
                }
            }
            for port in rule["ports"].as_vec().unwrap() {
                assert!(["TCP", "UDP"].contains(&port["protocol"].as_str().unwrap()));
                let p = port["port"].as_i64().unwrap();
                assert!((1..=65535).contains(&p));
                if let Some(end) = port["endPort"].as_i64() {
                    assert!(end > p && end <= 65535);
                }
            }
        }
    }
}

#[test]
fn terraform_resources_are_well_formed() {
    let info = TicketInfo {
        include_optional: true,
        ..TicketInfo::default()
    };
    let text = render(
        Format::Terraform,
        &ticket("edge-local-agent-firewalld", &info),
    );
    assert_eq!(text.matches('{').count(), text.matches('}').count());
    let mut names = std::collections::HashSet::new();
    for line in text.lines().filter(|l| l.starts_with("resource ")) {
        let name = line.split('"').nth(3).unwrap();
        assert!(names.insert(name.to_owned()), "duplicate resource {name}");
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{name}"
        );
    }
    assert!(
        text.contains("ip_protocol       = \"50\""),
        "ESP as protocol 50"
    );
}

/// Hostile text in every field the requester controls.
fn hostile() -> TicketInfo {
    TicketInfo {
        title: "=HYPERLINK(\"http://evil\") | <script>alert(1)</script> [x](javascript:1) {code}"
            .into(),
        requester: "+cmd|' /C calc'!A0".into(),
        team: "-2+3 *bold* _it_ #h".into(),
        contact: "@SUM(1)\nsecond line\r\n".into(),
        change_window: "\"quoted\", comma".into(),
        review_date: "\u{1b}[31mred".into(),
        risk_notes: "h1. heading\n||a||b||".into(),
        rollback: "${var} %{x}".into(),
        already_open: Vec::new(),
        evidence: [(
            "pcg-infra-api".to_owned(),
            "<img src=x onerror=alert(1)> {code} \u{1b}[2J".to_owned(),
        )]
        .into(),
        ..TicketInfo::default()
    }
}

#[test]
fn hostile_text_is_escaped_in_every_document_format() {
    let t = ticket("saas-vsphere-pcg", &hostile());
    let md = render(Format::Markdown, &t);
    assert!(!md.contains("<script>") && md.contains("&lt;script&gt;"));
    assert!(md.contains("\\[x\\](javascript:1)"), "link syntax escaped");
    assert!(
        md.lines()
            .filter(|l| l.starts_with("| Contact"))
            .all(|l| l.ends_with('|')),
        "no line break inside a cell"
    );

    let jira = render(Format::Jira, &t);
    assert!(
        jira.contains("\\{code\\}") && jira.contains("\\|"),
        "Jira markup escaped"
    );
    assert!(
        !jira.contains("\nh1. heading"),
        "user text cannot start a heading"
    );

    assert!(
        md.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "evidence is escaped too"
    );
    assert!(jira.contains("Rule") && jira.contains("\\{code\\}"));

    let text = render(Format::Text, &t);
    assert!(
        !text.contains('\u{1b}'),
        "no terminal escapes in plain text"
    );

    let csv_text = render(Format::Csv, &t);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for row in reader.records() {
        let row = row.unwrap();
        let title = &row[11];
        assert!(title.starts_with("'="), "formula defused: {title}");
        assert!(
            title.contains("HYPERLINK(\"http://evil\")"),
            "quotes survive the round trip"
        );
    }

    for format in [
        Format::Iptables,
        Format::Nftables,
        Format::Terraform,
        Format::Azure,
        Format::Gcp,
        Format::NetworkPolicy,
        Format::Squid,
    ] {
        let out = render(format, &t);
        assert!(
            out.lines().all(|l| l.is_empty() || !l.contains('\u{1b}')),
            "{format:?}"
        );
        let first = out
            .lines()
            .find(|l| l.contains("HYPERLINK"))
            .unwrap_or_default();
        assert!(
            first.trim_start().starts_with('#'),
            "{format:?}: title only in a comment: {first}"
        );
        assert!(
            !out.contains("\nsecond line"),
            "{format:?}: no line injection"
        );
    }
}

#[test]
fn names_are_never_dropped_silently() {
    let t = ticket("saas-vsphere-pcg", &TicketInfo::default());
    for format in [
        Format::Iptables,
        Format::Nftables,
        Format::AwsCli,
        Format::Terraform,
        Format::Azure,
        Format::Gcp,
    ] {
        let out = render(format, &t);
        for rule in &t.rules {
            assert!(out.contains(&rule.id), "{format:?} lost {}", rule.id);
        }
        assert!(
            out.contains("vcenter.dc1.example.com"),
            "{format:?} does not say the vCenter name needs an address"
        );
    }
}
