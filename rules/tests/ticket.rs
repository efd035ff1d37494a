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

/// A flow the requester marked already open is a row too, with its action: an import into a
/// change system lists every flow the ticket names, as the Markdown and text forms do.
#[test]
fn csv_lists_already_open_flows() {
    let info: TicketInfo = load("ticket-info/dc1.json");
    let t = ticket("saas-vsphere-pcg", &info);
    assert_eq!(t.already_open, ["admin-palette-ui"]);
    let text = render(Format::Csv, &t);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let open: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|row| &row[0] == "admin-palette-ui")
        .collect();
    assert_eq!(open.len(), 1, "{text}");
    assert_eq!(&open[0][12], "already open");
    assert_eq!(&open[0][11], info.title);
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

/// The names of every example answer file (without `.json`).
fn every_example() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect()
}

/// Every example, every flow level: each security-group rule (group, direction, protocol, ports,
/// address) is written once, however many flows need it, since EC2 refuses the same permission
/// twice; its description names every flow it carries, within EC2's 255 characters.
#[test]
fn aws_security_group_rules_are_each_written_once() {
    for env in every_example() {
        let env = env.as_str();
        for include_optional in [false, true] {
            let info = TicketInfo {
                include_optional,
                ..TicketInfo::default()
            };
            let t = ticket(env, &info);
            let aws: serde_json::Value = serde_json::from_str(&render(Format::AwsCli, &t)).unwrap();
            let mut seen = std::collections::BTreeMap::new();
            for (role, group) in aws["groups"].as_object().unwrap() {
                for direction in ["egress", "ingress"] {
                    for perm in group[direction].as_array().unwrap() {
                        for (list, key) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
                            for item in perm[list].as_array().into_iter().flatten() {
                                let rule = format!(
                                    "{role} {direction} {} {} {} {}",
                                    perm["IpProtocol"], perm["FromPort"], perm["ToPort"], item[key]
                                );
                                let description = item["Description"].as_str().unwrap();
                                assert!(description.len() <= 255, "{env}: {description}");
                                assert!(
                                    seen.insert(rule.clone(), description.to_owned()).is_none(),
                                    "{env}: {rule} twice"
                                );
                            }
                        }
                    }
                }
            }
            // Nothing lost in the merge: every flow the groups carry is named by a rule.
            let named: Vec<&str> = seen
                .values()
                .flat_map(|d| d.split(", "))
                .map(|label| label.trim_end_matches(" (from the proxy)"))
                .collect();
            for rule in &t.rules {
                let addressed = rule.flow.as_ref().is_some_and(|f| {
                    [&f.from.hosts, &f.to.hosts]
                        .iter()
                        .all(|hosts| hosts.iter().any(|h| h.cidr().is_some()))
                });
                if addressed && !aws["notes"].to_string().contains(&rule.id) {
                    assert!(named.contains(&rule.id.as_str()), "{env}: {} lost", rule.id);
                }
            }
            let shared = seen.values().filter(|d| d.contains(", ")).count();
            if env == "saas-vsphere-pcg" {
                assert!(shared > 0, "the SaaS addresses carry three flows");
                assert!(seen
                    .values()
                    .any(|d| d
                        == "workload-palette-api, workload-palette-msg, workload-saas-registries"));
            }
        }
    }
}

/// AWS Network Firewall: a domain list allows its names to the whole of its HOME_NET, so each
/// source has its own rule group with only its own names; TLS flows are matched on SNI alone
/// (HTTP_HOST would let plain HTTP to the names through too); each group names its flows.
#[test]
fn network_firewall_rule_groups_are_per_source() {
    let t = ticket("saas-vsphere-pcg", &TicketInfo::default());
    let doc: serde_json::Value =
        serde_json::from_str(&render(Format::AwsNetworkFirewall, &t)).unwrap();
    let inputs = doc["inputs"].as_array().unwrap();
    let group = |name: &str| {
        inputs
            .iter()
            .find(|i| i["RuleGroupName"] == name)
            .unwrap_or_else(|| panic!("{name}: {doc}"))
    };
    let targets = |name: &str| -> Vec<String> {
        group(name)["RuleGroup"]["RulesSource"]["RulesSourceList"]["Targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    let home_net = |name: &str| {
        group(name)["RuleGroup"]["RuleVariables"]["IPSets"]["HOME_NET"]["Definition"].clone()
    };
    // The admin workstations reach the console and API, not the registries the nodes use.
    assert_eq!(
        home_net("palette-egress-admin"),
        serde_json::json!(["10.1.0.0/24"])
    );
    assert!(targets("palette-egress-admin").contains(&"console.spectrocloud.com".to_owned()));
    assert!(!targets("palette-egress-admin").contains(&"charts.bitnami.com".to_owned()));
    // The PCG does not reach the workload-only chart repository.
    assert_eq!(
        home_net("palette-egress-pcg"),
        serde_json::json!(["10.20.5.0/28"])
    );
    assert!(!targets("palette-egress-pcg").contains(&"charts.bitnami.com".to_owned()));
    assert!(targets("palette-egress-workload").contains(&"charts.bitnami.com".to_owned()));
    for input in inputs {
        assert_eq!(
            input["RuleGroup"]["RulesSource"]["RulesSourceList"]["TargetTypes"],
            serde_json::json!(["TLS_SNI"]),
            "every flow here is TLS"
        );
    }
    let description = group("palette-egress-workload")["Description"]
        .as_str()
        .unwrap();
    for id in [
        "workload-palette-api",
        "workload-palette-msg",
        "workload-saas-registries",
    ] {
        assert!(description.contains(id), "{description}");
    }
}

/// Echo over IPv6 is ICMPv6, a protocol of its own: the cloud formats open it as such for
/// IPv6 peers (AWS `icmpv6` types 128 and 129, GCP protocol 58), never as ICMPv4.
#[test]
fn icmp_over_ipv6_is_icmpv6() {
    let mut answers: serde_json::Value = load("edge-local-agent-firewalld.json");
    answers["endpoints"]["edge-hosts"] = serde_json::json!(["fd00:50::11", "fd00:50::12"]);
    let answers: Answers = serde_json::from_value(answers).unwrap();
    let t = build(
        &evaluate(&answers).unwrap(),
        &answers,
        &TicketInfo::default(),
    );
    let aws: serde_json::Value = serde_json::from_str(&render(Format::AwsCli, &t)).unwrap();
    let mut icmp = 0;
    for group in aws["groups"].as_object().unwrap().values() {
        for perm in ["egress", "ingress"]
            .iter()
            .flat_map(|d| group[*d].as_array().unwrap())
        {
            let proto = perm["IpProtocol"].as_str().unwrap();
            if proto.starts_with("icmp") {
                icmp += 1;
                assert_eq!(proto, "icmpv6", "{perm}");
                assert!(perm["IpRanges"].is_null(), "{perm}");
                assert!(
                    [128, 129].contains(&perm["FromPort"].as_i64().unwrap()),
                    "{perm}"
                );
            }
        }
    }
    assert!(icmp > 0, "the edge hosts' echo flow is there");
    let gcp = render(Format::Gcp, &t);
    let v6: Vec<&str> = gcp
        .lines()
        .filter(|l| l.contains("create pp-edge-fw-icmp-") && l.contains("-v6 "))
        .collect();
    assert!(!v6.is_empty(), "{gcp}");
    assert!(v6.iter().all(|l| l.contains("--rules=58 ")), "{v6:?}");
}

/// Azure NSG rule priorities: unique in the whole script, since roles often share an NSG and
/// Azure refuses two rules of one NSG and direction at one priority, and within Azure's range
/// (100 to 4096), for every example with optional flows.
#[test]
fn azure_priorities_are_unique_and_in_range() {
    for env in every_example() {
        let env = env.as_str();
        let info = TicketInfo {
            include_optional: true,
            ..TicketInfo::default()
        };
        let script = render(Format::Azure, &ticket(env, &info));
        let priorities: Vec<u32> = script
            .split(" --priority ")
            .skip(1)
            .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
            .collect();
        let unique: std::collections::BTreeSet<&u32> = priorities.iter().collect();
        assert_eq!(unique.len(), priorities.len(), "{env}: {priorities:?}");
        assert!(priorities.iter().all(|p| (100..=4096).contains(p)), "{env}");
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
        // U+2028 and U+2029 end a line for YAML 1.1 readers (libyaml, PyYAML) and JavaScript.
        title: "=HYPERLINK(\"http://evil\") | <script>alert(1)</script> [x](javascript:1) {code}\u{2028}status: {injected: true}\u{2029}\u{202e}"
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
        Format::Cilium,
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
        assert!(
            !out.contains(['\u{2028}', '\u{2029}', '\u{202e}']),
            "{format:?}: no Unicode line or paragraph separator, no bidi override"
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

/// Issue 13, point 2: every security-group format decides whose side an end is the way the
/// ticket does. Self-hosted Palette and a private registry are the user's own: the registry
/// gets its ingress, and the management plane's egress is written or named, never lost.
#[test]
fn security_groups_follow_the_tickets_direction() {
    let t = ticket("self-hosted-airgap", &TicketInfo::default());
    let aws: serde_json::Value = serde_json::from_str(&render(Format::AwsCli, &t)).unwrap();
    let registry = &aws["groups"]["registry"]["ingress"];
    assert!(
        registry.to_string().contains("10.10.1.0/28"),
        "the private registry's ingress from the management plane: {registry}"
    );
    let notes = aws["notes"].to_string();
    assert!(
        notes.contains("egress rule of group management-plane not written: it needs the addresses of airgap.corp.internal"),
        "{notes}"
    );
    // Palette SaaS is not the user's: no group of its own, egress on the user's side only.
    let t = ticket("saas-vsphere-pcg", &TicketInfo::default());
    let aws: serde_json::Value = serde_json::from_str(&render(Format::AwsCli, &t)).unwrap();
    assert!(aws["groups"]["palette"].is_null(), "{}", aws["groups"]);
    assert!(aws["groups"]["workload"]["egress"]
        .to_string()
        .contains("44.232.106.120/32"));
}

/// Issue 13, point 3: optional openings from the internet are not opened unless requested.
#[test]
fn optional_flows_are_opened_only_on_request() {
    let t = ticket("saas-vsphere-pcg", &TicketInfo::default());
    assert!(t
        .rules
        .iter()
        .all(|r| r.level != portcheck_rules::Level::Optional));
    for format in [
        Format::Iptables,
        Format::Nftables,
        Format::AwsCli,
        Format::Terraform,
    ] {
        let out = render(format, &t);
        for id in ["saas-palette-workload-api", "admin-nodes-ssh"] {
            let named: Vec<&str> = out.lines().filter(|l| l.contains(id)).collect();
            assert!(!named.is_empty(), "{format:?} does not name {id}");
            assert!(
                named
                    .iter()
                    .all(|l| l.contains("-> ") && l.trim_start().starts_with(['#', '"'])),
                "{format:?} opens {id}: {named:?}"
            );
        }
    }
    let info = TicketInfo {
        include_optional: true,
        ..TicketInfo::default()
    };
    let out = render(Format::Iptables, &ticket("saas-vsphere-pcg", &info));
    assert!(
        out.contains("'saas-palette-workload-api'\n"),
        "requested: a rule"
    );
    assert!(out.contains("#   note: optional: requested by choice"));
}

/// Issue 13, point 4: a proxied flow is opened from the proxy, never from its source.
#[test]
fn proxied_flows_are_opened_from_the_proxy() {
    let t = ticket("saas-eks-vsphere-ssl-bump", &TicketInfo::default());
    let out = render(Format::Iptables, &t);
    let calls: Vec<&str> = out.lines().filter(|l| l.starts_with("rule ")).collect();
    let registries: Vec<&&str> = calls
        .iter()
        .filter(|l| l.contains("workload-saas-registries"))
        .collect();
    assert_eq!(registries.len(), 1, "{registries:?}");
    assert!(
        registries[0].starts_with("rule \"$SQUID_EXAMPLE_COM\" ")
            && registries[0].ends_with("'workload-saas-registries (from the proxy)'"),
        "{registries:?}"
    );
    // The nodes' rule to the proxy is live, with the proxy's address to fill in.
    assert!(calls.contains(
        &"rule \"10.20.0.0/16\" \"$SQUID_EXAMPLE_COM\" '-p tcp -m tcp --dport 3128' '-p tcp -m tcp --dport 3128' 'workload-proxy'"
    ));
    // And the proxy's allowlist by name carries the destination.
    let squid = render(Format::Squid, &t);
    assert!(squid
        .contains("acl palette_workload_saas_registries_dst dstdomain registry.spectrocloud.com"));
}

/// Issue 13, point 5: a DNS name at one end keeps the rule and its known source; the name
/// becomes a list to fill in, not a commented-out rule.
#[test]
fn names_become_lists_to_fill_in_not_commented_out_rules() {
    let out = render(
        Format::Iptables,
        &ticket("self-hosted-airgap", &TicketInfo::default()),
    );
    assert!(out.contains(
        "rule \"10.10.1.0/28\" \"$AIRGAP_CORP_INTERNAL\" '-p tcp -m tcp --dport 443' '-p tcp -m tcp --dport 443' 'mgmt-private-registry'"
    ), "{out}");
    assert!(out.contains(
        "AIRGAP_CORP_INTERNAL=\"${AIRGAP_CORP_INTERNAL-}\"  # addresses of airgap.corp.internal"
    ));
    assert!(
        !out.lines().any(|l| l.starts_with("# -A ")),
        "no commented-out rules"
    );
}

/// Wildcards are names only name-aware formats can carry: the allowlists write them, the
/// address formats name the flow and say where it went.
#[test]
fn wildcard_destinations_go_to_the_name_based_formats() {
    let mut checklist = evaluate(&load::<Answers>("saas-vsphere-proxy-connect.json")).unwrap();
    let answers: Answers = load("saas-vsphere-proxy-connect.json");
    let flow = checklist
        .flows
        .iter_mut()
        .find(|f| f.via_proxy)
        .expect("a proxied flow");
    flow.to.hosts = vec![
        portcheck_rules::End::parse("*.amazonaws.com").unwrap(),
        portcheck_rules::End::parse("ecr.*.amazonaws.com").unwrap(),
        portcheck_rules::End::parse("s3.amazonaws.com").unwrap(),
    ];
    let id = flow.id.clone();
    let t = build(&checklist, &answers, &TicketInfo::default());
    let squid = render(Format::Squid, &t);
    let acl = format!("palette_{}", id.replace('-', "_"));
    assert!(
        squid.contains(&format!("acl {acl}_dst dstdomain .amazonaws.com\n")),
        "{squid}"
    );
    assert!(
        squid.contains(&format!(
            "acl {acl}_pattern dstdom_regex -i ^ecr\\.[^.]+\\.amazonaws\\.com$\n"
        )),
        "{squid}"
    );
    let nfw = render(Format::AwsNetworkFirewall, &t);
    assert!(
        nfw.contains("\".amazonaws.com\"") && !nfw.contains("\"s3.amazonaws.com\""),
        "{nfw}"
    );
    assert!(
        nfw.contains("ecr.*.amazonaws.com: a domain list matches"),
        "{nfw}"
    );
    let iptables = render(Format::Iptables, &t);
    assert!(
        iptables.contains(&format!("[{id} (from the proxy)]")),
        "{iptables}"
    );
    assert!(
        iptables.contains("*.amazonaws.com"),
        "the wildcard is named"
    );
}

/// The Cilium policy: YAML of the CiliumNetworkPolicy shape, DNS visible to Cilium first, names as
/// toFQDNs (patterns quoted, so YAML does not read `*` as an alias), ports as strings.
#[test]
fn cilium_policy_has_the_crd_shape() {
    for env in ENVIRONMENTS {
        let info = TicketInfo {
            include_optional: true,
            ..TicketInfo::default()
        };
        let text = render(Format::Cilium, &ticket(env, &info));
        let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{env}: {e}"));
        let policy = &docs[0];
        assert_eq!(policy["apiVersion"].as_str(), Some("cilium.io/v2"));
        assert_eq!(policy["kind"].as_str(), Some("CiliumNetworkPolicy"));
        let egress = policy["spec"]["egress"].as_vec().unwrap();
        assert_eq!(
            egress[0]["toPorts"][0]["rules"]["dns"][0]["matchPattern"].as_str(),
            Some("*")
        );
        for rule in egress {
            let peers: Vec<&str> = ["toEndpoints", "toFQDNs", "toCIDRSet"]
                .into_iter()
                .filter(|k| !rule[*k].is_badvalue())
                .collect();
            assert_eq!(peers.len(), 1, "{env}: one kind of peer per rule: {rule:?}");
            for fqdn in rule["toFQDNs"].as_vec().into_iter().flatten() {
                let (key, value) = fqdn.as_hash().unwrap().iter().next().unwrap();
                assert!(["matchName", "matchPattern"].contains(&key.as_str().unwrap()));
                let value = value.as_str().unwrap();
                assert!(portcheck_rules::End::parse(value).is_ok(), "{env}: {value}");
            }
            for cidr in rule["toCIDRSet"].as_vec().into_iter().flatten() {
                let cidr = cidr["cidr"].as_str().unwrap();
                assert!(
                    portcheck_rules::endpoint::parse_host(cidr).is_ok(),
                    "{env}: {cidr}"
                );
            }
            for port in rule["toPorts"][0]["ports"].as_vec().unwrap() {
                let number: u16 = port["port"].as_str().unwrap().parse().unwrap();
                assert!(number > 0);
                assert!(["TCP", "UDP", "ANY"].contains(&port["protocol"].as_str().unwrap()));
                if let Some(end) = port["endPort"].as_i64() {
                    assert!(end > i64::from(number));
                }
            }
        }
    }
}
