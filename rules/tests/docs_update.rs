//! The rule base against Palette's documentation as of November 2026 (`DOCS-UPDATE-2026-11.md`):
//! each decided item, seen in the checklist it changes.

use portcheck_rules::answers::*;
use portcheck_rules::{evaluate, Checklist, End};

fn checklist(change: impl FnOnce(&mut Answers)) -> Checklist {
    let mut answers = Answers {
        infrastructure: vec![Infrastructure::Aws],
        ..Answers::default()
    };
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

/// A2 / C24: the self-hosted required domains of the newest partial (17 rows), and A3 / C34
/// the two default Helm repositories.
#[test]
fn self_hosted_public_registries_follow_the_newest_required_domains() {
    let c = checklist(|a| a.deployment = DeploymentModel::SelfHostedPalette);
    for id in ["mgmt-public-registries", "workload-public-registries"] {
        let hosts = names(&c, id);
        assert_eq!(hosts.len(), 17 + 2, "{id}: {hosts:?}");
        assert!(hosts.contains(&"charts.bitnami.com".to_owned()), "{id}");
        assert!(hosts.contains(&"spectrocloud.github.io".to_owned()), "{id}");
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
    let newer = c
        .findings
        .iter()
        .find(|f| f.id == "version-newer-than-rules")
        .expect("4.11.0 is past the documentation");
    assert!(
        newer
            .text
            .contains("newer than 4.10.0 (released 2026-09-06)"),
        "{}",
        newer.text
    );
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

/// A4 / C33: dedicated SaaS pulls from Spectro Cloud's registries like multi-tenant SaaS, from
/// workload clusters and from the PCG; A3 / C34: with the default Helm repositories.
#[test]
fn dedicated_saas_gets_registry_flows() {
    let c = checklist(|a| {
        a.deployment = DeploymentModel::DedicatedSaas;
        a.infrastructure = vec![Infrastructure::Openstack];
    });
    for id in ["workload-saas-registries", "pcg-saas-registries"] {
        let flow = c.flow(id).unwrap_or_else(|| panic!("{id}"));
        assert!(names(&c, id).contains(&"registry.spectrocloud.com".to_owned()));
        assert!(
            flow.decisions.iter().any(|d| d.contradiction == "C33"),
            "{id}"
        );
    }
    assert!(names(&c, "workload-saas-registries").contains(&"charts.bitnami.com".to_owned()));
}

/// A5 / C35: a self-hosted instance's PCG with public registries pulls from the same domains.
#[test]
fn a_self_hosted_pcg_pulls_from_the_public_registries() {
    let c = checklist(|a| {
        a.deployment = DeploymentModel::SelfHostedVertex;
        a.infrastructure = vec![Infrastructure::Maas];
        a.firewall_between = true;
    });
    let flow = c
        .flow("pcg-public-registries")
        .expect("PCG registry egress");
    assert_eq!(flow.ports_text(), "443/tcp");
    assert_eq!(
        names(&c, "pcg-public-registries"),
        names(&c, "mgmt-public-registries")
    );
    let air_gapped = checklist(|a| {
        a.deployment = DeploymentModel::SelfHostedVertex;
        a.infrastructure = vec![Infrastructure::Maas];
        a.firewall_between = true;
        a.air_gapped = true;
        a.registry = RegistrySource::AirgapSupportVm;
    });
    assert!(air_gapped.flow("pcg-public-registries").is_none());
}

/// A7 / C36 and A9 / C37: image hosts the domains page omits and self-hosted integrations are
/// findings that name them, not flows.
#[test]
fn image_hosts_and_optional_integrations_are_findings() {
    let saas = checklist(|_| {});
    let images = saas
        .findings
        .iter()
        .find(|f| f.id == "palette-image-hosts")
        .expect("image hosts");
    assert!(images.text.contains("us-docker.pkg.dev/palette-images"));
    assert!(images.text.contains("gcr.io/spectro-images-public"));
    assert!(saas
        .findings
        .iter()
        .all(|f| f.id != "self-hosted-optional-integrations"));
    let hosted = checklist(|a| a.deployment = DeploymentModel::SelfHostedPalette);
    let integrations = hosted
        .findings
        .iter()
        .find(|f| f.id == "self-hosted-optional-integrations")
        .expect("integrations");
    assert!(integrations.text.contains("587"));
    assert!(hosted
        .findings
        .iter()
        .all(|f| f.id != "palette-image-hosts"));
}

/// Changes 1 and 2 / C38: the proxy CA advice names pod-level trust through podMount.
#[test]
fn proxy_ca_advice_names_pod_level_trust() {
    let c = checklist(|a| {
        a.proxy.kind = ProxyKind::SslBump;
        a.proxy.url = "http://proxy.example.com:3128".into();
    });
    let advice = c
        .findings
        .iter()
        .find(|f| f.id == "proxy-ca-distribution")
        .unwrap();
    assert!(advice.text.contains("podMount"), "{}", advice.text);
    assert!(advice.sources.iter().any(|s| s.key == "PCG-CA-CERTS"));
}

/// Change 6 / C40: remote shell's version pairing, on either side of Palette 4.6.23.
#[test]
fn remote_shell_names_its_version_pairing() {
    let edge = |version: &str| {
        checklist(|a| {
            a.infrastructure = vec![Infrastructure::Edge];
            a.edge.remote_shell = true;
            a.palette_version = version.into();
        })
    };
    let ids = |c: &Checklist| -> Vec<String> { c.findings.iter().map(|f| f.id.clone()).collect() };
    let old = ids(&edge("4.6.20"));
    assert!(
        old.contains(&"edge-remote-shell-before-4-6-23".to_owned()),
        "{old:?}"
    );
    assert!(!old.contains(&"edge-remote-shell-agent-version".to_owned()));
    let new = ids(&edge("4.6.23"));
    assert!(
        new.contains(&"edge-remote-shell-agent-version".to_owned()),
        "{new:?}"
    );
    assert!(!new.contains(&"edge-remote-shell-before-4-6-23".to_owned()));
}

/// B3 / C43: with a firewall between self-hosted Palette and the infrastructure, the PCG reaches
/// the workload vCenter, not the management plane; without one, the System Private Gateway in
/// the management plane does.
#[test]
fn the_management_plane_reaches_the_workload_vcenter_only_through_its_own_gateway() {
    let hosted = |firewall_between: bool| {
        checklist(|a| {
            a.deployment = DeploymentModel::SelfHostedPalette;
            a.infrastructure = vec![Infrastructure::Vsphere];
            a.firewall_between = firewall_between;
            a.endpoints.infrastructure_api = "vcenter-workloads.corp.example".into();
            a.endpoints.palette_vcenter = "vcenter-mgmt.corp.example".into();
        })
    };
    let behind_firewall = hosted(true);
    assert!(behind_firewall.flow("mgmt-infra-api").is_none());
    assert_eq!(
        names(&behind_firewall, "pcg-infra-api"),
        ["vcenter-workloads.corp.example"]
    );
    assert_eq!(
        names(&behind_firewall, "mgmt-palette-vcenter"),
        ["vcenter-mgmt.corp.example"]
    );
    let direct = hosted(false);
    assert_eq!(
        names(&direct, "mgmt-infra-api"),
        ["vcenter-workloads.corp.example"]
    );
    assert!(direct.flow("pcg-infra-api").is_none());
    let flow = direct.flow("mgmt-infra-api").unwrap();
    assert!(flow.decisions.iter().any(|d| d.contradiction == "C43"));
}

/// A6 / C44: self-hosted Palette installed with the Palette CLI reaches the vCenter it runs in,
/// from its nodes and from the installer host, even when it manages only public-cloud clusters.
#[test]
fn palette_cli_installs_reach_their_own_vcenter() {
    let c = checklist(|a| {
        a.deployment = DeploymentModel::SelfHostedPalette;
        a.infrastructure = vec![Infrastructure::Aws];
        a.endpoints.palette_vcenter = "https://vcenter-mgmt.corp.example:8443".into();
        a.endpoints.installer = vec!["10.9.0.5".into()];
    });
    let own = c
        .flow("mgmt-palette-vcenter")
        .expect("the management plane's vCenter");
    assert_eq!(own.ports_text(), "8443/tcp");
    assert_eq!(own.to.label, "vCenter hosting self-hosted Palette");
    let install = c
        .flow("installer-palette-vcenter")
        .expect("the installer's vCenter");
    assert_eq!(install.from.hosts_text(), "10.9.0.5");
    assert!(c.flow("mgmt-infra-api").is_none() && c.flow("pcg-infra-api").is_none());
    let helm = checklist(|a| {
        a.deployment = DeploymentModel::SelfHostedPalette;
        a.infrastructure = vec![Infrastructure::Aws];
        a.self_hosted_install = SelfHostedInstall::Helm;
    });
    assert!(helm.flow("mgmt-palette-vcenter").is_none());
    assert!(helm.flow("installer-palette-vcenter").is_none());
}

/// C45: the Palette CLI host that installs a PCG reaches Palette and the vSphere or CloudStack
/// endpoint; a PCG on an existing Kubernetes cluster has no such host (C46).
#[test]
fn the_pcg_installer_host_is_a_role_of_its_own() {
    let vsphere = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Vsphere];
        a.endpoints.installer = vec!["10.9.0.5".into()];
        a.endpoints.infrastructure_api = "vcenter.corp.example".into();
    });
    assert_eq!(
        names(&vsphere, "installer-pcg-palette")[0],
        "api.spectrocloud.com"
    );
    assert_eq!(
        names(&vsphere, "installer-pcg-infra-api"),
        ["vcenter.corp.example"]
    );
    let plan = portcheck_rules::plan::plan(
        &vsphere,
        &Answers {
            infrastructure: vec![Infrastructure::Vsphere],
            ..Answers::default()
        },
        portcheck_rules::Role::Installer,
    );
    assert!(plan
        .checks
        .iter()
        .any(|c| c.flow == "installer-pcg-infra-api"));
    let on_kubernetes = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Vsphere];
        a.pcg_install = PcgInstall::ExistingKubernetes;
    });
    assert!(on_kubernetes.flow("installer-pcg-palette").is_none());
    assert!(on_kubernetes
        .findings
        .iter()
        .any(|f| f.id == "pcg-on-existing-kubernetes"));
    let maas = checklist(|a| a.infrastructure = vec![Infrastructure::Maas]);
    assert!(maas.flow("installer-pcg-palette").is_some());
    assert!(
        maas.flow("installer-pcg-infra-api").is_none(),
        "not documented for MAAS"
    );
}

/// C46 / C47: Nutanix's PCG runs on an existing Kubernetes cluster (the Palette CLI is refused
/// for it), and CloudStack and Nutanix ask for their API's port.
#[test]
fn cloudstack_and_nutanix_are_pcg_infrastructures() {
    let nutanix = checklist(|a| a.infrastructure = vec![Infrastructure::Nutanix]);
    assert!(nutanix.flow("pcg-infra-api").is_some());
    assert!(nutanix.flow("installer-pcg-palette").is_none());
    let ids: Vec<&str> = nutanix.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"pcg-on-existing-kubernetes"), "{ids:?}");
    assert!(
        ids.contains(&"infra-api-port-cloudstack-nutanix"),
        "{ids:?}"
    );
    let refused = evaluate(&Answers {
        infrastructure: vec![Infrastructure::Nutanix],
        pcg_install: PcgInstall::PaletteCli,
        ..Answers::default()
    })
    .unwrap_err();
    assert_eq!(refused[0].field, "pcg-install");
    let cloudstack = checklist(|a| {
        a.infrastructure = vec![Infrastructure::Cloudstack];
        a.endpoints.infrastructure_api = "https://cloudstack.corp.example:8443/client/api".into();
    });
    assert_eq!(
        cloudstack.flow("pcg-infra-api").unwrap().ports_text(),
        "8443/tcp"
    );
    assert_eq!(
        cloudstack
            .flow("installer-pcg-infra-api")
            .unwrap()
            .ports_text(),
        "8443/tcp"
    );
}

/// Answer files and share links of schema 1 still open: their answers mean the same.
#[test]
fn schema_1_answers_are_still_read() {
    let old = r#"{"schema": 1, "deployment": "self-hosted-palette", "infrastructure": ["vsphere"],
        "endpoints": {"infrastructure-api": "vcenter.corp.example"}}"#;
    let answers: Answers = portcheck_rules::json::parse(old).unwrap();
    assert_eq!(answers.pcg_install, PcgInstall::Auto);
    let c = evaluate(&answers).unwrap();
    assert!(c.flow("mgmt-infra-api").is_some());
    let future = Answers {
        schema: SCHEMA + 1,
        ..Answers::default()
    };
    let err = evaluate(&future).unwrap_err();
    assert_eq!(err[0].field, "schema");
    assert!(
        err[0].message.contains("schemas 1 to 2"),
        "{}",
        err[0].message
    );
}

/// C48: self-hosted Palette with an external gRPC endpoint: clusters reach it on its own port,
/// beside API access to Palette; SaaS answers cannot name one.
#[test]
fn an_external_grpc_endpoint_is_its_own_flow() {
    let c = checklist(|a| {
        a.deployment = DeploymentModel::SelfHostedPalette;
        a.endpoints.palette = "palette.corp.example".into();
        a.endpoints.grpc = "grpc.palette.corp.example:8443".into();
        a.endpoints.workload_nodes = vec!["10.20.0.0/16".into()];
    });
    let grpc = c.flow("workload-palette-grpc").expect("the gRPC endpoint");
    assert_eq!(
        names(&c, "workload-palette-grpc"),
        ["grpc.palette.corp.example"]
    );
    assert_eq!(grpc.ports_text(), "8443/tcp");
    assert_eq!(grpc.check, Some(portcheck_rules::plan::CheckKind::Grpc));
    assert_eq!(names(&c, "workload-palette-api"), ["palette.corp.example"]);
    let without = checklist(|a| a.deployment = DeploymentModel::SelfHostedPalette);
    assert!(without.flow("workload-palette-grpc").is_none());
    let saas = evaluate(&Answers {
        endpoints: Endpoints {
            grpc: "grpc.example.com".into(),
            ..Endpoints::default()
        },
        infrastructure: vec![Infrastructure::Aws],
        ..Answers::default()
    })
    .unwrap_err();
    assert_eq!(saas[0].field, "endpoints.grpc");
}

/// Change 14 / C49: Apache CloudStack is generally available from 4.10.0; before, it needs a
/// feature flag.
#[test]
fn cloudstack_before_4_10_is_a_preview() {
    let cloudstack = |version: &str| {
        checklist(|a| {
            a.infrastructure = vec![Infrastructure::Cloudstack];
            a.palette_version = version.into();
        })
    };
    let flagged = |c: &Checklist| c.findings.iter().any(|f| f.id == "cloudstack-before-4-10");
    assert!(flagged(&cloudstack("4.9.46")));
    assert!(!flagged(&cloudstack("4.10.0")));
}
