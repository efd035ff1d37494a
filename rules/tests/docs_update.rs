//! The rule base against Palette's documentation as of November 2026 (`DOCS-UPDATE-2026-11.md`):
//! each decided item, seen in the checklist it changes.

use portcheck_rules::answers::*;
use portcheck_rules::{evaluate, Checklist, End};

fn checklist(change: impl FnOnce(&mut Answers)) -> Checklist {
    let mut answers = Answers::default();
    change(&mut answers);
    evaluate(&answers).unwrap_or_else(|e| panic!("{e:?}"))
}

fn names(checklist: &Checklist, id: &str) -> Vec<String> {
    checklist
        .flow(id)
        .unwrap_or_else(|| panic!("no flow {id}"))
        .to
        .hosts
        .iter()
        .map(End::to_string)
        .collect()
}

/// A1 / C23: message*.spectrocloud.com is documented on 443 as well as the deprecated 4222.
#[test]
fn saas_opens_message_names_on_443_in_the_grpc_era() {
    let c = checklist(|_| {});
    let msg = c.flow("workload-palette-msg").unwrap();
    assert_eq!(msg.ports_text(), "443/tcp");
    for name in [
        "message.spectrocloud.com",
        "message3.spectrocloud.com",
        "msg.spectrocloud.com",
    ] {
        assert!(
            names(&c, "workload-palette-msg").contains(&name.to_owned()),
            "{name}"
        );
    }
    assert!(msg.decisions.iter().any(|d| d.contradiction == "C23"));
}

/// A2 / C24: the self-hosted required domains of the newest partial (17 rows).
#[test]
fn self_hosted_public_registries_follow_the_newest_required_domains() {
    let c = checklist(|a| a.deployment = DeploymentModel::SelfHostedPalette);
    for id in ["mgmt-public-registries", "workload-public-registries"] {
        let hosts = names(&c, id);
        assert_eq!(hosts.len(), 17, "{id}: {hosts:?}");
        assert!(hosts.contains(&"*.amazonaws.com".to_owned()), "{id}");
        assert!(hosts.contains(&"us-docker.pkg.dev".to_owned()), "{id}");
        assert!(!hosts.contains(&"s3.amazonaws.com".to_owned()), "{id}");
    }
}

/// B2 / C25: a SaaS account with only locally managed Edge has no connection to Palette.
#[test]
fn locally_managed_edge_gets_no_inbound_flow_from_palette() {
    let local = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Edge];
        a.edge.management = EdgeManagement::Local;
    });
    assert!(local.flow("saas-palette-workload-api").is_none());
    let central = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Edge];
        a.edge.management = EdgeManagement::Central;
    });
    assert!(central.flow("saas-palette-workload-api").is_some());
}

/// B4: the newest documented release is 4.10.0; answers up to it are not "newer than the docs".
#[test]
fn releases_up_to_4_10_are_documented() {
    assert_eq!(portcheck_rules::version::LATEST_DOCUMENTED, "4.10.0");
    for version in ["4.8.21", "4.9.46", "4.10.0"] {
        let c = checklist(|a| a.palette_version = version.to_owned());
        assert!(
            c.findings
                .iter()
                .all(|f| f.id != "version-newer-than-rules"),
            "{version}"
        );
    }
    let c = checklist(|a| a.palette_version = "4.11.0".to_owned());
    assert!(c
        .findings
        .iter()
        .any(|f| f.id == "version-newer-than-rules"));
}

/// B6 / C26: the SSL-bump advice names the messaging endpoints that carry gRPC.
#[test]
fn ssl_bump_advice_exempts_the_messaging_names() {
    let c = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Vsphere];
        a.proxy = Proxy {
            kind: ProxyKind::SslBump,
            url: "http://proxy.example.com:3128".into(),
            no_proxy: Vec::new(),
        };
    });
    let finding = c
        .findings
        .iter()
        .find(|f| f.id == "ssl-bump-breaks-grpc")
        .unwrap();
    assert!(
        finding.text.contains("msg* and message*.spectrocloud.com"),
        "{}",
        finding.text
    );
}

/// B1 / C27: remote shell runs through the host's tunnel to Palette; nothing is opened into the
/// site, and the checklist says what the host itself needs.
#[test]
fn remote_shell_opens_nothing_into_the_site() {
    let c = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Edge];
        a.edge.management = EdgeManagement::Central;
        a.edge.remote_shell = true;
    });
    assert!(
        c.flows
            .iter()
            .all(|f| !(f.from.role == portcheck_rules::Role::Palette && f.ports_text() == "22/tcp")),
        "no flow from Palette to the host's SSH port"
    );
    let finding = c
        .findings
        .iter()
        .find(|f| f.id == "edge-remote-shell-tunnel")
        .expect("the remote-shell advice");
    assert!(
        finding.text.contains("open nothing inbound"),
        "{}",
        finding.text
    );
    assert!(finding.decisions.iter().any(|d| d.contradiction == "C27"));
}

/// B5 / C28: agent-mode Edge hosts under local management need Palette 4.6.32 or later.
#[test]
fn local_management_of_agent_mode_hosts_before_4_6_32_is_warned_about() {
    let edge = |version: &str| {
        checklist(|a| {
            a.palette_version = version.to_owned();
            a.infrastructure = vec![Infrastructure::Edge];
            a.edge.management = EdgeManagement::Local;
            a.edge.agent_mode_firewalld = true;
        })
    };
    let warned = |c: &Checklist| {
        c.findings
            .iter()
            .any(|f| f.id == "edge-agent-local-management-version")
    };
    assert!(warned(&edge("4.6.12")));
    assert!(!warned(&edge("4.6.32")));
    assert!(!warned(&edge("4.10.0")));
}

/// B8: an infrastructure API the user gives as http:// is plain HTTP in the checklist, and the
/// live check connects instead of expecting TLS.
#[test]
fn an_http_infrastructure_api_is_labelled_and_checked_as_http() {
    let maas = |url: &str| {
        let a = Answers {
            infrastructure: vec![Infrastructure::Maas],
            endpoints: Endpoints {
                infrastructure_api: url.to_owned(),
                ..Endpoints::default()
            },
            ..Answers::default()
        };
        let c = evaluate(&a).unwrap();
        (a, c)
    };
    let (answers, c) = maas("http://10.1.1.1:5240/MAAS");
    let flow = c.flow("pcg-infra-api").unwrap();
    assert_eq!(
        (flow.protocol.as_str(), flow.ports_text().as_str()),
        ("HTTP", "5240/tcp")
    );
    let plan = portcheck_rules::plan::plan(&c, &answers, portcheck_rules::Role::Pcg);
    let check = plan
        .checks
        .iter()
        .find(|k| k.flow == "pcg-infra-api")
        .unwrap();
    // A plain HTTP request proves it (a TCP connect would not show the API answers).
    assert_eq!(check.kind, portcheck_rules::plan::CheckKind::Http);
    let (_, c) = maas("https://maas.example.com:5443/MAAS");
    let flow = c.flow("pcg-infra-api").unwrap();
    assert_eq!(
        (flow.protocol.as_str(), flow.check),
        ("HTTPS", Some(portcheck_rules::plan::CheckKind::Tls))
    );
}

/// A8 / C30 and B5 / C31: admin browsers reach the primary registry on 30003 (optional), and a
/// centrally managed cluster with one needs Palette 4.6.19.
#[test]
fn the_primary_registry_has_its_admin_flow_and_its_version_gate() {
    let edge = |version: &str| {
        checklist(|a| {
            a.palette_version = version.to_owned();
            a.infrastructure = vec![Infrastructure::Edge];
            a.edge.local_registry = true;
        })
    };
    let c = edge("4.6.12");
    let admin = c
        .flow("admin-edge-primary-registry")
        .expect("the admin flow");
    assert_eq!(
        (admin.from.role, admin.ports_text(), admin.level),
        (
            portcheck_rules::Role::Admin,
            "30003/tcp".to_owned(),
            portcheck_rules::Level::Optional
        )
    );
    let gated = |c: &Checklist| {
        c.findings
            .iter()
            .any(|f| f.id == "edge-primary-registry-version")
    };
    assert!(gated(&c));
    assert!(!gated(&edge("4.6.19")));
}

/// B7 / C32: the self-hosted advice cites what makes its claim and says that images still come
/// from Spectro Cloud's registries, with an image pull secret from 4.9.22.
#[test]
fn self_hosted_advice_names_the_image_pull_secret() {
    let c = checklist(|a| a.deployment = DeploymentModel::SelfHostedPalette);
    let finding = c
        .findings
        .iter()
        .find(|f| f.id == "self-hosted-no-saas")
        .unwrap();
    assert!(
        finding.text.contains("image pull secret"),
        "{}",
        finding.text
    );
    let keys: Vec<&str> = finding.sources.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["AO-1", "SEC-SH", "SH-PULL-SECRET"]);
}
